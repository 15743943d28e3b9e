// Cases (办件) on the wire: requests and answers of the /v1/cases routes as zod schemas. They check
// shapes and sizes only; identifiers' checksums, phone numbers and the guide's material rules are the
// domain's (shared/domain/cases), which answers with specific error codes.
import * as z from 'zod';
import { ActorSchema } from './directory.ts';
import { FREE_FORM_LIMITS, checkFreeForm, checkKeys, freeFormRecord } from './free-form-json.ts';
import { CASE_NO_PATTERN, CASE_STATUSES, FINDING_KINDS, MAX_CASE_PAGE_SIZE, NOTICE_KINDS, SPECIAL_PROCEDURES, SUPERVISION_KINDS, TICKET_ID_PATTERN } from './case-vocabulary.ts';
import { FORM_FIELD_PREFIX, MAX_CORRECTION_FIELDS } from './case-vocabulary.ts';
import { ApplicantSchema, JsonValueSchema, SealSchema } from './case-parts.ts';

export { ApplicantSchema, JsonValueSchema, SealSchema };

const text = (max: number) => z.string().max(max);
export const UploadedMaterialSchema = z
  .object({
    kind: z.literal('upload'),
    objectKey: text(300).meta({ description: 'on filing: the key of an upload slot (uploads/…); on a case: the key it is kept under (cases/…)' }),
    sha256: text(64),
    size: z.int(),
    contentType: text(100),
  })
  .strict()
  .meta({ id: 'UploadedMaterial' });

export const LicenceReferenceSchema = z
  .object({
    kind: z.literal('licence'),
    licenceId: text(100).meta({ description: 'GB/T 36904 identifier of a valid e-licence of the applicant, of the type the guide accepts for this material (免提交)' }),
  })
  .strict()
  .meta({ id: 'LicenceReference' });

export const CaseMaterialSchema = z.union([UploadedMaterialSchema, LicenceReferenceSchema]).meta({ id: 'CaseMaterial' });

const MaterialsSchema = z
  .record(text(200), UploadedMaterialSchema)
  .refine((m) => Object.keys(m).length <= 100, 'at most 100 materials')
  .superRefine(checkKeys);
/** An applicant's materials: uploads, or for a material the guide marks replaceable, a licence reference. */
const ApplicationMaterialsSchema = z
  .record(text(200), CaseMaterialSchema)
  .refine((m) => Object.keys(m).length <= 100, 'at most 100 materials')
  .superRefine(checkKeys);

export const FilingRequestSchema = z
  .object({
    itemCode: text(40).meta({ description: 'implementation code of a published item that accepts applications' }),
    applicant: ApplicantSchema,
    form: freeFormRecord(JsonValueSchema, 200, FREE_FORM_LIMITS.formBytes).meta({ description: 'the application form, as the item defines it' }),
    materials: ApplicationMaterialsSchema.meta({
      description: "per material name of the guide: the uploaded file, or the applicant's e-licence where the guide accepts one (every required material unless 容缺-tolerable)",
    }),
  })
  .strict()
  .meta({ id: 'FilingRequest' });

const date = z.iso.date();
const baseVersion = z.int().min(1).optional().meta({ description: "when given, must be the case's newest version (optimistic concurrency)" });

/** A case's time-limit deadlines, each computed on its own; `flag` when one could not be computed at all. */
const DeadlinesSchema = z
  .object({
    promised: date.optional(),
    statutory: date.optional(),
    flag: z.literal('DEADLINE_CALENDAR_MISSING').optional().meta({ description: 'a deadline falls in a year whose statutory holidays are not known: not computed' }),
  })
  .meta({ id: 'Deadlines' });

/** The paths of the provisional dates of a case. */
const ProvisionalSchema = z.array(z.string()).optional().meta({
  description:
    'the dates counted across a year whose official holiday arrangement is not loaded yet, on its statutory holidays alone (preReviewDue, deemedAcceptedOn, deadlines.promised, deadlines.statutory, jointTasks.<department>.dueOn): provisional, never used to mark a case late, replaced when the year is loaded',
});

export const JointTaskSchema = z
  .object({
    departmentId: z.string(),
    dispatchedOn: date,
    dueOn: date.optional(),
    dueFlag: z.literal('DEADLINE_CALENDAR_MISSING').optional(),
    graceDays: z.int().optional().meta({ description: 'working days the opinion is still awaited after its due day (escalated)' }),
    graceUntil: date.optional().meta({ description: 'the last day it is awaited: from the next day it is recorded missing (or after the statutory deadline, if sooner)' }),
    status: z.enum(['pending', 'escalated', 'answered', 'missing']),
    escalatedOn: date.optional(),
    missingOn: date.optional(),
    opinion: z
      .object({
        outcome: z.enum(['agree', 'disagree']),
        reasons: z.array(z.string()),
        attachments: z.record(z.string(), CaseMaterialSchema),
        on: date,
        by: z.string(),
        officer: z.string().max(64).optional(),
      })
      .optional(),
  })
  .meta({ id: 'JointTask' });

export const SealedDocumentSchema = z
  .object({
    document: z.string().meta({ description: 'the sealed document: canonical JSON (RFC 8785); its UTF-8 bytes are what the seal covers' }),
    seal: SealSchema,
  })
  .meta({ id: 'SealedDocument' });

export const CaseResultsSchema = z
  .object({
    decision: SealedDocumentSchema.meta({ description: '决定书, sealed by the deciding department' }),
    licenceId: z.string().optional().meta({ description: 'the e-licence issued (GET /v1/licences/{licenceId})' }),
    sealedAt: z.iso.datetime(),
  })
  .meta({ id: 'CaseResults' });

/** What the deciding department sets for the e-licence an approval issues. */
export const LicenceTermsSchema = z
  .object({
    validUntil: date.optional().meta({ description: 'the last valid day; absent: valid without end' }),
    data: freeFormRecord(JsonValueSchema, 100, FREE_FORM_LIMITS.licenceDataBytes).optional().meta({ description: "the licence's data fields (经营项目, 地址…)" }),
  })
  .strict()
  .meta({ id: 'LicenceTerms' });

/** One correction of a case record as the case keeps it: the ticket it answers, its history entry, each field's value before and after. */
export const CaseCorrectionRecordSchema = z
  .object({
    ticketId: z.string().meta({ description: 'the correction ticket (000 §30) it answers' }),
    entry: z.int().meta({ description: "the history entry that made it (the `correct` entry): a ticket's answer names it as the case's version" }),
    fields: z.array(
      z.object({
        field: z.string().meta({ description: 'applicant.name, applicant.residentId…, or form.<key>' }),
        before: JsonValueSchema.meta({ description: 'the value as it stood: the filing (or an earlier correction) recorded it' }),
        after: JsonValueSchema,
      }),
    ),
    reasons: z.array(z.string()).optional(),
    by: z.string().meta({ description: 'who corrected it (the department’s principal)' }),
    officer: z.string().max(64).optional().meta({ description: 'the officer of that principal who corrected it' }),
    on: date,
    afterArchive: z.literal(true).optional().meta({
      description: 'made after the case was archived: the bundle holds the record as archived, untouched; this correction is an addendum in the history after the archive entry',
    }),
  })
  .meta({ id: 'CaseCorrection' });

export const CaseStateSchema = z
  .object({
    caseNo: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    itemVersion: z.int(),
    departmentId: z.string(),
    coDepartmentIds: z.array(z.string()),
    coDepartmentDays: z.record(z.string(), z.int()).optional().meta({ description: 'joint items: working days each co-department has for its opinion' }),
    jointTasks: z.array(JointTaskSchema).optional().meta({ description: 'joint items after dispatch: one task per co-department' }),
    channelId: z.string(),
    applicant: ApplicantSchema,
    form: z.record(z.string(), JsonValueSchema),
    materials: z.record(z.string(), CaseMaterialSchema),
    materialRules: z.array(z.object({ name: z.string(), required: z.boolean(), tolerable: z.boolean(), licenceType: z.string().optional() })),
    status: z.enum(CASE_STATUSES as [string, ...string[]]),
    receivedAt: z.iso.datetime(),
    receivedOn: date,
    materialsReceivedOn: date,
    deemedAcceptanceDays: z.int(),
    preReviewDue: date.optional(),
    preReviewOffered: z.boolean().optional().meta({ description: 'the item offers online pre-review (网上预审+窗口): the department owes its opinion by preReviewDue' }),
    preReview: z
      .object({ outcome: z.enum(['passes', 'incomplete']), missing: z.array(z.string()), nextSteps: z.string(), on: date, late: z.boolean() })
      .optional()
      .meta({ description: 'the pre-review opinion on the materials as last received (001 §14, 004 §18); late if given after preReviewDue' }),
    deemedAcceptedOn: date.optional().meta({ description: 'the last day the department may answer; after it the case counts as accepted (Art. 32)' }),
    dueFlag: z.literal('DEADLINE_CALENDAR_MISSING').optional(),
    supplementRequest: z.array(z.object({ material: z.string(), problem: z.string() })).optional(),
    supplementRounds: z.int().optional().meta({ description: 'supplement requests made so far (at most 10)' }),
    lastSupplement: z
      .object({ on: date, delivered: z.array(z.string()) })
      .optional()
      .meta({ description: 'what the newest supplement delivered (material names; `form`): a new supplement request may name problems in these only (一次性告知)' }),
    acceptance: z
      .object({
        on: date,
        mode: z.enum(['normal', 'pending-materials', 'deemed']),
        pendingMaterials: z.array(z.string()).optional().meta({ description: '容缺: the materials still to be delivered' }),
        pendingDueOn: date.optional(),
        delivered: z
          .array(z.object({ material: z.string(), on: date }))
          .optional()
          .meta({ description: '容缺: the pending materials delivered, and when' }),
      })
      .optional(),
    limits: z.object({ promisedDays: z.int(), statutoryDays: z.int() }),
    pauses: z.array(
      z.object({
        from: date,
        to: date.optional(),
        procedure: z.enum(SPECIAL_PROCEDURES),
        reason: z.string(),
        expectedDays: z.int().optional().meta({ description: 'working days the procedure is expected to take' }),
        expectedUntil: date.optional().meta({ description: 'the open pause: the day it is expected to end' }),
      }),
    ),
    extension: z
      .object({ days: z.int(), approvedBy: z.string(), reasons: z.array(z.string()), on: date })
      .optional()
      .meta({ description: 'the statutory limit extended (行政许可法 Art. 42): by how many working days, approved by whom, why' }),
    deadlines: DeadlinesSchema.optional(),
    provisional: ProvisionalSchema,
    calendarVersions: z
      .record(z.string(), z.int())
      .optional()
      .meta({ description: 'the official calendar data version of each year the live dates were counted across; 0: counted provisionally' }),
    supervision: z.enum(['overdue', 'violation']).optional(),
    supervisionDeadline: date.optional().meta({ description: 'the deadline the case had passed when it was marked' }),
    archiveExceptions: z
      .array(z.object({ code: z.string(), path: z.string(), message: z.string(), reasons: z.array(z.string()), acceptedBy: z.string(), on: date }))
      .optional()
      .meta({ description: "findings of the archive's check of a file the platform role accepted, with its reasons (cases that ended before intake refused such files)" }),
    findings: z
      .array(z.object({ kind: z.enum(FINDING_KINDS), due: date, on: date }))
      .optional()
      .meta({
        description:
          'supervision findings, each on its own list: a special procedure past its stated length (procedure-overrun), the pre-review opinion late (pre-review-late), 容缺 materials not delivered by their due day (materials-late); `due`: the day it was due, `on`: the day it was recorded',
      }),
    decision: z
      .object({
        outcome: z.enum(['approved', 'denied']),
        reasons: z.array(z.string()),
        on: date,
        opinions: z.array(JointTaskSchema).optional().meta({ description: 'joint items: every opinion as it stood at the decision' }),
        overrideReasons: z.array(z.string()).optional().meta({ description: "approved over a disagreeing opinion: the lead's reasons" }),
        licence: LicenceTermsSchema.optional(),
      })
      .optional(),
    jointFailure: z
      .object({ error: z.string(), cause: z.string(), on: date })
      .optional()
      .meta({ description: 'joint items: the workflow failed for good (the platform team is alerted)' }),
    followUpFailure: z
      .object({ step: z.enum(['seal', 'seal-notices', 'archive']), code: z.string(), reason: z.string(), on: date })
      .optional()
      .meta({
        description:
          "a seal (the results', or the notices') or archiving the platform gave up (a refusal retrying cannot mend; the platform team is alerted): retry-follow-up takes it up again",
      }),
    noticesDue: z
      .array(
        z.object({
          kind: z.enum(NOTICE_KINDS),
          entry: z.int().meta({ description: 'the history entry of the action that owes it' }),
          content: z.record(z.string(), JsonValueSchema).meta({ description: "the notice's document as it will be sealed, less `record` (the entry's version and hash)" }),
        }),
      )
      .optional()
      .meta({ description: 'written notices the case owes the applicant, not sealed yet (the sealing function seals them at once; the sweep, what it could not)' }),
    notices: z
      .array(
        z.object({
          kind: z.enum(NOTICE_KINDS).meta({
            description:
              'acceptance 受理通知书, pending-acceptance 容缺受理告知书, refusal 不予受理通知书, supplement 补齐补正通知书, extension 延期通知书, special-procedure 特别程序告知书',
          }),
          entry: z.int().meta({ description: 'the history entry of the action it notifies (the document names its version and hash as `record`)' }),
          document: z.string().meta({ description: 'the sealed document: canonical JSON (RFC 8785), `type` tongban/notice/<kind>; its UTF-8 bytes are what the seal covers' }),
          seal: SealSchema,
          sealedAt: z.iso.datetime(),
        }),
      )
      .optional()
      .meta({ description: "the written notices given to the applicant (002 §14, 004 §19; 行政许可法 Art. 32, 38, 42, 45), each sealed by the case's department" }),
    corrections: z.array(CaseCorrectionRecordSchema).optional().meta({
      description: "corrections of the case record (更正, 000 §30), oldest first, at most 20: the applicant's data and form fields, each with its value before and after",
    }),
    refusal: z.object({ reasons: z.array(z.string()), on: date }).optional(),
    withdrawal: z.object({ reason: z.string(), on: date }).optional(),
    results: CaseResultsSchema.optional().meta({ description: 'decided cases: the sealed decision document and the e-licence issued (absent until sealed)' }),
    archive: z
      .union([
        z.object({
          state: z.literal('archived'),
          bundleKey: z.string(),
          sha256: z.string(),
          size: z.int(),
          retention: z.enum(['permanent', '30y', '10y']),
          retainUntil: z.iso.datetime(),
          legalHold: z.boolean(),
          archivedAt: z.iso.datetime(),
        }),
        z.object({
          state: z.literal('failed'),
          on: date,
          attempts: z.int(),
          findings: z.array(z.object({ property: z.string(), code: z.string(), path: z.string().optional(), message: z.string() })),
        }),
      ])
      .optional()
      .meta({ description: 'ended cases: the archive bundle (written once, locked until retainUntil), or why archiving failed (retried)' }),
    version: z.int(),
    updatedAt: z.iso.datetime(),
    hash: z.string(),
  })
  .meta({ id: 'Case' });

export const ReceiptSchema = z
  .object({
    caseNo: z.string(),
    itemCode: z.string(),
    itemName: z.string(),
    itemVersion: z.int(),
    departmentId: z.string(),
    channelId: z.string(),
    receivedAt: z.iso.datetime(),
    materials: z.array(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('upload'), name: z.string(), sha256: z.string(), size: z.int(), contentType: z.string() }),
        z.object({ kind: z.literal('licence'), name: z.string(), licenceId: z.string().meta({ description: "the applicant's e-licence supplied instead of a file (免提交)" }) }),
      ]),
    ),
    preReviewDue: date.optional(),
    answerDueOn: date.optional().meta({ description: 'the date by which the department must answer' }),
    provisional: z
      .array(z.enum(['preReviewDue', 'answerDueOn']))
      .optional()
      .meta({ description: 'the dates above counted across a year whose holiday arrangement is not loaded yet: provisional' }),
    dueFlag: z.literal('DEADLINE_CALENDAR_MISSING').optional(),
    entryHash: z.string().meta({ description: "hash of the filing's history entry" }),
  })
  .meta({ id: 'Receipt', description: '收件回执' });

export const FilingResultSchema = z.object({ caseNo: z.string(), receipt: ReceiptSchema, case: CaseStateSchema, replayed: z.boolean() }).meta({ id: 'FilingResult' });

export const CaseListSchema = z.object({ cases: z.array(CaseStateSchema), nextCursor: z.string().optional() }).meta({ id: 'CaseList' });

export const CaseHistoryEntrySchema = z
  .object({
    caseNo: z.string(),
    n: z.int(),
    type: z.string(),
    actor: ActorSchema,
    at: z.iso.datetime(),
    on: date,
    from: z.string().nullable(),
    to: z.string(),
    payloadDigest: z.string(),
    stateDigest: z.string(),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'CaseHistoryEntry' });

export const CaseHistorySchema = z
  .object({
    caseNo: z.string(),
    entries: z.array(CaseHistoryEntrySchema).meta({ description: 'a page of the entries, oldest first' }),
    nextCursor: z.string().optional().meta({ description: 'present while there are more entries: pass it back as `cursor`' }),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), n: z.int(), reason: z.string() })]),
  })
  .meta({ id: 'CaseHistory' });

export const SupervisionListSchema = z
  .object({
    cases: z.array(
      z.object({
        caseNo: z.string(),
        itemCode: z.string(),
        itemName: z.string(),
        departmentId: z.string(),
        status: z.string(),
        supervision: z.enum(SUPERVISION_KINDS),
        passedDeadline: date.optional().meta({ description: "the deadline it had passed when marked, or the finding's due day: the list is sorted by it" }),
        acceptedOn: date.optional(),
        deadlines: CaseStateSchema.shape.deadlines,
        decidedOn: date.optional(),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'SupervisionList' });

// ---- actions ----

export const AcceptRequestSchema = z
  .object({
    baseVersion,
    pendingMaterials: z.array(text(200)).max(100).optional().meta({ description: '容缺受理: tolerable materials to be delivered later' }),
    pendingDueOn: date.optional().meta({ description: 'with pendingMaterials: the day they are due' }),
  })
  .strict()
  .meta({ id: 'AcceptRequest' });

/** One problem a supplement request names: `material` is a material name of the guide, or `form` for the application form itself. */
export const SupplementProblemSchema = z.object({ material: text(200), problem: text(1000) }).strict();

export const SupplementRequestRequestSchema = z
  .object({ baseVersion, problems: z.array(SupplementProblemSchema).max(100) })
  .strict()
  .meta({ id: 'SupplementRequestRequest', description: '一次性告知: every problem at once' });

export const SupplementSchema = z
  .object({ baseVersion, materials: ApplicationMaterialsSchema.optional(), form: freeFormRecord(JsonValueSchema, 200, FREE_FORM_LIMITS.formBytes).optional() })
  .strict()
  .meta({ id: 'Supplement' });

export const PreReviewRequestSchema = z
  .object({
    baseVersion,
    outcome: z.enum(['passes', 'incomplete']),
    missing: z.array(text(500)).max(50).optional().meta({ description: 'incomplete: what is missing or does not meet the requirements' }),
    nextSteps: text(1000).meta({ description: 'what the applicant does next (bring the originals to the window, supplement…)' }),
  })
  .strict()
  .meta({ id: 'PreReviewRequest' });

export const DeliverRequestSchema = z
  .object({
    baseVersion,
    materials: ApplicationMaterialsSchema.meta({ description: "per pending material name: the uploaded file (or the applicant's e-licence where the guide accepts one)" }),
  })
  .strict()
  .meta({ id: 'Delivery' });

export const ReasonsRequestSchema = z
  .object({ baseVersion, reasons: z.array(text(1000)).max(50) })
  .strict()
  .meta({ id: 'ReasonsRequest' });

export const PauseRequestSchema = z
  .object({
    baseVersion,
    procedure: z.enum(SPECIAL_PROCEDURES),
    reason: text(1000),
    expectedDays: z.int().min(1).max(120).meta({ description: 'working days the procedure is expected to take (Art. 45, 004 §19): the applicant is told' }),
  })
  .strict()
  .meta({ id: 'PauseRequest' });

export const ResumeRequestSchema = z.object({ baseVersion }).strict().meta({ id: 'ResumeRequest' });

export const ExtendRequestSchema = z
  .object({
    baseVersion,
    days: z.int().min(1).max(15).meta({ description: 'working days: at most 10, 15 for joint handling (行政许可法 Art. 42)' }),
    approvedBy: text(200).meta({ description: 'the head of the department who approved the extension' }),
    reasons: z.array(text(1000)).min(1).max(20),
  })
  .strict()
  .meta({ id: 'ExtendRequest' });

export const DecideRequestSchema = z
  .object({
    baseVersion,
    outcome: z.enum(['approved', 'denied']),
    reasons: z.array(text(1000)).max(50).optional(),
    overrideReasons: z.array(text(1000)).max(50).optional().meta({ description: 'joint items: required to approve over a disagreeing opinion' }),
    licence: LicenceTermsSchema.optional().meta({ description: 'approvals of items that issue an e-licence: its validity and data fields' }),
  })
  .strict()
  .meta({ id: 'DecideRequest' });

export const OpinionRequestSchema = z
  .object({
    baseVersion,
    outcome: z.enum(['agree', 'disagree']).meta({ description: 'the co-department agrees, or disagrees (with reasons)' }),
    reasons: z.array(text(1000)).max(50).optional().meta({ description: 'required when disagreeing' }),
    attachments: MaterialsSchema.optional().meta({ description: 'per attachment name: a file the co-department uploaded through an upload slot' }),
  })
  .strict()
  .meta({ id: 'OpinionRequest' });

export const CorrectRequestSchema = z
  .object({
    baseVersion,
    ticketId: z
      .string()
      .regex(TICKET_ID_PATTERN)
      .meta({ description: 'the correction ticket (000 §30) this correction answers (32 hex digits): kept with it, for the ticket’s answer to name the version' }),
    corrections: z
      .array(
        z
          .object({
            field: z
              .string()
              .max(FORM_FIELD_PREFIX.length + 200)
              .meta({
                description:
                  "the applicant's field (person: applicant.name, applicant.residentId, applicant.phone; organisation: applicant.name, applicant.creditCode, applicant.contact.name, applicant.contact.phone) or form.<key>, an existing key of the form",
              }),
            value: JsonValueSchema.superRefine(checkFreeForm(FREE_FORM_LIMITS.formBytes)).meta({
              description: "the right value: an applicant's field a string checked as the filing checks it; a form field any JSON, the form within the filing's bounds",
            }),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_CORRECTION_FIELDS),
    reasons: z.array(text(1000)).max(20).optional(),
  })
  .strict()
  .meta({ id: 'CorrectRequest', description: '更正 (000 §30): the values that were wrong, set right; the old ones stay in the history' });

export const WithdrawRequestSchema = z
  .object({ baseVersion, reason: text(1000) })
  .strict()
  .meta({ id: 'WithdrawRequest' });

// ---- parameters ----

export const CaseNoParamsSchema = z.object({ caseNo: z.string().regex(CASE_NO_PATTERN) }).strict();

const limit = z.coerce.number().int().min(1).max(MAX_CASE_PAGE_SIZE).default(20);
const cursor = z.string().max(2048).optional();

export const QueueQuerySchema = z.object({ status: z.enum(CASE_STATUSES).default('received'), limit, cursor }).strict();

export const ChannelCasesQuerySchema = z.object({ applicant: z.string().max(64).optional().meta({ description: 'resident ID or credit code' }), limit, cursor }).strict();

export const SupervisionParamsSchema = z.object({ kind: z.enum(SUPERVISION_KINDS) }).strict();
export const SupervisionQuerySchema = z.object({ limit, cursor }).strict();
export const JointTaskQueueQuerySchema = z.object({ limit, cursor }).strict();
/** Which file of a case: an application material by its name, or with `opinion` that co-department's opinion attachment of that name. */
export const CaseMaterialQuerySchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: "the material's name in the case's `materials` (the guide's material name), or with `opinion` the attachment's name in that opinion" }),
    opinion: z
      .string()
      .regex(/^[0-9A-Z]{18}$/)
      .optional()
      .meta({ description: "a co-department's unified social credit code: the file is an attachment of its opinion (`jointTasks[].opinion.attachments`)" }),
  })
  .strict();

/** A short-lived link to read one file a case keeps, with what the case records of the file. */
export const CaseMaterialLinkSchema = z
  .object({
    caseNo: z.string(),
    name: z.string(),
    opinion: z.string().optional().meta({ description: 'the co-department whose opinion attachment it is' }),
    contentType: z.string().meta({ description: 'as recorded when it was filed: the type the link answers with, whatever the stored object says' }),
    size: z.int(),
    sha256: z.string().meta({ description: 'as recorded when it was filed: check what you read against it' }),
    filename: z.string().meta({ description: 'the name the link gives the file (Content-Disposition: inline): the material’s name with its format’s extension' }),
    method: z.literal('GET'),
    url: z.string().meta({ description: 'presigned S3 GET of the kept file: no further signature needed, valid until expiresAt (5 minutes)' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'CaseMaterialLink' });

export const CaseHistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(MAX_CASE_PAGE_SIZE).default(MAX_CASE_PAGE_SIZE), cursor }).strict();

export const JointTaskListSchema = z
  .object({
    tasks: z.array(
      z.object({
        caseNo: z.string(),
        itemCode: z.string(),
        itemName: z.string(),
        leadDepartmentId: z.string(),
        caseStatus: z.enum(CASE_STATUSES as [string, ...string[]]),
        task: JointTaskSchema,
        deadlines: DeadlinesSchema.optional(),
        provisional: ProvisionalSchema,
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'JointTaskList' });
