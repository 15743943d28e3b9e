// A streaming tar (POSIX ustar, with pax extended headers for long or non-ASCII paths) writer and
// reader: an archive bundle is one tar file that `tar` opens, written and read a chunk at a time, so a
// case of any size passes through in flat memory. Regular files only (directories are implied by the
// paths, as `tar` creates them on extraction).
const BLOCK = 512;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
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
export async function* writeTar(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    checkPath(entry.path);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > TAR_MAX_FILE_SIZE) throw new RangeError(`tar: ${entry.path}: size ${entry.size} out of range`);
    const nameFits = Buffer.byteLength(entry.path) <= 100 && /^[\x20-\x7e]*$/.test(entry.path);
    if (!nameFits) {
      const record = paxRecord('path', entry.path);
      yield header({ path: `PaxHeaders/${asciiTail(entry.path)}`, size: record.length, mtime: entry.mtime ?? 0, type: 'x' });
      yield* padded(record);
    }
    yield header({ path: nameFits ? entry.path : asciiTail(entry.path), size: entry.size, mtime: entry.mtime ?? 0, type: '0' });
    let written = 0;
    for await (const chunk of entry.content) {
      written += chunk.length;
      if (written > entry.size) throw new Error(`tar: ${entry.path}: more than the announced ${entry.size} bytes`);
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    }
    if (written !== entry.size) throw new Error(`tar: ${entry.path}: ${written} bytes, ${entry.size} announced`);
    const rest = entry.size % BLOCK;
    if (rest > 0) yield Buffer.alloc(BLOCK - rest);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export interface TarFile {
  path: string;
  size: number;
  /** Its bytes, read as they come; must be read (or skipped by reading on) before the next file. */
  content: AsyncIterable<Buffer>;
}

/** The regular files of a tar stream, one at a time (other entry types are skipped, links refused). */
export async function* readTar(stream: AsyncIterable<Uint8Array>): AsyncGenerator<TarFile> {
  const reader = new ChunkReader(stream[Symbol.asyncIterator]());
  let paxPath: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (!block || block.length < BLOCK) throw new Error('tar: the archive ends without its end-of-archive blocks');
    if (block.equals(ZERO_BLOCK)) return;
    const fields = parseHeader(block);
    const padding = (BLOCK - (fields.size % BLOCK)) % BLOCK;
    if (fields.type === 'x') {
      const record = await reader.read(fields.size);
      await reader.read(padding);
      paxPath = parsePax(record ?? Buffer.alloc(0)).path;
      continue;
    }
    if (fields.type === '0' || fields.type === '\0') {
      const path = paxPath ?? fields.path;
      paxPath = undefined;
      let left = fields.size;
      let done = false;
      const content = (async function* () {
        while (left > 0) {
          const chunk = await reader.readSome(left);
          if (!chunk) throw new Error(`tar: ${path} is cut short`);
          left -= chunk.length;
          yield chunk;
        }
        done = true;
      })();
      yield { path, size: fields.size, content };
      if (!done) for await (const _ of content); // the caller skipped it
      await reader.read(padding);
      continue;
    }
    if (fields.type === '5' || fields.type === 'g') {
      await reader.read(fields.size + padding);
      paxPath = undefined;
      continue;
    }
    throw new Error(`tar: entry ${fields.path} is of type ${JSON.stringify(fields.type)}: a bundle holds regular files only`);
  }
}

function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '') || path.includes('\0')) throw new Error(`tar: unsafe path ${JSON.stringify(path)}`);
}

function asciiTail(path: string): string {
  const ascii = path.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= 100 ? ascii : ascii.slice(ascii.length - 100);
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  // The record's length counts its own digits.
  let digits = String(bodyLength).length;
  while (String(bodyLength + digits).length !== digits) digits++;
  return Buffer.from(`${bodyLength + digits}${body}`, 'utf8');
}

function parsePax(record: Buffer): { path?: string } {
  const out: { path?: string } = {};
  let at = 0;
  while (at < record.length) {
    const space = record.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(record.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new Error('tar: malformed pax header');
    const line = record.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = line.indexOf('=');
    if (line.slice(0, eq) === 'path') out.path = line.slice(eq + 1);
    at += length;
  }
  return out;
}

function header(h: { path: string; size: number; mtime: number; type: '0' | 'x' }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.path, 0, 100, 'ascii');
  b.write('0000644\0', 100, 'ascii');
  b.write('0000000\0', 108, 'ascii');
  b.write('0000000\0', 116, 'ascii');
  b.write(`${h.size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  b.write(`${Math.floor(h.mtime).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(h.type, 156, 'ascii');
  b.write('ustar\0', 257, 'ascii');
  b.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}

function parseHeader(b: Buffer): { path: string; size: number; type: string } {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  const stored = parseInt(b.subarray(148, 156).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
  if (stored !== sum) throw new Error('tar: a header checksum does not match (the archive is damaged)');
  const text = (from: number, to: number) => b.subarray(from, to).toString('utf8').replace(/\0.*$/s, '');
  const prefix = text(345, 500);
  const name = text(0, 100);
  const size = parseInt(text(124, 136).trim() || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`tar: ${name} has a malformed size`);
  return { path: prefix ? `${prefix}/${name}` : name, size, type: String.fromCharCode(b[156]!) };
}

function* padded(record: Buffer): Generator<Buffer> {
  yield record;
  const rest = record.length % BLOCK;
  if (rest > 0) yield Buffer.alloc(BLOCK - rest);
}

/** Reads exact lengths, or what is there up to a length, from an iterator of chunks. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private size = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(want: number): Promise<void> {
    while (this.size < want && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
        this.buffered.push(chunk);
        this.size += chunk.length;
      }
    }
  }

  /** Exactly `n` bytes, or fewer at the end of the stream (undefined when nothing is left). */
  async read(n: number): Promise<Buffer | undefined> {
    if (n === 0) return Buffer.alloc(0);
    await this.fill(n);
    if (this.size === 0) return undefined;
    return this.take(Math.min(n, this.size));
  }

  /** At most `n` bytes: what is buffered, or the next chunk. */
  async readSome(n: number): Promise<Buffer | undefined> {
    await this.fill(1);
    if (this.size === 0) return undefined;
    return this.take(Math.min(n, this.buffered[0]!.length));
  }

  private take(n: number): Buffer {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const head = this.buffered[0]!;
      if (head.length <= need) {
        out.push(head);
        this.buffered.shift();
        need -= head.length;
      } else {
        out.push(head.subarray(0, need));
        this.buffered[0] = head.subarray(need);
        need = 0;
      }
    }
    this.size -= n;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}
