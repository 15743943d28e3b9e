// Calendar dates as `YYYY-MM-DD` strings in China's civil calendar. Deadlines are counted in whole
// days as people in China see them, so an instant must be turned into its Asia/Shanghai date before
// any counting; China has used UTC+8 without daylight saving since 1992, so a fixed offset is exact
// for every date the platform handles and needs no time-zone database.

import { isIsoDate } from '../../contracts/iso-date.ts';
import { invalid } from '../errors.ts';

export { isIsoDate };

/** The Asia/Shanghai calendar date (`YYYY-MM-DD`) of an instant. */
export function chinaDate(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) {
    throw invalid('INVALID_DATE', undefined, '时间点无效，无法换算为日期', 'cannot take the calendar date of an invalid Date');
  }
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Throws `INVALID_DATE` on `field` unless `value` is a real calendar date written `YYYY-MM-DD`. */
export function assertIsoDate(value: string, field: string): void {
  if (!isIsoDate(value)) {
    throw invalid('INVALID_DATE', field, `日期“${value}”无效，应为真实存在的日期，格式为YYYY-MM-DD`, `"${value}" is not a real calendar date in YYYY-MM-DD form`);
  }
}

/** Days since 1970-01-01 of a date already known to be valid; makes date arithmetic plain integers. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, for a date already known to be valid. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The instant a China calendar day begins (00:00 at UTC+8), for a date already known to be valid. */
export function chinaDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS);
}
