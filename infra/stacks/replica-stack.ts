// The second region of one deployment (`Tongban-<stage>-Replica`, deployed to config.replicaRegion,
// its account the deploying one): what the data stack's region must not be the only holder of.
// - the archive replica: Object Lock on (each replicated bundle keeps its COMPLIANCE retention and
//   legal hold), versioned, the archive bucket's own policy (nothing is ever deleted), no lifecycle;
//   every object arrives in Glacier Deep Archive (the replication rule's storage class: DataStack);
// - the materials replica: versioned, receives the materials bucket's `cases/` and the delete markers
//   the archive function puts over an archived case's working copies; its lifecycle rules expire the
//   versions they hide, as the source's do (ARCHIVED_CASE_FILE_RULES);
// - each with a KMS key of its own made in this region (aliases `alias/tongban-<stage>-archive-replica`,
//   `…-materials-replica`: the data stack names them so), rotated;
// - the vault `tongban-<stage>-backup-replica` receiving the copies of the tables' daily backups
//   (infra/constructs/table-backup.ts), with its key and its lock;
// - a bucket for the two replicas' access logs (SSE-S3, kept config.logRetentionDays).
// Everything is retained on delete, and every key carries the key guard (key-policy.ts). The
// buckets' names are deterministic (config.ts: replicaBucketName), since the data stack, in another
// region, names them as its replication destinations: it deploys after this stack.
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { replicaBucketName, replicaKeyAliasName } from '../config.ts';
import { guardKeys } from '../constructs/key-policy.ts';
import { LockedVault } from '../constructs/table-backup.ts';
import { ARCHIVED_CASE_FILE_RULES, ARCHIVE_ACCESS_LOGS_PREFIX, MATERIALS_ACCESS_LOGS_PREFIX, MIN_TLS_VERSION, accessLogsBucket, archiveNeverDeleted } from './data-stack.ts';
import { platformKey } from '../constructs/platform-key.ts';

export interface ReplicaStackProps extends StackProps {
  stage: string;
  /** Where it deploys (config.replicaRegion); its account is the deploying one, unresolved at synth. */
  replicaRegion: string;
  /** Days the access logs bucket keeps the replicas' server access logs (config.logRetentionDays). */
  logRetentionDays: number;
  /** config.backupRetentionDays: the replica vault lock's minimum retention. */
  backupRetentionDays: number;
  /** config.breakGlassRoleName: the only role that may delete or disable this stack's keys. */
  breakGlassRoleName: string;
}

export class ReplicaStack extends Stack {
  readonly archiveReplicaKey: Key;
  readonly archiveReplica: Bucket;
  readonly materialsReplicaKey: Key;
  readonly materialsReplica: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly backupVault: LockedVault;

  constructor(scope: Construct, id: string, props: ReplicaStackProps) {
    super(scope, id, { ...props, env: { region: props.replicaRegion } });
    const name = (bucket: 'archive' | 'materials' | 'logs') => replicaBucketName(props.stage, bucket, this.account, props.replicaRegion);
    const recordBucket = {
      versioned: true,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: MIN_TLS_VERSION,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    const replicaKey = (what: 'archive' | 'materials') =>
      platformKey(this, `${what === 'archive' ? 'Archive' : 'Materials'}ReplicaKey`, {
        alias: replicaKeyAliasName(props.stage, what),
        description: `Tongban ${props.stage}: encryption at rest of the ${what} bucket's replica`,
      });

    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogsBucket', props.logRetentionDays, { bucketName: name('logs') });
    const logs = this.accessLogsBucket as IBucket;

    this.archiveReplicaKey = replicaKey('archive');
    this.archiveReplica = new Bucket(this, 'ArchiveReplica', {
      ...recordBucket,
      bucketName: name('archive'),
      // Each replica keeps its bundle's retention and legal hold, replicated with it.
      objectLockEnabled: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.archiveReplicaKey,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: ARCHIVE_ACCESS_LOGS_PREFIX,
      // No lifecycle rule: nothing archived ever expires.
    });
    this.archiveReplica.addToResourcePolicy(archiveNeverDeleted(this.archiveReplica as IBucket));
    // The policy that says "never deleted" outlives the stack, as the bucket does.
    this.archiveReplica.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.materialsReplicaKey = replicaKey('materials');
    this.materialsReplica = new Bucket(this, 'MaterialsReplica', {
      ...recordBucket,
      bucketName: name('materials'),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.materialsReplicaKey,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: MATERIALS_ACCESS_LOGS_PREFIX,
      lifecycleRules: [...ARCHIVED_CASE_FILE_RULES],
    });

    this.backupVault = new LockedVault(this, 'Backup', { stage: props.stage, replica: true, retentionDays: props.backupRetentionDays });

    for (const replica of [this.archiveReplica, this.materialsReplica]) {
      Validations.of(replica.node.defaultChild!).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          "This bucket is itself the replica: the second region's copy of a bucket of the data stack, which replicates into it. A third copy would need a third region, beyond the platform's recovery design (the primary region's bucket and this replica, each with its own keys, Object Lock and deny-deletes policy where the records are the archive's).",
      });
    }
    guardKeys(this, props.breakGlassRoleName);
  }
}
