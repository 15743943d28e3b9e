// The directory (departments, channels, principals with the ARNs of their roles, the seal registry and
// the archive key) written into the directory table as one record, `{ pk, doc, digest }`, on create and
// whenever its content changes. It holds nothing that changes from one synth to the next, so an
// unchanged configuration gives an unchanged template and a clean `cdk diff`.
import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct, IConstruct } from 'constructs';
import { DIRECTORY_TABLE } from '../../shared/adapters/table-layout.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import type { Directory } from '../../shared/contracts/directory.ts';
import type { ConfigPrincipal, ConfiguredSeal, SealKeySpecName, TongbanConfig } from '../config.ts';
import { archiveSealAliasName, directoryFromConfig, principalRoleName, sealAliasName, standInArchiveSealKeyArn, standInRoleArn, standInSealKeyArn } from '../config.ts';
import { KEY_READ_ACTIONS, KEY_WRITE_ACTIONS } from '../function-access.ts';
import type { SealKeys } from './seal-keys.ts';

export interface DirectoryRecordProps {
  config: TongbanConfig;
  retention: RetentionDays;
  directoryTable: ITable;
  dataKey: IKey;
  sealKeys: SealKeys;
  archiveSealKey: IKey;
  archiveSealKeySpec: SealKeySpecName;
}

/** The ARN of the role the principals stack creates for principal `name` (its name is fixed: principalRoleName). */
export function principalRoleArn(stack: Stack, stage: string, name: string): string {
  return stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: principalRoleName(stage, name) });
}

/** Writes the directory record (an AwsCustomResource putting the item) into `scope`. */
export function writeDirectory(scope: Construct, props: DirectoryRecordProps): void {
  const { config } = props;
  const stack = Stack.of(scope);
  const arnOf = (p: ConfigPrincipal) => principalRoleArn(stack, config.stage, p.name);
  const keyArnOf = (s: ConfiguredSeal) => props.sealKeys.keyOf(s.department, s.seal).keyArn;
  // The directory's archiveKey.alg follows config.sealKeySpec: the key must be of that spec.
  if (props.archiveSealKeySpec !== config.sealKeySpec)
    throw new Error(`the archive seal key is ${props.archiveSealKeySpec}, the configuration's sealKeySpec ${config.sealKeySpec}`);
  // Checked with stand-in ARNs of the roles (their names are fixed) and keys, then written with the
  // ARNs themselves: the keys' by reference, the roles' (the principals stack's, created after this
  // one) from their fixed names.
  DirectorySchema.parse(
    directoryFromConfig(
      config,
      (p) => standInRoleArn(config.stage, p.name),
      (s) => standInSealKeyArn(config.stage, s),
      standInArchiveSealKeyArn(config.stage),
    ),
  );
  const directory = directoryFromConfig(config, arnOf, keyArnOf, props.archiveSealKey.keyArn);
  const putItem = {
    service: 'DynamoDB',
    action: 'putItem',
    parameters: {
      TableName: props.directoryTable.tableName,
      Item: {
        [DIRECTORY_TABLE.partitionKey]: { S: DIRECTORY_TABLE.directoryKey },
        doc: { S: stack.toJsonString(directory) },
        digest: { S: directoryDigest(directory, config.stage) },
      },
    },
    physicalResourceId: PhysicalResourceId.of(`tongban-${config.stage}-directory`),
  };
  new AwsCustomResource(scope, 'DirectoryRecord', {
    resourceType: 'Custom::TongbanDirectory',
    onCreate: putItem,
    onUpdate: putItem,
    installLatestAwsSdk: false,
    logGroup: new LogGroup(scope, 'DirectoryRecordLogs', { retention: props.retention, removalPolicy: RemovalPolicy.RETAIN }),
    timeout: Duration.minutes(2),
    policy: AwsCustomResourcePolicy.fromStatements([
      new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.directoryTable.tableArn] }),
      new PolicyStatement({ actions: [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS], resources: [props.dataKey.keyArn] }),
    ]),
  });
  // The provider function CDK shares between all AwsCustomResources of the stack.
  acknowledgeProvider(stack.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`));
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
    ...(directory.seals !== undefined
      ? { seals: directory.seals.map((k) => (Token.isUnresolved(k.keyId) ? { ...k, keyId: `key:${sealAliasName(stage, k.department, k.seal)}` } : k)) }
      : {}),
    ...(directory.archiveKey !== undefined && Token.isUnresolved(directory.archiveKey.keyId)
      ? { archiveKey: { ...directory.archiveKey, keyId: `key:${archiveSealAliasName(stage)}` } }
      : {}),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function acknowledgeProvider(provider: IConstruct): void {
  Validations.of(provider.node.findChild('ServiceRole')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The AwsCustomResource provider function is generated by aws-cdk-lib with this managed policy (CloudWatch Logs only, for its own logs); its data permissions are the separate inline policy naming the directory table and the data key.',
  });
}
