// The statistics kept on dynalite (over the wire protocol): each case event's fact kept once and its
// bucket marked, the summaries made again from the facts on a roll-up, a replay changing nothing, a
// mark made during a roll-up surviving it, summaries split over items and read back whole, the
// figures of a period, the findings counted by rule from the supervision table's index.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { DynamoStatisticsStore, SUMMARY_PART_BYTES } from '../../shared/adapters/dynamo-statistics-store.ts';
import { evaluationsOf, findingsByRule, publishedItemCount } from '../../shared/adapters/dynamo-statistics-sources.ts';
import { findingShardKey } from '../../shared/adapters/shard-keys.ts';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { caseEvent } from '../../shared/domain/events/case-event.ts';
import { StatisticsKeeper } from '../../shared/domain/statistics/statistics-keeper.ts';
import { StatisticsService } from '../../shared/domain/statistics/statistics-service.ts';
import { statisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import type { StatisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import { addUp, summarise } from '../../shared/domain/statistics/statistics-figures.ts';
import type { SummaryRow } from '../../shared/domain/statistics/statistics-figures.ts';
import { FOOD, HALL, MARKET, PORTAL, REVIEWER } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { CHANNELS, DEPARTMENTS, fixtureDirectory } from '../support/directory-fixtures.ts';

const TABLE = 'tongban-it-statistics';
const SUPERVISION = 'tongban-it-supervision';
let db: DynamoDBDocumentClient;
let stop: () => Promise<void>;
let store: DynamoStatisticsStore;

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  stop = dynamo.close;
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, { ...LOCAL_TABLES, statistics: TABLE, supervision: SUPERVISION });
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoStatisticsStore(db, TABLE);
});
afterAll(async () => stop());

const ctx = (date: string, actor: Caller, minute: number): CaseContext => ({
  actor,
  at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`,
  today: date,
  calendar: officialCalendar,
});

/** A FOOD case filed by `channel` on 30 Sep, then `steps`: its states and the event of each. */
function caseWith(caseNo: string, channel: Caller, steps: [string, CaseCommand][]) {
  const first = fileCase(
    {
      caseNo,
      item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: {},
      materials: { 食品经营许可申请书: upload('a'), 营业执照: upload('b'), 经营场所平面布局图: upload('c'), 食品安全管理制度文本: upload('d') },
    },
    ctx('2026-09-30', channel, 0),
  );
  const events: CaseEvent[] = [caseEvent(first.state, first.entry)];
  let state: CaseState = first.state;
  steps.forEach(([date, command], i) => {
    const t = applyCaseCommand(state, command, ctx(date, command.action === 'withdraw' ? channel : MARKET, i + 1));
    state = t.state;
    events.push(caseEvent(t.state, t.entry));
  });
  return { state, events };
}

const CASES = [
  caseWith('KM20260930000101', PORTAL, [
    ['2026-10-08', { action: 'accept' }],
    ['2026-10-09', { action: 'decide', outcome: 'approved' }],
  ]),
  caseWith('KM20260930000102', HALL, [['2026-10-08', { action: 'refuse', reasons: ['不属于本部门职权范围'] }]]),
  caseWith('KM20260930000103', PORTAL, [
    ['2026-10-08', { action: 'accept' }],
    ['2026-10-09', { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 2 }],
  ]),
  caseWith('KM20260930000104', HALL, [['2026-10-09', { action: 'withdraw', reason: '不办了' }]]),
];
const states = new Map(CASES.map((c) => [c.state.caseNo, c.state]));
const directory = fixtureDirectory();
const keeper = () =>
  new StatisticsKeeper({
    store,
    cases: { read: (caseNo) => Promise.resolve(states.has(caseNo) ? { state: states.get(caseNo)! } : undefined) },
    directory: () => Promise.resolve(directory),
    calendar: { current: () => Promise.resolve(officialCalendar) },
  });
const kindOf = (id: string) => directory.channels.find((c) => c.id === id)?.kind;
/** What the summaries must be: the facts derived directly, summed per day. */
const expectedDays = () => {
  const facts = CASES.flatMap((c) => c.events.map((e) => statisticsFact({ id: e.id, action: e.data.action, on: e.data.on }, c.state, kindOf(c.state.channelId), officialCalendar)));
  const byDay = new Map<string, SummaryRow[]>();
  for (const day of new Set(facts.flatMap((f) => (f ? [f.on] : []))).values()) byDay.set(day, summarise(facts.filter((f) => f?.on === day).map((f) => f!)));
  return byDay;
};
const market = DEPARTMENTS.market.id;

describe('the statistics store and keeper', () => {
  it('keeps each event once, rolls the changed buckets up, and a replay changes no figure', async () => {
    const k = keeper();
    const outcomes = [];
    for (const c of CASES) for (const e of c.events) outcomes.push(await k.record(e));
    // 4 filings, 2 acceptances, a decision, a refusal, a pause, a withdrawal: 10 facts; the resume-less rest counts nothing.
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'nothing')).toHaveLength(outcomes.length - 10);
    expect((await store.changedBuckets(100)).map((b) => `${b.day} ${b.departmentId}`)).toEqual([`2026-09-30 ${market}`, `2026-10-08 ${market}`, `2026-10-09 ${market}`]);
    expect(await k.rollUp()).toEqual({ buckets: 3, more: false });
    expect(await store.changedBuckets(100)).toEqual([]);

    const expected = expectedDays();
    const read = await store.summaries(market, '2026-09-01', '2026-10-31');
    expect(read.map((d) => d.day)).toEqual([...expected.keys()].sort());
    for (const d of read) expect(d.rows).toEqual(expected.get(d.day));
    expect(read.map((d) => d.facts)).toEqual([4, 3, 3]);

    // Every event again (the bus's replay), and some twice at once: duplicates, the same summaries.
    const again = await Promise.all(CASES.flatMap((c) => c.events.flatMap((e) => [k.record(e), k.record(e)])));
    expect(again.filter((o) => o === 'stored')).toEqual([]);
    await k.rollUp();
    expect(await store.summaries(market, '2026-09-01', '2026-10-31')).toEqual(read);

    // The period's figures from the summaries alone.
    const service = new StatisticsService({
      store,
      directory: () => Promise.resolve(directory),
      publishedItems: () => Promise.resolve(7),
      findingsByRule: () => Promise.resolve({}),
      evaluations: (departmentId, from, to, today) => evaluationsOf(db, LOCAL_TABLES.feedback, departmentId, from, to, today),
    });
    const month = await service.figures(REVIEWER, { period: '2026-10', department: market });
    expect(month.departments[0]!.figures).toMatchObject({
      received: 0,
      accepted: 2,
      approved: 1,
      refused: 1,
      withdrawn: 1,
      pauses: 1,
      promisedOnTimeRate: 1,
      meanWorkingDays: 1,
      p90WorkingDays: 1,
    });
    const portal = await service.figures(REVIEWER, { period: '2026', department: market, channel: CHANNELS.portal.id });
    expect(portal.departments[0]!.figures).toMatchObject({ received: 2, receivedOnline: 2, onlineShare: 1, accepted: 2 });
    const pub = await service.publicFigures('2026-09');
    expect(pub.departments.find((d) => d.departmentId === market)).toMatchObject({ itemsPublished: 7, received: 4, onlineShare: 0.5 });
    expect(JSON.stringify(pub)).not.toMatch(/KM2026|张三|11010519491231002X/);
  });

  it('keeps a bucket changed when it is marked again while its roll-up runs', async () => {
    const bucket = { day: '2026-11-02', departmentId: market };
    await store.markChanged(bucket);
    const [read] = await store.changedBuckets(100);
    await store.markChanged(bucket);
    await store.settle(read!);
    expect((await store.changedBuckets(100)).map((b) => b.day)).toEqual(['2026-11-02']);
    const [now] = await store.changedBuckets(100);
    await store.settle(now!);
    expect(await store.changedBuckets(100)).toEqual([]);
  });

  it('reads the facts and marks kept before the shards (one fact each, though a replay put it again in its shard), and spreads a bucket’s facts over its shards', async () => {
    const bucket = { day: '2026-11-04', departmentId: 'LEGACY' };
    const fact = (n: number): StatisticsFact => ({
      eventId: `20261104000000${String(n).padStart(4, '0')}.1`,
      on: bucket.day,
      departmentId: bucket.departmentId,
      itemCode: 'X',
      channelId: 'portal',
      counts: { received: 1 },
    });
    // Facts 0-9 and a mark under the keys of before issue 21; 3 of them replayed since (put again, in their shards); 10-39 put now.
    for (let n = 0; n < 10; n++) await db.send(new PutCommand({ TableName: TABLE, Item: { pk: `FACT#${bucket.day}#${bucket.departmentId}`, sk: fact(n).eventId, fact: fact(n) } }));
    await db.send(new PutCommand({ TableName: TABLE, Item: { pk: 'CHANGED', sk: `${bucket.day}#${bucket.departmentId}`, token: 'old' } }));
    for (const n of [2, 5, 9]) expect(await store.putFact(fact(n))).toBe('stored');
    for (let n = 10; n < 40; n++) expect(await store.putFact(fact(n))).toBe('stored');
    expect(await store.putFact(fact(20))).toBe('duplicate');
    await store.markChanged(bucket);
    const facts: StatisticsFact[] = [];
    for await (const f of store.facts(bucket)) facts.push(f);
    expect(facts.map((f) => f.eventId).sort()).toEqual(Array.from({ length: 40 }, (_, n) => fact(n).eventId));
    expect(await store.fact(bucket, fact(3).eventId)).toEqual(fact(3));
    expect(await store.fact(bucket, fact(30).eventId)).toEqual(fact(30));
    expect(await store.fact(bucket, 'none')).toBeUndefined();
    const shards = await db.send(new ScanCommand({ TableName: TABLE }));
    expect(new Set(shards.Items!.filter((i) => String(i.pk).startsWith(`FACT#${bucket.day}#${bucket.departmentId}#`)).map((i) => i.pk)).size).toBeGreaterThan(5);
    // The old mark and the new one: one bucket, both cleared by its settling.
    const changed = (await store.changedBuckets(100)).filter((b) => b.departmentId === bucket.departmentId);
    expect(changed.map((b) => b.day)).toEqual([bucket.day]);
    await store.settle(changed[0]!);
    expect((await store.changedBuckets(100)).filter((b) => b.departmentId === bucket.departmentId)).toEqual([]);
  });

  it('splits a large summary over items, reads it back whole, and drops the parts a shorter one leaves', async () => {
    const bucket = { day: '2026-11-03', departmentId: 'BIG' };
    const row = (i: number): SummaryRow => ({
      itemCode: `ITEM-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`,
      channelId: 'portal',
      counts: { received: i, accepted: i, approved: 1 },
      workingDays: Object.fromEntries(Array.from({ length: 20 }, (_, d) => [String(d), i])),
    });
    const rows = Array.from({ length: 3000 }, (_, i) => row(i));
    expect(Buffer.byteLength(JSON.stringify(rows))).toBeGreaterThan(2 * SUMMARY_PART_BYTES);
    await store.putSummary(bucket, { rows, facts: 3000 });
    const [big] = await store.summaries('BIG', '2026-11-03', '2026-11-03');
    expect(big!.rows).toEqual(rows);
    await store.putSummary(bucket, { rows: rows.slice(0, 10), facts: 10 });
    const [small] = await store.summaries('BIG', '2026-11-01', '2026-11-30');
    expect(small).toEqual({ day: '2026-11-03', facts: 10, rows: rows.slice(0, 10) });
    expect(addUp([small!.rows]).length).toBe(10);
  });

  it('keeps a month document once', async () => {
    const doc = { month: '2026-10', document: '{"a":1}', seal: { protected: 'p', signature: 's' }, archiveKey: 'statistics/2026-10.json', sealedAt: '2026-11-01T00:05:00.000Z' };
    expect(await store.putDocument(doc)).toBe('written');
    expect(await store.putDocument({ ...doc, document: '{"a":2}' })).toBe('exists');
    expect(await store.document('2026-10')).toEqual(doc);
    expect(await store.document('2026-09')).toBeUndefined();
  });

  it('counts the findings a department was given in a period by rule, and the items it lists', async () => {
    // Finding heads with the attributes the findings store writes (issue 17 plan, part C): in their shards
    // of the department's list, and f2 under its key of before the shards (a head written before issue 21).
    const head = (id: string, rule: string, departmentId: string, raisedOn: string) => ({
      pk: `FINDING#${id}`,
      sk: 'HEAD',
      rule,
      severity: 'red',
      state: 'open',
      departmentId,
      raisedOn,
      dueOn: raisedOn,
      fdPk: id === 'f2' ? `DEPT#${departmentId}` : findingShardKey(`DEPT#${departmentId}`, id),
      fdSk: `${raisedOn}#${id}`,
      frPk: `RULE#${rule}`,
      frSk: `${raisedOn}#${id}`,
    });
    for (const h of [
      head('f1', 'statutory-deadline-passed', market, '2026-10-31'),
      head('f2', 'statutory-deadline-passed', market, '2026-10-01'),
      head('f3', 'second-supplement-round', market, '2026-10-15'),
      head('f4', 'second-supplement-round', market, '2026-11-01'),
      head('f5', 'second-supplement-round', DEPARTMENTS.housing.id, '2026-10-15'),
    ]) {
      await db.send(new PutCommand({ TableName: SUPERVISION, Item: h }));
    }
    expect(await findingsByRule(db, SUPERVISION, market, '2026-10-01', '2026-10-31')).toEqual({ 'second-supplement-round': 1, 'statutory-deadline-passed': 2 });
    expect(await findingsByRule(db, SUPERVISION, market, '2026-10-15', '2026-10-15')).toEqual({ 'second-supplement-round': 1 });
    for (const [code, dept] of [
      ['A1', market],
      ['A2', market],
      ['A3', DEPARTMENTS.housing.id],
    ] as const) {
      await db.send(new PutCommand({ TableName: LOCAL_TABLES.items, Item: { pk: `ITEM#${code}`, sk: 'HEAD', catPk: 'LISTED', catDeptPk: `LISTED#${dept}`, catSk: `t#${code}` } }));
    }
    expect(await publishedItemCount(db, LOCAL_TABLES.items, market)).toBe(2);
  });
});
