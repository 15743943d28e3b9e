// Every route of the API, once. The CDK API stack builds its resources and methods from this table,
// the embedded server routes with it, the handlers validate with its schemas and the OpenAPI
// document is generated from it: one list, so the four cannot drift apart.
import { z } from 'zod';
import type { ErrorCode } from './error-codes.ts';
import type { HeaderSpec, ResponseHeaderSpec } from './headers.ts';
import { ACTION_IDEMPOTENCY_KEY_HEADER, CASE_ENTRY_HEADER, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from './headers.ts';
import {
  CALENDAR_LOAD_ERRORS,
  CalendarLoadResultSchema,
  CalendarOverviewSchema,
  CalendarYearDocumentSchema,
  CalendarYearParamsSchema,
  CalendarYearViewSchema,
} from './calendar.ts';
import {
  CreateItemRequestSchema,
  EditItemRequestSchema,
  ItemCodeParamsSchema,
  ItemListSchema,
  ItemVersionParamsSchema,
  ItemVersionSchema,
  ListItemsQuerySchema,
  PublicStateSchema,
  ReviewRequestSchema,
  ServiceGuideSchema,
  SuspendRequestSchema,
  SuspensionSchema,
  TerminateRequestSchema,
  VersionedActionRequestSchema,
} from './service-item.ts';
import {
  AcceptRequestSchema,
  CaseHistorySchema,
  CaseListSchema,
  CaseNoParamsSchema,
  CaseStateSchema,
  CaseHistoryQuerySchema,
  ChannelCasesQuerySchema,
  DecideRequestSchema,
  FilingRequestSchema,
  FilingResultSchema,
  JointTaskListSchema,
  JointTaskQueueQuerySchema,
  OpinionRequestSchema,
  PauseRequestSchema,
  ExtendRequestSchema,
  DeliverRequestSchema,
  PreReviewRequestSchema,
  QueueQuerySchema,
  ReasonsRequestSchema,
  ResumeRequestSchema,
  SupervisionListSchema,
  SupervisionParamsSchema,
  SupervisionQuerySchema,
  SupplementRequestRequestSchema,
  SupplementSchema,
  WithdrawRequestSchema,
} from './cases.ts';
import {
  JwksSchema,
  LicenceIdParamsSchema,
  LicenceListQuerySchema,
  LicenceListSchema,
  LicenceReadQuerySchema,
  LicenceViewSchema,
  RevokeLicenceRequestSchema,
  SealVerificationSchema,
  VerifySealRequestSchema,
} from './licences.ts';

/** The Lambda functions behind the API; each is a folder under functions/. */
export type FunctionName = 'catalogue' | 'platform' | 'cases' | 'seals';

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  function: FunctionName;
  /** `public` routes answer unsigned requests; everything else needs SigV4 (IAM). */
  auth: 'iam' | 'public';
  summary: string;
  /** Roles that may call the route at all; finer rules (own department…) are the domain's. */
  roles?: readonly ('platform' | 'department' | 'channel' | 'auditor')[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Request headers the operation reads, validated by the edge once (the edge hands every header
   * over, names lower-cased; a declared one arrives checked under its `key`).
   */
  headers?: readonly HeaderSpec[];
  response: z.ZodType;
  /** Headers the success answer may carry. */
  responseHeaders?: readonly ResponseHeaderSpec[];
  successStatus?: 200 | 201;
  /**
   * The domain's refusals this route can answer with. The edge's own (validation, JSON, signature,
   * role) are added to the OpenAPI document for every route they apply to.
   */
  errors: readonly ErrorCode[];
}

export const PublishedItemSchema = z
  .object({
    code: z.string(),
    publishedVersion: z.int(),
    publishedAt: z.iso.datetime(),
    latestVersion: z.int().optional().meta({ description: "newest version: for the item's department and reviewers only" }),
    departmentName: z.string().optional().meta({ description: "the implementing department's name from the directory" }),
    publicState: PublicStateSchema,
    effectivePublicState: PublicStateSchema,
    suspension: SuspensionSchema.optional(),
    guide: ServiceGuideSchema,
  })
  .meta({ id: 'PublishedItem' });

export const UploadSlotRequestSchema = z
  .object({
    contentType: z.string().min(1).max(100).meta({ description: 'application/pdf, application/ofd, image/jpeg or image/png' }),
    size: z.int().min(1).meta({ description: 'bytes; at most the platform limit (default 50 MB)' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'SHA-256 of the file, lower-case hex' }),
  })
  .strict()
  .meta({ id: 'UploadSlotRequest' });

export const UploadSlotSchema = z
  .object({
    objectKey: z.string().meta({ description: 'what the filing names as the material' }),
    method: z.literal('PUT'),
    url: z.string().meta({ description: 'presigned S3 URL' }),
    headers: z.record(z.string(), z.string()).meta({ description: 'send exactly these headers: they are signed' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'UploadSlot' });

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '`degraded`: the stored calendar could not be read (the last one read, or the shipped one, is counted on)' }),
    version: z.string(),
    calendar: z
      .object({
        loadedUntil: z.iso.date().optional().meta({ description: "the last day of the official holiday data that holds today; absent: today's year is not loaded" }),
        daysLeft: z.int().meta({ description: "days until then (0: today's year is counted provisionally)" }),
        years: z.array(z.int()),
      })
      .optional(),
  })
  .meta({ id: 'Health' });

const anyone = ['platform', 'department', 'channel', 'auditor'] as const;
const ITEM_WRITE_ERRORS: readonly ErrorCode[] = ['ITEM_NOT_FOUND', 'ITEM_DEPARTMENT_FORBIDDEN', 'ITEM_VERSION_CONFLICT', 'ITEM_ILLEGAL_TRANSITION', 'ITEM_TERMINATED'];
/** What shared/domain/items/guide-rules.ts refuses in a service guide. */
const GUIDE_ERRORS: readonly ErrorCode[] = [
  'INVALID_CREDIT_CODE',
  'INVALID_IMPLEMENTATION_CODE',
  'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH',
  'ITEM_PROMISED_EXCEEDS_STATUTORY',
  'ITEM_MATERIAL_TOLERABLE_NOT_REQUIRED',
  'ITEM_MATERIAL_DUPLICATE',
  'ITEM_FEE_BASIS_MISSING',
  'ITEM_FEE_ITEMS_UNCHARGED',
  'ITEM_UNKNOWN_CO_DEPARTMENT',
  'ITEM_CO_DEPARTMENT_IS_LEAD',
  'ITEM_CO_DEPARTMENT_DUPLICATE',
  'ITEM_CO_DEPARTMENT_LIMIT_EXCEEDS_PROMISED',
];
/** What a free-form value (a form, licence data) is refused for: what the stores cannot keep (free-form-json.ts). */
const FREE_FORM_ERRORS: readonly ErrorCode[] = ['JSON_NUMBER_UNSUPPORTED', 'JSON_KEY_RESERVED', 'JSON_TOO_DEEP', 'JSON_TOO_LARGE'];
/** What checking an uploaded material refuses: its name (a key no stored object may have), key, type and size, and the stored object itself. */
const MATERIAL_CHECK_ERRORS: readonly ErrorCode[] = [
  'JSON_KEY_RESERVED',
  'MATERIAL_KEY_INVALID',
  'MATERIAL_UPLOAD_FORBIDDEN',
  'MATERIAL_TYPE_NOT_ALLOWED',
  'MATERIAL_EMPTY',
  'MATERIAL_TOO_LARGE',
  'INVALID_SHA256',
  'MATERIAL_NOT_UPLOADED',
  'MATERIAL_SIZE_MISMATCH',
  'MATERIAL_TYPE_MISMATCH',
  'MATERIAL_CHECKSUM_MISMATCH',
  // Its bytes as the archive's check reads them: not its type's format, or encrypted (the check's codes).
  'UNREADABLE',
  'ENCRYPTED',
  'CASE_MATERIAL_UNKNOWN',
  'CASE_MATERIAL_INVALID',
  'CASE_LICENCE_NOT_ACCEPTED',
  // A licence named instead of the material (免提交): the applicant's own, of the type, valid.
  'INVALID_LICENCE_ID',
  'CASE_LICENCE_UNKNOWN',
  'CASE_LICENCE_TYPE_MISMATCH',
  'CASE_LICENCE_REVOKED',
  'CASE_LICENCE_EXPIRED',
];
/** Every action on a case: it must exist, the caller be its party, the status allow it, nobody act first. */
const CASE_ACTION_ERRORS: readonly ErrorCode[] = ['CASE_NOT_FOUND', 'CASE_VERSION_CONFLICT', 'CASE_ILLEGAL_TRANSITION', 'CASE_CLOSED', 'CASE_TOO_LARGE', 'CASE_HISTORY_BROKEN'];
/** An action's optional Idempotency-Key: well-formed, signed, and not used by the caller on the case for another request. */
const ACTION_KEY_ERRORS: readonly ErrorCode[] = ['IDEMPOTENCY_KEY_INVALID', 'IDEMPOTENCY_KEY_UNSIGNED', 'IDEMPOTENCY_KEY_REUSED'];
const DEPARTMENT_ACTION_ERRORS: readonly ErrorCode[] = [...CASE_ACTION_ERRORS, 'CASE_DEPARTMENT_FORBIDDEN'];
const CHANNEL_ACTION_ERRORS: readonly ErrorCode[] = [...CASE_ACTION_ERRORS, 'CASE_CHANNEL_FORBIDDEN'];
const caseAction = <const O extends string, const A extends string, const Ro extends readonly ('department' | 'channel' | 'platform')[], B extends z.ZodType>(
  operationId: O,
  action: A,
  roles: Ro,
  summary: string,
  body: B,
  errors: readonly ErrorCode[],
) =>
  ({
    operationId,
    method: 'POST',
    path: `/v1/cases/{caseNo}/${action}` as const,
    function: 'cases',
    auth: 'iam',
    roles,
    summary,
    params: CaseNoParamsSchema,
    headers: [ACTION_IDEMPOTENCY_KEY_HEADER],
    body,
    response: CaseStateSchema,
    responseHeaders: [CASE_ENTRY_HEADER, IDEMPOTENT_REPLAYED_HEADER],
    errors: [...errors, ...ACTION_KEY_ERRORS],
  }) as const;
const GUIDE_CHANGE_ERRORS: readonly ErrorCode[] = [...ITEM_WRITE_ERRORS, ...GUIDE_ERRORS, 'ITEM_CODE_MISMATCH', 'ITEM_DEPARTMENT_CHANGE'];

export const ROUTES = [
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    function: 'platform',
    auth: 'public',
    summary: 'Liveness, and how far the official holiday data reaches: answers without a signature and reveals no personal data',
    response: HealthSchema,
    errors: [],
  },
  {
    operationId: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'platform',
    auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    response: z.object({ openapi: z.string() }).loose(),
    errors: [],
  },
  {
    operationId: 'listItems',
    method: 'GET',
    path: '/v1/items',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: 'Published items (the catalogue), or with `state` the items in progress',
    query: ListItemsQuerySchema,
    response: ItemListSchema,
    errors: ['INVALID_CURSOR', 'ITEM_DEPARTMENT_FORBIDDEN', 'LIST_FILTER_UNSUPPORTED'],
  },
  {
    operationId: 'createItem',
    method: 'POST',
    path: '/v1/items',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: "Draft a new item of the caller's own department (version 1, draft)",
    body: CreateItemRequestSchema,
    response: ItemVersionSchema,
    successStatus: 201,
    errors: [...GUIDE_ERRORS, 'ITEM_DEPARTMENT_FORBIDDEN', 'ITEM_EXISTS'],
  },
  {
    operationId: 'getItem',
    method: 'GET',
    path: '/v1/items/{code}',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: "The current published version, with today's public state",
    params: ItemCodeParamsSchema,
    response: PublishedItemSchema,
    errors: ['ITEM_NOT_PUBLISHED'],
  },
  {
    operationId: 'editItem',
    method: 'PUT',
    path: '/v1/items/{code}',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Change a draft or returned item: appends a new draft version',
    params: ItemCodeParamsSchema,
    body: EditItemRequestSchema,
    response: ItemVersionSchema,
    errors: [...GUIDE_CHANGE_ERRORS, 'ITEM_VERSION_PUBLISHED'],
  },
  {
    operationId: 'getItemVersion',
    method: 'GET',
    path: '/v1/items/{code}/versions/{n}',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: 'One version as it was written; drafts only for their department and reviewers',
    params: ItemVersionParamsSchema,
    response: ItemVersionSchema,
    errors: ['ITEM_NOT_FOUND'],
  },
  {
    operationId: 'reviseItem',
    method: 'POST',
    path: '/v1/items/{code}/revisions',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Start a new draft version of a published item; the published version stays in force',
    params: ItemCodeParamsSchema,
    body: EditItemRequestSchema,
    response: ItemVersionSchema,
    successStatus: 201,
    errors: GUIDE_CHANGE_ERRORS,
  },
  {
    operationId: 'submitItem',
    method: 'POST',
    path: '/v1/items/{code}/submit',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Submit the draft for review; the reviewer answers within 2 working days (001 §10)',
    params: ItemCodeParamsSchema,
    body: VersionedActionRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'reviewItem',
    method: 'POST',
    path: '/v1/items/{code}/review',
    function: 'catalogue',
    auth: 'iam',
    roles: ['platform'],
    summary: 'Platform reviewer: publish the submitted version, or return it with reasons',
    params: ItemCodeParamsSchema,
    body: ReviewRequestSchema,
    response: ItemVersionSchema,
    errors: [...ITEM_WRITE_ERRORS, 'REVIEW_REASONS_REQUIRED'],
  },
  {
    operationId: 'suspendItem',
    method: 'POST',
    path: '/v1/items/{code}/suspend',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Suspend: planned (≥ 5 working days ahead) or emergency (at once, with a public notice)',
    params: ItemCodeParamsSchema,
    body: SuspendRequestSchema,
    response: ItemVersionSchema,
    errors: [
      ...ITEM_WRITE_ERRORS,
      'SUSPENSION_NOTICE_TOO_SHORT',
      'SUSPENSION_NOTICE_REQUIRED',
      'SUSPENSION_DATE_REQUIRED',
      'SUSPENSION_EMERGENCY_DATE',
      'INVALID_DATE',
      'DEADLINE_CALENDAR_MISSING',
    ],
  },
  {
    operationId: 'resumeItem',
    method: 'POST',
    path: '/v1/items/{code}/resume',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Resume a suspended item, or cancel a planned suspension',
    params: ItemCodeParamsSchema,
    body: VersionedActionRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'terminateItem',
    method: 'POST',
    path: '/v1/items/{code}/terminate',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Terminate a published or suspended item for good',
    params: ItemCodeParamsSchema,
    body: TerminateRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'createUploadSlot',
    method: 'POST',
    path: '/v1/materials/uploads',
    function: 'cases',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary: "A presigned S3 PUT for one file — a channel's application material, a co-department's opinion attachment — bound to its type, size and SHA-256",
    body: UploadSlotRequestSchema,
    response: UploadSlotSchema,
    successStatus: 201,
    errors: ['MATERIAL_TYPE_NOT_ALLOWED', 'MATERIAL_EMPTY', 'MATERIAL_TOO_LARGE', 'INVALID_SHA256'],
  },
  {
    operationId: 'fileCase',
    method: 'POST',
    path: '/v1/cases',
    function: 'cases',
    auth: 'iam',
    roles: ['channel'],
    summary:
      'File an application for an applicant: 201 with the case number and the receipt (收件回执). The same Idempotency-Key with the same application (materials compared by content: SHA-256, size, type) answers the same case',
    headers: [IDEMPOTENCY_KEY_HEADER],
    body: FilingRequestSchema,
    response: FilingResultSchema,
    successStatus: 201,
    errors: [
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_INVALID',
      'IDEMPOTENCY_KEY_UNSIGNED',
      'IDEMPOTENCY_KEY_REUSED',
      'CASE_CHANNEL_FORBIDDEN',
      'CASE_ITEM_NOT_PUBLISHED',
      'CASE_ITEM_SUSPENDED',
      'CASE_ITEM_TERMINATED',
      'INVALID_RESIDENT_ID',
      'INVALID_CREDIT_CODE',
      'CASE_APPLICANT_KIND_INVALID',
      'CASE_FIELD_REQUIRED',
      'CASE_PHONE_INVALID',
      'CASE_MATERIAL_MISSING',
      'CASE_TOO_LARGE',
      ...MATERIAL_CHECK_ERRORS,
      ...FREE_FORM_ERRORS,
    ],
  },
  {
    operationId: 'listChannelCases',
    method: 'GET',
    path: '/v1/cases',
    function: 'cases',
    auth: 'iam',
    roles: ['channel'],
    summary: 'The cases the calling channel filed, by applicant then filing time; `applicant` narrows to one applicant',
    query: ChannelCasesQuerySchema,
    response: CaseListSchema,
    errors: ['INVALID_CURSOR'],
  },
  {
    operationId: 'getCase',
    method: 'GET',
    path: '/v1/cases/{caseNo}',
    function: 'cases',
    auth: 'iam',
    roles: ['department', 'channel'],
    summary: 'A case as it stands: for its department, its co-departments and the channel that filed it',
    params: CaseNoParamsSchema,
    response: CaseStateSchema,
    errors: ['CASE_NOT_FOUND', 'CASE_READ_FORBIDDEN', 'CASE_HISTORY_BROKEN'],
  },
  {
    operationId: 'getCaseHistory',
    method: 'GET',
    path: '/v1/cases/{caseNo}/history',
    function: 'cases',
    auth: 'iam',
    roles: ['department', 'channel', 'auditor'],
    summary: "A page of the case's hash-chained history, oldest first, with the check of the whole chain (auditors: any case's, to check it against the anchor journals)",
    params: CaseNoParamsSchema,
    query: CaseHistoryQuerySchema,
    response: CaseHistorySchema,
    errors: ['CASE_NOT_FOUND', 'CASE_READ_FORBIDDEN', 'INVALID_CURSOR'],
  },
  caseAction(
    'acceptCase',
    'accept',
    ['department'],
    'Accept the case (受理); with pendingMaterials, accept while tolerable materials follow by pendingDueOn (容缺受理)',
    AcceptRequestSchema,
    [
      ...DEPARTMENT_ACTION_ERRORS,
      'CASE_ANSWER_PERIOD_OVER',
      'CASE_MATERIAL_MISSING',
      'CASE_MATERIAL_UNKNOWN',
      'CASE_MATERIAL_NOT_TOLERABLE',
      'CASE_PENDING_MATERIAL_DUPLICATE',
      'CASE_PENDING_MATERIALS_REQUIRED',
      'CASE_PENDING_DUE_INVALID',
      'INVALID_DATE',
    ],
  ),
  caseAction(
    'requestSupplement',
    'supplement-request',
    ['department'],
    'Ask for supplements, listing every problem at once (一次性告知): after a supplement, only problems in what it delivered',
    SupplementRequestRequestSchema,
    [
      ...DEPARTMENT_ACTION_ERRORS,
      'CASE_ANSWER_PERIOD_OVER',
      'CASE_PROBLEMS_REQUIRED',
      'CASE_MATERIAL_UNKNOWN',
      'CASE_PROBLEM_NOT_IN_SUPPLEMENT',
      'CASE_SUPPLEMENT_ROUNDS_EXHAUSTED',
    ],
  ),
  caseAction(
    'supplementCase',
    'supplement',
    ['channel'],
    'Deliver the supplements asked for (materials, a corrected form or both); the department answers again',
    SupplementSchema,
    [...CHANNEL_ACTION_ERRORS, 'CASE_SUPPLEMENT_EMPTY', ...MATERIAL_CHECK_ERRORS, ...FREE_FORM_ERRORS],
  ),
  caseAction(
    'preReviewCase',
    'pre-review',
    ['department'],
    'The online pre-review opinion (网上预审, 001 §14, 004 §18) where the item offers it: the materials pass, or what is missing, with the next steps — due within 2 working days of their receipt',
    PreReviewRequestSchema,
    [...DEPARTMENT_ACTION_ERRORS, 'CASE_PRE_REVIEW_NOT_OFFERED', 'CASE_PRE_REVIEW_GIVEN', 'CASE_PRE_REVIEW_INVALID'],
  ),
  caseAction(
    'deliverCase',
    'deliver',
    ['channel'],
    'Deliver materials the case was accepted without (容缺, 004 §18): an approval waits until none is pending',
    DeliverRequestSchema,
    [...CHANNEL_ACTION_ERRORS, 'CASE_NOTHING_PENDING', 'CASE_DELIVERY_EMPTY', 'CASE_MATERIAL_NOT_PENDING', ...MATERIAL_CHECK_ERRORS],
  ),
  caseAction('refuseCase', 'refuse', ['department'], 'Refuse to accept the case (不予受理), with reasons', ReasonsRequestSchema, [
    ...DEPARTMENT_ACTION_ERRORS,
    'CASE_ANSWER_PERIOD_OVER',
    'CASE_REASONS_REQUIRED',
  ]),
  caseAction(
    'pauseCase',
    'pause',
    ['department'],
    'Pause the clock for a special procedure (hearing, inspection…) expected to take `expectedDays` working days: a working day the clock stands still for all of does not count',
    PauseRequestSchema,
    [
      ...DEPARTMENT_ACTION_ERRORS,
      'CASE_CLOCK_PAUSED',
      'CASE_PROCEDURE_UNKNOWN',
      'CASE_PROCEDURE_DAYS_INVALID',
      'CASE_REASON_REQUIRED',
      'CASE_DATE_OUT_OF_ORDER',
      'CASE_PAUSES_EXHAUSTED',
    ],
  ),
  caseAction(
    'extendCase',
    'extend',
    ['department'],
    'Extend the statutory time limit once, by up to 10 working days (15 for joint handling), approved by the head of the department, with reasons the applicant is told (行政许可法 Art. 42)',
    ExtendRequestSchema,
    [...DEPARTMENT_ACTION_ERRORS, 'CASE_ALREADY_EXTENDED', 'CASE_EXTENSION_DAYS_INVALID', 'CASE_EXTENSION_APPROVER_REQUIRED', 'CASE_REASONS_REQUIRED', 'CASE_EXTENSION_TOO_LATE'],
  ),
  caseAction(
    'acceptArchiveFindings',
    'accept-archive-findings',
    ['platform'],
    "For a case that ended before intake refused such files: accept, with reasons, what the last archiving attempt found of a file (UNREADABLE: not of its type's format; ENCRYPTED) — nothing else can be accepted. The case is archived at once, its bundle's check report listing those findings as accepted, with the reasons, by whom and when",
    ReasonsRequestSchema,
    [...CASE_ACTION_ERRORS, 'CASE_ARCHIVED', 'CASE_ARCHIVE_NOTHING_TO_ACCEPT', 'CASE_REASONS_REQUIRED'],
  ),
  caseAction(
    'retryFollowUp',
    'retry-follow-up',
    ['platform'],
    'For a case whose seal or archiving the platform gave up (`followUpFailure`: a refusal retrying could not mend, such as a department without an active seal key, or a bundle that failed its check 3 times), once the cause is mended: take the step up again, with reasons. It is taken at once, and by every sweep after until it succeeds or is given up again',
    ReasonsRequestSchema,
    [...CASE_ACTION_ERRORS, 'CASE_NO_FOLLOW_UP_FAILURE', 'CASE_REASONS_REQUIRED'],
  ),
  caseAction('resumeCase', 'resume', ['department'], 'Resume the clock after a special procedure', ResumeRequestSchema, [
    ...DEPARTMENT_ACTION_ERRORS,
    'CASE_CLOCK_RUNNING',
    'CASE_DATE_OUT_OF_ORDER',
    'DEADLINE_CALENDAR_MISSING',
  ]),
  caseAction(
    'decideCase',
    'decide',
    ['department'],
    "Decide an accepted case: approve, or deny with reasons. The decision document — and, approving an item that issues one, the e-licence — is sealed with the department's e-seal at once (the case's `results`)",
    DecideRequestSchema,
    [
      ...DEPARTMENT_ACTION_ERRORS,
      'CASE_CLOCK_PAUSED',
      'CASE_JOINT_OPINIONS_MISSING',
      'CASE_OUTCOME_INVALID',
      'CASE_REASONS_REQUIRED',
      'CASE_LICENCE_TERMS_INVALID',
      'CASE_PENDING_MATERIALS_OUTSTANDING',
      ...FREE_FORM_ERRORS,
    ],
  ),
  caseAction(
    'giveOpinion',
    'opinions',
    ['department'],
    "A co-department's opinion on a joint case (协办意见): agree, or disagree with reasons, with optional uploaded attachments; once per co-department; resumes the workflow's wait for it",
    OpinionRequestSchema,
    [
      ...CASE_ACTION_ERRORS,
      'CASE_CO_DEPARTMENT_FORBIDDEN',
      'CASE_NOT_DISPATCHED',
      'CASE_OPINION_EXISTS',
      'CASE_OPINION_INVALID',
      'CASE_REASONS_REQUIRED',
      ...MATERIAL_CHECK_ERRORS,
    ],
  ),
  caseAction('withdrawCase', 'withdraw', ['channel'], 'Withdraw the case for its applicant (撤回), with a reason, before a decision', WithdrawRequestSchema, [
    ...CHANNEL_ACTION_ERRORS,
    'CASE_REASON_REQUIRED',
  ]),
  {
    operationId: 'departmentQueue',
    method: 'GET',
    path: '/v1/queue',
    function: 'cases',
    auth: 'iam',
    roles: ['department'],
    summary: "The calling department's cases in one status (default received), soonest due first",
    query: QueueQuerySchema,
    response: CaseListSchema,
    errors: ['INVALID_CURSOR'],
  },
  {
    operationId: 'jointTaskQueue',
    method: 'GET',
    path: '/v1/queue/opinions',
    function: 'cases',
    auth: 'iam',
    roles: ['department'],
    summary: "The calling co-department's open joint tasks (opinions awaited from it), soonest due first; escalated ones are past their due day",
    query: JointTaskQueueQuerySchema,
    response: JointTaskListSchema,
    errors: ['INVALID_CURSOR'],
  },
  {
    operationId: 'supervisionList',
    method: 'GET',
    path: '/v1/supervision/{kind}',
    function: 'cases',
    auth: 'iam',
    roles: ['platform'],
    summary:
      'Cases past their promised deadline (overdue) or their statutory one (violation), or with a finding: a special procedure past its stated length (procedure-overrun), a late pre-review (pre-review-late), 容缺 materials late (materials-late); earliest passed date first',
    params: SupervisionParamsSchema,
    query: SupervisionQuerySchema,
    response: SupervisionListSchema,
    errors: ['INVALID_CURSOR'],
  },
  {
    operationId: 'getLicence',
    method: 'GET',
    path: '/v1/licences/{licenceId}',
    function: 'cases',
    auth: 'iam',
    roles: ['platform', 'department', 'channel', 'auditor'],
    summary:
      'An e-licence with its sealed document, seal and status (valid / revoked / expired). Departments see the licences they issued; channels name the applicant they act for (`holder`), who must hold it',
    params: LicenceIdParamsSchema,
    query: LicenceReadQuerySchema,
    response: LicenceViewSchema,
    errors: ['INVALID_LICENCE_ID', 'LICENCE_NOT_FOUND'],
  },
  {
    operationId: 'revokeLicence',
    method: 'POST',
    path: '/v1/licences/{licenceId}/revoke',
    function: 'cases',
    auth: 'iam',
    roles: ['department'],
    summary: 'Revoke an e-licence (issuing department only, with a reason, once); its seal stays valid, its status becomes revoked',
    params: LicenceIdParamsSchema,
    body: RevokeLicenceRequestSchema,
    response: LicenceViewSchema,
    errors: ['INVALID_LICENCE_ID', 'LICENCE_NOT_FOUND', 'LICENCE_DEPARTMENT_FORBIDDEN', 'LICENCE_REVOKED', 'LICENCE_REASON_REQUIRED'],
  },
  {
    operationId: 'listLicences',
    method: 'GET',
    path: '/v1/licences',
    function: 'cases',
    auth: 'iam',
    roles: ['channel'],
    summary: 'The valid e-licences of the applicant the calling channel acts for (`holder`), newest first: what can replace materials when filing (免提交)',
    query: LicenceListQuerySchema,
    response: LicenceListSchema,
    errors: ['INVALID_CURSOR', 'LICENCE_HOLDER_INVALID'],
  },
  {
    operationId: 'verifySeal',
    method: 'POST',
    path: '/v1/seals/verify',
    function: 'seals',
    auth: 'iam',
    roles: anyone,
    summary:
      'Verify a sealed document: valid, or invalid with the reason (malformed, unknown key, digest mismatch, bad signature, department mismatch, retired key, revoked / expired / unknown licence). Answers 200 either way',
    body: VerifySealRequestSchema,
    response: SealVerificationSchema,
    errors: [],
  },
  {
    operationId: 'listCalendar',
    method: 'GET',
    path: '/v1/calendar',
    function: 'platform',
    auth: 'iam',
    roles: anyone,
    summary: "The official holiday arrangements loaded: each year's newest version, its source and who loaded it, and the last day the loaded data reaches",
    response: CalendarOverviewSchema,
    errors: [],
  },
  {
    operationId: 'getCalendarYear',
    method: 'GET',
    path: '/v1/calendar/{year}',
    function: 'platform',
    auth: 'iam',
    roles: anyone,
    summary: "One year's arrangement: its newest version, every version (hash-chained, with the chain check) and the statutory holidays it must give off",
    params: CalendarYearParamsSchema,
    response: CalendarYearViewSchema,
    errors: ['CALENDAR_YEAR_NOT_LOADED'],
  },
  {
    operationId: 'loadCalendarYear',
    method: 'PUT',
    path: '/v1/calendar/{year}',
    function: 'platform',
    auth: 'iam',
    roles: ['platform'],
    summary: "Loads a year's arrangement (or a correction) as its next version; open cases whose dates rest on that year are computed again by the sweep",
    params: CalendarYearParamsSchema,
    body: CalendarYearDocumentSchema,
    response: CalendarLoadResultSchema,
    errors: [...CALENDAR_LOAD_ERRORS],
  },
  {
    operationId: 'sealKeys',
    method: 'GET',
    path: '/v1/.well-known/jwks.json',
    function: 'seals',
    auth: 'public',
    summary: 'The published seal keys (JWKS): every key any department ever sealed with, active or retired, with its department, seal and status — for verifying seals offline',
    response: JwksSchema,
    errors: [],
  },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

export function routesOf(fn: FunctionName): RouteSpec[] {
  return ROUTES.filter((r) => r.function === fn);
}
