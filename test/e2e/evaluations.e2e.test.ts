// 好差评 end to end on the embedded platform with its clock moved (the real 2026 calendar): a case
// refused on Thursday 5 November rated 非常不满意 by the channel that filed it — the rectification due
// three working days later across the weekend (Tuesday 10 November), answered with its follow-up
// (回访) on the due day, the answer rated; two reviews appealed, one upheld (it stops counting), one
// dismissed (back to rectifying, its due day unchanged, then late: the watch's daily pass raises a
// red supervision finding on the case); a hall window's review of a visit (一次一评), late too (its
// finding on the evaluation); and the access matrix — another channel, another department, the auditor: no 越权, and
// no list or stranger sees the applicant's contact. Through the API and the CLI.
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, runCli, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const PHONE = '13800138000';
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: PHONE };
const HOUSING_ID = DEPARTMENTS.housing.id;
const MARKET_ID = DEPARTMENTS.market.id;

const env = useClockedPlatform('tongban-evaluations-', '2026-11-05');
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

/** Files a food case as the portal and has the market refuse it: an ended case. */
async function refusedCase(): Promise<string> {
  const filed = await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT);
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseNo = (filed.body as Json).caseNo as string;
  const refused = await as('market').request('POST', `/v1/cases/${caseNo}/refuse`, {
    body: { reasons: ['经营场所与申请材料所述不符，不符合《食品经营许可管理办法》第十一条规定的条件'] },
  });
  expect(refused.status, JSON.stringify(refused.body)).toBe(200);
  return caseNo;
}

async function rate(caseNo: string, body: Json, key?: string) {
  return as('portal').request('POST', `/v1/cases/${caseNo}/evaluation`, { body, ...(key ? { headers: { 'Idempotency-Key': key } } : {}) });
}

/** The evaluation as `principal` reads it (status and body). */
async function read(principal: string, id: string) {
  return as(principal).request('GET', `/v1/evaluations/${id}`);
}

const shared = { rated: '', caseNo: '' };

describe('好差评 on the embedded platform', () => {
  it('rates an ended case 非常不满意 on a Thursday: due the Tuesday after the weekend, answered with the follow-up on the due day, the answer rated', async () => {
    // Prepare
    env.day('2026-11-05');
    const caseNo = await refusedCase();
    const open = await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT);

    // Act
    const early = await rate((open.body as Json).caseNo as string, { level: 'satisfied' });
    const rated = await cli(
      'evaluations',
      'rate',
      caseNo,
      '--level',
      'very-dissatisfied',
      '--named',
      '--dimension',
      'attitude=1',
      '--dimension',
      'efficiency=2',
      '--comment',
      '窗口人员态度生硬，一次性告知不到位',
      '--idempotency-key',
      'rating-1',
      '--as',
      'portal',
    );
    const replay = await rate(
      caseNo,
      { level: 'very-dissatisfied', named: true, dimensions: { attitude: 1, efficiency: 2 }, comment: '窗口人员态度生硬，一次性告知不到位' },
      'rating-1',
    );
    const second = await rate(caseNo, { level: 'satisfied' }, 'rating-2');
    const id = (replay.body as Json).id as string;
    shared.rated = id;
    shared.caseNo = caseNo;
    env.day('2026-11-09');
    const monday = (await read('market', id)).body as Json;
    env.day('2026-11-10');
    const withoutFollowUp = await as('market').request('POST', `/v1/evaluations/${id}/answer`, { body: { verification: '经核实属实', kind: 'rectified', text: '已整改' } });
    const answered = await cli(
      'evaluations',
      'answer',
      id,
      '--verification',
      '经调阅窗口录像核实，评价反映情况属实',
      '--rectified',
      '--text',
      '已对窗口人员进行批评教育并组织一次性告知培训',
      '--follow-up-on',
      '2026-11-10',
      '--follow-up-by',
      '王科长',
      '--follow-up-outcome',
      '电话回访，申请人表示认可',
      '--as',
      'market',
    );
    env.day('2026-11-11');
    const ratedAnswer = await cli('evaluations', 'rate-answer', id, '--level', 'satisfied', '--comment', '整改及时', '--as', 'portal');
    const again = await as('portal').request('POST', `/v1/evaluations/${id}/rating`, { body: { level: 'basic' } });
    const view = await read('market', id);
    const shown = await cli('evaluations', 'show', id, '--as', 'market');

    // Assess
    expect([early.status, (early.body as Json).error.code]).toEqual([409, 'EVALUATION_CASE_NOT_ENDED']);
    expect(rated.code, rated.err).toBe(0);
    expect(rated.out).toContain('整改中');
    expect(rated.out).toContain('due 2026-11-10');
    expect([replay.status, replay.headers?.['idempotent-replayed']]).toEqual([201, 'true']);
    expect(replay.body).toMatchObject({
      subject: { kind: 'case', caseNo, itemName: FOOD.name },
      level: 'very-dissatisfied',
      state: 'rectifying',
      ratedOn: '2026-11-05',
      dueOn: '2026-11-10',
      rectificationDays: 3,
      contact: { name: '张三', phone: PHONE },
      late: false,
    });
    expect([second.status, (second.body as Json).error.code]).toEqual([409, 'EVALUATION_EXISTS']);
    expect(monday).toMatchObject({ evaluation: { state: 'rectifying', late: false } });
    expect([withoutFollowUp.status, (withoutFollowUp.body as Json).error.code, (withoutFollowUp.body as Json).error.field]).toEqual([
      400,
      'EVALUATION_FOLLOW_UP_REQUIRED',
      'followUp',
    ]);
    expect(answered.code, answered.err).toBe(0);
    expect(answered.out).toContain('已答复');
    expect(ratedAnswer.code, ratedAnswer.err).toBe(0);
    expect([again.status, (again.body as Json).error.code]).toEqual([409, 'EVALUATION_STATE_CONFLICT']);
    expect((view.body as Json).evaluation).toMatchObject({
      state: 'closed',
      rectifiedOnTime: true,
      answer: { kind: 'rectified', followUp: { on: '2026-11-10', by: '王科长' }, on: '2026-11-10' },
      answerRating: { level: 'satisfied', on: '2026-11-11' },
    });
    expect(((view.body as Json).history as Json[]).map((e) => e.type)).toEqual(['rate', 'answer', 'rate-answer']);
    expect((view.body as Json).check).toEqual({ ok: true });
    expect(shown.out).toContain('回访 2026-11-10 王科长');
    expect(shown.out).toContain('链校验通过');
  });

  it('excludes a review whose appeal is upheld, and puts one whose appeal is dismissed back to rectifying, late after its unchanged due day: a red finding on the case', async () => {
    // Prepare: two bad reviews on Thursday 12 November (due Tuesday 17 November).
    env.day('2026-11-12');
    const ids: string[] = [];
    for (const comment of ['办事人员推诿', '材料要求前后不一']) {
      const res = await rate(await refusedCase(), { level: 'dissatisfied', comment });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push((res.body as Json).id as string);
    }
    const [upheldId, dismissedId] = ids as [string, string];

    // Act
    env.day('2026-11-13');
    const appealed = await cli('evaluations', 'appeal', upheldId, '--reason', '评价人在评价内容中辱骂工作人员，与办件无关', '--as', 'market');
    const appealed2 = await as('market-deputy').request('POST', `/v1/evaluations/${dismissedId}/appeal`, { body: { reasons: ['申请人材料不全，不予受理合法'] } });
    const byDepartment = await as('market').request('POST', `/v1/evaluations/${upheldId}/verdict`, { body: { decision: 'uphold', reasons: ['自己复核'] } });
    const answerWhileAppealed = await as('market').request('POST', `/v1/evaluations/${dismissedId}/answer`, { body: { verification: '核实', kind: 'explained', text: '说明' } });
    env.day('2026-11-16');
    const upheld = await cli('evaluations', 'verdict', upheldId, '--uphold', '--reason', '经复核，评价内容系恶意差评', '--as', 'reviewer');
    const dismissed = await as('reviewer').request('POST', `/v1/evaluations/${dismissedId}/verdict`, {
      body: { decision: 'dismiss', reasons: ['经复核，申请人反映的推诿情况属实'] },
    });
    const secondAppeal = await as('market').request('POST', `/v1/evaluations/${dismissedId}/appeal`, { body: { reasons: ['再次申诉'] } });
    env.day('2026-11-17');
    const onDueDay = (await read('market', dismissedId)).body as Json;
    env.day('2026-11-18');
    const late = (await read('reviewer', dismissedId)).body as Json;
    const lateList = await as('reviewer').request('GET', '/v1/evaluations', { query: { department: MARKET_ID, state: 'rectifying' } });
    const excludedList = await cli('evaluations', 'list', '--state', 'excluded', '--as', 'auditor');
    // The watch's daily pass (its tick) finds the rectification late: a red finding on the case, owed by the market.
    await env.platform.caseEvents.deliver();
    const dismissedCase = (late.evaluation as Json).subject.caseNo as string;
    const findings = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { case: dismissedCase } });
    const upheldCase = (((await read('reviewer', upheldId)).body as Json).evaluation as Json).subject.caseNo as string;
    const noFinding = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { case: upheldCase } });
    const lateAnswer = await as('market').request('POST', `/v1/evaluations/${dismissedId}/answer`, { body: { verification: '核实属实', kind: 'rectified', text: '已约谈承办人' } });

    // Assess
    expect(appealed.code, appealed.err).toBe(0);
    expect(appealed.out).toContain('申诉中');
    expect(appealed2.status).toBe(200);
    expect([byDepartment.status, (byDepartment.body as Json).error.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect([answerWhileAppealed.status, (answerWhileAppealed.body as Json).error.code]).toEqual([409, 'EVALUATION_STATE_CONFLICT']);
    expect(upheld.code, upheld.err).toBe(0);
    expect(((await read('auditor', upheldId)).body as Json).evaluation).toMatchObject({
      state: 'excluded',
      excluded: true,
      verdict: { decision: 'uphold', by: { name: 'reviewer' }, on: '2026-11-16' },
    });
    expect(dismissed.body).toMatchObject({ state: 'rectifying', dueOn: '2026-11-17', excluded: false, verdict: { decision: 'dismiss' } });
    expect([secondAppeal.status, (secondAppeal.body as Json).error.code]).toEqual([409, 'EVALUATION_APPEALED_BEFORE']);
    expect(onDueDay.evaluation).toMatchObject({ state: 'rectifying', late: false });
    expect(late.evaluation).toMatchObject({ state: 'rectifying', late: true });
    expect(((lateList.body as Json).evaluations as Json[]).find((e) => e.id === dismissedId)).toMatchObject({ late: true });
    expect(excludedList.out).toContain(upheldId);
    expect(excludedList.out).not.toContain(dismissedId);
    expect(((findings.body as Json).findings as Json[]).filter((f) => f.rule === 'evaluation-rectification-late')).toEqual([
      expect.objectContaining({
        severity: 'red',
        subject: { kind: 'case', caseNo: dismissedCase },
        departmentId: MARKET_ID,
        raisedOn: '2026-11-18',
        facts: { id: dismissedId, dueOn: '2026-11-17', kind: 'evaluation' },
      }),
    ]);
    expect(((noFinding.body as Json).findings as Json[]).filter((f) => f.rule === 'evaluation-rectification-late')).toEqual([]);
    expect(lateAnswer.body).toMatchObject({ state: 'answered', rectifiedOnTime: false });
  });

  it('rates a window visit once, from a hall window only, the named applicant reached only by whom it concerns', async () => {
    // Prepare
    env.day('2026-11-19');

    // Act
    const rated = await cli(
      'evaluations',
      'rate',
      '--window',
      '--visit',
      'A20261119-017',
      '--department',
      HOUSING_ID,
      '--level',
      'very-dissatisfied',
      '--named',
      '--contact-name',
      '王五',
      '--contact-phone',
      '13700137000',
      '--comment',
      '排队两小时',
      '--as',
      'hall-window',
    );
    const again = await as('hall-window').request('POST', '/v1/evaluations', { body: { level: 'satisfied', window: { visit: 'A20261119-017', departmentId: HOUSING_ID } } });
    const fromPortal = await as('portal').request('POST', '/v1/evaluations', { body: { level: 'satisfied', window: { visit: 'A20261119-018', departmentId: HOUSING_ID } } });
    const noContact = await as('hall-window').request('POST', '/v1/evaluations', {
      body: { level: 'dissatisfied', named: true, window: { visit: 'A20261119-019', departmentId: HOUSING_ID } },
    });
    const listed = await as('housing').request('GET', '/v1/evaluations');
    const id = ((listed.body as Json).evaluations as Json[])[0]!.id as string;
    const byHousing = await read('housing', id);
    const byMarket = await read('market', id);

    // Assess
    expect(rated.code, rated.err).toBe(0);
    expect(rated.out).toContain('窗口 A20261119-017');
    expect([again.status, (again.body as Json).error.code]).toEqual([409, 'EVALUATION_EXISTS']);
    expect([fromPortal.status, (fromPortal.body as Json).error.code]).toEqual([403, 'EVALUATION_NOT_WINDOW']);
    expect([noContact.status, (noContact.body as Json).error.code, (noContact.body as Json).error.field]).toEqual([400, 'EVALUATION_CONTACT_REQUIRED', 'contact']);
    expect(JSON.stringify(listed.body)).not.toContain('13700137000');
    expect((byHousing.body as Json).evaluation).toMatchObject({ subject: { kind: 'window' }, channelId: 'city-hall-window', dueOn: '2026-11-24', contact: { name: '王五' } });
    expect([byMarket.status, (byMarket.body as Json).error.code]).toEqual([403, 'EVALUATION_FORBIDDEN']);

    // Unanswered past Tuesday 24 November: the watch raises its finding on the evaluation itself (a window's has no case).
    env.day('2026-11-25');
    await env.platform.caseEvents.deliver();
    const findings = await as('housing').request('GET', '/v1/supervision/findings', { query: { rule: 'evaluation-rectification-late' } });
    expect(((findings.body as Json).findings as Json[]).map((f) => [f.subject, f.facts.dueOn])).toEqual([[{ kind: 'evaluation', id }, '2026-11-24']]);
  });

  it('keeps another channel, another department and the auditor to what is theirs: no 越权, no contact in any list', async () => {
    // Prepare
    env.day('2026-11-26');
    const id = shared.rated;
    const caseNo = shared.caseNo;
    const answer = { verification: 'x', kind: 'explained', text: 'y' };
    const post = (principal: string, suffix: string, body: Json) => as(principal).request('POST', `/v1/evaluations/${id}/${suffix}`, { body });

    // Act
    const outcomes = {
      hallReads: await read('hall-window', id),
      hallRatesCase: await as('hall-window').request('POST', `/v1/cases/${caseNo}/evaluation`, { body: { level: 'satisfied' } }),
      hallRatesAnswer: await post('hall-window', 'rating', { level: 'satisfied' }),
      housingReads: await read('housing', id),
      housingAnswers: await post('housing', 'answer', answer),
      housingAppeals: await post('housing', 'appeal', { reasons: ['x'] }),
      housingListsMarket: await as('housing').request('GET', '/v1/evaluations', { query: { department: MARKET_ID } }),
      auditorReads: await read('auditor', id),
      auditorAnswers: await post('auditor', 'answer', answer),
      auditorDecides: await post('auditor', 'verdict', { decision: 'uphold', reasons: ['x'] }),
      auditorRates: await as('auditor').request('POST', `/v1/cases/${caseNo}/evaluation`, { body: { level: 'satisfied' } }),
      marketRatesAnswer: await post('market', 'rating', { level: 'satisfied' }),
      portalAppeals: await post('portal', 'appeal', { reasons: ['x'] }),
      reviewerAnswers: await post('reviewer', 'answer', answer),
      reviewerUnfiltered: await as('reviewer').request('GET', '/v1/evaluations'),
    };
    const lists = await Promise.all([
      as('portal').request('GET', '/v1/evaluations', { query: { limit: '100' } }),
      as('market').request('GET', '/v1/evaluations', { query: { limit: '100' } }),
      as('reviewer').request('GET', '/v1/evaluations', { query: { department: MARKET_ID, limit: '100' } }),
      as('auditor').request('GET', '/v1/evaluations', { query: { case: caseNo } }),
    ]);
    const hallList = await as('hall-window').request('GET', '/v1/evaluations', { query: { case: caseNo } });

    // Assess
    const code = (r: { status: number; body: unknown }) => `${r.status} ${(r.body as Json).error?.code ?? ''}`.trim();
    expect(Object.fromEntries(Object.entries(outcomes).map(([k, r]) => [k, code(r)]))).toEqual({
      hallReads: '403 EVALUATION_FORBIDDEN',
      hallRatesCase: '403 EVALUATION_FORBIDDEN',
      hallRatesAnswer: '403 EVALUATION_FORBIDDEN',
      housingReads: '403 EVALUATION_FORBIDDEN',
      housingAnswers: '403 EVALUATION_FORBIDDEN',
      housingAppeals: '403 EVALUATION_FORBIDDEN',
      housingListsMarket: '403 EVALUATION_FORBIDDEN',
      auditorReads: '200',
      auditorAnswers: '403 ROLE_FORBIDDEN',
      auditorDecides: '403 ROLE_FORBIDDEN',
      auditorRates: '403 ROLE_FORBIDDEN',
      marketRatesAnswer: '403 ROLE_FORBIDDEN',
      portalAppeals: '403 ROLE_FORBIDDEN',
      reviewerAnswers: '403 ROLE_FORBIDDEN',
      reviewerUnfiltered: '400 EVALUATION_FILTER_REQUIRED',
    });
    expect((outcomes.auditorReads.body as Json).evaluation.contact).toBeUndefined();
    expect(JSON.stringify(outcomes.auditorReads.body)).not.toContain(PHONE);
    for (const l of lists) {
      expect(l.status).toBe(200);
      expect(((l.body as Json).evaluations as Json[]).map((e) => e.id)).toContain(id);
      expect(JSON.stringify(l.body)).not.toContain(PHONE);
    }
    expect((hallList.body as Json).evaluations).toEqual([]);
  });

  it('counts each review in the statistics as the reviews read: by level and item, 好评率, bad ones answered on time, late or awaited; the upheld appeal apart; published', async () => {
    // Prepare: every review of the market rated in November, as the platform lists them (each page).
    env.day('2026-11-30');
    const reviews: Json[] = [];
    let cursor: string | undefined;
    do {
      const page = (await as('reviewer').request('GET', '/v1/evaluations', { query: { department: MARKET_ID, from: '2026-11-01', to: '2026-11-30', limit: '100', cursor } }))
        .body as Json;
      reviews.push(...(page.evaluations as Json[]));
      cursor = page.nextCursor as string | undefined;
    } while (cursor);
    const counted = reviews.filter((e) => !e.excluded);
    const bad = counted.filter((e) => e.level === 'dissatisfied' || e.level === 'very-dissatisfied');
    const expected = {
      rated: counted.length,
      bad: bad.length,
      rectifiedOnTime: bad.filter((e) => e.answer && e.rectifiedOnTime !== false).length,
      rectifiedLate: bad.filter((e) => e.answer && e.rectifiedOnTime === false).length,
      awaitedPastDue: bad.filter((e) => !e.answer && e.late).length,
      appealsUpheld: reviews.length - counted.length,
    };

    // Act
    const stats = await as('market').request('GET', '/v1/statistics', { query: { period: '2026-11' } });
    const published = await as('portal').request('GET', '/v1/public/statistics', { query: { period: '2026-11' } });
    const csv = await as('portal').request('GET', '/v1/public/statistics', { query: { period: '2026-11', format: 'csv' } });

    // Assess: the reviews these tests made (a bad one answered on time, one answered late, one upheld at least).
    expect(expected).toMatchObject({ rectifiedOnTime: expect.any(Number), appealsUpheld: 1 });
    expect(expected.rectifiedOnTime).toBeGreaterThan(0);
    expect(expected.rectifiedLate).toBeGreaterThan(0);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    const market = ((stats.body as Json).departments as Json[])[0]!;
    expect(market.evaluations).toMatchObject(expected);
    const good = counted.filter((e) => ['very-satisfied', 'satisfied', 'basic'].includes(e.level as string)).length;
    expect(market.evaluations.goodReviewRate).toBeCloseTo(good / counted.length, 4);
    expect(market.evaluations.byItem.map((i: Json) => [i.itemCode, i.figures.rated])).toEqual([[FOOD.implementationCode, counted.length]]);
    const marketPublished = ((published.body as Json).departments as Json[]).find((d) => d.departmentId === MARKET_ID)!;
    expect(marketPublished).toMatchObject({
      evaluationsRated: counted.length,
      goodReviewRate: market.evaluations.goodReviewRate,
      rectificationOnTimeRate: market.evaluations.rectificationOnTimeRate,
    });
    expect(String(csv.body).split('\r\n')[0]).toContain('evaluationsRated,goodReviewRate,rectificationOnTimeRate');
    expect(JSON.stringify(published.body)).not.toContain(PHONE);
  });
});
