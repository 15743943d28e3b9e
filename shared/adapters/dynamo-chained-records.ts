// Records that are their history, on DynamoDB without transactions (dynalite has none): a supervision
// finding, a 好差评 evaluation, a ticket. Each kind names its partition prefix and what its head
// carries (ChainedKind); the writing, reading and checking are the same for all, and here once:
//
//   <prefix><id> / H#<n, 10 digits>  history entry n and the record after it, whole (a record is small
//                                    and bounded). Written once, on condition it does not exist: the
//                                    serialisation point of the record's creation and every action on it.
//                                    A kind with events (eventOf) keeps the entry's event in it too
//                                    (`event`): the entry is the outbox the feedback relay reads.
//   <prefix><id> / HEAD              the newest record, its `version` and the kind's head attributes (its
//                                    index keys, the attributes lists filter by); moved forward after each
//                                    entry, never backwards, and rolled forward by any reader that finds it
//                                    behind its newest entry.
//
// Writes: a creation is two puts (the entry, the head); a creation of a record already there is one
// failed conditional put and a read. An action is two puts. Every item is sized before it is sent.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PlatformEvent } from '../contracts/platform-events.ts';
import { isEntryIntact, stateDigest } from '../domain/cases/case-history.ts';
import { ITEM_LIMIT_BYTES, itemBytes } from './dynamo-item-size.ts';
import type { IndexQuery } from './page-cursor.ts';
import { encodeShardedPosition, openShardedPosition } from './page-cursor.ts';
import { indexQueryInput, queryIndexPage, startKeyRefused } from './query-cursor.ts';
import { mergeShardRows, queryShards, shardLimit } from './shard-keys.ts';

const HEAD = 'HEAD';
/** The sort key prefix of the history entries (what the feedback relay's stream filter admits). */
export const CHAINED_ENTRY_PREFIX = 'H#';
const ENTRY_PREFIX = CHAINED_ENTRY_PREFIX;
/** The sort key of history entry `n`. */
export const chainedEntrySortKey = (n: number) => `${CHAINED_ENTRY_PREFIX}${String(n).padStart(10, '0')}`;
/** The entry item's attribute holding its event, when its kind has events (as a case entry's `event`). */
export const CHAINED_ENTRY_EVENT = 'event';

type Item = Record<string, unknown>;

/** What every chained record has: its id, its version (the number of its newest entry) and that entry's hash. */
export interface ChainedRecord {
  id: string;
  version: number;
  hash: string;
}

/** What every history entry has (shared/domain/cases/case-history.ts builds them). */
export interface ChainedEntry {
  n: number;
  type: string;
  hash: string;
  previousHash?: string | undefined;
  stateDigest: string;
}

/** A record's next state and the entry recording it. */
export interface ChainedTransition<R, E> {
  record: R;
  entry: E;
}

/** A record as read: with where its history breaks, if it does (nobody acts on a broken record). */
export interface ChainedRead<R> {
  record: R;
  broken?: { n: number; reason: string };
}

/** A kind of chained record: where it lives and what its head carries. */
export interface ChainedKind<R extends ChainedRecord, E extends ChainedEntry> {
  /** Its partitions' prefix (`FINDING#`, `EVAL#`, `TICKET#`). */
  prefix: string;
  /** The item attribute holding the record, whole. */
  attribute: string;
  /** Well-formed ids: any other reads as unknown, without a request. */
  idPattern: RegExp;
  /** The record an entry belongs to. */
  subjectOf(entry: E): string;
  /** The head's attributes beside the record and its version: index keys, the attributes lists filter by. */
  headAttributes(record: R): Item;
  /** The refusal of an action someone else recorded first (a 409 of the kind's registry). */
  versionConflict(id: string, n: number): Error;
  /** The refusal of an item over DynamoDB's limit (a 413 of the kind's registry). */
  tooLarge(bytes: number, key: string): Error;
  /** The record's name in logs and errors of the platform's own. */
  noun: string;
  /** The event of an entry, which led to the record: kept in the entry's item (the outbox), sized with it. Kinds without events leave it out. */
  eventOf?(entry: E, record: R): PlatformEvent;
}

/** One index page of heads: the index, its partition and the rest of an index query. */
export type ChainedPageQuery = Omit<IndexQuery, 'table' | 'itemPrefix' | 'listedSortKey' | 'page'> & { page: { limit: number; cursor?: string | undefined } };

/** One page of heads merged from a list's shards: `partitions`, every one read; `partition`, the list's key of before the shards (among them). */
export type ChainedShardedQuery = ChainedPageQuery & { partitions: readonly string[] };

const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' };

export interface DynamoChainedRecordsOptions {
  /** Told when the head could not follow a written entry (the next read rolls it forward). */
  onHeadLag?: (id: string, version: number, error: unknown) => void;
}

/** The head item of a record: its key, the record, its version and the kind's attributes. */
export function chainedHeadItem<R extends ChainedRecord, E extends ChainedEntry>(kind: ChainedKind<R, E>, record: R): Item {
  return { ...kind.headAttributes(record), pk: `${kind.prefix}${record.id}`, sk: HEAD, version: record.version, [kind.attribute]: record };
}

export class DynamoChainedRecords<R extends ChainedRecord, E extends ChainedEntry> {
  private readonly onHeadLag: (id: string, version: number, error: unknown) => void;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kind: ChainedKind<R, E>,
    options: DynamoChainedRecordsOptions = {},
  ) {
    this.onHeadLag =
      options.onHeadLag ??
      ((id, version, error) => console.warn(JSON.stringify({ level: 'WARN', message: `${kind.noun} head lags its newest entry`, id, version, error: String(error) })));
  }

  /**
   * Writes a new record (its first entry, then its head). When the id is taken — created before, or by a
   * concurrent creation — answers the record already there, and writes nothing of this one.
   */
  async create(first: ChainedTransition<R, E>): Promise<{ created: true } | { created: false; existing: R }> {
    const { record, entry } = first;
    if (record.version !== 1 || entry.n !== 1 || this.kind.subjectOf(entry) !== record.id || record.hash !== entry.hash) {
      throw new Error(`${this.kind.noun} store: ${record.id} is not a first entry`);
    }
    if (await this.putEntry(first)) {
      // Not swallowed: a record without a head is in no list; the creator's retry finds the entry and rolls the head forward.
      await this.moveHead(record);
      return { created: true };
    }
    const existing = await this.read(record.id);
    if (!existing) throw new Error(`${this.kind.noun} store: entry 1 of ${record.id} exists but cannot be read`);
    return { created: false, existing: existing.record };
  }

  /** Records an action (entry `next.entry.n`, then the head); the kind's version conflict when someone acted first. */
  async append(next: ChainedTransition<R, E>, previous: R): Promise<void> {
    const { record, entry } = next;
    if (this.kind.subjectOf(entry) !== previous.id || entry.n !== previous.version + 1 || entry.previousHash !== previous.hash || record.hash !== entry.hash) {
      throw new Error(`${this.kind.noun} store: entry ${entry.n} of ${this.kind.subjectOf(entry)} does not follow version ${previous.version} of ${previous.id}`);
    }
    if (!(await this.putEntry(next))) throw this.kind.versionConflict(previous.id, entry.n);
    // The entry is written: the action has happened. A head that fails to follow is rolled forward by the next read.
    await this.moveHead(record).catch((e: unknown) => this.onHeadLag(record.id, record.version, e));
  }

  /** The newest state, read consistently (a head behind its history rolled forward); undefined for an unknown id. */
  async read(id: string): Promise<ChainedRead<R> | undefined> {
    if (!this.kind.idPattern.test(id)) return undefined;
    const newestEntry = async () => (await this.db.send(this.entryQuery(id, { newestFirst: true, limit: 1 }))).Items?.[0];
    const [newest, head] = await Promise.all([
      newestEntry(),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.key(id), sk: HEAD }, ConsistentRead: true })),
    ]);
    const headRecord = head.Item?.[this.kind.attribute] as R | undefined;
    // Read side by side, the head may have moved after the entry query looked: asked again, the history reaches it unless it is cut short.
    let last = newest;
    if (headRecord && headRecord.version > ((last?.entry as E | undefined)?.n ?? 0)) last = await newestEntry();
    if (!last) return headRecord && { record: headRecord, broken: { n: 1, reason: `the ${this.kind.noun} has a head but no history entries` } };
    const entry = last.entry as E;
    const recorded = last[this.kind.attribute] as R;
    if (!isEntryIntact(entry) || recorded.hash !== entry.hash || stateDigest(recorded) !== entry.stateDigest) {
      return { record: headRecord ?? recorded, broken: { n: entry.n, reason: `entry ${entry.n} does not match the ${this.kind.noun} it records` } };
    }
    if (!headRecord || headRecord.version < entry.n) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      await this.moveHead(recorded).catch((e: unknown) => this.onHeadLag(id, recorded.version, e));
      return { record: recorded };
    }
    if (headRecord.version > entry.n) {
      return { record: headRecord, broken: { n: entry.n + 1, reason: `the ${this.kind.noun} is at version ${headRecord.version}; entries from ${entry.n + 1} on are missing` } };
    }
    if (headRecord.hash !== entry.hash || stateDigest(headRecord) !== entry.stateDigest) {
      return { record: headRecord, broken: { n: entry.n, reason: `the stored ${this.kind.noun} does not match what entry ${entry.n} recorded` } };
    }
    return { record: headRecord };
  }

  /** Every history entry, oldest first (each kind bounds its history). */
  async history(id: string): Promise<E[]> {
    if (!this.kind.idPattern.test(id)) return [];
    const entries: E[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(this.entryQuery(id, { limit: 100, start, attribute: 'entry' }));
      for (const item of out.Items ?? []) entries.push(item.entry as E);
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /** A page of the heads an index partition lists (eventually consistent: read one with `read`). */
  async page(q: ChainedPageQuery): Promise<{ records: R[]; nextCursor?: string }> {
    const { limit, cursor } = q.page;
    const { items, nextCursor } = await queryIndexPage(this.db, {
      tableName: this.tableName,
      table: TABLE_KEYS,
      itemPrefix: this.kind.prefix,
      listedSortKey: HEAD,
      ...q,
      page: cursor !== undefined ? { limit, cursor } : { limit },
    });
    const records = items.map((i) => i[this.kind.attribute] as R);
    return nextCursor ? { records, nextCursor } : { records };
  }

  /**
   * A page of the heads a list sharded over index partitions lists (shard-keys.ts): every partition read
   * from the cursor's position for its share of the page, side by side, and merged by sort key (each
   * ends with the record's id, so it is unique over the shards). `partition` is the list's key of before
   * the shards, read as one more, and what the cursors are bound to: a cursor of it alone, from before
   * the shards, goes on from its position over them all (openShardedPosition).
   */
  async shardedPage(q: ChainedShardedQuery): Promise<{ records: R[]; nextCursor?: string }> {
    const { limit, cursor } = q.page;
    const shape = { ...q, tableName: this.tableName, table: TABLE_KEYS, itemPrefix: this.kind.prefix, listedSortKey: HEAD };
    const idOf = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf('#') + 1);
    const position = cursor !== undefined ? openShardedPosition(cursor, shape, (sk) => sk.includes('#') && this.kind.idPattern.test(idOf(sk))) : undefined;
    const ix = q.index;
    const shards = await queryShards(
      this.db,
      q.partitions,
      (pk) =>
        indexQueryInput(
          shape,
          pk,
          shardLimit(limit, q.partitions.length),
          // A position, not necessarily a head of this partition: the partition resumes after it.
          position !== undefined ? { pk: this.key(idOf(position)), sk: HEAD, [ix.partitionKey]: pk, [ix.sortKey]: position } : undefined,
        ),
      ix.sortKey,
    ).catch((e: unknown) => {
      throw position !== undefined ? startKeyRefused(e) : e;
    });
    const { items, next } = mergeShardRows(shards, (i) => i[ix.sortKey] as string, limit, q.newestFirst ? 'descending' : 'ascending');
    const records = items.map((i) => i[this.kind.attribute] as R);
    return next !== undefined ? { records, nextCursor: encodeShardedPosition(next, shape) } : { records };
  }

  private key(id: string): string {
    return `${this.kind.prefix}${id}`;
  }

  /** Writes an entry on condition it does not exist; false when it does. */
  private async putEntry({ record, entry }: ChainedTransition<R, E>): Promise<boolean> {
    const item = this.sized({
      pk: this.key(record.id),
      sk: chainedEntrySortKey(entry.n),
      entry,
      [this.kind.attribute]: record,
      ...(this.kind.eventOf ? { [CHAINED_ENTRY_EVENT]: this.kind.eventOf(entry, record) } : {}),
    });
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  private async moveHead(record: R): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.sized(chainedHeadItem(this.kind, record)),
          ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': record.version },
        }),
      );
    } catch (e) {
      // Someone already moved it to this version or past it: nothing to do.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  private entryQuery(id: string, o: { newestFirst?: boolean; limit: number; start?: Record<string, unknown> | undefined; attribute?: string }): QueryCommand {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': this.key(id), ':h': ENTRY_PREFIX },
      ...(o.attribute ? { ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': o.attribute } } : {}),
      ...(o.newestFirst ? { ScanIndexForward: false } : {}),
      ConsistentRead: true,
      Limit: o.limit,
      ...(o.start ? { ExclusiveStartKey: o.start } : {}),
    });
  }

  private sized(item: Item): Item {
    const bytes = itemBytes(item);
    if (bytes > ITEM_LIMIT_BYTES) throw this.kind.tooLarge(bytes, `${String(item.pk)} / ${String(item.sk)}`);
    return item;
  }
}

/** A record of kind `K` and the entry recording it, as the domain names them (`{ ticket, entry }`). */
export type NamedTransition<K extends string, R, E> = { [P in K]: R } & { entry: E };
/** A record of kind `K` as read, as the domain names it (`{ ticket, broken? }`). */
export type NamedRead<K extends string, R> = { [P in K]: R } & { broken?: { n: number; reason: string } };

/**
 * The part every chained-record store is the same in (a finding's, an evaluation's, a ticket's): its
 * creation, actions, reads and history, with the record under the name its domain gives it (`key`) and
 * the creation checked to be the kind's first entry type (`first`). Each store adds its lists.
 */
export class DynamoChainedStore<K extends string, R extends ChainedRecord, E extends ChainedEntry> {
  protected readonly records: DynamoChainedRecords<R, E>;

  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    kind: ChainedKind<R, E>,
    private readonly naming: { key: K; first: E['type'] },
    options: DynamoChainedRecordsOptions = {},
  ) {
    this.records = new DynamoChainedRecords(db, tableName, kind, options);
  }

  async create(first: NamedTransition<K, R, E>): Promise<{ created: true } | { created: false; existing: R }> {
    const record = first[this.naming.key] as R;
    if (first.entry.type !== this.naming.first) throw new Error(`${this.naming.key} store: ${record.id} does not start with a ${this.naming.first} entry`);
    return this.records.create({ record, entry: first.entry });
  }

  async append(transition: NamedTransition<K, R, E>, previous: R): Promise<void> {
    await this.records.append({ record: transition[this.naming.key], entry: transition.entry }, previous);
  }

  async read(id: string): Promise<NamedRead<K, R> | undefined> {
    const read = await this.records.read(id);
    return read && ({ [this.naming.key]: read.record, ...(read.broken ? { broken: read.broken } : {}) } as NamedRead<K, R>);
  }

  async history(id: string): Promise<E[]> {
    return this.records.history(id);
  }
}
