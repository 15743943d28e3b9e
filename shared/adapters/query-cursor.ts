// Pagination cursors of the DynamoDB stores: opaque to clients, bound to the query they came from
// (its fingerprint), and checked before DynamoDB sees them, so a forged one is a 400, never a 500.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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
  if (start[shape.index.partitionKey] !== shape.partition || !(start[shape.index.sortKey] as string).startsWith(shape.sortPrefix ?? '')) throw badCursor();
  const sk = start[shape.table.sortKey] as string;
  const listed = typeof shape.listedSortKey === 'string' ? sk === shape.listedSortKey : shape.listedSortKey.test(sk);
  if (!listed || !(start[shape.table.partitionKey] as string).startsWith(shape.itemPrefix)) throw badCursor();
  return start as Record<string, string>;
}

export function badCursor(): DomainError {
  return invalid('INVALID_CURSOR', 'cursor', '分页游标无效或与查询条件不符', 'the cursor is malformed or belongs to another query');
}

/** One page of a sparse index whose items are aggregates' heads (`<itemPrefix>…` / `listedSortKey`). */
export interface IndexPageQuery {
  tableName: string;
  table: { partitionKey: string; sortKey: string };
  index: { name: string; partitionKey: string; sortKey: string };
  partition: string;
  sortPrefix?: string;
  itemPrefix: string;
  listedSortKey: string | RegExp;
  page: { limit: number; cursor?: string };
  newestFirst?: boolean;
  /** A filter on the items (the page may then hold fewer than `limit`); part of the cursor's query. */
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

/** Queries one page; the cursor is checked against this very query before DynamoDB sees it. */
export async function queryIndexPage(db: DynamoDBDocumentClient, q: IndexPageQuery): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
  const fingerprint = JSON.stringify({ index: q.index.name, pk: q.partition, sortPrefix: q.sortPrefix, ...(q.filter ? { filter: q.filter.values } : {}) });
  const start = q.page.cursor
    ? openHeadStartKey(q.page.cursor, fingerprint, {
        table: q.table,
        index: q.index,
        partition: q.partition,
        sortPrefix: q.sortPrefix,
        itemPrefix: q.itemPrefix,
        listedSortKey: q.listedSortKey,
      })
    : undefined;
  const out = await db
    .send(
      new QueryCommand({
        TableName: q.tableName,
        IndexName: q.index.name,
        KeyConditionExpression: q.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': q.index.partitionKey, ...(q.sortPrefix ? { '#sk': q.index.sortKey } : {}), ...q.filter?.names },
        ExpressionAttributeValues: { ':pk': q.partition, ...(q.sortPrefix ? { ':prefix': q.sortPrefix } : {}), ...q.filter?.values },
        ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
        ...(q.newestFirst ? { ScanIndexForward: false } : {}),
        Limit: q.page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    )
    .catch((e: unknown) => {
      // A start key DynamoDB does not accept can only have come from a forged cursor.
      if (start && (e as { name?: string }).name === 'ValidationException') throw badCursor();
      throw e;
    });
  const items = out.Items ?? [];
  return out.LastEvaluatedKey ? { items, nextCursor: encodeCursor(out.LastEvaluatedKey, fingerprint) } : { items };
}
