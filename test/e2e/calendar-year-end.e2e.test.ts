// The legal clock across the year end, with no 2027 holiday arrangement loaded — as the platform runs
// every December until the State Council publishes the next year's: the embedded platform in process,
// its clock moved from 7 December 2026 to 6 January 2027, every call signed over HTTP. Nothing stops:
// dates reaching into 2027 are counted provisionally on its statutory holidays (元旦 on Fri 1 Jan, the
// weekend after it) and marked so, each deadline on its own; departments act on cases received in
// December; the sweep deems, marks and goes on; a provisional date makes nobody late.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LI, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { BUILDING, FOOD } from '../support/sample-guides.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { runCli, signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = useClockedPlatform('tongban-year-end-e2e-', '2026-12-07');
const day = (date: string) => env.day(date);
const as = signedClients(() => env.platform);

async function file(guide: typeof FOOD, applicant: Json): Promise<Json> {
  const materials: Json = {};
  for (const m of guide.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
  const res = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: guide.implementationCode, applicant, form: {}, materials },
  });
  expect(res.status).toBe(201);
  return res.body as Json;
}
const act = async (who: string, caseNo: string, action: string, body: Json = {}) => {
  const res = await as(who).request('POST', `/v1/cases/${caseNo}/${action}`, { body });
  return [res.status, res.body as Json] as const;
};
const show = async (caseNo: string, who = 'market') => (await as(who).request('GET', `/v1/cases/${caseNo}`)).body as Json;
const listed = async (kind: 'overdue' | 'violation') => (((await as('reviewer').request('GET', `/v1/supervision/${kind}`)).body as Json).cases as Json[]).map((c) => c.caseNo);

describe('across the year end without the 2027 arrangement', () => {
  const cases: Record<string, string> = {};

  it('gives a case accepted on 7 Dec its promised deadline in 2026, officially, and its statutory one provisionally', async () => {
    // Food licence: promised 10 working days → Dec 8-11, 14-18, Mon 21 Dec; statutory 20 → Dec 22-25,
    // 28-31 (18), [Fri 1 Jan 元旦, the weekend], Mon 4 (19), Tue 5 Jan 2027 (20): provisional.
    day('2026-12-07');
    cases.a = (await file(FOOD, ZHANG)).caseNo;
    const [status, accepted] = await act('market', cases.a!, 'accept');

    expect(status).toBe(200);
    expect(accepted.deadlines).toEqual({ promised: '2026-12-21', statutory: '2027-01-05' });
    expect(accepted.provisional).toEqual(['deadlines.statutory']);
    expect(accepted.calendarVersions).toEqual({ 2026: 1, 2027: 0 });
    const shown = await runCli(env.platform.credentialsPath, 'cases', 'show', cases.a!, '--as', 'market');
    expect(shown.out).toContain('承诺 promised 2026-12-21 · 法定 statutory 2027-01-05 (暂定 provisional)');
  });

  it('puts it on the overdue list on 22 Dec, the day after its promised deadline', async () => {
    day('2026-12-14');
    cases.g = (await file(FOOD, LI)).caseNo; // promised 10: Dec 15-18, 21-25, Mon 28 Dec
    await act('market', cases.g!, 'accept');
    day('2026-12-21');
    cases.e = (await file(FOOD, SHOP)).caseNo; // nobody answers: due Dec 22-25, Mon 28 Dec
    day('2026-12-22');

    const report = await env.platform.scheduled.sweep();

    expect(report).toMatchObject({ markedOverdue: 1, failed: [] });
    expect(await listed('overdue')).toEqual([cases.a]);
  });

  it('files on 28 Dec with an answer due in 2027, provisionally, and says so on the receipt', async () => {
    day('2026-12-28');
    const filed = await Promise.all([file(FOOD, ZHANG), file(FOOD, LI), file(FOOD, SHOP), file(BUILDING, SHOP)]);
    [cases.b, cases.c, cases.d, cases.h] = filed.map((f) => f.caseNo);

    // 29, 30, 31 Dec, [1-3 Jan], Mon 4, Tue 5 Jan 2027; the pre-review opinion (2 days) is due 30 Dec.
    for (const f of filed) {
      expect(f.receipt).toMatchObject({ preReviewDue: '2026-12-30', answerDueOn: '2027-01-05', provisional: ['answerDueOn'] });
      expect(f.case.provisional).toEqual(['deemedAcceptedOn']);
    }
  });

  it('lets the departments accept, refuse and ask for supplements on 4 Jan 2027, with no 2027 data', async () => {
    day('2027-01-04');

    const [accepted, refused, supplement, housing] = await Promise.all([
      act('market', cases.b!, 'accept'),
      act('market', cases.c!, 'refuse', { reasons: ['不属于本机关职权范围'] }),
      act('market', cases.d!, 'supplement-request', { problems: [{ material: '营业执照', problem: '复印件不清晰' }] }),
      act('housing', cases.h!, 'accept'),
    ]);

    expect([accepted[0], refused[0], supplement[0], housing[0]]).toEqual([200, 200, 200, 200]);
    // Accepted Mon 4 Jan: promised 10 → 5-8, 11-15, Mon 18 Jan; both provisional.
    expect(accepted[1]).toMatchObject({ status: 'accepted', deadlines: { promised: '2027-01-18' }, provisional: ['deadlines.promised', 'deadlines.statutory'] });
    expect([refused[1].status, supplement[1].status, housing[1].status]).toEqual(['refused', 'supplement-requested', 'accepted']);
  });

  it('has the sweep deem, mark and go on on 4 Jan, and no provisional date makes a case late', async () => {
    const report = await env.platform.scheduled.sweep();

    // E (filed 21 Dec, due 28 Dec) deemed accepted as of 21 Dec; G overdue (promised 28 Dec, official).
    expect(report).toMatchObject({ today: '2027-01-04', deemedAccepted: 1, markedOverdue: 1, markedViolation: 0, failed: [] });
    expect(await show(cases.e!)).toMatchObject({ status: 'accepted', acceptance: { on: '2026-12-21', mode: 'deemed' } });
    expect((await listed('overdue')).sort()).toEqual([cases.a, cases.g].sort());

    // Wed 6 Jan: A is past its statutory deadline (5 Jan), but that date is provisional.
    day('2027-01-06');
    const later = await env.platform.scheduled.sweep();
    expect(later).toMatchObject({ markedViolation: 0, failed: [] });
    expect(await listed('violation')).toEqual([]);
  });

  it('checks a planned suspension’s five working days on the provisional count', async () => {
    // On Wed 6 Jan: 7, 8, 11, 12, 13 Jan → the earliest effective day is Wed 13 Jan 2027.
    const latest = (await as('market').request('GET', `/v1/items/${FOOD.implementationCode}/versions/latest`)).body as Json;
    const tooSoon = await as('market').request('POST', `/v1/items/${FOOD.implementationCode}/suspend`, {
      body: { baseVersion: latest.version, kind: 'planned', effectiveFrom: '2027-01-12', reason: '系统升级' },
    });
    const planned = await as('market').request('POST', `/v1/items/${FOOD.implementationCode}/suspend`, {
      body: { baseVersion: latest.version, kind: 'planned', effectiveFrom: '2027-01-13', reason: '系统升级' },
    });

    expect([tooSoon.status, (tooSoon.body as Json).error.code]).toEqual([400, 'SUSPENSION_NOTICE_TOO_SHORT']);
    expect((tooSoon.body as Json).error.message).toContain('2027-01-13 (provisional');
    expect(planned.status).toBe(200);
  });

  it('makes the dates official once the platform loads 2027 — through the CLI — and the sweep marks what is now late', async () => {
    // Prepare: 2027 as a test fixture (the law's days off, nothing else: not the State Council's arrangement)
    const file = join(env.dataDir, 'cn-2027.json');
    await writeFile(file, JSON.stringify(statutoryArrangement(2027)));
    const worked = statutoryArrangement(2027);
    worked.holidays = worked.holidays.filter((h) => h.name !== '清明节'); // Mon 5 Apr 2027 worked

    // Act
    const byDepartment = await runCli(env.platform.credentialsPath, 'calendar', 'load', file, '--as', 'market');
    const refused = await as('reviewer').request('PUT', '/v1/calendar/2027', { body: worked });
    const loaded = await runCli(env.platform.credentialsPath, 'calendar', 'load', file, '--as', 'reviewer');
    const report = await env.platform.scheduled.sweep();
    const listed2 = await runCli(env.platform.credentialsPath, 'calendar', 'list', '--as', 'portal');
    const shown = await runCli(env.platform.credentialsPath, 'calendar', 'show', '2027', '--as', 'auditor');
    const health = (await (await fetch(`${env.platform.endpoint}/health`)).json()) as Json;

    // Assess
    expect(byDepartment.code).toBe(1);
    expect(byDepartment.err + byDepartment.out).toContain('ROLE_FORBIDDEN');
    expect([refused.status, (refused.body as Json).error.code, (refused.body as Json).error.field]).toEqual([400, 'VALIDATION_FAILED', 'holidays']);
    expect((refused.body as Json).error.message).toContain('2027-04-05 is a statutory holiday');
    expect(loaded.code, loaded.err).toBe(0);
    expect(loaded.out).toContain('2027 version 1 loaded by reviewer');
    // Every open case computed again; A's statutory deadline (5 Jan) is official now, and past.
    expect(report).toMatchObject({ calendar: { changed: true, loadedUntil: '2027-12-31' }, markedViolation: 1, failed: [] });
    expect(report.deadlinesCompleted).toBeGreaterThanOrEqual(4);
    expect(await listed('violation')).toEqual([cases.a]);
    const b = await show(cases.b!);
    expect(b.provisional).toBeUndefined();
    expect(b.calendarVersions).toEqual({ 2027: 1 });
    // Accepted Mon 4 Jan: statutory 20 → 5-8, 11-15, 18-22, 25-29 Jan, Mon 1 Feb.
    expect(b.deadlines).toEqual({ promised: '2027-01-18', statutory: '2027-02-01' });
    const history = ((await as('market').request('GET', `/v1/cases/${cases.a}/history`)).body as Json).entries as Json[];
    expect(history.map((e) => e.type)).toEqual(['file', 'accept', 'seal-notices', 'mark-overdue', 'recompute-dates', 'mark-violation']);
    expect(listed2.out).toContain('loaded until 2027-12-31');
    expect(shown.out).toContain('链校验通过 / chain intact');
    expect(shown.out).toContain('versions: 1 (reviewer');
    expect(health.calendar).toEqual({ loadedUntil: '2027-12-31', daysLeft: 359, years: [2026, 2027] });
  });

  it('says at start when the loaded holiday data does not cover the coming days', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tongban-year-end-start-'));
    const started = await startPlatformProcess(dir, '2027-01-04T02:00:00Z');
    try {
      expect(started.output()).toContain('the official holiday arrangement of 2027 is not loaded: dates are counted provisionally on its statutory holidays');
    } finally {
      await started.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
