// Consultations, complaints and data-correction requests (咨询投诉, 003 (六)5, 002 §6; 更正, 000 §30) as
// the API carries them: what a channel files for a person, the department it is passed to (转办, or
// routed by rule from the item or case it is about) and by when (working days per kind), the answer and
// the person's rating of it, and the ticket's own hash-chained history. The lifecycle is the domain's
// (shared/domain/tickets/ticket-lifecycle.ts); here are its words and the payloads.
import * as z from 'zod';
import { ActorSchema } from './directory.ts';
import type { EvaluationLevel } from './evaluations.ts';
import { EVALUATION_LEVEL_ZH, EVALUATION_LEVELS } from './evaluations.ts';
import { ApplicantSchema } from './case-parts.ts';
import type { HeaderSpec } from './headers.ts';
import { IDEMPOTENCY_KEY_HEADER } from './headers.ts';
import type { RouteSpec } from './route-spec.ts';
import { IDEMPOTENCY_KEY_ERRORS } from './route-spec.ts';
import { CASE_NO_PATTERN, TICKET_ID_PATTERN } from './case-vocabulary.ts';
import { isIsoDate } from './iso-date.ts';
import { CreditCodeSchema, ImplementationCodeSchema } from './service-item.ts';

export const TICKET_KINDS = ['consultation', 'complaint', 'correction'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const TICKET_KIND_ZH: Readonly<Record<TicketKind, string>> = { consultation: '咨询', complaint: '投诉', correction: '更正申请' };

/**
 * received: filed, not yet passed to a department (the platform role assigns it: 转办); assigned: a
 * department owes the answer by `dueOn`; answered: the department answered, the channel may rate it;
 * closed: rated.
 */
export const TICKET_STATES = ['received', 'assigned', 'answered', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const TICKET_STATE_ZH: Readonly<Record<TicketState, string>> = { received: '待转办', assigned: '办理中', answered: '已答复', closed: '已办结' };

/** What a history entry of a ticket records. */
export const TICKET_ACTIONS = ['file', 'assign', 'transfer', 'answer', 'rate'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/**
 * An answer's outcome: a complaint's finding (属实, 部分属实, 不属实; optional), a correction's result
 * (corrected | refused; required). A consultation's answer has none.
 */
export const TICKET_OUTCOMES = ['substantiated', 'partly-substantiated', 'unsubstantiated', 'corrected', 'refused'] as const;
export type TicketOutcome = (typeof TICKET_OUTCOMES)[number];
export const COMPLAINT_OUTCOMES = ['substantiated', 'partly-substantiated', 'unsubstantiated'] as const satisfies readonly TicketOutcome[];
export const CORRECTION_OUTCOMES = ['corrected', 'refused'] as const satisfies readonly TicketOutcome[];

export const TICKET_OUTCOME_ZH: Readonly<Record<TicketOutcome, string>> = {
  substantiated: '属实',
  'partly-substantiated': '部分属实',
  unsubstantiated: '不属实',
  corrected: '已更正',
  refused: '不予更正',
};

/** How the person rates the answer: the five levels of 好差评 (国办发〔2019〕51号), as evaluations rate. */
export const TICKET_RATING_LEVELS = EVALUATION_LEVELS;
export type TicketRatingLevel = EvaluationLevel;
export const TICKET_RATING_LEVEL_ZH = EVALUATION_LEVEL_ZH;

/** What a correction request is about: a licence's field, a case record's field, other data the department holds. */
export const CORRECTION_TARGETS = ['licence', 'case', 'other'] as const;
export type CorrectionTarget = (typeof CORRECTION_TARGETS)[number];

/** Working days a department has to answer, by kind, unless the deployment sets otherwise (CONSULTATION_DAYS, COMPLAINT_DAYS, CORRECTION_DAYS). */
export const DEFAULT_TICKET_ANSWER_DAYS: Readonly<Record<TicketKind, number>> = { consultation: 5, complaint: 10, correction: 15 };
/** The most working days a setting may give. */
export const MAX_TICKET_ANSWER_DAYS = 60;

/** Times a ticket is passed to a department (the first routing, assignments, transfers): then it must be answered. */
export const MAX_TICKET_ROUTINGS = 10;
/** Licence versions or case corrections an answer to a correction may name. */
export const MAX_TICKET_CORRECTIONS = 10;
export const MAX_TICKET_PAGE_SIZE = 100;

/** A ticket id: 32 lower-case hex digits, drawn from the channel and its Idempotency-Key (ticket.ts). */
export { TICKET_ID_PATTERN };

const isoDate = () => z.string().refine(isIsoDate, { message: 'not a real calendar date in YYYY-MM-DD form' });
const text = (max: number) => z.string().trim().min(1).max(max);
const actorSchema = ActorSchema;

/** What a ticket is about: an item (routed to its implementing department), a case the channel filed (its department), or a department. */
export const TicketAboutSchema = z
  .union([
    z.object({ item: ImplementationCodeSchema }).strict(),
    z.object({ case: z.string().regex(CASE_NO_PATTERN) }).strict(),
    z.object({ department: CreditCodeSchema }).strict(),
  ])
  .meta({ id: 'TicketAbout', description: 'one of item, case (one the channel filed) or department; absent: the platform role passes it on (转办)' });

export const CorrectionRequestSchema = z
  .object({
    target: z.enum(CORRECTION_TARGETS),
    licenceId: z.string().min(1).max(200).optional().meta({ description: 'target licence: the licence (one of the person’s own)' }),
    caseNo: z.string().regex(CASE_NO_PATTERN).optional().meta({ description: 'target case: the case (one the channel filed)' }),
    field: text(100).meta({ description: 'the data that is wrong (a licence data field, holderName, applicant.name…)' }),
    wrongValue: text(500).optional(),
    rightValue: text(500).optional().meta({ description: 'required unless the request reports a privacy breach' }),
    privacyBreach: z.boolean().optional().meta({ description: 'the person reports their data disclosed or used beyond its purpose' }),
  })
  .strict()
  .meta({ id: 'CorrectionRequest' });

export const FileTicketRequestSchema = z
  .object({
    kind: z.enum(TICKET_KINDS),
    about: TicketAboutSchema.optional(),
    person: ApplicantSchema.meta({ description: 'who asks: kept in the ticket, shown only to the channel that filed it, the department it is addressed to and the platform role' }),
    subject: text(100),
    text: text(2000),
    correction: CorrectionRequestSchema.optional().meta({ description: 'required for a correction, and only for one' }),
  })
  .strict()
  .meta({ id: 'FileTicketRequest' });
export type FileTicketRequest = z.output<typeof FileTicketRequestSchema>;

const routingSchema = z.object({
  departmentId: z.string(),
  how: z.enum(['rule', 'assign', 'transfer']).meta({ description: 'rule: from what the ticket is about; assign: the platform role (转办); transfer: the department passed it on' }),
  note: z.string().optional(),
  by: actorSchema,
  on: z.string(),
  at: z.string(),
});

/** A licence version an amendment made for the ticket (000 §30: the licence's `amend`). */
export const LicenceCorrectionSchema = z
  .object({ licenceId: z.string().min(1).max(200), version: z.int().min(2).max(1_000_000) })
  .strict()
  .meta({ id: 'LicenceCorrection', description: 'a licence version its amendment made for this ticket' });
/** A case record's correction made for the ticket: the case's history entry of its `correct` action (its version after it). */
export const CaseRecordCorrectionSchema = z
  .object({ caseNo: z.string().regex(CASE_NO_PATTERN), version: z.int().min(2).max(1_000_000) })
  .strict()
  .meta({ id: 'CaseRecordCorrection', description: "a case's version made by its `correct` action for this ticket (the history entry that names the ticket)" });
export const TicketCorrectionSchema = z.union([LicenceCorrectionSchema, CaseRecordCorrectionSchema]);
export type TicketCorrection = z.output<typeof TicketCorrectionSchema>;

export const TicketAnswerSchema = z.object({
  text: z.string(),
  outcome: z.enum(TICKET_OUTCOMES).optional(),
  reasons: z.array(z.string()).optional(),
  corrections: z.array(TicketCorrectionSchema).optional(),
  by: actorSchema,
  departmentId: z.string(),
  on: z.string(),
  at: z.string(),
  onTime: z.boolean().meta({ description: 'answered on or before the due day (a provisional due day counts as met)' }),
});

export const TicketSchema = z
  .object({
    id: z.string(),
    kind: z.enum(TICKET_KINDS),
    channelId: z.string(),
    about: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('item'), code: z.string() }),
        z.object({ kind: z.literal('case'), caseNo: z.string() }),
        z.object({ kind: z.literal('department'), departmentId: z.string() }),
      ])
      .optional(),
    itemCode: z.string().optional().meta({ description: 'the item it concerns (named, or the item of the case named)' }),
    person: ApplicantSchema,
    subject: z.string(),
    text: z.string(),
    correction: CorrectionRequestSchema.optional(),
    receivedAt: z.string(),
    receivedOn: z.string(),
    state: z.enum(TICKET_STATES),
    departmentId: z.string().optional().meta({ description: 'the department that owes (or gave) the answer; absent while received' }),
    answerDays: z.int().meta({ description: 'working days the department has, from the setting of its kind when filed' }),
    dueOn: z.string().optional().meta({ description: 'the last working day to answer' }),
    dueProvisional: z.literal(true).optional().meta({ description: 'dueOn was counted across a year whose holidays are not loaded: it makes nobody late' }),
    round: z.int().meta({ description: 'how many times it has been due (each routing starts a round)' }),
    routing: z.array(routingSchema),
    answer: TicketAnswerSchema.optional(),
    rating: z.object({ level: z.enum(TICKET_RATING_LEVELS), comment: z.string().optional(), by: actorSchema, on: z.string(), at: z.string() }).optional(),
    requestDigest: z.string().meta({ description: 'SHA-256 of the filing request: a retry with the same Idempotency-Key must send the same (never shown)' }),
    version: z.int(),
    updatedAt: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'Ticket' });

export const TicketHistoryEntrySchema = z
  .object({
    ticketId: z.string(),
    n: z.int(),
    type: z.enum(TICKET_ACTIONS),
    actor: actorSchema,
    at: z.string(),
    on: z.string(),
    from: z.enum(TICKET_STATES).nullable(),
    to: z.enum(TICKET_STATES),
    payloadDigest: z.string(),
    stateDigest: z.string(),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'TicketHistoryEntry' });

/**
 * A ticket as read: the record and whether it is late (owed, past due, the due day not provisional). An
 * auditor reads it without the person and the values of a correction.
 */
export const TicketAsReadSchema = TicketSchema.omit({ requestDigest: true })
  .extend({
    person: ApplicantSchema.optional().meta({ description: 'absent from what an auditor reads' }),
    correction: CorrectionRequestSchema.optional().meta({ description: 'an auditor reads it without wrongValue and rightValue' }),
    late: z.boolean(),
  })
  .meta({ id: 'TicketAsRead' });

/** A ticket as lists show it: no person, no text, no correction values — what it is, where it is, by when. */
export const TicketSummarySchema = z
  .object({
    id: z.string(),
    kind: z.enum(TICKET_KINDS),
    channelId: z.string(),
    about: TicketSchema.shape.about,
    itemCode: z.string().optional(),
    subject: z.string(),
    receivedAt: z.string(),
    receivedOn: z.string(),
    state: z.enum(TICKET_STATES),
    departmentId: z.string().optional(),
    dueOn: z.string().optional(),
    dueProvisional: z.literal(true).optional(),
    round: z.int(),
    answeredOn: z.string().optional(),
    outcome: z.enum(TICKET_OUTCOMES).optional(),
    onTime: z.boolean().optional(),
    rating: z.enum(TICKET_RATING_LEVELS).optional(),
    version: z.int(),
    updatedAt: z.string(),
    late: z.boolean(),
  })
  .meta({ id: 'TicketSummary' });

export const TicketViewSchema = z
  .object({
    ticket: TicketAsReadSchema,
    history: z.array(TicketHistoryEntrySchema),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), n: z.int(), reason: z.string() })]),
  })
  .meta({ id: 'TicketView' });

export const TicketListSchema = z.object({ tickets: z.array(TicketSummarySchema), nextCursor: z.string().optional() }).meta({ id: 'TicketList' });

/** The answer to a filing (回执): what was received, when, where it went and by when it is answered. */
export const TicketReceiptSchema = z
  .object({
    id: z.string(),
    kind: z.enum(TICKET_KINDS),
    receivedAt: z.string(),
    state: z.enum(TICKET_STATES),
    departmentId: z.string().optional(),
    dueOn: z.string().optional(),
    dueProvisional: z.literal(true).optional(),
    replayed: z.boolean().meta({ description: 'true: this Idempotency-Key filed the ticket before (the same request): nothing was filed again' }),
  })
  .meta({ id: 'TicketReceipt' });

export const TicketIdParamsSchema = z.object({ id: z.string().regex(TICKET_ID_PATTERN) }).strict();

export const TicketListQuerySchema = z
  .object({
    kind: z.enum(TICKET_KINDS).optional(),
    state: z.enum(TICKET_STATES).optional(),
    department: CreditCodeSchema.optional().meta({ description: 'the department it is addressed to (platform role and auditors)' }),
    from: isoDate().optional().meta({ description: 'filed on or after (China date)' }),
    to: isoDate().optional().meta({ description: 'filed on or before (China date)' }),
    limit: z.coerce.number().int().min(1).max(MAX_TICKET_PAGE_SIZE).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['to'], message: 'to is before from' });
export type TicketListQuery = z.output<typeof TicketListQuerySchema>;

export const AssignTicketRequestSchema = z
  .object({ departmentId: CreditCodeSchema, note: text(500).optional() })
  .strict()
  .meta({ id: 'AssignTicketRequest' });

export const TransferTicketRequestSchema = z
  .object({ departmentId: CreditCodeSchema, reasons: text(500) })
  .strict()
  .meta({ id: 'TransferTicketRequest' });

export const AnswerTicketRequestSchema = z
  .object({
    text: text(4000),
    outcome: z
      .enum(TICKET_OUTCOMES)
      .optional()
      .meta({ description: 'a correction: corrected | refused (required); a complaint: substantiated | partly-substantiated | unsubstantiated (optional)' }),
    reasons: z.array(text(500)).min(1).max(5).optional().meta({ description: 'a correction refused: why (required then)' }),
    corrections: z.array(TicketCorrectionSchema).min(1).max(MAX_TICKET_CORRECTIONS).optional().meta({
      description:
        "a correction answered corrected: what was corrected for this ticket — a licence's request, the licence versions its amendment made; a case's, the case versions its `correct` actions made (each checked to name this ticket)",
    }),
  })
  .strict()
  .meta({ id: 'AnswerTicketRequest' });

export const RateTicketRequestSchema = z
  .object({ level: z.enum(TICKET_RATING_LEVELS), comment: text(500).optional() })
  .strict()
  .meta({ id: 'RateTicketRequest' });

export type Ticket = z.output<typeof TicketSchema>;
export type TicketHistoryEntry = z.output<typeof TicketHistoryEntrySchema>;
export type TicketAsRead = z.output<typeof TicketAsReadSchema>;
export type TicketSummary = z.output<typeof TicketSummarySchema>;
export type TicketView = z.output<typeof TicketViewSchema>;
export type TicketReceipt = z.output<typeof TicketReceiptSchema>;
export type TicketAbout = NonNullable<Ticket['about']>;
export type CorrectionRequest = z.output<typeof CorrectionRequestSchema>;
export type AnswerTicketRequest = z.output<typeof AnswerTicketRequestSchema>;

/** A filing's Idempotency-Key: required, one per ticket, the same on every retry (the ticket's id is drawn from it and the channel). */
export const TICKET_IDEMPOTENCY_KEY_HEADER = {
  ...IDEMPOTENCY_KEY_HEADER,
  description:
    'one unique value per ticket (1-128 printable ASCII, signed), the same on every retry: the same request again answers the receipt (`replayed: true`), another request is refused (409 IDEMPOTENCY_KEY_REUSED)',
  missing: {
    code: 'IDEMPOTENCY_KEY_REQUIRED',
    messageZh: '提交咨询、投诉或更正申请须带 Idempotency-Key 请求头（每件一个唯一值，重试时不变）',
    message: 'filing a ticket needs an Idempotency-Key header: one unique value per ticket, the same on every retry',
  },
} as const satisfies HeaderSpec;

const TICKET_ACTION_ERRORS = ['TICKET_NOT_FOUND', 'TICKET_FORBIDDEN', 'TICKET_STATE_CONFLICT', 'TICKET_VERSION_CONFLICT'] as const;
const TICKET_ROUTING_ERRORS = [...TICKET_ACTION_ERRORS, 'TICKET_ROUTINGS_EXHAUSTED', 'TICKET_TRANSFER_NOT_ALLOWED', 'TICKET_DEPARTMENT_UNKNOWN'] as const;

/** The routes of consultations, complaints and correction requests (served by the `tickets` function), listed in the route table (routes.ts). */
export const TICKET_ROUTES = [
  {
    operationId: 'fileTicket',
    method: 'POST',
    path: '/v1/tickets',
    function: 'tickets',
    auth: 'iam',
    roles: ['channel'],
    summary:
      'File a consultation, a complaint or a data-correction request for a person (咨询、投诉、更正申请): 201 with the receipt (回执). Routed at once to the department of the item or case (one the channel filed) or the department named, a correction about nothing named to the department holding the data; otherwise received for the platform role to pass on (转办). Due in working days per kind',
    headers: [TICKET_IDEMPOTENCY_KEY_HEADER],
    body: FileTicketRequestSchema,
    response: TicketReceiptSchema,
    successStatus: 201,
    errors: [
      ...IDEMPOTENCY_KEY_ERRORS,
      'TICKET_FORBIDDEN',
      'TICKET_ITEM_UNKNOWN',
      'TICKET_CASE_UNKNOWN',
      'TICKET_DEPARTMENT_UNKNOWN',
      'TICKET_LICENCE_UNKNOWN',
      'TICKET_CORRECTION_INVALID',
      'INVALID_RESIDENT_ID',
      'INVALID_CREDIT_CODE',
      'CASE_FIELD_REQUIRED',
      'CASE_PHONE_INVALID',
    ],
  },
  {
    operationId: 'listTickets',
    method: 'GET',
    path: '/v1/tickets',
    function: 'tickets',
    auth: 'iam',
    roles: ['channel', 'department', 'platform', 'auditor'],
    summary:
      'Consultations, complaints and correction requests, newest first, without the person: a channel what it filed, a department what is addressed to it, the platform role and auditors by department or state; kind, state and the days filed (from, to) narrow',
    query: TicketListQuerySchema,
    response: TicketListSchema,
    errors: ['INVALID_CURSOR', 'TICKET_FORBIDDEN', 'TICKET_FILTER_REQUIRED'],
  },
  {
    operationId: 'getTicket',
    method: 'GET',
    path: '/v1/tickets/{id}',
    function: 'tickets',
    auth: 'iam',
    roles: ['channel', 'department', 'platform', 'auditor'],
    summary:
      "A ticket with its whole history and the history's chain check: for the channel that filed it, the department it is addressed to, the platform role; auditors read it without the person and the correction's values",
    params: TicketIdParamsSchema,
    response: TicketViewSchema,
    errors: ['TICKET_NOT_FOUND', 'TICKET_FORBIDDEN'],
  },
  {
    operationId: 'assignTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/assign',
    function: 'tickets',
    auth: 'iam',
    roles: ['platform'],
    summary: "The platform role passes a ticket to the department responsible (转办), or reassigns an unanswered one: due again, the kind's working days from today",
    params: TicketIdParamsSchema,
    body: AssignTicketRequestSchema,
    response: TicketAsReadSchema,
    errors: TICKET_ROUTING_ERRORS,
  },
  {
    operationId: 'transferTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/transfer',
    function: 'tickets',
    auth: 'iam',
    roles: ['department'],
    summary: "The department holding a complaint or a correction request passes it on to another, with its reasons: due again, the kind's working days from today",
    params: TicketIdParamsSchema,
    body: TransferTicketRequestSchema,
    response: TicketAsReadSchema,
    errors: TICKET_ROUTING_ERRORS,
  },
  {
    operationId: 'answerTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/answer',
    function: 'tickets',
    auth: 'iam',
    roles: ['department'],
    summary:
      "The department holding the ticket answers it (on time or late, recorded): a complaint with its finding, a correction corrected (a licence's: the licence versions its amendment made for this ticket; a case record's: the case versions its `correct` actions made for it) or refused with reasons",
    params: TicketIdParamsSchema,
    body: AnswerTicketRequestSchema,
    response: TicketAsReadSchema,
    errors: [...TICKET_ACTION_ERRORS, 'TICKET_OUTCOME_INVALID', 'TICKET_CORRECTION_UNVERIFIED'],
  },
  {
    operationId: 'rateTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/rating',
    function: 'tickets',
    auth: 'iam',
    roles: ['channel'],
    summary: 'The channel that filed the ticket rates the answer once, for the person (five levels of 好差评): the ticket is closed',
    params: TicketIdParamsSchema,
    body: RateTicketRequestSchema,
    response: TicketAsReadSchema,
    errors: TICKET_ACTION_ERRORS,
  },
] as const satisfies readonly RouteSpec<'tickets'>[];
