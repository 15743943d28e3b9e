// What follows what in a ticket's life, said once:
//
//   (filed) → received ─assign (platform, 转办)→ assigned
//   (filed, routed by rule) ──────────────────→ assigned ─answer (its department)→ answered ─rate (its channel)→ closed
//                                                 ├─assign (platform: reassigned)→ assigned (due again)
//                                                 └─transfer (its department; complaints and corrections)→ assigned (due again)
//
// Every routing starts a round: the new department owes the answer within the ticket's answer days from
// that day. A ticket is passed on at most MAX_TICKET_ROUTINGS times; then it must be answered. An answer
// records whether it came on time; a late ticket is the supervision's (the watch raises a finding).
import type { AnswerTicketRequest, TicketKind, TicketRatingLevel, TicketState } from '../../contracts/tickets.ts';
import { COMPLAINT_OUTCOMES, CORRECTION_OUTCOMES, MAX_TICKET_ROUTINGS, TICKET_KIND_ZH, TICKET_STATE_ZH } from '../../contracts/tickets.ts';
import type { Caller } from '../access/caller.ts';
import { actorOf } from '../access/actor.ts';
import { SYSTEM_CALLER } from '../cases/case-commands.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import type { Due, Ticket, TicketContext, TicketTransition } from './ticket.ts';
import { onTime } from './ticket.ts';
import { recordTicket } from './ticket-history.ts';

/** What can be done to a ticket once filed. `assign` and `transfer` carry the new due day (the service counts it). */
export type TicketCommand =
  | { action: 'assign'; departmentId: string; note?: string | undefined; due: Due }
  | { action: 'transfer'; departmentId: string; reasons: string; due: Due }
  | ({ action: 'answer' } & AnswerTicketRequest)
  | { action: 'rate'; level: TicketRatingLevel; comment?: string | undefined };

type Who = 'platform' | 'responsible' | 'filer';
type Body = Omit<Ticket, 'hash' | 'version' | 'updatedAt' | 'state'>;

interface Step<C extends TicketCommand> {
  from: readonly TicketState[];
  to: TicketState;
  by: Who;
  /** What the step changes beyond the state (checked: the step may happen). */
  apply(ticket: Ticket, command: C, ctx: TicketContext & { actor: Caller }): Body;
  /** A refusal beyond the state and the actor, if any. */
  guard?(ticket: Ticket, command: C): Refusal | undefined;
}

type Refusal = 'routings' | 'consultation' | 'same-department';

const by = (ctx: TicketContext) => actorOf(ctx.actor);

/** The ticket routed to `departmentId`: a new round, due as counted. */
function routed(t: Body, departmentId: string, due: Due, how: 'rule' | 'assign' | 'transfer', note: string | undefined, ctx: TicketContext): Body {
  const { dueProvisional: _was, ...rest } = t;
  return {
    ...rest,
    departmentId,
    dueOn: due.date,
    ...(due.provisional ? { dueProvisional: true as const } : {}),
    round: t.round + 1,
    routing: [...t.routing, { departmentId, how, ...(note !== undefined ? { note } : {}), by: by(ctx), on: ctx.today, at: ctx.at }],
  };
}

const routingGuard = (t: Ticket, departmentId: string): Refusal | undefined =>
  t.routing.length >= MAX_TICKET_ROUTINGS ? 'routings' : t.departmentId === departmentId ? 'same-department' : undefined;

/** Each action: the states it may follow, the state it leads to, who may take it and what it records. */
export const TICKET_STEPS: { [A in TicketCommand['action']]: Step<Extract<TicketCommand, { action: A }>> } = {
  assign: {
    from: ['received', 'assigned'],
    to: 'assigned',
    by: 'platform',
    guard: (t, c) => routingGuard(t, c.departmentId),
    apply: (t, c, ctx) => routed(t, c.departmentId, c.due, 'assign', c.note, ctx),
  },
  transfer: {
    from: ['assigned'],
    to: 'assigned',
    by: 'responsible',
    guard: (t, c) => (t.kind === 'consultation' ? 'consultation' : routingGuard(t, c.departmentId)),
    apply: (t, c, ctx) => routed(t, c.departmentId, c.due, 'transfer', c.reasons, ctx),
  },
  answer: {
    from: ['assigned'],
    to: 'answered',
    by: 'responsible',
    apply: (t, c, ctx) => ({
      ...t,
      answer: {
        text: c.text,
        ...(c.outcome !== undefined ? { outcome: c.outcome } : {}),
        ...(c.reasons !== undefined ? { reasons: c.reasons } : {}),
        ...(c.corrections !== undefined ? { corrections: c.corrections } : {}),
        by: by(ctx),
        departmentId: t.departmentId ?? '',
        on: ctx.today,
        at: ctx.at,
        onTime: onTime(t, ctx.today),
      },
    }),
  },
  rate: {
    from: ['answered'],
    to: 'closed',
    by: 'filer',
    apply: (t, c, ctx) => ({ ...t, rating: { level: c.level, ...(c.comment !== undefined ? { comment: c.comment } : {}), by: by(ctx), on: ctx.today, at: ctx.at } }),
  },
};

/** The ticket's next state and entry after `command`, or the refusal: wrong actor, wrong state, routings spent, an answer that does not fit. */
export function applyTicketCommand(ticket: Ticket, command: TicketCommand, ctx: TicketContext & { actor: Caller }): TicketTransition {
  const step = TICKET_STEPS[command.action] as Step<TicketCommand>;
  requireActor(step.by, ticket, ctx.actor, command.action);
  if (!step.from.includes(ticket.state)) {
    throw conflict(
      'TICKET_STATE_CONFLICT',
      `该${TICKET_KIND_ZH[ticket.kind]}${TICKET_STATE_ZH[ticket.state]}，不能${ACTION_ZH[command.action]}`,
      `ticket ${ticket.id} is ${ticket.state}: ${command.action} follows ${step.from.join(', ')} only`,
    );
  }
  const refusal = step.guard?.(ticket, command);
  if (refusal === 'routings') {
    throw conflict(
      'TICKET_ROUTINGS_EXHAUSTED',
      `该${TICKET_KIND_ZH[ticket.kind]}已转办 ${MAX_TICKET_ROUTINGS} 次，不能再转，请答复`,
      `ticket ${ticket.id} has been routed ${MAX_TICKET_ROUTINGS} times: it must be answered now`,
    );
  }
  if (refusal === 'consultation') {
    throw conflict(
      'TICKET_TRANSFER_NOT_ALLOWED',
      '咨询不能由部门转交，请答复或由平台改派',
      `ticket ${ticket.id} is a consultation: the platform role reassigns it, a department answers it`,
    );
  }
  if (refusal === 'same-department') {
    throw conflict('TICKET_TRANSFER_NOT_ALLOWED', '不能转交给正在办理的部门', `ticket ${ticket.id} is with that department already`, 'departmentId');
  }
  if (command.action === 'answer') checkAnswer(ticket.kind, command, ticket.correction?.target);
  const next = { ...step.apply(ticket, command, ctx), state: step.to, version: ticket.version + 1, updatedAt: ctx.at };
  return recordTicket(next, command.action, ticket, command, ctx);
}

/** The filing of a new ticket: its first state (received, or assigned when routed by rule) and entry. */
export function fileTicket(draft: TicketDraft, route: { departmentId: string; due: Due } | undefined, payload: unknown, ctx: TicketContext): TicketTransition {
  const base: Body = { ...draft, round: 0, routing: [] };
  const body = route ? routed(base, route.departmentId, route.due, 'rule', undefined, ctx) : base;
  return recordTicket({ ...body, state: route ? 'assigned' : 'received', version: 1, updatedAt: ctx.at }, 'file', null, payload, ctx);
}

/** What a filing makes of the request before it is routed. */
export type TicketDraft = Omit<Ticket, 'version' | 'updatedAt' | 'hash' | 'state' | 'round' | 'routing' | 'departmentId' | 'dueOn' | 'dueProvisional'>;

/**
 * An answer's outcome, reasons and corrections against the ticket's kind: a consultation has no outcome;
 * a complaint may say whether it was substantiated; a correction is corrected or refused with reasons.
 * Corrected, it names what was corrected as its target says: a licence's request the licence versions
 * amended for it, a case's the case versions its `correct` actions made, never the other kind; a request
 * about other data may name either, or none.
 */
export function checkAnswer(kind: TicketKind, a: AnswerTicketRequest, target?: string): void {
  const bad = (field: string, zh: string, en: string) => invalid('TICKET_OUTCOME_INVALID', field, zh, en);
  if (kind === 'consultation' && a.outcome !== undefined) throw bad('outcome', '咨询的答复没有办理结果', 'a consultation is answered without an outcome');
  if (kind === 'complaint' && a.outcome !== undefined && !(COMPLAINT_OUTCOMES as readonly string[]).includes(a.outcome)) {
    throw bad('outcome', '投诉的办理结果应为属实、部分属实或不属实', `a complaint's outcome is one of ${COMPLAINT_OUTCOMES.join(', ')}`);
  }
  if (kind === 'correction' && (a.outcome === undefined || !(CORRECTION_OUTCOMES as readonly string[]).includes(a.outcome))) {
    throw bad('outcome', '更正申请的答复须写明已更正或不予更正', `a correction is answered ${CORRECTION_OUTCOMES.join(' or ')}`);
  }
  if (a.reasons !== undefined && a.outcome !== 'refused') throw bad('reasons', '只有不予更正须说明理由', 'reasons are given with a refused correction only');
  if (a.outcome === 'refused' && a.reasons === undefined) throw bad('reasons', '不予更正须说明理由', 'a refused correction gives its reasons');
  if (a.corrections !== undefined && a.outcome !== 'corrected')
    throw bad('corrections', '只有已更正的答复列明更正后的证照版本', 'licence versions are named with a corrected correction only');
  if (a.outcome === 'corrected' && target === 'licence' && a.corrections === undefined) {
    throw bad('corrections', '更正电子证照的，须列明更正后的证照版本', 'a licence corrected: name the licence versions the amendment made');
  }
  if (a.outcome === 'corrected' && target === 'case' && a.corrections === undefined) {
    throw bad('corrections', '更正办件记录的，须列明更正后的办件版本', 'a case record corrected: name the case versions its correct actions made');
  }
  (a.corrections ?? []).forEach((c, i) => {
    if (target === 'licence' && !('licenceId' in c)) {
      throw bad(`corrections.${i}`, '更正电子证照的答复只列明证照版本，不列办件记录', 'a licence correction is answered with licence versions, not case versions');
    }
    if (target === 'case' && !('caseNo' in c)) {
      throw bad(`corrections.${i}`, '更正办件记录的答复只列明办件版本，不列证照版本', 'a case record correction is answered with case versions, not licence versions');
    }
  });
}

/** Whether `caller` owes the ticket's answer: a department it is addressed to. */
export function isResponsible(ticket: Pick<Ticket, 'departmentId'>, caller: Caller): boolean {
  return caller.role === 'department' && ticket.departmentId !== undefined && caller.departmentId === ticket.departmentId;
}

/** Whether `caller` is the channel that filed the ticket. */
export function isFiler(ticket: Pick<Ticket, 'channelId'>, caller: Caller): boolean {
  return caller.role === 'channel' && caller.channelId === ticket.channelId;
}

const ACTION_ZH: Readonly<Record<TicketCommand['action'], string>> = { assign: '转办', transfer: '转交', answer: '答复', rate: '评价' };

function requireActor(who: Who, ticket: Ticket, actor: Caller, action: TicketCommand['action']): void {
  const system = actor.name === SYSTEM_CALLER.name && actor.role === SYSTEM_CALLER.role;
  const allowed = !system && (who === 'platform' ? actor.role === 'platform' : who === 'filer' ? isFiler(ticket, actor) : isResponsible(ticket, actor));
  if (allowed) return;
  const zh = who === 'platform' ? '只有平台管理角色可以转办' : who === 'filer' ? '只有提交该事项的渠道可以评价答复' : '只有承办部门可以答复或转交';
  throw forbidden('TICKET_FORBIDDEN', zh, `${actor.name} (${actor.role}) cannot ${action} ticket ${ticket.id}`);
}
