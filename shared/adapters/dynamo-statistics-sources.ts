// What the statistics read beside their own table: how many items a department has listed in the
// catalogue (the items table's catalogueByDepartment index, counted), and the supervision findings it
// was given in a period, by rule (the supervision table's findingsByDepartment index: `DEPT#<id>#<shard>`
// and `DEPT#<id>` / `<raisedOn>#<findingId>`, each head carrying its `rule`), and the 好差评 of its services rated in a
// period (the feedback table's byDepartment index: `DEPT#<id>#EVAL` / `<ratedOn>#<id>`, each head
// carrying what the statistics count — read a page at a time, counted as read).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EvaluationLevel } from '../contracts/evaluation-levels.ts';
import type { EvaluationFiguresByItem } from '../domain/statistics/evaluation-figures.ts';
import { EvaluationTally } from '../domain/statistics/evaluation-figures.ts';
import { departmentPartition } from './evaluation-partitions.ts';
import { queryPages } from './query-cursor.ts';
import { findingPartitions } from './shard-keys.ts';
import { FEEDBACK_TABLE, ITEMS_TABLE, SUPERVISION_TABLE } from './table-layout.ts';

/** Items listed (published or suspended) by the department now. */
export async function publishedItemCount(db: DynamoDBDocumentClient, itemsTable: string, departmentId: string): Promise<number> {
  const ix = ITEMS_TABLE.indexes.catalogueByDepartment;
  let count = 0;
  for await (const out of queryPages(db, {
    TableName: itemsTable,
    IndexName: ix.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': ix.partitionKey },
    ExpressionAttributeValues: { ':pk': `LISTED#${departmentId}` },
    Select: 'COUNT',
  }))
    count += out.Count ?? 0;
  return count;
}

/** Findings the department must answer, raised from `from` to `to` (China dates, inclusive), by rule: over the list's shards and its key of before them. */
export async function findingsByRule(db: DynamoDBDocumentClient, supervisionTable: string, departmentId: string, from: string, to: string): Promise<Record<string, number>> {
  const ix = SUPERVISION_TABLE.indexes.findingsByDepartment;
  const counts: Record<string, number> = {};
  const count = async (pk: string) => {
    for await (const out of queryPages(db, {
      TableName: supervisionTable,
      IndexName: ix.name,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey, '#rule': 'rule' },
      ExpressionAttributeValues: { ':pk': pk, ':from': `${from}#`, ':to': `${to}#~` },
      ProjectionExpression: '#rule',
    })) {
      for (const item of out.Items ?? []) {
        const rule = item.rule as string;
        counts[rule] = (counts[rule] ?? 0) + 1;
      }
    }
  };
  await Promise.all(findingPartitions(`DEPT#${departmentId}`).map(count));
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The 好差评 of the department's services rated from `from` to `to` (China dates, inclusive), counted as of `today`. */
export async function evaluationsOf(
  db: DynamoDBDocumentClient,
  feedbackTable: string,
  departmentId: string,
  from: string,
  to: string,
  today: string,
): Promise<EvaluationFiguresByItem> {
  const ix = FEEDBACK_TABLE.indexes.byDepartment;
  const tally = new EvaluationTally(today);
  const counted = ['level', 'itemCode', 'excluded', 'answered', 'rectifiedOnTime', 'dueOn', 'dueProvisional'] as const;
  for await (const out of queryPages(db, {
    TableName: feedbackTable,
    IndexName: ix.name,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey, ...Object.fromEntries(counted.map((a, i) => [`#a${i}`, a])) },
    ExpressionAttributeValues: { ':pk': departmentPartition(departmentId), ':from': `${from}#`, ':to': `${to}#~` },
    ProjectionExpression: counted.map((_, i) => `#a${i}`).join(', '),
  })) {
    for (const item of out.Items ?? []) {
      tally.add({
        level: item.level as EvaluationLevel,
        itemCode: item.itemCode as string | undefined,
        excluded: item.excluded === true,
        answered: item.answered === true,
        rectifiedOnTime: item.rectifiedOnTime as boolean | undefined,
        dueOn: item.dueOn as string | undefined,
        dueProvisional: item.dueProvisional === true,
      });
    }
  }
  return tally.figures();
}
