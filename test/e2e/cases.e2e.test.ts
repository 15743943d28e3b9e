// End to end: a case from upload to decision through the embedded platform (`npm start`'s command as
// a child process), every call signed with SigV4 as a channel's or a department's system would sign
// it, the platform clock pinned to Monday 23 November 2026, 10:00 in China. Deadlines are counted
// by hand on the 2026 calendar in the comments.
import { actingKeys } from '../support/acting-keys.ts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_MATERIALS_BUCKET } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { ZHANG } from '../support/case-fixtures.ts';
import { encryptedPdf, randomBytes } from '../support/pdf-fixtures.ts';
import { signedClients, uploadBytes, uploadPdf } from '../support/signed-clients.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dataDir: string;
let platform: PlatformProcess;
const CLOCK_START = '2026-11-23T02:00:00Z';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-cases-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICATION = '食品经营许可申请书';
const BUSINESS_LICENCE = '营业执照';
const LAYOUT = '经营场所平面布局图'; // tolerable
const RULES = '食品安全管理制度文本'; // tolerable

/** Uploads a PDF as the portal. */
const upload = (content: string) => uploadPdf(as('portal'), content);

/** Files as `principal`; `key` null sends no Idempotency-Key at all. */
function file(body: Json, key: string | null = randomUUID(), principal = 'portal'): Promise<ApiResponse> {
  return as(principal).request('POST', '/v1/cases', { body, ...(key !== null ? { headers: { 'Idempotency-Key': key } } : {}) });
}

async function application(extra: Json = {}): Promise<Json> {
  return {
    itemCode: FOOD.implementationCode,
    applicant: ZHANG,
    form: { 经营项目: ['热食类食品制售'], 经营场所面积: 120 },
    materials: { [APPLICATION]: await upload(`申请书 ${randomUUID()}`), [BUSINESS_LICENCE]: await upload(`营业执照 ${randomUUID()}`), ...extra },
  };
}

const errorOf = (res: ApiResponse) => [res.status, (res.body as Json)?.error?.code, (res.body as Json)?.error?.field];

describe('a case from upload to decision, with a supplement round and a pause', () => {
  let caseNo: string;

  it('files with a receipt: case number, item version, materials with checksums and the answer due date', async () => {
    // Prepare: the two non-tolerable materials and the layout; the rules text (tolerable) follows later
    const body = await application({ [LAYOUT]: await upload('布局图 v1') });
    const key = randomUUID();

    // Act
    const res = await file(body, key);
    const again = await file(body, key);

    // Assess: filed Mon 23 Nov. Pre-review due 2 working days on: 24 (1), Wed 25 Nov (2).
    // Answer period 5 working days: 24, 25, 26, 27, Mon 30 Nov (5).
    expect(res.status).toBe(201);
    const result = res.body as Json;
    caseNo = result.caseNo;
    expect(caseNo).toMatch(/^20261123[0-9A-Z]{10}$/);
    expect(result.replayed).toBe(false);
    expect(result.receipt).toMatchObject({
      caseNo,
      itemCode: FOOD.implementationCode,
      itemName: FOOD.name,
      channelId: 'kunming-portal',
      departmentId: DEPARTMENTS.market.id,
      preReviewDue: '2026-11-25',
      answerDueOn: '2026-11-30',
    });
    expect(result.receipt.itemVersion).toBeGreaterThanOrEqual(1);
    expect(result.receipt.receivedAt.slice(0, 10)).toBe('2026-11-23');
    expect(new Set((result.receipt.materials as Json[]).map((m) => m.name))).toEqual(new Set([APPLICATION, BUSINESS_LICENCE, LAYOUT]));
    for (const m of result.receipt.materials as Json[]) expect(m.sha256).toBe(body.materials[m.name].sha256);

    // The retry: the same case and receipt, marked as a replay
    expect(again.status).toBe(201);
    expect((again.body as Json).receipt).toEqual(result.receipt);
    expect((again.body as Json).replayed).toBe(true);

    // The files are in the case's keeping, under its own prefix, byte for byte
    const kept = (result.case as Json).materials as Record<string, Json>;
    expect(Object.values(kept).every((m) => (m.objectKey as string).startsWith(`cases/${caseNo}/`))).toBe(true);
  });

  it('keeps the materials in S3 under the case, with the announced bytes', async () => {
    // Prepare: the platform's S3 endpoint is where its upload slots point
    const slot = await as('portal').request('POST', '/v1/materials/uploads', { body: { contentType: 'application/pdf', size: 1, sha256: 'a'.repeat(64) } });
    const s3 = new S3Client({ endpoint: new URL((slot.body as Json).url).origin, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    const state = (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json;

    // Act
    const heads = await Promise.all(
      Object.values(state.materials as Record<string, Json>).map((m) => s3.send(new HeadObjectCommand({ Bucket: LOCAL_MATERIALS_BUCKET, Key: m.objectKey }))),
    );
    s3.destroy();

    // Assess
    expect(heads.map((h) => h.ContentLength)).toEqual(Object.values(state.materials as Record<string, Json>).map((m) => m.size));
  });

  it('lets the department ask for every problem at once, and the channel supplement', async () => {
    // Act
    const request = await as('market').request('POST', `/v1/cases/${caseNo}/supplement-request`, {
      body: {
        problems: [
          { material: LAYOUT, problem: '平面图比例不清晰' },
          { material: RULES, problem: '未提交' },
        ],
      },
    });
    const portalView = await as('portal').request('GET', `/v1/cases/${caseNo}`);
    const supplement = await as('portal').request('POST', `/v1/cases/${caseNo}/supplement`, {
      body: { materials: { [LAYOUT]: await upload('布局图 v2'), [RULES]: await upload('管理制度') } },
    });

    // Assess
    expect(request.status).toBe(200);
    expect((request.body as Json).status).toBe('supplement-requested');
    expect((portalView.body as Json).supplementRequest).toHaveLength(2);
    expect(supplement.status).toBe(200);
    expect((supplement.body as Json).status).toBe('received');
    expect(Object.keys((supplement.body as Json).materials).sort()).toEqual([APPLICATION, BUSINESS_LICENCE, LAYOUT, RULES].sort());
    expect((supplement.body as Json).materials[RULES].objectKey).toMatch(new RegExp(`^cases/${caseNo}/`));
    // 一次性告知: what was not part of the supplement cannot be asked for now (refused, nothing written).
    const late = await as('market').request('POST', `/v1/cases/${caseNo}/supplement-request`, { body: { problems: [{ material: BUSINESS_LICENCE, problem: '复印件不清晰' }] } });
    expect([late.status, (late.body as Json).error.code, (late.body as Json).error.field]).toEqual([400, 'CASE_PROBLEM_NOT_IN_SUPPLEMENT', 'problems.0.material']);
    expect(((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json).version).toBe((supplement.body as Json).version);
  });

  it("shows the case in the department's queue while it waits for an answer, and the channel's list by applicant", async () => {
    // Act
    const queue = await as('market').request('GET', '/v1/queue', { query: { status: 'received', limit: '100' } });
    const mine = await as('portal').request('GET', '/v1/cases', { query: { applicant: ZHANG.residentId } });
    const others = await as('hall-window').request('GET', '/v1/cases', { query: { applicant: ZHANG.residentId } });

    // Assess
    expect(queue.status).toBe(200);
    expect(((queue.body as Json).cases as Json[]).map((c) => c.caseNo)).toContain(caseNo);
    expect(((mine.body as Json).cases as Json[]).map((c) => c.caseNo)).toContain(caseNo);
    expect((others.body as Json).cases).toEqual([]);
  });

  it('refuses outsiders: another channel may not read it, another department may not accept it, nobody decides before acceptance', async () => {
    // Act
    const read = await as('hall-window').request('GET', `/v1/cases/${caseNo}`);
    const history = await as('housing').request('GET', `/v1/cases/${caseNo}/history`);
    const accept = await as('housing').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    const decide = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    const byChannel = await as('portal').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });

    // Assess
    expect(errorOf(read).slice(0, 2)).toEqual([403, 'CASE_READ_FORBIDDEN']);
    expect(errorOf(history).slice(0, 2)).toEqual([403, 'CASE_READ_FORBIDDEN']);
    expect(errorOf(accept).slice(0, 2)).toEqual([403, 'CASE_DEPARTMENT_FORBIDDEN']);
    expect(errorOf(decide).slice(0, 2)).toEqual([409, 'CASE_ILLEGAL_TRANSITION']);
    expect(errorOf(byChannel).slice(0, 2)).toEqual([403, 'ROLE_FORBIDDEN']);
  });

  it('accepts with the deadlines counted in working days, pauses and resumes the clock', async () => {
    // Act
    const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    const paused = await as('market').request('POST', `/v1/cases/${caseNo}/pause`, { body: { procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 5 } });
    const decideWhilePaused = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    const resumed = await as('market').request('POST', `/v1/cases/${caseNo}/resume`, { body: {} });

    // Assess: accepted Mon 23 Nov. Promised 10 working days: 24, 25, 26, 27, 30, Dec 1, 2, 3, 4, Mon 7 Dec.
    // Statutory 20: 8, 9, 10, 11, 14, 15, 16, 17, 18, Mon 21 Dec. A pause resumed the day it began excludes nothing.
    expect(accepted.status).toBe(200);
    expect((accepted.body as Json).deadlines).toEqual({ promised: '2026-12-07', statutory: '2026-12-21' });
    expect(paused.status).toBe(200);
    expect((paused.body as Json).deadlines).toBeUndefined();
    expect(errorOf(decideWhilePaused).slice(0, 2)).toEqual([409, 'CASE_CLOCK_PAUSED']);
    expect((resumed.body as Json).deadlines).toEqual({ promised: '2026-12-07', statutory: '2026-12-21' });
  });

  it('lets exactly one of two users of the department decide when both try at once', async () => {
    // Act
    const answers = await Promise.all([
      as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } }),
      as('market-deputy').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'denied', reasons: ['场所不符合要求'] } }),
    ]);

    // Assess
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(['CASE_VERSION_CONFLICT', 'CASE_CLOSED']).toContain((loser.body as Json).error.code);
    const state = (await as('portal').request('GET', `/v1/cases/${caseNo}`)).body as Json;
    expect(state.status).toBe('decided');
  });

  it('has recorded every step in a history whose chain verifies, and refuses anything after the decision', async () => {
    // Act
    const res = await as('portal').request('GET', `/v1/cases/${caseNo}/history`);
    const withdraw = await as('portal').request('POST', `/v1/cases/${caseNo}/withdraw`, { body: { reason: '不再申请' } });

    // Assess
    expect(res.status).toBe(200);
    const history = res.body as Json;
    expect(history.check).toEqual({ ok: true });
    // Then `archive`, once the archive function (started after the decision's answer) is done.
    // Each notice an action owes (补正, 受理, 特别程序) sealed at once by the sealing function, as the system.
    expect((history.entries as Json[]).map((e) => e.type).slice(0, 11)).toEqual([
      'file',
      'request-supplement',
      'seal-notices',
      'supplement',
      'accept',
      'seal-notices',
      'pause',
      'seal-notices',
      'resume',
      'decide',
      'seal',
    ]);
    expect((history.entries as Json[]).map((e) => e.actor.name).slice(0, 5)).toEqual(['portal', 'market', 'system', 'portal', 'market']);
    expect(errorOf(withdraw).slice(0, 2)).toEqual([409, 'CASE_CLOSED']);
  });
});

describe('filing refusals over HTTP', () => {
  it('needs an Idempotency-Key, and creates nothing without one', async () => {
    // Prepare
    const body = await application({ [LAYOUT]: await upload('布局图') });
    const before = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;

    // Act
    const res = await file(body, null);

    // Assess
    expect(errorOf(res)).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED', 'Idempotency-Key']);
    expect((res.body as Json).error.messageZh).toContain('Idempotency-Key');
    const after = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;
    expect(after.cases).toHaveLength(before.cases.length);
  });

  it('refuses an applicant with a bad resident ID, a missing required material, and a reused key with another request', async () => {
    // Prepare
    const body = await application();
    const badId = { ...body, applicant: { ...ZHANG, residentId: `${ZHANG.residentId.slice(0, 17)}${ZHANG.residentId.endsWith('0') ? '1' : '0'}` } };
    const { [BUSINESS_LICENCE]: _dropped, ...fewer } = body.materials as Json;
    const key = randomUUID();

    // Act
    const id = await file(badId);
    const missing = await file({ ...body, materials: fewer });
    const first = await file(body, key);
    const reused = await file({ ...body, form: { 经营场所面积: 80 } }, key);

    // Assess
    expect(errorOf(id)).toEqual([400, 'INVALID_RESIDENT_ID', 'applicant.residentId']);
    expect(errorOf(missing)).toEqual([400, 'CASE_MATERIAL_MISSING', `materials.${BUSINESS_LICENCE}`]);
    expect(first.status).toBe(201);
    expect(errorOf(reused).slice(0, 2)).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('refuses a form the stores cannot keep — a number beyond DynamoDB, a reserved key, a form over 64 KiB in UTF-8 — with 400, its code and field, creating nothing; the same key then files', async () => {
    // Prepare
    const body = await application();
    const key = randomUUID();
    const before = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;

    // Act
    const huge = await file({ ...body, form: { 经营场所面积: 1e308 } }, key);
    const tiny = await file({ ...body, form: { 经营场所面积: 1e-300 } }, key);
    const reserved = await file({ ...body, form: { 经营项目: [{ constructor: 'x' }] } }, key);
    const large = await file({ ...body, form: { 说明: '经'.repeat(22_000) } }, key);
    const after = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;
    const filed = await file(body, key);

    // Assess
    expect([huge, tiny, reserved, large].map(errorOf)).toEqual([
      [400, 'JSON_NUMBER_UNSUPPORTED', 'form.经营场所面积'],
      [400, 'JSON_NUMBER_UNSUPPORTED', 'form.经营场所面积'],
      [400, 'JSON_KEY_RESERVED', 'form.经营项目.0.constructor'],
      [400, 'JSON_TOO_LARGE', 'form'],
    ]);
    expect(after.cases).toHaveLength(before.cases.length);
    expect(filed.status).toBe(201);
  });

  it('refuses a filing whose Idempotency-Key the signature does not cover: a captured request replayed with a new key files nothing', async () => {
    // Prepare: the portal's own signature, over every header but the key (as a replay would alter it).
    const body = JSON.stringify(await application());
    const url = new URL('/v1/cases', platform.endpoint);
    const signer = new SignatureV4({ service: 'execute-api', region: platform.credentials.region, credentials: platform.credentials.principals.portal!, sha256: Sha256 });
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body,
    });
    const signed = await signer.sign(request, { unsignableHeaders: new Set(['idempotency-key']) });
    const before = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;

    // Act
    const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const answer = (await res.json()) as Json;

    // Assess
    expect(String(signed.headers.authorization)).not.toContain('idempotency-key');
    expect([res.status, answer.error.code, answer.error.field]).toEqual([400, 'IDEMPOTENCY_KEY_UNSIGNED', 'Idempotency-Key']);
    const after = (await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json;
    expect(after.cases).toHaveLength(before.cases.length);
  });

  it('refuses a material that was never uploaded, and a department filing at all', async () => {
    // Prepare
    const body = await application();
    const ghost = { ...body.materials[APPLICATION], objectKey: `uploads/kunming-portal/${randomUUID()}` };

    // Act
    const res = await file({ ...body, materials: { ...body.materials, [APPLICATION]: ghost } });
    const department = await file(body, randomUUID(), 'market');

    // Assess
    expect(errorOf(res)).toEqual([400, 'MATERIAL_NOT_UPLOADED', `materials.${APPLICATION}.objectKey`]);
    expect(errorOf(department).slice(0, 2)).toEqual([403, 'ROLE_FORBIDDEN']);
  });

  it('refuses at filing and at supplement a "PDF" that is not one, and an encrypted PDF, with the archive check\'s codes, changing nothing', async () => {
    // Prepare: random bytes and a PDF with an /Encrypt dictionary, each uploaded as application/pdf
    // (the upload itself cannot tell: S3 takes any bytes of the announced size and checksum)
    const body = await application();
    const notPdf = await uploadBytes(as('portal'), randomBytes(`not a pdf ${randomUUID()}`));
    const locked = await uploadBytes(as('portal'), encryptedPdf(`locked ${randomUUID()}`));
    const before = ((await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json).cases.length;
    const filed = await file(body);
    const caseNo = (filed.body as Json).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/supplement-request`, { body: { problems: [{ material: APPLICATION, problem: '缺少签字' }] } })).status).toBe(
      200,
    );
    const asked = (await as('portal').request('GET', `/v1/cases/${caseNo}`)).body as Json;

    // Act
    const random = await file({ ...body, materials: { ...body.materials, [APPLICATION]: notPdf } });
    const encrypted = await file({ ...body, materials: { ...body.materials, [BUSINESS_LICENCE]: locked } });
    const supplement = await as('portal').request('POST', `/v1/cases/${caseNo}/supplement`, { body: { materials: { [APPLICATION]: locked } } });

    // Assess
    expect(errorOf(random)).toEqual([400, 'UNREADABLE', `materials.${APPLICATION}.objectKey`]);
    expect((random.body as Json).error.messageZh).toContain('不是有效的 PDF 文件');
    expect(errorOf(encrypted)).toEqual([400, 'ENCRYPTED', `materials.${BUSINESS_LICENCE}.objectKey`]);
    expect((encrypted.body as Json).error.messageZh).toContain('已加密');
    expect(errorOf(supplement)).toEqual([400, 'ENCRYPTED', `materials.${APPLICATION}.objectKey`]);
    expect(((await as('portal').request('GET', '/v1/cases', { query: { limit: '100' } })).body as Json).cases).toHaveLength(before + 1);
    expect((await as('portal').request('GET', `/v1/cases/${caseNo}`)).body).toMatchObject({ status: 'supplement-requested', version: asked.version });
  });

  it('documents the case routes and the Idempotency-Key header in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${platform.endpoint}/v1/openapi.json`)).json()) as Json;
    const filing = doc.paths['/v1/cases'].post;
    expect(filing.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]));
    expect(filing['x-tongban-error-codes']).toEqual(expect.arrayContaining(['IDEMPOTENCY_KEY_REQUIRED', 'MATERIAL_CHECKSUM_MISMATCH', 'CASE_ITEM_SUSPENDED']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/cases/{caseNo}/history', '/v1/queue', '/v1/supervision/{kind}']));
  });
});

describe('actions under an Idempotency-Key over HTTP', () => {
  /** `principal`'s own signature over every header but the Idempotency-Key (as a replay would alter it). */
  async function signedWithoutKey(principal: string, path: string, body: Json, key: string): Promise<Response> {
    const url = new URL(path, platform.endpoint);
    const signer = new SignatureV4({ service: 'execute-api', region: platform.credentials.region, credentials: actingKeys(platform.credentials, principal), sha256: Sha256 });
    const text = JSON.stringify(body);
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, 'content-type': 'application/json', 'idempotency-key': key },
      body: text,
    });
    const signed = await signer.sign(request, { unsignableHeaders: new Set(['idempotency-key']) });
    expect(String(signed.headers.authorization)).not.toContain('idempotency-key');
    return fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: text });
  }

  it("answers an action retried with the same key with the first attempt's result and writes one entry; refuses the key for another request, and a key the signature does not cover", async () => {
    // Prepare: a case filed with every material, ready to accept (version 1)
    const caseNo = ((await file(await application({ [LAYOUT]: await upload(`布局图 ${randomUUID()}`), [RULES]: await upload(`制度 ${randomUUID()}`) }))).body as Json)
      .caseNo as string;
    const key = randomUUID();
    const accept = (body: Json) => as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body, headers: { 'Idempotency-Key': key } });

    // Act: an acceptance whose key is not signed; then with a signed key, twice (the answer to the first
    // lost, say); the same key with another request; a retry without the key
    const unsigned = await signedWithoutKey('market', `/v1/cases/${caseNo}/accept`, {}, randomUUID());
    const unsignedAnswer = (await unsigned.json()) as Json;
    const afterUnsigned = (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json;
    const first = await accept({});
    const retry = await accept({});
    const other = await accept({ baseVersion: 1 });
    const withoutKey = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    const history = (await as('market').request('GET', `/v1/cases/${caseNo}/history`)).body as Json;

    // Assess
    expect([unsigned.status, unsignedAnswer.error.code, unsignedAnswer.error.field]).toEqual([400, 'IDEMPOTENCY_KEY_UNSIGNED', 'Idempotency-Key']);
    expect(afterUnsigned).toMatchObject({ status: 'received', version: 1 });
    expect(first.status).toBe(200);
    // The case as it stands after the action and what follows it (its 受理通知书 sealed: version 3); the entry the action wrote: 2
    expect(first.body).toMatchObject({ caseNo, status: 'accepted', version: 3, notices: [{ kind: 'acceptance', entry: 2 }] });
    expect(first.headers?.['case-entry']).toBe('2');
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect([retry.headers?.['case-entry'], retry.headers?.['idempotent-replayed']]).toEqual(['2', 'true']);
    expect(errorOf(other)).toEqual([409, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key']);
    expect(errorOf(withoutKey).slice(0, 2)).toEqual([409, 'CASE_ILLEGAL_TRANSITION']);
    expect((history.entries as Json[]).map((e) => e.type)).toEqual(['file', 'accept', 'seal-notices']);
    expect(history.check).toEqual({ ok: true });
  });

  // The case's evaluation (好差评) is no action on the case: it writes an evaluation, not a history entry.
  it('documents the optional Idempotency-Key and the Case-Entry and Idempotent-Replayed answers of every case action', async () => {
    const doc = (await (await fetch(`${platform.endpoint}/v1/openapi.json`)).json()) as Json;
    // (A case's reads under it — its history, a material's read link — are no actions.)
    const actions = Object.entries(doc.paths as Record<string, Json>).filter(([path]) => /^\/v1\/cases\/\{caseNo\}\/(?!history$|evaluation$|material$)/.test(path));
    expect(actions.length).toBeGreaterThanOrEqual(13);
    for (const [, ops] of actions) {
      const action = ops.post as Json;
      expect(action.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]));
      expect(Object.keys(action.responses['200'].headers as Json)).toEqual(['Case-Entry', 'Idempotent-Replayed']);
      expect(action['x-tongban-error-codes']).toEqual(expect.arrayContaining(['IDEMPOTENCY_KEY_INVALID', 'IDEMPOTENCY_KEY_UNSIGNED', 'IDEMPOTENCY_KEY_REUSED']));
    }
  });
});
