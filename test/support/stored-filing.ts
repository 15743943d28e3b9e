// A case written straight into a case store by its two filing writes (the key taken, then the case),
// without the case service: no catalogue, no files kept. For the tests of a store and of what reads
// it; the filing's order and its retries are the service's (CaseService.file).
import type { CaseTransition } from '../../shared/domain/cases/case-record.ts';
import type { CaseStore } from '../../shared/domain/cases/case-store.ts';

export async function writeFiling(store: CaseStore, idempotencyKey: string, first: CaseTransition, requestDigest = 'request'): Promise<CaseTransition> {
  const { caseNo, channelId } = first.state;
  const holder = await store.claimFiling({ channelId, idempotencyKey, requestDigest, caseNo, ...first });
  if (holder) throw new Error(`${channelId}'s key ${idempotencyKey} holds case ${holder.caseNo} already`);
  await store.completeFiling(first);
  return first;
}
