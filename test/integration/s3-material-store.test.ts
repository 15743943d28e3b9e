// Materials against s3rver (behind the embedded front that checks every signature) over the real S3
// protocol: a presigned PUT carrying the announced type, size and checksum, then the platform's own
// check that the object is that file; a kept file read through its presigned GET, its answer's type and
// disposition pinned, refused altered or after it expired.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { READ_LINK_SECONDS, S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { checkUploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import { rejection, refusal } from '../support/refusal.ts';

const BUCKET = 'tongban-test-materials';
let dir: string;
let stop: () => Promise<void>;
let store: S3MaterialStore;
let client: S3Client;
/** How far the S3 endpoint's clock is ahead of this one (ms): where a presigned URL is presented later than it was made. */
let later = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-s3-'));
  const s3rver = await startS3(dir, '127.0.0.1', [BUCKET], { now: () => Date.now() + later });
  client = new S3Client({ endpoint: s3rver.endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  store = new S3MaterialStore(client, BUCKET);
  stop = async () => {
    client.destroy();
    await s3rver.close();
    await rm(dir, { recursive: true, force: true });
  };
});

afterAll(async () => stop());

const pdf = Buffer.from('%PDF-1.7\n营业执照扫描件\n%%EOF\n');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function upload(slot: { url: string; headers: Record<string, string> }, body: Buffer) {
  const { 'content-length': _length, ...headers } = slot.headers; // fetch sets it from the body
  return fetch(slot.url, { method: 'PUT', headers, body });
}

describe('S3MaterialStore', () => {
  it('hands out a presigned PUT that uploads the announced file, and verifies it', async () => {
    // Prepare
    const announced = { contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) };

    // Act
    const slot = await store.createUploadSlot('kunming-portal', announced);
    const res = await upload(slot, pdf);

    // Assess
    expect(res.status).toBe(200);
    expect(slot.objectKey).toMatch(/^uploads\/kunming-portal\/[0-9a-f-]{36}$/);
    expect(new URL(slot.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host', 'x-amz-checksum-sha256']),
    );
    await expect(store.verify(slot.objectKey, announced)).resolves.toBeUndefined();
  });

  it('refuses a material that was never uploaded', async () => {
    const announced = { contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) };
    const slot = await store.createUploadSlot('kunming-portal', announced);
    expect(await rejection(store.verify(slot.objectKey, announced, 'materials.营业执照'))).toMatchObject({ code: 'MATERIAL_NOT_UPLOADED', field: 'materials.营业执照' });
  });

  it('finds another file of the same size uploaded in place of the announced one (checksum)', async () => {
    // The slot's upload of other bytes is refused, as S3 refuses it (the signed checksum); another
    // file put under the key without a checksum (a store that keeps none) is caught by the platform's own check.
    const other = Buffer.from(pdf.toString('latin1').replace('PDF', 'XYZ'), 'latin1');
    const announced = { contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) };
    const slot = await store.createUploadSlot('kunming-portal', announced);
    const refused = await upload(slot, other);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: slot.objectKey, Body: other, ContentType: 'application/pdf' }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>BadDigest</Code>');
    expect(await rejection(store.verify(slot.objectKey, announced))).toMatchObject({ code: 'MATERIAL_CHECKSUM_MISMATCH' });
  });

  it('finds a different size or type than announced', async () => {
    const announced = { contentType: 'application/pdf', size: pdf.length, sha256: sha256(pdf) };
    const slot = await store.createUploadSlot('kunming-portal', announced);
    await upload(slot, pdf);
    expect(await rejection(store.verify(slot.objectKey, { ...announced, size: pdf.length + 1 }))).toMatchObject({ code: 'MATERIAL_SIZE_MISMATCH' });
    expect(await rejection(store.verify(slot.objectKey, { ...announced, contentType: 'image/png' }))).toMatchObject({ code: 'MATERIAL_TYPE_MISMATCH' });
  });
});

describe('S3MaterialStore: read links', () => {
  /** A file kept under a case, stored as `storedType` (what a bad upload path could have left there). */
  async function kept(bytes: Buffer, storedType: string): Promise<string> {
    const key = `cases/20261123ABCDEFGHJK/${randomUUID()}`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes, ContentType: storedType }));
    return key;
  }

  it('reads a kept file through a presigned GET: as the recorded type whatever the object says, inline under its name, not cached', async () => {
    // Prepare: an object stored as text/html, recorded as a PDF
    const key = await kept(pdf, 'text/html');
    const filename = '食品经营许可申请书(副本).pdf';

    // Act
    const link = await store.readLink(key, { contentType: 'application/pdf', filename });
    const res = await fetch(link.url);

    // Assess
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toBe(`inline; filename="_________(__).pdf"; filename*=UTF-8''${encodeURIComponent('食品经营许可申请书')}%28${encodeURIComponent('副本')}%29.pdf`);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).toBe(filename);
    const signed = new URL(link.url);
    expect(link.method).toBe('GET');
    expect(signed.pathname).toBe(`/${BUCKET}/${key}`);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe(String(READ_LINK_SECONDS));
    expect(READ_LINK_SECONDS).toBe(300);
    expect(Math.abs(Date.parse(link.expiresAt) - (Date.now() + READ_LINK_SECONDS * 1000))).toBeLessThan(60_000);
  });

  it('refuses a link altered to ask for another type or another key, and one presented after its 5 minutes', async () => {
    // Prepare
    const key = await kept(pdf, 'application/pdf');
    const other = await kept(Buffer.from('%PDF-1.7\nanother\n%%EOF\n'), 'application/pdf');
    const link = await store.readLink(key, { contentType: 'application/pdf', filename: '营业执照.pdf' });
    const asHtml = new URL(link.url);
    asHtml.searchParams.set('response-content-type', 'text/html');
    const elsewhere = new URL(link.url);
    elsewhere.pathname = `/${BUCKET}/${other}`;

    // Act
    const html = await fetch(asHtml);
    const moved = await fetch(elsewhere);
    const statuses: Record<string, number> = {};
    let expired: Response;
    try {
      later = (READ_LINK_SECONDS - 60) * 1000;
      statuses.withinItsTime = (await fetch(link.url)).status;
      later = (READ_LINK_SECONDS + 1) * 1000;
      expired = await fetch(link.url);
    } finally {
      later = 0;
    }

    // Assess
    for (const refused of [html, moved]) {
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    expect(statuses).toEqual({ withinItsTime: 200 });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });
});

describe('S3MaterialStore: keeping a material', () => {
  /** The store on a client of its own that records each command it sends. */
  function counted(): { store: S3MaterialStore; sent: string[] } {
    const sent: string[] = [];
    const c = new S3Client({ endpoint: (client.config.endpoint as unknown as string) ?? '', region: 'cn-north-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    c.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize' },
    );
    return { store: new S3MaterialStore(c, BUCKET), sent };
  }

  async function uploaded(bytes: Buffer) {
    const announced = { contentType: 'application/pdf', size: bytes.length, sha256: sha256(bytes) };
    const slot = await store.createUploadSlot('kunming-portal', announced);
    await upload(slot, bytes);
    return { slot, announced };
  }

  it('keeps an upload by one conditional copy carrying its SHA-256, and a retry makes the one request and no second copy', async () => {
    // Prepare
    const bytes = Buffer.from(`%PDF-1.7\n${randomUUID()}\n%%EOF\n`);
    const { slot, announced } = await uploaded(bytes);
    const caseKey = `cases/2026112300000000AB/${slot.objectKey.split('/').at(-1)}`;
    const { store: s, sent } = counted();

    // Act
    await s.keep(slot.objectKey, caseKey);
    await s.keep(slot.objectKey, caseKey); // a retried filing

    // Assess: no HeadObject before either copy; the upload stays (another filing may name it)
    expect(sent).toEqual(['CopyObjectCommand', 'CopyObjectCommand']);
    const kept = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: caseKey, ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await kept.Body!.transformToByteArray())).toEqual(bytes);
    expect(kept.ChecksumSHA256).toBe(Buffer.from(announced.sha256, 'hex').toString('base64'));
    await expect(store.verify(slot.objectKey, announced, 'materials.x')).resolves.toBeUndefined();
  });

  it('keeps one upload for two cases, each its own copy', async () => {
    // Prepare
    const bytes = Buffer.from(`%PDF-1.7\nshared ${randomUUID()}\n%%EOF\n`);
    const { slot } = await uploaded(bytes);
    const id = slot.objectKey.split('/').at(-1)!;

    // Act
    await store.keep(slot.objectKey, `cases/2026112300000000EF/${id}`);
    await store.keep(slot.objectKey, `cases/2026112300000000GH/${id}`);

    // Assess
    for (const caseNo of ['2026112300000000EF', '2026112300000000GH']) {
      const kept = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `cases/${caseNo}/${id}` }));
      expect(Buffer.from(await kept.Body!.transformToByteArray())).toEqual(bytes);
    }
  });

  it('does not copy over a case key that holds a file already, finds the copy once the upload has expired, and refuses an expired upload with no copy', async () => {
    // Prepare
    const [a, b] = [Buffer.from(`%PDF-1.7\na ${randomUUID()}\n%%EOF\n`), Buffer.from(`%PDF-1.7\nb ${randomUUID()}\n%%EOF\n`)];
    const [first, second] = [await uploaded(a), await uploaded(b)];
    const caseKey = `cases/2026112300000000CD/${first.slot.objectKey.split('/').at(-1)}`;

    // Act
    await store.keep(first.slot.objectKey, caseKey);
    await store.keep(second.slot.objectKey, caseKey);
    for (const { slot } of [first, second]) await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: slot.objectKey })); // expired
    const afterExpiry = await store.keep(first.slot.objectKey, caseKey).then(() => 'kept');
    const gone = await rejection(store.keep(second.slot.objectKey, 'cases/2026112300000000CD/other'));

    // Assess
    const kept = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: caseKey }));
    expect(Buffer.from(await kept.Body!.transformToByteArray())).toEqual(a);
    expect(afterExpiry).toBe('kept');
    expect(gone).toMatchObject({ code: 'MATERIAL_NOT_UPLOADED', field: 'materials' });
  });
});

describe('upload policy', () => {
  const ok = { contentType: 'application/ofd', size: 1024, sha256: 'a'.repeat(64) };

  it('accepts PDF, OFD, JPEG and PNG within the limit', () => {
    for (const contentType of ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png']) expect(() => checkUploadRequest({ ...ok, contentType })).not.toThrow();
    expect(() => checkUploadRequest({ ...ok, size: 50 * 1024 * 1024 })).not.toThrow();
  });

  it('refuses other types, empty or too large files and malformed checksums, naming the field', () => {
    expect(refusal(() => checkUploadRequest({ ...ok, contentType: 'application/zip' }))).toMatchObject({ code: 'MATERIAL_TYPE_NOT_ALLOWED', field: 'contentType' });
    expect(refusal(() => checkUploadRequest({ ...ok, size: 0 }))).toMatchObject({ code: 'MATERIAL_EMPTY', field: 'size' });
    expect(refusal(() => checkUploadRequest({ ...ok, size: 50 * 1024 * 1024 + 1 }))).toMatchObject({ code: 'MATERIAL_TOO_LARGE', field: 'size' });
    expect(refusal(() => checkUploadRequest({ ...ok, size: 2048 }, 1024))).toMatchObject({ code: 'MATERIAL_TOO_LARGE' });
    expect(refusal(() => checkUploadRequest({ ...ok, sha256: 'A'.repeat(64) }))).toMatchObject({ code: 'INVALID_SHA256', field: 'sha256' });
  });
});
