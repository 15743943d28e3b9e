// End to end in a browser: the console's 好差评 and ticket screens on `npm start`'s command (a free
// port, the clock on Monday 23 November 2026). Through the API the portal files two cases the market
// department refuses, rates both badly (one named: its answer records the follow-up, 回访), and files
// two complaints — one about an item (routed to the market department), one about nothing named (for
// the platform to pass on, 转办). In Chromium the market's officer answers the named review (the API's
// refusal of an answer without the follow-up shown first, in Chinese), appeals the other and answers
// the routed complaint; the reviewer assigns the other complaint to the market department, whose
// officer transfers it to the housing department, and upholds the appeal; the auditor reads both
// lists and a page with no form. Each step is checked in what the API then says, each
// screen against axe-core (no serious or critical violation), and kept as a screenshot.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { ZHANG } from '../support/case-fixtures.ts';
import { launchBrowser, signedInPage } from '../support/console-browser.ts';
import { expectAccessible } from '../support/console-screens.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Monday 23 November 2026, 10:00 in China: a rectification rated today is due Thursday 26 November (3 working days). */
const CLOCK_START = '2026-11-23T02:00:00Z';
const TODAY = '2026-11-23';
const FOOD = SEED_ITEMS.find((i) => i.name === '食品经营许可证核发')!;
const MARKET = DEPARTMENTS.market;

let dataDir: string;
let platform: PlatformProcess;
let browser: Browser;
const as = signedClients(() => platform);

/** What the API set up: the two bad reviews (named, anonymous) with their cases, and the two complaints (routed, unrouted). */
const setUp = { named: { id: '', caseNo: '' }, anonymous: { id: '', caseNo: '' }, routed: '', unrouted: '' };

/** Files a food case as the portal and has the market refuse it: an ended case, which its applicant may rate. */
async function refusedCase(): Promise<string> {
  const filed = await fileWithRequiredMaterials(as('portal'), FOOD, ZHANG);
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseNo = (filed.body as Json).caseNo as string;
  const refused = await as('market').request('POST', `/v1/cases/${caseNo}/refuse`, { body: { reasons: ['经营场所与申请材料所述不符'] } });
  expect(refused.status, JSON.stringify(refused.body)).toBe(200);
  return caseNo;
}

async function rate(caseNo: string, body: Json): Promise<string> {
  const rated = await as('portal').request('POST', `/v1/cases/${caseNo}/evaluation`, { headers: { 'Idempotency-Key': randomUUID() }, body });
  expect(rated.status, JSON.stringify(rated.body)).toBe(201);
  expect(rated.body).toMatchObject({ state: 'rectifying', dueOn: '2026-11-26', rectificationDays: 3 });
  return (rated.body as Json).id as string;
}

async function fileComplaint(body: Json): Promise<Json> {
  const filed = await as('portal').request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': randomUUID() }, body: { kind: 'complaint', person: ZHANG, ...body } });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  return filed.body as Json;
}

/** The evaluation as the platform role reads it through the API. */
async function evaluation(id: string): Promise<Json> {
  return ((await as('reviewer').request('GET', `/v1/evaluations/${id}`)).body as Json).evaluation as Json;
}

async function ticket(id: string): Promise<Json> {
  return ((await as('reviewer').request('GET', `/v1/tickets/${id}`)).body as Json).ticket as Json;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-console-feedback-e2e-'));
  [platform, browser] = await Promise.all([startPlatformProcess(dataDir, CLOCK_START), launchBrowser()]);
  const [named, anonymous] = [await refusedCase(), await refusedCase()];
  setUp.named = { caseNo: named, id: await rate(named, { level: 'very-dissatisfied', named: true, comment: '窗口人员态度生硬，一次性告知不到位' }) };
  setUp.anonymous = { caseNo: anonymous, id: await rate(anonymous, { level: 'dissatisfied', comment: '审批太慢' }) };
  const routed = await fileComplaint({ about: { item: FOOD.implementationCode }, subject: '窗口办理拖延', text: '申请材料齐全，窗口人员以各种理由拖延不予受理。' });
  expect(routed).toMatchObject({ state: 'assigned', departmentId: MARKET.id });
  setUp.routed = routed.id as string;
  const unrouted = await fileComplaint({ subject: '市场监管窗口服务态度差', text: '办理食品经营许可时工作人员态度恶劣。' });
  expect(unrouted).toMatchObject({ state: 'received' });
  setUp.unrouted = unrouted.id as string;
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Waits for the page's record to reach `state`, or for a refusal; answers the refusals shown. */
async function settled(page: Page, record: 'evaluation' | 'ticket', state: string): Promise<string[]> {
  await page.locator(`article[data-${record}][data-state=${state}], [role=alert]`).first().waitFor();
  return page.getByRole('alert').allTextContents();
}

describe('the console, 好差评 and tickets', () => {
  it("the department's officer answers a named bad review with its follow-up, after the API's refusal without one", async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.getByRole('link', { name: '好差评' }).click();
    const row = page.getByRole('row').filter({ hasText: setUp.named.caseNo });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('2026-11-26');
    await expect(page.getByRole('row').filter({ hasText: setUp.anonymous.caseNo }).count()).resolves.toBe(1);
    await expectAccessible(page, '20-department-evaluations');
    await row.getByRole('link', { name: setUp.named.caseNo }).click();

    const article = page.locator(`article[data-evaluation="${setUp.named.id}"]`);
    await article.waitFor();
    await expect(article.textContent()).resolves.toContain('窗口人员态度生硬，一次性告知不到位');
    await expect(article.getByRole('link', { name: setUp.named.caseNo }).getAttribute('href')).resolves.toBe(`#/cases/${setUp.named.caseNo}`);
    await expect(page.locator('#evaluation-chain').textContent()).resolves.toContain('哈希链校验通过');
    await expectAccessible(page, '21-department-evaluation');

    const form = page.getByRole('form', { name: '整改答复' });
    await form.getByLabel('核实情况').fill('经调阅窗口录像核实，评价反映情况属实');
    await form.getByLabel('整改情况（整改了什么、如何整改）').fill('已对窗口人员进行批评教育并组织一次性告知培训');
    // A named applicant's review is answered with its follow-up: the API refuses, and says so in Chinese.
    await form.getByRole('button', { name: '整改答复' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.getAttribute('data-code')).resolves.toBe('EVALUATION_FOLLOW_UP_REQUIRED');
    expect(await refusal.textContent()).toContain('回访');
    expect((await evaluation(setUp.named.id)).state).toBe('rectifying');

    await form.getByLabel('回访日期').fill(TODAY);
    await form.getByLabel('回访人').fill('王科长');
    await form.getByLabel('回访结果').fill('电话回访，申请人表示认可');
    await form.getByRole('button', { name: '整改答复' }).click();
    expect(await settled(page, 'evaluation', 'answered')).toEqual([]);
    await expect(page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-entry-type')))).resolves.toEqual(['rate', 'answer']);
    await expectAccessible(page, '22-department-evaluation-answered');

    expect(await evaluation(setUp.named.id)).toMatchObject({
      state: 'answered',
      rectifiedOnTime: true,
      answer: {
        kind: 'rectified',
        verification: '经调阅窗口录像核实，评价反映情况属实',
        followUp: { on: TODAY, by: '王科长', outcome: '电话回访，申请人表示认可' },
        by: { officer: 'market.zhang' },
      },
    });
    await context.close();
  });

  it('the officer appeals the other bad review', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.goto(`${platform.endpoint}/console/#/evaluations/${setUp.anonymous.id}`);
    const form = page.getByRole('form', { name: '申诉' });
    await form.getByLabel('申诉理由（每行一条，最多 5 条）').fill('该办件因申请人材料不符被依法不予受理\n评价内容与办理事实不符');
    await form.getByRole('button', { name: '提出申诉' }).click();
    expect(await settled(page, 'evaluation', 'appealed')).toEqual([]);
    // Appealed: nothing more for the department to do on it.
    await expect(page.getByRole('form').count()).resolves.toBe(0);
    expect(await evaluation(setUp.anonymous.id)).toMatchObject({
      state: 'appealed',
      appeal: { reasons: ['该办件因申请人材料不符被依法不予受理', '评价内容与办理事实不符'], from: 'rectifying', by: { officer: 'market.zhang' } },
    });
    await context.close();
  });

  it('the officer answers the complaint routed to the department', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.getByRole('link', { name: '工单' }).click();
    const row = page.getByRole('row').filter({ hasText: '窗口办理拖延' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('投诉');
    await expectAccessible(page, '23-department-tickets');
    await row.getByRole('link', { name: '窗口办理拖延' }).click();

    const article = page.locator(`article[data-ticket="${setUp.routed}"]`);
    await article.waitFor();
    await expect(article.textContent()).resolves.toContain(ZHANG.name);
    await expect(page.getByRole('form', { name: '转交其他部门' }).count()).resolves.toBe(1);
    const form = page.getByRole('form', { name: '答复工单' });
    await form.getByLabel('属实', { exact: true }).check();
    await form.getByLabel('答复内容').fill('经核实，窗口人员未一次性告知，已责令整改并通报批评。');
    await expectAccessible(page, '24-department-ticket');
    await form.getByRole('button', { name: '提交答复' }).click();
    expect(await settled(page, 'ticket', 'answered')).toEqual([]);
    await expectAccessible(page, '25-department-ticket-answered');

    expect(await ticket(setUp.routed)).toMatchObject({
      state: 'answered',
      answer: { outcome: 'substantiated', onTime: true, departmentId: MARKET.id, by: { officer: 'market.zhang' } },
    });
    await context.close();
  });

  it('the reviewer passes the unrouted complaint to the market department (转办)', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'reviewer.zhang');
    await page.getByRole('link', { name: '工单' }).click();
    const row = page.getByRole('row').filter({ hasText: '市场监管窗口服务态度差' });
    await row.waitFor();
    // The received ones by default: the one routed by rule is not among them.
    await expect(page.getByRole('row').filter({ hasText: '窗口办理拖延' }).count()).resolves.toBe(0);
    await expectAccessible(page, '26-reviewer-tickets');
    await row.getByRole('link', { name: '市场监管窗口服务态度差' }).click();

    const form = page.getByRole('form', { name: '转办' });
    // No department chosen: the API's validation, in its words.
    await form.getByRole('button', { name: '转办' }).click();
    const refusal = form.getByRole('alert');
    await expect(refusal.getAttribute('data-code')).resolves.toBe('VALIDATION_FAILED');
    await expect(refusal.textContent()).resolves.toContain('departmentId');
    expect((await ticket(setUp.unrouted)).state).toBe('received');

    await form.getByLabel('承办部门').selectOption(MARKET.id);
    await form.getByLabel('转办说明（可选）').fill('涉及食品经营许可窗口，请市场监管局办理');
    await expectAccessible(page, '27-reviewer-ticket-assign');
    await form.getByRole('button', { name: '转办' }).click();
    expect(await settled(page, 'ticket', 'assigned')).toEqual([]);
    await expect(page.locator('article[data-ticket]').textContent()).resolves.toContain(MARKET.name);

    const assigned = await ticket(setUp.unrouted);
    expect(assigned).toMatchObject({
      state: 'assigned',
      departmentId: MARKET.id,
      round: 1,
      routing: [{ how: 'assign', departmentId: MARKET.id, note: '涉及食品经营许可窗口，请市场监管局办理', by: { officer: 'reviewer.zhang' } }],
    });
    expect(assigned.dueOn).toBe('2026-12-07');
    await context.close();
  });

  it('the officer transfers the complaint assigned to the department to the one responsible', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'market.zhang');
    await page.goto(`${platform.endpoint}/console/#/tickets/${setUp.unrouted}`);
    const form = page.getByRole('form', { name: '转交其他部门' });
    // The departments by name (GET /v1/departments), its own not among them; none chosen, the API refuses, in its words.
    await form.getByLabel('接收部门').locator('option', { hasText: DEPARTMENTS.housing.name }).waitFor({ state: 'attached' });
    const offered = await form.getByLabel('接收部门').locator('option').allTextContents();
    expect(offered).toContain(DEPARTMENTS.housing.name);
    expect(offered).not.toContain(MARKET.name);
    await form.getByLabel('转交理由').fill('投诉涉及施工许可窗口，属住建部门职责');
    await form.getByRole('button', { name: '转交' }).click();
    await expect(form.getByRole('alert').getAttribute('data-code')).resolves.toBe('VALIDATION_FAILED');
    expect((await ticket(setUp.unrouted)).departmentId).toBe(MARKET.id);

    await form.getByLabel('接收部门').selectOption(DEPARTMENTS.housing.id);
    await form.getByRole('button', { name: '转交' }).click();
    // Passed on, it is no longer the department's: the page goes back to its list, where it is not.
    await page.getByText('没有符合条件的工单。').waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    await expectAccessible(page, '28-department-ticket-transferred');
    expect((await as('market').request('GET', `/v1/tickets/${setUp.unrouted}`)).status).toBe(403);

    expect(await ticket(setUp.unrouted)).toMatchObject({
      state: 'assigned',
      departmentId: DEPARTMENTS.housing.id,
      round: 2,
      routing: [{ how: 'assign' }, { how: 'transfer', departmentId: DEPARTMENTS.housing.id, note: '投诉涉及施工许可窗口，属住建部门职责', by: { officer: 'market.zhang' } }],
    });
    await context.close();
  });

  it('the reviewer upholds the appeal: the review stops counting', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'reviewer.zhang');
    await page.getByRole('link', { name: '好差评' }).click();
    const row = page.getByRole('row').filter({ hasText: setUp.anonymous.caseNo });
    await row.waitFor();
    await expect(page.getByRole('row').filter({ hasText: setUp.named.caseNo }).count()).resolves.toBe(0);
    await expectAccessible(page, '29-reviewer-appeals');
    await row.getByRole('link', { name: setUp.anonymous.caseNo }).click();

    const form = page.getByRole('form', { name: '申诉复核' });
    await form.getByLabel('申诉成立（该评价不计入统计）').check();
    await form.getByLabel('复核理由（每行一条，最多 5 条）').fill('经调阅办件记录，不予受理依法有据，评价与事实不符');
    await expectAccessible(page, '30-reviewer-appeal');
    await form.getByRole('button', { name: '申诉复核' }).click();
    expect(await settled(page, 'evaluation', 'excluded')).toEqual([]);
    await expect(page.locator('ol.timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-entry-type')))).resolves.toEqual(['rate', 'appeal', 'uphold']);

    expect(await evaluation(setUp.anonymous.id)).toMatchObject({
      state: 'excluded',
      excluded: true,
      verdict: { decision: 'uphold', reasons: ['经调阅办件记录，不予受理依法有据，评价与事实不符'], by: { officer: 'reviewer.zhang' } },
    });
    await context.close();
  });

  it('the auditor reads both lists and a page, with nothing to act on', async () => {
    const { context, page } = await signedInPage(browser, platform.endpoint, 'auditor.zhang');
    await page.getByRole('link', { name: '好差评' }).click();
    const filters = page.getByRole('form', { name: '筛选评价' });
    await filters.getByLabel('状态').selectOption('excluded');
    await filters.getByRole('button', { name: '查询' }).click();
    const row = page.getByRole('row').filter({ hasText: setUp.anonymous.caseNo });
    await row.waitFor();
    await expectAccessible(page, '31-auditor-evaluations');
    await row.getByRole('link', { name: setUp.anonymous.caseNo }).click();
    await page.locator(`article[data-evaluation="${setUp.anonymous.id}"]`).waitFor();
    // Read only: no form on the page.
    await expect(page.getByRole('form').count()).resolves.toBe(0);

    await page.getByRole('link', { name: '工单' }).click();
    await page.getByRole('row').filter({ hasText: '市场监管窗口服务态度差' }).waitFor();
    await expectAccessible(page, '32-auditor-tickets');
    await page.getByRole('row').filter({ hasText: '市场监管窗口服务态度差' }).getByRole('link').click();
    const article = page.locator(`article[data-ticket="${setUp.unrouted}"]`);
    await article.waitFor();
    // The auditor reads it without the person.
    await expect(article.textContent()).resolves.not.toContain(ZHANG.residentId);
    await expect(page.getByRole('form').count()).resolves.toBe(0);
    await context.close();
  });
});
