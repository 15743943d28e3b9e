// The events table (EVENTS_TABLE in table-layout.ts) and the outboxes in the cases and feedback
// tables, on DynamoDB:
//
//   SUBS#<channel|department>#<ownerId> / SUBS     the owner's subscriptions (≤ 10) and their revision:
//                                                  written on condition the revision is the one read
//   ROUTED#<key>           / ROUTED                the newest version of the record routed (watermark)
//   FEED#<kind>#<ownerId>#<shard> / <routedAt>#<key>#<n>
//                                                  an event in the owner's feed (expiresAt: 7 days), in
//                                                  the shard of its record's key (shard-keys.ts; a feed
//                                                  of before issue 21: FEED#<kind>#<ownerId>, read too)
//   DLV#<subscriptionId>#<shard>                    a pair's deliveries, in the shard of its record's key
//                          / Q#<key>#<n>           a pending delivery
//                          / D#<key>#<n>           a delivered marker (expiresAt: 7 days)
//                          / F#<key>#<n>           a parked delivery (the failures list)
//                          / P#<key>               the pair's marker: when its first pending delivery is
//                                                  due and who holds it (the `due` index:
//                                                  DUE#<shard> / <due>#<subscriptionId>#<key>, the shard
//                                                  a hash of the pair; `DUE` before issue 21, read too)
// Before issue 21 a subscription's deliveries were under DLV#<subscriptionId> alone: a pair found
// there (by the sweep, through `DUE`, or when a new delivery of it comes) is moved into its shard; what
// is parked there is listed, found and dropped there too.
//
// (<key>: the record's, shared/domain/events/platform-event.ts — a case number as it always was,
// `evaluation:<id>` or `ticket:<id>`; <n>: the version in 10 digits.) No transactions (dynalite has
// none): a delivery moves by a put and a delete, and the router finishes the move it finds
// interrupted. The outbox: each history entry of the cases table (CASE#<caseNo> / HEAD's pending
// entries, PAGE#<n> and, before issue 21, EVT#<n>: dynamo-case-store.ts) and of the feedback table (EVAL#<id> / H#<n>, TICKET#<id> / H#<n>) carries its event (`event`); entries
// written before events existed have none.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { FeedbackKind } from '../contracts/feedback-events.ts';
import type { PlatformEvent } from '../contracts/platform-events.ts';
import { eventKey } from '../domain/events/platform-event.ts';
import type {
  EventOutbox,
  EventStore,
  OutboxEntry,
  Owner,
  PageRequest,
  PairMarker,
  ParkedDelivery,
  PendingDelivery,
  Subscription,
  SubscriptionSet,
} from '../domain/events/ports.ts';
import { ENTRY_EVENT } from './case-items.ts';
import { DynamoCaseStore } from './dynamo-case-store.ts';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import { CHAINED_ENTRY_EVENT, chainedEntrySortKey } from './dynamo-chained-records.ts';
import { EVALUATION_PARTITION_PREFIX } from './dynamo-evaluation-store.ts';
import { TICKET_PARTITION_PREFIX } from './dynamo-ticket-store.ts';
import { badCursor, encodeCursor, openCursor } from './page-cursor.ts';
import {
  deliveryPartitions,
  deliveryShardKey,
  dueShardKey,
  duePartitions,
  feedPartitions,
  feedShardKey,
  mergeShardRows,
  parseShardedKey,
  queryShards,
  shardLimit,
} from './shard-keys.ts';
import { EVENTS_TABLE, expiresAfter } from './table-layout.ts';

/** How long the feed and the delivered markers are kept. */
export const FEED_DAYS = 7;
const { due } = EVENTS_TABLE.indexes;

const ownerKey = (o: Owner) => `${o.kind}#${o.id}`;
const subsKey = (o: Owner) => ({ pk: `SUBS#${ownerKey(o)}`, sk: 'SUBS' });
const routedKey = (key: string) => ({ pk: `ROUTED#${key}`, sk: 'ROUTED' });
const version10 = (n: number) => String(n).padStart(10, '0');
/** A subscription's deliveries before issue 21: one partition (now the pairs' moved into their shards). */
const legacyDlv = (subscriptionId: string) => `DLV#${subscriptionId}`;
const deliveryKey = (kind: 'Q' | 'D' | 'F', subscriptionId: string, key: string, version: number) => ({
  pk: deliveryShardKey(subscriptionId, key),
  sk: `${kind}#${key}#${version10(version)}`,
});
const markerKey = (subscriptionId: string, key: string) => ({ pk: deliveryShardKey(subscriptionId, key), sk: `P#${key}` });
/** How long a store trusts what it last saw under the `due` index's key of before issue 21 (a pair left there, or none) before it looks again. */
const LEGACY_LOOK_MS = 60_000;
const expiresAt = (at: string) => expiresAfter(at, FEED_DAYS);
/** The `due` index's partition before issue 21. */
const LEGACY_DUE = 'DUE';
/** The smallest string after `s`. */
const after = (s: string) => `${s}\u0000`;

function isConditionFailure(e: unknown): boolean {
  return (e as { name?: string }).name === 'ConditionalCheckFailedException';
}

export class DynamoEventStore implements EventStore {
  /** Whether a pair was left under a subscription's key of before issue 21 when last looked (legacyPairsMayRemain). */
  private legacyLeft = true;
  private legacyLookedAt = -Infinity;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Milliseconds since the epoch, for when to look at the keys of before issue 21 again (tests move it). */
    private readonly clock: () => number = Date.now,
  ) {}

  async subscriptions(owner: Owner): Promise<SubscriptionSet> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: subsKey(owner), ConsistentRead: true }));
    if (!out.Item) return { subscriptions: [], revision: 0 };
    return { subscriptions: out.Item.subscriptions as Subscription[], revision: out.Item.revision as number };
  }

  async saveSubscriptions(owner: Owner, subscriptions: Subscription[], revision: number): Promise<boolean> {
    return this.conditionalPut(
      { ...subsKey(owner), subscriptions, revision: revision + 1 },
      revision === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: '#rev = :rev', names: { '#rev': 'revision' }, values: { ':rev': revision } },
    );
  }

  async routedVersion(key: string): Promise<number> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: routedKey(key), ConsistentRead: true }));
    return (out.Item?.version as number | undefined) ?? 0;
  }

  async moveRouted(key: string, from: number, to: number): Promise<boolean> {
    return this.conditionalPut(
      { ...routedKey(key), version: to },
      from === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: '#v = :from', names: { '#v': 'version' }, values: { ':from': from } },
    );
  }

  async addToFeed(owner: Owner, event: PlatformEvent, routedAt: string): Promise<void> {
    const key = eventKey(event);
    const sk = `${routedAt}#${key}#${version10(event.data.version)}`;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: feedShardKey(ownerKey(owner), key), sk, event, expiresAt: expiresAt(routedAt) } }));
  }

  /**
   * The owner's feed after `position`, before `until`: every shard (and the feed's key of before the
   * shards) read from the position side by side, each for its share of the page, merged by sort key
   * (`<routedAt>#<key>#<n>`, unique: a record's events are in one shard). The cursor is the last sort
   * key returned, or the position when none is.
   */
  async feed(owner: Owner, query: { cursor?: string; since?: string; until: string; limit: number }): Promise<{ events: PlatformEvent[]; cursor: string; more: boolean }> {
    const fingerprint = `feed#${ownerKey(owner)}`;
    let position: string;
    if (query.cursor !== undefined) {
      const p = openCursor(query.cursor, fingerprint);
      if (typeof p !== 'string' || p.length > 200 || (p !== '0' && !/^\d{4}-/.test(p))) throw badCursor();
      position = p;
    } else position = query.since ?? '0';
    // Items routed after the position, before `until` (a key `<until>#…` sorts after `until`: not read).
    if (position >= query.until) return { events: [], cursor: encodeCursor(position, fingerprint), more: false };
    const partitions = feedPartitions(ownerKey(owner));
    const limit = shardLimit(query.limit, partitions.length);
    const shards = await queryShards(this.db, partitions, (pk) => ({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': pk, ':lo': after(position), ':hi': query.until },
      Limit: limit,
      ConsistentRead: true,
    }));
    const { items, more } = mergeShardRows(shards, (i) => i.sk as string, query.limit);
    const last = items.at(-1)?.sk as string | undefined;
    return { events: items.map((i) => i.event as PlatformEvent), cursor: encodeCursor(last ?? position, fingerprint), more };
  }

  async addPending(delivery: PendingDelivery): Promise<void> {
    await this.conditionalPut(this.pendingItem(delivery), { expression: 'attribute_not_exists(pk)' });
  }

  async putPending(delivery: PendingDelivery): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: this.pendingItem(delivery) }));
  }

  async pendingOfPair(subscriptionId: string, key: string, limit: number): Promise<PendingDelivery[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': deliveryShardKey(subscriptionId, key), ':prefix': `Q#${key}#` },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(pendingOf);
  }

  async deliveryState(subscriptionId: string, key: string, version: number): Promise<{ delivered: boolean; parked?: ParkedDelivery }> {
    const [d, f] = await Promise.all([
      this.db.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey('D', subscriptionId, key, version), ConsistentRead: true, ProjectionExpression: 'pk' })),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey('F', subscriptionId, key, version), ConsistentRead: true })),
    ]);
    return { delivered: d.Item !== undefined, ...(f.Item ? { parked: parkedOf(f.Item) } : {}) };
  }

  async markDelivered(delivery: PendingDelivery, at: string): Promise<void> {
    const { subscriptionId, event } = delivery;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...deliveryKey('D', subscriptionId, eventKey(event), event.data.version),
          eventId: event.id,
          deliveredAt: at,
          attempts: delivery.attempts + 1,
          expiresAt: expiresAt(at),
        },
      }),
    );
    await this.dropPending(subscriptionId, eventKey(event), event.data.version);
  }

  async park(parked: ParkedDelivery): Promise<void> {
    const { subscriptionId, event } = parked;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...deliveryKey('F', subscriptionId, eventKey(event), event.data.version), ...parked } }));
    await this.dropPending(subscriptionId, eventKey(event), event.data.version);
  }

  async redeliver(parked: ParkedDelivery, at: string): Promise<void> {
    const { subscriptionId, owner, event } = parked;
    await this.putPending({ subscriptionId, owner, event, attempts: 0, nextAt: at, queuedAt: at, redeliveredAt: at });
    await this.dropParked(subscriptionId, eventKey(event), event.data.version);
  }

  async dropPending(subscriptionId: string, key: string, version: number): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: deliveryKey('Q', subscriptionId, key, version) }));
  }

  /** Deletes the parked delivery in its shard, and under the subscription's key of before issue 21, where it may still be. */
  async dropParked(subscriptionId: string, key: string, version: number): Promise<void> {
    const shardKey = deliveryKey('F', subscriptionId, key, version);
    await Promise.all([shardKey, { ...shardKey, pk: legacyDlv(subscriptionId) }].map((Key) => this.db.send(new DeleteCommand({ TableName: this.tableName, Key }))));
  }

  /** The subscription's parked deliveries by record and version: every shard (and its key of before issue 21) read for its share of the page, merged. */
  async parked(subscriptionId: string, page: PageRequest): Promise<{ items: ParkedDelivery[]; nextCursor?: string }> {
    const fingerprint = `parked#${subscriptionId}`;
    let after: string | undefined;
    if (page.cursor !== undefined) {
      const sk = openCursor(page.cursor, fingerprint);
      if (typeof sk !== 'string' || !/^F#(?:(?:evaluation|ticket):[0-9a-f]{32}|[0-9A-Za-z-]{1,64})#\d{10}$/.test(sk)) throw badCursor();
      after = sk;
    }
    const partitions = deliveryPartitions(subscriptionId);
    const limit = shardLimit(page.limit, partitions.length);
    const shards = await queryShards(this.db, partitions, (pk) => ({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'F#' },
      Limit: limit,
      ConsistentRead: true,
      // A position, not necessarily an item of this partition: it resumes after it.
      ...(after ? { ExclusiveStartKey: { pk, sk: after } } : {}),
    }));
    const { items, more } = mergeShardRows(shards, (i) => i.sk as string, page.limit);
    const lastSk = items.at(-1)?.sk as string | undefined;
    return more && lastSk ? { items: items.map(parkedOf), nextCursor: encodeCursor(lastSk, fingerprint) } : { items: items.map(parkedOf) };
  }

  async parkedOne(subscriptionId: string, key: string, version: number): Promise<ParkedDelivery | undefined> {
    const shardKey = deliveryKey('F', subscriptionId, key, version);
    for (const Key of [shardKey, { ...shardKey, pk: legacyDlv(subscriptionId) }]) {
      const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
      if (out.Item) return parkedOf(out.Item);
    }
    return undefined;
  }

  async pairMarker(subscriptionId: string, key: string): Promise<PairMarker | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: markerKey(subscriptionId, key), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { owner, nextAt, lease, rev } = out.Item as { owner: Owner; nextAt: string; lease?: PairMarker['lease']; rev: number };
    return { subscriptionId, key, owner, nextAt, rev, ...(lease ? { lease } : {}) };
  }

  async putPairMarker(marker: PairMarker, expected: number | 'absent'): Promise<boolean> {
    const { subscriptionId, key, owner, nextAt, lease, rev } = marker;
    // A leased pair is due again only once its lease has run out.
    const dueAt = lease ? lease.until : nextAt;
    const put = await this.conditionalPut(
      {
        ...markerKey(subscriptionId, key),
        owner,
        nextAt,
        rev,
        ...(lease ? { lease } : {}),
        [due.partitionKey]: dueShardKey(subscriptionId, key),
        [due.sortKey]: `${dueAt}#${subscriptionId}#${key}`,
      },
      expected === 'absent' ? { expression: 'attribute_not_exists(pk)' } : { expression: '#rev = :rev', names: { '#rev': 'rev' }, values: { ':rev': expected } },
    );
    // A new pair may have deliveries still under the subscription's key of before issue 21: moved first, so they go out in order.
    if (put && expected === 'absent' && (await this.legacyPairsMayRemain())) await this.moveLegacyPair(subscriptionId, key);
    return put;
  }

  async deletePairMarker(subscriptionId: string, key: string, expected: number): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: markerKey(subscriptionId, key),
          ConditionExpression: '#rev = :rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
          ExpressionAttributeValues: { ':rev': expected },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** The due pairs, soonest first: every shard of the `due` index (and `DUE`, its key of before the shards) read for its share, merged. */
  async duePairs(now: string, limit: number): Promise<{ subscriptionId: string; key: string }[]> {
    const partitions = duePartitions();
    const perShard = shardLimit(limit, partitions.length);
    const shards = await queryShards(this.db, partitions, (pk) => ({
      TableName: this.tableName,
      IndexName: due.name,
      KeyConditionExpression: '#pk = :pk AND #sk < :hi',
      ExpressionAttributeNames: { '#pk': due.partitionKey, '#sk': due.sortKey },
      // `<now>#…` sorts before `<now>$`: due at `now` included.
      ExpressionAttributeValues: { ':pk': pk, ':hi': `${now}$` },
      Limit: perShard,
    }));
    const pairs = mergeShardRows(shards, (i) => i[due.sortKey] as string, limit).items.flatMap((i) => {
      const pk = i.pk as string;
      const sk = i.sk as string;
      const subscription = parseShardedKey(pk)?.base ?? pk;
      return subscription.startsWith('DLV#') && sk.startsWith('P#') ? [{ subscriptionId: subscription.slice(4), key: sk.slice(2) }] : [];
    });
    // Pairs still under a subscription's key of before issue 21, due or not: moved into their shards, a page a run.
    for (const i of await this.legacyPairs(limit)) {
      const pk = i.pk as string;
      const sk = i.sk as string;
      if (pk.startsWith('DLV#') && sk.startsWith('P#') && parseShardedKey(pk) === undefined) await this.moveLegacyPair(pk.slice(4), sk.slice(2));
    }
    return pairs;
  }

  /**
   * Moves a pair's items from the subscription's key of before issue 21 into the pair's shard: its
   * delivered and parked markers, then its pending deliveries (a pending one is never in the shard
   * without the markers that say it was done), each put there and deleted here; then its marker, put
   * unless the shard holds one already (a new delivery's, which now finds every pending one), and
   * deleted here. A run stopped halfway leaves the rest where it was, for the next run.
   */
  private async moveLegacyPair(subscriptionId: string, key: string): Promise<void> {
    const from = legacyDlv(subscriptionId);
    const to = deliveryShardKey(subscriptionId, key);
    for (const kind of ['D', 'F', 'Q']) {
      let start: Record<string, unknown> | undefined;
      do {
        const out: QueryCommandOutput = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': from, ':prefix': `${kind}#${key}#` },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...item, pk: to } }));
          await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: from, sk: item.sk as string } }));
        }
        start = out.LastEvaluatedKey;
      } while (start);
    }
    const marker = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: from, sk: `P#${key}` }, ConsistentRead: true }))).Item;
    if (!marker) return;
    const { lease, nextAt } = marker as { lease?: PairMarker['lease']; nextAt: string };
    await this.conditionalPut(
      { ...marker, pk: to, [due.partitionKey]: dueShardKey(subscriptionId, key), [due.sortKey]: `${lease ? lease.until : nextAt}#${subscriptionId}#${key}` },
      { expression: 'attribute_not_exists(pk)' },
    );
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: from, sk: `P#${key}` } }));
  }

  /**
   * Whether a pair may remain under a subscription's key of before issue 21: until the `due` index's
   * key of before (`DUE`, where every such pair's marker is listed) is seen empty — looked at once a
   * LEGACY_LOOK_MS at most, and again after it was seen empty: while a deployment replaces the
   * functions, one still running the code of before can write a pair there after this process saw it
   * empty, and that pair is then moved within a LEGACY_LOOK_MS (its deliveries in order unless a new
   * one of the same pair came in that minute). A look is one Query of one key, a minute at most.
   */
  private async legacyPairsMayRemain(): Promise<boolean> {
    if (this.clock() - this.legacyLookedAt < LEGACY_LOOK_MS) return this.legacyLeft;
    this.legacyLookedAt = this.clock();
    this.legacyLeft = (await this.legacyDue(1)).length > 0;
    return this.legacyLeft;
  }

  /**
   * The first `limit` markers under the `due` index's key of before issue 21, where a pair may remain
   * there (legacyPairsMayRemain's rule): read in one Query, which is also the look it keeps (none when it
   * saw none within LEGACY_LOOK_MS).
   */
  private async legacyPairs(limit: number): Promise<Record<string, unknown>[]> {
    if (!this.legacyLeft && this.clock() - this.legacyLookedAt < LEGACY_LOOK_MS) return [];
    const found = await this.legacyDue(limit);
    this.legacyLookedAt = this.clock();
    this.legacyLeft = found.length > 0;
    return found;
  }

  /** The first `limit` markers listed under the `due` index's key of before issue 21, due or not. */
  private async legacyDue(limit: number): Promise<Record<string, unknown>[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: due.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': due.partitionKey },
        ExpressionAttributeValues: { ':pk': LEGACY_DUE },
        Limit: limit,
      }),
    );
    return out.Items ?? [];
  }

  async dropSubscriptionDeliveries(subscriptionId: string, limit: number): Promise<number> {
    let dropped = 0;
    for (const pk of deliveryPartitions(subscriptionId)) {
      dropped += await this.dropPartition(pk, limit - dropped);
      if (dropped >= limit) break;
    }
    return dropped;
  }

  /** Deletes up to `limit` pending deliveries, parked ones and markers of one partition of a subscription's deliveries. */
  private async dropPartition(pk: string, limit: number): Promise<number> {
    let dropped = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          Limit: 100,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const sk = item.sk as string;
        // Delivered markers expire by themselves.
        if (sk.startsWith('D#')) continue;
        if (dropped >= limit) return dropped;
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk as string, sk } }));
        dropped++;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return dropped;
  }

  private pendingItem(d: PendingDelivery): Record<string, unknown> {
    return { ...deliveryKey('Q', d.subscriptionId, eventKey(d.event), d.event.data.version), ...d };
  }

  private async conditionalPut(
    item: Record<string, unknown>,
    condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition.expression,
          ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
          ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

function pendingOf(item: Record<string, unknown>): PendingDelivery {
  const { subscriptionId, owner, event, attempts, nextAt, queuedAt, firstAttemptAt, lastError, redeliveredAt } = item as unknown as PendingDelivery;
  return {
    subscriptionId,
    owner,
    event,
    attempts,
    nextAt,
    queuedAt,
    ...(firstAttemptAt !== undefined ? { firstAttemptAt } : {}),
    ...(lastError !== undefined ? { lastError } : {}),
    ...(redeliveredAt !== undefined ? { redeliveredAt } : {}),
  };
}

function parkedOf(item: Record<string, unknown>): ParkedDelivery {
  const { subscriptionId, owner, event, attempts, firstAttemptAt, lastError, parkedAt } = item as unknown as ParkedDelivery;
  return { subscriptionId, owner, event, attempts, lastError, parkedAt, ...(firstAttemptAt !== undefined ? { firstAttemptAt } : {}) };
}

/** The entries from..to of one partition whose sort keys are `sortKey(n)`, each with the event its `attribute` holds. */
async function outboxEntries(
  db: DynamoDBDocumentClient,
  q: { table: string; pk: string; from: number; to: number; sortKey: (n: number) => string; attribute: string },
): Promise<OutboxEntry[]> {
  const entries: OutboxEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await db.send(
      new QueryCommand({
        TableName: q.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#event': q.attribute },
        ExpressionAttributeValues: { ':pk': q.pk, ':lo': q.sortKey(q.from), ':hi': q.sortKey(q.to) },
        ProjectionExpression: 'sk, #event',
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const version = Number(/(\d+)$/.exec(item.sk as string)![1]);
      const event = item[q.attribute] as PlatformEvent | undefined;
      entries.push(event ? { version, event } : { version });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return entries;
}

/** The case history entries as the outbox (wherever the case keeps them: its head's pending entries, its pages, its `EVT#<n>` items; their `event`). */
export class DynamoCaseOutbox implements EventOutbox {
  private readonly cases: DynamoCaseStore;

  constructor(db: DynamoDBDocumentClient, casesTable: string) {
    this.cases = new DynamoCaseStore(db, casesTable, { readOnly: true });
  }

  async entries(caseNo: string, from: number, to: number): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = [];
    if (!isCaseNo(caseNo)) return entries;
    for await (const record of this.cases.history(caseNo, from - 1)) {
      if (record.entry.n > to) break;
      const event = record[ENTRY_EVENT] as PlatformEvent | undefined;
      entries.push(event ? { version: record.entry.n, event } : { version: record.entry.n });
    }
    return entries;
  }
}

/** The partition prefix of each feedback kind in the feedback table. */
const FEEDBACK_PARTITIONS: Readonly<Record<FeedbackKind, string>> = { evaluation: EVALUATION_PARTITION_PREFIX, ticket: TICKET_PARTITION_PREFIX };

/** The history entries of evaluations and tickets as the outbox (the feedback table's `EVAL#<id>` / `TICKET#<id>` / `H#<n>` items, their `event`), by key `evaluation:<id>` / `ticket:<id>`. */
export class DynamoFeedbackOutbox implements EventOutbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly feedbackTable: string,
  ) {}

  async entries(key: string, from: number, to: number): Promise<OutboxEntry[]> {
    const colon = key.indexOf(':');
    const prefix = FEEDBACK_PARTITIONS[key.slice(0, colon) as FeedbackKind] as string | undefined;
    if (colon < 0 || prefix === undefined) throw new Error(`feedback outbox: ${key} is no evaluation or ticket key`);
    return outboxEntries(this.db, { table: this.feedbackTable, pk: `${prefix}${key.slice(colon + 1)}`, from, to, sortKey: chainedEntrySortKey, attribute: CHAINED_ENTRY_EVENT });
  }
}

/** Every record's outbox: an evaluation's or a ticket's key (`<kind>:<id>`) read from the feedback table, a case number from the cases table. */
export class PlatformOutbox implements EventOutbox {
  constructor(
    private readonly cases: EventOutbox,
    private readonly feedback: EventOutbox,
  ) {}

  entries(key: string, from: number, to: number): Promise<OutboxEntry[]> {
    // A case number holds no `:` (CASE_NO_PATTERN).
    return key.includes(':') ? this.feedback.entries(key, from, to) : this.cases.entries(key, from, to);
  }
}
