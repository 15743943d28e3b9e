// What a route of the API is (RouteSpec), and which functions serve them: the types the route table
// (routes.ts) and each function's own routes (<function>-routes.ts, statistics.ts, evaluations.ts,
// tickets.ts) are written in. No schemas here: a function's bundle that imports this imports no route.
import type * as z from 'zod';
import type { ErrorCode } from './error-codes.ts';
import type { HeaderSpec, RESPONSE_HEADERS } from './headers.ts';

/** The Lambda functions behind the API; each is a folder under functions/. */
export type FunctionName = 'catalogue' | 'platform' | 'cases' | 'seals' | 'events' | 'supervision' | 'statistics' | 'evaluations' | 'tickets';

/** A route of the API, served by the function `F`. */
export interface RouteSpec<F extends FunctionName = FunctionName> {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  function: F;
  /** `public` routes answer unsigned requests; everything else needs SigV4 (IAM). */
  auth: 'iam' | 'public';
  summary: string;
  /** Roles that may call the route at all; finer rules (own department…) are the domain's. */
  roles?: readonly ('platform' | 'department' | 'channel' | 'auditor')[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Request headers the operation reads, validated by the edge once (the edge hands every header
   * over, names lower-cased; a declared one arrives checked under its `key`).
   */
  headers?: readonly HeaderSpec[];
  response: z.ZodType;
  /** Headers the success answer may carry. */
  responseHeaders?: readonly (typeof RESPONSE_HEADERS)[number][];
  successStatus?: 200 | 201;
  /**
   * The domain's refusals this route can answer with. The edge's own (validation, JSON, signature,
   * role) are added to the OpenAPI document for every route they apply to.
   */
  errors: readonly ErrorCode[];
}

/** Every role: a route any signed caller may call. */
export const ANY_ROLE = ['platform', 'department', 'channel', 'auditor'] as const;

/** What a required Idempotency-Key (a filing's) is refused for: missing, malformed, unsigned, or used before for another request. */
export const IDEMPOTENCY_KEY_ERRORS = [
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_UNSIGNED',
  'IDEMPOTENCY_KEY_REUSED',
] as const satisfies readonly ErrorCode[];
