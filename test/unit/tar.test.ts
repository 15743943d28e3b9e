// The bundle's tar format: what writeTar writes, GNU tar lists and extracts byte for byte (pax headers
// for Chinese and long paths included); what GNU tar writes, in its gnu and posix formats, readTar
// reads; and damage is refused.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TarEntry } from '../../shared/domain/archive/tar.ts';
import { readTar, writeTar } from '../../shared/domain/archive/tar.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-tar-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (path: string, content: Buffer): TarEntry => ({ path, size: content.length, content: [content.subarray(0, 7), content.subarray(7)] });
const bytesOf = async (stream: AsyncIterable<Uint8Array>) => {
  const parts: Uint8Array[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
};
async function readAll(stream: AsyncIterable<Uint8Array>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const f of readTar(stream)) out.push([f.path, (await bytesOf(f.content)).toString('utf8')]);
  return out;
}

describe('tar', () => {
  const FILES: [string, string][] = [
    ['bag/bagit.txt', 'BagIt-Version: 1.0\n'],
    ['bag/data/materials/营业执照.pdf', '%PDF-1.7 营业执照'],
    [`bag/data/${'长'.repeat(60)}.txt`, 'a long name'],
    ['bag/data/empty.txt', ''],
    ['bag/data/block.bin', 'x'.repeat(512)],
  ];

  it('writes what GNU tar extracts byte for byte, and reads it back', async () => {
    const path = join(dir, 'ours.tar');
    await pipeline(Readable.from(writeTar(FILES.map(([p, c]) => entry(p, Buffer.from(c))))), createWriteStream(path));

    const listed = execFileSync('tar', ['-tf', path], { encoding: 'utf8' }).trim().split('\n');
    const out = await mkdtemp(join(dir, 'x-'));
    execFileSync('tar', ['-xf', path, '-C', out]);

    expect(listed).toEqual(FILES.map(([p]) => p));
    for (const [p, c] of FILES) expect(await readFile(join(out, p), 'utf8')).toBe(c);
    expect(await readAll(createReadStream(path))).toEqual(FILES);
  });

  it('reads what GNU tar writes (skipping its directory entries), in any chunking', async () => {
    const src = await mkdtemp(join(dir, 'src-'));
    execFileSync('mkdir', ['-p', join(src, 'bag/data')]);
    await writeFile(join(src, 'bag/data/a.txt'), 'alpha');
    await writeFile(join(src, 'bag/data/材料.txt'), '乙'.repeat(300));
    const path = join(dir, 'gnu.tar');
    execFileSync('tar', ['-cf', path, '-C', src, 'bag']);

    const whole = await readFile(path);
    const byteByByte = (async function* () {
      for (let i = 0; i < whole.length; i += 97) yield whole.subarray(i, i + 97);
    })();

    expect((await readAll(byteByByte)).sort()).toEqual([
      ['bag/data/a.txt', 'alpha'],
      ['bag/data/材料.txt', '乙'.repeat(300)],
    ]);
  });

  it("reads GNU tar's gnu and posix formats alike: long names (a GNU long-name entry, a pax path), Chinese names, pax records beside the path", async () => {
    const src = await mkdtemp(join(dir, 'formats-'));
    const long = `bag/data/${'materials/'.repeat(12)}${'长名'.repeat(20)}.txt`;
    execFileSync('mkdir', ['-p', join(src, long, '..')]);
    await writeFile(join(src, long), 'a long name');
    await writeFile(join(src, 'bag/data/材料.txt'), '乙'.repeat(300));
    const read: [string, string][][] = [];
    for (const format of ['gnu', 'posix']) {
      const path = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', path, '-C', src, 'bag']);
      read.push((await readAll(createReadStream(path))).sort());
    }

    expect(Buffer.byteLength(long)).toBeGreaterThan(155);
    expect(read[0]).toEqual([
      [long, 'a long name'],
      ['bag/data/材料.txt', '乙'.repeat(300)],
    ]);
    expect(read[1]).toEqual(read[0]);
  });

  it("reads the input to its end (a tar's record padding too) when the caller skips the files, and refuses a link", async () => {
    const src = await mkdtemp(join(dir, 'links-'));
    execFileSync('mkdir', ['-p', join(src, 'bag/data')]);
    await writeFile(join(src, 'bag/data/a.txt'), 'a'.repeat(5000));
    await writeFile(join(src, 'bag/data/b.txt'), 'b');
    const plain = join(dir, 'plain.tar');
    execFileSync('tar', ['-cf', plain, '-C', src, 'bag']);
    execFileSync('ln', ['-s', 'a.txt', join(src, 'bag/data/link.txt')]);
    const linked = join(dir, 'linked.tar');
    execFileSync('tar', ['-cf', linked, '-C', src, 'bag']);
    const whole = await readFile(plain);
    let pulled = 0;
    const counted = (async function* () {
      for (let i = 0; i < whole.length; i += 1000) {
        pulled += whole.subarray(i, i + 1000).length;
        yield whole.subarray(i, i + 1000);
      }
    })();

    const paths: string[] = [];
    for await (const f of readTar(counted)) paths.push(f.path);

    expect(paths.sort()).toEqual(['bag/data/a.txt', 'bag/data/b.txt']);
    expect(whole.length % 10240).toBe(0);
    expect(pulled).toBe(whole.length);
    await expect(readAll(createReadStream(linked))).rejects.toThrow(/link\.txt is of type SymbolicLink: a bundle holds regular files only/);
  });

  it('refuses a crafted 64 MB pax header with memory that stays flat, and never yields the file after it', async () => {
    // Prepare: a pax header announcing 64 MiB, its body streamed in 64 KiB chunks, then a small file
    const pax = 64 * 1024 * 1024;
    const header = tarHeader('PaxHeaders/evil', pax, 'x');
    const small = await bytesOf(writeTar([entry('bag/after.txt', Buffer.from('after the header'))]));
    let fed = 0;
    let peak = 0;
    const base = memory();
    async function* crafted(): AsyncGenerator<Buffer> {
      yield header;
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      for (; fed < pax; fed += chunk.length) {
        peak = Math.max(peak, memory() - base);
        yield chunk;
      }
      yield small;
    }
    const yielded: string[] = [];

    // Act
    const error = await (async () => {
      try {
        for await (const f of readTar(crafted())) yielded.push(f.path);
      } catch (e) {
        return e as Error;
      }
    })();

    // Assess
    expect(error?.message).toMatch(/ExtendedHeader header .* is 67108864 bytes; at most 65536 are read/);
    expect(yielded).toEqual([]);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses damage: a header whose checksum fails, an archive cut short, content of another size, unsafe paths', async () => {
    const good = await bytesOf(writeTar([entry('bag/a.txt', Buffer.from('hello world'))]));
    const flipped = Buffer.from(good);
    flipped[0] = 0x41;

    await expect(readAll(Readable.from([flipped]))).rejects.toThrow(/checksum/);
    await expect(readAll(Readable.from([good.subarray(0, 600)]))).rejects.toThrow(/cut short|ends without/);
    await expect(bytesOf(writeTar([{ path: 'bag/a.txt', size: 3, content: [Buffer.from('four')] }]))).rejects.toThrow(/more than the announced/);
    await expect(bytesOf(writeTar([{ path: 'bag/a.txt', size: 5, content: [Buffer.from('four')] }]))).rejects.toThrow(/4 bytes, 5 announced/);
    for (const unsafe of ['/etc/passwd', '../up.txt', 'bag//double', '']) await expect(bytesOf(writeTar([entry(unsafe, Buffer.from('x'))]))).rejects.toThrow(/unsafe path/);
  });
});

/** Heap and buffers in use: what reading an archive could hold. */
function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A ustar header of `type` announcing `size` bytes (what a crafted archive would carry). */
function tarHeader(path: string, size: number, type: string): Buffer {
  const b = Buffer.alloc(512);
  b.write(path, 0, 100, 'ascii');
  b.write('0000644\0', 100, 'ascii');
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  b.write(`${'0'.repeat(11)}\0`, 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(type, 156, 'ascii');
  b.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return b;
}
