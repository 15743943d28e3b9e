// The e-archive as CloudFormation: the archive bucket in the data stack — Object Lock without default
// retention, versioned, SSE-KMS with a key of its own, TLS only, private, logged, retained, and a
// policy that denies every delete to everyone — no grant anywhere that could delete from it; the
// auditors' read-only access to its bundles and anchor journals; the archive seal key, whose policy
// lets only the archive function, the anchoring (anchor journals) and the publication (statistics documents)
// sign and only the seals function read
// the public key; the archive function (its
// role's exact statements, environment, who may invoke it, its asynchronous invocation, dead-letter
// queue and alarms); the seals function publishing the archive seal key, the directory naming it; the
// reserved role name; cdk-nag. One synthesis of the test configuration serves every test but a few.
import { App } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTongbanApp } from '../../infra/app.ts';
import { ARCHIVE_FUNCTION, CONFIG_CONTEXT_KEY, FIXED_ROLE_FUNCTIONS, functionRoleName, TongbanConfigSchema, loadConfig } from '../../infra/config.ts';
import { ARCHIVE_SEAL_KEY_STATEMENT_IDS } from '../../infra/constructs/archive-keys.ts';
import { KEY_GUARD_SID } from '../../infra/constructs/key-policy.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import {
  ARCHIVE_INVOKERS,
  ARCHIVE_SEAL_KEY_ACCESS,
  ARCHIVE_WRITER_ACCESS,
  FUNCTION_NAMES,
  MATERIALS_ACCESS,
  SCHEDULED_FUNCTION_NAMES,
  TABLE_ACCESS,
} from '../../infra/function-access.ts';
import { ARCHIVE_ANCHORS_WILDCARD_REASON, ARCHIVE_AUDITOR_ACCESS, ARCHIVE_BUNDLES_WILDCARD_REASON } from '../../infra/constructs/principal-roles.ts';
import { ARCHIVE_STATISTICS_WILDCARD_REASON } from '../../infra/archive-access.ts';
import { MANIFESTS } from '../../functions/manifests.ts';
import { ARCHIVE_ACCESS_LOGS_PREFIX, ARCHIVE_BUNDLES_PREFIX, ARCHIVE_DENIED_ACTIONS, ARCHIVE_NEVER_DELETED_SID, DataStack } from '../../infra/stacks/data-stack.ts';
import { ARCHIVE_PART_BYTES } from '../../shared/adapters/s3-archive-store.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import { BUNDLES_PREFIX } from '../../shared/domain/archive/case-archiving.ts';
import { actionMatches, holdersOf } from '../support/iam-patterns.ts';
import { FEATURE_FLAGS, newApp, removeSynthOutputs, stacksOf, synthApp } from '../support/synth-app.ts';
import type { CfnJson, CfnResource, CfnStatement } from '../support/cfn-values.ts';
import { flatten } from '../support/cfn-values.ts';

// Facts of the manifests (functions/<name>/manifest.ts) the assertions below name.
const ARCHIVE_CASE_FILES_WILDCARD_REASON = MANIFESTS.archive.materials.areas.cases.wildcardReason;
const ARCHIVE_ENVIRONMENT = { bucket: 'ARCHIVE_BUCKET' };
const ARCHIVE_FUNCTION_MEMORY_MB = MANIFESTS.archive.limits.memoryMb;
const ARCHIVE_FUNCTION_TIMEOUT_MINUTES = MANIFESTS.archive.limits.timeoutSeconds / 60;
const ARCHIVE_MAX_EVENT_AGE_HOURS = MANIFESTS.archive.limits.maxEventAgeHours;
const ARCHIVE_RETRY_ATTEMPTS = MANIFESTS.archive.limits.retryAttempts;
const ARCHIVE_WRITER_BUNDLES_WILDCARD_REASON = MANIFESTS.archive.archive.areas.bundles.wildcardReason;

type Json = CfnJson;
type Resource = CfnResource;
type Statement = CfnStatement;

const MARKET = DEPARTMENTS.market.id;

/** Two auditors the stack makes roles for (one in another account), one that brings its own identity, and other roles. */
const CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [
    { name: 'reviewer', role: 'platform', trustedAccount: 'self' },
    { name: 'auditor', role: 'auditor', trustedAccount: 'self', trustedPrincipalArns: ['role/tongban-auditors'] },
    { name: 'provincial-auditor', role: 'auditor', trustedAccount: '210987654321', externalId: 'yn-audit-2026' },
    { name: 'outside-auditor', role: 'auditor', arn: 'arn:aws:iam::310987654321:role/audit' },
    { name: 'portal', role: 'channel', channelId: CHANNELS.portal.id, trustedAccount: 'self' },
    { name: 'market', role: 'department', departmentId: MARKET, trustedAccount: 'self' },
  ],
};
const AUDITOR_ROLES = ['tongban-test-auditor', 'tongban-test-provincial-auditor'];
const ARCHIVE_ROLE = 'tongban-test-archive-function';
const SEALS_ROLE = 'tongban-test-seals-function';
/** The anchoring function writes the anchor journals under anchors/ and seals them with the archive seal key. */
const ANCHORING_ROLE = 'tongban-test-anchoring-function';
/** The publication function writes the month's statistics documents under statistics/ and seals them with it. */
const PUBLICATION_ROLE = 'tongban-test-publication-function';
/** kms:ViaService of a KMS call S3 makes on the caller's behalf: amazonaws.com, or amazonaws.com.cn in China. */
const VIA_S3 = { StringEquals: { 'kms:ViaService': 's3.<AWS::Region>.<AWS::URLSuffix>' } };

/** The ARN `aws:PrincipalArn` has for a session of the role `roleName`, as the key policies write it. */
const roleArn = (roleName: string) => `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${roleName}`;

/**
 * Whether a key policy's Deny statements refuse `action` to a caller whose aws:PrincipalArn is
 * `principalArn`, as KMS evaluates them (ArnNotEquals with several values: denied when it matches
 * none); fails on a condition it does not know.
 */
function keyPolicyDenies(statements: readonly Statement[], action: string, principalArn: string): boolean {
  return statements.some((st) => {
    if (st.Effect !== 'Deny' || ![st.Action].flat().some((a) => actionMatches(a, action))) return false;
    expect(st.Principal).toEqual({ AWS: '*' });
    if (st.Condition === undefined) return true;
    expect(Object.keys(st.Condition)).toEqual(['ArnNotEquals']);
    expect(Object.keys(st.Condition.ArnNotEquals!)).toEqual(['aws:PrincipalArn']);
    return ![st.Condition.ArnNotEquals!['aws:PrincipalArn']].flat().map(flatten).includes(principalArn);
  });
}

/** What a synthesised app tells about its archive. */
function inspect(built: ReturnType<typeof synthApp>) {
  const dataJson = Template.fromStack(built.data).toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };
  const apiJson = Template.fromStack(built.api).toJSON() as { Resources: Record<string, Resource> };
  const principalsJson = Template.fromStack(built.principals).toJSON() as { Resources: Record<string, Resource> };
  const principalsId = (c: { node: { defaultChild?: unknown } }) => built.principals.getLogicalId(c.node.defaultChild as CfnElement);
  const dataId = (c: { node: { defaultChild?: unknown } }) => built.data.getLogicalId(c.node.defaultChild as CfnElement);
  const apiId = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  /** A value of either template as text, each data stack output replaced by that output's value. */
  const acrossStacks = (node: unknown): string =>
    flatten(node).replace(new RegExp(`<${built.data.stackName}\\.([A-Za-z0-9]+)>`, 'g'), (_, name: string) => flatten(dataJson.Outputs[name]!.Value));
  const bucketId = dataId(built.data.archiveBucket);
  const bucketArn = `<${bucketId}.Arn>`;
  const archiveKeyArn = `<${dataId(built.data.archiveKey)}.Arn>`;
  const sealKeyArn = `<${dataId(built.data.archiveSealKey)}.Arn>`;
  const bucket = () => dataJson.Resources[bucketId]!;
  const bucketPolicy = () => {
    const policies = Object.values(dataJson.Resources).filter(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties!.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(policies).toHaveLength(1);
    return (policies[0]!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
  };
  /** Every statement of every IAM policy (inline, attached, managed) and bucket policy of both stacks, with whom it applies to. */
  const statements = (): { holders: string[]; kind: string; statement: Statement }[] =>
    [dataJson, apiJson, principalsJson].flatMap((t) =>
      Object.entries(t.Resources).flatMap(([logicalId, r]) => {
        const p = r.Properties ?? {};
        const docs: { holders: string[]; doc: unknown }[] =
          r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
            ? [{ holders: ((p.Roles as { Ref: string }[] | undefined) ?? []).map((x) => x.Ref), doc: p.PolicyDocument }]
            : r.Type === 'AWS::IAM::Role'
              ? ((p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((x) => ({ holders: [logicalId], doc: x.PolicyDocument }))
              : r.Type === 'AWS::S3::BucketPolicy'
                ? [{ holders: [`bucket policy ${logicalId}`], doc: p.PolicyDocument }]
                : [];
        return docs.flatMap(({ holders, doc }) => (doc as { Statement: Statement[] }).Statement.map((statement) => ({ holders, kind: r.Type, statement })));
      }),
    );
  const resourcesOf = (st: Statement) => [st.Resource].flat().map(acrossStacks);
  /** The logical id of the role the stack creates under `roleName`. */
  const roleId = (roleName: string) => {
    const found = [...Object.entries(apiJson.Resources), ...Object.entries(principalsJson.Resources)].find(
      ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName,
    );
    if (!found) throw new Error(`no role ${roleName}`);
    return found[0];
  };
  const sealKeyPolicy = () => (dataJson.Resources[dataId(built.data.archiveSealKey)]!.Properties!.KeyPolicy as { Statement: Statement[] }).Statement;
  const fnId = (name: LambdaName) => apiId(built.api.lambda(name));
  /** A function's environment, each value as text across the stacks. */
  const environmentOf = (name: LambdaName) =>
    Object.fromEntries(Object.entries((apiJson.Resources[fnId(name)]!.Properties!.Environment as { Variables: Json }).Variables).map(([k, v]) => [k, acrossStacks(v)]));
  /** Every `action resource [condition]` the role `roleName` is allowed, resources as text across the stacks. */
  const grantsOf = (roleName: string) =>
    statements()
      .filter(({ holders }) => holders.includes(roleId(roleName)))
      .flatMap(({ statement }) => {
        expect(statement.Effect).toBe('Allow');
        const condition = statement.Condition !== undefined ? ` ${JSON.stringify(normalCondition(statement.Condition))}` : '';
        return [statement.Action].flat().flatMap((a) => resourcesOf(statement).map((r) => `${a} ${r}${condition}`));
      })
      .sort();
  return {
    dataJson,
    apiJson,
    principalsJson,
    dataId,
    apiId,
    principalsId,
    fnId,
    acrossStacks,
    bucketId,
    bucketArn,
    archiveKeyArn,
    sealKeyArn,
    bucket,
    bucketPolicy,
    statements,
    resourcesOf,
    roleId,
    sealKeyPolicy,
    environmentOf,
    grantsOf,
  };
}

/** A condition with each CloudFormation value as text (`Ref` → `<Id>`, `Fn::Join` joined). */
const normalCondition = (condition: unknown): unknown =>
  JSON.parse(
    JSON.stringify(condition, (_k, v: unknown) =>
      typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).some((k) => k === 'Ref' || k.startsWith('Fn::')) ? flatten(v) : v,
    ),
  );

/** The resources each resource of a template refers to (Ref, Fn::GetAtt, ${…} of Fn::Sub, DependsOn), among its own. */
function dependencies(resources: Record<string, Resource>): Map<string, Set<string>> {
  const refs = (node: unknown, into: Set<string>): Set<string> => {
    if (typeof node === 'string') for (const m of node.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) into.add(m[1]!);
    else if (Array.isArray(node)) node.forEach((n) => refs(n, into));
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'Ref' && typeof v === 'string') into.add(v);
        else if (k === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
        else refs(v, into);
      }
    }
    return into;
  };
  return new Map(Object.entries(resources).map(([id, r]) => [id, new Set([...refs(r.Properties ?? {}, new Set()), ...[r.DependsOn ?? []].flat()].filter((d) => d in resources))]));
}

/** Everything `from` depends on, directly or not. */
function dependsOn(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const next = [from];
  while (next.length > 0) {
    for (const d of graph.get(next.pop()!) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      next.push(d);
    }
  }
  return seen;
}

/** A statement as a comparable value: sorted actions, resources as text, its condition as text. */
const normal = (t: ReturnType<typeof inspect>, st: Statement) => ({
  effect: st.Effect,
  actions: [st.Action].flat().sort(),
  resources: t.resourcesOf(st).sort(),
  ...(st.Condition !== undefined ? { condition: normalCondition(st.Condition) } : {}),
});

const nagViolations = (built: ReturnType<typeof synthApp>) =>
  stacksOf(built).flatMap((stack) => new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations);

afterAll(removeSynthOutputs);

describe('the e-archive (test configuration: two auditors the stack makes roles for, one given by arn)', () => {
  let built: ReturnType<typeof synthApp>;
  let t: ReturnType<typeof inspect>;

  beforeAll(() => {
    built = synthApp(CONFIG);
    t = inspect(built);
  });

  describe('archive bucket', () => {
    it('is a bucket of the data stack (it outlives the API), exposed as DataStack.archiveBucket, with no hard-coded name', () => {
      // Act
      const buckets = Object.entries(t.dataJson.Resources)
        .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
        .map(([id]) => id);
      // Assess
      expect(buckets).toContain(t.bucketId);
      expect(Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::S3::Bucket')).toEqual([]);
      expect(t.bucket().Properties!.BucketName).toBeUndefined();
    });

    it('has Object Lock on and no default retention (each bundle sets its own), is versioned, owner-enforced, private, retained, with no lifecycle rule that expires anything', () => {
      // Act
      const bucket = t.bucket();
      // Assess
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      expect(bucket.Properties!.ObjectLockConfiguration).toBeUndefined();
      // Its rules abort unfinished multipart uploads and move bundles to Deep Archive (test/infra/records.test.ts): none expires anything.
      const rules = (bucket.Properties!.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
      expect(rules.map((r) => Object.keys(r).sort())).toEqual([
        ['AbortIncompleteMultipartUpload', 'Id', 'Status'],
        ['Id', 'Prefix', 'Status', 'Transitions'],
      ]);
    });

    it('is SSE-KMS with a bucket key and a key of its own: symmetric, rotated yearly, aliased alias/tongban-<stage>-archive, retained, not the data key', () => {
      // Arrange
      const keyId = t.dataId(built.data.archiveKey);
      // Act
      const key = t.dataJson.Resources[keyId]!;
      const alias = Object.values(t.dataJson.Resources).find((r) => r.Type === 'AWS::KMS::Alias' && flatten(r.Properties!.TargetKeyId) === t.archiveKeyArn);
      // Assess
      expect(t.bucket().Properties!.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
        ],
      });
      expect(built.data.archiveBucket.encryptionKey).toBe(built.data.archiveKey);
      expect(built.data.archiveKey).not.toBe(built.data.dataKey);
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
      expect(key.Properties!.KeySpec).toBeUndefined();
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
      expect(alias?.Properties!.AliasName).toBe('alias/tongban-test-archive');
    });

    it('is TLS only: its policy denies requests without TLS (aws:SecureTransport false) and below TLS 1.2', () => {
      // Arrange
      const everywhere = [{ 'Fn::GetAtt': [t.bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [t.bucketId, 'Arn'] }, '/*']] }];
      // Act
      const policy = t.bucketPolicy();
      // Assess
      expect(policy).toEqual(
        expect.arrayContaining([
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everywhere, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: everywhere, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
        ]),
      );
    });

    it('denies deleting objects and versions, lifecycle rules, bypassing governance retention and changing the Object Lock configuration to every principal, unconditionally; allows nothing (its other statements: test/infra/records.test.ts)', () => {
      // Act
      const policy = t.bucketPolicy();
      const neverDeleted = policy.find((st) => st.Sid === ARCHIVE_NEVER_DELETED_SID);
      // Assess
      expect(neverDeleted).toEqual({
        Sid: 'ArchiveRecordsAreNeverDeleted',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:BypassGovernanceRetention', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration'],
        Resource: [{ 'Fn::GetAtt': [t.bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [t.bucketId, 'Arn'] }, '/*']] }],
      });
      expect([...ARCHIVE_DENIED_ACTIONS].sort()).toEqual(neverDeleted!.Action);
      expect(policy.filter((st) => st.Effect !== 'Deny')).toEqual([]);
      // TLS only, TLS 1.2, never deleted, the policy locked, written once.
      expect(policy).toHaveLength(5);
    });

    it("logs its access into the access logs bucket under archive/, which S3's logging service may write for this bucket only", () => {
      // Arrange
      const logsId = t.dataId(built.data.accessLogsBucket);
      // Act
      const logging = t.bucket().Properties!.LoggingConfiguration;
      const delivery = t.statements().filter(({ statement }) => statement.Effect === 'Allow' && JSON.stringify(statement.Condition ?? {}).includes(t.bucketId));
      // Assess
      expect(ARCHIVE_ACCESS_LOGS_PREFIX).toBe('archive/');
      expect(logging).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: ARCHIVE_ACCESS_LOGS_PREFIX });
      expect(delivery.map(({ statement }) => ({ principal: statement.Principal, action: statement.Action, resources: t.resourcesOf(statement) }))).toEqual([
        { principal: { Service: 'logging.s3.amazonaws.com' }, action: 's3:PutObject', resources: [`<${logsId}.Arn>/archive/*`] },
      ]);
    });

    it("outputs its name (ArchiveBucketName) and the archive seal key's ARN (ArchiveSealKeyArn)", () => {
      expect(t.dataJson.Outputs.ArchiveBucketName?.Value).toEqual({ Ref: t.bucketId });
      expect(flatten(t.dataJson.Outputs.ArchiveSealKeyArn?.Value)).toBe(t.sealKeyArn);
    });
  });

  describe('grants', () => {
    it('nowhere allow deleting from the archive bucket or setting its lifecycle: no IAM policy, no bucket policy, by name or wildcard', () => {
      // Arrange: a resource that is, or may be, the archive bucket or one of its objects.
      const mayBeArchive = (resource: string) =>
        resource === '*' ||
        resource.includes(t.bucketId) ||
        (/^arn:[^:]*:s3:::/.test(resource) &&
          resource
            .slice(resource.indexOf(':::') + 3)
            .split('/')[0]!
            .includes('*'));
      const forbidden = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutLifecycleConfiguration', 's3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration'];
      // Act
      const allowing = t
        .statements()
        .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Action].flat().some((a) => forbidden.some((f) => actionMatches(a, f))))
        .filter(({ statement }) => t.resourcesOf(statement).some(mayBeArchive));
      // Assess
      expect(allowing).toEqual([]);
      // The scan sees the grants of both stacks, across the stacks' references.
      expect(t.statements().some(({ statement }) => t.resourcesOf(statement).some((r) => r.includes(t.bucketId)) && statement.Effect === 'Allow')).toBe(true);
    });

    it("name the archive bucket and its key in the auditors' policy, the archive function's role, the anchoring's, the publication's and the replication role's (test/infra/backup.test.ts) alone, the archive seal key in the archive function's (Sign, GetPublicKey), the anchoring's and the publication's (Sign) and the seals function's (GetPublicKey) alone", () => {
      // Act
      const naming = (arn: (r: string) => boolean) =>
        t
          .statements()
          .filter(({ statement }) => statement.Effect === 'Allow' && t.resourcesOf(statement).some(arn))
          .filter(({ holders }) => !holders[0]!.startsWith('bucket policy'))
          .map(({ holders, statement }) => `${holders.join(',')} ${[statement.Action].flat().sort().join(',')}`);
      const bucketOrKey = naming((r) => r.includes(t.bucketId) || r.includes(t.archiveKeyArn));
      const sealKey = naming((r) => r.includes(t.sealKeyArn));
      // Assess
      const auditors = AUDITOR_ROLES.map(t.roleId).join(',');
      const archive = t.roleId(ARCHIVE_ROLE);
      const anchoring = t.roleId(ANCHORING_ROLE);
      const publication = t.roleId(PUBLICATION_ROLE);
      const replication = built.data.getLogicalId(built.data.replication.role.node.defaultChild as CfnElement);
      expect(new Set(bucketOrKey.map((n) => n.split(' ')[0]))).toEqual(new Set([auditors, archive, anchoring, publication, replication]));
      expect(sealKey.sort()).toEqual(
        [`${archive} kms:Sign`, `${archive} kms:GetPublicKey`, `${anchoring} kms:Sign`, `${publication} kms:Sign`, `${t.roleId(SEALS_ROLE)} kms:GetPublicKey`].sort(),
      );
      // The publication's part: the statistics documents alone, no bundle, no journal.
      expect(t.grantsOf(PUBLICATION_ROLE).filter((g) => g.includes(t.bucketId) && (g.includes('/bundles/') || g.includes('/anchors/')))).toEqual([]);
      // The anchoring's part: the anchor journals alone, no bundle, no statistics document.
      expect(t.grantsOf(ANCHORING_ROLE).filter((g) => g.includes(t.bucketId) && (g.includes('/bundles/') || g.includes('/statistics/')))).toEqual([]);
    });
  });

  describe('auditors', () => {
    it('get tongban-<stage>-archive-read on the role of every auditor principal with a trustedAccount, and on no other role', () => {
      // Act
      const policies = Object.entries(t.principalsJson.Resources).filter(
        ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties!.ManagedPolicyName === 'tongban-test-archive-read',
      );
      // Assess
      expect(policies.map(([id]) => id)).toEqual([t.principalsId(built.principals.archiveRead!)]);
      expect((policies[0]![1].Properties!.Roles as { Ref: string }[]).map((r) => r.Ref)).toEqual(AUDITOR_ROLES.map(t.roleId));
      // The auditor given by arn: no role, so nothing from this stack.
      expect(
        [...Object.values(t.apiJson.Resources), ...Object.values(t.principalsJson.Resources)].filter(
          (r) => r.Type === 'AWS::IAM::Role' && String(r.Properties!.RoleName).includes('outside'),
        ),
      ).toEqual([]);
    });

    it('may exactly list the bucket and its versions, read the bundles under bundles/ (and restore one from Deep Archive), the anchor journals under anchors/ and the sealed statistics under statistics/ (object, version, retention, legal hold, attributes), and decrypt with the archive key through S3', () => {
      // Act
      const granted = (t.principalsJson.Resources[t.principalsId(built.principals.archiveRead!)]!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.map((st) =>
        normal(t, st),
      );
      // Assess
      expect(ARCHIVE_BUNDLES_PREFIX).toBe('bundles/');
      expect(granted).toEqual([
        { effect: 'Allow', actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [t.bucketArn] },
        // The bundles: read, and restored from Deep Archive (where the lifecycle rule moves them) before a read.
        {
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:GetObjectVersion', 's3:RestoreObject'],
          resources: [`${t.bucketArn}/bundles/*`],
        },
        {
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectLegalHold', 's3:GetObjectRetention', 's3:GetObjectVersion'],
          // The same reading of both (one statement, as CDK merges them).
          resources: [`${t.bucketArn}/anchors/*`, `${t.bucketArn}/statistics/*`],
        },
        // Through S3 alone, in any partition (amazonaws.com.cn in China).
        { effect: 'Allow', actions: ['kms:Decrypt'], resources: [t.archiveKeyArn], condition: VIA_S3 },
      ]);
      expect(ARCHIVE_AUDITOR_ACCESS).toEqual({
        bucket: ['s3:ListBucket', 's3:ListBucketVersions'],
        bundles: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes', 's3:RestoreObject'],
        anchors: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes'],
        statistics: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes'],
        key: ['kms:Decrypt'],
      });
    });

    it('hold nothing else: their API routes (execute-api:Invoke) and the archive reading; no put, no delete, no public key, no other bucket or key', () => {
      for (const roleName of AUDITOR_ROLES) {
        // Act
        const held = t.statements().filter(({ holders }) => holders.includes(t.roleId(roleName)));
        const actions = new Set(held.flatMap(({ statement }) => [statement.Action].flat()));
        // Assess
        expect(actions, roleName).toEqual(
          new Set([
            'execute-api:Invoke',
            ...ARCHIVE_AUDITOR_ACCESS.bucket,
            ...ARCHIVE_AUDITOR_ACCESS.bundles,
            ...ARCHIVE_AUDITOR_ACCESS.anchors,
            ...ARCHIVE_AUDITOR_ACCESS.statistics,
            ...ARCHIVE_AUDITOR_ACCESS.key,
          ]),
        );
        expect(
          held.every(({ statement }) => statement.Effect === 'Allow'),
          roleName,
        ).toBe(true);
        for (const { statement } of held.filter(({ statement: st }) => [st.Action].flat().some((a) => a.startsWith('s3:') || a.startsWith('kms:'))))
          for (const resource of t.resourcesOf(statement)) expect(resource === t.archiveKeyArn || resource.startsWith(t.bucketArn), `${roleName} ${resource}`).toBe(true);
      }
    });

    it('acknowledge the bundles/*, anchors/* and statistics/* wildcards (AwsSolutions-IAM5) with their reasons, on their policy alone, and nothing else there', () => {
      // Act
      const acks = t.principalsJson.Resources[t.principalsId(built.principals.archiveRead!)]!.Metadata?.cdk_nag?.rules_to_suppress ?? [];
      // The archive function's own bundles/* acknowledgement, the anchoring's anchors/* and the publication's statistics/*: below and in stacks.test.ts.
      const writers = [built.api.archive.function, built.api.lambda('anchoring'), built.api.lambda('publication')].map((f) => t.apiId(f.role!.node.findChild('DefaultPolicy')));
      const elsewhere = [...Object.entries(t.apiJson.Resources).filter(([id]) => !writers.includes(id)), ...Object.entries(t.principalsJson.Resources)]
        .flatMap(([, r]) => r.Metadata?.cdk_nag?.rules_to_suppress ?? [])
        .filter((a) => a.id.includes('ArchiveBucket'));
      // Assess
      expect(acks.map((a) => a.id)).toHaveLength(3);
      expect(acks[0]!.id).toMatch(/^AwsSolutions-IAM5\[Resource::.*ArchiveBucket[^/]*\/bundles\/\*\]$/);
      expect(acks[0]!.reason).toBe(ARCHIVE_BUNDLES_WILDCARD_REASON);
      expect(acks[1]!.id).toMatch(/^AwsSolutions-IAM5\[Resource::.*ArchiveBucket[^/]*\/anchors\/\*\]$/);
      expect(acks[1]!.reason).toBe(ARCHIVE_ANCHORS_WILDCARD_REASON);
      expect(acks[2]!.id).toMatch(/^AwsSolutions-IAM5\[Resource::.*ArchiveBucket[^/]*\/statistics\/\*\]$/);
      expect(acks[2]!.reason).toBe(ARCHIVE_STATISTICS_WILDCARD_REASON);
      expect(elsewhere).toEqual(acks);
      for (const reason of [ARCHIVE_BUNDLES_WILDCARD_REASON, ARCHIVE_ANCHORS_WILDCARD_REASON, ARCHIVE_STATISTICS_WILDCARD_REASON]) {
        expect(reason).toMatch(/only stable part/);
        expect(reason).toMatch(/no put, no delete/);
      }
    });

    it('fail synth when granted more of the archive bucket than bundles/*: the acknowledgement covers bundles/* alone', () => {
      // Arrange
      const app = newApp(CONFIG);
      const { data, principals } = buildTongbanApp(app);
      // Act
      principals.archiveRead!.addStatements(new PolicyStatement({ actions: ['s3:GetObject'], resources: [data.archiveBucket.arnForObjects('*')] }));
      // Assess
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::.*ArchiveBucket.*\/\*\]/);
    });

    it('without an auditor role, there is no archive-reading policy, and synth stays clean', () => {
      // Act
      const none = synthApp({ ...CONFIG, principals: CONFIG.principals.filter((p) => p.role !== 'auditor' || p.arn !== undefined) });
      // Assess
      expect(none.principals.archiveRead).toBeUndefined();
      expect(Template.fromStack(none.principals).findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'tongban-test-archive-read' } })).toEqual({});
      expect(nagViolations(none)).toEqual([]);
    });
  });

  describe('archive function', () => {
    const archiveFn = () => t.apiJson.Resources[t.fnId('archive')]!;
    const queueId = () => t.apiId(built.api.archive.deadLetters);
    const ref = (c: { node: { defaultChild?: unknown } }) => `<${t.dataId(c)}>`;
    const arn = (c: { node: { defaultChild?: unknown } }) => `<${t.dataId(c)}.Arn>`;

    it('runs functions/archive/handler.ts, reached by no route: Node 22 arm64, traced, 15 minutes, 1024 MB, its role tongban-<stage>-archive-function', () => {
      // Act
      const fn = archiveFn().Properties!;
      const role = t.apiJson.Resources[t.apiId(built.api.archive.function.role!)]!.Properties!;
      // Assess
      expect(SCHEDULED_FUNCTION_NAMES).toContain('archive');
      expect(FUNCTION_NAMES as readonly string[]).not.toContain('archive');
      expect(built.api.lambda('archive')).toBe(built.api.archive.function);
      expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' }, Timeout: 900, MemorySize: 1024 });
      expect([ARCHIVE_FUNCTION_TIMEOUT_MINUTES, ARCHIVE_FUNCTION_MEMORY_MB]).toEqual([15, 1024]);
      // One 8 MiB part at a time, with room to spare.
      expect(ARCHIVE_PART_BYTES * 8).toBeLessThan(ARCHIVE_FUNCTION_MEMORY_MB * 1024 * 1024);
      expect(role.RoleName).toBe(functionRoleName('test', ARCHIVE_FUNCTION));
      expect(role.AssumeRolePolicyDocument).toEqual({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        Version: '2012-10-17',
      });
      // No route, no resource policy: it is invoked by the roles granted below, and by nobody else.
      for (const type of ['AWS::ApiGateway::Method', 'AWS::Lambda::Permission', 'AWS::Lambda::Url']) {
        expect(
          Object.values(t.apiJson.Resources).filter((r) => r.Type === type && JSON.stringify(r.Properties).includes(t.fnId('archive'))),
          type,
        ).toEqual([]);
      }
    });

    it('is given its tables, MATERIALS_BUCKET and ARCHIVE_BUCKET, and nothing else (no URL of the API: it reads the public keys from KMS)', () => {
      // Act
      const variables = t.environmentOf('archive');
      // Assess
      expect(variables).toEqual({
        POWERTOOLS_SERVICE_NAME: 'tongban',
        POWERTOOLS_METRICS_NAMESPACE: 'Tongban',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        CASES_TABLE: ref(built.data.casesTable),
        ITEMS_TABLE: ref(built.data.itemsTable),
        DIRECTORY_TABLE: ref(built.data.directoryTable),
        MATERIALS_BUCKET: ref(built.data.materialsBucket),
        ARCHIVE_BUCKET: ref(built.data.archiveBucket),
      });
      expect(ARCHIVE_ENVIRONMENT).toEqual({ bucket: 'ARCHIVE_BUCKET' });
    });

    it('makes no dependency cycle: it depends on nothing of the REST API (its stage, deployment and methods depend on the functions that invoke it)', () => {
      // Arrange
      const graph = dependencies(t.apiJson.Resources);
      const cycle = [...graph.keys()].find((id) => dependsOn(graph, id).has(id));
      // Act
      const upstream = dependsOn(graph, t.fnId('archive'));
      // Assess
      expect(cycle).toBeUndefined();
      expect(upstream.has(t.apiId(built.api.api))).toBe(false);
      const of = (type: string) =>
        Object.entries(t.apiJson.Resources)
          .filter(([, r]) => r.Type === type)
          .map(([id]) => id);
      for (const id of [...of('AWS::ApiGateway::Stage'), ...of('AWS::ApiGateway::Deployment'), ...of('AWS::ApiGateway::Method'), t.fnId('cases'), t.fnId('sweep')])
        expect(upstream.has(id), id).toBe(false);
      // …which the cases function and the sweep do, on it.
      for (const fn of ['cases', 'sweep'] as const) expect(dependsOn(graph, t.fnId(fn)).has(t.fnId('archive')), fn).toBe(true);
    });

    it('holds exactly what the archive code calls: the case, item and directory reads and the case writes, cases/ of the materials bucket (read, list under cases/), the bundles (write once with their lock, read, abort an upload), the archive key through S3, kms:Sign on the archive seal key, the public keys, its dead-letter queue', () => {
      // Act
      const grants = t.grantsOf(ARCHIVE_ROLE);
      // Assess
      const materials = arn(built.data.materialsBucket);
      const dataKey = arn(built.data.dataKey);
      const via = ` ${JSON.stringify(VIA_S3)}`;
      const logGroup = (archiveFn().Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(grants).toEqual(
        [
          `logs:CreateLogStream <${logGroup}.Arn>`,
          `logs:PutLogEvents <${logGroup}.Arn>`,
          'xray:PutTelemetryRecords *',
          'xray:PutTraceSegments *',
          `dynamodb:GetItem ${arn(built.data.casesTable)}`,
          `dynamodb:PutItem ${arn(built.data.casesTable)}`,
          `dynamodb:Query ${arn(built.data.casesTable)}`,
          `dynamodb:GetItem ${arn(built.data.itemsTable)}`,
          // The official holiday arrangements (the dates an archiving entry is recorded with).
          `dynamodb:Query ${arn(built.data.itemsTable)} {"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["CALENDAR"]}}`,
          `dynamodb:GetItem ${arn(built.data.directoryTable)}`,
          // The tables' key (DynamoDB with the customer-managed key: read and write), which also decrypts the materials.
          ...['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'].map(
            (a) => `${a} ${dataKey}`,
          ),
          `s3:GetObject ${materials}/cases/*`,
          // Discarding an archived case's working copies: a delete marker each (no version is destroyed).
          `s3:DeleteObject ${materials}/cases/*`,
          `s3:ListBucket ${materials} {"StringLike":{"s3:prefix":"cases/*"}}`,
          `s3:ListBucket ${t.bucketArn}`,
          ...['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:GetObject', 's3:AbortMultipartUpload'].map((a) => `${a} ${t.bucketArn}/bundles/*`),
          `kms:GenerateDataKey ${t.archiveKeyArn}${via}`,
          `kms:Decrypt ${t.archiveKeyArn}${via}`,
          `kms:Sign ${t.sealKeyArn} {"StringEquals":{"kms:SigningAlgorithm":"ECDSA_SHA_256"}}`,
          // The public keys it puts into each bundle: every seal key's (by their aliases) and the archive seal key's.
          'kms:GetPublicKey arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/* {"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/tongban-test-seal-*"}}',
          `kms:GetPublicKey ${t.sealKeyArn}`,
          `sqs:SendMessage <${queueId()}.Arn>`,
        ].sort(),
      );
      expect(BUNDLES_PREFIX).toBe(ARCHIVE_BUNDLES_PREFIX);
      expect(TABLE_ACCESS.archive).toEqual({
        cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
        items: { actions: ['dynamodb:GetItem'] },
        directory: { actions: ['dynamodb:GetItem'] },
      });
      expect(MATERIALS_ACCESS.archive).toEqual({ cases: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'] });
      expect(ARCHIVE_WRITER_ACCESS).toEqual({
        bucket: ['s3:ListBucket'],
        bundles: ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:GetObject', 's3:AbortMultipartUpload'],
        key: ['kms:GenerateDataKey', 'kms:Decrypt'],
      });
    });

    it('may delete nothing but the working copies under cases/ of the materials bucket (a delete marker, never a version), use no wildcard action, no index, no other bucket, key or function, and read the public keys of the seal keys and the archive seal key, nothing else of theirs', () => {
      // Act
      const grants = t.grantsOf(ARCHIVE_ROLE);
      const actions = grants.map((g) => g.split(' ')[0]!);
      // Assess
      expect(grants.filter((g) => /delete/i.test(g))).toEqual([`s3:DeleteObject ${arn(built.data.materialsBucket)}/cases/*`]);
      expect(actions.filter((a) => /\*|Bypass|Lifecycle|Acl|Tagging|Version|Update|Scan|Batch|Transact/i.test(a))).toEqual([]);
      expect(actions.filter((a) => a.startsWith('lambda:') || a.startsWith('states:') || a === 'kms:Verify')).toEqual([]);
      expect(grants.filter((g) => g.startsWith('kms:GetPublicKey ')).sort()).toEqual(
        [
          `kms:GetPublicKey ${t.sealKeyArn}`,
          'kms:GetPublicKey arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/* {"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/tongban-test-seal-*"}}',
        ].sort(),
      );
      expect(grants.filter((g) => g.includes('/index/') || g.includes('/uploads/'))).toEqual([]);
      // Of the data stack: these and nothing else (the rest are its own log group and queue).
      const known = [
        t.bucketArn,
        t.archiveKeyArn,
        t.sealKeyArn,
        // The seal keys, by their aliases.
        'arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*',
        arn(built.data.materialsBucket),
        arn(built.data.dataKey),
        arn(built.data.casesTable),
        arn(built.data.itemsTable),
        arn(built.data.directoryTable),
      ];
      const own = [`<${t.apiId(built.api.archive.deadLetters)}.Arn>`, `<${(archiveFn().Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref}.Arn>`];
      for (const g of grants) {
        const resource = g.split(' ')[1]!;
        expect(resource === '*' ? g.startsWith('xray:') : own.includes(resource) || known.some((k) => resource === k || resource.startsWith(`${k}/`)), g).toBe(true);
      }
      expect(holdersOf(ARCHIVE_SEAL_KEY_ACCESS)).toEqual({
        seals: ['kms:GetPublicKey'],
        anchoring: ['kms:Sign'],
        archive: ['kms:Sign', 'kms:GetPublicKey'],
        publication: ['kms:Sign'],
      });
    });

    it('is invoked by the cases function and the sweep alone (lambda:InvokeFunction on it, unqualified), which are given its name as ARCHIVE_FUNCTION_NAME', () => {
      // Act
      const invoking = t
        .statements()
        .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Action].flat().some((a) => /^lambda:(InvokeFunction|\*)$|^\*$/.test(a)))
        .filter(({ statement }) => t.resourcesOf(statement).some((r) => r.includes(t.fnId('archive')) || r === '*'));
      // Assess
      expect(invoking.map(({ holders }) => holders)).toEqual([[t.apiId(built.api.functions.cases.role!)], [t.apiId(built.api.sweep.function.role!)]]);
      for (const { statement } of invoking) {
        expect(statement.Condition).toBeUndefined();
        expect(t.resourcesOf(statement).filter((r) => r.includes(t.fnId('archive')))).toEqual([`<${t.fnId('archive')}.Arn>`]);
      }
      expect(ARCHIVE_INVOKERS).toEqual(['cases', 'sweep']);
      for (const fn of [...FUNCTION_NAMES, ...SCHEDULED_FUNCTION_NAMES]) {
        expect(t.environmentOf(fn).ARCHIVE_FUNCTION_NAME, fn).toBe(fn === 'cases' || fn === 'sweep' ? `<${t.fnId('archive')}>` : undefined);
      }
    });

    it('is retried twice by Lambda, keeps an event 6 hours at most, then puts it in its dead-letter queue: SSE-SQS, TLS only, 14 days, sent to by its role alone', () => {
      // Act
      const configs = Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties).includes(t.fnId('archive')));
      const queue = t.apiJson.Resources[queueId()]!;
      const queuePolicies = Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties!.Queues).includes(queueId()));
      const senders = t
        .statements()
        .filter(({ statement }) => [statement.Action].flat().some((a) => a.startsWith('sqs:')) && t.resourcesOf(statement).some((r) => r.includes(queueId())));
      // Assess
      expect(configs.map((c) => c.Properties)).toEqual([
        { FunctionName: { Ref: t.fnId('archive') }, Qualifier: '$LATEST', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 },
      ]);
      expect([ARCHIVE_RETRY_ATTEMPTS, ARCHIVE_MAX_EVENT_AGE_HOURS]).toEqual([2, 6]);
      expect(archiveFn().Properties!.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId(), 'Arn'] } });
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(queuePolicies).toHaveLength(1);
      expect((queuePolicies[0]!.Properties!.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        { Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
      ]);
      expect(senders.map(({ holders, statement }) => ({ holders, action: statement.Action }))).toEqual([{ holders: [t.roleId(ARCHIVE_ROLE)], action: 'sqs:SendMessage' }]);
    });

    it('alarms on ArchiveFailed (namespace Tongban, service tongban), on its errors, on its throttles and on messages in its dead-letter queue: tongban-<stage>-archive-…', () => {
      // Act
      const alarms = Object.fromEntries(
        Object.values(t.apiJson.Resources)
          .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties!.AlarmName).startsWith('tongban-test-archive-'))
          .map((r) => [r.Properties!.AlarmName as string, r.Properties!]),
      );
      // Assess
      const aboveZero = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching', Period: 300 };
      expect(Object.keys(alarms).sort()).toEqual([
        'tongban-test-archive-dead-letters',
        'tongban-test-archive-errors',
        'tongban-test-archive-failed',
        'tongban-test-archive-throttles',
      ]);
      expect(alarms['tongban-test-archive-failed']).toMatchObject({
        ...aboveZero,
        Namespace: 'Tongban',
        MetricName: 'ArchiveFailed',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'service', Value: 'tongban' }],
      });
      expect(alarms['tongban-test-archive-errors']).toMatchObject({
        ...aboveZero,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: t.fnId('archive') } }],
      });
      expect(alarms['tongban-test-archive-dead-letters']).toMatchObject({
        ...aboveZero,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
      });
      for (const alarm of Object.values(alarms)) expect(String(alarm.AlarmDescription)).toMatch(/^Tongban test: /);
    });

    it("acknowledges X-Ray's Resource *, cases/* of the materials bucket, bundles/* of the archive bucket and the seal keys named by their aliases on its policy, each with its reason, and nothing else", () => {
      // Act
      const acks = t.apiJson.Resources[t.apiId(built.api.archive.function.role!.node.findChild('DefaultPolicy'))]!.Metadata?.cdk_nag?.rules_to_suppress ?? [];
      // Assess
      expect(acks.map((a) => a.id.replace(/^AwsSolutions-IAM5\[Resource::.*(MaterialsBucket|ArchiveBucket)[^/]*/, 'IAM5 $1')).sort()).toEqual(
        [
          'AwsSolutions-IAM5[Resource::*]',
          'IAM5 ArchiveBucket/bundles/*]',
          'IAM5 MaterialsBucket/cases/*]',
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
        ].sort(),
      );
      expect(acks.find((a) => a.id.endsWith('/bundles/*]'))?.reason).toBe(ARCHIVE_WRITER_BUNDLES_WILDCARD_REASON);
      expect(acks.find((a) => a.id.endsWith('/cases/*]'))?.reason).toBe(ARCHIVE_CASE_FILES_WILDCARD_REASON);
      expect(ARCHIVE_WRITER_BUNDLES_WILDCARD_REASON).toMatch(/no delete/);
      expect(ARCHIVE_CASE_FILES_WILDCARD_REASON).toMatch(/no s3:DeleteObjectVersion/);
      expect(ARCHIVE_CASE_FILES_WILDCARD_REASON).toMatch(/no put/);
      expect(t.apiJson.Resources[t.apiId(built.api.archive.function.role!)]!.Metadata?.cdk_nag).toBeUndefined();
    });
  });

  describe('the seals function and the directory', () => {
    it("let the seals function read the archive seal key's public key (it publishes it in the JWKS), with the seal keys'", () => {
      // Act
      const publicKeys = t.grantsOf(SEALS_ROLE).filter((g) => g.startsWith('kms:GetPublicKey '));
      // Assess
      expect(publicKeys).toContain(`kms:GetPublicKey ${t.sealKeyArn}`);
      // …and the departments' seal keys, by their aliases (test/infra/seals.test.ts).
      expect(publicKeys).toEqual([
        `kms:GetPublicKey ${t.sealKeyArn}`,
        'kms:GetPublicKey arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/* {"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/tongban-test-seal-*"}}',
      ]);
    });

    it('name the archive seal key in the directory record: archiveKey { keyId: its ARN, alg: ES256 }', () => {
      // Arrange
      const [record] = Object.values(t.dataJson.Resources).filter((r) => r.Type === 'Custom::TongbanDirectory');
      // Act
      const doc = (JSON.parse(flatten(record!.Properties!.Create)) as { parameters: { Item: { doc: { S: string } } } }).parameters.Item.doc.S;
      // Assess
      expect((JSON.parse(doc) as { archiveKey: unknown }).archiveKey).toEqual({ keyId: t.sealKeyArn, alg: 'ES256' });
      expect(
        DirectorySchema.safeParse(
          JSON.parse(doc.replaceAll('arn:<AWS::Partition>:iam::<AWS::AccountId>:', 'arn:aws:iam::999999999999:').replace(/<([^>]+)>/g, 'arn:aws:iam::999999999999:role/$1')),
        ).error,
      ).toBeUndefined();
    });
  });

  describe('archive seal key', () => {
    it("is one asymmetric SIGN_VERIFY ECC_NIST_P256 key (sealKeySpec's default) in the data stack, aliased alias/tongban-<stage>-archive-seal, never rotated, retained", () => {
      // Act
      const key = t.dataJson.Resources[t.dataId(built.data.archiveSealKey)]!;
      const alias = Object.values(t.dataJson.Resources).find((r) => r.Type === 'AWS::KMS::Alias' && flatten(r.Properties!.TargetKeyId) === t.sealKeyArn);
      // Assess
      expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      expect(key.Properties!.EnableKeyRotation).toBeUndefined();
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
      expect(alias?.Properties!.AliasName).toBe('alias/tongban-test-archive-seal');
      expect(key.Properties!.Description).toContain('archive seal');
    });

    it("keeps the account's administration and denies kms:Sign to any principal but the archive, anchoring and publication functions' roles, kms:GetPublicKey to any but the seals and archive functions' roles, kms:Verify to all", () => {
      // Arrange
      const archive = roleArn('tongban-test-archive-function');
      const anchoring = roleArn('tongban-test-anchoring-function');
      const publication = roleArn('tongban-test-publication-function');
      const seals = roleArn('tongban-test-seals-function');
      const others = [
        roleArn('Admin'),
        // The sweep and the tally sealed the journals and the statistics documents before the anchoring and publication functions did.
        roleArn('tongban-test-sweep-function'),
        roleArn('tongban-test-tally-function'),
        roleArn('tongban-test-sealing-function'),
        roleArn('tongban-test-auditor'),
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:root',
        roleArn('tongban-test-archive-function-2'),
      ];
      // Act
      const policy = t.sealKeyPolicy();
      // Assess
      expect(functionRoleName('test', ARCHIVE_FUNCTION)).toBe('tongban-test-archive-function');
      expect(policy.filter((st) => st.Effect === 'Allow')).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
          Action: 'kms:*',
          Resource: '*',
        },
      ]);
      // And the key guard every key carries (test/infra/backup.test.ts).
      expect(policy.filter((st) => st.Effect === 'Deny').map((st) => st.Sid)).toEqual([...Object.values(ARCHIVE_SEAL_KEY_STATEMENT_IDS), KEY_GUARD_SID]);
      expect(keyPolicyDenies(policy, 'kms:Sign', archive)).toBe(false);
      expect(keyPolicyDenies(policy, 'kms:Sign', anchoring)).toBe(false);
      expect(keyPolicyDenies(policy, 'kms:Sign', publication)).toBe(false);
      for (const other of [seals, ...others]) expect(keyPolicyDenies(policy, 'kms:Sign', other), other).toBe(true);
      expect(keyPolicyDenies(policy, 'kms:GetPublicKey', seals)).toBe(false);
      expect(keyPolicyDenies(policy, 'kms:GetPublicKey', archive)).toBe(false);
      for (const other of [anchoring, publication, ...others]) expect(keyPolicyDenies(policy, 'kms:GetPublicKey', other), other).toBe(true);
      for (const anyone of [archive, anchoring, publication, seals, ...others]) expect(keyPolicyDenies(policy, 'kms:Verify', anyone), anyone).toBe(true);
      expect(keyPolicyDenies(policy, 'kms:PutKeyPolicy', others[0]!)).toBe(false);
    });

    it('follows sealKeySpec: SM2 with "SM2"', () => {
      // Act
      const sm2 = synthApp({ ...CONFIG, sealKeySpec: 'SM2' });
      const key = Template.fromStack(sm2.data).toJSON().Resources[sm2.data.getLogicalId(sm2.data.archiveSealKey.node.defaultChild as CfnElement)] as Resource;
      // Assess
      expect(key.Properties).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' });
      expect(nagViolations(sm2)).toEqual([]);
    });

    it("fails synth with SM2 when the stack's region is known and not a China region; ECC_NIST_P256 unless given", () => {
      // Arrange
      const dataStack = (region: string | undefined, sealKeySpec?: 'SM2' | 'ECC_NIST_P256') => () =>
        new DataStack(new App({ context: FEATURE_FLAGS }), 'Data', {
          ...(region !== undefined ? { env: { region } } : {}),
          stage: 'test',
          logRetentionDays: 365,
          alarmEmails: ['tongban-oncall@example.gov.cn'],
          replicaRegion: 'cn-northwest-1',
          config: TongbanConfigSchema.parse({ ...CONFIG, ...(sealKeySpec !== undefined ? { sealKeySpec } : {}) }),
          ...(sealKeySpec !== undefined ? { sealKeySpec } : {}),
        });
      // Act / Assess
      expect(dataStack('eu-west-1', 'SM2')).toThrow(
        'archive seal key spec SM2: KMS offers SM2 keys in the China regions only (cn-north-1, cn-northwest-1), and this stack deploys to eu-west-1; use sealKeySpec "ECC_NIST_P256" there',
      );
      expect(dataStack('cn-north-1', 'SM2')).not.toThrow();
      expect(dataStack(undefined, 'SM2')).not.toThrow();
      const unset = dataStack('eu-west-1')();
      expect(
        (Template.fromStack(unset).toJSON().Resources as Record<string, Resource>)[unset.getLogicalId(unset.archiveSealKey.node.defaultChild as CfnElement)]!.Properties!.KeySpec,
      ).toBe('ECC_NIST_P256');
    });
  });

  describe('configuration', () => {
    const problem = (tongban: unknown) => {
      try {
        loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: tongban } }));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };

    it("keeps the archive function's role name from the principals", () => {
      expect(FIXED_ROLE_FUNCTIONS).toEqual(['sealing', 'seals', 'archive', 'anchoring', 'publication']);
      expect(problem({ ...CONFIG, principals: [{ name: 'archive-function', role: 'auditor', trustedAccount: 'self' }] })).toMatch(
        /the role name tongban-test-archive-function is the one of a platform function \(the seal or archive keys' policies name it\): choose another principal name/,
      );
      // Given by arn, the stack creates no role of that name.
      expect(problem({ ...CONFIG, principals: [{ name: 'archive-function', role: 'auditor', arn: 'arn:aws:iam::210987654321:role/x' }] })).toBeUndefined();
      expect(problem({ ...CONFIG, principals: [{ name: 'archive', role: 'auditor', trustedAccount: 'self' }] })).toBeUndefined();
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions finding, and acknowledges nothing on the archive bucket and keys', () => {
      expect(nagViolations(built)).toEqual([]);
      for (const c of [built.data.archiveBucket, built.data.archiveKey, built.data.archiveSealKey])
        expect(t.dataJson.Resources[t.dataId(c)]!.Metadata?.cdk_nag, t.dataId(c)).toBeUndefined();
    });
  });
});
