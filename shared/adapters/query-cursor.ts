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
  return indexPage(out.Items ?? [], out.LastEvaluatedKey, fingerprint);
}
