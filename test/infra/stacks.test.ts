// The CDK app as CloudFormation: the data stack's tables, key and materials bucket, the functions, the API built from
// the route table with IAM on every non-public route, WAF, per-principal roles that may invoke only
// their routes, the directory record, the case sweep (schedule, dead-letter queue, alarms), and
// cdk-nag (AWS Solutions) with zero unacknowledged findings. The seal keys, the sealing and seals
// functions' grants and the seal configuration: test/infra/seals.test.ts.
// Most syntheses skip bundling and the built-in CloudFormation validation to stay fast; the one on
// the real cdk.json does both, exactly as `cdk synth` does.
import { App, Stack } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTongbanApp } from '../../infra/app.ts';
import { CONFIG_CONTEXT_KEY, DEFAULT_SWEEP_INTERVAL_MINUTES, DOCUMENTATION_ACCOUNT_IDS, expandTrustedPrincipalArn, loadConfig } from '../../infra/config.ts';
import { FUNCTION_NAMES, MATERIALS_ACCESS, MATERIALS_LIST_ANY, MATERIALS_MAX_BYTES, SCHEDULED_FUNCTION_NAMES, TABLE_ACCESS } from '../../infra/function-access.ts';
import { assertNoWildcardOverreach, invokeResourcePath, routesInvokableBy, signsInAtConsole } from '../../infra/constructs/principal-roles.ts';
import { CALENDAR_WARNING_DAYS } from '../../functions/sweep/manifest.ts';
import { PUBLICATION_INTERVAL_MINUTES } from '../../functions/publication/manifest.ts';
import { MANIFESTS, manifestsTriggeredBy } from '../../functions/manifests.ts';
import { ARCHIVE_ACCESS_LOGS_PREFIX, MATERIALS_ACCESS_LOGS_PREFIX } from '../../infra/stacks/data-stack.ts';
import { INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS, TRAIL_ACCESS_LOGS_PREFIX } from '../../infra/constructs/operations-trail.ts';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { CASES_TABLE, DIRECTORY_TABLE, EVENTS_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/domain/materials/upload-policy.ts';
import { CDK_JSON, newApp, removeSynthOutputs, stackNames, stacksOf, synthApp } from '../support/synth-app.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { globMatches, holdersOf } from '../support/iam-patterns.ts';
import { apiResourcePaths, flattenDeep } from '../support/cfn-values.ts';

// Facts of the manifests (functions/<name>/manifest.ts) the assertions below name.
const CASES_WILDCARD_REASON = MANIFESTS.cases.materials.areas.cases.wildcardReason;
const UPLOADS_WILDCARD_REASON = MANIFESTS.cases.materials.areas.uploads.wildcardReason;

type Cfn = Record<string, unknown>;
interface CfnResource {
  Type: string;
  Properties?: Cfn;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

const ROOT = new URL('../..', import.meta.url).pathname;
const ROUTE_TABLE: readonly RouteSpec[] = ROUTES;
const PORTAL_EXTERNAL_ID = `${CHANNELS.portal.id}:2026/01`;
/** The trust conditions of a named principal's role: its officer's source identity, as its session name. */
const NAMED = { Null: { 'sts:SourceIdentity': 'false' }, StringEquals: { 'sts:RoleSessionName': '${sts:SourceIdentity}' } };

const TEST_CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [
    // The deploying account, and in it only these roles (a bare name is a role).
    { name: 'reviewer', role: 'platform', trustedAccount: 'self', trustedPrincipalArns: ['role/tongban-reviewers', 'platform-ops-*'] },
    { name: 'auditor', role: 'auditor', trustedAccount: '111111111111' },
    {
      name: 'portal',
      role: 'channel',
      channelId: CHANNELS.portal.id,
      trustedAccount: '222222222222',
      trustedPrincipalArns: ['arn:aws:iam::222222222222:role/portal/gateway-*'],
      externalId: PORTAL_EXTERNAL_ID,
    },
    { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id, trustedAccount: '333333333333', trustedPrincipalArns: ['user/integration/market-sync'] },
    // Brings its own identity: the stack creates nothing for it.
    { name: 'housing-own', role: 'department', departmentId: DEPARTMENTS.housing.id, arn: 'arn:aws:iam::444444444444:role/housing-integration' },
  ],
};

afterAll(removeSynthOutputs);
const synth = synthApp;

function resources(template: Template, type?: string): [string, CfnResource][] {
  const all = Object.entries((template.toJSON() as { Resources: Record<string, CfnResource> }).Resources);
  return type ? all.filter(([, r]) => r.Type === type) : all;
}

function props(r: CfnResource | undefined): Cfn {
  return r?.Properties ?? {};
}

/**
 * A CloudFormation value as text: `Ref` → `<Id>`, `Fn::GetAtt` → `<Id.Attr>`, a cross-stack reference
 * → `<Stack.Output>`, `Fn::Join` joined; `substitute` may give a value instead (by `Id` or `Id.Attr`).
 */
function flatten(node: unknown, substitute: (ref: string) => string | undefined = () => undefined): string {
  if (typeof node === 'string') return node;
  const o = node as Cfn;
  if (o['Fn::Join']) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => flatten(p, substitute)).join(sep);
  }
  if (o['Fn::GetAtt']) {
    const [id, attr] = o['Fn::GetAtt'] as [string, string];
    return substitute(`${id}.${attr}`) ?? `<${id}.${attr}>`;
  }
  if (o.Ref) return substitute(o.Ref as string) ?? `<${o.Ref as string}>`;
  if (o['Fn::GetStackOutput'])
    return `<${(o['Fn::GetStackOutput'] as { StackName: string; OutputName: string }).StackName}.${(o['Fn::GetStackOutput'] as { OutputName: string }).OutputName}>`;
  if (o['Fn::ImportValue']) return `<${flatten(o['Fn::ImportValue'], substitute)}>`;
  return `<${JSON.stringify(node)}>`;
}

/** The unacknowledged findings of the three packs every synth runs (infra/constructs/nag-packs.ts). */
function nagFindings(scope: App | Stack): { rule: string; severity: string; paths: string[] }[] {
  return [new AwsSolutionsChecks(undefined, { verbose: true }), new NIST80053R5Checks(undefined, { verbose: true }), new ServerlessChecks(undefined, { verbose: true })].flatMap(
    (pack) =>
      pack.validateScope(scope).violations.map((v) => ({ rule: v.ruleName, severity: v.severity ?? 'error', paths: v.violatingResources.map((r) => r.constructPath ?? '?') })),
  );
}

describe('the Tongban CDK app (test configuration)', () => {
  let built: ReturnType<typeof synth>;
  let data: Template;
  let api: Template;
  let principals: Template;
  const dataKeyId = () => built.data.getLogicalId(built.data.dataKey.node.defaultChild as CfnElement);

  beforeAll(() => {
    built = synth(TEST_CONFIG);
    data = Template.fromStack(built.data);
    api = Template.fromStack(built.api);
    principals = Template.fromStack(built.principals);
  });

  it('names the stacks after the stage', () => {
    expect(built.data.stackName).toBe('Tongban-test-Data');
    expect(built.api.stackName).toBe('Tongban-test-Api');
    expect(built.replica.stackName).toBe('Tongban-test-Replica');
  });

  describe('data stack', () => {
    it("has a customer-managed key with rotation and the stage alias, retained (its only symmetric key but the archive bucket's, the alarm topic's, the backup vault's, the operations trail's and the logs': the others are the archive seal key and, in the seal-key stacks, the seal keys)", () => {
      const symmetric = resources(data, 'AWS::KMS::Key').filter(([, k]) => props(k).KeySpec === undefined);
      const alarmTopicKey = built.data.node.findChild('AlarmTopic').node.findChild('Key');
      expect(symmetric.map(([id]) => id).sort()).toEqual(
        [
          dataKeyId(),
          ...[built.data.archiveKey, built.data.tableBackup.vault.key, alarmTopicKey, built.data.operationsTrail.key, built.data.logsKey].map((k) =>
            built.data.getLogicalId(k.node.defaultChild as CfnElement),
          ),
        ].sort(),
      );
      // Those six (the logs key's: infra/constructs/logs-key.ts) and the archive seal key.
      expect(resources(data, 'AWS::KMS::Key')).toHaveLength(7);
      data.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      data.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/tongban-test-data', TargetKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] } });
    });

    it('has on-demand, point-in-time-recoverable, deletion-protected tables encrypted with that key', () => {
      const keyId = dataKeyId();
      const tables = resources(data, 'AWS::DynamoDB::Table');
      // items, directory, cases, events, supervision (findings), statistics, feedback (evaluations, tickets).
      expect(tables).toHaveLength(7);
      for (const [, table] of tables) {
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(props(table)).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
        });
      }
    });

    it('lays out the events table as table-layout.ts says, its feed and delivered markers expiring by TTL', () => {
      data.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: EVENTS_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: EVENTS_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'due',
            KeySchema: [
              { AttributeName: 'duePk', KeyType: 'HASH' },
              { AttributeName: 'dueSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('lays out the items table and its indexes as table-layout.ts says', () => {
      data.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: ITEMS_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: ITEMS_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.values(ITEMS_TABLE.indexes).map((ix) => ({
          IndexName: ix.name,
          KeySchema: [
            { AttributeName: ix.partitionKey, KeyType: 'HASH' },
            { AttributeName: ix.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      });
      expect(Object.values(ITEMS_TABLE.indexes).map((ix) => [ix.name, ix.partitionKey, ix.sortKey])).toEqual([
        ['catalogue', 'catPk', 'catSk'],
        ['catalogueByDepartment', 'catDeptPk', 'catSk'],
        ['work', 'workPk', 'workSk'],
      ]);
      data.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: DIRECTORY_TABLE.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: Match.absent(),
      });
    });

    it('lays out the cases table and its indexes as table-layout.ts says, exposed as DataStack.casesTable (the case lists and the anchor queue hold their keys alone), its idempotency records expiring by TTL (expiresAt, as the events table)', () => {
      const casesId = built.data.getLogicalId(built.data.casesTable.node.defaultChild as CfnElement);
      const cases = resources(data, 'AWS::DynamoDB::Table').find(([id]) => id === casesId)?.[1];
      expect(props(cases)).toMatchObject({
        KeySchema: [
          { AttributeName: CASES_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: CASES_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: Object.values(CASES_TABLE.indexes).map((ix) => ({
          IndexName: ix.name,
          KeySchema: [
            { AttributeName: ix.partitionKey, KeyType: 'HASH' },
            { AttributeName: ix.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: ix.name === 'licenceHolder' ? 'ALL' : 'KEYS_ONLY' },
        })),
      });
      expect(Object.values(CASES_TABLE.indexes).map((ix) => [ix.name, ix.partitionKey, ix.sortKey])).toEqual([
        ['departmentQueue', 'deptPk', 'deptSk'],
        ['channelCases', 'chPk', 'chSk'],
        ['supervision', 'supPk', 'supSk'],
        ['licenceHolder', 'holderPk', 'holderSk'],
        ['anchorQueue', 'anchorPk', 'anchorSk'],
      ]);
      const outputs = data.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.CasesTableName?.Value).toEqual({ Ref: casesId });
    });

    describe('materials bucket', () => {
      const logicalId = (bucket: Bucket) => built.data.getLogicalId(bucket.node.defaultChild as CfnElement);
      const bucket = (b: Bucket): CfnResource => resources(data, 'AWS::S3::Bucket').find(([id]) => id === logicalId(b))![1];
      const policyStatements = (b: Bucket) => {
        const policies = resources(data, 'AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(props(p).Bucket) === JSON.stringify({ Ref: logicalId(b) }));
        expect(policies).toHaveLength(1);
        return (props(policies[0]![1]).PolicyDocument as { Statement: Cfn[] }).Statement;
      };
      const tlsOnly = (b: Bucket) => {
        const id = logicalId(b);
        const everywhere = [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }];
        expect(policyStatements(b)).toEqual(
          expect.arrayContaining([
            { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everywhere, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
            { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everywhere, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
          ]),
        );
      };
      const locked = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };

      it('is exposed as DataStack.materialsBucket, next to one access logs bucket (and the archive bucket: test/infra/archive.test.ts; the trail bucket: test/infra/records.test.ts)', () => {
        data.resourceCountIs('AWS::S3::Bucket', 4);
        expect(
          resources(data, 'AWS::S3::Bucket')
            .map(([id]) => id)
            .sort(),
        ).toEqual(
          [logicalId(built.data.materialsBucket), logicalId(built.data.accessLogsBucket), logicalId(built.data.archiveBucket), logicalId(built.data.operationsTrail.bucket)].sort(),
        );
      });

      it('is SSE-KMS with the data key and a bucket key, versioned, owner-enforced, public access blocked, retained', () => {
        const keyId = dataKeyId();
        const materials = bucket(built.data.materialsBucket);
        expect(materials.DeletionPolicy).toBe('Retain');
        expect(materials.UpdateReplacePolicy).toBe('Retain');
        expect(props(materials)).toMatchObject({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          PublicAccessBlockConfiguration: locked,
        });
        expect(built.data.materialsBucket.encryptionKey).toBe(built.data.dataKey);
      });

      it('is TLS only: its bucket policy denies requests without TLS (aws:SecureTransport false) and below TLS 1.2', () => {
        tlsOnly(built.data.materialsBucket);
        // No Allow: the bucket policy grants nothing; the API stack grants its functions in their roles.
        expect(policyStatements(built.data.materialsBucket).filter((st) => st.Effect !== 'Deny')).toEqual([]);
      });

      it('expires uploads/ after 3 days and their noncurrent versions after 1, the versions under cases/ the archive function hid after 7, aborts incomplete multipart uploads after 1 day', () => {
        expect(MATERIALS_BUCKET).toMatchObject({
          uploadsPrefix: 'uploads/',
          casesPrefix: 'cases/',
          unreferencedUploadExpiryDays: 3,
          unreferencedNoncurrentVersionExpiryDays: 1,
          incompleteMultipartUploadAbortDays: 1,
        });
        expect((props(bucket(built.data.materialsBucket)).LifecycleConfiguration as { Rules: Cfn[] }).Rules).toEqual([
          { Id: 'expire-unreferenced-uploads', Status: 'Enabled', Prefix: 'uploads/', ExpirationInDays: 3, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
          { Id: 'remove-expired-upload-markers', Status: 'Enabled', Prefix: 'uploads/', ExpiredObjectDeleteMarker: true },
          // A current object under cases/ never expires: only what the archive function deleted (its case archived).
          { Id: 'expire-archived-case-files', Status: 'Enabled', Prefix: 'cases/', NoncurrentVersionExpiration: { NoncurrentDays: 7 } },
          { Id: 'remove-archived-case-file-markers', Status: 'Enabled', Prefix: 'cases/', ExpiredObjectDeleteMarker: true },
          { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        ]);
      });

      it('logs its access to the access logs bucket: SSE-S3, TLS only, public access blocked, logs expired after the log retention, retained', () => {
        const logsId = logicalId(built.data.accessLogsBucket);
        expect(props(bucket(built.data.materialsBucket)).LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: MATERIALS_ACCESS_LOGS_PREFIX });
        const logs = bucket(built.data.accessLogsBucket);
        expect(logs.DeletionPolicy).toBe('Retain');
        expect(logs.UpdateReplacePolicy).toBe('Retain');
        expect(props(logs)).toMatchObject({
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: locked,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: {
            Rules: [
              {
                Id: 'expire-access-logs',
                Status: 'Enabled',
                ExpirationInDays: TEST_CONFIG.logRetentionDays,
                NoncurrentVersionExpiration: { NoncurrentDays: TEST_CONFIG.logRetentionDays },
              },
              { Id: 'remove-expired-log-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
              { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS } },
            ],
          },
        });
        expect(props(logs).LoggingConfiguration).toBeUndefined();
        tlsOnly(built.data.accessLogsBucket);
        // S3's logging service may write the materials, archive and trail buckets' logs, each under its prefix, and nothing else.
        const delivery = (source: Bucket, prefix: string) => ({
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logsId, 'Arn'] }, `/${prefix}*`]] },
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(source), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        });
        expect(policyStatements(built.data.accessLogsBucket).filter((st) => st.Effect === 'Allow')).toEqual([
          delivery(built.data.materialsBucket, MATERIALS_ACCESS_LOGS_PREFIX),
          delivery(built.data.archiveBucket, ARCHIVE_ACCESS_LOGS_PREFIX),
          delivery(built.data.operationsTrail.bucket, TRAIL_ACCESS_LOGS_PREFIX),
        ]);
      });

      it('outputs the bucket name, as it does the table names', () => {
        const outputs = data.toJSON().Outputs as Record<string, { Value: unknown }>;
        expect(outputs.MaterialsBucketName?.Value).toEqual({ Ref: logicalId(built.data.materialsBucket) });
        expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ItemsTableName', 'DirectoryTableName', 'MaterialsBucketName', 'DataKeyArn']));
      });
    });
  });

  describe('functions', () => {
    it('has one Node 22 arm64 traced function per function of the route table, the sweep, the anchoring, the joint, the sealing, the archive function, the relays, the queue functions and the publication', () => {
      expect(FUNCTION_NAMES).toEqual([...new Set(ROUTE_TABLE.map((r) => r.function))]);
      expect(SCHEDULED_FUNCTION_NAMES).toEqual(['sweep', 'anchoring', 'joint', 'sealing', 'archive', 'relay', 'feedback-relay', 'deliveries', 'watch', 'tally', 'publication']);
      const fns = resources(api, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
      expect(fns).toHaveLength(FUNCTION_NAMES.length + SCHEDULED_FUNCTION_NAMES.length);
      const sweepId = built.api.getLogicalId(built.api.sweep.function.node.defaultChild as CfnElement);
      const jointId = built.api.getLogicalId(built.api.joint.function.node.defaultChild as CfnElement);
      const sealingId = built.api.getLogicalId(built.api.sealing.node.defaultChild as CfnElement);
      const archiveId = built.api.getLogicalId(built.api.archive.function.node.defaultChild as CfnElement);
      const relayId = built.api.getLogicalId(built.api.relay.function.node.defaultChild as CfnElement);
      const feedbackRelayId = built.api.getLogicalId(built.api.feedbackRelay.function.node.defaultChild as CfnElement);
      const deliveriesId = built.api.getLogicalId(built.api.lambda('deliveries').node.defaultChild as CfnElement);
      const watchId = built.api.getLogicalId(built.api.lambda('watch').node.defaultChild as CfnElement);
      const tallyId = built.api.getLogicalId(built.api.lambda('tally').node.defaultChild as CfnElement);
      const anchoringId = built.api.getLogicalId(built.api.lambda('anchoring').node.defaultChild as CfnElement);
      const publicationId = built.api.getLogicalId(built.api.lambda('publication').node.defaultChild as CfnElement);
      for (const [id, fn] of fns) {
        expect(props(fn), id).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          // The archive function streams bundles in 8 MiB parts (test/infra/archive.test.ts).
          MemorySize: id === archiveId ? 1024 : 512,
          // The API functions answer within API Gateway's limit; the sweep within its interval (below);
          // the joint function well within its steps' task timeout; the sealing function a few reads,
          // signatures and writes; the archive function a whole case's bundle, up to Lambda's 15 minutes;
          // each relay a batch of 100 stream records, ten PutEvents calls; the deliveries function a batch of
          // events and their webhook attempts (10 s each at most); the watch function a batch of cases, or its daily passes; the tally a batch of facts, or a tick's roll-ups;
          // the anchoring a journal within its interval, as the sweep; the publication a month's document.
          Timeout:
            id === sweepId || id === watchId || id === anchoringId
              ? 300
              : id === jointId || id === sealingId
                ? 20
                : id === archiveId
                  ? 900
                  : id === relayId || id === feedbackRelayId
                    ? 30
                    : id === deliveriesId || id === tallyId || id === publicationId
                      ? 120
                      : 10,
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          Environment: {
            Variables: {
              POWERTOOLS_SERVICE_NAME: 'tongban',
              POWERTOOLS_METRICS_NAMESPACE: 'Tongban',
              POWERTOOLS_LOG_LEVEL: 'INFO',
            },
          },
        });
      }
    });

    it('gives the catalogue the table names, and the platform function the items table (its calendar partition) and the directory', () => {
      const stack = built.api;
      const catalogue = props(resources(api).find(([id]) => id === stack.getLogicalId(built.api.functions.catalogue.node.defaultChild as CfnElement))?.[1]);
      const platform = props(resources(api).find(([id]) => id === stack.getLogicalId(built.api.functions.platform.node.defaultChild as CfnElement))?.[1]);
      expect(Object.keys((catalogue.Environment as { Variables: Cfn }).Variables)).toEqual(expect.arrayContaining(['ITEMS_TABLE', 'DIRECTORY_TABLE']));
      expect(Object.keys((platform.Environment as { Variables: Cfn }).Variables)).toEqual(expect.arrayContaining(['ITEMS_TABLE', 'DIRECTORY_TABLE']));
      expect(Object.keys((platform.Environment as { Variables: Cfn }).Variables)).not.toContain('CASES_TABLE');
      for (const fn of [catalogue, platform]) {
        expect(Object.keys((fn.Environment as { Variables: Cfn }).Variables).filter((k) => k.startsWith('MATERIALS_'))).toEqual([]);
      }
    });

    it('grants least privilege: catalogue reads and writes items without delete or scan, reads the directory; platform reads the directory and reads and writes the calendar partition alone', () => {
      const policies = resources(api, 'AWS::IAM::Policy').map(([, p]) => ({
        roles: JSON.stringify(props(p).Roles),
        statements: (props(p).PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
      }));
      const actionsOf = (roleIdPrefix: string) =>
        policies.filter((p) => p.roles.includes(roleIdPrefix)).flatMap((p) => p.statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
      const platform = actionsOf('PlatformFunctionRole');
      expect(new Set(platform)).toEqual(
        new Set([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          ...TABLE_WRITE_KEY,
        ]),
      );
      const platformStatements = policies.filter((p) => p.roles.includes('PlatformFunctionRole')).flatMap((p) => p.statements);
      const onItems = platformStatements.filter((s) => JSON.stringify(s.Resource).includes('ItemsTable'));
      expect(onItems.map((s) => [[s.Action].flat().sort(), calendarPartitionOf((s as { Condition?: unknown }).Condition)])).toEqual([
        [['dynamodb:PutItem', 'dynamodb:Query'], 'CALENDAR'],
        [['dynamodb:PutItem', 'dynamodb:Query'], 'SUPERVISION_RULES'],
      ]);
      const catalogue = actionsOf('CatalogueFunctionRole');
      expect(catalogue).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'kms:Decrypt']));
      for (const forbidden of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan', 'dynamodb:*', 'kms:*']) expect(catalogue).not.toContain(forbidden);
      expect(catalogue.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('gives the catalogue exactly GetItem, Query and PutItem on the items table, Query on its indexes, GetItem on the directory', () => {
      const grants = resources(api, 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(props(p).Roles).includes('CatalogueFunctionRole'))
        .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
        .flatMap((s) => [s.Action].flat().flatMap((action) => [s.Resource].flat().map((r) => ({ action, resource: flatten(r) }))))
        .filter((g) => g.action.startsWith('dynamodb:'))
        .map(({ action, resource }) => {
          const table = resource.includes('ItemsTable') ? 'items' : resource.includes('DirectoryTable') ? 'directory' : resource;
          const index = /\/index\/(.+)$/.exec(resource)?.[1];
          return `${action} ${table}${index !== undefined ? `/index/${index}` : ''}`;
        });
      const indexes = Object.values(ITEMS_TABLE.indexes).map((ix) => `dynamodb:Query items/index/${ix.name}`);
      expect(grants.sort()).toEqual(
        ['dynamodb:GetItem items', 'dynamodb:Query items', 'dynamodb:Query items', 'dynamodb:PutItem items', ...indexes, 'dynamodb:GetItem directory'].sort(),
      );
      // No UpdateItem (it could rewrite an immutable version in place) nor reads the adapter never makes.
      expect(TABLE_ACCESS.catalogue).toEqual({
        items: { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], indexes: ['catalogue', 'catalogueByDepartment', 'work'] },
        directory: { actions: ['dynamodb:GetItem'] },
      });
    });

    describe('cases function and case sweep', () => {
      const logicalId = (c: { node: { defaultChild?: unknown } }, stack: Stack) => stack.getLogicalId(c.node.defaultChild as CfnElement);
      /** A value of the API template with each reference to an output of the data stack replaced by that output's value. */
      const acrossStacks = (node: unknown): string => {
        const outputs = data.toJSON().Outputs as Record<string, { Value: unknown }>;
        return flatten(node).replace(/<Tongban-test-Data\.([A-Za-z0-9]+)>/g, (_, name: string) => flatten(outputs[name]!.Value));
      };
      const materialsArn = () => `<${logicalId(built.data.materialsBucket, built.data)}.Arn>`;
      const keyArn = () => `<${logicalId(built.data.dataKey, built.data)}.Arn>`;
      const workflowKeyArn = () => `<${logicalId(built.api.joint.key, built.api)}.Arn>`;
      const tableArn = (t: 'items' | 'directory' | 'cases' | 'supervision') =>
        `<${logicalId({ items: built.data.itemsTable, directory: built.data.directoryTable, cases: built.data.casesTable, supervision: built.data.supervisionTable }[t], built.data)}.Arn>`;
      const tableRef = (t: Table) => `<${logicalId(t, built.data)}>`;
      type Fn = 'catalogue' | 'platform' | 'cases' | 'sweep' | 'anchoring';
      const functionOf = (fn: Fn) => built.api.lambda(fn);
      /** Every (action, resource) a function's role is allowed, resources as text across the stacks. */
      const grantsOf = (fn: Fn) => {
        const roleId = logicalId(functionOf(fn).role!, built.api);
        return resources(api, 'AWS::IAM::Policy')
          .filter(([, p]) => JSON.stringify(props(p).Roles) === JSON.stringify([{ Ref: roleId }]))
          .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement)
          .flatMap((st) => {
            expect(st.Effect).toBe('Allow');
            return [st.Action].flat().flatMap((action) => [st.Resource].flat().map((r) => ({ action, resource: acrossStacks(r), condition: st.Condition })));
          });
      };
      /** `action resource` of a function's DynamoDB grants, tables by name (`cases`, `cases/index/supervision`). */
      const dynamoGrantsOf = (fn: Fn) =>
        grantsOf(fn)
          .filter((g) => g.action.startsWith('dynamodb:'))
          .map((g) => {
            const table = (['items', 'directory', 'cases', 'supervision'] as const).find((t) => g.resource === tableArn(t) || g.resource.startsWith(`${tableArn(t)}/index/`));
            expect(table, g.resource).toBeDefined();
            // The official holiday arrangements: the items table's CALENDAR partition alone.
            const partition = calendarPartitionOf(g.condition);
            return `${g.action} ${g.resource.replace(tableArn(table!), table!)}${partition ? `[${partition}]` : ''}`;
          })
          .sort();
      const environmentOf = (fn: Fn, template = api, stack = built.api) => {
        const f = props(resources(template).find(([id]) => id === stack.getLogicalId(functionOf(fn).node.defaultChild as CfnElement))?.[1]);
        return Object.fromEntries(Object.entries((f.Environment as { Variables: Record<string, unknown> }).Variables).map(([k, v]) => [k, acrossStacks(v)]));
      };
      const POWERTOOLS = { POWERTOOLS_SERVICE_NAME: 'tongban', POWERTOOLS_METRICS_NAMESPACE: 'Tongban', POWERTOOLS_LOG_LEVEL: 'INFO' };
      const NEVER = [
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Scan',
        'dynamodb:*',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:*',
        's3:PutObjectAcl',
        'kms:*',
      ];

      it('serves every upload, filing, case action, read, queue and supervision route behind one Node 22 arm64 traced function', () => {
        expect(ROUTE_TABLE.filter((r) => r.function === 'cases').map((r) => `${r.method} ${r.path}`)).toEqual([
          'POST /v1/materials/uploads',
          'POST /v1/cases',
          'GET /v1/cases',
          'GET /v1/cases/{caseNo}',
          'GET /v1/cases/{caseNo}/history',
          'GET /v1/cases/{caseNo}/material',
          'POST /v1/cases/{caseNo}/accept',
          'POST /v1/cases/{caseNo}/supplement-request',
          'POST /v1/cases/{caseNo}/supplement',
          'POST /v1/cases/{caseNo}/pre-review',
          'POST /v1/cases/{caseNo}/deliver',
          'POST /v1/cases/{caseNo}/refuse',
          'POST /v1/cases/{caseNo}/pause',
          'POST /v1/cases/{caseNo}/extend',
          'POST /v1/cases/{caseNo}/accept-archive-findings',
          'POST /v1/cases/{caseNo}/retry-follow-up',
          'POST /v1/cases/{caseNo}/resume',
          'POST /v1/cases/{caseNo}/decide',
          'POST /v1/cases/{caseNo}/opinions',
          'POST /v1/cases/{caseNo}/correct',
          'POST /v1/cases/{caseNo}/withdraw',
          'GET /v1/queue',
          'GET /v1/queue/opinions',
          'GET /v1/supervision/{kind}',
          'GET /v1/licences/{licenceId}',
          'POST /v1/licences/{licenceId}/amend',
          'POST /v1/licences/{licenceId}/revoke',
          'GET /v1/licences',
        ]);
        expect(FUNCTION_NAMES).toContain('cases');
        const fnId = logicalId(built.api.functions.cases, built.api);
        expect(props(resources(api).find(([id]) => id === fnId)?.[1])).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
        });
        // Every one of its routes is a method integrated with this function.
        const integrated = resources(api, 'AWS::ApiGateway::Method').filter(([, m]) => JSON.stringify(props(m).Integration).includes(fnId));
        expect(integrated).toHaveLength(28);
      });

      it('gives the cases function exactly CASES_TABLE, ITEMS_TABLE, DIRECTORY_TABLE, SUPERVISION_TABLE, MATERIALS_BUCKET, MATERIALS_MAX_BYTES, JOINT_STATE_MACHINE_ARN, SEALING_FUNCTION_NAME, ARCHIVE_FUNCTION_NAME and the Powertools variables', () => {
        expect(environmentOf('cases')).toEqual({
          ...POWERTOOLS,
          CASES_TABLE: tableRef(built.data.casesTable),
          ITEMS_TABLE: tableRef(built.data.itemsTable),
          DIRECTORY_TABLE: tableRef(built.data.directoryTable),
          SUPERVISION_TABLE: tableRef(built.data.supervisionTable),
          MATERIALS_BUCKET: `<${logicalId(built.data.materialsBucket, built.data)}>`,
          MATERIALS_MAX_BYTES: '52428800',
          JOINT_STATE_MACHINE_ARN: `<${logicalId(built.api.joint.stateMachine, built.api)}>`,
          SEALING_FUNCTION_NAME: `<${logicalId(built.api.sealing, built.api)}>`,
          ARCHIVE_FUNCTION_NAME: `<${logicalId(built.api.archive.function, built.api)}>`,
        });
        // The limit the domain checks by default (upload-policy.ts) is the one the function is given.
        expect(MATERIALS_MAX_BYTES).toBe(DEFAULT_MAX_UPLOAD_BYTES);
      });

      it('passes deemedAcceptanceDays, when configured, as DEEMED_ACCEPTANCE_DAYS to the cases function alone', () => {
        const three = synth({ ...TEST_CONFIG, deemedAcceptanceDays: 3 });
        const variables = (fn: Fn) => {
          const f = three.api.lambda(fn);
          const p = props(resources(Template.fromStack(three.api)).find(([id]) => id === three.api.getLogicalId(f.node.defaultChild as CfnElement))?.[1]);
          return (p.Environment as { Variables: Record<string, unknown> }).Variables;
        };
        expect(variables('cases').DEEMED_ACCEPTANCE_DAYS).toBe('3');
        for (const fn of ['catalogue', 'platform', 'sweep'] as const) expect(variables(fn).DEEMED_ACCEPTANCE_DAYS, fn).toBeUndefined();
        expect(environmentOf('cases').DEEMED_ACCEPTANCE_DAYS).toBeUndefined();
      });

      it('passes rectificationDays to the evaluations function alone and ticketAnswerDays to the tickets function alone, each kind its own variable', () => {
        const configured = synth({ ...TEST_CONFIG, rectificationDays: 5, ticketAnswerDays: { consultation: 3, correction: 20 } });
        const settings = ['RECTIFICATION_DAYS', 'CONSULTATION_DAYS', 'COMPLAINT_DAYS', 'CORRECTION_DAYS'];
        // Every function of every stack, by its logical id: the settings among its variables.
        const given = new Map<string, Record<string, unknown>>();
        for (const stack of [configured.data, configured.api]) {
          for (const [id, r] of resources(Template.fromStack(stack), 'AWS::Lambda::Function')) {
            const variables = (props(r).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
            const set = Object.fromEntries(Object.entries(variables).filter(([k]) => settings.includes(k)));
            if (Object.keys(set).length > 0) given.set(id, set);
          }
        }
        const idOf = (fn: 'evaluations' | 'tickets') => configured.api.getLogicalId(configured.api.functions[fn].node.defaultChild as CfnElement);
        expect(Object.fromEntries(given)).toEqual({
          [idOf('evaluations')]: { RECTIFICATION_DAYS: '5' },
          [idOf('tickets')]: { CONSULTATION_DAYS: '3', CORRECTION_DAYS: '20' },
        });
      });

      it('grants the cases function GetItem, PutItem and Query on the cases table and Query on its indexes, GetItem and Query on items, GetItem on the directory, Query on the findings by subject', () => {
        // Every index of the cases table but the anchor queue (the sweep's).
        const caseIndexes = Object.values(CASES_TABLE.indexes)
          .filter((ix) => ix.name !== 'anchorQueue')
          .map((ix) => `dynamodb:Query cases/index/${ix.name}`);
        expect(dynamoGrantsOf('cases')).toEqual(
          [
            'dynamodb:GetItem cases',
            'dynamodb:PutItem cases',
            'dynamodb:Query cases',
            ...caseIndexes,
            'dynamodb:GetItem items',
            'dynamodb:Query items',
            'dynamodb:Query items[CALENDAR]',
            'dynamodb:GetItem directory',
            'dynamodb:Query supervision',
            'dynamodb:Query supervision/index/findingsBySubject',
          ].sort(),
        );
        expect(caseIndexes).toHaveLength(4);
        // Reads the item a case is filed under, but no item index, and writes no item.
        expect(dynamoGrantsOf('cases').filter((g) => g.includes('items/index') || (g.endsWith(' items') && !/GetItem|Query/.test(g)))).toEqual([]);
        expect(TABLE_ACCESS.cases).toEqual({
          cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: ['departmentQueue', 'channelCases', 'supervision', 'licenceHolder'] },
          items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
          directory: { actions: ['dynamodb:GetItem'] },
          supervision: { actions: ['dynamodb:Query'], indexes: ['findingsBySubject'] },
        });
      });

      it('lets the cases function read and write objects under uploads/ and cases/ only, list the bucket, and delete nothing', () => {
        const grants = grantsOf('cases');
        const s3 = grants.filter((g) => g.action.startsWith('s3:'));
        const uploads = `${materialsArn()}/${MATERIALS_BUCKET.uploadsPrefix}*`;
        const cases = `${materialsArn()}/${MATERIALS_BUCKET.casesPrefix}*`;
        expect(s3.map((g) => `${g.action} ${g.resource}`).sort()).toEqual(
          [`s3:PutObject ${uploads}`, `s3:GetObject ${uploads}`, `s3:GetObject ${cases}`, `s3:PutObject ${cases}`, `s3:ListBucket ${materialsArn()}`].sort(),
        );
        // Listing: the bucket itself, unconditioned (so that a missing key is a 404, not a 403).
        for (const g of s3) expect(g.condition, g.action).toBeUndefined();
        // The object grants reach uploads/… and cases/…, nothing else in the bucket.
        const objectPatterns = s3.filter((g) => g.action !== 's3:ListBucket').map((g) => g.resource);
        expect(objectPatterns.every((p) => p === uploads || p === cases)).toBe(true);
        expect(globMatches(uploads, `${materialsArn()}/uploads/${CHANNELS.portal.id}/0b5c3f5e-1f3a-4a3b-9d1e-2f5a6c7d8e9f`)).toBe(true);
        expect(globMatches(cases, `${materialsArn()}/cases/2026-000001/0b5c3f5e`)).toBe(true);
        for (const elsewhere of [materialsArn(), `${materialsArn()}/uploadsx`, `${materialsArn()}/x/uploads/a`, `${materialsArn()}/casesx/a`, `${materialsArn()}/other/a`]) {
          expect(
            objectPatterns.some((p) => globMatches(p, elsewhere)),
            elsewhere,
          ).toBe(false);
        }
        for (const forbidden of [...NEVER, 's3:GetObjectVersion', 's3:PutObjectTagging', 's3:ListBucketVersions'])
          expect(
            grants.map((g) => g.action),
            forbidden,
          ).not.toContain(forbidden);
        expect(holdersOf(MATERIALS_ACCESS)).toEqual({
          cases: { uploads: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'], cases: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'] },
          archive: { cases: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'] },
        });
        expect(MATERIALS_LIST_ANY).toEqual(['cases']);
      });

      it('gives the cases function the data key for its tables (DynamoDB with the CMK) and for SSE-KMS objects, the workflow key for joint handling, and nothing else', () => {
        const grants = grantsOf('cases');
        const kms = grants.filter((g) => g.action.startsWith('kms:'));
        expect(new Set(kms.map((g) => g.resource))).toEqual(new Set([keyArn(), workflowKeyArn()]));
        // GenerateDataKey (new objects, copy targets) and Decrypt (reads, copy sources) are among them.
        expect(
          kms
            .filter((g) => g.resource === keyArn())
            .map((g) => g.action)
            .sort(),
        ).toEqual(TABLE_WRITE_KEY);
        // The encrypted executions: starting one, answering a task.
        expect(
          kms
            .filter((g) => g.resource === workflowKeyArn())
            .map((g) => g.action)
            .sort(),
        ).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
        // Everything it may do, and nothing else.
        expect(new Set(grants.map((g) => g.action))).toEqual(
          new Set([
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'xray:PutTraceSegments',
            'xray:PutTelemetryRecords',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            's3:PutObject',
            's3:GetObject',
            's3:ListBucket',
            'states:StartExecution',
            'states:SendTaskSuccess',
            'lambda:InvokeFunction',
            ...TABLE_WRITE_KEY,
          ]),
        );
        for (const g of grants.filter((x) => !x.action.startsWith('xray:'))) expect(g.resource, g.action).not.toBe('*');
      });

      it('lets only the cases function (and the archive function, reading cases/: test/infra/archive.test.ts) into the materials bucket: the catalogue, platform and sweep functions get no S3 action on it (the sweep: on the archive bucket alone)', () => {
        for (const fn of ['catalogue', 'platform', 'sweep'] as const) {
          const grants = grantsOf(fn);
          expect(grants.length, fn).toBeGreaterThan(0);
          expect(
            grants.filter((g) => (g.action.startsWith('s3:') && !(fn === 'sweep' && g.resource.includes('ArchiveBucket'))) || g.resource.includes(materialsArn())),
            fn,
          ).toEqual([]);
        }
        // No other policy of the API stack names the bucket.
        const naming = resources(api, 'AWS::IAM::Policy').filter(([, p]) =>
          (props(p).PolicyDocument as { Statement: { Resource: unknown }[] }).Statement.some((st) => [st.Resource].flat().some((r) => acrossStacks(r).includes(materialsArn()))),
        );
        expect(naming.map(([id]) => id).sort()).toEqual(
          [built.api.functions.cases, built.api.archive.function]
            .map((f) => built.api.getLogicalId(f.role!.node.findChild('DefaultPolicy').node.defaultChild as CfnElement))
            .sort(),
        );
      });

      describe('case sweep', () => {
        const sweepId = () => logicalId(built.api.sweep.function, built.api);
        const queueId = () => logicalId(built.api.sweep.deadLetters, built.api);

        it('is not an API function: no route, no method integrates it', () => {
          expect(FUNCTION_NAMES as readonly string[]).not.toContain('sweep');
          expect(ROUTE_TABLE.map((r) => r.function as string)).not.toContain('sweep');
          expect(resources(api, 'AWS::ApiGateway::Method').filter(([, m]) => JSON.stringify(props(m)).includes(sweepId()))).toEqual([]);
        });

        it("runs functions/sweep/handler.ts on Node 22 arm64, traced, one at a time, with CASES_TABLE, DIRECTORY_TABLE, ITEMS_TABLE (its calendar) and the Powertools variables (no ARCHIVE_BUCKET: the anchor journals are the anchoring function's)", () => {
          const fn = props(resources(api).find(([id]) => id === sweepId())?.[1]);
          expect(fn).toMatchObject({
            Runtime: 'nodejs22.x',
            Architectures: ['arm64'],
            Handler: 'index.handler',
            TracingConfig: { Mode: 'Active' },
            ReservedConcurrentExecutions: 1,
            // At most the interval (15 min here), at most 5 minutes.
            Timeout: 300,
            DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
          });
          expect(environmentOf('sweep')).toEqual({
            ...POWERTOOLS,
            CASES_TABLE: tableRef(built.data.casesTable),
            DIRECTORY_TABLE: tableRef(built.data.directoryTable),
            ITEMS_TABLE: tableRef(built.data.itemsTable),
            JOINT_STATE_MACHINE_ARN: `<${logicalId(built.api.joint.stateMachine, built.api)}>`,
            SEALING_FUNCTION_NAME: `<${logicalId(built.api.sealing, built.api)}>`,
            ARCHIVE_FUNCTION_NAME: `<${logicalId(built.api.archive.function, built.api)}>`,
          });
          // Its own log group, kept as long as the others.
          const logGroup = (fn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
          const group = resources(api, 'AWS::Logs::LogGroup').find(([id]) => id === logGroup)?.[1];
          expect(props(group).RetentionInDays).toBe(TEST_CONFIG.logRetentionDays);
          expect(group?.DeletionPolicy).toBe('Retain');
          const apiGroups = FUNCTION_NAMES.map(
            (n) => (props(resources(api).find(([id]) => id === logicalId(built.api.functions[n], built.api))?.[1]).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
          );
          expect(apiGroups).not.toContain(logGroup);
        });

        it('may get, put and query cases (the table, and the departmentQueue index alone), get the directory, query the calendar partition of items, use the data key, send to its dead-letter queue, start joint handling, invoke the sealing and archive functions; nothing of the archive bucket, its key or the archive seal key; nothing else', () => {
          expect(dynamoGrantsOf('sweep')).toEqual(
            [
              'dynamodb:GetItem cases',
              'dynamodb:PutItem cases',
              'dynamodb:Query cases',
              'dynamodb:Query cases/index/departmentQueue',
              'dynamodb:GetItem directory',
              'dynamodb:Query items[CALENDAR]',
            ].sort(),
          );
          const grants = grantsOf('sweep');
          expect(
            grants
              .filter((g) => g.action.startsWith('kms:'))
              .map((g) => `${g.action} ${g.resource}`)
              .sort(),
          ).toEqual([...TABLE_WRITE_KEY.map((a) => `${a} ${keyArn()}`), `kms:Decrypt ${workflowKeyArn()}`, `kms:GenerateDataKey ${workflowKeyArn()}`].sort());
          expect(grants.filter((g) => g.action.startsWith('s3:'))).toEqual([]);
          expect(grants.filter((g) => g.action.startsWith('sqs:')).map((g) => `${g.action} ${g.resource}`)).toEqual([`sqs:SendMessage <${queueId()}.Arn>`]);
          expect(new Set(grants.map((g) => g.action))).toEqual(
            new Set([
              'logs:CreateLogStream',
              'logs:PutLogEvents',
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'sqs:SendMessage',
              'states:StartExecution',
              'lambda:InvokeFunction',
              ...TABLE_WRITE_KEY,
            ]),
          );
          for (const forbidden of NEVER)
            expect(
              grants.map((g) => g.action),
              forbidden,
            ).not.toContain(forbidden);
          for (const g of grants.filter((x) => !x.action.startsWith('xray:'))) expect(g.resource, g.action).not.toBe('*');
          // Of the items table, the calendar partition alone.
          expect(grants.filter((g) => g.resource.includes(tableArn('items'))).map((g) => [g.action, calendarPartitionOf(g.condition)])).toEqual([['dynamodb:Query', 'CALENDAR']]);
        });

        it('leaves the anchor journals to the anchoring function: get and put the anchor hint, query the anchorQueue index, get the directory, use the data key, send to its dead-letter queue, write and read anchors/ of the archive bucket (its key through S3) and sign with the archive seal key; nothing else', () => {
          expect(dynamoGrantsOf('anchoring')).toEqual(
            ['dynamodb:GetItem cases', 'dynamodb:PutItem cases', 'dynamodb:Query cases/index/anchorQueue', 'dynamodb:GetItem directory'].sort(),
          );
          const grants = grantsOf('anchoring');
          const archiveBucket = `<${logicalId(built.data.archiveBucket, built.data)}.Arn>`;
          const archiveKey = `<${logicalId(built.data.archiveKey, built.data)}.Arn>`;
          const archiveSealKey = `<${logicalId(built.data.archiveSealKey, built.data)}.Arn>`;
          expect(
            grants
              .filter((g) => g.action.startsWith('kms:'))
              .map((g) => `${g.action} ${g.resource}`)
              .sort(),
          ).toEqual([...TABLE_WRITE_KEY.map((a) => `${a} ${keyArn()}`), `kms:Decrypt ${archiveKey}`, `kms:GenerateDataKey ${archiveKey}`, `kms:Sign ${archiveSealKey}`].sort());
          // The archive key through S3 alone; the archive seal key with its algorithm alone.
          for (const g of grants.filter((x) => x.resource === archiveKey)) expect(JSON.stringify(g.condition), g.action).toContain('kms:ViaService');
          expect(JSON.stringify(grants.find((g) => g.resource === archiveSealKey)?.condition)).toContain('"kms:SigningAlgorithm":"ECDSA_SHA_256"');
          expect(
            grants
              .filter((g) => g.action.startsWith('s3:'))
              .map((g) => `${g.action} ${g.resource}`)
              .sort(),
          ).toEqual(
            [
              `s3:ListBucket ${archiveBucket}`,
              `s3:PutObject ${archiveBucket}/anchors/*`,
              `s3:PutObjectRetention ${archiveBucket}/anchors/*`,
              `s3:GetObject ${archiveBucket}/anchors/*`,
            ].sort(),
          );
          expect(grants.filter((g) => g.action.startsWith('sqs:')).map((g) => `${g.action} ${g.resource}`)).toEqual([
            `sqs:SendMessage <${logicalId(built.api.failuresOf('anchoring').deadLetters, built.api)}.Arn>`,
          ]);
          expect(new Set(grants.map((g) => g.action))).toEqual(
            new Set([
              'logs:CreateLogStream',
              'logs:PutLogEvents',
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'sqs:SendMessage',
              's3:ListBucket',
              's3:PutObject',
              's3:PutObjectRetention',
              's3:GetObject',
              'kms:Sign',
              ...TABLE_WRITE_KEY,
            ]),
          );
          for (const forbidden of NEVER)
            expect(
              grants.map((g) => g.action),
              forbidden,
            ).not.toContain(forbidden);
          for (const g of grants.filter((x) => !x.action.startsWith('xray:'))) expect(g.resource, g.action).not.toBe('*');
          expect(environmentOf('anchoring')).toEqual({
            ...POWERTOOLS,
            CASES_TABLE: tableRef(built.data.casesTable),
            DIRECTORY_TABLE: tableRef(built.data.directoryTable),
            ARCHIVE_BUCKET: `<${logicalId(built.data.archiveBucket, built.data)}>`,
          });
        });

        it('is run by a schedule rule at the configured rate, with retries and the dead-letter queue; Lambda retries and keeps failed runs there too; so is each other scheduled function, by a rule of its own (the anchoring at the same rate, the publication hourly)', () => {
          expect(manifestsTriggeredBy('schedule').map((m) => m.name)).toEqual(['sweep', 'anchoring', 'publication']);
          expect(DEFAULT_SWEEP_INTERVAL_MINUTES).toBe(15);
          expect(PUBLICATION_INTERVAL_MINUTES).toBe(60);
          for (const [name, expression, seconds] of [
            ['sweep', 'rate(15 minutes)', 900],
            ['anchoring', 'rate(15 minutes)', 900],
            ['publication', 'rate(1 hour)', 3600],
          ] as const) {
            const fnId = logicalId(built.api.lambda(name), built.api);
            const { deadLetters, schedule } = built.api.failuresOf(name);
            // Its own rule (the deliveries function's feed and tick: test/infra/case-events.test.ts).
            const rules = resources(api, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r).Targets).includes(fnId));
            expect(
              rules.map(([id]) => id),
              name,
            ).toEqual([logicalId(schedule!, built.api)]);
            const rule = props(rules[0]![1]);
            expect(rule.ScheduleExpression, name).toBe(expression);
            expect(rule.State).toBe('ENABLED');
            expect(rule.Targets, name).toEqual([
              {
                Id: expect.any(String),
                Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
                DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(deadLetters, built.api), 'Arn'] } },
                RetryPolicy: { MaximumRetryAttempts: MANIFESTS[name].limits.retryAttempts, MaximumEventAgeInSeconds: seconds },
              },
            ]);
            // Only this rule may invoke the function.
            const permissions = resources(api, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(props(p).FunctionName).includes(fnId));
            expect(
              permissions.map(([, p]) => props(p)),
              name,
            ).toEqual([
              {
                Action: 'lambda:InvokeFunction',
                FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
                Principal: 'events.amazonaws.com',
                SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] },
              },
            ]);
            // A run that throws: Lambda retries, then drops the event into the function's dead-letter queue.
            const invokeConfigs = resources(api, 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(props(c).FunctionName).includes(fnId));
            expect(
              invokeConfigs.map(([, c]) => props(c)),
              name,
            ).toEqual([{ FunctionName: { Ref: fnId }, Qualifier: '$LATEST', MaximumRetryAttempts: MANIFESTS[name].limits.retryAttempts, MaximumEventAgeInSeconds: seconds }]);
            // One run at a time.
            expect(props(resources(api).find(([id]) => id === fnId)?.[1]).ReservedConcurrentExecutions, name).toBe(1);
          }
        });

        it('takes its rate and timeout from sweepIntervalMinutes', () => {
          for (const [minutes, expression, timeout] of [
            [1, 'rate(1 minute)', 60],
            [3, 'rate(3 minutes)', 180],
            [60, 'rate(1 hour)', 300],
            [1440, 'rate(1 day)', 300],
          ] as const) {
            const other = synth({ ...TEST_CONFIG, sweepIntervalMinutes: minutes });
            const template = Template.fromStack(other.api);
            template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: expression });
            const fn = props(resources(template).find(([id]) => id === other.api.getLogicalId(other.api.sweep.function.node.defaultChild as CfnElement))?.[1]);
            expect(fn.Timeout, String(minutes)).toBe(timeout);
            // The anchoring runs at the sweep's rate; the publication hourly whatever the sweep's.
            const ruleOf = (name: 'anchoring' | 'publication') =>
              props(resources(template).find(([id]) => id === other.api.getLogicalId(other.api.failuresOf(name).schedule!.node.defaultChild as CfnElement))?.[1]);
            expect(ruleOf('anchoring').ScheduleExpression, String(minutes)).toBe(expression);
            expect(ruleOf('publication').ScheduleExpression, String(minutes)).toBe('rate(1 hour)');
            const anchoring = props(resources(template).find(([id]) => id === other.api.getLogicalId(other.api.lambda('anchoring').node.defaultChild as CfnElement))?.[1]);
            expect(anchoring.Timeout, String(minutes)).toBe(timeout);
            // Events keep no longer than Lambda (6 h) and EventBridge (24 h) allow.
            template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: Math.max(60, Math.min(minutes * 60, 6 * 3600)) });
            template.hasResourceProperties('AWS::Events::Rule', {
              Targets: [Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: Math.max(60, Math.min(minutes * 60, 24 * 3600)) }) })],
            });
          }
        });

        it("keeps failed runs in an encrypted, TLS-only queue that only the rule (and the function's role) may send to; so does each other scheduled function, in a queue of its own", () => {
          // And the archive function's (test/infra/archive.test.ts) and the relays' (test/infra/case-events.test.ts).
          const consumers = manifestsTriggeredBy('queue').flatMap((m) => Object.values(built.api.lambdaQueues(m.name)));
          const others = [built.api.archive.deadLetters, built.api.relay.deadLetters, built.api.feedbackRelay.deadLetters, ...consumers].map((q) => logicalId(q, built.api));
          const scheduled = manifestsTriggeredBy('schedule').map((m) => built.api.failuresOf(m.name));
          expect(logicalId(scheduled[0]!.deadLetters, built.api)).toBe(queueId());
          const queues = resources(api, 'AWS::SQS::Queue').filter(([id]) => !others.includes(id));
          expect(queues.map(([id]) => id).sort()).toEqual(scheduled.map((s) => logicalId(s.deadLetters, built.api)).sort());
          for (const { deadLetters, schedule } of scheduled) {
            const id = logicalId(deadLetters, built.api);
            expect(props(queues.find(([q]) => q === id)![1]), id).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
            const [policy, ...more] = resources(api, 'AWS::SQS::QueuePolicy').filter(([, p]) => JSON.stringify(props(p).Queues).includes(id));
            expect(more).toEqual([]);
            const statements = (props(policy![1]).PolicyDocument as { Statement: Cfn[] }).Statement;
            expect(statements, id).toEqual(
              expect.arrayContaining([
                expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
                expect.objectContaining({
                  Effect: 'Allow',
                  Principal: { Service: 'events.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(schedule!, built.api), 'Arn'] } } },
                }),
              ]),
            );
            expect(statements).toHaveLength(2);
          }
        });

        it("alarms on the function's errors, on SweepFailures (namespace Tongban, service tongban) and on messages in the dead-letter queue; the anchoring function on AnchoringFailures, the publication on PublicationFailures (each over its interval)", () => {
          const alarms = Object.fromEntries(resources(api, 'AWS::CloudWatch::Alarm').map(([, a]) => [props(a).AlarmName as string, props(a)]));
          // And joint handling's (test/infra/joint-handling.test.ts), the archive function's (test/infra/archive.test.ts) and the relays' (test/infra/case-events.test.ts);
          // beside the manifests', the platform's own (test/infra/operations.test.ts): the API's, every function's throttles, and the errors of those whose manifest has none.
          const platformOwn =
            /^tongban-test-(api-5xx|api-latency|[a-z-]+-throttles|(cases|catalogue|evaluations|events|platform|seals|statistics|supervision|tickets|sealing|joint|relay|feedback-relay|anchoring|publication)-errors)$/;
          expect(
            Object.keys(alarms)
              .filter((name) => !platformOwn.test(name))
              .sort(),
          ).toEqual([
            'tongban-test-anchoring-dead-letters',
            'tongban-test-anchoring-failed',
            'tongban-test-archive-dead-letters',
            'tongban-test-archive-errors',
            'tongban-test-archive-failed',
            'tongban-test-calendar-ending',
            'tongban-test-deliveries-dead-letters',
            'tongban-test-deliveries-errors',
            'tongban-test-deliveries-parked',
            'tongban-test-feedback-relay-dead-letters',
            'tongban-test-findings-escalated',
            'tongban-test-follow-up-given-up',
            'tongban-test-joint-handling-failed',
            'tongban-test-publication-dead-letters',
            'tongban-test-relay-dead-letters',
            'tongban-test-statistics-publication-failed',
            'tongban-test-sweep-dead-letters',
            'tongban-test-sweep-errors',
            'tongban-test-sweep-failures',
            'tongban-test-tally-dead-letters',
            'tongban-test-tally-errors',
            'tongban-test-watch-dead-letters',
            'tongban-test-watch-errors',
          ]);
          const aboveZero = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' };
          expect(alarms['tongban-test-sweep-errors']).toMatchObject({
            ...aboveZero,
            Namespace: 'AWS/Lambda',
            MetricName: 'Errors',
            Statistic: 'Sum',
            Period: 900,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: sweepId() } }],
          });
          // As Powertools emits it (functions/http/observability.ts: namespace Tongban, serviceName tongban).
          expect(alarms['tongban-test-sweep-failures']).toMatchObject({
            ...aboveZero,
            Namespace: 'Tongban',
            MetricName: 'SweepFailures',
            Statistic: 'Maximum',
            Period: 900,
            Dimensions: [{ Name: 'service', Value: 'tongban' }],
          });
          expect(readFileSync(join(ROOT, 'functions/sweep/handler.ts'), 'utf8')).toContain("'SweepFailures'");
          expect(alarms['tongban-test-anchoring-failed']).toMatchObject({
            ...aboveZero,
            Namespace: 'Tongban',
            MetricName: 'AnchoringFailures',
            Statistic: 'Maximum',
            Period: 900,
            Dimensions: [{ Name: 'service', Value: 'tongban' }],
          });
          expect(readFileSync(join(ROOT, 'functions/anchoring/handler.ts'), 'utf8')).toContain("'AnchoringFailures'");
          expect(readFileSync(join(ROOT, 'functions/sweep/handler.ts'), 'utf8')).not.toContain('AnchoringFailures');
          // One datapoint an hour: the publication's interval.
          expect(alarms['tongban-test-statistics-publication-failed']).toMatchObject({
            ...aboveZero,
            Namespace: 'Tongban',
            MetricName: 'PublicationFailures',
            Statistic: 'Maximum',
            Period: 3600,
            Dimensions: [{ Name: 'service', Value: 'tongban' }],
          });
          expect(readFileSync(join(ROOT, 'functions/publication/handler.ts'), 'utf8')).toContain("'PublicationFailures'");
          expect(readFileSync(join(ROOT, 'functions/tally/handler.ts'), 'utf8')).not.toContain('PublicationFailures');
          expect(readFileSync(join(ROOT, 'functions/http/observability.ts'), 'utf8')).toContain("new Metrics({ namespace: 'Tongban', serviceName: 'tongban' })");
          expect(alarms['tongban-test-sweep-dead-letters']).toMatchObject({
            ...aboveZero,
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Statistic: 'Maximum',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
          });
          // 60 days before the loaded holiday data ends (each run publishes the days left).
          expect(alarms['tongban-test-calendar-ending']).toMatchObject({
            Namespace: 'Tongban',
            MetricName: 'CalendarDaysLeft',
            Statistic: 'Minimum',
            Period: 900,
            Threshold: CALENDAR_WARNING_DAYS,
            ComparisonOperator: 'LessThanThreshold',
            EvaluationPeriods: 1,
            TreatMissingData: 'notBreaching',
          });
          expect(CALENDAR_WARNING_DAYS).toBe(60);
          expect(readFileSync(join(ROOT, 'functions/sweep/handler.ts'), 'utf8')).toContain("'CalendarDaysLeft'");
        });
      });
    });

    it('keeps every log group at least 365 days (the configured retention; six months are more than CloudWatch’s 180), retained', () => {
      const groups = resources(api, 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length + 1);
      for (const [, group] of groups) {
        expect(props(group).RetentionInDays).toBe(TEST_CONFIG.logRetentionDays);
        expect(props(group).RetentionInDays as number).toBeGreaterThanOrEqual(365);
        expect(group.DeletionPolicy).toBe('Retain');
      }
    });
  });

  describe('REST API', () => {
    it('has exactly one method per route, IAM-authorised unless the route is public', () => {
      const paths = apiResourcePaths(api);
      const methods = resources(api, 'AWS::ApiGateway::Method').map(([, m]) => {
        const p = props(m);
        const resourceId = p.ResourceId as Cfn;
        const path = resourceId.Ref ? paths.get(resourceId.Ref as string)! : '/';
        return { key: `${p.HttpMethod as string} ${path}`, auth: p.AuthorizationType, validator: p.RequestValidatorId, params: p.RequestParameters as Cfn | undefined };
      });
      expect(methods).toHaveLength(ROUTE_TABLE.length);
      expect(new Set(methods.map((m) => m.key))).toEqual(new Set(ROUTE_TABLE.map((r) => `${r.method} ${r.path}`)));
      for (const m of methods) {
        const route = ROUTE_TABLE.find((r) => `${r.method} ${r.path}` === m.key)!;
        expect(m.auth, m.key).toBe(route.auth === 'public' ? 'NONE' : 'AWS_IAM');
        expect(m.validator, m.key).toBeDefined();
        for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) expect(m.params?.[`method.request.path.${name}`], m.key).toBe(true);
      }
      const publicKeys = methods.filter((m) => m.auth === 'NONE').map((m) => m.key);
      expect(publicKeys.sort()).toEqual(
        ROUTE_TABLE.filter((r) => r.auth === 'public')
          .map((r) => `${r.method} ${r.path}`)
          .sort(),
      );
      expect(publicKeys.sort()).toEqual([
        'GET /health',
        'GET /v1/.well-known/jwks.json',
        'GET /v1/openapi.json',
        'GET /v1/public/statistics',
        'GET /v1/public/statistics/documents/{month}',
      ]);
    });

    it("answers API Gateway's own refusals (signature, IAM, size, throttling, WAF) in the platform's error envelope", () => {
      const responses = resources(api, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => props(r));
      const byType = Object.fromEntries(responses.map((r) => [r.ResponseType as string, r]));
      for (const [type, code] of [
        ['MISSING_AUTHENTICATION_TOKEN', 'SIGNATURE_MISSING'],
        ['INVALID_SIGNATURE', 'SIGNATURE_MISMATCH'],
        ['EXPIRED_TOKEN', 'SIGNATURE_EXPIRED'],
        ['ACCESS_DENIED', 'ROUTE_FORBIDDEN'],
        ['REQUEST_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
      ] as const) {
        const r = byType[type];
        expect(r, type).toBeDefined();
        expect(r!.StatusCode).toBe(String(GATEWAY_ERRORS[code].status));
        const body = JSON.parse((r!.ResponseTemplates as Record<string, string>)['application/json']!) as { error: Record<string, string> };
        expect(body.error).toMatchObject({ code, messageZh: GATEWAY_ERRORS[code].messageZh, requestId: '$context.requestId' });
      }
      // the catch-alls keep API Gateway's status and pass its message on, as valid JSON
      for (const [type, code] of [
        ['DEFAULT_4XX', 'REQUEST_REFUSED'],
        ['DEFAULT_5XX', 'GATEWAY_ERROR'],
      ] as const) {
        const r = byType[type];
        expect(r?.StatusCode, type).toBeUndefined();
        const template = (r!.ResponseTemplates as Record<string, string>)['application/json']!;
        expect(template).toContain('"message":$context.error.messageString');
        const sample = JSON.parse(template.replace('$context.error.messageString', JSON.stringify('Unsupported Media Type'))) as { error: Record<string, string> };
        expect(sample.error).toMatchObject({ code, message: 'Unsupported Media Type', responseType: '$context.error.responseType' });
      }
    });

    it('is REGIONAL and validates request parameters and bodies', () => {
      api.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'tongban-test', EndpointConfiguration: { Types: ['REGIONAL'] } });
      api.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
      api.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    });

    it('logs access as JSON, logs execution at INFO without bodies, traces and throttles', () => {
      const [, stage] = resources(api, 'AWS::ApiGateway::Stage')[0]!;
      const p = props(stage);
      expect(p.StageName).toBe('test');
      expect(p.TracingEnabled).toBe(true);
      const access = p.AccessLogSetting as { DestinationArn: unknown; Format: string };
      expect(access.DestinationArn).toBeDefined();
      const format = JSON.parse(access.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', userArn: '$context.identity.userArn', status: '$context.status' });
      expect(p.MethodSettings).toEqual([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'INFO',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: expect.any(Number),
          ThrottlingBurstLimit: expect.any(Number),
        }),
      ]);
    });

    it('sits behind a regional WAF web ACL with the AWS common rules and a rate limit', () => {
      api.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: Match.anyValue() }) } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }) } }),
        ]),
      });
      const [stageId] = resources(api, 'AWS::ApiGateway::Stage')[0]!;
      const [aclId] = resources(api, 'AWS::WAFv2::WebACL')[0]!;
      const [, association] = resources(api, 'AWS::WAFv2::WebACLAssociation')[0]!;
      expect(props(association).WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      expect(JSON.stringify(props(association).ResourceArn)).toContain(stageId);
    });

    it('outputs the API URL and the pattern of the principal role ARNs, not one output per principal', () => {
      const outputs = api.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'ExecuteApiArnPrefix', 'PrincipalRoleArnPattern']));
      expect(Object.keys(outputs).some((o) => o.startsWith('RoleArn'))).toBe(false);
      const pattern = flatten(outputs.PrincipalRoleArnPattern!.Value);
      expect(pattern).toBe('arn:<AWS::Partition>:iam::<AWS::AccountId>:role/tongban-test-<name>');
      // Each created role's ARN is the pattern with its principal's name.
      for (const p of TEST_CONFIG.principals.filter((x) => 'trustedAccount' in x)) {
        expect(
          resources(principals, 'AWS::IAM::Role').some(([, r]) => props(r).RoleName === pattern.replace(/^.*:role\//, '').replace('<name>', p.name)),
          p.name,
        ).toBe(true);
      }
    });
  });

  describe('principal roles', () => {
    function role(name: string): { props: Cfn; invokes: string[] } {
      const found = resources(principals, 'AWS::IAM::Role').find(([, r]) => props(r).RoleName === `tongban-test-${name}`);
      if (!found) throw new Error(`no role for ${name}`);
      const p = props(found[1]);
      // Its grants come from the policies attached to it (one per platform role, shared); it holds none of its own.
      expect(p.Policies, name).toBeUndefined();
      expect(p.ManagedPolicyArns, name).toBeUndefined();
      // The invoke policy of its kind (an auditor's role also holds the archive reading: test/infra/archive.test.ts).
      const attached = resources(principals, 'AWS::IAM::ManagedPolicy').filter(
        ([, r]) => String(props(r).ManagedPolicyName).startsWith('tongban-test-invoke-') && ((props(r).Roles ?? []) as { Ref: string }[]).some((x) => x.Ref === found[0]),
      );
      expect(attached, name).toHaveLength(1);
      const statements = (props(attached[0]![1]).PolicyDocument as { Statement: { Action: string; Resource: unknown[] }[] }).Statement;
      expect(new Set(statements.map((s) => s.Action))).toEqual(new Set(['execute-api:Invoke']));
      const apiId = resources(api, 'AWS::ApiGateway::RestApi')[0]![0];
      // The API is the API stack's: named by its output of the API's id.
      const apiOutput = Object.entries(api.toJSON().Outputs as Record<string, { Value: unknown }>).find(([, o]) => JSON.stringify(o.Value) === JSON.stringify({ Ref: apiId }))![0];
      // arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>, reduced to METHOD/path.
      const invokes = statements
        .flatMap((s) => s.Resource)
        .map((r) => {
          const text = flatten(r);
          const prefix = `:<Tongban-test-Api.${apiOutput}>/test/`;
          expect(text).toContain(prefix);
          return text.slice(text.indexOf(prefix) + prefix.length);
        });
      return { props: p, invokes };
    }
    const sample = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method}${r.path.replace(/\{[^}]+\}/g, 'SAMPLE')}`;
    const mayInvoke = (invokes: string[], method: string, path: string) => invokes.some((pattern) => globMatches(pattern, sample({ method: method as RouteSpec['method'], path })));

    /** The role's one trust statement: a named principal's also lets the assumer set the source identity (under the same conditions). */
    function trust(name: string): { principal: string; condition: unknown } {
      const statement = (role(name).props.AssumeRolePolicyDocument as { Statement: { Principal: { AWS: unknown }; Action: unknown; Effect: string; Condition?: unknown }[] })
        .Statement;
      expect(statement, name).toHaveLength(1);
      const named = TEST_CONFIG.principals.find((p) => p.name === name)!.role !== 'channel';
      expect(statement[0]!.Action, name).toEqual(named ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : 'sts:AssumeRole');
      expect(statement[0]!.Effect).toBe('Allow');
      expect(Object.keys(statement[0]!.Principal)).toEqual(['AWS']);
      return { principal: flatten(statement[0]!.Principal.AWS), condition: flattenDeep(statement[0]!.Condition) };
    }

    it('creates tongban-<stage>-<name> for each trustedAccount principal, with one-hour sessions', () => {
      for (const p of TEST_CONFIG.principals.filter((x) => 'trustedAccount' in x)) expect(role(p.name).props.MaxSessionDuration, p.name).toBe(3600);
    });

    it('trusts only the configured account ("self": the deploying one), narrowed to trustedPrincipalArns and externalId', () => {
      const here = 'arn:<AWS::Partition>:iam::<AWS::AccountId>';
      expect(trust('reviewer')).toEqual({
        principal: `${here}:root`,
        condition: { ArnLike: { 'aws:PrincipalArn': [`${here}:role/tongban-reviewers`, `${here}:role/platform-ops-*`] }, ...NAMED },
      });
      expect(trust('auditor')).toEqual({ principal: 'arn:<AWS::Partition>:iam::111111111111:root', condition: NAMED });
      expect(trust('portal')).toEqual({
        principal: 'arn:<AWS::Partition>:iam::222222222222:root',
        condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/portal/gateway-*'] }, StringEquals: { 'sts:ExternalId': PORTAL_EXTERNAL_ID } },
      });
      expect(trust('market')).toEqual({
        principal: 'arn:<AWS::Partition>:iam::333333333333:root',
        condition: { ArnLike: { 'aws:PrincipalArn': ['arn:<AWS::Partition>:iam::333333333333:user/integration/market-sync'] }, ...NAMED },
      });
    });

    it('warns at synth of a named role that trusts a whole account (no trustedPrincipalArns): whoever may assume it could name any officer', () => {
      // Act
      const warnings = Annotations.fromStack(built.principals).findWarning('*', Match.stringLikeRegexp('acts through named officers but trusts every identity'));
      // Assess: the auditor (account 111111111111, no trustedPrincipalArns) alone; the reviewer and the market name theirs, the portal is no named role.
      expect(warnings.map((w) => JSON.stringify(w.entry.data))).toEqual([
        expect.stringContaining('principal auditor (auditor) acts through named officers but trusts every identity of account 111111111111'),
      ]);
    });

    it("lets a department's, reviewer's or auditor's role be assumed only with the officer's source identity as its session name; a channel's needs none", () => {
      // The conditions STS evaluates for sts:AssumeRole and sts:SetSourceIdentity alike: a source identity
      // is set, and the session is named after it (the name API Gateway reports, the edge records).
      for (const name of ['reviewer', 'auditor', 'market']) {
        const { condition } = trust(name) as { condition: Record<string, Record<string, string>> };
        expect(condition.Null, name).toEqual({ 'sts:SourceIdentity': 'false' });
        expect(condition.StringEquals, name).toEqual({ 'sts:RoleSessionName': '${sts:SourceIdentity}' });
      }
      const portal = trust('portal') as { condition: Record<string, Record<string, string>> };
      expect(portal.condition.Null).toBeUndefined();
      expect(portal.condition.StringEquals).toEqual({ 'sts:ExternalId': PORTAL_EXTERNAL_ID });
    });

    it('creates nothing for a principal that brings its own arn', () => {
      expect(resources(principals, 'AWS::IAM::Role').some(([, r]) => String(props(r).RoleName).includes('housing'))).toBe(false);
    });

    it('lets each role invoke exactly the routes whose roles include it', () => {
      for (const p of TEST_CONFIG.principals.filter((x) => 'trustedAccount' in x)) {
        const { invokes } = role(p.name);
        const expected = routesInvokableBy(p.role as 'platform').map(invokeResourcePath);
        expect(new Set(invokes), p.name).toEqual(new Set(expected));
        for (const route of ROUTE_TABLE.filter((r) => r.auth === 'iam')) {
          expect(mayInvoke(invokes, route.method, route.path), `${p.name} ${route.method} ${route.path}`).toBe((route.roles ?? []).includes(p.role as 'platform'));
        }
      }
    });

    it('grants the routes once per platform role: one policy tongban-<stage>-invoke-<role> per role with principals, attached to its roles alone', () => {
      const policies = resources(principals, 'AWS::IAM::ManagedPolicy').filter(([, r]) => String(props(r).ManagedPolicyName).startsWith('tongban-test-invoke-'));
      const roleIdOf = (name: string) => resources(principals, 'AWS::IAM::Role').find(([, r]) => props(r).RoleName === `tongban-test-${name}`)![0];
      const byKind = Object.fromEntries(policies.map(([, r]) => [props(r).ManagedPolicyName, ((props(r).Roles ?? []) as { Ref: string }[]).map((x) => x.Ref)]));
      const withRole = TEST_CONFIG.principals.filter((x) => 'trustedAccount' in x);
      const kinds = [...new Set(withRole.map((p) => p.role))];
      expect(Object.keys(byKind).sort()).toEqual(kinds.map((k) => `tongban-test-invoke-${k}`).sort());
      for (const kind of kinds) {
        expect(new Set(byKind[`tongban-test-invoke-${kind}`]), kind).toEqual(new Set(withRole.filter((p) => p.role === kind).map((p) => roleIdOf(p.name))));
      }
      // The acknowledgements of the path parameters' wildcards are the policy's, once, and no role carries any.
      for (const [, r] of policies) expect(JSON.stringify(r)).toContain('AwsSolutions-IAM5');
      for (const [, r] of resources(principals, 'AWS::IAM::Role').filter(([, x]) => String(props(x).RoleName).startsWith('tongban-test-'))) {
        expect(JSON.stringify((r as { Metadata?: unknown }).Metadata ?? {})).not.toContain('execute-api');
      }
    });

    it('keeps a channel away from review and drafting, and a department away from review', () => {
      const portal = role('portal').invokes;
      expect(mayInvoke(portal, 'POST', '/v1/items/{code}/review')).toBe(false);
      expect(mayInvoke(portal, 'POST', '/v1/items')).toBe(false);
      expect(mayInvoke(portal, 'GET', '/v1/items/{code}')).toBe(true);
      const market = role('market').invokes;
      expect(mayInvoke(market, 'POST', '/v1/items/{code}/review')).toBe(false);
      expect(mayInvoke(market, 'POST', '/v1/items')).toBe(true);
      expect(mayInvoke(role('reviewer').invokes, 'POST', '/v1/items/{code}/review')).toBe(true);
      expect(mayInvoke(role('auditor').invokes, 'PUT', '/v1/items/{code}')).toBe(false);
    });

    it('lets channel (materials) and department (opinion attachments) roles invoke POST /v1/materials/uploads, and no platform or auditor role', () => {
      const route = ROUTE_TABLE.find((r) => r.method === 'POST' && r.path === '/v1/materials/uploads');
      expect(route).toMatchObject({ function: 'cases', auth: 'iam', roles: ['channel', 'department'] });
      expect(role('portal').invokes).toContain('POST/v1/materials/uploads');
      for (const allowed of ['portal', 'market']) expect(mayInvoke(role(allowed).invokes, 'POST', '/v1/materials/uploads'), allowed).toBe(true);
      for (const other of ['reviewer', 'auditor']) expect(mayInvoke(role(other).invokes, 'POST', '/v1/materials/uploads'), other).toBe(false);
    });

    it('keeps each case route to its roles: channels file, supplement and withdraw; departments accept, decide and read their queue; the platform supervises', () => {
      const portal = role('portal').invokes;
      const market = role('market').invokes;
      const reviewer = role('reviewer').invokes;
      const auditor = role('auditor').invokes;
      const may = (invokes: string[], method: string, path: string) => mayInvoke(invokes, method, path);
      // Channel
      for (const [method, path] of [
        ['POST', '/v1/cases'],
        ['GET', '/v1/cases'],
        ['GET', '/v1/cases/{caseNo}'],
        ['GET', '/v1/cases/{caseNo}/history'],
        ['GET', '/v1/cases/{caseNo}/material'],
        ['POST', '/v1/cases/{caseNo}/supplement'],
        ['POST', '/v1/cases/{caseNo}/withdraw'],
      ] as const)
        expect(may(portal, method, path), `portal ${method} ${path}`).toBe(true);
      for (const action of ['accept', 'supplement-request', 'refuse', 'pause', 'resume', 'decide', 'opinions'])
        expect(may(portal, 'POST', `/v1/cases/{caseNo}/${action}`), `portal ${action}`).toBe(false);
      expect(may(portal, 'GET', '/v1/queue')).toBe(false);
      expect(may(portal, 'GET', '/v1/queue/opinions')).toBe(false);
      expect(may(portal, 'GET', '/v1/supervision/{kind}')).toBe(false);
      // Department
      for (const action of ['accept', 'supplement-request', 'refuse', 'pause', 'resume', 'decide', 'opinions'])
        expect(may(market, 'POST', `/v1/cases/{caseNo}/${action}`), `market ${action}`).toBe(true);
      for (const [method, path] of [
        ['GET', '/v1/queue'],
        ['GET', '/v1/queue/opinions'],
        ['POST', '/v1/materials/uploads'],
        ['GET', '/v1/cases/{caseNo}'],
        ['GET', '/v1/cases/{caseNo}/history'],
        ['GET', '/v1/cases/{caseNo}/material'],
      ] as const)
        expect(may(market, method, path), `market ${method} ${path}`).toBe(true);
      for (const [method, path] of [
        ['POST', '/v1/cases'],
        ['GET', '/v1/cases'],
        ['POST', '/v1/cases/{caseNo}/supplement'],
        ['POST', '/v1/cases/{caseNo}/withdraw'],
        ['GET', '/v1/supervision/{kind}'],
      ] as const)
        expect(may(market, method, path), `market ${method} ${path}`).toBe(false);
      // Platform: supervision, reading a licence, accepting an ended case's archive findings and taking up a follow-up given up; no case to read or act on otherwise.
      const PLATFORM_CASE_ROUTES = ['/v1/supervision/{kind}', '/v1/licences/{licenceId}', '/v1/cases/{caseNo}/accept-archive-findings', '/v1/cases/{caseNo}/retry-follow-up'];
      for (const path of PLATFORM_CASE_ROUTES) expect(may(reviewer, path.startsWith('/v1/cases/') ? 'POST' : 'GET', path), `reviewer ${path}`).toBe(true);
      for (const route of ROUTE_TABLE.filter((r) => r.function === 'cases' && !PLATFORM_CASE_ROUTES.includes(r.path)))
        expect(may(reviewer, route.method, route.path), `reviewer ${route.method} ${route.path}`).toBe(false);
      // The auditor: reading a licence and a case's history (to check it against the anchor journals), no other case route —
      // not a live case's files either (GET /v1/cases/{caseNo}/material): an ended case's are in its archive bundle.
      const AUDITOR_CASE_ROUTES = ['/v1/licences/{licenceId}', '/v1/cases/{caseNo}/history'];
      for (const path of AUDITOR_CASE_ROUTES) expect(may(auditor, 'GET', path), `auditor ${path}`).toBe(true);
      for (const route of ROUTE_TABLE.filter((r) => r.function === 'cases' && !AUDITOR_CASE_ROUTES.includes(r.path)))
        expect(may(auditor, route.method, route.path), `auditor ${route.method} ${route.path}`).toBe(false);
      // The patterns as IAM matches them (`*` also matches `/`): a department's GET/v1/cases/* reaches
      // history (allowed) but not the channel's list, and no channel pattern reaches a department action.
      expect(market).toContain('GET/v1/cases/*');
      expect(market.some((p) => globMatches(p, 'GET/v1/cases'))).toBe(false);
      expect(market.some((p) => globMatches(p, 'POST/v1/cases'))).toBe(false);
      // A file is named in the query, never in the path: the auditor's GET/v1/cases/*/history cannot match a
      // material that happens to be called "history" (a path GET/v1/cases/{caseNo}/materials/{name} would).
      const material = ROUTE_TABLE.find((r) => r.operationId === 'getCaseMaterial')!;
      expect(invokeResourcePath(material)).toBe('GET/v1/cases/*/material');
      expect(auditor.some((p) => globMatches(p, 'GET/v1/cases/2026-000001/materials/history'))).toBe(true);
      for (const action of ['accept', 'supplement-request', 'refuse', 'pause', 'resume', 'decide'])
        expect(
          portal.some((p) => globMatches(p, `POST/v1/cases/2026-000001/${action}`)),
          action,
        ).toBe(false);
    });

    it('refuses at synth a route table whose wildcards would reach a forbidden route', () => {
      expect(() => assertNoWildcardOverreach()).not.toThrow();
      expect(globMatches(invokeResourcePath({ method: 'GET', path: '/v1/items/{code}' }), 'GET/v1/items/x/versions/1')).toBe(true);
    });
  });

  describe('directory record', () => {
    function directoryWrite(which: 'Create' | 'Update') {
      const [, cr] = resources(data, 'Custom::TongbanDirectory')[0]!;
      // The created roles are the principals stack's: the record names them by their fixed ARNs, in the deploying account.
      const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': '999999999999' };
      const call = JSON.parse(flatten(props(cr)[which], (ref) => pseudo[ref])) as {
        service: string;
        action: string;
        parameters: { TableName: string; Item: Record<string, { S: string }> };
      };
      return call;
    }

    it('puts one item { pk: directory, doc, digest } into the directory table, on create and on update', () => {
      for (const which of ['Create', 'Update'] as const) {
        const call = directoryWrite(which);
        expect(call.service).toBe('DynamoDB');
        expect(call.action).toBe('putItem');
        expect(call.parameters.TableName).toContain('DirectoryTable');
        expect(Object.keys(call.parameters.Item).sort()).toEqual(['digest', 'doc', 'pk']);
        expect(call.parameters.Item.pk!.S).toBe(DIRECTORY_TABLE.directoryKey);
        expect(call.parameters.Item.digest!.S).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('digests the directory: sha256 of its JSON, the created roles written arn:${AWS::Partition}:iam::${AWS::AccountId}:role/<name>, the archive seal key key:<alias>; no seals (the seal-key stacks write them)', () => {
      const [, cr] = resources(data, 'Custom::TongbanDirectory')[0]!;
      // The created roles' ARNs from their fixed names, with the pseudo parameters as the digest writes them.
      const pseudo = (ref: string) => (ref.startsWith('AWS::') ? `\${${ref}}` : undefined);
      // The archive seal key's ARN: its alias, as the digest writes it.
      const aliases = new Map(resources(data, 'AWS::KMS::Alias').map(([, a]) => [flatten(props(a).TargetKeyId), props(a).AliasName as string]));
      const doc = flatten(props(cr).Create, pseudo).replace(/<[A-Za-z0-9]+\.Arn>/g, (ref) => {
        const alias = aliases.get(ref);
        return alias !== undefined ? `key:${alias}` : ref;
      });
      const item = (JSON.parse(doc) as { parameters: { Item: Record<string, { S: string }> } }).parameters.Item;
      expect(item.doc!.S).toContain('"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/tongban-test-reviewer"');
      expect(item.doc!.S).not.toContain('"seals"');
      expect(item.doc!.S).toContain('"archiveKey":{"keyId":"key:alias/tongban-test-archive-seal","alg":"ES256"}');
      // The principals people act through are named (the edge requires and records their officers); channels are not.
      const principals = (JSON.parse(item.doc!.S) as { principals: { name: string; named?: boolean }[] }).principals;
      expect(principals.filter((p) => p.named).map((p) => p.name)).toEqual(['reviewer', 'auditor', 'market', 'housing-own']);
      expect(item.digest!.S).toBe(createHash('sha256').update(item.doc!.S).digest('hex'));
    });

    it('is the same on every synth of the same configuration (no synth time), and changes with the directory', () => {
      const directoryProps = (stack: Stack) => resources(Template.fromStack(stack), 'Custom::TongbanDirectory').map(([id, r]) => [id, props(r)]);
      const again = synth(TEST_CONFIG);
      expect(directoryProps(again.data)).toEqual(directoryProps(built.data));
      expect(Template.fromStack(again.api).toJSON()).toEqual(api.toJSON());
      expect(Template.fromStack(again.data).toJSON()).toEqual(data.toJSON());
      const renamed = synth({ ...TEST_CONFIG, channels: [{ ...CHANNELS.portal, name: `${CHANNELS.portal.name}（新）` }] });
      const digestOf = (stack: Stack) => JSON.stringify(directoryProps(stack)).match(/digest[^0-9a-f]+([0-9a-f]{64})/)![1];
      expect(digestOf(renamed.data)).not.toBe(digestOf(built.data));
    });

    it('holds a directory that DirectorySchema accepts, with the created roles and the given arn', () => {
      const doc = DirectorySchema.parse(JSON.parse(directoryWrite('Create').parameters.Item.doc!.S));
      expect(doc.departments).toEqual(TEST_CONFIG.departments);
      expect(doc.channels).toEqual(TEST_CONFIG.channels);
      expect(doc.principals.map((p) => [p.name, p.arn])).toEqual([
        ['reviewer', 'arn:aws:iam::999999999999:role/tongban-test-reviewer'],
        ['auditor', 'arn:aws:iam::999999999999:role/tongban-test-auditor'],
        ['portal', 'arn:aws:iam::999999999999:role/tongban-test-portal'],
        ['market', 'arn:aws:iam::999999999999:role/tongban-test-market'],
        ['housing-own', 'arn:aws:iam::444444444444:role/housing-integration'],
      ]);
      expect(doc.principals.find((p) => p.name === 'market')).toMatchObject({ role: 'department', departmentId: DEPARTMENTS.market.id });
    });
  });

  describe('cdk-nag (AWS Solutions)', () => {
    it('has no unacknowledged error or warning in any stack', () => {
      for (const stack of stacksOf(built)) {
        expect(nagFindings(stack), stack.stackName).toEqual([]);
        const annotations = Annotations.fromStack(stack);
        expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')), stack.stackName).toEqual([]);
        expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
      }
    });

    it('runs the AwsSolutions, NIST 800-53 rev. 5 and Serverless packs on every synth: a resource with an unacknowledged finding of any of them fails it', () => {
      // Arrange: the app as cdk.json builds it, plus a queue nothing acknowledges.
      const app = newApp(TEST_CONFIG);
      const stray = buildTongbanApp(app);
      new Queue(stray.api, 'StrayQueue', { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED });
      // Act / Assess: AwsSolutions (no dead-letter queue), Serverless (no redrive policy) both refuse it.
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*Serverless-SQSRedrivePolicy|Serverless-SQSRedrivePolicy[\s\S]*AwsSolutions-SQS3/);
      expect(nagFindings(stray.api).map((f) => `${f.rule} ${f.paths.join(',')}`)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Serverless-SQSRedrivePolicy .*StrayQueue/), expect.stringMatching(/^AwsSolutions-SQS3 .*StrayQueue/)]),
      );
    });

    it('encrypts every log group of every stack with the logs key (a NIST 800-53 finding the platform fixes, not acknowledges)', () => {
      const logsKey = `<${built.data.getLogicalId(built.data.logsKey.node.defaultChild as CfnElement)}.Arn>`;
      for (const stack of stacksOf(built)) {
        const groups = Object.entries(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
        for (const [id, group] of groups) {
          const key = flatten((group as { Properties: { KmsKeyId?: unknown } }).Properties.KmsKeyId);
          // In the data stack its own key; in the others, the data stack's output naming it.
          const outputs = Template.fromStack(built.data).toJSON().Outputs as Record<string, { Value: unknown }>;
          const resolved = key.replace(/^<Tongban-test-Data\.(.+)>$/, (_, name: string) => flatten(outputs[name]!.Value));
          expect(resolved, `${stack.stackName} ${id}`).toBe(logsKey);
        }
      }
      const groupsOf = (stack: Stack) => Object.keys(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')).length;
      expect(groupsOf(built.api)).toBeGreaterThan(20);
      const policy = (Template.fromStack(built.data).toJSON().Resources as Record<string, { Properties: { KeyPolicy: { Statement: { Sid?: string; Condition?: unknown }[] } } }>)[
        logsKey.slice(1, -'.Arn>'.length)
      ]!.Properties.KeyPolicy.Statement;
      expect(flatten(policy.find((st) => st.Sid === 'CloudWatchLogsOfThisAccountAndRegion')!.Condition)).toContain('log-group:*');
    });

    it('writes the acknowledgements, with their reasons, into the templates', () => {
      const acknowledged = resources(api).flatMap(
        ([, r]) => (r as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }).Metadata?.cdk_nag?.rules_to_suppress ?? [],
      );
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const a of acknowledged) expect(a.reason.length, a.id).toBeGreaterThan(40);
      expect(new Set(acknowledged.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(
        new Set(['AwsSolutions-L1', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-APIG4', 'AwsSolutions-COG4', 'AwsSolutions-SQS3']),
      );
    });

    it("acknowledges in the data stack only that the access logs bucket has no access logs of its own (AwsSolutions-S1), the directory record writer's AWS-managed logging policy (AwsSolutions-IAM4), and on the backup and replication roles alone their managed policies and wildcards (test/infra/backup.test.ts)", () => {
      const acknowledged = resources(data).flatMap(([id, r]) =>
        ((r as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }).Metadata?.cdk_nag?.rules_to_suppress ?? []).map((a) => ({
          resource: id,
          ...a,
        })),
      );
      const idOf = (c: { node: { defaultChild?: unknown } }) => built.data.getLogicalId(c.node.defaultChild as CfnElement);
      const roles = [built.data.tableBackup.role, built.data.replication.role];
      const onRoles = new Set(roles.flatMap((role) => [idOf(role), idOf(role.node.findChild('DefaultPolicy'))]));
      expect(acknowledged.filter(({ resource }) => !onRoles.has(resource)).map(({ resource, id }) => ({ resource, id }))).toEqual([
        { resource: idOf(built.data.accessLogsBucket), id: 'AwsSolutions-S1' },
        {
          resource: resources(data, 'AWS::IAM::Role').find(([id]) => id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))![0],
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        },
      ]);
      expect(new Set(acknowledged.filter(({ resource }) => onRoles.has(resource)).map(({ id }) => id.replace(/\[.*$/, '')))).toEqual(
        new Set(['AwsSolutions-IAM4', 'AwsSolutions-IAM5']),
      );
      for (const a of acknowledged) expect(a.reason.length, a.id).toBeGreaterThan(40);
    });

    it("acknowledges the cases function's uploads/* and cases/* grants, each with its reason, on that policy alone", () => {
      const policyOf = (fn: 'catalogue' | 'platform' | 'cases' | 'sweep' | 'anchoring') =>
        built.api.lambda(fn).role!.node.findChild('DefaultPolicy').node.defaultChild as CfnElement;
      const suppressions = (el: CfnElement) =>
        (resources(api).find(([id]) => id === built.api.getLogicalId(el))?.[1] as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }).Metadata
          ?.cdk_nag?.rules_to_suppress ?? [];
      const bucketAcks = (el: CfnElement) => suppressions(el).filter((a) => /MaterialsBucket/.test(a.id));
      const acks = bucketAcks(policyOf('cases'));
      expect(acks.map((a) => a.id.replace(/^AwsSolutions-IAM5\[Resource::.*MaterialsBucket[^/]*/, 'IAM5 ')).sort()).toEqual(['IAM5 /cases/*]', 'IAM5 /uploads/*]']);
      expect(acks.find((a) => a.id.endsWith('/uploads/*]'))?.reason).toBe(UPLOADS_WILDCARD_REASON);
      expect(acks.find((a) => a.id.endsWith('/cases/*]'))?.reason).toBe(CASES_WILDCARD_REASON);
      expect(UPLOADS_WILDCARD_REASON).toMatch(/random/);
      expect(UPLOADS_WILDCARD_REASON).toMatch(/only stable part/);
      expect(UPLOADS_WILDCARD_REASON).toMatch(/lifecycle rule expires/);
      expect(CASES_WILDCARD_REASON).toMatch(/case number is only issued at filing/);
      expect(CASES_WILDCARD_REASON).toMatch(/no delete/);
      // The X-Ray acknowledgement stays, and the other functions acknowledge nothing in the bucket.
      expect(suppressions(policyOf('cases')).map((a) => a.id)).toContain('AwsSolutions-IAM5[Resource::*]');
      for (const fn of ['catalogue', 'platform', 'sweep', 'anchoring'] as const) expect(bucketAcks(policyOf(fn)), fn).toEqual([]);
      // The sweep acknowledges X-Ray's Resource * alone on its policy (it writes nothing to the archive).
      expect(suppressions(policyOf('sweep')).map((a) => a.id)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
      // The anchoring function acknowledges X-Ray's Resource * and its anchor journals (anchors/* of the archive
      // bucket, with its manifest's reason) and nothing else on its policy, and its runtime (L1) on its function alone.
      const anchoringAcks = suppressions(policyOf('anchoring'));
      expect(anchoringAcks.map((a) => a.id.replace(/^AwsSolutions-IAM5\[Resource::.*ArchiveBucket[^/]*/, 'IAM5 ArchiveBucket'))).toEqual([
        'AwsSolutions-IAM5[Resource::*]',
        'IAM5 ArchiveBucket/anchors/*]',
      ]);
      expect(anchoringAcks[1]!.reason).toBe(MANIFESTS.anchoring.archive.areas.anchors.wildcardReason);
      expect(anchoringAcks[1]!.reason).toMatch(/only stable part/);
      expect(anchoringAcks[1]!.reason).toMatch(/no delete/);
      const acknowledgedOn = (id: string) =>
        resources(api)
          .filter(([, r]) => JSON.stringify((r as { Metadata?: unknown }).Metadata ?? {}).includes(`"${id}"`))
          .map(([logical]) => logical);
      const functionIds = [...FUNCTION_NAMES, ...SCHEDULED_FUNCTION_NAMES].map((n) => built.api.lambda(n)).map((f) => built.api.getLogicalId(f.node.defaultChild as CfnElement));
      expect(acknowledgedOn('AwsSolutions-L1').sort()).toEqual(functionIds.sort());
    });

    it('fails synth when the cases function is granted another prefix of the materials bucket: the acknowledgements cover uploads/* and cases/* alone', () => {
      const app = newApp(TEST_CONFIG);
      const { data: dataStack, api: apiStack } = buildTongbanApp(app);
      apiStack.functions.cases.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [dataStack.materialsBucket.arnForObjects('other/*')] }));
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::.*MaterialsBucket.*\/other\/\*\]/);
    });

    it('fails synth when the cases function is granted the whole materials bucket: the acknowledgement covers uploads/* alone', () => {
      const app = newApp(TEST_CONFIG);
      const { data: dataStack, api: apiStack } = buildTongbanApp(app);
      apiStack.functions.cases.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [dataStack.materialsBucket.arnForObjects('*')] }));
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::.*MaterialsBucket.*\/\*\]/);
    });

    it('fails synth on an unacknowledged finding (the app registers the checks)', () => {
      const app = newApp(TEST_CONFIG);
      const { data: dataStack } = buildTongbanApp(app);
      new Table(dataStack, 'Careless', { partitionKey: { name: 'pk', type: AttributeType.STRING }, billingMode: BillingMode.PAY_PER_REQUEST });
      expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
    });

    it('fails synth on another bucket without access logs: the S1 acknowledgement covers the access logs bucket alone', () => {
      const app = newApp(TEST_CONFIG);
      const { data: dataStack } = buildTongbanApp(app);
      new Bucket(dataStack, 'Careless', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true });
      expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
    });

    it('really checks: an unacknowledged finding is reported', () => {
      const app = new App();
      const stack = new Stack(app, 'Control');
      new Table(stack, 'Careless', { partitionKey: { name: 'pk', type: AttributeType.STRING }, billingMode: BillingMode.PAY_PER_REQUEST });
      expect(nagFindings(stack).map((f) => f.rule)).toContain('AwsSolutions-DDB3');
    });
  });
});

describe('configuration', () => {
  const withContext = (tongban: unknown) => new App({ context: tongban === undefined ? {} : { [CONFIG_CONTEXT_KEY]: tongban } });
  const problem = (tongban: unknown) => {
    try {
      loadConfig(withContext(tongban));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('accepts the test configuration, also as a JSON string (cdk -c tongban=…)', () => {
    expect(loadConfig(withContext(TEST_CONFIG)).stage).toBe('test');
    expect(loadConfig(withContext(JSON.stringify(TEST_CONFIG))).principals).toHaveLength(5);
  });

  it('says what is missing or wrong', () => {
    expect(problem(undefined)).toMatch(/missing the "tongban" context/);
    expect(problem({ ...TEST_CONFIG, logRetentionDays: 90 })).toMatch(/logRetentionDays must be at least 365/);
    expect(problem({ ...TEST_CONFIG, logRetentionDays: 180 })).toMatch(/logRetentionDays must be at least 365/);
    expect(problem({ ...TEST_CONFIG, logRetentionDays: 200 })).toMatch(/CloudWatch Logs retention periods/);
    expect(problem({ ...TEST_CONFIG, stage: 'Prod!' })).toMatch(/stage must be/);
    expect(problem({ ...TEST_CONFIG, departments: [{ ...DEPARTMENTS.market, id: '11350100MB0000001N' }] })).toMatch(/not a valid unified social credit code/);
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'auditor', trustedAccount: '111111111111', arn: 'arn:aws:iam::111111111111:role/x' }] })).toMatch(
      /exactly one of trustedAccount/,
    );
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'auditor' }] })).toMatch(/exactly one of trustedAccount/);
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'auditor', trustedAccount: '12345' }] })).toMatch(/12-digit/);
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'department', trustedAccount: '111111111111' }] })).toMatch(/departmentId is required/);
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'channel', channelId: 'nowhere', trustedAccount: '111111111111' }] })).toMatch(/unknown channel nowhere/);
    expect(problem({ ...TEST_CONFIG, principals: [TEST_CONFIG.principals[0], TEST_CONFIG.principals[0]] })).toMatch(/duplicate principal name/);
    expect(
      problem({
        ...TEST_CONFIG,
        principals: [
          { name: 'hall-window', role: 'auditor', trustedAccount: '111111111111' },
          { name: 'hallwindow', role: 'auditor', trustedAccount: '111111111111' },
        ],
      }),
    ).toMatch(/more than their hyphens/);
    expect(problem({ ...TEST_CONFIG, extra: true })).toMatch(/extra/);
  });

  it('takes deemedAcceptanceDays (1-5, unset by default) and sweepIntervalMinutes (1-1440, 15 by default)', () => {
    const config = loadConfig(withContext(TEST_CONFIG));
    expect(config.deemedAcceptanceDays).toBeUndefined();
    expect(config.sweepIntervalMinutes).toBe(15);
    expect(loadConfig(withContext({ ...TEST_CONFIG, deemedAcceptanceDays: 1, sweepIntervalMinutes: 1440 }))).toMatchObject({ deemedAcceptanceDays: 1, sweepIntervalMinutes: 1440 });
    for (const bad of [0, 6, 2.5, '3']) expect(problem({ ...TEST_CONFIG, deemedAcceptanceDays: bad }), String(bad)).toMatch(/deemedAcceptanceDays/);
    for (const bad of [0, 1441, 1.5, '15']) expect(problem({ ...TEST_CONFIG, sweepIntervalMinutes: bad }), String(bad)).toMatch(/sweepIntervalMinutes/);
  });

  const onePrincipal = (p: Record<string, unknown>) => problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'auditor', ...p }] });

  it("refuses an IAM user for a named role (a user has no session to name the officer), takes a role; a channel's may be either", () => {
    expect(onePrincipal({ arn: 'arn:aws:iam::444444444444:user/auditor' })).toMatch(/acts through named officers.*give an IAM role/);
    expect(onePrincipal({ arn: 'arn:aws:iam::444444444444:role/archive-auditors' })).toBeUndefined();
    expect(problem({ ...TEST_CONFIG, principals: [{ name: 'x1', role: 'channel', channelId: CHANNELS.portal.id, arn: 'arn:aws:iam::444444444444:user/portal' }] })).toBeUndefined();
  });

  it('refuses the AWS documentation example accounts, naming the field', () => {
    expect([...DOCUMENTATION_ACCOUNT_IDS]).toEqual(expect.arrayContaining(['123456789012', '111122223333', '444455556666', '777788889999', '000000000000']));
    for (const account of DOCUMENTATION_ACCOUNT_IDS) {
      expect(onePrincipal({ trustedAccount: account }), account).toMatch(new RegExp(`trustedAccount: ${account} is an example account id of the AWS documentation`));
      expect(onePrincipal({ arn: `arn:aws:iam::${account}:role/x` }), account).toMatch(new RegExp(`arn: ${account} is an example account id`));
    }
    expect(onePrincipal({ trustedAccount: '210987654321', trustedPrincipalArns: ['arn:aws:iam::111122223333:role/x'] })).toMatch(
      /trustedPrincipalArns: 111122223333 is an example account id/,
    );
    expect(onePrincipal({ trustedAccount: '210987654321' })).toBeUndefined();
  });

  it('accepts "self", trustedPrincipalArns and externalId where they apply, and says what is wrong with them', () => {
    expect(onePrincipal({ trustedAccount: 'self' })).toBeUndefined();
    expect(onePrincipal({ trustedAccount: 'self', trustedPrincipalArns: ['tongban-*', 'role/a/b/c?', 'user/ops/alice'], externalId: 'ab' })).toBeUndefined();
    expect(onePrincipal({ trustedAccount: '210987654321', trustedPrincipalArns: ['arn:aws-cn:iam::210987654321:user/x', 'role/y'], externalId: 'x'.repeat(1224) })).toBeUndefined();
    expect(onePrincipal({ trustedAccount: 'Self' })).toMatch(/trustedAccount must be "self" \(the deploying account\) or a 12-digit AWS account id/);
    expect(onePrincipal({ trustedAccount: 'self', trustedPrincipalArns: ['arn:aws:iam::210987654321:role/x'] })).toMatch(/is a full ARN, but trustedAccount is "self"/);
    expect(onePrincipal({ trustedAccount: '210987654321', trustedPrincipalArns: ['arn:aws:iam::210987654322:role/x'] })).toMatch(/not in the trusted account 210987654321/);
    for (const bad of ['group/admins', 'role/', 'role/a b', 'arn:aws:iam::*:role/x', 'arn:aws:sts::210987654321:assumed-role/x/y', '*:role/x'])
      expect(onePrincipal({ trustedAccount: '210987654321', trustedPrincipalArns: [bad] }), bad).toMatch(/trustedPrincipalArns: .* is neither/);
    expect(onePrincipal({ trustedAccount: 'self', trustedPrincipalArns: [] })).toMatch(/at least one/);
    for (const bad of ['x', 'a b', 'x'.repeat(1225), 'id#1'])
      expect(onePrincipal({ trustedAccount: 'self', externalId: bad }), bad).toMatch(/externalId must be 2-1224 characters/);
    expect(onePrincipal({ arn: 'arn:aws:iam::210987654321:role/x', externalId: 'abc' })).toMatch(/externalId only applies with trustedAccount/);
    expect(onePrincipal({ arn: 'arn:aws:iam::210987654321:role/x', trustedPrincipalArns: ['role/x'] })).toMatch(/trustedPrincipalArns only applies with trustedAccount/);
  });

  it('expands trustedPrincipalArns entries in the trusted account: name → role/name, role/… and user/… as given, full ARNs unchanged', () => {
    expect(expandTrustedPrincipalArn('tongban-reviewers', 'aws-cn', '210987654321')).toBe('arn:aws-cn:iam::210987654321:role/tongban-reviewers');
    expect(expandTrustedPrincipalArn('role/team/tongban-*', 'aws', '210987654321')).toBe('arn:aws:iam::210987654321:role/team/tongban-*');
    expect(expandTrustedPrincipalArn('user/ops/alice', 'aws', '210987654321')).toBe('arn:aws:iam::210987654321:user/ops/alice');
    expect(expandTrustedPrincipalArn('arn:aws:iam::210987654321:role/x', 'aws-cn', '210987654321')).toBe('arn:aws:iam::210987654321:role/x');
  });
});

describe('the real cdk.json', () => {
  // That it lists the embedded runtime's sample departments, channels and principals: test/unit/seed-data.test.ts.
  it('runs the app with tsx and keeps the logs at least 365 days', () => {
    const config = loadConfig(new App({ context: CDK_JSON.context }));
    expect(CDK_JSON.app).toBe('npx tsx infra/app.ts');
    expect(config.logRetentionDays).toBeGreaterThanOrEqual(365);
  });

  it("trusts nobody outside the deploying account: every principal is \"self\", narrowed to its named roles (the sign-in, the channels' systems); the console's identity provider signs officers in to the named roles, and clerks to the hall window's", () => {
    const raw = JSON.stringify(CDK_JSON.context[CONFIG_CONTEXT_KEY]);
    for (const account of DOCUMENTATION_ACCOUNT_IDS) expect(raw).not.toContain(account);
    const config = loadConfig(new App({ context: CDK_JSON.context }));
    expect(config.principals.map((p) => p.trustedAccount)).toEqual(config.principals.map(() => 'self'));
    for (const p of config.principals) expect(p.trustedPrincipalArns, p.name).toEqual(p.role === 'channel' ? [expect.stringMatching(/^role\//)] : ['role/tongban-sign-in']);

    const built = synth(CDK_JSON.context[CONFIG_CONTEXT_KEY]);
    const here = 'arn:<AWS::Partition>:iam::<AWS::AccountId>';
    // The principals' roles (the sealing and seals functions' roles have fixed names too, assumed by Lambda alone).
    const roles = resources(Template.fromStack(built.principals), 'AWS::IAM::Role').filter(
      ([, r]) => String(props(r).RoleName).startsWith('tongban-prod-') && !String(props(r).RoleName).endsWith('-function'),
    );
    expect(roles).toHaveLength(config.principals.length);
    for (const [, r] of roles) {
      const statement = (props(r).AssumeRolePolicyDocument as { Statement: { Principal: unknown; Condition?: unknown }[] }).Statement;
      const principal = config.principals.find((p) => props(r).RoleName === `tongban-prod-${p.name}`)!;
      // A named principal's role, and a hall window's (its clerks), also trust the console's identity provider (test/infra/console.test.ts).
      const federated = signsInAtConsole(principal, config);
      expect(federated).toBe(principal.role !== 'channel' || principal.name === 'hall-window');
      expect(statement).toHaveLength(federated ? 2 : 1);
      if (federated) expect(flattenDeep(statement[1]!.Principal)).toEqual({ Federated: '<SignInProvider.Arn>' });
      expect(flattenDeep(statement[0]!.Principal)).toEqual({ AWS: `${here}:root` });
      expect(flattenDeep(statement[0]!.Condition)).toEqual({
        ArnLike: { 'aws:PrincipalArn': principal.trustedPrincipalArns!.map((entry) => `${here}:${entry}`) },
        ...(principal.role === 'channel' ? {} : NAMED),
      });
    }
  });

  it('synthesises as `cdk synth` does: real esbuild bundles, CloudFormation validation, cdk-nag clean', () => {
    const built = synth(CDK_JSON.context[CONFIG_CONTEXT_KEY], { bundle: true, validation: true });
    expect(built.assembly.stacks.map((s) => s.stackName).sort()).toEqual(stackNames('prod', { console: true }));

    // Every validation plugin (cdk-nag and CDK's own CloudFormation checks) reported nothing.
    const report = JSON.parse(readFileSync(join(built.assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
    for (const stack of stacksOf(built)) expect(nagFindings(stack), stack.stackName).toEqual([]);

    // The deployed bundles: ESM with the createRequire banner and a source map (test/e2e/lambda-bundles
    // runs each of them).
    const template = Template.fromStack(built.api);
    for (const name of [...FUNCTION_NAMES, ...SCHEDULED_FUNCTION_NAMES]) {
      const fn = built.api.lambda(name);
      const logicalId = built.api.getLogicalId(fn.node.defaultChild as CfnElement);
      const code = props(resources(template).find(([id]) => id === logicalId)?.[1]).Code as { S3Key: string };
      const assetDir = join(built.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const deployed = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      expect(deployed.startsWith("import { createRequire } from 'node:module';"), name).toBe(true);
      expect(existsSync(join(assetDir, 'index.mjs.map')), name).toBe(true);
    }
    // Every function's esbuild bundle, built in this process: a minute on an idle 2-core machine, more under load.
  }, 240_000);
});

/** The partition an IAM statement's `dynamodb:LeadingKeys` condition limits it to, if any. */
function calendarPartitionOf(condition: unknown): string | undefined {
  const keys = (condition as { 'ForAllValues:StringEquals'?: { 'dynamodb:LeadingKeys'?: string[] } } | undefined)?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
  return keys?.join(',');
}

/** Key actions DynamoDB needs for a table written with the CMK (CDK's grantReadWriteData, spelled out). */
const TABLE_WRITE_KEY = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
