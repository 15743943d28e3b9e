// What the statistics read beside their own table: how many items a department has listed in the
// catalogue (the items table's catalogueByDepartment index, counted), and the supervision findings it
// was given in a period, by rule (the supervision table's findingsByDepartment index: `DEPT#<id>` /
// `<raisedOn>#<findingId>`, each head carrying its `rule`).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ITEMS_TABLE, SUPERVISION_TABLE } from './table-layout.ts';

type Key = Record<string, unknown>;

/** Items listed (published or suspended) by the department now. */
export async function publishedItemCount(db: DynamoDBDocumentClient, itemsTable: string, departmentId: string): Promise<number> {
  const ix = ITEMS_TABLE.indexes.catalogueByDepartment;
  let count = 0;
  let start: Key | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: itemsTable,
        IndexName: ix.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': ix.partitionKey },
        ExpressionAttributeValues: { ':pk': `LISTED#${departmentId}` },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Findings the department must answer, raised from `from` to `to` (China dates, inclusive), by rule. */
export async function findingsByRule(db: DynamoDBDocumentClient, supervisionTable: string, departmentId: string, from: string, to: string): Promise<Record<string, number>> {
  const ix = SUPERVISION_TABLE.indexes.findingsByDepartment;
  const counts: Record<string, number> = {};
  let start: Key | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: supervisionTable,
        IndexName: ix.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey, '#rule': 'rule' },
        ExpressionAttributeValues: { ':pk': `DEPT#${departmentId}`, ':from': `${from}#`, ':to': `${to}#~` },
        ProjectionExpression: '#rule',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      const rule = item.rule as string;
      counts[rule] = (counts[rule] ?? 0) + 1;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
