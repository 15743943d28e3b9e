// DynamoDB Streams on the embedded DynamoDB (infra/local/dynamodb-streams.ts): item writes through
// the real DynamoDB SDK over dynalite's wire protocol append stream records in commit order with the
// right images; a write that does not happen (a failed condition) appends none; the event source
// mapping hands the records to a handler as Lambda does (filters, batchItemFailures, retries, the
// on-failure sink) and goes on from its durable checkpoint after the stand-in is closed and reopened
// on the same data directory. A process killed with SIGKILL while writing leaves a record for each
// item it wrote and none for an item it did not.
import { BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalDynalite } from '../../infra/local/local-dynamodb.ts';
import { startDynalite, startDynaliteThread, untilActive } from '../../infra/local/local-dynamodb.ts';
import type { LocalDynamoStream, StreamMapping, StreamMappingFailure } from '../../infra/local/dynamodb-streams.ts';
import { startStreamMapping } from '../../infra/local/dynamodb-streams.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const CASES = 'cases';
const OTHER = 'other';
const RELAY_FILTER = '{"eventName":["INSERT"],"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"EVT#"}]}}}}';

const opened: { dynamo: LocalDynalite; client: DynamoDBClient; mappings: StreamMapping[] }[] = [];

/** dynalite with a stream on CASES, in this thread or (`thread`, as the embedded platform runs it) in a worker thread of its own. */
async function open(
  path?: string,
  create = true,
  thread = false,
): Promise<{ dynamo: LocalDynalite; client: DynamoDBClient; stream: LocalDynamoStream; mappings: StreamMapping[] }> {
  const dynamo = await (thread ? startDynaliteThread : startDynalite)(path, '127.0.0.1', { streams: [CASES], region: 'cn-north-1' });
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  if (create)
    for (const TableName of [CASES, OTHER]) {
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
        }),
      );
      await untilActive(client, TableName);
    }
  const entry = { dynamo, client, mappings: [] as StreamMapping[] };
  opened.push(entry);
  return { ...entry, stream: dynamo.streams.get(CASES)! };
}

async function closeAll(): Promise<void> {
  for (const { dynamo, client, mappings } of opened.splice(0)) {
    for (const m of mappings) await m.stop();
    client.destroy();
    await dynamo.close();
  }
}

afterEach(closeAll);

const put = (client: DynamoDBClient, pk: string, sk: string, extra: Record<string, { S: string }> = {}, TableName = CASES) =>
  client.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, sk: { S: sk }, ...extra } }));

/** A handler that records the events it is given and answers what `answer` says. */
function recorder(answer: (event: DynamoDBStreamEvent, call: number) => unknown = () => undefined) {
  const events: DynamoDBStreamEvent[] = [];
  const handler = (event: DynamoDBStreamEvent) => {
    events.push(event);
    return Promise.resolve(answer(event, events.length)) as Promise<undefined>;
  };
  const keys = (): string[][] => events.map((e) => e.Records.map((r) => `${r.dynamodb!.Keys!.pk!.S}/${r.dynamodb!.Keys!.sk!.S}`));
  return { events, handler, keys };
}

const key = (r: DynamoDBRecord): string => `${r.dynamodb!.Keys!.pk!.S}/${r.dynamodb!.Keys!.sk!.S}`;

describe('DynamoDB Streams on the embedded DynamoDB', () => {
  it('appends one record per item write, in commit order, with the keys and the new image; unchanged writes and other tables append none', async () => {
    // Prepare
    const { client, stream } = await open();

    // Act
    await put(client, 'CASE#1', 'META', { status: { S: 'filed' } });
    await client.send(
      new UpdateItemCommand({
        TableName: CASES,
        Key: { pk: { S: 'CASE#1' }, sk: { S: 'META' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'accepted' } },
      }),
    );
    await put(client, 'CASE#1', 'META', { status: { S: 'accepted' } }); // unchanged: no record
    await put(client, 'X', 'Y', {}, OTHER); // not a stream table
    await client.send(new DeleteItemCommand({ TableName: CASES, Key: { pk: { S: 'CASE#1' }, sk: { S: 'NOPE' } } })); // missing: no record
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [CASES]: [
            { PutRequest: { Item: { pk: { S: 'CASE#2' }, sk: { S: 'EVT#1' }, 名称: { S: '营业执照' } } } },
            { DeleteRequest: { Key: { pk: { S: 'CASE#1' }, sk: { S: 'META' } } } },
          ],
        },
      }),
    );
    const records = await stream.read(undefined, 100);

    // Assess
    expect(records.slice(0, 2).map((r) => [r.eventName, r.Keys, r.NewImage])).toEqual([
      ['INSERT', { pk: { S: 'CASE#1' }, sk: { S: 'META' } }, { pk: { S: 'CASE#1' }, sk: { S: 'META' }, status: { S: 'filed' } }],
      ['MODIFY', { pk: { S: 'CASE#1' }, sk: { S: 'META' } }, { pk: { S: 'CASE#1' }, sk: { S: 'META' }, status: { S: 'accepted' } }],
    ]);
    // BatchWriteItem runs its requests concurrently: one record each, in whatever order they committed.
    expect(
      records
        .slice(2)
        .map((r) => [r.eventName, r.Keys.pk, r.NewImage?.名称] as const)
        .sort((a, b) => a[0].localeCompare(b[0])),
    ).toEqual([
      ['INSERT', { S: 'CASE#2' }, { S: '营业执照' }],
      ['REMOVE', { S: 'CASE#1' }, undefined],
    ]);
    const sequences = records.map((r) => r.SequenceNumber);
    expect(sequences.every((s) => /^\d{21}$/.test(s))).toBe(true);
    expect([...sequences].sort()).toEqual(sequences);
    expect(new Set(sequences).size).toBe(4);
    expect(records[0]!.SizeBytes).toBe(2 + 6 + 2 + 4 + (2 + 6 + 2 + 4 + 6 + 5));
    expect(await stream.lastSequence()).toBe(sequences[3]);
    expect(stream.arn).toMatch(/^arn:aws-cn:dynamodb:cn-north-1:000000000000:table\/cases\/stream\/\d{4}-\d\d-\d\dT/);
  });

  it('appends nothing for a conditional put that fails', async () => {
    // Prepare
    const { client, stream } = await open();
    await put(client, 'CASE#1', 'EVT#1');

    // Act
    const refused = await client
      .send(new PutItemCommand({ TableName: CASES, Item: { pk: { S: 'CASE#1' }, sk: { S: 'EVT#1' }, v: { S: '2' } }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .then(
        () => 'stored',
        (e: Error) => e.name,
      );
    const records = await stream.read(undefined, 100);

    // Assess
    expect(refused).toBe('ConditionalCheckFailedException');
    expect(records.map((r) => r.eventName)).toEqual(['INSERT']);
  });

  it('hands the records over as Lambda does, filtered as the relay filters them, in order, one batch at a time', async () => {
    // Prepare
    const { client, stream, mappings } = await open();
    const seen = recorder();
    const mapping = startStreamMapping({ stream, id: 'relay', handler: seen.handler, batchSize: 2, filters: [RELAY_FILTER] });
    mappings.push(mapping);

    // Act
    await put(client, 'CASE#1', 'META');
    await put(client, 'CASE#1', 'EVT#1');
    await put(client, 'CASE#1', 'EVT#1', { x: { S: 'changed' } }); // MODIFY: filtered out
    await put(client, 'CASE#2', 'EVT#1');
    await put(client, 'CASE#1', 'EVT#2');
    await mapping.drained();

    // Assess
    const records = seen.events.flatMap((e) => e.Records);
    expect(records.map(key)).toEqual(['CASE#1/EVT#1', 'CASE#2/EVT#1', 'CASE#1/EVT#2']);
    expect(seen.events.every((e) => e.Records.length <= 2)).toBe(true);
    expect(records[0]).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'cn-north-1',
      eventSourceARN: stream.arn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number) as number,
        Keys: { pk: { S: 'CASE#1' }, sk: { S: 'EVT#1' } },
        NewImage: { pk: { S: 'CASE#1' }, sk: { S: 'EVT#1' } },
        SequenceNumber: expect.stringMatching(/^\d{21}$/) as string,
        SizeBytes: expect.any(Number) as number,
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(mapping.checkpoint()).toBe(await stream.lastSequence());
  });

  it('retries from the first failed record a handler reports, and retries a thrown batch until it goes to the on-failure sink', async () => {
    // Prepare
    const { client, stream, mappings } = await open();
    const failures: StreamMappingFailure[] = [];
    let poisoned = true;
    const seen = recorder((event, call) => {
      const keys = event.Records.map(key);
      if (call === 1) return { batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber }] };
      if (poisoned && keys.includes('C/EVT#4')) throw new Error('target down');
      return { batchItemFailures: [] };
    });
    for (const n of [1, 2, 3]) await put(client, 'C', `EVT#${n}`);

    // Act
    const mapping = startStreamMapping({
      stream,
      id: 'relay',
      handler: seen.handler,
      batchSize: 3,
      maximumRetryAttempts: 2,
      retryBaseDelayMs: 1,
      onFailure: (f) => void failures.push(f),
    });
    mappings.push(mapping);
    await mapping.drained();
    const first = seen.keys();
    await put(client, 'C', 'EVT#4');
    await mapping.drained();
    poisoned = false;
    await put(client, 'C', 'EVT#5');
    await mapping.drained();

    // Assess
    expect(first).toEqual([
      ['C/EVT#1', 'C/EVT#2', 'C/EVT#3'],
      ['C/EVT#2', 'C/EVT#3'],
    ]);
    expect(seen.keys().slice(2)).toEqual([['C/EVT#4'], ['C/EVT#4'], ['C/EVT#4'], ['C/EVT#5']]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      mapping: 'relay',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      errorMessage: 'target down',
      DDBStreamBatchInfo: { streamArn: stream.arn, batchSize: 1 },
    });
    expect(failures[0]!.records.map(key)).toEqual(['C/EVT#4']);
  });

  it('treats an identifier that is not in the batch as a failure of the whole batch', async () => {
    // Prepare
    const { client, stream, mappings } = await open();
    const seen = recorder((_e, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence' }] } : undefined));
    await put(client, 'C', 'EVT#1');
    await put(client, 'C', 'EVT#2');

    // Act
    const mapping = startStreamMapping({ stream, id: 'relay', handler: seen.handler, retryBaseDelayMs: 1 });
    mappings.push(mapping);
    await mapping.drained();

    // Assess
    expect(seen.keys()).toEqual([
      ['C/EVT#1', 'C/EVT#2'],
      ['C/EVT#1', 'C/EVT#2'],
    ]);
  });

  it('splits a failing batch in halves when bisecting, to isolate the record that fails', async () => {
    // Prepare
    const { client, stream, mappings } = await open();
    const failures: StreamMappingFailure[] = [];
    const seen = recorder((event) => {
      if (event.Records.map(key).includes('C/EVT#3')) throw new Error('poison');
    });
    for (const n of [1, 2, 3, 4]) await put(client, 'C', `EVT#${n}`);

    // Act
    const mapping = startStreamMapping({
      stream,
      id: 'relay',
      handler: seen.handler,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
      retryBaseDelayMs: 1,
      onFailure: (f) => void failures.push(f),
    });
    mappings.push(mapping);
    await mapping.drained();

    // Assess
    expect(seen.keys()).toEqual([['C/EVT#1', 'C/EVT#2', 'C/EVT#3', 'C/EVT#4'], ['C/EVT#1', 'C/EVT#2'], ['C/EVT#3', 'C/EVT#4'], ['C/EVT#3'], ['C/EVT#4']]);
    expect(failures.flatMap((f) => f.records.map(key))).toEqual(['C/EVT#3']);
  });

  it('keeps the records and the checkpoint across a close and reopen on the same data directory, and trims what was handled', async () => {
    // Prepare
    const path = await mkdtemp(join(tmpdir(), 'streams-'));
    const before = await open(path);
    const seenBefore = recorder();
    const mapping = startStreamMapping({ stream: before.stream, id: 'relay', handler: seenBefore.handler });
    before.mappings.push(mapping);
    await put(before.client, 'C', 'EVT#1');
    await put(before.client, 'C', 'EVT#2');
    await mapping.drained();
    await put(before.client, 'C', 'EVT#3'); // may or may not be handled before the close
    await closeAll();

    // Act
    const after = await open(path, false);
    await put(after.client, 'C', 'EVT#4');
    const kept = await after.stream.read(undefined, 100);
    const seenAfter = recorder();
    const resumed = startStreamMapping({ stream: after.stream, id: 'relay', handler: seenAfter.handler });
    after.mappings.push(resumed);
    await resumed.drained();
    const left = await after.stream.read(undefined, 100);

    // Assess
    const handled = [...seenBefore.keys().flat(), ...seenAfter.keys().flat()];
    expect(handled).toEqual(['C/EVT#1', 'C/EVT#2', 'C/EVT#3', 'C/EVT#4']);
    expect(seenAfter.keys().flat()).toContain('C/EVT#4');
    expect(kept.map((r) => r.Keys.sk!.S)).not.toContain('EVT#1'); // passed by the only consumer: trimmed
    const sequences = kept.map((r) => r.SequenceNumber);
    expect([...sequences].sort()).toEqual(sequences);
    expect(left).toEqual([]);
  });
});

describe('DynamoDB Streams of dynalite in a worker thread (startDynaliteThread)', () => {
  it('hands a mapping in this thread every record, in order, woken by the appends told across, and keeps its checkpoint there', async () => {
    // Prepare
    const path = await mkdtemp(join(tmpdir(), 'streams-thread-'));
    const first = await open(path, true, true);
    const seen = recorder();
    const appended: string[] = [];
    first.stream.onAppend((r) => appended.push(r.Keys.sk!.S!));
    const mapping = startStreamMapping({ stream: first.stream, id: 'relay', handler: seen.handler });
    first.mappings.push(mapping);

    // Act
    for (const sk of ['EVT#1', 'EVT#2', 'EVT#3']) await put(first.client, 'C', sk);
    await put(first.client, 'O', 'EVT#9', {}, OTHER);
    await mapping.drained();
    await closeAll();
    const again = await open(path, false, true);

    // Assess
    expect(seen.keys().flat()).toEqual(['C/EVT#1', 'C/EVT#2', 'C/EVT#3']);
    expect(appended).toEqual(['EVT#1', 'EVT#2', 'EVT#3']);
    expect(first.stream.closed).toBe(true);
    expect(again.stream.arn).toBe(first.stream.arn);
    expect(await again.stream.loadCheckpoint('relay')).toBe(await again.stream.lastSequence());
  });
});

describe('DynamoDB Streams across kill -9', () => {
  it('has a record for every item written before the kill, and none for an item that is not there', async () => {
    // Prepare
    const path = await mkdtemp(join(tmpdir(), 'streams-kill-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/stream-writer.ts', path, CASES], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const acked = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const acks = [...out.matchAll(/^ack (\S+)$/gm)].map((m) => m[1]!);
        if (acks.length >= 200) resolve(acks);
      });
      child.once('exit', (code) => reject(new Error(`writer exited with ${code}:\n${out}`)));
    });

    // Act
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const { client, stream } = await open(path, false);
    const items = await client.send(new QueryCommand({ TableName: CASES, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'CASE#1' } } }));
    const records = await stream.read(undefined, 1000);

    // Assess
    const itemKeys = (items.Items ?? []).map((i) => i.sk!.S!).sort();
    const recordKeys = records.map((r) => r.Keys.sk!.S!);
    expect(itemKeys).toEqual(expect.arrayContaining(acked));
    expect([...recordKeys].sort()).toEqual(itemKeys);
    expect(records.every((r) => r.eventName === 'INSERT')).toBe(true);
    const sequences = records.map((r) => r.SequenceNumber);
    expect([...sequences].sort()).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
  });
});
