// Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`), the one Lambda call Tongban
// makes (shared/adapters/lambda-case-functions.ts), as one SigV4-signed request on the SDK's own
// signer (@smithy/signature-v4, which every bundle carries for its other clients) and Node's HTTP
// client, instead of @aws-sdk/client-lambda: its client, schemas, errors and endpoint rules were
// 71 KiB of the cases and sweep bundles, for this one operation.
//
// It keeps what the callers relied on from the SDK client:
//   - the answer: `StatusCode`, `FunctionError` (X-Amz-Function-Error) and `Payload`; an HTTP error
//     (4xx, 5xx) is thrown as an Error named by Lambda's error type (ResourceNotFoundException…)
//     carrying `$metadata.httpStatusCode`, as the SDK throws it;
//   - the endpoint: AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL (the embedded runtime's stand-in),
//     else Lambda's regional endpoint (`amazonaws.com.cn` in the China regions);
//   - the credentials: the SDK's default chain (on Lambda, the bundle's environment-only provider:
//     infra/lambda-bundling.ts), kept until five minutes before they expire;
//   - one attempt, a 1 s connection timeout and a 6 s request timeout: what shared/adapters/aws-clients.ts
//     gave the SDK client (an awaited sealing must answer inside the cases function's 10 s; what fails
//     is sealed or archived later by the sweep);
//   - tracing: a middleware stack of the shape functions/http/xray-tracer.ts hooks into, so the call is
//     a subsegment (`Lambda`, operation `Invoke`) whose id goes out in X-Amzn-Trace-Id (added before
//     the request is signed; SigV4 leaves that header unsigned, for the SDK's clients too).
// An answer is read up to MAX_ANSWER_BYTES (Lambda's payload limit), and refused past it.
// Not kept: the SDK's FIPS and dual-stack endpoints, and its user-agent headers; Tongban uses neither.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest as SignedRequest } from '@smithy/types';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { NodeSha256 } from './node-sha256.ts';

export interface InvokeInput {
  /** The function's name or ARN. */
  FunctionName: string;
  InvocationType: 'RequestResponse' | 'Event';
  Payload: Uint8Array;
}

export interface InvokeOutput {
  /** 200 for RequestResponse, 202 for Event. */
  StatusCode: number;
  /** Set when the function threw (`Unhandled`) or failed otherwise: the payload then holds its error. */
  FunctionError?: string;
  Payload?: Uint8Array;
  $metadata: { httpStatusCode: number; requestId?: string; attempts: number };
}

export interface LambdaInvokerOptions {
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** What a middleware receives: the call's input and the request about to be signed (its headers may be added to). */
interface InvokeArgs {
  input: InvokeInput;
  request: HttpRequest;
}
interface InvokeResult {
  output: InvokeOutput;
  response: { statusCode: number; headers: Record<string, string> };
}
type Handler = (args: InvokeArgs) => Promise<InvokeResult>;
type Middleware = (next: Handler, context: { clientName: string; commandName: string }) => Handler;

/** Refresh credentials this long before they expire. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Lambda's Invoke, signed and sent; see the header comment for what it keeps of the SDK client. */
export class LambdaInvoker {
  readonly config: { region: string };
  /** Build-step middlewares, as an SDK client's stack takes them (the X-Ray tracer adds one). */
  readonly middlewareStack = {
    add: (middleware: unknown, options: { step: 'build'; name: string }): void => {
      this.middlewares.push({ name: options.name, middleware: middleware as Middleware });
    },
    remove: (name: string): boolean => {
      const before = this.middlewares.length;
      this.middlewares = this.middlewares.filter((m) => m.name !== name);
      return this.middlewares.length < before;
    },
  };
  private middlewares: { name: string; middleware: Middleware }[] = [];
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly connectionTimeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(options: LambdaInvokerOptions = {}) {
    const env = options.env ?? process.env;
    const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('the Lambda invoker needs a region (AWS_REGION)');
    this.config = { region };
    this.endpoint = new URL(
      options.endpoint ?? env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL ?? `https://lambda.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
    );
    this.signer = new SignatureV4({ service: 'lambda', region, credentials: memoized(options.credentials ?? fromNodeProviderChain()), sha256: NodeSha256 });
    this.agent = this.endpoint.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.connectionTimeoutMs = options.connectionTimeoutMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 6000;
  }

  /** Invokes the function once (no retry): its answer, or the HTTP error Lambda answered, thrown. */
  async invoke(input: InvokeInput): Promise<InvokeOutput> {
    const base = this.endpoint.pathname.replace(/\/$/, '');
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(this.endpoint.port ? { port: Number(this.endpoint.port) } : {}),
      path: `${base}/2015-03-31/functions/${encodeURIComponent(input.FunctionName)}/invocations`,
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/octet-stream',
        'content-length': String(input.Payload.byteLength),
        'x-amz-invocation-type': input.InvocationType,
      },
      body: input.Payload,
    });
    const context = { clientName: 'LambdaClient', commandName: 'InvokeCommand' };
    const handler = this.middlewares.reduceRight<Handler>(
      (next, { middleware }) => middleware(next, context),
      (args) => this.transmit(args.request),
    );
    return (await handler({ input, request })).output;
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }

  private async transmit(request: HttpRequest): Promise<InvokeResult> {
    const signed = await this.signer.sign(request);
    const { status, headers, body } = await this.send(signed);
    const requestId = headers['x-amzn-requestid'];
    const $metadata = { httpStatusCode: status, ...(requestId !== undefined && { requestId }), attempts: 1 };
    if (status >= 300) throw lambdaError(status, headers, body, $metadata);
    const functionError = headers['x-amz-function-error'];
    const output: InvokeOutput = { StatusCode: status, ...(functionError !== undefined && { FunctionError: functionError }), ...(body.length > 0 && { Payload: body }), $metadata };
    return { output, response: { statusCode: status, headers } };
  }

  private send(request: SignedRequest): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }> {
    return new Promise((resolve, reject) => {
      const req = (request.protocol === 'https:' ? httpsRequest : httpRequest)({
        method: request.method,
        hostname: request.hostname,
        ...(request.port !== undefined && { port: request.port }),
        path: request.path,
        headers: request.headers,
        agent: this.agent,
      });
      const fail = (name: string, message: string) => req.destroy(Object.assign(new Error(message), { name }));
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => fail('TimeoutError', `no connection to ${request.hostname} within ${this.connectionTimeoutMs} ms`), this.connectionTimeoutMs);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.setTimeout(this.requestTimeoutMs, () => fail('TimeoutError', `no answer from ${request.hostname} within ${this.requestTimeoutMs} ms`));
      req.once('error', reject);
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Lambda answers at most its payload limit: more is no answer of Lambda's, and is not held.
          if (read > MAX_ANSWER_BYTES)
            return res.destroy(Object.assign(new Error(`the answer from ${request.hostname} is over ${MAX_ANSWER_BYTES} bytes`), { name: 'ResponseTooLarge' }));
          chunks.push(chunk);
        });
        res.once('error', reject);
        res.once('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers, body: new Uint8Array(Buffer.concat(chunks)) });
        });
      });
      req.end(request.body as Uint8Array);
    });
  }
}

/** The most of an answer read: Lambda's synchronous payload limit (6 MB) and room for its error envelope. */
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024 + 64 * 1024;

/** Lambda's error answer (REST JSON: the type in `x-amzn-ErrorType`, the message in the body) as the SDK throws it. */
function lambdaError(status: number, headers: Record<string, string>, body: Uint8Array, $metadata: InvokeOutput['$metadata']): Error {
  const text = Buffer.from(body).toString('utf8');
  let parsed: { message?: string; Message?: string; __type?: string; code?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: the text is the message
  }
  const type = (headers['x-amzn-errortype'] ?? parsed.__type ?? parsed.code ?? `Http${status}Error`).split(':')[0]!.split('#').pop()!;
  const error = new Error(parsed.message ?? parsed.Message ?? text) as Error & { $metadata: InvokeOutput['$metadata']; $fault: 'client' | 'server' };
  error.name = type;
  error.$metadata = $metadata;
  error.$fault = status >= 500 ? 'server' : 'client';
  return error;
}

/** The credentials, asked for again only when they are about to expire (or were never given). */
function memoized(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  if (typeof credentials !== 'function') return () => Promise.resolve(credentials);
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && (held.expiration === undefined || held.expiration.getTime() - Date.now() > EXPIRY_MARGIN_MS)) return held;
    current = credentials();
    return current;
  };
}
