// A consultation, complaint or correction request (咨询投诉, 更正) as a record: what a channel filed for
// a person, the department that owes the answer and by when, the answer and its rating — a state and its
// own hash-chained history (ticket-history.ts), moved only as ticket-lifecycle.ts says. One ticket per
// channel and Idempotency-Key: its id is drawn from the two, so a retried filing finds the ticket
// already there (the store's conditional write decides).
import { createHash } from 'node:crypto';
import type { Ticket, TicketAsRead, TicketHistoryEntry, TicketSummary } from '../../contracts/tickets.ts';
import type { Caller } from '../access/caller.ts';
import { canonicalJson } from '../items/record-hash.ts';

export type { Ticket, TicketHistoryEntry };
export type { TicketAction, TicketKind, TicketState } from '../../contracts/tickets.ts';

/** A ticket's next state and the history entry that records it. */
export interface TicketTransition {
  ticket: Ticket;
  entry: TicketHistoryEntry;
}

/** Who acted, when (the instant and its China date): what every entry records. */
export interface TicketContext {
  actor: Pick<Caller, 'name' | 'role' | 'officer'>;
  at: string;
  today: string;
}

/** A due day as the calendar counted it. */
export interface Due {
  date: string;
  provisional?: true;
}

/**
 * The ticket id of a channel's filing under `idempotencyKey`: 32 hex digits of SHA-256 over their
 * canonical JSON — URL-safe, bounded whatever the key, the same on every retry, and another channel's
 * key never gives the same id.
 */
export function ticketId(channelId: string, idempotencyKey: string): string {
  return createHash('sha256')
    .update(canonicalJson({ channel: channelId, key: idempotencyKey }))
    .digest('hex')
    .slice(0, 32);
}

/** Whether the ticket is waiting for its department's answer. */
export function awaitingAnswer(ticket: Pick<Ticket, 'state'>): boolean {
  return ticket.state === 'assigned';
}

/** Late: owed, past its due day (a provisional due day makes nobody late). */
export function isLate(ticket: Pick<Ticket, 'state' | 'dueOn' | 'dueProvisional'>, today: string): boolean {
  return awaitingAnswer(ticket) && ticket.dueOn !== undefined && ticket.dueProvisional !== true && ticket.dueOn < today;
}

/** Whether an answer given on `today` is on time (a provisional due day counts as met: it makes nobody late). */
export function onTime(ticket: Pick<Ticket, 'dueOn' | 'dueProvisional'>, today: string): boolean {
  return ticket.dueOn === undefined || ticket.dueProvisional === true || today <= ticket.dueOn;
}

/** The ticket as a reader sees it: whether it is late today; an auditor without the person and the correction's values. */
export function asRead(ticket: Ticket, reader: Pick<Caller, 'role'>, today: string): TicketAsRead {
  const { requestDigest: _digest, ...shown } = ticket;
  const late = isLate(ticket, today);
  if (reader.role !== 'auditor') return { ...shown, late };
  const { person: _person, correction, ...rest } = shown;
  if (!correction) return { ...rest, late };
  const { wrongValue: _wrong, rightValue: _right, ...kept } = correction;
  return { ...rest, correction: kept, late };
}

/** A ticket as lists show it: no person, no text, no correction values. */
export function summaryOf(ticket: Ticket, today: string): TicketSummary {
  const { answer, rating } = ticket;
  return {
    id: ticket.id,
    kind: ticket.kind,
    channelId: ticket.channelId,
    ...(ticket.about ? { about: ticket.about } : {}),
    ...(ticket.itemCode !== undefined ? { itemCode: ticket.itemCode } : {}),
    subject: ticket.subject,
    receivedAt: ticket.receivedAt,
    receivedOn: ticket.receivedOn,
    state: ticket.state,
    ...(ticket.departmentId !== undefined ? { departmentId: ticket.departmentId } : {}),
    ...(ticket.dueOn !== undefined ? { dueOn: ticket.dueOn } : {}),
    ...(ticket.dueProvisional ? { dueProvisional: true as const } : {}),
    round: ticket.round,
    ...(answer ? { answeredOn: answer.on, onTime: answer.onTime, ...(answer.outcome !== undefined ? { outcome: answer.outcome } : {}) } : {}),
    ...(rating ? { rating: rating.level } : {}),
    version: ticket.version,
    updatedAt: ticket.updatedAt,
    late: isLate(ticket, today),
  };
}
