// API Gateway REST API (payload v1, Lambda proxy integration) events and Lambda contexts for handler
// tests, shaped like the ones API Gateway sends (and infra/local/api-gateway.ts builds).
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { lambdaContext as localLambdaContext, proxyEvent } from '../../infra/local/proxy-event.ts';

export const TEST_ACCOUNT = '111122223333';

export interface ApiEventInit {
  method: string;
  /** The route's resource path, `{name}` for parameters (what API Gateway puts in `resource`). */
  resource: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A value is sent as JSON; a string is sent as it is. */
  body?: unknown;
  isBase64Encoded?: boolean;
  /** `requestContext.identity.userArn`: the IAM identity API Gateway authenticated; null when unsigned. */
  userArn?: string | null;
  requestId?: string;
}

export function apiEvent(init: ApiEventInit): APIGatewayProxyEvent {
  const params = init.pathParameters ?? {};
  const body = init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const given = init.headers ?? {};
  const hasContentType = Object.keys(given).some((k) => k.toLowerCase() === 'content-type');
  const userArn = init.userArn ?? null;
  return proxyEvent({
    method: init.method,
    resource: init.resource,
    path: init.resource.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? '')),
    pathParameters: params,
    query: Object.entries(init.query ?? {}),
    headers: { ...(body !== null && !hasContentType ? { 'content-type': 'application/json' } : {}), ...given, 'user-agent': 'vitest' },
    body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestId: init.requestId ?? 'req-0001',
    accountId: TEST_ACCOUNT,
    stage: 'prod',
    sourceIp: '203.0.113.10',
    identity: { accessKey: userArn ? 'ASIAEXAMPLE' : null, userArn, caller: null },
    requestTimeEpoch: Date.parse('2026-11-23T02:00:00Z'),
  });
}

export function lambdaContext(functionName = 'tongban-test'): Context {
  return localLambdaContext(functionName, 'lambda-req-0001', TEST_ACCOUNT);
}
