// API Gateway REST API (payload v1, Lambda proxy integration) events and Lambda contexts for handler
// tests, shaped like the ones API Gateway sends (and infra/local/api-gateway.ts builds).
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

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
  const path = init.resource.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
  const body = init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const given = init.headers ?? {};
  const hasContentType = Object.keys(given).some((k) => k.toLowerCase() === 'content-type');
  const headers = { ...(body !== null && !hasContentType ? { 'content-type': 'application/json' } : {}), ...given };
  const query = init.query && Object.keys(init.query).length > 0 ? init.query : null;
  const userArn = init.userArn ?? null;
  return {
    resource: init.resource,
    path,
    httpMethod: init.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: Object.keys(params).length > 0 ? params : null,
    stageVariables: null,
    body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: TEST_ACCOUNT,
      apiId: 'testapi',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: init.method,
      path: `/prod${path}`,
      stage: 'prod',
      requestId: init.requestId ?? 'req-0001',
      requestTimeEpoch: Date.parse('2026-11-23T02:00:00Z'),
      resourceId: 'res123',
      resourcePath: init.resource,
      identity: {
        accessKey: userArn ? 'ASIAEXAMPLE' : null,
        accountId: userArn ? TEST_ACCOUNT : null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'vitest',
        userArn,
      },
    },
  };
}

export function lambdaContext(functionName = 'tongban-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:${TEST_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'lambda-req-0001',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
