// End to end in a browser: `npm start`'s command on a free port, and the web console at /console/ in
// headless Chromium, used as people use it — the hall window files a case with two PDFs, the market
// department's officer finds it in the queue, asks for a supplement (the window delivers it), accepts
// and decides, and sees the timeline and the sealed decision; a co-department gives its opinion on a
// joint case; the reviewer publishes an item. What the console did is checked through the API, each
// screen against axe-core (no serious or critical violation), and kept as a screenshot.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { launchBrowser, screenshot, seriousViolations, signedInPage } from '../support/console-browser.ts';
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

async function expectAccessible(page: Page, screen: string): Promise<void> {
  await screenshot(page, screen);
  const violations = await seriousViolations(page);
  expect(violations.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

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

  it('the officer accepts and decides; the page shows the timeline, its chain check and the sealed decision', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.goto(`${platform.endpoint}/console/#/cases/${caseNo}`);
    await page.getByRole('form', { name: '受理' }).getByRole('button', { name: '受理' }).click();
    await page.locator('h1 .status-accepted').waitFor();
    const decide = page.getByRole('form', { name: '作出决定' });
    await decide.getByLabel('理由（每行一条）').fill('材料齐全，符合法定条件');
    await decide.getByLabel('证照有效期至（发证事项）').fill('2031-11-22');
    await decide.getByRole('button', { name: '作出决定' }).click();
    await page.getByTestId('sealed-decision').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('chain-check').textContent()).resolves.toContain('哈希链校验通过');
    const types = await page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-entry-type')));
    expect(types).toEqual(expect.arrayContaining(['file', 'request-supplement', 'supplement', 'accept', 'decide', 'seal']));
    expect(types.indexOf('decide')).toBeGreaterThan(types.indexOf('accept'));
    await expectAccessible(page, '06-officer-case-decided');

    const read = (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as {
      status: string;
      decision: { outcome: string };
      results?: { licenceId?: string };
      history?: unknown;
    };
    expect(read).toMatchObject({ status: 'decided', decision: { outcome: 'approved' } });
    expect(read.results?.licenceId).toBeTruthy();
    // The officer is on the record, as the sign-in named them.
    const history = (await as('market').request('GET', `/v1/cases/${caseNo}/history`)).body as { entries: { type: string; actor: { officer?: string } }[] };
    expect(history.entries.find((e) => e.type === 'decide')?.actor.officer).toBe('market.zhang');

    // English, switched in the header, on the same page.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByTestId('chain-check').textContent()).resolves.toContain('Hash chain verified');
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
