// SealSigner on AWS KMS: a department's seal key is an asymmetric SIGN_VERIFY key, ECC_NIST_P256
// (ECDSA_SHA_256) or, in the China regions, SM2 (SM2DSA); the seal decides RAW or DIGEST (seal.ts).
// KMS answers DER signatures.
// Locally the same calls go to the embedded KMS signer (infra/local/kms-server.ts).
import { SignCommand, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SealAlgorithm, SealSigner } from '../domain/seals/seal.ts';

/** The KMS signing algorithm of each seal algorithm. */
const KMS_ALGORITHM: Record<SealAlgorithm, SigningAlgorithmSpec> = { ES256: SigningAlgorithmSpec.ECDSA_SHA_256, 'SM2-SM3': SigningAlgorithmSpec.SM2DSA };

export class KmsSealSigner implements SealSigner {
  constructor(private readonly kms: KMSClient) {}

  async sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST', alg: SealAlgorithm): Promise<Uint8Array> {
    const out = await this.kms.send(new SignCommand({ KeyId: keyId, Message: message, MessageType: messageType, SigningAlgorithm: KMS_ALGORITHM[alg] }));
    if (!out.Signature) throw new Error(`KMS returned no signature for key ${keyId}`);
    return out.Signature;
  }
}
