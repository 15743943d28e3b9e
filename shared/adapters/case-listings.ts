// The case store's listings over the cases table's items (case-items.ts), as both case stores read
// them: which index partitions and sort-key range each listing reads, how a sharded listing (a
// department's queue, a channel's cases) is merged from its shards, the cursors, and the cases of a
// page: the indexes hold their keys alone, so a page's cases are read from their heads (one GetItem
// each, side by side, eventually consistent like the index itself), each kept where its head still
// lists it there (stillListed: a case that moved on since the index was written is not shown where it
// no longer is). Both stores answer the same pages, in the same order, with the same cursors; they
// differ only in how they read an index and a head.
import type { CaseState, CaseStatus } from '../domain/cases/case-record.ts';
import { CASE_STATUSES } from '../domain/cases/case-record.ts';
import type { CaseList, CasePage, SupervisionKind, SupervisionList, SweepStatus } from '../domain/cases/case-store.ts';
import { MAX_CASE_PAGE_SIZE, SUPERVISION_KINDS } from '../domain/cases/case-store.ts';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import type { Item, ItemKey } from './case-items.ts';
import { HEAD, NO_DATE, OPEN_TASK, SHARDS, caseKey, findingKey, channelShard, channelShardKey, legacyChannelKey, listedHeadKey, stillListed, taskKey } from './case-items.ts';
import type { ShardRows } from './shard-keys.ts';
import { allShards, mergeShardRows, shardLimit, supervisionPartitions } from './shard-keys.ts';
import type { IndexQuery } from './page-cursor.ts';
import { badCursor, encodeCursor, openCursor, openIndexStartKey } from './page-cursor.ts';
import { CASES_TABLE } from './table-layout.ts';

const { indexes } = CASES_TABLE;
const APPLICANT_ID = /^[0-9A-Za-z]{1,64}$/;
const SWEEP_STATUSES: readonly string[] = ['received', 'supplement-requested', 'accepted', 'opinions-complete', 'decided', 'refused', 'withdrawn'] satisfies SweepStatus[];

/**
 * A listing merged from the shards of an index (case-items.ts: a department's queue, a channel's
 * cases): the partitions to read — every shard, and a key written before the shards where there is
 * one —, the sort-key prefix of its kind, the sort key of the items it lists (a head, a joint task
 * item), what its cursors are bound to, and the shape of the sort keys a cursor may hold (each ends
 * with `#<caseNo>`, which makes it unique).
 */
export interface ShardedQuery {
  index: { name: string; partitionKey: string; sortKey: string };
  partitions: string[];
  prefix: string;
  /** The table sort key of the item an index sort key lists (a head's, a task item's, a finding item's). */
  itemSortKey: string | ((indexSortKey: string) => string);
  fingerprint: string;
  /** What a sort key holds between the prefix and `#<caseNo>`. */
  middle: RegExp;
  page: CasePage;
  /**
   * The one index query the listing was before its shards, where its cursors were start keys of that
   * query (page-cursor.ts): a cursor a client held from then goes on from the sort key it holds.
   */
  before?: Omit<IndexQuery, 'page'>;
}

/** One shard's page: its items from the start key on, in sort-key order, and whether it stopped before its end (a LastEvaluatedKey). */
export type ShardPage = ShardRows<Item>;

/** Reads one shard of a listing index: partition `partition`, sort keys starting with `prefix`, after `start`, at most `limit`. */
export type ShardReader = (index: ShardedQuery['index'], partition: string, prefix: string, start: Record<string, string> | undefined, limit: number) => Promise<ShardPage>;

/** Reads one head by its key (eventually consistent will do: the index it was listed by is too). */
export type HeadReader = (key: ItemKey) => Promise<Item | undefined>;

/** The heads of the cases an index's entries list, in their order, each where it still lists its entry there. */
export async function listedHeads(entries: readonly Item[], index: { partitionKey: string; sortKey: string }, readHead: HeadReader): Promise<{ entry: Item; head: Item }[]> {
  const heads = await Promise.all(entries.map((entry) => readHead(listedHeadKey(entry))));
  return entries.flatMap((entry, i) => (stillListed(entry, heads[i], index) ? [{ entry, head: heads[i]! }] : []));
}

const DAY_OR_NONE = /^(?:\d{4}-\d{2}-\d{2}|~)$/;

export function departmentQueueQuery(departmentId: string, status: CaseStatus, page: CasePage): ShardedQuery {
  if (!CASE_STATUSES.includes(status)) throw new RangeError(`unknown case status ${String(status)}`);
  return queueQuery(departmentId, `${status}#`, HEAD, page);
}

export function jointTaskQueueQuery(departmentId: string, page: CasePage): ShardedQuery {
  return queueQuery(departmentId, `${OPEN_TASK}#`, taskKey(departmentId), page);
}

function queueQuery(departmentId: string, prefix: string, itemSortKey: string, page: CasePage): ShardedQuery {
  const index = indexes.departmentQueue;
  // The department's shards: a multiple of the 8 of before issue 21, so its old keys are among them.
  const fingerprint = JSON.stringify({ index: index.name, departmentId, prefix });
  return { index, partitions: departmentShards(departmentId), prefix, itemSortKey, fingerprint, middle: DAY_OR_NONE, page };
}

/**
 * Reads the listing's shards in parallel, each from the cursor's position, and merges them by sort
 * key. The cursor is the sort key of the last case returned (`<prefix>…#<caseNo>`, unique because it
 * ends with the case number): every shard resumes after that key, so a page holds the smallest keys
 * after it over all shards. A shard that stopped early (its share, shardLimit, or DynamoDB's 1 MB
 * page) is known only up to its last key, so the page stops there too: it may hold fewer than `limit`,
 * never one out of order, and the next page goes on from its last.
 */
export async function shardedPage(q: ShardedQuery, readShard: ShardReader, readHead: HeadReader): Promise<CaseList> {
  const { listed, nextCursor } = await shardedEntries(q, readShard, readHead);
  const cases = listed.map(({ head }) => head.state as CaseState);
  return nextCursor ? { cases, nextCursor } : { cases };
}

/** shardedPage's entries, each with its head, and the next page's cursor. */
async function shardedEntries(q: ShardedQuery, readShard: ShardReader, readHead: HeadReader): Promise<{ listed: { entry: Item; head: Item }[]; nextCursor?: string }> {
  checkPage(q.page);
  const ix = q.index;
  const after = q.page.cursor ? decodeShardedCursor(q.page.cursor, q) : undefined;
  const limit = shardLimit(q.page.limit, q.partitions.length);
  const shards = await Promise.all(
    q.partitions.map((pk) => {
      // A position, not necessarily an entry of this shard: the shard resumes after it.
      const start = after
        ? {
            [ix.partitionKey]: pk,
            [ix.sortKey]: after.sortKey,
            [CASES_TABLE.partitionKey]: caseKey(after.caseNo),
            [CASES_TABLE.sortKey]: typeof q.itemSortKey === 'string' ? q.itemSortKey : q.itemSortKey(after.sortKey),
          }
        : undefined;
      return readShard(ix, pk, q.prefix, start, limit);
    }),
  );
  const sortKeyOf = (item: Item) => item[ix.sortKey] as string;
  const { items: taken, more } = mergeShardRows(shards, sortKeyOf, q.page.limit);
  const last = taken.at(-1);
  const listed = await listedHeads(taken, ix, readHead);
  return more && last ? { listed, nextCursor: encodeCursor(sortKeyOf(last), q.fingerprint) } : { listed };
}

/**
 * A channel's cases by applicant, then filing time; undefined when the applicant id names nobody. One
 * applicant's are in one shard; the whole channel's in every shard. Both read the channel's key of
 * before issue 21 too (table-layout.ts, channelCasesShards).
 */
export function channelCasesQuery(channelId: string, applicantId: string | undefined, page: CasePage): ShardedQuery | undefined {
  checkPage(page);
  // Applicant ids (resident ID, credit code) are letters and digits: anything else names nobody,
  // and must not widen the prefix.
  if (applicantId !== undefined && !APPLICANT_ID.test(applicantId)) return undefined;
  const index = indexes.channelCases;
  const shards = applicantId === undefined ? allShards(legacyChannelKey(channelId), CASES_TABLE.channelCasesShards) : [channelShardKey(channelId, channelShard(applicantId))];
  const prefix = applicantId === undefined ? '' : `${applicantId}#`;
  return {
    index,
    partitions: [...shards, legacyChannelKey(channelId)],
    prefix,
    itemSortKey: HEAD,
    fingerprint: JSON.stringify({ index: index.name, channelId, applicantId: applicantId ?? null }),
    middle: applicantId === undefined ? APPLICANT_AND_INSTANT : INSTANT,
    page,
    before: listingBefore(index, legacyChannelKey(channelId), applicantId === undefined ? undefined : prefix),
  };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T[0-9:.]{1,20}Z$/;
const APPLICANT_AND_INSTANT = new RegExp(`^[0-9A-Za-z]{1,64}#${INSTANT.source.slice(1)}`);

/**
 * A supervision list by deadline (`<deadline or ~>#<caseNo>`), merged from its shards and its key of
 * before issue 21 (shard-keys.ts): heads on the overdue and violation lists, finding items
 * (`FINDING#<kind>#<due>`) on a finding kind's.
 */
export function supervisionQuery(kind: SupervisionKind, page: CasePage): ShardedQuery {
  checkPage(page);
  if (!SUPERVISION_KINDS.includes(kind)) throw new RangeError(`unknown supervision list ${String(kind)}`);
  const index = indexes.supervision;
  const marked = kind === 'overdue' || kind === 'violation';
  return {
    index,
    partitions: supervisionPartitions(kind),
    prefix: '',
    itemSortKey: marked ? HEAD : (sortKey) => findingKey(kind, sortKey.split('#')[0]!),
    fingerprint: JSON.stringify({ index: index.name, kind }),
    middle: DAY_OR_NONE,
    page,
    before: listingBefore(index, `SUPERVISION#${kind}`, undefined),
  };
}

/** The table sort keys the listings held before issue 21: a head's, or a finding item's (`FINDING#<kind>#<due>`). */
const LISTED_BEFORE = /^(?:HEAD|FINDING#[a-z-]+#\d{4}-\d{2}-\d{2})$/;

/** A listing's one index query of before issue 21 (case-listings.ts at 7064de4): its key alone, a sort-key prefix. */
function listingBefore(index: ShardedQuery['index'], partition: string, sortPrefix: string | undefined): Omit<IndexQuery, 'page'> {
  return { table: CASES_TABLE, index, partition, ...(sortPrefix !== undefined ? { sortPrefix } : {}), itemPrefix: 'CASE#', listedSortKey: LISTED_BEFORE };
}

/** A supervision list's page: each case with the date it passed, read from its sort key. */
export async function supervisionList(q: ShardedQuery, readShard: ShardReader, readHead: HeadReader): Promise<SupervisionList> {
  const { listed, nextCursor } = await shardedEntries(q, readShard, readHead);
  const cases = listed.map(({ entry, head }) => {
    const passed = String(entry[indexes.supervision.sortKey]).split('#')[0]!;
    return { state: head.state as CaseState, ...(passed !== NO_DATE ? { passedDeadline: passed } : {}) };
  });
  return nextCursor ? { cases, nextCursor } : { cases };
}

/** A range of the department queue index's sort keys: between two keys (inclusive), or those with a prefix. */
export type SortKeyRange = { between: [string, string] } | { prefix: string };

/**
 * The sort-key ranges the sweep reads in each shard of a department for cases in `status` before
 * `before`, in order: the dated ones before the day, then the undated ones.
 */
export function sweepRanges(status: SweepStatus, before: string): SortKeyRange[] {
  if (!SWEEP_STATUSES.includes(status)) throw new RangeError(`the sweep reads received, supplement-requested, accepted, opinions-complete or ended cases, not ${String(status)}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(before)) throw new RangeError(`sweep date ${before} is not an ISO date`);
  // Dated keys `<status>#<date>#<caseNo>` sort between `<status>#` and `<status>#<before>` exactly when
  // the date is before `before`; undated ones are `<status>#~#<caseNo>`.
  // Ended cases: only the undated ones (not sealed or not archived yet); they are all past their date.
  // Cases awaiting a supplement: only the undated ones (owing a notice); time does not act on them.
  const undatedOnly = status === 'decided' || status === 'refused' || status === 'withdrawn' || status === 'supplement-requested';
  return [...(undatedOnly ? [] : [{ between: [`${status}#`, `${status}#${before}`] as [string, string] }]), { prefix: `${status}#${NO_DATE}#` }];
}

/** The department queue index's partitions of a department, one per shard. */
export function departmentShards(departmentId: string): string[] {
  return allShards(`DEPT#${departmentId}`, SHARDS);
}

function checkPage(page: CasePage): void {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_CASE_PAGE_SIZE) {
    throw new RangeError(`case store: page limit ${page.limit} is not 1 to ${MAX_CASE_PAGE_SIZE}`);
  }
}

/**
 * A listing's cursor: a sort key `<prefix><middle>#<caseNo>` of the queried listing; or, for a listing
 * that was one index query before issue 21, a start key of that query, whose index sort key is taken
 * for the position (every shard goes on after it, the old key among them).
 */
function decodeShardedCursor(cursor: string, q: ShardedQuery): { sortKey: string; caseNo: string } {
  let k: unknown;
  try {
    k = openCursor(cursor, q.fingerprint);
  } catch (e) {
    if (!q.before) throw e;
    k = openIndexStartKey(cursor, q.before)[q.index.sortKey];
  }
  if (typeof k !== 'string' || k.length > 256 || !k.startsWith(q.prefix)) throw badCursor();
  const cut = k.lastIndexOf('#');
  const caseNo = k.slice(cut + 1);
  if (cut < q.prefix.length || !q.middle.test(k.slice(q.prefix.length, cut)) || !isCaseNo(caseNo)) throw badCursor();
  return { sortKey: k, caseNo };
}
