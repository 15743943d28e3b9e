// An evaluation's own history, hash-chained like a case's and a finding's (shared/domain/cases/
// case-history.ts, whose entry body, hashing and chain check it uses): each entry's hash covers its
// content and the previous entry's hash, and records the digest of the evaluation after it, so an
// entry changed, removed or moved — or a stored evaluation edited — no longer verifies.
import { EntryChainCheck, entryBody, hashEntry, stateDigest } from '../cases/case-history.ts';
import type { HistoryCheck } from '../cases/case-history.ts';
import type { Evaluation, EvaluationAction, EvaluationContext, EvaluationHistoryEntry, EvaluationTransition } from './evaluation.ts';

/** The one place an evaluation's next state becomes a history entry: digests and hash, chained to the one before, the state stamped with it. */
export function recordEvaluation(
  evaluation: Omit<Evaluation, 'hash'>,
  type: EvaluationAction,
  from: Evaluation | null,
  payload: unknown,
  ctx: EvaluationContext,
): EvaluationTransition {
  const body = { evaluationId: evaluation.id, ...entryBody(evaluation.version, type, ctx, from?.state ?? null, evaluation.state, payload, evaluation, from?.hash) };
  const entry: EvaluationHistoryEntry = { ...body, hash: hashEntry<EvaluationHistoryEntry>(body) };
  return { evaluation: { ...evaluation, hash: entry.hash }, entry };
}

/**
 * Checks an evaluation's whole history, oldest first (entries 1…n of one evaluation, each intact and
 * chained, the first its rating); with `head`, also that it ends at that evaluation, unaltered.
 */
export function verifyEvaluationHistory(entries: readonly EvaluationHistoryEntry[], head?: Evaluation): HistoryCheck {
  const chain = new EntryChainCheck<EvaluationHistoryEntry>({ subjectOf: (e) => e.evaluationId, noun: 'evaluation', first: { type: 'rate', name: 'rating' } });
  for (const entry of entries) if (!chain.push(entry)) break;
  return chain.result(head && { subject: head.id, version: head.version, hash: head.hash, digest: stateDigest(head) });
}
