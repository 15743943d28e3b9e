// From facts to figures: a bucket's summary (one row per item and channel, the counts and the
// working-days histogram of its facts), the sum of summaries over a period, and the figures people
// read (online share, on-time rates, mean and 90th percentile working days). Pure.
import { invalid } from '../errors.ts';
import { dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import type { Counts, Measure, StatisticsFact } from './statistics-fact.ts';
import { MEASURES } from './statistics-fact.ts';

/** The sums of one (item, channel) of a bucket or a period. */
export interface SummaryRow {
  itemCode: string;
  channelId: string;
  counts: Counts;
  /** Decisions by working days from acceptance (`"12": 3`: three decisions took 12 working days). */
  workingDays: Record<string, number>;
}

const rowKey = (r: { itemCode: string; channelId: string }) => `${r.itemCode} ${r.channelId}`;

/** Adds `more` into the rows by item and channel (a new row for a pair not there yet). */
function addInto(rows: Map<string, SummaryRow>, itemCode: string, channelId: string, counts: Counts, workingDays: Record<string, number>): void {
  const key = rowKey({ itemCode, channelId });
  const row = rows.get(key) ?? { itemCode, channelId, counts: {}, workingDays: {} };
  for (const m of MEASURES) if (counts[m]) row.counts[m] = (row.counts[m] ?? 0) + counts[m];
  for (const [d, n] of Object.entries(workingDays)) row.workingDays[d] = (row.workingDays[d] ?? 0) + n;
  rows.set(key, row);
}

const sorted = (rows: Map<string, SummaryRow>) => [...rows.values()].sort((a, b) => rowKey(a).localeCompare(rowKey(b)));

/** A bucket's summary: its facts summed per item and channel, rows in a stable order. */
export function summarise(facts: Iterable<StatisticsFact>): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const f of facts) addInto(rows, f.itemCode, f.channelId, f.counts, f.workingDays === undefined ? {} : { [String(f.workingDays)]: 1 });
  return sorted(rows);
}

/** Summaries added up (a period's days), optionally for one item or one channel. */
export function addUp(summaries: Iterable<readonly SummaryRow[]>, filter: { itemCode?: string | undefined; channelId?: string | undefined } = {}): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const summary of summaries) {
    for (const r of summary) {
      if (filter.itemCode !== undefined && r.itemCode !== filter.itemCode) continue;
      if (filter.channelId !== undefined && r.channelId !== filter.channelId) continue;
      addInto(rows, r.itemCode, r.channelId, r.counts, r.workingDays);
    }
  }
  return sorted(rows);
}

/** Every row's counts and histogram in one. */
export function total(rows: readonly SummaryRow[]): { counts: Record<Measure, number>; workingDays: Record<string, number> } {
  const counts = Object.fromEntries(MEASURES.map((m) => [m, 0])) as Record<Measure, number>;
  const workingDays: Record<string, number> = {};
  for (const r of rows) {
    for (const m of MEASURES) counts[m] += r.counts[m] ?? 0;
    for (const [d, n] of Object.entries(r.workingDays)) workingDays[d] = (workingDays[d] ?? 0) + n;
  }
  return { counts, workingDays };
}

/** What people read of a set of rows: the counts, and the shares and durations made of them (null with nothing to divide). */
export interface Figures {
  received: number;
  receivedOnline: number;
  accepted: number;
  refused: number;
  decided: number;
  approved: number;
  denied: number;
  withdrawn: number;
  pauses: number;
  extensions: number;
  supplementRounds: number;
  escalations: number;
  /** 网办比例: filed online / received. */
  onlineShare: number | null;
  /** Decisions within the promised / statutory limit, of all decisions. */
  promisedOnTimeRate: number | null;
  statutoryOnTimeRate: number | null;
  /** Working days from acceptance to decision, over the decisions whose days could be counted. */
  meanWorkingDays: number | null;
  p90WorkingDays: number | null;
}

/** A ratio rounded to 4 decimals (what is published), null for 0/0. */
const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

export function figures(rows: readonly SummaryRow[]): Figures {
  const { counts: c, workingDays } = total(rows);
  const decided = c.approved + c.denied;
  const days = Object.entries(workingDays)
    .map(([d, n]) => [Number(d), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const n = days.reduce((s, [, k]) => s + k, 0);
  const sum = days.reduce((s, [d, k]) => s + d * k, 0);
  return {
    received: c.received,
    receivedOnline: c.receivedOnline,
    accepted: c.accepted,
    refused: c.refused,
    decided,
    approved: c.approved,
    denied: c.denied,
    withdrawn: c.withdrawn,
    pauses: c.pauses,
    extensions: c.extensions,
    supplementRounds: c.supplementRounds,
    escalations: c.escalations,
    onlineShare: ratio(c.receivedOnline, c.received),
    promisedOnTimeRate: ratio(c.promisedOnTime, decided),
    statutoryOnTimeRate: ratio(c.statutoryOnTime, decided),
    meanWorkingDays: n === 0 ? null : Math.round((sum / n) * 100) / 100,
    p90WorkingDays: n === 0 ? null : percentile(days, n, 0.9),
  };
}

/** The nearest-rank percentile of a sorted histogram holding `n` values: the smallest value with at least ⌈p·n⌉ values at or below it. */
export function percentile(histogram: readonly (readonly [number, number])[], n: number, p: number): number {
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  return histogram.at(-1)![0];
}

/** A period of the statistics: a year (`2026`), a month (`2026-11`) or a day (`2026-11-05`), China dates. */
export interface Period {
  period: string;
  kind: 'year' | 'month' | 'day';
  from: string;
  to: string;
}

export const PERIOD_PATTERN = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

export function parsePeriod(period: string): Period {
  if (!PERIOD_PATTERN.test(period)) throw badPeriod(period);
  const [y, m, d] = period.split('-').map(Number) as [number, number | undefined, number | undefined];
  const iso = (yy: number, mm: number, dd: number) => `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  if (m === undefined) return { period, kind: 'year', from: iso(y, 1, 1), to: iso(y, 12, 31) };
  const last = fromDayNumber(dayNumber(m === 12 ? iso(y + 1, 1, 1) : iso(y, m + 1, 1)) - 1);
  if (d === undefined) return { period, kind: 'month', from: iso(y, m, 1), to: last };
  if (period > last) throw badPeriod(period);
  return { period, kind: 'day', from: period, to: period };
}

/** The month (`yyyy-mm`) of a China date. */
export const monthOf = (date: string) => date.slice(0, 7);

function badPeriod(period: string) {
  return invalid(
    'STATISTICS_PERIOD_INVALID',
    'period',
    `统计期间“${period}”无效：应为年（2026）、月（2026-11）或日（2026-11-05）`,
    `period "${period}" is not a year (2026), a month (2026-11) or a day (2026-11-05)`,
  );
}
