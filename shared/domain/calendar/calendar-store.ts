// The official holiday arrangements as operated data: each load of a year is a new version, kept for
// good, with who loaded it and when, and chained by hash to the version before it (like an item's
// versions), so a rewritten or removed version is found. The storage port; DynamoDB implements it
// (shared/adapters/dynamo-calendar-store.ts).
import type { CalendarYearData } from './official-calendar.ts';

/** One stored version of a year's arrangement. */
export interface CalendarVersion {
  year: number;
  /** 1, 2, …: the data's own `version`, one more than the version before it. */
  version: number;
  data: CalendarYearData;
  loadedAt: string;
  /** The principal that loaded it, or `system` for the years shipped with the platform. */
  loadedBy: string;
  previousHash?: string;
  hash: string;
}

export interface CalendarStore {
  /** Every stored version of every year, by year then version (a few per year: the whole set is small). */
  versions(): Promise<CalendarVersion[]>;
  /** The versions of one year, oldest first. */
  versionsOf(year: number): Promise<CalendarVersion[]>;
  /** Stores a new version; refuses with CALENDAR_VERSION_CONFLICT if that version of the year exists. */
  put(version: CalendarVersion): Promise<void>;
}

/** The newest stored version of each year. */
export function newestVersions(versions: readonly CalendarVersion[]): Map<number, CalendarVersion> {
  const newest = new Map<number, CalendarVersion>();
  for (const v of versions) if ((newest.get(v.year)?.version ?? 0) < v.version) newest.set(v.year, v);
  return newest;
}

/** At most this many stored versions are read (years × corrections): far above any real use. */
export const MAX_CALENDAR_VERSIONS = 1000;
