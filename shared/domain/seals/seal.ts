// E-seals (电子印章, 000 §13-16): a department's seal over a document is a detached JWS (RFC 7515
// appendix F) with an unencoded payload (RFC 7797, `"b64": false`): the document stays as it is — its
// canonical bytes (jcs.ts) — and the seal carries only the protected header and the signature. The
// JWS signing input is `BASE64URL(header) || "." || document`; the signature is made by the
// department's key, which never leaves KMS (or the local signer), over that input:
//
//   - signing inputs up to 4096 bytes are sent as they are (KMS MessageType RAW);
//   - larger ones, with ES256, are sent as their SHA-256 (MessageType DIGEST), which for ECDSA_SHA_256
//     is the same signature: any JWS ES256 verifier accepts either, and the header says which was sent;
//   - larger ones, with SM2-SM3, are not sent at all: the signature covers the protected header alone
//     (`tongban:signed: header`, RAW), which names the document's SHA-256. An SM2 DIGEST would be
//     SM3(Z‖input), and Z needs the key's public key, which only the publishing path may read.
//
// The header names the department (its credit code), the seal, the key (`kid`), the algorithm and
// the time; `tongban:digest` is the document's SHA-256, so a seal can be matched to its document
// without the document. Two algorithms, one code path:
//   - `ES256`, the JOSE name for ECDSA P-256 with SHA-256 (KMS: ECC_NIST_P256, ECDSA_SHA_256);
//   - `SM2-SM3` (not registered with IANA; named plainly): SM2 with SM3 and the distinguishing ID
//     1234567812345678, as KMS's SM2DSA uses it in the China regions. Its RAW signature covers
//     SM3(Z‖input).
// Signatures are R‖S, 32 bytes each, for both (the JOSE form); KMS answers DER.
//
// Verification (verifySeal) needs only the document, the seal and the public key (JWKS): no platform,
// and no Node either — ES256 by @noble/curves, SM2 by sm-crypto (sm2-verify.ts), SHA-256 by @noble/hashes, bytes as
// Uint8Array — so that a web browser verifies seals with this very code (the console's audit).
import { p256 } from '@noble/curves/p256';
import { sm2Verify } from './sm2-verify.ts';
import { base64UrlOf, concatBytes, fromBase64, utf8Bytes, utf8Text } from '../bytes.ts';
import { sha256, sha256Hex } from '../sha256.ts';

/** The largest message KMS signs as it is (MessageType RAW). */
export const KMS_RAW_MESSAGE_LIMIT = 4096;

export type SealAlgorithm = 'ES256' | 'SM2-SM3';

export const SEAL_ALGORITHMS: readonly SealAlgorithm[] = ['ES256', 'SM2-SM3'];

/** A public seal key as KMS GetPublicKey gives it: its algorithm and DER SubjectPublicKeyInfo. */
export interface SealPublicKey {
  alg: SealAlgorithm;
  spki: Uint8Array;
}

/** The protected header of a seal. */
export interface SealHeader {
  alg: SealAlgorithm;
  /** The signing key (its KMS key id or ARN; the JWKS entry's `kid`). */
  kid: string;
  b64: false;
  crit: ['b64'];
  typ: 'tongban-seal+jws';
  /** The sealing department's unified social credit code. */
  'tongban:department': string;
  /** The seal's identifier (a department may hold several seals over time). */
  'tongban:seal': string;
  /** When it was sealed, ISO 8601. */
  'tongban:sealedAt': string;
  /** SHA-256 of the document (hex). */
  'tongban:digest': string;
  /**
   * What was signed: the JWS signing input as it is (`raw`), or as its SHA-256 (`digest`: ES256, inputs
   * over 4096 bytes), or the protected header alone (`header`: SM2-SM3, inputs over 4096 bytes; the
   * header's `tongban:digest` binds the document).
   */
  'tongban:signed': 'raw' | 'digest' | 'header';
}

/** A seal: the JWS flattened JSON serialisation without its (detached) payload. */
export interface Seal {
  protected: string;
  signature: string;
}

/** What signs: KMS Sign with the key's algorithm, answering the DER signature KMS returns. */
export interface SealSigner {
  sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST', alg: SealAlgorithm): Promise<Uint8Array>;
}

export interface SealRequest {
  keyId: string;
  /** The key's algorithm: ES256 (ECC_NIST_P256) unless an SM2 key. */
  alg?: SealAlgorithm;
  department: string;
  seal: string;
  sealedAt: string;
}

/** Seals `document` (its canonical bytes) with the key of `request`: one Sign call. */
export async function sealDocument(document: Uint8Array, request: SealRequest, signer: SealSigner): Promise<Seal> {
  const digest = sha256Hex(document);
  const alg = request.alg ?? 'ES256';
  const build = (signed: SealHeader['tongban:signed']) => {
    const header: SealHeader = {
      alg,
      kid: request.keyId,
      b64: false,
      crit: ['b64'],
      typ: 'tongban-seal+jws',
      'tongban:department': request.department,
      'tongban:seal': request.seal,
      'tongban:sealedAt': request.sealedAt,
      'tongban:digest': digest,
      'tongban:signed': signed,
    };
    const protectedHeader = base64UrlOf(utf8Bytes(JSON.stringify(header)));
    return { protectedHeader, input: signingInput(protectedHeader, document) };
  };
  let signed: SealHeader['tongban:signed'] = 'raw';
  let { protectedHeader, input } = build(signed);
  if (input.length > KMS_RAW_MESSAGE_LIMIT) {
    signed = alg === 'ES256' ? 'digest' : 'header';
    ({ protectedHeader, input } = build(signed));
  }
  let der: Uint8Array;
  if (signed === 'raw') der = await signer.sign(request.keyId, input, 'RAW', alg);
  else if (signed === 'digest') der = await signer.sign(request.keyId, sha256(input), 'DIGEST', alg);
  else der = await signer.sign(request.keyId, ascii(protectedHeader), 'RAW', alg);
  return { protected: protectedHeader, signature: base64UrlOf(derToJose(der)) };
}

/** Why a seal does not verify, or that it does. */
export type SealCheck =
  { valid: true; header: SealHeader } | { valid: false; reason: 'malformed' | 'unknown-key' | 'digest-mismatch' | 'bad-signature'; detail: string; header?: SealHeader };

/**
 * Verifies `seal` over `document` with the public key its header names, found by `keyOf` (as KMS
 * GetPublicKey or the JWKS gives it). Checks the document's digest in the header and the signature.
 */
export function verifySeal(document: Uint8Array, seal: Seal, keyOf: (kid: string) => SealPublicKey | undefined): SealCheck {
  if (typeof seal?.protected !== 'string' || typeof seal.signature !== 'string')
    return { valid: false, reason: 'malformed', detail: 'a seal is {"protected", "signature"}, both strings' };
  let header: SealHeader;
  try {
    header = JSON.parse(utf8Text(fromBase64(seal.protected))) as SealHeader;
  } catch {
    return { valid: false, reason: 'malformed', detail: 'the protected header is not base64url JSON' };
  }
  if (!SEAL_ALGORITHMS.includes(header.alg) || header.b64 !== false || !Array.isArray(header.crit) || !header.crit.includes('b64') || typeof header.kid !== 'string') {
    return { valid: false, reason: 'malformed', detail: `unsupported header (alg ${String(header.alg)}, b64 ${String(header.b64)})`, header };
  }
  if (header['tongban:digest'] !== sha256Hex(document)) {
    return { valid: false, reason: 'digest-mismatch', detail: 'the document is not the one sealed (its SHA-256 differs)', header };
  }
  const key = keyOf(header.kid);
  if (!key) return { valid: false, reason: 'unknown-key', detail: `no published key ${header.kid}`, header };
  if (key.alg !== header.alg) return { valid: false, reason: 'bad-signature', detail: `key ${header.kid} is an ${key.alg} key, the seal says ${header.alg}`, header };
  if (header['tongban:signed'] === 'header' && header.alg !== 'SM2-SM3') {
    return { valid: false, reason: 'malformed', detail: 'only an SM2-SM3 seal signs its header alone', header };
  }
  const signature = fromBase64(seal.signature);
  const input = sealSigningInput(seal, header, document);
  let point: Uint8Array;
  try {
    point = ecPoint(key.spki);
  } catch (e) {
    // A key from a bundle's own keys/jwks.json may be anything: a finding, not a failed check.
    return { valid: false, reason: 'bad-signature', detail: `key ${header.kid}: ${(e as Error).message}`, header };
  }
  const ok = signature.length === 64 && (key.alg === 'ES256' ? p256Verify(input, signature, point) : sm2Verify(input, signature, point));
  return ok ? { valid: true, header } : { valid: false, reason: 'bad-signature', detail: 'the signature does not verify with the key', header };
}

/**
 * The uncompressed EC point (04‖x‖y, 65 bytes) of a P-256 or SM2 SubjectPublicKeyInfo: the last 65
 * bytes of its BIT STRING.
 */
export function ecPoint(der: Uint8Array): Uint8Array {
  const point = der.subarray(der.length - 65);
  if (der.length < 65 + 3 || point[0] !== 0x04 || der[der.length - 66] !== 0x00 || der[der.length - 68] !== 0x03) {
    throw new Error('not the SubjectPublicKeyInfo of an uncompressed P-256 or SM2 key');
  }
  return point;
}

/** ECDSA P-256 verification of R‖S over SHA-256(`input`), by @noble/curves (high S accepted, as OpenSSL accepts it). */
function p256Verify(input: Uint8Array, signature: Uint8Array, point: Uint8Array): boolean {
  try {
    return p256.verify(signature, sha256(input), point, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    // R or S out of range, or a point off the curve: no valid signature.
    return false;
  }
}

/**
 * What a seal's signature covers (its header says which): the JWS signing input, or for a large SM2-SM3
 * document the protected header alone (its `tongban:digest` binds the document).
 */
export function sealSigningInput(seal: Seal, header: Pick<SealHeader, 'tongban:signed'>, document: Uint8Array): Uint8Array {
  return header['tongban:signed'] === 'header' ? ascii(seal.protected) : signingInput(seal.protected, document);
}

/** `BASE64URL(header) || "." || payload`: the JWS signing input with an unencoded payload. */
export function signingInput(protectedHeader: string, document: Uint8Array): Uint8Array {
  return concatBytes([ascii(`${protectedHeader}.`), document]);
}

/**
 * A DER `ECDSA-Sig-Value` (SEQUENCE { r INTEGER, s INTEGER }, as KMS answers) as JOSE's R‖S, each
 * left-padded to 32 bytes.
 */
export function derToJose(der: Uint8Array): Uint8Array {
  const b = der;
  let i = 0;
  const expect = (tag: number) => {
    if (b[i++] !== tag) throw new Error('not a DER ECDSA signature');
  };
  const length = (): number => {
    const first = b[i++]!;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    let len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | b[i++]!;
    return len;
  };
  expect(0x30);
  const total = length();
  if (i + total !== b.length) throw new Error('not a DER ECDSA signature: wrong length');
  const integer = (): Uint8Array => {
    expect(0x02);
    const len = length();
    let v = b.subarray(i, i + len);
    i += len;
    while (v.length > 32 && v[0] === 0) v = v.subarray(1);
    if (v.length > 32) throw new Error('not a P-256 signature: integer longer than 32 bytes');
    return concatBytes([new Uint8Array(32 - v.length), v]);
  };
  const r = integer();
  const s = integer();
  if (i !== b.length) throw new Error('not a DER ECDSA signature: trailing bytes');
  return concatBytes([r, s]);
}

/** JOSE's R‖S as a DER `ECDSA-Sig-Value` (what OpenSSL verifies). */
export function joseToDer(raw: Uint8Array): Uint8Array {
  if (raw.length !== 64) throw new Error('a P-256 JOSE signature is 64 bytes');
  const integer = (v: Uint8Array): Uint8Array => {
    let x = v;
    while (x.length > 1 && x[0] === 0 && x[1]! < 0x80) x = x.subarray(1);
    if (x[0]! >= 0x80) x = concatBytes([Uint8Array.of(0), x]);
    return concatBytes([Uint8Array.of(0x02, x.length), x]);
  };
  const body = concatBytes([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return concatBytes([Uint8Array.of(0x30, body.length), body]);
}

/** A protected header (base64url: ASCII) as its bytes; any other character as its low byte, as Node's 'ascii' encoding writes it. */
function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
