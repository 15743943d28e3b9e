// The CLI as a user installs it: `npm run pack:cli` makes the package (one bundled file, no
// dependencies), `npm install` puts it into an empty folder without reaching any registry, and the
// installed `tongban` — run through npx, as processes — prints its help, verifies a decision the
// embedded platform sealed against the published keys alone, tells a tampered one, and calls the API
// with a principal's credentials. Nothing of this repository's node_modules is in reach of it.
import { withDefaultOfficer } from '../support/acting-keys.ts';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { SHOP } from '../support/case-fixtures.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = new URL('../..', import.meta.url).pathname;
const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;

let work: string;
let user: string;
let platform: RunningPlatform;
let tgz: string;

/** A command as a process: its exit code and output (never throws on a non-zero exit). */
function run(command: string, args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    // The user's own environment, offline: nothing may be fetched.
    const env = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    execFile(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr });
    });
  });
}
const tongban = (...args: string[]) => run('npx', ['--no-install', 'tongban', ...withDefaultOfficer(platform.credentialsPath, args)], user);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tongban-cli-package-'));
  user = join(work, 'user');
  await mkdir(user);
  platform = await startPlatform({ dataDir: join(work, 'platform'), port: 0, scheduleIntervalMs: 0 });
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const as = signedClients(() => platform);

describe('the CLI as a user installs it', () => {
  it('packs as one file with no dependencies and installs into an empty folder without a registry', async () => {
    // Act
    const packed = await run('npm', ['run', '--silent', 'pack:cli', '--', '--destination', work], ROOT);
    expect(packed.code, packed.err).toBe(0);
    tgz = packed.out.trim().split('\n').at(-1)!;
    const installed = await run('npm', ['install', tgz], user);

    // Assess: the package and nothing else under node_modules
    expect(tgz).toMatch(/tongban-cli-\d+\.\d+\.\d+\.tgz$/);
    expect(installed.code, installed.err).toBe(0);
    expect((await readdir(join(user, 'node_modules'))).filter((n) => !n.startsWith('.'))).toEqual(['tongban-cli']);
    expect((await readdir(join(user, 'node_modules', 'tongban-cli'))).sort()).toEqual(['README.md', 'package.json', 'tongban.mjs']);
  });

  it('prints its help, and refuses an unknown command with exit code 2', async () => {
    const help = await tongban('--help');
    const unknown = await tongban('nonsense');

    expect(help.code, help.err).toBe(0);
    expect(help.out).toContain('Usage: tongban items <command> [options]');
    expect(help.out).toContain('tongban verify <document> <seal> --jwks <jwks.json>');
    expect(unknown.code).toBe(2);
  });

  it('verifies a decision the platform sealed, offline with the published keys, and names a tampered one', async () => {
    // Prepare: a company registration filed, accepted and decided: its decision sealed by the market's key
    const materials: Json = {};
    for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: REGISTRATION.implementationCode, applicant: SHOP, form: { 注册资本: '100万元' }, materials },
    });
    const caseNo = (filed.body as Json).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
    const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    const { document, seal } = (decided.body as Json).results.decision as { document: string; seal: Json };
    await writeFile(join(user, 'decision.json'), document);
    await writeFile(join(user, 'decision.seal.json'), JSON.stringify(seal));
    await writeFile(join(user, 'forged.json'), document.replace('approved', 'denied'));
    await writeFile(join(user, 'jwks.json'), await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).text());

    // Act
    const valid = await tongban('verify', 'decision.json', 'decision.seal.json', '--jwks', 'jwks.json');
    const forged = await tongban('verify', 'forged.json', 'decision.seal.json', '--jwks', 'jwks.json');

    // Assess
    expect(valid.code, valid.err + valid.out).toBe(0);
    expect(valid.out).toContain('seal valid');
    expect(forged.code).toBe(1);
    expect(forged.out).toContain('digest-mismatch');
  });

  it("subscribes a webhook endpoint, lists it, and tails the channel's case events until interrupted", async () => {
    const added = await tongban('subscriptions', 'add', '--as', 'portal', '--credentials', platform.credentialsPath, '--url', 'http://127.0.0.1:9/hooks', '--type', 'file');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/whsec_/);
    const listed = await tongban('subscriptions', 'list', '--as', 'portal', '--credentials', platform.credentialsPath, '--json');
    expect(listed.code, listed.err).toBe(0);
    expect(((JSON.parse(listed.out) as Json).subscriptions as Json[]).map((x) => x.url)).toEqual(['http://127.0.0.1:9/hooks']);

    // A case filed by the portal (the verify test's, above) is in the feed: the tail prints it, then ends on SIGINT with 0.
    // The installed command itself (npx would stand between the signal and it).
    const child = spawn(join(user, 'node_modules', '.bin', 'tongban'), ['events', 'tail', '--as', 'portal', '--credentials', platform.credentialsPath, '--interval', '1'], {
      cwd: user,
    });
    let out = '';
    const printed = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), / file /.test(out) && resolve())));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await Promise.race([printed, exited]);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/ file /);
  });

  it('calls the API signed with a principal’s credentials: the catalogue, the supervision rules', async () => {
    const listed = await tongban('items', 'list', '--as', 'portal', '--credentials', platform.credentialsPath, '--json');

    expect(listed.code, listed.err).toBe(0);
    expect((JSON.parse(listed.out) as Json).items.map((i: Json) => i.code)).toContain(REGISTRATION.implementationCode);
    const rules = await tongban('supervision', 'rules', '--as', 'market', '--credentials', platform.credentialsPath);
    expect(rules.code, rules.err).toBe(0);
    expect(rules.out).toContain('监察规则 supervision rules · 第0版 version 0（内置 shipped）');
  });
});
