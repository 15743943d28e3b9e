// The departments' seal keys (电子印章): one asymmetric KMS key (SIGN_VERIFY, ECC_NIST_P256 or SM2)
// per configured seal (infra/config.ts: `sealKeySpec`, `seals`), aliased
// `alias/tongban-<stage>-seal-<credit code, lower case>-<seal>`, retained forever: everything a key
// ever sealed must stay verifiable, so a key is retired, never deleted.
//
// Who may use them is in each key's policy, not only in IAM. The default key policy gives the
// account (its root) kms:* so that IAM policies apply at all (feature flag
// @aws-cdk/aws-kms:defaultKeyPolicies, always on in CDK v2); any identity of the account that IAM
// allows kms:* on `*` could then sign. So each key policy adds Deny statements (key-policy.ts),
// which no IAM policy can outweigh:
// - kms:Sign: denied to every principal but the sealing function's role (`ArnNotEquals
//   aws:PrincipalArn`); a retired seal's key, to every principal without exception;
// - kms:GetPublicKey: denied to every principal but the seals function's role (the JWKS it
//   publishes is how everybody else gets the public keys) and the archive function's (it puts them
//   into each bundle);
// - kms:Verify: denied to everyone: seals are verified offline, with the published public keys.
// Administration (describe, tag, change the policy, schedule deletion — which RETAIN and the review of
// such a change must prevent) stays with the account, as for any key.
//
// The roles are in the API stack, the keys in the seal-key stacks (infra/stacks/seals-stack.ts: they
// outlive the API). Those cannot refer to the API stack's resources, so the policies name the roles by
// ARN, built from their fixed names (config.ts: functionRoleName). The Allow statements are the roles'
// own IAM policies (SEAL_KEY_ACCESS), which name the keys by their aliases (tongban-function.ts).
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { Department, SealKey } from '../../shared/contracts/directory.ts';
import type { ConfiguredSeal, SealKeySpecName } from '../config.ts';
import { SEAL_ALGORITHM_OF_SPEC, sealAliasName } from '../config.ts';
import { keyUseDenial } from './key-policy.ts';

export interface SealKeysProps {
  stage: string;
  /** The configured departments (their names go into the keys' descriptions). */
  departments: readonly Department[];
  /** Every seal of the deployment (config.ts: configuredSeals). */
  seals: readonly ConfiguredSeal[];
  /** The ARN of the only role that may sign with an active seal key: the sealing function's. */
  signerRoleArn: string;
  /** The ARNs of the only roles that may read the public keys: the seals function's and the archive function's. */
  publisherRoleArns: readonly string[];
}

/** One seal and its key. */
export interface SealKeyResource {
  seal: ConfiguredSeal;
  key: Key;
  /** Not retired: the sealing function may sign with it. */
  active: boolean;
}

const KMS_KEY_SPEC: Record<SealKeySpecName, KeySpec> = { ECC_NIST_P256: KeySpec.ECC_NIST_P256, SM2: KeySpec.SM2 };

/** The Sids of each key policy's Deny statements (they say what each is for). */
export const SEAL_KEY_STATEMENT_IDS = {
  signer: 'OnlyTheSealingFunctionSigns',
  retired: 'RetiredSealSignsNothing',
  publisher: 'OnlyTheSealsAndArchiveFunctionsReadThePublicKey',
  verify: 'SealsAreVerifiedOffline',
} as const;

export class SealKeys extends Construct {
  /** Every seal with its key, in the order of `props.seals`. */
  readonly keys: readonly SealKeyResource[];
  /** The directory's seal registry: every seal with its key ARN (a token) and algorithm. */
  readonly entries: readonly SealKey[];

  constructor(scope: Construct, id: string, props: SealKeysProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const sm2 = props.seals.filter((s) => s.keySpec === 'SM2');
    if (sm2.length > 0 && !Token.isUnresolved(region) && !region.startsWith('cn-')) {
      throw new Error(
        `seal key spec SM2 (${sm2.map((s) => `${s.department}/${s.seal}`).join(', ')}): KMS offers SM2 keys in the China regions only (cn-north-1, cn-northwest-1), and this stack deploys to ${region}; use sealKeySpec "ECC_NIST_P256" there`,
      );
    }
    const names = new Map(props.departments.map((d) => [d.id, d.name]));
    this.keys = props.seals.map((seal) => {
      const active = seal.retiredAt === undefined;
      const key = new Key(this, `${seal.department}-${seal.seal}`, {
        alias: sealAliasName(props.stage, seal.department, seal.seal),
        description: `Tongban ${props.stage}: e-seal ${seal.seal} of ${names.get(seal.department) ?? seal.department} (${seal.department}), ${seal.keySpec}; ${
          active ? 'signed with by the sealing function alone' : `retired ${seal.retiredAt!}, signs nothing`
        }; its public key is published (JWKS) by the seals function`,
        keySpec: KMS_KEY_SPEC[seal.keySpec],
        keyUsage: KeyUsage.SIGN_VERIFY,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      key.addToResourcePolicy(
        active ? keyUseDenial(SEAL_KEY_STATEMENT_IDS.signer, ['kms:Sign'], [props.signerRoleArn]) : keyUseDenial(SEAL_KEY_STATEMENT_IDS.retired, ['kms:Sign']),
      );
      key.addToResourcePolicy(keyUseDenial(SEAL_KEY_STATEMENT_IDS.publisher, ['kms:GetPublicKey'], props.publisherRoleArns));
      key.addToResourcePolicy(keyUseDenial(SEAL_KEY_STATEMENT_IDS.verify, ['kms:Verify']));
      return { seal, key, active };
    });
    this.entries = this.keys.map(({ seal, key }) => ({
      department: seal.department,
      seal: seal.seal,
      keyId: key.keyArn,
      alg: SEAL_ALGORITHM_OF_SPEC[seal.keySpec],
      ...(seal.retiredAt !== undefined ? { retiredAt: seal.retiredAt } : {}),
    }));
  }

  /** The key of a department's seal. */
  keyOf(department: string, seal: string): Key {
    const found = this.keys.find((k) => k.seal.department === department && k.seal.seal === seal);
    if (!found) throw new Error(`no seal key for ${department}/${seal}`);
    return found.key;
  }
}
