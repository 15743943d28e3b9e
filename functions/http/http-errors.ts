// The one place where domain errors become HTTP responses, and where every API response gets its
// headers: with the console served from an origin of its own (CONSOLE_ORIGIN, set on AWS when the
// console is configured), the CORS headers that let its signed calls read the answer.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CONSOLE_ORIGIN_VARIABLE } from '../../shared/contracts/cors.ts';
import { RESPONSE_HEADERS } from '../../shared/contracts/headers.ts';
import type { GatewayError, GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import type { ErrorCode, ErrorKind } from '../../shared/domain/errors.ts';
import { DomainError } from '../../shared/domain/errors.ts';

/** The HTTP status of each kind of refusal: the one mapping, here at the edge. */
export const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 403,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  // The request is fine but the platform cannot compute it yet (e.g. next year's calendar is not loaded).
  unavailable: 422,
  internal: 500,
};

const KIND_OF_STATUS: Record<number, ErrorKind> = { 403: 'unauthenticated', 404: 'not-found', 413: 'too-large' };

/**
 * A refusal of the gateway's registry (shared/contracts/gateway-errors.ts) as a DomainError, with a
 * more specific English message when there is one: what the embedded gateway and the edge answer.
 */
export function gatewayError(code: GatewayErrorCode, message?: string, field?: string): DomainError {
  const e: GatewayError = GATEWAY_ERRORS[code];
  return new DomainError({ code, kind: KIND_OF_STATUS[e.status] ?? 'invalid', messageZh: e.messageZh, message: message ?? e.message, ...(field ? { field } : {}) });
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    messageZh: string;
    field?: string;
    requestId?: string;
    issues?: { field: string; message: string; messageZh: string }[];
  };
}

export function errorResponse(error: DomainError, requestId?: string, issues?: { field: string; message: string; messageZh: string }[]): APIGatewayProxyResult {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      messageZh: error.messageZh,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(requestId ? { requestId } : {}),
      ...(issues && issues.length > 0 ? { issues } : {}),
    },
  };
  return jsonResponse(STATUS[error.kind], body);
}

export function internalError(requestId?: string): APIGatewayProxyResult {
  const body: ErrorBody = {
    error: { code: 'INTERNAL_ERROR', message: 'internal error; retry later', messageZh: '系统内部错误，请稍后重试', ...(requestId ? { requestId } : {}) },
  };
  return jsonResponse(500, body);
}

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      ...corsHeaders(),
    },
    body: JSON.stringify(body),
  };
}

/**
 * The response headers a route sets that the console may read (the CORS-safelisted ones it reads
 * anyway): from the headers' registry, not the route table, which a function's bundle does not carry.
 */
const EXPOSED_HEADERS = RESPONSE_HEADERS.map((h) => h.name).join(', ');

/**
 * The CORS headers of an answer to the console's origin, `CONSOLE_ORIGIN` (one origin, so the answer
 * varies with nothing else, but says so for caches); none when it is unset (the embedded platform
 * serves the console from its own origin). API Gateway answers the preflight itself (OPTIONS).
 */
export function corsHeaders(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const origin = env[CONSOLE_ORIGIN_VARIABLE];
  if (origin === undefined || origin === '') return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS, vary: 'Origin' };
}

export { DomainError };
