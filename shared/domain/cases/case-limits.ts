// How far a case's repeating parts may grow, so that a case record stays bounded (DynamoDB's item
// limit, a history read in pages): every list a case keeps is bounded here or by what it is made of
// (joint tasks by the item's co-departments, at most 20; findings and archive exceptions by the
// pauses, supplement rounds and materials; 容缺 deliveries by the pending materials). Generous for any
// real case: the special procedures of 行政许可法 Art. 45 are a handful, and 一次性告知 (Art. 32)
// means a supplement round is asked for once and only about what the last supplement delivered.
import { conflict } from '../errors.ts';
import type { CaseState } from './case-record.ts';

export const CASE_LIMITS = {
  /** Pauses for special procedures (each with its resume). */
  pauses: 50,
  /** Supplement requests (一次性告知补正) over the case's life. */
  supplementRounds: 10,
  /** Corrections of the case record (更正, 000 §30), each of at most MAX_CORRECTION_FIELDS fields. */
  corrections: 20,
} as const;

export function requirePauseLeft(state: CaseState): void {
  if (state.pauses.length >= CASE_LIMITS.pauses) {
    throw conflict(
      'CASE_PAUSES_EXHAUSTED',
      `办件已暂停计时 ${state.pauses.length} 次，达到上限（${CASE_LIMITS.pauses} 次），不能再暂停；请依法作出决定或联系平台`,
      `case ${state.caseNo} has been paused ${state.pauses.length} times, the most a case may be (${CASE_LIMITS.pauses})`,
    );
  }
}

export function requireSupplementRoundLeft(state: CaseState): void {
  const rounds = state.supplementRounds ?? 0;
  if (rounds >= CASE_LIMITS.supplementRounds) {
    throw conflict(
      'CASE_SUPPLEMENT_ROUNDS_EXHAUSTED',
      `办件已要求补正 ${rounds} 次，达到上限（${CASE_LIMITS.supplementRounds} 次），不能再要求补正；请作出受理或不予受理的决定`,
      `case ${state.caseNo} has had ${rounds} supplement requests, the most a case may have (${CASE_LIMITS.supplementRounds}); accept or refuse it`,
    );
  }
}

export function requireCorrectionLeft(state: CaseState): void {
  const made = state.corrections?.length ?? 0;
  if (made >= CASE_LIMITS.corrections) {
    throw conflict(
      'CASE_CORRECTIONS_EXHAUSTED',
      `办件记录已更正 ${made} 次，达到上限（${CASE_LIMITS.corrections} 次），不能再更正；请联系平台`,
      `case ${state.caseNo} has been corrected ${made} times, the most a case record may be (${CASE_LIMITS.corrections})`,
    );
  }
}
