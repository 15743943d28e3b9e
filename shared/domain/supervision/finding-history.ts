// A finding's own history, hash-chained like a case's (shared/domain/cases/case-history.ts, whose
// hashing and chain check it uses): each entry's hash covers its content and the previous entry's
// hash, and records the digest of the finding after it, so an entry changed, removed or moved — or a
// stored finding edited — no longer verifies.
import { EntryChainCheck, entryBody, hashEntry, stateDigest } from '../cases/case-history.ts';
import type { HistoryCheck } from '../cases/case-history.ts';
import type { Finding, FindingAction, FindingContext, FindingHistoryEntry, FindingTransition } from './finding.ts';

/** The one place a finding's next state becomes a history entry: digests and hash, chained to the one before, the state stamped with it. */
export function recordFinding(finding: Omit<Finding, 'hash'>, type: FindingAction, from: Finding | null, payload: unknown, ctx: FindingContext): FindingTransition {
  const body = { findingId: finding.id, ...entryBody(finding.version, type, ctx, from?.state ?? null, finding.state, payload, finding, from?.hash) };
  const entry: FindingHistoryEntry = { ...body, hash: hashEntry<FindingHistoryEntry>(body) };
  return { finding: { ...finding, hash: entry.hash }, entry };
}

/**
 * Checks a finding's whole history, oldest first (entries 1…n of one finding, each intact and chained,
 * the first its raising); with `head`, also that it ends at that finding, unaltered.
 */
export function verifyFindingHistory(entries: readonly FindingHistoryEntry[], head?: Finding): HistoryCheck {
  const chain = new EntryChainCheck<FindingHistoryEntry>({ subjectOf: (e) => e.findingId, noun: 'finding', first: { type: 'raise', name: 'raising' } });
  for (const entry of entries) if (!chain.push(entry)) break;
  return chain.result(head && { subject: head.id, version: head.version, hash: head.hash, digest: stateDigest(head) });
}
