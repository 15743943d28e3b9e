// One page of a DynamoDB index query, its cursor checked against the query before DynamoDB sees it
// (page-cursor.ts), and the Query input of one partition of such a query (shared with the lists merged
// from shards: dynamo-chained-records.ts); and every page of a query, for the readers that count a
// whole partition (queryPages).
import type { DynamoDBDocumentClient, QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexPage, IndexQuery } from './page-cursor.ts';
import { badCursor, indexPage, openIndexQuery } from './page-cursor.ts';

export interface IndexPageQuery extends IndexQuery {
  tableName: string;
}

/** The Query of partition `partition` of an index query: its sort-key prefix or range, filter and order, at most `limit`, after `start`. */
export function indexQueryInput(q: Omit<IndexPageQuery, 'page' | 'partition'>, partition: string, limit: number, start: Record<string, string> | undefined): QueryCommandInput {
  if (q.sortPrefix && q.sortBetween) throw new Error(`query of ${q.index.name}: a sort-key prefix or a range, not both`);
  const sort = q.sortPrefix
    ? { condition: ' AND begins_with(#sk, :prefix)', values: { ':prefix': q.sortPrefix } }
    : q.sortBetween
      ? { condition: ' AND #sk BETWEEN :lo AND :hi', values: { ':lo': q.sortBetween[0], ':hi': q.sortBetween[1] } }
      : undefined;
  return {
    TableName: q.tableName,
    IndexName: q.index.name,
    KeyConditionExpression: `#pk = :pk${sort?.condition ?? ''}`,
    ExpressionAttributeNames: { '#pk': q.index.partitionKey, ...(sort ? { '#sk': q.index.sortKey } : {}), ...q.filter?.names },
    ExpressionAttributeValues: { ':pk': partition, ...sort?.values, ...q.filter?.values },
    ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
    ...(q.newestFirst ? { ScanIndexForward: false } : {}),
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/** A start key DynamoDB does not accept can only have come from a forged cursor: INVALID_CURSOR, not a 500. */
export function startKeyRefused(e: unknown): unknown {
  return (e as { name?: string }).name === 'ValidationException' ? badCursor() : e;
}

/** Queries one page; the cursor is checked against this very query before DynamoDB sees it. */
export async function queryIndexPage(db: DynamoDBDocumentClient, q: IndexPageQuery): Promise<IndexPage> {
  const { fingerprint, start } = openIndexQuery(q);
  const out = await db.send(new QueryCommand(indexQueryInput(q, q.partition, q.page.limit, start))).catch((e: unknown) => {
    throw start ? startKeyRefused(e) : e;
  });
  return indexPage(out.Items ?? [], out.LastEvaluatedKey, fingerprint);
}

/** Every page of `input`, in turn, each asked for after the one before: one page in memory at a time. */
export async function* queryPages(db: DynamoDBDocumentClient, input: QueryCommandInput): AsyncIterable<QueryCommandOutput> {
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const out = await db.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield out;
    start = out.LastEvaluatedKey;
  } while (start);
}
