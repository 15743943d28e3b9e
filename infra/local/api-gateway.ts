// The embedded stand-in for API Gateway (REST API, Lambda proxy integration, payload v1): a
// node:http server that routes with the same route table the CDK stack deploys, checks SigV4 the
// way IAM authorisation does, and hands the very same handlers the event shape they get on AWS.
// Gaps against AWS: no WAF, no throttling, no usage plans, no presigned (query-string) signatures.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { FunctionName, RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { errorResponse, gatewayError, internalError } from '../../functions/http/http-errors.ts';
import type { ApiHandler } from '../../functions/http/api-handler.ts';
import { lambdaContext, proxyEvent } from './proxy-event.ts';
import type { LocalCredential, SigV4Verifier } from './sigv4-verifier.ts';
import { listen } from './listen.ts';
import { readBody } from './request-body.ts';
import type { ConsoleSite } from './console-site.ts';
import { CONSOLE_PATH } from './console-site.ts';

/** API Gateway's own payload limit is 10 MB; the handlers apply their tighter one. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const LOCAL_ACCOUNT = '000000000000';

export interface GatewayOptions {
  handlers: Record<FunctionName, ApiHandler>;
  verifier: SigV4Verifier;
  /**
   * The IAM ARN a verified key pair's requests carry (`requestContext.identity.userArn`): its
   * principal's identity, or an officer's session of the principal's role.
   */
  userArnOf: (credential: LocalCredential) => string | null;
  host: string;
  port: number;
  /** The web console, served under /console/ of the same origin (infra/local/console-site.ts). */
  console?: ConsoleSite;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const server = createServer((req, res) => {
    handle(req, res, opts, (server.address() as AddressInfo).port).catch((e: unknown) => {
      // Answered with a request id, as every answer is, and logged under it.
      const requestId = randomUUID();
      console.error('gateway failure', requestId, e);
      if (!res.headersSent) send(res, internalError(requestId));
    });
  });
  server.keepAliveTimeout = 5_000;
  // What Node's HTTP parser refuses before a request reaches `handle` (a header section over its
  // 16 KiB, a request line that is not HTTP) is answered in the platform's error envelope too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST';
    const { body } = errorResponse(gatewayError(code), randomUUID());
    const status = GATEWAY_ERRORS[code].status;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\nx-content-type-options: nosniff\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await listen(server, opts.host, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: GatewayOptions, port: number): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers = lowerCaseHeaders(req);
  // Refusals that need no body are answered before reading one (and the connection is not reused).
  const early = (error: DomainError) => {
    res.shouldKeepAlive = false;
    send(res, errorResponse(error, requestId));
  };
  // Like API Gateway, answer only for our own host name: a request addressed elsewhere (DNS
  // rebinding, a signature made for another endpoint) is not ours to serve.
  if (!isOwnHost(headers['host'], opts.host, port)) return early(gatewayError('HOST_UNKNOWN', `this gateway does not serve host ${headers['host'] ?? '(none)'}`));
  if (opts.console && (url.pathname === CONSOLE_PATH || url.pathname.startsWith(`${CONSOLE_PATH}/`))) return opts.console(req, res, url);
  const match = matchRoute(req.method ?? 'GET', url.pathname);
  if (!match.route) {
    return early(
      match.pathKnown
        ? gatewayError('METHOD_NOT_ALLOWED', `${req.method} is not supported on ${url.pathname}`)
        : gatewayError('ROUTE_NOT_FOUND', `no route ${req.method} ${url.pathname}`),
    );
  }
  if (match.route.auth === 'iam' && !headers['authorization']) {
    return early(gatewayError(url.searchParams.has('X-Amz-Signature') ? 'SIGNATURE_QUERY_UNSUPPORTED' : 'SIGNATURE_MISSING'));
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === 'too-large') return early(gatewayError('PAYLOAD_TOO_LARGE', `request body exceeds ${MAX_REQUEST_BYTES} bytes`, 'body'));

  let identity: { accessKey: string | null; userArn: string | null; caller: string | null } = { accessKey: null, userArn: null, caller: null };
  if (match.route.auth === 'iam') {
    try {
      const credential = await opts.verifier.verify({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body });
      identity = { accessKey: credential.accessKeyId, userArn: opts.userArnOf(credential), caller: credential.officer ?? credential.principal };
    } catch (e) {
      if (e instanceof DomainError) return send(res, errorResponse(e, requestId));
      throw e;
    }
  }

  const event = proxyEvent({
    method: match.route.method,
    resource: match.route.path,
    path: url.pathname,
    pathParameters: match.params,
    query: [...url.searchParams],
    headers,
    body: body.length > 0 ? body.toString('utf8') : null,
    requestId,
    accountId: LOCAL_ACCOUNT,
    stage: 'local',
    protocol: `HTTP/${req.httpVersion}`,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    identity,
  });
  const fn = match.route.function;
  const result = await opts.handlers[fn](event, lambdaContext(`tongban-local-${fn}`, requestId, LOCAL_ACCOUNT));
  send(res, result);
}

/**
 * The route a request reaches, as API Gateway picks it: of the templates the path fits, the most
 * specific — a literal segment wins over a `{parameter}` at the first place they differ
 * (`/v1/supervision/rules` over `/v1/supervision/{kind}`), whatever the order of the route table.
 */
export function matchRoute(method: string, pathname: string): { route?: RouteSpec; params: Record<string, string>; pathKnown: boolean } {
  const segments = pathname.split('/').filter(Boolean);
  let pathKnown = false;
  let best: { route: RouteSpec; params: Record<string, string>; shape: string } | undefined;
  for (const route of ROUTES as readonly RouteSpec[]) {
    const template = route.path.split('/').filter(Boolean);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = template.every((t, i) => {
      const s = segments[i]!;
      if (t.startsWith('{') && t.endsWith('}')) {
        try {
          params[t.slice(1, -1)] = decodeURIComponent(s);
        } catch {
          return false;
        }
        return true;
      }
      return t === s;
    });
    if (!ok) continue;
    pathKnown = true;
    // 0 for a literal segment, 1 for a parameter: the smallest shape is the most specific template.
    const shape = template.map((t) => (t.startsWith('{') ? '1' : '0')).join('');
    if (route.method === method && (best === undefined || shape < best.shape)) best = { route, params, shape };
  }
  return best ? { route: best.route, params: best.params, pathKnown } : { params: {}, pathKnown };
}

/** The request's headers, names lower-cased, each an own key (a header named `__proto__` is a header, not a prototype). */
function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]])));
}

function isOwnHost(host: string | undefined, listening: string, port: number): boolean {
  return host === `${listening}:${port}` || host === `localhost:${port}`;
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  const headers: Record<string, string | number> = { 'content-length': body.length };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}
