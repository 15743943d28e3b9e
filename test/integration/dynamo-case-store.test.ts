// The case store against dynalite over the real DynamoDB wire protocol: the store's contract
// (test/support/case-store-contract.ts), then what only DynamoDB shows — idempotent filing through the
// case service under concurrent retries (nothing else in the table), after a crash after the
// idempotency record and after a head that could not be written, a head left behind by a crash rolled
// forward on read, and a shard that stops early at DynamoDB's 1 MB page.
import { packCaseItem, unpackCaseItem } from '../../shared/adapters/case-item-packing.ts';
import { itemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import type { EntryRecord } from '../../shared/adapters/case-items.ts';
import {
  ENDED_TASK_DAYS,
  ENTRY_ACTION_KEY,
  IDEMPOTENCY_RECORD_DAYS,
  TASK_TOKEN_DAYS,
  actionEntryItem,
  applyChanges,
  firstEntryItem,
  keyedEntryItem,
  listingItems,
  queueShard,
  taskTokenItem,
  tokenItem,
} from '../../shared/adapters/case-items.ts';
import { DynamoCaseOutbox } from '../../shared/adapters/dynamo-event-store.ts';
import { queryIndexPage } from '../../shared/adapters/query-cursor.ts';
import { shardLimit, supervisionShardKey } from '../../shared/adapters/shard-keys.ts';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { verifyCaseHistory } from '../../shared/domain/cases/case-history.ts';
import type { Applicant, CaseState, JsonValue } from '../../shared/domain/cases/case-record.ts';
import type { FilingRequest, FilingResult } from '../../shared/domain/cases/case-service.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { FIRE, FOOD, HEALTH, JOINT, LI, MARKET, MARKET_DEPUTY, POLICE, PORTAL, SHOP, ZHANG, residentId } from '../support/case-fixtures.ts';
import { act, actSealed, allPages, application, caseStoreContract, file, on } from '../support/case-store-contract.ts';
import { sealNoticesCommand } from '../support/notice-seals.ts';
import { SYSTEM_CALLER, applyCaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import type { MemoryItemStore } from '../support/memory-item-store.ts';
import { MemoryMaterialVault } from '../support/memory-material-vault.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import type { CaseList, CasePage } from '../../shared/domain/cases/case-store.ts';
import { historyUpTo } from '../../shared/domain/cases/case-store.ts';
import { rejection } from '../support/refusal.ts';

let raw: DynamoDBClient;
let dynamoEndpoint: string;
let db: DynamoDBDocumentClient;
let stop: () => Promise<void>;
let store: DynamoCaseStore;
/** The filing service's clock (case numbers start with its China date). */
let clock = new Date('2026-11-23T02:00:00.000Z');
/** The catalogue and the files of the filings made through the case service. */
let items: MemoryItemStore;
const vault = new MemoryMaterialVault();

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  dynamoEndpoint = dynamo.endpoint;
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoCaseStore(db, LOCAL_TABLES.cases);
  items = (await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'))).items;
  stop = async () => {
    raw.destroy();
    await dynamo.close();
  };
});

afterAll(async () => stop());

/** A store on a cases table of its own, for tests that count or list everything in it. */
async function freshStore(table: string): Promise<DynamoCaseStore> {
  await ensureTables(raw, { ...LOCAL_TABLES, cases: table });
  return new DynamoCaseStore(db, table);
}

/** A store on a table of its own holding one case, filed by the portal for Zhang and accepted by the market on 23 November. */
async function acceptedCase(table: string, key: string) {
  const fresh = await freshStore(table);
  const filed = await file({ store: fresh, by: PORTAL, key, app: application(ZHANG), date: '2026-11-23' });
  const caseNo = filed.state.caseNo;
  const accepted = await act(fresh, caseNo, { action: 'accept' }, on('2026-11-23', MARKET, 5));
  return { fresh, filed, caseNo, accepted };
}

let contractTables = 0;
caseStoreContract('DynamoCaseStore', () => freshStore(`cases-contract-${++contractTables}`));

/** The case service on `s`, with the seeded catalogue and the files in memory, on the test's clock. */
const serviceOn = (s: DynamoCaseStore) => new CaseService({ store: s, items, materials: vault, calendar: officialCalendar, now: () => clock });

/** Sets the clock to 10:00 China time on `date`, plus `minute` minutes. */
function at(date: string, minute = 0): void {
  clock = new Date(on(date, PORTAL, minute).at);
}

/** A channel's application for `guide`, every required material uploaded by the channel (PDFs no other call makes). */
function request(by: Caller, applicant: Applicant, guide: ServiceGuide = FOOD, form: Record<string, JsonValue> = { 经营场所面积: 120 }): FilingRequest {
  const materials = guide.materials.filter((m) => m.required).map((m) => [m.name, vault.upload(by.channelId!, realPdf(randomUUID()))]);
  return { itemCode: guide.implementationCode, applicant, form, materials: Object.fromEntries(materials) };
}

/** The case's history is exactly the filing's first entry, and leads to the filed state. */
async function expectFirstEntryOnly(s: DynamoCaseStore, filed: FilingResult): Promise<void> {
  const history = await historyUpTo(s, filed.caseNo, Infinity);
  expect(history.map((e) => e.hash)).toEqual([filed.receipt.entryHash]);
  expect(verifyCaseHistory(history, filed.case)).toEqual({ ok: true });
}

describe('DynamoCaseStore: filing through the case service', () => {
  it('creates exactly one case for 50 concurrent identical filings with one key', async () => {
    // Prepare
    const fresh = await freshStore('cases-idempotent-burst');
    const service = serviceOn(fresh);
    at('2026-11-23');
    const app = request(PORTAL, LI);

    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, () => service.file(PORTAL, 'burst-1', app)));

    // Assess: one winner, 49 replays of its answer, and nothing else in the table
    const [winner, ...others] = [...answers].sort((a, b) => Number(a.replayed) - Number(b.replayed));
    expect(winner!.replayed).toBe(false);
    expect(others).toHaveLength(49);
    for (const other of others) expect(other).toEqual({ ...winner, replayed: true });
    const caseNo = winner!.caseNo;
    await expectFirstEntryOnly(fresh, winner!);
    expect(await fresh.get(caseNo)).toEqual(winner!.case);
    const written = (await db.send(new ScanCommand({ TableName: 'cases-idempotent-burst' }))).Items ?? [];
    expect(written.map((i) => `${i.pk as string} ${i.sk as string}`).sort()).toEqual([`CASE#${caseNo} HEAD`, `IDEM#${CHANNELS.portal.id}#burst-1 IDEM`].sort());
    expect((await fresh.channelCases(CHANNELS.portal.id, undefined, { limit: 100 })).cases.map((c) => c.caseNo)).toEqual([caseNo]);
  });

  it('lets a retry finish a filing whose writer stopped after the idempotency record', async () => {
    // Prepare: file, then take away the head (which carries the first entry), as if the writer had
    // crashed right after the idempotency record (the only write that decides a filing)
    const service = serviceOn(store);
    at('2026-11-23');
    const app = request(PORTAL, SHOP);
    const first = await service.file(PORTAL, 'crash-1', app);
    const caseKey = `CASE#${first.caseNo}`;
    await db.send(new DeleteCommand({ TableName: LOCAL_TABLES.cases, Key: { pk: caseKey, sk: 'HEAD' } }));
    expect(await store.get(first.caseNo)).toBeUndefined();

    // Act
    at('2026-11-23', 1);
    const retry = await service.file(PORTAL, 'crash-1', app);

    // Assess
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await store.get(first.caseNo)).toEqual(first.case);
    await expectFirstEntryOnly(store, first);
    const head = await db.send(new GetCommand({ TableName: LOCAL_TABLES.cases, Key: { pk: caseKey, sk: 'HEAD' } }));
    expect(head.Item?.version).toBe(1);
  });

  it('fails a filing whose head cannot be written, and lets its retry complete it into the queues', async () => {
    // Prepare: a client whose first write of a head fails (as a throttled PutItem would, after the
    // SDK's own retries); the idempotency record goes through
    const flaky = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    let failures = 1;
    flaky.middlewareStack.add(
      (next) => async (args) => {
        // Before or after the document client's marshalling, whichever this step sees
        const sk = (args.input as { Item?: { sk?: string | { S?: string } } }).Item?.sk;
        if ((sk === 'HEAD' || (typeof sk === 'object' && sk.S === 'HEAD')) && failures-- > 0)
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        return next(args);
      },
      { step: 'initialize', name: 'failFirstHead' },
    );
    const fresh = await freshStore('cases-head-fails');
    const service = serviceOn(new DynamoCaseStore(DynamoDBDocumentClient.from(flaky, { marshallOptions: { removeUndefinedValues: true } }), 'cases-head-fails'));
    at('2026-11-23');
    const app = request(PORTAL, ZHANG);

    // Act
    const failed = await service.file(PORTAL, 'head-1', app).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const queuedBefore = (await fresh.departmentQueue(DEPARTMENTS.market.id, 'received', { limit: 10 })).cases;
    at('2026-11-23', 1);
    const retry = await service.file(PORTAL, 'head-1', app);
    flaky.destroy();

    // Assess: the caller saw the failure (so it retries), and the retry put the case in the queue
    expect(failed?.message).toBe('throttled');
    expect(queuedBefore).toEqual([]);
    expect(retry.replayed).toBe(true);
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'received', { limit: 10 })).cases.map((c) => c.caseNo)).toEqual([retry.caseNo]);
  });
});

/**
 * Rewrites a case as the layout before issue 21 held it, with that layout's item functions: an `EVT#`
 * item per entry (case-items.ts entryItem: the entry, what it changed, its event, its action's key)
 * and a head without entries (listingItems); its pages gone.
 */
async function toOldLayout(s: DynamoCaseStore, table: string, caseNo: string): Promise<void> {
  const records: EntryRecord[] = [];
  for await (const record of s.history(caseNo)) records.push(record);
  const states: CaseState[] = [];
  for (const record of records) states.push(applyChanges(states.at(-1), record.changes!));
  for (const [i, record] of records.entries()) {
    const item = i === 0 ? firstEntryItem({ state: states[0]!, entry: record.entry }) : actionEntryItem(states[i - 1]!, states[i]!, record.entry);
    const key = record[ENTRY_ACTION_KEY];
    await db.send(new PutCommand({ TableName: table, Item: key ? keyedEntryItem(item, { caseNo, ...key }) : item }));
  }
  const pages = await db.send(
    new ScanCommand({ TableName: table, FilterExpression: 'pk = :pk AND begins_with(sk, :page)', ExpressionAttributeValues: { ':pk': `CASE#${caseNo}`, ':page': 'PAGE#' } }),
  );
  for (const page of pages.Items ?? []) await db.send(new DeleteCommand({ TableName: table, Key: { pk: page.pk, sk: page.sk } }));
  await db.send(new PutCommand({ TableName: table, Item: listingItems(states.at(-1)!).head }));
}

/**
 * A joint case filed, accepted and dispatched on 1 September 2026 (health and fire each get a task), on
 * a cases table of its own, through `through` (a store on it, made from the table by default).
 */
async function dispatchedJoint(
  table: string,
  key: string,
  through?: (table: string) => DynamoCaseStore,
): Promise<{ fresh: DynamoCaseStore; caseNo: string; dispatched: CaseState }> {
  const made = await freshStore(table);
  const fresh = through ? through(table) : made;
  const filed = await file({ store: fresh, by: PORTAL, key, app: application(ZHANG, JOINT), date: '2026-09-01', guide: JOINT });
  const caseNo = filed.state.caseNo;
  await actSealed(fresh, caseNo, { action: 'accept' }, on('2026-09-01', MARKET, 1));
  const dispatched = await act(fresh, caseNo, { action: 'dispatch' }, on('2026-09-01', SYSTEM_CALLER, 2));
  return { fresh, caseNo, dispatched };
}

/** Every item of the case, by sort key. */
async function caseItems(table: string, caseNo: string): Promise<Map<string, Record<string, unknown>>> {
  const out = await db.send(new ScanCommand({ TableName: table, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseNo}` } }));
  // The head unpacked, as the store reads it (case-item-packing.ts).
  return new Map((out.Items ?? []).map((i) => [i.sk as string, unpackCaseItem(i)]));
}

describe('DynamoCaseStore: cases of the layout before issue 21 (an item per entry, the head after them)', () => {
  it('rolls a head deleted behind its newest entry forward when the case is read', async () => {
    // Prepare: accept, then delete the head as if the writer had crashed between its two writes;
    // the department's queue (read from the head) then misses the case
    const { fresh, filed, accepted } = await acceptedCase('cases-roll-forward', 'roll-1');
    await toOldLayout(fresh, 'cases-roll-forward', filed.state.caseNo);
    await db.send(new DeleteCommand({ TableName: 'cases-roll-forward', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }));
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 10 })).cases).toEqual([]);

    // Act
    const read = await fresh.get(filed.state.caseNo);

    // Assess
    expect(read).toEqual(accepted);
    const head = await db.send(new GetCommand({ TableName: 'cases-roll-forward', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }));
    expect(head.Item?.version).toBe(2);
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 10 })).cases).toEqual([accepted]);
  });

  it('answers the newest state to a read-only reader without moving the head (its role may not write)', async () => {
    // Prepare: accept, then delete the head as if the writer had crashed between its two writes
    const { fresh, filed, accepted } = await acceptedCase('cases-read-only', 'read-only-1');
    await toOldLayout(fresh, 'cases-read-only', filed.state.caseNo);
    await db.send(new DeleteCommand({ TableName: 'cases-read-only', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }));
    const lags: number[] = [];
    const reader = new DynamoCaseStore(db, 'cases-read-only', { readOnly: true, onHeadLag: (_c, version) => lags.push(version) });

    // Act
    const read = await reader.get(filed.state.caseNo);

    // Assess: the newest state, the head still missing (no write tried, none failed), a writer's read rolls it forward
    expect(read).toEqual(accepted);
    expect((await db.send(new GetCommand({ TableName: 'cases-read-only', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }))).Item).toBeUndefined();
    expect(lags).toEqual([]);
    expect(await fresh.get(filed.state.caseNo)).toEqual(accepted);
    expect((await db.send(new GetCommand({ TableName: 'cases-read-only', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }))).Item?.version).toBe(2);
  });

  it('rolls a head left at an older version forward, and never moves it back', async () => {
    // Prepare: after the decision, put the head back to the accepted state by hand
    const { fresh, filed, accepted } = await acceptedCase('cases-head-older', 'older-1');
    const decided = await act(fresh, filed.state.caseNo, { action: 'decide', outcome: 'approved' }, on('2026-11-24', MARKET));
    await toOldLayout(fresh, 'cases-head-older', filed.state.caseNo);
    await db.send(new DeleteCommand({ TableName: 'cases-head-older', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }));
    await fresh['moveHead'](accepted);
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 10 })).cases).toEqual([accepted]);

    // Act
    expect(await fresh.get(filed.state.caseNo)).toEqual(decided);
    await fresh['moveHead'](accepted); // a late writer of version 2

    // Assess
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 10 })).cases).toEqual([]);
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'decided', { limit: 10 })).cases).toEqual([decided]);
  });

  it('acts on a case of the old layout: its head then carries the new entries; history, queue and outbox read its entry items and them', async () => {
    // Prepare: filed and accepted, then rewritten as the old layout holds it
    const table = 'cases-old-layout';
    const { fresh, caseNo } = await acceptedCase(table, 'old-1');
    await toOldLayout(fresh, table, caseNo);
    const before = await caseItems(table, caseNo);

    // Act
    const reader = new DynamoCaseStore(db, table);
    await act(reader, caseNo, { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 5 }, on('2026-11-24', MARKET));
    const resumed = await act(reader, caseNo, { action: 'resume' }, on('2026-11-25', MARKET));

    // Assess: the entry items stay, the head carries entries 3 and 4, and every reader sees entries 1 to 4 in order
    expect([...before.keys()].filter((sk) => sk.startsWith('EVT#'))).toEqual(['EVT#0000000001', 'EVT#0000000002']);
    expect(before.get('HEAD')!.pending).toBeUndefined();
    const after = await caseItems(table, caseNo);
    expect((after.get('HEAD')!.pending as EntryRecord[]).map((r) => r.entry.n)).toEqual([3, 4]);
    const history = await historyUpTo(fresh, caseNo, Infinity);
    expect(history.map((e) => e.type)).toEqual(['file', 'accept', 'pause', 'resume']);
    expect(verifyCaseHistory(history, resumed)).toEqual({ ok: true });
    expect(await fresh.get(caseNo)).toEqual(resumed);
    expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 10 })).cases).toEqual([resumed]);
    const outbox = await new DynamoCaseOutbox(db, table).entries(caseNo, 1, 4);
    expect(outbox.map((e) => [e.version, e.event?.id])).toEqual([1, 2, 3, 4].map((n) => [n, `${caseNo}.${n}`]));
  });
});

describe('DynamoCaseStore: what a case takes in the table', () => {
  it("writes a joint case's task item at its wait (its keys and token), puts it again when its task ends, and not as the case moves on", async () => {
    // Prepare: a joint case accepted and dispatched (health and fire each get a task); each branch's wait keeps its token
    const table = 'cases-task-items';
    // The commands the store sends: the functions that write cases hold GetItem, PutItem and Query alone (functions/manifest.ts)
    const sent = new Set<string>();
    const watched = { send: (command: { constructor: { name: string } }) => (sent.add(command.constructor.name), db.send(command as GetCommand)) };
    const { fresh, caseNo, dispatched } = await dispatchedJoint(table, 'tasks-1', (t) => new DynamoCaseStore(watched as unknown as DynamoDBDocumentClient, t));
    const afterDispatch = await caseItems(table, caseNo);
    const waitedAt = Math.floor(Date.now() / 1000);
    for (const dept of [HEALTH, FIRE]) await fresh.putTaskToken(dispatched, dept.departmentId!, `token-${dept.departmentId}`);
    const task = async (departmentId: string) => (await caseItems(table, caseNo)).get(`TASK#${departmentId}`)!;
    const waited = await task(HEALTH.departmentId!);

    // Act: health answers (its task leaves its open queue; fire's stays where it is), then fire, then the lead decides two days later
    const answeredAt = Math.floor(Date.now() / 1000);
    const answered = await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-02', HEALTH));
    const [health, fire] = [await task(HEALTH.departmentId!), await task(FIRE.departmentId!)];
    await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-03', FIRE));
    const ended = await caseItems(table, caseNo);
    await act(fresh, caseNo, { action: 'decide', outcome: 'approved' }, on('2026-09-07', MARKET));

    // Assess: puts, gets and queries only (no UpdateItem, which no function may hold on the cases table)
    expect([...sent].filter((name) => !['GetCommand', 'PutCommand', 'QueryCommand'].includes(name))).toEqual([]);
    expect(sent.has('PutCommand')).toBe(true);
    // The dispatch wrote the head alone; each wait one item, its keys, version and token, expiring TASK_TOKEN_DAYS on
    expect([...afterDispatch.keys()].filter((sk) => sk.startsWith('TASK#') || sk.startsWith('TOKEN#'))).toEqual([]);
    expect(Object.keys(fire).sort()).toEqual(['deptPk', 'deptSk', 'expiresAt', 'pk', 'sk', 'token', 'version']);
    expect([fire.version, fire.deptSk, fire.token]).toEqual([dispatched.version, expect.stringMatching(/^opinion#/), `token-${FIRE.departmentId}`]);
    expect(waited.expiresAt).toBeGreaterThanOrEqual(waitedAt + TASK_TOKEN_DAYS * 86_400);
    expect(waited.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + TASK_TOKEN_DAYS * 86_400);
    // Health's answer took its item out of every list, kept its token, and lets it expire ENDED_TASK_DAYS after the answer (TTL counts real time)
    expect(Object.keys(health).sort()).toEqual(['expiresAt', 'pk', 'sk', 'token', 'version']);
    expect([health.version, health.token]).toEqual([answered.version, `token-${HEALTH.departmentId}`]);
    expect(health.expiresAt).toBeGreaterThanOrEqual(answeredAt + ENDED_TASK_DAYS * 86_400);
    expect(health.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + ENDED_TASK_DAYS * 86_400);
    expect(await fresh.taskToken(caseNo, HEALTH.departmentId!)).toBe(`token-${HEALTH.departmentId}`);
    // The decision days later wrote no task item (an ended task is in no list that moves with the day)
    const decided = await caseItems(table, caseNo);
    for (const dept of [HEALTH, FIRE]) expect(decided.get(`TASK#${dept.departmentId}`)).toEqual(ended.get(`TASK#${dept.departmentId}`));
    // The queue shows the newest state, read from the head
    expect((await fresh.jointTaskQueue(FIRE.departmentId!, { limit: 10 })).cases).toEqual([]);
    expect((await fresh.jointTaskQueue(HEALTH.departmentId!, { limit: 10 })).cases).toEqual([]);
    // An index entry its head does not back (a task item under another co-department's keys) is passed over
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...fire, sk: `TASK#${POLICE.departmentId}`, deptPk: (fire.deptPk as string).replace(FIRE.departmentId!, POLICE.departmentId!), deptSk: fire.deptSk },
      }),
    );
    expect((await fresh.jointTaskQueue(POLICE.departmentId!, { limit: 10 })).cases).toEqual([]);
  });

  it('moves the task items and reads the tokens of a joint case dispatched before its wait kept them (TASK# keys only, TOKEN#)', async () => {
    // Prepare: dispatched and waited on as before: task items of keys alone written by the dispatch, a TOKEN# item per wait
    const table = 'cases-old-tasks';
    const { fresh, caseNo, dispatched } = await dispatchedJoint(table, 'old-tasks-1');
    for (const dept of [HEALTH, FIRE]) {
      const { expiresAt: _expiresAt, token: _token, ...keys } = taskTokenItem(dispatched, dept.departmentId!, 'x');
      await db.send(new PutCommand({ TableName: table, Item: keys }));
      await db.send(new PutCommand({ TableName: table, Item: tokenItem(caseNo, dept.departmentId!, `old-token-${dept.departmentId}`) }));
    }
    // An ended task of before, in the list of ended tasks by the case's day, which nothing reads
    const { expiresAt: _e, token: _t, ...police } = taskTokenItem(dispatched, HEALTH.departmentId!, 'x');
    const oldEnded = { ...police, sk: `TASK#${POLICE.departmentId}`, deptSk: `opinion-ended#2026-09-01#${caseNo}` };
    await db.send(new PutCommand({ TableName: table, Item: oldEnded }));
    const listed = await Promise.all([HEALTH, FIRE].map((d) => fresh.jointTaskQueue(d.departmentId!, { limit: 10 })));

    // Act: health answers; fire's wait times out and the next one keeps its token the new way; then fire answers
    const answered = await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-02', HEALTH));
    const healthToken = await fresh.taskToken(caseNo, HEALTH.departmentId!);
    const fireOld = await fresh.taskToken(caseNo, FIRE.departmentId!);
    await fresh.putTaskToken(answered, FIRE.departmentId!, 'new-token-fire');
    const fireListed = await fresh.jointTaskQueue(FIRE.departmentId!, { limit: 10 });
    const fireNew = await fresh.taskToken(caseNo, FIRE.departmentId!);
    await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-03', FIRE));

    // Assess: listed as before; health's item left its list; the tokens read where each wait kept them; the old ended item untouched
    expect(listed.map((l) => l.cases.map((c) => c.caseNo))).toEqual([[caseNo], [caseNo]]);
    expect((await fresh.jointTaskQueue(HEALTH.departmentId!, { limit: 10 })).cases).toEqual([]);
    expect([healthToken, fireOld, fireNew]).toEqual([`old-token-${HEALTH.departmentId}`, `old-token-${FIRE.departmentId}`, 'new-token-fire']);
    expect(fireListed.cases.map((c) => c.caseNo)).toEqual([caseNo]);
    expect((await fresh.jointTaskQueue(FIRE.departmentId!, { limit: 10 })).cases).toEqual([]);
    const items = await caseItems(table, caseNo);
    expect(items.get(`TASK#${HEALTH.departmentId}`)!.deptSk).toBeUndefined();
    expect(items.get(`TASK#${POLICE.departmentId}`)).toEqual(oldEnded);
  });

  it("carries a token a wait keeps while an opinion ends its task: the opinion's put, made over the item as read, is made again", async () => {
    // Prepare: dispatched; health's first wait kept token-1. The opinion's store, once it has read health's
    // task item, lets a second wait (a replayed execution's) keep token-2 before it puts the item
    const table = 'cases-task-token-race';
    const { fresh, caseNo, dispatched } = await dispatchedJoint(table, 'token-race-1');
    await fresh.putTaskToken(dispatched, HEALTH.departmentId!, 'token-1');
    let meddled = false;
    const meddling = {
      send: async (command: GetCommand) => {
        const out = await db.send(command);
        if (!meddled && command instanceof GetCommand && command.input.Key?.sk === `TASK#${HEALTH.departmentId}`) {
          meddled = true;
          await fresh.putTaskToken(dispatched, HEALTH.departmentId!, 'token-2');
        }
        return out;
      },
    };
    const answering = new DynamoCaseStore(meddling as unknown as DynamoDBDocumentClient, table);

    // Act
    await act(answering, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-02', HEALTH));

    // Assess: the second wait's token is the one the opinion finds; the task is in no list
    expect(meddled).toBe(true);
    expect(await fresh.taskToken(caseNo, HEALTH.departmentId!)).toBe('token-2');
    expect((await caseItems(table, caseNo)).get(`TASK#${HEALTH.departmentId}`)!.deptSk).toBeUndefined();
    expect((await fresh.jointTaskQueue(HEALTH.departmentId!, { limit: 10 })).cases).toEqual([]);
  });

  it('puts the task items a losing action moved back where the winning head lists them', async () => {
    // Prepare: a dispatched joint case; health and fire answer on the same version, each moving its own task
    const table = 'cases-task-race';
    const { fresh, caseNo, dispatched } = await dispatchedJoint(table, 'race-1');
    for (const dept of [HEALTH, FIRE]) await fresh.putTaskToken(dispatched, dept.departmentId!, `token-${dept.departmentId}`);
    const answers = [HEALTH, FIRE].map((by) => applyCaseCommand(dispatched, { action: 'opinion', outcome: 'agree' }, on('2026-09-02', by)));

    // Act: each on a store of its own (as two functions would), side by side
    const results = await Promise.allSettled(answers.map((a) => new DynamoCaseStore(db, table).append(a.state, a.entry, dispatched)));

    // Assess: one won; the winner's task is answered, the loser's still open in its queue, as the head says
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const [winner, loser] = won === 0 ? [HEALTH, FIRE] : [FIRE, HEALTH];
    expect(await fresh.get(caseNo)).toEqual(answers[won]!.state);
    expect((await fresh.jointTaskQueue(loser.departmentId!, { limit: 10 })).cases).toEqual([answers[won]!.state]);
    expect((await fresh.jointTaskQueue(winner.departmentId!, { limit: 10 })).cases).toEqual([]);
    const items = await caseItems(table, caseNo);
    expect(items.get(`TASK#${loser.departmentId}`)!.deptSk).toMatch(/^opinion#/);
    // Both tokens kept: the winner's for its resumption, the loser's for its wait
    for (const dept of [HEALTH, FIRE]) expect(items.get(`TASK#${dept.departmentId}`)!.token).toBe(`token-${dept.departmentId}`);
  });

  it("pages the head's entries out once they are 8: the history, the outbox and the head's check read across pages and head", async () => {
    // Prepare: accepted, then paused and resumed 6 times (14 entries)
    const table = 'cases-pages';
    const { fresh, caseNo, accepted } = await acceptedCase(table, 'pages-1');
    let state = accepted;
    for (let i = 0; i < 6; i++) {
      await act(fresh, caseNo, { action: 'pause', procedure: 'hearing', reason: `第${i + 1}次听证`, expectedDays: 5 }, on('2026-11-24', MARKET, 2 * i));
      state = await act(fresh, caseNo, { action: 'resume' }, on('2026-11-24', MARKET, 2 * i + 1));
    }

    // Act
    const items = await caseItems(table, caseNo);
    const history = await historyUpTo(fresh, caseNo, Infinity);
    const outbox = await new DynamoCaseOutbox(db, table).entries(caseNo, 3, 14);

    // Assess: pages of committed entries before the head, the head's entries after them, at most 8, its newest its own
    const pages = [...items.keys()].filter((sk) => sk.startsWith('PAGE#'));
    const pending = (items.get('HEAD')!.pending as EntryRecord[]).map((r) => r.entry.n);
    expect(pages.length).toBeGreaterThan(0);
    expect(pending.length).toBeLessThanOrEqual(8);
    expect(pending.at(-1)).toBe(14);
    expect([...items.keys()].filter((sk) => sk.startsWith('EVT#'))).toEqual([]);
    expect(history.map((e) => e.n)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(verifyCaseHistory(history, state)).toEqual({ ok: true });
    expect(outbox.map((e) => e.event?.id)).toEqual(Array.from({ length: 12 }, (_, i) => `${caseNo}.${i + 3}`));
    expect(await fresh.get(caseNo)).toEqual(state);
  });

  it('finds a head whose entries were altered or cut: the case is broken there', async () => {
    // Prepare: accepted and paused; then, in turn, entry 2's content altered and entry 2 removed from the head's entries
    const table = 'cases-head-tampered';
    const { fresh, caseNo } = await acceptedCase(table, 'tamper-1');
    await act(fresh, caseNo, { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 5 }, on('2026-11-24', MARKET));
    const head = (await caseItems(table, caseNo)).get('HEAD')!;
    const [one, two, three] = head.pending as EntryRecord[];
    const put = (pending: EntryRecord[]) => db.send(new PutCommand({ TableName: table, Item: packCaseItem({ ...head, pending }) }));

    // Act / Assess: altered
    await put([one!, { ...two!, entry: { ...two!.entry, on: '2026-11-30' } }, three!]);
    expect((await fresh.read(caseNo))?.broken).toEqual({ n: 2, reason: "entry 2's content does not match its hash" });
    // Cut out of the middle
    await put([one!, three!]);
    expect((await fresh.read(caseNo))?.broken).toEqual({ n: 2, reason: 'entry 2 is missing or not chained to the one before it' });
    expect(await rejection(fresh.get(caseNo))).toMatchObject({ code: 'CASE_HISTORY_BROKEN' });
  });

  it("keeps the whole state in the head only: an action's entry holds what it changed, not the form", async () => {
    // Prepare: a form of 60,000 bytes in UTF-8, then an action that does not touch it
    const fresh = await freshStore('cases-changes');
    const form = { 说明: '经'.repeat(20_000) };
    const filed = await file({ store: fresh, by: PORTAL, key: 'changes-1', app: application(ZHANG, FOOD, form), date: '2026-11-23' });
    const accepted = await act(fresh, filed.state.caseNo, { action: 'accept' }, on('2026-11-23', MARKET, 5));

    // Act
    const items = await db.send(new ScanCommand({ TableName: 'cases-changes' }));

    // Assess: the filing's entry holds the first state (the application as filed: paged out with it
    // by the acceptance, the head's entries then over PENDING_BYTES), the acceptance's only what it changed
    const stored = (sk: string) => items.Items!.find((i) => i.pk === `CASE#${filed.state.caseNo}` && i.sk === sk)!;
    const item = (sk: string) => unpackCaseItem(stored(sk));
    const bytes = (i: unknown) => Buffer.byteLength(JSON.stringify(i), 'utf8');
    const [first] = item('PAGE#0000000001').entries as EntryRecord[];
    const [second, ...more] = item('HEAD').pending as EntryRecord[];
    expect(first!.changes!.set.form).toEqual(form);
    expect(more).toEqual([]);
    expect(second!.entry.n).toBe(2);
    expect(second!.state).toBeUndefined();
    expect(Object.keys(second!.changes!.set)).not.toContain('form');
    expect(Object.keys(second!.changes!.set)).toEqual(expect.arrayContaining(['status', 'acceptance', 'version', 'hash']));
    expect(bytes(second)).toBeLessThan(4096);
    expect(item('HEAD').state).toEqual(accepted);
    // The head: the state once, and the entry — kept packed, in far fewer bytes than the state alone
    // (the form repeats one character: it packs to almost nothing)
    expect(bytes(item('HEAD'))).toBeLessThan(bytes(accepted) + 8192);
    expect(Object.keys(stored('HEAD'))).toEqual(expect.arrayContaining(['packed', 'version']));
    expect(Object.keys(stored('HEAD'))).not.toContain('state');
    expect(itemBytes(stored('HEAD'))).toBeLessThan(bytes(accepted) / 10);
  });

  it('writes what an entry adds to a list, not the list again: the second pause, the second sealed notice; the state reads back whole', async () => {
    // Prepare: accepted, paused and resumed twice, each notice sealed as it is owed (test seals)
    const fresh = await freshStore('cases-append');
    const filed = await file({ store: fresh, by: PORTAL, key: 'append-1', app: application(ZHANG), date: '2026-11-23' });
    const caseNo = filed.state.caseNo;
    await actSealed(fresh, caseNo, { action: 'accept' }, on('2026-11-23', MARKET, 5));
    await actSealed(fresh, caseNo, { action: 'pause', procedure: 'hearing', reason: '第一次听证', expectedDays: 5 }, on('2026-11-24', MARKET));
    await act(fresh, caseNo, { action: 'resume' }, on('2026-11-25', MARKET));
    const paused = await act(fresh, caseNo, { action: 'pause', procedure: 'testing', reason: '检验检测', expectedDays: 5 }, on('2026-11-26', MARKET));
    const sealed = await act(fresh, caseNo, sealNoticesCommand(paused, '2026-11-26T02:01:00.000Z'), on('2026-11-26', SYSTEM_CALLER, 1));

    // Act
    const records: EntryRecord[] = [];
    for await (const record of fresh.history(caseNo)) records.push(record);
    const item = (n: number) => records.find((r) => r.entry.n === n)!;
    // Rewritten as the old layout, a reader finding its head behind rolls it forward from the entries' changes
    await toOldLayout(fresh, 'cases-append', caseNo);
    await db.send(new DeleteCommand({ TableName: 'cases-append', Key: { pk: `CASE#${caseNo}`, sk: 'HEAD' } }));
    const read = await fresh.get(caseNo);

    // Assess: entry 7 (the second pause) appends to `pauses`, entry 8 to `notices`
    expect(item(7).changes!.append!.pauses).toEqual([sealed.pauses[1]]);
    expect(item(7).changes!.set).not.toHaveProperty('pauses');
    expect(item(8).changes!.append!.notices).toEqual([sealed.notices![2]]);
    expect(item(8).changes!.set).not.toHaveProperty('notices');
    expect(item(8).changes!.unset).toEqual(['noticesDue']);
    expect(sealed.notices!.map((n) => n.kind)).toEqual(['acceptance', 'special-procedure', 'special-procedure']);
    expect(read).toEqual(sealed);
  });

  it('finds a lagging entry whose changes were altered: the case is broken there, not rolled forward', async () => {
    // Prepare: accepted, the head put back to the filing (as if its writer had stopped), and the
    // acceptance's changes altered in the table (its hashed entry left as it was)
    const { fresh, filed } = await acceptedCase('cases-changes-altered', 'altered-1');
    await toOldLayout(fresh, 'cases-changes-altered', filed.state.caseNo);
    await db.send(new DeleteCommand({ TableName: 'cases-changes-altered', Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'HEAD' } }));
    await fresh['moveHead'](filed.state);
    await db.send(
      new UpdateCommand({
        TableName: 'cases-changes-altered',
        Key: { pk: `CASE#${filed.state.caseNo}`, sk: 'EVT#0000000002' },
        UpdateExpression: 'SET #c.#s.#status = :s',
        ExpressionAttributeNames: { '#c': 'changes', '#s': 'set', '#status': 'status' },
        ExpressionAttributeValues: { ':s': 'refused' },
      }),
    );

    // Act
    const read = await fresh.read(filed.state.caseNo);
    const refused = await rejection(fresh.get(filed.state.caseNo));

    // Assess
    expect(read?.broken).toEqual({ n: 2, reason: 'what entry 2 changed does not lead to the state it recorded' });
    expect(read?.state).toEqual(filed.state);
    expect(refused).toMatchObject({ code: 'CASE_HISTORY_BROKEN' });
  });
});

/**
 * A case store on `table` whose client fails, once, the first write that `fails` picks out (by its
 * sort key and whether it puts an item or updates one), as a throttled request would after the SDK's
 * own retries; told of an action key left unsettled. `sent`: the name of every command it sent.
 */
function flakyStore(
  table: string,
  fails: (sk: string, kind: 'put' | 'update', item: Record<string, unknown> | undefined) => boolean,
  onKeyLag?: () => void,
): { store: DynamoCaseStore; destroy: () => void; sent: Set<string> } {
  const flaky = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  let failures = 1;
  const sent = new Set<string>();
  flaky.middlewareStack.add(
    (next, context) => async (args) => {
      sent.add(context.commandName!);
      // Before or after the document client's marshalling, whichever this step sees
      const input = args.input as { Item?: { sk?: string | { S?: string } } & Record<string, unknown>; Key?: { sk?: string | { S?: string } }; UpdateExpression?: string };
      const sk = input.Item?.sk ?? input.Key?.sk;
      const name = typeof sk === 'object' ? sk.S : sk;
      const kind = input.Item ? 'put' : input.UpdateExpression ? 'update' : undefined;
      if (name !== undefined && kind !== undefined && fails(name, kind, input.Item) && failures-- > 0) {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failOnce' },
  );
  const options = onKeyLag ? { onKeyLag } : {};
  return {
    store: new DynamoCaseStore(DynamoDBDocumentClient.from(flaky, { marshallOptions: { removeUndefinedValues: true } }), table, options),
    destroy: () => flaky.destroy(),
    sent,
  };
}

describe('DynamoCaseStore: actions under an idempotency key, through the case service', () => {
  it('lets a retry do an action whose writer stopped after taking its key, before its entry, once', async () => {
    // Prepare: the first write of a head (the action's entry) fails after the key was taken
    const fresh = await freshStore('cases-key-before-entry');
    at('2026-11-23');
    const filed = await serviceOn(fresh).file(PORTAL, 'key-entry-1', request(PORTAL, ZHANG));
    const { store: flaky, destroy } = flakyStore('cases-key-before-entry', (sk, kind) => kind === 'put' && sk === 'HEAD');
    const key = { caseNo: filed.caseNo, caller: MARKET.name, idempotencyKey: 'accept-1' };

    // Act
    at('2026-11-24');
    const failed = await serviceOn(flaky)
      .perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    destroy();
    const pending = await fresh.actionKey(key);
    const versionBefore = (await fresh.get(filed.caseNo))!.version;
    at('2026-11-24', 5);
    const retry = await serviceOn(fresh).perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1');
    const again = await serviceOn(fresh).perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1');

    // Assess: the key was held at version 1 with no entry; the retry wrote entry 2 under it, once
    expect(failed?.message).toBe('throttled');
    expect(pending).toMatchObject({ base: 1 });
    expect(pending?.entry).toBeUndefined();
    expect(versionBefore).toBe(1);
    expect(retry).toMatchObject({ entry: 2, replayed: false, case: { status: 'accepted', version: 2 } });
    expect(again).toEqual({ ...retry, replayed: true });
    expect((await historyUpTo(fresh, filed.caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'accept']);
    expect(await fresh.actionKey(key)).toMatchObject({ base: 1, entry: 2 });
  });

  it('answers a retry of an action whose writer stopped after its entry, before settling its key, with that entry, after the case moved on', async () => {
    // Prepare: the key's settlement fails once (the action is done, and answered); the deputy then pauses
    const fresh = await freshStore('cases-key-unsettled');
    at('2026-11-23');
    const filed = await serviceOn(fresh).file(PORTAL, 'key-settle-1', request(PORTAL, ZHANG));
    const lags: number[] = [];
    const { store: flaky, destroy } = flakyStore(
      'cases-key-unsettled',
      // The settlement: a put of the key's record with its entry (the take before it has none)
      (sk, kind, item) => kind === 'put' && sk.startsWith('IDEM#') && item?.written !== undefined,
      () => lags.push(1),
    );
    const key = { caseNo: filed.caseNo, caller: MARKET.name, idempotencyKey: 'accept-2' };

    // Act
    at('2026-11-24');
    const first = await serviceOn(flaky).perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-2');
    destroy();
    const unsettled = await fresh.actionKey(key);
    at('2026-11-25');
    const paused = await serviceOn(fresh).act(MARKET_DEPUTY, filed.caseNo, { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 });
    const retry = await serviceOn(fresh).perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-2');

    // Assess
    expect(first).toMatchObject({ entry: 2, replayed: false });
    expect(lags).toHaveLength(1);
    expect(unsettled).toMatchObject({ base: 1 });
    expect(unsettled?.entry).toBeUndefined();
    expect(retry).toEqual({ case: paused, entry: 2, replayed: true });
    expect(await fresh.actionKey(key)).toMatchObject({ base: 1, entry: 2 });
    expect((await historyUpTo(fresh, filed.caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'accept', 'pause']);
  });

  it('takes, releases and settles keys with puts alone (the functions hold GetItem, PutItem and Query on the cases table): a retry whose key another action made stale does its action once', async () => {
    // Prepare: the market's pause under a key fails after the key was taken; the deputy then pauses and resumes the case
    const fresh = await freshStore('cases-key-puts');
    at('2026-11-23');
    const filed = await serviceOn(fresh).file(PORTAL, 'key-puts-1', request(PORTAL, ZHANG));
    at('2026-11-24');
    await serviceOn(fresh).act(MARKET, filed.caseNo, { action: 'accept' });
    const { store: flaky, destroy, sent } = flakyStore('cases-key-puts', (sk, kind) => kind === 'put' && sk === 'HEAD');
    const pause = { action: 'pause' as const, procedure: 'hearing' as const, reason: '听证', expectedDays: 10 };
    const key = { caseNo: filed.caseNo, caller: MARKET.name, idempotencyKey: 'pause-puts' };

    // Act: the retry finds its key pending at version 2, whose entry 3 is the deputy's: released, taken again at 4, settled
    at('2026-11-25');
    const failed = await serviceOn(flaky)
      .perform(MARKET, filed.caseNo, pause, 'pause-puts')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    const stale = await fresh.actionKey(key);
    await serviceOn(fresh).act(MARKET_DEPUTY, filed.caseNo, pause);
    await serviceOn(fresh).act(MARKET_DEPUTY, filed.caseNo, { action: 'resume' });
    at('2026-11-26');
    const retry = await serviceOn(flaky).perform(MARKET, filed.caseNo, pause, 'pause-puts');
    const again = await serviceOn(flaky).perform(MARKET, filed.caseNo, pause, 'pause-puts');
    destroy();

    // Assess
    expect(failed?.message).toBe('throttled');
    expect(stale).toMatchObject({ base: 2 });
    expect(retry).toMatchObject({ entry: 5, replayed: false, case: { version: 5 } });
    expect(again).toEqual({ ...retry, replayed: true });
    expect(await fresh.actionKey(key)).toMatchObject({ base: 4, entry: 5 });
    expect((await historyUpTo(fresh, filed.caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'accept', 'pause', 'resume', 'pause']);
    expect([...sent].filter((name) => !['GetItemCommand', 'PutItemCommand', 'QueryCommand'].includes(name))).toEqual([]);
    expect(sent.has('PutItemCommand')).toBe(true);
  });

  it('keeps a key record under 1 KB, in the case it belongs to', async () => {
    // Prepare / Act: the longest key a header may carry
    const fresh = await freshStore('cases-key-size');
    at('2026-11-23');
    const filed = await serviceOn(fresh).file(PORTAL, 'key-size-1', request(PORTAL, ZHANG));
    at('2026-11-24');
    const longest = '~'.repeat(128);
    await serviceOn(fresh).perform(MARKET, filed.caseNo, { action: 'accept' }, longest);
    const written = (await db.send(new ScanCommand({ TableName: 'cases-key-size' }))).Items ?? [];

    // Assess
    const record = written.find((i) => (i.sk as string).startsWith('IDEM#'))!;
    expect(record.pk).toBe(`CASE#${filed.caseNo}`);
    expect(record.sk).toBe(`IDEM#${MARKET.name}#${longest}`);
    expect(Buffer.byteLength(JSON.stringify(record), 'utf8')).toBeLessThan(1024);
  });

  it('lets both idempotency records expire by TTL (expiresAt) IDEMPOTENCY_RECORD_DAYS after they are written, and nothing else of the case', async () => {
    // Prepare / Act
    const fresh = await freshStore('cases-key-ttl');
    at('2026-11-23');
    const filed = await serviceOn(fresh).file(PORTAL, 'ttl-1', request(PORTAL, ZHANG));
    at('2026-11-24');
    await serviceOn(fresh).perform(MARKET, filed.caseNo, { action: 'accept' }, 'ttl-2');
    const written = (await db.send(new ScanCommand({ TableName: 'cases-key-ttl' }))).Items ?? [];

    // Assess: 30 days from the filing and from the action, in epoch seconds; the case's own items keep no TTL
    const expiring = Object.fromEntries(written.filter((i) => i.expiresAt !== undefined).map((i) => [`${i.pk as string} ${i.sk as string}`, i.expiresAt as number]));
    const seconds = (iso: string) => Date.parse(iso) / 1000 + IDEMPOTENCY_RECORD_DAYS * 86_400;
    const accepted = (await historyUpTo(fresh, filed.caseNo, Infinity)).find((e) => e.type === 'accept')!;
    expect(expiring).toEqual({
      [`IDEM#${CHANNELS.portal.id}#ttl-1 IDEM`]: Math.floor(seconds(filed.case.receivedAt)),
      [`CASE#${filed.caseNo} IDEM#${MARKET.name}#ttl-2`]: Math.floor(seconds(accepted.at)),
    });
    // A replay after the record expired names uploads that expired long before: refused, no second case.
    expect(IDEMPOTENCY_RECORD_DAYS).toBeGreaterThan(MATERIALS_BUCKET.unreferencedUploadExpiryDays);
    expect(await fresh.filing(CHANNELS.portal.id, 'ttl-1')).not.toHaveProperty('expiresAt');
  });
});

/**
 * A page of a listing's key of before issue 21 read as the store read it then (one index query, its
 * cursor a start key: case-listings.ts at 7064de4): the cursor a client holds, and the sort key it stopped at.
 */
async function legacyPage(tableName: string, index: { name: string; partitionKey: string; sortKey: string }, partition: string, limit: number) {
  const page = await queryIndexPage(db, {
    tableName,
    table: CASES_TABLE,
    index,
    partition,
    itemPrefix: 'CASE#',
    listedSortKey: /^(?:HEAD|FINDING#[a-z-]+#\d{4}-\d{2}-\d{2})$/,
    page: { limit },
  });
  expect(page.items).toHaveLength(limit);
  return { cursor: page.nextCursor!, sortKey: page.items.at(-1)![index.sortKey] as string };
}

/** Every case a listing answers from `cursor` on, page by page. */
async function pagesFrom(list: (page: CasePage) => Promise<CaseList>, limit: number, cursor: string | undefined): Promise<CaseState[]> {
  const cases: CaseState[] = [];
  do {
    const page = await list({ limit, ...(cursor ? { cursor } : {}) });
    cases.push(...page.cases);
    cursor = page.nextCursor;
  } while (cursor);
  return cases;
}

describe('DynamoCaseStore: listings', () => {
  it("lists a channel's cases from every shard and from the key of before the shards, in order, each once", async () => {
    // Prepare: 12 cases of 4 applicants; 5 of their heads moved back under `CH#<channel>` alone, as a
    // table written before issue 21 holds them
    const fresh = await freshStore('cases-channel-legacy');
    const applicants = [ZHANG, LI, SHOP, { ...ZHANG, residentId: residentId('53010219700101001') }] as Applicant[];
    const filed: CaseState[] = [];
    for (let i = 0; i < 12; i++) {
      filed.push((await file({ store: fresh, by: PORTAL, key: `legacy-${i}`, app: application(applicants[i % 4]!), date: '2026-11-23', minute: i })).state);
    }
    const ix = CASES_TABLE.indexes.channelCases;
    for (const s of filed.slice(0, 5)) {
      await db.send(
        new UpdateCommand({
          TableName: 'cases-channel-legacy',
          Key: { pk: `CASE#${s.caseNo}`, sk: 'HEAD' },
          UpdateExpression: 'SET #pk = :old',
          ExpressionAttributeNames: { '#pk': ix.partitionKey },
          ExpressionAttributeValues: { ':old': `CH#${PORTAL.channelId!}` },
        }),
      );
    }
    const applicantId = (s: CaseState) => (s.applicant.kind === 'person' ? s.applicant.residentId : s.applicant.creditCode);
    const order = (list: CaseState[]) => list.map((s) => `${applicantId(s)}#${s.receivedAt}#${s.caseNo}`).sort();
    const keyOf = (s: CaseState) => `${applicantId(s)}#${s.receivedAt}#${s.caseNo}`;

    // A client's cursor from before the shards: a page of `CH#<channel>` alone, as the store read it then.
    const held = await legacyPage('cases-channel-legacy', ix, `CH#${PORTAL.channelId!}`, 2);

    // Act
    const everyone = await allPages((page) => fresh.channelCases(PORTAL.channelId!, undefined, page), 2);
    const zhang = await allPages((page) => fresh.channelCases(PORTAL.channelId!, ZHANG.residentId, page), 1);
    const afterHeld = await pagesFrom((page) => fresh.channelCases(PORTAL.channelId!, undefined, page), 3, held.cursor);
    const elsewhere = await rejection(fresh.channelCases(PORTAL.channelId!, ZHANG.residentId, { limit: 3, cursor: held.cursor }));

    // Assess
    expect(everyone.cases.map(keyOf)).toEqual(order(filed));
    expect(zhang.cases.map(keyOf)).toEqual(order(filed.filter((s) => applicantId(s) === ZHANG.residentId)));
    expect(zhang.cases.some((s) => filed.slice(0, 5).some((old) => old.caseNo === s.caseNo))).toBe(true);
    // The held cursor goes on after the case it stopped at, over every shard (the old key among them).
    expect(afterHeld.map(keyOf)).toEqual(order(filed).filter((k) => k > held.sortKey));
    expect(afterHeld.some((c) => !filed.slice(0, 5).some((old) => old.caseNo === c.caseNo))).toBe(true);
    expect(elsewhere.code).toBe('INVALID_CURSOR');
  });

  it('lists a supervision list from every shard and from the key of before the shards, by deadline, each once', async () => {
    // Prepare: 10 cases accepted over 5 days and marked overdue on one day; 4 of their heads moved
    // back under `SUPERVISION#overdue` alone, as a table written before issue 21 holds them
    const fresh = await freshStore('cases-supervision-legacy');
    const days = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
    const marked: CaseState[] = [];
    for (let i = 0; i < 10; i++) {
      const filed = await file({ store: fresh, by: PORTAL, key: `sup-legacy-${i}`, app: application(ZHANG), date: days[i % 5]!, minute: i });
      await act(fresh, filed.state.caseNo, { action: 'accept' }, on(days[i % 5]!, MARKET, 30 + i));
      marked.push(await act(fresh, filed.state.caseNo, { action: 'mark-overdue' }, on('2026-11-25', SYSTEM_CALLER, i)));
    }
    const ix = CASES_TABLE.indexes.supervision;
    for (const s of marked.slice(0, 4)) {
      await db.send(
        new UpdateCommand({
          TableName: 'cases-supervision-legacy',
          Key: { pk: `CASE#${s.caseNo}`, sk: 'HEAD' },
          UpdateExpression: 'SET #pk = :old',
          ExpressionAttributeNames: { '#pk': ix.partitionKey },
          ExpressionAttributeValues: { ':old': 'SUPERVISION#overdue' },
        }),
      );
    }
    const shards = new Set(marked.slice(4).map((s) => supervisionShardKey('overdue', s.caseNo)));
    expect(shards.size).toBeGreaterThan(1);

    // A client's cursor from before the shards: a page of `SUPERVISION#overdue` alone, as the store read it then.
    const held = await legacyPage('cases-supervision-legacy', ix, 'SUPERVISION#overdue', 2);
    const list = async (cursor: string | undefined) => {
      const pages: { caseNo: string; passed?: string }[] = [];
      do {
        const page = await fresh.listSupervision('overdue', { limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.cases.length).toBeLessThanOrEqual(3);
        pages.push(...page.cases.map((c) => ({ caseNo: c.state.caseNo, ...(c.passedDeadline ? { passed: c.passedDeadline } : {}) })));
        cursor = page.nextCursor;
      } while (cursor);
      return pages;
    };

    // Act
    const pages = await list(undefined);
    const afterHeld = await list(held.cursor);
    const elsewhere = await rejection(fresh.listSupervision('violation', { limit: 3, cursor: held.cursor }));

    // Assess
    const expected = marked.map((s) => ({ caseNo: s.caseNo, passed: s.supervisionDeadline! })).sort((a, b) => (`${a.passed}#${a.caseNo}` < `${b.passed}#${b.caseNo}` ? -1 : 1));
    expect(pages).toEqual(expected);
    // The held cursor goes on after the case it stopped at, over every shard (the old key among them).
    expect(afterHeld).toEqual(expected.filter((c) => `${c.passed}#${c.caseNo}` > held.sortKey));
    expect(afterHeld.some((c) => !marked.slice(0, 4).some((old) => old.caseNo === c.caseNo))).toBe(true);
    expect(elsewhere.code).toBe('INVALID_CURSOR');
  });

  it('keeps the queue in order when shards stop early, at their share of a page (as at DynamoDB’s 1 MB page)', async () => {
    // Prepare: received cases of about 100 KB each (a large form), filed over ten days until one shard
    // of the 128 holds 3: a page of 2 asks each shard for 2 (shardLimit), so that shard stops early
    const fresh = await freshStore('cases-fat-queue');
    const big = { 说明: 'x'.repeat(100_000) };
    const days = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'];
    const received: CaseState[] = [];
    const perShard = new Map<number, number>();
    for (let i = 0; Math.max(0, ...perShard.values()) < 3; i++) {
      if (i === 300) throw new Error('300 cases and no shard holds 3: the shards are not a hash');
      const s = (await file({ store: fresh, by: PORTAL, key: `fat-${i}`, app: application(ZHANG, FOOD, big), date: days[i % days.length]!, minute: i % 60 })).state;
      received.push(s);
      perShard.set(queueShard(s.caseNo), (perShard.get(queueShard(s.caseNo)) ?? 0) + 1);
    }
    expect(shardLimit(2, 128)).toBe(2);
    const expected = [...received].sort((a, b) => (`${a.deemedAcceptedOn!}#${a.caseNo}` < `${b.deemedAcceptedOn!}#${b.caseNo}` ? -1 : 1));

    // Act
    const pages = await allPages((page) => fresh.departmentQueue(DEPARTMENTS.market.id, 'received', page), 2);

    // Assess: every case once, in order, no page over its limit
    expect(pages.cases.map((s) => s.caseNo)).toEqual(expected.map((s) => s.caseNo));
    expect(pages.pages.every((p) => p.length <= 2)).toBe(true);
  });
});
