// CaseFiles on the materials bucket: every object a case keeps under `cases/<caseNo>/` (current
// materials, the versions a supplement replaced, opinion attachments), listed with their size and type,
// and each read as a stream.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { CaseFiles, KeptFile } from '../domain/archive/archive-store.ts';
import { CASES_PREFIX } from '../domain/materials/material-vault.ts';

export class S3CaseFiles implements CaseFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async list(caseNo: string): Promise<KeptFile[]> {
    const files: KeptFile[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${CASES_PREFIX}${caseNo}/`, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of out.Contents ?? []) {
        const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: o.Key! }));
        files.push({ key: o.Key!, size: head.ContentLength ?? o.Size ?? 0, contentType: head.ContentType ?? 'application/octet-stream' });
      }
      token = out.NextContinuationToken;
    } while (token);
    return files;
  }

  async *open(key: string): AsyncIterable<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    for await (const chunk of out.Body as Readable) yield chunk as Buffer;
  }
}
