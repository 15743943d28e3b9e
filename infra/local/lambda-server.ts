// Local stand-in for the Lambda Invoke API (REST JSON: `POST /2015-03-31/functions/<name>/invocations`),
// so the functions' Lambda calls (shared/adapters/lambda-invoker.ts) reach functions of the embedded runtime with nothing
// but an endpoint override (AWS_ENDPOINT_URL_LAMBDA). It runs the named function's handler in this
// process with the request body as its event and answers as Lambda does: RequestResponse → 200 with
// the result as JSON, or, when the handler throws, 200 with `X-Amz-Function-Error: Unhandled` and
// `{"errorType", "errorMessage"}`; Event → 202 at once, the handler run in the background (a failure is
// told to `onAsyncError`); an unknown function → 404 ResourceNotFoundException.
//
// Not Lambda: no retries of failed Event invocations and no dead-letter queue (the sweep starts again
// what did not finish), no concurrency limit, no timeout, no qualifiers; the caller's signature is not
// checked (bind it to loopback only). `close()` waits for the background invocations still running.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LocalFunction = (event: unknown) => Promise<unknown>;

export interface LocalLambda {
  endpoint: string;
  close(): Promise<void>;
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLocalLambda(opts: {
  host: string;
  /** By function name; looked up at each invocation, so a function may be added after the start. */
  functions: Record<string, LocalFunction>;
  onAsyncError?: (functionName: string, error: unknown) => void;
}): Promise<LocalLambda> {
  const running = new Set<Promise<unknown>>();
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...headers });
    res.end(text);
  };
  const refuse = (res: ServerResponse, status: number, type: string, message: string) => send(res, status, { Type: 'User', message }, { 'x-amzn-ErrorType': type });

  const server = createServer((req, res) => {
    const match = INVOKE_PATH.exec((req.url ?? '').split('?')[0]!);
    if (req.method !== 'POST' || !match)
      return refuse(res, 404, 'UnknownOperationException', `the local Lambda serves POST /2015-03-31/functions/<name>/invocations only, not ${req.method} ${req.url}`);
    // A function is named by name or ARN (arn:…:function:<name>).
    const named = decodeURIComponent(match[1]!);
    const name = named.includes(':function:') ? named.split(':function:')[1]!.split(':')[0]! : named;
    const fn = opts.functions[name];
    const type = req.headers['x-amz-invocation-type'];
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!fn) return refuse(res, 404, 'ResourceNotFoundException', `Function not found: ${named}`);
      if (type !== undefined && type !== 'RequestResponse' && type !== 'Event')
        return refuse(res, 400, 'InvalidParameterValueException', `the local Lambda runs RequestResponse and Event invocations, not ${String(type)}`);
      if (size > MAX_PAYLOAD_BYTES) return refuse(res, 413, 'RequestTooLargeException', `the payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
      let event: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        event = text === '' ? {} : JSON.parse(text);
      } catch {
        return refuse(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
      if (type === 'Event') {
        const run = fn(event).catch((e: unknown) => (opts.onAsyncError ?? (() => undefined))(name, e));
        running.add(run);
        void run.finally(() => running.delete(run));
        return send(res, 202, undefined);
      }
      fn(event).then(
        (result) => send(res, 200, result ?? null, { 'X-Amz-Executed-Version': '$LATEST' }),
        (e: unknown) => {
          const error = e instanceof Error ? e : new Error(String(e));
          send(res, 200, { errorType: error.name, errorMessage: error.message }, { 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST' });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${opts.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.allSettled([...running]);
    },
  };
}
