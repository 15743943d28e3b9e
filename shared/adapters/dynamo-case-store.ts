// CaseStore on DynamoDB, without transactions (dynalite has none). The items of the cases table:
//
//   CASE#<caseNo>           / EVT#<n, 10 digits>  history entry n and the state after it. Written once,
//                                                 on condition it does not exist: the serialisation
//                                                 point of every action on the case.
//   CASE#<caseNo>           / HEAD                the newest state, projected for the listing indexes;
//                                                 moved forward after each entry, never backwards, and
//                                                 rolled forward by any reader that finds it behind.
//   CASE#<caseNo>           / TASK#<departmentId> a co-department's joint task, projected for its queue
//                                                 like the head (written before it, so a head that is
//                                                 up to date means the tasks are too).
//   CASE#<caseNo>           / FINDING#<kind>#<due> a supervision finding (case-findings.ts), projected for
//                                                 its supervision list like a task item.
//   CASE#<caseNo>           / TOKEN#<departmentId> the workflow's callback token for that co-department's
//                                                 opinion (the newest wait's; not part of the history).
//   IDEM#<channelId>#<key>  / IDEM                a filing's idempotency record: written once, on
//                                                 condition it does not exist, the serialisation point
//                                                 of filing. It holds the case number, the request's
//                                                 digest and the complete first state and entry, so
//                                                 whoever finds it can finish the filing it started.
//
// DynamoDB writes: an action (`append`) is two — the entry, which decides, and the head, which only
// follows (a head that fails to follow an action is rolled forward by the next read of the case; one
// that fails after a filing fails the filing, whose retry completes it). A filing is three: the idempotency record, the first entry and the head. A replayed filing
// writes nothing unless the first one stopped before its head. (Each head write also updates the
// head's entries in the indexes, which AWS bills as index writes.)
//
// Index keys of the head (CASES_TABLE.indexes; all sort keys are ASCII, so DynamoDB's byte order and
// JavaScript's string order agree):
//   departmentQueue  DEPT#<departmentId>#<shard 0-7>   <status>#<due date or ~>#<caseNo>
//                    (a joint task: DEPT#<co-department>#<shard>, `opinion#<due or ~>#<caseNo>` while it
//                    is open, `opinion-ended#<case updated on>#<caseNo>` after; no case status starts so)
//   channelCases     CH#<channelId>                    <applicantId>#<receivedAt>#<caseNo>
//   supervision      SUPERVISION#<overdue|violation>   <deadline or ~>#<caseNo>   (sparse)
//                    (a finding item: SUPERVISION#<finding kind>, `<due>#<caseNo>`)
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Applicant, CaseHistoryEntry, CaseState, CaseStatus, CaseTransition } from '../domain/cases/case-record.ts';
import { CASE_STATUSES } from '../domain/cases/case-record.ts';
import type { CaseList, CasePage, CaseStore, FilingRecord, SupervisionKind, SupervisionList, SweepStatus } from '../domain/cases/case-store.ts';
import { SUPERVISION_KINDS, MAX_CASE_PAGE_SIZE, caseVersionConflict } from '../domain/cases/case-store.ts';
import { findingsAwaited } from '../domain/cases/case-findings.ts';
import { followUps } from '../domain/cases/case-follow-ups.ts';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import { badCursor, encodeCursor, openCursor, queryIndexPage } from './query-cursor.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../contracts/headers.ts';
import { CASES_TABLE } from './table-layout.ts';

const { indexes } = CASES_TABLE;
const SHARDS = CASES_TABLE.departmentQueueShards;

export interface DynamoCaseStoreOptions {
  /** Told when the head could not follow a written entry (the next read rolls it forward). */
  onHeadLag?: (caseNo: string, version: number, error: unknown) => void;
}

export class DynamoCaseStore implements CaseStore {
  private readonly onHeadLag: (caseNo: string, version: number, error: unknown) => void;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoCaseStoreOptions = {},
  ) {
    this.onHeadLag =
      options.onHeadLag ??
      ((caseNo, version, error) => console.warn(JSON.stringify({ level: 'WARN', message: 'case head lags its newest entry', caseNo, version, error: String(error) })));
  }

  async filing(channelId: string, idempotencyKey: string): Promise<FilingRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idempotencyRecordKey(channelId, idempotencyKey), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as FilingRecord;
  }

  async claimFiling(record: FilingRecord): Promise<FilingRecord | undefined> {
    const key = idempotencyRecordKey(record.channelId, record.idempotencyKey);
    checkFiling(record);
    const { channelId, idempotencyKey, requestDigest, caseNo, state, entry } = record;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, channelId, idempotencyKey, requestDigest, caseNo, state, entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const holder = await this.filing(channelId, idempotencyKey);
      if (!holder) throw new Error(`idempotency record ${key.pk} exists but cannot be read`, { cause: e });
      return holder;
    }
  }

  async filingComplete(caseNo: string): Promise<boolean> {
    const head = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseNo), sk: HEAD }, ProjectionExpression: 'pk', ConsistentRead: true }));
    return head.Item !== undefined;
  }

  async completeFiling(first: CaseTransition): Promise<void> {
    checkFirst(first);
    const { state, entry } = first;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: caseKey(state.caseNo), sk: entryKey(1), entry, state },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // Written already — by a concurrent retry of this filing, unless two filings drew the same case
      // number (36^10 numbers a day): then this one must not pass for the other case.
      const existing = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(state.caseNo), sk: entryKey(1) },
          ProjectionExpression: '#e',
          ExpressionAttributeNames: { '#e': 'entry' },
          ConsistentRead: true,
        }),
      );
      if ((existing.Item?.entry as CaseHistoryEntry | undefined)?.hash !== entry.hash) {
        throw new Error(`case number ${state.caseNo} was drawn for two filings; the filing by this key cannot complete`, { cause: e });
      }
    }
    // Not swallowed, unlike after an action: a case without a head is in no queue and no sweep, and
    // nobody would read it to roll the head forward. The caller's retry writes it.
    await this.moveHead(state);
  }

  async append(state: CaseState, entry: CaseHistoryEntry): Promise<void> {
    checkTransition(state, entry);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: caseKey(entry.caseNo), sk: entryKey(entry.n), entry, state },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw caseVersionConflict(entry.caseNo, entry.n);
      throw e;
    }
    // The entry is written: the action has happened. A head that fails to follow must not turn that
    // into an error the caller would retry into a conflict.
    await this.moveHead(state).catch((e: unknown) => this.onHeadLag(state.caseNo, state.version, e));
  }

  async get(caseNo: string): Promise<CaseState | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const [newest, head] = await Promise.all([
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
          ExpressionAttributeValues: { ':pk': caseKey(caseNo), ':evt': ENTRY_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
      this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(caseNo), sk: HEAD },
          ProjectionExpression: '#v',
          ExpressionAttributeNames: { '#v': 'version' },
          ConsistentRead: true,
        }),
      ),
    ]);
    const item = newest.Items?.[0];
    if (!item) return undefined;
    const state = item.state as CaseState;
    if (((head.Item?.version as number | undefined) ?? 0) < state.version) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      await this.moveHead(state).catch((e: unknown) => this.onHeadLag(caseNo, state.version, e));
    }
    return state;
  }

  async history(caseNo: string): Promise<CaseHistoryEntry[]> {
    if (!isCaseNo(caseNo)) return [];
    const entries: CaseHistoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
          ExpressionAttributeValues: { ':pk': caseKey(caseNo), ':evt': ENTRY_PREFIX },
          ProjectionExpression: '#e',
          ExpressionAttributeNames: { '#e': 'entry' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      entries.push(...(out.Items ?? []).map((i) => i.entry as CaseHistoryEntry));
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async calendarApplied(): Promise<Record<string, number> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: CALENDAR_APPLIED_KEY, ConsistentRead: true }));
    return out.Item?.versions as Record<string, number> | undefined;
  }

  async recordCalendarApplied(versions: Record<string, number>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...CALENDAR_APPLIED_KEY, versions, at: new Date().toISOString() } }));
  }

  /**
   * Reads the department's N shards in parallel, each from the cursor's position, and merges them by
   * sort key. The cursor is the sort key of the last case returned (`<status>#<due>#<caseNo>`, unique
   * because it ends with the case number): every shard resumes after that key, so a page holds the
   * `limit` smallest keys after it over all shards. A shard that stopped early (DynamoDB's Limit or its
   * 1 MB page) is known only up to its last key, so the page stops there too. A page reads up to
   * N × limit index entries to return `limit`.
   */
  async departmentQueue(departmentId: string, status: CaseStatus, page: CasePage): Promise<CaseList> {
    if (!CASE_STATUSES.includes(status)) throw new RangeError(`unknown case status ${String(status)}`);
    return this.shardedQueue(departmentId, `${status}#`, HEAD, page);
  }

  async jointTaskQueue(departmentId: string, page: CasePage): Promise<CaseList> {
    return this.shardedQueue(departmentId, `${OPEN_TASK}#`, taskKey(departmentId), page);
  }

  async putTaskToken(caseNo: string, departmentId: string, token: string): Promise<void> {
    if (!isCaseNo(caseNo)) throw new Error(`case store: "${caseNo}" is not a case number`);
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: caseKey(caseNo), sk: tokenKey(departmentId), token } }));
  }

  async taskToken(caseNo: string, departmentId: string): Promise<string | undefined> {
    if (!isCaseNo(caseNo)) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: caseKey(caseNo), sk: tokenKey(departmentId) }, ConsistentRead: true }));
    return out.Item?.token as string | undefined;
  }

  /**
   * Reads the department's N shards in parallel, each from the cursor's position, and merges them by
   * sort key. The cursor is the sort key of the last case returned (`<prefix><due>#<caseNo>`, unique
   * because it ends with the case number): every shard resumes after that key, so a page holds the
   * `limit` smallest keys after it over all shards. A shard that stopped early (DynamoDB's Limit or its
   * 1 MB page) is known only up to its last key, so the page stops there too. A page reads up to
   * N × limit index entries to return `limit`.
   */
  private async shardedQueue(departmentId: string, prefix: string, itemSortKey: string, page: CasePage): Promise<CaseList> {
    checkPage(page);
    const ix = indexes.departmentQueue;
    const fingerprint = JSON.stringify({ index: ix.name, departmentId, prefix });
    const after = page.cursor ? decodeQueueCursor(page.cursor, fingerprint, prefix, itemSortKey) : undefined;
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) => {
        const pk = departmentShardKey(departmentId, shard);
        return this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ix.name,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey },
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
            Limit: page.limit,
            // A position, not necessarily an entry of this shard: the shard resumes after it.
            ...(after
              ? {
                  ExclusiveStartKey: {
                    [ix.partitionKey]: pk,
                    [ix.sortKey]: after.sortKey,
                    [CASES_TABLE.partitionKey]: caseKey(after.caseNo),
                    [CASES_TABLE.sortKey]: after.itemSortKey,
                  },
                }
              : {}),
          }),
        );
      }),
    );
    const sortKeyOf = (item: Record<string, unknown>) => item[ix.sortKey] as string;
    let known: string | undefined;
    for (const shard of shards) {
      const last = shard.Items?.at(-1);
      if (shard.LastEvaluatedKey && last && (known === undefined || sortKeyOf(last) < known)) known = sortKeyOf(last);
    }
    const merged = shards.flatMap((s) => s.Items ?? []).sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? -1 : 1));
    const taken = merged.filter((i) => known === undefined || sortKeyOf(i) <= known).slice(0, page.limit);
    const more = taken.length < merged.length || shards.some((s) => s.LastEvaluatedKey !== undefined);
    const last = taken.at(-1);
    const cases = taken.map((i) => i.state as CaseState);
    return more && last ? { cases, nextCursor: encodeCursor(sortKeyOf(last), fingerprint) } : { cases };
  }

  async channelCases(channelId: string, applicantId: string | undefined, page: CasePage): Promise<CaseList> {
    checkPage(page);
    // Applicant ids (resident ID, credit code) are letters and digits: anything else names nobody,
    // and must not widen the prefix.
    if (applicantId !== undefined && !APPLICANT_ID.test(applicantId)) return { cases: [] };
    return this.listIndex(indexes.channelCases, `CH#${channelId}`, applicantId === undefined ? undefined : `${applicantId}#`, page);
  }

  async listSupervision(kind: SupervisionKind, page: CasePage): Promise<SupervisionList> {
    checkPage(page);
    if (!SUPERVISION_KINDS.includes(kind)) throw new RangeError(`unknown supervision list ${String(kind)}`);
    const { items, nextCursor } = await this.indexPage(indexes.supervision, `SUPERVISION#${kind}`, undefined, page);
    const cases = items.map((i) => {
      const passed = String(i[indexes.supervision.sortKey]).split('#')[0]!;
      return { state: i.state as CaseState, ...(passed !== NO_DATE ? { passedDeadline: passed } : {}) };
    });
    return nextCursor ? { cases, nextCursor } : { cases };
  }

  async *sweepCandidates(departmentId: string, status: SweepStatus, before: string): AsyncIterable<CaseState> {
    if (!['received', 'accepted', 'opinions-complete', 'decided', 'refused', 'withdrawn'].includes(status)) {
      throw new RangeError(`the sweep reads received, accepted, opinions-complete or ended cases, not ${String(status)}`);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(before)) throw new RangeError(`sweep date ${before} is not an ISO date`);
    const ix = indexes.departmentQueue;
    // Dated keys `<status>#<date>#<caseNo>` sort between `<status>#` and `<status>#<before>` exactly when
    // the date is before `before`; undated ones are `<status>#~#<caseNo>`.
    // Ended cases: only the undated ones (not sealed or not archived yet); they are all past their date.
    const ended = status === 'decided' || status === 'refused' || status === 'withdrawn';
    const ranges = [
      ...(ended ? [] : [{ condition: '#pk = :pk AND #sk BETWEEN :lo AND :hi', values: { ':lo': `${status}#`, ':hi': `${status}#${before}` } }]),
      { condition: '#pk = :pk AND begins_with(#sk, :lo)', values: { ':lo': `${status}#${NO_DATE}#` } },
    ];
    for (let shard = 0; shard < SHARDS; shard++) {
      const pk = departmentShardKey(departmentId, shard);
      for (const range of ranges) {
        let start: Record<string, unknown> | undefined;
        do {
          const out: QueryCommandOutput = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: ix.name,
              KeyConditionExpression: range.condition,
              ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey },
              ExpressionAttributeValues: { ':pk': pk, ...range.values },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of out.Items ?? []) yield item.state as CaseState;
          start = out.LastEvaluatedKey;
        } while (start);
      }
    }
  }

  private async listIndex(ix: IndexLayout, pk: string, sortPrefix: string | undefined, page: CasePage): Promise<CaseList> {
    const { items, nextCursor } = await this.indexPage(ix, pk, sortPrefix, page);
    const cases = items.map((i) => i.state as CaseState);
    return nextCursor ? { cases, nextCursor } : { cases };
  }

  /** One page of a listing index whose items are heads or finding items (each carries the newest state). */
  private indexPage(ix: IndexLayout, pk: string, sortPrefix: string | undefined, page: CasePage) {
    return queryIndexPage(this.db, {
      tableName: this.tableName,
      table: CASES_TABLE,
      index: ix,
      partition: pk,
      ...(sortPrefix !== undefined ? { sortPrefix } : {}),
      itemPrefix: 'CASE#',
      listedSortKey: LISTED_SORT_KEY,
      page,
    });
  }

  /** Moves the projections forward: the joint task and finding items first, then the head (which says they are done). */
  private async moveHead(state: CaseState): Promise<void> {
    await Promise.all([...taskItems(state), ...findingItems(state)].map((item) => this.putProjection(item, state.version)));
    await this.putProjection(headItem(state), state.version);
  }

  private async putProjection(item: Record<string, unknown>, version: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    } catch (e) {
      // Someone already moved it to this version or past it: nothing to do.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
}

type IndexLayout = { name: string; partitionKey: string; sortKey: string };

const HEAD = 'HEAD';
/** The sweep's note of the calendar versions it last brought every open case in line with. */
const CALENDAR_APPLIED_KEY = { pk: 'SWEEP', sk: 'CALENDAR' } as const;
/** Sort-key prefixes of joint task items in the department queue index (no case status starts so). */
const OPEN_TASK = 'opinion';
const ENDED_TASK = 'opinion-ended';
const ENTRY_PREFIX = 'EVT#';
/** Sorts after every ISO date: cases without a date come last. */
const NO_DATE = '~';
const APPLICANT_ID = /^[0-9A-Za-z]{1,64}$/;
const CHANNEL_ID = /^[a-z][a-z0-9-]{1,62}$/;

const caseKey = (caseNo: string) => `CASE#${caseNo}`;
const entryKey = (n: number) => `${ENTRY_PREFIX}${String(n).padStart(10, '0')}`;
const departmentShardKey = (departmentId: string, shard: number) => `DEPT#${departmentId}#${shard}`;
const tokenKey = (departmentId: string) => `TOKEN#${departmentId}`;
const taskKey = (departmentId: string) => `TASK#${departmentId}`;
const findingKey = (kind: string, due: string) => `FINDING#${kind}#${due}`;
/** The items the listing indexes hold: heads, and finding items on the supervision lists. */
const LISTED_SORT_KEY = /^(?:HEAD|FINDING#[a-z-]+#\d{4}-\d{2}-\d{2})$/;

/** `IDEM#<channelId>#<key>`: a channel id has no `#`, so the first `#` after it ends it whatever the key holds. */
function idempotencyRecordKey(channelId: string, idempotencyKey: string): { pk: string; sk: string } {
  if (!CHANNEL_ID.test(channelId)) throw new Error(`case store: "${channelId}" is not a channel id`);
  // Checked by the edge (IDEMPOTENCY_KEY_HEADER); a key that is not one here is a caller's bug.
  if (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY_HEADER.pattern.test(idempotencyKey)) {
    throw new Error(`case store: ${JSON.stringify(idempotencyKey)} is not an idempotency key`);
  }
  return { pk: `IDEM#${channelId}#${idempotencyKey}`, sk: 'IDEM' };
}

/** The shard of a case in its department's queue: stable, and spread evenly by the hash. */
export function queueShard(caseNo: string): number {
  return createHash('sha256').update(caseNo).digest().readUInt32BE(0) % SHARDS;
}

/** The head: the newest state and the index keys it is listed under. */
function headItem(state: CaseState): Record<string, unknown> {
  const supervision = supervisionOf(state);
  return {
    pk: caseKey(state.caseNo),
    sk: HEAD,
    version: state.version,
    state,
    [indexes.departmentQueue.partitionKey]: departmentShardKey(state.departmentId, queueShard(state.caseNo)),
    [indexes.departmentQueue.sortKey]: `${state.status}#${queueDate(state)}#${state.caseNo}`,
    [indexes.channelCases.partitionKey]: `CH#${state.channelId}`,
    [indexes.channelCases.sortKey]: `${applicantIdOf(state.applicant)}#${state.receivedAt}#${state.caseNo}`,
    ...(supervision ? { [indexes.supervision.partitionKey]: `SUPERVISION#${supervision.kind}`, [indexes.supervision.sortKey]: `${supervision.deadline}#${state.caseNo}` } : {}),
  };
}

/**
 * A joint case's task items, one per co-department, listed in that co-department's queue: open while
 * the task is pending or escalated on a case still awaiting opinions (by its due date), ended after.
 */
function taskItems(state: CaseState): Record<string, unknown>[] {
  return (state.jointTasks ?? []).map((task) => {
    const open = state.status === 'accepted' && (task.status === 'pending' || task.status === 'escalated');
    const sortKey = open ? `${OPEN_TASK}#${task.dueOn ?? NO_DATE}#${state.caseNo}` : `${ENDED_TASK}#${state.updatedAt.slice(0, 10)}#${state.caseNo}`;
    return {
      pk: caseKey(state.caseNo),
      sk: taskKey(task.departmentId),
      version: state.version,
      state,
      [indexes.departmentQueue.partitionKey]: departmentShardKey(task.departmentId, queueShard(state.caseNo)),
      [indexes.departmentQueue.sortKey]: sortKey,
    };
  });
}

/**
 * A case's supervision findings, one item each, listed on the finding's supervision list by its due
 * day; like the task items, each carries the newest state and moves forward with the head.
 */
function findingItems(state: CaseState): Record<string, unknown>[] {
  return (state.findings ?? []).map((finding) => ({
    pk: caseKey(state.caseNo),
    sk: findingKey(finding.kind, finding.due),
    version: state.version,
    state,
    [indexes.supervision.partitionKey]: `SUPERVISION#${finding.kind}`,
    [indexes.supervision.sortKey]: `${finding.due}#${state.caseNo}`,
  }));
}

/** The date a case is due in its department's queue (see CaseStore.departmentQueue). */
function queueDate(state: CaseState): string {
  // A case the platform still owes a step (its joint handling started, its results sealed, its
  // archiving) is undated: the sweep lists every undated case, and takes the step.
  if (followUps(state).length > 0) return NO_DATE;
  switch (state.status) {
    case 'received':
    case 'supplement-requested':
      return soonest(state.deemedAcceptedOn, ...findingsAwaited(state).map((f) => f.due));
    case 'accepted':
    case 'opinions-complete':
      return soonest(state.deadlines?.promised, ...findingsAwaited(state).map((f) => f.due));
    // An ended case, sealed and archived: by the day it ended.
    case 'refused':
      return state.refusal?.on ?? NO_DATE;
    case 'decided':
      return state.decision?.on ?? NO_DATE;
    case 'withdrawn':
      return state.withdrawal?.on ?? NO_DATE;
  }
}

/** The soonest of the dates given, or NO_DATE without any. */
function soonest(...dates: (string | undefined)[]): string {
  return dates.filter((d): d is string => d !== undefined).sort()[0] ?? NO_DATE;
}

/** The supervision list a state is on: the sweep's mark, listed by the deadline it passed. */
function supervisionOf(state: CaseState): { kind: SupervisionKind; deadline: string } | undefined {
  const kind = state.supervision;
  if (kind === undefined) return undefined;
  return { kind, deadline: state.supervisionDeadline ?? NO_DATE };
}

function applicantIdOf(applicant: Applicant): string {
  return applicant.kind === 'person' ? applicant.residentId : applicant.creditCode;
}

/** A filing's first state and entry: of one case, numbered as it was drawn. */
function checkFirst({ state, entry }: CaseTransition): void {
  if (state.caseNo !== entry.caseNo || !isCaseNo(state.caseNo) || state.version !== 1 || entry.n !== 1 || entry.type !== 'file' || state.hash !== entry.hash) {
    throw new Error(`case store: the state and entry given are not the first of case ${state.caseNo}`);
  }
}

/** A filing record holds the first state and entry of its case, filed by its channel. */
function checkFiling(record: FilingRecord): void {
  checkFirst(record);
  if (record.state.caseNo !== record.caseNo) throw new Error(`case store: the filing of case ${record.caseNo} holds case ${record.state.caseNo}`);
  if (record.state.channelId !== record.channelId) throw new Error(`case store: case ${record.caseNo} is filed by ${record.state.channelId}, not by ${record.channelId}`);
}

function checkTransition(state: CaseState, entry: CaseHistoryEntry): void {
  if (state.caseNo !== entry.caseNo || state.version !== entry.n || state.hash !== entry.hash || !isCaseNo(entry.caseNo)) {
    throw new Error(`case store: the state (case ${state.caseNo}, version ${state.version}) is not the one entry ${entry.n} of case ${entry.caseNo} records`);
  }
  if (!Number.isSafeInteger(entry.n) || entry.n < 2) throw new Error(`case store: entry ${entry.n} is not an action (the filing is written by file)`);
}

function checkPage(page: CasePage): void {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_CASE_PAGE_SIZE) {
    throw new RangeError(`case store: page limit ${page.limit} is not 1 to ${MAX_CASE_PAGE_SIZE}`);
  }
}

/** A department queue's cursor: a sort key `<status>#<date or ~>#<caseNo>` of the queried status. */
/** `itemSortKey`: the sort key of the listed items (a case's head, or a co-department's task item). */
function decodeQueueCursor(cursor: string, fingerprint: string, prefix: string, itemSortKey: string): { sortKey: string; caseNo: string; itemSortKey: string } {
  const k = openCursor(cursor, fingerprint);
  if (typeof k !== 'string' || k.length > 256 || !k.startsWith(prefix)) throw badCursor();
  const [, date, caseNo, ...rest] = k.split('#');
  if (rest.length > 0 || date === undefined || caseNo === undefined) throw badCursor();
  if (date !== NO_DATE && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badCursor();
  if (!isCaseNo(caseNo)) throw badCursor();
  return { sortKey: k, caseNo, itemSortKey };
}
