// EvaluationStore on DynamoDB (FEEDBACK_TABLE, beside the tickets), without transactions (dynalite has none):
//
//   EVAL#<id> / H#<n, 10 digits>  history entry n and the evaluation after it (dynamo-chained-records.ts
//   EVAL#<id> / HEAD              writes, reads and checks them, as for every chained record)
//
// The evaluation is the item's `record`. Index keys of the head (FEEDBACK_TABLE.indexes; ASCII, so
// DynamoDB's byte order is JavaScript's):
//   byChannel     CH#<channelId>#EVAL         <ratedAt ISO>#<id>
//   byDepartment  DEPT#<departmentId>#EVAL    <ratedOn>#<id>
//   byState       STATE#EVAL#<state>          <ratedOn>#<id>
//   due           DUE#EVAL                    <dueOn>#<id>     (rectifying only: the department owes its answer)
// The head also carries `kind` (evaluation), `state`, `departmentId`, `channelId`, `dueOn` and
// `dueProvisional` as attributes of their own, which the lists' filters read, and what the statistics
// count: `level`, `itemCode`, `excluded`, `answered` and `rectifiedOnTime` (never the record: a
// month's reviews are read by these attributes alone).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVALUATION_ID_PATTERN } from '../contracts/evaluations.ts';
import { conflict, tooLarge } from '../domain/errors.ts';
import { evaluationEvent } from '../domain/events/feedback-event.ts';
import type { Evaluation, EvaluationHistoryEntry } from '../domain/evaluations/evaluation.ts';
import { awaitingAnswer } from '../domain/evaluations/evaluation.ts';
import type { EvaluationPage, EvaluationSelection, EvaluationStore } from '../domain/evaluations/evaluation-store.ts';
import type { ChainedKind, ChainedPageQuery, DynamoChainedRecordsOptions } from './dynamo-chained-records.ts';
import { DynamoChainedStore, chainedHeadItem } from './dynamo-chained-records.ts';
import { daySpan, dueSpan, equalityFilter } from './head-list-query.ts';
import type { IndexQuery } from './page-cursor.ts';
import { FEEDBACK_TABLE } from './table-layout.ts';
import { channelPartition, departmentPartition, statePartition } from './evaluation-partitions.ts';

const { indexes } = FEEDBACK_TABLE;
/** The due list's partition: the evaluations a department owes its answer to. */
export const EVALUATIONS_DUE = 'DUE#EVAL';

/** Evaluations as chained records: their partitions, and what their heads carry for the lists, the late pass and the statistics. */
/** The partitions' prefix (the events' outbox reads the entries there: dynamo-event-store.ts). */
export const EVALUATION_PARTITION_PREFIX = 'EVAL#';

const EVALUATIONS: ChainedKind<Evaluation, EvaluationHistoryEntry> = {
  prefix: EVALUATION_PARTITION_PREFIX,
  attribute: 'record',
  idPattern: EVALUATION_ID_PATTERN,
  subjectOf: (entry) => entry.evaluationId,
  headAttributes: (e) => {
    const byDay = `${e.ratedOn}#${e.id}`;
    return {
      kind: 'evaluation',
      state: e.state,
      // What the statistics count (dynamo-statistics-sources.ts reads these alone, never the record).
      level: e.level,
      ...(e.itemCode !== undefined ? { itemCode: e.itemCode } : {}),
      excluded: e.excluded,
      answered: e.answer !== undefined,
      ...(e.rectifiedOnTime !== undefined ? { rectifiedOnTime: e.rectifiedOnTime } : {}),
      departmentId: e.departmentId,
      channelId: e.channelId,
      ...(e.dueOn !== undefined ? { dueOn: e.dueOn } : {}),
      ...(e.dueProvisional ? { dueProvisional: true } : {}),
      [indexes.byChannel.partitionKey]: channelPartition(e.channelId),
      [indexes.byChannel.sortKey]: `${e.ratedAt}#${e.id}`,
      [indexes.byDepartment.partitionKey]: departmentPartition(e.departmentId),
      [indexes.byDepartment.sortKey]: byDay,
      [indexes.byState.partitionKey]: statePartition(e.state),
      [indexes.byState.sortKey]: byDay,
      ...(awaitingAnswer(e) && e.dueOn !== undefined ? { [indexes.due.partitionKey]: EVALUATIONS_DUE, [indexes.due.sortKey]: `${e.dueOn}#${e.id}` } : {}),
    };
  },
  versionConflict: (id, n) => conflict('EVALUATION_VERSION_CONFLICT', '该评价已被他人处理，请刷新后重试', `evaluation ${id}: entry ${n} was written first by someone else`),
  tooLarge: (bytes, key) => tooLarge('EVALUATION_TOO_LARGE', `评价记录超过容量上限（${bytes} 字节）`, `evaluation item ${key} would be ${bytes} bytes, over DynamoDB's limit`),
  noun: 'evaluation',
  // Each entry carries its event (shared/contracts/feedback-events.ts): the feedback relay publishes it.
  eventOf: (entry, record) => evaluationEvent(entry, record),
};

export class DynamoEvaluationStore extends DynamoChainedStore<'evaluation', Evaluation, EvaluationHistoryEntry> implements EvaluationStore {
  constructor(db: DynamoDBDocumentClient, tableName: string, options: DynamoChainedRecordsOptions = {}) {
    super(db, tableName, EVALUATIONS, { key: 'evaluation', first: 'rate' }, options);
  }

  async list(selection: EvaluationSelection, page: { limit: number; cursor?: string | undefined }): Promise<EvaluationPage> {
    const [index, partition, byInstant] = selectionIndex(selection.by);
    // The criteria the index does not key, as a filter on the heads' own attributes.
    const filter = equalityFilter({ departmentId: selection.filter.department, state: selection.filter.state });
    // The channel index sorts by the instant rated.
    const sortBetween = daySpan(selection, byInstant ? 'instant' : 'day');
    return this.page({
      index,
      partition,
      ...(sortBetween ? { sortBetween } : {}),
      ...(filter ? { filter } : {}),
      newestFirst: true,
      page,
    });
  }

  async due(through: string, page: { limit: number; cursor?: string | undefined }, from?: string): Promise<EvaluationPage> {
    return this.page({ index: indexes.due, partition: EVALUATIONS_DUE, sortBetween: dueSpan(through, from), page });
  }

  private async page(q: ChainedPageQuery): Promise<EvaluationPage> {
    const { records, nextCursor } = await this.records.page(q);
    return nextCursor ? { evaluations: records, nextCursor } : { evaluations: records };
  }
}

/** The head item of an evaluation: the record, the attributes the lists filter by, and its index keys. */
export function evaluationHeadItem(evaluation: Evaluation): Record<string, unknown> {
  return chainedHeadItem(EVALUATIONS, evaluation);
}

/** The index a selection reads, its partition, and whether its sort key is the instant rated (else the day). */
function selectionIndex(by: EvaluationSelection['by']): [IndexQuery['index'], string, boolean] {
  if ('channel' in by) return [indexes.byChannel, channelPartition(by.channel), true];
  if ('department' in by) return [indexes.byDepartment, departmentPartition(by.department), false];
  return [indexes.byState, statePartition(by.state), false];
}
