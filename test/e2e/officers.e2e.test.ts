// Named officers end to end on the embedded platform (issue 19 point 2; 002 §13: every handling stage
// has its named handler): two officers of the market department act on one case — one accepts, the
// other decides through the CLI with --officer — and each history entry, the acceptance notice, the
// answer to a supervision finding, the reviewer's return of it and the answer to a complaint record
// the officer beside the principal; the department's own key pair, which names no officer, is refused.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, runCli, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

const env = useClockedPlatform('tongban-officers-', '2026-11-02');
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

async function filed(): Promise<string> {
  const res = await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as Json).caseNo as string;
}

/** Who acted in each entry of a case's history, by entry type. */
async function actorsOf(caseNo: string): Promise<[string, Json][]> {
  const res = await as('auditor', 'auditor.zhang').request('GET', `/v1/cases/${caseNo}/history`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect((res.body as Json).check).toEqual({ ok: true });
  return ((res.body as Json).entries as Json[]).map((e) => [e.type as string, e.actor as Json]);
}

describe('named officers on the embedded platform', () => {
  it('gives every named principal its officers, each with a key pair of its own, in credentials.json', () => {
    const { principals } = env.platform.credentials;

    expect(Object.keys(principals.market!.officers ?? {})).toEqual(['market.zhang', 'market.li']);
    expect(principals.market!.officers!['market.li']!.arn).toBe('arn:aws:sts::000000000000:assumed-role/tongban-local-market/market.li');
    expect(Object.keys(principals.reviewer!.officers ?? {})).toHaveLength(2);
    expect(Object.keys(principals.auditor!.officers ?? {})).toHaveLength(2);
    expect(principals.portal!.officers).toBeUndefined();
    const keys = Object.values(principals).flatMap((p) => [p.accessKeyId, ...Object.values(p.officers ?? {}).map((o) => o.accessKeyId)]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('records the officer of every action on a case, and in the notice the action owes', async () => {
    // Prepare
    env.day('2026-11-02');
    const caseNo = await filed();

    // Act: one officer accepts, the other decides through the CLI.
    const accepted = await as('market', 'market.zhang').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    const decided = await cli('cases', 'decide', caseNo, '--outcome', 'approved', '--as', 'market', '--officer', 'market.li');
    await env.platform.caseEvents.drained();
    const actors = await actorsOf(caseNo);
    const state = (await as('market', 'market.li').request('GET', `/v1/cases/${caseNo}`)).body as Json;

    // Assess
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(decided.code, decided.err).toBe(0);
    expect(actors.find(([type]) => type === 'file')![1]).toEqual({ name: 'portal', role: 'channel' });
    expect(actors.find(([type]) => type === 'accept')![1]).toEqual({ name: 'market', role: 'department', officer: 'market.zhang' });
    expect(actors.find(([type]) => type === 'decide')![1]).toEqual({ name: 'market', role: 'department', officer: 'market.li' });
    const notices: Json[] = [
      ...((state.notices ?? []) as Json[]).map((n) => JSON.parse(n.document as string) as Json),
      ...((state.noticesDue ?? []) as Json[]).map((n) => n.content as Json),
    ];
    expect(notices.find((n) => n.kind === 'acceptance')).toMatchObject({ department: FOOD.departmentId, officer: 'market.zhang' });
  });

  it('records the officer who answers a finding and the reviewer who returns it', async () => {
    // Prepare: a refusal without reasons worth the name raises a finding the department must answer.
    env.day('2026-11-03');
    const caseNo = await filed();
    expect((await as('market', 'market.zhang').request('POST', `/v1/cases/${caseNo}/refuse`, { body: { reasons: ['不符合'] } })).status).toBe(200);
    await env.platform.caseEvents.drained();
    const listed = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { case: caseNo } });
    const id = ((listed.body as Json).findings as Json[])[0]!.id as string;

    // Act
    const answered = await as('market', 'market.li').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'explain', text: '已补充说明不予受理的依据' } });
    const returned = await cli('supervision', 'return', id, '--reason', '未说明所依据的条款', '--as', 'reviewer', '--officer', 'reviewer.li');
    const view = (await as('auditor', 'auditor.li').request('GET', `/v1/supervision/findings/${id}`)).body as Json;

    // Assess
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(returned.code, returned.err).toBe(0);
    expect(view.finding.responses[0].by).toEqual({ name: 'market', role: 'department', officer: 'market.li' });
    expect(view.finding.returns[0].by).toEqual({ name: 'reviewer', role: 'platform', officer: 'reviewer.li' });
    expect((view.history as Json[]).map((e) => [e.type, e.actor.officer])).toEqual([
      ['raise', undefined],
      ['respond', 'market.li'],
      ['return', 'reviewer.li'],
    ]);
    expect(view.check).toEqual({ ok: true });
  });

  it("records the officer who answers a complaint, beside the department's principal", async () => {
    // Prepare
    const complaint = { kind: 'complaint', about: { item: FOOD.implementationCode }, person: APPLICANT, subject: '窗口办理拖延', text: '申请材料齐全，窗口人员拖延不予受理。' };
    const filedTicket = await as('portal').request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': randomUUID() }, body: complaint });
    expect(filedTicket.status, JSON.stringify(filedTicket.body)).toBe(201);
    const id = (filedTicket.body as Json).id as string;

    // Act
    const answered = await as('market', 'market.zhang').request('POST', `/v1/tickets/${id}/answer`, { body: { text: '已核实并督促窗口当日受理。' } });
    const view = (await as('reviewer', 'reviewer.zhang').request('GET', `/v1/tickets/${id}`)).body as Json;

    // Assess
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect((view.history as Json[]).at(-1)!.actor).toEqual({ name: 'market', role: 'department', officer: 'market.zhang' });
    expect(JSON.stringify(view.ticket)).toContain('"officer":"market.zhang"');
  });

  it('tells each caller who the platform takes it for (GET /v1/me): the principal, its department or channel, the officer', async () => {
    // Act
    const officer = await as('market', 'market.li').request('GET', '/v1/me');
    const channel = await as('hall-window').request('GET', '/v1/me');
    const reviewer = await as('reviewer', 'reviewer.li').request('GET', '/v1/me');
    const unnamed = await as('market', null).request('GET', '/v1/me');

    // Assess
    expect(officer.status, JSON.stringify(officer.body)).toBe(200);
    expect(officer.body).toEqual({
      principal: 'market',
      role: 'department',
      department: { id: FOOD.departmentId, name: expect.stringContaining('市场监督管理') },
      officer: 'market.li',
    });
    expect(channel.body).toEqual({
      principal: 'hall-window',
      role: 'channel',
      channel: { id: 'city-hall-window', name: '昆明市政务服务中心综合窗口', kind: 'service-hall-window' },
    });
    expect(reviewer.body).toEqual({ principal: 'reviewer', role: 'platform', officer: 'reviewer.li' });
    expect(unnamed.status).toBe(403);
    expect((unnamed.body as Json).error).toMatchObject({ code: 'OFFICER_REQUIRED' });
  });

  it('lists the departments with their names to every caller (GET /v1/departments)', async () => {
    // Act
    const officer = await as('market', 'market.li').request('GET', '/v1/departments');
    const channel = await as('portal').request('GET', '/v1/departments');

    // Assess
    expect(officer.status, JSON.stringify(officer.body)).toBe(200);
    expect((officer.body as Json).departments).toEqual(Object.values(DEPARTMENTS));
    expect(channel.body).toEqual(officer.body);
  });

  it("refuses the department's own key pair, which names no officer, and the CLI without --officer", async () => {
    // Act
    const unnamed = await as('market', null).request('GET', '/v1/cases', { query: { limit: '1' } });
    const reviewerUnnamed = await as('reviewer', null).request('GET', '/v1/supervision/findings');
    const channel = await as('portal').request('GET', '/v1/cases', { query: { limit: '1' } });
    const unknownOfficer = await cli('cases', 'list', '--as', 'market', '--officer', 'market.wang');

    // Assess
    expect(unnamed.status).toBe(403);
    expect((unnamed.body as Json).error).toMatchObject({ code: 'OFFICER_REQUIRED' });
    expect((unnamed.body as Json).error.messageZh).toContain('具名经办人');
    expect(reviewerUnnamed.status).toBe(403);
    expect(channel.status).toBe(200);
    expect(unknownOfficer.code).toBe(2);
    expect(unknownOfficer.err).toContain('market.zhang, market.li');
  });
});
