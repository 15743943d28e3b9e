// The joint-handling workflow's contract (联合办理, 002 §17, 004 §18/§21): the states of the Step
// Functions state machine (infra/constructs/joint-handling.ts builds it), the events its Lambda steps
// send the joint function (functions/joint/handler.ts) and what that function answers. The embedded
// runtime (infra/local/stepfunctions-server.ts) runs the same definition against the same handler.
//
//   Dispatch ─▶ Opinions (Map, one branch per co-department, all at once; the execution ends with it)
//      │            branch: NextStep ─┬─ wait ───────▶ AwaitOpinion ──(opinion)──▶ the branch ends
//      │                       ▲      │                 │ States.Timeout ─▶ CheckTask ─▶ NextStep
//      │                       │      │                 │ JointTaskEnded ─▶ BranchDone
//      │        CheckTask ◀── Escalate ◀─┼─ escalate
//      │                                 ├─ record-missing ─▶ RecordMissing ─▶ BranchDone
//      │                                 └─ done ─────────▶ BranchDone
//      └─ any error left after the retries (Dispatch, Opinions) ─▶ RecordFailure ─▶ JointHandlingFailed
//
// The branch is a loop driven by the case's own record: CheckTask reads the co-department's task and
// says what comes next (joint-handling.ts in the domain), so a replayed or restarted execution does
// exactly what the record calls for and nothing twice. Dispatch answers each branch's first CheckTask
// answer with it (it has just read the case), so a branch starts at NextStep; an opinion that resumes
// the wait ends the branch, and the Map ends the execution: with every opinion in on time, 2 + 2 × n
// state transitions for n co-departments (Dispatch, Opinions, and NextStep and AwaitOpinion per
// branch), what a Standard workflow is billed by.

/** State names: the definition's, the tests' and the embedded runtime's (local handlers are keyed by them). */
export const JOINT_STATES = {
  dispatch: 'Dispatch',
  opinions: 'Opinions',
  checkTask: 'CheckTask',
  nextStep: 'NextStep',
  awaitOpinion: 'AwaitOpinion',
  escalate: 'Escalate',
  recordMissing: 'RecordMissing',
  branchDone: 'BranchDone',
  recordFailure: 'RecordFailure',
  failed: 'JointHandlingFailed',
} as const;

/** The execution's input. */
export interface JointExecutionInput {
  caseNo: string;
}

/** One Map item: a co-department's branch. */
export interface JointBranchInput {
  caseNo: string;
  departmentId: string;
}

/** What the state machine sends the joint function (the Lambda `Payload`). */
export type JointStepEvent =
  | { step: 'dispatch'; caseNo: string }
  | { step: 'check'; caseNo: string; departmentId: string }
  | { step: 'await'; caseNo: string; departmentId: string; taskToken: string }
  | { step: 'escalate'; caseNo: string; departmentId: string }
  | { step: 'record-missing'; caseNo: string; departmentId: string }
  | { step: 'fail'; caseNo: string; failure: { Error?: string; Cause?: string } };

/**
 * A branch as Dispatch answers it: its input, and where CheckTask would keep its answer
 * (CHECK_RESULT_PATH), what CheckTask would answer now — the branch starts at NextStep.
 */
export interface DispatchedBranch extends JointBranchInput {
  Payload: CheckResult;
}

/** `dispatch`: the branches to run, one per co-department. */
export interface DispatchResult {
  caseNo: string;
  branches: DispatchedBranch[];
}

/**
 * `check`: what the branch does next. `waitSeconds` is always present (at least 1) because the
 * definition selects it with a JSONPath; it is used only with `wait`, as AwaitOpinion's
 * TimeoutSecondsPath: until the end (China time) of the task's due day, then of the case's statutory
 * deadline day, at most `JOINT_MAX_WAIT_SECONDS` at a time so a moved deadline (a paused clock) or a
 * withdrawn case is noticed.
 */
export interface CheckResult {
  next: 'wait' | 'escalate' | 'record-missing' | 'done';
  waitSeconds: number;
}

/**
 * The error the `await` step fails with when the co-department's task has already ended (its opinion
 * came in between CheckTask and the token being stored): the branch is done, nothing waits.
 * Step Functions names a Lambda function error by its type, which is the error's `name`.
 */
export const JOINT_TASK_ENDED = 'JointTaskEnded';

/** The execution name of a case's joint handling: one per case, so a repeated start is harmless. */
export function jointExecutionName(caseNo: string): string {
  return `joint-${caseNo}`;
}

/**
 * Where a branch keeps CheckTask's answer: `$.Payload` (`{ next, waitSeconds }`). AwaitOpinion's
 * TimeoutSecondsPath is `$.Payload.waitSeconds`, and its Parameters copy `waitSeconds` into the
 * Lambda `Payload` too, so the path names the same number whether a runtime reads it from the state
 * input (as AWS documents) or from the effective input after Parameters (as aws-local-stepfunctions
 * does).
 */
export const CHECK_RESULT_PATH = '$.Payload';
export const WAIT_SECONDS_PATH = '$.Payload.waitSeconds';

/** Longest single wait of AwaitOpinion by default (7 days), far below any timer limit of a runtime. */
export const DEFAULT_JOINT_MAX_WAIT_SECONDS = 7 * 24 * 3600;
/** The most JOINT_MAX_WAIT_SECONDS may be set to (365 days: a Standard execution runs at most a year). */
export const JOINT_MAX_WAIT_LIMIT_SECONDS = 365 * 24 * 3600;
/** Timeout of the Lambda steps as the state machine counts it (from scheduling: a cold start included). */
export const JOINT_STEP_TIMEOUT_SECONDS = 60;
/**
 * Timeout of the joint function itself (each step makes a few DynamoDB calls): well under the step's,
 * so a slow invocation fails as a function error, which the state machine retries, rather than as the
 * step's States.Timeout, which it does not.
 */
export const JOINT_FUNCTION_TIMEOUT_SECONDS = 20;
