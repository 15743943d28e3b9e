// The statistics on the wire (001 §28, 004 §33): a period's figures per department — in detail, per
// item and channel, for the department itself, the platform role and auditors — and the public
// figures (no personal data, no case numbers) with the month's sealed document.
import * as z from 'zod';
import type { EvaluationLevel } from './evaluation-levels.ts';
import { EVALUATION_LEVELS } from './evaluation-levels.ts';
import type { RouteSpec } from './route-spec.ts';

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const StatisticsQuerySchema = z
  .object({
    period: z.string().regex(PERIOD).meta({ description: 'a year (2026), a month (2026-11) or a day (2026-11-05), China dates' }),
    department: z.string().min(1).max(64).optional().meta({ description: "one department (a department's own is its only one)" }),
    item: z.string().min(1).max(64).optional().meta({ description: 'one item code' }),
    channel: z.string().min(1).max(64).optional().meta({ description: 'one channel id' }),
  })
  .strict()
  .meta({ id: 'StatisticsQuery' });

export const PublicStatisticsQuerySchema = z
  .object({
    period: z.string().regex(PERIOD).meta({ description: 'a year, a month or a day' }),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .meta({ id: 'PublicStatisticsQuery' });

export const StatisticsMonthParamsSchema = z.object({ month: z.string().regex(MONTH) }).strict();

const rate = z.number().min(0).max(1).nullable();

export const FiguresSchema = z
  .object({
    received: z.int(),
    receivedOnline: z.int(),
    accepted: z.int(),
    refused: z.int(),
    decided: z.int(),
    approved: z.int(),
    denied: z.int(),
    withdrawn: z.int(),
    pauses: z.int(),
    extensions: z.int(),
    supplementRounds: z.int(),
    escalations: z.int(),
    onlineShare: rate.meta({ description: '网办比例: filed through a portal or mobile app, of all received (null: none received)' }),
    promisedOnTimeRate: rate,
    statutoryOnTimeRate: rate,
    meanWorkingDays: z.number().nullable(),
    p90WorkingDays: z.number().nullable(),
  })
  .meta({ id: 'StatisticsFigures' });

const levelCounts = z.object(Object.fromEntries(EVALUATION_LEVELS.map((l) => [l, z.int()])) as Record<EvaluationLevel, z.ZodInt>);

export const EvaluationFiguresSchema = z
  .object({
    rated: z.int().meta({ description: 'reviews rated in the period that count (an upheld appeal excluded)' }),
    byLevel: levelCounts.meta({ description: 'by level: 非常满意 very-satisfied … 非常不满意 very-dissatisfied' }),
    goodReviewRate: rate.meta({ description: '好评率: 非常满意, 满意 and 基本满意 of the reviews that count' }),
    bad: z.int().meta({ description: '差评: 不满意 and 非常不满意' }),
    rectifiedOnTime: z.int(),
    rectifiedLate: z.int(),
    awaitedPastDue: z.int().meta({ description: 'bad reviews still unanswered past their due day' }),
    rectificationOnTimeRate: rate.meta({ description: 'answered on time, of those answered or due by now' }),
    appealsUpheld: z.int().meta({ description: "reviews no longer counted: the department's appeal was upheld" }),
  })
  .meta({ id: 'EvaluationFigures' });

export const DepartmentStatisticsSchema = z
  .object({
    departmentId: z.string(),
    departmentName: z.string(),
    itemsPublished: z.int().meta({ description: 'items listed in the catalogue now (published or suspended)' }),
    figures: FiguresSchema,
    byItemAndChannel: z.array(z.object({ itemCode: z.string(), channelId: z.string(), figures: FiguresSchema })),
    findingsByRule: z.record(z.string(), z.int()).meta({ description: 'supervision findings raised in the period, by rule' }),
    evaluations: EvaluationFiguresSchema.extend({ byItem: z.array(z.object({ itemCode: z.string(), figures: EvaluationFiguresSchema })) }).meta({
      description: "好差评 of the department's services rated in the period, overall and per item (`-`: a window visit without an item)",
    }),
  })
  .meta({ id: 'DepartmentStatistics' });

export const StatisticsSchema = z
  .object({
    period: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    departments: z.array(DepartmentStatisticsSchema),
  })
  .meta({ id: 'Statistics' });

export const PublicDepartmentFiguresSchema = z
  .object({
    departmentId: z.string(),
    departmentName: z.string(),
    itemsPublished: z.int(),
    received: z.int(),
    accepted: z.int(),
    refused: z.int(),
    approved: z.int(),
    denied: z.int(),
    withdrawn: z.int(),
    onlineShare: rate,
    promisedOnTimeRate: rate,
    statutoryOnTimeRate: rate,
    meanWorkingDays: z.number().nullable(),
    p90WorkingDays: z.number().nullable(),
    // 好差评 results (国办发〔2019〕51号): absent from the documents sealed before they were published.
    evaluationsRated: z.int().optional(),
    goodReviewRate: rate.optional(),
    rectificationOnTimeRate: rate.optional(),
  })
  .strict()
  .meta({ id: 'PublicDepartmentFigures' });
export type PublicDepartmentFigures = z.infer<typeof PublicDepartmentFiguresSchema>;

/** The columns of the public CSV, in order: the public figures' members. */
export const PUBLIC_COLUMNS = Object.keys(PublicDepartmentFiguresSchema.shape) as (keyof PublicDepartmentFigures)[];

export const PublicStatisticsSchema = z
  .object({
    period: z.string(),
    from: z.iso.date(),
    to: z.iso.date(),
    /** A sealed month: these are the figures of its sealed document (GET /v1/public/statistics/documents/{month}). */
    sealed: z.boolean(),
    departments: z.array(PublicDepartmentFiguresSchema),
  })
  .strict()
  .meta({ id: 'PublicStatistics' });
export type PublicStatistics = z.infer<typeof PublicStatisticsSchema>;

export const StatisticsDocumentSchema = z
  .object({
    month: z.string(),
    document: z.string().meta({ description: 'the canonical JSON (RFC 8785) that was sealed, UTF-8' }),
    seal: z.object({ protected: z.string(), signature: z.string() }).meta({ description: 'detached JWS over the document with the archive seal key' }),
    archiveKey: z.string().meta({ description: 'where the archive bucket holds it (its seal beside it, .seal.json)' }),
    sealedAt: z.iso.datetime(),
  })
  .meta({ id: 'StatisticsDocument' });

export const StatisticsCheckQuerySchema = z
  .object({
    period: z.string().regex(PERIOD).meta({ description: 'a month (2026-11) or a day (2026-11-05)' }),
    department: z.string().min(1).max(64),
    cursor: z.string().min(1).max(2048).optional().meta({ description: "the previous page's `cursor`: the check goes on from there" }),
  })
  .strict()
  .meta({ id: 'StatisticsCheckQuery' });

export const StatisticsCheckSchema = z
  .object({
    period: z.string(),
    department: z.string(),
    /** Cases read so far. */
    casesRead: z.int(),
    /** Facts recomputed from the case records so far (the steps in the period that count something). */
    factsRecomputed: z.int(),
    /** Differences found so far. */
    differing: z.int(),
    /** What this page found different (at most 100): a step whose fact is missing or differs, a day whose summary is not its facts' sum, the count. */
    differences: z.array(z.object({ kind: z.enum(['fact-missing', 'fact-differs', 'summary-differs', 'count-differs']), subject: z.string(), detail: z.string() })).max(100),
    /** Absent: the check is complete (`consistent` says its verdict). */
    cursor: z.string().optional(),
    consistent: z.boolean().optional(),
  })
  .meta({ id: 'StatisticsCheck' });

/** What a CSV answer of a public route is (its body a string, sent as it is). */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const STATISTICS_READ_ERRORS = ['STATISTICS_PERIOD_INVALID', 'STATISTICS_DEPARTMENT_FORBIDDEN'] as const;

/** The statistics routes (served by the `statistics` function), listed in the route table (routes.ts). */
export const STATISTICS_ROUTES = [
  {
    operationId: 'getStatistics',
    method: 'GET',
    path: '/v1/statistics',
    function: 'statistics',
    auth: 'iam',
    roles: ['platform', 'department', 'auditor'],
    summary:
      "A period's figures per department, item and channel (received, accepted, refused, decided, withdrawn, online share, on-time rates, working days, pauses, extensions, supplement rounds, escalations, findings by rule): a department its own, the platform role and auditors everyone's",
    query: StatisticsQuerySchema,
    response: StatisticsSchema,
    errors: STATISTICS_READ_ERRORS,
  },
  {
    operationId: 'checkStatistics',
    method: 'GET',
    path: '/v1/statistics/check',
    function: 'statistics',
    auth: 'iam',
    roles: ['platform', 'auditor'],
    summary:
      "Recomputes a department's figures of a period from the case records and compares them with the kept ones, a page of cases at a time (follow the cursor until there is none)",
    query: StatisticsCheckQuerySchema,
    response: StatisticsCheckSchema,
    errors: [...STATISTICS_READ_ERRORS, 'STATISTICS_CURSOR_INVALID'],
  },
  {
    operationId: 'getPublicStatistics',
    method: 'GET',
    path: '/v1/public/statistics',
    function: 'statistics',
    auth: 'public',
    summary:
      "The published figures of a period per department (001 §28): items listed, cases received, accepted, refused, approved, denied, withdrawn, the online share, on-time rates, mean and 90th-percentile working days; no personal data, no case numbers; JSON or CSV (format=csv). A sealed month answers its sealed document's figures",
    query: PublicStatisticsQuerySchema,
    response: PublicStatisticsSchema,
    errors: ['STATISTICS_PERIOD_INVALID'],
  },
  {
    operationId: 'getStatisticsDocument',
    method: 'GET',
    path: '/v1/public/statistics/documents/{month}',
    function: 'statistics',
    auth: 'public',
    summary: "A month's sealed statistics document (canonical JSON) and its seal by the platform's archive seal key: verify it with the published keys, or OpenSSL (README)",
    params: StatisticsMonthParamsSchema,
    response: StatisticsDocumentSchema,
    errors: ['STATISTICS_DOCUMENT_NOT_FOUND'],
  },
] as const satisfies readonly RouteSpec<'statistics'>[];
