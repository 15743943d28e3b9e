// The fixture catalogue in memory, for service tests: the fixture guides published through the real
// catalogue rules as `npm start` seeds its sample (test/support/fixture-seeding.ts), on a MemoryItemStore.
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { fixtureDirectory } from './directory-fixtures.ts';
import { seedFixtures } from './fixture-seeding.ts';
import { MemoryItemStore } from './memory-item-store.ts';

/** The fixture guides, published at `now`'s time of the call, and the catalogue service on them. */
export async function seededCatalogue(now: () => Date): Promise<{ items: MemoryItemStore; catalogue: CatalogueService }> {
  const items = new MemoryItemStore();
  await seedFixtures({ directory: { save: async () => {} }, store: items, now });
  const directory = fixtureDirectory();
  return { items, catalogue: new CatalogueService({ store: items, directory: async () => directory, calendar: officialCalendar, now }) };
}
