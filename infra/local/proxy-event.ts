// The event API Gateway (REST API, Lambda proxy integration, payload v1) hands a function, and the
// Lambda context beside it: built in one place for the embedded gateway and the handler tests.
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The Lambda context beside it: the one functions/http/lambda-context.ts builds. */
export { lambdaContext } from '../../functions/http/lambda-context.ts';

export interface ProxyEventInit {
  method: string;
  /** The route's resource path, `{name}` for parameters. */
  resource: string;
  /** The request path as sent. */
  path: string;
  pathParameters: Record<string, string>;
  /** Query parameters in request order; API Gateway keeps the last value in the single-value map. */
  query: [string, string][];
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | null;
  isBase64Encoded?: boolean;
  requestId: string;
  accountId: string;
  stage: string;
  protocol?: string;
  sourceIp: string;
  /** What IAM authorisation established; all null on public routes. */
  identity: { accessKey: string | null; userArn: string | null; caller: string | null };
  requestTimeEpoch?: number;
}

export function proxyEvent(init: ProxyEventInit): APIGatewayProxyEvent {
  // Own keys only, as API Gateway's JSON gives them: a key such as `constructor` or `__proto__` is a
  // parameter like any other, never what a plain object inherits (or its prototype).
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of init.query) {
    setOwn(query, k, v);
    setOwn(multiQuery, k, [...(Object.hasOwn(multiQuery, k) ? multiQuery[k]! : []), v]);
  }
  const hasQuery = init.query.length > 0;
  const { identity } = init;
  return {
    resource: init.resource,
    path: init.path,
    httpMethod: init.method,
    headers: init.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(init.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(init.pathParameters).length > 0 ? init.pathParameters : null,
    stageVariables: null,
    body: init.body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: init.accountId,
      apiId: 'local',
      authorizer: null,
      protocol: init.protocol ?? 'HTTP/1.1',
      httpMethod: init.method,
      path: `/${init.stage}${init.path}`,
      stage: init.stage,
      requestId: init.requestId,
      requestTimeEpoch: init.requestTimeEpoch ?? Date.now(),
      resourceId: init.resource,
      resourcePath: init.resource,
      identity: {
        accessKey: identity.accessKey,
        accountId: identity.userArn ? init.accountId : null,
        apiKey: null,
        apiKeyId: null,
        caller: identity.caller,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: init.sourceIp,
        user: identity.caller,
        userAgent: init.headers['user-agent'] ?? null,
        userArn: identity.userArn,
      },
    },
  };
}

function setOwn<V>(o: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
