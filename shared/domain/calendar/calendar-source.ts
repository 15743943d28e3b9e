// Where a function gets the working-day calendar from: the stored arrangements (the newest version of
// each year), with the years shipped in the repository beneath them, cached for at most a minute so a
// load reaches every function within a minute — never a redeploy. A read that fails keeps the last
// calendar read, or the shipped one: a storage hiccup is never an outage of the legal clock.
import { CachedReading, warnUnreadable } from '../cached-reading.ts';
import type { CalendarStore } from './calendar-store.ts';
import { newestVersions } from './calendar-store.ts';
import type { CalendarYearData } from './official-calendar.ts';
import { WorkingDayCalendar } from './official-calendar.ts';

/** A calendar as of now: what every time limit is counted on. */
export interface CalendarSource {
  current(): Promise<WorkingDayCalendar>;
}

export const CALENDAR_CACHE_MS = 60_000;

export class StoredCalendar extends CachedReading<WorkingDayCalendar> implements CalendarSource {
  constructor(deps: {
    store: CalendarStore;
    /** The years shipped in the repository: used for a year the store does not hold. */
    shipped: readonly CalendarYearData[];
    now?: () => number;
    /** Told when the store cannot be read (the last calendar, or the shipped one, is used meanwhile). */
    onReadError?: (error: unknown) => void;
  }) {
    super({
      read: async () => {
        const newest = new Map([...newestVersions(await deps.store.versions())].map(([year, v]) => [year, v.data]));
        for (const year of deps.shipped) if (!newest.has(year.year)) newest.set(year.year, year);
        return new WorkingDayCalendar([...newest.values()]);
      },
      fallback: () => new WorkingDayCalendar(deps.shipped),
      maxAgeMs: CALENDAR_CACHE_MS,
      ...(deps.now ? { now: deps.now } : {}),
      onReadError: deps.onReadError ?? warnUnreadable('calendar store unreadable: counting on the last calendar read'),
    });
  }
}
