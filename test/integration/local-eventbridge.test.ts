// The local EventBridge stand-in (infra/local/eventbridge-server.ts) through the real
// @aws-sdk/client-eventbridge: PutEvents accepted into the bus's log and answered with event ids, or
// refused as AWS refuses it; rules dispatch in log order to in-process targets, retry a failing target
// and dead-letter after the retries; a restart on the same table dispatches what was not dispatched
// (and not again what was); an archive replay dispatches a time window again; the log is trimmed after
// its retention.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent, DeadLetter, EventBridgeRule, LocalEventBridge, LocalEventBridgeOptions } from '../../infra/local/eventbridge-server.ts';
import { startLocalEventBridge } from '../../infra/local/eventbridge-server.ts';
import type { LocalDynalite } from '../../infra/local/local-dynamodb.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';

const REGION = 'cn-north-1';
const BUS = 'tongban-local-cases';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let dynamo: LocalDynalite;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let tableNo = 0;
const running: { bus: LocalEventBridge; client: EventBridgeClient }[] = [];

beforeAll(async () => {
  dynamo = await startDynalite(undefined);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  db = DynamoDBDocumentClient.from(raw);
});

afterAll(async () => {
  raw.destroy();
  await dynamo.close();
});

async function stopAll(): Promise<void> {
  for (const { bus, client } of running.splice(0)) {
    client.destroy();
    await bus.close();
  }
}
afterEach(stopAll);

/** A fresh log table (each test its own). */
async function freshTable(): Promise<string> {
  const table = `eventbridge-${++tableNo}`;
  await ensureTables(raw, { items: LOCAL_TABLES.items, directory: LOCAL_TABLES.directory, eventBridge: table });
  return table;
}

async function start(table: string, rules: EventBridgeRule[], extra: Partial<LocalEventBridgeOptions> = {}): Promise<{ bus: LocalEventBridge; client: EventBridgeClient }> {
  const bus = await startLocalEventBridge({ host: '127.0.0.1', region: REGION, db, table, buses: [BUS], rules, ...extra });
  const client = new EventBridgeClient({ endpoint: bus.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  running.push({ bus, client });
  return { bus, client };
}

/** A rule on BUS for `source: tongban.cases` whose target records what it is given and fails as `fail` says. */
function caseRule(fail: (event: BusEvent, attempt: number) => boolean = () => false, extra: Partial<EventBridgeRule> = {}) {
  const received: BusEvent[] = [];
  const letters: DeadLetter[] = [];
  const attempts = new Map<string, number>();
  const rule: EventBridgeRule = {
    bus: BUS,
    name: 'deliveries',
    pattern: { source: ['tongban.cases'] },
    retryBaseDelayMs: 1,
    target: (event) => {
      const n = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, n);
      received.push(event);
      return fail(event, n) ? Promise.reject(new Error('receiver down')) : Promise.resolve();
    },
    deadLetter: (letter) => void letters.push(letter),
    ...extra,
  };
  return { rule, received, letters, attempts, names: () => received.map((e) => (e.detail as { n: number }).n) };
}

const entry = (n: number, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: 'tongban.cases',
  DetailType: 'cn.tongban.case.filed',
  Detail: JSON.stringify({ n, subject: `CASE-${n}` }),
  ...extra,
});

async function putAll(client: EventBridgeClient, numbers: number[]): Promise<void> {
  for (let i = 0; i < numbers.length; i += 10) {
    const out = await client.send(new PutEventsCommand({ Entries: numbers.slice(i, i + 10).map((n) => entry(n)) }));
    expect(out.FailedEntryCount).toBe(0);
  }
}

async function refusal(send: Promise<unknown>): Promise<{ name?: string; message?: string } | 'accepted'> {
  return send.then(
    () => 'accepted' as const,
    (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message }),
  );
}

describe('the local EventBridge', () => {
  it('accepts PutEvents from the SDK (also through AWS_ENDPOINT_URL_EVENTBRIDGE) and gives the rule the event envelope', async () => {
    // Prepare
    const { rule, received } = caseRule();
    const { bus, client } = await start(await freshTable(), [rule]);
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.endpoint;
    const byEnv = new EventBridgeClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });

    // Act
    const first = await client.send(
      new PutEventsCommand({
        Entries: [entry(1, { Time: new Date('2025-03-01T08:00:00Z'), Resources: ['CASE-1'] }), entry(2, { Source: 'other.system' }), entry(3, { EventBusName: bus.busArn(BUS) })],
      }),
    );
    const second = await byEnv.send(new PutEventsCommand({ Entries: [entry(4)] }));
    delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    byEnv.destroy();
    await bus.drained();

    // Assess
    expect(first.FailedEntryCount).toBe(0);
    expect(first.Entries?.map((e) => typeof e.EventId)).toEqual(['string', 'string', 'string']);
    expect(second.FailedEntryCount).toBe(0);
    expect(received.map((e) => e.id)).toEqual([first.Entries![0]!.EventId, first.Entries![2]!.EventId, second.Entries![0]!.EventId]);
    expect(received[0]).toEqual({
      version: '0',
      id: first.Entries![0]!.EventId,
      'detail-type': 'cn.tongban.case.filed',
      source: 'tongban.cases',
      account: '000000000000',
      time: '2025-03-01T08:00:00Z',
      region: REGION,
      resources: ['CASE-1'],
      detail: { n: 1, subject: 'CASE-1' },
    });
    expect(bus.busArn(BUS)).toBe(`arn:aws-cn:events:${REGION}:000000000000:event-bus/${BUS}`);
  });

  it('refuses what AWS refuses: the request as a whole, or entry by entry', async () => {
    // Prepare
    const { rule, received } = caseRule();
    const { bus, client } = await start(await freshTable(), [rule]);
    const chinese = JSON.stringify({ text: '营'.repeat(87_400) }); // 262,211 bytes in UTF-8 (87,411 UTF-16 units)

    // Act
    const none = await refusal(client.send(new PutEventsCommand({ Entries: [] })));
    const eleven = await refusal(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, (_, i) => entry(i)) })));
    const tooLarge = await refusal(client.send(new PutEventsCommand({ Entries: [entry(1, { Detail: chinese })] })));
    const longType = await refusal(client.send(new PutEventsCommand({ Entries: [entry(1, { DetailType: 'x'.repeat(129) })] })));
    const mixed = await client.send(
      new PutEventsCommand({
        Entries: [
          entry(1, { Detail: undefined }),
          entry(2, { Detail: '[1, 2]' }),
          entry(3, { Detail: '{not json' }),
          entry(4, { EventBusName: 'nobody' }),
          entry(5, { Source: 'aws.s3' }),
          entry(6, { DetailType: undefined }),
          entry(7),
        ],
      }),
    );
    await bus.drained();

    // Assess
    expect(none).toMatchObject({ name: 'ValidationException' });
    expect(eleven).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('less than or equal to 10') as string });
    expect(tooLarge).toEqual({ name: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    expect(longType).toMatchObject({ name: 'ValidationException' });
    expect(mixed.FailedEntryCount).toBe(6);
    expect(mixed.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'NotAuthorizedForSourceException',
      'InvalidArgument',
      'ok',
    ]);
    expect(mixed.Entries?.[0]?.ErrorMessage).toBe('Parameter Detail is not valid. Reason: Detail is a required argument.');
    expect(received.map((e) => e.id)).toEqual([mixed.Entries![6]!.EventId]);
  });

  it('takes an entry just under 256 KB counted in UTF-8', async () => {
    // Prepare
    const { rule, received } = caseRule();
    const { bus, client } = await start(await freshTable(), [rule]);
    const fixed = 'tongban.cases'.length + 'cn.tongban.case.filed'.length + '{"text":""}'.length;
    const detail = JSON.stringify({ text: '营'.repeat(Math.floor((262_144 - fixed) / 3)) });

    // Act
    const out = await client.send(new PutEventsCommand({ Entries: [entry(1, { Detail: detail })] }));
    await bus.drained();

    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect((received[0]?.detail as { text: string }).text).toHaveLength(Math.floor((262_144 - fixed) / 3));
  });

  it('dispatches to each rule in log order, across many PutEvents', async () => {
    // Prepare
    const { rule, names } = caseRule();
    const { bus, client } = await start(await freshTable(), [rule]);
    const numbers = Array.from({ length: 57 }, (_, i) => i);

    // Act
    await Promise.all([putAll(client, numbers.slice(0, 30)), putAll(client, numbers.slice(30))]);
    await bus.drained();

    // Assess
    const got = names();
    expect([...got].sort((a, b) => a - b)).toEqual(numbers);
    // Each PutEvents' entries stay together and in order; the rule sees the log's order.
    expect(got.filter((n) => n < 30)).toEqual(numbers.slice(0, 30));
    expect(got.filter((n) => n >= 30)).toEqual(numbers.slice(30));
  });

  it('retries a failing target with backoff, then dead-letters the event and goes on', async () => {
    // Prepare
    const { rule, letters, attempts, names } = caseRule((event, attempt) => (event.detail as { n: number }).n === 2 || ((event.detail as { n: number }).n === 3 && attempt < 3), {
      maximumRetryAttempts: 4,
    });
    const { bus, client } = await start(await freshTable(), [rule]);

    // Act
    await putAll(client, [1, 2, 3, 4]);
    await bus.drained();

    // Assess
    expect(names()).toEqual([1, 2, 2, 2, 2, 2, 3, 3, 3, 4]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ ruleArn: bus.ruleArn(BUS, 'deliveries'), errorMessage: 'receiver down', exhaustedRetryCondition: 'MaximumRetryAttempts', retryAttempts: 4 });
    expect((letters[0]!.event.detail as { n: number }).n).toBe(2);
    expect([...attempts.values()]).toEqual([1, 5, 3, 1]);
  });

  it('dispatches after a restart the events it had not dispatched, and not again those it had', async () => {
    // Prepare
    const table = await freshTable();
    let calledFor2: () => void = () => undefined;
    const reached2 = new Promise<void>((resolve) => (calledFor2 = resolve));
    const before = caseRule(
      (event) => {
        if ((event.detail as { n: number }).n !== 2) return false;
        calledFor2();
        return true; // keeps failing; the retries wait long
      },
      { retryBaseDelayMs: 3_600_000 },
    );
    const first = await start(table, [before.rule]);
    await putAll(first.client, [1, 2, 3]);
    await reached2;
    await stopAll();

    // Act
    const after = caseRule();
    const second = await start(table, [after.rule]);
    await second.bus.drained();

    // Assess
    expect(before.names()).toEqual([1, 2]);
    expect(after.names()).toEqual([2, 3]);
    expect(after.received.map((e) => e.id)).toContain(before.received[1]!.id);
  });

  it('replays the archived events of a time window to the rules, marked with the replay name', async () => {
    // Prepare
    let clock = Date.parse('2025-03-01T08:00:00Z');
    const { rule, received } = caseRule();
    const { bus, client } = await start(await freshTable(), [rule], { now: () => clock });
    for (const n of [1, 2, 3]) {
      await putAll(client, [n]);
      clock += 60_000;
    }
    await bus.drained();

    // Act
    const result = await bus.replay({ bus: BUS, from: new Date('2025-03-01T08:01:00Z'), to: new Date('2025-03-01T08:02:00Z'), name: 'after-outage' });

    // Assess
    expect(result).toEqual({ replayed: 1 });
    expect(received.map((e) => [(e.detail as { n: number }).n, e['replay-name']])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [2, 'after-outage'],
    ]);
    expect(received[3]!.id).toBe(received[1]!.id);
  });

  it('keeps the log for its retention only, once the rules have dispatched it', async () => {
    // Prepare
    let clock = Date.parse('2025-03-01T08:00:00Z');
    const table = await freshTable();
    const { rule } = caseRule();
    const first = await start(table, [rule], { now: () => clock, retentionDays: 7 });
    await putAll(first.client, [1, 2]);
    await first.bus.drained();
    await stopAll();

    // Act
    clock += 6 * 24 * 3600_000;
    const within = await start(table, [caseRule().rule], { now: () => clock, retentionDays: 7 });
    const kept = await within.bus.replay({ bus: BUS, from: new Date(0), to: new Date(clock) });
    await stopAll();
    clock += 2 * 24 * 3600_000;
    const beyond = await start(table, [caseRule().rule], { now: () => clock, retentionDays: 7 });
    const trimmed = await beyond.bus.replay({ bus: BUS, from: new Date(0), to: new Date(clock) });

    // Assess
    expect(kept).toEqual({ replayed: 2 });
    expect(trimmed).toEqual({ replayed: 0 });
  });
});
