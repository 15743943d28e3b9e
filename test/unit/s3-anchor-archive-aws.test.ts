// What only AWS shows of the anchor journals' store, asserted on the requests it sends
// (aws-sdk-client-mock): every object written with If-None-Match, under COMPLIANCE Object Lock for 100
// years, with its SHA-256 for S3 to check; S3's 412 (the key is taken) answered as `exists`, never as
// a second object; other failures thrown.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ANCHOR_RETENTION_YEARS, S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';

const s3 = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const mock = mockClient(s3);
afterEach(() => mock.reset());

const KEY = 'anchors/journals/2026/11/23/20261123T081500000Z.json';
const NOW = new Date('2026-11-23T08:31:00.000Z');

describe('S3AnchorArchive on AWS', () => {
  it('writes once (If-None-Match), locked in compliance mode for 100 years, with its SHA-256', async () => {
    mock.on(PutObjectCommand).resolves({});
    const body = Buffer.from('{"count":1}');

    expect(await new S3AnchorArchive(s3, 'archive', () => new Date(NOW)).putOnce(KEY, body, 'application/json')).toBe('written');

    expect(ANCHOR_RETENTION_YEARS).toBe(100);
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'archive',
      Key: KEY,
      Body: body,
      ContentType: 'application/json',
      IfNoneMatch: '*',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date('2126-11-23T08:31:00.000Z'),
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
    });
  });

  it('answers `exists` when S3 refuses the write because the key is taken (412), and throws anything else', async () => {
    const archive = new S3AnchorArchive(s3, 'archive', () => new Date(NOW));
    mock
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    expect(await archive.putOnce(KEY, Buffer.from('x'), 'application/json')).toBe('exists');
    mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await expect(archive.putOnce(KEY, Buffer.from('x'), 'application/json')).rejects.toThrow('Access Denied');
  });
});
