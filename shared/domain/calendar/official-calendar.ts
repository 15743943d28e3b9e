// The official working-day calendar: weekends and statutory holidays are days off, except the
// weekend days the State Council designates as make-up working days (调休上班). Statutory time limits
// are counted in working days (行政许可法 art. 82), so a deadline is only as right as this data.
//
// Every year's data is published by the General Office of the State Council, usually in November of
// the year before (see README.md). A loaded year must give every statutory holiday of the law off
// (statutory-holidays.ts). A day in a year without data is never counted as a plain weekday: it is
// counted *provisionally* on the law alone — weekends and the statutory holidays off, no make-up days —
// and everything computed across it says so (`provisional`), until the year is loaded. Only a year
// the law's holidays are not known for (before 2008, after 2099) fails, with DEADLINE_CALENDAR_MISSING.
//
// The data files are imported statically (import attributes, `with { type: 'json' }`) so that the
// Lambda bundle carries them and there is no file-system read at run time. Checked: tsx, vitest and
// an esbuild bundle (--platform=node --format=esm) all load it; Node itself accepts `with` from 20.10.

import { CalendarYearDocumentSchema } from '../../contracts/calendar.ts';
import type { DomainError } from '../errors.ts';
import { invalid, unavailable } from '../errors.ts';
import { assertIsoDate, dayNumber, fromDayNumber, isIsoDate, weekday } from './china-date.ts';
import { STATUTORY_YEARS, statutoryDaysOff } from './statutory-holidays.ts';
import cn2026 from './data/cn-2026.json' with { type: 'json' };

export { chinaDate } from './china-date.ts';

/** One year of the State Council's holiday arrangement, as stored in `data/cn-YYYY.json`. */
export interface CalendarYearData {
  year: number;
  /** The notice the data was taken from, with its date. */
  source: string;
  /** Raised whenever a published file is corrected, so a deadline can say which data it used. */
  version: number;
  holidays: { name: string; days: string[] }[];
  /** Weekend days that are working days. */
  makeupWorkdays: string[];
}

/**
 * Shape (the wire's, shared/contracts/calendar.ts) and consistency rules of a year's data; the platform
 * team's edits must pass them, and so must a load (the platform function's edge checks its body with them).
 */
export const calendarYearSchema = CalendarYearDocumentSchema.superRefine((data, ctx) => {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const inYear = (date: string): boolean => date.startsWith(`${data.year}-`);
  const holidayDays = new Set<string>();
  const names = new Set<string>();
  data.holidays.forEach((holiday, h) => {
    if (names.has(holiday.name)) issue(['holidays', h, 'name'], `holiday "${holiday.name}" is listed twice`);
    names.add(holiday.name);
    holiday.days.forEach((day, d) => {
      if (!isIsoDate(day)) return; // already reported by the field's own rule
      const path = ['holidays', h, 'days', d];
      if (!inYear(day)) issue(path, `${day} is not in ${data.year}`);
      if (holidayDays.has(day)) issue(path, `${day} is listed as a holiday twice`);
      holidayDays.add(day);
    });
  });
  const makeup = new Set<string>();
  const makeupDays = new Set(data.makeupWorkdays);
  data.makeupWorkdays.forEach((day, m) => {
    if (!isIsoDate(day)) return;
    const path = ['makeupWorkdays', m];
    if (!inYear(day)) issue(path, `${day} is not in ${data.year}`);
    const dow = weekday(day);
    if (dow !== 0 && dow !== 6) issue(path, `${day} is a weekday, so it cannot be a make-up working day`);
    if (holidayDays.has(day)) issue(path, `${day} is both a holiday and a make-up working day`);
    if (makeup.has(day)) issue(path, `${day} is listed as a make-up day twice`);
    makeup.add(day);
  });
  // The law's own days off (全国年节及纪念日放假办法) must be off: a holiday, or a weekend day not worked.
  if (data.year >= STATUTORY_YEARS.first && data.year <= STATUTORY_YEARS.last) {
    for (const day of [...statutoryDaysOff(data.year)].sort()) {
      const dow = weekday(day);
      const off = holidayDays.has(day) || ((dow === 0 || dow === 6) && !makeupDays.has(day));
      if (!off) issue(['holidays'], `${day} is a statutory holiday (全国年节及纪念日放假办法) but the arrangement makes it a working day`);
    }
  }
});

/**
 * Validates one year's data; throws `INVALID_CALENDAR_DATA` listing every problem, with `field` the
 * path of the first (`holidays.1.days.0`). `origin` names the file in the message.
 */
export function parseCalendarYear(data: unknown, origin = 'calendar data'): CalendarYearData {
  const result = calendarYearSchema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const lines = issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw invalid('INVALID_CALENDAR_DATA', issues[0]?.path.join('.') || undefined, `节假日数据（${origin}）不合格：${lines}`, `${origin} is not valid holiday data: ${lines}`);
}

/** A date counted in working days; `provisional` when the count crossed a year with no data loaded. */
export interface CountedDate {
  date: string;
  provisional?: true;
}

/** A number of working days; `provisional` when counted across a year with no data loaded. */
export interface DayCount {
  days: number;
  provisional?: true;
}

/** Whether a day is a working day, and whether that is only the law's provisional answer. */
export interface DayStatus {
  working: boolean;
  provisional?: true;
}

/**
 * Working days over the years whose data it was built from, and provisionally (on the statutory
 * holidays alone) over the years without. Dates are China calendar dates `YYYY-MM-DD` (see
 * `chinaDate`); a malformed date throws `INVALID_DATE`; a day in a year the law's holidays are not
 * known for throws `DEADLINE_CALENDAR_MISSING` (kind `unavailable`).
 */
export class WorkingDayCalendar {
  readonly #years = new Map<number, YearIndex>();
  readonly #statutory = new Map<number, ReadonlySet<string>>();

  /** Validates every year; tests inject extra or altered years here. */
  constructor(data: readonly CalendarYearData[]) {
    for (const raw of data) {
      const year = parseCalendarYear(raw, typeof raw.year === 'number' ? `cn-${raw.year}` : undefined);
      if (this.#years.has(year.year)) {
        throw invalid('INVALID_CALENDAR_DATA', 'year', `${year.year}年的节假日数据重复提供`, `holiday data for ${year.year} is given twice`);
      }
      this.#years.set(year.year, {
        data: deepFreeze(year),
        holidays: new Set(year.holidays.flatMap((h) => h.days)),
        makeupWorkdays: new Set(year.makeupWorkdays),
      });
    }
  }

  /** A calendar is its own source: it stays as it is (tests, and the shipped data). */
  async current(): Promise<WorkingDayCalendar> {
    return this;
  }

  /** The years with data, ascending. */
  years(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  /** Which notice and data version each year comes from, for recording next to a computed deadline. */
  sources(): { year: number; version: number; source: string }[] {
    return this.years().map((year) => {
      const { data } = this.#years.get(year)!;
      return { year, version: data.version, source: data.source };
    });
  }

  /** The data version of every loaded year (year → version). */
  versions(): Record<string, number> {
    return Object.fromEntries(this.years().map((year) => [String(year), this.#years.get(year)!.data.version]));
  }

  /** The data version of a loaded year; undefined for a year counted provisionally. */
  version(year: number): number | undefined {
    return this.#years.get(year)?.data.version;
  }

  /** The last day of the last year of the unbroken run of loaded years that holds `today`'s year, if loaded. */
  loadedUntil(today: string): string | undefined {
    return coverage(this.#years.keys(), today).loadedUntil;
  }

  /** How far the loaded data reaches from `today`: its last day and the days left (0: today's year is not loaded). */
  coverage(today: string): CalendarCoverage {
    return coverage(this.#years.keys(), today);
  }

  /**
   * The data version each year from `from` to `to` (inclusive) is counted with: its loaded version,
   * or 0 for a year counted provisionally. What a case records beside its computed dates, so that a
   * later version of one of those years tells it to compute them again.
   */
  versionsBetween(from: string, to: string): Record<string, number> {
    assertIsoDate(from, 'from');
    assertIsoDate(to, 'to');
    const [low, high] = [Number(from.slice(0, 4)), Number(to.slice(0, 4))].sort((a, b) => a - b) as [number, number];
    const versions: Record<string, number> = {};
    for (let year = low; year <= high; year++) versions[String(year)] = this.version(year) ?? 0;
    return versions;
  }

  /** Whether `date` is a working day by the loaded data; throws DEADLINE_CALENDAR_MISSING for a year not loaded. */
  isWorkingDay(date: string): boolean {
    assertIsoDate(date, 'date');
    const status = this.#status(date);
    if (status.provisional) throw calendarMissing(Number(date.slice(0, 4)));
    return status.working;
  }

  /** Whether `date` is a working day: by the loaded data, or provisionally by the law alone. */
  dayStatus(date: string): DayStatus {
    assertIsoDate(date, 'date');
    return this.#status(date);
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string): CountedDate {
    assertIsoDate(date, 'date');
    return this.#next(dayNumber(date));
  }

  /**
   * The n-th working day after `date`, `date` itself not counted: from Wednesday 2026-09-30, n = 1
   * gives 2026-10-08 because of the National Day holiday. n = 0 gives `date` if it is a working day,
   * else the next working day: that is the earliest day something due "immediately" can be handled,
   * and it is how to move a receipt on a day off to the working day it counts as received, before
   * adding a time limit, where a rule says so. For n ≥ 1, `countWorkingDays(date, result).days === n`.
   */
  addWorkingDays(date: string, n: number): CountedDate {
    assertIsoDate(date, 'date');
    if (!Number.isSafeInteger(n) || n < 0) {
      throw invalid('INVALID_WORKING_DAYS', 'n', `工作日数应为非负整数，实际为${n}`, `working days must be a non-negative integer, got ${n}`);
    }
    if (n === 0) {
      const status = this.#status(date);
      return status.working ? counted(date, status.provisional === true) : this.#next(dayNumber(date), status.provisional === true);
    }
    let current = dayNumber(date);
    let provisional = false;
    for (let i = 0; i < n; i++) {
      const next = this.#next(current, provisional);
      provisional = next.provisional === true;
      current = dayNumber(next.date);
    }
    return counted(fromDayNumber(current), provisional);
  }

  /**
   * Working days in (fromExclusive, toInclusive]; negative, −count(to, from), when `to` is before
   * `from`, so that elapsed and remaining time come out of the same call.
   */
  countWorkingDays(fromExclusive: string, toInclusive: string): DayCount {
    assertIsoDate(fromExclusive, 'fromExclusive');
    assertIsoDate(toInclusive, 'toInclusive');
    const from = dayNumber(fromExclusive);
    const to = dayNumber(toInclusive);
    const [low, high, sign] = from <= to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    let provisional = false;
    for (let day = low + 1; day <= high; day++) {
      const status = this.#status(fromDayNumber(day));
      if (status.provisional) provisional = true;
      if (status.working) count++;
    }
    return provisional ? { days: sign * count, provisional: true } : { days: sign * count };
  }

  /** −1, 0 or 1 as `a` is before, the same as, or after `b`; needs no calendar data. */
  compareDates(a: string, b: string): -1 | 0 | 1 {
    assertIsoDate(a, 'a');
    assertIsoDate(b, 'b');
    return a < b ? -1 : a > b ? 1 : 0;
  }

  #status(date: string): DayStatus {
    const year = Number(date.slice(0, 4));
    const index = this.#years.get(year);
    const dow = weekday(date);
    const weekend = dow === 0 || dow === 6;
    if (index) {
      if (index.holidays.has(date)) return { working: false };
      if (index.makeupWorkdays.has(date)) return { working: true };
      return { working: !weekend };
    }
    if (year < STATUTORY_YEARS.first || year > STATUTORY_YEARS.last) throw calendarMissing(year);
    let daysOff = this.#statutory.get(year);
    if (!daysOff) {
      daysOff = statutoryDaysOff(year);
      this.#statutory.set(year, daysOff);
    }
    return { working: !weekend && !daysOff.has(date), provisional: true };
  }

  /** The first working day after day number `day`; provisional if `provisional` already, or if a day looked at is. */
  #next(day: number, provisional = false): CountedDate {
    // Terminates: each step either finds a working day or reaches a year the law is not known for and throws.
    for (let next = day + 1; ; next++) {
      const date = fromDayNumber(next);
      const status = this.#status(date);
      if (status.provisional) provisional = true;
      if (status.working) return counted(date, provisional);
    }
  }
}

export interface CalendarCoverage {
  loadedUntil?: string;
  daysLeft: number;
}

/** The coverage of `today` by the loaded `years`: the unbroken run of years that holds today's. */
export function coverage(years: Iterable<number>, today: string): CalendarCoverage {
  const loaded = new Set(years);
  let year = Number(today.slice(0, 4));
  if (!loaded.has(year)) return { daysLeft: 0 };
  while (loaded.has(year + 1)) year++;
  const loadedUntil = `${year}-12-31`;
  return { loadedUntil, daysLeft: dayNumber(loadedUntil) - dayNumber(today) };
}

function counted(date: string, provisional: boolean): CountedDate {
  return provisional ? { date, provisional: true } : { date };
}

/** The years shipped in the repository: version 1 of each, seeding the stored arrangements (calendar-service.ts). */
export const SHIPPED_CALENDAR_YEARS: readonly CalendarYearData[] = [cn2026];

/** The calendar built from the data shipped with the platform. */
export const officialCalendar = new WorkingDayCalendar(SHIPPED_CALENDAR_YEARS);

interface YearIndex {
  data: CalendarYearData;
  holidays: Set<string>;
  makeupWorkdays: Set<string>;
}

function calendarMissing(year: number): DomainError {
  return unavailable(
    'DEADLINE_CALENDAR_MISSING',
    `尚未载入${year}年的法定节假日安排，无法计算工作日`,
    `no official holiday calendar is loaded for ${year}, and its statutory holidays are not known here; working days cannot be computed`,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
