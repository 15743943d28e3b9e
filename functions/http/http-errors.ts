// The one place where domain errors become HTTP responses.
import type { APIGatewayProxyResult } from 'aws-lambda';
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
    },
    body: JSON.stringify(body),
  };
}

export { DomainError };
