// The AWS JSON protocol as a local stand-in serves it (KMS speaks 1.1, Step Functions 1.0): `POST /`
// with `X-Amz-Target: <prefix><Operation>` and a JSON object body; answers JSON, errors as
// `{"__type": "<Code>", "message": "..."}` with their HTTP status. The unmodified AWS SDK clients work
// against it with an endpoint override. Signatures are not checked: bind it to loopback only.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

/** An error answered to the client as `{"__type": type, "message": message}`. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type AwsJsonOperation = (input: Json, req: IncomingMessage) => Promise<Json | undefined>;

export interface AwsJsonServerOptions {
  host: string;
  port?: number;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  contentType: string;
  /** `TrentService.`, `AWSStepFunctions.`… */
  targetPrefix: string;
  operations: Record<string, AwsJsonOperation>;
  /** The service's code for an unexpected failure (answered 500). */
  internalErrorType: string;
}

export interface AwsJsonServer {
  endpoint: string;
  port: number;
  /** Stops accepting requests and drops open connections. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** A larger body is answered 413, then drained up to this much more so the client reads the answer. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

export async function serveAwsJson(opts: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const send = (res: ServerResponse, status: number, body: Json | undefined, extra: Record<string, string> = {}): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': opts.contentType, 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...extra });
    res.end(text);
  };
  const sendError = (res: ServerResponse, err: AwsJsonError, extra: Record<string, string> = {}): void => send(res, err.status, { __type: err.type, message: err.message }, extra);

  /** The body, or undefined when it was too large (answered 413; the rest drained, then the connection cut). */
  const readBody = (req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let rejected = false;
      const tooLarge = (): void => {
        rejected = true;
        chunks.length = 0;
        sendError(res, new AwsJsonError('RequestEntityTooLargeException', `Request body exceeds ${MAX_BODY_BYTES} bytes`, 413), { Connection: 'close' });
        resolve(undefined);
      };
      if (Number(req.headers['content-length'] ?? '0') > MAX_BODY_BYTES) tooLarge();
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (rejected) {
          if (size > MAX_BODY_BYTES + MAX_DRAIN_BYTES) req.destroy();
          return;
        }
        if (size > MAX_BODY_BYTES) {
          tooLarge();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!rejected) resolve(Buffer.concat(chunks));
      });
      req.on('error', (err) => {
        if (!rejected) reject(err);
      });
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, res);
    if (body === undefined) return;
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      sendError(res, new AwsJsonError('UnknownOperationException', `${req.method ?? ''} ${req.url ?? ''} is not an operation of this service`, 404));
      return;
    }
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith(opts.targetPrefix) ? target.slice(opts.targetPrefix.length) : undefined;
    const operation = name !== undefined && Object.hasOwn(opts.operations, name) ? opts.operations[name] : undefined;
    if (!operation) {
      sendError(res, new AwsJsonError('UnknownOperationException', `Unknown or unsupported operation ${String(target ?? '(no X-Amz-Target)')}`));
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      sendError(res, new AwsJsonError('SerializationException', 'Request body is not valid JSON'));
      return;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      sendError(res, new AwsJsonError('SerializationException', 'Request body must be a JSON object'));
      return;
    }
    send(res, 200, await operation(input as Json, req));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, err instanceof AwsJsonError ? err : new AwsJsonError(opts.internalErrorType, (err as Error)?.message ?? String(err), 500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
