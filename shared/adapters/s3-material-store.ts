// Application materials in S3: a presigned PUT bound to the announced size, type and SHA-256 (S3
// refuses an upload that differs), and a check that the object is really there and is that file —
// and, by its bytes, what its type says and not encrypted (material-inspection.ts) — before a case
// may use it. Where the store keeps no checksum (s3rver), the object is hashed on the same read; it
// is streamed, never read whole into memory. A case's file is read through a presigned GET that
// pins the answer's type and disposition (the bytes never pass through the function).
//
// Keeping a material: one conditional CopyObject (server-side, `If-None-Match: *`) to
// `cases/<caseNo>/…`: a retry finds the copy in place (412) without asking first (no HeadObject) and
// never writes a second version of it; the copy carries the upload's SHA-256, which `verify` checked
// from S3's stored checksum (HeadObject) — the one check; only the PDF and OFD format checks read a
// file whole. The upload stays until its lifecycle rule expires it (MATERIALS_BUCKET,
// bucket-layout.ts), because a channel may name one upload in several filings within those days (each
// case keeps its own copy; the benches and the fuzzing file so). Deleting it once filed would store a
// material once at the cost of that rule; keeping it costs, for a case with 2 MB of materials, about
// $0.006 per 1,000 cases (Standard, four days). Naming the upload where it lies, without a copy, would
// need the expiry to spare filed uploads by a tag the filing sets (PutObjectTagging: a PUT-class
// request, priced as the copy, so no request saved) and a count of the cases naming an upload (a tag
// holds none: the first case archived would delete the other's file; S3 has no conditional tagging),
// and it would give up what the `cases/<caseNo>/` prefix guarantees: the archive function's grants,
// the replication of live cases' files to the second region and the working copies' lifecycle.
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { invalid } from '../domain/errors.ts';
import { MATERIALS_BUCKET, UPLOAD_SIGNED_HEADERS } from './bucket-layout.ts';
import type { MaterialVault, ReadLink } from '../domain/materials/material-vault.ts';
import type { UploadRequest } from '../domain/materials/upload-policy.ts';
import { sha256HexToBase64 } from '../domain/materials/upload-policy.ts';
import { inspectionNeedsWholeFile, materialInspector, refuseUnarchivable } from '../domain/materials/material-inspection.ts';

/** The bytes a JPEG's or PNG's signature takes (the longest, PNG's). */
const SIGNATURE_BYTES = 8;

/** How long a read link lives: long enough to start reading, short enough that a copied link soon opens nothing. */
export const READ_LINK_SECONDS = 300;

export interface UploadSlot {
  objectKey: string;
  method: 'PUT';
  url: string;
  /** Headers the upload must carry exactly: they are part of the signature. */
  headers: Record<string, string>;
  expiresAt: string;
}

export class S3MaterialStore implements MaterialVault {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly expiresInSeconds = 900,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `owner`: the uploading channel's id, or a department's credit code (opinion attachments). */
  async createUploadSlot(owner: string, req: UploadRequest): Promise<UploadSlot> {
    // Under the prefix whose lifecycle rule expires what no case takes up (bucket-layout.ts).
    const objectKey = `${MATERIALS_BUCKET.uploadsPrefix}${owner}/${randomUUID()}`;
    const checksum = sha256HexToBase64(req.sha256);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: objectKey,
      ContentType: req.contentType,
      ContentLength: req.size,
      ChecksumSHA256: checksum,
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: this.expiresInSeconds,
      // Signed, so S3 refuses an upload of another size, type or content.
      signableHeaders: new Set(UPLOAD_SIGNED_HEADERS),
      // A header the uploader must send (S3 checks the body against it), not a query parameter.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    return {
      objectKey,
      method: 'PUT',
      url,
      headers: { 'content-type': req.contentType, 'content-length': String(req.size), 'x-amz-checksum-sha256': checksum },
      expiresAt: new Date(this.now().getTime() + this.expiresInSeconds * 1000).toISOString(),
    };
  }

  /**
   * A presigned GET of a kept file, READ_LINK_SECONDS long. Its answer's Content-Type is pinned to the
   * type the case recorded (signed, like every query parameter: a link altered to ask for text/html is
   * refused), so that no link makes a browser take a file for a page; Content-Disposition `inline` with the
   * file's name (RFC 6266: an ASCII fallback and the UTF-8 name), Cache-Control `private, no-store`
   * (the files are a person's). Signed with the function's own credentials: the link reads what the
   * function may read (s3:GetObject under `cases/`), and nothing else.
   */
  async readLink(caseKey: string, file: { contentType: string; filename: string }): Promise<ReadLink> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: caseKey,
      ResponseContentType: file.contentType,
      ResponseContentDisposition: inlineDisposition(file.filename),
      ResponseCacheControl: 'private, no-store',
    });
    // Dated by the real clock, which S3 checks it against — not the store's `now` (a test's, or a platform clock set elsewhere).
    const signedAt = new Date();
    const url = await getSignedUrl(this.s3, command, { expiresIn: READ_LINK_SECONDS, signingDate: signedAt });
    return { method: 'GET', url, expiresAt: new Date(signedAt.getTime() + READ_LINK_SECONDS * 1000).toISOString() };
  }

  /** Succeeds only if the object exists and is the announced file; otherwise a 4xx DomainError. */
  async verify(objectKey: string, expected: UploadRequest, field = 'objectKey'): Promise<void> {
    let head;
    try {
      head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey, ChecksumMode: 'ENABLED' }));
    } catch (e) {
      if (e instanceof NotFound || (e as { name?: string }).name === 'NotFound') {
        throw invalid('MATERIAL_NOT_UPLOADED', field, '材料尚未上传', `no uploaded object ${objectKey}`);
      }
      throw e;
    }
    if (head.ContentLength !== expected.size) {
      throw invalid('MATERIAL_SIZE_MISMATCH', field, '上传的材料大小与申报不符', `object ${objectKey} has ${head.ContentLength} bytes, ${expected.size} were announced`);
    }
    if (head.ContentType !== expected.contentType) {
      throw invalid('MATERIAL_TYPE_MISMATCH', field, '上传的材料格式与申报不符', `object ${objectKey} is ${head.ContentType}, ${expected.contentType} was announced`);
    }
    // Its bytes, as the archive will check them: read whole where the format check needs every byte or
    // the store keeps no checksum (s3rver), else only the first few. Streamed: memory stays flat.
    const stored = head.ChecksumSHA256 ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') : undefined;
    const whole = stored === undefined || inspectionNeedsWholeFile(expected.contentType);
    const inspector = materialInspector(expected.contentType);
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(whole ? {} : { Range: `bytes=0-${SIGNATURE_BYTES - 1}` }) }));
    for await (const chunk of out.Body as Readable) inspector.update(chunk as Buffer);
    const facts = inspector.facts();
    if ((stored ?? facts.sha256) !== expected.sha256) {
      throw invalid('MATERIAL_CHECKSUM_MISMATCH', field, '上传的材料与申报的 SHA-256 摘要不符', `object ${objectKey} does not match the announced SHA-256`);
    }
    refuseUnarchivable(facts, expected.contentType, field);
  }

  /**
   * Copies run one at a time per target key in this process (a chain per key): concurrent retries
   * of one filing, answered by one process, then copy once and find the copy in place after. Each copy
   * is conditional (`If-None-Match: *`): S3 refuses it (412) when the copy is in place already, so a
   * retry neither asks first (no HeadObject) nor writes a second version of it; a copy racing another
   * process's to the same key is answered 409 and tried again. Where S3 answers that it does not take
   * the condition on a copy (501 NotImplemented: an endpoint or region without it), this store looks
   * before each copy instead (HeadObject), as it did before conditional copies.
   */
  keep(uploadKey: string, caseKey: string): Promise<void> {
    const previous = this.keeping.get(caseKey) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.keepOnce(uploadKey, caseKey));
    this.keeping.set(caseKey, current);
    current
      .finally(() => {
        if (this.keeping.get(caseKey) === current) this.keeping.delete(caseKey);
      })
      .catch(() => undefined); // the caller handles the failure
    return current;
  }

  private readonly keeping = new Map<string, Promise<void>>();
  /** Whether copies carry `If-None-Match: *`: until S3 answers it does not take it. */
  private conditionalCopies = true;

  private async keepOnce(uploadKey: string, caseKey: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const conditional = this.conditionalCopies;
      try {
        if (!conditional && (await this.exists(caseKey))) return;
        // Server-side: the bytes never pass through the function, whatever their size (up to 5 GB). The
        // copy carries the upload's SHA-256, which verify checked: nothing reads the bytes again here.
        await this.s3.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: caseKey,
            CopySource: `${this.bucket}/${uploadKey.split('/').map(encodeURIComponent).join('/')}`,
            ChecksumAlgorithm: 'SHA256',
            ...(conditional ? { IfNoneMatch: '*' } : {}),
          }),
        );
        return;
      } catch (e) {
        const code = (e as { name?: string }).name;
        if (code === 'PreconditionFailed') return; // in place already
        if (code === 'NotImplemented' && conditional) {
          this.conditionalCopies = false;
          attempt--;
          continue;
        }
        // The upload is gone (expired): the copy may be in place already (S3 may answer the missing source first).
        if (code === 'NoSuchKey') {
          if (await this.exists(caseKey)) return;
          throw invalid('MATERIAL_NOT_UPLOADED', 'materials', '材料已过期或尚未上传，请重新上传', `upload ${uploadKey} is gone (expired?); upload it again`);
        }
        if (attempt >= 3) throw e;
      }
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (e instanceof NotFound || (e as { name?: string }).name === 'NotFound') return false;
      throw e;
    }
  }
}

/**
 * `inline` with the file's name, as RFC 6266 has it for a name beyond ASCII: `filename` an ASCII
 * fallback (every other character `_`), `filename*` the UTF-8 name percent-encoded (RFC 8187: `'()*`
 * encoded too).
 */
function inlineDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
