// The official holiday arrangements as the API carries them: a year's document is exactly the file
// format of shared/domain/calendar/data/ (its shape here; its consistency rules, the law's holidays
// among them, are the domain's: calendarYearSchema refines this one, and the platform function's edge
// checks a load with it), and what is kept of each load.
import * as z from 'zod';
import type { ErrorCode } from './error-codes.ts';
import { isIsoDate } from './iso-date.ts';

const date = z.iso.date();

/** The first and last year whose statutory holidays the platform knows (the revisions from 2008; checked to 2099). */
export const STATUTORY_YEARS = { first: 2008, last: 2099 } as const;

const isoDateString = () => z.string().refine(isIsoDate, { message: 'not a real calendar date in YYYY-MM-DD form' });

export const CalendarYearDocumentSchema = z
  .strictObject({
    year: z.number().int().min(1949).max(9999),
    source: z.string().trim().min(1),
    version: z.number().int().positive(),
    holidays: z.array(
      z.strictObject({
        name: z.string().trim().min(1),
        days: z.array(isoDateString()).min(1),
      }),
    ),
    makeupWorkdays: z.array(isoDateString()),
  })
  .meta({
    id: 'CalendarYear',
    description:
      "one year of the State Council's holiday arrangement (国务院办公厅关于YYYY年部分节假日安排的通知): every day off by holiday, the weekend days worked (调休上班); every statutory holiday of 《全国年节及纪念日放假办法》 must be off",
  });

export const CalendarYearParamsSchema = z
  .object({ year: z.coerce.number().int().min(STATUTORY_YEARS.first).max(STATUTORY_YEARS.last).meta({ description: 'the year, 2008-2099' }) })
  .strict();

const CalendarVersionSchema = z
  .object({
    year: z.int(),
    version: z.int(),
    data: CalendarYearDocumentSchema,
    loadedAt: z.iso.datetime(),
    loadedBy: z.string().meta({ description: 'the principal that loaded it; `system` for a year shipped with the platform' }),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'CalendarVersion' });

export const CalendarOverviewSchema = z
  .object({
    years: z.array(
      z.object({
        year: z.int(),
        version: z.int(),
        source: z.string(),
        loadedAt: z.iso.datetime(),
        loadedBy: z.string(),
        hash: z.string(),
        shipped: z.literal(true).optional().meta({ description: 'shipped with the platform and not stored by a load yet' }),
      }),
    ),
    today: date,
    loadedUntil: date.optional().meta({ description: "the last day of the loaded run of years that holds today; absent: today's year is not loaded" }),
    provisionalFrom: date.meta({ description: 'from this day on, working days are counted provisionally on the statutory holidays alone' }),
  })
  .meta({ id: 'CalendarOverview' });

export const CalendarYearViewSchema = z
  .object({
    year: z.int(),
    current: CalendarVersionSchema,
    versions: z.array(CalendarVersionSchema),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), version: z.int(), reason: z.string() })]),
    statutoryHolidays: z.array(z.object({ name: z.string(), days: z.array(date) })).optional(),
  })
  .meta({ id: 'CalendarYearView' });

export const CalendarLoadResultSchema = z
  .object({ version: CalendarVersionSchema, replayed: z.boolean().meta({ description: 'the same document was loaded before: answered as stored' }) })
  .meta({ id: 'CalendarLoadResult' });

/** A document that breaks the format or its rules (a statutory holiday worked…) is refused at the edge: VALIDATION_FAILED with the field. */
export const CALENDAR_LOAD_ERRORS = ['CALENDAR_YEAR_MISMATCH', 'CALENDAR_VERSION_CONFLICT'] as const satisfies readonly ErrorCode[];
