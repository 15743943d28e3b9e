// The directory written into the directory table, in records the stacks write on create and whenever
// their content changes (shared/adapters/dynamo-directory.ts reads them together):
// - the directory record `{ pk: directory, doc, digest }` (departments, channels, principals with the
//   ARNs of their roles, the archive key), by the data stack;
// - each part of the seal registry `{ pk: seals#<n>, doc, digest }` (the seals of the departments of
//   seal-key stack n, with their keys' ARNs), by that stack (infra/stacks/seals-stack.ts).
// Each names only resources of its own stack, or roles by their fixed names: no stack exports a
// seal key's ARN to another, however many departments. A record holds nothing that changes from one
// synth to the next, so an unchanged configuration gives an unchanged template and a clean `cdk diff`.
import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { DIRECTORY_TABLE } from '../../shared/adapters/table-layout.ts';
import { DirectorySchema, SealKeySchema } from '../../shared/contracts/directory.ts';
import type { Directory, SealKey } from '../../shared/contracts/directory.ts';
import type { ConfigPrincipal, SealKeySpecName, TongbanConfig } from '../config.ts';
import { archiveSealAliasName, directoryFromConfig, principalRoleName, sealAliasName, standInArchiveSealKeyArn, standInRoleArn, standInSealKeyArn } from '../config.ts';
import { KEY_READ_ACTIONS, KEY_WRITE_ACTIONS } from '../function-access.ts';
import { roleArnNamed } from '../role-arns.ts';
import { acknowledgeCustomResourcePolicy, acknowledgeCustomResourceProvider } from './nag-packs.ts';

/** Where a record is written: the directory table, its key, the retention of the writer's logs. */
export interface DirectoryTableProps {
  retention: RetentionDays;
  directoryTable: ITable;
  dataKey: IKey;
}

export interface DirectoryRecordProps extends DirectoryTableProps {
  config: TongbanConfig;
  archiveSealKey: IKey;
  archiveSealKeySpec: SealKeySpecName;
}

/** Writes the directory record, without the seals (the seal-key stacks write those), into `scope`. */
export function writeDirectory(scope: Construct, props: DirectoryRecordProps): void {
  const { config } = props;
  const stack = Stack.of(scope);
  // The directory's archiveKey.alg follows config.sealKeySpec: the key must be of that spec.
  if (props.archiveSealKeySpec !== config.sealKeySpec)
    throw new Error(`the archive seal key is ${props.archiveSealKeySpec}, the configuration's sealKeySpec ${config.sealKeySpec}`);
  // Checked with stand-in ARNs of the roles (their names are fixed) and keys, then written with the
  // ARNs themselves: the archive seal key's by reference, the roles' (the principals stack's, created
  // after this one) from their fixed names.
  DirectorySchema.parse(
    directoryFromConfig(
      config,
      (p) => standInRoleArn(config.stage, p.name),
      (s) => standInSealKeyArn(config.stage, s),
      standInArchiveSealKeyArn(config.stage),
    ),
  );
  const directory = directoryFromConfig(config, (p: ConfigPrincipal) => roleArnNamed(stack, principalRoleName(config.stage, p.name)), undefined, props.archiveSealKey.keyArn);
  putDirectoryItem(scope, 'DirectoryRecord', props, {
    pk: DIRECTORY_TABLE.directoryKey,
    doc: directory,
    digest: directoryDigest(directory, config.stage),
    physicalId: `tongban-${config.stage}-directory`,
  });
}

/**
 * Writes part `n` of the seal registry (the seals of seal-key stack n, each with its key's ARN, a
 * token of the same stack) into `scope`.
 */
export function writeSealRegistry(scope: Construct, props: DirectoryTableProps & { stage: string; part: number; seals: readonly SealKey[] }): void {
  const pk = DIRECTORY_TABLE.sealRegistryKeys[props.part - 1];
  if (pk === undefined) throw new Error(`the seal registry has no part ${props.part}`);
  if (props.seals.length > DIRECTORY_TABLE.maxSealsPerPart) throw new Error(`part ${props.part} of the seal registry would hold ${props.seals.length} seals`);
  for (const seal of props.seals) SealKeySchema.parse({ ...seal, keyId: Token.isUnresolved(seal.keyId) ? 'key' : seal.keyId });
  putDirectoryItem(scope, 'SealRegistry', props, {
    pk,
    doc: props.seals,
    digest: sha256(JSON.stringify(canonicalSeals(props.seals, props.stage))),
    physicalId: `tongban-${props.stage}-${pk}`,
  });
}

/** Puts `{ pk, doc (as JSON), digest }` into the directory table, on create and update (an AwsCustomResource). */
function putDirectoryItem(scope: Construct, id: string, props: DirectoryTableProps, item: { pk: string; doc: unknown; digest: string; physicalId: string }): void {
  const stack = Stack.of(scope);
  const putItem = {
    service: 'DynamoDB',
    action: 'putItem',
    parameters: {
      TableName: props.directoryTable.tableName,
      Item: {
        [DIRECTORY_TABLE.partitionKey]: { S: item.pk },
        doc: { S: stack.toJsonString(item.doc) },
        digest: { S: item.digest },
      },
    },
    physicalResourceId: PhysicalResourceId.of(item.physicalId),
  };
  const resource = new AwsCustomResource(scope, id, {
    resourceType: 'Custom::TongbanDirectory',
    onCreate: putItem,
    onUpdate: putItem,
    installLatestAwsSdk: false,
    logGroup: new LogGroup(scope, `${id}Logs`, { retention: props.retention, removalPolicy: RemovalPolicy.RETAIN }),
    timeout: Duration.minutes(2),
    policy: AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.directoryTable.tableArn] }),
      new PolicyStatement({ actions: [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS], resources: [props.dataKey.keyArn] }),
    ]),
  });
  acknowledgeCustomResourcePolicy(resource.node.findChild('CustomResourcePolicy'));
  // The provider function CDK shares between all AwsCustomResources of the stack.
  acknowledgeCustomResourceProvider(stack.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Seals with each key ARN unknown at synth written `key:<its alias>`. */
function canonicalSeals(seals: readonly SealKey[], stage: string): SealKey[] {
  return seals.map((k) => (Token.isUnresolved(k.keyId) ? { ...k, keyId: `key:${sealAliasName(stage, k.department, k.seal)}` } : k));
}

/**
 * The content digest of the directory record: the SHA-256 (hex) of the directory as JSON, with the
 * ARN of each role the stack creates written `arn:${AWS::Partition}:iam::${AWS::AccountId}:role/<name>`
 * and the ARN of each seal key and of the archive seal key `key:<its alias>` (the stored `doc` has the
 * deployment's partition, account and key ids there, unknown at synth). The same configuration always
 * gives the same digest; any change of departments, channels, principals, seals or the archive key
 * (its algorithm) a different one.
 */
export function directoryDigest(directory: Directory, stage: string): string {
  const canonical: Directory = {
    ...directory,
    principals: directory.principals.map((p) =>
      Token.isUnresolved(p.arn) ? { ...p, arn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${principalRoleName(stage, p.name)}` } : p,
    ),
    ...(directory.seals !== undefined ? { seals: canonicalSeals(directory.seals, stage) } : {}),
    ...(directory.archiveKey !== undefined && Token.isUnresolved(directory.archiveKey.keyId)
      ? { archiveKey: { ...directory.archiveKey, keyId: `key:${archiveSealAliasName(stage)}` } }
      : {}),
  };
  return sha256(JSON.stringify(canonical));
}
