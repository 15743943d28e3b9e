// The statistics table (STATISTICS_TABLE in table-layout.ts): derived data, kept from the case events
// and recomputable from the case records. Its items:
//   FACT#<day>#<departmentId>#<shard> / <eventId> one case event's fact (put once: attribute_not_exists),
//                                                 in the shard of its event id (shard-keys.ts)
//   CHANGED#<shard> / <day>#<departmentId>        a bucket whose facts changed since its summary, in a
//                                                 shard drawn at random (a bucket may be marked in several);
//                                                 `token` is new with each mark, so clearing one
//                                                 (conditioned on the token read) never clears a later mark
// Before issue 21 the facts were under FACT#<day>#<departmentId> and the marks under CHANGED: both are
// read as one more shard (a fact kept there and put again in its shard by a replay is read once).
//   SUM#<departmentId> / <day>#<part 2 digits>    a day's summary, its rows (JSON) split into parts of at
//                                                 most SUMMARY_PART_BYTES; part 00 says how many parts
//   DOCUMENT / <yyyy-mm>                          a month's sealed document (the archive holds the locked copy)
// A month of a department is one Query on its SUM# partition (≤ 31 days × parts), never the facts.
import { randomInt, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { StatisticsFact } from '../domain/statistics/statistics-fact.ts';
import type { SummaryRow } from '../domain/statistics/statistics-figures.ts';
import type { Bucket, ChangedBucket, DaySummary, StatisticsStore, StoredDocument } from '../domain/statistics/statistics-ports.ts';
import { ITEM_LIMIT_BYTES, itemBytes } from './dynamo-item-size.ts';
import { changedPartitions, factPartitions, factShardKey, mergeShardRows, queryShards, shardedKey } from './shard-keys.ts';
import { STATISTICS_TABLE } from './table-layout.ts';

/** The most of a summary's rows (as JSON) one item holds: well under the item limit. */
export const SUMMARY_PART_BYTES = 300 * 1024;
const DOCUMENT = 'DOCUMENT';

const factKey = (b: Bucket) => `FACT#${b.day}#${b.departmentId}`;
const summaryKey = (departmentId: string) => `SUM#${departmentId}`;
const part = (day: string, n: number) => `${day}#${String(n).padStart(2, '0')}`;

type Item = Record<string, unknown>;

export class DynamoStatisticsStore implements StatisticsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async putFact(fact: StatisticsFact): Promise<'stored' | 'duplicate'> {
    const item = { pk: factShardKey(fact.on, fact.departmentId, fact.eventId), sk: fact.eventId, fact };
    try {
      await this.put(item, 'attribute_not_exists(pk)');
      return 'stored';
    } catch (e) {
      if (conditionFailed(e)) return 'duplicate';
      throw e;
    }
  }

  /** The fact in its event's shard, or else under the bucket's key of before the shards. */
  async fact(bucket: Bucket, eventId: string): Promise<StatisticsFact | undefined> {
    for (const pk of [factShardKey(bucket.day, bucket.departmentId, eventId), factKey(bucket)]) {
      const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: eventId }, ConsistentRead: true }));
      if (out.Item) return out.Item.fact as StatisticsFact;
    }
    return undefined;
  }

  async markChanged(bucket: Bucket): Promise<void> {
    const pk = shardedKey('CHANGED', randomInt(STATISTICS_TABLE.changedShards));
    await this.put({ pk, sk: `${bucket.day}#${bucket.departmentId}`, token: randomUUID(), markedAt: this.now().toISOString() });
  }

  /**
   * The first `limit` changed buckets by day and department, over every shard of the marks (each read
   * for `limit`: the marks are few, a bucket's in several shards). A bucket's token names each of its
   * marks read (`[[pk, token], …]` as JSON), which settle clears; a mark of it a shard did not reach
   * stays, and rolls it up once more.
   */
  async changedBuckets(limit: number): Promise<ChangedBucket[]> {
    const shards = await queryShards(this.db, changedPartitions(), (pk) => ({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      Limit: limit,
      ConsistentRead: true,
    }));
    const buckets = new Map<string, [string, string][]>();
    for (const i of mergeShardRows(shards, (m) => m.sk as string, Number.MAX_SAFE_INTEGER).items) {
      const sk = i.sk as string;
      if (!buckets.has(sk) && buckets.size === limit) break;
      buckets.set(sk, [...(buckets.get(sk) ?? []), [i.pk as string, i.token as string]]);
    }
    return [...buckets].map(([sk, marks]) => ({ day: sk.slice(0, 10), departmentId: sk.slice(11), token: JSON.stringify(marks) }));
  }

  /**
   * A bucket's facts: each shard's (their first pages asked for side by side: most hold a page or
   * less), then those kept under the bucket's key of before the shards, but for any a replay put again
   * in its shard since (looked up there, a page at a time). Memory: one page per shard.
   */
  async *facts(bucket: Bucket): AsyncIterable<StatisticsFact> {
    const legacy = factKey(bucket);
    const partitions = factPartitions(bucket.day, bucket.departmentId);
    const firsts = await Promise.all(partitions.map((pk) => this.factPage(pk, undefined)));
    for (const [n, pk] of partitions.entries()) {
      let out = firsts[n]!;
      for (;;) {
        const items = out.Items ?? [];
        const again =
          pk === legacy
            ? await Promise.all(
                items.map(async (i) => {
                  const key = { pk: factShardKey(bucket.day, bucket.departmentId, i.sk as string), sk: i.sk as string };
                  return (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ProjectionExpression: 'sk' }))).Item !== undefined;
                }),
              )
            : [];
        for (const [m, i] of items.entries()) if (!again[m]) yield i.fact as StatisticsFact;
        if (!out.LastEvaluatedKey) break;
        out = await this.factPage(pk, out.LastEvaluatedKey);
      }
    }
  }

  private factPage(pk: string, start: Item | undefined): Promise<QueryCommandOutput> {
    return this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'sk, fact',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
  }

  async putSummary(bucket: Bucket, summary: Omit<DaySummary, 'day'>): Promise<void> {
    const parts = splitRows(summary.rows);
    const computedAt = this.now().toISOString();
    // The other parts first, part 00 (which says how many there are) last; then the parts an earlier,
    // longer summary left behind.
    for (let n = parts.length - 1; n >= 0; n--) {
      await this.put({
        pk: summaryKey(bucket.departmentId),
        sk: part(bucket.day, n),
        rows: parts[n],
        computedAt,
        ...(n === 0 ? { parts: parts.length, facts: summary.facts } : {}),
      });
    }
    for (let n = parts.length; ; n++) {
      const out = await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: summaryKey(bucket.departmentId), sk: part(bucket.day, n) }, ReturnValues: 'ALL_OLD' }),
      );
      if (!out.Attributes) break;
    }
  }

  /** Clears each mark of the bucket read (changedBuckets' token), unless marked again meanwhile. */
  async settle(bucket: ChangedBucket): Promise<void> {
    const marks = JSON.parse(bucket.token) as [string, string][];
    for (const [pk, token] of marks) {
      try {
        await this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk, sk: `${bucket.day}#${bucket.departmentId}` },
            ConditionExpression: '#t = :t',
            ExpressionAttributeNames: { '#t': 'token' },
            ExpressionAttributeValues: { ':t': token },
          }),
        );
      } catch (e) {
        // Marked again meanwhile: it stays changed, for the next roll-up.
        if (!conditionFailed(e)) throw e;
      }
    }
  }

  async summaries(departmentId: string, from: string, to: string): Promise<DaySummary[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': summaryKey(departmentId), ':from': `${from}#`, ':to': `${to}#~` },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const days = new Map<string, { parts: number; facts: number; rows: SummaryRow[][] }>();
    for (const i of items) {
      const [day, n] = (i.sk as string).split('#') as [string, string];
      const d = days.get(day) ?? { parts: 0, facts: 0, rows: [] };
      if (Number(n) === 0) Object.assign(d, { parts: i.parts as number, facts: i.facts as number });
      d.rows[Number(n)] = JSON.parse(i.rows as string) as SummaryRow[];
      days.set(day, d);
    }
    // A part beyond the count part 00 gives is what a shorter rewrite has not deleted yet: not read.
    return [...days.entries()].map(([day, d]) => ({ day, facts: d.facts, rows: d.rows.slice(0, d.parts).flat() }));
  }

  async document(month: string): Promise<StoredDocument | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: DOCUMENT, sk: month }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...doc } = out.Item;
    return doc as StoredDocument;
  }

  async putDocument(doc: StoredDocument): Promise<'written' | 'exists'> {
    try {
      await this.put({ pk: DOCUMENT, sk: doc.month, ...doc }, 'attribute_not_exists(pk)');
      return 'written';
    } catch (e) {
      if (conditionFailed(e)) return 'exists';
      throw e;
    }
  }

  private async put(item: Item, condition?: string): Promise<void> {
    const bytes = itemBytes(item);
    if (bytes > ITEM_LIMIT_BYTES) throw new Error(`statistics item ${String(item.pk)} / ${String(item.sk)} is ${bytes} bytes, over DynamoDB's ${ITEM_LIMIT_BYTES}`);
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}) }));
  }
}

/** A summary's rows as JSON parts of at most SUMMARY_PART_BYTES each (one part, maybe empty, at least). */
export function splitRows(rows: readonly SummaryRow[]): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const r of rows) {
    const json = JSON.stringify(r);
    const bytes = Buffer.byteLength(json) + 1;
    if (current.length > 0 && size + bytes > SUMMARY_PART_BYTES) {
      parts.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += bytes;
  }
  parts.push(`[${current.join(',')}]`);
  return parts;
}

function conditionFailed(e: unknown): boolean {
  return (e as { name?: string }).name === 'ConditionalCheckFailedException';
}
