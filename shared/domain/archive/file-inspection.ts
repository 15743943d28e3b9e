// What the four-property check needs to know of each file, learnt while its bytes stream past once:
// its SHA-256 and size (integrity), whether it is what its type says — PDF, OFD, JPEG, PNG or JSON —
// (usability), and whether it is encrypted (security: a PDF with an /Encrypt dictionary, an OFD whose
// zip entries are encrypted). Memory stays flat: only the first bytes and a small overlap are kept.
import { createHash } from 'node:crypto';

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
const ENCRYPT_MARK = Buffer.from('/Encrypt');
/** JSON files are parsed whole: bundles' JSON is their own metadata, small. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export class FileInspector {
  private readonly hash = createHash('sha256');
  private size = 0;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private encrypted = false;
  private readonly json: Buffer[] | undefined;
  private readonly extension: string;

  constructor(path: string) {
    this.extension = (path.split('/').at(-1)!.split('.').at(-1) ?? '').toLowerCase();
    this.json = this.extension === 'json' ? [] : undefined;
  }

  update(chunk: Uint8Array): void {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.hash.update(b);
    this.size += b.length;
    if (this.head.length < HEAD_BYTES) this.head = Buffer.concat([this.head, b.subarray(0, HEAD_BYTES - this.head.length)]);
    if (this.extension === 'pdf' && !this.encrypted) {
      // Scanned with the end of the previous chunk, so a mark across two chunks is found.
      const window = Buffer.concat([this.tail, b]);
      if (window.includes(ENCRYPT_MARK)) this.encrypted = true;
      this.tail = window.subarray(Math.max(0, window.length - ENCRYPT_MARK.length + 1));
    }
    if (this.extension === 'ofd' && this.size <= 64 * 1024 * 1024 && !this.encrypted) {
      // A zip local file header (PK\3\4) whose general-purpose flag has bit 0 set: an encrypted entry.
      const window = Buffer.concat([this.tail, b]);
      for (let at = window.indexOf('PK\x03\x04'); at >= 0 && at + 8 <= window.length; at = window.indexOf('PK\x03\x04', at + 1)) {
        if ((window.readUInt16LE(at + 6) & 1) === 1) this.encrypted = true;
      }
      this.tail = window.subarray(Math.max(0, window.length - 7));
    }
    if (this.json && this.size <= MAX_JSON_BYTES) this.json.push(Buffer.from(b));
  }

  facts(): FileFacts {
    const unknownFormat = !BUNDLE_FORMATS[this.extension];
    const unreadable = unknownFormat ? `.${this.extension} is not a format a bundle holds` : this.formatProblem();
    return {
      sha256: this.hash.digest('hex'),
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
        return h.subarray(0, 5).toString('latin1') === '%PDF-' ? undefined : 'not a PDF (no %PDF- header)';
      case 'ofd':
        return h.subarray(0, 4).toString('latin1') === 'PK\x03\x04' ? undefined : 'not an OFD (not a zip package)';
      case 'jpg':
        return h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff ? undefined : 'not a JPEG (no SOI marker)';
      case 'png':
        return h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? undefined : 'not a PNG (no signature)';
      case 'json':
        if (this.size > MAX_JSON_BYTES) return "JSON larger than a bundle's metadata may be";
        try {
          JSON.parse(Buffer.concat(this.json!).toString('utf8'));
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
export function inspectBytes(path: string, bytes: Uint8Array): FileFacts {
  const inspector = new FileInspector(path);
  inspector.update(bytes);
  return inspector.facts();
}
