// AWS Backup of the DynamoDB tables (DataStack): a daily backup of every table into a locked vault
// of the data stack's region, copied into the locked vault of the replica stack (another region,
// infra/stacks/replica-stack.ts), each copy kept `backupRetentionDays` (config.ts).
//
// Point-in-time recovery (on for every table) restores any second of the last 35 days, but only in
// the table's region and only while the account's administrators leave it alone. The backups add
// what it lacks: a copy in a second region, and copies nobody can delete early — each vault has
// its own KMS key and a vault lock in compliance mode (minimum retention = backupRetentionDays,
// changeable for the first 3 days after the deployment, immutable after: not even the account's
// root can then delete a recovery point before its retention ends, nor remove the lock).
//
// The vault's key is a key of its own, not the data key: a backup must survive what happens to the
// tables' key (its deletion scheduled, a policy mistake), and the backups' readers (AWS Backup,
// restores) are not the tables' readers (the functions). With AWS Backup's advanced DynamoDB backup
// (a per-region account setting that CloudFormation cannot set: README, Deploying to AWS) the
// recovery points are encrypted with the vault's key and can be copied across regions.
//
// AWS Backup assumes the role `tongban-<stage>-backup` (fixed name: the restore runbook names it;
// no principal may take it, config.ts) to back up, copy and restore.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupSelection, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { IBackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { backupRoleName, backupVaultName, replicaKeyAliasName } from '../config.ts';
import { OWN_POLICY_REASON } from './nag-packs.ts';
import { platformKey } from './platform-key.ts';

/** Days during which a vault's lock may still be changed or removed after its deployment (AWS Backup's shortest): then it is immutable. */
export const VAULT_LOCK_CHANGEABLE_DAYS = 3;

/** When the daily backup starts: 17:00 UTC, 01:00 China Standard Time, the platform's quietest hour. */
export const DAILY_BACKUP_SCHEDULE = { hour: '17', minute: '0' } as const;

/** Hours a daily backup may wait to start, and then to complete, before AWS Backup counts it failed. */
export const BACKUP_START_WINDOW_HOURS = 1;
export const BACKUP_COMPLETION_WINDOW_HOURS = 8;

/** The KMS actions AWS Backup needs, as the backup role, on a key it encrypts or decrypts backups and restored tables with. */
export const BACKUP_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:DescribeKey',
] as const;

/** The AWS managed policies of the backup role: AWS Backup's own, for backing up and for restoring. */
export const BACKUP_MANAGED_POLICIES = ['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores'] as const;

export interface LockedVaultProps {
  stage: string;
  /** The replica stack's vault (receives the copies), or the data stack's. */
  replica: boolean;
  /** config.backupRetentionDays: the lock's minimum retention. */
  retentionDays: number;
}

/**
 * A backup vault `tongban-<stage>-backup` (or `-backup-replica`) with a KMS key of its own (alias
 * `alias/tongban-<stage>-backup` or `…-backup-replica`, rotated), locked in compliance mode; both retained.
 */
export class LockedVault extends Construct {
  readonly key: Key;
  readonly vault: BackupVault;

  constructor(scope: Construct, id: string, props: LockedVaultProps) {
    super(scope, id);
    this.key = platformKey(this, 'Key', {
      alias: props.replica ? replicaKeyAliasName(props.stage, 'backup') : `alias/tongban-${props.stage}-backup`,
      description: `Tongban ${props.stage}: encryption of the tables' backups${props.replica ? ' copied into this region' : ''} (vault ${backupVaultName(props.stage, props.replica)})`,
    });
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: backupVaultName(props.stage, props.replica),
      encryptionKey: this.key,
      lockConfiguration: { minRetention: Duration.days(props.retentionDays), changeableFor: Duration.days(VAULT_LOCK_CHANGEABLE_DAYS) },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

export interface TableBackupProps {
  stage: string;
  /** Every table of the data stack. */
  tables: readonly ITable[];
  /** The tables' key: the backup role reads the tables with it, and writes restored tables with it. */
  tableKey: IKey;
  /** config.backupRetentionDays. */
  retentionDays: number;
  /** config.replicaRegion: where the replica stack's vault receives the copies. */
  replicaRegion: string;
}

export class TableBackup extends Construct {
  readonly vault: LockedVault;
  readonly plan: BackupPlan;
  readonly role: Role;
  /** The replica stack's vault, named by ARN (another region: no reference is possible). */
  readonly replicaVault: IBackupVault;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.vault = new LockedVault(this, 'Vault', { stage: props.stage, replica: false, retentionDays: props.retentionDays });
    const replicaVaultArn = `arn:${stack.partition}:backup:${props.replicaRegion}:${stack.account}:backup-vault:${backupVaultName(props.stage, true)}`;
    this.replicaVault = BackupVault.fromBackupVaultArn(this, 'ReplicaVault', replicaVaultArn);

    const keep = Duration.days(props.retentionDays);
    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: `tongban-${props.stage}-tables`,
      backupVault: this.vault.vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'daily',
          scheduleExpression: Schedule.cron(DAILY_BACKUP_SCHEDULE),
          startWindow: Duration.hours(BACKUP_START_WINDOW_HOURS),
          completionWindow: Duration.hours(BACKUP_COMPLETION_WINDOW_HOURS),
          deleteAfter: keep,
          copyActions: [{ destinationBackupVault: this.replicaVault, deleteAfter: keep }],
        }),
      ],
    });
    this.plan.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.role = new Role(this, 'Role', {
      roleName: backupRoleName(props.stage),
      description: `Tongban ${props.stage}: assumed by AWS Backup to back up the tables, copy the backups to ${props.replicaRegion} and restore them`,
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_MANAGED_POLICIES.map((name) => ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const name of BACKUP_MANAGED_POLICIES) {
      Validations.of(this.role.node.defaultChild!).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          "AWS Backup's own service-role policy, the one AWS documents for a backup selection's role: it follows the service's DynamoDB backup, copy and restore actions, which a hand-written copy would silently miss; the role is assumed by AWS Backup alone",
      });
    }
    // The keys: the tables' (read the table, write a restored one), this vault's, the replica vault's
    // (another region: by its alias, kms:ResourceAliases, since its ARN is unknown here).
    this.role.addToPolicy(new PolicyStatement({ actions: [...BACKUP_KEY_ACTIONS], resources: [props.tableKey.keyArn, this.vault.key.keyArn] }));
    const replicaKeys = `arn:${stack.partition}:kms:${props.replicaRegion}:${stack.account}:key/*`;
    this.role.addToPolicy(
      new PolicyStatement({
        actions: [...BACKUP_KEY_ACTIONS],
        resources: [replicaKeys],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': replicaKeyAliasName(props.stage, 'backup') } },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['kms:CreateGrant'],
        resources: [props.tableKey.keyArn, this.vault.key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: OWN_POLICY_REASON });
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${props.replicaRegion}:<AWS::AccountId>:key/*]`,
      reason:
        "The replica vault's key lives in the replica region, whose key ARN this stack cannot know (no cross-region reference); the statement holds only for the key carrying that vault key's alias (kms:ResourceAliases), so it reaches one key",
    });

    new BackupSelection(this, 'EveryTable', {
      backupPlan: this.plan,
      backupSelectionName: 'every-table',
      resources: props.tables.map((table) => BackupResource.fromDynamoDbTable(table)),
      role: this.role,
      // The role holds both of AWS Backup's policies already (above).
      disableDefaultBackupPolicy: true,
    });
  }
}
