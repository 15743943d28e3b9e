// The statistics on the wire (001 §28, 004 §33): a period's figures per department — in detail, per
// item and channel, for the department itself, the platform role and auditors — and the public
// figures (no personal data, no case numbers) with the month's sealed document.
import { z } from 'zod';

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

export const DepartmentStatisticsSchema = z
  .object({
    departmentId: z.string(),
    departmentName: z.string(),
    itemsPublished: z.int().meta({ description: 'items listed in the catalogue now (published or suspended)' }),
    figures: FiguresSchema,
    byItemAndChannel: z.array(z.object({ itemCode: z.string(), channelId: z.string(), figures: FiguresSchema })),
    findingsByRule: z.record(z.string(), z.int()).meta({ description: 'supervision findings raised in the period, by rule' }),
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
