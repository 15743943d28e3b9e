// The data of one deployment: the customer-managed key, the DynamoDB tables (items, directory, events,
// cases) and the materials bucket it encrypts, the bucket that receives the materials and archive
// buckets' access logs, the directory record (infra/constructs/directory-record.ts; the departments'
// seal keys are the seal-key stacks': infra/stacks/seals-stack.ts), and the e-archive (电子档案): the archive
// bucket, its own key, and the archive seal key (infra/constructs/archive-keys.ts). Kept in its own
// stack so the API can be torn down and redeployed without touching the data; every resource here is
// retained when the stack is deleted, and the tables are deletion-protected.
//
// The archive bucket receives each ended case (decided, refused, withdrawn) once, as a BagIt bundle
// (one tar file) under `bundles/`, written by the archive function (ApiStack) with its own
// S3 Object Lock retention: COMPLIANCE mode, retain-until from the item's retention period, and a
// legal hold for permanent records. So the bucket has Object Lock on but no default retention. Its
// bucket policy denies deletes, lifecycle rules, bypassing governance retention and changing the
// Object Lock configuration to every principal: Compliance mode already refuses a delete before
// retain-until, the policy makes "never deleted" explicit, also once the retention has passed. It
// also denies writing over any of its objects (the bundles, anchor journals and statistics documents
// are each written once): a PutObject or CompleteMultipartUpload without `If-None-Match: *` is refused (bucket-policy keys
// s3:if-none-match and s3:ObjectCreationOperation; the parts of a multipart upload, which take no
// condition, pass), so a new version never lands over an archived one — the writers send it. And it
// denies s3:PutBucketPolicy and s3:DeleteBucketPolicy to every principal, so that no role of the
// account, CloudFormation's deployments included, can loosen it. S3 still lets the account's root
// user get, put and delete a bucket policy whatever it denies (only an SCP or a VPC endpoint policy
// could stop that): changing this policy is a root-user act. A deployment that changes it fails and
// rolls back (its PutBucketPolicy is refused), unless the root user has first put the current policy
// without the ARCHIVE_POLICY_LOCKED_SID statement; the deployment then puts the new one, lock
// included. (Created with the bucket, or added to a deployed one, the policy goes in: the deny takes
// effect once it is there.) The policy is retained with the bucket. The bucket's lifecycle rules
// (ARCHIVE_LIFECYCLE_RULES) expire nothing: one aborts unfinished multipart uploads (an archive
// function that died mid-upload leaves parts nobody completes), one moves each bundle to the cold
// storage class ARCHIVE_COLD_STORAGE_CLASS ARCHIVE_COLD_AFTER_DAYS days after it was written (a
// transition keeps the object, its version, its Object Lock retention and legal hold: only where its
// bytes rest changes). CloudFormation sets them with the bucket, before the policy exists, and from
// then on the policy's deny of s3:PutLifecycleConfiguration (the way S3 itself would expire objects)
// keeps anyone from adding a rule that would, or removing these. (A bucket deployed before a rule
// refuses it: the root user's policy procedure above applies, or the rule is left out there; the
// archive function also aborts each upload it fails.)
//
// Why Glacier Deep Archive, not Glacier Instant Retrieval (public us-east-1 prices): a bundle is kept
// ten years or more (RETENTION_YEARS: 10, 30, 100) and read by an auditor rarely, never by the
// platform after its check. Per GB-month Standard costs $0.023, Glacier Instant Retrieval $0.004 (90
// days' minimum, 128 KB minimum size, $0.03/GB to read), Deep Archive $0.00099 (180 days' minimum,
// 40 KB of index per object, 8 KB of it at the Standard price; a read needs a restore first:
// Standard tier within 12 hours at $0.02/GB, Bulk within 48 hours at $0.0025/GB). Ten years of a 2 MB
// bundle: $5.39 per 1,000 cases in Standard, $0.94 in Instant Retrieval, $0.23 in Deep Archive (the
// transition $0.05 per 1,000 objects, $0.02 for Instant Retrieval). An auditor's fetch of a bundle is
// planned, not urgent: `tongban audit fetch` asks for the restore and says when it will be ready
// (shared/cli/audit-command.ts), a few cents per GB. So Deep Archive, after ARCHIVE_COLD_AFTER_DAYS in
// Standard: the archive function reads each bundle back and checks it in the run that writes it, and
// a run that must read it again (Lambda's retries within hours, the sweep's daily retry, a
// dead-letter redrive within the queue's 14 days, a platform officer's retry) does so within that
// window; after it, a bundle is read only once restored. The anchor journals and statistics
// documents (small, read by every anchor and statistics check) stay in Standard: the rule takes
// `bundles/` alone. The replica (ReplicaStack) receives each object in Deep Archive at once
// (BucketReplication: the replication rule's storage class): it is read only to recover.
//
// With the web console configured (config `console`), the materials bucket takes the console's presigned
// uploads and downloads (CORS: PUT and GET from its origin alone, MATERIALS_CORS) and the archive bucket
// the auditors' signed reads and listings from the browser (GET and HEAD, ARCHIVE_CORS): what a request
// may do is still its signature's and IAM's decision; CORS only lets the console's page read the answer.
//
// The operations trail (infra/constructs/operations-trail.ts) records every management event and the
// archive bucket's object-level operations into a bucket of its own, under COMPLIANCE Object Lock.
//
// Operations: the alarm topic `tongban-<stage>-alarms` (infra/constructs/alarm-topic.ts; the
// configured `alarmEmails` subscribed) that every alarm of every stack notifies, the key guard
// (infra/constructs/key-guard.ts: an attempt to disable a KMS key or delete it, to the topic), and the
// alarms on what this stack holds: throttled requests of each table, the account's KMS request rate
// (infra/constructs/platform-alarms.ts). The topic holds no data: it is not retained (its key is).
// Backup and the second region: AWS Backup keeps a daily backup of every table, in a locked vault
// here and in a copy in the replica region (infra/constructs/table-backup.ts); the archive bucket
// and the materials' `cases/` replicate to the replica stack's buckets
// (infra/constructs/bucket-replication.ts, infra/stacks/replica-stack.ts). Every key of this stack
// carries the key guard: only the break-glass role may schedule its deletion or disable it
// (infra/constructs/key-policy.ts).
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import type { CorsRule, IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { DataResources } from '../constructs/tongban-function.ts';
import type { Construct } from 'constructs';
import { CASES_TABLE, DIRECTORY_TABLE, EVENTS_TABLE, FEEDBACK_TABLE, ITEMS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import { CASE_EVENT_BUS_SOURCE } from '../../shared/contracts/case-events.ts';
import { FEEDBACK_EVENT_BUS_SOURCE } from '../../shared/contracts/feedback-events.ts';
import { PLATFORM_EVENT_BUS_SOURCES } from '../../shared/contracts/platform-events.ts';
import type { BrowserCors } from '../../shared/adapters/bucket-layout.ts';
import { ARCHIVE_BROWSER_CORS, MATERIALS_BROWSER_CORS, MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import type { IndexLayout } from '../../shared/adapters/table-layout.ts';
import type { SealKeySpecName, TongbanConfig } from '../config.ts';
import { ARCHIVE_SEAL_SIGNERS, DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_BREAK_GLASS_ROLE_NAME, DEFAULT_SEAL_KEY_SPEC, SEAL_KEY_PUBLISHERS, functionRoleName } from '../config.ts';
import { consoleOrigin } from '../console-config.ts';
import { ARCHIVE_BUNDLES_PREFIX } from '../archive-access.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { ArchiveSealKey } from '../constructs/archive-keys.ts';
import { platformKey } from '../constructs/platform-key.ts';
import { roleArnNamed } from '../role-arns.ts';
import { logsKey } from '../constructs/logs-key.ts';
import { writeDirectory } from '../constructs/directory-record.ts';
import { KeyGuard } from '../constructs/key-guard.ts';
import { notifyAlarms, platformAlarmName } from '../constructs/occurrence-alarm.ts';
import { kmsQuotaAlarms, tableThrottlesAlarm } from '../constructs/platform-alarms.ts';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { BucketReplication } from '../constructs/bucket-replication.ts';
import { guardKeys } from '../constructs/key-policy.ts';
import { TableBackup } from '../constructs/table-backup.ts';
import { INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS, OperationsTrail } from '../constructs/operations-trail.ts';

export interface DataStackProps extends StackProps {
  stage: string;
  /** Days the access logs bucket keeps the materials bucket's server access logs (config.logRetentionDays). */
  logRetentionDays: number;
  /** The configuration: the directory record holds its departments, channels and principals. */
  config: TongbanConfig;
  /** The key spec of the archive seal key (config.sealKeySpec); unset, ECC_NIST_P256. */
  sealKeySpec?: SealKeySpecName;
  /** config.alarmEmails: subscribed to the alarm topic. */
  alarmEmails: readonly string[];
  /** config.replicaRegion: where the buckets replicate and the table backups are copied. */
  replicaRegion: string;
  /** config.backupRetentionDays: days each daily backup of the tables is kept (and the vault lock's minimum); unset, DEFAULT_BACKUP_RETENTION_DAYS. */
  backupRetentionDays?: number;
  /** config.breakGlassRoleName: the only role that may delete or disable this stack's keys; unset, DEFAULT_BREAK_GLASS_ROLE_NAME. */
  breakGlassRoleName?: string;
}

/** Days the case event bus's archive keeps every event, for a replay (EventBridge's StartReplay). */
export const CASE_EVENT_ARCHIVE_DAYS = 365;

/** The oldest TLS version every bucket accepts (bucket policy condition s3:TlsVersion). */
export const MIN_TLS_VERSION = 1.2;

/** The key prefix of the materials bucket's server access logs in the access logs bucket. */
export const MATERIALS_ACCESS_LOGS_PREFIX = 'materials/';

/** The key prefix of the archive bucket's server access logs in the access logs bucket. */
export const ARCHIVE_ACCESS_LOGS_PREFIX = 'archive/';

/** Where the archive bucket keeps the bundles (`bundles/…`) and the anchor journals (`anchors/…`): the prefixes the auditors may read (infra/archive-access.ts). */
export { ARCHIVE_ANCHORS_PREFIX, ARCHIVE_BUNDLES_PREFIX } from '../archive-access.ts';

/**
 * What the archive bucket's policy denies to every principal, on the bucket and every object in it:
 * deleting an object or a version, lifecycle rules (which could expire them), bypassing governance
 * retention, changing the Object Lock configuration.
 */
export const ARCHIVE_DENIED_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutLifecycleConfiguration',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
] as const;

/** The Sid of that statement. */
export const ARCHIVE_NEVER_DELETED_SID = 'ArchiveRecordsAreNeverDeleted';

/** The storage class each bundle moves to (the archive bucket's lifecycle rule; the replica's replication rule): why Deep Archive, in this file's header. */
export const ARCHIVE_COLD_STORAGE_CLASS = StorageClass.DEEP_ARCHIVE;

/** Days a bundle stays in S3 Standard after it is written before it moves to ARCHIVE_COLD_STORAGE_CLASS: the window in which a rerun of its archiving reads it back without a restore. */
export const ARCHIVE_COLD_AFTER_DAYS = 30;

/**
 * The archive bucket's lifecycle rules, set with the bucket, before its policy denies
 * s3:PutLifecycleConfiguration to everyone (so nobody adds or removes one after): none expires
 * anything. Unfinished multipart uploads are aborted; bundles move to the cold storage class.
 */
export const ARCHIVE_LIFECYCLE_RULES: readonly LifecycleRule[] = [
  { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS) },
  {
    id: 'bundles-to-deep-archive',
    prefix: ARCHIVE_BUNDLES_PREFIX,
    transitions: [{ storageClass: ARCHIVE_COLD_STORAGE_CLASS, transitionAfter: Duration.days(ARCHIVE_COLD_AFTER_DAYS) }],
  },
];

/**
 * The rules that remove a case's working copies under `cases/` once the archive function has deleted
 * them (its bundle written and checked): the versions the delete markers hide after
 * MATERIALS_BUCKET.archivedCaseFileVersionDays, then the markers left alone. The materials bucket's,
 * and its replica's (delete markers replicate there: BucketReplication).
 */
export const ARCHIVED_CASE_FILE_RULES: readonly LifecycleRule[] = [
  {
    id: 'expire-archived-case-files',
    prefix: MATERIALS_BUCKET.casesPrefix,
    noncurrentVersionExpiration: Duration.days(MATERIALS_BUCKET.archivedCaseFileVersionDays),
  },
  { id: 'remove-archived-case-file-markers', prefix: MATERIALS_BUCKET.casesPrefix, expiredObjectDeleteMarker: true },
];

/** The archive bucket's policy statement (also its replica's, ReplicaStack): ARCHIVE_DENIED_ACTIONS to every principal, on `bucket` and every object in it. */
export function archiveNeverDeleted(bucket: IBucket): PolicyStatement {
  return new PolicyStatement({
    sid: ARCHIVE_NEVER_DELETED_SID,
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: [...ARCHIVE_DENIED_ACTIONS],
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
  });
}

/** What the archive bucket's policy denies to every principal so that nobody but the account's root user can change or remove it. */
export const ARCHIVE_POLICY_LOCK_ACTIONS = ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] as const;

/** The Sid of that statement. */
export const ARCHIVE_POLICY_LOCKED_SID = 'ArchivePolicyIsChangedByRootAlone';

/** The Sid of the statement refusing a write without `If-None-Match: *` (every archived object is written once). */
export const ARCHIVE_WRITTEN_ONCE_SID = 'ArchiveObjectsAreWrittenOnce';

/** A bucket's CORS rule for the console's origin (without it), from the one the embedded platform sets too. */
function corsRule(id: string, rule: BrowserCors): Omit<CorsRule, 'allowedOrigins'> {
  return { id, allowedMethods: rule.methods.map((m) => m as HttpMethods), allowedHeaders: [...rule.headers], exposedHeaders: [...rule.exposedHeaders], maxAge: rule.maxAgeSeconds };
}

/** The materials bucket's: the presigned PUT of an upload slot and the presigned GET of a material (MATERIALS_BROWSER_CORS). */
export const MATERIALS_CORS = corsRule('console-presigned-uploads-and-downloads', MATERIALS_BROWSER_CORS);

/** The archive bucket's: an auditor's signed reads and listings (ARCHIVE_BROWSER_CORS). */
export const ARCHIVE_CORS = corsRule('console-auditor-reads', ARCHIVE_BROWSER_CORS);

export class DataStack extends Stack {
  /** Encrypts the tables and the materials bucket. */
  readonly dataKey: Key;
  /** Service items: every version, the head, and the listing indexes (see table-layout.ts). */
  readonly itemsTable: Table;
  /** The directory: one record holding departments, channels and principals. */
  readonly directoryTable: Table;
  /** Cases: every history entry, the idempotency records of filings and actions, the head and its indexes (see table-layout.ts). */
  readonly casesTable: Table;
  /**
   * Case events routed to their audience and the webhook deliveries (see table-layout.ts): the feed
   * and the delivered markers expire by TTL (`expiresAt`).
   */
  readonly eventsTable: Table;
  /** Electronic supervision's findings, each with its hash-chained history (see table-layout.ts). */
  readonly supervisionTable: Table;
  /** Statistics kept from the case events (see table-layout.ts): derived, recomputable from the case records. */
  readonly statisticsTable: Table;
  /** The public's voice: 好差评 evaluations and tickets, each with its hash-chained history (see table-layout.ts). */
  readonly feedbackTable: Table;
  /**
   * Application materials (see bucket-layout.ts): uploads by presigned PUT under `uploads/`, copied
   * under `cases/` when a case is filed, deleted from there once the case is archived (the bundle is
   * the record; the hidden versions expire after days). SSE-KMS with the data key, TLS only, versioned.
   */
  readonly materialsBucket: Bucket;
  /** Receives the materials and archive buckets' server access logs (SSE-S3: S3 cannot deliver them to SSE-KMS). */
  readonly accessLogsBucket: Bucket;
  /** Encrypts the archive bucket, and nothing else. */
  readonly archiveKey: Key;
  /** Encrypts every log group of every stack (infra/constructs/logs-key.ts). */
  readonly logsKey: Key;
  /**
   * The e-archive: one BagIt bundle per ended case under `bundles/`, written once, each with its own
   * Object Lock retention (COMPLIANCE). SSE-KMS with the archive key, TLS only, versioned, never
   * deleted (bucket policy); its lifecycle rules (ARCHIVE_LIFECYCLE_RULES) abort unfinished multipart
   * uploads and move bundles to Deep Archive after ARCHIVE_COLD_AFTER_DAYS, and expire nothing.
   */
  readonly archiveBucket: Bucket;
  /** The operations trail: every management event and the archive bucket's data events, into its own locked bucket. */
  readonly operationsTrail: OperationsTrail;
  /** Seals each bundle's tag manifest and the anchor journals: only ARCHIVE_SEAL_SIGNERS sign, only the seals function (it publishes it) and the archive function (it puts it into each bundle) read the public key. */
  readonly archiveSealKey: Key;
  /** The archive seal key's spec (props.sealKeySpec): its signing algorithm, and the directory's `archiveKey.alg`. */
  readonly archiveSealKeySpec: SealKeySpecName;
  /** The daily backup of every table, its locked vault and the copy into the replica region's vault. */
  readonly tableBackup: TableBackup;
  /** The archive bucket's and the materials' cases/ replication into the replica stack's buckets. */
  readonly replication: BucketReplication;

  /**
   * The platform's case event bus (tongban-<stage>-cases): the relay puts every case event on it (the
   * cases table's stream); its archive keeps them CASE_EVENT_ARCHIVE_DAYS for a replay. Encrypted with
   * the data key, retained with the data.
   */
  readonly caseEventBus: EventBus;

  /** The alarm topic (tongban-<stage>-alarms, SSE-KMS with a key of its own, TLS only): every alarm of every stack notifies it. */
  readonly alarmTopic: Topic;
  /** This stack's alarms, by construct id: each table's throttles, the KMS request rates. */
  readonly alarms: Record<string, Alarm>;
  /** Their names (plain strings, so the API stack's dashboard shows them without a cross-stack reference each). */
  readonly alarmNames: readonly string[];

  /** What the functions of the API stack are granted on (the interfaces of this stack's resources). */
  dataResources(): DataResources {
    return {
      itemsTable: asITable(this.itemsTable),
      directoryTable: asITable(this.directoryTable),
      casesTable: asITable(this.casesTable),
      eventsTable: asITable(this.eventsTable),
      supervisionTable: asITable(this.supervisionTable),
      statisticsTable: asITable(this.statisticsTable),
      feedbackTable: asITable(this.feedbackTable),
      dataKey: this.dataKey,
      materialsBucket: asIBucket(this.materialsBucket),
      archiveBucket: asIBucket(this.archiveBucket),
      archiveKey: this.archiveKey,
      archiveSealKey: this.archiveSealKey,
      archiveSealKeySpec: this.archiveSealKeySpec,
      caseEventBus: this.caseEventBus as IEventBus,
      alarmTopic: this.alarmTopic,
      dataAlarmNames: this.alarmNames,
    };
  }

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.dataKey = platformKey(this, 'DataKey', {
      alias: `alias/tongban-${props.stage}-data`,
      description: `Tongban ${props.stage}: encryption at rest of the DynamoDB tables and the materials bucket`,
    });

    this.logsKey = logsKey(this, props.stage);

    const tableDefaults = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    /** A table keyed and indexed as its layout says (string keys, every attribute projected unless the index holds its keys alone). */
    const indexedTable = (
      id: string,
      layout: { partitionKey: string; sortKey: string; ttlAttribute?: string; indexes: Record<string, IndexLayout> },
      stream?: StreamViewType,
    ): Table => {
      const table = new Table(this, id, {
        ...tableDefaults,
        ...(stream ? { stream } : {}),
        ...(layout.ttlAttribute !== undefined ? { timeToLiveAttribute: layout.ttlAttribute } : {}),
        partitionKey: { name: layout.partitionKey, type: AttributeType.STRING },
        sortKey: { name: layout.sortKey, type: AttributeType.STRING },
      });
      for (const index of Object.values(layout.indexes)) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          projectionType: index.projection === 'keys-only' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
        });
      }
      return table;
    };

    this.itemsTable = indexedTable('ItemsTable', ITEMS_TABLE);
    // Its stream hands every new history entry (its event: the outbox) to the relay.
    this.casesTable = indexedTable('CasesTable', CASES_TABLE, StreamViewType.NEW_IMAGE);

    this.eventsTable = indexedTable('EventsTable', EVENTS_TABLE);
    this.supervisionTable = indexedTable('SupervisionTable', SUPERVISION_TABLE);
    this.statisticsTable = indexedTable('StatisticsTable', STATISTICS_TABLE);
    // Its stream hands every new history entry of an evaluation or a ticket (its event: the outbox) to the feedback relay.
    this.feedbackTable = indexedTable('FeedbackTable', FEEDBACK_TABLE, StreamViewType.NEW_IMAGE);

    this.caseEventBus = new EventBus(this, 'CaseEventBus', {
      eventBusName: `tongban-${props.stage}-cases`,
      description: `Tongban ${props.stage}: every case history entry as a CloudEvent (source ${CASE_EVENT_BUS_SOURCE}), published by the relay, and every evaluation and ticket history entry (source ${FEEDBACK_EVENT_BUS_SOURCE}), by the feedback relay`,
      kmsKey: this.dataKey,
    });
    this.caseEventBus.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // An Archive of its own (EventBus.archive() does not pass its key on), on the bus named by an ARN
    // built from its name: the data key's policy names the bus, so it must not refer to the bus resource.
    const busByName = EventBus.fromEventBusArn(
      this,
      'CaseEventBusByName',
      this.formatArn({ service: 'events', resource: 'event-bus', resourceName: `tongban-${props.stage}-cases`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    );
    const archive = new Archive(this, 'CaseEventArchive', {
      sourceEventBus: busByName,
      archiveName: `tongban-${props.stage}-case-events`,
      description: `Tongban ${props.stage}: every case, evaluation and ticket event, ${CASE_EVENT_ARCHIVE_DAYS} days, for a replay`,
      eventPattern: { source: [...PLATFORM_EVENT_BUS_SOURCES] },
      retention: Duration.days(CASE_EVENT_ARCHIVE_DAYS),
      kmsKey: this.dataKey,
    });
    archive.node.addDependency(this.caseEventBus);

    this.directoryTable = new Table(this, 'DirectoryTable', {
      ...tableDefaults,
      partitionKey: { name: DIRECTORY_TABLE.partitionKey, type: AttributeType.STRING },
    });

    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogsBucket', props.logRetentionDays);

    this.materialsBucket = new Bucket(this, 'MaterialsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: MIN_TLS_VERSION,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Materials are evidence: an overwrite or a delete keeps the earlier version.
      versioned: true,
      serverAccessLogsBucket: asIBucket(this.accessLogsBucket),
      serverAccessLogsPrefix: MATERIALS_ACCESS_LOGS_PREFIX,
      lifecycleRules: [
        {
          // An upload no case has taken up (a filed case copies its materials under cases/).
          id: 'expire-unreferenced-uploads',
          prefix: MATERIALS_BUCKET.uploadsPrefix,
          expiration: Duration.days(MATERIALS_BUCKET.unreferencedUploadExpiryDays),
          noncurrentVersionExpiration: Duration.days(MATERIALS_BUCKET.unreferencedNoncurrentVersionExpiryDays),
        },
        {
          // An expired upload leaves a delete marker in a versioned bucket: remove it once alone.
          id: 'remove-expired-upload-markers',
          prefix: MATERIALS_BUCKET.uploadsPrefix,
          expiredObjectDeleteMarker: true,
        },
        // A case's working copies, once its bundle is the record (deleted by the archive function).
        ...ARCHIVED_CASE_FILE_RULES,
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(MATERIALS_BUCKET.incompleteMultipartUploadAbortDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The roles the key policies name live in the API stack, under fixed names.
    const roleArn = (fn: string) => roleArnNamed(this, functionRoleName(props.stage, fn));
    // The e-archive ------------------------------------------------------------------------------
    this.archiveKey = platformKey(this, 'ArchiveKey', {
      alias: `alias/tongban-${props.stage}-archive`,
      description: `Tongban ${props.stage}: encryption at rest of the archive bucket (the archived case bundles)`,
    });
    this.archiveBucket = new Bucket(this, 'ArchiveBucket', {
      // Each bundle sets its own retention (COMPLIANCE, retain-until from its item's retention
      // period; a legal hold for permanent records): Object Lock on, no default retention.
      objectLockEnabled: true,
      // Object Lock requires versioning.
      versioned: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.archiveKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: MIN_TLS_VERSION,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: asIBucket(this.accessLogsBucket),
      serverAccessLogsPrefix: ARCHIVE_ACCESS_LOGS_PREFIX,
      // Nothing archived ever expires: the rules abort unfinished multipart uploads and move bundles to
      // the cold class, set with the bucket, before its policy denies s3:PutLifecycleConfiguration to everyone.
      lifecycleRules: [...ARCHIVE_LIFECYCLE_RULES],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.archiveBucket.addToResourcePolicy(archiveNeverDeleted(asIBucket(this.archiveBucket)));
    this.archiveBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: ARCHIVE_POLICY_LOCKED_SID,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...ARCHIVE_POLICY_LOCK_ACTIONS],
        resources: [this.archiveBucket.bucketArn],
      }),
    );
    this.archiveBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: ARCHIVE_WRITTEN_ONCE_SID,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.archiveBucket.arnForObjects('*')],
        // A request that creates the object (PutObject, CompleteMultipartUpload) without If-None-Match.
        conditions: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
      }),
    );
    // Deleting the stack leaves the policy in place (and could not remove it: the policy denies that).
    this.archiveBucket.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);

    if (props.config.console !== undefined) {
      const allowedOrigins = [consoleOrigin(props.config.console)];
      this.materialsBucket.addCorsRule({ ...MATERIALS_CORS, allowedOrigins });
      this.archiveBucket.addCorsRule({ ...ARCHIVE_CORS, allowedOrigins });
    }

    this.operationsTrail = new OperationsTrail(this, 'OperationsTrail', {
      stage: props.stage,
      retentionDays: props.logRetentionDays,
      dataEventsBucket: asIBucket(this.archiveBucket),
      accessLogsBucket: asIBucket(this.accessLogsBucket),
      minimumTlsVersion: MIN_TLS_VERSION,
    });
    const archiveSeal = new ArchiveSealKey(this, 'ArchiveSeal', {
      stage: props.stage,
      keySpec: props.sealKeySpec ?? DEFAULT_SEAL_KEY_SPEC,
      signerRoleArns: ARCHIVE_SEAL_SIGNERS.map(roleArn),
      publisherRoleArns: SEAL_KEY_PUBLISHERS.map(roleArn),
    });
    this.archiveSealKey = archiveSeal.key;
    this.archiveSealKeySpec = archiveSeal.keySpec;

    // The directory record: departments, channels, principals, the archive key (the seal-key stacks write the seals).
    writeDirectory(this, {
      config: props.config,
      retention: props.logRetentionDays,
      directoryTable: asITable(this.directoryTable),
      dataKey: this.dataKey,
      archiveSealKey: this.archiveSealKey,
      archiveSealKeySpec: this.archiveSealKeySpec,
    });
    // Operations -----------------------------------------------------------------------------------
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { stage: props.stage, emails: props.alarmEmails }).topic;
    new KeyGuard(this, 'KeyGuard', { stage: props.stage, topic: this.alarmTopic });
    const tables: Record<string, Table> = {
      ItemsTable: this.itemsTable,
      DirectoryTable: this.directoryTable,
      CasesTable: this.casesTable,
      EventsTable: this.eventsTable,
      SupervisionTable: this.supervisionTable,
      StatisticsTable: this.statisticsTable,
      FeedbackTable: this.feedbackTable,
    };
    this.alarms = Object.fromEntries([
      ...Object.entries(tables).map(([id, table]) => {
        const alarm = tableThrottlesAlarm(this, props.stage, id, asITable(table));
        return [alarm.node.id, alarm] as const;
      }),
      ...kmsQuotaAlarms(this, props.stage).map((alarm) => [alarm.node.id, alarm] as const),
    ]);
    this.alarmNames = Object.keys(this.alarms).map((id) => platformAlarmName(props.stage, id));
    notifyAlarms(this, this.alarmTopic);
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'The alarm topic: every alarm and the key guard notify it' });
    // Backup and the second region ---------------------------------------------------------------
    if (!Token.isUnresolved(this.region) && this.region === props.replicaRegion) {
      throw new Error(
        `replicaRegion ${props.replicaRegion} is the region of the data stack itself: choose another region, so that the replicas and backup copies survive the loss of this one`,
      );
    }
    this.tableBackup = new TableBackup(this, 'TableBackup', {
      stage: props.stage,
      tables: [this.itemsTable, this.directoryTable, this.casesTable, this.eventsTable, this.supervisionTable, this.statisticsTable, this.feedbackTable].map(asITable),
      tableKey: this.dataKey,
      retentionDays: props.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS,
      replicaRegion: props.replicaRegion,
    });
    this.replication = new BucketReplication(this, 'Replication', {
      stage: props.stage,
      replicaRegion: props.replicaRegion,
      buckets: [
        {
          name: 'archive',
          bucket: this.archiveBucket,
          key: this.archiveKey,
          objectLock: true,
          storageClass: ARCHIVE_COLD_STORAGE_CLASS,
          deletes: false,
          wildcardReason:
            'Replication reads every object of the archive bucket (bundles, anchor journals, statistics documents) under keys only the archive, anchoring and publication functions make; the role reads each version, its tags, retention and legal hold for replication alone, and writes nothing here',
        },
        {
          name: 'materials',
          bucket: this.materialsBucket,
          key: this.dataKey,
          objectLock: false,
          prefix: MATERIALS_BUCKET.casesPrefix,
          storageClass: StorageClass.INFREQUENT_ACCESS,
          // The archive function's deletes of an archived case's working copies: the replica drops them too.
          deletes: true,
          wildcardReason:
            'Replication reads the materials of filed cases under cases/, keyed by case numbers issued at filing; the role reads each version and its tags for replication alone (uploads/, which expire, are not replicated), and writes nothing here',
        },
      ],
    });
    // Every key of this stack, the seal keys and the backup vault's included.
    guardKeys(this, props.breakGlassRoleName ?? DEFAULT_BREAK_GLASS_ROLE_NAME);

    new CfnOutput(this, 'ItemsTableName', { value: this.itemsTable.tableName });
    new CfnOutput(this, 'DirectoryTableName', { value: this.directoryTable.tableName });
    new CfnOutput(this, 'CasesTableName', { value: this.casesTable.tableName });
    new CfnOutput(this, 'EventsTableName', { value: this.eventsTable.tableName });
    new CfnOutput(this, 'SupervisionTableName', { value: this.supervisionTable.tableName });
    new CfnOutput(this, 'StatisticsTableName', { value: this.statisticsTable.tableName });
    new CfnOutput(this, 'FeedbackTableName', { value: this.feedbackTable.tableName });
    new CfnOutput(this, 'MaterialsBucketName', { value: this.materialsBucket.bucketName });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
    new CfnOutput(this, 'ArchiveBucketName', {
      value: this.archiveBucket.bucketName,
      description: 'The e-archive: one BagIt bundle per ended case under bundles/, Object Lock (COMPLIANCE) per bundle',
    });
    new CfnOutput(this, 'BackupVaultName', {
      value: this.tableBackup.vault.vault.backupVaultName,
      description: `The tables' daily backups (locked, kept ${props.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS} days); their copies: vault ${this.tableBackup.replicaVault.backupVaultName} in ${props.replicaRegion}`,
    });
    new CfnOutput(this, 'ArchiveReplicaBucketName', { value: this.replication.destinations.archive, description: `The archive bucket's replica in ${props.replicaRegion}` });
    new CfnOutput(this, 'MaterialsReplicaBucketName', { value: this.replication.destinations.materials, description: `The materials' cases/ replica in ${props.replicaRegion}` });
    new CfnOutput(this, 'ArchiveSealKeyArn', {
      value: this.archiveSealKey.keyArn,
      description: "The archive seal key, which seals each bundle's tag manifest (its public key is in every bundle)",
    });
  }
}

/**
 * A bucket receiving the server access logs of the buckets of its stack (the data stack's, the replica
 * stack's, the console stack's), keeping them `logRetentionDays` (config.logRetentionDays), retained;
 * SSE-S3, since S3 cannot deliver access logs to an SSE-KMS bucket. Named `bucketName` if given.
 * `cloudFrontLogs`: it also receives a CloudFront distribution's standard logs, which CloudFront writes
 * with an ACL granting the bucket owner control, so its object ownership is BUCKET_OWNER_PREFERRED
 * (the owner still owns every object so written) instead of BUCKET_OWNER_ENFORCED, which refuses ACLs.
 */
export function accessLogsBucket(scope: Construct, id: string, logRetentionDays: number, options: { bucketName?: string; cloudFrontLogs?: boolean } = {}): Bucket {
  const bucket = new Bucket(scope, id, {
    ...(options.bucketName !== undefined ? { bucketName: options.bucketName } : {}),
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: MIN_TLS_VERSION,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: options.cloudFrontLogs === true ? ObjectOwnership.BUCKET_OWNER_PREFERRED : ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Versioned, so an overwrite or a delete of a log within its retention keeps the earlier version.
    versioned: true,
    lifecycleRules: [
      { id: 'expire-access-logs', expiration: Duration.days(logRetentionDays), noncurrentVersionExpiration: Duration.days(logRetentionDays) },
      { id: 'remove-expired-log-markers', expiredObjectDeleteMarker: true },
      { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket.node.findChild('Resource')).acknowledge(
    {
      id: 'AwsSolutions-S1',
      reason:
        'This is the access logs bucket itself: it receives the server access logs of the buckets of its stack. Logging its own access into itself would log every log delivery, and a further log bucket would need one in turn; S3 (and, for a distribution, CloudFront) writes here only through its logging service, and it is TLS only with public access blocked.',
    },
    {
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        'S3 delivers server access logs only to a bucket encrypted with SSE-S3 (AES-256, keys managed by S3), not SSE-KMS; the logs hold request metadata (who, which key, when), no object content.',
    },
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        "Access logs are kept here for the log retention (at least 365 days) as an operational record of requests; the lasting record of who did what to the archive and the keys is the CloudTrail trail's, in its own Object Lock bucket. A second-region copy of request logs would add cost without restoring anything the platform needs.",
    },
  );
  return bucket;
}

/*
 * aws-cdk-lib is declared without exactOptionalPropertyTypes: its classes' optional members read
 * `T | undefined` where their own interfaces say `T`, so the compiler does not take a `Table` for the
 * `ITable` it implements, nor a `Bucket` for an `IBucket`. These two views say so, once.
 */
function asITable(table: Table): ITable {
  return table as ITable;
}
function asIBucket(bucket: Bucket): IBucket {
  return bucket as IBucket;
}
