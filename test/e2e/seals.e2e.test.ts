// End to end: e-seals and e-licences through the embedded platform (`npm start`'s command as a child
// process, every call signed with SigV4 but the public JWKS). A company is registered (有限责任公司设立
// 登记): deciding it seals the decision document and issues a 营业执照 (YYZZ) e-licence, sealed by the
// market department's key in the local KMS signer. The licence is fetched, verified three ways —
// by the platform, offline with `tongban verify` and only the downloaded JWKS, and by the route that
// reports tampering — and then names the 营业执照 material of a food-licence application instead of
// an upload (免提交). Revoking it shows in verification and in the next filing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { isLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { LI, SHOP } from '../support/case-fixtures.ts';
import { runCli, signedClients, uploadPdf } from '../support/signed-clients.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLOCK_START = '2026-09-01T02:00:00Z';
const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const MARKET = DEPARTMENTS.market.id;

let dataDir: string;
let platform: PlatformProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-seals-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);
const errorOf = (res: ApiResponse) => [res.status, (res.body as Json)?.error?.code, (res.body as Json)?.error?.field];

/** Files `item` for `applicant` with every required material uploaded, except those given. */
async function file(item: typeof FOOD, applicant: Json, given: Json = {}): Promise<ApiResponse> {
  const materials: Json = { ...given };
  for (const m of item.materials.filter((x) => x.required && !(x.name in given))) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
  return as('portal').request('POST', '/v1/cases', { headers: { 'Idempotency-Key': randomUUID() }, body: { itemCode: item.implementationCode, applicant, form: {}, materials } });
}

async function fileAndDecide(item: typeof FOOD, applicant: Json, decide: Json): Promise<Json> {
  const filed = await file(item, applicant);
  expect(filed.status).toBe(201);
  const caseNo = (filed.body as Json).caseNo as string;
  expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
  const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: decide });
  expect(decided.status).toBe(200);
  return decided.body as Json;
}

describe('a decision sealed, a licence issued and reused', () => {
  let decided: Json;
  let licence: Json;

  it("seals the decision document and issues the item's e-licence when the department approves", async () => {
    decided = await fileAndDecide(REGISTRATION, SHOP, { outcome: 'approved', licence: { data: { 住所: '昆明市呈贡区示例路1号', 注册资本: '100万元' } } });

    expect(decided.status).toBe('decided');
    expect(decided.results.licenceId).toSatisfy(isLicenceId);
    expect(decided.results.licenceId).toMatch(new RegExp(`^1\\.2\\.156\\.3005\\.2\\.YYZZ\\.${MARKET}\\.`));
    const document = JSON.parse(decided.results.decision.document);
    expect(document).toMatchObject({ type: 'tongban/decision', caseNo: decided.caseNo, department: MARKET, outcome: 'approved', licenceId: decided.results.licenceId });
    const header = JSON.parse(Buffer.from(decided.results.decision.seal.protected, 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'ES256', b64: false, crit: ['b64'], 'tongban:department': MARKET, 'tongban:seal': 'seal-1', 'tongban:signed': 'raw' });
    // The seal is in the case's history, by the system actor
    const history = await as('market').request('GET', `/v1/cases/${decided.caseNo}/history`);
    expect((history.body as Json).entries.find((e: Json) => e.type === 'seal')).toMatchObject({ actor: { name: 'system' }, from: 'decided', to: 'decided', n: 4 });
    expect((history.body as Json).check).toEqual({ ok: true });
  });

  it('answers the licence with its seal and status to its issuer and to a channel naming the holder, and to nobody else', async () => {
    const id = decided.results.licenceId as string;
    const issuer = await as('market').request('GET', `/v1/licences/${id}`);
    const channel = await as('portal').request('GET', `/v1/licences/${id}`, { query: { holder: SHOP.creditCode } });
    const channelWithoutHolder = await as('portal').request('GET', `/v1/licences/${id}`);
    const channelOtherHolder = await as('portal').request('GET', `/v1/licences/${id}`, { query: { holder: LI.residentId } });
    const otherDepartment = await as('health').request('GET', `/v1/licences/${id}`);
    const auditor = await as('auditor').request('GET', `/v1/licences/${id}`);

    expect(issuer.status).toBe(200);
    licence = issuer.body as Json;
    expect(licence).toMatchObject({
      status: 'valid',
      licence: { id, typeCode: 'YYZZ', issuer: MARKET, holder: { kind: 'organisation', id: SHOP.creditCode, name: SHOP.name }, issuedOn: '2026-09-01' },
    });
    expect(licence.licence.validUntil).toBeUndefined();
    expect(JSON.parse(licence.document)).toMatchObject({ type: 'tongban/e-licence', id, data: { 住所: '昆明市呈贡区示例路1号' } });
    expect(channel.body).toEqual(licence);
    expect(auditor.body).toEqual(licence);
    for (const refused of [channelWithoutHolder, channelOtherHolder, otherDepartment]) expect(errorOf(refused)).toEqual([404, 'LICENCE_NOT_FOUND', undefined]);
    // A mistyped identifier is told by its check character
    const typo = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
    expect(errorOf(await as('market').request('GET', `/v1/licences/${typo}`))[1]).toBe('INVALID_LICENCE_ID');
  });

  it('verifies the sealed licence on the platform, and offline with nothing but the published keys', async () => {
    // The platform
    const online = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: licence.document, seal: licence.seal } });
    expect(online.body).toMatchObject({ valid: true, department: MARKET, seal: 'seal-1', alg: 'ES256', documentType: 'tongban/e-licence', licenceStatus: 'valid' });
    // Offline: the JWKS is public (no signature), then no network and no credentials
    const jwksResponse = await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`);
    expect(jwksResponse.status).toBe(200);
    const jwks = (await jwksResponse.json()) as Json;
    // Every department's seal, and the platform's archive key
    expect(jwks.keys.map((k: Json) => k['tongban:department']).sort()).toEqual([...Object.values(DEPARTMENTS).map((d) => d.id), 'tongban-archive'].sort());
    const files = { document: join(dataDir, 'licence.json'), seal: join(dataDir, 'licence.seal.json'), jwks: join(dataDir, 'jwks.json') };
    await writeFile(files.document, licence.document);
    await writeFile(files.seal, JSON.stringify(licence.seal));
    await writeFile(files.jwks, JSON.stringify(jwks));
    const offline = await runCli(join(dataDir, 'credentials.json'), 'verify', files.document, files.seal, '--jwks', files.jwks);
    expect(offline.code, offline.err).toBe(0);
    expect(offline.out).toContain(MARKET);
    // The decision document, the same way
    const decision = await as('portal').request('POST', '/v1/seals/verify', { body: decided.results.decision });
    expect(decision.body).toMatchObject({ valid: true, documentType: 'tongban/decision' });
  });

  it("does the same through the CLI: show and save the licence, verify it offline, list the holder's licences", async () => {
    const credentials = join(dataDir, 'credentials.json');
    const files = { document: join(dataDir, 'cli-licence.json'), seal: join(dataDir, 'cli-licence.seal.json'), jwks: join(dataDir, 'jwks.json') };
    const shown = await runCli(
      credentials,
      'licences',
      'show',
      licence.licence.id,
      '--as',
      'portal',
      '--holder',
      SHOP.creditCode,
      '--document',
      files.document,
      '--seal',
      files.seal,
    );
    const listed = await runCli(credentials, 'licences', 'list', '--holder', SHOP.creditCode, '--as', 'portal');
    const verified = await runCli(credentials, 'verify', files.document, files.seal, '--jwks', files.jwks);
    const noHolder = await runCli(credentials, 'licences', 'list', '--as', 'portal');

    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('状态 status: 有效 valid');
    expect(shown.out).toContain(`电子印章 seal: seal-1 of ${MARKET}`);
    expect(listed.out).toContain(licence.licence.id);
    expect(verified.code, verified.err).toBe(0);
    expect(noHolder.code).toBe(2);
  });

  it('reports tampering with its reason: a changed byte, a seal moved to another document', async () => {
    const changed = licence.document.replace('100万元', '900万元');
    const tampered = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: changed, seal: licence.seal } });
    const moved = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: decided.results.decision.document, seal: licence.seal } });

    expect(tampered.status).toBe(200);
    expect(tampered.body).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(moved.body).toMatchObject({ valid: false, reason: 'digest-mismatch' });
  });

  it("lets a channel list the holder's valid licences, and file with one instead of uploading the material", async () => {
    const listed = await as('portal').request('GET', '/v1/licences', { query: { holder: SHOP.creditCode } });
    const others = await as('portal').request('GET', '/v1/licences', { query: { holder: LI.residentId } });
    expect((listed.body as Json).licences.map((l: Json) => l.licence.id)).toEqual([licence.licence.id]);
    expect((await as('market').request('GET', '/v1/licences', { query: { holder: SHOP.creditCode } })).status).toBe(403);
    expect((others.body as Json).licences).toEqual([]);

    const filed = await file(FOOD, SHOP, { 营业执照: { kind: 'licence', licenceId: licence.licence.id } });
    const notTheirs = await file(FOOD, { ...SHOP, creditCode: DEPARTMENTS.fire.id, name: '另一家公司' }, { 营业执照: { kind: 'licence', licenceId: licence.licence.id } });

    expect(filed.status).toBe(201);
    expect((filed.body as Json).case.materials.营业执照).toEqual({ kind: 'licence', licenceId: licence.licence.id });
    expect(errorOf(notTheirs)).toEqual([400, 'CASE_LICENCE_UNKNOWN', 'materials.营业执照.licenceId']);
  });

  it('files with a licence and decides through the CLI: the food licence issued is valid until the day the department set', async () => {
    const credentials = join(dataDir, 'credentials.json');
    const paths = { applicant: join(dataDir, 'shop.json'), data: join(dataDir, 'licence-data.json') };
    await writeFile(paths.applicant, JSON.stringify(SHOP));
    const uploads = FOOD.materials.filter((m) => m.required && m.name !== '营业执照').map((m) => ({ name: m.name, path: join(dataDir, `${m.name}.pdf`) }));
    for (const u of uploads) await writeFile(u.path, `%PDF-1.7\n${u.name} ${randomUUID()}\n%%EOF\n`);
    await writeFile(paths.data, JSON.stringify({ 经营项目: '热食类食品制售' }));

    const filed = await runCli(
      credentials,
      'cases',
      'file',
      '--item',
      FOOD.implementationCode,
      '--applicant',
      paths.applicant,
      ...uploads.flatMap((u) => ['--material', `${u.name}=${u.path}`]),
      '--licence',
      `营业执照=${licence.licence.id}`,
      '--as',
      'portal',
      '--json',
    );
    expect(filed.code, filed.out + filed.err).toBe(0);
    const caseNo = (JSON.parse(filed.out) as Json).caseNo as string;
    const accepted = await runCli(credentials, 'cases', 'accept', caseNo, '--as', 'market');
    expect(accepted.code, accepted.out + accepted.err).toBe(0);
    const decided = await runCli(
      credentials,
      'cases',
      'decide',
      caseNo,
      '--outcome',
      'approved',
      '--valid-until',
      '2031-08-31',
      '--licence-data',
      paths.data,
      '--as',
      'market',
      '--json',
    );

    expect(decided.code, decided.out + decided.err).toBe(0);
    const licenceId = (JSON.parse(decided.out) as Json).results.licenceId as string;
    expect(licenceId).toContain('.SPJYXKZ.');
    const food = await as('market').request('GET', `/v1/licences/${licenceId}`);
    expect(food.body).toMatchObject({ status: 'valid', licence: { validUntil: '2031-08-31', data: { 经营项目: '热食类食品制售' }, holder: { id: SHOP.creditCode } } });
    const shown = await runCli(credentials, 'cases', 'show', caseNo, '--as', 'market');
    expect(shown.out).toContain(`电子证照 licence ${licenceId}`);
    expect(shown.out).toContain(`营业执照  电子证照 licence ${licence.licence.id}`);
  });

  it('revokes the licence (issuer only, with a reason): verification and the next filing say so', async () => {
    const id = licence.licence.id as string;
    const outsider = await as('health').request('POST', `/v1/licences/${id}/revoke`, { body: { reason: '越权' } });
    const noReason = await as('market').request('POST', `/v1/licences/${id}/revoke`, { body: { reason: ' ' } });
    const revoked = await as('market').request('POST', `/v1/licences/${id}/revoke`, { body: { reason: '公司已注销' } });
    const again = await as('market').request('POST', `/v1/licences/${id}/revoke`, { body: { reason: '再次' } });

    expect(errorOf(outsider)).toEqual([404, 'LICENCE_NOT_FOUND', undefined]);
    expect(errorOf(noReason)).toEqual([400, 'LICENCE_REASON_REQUIRED', 'reason']);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', licence: { revocation: { reason: '公司已注销', on: '2026-09-01', by: 'market' } }, document: licence.document });
    expect(errorOf(again)).toEqual([409, 'LICENCE_REVOKED', undefined]);
    const verified = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: licence.document, seal: licence.seal } });
    expect(verified.body).toMatchObject({ valid: false, reason: 'licence-revoked', licenceStatus: 'revoked' });
    const refiled = await file(FOOD, SHOP, { 营业执照: { kind: 'licence', licenceId: id } });
    expect(errorOf(refiled)).toEqual([409, 'CASE_LICENCE_REVOKED', 'materials.营业执照.licenceId']);
    // The holder's list keeps the valid food licence, not the revoked one
    const listed = (await as('portal').request('GET', '/v1/licences', { query: { holder: SHOP.creditCode } })).body as Json;
    expect(listed.licences.map((l: Json) => l.licence.typeCode)).toEqual(['SPJYXKZ']);
  });

  it('seals a denial too, and issues no licence', async () => {
    const denied = await fileAndDecide(REGISTRATION, { ...SHOP, creditCode: DEPARTMENTS.police.id, name: '被驳回公司' }, { outcome: 'denied', reasons: ['名称与已登记企业重复'] });
    expect(denied.results.licenceId).toBeUndefined();
    expect(JSON.parse(denied.results.decision.document)).toMatchObject({ outcome: 'denied', reasons: ['名称与已登记企业重复'] });
  });
});
