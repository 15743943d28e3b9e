// Pagination cursors of the DynamoDB stores: opaque to clients, bound to the query they came from
// (its fingerprint), and checked before DynamoDB sees them, so a forged one is a 400, never a 500.
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
  /** Table partition keys of the store's aggregates start so (`ITEM#`, `CASE#`); their heads' sort key. */
  itemPrefix: string;
  headSortKey: string;
}

/** A cursor holding a start key of a single-index query: a head's key, inside the queried partition. */
export function openHeadStartKey(cursor: string, fingerprint: string, shape: HeadStartKeyShape): Record<string, string> {
  const k = openCursor(cursor, fingerprint);
  if (typeof k !== 'object' || k === null || Array.isArray(k)) throw badCursor();
  const start = k as Record<string, unknown>;
  const expected = [shape.table.partitionKey, shape.table.sortKey, shape.index.partitionKey, shape.index.sortKey].sort();
  if (JSON.stringify(Object.keys(start).sort()) !== JSON.stringify(expected)) throw badCursor();
  if (!Object.values(start).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024)) throw badCursor();
  if (start[shape.index.partitionKey] !== shape.partition || !(start[shape.index.sortKey] as string).startsWith(shape.sortPrefix ?? '')) throw badCursor();
  if (start[shape.table.sortKey] !== shape.headSortKey || !(start[shape.table.partitionKey] as string).startsWith(shape.itemPrefix)) throw badCursor();
  return start as Record<string, string>;
}

export function badCursor(): DomainError {
  return invalid('INVALID_CURSOR', 'cursor', '分页游标无效或与查询条件不符', 'the cursor is malformed or belongs to another query');
}
