// One page of a DynamoDB index query, its cursor checked against the query before DynamoDB sees it
// (page-cursor.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { IndexPage, IndexQuery } from './page-cursor.ts';
import { badCursor, indexPage, openIndexQuery } from './page-cursor.ts';

export interface IndexPageQuery extends IndexQuery {
  tableName: string;
}

/** Queries one page; the cursor is checked against this very query before DynamoDB sees it. */
export async function queryIndexPage(db: DynamoDBDocumentClient, q: IndexPageQuery): Promise<IndexPage> {
  const { fingerprint, start } = openIndexQuery(q);
  if (q.sortPrefix && q.sortBetween) throw new Error(`query of ${q.index.name}: a sort-key prefix or a range, not both`);
  const sort = q.sortPrefix
    ? { condition: ' AND begins_with(#sk, :prefix)', values: { ':prefix': q.sortPrefix } }
    : q.sortBetween
      ? { condition: ' AND #sk BETWEEN :lo AND :hi', values: { ':lo': q.sortBetween[0], ':hi': q.sortBetween[1] } }
      : undefined;
  const out = await db
    .send(
      new QueryCommand({
        TableName: q.tableName,
        IndexName: q.index.name,
        KeyConditionExpression: `#pk = :pk${sort?.condition ?? ''}`,
        ExpressionAttributeNames: { '#pk': q.index.partitionKey, ...(sort ? { '#sk': q.index.sortKey } : {}), ...q.filter?.names },
        ExpressionAttributeValues: { ':pk': q.partition, ...sort?.values, ...q.filter?.values },
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
  return indexPage(out.Items ?? [], out.LastEvaluatedKey, fingerprint);
}
