// Every date a case computes from the working-day calendar, in one place: the department's answer
// period (pre-review opinion and deemed acceptance, Art. 32, 004 §18), the time limits (promised and
// statutory, Art. 42, 82) and each co-department's opinion due date. Each is computed from its own
// anchor on its own — one that cannot be computed never takes another with it — and each is
// provisional when the count crossed a year whose official arrangement is not loaded (counted on the
// statutory holidays alone): the case lists those in `provisional`, and a provisional date never makes
// anyone late. The case also records the calendar data version of every year its dates were counted
// across (`calendarVersions`, 0 for provisional), so that loading or correcting a year tells the sweep
// which cases to compute again (`datesToRecompute`).
import type { CountedDate, WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { DomainError } from '../errors.ts';
import type { CaseState, DeadlineFlag, JointTask } from './case-record.ts';
import { LegalClock } from './legal-clock.ts';

/** Working days after the receipt of the materials by which the pre-review opinion is due (001 §14, 004 §18). */
export const PRE_REVIEW_DAYS = 2;

const FLAG: DeadlineFlag = 'DEADLINE_CALENDAR_MISSING';

/** The members of a case state that this module computes. */
export type CaseDates = Pick<CaseState, 'preReviewDue' | 'deemedAcceptedOn' | 'dueFlag' | 'deadlines' | 'jointTasks' | 'provisional' | 'calendarVersions'>;

type DatedState = Omit<CaseState, 'hash'>;

/**
 * The state with every date its status keeps live computed anew: the answer period's while the
 * department's answer is awaited (`received`), the time limits once accepted (none while the clock is
 * paused: the deadline moves with the pause), the due dates of the joint tasks still awaited. Dates
 * no longer live (an earlier answer period, an answered task's due date) stay as they were.
 */
export function withComputedDates(state: DatedState, calendar: WorkingDayCalendar): DatedState {
  const { preReviewDue: _p, deemedAcceptedOn: _d, dueFlag: _f, deadlines: _l, provisional: _v, calendarVersions: _c, ...rest } = state;
  const provisional: string[] = [];
  const spans: [string, string][] = [];
  const take = (path: string, from: string, compute: () => CountedDate | undefined): string | undefined => {
    const result = counted(compute);
    if (result?.provisional) provisional.push(path);
    if (result) spans.push([from, result.date]);
    return result?.date;
  };
  const out: DatedState = { ...rest };

  if (state.status === 'received') {
    const from = state.materialsReceivedOn;
    const preReviewDue = take('preReviewDue', from, () => calendar.addWorkingDays(from, PRE_REVIEW_DAYS));
    const deemedAcceptedOn = take('deemedAcceptedOn', from, () => calendar.addWorkingDays(from, state.deemedAcceptanceDays));
    Object.assign(out, preReviewDue ? { preReviewDue } : {}, deemedAcceptedOn ? { deemedAcceptedOn } : {}, preReviewDue && deemedAcceptedOn ? {} : { dueFlag: FLAG });
  } else {
    // Kept as they were: what the answer period was, for the record.
    Object.assign(
      out,
      state.preReviewDue ? { preReviewDue: state.preReviewDue } : {},
      state.deemedAcceptedOn ? { deemedAcceptedOn: state.deemedAcceptedOn } : {},
      state.dueFlag ? { dueFlag: state.dueFlag } : {},
    );
  }

  if (state.acceptance && (state.status === 'accepted' || state.status === 'opinions-complete') && !state.pauses.some((p) => p.to === undefined)) {
    const clock = new LegalClock(calendar);
    const input = { acceptedOn: state.acceptance.on, pauses: state.pauses };
    const promised = take('deadlines.promised', input.acceptedOn, () => clock.deadline(input, state.limits.promisedDays));
    // Art. 42: an extension lengthens the statutory limit (the promised one is the department's own).
    const statutory = take('deadlines.statutory', input.acceptedOn, () => clock.deadline(input, state.limits.statutoryDays + (state.extension?.days ?? 0)));
    out.deadlines = { ...(promised ? { promised } : {}), ...(statutory ? { statutory } : {}), ...(promised && statutory ? {} : { flag: FLAG }) };
  } else if (state.deadlines && !(state.status === 'accepted' || state.status === 'opinions-complete')) {
    // A decided, refused or withdrawn case keeps the deadlines it had.
    out.deadlines = state.deadlines;
  }

  // The open pause's expected end (Art. 45: the applicant is told how long the procedure takes).
  const open = state.pauses.at(-1);
  if (open && open.to === undefined && open.expectedDays !== undefined) {
    const { expectedUntil: _old, ...pause } = open;
    const i = state.pauses.length - 1;
    const expectedUntil = take(`pauses.${i}.expectedUntil`, open.from, () => calendar.addWorkingDays(open.from, open.expectedDays!));
    out.pauses = [...state.pauses.slice(0, -1), expectedUntil ? { ...pause, expectedUntil } : pause];
  }

  if (state.jointTasks) {
    out.jointTasks = state.jointTasks.map((task): JointTask => {
      if (task.status !== 'pending' && task.status !== 'escalated') return task;
      const { dueOn: _due, dueFlag: _flag, graceUntil: _grace, ...kept } = task;
      const days = state.coDepartmentDays?.[task.departmentId];
      if (days === undefined) throw new Error(`case ${state.caseNo}: no time limit for co-department ${task.departmentId}`);
      const dueOn = take(`jointTasks.${task.departmentId}.dueOn`, task.dispatchedOn, () => calendar.addWorkingDays(task.dispatchedOn, days));
      if (!dueOn) return { ...kept, dueFlag: FLAG };
      // Awaited a grace of working days after its due day (escalated), then recorded missing, so the lead can decide in time.
      const graceUntil =
        task.graceDays !== undefined ? take(`jointTasks.${task.departmentId}.graceUntil`, dueOn, () => calendar.addWorkingDays(dueOn, task.graceDays!)) : undefined;
      return { ...kept, dueOn, ...(graceUntil ? { graceUntil } : {}) };
    });
  }

  if (provisional.length > 0) out.provisional = provisional.sort();
  if (spans.length > 0) {
    const from = spans.map(([f]) => f).sort()[0]!;
    const to = spans
      .map(([, t]) => t)
      .sort()
      .at(-1)!;
    out.calendarVersions = calendar.versionsBetween(from, to);
  }
  return out;
}

/**
 * Whether computing the state's live dates with today's calendar changes anything — a date, a
 * provisional mark, the calendar versions counted with: what the sweep's `recompute-dates` is for.
 */
export function datesToRecompute(state: CaseState, calendar: WorkingDayCalendar): boolean {
  if (state.status !== 'received' && state.status !== 'accepted' && state.status !== 'opinions-complete') return false;
  const fresh = withComputedDates(state, calendar);
  const pick = (s: DatedState) => JSON.stringify([s.preReviewDue, s.deemedAcceptedOn, s.dueFlag, s.deadlines, s.jointTasks, s.provisional, s.calendarVersions]);
  return pick(fresh) !== pick(state);
}

/** Whether the date at `path` (`deadlines.statutory`, `jointTasks.<id>.dueOn`…) is provisional. */
export function isProvisional(state: Pick<CaseState, 'provisional'>, path: string): boolean {
  return state.provisional?.includes(path) === true;
}

/** The date, or undefined when not even the law's holidays are known for a year it needs (flagged by the caller). */
function counted(compute: () => CountedDate | undefined): CountedDate | undefined {
  try {
    return compute();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'DEADLINE_CALENDAR_MISSING') return undefined;
    throw e;
  }
}
