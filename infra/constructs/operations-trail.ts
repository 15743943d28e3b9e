// The lasting record of operations (issue 19 point 4): one CloudTrail trail of the deployment, in every
// region (multi-region, global service events), with log file validation (hourly signed digests: a
// deleted or altered log file shows), recording
// - every management event, read and write: KMS logs all its calls as management events — kms:Sign
//   with a seal key, kms:GetPublicKey, the archive key's GenerateDataKey and Decrypt through S3 are
//   read-only management events, and KMS has no data events — so a trail of write events alone
//   would miss every use of the seal keys;
// - the data events of the archive bucket's objects (AWS::S3::Object under the bucket's ARN): who
//   wrote, read, or tried to delete each bundle, anchor journal and statistics document.
// It delivers into a bucket of its own: Object Lock with a COMPLIANCE default retention of the log
// retention (config.logRetentionDays: no one, root included, deletes a log file before then),
// versioned, SSE-KMS with a key of its own whose policy lets CloudTrail encrypt for this trail alone
// (aws:SourceArn, and the trail's encryption context), TLS only, its server access logs into the
// access logs bucket, its files expiring once retained that long. The bucket policy lets CloudTrail
// read its ACL and write under AWSLogs/<account>/, for this trail alone (aws:SourceArn).
//
// No CloudWatch Logs copy: the S3 copy is the record, and the alarms on CloudTrail events (key
// deletion, policy changes) are EventBridge rules, which receive management events without one; a
// second copy would cost its ingestion ($0.50/GB) for nothing the record lacks.
//
// Everything here is retained when the stack is deleted.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { platformKey } from './platform-key.ts';

/** The key prefix of the trail bucket's server access logs in the access logs bucket. */
export const TRAIL_ACCESS_LOGS_PREFIX = 'trail/';

/** Days after which an unfinished multipart upload is aborted (the trail and access logs buckets). */
export const INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS = 7;

export interface OperationsTrailProps {
  stage: string;
  /** Days each log file is kept, under COMPLIANCE Object Lock (config.logRetentionDays). */
  retentionDays: number;
  /** The bucket whose object-level operations (data events) the trail records: the archive bucket. */
  dataEventsBucket: IBucket;
  /** Receives the trail bucket's server access logs. */
  accessLogsBucket: IBucket;
  /** The oldest TLS version the trail bucket accepts. */
  minimumTlsVersion: number;
}

export class OperationsTrail extends Construct {
  readonly trail: CfnTrail;
  /** Where CloudTrail delivers the log files and their digests. */
  readonly bucket: Bucket;
  /** Encrypts the log files (SSE-KMS). */
  readonly key: Key;
  /** The trail's name, `tongban-<stage>-operations`. */
  readonly trailName: string;
  /** The trail's ARN, built from its name (the key and bucket policies name it; the trail depends on both). */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: OperationsTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.trailName = `tongban-${props.stage}-operations`;
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: this.trailName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const cloudTrail = new ServicePrincipal('cloudtrail.amazonaws.com');
    const thisTrail = { 'aws:SourceArn': this.trailArn };

    this.key = platformKey(this, 'Key', {
      alias: `alias/tongban-${props.stage}-trail`,
      description: `Tongban ${props.stage}: encryption of the operations trail's log files (CloudTrail, this trail alone)`,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrailsLogs',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: thisTrail,
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({ sid: 'CloudTrailDescribesTheKey', principals: [cloudTrail], actions: ['kms:DescribeKey'], resources: ['*'], conditions: { StringEquals: thisTrail } }),
    );

    this.bucket = new Bucket(this, 'Bucket', {
      // No one deletes or overwrites a log file before its retention ends; versioning comes with it.
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: props.minimumTlsVersion,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: TRAIL_ACCESS_LOGS_PREFIX,
      lifecycleRules: [
        // Once retained as long as the configuration says (Object Lock keeps each version until then:
        // S3's lifecycle never removes a locked version), the log file expires.
        { id: 'expire-trail-logs', expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudTrailReadsTheBucketAcl',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { StringEquals: thisTrail },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudTrailDeliversThisTrailsLogs',
        effect: Effect.ALLOW,
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { ...thisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    Validations.of(this.bucket.node.defaultChild!).acknowledge({
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        "The trail's log files are kept under COMPLIANCE Object Lock for the log retention, each hour's files signed by CloudTrail's digest files (log file validation), so nobody can delete or alter them in this region; the trail itself is multi-region, so a regional outage does not stop the recording elsewhere. A replica in the second region is not yet built: it is the next step for this bucket, noted in the README.",
    });
    // Deleting the stack leaves the bucket able to receive what CloudTrail still delivers.
    this.bucket.policy!.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.trail = new CfnTrail(this, 'Trail', {
      trailName: this.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: this.key.keyArn,
      advancedEventSelectors: [
        // Read and write: KMS's Sign, GetPublicKey, Decrypt and GenerateDataKey are read-only management events.
        { name: 'Every management event, read and write', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        {
          name: "The archive bucket's object-level operations",
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'resources.ARN', startsWith: [`${props.dataEventsBucket.bucketArn}/`] },
          ],
        },
      ],
    });
    Validations.of(this.trail).acknowledge({
      id: 'NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled',
      reason:
        "The trail's events reach EventBridge without a CloudWatch Logs copy, and that is where the platform watches them (the key guard rule: an attempt to disable or delete a key, to the alarm topic); the lasting record is the Object Lock bucket, with CloudTrail's own digest files. A CloudWatch Logs copy would cost per GB ingested and add a second, mutable place to keep.",
    });
    this.trail.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // CloudTrail checks at creation that it may write into the bucket and use the key.
    this.trail.node.addDependency(this.bucket.policy!);
    this.trail.node.addDependency(this.key);
  }
}
