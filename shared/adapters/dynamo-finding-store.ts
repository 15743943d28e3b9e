// FindingStore on DynamoDB (SUPERVISION_TABLE), without transactions (dynalite has none):
//
//   FINDING#<id> / H#<n, 10 digits>  history entry n and the finding after it, whole (a finding is
//                                    small and bounded). Written once, on condition it does not exist:
//                                    the serialisation point of the finding's raising and every action.
//   FINDING#<id> / HEAD              the newest finding and its index keys; moved forward after each
//                                    entry, never backwards, and rolled forward by any reader that finds
//                                    it behind its newest entry.
//   WATCH        / DAY#<task>        the day a daily pass of the watch function last finished.
//
// Index keys of the head (SUPERVISION_TABLE.indexes; ASCII, so DynamoDB's byte order is JavaScript's):
//   findingsByDepartment  DEPT#<departmentId | platform>   <raisedOn>#<id>
//   findingsByRule        RULE#<rule>                      <raisedOn>#<id>
//   findingsBySubject     CASE#<caseNo> | ITEM#<code>      <raisedOn>#<id>
//   findingsByState       STATE#<state>                    <raisedOn>#<id>
//   findingsDue           DUE                              <dueOn>#<id>     (open and returned only)
// The head also carries `rule`, `severity`, `state`, `departmentId` (absent: the platform's), `raisedOn`
// and `dueOn` as attributes of their own: the lists' filters and the statistics' counts read them.
//
// Writes: a raising is two puts (the entry, the head); a raising of a finding already there is one
// failed conditional put and a read. An action is two puts.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FindingState } from '../contracts/supervision-findings.ts';
import { FINDING_ID_PATTERN } from '../contracts/supervision-findings.ts';
import { isEntryIntact, stateDigest } from '../domain/cases/case-history.ts';
import { conflict, tooLarge } from '../domain/errors.ts';
import type { Finding, FindingHistoryEntry, FindingTransition } from '../domain/supervision/finding.ts';
import { awaitingAnswer, ownerOf, subjectKey } from '../domain/supervision/finding.ts';
import type { FindingPage, FindingRead, FindingSelection, FindingStore } from '../domain/supervision/finding-store.ts';
import { ITEM_LIMIT_BYTES, itemBytes } from './dynamo-item-size.ts';
import type { IndexQuery } from './page-cursor.ts';
import { queryIndexPage } from './query-cursor.ts';
import { SUPERVISION_TABLE } from './table-layout.ts';

const { indexes } = SUPERVISION_TABLE;
const HEAD = 'HEAD';
const ENTRY_PREFIX = 'H#';
/** Sorts after every sort key that starts with a date and `#`. */
const LAST = '~';
const FIRST_DATE = '0000-01-01';
const LAST_DATE = '9999-12-31';

type Item = Record<string, unknown>;

const findingKey = (id: string) => `FINDING#${id}`;
const entryKey = (n: number) => `${ENTRY_PREFIX}${String(n).padStart(10, '0')}`;

export interface DynamoFindingStoreOptions {
  /** Told when the head could not follow a written entry (the next read rolls it forward). */
  onHeadLag?: (id: string, version: number, error: unknown) => void;
}

export class DynamoFindingStore implements FindingStore {
  private readonly onHeadLag: (id: string, version: number, error: unknown) => void;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoFindingStoreOptions = {},
  ) {
    this.onHeadLag =
      options.onHeadLag ??
      ((id, version, error) => console.warn(JSON.stringify({ level: 'WARN', message: 'finding head lags its newest entry', id, version, error: String(error) })));
  }

  async create(first: FindingTransition): Promise<{ created: true } | { created: false; existing: Finding }> {
    const { finding } = first;
    if (finding.version !== 1 || first.entry.n !== 1 || first.entry.type !== 'raise') throw new Error(`finding store: ${finding.id} is not a raising`);
    if (await this.putEntry(first)) {
      // Not swallowed: a finding without a head is in no list; the raiser's retry finds the entry and rolls the head forward.
      await this.moveHead(finding);
      return { created: true };
    }
    const existing = await this.read(finding.id);
    if (!existing) throw new Error(`finding store: entry 1 of finding ${finding.id} exists but cannot be read`);
    return { created: false, existing: existing.finding };
  }

  async append(transition: FindingTransition, previous: Finding): Promise<void> {
    const { finding, entry } = transition;
    if (entry.findingId !== previous.id || entry.n !== previous.version + 1 || entry.previousHash !== previous.hash || finding.hash !== entry.hash) {
      throw new Error(`finding store: entry ${entry.n} of finding ${entry.findingId} does not follow version ${previous.version} of ${previous.id}`);
    }
    if (!(await this.putEntry(transition))) {
      throw conflict('FINDING_VERSION_CONFLICT', '该监察预警已被他人处理，请刷新后重试', `finding ${entry.findingId}: entry ${entry.n} was written first by someone else`);
    }
    // The entry is written: the action has happened. A head that fails to follow is rolled forward by the next read.
    await this.moveHead(finding).catch((e: unknown) => this.onHeadLag(finding.id, finding.version, e));
  }

  async read(id: string): Promise<FindingRead | undefined> {
    if (!FINDING_ID_PATTERN.test(id)) return undefined;
    const newestEntry = async () => (await this.db.send(this.entryQuery(id, { newestFirst: true, limit: 1 }))).Items?.[0];
    const [newest, head] = await Promise.all([
      newestEntry(),
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: findingKey(id), sk: HEAD }, ConsistentRead: true })),
    ]);
    const headFinding = head.Item?.finding as Finding | undefined;
    // Read side by side, the head may have moved after the entry query looked: asked again, the history reaches it unless it is cut short.
    let last = newest;
    if (headFinding && headFinding.version > ((last?.entry as FindingHistoryEntry | undefined)?.n ?? 0)) last = await newestEntry();
    if (!last) return headFinding && { finding: headFinding, broken: { n: 1, reason: 'the finding has a head but no history entries' } };
    const entry = last.entry as FindingHistoryEntry;
    const recorded = last.finding as Finding;
    if (!isEntryIntact(entry) || recorded.hash !== entry.hash || stateDigest(recorded) !== entry.stateDigest) {
      return { finding: headFinding ?? recorded, broken: { n: entry.n, reason: `entry ${entry.n} does not match the finding it records` } };
    }
    if (!headFinding || headFinding.version < entry.n) {
      // A reader that finds the head behind finishes the writer's job; failing to is no reason to fail the read.
      await this.moveHead(recorded).catch((e: unknown) => this.onHeadLag(id, recorded.version, e));
      return { finding: recorded };
    }
    if (headFinding.version > entry.n) {
      return { finding: headFinding, broken: { n: entry.n + 1, reason: `the finding is at version ${headFinding.version}; entries from ${entry.n + 1} on are missing` } };
    }
    if (headFinding.hash !== entry.hash || stateDigest(headFinding) !== entry.stateDigest) {
      return { finding: headFinding, broken: { n: entry.n, reason: `the stored finding does not match what entry ${entry.n} recorded` } };
    }
    return { finding: headFinding };
  }

  async history(id: string): Promise<FindingHistoryEntry[]> {
    if (!FINDING_ID_PATTERN.test(id)) return [];
    const entries: FindingHistoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(this.entryQuery(id, { limit: 100, start, attribute: 'entry' }));
      for (const item of out.Items ?? []) entries.push(item.entry as FindingHistoryEntry);
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async list(selection: FindingSelection, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage> {
    const [index, partition] = selectionIndex(selection.by);
    // The criteria the index does not key, as a filter on the heads' own attributes.
    const criteria = Object.entries({ owner: selection.filter.department, rule: selection.filter.rule, state: selection.filter.state }).filter(
      (c): c is [string, string] => c[1] !== undefined,
    );
    const names = Object.fromEntries(criteria.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(criteria.map(([, value], i) => [`:f${i}`, value]));
    const conditions = criteria.map((_, i) => `#f${i} = :f${i}`);
    const ranged = selection.from !== undefined || selection.to !== undefined;
    return this.page({
      index,
      partition,
      ...(ranged ? { sortBetween: [selection.from ?? FIRST_DATE, `${selection.to ?? LAST_DATE}#${LAST}`] as const } : {}),
      ...(conditions.length > 0 ? { filter: { expression: conditions.join(' AND '), names, values } } : {}),
      newestFirst: selection.oldestFirst !== true,
      page,
    });
  }

  async due(through: string, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage> {
    return this.page({ index: indexes.findingsDue, partition: 'DUE', sortBetween: [FIRST_DATE, `${through}#${LAST}`], page });
  }

  async dayDone(task: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'WATCH', sk: `DAY#${task}` }, ConsistentRead: true }));
    return out.Item?.day as string | undefined;
  }

  async markDayDone(task: string, day: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'WATCH', sk: `DAY#${task}`, day, at: new Date().toISOString() } }));
  }

  private async page(q: Omit<IndexQuery, 'table' | 'itemPrefix' | 'listedSortKey' | 'page'> & { page: { limit: number; cursor?: string | undefined } }): Promise<FindingPage> {
    const { limit, cursor } = q.page;
    const { items, nextCursor } = await queryIndexPage(this.db, {
      tableName: this.tableName,
      table: { partitionKey: SUPERVISION_TABLE.partitionKey, sortKey: SUPERVISION_TABLE.sortKey },
      itemPrefix: 'FINDING#',
      listedSortKey: HEAD,
      ...q,
      page: cursor !== undefined ? { limit, cursor } : { limit },
    });
    const findings = items.map((i) => i.finding as Finding);
    return nextCursor ? { findings, nextCursor } : { findings };
  }

  /** Writes an entry on condition it does not exist; false when it does. */
  private async putEntry({ finding, entry }: FindingTransition): Promise<boolean> {
    const item = sized({ pk: findingKey(finding.id), sk: entryKey(entry.n), entry, finding });
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  private async moveHead(finding: Finding): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: sized(headItem(finding)),
          ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': finding.version },
        }),
      );
    } catch (e) {
      // Someone already moved it to this version or past it: nothing to do.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  private entryQuery(id: string, o: { newestFirst?: boolean; limit: number; start?: Record<string, unknown> | undefined; attribute?: string }): QueryCommand {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': findingKey(id), ':h': ENTRY_PREFIX },
      ...(o.attribute ? { ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': o.attribute } } : {}),
      ...(o.newestFirst ? { ScanIndexForward: false } : {}),
      ConsistentRead: true,
      Limit: o.limit,
      ...(o.start ? { ExclusiveStartKey: o.start } : {}),
    });
  }
}

/** The head: the finding, the attributes the lists filter and count by, and its index keys. */
export function headItem(finding: Finding): Item {
  const listed = `${finding.raisedOn}#${finding.id}`;
  const owner = ownerOf(finding);
  return {
    pk: findingKey(finding.id),
    sk: HEAD,
    version: finding.version,
    finding,
    rule: finding.rule,
    severity: finding.severity,
    state: finding.state,
    owner,
    ...(finding.departmentId !== undefined ? { departmentId: finding.departmentId } : {}),
    raisedOn: finding.raisedOn,
    dueOn: finding.dueOn,
    [indexes.findingsByDepartment.partitionKey]: `DEPT#${owner}`,
    [indexes.findingsByDepartment.sortKey]: listed,
    [indexes.findingsByRule.partitionKey]: `RULE#${finding.rule}`,
    [indexes.findingsByRule.sortKey]: listed,
    [indexes.findingsBySubject.partitionKey]: subjectKey(finding.subject),
    [indexes.findingsBySubject.sortKey]: listed,
    [indexes.findingsByState.partitionKey]: `STATE#${finding.state}`,
    [indexes.findingsByState.sortKey]: listed,
    // Escalated ones have nothing more to wait for: the due list holds those that can still escalate or fall late.
    ...(awaitingAnswer(finding) && finding.state !== 'escalated'
      ? { [indexes.findingsDue.partitionKey]: 'DUE', [indexes.findingsDue.sortKey]: `${finding.dueOn}#${finding.id}` }
      : {}),
  };
}

function selectionIndex(by: FindingSelection['by']): [IndexQuery['index'], string] {
  if ('subject' in by) return [indexes.findingsBySubject, by.subject];
  if ('department' in by) return [indexes.findingsByDepartment, `DEPT#${by.department}`];
  if ('rule' in by) return [indexes.findingsByRule, `RULE#${by.rule}`];
  return [indexes.findingsByState, `STATE#${by.state satisfies FindingState}`];
}

function sized(item: Item): Item {
  const bytes = itemBytes(item);
  if (bytes > ITEM_LIMIT_BYTES) {
    throw tooLarge(
      'FINDING_TOO_LARGE',
      `监察预警记录超过容量上限（${bytes} 字节）`,
      `finding item ${String(item.pk)} / ${String(item.sk)} would be ${bytes} bytes, over DynamoDB's ${ITEM_LIMIT_BYTES}`,
    );
  }
  return item;
}
