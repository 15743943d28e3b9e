// The law's clock rules end to end, on the embedded platform in process (its clock moved through
// October to December 2026), through the CLI as a department uses it and the API as the channel reads the case:
// an extension of the statutory limit (行政许可法 Art. 42), a special procedure with its expected
// length (Art. 45) counted by whole days, and a decision (and a pause) after the promised deadline, whose lateness
// is recorded with it although no sweep ran; and a 容缺 acceptance, whose approval waits for the
// channel to deliver the pending materials; and an online pre-review opinion; and the supervision
// lists of what the sweep finds late on a case's own dates.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOP, ZHANG } from '../support/case-fixtures.ts';
import { BUILDING, FOOD } from '../support/sample-guides.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { runCli, signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = useClockedPlatform('tongban-clock-e2e-', '2026-10-08');
const day = (date: string) => env.day(date);
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

/** Files an application through the API as the portal, uploading the guide's materials that `only` picks (default: the required ones); answers the filing's body. */
async function file(guide: typeof FOOD, applicant: Json, only: (m: (typeof FOOD.materials)[number]) => boolean = (m) => m.required): Promise<Json> {
  const materials: Json = {};
  for (const m of guide.materials.filter(only)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
  const filed = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: guide.implementationCode, applicant, form: {}, materials },
  });
  return filed.body as Json;
}

describe('the clock rules of the 行政许可法, as a department and a channel use them', () => {
  let caseNo: string;

  it('extends the statutory limit once, approved by the head, and the channel sees it with its reasons', async () => {
    // Prepare: accepted Thu 8 Oct (promised 10 → 21 Oct, statutory 20 → 4 Nov)
    day('2026-10-08');
    caseNo = (await file(FOOD, ZHANG)).caseNo;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);

    // Act
    day('2026-10-12');
    const extended = await cli('cases', 'extend', caseNo, '--days', '10', '--approved-by', '王局长', '--reason', '需组织专家论证', '--as', 'market');
    const twice = await cli('cases', 'extend', caseNo, '--days', '2', '--approved-by', '王局长', '--reason', '再延', '--as', 'market');
    const seen = (await as('portal').request('GET', `/v1/cases/${caseNo}`)).body as Json;

    // Assess: statutory 4 Nov + 10 → 18 Nov
    expect(extended.code, extended.err).toBe(0);
    expect(extended.out).toContain('延长 extended on 2026-10-12 by 10 working days, approved by 王局长: 需组织专家论证');
    expect(twice.code).toBe(1);
    expect(twice.err + twice.out).toContain('CASE_ALREADY_EXTENDED');
    expect(seen).toMatchObject({ extension: { days: 10, approvedBy: '王局长', reasons: ['需组织专家论证'] }, deadlines: { promised: '2026-10-21', statutory: '2026-11-18' } });
  });

  it('pauses for a special procedure with its expected length, which the channel sees, and counts only whole days stood still', async () => {
    // Act: paused Tue 13 Oct for testing, expected 3 working days (14, 15, 16 Oct); resumed Fri 16 Oct
    day('2026-10-13');
    const paused = await cli('cases', 'pause', caseNo, '--procedure', '检验检测', '--reason', '样品送检', '--days', '3', '--as', 'market');
    const seen = (await as('portal').request('GET', `/v1/cases/${caseNo}`)).body as Json;
    const withoutDays = await cli('cases', 'pause', caseNo, '--procedure', '检验检测', '--reason', '样品送检', '--as', 'market');
    day('2026-10-16');
    const resumed = (await as('market').request('POST', `/v1/cases/${caseNo}/resume`, { body: {} })).body as Json;

    // Assess: 14 and 15 Oct stood still in full: both deadlines move by two working days
    expect(paused.code, paused.err).toBe(0);
    expect(paused.out).toContain('预计 expected 3 working days (until 2026-10-16)');
    expect(seen.pauses).toEqual([{ from: '2026-10-13', procedure: 'testing', reason: '样品送检', expectedDays: 3, expectedUntil: '2026-10-16' }]);
    expect(withoutDays.code).toBe(2);
    expect(resumed.deadlines).toEqual({ promised: '2026-10-23', statutory: '2026-11-20' });
  });

  it('records the lateness with a decision made after the promised deadline, though no sweep ran', async () => {
    day('2026-10-26');
    const decided = (await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } })).body as Json;
    const overdue = ((await as('reviewer').request('GET', '/v1/supervision/overdue')).body as Json).cases as Json[];

    expect(decided).toMatchObject({ status: 'decided', supervision: 'overdue', supervisionDeadline: '2026-10-23' });
    expect(overdue.map((c) => [c.caseNo, c.passedDeadline])).toEqual([[caseNo, '2026-10-23']]);
  });

  it('accepts with materials pending (容缺), refuses an approval until the channel delivers them through the CLI, then approves', async () => {
    // Prepare: filed on Mon 2 Nov without the two tolerable materials; accepted with them due 16 Nov
    day('2026-11-02');
    const filed = (await file(FOOD, ZHANG, (m) => m.required && !m.tolerable)).caseNo as string;
    const pending = ['经营场所平面布局图', '食品安全管理制度文本'];
    expect((await as('market').request('POST', `/v1/cases/${filed}/accept`, { body: { pendingMaterials: pending, pendingDueOn: '2026-11-16' } })).status).toBe(200);
    const layout = join(env.dataDir, 'layout.pdf');
    const rules = join(env.dataDir, 'rules.pdf');
    await writeFile(layout, `%PDF-1.7\nlayout ${randomUUID()}\n%%EOF\n`);
    await writeFile(rules, `%PDF-1.7\nrules ${randomUUID()}\n%%EOF\n`);

    // Act
    const tooSoon = await as('market').request('POST', `/v1/cases/${filed}/decide`, { body: { outcome: 'approved' } });
    day('2026-11-05');
    const delivered = await cli('cases', 'deliver', filed, '--material', `经营场所平面布局图=${layout}`, '--material', `食品安全管理制度文本=${rules}`, '--as', 'portal');
    const approved = await as('market').request('POST', `/v1/cases/${filed}/decide`, { body: { outcome: 'approved' } });

    // Assess
    expect([tooSoon.status, (tooSoon.body as Json).error.code]).toEqual([409, 'CASE_PENDING_MATERIALS_OUTSTANDING']);
    expect(delivered.code, delivered.err).toBe(0);
    expect(delivered.out).toContain('已补交 delivered 经营场所平面布局图 (2026-11-05), 食品安全管理制度文本 (2026-11-05)');
    expect(approved.status).toBe(200);
    expect((approved.body as Json).acceptance).toMatchObject({
      pendingMaterials: [],
      delivered: [
        { material: '经营场所平面布局图', on: '2026-11-05' },
        { material: '食品安全管理制度文本', on: '2026-11-05' },
      ],
    });
  });

  it('gives the online pre-review opinion through the CLI where the item offers it; the channel reads it with the next steps', async () => {
    // Prepare: a building permit (online pre-review) filed Mon 9 Nov: the opinion is due Wed 11 Nov
    day('2026-11-09');
    const filed = await file(BUILDING, SHOP);

    // Act
    day('2026-11-10');
    const given = await cli(
      'cases',
      'pre-review',
      filed.caseNo,
      '--outcome',
      'incomplete',
      '--missing',
      '施工图设计文件审查合格书',
      '--next-steps',
      '补正后再次提交',
      '--as',
      'housing',
    );
    const seen = (await as('portal').request('GET', `/v1/cases/${filed.caseNo}`)).body as Json;

    // Assess
    expect(filed.case).toMatchObject({ preReviewOffered: true, preReviewDue: '2026-11-11' });
    expect(given.code, given.err).toBe(0);
    expect(given.out).toContain('预审 pre-review on 2026-11-10: 材料不全 incomplete: 施工图设计文件审查合格书 · 下一步 next: 补正后再次提交');
    expect(seen.preReview).toEqual({ outcome: 'incomplete', missing: ['施工图设计文件审查合格书'], nextSteps: '补正后再次提交', on: '2026-11-10', late: false });
  });

  it('puts what the sweep finds late on its supervision list: a pre-review not given, a procedure past its length, 容缺 materials not delivered', async () => {
    // Prepare, on Mon 16 Nov: a building permit filed (pre-review due Wed 18 Nov); a food licence
    // accepted with two materials pending until Fri 20 Nov; one paused for 2 working days (until Wed 18 Nov).
    day('2026-11-16');
    const building = (await file(BUILDING, SHOP)).caseNo as string;
    const pending = (await file(FOOD, ZHANG, (m) => m.required && !m.tolerable)).caseNo as string;
    const paused = (await file(FOOD, ZHANG)).caseNo as string;
    expect(
      (
        await as('market').request('POST', `/v1/cases/${pending}/accept`, {
          body: { pendingMaterials: ['经营场所平面布局图', '食品安全管理制度文本'], pendingDueOn: '2026-11-20' },
        })
      ).status,
    ).toBe(200);
    expect((await as('market').request('POST', `/v1/cases/${paused}/accept`, { body: {} })).status).toBe(200);
    expect((await as('market').request('POST', `/v1/cases/${paused}/pause`, { body: { procedure: 'testing', reason: '样品送检', expectedDays: 2 } })).status).toBe(200);
    const listed = async (kind: string) =>
      (((await as('reviewer').request('GET', `/v1/supervision/${kind}`)).body as Json).cases as Json[]).map((c) => [c.caseNo, c.passedDeadline]);
    const mine = (rows: unknown[][]) => rows.filter(([no]) => [building, pending, paused].includes(no as string));

    // Act: nothing found on a due day itself (Wed 18 Nov); the sweep of Mon 23 Nov finds all three
    day('2026-11-18');
    await env.platform.scheduled.sweep();
    const onDueDays = [...mine(await listed('pre-review-late')), ...mine(await listed('procedure-overrun')), ...mine(await listed('materials-late'))];
    day('2026-11-23');
    const report = await env.platform.scheduled.sweep();
    const cliList = await cli('supervision', 'procedure-overrun', '--as', 'reviewer');
    const byDepartment = await cli('supervision', 'materials-late', '--as', 'market');
    const seen = (await as('portal').request('GET', `/v1/cases/${pending}`)).body as Json;

    // Assess
    expect(onDueDays).toEqual([]);
    expect(report.findingsRecorded).toBe(3);
    expect(report.failed).toEqual([]);
    expect(mine(await listed('pre-review-late'))).toEqual([[building, '2026-11-18']]);
    expect(mine(await listed('procedure-overrun'))).toEqual([[paused, '2026-11-18']]);
    expect(mine(await listed('materials-late'))).toEqual([[pending, '2026-11-20']]);
    expect(cliList.code, cliList.err).toBe(0);
    expect(cliList.out).toContain(paused);
    expect(cliList.out).toContain('特别程序超时 procedure-overrun');
    expect(byDepartment.code).toBe(1);
    expect(byDepartment.err + byDepartment.out).toContain('ROLE_FORBIDDEN');
    expect(seen.findings).toEqual([{ kind: 'materials-late', due: '2026-11-20', on: '2026-11-23' }]);
  });

  it('records the lateness with a pause made after the promised deadline, though no sweep ran', async () => {
    // Prepare: accepted Tue 24 Nov (promised 10 working days: 25-27, 30 Nov, 1-4, 7, 8 Dec → Tue 8 Dec)
    day('2026-11-24');
    const late = (await file(FOOD, ZHANG)).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${late}/accept`, { body: {} })).body).toMatchObject({ deadlines: { promised: '2026-12-08' } });

    // Act: paused on Wed 9 Dec
    day('2026-12-09');
    const paused = await cli('cases', 'pause', late, '--procedure', 'expert-review', '--reason', '专家评审', '--days', '5', '--as', 'market');
    const seen = (await as('market').request('GET', `/v1/cases/${late}`)).body as Json;
    const overdue = ((await as('reviewer').request('GET', '/v1/supervision/overdue')).body as Json).cases as Json[];

    // Assess: the pause takes the deadlines away, not the lateness
    expect(paused.code, paused.err).toBe(0);
    expect(seen).toMatchObject({ supervision: 'overdue', supervisionDeadline: '2026-12-08' });
    expect(seen.deadlines).toBeUndefined();
    expect(overdue.filter((c) => c.caseNo === late).map((c) => c.passedDeadline)).toEqual(['2026-12-08']);
  });
});
