// A streaming tar (POSIX ustar, with pax extended headers for long or non-ASCII paths) writer, and a
// reader on node-tar's parser: an archive bundle is one tar file that `tar` opens, written and read a
// chunk at a time, so a case of any size passes through in flat memory. Regular files only
// (directories are implied by the paths, as `tar` creates them on extraction).
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';

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
    for await (const chunk of chunksOf(entry.content)) {
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

/**
 * The most a pax extended header may hold when read: a bundle's carry one path. An archive from
 * outside with a larger one (a crafted 400 MB header would otherwise be held whole) is refused, and
 * its bytes are never held.
 */
export const MAX_TAR_META_BYTES = 64 * 1024;

const REGULAR: readonly string[] = ['File', 'OldFile', 'ContiguousFile'];

/**
 * The regular files of a tar stream, one at a time (directories skipped; links and other entry types
 * refused), parsed by node-tar's parser: memory stays flat whatever the archive holds — the input is
 * fed as the files are read, and a pax header over MAX_TAR_META_BYTES is refused unread.
 */
export async function* readTar(stream: AsyncIterable<Uint8Array>): AsyncGenerator<TarFile> {
  const parser = new Parser({ strict: true, maxMetaEntrySize: MAX_TAR_META_BYTES });
  const inbox = new Inbox<ReadEntry>();
  let sawEnd = false;
  parser.on('entry', (entry: ReadEntry) => inbox.put(entry));
  parser.on('eof', () => (sawEnd = true));
  parser.on('ignoredEntry', (entry: ReadEntry) =>
    inbox.fail(new Error(`tar: the ${entry.type} header before ${entry.path || 'an entry'} is ${entry.size} bytes; at most ${MAX_TAR_META_BYTES} are read`)),
  );
  parser.on('error', (e: Error) => inbox.fail(new Error(`tar: ${/Truncated/.test(e.message) ? `the archive is cut short (${e.message})` : e.message}`)));
  parser.on('end', () => inbox.close());
  // Fed as the consumer reads: the parser says when its current entry is full (write answers false).
  const feeding = (async () => {
    for await (const chunk of stream) {
      if (inbox.settled) return;
      if (!parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length))) await inbox.until(new Promise((resolve) => parser.once('drain', resolve)));
    }
    parser.end();
  })().catch((e: unknown) => inbox.fail(e instanceof Error ? e : new Error(String(e))));
  try {
    for (let entry = await inbox.next(); entry; entry = await inbox.next()) {
      if (entry.type === 'Directory') {
        await inbox.until(drain(entry));
        continue;
      }
      if (!REGULAR.includes(entry.type)) throw new Error(`tar: entry ${entry.path} is of type ${entry.type}: a bundle holds regular files only`);
      const current = entry;
      let done = false;
      const content = (async function* () {
        const chunks = current[Symbol.asyncIterator]();
        for (let next = await inbox.until(chunks.next()); !next.done; next = await inbox.until(chunks.next())) yield next.value;
        done = true;
      })();
      yield { path: current.path, size: current.size, content };
      if (!done) for await (const _ of content); // the caller skipped it
    }
    if (!sawEnd) throw new Error('tar: the archive ends without its end-of-archive blocks');
  } finally {
    inbox.fail(new Error('tar: reading stopped'));
    await feeding;
  }
}

/** Reads an entry through to its end. */
async function drain(entry: ReadEntry): Promise<void> {
  for await (const _ of entry);
}

/** Entries handed from the parser's events to the reading generator, or the failure that ends it. */
class Inbox<T> {
  private readonly items: T[] = [];
  private waiting: ((item: T | undefined) => void) | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly failed: Promise<never>;
  private rejectFailed!: (e: Error) => void;

  constructor() {
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
  }

  get settled(): boolean {
    return this.failure !== undefined;
  }

  put(item: T): void {
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = undefined;
      wake(item);
    } else this.items.push(item);
  }

  close(): void {
    this.closed = true;
    this.waiting?.(undefined);
  }

  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.rejectFailed(e);
  }

  /** The next entry, undefined once the archive has ended; rejects once reading failed. */
  next(): Promise<T | undefined> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closed) return this.failure ? Promise.reject(this.failure) : Promise.resolve(undefined);
    return this.until(new Promise<T | undefined>((resolve) => (this.waiting = resolve)));
  }

  /** `promise`, unless reading fails first. */
  until<R>(promise: Promise<R>): Promise<R> {
    return Promise.race([this.failed, promise]);
  }
}

function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '') || path.includes('\0'))
    throw new Error(`tar: unsafe path ${JSON.stringify(path)}`);
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

function* padded(record: Buffer): Generator<Buffer> {
  yield record;
  const rest = record.length % BLOCK;
  if (rest > 0) yield Buffer.alloc(BLOCK - rest);
}

/** A content's chunks, whether it is given as an async or a plain iterable. */
async function* chunksOf(content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in content) for await (const chunk of content) yield chunk;
  else for (const chunk of content) yield chunk;
}
