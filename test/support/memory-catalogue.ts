// The sample catalogue in memory, for service tests: the seed items published through the real
// catalogue rules as `npm start` seeds them (infra/local/seed.ts), on a MemoryItemStore.
import { seedDirectory, seedPlatform } from '../../infra/local/seed.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { MemoryItemStore } from './memory-item-store.ts';

const principalArn = (name: string) => `arn:aws:iam::000000000000:user/${name}`;

/** The seeded items, published at `now`'s time of the call, and the catalogue service on them. */
export async function seededCatalogue(now: () => Date): Promise<{ items: MemoryItemStore; catalogue: CatalogueService }> {
  const items = new MemoryItemStore();
  await seedPlatform({ directory: { save: async () => {} }, store: items, principalArn, now });
  const directory = seedDirectory(principalArn);
  return { items, catalogue: new CatalogueService({ store: items, directory: async () => directory, calendar: officialCalendar, now }) };
}
