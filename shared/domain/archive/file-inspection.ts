// What the four-property check needs to know of each file, learnt while its bytes stream past once:
// its SHA-256 and size (integrity), whether it is what its type says — PDF, OFD, JPEG, PNG or JSON —
// (usability), and whether it is encrypted (security: a PDF with an /Encrypt dictionary, an OFD whose
// zip entries are encrypted). Memory stays flat: only the first bytes and a small overlap are kept.
// Plain Uint8Array, no Node: it runs in a web browser too (the console's audit); the SHA-256 is the
// plain-JavaScript one unless the caller hands in a faster one (node-sha256.ts).
import { bytesEqual, concatBytes, hexOf, utf8Bytes, utf8Text } from '../bytes.ts';
import type { Sha256, Sha256Hash } from '../sha256.ts';
import { jsSha256 } from '../sha256.ts';

/** The formats a bundle may hold, by extension: the material formats and the bundle's own JSON. */
export const BUNDLE_FORMATS: Readonly<Record<string, { contentType: string; name: string }>> = {
  pdf: { contentType: 'application/pdf', name: 'PDF' },
  ofd: { contentType: 'application/ofd', name: 'OFD' },
  jpg: { contentType: 'image/jpeg', name: 'JPEG' },
  png: { contentType: 'image/png', name: 'PNG' },
  json: { contentType: 'application/json', name: 'JSON' },
  txt: { contentType: 'text/plain', name: 'text' },
};

/** The extension a bundle gives a file of `contentType`. */
export function extensionOf(contentType: string): string | undefined {
  return Object.entries(BUNDLE_FORMATS).find(([, f]) => f.contentType === contentType)?.[0];
}

/**
 * The name a file of the case is given out under — in a bundle, through a read link: `name` made safe
 * (letters, digits, CJK, `-_.()（）`; anything else `_`, at most 120 characters) with its format's extension.
 */
export function safeFileName(name: string, contentType: string): string {
  const safe =
    name
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}\-_.()（）]/gu, '_')
      .slice(0, 120) || 'file';
  return `${safe}.${extensionOf(contentType) ?? 'bin'}`;
}

export interface FileFacts {
  sha256: string;
  size: number;
  /** Its content matches its extension's format (magic bytes; JSON that parses). */
  readable: boolean;
  /** Why not, when not. */
  unreadable?: string;
  encrypted: boolean;
  /** The extension is not a bundle format. */
  unknownFormat: boolean;
}

const HEAD_BYTES = 8;
const ENCRYPT_MARK = utf8Bytes('/Encrypt');
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04] as const;
const PDF_HEADER = utf8Bytes('%PDF-');
const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** JSON files are parsed whole: bundles' JSON is their own metadata, small. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export class FileInspector {
  private readonly hash: Sha256Hash;
  private size = 0;
  private head: Uint8Array = new Uint8Array(0);
  private tail: Uint8Array = new Uint8Array(0);
  private encrypted = false;
  private readonly json: Uint8Array[] | undefined;
  private readonly extension: string;

  /** `sha256`: the SHA-256 to hash with (default: plain JavaScript; Node hands in node:crypto's for big files). */
  constructor(path: string, sha256: Sha256 = jsSha256) {
    this.hash = sha256();
    this.extension = (path.split('/').at(-1)!.split('.').at(-1) ?? '').toLowerCase();
    this.json = this.extension === 'json' ? [] : undefined;
  }

  update(b: Uint8Array): void {
    this.hash.update(b);
    this.size += b.length;
    if (this.head.length < HEAD_BYTES) this.head = concatBytes([this.head, b.subarray(0, HEAD_BYTES - this.head.length)]);
    if (this.extension === 'pdf' && !this.encrypted) {
      // Scanned with the end of the previous chunk, so a mark across two chunks is found.
      const window = concatBytes([this.tail, b]);
      if (indexOf(window, ENCRYPT_MARK, 0) >= 0) this.encrypted = true;
      this.tail = window.subarray(Math.max(0, window.length - ENCRYPT_MARK.length + 1));
    }
    if (this.extension === 'ofd' && this.size <= 64 * 1024 * 1024 && !this.encrypted) {
      // A zip local file header (PK\3\4) whose general-purpose flag (little-endian, at +6) has bit 0 set: an encrypted entry.
      const window = concatBytes([this.tail, b]);
      for (let at = indexOf(window, ZIP_LOCAL_HEADER, 0); at >= 0 && at + 8 <= window.length; at = indexOf(window, ZIP_LOCAL_HEADER, at + 1)) {
        if ((window[at + 6]! & 1) === 1) this.encrypted = true;
      }
      this.tail = window.subarray(Math.max(0, window.length - 7));
    }
    if (this.json && this.size <= MAX_JSON_BYTES) this.json.push(b.slice());
  }

  facts(): FileFacts {
    const unknownFormat = !BUNDLE_FORMATS[this.extension];
    const unreadable = unknownFormat ? `.${this.extension} is not a format a bundle holds` : this.formatProblem();
    return {
      sha256: hexOf(this.hash.digest()),
      size: this.size,
      readable: unreadable === undefined,
      ...(unreadable ? { unreadable } : {}),
      encrypted: this.encrypted,
      unknownFormat,
    };
  }

  private formatProblem(): string | undefined {
    const h = this.head;
    switch (this.extension) {
      case 'pdf':
        return bytesEqual(h.subarray(0, 5), PDF_HEADER) ? undefined : 'not a PDF (no %PDF- header)';
      case 'ofd':
        return indexOf(h.subarray(0, 4), ZIP_LOCAL_HEADER, 0) === 0 ? undefined : 'not an OFD (not a zip package)';
      case 'jpg':
        return h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff ? undefined : 'not a JPEG (no SOI marker)';
      case 'png':
        return bytesEqual(h.subarray(0, 8), PNG_SIGNATURE) ? undefined : 'not a PNG (no signature)';
      case 'json':
        if (this.size > MAX_JSON_BYTES) return "JSON larger than a bundle's metadata may be";
        try {
          JSON.parse(utf8Text(concatBytes(this.json!)));
          return undefined;
        } catch {
          return 'not JSON';
        }
      default:
        return undefined;
    }
  }
}

/** Inspects a whole in-memory file. */
export function inspectBytes(path: string, bytes: Uint8Array, sha256: Sha256 = jsSha256): FileFacts {
  const inspector = new FileInspector(path, sha256);
  inspector.update(bytes);
  return inspector.facts();
}

/** Where `needle` first occurs in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: ArrayLike<number>, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let at = haystack.indexOf(first, from); at >= 0 && at <= last; at = haystack.indexOf(first, at + 1)) {
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}
