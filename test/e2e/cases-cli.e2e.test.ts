// End to end: `tongban cases …` and `tongban supervision …` through the CLI's main function, against
// the embedded platform as a child process (clock pinned to Monday 23 November 2026, 10:00 in China),
// with real files on disk: filing with uploads, a supplement round, acceptance, a pause, a decision,
// the history with its chain check, queues, retries and the exit codes.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { ZHANG } from '../support/case-fixtures.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { runCli } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLOCK_START = '2026-11-23T02:00:00Z';
const TODAY = '2026-11-23';
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICATION = '食品经营许可申请书';
const BUSINESS_LICENCE = '营业执照';
const LAYOUT = '经营场所平面布局图'; // required, tolerable
const RULES = '食品安全管理制度文本'; // required, tolerable: follows later (容缺)
const PENDING_DUE = '2026-12-04';

let dataDir: string;
let files: string;
let platform: PlatformProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-cases-cli-e2e-'));
  files = join(dataDir, 'files');
  await mkdir(files);
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const tongban = (...args: string[]) => runCli(join(dataDir, 'credentials.json'), ...args);

/** Writes a file of distinct content; answers its path and SHA-256. */
async function material(name: string, content: string): Promise<{ path: string; sha256: string; size: number }> {
  // Bytes of the format the name says (the platform checks them as the archive will): a PNG signature, a PDF header.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const bytes = name.endsWith('.png') ? Buffer.concat([png, Buffer.from(content)]) : Buffer.from(`%PDF-1.7\n${content}\n%%EOF\n`);
  const path = join(files, name);
  await writeFile(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

const caseNoOf = (out: string) => /办件编号 case no:\s+(\S+)/.exec(out)?.[1];

describe('tongban cases, from filing to decision', () => {
  let applicant: string;
  let filed: { caseNo: string; key: string };
  let application: Awaited<ReturnType<typeof material>>;
  let licence: Awaited<ReturnType<typeof material>>;
  let layout: Awaited<ReturnType<typeof material>>;
  let fileArgs: string[];

  beforeAll(async () => {
    applicant = join(files, 'applicant.json');
    await writeFile(applicant, JSON.stringify(ZHANG));
    await writeFile(join(files, 'form.json'), JSON.stringify({ 经营项目: ['热食类食品制售'], 经营场所面积: 120 }));
    application = await material('application.pdf', '申请书');
    licence = await material('licence.pdf', '营业执照');
    layout = await material('layout.png', '平面布局图（第一稿）');
    fileArgs = [
      'cases',
      'file',
      '--as',
      'portal',
      '--item',
      FOOD.implementationCode,
      '--applicant',
      applicant,
      '--form',
      join(files, 'form.json'),
      '--material',
      `${APPLICATION}=${application.path}`,
      '--material',
      `${BUSINESS_LICENCE}=${licence.path}`,
      '--material',
      `${LAYOUT}=${layout.path}`,
    ];
  });

  it('files as a channel: uploads every material and prints the receipt with each checksum and the answer due date', async () => {
    const res = await tongban(...fileArgs);

    expect(res).toMatchObject({ code: 0 });
    const caseNo = caseNoOf(res.out);
    const key = /Idempotency-Key:\s+(\S+)/.exec(res.out)?.[1];
    expect(caseNo).toBeDefined();
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    filed = { caseNo: caseNo!, key: key! };
    expect(res.out).toContain('收件回执');
    expect(res.out).toContain(`${FOOD.name}  (${FOOD.implementationCode}, version`);
    for (const [name, f] of [
      [APPLICATION, application],
      [BUSINESS_LICENCE, licence],
      [LAYOUT, layout],
    ] as const) {
      expect(res.out).toContain(`${name}  ${name === LAYOUT ? 'image/png' : 'application/pdf'}, ${f.size} bytes, sha256 ${f.sha256}`);
    }
    expect(res.out).toContain(`答复期限 answer due:    ${officialCalendar.addWorkingDays(TODAY, 5).date}`);
    // the platform holds what the receipt says
    const shown = JSON.parse((await tongban('cases', 'show', filed.caseNo, '--as', 'portal', '--json')).out) as Json;
    expect(shown).toMatchObject({ status: 'received', itemCode: FOOD.implementationCode, applicant: ZHANG, form: { 经营场所面积: 120 } });
    expect(shown.materials[LAYOUT]).toMatchObject({ sha256: layout.sha256, size: layout.size, contentType: 'image/png' });
  });

  it('answers a retry with the printed Idempotency-Key with the same case; a new key files another', async () => {
    const retry = await tongban(...fileArgs, '--idempotency-key', filed.key);
    expect(retry).toMatchObject({ code: 0 });
    expect(caseNoOf(retry.out)).toBe(filed.caseNo);
    expect(retry.out).toContain('a retry: the case filed earlier with this key');

    const json = await tongban(...fileArgs, '--idempotency-key', filed.key, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ caseNo: filed.caseNo, replayed: true });
    expect(json.err).toContain(filed.key);

    const other = await tongban(...fileArgs, '--idempotency-key', 'cli-e2e-second-application');
    expect(other.code).toBe(0);
    expect(caseNoOf(other.out)).toBeDefined();
    expect(caseNoOf(other.out)).not.toBe(filed.caseNo);
  });

  it("shows the case in the department's queue while it is received, and in the channel's list", async () => {
    const queue = await tongban('cases', 'queue', '--as', 'market');
    expect(queue.code).toBe(0);
    const row = queue.out.split('\n').find((l) => l.startsWith(filed.caseNo));
    expect(row).toBeDefined();
    expect(row).toContain(FOOD.name);
    expect(row).toContain('已收件 received');
    expect(row).toContain(officialCalendar.addWorkingDays(TODAY, 5).date);
    expect(row).toContain(ZHANG.name);

    const list = JSON.parse((await tongban('cases', 'list', '--as', 'portal', '--applicant', ZHANG.residentId, '--json')).out) as Json;
    expect(list.cases.map((c: Json) => c.caseNo)).toContain(filed.caseNo);
    const page = JSON.parse((await tongban('cases', 'queue', '--as', 'market', '--limit', '1', '--json')).out) as Json;
    expect(page.cases).toHaveLength(1);
    expect(page.nextCursor).toBeDefined(); // two cases are received
  });

  it('asks for a supplement (department), takes it (channel), then accepts, pauses, resumes and decides', async () => {
    const asked = await tongban('cases', 'supplement', filed.caseNo, '--problem', `${LAYOUT}:图纸不清晰，请重新上传`, '--as', 'market');
    expect(asked).toMatchObject({ code: 0 });
    expect(asked.out).toContain('待补正 supplement-requested');
    expect(asked.out).toContain(`补正 supplement: ${LAYOUT}: 图纸不清晰，请重新上传`);

    const redrawn = await material('layout-v2.png', '平面布局图（第二稿）');
    const supplied = await tongban('cases', 'supplement', filed.caseNo, '--material', `${LAYOUT}=${redrawn.path}`, '--as', 'portal');
    expect(supplied).toMatchObject({ code: 0 });
    expect(supplied.out).toContain('已收件 received');
    expect(supplied.out).toContain(`${LAYOUT}  image/png, ${redrawn.size} bytes, sha256 ${redrawn.sha256}`);
    expect(redrawn.sha256).not.toBe(layout.sha256);

    // without the tolerable material that was never delivered, only a 容缺 acceptance is possible
    const normal = await tongban('cases', 'accept', filed.caseNo, '--as', 'market');
    expect(normal.code).toBe(1);
    expect(normal.err).toContain('CASE_MATERIAL_MISSING');
    const accepted = await tongban('cases', 'accept', filed.caseNo, '--pending', RULES, '--pending-due', PENDING_DUE, '--as', 'market', '--json');
    expect(accepted).toMatchObject({ code: 0, err: '' });
    const acceptedCase = JSON.parse(accepted.out) as Json;
    expect(acceptedCase).toMatchObject({ status: 'accepted', acceptance: { on: TODAY, mode: 'pending-materials', pendingMaterials: [RULES], pendingDueOn: PENDING_DUE } });

    const paused = await tongban(
      'cases',
      'pause',
      filed.caseNo,
      '--procedure',
      '现场勘验',
      '--reason',
      '现场核查经营场所',
      '--days',
      '5',
      '--as',
      'market',
      '--base',
      String(acceptedCase.version),
    );
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.out).toContain(`暂停 pause ${TODAY} → …: 现场勘验 site-inspection: 现场核查经营场所`);
    const resumed = await tongban('cases', 'resume', filed.caseNo, '--as', 'market');
    expect(resumed.out).toContain(`暂停 pause ${TODAY} → ${TODAY}`);

    // 容缺: an approval waits for the pending material, which the channel delivers
    const early = await tongban('cases', 'decide', filed.caseNo, '--outcome', 'approved', '--as', 'market');
    expect(early.code).toBe(1);
    expect(early.err).toContain('CASE_PENDING_MATERIALS_OUTSTANDING');
    const rules = await material('rules.pdf', '食品安全管理制度');
    const delivered = await tongban('cases', 'deliver', filed.caseNo, '--material', `${RULES}=${rules.path}`, '--as', 'portal');
    expect(delivered).toMatchObject({ code: 0 });
    expect(delivered.out).toContain(`已补交 delivered ${RULES} (${TODAY})`);

    const decided = await tongban('cases', 'decide', filed.caseNo, '--outcome', 'approved', '--as', 'market');
    expect(decided).toMatchObject({ code: 0 });
    expect(decided.out).toContain('已作出决定 decided');
    expect(decided.out).toContain(`决定 decision on ${TODAY}: 准予 approved`);
  });

  it('prints every step of the history, one a line, and the chain check', async () => {
    const history = await tongban('cases', 'history', filed.caseNo, '--as', 'portal');

    expect(history.code).toBe(0);
    const lines = history.out.split('\n').filter((l) => /^\d+ {2}/.test(l));
    // The archive entry follows the seal once the archive function (started after the answer) is done.
    // Each notice an action owes (补正, 容缺受理, 特别程序) is sealed at once by the sealing function.
    expect(lines.map((l) => l.split(/\s+/).at(-1)).slice(0, 12)).toEqual([
      'file',
      'request-supplement',
      'seal-notices',
      'supplement',
      'accept-pending',
      'seal-notices',
      'pause',
      'seal-notices',
      'resume',
      'deliver',
      'decide',
      'seal',
    ]);
    expect(lines[0]).toMatch(/^1 {2}2026-11-2\dT\S+ {2}portal \(channel\) {2}—→received {2}file$/);
    expect(lines[1]).toContain('market (department)  received→supplement-requested');
    expect(lines[2]).toContain('system (platform)  supplement-requested→supplement-requested');
    expect(lines[9]).toContain('portal (channel)  accepted→accepted');
    expect(lines[10]).toContain('accepted→decided');
    // The decision sealed at once by the sealing function, as the system
    expect(lines[11]).toContain('system (platform)  decided→decided');
    expect(history.out.split('\n').at(-1)).toBe('链校验通过 / chain intact');
    const json = JSON.parse((await tongban('cases', 'history', filed.caseNo, '--as', 'market', '--json')).out) as Json;
    expect(json.check).toEqual({ ok: true });
    expect(json.entries.length).toBeGreaterThanOrEqual(9);
  });
});

describe('tongban cases: refusals and usage errors', () => {
  it('exits 1 with the code when the platform refuses, 2 on a usage error, and files nothing then', async () => {
    const applicant = join(files, 'applicant-li.json');
    await writeFile(applicant, JSON.stringify({ ...ZHANG, name: '李四' }));
    const application = await material('li-application.pdf', '李四的申请书');
    const licence = await material('li-licence.pdf', '李四的营业执照');
    const args = ['--as', 'portal', '--item', FOOD.implementationCode, '--applicant', applicant, '--material', `${APPLICATION}=${application.path}`];
    const before = JSON.parse((await tongban('cases', 'list', '--as', 'portal', '--limit', '100', '--json')).out) as Json;

    const docx = join(files, 'licence.docx');
    await writeFile(docx, 'not a pdf');
    const usage = await tongban('cases', 'file', ...args, '--material', `${BUSINESS_LICENCE}=${docx}`);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('unsupported file type');
    const both = await tongban('cases', 'supplement', 'X-1', '--problem', `${LAYOUT}:不清晰`, '--material', `${LAYOUT}=${licence.path}`, '--as', 'portal');
    expect(both.code).toBe(2);
    expect((await tongban('cases', 'decide', 'X-1', '--outcome', 'maybe', '--as', 'market')).code).toBe(2);
    const after = JSON.parse((await tongban('cases', 'list', '--as', 'portal', '--limit', '100', '--json')).out) as Json;
    expect(after.cases).toHaveLength(before.cases.length);

    const filed = await tongban('cases', 'file', ...args, '--material', `${BUSINESS_LICENCE}=${licence.path}`);
    expect(filed.code).toBe(0);
    const caseNo = caseNoOf(filed.out)!;
    expect((await tongban('cases', 'accept', caseNo, '--pending', LAYOUT, '--pending', RULES, '--pending-due', PENDING_DUE, '--as', 'market')).code).toBe(0);
    const foreign = await tongban('cases', 'decide', caseNo, '--outcome', 'approved', '--as', 'housing');
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('CASE_DEPARTMENT_FORBIDDEN');
    const shown = JSON.parse((await tongban('cases', 'show', caseNo, '--as', 'market', '--json')).out) as Json;
    expect(shown.status).toBe('accepted'); // the refusal changed nothing

    const missing = await tongban('cases', 'file', ...args);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('CASE_MATERIAL_MISSING');
    expect(missing.err).toMatch(/Idempotency-Key \S+ \(retry with --idempotency-key/);
  });

  it('lists supervision cases for the platform, and refuses the list to a department', async () => {
    const overdue = await tongban('supervision', 'overdue', '--as', 'reviewer', '--json');
    expect(overdue.code).toBe(0);
    expect(Array.isArray((JSON.parse(overdue.out) as Json).cases)).toBe(true);
    const human = await tongban('supervision', 'violation', '--as', 'reviewer');
    expect(human.code).toBe(0);
    const department = await tongban('supervision', 'overdue', '--as', 'market');
    expect(department.code).toBe(1);
    expect(department.err).toContain('ROLE_FORBIDDEN');
    expect((await tongban('supervision', 'late', '--as', 'reviewer')).code).toBe(2);
  });
});
