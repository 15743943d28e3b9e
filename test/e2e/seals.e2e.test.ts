// End to end: e-seals and e-licences through the embedded platform (`npm start`'s command as a child
// process, every call signed with SigV4 but the public JWKS). A company is registered (有限责任公司设立
// 登记): deciding it seals the decision document and issues a 营业执照 (YYZZ) e-licence, sealed by the
// market department's key in the local KMS signer. The licence is fetched, verified three ways —
// by the platform, offline with `tongban verify` and only the downloaded JWKS, and by the route that
// reports tampering — and then names the 营业执照 material of a food-licence application instead of
// an upload (免提交). Its issuer corrects it (000 §30): version 2, sealed anew by the sealing function,
// version 1 kept as sealed and answered as superseded; the list a channel files from and the filing
// that names it see version 2. Revoking it shows in verification and in the next filing. Then the notices a case
// gives its applicant (补正, 容缺受理, 特别程序, 延期, 不予受理): each sealed as its action is answered,
// fetched with `tongban cases notice` and verified with OpenSSL by the README's commands.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
    // The seal is in the case's history, by the system actor (after the 受理通知书's, sealed at the acceptance)
    const history = await as('market').request('GET', `/v1/cases/${decided.caseNo}/history`);
    expect((history.body as Json).entries.map((e: Json) => e.type)).toEqual(['file', 'accept', 'seal-notices', 'decide', 'seal']);
    expect((history.body as Json).entries.find((e: Json) => e.type === 'seal')).toMatchObject({ actor: { name: 'system' }, from: 'decided', to: 'decided', n: 5 });
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

  it('corrects the licence (issuer only): version 2 sealed anew, version 1 kept and superseded, and the filing that reuses it sees the new value', async () => {
    // Prepare
    const id = licence.licence.id as string;
    const amend = (by: string, body: Json) => as(by).request('POST', `/v1/licences/${id}/amend`, { body });
    const correction = {
      changes: { holderName: '昆明示例科技有限公司', data: { 住所: '昆明市呈贡区示例路2号' } },
      reasons: '住所与名称录入有误，依申请更正',
      ticketId: 'TK-E2E-0001',
      baseVersion: 1,
    };

    // Act: refused first (nothing recorded), then made, then sent again
    const otherDepartment = await amend('health', correction);
    const channel = await amend('portal', correction);
    const noReasons = await amend('market', { ...correction, reasons: ' ' });
    const nothing = await amend('market', { changes: { data: { 注册资本: '100万元' } }, reasons: '无变化' });
    const badData = await amend('market', { ...correction, changes: { data: '住所' } });
    const badVersion = await amend('market', { ...correction, baseVersion: 0 });
    const amended = await amend('market-deputy', correction);
    const again = await amend('market', correction);
    const newest = await as('portal').request('GET', `/v1/licences/${id}`, { query: { holder: SHOP.creditCode } });
    const first = await as('auditor').request('GET', `/v1/licences/${id}`, { query: { version: '1' } });
    const noSuchVersion = await as('market').request('GET', `/v1/licences/${id}`, { query: { version: '3' } });

    // Assess: the refusals
    expect(errorOf(otherDepartment)).toEqual([403, 'LICENCE_DEPARTMENT_FORBIDDEN', undefined]);
    expect(errorOf(channel)).toEqual([403, 'ROLE_FORBIDDEN', undefined]);
    expect(errorOf(noReasons)).toEqual([400, 'LICENCE_REASON_REQUIRED', 'reasons']);
    expect(errorOf(nothing)).toEqual([400, 'LICENCE_AMENDMENT_EMPTY', 'changes']);
    expect(errorOf(badData).slice(0, 1)).toEqual([400]);
    expect((badData.body as Json).error.field).toMatch(/^changes\.data/);
    expect(errorOf(badVersion).slice(0, 1)).toEqual([400]);
    expect((badVersion.body as Json).error.field).toBe('baseVersion');
    expect(errorOf(noSuchVersion)).toEqual([404, 'LICENCE_VERSION_NOT_FOUND', undefined]);
    // Assess: version 2 carries the change, names the document it supersedes, and is sealed by the market department's key
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    const v2 = amended.body as Json;
    expect(v2).toMatchObject({
      status: 'valid',
      newestVersion: 2,
      licence: {
        id,
        version: 2,
        holder: { id: SHOP.creditCode, name: '昆明示例科技有限公司' },
        data: { 住所: '昆明市呈贡区示例路2号', 注册资本: '100万元' },
        amendedOn: '2026-09-01',
      },
    });
    expect(v2.licence.supersedes).toEqual({ version: 1, documentSha256: createHash('sha256').update(licence.document, 'utf8').digest('hex') });
    expect(JSON.parse(Buffer.from(v2.seal.protected, 'base64url').toString('utf8'))).toMatchObject({ 'tongban:department': MARKET, 'tongban:seal': 'seal-1' });
    expect(v2.seal).not.toEqual(licence.seal);
    expect(v2.amendments).toEqual([
      {
        version: 2,
        at: expect.any(String),
        on: '2026-09-01',
        by: 'market-deputy',
        departmentId: MARKET,
        reasons: '住所与名称录入有误，依申请更正',
        ticketId: 'TK-E2E-0001',
        changes: [
          { field: 'holder.name', from: SHOP.name, to: '昆明示例科技有限公司' },
          { field: 'data.住所', from: '昆明市呈贡区示例路1号', to: '昆明市呈贡区示例路2号' },
        ],
      },
    ]);
    expect(again.body).toEqual({ ...v2, replayed: true });
    expect(newest.body).toEqual(v2);
    // Version 1 stays readable as it was sealed
    expect(first.body).toMatchObject({ document: licence.document, seal: licence.seal, newestVersion: 2, licence: { version: 1, data: { 住所: '昆明市呈贡区示例路1号' } } });

    // Assess: both seals genuine — offline, with the published keys alone — and only the newest holds on the platform
    const verifyOld = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: licence.document, seal: licence.seal } });
    const verifyNew = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: v2.document, seal: v2.seal } });
    expect(verifyOld.body).toMatchObject({ valid: false, reason: 'licence-superseded', licenceVersion: 1, newestVersion: 2, licenceStatus: 'valid', department: MARKET });
    expect(verifyNew.body).toMatchObject({ valid: true, documentType: 'tongban/e-licence', licenceVersion: 2, newestVersion: 2, licenceStatus: 'valid', department: MARKET });
    const jwks = join(dataDir, 'jwks-amended.json');
    await writeFile(jwks, await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).text());
    for (const [name, v] of [
      ['v1', licence],
      ['v2', v2],
    ] as const) {
      await writeFile(join(dataDir, `licence-${name}.json`), v.document as string);
      await writeFile(join(dataDir, `licence-${name}.seal.json`), JSON.stringify(v.seal));
      const offline = await runCli(join(dataDir, 'credentials.json'), 'verify', join(dataDir, `licence-${name}.json`), join(dataDir, `licence-${name}.seal.json`), '--jwks', jwks);
      expect(offline.code, `${name}: ${offline.out} ${offline.err}`).toBe(0);
    }

    // Assess: what a filing reuses (免提交) is the newest version — the channel's list, the filing, the department's read of the licence it names
    const listed = (await as('portal').request('GET', '/v1/licences', { query: { holder: SHOP.creditCode, type: 'YYZZ' } })).body as Json;
    const { amendments: _history, ...withoutHistory } = v2;
    expect(listed.licences).toEqual([withoutHistory]);
    const filed = await file(FOOD, SHOP, { 营业执照: { kind: 'licence', licenceId: id } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const reused = ((filed.body as Json).case.materials as Json).营业执照 as Json;
    const named = await as('market').request('GET', `/v1/licences/${reused.licenceId as string}`);
    expect(named.body).toMatchObject({ licence: { version: 2, holder: { name: '昆明示例科技有限公司' }, data: { 住所: '昆明市呈贡区示例路2号' } }, document: v2.document });
  });

  it('corrects it again through the CLI, answering a ticket, and shows the versions and the history', async () => {
    // Prepare
    const credentials = join(dataDir, 'credentials.json');
    const id = licence.licence.id as string;
    const data = join(dataDir, 'amend-data.json');
    await writeFile(data, JSON.stringify({ 注册资本: '200万元' }));

    // Act
    const amended = await runCli(
      credentials,
      'licences',
      'amend',
      id,
      '--licence-data',
      data,
      '--reason',
      '注册资本登记有误',
      '--ticket',
      'TK-E2E-0002',
      '--base',
      '2',
      '--as',
      'market',
      '--json',
    );
    const stale = await runCli(credentials, 'licences', 'amend', id, '--holder-name', '又一名称', '--reason', '更正', '--base', '2', '--as', 'market');
    const nothingToCorrect = await runCli(credentials, 'licences', 'amend', id, '--reason', '更正', '--as', 'market');
    const shown = await runCli(credentials, 'licences', 'show', id, '--as', 'market');
    const shownFirst = await runCli(credentials, 'licences', 'show', id, '--version', '1', '--as', 'portal', '--holder', SHOP.creditCode);

    // Assess
    expect(amended.code, amended.out + amended.err).toBe(0);
    expect((JSON.parse(amended.out) as Json).licence).toMatchObject({ version: 3, data: { 注册资本: '200万元' }, supersedes: { version: 2 } });
    expect(stale.code).toBe(1);
    expect(stale.out + stale.err).toContain('LICENCE_VERSION_CONFLICT');
    expect(nothingToCorrect.code).toBe(2);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('版本 version 3');
    expect(shown.out).toContain('更正 amended → version 2 on 2026-09-01 by market-deputy · ticket TK-E2E-0001: 住所与名称录入有误，依申请更正');
    expect(shown.out).toContain('  data.住所: 昆明市呈贡区示例路1号 → 昆明市呈贡区示例路2号');
    expect(shown.out).toContain('更正 amended → version 3 on 2026-09-01 by market · ticket TK-E2E-0002: 注册资本登记有误');
    expect(shownFirst.code, shownFirst.err).toBe(0);
    expect(shownFirst.out).toContain('版本 version 1 · 已被第3版取代 superseded by version 3');
    expect(shownFirst.out).toContain('住所: 昆明市呈贡区示例路1号');
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
    expect(revoked.body).toMatchObject({ status: 'revoked', licence: { version: 3, revocation: { reason: '公司已注销', on: '2026-09-01', by: 'market' } } });
    expect(errorOf(again)).toEqual([409, 'LICENCE_REVOKED', undefined]);
    const newest = revoked.body as Json;
    const verified = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: newest.document, seal: newest.seal } });
    expect(verified.body).toMatchObject({ valid: false, reason: 'licence-revoked', licenceStatus: 'revoked', licenceVersion: 3 });
    const amendRevoked = await as('market').request('POST', `/v1/licences/${id}/amend`, { body: { changes: { data: { 住所: '新址' } }, reasons: '更正' } });
    expect(errorOf(amendRevoked)).toEqual([409, 'LICENCE_REVOKED', undefined]);
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

describe('the notices a case gives its applicant, sealed and verified with OpenSSL by the README', () => {
  // The README's OpenSSL commands, run as they are, on a notice the CLI wrote (doc=<its file>).
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const script = /<!-- openssl-verify[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const credentials = () => join(dataDir, 'credentials.json');

  /** Fetches the case's notice of `kind` with the CLI into a directory of its own, and runs the README's recipe on it. */
  async function fetchAndVerify(caseNo: string, kind: string, as: string): Promise<{ document: Json; openssl: string }> {
    const out = await mkdtemp(join(dataDir, `notice-${kind}-`));
    const fetched = await runCli(credentials(), 'cases', 'notice', caseNo, kind, '--out', out, '--as', as, '--json');
    expect(fetched.code, fetched.err).toBe(0);
    const written = JSON.parse(fetched.out) as Json;
    const jwks = (await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).json()) as Json;
    const kid = JSON.parse(Buffer.from(JSON.parse(readFileSync(written.seal as string, 'utf8')).protected, 'base64url').toString('utf8')).kid as string;
    await writeFile(join(out, 'key.der'), Buffer.from(jwks.keys.find((k: Json) => k.kid === kid)['tongban:spki'], 'base64'));
    const openssl = execFileSync('bash', ['-e', '-c', script], { cwd: out, encoding: 'utf8', env: { ...process.env, doc: basename(written.document as string) } });
    return { document: JSON.parse(readFileSync(written.document as string, 'utf8')) as Json, openssl };
  }

  it('drives a case through a supplement, a 容缺 acceptance, a special procedure and an extension, and another to a refusal: each notice sealed at once, fetched and verified', async () => {
    // Prepare: a food-licence application without its two 容缺 materials
    const market = as('market');
    const materials: Json = {};
    for (const m of FOOD.materials.filter((x) => x.required && !x.tolerable)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: FOOD.implementationCode, applicant: LI, form: {}, materials },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;
    const tolerable = FOOD.materials.filter((x) => x.required && x.tolerable).map((m) => m.name);
    const first = Object.keys(materials)[0]!;
    const act = async (by: string, action: string, body: Json) => {
      const res = await as(by).request('POST', `/v1/cases/${caseNo}/${action}`, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Json;
    };

    // Act
    const asked = await act('market', 'supplement-request', { problems: [{ material: first, problem: '缺少申请人签字' }] });
    await act('portal', 'supplement', { materials: { [first]: await uploadPdf(as('portal'), `${first} 补正 ${randomUUID()}`) } });
    const acceptedPending = await act('market', 'accept', { pendingMaterials: tolerable, pendingDueOn: '2026-09-30' });
    const paused = await act('market', 'pause', { procedure: 'site-inspection', reason: '现场核查经营场所', expectedDays: 5 });
    await act('market', 'resume', {});
    const extended = await act('market', 'extend', { days: 5, approvedBy: '王局长', reasons: ['需复核现场核查结果'] });
    const refusedFiling = await file(FOOD, { ...LI, name: '李四（另案）' });
    const refusedNo = (refusedFiling.body as Json).caseNo as string;
    const refused = (await market.request('POST', `/v1/cases/${refusedNo}/refuse`, { body: { reasons: ['申请事项不属于本部门职权范围'] } })).body as Json;
    const shown = await runCli(credentials(), 'cases', 'show', caseNo, '--as', 'market');
    const state = (await market.request('GET', `/v1/cases/${caseNo}`)).body as Json;

    // Assess: each action answered with its notice sealed (the sealing function ran at once)
    expect(asked.notices.map((n: Json) => n.kind)).toEqual(['supplement']);
    expect(acceptedPending.notices.map((n: Json) => n.kind)).toEqual(['supplement', 'pending-acceptance']);
    expect(paused.notices.at(-1)).toMatchObject({ kind: 'special-procedure' });
    expect(extended.notices.map((n: Json) => n.kind)).toEqual(['supplement', 'pending-acceptance', 'special-procedure', 'extension']);
    expect(extended.noticesDue).toBeUndefined();
    expect(refused.notices.map((n: Json) => n.kind)).toEqual(['refusal']);
    expect(state.notices).toEqual(extended.notices);
    expect(shown.code, shown.err).toBe(0);
    for (const title of ['补齐补正通知书 supplement', '容缺受理告知书 pending-acceptance', '特别程序告知书 special-procedure', '延期通知书 extension'])
      expect(shown.out).toContain(title);

    // Assess: each fetched with the CLI verifies with OpenSSL alone, by the README's commands
    const supplement = await fetchAndVerify(caseNo, 'supplement', 'market');
    const pending = await fetchAndVerify(caseNo, 'pending-acceptance', 'portal');
    const procedure = await fetchAndVerify(caseNo, 'special-procedure', 'market');
    const extension = await fetchAndVerify(caseNo, 'extension', 'market');
    const refusal = await fetchAndVerify(refusedNo, 'refusal', 'portal');
    for (const v of [supplement, pending, procedure, extension, refusal]) expect(v.openssl).toContain('Verified OK');
    expect(supplement.document).toMatchObject({ type: 'tongban/notice/supplement', title: '补齐补正通知书', caseNo, problems: [{ material: first, problem: '缺少申请人签字' }] });
    expect(pending.document).toMatchObject({ title: '容缺受理告知书', pending: { materials: tolerable, dueOn: '2026-09-30' } });
    expect(procedure.document).toMatchObject({ title: '特别程序告知书', procedureName: '现场勘验', expectedDays: 5 });
    expect(extension.document).toMatchObject({ title: '延期通知书', days: 5, reasons: ['需复核现场核查结果'] });
    expect(refusal.document).toMatchObject({
      title: '不予受理通知书',
      caseNo: refusedNo,
      department: MARKET,
      reasons: ['申请事项不属于本部门职权范围'],
      remedies: { review: { withinDays: 60 }, litigation: { withinMonths: 6 } },
    });
    // Each names the entry it notifies, as the history has it
    const history = (await market.request('GET', `/v1/cases/${caseNo}/history`)).body as Json;
    for (const n of extended.notices as Json[]) expect(JSON.parse(n.document).record).toEqual({ version: n.entry, hash: history.entries[n.entry - 1].hash });
    // A notice the case does not hold is refused by the CLI
    expect((await runCli(credentials(), 'cases', 'notice', refusedNo, 'acceptance', '--as', 'market')).code).toBe(1);
  });
});
