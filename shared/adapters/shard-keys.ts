// Sharded partition keys: a list that many writers feed (a big department's queue, a channel's cases,
// the anchor queue, an owner's event feed, the deliveries' `due` index, a busy day's statistics facts,
// the supervision findings lists) is spread over N partitions `<base>#<shard>`, the shard a hash of
// something stable of each listed item (its case number, its applicant, its record, its event id, its
// finding id), so that no one partition takes more than DynamoDB's 1,000 write units/s and 3,000 read
// units/s. Readers query every shard — and the list's key of before the shards, where there was one,
// as one more — and merge by sort key, in either order (mergeShardRows; case-listings.ts for the case
// lists, dynamo-chained-records.ts for the findings). The figures that chose each N:
// test/bench/key-load.ts.
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CASES_TABLE, EVENTS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from './table-layout.ts';

/** The shard, 0 to `shards` − 1, of `text`: stable, and spread evenly by the hash. */
export function hashShard(text: string, shards: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % shards;
}

/** `<base>#<shard>`. */
export const shardedKey = (base: string, shard: number) => `${base}#${shard}`;

/** The base and shard of a sharded key; undefined when it is not one. */
export function parseShardedKey(key: string): { base: string; shard: number } | undefined {
  const m = /^(.+)#(0|[1-9]\d{0,3})$/.exec(key);
  return m ? { base: m[1]!, shard: Number(m[2]) } : undefined;
}

/** Every shard's key of a list: `<base>#0` to `<base>#<shards − 1>`. */
export function allShards(base: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardedKey(base, shard));
}

/**
 * Rows each shard is asked for: a page's share of a shard, twice over and three more (the smallest
 * shard's share of a page rarely falls below it: a page comes back short now and then, never wrong),
 * at most the page. Reading `limit` from every one of N shards would read N pages to return one.
 */
export function shardLimit(limit: number, shards: number): number {
  return Math.min(limit, Math.ceil((2 * limit) / shards) + 3);
}

/** One shard's rows from a position on, in sort-key order, and whether it stopped before its end (its share, or DynamoDB's 1 MB page). */
export interface ShardRows<T> {
  items: T[];
  stopped: boolean;
  /**
   * The sort key where a stopped shard stopped (its LastEvaluatedKey's), when it may lie beyond its last
   * row: a query with a filter reads rows it does not return. Absent: its last row's.
   */
  stoppedAt?: string | undefined;
}

/**
 * Merges the shards' rows of one list, each read from the same position, by sort key (ascending, or
 * descending for a list read newest first): at most `limit`, the first keys over all shards. A shard
 * that stopped early is known only up to where it stopped, so the page stops there too: it may hold
 * fewer than `limit`, never one out of order (sort keys must be unique over the shards). `more`: rows
 * may follow; `next`: the sort key the next page goes on after (the last row's, or where the page
 * stopped when a filtered shard stopped past its rows), when rows may follow.
 */
export function mergeShardRows<T>(
  shards: readonly ShardRows<T>[],
  sortKeyOf: (row: T) => string,
  limit: number,
  order: 'ascending' | 'descending' = 'ascending',
): { items: T[]; more: boolean; next?: string } {
  const first = (a: string, b: string) => (order === 'ascending' ? a < b : a > b);
  let known: string | undefined;
  for (const shard of shards) {
    const last = shard.items.at(-1);
    const at = shard.stoppedAt ?? (last !== undefined ? sortKeyOf(last) : undefined);
    if (shard.stopped && at !== undefined && (known === undefined || first(at, known))) known = at;
  }
  const merged = shards.flatMap((s) => s.items).sort((a, b) => (first(sortKeyOf(a), sortKeyOf(b)) ? -1 : 1));
  const items = merged.filter((i) => known === undefined || !first(known, sortKeyOf(i))).slice(0, limit);
  const more = items.length < merged.length || shards.some((s) => s.stopped);
  if (!more) return { items, more };
  const last = items.at(-1);
  const next = items.length === limit || known === undefined ? (last !== undefined ? sortKeyOf(last) : undefined) : known;
  return next !== undefined ? { items, more, next } : { items, more };
}

/**
 * One query per partition (`query(pk)`, its Limit a share of the page: shardLimit), side by side: the
 * shards' rows as mergeShardRows takes them; with `sortKey` (the queried key's sort attribute), where
 * each stopped shard stopped.
 */
export function queryShards(
  db: DynamoDBDocumentClient,
  partitions: readonly string[],
  query: (pk: string) => QueryCommandInput,
  sortKey?: string,
): Promise<ShardRows<Record<string, unknown>>[]> {
  return Promise.all(
    partitions.map(async (pk) => {
      const out = await db.send(new QueryCommand(query(pk)));
      const stoppedAt = sortKey !== undefined ? (out.LastEvaluatedKey?.[sortKey] as string | undefined) : undefined;
      return { items: out.Items ?? [], stopped: out.LastEvaluatedKey !== undefined, ...(stoppedAt !== undefined ? { stoppedAt } : {}) };
    }),
  );
}

/** `<base>#0` to `<base>#<shards − 1>`, then `<base>` itself: a list's shards and its key of before issue 21, read as one more shard. */
export function shardsAndLegacy(base: string, shards: number): string[] {
  return [...allShards(base, shards), base];
}

/** The partition of an event in an owner's feed (`<kind>#<ownerId>`): the shard of the record's key (events table, feedShards). */
export const feedShardKey = (owner: string, recordKey: string) => shardedKey(`FEED#${owner}`, hashShard(recordKey, EVENTS_TABLE.feedShards));

/** The partitions an owner's feed is read from: its shards and its key of before issue 21. */
export const feedPartitions = (owner: string) => shardsAndLegacy(`FEED#${owner}`, EVENTS_TABLE.feedShards);

/** The `due` index partition of a (subscription, record) pair's marker (events table, dueShards). */
export const dueShardKey = (subscriptionId: string, key: string) => shardedKey('DUE', hashShard(`${subscriptionId}#${key}`, EVENTS_TABLE.dueShards));

/** The `due` index partitions the sweep reads: its shards and `DUE`. */
export const duePartitions = () => shardsAndLegacy('DUE', EVENTS_TABLE.dueShards);

/** The partition of a fact of a bucket (statistics table, factShards): the shard of its event id. */
export const factShardKey = (day: string, departmentId: string, eventId: string) => shardedKey(`FACT#${day}#${departmentId}`, hashShard(eventId, STATISTICS_TABLE.factShards));

/** The partitions a bucket's facts are read from: its shards and its key of before issue 21. */
export const factPartitions = (day: string, departmentId: string) => shardsAndLegacy(`FACT#${day}#${departmentId}`, STATISTICS_TABLE.factShards);

/** The partitions of the changed marks: `CHANGED#<shard>` (a mark's shard is drawn at random) and `CHANGED`. */
export const changedPartitions = () => shardsAndLegacy('CHANGED', STATISTICS_TABLE.changedShards);

/** A case's partition on a supervision list (`overdue`, `violation`, a finding kind): the shard of its case number (cases table, supervisionShards). */
export const supervisionShardKey = (kind: string, caseNo: string) => shardedKey(`SUPERVISION#${kind}`, hashShard(caseNo, CASES_TABLE.supervisionShards));

/** The partitions a supervision list is read from: its shards and its key of before issue 21. */
export const supervisionPartitions = (kind: string) => shardsAndLegacy(`SUPERVISION#${kind}`, CASES_TABLE.supervisionShards);

/** The partition of a (subscription, record) pair's deliveries and marker (events table, deliveryShards): the shard of the record's key. */
export const deliveryShardKey = (subscriptionId: string, key: string) => shardedKey(`DLV#${subscriptionId}`, hashShard(key, EVENTS_TABLE.deliveryShards));

/** The partitions of a subscription's deliveries: its shards and its key of before issue 21. */
export const deliveryPartitions = (subscriptionId: string) => shardsAndLegacy(`DLV#${subscriptionId}`, EVENTS_TABLE.deliveryShards);

/**
 * A finding's partition on a sharded findings list (`DEPT#<owner>`, `RULE#<rule>`, `STATE#<state>`,
 * `DUE`: supervision table, findingShards): the shard of its id, the same on every list and all its life.
 */
export const findingShardKey = (base: string, findingId: string) => shardedKey(base, hashShard(findingId, SUPERVISION_TABLE.findingShards));

/** The partitions a findings list is read from: its shards and its key of before issue 21. */
export const findingPartitions = (base: string) => shardsAndLegacy(base, SUPERVISION_TABLE.findingShards);
