// The embedded S3 endpoint (s3rver behind its verifying front) over the real S3 protocol, with the
// SDK's own signer: each key pair gets what its grants allow and no more, every signature is
// checked — header or presigned — and a body must be the one it was signed with; a write with
// If-None-Match: * never lands over an existing key; a SHA-256 checksum given with a write is checked,
// kept and answered as S3 does. Refusals are S3's XML. The same endpoint in a worker thread
// (startS3Thread, as the embedded platform runs it) serves and admits sessions across the boundary.
import {
  CopyObjectCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Identity } from '../../infra/local/local-s3.ts';
import { requiredPermissions, startS3, startS3Thread } from '../../infra/local/local-s3.ts';
import { S3ArchiveStore } from '../../shared/adapters/s3-archive-store.ts';

const REGION = 'cn-north-1';
const ARCHIVE = 'test-archive';
const OTHER = 'test-other';
const WRITER: S3Identity = { accessKeyId: 'AKLTWRITER0001', secretAccessKey: 'writer-secret/0001', arn: 'arn:aws:iam::000000000000:user/writer', access: 'full' };
const READER: S3Identity = {
  accessKeyId: 'AKLTREADER0002',
  secretAccessKey: 'reader-secret/0002',
  arn: 'arn:aws:iam::000000000000:user/reader',
  access: [
    { actions: ['s3:ListBucket', 's3:ListBucketVersions'], bucket: ARCHIVE },
    { actions: ['s3:GetObject', 's3:GetObjectVersion'], bucket: ARCHIVE, keyPrefix: 'bundles/' },
  ],
};
const NOBODY: S3Identity = { accessKeyId: 'AKLTNOBODY0003', secretAccessKey: 'nobody-secret/0003', arn: 'arn:aws:iam::000000000000:user/nobody', access: [] };

let dir: string;
let endpoint: string;
let close: () => Promise<void>;
const clients: S3Client[] = [];

function client(identity: { accessKeyId: string; secretAccessKey: string }, region = REGION): S3Client {
  const c = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey }, maxAttempts: 1 });
  clients.push(c);
  return c;
}

/** `done`, or the refusal as `<status> <S3 error code>`. */
async function outcome(send: Promise<unknown>): Promise<string> {
  const e = (await send.then(
    () => undefined,
    (error: unknown) => error,
  )) as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e === undefined ? 'done' : `${e.$metadata?.httpStatusCode} ${e.name}`;
}

const text = async (out: { Body?: { transformToString(): Promise<string> } }) => out.Body!.transformToString();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-local-s3-'));
  const s3 = await startS3(dir, '127.0.0.1', [ARCHIVE, OTHER], { region: REGION, identities: [WRITER, READER, NOBODY] });
  endpoint = s3.endpoint;
  close = s3.close;
  const writer = client(WRITER);
  await writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar', Body: 'bundle a' }));
  await writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'notes/b.txt', Body: 'note b' }));
  await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'bundles/c.tar', Body: 'bundle c' }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await close();
  await rm(dir, { recursive: true, force: true });
});

describe('access by grant', () => {
  it('lets a reader list its bucket and read under its prefix, and refuses everything else with AccessDenied', async () => {
    // Prepare
    const reader = client(READER);

    // Act
    const listed = await reader.send(new ListObjectsV2Command({ Bucket: ARCHIVE }));
    const read = await text(await reader.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' })));
    const results = {
      headBucket: await outcome(reader.send(new HeadBucketCommand({ Bucket: ARCHIVE }))),
      headObject: await outcome(reader.send(new HeadObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }))),
      outsidePrefix: await outcome(reader.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'notes/b.txt' }))),
      otherBucket: await outcome(reader.send(new GetObjectCommand({ Bucket: OTHER, Key: 'bundles/c.tar' }))),
      listOtherBucket: await outcome(reader.send(new ListObjectsV2Command({ Bucket: OTHER }))),
      overwrite: await outcome(reader.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar', Body: 'forged' }))),
      nobodyReads: await outcome(client(NOBODY).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }))),
    };
    const after = await text(await client(WRITER).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' })));

    // Assess
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['bundles/a.tar', 'notes/b.txt']);
    expect(read).toBe('bundle a');
    expect(results).toEqual({
      headBucket: 'done',
      headObject: 'done',
      outsidePrefix: '403 AccessDenied',
      otherBucket: '403 AccessDenied',
      listOtherBucket: '403 AccessDenied',
      overwrite: '403 AccessDenied',
      nobodyReads: '403 AccessDenied',
    });
    expect(after).toBe('bundle a');
  });

  it('names the identity, the action and the resource in the AccessDenied, as S3 does', async () => {
    // Act
    const denied = await fetch(await getSignedUrl(client(READER), new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }), { expiresIn: 60 }), {
      method: 'PUT',
      body: 'forged',
    });

    // Assess
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain(
      `<Code>AccessDenied</Code><Message>User: ${READER.arn} is not authorized to perform: s3:PutObject on resource: &#34;arn:aws-cn:s3:::${ARCHIVE}/bundles/a.tar&#34;`,
    );
  });

  it('reads the IAM permissions S3 checks from the request: subresources, versions, copies, batch deletes', () => {
    const none = new URLSearchParams();
    const q = (s: string) => new URLSearchParams(s);
    const at = { bucket: ARCHIVE, key: 'bundles/a.tar' };
    expect(requiredPermissions('GET', at, q('response-content-type=application%2Fx-tar'), {})).toEqual([{ action: 's3:GetObject', ...at }]);
    expect(requiredPermissions('GET', at, q('versionId=3'), {})).toEqual([{ action: 's3:GetObjectVersion', ...at }]);
    expect(requiredPermissions('GET', at, q('legal-hold'), {})).toEqual([{ action: 's3:GetObjectLegalHold', ...at }]);
    expect(requiredPermissions('GET', at, q('acl'), {})).toEqual([{ action: 's3:GetObjectAcl', ...at }]);
    expect(requiredPermissions('HEAD', { bucket: ARCHIVE }, none, {})).toEqual([{ action: 's3:ListBucket', bucket: ARCHIVE }]);
    expect(requiredPermissions('GET', { bucket: ARCHIVE }, q('list-type=2&prefix=bundles%2F'), {})).toEqual([{ action: 's3:ListBucket', bucket: ARCHIVE }]);
    expect(requiredPermissions('GET', { bucket: ARCHIVE }, q('versions'), {})).toEqual([{ action: 's3:ListBucketVersions', bucket: ARCHIVE }]);
    expect(requiredPermissions('PUT', at, q('tagging'), {})).toEqual([{ action: 's3:PutObjectTagging', ...at }]);
    expect(requiredPermissions('PUT', at, none, { 'x-amz-copy-source': `/${OTHER}/bundles/c.tar` })).toEqual([
      { action: 's3:PutObject', ...at },
      { action: 's3:GetObject', bucket: OTHER, key: 'bundles/c.tar' },
    ]);
    expect(requiredPermissions('POST', at, q('uploads'), {})).toEqual([{ action: 's3:PutObject', ...at }]);
    expect(requiredPermissions('DELETE', at, q('uploadId=u1'), {})).toEqual([{ action: 's3:AbortMultipartUpload', ...at }]);
    expect(requiredPermissions('POST', { bucket: ARCHIVE }, q('delete'), {})).toEqual([{ action: 's3:DeleteObject', bucket: ARCHIVE, anyKey: true }]);
    expect(requiredPermissions('GET', {}, none, {})).toEqual([{ action: 's3:ListAllMyBuckets' }]);
  });
});

describe('signatures', () => {
  it('refuses a wrong secret, an unknown key, another region and no signature at all', async () => {
    // Act
    const results = {
      wrongSecret: await outcome(client({ ...WRITER, secretAccessKey: 'guessed' }).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }))),
      unknownKey: await outcome(client({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }))),
      otherRegion: await outcome(client(WRITER, 'cn-northwest-1').send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' }))),
    };
    const anonymous = await fetch(`${endpoint}/${ARCHIVE}/bundles/a.tar`);

    // Assess
    expect(results).toEqual({ wrongSecret: '403 SignatureDoesNotMatch', unknownKey: '403 InvalidAccessKeyId', otherRegion: '400 AuthorizationHeaderMalformed' });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('takes a presigned PUT as signed — its signed headers included — and refuses it altered or expired', async () => {
    // Prepare: a presigned upload slot, as the platform hands a channel one
    const body = Buffer.from('%PDF-1.7\nslot\n%%EOF\n');
    const checksum = createHash('sha256').update(body).digest('base64');
    const slot = async (key: string, signingDate = new Date()) =>
      getSignedUrl(client(WRITER), new PutObjectCommand({ Bucket: OTHER, Key: key, ContentType: 'application/pdf', ContentLength: body.length, ChecksumSHA256: checksum }), {
        expiresIn: 60,
        signingDate,
        signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      });
    const headers = { 'content-type': 'application/pdf', 'x-amz-checksum-sha256': checksum };
    const url = await slot('uploads/ok');
    const otherKey = new URL(await slot('uploads/altered'));
    otherKey.pathname = `/${OTHER}/uploads/elsewhere`;

    // Act
    const stored = await fetch(url, { method: 'PUT', headers, body });
    const wrongType = await fetch(await slot('uploads/type'), { method: 'PUT', headers: { ...headers, 'content-type': 'application/zip' }, body });
    const moved = await fetch(otherKey, { method: 'PUT', headers, body });
    const forged = await fetch(url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`), { method: 'PUT', headers, body });
    const expired = await fetch(await slot('uploads/late', new Date(Date.now() - 61_000)), { method: 'PUT', headers, body });

    // Assess
    expect(stored.status).toBe(200);
    expect(await text(await client(WRITER).send(new GetObjectCommand({ Bucket: OTHER, Key: 'uploads/ok' })))).toBe(body.toString());
    for (const refused of [wrongType, moved, forged]) {
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
    const listed = await client(WRITER).send(new ListObjectsV2Command({ Bucket: OTHER, Prefix: 'uploads/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['uploads/ok']);
  });

  it('refuses a body other than the one whose SHA-256 was signed, storing nothing', async () => {
    // Prepare: a PUT signed (SDK signer) over one body, sent with another
    const signer = new SignatureV4({ service: 's3', region: REGION, sha256: Sha256, credentials: WRITER, uriEscapePath: false });
    const { host, port } = new URL(endpoint);
    const signedBody = 'the signed bundle';
    const signed = await signer.sign(
      new HttpRequest({
        method: 'PUT',
        protocol: 'http:',
        hostname: host.split(':')[0]!,
        port: Number(port),
        path: `/${ARCHIVE}/bundles/swapped.tar`,
        headers: { host, 'x-amz-content-sha256': createHash('sha256').update(signedBody).digest('hex') },
        body: signedBody,
      }),
    );

    // Act
    const swapped = await fetch(`${endpoint}/${ARCHIVE}/bundles/swapped.tar`, { method: 'PUT', headers: signed.headers, body: 'another bundle' });
    const honest = await fetch(`${endpoint}/${ARCHIVE}/bundles/swapped.tar`, { method: 'PUT', headers: signed.headers, body: signedBody });

    // Assess
    expect(swapped.status).toBe(400);
    expect(await swapped.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(honest.status).toBe(200);
    expect(await text(await client(WRITER).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/swapped.tar' })))).toBe(signedBody);
  });

  it('refuses a key with a ".." segment, which s3rver would resolve outside its bucket', async () => {
    // Act: the reader may read bundles/…; this key leads to the other bucket's bundle on disk
    const escape = await outcome(client(READER).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: `bundles/../../${OTHER}/bundles/c.tar` })));
    const write = await outcome(client(WRITER).send(new PutObjectCommand({ Bucket: ARCHIVE, Key: '../escaped.txt', Body: 'x' })));

    // Assess
    expect([escape, write]).toEqual(['400 InvalidArgument', '400 InvalidArgument']);
    expect(await readdir(dir)).not.toContain('escaped.txt');
  });
});

describe('conditional writes (If-None-Match: *)', () => {
  it('writes a new key once and refuses to write over it with 412 PreconditionFailed, leaving the first object', async () => {
    // Prepare
    const writer = client(WRITER);
    const key = 'bundles/written-once.tar';

    // Act
    const first = await outcome(writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: key, Body: 'first', IfNoneMatch: '*' })));
    const again = await outcome(writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: key, Body: 'second', IfNoneMatch: '*' })));
    const overExisting = await outcome(writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar', Body: 'other', IfNoneMatch: '*' })));

    // Assess
    expect({ first, again, overExisting }).toEqual({ first: 'done', again: '412 PreconditionFailed', overExisting: '412 PreconditionFailed' });
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: key })))).toBe('first');
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' })))).toBe('bundle a');
  });

  it('lets one of two simultaneous writers of a key succeed, and refuses the other', async () => {
    // Prepare
    const writer = client(WRITER);
    const key = 'bundles/raced.tar';

    // Act
    const results = await Promise.all(
      ['one', 'two', 'three'].map((body) => outcome(writer.send(new PutObjectCommand({ Bucket: ARCHIVE, Key: key, Body: body, IfNoneMatch: '*' })))),
    );

    // Assess
    expect([...results].sort()).toEqual(['412 PreconditionFailed', '412 PreconditionFailed', 'done']);
    const stored = await text(await writer.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: key })));
    expect(['one', 'two', 'three'][results.indexOf('done')]).toBe(stored);
  });

  it('refuses to complete a multipart upload over an existing key, and completes one under a new key', async () => {
    // Prepare
    const writer = client(WRITER);
    const upload = async (key: string) => {
      const { UploadId } = await writer.send(new CreateMultipartUploadCommand({ Bucket: ARCHIVE, Key: key }));
      const { ETag } = await writer.send(new UploadPartCommand({ Bucket: ARCHIVE, Key: key, UploadId, PartNumber: 1, Body: `parts of ${key}` }));
      return outcome(
        writer.send(new CompleteMultipartUploadCommand({ Bucket: ARCHIVE, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: ETag!, PartNumber: 1 }] }, IfNoneMatch: '*' })),
      );
    };

    // Act
    const over = await upload('bundles/a.tar');
    const fresh = await upload('bundles/multipart.tar');

    // Assess
    expect({ over, fresh }).toEqual({ over: '412 PreconditionFailed', fresh: 'done' });
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/a.tar' })))).toBe('bundle a');
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/multipart.tar' })))).toBe('parts of bundles/multipart.tar');
  });

  it('copies to a new key once and refuses to copy over it with 412 PreconditionFailed, one of simultaneous copies winning', async () => {
    // Prepare
    const writer = client(WRITER);
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'copies/source.pdf', Body: 'the source' }));
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'copies/other.pdf', Body: 'another source' }));
    const copy = (key: string, from: string) => outcome(writer.send(new CopyObjectCommand({ Bucket: OTHER, Key: key, CopySource: `${OTHER}/${from}`, IfNoneMatch: '*' })));

    // Act
    const first = await copy('copies/kept.pdf', 'copies/source.pdf');
    const again = await copy('copies/kept.pdf', 'copies/other.pdf');
    const raced = await Promise.all(['copies/source.pdf', 'copies/other.pdf', 'copies/source.pdf'].map((from) => copy('copies/raced.pdf', from)));

    // Assess
    expect({ first, again }).toEqual({ first: 'done', again: '412 PreconditionFailed' });
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: OTHER, Key: 'copies/kept.pdf' })))).toBe('the source');
    expect([...raced].sort()).toEqual(['412 PreconditionFailed', '412 PreconditionFailed', 'done']);
    const winner = ['copies/source.pdf', 'copies/other.pdf', 'copies/source.pdf'][raced.indexOf('done')]!;
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: OTHER, Key: 'copies/raced.pdf' })))).toBe(winner === 'copies/source.pdf' ? 'the source' : 'another source');
  });

  it('still overwrites without the header (S3 does; the archive bucket policy refuses it on AWS)', async () => {
    // Prepare
    const writer = client(WRITER);

    // Act
    const result = await outcome(writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'bundles/c.tar', Body: 'bundle c, again' })));

    // Assess
    expect(result).toBe('done');
    expect(await text(await writer.send(new GetObjectCommand({ Bucket: OTHER, Key: 'bundles/c.tar' })))).toBe('bundle c, again');
  });
});

describe("listing a bucket (ListObjectsV2, the front's: s3rver's continuation tokens need DES, which OpenSSL 3 refuses)", () => {
  it("pages with continuation tokens, from start-after, with common prefixes under a delimiter, and names each object's storage class", async () => {
    // Prepare: 5 objects under list/, one of them Deep Archive, and 2 under list/sub/
    const writer = client(WRITER);
    const keys = ['list/a', 'list/b & c', 'list/d', 'list/e', 'list/f', 'list/sub/1', 'list/sub/2'];
    for (const Key of keys) await writer.send(new PutObjectCommand({ Bucket: OTHER, Key, Body: Key, ...(Key === 'list/d' ? { StorageClass: 'DEEP_ARCHIVE' } : {}) }));

    // Act: pages of 2 over the whole prefix; one page after start-after; the prefix by delimiter
    const pages: { keys: string[]; truncated: boolean | undefined; count: number | undefined }[] = [];
    let token: string | undefined;
    do {
      const out = await writer.send(new ListObjectsV2Command({ Bucket: OTHER, Prefix: 'list/', MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) }));
      pages.push({ keys: (out.Contents ?? []).map((o) => o.Key!), truncated: out.IsTruncated, count: out.KeyCount });
      token = out.NextContinuationToken;
    } while (token);
    const after = await writer.send(new ListObjectsV2Command({ Bucket: OTHER, Prefix: 'list/', StartAfter: 'list/e' }));
    const delimited = await writer.send(new ListObjectsV2Command({ Bucket: OTHER, Prefix: 'list/', Delimiter: '/' }));
    const forged = await outcome(writer.send(new ListObjectsV2Command({ Bucket: OTHER, ContinuationToken: 'bm90IG91cnM' })));
    const noBucket = await outcome(writer.send(new ListObjectsV2Command({ Bucket: 'test-none' })));

    // Assess
    expect(pages).toEqual([
      { keys: ['list/a', 'list/b & c'], truncated: true, count: 2 },
      { keys: ['list/d', 'list/e'], truncated: true, count: 2 },
      { keys: ['list/f', 'list/sub/1'], truncated: true, count: 2 },
      { keys: ['list/sub/2'], truncated: false, count: 1 },
    ]);
    expect((after.Contents ?? []).map((o) => o.Key)).toEqual(['list/f', 'list/sub/1', 'list/sub/2']);
    expect((delimited.Contents ?? []).map((o) => [o.Key, o.StorageClass, o.Size])).toEqual([
      ['list/a', 'STANDARD', 6],
      ['list/b & c', 'STANDARD', 10],
      ['list/d', 'DEEP_ARCHIVE', 6],
      ['list/e', 'STANDARD', 6],
      ['list/f', 'STANDARD', 6],
    ]);
    expect(delimited.CommonPrefixes).toEqual([{ Prefix: 'list/sub/' }]);
    expect(delimited.Contents![0]!.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect([forged, noBucket]).toEqual(['400 InvalidArgument', '404 NoSuchBucket']);
  });
});

describe("a bucket's own facts, kept in memory once read (rememberBucketFacts)", () => {
  it('answers a CORS preflight by the rules the bucket has after each change, and a bucket made or removed as it now is', async () => {
    // Prepare
    const writer = client(WRITER);
    /** Whether a preflight from `origin` is allowed (its answer carries Access-Control-Allow-Origin). */
    const preflight = async (origin: string) =>
      (await fetch(`${endpoint}/${OTHER}/bundles/c.tar`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })).headers.has(
        'access-control-allow-origin',
      );
    const corsFor = (origin: string) => new PutBucketCorsCommand({ Bucket: OTHER, CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['GET'] }] } });
    const head = (bucket: string) => outcome(writer.send(new HeadBucketCommand({ Bucket: bucket })));

    // Act and assess: each answer read after the change before it (and each read twice: the second from memory).
    await writer.send(corsFor('https://one.example'));
    expect([await preflight('https://one.example'), await preflight('https://one.example'), await preflight('https://two.example')]).toEqual([true, true, false]);
    await writer.send(corsFor('https://two.example'));
    expect([await preflight('https://one.example'), await preflight('https://two.example'), await preflight('https://two.example')]).toEqual([false, true, true]);
    await writer.send(new DeleteBucketCorsCommand({ Bucket: OTHER }));
    expect([await preflight('https://two.example'), await preflight('https://two.example')]).toEqual([false, false]);

    expect([await head('test-made'), await head('test-made')]).toEqual(['404 NotFound', '404 NotFound']);
    await writer.send(new CreateBucketCommand({ Bucket: 'test-made' }));
    expect([await head('test-made'), await head('test-made')]).toEqual(['done', 'done']);
    await writer.send(new DeleteBucketCommand({ Bucket: 'test-made' }));
    expect(await head('test-made')).toBe('404 NotFound');
  });
});

describe('the cold storage classes: read once restored', () => {
  // A stand-in of its own, whose restore clock a test moves on, and whose restores take 12 hours
  const RESTORE_HOURS = 12;
  let offset = 0;
  let cold: { endpoint: string; close: () => Promise<void> };
  const at = (identity: S3Identity) => {
    const c = new S3Client({
      endpoint: cold.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };
  const AUDITOR: S3Identity = {
    ...READER,
    accessKeyId: 'AKLTAUDITOR004',
    access: [
      { actions: ['s3:ListBucket'], bucket: ARCHIVE },
      { actions: ['s3:GetObject', 's3:RestoreObject'], bucket: ARCHIVE, keyPrefix: 'bundles/' },
    ],
  };

  beforeAll(async () => {
    cold = await startS3(join(dir, 'cold'), '127.0.0.1', [ARCHIVE], {
      region: REGION,
      identities: [WRITER, READER, AUDITOR],
      restoreClock: () => Date.now() + offset,
      restoreDelaySeconds: RESTORE_HOURS * 3600,
    });
    await at(WRITER).send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar', Body: 'deep bundle', StorageClass: 'DEEP_ARCHIVE' }));
    await at(WRITER).send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/warm.tar', Body: 'warm bundle' }));
  });

  afterAll(async () => cold?.close());

  it('refuses a read of a Deep Archive object until its restore is done, with S3’s codes at each step; the store says where it stands', async () => {
    // Prepare
    const store = new S3ArchiveStore(at(AUDITOR), ARCHIVE);
    const restore = (c: S3Client, key = 'bundles/deep.tar') =>
      outcome(c.send(new RestoreObjectCommand({ Bucket: ARCHIVE, Key: key, RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Standard' } } })));

    // Act: before, while and after the restore (the clock moved on 12 hours), and 2 days after
    const before = {
      availability: await store.availability('bundles/deep.tar'),
      read: await outcome(at(AUDITOR).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar' }))),
      readerRestores: await restore(at(READER)),
      warmRestore: await restore(at(AUDITOR), 'bundles/warm.tar'),
      missingRestore: await restore(at(AUDITOR), 'bundles/none.tar'),
    };
    const asked = await store.restore('bundles/deep.tar', 'Standard', 2);
    const during = {
      availability: await store.availability('bundles/deep.tar'),
      head: (await at(AUDITOR).send(new HeadObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar' }))).Restore,
      again: await restore(at(AUDITOR)),
      read: await outcome(at(AUDITOR).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar' }))),
    };
    offset += RESTORE_HOURS * 3_600_000;
    const afterwards = new S3ArchiveStore(at(AUDITOR), ARCHIVE);
    const after = {
      availability: await afterwards.availability('bundles/deep.tar'),
      read: await text(await at(AUDITOR).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar' }))),
    };
    offset += 2 * 86_400_000;
    const expired = {
      availability: await new S3ArchiveStore(at(AUDITOR), ARCHIVE).availability('bundles/deep.tar'),
      read: await outcome(at(AUDITOR).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/deep.tar' }))),
    };

    // Assess
    expect(before).toEqual({
      availability: { state: 'cold', storageClass: 'DEEP_ARCHIVE' },
      read: '403 InvalidObjectState',
      readerRestores: '403 AccessDenied',
      warmRestore: '403 InvalidObjectState',
      missingRestore: '404 NoSuchKey',
    });
    expect(asked).toBe('requested');
    expect(during).toEqual({
      availability: { state: 'restoring', storageClass: 'DEEP_ARCHIVE' },
      head: 'ongoing-request="true"',
      again: '409 RestoreAlreadyInProgress',
      read: '403 InvalidObjectState',
    });
    expect(after.availability).toMatchObject({ state: 'restored', storageClass: 'DEEP_ARCHIVE' });
    expect(Date.parse((after.availability as { until: string }).until) - (Date.now() + offset - 2 * 86_400_000)).toBeGreaterThan(86_400_000);
    expect(after.read).toBe('deep bundle');
    expect(expired).toEqual({ availability: { state: 'cold', storageClass: 'DEEP_ARCHIVE' }, read: '403 InvalidObjectState' });
    expect(await new S3ArchiveStore(at(AUDITOR), ARCHIVE).availability('bundles/warm.tar')).toEqual({ state: 'available', storageClass: 'STANDARD' });
  });
});

describe('checksums (x-amz-checksum-sha256)', () => {
  const sha256 = (body: string) => createHash('sha256').update(body).digest('base64');

  it('keeps the SHA-256 a write gives and answers it to a HEAD or GET that asks, as S3 does', async () => {
    // Prepare
    const writer = client(WRITER);
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'sums/a.pdf', Body: 'material a', ChecksumSHA256: sha256('material a') }));

    // Act
    const asked = await writer.send(new HeadObjectCommand({ Bucket: OTHER, Key: 'sums/a.pdf', ChecksumMode: 'ENABLED' }));
    const notAsked = await writer.send(new HeadObjectCommand({ Bucket: OTHER, Key: 'sums/a.pdf' }));
    const read = await writer.send(new GetObjectCommand({ Bucket: OTHER, Key: 'sums/a.pdf', ChecksumMode: 'ENABLED' }));

    // Assess
    expect(asked.ChecksumSHA256).toBe(sha256('material a'));
    expect(notAsked.ChecksumSHA256).toBeUndefined();
    expect(read.ChecksumSHA256).toBe(sha256('material a'));
    expect(await text(read)).toBe('material a');
  });

  it('refuses a body whose SHA-256 is not the one given with 400 BadDigest, storing nothing', async () => {
    // Prepare
    const writer = client(WRITER);

    // Act
    const result = await outcome(writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'sums/b.pdf', Body: 'material b', ChecksumSHA256: sha256('something else') })));

    // Assess
    expect(result).toBe('400 BadDigest');
    expect(await outcome(writer.send(new HeadObjectCommand({ Bucket: OTHER, Key: 'sums/b.pdf' })))).toBe('404 NotFound');
  });

  it("gives a copy its source's SHA-256, and answers none once the object is overwritten without one", async () => {
    // Prepare
    const writer = client(WRITER);
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'sums/c.pdf', Body: 'material c', ChecksumSHA256: sha256('material c') }));
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'sums/d.pdf', Body: 'material d' }));

    // Act
    await writer.send(new CopyObjectCommand({ Bucket: OTHER, Key: 'sums/c-copy.pdf', CopySource: `${OTHER}/sums/c.pdf` }));
    await writer.send(new CopyObjectCommand({ Bucket: OTHER, Key: 'sums/d-copy.pdf', CopySource: `${OTHER}/sums/d.pdf`, ChecksumAlgorithm: 'SHA256' }));
    await writer.send(new PutObjectCommand({ Bucket: OTHER, Key: 'sums/c.pdf', Body: 'material c, replaced' }));

    // Assess
    const head = async (key: string) => (await writer.send(new HeadObjectCommand({ Bucket: OTHER, Key: key, ChecksumMode: 'ENABLED' }))).ChecksumSHA256;
    expect(await head('sums/c-copy.pdf')).toBe(sha256('material c'));
    expect(await head('sums/d-copy.pdf')).toBe(sha256('material d'));
    expect(await head('sums/c.pdf')).toBeUndefined();
  });
});

describe('in a worker thread (startS3Thread)', () => {
  it('serves signed requests, and accepts a session once admitted across the thread boundary', async () => {
    // Prepare
    const threadDir = await mkdtemp(join(tmpdir(), 'tongban-local-s3-thread-'));
    const s3 = await startS3Thread(threadDir, '127.0.0.1', [ARCHIVE], { region: REGION, identities: [WRITER] });
    const session = { accessKeyId: 'ASIASESSION00001', secretAccessKey: 'session-secret', sessionToken: 'token-1' };
    const at = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
      const c = new S3Client({ endpoint: s3.endpoint, region: REGION, forcePathStyle: true, credentials, maxAttempts: 1 });
      clients.push(c);
      return c;
    };
    try {
      await at(WRITER).send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/t.tar', Body: 'in a thread' }));
      const before = await outcome(at(session).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/t.tar' })));

      // Act
      await s3.admit({ ...session, arn: READER.arn, access: READER.access, expiresAt: Date.now() + 60_000 });

      // Assess
      expect(before).toBe('403 InvalidAccessKeyId');
      expect(await text(await at(session).send(new GetObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/t.tar' })))).toBe('in a thread');
      expect(await outcome(at(session).send(new PutObjectCommand({ Bucket: ARCHIVE, Key: 'bundles/u.tar', Body: 'no' })))).toBe('403 AccessDenied');
    } finally {
      await s3.close();
      await rm(threadDir, { recursive: true, force: true });
    }
  });
});
