// The list queries' shared parts: the sort keys of a span of China days (by day or by instant), the due
// list's, and the equality filter on heads' attributes.
import { describe, expect, it } from 'vitest';
import { LAST_SORT_KEY, daySpan, dueSpan, equalityFilter } from '../../shared/adapters/head-list-query.ts';
import { chinaDate, chinaDayStart } from '../../shared/domain/calendar/china-date.ts';

describe('head list queries', () => {
  it('gives a China day as the instants from its midnight at UTC+8 to the last millisecond before the next one', () => {
    // Act
    const span = daySpan({ from: '2026-12-31', to: '2026-12-31' }, 'instant')!;

    // Assess: 16:00 UTC the day before, to 15:59:59.999 UTC on the day; both ends are that China day.
    expect(span).toEqual(['2026-12-30T16:00:00.000Z', `2026-12-31T15:59:59.999Z#${LAST_SORT_KEY}`]);
    expect(chinaDate(new Date(span[0]))).toBe('2026-12-31');
    expect(chinaDate(new Date(span[1].slice(0, 24)))).toBe('2026-12-31');
    expect(chinaDate(new Date(Date.parse(span[1].slice(0, 24)) + 1))).toBe('2027-01-01');
    expect(chinaDayStart('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('keeps a day-sorted span inclusive of the last day’s ids, leaves an open end open, and is no span when neither end is given', () => {
    // Act
    const both = daySpan({ from: '2026-12-01', to: '2026-12-07' }, 'day')!;
    const toOnly = daySpan({ to: '2026-12-07' }, 'instant')!;

    // Assess: `2026-12-07#<id>` sorts inside, `2026-12-08#…` outside.
    expect('2026-12-07#ffffffff' <= both[1] && '2026-12-07#ffffffff' >= both[0]).toBe(true);
    expect('2026-12-08#00000000' > both[1]).toBe(true);
    expect(toOnly[0] < '1970-01-01').toBe(true);
    expect(daySpan({}, 'day')).toBeUndefined();
    expect(dueSpan('2026-12-06')).toEqual(['0000-01-01', `2026-12-06#${LAST_SORT_KEY}`]);
    expect(dueSpan('2026-12-06', '2026-12-01')[0]).toBe('2026-12-01');
  });

  it('filters on the criteria given, none for those left out', () => {
    // Act
    const filter = equalityFilter({ state: 'assigned', ticketKind: undefined, departmentId: 'D1' });

    // Assess
    expect(filter).toEqual({ expression: '#f0 = :f0 AND #f1 = :f1', names: { '#f0': 'state', '#f1': 'departmentId' }, values: { ':f0': 'assigned', ':f1': 'D1' } });
    expect(equalityFilter({ state: undefined })).toBeUndefined();
  });
});
