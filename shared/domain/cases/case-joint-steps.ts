// Joint handling's steps on the case (002 §17, 004 §18): dispatch to the co-departments, their
// opinions, escalation of a late one, a missing one recorded, and the workflow's failure.
import { conflict, invalid } from '../errors.ts';
import { officerOf } from '../access/actor.ts';
import type { CaseState, JointTask } from './case-record.ts';
import { isProvisional, withComputedDates } from './case-dates.ts';
import type { Step, Steps } from './case-commands.ts';
import { DEFAULT_JOINT_GRACE_DAYS, MAX_JOINT_GRACE_DAYS } from './case-commands.ts';
import { requireTexts, checkAttachments } from './case-checks.ts';

const dispatchStep: Step<'dispatch'> = (state, command, { next, today, ctx }) => {
  if (state.coDepartmentIds.length === 0 || state.jointTasks) {
    throw conflict(
      'CASE_NOT_DISPATCHABLE',
      state.jointTasks ? '办件已分送协办部门' : '该办件不是联合办理事项',
      state.jointTasks ? `case ${state.caseNo} is dispatched already` : `case ${state.caseNo} has no co-departments`,
    );
  }
  const graceDays = command.graceDays ?? DEFAULT_JOINT_GRACE_DAYS;
  if (!Number.isSafeInteger(graceDays) || graceDays < 0 || graceDays > MAX_JOINT_GRACE_DAYS)
    throw new RangeError(`dispatch: a grace of ${graceDays} working days is not 0-${MAX_JOINT_GRACE_DAYS}`);
  const jointTasks = state.coDepartmentIds.map((departmentId): JointTask => ({ departmentId, dispatchedOn: today, status: 'pending', graceDays }));
  return withComputedDates(next({ jointTasks }), ctx.calendar);
};

const opinionStep: Step<'opinion'> = (state, command, { base, today, ctx }) => {
  const task = jointTask(state, ctx.actor.departmentId!);
  if (task.status === 'answered' || task.status === 'missing') {
    throw conflict(
      'CASE_OPINION_EXISTS',
      task.status === 'answered' ? '本部门已就该办件提出意见，不能重复提出' : '本部门的意见已因逾期登记为缺失',
      `department ${task.departmentId} has ${task.status === 'answered' ? 'given its opinion on' : 'been recorded missing for'} case ${state.caseNo}`,
    );
  }
  if (command.outcome !== 'agree' && command.outcome !== 'disagree') {
    throw invalid('CASE_OPINION_INVALID', 'outcome', '意见应为同意（agree）或不同意（disagree）', `an opinion is agree or disagree, not "${String(command.outcome)}"`);
  }
  const reasons = command.reasons ?? [];
  if (command.outcome === 'disagree' || reasons.length > 0) requireTexts(reasons, 'reasons', '不同意');
  const attachments = command.attachments ?? {};
  checkAttachments(attachments);
  const answered: JointTask = { ...task, status: 'answered', opinion: { outcome: command.outcome, reasons, attachments, on: today, by: ctx.actor.name, ...officerOf(ctx.actor) } };
  return withTask(base, state, answered);
};

const escalateStep: Step<'escalate'> = (state, command, { base, today }) => {
  const task = jointTask(state, command.departmentId);
  // A provisional due date makes nobody late: the co-department is escalated once it is official.
  if (task.status !== 'pending' || task.dueOn === undefined || today <= task.dueOn || isProvisional(state, `jointTasks.${task.departmentId}.dueOn`)) {
    throw conflict(
      'CASE_TASK_NOT_LATE',
      '协办部门的意见期限尚未届满或已处理',
      `the opinion of ${command.departmentId} on case ${state.caseNo} is not late on ${today}, or not pending`,
    );
  }
  return withTask(base, state, { ...task, status: 'escalated', escalatedOn: today });
};

const recordMissingStep: Step<'record-missing'> = (state, command, { base, today }) => {
  const task = jointTask(state, command.departmentId);
  // Missing once its grace after the due day (or the case's statutory deadline) has passed, officially.
  const statutory = isProvisional(state, 'deadlines.statutory') ? undefined : state.deadlines?.statutory;
  const grace = isProvisional(state, `jointTasks.${task.departmentId}.graceUntil`) ? undefined : task.graceUntil;
  const passed = (date: string | undefined) => date !== undefined && today > date;
  if ((task.status !== 'pending' && task.status !== 'escalated') || !(passed(statutory) || passed(grace))) {
    throw conflict(
      'CASE_TASK_NOT_MISSING',
      '办件法定期限尚未届满，协办部门意见不能登记为缺失',
      `the opinion of ${command.departmentId} on case ${state.caseNo} is still awaited (statutory deadline ${statutory ?? 'unknown'}) or in`,
    );
  }
  return withTask(base, state, { ...task, status: 'missing', missingOn: today });
};

const jointFailedStep: Step<'joint-failed'> = (state, command, { next, today }) => {
  if (state.coDepartmentIds.length === 0) {
    throw conflict('CASE_NOT_DISPATCHABLE', '该办件不是联合办理事项', `case ${state.caseNo} has no co-departments`);
  }
  const jointFailure = { error: String(command.error ?? '').slice(0, 256) || 'unknown', cause: String(command.cause ?? '').slice(0, 2000), on: today };
  return next({ jointFailure });
};

/** The co-department's task on a dispatched joint case. */
export function jointTask(state: CaseState, departmentId: string): JointTask {
  if (!state.jointTasks) {
    throw conflict('CASE_NOT_DISPATCHED', '办件尚未分送协办部门', `case ${state.caseNo} has not been dispatched to its co-departments`);
  }
  const task = state.jointTasks.find((t) => t.departmentId === departmentId);
  if (!task) throw new Error(`case ${state.caseNo}: ${departmentId} is no co-department`);
  return task;
}

/** The state with one task replaced; once no task is awaited any more, the opinions are complete. */
export function withTask(base: Omit<CaseState, 'hash'>, state: CaseState, task: JointTask): Omit<CaseState, 'hash'> {
  const jointTasks = state.jointTasks!.map((t) => (t.departmentId === task.departmentId ? task : t));
  const complete = jointTasks.every((t) => t.status === 'answered' || t.status === 'missing');
  return { ...base, jointTasks, ...(complete ? { status: 'opinions-complete' as const } : {}) };
}

export const JOINT_STEPS = {
  dispatch: dispatchStep,
  opinion: opinionStep,
  escalate: escalateStep,
  'record-missing': recordMissingStep,
  'joint-failed': jointFailedStep,
} satisfies Partial<Steps>;
