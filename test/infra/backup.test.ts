// Backup and the second region as CloudFormation: the daily AWS Backup of every table into a locked
// vault with a key of its own and its copy into the replica region's locked vault; the archive
// bucket's and the materials' cases/ replication to the replica stack's buckets, with their keys
// named by alias and a least-privilege role; the replica stack (Object Lock, the archive's
// never-deleted policy, keys of its own, retained); the key guard on every key of both stacks with
// the break-glass exception; the settings' validation; cdk-nag on the replica stack. Every resource
// the restore runbook (README, Deploying to AWS) relies on is asserted here.
import { App } from 'aws-cdk-lib';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_CONTEXT_KEY,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_BREAK_GLASS_ROLE_NAME,
  TongbanConfigSchema,
  backupRoleName,
  backupVaultName,
  loadConfig,
  replicaBucketName,
  replicaKeyAliasName,
} from '../../infra/config.ts';
import { REPLICATION_BUCKET_ACTIONS, REPLICATION_DESTINATION_ACTIONS, REPLICATION_LOCK_ACTIONS, REPLICATION_SOURCE_ACTIONS } from '../../infra/constructs/bucket-replication.ts';
import { KEY_GUARDED_ACTIONS, KEY_GUARD_SID } from '../../infra/constructs/key-policy.ts';
import { BACKUP_KEY_ACTIONS, BACKUP_MANAGED_POLICIES, DAILY_BACKUP_SCHEDULE, VAULT_LOCK_CHANGEABLE_DAYS } from '../../infra/constructs/table-backup.ts';
import { ARCHIVED_CASE_FILE_RULES, ARCHIVE_DENIED_ACTIONS, ARCHIVE_NEVER_DELETED_SID, DataStack } from '../../infra/stacks/data-stack.ts';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { flattenDeep } from '../support/cfn-values.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { FEATURE_FLAGS, configProblem, removeSynthOutputs, synthApp } from '../support/synth-app.ts';

/** A configuration of the market alone, for a data stack built by itself. */
const MARKET_ONLY = TongbanConfigSchema.parse({
  stage: 'test',
  logRetentionDays: 365,
  departments: [DEPARTMENTS.market],
  channels: [],
  principals: [],
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
});

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const REPLICA_REGION = 'cn-northwest-1';
const CONFIG = {
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  stage: 'test',
  logRetentionDays: 365,
  replicaRegion: REPLICA_REGION,
  backupRetentionDays: 120,
  breakGlassRoleName: 'security/tongban-break-glass',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [{ name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id, trustedAccount: 'self' }],
};
const HERE = 'arn:<AWS::Partition>';
const ACCOUNT = '<AWS::AccountId>';

afterAll(removeSynthOutputs);

function resources(stack: Stack, type?: string): [string, Resource][] {
  const all = Object.entries((Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources);
  return type ? all.filter(([, r]) => r.Type === type) : all;
}
const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const actions = (s: Statement) => [s.Action].flat().sort();
const statementsOf = (policy: Resource) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;

describe('backup and the second region (test configuration)', () => {
  let built: ReturnType<typeof synthApp>;
  let data: [string, Resource][];
  let replica: [string, Resource][];
  const one = (list: [string, Resource][], type: string) => {
    const found = list.filter(([, r]) => r.Type === type);
    expect(found, type).toHaveLength(1);
    return found[0]![1];
  };
  beforeAll(() => {
    built = synthApp(CONFIG);
    data = resources(built.data);
    replica = resources(built.replica);
  });

  describe('AWS Backup of the tables', () => {
    it('backs up daily at 17:00 UTC, keeps each backup backupRetentionDays, and copies it into the replica vault for as long; the plan is retained', () => {
      const plan = one(data, 'AWS::Backup::BackupPlan');
      expect(plan.DeletionPolicy).toBe('Retain');
      const rules = (plan.Properties!.BackupPlan as { BackupPlanRule: Json[] }).BackupPlanRule;
      expect(rules).toHaveLength(1);
      expect(flattenDeep(rules[0])).toEqual({
        RuleName: 'daily',
        ScheduleExpression: `cron(${DAILY_BACKUP_SCHEDULE.minute} ${DAILY_BACKUP_SCHEDULE.hour} * * ? *)`,
        StartWindowMinutes: 60,
        CompletionWindowMinutes: 480,
        Lifecycle: { DeleteAfterDays: 120 },
        TargetBackupVault: `<${idOf(built.data, built.data.tableBackup.vault.vault)}.BackupVaultName>`,
        CopyActions: [
          {
            DestinationBackupVaultArn: `${HERE}:backup:${REPLICA_REGION}:${ACCOUNT}:backup-vault:${backupVaultName('test', true)}`,
            Lifecycle: { DeleteAfterDays: 120 },
          },
        ],
      });
    });

    it('selects every table of the data stack, backed up as the role tongban-<stage>-backup', () => {
      const selection = one(data, 'AWS::Backup::BackupSelection').Properties!.BackupSelection as Json;
      const tableIds = data.filter(([, r]) => r.Type === 'AWS::DynamoDB::Table').map(([id]) => `<${id}.Arn>`);
      expect(tableIds).toHaveLength(7);
      expect((flattenDeep(selection.Resources) as string[]).sort()).toEqual(tableIds.sort());
      expect(flattenDeep(selection.IamRoleArn)).toBe(`<${idOf(built.data, built.data.tableBackup.role)}.Arn>`);
    });

    it('locks both vaults in compliance mode (minimum retention backupRetentionDays, immutable after 3 days), each with a rotated key of its own; vaults and keys retained', () => {
      for (const [stack, list, replicaVault] of [
        [built.data, data, false],
        [built.replica, replica, true],
      ] as const) {
        const vault = one(list, 'AWS::Backup::BackupVault');
        expect(vault.DeletionPolicy, stack.stackName).toBe('Retain');
        expect(vault.Properties!.BackupVaultName).toBe(backupVaultName('test', replicaVault));
        expect(vault.Properties!.LockConfiguration).toEqual({ MinRetentionDays: 120, ChangeableForDays: VAULT_LOCK_CHANGEABLE_DAYS });
        const keyId = (flattenDeep(vault.Properties!.EncryptionKeyArn) as string).replace(/^<(.*)\.Arn>$/, '$1');
        const key = list.find(([id]) => id === keyId)![1];
        expect(key.Type).toBe('AWS::KMS::Key');
        expect(key.DeletionPolicy).toBe('Retain');
        expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
        const alias = list.find(([, r]) => r.Type === 'AWS::KMS::Alias' && flattenDeep(r.Properties!.TargetKeyId) === `<${keyId}.Arn>`)![1];
        expect(alias.Properties!.AliasName).toBe(replicaVault ? replicaKeyAliasName('test', 'backup') : 'alias/tongban-test-backup');
      }
      // Not the data key: the vault's key is its own.
      expect(built.data.tableBackup.vault.key).not.toBe(built.data.dataKey);
    });

    it("gives the backup role AWS Backup's two service policies, the tables' and the vaults' keys (the replica vault's by its alias alone), grants for AWS resources only", () => {
      const role = data.find(([id]) => id === idOf(built.data, built.data.tableBackup.role))![1];
      expect(role.Properties!.RoleName).toBe(backupRoleName('test'));
      expect(flattenDeep(role.Properties!.AssumeRolePolicyDocument)).toMatchObject({ Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'backup.amazonaws.com' } }] });
      expect(flattenDeep(role.Properties!.ManagedPolicyArns)).toEqual(BACKUP_MANAGED_POLICIES.map((p) => `${HERE}:iam::aws:policy/${p}`));
      const policy = data.find(([id]) => id === idOf(built.data, built.data.tableBackup.role.node.findChild('DefaultPolicy')))![1];
      const keys = `<${idOf(built.data, built.data.dataKey)}.Arn>,<${idOf(built.data, built.data.tableBackup.vault.key)}.Arn>`;
      expect(
        statementsOf(policy).map((s) => ({ actions: actions(s).join(','), resource: [flattenDeep(s.Resource)].flat().join(','), condition: flattenDeep(s.Condition) })),
      ).toEqual([
        { actions: [...BACKUP_KEY_ACTIONS].sort().join(','), resource: keys, condition: undefined },
        {
          actions: [...BACKUP_KEY_ACTIONS].sort().join(','),
          resource: `${HERE}:kms:${REPLICA_REGION}:${ACCOUNT}:key/*`,
          condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': replicaKeyAliasName('test', 'backup') } },
        },
        { actions: 'kms:CreateGrant', resource: keys, condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
      ]);
    });

    it('outputs the vault name and the replica bucket names', () => {
      const outputs = (Template.fromStack(built.data).toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
      expect(flattenDeep(outputs.BackupVaultName!.Value)).toBe(`<${idOf(built.data, built.data.tableBackup.vault.vault)}.BackupVaultName>`);
      expect(flattenDeep(outputs.ArchiveReplicaBucketName!.Value)).toBe(replicaBucketName('test', 'archive', ACCOUNT, REPLICA_REGION));
      expect(flattenDeep(outputs.MaterialsReplicaBucketName!.Value)).toBe(replicaBucketName('test', 'materials', ACCOUNT, REPLICA_REGION));
    });
  });

  describe('replication to the replica region', () => {
    const ruleOf = (bucket: { node: { defaultChild?: unknown } }) => {
      const props = data.find(([id]) => id === idOf(built.data, bucket))![1].Properties!;
      return flattenDeep(props.ReplicationConfiguration) as { Role: string; Rules: Json[] };
    };

    it('replicates every object of the archive bucket into Deep Archive, and cases/ of the materials bucket into Standard-IA with its delete markers, to their replicas with the replicas’ keys by alias ARN, SSE-KMS objects; no delete marker of the archive', () => {
      const role = `<${idOf(built.data, built.data.replication.role)}.Arn>`;
      for (const [bucket, name, prefix, storageClass, deletes] of [
        [built.data.archiveBucket, 'archive', '', 'DEEP_ARCHIVE', 'Disabled'],
        [built.data.materialsBucket, 'materials', MATERIALS_BUCKET.casesPrefix, 'STANDARD_IA', 'Enabled'],
      ] as const) {
        expect(ruleOf(bucket), name).toEqual({
          Role: role,
          Rules: [
            {
              Id: `${name}-to-${REPLICA_REGION}`,
              Status: 'Enabled',
              Priority: 1,
              Filter: { Prefix: prefix },
              DeleteMarkerReplication: { Status: deletes },
              SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
              Destination: {
                Bucket: `${HERE}:s3:::${replicaBucketName('test', name, ACCOUNT, REPLICA_REGION)}`,
                StorageClass: storageClass,
                EncryptionConfiguration: { ReplicaKmsKeyID: `${HERE}:kms:${REPLICA_REGION}:${ACCOUNT}:${replicaKeyAliasName('test', name)}` },
              },
            },
          ],
        });
      }
      expect(MATERIALS_BUCKET.casesPrefix).toBe('cases/');
    });

    it("lets the replication role read what replication reads (the archive's retention and legal hold too), decrypt through S3 in its region, write replicas and tags into the replicas alone, encrypt with their keys alone; delete markers into the materials replica alone", () => {
      const policy = data.find(([id]) => id === idOf(built.data, built.data.replication.role.node.findChild('DefaultPolicy')))![1];
      const statements = statementsOf(policy).map((s) => ({ actions: actions(s), resource: [flattenDeep(s.Resource)].flat().sort(), condition: flattenDeep(s.Condition) }));
      const archive = `<${idOf(built.data, built.data.archiveBucket)}.Arn>`;
      const materials = `<${idOf(built.data, built.data.materialsBucket)}.Arn>`;
      const replicaObjects = (name: 'archive' | 'materials', prefix: string) => `${HERE}:s3:::${replicaBucketName('test', name, ACCOUNT, REPLICA_REGION)}/${prefix}*`;
      const encrypt = (name: 'archive' | 'materials') => ({
        actions: ['kms:Encrypt'],
        resource: [`${HERE}:kms:${REPLICA_REGION}:${ACCOUNT}:key/*`],
        condition: {
          StringEquals: { 'kms:ViaService': `s3.${REPLICA_REGION}.<AWS::URLSuffix>` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': replicaKeyAliasName('test', name) },
        },
      });
      expect(statements).toEqual(
        expect.arrayContaining([
          { actions: [...REPLICATION_BUCKET_ACTIONS].sort(), resource: [archive, materials].sort(), condition: undefined },
          { actions: [...REPLICATION_SOURCE_ACTIONS, ...REPLICATION_LOCK_ACTIONS].sort(), resource: [`${archive}/*`], condition: undefined },
          { actions: [...REPLICATION_SOURCE_ACTIONS].sort(), resource: [`${materials}/cases/*`], condition: undefined },
          { actions: [...REPLICATION_DESTINATION_ACTIONS].sort(), resource: [replicaObjects('archive', '')], condition: undefined },
          { actions: [...REPLICATION_DESTINATION_ACTIONS, 's3:ReplicateDelete'].sort(), resource: [replicaObjects('materials', 'cases/')], condition: undefined },
          {
            actions: ['kms:Decrypt'],
            resource: [`<${idOf(built.data, built.data.archiveKey)}.Arn>`, `<${idOf(built.data, built.data.dataKey)}.Arn>`].sort(),
            condition: { StringEquals: { 'kms:ViaService': 's3.<AWS::Region>.<AWS::URLSuffix>' } },
          },
          encrypt('archive'),
          encrypt('materials'),
        ]),
      );
      expect(statements).toHaveLength(8);
      const granted = statements.flatMap((s) => s.actions);
      expect(statements.filter((s) => s.actions.includes('s3:ReplicateDelete')).map((s) => s.resource)).toEqual([[replicaObjects('materials', 'cases/')]]);
      for (const denied of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:ObjectOwnerOverrideToBucketOwner']) expect(granted).not.toContain(denied);
      const role = data.find(([id]) => id === idOf(built.data, built.data.replication.role))![1];
      expect(flattenDeep(role.Properties!.AssumeRolePolicyDocument)).toMatchObject({ Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 's3.amazonaws.com' } }] });
    });

    it('deploys the data stack after the replica stack, which names its region and not its account', () => {
      expect(built.data.dependencies).toContain(built.replica);
      expect(built.replica.stackName).toBe('Tongban-test-Replica');
      expect(built.replica.region).toBe(REPLICA_REGION);
      expect(built.replica.resolve(built.replica.account)).toEqual({ Ref: 'AWS::AccountId' });
      expect(built.data.resolve(built.data.region)).toEqual({ Ref: 'AWS::Region' });
    });
  });

  describe('replica stack', () => {
    const bucket = (b: { node: { defaultChild?: unknown } }) => replica.find(([id]) => id === idOf(built.replica, b))![1];

    it('holds the archive replica: Object Lock on, versioned, SSE-KMS with its own key, the archive bucket’s never-deleted policy (retained too), no lifecycle, logged, retained', () => {
      const r = bucket(built.replica.archiveReplica);
      expect(r.DeletionPolicy).toBe('Retain');
      expect(flattenDeep(r.Properties)).toMatchObject({
        BucketName: replicaBucketName('test', 'archive', ACCOUNT, REPLICA_REGION),
        ObjectLockEnabled: true,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: `<${idOf(built.replica, built.replica.archiveReplicaKey)}.Arn>` } },
          ],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: `<${idOf(built.replica, built.replica.accessLogsBucket)}>` },
      });
      expect(r.Properties!.LifecycleConfiguration).toBeUndefined();
      expect(r.Properties!.ObjectLockConfiguration).toBeUndefined();
      const policy = replica.find(
        ([, p]) => p.Type === 'AWS::S3::BucketPolicy' && flattenDeep(p.Properties!.Bucket) === `<${idOf(built.replica, built.replica.archiveReplica)}>`,
      )![1];
      expect(policy.DeletionPolicy).toBe('Retain');
      const deny = statementsOf(policy).find((s) => s.Sid === ARCHIVE_NEVER_DELETED_SID)!;
      expect(deny.Effect).toBe('Deny');
      expect(deny.Principal).toEqual({ AWS: '*' });
      expect(actions(deny)).toEqual([...ARCHIVE_DENIED_ACTIONS].sort());
      const arn = `<${idOf(built.replica, built.replica.archiveReplica)}.Arn>`;
      expect((flattenDeep(deny.Resource) as string[]).sort()).toEqual([arn, `${arn}/*`].sort());
    });

    it('holds the materials replica: versioned, SSE-KMS with its own key, logged, retained; and the logs bucket (SSE-S3, expiring after the log retention)', () => {
      const m = bucket(built.replica.materialsReplica);
      expect(m.DeletionPolicy).toBe('Retain');
      expect(flattenDeep(m.Properties)).toMatchObject({
        BucketName: replicaBucketName('test', 'materials', ACCOUNT, REPLICA_REGION),
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { KMSMasterKeyID: `<${idOf(built.replica, built.replica.materialsReplicaKey)}.Arn>` } }],
        },
      });
      // The archive function's deletes of an archived case's files replicate here: the hidden versions expire as in the source.
      expect(m.Properties!.LifecycleConfiguration).toEqual({
        Rules: [
          { Id: 'expire-archived-case-files', Status: 'Enabled', Prefix: 'cases/', NoncurrentVersionExpiration: { NoncurrentDays: MATERIALS_BUCKET.archivedCaseFileVersionDays } },
          { Id: 'remove-archived-case-file-markers', Status: 'Enabled', Prefix: 'cases/', ExpiredObjectDeleteMarker: true },
        ],
      });
      expect(ARCHIVED_CASE_FILE_RULES.map((r) => r.id)).toEqual(['expire-archived-case-files', 'remove-archived-case-file-markers']);
      const logs = bucket(built.replica.accessLogsBucket);
      expect(logs.DeletionPolicy).toBe('Retain');
      expect(flattenDeep(logs.Properties)).toMatchObject({
        BucketName: replicaBucketName('test', 'logs', ACCOUNT, REPLICA_REGION),
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: expect.arrayContaining([expect.objectContaining({ Id: 'expire-access-logs', ExpirationInDays: 365, Status: 'Enabled' })]) as unknown,
        },
      });
      expect(replica.filter(([, r]) => r.Type === 'AWS::S3::Bucket')).toHaveLength(3);
    });

    it('names the replica keys by the aliases the data stack replicates to; three keys, rotated, retained', () => {
      const keys = replica.filter(([, r]) => r.Type === 'AWS::KMS::Key');
      expect(keys).toHaveLength(3);
      for (const [, k] of keys) {
        expect(k.DeletionPolicy).toBe('Retain');
        expect(k.Properties).toMatchObject({ EnableKeyRotation: true });
      }
      const aliases = replica.filter(([, r]) => r.Type === 'AWS::KMS::Alias').map(([, r]) => [r.Properties!.AliasName, flattenDeep(r.Properties!.TargetKeyId)]);
      expect(aliases).toEqual(
        expect.arrayContaining([
          [replicaKeyAliasName('test', 'archive'), `<${idOf(built.replica, built.replica.archiveReplicaKey)}.Arn>`],
          [replicaKeyAliasName('test', 'materials'), `<${idOf(built.replica, built.replica.materialsReplicaKey)}.Arn>`],
        ]),
      );
    });

    it('is cdk-nag clean, acknowledging only that its access logs bucket has no access logs of its own', () => {
      expect(Annotations.fromStack(built.replica).findError('*', Match.anyValue())).toEqual([]);
      expect(Annotations.fromStack(built.replica).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      const acknowledged = replica.flatMap(([id, r]) =>
        ((r as { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string }[] } } }).Metadata?.cdk_nag?.rules_to_suppress ?? []).map((a) => `${id} ${a.id}`),
      );
      expect(acknowledged).toEqual([`${idOf(built.replica, built.replica.accessLogsBucket)} AwsSolutions-S1`]);
    });
  });

  describe('key guard', () => {
    const guardOf = (key: Resource) => (key.Properties!.KeyPolicy as { Statement: Statement[] }).Statement.filter((s) => s.Sid === KEY_GUARD_SID);

    it('denies scheduling deletion, disabling a key or its rotation and deleting imported material to everyone but the break-glass role, on every key of the data and replica stacks', () => {
      // The replica stack names its region, so CDK writes its partition (aws-cn for a cn- region).
      const sealStacks = built.seals.flatMap((stack) => resources(stack).map(([id, r]) => [id, r, HERE] as const));
      const keys = [...data.map(([id, r]) => [id, r, HERE] as const), ...sealStacks, ...replica.map(([id, r]) => [id, r, 'arn:aws-cn'] as const)].filter(
        ([, r]) => r.Type === 'AWS::KMS::Key',
      );
      // The data key, the archive key, the archive seal key, the backup key, the alarm topic's key, the trail's key, the logs key; a seal key per department (the seal-key stacks'); the replica stack's three.
      expect(keys).toHaveLength(7 + CONFIG.departments.length + 3);
      for (const [id, key, partition] of keys) {
        const guard = guardOf(key);
        expect(guard, id).toHaveLength(1);
        expect(flattenDeep(guard[0]), id).toEqual({
          Sid: KEY_GUARD_SID,
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: [...KEY_GUARDED_ACTIONS].sort(),
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': `${partition}:iam::${ACCOUNT}:role/security/tongban-break-glass` } },
        });
      }
      expect([...KEY_GUARDED_ACTIONS].sort()).toEqual(['kms:DeleteImportedKeyMaterial', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:ScheduleKeyDeletion']);
      // A scheduled deletion waits KMS's default 30 days (the runbook's window to cancel it): no key shortens it.
      for (const [id, key] of keys) expect(key.Properties!.PendingWindowInDays, id).toBeUndefined();
    });

    it("leaves kms:PutKeyPolicy (CloudFormation's own deployments; KMS's lockout check) and cancelling a deletion open", () => {
      expect(KEY_GUARDED_ACTIONS).not.toContain('kms:PutKeyPolicy');
      expect(KEY_GUARDED_ACTIONS).not.toContain('kms:CancelKeyDeletion');
      expect(KEY_GUARDED_ACTIONS).not.toContain('kms:EnableKey');
    });

    it('names tongban-break-glass unless configured', () => {
      const stack = new DataStack(new App({ context: FEATURE_FLAGS }), 'Data', {
        stage: 'test',
        logRetentionDays: 365,
        replicaRegion: REPLICA_REGION,
        alarmEmails: ['tongban-oncall@example.gov.cn'],
        config: MARKET_ONLY,
      });
      const guard = guardOf(resources(stack).find(([id]) => id === idOf(stack, stack.dataKey))![1]);
      expect(flattenDeep(guard[0]!.Condition)).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': `${HERE}:iam::${ACCOUNT}:role/${DEFAULT_BREAK_GLASS_ROLE_NAME}` } });
      expect(flattenDeep(one(resources(stack), 'AWS::Backup::BackupVault').Properties!.LockConfiguration)).toMatchObject({ MinRetentionDays: DEFAULT_BACKUP_RETENTION_DAYS });
    });
  });

  it('refuses a replica region that is the data stack’s own, when known', () => {
    const dataStack = (region: string) => () =>
      new DataStack(new App({ context: FEATURE_FLAGS }), 'Data', {
        env: { region },
        stage: 'test',
        logRetentionDays: 365,
        replicaRegion: REPLICA_REGION,
        alarmEmails: ['tongban-oncall@example.gov.cn'],
        config: MARKET_ONLY,
      });
    expect(dataStack(REPLICA_REGION)).toThrow(/replicaRegion cn-northwest-1 is the region of the data stack itself/);
    expect(dataStack('cn-north-1')).not.toThrow();
  });
});

describe('backup settings', () => {
  const problem = configProblem;

  it('requires replicaRegion, a region code, and a stage short enough for the replica bucket names', () => {
    const { replicaRegion: _, ...without } = CONFIG;
    expect(problem(without)).toMatch(/replicaRegion is required/);
    for (const bad of ['cn-northwest', 'China', 'cn_northwest_1', ''] as const)
      expect(problem({ ...CONFIG, replicaRegion: bad }), bad).toMatch(/replicaRegion must be an AWS region code/);
    expect(problem({ ...CONFIG, replicaRegion: 'us-gov-west-1' })).toBeUndefined();
    expect(problem({ ...CONFIG, stage: 'a-very-long-stag', replicaRegion: 'us-gov-southeast-12' })).toMatch(/would exceed 63 characters: shorten the stage/);
  });

  it('takes backupRetentionDays from 35 to 3650, 90 by default', () => {
    const { backupRetentionDays: _, ...without } = CONFIG;
    expect(loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: without } })).backupRetentionDays).toBe(90);
    expect(DEFAULT_BACKUP_RETENTION_DAYS).toBe(90);
    for (const good of [35, 3650]) expect(problem({ ...CONFIG, backupRetentionDays: good }), String(good)).toBeUndefined();
    for (const bad of [34, 3651, 40.5, '90']) expect(problem({ ...CONFIG, backupRetentionDays: bad }), String(bad)).toMatch(/backupRetentionDays/);
  });

  it('takes breakGlassRoleName as a role name with an optional path, no wildcards; tongban-break-glass by default', () => {
    const { breakGlassRoleName: _, ...without } = CONFIG;
    expect(loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: without } })).breakGlassRoleName).toBe('tongban-break-glass');
    for (const bad of ['tongban-*', 'role/x y', 'arn:aws:iam::210987654321:role/x', ''])
      expect(problem({ ...CONFIG, breakGlassRoleName: bad }), bad).toMatch(/breakGlassRoleName must be an IAM role name/);
  });

  it('refuses a principal whose role would take the backup role’s name', () => {
    expect(problem({ ...CONFIG, principals: [{ name: 'backup', role: 'auditor', trustedAccount: 'self' }] })).toMatch(
      /the role name tongban-test-backup is the one AWS Backup assumes for the tables' backups/,
    );
  });
});
