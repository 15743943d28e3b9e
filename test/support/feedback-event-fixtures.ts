// Evaluation and ticket events as the outbox holds them, for the routing and delivery tests: valid
// CloudEvents of the contract (shared/contracts/feedback-events.ts), without a record behind them.
import { createHash } from 'node:crypto';
import type { EvaluationEvent, TicketEvent } from '../../shared/contracts/feedback-events.ts';
import { EvaluationEventSchema, FEEDBACK_EVENT_SOURCE, FEEDBACK_EVENT_TYPE_PREFIX, TicketEventSchema, feedbackEventId } from '../../shared/contracts/feedback-events.ts';

const time = (version: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, version)).toISOString();
const hash = (id: string, version: number) => createHash('sha256').update(`${id}.${version}`).digest('hex');

/** A ticket's steps: filed to `first`, transferred to `second`, answered by it. */
export function ticketEvents(id: string, channelId: string, first: string, second: string): TicketEvent[] {
  const steps = [
    { action: 'file', from: null, state: 'assigned', actorRole: 'channel', departmentId: first },
    { action: 'transfer', from: 'assigned', state: 'assigned', actorRole: 'department', departmentId: second, fromDepartmentId: first },
    { action: 'answer', from: 'assigned', state: 'answered', actorRole: 'department', departmentId: second },
  ] as const;
  return steps.map((step, i) =>
    TicketEventSchema.parse({
      specversion: '1.0',
      id: feedbackEventId(id, i + 1),
      source: FEEDBACK_EVENT_SOURCE.ticket,
      type: `${FEEDBACK_EVENT_TYPE_PREFIX.ticket}${step.action}`,
      subject: id,
      time: time(i + 1),
      datacontenttype: 'application/json',
      data: { kind: 'ticket', id, ticketKind: 'complaint', version: i + 1, on: '2026-11-23', channelId, entryHash: hash(id, i + 1), ...step },
    }),
  );
}

/** A bad review's steps: rated, answered by its department. */
export function evaluationEvents(id: string, channelId: string, departmentId: string): EvaluationEvent[] {
  const steps = [
    { action: 'rate', from: null, state: 'rectifying', actorRole: 'channel', dueOn: '2026-11-26' },
    { action: 'answer', from: 'rectifying', state: 'answered', actorRole: 'department' },
  ] as const;
  return steps.map((step, i) =>
    EvaluationEventSchema.parse({
      specversion: '1.0',
      id: feedbackEventId(id, i + 1),
      source: FEEDBACK_EVENT_SOURCE.evaluation,
      type: `${FEEDBACK_EVENT_TYPE_PREFIX.evaluation}${step.action}`,
      subject: id,
      time: time(i + 1),
      datacontenttype: 'application/json',
      data: { kind: 'evaluation', id, version: i + 1, on: '2026-11-23', channelId, departmentId, entryHash: hash(id, i + 1), ...step },
    }),
  );
}
