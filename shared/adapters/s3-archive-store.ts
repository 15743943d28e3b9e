// ArchiveStore on S3 with Object Lock: a bundle is streamed up in 8 MiB parts (multipart upload; one
// PutObject when it is smaller), each part with its SHA-256 for S3 to check, under COMPLIANCE-mode
// retention until `retainUntil` and a legal hold for permanent records; written once — it looks first,
// and the final request carries `If-None-Match: *`, so two writers cannot both succeed — and a failed
// upload is aborted, leaving nothing. The whole bundle's SHA-256 is computed on the way and kept as
// object metadata. A bundle the lifecycle rule has moved to Deep Archive is read once restored: the
// store tells where it stands (availability) and asks for the restore (restore), for the auditor's CLI.
// Memory: one part at a time. (s3rver, the embedded store, ignores Object Lock and
// conditional writes; the look-first check still holds there.)
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  RestoreObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ArchiveStore, BundleListing, BundleWrite, StoredBundle } from '../domain/archive/archive-store.ts';
import { BundleExistsError } from '../domain/archive/archive-store.ts';
import { badCursor } from './page-cursor.ts';

/** The storage classes S3 reads an object of only once it is restored (RestoreObject). */
const COLD_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** A restore's speed, and price: for Deep Archive, Standard within 12 hours, Bulk within 48 (Glacier Flexible Retrieval also Expedited, in minutes). */
export type RestoreTier = 'Standard' | 'Bulk' | 'Expedited';

/** Whether a bundle can be read now (S3ArchiveStore.availability). */
export type BundleAvailability =
  | { state: 'available'; storageClass: string }
  | { state: 'cold'; storageClass: string }
  | { state: 'restoring'; storageClass: string }
  | { state: 'restored'; storageClass: string; until?: string };

/** Bytes per uploaded part (S3: at least 5 MiB but the last, at most 10,000 parts: bundles to 80 GiB). */
export const ARCHIVE_PART_BYTES = 8 * 1024 * 1024;
const CONTENT_TYPE = 'application/x-tar';

export class S3ArchiveStore implements ArchiveStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly partBytes = ARCHIVE_PART_BYTES,
  ) {}

  async find(key: string): Promise<StoredBundle | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, sha256: out.Metadata?.sha256 ?? '' };
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, options: BundleWrite): Promise<StoredBundle> {
    if (await this.find(key)) throw new BundleExistsError(key);
    const whole = createHash('sha256');
    const lock = {
      ObjectLockMode: 'COMPLIANCE' as const,
      ObjectLockRetainUntilDate: options.retainUntil,
      ObjectLockLegalHoldStatus: options.legalHold ? ('ON' as const) : ('OFF' as const),
    };
    const parts = chunkedParts(body, this.partBytes);
    const first = await parts.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    whole.update(firstPart);
    const second = first.done ? { done: true as const, value: undefined } : await parts.next();
    if (second.done) {
      // One part: one request, its checksum the whole object's.
      const sha256 = whole.digest('hex');
      await this.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: firstPart,
          ContentLength: firstPart.length,
          ContentType: CONTENT_TYPE,
          ChecksumSHA256: base64Sha256(firstPart),
          IfNoneMatch: '*',
          Metadata: { ...options.metadata, sha256 },
          ...lock,
        }),
        key,
      );
      return { key, size: firstPart.length, sha256 };
    }
    // The whole object's SHA-256 is only known at the end: multipart metadata is set at the start, so
    // it is recorded in the case (and S3 checks each part's).
    const created = await this.s3.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: CONTENT_TYPE, ChecksumAlgorithm: 'SHA256', Metadata: { ...options.metadata }, ...lock }),
    );
    const uploadId = created.UploadId!;
    const done: CompletedPart[] = [];
    let size = 0;
    try {
      const upload = async (part: Buffer) => {
        const n = done.length + 1;
        const checksum = base64Sha256(part);
        const out = await this.s3.send(
          new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: part, ContentLength: part.length, ChecksumSHA256: checksum }),
        );
        done.push({ PartNumber: n, ETag: out.ETag!, ChecksumSHA256: out.ChecksumSHA256 ?? checksum });
        size += part.length;
      };
      await upload(firstPart);
      whole.update(second.value);
      await upload(second.value);
      for (let next = await parts.next(); !next.done; next = await parts.next()) {
        whole.update(next.value);
        await upload(next.value);
      }
      await this.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, IfNoneMatch: '*' }), key);
    } catch (e) {
      try {
        await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
      } catch {
        // An unfinished upload is no object (nothing readable is left); the original failure is what matters.
      }
      throw e;
    }
    return { key, size, sha256: whole.digest('hex') };
  }

  /**
   * Whether the bundle under `key` can be read now: S3 Standard (`available`), or in a cold class
   * (Glacier, Deep Archive: the archive bucket's lifecycle rule moves bundles there) — `cold` with no
   * restore, `restoring` while one is under way, `restored` (readable) until the restored copy
   * expires. Undefined when there is no object.
   */
  async availability(key: string): Promise<BundleAvailability | undefined> {
    let out;
    try {
      out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw e;
    }
    const storageClass = out.StorageClass ?? 'STANDARD';
    if (!COLD_CLASSES.has(storageClass)) return { state: 'available', storageClass };
    const restore = out.Restore ?? '';
    if (/ongoing-request="true"/.test(restore)) return { state: 'restoring', storageClass };
    const until = /expiry-date="([^"]+)"/.exec(restore)?.[1];
    if (/ongoing-request="false"/.test(restore)) return { state: 'restored', storageClass, ...(until ? { until: new Date(until).toISOString() } : {}) };
    return { state: 'cold', storageClass };
  }

  /**
   * Asks S3 to restore a cold bundle for `days` at `tier`: `requested`, `in-progress` (one was asked
   * for already: S3's RestoreAlreadyInProgress), or `restored` (a restored copy is there: its days
   * are extended).
   */
  async restore(key: string, tier: RestoreTier, days: number): Promise<'requested' | 'in-progress' | 'restored'> {
    try {
      const out = await this.s3.send(new RestoreObjectCommand({ Bucket: this.bucket, Key: key, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } } }));
      return out.$metadata.httpStatusCode === 200 ? 'restored' : 'requested';
    } catch (e) {
      if ((e as { name?: string }).name === 'RestoreAlreadyInProgress') return 'in-progress';
      throw e;
    }
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    for await (const chunk of out.Body as Readable) yield chunk as Buffer;
  }

  async list(prefix: string, page: { limit: number; cursor?: string }): Promise<{ bundles: BundleListing[]; nextCursor?: string }> {
    let token: string | undefined;
    if (page.cursor) {
      try {
        const parsed = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8')) as { p?: string; t?: string };
        if (parsed.p !== prefix || typeof parsed.t !== 'string') throw badCursor();
        token = parsed.t;
      } catch {
        throw badCursor();
      }
    }
    const out = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: page.limit, ...(token ? { ContinuationToken: token } : {}) }));
    const bundles = (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0, lastModified: (o.LastModified ?? new Date(0)).toISOString() }));
    return out.NextContinuationToken ? { bundles, nextCursor: Buffer.from(JSON.stringify({ p: prefix, t: out.NextContinuationToken })).toString('base64url') } : { bundles };
  }

  /** A write that S3 refuses because the key exists meanwhile (If-None-Match) is a BundleExistsError. */
  private async send(command: PutObjectCommand | CompleteMultipartUploadCommand, key: string): Promise<void> {
    try {
      await this.s3.send(command as PutObjectCommand);
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || (e as { name?: string }).name === 'PreconditionFailed') throw new BundleExistsError(key);
      throw e;
    }
  }
}

function base64Sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** The stream cut into parts of exactly `size` bytes (the last one shorter), one part in memory at a time. */
async function* chunkedParts(body: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of body) {
    let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    while (held + b.length >= size) {
      const take = size - held;
      parts.push(b.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      b = b.subarray(take);
    }
    if (b.length > 0) {
      parts.push(Buffer.from(b));
      held += b.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts);
}
