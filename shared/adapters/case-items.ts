// The items of the cases table, as both case stores keep them (DynamoCaseStore in the table,
// MemoryCaseStore in a map), built and checked here once:
//
//   CASE#<caseNo>           / HEAD                the newest state, whole — the one place it is kept —,
//                                                 the keys that list it, and the history entries not yet
//                                                 paged out (`pending`, oldest first, the newest the
//                                                 head's version's; each its entry, what it changed of the
//                                                 state — the filing's: the whole first state, the
//                                                 application as filed —, its `event`, the CloudEvent the
//                                                 relay publishes: the head is the outbox, and its action's
//                                                 key). Written once per transition, on condition of its
//                                                 version: the serialisation point of every action.
//   CASE#<caseNo>           / PAGE#<n, 10 digits> history entries paged out of the head, up to entry n
//                                                 (`entries`): written before the head that drops them,
//                                                 they repeat committed entries only (a page may repeat
//                                                 entries another page or the head holds: the same ones).
//   CASE#<caseNo>           / EVT#<n, 10 digits>  history entry n, as cases were kept before issue 21:
//                                                 an item per entry (written first, on condition it did
//                                                 not exist: then the serialisation point), the head
//                                                 written after it and rolled forward by any reader that
//                                                 finds it behind (from the entries' changes). Still
//                                                 read; no longer written. (Entries written before they
//                                                 held what changed hold the whole state after them;
//                                                 before events, no `event`.)
//   CASE#<caseNo>           / TASK#<departmentId> a co-department's joint task in its queue, and the
//                                                 workflow's callback token for its opinion: the index
//                                                 keys of its place in the co-department's open-task
//                                                 list while the task is open (none once it has ended:
//                                                 there is no list of ended tasks), the version that
//                                                 last set them (a listing reads the head), and the
//                                                 newest wait's token. Written by the workflow's wait
//                                                 (taskTokenItem: the dispatch writes the head alone),
//                                                 and by an action only where it moves an open task or
//                                                 ends it (before the head; put over the item as read,
//                                                 its token carried over: no UpdateItem), so a
//                                                 joint case takes one write per wait and one per task
//                                                 that ends, not per day the case moves on.
//                                                 (Items of before: written by the dispatch, keys only,
//                                                 an ended one under `opinion-ended#<day>#<caseNo>`,
//                                                 which nothing lists; still read, moved like these.)
//   CASE#<caseNo>           / FINDING#<kind>#<due> a supervision finding (case-findings.ts) on its
//                                                 supervision list, small like a task item.
//   CASE#<caseNo>           / TOKEN#<departmentId> the workflow's callback token for that co-department's
//                                                 opinion, as kept before the task item held it: still
//                                                 read where the task item holds none; no longer written.
//   IDEM#<channelId>#<key>  / IDEM                a filing's idempotency record: written once, on
//                                                 condition it does not exist, the serialisation point
//                                                 of filing. It holds the case number, the request's
//                                                 digest and the complete first state and entry, so
//                                                 whoever finds it can finish the filing it started.
//   CASE#<caseNo>           / IDEM#<caller>#<key> an action's idempotency key (a caller's, on this case):
//                                                 the request's digest, the version the action is
//                                                 written on (`base`) and, once known, the entry it
//                                                 wrote (`written`). Taken on condition it does not
//                                                 exist (or is still where its taker read it), before
//                                                 the head, whose entry carries the key (`actionKey`).
//   SWEEP                   / CALENDAR            the calendar versions the sweep last applied.
//
// The two idempotency records expire (`expiresAt`, the table's TTL) IDEMPOTENCY_RECORD_DAYS after they
// are written, a task item holding a callback token TASK_TOKEN_DAYS after the token was kept, a task
// item ENDED_TASK_DAYS after its task ended; every other item is kept with the case.
//
// Index keys of the head (CASES_TABLE.indexes, each holding its keys alone: a listing reads the heads it
// lists, and keeps those that still list it; all sort keys are ASCII, so DynamoDB's byte order and
// JavaScript's string order agree):
//   departmentQueue  DEPT#<departmentId>#<shard 0-31>   <status>#<due date or ~>#<caseNo>
//                    (a joint task item: DEPT#<co-department>#<shard>, `opinion#<due or ~>#<caseNo>` while
//                    its task is open, nothing after; no case status starts so)
//   channelCases     CH#<channelId>#<shard 0-31>        <applicantId>#<receivedAt>#<caseNo>
//                    (the shard a hash of the applicant's id; heads written before issue 21: CH#<channelId>)
//   supervision      SUPERVISION#<overdue|violation>#<shard>   <deadline or ~>#<caseNo>   (sparse)
//                    (a finding item: SUPERVISION#<finding kind>#<shard>, `<due>#<caseNo>`; the shard a
//                    hash of the case number, shard-keys.ts)
//   anchorQueue      ANCHOR#<shard 0-31>               <changed at>#<caseNo>#<version>#<entry hash>
//                    (the head alone, keys only: anchor-keys.ts)
import { IDEMPOTENCY_KEY_HEADER } from '../contracts/headers.ts';
import { findingsAwaited } from '../domain/cases/case-findings.ts';
import { followUps } from '../domain/cases/case-follow-ups.ts';
import type { Applicant, CaseHistoryEntry, CaseState, CaseTransition, JointTask } from '../domain/cases/case-record.ts';
import type { ActionKey, ActionKeyRecord, CaseRead, FilingRecord, SupervisionKind } from '../domain/cases/case-store.ts';
import { caseStateDigest, isEntryIntact } from '../domain/cases/case-history.ts';
import { canonicalJson } from '../domain/items/record-hash.ts';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import { badCursor, encodeCursor, openCursor } from './page-cursor.ts';
import { CASES_TABLE, TTL_ATTRIBUTE, expiresAfter } from './table-layout.ts';
import { ITEM_LIMIT_BYTES, itemBytes } from './dynamo-item-size.ts';
import { anchorQueueKeys } from './anchor-keys.ts';
import { hashShard, shardedKey, supervisionShardKey } from './shard-keys.ts';
import { tooLarge } from '../domain/errors.ts';
import { SYSTEM_CALLER } from '../domain/cases/case-commands.ts';
import { caseEvent } from '../domain/events/case-event.ts';

const { indexes } = CASES_TABLE;
export const SHARDS = CASES_TABLE.departmentQueueShards;

export type ItemKey = { pk: string; sk: string };
export type Item = Record<string, unknown>;

export const HEAD = 'HEAD';
/** The sweep's note of the calendar versions it last brought every open case in line with. */
export const CALENDAR_APPLIED_KEY = { pk: 'SWEEP', sk: 'CALENDAR' } as const;
/** Sort-key prefix of open joint task items in the department queue index (no case status starts so). */
export const OPEN_TASK = 'opinion';
export const ENTRY_PREFIX = 'EVT#';
/** Sorts after every ISO date: cases without a date come last. */
export const NO_DATE = '~';
const CHANNEL_ID = /^[a-z][a-z0-9-]{1,62}$/;

export const caseKey = (caseNo: string) => `CASE#${caseNo}`;
export const entryKey = (n: number) => `${ENTRY_PREFIX}${String(n).padStart(10, '0')}`;
/** Sorts after every entry key. */
export const LAST_ENTRY = `${ENTRY_PREFIX}~`;
/** Entries read at a time where a store reads a whole history (a check, an archive bundle): small items, so memory stays small. */
export const HISTORY_PAGE = 100;
export const departmentShardKey = (departmentId: string, shard: number) => shardedKey(`DEPT#${departmentId}`, shard);
/** A channel's cases before issue 21, all under one key: read as one more shard (table-layout.ts, channelCasesShards). */
export const legacyChannelKey = (channelId: string) => `CH#${channelId}`;
export const channelShardKey = (channelId: string, shard: number) => shardedKey(legacyChannelKey(channelId), shard);
export const tokenKey = (departmentId: string) => `TOKEN#${departmentId}`;
const TASK_PREFIX = 'TASK#';
export const taskKey = (departmentId: string) => `${TASK_PREFIX}${departmentId}`;
export const findingKey = (kind: string, due: string) => `FINDING#${kind}#${due}`;

/** `IDEM#<channelId>#<key>`: a channel id has no `#`, so the first `#` after it ends it whatever the key holds. */
export function idempotencyRecordKey(channelId: string, idempotencyKey: string): ItemKey {
  if (!CHANNEL_ID.test(channelId)) throw new Error(`case store: "${channelId}" is not a channel id`);
  // Checked by the edge (IDEMPOTENCY_KEY_HEADER); a key that is not one here is a caller's bug.
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_HEADER.pattern.test(idempotencyKey)) {
    throw new Error(`case store: ${JSON.stringify(idempotencyKey)} is not an idempotency key`);
  }
  return { pk: `IDEM#${channelId}#${idempotencyKey}`, sk: 'IDEM' };
}

const PRINCIPAL_NAME = /^[a-z][a-z0-9-]{1,62}$/;
const ACTION_KEY_PREFIX = 'IDEM#';

/**
 * `CASE#<caseNo>` / `IDEM#<caller>#<key>`: a caller's idempotency key on a case (a principal's name has
 * no `#`). Checked like a filing's: a key the edge would refuse is a caller's bug here.
 */
export function actionKeyItemKey({ caseNo, caller, idempotencyKey }: ActionKey): ItemKey {
  if (!isCaseNo(caseNo)) throw new Error(`case store: ${JSON.stringify(caseNo)} is not a case number`);
  if (!PRINCIPAL_NAME.test(caller)) throw new Error(`case store: ${JSON.stringify(caller)} is not a principal's name`);
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_HEADER.pattern.test(idempotencyKey)) {
    throw new Error(`case store: ${JSON.stringify(idempotencyKey)} is not an idempotency key`);
  }
  return { pk: caseKey(caseNo), sk: `${ACTION_KEY_PREFIX}${caller}#${idempotencyKey}` };
}

/**
 * Days an idempotency record (a filing's, an action's) is kept: DynamoDB deletes it by TTL after them
 * (within a day or two more). A retry is a client that lost an answer — a channel retries a filing
 * within its retry window of hours (24 at most), and a dead-letter redrive within the queue's 14
 * days — so 30 days outlast every retry. A request sent again after that with the same key is a new
 * request: an action is checked against the case as it then is (an action already done is refused
 * by the case's state: 409, not done twice); a filing naming an uploaded file is refused, since the
 * upload it names expired long before (MATERIALS_BUCKET.unreferencedUploadExpiryDays: 422
 * MATERIAL_NOT_UPLOADED); only a filing naming no upload at all (every material a licence) would file
 * a second case, answered 201 without `Idempotent-Replayed` — never taken for the first.
 */
export const IDEMPOTENCY_RECORD_DAYS = 30;

/** An action key's record as an item (under 1 KB: a key is at most 128 characters, a digest 64), expiring IDEMPOTENCY_RECORD_DAYS after `at` (when it is taken). */
export function actionKeyItem(record: ActionKeyRecord, at: string = new Date().toISOString()): Item {
  const { caseNo, caller, idempotencyKey, requestDigest, base, entry } = record;
  if (!Number.isSafeInteger(base) || base < 1) throw new Error(`case store: ${base} is not a version an action can be written on`);
  return {
    ...actionKeyItemKey(record),
    caseNo,
    caller,
    idempotencyKey,
    requestDigest,
    base,
    ...(entry !== undefined ? { written: entry } : {}),
    [TTL_ATTRIBUTE]: expiresAfter(at, IDEMPOTENCY_RECORD_DAYS),
  };
}

/**
 * The attribute that marks a released key's record (CaseStore.releaseActionKey): it binds nothing, and
 * the key may be taken again by a put over it — no function may delete an item of the cases table.
 */
export const RELEASED_KEY = 'released';

/** A pending key's record, released (expiring IDEMPOTENCY_RECORD_DAYS from now, as a key's record taken now). */
export function releasedActionKeyItem(record: ActionKeyRecord): Item {
  const { entry: _entry, ...pending } = record;
  return { ...actionKeyItem(pending), [RELEASED_KEY]: true };
}

/** The record an action key's item holds (a released one's included: readers check RELEASED_KEY first). */
export function actionKeyOf(item: Item): ActionKeyRecord {
  const written = item.written as number | undefined;
  return {
    caseNo: item.caseNo as string,
    caller: item.caller as string,
    idempotencyKey: item.idempotencyKey as string,
    requestDigest: item.requestDigest as string,
    base: item.base as number,
    ...(written !== undefined ? { entry: written } : {}),
  };
}

/** The attribute of an entry item that holds its event (shared/domain/events/case-event.ts): the outbox the relay reads. */
export const ENTRY_EVENT = 'event';

/** The attribute of an entry item that names the key its action was written under. */
export const ENTRY_ACTION_KEY = 'actionKey';

/**
 * An action's entry item with the key it is written under (a few hundred bytes more: a person's entry
 * is held 64 KiB under the item limit, and the system's own entries never carry a key).
 */
export function keyedEntryItem(item: Item, key: ActionKey): Item {
  actionKeyItemKey(key);
  return { ...item, [ENTRY_ACTION_KEY]: { caller: key.caller, idempotencyKey: key.idempotencyKey } };
}

/** The key an entry item carries, if any. */
export function entryActionKeyOf(caseNo: string, item: Item | undefined): ActionKey | undefined {
  const mark = item?.[ENTRY_ACTION_KEY] as { caller: string; idempotencyKey: string } | undefined;
  return mark && { caseNo, caller: mark.caller, idempotencyKey: mark.idempotencyKey };
}

/** A filing's idempotency record, checked to hold the first state and entry of its case, filed by its channel; expiring IDEMPOTENCY_RECORD_DAYS after the filing. */
export function filingItem(record: FilingRecord): Item {
  const key = idempotencyRecordKey(record.channelId, record.idempotencyKey);
  checkFirst(record);
  const { channelId, idempotencyKey, requestDigest, caseNo, state, entry } = record;
  if (state.caseNo !== caseNo) throw new Error(`case store: the filing of case ${caseNo} holds case ${state.caseNo}`);
  if (state.channelId !== channelId) throw new Error(`case store: case ${caseNo} is filed by ${state.channelId}, not by ${channelId}`);
  return { ...key, channelId, idempotencyKey, requestDigest, caseNo, state, entry, [TTL_ATTRIBUTE]: expiresAfter(state.receivedAt, IDEMPOTENCY_RECORD_DAYS) };
}

/** The filing record an idempotency item holds. */
export function filingOf(item: Item): FilingRecord {
  const { pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _expiresAt, ...record } = item;
  return record as unknown as FilingRecord;
}

// DynamoDB's largest item and an item's size as DynamoDB counts it: one function for the stores and the embedded DynamoDB.
export { ITEM_LIMIT_BYTES, itemBytes };
/**
 * Room an entry of a person's action must leave under the limit for what the platform writes after it
 * (the seal, the archiving, the sweep's marks: each an entry carrying the state, a little larger), so
 * that no action can leave a case whose follow-up cannot be written. The system's own entries may use it.
 */
export const FOLLOW_UP_RESERVE_BYTES = 64 * 1024;

/**
 * What an entry changed of the state: the top-level members it set, with their new values, those it
 * removed, and the lists it only added to, with what it added (a case's growing lists — its pauses,
 * its sealed notices — are not written again whole by every entry: the history stays linear in the
 * case's size). The filing's entry sets every member (its state is the first); an action's, only what
 * the action changed — a history entry holds what changed, the head the whole state.
 */
export interface StateChanges {
  set: Record<string, unknown>;
  unset?: string[];
  append?: Record<string, unknown[]>;
}

/** The members of `next` that differ from `previous` (as JSON), and those `next` no longer has. */
export function stateChanges(previous: CaseState | undefined, next: CaseState): StateChanges {
  const set: Record<string, unknown> = {};
  const append: Record<string, unknown[]> = {};
  const before = (previous ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined || (previous !== undefined && canonicalJson(before[key]) === canonicalJson(value))) continue;
    const added = previous !== undefined ? addedTo(before[key], value) : undefined;
    if (added) append[key] = added;
    else set[key] = value;
  }
  const after = next as unknown as Record<string, unknown>;
  const unset = Object.keys(before).filter((key) => before[key] !== undefined && after[key] === undefined);
  return { set, ...(unset.length > 0 ? { unset } : {}), ...(Object.keys(append).length > 0 ? { append } : {}) };
}

/** What `next` adds at the end of the list `previous`, when it is that list with more at its end. */
function addedTo(previous: unknown, next: unknown): unknown[] | undefined {
  if (!Array.isArray(previous) || !Array.isArray(next) || previous.length === 0 || next.length <= previous.length) return undefined;
  return previous.every((item, i) => canonicalJson(item) === canonicalJson(next[i])) ? next.slice(previous.length) : undefined;
}

/** The state an entry's changes lead to from `previous`. */
export function applyChanges(previous: CaseState | undefined, changes: StateChanges): CaseState {
  const next: Record<string, unknown> = { ...previous, ...changes.set };
  for (const [key, added] of Object.entries(changes.append ?? {})) next[key] = [...((next[key] as unknown[] | undefined) ?? []), ...added];
  for (const key of changes.unset ?? []) delete next[key];
  return next as unknown as CaseState;
}

/**
 * History entry n of a case and what it changed of the state before it (`previous`; none for the
 * filing), refused (CASE_TOO_LARGE) before anything is written when it, or the head that must follow
 * it with the whole state, would not fit.
 */
export function entryItem(previous: CaseState | undefined, state: CaseState, entry: CaseHistoryEntry): Item {
  const item: Item = { pk: caseKey(entry.caseNo), sk: entryKey(entry.n), entry, changes: stateChanges(previous, state), [ENTRY_EVENT]: caseEvent(state, entry) };
  // The head carries the whole state (the joint task and finding items only keys).
  checkFits(entry, Math.max(itemBytes(item), itemBytes(headItem(state))));
  return item;
}

/** A filing's first state and entry, checked: of one case, its first. */
export function firstEntryItem(first: CaseTransition): Item {
  checkFirst(first);
  return entryItem(undefined, first.state, first.entry);
}

/** An action's entry, checked: entry n (2 or more) of the case, leading from `previous` to `state`. */
export function actionEntryItem(previous: CaseState, state: CaseState, entry: CaseHistoryEntry): Item {
  checkAction(previous, state, entry);
  return entryItem(previous, state, entry);
}

/** Checks an action's state and entry: entry n (2 or more) of the case, leading from `previous` to `state`. */
function checkAction(previous: CaseState, state: CaseState, entry: CaseHistoryEntry): void {
  if (state.caseNo !== entry.caseNo || state.version !== entry.n || state.hash !== entry.hash || !isCaseNo(entry.caseNo)) {
    throw new Error(`case store: the state (case ${state.caseNo}, version ${state.version}) is not the one entry ${entry.n} of case ${entry.caseNo} records`);
  }
  if (!Number.isSafeInteger(entry.n) || entry.n < 2) throw new Error(`case store: entry ${entry.n} is not an action (a filing's first entry is written by completeFiling)`);
  if (previous.caseNo !== entry.caseNo || previous.version !== entry.n - 1 || previous.hash !== entry.previousHash) {
    throw new Error(`case store: entry ${entry.n} of case ${entry.caseNo} does not follow the state given as the one before it (version ${previous.version})`);
  }
}

/**
 * What the history keeps of an entry, wherever it is kept (in the head's `pending` list, a page item,
 * or — the layout before issue 21 — an `EVT#` item of its own): the entry, what it changed of the
 * state before it (the filing's: the whole first state, the application as filed), its event (the
 * outbox the relay publishes) and the key its action was written under, if any.
 */
export interface EntryRecord {
  entry: CaseHistoryEntry;
  changes?: StateChanges;
  /** Entries written before they held what changed hold the whole state after them. */
  state?: CaseState;
  [ENTRY_EVENT]?: unknown;
  [ENTRY_ACTION_KEY]?: { caller: string; idempotencyKey: string };
}

/** The head's attribute holding the entries not yet paged out, oldest first: its newest is the head's version's. */
export const PENDING = 'pending';
/** Sort-key prefix of a history page: `PAGE#<its last entry's n, 10 digits>`, the entries it holds in `entries`. */
export const PAGE_PREFIX = 'PAGE#';
export const pageKey = (n: number) => `${PAGE_PREFIX}${String(n).padStart(10, '0')}`;
/** Sorts after every page key. */
export const LAST_PAGE = `${PAGE_PREFIX}~`;
/** Entries a head carries at most: the next action pages them out first. */
export const PENDING_ENTRIES = 8;
/**
 * Bytes the head's pending entries may take with the next one before that action pages them out: a
 * head is read whole by every read of its case, so what it carries of the history stays small (a
 * filing's first entry with its first state may exceed it alone: it is then paged out by the first action).
 */
export const PENDING_BYTES = 16 * 1024;

/** What a history entry record holds of entry n, checked to be it. */
function entryRecord(previous: CaseState | undefined, state: CaseState, entry: CaseHistoryEntry, key?: ActionKey): EntryRecord {
  if (key) actionKeyItemKey(key);
  return {
    entry,
    changes: stateChanges(previous, state),
    [ENTRY_EVENT]: caseEvent(state, entry),
    ...(key ? { [ENTRY_ACTION_KEY]: { caller: key.caller, idempotencyKey: key.idempotencyKey } } : {}),
  };
}

/** The entries a head carries (none for a head of the layout before issue 21, whose entries are `EVT#` items). */
export function pendingOf(head: Item | undefined): EntryRecord[] {
  return (head?.[PENDING] as EntryRecord[] | undefined) ?? [];
}

/** The limit an entry's writes must keep under: a person's leaves FOLLOW_UP_RESERVE_BYTES for what the platform writes after it. */
function limitFor(entry: CaseHistoryEntry): number {
  const bySystem = entry.actor.name === SYSTEM_CALLER.name && entry.actor.role === SYSTEM_CALLER.role;
  return ITEM_LIMIT_BYTES - (bySystem ? 0 : FOLLOW_UP_RESERVE_BYTES);
}

function checkFits(entry: CaseHistoryEntry, bytes: number): void {
  const limit = limitFor(entry);
  if (bytes > limit) {
    throw tooLarge(
      'CASE_TOO_LARGE',
      `办件记录已达容量上限（本次办理后为 ${bytes} 字节，上限 ${limit} 字节），无法再记录此操作`,
      `case ${entry.caseNo}: entry ${entry.n} would leave a case record of ${bytes} bytes, over the ${limit} an action may use (DynamoDB's ${ITEM_LIMIT_BYTES}, less room for what must follow)`,
    );
  }
}

/**
 * A filing's head: the first state, listed, carrying the first entry (with the whole first state: the
 * application as filed is kept in the history, not only in the state that later actions change).
 * Refused (CASE_TOO_LARGE) when the head, as it will be written, would not fit.
 */
export function filingHeadItem(first: CaseTransition, changedAt?: string): Item {
  checkFirst(first);
  const head = { ...headItem(first.state, changedAt), [PENDING]: [entryRecord(undefined, first.state, first.entry)] };
  checkFits(first.entry, itemBytes(head));
  return head;
}

/**
 * An action's writes: the head at `state`, carrying `before`'s pending entries and the new one — or,
 * when they are PENDING_ENTRIES already, would pass PENDING_BYTES or would not let the head fit, only
 * the new one, the others paged out first into `page` (committed entries only: a page written by a
 * writer that then loses the head's race is still true). `before` is the head the action was decided on
 * (at `previous`'s version). Refused (CASE_TOO_LARGE) before anything is written when the head, as it
 * will be written, would not fit.
 */
export function actionWrites(
  before: Item | undefined,
  previous: CaseState,
  state: CaseState,
  entry: CaseHistoryEntry,
  key?: ActionKey,
  changedAt?: string,
): { page?: Item; head: Item } {
  checkAction(previous, state, entry);
  const record = entryRecord(previous, state, entry, key);
  const pending = pendingOf(before);
  const head = headItem(state, changedAt);
  const all = { ...head, [PENDING]: [...pending, record] };
  // Each measured once (a walk of the whole state), and only as far as the decision needs it.
  const allBytes = pending.length >= PENDING_ENTRIES || itemBytes({ [PENDING]: all[PENDING] }) > PENDING_BYTES ? undefined : itemBytes(all);
  const full = allBytes === undefined || allBytes > limitFor(entry);
  if (!full || pending.length === 0) {
    checkFits(entry, allBytes ?? itemBytes(all));
    return { head: all };
  }
  const alone = { ...head, [PENDING]: [record] };
  checkFits(entry, itemBytes(alone));
  return { page: { pk: caseKey(entry.caseNo), sk: pageKey(pending.at(-1)!.entry.n), entries: pending }, head: alone };
}

/** Entry `n`'s record among a case's history, if it is there. */
export function recordAt(records: Iterable<EntryRecord>, n: number): EntryRecord | undefined {
  for (const record of records) if (record.entry.n === n) return record;
  return undefined;
}

/**
 * The state a head of this layout holds, checked against the entries it carries: the newest must be
 * the head's version's, record the state's hash and digest, and each must be intact and chained to the
 * one before it. Where they disagree — the state edited, an entry removed or altered — the case is
 * broken there. Undefined for a head that carries no entries (the layout before issue 21: its newest
 * entry is an item of its own).
 */
export function stateOfHead(head: Item): CaseRead | undefined {
  const pending = pendingOf(head);
  const state = head.state as CaseState;
  const last = pending.at(-1)?.entry;
  if (!last) return undefined;
  for (const [i, { entry }] of pending.entries()) {
    if (!isEntryIntact(entry)) return broken(state, entry.n, `entry ${entry.n}'s content does not match its hash`);
    const before = pending[i - 1]?.entry;
    if (before && (entry.n !== before.n + 1 || entry.previousHash !== before.hash))
      return broken(state, before.n + 1, `entry ${before.n + 1} is missing or not chained to the one before it`);
  }
  return endsAt(state, last);
}

/**
 * Whether `state` is the one the case's newest entry `last` recorded (its version, hash and digest; `last`
 * itself checked intact by the caller): the case read, or where it breaks.
 */
function endsAt(state: CaseState, last: CaseHistoryEntry, lastIntact = true): CaseRead {
  if (state.version > last.n)
    return broken(state, last.n + 1, `the state is at version ${state.version}; the history ends at entry ${last.n}: entries from ${last.n + 1} on are missing`);
  if (state.version !== last.n || state.hash !== last.hash || !lastIntact) return broken(state, last.n, `the state (version ${state.version}) does not end at entry ${last.n}`);
  if (caseStateDigest(state) !== last.stateDigest) return broken(state, last.n, `the current state does not match the state entry ${last.n} recorded`);
  return { state };
}

/**
 * A case's history as its items hold it, oldest first, each entry once: the `EVT#` items of the layout
 * before issue 21, then the pages, then the head's pending entries (a page may repeat entries the head
 * still carries, or another page holds: they are the same committed entries). Each source in its own
 * order; entries at or before `after` are left out.
 */
export function* mergedHistory(sources: Iterable<Iterable<EntryRecord>>, after = 0): Generator<EntryRecord> {
  let last = after;
  for (const source of sources) {
    for (const record of source) {
      if (record.entry.n <= last) continue;
      last = record.entry.n;
      yield record;
    }
  }
}

/** The records a page item or an entry item (of the layout before issue 21) holds. */
export function recordsOf(item: Item): EntryRecord[] {
  if ((item.sk as string).startsWith(PAGE_PREFIX)) return item.entries as EntryRecord[];
  const { pk: _pk, sk: _sk, ...record } = item;
  return [record as unknown as EntryRecord];
}

/**
 * The newest state of a case from what its items hold: the head (the whole state as of its version;
 * none before a filing completes) and the entry items after it, oldest first, each applied to the
 * state before it and checked against the entry (chained to it, the digest it recorded). `newest` is
 * the case's newest entry item. Where they disagree — an entry missing, altered, or a head ahead of
 * the history, as a deleted newest entry leaves it — the case is broken at that entry: the answer says
 * so, with the head's state as it stands (or the filing's) for whoever must still see the case.
 */
export function stateOfItems(head: Item | undefined, newer: readonly Item[], newest: Item | undefined): CaseRead | undefined {
  const headState = head?.state as CaseState | undefined;
  if (!newest) return headState && broken(headState, 1, 'the case has a head but no history entries');
  const last = newest.entry as CaseHistoryEntry;
  // A head at or past the newest entry says all there is: it is the state that entry recorded, or the case breaks there.
  if (headState && headState.version >= last.n) return endsAt(headState, last, headState.version > last.n || isEntryIntact(last));
  let state = headState;
  for (const item of newer) {
    const entry = item.entry as CaseHistoryEntry;
    const shown = state ?? ((item.changes as StateChanges | undefined)?.set as CaseState | undefined) ?? (item.state as CaseState);
    const expected = (state?.version ?? 0) + 1;
    if (entry.n !== expected) return broken(shown, expected, `entry ${expected} is missing`);
    if (!isEntryIntact(entry)) return broken(shown, entry.n, `entry ${entry.n}'s content does not match its hash`);
    if (entry.previousHash !== state?.hash) return broken(shown, entry.n, `entry ${entry.n} is not chained to the state before it`);
    // Entries written before they held what changed hold the whole state after them.
    const next = item.changes ? applyChanges(state, item.changes as StateChanges) : (item.state as CaseState);
    if (next.version !== entry.n || next.hash !== entry.hash || caseStateDigest(next) !== entry.stateDigest) {
      return broken(shown, entry.n, `what entry ${entry.n} changed does not lead to the state it recorded`);
    }
    state = next;
  }
  // Nothing to show without a head or a filing entry: no case anyone can be told of.
  if (!state) return undefined;
  if (state.version !== last.n) return broken(state, state.version + 1, `entry ${state.version + 1} is missing`);
  return { state };
}

/** The cursor of a history page that ended at entry `n`. */
export function historyCursor(caseNo: string, n: number): string {
  return encodeCursor(n, `history#${caseNo}`);
}

/** The entry a history cursor ended at; refused (INVALID_CURSOR) unless it is one of this case's. */
export function historyCursorEntry(caseNo: string, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = openCursor(cursor, `history#${caseNo}`);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw badCursor();
  return n;
}

function broken(state: CaseState, n: number, reason: string): CaseRead {
  return { state, broken: { n, reason } };
}

/** Two filings drew the same case number (36^10 numbers a day): the later must not pass for the other case. */
export function caseNumberTaken(caseNo: string, cause: unknown): Error {
  return new Error(`case number ${caseNo} was drawn for two filings; the filing by this key cannot complete`, { cause });
}

function checkFirst({ state, entry }: CaseTransition): void {
  if (state.caseNo !== entry.caseNo || !isCaseNo(state.caseNo) || state.version !== 1 || entry.n !== 1 || entry.type !== 'file' || state.hash !== entry.hash) {
    throw new Error(`case store: the state and entry given are not the first of case ${state.caseNo}`);
  }
}

/**
 * Days a callback token is kept after it is written (`expiresAt`): a token answers only while its
 * execution runs, and a Standard execution runs at most a year (Step Functions' limit; its longest
 * wait is at most JOINT_MAX_WAIT_LIMIT_SECONDS, 365 days, too), so no live wait outlasts its token's item.
 */
export const TASK_TOKEN_DAYS = 366;

/**
 * Days a task item is kept after its task ended (`expiresAt`, set as it leaves the open-task list): its
 * token is read once more, by the opinion that ended it, right after the head is written; then nothing
 * reads it. As long as an action's idempotency record, so a replayed opinion finds what the first found.
 */
export const ENDED_TASK_DAYS = IDEMPOTENCY_RECORD_DAYS;

/**
 * A co-department's callback token for a case as it was kept before the task item held it (`TOKEN#`),
 * expiring TASK_TOKEN_DAYS after `writtenAt`: read still, written no longer (tests build the layout of
 * before with it).
 */
export function tokenItem(caseNo: string, departmentId: string, token: string, writtenAt = new Date().toISOString()): Item {
  if (!isCaseNo(caseNo)) throw new Error(`case store: ${JSON.stringify(caseNo)} is not a case number`);
  return { pk: caseKey(caseNo), sk: tokenKey(departmentId), token, [TTL_ATTRIBUTE]: expiresAfter(writtenAt, TASK_TOKEN_DAYS) };
}

/**
 * The task item the workflow's wait for `departmentId`'s opinion writes: the task's listing as `state`
 * has it (its open-task list's keys while open, at `state`'s version) and the wait's callback token,
 * expiring TASK_TOKEN_DAYS after `writtenAt` (by default now: TTL counts real time) — each wait keeps
 * its own, so an open task's item outlives every live wait. Written over an item of `state`'s version
 * or older only; into a newer one, the token alone (withTaskToken).
 */
export function taskTokenItem(state: CaseState, departmentId: string, token: string, writtenAt = new Date().toISOString()): Item {
  if (!isCaseNo(state.caseNo)) throw new Error(`case store: ${JSON.stringify(state.caseNo)} is not a case number`);
  if (typeof token !== 'string' || token.length === 0) throw new Error(`case store: no callback token for ${departmentId} on case ${state.caseNo}`);
  const task = state.jointTasks?.find((t) => t.departmentId === departmentId);
  if (!task) throw new Error(`case store: case ${state.caseNo} has no joint task for ${departmentId}`);
  const { [TTL_ATTRIBUTE]: _ended, ...listing } = taskItem(state, task);
  return { ...listing, token, [TTL_ATTRIBUTE]: expiresAfter(writtenAt, TASK_TOKEN_DAYS) };
}

/** Whether an item is a joint task item (`TASK#<departmentId>`): written over the item as read, so that the token a wait keeps there is carried over. */
export function isTaskItem(item: Item): boolean {
  return (item.sk as string).startsWith(TASK_PREFIX);
}

/**
 * A task item's listing as an action writes it (listingItems) over `current`, the item as read: the
 * token a wait keeps there carried over — with its expiry while the task is open; an ended task's item
 * expires ENDED_TASK_DAYS after it ended, token and all.
 */
export function carriedTaskItem(listing: Item, current: Item | undefined): Item {
  if (current?.token === undefined) return listing;
  const open = listing[indexes.departmentQueue.partitionKey] !== undefined;
  const expiresAt = open ? current[TTL_ATTRIBUTE] : listing[TTL_ATTRIBUTE];
  return { ...listing, token: current.token, ...(expiresAt !== undefined ? { [TTL_ATTRIBUTE]: expiresAt } : {}) };
}

/** A wait's token (taskTokenItem) put into `current`, a task item a newer version has moved or ended: its listing stands. */
export function withTaskToken(current: Item, waited: Item): Item {
  return { ...current, token: waited.token, [TTL_ATTRIBUTE]: waited[TTL_ATTRIBUTE] };
}

/** The shard of a case in its department's queue: stable, and spread evenly by the hash. */
export function queueShard(caseNo: string): number {
  return hashShard(caseNo, SHARDS);
}

/** The shard of an applicant's cases in a channel's list: all of an applicant's in one. */
export function channelShard(applicantId: string): number {
  return hashShard(`applicant#${applicantId}`, CASES_TABLE.channelCasesShards);
}

/**
 * The items that list a state: the joint task and finding items, written first, then the head, written
 * last (a head that is up to date says they are too). With `previous`, the state the head holds now,
 * `first` has only the task and finding items that `state` lists otherwise than `previous` (moved in
 * their lists, ended, or new): the others stand as they are — and no task that `previous` does not
 * have: the dispatch's tasks are put in their lists by the workflow's waits (taskTokenItem), each with
 * its callback token, one write each, not two. The head is queued for anchoring by `changedAt`, the
 * time it is written (the writer's clock, now), and an ended task's item expires ENDED_TASK_DAYS after it.
 * A task item is put over the item as read (carriedTaskItem: the token a wait keeps there carried over).
 */
export function listingItems(state: CaseState, changedAt: string = new Date().toISOString(), previous?: CaseState): { first: Item[]; head: Item } {
  const listed = (s: CaseState) => [...taskItems(s, changedAt), ...findingItems(s)];
  const before = new Set(previous ? listed(previous).map(listingOf) : []);
  const known = new Set(previous ? (previous.jointTasks ?? []).map((t) => taskKey(t.departmentId)) : undefined);
  const dispatched = (item: Item) => previous !== undefined && isTaskItem(item) && !known.has(item.sk as string);
  return { first: listed(state).filter((item) => !before.has(listingOf(item)) && !dispatched(item)), head: headItem(state, changedAt) };
}

/** Where an item is listed: its sort key and its index keys (its version and expiry aside). */
function listingOf(item: Item): string {
  const { version: _version, [TTL_ATTRIBUTE]: _expiresAt, ...keys } = item;
  return canonicalJson(keys);
}

/** The key of the head of the case an index entry (a head, a task or a finding item) lists. */
export function listedHeadKey(entry: Item): ItemKey {
  return { pk: entry.pk as string, sk: HEAD };
}

/**
 * Whether `head` still lists the case where the index entry `entry` (keys only) says it is: the head,
 * or the task or finding item of its state with that sort key, has the same keys in `index`. An index
 * is read eventually consistent, and a head moves on: an entry its head no longer backs is passed over.
 */
export function stillListed(entry: Item, head: Item | undefined, index: { partitionKey: string; sortKey: string }): boolean {
  if (!head) return false;
  const same = (item: Item | undefined) => item !== undefined && item[index.partitionKey] === entry[index.partitionKey] && item[index.sortKey] === entry[index.sortKey];
  if (entry.sk === HEAD) return same(head);
  const state = head.state as CaseState;
  return same([...taskItems(state, state.updatedAt), ...findingItems(state)].find((item) => item.sk === entry.sk));
}

/** The head: the newest state and the index keys it is listed under. */
export function headItem(state: CaseState, changedAt: string = new Date().toISOString()): Item {
  const supervision = supervisionOf(state);
  return {
    pk: caseKey(state.caseNo),
    sk: HEAD,
    version: state.version,
    state,
    [indexes.departmentQueue.partitionKey]: departmentShardKey(state.departmentId, queueShard(state.caseNo)),
    [indexes.departmentQueue.sortKey]: `${state.status}#${queueDate(state)}#${state.caseNo}`,
    [indexes.channelCases.partitionKey]: channelShardKey(state.channelId, channelShard(applicantIdOf(state.applicant))),
    [indexes.channelCases.sortKey]: `${applicantIdOf(state.applicant)}#${state.receivedAt}#${state.caseNo}`,
    ...(supervision
      ? { [indexes.supervision.partitionKey]: supervisionShardKey(supervision.kind, state.caseNo), [indexes.supervision.sortKey]: `${supervision.deadline}#${state.caseNo}` }
      : {}),
    ...anchorQueueKeys(state, changedAt),
  };
}

/**
 * A joint case's task items, one per co-department, listed in that co-department's open-task list by
 * due date while the task is pending or escalated on a case still awaiting opinions; an ended one is
 * in no list, and expires ENDED_TASK_DAYS after `changedAt`. Keys only: the queue's listing reads the
 * case's head.
 */
function taskItems(state: CaseState, changedAt: string): Item[] {
  return (state.jointTasks ?? []).map((task) => taskItem(state, task, changedAt));
}

function taskItem(state: CaseState, task: JointTask, changedAt: string = state.updatedAt): Item {
  const open = state.status === 'accepted' && (task.status === 'pending' || task.status === 'escalated');
  const item = { pk: caseKey(state.caseNo), sk: taskKey(task.departmentId), version: state.version };
  if (!open) return { ...item, [TTL_ATTRIBUTE]: expiresAfter(changedAt, ENDED_TASK_DAYS) };
  return {
    ...item,
    [indexes.departmentQueue.partitionKey]: departmentShardKey(task.departmentId, queueShard(state.caseNo)),
    [indexes.departmentQueue.sortKey]: `${OPEN_TASK}#${task.dueOn ?? NO_DATE}#${state.caseNo}`,
  };
}

/**
 * A case's supervision findings, one item each, listed on the finding's supervision list by its due
 * day; like the task items, keys only, moved forward with the head where their keys change.
 */
function findingItems(state: CaseState): Item[] {
  return (state.findings ?? []).map((finding) => ({
    pk: caseKey(state.caseNo),
    sk: findingKey(finding.kind, finding.due),
    version: state.version,
    [indexes.supervision.partitionKey]: supervisionShardKey(finding.kind, state.caseNo),
    [indexes.supervision.sortKey]: `${finding.due}#${state.caseNo}`,
  }));
}

/** The date a case is due in its department's queue (see CaseStore.departmentQueue). */
function queueDate(state: CaseState): string {
  // A case the platform still owes a step (its joint handling started, its results sealed, its
  // archiving) is undated: the sweep lists every undated case, and takes the step.
  if (followUps(state).length > 0) return NO_DATE;
  switch (state.status) {
    case 'received':
    case 'supplement-requested':
      return soonest(state.deemedAcceptedOn, ...findingsAwaited(state).map((f) => f.due));
    case 'accepted':
    case 'opinions-complete':
      return soonest(state.deadlines?.promised, ...findingsAwaited(state).map((f) => f.due));
    // An ended case, sealed and archived: by the day it ended.
    case 'refused':
      return state.refusal?.on ?? NO_DATE;
    case 'decided':
      return state.decision?.on ?? NO_DATE;
    case 'withdrawn':
      return state.withdrawal?.on ?? NO_DATE;
  }
}

/** The soonest of the dates given, or NO_DATE without any. */
function soonest(...dates: (string | undefined)[]): string {
  return dates.filter((d): d is string => d !== undefined).sort()[0] ?? NO_DATE;
}

/** The supervision list a state is on: the sweep's mark, listed by the deadline it passed. */
function supervisionOf(state: CaseState): { kind: SupervisionKind; deadline: string } | undefined {
  const kind = state.supervision;
  if (kind === undefined) return undefined;
  return { kind, deadline: state.supervisionDeadline ?? NO_DATE };
}

function applicantIdOf(applicant: Applicant): string {
  return applicant.kind === 'person' ? applicant.residentId : applicant.creditCode;
}
