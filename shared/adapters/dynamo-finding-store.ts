// FindingStore on DynamoDB (SUPERVISION_TABLE), without transactions (dynalite has none):
//
//   FINDING#<id> / H#<n, 10 digits>  history entry n and the finding after it (dynamo-chained-records.ts
//   FINDING#<id> / HEAD              writes, reads and checks them, as for every chained record)
//   WATCH        / DAY#<task>        the day a daily pass of the watch function last finished.
//
// Index keys of the head (SUPERVISION_TABLE.indexes; ASCII, so DynamoDB's byte order is JavaScript's):
//   findingsByDepartment  DEPT#<departmentId | platform>#<shard>   <raisedOn>#<id>
//   findingsByRule        RULE#<rule>#<shard>                      <raisedOn>#<id>
//   findingsBySubject     CASE#<caseNo> | ITEM#<code>              <raisedOn>#<id>
//   findingsByState       STATE#<state>#<shard>                    <raisedOn>#<id>
//   findingsDue           DUE#<shard>                              <dueOn>#<id>     (open and returned only)
// The shard is a hash of the finding id (findingShardKey, SUPERVISION_TABLE.findingShards): a night's
// findings raised at once are not one hot key per list. Every list but the subject's reads its shards
// and its key of before issue 21 (where heads not rewritten since stay) and merges them by sort key,
// which ends with the id; its cursor is the last sort key returned, and a cursor from before the shards
// goes on from the position it held (dynamo-chained-records.ts, shardedPage).
// The head also carries `rule`, `severity`, `state`, `departmentId` (absent: the platform's), `raisedOn`
// and `dueOn` as attributes of their own: the lists' filters and the statistics' counts read them.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FindingState } from '../contracts/supervision-findings.ts';
import { FINDING_ID_PATTERN } from '../contracts/supervision-findings.ts';
import { conflict, tooLarge } from '../domain/errors.ts';
import type { Finding, FindingHistoryEntry } from '../domain/supervision/finding.ts';
import { awaitingAnswer, ownerOf, subjectKey } from '../domain/supervision/finding.ts';
import type { FindingPage, FindingSelection, FindingStore, PassPlace } from '../domain/supervision/finding-store.ts';
import type { ChainedKind, ChainedPageQuery, ChainedShardedQuery, DynamoChainedRecordsOptions } from './dynamo-chained-records.ts';
import { DynamoChainedStore, chainedHeadItem } from './dynamo-chained-records.ts';
import { daySpan, dueSpan, equalityFilter } from './head-list-query.ts';
import type { IndexQuery } from './page-cursor.ts';
import { findingPartitions, findingShardKey } from './shard-keys.ts';
import { SUPERVISION_TABLE } from './table-layout.ts';

const { indexes } = SUPERVISION_TABLE;

/** Findings as chained records: their partitions, and what their heads carry for the lists and the statistics. */
const FINDINGS: ChainedKind<Finding, FindingHistoryEntry> = {
  prefix: 'FINDING#',
  attribute: 'finding',
  idPattern: FINDING_ID_PATTERN,
  subjectOf: (entry) => entry.findingId,
  headAttributes: (finding) => {
    const listed = `${finding.raisedOn}#${finding.id}`;
    const owner = ownerOf(finding);
    return {
      rule: finding.rule,
      severity: finding.severity,
      state: finding.state,
      owner,
      ...(finding.departmentId !== undefined ? { departmentId: finding.departmentId } : {}),
      raisedOn: finding.raisedOn,
      dueOn: finding.dueOn,
      [indexes.findingsByDepartment.partitionKey]: findingShardKey(`DEPT#${owner}`, finding.id),
      [indexes.findingsByDepartment.sortKey]: listed,
      [indexes.findingsByRule.partitionKey]: findingShardKey(`RULE#${finding.rule}`, finding.id),
      [indexes.findingsByRule.sortKey]: listed,
      [indexes.findingsBySubject.partitionKey]: subjectKey(finding.subject),
      [indexes.findingsBySubject.sortKey]: listed,
      [indexes.findingsByState.partitionKey]: findingShardKey(`STATE#${finding.state}`, finding.id),
      [indexes.findingsByState.sortKey]: listed,
      // Escalated ones have nothing more to wait for: the due list holds those that can still escalate or fall late.
      ...(awaitingAnswer(finding) && finding.state !== 'escalated'
        ? { [indexes.findingsDue.partitionKey]: findingShardKey('DUE', finding.id), [indexes.findingsDue.sortKey]: `${finding.dueOn}#${finding.id}` }
        : {}),
    };
  },
  versionConflict: (id, n) => conflict('FINDING_VERSION_CONFLICT', '该监察预警已被他人处理，请刷新后重试', `finding ${id}: entry ${n} was written first by someone else`),
  tooLarge: (bytes, key) => tooLarge('FINDING_TOO_LARGE', `监察预警记录超过容量上限（${bytes} 字节）`, `finding item ${key} would be ${bytes} bytes, over DynamoDB's limit`),
  noun: 'finding',
};

export type DynamoFindingStoreOptions = DynamoChainedRecordsOptions;

export class DynamoFindingStore extends DynamoChainedStore<'finding', Finding, FindingHistoryEntry> implements FindingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoFindingStoreOptions = {},
  ) {
    super(db, tableName, FINDINGS, { key: 'finding', first: 'raise' }, options);
  }

  async list(selection: FindingSelection, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage> {
    const [index, partition] = selectionIndex(selection.by);
    // The criteria the index does not key, as a filter on the heads' own attributes.
    const filter = equalityFilter({ owner: selection.filter.department, rule: selection.filter.rule, state: selection.filter.state });
    const sortBetween = daySpan(selection, 'day');
    const q = { index, partition, ...(sortBetween ? { sortBetween } : {}), ...(filter ? { filter } : {}), newestFirst: selection.oldestFirst !== true, page };
    // A subject's list is one partition (a few findings); the others are sharded.
    return index === indexes.findingsBySubject ? this.page(q) : this.page({ ...q, partitions: findingPartitions(partition) });
  }

  async due(through: string, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage> {
    return this.page({ index: indexes.findingsDue, partition: 'DUE', partitions: findingPartitions('DUE'), sortBetween: dueSpan(through), page });
  }

  async dayDone(task: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'WATCH', sk: `DAY#${task}` }, ConsistentRead: true }));
    return out.Item?.day as string | undefined;
  }

  async markDayDone(task: string, day: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'WATCH', sk: `DAY#${task}`, day, at: new Date().toISOString() } }));
  }

  async passPlace(task: string): Promise<PassPlace | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'WATCH', sk: `PLACE#${task}` }, ConsistentRead: true }));
    const item = out.Item;
    if (typeof item?.on !== 'string' || typeof item.source !== 'number') return undefined;
    return { on: item.on, source: item.source, ...(typeof item.cursor === 'string' ? { cursor: item.cursor } : {}) };
  }

  async keepPassPlace(task: string, place: PassPlace): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'WATCH', sk: `PLACE#${task}`, ...place, at: new Date().toISOString() } }));
  }

  /** A page of one index partition, or merged from a list's shards (`partitions`). */
  private async page(q: ChainedPageQuery | ChainedShardedQuery): Promise<FindingPage> {
    const { records, nextCursor } = await ('partitions' in q ? this.records.shardedPage(q) : this.records.page(q));
    return nextCursor ? { findings: records, nextCursor } : { findings: records };
  }
}

/** The head: the finding, the attributes the lists filter and count by, and its index keys. */
export function headItem(finding: Finding): Record<string, unknown> {
  return chainedHeadItem(FINDINGS, finding);
}

function selectionIndex(by: FindingSelection['by']): [IndexQuery['index'], string] {
  if ('subject' in by) return [indexes.findingsBySubject, by.subject];
  if ('department' in by) return [indexes.findingsByDepartment, `DEPT#${by.department}`];
  if ('rule' in by) return [indexes.findingsByRule, `RULE#${by.rule}`];
  return [indexes.findingsByState, `STATE#${by.state satisfies FindingState}`];
}
