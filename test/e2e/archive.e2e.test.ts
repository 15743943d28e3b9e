// End to end: the e-archive through the embedded platform (`npm start`'s command as a child process).
// A company registration is decided (sealed, licence issued) and another filing refused: as each case
// ends, the archive function packs it into a bundle and writes it to the archive bucket (s3rver, no
// Object Lock embedded), and the case records where. An auditor lists the bundles, fetches one and
// verifies it offline — with `tongban audit verify` and the published keys, and with tar, sha256sum
// and openssl alone; the auditor's keys read the archive and can change nothing in it. One material is
// a real PDF: it comes out of the bundle byte for byte.
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MATERIALS_BUCKET } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { BAG_PATHS } from '../../shared/domain/archive/bag-assessment.ts';
import { bundleFilePath } from '../../shared/domain/archive/case-bundle.ts';
import { joseToDer } from '../../shared/domain/seals/seal.ts';
import { SHOP } from '../support/case-fixtures.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import { runCli, signedClients, uploadBytes, uploadPdf } from '../support/signed-clients.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLOCK_START = '2026-09-01T02:00:00Z';
const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;
const MARKET = DEPARTMENTS.market.id;

let dataDir: string;
let platform: PlatformProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-archive-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);
const cli = (...args: string[]) => runCli(join(dataDir, 'credentials.json'), ...args);

/** A real PDF (page tree, text, cross-reference table): the decided case's first material. */
const REAL_PDF = realPdf(`Articles of association ${randomUUID()}`);
const FIRST_MATERIAL = REGISTRATION.materials.find((x) => x.required)!.name;

async function file(applicant: Json, real?: Buffer): Promise<string> {
  const materials: Json = {};
  for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
  if (real) materials[FIRST_MATERIAL] = await uploadBytes(as('portal'), real);
  const filed = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: REGISTRATION.implementationCode, applicant, form: { 注册资本: '100万元' }, materials },
  });
  expect(filed.status).toBe(201);
  return (filed.body as Json).caseNo as string;
}

/** The case once it is archived (the archive function runs after the answer: read again, bounded). */
async function archived(caseNo: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const res: ApiResponse = await as('market').request('GET', `/v1/cases/${caseNo}`);
    const c = res.body as Json;
    if (c.archive) return c;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`case ${caseNo} was never archived`);
}

describe('every ended case archived, and an auditor verifying it alone', () => {
  let decided: Json;
  let refused: Json;

  it("archives a decided case and a refused one as they end, locked for the item's retention", async () => {
    const a = await file(SHOP, REAL_PDF);
    expect((await as('market').request('POST', `/v1/cases/${a}/accept`, { body: {} })).status).toBe(200);
    expect((await as('market').request('POST', `/v1/cases/${a}/decide`, { body: { outcome: 'approved' } })).status).toBe(200);
    const b = await file({ ...SHOP, creditCode: DEPARTMENTS.fire.id, name: '被驳回公司' });
    expect((await as('market').request('POST', `/v1/cases/${b}/refuse`, { body: { reasons: ['不属于本部门职权范围'] } })).status).toBe(200);

    decided = await archived(a);
    refused = await archived(b);

    // 有限责任公司设立登记 is kept permanently: 100 years' lock and a legal hold
    expect(decided.archive).toMatchObject({
      state: 'archived',
      bundleKey: `bundles/${MARKET}/${REGISTRATION.implementationCode}/2026-09-01/${a}.tar`,
      retention: 'permanent',
      legalHold: true,
    });
    expect(decided.archive.retainUntil.slice(0, 4)).toBe('2126');
    expect(refused.archive).toMatchObject({ state: 'archived', bundleKey: `bundles/${MARKET}/${REGISTRATION.implementationCode}/2026-09-01/${b}.tar` });
    const history = (await as('market').request('GET', `/v1/cases/${a}/history`)).body as Json;
    // The working copies went with the archiving: the department is told where the file is, not sent to a missing object
    const material = await as('market').request('GET', `/v1/cases/${a}/material`, { query: { name: FIRST_MATERIAL } });
    const refusal = (material.body as Json).error;
    expect([material.status, refusal.code, refusal.field]).toEqual([409, 'CASE_MATERIAL_ARCHIVED', 'caseNo']);
    expect(refusal.messageZh).toContain(decided.archive.bundleKey);
    expect(history.entries.map((e: Json) => e.type).slice(-3)).toEqual(['decide', 'seal', 'archive']);
    expect(history.check).toEqual({ ok: true });
  });

  it('lets the auditor list the bundles, fetch one and verify it offline with the published keys', async () => {
    const listed = await cli('audit', 'list', '--as', 'auditor', '--department', MARKET, '--from', '2026-09-01', '--json');
    const out = join(dataDir, 'bundle.tar');
    const fetched = await cli('audit', 'fetch', decided.archive.bundleKey, '--as', 'auditor', '--out', out);
    const jwks = join(dataDir, 'jwks.json');
    await writeFile(jwks, await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).text());
    const verified = await cli('audit', 'verify', out, '--jwks', jwks);
    const channel = await cli('audit', 'list', '--as', 'portal');

    expect(listed.code, listed.err).toBe(0);
    expect((JSON.parse(listed.out) as Json).bundles.map((b: Json) => b.key)).toEqual(expect.arrayContaining([decided.archive.bundleKey, refused.archive.bundleKey]));
    expect(fetched.code, fetched.err).toBe(0);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain(`办件 case ${decided.caseNo}: 四性检测 four-property check 通过 passed`);
    expect(channel.code).toBe(2);
    // The bundle is the one the case records
    expect(execFileSync('sha256sum', [out], { encoding: 'utf8' }).split(' ')[0]).toBe(decided.archive.sha256);
  });

  it('holds the whole case, and opens and checks with tar, sha256sum and openssl alone', async () => {
    const work = await mkdtemp(join(dataDir, 'bag-'));
    execFileSync('tar', ['-xf', join(dataDir, 'bundle.tar'), '-C', work]);
    const bag = join(work, `tongban-case-${decided.caseNo}`);

    expect(execFileSync('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: bag, encoding: 'utf8' })).not.toMatch(/FAILED/);
    expect(execFileSync('sha256sum', ['-c', 'tagmanifest-sha256.txt'], { cwd: bag, encoding: 'utf8' })).not.toMatch(/FAILED/);
    const metadata = JSON.parse(await readFile(join(bag, BAG_PATHS.metadata), 'utf8')) as Json;
    expect(metadata).toMatchObject({
      caseNo: decided.caseNo,
      itemCode: REGISTRATION.implementationCode,
      departmentId: MARKET,
      status: 'decided',
      retention: 'permanent',
      result: { outcome: 'approved', licenceId: decided.results.licenceId },
    });
    expect(await readFile(join(bag, BAG_PATHS.decision), 'utf8')).toBe(decided.results.decision.document);
    expect(JSON.parse(await readFile(join(bag, BAG_PATHS.licence), 'utf8'))).toMatchObject({ id: decided.results.licenceId, type: 'tongban/e-licence' });
    for (const m of REGISTRATION.materials.filter((x) => x.required)) {
      expect(execFileSync('sha256sum', [join(bag, bundleFilePath('materials', m.name, 'application/pdf'))], { encoding: 'utf8' }).split(' ')[0]).toBe(
        decided.materials[m.name].sha256,
      );
    }
    // The real PDF, byte for byte as the applicant uploaded it
    expect((await readFile(join(bag, bundleFilePath('materials', FIRST_MATERIAL, 'application/pdf')))).equals(REAL_PDF)).toBe(true);
    const report = JSON.parse(await readFile(join(bag, BAG_PATHS.report), 'utf8')) as Json;
    expect(report).toMatchObject({ at: 'ingest', passed: true });
    // The archive seal over the tag manifest, with openssl and the archive key of the published JWKS
    const jwks = JSON.parse(await readFile(join(dataDir, 'jwks.json'), 'utf8')) as Json;
    const archiveKey = jwks.keys.find((k: Json) => k['tongban:department'] === 'tongban-archive');
    const seal = JSON.parse(await readFile(join(bag, BAG_PATHS.tagManifestSeal), 'utf8')) as Json;
    await writeFile(join(work, 'key.der'), Buffer.from(archiveKey['tongban:spki'], 'base64'));
    await writeFile(join(work, 'input'), Buffer.concat([Buffer.from(`${seal.protected}.`), await readFile(join(bag, BAG_PATHS.tagManifest))]));
    await writeFile(join(work, 'signature.der'), joseToDer(Buffer.from(seal.signature, 'base64url')));
    execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(work, 'key.der'), '-out', join(work, 'key.pem')]);
    expect(
      execFileSync('openssl', ['dgst', '-sha256', '-verify', join(work, 'key.pem'), '-signature', join(work, 'signature.der'), join(work, 'input')], { encoding: 'utf8' }),
    ).toContain('Verified OK');
  });

  it("gives the auditor's keys read-only access: S3 refuses its overwrite or deletion of a bundle or a kept material, and any wrong signature", async () => {
    // Prepare: the auditor's own keys from credentials.json, used with the real S3 client on the
    // platform's S3 endpoint; the bundle and a material the decided case keeps
    const { endpoint, bucket } = platform.credentials.archive!;
    const region = platform.credentials.region;
    const auditorKeys = platform.credentials.principals.auditor!;
    const client = (credentials: { accessKeyId: string; secretAccessKey: string }) => new S3Client({ endpoint, region, forcePathStyle: true, credentials, maxAttempts: 1 });
    const auditor = client(auditorKeys);
    const bundleKey: string = decided.archive.bundleKey;
    const kept: string = decided.materials[FIRST_MATERIAL].objectKey;
    const refusal = async (send: Promise<unknown>) => {
      const e = (await send.then(
        () => undefined,
        (error: unknown) => error,
      )) as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
      return e === undefined ? 'done' : `${e.$metadata?.httpStatusCode} ${e.name}`;
    };

    // Act: reading, as an auditor may
    const listed = await auditor.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'bundles/' }));
    const head = await auditor.send(new HeadObjectCommand({ Bucket: bucket, Key: bundleKey }));
    const fetched = Buffer.from(await (await auditor.send(new GetObjectCommand({ Bucket: bucket, Key: bundleKey }))).Body!.transformToByteArray());
    // Act: writing, as it may not
    const attempts = {
      overwriteBundle: await refusal(auditor.send(new PutObjectCommand({ Bucket: bucket, Key: bundleKey, Body: Buffer.from('rewritten history') }))),
      deleteBundle: await refusal(auditor.send(new DeleteObjectCommand({ Bucket: bucket, Key: bundleKey }))),
      deleteBundles: await refusal(auditor.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: bundleKey }] } }))),
      copyOverBundle: await refusal(auditor.send(new CopyObjectCommand({ Bucket: bucket, Key: bundleKey, CopySource: `${bucket}/${bundleKey}`, MetadataDirective: 'REPLACE' }))),
      multipartOverBundle: await refusal(auditor.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: bundleKey }))),
      overwriteMaterial: await refusal(auditor.send(new PutObjectCommand({ Bucket: LOCAL_MATERIALS_BUCKET, Key: kept, Body: Buffer.from('%PDF-1.7 forged') }))),
      deleteMaterial: await refusal(auditor.send(new DeleteObjectCommand({ Bucket: LOCAL_MATERIALS_BUCKET, Key: kept }))),
      readMaterial: await refusal(auditor.send(new GetObjectCommand({ Bucket: LOCAL_MATERIALS_BUCKET, Key: kept }))),
      // Another principal's keys (a department's role reads no bucket), a wrong secret, an unknown key, no signature
      departmentRead: await refusal(client(platform.credentials.principals.market!).send(new GetObjectCommand({ Bucket: bucket, Key: bundleKey }))),
      wrongSecret: await refusal(
        client({ ...auditorKeys, secretAccessKey: `${auditorKeys.secretAccessKey}x` }).send(new PutObjectCommand({ Bucket: bucket, Key: bundleKey, Body: 'x' })),
      ),
      wrongSecretRead: await refusal(client({ ...auditorKeys, secretAccessKey: `${auditorKeys.secretAccessKey}x` }).send(new ListObjectsV2Command({ Bucket: bucket }))),
      unknownKey: await refusal(client({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }).send(new DeleteObjectCommand({ Bucket: bucket, Key: bundleKey }))),
    };
    const unsigned = await fetch(`${endpoint}/${bucket}/${bundleKey}`, { method: 'PUT', body: 'x' });
    const unsignedBody = await unsigned.text();
    const afterwards = Buffer.from(await (await auditor.send(new GetObjectCommand({ Bucket: bucket, Key: bundleKey }))).Body!.transformToByteArray());
    const material = await refusal(client(platform.runtime).send(new GetObjectCommand({ Bucket: LOCAL_MATERIALS_BUCKET, Key: kept })));
    auditor.destroy();

    // Assess
    expect(listed.Contents?.map((o) => o.Key)).toContain(bundleKey);
    expect(head.ContentLength).toBe(fetched.length);
    expect(createHash('sha256').update(fetched).digest('hex')).toBe(decided.archive.sha256);
    expect(attempts).toEqual({
      overwriteBundle: '403 AccessDenied',
      deleteBundle: '403 AccessDenied',
      deleteBundles: '403 AccessDenied',
      copyOverBundle: '403 AccessDenied',
      multipartOverBundle: '403 AccessDenied',
      overwriteMaterial: '403 AccessDenied',
      deleteMaterial: '403 AccessDenied',
      readMaterial: '403 AccessDenied',
      departmentRead: '403 AccessDenied',
      wrongSecret: '403 SignatureDoesNotMatch',
      wrongSecretRead: '403 SignatureDoesNotMatch',
      unknownKey: '403 InvalidAccessKeyId',
    });
    expect([unsigned.status, /<Code>AccessDenied<\/Code>/.test(unsignedBody)]).toEqual([403, true]);
    // Nothing changed: the bundle is the bytes the case recorded
    expect(afterwards.equals(fetched)).toBe(true);
    // The material's working copy went once the case was archived (the bundle holds it: byte for byte, below)
    expect(material).toBe('404 NoSuchKey');
  });

  it('has the auditor fetch a bundle in Deep Archive in two steps: the first asks for its restore and says, in Chinese, when it will be ready; the next downloads it', async () => {
    // Prepare: the decided case's bundle as the archive's lifecycle rule leaves it after 30 days, in Deep
    // Archive (the embedded S3 has no lifecycle: written so, under a key of its own; its restores complete at once)
    const { endpoint, bucket } = platform.credentials.archive!;
    const runtime = new S3Client({ endpoint, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime, maxAttempts: 1 });
    const bytes = await readFile(join(dataDir, 'bundle.tar'));
    const coldKey = (decided.archive.bundleKey as string).replace(/\.tar$/, '-deep.tar');
    await runtime.send(new PutObjectCommand({ Bucket: bucket, Key: coldKey, Body: bytes, ContentType: 'application/x-tar', StorageClass: 'DEEP_ARCHIVE' }));
    runtime.destroy();
    const out = join(dataDir, 'deep.tar');

    // Act
    const first = await cli('audit', 'fetch', coldKey, '--as', 'auditor', '--out', out);
    const fetchedFirst = await readFile(out).then(
      () => true,
      () => false,
    );
    const second = await cli('audit', 'fetch', coldKey, '--as', 'auditor', '--out', out);

    // Assess
    expect(first.code, first.err).toBe(3);
    expect(first.out).toContain(`归档包 ${coldKey} 已转入 DEEP_ARCHIVE 存储，需先恢复方可下载：已申请标准恢复（Standard），预计 12 小时内完成`);
    expect(first.out).toContain('恢复后的副本保留 7 天');
    expect(fetchedFirst).toBe(false);
    expect(second.code, second.err).toBe(0);
    expect(
      createHash('sha256')
        .update(await readFile(out))
        .digest('hex'),
    ).toBe(decided.archive.sha256);
    // A usage error: a tier S3 has not for Deep Archive
    expect((await cli('audit', 'fetch', coldKey, '--as', 'auditor', '--tier', 'Fast')).code).toBe(2);
  });

  it('archives a case once: the sweep finds nothing more to do, and the case says where its bundle is', async () => {
    const shown = await cli('cases', 'show', decided.caseNo, '--as', 'market');
    expect(shown.out).toContain(`归档 archived at ${decided.archive.archivedAt}: ${decided.archive.bundleKey}`);
    const listed = await cli('audit', 'list', '--as', 'auditor', '--json');
    const keys = (JSON.parse(listed.out) as Json).bundles.map((b: Json) => b.key);
    expect(keys.filter((k: string) => k.endsWith(`${decided.caseNo}.tar`))).toHaveLength(1);
  });
});
