// CaseStore on DynamoDB, without transactions (dynalite has none); the items of the cases table and
// their index keys are case-items.ts', the listings' queries case-listings.ts'.
//
// DynamoDB writes (issue 21: about one a transition): the head is a transition's one conditional write
// — a filing's on condition there is none (attribute_not_exists), an action's on condition it still
// holds the version the action was decided on. It carries the newest state, its index keys and the
// history entries not yet paged out (`pending`, case-items.ts: at most PENDING_ENTRIES and
// PENDING_BYTES, its newest the head's version's). An action that finds the list full first writes
// those entries as a page item (`PAGE#<last n>`), then the head with only its own: a page repeats
// committed entries only, so a page a losing writer leaves is still true, and readers merge the `EVT#`
// items of the layout before issue 21, the pages and the head's list by n. So a filing is two writes
// (its idempotency record, then the head), an action one, and one more each PENDING_ENTRIES or so.
// (A head write also updates the head's entries in the indexes where it moves them — they hold keys
// alone — which AWS bills as index writes.) A joint case's task items and its finding items are
// written before the head only where the action moves them in their lists (case-items.ts
// listingItems: a task item is put as its task moves or ends, over the item as read and on condition it
// is still so, carrying the token a wait keeps there — no function may hold UpdateItem on this table
// (functions/manifest.ts); the dispatch's new tasks are put in their lists by the workflow's waits,
// each with its callback token: one write per wait, one per task that ends; a read more each); an
// action that loses the head puts those it moved back where the
// winning head lists them (a writer stopped between them and its head leaves them moved until the next
// action moves them).
// The head an action is decided on is the one this store read for it (kept per case for the action
// that follows the read), or read again: a head holds one list at each version, only one writer's wins.
// The head is written packed (its state and entries compressed into one attribute, case-item-packing.ts)
// and unpacked wherever this store reads it.
// Reading a case is one consistent GetItem of the head: its state checked against its newest entry.
// Listings read the indexes, then the heads of the page's cases, one GetItem each, side by side
// (eventually consistent, like the index): BatchGetItem would save round trips at the price of a grant
// more for every function that lists, and costs the same read units.
// An action under an idempotency key writes two more: its key taken before the head (none when the
// key is held at that version already) and settled on the entry after it; a replay writes nothing.
//
// Cases of the layout before issue 21 (an `EVT#<n>` item per entry, written first and deciding, the
// head after it) are read as they were — the newest entry item, the head rolled forward from the
// entries after it when it lags — and an action on one writes its head as above, carrying its own
// entry: the history is their entry items, then the head's list. Writers of that layout still running
// during a deployment could write an `EVT#n` beside a head that carries another n: a deployment must
// let them drain (the old functions' in-flight requests) before the new ones write.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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
import type { EntryRecord, Item } from './case-items.ts';
import {
  CALENDAR_APPLIED_KEY,
  ENTRY_PREFIX,
  HEAD,
  HISTORY_PAGE,
  LAST_ENTRY,
  LAST_PAGE,
  actionKeyItem,
  actionKeyItemKey,
  RELEASED_KEY,
  releasedActionKeyItem,
  actionKeyOf,
  actionWrites,
  caseKey,
  caseNumberTaken,
  entryActionKeyOf,
  entryKey,
  filingHeadItem,
  filingItem,
  filingOf,
  historyCursor,
  historyCursorEntry,
  idempotencyRecordKey,
  listingItems,
  mergedHistory,
  pageKey,
  pendingOf,
  recordsOf,
  stateOfHead,
  stateOfItems,
  carriedTaskItem,
  isTaskItem,
  taskKey,
  taskTokenItem,
  tokenKey,
  withTaskToken,
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
import { packCaseItem, unpackCaseItem } from './case-item-packing.ts';
import { queryPages } from './query-cursor.ts';
import { CASES_TABLE } from './table-layout.ts';

const ix = CASES_TABLE.indexes.departmentQueue;
/** Shards of a department whose first sweep page is read side by side. */
const SWEEP_SHARD_READS = 16;
/**
 * Heads kept from the reads and writes of a store, for the actions that follow their reads (a head's
 * pending entries): a request reads a case, then acts on it, so a few suffice — and a head may be
 * 400 KB, so a few at most (12.8 MB).
 */
const HEADS_KEPT = 32;

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
  /** The newest HEADS_KEPT heads this store read or wrote, by case number, oldest first. */
  private readonly heads = new Map<string, Item>();

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
    // The one write of a filing's case: its head, listed, carrying its first entry.
    const head = filingHeadItem(first);
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: packCaseItem(head), ConditionExpression: 'attribute_not_exists(pk)' }));
      this.remember(head);
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // Written already — by a concurrent retry of this filing, unless two filings drew the same case number.
      if ((await this.record(state.caseNo, 1))?.entry.hash !== entry.hash) throw caseNumberTaken(state.caseNo, e);
    }
  }

  async append(state: CaseState, entry: CaseHistoryEntry, previous: CaseState, key?: ActionKeyClaim): Promise<void> {
    const { page, head } = actionWrites(await this.headAt(previous), previous, state, entry, key);
    // Under an idempotency key: taken for this entry once the entry is known to fit, and carried by it.
    if (key) await this.takeActionKey(key, entry);
    // Committed entries only (the head at `previous` carries them): true whoever wins the head.
    if (page) await this.db.send(new PutCommand({ TableName: this.tableName, Item: packCaseItem(page) }));
    const { first } = listingItems(state, undefined, previous);
    await Promise.all(first.map((item) => this.putProjection(item, state.version)));
    try {
      // The action's serialisation point: the head, on condition it still holds `previous`.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packCaseItem(head),
          ConditionExpression: '#v = :from',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':from': previous.version },
        }),
      );
      this.remember(head);
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // Someone acted first: the task and finding items this action moved are put back where the winner's state lists them.
      if (first.length > 0) await this.restoreProjections(state.caseNo, new Set(first.map((item) => item.sk as string)));
      throw caseVersionConflict(entry.caseNo, entry.n);
    }
    // The head is written: the action has happened. A key that fails to settle must not turn that
    // into an error the caller would retry into a conflict (the entry carries the key).
    if (key) await this.settleActionKey(key, entry.n).catch((e: unknown) => this.onKeyLag(entry.caseNo, entry.n, e));
  }

  async get(caseNo: string): Promise<CaseState | undefined> {
    return intactState(await this.read(caseNo));
  }

  async read(caseNo: string): Promise<CaseRead | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const pk = caseKey(caseNo);
    const head = await this.head(caseNo);
    // One read: a head that carries its newest entries says all there is to say.
    const read = head && stateOfHead(head);
    if (read) {
      if (!read.broken) this.remember(head);
      return read;
    }
    // A case of the layout before issue 21 (its entries `EVT#` items, the head written after them), or
    // none: its newest entry, and the entries after its head when the head lags (a writer stopped
    // before moving it). An entry is written before its head, so read after the head, the entries
    // reach it unless the history is really cut short.
    const newest = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
        ExpressionAttributeValues: { ':pk': pk, ':evt': ENTRY_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const headVersion = (head?.state as CaseState | undefined)?.version ?? 0;
    const last = newest.Items?.[0];
    const newer: Item[] = [];
    if (last && headVersion < (last.entry as CaseHistoryEntry).n) {
      for await (const item of this.entryItems(caseNo, headVersion, ['entry', 'changes', 'state'])) newer.push(item);
    }
    const old = stateOfItems(head, newer, last);
    if (!this.readOnly && old && !old.broken && old.state.version > headVersion) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      await this.moveHead(old.state).catch((e: unknown) => this.onHeadLag(caseNo, old.state.version, e));
    }
    return old;
  }

  async historyPage(caseNo: string, page: CasePage): Promise<{ entries: CaseHistoryEntry[]; nextCursor?: string }> {
    const after = historyCursorEntry(caseNo, page.cursor);
    if (!isCaseNo(caseNo)) return { entries: [] };
    const entries: CaseHistoryEntry[] = [];
    for await (const { entry } of this.history(caseNo, after)) {
      if (entries.length === page.limit) return { entries, nextCursor: historyCursor(caseNo, entries.at(-1)!.n) };
      entries.push(entry);
    }
    return { entries };
  }

  async *entries(caseNo: string): AsyncIterable<CaseHistoryEntry> {
    if (!isCaseNo(caseNo)) return;
    for await (const { entry } of this.history(caseNo)) yield entry;
  }

  /**
   * The case's history after entry `after`, oldest first, as its items hold it (case-items.ts
   * mergedHistory): the head read first — a page holds only entries a head carried, so the pages read
   * after it reach its pending entries — then the `EVT#` items of the layout before issue 21 and the
   * pages, a page of HISTORY_PAGE items at a time, then the head's pending entries. Queries only (the
   * outbox's readers hold no GetItem grant).
   */
  async *history(caseNo: string, after = 0): AsyncIterable<EntryRecord> {
    const pk = caseKey(caseNo);
    const heads = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk = :head',
        ExpressionAttributeValues: { ':pk': pk, ':head': HEAD },
        ConsistentRead: true,
      }),
    );
    let last = after;
    const fresh = function* (records: Iterable<EntryRecord>) {
      for (const record of mergedHistory([records], last)) {
        last = record.entry.n;
        yield record;
      }
    };
    for await (const item of this.entryItems(caseNo, after, undefined)) yield* fresh(recordsOf(item));
    for await (const item of this.pageItems(caseNo, after)) yield* fresh(recordsOf(item));
    yield* fresh(pendingOf(unpackCaseItem(heads.Items?.[0])));
  }

  /** Entry `n`'s record, wherever the case keeps it. */
  private async record(caseNo: string, n: number): Promise<EntryRecord | undefined> {
    for await (const record of this.history(caseNo, n - 1)) return record.entry.n === n ? record : undefined;
    return undefined;
  }

  /** The case's entry items (the layout before issue 21) after entry `after`, oldest first, a page of HISTORY_PAGE at a time. */
  private async *entryItems(caseNo: string, after: number, attributes: string[] | undefined): AsyncIterable<Item> {
    yield* this.itemsBetween(caseNo, entryKey(after + 1), LAST_ENTRY, attributes);
  }

  /** The case's history pages that hold entries after `after`, oldest first. */
  private async *pageItems(caseNo: string, after: number): AsyncIterable<Item> {
    for await (const item of this.itemsBetween(caseNo, pageKey(after + 1), LAST_PAGE, undefined)) yield unpackCaseItem(item);
  }

  private async *itemsBetween(caseNo: string, from: string, to: string, attributes: string[] | undefined): AsyncIterable<Item> {
    for await (const out of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': caseKey(caseNo), ':from': from, ':to': to },
      ...(attributes
        ? {
            ProjectionExpression: ['sk', ...attributes].map((_, i) => `#a${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(['sk', ...attributes].map((a, i) => [`#a${i}`, a])),
          }
        : {}),
      ConsistentRead: true,
      Limit: HISTORY_PAGE,
    }))
      yield* out.Items ?? [];
  }

  /**
   * The head an action on `previous` was decided on: the one this store last read or wrote at that
   * version (a head holds one list of pending entries at each version: only one writer's head wins
   * it), or read again.
   */
  private async headAt(previous: CaseState): Promise<Item | undefined> {
    const known = this.heads.get(previous.caseNo);
    if (known && known.version === previous.version && (known.state as CaseState).hash === previous.hash) return known;
    return this.head(previous.caseNo);
  }

  /** The case's head, read consistently and unpacked (undefined when there is none). */
  private async head(caseNo: string): Promise<Item | undefined> {
    return unpackCaseItem((await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseNo), sk: HEAD }, ConsistentRead: true }))).Item);
  }

  /** Keeps the head just read or written, for the action that follows the read (the newest HEADS_KEPT cases). */
  private remember(head: Item): void {
    const caseNo = (head.state as CaseState).caseNo;
    this.heads.delete(caseNo);
    this.heads.set(caseNo, head);
    if (this.heads.size > HEADS_KEPT) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * After losing the head to another action: the task and finding items (`sks`) this action moved are
   * put where the head that won lists them (its writer's puts of them may have failed on the loser's,
   * at the same version).
   */
  private async restoreProjections(caseNo: string, sks: Set<string>): Promise<void> {
    const head = await this.head(caseNo);
    if (!head) return;
    const state = head.state as CaseState;
    const { first } = listingItems(state);
    await Promise.all(first.filter((item) => sks.has(item.sk as string)).map((item) => this.putProjection(item, state.version, true)));
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

  async putTaskToken(state: CaseState, departmentId: string, token: string): Promise<void> {
    const item = taskTokenItem(state, departmentId, token);
    try {
      // The task's listing as `state` has it, over an item of that version or older only.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #v <= :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': state.version },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // A newer action has moved or ended the task since `state`: its listing stands; the token is put into it.
      await this.putOverTaskItem(item, (current) => (current && (current.version as number) > state.version ? withTaskToken(current, item) : item));
    }
  }

  async taskToken(caseNo: string, departmentId: string): Promise<string | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const token = async (sk: string) =>
      (
        await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: caseKey(caseNo), sk },
            ProjectionExpression: '#tk',
            ExpressionAttributeNames: { '#tk': 'token' },
            ConsistentRead: true,
          }),
        )
      ).Item?.token as string | undefined;
    // The task item holds the newest wait's; a wait of before kept its own item (TOKEN#).
    return (await token(taskKey(departmentId))) ?? (await token(tokenKey(departmentId)));
  }

  async actionKey(key: ActionKey): Promise<ActionKeyRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: actionKeyItemKey(key), ConsistentRead: true }));
    return out.Item && !out.Item[RELEASED_KEY] ? actionKeyOf(out.Item) : undefined;
  }

  async entryActionKey(caseNo: string, n: number): Promise<ActionKey | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const record = await this.record(caseNo, n);
    return entryActionKeyOf(caseNo, record as Item | undefined);
  }

  // Settled and released by a put over the record, as everything on this table is written: the functions
  // that write cases hold PutItem, never UpdateItem or DeleteItem (functions/manifest.ts).
  async settleActionKey(record: ActionKeyRecord, n: number): Promise<void> {
    // Put back as it is (its expiry that of its taking), with its entry.
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: actionKeyItemKey(record), ConsistentRead: true }));
    const item = out.Item;
    if (!item || item[RELEASED_KEY] || item.base !== n - 1 || (item.written !== undefined && item.written !== n)) return;
    await this.ifStillSo(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, written: n },
          ConditionExpression: '#b = :b AND (attribute_not_exists(#w) OR #w = :n) AND attribute_not_exists(#r)',
          ExpressionAttributeNames: { '#b': 'base', '#w': 'written', '#r': RELEASED_KEY },
          ExpressionAttributeValues: { ':b': n - 1, ':n': n },
        }),
      ),
    );
  }

  async releaseActionKey(record: ActionKeyRecord): Promise<void> {
    await this.ifStillSo(() =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: releasedActionKeyItem(record),
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
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: actionKeyItem(record, entry.at),
          // A released record binds nothing: taken as if there were none.
          ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(#r)',
          ExpressionAttributeNames: { '#r': RELEASED_KEY },
        }),
      );
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
  private readonly readHead: HeadReader = async (key) => unpackCaseItem((await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }))).Item);

  /**
   * Rolls a head of the layout before issue 21 forward to `state` (its entries, written before it, are
   * `EVT#` items): the joint task and finding items first, then the head (which says they are done),
   * each over an older version only. It carries no entries: they stay where they are.
   */
  private async moveHead(state: CaseState): Promise<void> {
    const { first, head } = listingItems(state);
    await Promise.all(first.map((item) => this.putProjection(item, state.version)));
    await this.putProjection(head, state.version);
  }

  /**
   * Puts a projection at `version` over an older one (or, `orSame`, one at that version too): a finding
   * item as it is, a task item over the item as read, carrying the token a wait keeps there
   * (case-items.ts carriedTaskItem). False when it was not written.
   */
  private async putProjection(item: Item, version: number, orSame = false): Promise<boolean> {
    if (isTaskItem(item)) return this.putOverTaskItem(item, (current) => (newer(current, version, orSame) ? undefined : carriedTaskItem(item, current)));
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: packCaseItem(item),
          ConditionExpression: `attribute_not_exists(pk) OR #v ${orSame ? '<=' : '<'} :v`,
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': version },
        }),
      );
      return true;
    } catch (e) {
      // Someone already moved it to this version or past it: nothing written.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      return false;
    }
  }

  /**
   * Puts what `next` makes of a task item as read (consistently; nothing when it answers undefined), on
   * condition the item is still as read — its version and token —, reading it again when a writer came
   * in between (a wait keeping its token, an action moving the task): a put, never an UpdateItem, loses
   * no token. False when `next` wrote nothing.
   */
  private async putOverTaskItem(item: Item, next: (current: Item | undefined) => Item | undefined): Promise<boolean> {
    const key = { pk: item.pk, sk: item.sk };
    for (let attempt = 1; ; attempt++) {
      const current = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
      const written = next(current);
      if (!written) return false;
      try {
        await this.db.send(new PutCommand({ TableName: this.tableName, Item: written, ...stillAsRead(current) }));
        return true;
      } catch (e) {
        // Each retry follows a write of someone else's: a few at most (a wait, an action) before one holds.
        if (!(e instanceof ConditionalCheckFailedException) || attempt === TASK_ITEM_ATTEMPTS) throw e;
      }
    }
  }
}

/** Puts of a task item over the item as read before giving up (each lost to a write in between). */
const TASK_ITEM_ATTEMPTS = 5;

/** Whether an item as read is at `version` or newer (`orSame`: newer only): a projection at `version` is not put over it. */
function newer(current: Item | undefined, version: number, orSame: boolean): boolean {
  const at = current?.version as number | undefined;
  return at !== undefined && (orSame ? at > version : at >= version);
}

/** A put's condition that the item is still as read: none there, or the same version and token. */
function stillAsRead(current: Item | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (!current) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const names = { '#v': 'version', '#tk': 'token' };
  if (current.token === undefined)
    return { ConditionExpression: '#v = :v AND attribute_not_exists(#tk)', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':v': current.version } };
  return { ConditionExpression: '#v = :v AND #tk = :tk', ExpressionAttributeNames: names, ExpressionAttributeValues: { ':v': current.version, ':tk': current.token } };
}
