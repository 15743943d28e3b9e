// What follows what in an evaluation's life, said once:
//
//   (rated good) → recorded                                                     (final)
//   (rated bad)  → rectifying ─answer→ answered ─rate-answer→ closed
//                     │                   │
//                     └──────appeal───────┴→ appealed ─uphold→ excluded          (stops counting)
//                                                     └─dismiss→ back where it was appealed from
//
// The department rated answers a bad review (verified; rectified or explained; with a named
// applicant, its follow-up 回访) and may appeal it once; the channel the applicant rated through rates
// the answer once; the platform role decides an appeal. A dismissed appeal changes nothing else: the
// due day stands, and a rectification past it is late.
import { EVALUATION_STATE_ZH } from '../../contracts/evaluations.ts';
import type { AnswerKind, EvaluationLevel, EvaluationState } from '../../contracts/evaluations.ts';
import type { Caller } from '../access/caller.ts';
import { actorOf } from '../access/actor.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import type { Evaluation, EvaluationContext, EvaluationTransition } from './evaluation.ts';
import { isBad } from './evaluation.ts';
import { recordEvaluation } from './evaluation-history.ts';

/** What can be done to an evaluation once rated. */
export type EvaluationCommand =
  | {
      action: 'answer';
      verification: string;
      kind: AnswerKind;
      text: string;
      followUp?: { on: string; by: string; outcome: string } | undefined;
    }
  | { action: 'rate-answer'; level: EvaluationLevel; comment?: string | undefined }
  | { action: 'appeal'; reasons: string[] }
  | { action: 'uphold'; reasons: string[] }
  | { action: 'dismiss'; reasons: string[] };

/** Who may take a step: the channel rated through, the department rated, the platform role. */
type Who = 'channel' | 'department' | 'platform';

type Fields = Omit<Evaluation, 'hash' | 'version' | 'updatedAt' | 'state'>;

interface Step<C extends EvaluationCommand> {
  from: readonly EvaluationState[];
  /** The state it leads to (a dismissal: back where the appeal came from). */
  to: EvaluationState | ((evaluation: Evaluation) => EvaluationState);
  by: Who;
  /** A refusal beyond the state and the actor, if any (thrown). */
  guard?(evaluation: Evaluation, command: C, ctx: EvaluationContext): void;
  /** What the step changes beyond the state (checked: the step may happen). */
  apply(evaluation: Evaluation, command: C, ctx: EvaluationContext): Fields;
}

const by = (ctx: EvaluationContext) => actorOf(ctx.actor);

/** Each action: the states it may follow, the state it leads to, who may take it, and what it records. */
export const EVALUATION_STEPS: { [A in EvaluationCommand['action']]: Step<Extract<EvaluationCommand, { action: A }>> } = {
  answer: {
    from: ['rectifying'],
    to: 'answered',
    by: 'department',
    guard: (e, c, ctx) => {
      if (e.named && c.followUp === undefined) {
        throw invalid(
          'EVALUATION_FOLLOW_UP_REQUIRED',
          'followUp',
          '评价人实名评价，答复须记录回访情况（回访日期、回访人、回访结果）',
          `evaluation ${e.id} is named: its answer records the follow-up (on, by, outcome)`,
        );
      }
      if (c.followUp !== undefined && (c.followUp.on < e.ratedOn || c.followUp.on > ctx.today)) {
        throw invalid(
          'EVALUATION_FOLLOW_UP_DATE',
          'followUp.on',
          `回访日期应在评价日（${e.ratedOn}）至今日（${ctx.today}）之间`,
          `the follow-up is dated from the rating (${e.ratedOn}) to today (${ctx.today}), not ${c.followUp.on}`,
        );
      }
    },
    apply: (e, c, ctx) => ({
      ...e,
      answer: {
        verification: c.verification,
        kind: c.kind,
        text: c.text,
        ...(c.followUp !== undefined ? { followUp: { on: c.followUp.on, by: c.followUp.by, outcome: c.followUp.outcome } } : {}),
        by: by(ctx),
        on: ctx.today,
        at: ctx.at,
      },
      rectifiedOnTime: e.dueProvisional === true || e.dueOn === undefined || ctx.today <= e.dueOn,
    }),
  },
  'rate-answer': {
    from: ['answered'],
    to: 'closed',
    by: 'channel',
    apply: (e, c, ctx) => ({ ...e, answerRating: { level: c.level, ...(c.comment !== undefined ? { comment: c.comment } : {}), by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
  appeal: {
    from: ['rectifying', 'answered'],
    to: 'appealed',
    by: 'department',
    guard: (e) => {
      if (e.appeal !== undefined) {
        throw conflict('EVALUATION_APPEALED_BEFORE', '该评价已申诉过一次，不能再次申诉', `evaluation ${e.id} was appealed before (on ${e.appeal.on}): a review is appealed once`);
      }
    },
    apply: (e, c, ctx) => ({ ...e, appeal: { reasons: c.reasons, from: e.state, by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
  uphold: {
    from: ['appealed'],
    to: 'excluded',
    by: 'platform',
    apply: (e, c, ctx) => ({ ...e, excluded: true, verdict: { decision: 'uphold', reasons: c.reasons, by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
  dismiss: {
    from: ['appealed'],
    to: (e) => e.appeal?.from ?? 'rectifying',
    by: 'platform',
    apply: (e, c, ctx) => ({ ...e, verdict: { decision: 'dismiss', reasons: c.reasons, by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
};

/** The evaluation's next state and entry after `command`, or the refusal: wrong actor, wrong state, a guard. */
export function applyEvaluationCommand(evaluation: Evaluation, command: EvaluationCommand, ctx: EvaluationContext & { actor: Caller }): EvaluationTransition {
  const step = EVALUATION_STEPS[command.action] as Step<EvaluationCommand>;
  requireActor(step.by, evaluation, ctx.actor, command.action);
  if (!step.from.includes(evaluation.state)) {
    throw conflict(
      'EVALUATION_STATE_CONFLICT',
      `该评价${EVALUATION_STATE_ZH[evaluation.state]}，不能${ACTION_ZH[command.action]}`,
      `evaluation ${evaluation.id} is ${evaluation.state}: ${command.action} follows ${step.from.join(', ')} only`,
    );
  }
  step.guard?.(evaluation, command, ctx);
  const to = typeof step.to === 'function' ? step.to(evaluation) : step.to;
  const next = { ...step.apply(evaluation, command, ctx), state: to, version: evaluation.version + 1, updatedAt: ctx.at };
  return recordEvaluation(next, command.action, evaluation, command, ctx);
}

/** The rating: a new evaluation's first state (bad: rectifying, due as given; good: recorded, final) and entry. */
export function rateEvaluation(
  draft: Omit<Evaluation, 'version' | 'updatedAt' | 'hash' | 'state' | 'excluded' | 'dueOn' | 'dueProvisional' | 'rectificationDays'>,
  rectification: { days: number; due: { date: string; provisional?: true } },
  ctx: EvaluationContext,
): EvaluationTransition {
  const bad = isBad(draft.level);
  const { contact: _contact, ...rest } = draft;
  const evaluation: Omit<Evaluation, 'hash'> = {
    // The contact is kept only for what it is for: the follow-up of a named bad review.
    ...(bad && draft.named ? draft : rest),
    ...(bad ? { rectificationDays: rectification.days, dueOn: rectification.due.date, ...(rectification.due.provisional ? { dueProvisional: true as const } : {}) } : {}),
    excluded: false,
    state: bad ? 'rectifying' : 'recorded',
    version: 1,
    updatedAt: ctx.at,
  };
  const payload = { subject: draft.subject, level: draft.level, dimensions: draft.dimensions, comment: draft.comment, named: draft.named };
  return recordEvaluation(evaluation, 'rate', null, payload, ctx);
}

/** Whether `caller` may act for the channel the evaluation was rated through, or the department rated. */
export function isChannelOf(evaluation: Pick<Evaluation, 'channelId'>, caller: Caller): boolean {
  return caller.role === 'channel' && caller.channelId === evaluation.channelId;
}
export function isDepartmentOf(evaluation: Pick<Evaluation, 'departmentId'>, caller: Caller): boolean {
  return caller.role === 'department' && caller.departmentId === evaluation.departmentId;
}

const ACTION_ZH: Readonly<Record<EvaluationCommand['action'], string>> = {
  answer: '答复',
  'rate-answer': '评价答复',
  appeal: '申诉',
  uphold: '支持申诉',
  dismiss: '驳回申诉',
};

function requireActor(who: Who, evaluation: Evaluation, actor: Caller, action: EvaluationCommand['action']): void {
  const allowed = who === 'channel' ? isChannelOf(evaluation, actor) : who === 'department' ? isDepartmentOf(evaluation, actor) : actor.role === 'platform';
  if (allowed) return;
  const zh = who === 'channel' ? '只有评价所经渠道可以评价答复' : who === 'department' ? '只有被评价的部门可以答复或申诉该评价' : '只有平台管理角色可以复核申诉';
  throw forbidden('EVALUATION_FORBIDDEN', zh, `${actor.name} (${actor.role}) cannot ${action} evaluation ${evaluation.id}`);
}
