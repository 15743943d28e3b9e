// Lambda's Invoke as one signed request (shared/adapters/lambda-invoker.ts), against a local HTTP server
// standing in for Lambda: the request is the Invoke API's and its SigV4 signature checks out with the
// caller's secret; the answers (RequestResponse, FunctionError, Event's 202, HTTP errors) read as the
// SDK's Lambda client read them; the credentials are asked for once while they hold; and, traced, the
// call is an X-Ray subsegment whose id goes out in X-Amzn-Trace-Id (which SigV4 leaves unsigned, as the SDK does).
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SubsegmentDocument } from '../../functions/http/xray-tracer.ts';
import { XRayTracer } from '../../functions/http/xray-tracer.ts';
import { LambdaInvoker, MAX_ANSWER_BYTES } from '../../shared/adapters/lambda-invoker.ts';

const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'SESSION' };
const ARN = 'arn:aws-cn:lambda:cn-north-1:000000000000:function:tongban-test-sealing';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let lambda: Server;
let endpoint: string;
let requests: Received[] = [];
/** What the stand-in answers next (undefined: it never answers). */
let answer: { status: number; headers?: Record<string, string>; body?: string } | undefined;

beforeAll(async () => {
  lambda = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (!answer) return;
      res.writeHead(answer.status, { 'x-amzn-requestid': 'REQ1', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
});

afterAll(async () => {
  lambda.closeAllConnections();
  await new Promise<void>((resolve) => lambda.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  answer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"sealed":true}' };
});

const payload = (event: unknown) => Buffer.from(JSON.stringify(event));

/** The signature the request should carry, made again by the SDK's signer from what the server received. */
async function expectedAuthorization(received: Received): Promise<string> {
  const authorization = String(received.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(received.headers[name])]));
  const date = String(received.headers['x-amz-date']);
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const url = new URL(received.url, endpoint);
  const signer = new SignatureV4({ service: 'lambda', region: REGION, credentials: CREDENTIALS, sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({ method: received.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers, body: received.body }),
    { signingDate },
  );
  return String(signed.headers.authorization);
}

describe('LambdaInvoker', () => {
  it("sends the Invoke API's request, signed for Lambda with the caller's credentials", async () => {
    // Arrange
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS });

    // Act
    await invoker.invoke({ FunctionName: ARN, InvocationType: 'RequestResponse', Payload: payload({ caseNo: '20261123AAAAAAAAAA' }) });
    invoker.destroy();

    // Assess
    const [received] = requests;
    expect(received).toMatchObject({ method: 'POST', url: `/2015-03-31/functions/${encodeURIComponent(ARN)}/invocations` });
    expect(received!.body.toString()).toBe('{"caseNo":"20261123AAAAAAAAAA"}');
    expect(received!.headers).toMatchObject({ 'x-amz-invocation-type': 'RequestResponse', 'x-amz-security-token': 'SESSION', 'content-type': 'application/octet-stream' });
    expect(String(received!.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-north-1\/lambda\/aws4_request, SignedHeaders=[^,]*\bhost\b[^,]*\bx-amz-date\b[^,]*\bx-amz-invocation-type\b/,
    );
    expect(received!.headers.authorization).toBe(await expectedAuthorization(received!));
  });

  it("answers the function's result, and its error as FunctionError with the error's payload", async () => {
    // Arrange
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS });

    // Act
    const result = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) });
    answer = { status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"TypeError","errorMessage":"boom"}' };
    const failed = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) });
    invoker.destroy();

    // Assess
    expect(result).toEqual({ StatusCode: 200, Payload: new Uint8Array(Buffer.from('{"sealed":true}')), $metadata: { httpStatusCode: 200, requestId: 'REQ1', attempts: 1 } });
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload!).toString())).toEqual({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('answers an Event invocation with its 202 and no payload', async () => {
    // Arrange
    answer = { status: 202 };
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS });

    // Act
    const started = await invoker.invoke({ FunctionName: 'archive', InvocationType: 'Event', Payload: payload({ caseNo: 'x' }) });
    invoker.destroy();

    // Assess
    expect(requests[0]!.headers['x-amz-invocation-type']).toBe('Event');
    expect(started).toEqual({ StatusCode: 202, $metadata: { httpStatusCode: 202, requestId: 'REQ1', attempts: 1 } });
  });

  it("throws Lambda's HTTP errors as the SDK did: named by their type, with the status, and no second attempt", async () => {
    // Arrange
    answer = {
      status: 404,
      headers: { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/' },
      body: '{"Type":"User","message":"Function not found: nowhere"}',
    };
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS });

    // Act
    const missing = await invoker.invoke({ FunctionName: 'nowhere', InvocationType: 'RequestResponse', Payload: payload({}) }).catch((e: unknown) => e);
    answer = { status: 503, body: 'Service Unavailable' };
    const down = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) }).catch((e: unknown) => e);
    invoker.destroy();

    // Assess
    expect(missing).toBeInstanceOf(Error);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function not found: nowhere', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    expect(down).toMatchObject({ name: 'Http503Error', message: 'Service Unavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    expect(requests).toHaveLength(2);
  });

  it('gives up on an answer that does not come within the request timeout', async () => {
    // Arrange
    answer = undefined;
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS, requestTimeoutMs: 100 });

    // Act
    const late = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) }).catch((e: unknown) => e);
    invoker.destroy();

    // Assess
    expect(late).toMatchObject({ name: 'TimeoutError', message: 'no answer from 127.0.0.1 within 100 ms' });
  });

  it('refuses an answer over Lambda’s payload limit rather than hold it', async () => {
    // Arrange: an answer one byte over what it reads
    answer = { status: 200, body: 'x'.repeat(MAX_ANSWER_BYTES + 1) };
    const invoker = new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS });

    // Act
    const refused = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) }).catch((e: unknown) => e);
    answer = { status: 200, body: 'x'.repeat(MAX_ANSWER_BYTES) };
    const whole = await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) });
    invoker.destroy();

    // Assess
    expect(refused).toMatchObject({ name: 'ResponseTooLarge' });
    expect(whole.Payload?.byteLength).toBe(MAX_ANSWER_BYTES);
  });

  it('asks for credentials once while they hold, and again when they are about to expire', async () => {
    // Arrange
    vi.useFakeTimers({ toFake: ['Date'] });
    let asked = 0;
    const invoker = new LambdaInvoker({
      endpoint,
      region: REGION,
      credentials: () => Promise.resolve({ ...CREDENTIALS, accessKeyId: `AKID${++asked}`, expiration: new Date(Date.now() + 3600_000) }),
    });
    const call = () => invoker.invoke({ FunctionName: 'f', InvocationType: 'Event', Payload: payload({}) });

    try {
      // Act
      await call();
      vi.setSystemTime(Date.now() + 54 * 60_000); // 6 minutes left: they hold
      await call();
      vi.setSystemTime(Date.now() + 2 * 60_000); // 4 minutes left: asked again
      await call();
      await call();
    } finally {
      vi.useRealTimers();
      invoker.destroy();
    }

    // Assess
    expect(asked).toBe(2);
    expect(requests.map((r) => /Credential=(\w+)\//.exec(String(r.headers.authorization))![1])).toEqual(['AKID1', 'AKID1', 'AKID2', 'AKID2']);
  });

  it('in the regions of China, names Lambda’s .amazonaws.com.cn endpoint unless one is configured', () => {
    expect(new LambdaInvoker({ region: 'cn-north-1', credentials: CREDENTIALS, env: {} })['endpoint'].href).toBe('https://lambda.cn-north-1.amazonaws.com.cn/');
    expect(new LambdaInvoker({ region: 'eu-west-1', credentials: CREDENTIALS, env: {} })['endpoint'].href).toBe('https://lambda.eu-west-1.amazonaws.com/');
    expect(new LambdaInvoker({ region: 'cn-north-1', credentials: CREDENTIALS, env: { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9' } })['endpoint'].href).toBe(
      'http://127.0.0.1:9/',
    );
  });
});

describe('LambdaInvoker, traced', () => {
  let daemon: Socket;
  const received: SubsegmentDocument[] = [];

  beforeAll(async () => {
    daemon = createSocket('udp4');
    daemon.on('message', (message) => received.push(JSON.parse(message.toString().split('\n')[1]!)));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  });

  afterAll(async () => new Promise<void>((resolve) => daemon.close(() => resolve())));

  it('is a subsegment of the invocation (Lambda, Invoke), whose id goes out in X-Amzn-Trace-Id', async () => {
    // Arrange
    const root = '1-67890abc-0123456789abcdef01234567';
    const tracer = new XRayTracer('tongban-test', {
      _X_AMZN_TRACE_ID: `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    });
    const invoker = tracer.captureAWSv3Client(new LambdaInvoker({ endpoint, region: REGION, credentials: CREDENTIALS }));

    // Act
    tracer.startInvocation();
    await invoker.invoke({ FunctionName: 'f', InvocationType: 'RequestResponse', Payload: payload({}) });
    await tracer.endInvocation();
    while (received.length < 2) await new Promise((resolve) => setImmediate(resolve));
    invoker.destroy();

    // Assess
    const call = received.find((d) => d.namespace === 'aws')!;
    expect(call).toMatchObject({
      name: 'Lambda',
      trace_id: root,
      aws: { operation: 'Invoke', region: REGION, request_id: 'REQ1', retries: 0 },
      http: { response: { status: 200 } },
    });
    expect(requests[0]!.headers['x-amzn-trace-id']).toBe(`Root=${root};Parent=${call.id};Sampled=1`);
    expect(requests[0]!.headers.authorization).toBe(await expectedAuthorization(requests[0]!));
  });
});
