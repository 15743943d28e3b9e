import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.ts';
import shipped2026 from '../../shared/domain/calendar/data/cn-2026.json' with { type: 'json' };
import { type CalendarYearData, WorkingDayCalendar, chinaDate, officialCalendar, parseCalendarYear } from '../../shared/domain/calendar/official-calendar.ts';
import { statutoryHolidays } from '../../shared/domain/calendar/statutory-holidays.ts';

// Test fixture, not the State Council's arrangement: the statutory days off of 2027 (the law's) and
// New Year's weekend, no make-up days.
const fixture2027: CalendarYearData = {
  year: 2027,
  source: 'test fixture',
  version: 1,
  holidays: statutoryHolidays(2027).map((h) => (h.name === '元旦' ? { name: h.name, days: ['2027-01-01', '2027-01-02', '2027-01-03'] } : h)),
  makeupWorkdays: [],
};

describe('shipped 2026 data', () => {
  it('holds the notice of 2025-11-04 with each break under its holiday', () => {
    expect(officialCalendar.years()).toEqual([2026]);
    expect(officialCalendar.sources()).toEqual([{ year: 2026, version: 1, source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)' }]);
    const ranges = Object.fromEntries(shipped2026.holidays.map((h) => [h.name, [h.days[0], h.days.at(-1), h.days.length]]));
    expect(ranges).toEqual({
      元旦: ['2026-01-01', '2026-01-03', 3],
      春节: ['2026-02-15', '2026-02-23', 9],
      清明节: ['2026-04-04', '2026-04-06', 3],
      劳动节: ['2026-05-01', '2026-05-05', 5],
      端午节: ['2026-06-19', '2026-06-21', 3],
      中秋节: ['2026-09-25', '2026-09-27', 3],
      国庆节: ['2026-10-01', '2026-10-07', 7],
    });
    expect(shipped2026.makeupWorkdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('gives 248 working days in 2026: 261 weekdays, 19 of them off, 6 weekend days worked', () => {
    expect(officialCalendar.countWorkingDays('2025-12-31', '2026-12-31').days).toBe(248);
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2026-01-01', false, 'New Year (Thu)'],
    ['2026-01-04', true, 'make-up Sunday'],
    ['2026-01-10', false, 'ordinary Saturday'],
    ['2026-01-12', true, 'ordinary Monday'],
    ['2026-02-14', true, 'make-up Saturday before the Spring Festival'],
    ['2026-02-16', false, 'Spring Festival Monday'],
    ['2026-02-23', false, 'last Spring Festival day (Mon)'],
    ['2026-02-24', true, 'first day back'],
    ['2026-02-28', true, 'make-up Saturday after the Spring Festival'],
    ['2026-04-06', false, 'Qingming Monday'],
    ['2026-05-09', true, 'make-up Saturday after Labour Day'],
    ['2026-06-19', false, 'Dragon Boat Friday'],
    ['2026-09-20', true, 'make-up Sunday'],
    ['2026-09-25', false, 'Mid-Autumn Friday'],
    ['2026-10-07', false, 'National Day Wednesday'],
    ['2026-10-08', true, 'first day back (Thu)'],
    ['2026-10-10', true, 'make-up Saturday'],
    ['2026-10-11', false, 'ordinary Sunday'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(officialCalendar.isWorkingDay(date)).toBe(expected);
  });
});

describe('addWorkingDays and nextWorkingDay', () => {
  it('jumps the National Day break and counts the make-up Saturday', () => {
    expect(officialCalendar.addWorkingDays('2026-09-30', 1).date).toBe('2026-10-08');
    expect(officialCalendar.addWorkingDays('2026-09-30', 2).date).toBe('2026-10-09');
    expect(officialCalendar.addWorkingDays('2026-09-30', 3).date).toBe('2026-10-10');
    expect(officialCalendar.addWorkingDays('2026-09-30', 4).date).toBe('2026-10-12');
    expect(officialCalendar.nextWorkingDay('2026-09-30').date).toBe('2026-10-08');
  });

  it('lands on make-up weekend days', () => {
    expect(officialCalendar.addWorkingDays('2026-09-19', 1).date).toBe('2026-09-20');
    expect(officialCalendar.addWorkingDays('2026-09-18', 1).date).toBe('2026-09-20');
    expect(officialCalendar.nextWorkingDay('2026-02-13').date).toBe('2026-02-14');
  });

  it('crosses the Spring Festival', () => {
    expect(officialCalendar.addWorkingDays('2026-02-13', 2).date).toBe('2026-02-24');
    // A 20-working-day decision limit from acceptance on Tue 2026-02-10: Feb 11, 12, 13, 14 (make-up
    // Sat), 24, 25, 26, 27, 28 (make-up Sat), Mar 2-6, 9-13, 16.
    expect(officialCalendar.addWorkingDays('2026-02-10', 20).date).toBe('2026-03-16');
  });

  it('with n = 0 returns a working day itself, else the next working day', () => {
    expect(officialCalendar.addWorkingDays('2026-09-30', 0).date).toBe('2026-09-30');
    expect(officialCalendar.addWorkingDays('2026-10-10', 0).date).toBe('2026-10-10');
    expect(officialCalendar.addWorkingDays('2026-10-01', 0).date).toBe('2026-10-08');
    expect(officialCalendar.addWorkingDays('2026-01-10', 0).date).toBe('2026-01-12');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses n = %s', (n) => {
    expect(caught(() => officialCalendar.addWorkingDays('2026-09-30', n))).toMatchObject({
      code: 'INVALID_WORKING_DAYS',
      kind: 'invalid',
      field: 'n',
    });
  });

  it('lands on a working day that countWorkingDays measures as n away, from every day of the year', () => {
    for (let day = 0; day < 330; day++) {
      const start = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      for (const n of [1, 2, 5, 20]) {
        const end = officialCalendar.addWorkingDays(start, n).date;
        expect(officialCalendar.isWorkingDay(end)).toBe(true);
        expect(officialCalendar.countWorkingDays(start, end).days).toBe(n);
        expect(officialCalendar.countWorkingDays(end, start).days).toBe(-n);
      }
    }
  });
});

describe('countWorkingDays', () => {
  it('counts (from, to] across the Spring Festival, negative when reversed', () => {
    // Feb 14 (make-up Sat), 24, 25, 26, 27, 28 (make-up Sat).
    expect(officialCalendar.countWorkingDays('2026-02-13', '2026-02-28').days).toBe(6);
    expect(officialCalendar.countWorkingDays('2026-02-28', '2026-02-13').days).toBe(-6);
    expect(officialCalendar.countWorkingDays('2026-02-14', '2026-02-23').days).toBe(0);
    expect(officialCalendar.countWorkingDays('2026-05-06', '2026-05-06').days).toBe(0);
  });
});

describe('a year without data: counted provisionally on the statutory holidays', () => {
  it("counts into 2027 with weekends and the law's days off, and says the result is provisional", () => {
    // Dec 29, 30, 31, then Fri Jan 1 (元旦, the law's) and the weekend, then Mon Jan 4 and Tue Jan 5.
    expect(officialCalendar.addWorkingDays('2026-12-28', 3)).toEqual({ date: '2026-12-31' });
    expect(officialCalendar.addWorkingDays('2026-12-28', 5)).toEqual({ date: '2027-01-05', provisional: true });
    expect(officialCalendar.nextWorkingDay('2026-12-31')).toEqual({ date: '2027-01-04', provisional: true });
    expect(officialCalendar.countWorkingDays('2026-12-30', '2027-01-04')).toEqual({ days: 2, provisional: true });
    expect(officialCalendar.countWorkingDays('2026-12-01', '2026-12-31')).toEqual({ days: 22 });
  });

  it('gives the Spring Festival of 2027 its eve and first three days off, and no make-up days', () => {
    // Thu Feb 4; Fri Feb 5 除夕, Sat-Mon Feb 6-8 初一至初三; Tue Feb 9.
    expect(officialCalendar.addWorkingDays('2027-02-04', 1)).toEqual({ date: '2027-02-09', provisional: true });
    expect(officialCalendar.dayStatus('2027-02-05')).toEqual({ working: false, provisional: true });
    expect(officialCalendar.dayStatus('2027-01-02')).toEqual({ working: false, provisional: true });
    expect(officialCalendar.dayStatus('2026-01-04')).toEqual({ working: true });
  });

  it('answers whether a day is a working day officially only where the year is loaded', () => {
    const error = caught(() => officialCalendar.isWorkingDay('2027-01-04'));
    expect(error).toMatchObject({ code: 'DEADLINE_CALENDAR_MISSING', kind: 'unavailable' });
    expect(error.messageZh).toContain('2027年');
  });

  it('refuses a year whose statutory holidays are not known, instead of guessing weekdays', () => {
    expect(caught(() => officialCalendar.dayStatus('2007-12-31'))).toMatchObject({ code: 'DEADLINE_CALENDAR_MISSING', kind: 'unavailable' });
    expect(caught(() => officialCalendar.countWorkingDays('2026-01-05', '2007-12-30')).message).toContain('2007');
  });

  it('records which data version each year was counted with (0: provisionally), and where the loaded data ends', () => {
    expect(officialCalendar.versionsBetween('2026-12-28', '2027-01-05')).toEqual({ 2026: 1, 2027: 0 });
    expect(officialCalendar.version(2026)).toBe(1);
    expect(officialCalendar.version(2027)).toBeUndefined();
    expect(officialCalendar.loadedUntil('2026-12-06')).toBe('2026-12-31');
    expect(officialCalendar.loadedUntil('2027-01-04')).toBeUndefined();
    expect(new WorkingDayCalendar([fixture2027, shipped2026]).loadedUntil('2026-12-06')).toBe('2027-12-31');
  });

  it('counts officially across the year end once the next year is loaded', () => {
    const calendar = new WorkingDayCalendar([fixture2027, shipped2026]);
    expect(calendar.years()).toEqual([2026, 2027]);
    // Dec 29, 30, 31, then Jan 1-3 off, then Mon Jan 4 and Tue Jan 5.
    expect(calendar.addWorkingDays('2026-12-28', 5)).toEqual({ date: '2027-01-05' });
    expect(calendar.countWorkingDays('2026-12-30', '2027-01-04')).toEqual({ days: 2 });
    expect(calendar.nextWorkingDay('2026-12-31')).toEqual({ date: '2027-01-04' });
    expect(calendar.versionsBetween('2026-12-28', '2027-01-05')).toEqual({ 2026: 1, 2027: 1 });
  });

  it('compares dates without needing data', () => {
    expect(officialCalendar.compareDates('2030-01-01', '2029-12-31')).toBe(1);
    expect(officialCalendar.compareDates('2026-02-09', '2026-02-10')).toBe(-1);
    expect(officialCalendar.compareDates('2026-02-10', '2026-02-10')).toBe(0);
  });
});

describe('dates', () => {
  it.each(['2026-9-30', '2026-02-29', '20260930', '', '2026-09-30T00:00:00Z', '0099-01-01'])('refuses %j', (date) => {
    expect(caught(() => officialCalendar.isWorkingDay(date))).toMatchObject({ code: 'INVALID_DATE', kind: 'invalid', field: 'date' });
  });

  it('names the argument that is malformed', () => {
    expect(caught(() => officialCalendar.countWorkingDays('2026-01-05', '2026-13-01')).field).toBe('toInclusive');
    expect(caught(() => officialCalendar.compareDates('2026/01/05', '2026-01-05')).field).toBe('a');
  });

  it('takes an instant to its Asia/Shanghai date (UTC+8)', () => {
    expect(chinaDate(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(chinaDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
    expect(chinaDate(new Date('2026-12-31T23:00:00-08:00'))).toBe('2027-01-01');
    expect(caught(() => chinaDate(new Date('not a date'))).code).toBe('INVALID_DATE');
  });
});

describe('data validation', () => {
  const base = (): CalendarYearData => structuredClone(fixture2027);

  it.each<[string, (d: CalendarYearData) => unknown, string, string]>([
    ['a make-up day on a weekday', (d) => ({ ...d, makeupWorkdays: ['2027-01-04'] }), 'makeupWorkdays.0', 'is a weekday'],
    ['a holiday in another year', (d) => ({ ...d, holidays: [{ name: '元旦', days: ['2026-12-31'] }] }), 'holidays.0.days.0', 'is not in 2027'],
    ['a make-up day in another year', (d) => ({ ...d, makeupWorkdays: ['2026-12-27'] }), 'makeupWorkdays.0', 'is not in 2027'],
    ['a day both off and worked', (d) => ({ ...d, makeupWorkdays: ['2027-01-02'] }), 'makeupWorkdays.0', 'both a holiday and a make-up working day'],
    ['a date that does not exist', (d) => ({ ...d, holidays: [{ name: '春节', days: ['2027-02-29'] }] }), 'holidays.0.days.0', 'not a real calendar date'],
    ['a date in another format', (d) => ({ ...d, makeupWorkdays: ['2027/02/06'] }), 'makeupWorkdays.0', 'not a real calendar date'],
    ['a holiday day listed twice', (d) => ({ ...d, holidays: [...d.holidays, { name: '调休', days: ['2027-01-03'] }] }), 'holidays.7.days.0', 'listed as a holiday twice'],
    ['a holiday name listed twice', (d) => ({ ...d, holidays: [...d.holidays, { name: '元旦', days: ['2027-02-10'] }] }), 'holidays.7.name', 'listed twice'],
    ['an empty holiday', (d) => ({ ...d, holidays: [{ name: '元旦', days: [] }] }), 'holidays.0.days', ''],
    ['a statutory holiday worked', (d) => ({ ...d, holidays: d.holidays.filter((h) => h.name !== '清明节') }), 'holidays', '2027-04-05 is a statutory holiday'],
    [
      'the Spring Festival eve worked (a Friday)',
      (d) => ({ ...d, holidays: d.holidays.map((h) => (h.name === '春节' ? { ...h, days: h.days.slice(1) } : h)) }),
      'holidays',
      '2027-02-05 is a statutory holiday',
    ],
    [
      'a statutory holiday on a weekend made a working day',
      (d) => ({ ...d, holidays: d.holidays.map((h) => (h.name === '春节' ? { ...h, days: h.days.filter((x) => x !== '2027-02-06') } : h)), makeupWorkdays: ['2027-02-06'] }),
      'holidays',
      '2027-02-06 is a statutory holiday',
    ],
    ['a misspelt field', (d) => ({ ...d, makeupWorkday: [] }), '', 'makeupWorkday'],
    ['a missing source', (d) => ({ ...d, source: '' }), 'source', ''],
    ['a version that is not a positive integer', (d) => ({ ...d, version: 0 }), 'version', ''],
  ])('rejects %s', (_reason, corrupt, field, message) => {
    const error = caught(() => parseCalendarYear(corrupt(base()), 'cn-2027.json'));
    expect(error).toMatchObject({ code: 'INVALID_CALENDAR_DATA', kind: 'invalid' });
    if (field) expect(error.field).toBe(field);
    expect(error.message).toContain('cn-2027.json');
    expect(error.message).toContain(message);
    expect(() => new WorkingDayCalendar([corrupt(base()) as CalendarYearData])).toThrow(DomainError);
  });

  it('accepts the fixture and the shipped file as they are', () => {
    expect(parseCalendarYear(base())).toEqual(fixture2027);
    expect(parseCalendarYear(shipped2026)).toEqual(shipped2026);
  });

  it('rejects the same year twice', () => {
    expect(caught(() => new WorkingDayCalendar([shipped2026, shipped2026]))).toMatchObject({
      code: 'INVALID_CALENDAR_DATA',
      field: 'year',
    });
  });

  it('keeps its own copy of the data it was built from', () => {
    const data = base();
    const calendar = new WorkingDayCalendar([data]);
    data.holidays[0]!.days.push('2027-01-04');
    expect(calendar.isWorkingDay('2027-01-04')).toBe(true);
  });
});

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}
