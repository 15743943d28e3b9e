// Calendar data for tests of years whose arrangement is not published: NOT the State Council's
// arrangement, only what the law fixes (statutory-holidays.ts) plus what a test asks for, so it
// passes the same validation as a real year.
import type { CalendarYearData } from '../../shared/domain/calendar/official-calendar.ts';
import { statutoryHolidays } from '../../shared/domain/calendar/statutory-holidays.ts';

/** The statutory days off of `year` as an arrangement, with `extraDaysOff` added to New Year and `makeupWorkdays`. */
export function statutoryArrangement(year: number, opts: { version?: number; extraDaysOff?: string[]; makeupWorkdays?: string[] } = {}): CalendarYearData {
  return {
    year,
    source: `test fixture: the statutory holidays of ${year} (not the State Council's arrangement)`,
    version: opts.version ?? 1,
    // A day two holidays share (中秋 on 1 October) is listed once, under the first.
    holidays: statutoryHolidays(year)
      .map((h, i, all) => {
        const earlier = new Set(all.slice(0, i).flatMap((x) => x.days));
        const days = h.days.filter((d) => !earlier.has(d));
        return { name: h.name, days: h.name === '元旦' ? [...days, ...(opts.extraDaysOff ?? [])].sort() : days };
      })
      .filter((h) => h.days.length > 0),
    makeupWorkdays: opts.makeupWorkdays ?? [],
  };
}
