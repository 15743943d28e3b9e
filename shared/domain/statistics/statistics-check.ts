// The check of a department's statistics for a period against the case records, a page at a time:
// first the cases whose heads changed since the period began (the anchor queue lists them by change
// time: a case with a step in the period changed then or later), each step of theirs in the period
// derived again as the tally derives it and compared with the fact kept for it; then the days, each
// day's summary compared with the sum of its kept facts, and the facts kept counted. Every recomputed
// fact kept alike and as many kept as recomputed: the kept facts are the recomputed ones, and the
// figures (sums of the summaries) are those of the case records.
import { isDeepStrictEqual } from 'node:util';
import type { AnchorQueue } from '../anchors/anchor-ports.ts';
import { chinaDayStart, dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import type { CaseHistoryEntry } from '../cases/case-record.ts';
import type { CaseRead } from '../cases/case-store.ts';
import { invalid } from '../errors.ts';
import type { FactSource, StatisticsFact } from './statistics-fact.ts';
import { parsePeriod, summarise } from './statistics-figures.ts';
import type { StatisticsStore } from './statistics-ports.ts';

/** Case heads one page reads at most, and days one page compares. */
export const CHECK_CASES_PER_PAGE = 25;
export const CHECK_DAYS_PER_PAGE = 8;
const MAX_DIFFERENCES = 100;

export interface CheckDeps {
  store: StatisticsStore;
  heads: AnchorQueue;
  cases: { read(caseNo: string): Promise<CaseRead | undefined>; entries(caseNo: string): AsyncIterable<CaseHistoryEntry> };
  factOf: (source: FactSource, read: CaseRead) => Promise<StatisticsFact | undefined>;
  now: () => Date;
}

export interface Difference {
  kind: 'fact-missing' | 'fact-differs' | 'summary-differs' | 'count-differs';
  subject: string;
  detail: string;
}

/** Where a check stands between pages (the cursor, base64url JSON). */
interface CheckState {
  period: string;
  department: string;
  phase: 'cases' | 'days';
  /** Cases: heads changed after `after`, up to `through` (fixed by the first page). */
  after: string;
  through: string;
  /** Days: the next day to compare. */
  day: string;
  casesRead: number;
  recomputed: number;
  kept: number;
  /** Differences found so far (each page answers its own). */
  differing: number;
}

export class StatisticsCheck {
  constructor(private readonly deps: CheckDeps) {}

  async page(request: { period: string; department: string; cursor?: string | undefined }) {
    const period = parsePeriod(request.period);
    const state = request.cursor
      ? openCursor(request.cursor, request.period, request.department)
      : ({
          period: request.period,
          department: request.department,
          phase: 'cases',
          // The China midnight the period begins, a millisecond before: heads changed from then on.
          after: new Date(chinaDayStart(period.from).getTime() - 1).toISOString(),
          through: this.deps.now().toISOString(),
          day: period.from,
          casesRead: 0,
          recomputed: 0,
          kept: 0,
          differing: 0,
        } satisfies CheckState);
    const differences: Difference[] = [];
    const differ = (d: Difference) => {
      state.differing++;
      if (differences.length < MAX_DIFFERENCES) differences.push(d);
    };

    if (state.phase === 'cases') {
      const { heads, through } = await this.deps.heads.changedHeads(state.after, state.through, CHECK_CASES_PER_PAGE);
      for (const head of heads) {
        state.casesRead++;
        const read = await this.deps.cases.read(head.caseNo);
        if (!read || read.state.departmentId !== state.department) continue;
        for await (const entry of this.deps.cases.entries(head.caseNo)) {
          if (entry.on < period.from || entry.on > period.to) continue;
          const fact = await this.deps.factOf({ id: `${entry.caseNo}.${entry.n}`, action: entry.type, on: entry.on }, read);
          if (!fact) continue;
          state.recomputed++;
          const kept = await this.deps.store.fact({ day: fact.on, departmentId: fact.departmentId }, fact.eventId);
          if (!kept) differ({ kind: 'fact-missing', subject: fact.eventId, detail: `no fact is kept for ${entry.type} on ${entry.on}` });
          else if (!isDeepStrictEqual(kept, fact))
            differ({ kind: 'fact-differs', subject: fact.eventId, detail: `kept ${JSON.stringify(kept.counts)}, recomputed ${JSON.stringify(fact.counts)}` });
        }
      }
      if (through === state.through) state.phase = 'days';
      else state.after = through;
    } else {
      for (let i = 0; i < CHECK_DAYS_PER_PAGE && state.day <= period.to; i++) {
        const bucket = { day: state.day, departmentId: state.department };
        const facts: StatisticsFact[] = [];
        for await (const f of this.deps.store.facts(bucket)) facts.push(f);
        state.kept += facts.length;
        const [summary] = await this.deps.store.summaries(state.department, state.day, state.day);
        const rows = summarise(facts);
        if (!isDeepStrictEqual(summary?.rows ?? [], rows) || (summary?.facts ?? 0) !== facts.length) {
          differ({
            kind: 'summary-differs',
            subject: state.day,
            detail: `the summary sums ${summary?.facts ?? 0} facts, ${facts.length} are kept (or their sums differ): not rolled up yet?`,
          });
        }
        state.day = fromDayNumber(dayNumber(state.day) + 1);
      }
    }

    const done = state.phase === 'days' && state.day > period.to;
    if (done && state.kept !== state.recomputed) {
      differ({ kind: 'count-differs', subject: `${period.period} ${state.department}`, detail: `${state.kept} facts kept, ${state.recomputed} recomputed from the case records` });
    }
    return {
      period: state.period,
      department: state.department,
      casesRead: state.casesRead,
      factsRecomputed: state.recomputed,
      differing: state.differing,
      differences,
      ...(done ? { consistent: state.differing === 0 } : { cursor: Buffer.from(JSON.stringify(state)).toString('base64url') }),
    };
  }
}

function openCursor(cursor: string, period: string, department: string): CheckState {
  let state: CheckState | undefined;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CheckState;
  } catch {
    state = undefined;
  }
  if (!state || state.period !== period || state.department !== department || (state.phase !== 'cases' && state.phase !== 'days') || typeof state.differing !== 'number') {
    throw invalid('STATISTICS_CURSOR_INVALID', 'cursor', '游标无效：请从第一页重新核对', 'the cursor is not one this check gave for this period and department');
  }
  return state;
}
