// Joint handling (联合办理, 002 §17, 004 §18 and §21): the steps the workflow takes on a joint case, as
// the system actor. The workflow (Step Functions on AWS, the same definition embedded) only sequences
// them; every decision is read from the case's own record here, so a step that runs twice — a Lambda
// retry, a replayed execution after a restart — changes nothing the second time:
//
// - dispatch: gives every co-department its task, due in its own working days (once), and says what
//   each branch does first (as check would);
// - check: what one co-department's branch does next — wait (until the end of its due day, then of the
//   case's statutory deadline day), escalate (its due day has passed: the task is marked, the history
//   records it, the co-department is reminded), record it missing (the statutory deadline has passed),
//   or nothing (its opinion is in, or the case has moved on);
// - await: keeps the callback token of the branch's wait, so that the opinion can resume it, in the
//   task's item, which lists the task in the co-department's open tasks (the dispatch writes the head
//   alone: one write per co-department, not one for the list and one for the token);
// - fail: records on the case that its joint handling failed for good.
//
// The case moves to opinions-complete with the last task that ends (case-lifecycle.ts), whether that
// is an opinion or a missing record, so the lead may decide at once.
import type { CheckResult, DispatchResult, JointBranchInput } from '../../contracts/joint-workflow.ts';
import { DEFAULT_JOINT_MAX_WAIT_SECONDS, JOINT_TASK_ENDED } from '../../contracts/joint-workflow.ts';
import { chinaDate, chinaDayStart, dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import type { CaseCommand } from './case-lifecycle.ts';
import { isProvisional } from './case-dates.ts';
import type { CaseState, JointTask } from './case-record.ts';
import type { CaseStore } from './case-store.ts';
import { applySystemCommands } from './system-actions.ts';

/** What a co-department's branch does next: the workflow's CheckTask answer (the contract's). */
export type BranchStep = CheckResult;

/** One co-department's branch of the workflow. */
export type Branch = JointBranchInput;

/** How the workflow is started and resumed: Step Functions on AWS, the embedded runtime locally. */
export interface JointWorkflow {
  /**
   * Starts the case's joint handling (one execution per case): `running` when it runs (started now,
   * or already running), `ended` when the case's execution has ended already — it cannot be started
   * again under its name; a failed one can be redriven.
   */
  start(caseNo: string): Promise<'running' | 'ended'>;
  /**
   * Resumes the wait whose callback token this is, with `output`. Resolves `false` when that wait is
   * over already (timed out, or its execution ended): the branch then finds the opinion on its own
   * next check.
   */
  resume(token: string, output: unknown): Promise<boolean>;
}

/** The `await` step's refusal when the co-department's task ended before its token was kept. */
export class JointTaskEnded extends Error {
  constructor(branch: Branch, status: string) {
    super(`the task of ${branch.departmentId} on case ${branch.caseNo} has ended (${status}); nothing to wait for`);
    // Step Functions names a Lambda function's error by its type, which the runtime takes from `name`.
    this.name = JOINT_TASK_ENDED;
  }
}

export interface JointHandlingDeps {
  store: CaseStore;
  calendar: CalendarSource;
  now?: () => Date;
  /** Longest single wait; a moved deadline (a paused clock) or a case that ended is seen within it. */
  maxWaitSeconds?: number;
  /** Working days a silent co-department is awaited after its due day (default DEFAULT_JOINT_GRACE_DAYS). */
  graceDays?: number;
}

/** The end of a China calendar day (the next day's 00:00 at UTC+8), as an instant. */
export function endOfChinaDay(date: string): Date {
  return chinaDayStart(fromDayNumber(dayNumber(date) + 1));
}

/**
 * What the branch of `departmentId` does next on `state` at `now`. A task is late from the day after
 * its due day, and missing from the day after the case's statutory deadline, escalated first or not
 * (the department may act up to and including a deadline day, as everywhere in the platform).
 */
export function branchStep(state: CaseState, departmentId: string, now: Date, maxWaitSeconds = DEFAULT_JOINT_MAX_WAIT_SECONDS): BranchStep {
  const done: BranchStep = { next: 'done', waitSeconds: 1 };
  const task = state.jointTasks?.find((t) => t.departmentId === departmentId);
  if (!task) throw new Error(`case ${state.caseNo}: no joint task for ${departmentId}`);
  // Opinions complete, decided, withdrawn: nothing is awaited from anyone any more.
  if (state.status !== 'accepted' || task.status === 'answered' || task.status === 'missing') return done;
  const today = chinaDate(now);
  const wait = (until: string | undefined): BranchStep => {
    const seconds = until === undefined ? maxWaitSeconds : Math.ceil((endOfChinaDay(until).getTime() - now.getTime()) / 1000);
    return { next: 'wait', waitSeconds: Math.min(Math.max(seconds, 1), maxWaitSeconds) };
  };
  // The case's statutory deadline ends every wait: a paused clock moves it (and hides it meanwhile).
  // A provisional date (counted across a year whose arrangement is not loaded) bounds a wait but makes
  // nobody late: past it the branch looks again later, until the year is loaded and the date official.
  const statutory = state.deadlines?.statutory;
  const statutoryOfficial = statutory !== undefined && !isProvisional(state, 'deadlines.statutory');
  if (statutoryOfficial && today > statutory) return { next: 'record-missing', waitSeconds: 1 };
  // A silent co-department is recorded missing after its grace, so the lead can still decide in time.
  const graceOfficial = task.graceUntil !== undefined && !isProvisional(state, `jointTasks.${departmentId}.graceUntil`);
  if (graceOfficial && today > task.graceUntil!) return { next: 'record-missing', waitSeconds: 1 };
  const upcoming = (date: string | undefined) => (date !== undefined && today <= date ? date : undefined);
  if (task.status === 'pending') {
    const dueOfficial = task.dueOn !== undefined && !isProvisional(state, `jointTasks.${departmentId}.dueOn`);
    if (dueOfficial && today > task.dueOn!) return { next: 'escalate', waitSeconds: 1 };
    const until = [upcoming(task.dueOn), upcoming(statutory)].filter((d): d is string => d !== undefined).sort()[0];
    return wait(until);
  }
  // Escalated: awaited until the end of its grace (or of the statutory deadline day, if sooner).
  return wait([upcoming(task.graceUntil), upcoming(statutory)].filter((d): d is string => d !== undefined).sort()[0]);
}

export class JointHandling {
  private readonly now: () => Date;
  private readonly maxWaitSeconds: number;

  constructor(private readonly deps: JointHandlingDeps) {
    this.now = deps.now ?? (() => new Date());
    this.maxWaitSeconds = deps.maxWaitSeconds ?? DEFAULT_JOINT_MAX_WAIT_SECONDS;
    if (!Number.isSafeInteger(this.maxWaitSeconds) || this.maxWaitSeconds < 1) throw new RangeError(`maxWaitSeconds ${this.maxWaitSeconds} is not a positive whole number`);
  }

  /**
   * Gives each co-department its task (once) and answers one branch per co-department, with what the
   * branch does first (as `check` would answer it). A case that is
   * no longer accepted before it was dispatched (withdrawn) has no branches: nothing to wait for.
   */
  async dispatch(caseNo: string): Promise<DispatchResult> {
    const grace = this.deps.graceDays !== undefined ? { graceDays: this.deps.graceDays } : {};
    const state = await this.applySystem(caseNo, (s) => (s.status === 'accepted' && !s.jointTasks && s.coDepartmentIds.length > 0 ? { action: 'dispatch', ...grace } : undefined));
    if (state.coDepartmentIds.length === 0) throw new Error(`case ${caseNo} is not a joint case: it has no co-departments`);
    // Each with what its first check would answer now, from the state just read: the branch starts waiting.
    const now = this.now();
    const branches = (state.jointTasks ?? []).map((t) => ({ caseNo, departmentId: t.departmentId, Payload: branchStep(state, t.departmentId, now, this.maxWaitSeconds) }));
    return { caseNo, branches };
  }

  async check(branch: Branch): Promise<BranchStep> {
    return branchStep(await this.existing(branch.caseNo), branch.departmentId, this.now(), this.maxWaitSeconds);
  }

  /** Marks the task escalated if it is late and still pending; otherwise changes nothing. Answers the task. */
  async escalate(branch: Branch): Promise<JointTask | undefined> {
    const state = await this.applySystem(branch.caseNo, (s) =>
      branchStep(s, branch.departmentId, this.now(), this.maxWaitSeconds).next === 'escalate' ? { action: 'escalate', departmentId: branch.departmentId } : undefined,
    );
    return state.jointTasks?.find((t) => t.departmentId === branch.departmentId);
  }

  /** Records the opinion missing if the statutory deadline has passed without it; otherwise changes nothing. */
  async recordMissing(branch: Branch): Promise<JointTask | undefined> {
    const state = await this.applySystem(branch.caseNo, (s) =>
      branchStep(s, branch.departmentId, this.now(), this.maxWaitSeconds).next === 'record-missing' ? { action: 'record-missing', departmentId: branch.departmentId } : undefined,
    );
    return state.jointTasks?.find((t) => t.departmentId === branch.departmentId);
  }

  /**
   * Keeps the wait's callback token for the opinion to resume — and with it the task's place in the
   * co-department's open-task list, as the case read first has it —, then looks at the task again: an
   * opinion that came in before the token was kept would find no token to resume, so the branch must
   * not wait for it (JointTaskEnded). The opinion is written before its token is read, and the token
   * before the task is read the second time here, so one of the two always sees the other.
   */
  async awaitOpinion(branch: Branch, token: string): Promise<void> {
    if (typeof token !== 'string' || token.length === 0) throw new Error(`await ${branch.caseNo}/${branch.departmentId}: no task token`);
    await this.deps.store.putTaskToken(await this.existing(branch.caseNo), branch.departmentId, token);
    const step = branchStep(await this.existing(branch.caseNo), branch.departmentId, this.now(), this.maxWaitSeconds);
    if (step.next === 'done') throw new JointTaskEnded(branch, 'opinion in, or the case moved on');
  }

  /** Records on the case, once, that its joint handling failed for good (the lead sees it; an alarm fires). */
  async fail(caseNo: string, failure: { Error?: string; Cause?: string }): Promise<void> {
    await this.applySystem(caseNo, (s) =>
      (s.status === 'accepted' || s.status === 'opinions-complete') && s.coDepartmentIds.length > 0 && s.jointFailure === undefined
        ? { action: 'joint-failed', error: failure.Error ?? 'unknown', cause: failure.Cause ?? '' }
        : undefined,
    );
  }

  private async existing(caseNo: string): Promise<CaseState> {
    const state = await this.deps.store.get(caseNo);
    if (!state) throw new Error(`case ${caseNo} does not exist`);
    return state;
  }

  /** Applies what `decide` asks for, as the system actor (system-actions.ts); answers the state it ended on. */
  private async applySystem(caseNo: string, decide: (state: CaseState) => CaseCommand | undefined): Promise<CaseState> {
    const state = await applySystemCommands(this.deps, caseNo, this.now(), decide);
    if (!state) throw new Error(`case ${caseNo} does not exist`);
    return state;
  }
}

/** Whether a case is accepted for joint handling and not dispatched yet: its workflow must be (re)started. */
export function awaitsJointStart(state: CaseState): boolean {
  return state.status === 'accepted' && state.coDepartmentIds.length > 0 && state.jointTasks === undefined && state.jointFailure === undefined;
}
