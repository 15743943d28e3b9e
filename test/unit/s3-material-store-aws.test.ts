// What only AWS shows: S3 keeps the upload's SHA-256 and returns it on HeadObject (ChecksumMode
// ENABLED), so the platform compares it without hashing the object, and reads only what the format
// check needs (a ranged GET of an image's signature). Mocked; s3rver has no checksums.
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { rejection } from '../support/refusal.ts';

const s3 = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(s3);
afterEach(() => mock.reset());

const hex = 'ab'.repeat(32);
const announced = { contentType: 'image/png', size: 2048, sha256: hex };

describe('S3MaterialStore on AWS', () => {
  const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const body = (bytes: Buffer) => ({ Body: Readable.from([bytes]) as never });

  it('takes the stored checksum from S3 and reads only the signature bytes of a PNG', async () => {
    // Prepare
    mock.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'image/png', ChecksumSHA256: Buffer.from(hex, 'hex').toString('base64') });
    mock.on(GetObjectCommand).resolves(body(PNG_SIGNATURE));

    // Act
    await new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced);

    // Assess
    expect(mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'materials', Key: 'uploads/p/1', ChecksumMode: 'ENABLED' });
    expect(mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'materials', Key: 'uploads/p/1', Range: 'bytes=0-7' }]);
  });

  it('refuses a "PNG" whose bytes are no PNG, with the archive check\'s code', async () => {
    mock.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'image/png', ChecksumSHA256: Buffer.from(hex, 'hex').toString('base64') });
    mock.on(GetObjectCommand).resolves(body(Buffer.from('GIF89a..')));
    expect(await rejection(new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced, 'materials.图.objectKey'))).toMatchObject({
      code: 'UNREADABLE',
      field: 'materials.图.objectKey',
    });
  });

  it('reads a PDF whole, and refuses one with an /Encrypt dictionary', async () => {
    // Prepare
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R /Encrypt 5 0 R >>\n%%EOF\n');
    const sha256 = createHash('sha256').update(pdf).digest();
    mock.on(HeadObjectCommand).resolves({ ContentLength: pdf.length, ContentType: 'application/pdf', ChecksumSHA256: sha256.toString('base64') });
    mock.on(GetObjectCommand).resolves(body(pdf));

    // Act
    const refused = await rejection(
      new S3MaterialStore(s3, 'materials').verify('uploads/p/2', { contentType: 'application/pdf', size: pdf.length, sha256: sha256.toString('hex') }),
    );

    // Assess
    expect(refused).toMatchObject({ code: 'ENCRYPTED', kind: 'invalid' });
    expect(mock.commandCalls(GetObjectCommand)[0]!.args[0].input.Range).toBeUndefined();
  });

  it('refuses a stored checksum that differs from the announced one', async () => {
    mock.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'image/png', ChecksumSHA256: Buffer.from('cd'.repeat(32), 'hex').toString('base64') });
    mock.on(GetObjectCommand).resolves(body(PNG_SIGNATURE));
    expect(await rejection(new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced))).toMatchObject({ code: 'MATERIAL_CHECKSUM_MISMATCH' });
  });

  it('lets an access denial surface as a failure, not as "not uploaded"', async () => {
    mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced)).rejects.toThrow('Access Denied');
  });

  it('copies on condition (If-None-Match: *), and where S3 does not take the condition on a copy (501), looks before each copy instead', async () => {
    // Prepare: the first conditional copy answered NotImplemented; no copy in place
    const notImplemented = Object.assign(new Error('A header you provided implies functionality that is not implemented'), { name: 'NotImplemented' });
    mock.on(CopyObjectCommand).rejectsOnce(notImplemented).resolves({});
    mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));
    const store = new S3MaterialStore(s3, 'materials');

    // Act
    await store.keep('uploads/p/1', 'cases/20261123A1B2C3D4E5/1');
    await store.keep('uploads/p/2', 'cases/20261123A1B2C3D4E5/2');

    // Assess
    const copies = mock.commandCalls(CopyObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.IfNoneMatch]);
    expect(copies).toEqual([
      ['cases/20261123A1B2C3D4E5/1', '*'],
      ['cases/20261123A1B2C3D4E5/1', undefined],
      ['cases/20261123A1B2C3D4E5/2', undefined],
    ]);
    expect(mock.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['cases/20261123A1B2C3D4E5/1', 'cases/20261123A1B2C3D4E5/2']);
  });
});
