// A feedback event on the wire: one history entry of an evaluation (好差评) or of a ticket (咨询投诉、
// 更正申请) as a CloudEvents 1.0 event, beside the case events (case-events.ts) on the same bus, feeds
// and webhooks. Built from the entry and the record after it, once, by
// shared/domain/events/feedback-event.ts, and kept in the entry's item: the entry is the outbox.
//
// What it says is what every party it goes to may read of the record anyway — its id, the channel, the
// department it is addressed to, the case or item it concerns, its state and which step it took — and
// no personal data: no person, no contact, no subject, text, comment, answer, level or values. A
// receiver reads the record itself (GET /v1/tickets/{id}, GET /v1/evaluations/{id}) for more.
import * as z from 'zod';
import { CASE_NO_PATTERN } from './case-vocabulary.ts';
import { EVALUATION_ACTIONS, EVALUATION_ID_PATTERN, EVALUATION_STATES } from './evaluations.ts';
import { TICKET_ACTIONS, TICKET_ID_PATTERN, TICKET_KINDS, TICKET_STATES } from './tickets.ts';

/** The records with events of their own besides cases. */
export const FEEDBACK_KINDS = ['evaluation', 'ticket'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** The CloudEvents `type` prefix of each kind's events: the prefix and the entry's type (`cn.tongban.ticket.transfer`). */
export const FEEDBACK_EVENT_TYPE_PREFIX: Readonly<Record<FeedbackKind, string>> = { evaluation: 'cn.tongban.evaluation.', ticket: 'cn.tongban.ticket.' };
/** The CloudEvents `source` of each kind's events (a URI-reference). */
export const FEEDBACK_EVENT_SOURCE = { evaluation: '/tongban/evaluations', ticket: '/tongban/tickets' } as const satisfies Readonly<Record<FeedbackKind, string>>;
export { FEEDBACK_EVENT_BUS_SOURCE } from './event-bus-sources.ts';
/** The CloudEvents types of the feedback events: each kind's prefix and each of its entry types. */
export const FEEDBACK_EVENT_TYPES: readonly string[] = [
  ...EVALUATION_ACTIONS.map((a) => `${FEEDBACK_EVENT_TYPE_PREFIX.evaluation}${a}`),
  ...TICKET_ACTIONS.map((a) => `${FEEDBACK_EVENT_TYPE_PREFIX.ticket}${a}`),
];

const Id = z.string().min(1).max(64);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What both kinds' events carry. */
const common = {
  /** The entry's number: the record's version after it (1 for the rating, the filing). Order a record's events by it. */
  version: z.number().int().min(1),
  /** The role that acted (a person's name is not sent). */
  actorRole: z.enum(['platform', 'department', 'channel', 'auditor']),
  /** China date of the step. */
  on: Day,
  /** The channel that filed the ticket, or the applicant rated through. */
  channelId: Id,
  /** The case it concerns, when it concerns one. */
  caseNo: z.string().regex(CASE_NO_PATTERN).optional(),
  itemCode: z.string().min(1).max(64).optional(),
  /** The last working day the department has to answer, while it has one. */
  dueOn: Day.optional(),
  /** The entry's hash: ties the event to the record's history. */
  entryHash: z.string().regex(/^[0-9a-f]{64}$/),
};

export const EvaluationEventDataSchema = z
  .object({
    kind: z.literal('evaluation'),
    id: z.string().regex(EVALUATION_ID_PATTERN),
    action: z.enum(EVALUATION_ACTIONS),
    /** The state before (null for the rating) and after. */
    from: z.enum(EVALUATION_STATES).nullable(),
    state: z.enum(EVALUATION_STATES),
    /** The department rated (an evaluation is addressed to it for its whole life). */
    departmentId: Id,
    ...common,
  })
  .strict();

export const TicketEventDataSchema = z
  .object({
    kind: z.literal('ticket'),
    id: z.string().regex(TICKET_ID_PATTERN),
    ticketKind: z.enum(TICKET_KINDS),
    action: z.enum(TICKET_ACTIONS),
    from: z.enum(TICKET_STATES).nullable(),
    state: z.enum(TICKET_STATES),
    /** The department it is addressed to after the step (absent while nobody has been assigned it). */
    departmentId: Id.optional(),
    /** The department it was addressed to before, when the step passed it on (a transfer, a reassignment): so it learns it left. */
    fromDepartmentId: Id.optional(),
    ...common,
  })
  .strict();

export const FeedbackEventDataSchema = z.discriminatedUnion('kind', [EvaluationEventDataSchema, TicketEventDataSchema]);
export type EvaluationEventData = z.infer<typeof EvaluationEventDataSchema>;
export type TicketEventData = z.infer<typeof TicketEventDataSchema>;
export type FeedbackEventData = z.infer<typeof FeedbackEventDataSchema>;

const envelope = {
  specversion: z.literal('1.0'),
  /** `<id>.<version>`: unique per record and version, the same however often it is delivered. */
  id: z.string().min(3).max(80),
  /** Instant of the entry (RFC 3339). */
  time: z.string().datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
};

export const EvaluationEventSchema = z
  .object({
    ...envelope,
    source: z.literal(FEEDBACK_EVENT_SOURCE.evaluation),
    type: z.string().startsWith(FEEDBACK_EVENT_TYPE_PREFIX.evaluation).max(80),
    /** The evaluation's id. */
    subject: z.string().regex(EVALUATION_ID_PATTERN),
    data: EvaluationEventDataSchema,
  })
  .strict();

export const TicketEventSchema = z
  .object({
    ...envelope,
    source: z.literal(FEEDBACK_EVENT_SOURCE.ticket),
    type: z.string().startsWith(FEEDBACK_EVENT_TYPE_PREFIX.ticket).max(80),
    /** The ticket's id. */
    subject: z.string().regex(TICKET_ID_PATTERN),
    data: TicketEventDataSchema,
  })
  .strict();

export const FeedbackEventSchema = z.discriminatedUnion('source', [EvaluationEventSchema, TicketEventSchema]);
export type EvaluationEvent = z.infer<typeof EvaluationEventSchema>;
export type TicketEvent = z.infer<typeof TicketEventSchema>;
export type FeedbackEvent = z.infer<typeof FeedbackEventSchema>;

/** The id of entry `version`'s event of an evaluation or a ticket. */
export function feedbackEventId(id: string, version: number): string {
  return `${id}.${version}`;
}
