// The case lifecycle (002 §14, 004 §18, 行政许可法 Art. 32, 42, 45) as pure functions: a filing
// gives a case's first state, and the newest state plus a command gives the next one, each with
// the history entry that records it — or a DomainError saying why not. Storage, HTTP and the sweep
// that drives deemed acceptance build on these.
//
//   file ─▶ received ──request-supplement──▶ supplement-requested
//              ▲  │                                   │
//              └──┼────────── supplement ─────────────┘
//                 │ accept | accept-pending (department), deem-accepted (system, Art. 32)
//                 ▼
//             accepted ──pause / resume (clock only)──▶ accepted ──decide──▶ decided
//                 │ joint items: dispatch (system, when the workflow starts) gives each
//                 │ co-department a task; opinion (that co-department), escalate and
//                 │ record-missing (system) end or mark them; the last one ended moves the case to
//                 ▼
//           opinions-complete ──decide (every opinion listed; approving over a disagreement
//                                       needs overrideReasons)──▶ decided
//   refuse: received | supplement-requested ─▶ refused
//   withdraw (channel): received | supplement-requested | accepted | opinions-complete ─▶ withdrawn
//   refused, decided, withdrawn are final: they fix the outcome.
//   The sweep (system): deem-accepted, mark-overdue / mark-violation, recompute-dates (case-dates.ts),
//   record-findings (case-findings.ts: every action records the findings due before it; this one
//   records them when nobody acted).
//   The joint workflow (system): dispatch, escalate, record-missing, and joint-failed when it fails
//   for good (the status stays; the case shows jointFailure).
//   The platform role: accept-archive-findings on an ended case not archived yet.
//   The department: correct (更正, 000 §30) from every status, after the archiving too — the status
//   stays; the applicant's data and form fields set right, each value before and after kept
//   (case-corrections.ts).
//   The sealing function (system): seal (a decided case's results), seal-notices (the written notices
//   the actions owe the applicant: case-notices.ts, recorded as due by applyCaseCommand).
//
// The table: each action's rule (who, from which statuses) is in case-commands.ts; its step — the
// next state, or a DomainError — in the module of its concern: the channel's (case-intake.ts), the
// department's answer (case-answers.ts), the clock (case-clock.ts), joint handling
// (case-joint-steps.ts), the results (case-results.ts), corrections of the record (case-corrections.ts). applyCaseCommand checks the rule,
// authorises, takes the step and records the entry, once, for every action (case-recording.ts).
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { forbidden } from '../errors.ts';
import { withFindings } from './case-findings.ts';
import type { CaseAction, CaseState, CaseTransition } from './case-record.ts';
import { FINAL_STATUSES } from './case-record.ts';
import type { CaseCommand, CaseContext, Steps } from './case-commands.ts';
import { SYSTEM_CALLER, CASE_RULES, ACTION_ZH } from './case-commands.ts';
import { illegal, closed, openPause } from './case-checks.ts';
import type { PersonCaseAction } from '../../contracts/case-vocabulary.ts';
import { PERSON_CASE_ACTIONS } from '../../contracts/case-vocabulary.ts';
import { record, checkContext } from './case-recording.ts';
import { ANSWER_STEPS } from './case-answers.ts';
import { INTAKE_STEPS } from './case-intake.ts';
import { CLOCK_STEPS } from './case-clock.ts';
import { JOINT_STEPS } from './case-joint-steps.ts';
import { RESULT_STEPS } from './case-results.ts';
import { NOTICE_STEPS, owingNotice } from './case-notices.ts';
import { CORRECTION_STEPS } from './case-corrections.ts';
export type { CaseCommand, CaseContext, FileCaseInput } from './case-commands.ts';
export {
  CASE_RULES,
  DEFAULT_DEEMED_ACCEPTANCE_DAYS,
  DEFAULT_JOINT_GRACE_DAYS,
  MAX_EXTENSION_DAYS,
  MAX_JOINT_EXTENSION_DAYS,
  MAX_JOINT_GRACE_DAYS,
  MAX_PROCEDURE_DAYS,
  SYSTEM_CALLER,
} from './case-commands.ts';
export { PRE_REVIEW_DAYS } from './case-dates.ts';
export { fileCase } from './case-intake.ts';
export { answerPeriodOver } from './case-answers.ts';
export { supervisionDue, sweepCommand } from './case-clock.ts';

/** Every action's step: the transition table. */
const STEPS: Steps = { ...INTAKE_STEPS, ...ANSWER_STEPS, ...CLOCK_STEPS, ...JOINT_STEPS, ...RESULT_STEPS, ...NOTICE_STEPS, ...CORRECTION_STEPS };

/**
 * The actions `caller` may take on the case now: those whose rule (who, from which statuses) admits
 * the caller, narrowed by what the state says (a pause to resume, an open joint task to answer, 容缺
 * materials to deliver, a follow-up to retry). What the case page offers; the step still decides.
 */
export function openActions(state: CaseState, caller: Caller): PersonCaseAction[] {
  return PERSON_CASE_ACTIONS.filter((action) => {
    const rule = CASE_RULES[action];
    if (!rule.from.includes(state.status)) return false;
    try {
      authorize(state, action, rule.by, caller);
    } catch {
      return false;
    }
    switch (action) {
      case 'pause':
        return !openPause(state);
      case 'resume':
        return openPause(state) !== undefined;
      case 'opinion':
        return (state.jointTasks ?? []).some((t) => t.departmentId === caller.departmentId && (t.status === 'pending' || t.status === 'escalated'));
      case 'deliver':
        return (state.acceptance?.pendingMaterials ?? []).length > 0;
      case 'retry-follow-up':
        return state.followUpFailure !== undefined;
      case 'accept-archive-findings':
        return state.archiveExceptions !== undefined && state.archive === undefined;
      case 'pre-review':
        return state.preReviewOffered === true && state.preReview === undefined;
      default:
        return true;
    }
  });
}

/** The next state of a case after `command`, with the history entry recording it. */
export function applyCaseCommand(state: CaseState, command: CaseCommand, ctx: CaseContext): CaseTransition {
  checkContext(ctx);
  const rule = CASE_RULES[command.action];
  // Who may act comes first: an outsider learns nothing about the case's status from the answer.
  authorize(state, command.action, rule.by, ctx.actor);
  if (!rule.from.includes(state.status)) {
    throw FINAL_STATUSES.includes(state.status) ? closed(state, command.action) : illegal(state, command.action);
  }
  const { today } = ctx;
  const { hash: _hash, ...current } = state;
  // Whatever the action, it records what supervision found late before it (case-findings.ts): a late
  // step never hides its own lateness.
  const base = { ...current, ...withFindings(state, today), version: state.version + 1, updatedAt: ctx.at };
  const next = (changes: Partial<Omit<CaseState, 'hash'>>): Omit<CaseState, 'hash'> => ({ ...base, ...changes });
  // The table is typed per action; indexing it by a union of actions loses the pairing, hence `never`.
  const stepped = STEPS[command.action](state, command as never, { base, next, today, ctx });
  // The written notice the action owes the applicant, if any, recorded with it (case-notices.ts).
  return record(owingNotice(command, stepped, today, ctx.actor), command.action, state, command, state.hash, ctx);
}

function authorize(state: CaseState, action: CaseAction, by: 'department' | 'co-department' | 'channel' | 'platform' | 'system', actor: Caller): void {
  switch (by) {
    case 'platform':
      requireRole(actor, 'platform');
      return;
    case 'co-department':
      requireRole(actor, 'department');
      if (!actor.departmentId || !state.coDepartmentIds.includes(actor.departmentId)) {
        throw forbidden(
          'CASE_CO_DEPARTMENT_FORBIDDEN',
          '只有该办件的协办部门可以提出协办意见，牵头部门和其他部门不能代为提出',
          `only a co-department of case ${state.caseNo} (${state.coDepartmentIds.join(', ') || 'none'}) may ${action} it; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
        );
      }
      return;
    case 'department':
      requireRole(actor, 'department');
      if (actor.departmentId !== state.departmentId) {
        throw forbidden(
          'CASE_DEPARTMENT_FORBIDDEN',
          '只有该办件的受理部门可以办理此操作',
          `only the case's department ${state.departmentId} may ${action} case ${state.caseNo}; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
        );
      }
      return;
    case 'channel':
      requireRole(actor, 'channel');
      if (actor.channelId !== state.channelId) {
        throw forbidden(
          'CASE_CHANNEL_FORBIDDEN',
          '只有提交该办件的渠道可以办理此操作',
          `only the filing channel ${state.channelId} may ${action} case ${state.caseNo}; caller ${actor.name} is channel ${actor.channelId ?? '(none)'}`,
        );
      }
      return;
    case 'system':
      requireRole(actor, 'platform');
      if (actor.name !== SYSTEM_CALLER.name) {
        throw forbidden('CASE_SYSTEM_FORBIDDEN', `“${ACTION_ZH[action]}”只能由系统按期限自动登记`, `${action} is applied by the platform's sweep only, not by ${actor.name}`);
      }
      return;
  }
}
