// Sealing an amended e-licence (000 §30): the next version, whose request the issuing department
// recorded (licence-service.ts `amend`), is built from the newest sealed version and the amendment
// (licence.ts `amendedLicence`) — never taken as sent — and sealed with the issuer's active seal key,
// as its first issue was (case-sealing.ts). This runs in the sealing function, the only holder of
// kms:Sign on the seal keys, which is given a licence identifier and nothing else: whoever asks can
// cause a department's seal to be used only on that department's own licence, and only for the change
// it recorded.
//
// Safe to run again at any time: nothing waiting is answered with the newest version as it is; a
// version sealed by an earlier, interrupted run is made the newest (`settle`); two runs at once both
// sign, and the first sealed version stands.
import { createHash } from 'node:crypto';
import type { SealKey } from '../../contracts/directory.ts';
import { activeKey } from '../cases/case-sealing.ts';
import { conflict, notFound } from '../errors.ts';
import { parseLicenceId } from '../identifiers/licence-id.ts';
import { canonicalize } from '../seals/jcs.ts';
import type { SealSigner } from '../seals/seal.ts';
import { sealDocument } from '../seals/seal.ts';
import type { IssuedLicence, LicenceStore } from './licence-store.ts';
import { amendedLicence, licenceDocument } from './licence.ts';

/** Port: seals a licence's version waiting for its seal (the sealing function, or in tests this module itself). */
export interface LicenceSealer {
  /** Answers the licence's newest sealed version once the one waiting (if any) is sealed. */
  sealLicence(id: string): Promise<IssuedLicence>;
}

export interface LicenceSealingDeps {
  licences: LicenceStore;
  signer: SealSigner;
  /** Every seal key (the directory's registry). */
  sealKeys: () => Promise<readonly SealKey[]>;
  now?: () => Date;
}

export class LicenceSealing implements LicenceSealer {
  private readonly now: () => Date;

  constructor(private readonly deps: LicenceSealingDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async sealLicence(id: string): Promise<IssuedLicence> {
    parseLicenceId(id);
    const { licences } = this.deps;
    const newest = await licences.settle(id);
    if (!newest) throw notFound('LICENCE_NOT_FOUND', '电子证照不存在', `no licence ${id}`);
    const waiting = await licences.version(id, newest.licence.version + 1);
    if (!waiting) return newest;
    // Sealed by another run meanwhile: that one stands.
    if (waiting.issued) return (await licences.settle(id)) ?? newest;
    if (newest.licence.revocation) {
      throw conflict(
        'LICENCE_REVOKED',
        `证照已于${newest.licence.revocation.on}撤销，更正不再盖章`,
        `licence ${id} was revoked on ${newest.licence.revocation.on}: its amendment is not sealed`,
      );
    }
    const licence = amendedLicence(newest.licence, waiting.amendment, sha256Hex(newest.sealed.document));
    const key = activeKey(await this.deps.sealKeys(), licence.issuer);
    const document = canonicalize(licenceDocument(licence));
    const seal = await sealDocument(
      Buffer.from(document, 'utf8'),
      { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt: this.now().toISOString() },
      this.deps.signer,
    );
    return licences.recordSealedVersion({ licence, sealed: { document, seal } }, waiting.amendment);
  }
}

/** SHA-256 (hex) of a sealed document's UTF-8 bytes: what an amended version names the one it supersedes by. */
export function sha256Hex(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}
