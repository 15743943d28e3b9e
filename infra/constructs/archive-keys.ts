// The archive seal key (电子档案): one asymmetric KMS key (SIGN_VERIFY, of the spec `sealKeySpec`
// gives: ECC_NIST_P256 or SM2), alias `alias/tongban-<stage>-archive-seal`, retained forever. The
// archive function seals each archive bundle's tag manifest with it; a bundle carries the public keys
// of every seal inside it, this one's included, so an auditor verifies a bundle offline. The anchoring
// function seals each anchor journal of the case heads with it (shared/domain/anchors), the publication
// function each month's statistics document (shared/domain/statistics), verified with the published keys.
//
// Its policy follows the seal keys' pattern (infra/constructs/seal-keys.ts): the default statement
// gives the account kms:*, so that IAM policies apply, and Deny statements (key-policy.ts), which no
// IAM policy can outweigh, keep the key's use to the roles named:
// - kms:Sign: denied to every principal but the archive, anchoring and publication functions' roles;
// - kms:GetPublicKey: denied to every principal but the seals function's role (the JWKS publishes the
//   archive key too) and the archive function's (it writes the public keys into each bundle);
// - kms:Verify: denied to everyone: bundles are verified offline.
// The roles are in the API stack, the key in the data stack; the policy names the roles by ARN, built
// from their fixed names (config.ts: functionRoleName, FIXED_ROLE_FUNCTIONS).
import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { SealKeySpecName } from '../config.ts';
import { archiveSealAliasName } from '../config.ts';
import { keyUseDenial } from './key-policy.ts';

/** The Sids of the archive seal key policy's Deny statements (they say what each is for). */
export const ARCHIVE_SEAL_KEY_STATEMENT_IDS = {
  signer: 'OnlyTheArchiveAndSweepFunctionsSign',
  publishers: 'OnlyTheArchiveAndSealsFunctionsReadThePublicKey',
  verify: 'ArchiveSealsAreVerifiedOffline',
} as const;

const KMS_KEY_SPEC: Record<SealKeySpecName, KeySpec> = { ECC_NIST_P256: KeySpec.ECC_NIST_P256, SM2: KeySpec.SM2 };

export interface ArchiveSealKeyProps {
  stage: string;
  /** config.sealKeySpec. */
  keySpec: SealKeySpecName;
  /** The ARNs of the only roles that may sign with the key: the archive, anchoring and publication functions' (config.ts: ARCHIVE_SEAL_SIGNERS). */
  signerRoleArns: readonly string[];
  /** The ARNs of the only roles that may read its public key: the archive function's and the seals function's. */
  publisherRoleArns: readonly string[];
}

export class ArchiveSealKey extends Construct {
  readonly key: Key;
  readonly keySpec: SealKeySpecName;

  constructor(scope: Construct, id: string, props: ArchiveSealKeyProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (props.keySpec === 'SM2' && !Token.isUnresolved(region) && !region.startsWith('cn-')) {
      throw new Error(
        `archive seal key spec SM2: KMS offers SM2 keys in the China regions only (cn-north-1, cn-northwest-1), and this stack deploys to ${region}; use sealKeySpec "ECC_NIST_P256" there`,
      );
    }
    this.keySpec = props.keySpec;
    this.key = new Key(this, 'Key', {
      alias: archiveSealAliasName(props.stage),
      description: `Tongban ${props.stage}: archive seal, ${props.keySpec}: seals each archive bundle's tag manifest, each anchor journal and each month's statistics document; signed with by the archive, anchoring and publication functions alone; its public key is read by the seals function alone (it publishes it)`,
      keySpec: KMS_KEY_SPEC[props.keySpec],
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(keyUseDenial(ARCHIVE_SEAL_KEY_STATEMENT_IDS.signer, ['kms:Sign'], props.signerRoleArns));
    this.key.addToResourcePolicy(keyUseDenial(ARCHIVE_SEAL_KEY_STATEMENT_IDS.publishers, ['kms:GetPublicKey'], props.publisherRoleArns));
    this.key.addToResourcePolicy(keyUseDenial(ARCHIVE_SEAL_KEY_STATEMENT_IDS.verify, ['kms:Verify']));
  }
}
