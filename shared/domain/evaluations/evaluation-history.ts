// An evaluation's own history, hash-chained like a case's and a finding's (shared/domain/cases/
// case-history.ts, whose record history it is): each entry's hash covers its content and the previous
// entry's hash, and records the digest of the evaluation after it, so an entry changed, removed or
// moved — or a stored evaluation edited — no longer verifies.
import { recordEntry, verifyRecordHistory } from '../cases/case-history.ts';
import type { HistoryCheck, RecordHistoryKind } from '../cases/case-history.ts';
import type { Evaluation, EvaluationAction, EvaluationContext, EvaluationHistoryEntry, EvaluationTransition } from './evaluation.ts';

const EVALUATION_HISTORY: RecordHistoryKind<'evaluationId'> = { key: 'evaluationId', noun: 'evaluation', first: { type: 'rate', name: 'rating' } };

/** The one place an evaluation's next state becomes a history entry. */
export function recordEvaluation(
  evaluation: Omit<Evaluation, 'hash'>,
  type: EvaluationAction,
  from: Evaluation | null,
  payload: unknown,
  ctx: EvaluationContext,
): EvaluationTransition {
  const { record, entry } = recordEntry<'evaluationId', Evaluation, EvaluationHistoryEntry>(EVALUATION_HISTORY, evaluation, type, from, payload, ctx);
  return { evaluation: record, entry };
}

/** Checks an evaluation's whole history, oldest first (the first its rating); with `head`, also that it ends at that evaluation, unaltered. */
export function verifyEvaluationHistory(entries: readonly EvaluationHistoryEntry[], head?: Evaluation): HistoryCheck {
  return verifyRecordHistory(EVALUATION_HISTORY, entries, head);
}
