// The published seal keys (JWKS) from KMS: every key of the directory's seal registry, active or
// retired, with its public key as KMS GetPublicKey gives it (a DER SubjectPublicKeyInfo). A key's
// public key never changes, so each is fetched once per process; the registry itself is the
// directory's (cached as the directory is). Only this path — the seals function, which publishes them,
// and the archive function, which puts them into each bundle — may call kms:GetPublicKey on the seal
// keys and the archive seal key.
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SealKey } from '../contracts/directory.ts';
import { ARCHIVE_SEAL } from '../domain/archive/case-bundle.ts';
import type { Jwks } from '../domain/seals/jwks.ts';
import { sealJwk } from '../domain/seals/jwks.ts';

export class KmsPublishedKeys {
  private readonly publicKeys = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly kms: KMSClient,
    private readonly registry: () => Promise<readonly SealKey[]>,
    /** The archive key, published beside the seal keys (it seals archive bundles). */
    private readonly archiveKey: () => Promise<{ keyId: string; alg: SealKey['alg'] } | undefined> = async () => undefined,
  ) {}

  async jwks(): Promise<Jwks> {
    const keys = await this.registry();
    const archive = await this.archiveKey();
    return {
      keys: await Promise.all([
        ...keys.map(async (k) =>
          sealJwk(await this.publicKey(k.keyId), { kid: k.keyId, alg: k.alg, department: k.department, seal: k.seal, ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}) }),
        ),
        ...(archive
          ? [(async () => sealJwk(await this.publicKey(archive.keyId), { kid: archive.keyId, alg: archive.alg, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal }))()]
          : []),
      ]),
    };
  }

  private publicKey(keyId: string): Promise<Uint8Array> {
    let known = this.publicKeys.get(keyId);
    if (!known) {
      known = this.kms.send(new GetPublicKeyCommand({ KeyId: keyId })).then((out) => {
        if (!out.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
        return out.PublicKey;
      });
      // A failed fetch is not kept: the next request asks again.
      known.catch(() => this.publicKeys.delete(keyId));
      this.publicKeys.set(keyId, known);
    }
    return known;
  }
}
