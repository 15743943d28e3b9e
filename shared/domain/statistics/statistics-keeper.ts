// Keeping the statistics from the case events (the tally function): each event's fact kept once,
// keyed by the event's id (a replay is a no-op), and its bucket (day, department) marked changed; on
// the tick, each changed bucket's summary made again from its facts.
import type { CaseEvent } from '../../contracts/case-events.ts';
import type { Directory } from '../../contracts/directory.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import type { CaseRead } from '../cases/case-store.ts';
import { statisticsFact } from './statistics-fact.ts';
import type { FactSource, StatisticsFact } from './statistics-fact.ts';
import { summarise } from './statistics-figures.ts';
import type { StatisticsStore } from './statistics-ports.ts';

export interface KeeperDeps {
  store: StatisticsStore;
  cases: { read(caseNo: string): Promise<CaseRead | undefined> };
  directory: () => Promise<Directory>;
  calendar: CalendarSource;
}

/** The buckets one tick makes again at most (the next tick takes the rest). */
export const ROLL_UP_BATCH = 100;

export class StatisticsKeeper {
  constructor(private readonly deps: KeeperDeps) {}

  /** The fact of `event`, derived from the case as read now (`nothing`: the event counts nothing). */
  async record(event: CaseEvent): Promise<'stored' | 'duplicate' | 'nothing'> {
    const read = await this.deps.cases.read(event.subject);
    if (!read) throw new Error(`statistics: case ${event.subject} of event ${event.id} is not found`);
    if (read.state.version < event.data.version) throw new Error(`statistics: case ${event.subject} reads at version ${read.state.version}, before event ${event.id}`);
    const fact = await this.factOf({ id: event.id, action: event.data.action, on: event.data.on }, read);
    if (!fact) return 'nothing';
    const outcome = await this.deps.store.putFact(fact);
    // Marked after the fact is kept, and on a duplicate too (a run that kept the fact may have stopped before marking).
    await this.deps.store.markChanged({ day: fact.on, departmentId: fact.departmentId });
    return outcome;
  }

  /** The fact of one step of a case: what the tally keeps, and what the check recomputes. */
  async factOf(source: FactSource, read: CaseRead): Promise<StatisticsFact | undefined> {
    const [directory, calendar] = await Promise.all([this.deps.directory(), this.deps.calendar.current()]);
    const kind = directory.channels.find((c) => c.id === read.state.channelId)?.kind;
    return statisticsFact(source, read.state, kind, calendar);
  }

  /** Makes the summaries of changed buckets again, at most `limit`; answers how many, and whether any are left. */
  async rollUp(limit = ROLL_UP_BATCH): Promise<{ buckets: number; more: boolean }> {
    const changed = await this.deps.store.changedBuckets(limit);
    for (const bucket of changed) {
      const facts: StatisticsFact[] = [];
      for await (const f of this.deps.store.facts(bucket)) facts.push(f);
      await this.deps.store.putSummary(bucket, { rows: summarise(facts), facts: facts.length });
      await this.deps.store.settle(bucket);
    }
    return { buckets: changed.length, more: changed.length === limit };
  }
}
