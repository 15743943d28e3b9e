// End to end: reading a case's files through the embedded platform (`npm start`'s command as a child
// process), as the console and the CLI do — GET /v1/cases/{caseNo}/material answers a short-lived
// presigned GET of the embedded S3 endpoint, which reads the bytes with the type the case recorded,
// inline. Who may: the case's department, its co-departments and the channel that filed it (a
// co-department's opinion attachments alike); everyone else is refused as reading the case is. The
// S3 front refuses a link altered; the materials bucket lets the console's origin (the gateway's) GET
// and PUT across origins, no other origin. The clock is pinned to Tue 1 Sep 2026, 10:00 in China.
import { MATERIALS_BROWSER_CORS } from '../../shared/adapters/bucket-layout.ts';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MATERIALS_BUCKET } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { ZHANG } from '../support/case-fixtures.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { runCli, signedClients, uploadBytes } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLOCK_START = '2026-09-01T02:00:00Z';
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const JOINT = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000199001000'))!;
const APPLICATION = '食品经营许可申请书';
const BUSINESS_LICENCE = '营业执照';
const LAYOUT = '经营场所平面布局图';
const REPORT = '卫生审查意见';
const HEALTH = DEPARTMENTS.health.id;
const FIRE = DEPARTMENTS.fire.id;
/** A PNG as the platform checks one: its signature, then anything. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`平面布局图 ${randomUUID()}`)]);

let dataDir: string;
let platform: PlatformProcess;
const as = signedClients(() => platform);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const errorOf = (res: ApiResponse) => [res.status, (res.body as Json)?.error?.code];
const tongban = (...args: string[]) => runCli(join(dataDir, 'credentials.json'), ...args);

/** The link to a file of `caseNo` as `principal` asks for it. */
const linkOf = (principal: string, caseNo: string, name: string, opinion?: string) =>
  as(principal).request('GET', `/v1/cases/${caseNo}/material`, { query: { name, ...(opinion ? { opinion } : {}) } });

/** What the link reads, as a browser's fetch does (an Origin when given). */
async function read(url: string, origin?: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, origin ? { headers: { origin } } : {});
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Once the joint workflow has given `caseNo`'s co-departments their tasks (bounded: 300 reads). */
async function dispatched(caseNo: string): Promise<void> {
  for (let i = 0; i < 300; i++) if (((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json).jointTasks) return;
  throw new Error(`case ${caseNo} was never dispatched`);
}

/** The files each case was filed with, by name. */
const sent: Record<string, Buffer> = {};
let food: string;
let joint: string;
/** The console's origin: the gateway's. */
let consoleOrigin: string;
let s3Endpoint: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-case-materials-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
  consoleOrigin = new URL(platform.endpoint).origin;

  // A food case: two PDFs and a PNG, filed by the portal.
  sent[APPLICATION] = realPdf(`application ${randomUUID()}`);
  sent[BUSINESS_LICENCE] = realPdf(`business licence ${randomUUID()}`);
  sent[LAYOUT] = PNG;
  const materials = {
    [APPLICATION]: await uploadBytes(as('portal'), sent[APPLICATION]),
    [BUSINESS_LICENCE]: await uploadBytes(as('portal'), sent[BUSINESS_LICENCE]),
    [LAYOUT]: await uploadBytes(as('portal'), PNG, 'image/png'),
  };
  const slot = await as('portal').request('POST', '/v1/materials/uploads', { body: { contentType: 'application/pdf', size: 1, sha256: 'a'.repeat(64) } });
  s3Endpoint = new URL((slot.body as Json).url as string).origin;
  const filed = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: FOOD.implementationCode, applicant: ZHANG, form: { 经营场所面积: 120 }, materials },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  food = (filed.body as Json).caseNo as string;

  // A joint case (market leads; health and fire give opinions), dispatched; health's opinion has an attachment.
  const jointMaterials = Object.fromEntries(
    await Promise.all(JOINT.materials.filter((m) => m.required).map(async (m) => [m.name, await uploadBytes(as('portal'), realPdf(`joint ${randomUUID()}`))] as const)),
  );
  const jointFiled = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: JOINT.implementationCode, applicant: ZHANG, form: {}, materials: jointMaterials },
  });
  expect(jointFiled.status, JSON.stringify(jointFiled.body)).toBe(201);
  joint = (jointFiled.body as Json).caseNo as string;
  expect((await as('market').request('POST', `/v1/cases/${joint}/accept`, { body: {} })).status).toBe(200);
  await dispatched(joint);
  sent[REPORT] = realPdf(`health review ${randomUUID()}`);
  const opinion = await as('health').request('POST', `/v1/cases/${joint}/opinions`, {
    body: { outcome: 'agree', attachments: { [REPORT]: await uploadBytes(as('health'), sent[REPORT]) } },
  });
  expect(opinion.status, JSON.stringify(opinion.body)).toBe(200);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /v1/cases/{caseNo}/material: a link to a file of the case', () => {
  it("lets the case's department and the channel that filed it read each material: its bytes, of the type recorded, inline, matching its SHA-256", async () => {
    // Act
    const answers = await Promise.all(
      ['portal', 'market', 'market-deputy'].flatMap((principal) => [APPLICATION, LAYOUT].map(async (name) => ({ principal, name, res: await linkOf(principal, food, name) }))),
    );

    // Assess
    for (const { principal, name, res } of answers) {
      expect(res.status, `${principal} ${name}: ${JSON.stringify(res.body)}`).toBe(200);
      const link = res.body as Json;
      const type = name === LAYOUT ? 'image/png' : 'application/pdf';
      expect(link).toMatchObject({ caseNo: food, name, contentType: type, size: sent[name]!.length, sha256: sha256(sent[name]!), method: 'GET' });
      expect(link.filename).toBe(`${name}.${name === LAYOUT ? 'png' : 'pdf'}`);
      expect(Date.parse(link.expiresAt as string) - Date.now()).toBeGreaterThan(240_000);
      expect(Date.parse(link.expiresAt as string) - Date.now()).toBeLessThanOrEqual(300_000);
      const got = await read(link.url as string);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe(type);
      expect(got.headers.get('content-disposition')).toMatch(/^inline; /);
      expect(sha256(got.body)).toBe(link.sha256);
    }
  });

  it("lets the lead and every co-department of a joint case, and its channel, read its materials and a co-department's opinion attachment", async () => {
    // Act
    const readers = ['market', 'health', 'fire', 'portal'];
    const materials = await Promise.all(readers.map((p) => linkOf(p, joint, JOINT.materials[0]!.name)));
    const attachments = await Promise.all(readers.map((p) => linkOf(p, joint, REPORT, HEALTH)));

    // Assess
    for (const res of materials) expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const res of attachments) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ caseNo: joint, name: REPORT, opinion: HEALTH, contentType: 'application/pdf', sha256: sha256(sent[REPORT]!), filename: `${REPORT}.pdf` });
      expect((await read((res.body as Json).url as string)).body.equals(sent[REPORT]!)).toBe(true);
    }
  });

  it('refuses everyone else exactly as reading the case is refused: another department, another channel, the auditor, the platform role', async () => {
    for (const principal of ['housing', 'police', 'hall-window', 'auditor', 'reviewer']) {
      // Act
      const material = await linkOf(principal, food, APPLICATION);
      const attachment = await linkOf(principal, joint, REPORT, HEALTH);
      const theCase = await as(principal).request('GET', `/v1/cases/${food}`);

      // Assess: 403, with the code reading the case gets (the auditor and the platform role: their role)
      expect(errorOf(material), principal).toEqual(errorOf(theCase));
      expect(errorOf(attachment), principal).toEqual(errorOf(theCase));
      expect(errorOf(theCase), principal).toEqual([403, ['auditor', 'reviewer'].includes(principal) ? 'ROLE_FORBIDDEN' : 'CASE_READ_FORBIDDEN']);
    }
  });

  it('answers 404 CASE_MATERIAL_NOT_FOUND for a file the case has not, 404 CASE_NOT_FOUND for no such case, 400 without a name', async () => {
    // Act
    const unknown = await linkOf('portal', food, '不存在的材料');
    const prototypeKey = await linkOf('portal', food, 'constructor');
    const noOpinion = await linkOf('market', joint, REPORT, FIRE);
    const notAnAttachment = await linkOf('market', joint, JOINT.materials[0]!.name, HEALTH);
    const noCase = await linkOf('portal', '20260901AAAAAAAAAA', APPLICATION);
    const noName = await as('portal').request('GET', `/v1/cases/${food}/material`);

    // Assess
    for (const res of [unknown, prototypeKey, noOpinion, notAnAttachment]) expect(errorOf(res)).toEqual([404, 'CASE_MATERIAL_NOT_FOUND']);
    expect((unknown.body as Json).error.messageZh).toContain('不存在的材料');
    expect(errorOf(noCase)).toEqual([404, 'CASE_NOT_FOUND']);
    expect(errorOf(noName)).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('is refused by the S3 endpoint altered — another type asked for, another file, another signature — or without its signature', async () => {
    // Prepare
    const link = (await linkOf('portal', food, APPLICATION)).body as Json;
    const other = (await linkOf('portal', food, BUSINESS_LICENCE)).body as Json;
    const asHtml = new URL(link.url as string);
    asHtml.searchParams.set('response-content-type', 'text/html');
    const elsewhere = new URL(link.url as string);
    elsewhere.pathname = new URL(other.url as string).pathname;
    const forged = (link.url as string).replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    const bare = new URL(link.url as string);
    bare.search = '';

    // Act
    const answers = await Promise.all(
      [asHtml.href, elsewhere.href, forged, bare.href].map(async (url) => {
        const res = await fetch(url);
        return [res.status, /<Code>(\w+)<\/Code>/.exec(await res.text())?.[1]];
      }),
    );

    // Assess
    expect(answers).toEqual([
      [403, 'SignatureDoesNotMatch'],
      [403, 'SignatureDoesNotMatch'],
      [403, 'SignatureDoesNotMatch'],
      [403, 'AccessDenied'],
    ]);
  });
});

describe("the materials bucket's CORS: the console's origin may GET and PUT, no other", () => {
  /** A preflight of `method` (with `headers`) to an object of the materials bucket, from `origin`. */
  async function preflight(origin: string, method: string, headers?: string): Promise<{ status: number; headers: Headers }> {
    const res = await fetch(`${s3Endpoint}/${LOCAL_MATERIALS_BUCKET}/cases/${food}/x`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
    });
    await res.arrayBuffer();
    return { status: res.status, headers: res.headers };
  }

  it("allows a preflight from the gateway's origin (127.0.0.1 and localhost) for GET, and for PUT with the upload slot's signed headers", async () => {
    const port = new URL(consoleOrigin).port;
    for (const origin of [consoleOrigin, `http://localhost:${port}`]) {
      // Act
      const get = await preflight(origin, 'GET');
      const put = await preflight(origin, 'PUT', 'content-type,x-amz-checksum-sha256');

      // Assess
      expect(get.status, origin).toBe(200);
      expect(put.status, origin).toBe(200);
      expect(get.headers.get('access-control-allow-origin')).toMatch(new RegExp(`^(\\*|${origin.replace(/[.]/g, '\\.')})$`));
      expect(put.headers.get('access-control-allow-methods')?.split(/,\s*/).sort()).toEqual(['GET', 'PUT']);
      expect(put.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual(['content-type', 'x-amz-checksum-sha256']);
    }
  });

  it('refuses a preflight from another origin, another port, for another method or with a header the slot does not sign', async () => {
    // Act
    const answers = await Promise.all([
      preflight('http://evil.example', 'GET'),
      preflight('http://127.0.0.1:1', 'PUT', 'content-type'),
      preflight(consoleOrigin, 'DELETE'),
      preflight(consoleOrigin, 'PUT', 'content-type,x-amz-acl'),
    ]);

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it("answers the console's GET of a link and PUT through an upload slot with the CORS headers (ETag exposed), its refusal too; another origin's without", async () => {
    // Prepare
    const link = (await linkOf('market', food, APPLICATION)).body as Json;
    const bytes = realPdf(`console upload ${randomUUID()}`);
    const slot = (await as('portal').request('POST', '/v1/materials/uploads', { body: { contentType: 'application/pdf', size: bytes.length, sha256: sha256(bytes) } }))
      .body as Json;
    const { 'content-length': _length, ...slotHeaders } = slot.headers as Record<string, string>;
    const asHtml = new URL(link.url as string);
    asHtml.searchParams.set('response-content-type', 'text/html');

    // Act
    const got = await read(link.url as string, consoleOrigin);
    const put = await fetch(slot.url as string, { method: 'PUT', headers: { ...slotHeaders, origin: consoleOrigin }, body: bytes });
    const refused = await read(asHtml.href, consoleOrigin);
    const elsewhere = await read(link.url as string, 'http://evil.example');

    // Assess
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(got.headers.get('access-control-expose-headers')).toBe(MATERIALS_BROWSER_CORS.exposedHeaders.join(', '));
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('tongban cases material', () => {
  it('writes the material to --out (or under its name), checked against the SHA-256 the case recorded', async () => {
    // Prepare
    const out = join(dataDir, 'read');
    const target = join(out, 'application.pdf');
    await mkdir(out, { recursive: true });

    // Act
    const byFile = await tongban('cases', 'material', food, APPLICATION, '--as', 'portal', '--out', target);
    const asJson = await tongban('cases', 'material', joint, REPORT, '--opinion', HEALTH, '--as', 'fire', '--out', join(out, 'report.pdf'), '--json');

    // Assess
    expect(byFile.code, byFile.err).toBe(0);
    expect(byFile.out).toContain(sha256(sent[APPLICATION]!));
    expect((await readFile(target)).equals(sent[APPLICATION]!)).toBe(true);
    expect(asJson.code, asJson.err).toBe(0);
    expect(JSON.parse(asJson.out)).toMatchObject({ caseNo: joint, name: REPORT, opinion: HEALTH, sha256: sha256(sent[REPORT]!), path: join(out, 'report.pdf') });
    expect((await readFile(join(out, 'report.pdf'))).equals(sent[REPORT]!)).toBe(true);
  });

  it('refuses, writing nothing: a file that is not the one the case recorded, a material the case has not, a reader who may not', async () => {
    // Prepare: the kept layout replaced in the bucket behind the platform's back (as someone with access to it could)
    const out = await mkdtemp(join(dataDir, 'refused-'));
    const state = (await as('portal').request('GET', `/v1/cases/${food}`)).body as Json;
    const s3 = new S3Client({ endpoint: s3Endpoint, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    await s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_MATERIALS_BUCKET,
        Key: state.materials[LAYOUT].objectKey as string,
        Body: Buffer.concat([PNG, Buffer.from('!')]),
        ContentType: 'image/png',
      }),
    );
    s3.destroy();

    // Act
    const replaced = await tongban('cases', 'material', food, LAYOUT, '--as', 'market', '--out', join(out, 'layout.png'));
    const unknown = await tongban('cases', 'material', food, '不存在的材料', '--as', 'portal', '--out', join(out, 'x.pdf'));
    const stranger = await tongban('cases', 'material', food, APPLICATION, '--as', 'housing', '--out', join(out, 'y.pdf'));
    const noName = await tongban('cases', 'material', food, '--as', 'portal');

    // Assess
    expect(replaced.code).toBe(1);
    expect(replaced.err).toContain(`not the file the case recorded`);
    expect(replaced.err).toContain(sha256(PNG));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('CASE_MATERIAL_NOT_FOUND');
    expect(stranger.code).toBe(1);
    expect(stranger.err).toContain('CASE_READ_FORBIDDEN');
    expect(noName.code).toBe(2);
    expect(await readdir(out)).toEqual([]);
  });
});
