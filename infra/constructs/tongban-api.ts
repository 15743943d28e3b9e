// The REST API of one deployment, built from the route table (shared/contracts/routes.ts): a resource
// per path segment and a method per route, integrated with the function the route names, IAM (SigV4)
// authorisation on every route not marked public (a public one says in its function's manifest what
// it reads and returns), API Gateway's own refusals in the platform's error envelope, access logs,
// stage throttling and a WAF web ACL (AWS managed rules: IP reputation, common, known bad inputs; rate
// limits per signing session, per IP for unsigned requests, and a per-IP ceiling: see WAF_RATE_LIMITS_PER_5_MIN).
//
// Transport: API Gateway endpoints answer HTTPS only (there is no plain-HTTP listener to deny), so no
// aws:SecureTransport resource policy is needed. The REST API's own security policy (CloudFormation
// `SecurityPolicy` of AWS::ApiGateway::RestApi, set through the L1 resource: the RestApi construct has
// no property for it) pins TLS 1.2 as the oldest version its default execute-api endpoint accepts —
// that endpoint's default is the legacy TLS 1.0 policy, which a custom domain name alone used to be able
// to change. An enhanced policy (`SecurityPolicy_…`) needs an endpoint access mode: STRICT, which also
// refuses a request whose TLS SNI is not the API's host. (An API deployed before with the legacy policy
// moves to it as AWS advises, first BASIC; this template says where it ends.) Each access log entry
// records the TLS version the client used ($context.tlsVersion).
//
// Logs, each kept config.logRetentionDays: the access log; the execution log, which API Gateway writes
// into `API-Gateway-Execution-Logs_<rest API id>/<stage>` and would create itself, never expiring —
// so the stack creates that group first, with its retention; and the WAF's log of every request it
// saw (`aws-waf-logs-tongban-<stage>`: WAF delivers only to groups so named), the Authorization
// header redacted.
//
// The web console (config `console`), served from an origin of its own, calls the API from the browser:
// with `corsOrigin`, every resource with a route answers the CORS preflight (OPTIONS) for that origin
// alone — a mock integration without authorisation, since a browser sends a preflight without the
// signature it asks leave to send — with the methods of its routes and the headers a signed call
// carries (shared/contracts/cors.ts); API Gateway's own refusals carry Access-Control-Allow-Origin for
// it too, as do the functions' answers (their CONSOLE_ORIGIN). Every other method stays IAM-authorised.
//
// Each function may be invoked by this API's stage alone (one permission per function, its source the
// stage's execute-api ARN): a permission per method would cost the stack a resource per route, which
// it cannot spare beside the preflight methods (CloudFormation's 500 resources a stack). API Gateway
// invokes a function only for the methods integrated with it.
//
// Its resources go into the stack's own scope, with the ids they have always had: a new logical id
// would replace the API, and with it its URL.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CfnRestApi,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { corsRequestHeaders, methodsOfPath } from '../../shared/contracts/cors.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import type { GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import type { FunctionName, RouteSpec } from '../../shared/contracts/routes.ts';
import { PUBLIC_ROUTE_DATA } from '../function-access.ts';

/**
 * API Gateway's own refusals and the platform codes they carry. MISSING_AUTHENTICATION_TOKEN is
 * also API Gateway's answer to an unknown path, which it cannot tell from an unsigned request.
 */
const GATEWAY_RESPONSES: readonly [ResponseType, GatewayErrorCode][] = [
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, 'SIGNATURE_MISSING'],
  [ResponseType.INVALID_SIGNATURE, 'SIGNATURE_MISMATCH'],
  [ResponseType.EXPIRED_TOKEN, 'SIGNATURE_EXPIRED'],
  [ResponseType.ACCESS_DENIED, 'ROUTE_FORBIDDEN'],
  [ResponseType.REQUEST_TOO_LARGE, 'PAYLOAD_TOO_LARGE'],
  [ResponseType.THROTTLED, 'THROTTLED'],
  [ResponseType.WAF_FILTERED, 'REQUEST_BLOCKED'],
  // Everything else API Gateway refuses by itself keeps its status, and says what it was.
  [ResponseType.DEFAULT_4XX, 'REQUEST_REFUSED'],
  [ResponseType.DEFAULT_5XX, 'GATEWAY_ERROR'],
];
const PASS_THROUGH: ReadonlySet<GatewayErrorCode> = new Set(['REQUEST_REFUSED', 'GATEWAY_ERROR']);

/** Stage-wide throttling: a ceiling for the whole API, well under the account's regional limit. */
const THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;
/**
 * WAF rate limits, requests per 5 minutes (WAF's window), each a rate-based rule of its own:
 * - per signing session: the requests signed with one set of temporary credentials, keyed by the
 *   `x-amz-security-token` header SigV4 sends with them. WAF sees no principal — API Gateway's IAM
 *   authorisation runs after it — and the `authorization` header is no key: its Signature differs
 *   in every request, so each request would be an aggregate of its own, and WAF cannot cut the
 *   Credential (the access key id) out of it. Every principal with a trustedAccount calls with an
 *   assumed role's session, whose token stays the same for the session (up to its duration) and
 *   differs between sessions: the closest thing to "per principal" WAF can count. Limits: a
 *   principal that opens many sessions gets this limit per session (the per-IP ceiling still holds);
 *   a long-term access key (an IAM user given by `arn`) sends no token, and only the per-IP limits
 *   count its requests; a token WAF refuses as oversize is not counted either.
 *   10 requests a second sustained, the per-IP limit of old: a tenth of the stage's throttle (THROTTLE).
 * - unsigned, per IP: requests without an `authorization` header — the public routes (catalogue,
 *   JWKS) and stray unsigned calls — per client IP.
 * - ceiling, per IP: every request, per client IP, much higher: many principals may call through one
 *   egress (a government network's NAT), so this only stops a flood from one address.
 */
const WAF_RATE_LIMITS_PER_5_MIN = { perSession: 3000, unsignedPerIp: 3000, perIpCeiling: 30000 } as const;
/** The header the per-session rule keys on (lower case: WAF matches header names case-insensitively). */
export const WAF_SESSION_KEY_HEADER = 'x-amz-security-token';
/**
 * The AWS managed rule groups of the web ACL, in order. Their capacity (WCU) — common 700, known bad
 * inputs 200, IP reputation 25 — and the three rate rules (2 each, plus 1 for the scope-down) stay far
 * under a web ACL's 1,500.
 */
export const WAF_MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * The REST API's security policy: TLS 1.3 and 1.2 (TLS 1.3 with hybrid post-quantum key exchange),
 * nothing older; and its endpoint access mode, which an enhanced policy requires.
 */
export const API_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_PQ_2025_09';
export const API_ENDPOINT_ACCESS_MODE = 'STRICT';

/** The name of the execution log group API Gateway writes into for a stage of a REST API. */
export function executionLogGroupName(restApiId: string, stage: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stage}`;
}

/** The name of the WAF's log group (WAF delivers to CloudWatch Logs groups whose names start with `aws-waf-logs-` alone). */
export function wafLogGroupName(stage: string): string {
  return `aws-waf-logs-tongban-${stage}`;
}

/** The request headers the WAF log never shows (replaced by REDACTED). */
export const WAF_REDACTED_HEADERS = ['authorization'] as const;

/** How long a browser may keep the answer to a preflight before asking again. */
export const CORS_PREFLIGHT_MAX_AGE = Duration.hours(1);

export class TongbanApi {
  readonly api: RestApi;

  /** `corsOrigin`: the console's origin (https://<console.domainName>), when it is served from one of its own. */
  constructor(scope: Construct, props: { stage: string; retention: RetentionDays; functions: Readonly<Record<FunctionName, IFunction>>; corsOrigin?: string }) {
    const { stage, corsOrigin } = props;
    const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: props.retention, removalPolicy: RemovalPolicy.RETAIN });
    const api = new RestApi(scope, 'Api', {
      restApiName: `tongban-${stage}`,
      description: `Tongban ${stage}: the government-service platform API`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: stage,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        loggingLevel: MethodLoggingLevel.INFO,
        // Request and response bodies carry personal data: never copied into execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: THROTTLE.rateLimit,
        throttlingBurstLimit: THROTTLE.burstLimit,
      },
    });
    this.api = api;
    const cfnApi = api.node.defaultChild as CfnRestApi;
    cfnApi.securityPolicy = API_SECURITY_POLICY;
    cfnApi.endpointAccessMode = API_ENDPOINT_ACCESS_MODE;
    // Created before the stage, so that API Gateway finds it there instead of making one that never expires.
    const executionLogs = new LogGroup(scope, 'ApiExecutionLogs', {
      logGroupName: executionLogGroupName(api.restApiId, stage),
      retention: props.retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    api.deploymentStage.node.addDependency(executionLogs);
    Validations.of(api.deploymentStage.node.defaultChild!).acknowledge(
      {
        id: 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
        reason:
          "No response cache: every answer depends on who asks (the IAM principal and what it may see) and most carry personal or case data. A cache keyed on the request would serve one principal's answer to another, or keep personal data outside the tables' encryption, retention and access checks.",
      },
      {
        id: 'NIST.800.53.R5-APIGWSSLEnabled',
        reason:
          'A client certificate authenticates API Gateway to an HTTP backend. Every integration here is a Lambda proxy integration, which API Gateway calls through the Lambda API, signed with its own invoke permission: there is no HTTP backend to present a certificate to.',
      },
    );
    Validations.of(api.node.findChild('CloudWatchRole')).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway uses to write execution and access logs to CloudWatch Logs (cloudWatchRole: true). The AWS managed policy is the one AWS documents for this service role; it only grants CloudWatch Logs actions, to API Gateway alone.',
    });

    // Refusals API Gateway answers itself speak the platform's error envelope and codes.
    for (const [type, code] of GATEWAY_RESPONSES) {
      const e = GATEWAY_ERRORS[code];
      const passThrough = PASS_THROUGH.has(code);
      const body = JSON.stringify({
        error: {
          code,
          message: passThrough ? '$MESSAGE' : e.message,
          messageZh: e.messageZh,
          requestId: '$context.requestId',
          ...(passThrough ? { responseType: '$context.error.responseType' } : {}),
        },
      });
      api.addGatewayResponse(`GatewayResponse${code}`, {
        type,
        // The catch-alls keep the status API Gateway chose (400, 403, 415, 502, 504…).
        ...(passThrough ? {} : { statusCode: String(e.status) }),
        responseHeaders: {
          'content-type': "'application/json; charset=utf-8'",
          'x-content-type-options': "'nosniff'",
          // The console reads the refusal too (a browser hides an answer without it from the page).
          ...(corsOrigin !== undefined ? { 'access-control-allow-origin': `'${corsOrigin}'`, vary: "'Origin'" } : {}),
        },
        // $context.error.messageString is API Gateway's message already quoted as a JSON string.
        templates: { 'application/json': body.replace('"$MESSAGE"', '$context.error.messageString') },
      });
    }

    // API Gateway rejects a request without its path parameters. Bodies have no API Gateway model,
    // so body validation (on, as APIG2 asks) passes them through: the handlers validate bodies,
    // queries and parameter formats against the zod schemas of the route table. Models would be a
    // second, JSON-Schema-draft-4 copy of those rules, bound to drift.
    const validator = api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const integrations = new Map<FunctionName, LambdaIntegration>();
    const integrationOf = (name: FunctionName): LambdaIntegration => {
      let integration = integrations.get(name);
      if (integration === undefined) {
        // One permission per function, for this API (narrowed to its stage below), not one per method.
        integration = new LambdaIntegration(props.functions[name], { proxy: true, scopePermissionToMethod: false });
        integrations.set(name, integration);
      }
      return integration;
    };
    for (const route of ROUTES) {
      const resource = api.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const method = resource.addMethod(route.method, integrationOf(route.function), {
        operationName: route.operationId,
        authorizationType: route.auth === 'public' ? AuthorizationType.NONE : AuthorizationType.IAM,
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
      });
      acknowledgeMethodAuthorization(method, route);
    }
    // Invoked by this API's deployed stage alone: not its test invocations, nor another stage's.
    for (const permission of api.node.findAll().filter((c): c is CfnPermission => c instanceof CfnPermission)) {
      permission.sourceArn = api.arnForExecuteApi('*', '/*', stage);
    }
    if (corsOrigin !== undefined) {
      for (const path of [...new Set(ROUTES.map((r) => r.path))]) {
        const preflight = api.root.resourceForPath(path).addCorsPreflight({
          allowOrigins: [corsOrigin],
          allowMethods: methodsOfPath(path),
          allowHeaders: corsRequestHeaders(),
          maxAge: CORS_PREFLIGHT_MAX_AGE,
        });
        const why = `The CORS preflight of ${path} for the console (${corsOrigin}): a browser sends it before a signed call, without the signature it asks leave to send, so it cannot be IAM-authorised. A mock integration answers it with the allowed origin, methods and headers alone; it reads nothing and reaches no function, and the call that follows is IAM-authorised as every route is.`;
        Validations.of(preflight).acknowledge({ id: 'AwsSolutions-APIG4', reason: why }, { id: 'AwsSolutions-COG4', reason: why });
      }
    }

    // WAF ----------------------------------------------------------------------------------------
    const webAcl = new CfnWebACL(scope, 'WebAcl', {
      name: `tongban-${stage}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`tongban-${stage}-api`),
      rules: [
        {
          // Addresses Amazon's threat intelligence lists (bots, reconnaissance, DDoS sources): blocked first, before they count anywhere.
          name: 'aws-ip-reputation-list',
          priority: 0,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
          visibilityConfig: visibility('aws-ip-reputation-list'),
        },
        {
          name: 'rate-limit-per-ip',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: WAF_RATE_LIMITS_PER_5_MIN.perIpCeiling, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        {
          name: 'rate-limit-per-session',
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMITS_PER_5_MIN.perSession,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: WAF_SESSION_KEY_HEADER, textTransformations: [{ priority: 0, type: 'NONE' }] } }],
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('rate-limit-per-session'),
        },
        {
          name: 'rate-limit-unsigned-per-ip',
          priority: 3,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: WAF_RATE_LIMITS_PER_5_MIN.unsignedPerIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    sizeConstraintStatement: {
                      fieldToMatch: { singleHeader: { Name: 'authorization' } },
                      comparisonOperator: 'GT',
                      size: 0,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            },
          },
          visibilityConfig: visibility('rate-limit-unsigned-per-ip'),
        },
        {
          name: 'aws-common-rule-set',
          priority: 4,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // A complete service guide (materials, legal basis, process…) is legitimately larger
              // than the rule set's 8 KB body limit: count such requests instead of blocking them.
              // API Gateway still caps payloads at 10 MB and the handlers validate every field.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('aws-common-rule-set'),
        },
        {
          // Request patterns known to exploit vulnerabilities (Log4j's JNDI lookups, Java deserialisation, localhost Host headers…).
          name: 'aws-known-bad-inputs',
          priority: 5,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility('aws-known-bad-inputs'),
        },
      ],
    });
    new CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: api.deploymentStage.stageArn, webAclArn: webAcl.attrArn });
    const wafLogs = new LogGroup(scope, 'WafLogs', { logGroupName: wafLogGroupName(stage), retention: props.retention, removalPolicy: RemovalPolicy.RETAIN });
    new CfnLoggingConfiguration(scope, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      // WAF names the group by its ARN without the `:*` suffix CloudFormation's Arn attribute carries.
      logDestinationConfigs: [Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: WAF_REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
  }
}

/** Public routes have no authorisation by design; IAM routes use SigV4 instead of Cognito. */
function acknowledgeMethodAuthorization(method: Method, route: RouteSpec): void {
  if (route.auth === 'public') {
    const data = PUBLIC_ROUTE_DATA[route.operationId];
    if (data === undefined) {
      throw new Error(
        `public route ${route.method} ${route.path} (${route.operationId}): say in the ${route.function} function's manifest (publicRoutes) what it reads and returns`,
      );
    }
    const why = `${route.method} ${route.path} (${route.operationId}) is public by design: ${route.summary}. ${data}`;
    Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason: why }, { id: 'AwsSolutions-COG4', reason: why });
  } else {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Callers are systems (departments, channels, reviewers, auditors) with AWS identities, not people signing in to a user pool: the method uses IAM (SigV4) authorisation, and each principal role may invoke only the routes of its platform role.',
    });
  }
}

function accessLogFormat(): AccessLogFormat {
  const f = AccessLogField;
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      extendedRequestId: f.contextExtendedRequestId(),
      requestTime: f.contextRequestTime(),
      ip: f.contextIdentitySourceIp(),
      userAgent: f.contextIdentityUserAgent(),
      accountId: f.contextIdentityAccountId(),
      caller: f.contextIdentityCaller(),
      userArn: f.contextIdentityUserArn(),
      httpMethod: f.contextHttpMethod(),
      resourcePath: f.contextResourcePath(),
      path: f.contextPath(),
      protocol: f.contextProtocol(),
      tlsVersion: '$context.tlsVersion',
      status: f.contextStatus(),
      responseLength: f.contextResponseLength(),
      responseLatency: f.contextResponseLatency(),
      integrationLatency: f.contextIntegrationLatency(),
      integrationStatus: f.contextIntegrationStatus(),
      errorMessage: f.contextErrorMessage(),
      wafStatus: f.contextWafResponseCode(),
      xrayTraceId: f.contextXrayTraceId(),
    }),
  );
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
