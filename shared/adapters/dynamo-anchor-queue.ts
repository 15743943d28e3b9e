// The anchor queue on DynamoDB: the case heads that changed in a window of time, read from the cases
// table's anchorQueue index (anchor-keys.ts) one shard after another — a Query per shard and page,
// never a scan — and the hint of the newest anchor journal, one item beside the sweep's calendar note.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { AnchorHint, AnchorProgress, AnchorQueue, ChangedHead } from '../domain/anchors/anchor-ports.ts';
import { AFTER_INSTANT, anchorShardKey, changedHeadOf } from './anchor-keys.ts';
import { CASES_TABLE } from './table-layout.ts';

const ix = CASES_TABLE.indexes.anchorQueue;
/** The hint of the newest anchor journal. */
export const ANCHOR_HINT_KEY = { pk: 'SWEEP', sk: 'ANCHOR' } as const;

export class DynamoAnchorQueue implements AnchorQueue, AnchorProgress {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async changedHeads(after: string | null, through: string, limit: number): Promise<{ heads: ChangedHead[]; through: string }> {
    const shards = await Promise.all(Array.from({ length: CASES_TABLE.anchorQueueShards }, (_, shard) => this.shard(shard, after, through, limit)));
    const heads = shards.flatMap((s) => s.heads).sort(byChange);
    if (heads.length <= limit && !shards.some((s) => s.truncated)) return { heads, through };
    // Over `limit` heads, or a shard stopped at `limit`: the limit-th oldest change of all is no later
    // than the last one any stopped shard read, so every head changed before it was read. The window
    // ends just before it, with fewer than `limit` heads.
    const cut = new Date(Date.parse(heads[limit - 1]!.changedAt) - 1).toISOString();
    // More than `limit` heads changed within one millisecond after `after`: read the whole window.
    if (after !== null && cut <= after) return this.changedHeads(after, through, Number.POSITIVE_INFINITY);
    return { heads: heads.filter((h) => h.changedAt <= cut), through: cut };
  }

  async hint(): Promise<AnchorHint | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: ANCHOR_HINT_KEY, ConsistentRead: true }));
    const { key, sha256 } = (out.Item ?? {}) as Partial<AnchorHint>;
    return typeof key === 'string' && typeof sha256 === 'string' ? { key, sha256 } : undefined;
  }

  async recordHint(hint: AnchorHint): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...ANCHOR_HINT_KEY, key: hint.key, sha256: hint.sha256, at: new Date().toISOString() } }));
  }

  /** One shard's heads changed in (after, through], oldest first, at most `limit` (then `truncated`). */
  private async shard(shard: number, after: string | null, through: string, limit: number): Promise<{ heads: ChangedHead[]; truncated: boolean }> {
    const heads: ChangedHead[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ix.name,
          KeyConditionExpression: after === null ? '#pk = :pk AND #sk <= :hi' : '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey },
          ExpressionAttributeValues: { ':pk': anchorShardKey(shard), ':hi': `${through}${AFTER_INSTANT}`, ...(after === null ? {} : { ':lo': `${after}${AFTER_INSTANT}` }) },
          ...(Number.isFinite(limit) ? { Limit: Math.min(1000, limit - heads.length) } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const head = changedHeadOf(String(item[ix.sortKey]));
        // A key this queue did not write (an item altered by hand) is no head: it is left out, not anchored.
        if (head) heads.push(head);
      }
      start = out.LastEvaluatedKey;
    } while (start && heads.length < limit);
    return { heads, truncated: start !== undefined };
  }
}

function byChange(a: ChangedHead, b: ChangedHead): number {
  return a.changedAt < b.changedAt ? -1 : a.changedAt > b.changedAt ? 1 : a.caseNo < b.caseNo ? -1 : a.caseNo > b.caseNo ? 1 : 0;
}
