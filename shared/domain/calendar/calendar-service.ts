// The official holiday arrangements, operated: the platform role loads a year as the General Office
// of the State Council publishes it (国务院办公厅关于YYYY年部分节假日安排的通知), or a correction of it,
// through the API or `tongban calendar load`; everyone may read what is loaded. Each load is a new
// version — validated like the shipped files, the law's statutory holidays off — kept with who
// loaded it and when, hash-chained to the version before. Every function counts on the newest
// versions within a minute (calendar-source.ts), and the sweep computes the dates of the open cases
// that rest on a changed year again (case-sweep.ts). The years shipped in the repository are version
// 1 of their year: stored as such (by `system`) when the platform starts embedded, and before the
// first load of any year on AWS.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { chinaDate } from './china-date.ts';
import { DomainError, conflict, invalid, notFound } from '../errors.ts';
import { hashRecord, placeVersion, verifyHistory } from '../items/record-hash.ts';
import type { CalendarStore, CalendarVersion } from './calendar-store.ts';
import { newestVersions } from './calendar-store.ts';
import type { CalendarSource } from './calendar-source.ts';
import type { CalendarYearData } from './official-calendar.ts';
import { coverage, parseCalendarYear } from './official-calendar.ts';
import type { StatutoryHoliday } from './statutory-holidays.ts';
import { STATUTORY_YEARS, statutoryHolidays } from './statutory-holidays.ts';

/** A year as the overview lists it: its newest version. */
export interface CalendarYearSummary {
  year: number;
  version: number;
  source: string;
  loadedAt: string;
  loadedBy: string;
  hash: string;
  /** True for a year shipped in the repository that no load has stored yet. */
  shipped?: true;
}

export interface CalendarOverview {
  years: CalendarYearSummary[];
  /** The platform's today (China date). */
  today: string;
  /** The last day of the loaded run of years that holds today; absent: today's year is not loaded. */
  loadedUntil?: string;
  /** From this day on, dates are counted provisionally (the day after `loadedUntil`, or today). */
  provisionalFrom: string;
}

export interface CalendarYearView {
  year: number;
  /** The newest version, whole. */
  current: CalendarVersion;
  /** Every version, oldest first (with their data: a correction can be compared with what it corrected). */
  versions: CalendarVersion[];
  /** The hash chain over the versions. */
  check: { ok: true } | { ok: false; version: number; reason: string };
  /** The law's days off of that year, as the arrangement must give them (computed, not loaded). */
  statutoryHolidays?: StatutoryHoliday[];
}

export interface CalendarServiceDeps {
  store: CalendarStore;
  /** The years shipped in the repository (version 1 of each). */
  shipped: readonly CalendarYearData[];
  /** The calendar every time limit of this process counts on: told to read again after a load. */
  source?: CalendarSource & { invalidate?: () => void };
  now?: () => Date;
}

export class CalendarService {
  private readonly now: () => Date;

  constructor(private readonly deps: CalendarServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Every year: its newest version (stored, or shipped), and how far the loaded data reaches. */
  async overview(caller: Caller): Promise<CalendarOverview> {
    requireRole(caller, 'platform', 'department', 'channel', 'auditor');
    const newest = new Map([...newestVersions(await this.deps.store.versions())].map(([year, v]) => [year, summary(v)]));
    for (const data of this.deps.shipped) {
      if (!newest.has(data.year)) newest.set(data.year, { ...summary(shippedVersion(data)), shipped: true });
    }
    const years = [...newest.values()].sort((a, b) => a.year - b.year);
    const today = chinaDate(this.now());
    const { loadedUntil } = coverage(
      years.map((y) => y.year),
      today,
    );
    return { years, today, ...(loadedUntil ? { loadedUntil } : {}), provisionalFrom: loadedUntil ? `${Number(loadedUntil.slice(0, 4)) + 1}-01-01` : today };
  }

  /** One year: its newest version whole, every version, the chain check and the law's days off. */
  async year(caller: Caller, year: number): Promise<CalendarYearView> {
    requireRole(caller, 'platform', 'department', 'channel', 'auditor');
    const stored = await this.deps.store.versionsOf(year);
    const shipped = this.deps.shipped.find((d) => d.year === year);
    const versions = stored.length > 0 ? stored : shipped ? [shippedVersion(shipped)] : [];
    if (versions.length === 0) {
      throw notFound(
        'CALENDAR_YEAR_NOT_LOADED',
        `尚未载入${year}年的节假日安排（期间的日期按法定节假日暂定计算）`,
        `no holiday arrangement of ${year} is loaded (dates in it are counted provisionally on its statutory holidays)`,
      );
    }
    return {
      year,
      current: versions.at(-1)!,
      versions,
      check: verifyHistory(versions),
      ...(year >= STATUTORY_YEARS.first && year <= STATUTORY_YEARS.last ? { statutoryHolidays: statutoryHolidays(year) } : {}),
    };
  }

  /**
   * Loads a year's arrangement as its next version (platform role). The document's `version` must be
   * that next version (1 for a year not loaded yet; the year shipped in the repository is version 1);
   * the same document sent again is answered as stored (`replayed`), another one under a used version
   * refused (CALENDAR_VERSION_CONFLICT).
   */
  async load(caller: Caller, year: number, document: unknown): Promise<{ version: CalendarVersion; replayed: boolean }> {
    requireRole(caller, 'platform');
    const data = parseCalendarYear(document, `${year}年节假日安排`);
    if (data.year !== year) {
      throw invalid(
        'CALENDAR_YEAR_MISMATCH',
        'year',
        `文件所载年份（${data.year}）与地址中的年份（${year}）不一致`,
        `the document is the arrangement of ${data.year}, not of ${year}`,
      );
    }
    // A year shipped in the repository is version 1: stored first, so a correction chains to it.
    await this.seed();
    const place = placeVersion(await this.deps.store.versionsOf(year), data, (next) => versionConflict(year, data.version, next), `the stored arrangements of ${year}`);
    if ('replay' in place) return { version: place.replay, replayed: true };
    const record: Omit<CalendarVersion, 'hash'> = { year, ...place, data, loadedAt: this.now().toISOString(), loadedBy: caller.name };
    const version = { ...record, hash: hashRecord<CalendarVersion>(record) };
    await this.deps.store.put(version);
    this.deps.source?.invalidate?.();
    return { version, replayed: false };
  }

  /** Stores each shipped year the store does not hold yet as its version 1, by `system`. Idempotent. */
  async seed(): Promise<number> {
    const stored = new Set((await this.deps.store.versions()).map((v) => v.year));
    let seeded = 0;
    for (const data of this.deps.shipped) {
      if (stored.has(data.year)) continue;
      try {
        await this.deps.store.put(shippedVersion(data));
        seeded++;
      } catch (e) {
        // Seeded meanwhile by another process: what is stored stands.
        if (!(e instanceof DomainError && e.code === 'CALENDAR_VERSION_CONFLICT')) throw e;
      }
    }
    return seeded;
  }
}

/** A shipped year as its stored version 1: loaded by `system`, dated by its notice's date. */
export function shippedVersion(data: CalendarYearData): CalendarVersion {
  const record: Omit<CalendarVersion, 'hash'> = { year: data.year, version: data.version, data, loadedAt: shippedAt(data), loadedBy: 'system' };
  return { ...record, hash: hashRecord<CalendarVersion>(record) };
}

function summary(v: CalendarVersion): CalendarYearSummary {
  return { year: v.year, version: v.version, source: v.data.source, loadedAt: v.loadedAt, loadedBy: v.loadedBy, hash: v.hash };
}

/** The notice's date in the `source` ("… (2025-11-04)"), as the instant a shipped year counts as loaded. */
function shippedAt(data: CalendarYearData): string {
  const date = /\((\d{4}-\d{2}-\d{2})\)\s*$/.exec(data.source)?.[1] ?? `${data.year - 1}-12-31`;
  return `${date}T00:00:00.000Z`;
}

function versionConflict(year: number, given: number, next: number) {
  return conflict(
    'CALENDAR_VERSION_CONFLICT',
    `${year}年节假日安排的第${given}版已载入且内容不同，或不是下一版；下一版应为第${next}版`,
    `version ${given} of the ${year} arrangement is not the next one (${next}), or is loaded with other content`,
  );
}
