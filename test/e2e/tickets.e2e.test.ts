// Consultations, complaints and corrections end to end on the embedded platform with its clock moved
// (Fri 6 Nov 2026 on): a complaint about an item routed to its department, passed on to another, late
// past its due day (the finding is the watch's daily pass), answered late and rated; a consultation
// about a case the channel filed answered on time and rated through the CLI; one about nothing named
// passed on by the platform role (转办); the same Idempotency-Key answering the same receipt; and the
// access matrix — another channel, another department, the auditor — with no 越权 and nothing of
// another person's data; a licence corrected on a correction request, and a case record corrected on one
// (更正, 000 §30) — also after its archiving, the bundle untouched.
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { caseStateDigest } from '../../shared/domain/cases/case-history.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, runCli, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const PERSON = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };
const OTHER_PERSON = { kind: 'person', residentId: `53010219900202002${residentIdCheckChar('53010219900202002')}`, name: '李四', phone: '13900139000' };

const env = useClockedPlatform('tongban-tickets-', '2026-11-06');
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

async function file(principal: string, body: Json, key = randomUUID()): Promise<{ status: number; body: Json }> {
  const res = await as(principal).request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': key }, body });
  return { status: res.status, body: res.body as Json };
}

const complaint = { kind: 'complaint', about: { item: FOOD.implementationCode }, person: PERSON, subject: '窗口办理拖延', text: '申请材料齐全，窗口人员以各种理由拖延不予受理。' };

const shared: { complaint?: string } = {};

describe('tickets on the embedded platform', () => {
  it('routes a complaint from its item, passes it on, finds it late past its due day, takes the late answer and the rating', async () => {
    // Prepare: filed on Friday 6 November: the market department owes the answer in 10 working days.
    env.day('2026-11-06');
    const key = randomUUID();
    const filed = await file('portal', complaint, key);
    const id = filed.body.id as string;
    shared.complaint = id;

    // Act
    const again = await file('portal', complaint, key);
    const reused = await file('portal', { ...complaint, text: '另一件事。' }, key);
    env.day('2026-11-09');
    const consultationTransfer = await as('market').request('POST', `/v1/tickets/${id}/transfer`, {
      body: { departmentId: DEPARTMENTS.housing.id, reasons: '投诉涉及施工许可窗口，属住建部门职责' },
    });
    const byOldDepartment = await as('market').request('GET', `/v1/tickets/${id}`);
    env.day('2026-11-23');
    const onDueDay = await as('housing').request('GET', `/v1/tickets/${id}`);
    env.day('2026-11-24');
    const late = await as('housing').request('GET', '/v1/tickets', { query: { state: 'assigned' } });
    const lateOnes = await as('reviewer').request('GET', '/v1/tickets', { query: { department: DEPARTMENTS.housing.id, state: 'assigned' } });
    // The watch's daily pass (its tick) finds the answer late: a red finding on the ticket, owed by the department holding it.
    await env.platform.caseEvents.deliver();
    const findings = await as('housing').request('GET', '/v1/supervision/findings', { query: { rule: 'ticket-answer-late' } });
    const marketFindings = await as('market').request('GET', '/v1/supervision/findings', { query: { rule: 'ticket-answer-late' } });
    const answered = await cli('tickets', 'answer', id, '--text', '经核实，窗口人员未一次性告知，已责令整改并通报批评。', '--outcome', 'substantiated', '--as', 'housing');
    const rated = await cli('tickets', 'rate', id, '--level', 'basic', '--comment', '答复较慢', '--as', 'portal');
    const view = await as('portal').request('GET', `/v1/tickets/${id}`);
    const shown = await cli('tickets', 'show', id, '--as', 'reviewer');

    // Assess
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ kind: 'complaint', state: 'assigned', departmentId: DEPARTMENTS.market.id, dueOn: '2026-11-20', replayed: false });
    expect(again.body).toEqual({ ...filed.body, replayed: true });
    expect([reused.status, reused.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(consultationTransfer.body).toMatchObject({ state: 'assigned', departmentId: DEPARTMENTS.housing.id, dueOn: '2026-11-23', round: 2 });
    // Passed on: the market department no longer holds it.
    expect([byOldDepartment.status, (byOldDepartment.body as Json).error.code]).toEqual([403, 'TICKET_FORBIDDEN']);
    expect((onDueDay.body as Json).ticket).toMatchObject({ late: false, dueOn: '2026-11-23' });
    expect(((late.body as Json).tickets as Json[]).find((t) => t.id === id)).toMatchObject({ late: true, round: 2 });
    expect(((lateOnes.body as Json).tickets as Json[]).map((t) => t.id)).toContain(id);
    expect(((findings.body as Json).findings as Json[]).filter((f) => f.subject.id === id)).toEqual([
      expect.objectContaining({
        severity: 'red',
        subject: { kind: 'ticket', id },
        occurrence: 'ticket-late#2',
        departmentId: DEPARTMENTS.housing.id,
        raisedOn: '2026-11-24',
        facts: { id, dueOn: '2026-11-23', kind: 'complaint' },
      }),
    ]);
    expect(((marketFindings.body as Json).findings as Json[]).filter((f) => f.subject.id === id)).toEqual([]);
    expect([answered.code, rated.code]).toEqual([0, 0]);
    expect(answered.out).toContain('已答复');
    expect((view.body as Json).ticket).toMatchObject({
      state: 'closed',
      late: false,
      answer: { outcome: 'substantiated', onTime: false, departmentId: DEPARTMENTS.housing.id, on: '2026-11-24' },
      rating: { level: 'basic', comment: '答复较慢' },
    });
    expect(((view.body as Json).history as Json[]).map((e) => e.type)).toEqual(['file', 'transfer', 'answer', 'rate']);
    expect((view.body as Json).check).toEqual({ ok: true });
    expect(shown.out).toContain('链校验通过');
    expect(shown.out).toContain('转交');
  });

  it('answers a consultation about a case the channel filed on time; the CLI files and rates it; one about nothing named waits for the platform to pass it on', async () => {
    // Prepare
    env.day('2026-11-10');
    const filedCase = await fileWithRequiredMaterials(as('portal'), FOOD, PERSON);
    expect(filedCase.status).toBe(201);
    const caseNo = (filedCase.body as Json).caseNo as string;
    const personFile = join(env.dataDir, 'person.json');
    await writeFile(personFile, JSON.stringify(PERSON));

    // Act
    const filed = await cli(
      'tickets',
      'file',
      '--kind',
      'consultation',
      '--case',
      caseNo,
      '--person',
      personFile,
      '--subject',
      '办理进度',
      '--text',
      '请问何时可以领取许可证？',
      '--as',
      'portal',
      '--json',
    );
    const id = (JSON.parse(filed.out) as Json).id as string;
    const answered = await as('market').request('POST', `/v1/tickets/${id}/answer`, { body: { text: '已受理，预计 11 月 20 日前办结，届时短信通知。' } });
    const rated = await cli('tickets', 'rate', id, '--level', 'very-satisfied', '--as', 'portal');
    const unrouted = await file('portal', { ...complaint, about: undefined, subject: '网站无法登录' });
    const waiting = await cli('tickets', 'list', '--state', 'received', '--as', 'reviewer');
    const byDepartment = await as('market').request('POST', `/v1/tickets/${unrouted.body.id as string}/assign`, { body: { departmentId: DEPARTMENTS.market.id } });
    const assigned = await cli('tickets', 'assign', unrouted.body.id as string, '--department', DEPARTMENTS.police.id, '--note', '涉及实名认证，转公安', '--as', 'reviewer');
    const police = await as('police').request('GET', '/v1/tickets');

    // Assess
    expect(filed.code).toBe(0);
    expect(JSON.parse(filed.out)).toMatchObject({ kind: 'consultation', state: 'assigned', departmentId: DEPARTMENTS.market.id, dueOn: '2026-11-17' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ state: 'answered', answer: { onTime: true } });
    expect(rated.code).toBe(0);
    expect(rated.out).toContain('已办结');
    expect(unrouted.body).toMatchObject({ state: 'received' });
    expect(waiting.out).toContain(unrouted.body.id as string);
    expect([byDepartment.status, (byDepartment.body as Json).error.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect(assigned.code).toBe(0);
    expect(((police.body as Json).tickets as Json[]).map((t) => t.id)).toContain(unrouted.body.id);
  });

  it('refuses every 越权: another channel, another department, the auditor acting; the auditor reads without the person; nothing of another person shows', async () => {
    // Prepare
    env.day('2026-11-25');
    const id = shared.complaint!;
    const hallTicket = await file('hall-window', { ...complaint, person: OTHER_PERSON, about: { department: DEPARTMENTS.police.id } });
    const open = await file('portal', { ...complaint, subject: '另一投诉' });
    const openId = open.body.id as string;

    // Act
    const refusals = {
      hallReads: await as('hall-window').request('GET', `/v1/tickets/${id}`),
      hallRates: await as('hall-window').request('POST', `/v1/tickets/${openId}/rating`, { body: { level: 'very-dissatisfied' } }),
      policeReads: await as('police').request('GET', `/v1/tickets/${openId}`),
      policeAnswers: await as('police').request('POST', `/v1/tickets/${openId}/answer`, { body: { text: '不是本部门' } }),
      policeListsMarket: await as('police').request('GET', '/v1/tickets', { query: { department: DEPARTMENTS.market.id } }),
      auditorAnswers: await as('auditor').request('POST', `/v1/tickets/${openId}/answer`, { body: { text: '审计员答复' } }),
      auditorAssigns: await as('auditor').request('POST', `/v1/tickets/${openId}/assign`, { body: { departmentId: DEPARTMENTS.police.id } }),
      channelAssigns: await as('portal').request('POST', `/v1/tickets/${openId}/assign`, { body: { departmentId: DEPARTMENTS.police.id } }),
      departmentFiles: await file('market', complaint),
      otherCase: await file('hall-window', { ...complaint, about: { case: 'KM20261110NOSUCHCASE' } }),
      platformUnfiltered: await as('reviewer').request('GET', '/v1/tickets'),
    };
    const hallList = await as('hall-window').request('GET', '/v1/tickets');
    const portalList = await as('portal').request('GET', '/v1/tickets', { query: { limit: '100' } });
    const byAuditor = await as('auditor').request('GET', `/v1/tickets/${openId}`);
    const auditorList = await as('auditor').request('GET', '/v1/tickets', { query: { department: DEPARTMENTS.market.id } });

    // Assess
    const codes = Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, [r.status, (r.body as Json).error?.code]]));
    expect(codes).toEqual({
      hallReads: [403, 'TICKET_FORBIDDEN'],
      hallRates: [403, 'TICKET_FORBIDDEN'],
      policeReads: [403, 'TICKET_FORBIDDEN'],
      policeAnswers: [403, 'TICKET_FORBIDDEN'],
      policeListsMarket: [403, 'TICKET_FORBIDDEN'],
      auditorAnswers: [403, 'ROLE_FORBIDDEN'],
      auditorAssigns: [403, 'ROLE_FORBIDDEN'],
      channelAssigns: [403, 'ROLE_FORBIDDEN'],
      departmentFiles: [403, 'ROLE_FORBIDDEN'],
      otherCase: [400, 'TICKET_CASE_UNKNOWN'],
      platformUnfiltered: [400, 'TICKET_FILTER_REQUIRED'],
    });
    expect(((hallList.body as Json).tickets as Json[]).map((t) => t.id)).toEqual([hallTicket.body.id]);
    expect(JSON.stringify(portalList.body)).not.toContain(OTHER_PERSON.name);
    expect(JSON.stringify(portalList.body)).not.toContain(PERSON.residentId);
    expect(byAuditor.status).toBe(200);
    expect((byAuditor.body as Json).ticket.person).toBeUndefined();
    expect(JSON.stringify(byAuditor.body)).not.toContain(PERSON.residentId);
    expect(JSON.stringify(auditorList.body)).not.toContain(PERSON.residentId);
    expect(((auditorList.body as Json).tickets as Json[]).map((t) => t.id)).toContain(openId);
  });

  it('corrects a licence on a correction request: routed to its issuer, amended for the ticket, answered corrected naming the version made for it; a version made for another ticket refused', async () => {
    // Prepare: the person's food licence, issued on Wednesday 25 November.
    env.day('2026-11-25');
    const filedCase = await fileWithRequiredMaterials(as('portal'), FOOD, PERSON);
    const caseNo = (filedCase.body as Json).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
    const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, {
      body: { outcome: 'approved', licence: { validUntil: '2031-08-31', data: { 经营项目: ['热食类食品制售'] } } },
    });
    const licenceId = ((decided.body as Json).results as Json).licenceId as string;
    const correction = { target: 'licence', licenceId, field: '经营项目', wrongValue: '热食类食品制售', rightValue: '热食类食品制售、冷食类食品制售' };

    // Act
    env.day('2026-11-26');
    const ticket = await file('portal', {
      kind: 'correction',
      person: PERSON,
      subject: '食品经营许可证经营项目有误',
      text: '申请时经营项目包括冷食类食品制售，证照漏登。',
      correction,
    });
    const id = ticket.body.id as string;
    const tooEarly = await as('market').request('POST', `/v1/tickets/${id}/answer`, {
      body: { text: '已更正', outcome: 'corrected', corrections: [{ licenceId, version: 2 }] },
    });
    const otherTicket = await as('market').request('POST', `/v1/licences/${licenceId}/amend`, {
      body: { changes: { data: { 经营项目: ['热食类食品制售', '冷食类食品制售'] } }, reasons: '依更正申请更正经营项目', ticketId: 'f'.repeat(32) },
    });
    const amended = await as('market').request('POST', `/v1/licences/${licenceId}/amend`, {
      body: { changes: { data: { 经营项目: ['热食类食品制售', '冷食类食品制售', '预包装食品销售'] } }, reasons: '依更正申请更正经营项目', ticketId: id },
    });
    const notForIt = await as('market').request('POST', `/v1/tickets/${id}/answer`, {
      body: { text: '已更正', outcome: 'corrected', corrections: [{ licenceId, version: 2 }] },
    });
    const answered = await as('market').request('POST', `/v1/tickets/${id}/answer`, {
      body: { text: '经核实证照漏登经营项目，已更正并重新加盖电子印章。', outcome: 'corrected', corrections: [{ licenceId, version: 3 }] },
    });
    const seen = await as('portal').request('GET', `/v1/tickets/${id}`);
    const newest = await as('market').request('GET', `/v1/licences/${licenceId}`);
    const first = await as('market').request('GET', `/v1/licences/${licenceId}`, { query: { version: '1' } });
    const verified = await as('auditor').request('POST', '/v1/seals/verify', { body: { document: (newest.body as Json).document, seal: (newest.body as Json).seal } });

    // Assess: the issuer holds it; the answer is checked against the licence's sealed amendments.
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    expect(ticket.body).toMatchObject({ kind: 'correction', state: 'assigned', departmentId: DEPARTMENTS.market.id, dueOn: '2026-12-17' });
    const refusal = (r: { status: number; body: unknown }) => [r.status, (r.body as Json).error?.code, (r.body as Json).error?.field];
    expect(refusal(tooEarly)).toEqual([400, 'TICKET_CORRECTION_UNVERIFIED', 'corrections.0']);
    expect([otherTicket.status, amended.status]).toEqual([200, 200]);
    expect(refusal(notForIt)).toEqual([400, 'TICKET_CORRECTION_UNVERIFIED', 'corrections.0']);
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect((seen.body as Json).ticket).toMatchObject({ state: 'answered', answer: { outcome: 'corrected', corrections: [{ licenceId, version: 3 }], onTime: true } });
    expect(newest.body).toMatchObject({ newestVersion: 3, licence: { version: 3, data: { 经营项目: ['热食类食品制售', '冷食类食品制售', '预包装食品销售'] } } });
    expect(((newest.body as Json).amendments as Json[]).map((a) => [a.version, a.ticketId])).toEqual([
      [2, 'f'.repeat(32)],
      [3, id],
    ]);
    // The old value stays in the licence's history, its seal as it was; the new one's seal is renewed and verifies.
    expect(first.body).toMatchObject({ licence: { version: 1, data: { 经营项目: ['热食类食品制售'] } } });
    expect((first.body as Json).seal).not.toEqual((newest.body as Json).seal);
    expect(verified.body).toMatchObject({ valid: true, licenceVersion: 3, newestVersion: 3 });
  });

  it('corrects a case record on a correction request: routed to the case’s department, the name set right, the old one kept in the history, the ticket answered naming the case version; every other party refused', async () => {
    // Prepare: a case the portal filed for 张三 — whose name is in fact 张叁.
    env.day('2026-11-27');
    const filedCase = await fileWithRequiredMaterials(as('portal'), FOOD, PERSON);
    const caseNo = (filedCase.body as Json).caseNo as string;
    const ticket = await file('portal', {
      kind: 'correction',
      person: { ...PERSON, name: '张叁' },
      subject: '办件申请人姓名有误',
      text: '申请人姓名录入有误，应为张叁。',
      correction: { target: 'case', caseNo, field: 'applicant.name', wrongValue: '张三', rightValue: '张叁' },
    });
    const id = ticket.body.id as string;
    const name = [{ field: 'applicant.name', value: '张叁' }];

    // Act
    const refusals = {
      otherDepartment: await as('housing').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: name } }),
      channel: await as('portal').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: name } }),
      auditor: await as('auditor').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: name } }),
      platform: await as('reviewer').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: name } }),
      unknownField: await as('market').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: [{ field: 'applicant.gender', value: '男' }] } }),
      badPhone: await as('market').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: [{ field: 'applicant.phone', value: '110' }] } }),
      unchanged: await as('market').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: id, corrections: [{ field: 'applicant.name', value: '张三' }] } }),
      badTicket: await as('market').request('POST', `/v1/cases/${caseNo}/correct`, { body: { ticketId: 'nope', corrections: name } }),
    };
    const untouched = await as('market').request('GET', `/v1/cases/${caseNo}`);
    const corrected = await cli(
      'cases',
      'correct',
      caseNo,
      '--ticket',
      id,
      '--field',
      'applicant.name',
      '--value',
      '张叁',
      '--reason',
      '依更正申请更正申请人姓名',
      '--as',
      'market',
      '--json',
    );
    const version = (JSON.parse(corrected.out) as Json).version as number;
    const asChannel = await as('portal').request('GET', `/v1/cases/${caseNo}`);
    const history = await as('auditor').request('GET', `/v1/cases/${caseNo}/history`);
    const licenceVersions = await as('market').request('POST', `/v1/tickets/${id}/answer`, {
      body: { text: '已更正', outcome: 'corrected', corrections: [{ licenceId: '1.2.156.3005.2.X', version: 2 }] },
    });
    const wrongVersion = await as('market').request('POST', `/v1/tickets/${id}/answer`, { body: { text: '已更正', outcome: 'corrected', corrections: [{ caseNo, version: 3 }] } });
    const answered = await cli(
      'tickets',
      'answer',
      id,
      '--text',
      '经核实申请人姓名录入有误，已更正办件记录。',
      '--outcome',
      'corrected',
      '--corrected-case',
      `${caseNo}@${version}`,
      '--as',
      'market',
    );
    const seen = await as('portal').request('GET', `/v1/tickets/${id}`);
    const shown = await cli('tickets', 'show', id, '--as', 'portal');

    // Assess: routed to the case's department.
    expect(ticket.body).toMatchObject({ kind: 'correction', state: 'assigned', departmentId: DEPARTMENTS.market.id });
    const codes = Object.fromEntries(Object.entries(refusals).map(([k, r]) => [k, [r.status, (r.body as Json).error?.code, (r.body as Json).error?.field]]));
    expect(codes).toEqual({
      otherDepartment: [403, 'CASE_DEPARTMENT_FORBIDDEN', undefined],
      channel: [403, 'ROLE_FORBIDDEN', undefined],
      auditor: [403, 'ROLE_FORBIDDEN', undefined],
      platform: [403, 'ROLE_FORBIDDEN', undefined],
      unknownField: [400, 'CASE_CORRECTION_FIELD_UNKNOWN', 'corrections.0.field'],
      badPhone: [400, 'CASE_PHONE_INVALID', 'corrections.0.value'],
      unchanged: [400, 'CASE_CORRECTION_UNCHANGED', 'corrections.0.value'],
      badTicket: [400, 'VALIDATION_FAILED', 'ticketId'],
    });
    // Nothing was written by any refusal.
    expect((untouched.body as Json).version).toBe((filedCase.body as Json).case.version);
    expect(corrected.code, corrected.err).toBe(0);
    expect(version).toBe(2);
    // The case shows the new name and the correction, the old value with it.
    expect((asChannel.body as Json).applicant).toEqual({ ...PERSON, name: '张叁' });
    expect((asChannel.body as Json).corrections).toEqual([
      {
        ticketId: id,
        entry: 2,
        fields: [{ field: 'applicant.name', before: '张三', after: '张叁' }],
        reasons: ['依更正申请更正申请人姓名'],
        by: 'market',
        officer: 'market.zhang',
        on: '2026-11-27',
      },
    ]);
    // The history keeps the original: the filing's entry commits to the state as filed, with the old name.
    const entries = (history.body as Json).entries as Json[];
    expect(entries.map((e) => [e.n, e.type])).toEqual([
      [1, 'file'],
      [2, 'correct'],
    ]);
    expect(entries[0]!.stateDigest).toBe(caseStateDigest((filedCase.body as Json).case as CaseState));
    // The view adds what the reader may do now (`actions`) to the state the entry commits to.
    const { actions: _actions, ...correctedState } = asChannel.body as Json;
    expect(entries[1]!.stateDigest).toBe(caseStateDigest(correctedState as CaseState));
    expect((history.body as Json).check).toEqual({ ok: true });
    // The ticket: never licence versions for a case, only the version made for it; the channel sees the result.
    const refusal = (r: { status: number; body: unknown }) => [r.status, (r.body as Json).error?.code, (r.body as Json).error?.field];
    expect(refusal(licenceVersions)).toEqual([400, 'TICKET_OUTCOME_INVALID', 'corrections.0']);
    expect(refusal(wrongVersion)).toEqual([400, 'TICKET_CORRECTION_UNVERIFIED', 'corrections.0']);
    expect(answered.code, answered.err).toBe(0);
    expect((seen.body as Json).ticket).toMatchObject({ state: 'answered', answer: { outcome: 'corrected', corrections: [{ caseNo, version: 2 }], onTime: true } });
    expect(shown.out).toContain(`更正后的办件记录 ${caseNo} 第 2 版`);
  });

  it('corrects an archived case: the bundle stays as archived, byte for byte; the correction is the entry after the archive entry, the chain intact', async () => {
    // Prepare: a case withdrawn on Monday 30 November, archived as it ends.
    env.day('2026-11-30');
    const filedCase = await fileWithRequiredMaterials(as('portal'), FOOD, PERSON);
    const caseNo = (filedCase.body as Json).caseNo as string;
    expect((await as('portal').request('POST', `/v1/cases/${caseNo}/withdraw`, { body: { reason: '申请人暂不经营' } })).status).toBe(200);
    const archived = await archivedCase(caseNo);
    const before = join(env.dataDir, `${caseNo}-before.tar`);
    expect((await cli('audit', 'fetch', archived.archive.bundleKey, '--as', 'auditor', '--out', before)).code).toBe(0);
    const ticket = await file('portal', {
      kind: 'correction',
      person: PERSON,
      subject: '办件联系电话有误',
      text: '联系电话录入有误。',
      correction: { target: 'case', caseNo, field: 'applicant.phone', wrongValue: PERSON.phone, rightValue: '13700137000' },
    });

    // Act
    env.day('2026-12-01');
    const corrected = await as('market').request('POST', `/v1/cases/${caseNo}/correct`, {
      body: { ticketId: ticket.body.id, corrections: [{ field: 'applicant.phone', value: '13700137000' }] },
    });
    const after = join(env.dataDir, `${caseNo}-after.tar`);
    const fetched = await cli('audit', 'fetch', archived.archive.bundleKey, '--as', 'auditor', '--out', after);
    const history = await as('auditor').request('GET', `/v1/cases/${caseNo}/history`);
    const seen = await as('market').request('GET', `/v1/cases/${caseNo}`);

    // Assess
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(fetched.code).toBe(0);
    const sha256 = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    expect(await sha256(before)).toBe(archived.archive.sha256);
    expect(await sha256(after)).toBe(archived.archive.sha256);
    expect((seen.body as Json).archive).toEqual(archived.archive);
    expect(seen.body as Json).toMatchObject({ status: 'withdrawn', applicant: { ...PERSON, phone: '13700137000' } });
    expect((seen.body as Json).corrections).toEqual([
      expect.objectContaining({ ticketId: ticket.body.id, fields: [{ field: 'applicant.phone', before: PERSON.phone, after: '13700137000' }], afterArchive: true }),
    ]);
    const types = ((history.body as Json).entries as Json[]).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['archive', 'correct']);
    expect((history.body as Json).check).toEqual({ ok: true });
  });
});

/** The case once it is archived (the archive function runs after the answer: read again, bounded). */
async function archivedCase(caseNo: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const c = (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json;
    if (c.archive?.state === 'archived') return c;
    if (c.archive?.state === 'failed') throw new Error(`case ${caseNo}: archiving failed: ${JSON.stringify(c.archive)}`);
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`case ${caseNo} was never archived`);
}
