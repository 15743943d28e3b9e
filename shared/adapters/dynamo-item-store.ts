// ItemStore on DynamoDB. Each version is its own item (`ITEM#<code>` / `V#<n>`), written once with
// a condition that it does not exist yet: that write is the action's serialisation point. A head
// item (`ITEM#<code>` / `HEAD`) is a projection of the newest version for the listing indexes; it is
// moved forward after the version write, and any reader that finds it behind rolls it forward, so a
// crash between the two writes loses nothing (no transactions needed: dynalite has none).
//
// Reads kept in the function's memory (issue 21: every filing reads its item, and a busy item's
// partition would take every filing's read). What may be kept, and for how long:
//   - a version (`V#<n>`) never changes once written (its write is conditional on none being there):
//     every version read, by `version()` or as the newest by `latest()`, is kept, in a bounded cache
//     (the `versions` newest used, 256 by default: a version is a service guide of a few KB, up to the
//     400 KB item limit, so at most a few MB in practice). A version not found is not kept: it may be
//     written next.
//   - which version is the newest is what changes: `latest()` reads it consistently, unless the store is
//     made with `latestMaxAgeMs`, when an answer that old or younger is given again. Only the filing's
//     reader (the cases function) sets it (2 s): a filing then sees a suspension, a termination or a
//     new published version up to that long after it is written — as a filing that started that much
//     earlier would have — while planned suspensions take effect by their date whatever the cache holds
//     (the record holds the date). The catalogue, which writes versions on what it reads, never sets it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { versionConflict } from '../domain/items/catalogue-service.ts';
import type { ItemHead, ItemRecord } from '../domain/items/item-record.ts';
import { headOf } from '../domain/items/item-record.ts';
import type { ItemQuery, ItemStore } from '../domain/items/item-store.ts';
import { badCursor, encodeCursor, openHeadStartKey } from './page-cursor.ts';
import { ITEMS_TABLE } from './table-layout.ts';

const { indexes } = ITEMS_TABLE;

/** What a DynamoItemStore keeps of its reads (see the header). */
export interface ItemReadCache {
  /** Versions kept, the most recently used (default 256). */
  versions?: number;
  /** How old an answer of `latest()` may be given again, in ms (default 0: every call reads). */
  latestMaxAgeMs?: number;
  /** The clock, in ms (default Date.now). */
  now?: () => number;
}

export class DynamoItemStore implements ItemStore {
  readonly #versions = new Map<string, ItemRecord>();
  readonly #latest = new Map<string, { record: ItemRecord; at: number }>();
  readonly #maxVersions: number;
  readonly #latestMaxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Told when the head could not follow a written version (the next read rolls it forward). */
    private readonly onHeadLag: (code: string, version: number, error: unknown) => void = (code, version, error) =>
      console.warn(JSON.stringify({ level: 'WARN', message: 'item head lags its newest version', code, version, error: String(error) })),
    cache: ItemReadCache = {},
  ) {
    this.#maxVersions = cache.versions ?? 256;
    this.#latestMaxAgeMs = cache.latestMaxAgeMs ?? 0;
    this.#now = cache.now ?? Date.now;
  }

  async append(record: ItemRecord, published: ItemRecord | undefined): Promise<void> {
    this.#latest.delete(record.code);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: itemKey(record.code), sk: versionKey(record.version), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw versionConflict(record.code, record.version - 1, record.version);
      throw e;
    }
    // The version is written: the action has happened. A head that fails to follow (throttling, a
    // crash) must not turn that into an error the caller would retry into a conflict.
    await this.moveHead(record, published).catch((e: unknown) => this.onHeadLag(record.code, record.version, e));
  }

  async latest(code: string): Promise<ItemRecord | undefined> {
    const kept = this.#latestMaxAgeMs > 0 ? this.#latest.get(code) : undefined;
    if (kept && this.#now() - kept.at <= this.#latestMaxAgeMs) return structuredClone(kept.record);
    const at = this.#now();
    const record = await this.readLatest(code);
    if (record) {
      this.keep(record);
      if (this.#latestMaxAgeMs > 0) this.#latest.set(code, { record, at });
      // Bounded like the versions: the codes read least recently go first.
      if (this.#latest.size > this.#maxVersions) this.#latest.delete(this.#latest.keys().next().value!);
    }
    return record && structuredClone(record);
  }

  private async readLatest(code: string): Promise<ItemRecord | undefined> {
    const [newest, head] = await Promise.all([
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': itemKey(code), ':v': 'V#' },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: itemKey(code), sk: 'HEAD' }, ConsistentRead: true })),
    ]);
    const item = newest.Items?.[0];
    if (!item) return undefined;
    const record = toRecord(item);
    if (((head.Item?.version as number | undefined) ?? 0) < record.version) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      try {
        const published =
          record.publishedVersion === undefined || record.publishedVersion === record.version
            ? record.publishedVersion === undefined
              ? undefined
              : record
            : await this.version(code, record.publishedVersion);
        await this.moveHead(record, published);
      } catch (e) {
        this.onHeadLag(code, record.version, e);
      }
    }
    return record;
  }

  async version(code: string, n: number): Promise<ItemRecord | undefined> {
    const key = `${code}#${n}`;
    const kept = this.#versions.get(key);
    if (kept) {
      // Used again: it moves to the newest end of the map (insertion order), the last to go.
      this.#versions.delete(key);
      this.#versions.set(key, kept);
      return structuredClone(kept);
    }
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: itemKey(code), sk: versionKey(n) }, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const record = toRecord(out.Item);
    this.keep(record);
    return structuredClone(record);
  }

  /** Keeps a version read (it never changes), dropping the least recently used beyond the bound. */
  private keep(record: ItemRecord): void {
    const key = `${record.code}#${record.version}`;
    this.#versions.delete(key);
    this.#versions.set(key, record);
    if (this.#versions.size > this.#maxVersions) this.#versions.delete(this.#versions.keys().next().value!);
  }

  async list(query: ItemQuery, page: { limit: number; cursor?: string }): Promise<{ heads: ItemHead[]; nextCursor?: string }> {
    const key = keyCondition(query);
    const fingerprint = JSON.stringify(query);
    const start = page.cursor
      ? openHeadStartKey(page.cursor, fingerprint, {
          table: ITEMS_TABLE,
          index: { partitionKey: key.pkName, sortKey: key.skName },
          partition: key.pk,
          sortPrefix: key.sortPrefix,
          itemPrefix: 'ITEM#',
          listedSortKey: 'HEAD',
        })
      : undefined;
    const out = await this.db
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: key.index,
          KeyConditionExpression: key.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          ExpressionAttributeNames: key.sortPrefix ? { '#pk': key.pkName, '#sk': key.skName } : { '#pk': key.pkName },
          ExpressionAttributeValues: key.sortPrefix ? { ':pk': key.pk, ':prefix': key.sortPrefix } : { ':pk': key.pk },
          Limit: page.limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      .catch((e: unknown) => {
        // A start key DynamoDB does not accept can only have come from a forged cursor.
        if (start && (e as { name?: string }).name === 'ValidationException') throw badCursor();
        throw e;
      });
    const heads = (out.Items ?? []).map(toHead);
    return out.LastEvaluatedKey ? { heads, nextCursor: encodeCursor(out.LastEvaluatedKey, fingerprint) } : { heads };
  }

  private async moveHead(latest: ItemRecord, published: ItemRecord | undefined): Promise<void> {
    const head = headOf(latest, published);
    const listed = head.publishedVersion !== undefined && head.publicState !== 'terminated';
    const inProgress = head.state !== 'published' && head.publicState !== 'terminated';
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: itemKey(latest.code),
            sk: 'HEAD',
            ...head,
            ...(listed ? { catPk: 'LISTED', catDeptPk: `LISTED#${head.departmentId}`, catSk: `${head.type}#${head.code}` } : {}),
            ...(inProgress ? { workPk: `STATE#${head.state}`, workSk: `${head.departmentId}#${head.code}` } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
          ExpressionAttributeValues: { ':v': head.version },
        }),
      );
    } catch (e) {
      // Someone already moved the head to this version or past it: nothing to do.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
}

function keyCondition(query: ItemQuery) {
  if (query.kind === 'work') {
    const ix = indexes.work;
    return {
      index: ix.name,
      pkName: ix.partitionKey,
      skName: ix.sortKey,
      pk: `STATE#${query.state}`,
      sortPrefix: query.departmentId ? `${query.departmentId}#` : undefined,
    };
  }
  const ix = query.departmentId ? indexes.catalogueByDepartment : indexes.catalogue;
  return {
    index: ix.name,
    pkName: ix.partitionKey,
    skName: ix.sortKey,
    pk: query.departmentId ? `LISTED#${query.departmentId}` : 'LISTED',
    sortPrefix: query.type ? `${query.type}#` : undefined,
  };
}

const itemKey = (code: string) => `ITEM#${code}`;
const versionKey = (n: number) => `V#${String(n).padStart(10, '0')}`;

function toRecord(item: Record<string, unknown>): ItemRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as ItemRecord;
}

function toHead(item: Record<string, unknown>): ItemHead {
  const { pk: _a, sk: _b, catPk: _c, catDeptPk: _d, catSk: _e, workPk: _f, workSk: _g, ...head } = item;
  return head as unknown as ItemHead;
}
