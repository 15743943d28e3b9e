// The X-Ray tracing of every function on Lambda, written to the X-Ray daemon without the X-Ray SDK:
// what Powertools' Tracer recorded for Tongban, and nothing else. The Lambda service (active tracing,
// set by the stacks) opens the function's segment and puts its trace header in `_X_AMZN_TRACE_ID` at
// each invocation; this tracer adds, under it,
//   - a subsegment per invocation, `## <handler>`, annotated ColdStart and Service as Powertools'
//     was, marked faulty with the error's name and message when the handler throws (responses are not
//     recorded: they carry personal data);
//   - a subsegment per AWS SDK call (namespace `aws`: service, operation, region, request id,
//     retries, table or bucket, HTTP status; error, throttle or fault as the status says), whose id
//     is sent on in the request's own trace header, so Step Functions, Lambda and EventBridge link
//     what they do to the call that asked for it;
//   - a subsegment per outgoing HTTP request to anything else the function calls (namespace `remote`,
//     named after the host: method, URL without its query, status; error, throttle or fault), which
//     the deliveries function wraps around each webhook attempt (`traceRemote`). No trace header is
//     sent to such a host: it is not AWS and need not learn the platform's trace ids.
// Each subsegment is sent as its own UDP datagram to AWS_XRAY_DAEMON_ADDRESS when it ends, as the SDK
// streams them; an invocation ends only once its datagrams are handed to the socket. An unsampled
// invocation (`Sampled=0`) sends nothing and leaves the SDK's own trace header alone.
//
// Why not the SDK: aws-xray-sdk-core, cls-hooked and Powertools' Tracer were about 85 KiB of each
// bundle, and the SDK's context tracking enables async hooks that every promise of the process pays
// for. Lambda runs one invocation at a time in a process, so the open invocation is plain state here.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

/** An X-Ray trace header (`Root=…;Parent=…;Sampled=1;Lineage=…`), read. */
export interface TraceHeader {
  root: string;
  parent: string | undefined;
  sampled: boolean;
  /** Its other fields (`Lineage=…`), passed on unchanged. */
  rest: string[];
}

/** A subsegment document as the X-Ray daemon takes it. */
export interface SubsegmentDocument {
  type: 'subsegment';
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time?: number;
  namespace?: 'aws' | 'remote';
  annotations?: Record<string, string | number | boolean>;
  aws?: Record<string, string | number>;
  http?: { request?: { method: string; url: string }; response?: { status?: number; content_length?: number } };
  error?: true;
  fault?: true;
  throttle?: true;
  cause?: { exceptions: { id: string; type: string; message: string; remote?: true }[] };
}

/** Reads a trace header; undefined without a Root. */
export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  const fields = (header ?? '').split(';').map((part) => {
    const eq = part.indexOf('=');
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as const;
  });
  const value = (key: string) => fields.find(([k]) => k === key)?.[1];
  const root = value('Root');
  if (!root) return undefined;
  return {
    root,
    parent: value('Parent'),
    sampled: value('Sampled') === '1',
    rest: fields.filter(([k]) => k && !['Root', 'Parent', 'Sampled'].includes(k)).map(([k, v]) => `${k}=${v}`),
  };
}

/** The daemon's UDP address from AWS_XRAY_DAEMON_ADDRESS: `host:port`, or `udp:host:port tcp:host:port`. */
export function daemonAddress(value = '127.0.0.1:2000'): { host: string; port: number } {
  const udp =
    value
      .split(/\s+/)
      .find((part) => part.startsWith('udp:'))
      ?.slice(4) ?? value.trim();
  const colon = udp.lastIndexOf(':');
  return { host: udp.slice(0, colon), port: Number(udp.slice(colon + 1)) };
}

const DAEMON_HEADER = '{"format":"json","version":1}\n';
/** Error names the SDK's services give a throttled call (beside HTTP 429). */
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|SlowDown|LimitExceeded/;

const segmentId = () => randomBytes(8).toString('hex');
const now = () => Date.now() / 1000;

/** The piece of an SDK client this tracer uses: its middleware stack and region. */
interface TraceableClient {
  config: { region?: string | (() => Promise<string>) };
  middlewareStack: {
    remove(name: string): boolean;
    add(middleware: unknown, options: { step: 'build'; name: string }): void;
  };
}

interface SdkArgs {
  input?: Record<string, unknown>;
  request?: { headers?: Record<string, string> };
}
interface SdkMetadata {
  $metadata?: { requestId?: string; extendedRequestId?: string; httpStatusCode?: number; attempts?: number };
}

/** The middleware's name on each client it traces. */
export const XRAY_MIDDLEWARE = 'XRayTracing';

/** A function's tracer: its invocations and its SDK clients' calls, as X-Ray subsegments. */
export class XRayTracer {
  private coldStart = true;
  private open: { header: TraceHeader; doc: SubsegmentDocument } | undefined;
  private readonly sending = new Set<Promise<void>>();
  private socket: Socket | undefined;
  private daemon: { host: string; port: number } | undefined;

  constructor(
    readonly serviceName: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Opens the invocation's subsegment under the segment Lambda opened (from `_X_AMZN_TRACE_ID`). */
  startInvocation(): void {
    const header = parseTraceHeader(this.env._X_AMZN_TRACE_ID);
    const coldStart = this.coldStart;
    this.coldStart = false;
    this.open = undefined;
    if (!header?.sampled || !header.parent) return;
    const doc = this.subsegment(`## ${this.env._HANDLER ?? 'index.handler'}`, header.root, header.parent);
    doc.annotations = { ColdStart: coldStart, Service: this.serviceName };
    this.open = { header, doc };
  }

  /** Ends the invocation's subsegment (faulty when the handler threw) and waits until every datagram is sent. */
  async endInvocation(error?: unknown): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open) {
      if (error !== undefined) Object.assign(open.doc, { fault: true, cause: { exceptions: [exception(error)] } });
      this.send(open.doc);
    }
    await Promise.all([...this.sending]);
  }

  /** Traces `client`'s calls: a subsegment each, its id sent on in the request's trace header. */
  captureAWSv3Client<T>(client: T): T {
    const traced = client as unknown as TraceableClient;
    traced.middlewareStack.remove(XRAY_MIDDLEWARE);
    traced.middlewareStack.add(
      (next: (args: SdkArgs) => Promise<{ output?: SdkMetadata; response?: { headers?: Record<string, string> } }>, context: { clientName?: string; commandName?: string }) =>
        async (args: SdkArgs) => {
          const header = this.open?.header ?? parseTraceHeader(this.env._X_AMZN_TRACE_ID);
          const parent = this.open?.doc.id ?? header?.parent;
          if (!header?.sampled || !parent) return next(args);
          const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
          const doc = this.subsegment(service, header.root, parent);
          doc.namespace = 'aws';
          if (args.request?.headers) args.request.headers['X-Amzn-Trace-Id'] = [`Root=${header.root}`, `Parent=${doc.id}`, 'Sampled=1', ...header.rest].join(';');
          const region = typeof traced.config.region === 'function' ? await traced.config.region() : traced.config.region;
          const aws = (meta: SdkMetadata['$metadata']) => ({
            operation: (context.commandName ?? '').replace(/Command$/, ''),
            ...(region && { region }),
            ...(meta?.requestId && { request_id: meta.requestId }),
            ...(meta?.extendedRequestId && { id_2: meta.extendedRequestId }),
            ...(meta?.attempts !== undefined && { retries: meta.attempts - 1 }),
            ...(typeof args.input?.TableName === 'string' && { table_name: args.input.TableName }),
            ...(typeof args.input?.Bucket === 'string' && { bucket_name: args.input.Bucket }),
          });
          try {
            const res = await next(args);
            const length = Number(res.response?.headers?.['content-length']);
            const status = res.output?.$metadata?.httpStatusCode;
            Object.assign(doc, { aws: aws(res.output?.$metadata), http: { response: { ...(status && { status }), ...(Number.isFinite(length) && { content_length: length }) } } });
            this.send(doc);
            return res;
          } catch (e) {
            const status = (e as SdkMetadata).$metadata?.httpStatusCode;
            const name = (e as Error).name ?? '';
            Object.assign(doc, {
              aws: aws((e as SdkMetadata).$metadata),
              ...(status && { http: { response: { status } } }),
              ...(status === 429 || THROTTLED.test(name) ? { throttle: true, error: true } : status && status < 500 ? { error: true } : { fault: true }),
              cause: { exceptions: [{ ...exception(e), remote: true }] },
            });
            this.send(doc);
            throw e;
          }
        },
      { step: 'build', name: XRAY_MIDDLEWARE },
    );
    return client;
  }

  /**
   * Traces `run`, one HTTP request to a host that is not AWS, as a subsegment of the open invocation:
   * named after the host, its method and URL (scheme, host and path: a query or credentials in the URL
   * are left out), and what `outcome` reads of `run`'s result — the status answered, or the error when
   * no answer came (a fault, as X-Ray counts a remote call that failed). `run` throwing is recorded as
   * a fault and thrown on. Outside a sampled invocation, `run` alone.
   */
  async traceRemote<T>(
    request: { method: string; url: string },
    run: () => Promise<T>,
    outcome: (result: T) => { status?: number | undefined; error?: string | undefined },
  ): Promise<T> {
    const open = this.open;
    if (!open) return run();
    const url = new URL(request.url);
    const doc = this.subsegment(url.host, open.header.root, open.doc.id);
    doc.namespace = 'remote';
    const http = { request: { method: request.method, url: `${url.protocol}//${url.host}${url.pathname}` } };
    const failed = (message: string, name = 'Error') => Object.assign(doc, { http, fault: true, cause: { exceptions: [{ id: segmentId(), type: name, message, remote: true }] } });
    try {
      const result = await run();
      const { status, error } = outcome(result);
      if (status === undefined) failed(error ?? 'no answer');
      else
        Object.assign(doc, {
          http: { ...http, response: { status } },
          ...(status === 429 ? { throttle: true, error: true } : status >= 500 ? { fault: true } : status >= 400 ? { error: true } : {}),
        });
      this.send(doc);
      return result;
    } catch (e) {
      failed(exception(e).message, exception(e).type);
      this.send(doc);
      throw e;
    }
  }

  private subsegment(name: string, traceId: string, parentId: string): SubsegmentDocument {
    return { type: 'subsegment', id: segmentId(), trace_id: traceId, parent_id: parentId, name, start_time: now() };
  }

  /** Ends `doc` and hands it to the daemon (UDP: a lost datagram loses a subsegment, never a request). */
  private send(doc: SubsegmentDocument): void {
    doc.end_time = now();
    if (!this.socket) {
      // The daemon's address is the process's: read once, with the socket.
      this.daemon = daemonAddress(this.env.AWS_XRAY_DAEMON_ADDRESS);
      this.socket = createSocket('udp4');
      this.socket.unref();
    }
    const { host, port } = this.daemon!;
    const sent = new Promise<void>((resolve) => this.socket!.send(DAEMON_HEADER + JSON.stringify(doc), port, host, () => resolve()));
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }
}

function exception(error: unknown): { id: string; type: string; message: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { id: segmentId(), type: e.name, message: e.message };
}
