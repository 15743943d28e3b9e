// A seal verified in the browser, against the published keys (JWKS), as the platform's verifier does
// it (shared/domain/seals/seal.ts and jwks.ts, which need Node's crypto): the protected header, the
// document's SHA-256 it names, the key it names, the signature — ES256 by WebCrypto; SM2-SM3 by
// sm-crypto, loaded only for an SM2 seal — then that the key is the department's the seal names and
// was not retired before the seal was made. Nothing here asks the platform whether the seal is good:
// the keys are public, and the check is the reader's own. (sm-crypto's types: shared/domain/seals/sm-crypto.d.ts,
// in the console's tsconfig.)
import type { components } from './api/schema.gen.d.ts';

type Jwks = components['schemas']['Jwks'];

export interface SealHeader {
  alg: string;
  kid: string;
  b64: boolean;
  crit: string[];
  'tongban:department': string;
  'tongban:seal': string;
  'tongban:sealedAt': string;
  'tongban:digest': string;
  'tongban:signed'?: string;
}

export type SealCheck =
  | { valid: true; header: SealHeader }
  | { valid: false; reason: 'malformed' | 'unknown-key' | 'digest-mismatch' | 'bad-signature' | 'department-mismatch' | 'retired-key'; detail: string; header?: SealHeader };

const ascii = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Verifies `seal` over `document` (its exact text, UTF-8) with the published keys. */
export async function checkSeal(document: string, seal: { protected: string; signature: string }, jwks: Jwks): Promise<SealCheck> {
  let header: SealHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64(seal.protected))) as SealHeader;
  } catch {
    return { valid: false, reason: 'malformed', detail: 'the protected header is not base64url JSON' };
  }
  if (!['ES256', 'SM2-SM3'].includes(header.alg) || header.b64 !== false || !Array.isArray(header.crit) || !header.crit.includes('b64') || typeof header.kid !== 'string') {
    return { valid: false, reason: 'malformed', detail: `unsupported header (alg ${String(header.alg)}, b64 ${String(header.b64)})`, header };
  }
  const bytes = new TextEncoder().encode(document);
  if (header['tongban:digest'] !== hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))) {
    return { valid: false, reason: 'digest-mismatch', detail: 'the document is not the one sealed (its SHA-256 differs)', header };
  }
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return { valid: false, reason: 'unknown-key', detail: `no published key ${header.kid}`, header };
  if (jwk.alg !== header.alg) return { valid: false, reason: 'bad-signature', detail: `key ${header.kid} is an ${jwk.alg} key, the seal says ${header.alg}`, header };
  if (header['tongban:signed'] === 'header' && header.alg !== 'SM2-SM3')
    return { valid: false, reason: 'malformed', detail: 'only an SM2-SM3 seal signs its header alone', header };
  const signature = fromBase64(seal.signature);
  const input = header['tongban:signed'] === 'header' ? ascii(seal.protected) : concat(ascii(`${seal.protected}.`), bytes);
  const spki = fromBase64(jwk['tongban:spki']);
  let ok = false;
  if (signature.length === 64) {
    if (jwk.alg === 'ES256') {
      const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, input);
    } else {
      const { default: smCrypto } = await import('sm-crypto');
      // The uncompressed point (04‖x‖y) closes the SubjectPublicKeyInfo.
      ok = smCrypto.sm2.doVerifySignature([...input], hex(signature), hex(spki.subarray(spki.length - 65)), { der: false, hash: true });
    }
  }
  if (!ok) return { valid: false, reason: 'bad-signature', detail: 'the signature does not verify with the key', header };
  if (jwk['tongban:department'] !== header['tongban:department']) {
    return { valid: false, reason: 'department-mismatch', detail: `the seal names ${header['tongban:department']}, key ${jwk.kid} is ${jwk['tongban:department']}'s`, header };
  }
  const retiredAt = jwk['tongban:retiredAt'];
  if (retiredAt !== undefined && !(Date.parse(header['tongban:sealedAt']) <= Date.parse(retiredAt))) {
    return { valid: false, reason: 'retired-key', detail: `key ${jwk.kid} was retired at ${retiredAt}; the seal claims ${header['tongban:sealedAt']}`, header };
  }
  return { valid: true, header };
}
