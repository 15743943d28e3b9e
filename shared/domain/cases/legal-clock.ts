// The legal clock of a case (行政许可法 Art. 42, 45, 82): time limits run in working days from the day
// after acceptance; special procedures (hearing, inspection, expert review…, 002 §16, 004 §19) pause
// it, and a working day does not count only if the clock stood still for all of it: the day a pause
// began and the day it ended ran in part, and count. Pausing every evening and resuming every
// morning stops nothing. Pure: dates in, dates out, the calendar injected.
import type { CountedDate, WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { invalid } from '../errors.ts';

/**
 * A pause of the clock, from the day it began to the day it ended. The working days strictly between
 * them do not count (the clock stood still for all of them); `from` and `to` themselves count. A
 * pause ended on the day it began, or the next day, excludes nothing. An open pause (`to` absent)
 * stops the clock: no deadline until it ends.
 */
export interface ClockPause {
  from: string;
  to?: string;
}

export interface ClockInput {
  /** China date of acceptance; the first counted day is the next working day. */
  acceptedOn: string;
  pauses: readonly ClockPause[];
}

export type ClockState = 'running' | 'paused' | 'overdue' | 'violation';

export interface ClockReading {
  state: ClockState;
  /** Working days counted so far (up to and including `asOf`). */
  elapsedDays: number;
  /** Undefined while the clock is paused: the deadline moves with the pause. */
  promisedDeadline?: string;
  statutoryDeadline?: string;
  /** Set when a date above was counted across a year without official data (statutory holidays alone). */
  provisional?: true;
}

export class LegalClock {
  constructor(private readonly calendar: WorkingDayCalendar) {}

  /**
   * The date on which the `days`-th counted working day falls, or undefined while paused;
   * provisional when the count crossed a year without official calendar data.
   */
  deadline(input: ClockInput, days: number): CountedDate | undefined {
    checkPauses(input);
    if (input.pauses.some((p) => p.to === undefined)) return undefined;
    let date = input.acceptedOn;
    let counted = 0;
    let provisional = false;
    while (counted < days) {
      const next = this.calendar.nextWorkingDay(date);
      date = next.date;
      if (next.provisional) provisional = true;
      if (!isPaused(date, input.pauses)) counted++;
    }
    return provisional ? { date, provisional: true } : { date };
  }

  /** Counted working days after acceptance up to and including `asOf`. */
  elapsed(input: ClockInput, asOf: string): number {
    checkPauses(input);
    let counted = 0;
    for (let date = input.acceptedOn; ;) {
      date = this.calendar.nextWorkingDay(date).date;
      if (date > asOf) return counted;
      if (!isPaused(date, input.pauses)) counted++;
    }
  }

  /** The clock on `asOf`; a provisional deadline never makes it overdue or in violation. */
  read(input: ClockInput, limits: { promisedDays: number; statutoryDays: number }, asOf: string): ClockReading {
    const elapsedDays = this.elapsed(input, asOf);
    if (input.pauses.some((p) => p.to === undefined)) return { state: 'paused', elapsedDays };
    const promised = this.deadline(input, limits.promisedDays)!;
    const statutory = this.deadline(input, limits.statutoryDays)!;
    const state: ClockState = asOf > statutory.date && !statutory.provisional ? 'violation' : asOf > promised.date && !promised.provisional ? 'overdue' : 'running';
    return {
      state,
      elapsedDays,
      promisedDeadline: promised.date,
      statutoryDeadline: statutory.date,
      ...(promised.provisional || statutory.provisional ? { provisional: true as const } : {}),
    };
  }
}

/** Whether the clock stood still for all of `date`: strictly after a pause began and before it ended. */
function isPaused(date: string, pauses: readonly ClockPause[]): boolean {
  return pauses.some((p) => date > p.from && (p.to === undefined || date < p.to));
}

function checkPauses(input: ClockInput): void {
  let previousEnd = input.acceptedOn;
  input.pauses.forEach((p, i) => {
    if (p.from < previousEnd) {
      throw invalid('CLOCK_PAUSE_OVERLAP', `pauses.${i}.from`, '暂停时段不能早于受理日或与前一时段重叠', `pause ${i} starts before acceptance or before the previous pause ended`);
    }
    if (p.to !== undefined && p.to < p.from) {
      throw invalid('CLOCK_PAUSE_ORDER', `pauses.${i}.to`, '恢复日期不能早于暂停日期', `pause ${i} ends before it begins`);
    }
    if (p.to === undefined && i !== input.pauses.length - 1) {
      throw invalid('CLOCK_PAUSE_OPEN', `pauses.${i}.to`, '只有最后一个暂停时段可以尚未结束', `pause ${i} is open but is not the last one`);
    }
    previousEnd = p.to ?? p.from;
  });
}
