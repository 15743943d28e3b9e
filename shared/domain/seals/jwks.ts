// The published seal keys (JWKS, RFC 7517): every key a department ever sealed with, active or
// retired, so that anyone can verify a seal without the platform — years later too. A key is never
// removed: rotating a seal means a new key, and the old one stays listed, retired from a date on.
// Each entry names its department and seal, and carries its DER SubjectPublicKeyInfo as well
// (`tongban:spki`, base64), which OpenSSL reads as it is.
import { base64Of, base64UrlOf, fromBase64 } from '../bytes.ts';
import type { Seal, SealAlgorithm, SealCheck, SealHeader, SealPublicKey } from './seal.ts';
import { ecPoint, verifySeal } from './seal.ts';

export interface SealJwk {
  kty: 'EC';
  /** `SM2` is not a registered JOSE curve: SM2 keys are listed for this platform's verifiers and OpenSSL. */
  crv: 'P-256' | 'SM2';
  x: string;
  y: string;
  kid: string;
  use: 'sig';
  alg: SealAlgorithm;
  /** The department's unified social credit code. */
  'tongban:department': string;
  'tongban:seal': string;
  'tongban:status': 'active' | 'retired';
  /** Seals made after this instant with this key are not valid (the key was retired then). */
  'tongban:retiredAt'?: string;
  /** The DER SubjectPublicKeyInfo, base64 (what KMS GetPublicKey answers). */
  'tongban:spki': string;
}

export interface Jwks {
  keys: SealJwk[];
}

export interface SealKeyInfo {
  kid: string;
  /** ES256 (ECC_NIST_P256) unless SM2-SM3 (an SM2 key). */
  alg?: SealAlgorithm;
  department: string;
  seal: string;
  retiredAt?: string;
}

/** A JWKS entry for a key given as its DER SubjectPublicKeyInfo. */
export function sealJwk(spki: Uint8Array, info: SealKeyInfo): SealJwk {
  const point = ecPoint(spki);
  const alg = info.alg ?? 'ES256';
  return {
    kty: 'EC',
    crv: alg === 'ES256' ? 'P-256' : 'SM2',
    x: base64UrlOf(point.subarray(1, 33)),
    y: base64UrlOf(point.subarray(33, 65)),
    kid: info.kid,
    use: 'sig',
    alg,
    'tongban:department': info.department,
    'tongban:seal': info.seal,
    'tongban:status': info.retiredAt ? 'retired' : 'active',
    ...(info.retiredAt ? { 'tongban:retiredAt': info.retiredAt } : {}),
    'tongban:spki': base64Of(spki),
  };
}

export type JwksSealCheck = SealCheck | { valid: false; reason: 'department-mismatch' | 'retired-key'; detail: string; header: SealHeader };

/**
 * Verifies a seal against published keys: the signature (verifySeal), then that the key belongs to the
 * department the seal names, and that the seal was not made after its key was retired. A seal made
 * while its key was active stays valid after the key is retired.
 */
export function verifySealWithJwks(document: Uint8Array, seal: Seal, jwks: Jwks): JwksSealCheck {
  const byKid = new Map(jwks.keys.map((k) => [k.kid, k]));
  const keyOf = (kid: string): SealPublicKey | undefined => {
    const jwk = byKid.get(kid);
    return jwk ? { alg: jwk.alg, spki: fromBase64(jwk['tongban:spki']) } : undefined;
  };
  const check = verifySeal(document, seal, keyOf);
  if (!check.valid) return check;
  const jwk = byKid.get(check.header.kid)!;
  if (jwk['tongban:department'] !== check.header['tongban:department']) {
    return {
      valid: false,
      reason: 'department-mismatch',
      detail: `the seal names department ${check.header['tongban:department']}, but key ${jwk.kid} is department ${jwk['tongban:department']}'s`,
      header: check.header,
    };
  }
  const retiredAt = jwk['tongban:retiredAt'];
  if (retiredAt !== undefined && !(Date.parse(check.header['tongban:sealedAt']) <= Date.parse(retiredAt))) {
    return { valid: false, reason: 'retired-key', detail: `key ${jwk.kid} was retired at ${retiredAt}; the seal claims ${check.header['tongban:sealedAt']}`, header: check.header };
  }
  return check;
}
