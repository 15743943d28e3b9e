// What only AWS shows, asserted on the requests the archive store sends (aws-sdk-client-mock): S3
// Object Lock in compliance mode with retain-until, the legal hold of permanent records, a SHA-256 per
// part for S3 to check, write-once (a look first, and If-None-Match on the final request), and a failed
// upload aborted so that nothing is left.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ArchiveStore } from '../../shared/adapters/s3-archive-store.ts';
import { BundleExistsError } from '../../shared/domain/archive/archive-store.ts';

const s3 = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(s3);
afterEach(() => mock.reset());

const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
const KEY = 'bundles/115301000152830159/115301000152830159000117001000/2026-10-12/20261009ABCDEFGHIJ.tar';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
async function* body(...parts: Buffer[]) {
  yield* parts;
}

describe('S3ArchiveStore on AWS', () => {
  it('writes a small bundle in one PutObject: compliance lock until the retain-until date, no legal hold, its SHA-256 for S3 to check, only if absent', async () => {
    mock.on(HeadObjectCommand).rejects(notFound());
    mock.on(PutObjectCommand).resolves({});
    const bytes = Buffer.from('a small bundle');
    const retainUntil = new Date('2036-10-12T03:00:00.000Z');

    const stored = await new S3ArchiveStore(s3, 'archive').write(KEY, body(bytes.subarray(0, 5), bytes.subarray(5)), {
      retainUntil,
      legalHold: false,
      metadata: { caseno: '20261009ABCDEFGHIJ' },
    });

    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'archive',
      Key: KEY,
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: retainUntil,
      ObjectLockLegalHoldStatus: 'OFF',
      ChecksumSHA256: sha(bytes),
      IfNoneMatch: '*',
      Metadata: { caseno: '20261009ABCDEFGHIJ', sha256: createHash('sha256').update(bytes).digest('hex') },
    });
    expect(stored).toEqual({ key: KEY, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('writes a large bundle in parts, each with its SHA-256, under compliance lock and legal hold (permanent), completing only if absent', async () => {
    mock.on(HeadObjectCommand).rejects(notFound());
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    mock.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
    mock.on(CompleteMultipartUploadCommand).resolves({});
    const whole = Buffer.alloc(25, 7);

    // Parts of 10 bytes (the real part size is 8 MiB)
    const stored = await new S3ArchiveStore(s3, 'archive', 10).write(KEY, body(whole.subarray(0, 3), whole.subarray(3, 17), whole.subarray(17)), {
      retainUntil: new Date('2126-10-12T03:00:00.000Z'),
      legalHold: true,
      metadata: {},
    });

    expect(mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockLegalHoldStatus: 'ON',
      ChecksumAlgorithm: 'SHA256',
    });
    const parts = mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Buffer).length, p.ChecksumSHA256])).toEqual([
      [1, 10, sha(whole.subarray(0, 10))],
      [2, 10, sha(whole.subarray(10, 20))],
      [3, 5, sha(whole.subarray(20))],
    ]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      UploadId: 'u1',
      IfNoneMatch: '*',
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"' }, { PartNumber: 2 }, { PartNumber: 3 }] },
    });
    expect(stored.sha256).toBe(createHash('sha256').update(whole).digest('hex'));
  });

  it('never overwrites: refuses when a bundle is there, and when S3 finds one there at completion (412)', async () => {
    mock.on(HeadObjectCommand).resolves({ ContentLength: 10, Metadata: { sha256: 'ab' } });
    await expect(new S3ArchiveStore(s3, 'archive').write(KEY, body(Buffer.from('x')), { retainUntil: new Date(), legalHold: false, metadata: {} })).rejects.toBeInstanceOf(
      BundleExistsError,
    );
    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(0);

    mock.reset();
    mock.on(HeadObjectCommand).rejects(notFound());
    mock
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    await expect(new S3ArchiveStore(s3, 'archive').write(KEY, body(Buffer.from('x')), { retainUntil: new Date(), legalHold: false, metadata: {} })).rejects.toBeInstanceOf(
      BundleExistsError,
    );
  });

  it('aborts the multipart upload when a part fails, or when the bundle stream itself fails, leaving nothing', async () => {
    mock.on(HeadObjectCommand).rejects(notFound());
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u2' });
    mock.on(AbortMultipartUploadCommand).resolves({});
    let calls = 0;
    mock.on(UploadPartCommand).callsFake(() => {
      if (++calls === 1) return { ETag: '"e1"' };
      throw Object.assign(new Error('SlowDown'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    });
    await expect(new S3ArchiveStore(s3, 'archive', 10).write(KEY, body(Buffer.alloc(30)), { retainUntil: new Date(), legalHold: false, metadata: {} })).rejects.toThrow('SlowDown');
    expect(mock.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ Key: KEY, UploadId: 'u2' });
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);

    mock.resetHistory();
    mock.on(UploadPartCommand).resolves({ ETag: '"e"' });
    const failing = (async function* () {
      yield Buffer.alloc(25);
      throw new Error('the bundle failed its four-property check at ingest');
    })();
    await expect(new S3ArchiveStore(s3, 'archive', 10).write(KEY, failing, { retainUntil: new Date(), legalHold: false, metadata: {} })).rejects.toThrow(/four-property/);
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });
});
