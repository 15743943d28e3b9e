// Evaluation and ticket events as the outbox holds them, for the routing and delivery tests: valid
// CloudEvents of the contract (shared/contracts/feedback-events.ts), without a record behind them.
import { createHash } from 'node:crypto';
import type { EvaluationEvent, TicketEvent } from '../../shared/contracts/feedback-events.ts';
import { EvaluationEventSchema, FEEDBACK_EVENT_SOURCE, FEEDBACK_EVENT_TYPE_PREFIX, TicketEventSchema, feedbackEventId } from '../../shared/contracts/feedback-events.ts';

/** The envelope of step `version` of record `id` of `kind`, its data's common part beside the step's own. */
function eventOf(kind: 'evaluation' | 'ticket', id: string, version: number, step: { action: string }, data: Record<string, unknown>) {
  return {
    specversion: '1.0',
    id: feedbackEventId(id, version),
    source: FEEDBACK_EVENT_SOURCE[kind],
    type: `${FEEDBACK_EVENT_TYPE_PREFIX[kind]}${step.action}`,
    subject: id,
    time: new Date(Date.UTC(2026, 10, 23, 3, 0, version)).toISOString(),
    datacontenttype: 'application/json',
    data: { kind, id, version, on: '2026-11-23', entryHash: createHash('sha256').update(`${id}.${version}`).digest('hex'), ...data, ...step },
  };
}

/** A ticket's steps: filed to `first`, transferred to `second`, answered by it. */
export function ticketEvents(id: string, channelId: string, first: string, second: string): TicketEvent[] {
  const steps = [
    { action: 'file', from: null, state: 'assigned', actorRole: 'channel', departmentId: first },
    { action: 'transfer', from: 'assigned', state: 'assigned', actorRole: 'department', departmentId: second, fromDepartmentId: first },
    { action: 'answer', from: 'assigned', state: 'answered', actorRole: 'department', departmentId: second },
  ] as const;
  return steps.map((step, i) => TicketEventSchema.parse(eventOf('ticket', id, i + 1, step, { ticketKind: 'complaint', channelId })));
}

/** A bad review's steps: rated, answered by its department. */
export function evaluationEvents(id: string, channelId: string, departmentId: string): EvaluationEvent[] {
  const steps = [
    { action: 'rate', from: null, state: 'rectifying', actorRole: 'channel', dueOn: '2026-11-26' },
    { action: 'answer', from: 'rectifying', state: 'answered', actorRole: 'department' },
  ] as const;
  return steps.map((step, i) => EvaluationEventSchema.parse(eventOf('evaluation', id, i + 1, step, { channelId, departmentId })));
}
