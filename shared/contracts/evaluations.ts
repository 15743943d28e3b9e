// 好差评 (004 §23; 国办发〔2019〕51号) on the wire: an applicant, through the channel of their case,
// rates the case once it has ended (一事一评), or the service given at a hall window (一次一评) — one
// of five levels, optional dimensions, a comment, and whether they give their name. A bad review
// (不满意, 非常不满意) is owed a rectification by the department: verified, rectified or explained,
// followed up with a named applicant (回访), answered within N working days; the applicant may rate
// the answer once. The department may appeal a review it holds mistaken or malicious (申诉复核); the
// platform upholds the appeal (the review stops counting) or dismisses it. The lifecycle is the
// domain's (shared/domain/evaluations/evaluation-lifecycle.ts); here are its words and payloads.
import * as z from 'zod';
import { ActorSchema } from './directory.ts';
import { CASE_NO_PATTERN } from './case-vocabulary.ts';
import { ACTION_IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from './headers.ts';
import { isIsoDate } from './iso-date.ts';
import type { RouteSpec } from './route-spec.ts';
import { EVALUATION_LEVELS } from './evaluation-levels.ts';

// The levels live in their own module, which holds no schema: the statistics read them without
// building this module's schemas (zod builds each at load).
export { BAD_LEVELS, EVALUATION_LEVELS, EVALUATION_LEVEL_ZH } from './evaluation-levels.ts';
export type { EvaluationLevel } from './evaluation-levels.ts';

/** What an applicant may rate besides the level, each 1 (worst) to 5 (best). */
export const EVALUATION_DIMENSIONS = ['efficiency', 'attitude', 'guidance', 'result'] as const;
export type EvaluationDimension = (typeof EVALUATION_DIMENSIONS)[number];

export const EVALUATION_DIMENSION_ZH: Readonly<Record<EvaluationDimension, string>> = { efficiency: '办事效率', attitude: '服务态度', guidance: '办事指引', result: '办理结果' };

/**
 * recorded: a good review (final); rectifying: a bad review the department owes its answer to;
 * answered: the department answered, the applicant may rate the answer; closed: the answer was rated;
 * appealed: the department appealed, awaiting the platform's verdict; excluded: the appeal was upheld —
 * the review no longer counts.
 */
export const EVALUATION_STATES = ['recorded', 'rectifying', 'answered', 'closed', 'appealed', 'excluded'] as const;
export type EvaluationState = (typeof EVALUATION_STATES)[number];

export const EVALUATION_STATE_ZH: Readonly<Record<EvaluationState, string>> = {
  recorded: '已评价',
  rectifying: '整改中',
  answered: '已答复',
  closed: '已办结',
  appealed: '申诉中',
  excluded: '申诉成立（不计入）',
};

/** What a history entry of an evaluation records. */
export const EVALUATION_ACTIONS = ['rate', 'answer', 'rate-answer', 'appeal', 'uphold', 'dismiss'] as const;
export type EvaluationAction = (typeof EVALUATION_ACTIONS)[number];

/** How the department answers a bad review: it rectified what was wrong, or explains why nothing was. */
export const ANSWER_KINDS = ['rectified', 'explained'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** The rectification's working days unless the deployment sets RECTIFICATION_DAYS (004 §23: 3). */
export const DEFAULT_RECTIFICATION_DAYS = 3;
export const MAX_RECTIFICATION_DAYS = 30;
export const MAX_EVALUATION_PAGE_SIZE = 100;
export const MAX_COMMENT_LENGTH = 500;

/** An evaluation id: 32 lower-case hex digits drawn from the case, or from the window channel and visit. */
export const EVALUATION_ID_PATTERN = /^[0-9a-f]{32}$/;
/** A window visit's number (the hall's queue ticket or visit id). */
export const VISIT_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;

const isoDate = () => z.string().refine(isIsoDate, { message: 'not a real calendar date in YYYY-MM-DD form' });
const text = (max: number) => z.string().trim().min(1).max(max);
const actorSchema = ActorSchema;
const reasonsSchema = z.array(text(500)).min(1).max(5);

export const DimensionsSchema = z
  .object(Object.fromEntries(EVALUATION_DIMENSIONS.map((d) => [d, z.int().min(1).max(5).optional()])) as Record<EvaluationDimension, z.ZodOptional<z.ZodInt>>)
  .strict()
  .meta({ id: 'EvaluationDimensions', description: 'each 1 (worst) to 5 (best): efficiency 办事效率, attitude 服务态度, guidance 办事指引, result 办理结果' });

/** How a named applicant is reached for the follow-up (回访): kept only on a named bad review, shown only to whom it concerns. */
export const EvaluationContactSchema = z.object({ name: text(100), phone: z.string().regex(/^\+?[0-9-]{5,20}$/) }).strict();

export const EvaluationSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), caseNo: z.string(), itemName: z.string() }),
  z.object({ kind: z.literal('window'), visit: z.string() }),
]);

export const EvaluationSchema = z
  .object({
    id: z.string(),
    subject: EvaluationSubjectSchema,
    channelId: z.string().meta({ description: 'the channel the applicant rated through (the case filed through; the hall window)' }),
    departmentId: z.string().meta({ description: "the department rated: the case's, or the window's" }),
    itemCode: z.string().optional(),
    level: z.enum(EVALUATION_LEVELS),
    dimensions: DimensionsSchema.optional(),
    comment: z.string().optional(),
    named: z.boolean().meta({ description: 'the applicant gave their name: a bad review is then followed up with them (回访)' }),
    contact: EvaluationContactSchema.optional().meta({
      description: 'a named bad review: whom to follow up with; shown to the department owing the answer, the channel and the platform role only, never in lists',
    }),
    ratedAt: z.string(),
    ratedOn: z.string().meta({ description: 'the China day rated' }),
    state: z.enum(EVALUATION_STATES),
    rectificationDays: z.int().optional().meta({ description: 'a bad review: the working days the department had, as set when rated' }),
    dueOn: z.string().optional().meta({ description: 'a bad review: the last working day to answer' }),
    dueProvisional: z.literal(true).optional().meta({ description: 'dueOn was counted across a year whose holidays are not loaded: it makes nobody late' }),
    answer: z
      .object({
        verification: z.string(),
        kind: z.enum(ANSWER_KINDS),
        text: z.string(),
        followUp: z.object({ on: z.string(), by: z.string(), outcome: z.string() }).optional(),
        by: actorSchema,
        on: z.string(),
        at: z.string(),
      })
      .optional(),
    rectifiedOnTime: z.boolean().optional().meta({ description: 'answered: on or before the due day (a provisional due day: on time)' }),
    answerRating: z.object({ level: z.enum(EVALUATION_LEVELS), comment: z.string().optional(), by: actorSchema, on: z.string(), at: z.string() }).optional(),
    appeal: z.object({ reasons: z.array(z.string()), from: z.enum(EVALUATION_STATES), by: actorSchema, on: z.string(), at: z.string() }).optional(),
    verdict: z.object({ decision: z.enum(['uphold', 'dismiss']), reasons: z.array(z.string()), by: actorSchema, on: z.string(), at: z.string() }).optional(),
    excluded: z.boolean().meta({ description: 'an appeal against it was upheld: it no longer counts in the statistics' }),
    requestDigest: z.string().optional().meta({ description: 'digest of the Idempotency-Key and body it was rated with, when a key was sent' }),
    version: z.int(),
    updatedAt: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'Evaluation' });

export const EvaluationHistoryEntrySchema = z
  .object({
    evaluationId: z.string(),
    n: z.int(),
    type: z.enum(EVALUATION_ACTIONS),
    actor: actorSchema,
    at: z.string(),
    on: z.string(),
    from: z.enum(EVALUATION_STATES).nullable(),
    to: z.enum(EVALUATION_STATES),
    payloadDigest: z.string(),
    stateDigest: z.string(),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'EvaluationHistoryEntry' });

/** An evaluation as answered: whether it is late today (a bad review unanswered past its due day, the day not provisional). */
export const EvaluationEntrySchema = EvaluationSchema.extend({ late: z.boolean() }).meta({ id: 'EvaluationEntry' });

export const EvaluationViewSchema = z
  .object({
    evaluation: EvaluationEntrySchema,
    history: z.array(EvaluationHistoryEntrySchema),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), n: z.int(), reason: z.string() })]),
  })
  .meta({ id: 'EvaluationView' });

export const EvaluationListSchema = z
  .object({ evaluations: z.array(EvaluationEntrySchema), nextCursor: z.string().optional() })
  .meta({ id: 'EvaluationList', description: 'lists never carry a contact' });

export const EvaluationIdParamsSchema = z.object({ id: z.string().regex(EVALUATION_ID_PATTERN) }).strict();
export const EvaluationCaseParamsSchema = z.object({ caseNo: z.string().regex(CASE_NO_PATTERN) }).strict();

export const EvaluationListQuerySchema = z
  .object({
    department: z.string().min(1).max(64).optional().meta({ description: 'the department rated (a department: its own only)' }),
    state: z.enum(EVALUATION_STATES).optional(),
    from: isoDate().optional().meta({ description: 'rated on or after (China date)' }),
    to: isoDate().optional().meta({ description: 'rated on or before (China date)' }),
    case: z.string().regex(CASE_NO_PATTERN).optional().meta({ description: "the case's evaluation (at most one)" }),
    limit: z.coerce.number().int().min(1).max(MAX_EVALUATION_PAGE_SIZE).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['to'], message: 'to is before from' });
export type EvaluationListQuery = z.output<typeof EvaluationListQuerySchema>;

const ratingShape = {
  level: z.enum(EVALUATION_LEVELS).meta({ description: '非常满意 very-satisfied, 满意 satisfied, 基本满意 basic, 不满意 dissatisfied, 非常不满意 very-dissatisfied' }),
  dimensions: DimensionsSchema.optional(),
  comment: text(MAX_COMMENT_LENGTH).optional(),
  named: z.boolean().default(false).meta({ description: "the applicant gives their name: a bad review is followed up with them (回访), reached by the case's applicant contact" }),
};

export const CaseEvaluationRequestSchema = z.object(ratingShape).strict().meta({ id: 'CaseEvaluationRequest' });

export const WindowEvaluationRequestSchema = z
  .object({
    ...ratingShape,
    window: z
      .object({
        visit: z.string().regex(VISIT_PATTERN).meta({ description: "the visit's number at the window (one review per visit: 一次一评)" }),
        departmentId: z.string().min(1).max(64),
        itemCode: z.string().min(1).max(64).optional(),
      })
      .strict(),
    contact: EvaluationContactSchema.optional().meta({ description: 'named: how to reach the applicant for the follow-up (a window has no case to take it from)' }),
  })
  .strict()
  .meta({ id: 'WindowEvaluationRequest' });

export const EvaluationAnswerRequestSchema = z
  .object({
    verification: text(2000).meta({ description: 'what the department verified (核实)' }),
    kind: z.enum(ANSWER_KINDS),
    text: text(2000).meta({ description: 'what was rectified and how, or the explanation' }),
    followUp: z
      .object({ on: isoDate(), by: text(100), outcome: text(1000) })
      .strict()
      .optional()
      .meta({ description: '回访: required when the applicant gave their name — when, by whom, with what outcome' }),
  })
  .strict()
  .meta({ id: 'EvaluationAnswerRequest' });

export const EvaluationRatingRequestSchema = z
  .object({ level: z.enum(EVALUATION_LEVELS), comment: text(MAX_COMMENT_LENGTH).optional() })
  .strict()
  .meta({ id: 'EvaluationRatingRequest' });

export const EvaluationAppealRequestSchema = z.object({ reasons: reasonsSchema }).strict().meta({ id: 'EvaluationAppealRequest' });

export const EvaluationVerdictRequestSchema = z
  .object({ decision: z.enum(['uphold', 'dismiss']), reasons: reasonsSchema })
  .strict()
  .meta({ id: 'EvaluationVerdictRequest' });

export type Evaluation = z.output<typeof EvaluationSchema>;
export type EvaluationHistoryEntry = z.output<typeof EvaluationHistoryEntrySchema>;
export type EvaluationEntry = z.output<typeof EvaluationEntrySchema>;
export type EvaluationView = z.output<typeof EvaluationViewSchema>;
export type EvaluationContact = z.output<typeof EvaluationContactSchema>;
export type CaseEvaluationRequest = z.output<typeof CaseEvaluationRequestSchema>;
export type WindowEvaluationRequest = z.output<typeof WindowEvaluationRequestSchema>;
export type EvaluationAnswerRequest = z.output<typeof EvaluationAnswerRequestSchema>;

const ACT_ERRORS = ['EVALUATION_NOT_FOUND', 'EVALUATION_FORBIDDEN', 'EVALUATION_STATE_CONFLICT', 'EVALUATION_VERSION_CONFLICT'] as const;
const RATE_ERRORS = ['EVALUATION_EXISTS', 'EVALUATION_VERSION_CONFLICT', 'IDEMPOTENCY_KEY_INVALID', 'IDEMPOTENCY_KEY_UNSIGNED'] as const;

/** The 好差评 routes (served by the `evaluations` function), listed in the route table (routes.ts). */
export const EVALUATION_ROUTES = [
  {
    operationId: 'evaluateCase',
    method: 'POST',
    path: '/v1/cases/{caseNo}/evaluation',
    function: 'evaluations',
    auth: 'iam',
    roles: ['channel'],
    summary:
      "The applicant rates an ended case (refused, decided or withdrawn) once, through the channel that filed it (一事一评): a bad review (不满意, 非常不满意) opens a rectification for the case's department, due in 3 working days unless the deployment sets otherwise. The same request again with the same Idempotency-Key answers the evaluation as it stands",
    params: EvaluationCaseParamsSchema,
    headers: [ACTION_IDEMPOTENCY_KEY_HEADER],
    body: CaseEvaluationRequestSchema,
    response: EvaluationEntrySchema,
    responseHeaders: [IDEMPOTENT_REPLAYED_HEADER],
    successStatus: 201,
    errors: [...RATE_ERRORS, 'CASE_NOT_FOUND', 'CASE_HISTORY_BROKEN', 'EVALUATION_FORBIDDEN', 'EVALUATION_CASE_NOT_ENDED'],
  },
  {
    operationId: 'evaluateWindow',
    method: 'POST',
    path: '/v1/evaluations',
    function: 'evaluations',
    auth: 'iam',
    roles: ['channel'],
    summary: 'A hall window rates the service given at it, once per visit (一次一评): as for a case, a bad review opens a rectification for the department named',
    headers: [ACTION_IDEMPOTENCY_KEY_HEADER],
    body: WindowEvaluationRequestSchema,
    response: EvaluationEntrySchema,
    responseHeaders: [IDEMPOTENT_REPLAYED_HEADER],
    successStatus: 201,
    errors: [...RATE_ERRORS, 'EVALUATION_NOT_WINDOW', 'EVALUATION_DEPARTMENT_UNKNOWN', 'EVALUATION_CONTACT_REQUIRED'],
  },
  {
    operationId: 'listEvaluations',
    method: 'GET',
    path: '/v1/evaluations',
    function: 'evaluations',
    auth: 'iam',
    roles: ['platform', 'department', 'channel', 'auditor'],
    summary:
      'Evaluations, newest first, without contacts: a channel those rated through it, a department those of it; the platform role and auditors by department, state or case; any of them by period rated (from, to)',
    query: EvaluationListQuerySchema,
    response: EvaluationListSchema,
    errors: ['INVALID_CURSOR', 'EVALUATION_FORBIDDEN', 'EVALUATION_FILTER_REQUIRED'],
  },
  {
    operationId: 'getEvaluation',
    method: 'GET',
    path: '/v1/evaluations/{id}',
    function: 'evaluations',
    auth: 'iam',
    roles: ['platform', 'department', 'channel', 'auditor'],
    summary:
      "An evaluation with its whole history and the history's chain check: for the channel rated through, the department rated, the platform role and auditors (the contact of a named bad review: not for auditors)",
    params: EvaluationIdParamsSchema,
    response: EvaluationViewSchema,
    errors: ['EVALUATION_NOT_FOUND', 'EVALUATION_FORBIDDEN'],
  },
  {
    operationId: 'answerEvaluation',
    method: 'POST',
    path: '/v1/evaluations/{id}/answer',
    function: 'evaluations',
    auth: 'iam',
    roles: ['department'],
    summary: 'The department answers a bad review: what it verified, whether it rectified or explains, and with a named applicant its follow-up (回访)',
    params: EvaluationIdParamsSchema,
    body: EvaluationAnswerRequestSchema,
    response: EvaluationEntrySchema,
    errors: [...ACT_ERRORS, 'EVALUATION_FOLLOW_UP_REQUIRED', 'EVALUATION_FOLLOW_UP_DATE'],
  },
  {
    operationId: 'rateEvaluationAnswer',
    method: 'POST',
    path: '/v1/evaluations/{id}/rating',
    function: 'evaluations',
    auth: 'iam',
    roles: ['channel'],
    summary: "The applicant rates the department's answer, once, through the channel that rated: the evaluation is closed",
    params: EvaluationIdParamsSchema,
    body: EvaluationRatingRequestSchema,
    response: EvaluationEntrySchema,
    errors: [...ACT_ERRORS],
  },
  {
    operationId: 'appealEvaluation',
    method: 'POST',
    path: '/v1/evaluations/{id}/appeal',
    function: 'evaluations',
    auth: 'iam',
    roles: ['department'],
    summary: 'The department rated appeals a bad review it holds mistaken or malicious (申诉, once), with its reasons: the platform role upholds or dismisses it',
    params: EvaluationIdParamsSchema,
    body: EvaluationAppealRequestSchema,
    response: EvaluationEntrySchema,
    errors: [...ACT_ERRORS, 'EVALUATION_APPEALED_BEFORE'],
  },
  {
    operationId: 'decideEvaluationAppeal',
    method: 'POST',
    path: '/v1/evaluations/{id}/verdict',
    function: 'evaluations',
    auth: 'iam',
    roles: ['platform'],
    summary:
      'The platform role decides an appeal (复核) with its reasons: upheld, the review stops counting (excluded); dismissed, it is back where it was appealed from, its due day unchanged',
    params: EvaluationIdParamsSchema,
    body: EvaluationVerdictRequestSchema,
    response: EvaluationEntrySchema,
    errors: [...ACT_ERRORS],
  },
] as const satisfies readonly RouteSpec<'evaluations'>[];
