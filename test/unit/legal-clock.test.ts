// The legal clock on the real 2026 calendar: National Day (1-7 Oct off) and its make-up Saturday
// (10 Oct), pauses for special procedures, and the year end. Expected dates are counted by hand.
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { LegalClock } from '../../shared/domain/cases/legal-clock.ts';
import { refusal } from '../support/refusal.ts';

const clock = new LegalClock(officialCalendar);
// Accepted Tuesday 29 September 2026. Counted days: Wed 30 Sep (1), [1-7 Oct holiday], Thu 8 Oct (2),
// Fri 9 Oct (3), Sat 10 Oct make-up working day (4), [Sun 11], Mon 12 Oct (5), Tue 13 (6), Wed 14 (7).
const ACCEPTED = '2026-09-29';

describe('LegalClock.deadline', () => {
  it('counts working days from the day after acceptance, across National Day and its make-up Saturday', () => {
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [] }, 1)).toEqual({ date: '2026-09-30' });
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [] }, 2)).toEqual({ date: '2026-10-08' });
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [] }, 4)).toEqual({ date: '2026-10-10' });
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [] }, 5)).toEqual({ date: '2026-10-12' });
  });

  it('does not count a working day the clock stood still for all of: those strictly between the pause and the resumption', () => {
    // Paused Fri 9 Oct, resumed Tue 13 Oct: only 10 (make-up) and 12 Oct do not count; 9 and 13 ran in part.
    // Counted: 30 Sep (1), 8 Oct (2), 9 Oct (3), 13 Oct (4), 14 Oct (5).
    const input = { acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-09', to: '2026-10-13' }] };
    expect(clock.deadline(input, 5)).toEqual({ date: '2026-10-14' });
  });

  it('stops nothing for pauses every evening resumed every morning', () => {
    // Paused on the evenings of 8, 9 and 12 Oct, resumed the next mornings: no day stood still in full.
    const nightly = [
      { from: '2026-10-08', to: '2026-10-09' },
      { from: '2026-10-09', to: '2026-10-10' },
      { from: '2026-10-12', to: '2026-10-13' },
    ];
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: nightly }, 5)).toEqual(clock.deadline({ acceptedOn: ACCEPTED, pauses: [] }, 5));
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: nightly }, 5)).toEqual({ date: '2026-10-12' });
  });

  it('excludes nothing for a pause resumed the day it began, and has no deadline while paused', () => {
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-08', to: '2026-10-08' }] }, 5)).toEqual({ date: '2026-10-12' });
    expect(clock.deadline({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-08' }] }, 5)).toBeUndefined();
  });

  it('counts provisionally across the year end into 2027, which has no data, and says so', () => {
    // Accepted Mon 28 Dec 2026: Tue 29 (1), Wed 30 (2), Thu 31 (3), [Fri 1 Jan 元旦, the weekend], Mon 4 Jan (4).
    expect(clock.deadline({ acceptedOn: '2026-12-28', pauses: [] }, 3)).toEqual({ date: '2026-12-31' });
    expect(clock.deadline({ acceptedOn: '2026-12-28', pauses: [] }, 4)).toEqual({ date: '2027-01-04', provisional: true });
  });

  it('never reads a provisional deadline as overdue or in violation', () => {
    // Accepted Mon 7 Dec 2026: promised 5 → Mon 14 Dec; statutory 20 → Dec 8-31 is 18 days, then Jan 4, 5 (provisional).
    const input = { acceptedOn: '2026-12-07', pauses: [] };
    expect(clock.read(input, { promisedDays: 5, statutoryDays: 20 }, '2027-01-06')).toEqual({
      state: 'overdue',
      elapsedDays: 21,
      promisedDeadline: '2026-12-14',
      statutoryDeadline: '2027-01-05',
      provisional: true,
    });
  });

  it('refuses a year whose statutory holidays are not known: DEADLINE_CALENDAR_MISSING', () => {
    expect(refusal(() => clock.deadline({ acceptedOn: '2099-12-28', pauses: [] }, 5))).toMatchObject({ code: 'DEADLINE_CALENDAR_MISSING' });
  });

  it('refuses pauses that overlap, run backwards, or stay open before another', () => {
    expect(refusal(() => clock.deadline({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-09-01', to: '2026-10-09' }] }, 5))).toMatchObject({
      code: 'CLOCK_PAUSE_OVERLAP',
      field: 'pauses.0.from',
    });
    expect(refusal(() => clock.deadline({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-12', to: '2026-10-09' }] }, 5))).toMatchObject({ code: 'CLOCK_PAUSE_ORDER' });
    expect(refusal(() => clock.deadline({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-08' }, { from: '2026-10-12', to: '2026-10-13' }] }, 5))).toMatchObject({
      code: 'CLOCK_PAUSE_OPEN',
    });
    expect(
      refusal(() =>
        clock.deadline(
          {
            acceptedOn: ACCEPTED,
            pauses: [
              { from: '2026-10-08', to: '2026-10-12' },
              { from: '2026-10-09', to: '2026-10-13' },
            ],
          },
          5,
        ),
      ),
    ).toMatchObject({ code: 'CLOCK_PAUSE_OVERLAP', field: 'pauses.1.from' });
  });
});

describe('LegalClock.read', () => {
  const limits = { promisedDays: 5, statutoryDays: 7 };

  it('is running up to the promised deadline, overdue after it, in violation after the statutory one', () => {
    const input = { acceptedOn: ACCEPTED, pauses: [] };
    expect(clock.read(input, limits, '2026-10-12')).toEqual({ state: 'running', elapsedDays: 5, promisedDeadline: '2026-10-12', statutoryDeadline: '2026-10-14' });
    expect(clock.read(input, limits, '2026-10-13')).toMatchObject({ state: 'overdue', elapsedDays: 6 });
    expect(clock.read(input, limits, '2026-10-15')).toMatchObject({ state: 'violation', elapsedDays: 8 });
  });

  it('counts no holiday or paused day as elapsed, and reads paused while a pause is open', () => {
    expect(clock.elapsed({ acceptedOn: ACCEPTED, pauses: [] }, '2026-10-07')).toBe(1); // only 30 Sep
    // 30 Sep, 8 Oct and the day the pause began (9 Oct) count; then the clock stands still.
    expect(clock.read({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-09' }] }, limits, '2026-10-20')).toEqual({ state: 'paused', elapsedDays: 3 });
    // 30 Sep, 8, 9, 13, 14, 15 Oct: past the promised deadline (14 Oct), within the statutory one (16 Oct).
    expect(clock.read({ acceptedOn: ACCEPTED, pauses: [{ from: '2026-10-09', to: '2026-10-13' }] }, limits, '2026-10-15')).toMatchObject({
      state: 'overdue',
      elapsedDays: 6,
      promisedDeadline: '2026-10-14',
      statutoryDeadline: '2026-10-16',
    });
  });
});
