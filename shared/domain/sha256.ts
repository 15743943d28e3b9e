// SHA-256 for the domain in plain JavaScript (@noble/hashes), so that what hashes — the case history's
// chain, a seal's digest, the files of an archive bundle — runs in a web browser as it does in Node.
// Where big files are hashed (an archive bundle's materials, an upload) the caller may hand in a faster
// implementation through the `Sha256` port: node:crypto's, native, is some fifteen times faster
// (node-sha256.ts); both give the same digests.
import { sha256 as jsSha256Of } from '@noble/hashes/sha2';
import { hexOf, utf8Bytes } from './bytes.ts';

/** An incremental SHA-256: fed chunk by chunk, read once. node:crypto's Hash is one. */
export interface Sha256Hash {
  update(chunk: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** Makes a fresh incremental SHA-256: the port a caller that hashes big files fills with a faster one. */
export type Sha256 = () => Sha256Hash;

/** The plain-JavaScript SHA-256, the default everywhere. */
export const jsSha256: Sha256 = () => jsSha256Of.create();

/** SHA-256 of `data` (a string as its UTF-8 bytes). */
export function sha256(data: Uint8Array | string): Uint8Array {
  return jsSha256Of(typeof data === 'string' ? utf8Bytes(data) : data);
}

/** SHA-256 of `data` (a string as its UTF-8 bytes), as lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return hexOf(sha256(data));
}
