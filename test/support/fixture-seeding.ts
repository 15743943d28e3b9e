// The test fixtures seeded the way `npm start` seeds its sample data — the same routine
// (infra/local/seed.ts), given the fixtures: the directory saved, then each guide published through
// the real catalogue rules (create → submit → publish).
import type { SeedData } from '../../infra/local/seed.ts';
import { seedPlatform } from '../../infra/local/seed.ts';
import { CHANNELS, DEPARTMENTS, PRINCIPALS, fixturePrincipalArn } from './directory-fixtures.ts';
import { GUIDES } from './guide-fixtures.ts';

const FIXTURES: SeedData = { departments: Object.values(DEPARTMENTS), channels: Object.values(CHANNELS), principals: PRINCIPALS, items: Object.values(GUIDES) };

/** Saves fixtureDirectory() to `directory` and publishes every fixture guide into `store`, at `now`'s time. */
export function seedFixtures(deps: Omit<Parameters<typeof seedPlatform>[0], 'principalArn' | 'data'>): Promise<void> {
  return seedPlatform({ ...deps, principalArn: fixturePrincipalArn, data: FIXTURES });
}
