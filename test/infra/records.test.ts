// Lasting records of operations as CloudFormation (issue 19 points 4 and 5): the operations trail
// (every management event, read and write, and the archive bucket's data events, in every region,
// validated) into its own bucket under COMPLIANCE Object Lock, encrypted with a key only CloudTrail
// may use for this trail; every log group of every stack kept at least 365 days — API Gateway's
// execution log group made by the stack, not left to API Gateway; the WAF's log; the API's TLS 1.2
// floor and the TLS version in its access log; the archive bucket's policy (written once, the policy
// itself locked, no lifecycle rule but the abort of unfinished uploads) and the abort-multipart rules of every bucket; the archive
// function's reserved concurrency. The synthesis runs the three cdk-nag packs, which fail it on
// any unacknowledged finding.
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFESTS } from '../../functions/manifests.ts';
import { MIN_LOG_RETENTION_DAYS } from '../../infra/config.ts';
import { INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS, TRAIL_ACCESS_LOGS_PREFIX } from '../../infra/constructs/operations-trail.ts';
import { API_ENDPOINT_ACCESS_MODE, API_SECURITY_POLICY } from '../../infra/constructs/tongban-api.ts';
import { ARCHIVE_COLD_AFTER_DAYS, ARCHIVE_DENIED_ACTIONS, ARCHIVE_NEVER_DELETED_SID, ARCHIVE_POLICY_LOCKED_SID, ARCHIVE_WRITTEN_ONCE_SID } from '../../infra/stacks/data-stack.ts';
import type { CfnJson, CfnResource, CfnStatement } from '../support/cfn-values.ts';
import { flatten } from '../support/cfn-values.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { removeSynthOutputs, synthApp } from '../support/synth-app.ts';

type Json = CfnJson;
type Resource = CfnResource;
type Statement = CfnStatement;

/** Two years: every retention below must follow the configuration, not a constant of 365. */
const RETENTION_DAYS = 731;
const CONFIG = {
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  stage: 'test',
  logRetentionDays: RETENTION_DAYS,
  departments: [DEPARTMENTS.market],
  channels: [CHANNELS.portal],
  principals: [{ name: 'auditor', role: 'auditor', trustedAccount: 'self' }],
};

let built: ReturnType<typeof synthApp>;
let data: Json & { Resources: Record<string, Resource> };
let api: Json & { Resources: Record<string, Resource> };
const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const ofType = (template: { Resources: Record<string, Resource> }, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const policyOf = (bucketId: string): Statement[] => {
  const [policy] = ofType(data, 'AWS::S3::BucketPolicy').filter(([, r]) => flatten(r.Properties!.Bucket) === `<${bucketId}>`);
  return (policy![1].Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
};
/** A CloudFormation value with every reference and join inside it as text (flatten, all the way down). */
const deep = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(deep);
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && (keys[0]!.startsWith('Fn::') || keys[0] === 'Ref')) return flatten(node);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deep(v)]));
};
const trailArn = 'arn:<AWS::Partition>:cloudtrail:<AWS::Region>:<AWS::AccountId>:trail/tongban-test-operations';

beforeAll(() => {
  built = synthApp(CONFIG);
  data = Template.fromStack(built.data).toJSON() as typeof data;
  api = Template.fromStack(built.api).toJSON() as typeof api;
});

afterAll(() => removeSynthOutputs());

describe('the operations trail', () => {
  it('records every management event, read and write (KMS Sign, GetPublicKey and Decrypt are read-only ones), in every region, with log file validation, and is retained', () => {
    // Act
    const trails = ofType(data, 'AWS::CloudTrail::Trail');
    // Assess
    expect(trails).toHaveLength(1);
    const [id, trail] = trails[0]!;
    expect(id).toBe(idOf(built.data, { node: { defaultChild: built.data.operationsTrail.trail } }));
    expect(trail.Properties).toMatchObject({
      TrailName: 'tongban-test-operations',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
    });
    expect(trail.Properties!.CloudWatchLogsLogGroupArn).toBeUndefined();
    const selectors = trail.Properties!.AdvancedEventSelectors as { FieldSelectors: { Field: string }[] }[];
    // No readOnly field: read events are recorded too; no eventSource field: KMS's are not left out.
    expect(selectors[0]!.FieldSelectors).toEqual([{ Field: 'eventCategory', Equals: ['Management'] }]);
    expect(trail.DeletionPolicy).toBe('Retain');
  });

  it("records the data events of the archive bucket's objects, and of nothing else", () => {
    // Act
    const [, trail] = ofType(data, 'AWS::CloudTrail::Trail')[0]!;
    const selectors = trail.Properties!.AdvancedEventSelectors as { FieldSelectors: Json[] }[];
    // Assess
    expect(selectors).toHaveLength(2);
    expect(deep(selectors[1]!.FieldSelectors)).toEqual([
      { Equals: ['Data'], Field: 'eventCategory' },
      { Equals: ['AWS::S3::Object'], Field: 'resources.type' },
      { Field: 'resources.ARN', StartsWith: [`<${idOf(built.data, built.data.archiveBucket)}.Arn>/`] },
    ]);
  });

  it('delivers into its own bucket: COMPLIANCE Object Lock for the log retention, versioned, SSE-KMS with its own key, TLS only, access-logged, expiring no earlier than the retention, retained', () => {
    // Arrange
    const bucketId = idOf(built.data, built.data.operationsTrail.bucket);
    const keyId = idOf(built.data, built.data.operationsTrail.key);
    // Act
    const bucket = data.Resources[bucketId]!;
    const [, trail] = ofType(data, 'AWS::CloudTrail::Trail')[0]!;
    // Assess
    expect(flatten(trail.Properties!.S3BucketName)).toBe(`<${bucketId}>`);
    expect(flatten(trail.Properties!.KMSKeyId)).toBe(`<${keyId}.Arn>`);
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: RETENTION_DAYS } } },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(deep(bucket.Properties!.BucketEncryption)).toEqual({
      ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: `<${keyId}.Arn>`, SSEAlgorithm: 'aws:kms' } }],
    });
    expect(deep(bucket.Properties!.LoggingConfiguration)).toEqual({
      DestinationBucketName: `<${idOf(built.data, built.data.accessLogsBucket)}>`,
      LogFilePrefix: TRAIL_ACCESS_LOGS_PREFIX,
    });
    const rules = (bucket.Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    for (const rule of rules.filter((r) => r.ExpirationInDays !== undefined)) expect(rule.ExpirationInDays as number).toBeGreaterThanOrEqual(RETENTION_DAYS);
    expect(rules).toContainEqual({
      Id: 'abort-incomplete-multipart-uploads',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS },
      Status: 'Enabled',
    });
    const policy = policyOf(bucketId);
    expect(policy.filter((s) => s.Effect === 'Deny' && s.Action === 's3:*').map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
    for (const r of [bucket, data.Resources[keyId]!]) expect([r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('lets CloudTrail read the bucket ACL and write under AWSLogs/<account>/, and encrypt with the key, for this trail alone (aws:SourceArn)', () => {
    // Arrange
    const bucketId = idOf(built.data, built.data.operationsTrail.bucket);
    const keyId = idOf(built.data, built.data.operationsTrail.key);
    // Act
    const toCloudTrail = (statements: Statement[]) => statements.filter((s) => flatten(s.Principal).includes('cloudtrail.amazonaws.com'));
    const bucketGrants = toCloudTrail(policyOf(bucketId));
    const keyGrants = toCloudTrail((data.Resources[keyId]!.Properties!.KeyPolicy as { Statement: Statement[] }).Statement);
    // Assess
    expect(bucketGrants.map((s) => [s.Effect, s.Action, flatten(s.Resource)])).toEqual([
      ['Allow', 's3:GetBucketAcl', `<${bucketId}.Arn>`],
      ['Allow', 's3:PutObject', `<${bucketId}.Arn>/AWSLogs/<AWS::AccountId>/*`],
    ]);
    expect(keyGrants.map((s) => [s.Effect, s.Action])).toEqual([
      ['Allow', 'kms:GenerateDataKey*'],
      ['Allow', 'kms:DescribeKey'],
    ]);
    for (const s of [...bucketGrants, ...keyGrants]) expect(flatten(s.Condition!.StringEquals!['aws:SourceArn'])).toBe(trailArn);
    expect(deep(keyGrants[0]!.Condition!.StringLike)).toEqual({
      'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:<AWS::Partition>:cloudtrail:<AWS::Region>:<AWS::AccountId>:trail/*',
    });
  });
});

describe('log retention', () => {
  it(`keeps every log group of every stack the configured days (at least ${MIN_LOG_RETENTION_DAYS}), and leaves none to a LogRetention custom resource`, () => {
    for (const stack of [built.data, built.api, built.principals]) {
      // Act
      const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
      const groups = ofType(template, 'AWS::Logs::LogGroup');
      // Assess
      for (const [id, group] of groups) {
        expect(group.Properties!.RetentionInDays, `${stack.stackName} ${id}`).toBe(RETENTION_DAYS);
        expect(RETENTION_DAYS).toBeGreaterThanOrEqual(MIN_LOG_RETENTION_DAYS);
      }
      expect(ofType(template, 'Custom::LogRetention'), stack.stackName).toEqual([]);
    }
    // Every function's, the access log, the execution log, the WAF's, the state machine's, the directory record's.
    expect(ofType(api, 'AWS::Logs::LogGroup').length).toBeGreaterThanOrEqual(ofType(api, 'AWS::Lambda::Function').length + 4);
  });

  it("creates API Gateway's execution log group (API-Gateway-Execution-Logs_<rest API id>/<stage>) before the stage, so it is the stack's and expires", () => {
    // Arrange
    const apiId = idOf(built.api, built.api.api);
    const [stageId, stage] = ofType(api, 'AWS::ApiGateway::Stage')[0]!;
    // Act
    const execution = ofType(api, 'AWS::Logs::LogGroup').filter(
      ([, g]) => g.Properties!.LogGroupName !== undefined && flatten(g.Properties!.LogGroupName).startsWith('API-Gateway-Execution-Logs_'),
    );
    // Assess
    expect(execution).toHaveLength(1);
    const [groupId, group] = execution[0]!;
    expect(flatten(group.Properties!.LogGroupName)).toBe(`API-Gateway-Execution-Logs_<${apiId}>/test`);
    expect(stage.DependsOn ?? [], stageId).toContain(groupId);
    // Execution logging is on, without request and response bodies.
    expect((stage.Properties!.MethodSettings as Json[])[0]).toMatchObject({ LoggingLevel: 'INFO', DataTraceEnabled: false });
    expect(group.DeletionPolicy).toBe('Retain');
  });
});

describe('the WAF log', () => {
  it('goes to aws-waf-logs-tongban-<stage>, kept the configured days, the Authorization header redacted', () => {
    // Arrange
    const [webAclId] = ofType(api, 'AWS::WAFv2::WebACL')[0]!;
    // Act
    const configurations = ofType(api, 'AWS::WAFv2::LoggingConfiguration');
    const [groupId, group] = ofType(api, 'AWS::Logs::LogGroup').find(([, g]) => g.Properties!.LogGroupName === 'aws-waf-logs-tongban-test')!;
    // Assess
    expect(configurations).toHaveLength(1);
    const logging = configurations[0]![1].Properties!;
    expect(flatten(logging.ResourceArn)).toBe(`<${webAclId}.Arn>`);
    // The group's ARN without the `:*` of its Arn attribute (WAF refuses that one).
    expect(deep(logging.LogDestinationConfigs)).toEqual([`arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${groupId}>`]);
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    expect(group.Properties!.RetentionInDays).toBe(RETENTION_DAYS);
  });
});

describe('transport', () => {
  it('pins TLS 1.2 as the oldest version of the REST API (an enhanced security policy, STRICT endpoint access) and logs the TLS version of each request', () => {
    // Act
    const [, restApi] = ofType(api, 'AWS::ApiGateway::RestApi')[0]!;
    const [, stage] = ofType(api, 'AWS::ApiGateway::Stage')[0]!;
    const format = JSON.parse((stage.Properties!.AccessLogSetting as { Format: string }).Format) as Record<string, string>;
    // Assess
    expect(restApi.Properties).toMatchObject({ SecurityPolicy: API_SECURITY_POLICY, EndpointAccessMode: API_ENDPOINT_ACCESS_MODE });
    expect(API_SECURITY_POLICY).toBe('SecurityPolicy_TLS13_1_2_PQ_2025_09');
    expect(API_ENDPOINT_ACCESS_MODE).toBe('STRICT');
    expect(format.tlsVersion).toBe('$context.tlsVersion');
  });
});

describe('the archive bucket', () => {
  const archiveId = () => idOf(built.data, built.data.archiveBucket);

  it('denies a write without If-None-Match: * (a PutObject or CompleteMultipartUpload over any object) to every principal; the parts of an upload pass', () => {
    // Act
    const statement = policyOf(archiveId()).find((s) => s.Sid === ARCHIVE_WRITTEN_ONCE_SID)!;
    // Assess
    expect({ ...statement, Resource: flatten(statement.Resource) }).toEqual({
      Sid: ARCHIVE_WRITTEN_ONCE_SID,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: `<${archiveId()}.Arn>/*`,
      Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
    });
  });

  it('denies putting and deleting its own policy to every principal (the root user alone still may: S3 lets it, whatever the policy says), and keeps the policy when the stack goes', () => {
    // Act
    const statement = policyOf(archiveId()).find((s) => s.Sid === ARCHIVE_POLICY_LOCKED_SID)!;
    const [, policy] = ofType(data, 'AWS::S3::BucketPolicy').find(([, r]) => flatten(r.Properties!.Bucket) === `<${archiveId()}>`)!;
    // Assess
    expect({ ...statement, Resource: flatten(statement.Resource) }).toEqual({
      Sid: ARCHIVE_POLICY_LOCKED_SID,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteBucketPolicy', 's3:PutBucketPolicy'],
      Resource: `<${archiveId()}.Arn>`,
    });
    expect(statement.Condition).toBeUndefined();
    expect([policy.DeletionPolicy, policy.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('keeps denying deletes and lifecycle changes to everyone, and has its lifecycle rules set with the bucket: the abort of unfinished multipart uploads, and bundles/ to Deep Archive after 30 days, expiring nothing', () => {
    // Act
    const never = policyOf(archiveId()).find((s) => s.Sid === ARCHIVE_NEVER_DELETED_SID)!;
    const rules = (data.Resources[archiveId()]!.Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    // Assess
    expect([never.Action].flat().sort()).toEqual([...ARCHIVE_DENIED_ACTIONS].sort());
    expect(ARCHIVE_DENIED_ACTIONS).toContain('s3:PutLifecycleConfiguration');
    expect(never.Principal).toEqual({ AWS: '*' });
    expect(never.Condition).toBeUndefined();
    expect(data.Resources[archiveId()]!.Properties!.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'abort-incomplete-multipart-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS }, Status: 'Enabled' },
        { Id: 'bundles-to-deep-archive', Prefix: 'bundles/', Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: ARCHIVE_COLD_AFTER_DAYS }], Status: 'Enabled' },
      ],
    });
    expect(ARCHIVE_COLD_AFTER_DAYS).toBe(30);
    // Nothing in them expires an object or a version, and the anchor journals and statistics stay in Standard.
    expect(JSON.stringify(rules)).not.toMatch(/Expiration|ExpiredObjectDeleteMarker/);
  });

  it('gives every bucket of the data stack an abort-multipart rule: the archive, access logs, trail and materials buckets', () => {
    // Act
    const withoutAbort = ofType(data, 'AWS::S3::Bucket')
      .filter(([, b]) => !((b.Properties!.LifecycleConfiguration as { Rules: Json[] } | undefined)?.Rules ?? []).some((r) => r.AbortIncompleteMultipartUpload !== undefined))
      .map(([id]) => id);
    // Assess
    expect(withoutAbort).toEqual([]);
    for (const bucket of [built.data.archiveBucket, built.data.accessLogsBucket, built.data.operationsTrail.bucket]) {
      const rules = (data.Resources[idOf(built.data, bucket)]!.Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
      expect(rules).toContainEqual({
        Id: 'abort-incomplete-multipart-uploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS },
        Status: 'Enabled',
      });
    }
  });
});

describe('the archive function', () => {
  it("runs at most ten at a time, with ten reserved (its manifest's reservedConcurrency)", () => {
    // Act
    const fn = api.Resources[idOf(built.api, built.api.archive.function)]!;
    // Assess
    expect(MANIFESTS.archive.limits.reservedConcurrency).toBe(10);
    expect(fn.Properties!.ReservedConcurrentExecutions).toBe(10);
  });
});
