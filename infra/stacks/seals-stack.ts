// A seal-key stack of one deployment (`Tongban-<stage>-Seals-<n>`, n from 1 to SEAL_STACKS): the seal
// keys of the departments whose credit codes hash to n (config.ts: sealStackOf), and part n of the
// seal registry, which names each with its key's ARN (infra/constructs/directory-record.ts). Keys
// accumulate with every rotation, so they are spread over SEAL_STACKS stacks rather than kept in the
// data stack, which would grow without bound; each stack holds MAX_SEALS_PER_STACK at most (config
// check). Like the data stack's, every key here is retained when the stack is deleted.
//
// It depends on the data stack (the directory table and its key, which the registry's writer uses);
// nothing depends on it: the functions reach the seal keys by their aliases (ApiStack's grants:
// `kms:ResourceAliases`), the key policies name the functions' roles by their fixed names.
import { Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Department } from '../../shared/contracts/directory.ts';
import type { ConfiguredSeal } from '../config.ts';
import { SEAL_FUNCTIONS, SEAL_KEY_PUBLISHERS, functionRoleName } from '../config.ts';
import { roleArnNamed } from '../role-arns.ts';
import { writeSealRegistry } from '../constructs/directory-record.ts';
import { guardKeys } from '../constructs/key-policy.ts';
import { SealKeys } from '../constructs/seal-keys.ts';

export interface SealsStackProps extends StackProps {
  stage: string;
  /** This stack's number, 1 to SEAL_STACKS: the part of the seal registry it writes. */
  part: number;
  /** The configured departments (their names go into the keys' descriptions). */
  departments: readonly Department[];
  /** The seals of this stack's departments (config.ts: configuredSeals, sealStackOf). */
  seals: readonly ConfiguredSeal[];
  directoryTable: ITable;
  dataKey: IKey;
  retention: RetentionDays;
  /** config.breakGlassRoleName: the only role that may delete or disable a seal key (key-policy.ts: guardKeys). */
  breakGlassRoleName: string;
}

export class SealsStack extends Stack {
  readonly sealKeys: SealKeys;

  constructor(scope: Construct, id: string, props: SealsStackProps) {
    super(scope, id, props);
    // The roles the key policies name live in the API stack, under fixed names.
    this.sealKeys = new SealKeys(this, 'SealKeys', {
      ...props,
      signerRoleArn: roleArnNamed(this, functionRoleName(props.stage, SEAL_FUNCTIONS.signer)),
      publisherRoleArns: SEAL_KEY_PUBLISHERS.map((fn) => roleArnNamed(this, functionRoleName(props.stage, fn))),
    });
    writeSealRegistry(this, { ...props, seals: this.sealKeys.entries });
    // Every seal key carries the key guard: only the break-glass role may schedule its deletion or disable it.
    guardKeys(this, props.breakGlassRoleName);
  }
}
