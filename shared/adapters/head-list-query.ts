// The parts of a list query over records' heads that every chained-record store builds the same way
// (findings, evaluations, tickets): the sort-key range of a span of China days on an index sorted by
// `<day>#<id>` or by `<instant>#<id>`, the range of a due list, and the criteria the index does not key
// as a filter on the heads' own attributes.
import { chinaDayStart, dayNumber, fromDayNumber } from '../domain/calendar/china-date.ts';
import type { IndexQuery } from './page-cursor.ts';

/** Sorts after every sort key that starts with a date or an instant and `#`. */
export const LAST_SORT_KEY = '~';
const FIRST_DATE = '0000-01-01';
const LAST_DATE = '9999-12-31';
const FIRST_INSTANT = '0000-01-01T00:00:00.000Z';
const LAST_INSTANT = '9999-12-31T23:59:59.999Z';

/** How an index's sort key begins: with the China day (`2026-12-07#…`) or with the instant (`2026-12-06T16:00:00.000Z#…`). */
export type SortedBy = 'day' | 'instant';

/**
 * The sort keys of the China days `from` to `to` (both inclusive, either open), or undefined when
 * neither is given: on an index sorted by instant, a day's range is its instants' (00:00 to 24:00 at UTC+8).
 */
export function daySpan(span: { from?: string | undefined; to?: string | undefined }, sortedBy: SortedBy): readonly [string, string] | undefined {
  const { from, to } = span;
  if (from === undefined && to === undefined) return undefined;
  if (sortedBy === 'day') return [from ?? FIRST_DATE, `${to ?? LAST_DATE}#${LAST_SORT_KEY}`];
  const start = from !== undefined ? chinaDayStart(from).toISOString() : FIRST_INSTANT;
  const end = to !== undefined ? new Date(chinaDayStart(fromDayNumber(dayNumber(to) + 1)).getTime() - 1).toISOString() : LAST_INSTANT;
  return [start, `${end}#${LAST_SORT_KEY}`];
}

/** The sort keys of a due list (`<dueOn>#<id>`) from the day `from` (or the first) through the day `through`. */
export function dueSpan(through: string, from?: string): readonly [string, string] {
  return [from ?? FIRST_DATE, `${through}#${LAST_SORT_KEY}`];
}

/** Head attributes that must equal the values given (undefined ones are no criterion), as a query filter; undefined when none is given. */
export function equalityFilter(criteria: Record<string, string | undefined>): IndexQuery['filter'] {
  const given = Object.entries(criteria).filter((c): c is [string, string] => c[1] !== undefined);
  if (given.length === 0) return undefined;
  return {
    expression: given.map((_, i) => `#f${i} = :f${i}`).join(' AND '),
    names: Object.fromEntries(given.map(([name], i) => [`#f${i}`, name])),
    values: Object.fromEntries(given.map(([, value], i) => [`:f${i}`, value])),
  };
}
