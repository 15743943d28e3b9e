// SealSigner on AWS KMS: a department's seal key is an asymmetric ECC_NIST_P256 SIGN_VERIFY key; a
// signing input up to 4096 bytes is signed as it is (MessageType RAW), a larger one as its SHA-256
// (MessageType DIGEST) — the same ECDSA_SHA_256 signature either way. KMS answers DER signatures.
// Locally the same calls go to the embedded KMS signer (infra/local/kms-server.ts).
import { SignCommand, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SealSigner } from '../domain/seals/seal.ts';

export class KmsSealSigner implements SealSigner {
  constructor(private readonly kms: KMSClient) {}

  async sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST'): Promise<Uint8Array> {
    const out = await this.kms.send(new SignCommand({ KeyId: keyId, Message: message, MessageType: messageType, SigningAlgorithm: SigningAlgorithmSpec.ECDSA_SHA_256 }));
    if (!out.Signature) throw new Error(`KMS returned no signature for key ${keyId}`);
    return out.Signature;
  }
}
