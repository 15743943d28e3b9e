// An evaluation's or a ticket's history entry as the event the platform publishes for it
// (shared/contracts/feedback-events.ts): built from the entry and the record after it when the entry is
// written, and kept in the entry's item (the outbox, dynamo-chained-records.ts) — so an event exists
// exactly for each step that happened, and says what the entry says, without the person or any text.
import type { EvaluationEvent, TicketEvent } from '../../contracts/feedback-events.ts';
import { FEEDBACK_EVENT_SOURCE, FEEDBACK_EVENT_TYPE_PREFIX, feedbackEventId } from '../../contracts/feedback-events.ts';
import type { Evaluation, EvaluationHistoryEntry } from '../evaluations/evaluation.ts';
import { awaitingAnswer as evaluationAwaitsAnswer } from '../evaluations/evaluation.ts';
import type { Ticket, TicketHistoryEntry } from '../tickets/ticket.ts';
import { awaitingAnswer as ticketAwaitsAnswer } from '../tickets/ticket.ts';

export type { EvaluationEvent, FeedbackEvent, TicketEvent } from '../../contracts/feedback-events.ts';

type ActorRole = EvaluationEvent['data']['actorRole'];

/** The entry and the record it led to must be the same step of the same record. */
function checkStep(noun: string, recordId: string, subject: string, record: { version: number; hash: string }, entry: { n: number; hash: string }): void {
  if (recordId !== subject || record.version !== entry.n || record.hash !== entry.hash) {
    throw new Error(`${noun} event: the ${noun} (${recordId}, version ${record.version}) is not the one entry ${entry.n} of ${subject} led to`);
  }
}

/** What every feedback event's envelope says of its entry: its id, source, type, subject and time. */
function envelope<K extends 'evaluation' | 'ticket'>(kind: K, id: string, entry: { n: number; type: string; at: string }) {
  return {
    specversion: '1.0' as const,
    id: feedbackEventId(id, entry.n),
    source: FEEDBACK_EVENT_SOURCE[kind],
    type: `${FEEDBACK_EVENT_TYPE_PREFIX[kind]}${entry.type}`,
    subject: id,
    time: entry.at,
    datacontenttype: 'application/json' as const,
  };
}

/** What both kinds' data say of the step: its version and action, the state before and after, who acted, when, the channel and the entry's hash. */
function stepData<E extends EvaluationHistoryEntry | TicketHistoryEntry>(
  entry: E,
  channelId: string,
): { version: number; from: E['from']; state: E['to']; actorRole: ActorRole; on: string; channelId: string; entryHash: string } {
  return {
    version: entry.n,
    from: entry.from,
    state: entry.to,
    actorRole: entry.actor.role as ActorRole,
    on: entry.on,
    channelId,
    entryHash: entry.hash,
  };
}

/** The event of an evaluation's entry, which led to `evaluation`. */
export function evaluationEvent(entry: EvaluationHistoryEntry, evaluation: Evaluation): EvaluationEvent {
  checkStep('evaluation', evaluation.id, entry.evaluationId, evaluation, entry);
  const caseNo = evaluation.subject.kind === 'case' ? evaluation.subject.caseNo : undefined;
  return {
    ...envelope('evaluation', evaluation.id, entry),
    data: {
      kind: 'evaluation',
      id: evaluation.id,
      action: entry.type,
      ...stepData(entry, evaluation.channelId),
      departmentId: evaluation.departmentId,
      ...(caseNo !== undefined ? { caseNo } : {}),
      ...(evaluation.itemCode !== undefined ? { itemCode: evaluation.itemCode } : {}),
      ...(evaluationAwaitsAnswer(evaluation) && evaluation.dueOn !== undefined ? { dueOn: evaluation.dueOn } : {}),
    },
  };
}

/** The event of a ticket's entry, which led to `ticket`; a routing away from a department names it (`fromDepartmentId`). */
export function ticketEvent(entry: TicketHistoryEntry, ticket: Ticket): TicketEvent {
  checkStep('ticket', ticket.id, entry.ticketId, ticket, entry);
  const caseNo = ticket.about?.kind === 'case' ? ticket.about.caseNo : undefined;
  // An assignment or a transfer appends its routing: the one before it was the department's that held the ticket.
  const left = entry.type === 'assign' || entry.type === 'transfer' ? ticket.routing.at(-2)?.departmentId : undefined;
  return {
    ...envelope('ticket', ticket.id, entry),
    data: {
      kind: 'ticket',
      id: ticket.id,
      ticketKind: ticket.kind,
      action: entry.type,
      ...stepData(entry, ticket.channelId),
      ...(ticket.departmentId !== undefined ? { departmentId: ticket.departmentId } : {}),
      ...(left !== undefined && left !== ticket.departmentId ? { fromDepartmentId: left } : {}),
      ...(caseNo !== undefined ? { caseNo } : {}),
      ...(ticket.itemCode !== undefined ? { itemCode: ticket.itemCode } : {}),
      ...(ticketAwaitsAnswer(ticket) && ticket.dueOn !== undefined ? { dueOn: ticket.dueOn } : {}),
    },
  };
}
