// CaseStore in memory, for what needs a case store but not DynamoDB (the service's tests, in
// milliseconds). It keeps the DynamoDB store's items (case-items.ts) in a map and writes them on the
// same conditions — a filing's head or an idempotency record only where there is none (the holder's
// filing; an action's key), an action's head only over the version it was decided on
// (CASE_VERSION_CONFLICT), a projection only over an older version — and reads them with the same
// listings (case-listings.ts): the same pages in the same order, with the same cursors and refusals;
// its indexes hold what the table's do (keys alone), so its listings read the heads as the table's do.
// An index page that is full carries a cursor, as DynamoDB's Limit does; there is no 1 MB page. No
// write fails here. Cases of the layout before issue 21 (entry items, a head that may lag them) are
// read as DynamoCaseStore reads them. Items are copied on the way in and out, as a real store
// serialises them.
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
import type { EntryRecord, Item, ItemKey } from './case-items.ts';
import {
  CALENDAR_APPLIED_KEY,
  ENTRY_PREFIX,
  HEAD,
  PAGE_PREFIX,
  PENDING,
  actionKeyItem,
  actionKeyItemKey,
  actionKeyOf,
  RELEASED_KEY,
  releasedActionKeyItem,
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
  pendingOf,
  recordAt,
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
import type { HeadReader, ShardReader, SortKeyRange } from './case-listings.ts';
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

type IndexKeys = { partitionKey: string; sortKey: string; projection?: 'keys-only' };

export class MemoryCaseStore implements CaseStore {
  readonly #items = new Map<string, Item>();

  async filing(channelId: string, idempotencyKey: string): Promise<FilingRecord | undefined> {
    const item = this.#get(idempotencyRecordKey(channelId, idempotencyKey));
    return item && filingOf(item);
  }

  async claimFiling(record: FilingRecord): Promise<FilingRecord | undefined> {
    return this.#putNew(filingItem(record)) ? undefined : this.filing(record.channelId, record.idempotencyKey);
  }

  async filingComplete(caseNo: string): Promise<boolean> {
    return this.#items.has(keyOf({ pk: caseKey(caseNo), sk: HEAD }));
  }

  async completeFiling(first: CaseTransition): Promise<void> {
    const { state, entry } = first;
    // Written already — by a retry of this filing, unless two filings drew the same case number.
    if (!this.#putNew(filingHeadItem(first)) && this.#record(state.caseNo, 1)?.entry.hash !== entry.hash) throw caseNumberTaken(state.caseNo, undefined);
  }

  async append(state: CaseState, entry: CaseHistoryEntry, previous: CaseState, key?: ActionKeyClaim): Promise<void> {
    const before = this.#get({ pk: caseKey(state.caseNo), sk: HEAD });
    const { page, head } = actionWrites(before, previous, state, entry, key);
    if (key) this.#takeActionKey(key, entry);
    // As DynamoCaseStore: the head decides, on condition it still holds `previous`.
    if (before?.version !== previous.version) throw caseVersionConflict(entry.caseNo, entry.n);
    if (page) this.#put(page);
    for (const item of listingItems(state, undefined, previous).first) if (this.#older(item, state.version)) this.#project(item);
    this.#put(head);
    if (key) await this.settleActionKey(key, entry.n);
  }

  async get(caseNo: string): Promise<CaseState | undefined> {
    return intactState(await this.read(caseNo));
  }

  async read(caseNo: string): Promise<CaseRead | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const head = this.#get({ pk: caseKey(caseNo), sk: HEAD });
    const read = head && stateOfHead(head);
    if (read) return read;
    // The layout before issue 21: the head, and the entry items after it.
    const headVersion = (head?.state as CaseState | undefined)?.version ?? 0;
    const entries = this.#entries(caseNo);
    const old = stateOfItems(
      head,
      entries.filter((i) => (i.entry as CaseHistoryEntry).n > headVersion),
      entries.at(-1),
    );
    if (old && !old.broken && old.state.version > headVersion) this.#moveHead(old.state);
    return old;
  }

  async historyPage(caseNo: string, page: CasePage): Promise<{ entries: CaseHistoryEntry[]; nextCursor?: string }> {
    const after = historyCursorEntry(caseNo, page.cursor);
    if (!isCaseNo(caseNo)) return { entries: [] };
    const entries = this.#history(caseNo)
      .map((r) => r.entry)
      .filter((e) => e.n > after)
      .slice(0, page.limit);
    // A full page carries a cursor, as DynamoDB's Limit does.
    return entries.length === page.limit ? { entries, nextCursor: historyCursor(caseNo, entries.at(-1)!.n) } : { entries };
  }

  async *entries(caseNo: string): AsyncIterable<CaseHistoryEntry> {
    if (!isCaseNo(caseNo)) return;
    yield* this.#history(caseNo).map((r) => r.entry);
  }

  async calendarApplied(): Promise<Record<string, number> | undefined> {
    return this.#get(CALENDAR_APPLIED_KEY)?.versions as Record<string, number> | undefined;
  }

  async recordCalendarApplied(versions: Record<string, number>): Promise<void> {
    this.#put({ ...CALENDAR_APPLIED_KEY, versions, at: new Date().toISOString() });
  }

  async departmentQueue(departmentId: string, status: CaseStatus, page: CasePage): Promise<CaseList> {
    return shardedPage(departmentQueueQuery(departmentId, status, page), this.#readShard, this.#readHead);
  }

  async jointTaskQueue(departmentId: string, page: CasePage): Promise<CaseList> {
    return shardedPage(jointTaskQueueQuery(departmentId, page), this.#readShard, this.#readHead);
  }

  async putTaskToken(state: CaseState, departmentId: string, token: string): Promise<void> {
    const item = taskTokenItem(state, departmentId, token);
    // As DynamoCaseStore: the task's listing as `state` has it over that version or older; over a newer one, the token alone.
    const current = this.#get(item as ItemKey);
    this.#put(current && (current.version as number) > state.version ? withTaskToken(current, item) : item);
  }

  async taskToken(caseNo: string, departmentId: string): Promise<string | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const token = (sk: string) => this.#get({ pk: caseKey(caseNo), sk })?.token as string | undefined;
    return token(taskKey(departmentId)) ?? token(tokenKey(departmentId));
  }

  async actionKey(key: ActionKey): Promise<ActionKeyRecord | undefined> {
    const item = this.#get(actionKeyItemKey(key));
    return item && !item[RELEASED_KEY] ? actionKeyOf(item) : undefined;
  }

  async entryActionKey(caseNo: string, n: number): Promise<ActionKey | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    return entryActionKeyOf(caseNo, this.#record(caseNo, n) as Item | undefined);
  }

  async settleActionKey(record: ActionKeyRecord, n: number): Promise<void> {
    const current = await this.actionKey(record);
    if (current?.base === n - 1 && (current.entry === undefined || current.entry === n)) this.#put(actionKeyItem({ ...current, entry: n }));
  }

  async releaseActionKey(record: ActionKeyRecord): Promise<void> {
    const current = await this.actionKey(record);
    if (current?.base === record.base && current.entry === undefined) this.#put(releasedActionKeyItem(record));
  }

  /** As DynamoCaseStore takes it: a new record where there is none, or the one held at the entry's base. */
  #takeActionKey(key: ActionKeyClaim, entry: CaseHistoryEntry): void {
    if (key.caseNo !== entry.caseNo || key.base !== entry.n - 1) {
      throw new Error(`case store: the key of case ${key.caseNo} at version ${key.base} cannot be taken for entry ${entry.n} of case ${entry.caseNo}`);
    }
    if (key.held) return;
    const { held: _held, entry: _entry, ...record } = key;
    // A released record binds nothing: taken as if there were none.
    if (this.#get(actionKeyItemKey(record))?.[RELEASED_KEY]) this.#put(actionKeyItem(record, entry.at));
    else if (!this.#putNew(actionKeyItem(record, entry.at))) throw caseVersionConflict(entry.caseNo, entry.n);
  }

  async channelCases(channelId: string, applicantId: string | undefined, page: CasePage): Promise<CaseList> {
    const query = channelCasesQuery(channelId, applicantId, page);
    return query ? shardedPage(query, this.#readShard, this.#readHead) : { cases: [] };
  }

  async listSupervision(kind: SupervisionKind, page: CasePage): Promise<SupervisionList> {
    return supervisionList(supervisionQuery(kind, page), this.#readShard, this.#readHead);
  }

  async *sweepCandidates(departmentId: string, status: SweepStatus, before: string): AsyncIterable<CaseState> {
    const ranges = sweepRanges(status, before);
    for (const partition of departmentShards(departmentId)) {
      for (const range of ranges) {
        const ix = CASES_TABLE.indexes.departmentQueue;
        for (const { head } of await listedHeads(this.#index(ix, partition, range), ix, this.#readHead)) yield head.state as CaseState;
      }
    }
  }

  /**
   * Changes the newest state of a case where it is kept — its head — as a bad write or someone with
   * direct access to the table could: for tests of what reads a damaged case.
   */
  tamper(caseNo: string, change: (state: CaseState) => CaseState): void {
    const head = this.#get({ pk: caseKey(caseNo), sk: HEAD });
    if (!head) throw new Error(`no case ${caseNo}`);
    this.#put({ ...head, state: change(head.state as CaseState) });
  }

  /** Deletes history entry n of a case wherever it is kept, as someone with direct access to the table could: for tests. */
  deleteEntry(caseNo: string, n: number): void {
    const pk = caseKey(caseNo);
    let found = this.#items.delete(keyOf({ pk, sk: entryKey(n) }));
    for (const item of [...this.#items.values()].filter((i) => i.pk === pk && (i.sk === HEAD || (i.sk as string).startsWith(PAGE_PREFIX)))) {
      const attribute = item.sk === HEAD ? PENDING : 'entries';
      const records = (item[attribute] as EntryRecord[] | undefined) ?? [];
      const kept = records.filter((r) => r.entry.n !== n);
      if (kept.length === records.length) continue;
      found = true;
      this.#put({ ...item, [attribute]: kept });
    }
    if (!found) throw new Error(`no entry ${n} of case ${caseNo}`);
  }

  /** One shard's page of a sharded listing index. */
  readonly #readShard: ShardReader = async (index, partition, prefix, start, limit) => {
    const { items, lastKey } = this.#limited(index, this.#index(index, partition, { prefix }), start, limit);
    return { items, stopped: lastKey !== undefined };
  };

  /** The entries an index lists in `partition`, with sort keys in `range`, in sort-key order: what it projects of each item. */
  #index(index: IndexKeys, partition: string, range?: SortKeyRange): Item[] {
    const inRange = (sk: string) => !range || ('prefix' in range ? sk.startsWith(range.prefix) : sk >= range.between[0] && sk <= range.between[1]);
    const { partitionKey, sortKey } = CASES_TABLE;
    const projected = (i: Item): Item =>
      index.projection === 'keys-only'
        ? { [partitionKey]: i[partitionKey], [sortKey]: i[sortKey], [index.partitionKey]: i[index.partitionKey], [index.sortKey]: i[index.sortKey] }
        : structuredClone(i);
    return [...this.#items.values()]
      .filter((i) => i[index.partitionKey] === partition && typeof i[index.sortKey] === 'string' && inRange(i[index.sortKey] as string))
      .sort((a, b) => ((a[index.sortKey] as string) < (b[index.sortKey] as string) ? -1 : 1))
      .map(projected);
  }

  /** One head, as the listings read it. */
  readonly #readHead: HeadReader = async (key) => this.#get(key);

  /** Up to `limit` of the items after the start key's position; a full page ends with its last key, as DynamoDB's does. */
  #limited(index: IndexKeys, items: Item[], start: Record<string, string> | undefined, limit: number): { items: Item[]; lastKey?: Item } {
    const after = start?.[index.sortKey];
    const page = (after === undefined ? items : items.filter((i) => (i[index.sortKey] as string) > after)).slice(0, limit);
    const last = page.length === limit ? page.at(-1) : undefined;
    if (!last) return { items: page };
    const { partitionKey, sortKey } = CASES_TABLE;
    return {
      items: page,
      lastKey: { [partitionKey]: last[partitionKey], [sortKey]: last[sortKey], [index.partitionKey]: last[index.partitionKey], [index.sortKey]: last[index.sortKey] },
    };
  }

  /** The case's entry items (the layout before issue 21: an entry and what it changed each), oldest first. */
  #entries(caseNo: string): Item[] {
    return this.#partition(caseNo, ENTRY_PREFIX);
  }

  /** The case's history as DynamoCaseStore reads it: its `EVT#` items, its pages, its head's pending entries, each entry once. */
  #history(caseNo: string): EntryRecord[] {
    const head = this.#get({ pk: caseKey(caseNo), sk: HEAD });
    return [...mergedHistory([...this.#entries(caseNo).map(recordsOf), ...this.#partition(caseNo, PAGE_PREFIX).map(recordsOf), pendingOf(head)])];
  }

  #record(caseNo: string, n: number): EntryRecord | undefined {
    return recordAt(this.#history(caseNo), n);
  }

  /** The case's items whose sort keys start with `prefix`, in sort-key order. */
  #partition(caseNo: string, prefix: string): Item[] {
    const pk = caseKey(caseNo);
    return [...this.#items.values()]
      .filter((i) => i.pk === pk && (i.sk as string).startsWith(prefix))
      .sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1))
      .map((i) => structuredClone(i));
  }

  #older(item: Item, version: number): boolean {
    const current = this.#items.get(keyOf(item as ItemKey));
    return !current || (current.version as number) < version;
  }

  /** Rolls a head of the layout before issue 21 forward, never back (as DynamoCaseStore): the joint task and finding items, then the head. */
  #moveHead(state: CaseState): void {
    const { first, head } = listingItems(state);
    for (const item of [...first, head]) if (this.#older(item, state.version)) this.#project(item);
  }

  /** Writes a projection as DynamoCaseStore does: a finding item or a head as it is, a task item carrying the token its item holds. */
  #project(item: Item): void {
    this.#put(isTaskItem(item) ? carriedTaskItem(item, this.#get(item as ItemKey)) : item);
  }

  #get(key: ItemKey): Item | undefined {
    const item = this.#items.get(keyOf(key));
    return item && structuredClone(item);
  }

  #put(item: Item): void {
    this.#items.set(keyOf(item as ItemKey), structuredClone(item));
  }

  /** Writes the item where there is none yet; false when there is. */
  #putNew(item: Item): boolean {
    if (this.#items.has(keyOf(item as ItemKey))) return false;
    this.#put(item);
    return true;
  }
}

const keyOf = ({ pk, sk }: ItemKey) => `${pk}\n${sk}`;
