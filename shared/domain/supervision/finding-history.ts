// A finding's own history, hash-chained like a case's (shared/domain/cases/case-history.ts, whose
// record history it is): each entry's hash covers its content and the previous entry's hash, and
// records the digest of the finding after it, so an entry changed, removed or moved — or a stored
// finding edited — no longer verifies.
import { recordEntry, verifyRecordHistory } from '../cases/case-history.ts';
import type { HistoryCheck, RecordHistoryKind } from '../cases/case-history.ts';
import type { Finding, FindingAction, FindingContext, FindingHistoryEntry, FindingTransition } from './finding.ts';

const FINDING_HISTORY: RecordHistoryKind<'findingId'> = { key: 'findingId', noun: 'finding', first: { type: 'raise', name: 'raising' } };

/** The one place a finding's next state becomes a history entry. */
export function recordFinding(finding: Omit<Finding, 'hash'>, type: FindingAction, from: Finding | null, payload: unknown, ctx: FindingContext): FindingTransition {
  const { record, entry } = recordEntry<'findingId', Finding, FindingHistoryEntry>(FINDING_HISTORY, finding, type, from, payload, ctx);
  return { finding: record, entry };
}

/** Checks a finding's whole history, oldest first (the first its raising); with `head`, also that it ends at that finding, unaltered. */
export function verifyFindingHistory(entries: readonly FindingHistoryEntry[], head?: Finding): HistoryCheck {
  return verifyRecordHistory(FINDING_HISTORY, entries, head);
}
