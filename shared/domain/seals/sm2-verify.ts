// SM2 verification for seals (seal.ts), by sm-crypto, in a module of its own: sm-crypto is CommonJS,
// which esbuild cannot shake, so whatever imports it carries all of it (41 KiB with jsbn). Here, only a
// bundle that verifies seals (seal.ts's verifySeal) reaches it; the ones that only make seals (the
// sealing, archive, sweep and tally functions) drop it with this module (package.json `sideEffects`).
import smCrypto from 'sm-crypto';
import { hexOf } from '../bytes.ts';

/** SM2 verification of R‖S over `input` (SM3 with Z of the default ID), by sm-crypto. */
export function sm2Verify(input: Uint8Array, signature: Uint8Array, point: Uint8Array): boolean {
  return smCrypto.sm2.doVerifySignature([...input], hexOf(signature), hexOf(point), { der: false, hash: true });
}
