// One Lambda function of the platform, built from its manifest (functions/<name>/manifest.ts): its
// log group, its own role holding exactly the manifest's grants (and the KMS actions they bring with
// them), its environment and limits, the function itself, and the acknowledgements of the wildcards
// its grants need. Every function is built here, so every one is bundled, deployed, logged and traced
// the same way (infra/lambda-bundling.ts, Powertools' environment).
//
// Its resources go into the stack's own scope, with the ids they have always had (`<Name>Function`,
// `<Name>FunctionRole`, `<Name>Logs`): a resource whose logical id changes is replaced on deploy,
// which for the roles with fixed names would clash with the old one.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { ArchiveArea, FunctionManifest, MaterialsArea, ReferenceData, TableName } from '../../functions/manifest.ts';
import { CASE_EVENT_BUS_VARIABLE, REFERENCE_PARTITIONS } from '../../functions/manifest.ts';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { CASES_TABLE, EVENTS_TABLE, FEEDBACK_TABLE, ITEMS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE, indexNames } from '../../shared/adapters/table-layout.ts';
import type { SealKeySpecName, TongbanConfig } from '../config.ts';
import {
  ARCHIVE_SEAL_SIGNERS,
  FIXED_ROLE_FUNCTIONS,
  KMS_SIGNING_ALGORITHM_OF_SPEC,
  SEAL_FUNCTIONS,
  SEAL_KEY_PUBLISHERS,
  configuredSeals,
  functionRoleName,
  sealAliasPattern,
} from '../config.ts';
import {
  KEY_OBJECT_READ_ACTIONS,
  KEY_OBJECT_WRITE_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_STATE_MACHINE_ACTIONS,
  KEY_WRITE_ACTIONS,
  MATERIALS_MAX_BYTES,
  TABLE_WRITE_ACTIONS,
} from '../function-access.ts';
import { DEPS_LOCK_FILE, LAMBDA_BUNDLING, PROJECT_ROOT, functionEntry } from '../lambda-bundling.ts';
import { ARCHIVE_ANCHORS_PREFIX, ARCHIVE_BUNDLES_PREFIX } from '../stacks/data-stack.ts';
import { ARCHIVE_STATISTICS_PREFIX } from '../archive-access.ts';
import { consoleOrigin } from '../console-config.ts';
import { CONSOLE_ORIGIN_VARIABLE } from '../../shared/contracts/cors.ts';
import type { Wildcard } from './nag.ts';
import { acknowledgeResolvedWildcards, pascal } from './nag.ts';
import { acknowledgeFunction } from './nag-packs.ts';

/** What the functions are granted on: the data stack's tables, buckets and keys. */
export interface DataResources {
  itemsTable: ITable;
  directoryTable: ITable;
  casesTable: ITable;
  /** Routed case events and webhook deliveries. */
  eventsTable: ITable;
  supervisionTable: ITable;
  statisticsTable: ITable;
  feedbackTable: ITable;
  /** The key encrypting the tables and the materials bucket. */
  dataKey: IKey;
  /** Application materials (SSE-KMS with `dataKey`). */
  materialsBucket: IBucket;
  /** The e-archive (SSE-KMS with `archiveKey`). */
  archiveBucket: IBucket;
  archiveKey: IKey;
  /** The archive seal key, whose policy names the archive and seals roles by their fixed names. */
  archiveSealKey: IKey;
  /** Its key spec (config.sealKeySpec): the archive function signs with its algorithm alone. */
  archiveSealKeySpec: SealKeySpecName;
  /** The platform's case event bus (the relay publishes to it). */
  caseEventBus: IEventBus;
  /** The alarm topic (tongban-<stage>-alarms): every alarm of the API stack notifies it. */
  alarmTopic: ITopic;
  /** The names of the data stack's alarms (tables' throttles, KMS request rates), for the dashboard. */
  dataAlarmNames: readonly string[];
}

/** What a function is built with beside its manifest. */
export interface FunctionContext {
  config: TongbanConfig;
  retention: RetentionDays;
  data: DataResources;
  /** The joint-handling state machine and its key, for a function whose manifest grants `joint`. */
  joint?: { stateMachine: IStateMachine; key: IKey };
  /** The functions it may invoke (its manifest's `invokes`), by name, with the variable that gives it their names. */
  invoked: Readonly<Record<string, { function: IFunction; variable: string }>>;
  /** Its description, when not the manifest's (the API functions say how many routes they serve). */
  description?: string;
  /** Its timeout, when shorter than the manifest's (a scheduled run never outlasts its interval). */
  timeout?: Duration;
  deadLetterQueue?: IQueue;
}

/** The function of `manifest` in `scope` (the stack). */
export function tongbanFunction(scope: Construct, manifest: FunctionManifest, context: FunctionContext): NodejsFunction {
  const { name } = manifest;
  const { config, data } = context;
  const id = pascal(name);
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: context.retention, removalPolicy: RemovalPolicy.RETAIN });
  // Our own role instead of the AWSLambdaBasicExecutionRole managed policy: logs only to this
  // function's log group, which exists already (no logs:CreateLogGroup). The seal and archive keys'
  // policies name the sealing, seals and archive roles by their fixed names.
  const role = new Role(scope, `${id}FunctionRole`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Tongban ${config.stage}: the ${name} function`,
    ...(FIXED_ROLE_FUNCTIONS.includes(name) ? { roleName: functionRoleName(config.stage, name) } : {}),
  });
  logGroup.grantWrite(role);

  const environment: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: 'tongban',
    POWERTOOLS_METRICS_NAMESPACE: 'Tongban',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // No NODE_OPTIONS=--enable-source-maps: Node would parse the bundle's source map at every cold start
    // (10-15 ms); the bundle reads it when a stack trace is first printed (functions/http/stack-traces.ts).
  };
  const grant = (statement: PolicyStatement) => role.addToPrincipalPolicy(statement);
  const keyActions = new Set<string>();
  const wildcards: Wildcard[] = [];

  grantTables(manifest, data, environment, grant, keyActions);
  grantMaterials(manifest, data, environment, grant, keyActions, wildcards);
  if (manifest.archive !== undefined) {
    if (data.archiveBucket.encryptionKey !== data.archiveKey) throw new Error('the archive bucket must be encrypted with the archive key (DataResources.archiveKey)');
    environment.ARCHIVE_BUCKET = data.archiveBucket.bucketName;
    grant(new PolicyStatement({ actions: [...manifest.archive.bucket], resources: [data.archiveBucket.bucketArn] }));
    for (const [area, { actions, wildcardReason }] of Object.entries(manifest.archive.areas) as [ArchiveArea, { actions: readonly string[]; wildcardReason: string }][]) {
      const objects = data.archiveBucket.arnForObjects(`${ARCHIVE_PREFIXES[area]}*`);
      grant(new PolicyStatement({ actions: [...actions], resources: [objects] }));
      wildcards.push({ objects, reason: wildcardReason });
    }
    grant(
      new PolicyStatement({ actions: [...manifest.archive.key], resources: [data.archiveKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': s3ViaService(scope) } } }),
    );
  }
  for (const [reference, partition] of Object.entries(REFERENCE_PARTITIONS) as [ReferenceData, string][]) {
    const actions = manifest[reference] ?? [];
    if (actions.length === 0) continue;
    environment.ITEMS_TABLE = data.itemsTable.tableName;
    grant(
      new PolicyStatement({
        actions: [...actions],
        resources: [data.itemsTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [partition] } },
      }),
    );
    KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
    if (actions.includes('dynamodb:PutItem')) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
  }
  const joint = manifest.joint ?? [];
  if (joint.length > 0) {
    if (context.joint === undefined) throw new Error(`${name}: the function is built without the joint-handling state machine`);
    environment.JOINT_STATE_MACHINE_ARN = context.joint.stateMachine.stateMachineArn;
    grant(new PolicyStatement({ actions: [...joint], resources: [context.joint.stateMachine.stateMachineArn] }));
    // The state machine is encrypted with its own key (JointHandling).
    grant(new PolicyStatement({ actions: [...KEY_STATE_MACHINE_ACTIONS], resources: [context.joint.key.keyArn] }));
  }
  grantSealKeys(scope, manifest, config, data, grant, wildcards);
  const bus = manifest.bus ?? [];
  if (bus.length > 0) {
    environment[CASE_EVENT_BUS_VARIABLE] = data.caseEventBus.eventBusName;
    grant(new PolicyStatement({ actions: [...bus], resources: [data.caseEventBus.eventBusArn] }));
  }
  for (const target of manifest.invokes ?? []) {
    const invoked = context.invoked[target];
    if (invoked === undefined) throw new Error(`${name}: invokes ${target}, which is built after it or not at all`);
    environment[invoked.variable] = invoked.function.functionName;
    // The function itself (unqualified), not `:*`: it is invoked by name, never by version or alias.
    grant(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [invoked.function.functionArn] }));
  }
  if (wildcards.length > 0) acknowledgeResolvedWildcards(role.node.findChild('DefaultPolicy'), wildcards);
  Object.assign(environment, manifest.environment?.(config) ?? {});
  // The console's origin, on the functions behind the API alone: their answers carry its CORS headers.
  if (manifest.trigger.kind === 'api' && config.console !== undefined) environment[CONSOLE_ORIGIN_VARIABLE] = consoleOrigin(config.console);
  if (keyActions.size > 0) grant(new PolicyStatement({ actions: [...keyActions], resources: [data.dataKey.keyArn] }));

  const fn = new NodejsFunction(scope, `${id}Function`, {
    description: `Tongban ${config.stage}: ${context.description ?? manifest.description}`,
    entry: functionEntry(name),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: DEPS_LOCK_FILE,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: manifest.limits.memoryMb ?? 512,
    timeout: context.timeout ?? Duration.seconds(manifest.limits.timeoutSeconds),
    tracing: Tracing.ACTIVE,
    logGroup,
    role,
    environment,
    bundling: LAMBDA_BUNDLING,
    ...(manifest.limits.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: manifest.limits.reservedConcurrency } : {}),
    ...(context.deadLetterQueue !== undefined ? { deadLetterQueue: context.deadLetterQueue } : {}),
  });
  // On the function resource itself, not on what may later be added under it (its async invoke config).
  acknowledgeFunction(fn.node.defaultChild!, role.node.findChild('DefaultPolicy'), manifest, context.deadLetterQueue !== undefined);
  Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*" for them.' +
      (manifest.trigger.kind === 'stream'
        ? ' So does dynamodb:ListStreams, which the event source mapping of the table stream this function reads needs (its DescribeStream, GetRecords and GetShardIterator name the stream).'
        : '') +
      ' Every other statement of this policy names its table, index, key, log group, queue, function, bus or bucket prefix.',
  });
  return fn;
}

type Grant = (statement: PolicyStatement) => void;

/** The manifest's table grants: item actions on each table, Query on the indexes it names; the table's name in the environment. */
function grantTables(manifest: FunctionManifest, data: DataResources, environment: Record<string, string>, grant: Grant, keyActions: Set<string>): void {
  const tables: Record<TableName, { table: ITable; variable: string; indexes: readonly string[] }> = {
    items: { table: data.itemsTable, variable: 'ITEMS_TABLE', indexes: indexNames(ITEMS_TABLE) },
    directory: { table: data.directoryTable, variable: 'DIRECTORY_TABLE', indexes: [] },
    cases: { table: data.casesTable, variable: 'CASES_TABLE', indexes: indexNames(CASES_TABLE) },
    events: { table: data.eventsTable, variable: 'EVENTS_TABLE', indexes: indexNames(EVENTS_TABLE) },
    supervision: { table: data.supervisionTable, variable: 'SUPERVISION_TABLE', indexes: indexNames(SUPERVISION_TABLE) },
    statistics: { table: data.statisticsTable, variable: 'STATISTICS_TABLE', indexes: indexNames(STATISTICS_TABLE) },
    feedback: { table: data.feedbackTable, variable: 'FEEDBACK_TABLE', indexes: indexNames(FEEDBACK_TABLE) },
  };
  for (const [tableName, access] of Object.entries(manifest.tables ?? {}) as [TableName, NonNullable<FunctionManifest['tables']>[TableName]][]) {
    if (access === undefined) continue;
    const { table, variable, indexes } = tables[tableName];
    environment[variable] = table.tableName;
    // A grant on indexes alone (no item action) holds no statement on the table itself.
    if (access.actions.length > 0) grant(new PolicyStatement({ actions: [...access.actions], resources: [table.tableArn] }));
    const unknown = (access.indexes ?? []).filter((ix) => !indexes.includes(ix));
    if (unknown.length > 0) throw new Error(`${manifest.name}: no index ${unknown.join(', ')} in the ${tableName} table's layout`);
    if (access.indexes !== undefined && access.indexes.length > 0) {
      grant(new PolicyStatement({ actions: ['dynamodb:Query'], resources: access.indexes.map((ix) => `${table.tableArn}/index/${ix}`) }));
    }
    KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
    if (access.actions.some((a) => TABLE_WRITE_ACTIONS.has(a))) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
  }
}

const MATERIALS_PREFIXES: Record<MaterialsArea, string> = { uploads: MATERIALS_BUCKET.uploadsPrefix, cases: MATERIALS_BUCKET.casesPrefix };
const ARCHIVE_PREFIXES: Record<ArchiveArea, string> = { bundles: ARCHIVE_BUNDLES_PREFIX, anchors: ARCHIVE_ANCHORS_PREFIX, statistics: ARCHIVE_STATISTICS_PREFIX };

/**
 * The manifest's grants in the materials bucket: the object actions under each area, and s3:ListBucket
 * on the whole bucket (`listAnywhere`) or conditioned on the prefixes of the areas that hold it.
 */
function grantMaterials(manifest: FunctionManifest, data: DataResources, environment: Record<string, string>, grant: Grant, keyActions: Set<string>, wildcards: Wildcard[]): void {
  const materials = manifest.materials;
  const areas = Object.entries(materials?.areas ?? {}) as [MaterialsArea, NonNullable<NonNullable<FunctionManifest['materials']>['areas'][MaterialsArea]>][];
  if (materials === undefined || areas.length === 0) return;
  if (data.materialsBucket.encryptionKey !== data.dataKey) throw new Error('the materials bucket must be encrypted with the data key (DataResources.dataKey)');
  environment.MATERIALS_BUCKET = data.materialsBucket.bucketName;
  if (materials.presignsUploads) environment.MATERIALS_MAX_BYTES = String(MATERIALS_MAX_BYTES);
  const listed: string[] = [];
  for (const [area, { actions, wildcardReason }] of areas) {
    const objectActions = actions.filter((a) => a !== 's3:ListBucket');
    const objects = data.materialsBucket.arnForObjects(`${MATERIALS_PREFIXES[area]}*`);
    grant(new PolicyStatement({ actions: objectActions, resources: [objects] }));
    if (actions.includes('s3:ListBucket')) listed.push(`${MATERIALS_PREFIXES[area]}*`);
    if (objectActions.includes('s3:PutObject')) KEY_OBJECT_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
    if (objectActions.includes('s3:GetObject')) KEY_OBJECT_READ_ACTIONS.forEach((a) => keyActions.add(a));
    wildcards.push({ objects, reason: wildcardReason });
  }
  if (listed.length > 0) {
    grant(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [data.materialsBucket.bucketArn],
        ...(materials.listAnywhere ? {} : { conditions: { StringLike: { 's3:prefix': listed.length === 1 ? listed[0]! : listed } } }),
      }),
    );
  }
}

/**
 * The manifest's seal-key grants — kms:Sign on the departments' seal keys, with the signing
 * algorithms of the active seals; kms:GetPublicKey on them — and on the archive seal key (kms:Sign
 * with its algorithm, kms:GetPublicKey). Only a function the keys' policies name may hold each
 * (SEAL_FUNCTIONS, ARCHIVE_SEAL_SIGNERS, SEAL_KEY_PUBLISHERS), or the grant would be refused by the keys themselves.
 *
 * The seal keys are in the seal-key stacks (infra/stacks/seals-stack.ts), as many as the
 * departments' seals: the grant names them by their aliases (`kms:ResourceAliases`,
 * `alias/tongban-<stage>-seal-*`) on the keys of the account and region, not by an ARN each, which
 * would be an export of another stack per seal. What a key lets be done stays in its own policy: a
 * retired seal's key signs nothing, and only the sealing role signs, only the seals and archive roles
 * read a public key, whatever an IAM policy allows.
 */
function grantSealKeys(scope: Construct, manifest: FunctionManifest, config: TongbanConfig, data: DataResources, grant: Grant, wildcards: Wildcard[]): void {
  const { name } = manifest;
  const actions = manifest.sealKeys ?? [];
  const archive = manifest.archiveSealKey ?? [];
  const sealKeys = Stack.of(scope).formatArn({ service: 'kms', resource: 'key', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const byAlias = { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': sealAliasPattern(config.stage) } };
  const wildcardReason = (use: string) =>
    `The departments' seal keys (${use}) are in the seal-key stacks, one per seal, as many as the departments' seals and rotations: the grant names them by their aliases (kms:ResourceAliases alias/tongban-${config.stage}-seal-*), keys of this account and region only. Each key's own policy keeps the use to this role alone (its Deny statements, which no IAM policy outweighs), and a retired seal's key signs nothing.`;
  if (actions.includes('kms:Sign')) {
    if (name !== SEAL_FUNCTIONS.signer) throw new Error(`${name}: the seal keys let the ${SEAL_FUNCTIONS.signer} function alone sign`);
    const specs = [
      ...new Set(
        configuredSeals(config)
          .filter((s) => s.retiredAt === undefined)
          .map((s) => KMS_SIGNING_ALGORITHM_OF_SPEC[s.keySpec]),
      ),
    ].sort();
    grant(
      new PolicyStatement({
        actions: ['kms:Sign'],
        resources: [sealKeys],
        conditions: { ...byAlias, StringEquals: { 'kms:SigningAlgorithm': specs.length === 1 ? specs[0]! : specs } },
      }),
    );
    wildcards.push({ objects: sealKeys, reason: wildcardReason('signing') });
  }
  if (archive.includes('kms:Sign')) {
    if (!ARCHIVE_SEAL_SIGNERS.includes(name)) throw new Error(`${name}: the archive seal key lets the ${ARCHIVE_SEAL_SIGNERS.join(' and ')} functions alone sign`);
    grant(
      new PolicyStatement({
        actions: ['kms:Sign'],
        resources: [data.archiveSealKey.keyArn],
        conditions: { StringEquals: { 'kms:SigningAlgorithm': KMS_SIGNING_ALGORITHM_OF_SPEC[data.archiveSealKeySpec] } },
      }),
    );
  }
  if ((actions.includes('kms:GetPublicKey') || archive.includes('kms:GetPublicKey')) && !SEAL_KEY_PUBLISHERS.includes(name)) {
    throw new Error(`${name}: the seal keys and the archive seal key let the ${SEAL_KEY_PUBLISHERS.join(' and ')} functions alone read their public keys`);
  }
  if (actions.includes('kms:GetPublicKey')) {
    grant(new PolicyStatement({ actions: ['kms:GetPublicKey'], resources: [sealKeys], conditions: byAlias }));
    if (!actions.includes('kms:Sign')) wildcards.push({ objects: sealKeys, reason: wildcardReason('reading their public keys') });
  }
  if (archive.includes('kms:GetPublicKey')) grant(new PolicyStatement({ actions: ['kms:GetPublicKey'], resources: [data.archiveSealKey.keyArn] }));
}

/** `kms:ViaService` of a KMS call S3 makes on the caller's behalf, in this stack's region and partition (amazonaws.com, or amazonaws.com.cn in China). */
export function s3ViaService(scope: Construct): string {
  return `s3.${Stack.of(scope).region}.${Stack.of(scope).urlSuffix}`;
}
