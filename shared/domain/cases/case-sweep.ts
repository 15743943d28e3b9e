// The sweep that lets time act on cases (行政许可法 Art. 32, 42, 82): a case the department did not
// answer in time is deemed accepted, and an accepted case past its promised or statutory deadline is
// marked for supervision, as is a case late on its own dates (case-findings.ts). It also starts the joint handling of an accepted joint case whose workflow
// did not start (a deemed acceptance, or a start that failed after the acceptance was recorded), and
// seals the notices a case owes and the results of a decided case whose sealing failed when they were
// owed (case-follow-ups.ts), and starts the
// archiving of every ended case that is not archived yet. On AWS a schedule runs it; the embedded platform, a timer. Every step is an
// action recorded in the case's history by the system actor, and refuses once done, so the sweep is
// safe to run at any time, as often as wanted, and by two runners at once.
import { chinaDate } from '../calendar/official-calendar.ts';
import { canonicalJson } from '../items/record-hash.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { sweepCommand } from './case-lifecycle.ts';
import type { CaseStore } from './case-store.ts';
import type { JointWorkflow } from './joint-handling.ts';
import { needs, needsSealing } from './case-follow-ups.ts';
import { applySystemCommands } from './system-actions.ts';
import type { CaseSealer } from './case-sealing.ts';
import type { CaseState } from './case-record.ts';
import type { ArchiveStarter } from '../archive/archive-store.ts';

export interface CaseSweepDeps {
  store: CaseStore;
  calendar: CalendarSource;
  now?: () => Date;
  /** Starts the joint handling of accepted joint cases whose workflow did not start (harmless if it did). */
  workflow?: JointWorkflow;
  /** Seals the notices and decided cases' results not sealed when they were owed. */
  sealer?: CaseSealer;
  /** Starts the archiving of ended cases not archived yet (or whose archiving failed). */
  archiver?: ArchiveStarter;
  /** Open cases moved at a time (default SWEEP_CONCURRENCY). */
  concurrency?: number;
}

export interface SweepReport {
  today: string;
  examined: number;
  deemedAccepted: number;
  markedOverdue: number;
  markedViolation: number;
  /** Cases with supervision findings recorded (a procedure past its length, a late pre-review, 容缺 materials late). */
  findingsRecorded: number;
  /** Cases whose dates were computed again: a year they were counted across was loaded or corrected. */
  deadlinesCompleted: number;
  /** Joint cases accepted but not dispatched whose workflow the sweep started (or found running). */
  jointStarted: number;
  /** Decided cases whose results the sweep sealed (their sealing had failed at the decision). */
  sealed: number;
  /** Cases whose due notices the sweep sealed (their sealing had failed at the action that owed them). */
  noticesSealed: number;
  /** Ended cases whose archiving the sweep started (not archived yet, or failed before). */
  archivingStarted: number;
  /** The working-day calendar the run counted on. */
  calendar: {
    /** The calendar data changed since the last run: every open case was looked at, not only those due. */
    changed: boolean;
    /** The last day of the loaded holiday data that holds today, if today's year is loaded. */
    loadedUntil?: string;
    /** Days from today to that day (0 when today's year is not loaded): an alarm watches it. */
    daysLeft: number;
  };
  /** Cases the sweep could not move this time (logged by the caller; the next sweep tries again). */
  failed: { caseNo: string; error: string }[];
}

/** Lists every open case, whatever its date: the sweep's pass after a change of the calendar data. */
const EVERY_DATE = '9999-12-31';

/** Open cases the sweep moves at a time, by default. */
export const SWEEP_CONCURRENCY = 8;

export class CaseSweep {
  private readonly now: () => Date;
  private readonly concurrency: number;

  constructor(private readonly deps: CaseSweepDeps) {
    this.now = deps.now ?? (() => new Date());
    this.concurrency = deps.concurrency ?? SWEEP_CONCURRENCY;
  }

  /**
   * Lets time act on every department's cases: deems accepted those whose answer period is over, and
   * marks those past a deadline; after the calendar data changed (a year loaded or corrected), first
   * computes the dates of every open case again. Safe to run at any time and as often as wanted (each
   * step is an action that refuses once done); a case someone acted on meanwhile is read again.
   */
  async run(departmentIds: readonly string[]): Promise<SweepReport> {
    const at = this.now();
    const today = chinaDate(at);
    const calendar = await this.deps.calendar.current();
    const versions = calendar.versions();
    const applied = await this.deps.store.calendarApplied();
    const calendarChanged = canonicalJson(applied ?? null) !== canonicalJson(versions);
    const report: SweepReport = {
      today,
      examined: 0,
      deemedAccepted: 0,
      markedOverdue: 0,
      markedViolation: 0,
      findingsRecorded: 0,
      deadlinesCompleted: 0,
      jointStarted: 0,
      sealed: 0,
      noticesSealed: 0,
      archivingStarted: 0,
      calendar: { changed: calendarChanged, ...calendar.coverage(today) },
      failed: [],
    };
    for (const departmentId of departmentIds) {
      // Ended cases are listed undated until they are sealed (decided ones) and archived.
      if (this.deps.sealer || this.deps.archiver) {
        for (const status of ['decided', 'refused', 'withdrawn'] as const) {
          for await (const candidate of this.deps.store.sweepCandidates(departmentId, status, today)) {
            report.examined++;
            await this.endedCase(candidate, report);
          }
        }
      }
      // A case awaiting its supplement (the applicant's turn: time does not act on it) is listed only
      // while it owes a notice (undated): sealed.
      if (this.deps.sealer) {
        await eachConcurrently(this.deps.store.sweepCandidates(departmentId, 'supplement-requested', today), this.concurrency, async (candidate) => {
          report.examined++;
          try {
            if (needs(candidate, 'seal-notices')) await this.sealed(candidate, report);
          } catch (e) {
            report.failed.push({ caseNo: candidate.caseNo, error: e instanceof Error ? e.message : String(e) });
          }
        });
      }
      for (const status of ['received', 'accepted', 'opinions-complete'] as const) {
        // After a change of the calendar data, every open case: its dates may rest on the changed year.
        // Several cases at a time (each case's steps are conditional writes of its own).
        await eachConcurrently(this.deps.store.sweepCandidates(departmentId, status, calendarChanged ? EVERY_DATE : today), this.concurrency, async (candidate) => {
          report.examined++;
          // One case that cannot be moved never stops the run: it is reported (and counted), the run goes on.
          try {
            await this.openCase(candidate, at, calendar, report);
          } catch (e) {
            report.failed.push({ caseNo: candidate.caseNo, error: e instanceof Error ? e.message : String(e) });
          }
        });
      }
    }
    // Noted once every open case has been looked at; a case that failed is reported, and retried when due.
    if (calendarChanged) await this.deps.store.recordCalendarApplied(versions);
    return report;
  }

  /** A case still open: its joint handling started if it awaits that, then time let act on it. */
  private async openCase(candidate: CaseState, at: Date, calendar: WorkingDayCalendar, report: SweepReport): Promise<void> {
    // Listed undated until dispatched (the store's queue date), so every run sees it.
    if (this.deps.workflow && needs(candidate, 'start-joint')) {
      if ((await this.deps.workflow.start(candidate.caseNo)) === 'ended') {
        // Ended without dispatching and without recording why (its last step failed too):
        // counted, so the alarm on sweep failures fires; its execution can be redriven.
        throw new Error(`the joint handling of case ${candidate.caseNo} ended without dispatching it: redrive its execution`);
      }
      report.jointStarted++;
    }
    // Listed undated while it owes notices (the store's queue date): sealed, then time let act on it.
    if (this.deps.sealer && needs(candidate, 'seal-notices')) await this.sealed(candidate, report);
    // Decided on the listed state first: most candidates (marked already, paused) need nothing,
    // and only those that do are read consistently and moved.
    if (sweepCommand(candidate, chinaDate(at), calendar)) await this.sweepCase(candidate.caseNo, at, calendar, report);
  }

  /** An ended case: sealed if it is decided and not sealed, then its archiving started unless archived. */
  private async endedCase(candidate: CaseState, report: SweepReport): Promise<void> {
    try {
      let state = candidate;
      if (needsSealing(state)) {
        if (!this.deps.sealer) return;
        state = await this.sealed(state, report);
      }
      if (needs(state, 'archive') && this.deps.archiver) {
        await this.deps.archiver.start(state.caseNo);
        report.archivingStarted++;
      }
    } catch (e) {
      report.failed.push({ caseNo: candidate.caseNo, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** The case with what it owes sealed: its notices (counted), and a decided case's results (counted). */
  private async sealed(state: CaseState, report: SweepReport): Promise<CaseState> {
    const sealed = await this.deps.sealer!.seal(state.caseNo);
    if (needs(state, 'seal-notices')) report.noticesSealed++;
    if (needs(state, 'seal')) report.sealed++;
    return sealed;
  }

  private async sweepCase(caseNo: string, at: Date, calendar: WorkingDayCalendar, report: SweepReport): Promise<void> {
    // Read consistently (the index may lag), and take the case as far as the calendar says it has come.
    await applySystemCommands(
      { store: this.deps.store, calendar },
      caseNo,
      at,
      (state) => sweepCommand(state, chinaDate(at), calendar),
      (command) => {
        if (command.action === 'deem-accepted') report.deemedAccepted++;
        else if (command.action === 'mark-overdue') report.markedOverdue++;
        else if (command.action === 'mark-violation') report.markedViolation++;
        else if (command.action === 'record-findings') report.findingsRecorded++;
        else report.deadlinesCompleted++;
      },
    );
  }
}

/** Runs `fn` on each item as it is listed, at most `limit` at a time; `fn` must not reject. */
async function eachConcurrently<T>(items: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of items) {
    const run: Promise<void> = fn(item).finally(() => running.delete(run));
    running.add(run);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}
