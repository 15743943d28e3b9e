// Bytes as the web platform has them (Uint8Array, TextEncoder/TextDecoder), never Node's Buffer: the
// code that checks seals and archive bundles runs in a web browser (the console's auditor screen) as
// it does in Node, one code path. Each helper answers exactly what the Buffer call it replaces did —
// a decoded text keeps its byte-order mark, base64 is read leniently — so no report changes with it.

const encoder = new TextEncoder();
/** `ignoreBOM`: a leading U+FEFF stays in the text, as Buffer#toString('utf8') keeps it (a document that starts with one is not the document without). */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `bytes` read as UTF-8 (malformed sequences as U+FFFD). */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** One array of every part, in order. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex. */
export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each character's six bits, from either alphabet; -1 for any other character. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  SEXTET[ALPHABET.charCodeAt(i)] = i;
  SEXTET[URL_ALPHABET.charCodeAt(i)] = i;
}

/** Base64 (RFC 4648 §4), padded. */
export function base64Of(bytes: Uint8Array): string {
  return encode(bytes, ALPHABET, true);
}

/** Base64url (RFC 4648 §5), unpadded: JOSE's. */
export function base64UrlOf(bytes: Uint8Array): string {
  return encode(bytes, URL_ALPHABET, false);
}

/**
 * The bytes of base64 or base64url text, read as Node's Buffer.from(text, 'base64') reads it: either
 * alphabet, characters outside it skipped, the first `=` ends the data, a last lone character dropped.
 */
export function fromBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let bits = 0;
  let held = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) break;
    const v = c < 128 ? SEXTET[c]! : -1;
    if (v < 0) continue;
    bits = (bits << 6) | v;
    held += 6;
    if (held >= 8) {
      held -= 8;
      out[n++] = (bits >> held) & 0xff;
    }
  }
  return out.slice(0, n);
}

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + alphabet[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}
