// Where a function gets the working-day calendar from: the stored arrangements (the newest version of
// each year), with the years shipped in the repository beneath them, cached for at most a minute so a
// load reaches every function within a minute — never a redeploy. A read that fails keeps the last
// calendar read, or the shipped one: a storage hiccup is never an outage of the legal clock.
import type { CalendarStore } from './calendar-store.ts';
import { newestVersions } from './calendar-store.ts';
import type { CalendarYearData } from './official-calendar.ts';
import { WorkingDayCalendar } from './official-calendar.ts';

/** A calendar as of now: what every time limit is counted on. */
export interface CalendarSource {
  current(): Promise<WorkingDayCalendar>;
}

export const CALENDAR_CACHE_MS = 60_000;

export class StoredCalendar implements CalendarSource {
  private cached: { calendar: WorkingDayCalendar; at: number } | undefined;
  private reading: Promise<WorkingDayCalendar> | undefined;
  private lastReadFailed = false;

  constructor(
    private readonly deps: {
      store: CalendarStore;
      /** The years shipped in the repository: used for a year the store does not hold. */
      shipped: readonly CalendarYearData[];
      now?: () => number;
      /** Told when the store cannot be read (the last calendar, or the shipped one, is used meanwhile). */
      onReadError?: (error: unknown) => void;
    },
  ) {}

  async current(): Promise<WorkingDayCalendar> {
    const now = (this.deps.now ?? Date.now)();
    if (this.cached && now - this.cached.at < CALENDAR_CACHE_MS) return this.cached.calendar;
    this.reading ??= this.read(now).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** False while the store could not be read at the last attempt (health says `degraded`). */
  healthy(): boolean {
    return !this.lastReadFailed;
  }

  /** Forgets the cached calendar: the next call reads the store (after a load in this process). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async read(now: number): Promise<WorkingDayCalendar> {
    try {
      const newest = new Map([...newestVersions(await this.deps.store.versions())].map(([year, v]) => [year, v.data]));
      for (const year of this.deps.shipped) if (!newest.has(year.year)) newest.set(year.year, year);
      const calendar = new WorkingDayCalendar([...newest.values()]);
      this.cached = { calendar, at: now };
      this.lastReadFailed = false;
      return calendar;
    } catch (e) {
      this.lastReadFailed = true;
      (
        this.deps.onReadError ??
        ((error: unknown) => console.warn(JSON.stringify({ level: 'WARN', message: 'calendar store unreadable: counting on the last calendar read', error: String(error) })))
      )(e);
      // Tried again on the next call; meanwhile the last good calendar, or the shipped years.
      return this.cached?.calendar ?? new WorkingDayCalendar(this.deps.shipped);
    }
  }
}
