// CaseFiles on the materials bucket: every object a case keeps under `cases/<caseNo>/` (current
// materials, the versions a supplement replaced, opinion attachments), listed with their size and type
// (a HeadObject only for a file whose type the case does not record: a version a supplement replaced),
// each read as a stream, and discarded once the case's bundle is the record: one DeleteObjects per
// 1,000 keys (free of charge), a delete marker over each — the bucket is versioned, and its lifecycle
// rules remove the hidden versions after MATERIALS_BUCKET.archivedCaseFileVersionDays (bucket-layout.ts).
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { CaseFiles, KeptFile } from '../domain/archive/archive-store.ts';
import { CASES_PREFIX } from '../domain/materials/material-vault.ts';

export class S3CaseFiles implements CaseFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** Keys listed and deleted at a time by `discard` (S3's most: 1,000; tests page with fewer). */
    private readonly discardPage = 1000,
  ) {}

  async list(caseNo: string, types: ReadonlyMap<string, string> = new Map()): Promise<KeptFile[]> {
    const files: KeptFile[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${CASES_PREFIX}${caseNo}/`, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of out.Contents ?? []) {
        const recorded = types.get(o.Key!);
        if (recorded !== undefined) {
          files.push({ key: o.Key!, size: o.Size ?? 0, contentType: recorded });
          continue;
        }
        const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: o.Key! }));
        files.push({ key: o.Key!, size: head.ContentLength ?? o.Size ?? 0, contentType: head.ContentType ?? 'application/octet-stream' });
      }
      token = out.NextContinuationToken;
    } while (token);
    return files;
  }

  async discard(caseNo: string): Promise<number> {
    let discarded = 0;
    // Each page listed is deleted before the next is asked for: a listing starts again from the first key
    // left. A listing that was whole (not truncated) is the last: nothing is asked again once it is deleted.
    for (;;) {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${CASES_PREFIX}${caseNo}/`, MaxKeys: this.discardPage }));
      const keys = (out.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) return discarded;
      const deleted = await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
      const failed = deleted.Errors ?? [];
      if (failed.length > 0) throw new Error(`could not discard ${failed.length} of case ${caseNo}'s files: ${failed.map((f) => `${f.Key} ${f.Code}`).join(', ')}`);
      discarded += keys.length;
      if (!out.IsTruncated) return discarded;
    }
  }

  async *open(key: string): AsyncIterable<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    for await (const chunk of out.Body as Readable) yield chunk as Buffer;
  }
}
