// The API of one deployment, built from the route table (shared/contracts/routes.ts): a Lambda
// function per `function` name, a REST API resource per path segment and a method per route, IAM
// (SigV4) authorisation on every route not marked public, and an IAM role per configured principal
// that may invoke exactly the routes of its role, assumable only from its trusted account (the
// deploying one for "self"), narrowed to the configured principal ARNs and external id. Also writes
// the directory (departments, channels, principals with the ARNs of those roles) into the directory
// table, as a record that depends only on the configuration (no synth time), so `cdk diff` is clean
// when nothing changed.
//
// Transport: API Gateway endpoints answer HTTPS only (there is no plain-HTTP listener to deny), so no
// aws:SecureTransport resource policy is needed; a minimum TLS version can only be pinned on a custom
// domain name, which a deployment may add in front of this REGIONAL endpoint.
import { createHash } from 'node:crypto';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { WriteNagSuppressionsToCloudFormationAspect } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { DIRECTORY_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import type { GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import type { Directory, Role as PlatformRole } from '../../shared/contracts/directory.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/domain/materials/upload-policy.ts';
import type { FunctionName, RouteSpec } from '../../shared/contracts/routes.ts';
import type { ConfigPrincipal, TongbanConfig } from '../config.ts';
import { SELF_ACCOUNT, directoryFromConfig, expandTrustedPrincipalArn, principalRoleName, standInRoleArn } from '../config.ts';
import { DEPS_LOCK_FILE, LAMBDA_BUNDLING, PROJECT_ROOT, functionEntry } from '../lambda-bundling.ts';

export interface ApiStackProps extends StackProps {
  config: TongbanConfig;
  itemsTable: ITable;
  directoryTable: ITable;
  /** The key encrypting both tables and the materials bucket. */
  dataKey: IKey;
  /** Application materials (SSE-KMS with `dataKey`): channels upload to it by presigned PUT under `uploads/`. */
  materialsBucket: IBucket;
}

const ROUTE_TABLE: readonly RouteSpec[] = ROUTES;

/** Every function the route table names, in first-use order. */
export const FUNCTION_NAMES: readonly FunctionName[] = [...new Set(ROUTE_TABLE.map((r) => r.function))];

/**
 * What each function may do with the tables, and nothing more: the calls its adapters make. The item
 * store (shared/adapters/dynamo-item-store.ts) only gets, queries and puts with conditions (a new
 * version only where none exists); the directory reader only gets. Versions are immutable and never
 * deleted, so no function holds UpdateItem (which could rewrite a version in place), DeleteItem,
 * BatchWriteItem (which can delete), Scan, or the batch/transaction reads it does not use.
 */
export const TABLE_ACCESS: Record<FunctionName, { items?: readonly string[]; directory?: readonly string[] }> = {
  catalogue: {
    items: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
    directory: ['dynamodb:GetItem'],
  },
  platform: {},
  // Resolves callers in the directory; issues upload slots, which touch no table.
  cases: {
    directory: ['dynamodb:GetItem'],
  },
};

/**
 * What each function may do in the materials bucket, and nothing more. The cases function presigns
 * PUTs under `uploads/` (shared/adapters/s3-material-store.ts) with its own credentials, so whatever
 * it holds there, the uploader holding the URL holds too: PutObject on `uploads/*` only, no read, no
 * delete, nothing under `cases/`.
 */
export const MATERIALS_ACCESS: Record<FunctionName, { uploads?: readonly string[] }> = {
  catalogue: {},
  platform: {},
  cases: { uploads: ['s3:PutObject'] },
};

/** Why the upload grant ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const UPLOADS_WILDCARD_REASON =
  'Presigned uploads of application materials: for each upload the cases function chooses a new random key, uploads/<channel id>/<random UUID>, and signs a PUT for exactly that key with its own credentials, so no key is known beforehand and the uploads/ prefix is the only stable part of it. The grant is s3:PutObject alone (no read, no delete, nothing under cases/), on this bucket only; the lifecycle rule expires whatever no case takes up under uploads/.';

/** The largest material a channel may upload, in bytes (the cases function's MATERIALS_MAX_BYTES). */
export const MATERIALS_MAX_BYTES = DEFAULT_MAX_UPLOAD_BYTES;

/**
 * What DynamoDB needs from a caller's identity to use the tables' customer-managed key: reading
 * decrypts, writing also encrypts and generates data keys. The exact actions of CDK's
 * `grantReadWriteData` key grant, spelled out instead of as `kms:ReEncrypt*`/`kms:GenerateDataKey*`
 * and without the key-pair generation those wildcards also cover.
 */
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
const WRITE_ACTIONS = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']);
/**
 * What S3 needs from the uploader's identity to store a single-request PUT encrypted with the
 * bucket's customer-managed key: kms:GenerateDataKey (S3 asks KMS for the object's, or the bucket
 * key's, data key on the requester's behalf). Not kms:Decrypt: that only multipart uploads (and
 * reads) need, and upload slots are single PUTs. Not kms:Encrypt: S3 never calls it for SSE-KMS.
 * A bucket key changes how often S3 calls KMS, not what the requester must be allowed.
 */
const KEY_UPLOAD_ACTIONS = ['kms:GenerateDataKey'];

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
/** WAF rate-based rule: requests per client IP per 5 minutes. */
const WAF_RATE_LIMIT_PER_5_MIN = 3000;

/** The routes a principal of `role` may invoke: the IAM routes whose `roles` include it. */
export function routesInvokableBy(role: PlatformRole): RouteSpec[] {
  return ROUTE_TABLE.filter((r) => r.auth === 'iam' && (r.roles ?? []).includes(role));
}

/** The execute-api resource path of a route (`METHOD/path`), each `{parameter}` becoming `*`. */
export function invokeResourcePath(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

/**
 * IAM's `*` also matches `/`, so `GET/v1/items/*` would allow `GET/v1/items/{code}/versions/{n}` too.
 * Fails synth if some role's patterns reach a route that role is not given, so a new route can never
 * be opened to a role by accident.
 */
export function assertNoWildcardOverreach(): void {
  for (const role of ['platform', 'department', 'channel', 'auditor'] as const) {
    const allowed = routesInvokableBy(role).map((r) => globRegExp(invokeResourcePath(r)));
    for (const other of ROUTE_TABLE.filter((r) => r.auth === 'iam' && !(r.roles ?? []).includes(role))) {
      const sample = `${other.method}${other.path.replace(/\{[^}]+\}/g, 'x')}`;
      if (allowed.some((re) => re.test(sample))) {
        throw new Error(`the execute-api permissions of role ${role} would also match ${other.method} ${other.path}, which that role may not call: rename the route or narrow the policy`);
      }
    }
  }
}

export class ApiStack extends Stack {
  readonly api: RestApi;
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The roles created for `trustedAccount` principals, by principal name. */
  readonly principalRoles: Record<string, Role> = {};

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = config.logRetentionDays as RetentionDays;
    assertNoWildcardOverreach();

    // Functions --------------------------------------------------------------------------------
    const functions: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const name of FUNCTION_NAMES) functions[name] = this.lambdaFunction(name, props, retention);
    this.functions = functions as Record<FunctionName, NodejsFunction>;

    // REST API ---------------------------------------------------------------------------------
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new RestApi(this, 'Api', {
      restApiName: `tongban-${config.stage}`,
      description: `Tongban ${config.stage}: the government-service platform API`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.stage,
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
    Validations.of(this.api.node.findChild('CloudWatchRole')).acknowledge({
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
      this.api.addGatewayResponse(`GatewayResponse${code}`, {
        type,
        // The catch-alls keep the status API Gateway chose (400, 403, 415, 502, 504…).
        ...(passThrough ? {} : { statusCode: String(e.status) }),
        responseHeaders: { 'content-type': "'application/json; charset=utf-8'", 'x-content-type-options': "'nosniff'" },
        // $context.error.messageString is API Gateway's message already quoted as a JSON string.
        templates: { 'application/json': body.replace('"$MESSAGE"', '$context.error.messageString') },
      });
    }

    // API Gateway rejects a request without its path parameters. Bodies have no API Gateway model,
    // so body validation (on, as APIG2 asks) passes them through: the handlers validate bodies,
    // queries and parameter formats against the zod schemas of the route table. Models would be a
    // second, JSON-Schema-draft-4 copy of those rules, bound to drift.
    const validator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const integrations = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [name, new LambdaIntegration(this.functions[name], { proxy: true, allowTestInvoke: false })]),
    ) as Record<FunctionName, LambdaIntegration>;

    for (const route of ROUTE_TABLE) {
      const resource = this.api.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const method = resource.addMethod(route.method, integrations[route.function], {
        operationName: route.operationId,
        authorizationType: route.auth === 'public' ? AuthorizationType.NONE : AuthorizationType.IAM,
        requestValidator: validator,
        requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
      });
      this.acknowledgeMethodAuthorization(method, route);
    }

    // WAF ----------------------------------------------------------------------------------------
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `tongban-${config.stage}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`tongban-${config.stage}-api`),
      rules: [
        {
          name: 'aws-common-rule-set',
          priority: 0,
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
          name: 'rate-limit-per-ip',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });

    // Principals ---------------------------------------------------------------------------------
    for (const principal of config.principals) {
      if (principal.trustedAccount !== undefined) this.principalRoles[principal.name] = this.principalRole(principal, principal.trustedAccount, config.stage);
    }

    // Directory ----------------------------------------------------------------------------------
    this.writeDirectory(props, retention);

    // Outputs ------------------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (stage included)' });
    new CfnOutput(this, 'ExecuteApiArnPrefix', {
      value: this.formatArn({ service: 'execute-api', resource: this.api.restApiId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, resourceName: config.stage }),
      description: 'Prefix of the execute-api ARNs: <prefix>/<METHOD>/<path> (path parameters as *), for principals given by arn',
    });
    for (const [name, role] of Object.entries(this.principalRoles)) {
      new CfnOutput(this, `RoleArn${pascal(name)}`, { value: role.roleArn, description: `IAM role of principal ${name}` });
    }
  }

  private lambdaFunction(name: FunctionName, props: ApiStackProps, retention: RetentionDays): NodejsFunction {
    const id = pascal(name);
    const access = TABLE_ACCESS[name];
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy: RemovalPolicy.RETAIN });
    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy: logs only to this
    // function's log group, which exists already (no logs:CreateLogGroup).
    const role = new Role(this, `${id}FunctionRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Tongban ${props.config.stage}: the ${name} function`,
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'tongban',
      POWERTOOLS_METRICS_NAMESPACE: 'Tongban',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const keyActions = new Set<string>();
    if (access.items) {
      environment.ITEMS_TABLE = props.itemsTable.tableName;
      const indexArns = Object.values(ITEMS_TABLE.indexes).map((ix) => `${props.itemsTable.tableArn}/index/${ix.name}`);
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...access.items], resources: [props.itemsTable.tableArn] }));
      if (access.items.includes('dynamodb:Query')) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
      KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
      if (access.items.some((a) => WRITE_ACTIONS.has(a))) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
    }
    if (access.directory) {
      environment.DIRECTORY_TABLE = props.directoryTable.tableName;
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...access.directory], resources: [props.directoryTable.tableArn] }));
      KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
      if (access.directory.some((a) => WRITE_ACTIONS.has(a))) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
    }
    const materials = MATERIALS_ACCESS[name];
    if (materials.uploads) {
      if (props.materialsBucket.encryptionKey !== props.dataKey) throw new Error('the materials bucket must be encrypted with the data key (ApiStackProps.dataKey)');
      environment.MATERIALS_BUCKET = props.materialsBucket.bucketName;
      environment.MATERIALS_MAX_BYTES = String(MATERIALS_MAX_BYTES);
      const uploads = props.materialsBucket.arnForObjects(`${MATERIALS_BUCKET.uploadsPrefix}*`);
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...materials.uploads], resources: [uploads] }));
      KEY_UPLOAD_ACTIONS.forEach((a) => keyActions.add(a));
      this.acknowledgeUploadsWildcard(role, uploads);
    }
    if (keyActions.size > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: [...keyActions], resources: [props.dataKey.keyArn] }));

    const fn = new NodejsFunction(this, `${id}Function`, {
      description: `Tongban ${props.config.stage}: ${name} (${ROUTE_TABLE.filter((r) => r.function === name).length} routes)`,
      entry: functionEntry(name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment,
      bundling: LAMBDA_BUNDLING,
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the design fixes and the code is tested for (it must also run on the Node 20 of the embedded runtime); moving to a newer Node runtime is a deliberate, tested upgrade, not an automatic one.',
    });
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*" for them. Every other statement of this policy names its table, index, key, log group or bucket prefix.',
    });
    return fn;
  }

  /**
   * Acknowledges cdk-nag's IAM5 finding for the `uploads/*` objects of the materials bucket, naming
   * the resource as the template holds it. That is a reference to an output of the data stack, which
   * CDK only creates when it resolves cross-stack references, after construction; so the
   * acknowledgement is made in this stack's validation, which runs after that and before the template
   * is written and cdk-nag checks it, from the resolved value itself. cdk-nag's aspect has already
   * copied the acknowledgements into the template's metadata by then, so it is run again on this policy.
   */
  private acknowledgeUploadsWildcard(role: Role, uploads: string): void {
    const policy = role.node.findChild('DefaultPolicy');
    const resource = policy.node.defaultChild as CfnResource;
    this.node.addValidation({
      validate: () => {
        Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattenForNag(this.resolve(uploads))}]`, reason: UPLOADS_WILDCARD_REASON });
        if (resource.getMetadata('cdk_nag') !== undefined) new WriteNagSuppressionsToCloudFormationAspect().visit(resource);
        return [];
      },
    });
  }

  /** Public routes have no authorisation by design; IAM routes use SigV4 instead of Cognito. */
  private acknowledgeMethodAuthorization(method: Method, route: RouteSpec): void {
    if (route.auth === 'public') {
      const why = `${route.method} ${route.path} (${route.operationId}) is public by design: ${route.summary}. It reads no table and returns no personal or case data (health status, or the OpenAPI description of this API).`;
      Validations.of(method).acknowledge(
        { id: 'AwsSolutions-APIG4', reason: why },
        { id: 'AwsSolutions-COG4', reason: why },
      );
    } else {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are systems (departments, channels, reviewers, auditors) with AWS identities, not people signing in to a user pool: the method uses IAM (SigV4) authorisation, and each principal role may invoke only the routes of its platform role.',
      });
    }
  }

  /**
   * The role of a `trustedAccount` principal: assumable from that account ("self": this stack's own),
   * only by the `trustedPrincipalArns` (ArnLike aws:PrincipalArn) and only with the `externalId`
   * (StringEquals sts:ExternalId) when they are configured.
   */
  private principalRole(principal: ConfigPrincipal, trustedAccount: string, stage: string): Role {
    const routes = routesInvokableBy(principal.role);
    const resources = routes.map((r) => this.api.arnForExecuteApi(r.method, r.path.replace(/\{[^}]+\}/g, '*'), stage));
    const self = trustedAccount === SELF_ACCOUNT;
    const account = self ? Stack.of(this).account : trustedAccount;
    const conditions: Record<string, Record<string, unknown>> = {};
    if (principal.trustedPrincipalArns !== undefined) {
      conditions.ArnLike = { 'aws:PrincipalArn': principal.trustedPrincipalArns.map((entry) => expandTrustedPrincipalArn(entry, Stack.of(this).partition, account)) };
    }
    if (principal.externalId !== undefined) conditions.StringEquals = { 'sts:ExternalId': principal.externalId };
    const trustee = new AccountPrincipal(account);
    const role = new Role(this, `Principal${pascal(principal.name)}`, {
      roleName: principalRoleName(stage, principal.name),
      description: `Tongban ${stage}: principal ${principal.name} (${principal.role}), assumed from ${self ? 'the deploying account' : `account ${trustedAccount}`}${principal.trustedPrincipalArns ? ' by the configured principals' : ''}${principal.externalId ? ' with its external id' : ''}`,
      assumedBy: Object.keys(conditions).length > 0 ? trustee.withConditions(conditions) : trustee,
      maxSessionDuration: Duration.hours(1),
      // A role without routes (none of the route table's roles) gets no permission at all.
      ...(resources.length > 0
        ? { inlinePolicies: { InvokeTongbanApi: new PolicyDocument({ statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['execute-api:Invoke'], resources })] }) } }
        : {}),
    });
    for (const [i, route] of routes.entries()) {
      if (!route.path.includes('{')) continue;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(this.resolve(resources[i]))}]`,
        reason: `The * stands for the path parameter of ${route.method} ${route.path} (any item code), on this one API and stage; synth checks (assertNoWildcardOverreach) that it matches no route the ${principal.role} role may not call.`,
      });
    }
    return role;
  }

  /**
   * The directory record `{ pk, doc, digest }`, written on create and whenever its content changes.
   * It holds nothing that changes from one synth to the next, so an unchanged configuration gives
   * an unchanged template and a clean `cdk diff`.
   */
  private writeDirectory(props: ApiStackProps, retention: RetentionDays): void {
    const { config } = props;
    const arnOf = (p: ConfigPrincipal) => this.principalRoles[p.name]!.roleArn;
    // Checked with stand-in ARNs of the roles (their names are fixed), then written with the role
    // ARNs themselves so CloudFormation creates the roles first.
    DirectorySchema.parse(directoryFromConfig(config, (p) => standInRoleArn(config.stage, p.name)));
    const directory = directoryFromConfig(config, arnOf);
    const putItem = {
      service: 'DynamoDB',
      action: 'putItem',
      parameters: {
        TableName: props.directoryTable.tableName,
        Item: {
          [DIRECTORY_TABLE.partitionKey]: { S: DIRECTORY_TABLE.directoryKey },
          doc: { S: this.toJsonString(directory) },
          digest: { S: directoryDigest(directory, config.stage) },
        },
      },
      physicalResourceId: PhysicalResourceId.of(`tongban-${config.stage}-directory`),
    };
    new AwsCustomResource(this, 'DirectoryRecord', {
      resourceType: 'Custom::TongbanDirectory',
      onCreate: putItem,
      onUpdate: putItem,
      installLatestAwsSdk: false,
      logGroup: new LogGroup(this, 'DirectoryRecordLogs', { retention, removalPolicy: RemovalPolicy.RETAIN }),
      timeout: Duration.minutes(2),
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.directoryTable.tableArn] }),
        new PolicyStatement({ actions: [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS], resources: [props.dataKey.keyArn] }),
      ]),
    });
    // The provider function CDK shares between all AwsCustomResources of the stack.
    const provider = this.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    acknowledgeProvider(provider);
  }
}

/**
 * The content digest of the directory record: the SHA-256 (hex) of the directory as JSON, with the
 * ARN of each role the stack creates written `arn:${AWS::Partition}:iam::${AWS::AccountId}:role/<name>`
 * (the stored `doc` has the deployment's partition and account there, unknown at synth). The same
 * configuration always gives the same digest; any change of departments, channels or principals a
 * different one.
 */
export function directoryDigest(directory: Directory, stage: string): string {
  const canonical: Directory = {
    ...directory,
    principals: directory.principals.map((p) => (Token.isUnresolved(p.arn) ? { ...p, arn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${principalRoleName(stage, p.name)}` } : p)),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function acknowledgeProvider(provider: IConstruct): void {
  Validations.of(provider.node.findChild('ServiceRole')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The AwsCustomResource provider function is generated by aws-cdk-lib with this managed policy (CloudWatch Logs only, for its own logs); its data permissions are the separate inline policy naming the directory table and the data key.',
  });
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

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
}

/** An IAM resource pattern as a regular expression (`*` any run of characters, `?` one). */
function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding id: `Ref` → `<Id>`,
 * `Fn::GetAtt` → `<Id.Attr>`, `Fn::Join` joined, `${…}` → `<…>` (cdk-nag's flattenCfnReference).
 */
function flattenForNag(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenForNag).join(delimiter);
    }
    if (o['Fn::Sub']) return flattenForNag(o['Fn::Sub']);
    if (o['Fn::GetAtt']) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
    }
    if (o['Fn::ImportValue']) return flattenForNag(o['Fn::ImportValue']);
    if (o.Ref) return `<${flattenForNag(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
