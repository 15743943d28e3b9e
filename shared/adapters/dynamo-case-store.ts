// CaseStore on DynamoDB, without transactions (dynalite has none); the items of the cases table and
// their index keys are case-items.ts', the listings' queries case-listings.ts'.
//
// DynamoDB writes: an action (`append`) is two — the entry, which decides, and the head, which only
// follows (a head that fails to follow an action is rolled forward by the next read of the case; one
// that fails after a filing fails the filing, whose retry completes it). A filing is three: the idempotency record, the first entry and the head. A replayed filing
// writes nothing unless the first one stopped before its head. (A head write also updates the head's
// entries in the indexes where it moves them — they hold keys alone — which AWS bills as index writes.)
// A joint case's task items and its finding items are written before the head only where the action
// moves them in their lists (case-items.ts listingItems).
// Listings read the indexes, then the heads of the page's cases, one GetItem each, side by side
// (eventually consistent, like the index): BatchGetItem would save round trips at the price of a grant
// more for every function that lists, and costs the same read units.
// An action under an idempotency key writes two more: its key taken before the entry (none when the
// key is held at that version already) and settled on the entry after it; a replay writes nothing.
//
// Not done yet (issue 21's "about one write per transition", 2.2 writes a transition here): the head
// as the one conditional write of a transition (on its version), carrying the entries not yet paged
// out (`pending`, at most a few and a byte bound; a page item `PAGE#<last n>` holds them once the list
// is full, written before the head that drops them: a page repeats only committed entries, so a page a
// losing writer leaves is true, and readers merge pages, `EVT#` items of the old layout and the head's
// list by n). The relay would take the head's stream record (the pending entry n = the head's version;
// a roll-forward of an old-layout head carries none). Open points before it can land: the filing's
// first entry holds the whole first state, so a head carrying it doubles the state's bytes (the size
// check must allow for it, or the first entry stays an item of its own: 3 writes for a filing); an
// action needs the old pending list (an UpdateItem with list_append, and the list's size kept on the
// head); old writers still running during a deployment could write an `EVT#n` beside a head that holds
// another n (a deployment must drain them); the stream filters, the embedded stream and the relay's
// tests change with it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CaseHistoryEntry, CaseState, CaseStatus, CaseTransition } from '../domain/cases/case-record.ts';
import type {
  ActionKey,
  ActionKeyClaim,
  ActionKeyRecord,
  CaseList,
  CasePage,
  CaseRead,
  CaseStore,
  FilingRecord,
  SupervisionKind,
  SupervisionList,
  SweepStatus,
} from '../domain/cases/case-store.ts';
import { caseVersionConflict, intactState } from '../domain/cases/case-store.ts';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import type { Item } from './case-items.ts';
import {
  CALENDAR_APPLIED_KEY,
  ENTRY_ACTION_KEY,
  ENTRY_PREFIX,
  HEAD,
  HISTORY_PAGE,
  LAST_ENTRY,
  actionEntryItem,
  actionKeyItem,
  actionKeyItemKey,
  actionKeyOf,
  caseKey,
  caseNumberTaken,
  entryActionKeyOf,
  entryKey,
  filingItem,
  filingOf,
  firstEntryItem,
  historyCursor,
  historyCursorEntry,
  idempotencyRecordKey,
  keyedEntryItem,
  listingItems,
  stateOfItems,
  tokenItem,
  tokenKey,
} from './case-items.ts';
import type { HeadReader, ShardReader } from './case-listings.ts';
import {
  channelCasesQuery,
  departmentQueueQuery,
  departmentShards,
  jointTaskQueueQuery,
  listedHeads,
  shardedPage,
  supervisionList,
  supervisionQuery,
  sweepRanges,
} from './case-listings.ts';
import { CASES_TABLE } from './table-layout.ts';

const ix = CASES_TABLE.indexes.departmentQueue;
/** Shards of a department whose first sweep page is read side by side. */
const SWEEP_SHARD_READS = 16;

export interface DynamoCaseStoreOptions {
  /** Told when the head could not follow a written entry (the next read rolls it forward). */
  onHeadLag?: (caseNo: string, version: number, error: unknown) => void;
  /** Told when an action key's record could not be settled on its written entry (a retry finds the entry by its key). */
  onKeyLag?: (caseNo: string, n: number, error: unknown) => void;
  /**
   * A reader without write grants on the cases table (the watch, the tally, the statistics): a read
   * that finds the head behind answers the newest state without trying to move the head (a writer's
   * next read does), instead of a write its role would refuse.
   */
  readOnly?: true;
}

export class DynamoCaseStore implements CaseStore {
  private readonly onHeadLag: (caseNo: string, version: number, error: unknown) => void;
  private readonly onKeyLag: (caseNo: string, n: number, error: unknown) => void;
  private readonly readOnly: boolean;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoCaseStoreOptions = {},
  ) {
    this.onHeadLag =
      options.onHeadLag ??
      ((caseNo, version, error) => console.warn(JSON.stringify({ level: 'WARN', message: 'case head lags its newest entry', caseNo, version, error: String(error) })));
    this.readOnly = options.readOnly === true;
    this.onKeyLag =
      options.onKeyLag ?? ((caseNo, n, error) => console.warn(JSON.stringify({ level: 'WARN', message: 'action key not settled on its entry', caseNo, n, error: String(error) })));
  }

  async filing(channelId: string, idempotencyKey: string): Promise<FilingRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idempotencyRecordKey(channelId, idempotencyKey), ConsistentRead: true }));
    return out.Item && filingOf(out.Item);
  }

  async claimFiling(record: FilingRecord): Promise<FilingRecord | undefined> {
    const item = filingItem(record);
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return undefined;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const holder = await this.filing(record.channelId, record.idempotencyKey);
      if (!holder) throw new Error(`idempotency record ${item.pk as string} exists but cannot be read`, { cause: e });
      return holder;
    }
  }

  async filingComplete(caseNo: string): Promise<boolean> {
    const head = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseNo), sk: HEAD }, ProjectionExpression: 'pk', ConsistentRead: true }));
    return head.Item !== undefined;
  }

  async completeFiling(first: CaseTransition): Promise<void> {
    const { state, entry } = first;
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: firstEntryItem(first), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // Written already — by a concurrent retry of this filing, unless two filings drew the same case number.
      const existing = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(state.caseNo), sk: entryKey(1) },
          ProjectionExpression: '#e',
          ExpressionAttributeNames: { '#e': 'entry' },
          ConsistentRead: true,
        }),
      );
      if ((existing.Item?.entry as CaseHistoryEntry | undefined)?.hash !== entry.hash) throw caseNumberTaken(state.caseNo, e);
    }
    // Not swallowed, unlike after an action: a case without a head is in no queue and no sweep, and
    // nobody would read it to roll the head forward. The caller's retry writes it.
    await this.moveHead(state);
  }

  async append(state: CaseState, entry: CaseHistoryEntry, previous: CaseState, key?: ActionKeyClaim): Promise<void> {
    const checked = actionEntryItem(previous, state, entry);
    // Under an idempotency key: taken for this entry once the entry is known to fit, and carried by it.
    const item = key ? keyedEntryItem(checked, key) : checked;
    if (key) await this.takeActionKey(key, entry);
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw caseVersionConflict(entry.caseNo, entry.n);
      throw e;
    }
    // The entry is written: the action has happened. A head that fails to follow must not turn that
    // into an error the caller would retry into a conflict.
    if (key) await this.settleActionKey(key, entry.n).catch((e: unknown) => this.onKeyLag(entry.caseNo, entry.n, e));
    await this.moveHead(state, previous).catch((e: unknown) => this.onHeadLag(state.caseNo, state.version, e));
  }

  async get(caseNo: string): Promise<CaseState | undefined> {
    return intactState(await this.read(caseNo));
  }

  async read(caseNo: string): Promise<CaseRead | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const pk = caseKey(caseNo);
    const newestEntry = () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
          ExpressionAttributeValues: { ':pk': pk, ':evt': ENTRY_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
    const [newest, head] = await Promise.all([
      newestEntry(),
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk: HEAD }, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'state' }, ConsistentRead: true }),
      ),
    ]);
    const headVersion = (head.Item?.state as CaseState | undefined)?.version ?? 0;
    // Read side by side, the head may have moved after the entry query looked: an entry is written
    // before its head, so asked again now, the history reaches the head unless it is really cut short.
    let last = newest.Items?.[0];
    if (headVersion > ((last?.entry as CaseHistoryEntry | undefined)?.n ?? 0)) last = (await newestEntry()).Items?.[0];
    // The entries after the head, when it lags its newest entry (a writer stopped before moving it).
    const newer: Item[] = [];
    if (last && headVersion < (last.entry as CaseHistoryEntry).n) {
      for await (const item of this.entryItems(caseNo, headVersion, ['entry', 'changes', 'state'])) newer.push(item);
    }
    const read = stateOfItems(head.Item, newer, last);
    if (!this.readOnly && read && !read.broken && read.state.version > headVersion) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      await this.moveHead(read.state).catch((e: unknown) => this.onHeadLag(caseNo, read.state.version, e));
    }
    return read;
  }

  async historyPage(caseNo: string, page: CasePage): Promise<{ entries: CaseHistoryEntry[]; nextCursor?: string }> {
    const after = historyCursorEntry(caseNo, page.cursor);
    if (!isCaseNo(caseNo)) return { entries: [] };
    const out = await this.db.send(this.entryQuery(caseNo, after, ['entry'], page.limit));
    const entries = (out.Items ?? []).map((i) => i.entry as CaseHistoryEntry);
    const last = entries.at(-1);
    return out.LastEvaluatedKey && last ? { entries, nextCursor: historyCursor(caseNo, last.n) } : { entries };
  }

  async *entries(caseNo: string): AsyncIterable<CaseHistoryEntry> {
    if (!isCaseNo(caseNo)) return;
    for await (const item of this.entryItems(caseNo, 0, ['entry'])) yield item.entry as CaseHistoryEntry;
  }

  /** The case's entry items after entry `after`, oldest first, a page of HISTORY_PAGE at a time. */
  private async *entryItems(caseNo: string, after: number, attributes: string[]): AsyncIterable<Item> {
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.db.send(this.entryQuery(caseNo, after, attributes, HISTORY_PAGE, start));
      yield* out.Items ?? [];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  private entryQuery(caseNo: string, after: number, attributes: string[], limit: number, start?: Record<string, unknown>): QueryCommand {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': caseKey(caseNo), ':from': entryKey(after + 1), ':to': LAST_ENTRY },
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])),
      ConsistentRead: true,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
  }

  async calendarApplied(): Promise<Record<string, number> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: CALENDAR_APPLIED_KEY, ConsistentRead: true }));
    return out.Item?.versions as Record<string, number> | undefined;
  }

  async recordCalendarApplied(versions: Record<string, number>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...CALENDAR_APPLIED_KEY, versions, at: new Date().toISOString() } }));
  }

  async departmentQueue(departmentId: string, status: CaseStatus, page: CasePage): Promise<CaseList> {
    return shardedPage(departmentQueueQuery(departmentId, status, page), this.readShard, this.readHead);
  }

  async jointTaskQueue(departmentId: string, page: CasePage): Promise<CaseList> {
    return shardedPage(jointTaskQueueQuery(departmentId, page), this.readShard, this.readHead);
  }

  async putTaskToken(caseNo: string, departmentId: string, token: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: tokenItem(caseNo, departmentId, token) }));
  }

  async taskToken(caseNo: string, departmentId: string): Promise<string | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseNo), sk: tokenKey(departmentId) }, ConsistentRead: true }));
    return out.Item?.token as string | undefined;
  }

  async actionKey(key: ActionKey): Promise<ActionKeyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: actionKeyItemKey(key), ConsistentRead: true }));
    return out.Item && actionKeyOf(out.Item);
  }

  async entryActionKey(caseNo: string, n: number): Promise<ActionKey | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: caseKey(caseNo), sk: entryKey(n) },
        ProjectionExpression: '#k',
        ExpressionAttributeNames: { '#k': ENTRY_ACTION_KEY },
        ConsistentRead: true,
      }),
    );
    return entryActionKeyOf(caseNo, out.Item);
  }

  async settleActionKey(record: ActionKeyRecord, n: number): Promise<void> {
    await this.ifStillSo(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: actionKeyItemKey(record),
          UpdateExpression: 'SET #w = :n',
          ConditionExpression: '#b = :b AND (attribute_not_exists(#w) OR #w = :n)',
          ExpressionAttributeNames: { '#b': 'base', '#w': 'written' },
          ExpressionAttributeValues: { ':b': n - 1, ':n': n },
        }),
      ),
    );
  }

  async releaseActionKey(record: ActionKeyRecord): Promise<void> {
    await this.ifStillSo(() =>
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: actionKeyItemKey(record),
          ConditionExpression: '#b = :b AND attribute_not_exists(#w)',
          ExpressionAttributeNames: { '#b': 'base', '#w': 'written' },
          ExpressionAttributeValues: { ':b': record.base },
        }),
      ),
    );
  }

  /**
   * Takes the key for the entry (base: entry.n - 1): a new record where there is none
   * (CASE_VERSION_CONFLICT where there is), or nothing to write when it is held at that base already
   * (the entry's own condition decides).
   */
  private async takeActionKey(key: ActionKeyClaim, entry: CaseHistoryEntry): Promise<void> {
    if (key.caseNo !== entry.caseNo || key.base !== entry.n - 1) {
      throw new Error(`case store: the key of case ${key.caseNo} at version ${key.base} cannot be taken for entry ${entry.n} of case ${entry.caseNo}`);
    }
    if (key.held) return;
    const { held: _held, entry: _entry, ...record } = key;
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: actionKeyItem(record, entry.at), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw caseVersionConflict(entry.caseNo, entry.n);
      throw e;
    }
  }

  /** A conditional write that does nothing when its condition no longer holds. */
  private async ifStillSo(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  async channelCases(channelId: string, applicantId: string | undefined, page: CasePage): Promise<CaseList> {
    const query = channelCasesQuery(channelId, applicantId, page);
    return query ? shardedPage(query, this.readShard, this.readHead) : { cases: [] };
  }

  async listSupervision(kind: SupervisionKind, page: CasePage): Promise<SupervisionList> {
    return supervisionList(supervisionQuery(kind, page), this.readShard, this.readHead);
  }

  async *sweepCandidates(departmentId: string, status: SweepStatus, before: string): AsyncIterable<CaseState> {
    const ranges = sweepRanges(status, before).map((range) =>
      'between' in range
        ? { condition: '#pk = :pk AND #sk BETWEEN :lo AND :hi', values: { ':lo': range.between[0], ':hi': range.between[1] } }
        : { condition: '#pk = :pk AND begins_with(#sk, :lo)', values: { ':lo': range.prefix } },
    );
    const page = (pk: string, range: (typeof ranges)[number], start: Record<string, unknown> | undefined) =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: ix.name,
          KeyConditionExpression: range.condition,
          ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ...range.values },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
    // Most of a department's shards hold no candidate: their first pages are asked for side by side,
    // SWEEP_SHARD_READS at a time, not one shard after another (a round trip each, per range and
    // department); a shard with more pages goes on alone. Memory: one page per shard of the group.
    const shards = departmentShards(departmentId);
    for (const range of ranges) {
      for (let i = 0; i < shards.length; i += SWEEP_SHARD_READS) {
        const group = shards.slice(i, i + SWEEP_SHARD_READS);
        const firsts = await Promise.all(group.map((pk) => page(pk, range, undefined)));
        for (const [n, pk] of group.entries()) {
          let out: QueryCommandOutput = firsts[n]!;
          for (;;) {
            for (const { head } of await listedHeads(out.Items ?? [], ix, this.readHead)) yield head.state as CaseState;
            if (!out.LastEvaluatedKey) break;
            out = await page(pk, range, out.LastEvaluatedKey);
          }
        }
      }
    }
  }

  /** One shard's page of a sharded listing index (an empty prefix: the whole shard). */
  private readonly readShard: ShardReader = async (index, pk, prefix, start, limit) => {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(prefix ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { items: out.Items ?? [], stopped: out.LastEvaluatedKey !== undefined };
  };

  /** One head, as a listing reads it: eventually consistent, like the index that listed it. */
  private readonly readHead: HeadReader = async (key) => (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }))).Item;

  /**
   * Moves the projections forward: the joint task and finding items first, then the head (which says
   * they are done). From `previous` (an action's), only the task and finding items the action moved,
   * and the head on condition it still holds `previous`: a head further behind (its writer stopped
   * before it) is moved with every item, as without `previous`.
   */
  private async moveHead(state: CaseState, previous?: CaseState): Promise<void> {
    if (previous) {
      const { first, head } = listingItems(state, undefined, previous);
      await Promise.all(first.map((item) => this.putProjection(item, state.version)));
      if (await this.putProjection(head, state.version, previous.version)) return;
    }
    const { first, head } = listingItems(state);
    await Promise.all(first.map((item) => this.putProjection(item, state.version)));
    await this.putProjection(head, state.version);
  }

  /** Puts a projection at `version` over an older one (over exactly `from`, when given); false when it was not. */
  private async putProjection(item: Item, version: number, from?: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(from === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk) OR #v < :v', ExpressionAttributeValues: { ':v': version } }
            : { ConditionExpression: '#v = :from', ExpressionAttributeValues: { ':from': from } }),
          ExpressionAttributeNames: { '#v': 'version' },
        }),
      );
      return true;
    } catch (e) {
      // Someone already moved it to this version or past it (or, from `from`, it is elsewhere): nothing written.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      return false;
    }
  }
}
