// Supervision findings end to end on the embedded platform with its clock moved (TONGBAN_CLOCK_START's
// clock, in process): a case refused without reasons worth the name raises a red finding through the
// case events and the watch function; the department answers it, the platform returns it and closes it
// (API and CLI); another, not answered in time, escalates on the watch's tick and stays answerable;
// the sweep run twice and every case event replayed through the bus raise no second finding.
import { describe, expect, it } from 'vitest';
import { LOCAL_CASE_EVENT_BUS } from '../../infra/local/case-event-plumbing.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, runCli, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

const env = useClockedPlatform('tongban-findings-', '2026-11-02');
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

/** Files a case as the portal and has the market department refuse it with reasons that say next to nothing. */
async function refusedWithoutReasons(): Promise<string> {
  const filed = await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT);
  expect(filed.status).toBe(201);
  const caseNo = (filed.body as Json).caseNo as string;
  expect((await as('market').request('POST', `/v1/cases/${caseNo}/refuse`, { body: { reasons: ['不符合'] } })).status).toBe(200);
  await env.platform.caseEvents.drained();
  return caseNo;
}

async function findingsOf(caseNo: string): Promise<Json[]> {
  const res = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { case: caseNo, limit: '100' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as Json).findings as Json[];
}

const cases: string[] = [];

describe('supervision findings on the embedded platform', () => {
  it('raises a red finding on a refusal without reasons; the department answers, the platform returns it, then closes it', async () => {
    // Prepare
    env.day('2026-11-02');
    const caseNo = await refusedWithoutReasons();
    cases.push(caseNo);

    // Act
    const [finding] = await findingsOf(caseNo);
    const id = finding!.id as string;
    const listed = await cli('supervision', 'findings', '--as', 'market', '--rule', 'reasons-missing');
    env.day('2026-11-03');
    const answered = await cli('supervision', 'respond', id, '--rectify', '--text', '已补充说明不予受理的事实和法律依据', '--as', 'market');
    const foreign = await as('housing').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'explain', text: '不是本部门' } });
    const returned = await cli('supervision', 'return', id, '--reason', '未说明所依据的条款', '--as', 'reviewer');
    const byDepartment = await as('market').request('POST', `/v1/supervision/findings/${id}/close`, { body: {} });
    env.day('2026-11-04');
    const again = await as('market').request('POST', `/v1/supervision/findings/${id}/response`, {
      body: { kind: 'rectify', text: '已依据食品安全法第三十五条重新出具不予受理通知书' },
    });
    const closed = await cli('supervision', 'close', id, '--note', '整改到位', '--as', 'reviewer');
    const view = await as('auditor').request('GET', `/v1/supervision/findings/${id}`);
    const shown = await cli('supervision', 'finding', id, '--as', 'auditor');
    const byLead = await cli('cases', 'show', caseNo, '--as', 'market');
    const byChannel = await as('portal').request('GET', `/v1/cases/${caseNo}`);

    // Assess
    expect(finding).toMatchObject({
      rule: 'reasons-missing',
      severity: 'red',
      state: 'open',
      subject: { kind: 'case', caseNo },
      occurrence: 'refusal',
      raisedOn: '2026-11-02',
      dueOn: '2026-11-05',
      late: false,
    });
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(id);
    expect([answered.code, returned.code, closed.code]).toEqual([0, 0, 0]);
    expect(returned.out).toContain('已退回');
    expect([foreign.status, (foreign.body as Json).error.code]).toEqual([403, 'FINDING_FORBIDDEN']);
    expect(byDepartment.status).toBe(403);
    expect(again.status).toBe(200);
    expect((view.body as Json).finding).toMatchObject({ state: 'closed', closure: { note: '整改到位', by: { name: 'reviewer' } } });
    expect(((view.body as Json).history as Json[]).map((e) => e.type)).toEqual(['raise', 'respond', 'return', 'respond', 'close']);
    expect((view.body as Json).check).toEqual({ ok: true });
    expect(shown.out).toContain('链校验通过');
    // The case shows its findings to its department, not to the channel that filed it.
    expect(byLead.out).toContain(`监察预警 ${id}: reasons-missing (红) 已办结`);
    expect(byChannel.status).toBe(200);
    expect((byChannel.body as Json).supervisionFindings).toBeUndefined();
  });

  it('escalates a red finding not answered by its due day on the watch tick; it can still be answered', async () => {
    // Prepare
    env.day('2026-11-02');
    const caseNo = await refusedWithoutReasons();
    cases.push(caseNo);
    const [finding] = await findingsOf(caseNo);
    const id = finding!.id as string;

    // Act
    env.day('2026-11-05');
    await env.platform.caseEvents.deliver();
    const onDueDay = (await findingsOf(caseNo))[0]!;
    env.day('2026-11-06');
    await env.platform.caseEvents.deliver();
    const escalated = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { state: 'escalated', limit: '100' } });
    const answered = await as('market').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'explain', text: '承办人休假，已安排专人处理' } });

    // Assess
    expect(onDueDay).toMatchObject({ state: 'open', late: false });
    expect(((escalated.body as Json).findings as Json[]).find((f) => f.id === id)).toMatchObject({ state: 'escalated', escalatedOn: '2026-11-06' });
    expect(answered.body).toMatchObject({ state: 'answered', escalatedOn: '2026-11-06' });
  });

  it('raises nothing again when the sweep runs twice and every case event is replayed', async () => {
    // Prepare
    const before = await Promise.all(cases.map(async (c) => (await findingsOf(c)).map((f) => `${f.id as string}:${f.version as number}`)));

    // Act
    await env.platform.scheduled.sweep();
    await env.platform.scheduled.sweep();
    const { replayed } = await env.platform.caseEvents.bus.replay({ bus: LOCAL_CASE_EVENT_BUS, from: new Date(0), to: new Date(Date.now() + 60_000) });
    await env.platform.caseEvents.drained();
    const after = await Promise.all(cases.map(async (c) => (await findingsOf(c)).map((f) => `${f.id as string}:${f.version as number}`)));
    const byKind = await as('reviewer').request('GET', '/v1/supervision/overdue');

    // Assess
    expect(replayed).toBeGreaterThan(0);
    expect(after).toEqual(before);
    expect(after.map((ids) => ids.length)).toEqual([1, 1]);
    // The case lists keep their own route beside the findings'.
    expect(byKind.status).toBe(200);
  });
});
