// The API of one deployment, built from the route table (shared/contracts/routes.ts): a Lambda
// function per `function` name, a REST API resource per path segment and a method per route, IAM
// (SigV4) authorisation on every route not marked public, and an IAM role per configured principal
// that may invoke exactly the routes of its role, assumable only from its trusted account (the
// deploying one for "self"), narrowed to the configured principal ARNs and external id. Also writes
// the directory (departments, channels, principals with the ARNs of those roles) into the directory
// table, as a record that depends only on the configuration (no synth time), so `cdk diff` is clean
// when nothing changed.
//
// Beside the API, the case sweep: a function no route reaches, run by an EventBridge schedule one run
// at a time, its failed runs kept in a dead-letter queue and watched by alarms.
//
// And joint handling (联合办理): a Step Functions state machine (infra/constructs/joint-handling.ts)
// whose every step is the joint function, also reached by no route. The cases function starts an
// execution when a case goes to joint handling and, serving the opinion route, answers the waiting
// branch with its task token (states:SendTaskSuccess: the only role that may); the sweep starts the
// execution of an accepted joint case that has none (a deemed acceptance, a start that failed), and
// reports one whose execution ended without dispatching it. Nobody may fail, heartbeat or stop an
// execution.
//
// And seals (电子印章): the sealing function, reached by no route, seals a decided case's results
// (the decision document, the e-licence) with its department's active seal key — the only role that
// may kms:Sign with the seal keys (the keys' own policies say so too: infra/constructs/seal-keys.ts).
// Only the cases function (right after a decision) and the sweep (a sealing that failed) may invoke
// it, and it takes a case number only: it builds every document from the stored case itself. The seals
// function serves the published seal keys (JWKS, public) and the verification of sealed documents:
// the only role that may read the keys' public keys.
//
// And the e-archive (电子档案, the bucket and its keys in the data stack): the archive function, reached
// by no route, packs an ended case into its bundle (materials, history, sealed results, the public keys
// that verify them), seals the bundle's tag manifest with the archive seal key (the only role that may
// kms:Sign with it) and writes it once under `bundles/`, with its own Object Lock retention
// (ARCHIVE_WRITER_ACCESS: no delete anywhere). The cases function (a case that ends) and the sweep (an
// ended case not archived yet) start it asynchronously; Lambda retries a failed run twice, then its
// dead-letter queue keeps the event, and alarms watch the queue, the function's errors and the bundles
// that failed their check (ArchiveFailed). The role of every `auditor` principal with a
// `trustedAccount` also holds one more policy, `tongban-<stage>-archive-read`
// (ARCHIVE_AUDITOR_ACCESS): list the archive bucket, read the bundles under `bundles/` with their
// retention and legal hold, decrypt them through S3; nothing else. The directory names the archive
// seal key (`archiveKey`), and the seals function publishes its public key with the seal keys'.
//
// Transport: API Gateway endpoints answer HTTPS only (there is no plain-HTTP listener to deny), so no
// aws:SecureTransport resource policy is needed; a minimum TLS version can only be pinned on a custom
// domain name, which a deployment may add in front of this REGIONAL endpoint.
import { createHash } from 'node:crypto';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
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
import { AccountPrincipal, Effect, Policy, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { WriteNagSuppressionsToCloudFormationAspect } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { CASES_TABLE, DIRECTORY_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import { JOINT_FUNCTION_TIMEOUT_SECONDS } from '../../shared/contracts/joint-workflow.ts';
import type { GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import type { Directory, Role as PlatformRole } from '../../shared/contracts/directory.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/domain/materials/upload-policy.ts';
import type { FunctionName, RouteSpec } from '../../shared/contracts/routes.ts';
import type { ConfigPrincipal, ConfiguredSeal, SealKeySpecName, TongbanConfig } from '../config.ts';
import { JointHandling } from '../constructs/joint-handling.ts';
import type { SealKeys } from '../constructs/seal-keys.ts';
import { occurrenceAlarm } from '../constructs/occurrence-alarm.ts';
import {
  ARCHIVE_FUNCTION,
  FIXED_ROLE_FUNCTIONS,
  KMS_SIGNING_ALGORITHM_OF_SPEC,
  SEAL_FUNCTIONS,
  SELF_ACCOUNT,
  archiveSealAliasName,
  directoryFromConfig,
  expandTrustedPrincipalArn,
  functionRoleName,
  principalRoleName,
  sealAliasName,
  standInArchiveSealKeyArn,
  standInRoleArn,
  standInSealKeyArn,
} from '../config.ts';
import { DEPS_LOCK_FILE, LAMBDA_BUNDLING, PROJECT_ROOT, functionEntry } from '../lambda-bundling.ts';
import type { LambdaName } from '../lambda-bundling.ts';
import { ARCHIVE_BUNDLES_PREFIX } from './data-stack.ts';

export interface ApiStackProps extends StackProps {
  config: TongbanConfig;
  itemsTable: ITable;
  directoryTable: ITable;
  casesTable: ITable;
  /** The key encrypting the tables and the materials bucket. */
  dataKey: IKey;
  /** Application materials (SSE-KMS with `dataKey`): channels upload to it by presigned PUT under `uploads/`. */
  materialsBucket: IBucket;
  /** The departments' seal keys (data stack), whose policies name the sealing and seals roles by their fixed names. */
  sealKeys: SealKeys;
  /** The e-archive (SSE-KMS with `archiveKey`): the archive function writes the bundles under `bundles/`, auditors read them. */
  archiveBucket: IBucket;
  /** The key encrypting the archive bucket. */
  archiveKey: IKey;
  /** The archive seal key (data stack), whose policy names the archive and seals roles by their fixed names. */
  archiveSealKey: IKey;
  /** Its key spec (config.sealKeySpec): the archive function signs with its algorithm alone. */
  archiveSealKeySpec: SealKeySpecName;
}

const ROUTE_TABLE: readonly RouteSpec[] = ROUTES;

/** Every function the route table names, in first-use order. */
export const FUNCTION_NAMES: readonly FunctionName[] = [...new Set(ROUTE_TABLE.map((r) => r.function))];

/** The tables a function may be granted, as `TABLE_ACCESS` names them. */
export type TableName = 'items' | 'directory' | 'cases';

/** A function's grant on one table: item actions on the table itself, and the indexes it queries. */
export interface TableGrant {
  actions: readonly string[];
  /** Indexes (their names in table-layout.ts) the function queries: dynamodb:Query on each, nothing else. */
  indexes?: readonly string[];
}

const indexNames = (layout: { indexes: Record<string, { name: string }> }): string[] => Object.values(layout.indexes).map((ix) => ix.name);

/**
 * What each function may do with the tables, and nothing more: the calls its adapters make. The item
 * store (shared/adapters/dynamo-item-store.ts) gets, queries and puts with conditions (a new version
 * only where none exists); the case store (dynamo-case-store.ts) likewise: a conditional put per
 * history entry, a put of the head, gets, and queries of the table and its indexes; the directory
 * reader only gets. Versions and history entries are immutable and never deleted, so no function
 * holds UpdateItem (which could rewrite one in place), DeleteItem, BatchWriteItem (which can delete),
 * Scan, or the batch/transaction reads it does not use. The joint function goes through the same case
 * store, for one case at a time: it gets and queries that case's records and puts its entries and
 * head, through no index. So does the sealing function, which also reads the item version the case
 * was filed under, puts the e-licence it issues (`LICENCE#<id>`, conditionally: once) in the cases
 * table, and reads the seal registry from the directory. The seals function only reads: the seal
 * registry, and a licence (its status, for verifying a sealed licence). The archive function reads one
 * ended case (head by GetItem, entries by Query on its partition, its licence by GetItem), the item
 * version it was filed under (GetItem only) and the archive key from the directory, and records the
 * `archive` or `archive-failed` entry and the head (PutItem); no index.
 */
export const TABLE_ACCESS: Record<LambdaName, Partial<Record<TableName, TableGrant>>> = {
  catalogue: {
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], indexes: indexNames(ITEMS_TABLE) },
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // The directory: who calls the calendar routes (the calendar itself: CALENDAR_ACCESS).
  platform: {
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // Files cases and records actions (entries and head), reads cases, the department queues, a
  // channel's cases and the supervision lists; reads the item a case is filed under (its head, by
  // Query, and a version, by GetItem: no item index); resolves callers in the directory.
  cases: {
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: indexNames(CASES_TABLE) },
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // Walks each department's queue (the departmentQueue index alone), reads each candidate and records
  // the system's action on it; lists the departments from the directory.
  sweep: {
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: [CASES_TABLE.indexes.departmentQueue.name] },
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // The joint-handling steps: read a case (its head, and its entries by Query on the case's own
  // partition), record the joint actions on it (entries and head), store a branch's task token.
  joint: {
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
  },
  // Reads one case (head by GetItem, entries by Query on its partition) and the item version it was
  // filed under (GetItem, or the head by Query); writes the `seal` entry and the head, and the
  // licence (GetItem first: a retry takes up the one an interrupted run stored); the seal registry.
  sealing: {
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // The seal registry (JWKS, and the key a seal names), and a sealed licence's status.
  seals: {
    cases: { actions: ['dynamodb:GetItem'] },
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // One ended case: its head, entries and licence; records its archiving (entry and head). The item
  // version it was filed under (its retention period); the directory's archive key.
  archive: {
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    items: { actions: ['dynamodb:GetItem'] },
    directory: { actions: ['dynamodb:GetItem'] },
  },
};

/** The areas of the materials bucket (bucket-layout.ts) a function may be granted, by `MATERIALS_ACCESS`. */
export type MaterialsArea = 'uploads' | 'cases';
const MATERIALS_PREFIXES: Record<MaterialsArea, string> = { uploads: MATERIALS_BUCKET.uploadsPrefix, cases: MATERIALS_BUCKET.casesPrefix };

/**
 * What each function may do in the materials bucket, by area, and nothing more: the calls of
 * shared/adapters/s3-material-store.ts. The cases function
 * - presigns PUTs under `uploads/` (s3:PutObject; the URL authorises that one signed request only);
 * - checks that an upload is the announced file (HeadObject, GetObject: s3:GetObject on `uploads/*`);
 * - keeps a filed case's materials by server-side copy to `cases/<caseNo>/…` (CopyObject: s3:GetObject
 *   on the source under `uploads/`, s3:PutObject on the target under `cases/`), after a HeadObject of
 *   the target (s3:GetObject on `cases/*`) so a retried filing does not copy twice.
 * No delete (materials are evidence, and the bucket versions them), no ACL or tagging actions.
 *
 * The archive function (shared/adapters/s3-case-files.ts) lists what an ended case keeps under
 * `cases/<caseNo>/` (ListObjectsV2 with that prefix), heads each object it listed and reads it
 * (s3:GetObject on `cases/*`). Nothing else, and nothing under `uploads/`.
 *
 * s3:ListBucket: without it S3 answers a HeadObject or CopyObject of a missing key with 403
 * AccessDenied instead of 404 NotFound / NoSuchKey, and the cases function's adapter tells "not
 * uploaded (yet)" or "already copied" only from the 404. So the cases function (MATERIALS_LIST_ANY)
 * holds s3:ListBucket on the bucket without an `s3:prefix` condition: a HeadObject carries no prefix,
 * so a condition on it would not reliably count for the 404, and the two areas are all the bucket
 * holds — listing shows the function the names of objects it may read anyway. Should S3 answer 403
 * all the same, the adapter fails the request (500); it never takes a refusal for an absence. Any
 * other function lists only under the areas it holds s3:ListBucket for (`StringLike s3:prefix
 * <area>/*`): the archive function heads only objects it has just listed, so it needs no 404.
 */
export const MATERIALS_ACCESS: Record<LambdaName, Partial<Record<MaterialsArea, readonly string[]>>> = {
  catalogue: {},
  platform: {},
  cases: {
    uploads: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'],
    cases: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
  },
  sweep: {},
  joint: {},
  sealing: {},
  seals: {},
  archive: {
    cases: ['s3:GetObject', 's3:ListBucket'],
  },
};

/**
 * The functions whose s3:ListBucket on the materials bucket is unconditioned (see MATERIALS_ACCESS:
 * they tell a missing object from a refused one by the 404); every other function's is conditioned on
 * the `s3:prefix` of the areas it holds it for.
 */
export const MATERIALS_LIST_ANY: readonly LambdaName[] = ['cases'];

/** The alarm fires this many days before the loaded holiday data ends. */
export const CALENDAR_WARNING_DAYS = 60;

/** What a function may do with the official holiday arrangements (CALENDAR_ACCESS). */
export type CalendarAction = 'dynamodb:Query' | 'dynamodb:PutItem';

/**
 * What each function may do with the official holiday arrangements — the items table's `CALENDAR`
 * partition (shared/adapters/dynamo-calendar-store.ts), and only that partition (IAM condition
 * dynamodb:LeadingKeys): every function that counts working days reads it (one Query); the platform
 * function, which serves PUT /v1/calendar/{year}, writes a new version there (a conditional PutItem,
 * never over an existing one). The seals function counts no days.
 */
export const CALENDAR_ACCESS: Record<LambdaName, readonly CalendarAction[]> = {
  catalogue: ['dynamodb:Query'],
  platform: ['dynamodb:Query', 'dynamodb:PutItem'],
  cases: ['dynamodb:Query'],
  sweep: ['dynamodb:Query'],
  joint: ['dynamodb:Query'],
  sealing: ['dynamodb:Query'],
  seals: [],
  archive: ['dynamodb:Query'],
};

/** What a function may do with the joint-handling state machine (JOINT_ACCESS). */
export type JointAction = 'states:StartExecution' | 'states:SendTaskSuccess';

/**
 * What each function may do with the joint-handling state machine, on that state machine alone, and
 * nothing more. The cases function starts a case's execution (one per case, named after it, so a
 * repeated start is refused, not doubled) and, when a co-department gives its opinion, sends task
 * success with the token the branch stored: it is the only role that may answer a task, so only an
 * opinion recorded through the API ends a wait. The sweep starts the execution of a case whose start
 * failed. Nobody holds SendTaskFailure, SendTaskHeartbeat or StopExecution: a branch ends on its
 * opinion or its deadline (the task's own timeout), never because someone failed it.
 */
export const JOINT_ACCESS: Record<LambdaName, readonly JointAction[]> = {
  catalogue: [],
  platform: [],
  cases: ['states:StartExecution', 'states:SendTaskSuccess'],
  sweep: ['states:StartExecution'],
  joint: [],
  sealing: [],
  seals: [],
  archive: [],
};

/** What a function may do with the seal keys (SEAL_KEY_ACCESS). */
export type SealKeyAction = 'kms:Sign' | 'kms:GetPublicKey';

/**
 * What each function may do with the seal keys, and nothing more. The sealing function signs with
 * the active keys alone (the only kms:Sign anywhere; each key's policy also denies it to every other
 * principal, and a retired key's to all), with the key's own signing algorithm only
 * (kms:SigningAlgorithm). The seals function reads every key's public key, retired ones included, to
 * publish them (JWKS) and to verify seals (the only kms:GetPublicKey; the key policies deny it to any
 * other principal). Nobody holds kms:Verify: seals are verified offline, with the public keys.
 */
export const SEAL_KEY_ACCESS: Record<LambdaName, readonly SealKeyAction[]> = {
  catalogue: [],
  platform: [],
  cases: [],
  sweep: [],
  joint: [],
  sealing: ['kms:Sign'],
  seals: ['kms:GetPublicKey'],
  archive: [],
};

/**
 * What each function may do with the archive seal key, and nothing more. The archive function signs
 * each bundle's tag manifest with it, with the key's own signing algorithm only (kms:SigningAlgorithm;
 * the key's policy denies kms:Sign to every other principal). The seals function reads its public key,
 * to publish it in the JWKS with the seal keys' (the archive function takes the public keys from that
 * JWKS: shared/adapters/http-published-keys.ts, so it holds no kms:GetPublicKey, although the key's
 * policy would let it). Nobody holds kms:Verify.
 */
export const ARCHIVE_SEAL_KEY_ACCESS: Record<LambdaName, readonly SealKeyAction[]> = {
  catalogue: [],
  platform: [],
  cases: [],
  sweep: [],
  joint: [],
  sealing: [],
  seals: ['kms:GetPublicKey'],
  archive: ['kms:Sign'],
};

/**
 * The functions other functions invoke, who may invoke each (lambda:InvokeFunction on that function
 * alone, unqualified) and the variable that gives them its name. Nobody else may invoke them, and no
 * route reaches them.
 * - sealing: the cases function seals a case right after its decision, the sweep seals a decided case
 *   whose sealing failed (shared/adapters/lambda-case-functions.ts);
 * - archive: the cases function starts archiving a case that ends, the sweep an ended case not
 *   archived yet, both asynchronously (InvocationType Event: shared/adapters/lambda-case-functions.ts).
 */
export const INVOKED_FUNCTIONS = {
  sealing: { invokers: ['cases', 'sweep'], variable: 'SEALING_FUNCTION_NAME' },
  archive: { invokers: ['cases', 'sweep'], variable: 'ARCHIVE_FUNCTION_NAME' },
} as const satisfies Partial<Record<LambdaName, { invokers: readonly LambdaName[]; variable: string }>>;
export type InvokedFunctionName = keyof typeof INVOKED_FUNCTIONS;

/** Who may invoke the sealing function (INVOKED_FUNCTIONS.sealing). */
export const SEALING_INVOKERS: readonly LambdaName[] = INVOKED_FUNCTIONS.sealing.invokers;
/** Who may invoke the archive function (INVOKED_FUNCTIONS.archive). */
export const ARCHIVE_INVOKERS: readonly LambdaName[] = INVOKED_FUNCTIONS.archive.invokers;

/**
 * The environment variables of the archive function beside its tables' and MATERIALS_BUCKET: the
 * archive bucket's name, and the URL of this API's public JWKS (GET /v1/.well-known/jwks.json), whose
 * keys each bundle carries.
 */
export const ARCHIVE_ENVIRONMENT = { bucket: 'ARCHIVE_BUCKET', publishedKeys: 'PUBLISHED_KEYS_URL' } as const;

/**
 * What the archive function may do in the e-archive, and nothing more (shared/adapters/s3-archive-store.ts):
 * - the bucket: s3:ListBucket, unconditioned, so that the HeadObject of a bundle not written yet is a
 *   404 (the store tells "not archived yet" only from it, see MATERIALS_ACCESS);
 * - the bundles under `bundles/`: s3:PutObject (a single PutObject, or CreateMultipartUpload,
 *   UploadPart and CompleteMultipartUpload, all with If-None-Match on the final request: written
 *   once), s3:PutObjectRetention and s3:PutObjectLegalHold (the bundle's own COMPLIANCE retention and
 *   legal hold, given with the write), s3:GetObject (HeadObject: is it there; reading it back for its
 *   check), s3:AbortMultipartUpload (discarding the parts of a failed upload: no object is deleted,
 *   an unfinished upload is none). Not s3:ListMultipartUploadParts: the store never lists parts;
 * - the archive key, through S3 only (kms:ViaService): kms:GenerateDataKey (writing) and kms:Decrypt
 *   (completing a multipart upload, reading back).
 * No delete of any kind, no version or ACL action, no lifecycle; the bucket's policy denies deletes to
 * everyone anyway.
 */
export const ARCHIVE_WRITER_ACCESS = {
  bucket: ['s3:ListBucket'],
  bundles: ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:GetObject', 's3:AbortMultipartUpload'],
  key: ['kms:GenerateDataKey', 'kms:Decrypt'],
} as const;

/** Why the archive function's grant under bundles/ ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_WRITER_BUNDLES_WILDCARD_REASON =
  "The archive function writes each ended case's bundle once, under bundles/<department>/<item>/<day the case ended>/<case number>.tar, when the case ends, so no key is known beforehand and the bundles/ prefix is the only stable part of it. The grant is s3:PutObject (single or multipart upload, with If-None-Match: written once), s3:PutObjectRetention and s3:PutObjectLegalHold (the bundle's own COMPLIANCE retention and legal hold), s3:GetObject (is it there, reading it back for its check) and s3:AbortMultipartUpload (a failed upload leaves nothing): no delete, on the archive bucket alone, whose own policy denies every delete and whose bundles are held under Object Lock (COMPLIANCE).";

/** Why the archive function's grant under cases/ of the materials bucket ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_CASE_FILES_WILDCARD_REASON =
  "The archive function packs into an ended case's bundle every object the case keeps under cases/<case number>/ (materials, superseded versions, opinion attachments); the case is only known when it ends, so the cases/ prefix is the only stable part of the key. The grant is read only (s3:GetObject), on this bucket only, and its listing of the bucket is conditioned on the same prefix (s3:prefix cases/*): no put, no delete, nothing under uploads/.";

/**
 * What an auditor may do in the e-archive, and nothing more: the policy `tongban-<stage>-archive-read`
 * of the role of every `auditor` principal with a `trustedAccount` (a principal given by `arn` gets
 * nothing from this stack). List the bucket, its versions included; read the bundles under
 * `bundles/`, any version of them, their retention, legal hold and attributes; decrypt them, with the
 * archive key alone and only through S3 (kms:ViaService). No put, no delete, no other bucket or key;
 * no kms:GetPublicKey (each bundle carries the public keys that verify it). Its API routes stay those
 * of the auditor role.
 */
export const ARCHIVE_AUDITOR_ACCESS = {
  bucket: ['s3:ListBucket', 's3:ListBucketVersions'],
  bundles: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes'],
  key: ['kms:Decrypt'],
} as const;

/** Why the auditors' grant under bundles/ ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_BUNDLES_WILDCARD_REASON =
  'Auditors read the archived case bundles: the archive function writes one bundle per ended case under bundles/, named after the case, when the case ends, so no key is known beforehand and the bundles/ prefix is the only stable part of it. The grant is read only (s3:GetObject, s3:GetObjectVersion, s3:GetObjectRetention, s3:GetObjectLegalHold, s3:GetObjectAttributes): no put, no delete, on the archive bucket alone, whose own policy denies every delete and whose bundles are held under Object Lock (COMPLIANCE).';

/** The longest a sealing may take: a few reads, one KMS Sign per document, a few conditional writes. */
export const SEALING_FUNCTION_TIMEOUT_SECONDS = 20;

/**
 * The archive function: up to Lambda's longest run (a bundle streams every material of a case up in
 * 8 MiB parts, then is read back and checked), with memory for one part at a time, the tar stream and
 * the hashes (and the CPU share that comes with it).
 */
export const ARCHIVE_FUNCTION_TIMEOUT_MINUTES = 15;
export const ARCHIVE_FUNCTION_MEMORY_MB = 1024;
/** How often Lambda retries a failed archive run (asynchronous invocation), and how long it keeps trying. */
export const ARCHIVE_RETRY_ATTEMPTS = 2;
export const ARCHIVE_MAX_EVENT_AGE_HOURS = 6;

/**
 * What each public route reads and returns: the reason it needs no authorisation, in its cdk-nag
 * acknowledgement. A new public route must say it here, or synth fails.
 */
export const PUBLIC_ROUTE_DATA: Readonly<Record<string, string>> = {
  health:
    "It reads the official holiday arrangements (the items table's CALENDAR partition: public data, published by the State Council) and returns the health status, the years loaded and the last day the loaded data reaches: no personal or case data.",
  openapi: 'It reads no table and returns no personal or case data: the OpenAPI description of this API.',
  sealKeys:
    "It reads the directory's seal registry and the seal keys' public keys (kms:GetPublicKey, which the keys allow the seals function alone) and returns only public keys, each with its department's credit code, seal name, algorithm and status: no personal or case data and nothing secret — publishing them is what lets anyone verify a seal offline.",
};

/**
 * What Step Functions needs from the identity that starts an execution or answers a task of a state
 * machine encrypted with a customer-managed key: it encrypts the input or output with a data key it
 * generates (kms:GenerateDataKey) and reads the execution's data (kms:Decrypt).
 */
const KEY_STATE_MACHINE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Why the state machine may invoke any version of the joint function: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const JOINT_INVOKE_WILDCARD_REASON =
  'The joint-handling state machine invokes the joint function for each of its Lambda steps. CDK grants lambda:InvokeFunction on the function ARN and on <function ARN>:* (its versions and aliases, so a step pinned to a qualifier keeps working); the * stands for a version or alias of this one function only, and the state machine role may invoke no other function.';

/** Why the state machine role has statements on Resource *: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const JOINT_ROLE_STAR_REASON =
  'The joint-handling state machine logs every event (level ALL) to its log group and traces with X-Ray. Logging goes through CloudWatch Logs vended log delivery, whose actions (logs:CreateLogDelivery, logs:GetLogDelivery, logs:UpdateLogDelivery, logs:DeleteLogDelivery, logs:ListLogDeliveries, logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:DescribeLogGroups) and the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets) do not support resource-level permissions, so AWS requires Resource "*" for them. Its other statements name the joint function and the workflow\'s own key.';

/** Why the grants under uploads/ end in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const UPLOADS_WILDCARD_REASON =
  "Presigned uploads of application materials (a channel's) and of opinion attachments (a co-department's): for each upload the cases function chooses a new random key, uploads/<channel id or department credit code>/<random UUID>, signs a PUT for exactly that key with its own credentials, and later reads that object to check it is the announced file and to copy it into a case; no key is known beforehand, so the uploads/ prefix is the only stable part of it. The grant is s3:PutObject and s3:GetObject (no delete, no ACL), on this bucket only; the lifecycle rule expires whatever no case takes up under uploads/.";

/** Why the cases function's grants under cases/ end in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const CASES_WILDCARD_REASON =
  'Materials a filed case keeps: the cases function copies each upload a case references, server-side, to cases/<case number>/<upload id> when the case is filed or supplemented, after checking whether the copy is already there; the case number is only issued at filing, so the cases/ prefix is the only stable part of the key. The grant is s3:GetObject (HeadObject of the copy) and s3:PutObject (the copy target), no delete, on this bucket only; the bucket is versioned, so nothing kept there can be lost by an overwrite.';

/** Why each function's grant under each area of the materials bucket ends in a wildcard (MATERIALS_ACCESS): their acknowledgements. */
export const MATERIALS_WILDCARD_REASONS: Partial<Record<LambdaName, Partial<Record<MaterialsArea, string>>>> = {
  cases: { uploads: UPLOADS_WILDCARD_REASON, cases: CASES_WILDCARD_REASON },
  archive: { cases: ARCHIVE_CASE_FILES_WILDCARD_REASON },
};

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
 * What S3 needs from the requester's identity for objects encrypted with the bucket's customer-managed
 * key (SSE-KMS): writing an object (a single-request PUT, or the target of a copy) takes
 * kms:GenerateDataKey, S3 asking KMS for the object's, or the bucket key's, data key on the
 * requester's behalf; reading one (GetObject, HeadObject, the source of a copy) takes kms:Decrypt.
 * Not kms:Encrypt: S3 never calls it for SSE-KMS. A bucket key changes how often S3 calls KMS, not
 * what the requester must be allowed.
 */
const KEY_OBJECT_WRITE_ACTIONS = ['kms:GenerateDataKey'];
const KEY_OBJECT_READ_ACTIONS = ['kms:Decrypt'];

/** Settings of a function that come from the configuration, as its environment. */
const CONFIG_ENVIRONMENT: Partial<Record<LambdaName, (config: TongbanConfig) => Record<string, string>>> = {
  // Unset: the function's own default (5 working days, Art. 32's longest).
  cases: (config): Record<string, string> => (config.deemedAcceptanceDays !== undefined ? { DEEMED_ACCEPTANCE_DAYS: String(config.deemedAcceptanceDays) } : {}),
};

/** How often a failed sweep is retried, by EventBridge (delivery) and by Lambda (a run that threw). */
export const SWEEP_RETRY_ATTEMPTS = 2;
/** The longest a sweep run may take: the interval, at most 5 minutes (a run never outlasts its slot). */
const SWEEP_MAX_TIMEOUT_MINUTES = 5;
/** Days a dead-letter queue (the sweep's, the archive function's) keeps a failed event (SQS's longest). */
const DEAD_LETTER_RETENTION_DAYS = 14;

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
        throw new Error(
          `the execute-api permissions of role ${role} would also match ${other.method} ${other.path}, which that role may not call: rename the route or narrow the policy`,
        );
      }
    }
  }
}

export class ApiStack extends Stack {
  readonly api: RestApi;
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The case sweep (functions/sweep), its schedule, the queue of its failed runs and their alarms. */
  readonly sweep: { function: NodejsFunction; schedule: Rule; deadLetters: Queue; alarms: { errors: Alarm; failures: Alarm; deadLetters: Alarm; calendarEnding: Alarm } };
  /** Joint handling: the function of its steps (functions/joint), the state machine and its alarm. */
  readonly joint: { function: NodejsFunction; stateMachine: StateMachine; key: IKey; alarm: Alarm };
  /** The sealing function (functions/sealing): the only one that signs with the seal keys. */
  readonly sealing: NodejsFunction;
  /**
   * The archive function (functions/archive): the only one that writes the archive bucket and signs
   * with the archive seal key; the queue of its failed runs and its alarms.
   */
  readonly archive: { function: NodejsFunction; deadLetters: Queue; alarms: { errors: Alarm; failed: Alarm; deadLetters: Alarm } };
  /** Every function of the stack, by name. */
  private readonly lambdas: Partial<Record<LambdaName, NodejsFunction>> = {};
  /** The roles created for `trustedAccount` principals, by principal name. */
  readonly principalRoles: Record<string, Role> = {};
  /** The auditors' archive-reading policy (ARCHIVE_AUDITOR_ACCESS), on the auditor principals' roles; none without such a role. */
  readonly archiveRead: Policy | undefined;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retention = config.logRetentionDays as RetentionDays;
    assertNoWildcardOverreach();

    // Joint handling -----------------------------------------------------------------------------
    // First: the functions that start or answer it are given its ARN.
    this.joint = this.jointHandling(props, retention);

    // Sealing ------------------------------------------------------------------------------------
    // Before the functions that invoke it, which are given its name.
    this.sealing = this.lambdaFunction('sealing', props, retention, {
      description: `Tongban ${config.stage}: seals a decided case's results (decision, e-licence) with its department's active seal; invoked by the cases function and the sweep alone`,
      timeout: Duration.seconds(SEALING_FUNCTION_TIMEOUT_SECONDS),
    });

    // Archiving --------------------------------------------------------------------------------
    // Before the functions that invoke it, which are given its name; given the API's JWKS URL below.
    this.archive = this.archiving(props, retention);

    // Functions --------------------------------------------------------------------------------
    const invokes = { sealing: this.sealing, archive: this.archive.function };
    const functions: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const name of FUNCTION_NAMES) {
      functions[name] = this.lambdaFunction(name, props, retention, {
        description: `Tongban ${config.stage}: ${name} (${ROUTE_TABLE.filter((r) => r.function === name).length} routes)`,
        timeout: Duration.seconds(10),
        joint: this.joint,
        invokes,
      });
    }
    this.functions = functions as Record<FunctionName, NodejsFunction>;
    this.sweep = this.caseSweep(props, retention, invokes);

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
    this.archive.function.addEnvironment(ARCHIVE_ENVIRONMENT.publishedKeys, this.publishedKeysUrl(config.stage));
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
    const integrations = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, new LambdaIntegration(this.functions[name], { proxy: true, allowTestInvoke: false })])) as Record<
      FunctionName,
      LambdaIntegration
    >;

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

    // The e-archive: what auditors may read -------------------------------------------------------
    this.archiveRead = this.archiveReadPolicy(props);

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

  /** A function of the stack by name: an API function, the sweep, the joint, sealing or archive function. */
  lambda(name: LambdaName): NodejsFunction {
    const fn = this.lambdas[name];
    if (fn === undefined) throw new Error(`no ${name} function in this stack`);
    return fn;
  }

  /**
   * The URL of this API's public JWKS (the route `sealKeys`). Built from the REST API's id and the
   * configured stage name rather than from `api.url`, which refers to the stage resource: the stage
   * waits for the deployment, the deployment for the methods, the methods for the cases function, and
   * the cases function for the archive function (it is given its name) — which would then wait for the
   * stage, a dependency cycle. The REST API resource itself depends on none of them.
   */
  private publishedKeysUrl(stage: string): string {
    const route = ROUTE_TABLE.find((r) => r.operationId === 'sealKeys');
    if (route === undefined || route.auth !== 'public') throw new Error('the route table has no public sealKeys route (the JWKS the archive function reads)');
    return `https://${this.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${stage}${route.path}`;
  }

  /** `kms:ViaService` of a KMS call S3 makes on the caller's behalf, in this stack's region and partition (amazonaws.com, or amazonaws.com.cn in China). */
  private s3ViaService(): string {
    return `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }

  /**
   * An alarm on something that should never happen (occurrence-alarm.ts), named
   * `tongban-<stage>-<id in kebab case, without "Alarm">`.
   */
  private occurrence(id: string, stage: string, metric: IMetric, description: string): Alarm {
    return occurrenceAlarm(this, id, {
      alarmName: `tongban-${stage}-${id
        .replace(/Alarm$/, '')
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .toLowerCase()}`,
      alarmDescription: `Tongban ${stage}: ${description}`,
      metric,
    });
  }

  /**
   * The archive function: the same function construct as the others (its role built from the access
   * tables: TABLE_ACCESS, MATERIALS_ACCESS, ARCHIVE_WRITER_ACCESS, ARCHIVE_SEAL_KEY_ACCESS; its role
   * name fixed, for the archive seal key's policy), invoked asynchronously by the cases function and
   * the sweep alone (INVOKED_FUNCTIONS).
   * - A run that throws is retried twice by Lambda, an event is kept at most 6 hours, and then it goes
   *   to the dead-letter queue (SSE-SQS, TLS only, 14 days): its message is the event itself,
   *   `{ "caseNo": … }`, ready to be sent again. The sweep also starts any ended case not archived yet.
   * - Alarms: the function's Errors, the ArchiveFailed metric the handler publishes (a bundle that
   *   failed its four-property check, recorded on the case as `archive-failed`), and messages waiting
   *   in the dead-letter queue.
   */
  private archiving(props: ApiStackProps, retention: RetentionDays): ApiStack['archive'] {
    const { stage } = props.config;
    const deadLetters = new Queue(this, 'ArchiveDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    const fn = this.lambdaFunction(ARCHIVE_FUNCTION, props, retention, {
      description: `Tongban ${stage}: archives an ended case (its sealed BagIt bundle, under Object Lock) into the archive bucket; invoked asynchronously by the cases function and the sweep alone`,
      timeout: Duration.minutes(ARCHIVE_FUNCTION_TIMEOUT_MINUTES),
      memorySize: ARCHIVE_FUNCTION_MEMORY_MB,
      deadLetterQueue: deadLetters,
    });
    fn.configureAsyncInvoke({ retryAttempts: ARCHIVE_RETRY_ATTEMPTS, maxEventAge: Duration.hours(ARCHIVE_MAX_EVENT_AGE_HOURS) });
    const period = Duration.minutes(5);
    const alarms = {
      errors: this.occurrence(
        'ArchiveErrorsAlarm',
        stage,
        fn.metricErrors({ period, statistic: 'Sum' }),
        'an archive run failed (the function threw or timed out); Lambda retries it twice, then keeps the event in the dead-letter queue',
      ),
      failed: this.occurrence(
        'ArchiveFailedAlarm',
        stage,
        // Published by functions/archive/handler.ts through Powertools (EMF), with its service dimension.
        new Metric({ namespace: 'Tongban', metricName: 'ArchiveFailed', dimensionsMap: { service: 'tongban' }, statistic: 'Maximum', period }),
        'a case bundle failed its four-property check and was not archived (the case records archive-failed; see the archive function\'s log: "case bundle failed its four-property check")',
      ),
      deadLetters: this.occurrence(
        'ArchiveDeadLettersAlarm',
        stage,
        deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        'an archive event is in the dead-letter queue (the run failed after its retries, or the event expired): the case is not archived',
      ),
    };
    return { function: fn, deadLetters, alarms };
  }

  /**
   * The case sweep: the same function construct as the API's (bundling, runtime, log group, tracing,
   * role built from TABLE_ACCESS), run every `sweepIntervalMinutes` by an EventBridge rule.
   * - One run at a time: reserved concurrency 1, and a timeout no longer than the interval.
   * - A failed run is retried (EventBridge retries delivering the event, Lambda retries a run that
   *   threw) and then kept in the dead-letter queue: both EventBridge's and the function's
   *   asynchronous-invocation DLQ are this one queue (SSE-SQS, TLS only). An event older than the
   *   interval is dropped there too: the next scheduled run has taken its place.
   * - Alarms: the function's Errors, the SweepFailures metric the handler publishes (cases it could
   *   not move), and messages waiting in the dead-letter queue.
   */
  private caseSweep(props: ApiStackProps, retention: RetentionDays, invokes: Partial<Record<InvokedFunctionName, IFunction>>): ApiStack['sweep'] {
    const { config } = props;
    const minutes = config.sweepIntervalMinutes;
    const interval = Duration.minutes(minutes);
    const deadLetters = new Queue(this, 'SweepDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    const fn = this.lambdaFunction('sweep', props, retention, {
      description: `Tongban ${config.stage}: case sweep (deemed acceptance, overdue and violation marks), every ${minutes} min`,
      timeout: Duration.minutes(Math.min(minutes, SWEEP_MAX_TIMEOUT_MINUTES)),
      reservedConcurrentExecutions: 1,
      deadLetterQueue: deadLetters,
      joint: this.joint,
      invokes,
    });
    // Lambda keeps an event at most 6 hours, EventBridge at most 24 (and at least a minute).
    const eventAge = (most: number) => Duration.seconds(Math.max(60, Math.min(minutes * 60, most)));
    fn.configureAsyncInvoke({ retryAttempts: SWEEP_RETRY_ATTEMPTS, maxEventAge: eventAge(6 * 3600) });
    const schedule = new Rule(this, 'SweepSchedule', {
      description: `Tongban ${config.stage}: runs the case sweep every ${minutes} min`,
      schedule: Schedule.rate(interval),
    });
    schedule.addTarget(new LambdaFunction(fn, { deadLetterQueue: deadLetters, retryAttempts: SWEEP_RETRY_ATTEMPTS, maxEventAge: eventAge(24 * 3600) }));

    // One datapoint per run: a period of the interval (CloudWatch allows up to a day, the longest interval).
    const alarm = (id: string, metric: Metric, description: string) => this.occurrence(id, config.stage, metric, description);
    const alarms = {
      errors: alarm('SweepErrorsAlarm', fn.metricErrors({ period: interval, statistic: 'Sum' }), 'a case sweep run failed (the function threw or timed out)'),
      failures: alarm(
        'SweepFailuresAlarm',
        // Published by functions/sweep/handler.ts through Powertools (EMF), with its service dimension.
        new Metric({ namespace: 'Tongban', metricName: 'SweepFailures', dimensionsMap: { service: 'tongban' }, statistic: 'Maximum', period: interval }),
        'the case sweep could not move some case (see its log: "case sweep could not move a case")',
      ),
      deadLetters: alarm(
        'SweepDeadLettersAlarm',
        deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        'a case sweep event is in the dead-letter queue (the run failed after its retries, or could not be delivered)',
      ),
      // Each run publishes the days left until the loaded holiday data ends (0: today's year is not loaded).
      calendarEnding: new Alarm(this, 'CalendarEndingAlarm', {
        alarmName: `tongban-${config.stage}-calendar-ending`,
        alarmDescription: `Tongban ${config.stage}: the official holiday data loaded ends within ${CALENDAR_WARNING_DAYS} days: load the next year's arrangement (PUT /v1/calendar/{year}, tongban calendar load); until then dates beyond it are provisional`,
        metric: new Metric({ namespace: 'Tongban', metricName: 'CalendarDaysLeft', dimensionsMap: { service: 'tongban' }, statistic: 'Minimum', period: interval }),
        threshold: CALENDAR_WARNING_DAYS,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    return { function: fn, schedule, deadLetters, alarms };
  }

  /**
   * Joint handling: the joint function (the same function construct as the others, its role built
   * from TABLE_ACCESS; its timeout well under the steps' task timeout), the state machine running it
   * (encrypted with a key of its own), and the acknowledgements of the state machine role's wildcards.
   */
  private jointHandling(props: ApiStackProps, retention: RetentionDays): ApiStack['joint'] {
    const { config } = props;
    const fn = this.lambdaFunction('joint', props, retention, {
      description: `Tongban ${config.stage}: joint-handling steps (dispatch, check, await, escalate, record-missing, fail), run by the joint-handling state machine`,
      timeout: Duration.seconds(JOINT_FUNCTION_TIMEOUT_SECONDS),
    });
    const handling = new JointHandling(this, 'JointHandling', { stage: config.stage, jointFunction: fn, logRetention: retention });
    // The role CDK made for the state machine: invoke the joint function (and its versions), log, trace, use the key.
    Validations.of(handling.stateMachine.role.node.findChild('DefaultPolicy')).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: JOINT_ROLE_STAR_REASON },
      { id: `AwsSolutions-IAM5[Resource::${flattenForNag(this.resolve(`${fn.functionArn}:*`))}]`, reason: JOINT_INVOKE_WILDCARD_REASON },
    );
    return { function: fn, stateMachine: handling.stateMachine, key: handling.key, alarm: handling.alarm };
  }

  private lambdaFunction(
    name: LambdaName,
    props: ApiStackProps,
    retention: RetentionDays,
    options: {
      description: string;
      timeout: Duration;
      memorySize?: number;
      reservedConcurrentExecutions?: number;
      deadLetterQueue?: IQueue;
      joint?: { stateMachine: IStateMachine; key: IKey };
      /** The functions it may invoke (INVOKED_FUNCTIONS: those it is an invoker of). */
      invokes?: Partial<Record<InvokedFunctionName, IFunction>>;
    },
  ): NodejsFunction {
    const id = pascal(name);
    const access = TABLE_ACCESS[name];
    const logGroup = new LogGroup(this, `${id}Logs`, { retention, removalPolicy: RemovalPolicy.RETAIN });
    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy: logs only to this
    // function's log group, which exists already (no logs:CreateLogGroup). The seal and archive keys'
    // policies name the sealing, seals and archive roles by their fixed names.
    const fixedRole = FIXED_ROLE_FUNCTIONS.includes(name);
    const role = new Role(this, `${id}FunctionRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Tongban ${props.config.stage}: the ${name} function`,
      ...(fixedRole ? { roleName: functionRoleName(props.config.stage, name) } : {}),
    });
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'tongban',
      POWERTOOLS_METRICS_NAMESPACE: 'Tongban',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const keyActions = new Set<string>();
    const tables: Record<TableName, { table: ITable; variable: string; indexes: readonly string[] }> = {
      items: { table: props.itemsTable, variable: 'ITEMS_TABLE', indexes: indexNames(ITEMS_TABLE) },
      directory: { table: props.directoryTable, variable: 'DIRECTORY_TABLE', indexes: [] },
      cases: { table: props.casesTable, variable: 'CASES_TABLE', indexes: indexNames(CASES_TABLE) },
    };
    for (const [tableName, grant] of Object.entries(access) as [TableName, TableGrant][]) {
      const { table, variable, indexes } = tables[tableName];
      environment[variable] = table.tableName;
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...grant.actions], resources: [table.tableArn] }));
      const unknown = (grant.indexes ?? []).filter((ix) => !indexes.includes(ix));
      if (unknown.length > 0) throw new Error(`TABLE_ACCESS.${name}.${tableName}: no index ${unknown.join(', ')} in the table layout`);
      if (grant.indexes !== undefined && grant.indexes.length > 0) {
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: grant.indexes.map((ix) => `${table.tableArn}/index/${ix}`) }));
      }
      KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
      if (grant.actions.some((a) => WRITE_ACTIONS.has(a))) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
    }
    // The wildcards under the data stack's buckets this role is granted, acknowledged once all are known.
    const wildcards: { objects: string; reason: string }[] = [];
    const materials = Object.entries(MATERIALS_ACCESS[name]) as [MaterialsArea, readonly string[]][];
    if (materials.length > 0) {
      if (props.materialsBucket.encryptionKey !== props.dataKey) throw new Error('the materials bucket must be encrypted with the data key (ApiStackProps.dataKey)');
      environment.MATERIALS_BUCKET = props.materialsBucket.bucketName;
      // The upload limit, for the functions that presign uploads.
      if (MATERIALS_ACCESS[name].uploads?.includes('s3:PutObject')) environment.MATERIALS_MAX_BYTES = String(MATERIALS_MAX_BYTES);
      const listed: string[] = [];
      for (const [area, actions] of materials) {
        const objectActions = actions.filter((a) => a !== 's3:ListBucket');
        const objects = props.materialsBucket.arnForObjects(`${MATERIALS_PREFIXES[area]}*`);
        role.addToPrincipalPolicy(new PolicyStatement({ actions: objectActions, resources: [objects] }));
        if (actions.includes('s3:ListBucket')) listed.push(`${MATERIALS_PREFIXES[area]}*`);
        if (objectActions.includes('s3:PutObject')) KEY_OBJECT_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
        if (objectActions.includes('s3:GetObject')) KEY_OBJECT_READ_ACTIONS.forEach((a) => keyActions.add(a));
        const reason = MATERIALS_WILDCARD_REASONS[name]?.[area];
        if (reason === undefined)
          throw new Error(`MATERIALS_ACCESS.${name}.${area}: say in MATERIALS_WILDCARD_REASONS why the ${name} function needs ${MATERIALS_PREFIXES[area]}*`);
        wildcards.push({ objects, reason });
      }
      // See MATERIALS_ACCESS: the whole bucket so that a missing key is a 404 (MATERIALS_LIST_ANY), or only under the areas.
      if (listed.length > 0) {
        role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['s3:ListBucket'],
            resources: [props.materialsBucket.bucketArn],
            ...(MATERIALS_LIST_ANY.includes(name) ? {} : { conditions: { StringLike: { 's3:prefix': listed.length === 1 ? listed[0]! : listed } } }),
          }),
        );
      }
    }
    if (name === ARCHIVE_FUNCTION) wildcards.push(this.grantArchiveWriting(role, props, environment));
    const calendar = CALENDAR_ACCESS[name];
    if (calendar.length > 0) {
      environment[tables.items.variable] = props.itemsTable.tableName;
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...calendar],
          resources: [props.itemsTable.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ITEMS_TABLE.calendarPartition] } },
        }),
      );
      KEY_READ_ACTIONS.forEach((a) => keyActions.add(a));
      if (calendar.includes('dynamodb:PutItem')) KEY_WRITE_ACTIONS.forEach((a) => keyActions.add(a));
    }
    const joint = JOINT_ACCESS[name];
    if (joint.length > 0) {
      if (options.joint === undefined) throw new Error(`JOINT_ACCESS.${name}: the ${name} function is built without the joint-handling state machine`);
      environment.JOINT_STATE_MACHINE_ARN = options.joint.stateMachine.stateMachineArn;
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...joint], resources: [options.joint.stateMachine.stateMachineArn] }));
      // The state machine is encrypted with its own key (JointHandling).
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...KEY_STATE_MACHINE_ACTIONS], resources: [options.joint.key.keyArn] }));
    }
    this.grantSealKeys(name, role, props);
    for (const [target, { invokers, variable }] of Object.entries(INVOKED_FUNCTIONS) as [InvokedFunctionName, (typeof INVOKED_FUNCTIONS)[InvokedFunctionName]][]) {
      if (!(invokers as readonly LambdaName[]).includes(name)) continue;
      const invoked = options.invokes?.[target];
      if (invoked === undefined) throw new Error(`INVOKED_FUNCTIONS.${target}: the ${name} function is built without the ${target} function`);
      environment[variable] = invoked.functionName;
      // The function itself (unqualified), not `:*`: it is invoked by name, never by version or alias.
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [invoked.functionArn] }));
    }
    if (wildcards.length > 0) this.acknowledgeResolvedWildcards(role.node.findChild('DefaultPolicy'), wildcards);
    Object.assign(environment, CONFIG_ENVIRONMENT[name]?.(props.config) ?? {});
    if (keyActions.size > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: [...keyActions], resources: [props.dataKey.keyArn] }));

    const fn = new NodejsFunction(this, `${id}Function`, {
      description: options.description,
      entry: functionEntry(name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize ?? 512,
      timeout: options.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment,
      bundling: LAMBDA_BUNDLING,
      ...(options.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: options.reservedConcurrentExecutions } : {}),
      ...(options.deadLetterQueue !== undefined ? { deadLetterQueue: options.deadLetterQueue } : {}),
    });
    // On the function resource itself, not on what may later be added under it (its async invoke config).
    Validations.of(fn.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime the design fixes and the code is tested for (it must also run on the Node 20 of the embedded runtime); moving to a newer Node runtime is a deliberate, tested upgrade, not an automatic one.',
    });
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so AWS requires Resource "*" for them. Every other statement of this policy names its table, index, key, log group, queue, function or bucket prefix.',
    });
    this.lambdas[name] = fn;
    return fn;
  }

  /**
   * The archive function's ARCHIVE_WRITER_ACCESS to the archive bucket and its key, and the bucket's
   * name (ARCHIVE_BUCKET); returns the `bundles/*` wildcard for its acknowledgement.
   */
  private grantArchiveWriting(role: Role, props: ApiStackProps, environment: Record<string, string>): { objects: string; reason: string } {
    if (props.archiveBucket.encryptionKey !== props.archiveKey) throw new Error('the archive bucket must be encrypted with the archive key (ApiStackProps.archiveKey)');
    environment[ARCHIVE_ENVIRONMENT.bucket] = props.archiveBucket.bucketName;
    const bundles = props.archiveBucket.arnForObjects(`${ARCHIVE_BUNDLES_PREFIX}*`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [...ARCHIVE_WRITER_ACCESS.bucket], resources: [props.archiveBucket.bucketArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [...ARCHIVE_WRITER_ACCESS.bundles], resources: [bundles] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...ARCHIVE_WRITER_ACCESS.key],
        resources: [props.archiveKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': this.s3ViaService() } },
      }),
    );
    return { objects: bundles, reason: ARCHIVE_WRITER_BUNDLES_WILDCARD_REASON };
  }

  /**
   * The function's SEAL_KEY_ACCESS on the seal keys — kms:Sign on the active keys, each with its own
   * signing algorithm; kms:GetPublicKey on every key — and its ARCHIVE_SEAL_KEY_ACCESS on the archive
   * seal key (kms:Sign with its algorithm, kms:GetPublicKey). Only a function the keys' policies name
   * may hold each (SEAL_FUNCTIONS, ARCHIVE_FUNCTION), or the grant would be refused by the keys themselves.
   */
  private grantSealKeys(name: LambdaName, role: Role, props: ApiStackProps): void {
    const { sealKeys } = props;
    const actions = SEAL_KEY_ACCESS[name];
    const archive = ARCHIVE_SEAL_KEY_ACCESS[name];
    if (actions.includes('kms:Sign')) {
      if (name !== SEAL_FUNCTIONS.signer) throw new Error(`SEAL_KEY_ACCESS.${name}: the seal keys let the ${SEAL_FUNCTIONS.signer} function alone sign`);
      const active = sealKeys.keys.filter((k) => k.active);
      for (const spec of new Set(active.map((k) => k.seal.keySpec))) {
        role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['kms:Sign'],
            resources: active.filter((k) => k.seal.keySpec === spec).map((k) => k.key.keyArn),
            conditions: { StringEquals: { 'kms:SigningAlgorithm': KMS_SIGNING_ALGORITHM_OF_SPEC[spec] } },
          }),
        );
      }
    }
    if (archive.includes('kms:Sign')) {
      if (name !== ARCHIVE_FUNCTION) throw new Error(`ARCHIVE_SEAL_KEY_ACCESS.${name}: the archive seal key lets the ${ARCHIVE_FUNCTION} function alone sign`);
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Sign'],
          resources: [props.archiveSealKey.keyArn],
          conditions: { StringEquals: { 'kms:SigningAlgorithm': KMS_SIGNING_ALGORITHM_OF_SPEC[props.archiveSealKeySpec] } },
        }),
      );
    }
    const publicKeys: string[] = [];
    if (actions.includes('kms:GetPublicKey')) {
      if (name !== SEAL_FUNCTIONS.publisher) throw new Error(`SEAL_KEY_ACCESS.${name}: the seal keys let the ${SEAL_FUNCTIONS.publisher} function alone read their public keys`);
      publicKeys.push(...sealKeys.keys.map((k) => k.key.keyArn));
    }
    if (archive.includes('kms:GetPublicKey')) {
      if (name !== SEAL_FUNCTIONS.publisher && name !== ARCHIVE_FUNCTION) {
        throw new Error(`ARCHIVE_SEAL_KEY_ACCESS.${name}: the archive seal key lets the ${ARCHIVE_FUNCTION} and ${SEAL_FUNCTIONS.publisher} functions alone read its public key`);
      }
      publicKeys.push(props.archiveSealKey.keyArn);
    }
    if (publicKeys.length > 0) role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:GetPublicKey'], resources: publicKeys }));
  }

  /**
   * The auditors' archive-reading policy (ARCHIVE_AUDITOR_ACCESS), attached to the role of every
   * `auditor` principal this stack creates; none when it creates no such role.
   */
  private archiveReadPolicy(props: ApiStackProps): Policy | undefined {
    const { config } = props;
    const auditors = config.principals.filter((p) => p.role === 'auditor' && this.principalRoles[p.name] !== undefined).map((p) => this.principalRoles[p.name]!);
    if (auditors.length === 0) return undefined;
    if (props.archiveBucket.encryptionKey !== props.archiveKey) throw new Error('the archive bucket must be encrypted with the archive key (ApiStackProps.archiveKey)');
    const bundles = props.archiveBucket.arnForObjects(`${ARCHIVE_BUNDLES_PREFIX}*`);
    const policy = new Policy(this, 'ArchiveRead', {
      policyName: `tongban-${config.stage}-archive-read`,
      roles: auditors,
      statements: [
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.bucket], resources: [props.archiveBucket.bucketArn] }),
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.bundles], resources: [bundles] }),
        new PolicyStatement({
          actions: [...ARCHIVE_AUDITOR_ACCESS.key],
          resources: [props.archiveKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': this.s3ViaService() } },
        }),
      ],
    });
    this.acknowledgeResolvedWildcards(policy, [{ objects: bundles, reason: ARCHIVE_BUNDLES_WILDCARD_REASON }]);
    return policy;
  }

  /**
   * Acknowledges cdk-nag's IAM5 finding for a wildcard under a bucket of the data stack (the
   * `uploads/*` and `cases/*` objects of the materials bucket, the `bundles/*` of the archive bucket)
   * on `policy`, each with its own reason, naming the resource as the template holds it. That is a
   * reference to an output of the data stack, which CDK only creates when it resolves cross-stack
   * references, after construction; so the acknowledgement is made in this stack's validation, which
   * runs after that and before the template is written and cdk-nag checks it, from the resolved value
   * itself. cdk-nag's aspect has already copied the acknowledgements into the template's metadata by
   * then (or found none to copy), so it is run again on this policy.
   */
  private acknowledgeResolvedWildcards(policy: IConstruct, wildcards: readonly { objects: string; reason: string }[]): void {
    const resource = policy.node.defaultChild as CfnResource;
    this.node.addValidation({
      validate: () => {
        for (const { objects, reason } of wildcards) {
          Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattenForNag(this.resolve(objects))}]`, reason });
        }
        new WriteNagSuppressionsToCloudFormationAspect().visit(resource);
        return [];
      },
    });
  }

  /** Public routes have no authorisation by design; IAM routes use SigV4 instead of Cognito. */
  private acknowledgeMethodAuthorization(method: Method, route: RouteSpec): void {
    if (route.auth === 'public') {
      const data = PUBLIC_ROUTE_DATA[route.operationId];
      if (data === undefined) throw new Error(`public route ${route.method} ${route.path} (${route.operationId}): say in PUBLIC_ROUTE_DATA what it reads and returns`);
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
        reason: `The * stands for the path parameter of ${route.method} ${route.path} (${[...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => `any ${m[1]!}`).join(', ')}), on this one API and stage; synth checks (assertNoWildcardOverreach) that it matches no route the ${principal.role} role may not call.`,
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
    const keyArnOf = (s: ConfiguredSeal) => props.sealKeys.keyOf(s.department, s.seal).keyArn;
    // The directory's archiveKey.alg follows config.sealKeySpec: the key must be of that spec.
    if (props.archiveSealKeySpec !== config.sealKeySpec)
      throw new Error(`the archive seal key is ${props.archiveSealKeySpec}, the configuration's sealKeySpec ${config.sealKeySpec}`);
    // Checked with stand-in ARNs of the roles (their names are fixed) and keys, then written with the
    // ARNs themselves so CloudFormation creates the roles first.
    DirectorySchema.parse(
      directoryFromConfig(
        config,
        (p) => standInRoleArn(config.stage, p.name),
        (s) => standInSealKeyArn(config.stage, s),
        standInArchiveSealKeyArn(config.stage),
      ),
    );
    const directory = directoryFromConfig(config, arnOf, keyArnOf, props.archiveSealKey.keyArn);
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
 * and the ARN of each seal key and of the archive seal key `key:<its alias>` (the stored `doc` has the
 * deployment's partition, account and key ids there, unknown at synth). The same configuration always
 * gives the same digest; any change of departments, channels, principals, seals or the archive key
 * (its algorithm) a different one.
 */
export function directoryDigest(directory: Directory, stage: string): string {
  const canonical: Directory = {
    ...directory,
    principals: directory.principals.map((p) =>
      Token.isUnresolved(p.arn) ? { ...p, arn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${principalRoleName(stage, p.name)}` } : p,
    ),
    ...(directory.seals !== undefined
      ? { seals: directory.seals.map((k) => (Token.isUnresolved(k.keyId) ? { ...k, keyId: `key:${sealAliasName(stage, k.department, k.seal)}` } : k)) }
      : {}),
    ...(directory.archiveKey !== undefined && Token.isUnresolved(directory.archiveKey.keyId)
      ? { archiveKey: { ...directory.archiveKey, keyId: `key:${archiveSealAliasName(stage)}` } }
      : {}),
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
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
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
