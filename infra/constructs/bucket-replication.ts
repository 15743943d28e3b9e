// S3 replication of the data stack's record buckets into the replica stack's buckets (another
// region: infra/stacks/replica-stack.ts), so that the e-archive and the case materials survive the
// loss of the data stack's region:
// - the archive bucket: every object (bundles, anchor journals), with its Object Lock retention and
//   legal hold (S3 replicates both when both buckets have Object Lock on);
// - the materials bucket: `cases/` only (the materials of filed cases; `uploads/` expire in days).
// The archive's delete markers are not replicated (nothing deletes there; a replica must not follow a
// mistake): the role holds s3:ReplicateDelete on the materials replica alone, whose `cases/` the
// archive function deletes once a case is archived (the bundle is the record; the replica's lifecycle
// rules then expire the hidden versions, as the source's do). Each replica is encrypted with a key of
// the replica region (SSE-KMS objects only: every object here is), in the storage class its source
// names: the archive's in Glacier Deep Archive at once (read only to recover: DataStack's header says
// why), the materials' STANDARD_IA (read only to restore, no retrieval delay).
//
// The destinations are named, not referenced: a stack cannot refer to another region's resources.
// The bucket names are deterministic (config.ts: replicaBucketName, from the stage, the deploying
// account and the replica region), the keys are named by their alias ARN, which S3 accepts as
// ReplicaKmsKeyID (the alias resolves in the bucket owner's account: this one), and the role's
// kms:Encrypt on them holds for the key carrying that alias alone (kms:ResourceAliases). So the
// replica stack deploys first (app.ts: the data stack depends on it).
//
// The role (S3 assumes it) may read what replication reads of the source objects — the version, its
// ACL, tags, retention and legal hold — decrypt with the source bucket's key through S3 alone, write
// replicas and their tags into the destination bucket alone, and encrypt with its key alone.
import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { replicaBucketName, replicaKeyAliasName } from '../config.ts';
import { acknowledgeResolvedWildcards } from './nag.ts';
import { OWN_POLICY_REASON } from './nag-packs.ts';
import { s3ViaService } from './tongban-function.ts';

/** What the role may read of each source object version (Object Lock buckets: also its retention and legal hold). */
export const REPLICATION_SOURCE_ACTIONS = ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'] as const;
export const REPLICATION_LOCK_ACTIONS = ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] as const;
/** What the role may read of the source bucket: its replication configuration, its listing. */
export const REPLICATION_BUCKET_ACTIONS = ['s3:GetReplicationConfiguration', 's3:ListBucket'] as const;
/** What the role may do in a destination bucket: write replicas and their tags (no delete). */
export const REPLICATION_DESTINATION_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateTags'] as const;

/** One replicated bucket. */
export interface ReplicatedBucket {
  /** `archive` or `materials`: names the replica bucket and its key. */
  name: 'archive' | 'materials';
  bucket: Bucket;
  /** The source bucket's key. */
  key: IKey;
  /** Object Lock on: replicate each object's retention and legal hold. */
  objectLock: boolean;
  /** The storage class of its replicas. */
  storageClass: StorageClass;
  /** Replicate delete markers (the replica's objects are hidden as the source's are); else never. */
  deletes: boolean;
  /** Replicate only the objects under this prefix (`cases/`); unset, every object. */
  prefix?: string;
  /** The cdk-nag reason for the role's wildcard on the objects it reads (`<bucket>/*`, or `<bucket>/<prefix>*`). */
  wildcardReason: string;
}

export interface BucketReplicationProps {
  stage: string;
  /** config.replicaRegion. */
  replicaRegion: string;
  buckets: readonly ReplicatedBucket[];
}

export class BucketReplication extends Construct {
  readonly role: Role;
  /** The destination bucket's name, by source bucket name (`archive`, `materials`). */
  readonly destinations: Record<ReplicatedBucket['name'], string>;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      description: `Tongban ${props.stage}: assumed by S3 to replicate the archive bucket and the materials' cases/ to ${props.replicaRegion}`,
      assumedBy: new ServicePrincipal('s3.amazonaws.com'),
    });
    const destinations: Partial<Record<ReplicatedBucket['name'], string>> = {};
    const wildcards: { objects: string; reason: string }[] = [];
    for (const source of props.buckets) {
      const destinationName = replicaBucketName(props.stage, source.name, stack.account, props.replicaRegion);
      destinations[source.name] = destinationName;
      const destinationArn = `arn:${stack.partition}:s3:::${destinationName}`;
      const alias = replicaKeyAliasName(props.stage, source.name);
      const sourceObjects = source.bucket.arnForObjects(`${source.prefix ?? ''}*`);

      this.role.addToPolicy(new PolicyStatement({ actions: [...REPLICATION_BUCKET_ACTIONS], resources: [source.bucket.bucketArn] }));
      this.role.addToPolicy(new PolicyStatement({ actions: [...REPLICATION_SOURCE_ACTIONS, ...(source.objectLock ? REPLICATION_LOCK_ACTIONS : [])], resources: [sourceObjects] }));
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [...REPLICATION_DESTINATION_ACTIONS, ...(source.deletes ? ['s3:ReplicateDelete'] : [])],
          resources: [`${destinationArn}/${source.prefix ?? ''}*`],
        }),
      );
      this.role.addToPolicy(
        new PolicyStatement({ actions: ['kms:Decrypt'], resources: [source.key.keyArn], conditions: { StringEquals: { 'kms:ViaService': s3ViaService(this) } } }),
      );
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['kms:Encrypt'],
          resources: [`arn:${stack.partition}:kms:${props.replicaRegion}:${stack.account}:key/*`],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${props.replicaRegion}.${stack.urlSuffix}` },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
          },
        }),
      );
      wildcards.push({ objects: sourceObjects, reason: source.wildcardReason });
      wildcards.push({
        objects: `${destinationArn}/${source.prefix ?? ''}*`,
        reason: `The replica of ${source.name} receives every object replicated from its source, under the same keys, which only the source knows; the role may write replicas and their tags there${source.deletes ? ', and the delete markers of the source (no version is deleted)' : ', and delete nothing'}`,
      });

      const cfn = source.bucket.node.defaultChild as CfnBucket;
      const rule: CfnBucket.ReplicationRuleProperty = {
        id: `${source.name}-to-${props.replicaRegion}`,
        status: 'Enabled',
        priority: 1,
        filter: { prefix: source.prefix ?? '' },
        deleteMarkerReplication: { status: source.deletes ? 'Enabled' : 'Disabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: destinationArn,
          storageClass: source.storageClass.value,
          encryptionConfiguration: { replicaKmsKeyId: `arn:${stack.partition}:kms:${props.replicaRegion}:${stack.account}:${alias}` },
        },
      };
      cfn.replicationConfiguration = { role: this.role.roleArn, rules: [rule] };
    }
    this.destinations = destinations as Record<ReplicatedBucket['name'], string>;
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: OWN_POLICY_REASON });
    acknowledgeResolvedWildcards(this.role.node.findChild('DefaultPolicy'), [
      ...wildcards,
      {
        objects: `arn:${stack.partition}:kms:${props.replicaRegion}:${stack.account}:key/*`,
        reason:
          "The replica buckets' keys live in the replica region, whose key ARNs this stack cannot know (no cross-region reference); each statement holds only for the key carrying its replica's alias (kms:ResourceAliases) and through S3 alone (kms:ViaService), so it reaches one key each",
      },
    ]);
  }
}
