// What follows what in a finding's life, said once:
//
//   (raised) → open ─respond→ answered ─close→ closed
//                │              └─return→ returned (due again) ─respond→ answered …
//                └─(red, past due, unanswered)─escalate→ escalated (督办) ─respond→ answered …
//   returned ─(red, past due)─escalate→ escalated
//
// The department responsible answers (explain | rectify): the finding's department, or the platform's
// reviewers for what they owe; the platform role closes or returns an answer; the system escalates a
// red finding whose due day has passed (a yellow one past due stays as it is, listed late). A due day
// counted across a year whose holidays are not loaded makes nobody late, and escalates nothing.
import { FINDING_STATE_ZH, MAX_FINDING_ROUNDS } from '../../contracts/supervision-findings.ts';
import type { FindingResponseKind, FindingState } from '../../contracts/supervision-findings.ts';
import type { Caller } from '../access/caller.ts';
import { actorOf } from '../access/actor.ts';
import { SYSTEM_CALLER } from '../cases/case-commands.ts';
import { conflict, forbidden } from '../errors.ts';
import type { Finding, FindingContext, FindingTransition } from './finding.ts';
import { isLate } from './finding.ts';
import { recordFinding } from './finding-history.ts';

/** What can be done to a finding once raised. `return` carries its new due day (the service counts it). */
export type FindingCommand =
  | { action: 'respond'; kind: FindingResponseKind; text: string }
  | { action: 'close'; note?: string | undefined }
  | { action: 'return'; reasons: string[]; due: { date: string; provisional?: true } }
  | { action: 'escalate' };

type Who = 'responsible' | 'platform' | 'system';

interface Step<C extends FindingCommand> {
  from: readonly FindingState[];
  to: FindingState;
  by: Who;
  /** What the step changes beyond the state (checked: the step may happen). */
  apply(finding: Finding, command: C, ctx: FindingContext): Omit<Finding, 'hash' | 'version' | 'updatedAt' | 'state'>;
  /** A refusal beyond the state and the actor, if any. */
  guard?(finding: Finding, ctx: FindingContext): string | undefined;
}

const by = (ctx: FindingContext) => actorOf(ctx.actor);

/** Each action: the states it may follow, the state it leads to, who may take it and what it records. */
export const FINDING_STEPS: { [A in FindingCommand['action']]: Step<Extract<FindingCommand, { action: A }>> } = {
  respond: {
    from: ['open', 'returned', 'escalated'],
    to: 'answered',
    by: 'responsible',
    apply: (f, c, ctx) => ({ ...f, responses: [...f.responses, { kind: c.kind, text: c.text, by: by(ctx), on: ctx.today, at: ctx.at }] }),
  },
  close: {
    from: ['answered'],
    to: 'closed',
    by: 'platform',
    apply: (f, c, ctx) => ({ ...f, closure: { ...(c.note !== undefined ? { note: c.note } : {}), by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
  return: {
    from: ['answered'],
    to: 'returned',
    by: 'platform',
    // An answer is sent back at most MAX_FINDING_ROUNDS - 1 times: then the platform closes it.
    guard: (f) => (f.responses.length >= MAX_FINDING_ROUNDS ? 'rounds' : undefined),
    apply: (f, c, ctx) => {
      const { dueProvisional: _was, ...rest } = f;
      return {
        ...rest,
        returns: [...f.returns, { reasons: c.reasons, by: by(ctx), on: ctx.today, at: ctx.at }],
        dueOn: c.due.date,
        ...(c.due.provisional ? { dueProvisional: true as const } : {}),
      };
    },
  },
  escalate: {
    from: ['open', 'returned'],
    to: 'escalated',
    by: 'system',
    guard: (f, ctx) => (f.severity !== 'red' ? 'yellow' : !isLate(f, ctx.today) ? 'not-due' : undefined),
    apply: (f, _c, ctx) => ({ ...f, escalatedOn: f.escalatedOn ?? ctx.today }),
  },
};

/** The finding's next state and entry after `command`, or the refusal: wrong actor, wrong state, rounds spent. */
export function applyFindingCommand(finding: Finding, command: FindingCommand, ctx: FindingContext & { actor: Caller }): FindingTransition {
  const step = FINDING_STEPS[command.action] as Step<FindingCommand>;
  requireActor(step.by, finding, ctx.actor);
  if (!step.from.includes(finding.state)) {
    throw conflict(
      'FINDING_STATE_CONFLICT',
      `监察预警${FINDING_STATE_ZH[finding.state]}，不能${ACTION_ZH[command.action]}`,
      `finding ${finding.id} is ${finding.state}: ${command.action} follows ${step.from.join(', ')} only`,
    );
  }
  const refusal = step.guard?.(finding, ctx);
  if (refusal === 'rounds') {
    throw conflict(
      'FINDING_ROUNDS_EXHAUSTED',
      `该监察预警已答复 ${MAX_FINDING_ROUNDS} 次，不能再退回，请办结`,
      `finding ${finding.id} has had ${MAX_FINDING_ROUNDS} answers: it cannot be returned again, only closed`,
    );
  }
  if (refusal !== undefined) {
    throw conflict(
      'FINDING_STATE_CONFLICT',
      '该监察预警未到督办条件',
      `finding ${finding.id} cannot be escalated: ${refusal === 'yellow' ? 'it is yellow' : 'it is not past due'}`,
    );
  }
  const next = { ...step.apply(finding, command, ctx), state: step.to, version: finding.version + 1, updatedAt: ctx.at };
  const payload = command.action === 'return' ? { action: command.action, reasons: command.reasons } : command;
  return recordFinding(next, command.action, finding, payload, ctx);
}

/** The raising of a new finding: its first state (open) and entry. */
export function raiseFinding(draft: Omit<Finding, 'version' | 'updatedAt' | 'hash' | 'state'>, ctx: FindingContext): FindingTransition {
  return recordFinding({ ...draft, state: 'open', version: 1, updatedAt: ctx.at }, 'raise', null, { rule: draft.rule, subject: draft.subject, occurrence: draft.occurrence }, ctx);
}

/** Whether `caller` must answer the finding: its department, or the platform's reviewers for what the platform owes. */
export function isResponsible(finding: Pick<Finding, 'departmentId'>, caller: Caller): boolean {
  return finding.departmentId === undefined ? caller.role === 'platform' : caller.role === 'department' && caller.departmentId === finding.departmentId;
}

const ACTION_ZH: Readonly<Record<FindingCommand['action'], string>> = { respond: '答复', close: '办结', return: '退回', escalate: '督办' };

function requireActor(who: Who, finding: Finding, actor: Caller): void {
  const system = actor.name === SYSTEM_CALLER.name && actor.role === SYSTEM_CALLER.role;
  const allowed = who === 'system' ? system : who === 'platform' ? actor.role === 'platform' && !system : isResponsible(finding, actor);
  if (allowed) return;
  const zh = who === 'responsible' ? '只有负责答复的部门可以答复该监察预警' : who === 'platform' ? '只有平台管理角色可以办结或退回监察预警' : '督办由系统按期限自动作出';
  throw forbidden('FINDING_FORBIDDEN', zh, `${actor.name} (${actor.role}) cannot ${who === 'responsible' ? 'answer' : 'decide on'} finding ${finding.id}`);
}
