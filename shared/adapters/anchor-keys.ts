// The anchor queue's keys on a case head (CASES_TABLE.indexes.anchorQueue): which heads changed, and
// when, read by the anchor journals (shared/domain/anchors) without a scan. A head carries
//   anchorPk  ANCHOR#<shard 0-31>                                (the shard: a hash of the case number)
//   anchorSk  <changed at>#<caseNo>#<version>#<entry hash>        (changed at: the writer's clock, ISO)
// so the index, holding keys alone, lists each head once, by the time it was written at its version,
// with all an anchor leaf needs. A head moved to a newer version moves in the index; one written again
// at its version is not rewritten (the head's own condition), so it keeps its time.
import type { ChangedHead } from '../domain/anchors/anchor-ports.ts';
import { parseLeafLine } from '../domain/anchors/anchor-tree.ts';
import { CASES_TABLE } from './table-layout.ts';
import { hashShard, shardedKey } from './shard-keys.ts';

const ix = CASES_TABLE.indexes.anchorQueue;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Sorts after every case number, version and hash that may follow a time's `#`. */
export const AFTER_INSTANT = '#~';

/** The anchor queue's index keys of a head at `version` of `caseNo`, with entry hash `hash`, written at `changedAt`. */
export function anchorQueueKeys(head: { caseNo: string; version: number; hash: string }, changedAt: string): Record<string, string> {
  return {
    [ix.partitionKey]: anchorShardKey(anchorShard(head.caseNo)),
    [ix.sortKey]: `${changedAt}#${head.caseNo}#${head.version}#${head.hash}`,
  };
}

export const anchorShardKey = (shard: number) => shardedKey('ANCHOR', shard);

/** The shard of a case in the anchor queue. */
export function anchorShard(caseNo: string): number {
  return hashShard(`anchor#${caseNo}`, CASES_TABLE.anchorQueueShards);
}

/** The head a sort key of the anchor queue names; undefined when it is not one. */
export function changedHeadOf(sortKey: string): ChangedHead | undefined {
  const [changedAt, caseNo, version, hash, ...rest] = sortKey.split('#');
  if (rest.length > 0 || changedAt === undefined || !INSTANT.test(changedAt)) return undefined;
  const leaf = parseLeafLine(`${caseNo} ${version} ${hash}`);
  return leaf && { ...leaf, changedAt };
}
