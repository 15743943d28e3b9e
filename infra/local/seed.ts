// First-start seeding: the directory, then each item through the real catalogue rules
// (create → submit → publish), so seeded items look exactly like items made through the API.
// What is seeded is the sample data (seed-data.ts) unless the caller gives other data (tests do).
import type { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import type { Channel, Department, Directory, Principal } from '../../shared/contracts/directory.ts';
import type { ServiceGuideInput } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import type { ItemStore } from '../../shared/domain/items/item-store.ts';
import { CHANNELS, DEPARTMENTS, PRINCIPALS, SEED_ITEMS } from './seed-data.ts';

/** What a first start seeds: the directory without the principals' ARNs, and the items' guides, each published by its department's first principal. */
export interface SeedData {
  departments: readonly Department[];
  channels: readonly Channel[];
  principals: readonly (Omit<Principal, 'arn'> & { description?: string; officers?: readonly string[]; clerks?: readonly string[] })[];
  items: readonly ServiceGuideInput[];
}

/** The sample data `npm start` seeds. */
export const SAMPLE_DATA: SeedData = { departments: Object.values(DEPARTMENTS), channels: CHANNELS, principals: PRINCIPALS, items: SEED_ITEMS };

export function seedDirectory(principalArn: (name: string) => string, data: SeedData = SAMPLE_DATA): Directory {
  return {
    departments: [...data.departments],
    channels: [...data.channels],
    principals: data.principals.map(({ description: _d, officers: _o, clerks: _c, ...p }) => ({ ...p, arn: principalArn(p.name) })),
  };
}

export async function seedPlatform(deps: {
  directory: Pick<DynamoDirectory, 'save'>;
  store: ItemStore;
  principalArn: (name: string) => string;
  calendar?: CalendarSource;
  now?: () => Date;
  data?: SeedData;
}): Promise<void> {
  const data = deps.data ?? SAMPLE_DATA;
  const directory = seedDirectory(deps.principalArn, data);
  await deps.directory.save(directory);
  const catalogue = new CatalogueService({
    store: deps.store,
    directory: async () => directory,
    calendar: deps.calendar ?? officialCalendar,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const reviewer: Caller = { name: 'reviewer', role: 'platform', ...firstOfficer(data, 'reviewer') };
  const seedActors = new Set(data.principals.map((p) => p.name));

  for (const input of data.items) {
    const guide = ServiceGuideSchema.parse(input);
    const owner = data.principals.find((p) => p.role === 'department' && p.departmentId === guide.departmentId);
    if (!owner) throw new Error(`seed item ${guide.name}: no principal for department ${guide.departmentId}`);
    const department: Caller = { name: owner.name, role: 'department', departmentId: guide.departmentId, ...firstOfficer(data, owner.name) };

    let latest = await deps.store.latest(guide.implementationCode);
    if (latest && !seedActors.has(latest.actor)) continue; // someone has worked on it since: leave it be
    latest ??= await catalogue.create(department, guide);
    if (latest.state === 'draft') latest = await catalogue.submit(department, latest.code, latest.version);
    if (latest.state === 'submitted') await catalogue.review(reviewer, latest.code, latest.version, 'publish', []);
  }
}

/** `{ officer }`: the first officer of principal `name`, who publishes the seed (none for a principal without officers). */
function firstOfficer(data: SeedData, name: string): { officer?: string } {
  const officer = data.principals.find((p) => p.name === name)?.officers?.[0];
  return officer !== undefined ? { officer } : {};
}
