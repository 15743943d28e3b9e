// Electronic supervision's findings (监察预警, 002 §27) as the API carries them: what a rule found on a
// case or a service item, the department that must answer it and by when (working days), its answers
// and the platform's verdicts, and its own hash-chained history. The lifecycle is the domain's
// (shared/domain/supervision/finding-lifecycle.ts); here are its words and the payloads.
import * as z from 'zod';
import { ActorSchema } from './directory.ts';
import { CASE_NO_PATTERN, PERSON_CASE_ACTIONS } from './case-vocabulary.ts';
import { isIsoDate } from './iso-date.ts';
import { RULE_IDS, RULE_KINDS, SEVERITIES } from './supervision-rules.ts';

/**
 * open: raised, awaiting the department's answer; answered: the department explained or rectified,
 * awaiting the platform; returned: the platform sent the answer back (due again); escalated: a red
 * finding not answered in time (督办: still answerable); closed: the platform accepted the answer.
 */
export const FINDING_STATES = ['open', 'answered', 'returned', 'escalated', 'closed'] as const;
export type FindingState = (typeof FINDING_STATES)[number];

export const FINDING_STATE_ZH: Readonly<Record<FindingState, string>> = {
  open: '待答复',
  answered: '已答复',
  returned: '已退回',
  escalated: '已督办',
  closed: '已办结',
};

/** How a department answers: it explains why the finding is no fault, or says how it rectified it. */
export const FINDING_RESPONSE_KINDS = ['explain', 'rectify'] as const;
export type FindingResponseKind = (typeof FINDING_RESPONSE_KINDS)[number];

/** What a history entry of a finding records. */
export const FINDING_ACTIONS = ['raise', 'respond', 'close', 'return', 'escalate'] as const;
export type FindingAction = (typeof FINDING_ACTIONS)[number];

/** Answers (and returns) a finding can have: the platform closes it before the rounds run out. */
export const MAX_FINDING_ROUNDS = 10;
export const MAX_FINDING_PAGE_SIZE = 100;
/** The findings a case's view shows (the newest first; the list route has them all). */
export const MAX_CASE_FINDINGS_SHOWN = 20;

/** A finding id: 32 lower-case hex digits, drawn from its rule, subject and occurrence (finding.ts). */
export const FINDING_ID_PATTERN = /^[0-9a-f]{32}$/;

const isoDate = () => z.string().refine(isIsoDate, { message: 'not a real calendar date in YYYY-MM-DD form' });
const text = (max: number) => z.string().trim().min(1).max(max);

export const FindingSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), caseNo: z.string() }),
  z.object({ kind: z.literal('item'), code: z.string() }),
  z.object({ kind: z.literal('evaluation'), id: z.string() }),
  z.object({ kind: z.literal('ticket'), id: z.string() }),
]);

const actorSchema = ActorSchema;

export const FindingSchema = z
  .object({
    id: z.string(),
    rule: z.enum(RULE_IDS),
    kind: z.enum(RULE_KINDS),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    basis: z.string(),
    answerDays: z.int().meta({ description: 'working days the department has to answer, from the rule as it was when raised' }),
    rulesVersion: z.int().meta({ description: 'the rule catalogue version that raised it (0: the shipped one)' }),
    subject: FindingSubjectSchema,
    occurrence: z.string(),
    departmentId: z.string().optional().meta({ description: "the department that must answer; absent: the platform's own reviewers" }),
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    raisedOn: z.string(),
    dueOn: z.string().meta({ description: 'the last working day to answer' }),
    dueProvisional: z.literal(true).optional().meta({ description: 'dueOn was counted across a year whose holidays are not loaded: it makes nobody late' }),
    state: z.enum(FINDING_STATES),
    escalatedOn: z.string().optional(),
    responses: z.array(z.object({ kind: z.enum(FINDING_RESPONSE_KINDS), text: z.string(), by: actorSchema, on: z.string(), at: z.string() })),
    returns: z.array(z.object({ reasons: z.array(z.string()), by: actorSchema, on: z.string(), at: z.string() })),
    closure: z.object({ note: z.string().optional(), by: actorSchema, on: z.string(), at: z.string() }).optional(),
    version: z.int(),
    updatedAt: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'Finding' });

export const FindingHistoryEntrySchema = z
  .object({
    findingId: z.string(),
    n: z.int(),
    type: z.enum(FINDING_ACTIONS),
    actor: actorSchema,
    at: z.string(),
    on: z.string(),
    from: z.enum(FINDING_STATES).nullable(),
    to: z.enum(FINDING_STATES),
    payloadDigest: z.string(),
    stateDigest: z.string(),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'FindingHistoryEntry' });

/** A finding as listed: the record and whether it is late (past due, unanswered, the due date not provisional). */
export const FindingListEntrySchema = FindingSchema.extend({ late: z.boolean() }).meta({ id: 'FindingListEntry' });

export const FindingViewSchema = z
  .object({
    finding: FindingListEntrySchema,
    history: z.array(FindingHistoryEntrySchema),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), n: z.int(), reason: z.string() })]),
  })
  .meta({ id: 'FindingView' });

export const FindingListSchema = z.object({ findings: z.array(FindingListEntrySchema), nextCursor: z.string().optional() }).meta({ id: 'FindingList' });

/** What a case's view shows of each of its findings. */
export const CaseFindingSummarySchema = z
  .object({ id: z.string(), rule: z.enum(RULE_IDS), severity: z.enum(SEVERITIES), state: z.enum(FINDING_STATES), raisedOn: z.string(), dueOn: z.string() })
  .meta({ id: 'CaseFindingSummary' });

/** A case as the department sees it: its state, and the newest supervision findings raised on it. */
export function caseViewSchema<S extends z.ZodObject>(state: S) {
  return state
    .extend({
      actions: z.array(z.enum(PERSON_CASE_ACTIONS)).max(PERSON_CASE_ACTIONS.length).meta({
        description:
          'the actions the caller may take on the case now, by who may take each and from which statuses (and a pause to resume, an open joint task to answer…); the action itself still decides',
      }),
      supervisionFindings: z
        .array(CaseFindingSummarySchema)
        .max(MAX_CASE_FINDINGS_SHOWN)
        .optional()
        .meta({ description: `departments only: the newest ${MAX_CASE_FINDINGS_SHOWN} supervision findings on the case (GET /v1/supervision/findings?case= lists them all)` }),
    })
    .meta({ id: 'CaseView' });
}

export const FindingIdParamsSchema = z.object({ id: z.string().regex(FINDING_ID_PATTERN) }).strict();

export const FindingListQuerySchema = z
  .object({
    department: z.string().min(1).max(64).optional().meta({ description: "the department that must answer (`platform`: the platform's reviewers)" }),
    rule: z.enum(RULE_IDS).optional(),
    state: z.enum(FINDING_STATES).optional(),
    from: isoDate().optional().meta({ description: 'raised on or after (China date)' }),
    to: isoDate().optional().meta({ description: 'raised on or before (China date)' }),
    case: z.string().regex(CASE_NO_PATTERN).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_FINDING_PAGE_SIZE).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['to'], message: 'to is before from' });
export type FindingListQuery = z.output<typeof FindingListQuerySchema>;

export const FindingResponseRequestSchema = z
  .object({ kind: z.enum(FINDING_RESPONSE_KINDS), text: text(2000).meta({ description: 'the explanation, or what was rectified and how' }) })
  .strict()
  .meta({ id: 'FindingResponseRequest' });

export const FindingCloseRequestSchema = z
  .object({ note: text(1000).optional() })
  .strict()
  .meta({ id: 'FindingCloseRequest' });

export const FindingReturnRequestSchema = z
  .object({ reasons: z.array(text(500)).min(1).max(5) })
  .strict()
  .meta({ id: 'FindingReturnRequest' });

export type Finding = z.output<typeof FindingSchema>;
export type FindingHistoryEntry = z.output<typeof FindingHistoryEntrySchema>;
export type FindingListEntry = z.output<typeof FindingListEntrySchema>;
export type FindingView = z.output<typeof FindingViewSchema>;
export type CaseFindingSummary = z.output<typeof CaseFindingSummarySchema>;
