// End to end in a browser: `npm start`'s command on a free port, and the web console at /console/ in
// headless Chromium, used as people use it — the hall window files a case with two PDFs, the market
// department's officer finds it in the queue, asks for a supplement (the window delivers it), accepts
// and decides, and sees the timeline and the sealed decision; a co-department gives its opinion on a
// joint case; the reviewer publishes an item. What the console did is checked through the API, each
// screen against axe-core (no serious or critical violation), and kept as a screenshot.
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { launchBrowser, signedInPage } from '../support/console-browser.ts';
import { expectAccessible } from '../support/console-screens.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import { ZHANG } from '../support/case-fixtures.ts';

/** Monday 23 November 2026, 10:00 in China: dates on the loaded calendar. */
const CLOCK_START = '2026-11-23T02:00:00Z';
const FOOD = SEED_ITEMS.find((i) => i.name === '食品经营许可证核发')!;
const JOINT = SEED_ITEMS.find((i) => i.jointHandling)!;

let dataDir: string;
let platform: PlatformProcess;
let browser: Browser;
const as = signedClients(() => platform);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-console-e2e-'));
  [platform, browser] = await Promise.all([startPlatformProcess(dataDir, CLOCK_START), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The case's status as its department reads it through the API. */
async function statusOf(caseNo: string): Promise<string> {
  const res = await as('market').request('GET', `/v1/cases/${caseNo}`);
  return (res.body as { status: string }).status;
}

describe('the console, a case from the window to the sealed decision', () => {
  let caseNo: string;

  it('the hall window files a case with two PDFs and gets the receipt', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'hall-window');
    await expectAccessible(page, '01-window-filing');
    await page.getByLabel('办理事项').selectOption({ value: FOOD.implementationCode });
    await page.getByLabel('名称/姓名').fill(ZHANG.name);
    await page.getByLabel('居民身份证号码').fill(ZHANG.residentId);
    await page.getByLabel('联系电话').fill(ZHANG.phone);
    const required = FOOD.materials.filter((m) => m.required && !m.tolerable).map((m) => m.name);
    expect(required).toHaveLength(2);
    for (const name of required)
      await page.getByLabel(name, { exact: false }).setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: realPdf(`material ${required.indexOf(name)}`) });
    await expectAccessible(page, '02-window-filing-filled');
    await page.getByRole('button', { name: '提交申请' }).click();
    const receiptNo = page.getByTestId('case-no');
    await receiptNo.waitFor();
    caseNo = (await receiptNo.textContent())!;
    await expectAccessible(page, '03-window-receipt');

    // Filed once, with both files as the department reads them.
    const read = await as('market').request('GET', `/v1/cases/${caseNo}`);
    expect(read.status).toBe(200);
    const materials = (read.body as { materials: Record<string, { kind: string; sha256: string; contentType: string }> }).materials;
    expect(Object.keys(materials).sort()).toEqual([...required].sort());
    for (const name of required) expect(materials[name]).toMatchObject({ kind: 'upload', contentType: 'application/pdf' });
    expect((read.body as { channelId: string }).channelId).toBe('city-hall-window');
    await context.close();
  });

  it("the department's officer finds it in the queue and asks for a supplement, listing the problem; the API's refusal shows in Chinese", async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    const row = page.getByRole('row').filter({ hasText: caseNo });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(ZHANG.name);
    await expectAccessible(page, '04-officer-queue');
    await row.getByRole('link', { name: caseNo }).click();

    // A material shown inline, from the platform's read link (its type pinned to the record's).
    await page.getByRole('button', { name: `查看 ${FOOD.materials[0]!.name}` }).click();
    const frame = page.getByTestId('material-view').locator('iframe');
    await frame.waitFor();
    const link = (await frame.getAttribute('src'))!;
    expect(new URL(link).origin).toBe(new URL(platform.credentials.archive!.endpoint).origin);
    await expect(
      page.evaluate(async (url) => {
        const r = await fetch(url);
        return [r.status, r.headers.get('content-type'), (await r.text()).slice(0, 5)];
      }, link),
    ).resolves.toEqual([200, 'application/pdf', '%PDF-']);

    const ask = page.getByRole('form', { name: '一次性告知补正' });
    // Nothing listed: the platform refuses, and the page says why in the platform's words.
    await ask.getByRole('button', { name: '一次性告知补正' }).click();
    const refusal = ask.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.getAttribute('data-code')).resolves.toBe('CASE_PROBLEMS_REQUIRED');
    expect(await refusal.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await statusOf(caseNo)).toBe('received');

    await ask.getByLabel('材料').selectOption(FOOD.materials[0]!.name);
    await ask.getByLabel('问题').fill('申请书缺少法定代表人签字');
    await ask.getByRole('button', { name: '加入告知' }).click();
    await ask.getByRole('button', { name: '一次性告知补正' }).click();
    await page.locator('h1 .status-supplement-requested').waitFor();
    expect(await statusOf(caseNo)).toBe('supplement-requested');
    await expectAccessible(page, '05-officer-case-supplement-requested');
    await context.close();
  });

  it('the window delivers the supplement from the case page', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'hall-window');
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    const form = page.getByRole('form', { name: '补正材料' });
    await form.getByLabel(FOOD.materials[0]!.name).setInputFiles({ name: 'signed.pdf', mimeType: 'application/pdf', buffer: realPdf('signed application') });
    await form.getByRole('button', { name: '补正材料' }).click();
    await page.locator('h1 .status-received').waitFor();
    expect(await statusOf(caseNo)).toBe('received');
    await context.close();
  });

  it('the officer accepts it with the two tolerable materials to follow (容缺受理)', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    // Two tolerable materials came without the application: accepted with them to follow (容缺受理).
    const tolerable = FOOD.materials.filter((m) => m.tolerable).map((m) => m.name);
    for (const name of tolerable) await page.getByRole('group', { name: '容缺材料（可后补）' }).getByLabel(name).check();
    await page.getByRole('form', { name: '容缺受理' }).getByLabel('补交期限').fill('2026-12-04');
    await page.getByRole('form', { name: '容缺受理' }).getByRole('button', { name: '容缺受理' }).click();
    await page.locator('h1 .status-accepted, [role=alert]').first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await statusOf(caseNo)).toBe('accepted');
    await context.close();
  });

  it('the window delivers the pending materials', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'hall-window');
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    const form = page.getByRole('form', { name: '补交容缺材料' });
    const pending = FOOD.materials.filter((x) => x.tolerable);
    for (const [i, m] of pending.entries()) await form.getByLabel(m.name).setInputFiles({ name: `${m.name}.pdf`, mimeType: 'application/pdf', buffer: realPdf(`pending ${i}`) });
    await form.getByRole('button', { name: '补交容缺材料' }).click();
    // Delivered: the form goes (nothing is pending), and no refusal is shown.
    await form.waitFor({ state: 'detached' });
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    await expect
      .poll(async () => ((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as { acceptance?: { pendingMaterials?: string[] } }).acceptance?.pendingMaterials ?? [])
      .toEqual([]);
    await context.close();
  });

  it('the officer decides; the page shows the timeline, its chain check and the sealed decision', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    const decide = page.getByRole('form', { name: '作出决定' });
    await decide.getByLabel('理由（每行一条）').fill('材料齐全，符合法定条件');
    await decide.getByLabel('证照有效期至（发证事项）').fill('2031-11-22');
    await decide.getByRole('button', { name: '作出决定' }).click();
    // The decision, then its seal (the page looks again until it is there) — or the refusal, said.
    await page.locator('[data-testid=sealed-decision], [role=alert]').first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    await expect(page.getByTestId('chain-check').textContent()).resolves.toContain('哈希链校验通过');
    const types = await page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-entry-type')));
    expect(types).toEqual(expect.arrayContaining(['file', 'request-supplement', 'supplement', 'accept-pending', 'deliver', 'decide', 'seal']));
    expect(types.indexOf('decide')).toBeGreaterThan(types.indexOf('deliver'));
    await expectAccessible(page, '06-officer-case-decided');

    const read = (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as {
      status: string;
      decision: { outcome: string };
      results?: { licenceId?: string };
      history?: unknown;
    };
    expect(read).toMatchObject({ status: 'decided', decision: { outcome: 'approved' }, acceptance: { mode: 'pending-materials' } });
    expect(read.results?.licenceId).toBeTruthy();
    // The officer is on the record, as the sign-in named them.
    const history = (await as('market').request('GET', `/v1/cases/${caseNo}/history`)).body as { entries: { type: string; actor: { officer?: string } }[] };
    expect(history.entries.find((e) => e.type === 'decide')?.actor.officer).toBe('market.zhang');

    // English, switched in the header, on the same page.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByTestId('chain-check').textContent()).resolves.toContain('Hash chain verified');
    await context.close();
  });
  it('the auditor finds the archived bundle, verifies it in the browser, and sees a tampered copy fail', async () => {
    // The archive function packs the case once its results are sealed.
    const archived = async () => ((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as { archive?: { state: string; bundleKey?: string } }).archive;
    await expect.poll(async () => (await archived())?.state, { timeout: 60_000 }).toBe('archived');
    const bundleKey = (await archived())!.bundleKey!;

    const { context, page } = await signedInPage(browser, platform.endpoint, 'auditor.zhang');
    await page.getByLabel('部门（统一社会信用代码）').fill(DEPARTMENTS.market.id);
    await page.getByRole('button', { name: '查找' }).click();
    await page.getByRole('button', { name: `取回并检测 ${caseNo}` }).click();
    const report = page.getByTestId('audit-report');
    await report.waitFor({ timeout: 60_000 });
    await expect(report.getAttribute('data-passed')).resolves.toBe('true');
    for (const property of ['authenticity', 'integrity', 'usability', 'security'])
      await expect(report.locator(`tr[data-property=${property}]`).getAttribute('data-passed')).resolves.toBe('true');
    const seals = await report.locator('tr[data-seal-result]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seal-result')));
    expect(seals.length).toBeGreaterThan(1);
    expect(new Set(seals)).toEqual(new Set(['valid']));
    await expectAccessible(page, '10-auditor-verified');

    // The same bundle with one byte of a material changed, verified from a file on the auditor's computer.
    const s3 = new S3Client({ endpoint: platform.credentials.archive!.endpoint, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    const bundle = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: platform.credentials.archive!.bucket, Key: bundleKey }))).Body!.transformToByteArray());
    s3.destroy();
    const at = bundle.indexOf('material 1');
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(bundle);
    tampered[at + 'material '.length] = '7'.charCodeAt(0);
    await page.getByLabel('检测本地的档案文件（.tar）').setInputFiles({ name: 'tampered.tar', mimeType: 'application/x-tar', buffer: tampered });
    await expect.poll(() => report.getAttribute('data-passed'), { timeout: 30_000 }).toBe('false');
    await expect(report.locator('tr[data-property=integrity]').getAttribute('data-passed')).resolves.toBe('false');
    expect(await report.locator('[data-finding]').count()).toBeGreaterThan(0);
    await expectAccessible(page, '11-auditor-tampered');
    await context.close();
  });

  it('the auditor meets a bundle in Deep Archive: the console says so, asks for its restore, and verifies it once restored', async () => {
    // Prepare: the case's bundle as the archive's lifecycle rule leaves it after 30 days, in Deep Archive
    // (the embedded S3 has no lifecycle: written so, under a key of its own; its restores complete at once)
    const bundleKey = ((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as { archive: { bundleKey: string } }).archive.bundleKey;
    const { endpoint, bucket } = platform.credentials.archive!;
    const s3 = new S3Client({ endpoint, region: platform.credentials.region, forcePathStyle: true, credentials: platform.runtime });
    const bytes = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: bundleKey }))).Body!.transformToByteArray();
    const coldKey = bundleKey.replace(/\.tar$/, '-deep.tar');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: coldKey, Body: bytes, ContentType: 'application/x-tar', StorageClass: 'DEEP_ARCHIVE' }));
    const { context, page } = await signedInPage(browser, platform.endpoint, 'auditor.zhang');
    await page.getByLabel('部门（统一社会信用代码）').fill(DEPARTMENTS.market.id);
    await page.getByRole('button', { name: '查找' }).click();
    const fetchCold = page.getByRole('button', { name: `取回并检测 ${caseNo}-deep` });
    const cold = page.getByTestId('cold-bundle');

    // Act: fetch it — S3 refuses to read it (InvalidObjectState) — then ask for its restore
    await fetchCold.click();
    await cold.waitFor();
    const first = { state: await cold.getAttribute('data-state'), text: await cold.textContent() };
    await expectAccessible(page, '12-auditor-cold-bundle');
    await page.getByRole('button', { name: '申请恢复（标准，保留 7 天）' }).click();
    await expect.poll(() => cold.getAttribute('data-state')).toBe('requested');
    const requested = await cold.textContent();
    const restore = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: coldKey }))).Restore;
    await fetchCold.click();
    const report = page.getByTestId('audit-report');
    await report.waitFor({ timeout: 60_000 });

    // Assess: cold at first, with no report; the restore asked for in S3 as the CLI asks; then verified
    expect(first).toEqual({ state: 'cold', text: expect.stringContaining(`归档包 ${caseNo}-deep 已转入 DEEP_ARCHIVE 存储，需先恢复方可取回。`) });
    expect(requested).toContain('已申请恢复，预计 12 小时内完成');
    expect(restore).toMatch(/ongoing-request="false", expiry-date=/);
    await expect(report.getAttribute('data-passed')).resolves.toBe('true');
    await expect(cold.count()).resolves.toBe(0);
    s3.destroy();
    await context.close();
  });
});

describe('the console, joint handling and the catalogue', () => {
  it('a co-department finds the joint task in its queue and gives its opinion', async () => {
    const filed = await fileWithRequiredMaterials(as('portal'), JOINT, ZHANG);
    expect(filed.status).toBe(201);
    const caseNo = (filed.body as { caseNo: string }).caseNo;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
    const coDepartment = JOINT.jointHandling!.coDepartments[0]!.departmentId;
    const officer = coDepartment === DEPARTMENTS.health.id ? 'health.zhang' : 'fire.zhang';
    // The workflow dispatches the tasks: the case shows them once it has.
    await expect
      .poll(async () => ((await as('market').request('GET', `/v1/cases/${caseNo}`)).body as { jointTasks?: unknown[] }).jointTasks?.length ?? 0, { timeout: 30_000 })
      .toBe(2);
    // Its branch's wait for the opinion lists the task in the co-department's queue (a moment after the dispatch).
    const listing = as(coDepartment === DEPARTMENTS.health.id ? 'health' : 'fire');
    await expect
      .poll(async () => ((await listing.request('GET', '/v1/queue/opinions')).body as { tasks?: { caseNo: string }[] }).tasks?.some((t) => t.caseNo === caseNo), {
        timeout: 30_000,
      })
      .toBe(true);

    const { context, page } = await signedInPage(browser, platform.endpoint, officer);
    await page.getByRole('link', { name: '协办任务' }).click();
    const row = page.getByRole('row').filter({ hasText: caseNo });
    await row.waitFor();
    await expectAccessible(page, '07-co-department-tasks');
    await row.getByRole('link', { name: caseNo }).click();
    const form = page.getByRole('form', { name: '提出协办意见' });
    await form.getByLabel('理由（每行一条）').fill('场所卫生条件符合要求');
    await expectAccessible(page, '08-co-department-case');
    await form.getByRole('button', { name: '提出协办意见' }).click();
    await page.getByRole('form', { name: '提出协办意见' }).waitFor({ state: 'detached' });

    const tasks = (
      (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as { jointTasks: { departmentId: string; status: string; opinion?: { outcome: string; officer?: string } }[] }
    ).jointTasks;
    expect(tasks.find((t) => t.departmentId === coDepartment)).toMatchObject({ status: 'answered', opinion: { outcome: 'agree' } });
    await context.close();
  });

  it('the reviewer sees a submitted item as a diff and publishes it', async () => {
    const code = `${DEPARTMENTS.market.id}${String(Date.now()).slice(-12)}`;
    const guide = { ...FOOD, implementationCode: code, name: `控制台测试事项${randomUUID().slice(0, 4)}` };
    expect((await as('market').request('POST', '/v1/items', { body: { guide } })).status).toBe(201);
    expect((await as('market').request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: 1 } })).status).toBe(200);

    const { context, page } = await signedInPage(browser, platform.endpoint, 'reviewer.zhang');
    await page.getByRole('link', { name: guide.name }).click();
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    expect(await diff.locator('.added').count()).toBeGreaterThan(5);
    await expect(diff.textContent()).resolves.toContain(guide.name);
    await expectAccessible(page, '09-reviewer-diff');
    await page.getByRole('button', { name: '审核通过并发布' }).click();
    await page.getByTestId('diff').waitFor({ state: 'detached' });

    // A channel reads only published items: this one now is.
    const item = await as('portal').request('GET', `/v1/items/${code}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ code, effectivePublicState: 'published', guide: { name: guide.name } });
    await context.close();
  });
});

describe('the console, the oversight screens', () => {
  it('the public statistics open without signing in', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${platform.endpoint}/console/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expect(page.getByRole('link', { name: '工作人员登录' }).count()).resolves.toBe(1);
    await page.locator('#public-year').waitFor();
    await expectAccessible(page, '12-public-statistics');
    await context.close();
  });

  it("the reviewer's statistics (charts and their tables), supervision and calendar screens", async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'reviewer.zhang');
    await page.getByRole('link', { name: '统计分析' }).click();
    const onTime = page.locator('section[data-chart=chart-on-time]');
    await onTime.locator('canvas').waitFor();
    // The chart's figures, for people who cannot see the canvas, from the same description.
    await expect(onTime.locator('table.figures th[scope=row]').count()).resolves.toBeGreaterThan(0);
    await expectAccessible(page, '13-reviewer-statistics');
    await page.getByRole('link', { name: '电子监察' }).click();
    await page.locator('#supervision-list, nav[aria-label=清单]').first().waitFor();
    await expectAccessible(page, '14-reviewer-supervision');
    await page.getByRole('link', { name: '节假日日历' }).click();
    await page.locator('table#calendar-years').waitFor();
    await expect(page.locator('table#calendar-years').textContent()).resolves.toContain('2026');
    await expectAccessible(page, '15-reviewer-calendar');
    await context.close();
  });

  it("a department's findings to answer", async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.getByRole('link', { name: '监察预警' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('#findings-table, main p.muted').first().waitFor();
    await expectAccessible(page, '16-department-findings');
    await context.close();
  });
});
