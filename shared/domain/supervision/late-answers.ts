// The answers owed to the public that the supervision watch's daily pass raises when late (a bad
// review's rectification, a ticket's answer: the rules `evaluation-rectification-late`,
// `ticket-answer-late`). Each service that keeps such answers lists them by due day; what is late is
// read the same way for all of them, here once: the due list through yesterday (from `dueFrom`, the
// day the last pass ran, so what it reported is not read again), each record still late as its occurrence.
import type { RuleOccurrence } from '../../contracts/supervision-rules.ts';
import { dayNumber, fromDayNumber } from '../calendar/china-date.ts';

export interface LatePage {
  limit: number;
  cursor?: string | undefined;
  /** Due on or after this day only. */
  dueFrom?: string | undefined;
}

/** A service that says which of the answers owed to the public it keeps are late. */
export interface LateAnswers {
  /** The answers awaited past their due day as of `today` (due before it), a page of the due list at a time. */
  lateOccurrences(today: string, page: LatePage): Promise<{ occurrences: RuleOccurrence[]; nextCursor?: string }>;
}

/** A due list: records due through a day (from a day), soonest due first, a page at a time. */
export type DueList<R> = (through: string, page: { limit: number; cursor?: string | undefined }, from?: string) => Promise<{ records: readonly R[]; nextCursor?: string }>;

/** The late answers of a due list: each record `occurrenceOf` finds late on `today` (undefined: not late) is one occurrence. */
export function lateAnswersOf<R>(due: DueList<R>, occurrenceOf: (record: R, today: string) => RuleOccurrence | undefined): LateAnswers {
  return {
    async lateOccurrences(today, page) {
      const yesterday = fromDayNumber(dayNumber(today) - 1);
      const read = await due(yesterday, page.cursor !== undefined ? { limit: page.limit, cursor: page.cursor } : { limit: page.limit }, page.dueFrom);
      const occurrences = read.records.flatMap((r) => occurrenceOf(r, today) ?? []);
      return read.nextCursor !== undefined ? { occurrences, nextCursor: read.nextCursor } : { occurrences };
    },
  };
}
