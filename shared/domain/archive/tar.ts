// A streaming tar (POSIX ustar, with pax extended headers for long or non-ASCII paths) writer and
// reader: an archive bundle is one tar file that `tar` opens, written and read a chunk at a time, so a
// case of any size passes through in flat memory. Regular files only (directories are implied by the
// paths, as `tar` creates them on extraction). Plain Uint8Array and async iterables, no Node: the
// reader is what the auditor's check reads a bundle with, in the CLI and in a web browser alike.
//
// The reader takes what GNU tar and others write too: ustar and GNU headers, pax `x` headers (path,
// size), GNU long names (`L`), base-256 sizes; global pax headers (`g`) and long link names (`K`) are
// read and set aside. Every header's checksum is checked, and an archive must end with its two zero
// blocks; whatever follows them (a tar's record padding) is read through, so that a caller hashing the
// stream as it passes sees all of it.
import { utf8Bytes, utf8Text } from '../bytes.ts';

const BLOCK = 512;
/** The largest file ustar's 11 octal digits can size (8 GiB − 1). */
export const TAR_MAX_FILE_SIZE = 8 ** 11 - 1;

export interface TarEntry {
  /** Forward slashes, relative, no `..`. */
  path: string;
  size: number;
  /** Seconds since the epoch (default 0: bundles are reproducible). */
  mtime?: number;
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** The tar stream of `entries`, in order; a content that is not exactly `size` bytes is an error. */
export async function* writeTar(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Uint8Array> {
  for await (const entry of entries) {
    checkPath(entry.path);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > TAR_MAX_FILE_SIZE) throw new RangeError(`tar: ${entry.path}: size ${entry.size} out of range`);
    const nameFits = utf8Bytes(entry.path).length <= 100 && /^[\x20-\x7e]*$/.test(entry.path);
    if (!nameFits) {
      const record = paxRecord('path', entry.path);
      yield header({ path: `PaxHeaders/${asciiTail(entry.path)}`, size: record.length, mtime: entry.mtime ?? 0, type: 'x' });
      yield* padded(record);
    }
    yield header({ path: nameFits ? entry.path : asciiTail(entry.path), size: entry.size, mtime: entry.mtime ?? 0, type: '0' });
    let written = 0;
    for await (const chunk of chunksOf(entry.content)) {
      written += chunk.length;
      if (written > entry.size) throw new Error(`tar: ${entry.path}: more than the announced ${entry.size} bytes`);
      yield chunk;
    }
    if (written !== entry.size) throw new Error(`tar: ${entry.path}: ${written} bytes, ${entry.size} announced`);
    const rest = entry.size % BLOCK;
    if (rest > 0) yield new Uint8Array(BLOCK - rest);
  }
  yield new Uint8Array(BLOCK * 2);
}

export interface TarFile {
  path: string;
  size: number;
  /** Its bytes, read as they come; must be read (or skipped by reading on) before the next file. */
  content: AsyncIterable<Uint8Array>;
}

/**
 * The most a pax extended header (or a GNU long name) may hold when read: a bundle's carry one path.
 * An archive from outside with a larger one (a crafted 400 MB header would otherwise be held whole) is
 * refused, and its bytes are never held.
 */
export const MAX_TAR_META_BYTES = 64 * 1024;

/** The entry types by their header flag, named as node-tar and the error messages name them. */
const TYPE_NAMES: Record<string, string> = {
  '0': 'File',
  '': 'OldFile',
  '1': 'Link',
  '2': 'SymbolicLink',
  '3': 'CharacterDevice',
  '4': 'BlockDevice',
  '5': 'Directory',
  '6': 'FIFO',
  '7': 'ContiguousFile',
  g: 'GlobalExtendedHeader',
  x: 'ExtendedHeader',
  A: 'SolarisACL',
  D: 'GNUDumpDir',
  I: 'Inode',
  K: 'NextFileHasLongLinkpath',
  L: 'NextFileHasLongPath',
  M: 'ContinuationFile',
  N: 'OldGnuLongPath',
  S: 'SparseFile',
  V: 'TapeVolumeHeader',
  X: 'OldExtendedHeader',
};
const REGULAR = ['0', '', '7'];
const META = ['x', 'g', 'L', 'K'];

/**
 * The regular files of a tar stream, one at a time (directories skipped; links and other entry types
 * refused): memory stays flat whatever the archive holds — the input is pulled as the files are read,
 * each file's bytes handed on as they arrive, and a header over MAX_TAR_META_BYTES refused unread.
 */
export async function* readTar(stream: AsyncIterable<Uint8Array>): AsyncGenerator<TarFile> {
  const input = new PulledBytes(stream);
  let finished = false;
  try {
    let pax: Map<string, string> | undefined;
    let longPath: string | undefined;
    let zeroBlocks = 0;
    for (;;) {
      const block = await input.read(BLOCK);
      if (block.length === 0) throw new Error('tar: the archive ends without its end-of-archive blocks');
      if (block.length < BLOCK) throw new Error(`tar: the archive is cut short (a header of ${block.length} bytes)`);
      if (block.every((b) => b === 0)) {
        if (++zeroBlocks === 2) break;
        continue;
      }
      zeroBlocks = 0;
      const h = parseHeader(block);
      if (META.includes(h.type)) {
        if (h.size > MAX_TAR_META_BYTES)
          throw new Error(`tar: the ${TYPE_NAMES[h.type]} header ${h.path || 'before an entry'} is ${h.size} bytes; at most ${MAX_TAR_META_BYTES} are read`);
        const body = await input.read(h.size);
        if (body.length < h.size) throw new Error(`tar: the archive is cut short (in the ${TYPE_NAMES[h.type]} header ${h.path})`);
        await skipPadding(input, h.size, h.path);
        if (h.type === 'x') pax = paxRecords(body, h.path);
        else if (h.type === 'L') longPath = cString(body);
        else if (h.type === 'g') paxRecords(body, h.path); // checked, and set aside: a bundle has no use for archive-wide defaults
        continue;
      }
      const name = pax?.get('path') ?? longPath ?? h.path;
      const size = pax?.has('size') ? decimal(pax.get('size')!, `the pax size of ${name}`) : h.size;
      pax = undefined;
      longPath = undefined;
      if (h.type === '5') {
        await skip(input, size, name);
        continue;
      }
      if (!REGULAR.includes(h.type)) throw new Error(`tar: entry ${name} is of type ${TYPE_NAMES[h.type] ?? h.type}: a bundle holds regular files only`);
      const entry = { left: size };
      const content = (async function* () {
        while (entry.left > 0) {
          const part = await input.take(entry.left);
          if (!part) throw new Error(`tar: the archive is cut short (${name}: ${size - entry.left} of ${size} bytes)`);
          entry.left -= part.length;
          yield part;
        }
      })();
      yield { path: name, size, content };
      // Whatever of the file the caller did not read is read through here; its content ends with it.
      const left = entry.left;
      entry.left = 0;
      await skip(input, left, name);
      await skipPadding(input, size, name);
    }
    await input.drain();
    finished = true;
  } finally {
    if (!finished) await input.close();
  }
}

/** The bytes of an async iterable, pulled as they are asked for: views into its chunks where they can be. */
class PulledBytes {
  private chunk: Uint8Array = new Uint8Array(0);
  private readonly source: AsyncIterator<Uint8Array>;
  private ended = false;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.source = stream[Symbol.asyncIterator]();
  }

  /** The next bytes, at most `max` of them, as they arrived; undefined at the end. */
  async take(max: number): Promise<Uint8Array | undefined> {
    while (this.chunk.length === 0) {
      if (this.ended) return undefined;
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
        return undefined;
      }
      this.chunk = next.value;
    }
    const out = this.chunk.subarray(0, max);
    this.chunk = this.chunk.subarray(out.length);
    return out;
  }

  /** The next `n` bytes (fewer only at the end): small reads, headers and their records. */
  async read(n: number): Promise<Uint8Array> {
    const first = await this.take(n);
    if (!first || first.length === n) return first ?? new Uint8Array(0);
    const out = new Uint8Array(n);
    out.set(first);
    let at = first.length;
    while (at < n) {
      const part = await this.take(n - at);
      if (!part) return out.subarray(0, at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Reads on to the end of the input. */
  async drain(): Promise<void> {
    while (await this.take(Number.MAX_SAFE_INTEGER));
  }

  /** Stops reading: the input is told it is not needed any more. */
  async close(): Promise<void> {
    if (!this.ended) await this.source.return?.();
    this.ended = true;
  }
}

/** Skips `n` bytes of `what`. */
async function skip(input: PulledBytes, n: number, what: string): Promise<void> {
  for (let left = n; left > 0;) {
    const part = await input.take(left);
    if (!part) throw new Error(`tar: the archive is cut short (${what}: ${n - left} of ${n} bytes)`);
    left -= part.length;
  }
}

/** Skips the zeros that fill an entry of `size` bytes up to its last block. */
function skipPadding(input: PulledBytes, size: number, what: string): Promise<void> {
  return skip(input, (BLOCK - (size % BLOCK)) % BLOCK, what);
}

interface Header {
  path: string;
  size: number;
  /** The type flag ('' for the old regular-file NUL). */
  type: string;
}

/** A header block: its checksum checked, its path (with the ustar prefix) and size read. */
function parseHeader(b: Uint8Array): Header {
  const path = cString(b.subarray(0, 100));
  const recorded = octal(b.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (recorded === undefined || (recorded !== unsigned && recorded !== signed))
    throw new Error(`tar: the header of ${path || 'an entry'} fails its checksum: damaged, or not a tar archive`);
  // The prefix field is POSIX ustar's alone ("ustar\0"); GNU headers ("ustar  \0") keep other things there.
  const posix = cString(b.subarray(257, 263)) === 'ustar' && b[262] === 0;
  const prefix = posix ? cString(b.subarray(345, 500)) : '';
  const type = b[156] === 0 ? '' : String.fromCharCode(b[156]!);
  return { path: prefix ? `${prefix}/${path}` : path, size: sizeField(b.subarray(124, 136), path), type };
}

/** The size field: octal digits, or GNU's base-256 (high bit set) for what octal cannot hold. */
function sizeField(field: Uint8Array, path: string): number {
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) n = n * 256 + byte;
    if (!Number.isSafeInteger(n)) throw new Error(`tar: the size of ${path} is out of range`);
    return n;
  }
  const n = octal(field);
  if (n === undefined) throw new Error(`tar: the header of ${path} has no size`);
  return n;
}

/** An octal number field (spaces and NULs around it), or undefined when it holds none. */
function octal(field: Uint8Array): number | undefined {
  const text = String.fromCharCode(...field)
    .replace(/\0.*$/s, '')
    .trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

function decimal(text: string, what: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`tar: ${what} is not a size: ${JSON.stringify(text)}`);
  return Number(text);
}

/** A NUL-terminated (or full) UTF-8 field. */
function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return utf8Text(end < 0 ? field : field.subarray(0, end));
}

/** The records of a pax extended header: `<length> <key>=<value>\n`, the length counting the whole record. */
function paxRecords(body: Uint8Array, headerPath: string): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const space = body.indexOf(0x20, at);
    const length = space > at ? Number(String.fromCharCode(...body.subarray(at, space))) : NaN;
    if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a) {
      throw new Error(`tar: the pax header ${headerPath} is malformed at byte ${at}`);
    }
    const record = utf8Text(body.subarray(space + 1, at + length - 1));
    const equals = record.indexOf('=');
    if (equals <= 0) throw new Error(`tar: the pax header ${headerPath} is malformed at byte ${at}`);
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '') || path.includes('\0'))
    throw new Error(`tar: unsafe path ${JSON.stringify(path)}`);
}

function asciiTail(path: string): string {
  const ascii = path.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= 100 ? ascii : ascii.slice(ascii.length - 100);
}

function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  const bodyLength = utf8Bytes(body).length;
  // The record's length counts its own digits.
  let digits = String(bodyLength).length;
  while (String(bodyLength + digits).length !== digits) digits++;
  return utf8Bytes(`${bodyLength + digits}${body}`);
}

function header(h: { path: string; size: number; mtime: number; type: '0' | 'x' }): Uint8Array {
  const b = new Uint8Array(BLOCK);
  const put = (at: number, text: string, max = text.length) => {
    for (let i = 0; i < Math.min(text.length, max); i++) b[at + i] = text.charCodeAt(i) & 0xff;
  };
  put(0, h.path, 100);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${h.size.toString(8).padStart(11, '0')}\0`);
  put(136, `${Math.floor(h.mtime).toString(8).padStart(11, '0')}\0`);
  put(148, '        ');
  put(156, h.type);
  put(257, 'ustar\0');
  put(263, '00');
  let sum = 0;
  for (const byte of b) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return b;
}

function* padded(record: Uint8Array): Generator<Uint8Array> {
  yield record;
  const rest = record.length % BLOCK;
  if (rest > 0) yield new Uint8Array(BLOCK - rest);
}

/** A content's chunks, whether it is given as an async or a plain iterable. */
async function* chunksOf(content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in content) for await (const chunk of content) yield chunk;
  else for (const chunk of content) yield chunk;
}
