// A pass-through stream that hashes and counts the bytes going by: for a pipeline that writes a stream
// to a file and must know what it wrote (the CLI's download, checked against the case's record; the
// embedded S3's object writes, whose MD5 s3rver keeps).
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A Transform that feeds every chunk to `hash` and counts its bytes; `size()` is the count so far. */
export function hashingTap(hash: Hash): { stream: Transform; size: () => number } {
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, size: () => size };
}
