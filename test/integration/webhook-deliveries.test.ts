// Webhooks end to end on the local stand-ins: the DynamoDB event store against dynalite (over the
// wire protocol), the events API function (subscriptions, failures, redelivery, the feed) and the
// deliveries function given SQS batches as the bus's rule gives them, sending to real HTTP receivers
// on 127.0.0.1. Signatures are checked with the `standardwebhooks` library. The schedule's clock is
// injected and advanced; nothing sleeps.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import type { ApiHandler } from '../../functions/http/api-handler.ts';
import { caseKey, entryKey } from '../../shared/adapters/case-items.ts';
import { DynamoCaseOutbox, DynamoEventStore } from '../../shared/adapters/dynamo-event-store.ts';
import { deliveryShardKey, shardLimit } from '../../shared/adapters/shard-keys.ts';
import { EVENTS_TABLE as EVENTS_LAYOUT } from '../../shared/adapters/table-layout.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { RETRY_BACKOFF_SECONDS } from '../../shared/domain/events/delivery-schedule.ts';
import type { Owner, PendingDelivery, Subscription } from '../../shared/domain/events/ports.ts';
import { TEST_ACCOUNT, apiEvent, lambdaContext } from '../support/api-event.ts';
import type { ApiEventInit } from '../support/api-event.ts';
import { busRecordBody, caseEventOf, caseEvents } from '../support/case-event-fixtures.ts';
import type { CaseParties } from '../support/case-event-fixtures.ts';
import { CHANNELS, DEPARTMENTS, fixtureDirectory } from '../support/directory-fixtures.ts';
import { failure } from '../support/refusal.ts';

const EVENTS_TABLE = 'tongban-it-events';
const CASES_TABLE = 'tongban-it-cases';
const arnOf = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`;

let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let stop: () => Promise<void>;
let store: DynamoEventStore;
let clock = new Date('2026-11-23T02:00:00.000Z');
const now = () => clock;
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
let events: ApiHandler;
let deliver: (event: SQSEvent) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, { ...LOCAL_TABLES, cases: CASES_TABLE, events: EVENTS_TABLE });
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoEventStore(db, EVENTS_TABLE);
  await new DynamoDirectory(db, LOCAL_TABLES.directory).save(fixtureDirectory(arnOf));
  // The functions' environment, as the CDK app (or the embedded platform) gives it, before their modules build their clients.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'x');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'x');
  vi.stubEnv('EVENTS_TABLE', EVENTS_TABLE);
  vi.stubEnv('CASES_TABLE', CASES_TABLE);
  vi.stubEnv('FEEDBACK_TABLE', LOCAL_TABLES.feedback);
  vi.stubEnv('DIRECTORY_TABLE', LOCAL_TABLES.directory);
  vi.stubEnv('WEBHOOK_ALLOW_HTTP_LOOPBACK', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  events = (await import('../../functions/events/handler.ts')).eventsHandler({ now });
  const fn = (await import('../../functions/deliveries/handler.ts')).deliveriesHandler({ now });
  deliver = (event) => fn(event, lambdaContext('tongban-deliveries'));
  stop = async () => {
    raw.destroy();
    await dynamo.close();
  };
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stop();
});

/** Case numbers: unique per test, so the tests share one table. */
let caseSeq = 0;
const newCaseNo = () => `20261123000${String(++caseSeq).padStart(3, '0')}WH00`;

/** The case's history entries 1..n in the cases table, each carrying its event (the outbox). */
async function history(parties: CaseParties, n: number): Promise<CaseEvent[]> {
  const caseNo = newCaseNo();
  const list = caseEvents(caseNo, parties, n);
  for (const e of list) {
    await db.send(new PutCommand({ TableName: CASES_TABLE, Item: { pk: caseKey(caseNo), sk: entryKey(e.data.version), entry: { n: e.data.version }, event: e } }));
  }
  return list;
}

let messageSeq = 0;
const batch = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => ({
    messageId: `m-${++messageSeq}`,
    receiptHandle: 'r',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'events.amazonaws.com', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:cn-north-1:111122223333:tongban-test-deliveries',
    awsRegion: 'cn-north-1',
  })),
});
const TICK = JSON.stringify({ tick: true });
const tick = () => deliver(batch([TICK]));

/** An HTTP receiver on 127.0.0.1: records what it is sent, answers what `status` says. */
class Receiver {
  readonly received: { id: string; status: number; body: string; headers: IncomingHttpHeaders }[] = [];
  status: () => number = () => 204;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.status();
        this.received.push({ id: String(req.headers['webhook-id']), status, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((res) => this.server!.listen(port, '127.0.0.1', () => res()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/tongban`;
  }

  /** The ids it answered 2xx, in order. */
  accepted(): string[] {
    return this.received.filter((r) => r.status < 300).map((r) => r.id);
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((res) => s.close(() => res()));
    s.closeAllConnections();
  }
}

const call = async (principal: string, init: Omit<ApiEventInit, 'userArn'>): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res: APIGatewayProxyResult = await events(apiEvent({ ...init, userArn: arnOf(principal) }), lambdaContext('tongban-events'));
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
};
const errorOf = (res: { body: Record<string, unknown> }) => (res.body.error ?? {}) as { code?: string; field?: string };
const subscribe = async (principal: string, url: string, types?: string[]) => {
  const res = await call(principal, { method: 'POST', resource: '/v1/subscriptions', body: { url, ...(types ? { types } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as Subscription;
};
const unsubscribe = (principal: string, id: string) => call(principal, { method: 'DELETE', resource: '/v1/subscriptions/{id}', pathParameters: { id } });

const MARKET = DEPARTMENTS.market.id;
const HOUSING = DEPARTMENTS.housing.id;
const POLICE = DEPARTMENTS.police.id;
const PORTAL = CHANNELS.portal.id;
const HALL = CHANNELS.hall.id;

describe('the DynamoDB event store', () => {
  const owner: Owner = { kind: 'department', id: 'store-dept' };

  it('saves an owner’s subscriptions on condition of the revision read', async () => {
    expect(await store.subscriptions(owner)).toEqual({ subscriptions: [], revision: 0 });
    const sub: Subscription = {
      id: 'sub_000000000000000000000001',
      owner,
      url: 'https://hooks.example.cn/',
      types: [],
      secret: 'whsec_x',
      createdAt: clock.toISOString(),
      createdBy: 'x',
    };
    expect(await store.saveSubscriptions(owner, [sub], 0)).toBe(true);
    expect(await store.saveSubscriptions(owner, [], 0)).toBe(false);
    expect(await store.subscriptions(owner)).toEqual({ subscriptions: [sub], revision: 1 });
    expect(await store.saveSubscriptions(owner, [], 1)).toBe(true);
    expect(await store.subscriptions(owner)).toEqual({ subscriptions: [], revision: 2 });
  });

  it('moves a watermark only from where it is', async () => {
    const caseNo = newCaseNo();
    expect(await store.routedVersion(caseNo)).toBe(0);
    expect(await store.moveRouted(caseNo, 1, 2)).toBe(false);
    expect(await store.moveRouted(caseNo, 0, 3)).toBe(true);
    expect(await store.moveRouted(caseNo, 0, 4)).toBe(false);
    expect(await store.moveRouted(caseNo, 3, 5)).toBe(true);
    expect(await store.routedVersion(caseNo)).toBe(5);
  });

  it('pages a feed by cursor up to `until`, keeps the cursor on an empty page, refuses another owner’s cursor', async () => {
    const caseNo = newCaseNo();
    const list = caseEvents(caseNo, { channelId: PORTAL, departmentId: MARKET }, 5);
    for (const [i, e] of list.entries()) await store.addToFeed(owner, e, `2026-11-23T03:00:0${i}.000Z`);
    const first = await store.feed(owner, { until: '2026-11-23T03:00:03.000Z', limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual([list[0]!.id, list[1]!.id]);
    const second = await store.feed(owner, { cursor: first.cursor, until: '2026-11-23T03:00:03.000Z', limit: 2 });
    // Routed at 03:00:03 is not before `until`: not read yet.
    expect(second.events.map((e) => e.id)).toEqual([list[2]!.id]);
    expect(second.more).toBe(false);
    const empty = await store.feed(owner, { cursor: second.cursor, until: '2026-11-23T03:00:03.000Z', limit: 2 });
    expect(empty.events).toEqual([]);
    const later = await store.feed(owner, { cursor: empty.cursor, until: '2026-11-23T04:00:00.000Z', limit: 10 });
    expect(later.events.map((e) => e.id)).toEqual([list[3]!.id, list[4]!.id]);
    expect((await store.feed(owner, { since: '2026-11-23T03:00:04.000Z', until: '2026-11-23T04:00:00.000Z', limit: 10 })).events.map((e) => e.id)).toEqual([list[4]!.id]);
    expect(((await failure(store.feed({ kind: 'channel', id: 'other' }, { cursor: first.cursor, until: '2026-11-23T04:00:00.000Z', limit: 2 }))) as { code: string }).code).toBe(
      'INVALID_CURSOR',
    );
  });

  it('merges a feed from its shards and its key of before the shards, in order, over pages of any size', async () => {
    const merged: Owner = { kind: 'channel', id: 'shard-channel' };
    // 40 cases' first events routed a millisecond apart (spread over the shards by case), and 6 put under the old key `FEED#channel#<id>`.
    const routed: { id: string; at: string }[] = [];
    for (let i = 0; i < 46; i++) {
      const [e] = caseEvents(newCaseNo(), { channelId: 'shard-channel', departmentId: MARKET }, 1) as [CaseEvent];
      const at = new Date(Date.parse('2026-11-23T05:00:00.000Z') + i).toISOString();
      if (i % 8 === 3) await db.send(new PutCommand({ TableName: EVENTS_TABLE, Item: { pk: 'FEED#channel#shard-channel', sk: `${at}#${e.subject}#0000000001`, event: e } }));
      else await store.addToFeed(merged, e, at);
      routed.push({ id: e.id, at });
    }
    const partitions = new Set(
      (await db.send(new ScanCommand({ TableName: EVENTS_TABLE }))).Items!.filter((i) => String(i.pk).startsWith('FEED#channel#shard-channel')).map((i) => i.pk),
    );
    expect(partitions.size).toBeGreaterThan(10);
    for (const limit of [3, 100]) {
      const read: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.feed(merged, { ...(cursor ? { cursor } : {}), until: '2026-11-23T06:00:00.000Z', limit });
        expect(page.events.length).toBeLessThanOrEqual(limit);
        read.push(...page.events.map((e) => e.id));
        cursor = page.cursor;
        if (!page.more) break;
      }
      expect(read).toEqual(routed.map((r) => r.id));
    }
    // `until` still bounds every shard: the first 10 only.
    expect((await store.feed(merged, { until: routed[10]!.at, limit: 100 })).events.map((e) => e.id)).toEqual(routed.slice(0, 10).map((r) => r.id));
  });

  it('lists due pairs from the shards of the `due` index and its `DUE` key of before the shards, soonest first', async () => {
    const sub = 'sub_0000000000000000000000d1';
    // A store that has not yet seen the `DUE` key empty (a store stops looking at it once it has).
    const fresh = new DynamoEventStore(db, EVENTS_TABLE);
    const due = Array.from({ length: 30 }, (_, i) => ({ key: newCaseNo(), nextAt: new Date(Date.parse('2026-11-20T01:00:00.000Z') + i * 1000).toISOString() }));
    // The markers of before first (a table holds them when the shards come), then the new ones.
    for (const d of due.filter((_, i) => i % 5 === 2)) {
      const Item = { pk: `DLV#${sub}`, sk: `P#${d.key}`, owner, nextAt: d.nextAt, rev: 1, duePk: 'DUE', dueSk: `${d.nextAt}#${sub}#${d.key}` };
      await db.send(new PutCommand({ TableName: EVENTS_TABLE, Item }));
    }
    for (const d of due.filter((_, i) => i % 5 !== 2)) expect(await fresh.putPairMarker({ subscriptionId: sub, owner, key: d.key, nextAt: d.nextAt, rev: 1 }, 'absent')).toBe(true);
    const pairs = due.map((d) => ({ subscriptionId: sub, key: d.key }));
    // The old key holds 6 (the 3rd, 8th… 28th), more than its share of a page (5 of 100 over 129 partitions): the page stops at its 5th, the 23rd.
    expect(shardLimit(100, EVENTS_LAYOUT.dueShards + 1)).toBe(5);
    expect((await fresh.duePairs('2026-11-20T01:00:29.000Z', 100)).filter((p) => p.subscriptionId === sub)).toEqual(pairs.slice(0, 23));
    // The sweep moved the markers of before into their shards: now every one, soonest first; a page of 12, the 12 soonest or fewer.
    expect((await fresh.duePairs('2026-11-20T01:00:29.000Z', 100)).filter((p) => p.subscriptionId === sub)).toEqual(pairs);
    const twelve = (await fresh.duePairs('2026-11-20T01:00:29.000Z', 12)).filter((p) => p.subscriptionId === sub);
    expect(twelve.length).toBeGreaterThan(0);
    expect(twelve).toEqual(pairs.slice(0, twelve.length));
    for (const d of due) {
      expect(await fresh.pairMarker(sub, d.key)).toMatchObject({ nextAt: d.nextAt, rev: 1 });
      expect((await db.send(new GetCommand({ TableName: EVENTS_TABLE, Key: { pk: `DLV#${sub}`, sk: `P#${d.key}` } }))).Item).toBeUndefined();
      expect(await fresh.deletePairMarker(sub, d.key, 1)).toBe(true);
    }
  });

  it('adds a pending delivery once, moves it to delivered or parked by a put and a delete, and lists due pairs by the `due` index', async () => {
    const caseNo = newCaseNo();
    const sub = 'sub_0000000000000000000000a1';
    const [e1, e2] = caseEvents(caseNo, { channelId: PORTAL, departmentId: MARKET }, 2) as [CaseEvent, CaseEvent];
    const pending: PendingDelivery = { subscriptionId: sub, owner, event: e1, attempts: 0, nextAt: clock.toISOString(), queuedAt: clock.toISOString() };
    await store.addPending(pending);
    await store.addPending({ ...pending, attempts: 5 });
    await store.addPending({ ...pending, event: e2 });
    expect((await store.pendingOfPair(sub, caseNo, 10)).map((d) => [d.event.id, d.attempts])).toEqual([
      [e1.id, 0],
      [e2.id, 0],
    ]);
    await store.markDelivered(pending, clock.toISOString());
    expect(await store.deliveryState(sub, caseNo, 1)).toEqual({ delivered: true });
    const item = await db.send(new GetCommand({ TableName: EVENTS_TABLE, Key: { pk: deliveryShardKey(sub, caseNo), sk: `D#${caseNo}#0000000001` } }));
    expect(item.Item?.expiresAt).toBe(Math.floor(clock.getTime() / 1000) + 7 * 86_400);
    await store.park({ subscriptionId: sub, owner, event: e2, attempts: 8, lastError: 'HTTP 500', parkedAt: clock.toISOString() });
    expect(await store.pendingOfPair(sub, caseNo, 10)).toEqual([]);
    expect((await store.parked(sub, { limit: 10 })).items.map((p) => p.event.id)).toEqual([e2.id]);
    // Markers: one per pair, conditional on its revision; due by its time, or its lease's end.
    const marker = { subscriptionId: sub, owner, key: caseNo, nextAt: '2026-11-23T01:00:00.000Z', rev: 1 };
    expect(await store.putPairMarker(marker, 'absent')).toBe(true);
    expect(await store.putPairMarker(marker, 'absent')).toBe(false);
    expect(await store.duePairs('2026-11-23T01:00:00.000Z', 10)).toContainEqual({ subscriptionId: sub, key: caseNo });
    expect(await store.duePairs('2026-11-23T00:59:59.999Z', 10)).not.toContainEqual({ subscriptionId: sub, key: caseNo });
    expect(await store.putPairMarker({ ...marker, lease: { id: 'l', until: '2026-11-23T01:02:00.000Z' }, rev: 2 }, 1)).toBe(true);
    expect(await store.duePairs('2026-11-23T01:01:00.000Z', 10)).not.toContainEqual({ subscriptionId: sub, key: caseNo });
    expect(await store.deletePairMarker(sub, caseNo, 1)).toBe(false);
    expect(await store.deletePairMarker(sub, caseNo, 2)).toBe(true);
    expect(await store.dropSubscriptionDeliveries(sub, 10)).toBe(1);
    expect((await store.parked(sub, { limit: 10 })).items).toEqual([]);
  });

  it('moves a pair kept under a subscription’s key of before the shards into its shard — when a new delivery comes, or the sweep meets it — so its deliveries go out in order; lists and drops what was parked there', async () => {
    const sub = 'sub_0000000000000000000000e1';
    const legacy = `DLV#${sub}`;
    const at = '2026-11-20T02:00:00.000Z';
    const pendingOf = (e: CaseEvent): PendingDelivery => ({ subscriptionId: sub, owner, event: e, attempts: 0, nextAt: at, queuedAt: at });
    const putLegacy = async (item: Record<string, unknown>) => db.send(new PutCommand({ TableName: EVENTS_TABLE, Item: { pk: legacy, ...item } }));
    const legacyMarker = (key: string) => ({ sk: `P#${key}`, owner, nextAt: at, rev: 4, duePk: 'DUE', dueSk: `${at}#${sub}#${key}` });
    // A: versions 1 and 2 pending under the old key, with their marker; version 3 is routed now.
    const a = newCaseNo();
    const [a1, a2, a3] = caseEvents(a, { channelId: PORTAL, departmentId: MARKET }, 3) as [CaseEvent, CaseEvent, CaseEvent];
    for (const e of [a1, a2]) await putLegacy({ sk: `Q#${a}#${String(e.data.version).padStart(10, '0')}`, ...pendingOf(e) });
    await putLegacy(legacyMarker(a));
    // B: version 1 pending under the old key, due; nothing new comes. C: version 1 parked under the old key.
    const b = newCaseNo();
    const [b1] = caseEvents(b, { channelId: PORTAL, departmentId: MARKET }, 1) as [CaseEvent];
    await putLegacy({ sk: `Q#${b}#0000000001`, ...pendingOf(b1) });
    await putLegacy(legacyMarker(b));
    const c = newCaseNo();
    const [c1] = caseEvents(c, { channelId: PORTAL, departmentId: MARKET }, 1) as [CaseEvent];
    await putLegacy({ sk: `F#${c}#0000000001`, subscriptionId: sub, owner, event: c1, attempts: 8, lastError: 'HTTP 500', parkedAt: at });
    const fresh = new DynamoEventStore(db, EVENTS_TABLE);

    // A new delivery of A, as the router adds it: the pair's deliveries are all in its shard, in order.
    await fresh.addPending(pendingOf(a3));
    expect(await fresh.putPairMarker({ subscriptionId: sub, owner, key: a, nextAt: at, rev: 1 }, 'absent')).toBe(true);
    expect((await fresh.pendingOfPair(sub, a, 10)).map((d) => d.event.id)).toEqual([a1.id, a2.id, a3.id]);
    expect(await fresh.pairMarker(sub, a)).toMatchObject({ rev: 1 });
    // The sweep meets B: moved, due, its delivery in its shard.
    expect(await fresh.duePairs('2026-11-20T02:00:00.000Z', 100)).toContainEqual({ subscriptionId: sub, key: b });
    expect(await fresh.pairMarker(sub, b)).toMatchObject({ nextAt: at, rev: 4 });
    expect((await fresh.pendingOfPair(sub, b, 10)).map((d) => d.event.id)).toEqual([b1.id]);
    const left = await db.send(new QueryCommand({ TableName: EVENTS_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': legacy } }));
    expect(left.Items!.map((i) => i.sk)).toEqual([`F#${c}#0000000001`]);
    // C, parked under the old key: listed, found, and dropped.
    expect((await fresh.parked(sub, { limit: 10 })).items.map((p) => p.event.id)).toEqual([c1.id]);
    expect((await fresh.parkedOne(sub, c, 1))?.event.id).toBe(c1.id);
    await fresh.dropParked(sub, c, 1);
    expect((await fresh.parked(sub, { limit: 10 })).items).toEqual([]);
    expect(await fresh.dropSubscriptionDeliveries(sub, 100)).toBe(6);
  });

  it('still moves a pair written under the key of before the shards after the store saw none left there (a function of before, during a deployment), at its next look a minute on', async () => {
    const sub = 'sub_0000000000000000000000e2';
    const at = '2026-11-20T02:00:00.000Z';
    let now = Date.parse('2026-11-20T02:00:00.000Z');
    const store = new DynamoEventStore(db, EVENTS_TABLE, () => now);
    // Nothing under the old `DUE` key (what earlier tests left there, moved by the store's first look, then none).
    await store.duePairs(at, 100);
    now += 60_000;
    await store.duePairs(at, 100);
    const listedOld = async () =>
      (await db.send(new QueryCommand({ TableName: EVENTS_TABLE, IndexName: 'due', KeyConditionExpression: 'duePk = :pk', ExpressionAttributeValues: { ':pk': 'DUE' } }))).Items!;
    expect(await listedOld()).toEqual([]);
    // Then a function of before writes a pair there, as it did: its delivery and its marker under DLV#<sub>, listed under DUE.
    const caseNo = newCaseNo();
    const [e1] = caseEvents(caseNo, { channelId: PORTAL, departmentId: MARKET }, 1) as [CaseEvent];
    await db.send(
      new PutCommand({
        TableName: EVENTS_TABLE,
        Item: { pk: `DLV#${sub}`, sk: `Q#${caseNo}#0000000001`, subscriptionId: sub, owner, event: e1, attempts: 0, nextAt: at, queuedAt: at },
      }),
    );
    await db.send(
      new PutCommand({ TableName: EVENTS_TABLE, Item: { pk: `DLV#${sub}`, sk: `P#${caseNo}`, owner, nextAt: at, rev: 1, duePk: 'DUE', dueSk: `${at}#${sub}#${caseNo}` } }),
    );

    // Within the minute the store trusts what it saw (the pair stays where it is); a minute on, it looks again and moves it.
    now += 30_000;
    await store.duePairs(at, 100);
    expect(await listedOld()).toHaveLength(1);
    now += 30_000;
    await store.duePairs(at, 100);

    expect(await listedOld()).toEqual([]);
    expect(await store.pairMarker(sub, caseNo)).toMatchObject({ nextAt: at, rev: 1 });
    expect((await store.pendingOfPair(sub, caseNo, 10)).map((d) => d.event.id)).toEqual([e1.id]);
    expect(await store.duePairs(at, 100)).toContainEqual({ subscriptionId: sub, key: caseNo });
    expect(await store.dropSubscriptionDeliveries(sub, 100)).toBe(2);
  });

  it('pages a subscription’s parked deliveries over its shards, in order by record and version', async () => {
    const sub = 'sub_0000000000000000000000f1';
    const parked: string[] = [];
    for (let i = 0; i < 25; i++) {
      const [e] = caseEvents(newCaseNo(), { channelId: PORTAL, departmentId: MARKET }, 1) as [CaseEvent];
      await store.park({ subscriptionId: sub, owner, event: e, attempts: 8, lastError: 'HTTP 500', parkedAt: clock.toISOString() });
      parked.push(e.id);
    }
    const read: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.parked(sub, { limit: 7, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(7);
      read.push(...page.items.map((p) => p.event.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(read).toEqual(parked);
    expect(await store.dropSubscriptionDeliveries(sub, 100)).toBe(25);
  });

  it('reads the outbox: entries with their events, and those without (written before events existed)', async () => {
    const caseNo = newCaseNo();
    const e2 = caseEventOf(caseNo, { channelId: PORTAL, departmentId: MARKET }, 2);
    await db.send(new PutCommand({ TableName: CASES_TABLE, Item: { pk: caseKey(caseNo), sk: entryKey(1), entry: { n: 1 } } }));
    await db.send(new PutCommand({ TableName: CASES_TABLE, Item: { pk: caseKey(caseNo), sk: entryKey(2), entry: { n: 2 }, event: e2 } }));
    await db.send(new PutCommand({ TableName: CASES_TABLE, Item: { pk: caseKey(caseNo), sk: 'HEAD', version: 2 } }));
    expect(await new DynamoCaseOutbox(db, CASES_TABLE).entries(caseNo, 1, 5)).toEqual([{ version: 1 }, { version: 2, event: e2 }]);
  });
});

describe('webhooks through the deliveries function', () => {
  let portal: Receiver;
  let hall: Receiver;
  beforeEach(async () => {
    portal = await new Receiver().start();
    hall = await new Receiver().start();
    return async () => {
      await portal.stop();
      await hall.stop();
    };
  });

  it("delivers every event of a channel's cases, in order per case, signed, none of another channel's — however the bus orders and repeats them", async () => {
    const portalSub = await subscribe('portal', portal.url);
    const hallSub = await subscribe('hall-window', hall.url);
    const a = await history({ channelId: PORTAL, departmentId: MARKET }, 6);
    const b = await history({ channelId: PORTAL, departmentId: HOUSING, coDepartmentIds: [MARKET] }, 4);
    const c = await history({ channelId: HALL, departmentId: MARKET }, 3);
    // Out of order, repeated, cases interleaved, over several batches.
    const order = [a[1], c[0], a[0], b[3], a[1], a[4], c[2], b[0], a[2], c[1], a[5], a[3], b[1], b[2], a[5]] as CaseEvent[];
    for (let i = 0; i < order.length; i += 4) {
      const res = await deliver(batch(order.slice(i, i + 4).map(busRecordBody)));
      expect(res.batchItemFailures).toEqual([]);
    }
    const byCase = (r: Receiver, caseNo: string) => r.accepted().filter((id) => id.startsWith(`${caseNo}.`));
    expect(byCase(portal, a[0]!.subject)).toEqual(a.map((e) => e.id));
    expect(byCase(portal, b[0]!.subject)).toEqual(b.map((e) => e.id));
    expect(portal.received).toHaveLength(a.length + b.length);
    expect(hall.accepted()).toEqual(c.map((e) => e.id));
    const verify = (r: Receiver, secret: string) => {
      const wh = new Webhook(secret);
      for (const got of r.received) {
        expect(got.headers['content-type']).toBe('application/cloudevents+json');
        const payload = wh.verify(got.body, got.headers as Record<string, string>) as CaseEvent;
        expect(payload.id).toBe(got.id);
        expect(() => new Webhook(secret === portalSub.secret ? hallSub.secret : portalSub.secret).verify(got.body, got.headers as Record<string, string>)).toThrow();
      }
    };
    verify(portal, (portalSub as unknown as { secret: string }).secret);
    verify(hall, (hallSub as unknown as { secret: string }).secret);
    await unsubscribe('portal', portalSub.id);
    await unsubscribe('hall-window', hallSub.id);
  });

  it('delivers to a receiver that answered 500 for a while, afterwards, once each by id, in order', async () => {
    const sub = await subscribe('portal', portal.url);
    const list = await history({ channelId: PORTAL, departmentId: POLICE }, 3);
    portal.status = () => 500;
    expect((await deliver(batch(list.map(busRecordBody)))).batchItemFailures).toEqual([]);
    // The first was tried and failed; the others wait behind it.
    expect(portal.received.map((r) => [r.id, r.status])).toEqual([[list[0]!.id, 500]]);
    advance(5);
    await tick();
    expect(portal.received.map((r) => [r.id, r.status])).toEqual([
      [list[0]!.id, 500],
      [list[0]!.id, 500],
    ]);
    portal.status = () => 200;
    await tick();
    expect(portal.received).toHaveLength(2);
    advance(300);
    await tick();
    expect(portal.accepted()).toEqual(list.map((e) => e.id));
    // Nothing more to send: later ticks send nothing again.
    advance(3600);
    await tick();
    expect(portal.accepted()).toEqual(list.map((e) => e.id));
    await unsubscribe('portal', sub.id);
  });

  it('parks what a receiver down for good never took, after the whole schedule; lists it; redelivers it on request', async () => {
    const down = await new Receiver().start();
    const port = down.port;
    await down.stop();
    const sub = await subscribe('market', `http://127.0.0.1:${port}/hooks/tongban`, ['cn.tongban.case.file', 'cn.tongban.case.accept']);
    const list = await history({ channelId: PORTAL, departmentId: MARKET }, 3);
    await deliver(batch([busRecordBody(list[2]!)]));
    for (const wait of RETRY_BACKOFF_SECONDS) {
      advance(wait);
      await tick();
    }
    const failures = await call('market', { method: 'GET', resource: '/v1/subscriptions/{id}/failures', pathParameters: { id: sub.id } });
    expect(failures.status).toBe(200);
    const parked = failures.body.failures as { event: CaseEvent; attempts: number; lastError: string }[];
    // Version 3 is a pause: not of the types subscribed to. Version 2 waited behind version 1 the whole
    // schedule: its one attempt failed, and it had been waiting longer than the schedule lasts.
    expect(parked.map((f) => [f.event.id, f.attempts])).toEqual([
      [list[0]!.id, 8],
      [list[1]!.id, 1],
    ]);
    expect(parked[0]!.lastError).toMatch(/ECONNREFUSED/);
    // Back up on the same address; the owner asks for the first one again.
    const back = await new Receiver().start(port);
    try {
      const redelivered = await call('market', { method: 'POST', resource: '/v1/subscriptions/{id}/redeliver', pathParameters: { id: sub.id }, body: { eventIds: [list[0]!.id] } });
      expect(redelivered).toEqual({ status: 200, body: { redelivered: 1, notParked: [] } });
      await tick();
      expect(back.accepted()).toEqual([list[0]!.id]);
      const rest = await call('market', { method: 'POST', resource: '/v1/subscriptions/{id}/redeliver', pathParameters: { id: sub.id }, body: {} });
      expect(rest.body).toEqual({ redelivered: 1, notParked: [] });
      await tick();
      expect(back.accepted()).toEqual([list[0]!.id, list[1]!.id]);
      const none = await call('market', { method: 'GET', resource: '/v1/subscriptions/{id}/failures', pathParameters: { id: sub.id } });
      expect(none.body).toEqual({ failures: [] });
    } finally {
      await back.stop();
      await unsubscribe('market', sub.id);
    }
  });

  it('leaves a record that is no case event to the queue (reported failed), and routes the rest of the batch', async () => {
    const [e1] = await history({ channelId: HALL, departmentId: HOUSING }, 1);
    const bad = JSON.stringify({ source: 'tongban.cases', detail: { ...e1, data: { ...e1!.data, caseNo: 'no such case!' } } });
    const res = await deliver(batch([bad, 'not json', busRecordBody(e1!)]));
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toHaveLength(2);
    expect(await store.routedVersion(e1!.subject)).toBe(1);
  });
});

describe('the events API', () => {
  it('answers the owner only: another owner’s subscription is not found; auditors and the platform are refused', async () => {
    const mine = await subscribe('portal', 'http://127.0.0.1:9/mine');
    expect(mine).toMatchObject({ owner: { kind: 'channel', id: PORTAL }, createdBy: 'portal' });
    expect((mine as unknown as { secret: string }).secret).toMatch(/^whsec_/);
    const listed = await call('portal', { method: 'GET', resource: '/v1/subscriptions' });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((listed.body.subscriptions as { id: string }[]).map((s) => s.id)).toContain(mine.id);
    for (const [method, resource, body] of [
      ['DELETE', '/v1/subscriptions/{id}', undefined],
      ['GET', '/v1/subscriptions/{id}/failures', undefined],
      ['POST', '/v1/subscriptions/{id}/redeliver', {}],
    ] as const) {
      for (const other of ['hall-window', 'market']) {
        const res = await call(other, { method, resource, pathParameters: { id: mine.id }, ...(body ? { body } : {}) });
        expect([res.status, errorOf(res).code], `${other} ${method} ${resource}`).toEqual([404, 'SUBSCRIPTION_NOT_FOUND']);
      }
    }
    for (const refused of ['auditor', 'reviewer']) {
      for (const init of [
        { method: 'GET', resource: '/v1/subscriptions' },
        { method: 'POST', resource: '/v1/subscriptions', body: { url: 'https://hooks.example.cn/' } },
        { method: 'GET', resource: '/v1/events' },
        { method: 'DELETE', resource: '/v1/subscriptions/{id}', pathParameters: { id: mine.id } },
      ]) {
        const res = await call(refused, init);
        expect([res.status, errorOf(res).code], `${refused} ${init.method} ${init.resource}`).toEqual([403, 'ROLE_FORBIDDEN']);
      }
    }
    expect(await unsubscribe('portal', mine.id)).toEqual({ status: 200, body: { id: mine.id, removed: true } });
    expect((await unsubscribe('portal', mine.id)).status).toBe(404);
  });

  it('refuses bad endpoints and types with 400, its code and the field', async () => {
    for (const [url, code] of [
      ['https://10.0.0.8/hook', 'SUBSCRIPTION_URL_NOT_ALLOWED'],
      ['https://user:pw@hooks.example.cn/', 'SUBSCRIPTION_URL_INVALID'],
      ['ftp://hooks.example.cn/', 'SUBSCRIPTION_URL_INVALID'],
    ] as const) {
      const res = await call('portal', { method: 'POST', resource: '/v1/subscriptions', body: { url } });
      expect([res.status, errorOf(res).code, errorOf(res).field], url).toEqual([400, code, 'url']);
    }
    const types = await call('portal', { method: 'POST', resource: '/v1/subscriptions', body: { url: 'https://hooks.example.cn/', types: ['cn.tongban.case.approve'] } });
    expect([types.status, errorOf(types).code, errorOf(types).field]).toEqual([400, 'SUBSCRIPTION_TYPE_UNKNOWN', 'types']);
    const cursor = await call('portal', { method: 'GET', resource: '/v1/events', query: { cursor: 'bm90IGEgY3Vyc29y' } });
    expect([cursor.status, errorOf(cursor).code]).toEqual([400, 'INVALID_CURSOR']);
  });

  it("shows each caller its feed: a channel its cases, a department its own and the joint cases it is a co-department of, nobody else's", async () => {
    const joint = await history({ channelId: HALL, departmentId: HOUSING, coDepartmentIds: [POLICE] }, 3);
    await deliver(batch(joint.map(busRecordBody)));
    // Routed just now: shown once two seconds have passed.
    const read = async (principal: string) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const res = await call(principal, { method: 'GET', resource: '/v1/events', query: { limit: '2', ...(cursor ? { cursor } : {}) } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        ids.push(...(res.body.events as CaseEvent[]).map((e) => e.id));
        cursor = res.body.cursor as string;
        if (!res.body.more) return ids;
      }
    };
    const jointIds = joint.map((e) => e.id);
    expect((await read('police')).filter((id) => jointIds.includes(id))).toEqual([]);
    advance(3);
    for (const principal of ['police', 'housing', 'hall-window'])
      expect(
        (await read(principal)).filter((id) => jointIds.includes(id)),
        principal,
      ).toEqual(jointIds);
    for (const principal of ['portal', 'market', 'health'])
      expect(
        (await read(principal)).filter((id) => jointIds.includes(id)),
        principal,
      ).toEqual([]);
  });
});
