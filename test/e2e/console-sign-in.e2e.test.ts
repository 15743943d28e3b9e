// The console's federated sign-in end to end, as on AWS: `npm start`'s command with
// TONGBAN_SIGN_IN=oidc (the stand-ins of the government's identity provider and of STS), and the
// console in headless Chromium. An officer signs in at the provider's page, comes back with a code,
// and the page exchanges it (PKCE) for the ID token and that at STS for temporary credentials of its
// principal's role in a session named after the officer; it then works as that officer — an action on
// a case is recorded under the officer's id — and an auditor's session reads the archive. Over the
// wire, the same steps show what each party refuses: a code used twice or without its verifier, a
// redirect URI not registered, a role the token does not name, a session not named after the officer,
// a token changed after signing, and a session's key pair without its token or beyond its role's
// grants.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../shared/cli/api-client.ts';
import type { OidcConsoleSignIn } from '../../shared/contracts/console-settings.ts';
import { ConsoleSettingsSchema } from '../../shared/contracts/console-settings.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { BAG_PATHS } from '../../shared/domain/archive/bag-assessment.ts';
import { launchBrowser, screenshot, seriousViolations } from '../support/console-browser.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import { ZHANG } from '../support/case-fixtures.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Monday 23 November 2026, 10:00 in China. */
const CLOCK_START = '2026-11-23T02:00:00Z';
const FOOD = SEED_ITEMS.find((i) => i.name === '食品经营许可证核发')!;

let dataDir: string;
let platform: PlatformProcess;
let browser: Browser;
let signIn: OidcConsoleSignIn;
let archive: { endpoint: string; bucket: string };
const as = signedClients(() => platform);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-sign-in-e2e-'));
  // Seals made with SM2 keys, as in the China regions: the auditor's check in the browser verifies SM2-SM3 here (ES256 in console.e2e).
  [platform, browser] = await Promise.all([startPlatformProcess(dataDir, CLOCK_START, 60_000, { TONGBAN_SIGN_IN: 'oidc', TONGBAN_SEAL_KEY_SPEC: 'SM2' }), launchBrowser()]);
  const config = ConsoleSettingsSchema.parse(await (await fetch(`${platform.endpoint}/console/config.json`)).json());
  if (config.signIn.kind !== 'oidc' || !config.archive) throw new Error(`expected an OpenID Connect sign-in, got ${JSON.stringify(config.signIn)}`);
  signIn = config.signIn;
  archive = config.archive;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function expectAccessible(page: Page, screen: string): Promise<void> {
  await screenshot(page, screen);
  const violations = await seriousViolations(page);
  expect(violations.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help}`)).toEqual([]);
}

/** Signs in through the provider's page as `officer`, in a fresh browser profile. */
async function federatedSignIn(officer: string, screens?: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${platform.endpoint}/console/#/sign-in`);
  if (screens) await expectAccessible(page, `${screens}-sign-in`);
  await page.getByRole('button', { name: '统一身份认证登录' }).click();
  await page.waitForURL(`${signIn.issuer}/authorize?**`);
  if (screens) await expectAccessible(page, `${screens}-identity-provider`);
  await page.getByLabel(`${officer} —`).check();
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('header .who').waitFor();
  expect(errors).toEqual([]);
  return { page, close: () => context.close() };
}

/** The provider's ID token for `officer`, got over the wire as the console gets it (authorisation code with PKCE). */
async function idTokenFor(officer: string): Promise<string> {
  const { code, verifier } = await codeFor(officer);
  const res = await tokenRequest({ code, code_verifier: verifier });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.id_token as string;
}

async function codeFor(officer: string, redirectUri = signIn.redirectUri): Promise<{ code: string; verifier: string; status: number }> {
  const verifier = randomBytes(32).toString('base64url');
  const res = await fetch(`${signIn.issuer}/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      response_type: 'code',
      client_id: signIn.clientId,
      redirect_uri: redirectUri,
      scope: signIn.scope,
      state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      officer,
    }),
  });
  const location = res.headers.get('location');
  return { code: location ? (new URL(location).searchParams.get('code') ?? '') : '', verifier, status: res.status };
}

async function tokenRequest(params: Record<string, string>): Promise<{ status: number; body: Json; allowOrigin: string | null }> {
  const res = await fetch(`${signIn.issuer}/token`, {
    method: 'POST',
    headers: { origin: new URL(signIn.redirectUri).origin },
    body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: signIn.redirectUri, client_id: signIn.clientId, ...params }),
  });
  return { status: res.status, body: (await res.json()) as Json, allowOrigin: res.headers.get('access-control-allow-origin') };
}

/** The bundle with one character of the decision's seal's signature changed (in its own file, after the tar header naming it). */
function changeSealByte(bundle: Buffer): Buffer {
  const at = bundle.indexOf('"signature":"', bundle.indexOf(BAG_PATHS.decisionSeal));
  expect(at).toBeGreaterThan(0);
  const changed = Buffer.from(bundle);
  const i = at + '"signature":"'.length + 10;
  changed[i] = changed[i] === 0x41 ? 0x42 : 0x41;
  return changed;
}

interface StsAnswer {
  status: number;
  code: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
  arn?: string;
}

async function assumeRole(principal: string, sessionName: string, token: string): Promise<StsAnswer> {
  const res = await fetch(signIn.stsEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: signIn.roleArnPattern.replace(signIn.principalPlaceholder, principal),
      RoleSessionName: sessionName,
      WebIdentityToken: token,
      DurationSeconds: String(signIn.sessionSeconds),
    }),
  });
  const xml = await res.text();
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  if (!res.ok) return { status: res.status, code: tag('Code') };
  return {
    status: res.status,
    code: undefined,
    credentials: { accessKeyId: tag('AccessKeyId')!, secretAccessKey: tag('SecretAccessKey')!, sessionToken: tag('SessionToken')!, expiration: tag('Expiration')! },
    arn: tag('Arn')!,
  };
}

describe('the console signs officers in through the identity provider and STS', () => {
  it('an officer of the market department signs in, and the action it takes is recorded under its id', async () => {
    // Prepare: a case the portal filed.
    const filed = await fileWithRequiredMaterials(as('portal'), FOOD, ZHANG);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;

    // Act
    const { page, close } = await federatedSignIn('market.li', 'sign-in-01');
    const who = await page.locator('header .who').textContent();
    // The code has left the address bar: only the console's root and its route remain.
    const address = page.url();
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    await page.getByRole('form', { name: '受理', exact: true }).getByRole('button', { name: '受理', exact: true }).click();
    await page.locator('h1 .status-accepted, [role=alert]').first().waitFor();
    const alerts = await page.getByRole('alert').allTextContents();
    await expectAccessible(page, 'sign-in-02-officer-case');
    await close();

    // Assess
    expect(who).toContain('market.li（market）');
    expect(address).not.toMatch(/[?&](code|state)=/);
    expect(alerts).toEqual([]);
    const history = await as('auditor', 'auditor.zhang').request('GET', `/v1/cases/${caseNo}/history`);
    const accept = ((history.body as Json).entries as Json[]).find((e) => e.type === 'accept');
    expect(accept?.actor).toEqual({ name: 'market', role: 'department', officer: 'market.li' });
  });

  it("an auditor's session reads the archive with its role's grants", async () => {
    // Act
    const { page, close } = await federatedSignIn('auditor.zhang');
    await page.goto(`${platform.endpoint}/console/#/archive`);
    await page.getByRole('button', { name: '查找' }).click();
    // The listing (none has ended yet) or a refusal, signed with the session's credentials.
    await page.locator('main table, main p.muted, main [role=alert]').first().waitFor();
    const alerts = await page.getByRole('alert').allTextContents();
    const answered = await page.locator('main table, main p.muted').count();
    const who = await page.locator('header .who').textContent();
    await close();

    // Assess
    expect(who).toContain('auditor.zhang（auditor）');
    expect(alerts).toEqual([]);
    expect(answered).toBe(1);
  });

  it('an auditor signed in through the identity provider verifies an SM2-sealed bundle in the browser, and sees a changed seal fail', async () => {
    // Prepare: a case filed, accepted and decided through the API, sealed (SM2-SM3) and archived.
    const filed = await fileWithRequiredMaterials(as('portal'), FOOD, ZHANG);
    const caseNo = (filed.body as Json).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } })).status).toBe(200);
    const archived = async () => ((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json).archive as { state: string; bundleKey?: string } | undefined;
    await expect.poll(async () => (await archived())?.state, { timeout: 60_000 }).toBe('archived');
    const keys = ((await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).json()) as { keys: Json[] }).keys;
    const s3 = new S3Client({ endpoint: archive.endpoint, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    const bundle = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: archive.bucket, Key: (await archived())!.bundleKey! }))).Body!.transformToByteArray());
    s3.destroy();

    // Act
    const { page, close } = await federatedSignIn('auditor.li');
    await page.goto(`${platform.endpoint}/console/#/archive`);
    await page.getByLabel('部门（统一社会信用代码）').fill(FOOD.departmentId);
    await page.getByRole('button', { name: '查找' }).click();
    await page.getByRole('button', { name: `取回并检测 ${caseNo}` }).click();
    const report = page.getByTestId('audit-report');
    await report.waitFor({ timeout: 60_000 });
    const passed = await report.getAttribute('data-passed');
    const seals = await report.locator('tr[data-seal-result]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seal-result')));
    await expectAccessible(page, 'sign-in-05-auditor-sm2-verified');
    // The same bundle with one byte of the decision's seal changed, from a file on the auditor's computer.
    const changed = changeSealByte(bundle);
    await page.getByLabel('检测本地的档案文件（.tar）').setInputFiles({ name: 'changed.tar', mimeType: 'application/x-tar', buffer: changed });
    await expect.poll(() => report.getAttribute('data-passed'), { timeout: 30_000 }).toBe('false');
    const changedSeals = await report.locator('tr[data-seal-result]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seal-result')));
    await close();

    // Assess
    expect(keys.filter((k) => k['tongban:department'] === FOOD.departmentId).map((k) => k.alg)).toContain('SM2-SM3');
    expect(passed).toBe('true');
    expect(seals.length).toBeGreaterThan(1);
    expect(new Set(seals)).toEqual(new Set(['valid']));
    expect(changedSeals.filter((r) => r !== 'valid')).toHaveLength(1);
  });

  it("a clerk of the service hall's window signs in to the window's role and has its filing screen", async () => {
    // Act
    const { page, close } = await federatedSignIn('hall-window.wang', 'sign-in-03');
    const who = await page.locator('header .who').textContent();
    const items = page.getByLabel('办理事项').locator('option');
    await items.nth(1).waitFor({ state: 'attached' });
    const offered = await items.allTextContents();
    await expectAccessible(page, 'sign-in-03-clerk-filing');
    await close();
    const sts = await assumeRole('hall-window', 'hall-window.zhao', await idTokenFor('hall-window.zhao'));
    const { accessKeyId, secretAccessKey, sessionToken } = sts.credentials!;
    const me = await new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: { accessKeyId, secretAccessKey, sessionToken } }).request(
      'GET',
      '/v1/me',
    );

    // Assess
    expect(who).toContain('hall-window.wang（hall-window）');
    expect(offered.join()).toContain(FOOD.name);
    expect(sts.arn).toBe('arn:aws:sts::000000000000:assumed-role/tongban-local-hall-window/hall-window.zhao');
    expect(me.body).toEqual({ principal: 'hall-window', role: 'channel', channel: { id: 'city-hall-window', name: '昆明市政务服务中心综合窗口', kind: 'service-hall-window' } });
  });

  it('refuses an answer to a sign-in the page did not start (a forged or replayed code), and offers to sign in again', async () => {
    // Prepare
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();

    // Act
    await page.goto(`${platform.endpoint}/console/?code=forged&state=forged`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    const code = await refusal.getAttribute('data-code');
    const address = page.url();
    await expectAccessible(page, 'sign-in-04-refused');
    await page.getByRole('button', { name: '重新登录' }).click();
    await page.waitForURL(`${signIn.issuer}/authorize?**`);
    await context.close();

    // Assess
    expect(code).toBe('SIGN_IN_STATE_MISMATCH');
    expect(address).toBe(`${platform.endpoint}/console/`);
  });

  it('says who the session is (GET /v1/me), and refuses its key pair without its token', async () => {
    // Prepare
    const sts = await assumeRole('market', 'market.zhang', await idTokenFor('market.zhang'));
    expect(sts.status).toBe(200);
    const { accessKeyId, secretAccessKey, sessionToken } = sts.credentials!;
    const client = (token?: string) =>
      new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: { accessKeyId, secretAccessKey, ...(token ? { sessionToken: token } : {}) } });

    // Act
    const me = await client(sessionToken).request('GET', '/v1/me');
    const tokenless = await client().request('GET', '/v1/me');
    const forged = await client(randomBytes(96).toString('base64')).request('GET', '/v1/me');

    // Assess
    expect(sts.arn).toBe('arn:aws:sts::000000000000:assumed-role/tongban-local-market/market.zhang');
    expect(Date.parse(sts.credentials!.expiration) - Date.now()).toBeGreaterThan((signIn.sessionSeconds - 60) * 1000);
    expect(me.body).toMatchObject({ principal: 'market', role: 'department', officer: 'market.zhang', department: { id: FOOD.departmentId } });
    expect(tokenless.status).toBe(403);
    expect((tokenless.body as Json).error).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY', field: 'x-amz-security-token' });
    expect((forged.body as Json).error).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY' });
  });

  it("gives a session its role's S3 grants: an auditor's lists the archive, a department's does not", async () => {
    // Prepare
    const s3 = async (principal: string, officer: string) => {
      const { credentials } = await assumeRole(principal, officer, await idTokenFor(officer));
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials!;
      return new S3Client({
        region: platform.credentials.region,
        endpoint: archive.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) },
      });
    };
    const auditor = await s3('auditor', 'auditor.li');
    const department = await s3('market', 'market.li');

    // Act
    const listed = await auditor.send(new ListObjectsV2Command({ Bucket: archive.bucket, Prefix: 'bundles/' }));
    const refused = await department.send(new ListObjectsV2Command({ Bucket: archive.bucket })).catch((e: { name: string }) => e);

    // Assess
    expect(listed.$metadata.httpStatusCode).toBe(200);
    expect(refused).toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses at STS a role the token does not name, a session not named after the officer, and a token changed after signing', async () => {
    // Prepare
    const token = await idTokenFor('market.li');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json;
    claims['https://aws.amazon.com/tags'] = { principal_tags: { 'tongban-principal': ['reviewer'] } };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    // Act
    const otherRole = await assumeRole('reviewer', 'market.li', token);
    const otherSession = await assumeRole('market', 'market.zhang', token);
    const changed = await assumeRole('reviewer', 'market.li', tampered);
    const unknownRole = await assumeRole('nobody', 'market.li', token);
    const good = await assumeRole('market', 'market.li', token);

    // Assess
    expect([otherRole.status, otherRole.code]).toEqual([403, 'AccessDenied']);
    expect([otherSession.status, otherSession.code]).toEqual([403, 'AccessDenied']);
    expect([changed.status, changed.code]).toEqual([400, 'InvalidIdentityToken']);
    expect([unknownRole.status, unknownRole.code]).toEqual([403, 'AccessDenied']);
    expect(good.status).toBe(200);
  });

  it('refuses at the provider a code used twice or without its verifier, and a redirect URI not registered', async () => {
    // Prepare
    const first = await codeFor('market.li');
    const second = await codeFor('market.li');

    // Act
    const used = await tokenRequest({ code: first.code, code_verifier: first.verifier });
    const again = await tokenRequest({ code: first.code, code_verifier: first.verifier });
    const wrongVerifier = await tokenRequest({ code: second.code, code_verifier: randomBytes(32).toString('base64url') });
    const elsewhere = await codeFor('market.li', 'https://evil.example/console/');

    // Assess
    expect(used.status).toBe(200);
    expect(used.allowOrigin).toBe(new URL(signIn.redirectUri).origin);
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    expect([wrongVerifier.status, wrongVerifier.body.error]).toEqual([400, 'invalid_grant']);
    expect(elsewhere).toMatchObject({ status: 400, code: '' });
  });

  it('offers no key pairs to the browser when the platform signs people in through its identity provider', async () => {
    // Act
    const res = await fetch(`${platform.endpoint}/console/local-credentials.json`);
    const page = await fetch(`${platform.endpoint}/console/`);

    // Assess
    expect(res.status).toBe(404);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(new URL(signIn.issuer).origin);
    expect(csp).toContain(new URL(signIn.stsEndpoint).origin);
  });
});
