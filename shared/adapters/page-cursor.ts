// Pagination cursors of the stores: opaque to clients, bound to the query they came from (its
// fingerprint), and checked before a query reads them, so a forged one is a 400, never a 500. No
// AWS here: the DynamoDB stores and the memory case store read and write the same cursors.
import { invalid } from '../domain/errors.ts';
import type { DomainError } from '../domain/errors.ts';

export function encodeCursor(position: unknown, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, k: position })).toString('base64url');
}

/** The position a cursor carries, if it was made for this query. */
export function openCursor(cursor: string, fingerprint: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw badCursor();
  const { q, k } = parsed as { q?: unknown; k?: unknown };
  if (q !== fingerprint) throw badCursor();
  return k;
}

export interface HeadStartKeyShape {
  /** The table's key attribute names. */
  table: { partitionKey: string; sortKey: string };
  /** The queried index's key attribute names. */
  index: { partitionKey: string; sortKey: string };
  /** The queried partition and sort-key prefix. */
  partition: string;
  sortPrefix: string | undefined;
  /** The queried sort-key range, inclusive, if any (a start key outside it is no cursor of this query). */
  sortBetween?: readonly [string, string] | undefined;
  /**
   * Table partition keys of the store's aggregates start so (`ITEM#`, `CASE#`); the sort key of the
   * items the index lists: their heads' (a string), or those a pattern matches (a head and the
   * aggregate's other projections, such as a case's supervision findings).
   */
  itemPrefix: string;
  listedSortKey: string | RegExp;
}

/** A cursor holding a start key of a single-index query: a head's key, inside the queried partition. */
export function openHeadStartKey(cursor: string, fingerprint: string, shape: HeadStartKeyShape): Record<string, string> {
  const k = openCursor(cursor, fingerprint);
  if (typeof k !== 'object' || k === null || Array.isArray(k)) throw badCursor();
  const start = k as Record<string, unknown>;
  const expected = [shape.table.partitionKey, shape.table.sortKey, shape.index.partitionKey, shape.index.sortKey].sort();
  if (JSON.stringify(Object.keys(start).sort()) !== JSON.stringify(expected)) throw badCursor();
  if (!Object.values(start).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024)) throw badCursor();
  const sortKey = start[shape.index.sortKey] as string;
  if (start[shape.index.partitionKey] !== shape.partition || !sortKey.startsWith(shape.sortPrefix ?? '')) throw badCursor();
  if (shape.sortBetween && (sortKey < shape.sortBetween[0] || sortKey > shape.sortBetween[1])) throw badCursor();
  const sk = start[shape.table.sortKey] as string;
  const listed = typeof shape.listedSortKey === 'string' ? sk === shape.listedSortKey : shape.listedSortKey.test(sk);
  if (!listed || !(start[shape.table.partitionKey] as string).startsWith(shape.itemPrefix)) throw badCursor();
  return start as Record<string, string>;
}

export function badCursor(): DomainError {
  return invalid('INVALID_CURSOR', 'cursor', '分页游标无效或与查询条件不符', 'the cursor is malformed or belongs to another query');
}

/** One page of a sparse index whose items are aggregates' heads (`<itemPrefix>…` / `listedSortKey`). */
export interface IndexQuery {
  table: { partitionKey: string; sortKey: string };
  index: { name: string; partitionKey: string; sortKey: string };
  partition: string;
  sortPrefix?: string;
  /** Sort keys from the first to the second, inclusive (instead of a prefix). */
  sortBetween?: readonly [string, string];
  itemPrefix: string;
  listedSortKey: string | RegExp;
  page: { limit: number; cursor?: string };
  newestFirst?: boolean;
  /** A filter on the items (the page may then hold fewer than `limit`); part of the cursor's query. */
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

export interface IndexPage {
  items: Record<string, unknown>[];
  nextCursor?: string;
}

/** What a query's cursors are bound to: its index, partition, sort-key prefix or range, and filter. */
function indexQueryFingerprint(q: Omit<IndexQuery, 'page'>): string {
  return JSON.stringify({
    index: q.index.name,
    pk: q.partition,
    sortPrefix: q.sortPrefix,
    ...(q.sortBetween ? { sortBetween: q.sortBetween } : {}),
    ...(q.filter ? { filter: q.filter.values } : {}),
  });
}

/** The start key a cursor of `q` holds, checked against this very query. */
export function openIndexStartKey(cursor: string, q: Omit<IndexQuery, 'page'>): Record<string, string> {
  return openHeadStartKey(cursor, indexQueryFingerprint(q), {
    table: q.table,
    index: q.index,
    partition: q.partition,
    sortPrefix: q.sortPrefix,
    sortBetween: q.sortBetween,
    itemPrefix: q.itemPrefix,
    listedSortKey: q.listedSortKey,
  });
}

/** The query's fingerprint, and the start key its cursor holds, checked against this very query. */
export function openIndexQuery(q: IndexQuery): { fingerprint: string; start?: Record<string, string> } {
  const fingerprint = indexQueryFingerprint(q);
  if (!q.page.cursor) return { fingerprint };
  return { fingerprint, start: openIndexStartKey(q.page.cursor, q) };
}

/**
 * A list merged from shards (shard-keys.ts) whose key of before issue 21, `q.partition`, is read as
 * one more shard: its cursors are bound to the same query as that key's alone were, and hold a
 * position (the index sort key of the last row a page returned, which `isPosition` accepts). A cursor
 * a client held from before the shards holds a start key of that key alone: it is taken for the
 * position its sort key says, so the client's paging goes on over every shard from there.
 */
export function openShardedPosition(cursor: string, q: Omit<IndexQuery, 'page'>, isPosition: (sortKey: string) => boolean): string {
  const k = openCursor(cursor, indexQueryFingerprint(q));
  const position = typeof k === 'string' ? k : openIndexStartKey(cursor, q)[q.index.sortKey]!;
  if (position.length > 1024 || !isPosition(position) || !position.startsWith(q.sortPrefix ?? '')) throw badCursor();
  if (q.sortBetween && (position < q.sortBetween[0] || position > q.sortBetween[1])) throw badCursor();
  return position;
}

/** A cursor of a list merged from shards (openShardedPosition): its position. */
export function encodeShardedPosition(position: string, q: Omit<IndexQuery, 'page'>): string {
  return encodeCursor(position, indexQueryFingerprint(q));
}

/** The items read, and a cursor holding the last key read when the query stopped before its end. */
export function indexPage(items: Record<string, unknown>[], lastKey: Record<string, unknown> | undefined, fingerprint: string): IndexPage {
  return lastKey ? { items, nextCursor: encodeCursor(lastKey, fingerprint) } : { items };
}
