// What only AWS shows: S3 keeps the upload's SHA-256 and returns it on HeadObject (ChecksumMode
// ENABLED), so the platform compares it without reading the object. Mocked; s3rver has no checksums.
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { rejection } from '../support/refusal.ts';

const s3 = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(s3);
afterEach(() => mock.reset());

const hex = 'ab'.repeat(32);
const announced = { contentType: 'image/png', size: 2048, sha256: hex };

describe('S3MaterialStore on AWS', () => {
  it('asks S3 for the stored checksum and does not download the object', async () => {
    mock.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'image/png', ChecksumSHA256: Buffer.from(hex, 'hex').toString('base64') });
    await new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced);
    expect(mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'materials', Key: 'uploads/p/1', ChecksumMode: 'ENABLED' });
    expect(mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('refuses a stored checksum that differs from the announced one', async () => {
    mock.on(HeadObjectCommand).resolves({ ContentLength: 2048, ContentType: 'image/png', ChecksumSHA256: Buffer.from('cd'.repeat(32), 'hex').toString('base64') });
    expect(await rejection(new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced))).toMatchObject({ code: 'MATERIAL_CHECKSUM_MISMATCH' });
  });

  it('lets an access denial surface as a failure, not as "not uploaded"', async () => {
    mock.on(HeadObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(new S3MaterialStore(s3, 'materials').verify('uploads/p/1', announced)).rejects.toThrow('Access Denied');
  });
});
