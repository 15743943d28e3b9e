// The data of one deployment: the customer-managed key, the DynamoDB tables (items, directory,
// cases) and the materials bucket it encrypts, the bucket that receives the materials bucket's
// access logs, and the departments' seal keys (infra/constructs/seal-keys.ts: what they seal must
// stay verifiable for as long as the records last). Kept in its own stack so the API can be torn down
// and redeployed without touching the data; every resource here is retained when the stack is
// deleted, and the tables are deletion-protected.
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { CASES_TABLE, DIRECTORY_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { Department } from '../../shared/contracts/directory.ts';
import type { ConfiguredSeal } from '../config.ts';
import { SEAL_FUNCTIONS, functionRoleName } from '../config.ts';
import { SealKeys } from '../constructs/seal-keys.ts';

export interface DataStackProps extends StackProps {
  stage: string;
  /** Days the access logs bucket keeps the materials bucket's server access logs (config.logRetentionDays). */
  logRetentionDays: number;
  /** The configured departments. */
  departments: readonly Department[];
  /** Every seal of the deployment (config.ts: configuredSeals): a KMS key each. */
  seals: readonly ConfiguredSeal[];
}

/** The oldest TLS version both buckets accept (bucket policy condition s3:TlsVersion). */
export const MIN_TLS_VERSION = 1.2;

/** The key prefix of the materials bucket's server access logs in the access logs bucket. */
export const MATERIALS_ACCESS_LOGS_PREFIX = 'materials/';

export class DataStack extends Stack {
  /** Encrypts the tables and the materials bucket. */
  readonly dataKey: Key;
  /** Service items: every version, the head, and the listing indexes (see table-layout.ts). */
  readonly itemsTable: Table;
  /** The directory: one record holding departments, channels and principals. */
  readonly directoryTable: Table;
  /** Cases: every history entry, the idempotency records of filings, the head and its indexes (see table-layout.ts). */
  readonly casesTable: Table;
  /**
   * Application materials (see bucket-layout.ts): uploads by presigned PUT under `uploads/`, copied
   * under `cases/` when a case is filed. SSE-KMS with the data key, TLS only, versioned.
   */
  readonly materialsBucket: Bucket;
  /** Receives the materials bucket's server access logs (SSE-S3: S3 cannot deliver them to SSE-KMS). */
  readonly accessLogsBucket: Bucket;
  /** The departments' seal keys: only the sealing function signs, only the seals function reads the public keys. */
  readonly sealKeys: SealKeys;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.dataKey = new Key(this, 'DataKey', {
      alias: `alias/tongban-${props.stage}-data`,
      description: `Tongban ${props.stage}: encryption at rest of the DynamoDB tables and the materials bucket`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tableDefaults = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    /** A table keyed and indexed as its layout says (string keys, every attribute projected). */
    const indexedTable = (
      id: string,
      layout: { partitionKey: string; sortKey: string; indexes: Record<string, { name: string; partitionKey: string; sortKey: string }> },
    ): Table => {
      const table = new Table(this, id, {
        ...tableDefaults,
        partitionKey: { name: layout.partitionKey, type: AttributeType.STRING },
        sortKey: { name: layout.sortKey, type: AttributeType.STRING },
      });
      for (const index of Object.values(layout.indexes)) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        });
      }
      return table;
    };

    this.itemsTable = indexedTable('ItemsTable', ITEMS_TABLE);
    this.casesTable = indexedTable('CasesTable', CASES_TABLE);

    this.directoryTable = new Table(this, 'DirectoryTable', {
      ...tableDefaults,
      partitionKey: { name: DIRECTORY_TABLE.partitionKey, type: AttributeType.STRING },
    });

    // S3 server access logs can only be delivered to a bucket with SSE-S3 (not SSE-KMS) encryption.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: MIN_TLS_VERSION,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket.node.findChild('Resource')).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access logs bucket itself: it receives the server access logs of the materials bucket. Logging its own access into itself would log every log delivery, and a further log bucket would need one in turn; S3 writes here only through the logging service (bucket policy), and it is TLS only with public access blocked.',
    });

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
      serverAccessLogsBucket: this.accessLogsBucket,
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
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(MATERIALS_BUCKET.incompleteMultipartUploadAbortDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The roles the key policies name live in the API stack, under fixed names.
    const roleArn = (fn: string) =>
      this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: functionRoleName(props.stage, fn), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.sealKeys = new SealKeys(this, 'SealKeys', {
      stage: props.stage,
      departments: props.departments,
      seals: props.seals,
      signerRoleArn: roleArn(SEAL_FUNCTIONS.signer),
      publisherRoleArn: roleArn(SEAL_FUNCTIONS.publisher),
    });

    new CfnOutput(this, 'ItemsTableName', { value: this.itemsTable.tableName });
    new CfnOutput(this, 'DirectoryTableName', { value: this.directoryTable.tableName });
    new CfnOutput(this, 'CasesTableName', { value: this.casesTable.tableName });
    new CfnOutput(this, 'MaterialsBucketName', { value: this.materialsBucket.bucketName });
    new CfnOutput(this, 'DataKeyArn', { value: this.dataKey.keyArn });
  }
}
