// Reading a file a case keeps: the platform answers a short-lived link to the store (a presigned GET)
// with the file's SHA-256 and size as the case recorded them; the bytes are streamed to a temporary
// file beside the target while they are hashed, and the target is written only if they are that file
// — a file that is not what the case recorded is never left behind.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CaseMaterialLink } from '../domain/cases/case-files.ts';
import { hashingTap } from '../adapters/hashing-tap.ts';
import { ApiRefusal } from './api-client.ts';

/** Where the file went and what it is, once its bytes matched the record. */
export interface Downloaded {
  path: string;
  size: number;
  sha256: string;
}

/** Reads `link` into `path`: ApiRefusal if the store refuses, DownloadMismatch if the bytes are not the recorded file. */
export async function download(link: CaseMaterialLink, path: string): Promise<Downloaded> {
  const res = await fetch(link.url);
  if (!res.ok || !res.body) throw new ApiRefusal({ status: res.status, body: `reading "${link.name}" was refused by the storage: ${await res.text()}` });
  const hash = createHash('sha256');
  const tap = hashingTap(hash);
  const partial = join(dirname(path), `.${randomUUID()}.part`);
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), tap.stream, createWriteStream(partial, { flags: 'wx' }));
    const sha256 = hash.digest('hex');
    const size = tap.size();
    if (sha256 !== link.sha256 || size !== link.size) throw new DownloadMismatch(link, { size, sha256 });
    await rename(partial, path);
    return { path, size, sha256 };
  } finally {
    await rm(partial, { force: true });
  }
}

/** The store answered other bytes than the case recorded: nothing was written. */
export class DownloadMismatch extends Error {
  constructor(
    readonly link: CaseMaterialLink,
    readonly read: { size: number; sha256: string },
  ) {
    super(
      `"${link.name}" of case ${link.caseNo} is not the file the case recorded: read ${read.size} bytes with SHA-256 ${read.sha256}, recorded ${link.size} bytes with SHA-256 ${link.sha256}; nothing was written`,
    );
  }
}
