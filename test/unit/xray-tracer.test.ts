// The functions' own X-Ray tracer (functions/http/xray-tracer.ts), as the daemon sees it: a real
// DynamoDB client, traced, calls a local HTTP server standing in for DynamoDB, inside an invocation whose
// trace header is Lambda's; the subsegments arrive on a UDP socket standing in for the daemon.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SubsegmentDocument } from '../../functions/http/xray-tracer.ts';
import { XRayTracer, daemonAddress, parseTraceHeader } from '../../functions/http/xray-tracer.ts';
import { tracedWebhooks } from '../../functions/http/traced-webhooks.ts';
import { HttpWebhookSender } from '../../shared/adapters/http-webhook-sender.ts';

const ROOT = '1-67890abc-0123456789abcdef01234567';
const LAMBDA_SEGMENT = '53995c3f42cd8ad8';

let daemon: Socket;
let dynamo: Server;
let received: SubsegmentDocument[] = [];
let requestHeaders: IncomingHttpHeaders[] = [];
/** What the stand-in for DynamoDB answers next. */
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const [header, body] = message.toString().split('\n');
    expect(JSON.parse(header!)).toEqual({ format: 'json', version: 1 });
    received.push(JSON.parse(body!));
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  dynamo = createServer((req, res) => {
    requestHeaders.push(req.headers);
    req.resume().on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => daemon.close(() => resolve()));
  await new Promise<void>((resolve) => dynamo.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  requestHeaders = [];
  answer = { status: 200, body: {} };
});

function traced(sampled: '0' | '1') {
  const env = {
    _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=${sampled};Lineage=a87bd80c:0`,
    _HANDLER: 'index.handler',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
  };
  const tracer = new XRayTracer('tongban-test', env);
  const client = tracer.captureAWSv3Client(
    new DynamoDBClient({
      region: 'cn-north-1',
      endpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    }),
  );
  return { tracer, client };
}

/** Waits until `n` subsegments have arrived (UDP on loopback: as soon as they were sent). */
async function arrived(n: number): Promise<SubsegmentDocument[]> {
  while (received.length < n) await new Promise((resolve) => setImmediate(resolve));
  return received;
}

describe('the X-Ray tracer', () => {
  it('sends a subsegment per invocation under Lambda’s segment, and one per SDK call under it, whose id goes on in the request', async () => {
    // Arrange
    const { tracer, client } = traced('1');

    // Act: two invocations, the first calling DynamoDB.
    tracer.startInvocation();
    await client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } }));
    await tracer.endInvocation();
    tracer.startInvocation();
    await tracer.endInvocation();

    // Assess
    const [call, first, second] = await arrived(3);
    expect(first).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: LAMBDA_SEGMENT,
      name: '## index.handler',
      annotations: { ColdStart: true, Service: 'tongban-test' },
    });
    expect(second).toMatchObject({ parent_id: LAMBDA_SEGMENT, annotations: { ColdStart: false } });
    expect(call).toMatchObject({
      type: 'subsegment',
      trace_id: ROOT,
      parent_id: first!.id,
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'GetItem', region: 'cn-north-1', request_id: 'REQ1', retries: 0, table_name: 'items' },
      http: { response: { status: 200 } },
    });
    expect(call).not.toHaveProperty('fault');
    expect(call!.end_time).toBeGreaterThanOrEqual(call!.start_time);
    expect(first!.end_time).toBeGreaterThanOrEqual(call!.end_time!);
    expect(requestHeaders[0]!['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${call!.id};Sampled=1;Lineage=a87bd80c:0`);
  });

  it('marks a refused call an error, a throttled one a throttle, and a handler that throws a fault', async () => {
    // Arrange
    const { tracer, client } = traced('1');

    // Act
    tracer.startInvocation();
    answer = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table' } };
    await expect(client.send(new GetItemCommand({ TableName: 'gone', Key: { pk: { S: 'a' } } }))).rejects.toThrow('no table');
    answer = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } };
    await expect(client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } }))).rejects.toThrow('slow down');
    await tracer.endInvocation(new TypeError('broken'));

    // Assess
    const [refused, throttled, invocation] = await arrived(3);
    expect(refused).toMatchObject({
      error: true,
      http: { response: { status: 400 } },
      cause: { exceptions: [{ type: 'ResourceNotFoundException', message: 'no table', remote: true }] },
    });
    expect(refused).not.toHaveProperty('fault');
    expect(throttled).toMatchObject({ throttle: true, error: true });
    expect(invocation).toMatchObject({ name: '## index.handler', fault: true, cause: { exceptions: [{ type: 'TypeError', message: 'broken' }] } });
  });

  it('traces each webhook attempt as a remote subsegment: its host, method, URL without the query, and status, or why no answer came', async () => {
    // Arrange: a receiver on loopback answering 204, then 503; a port nobody listens on; the sender as the deliveries function wraps it.
    const statuses = [204, 503];
    const hookHeaders: IncomingHttpHeaders[] = [];
    const receiver = createServer((req, res) => {
      hookHeaders.push(req.headers);
      req.resume().on('end', () => res.writeHead(statuses.shift()!).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { tracer } = traced('1');
    const sender = tracedWebhooks(tracer, new HttpWebhookSender({ allowLoopback: true }, 2_000));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tongban`;
    const request = (url: string) => ({ url, body: '{}', headers: { 'content-type': 'application/json' } });

    try {
      // Act
      tracer.startInvocation();
      const outcomes = [await sender.send(request(`${hook}?token=secret`)), await sender.send(request(hook)), await sender.send(request(`http://127.0.0.1:${closedPort}/hooks`))];
      await tracer.endInvocation();

      // Assess: the outcomes are the sender's; a subsegment each, under the invocation.
      expect(outcomes).toEqual([
        { ok: true, status: 204 },
        { ok: false, error: 'HTTP 503', status: 503 },
        { ok: false, error: expect.stringMatching(/^ECONNREFUSED/) },
      ]);
      const [ok, failed, refused, invocation] = await arrived(4);
      const host = new URL(hook).host;
      expect(ok).toMatchObject({
        name: host,
        namespace: 'remote',
        parent_id: invocation!.id,
        trace_id: ROOT,
        http: { request: { method: 'POST', url: hook }, response: { status: 204 } },
      });
      expect(ok).not.toHaveProperty('error');
      expect(ok).not.toHaveProperty('fault');
      expect(failed).toMatchObject({ name: host, fault: true, http: { response: { status: 503 } } });
      expect(refused).toMatchObject({ name: `127.0.0.1:${closedPort}`, fault: true, cause: { exceptions: [{ message: expect.stringMatching(/^ECONNREFUSED/), remote: true }] } });
      expect(refused!.http).not.toHaveProperty('response');
      // The receiver is not AWS: it is told no trace id.
      expect(hookHeaders.map((h) => h['x-amzn-trace-id'])).toEqual([undefined, undefined]);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('sends no webhook subsegment outside a sampled invocation', async () => {
    // Arrange
    const { tracer } = traced('0');
    const sent: string[] = [];
    const sender = tracedWebhooks(tracer, { send: async (r) => (sent.push(r.url), { ok: true, status: 200 }) });

    // Act
    tracer.startInvocation();
    const outcome = await sender.send({ url: 'https://hooks.example.com/x', body: '{}', headers: {} });
    await tracer.endInvocation();

    // Assess
    expect([outcome, sent]).toEqual([{ ok: true, status: 200 }, ['https://hooks.example.com/x']]);
    expect(received).toEqual([]);
  });

  it('sends nothing for an unsampled invocation, and leaves the SDK’s own trace header', async () => {
    // Arrange
    const { tracer, client } = traced('0');

    // Act
    tracer.startInvocation();
    await client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } }));
    await tracer.endInvocation();
    // A sampled one after it, to know the daemon would have seen anything sent before.
    const sampled = traced('1');
    sampled.tracer.startInvocation();
    await sampled.tracer.endInvocation();

    // Assess
    const docs = await arrived(1);
    expect(docs.map((d) => d.name)).toEqual(['## index.handler']);
    expect(requestHeaders[0]!['x-amzn-trace-id']).toBeUndefined();
  });
});

describe('the trace header and the daemon address', () => {
  it('are read as Lambda gives them', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=${LAMBDA_SEGMENT};Sampled=1;Lineage=x:1`)).toEqual({ root: ROOT, parent: LAMBDA_SEGMENT, sampled: true, rest: ['Lineage=x:1'] });
    expect(parseTraceHeader('Parent=abc;Sampled=1')).toBeUndefined();
    expect(parseTraceHeader(undefined)).toBeUndefined();
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
  });
});
