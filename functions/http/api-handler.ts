// The edge every API function shares: find the route, check the caller, validate the request with
// the route's own schemas, run the operation, turn the outcome into an HTTP response. Handlers
// only supply their routes (their own list, <function>-routes.ts: a function's bundle carries its own
// routes' schemas, not the whole table's) and the operations.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
// zod's Chinese messages alone: the package's `locales` namespace would bring every language into the bundle.
import zhCN from 'zod/v4/locales/zh-CN.js';
import type { Directory } from '../../shared/contracts/directory.ts';
import type { FunctionName, RouteOf, RouteSpec } from '../../shared/contracts/routes.ts';
import { refusalOf } from '../../shared/contracts/free-form-json.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { requireRole, resolveCaller } from '../../shared/domain/access/caller.ts';
import { DomainError, invalid } from '../../shared/domain/errors.ts';
import { errorResponse, gatewayError, internalError, jsonResponse } from './http-errors.ts';
import { observability, observed } from './observability.ts';

/** Bodies larger than this are refused before parsing (a service guide is a few KiB). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ApiRequest {
  route: RouteSpec;
  /** Undefined only on public routes. */
  caller: Caller | undefined;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Request headers, names lower-cased (API Gateway keeps the client's case). */
  headers: Record<string, string>;
  requestId: string;
}

/** What the edge hands an operation for the part `K` of route `R`: its schema's output, parsed. */
type Parsed<R, K extends 'params' | 'query' | 'body'> = R extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : K extends 'body'
    ? undefined
    : Record<string, never>;

/** The headers route `R` declares required, by their lower-cased key: checked by the edge, present. */
type DeclaredHeaders<R> = R extends { readonly headers: readonly (infer H)[] } ? { [K in H extends { key: infer N extends string; required: true } ? N : never]: string } : unknown;

/**
 * The caller of route `R`: on a signed route, a principal of one of its roles (the edge refuses the
 * others before the operation runs); on a public one, none.
 */
type CallerOf<R> = R extends { readonly auth: 'iam' } ? (R extends { readonly roles: readonly (infer Q)[] } ? Caller & { role: Q } : Caller) : undefined;

/** The request an operation of route `R` gets: params, query, body and declared headers parsed and typed, the caller on a signed route. */
export interface RequestOf<R> {
  route: RouteSpec;
  caller: CallerOf<R>;
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Request headers, names lower-cased (API Gateway keeps the client's case). */
  headers: Record<string, string> & DeclaredHeaders<R>;
  requestId: string;
}

/** One operation per route of function `F`, by operation id, each typed by its route. */
export type OperationsOf<F extends FunctionName> = { [R in RouteOf<F> as R['operationId']]: (req: RequestOf<R>) => Promise<unknown> };

export interface ApiHandlerOptions<F extends FunctionName> {
  directory?: () => Promise<Directory>;
  /**
   * The domain's own rules over a route's body, where the route's schema holds its shape only (the
   * wire's schemas import no domain code): a refinement of that schema, which the edge checks the body
   * with in its place — refused alike, VALIDATION_FAILED with the field and every issue.
   */
  bodyRules?: { [R in RouteOf<F> as R['operationId']]?: R extends { readonly body: infer S extends z.ZodType } ? z.ZodType<z.output<S>> : never };
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The handler of the API function `fn`: `routes` are the routes it serves (its own list, every one of
 * them: an operation without its route is refused here), `operations` one per route. A request for
 * any other route is answered 404 ROUTE_NOT_FOUND.
 */
export function apiHandler<F extends FunctionName>(
  fn: F,
  routes: readonly RouteOf<NoInfer<F>>[],
  operations: NoInfer<OperationsOf<F>>,
  options: NoInfer<ApiHandlerOptions<F>> = {},
): ApiHandler {
  const bodyRules: Partial<Record<string, z.ZodType>> = options.bodyRules ?? {};
  // Looked up by the route's operation id at run time (the types have paired each with its route).
  const operationOf = (operationId: string): unknown => Reflect.get(operations, operationId);
  for (const r of routes as readonly RouteSpec[]) {
    if (r.function !== fn) throw new Error(`function ${fn} is given route ${r.operationId}, which the route table gives the ${r.function} function`);
    if (typeof operationOf(r.operationId) !== 'function') throw new Error(`function ${fn} has no operation for route ${r.operationId}`);
  }
  const unrouted = Object.keys(operations).filter((id) => !routes.some((r) => r.operationId === id));
  if (unrouted.length > 0) throw new Error(`function ${fn} has operations without their routes: ${unrouted.join(', ')}`);

  const { logger, metrics } = observability(fn);
  const base = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const route = (routes as readonly RouteSpec[]).find((r) => r.method === event.httpMethod && r.path === event.resource);
    if (!route) {
      return errorResponse(gatewayError('ROUTE_NOT_FOUND', `no route ${event.httpMethod} ${event.resource}`), requestId);
    }
    // Per invocation, with its operation: a single metric, flushed at once (never a dimension shared
    // with a concurrent invocation).
    const count = (name: 'Succeeded' | 'Refused') => {
      const single = metrics.singleMetric();
      single.addDimension('operation', route.operationId);
      single.addMetric(name, 'Count', 1);
    };
    try {
      let caller: Caller | undefined;
      if (route.auth === 'iam') {
        if (!options.directory) throw new Error(`function ${fn} serves signed routes but has no directory`);
        caller = resolveCaller(event.requestContext?.identity?.userArn, await options.directory());
        if (route.roles) requireRole(caller, ...route.roles);
        logger.appendKeys({ principal: caller.name, role: caller.role, ...(caller.officer !== undefined ? { officer: caller.officer } : {}) });
      }
      const req: ApiRequest = {
        route,
        caller,
        requestId,
        params: parse(route.params, event.pathParameters ?? {}, 'path'),
        query: parse(route.query, event.queryStringParameters ?? {}, 'query'),
        body: route.body ? parse(bodyRules[route.operationId] ?? route.body, parseJsonBody(event), 'body') : undefined,
        headers: checkedHeaders(route, event),
      };
      const operation = operationOf(route.operationId);
      if (typeof operation !== 'function') throw new Error(`function ${fn} has no operation for route ${route.operationId}`);
      // eslint-disable-next-line @typescript-eslint/no-unsafe-call -- every route has its operation (checked when the handler is built), and req is what the route's own schemas parsed: the request type the operation declares (OperationsOf).
      const result: unknown = await operation(req);
      count('Succeeded');
      return result instanceof Answer ? answered(route, result) : jsonResponse(route.successStatus ?? 200, result);
    } catch (e) {
      count('Refused');
      if (e instanceof ValidationFailure) return errorResponse(e.error, requestId, e.issues);
      if (e instanceof DomainError) {
        logger.info('request refused', { code: e.code, field: e.field, operation: route.operationId });
        return errorResponse(e, requestId);
      }
      logger.error('request failed', { operation: route.operationId, error: e });
      return internalError(requestId);
    }
  };

  return observed(fn, base);
}

/**
 * An operation's answer with headers of its own, among its route's `responseHeaders` (by their
 * lower-cased key): the body is what the route's `response` describes.
 */
export class Answer {
  constructor(
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>>,
    /** The body is text of this media type (CSV…), sent as it is: another form of what `response` describes. */
    readonly textType?: string,
  ) {}

  /** The answer as text of `contentType` (`body` a string). */
  static text(body: string, contentType: string): Answer {
    return new Answer(body, {}, contentType);
  }
}

function answered(route: RouteSpec, answer: Answer): APIGatewayProxyResult {
  const declared = new Set<string>((route.responseHeaders ?? []).map((h) => h.key));
  const undeclared = Object.keys(answer.headers).filter((k) => !declared.has(k));
  if (undeclared.length > 0) throw new Error(`route ${route.operationId} does not declare the response headers ${undeclared.join(', ')}`);
  const response = jsonResponse(route.successStatus ?? 200, answer.body);
  if (answer.textType !== undefined) {
    if (typeof answer.body !== 'string') throw new Error(`route ${route.operationId} answers text that is not a string`);
    return { ...response, body: answer.body, headers: { ...response.headers, 'content-type': answer.textType, ...answer.headers } };
  }
  return { ...response, headers: { ...response.headers, ...answer.headers } };
}

class ValidationFailure extends Error {
  constructor(
    readonly error: DomainError,
    readonly issues: { field: string; message: string; messageZh: string }[],
  ) {
    super(error.message);
  }
}

function parse(schema: z.ZodType | undefined, input: unknown, where: 'path' | 'query' | 'body'): Record<string, unknown> {
  if (!schema) return {};
  const result = schema.safeParse(input);
  if (result.success) {
    // The routes' params, query and body schemas are objects.
    const data: unknown = result.data;
    return typeof data === 'object' && data !== null ? { ...data } : {};
  }
  // The same validation again with zod's Chinese messages: the issues come in the same order.
  const zh = schema.safeParse(input, { error: zhMessages });
  const zhIssues = zh.success ? [] : zh.error.issues;
  const issues = result.error.issues.map((i, n) => ({
    field: i.path.map(String).join('.') || where,
    message: i.message,
    messageZh: refusalOf(i)?.messageZh ?? zhIssues[n]?.message ?? i.message,
  }));
  const first = issues[0] ?? { field: where, message: 'invalid', messageZh: '无效' };
  // A value the stores cannot keep (free-form-json.ts) is answered with its own code.
  const refusal = result.error.issues[0] && refusalOf(result.error.issues[0]);
  if (refusal)
    throw new ValidationFailure(invalid(refusal.code, first.field, `${first.field}：${refusal.messageZh}`, `invalid ${where}: ${first.field}: ${first.message}`), issues);
  throw new ValidationFailure(
    invalid('VALIDATION_FAILED', first.field, `请求参数有误：${first.field}（${first.messageZh}）`, `invalid ${where}: ${first.field}: ${first.message}`),
    issues,
  );
}

/** The request's headers, names lower-cased, after the route's declared ones are checked (missing, invalid). */
function checkedHeaders(route: RouteSpec, event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(event.headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));
  for (const h of route.headers ?? []) {
    const value = headers[h.key];
    if (value === undefined || value === '') {
      if (h.required) throw invalid(h.missing.code, h.name, h.missing.messageZh, h.missing.message);
      // An optional header sent empty is not sent: the operation never sees a value its pattern refuses.
      delete headers[h.key];
      continue;
    }
    if (!h.pattern.test(value)) throw invalid(h.invalid.code, h.name, h.invalid.messageZh, h.invalid.message);
    if (h.unsigned && !signedHeaders(headers, event).has(h.key)) throw invalid(h.unsigned.code, h.name, h.unsigned.messageZh, h.unsigned.message);
  }
  return headers;
}

/**
 * The headers the request's SigV4 signature covers, lower-cased: from the `Authorization` header
 * (`… SignedHeaders=host;x-amz-date;…, Signature=…`), or the `X-Amz-SignedHeaders` of a presigned
 * URL. API Gateway has checked the signature itself; this only reads what it covered.
 */
function signedHeaders(headers: Record<string, string>, event: APIGatewayProxyEvent): ReadonlySet<string> {
  const fromAuthorization = /\bSignedHeaders=([^,\s]+)/.exec(headers.authorization ?? '')?.[1];
  const query = Object.entries(event.queryStringParameters ?? {}).find(([k]) => k.toLowerCase() === 'x-amz-signedheaders')?.[1];
  return new Set((fromAuthorization ?? query ?? '').toLowerCase().split(';').filter(Boolean));
}

const zhMessages: z.core.$ZodErrorMap = zhCN().localeError;

function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw gatewayError('PAYLOAD_TOO_LARGE', `request body exceeds ${MAX_BODY_BYTES} bytes`, 'body');
  }
  if (text.trim() === '') throw invalid('BODY_REQUIRED', 'body', '缺少请求体', 'this route needs a JSON body');
  const contentType = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (contentType && !/^application\/json\b/i.test(contentType)) {
    throw invalid('UNSUPPORTED_MEDIA_TYPE', 'content-type', '请求体须为 JSON（application/json）', `expected application/json, got ${contentType}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid('MALFORMED_JSON', 'body', '请求体不是合法的 JSON', `the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Checked before any schema walks it: validating a body nested thousands of levels deep would
  // exhaust the stack (a 500) where it is simply bad input. And JSON.parse keeps a `__proto__` key as
  // data, which a schema rebuilding the object would drop silently (or take for a prototype).
  const shape = bodyShape(parsed);
  if (shape.depth > MAX_BODY_DEPTH) {
    throw invalid('VALIDATION_FAILED', 'body', `请求体嵌套层级超过 ${MAX_BODY_DEPTH} 层`, `the body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  if (shape.protoKey !== undefined) {
    throw invalid('JSON_KEY_RESERVED', shape.protoKey, `键名“__proto__”为保留字，不能使用（${shape.protoKey}）`, `the key "__proto__" cannot be stored (${shape.protoKey})`);
  }
  return parsed;
}

/** The deepest nesting a request body may have (a service guide or an application form needs < 10). */
export const MAX_BODY_DEPTH = 32;

/**
 * A body's depth of nested arrays and objects, and the dotted path of its first `__proto__` key: one
 * walk, without recursion (the value may be arbitrarily deep), that stops once it is too deep.
 */
function bodyShape(value: unknown): { depth: number; protoKey?: string } {
  let depth = 0;
  let protoKey: string | undefined;
  const stack: [unknown, string[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    depth = Math.max(depth, path.length + 1);
    if (depth > MAX_BODY_DEPTH) return { depth };
    if (Array.isArray(v)) v.forEach((child, i) => stack.push([child, [...path, String(i)]]));
    else
      for (const key of Object.keys(v)) {
        if (key === '__proto__') protoKey ??= [...path, key].join('.');
        stack.push([Reflect.get(v, key), [...path, key]]);
      }
  }
  return protoKey === undefined ? { depth } : { depth, protoKey };
}
