// End to end: `npm start`'s command on a free port with a fresh data directory, then signed HTTP
// calls (the SDK's SigV4 signer, curl --aws-sigv4 and the tongban CLI) through the whole item
// lifecycle, the refusals, and a restart that must keep everything.
import { actingKeys, withDefaultOfficer } from '../support/acting-keys.ts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { runCli, signedClients } from '../support/signed-clients.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

let dataDir: string;
let platform: PlatformProcess;
/** The platform's clock starts here: Monday 23 November 2026, 10:00 in China. */
const CLOCK_START = '2026-11-23T02:00:00Z';
const TODAY = '2026-11-23';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function newGuide(suffix: string, overrides: Json = {}): Json {
  return { ...SEED_ITEMS[0]!, implementationCode: `${DEPARTMENTS.market.id}${suffix}`, name: `端到端测试事项${suffix}`, ...overrides };
}

async function noItem(code: string): Promise<void> {
  const res = await as('market').request('GET', `/v1/items/${code}/versions/latest`);
  expect(res.status).toBe(404);
}

describe('the embedded platform', () => {
  it('serves health and the OpenAPI document without a signature', async () => {
    const health = await fetch(`${platform.endpoint}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const doc = (await (await fetch(`${platform.endpoint}/v1/openapi.json`)).json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/items', '/v1/items/{code}', '/v1/items/{code}/versions/{n}']));
  });

  it('serves the seeded catalogue: published items with complete guides, one joint-handled with two co-departments', async () => {
    const res = await as('portal').request('GET', '/v1/items', { query: { limit: '100' } });
    expect(res.status).toBe(200);
    const items = (res.body as Json).items as Json[];
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.every((i) => i.effectivePublicState === 'published')).toBe(true);

    const joint = items.find((i) => i.jointHandling);
    expect(joint).toBeDefined();
    const item = (await as('portal').request('GET', `/v1/items/${joint!.code}`)).body as Json;
    expect(item.guide.jointHandling.coDepartments).toHaveLength(2);
    expect(item.departmentName).toBe(DEPARTMENTS.market.name);
    expect(item.guide.materials.length).toBeGreaterThan(0);
    expect(item.guide.timeLimits.promisedDays).toBeLessThanOrEqual(item.guide.timeLimits.statutoryDays);
  });

  it('filters the catalogue by department and type and pages with a cursor', async () => {
    const byDept = (await as('portal').request('GET', '/v1/items', { query: { department: DEPARTMENTS.market.id } })).body as Json;
    expect(byDept.items.length).toBeGreaterThanOrEqual(2);
    expect(byDept.items.every((i: Json) => i.departmentId === DEPARTMENTS.market.id && i.departmentName === DEPARTMENTS.market.name)).toBe(true);

    const byType = (await as('portal').request('GET', '/v1/items', { query: { type: 'public-service' } })).body as Json;
    expect(byType.items.length).toBeGreaterThanOrEqual(1);
    expect(byType.items.every((i: Json) => i.type === 'public-service')).toBe(true);

    const first = (await as('portal').request('GET', '/v1/items', { query: { limit: '1' } })).body as Json;
    expect(first.items).toHaveLength(1);
    const second = (await as('portal').request('GET', '/v1/items', { query: { limit: '1', cursor: first.nextCursor } })).body as Json;
    expect(second.items).toHaveLength(1);
    expect(second.items[0].code).not.toBe(first.items[0].code);
  });
});

describe('signatures', () => {
  const path = '/v1/items';

  it('refuses unsigned, malformed, wrong-secret, unknown-key and stale requests with 403 and a stable code', async () => {
    const unsigned = await fetch(`${platform.endpoint}${path}`);
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as Json).error.code).toBe('SIGNATURE_MISSING');

    const malformed = await fetch(`${platform.endpoint}${path}`, { headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } });
    expect(malformed.status).toBe(403);
    expect(((await malformed.json()) as Json).error.code).toBe('SIGNATURE_MALFORMED');

    const portal = platform.credentials.principals.portal!;
    const cases: [string, { accessKeyId: string; secretAccessKey: string }, Date, string][] = [
      ['wrong secret', { accessKeyId: portal.accessKeyId, secretAccessKey: `${portal.secretAccessKey}x` }, new Date(), 'SIGNATURE_MISMATCH'],
      ['unknown key', { accessKeyId: 'AKLTUNKNOWN00000', secretAccessKey: portal.secretAccessKey }, new Date(), 'SIGNATURE_UNKNOWN_KEY'],
      ['stale', portal, new Date(Date.now() - 16 * 60 * 1000), 'SIGNATURE_EXPIRED'],
    ];
    for (const [label, credentials, signingDate, code] of cases) {
      const res = await signedFetch(path, credentials, signingDate);
      expect(res.status, label).toBe(403);
      expect(((await res.json()) as Json).error.code, label).toBe(code);
    }
    // a fresh signature with the right secret passes
    expect((await signedFetch(path, portal, new Date())).status).toBe(200);
  });

  it('serves only its own host name, and answers unknown routes with 404', async () => {
    const url = new URL('/health', platform.endpoint);
    const foreign = await new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'abc123.execute-api.cn-north-1.amazonaws.com.cn' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('HOST_UNKNOWN');

    const unknown = await fetch(`${platform.endpoint}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.code).toBe('ROUTE_NOT_FOUND');
  });

  it("answers what Node's HTTP parser refuses in the error envelope too: headers over 16 KiB (431), a request that is not HTTP (400)", async () => {
    const url = new URL(platform.endpoint);
    /** Sends `raw` on a socket of its own and reads the whole answer (the gateway closes the connection). */
    const rawExchange = (raw: string) =>
      new Promise<{ status: number; contentType: string; body: Json }>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => socket.write(raw));
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head = '', body = ''] = text.split('\r\n\r\n');
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
          const contentType = /^content-type: (.*)$/im.exec(head)?.[1] ?? '';
          resolve({ status, contentType, body: JSON.parse(body) as Json });
        });
      });

    const big = await rawExchange(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nX-Filler: ${'x'.repeat(20 * 1024)}\r\n\r\n`);
    const garbage = await rawExchange('HELLO THERE\r\n\r\n');

    expect([big.status, big.body.error.code]).toEqual([431, 'HEADERS_TOO_LARGE']);
    expect([garbage.status, garbage.body.error.code]).toEqual([400, 'MALFORMED_REQUEST']);
    for (const answer of [big, garbage]) {
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.body.error.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(answer.body.error.requestId).toEqual(expect.any(String));
    }
  });

  it('accepts curl --aws-sigv4 unchanged', async () => {
    const p = platform.credentials.principals.portal!;
    const { stdout } = await run('curl', [
      '-sS',
      '--aws-sigv4',
      `aws:amz:${platform.credentials.region}:execute-api`,
      '--user',
      `${p.accessKeyId}:${p.secretAccessKey}`,
      `${platform.endpoint}/v1/items?type=administrative-licence`,
    ]);
    const body = JSON.parse(stdout) as Json;
    expect(body.items.length).toBeGreaterThanOrEqual(1);
    expect(body.items.every((i: Json) => i.type === 'administrative-licence')).toBe(true);
  });

  async function signedFetch(p: string, credentials: { accessKeyId: string; secretAccessKey: string }, signingDate: Date) {
    const url = new URL(p, platform.endpoint);
    const signer = new SignatureV4({ service: 'execute-api', region: platform.credentials.region, credentials, sha256: Sha256 });
    const signed = await signer.sign(
      new HttpRequest({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } }),
      { signingDate },
    );
    return fetch(url, { headers: signed.headers as Record<string, string> });
  }
});

describe('the item lifecycle, signed, through the API', () => {
  it('drafts, returns, publishes, revises, suspends, resumes and terminates an item; every change is a new version', async () => {
    const market = as('market');
    const reviewer = as('reviewer');
    const portal = as('portal');
    const code = `${DEPARTMENTS.market.id}800000000001`;

    // draft and edit
    const v1 = await market.request('POST', '/v1/items', { body: { guide: newGuide('800000000001') } });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ code, version: 1, state: 'draft', publicState: 'unpublished' });
    const v2 = await market.request('PUT', `/v1/items/${code}`, { body: { baseVersion: 1, guide: newGuide('800000000001', { name: '端到端测试事项（修改）' }) } });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, action: 'edit', state: 'draft' });

    // not public yet: channels cannot see it at all
    expect((await portal.request('GET', `/v1/items/${code}`)).status).toBe(404);
    expect((await portal.request('GET', `/v1/items/${code}/versions/2`)).status).toBe(404);

    // submit, returned with reasons, edit, submit, publish
    const v3 = await market.request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 2 } });
    expect(v3.body).toMatchObject({ version: 3, state: 'submitted', reviewDueDate: '2026-11-25' }); // Mon 23 Nov + 2 working days
    const queue = (await reviewer.request('GET', '/v1/items', { query: { state: 'submitted' } })).body as Json;
    expect(queue.items.map((i: Json) => i.code)).toContain(code);
    const v4 = await reviewer.request('POST', `/v1/items/${code}/review`, { body: { baseVersion: 3, decision: 'return', reasons: ['受理条件表述不完整'] } });
    expect(v4.body).toMatchObject({ version: 4, state: 'returned', reasons: ['受理条件表述不完整'] });
    await market.request('PUT', `/v1/items/${code}`, { body: { baseVersion: 4, guide: newGuide('800000000001', { name: '端到端测试事项（第二稿）' }) } });
    await market.request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 5 } });
    const v7 = await reviewer.request('POST', `/v1/items/${code}/review`, { body: { baseVersion: 6, decision: 'publish' } });
    expect(v7.body).toMatchObject({ version: 7, state: 'published', publicState: 'published', publishedVersion: 7 });

    // every channel reads the published version
    const published = (await portal.request('GET', `/v1/items/${code}`)).body as Json;
    expect(published).toMatchObject({ publishedVersion: 7, effectivePublicState: 'published' });
    expect(published.guide.name).toBe('端到端测试事项（第二稿）');

    // a published version cannot be edited; a revision leaves it in force
    const editPublished = await market.request('PUT', `/v1/items/${code}`, { body: { baseVersion: 7, guide: newGuide('800000000001') } });
    expect(editPublished.status).toBe(409);
    expect((editPublished.body as Json).error.code).toBe('ITEM_VERSION_PUBLISHED');
    const v8 = await market.request('POST', `/v1/items/${code}/revisions`, { body: { baseVersion: 7, guide: newGuide('800000000001', { name: '端到端测试事项（修订中）' }) } });
    expect(v8.status).toBe(201);
    expect(((await portal.request('GET', `/v1/items/${code}`)).body as Json).guide.name).toBe('端到端测试事项（第二稿）');
    const old = (await portal.request('GET', `/v1/items/${code}/versions/7`)).body as Json;
    expect(old.guide.name).toBe('端到端测试事项（第二稿）');

    // planned suspension: 5 working days' notice
    const tooSoon = officialCalendar.addWorkingDays(TODAY, 4).date;
    expect(tooSoon).toBe('2026-11-27');
    const refused = await market.request('POST', `/v1/items/${code}/suspend`, { body: { baseVersion: 8, kind: 'planned', effectiveFrom: tooSoon, reason: '系统升级' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'SUSPENSION_NOTICE_TOO_SHORT', field: 'effectiveFrom' } });
    const from = officialCalendar.addWorkingDays(TODAY, 5).date;
    expect(from).toBe('2026-11-30'); // Fri 27 + the weekend → Mon 30 Nov
    const v9 = await market.request('POST', `/v1/items/${code}/suspend`, {
      body: { baseVersion: 8, kind: 'planned', effectiveFrom: from, reason: '系统升级', notice: `${from}起暂停网上办理` },
    });
    expect(v9.body).toMatchObject({ version: 9, publicState: 'published', suspension: { kind: 'planned', effectiveFrom: from } });
    expect(((await portal.request('GET', `/v1/items/${code}`)).body as Json).effectivePublicState).toBe('published');
    await market.request('POST', `/v1/items/${code}/resume`, { body: { baseVersion: 9 } });

    // emergency suspension: at once, with a notice
    const noNotice = await market.request('POST', `/v1/items/${code}/suspend`, { body: { baseVersion: 10, kind: 'emergency', reason: '系统故障' } });
    expect((noNotice.body as Json).error.code).toBe('SUSPENSION_NOTICE_REQUIRED');
    await market.request('POST', `/v1/items/${code}/suspend`, { body: { baseVersion: 10, kind: 'emergency', reason: '系统故障', notice: '因系统故障暂停办理' } });
    const suspended = (await portal.request('GET', `/v1/items/${code}`)).body as Json;
    expect(suspended).toMatchObject({ effectivePublicState: 'suspended', suspension: { kind: 'emergency', notice: '因系统故障暂停办理' } });
    await market.request('POST', `/v1/items/${code}/resume`, { body: { baseVersion: 11 } });

    // illegal transition and stale version
    const resumeAgain = await market.request('POST', `/v1/items/${code}/resume`, { body: { baseVersion: 12 } });
    expect(resumeAgain.status).toBe(409);
    expect((resumeAgain.body as Json).error.code).toBe('ITEM_ILLEGAL_TRANSITION');
    const stale = await market.request('POST', `/v1/items/${code}/terminate`, { body: { baseVersion: 3, reason: '职能调整' } });
    expect(stale.status).toBe(409);
    expect((stale.body as Json).error.code).toBe('ITEM_VERSION_CONFLICT');

    // terminate: final
    const v13 = await market.request('POST', `/v1/items/${code}/terminate`, { body: { baseVersion: 12, reason: '职能调整' } });
    expect(v13.body).toMatchObject({ version: 13, publicState: 'terminated' });
    const after = await market.request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 13 } });
    expect(after.status).toBe(409);
    expect((after.body as Json).error.code).toBe('ITEM_TERMINATED');
    const listed = (await portal.request('GET', '/v1/items', { query: { department: DEPARTMENTS.market.id, limit: '100' } })).body as Json;
    expect(listed.items.map((i: Json) => i.code)).not.toContain(code);

    // the history is complete and chained
    let previous: string | undefined;
    for (let n = 1; n <= 13; n++) {
      const v = (await market.request('GET', `/v1/items/${code}/versions/${n}`)).body as Json;
      expect(v.version).toBe(n);
      expect(v.previousHash).toBe(previous);
      previous = v.hash;
    }
  });
});

describe('no 越权 and no partial state', () => {
  const seeded = SEED_ITEMS[0]!;

  it('refuses another department editing an item, a channel drafting and a department publishing', async () => {
    const latest = (await as('market').request('GET', `/v1/items/${seeded.implementationCode}/versions/latest`)).body as Json;
    const housingEdit = await as('housing').request('PUT', `/v1/items/${seeded.implementationCode}`, { body: { baseVersion: latest.version, guide: seeded } });
    expect(housingEdit.status).toBe(403);
    expect((housingEdit.body as Json).error.code).toBe('ITEM_DEPARTMENT_FORBIDDEN');

    const housingForMarket = await as('housing').request('POST', '/v1/items', { body: { guide: newGuide('800000000002') } });
    expect(housingForMarket.status).toBe(403);
    expect((housingForMarket.body as Json).error).toMatchObject({ code: 'ITEM_DEPARTMENT_FORBIDDEN', field: 'guide.departmentId' });

    const channelDraft = await as('portal').request('POST', '/v1/items', { body: { guide: newGuide('800000000003') } });
    expect(channelDraft.status).toBe(403);
    expect((channelDraft.body as Json).error.code).toBe('ROLE_FORBIDDEN');

    await as('market').request('POST', '/v1/items', { body: { guide: newGuide('800000000004') } });
    const code = `${DEPARTMENTS.market.id}800000000004`;
    await as('market').request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 1 } });
    const selfPublish = await as('market').request('POST', `/v1/items/${code}/review`, { body: { baseVersion: 2, decision: 'publish' } });
    expect(selfPublish.status).toBe(403);
    expect((selfPublish.body as Json).error.code).toBe('ROLE_FORBIDDEN');
    expect(((await as('market').request('GET', `/v1/items/${code}/versions/latest`)).body as Json).version).toBe(2);

    // another department's draft is not even visible
    expect((await as('housing').request('GET', `/v1/items/${code}/versions/1`)).status).toBe(404);

    await noItem(`${DEPARTMENTS.market.id}800000000002`);
    await noItem(`${DEPARTMENTS.market.id}800000000003`);
  });

  it('answers bad input with 4xx, a stable code, the field and a Chinese message, and writes nothing', async () => {
    const market = as('market');
    const cases: [string, Json, number, string, string][] = [
      ['credit code with a letter never used (O)', newGuide('800000000010', { departmentId: '11530100015283015O' }), 400, 'VALIDATION_FAILED', 'guide.departmentId'],
      [
        'bad credit code checksum',
        newGuide('800000000011', { departmentId: makeCreditCode('11530100', '01528301').slice(0, 17) + '0' }),
        400,
        'INVALID_CREDIT_CODE',
        'guide.departmentId',
      ],
      [
        'implementation code of another department',
        { ...newGuide('800000000012'), implementationCode: `${DEPARTMENTS.housing.id}800000000012` },
        400,
        'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH',
        'guide.implementationCode',
      ],
      [
        'promised > statutory',
        newGuide('800000000013', { timeLimits: { statutoryDays: 10, promisedDays: 11 } }),
        400,
        'ITEM_PROMISED_EXCEEDS_STATUTORY',
        'guide.timeLimits.promisedDays',
      ],
      [
        'unknown co-department',
        newGuide('800000000014', { jointHandling: { coDepartments: [{ departmentId: makeCreditCode('11530100', '09999999'), responsibility: '协办', timeLimitDays: 3 }] } }),
        400,
        'ITEM_UNKNOWN_CO_DEPARTMENT',
        'guide.jointHandling.coDepartments.0.departmentId',
      ],
    ];
    for (const [label, guide, status, code, field] of cases) {
      const res = await market.request('POST', '/v1/items', { body: { guide } });
      expect(res.status, label).toBe(status);
      const error = (res.body as Json).error;
      expect(error, label).toMatchObject({ code, field });
      expect(error.messageZh, label).toMatch(/[\u4e00-\u9fff]/);
      await noItem(guide.implementationCode);
    }
  });

  it('refuses malformed and oversized JSON before anything is written', async () => {
    const p = actingKeys(platform.credentials, 'market');
    const signer = new SignatureV4({ service: 'execute-api', region: platform.credentials.region, credentials: p, sha256: Sha256 });
    const send = async (body: string) => {
      const url = new URL('/v1/items', platform.endpoint);
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          headers: { host: url.host, 'content-type': 'application/json' },
          body,
        }),
      );
      const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const malformed = await send('{"guide": {"implementationCode": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'MALFORMED_JSON', field: 'body' });

    const huge = JSON.stringify({ guide: newGuide('800000000020', { legalBasis: ['x'.repeat(300 * 1024)] }) });
    const oversized = await send(huge);
    expect(oversized.status).toBe(413);
    expect(oversized.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' });
    await noItem(`${DEPARTMENTS.market.id}800000000020`);
  });
});

describe('the tongban CLI against the embedded platform', () => {
  const cli = (...args: string[]) =>
    run(process.execPath, [join(ROOT, 'shared/cli/bin.mjs'), ...withDefaultOfficer(join(dataDir, 'credentials.json'), args), '--credentials', join(dataDir, 'credentials.json')], {
      cwd: ROOT,
    });

  it('lists, creates, submits, publishes and shows an item', async () => {
    const list = await cli('items', 'list', '--as', 'portal', '--json');
    expect((JSON.parse(list.stdout) as Json).items.length).toBeGreaterThanOrEqual(3);
    const human = await cli('items', 'list', '--as', 'portal');
    expect(human.stdout).toContain('食品经营许可证核发');

    // the template is a complete guide of the caller's department, ready to change
    const template = JSON.parse((await cli('items', 'template', '--as', 'market')).stdout) as Json;
    expect(template).toMatchObject({ departmentId: DEPARTMENTS.market.id, implementationCode: `${DEPARTMENTS.market.id}000000000001` });
    const file = join(dataDir, 'guide.json');
    const code = `${DEPARTMENTS.market.id}800000000030`;
    await writeFile(file, JSON.stringify({ ...template, implementationCode: code, name: '命令行创建的事项' }));
    await cli('items', 'create', '--as', 'market', '--file', file);
    await cli('items', 'submit', code, '--as', 'market');
    const withoutBase = await cli('items', 'review', code, '--publish', '--as', 'reviewer').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(withoutBase?.code).toBe(2);
    expect(withoutBase?.stderr).toContain('--base');
    await cli('items', 'review', code, '--base', '2', '--publish', '--as', 'reviewer');
    const shown = JSON.parse((await cli('items', 'show', code, '--as', 'portal', '--json')).stdout) as Json;
    expect(shown).toMatchObject({ code, publishedVersion: 3, guide: { name: '命令行创建的事项' } });
  });

  it('signs with the AWS credential chain (--profile) as it would against a deployment', async () => {
    // Prepare: an AWS shared credentials file whose profile holds the market department's key
    const p = actingKeys(platform.credentials, 'market');
    const awsDir = join(dataDir, 'aws');
    await mkdir(awsDir, { recursive: true });
    await writeFile(join(awsDir, 'credentials'), `[tongban-market]\naws_access_key_id = ${p.accessKeyId}\naws_secret_access_key = ${p.secretAccessKey}\n`);
    await writeFile(join(awsDir, 'config'), '[profile tongban-market]\n');
    const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'), AWS_CONFIG_FILE: join(awsDir, 'config') };
    const code = SEED_ITEMS[0]!.implementationCode;
    const args = ['--profile', 'tongban-market', '--endpoint', platform.endpoint, '--region', platform.credentials.region];

    // Act: a planned suspension, then its cancellation, as the market department
    const from = officialCalendar.addWorkingDays(TODAY, 6).date;
    const suspended = await run(
      process.execPath,
      [join(ROOT, 'shared/cli/bin.mjs'), 'items', 'suspend', code, '--planned', '--from', from, '--reason', '系统升级', '--json', ...args],
      { cwd: ROOT, env },
    );
    const resumed = await run(process.execPath, [join(ROOT, 'shared/cli/bin.mjs'), 'items', 'resume', code, '--json', ...args], { cwd: ROOT, env });

    // Assess
    expect(JSON.parse(suspended.stdout)).toMatchObject({ actor: 'market', action: 'suspend', suspension: { kind: 'planned', effectiveFrom: from } });
    expect(JSON.parse(resumed.stdout)).toMatchObject({ actor: 'market', action: 'resume', publicState: 'published' });
    expect(JSON.parse(resumed.stdout)).not.toHaveProperty('suspension');
  });

  it('prints the API error and exits 1 when refused', async () => {
    const failure = await cli('items', 'review', SEED_ITEMS[0]!.implementationCode, '--base', '3', '--publish', '--as', 'portal').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('ROLE_FORBIDDEN');
  });
});

describe('material uploads (cases, first route)', () => {
  it('gives a channel a presigned PUT that stores exactly the announced file, and refuses others', async () => {
    const pdf = Buffer.from('%PDF-1.7\n申请书\n%%EOF\n');
    const announced = { contentType: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') };

    const slot = await as('portal').request('POST', '/v1/materials/uploads', { body: announced });
    expect(slot.status).toBe(201);
    const { url, headers, objectKey } = slot.body as { url: string; headers: Record<string, string>; objectKey: string };
    expect(objectKey).toMatch(/^uploads\/kunming-portal\//);
    const { 'content-length': _length, ...send } = headers;
    const put = await fetch(url, { method: 'PUT', headers: send, body: pdf });
    expect(put.status).toBe(200);

    // the object is there, as announced (read back from the platform's S3 over the S3 protocol)
    const s3 = new S3Client({ endpoint: new URL(url).origin, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    const head = await s3.send(new HeadObjectCommand({ Bucket: new URL(url).pathname.split('/')[1]!, Key: objectKey }));
    expect(head).toMatchObject({ ContentLength: pdf.length, ContentType: 'application/pdf' });
    s3.destroy();

    const zip = await as('portal').request('POST', '/v1/materials/uploads', { body: { ...announced, contentType: 'application/zip' } });
    expect([zip.status, (zip.body as Json).error.code, (zip.body as Json).error.field]).toEqual([400, 'MATERIAL_TYPE_NOT_ALLOWED', 'contentType']);
    const huge = await as('portal').request('POST', '/v1/materials/uploads', { body: { ...announced, size: 50 * 1024 * 1024 + 1 } });
    expect([huge.status, (huge.body as Json).error.code]).toEqual([400, 'MATERIAL_TOO_LARGE']);
    // A department gets slots too (its opinions' attachments), under its own prefix; the platform does not.
    const department = await as('market').request('POST', '/v1/materials/uploads', { body: announced });
    expect(department.status).toBe(201);
    expect((department.body as Json).objectKey).toMatch(new RegExp(`^uploads/${DEPARTMENTS.market.id}/[0-9a-f-]{36}$`));
    const reviewer = await as('reviewer').request('POST', '/v1/materials/uploads', { body: announced });
    expect([reviewer.status, (reviewer.body as Json).error.code]).toEqual([403, 'ROLE_FORBIDDEN']);
  });
});

describe('every CLI command, in process, against the platform', () => {
  const tongban = (...args: string[]) => runCli(join(dataDir, 'credentials.json'), ...args);

  it('edits, returns, suspends in an emergency, lists work and terminates, with the exit codes the help promises', async () => {
    const code = `${DEPARTMENTS.market.id}800000000050`;
    const file = join(dataDir, 'cli-guide.json');
    await writeFile(file, JSON.stringify({ guide: newGuide('800000000050', { name: '命令行全流程' }) }));

    expect((await tongban('items', 'create', '--file', file, '--as', 'market')).code).toBe(0);
    await writeFile(file, JSON.stringify(newGuide('800000000050', { name: '命令行全流程（修改）' })));
    const edited = await tongban('items', 'edit', code, '--file', file, '--base', '1', '--as', 'market');
    expect(edited).toMatchObject({ code: 0 });
    expect(edited.out).toContain('version 2: edit by market');

    expect((await tongban('items', 'submit', code, '--as', 'market')).code).toBe(0);
    const queue = await tongban('items', 'list', '--state', 'submitted', '--all', '--as', 'reviewer', '--json');
    expect((JSON.parse(queue.out) as Json).items.map((i: Json) => i.code)).toContain(code);

    const returned = await tongban('items', 'review', code, '--base', '3', '--return', '--reason', '材料清单不完整', '--as', 'reviewer');
    expect(returned.out).toContain('reasons: 材料清单不完整');
    await tongban('items', 'edit', code, '--file', file, '--base', '4', '--as', 'market');
    await tongban('items', 'submit', code, '--as', 'market');
    expect((await tongban('items', 'review', code, '--base', '6', '--publish', '--as', 'reviewer')).code).toBe(0);

    const emergency = await tongban('items', 'suspend', code, '--emergency', '--notice', '因系统故障暂停', '--reason', '系统故障', '--as', 'market');
    expect(emergency.out).toContain('suspension (emergency)');
    const shown = await tongban('items', 'show', code, '--as', 'portal');
    expect(shown.out).toContain('· suspended');

    const terminated = await tongban('items', 'terminate', code, '--reason', '职能划转', '--as', 'market', '--json');
    expect(JSON.parse(terminated.out)).toMatchObject({ version: 9, publicState: 'terminated' });

    // refused by the API: 1, with the code; usage: 2; unreachable: 3
    const again = await tongban('items', 'resume', code, '--as', 'market');
    expect(again).toMatchObject({ code: 1 });
    expect(again.err).toContain('ITEM_TERMINATED');
    expect((await tongban('items', 'suspend', code, '--as', 'market')).code).toBe(2);
    expect((await tongban('items', 'list', '--bogus', '--as', 'market')).err).toMatch(/^tongban: /);
    expect((await tongban('items', 'list')).err).toContain('--as');
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port)); // a port nothing listens on any more
      });
    });
    const down = await tongban('items', 'list', '--as', 'portal', '--endpoint', `http://127.0.0.1:${closed}`);
    expect(down.code).toBe(3);
    expect(down.err).toContain('cannot reach the API');
  });
});

describe('a restart', () => {
  it('refuses a second platform on the same data directory, with a message instead of a stack trace', async () => {
    const second = await startPlatformProcess(dataDir, CLOCK_START).then(
      async (p) => {
        await p.stop();
        return undefined;
      },
      (e: Error) => e,
    );
    expect(second?.message).toMatch(/another Tongban \(pid \d+\) is using/);
    expect(second?.message).not.toMatch(/\n\s+at /); // no stack trace
    expect((await as('portal').request('GET', '/v1/items')).status).toBe(200); // the first one is unharmed
  });

  it('keeps every item, version and credential', async () => {
    // Prepare: an item of its own, published, then a draft revision on top
    const market = as('market');
    const code = `${DEPARTMENTS.market.id}800000000090`;
    await market.request('POST', '/v1/items', { body: { guide: newGuide('800000000090', { name: '重启前的事项' }) } });
    await market.request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 1 } });
    await as('reviewer').request('POST', `/v1/items/${code}/review`, { body: { baseVersion: 2, decision: 'publish' } });
    await market.request('POST', `/v1/items/${code}/revisions`, { body: { baseVersion: 3, guide: newGuide('800000000090', { name: '重启前的修订' }) } });
    const before = await Promise.all([1, 2, 3, 4].map(async (n) => (await market.request('GET', `/v1/items/${code}/versions/${n}`)).body));
    const catalogueBefore = (await as('portal').request('GET', '/v1/items', { query: { limit: '100' } })).body as Json;
    const credentials = platform.credentials;

    // Act
    expect(await platform.stop()).toBe(0);
    platform = await startPlatformProcess(dataDir, CLOCK_START);

    // Assess
    expect(platform.output()).not.toContain('sample data seeded');
    expect(platform.credentials.principals).toEqual(credentials.principals);
    // (a new port: clients are made anew)
    const after = await Promise.all([1, 2, 3, 4].map(async (n) => (await as('market').request('GET', `/v1/items/${code}/versions/${n}`)).body));
    expect((after as Json[]).map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(after).toEqual(before);
    const catalogueAfter = (await as('portal').request('GET', '/v1/items', { query: { limit: '100' } })).body as Json;
    expect(catalogueAfter).toEqual(catalogueBefore);
    expect(catalogueAfter.items.map((i: Json) => i.code)).toContain(code);
  });
});
