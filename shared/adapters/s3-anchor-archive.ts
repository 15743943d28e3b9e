// The anchor journals' objects in the archive bucket (shared/domain/anchors/anchor-journal.ts): each
// written once — If-None-Match: * (S3 answers 412 when the key is taken), with its SHA-256 for S3 to
// check — under COMPLIANCE-mode Object Lock for ANCHOR_RETENTION_YEARS, as permanent records are kept:
// a journal must outlive every case it names. Read back and listed by auditors with read access to the
// bucket. (s3rver, the embedded store, ignores Object Lock and conditional writes: README, Embedded vs AWS.)
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { AnchorArchive } from '../domain/anchors/anchor-ports.ts';
import { RETENTION_YEARS } from '../domain/archive/case-archiving.ts';

/** Years an anchor object is locked for: those of a permanent record. */
export const ANCHOR_RETENTION_YEARS = RETENTION_YEARS.permanent;
/** The largest anchor object read back (a part: 4096 lines of at most 141 bytes). */
const MAX_OBJECT_BYTES = 1024 * 1024;

export class S3AnchorArchive implements AnchorArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async putOnce(key: string, body: Uint8Array, contentType: string): Promise<'written' | 'exists'> {
    const retainUntil = this.now();
    retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + ANCHOR_RETENTION_YEARS);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: contentType,
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
          IfNoneMatch: '*',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: retainUntil,
        }),
      );
      return 'written';
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || (e as { name?: string }).name === 'PreconditionFailed') return 'exists';
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if ((out.ContentLength ?? 0) > MAX_OBJECT_BYTES) throw new Error(`${key} is ${out.ContentLength} bytes: no anchor object is over ${MAX_OBJECT_BYTES}`);
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw e;
    }
  }

  async list(prefix: string, page: { limit: number; startAfter?: string; cursor?: string }): Promise<{ keys: string[]; nextCursor?: string }> {
    const out = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        MaxKeys: page.limit,
        ...(page.cursor ? { ContinuationToken: page.cursor } : page.startAfter ? { StartAfter: page.startAfter } : {}),
      }),
    );
    const keys = (out.Contents ?? []).map((o) => o.Key!);
    return out.NextContinuationToken ? { keys, nextCursor: out.NextContinuationToken } : { keys };
  }
}
