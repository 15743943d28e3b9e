// 好差评 in the domain: ids (one evaluation per case, one per window visit), the lifecycle (who may do
// what after which state: the answer with its follow-up, the answer's rating, the appeal and its
// verdict), the hash-chained history, and the service over an in-memory store — rating an ended case
// through its own channel only, once (a replay under the same key answers the stored one), windows,
// lists and views that show a contact only to whom it concerns, and the late rectifications.
import { describe, expect, it } from 'vitest';
import type { CaseEvaluationRequest, EvaluationListQuery, WindowEvaluationRequest } from '../../shared/contracts/evaluations.ts';
import { EVALUATION_ID_PATTERN, EvaluationListQuerySchema } from '../../shared/contracts/evaluations.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { hashEntry } from '../../shared/domain/cases/case-history.ts';
import type { CaseStatus } from '../../shared/domain/cases/case-record.ts';
import { WorkingDayCalendar, SHIPPED_CALENDAR_YEARS } from '../../shared/domain/calendar/official-calendar.ts';
import { DomainError, conflict } from '../../shared/domain/errors.ts';
import type { Evaluation, EvaluationHistoryEntry, EvaluationTransition } from '../../shared/domain/evaluations/evaluation.ts';
import { evaluationId, isLate } from '../../shared/domain/evaluations/evaluation.ts';
import { verifyEvaluationHistory } from '../../shared/domain/evaluations/evaluation-history.ts';
import type { EvaluationCommand } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import { applyEvaluationCommand, rateEvaluation } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import type { RatedCase } from '../../shared/domain/evaluations/evaluation-service.ts';
import { EvaluationService } from '../../shared/domain/evaluations/evaluation-service.ts';
import type { EvaluationPage, EvaluationRead, EvaluationSelection, EvaluationStore } from '../../shared/domain/evaluations/evaluation-store.ts';
import type { LateAnswers } from '../../shared/domain/supervision/late-answers.ts';
import { HALL, HOUSING, MARKET, MARKET_DEPUTY, PORTAL, REVIEWER, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { DEPARTMENTS, UNLISTED_DEPARTMENT_ID, fixtureDirectory } from '../support/directory-fixtures.ts';
import { refusal, rejection } from '../support/refusal.ts';

const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };
const OTHER_PORTAL: Caller = { name: 'other-portal', role: 'channel', channelId: 'other-portal' };
const CASE_NO = 'KM20261102ABCDEFGHIJ';

const at = (date: string, actor: Caller) => ({ actor, at: `${date}T02:00:00.000Z`, today: date });

/** A rating of CASE_NO at `level` on Friday 4 December 2026 (a bad one due Wednesday 9 December: three working days across the weekend). */
function rated(level: Evaluation['level'], named = true, provisional = false): EvaluationTransition {
  return rateEvaluation(
    {
      id: evaluationId({ kind: 'case', caseNo: CASE_NO }),
      subject: { kind: 'case', caseNo: CASE_NO, itemName: '食品经营许可' },
      channelId: PORTAL.channelId!,
      departmentId: MARKET.departmentId!,
      itemCode: 'ITEM-1',
      level,
      comment: '窗口让我跑了三趟',
      named,
      contact: { name: ZHANG.name, phone: ZHANG.phone },
      ratedAt: '2026-12-04T02:00:00.000Z',
      ratedOn: '2026-12-04',
    },
    { days: 3, due: { date: '2026-12-09', ...(provisional ? { provisional: true as const } : {}) } },
    at('2026-12-04', PORTAL),
  );
}

/** Runs commands in order, each by its actor on its day; answers every transition. */
function run(first: EvaluationTransition, ...steps: [EvaluationCommand, string, Caller][]): EvaluationTransition[] {
  const out = [first];
  for (const [command, date, actor] of steps) out.push(applyEvaluationCommand(out.at(-1)!.evaluation, command, at(date, actor)));
  return out;
}

const followUp = { on: '2026-12-07', by: '王科长', outcome: '已电话回访，申请人认可整改' };
const answer: EvaluationCommand = { action: 'answer', verification: '经核实，窗口一次性告知不到位', kind: 'rectified', text: '已对窗口人员培训并通报', followUp };
const rateAnswer: EvaluationCommand = { action: 'rate-answer', level: 'satisfied', comment: '整改及时' };
const appeal: EvaluationCommand = { action: 'appeal', reasons: ['评价内容与办件无关，系恶意差评'] };
const uphold: EvaluationCommand = { action: 'uphold', reasons: ['经复核，评价内容与该办件无关'] };
const dismiss: EvaluationCommand = { action: 'dismiss', reasons: ['申诉理由不成立'] };

describe('evaluation ids', () => {
  it('are the same for the same case (一事一评) or window visit (一次一评), URL-safe, and differ between them', () => {
    // Act
    const ids = [
      evaluationId({ kind: 'case', caseNo: CASE_NO }),
      evaluationId({ kind: 'case', caseNo: CASE_NO }),
      evaluationId({ kind: 'case', caseNo: 'KM20261102ABCDEFGHIK' }),
      evaluationId({ kind: 'window', channelId: HALL.channelId!, visit: 'A017' }),
      evaluationId({ kind: 'window', channelId: HALL.channelId!, visit: 'A018' }),
      evaluationId({ kind: 'window', channelId: 'another-hall', visit: 'A017' }),
    ];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(EVALUATION_ID_PATTERN);
  });
});

describe('the rating', () => {
  it('records a good review as final, without a due day, and keeps no contact even when named', () => {
    // Act
    const { evaluation, entry } = rated('very-satisfied');

    // Assess
    expect(evaluation).toMatchObject({ state: 'recorded', version: 1, excluded: false, named: true });
    expect(evaluation.dueOn).toBeUndefined();
    expect(evaluation.contact).toBeUndefined();
    expect(entry).toMatchObject({ n: 1, type: 'rate', from: null, to: 'recorded', evaluationId: evaluation.id });
    expect(evaluation.hash).toBe(entry.hash);
  });

  it('opens a rectification for a bad review, due as counted, keeping a named applicant’s contact for the follow-up', () => {
    // Act
    const named = rated('very-dissatisfied').evaluation;
    const anonymous = rated('dissatisfied', false).evaluation;

    // Assess
    expect(named).toMatchObject({ state: 'rectifying', dueOn: '2026-12-09', rectificationDays: 3, contact: { name: '张三' } });
    expect(anonymous).toMatchObject({ state: 'rectifying', dueOn: '2026-12-09' });
    expect(anonymous.contact).toBeUndefined();
  });
});

describe('the lifecycle', () => {
  it('goes rectifying → answered (with the follow-up, on time) → closed when the channel rates the answer', () => {
    // Act
    const [, answered, closed] = run(rated('very-dissatisfied'), [answer, '2026-12-08', MARKET], [rateAnswer, '2026-12-10', PORTAL]);

    // Assess
    expect(answered!.evaluation).toMatchObject({ state: 'answered', rectifiedOnTime: true, answer: { kind: 'rectified', followUp, by: { name: 'market' }, on: '2026-12-08' } });
    expect(answered!.entry).toMatchObject({ n: 2, type: 'answer', from: 'rectifying', to: 'answered' });
    expect(closed!.evaluation).toMatchObject({ state: 'closed', answerRating: { level: 'satisfied', on: '2026-12-10' } });
    expect(verifyEvaluationHistory([rated('very-dissatisfied').entry, answered!.entry, closed!.entry], closed!.evaluation)).toEqual({ ok: true });
  });

  it('is late past its due day until answered; an answer after it is recorded as not on time; a provisional due day makes nobody late', () => {
    // Arrange
    const bad = rated('very-dissatisfied').evaluation;

    // Act
    const answeredLate = run(rated('very-dissatisfied'), [answer, '2026-12-10', MARKET])[1]!.evaluation;

    // Assess
    expect(isLate(bad, '2026-12-09')).toBe(false);
    expect(isLate(bad, '2026-12-10')).toBe(true);
    expect(answeredLate.rectifiedOnTime).toBe(false);
    expect(isLate(answeredLate, '2026-12-10')).toBe(false);
    expect(isLate(rated('very-dissatisfied', true, true).evaluation, '2027-02-01')).toBe(false);
    expect(run(rated('very-dissatisfied', true, true), [answer, '2027-02-01', MARKET])[1]!.evaluation.rectifiedOnTime).toBe(true);
  });

  it('refuses an answer from anyone but the department rated, and a named review’s answer without its follow-up or dated outside the rating and today', () => {
    // Arrange
    const bad = rated('very-dissatisfied').evaluation;
    const { followUp: _none, ...withoutFollowUp } = answer;

    // Act
    const byHousing = refusal(() => applyEvaluationCommand(bad, answer, at('2026-12-07', HOUSING)));
    const byChannel = refusal(() => applyEvaluationCommand(bad, answer, at('2026-12-07', PORTAL)));
    const byPlatform = refusal(() => applyEvaluationCommand(bad, answer, at('2026-12-07', REVIEWER)));
    const missing = refusal(() => applyEvaluationCommand(bad, withoutFollowUp, at('2026-12-07', MARKET)));
    const before = refusal(() => applyEvaluationCommand(bad, { ...answer, followUp: { ...followUp, on: '2026-12-03' } }, at('2026-12-07', MARKET)));
    const future = refusal(() => applyEvaluationCommand(bad, { ...answer, followUp: { ...followUp, on: '2026-12-08' } }, at('2026-12-07', MARKET)));
    const anonymous = applyEvaluationCommand(rated('dissatisfied', false).evaluation, withoutFollowUp, at('2026-12-07', MARKET_DEPUTY));

    // Assess
    for (const e of [byHousing, byChannel, byPlatform]) expect(e).toMatchObject({ code: 'EVALUATION_FORBIDDEN', kind: 'forbidden' });
    expect(missing).toMatchObject({ code: 'EVALUATION_FOLLOW_UP_REQUIRED', kind: 'invalid', field: 'followUp' });
    expect(before).toMatchObject({ code: 'EVALUATION_FOLLOW_UP_DATE', field: 'followUp.on' });
    expect(future).toMatchObject({ code: 'EVALUATION_FOLLOW_UP_DATE', field: 'followUp.on' });
    expect(anonymous.evaluation.state).toBe('answered');
  });

  it('lets the answer be rated once, by the channel rated through only, and nothing answer a good review', () => {
    // Arrange
    const [, answered, closed] = run(rated('dissatisfied'), [answer, '2026-12-07', MARKET], [rateAnswer, '2026-12-08', PORTAL]);

    // Act
    const again = refusal(() => applyEvaluationCommand(closed!.evaluation, rateAnswer, at('2026-12-09', PORTAL)));
    const otherChannel = refusal(() => applyEvaluationCommand(answered!.evaluation, rateAnswer, at('2026-12-08', OTHER_PORTAL)));
    const hall = refusal(() => applyEvaluationCommand(answered!.evaluation, rateAnswer, at('2026-12-08', HALL)));
    const beforeAnswer = refusal(() => applyEvaluationCommand(rated('dissatisfied').evaluation, rateAnswer, at('2026-12-08', PORTAL)));
    const good = refusal(() => applyEvaluationCommand(rated('satisfied').evaluation, answer, at('2026-12-08', MARKET)));

    // Assess
    expect(again).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT', kind: 'conflict' });
    expect(otherChannel).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(hall).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(beforeAnswer).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
    expect(good).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
  });

  it('excludes a review whose appeal the platform upholds: it stops counting, and nothing follows', () => {
    // Act
    const [, appealed, excluded] = run(rated('very-dissatisfied'), [appeal, '2026-12-07', MARKET], [uphold, '2026-12-08', REVIEWER]);

    // Assess
    expect(appealed!.evaluation).toMatchObject({ state: 'appealed', appeal: { from: 'rectifying', reasons: appeal.action === 'appeal' ? appeal.reasons : [] } });
    expect(isLate(appealed!.evaluation, '2026-12-20')).toBe(false);
    expect(excluded!.evaluation).toMatchObject({ state: 'excluded', excluded: true, verdict: { decision: 'uphold', by: { name: 'reviewer' } } });
    expect(excluded!.entry).toMatchObject({ type: 'uphold', from: 'appealed', to: 'excluded' });
    expect(refusal(() => applyEvaluationCommand(excluded!.evaluation, answer, at('2026-12-09', MARKET)))).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
  });

  it('puts a review whose appeal is dismissed back where it was appealed from, its due day unchanged, and refuses a second appeal', () => {
    // Act
    const fromRectifying = run(rated('very-dissatisfied'), [appeal, '2026-12-07', MARKET], [dismiss, '2026-12-10', REVIEWER]).at(-1)!.evaluation;
    const fromAnswered = run(rated('very-dissatisfied'), [answer, '2026-12-07', MARKET], [appeal, '2026-12-07', MARKET], [dismiss, '2026-12-08', REVIEWER]).at(-1)!.evaluation;
    const second = refusal(() => applyEvaluationCommand(fromRectifying, appeal, at('2026-12-11', MARKET)));

    // Assess
    expect(fromRectifying).toMatchObject({ state: 'rectifying', dueOn: '2026-12-09', excluded: false, verdict: { decision: 'dismiss' } });
    expect(isLate(fromRectifying, '2026-12-10')).toBe(true);
    expect(fromAnswered).toMatchObject({ state: 'answered', excluded: false });
    expect(second).toMatchObject({ code: 'EVALUATION_APPEALED_BEFORE', kind: 'conflict' });
  });

  it('lets only the department rated appeal, only a review that is rectifying or answered, and only the platform role decide', () => {
    // Arrange
    const appealed = run(rated('very-dissatisfied'), [appeal, '2026-12-07', MARKET]).at(-1)!.evaluation;

    // Assess
    expect(refusal(() => applyEvaluationCommand(rated('very-dissatisfied').evaluation, appeal, at('2026-12-07', HOUSING)))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(refusal(() => applyEvaluationCommand(rated('basic').evaluation, appeal, at('2026-12-07', MARKET)))).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
    expect(refusal(() => applyEvaluationCommand(appealed, uphold, at('2026-12-08', MARKET)))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(refusal(() => applyEvaluationCommand(appealed, dismiss, at('2026-12-08', AUDITOR)))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(refusal(() => applyEvaluationCommand(appealed, answer, at('2026-12-08', MARKET)))).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
  });
});

describe('the history', () => {
  const steps = run(
    rated('very-dissatisfied'),
    [appeal, '2026-12-07', MARKET],
    [dismiss, '2026-12-08', REVIEWER],
    [answer, '2026-12-08', MARKET],
    [rateAnswer, '2026-12-09', PORTAL],
  );
  const entries = steps.map((s) => s.entry);
  const head = steps.at(-1)!.evaluation;

  it('verifies whole, and ends at the evaluation as it stands', () => {
    expect(entries.map((e) => e.type)).toEqual(['rate', 'appeal', 'dismiss', 'answer', 'rate-answer']);
    expect(verifyEvaluationHistory(entries, head)).toEqual({ ok: true });
  });

  it('finds an entry edited, removed, moved or another evaluation’s, and a state edited or ahead of its history', () => {
    // Arrange
    const edited = entries.map((e) => (e.n === 4 ? { ...e, to: 'closed' as const } : e));
    const rehashed = (e: EvaluationHistoryEntry) => ({ ...e, hash: hashEntry<EvaluationHistoryEntry>({ ...e, hash: undefined } as never) });
    const foreign = entries.map((e) => (e.n === 3 ? rehashed({ ...e, evaluationId: evaluationId({ kind: 'case', caseNo: 'OTHER' }) }) : e));

    // Act / Assess
    expect(verifyEvaluationHistory(edited, head)).toMatchObject({ ok: false, n: 4 });
    expect(verifyEvaluationHistory([entries[0]!, entries[2]!, entries[3]!, entries[4]!], head)).toMatchObject({ ok: false, n: 2 });
    expect(verifyEvaluationHistory([entries[1]!, entries[0]!, ...entries.slice(2)], head)).toMatchObject({ ok: false, n: 1 });
    expect(verifyEvaluationHistory(foreign, head)).toMatchObject({ ok: false, n: 3 });
    expect(verifyEvaluationHistory(entries, { ...head, comment: '改过的评价' })).toMatchObject({ ok: false, n: 5, reason: expect.stringMatching(/does not match/) as unknown });
    expect(verifyEvaluationHistory(entries.slice(0, 4), head)).toMatchObject({ ok: false, n: 5 });
  });
});

/** An in-memory store with the port's semantics: conditional create, version-checked append, lists newest first. */
class MemoryEvaluationStore implements EvaluationStore {
  readonly heads = new Map<string, Evaluation>();
  readonly entries = new Map<string, EvaluationHistoryEntry[]>();
  /** Set to make the next create find this evaluation written by a concurrent rating. */
  raced: Evaluation | undefined;

  create(first: EvaluationTransition): Promise<{ created: true } | { created: false; existing: Evaluation }> {
    const existing = this.raced ?? this.heads.get(first.evaluation.id);
    this.raced = undefined;
    if (existing) return Promise.resolve({ created: false, existing });
    this.heads.set(first.evaluation.id, first.evaluation);
    this.entries.set(first.evaluation.id, [first.entry]);
    return Promise.resolve({ created: true });
  }

  append(next: EvaluationTransition, previous: Evaluation): Promise<void> {
    const list = this.entries.get(previous.id) ?? [];
    if (list.length !== previous.version) return Promise.reject(conflict('EVALUATION_VERSION_CONFLICT', '评价已被他人处理，请刷新后重试', 'raced'));
    list.push(next.entry);
    this.heads.set(previous.id, next.evaluation);
    return Promise.resolve();
  }

  read(id: string): Promise<EvaluationRead | undefined> {
    const evaluation = this.heads.get(id);
    return Promise.resolve(evaluation && { evaluation });
  }

  history(id: string): Promise<EvaluationHistoryEntry[]> {
    return Promise.resolve([...(this.entries.get(id) ?? [])]);
  }

  list(s: EvaluationSelection, page: { limit: number; cursor?: string | undefined }): Promise<EvaluationPage> {
    const all = [...this.heads.values()]
      .filter((e) => ('channel' in s.by ? e.channelId === s.by.channel : 'department' in s.by ? e.departmentId === s.by.department : e.state === s.by.state))
      .filter((e) => (s.from === undefined || e.ratedOn >= s.from) && (s.to === undefined || e.ratedOn <= s.to))
      .filter((e) => (s.filter.department === undefined || e.departmentId === s.filter.department) && (s.filter.state === undefined || e.state === s.filter.state))
      .sort((a, b) => b.ratedAt.localeCompare(a.ratedAt) || b.id.localeCompare(a.id));
    const start = Number(page.cursor ?? 0);
    const evaluations = all.slice(start, start + page.limit);
    return Promise.resolve(start + page.limit < all.length ? { evaluations, nextCursor: String(start + page.limit) } : { evaluations });
  }

  due(through: string, page: { limit: number; cursor?: string | undefined }, from = '0000-01-01'): Promise<EvaluationPage> {
    const evaluations = [...this.heads.values()]
      .filter((e) => e.state === 'rectifying' && e.dueOn !== undefined && e.dueOn >= from && e.dueOn <= through)
      .sort((a, b) => a.dueOn!.localeCompare(b.dueOn!));
    return Promise.resolve({ evaluations: evaluations.slice(0, page.limit) });
  }
}

describe('the evaluation service', () => {
  const calendar = new WorkingDayCalendar(SHIPPED_CALENDAR_YEARS);
  const cases = new Map<string, RatedCase>();
  const ended = (caseNo: string, status: CaseStatus = 'decided', over: Partial<RatedCase> = {}): RatedCase => {
    const c: RatedCase = {
      caseNo,
      channelId: PORTAL.channelId!,
      departmentId: MARKET.departmentId!,
      itemCode: 'ITEM-1',
      itemName: '食品经营许可',
      status,
      applicant: ZHANG,
      ...over,
    };
    cases.set(caseNo, c);
    return c;
  };

  function service(over: { today?: string; days?: number; store?: MemoryEvaluationStore } = {}) {
    const store = over.store ?? new MemoryEvaluationStore();
    let today = over.today ?? '2026-12-04';
    const svc = new EvaluationService({
      store,
      cases: { read: (caseNo) => Promise.resolve(cases.get(caseNo)) },
      directory: () => Promise.resolve(fixtureDirectory()),
      calendar: { current: () => Promise.resolve(calendar) },
      rectificationDays: over.days,
      now: () => new Date(`${today}T02:00:00.000Z`),
    });
    return { svc, store, setToday: (d: string) => (today = d) };
  }

  const body = (level: CaseEvaluationRequest['level'], over: Partial<CaseEvaluationRequest> = {}): CaseEvaluationRequest => ({ level, named: false, ...over });
  const query = (q: Record<string, string>): EvaluationListQuery => EvaluationListQuerySchema.parse(q);
  const windowBody = (over: Partial<WindowEvaluationRequest> = {}): WindowEvaluationRequest => ({
    level: 'dissatisfied',
    named: true,
    contact: { name: '王五', phone: '13700137000' },
    window: { visit: 'A017', departmentId: DEPARTMENTS.housing.id },
    ...over,
  });

  it('rates an ended case through its own channel, a bad review due three working days later across the weekend, the contact taken from the case', async () => {
    // Arrange
    ended('C-100');
    ended('C-101', 'refused', { applicant: SHOP });
    const { svc } = service();

    // Act
    const bad = await svc.rateCase(PORTAL, 'C-100', body('very-dissatisfied', { named: true, dimensions: { attitude: 1 } }));
    const org = await svc.rateCase(PORTAL, 'C-101', body('dissatisfied', { named: true }));

    // Assess
    expect(bad).toMatchObject({
      replayed: false,
      evaluation: { state: 'rectifying', ratedOn: '2026-12-04', dueOn: '2026-12-09', late: false, contact: { name: '张三', phone: ZHANG.phone } },
    });
    expect(bad.evaluation).toMatchObject({ departmentId: MARKET.departmentId, itemCode: 'ITEM-1', subject: { kind: 'case', caseNo: 'C-100' }, dimensions: { attitude: 1 } });
    expect(org.evaluation.contact).toEqual(SHOP.contact);
  });

  it('counts the rectification days the deployment sets, and refuses a setting out of range', async () => {
    // Arrange
    ended('C-102');
    const { svc } = service({ days: 5 });

    // Act
    const rated5 = await svc.rateCase(PORTAL, 'C-102', body('dissatisfied'));

    // Assess
    expect(rated5.evaluation).toMatchObject({ rectificationDays: 5, dueOn: '2026-12-11' });
    expect(() => service({ days: 0 })).toThrow(/rectification days/);
    expect(() => service({ days: 31 })).toThrow(/rectification days/);
  });

  it('refuses a case unknown, filed through another channel, or not ended', async () => {
    // Arrange
    ended('C-110');
    ended('C-111', 'accepted');
    const { svc } = service();

    // Act / Assess
    expect(await rejection(svc.rateCase(PORTAL, 'C-404', body('satisfied')))).toMatchObject({ code: 'CASE_NOT_FOUND', kind: 'not-found' });
    expect(await rejection(svc.rateCase(OTHER_PORTAL, 'C-110', body('satisfied')))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(await rejection(svc.rateCase(HALL, 'C-110', body('satisfied')))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(await rejection(svc.rateCase(PORTAL, 'C-111', body('satisfied')))).toMatchObject({ code: 'EVALUATION_CASE_NOT_ENDED', kind: 'conflict' });
  });

  it('rates a case once: the same request under the same key answers the stored evaluation; anything else, or a concurrent rating, is refused', async () => {
    // Arrange
    ended('C-120');
    const { svc, store } = service();
    const first = await svc.rateCase(PORTAL, 'C-120', body('basic', { comment: '还行' }), 'key-1');

    // Act
    const replay = await svc.rateCase(PORTAL, 'C-120', body('basic', { comment: '还行' }), 'key-1');
    const otherBody = await rejection(svc.rateCase(PORTAL, 'C-120', body('very-dissatisfied'), 'key-1'));
    const otherKey = await rejection(svc.rateCase(PORTAL, 'C-120', body('basic', { comment: '还行' }), 'key-2'));
    const noKey = await rejection(svc.rateCase(PORTAL, 'C-120', body('basic', { comment: '还行' })));
    ended('C-121');
    store.raced = store.heads.get(first.evaluation.id);
    const raced = await rejection(svc.rateCase(PORTAL, 'C-121', body('basic')));

    // Assess
    expect(replay).toMatchObject({ replayed: true, evaluation: { id: first.evaluation.id, version: 1 } });
    for (const e of [otherBody, otherKey, noKey, raced]) expect(e).toMatchObject({ code: 'EVALUATION_EXISTS', kind: 'conflict' });
    expect(store.entries.get(first.evaluation.id)).toHaveLength(1);
  });

  it('rates a window visit from a hall window only, for a department of the directory, a named bad review with its contact', async () => {
    // Arrange
    const { svc } = service();

    // Act
    const fromPortal = await rejection(svc.rateWindow(PORTAL, windowBody()));
    const unknown = await rejection(svc.rateWindow(HALL, windowBody({ window: { visit: 'A017', departmentId: UNLISTED_DEPARTMENT_ID } })));
    const noContact = await rejection(svc.rateWindow(HALL, windowBody({ contact: undefined })));
    const rated = await svc.rateWindow(HALL, windowBody());
    const again = await rejection(svc.rateWindow(HALL, windowBody({ level: 'satisfied' })));
    const goodNamed = await svc.rateWindow(HALL, windowBody({ level: 'satisfied', contact: undefined, window: { visit: 'A018', departmentId: DEPARTMENTS.housing.id } }));

    // Assess
    expect(fromPortal).toMatchObject({ code: 'EVALUATION_NOT_WINDOW', kind: 'forbidden' });
    expect(unknown).toMatchObject({ code: 'EVALUATION_DEPARTMENT_UNKNOWN', field: 'window.departmentId' });
    expect(noContact).toMatchObject({ code: 'EVALUATION_CONTACT_REQUIRED', field: 'contact' });
    expect(rated.evaluation).toMatchObject({
      subject: { kind: 'window', visit: 'A017' },
      channelId: HALL.channelId,
      departmentId: HOUSING.departmentId,
      state: 'rectifying',
      contact: { name: '王五' },
    });
    expect(again).toMatchObject({ code: 'EVALUATION_EXISTS' });
    expect(goodNamed.evaluation.state).toBe('recorded');
  });

  it('shows a named review’s contact to the department owing the answer, the channel and the platform role only — never in lists', async () => {
    // Arrange
    ended('C-130');
    const { svc } = service();
    const { evaluation } = await svc.rateCase(PORTAL, 'C-130', body('very-dissatisfied', { named: true }));

    // Act
    const views = await Promise.all([PORTAL, MARKET, REVIEWER, AUDITOR].map((c) => svc.get(c, evaluation.id)));
    const lists = await Promise.all([
      svc.list(PORTAL, query({})),
      svc.list(MARKET, query({})),
      svc.list(REVIEWER, query({ department: MARKET.departmentId! })),
      svc.list(AUDITOR, query({ state: 'rectifying' })),
      svc.list(REVIEWER, query({ case: 'C-130' })),
    ]);

    // Assess
    expect(views.map((v) => v.evaluation.contact?.name)).toEqual(['张三', '张三', '张三', undefined]);
    for (const v of views) expect(v.check).toEqual({ ok: true });
    for (const l of lists) {
      expect(l.evaluations.map((e) => e.id)).toEqual([evaluation.id]);
      expect(l.evaluations[0]!.contact).toBeUndefined();
    }
  });

  it('keeps another channel and another department out: refused one by one, absent from their lists', async () => {
    // Arrange
    ended('C-140');
    const { svc } = service();
    const { evaluation } = await svc.rateCase(PORTAL, 'C-140', body('dissatisfied'));

    // Act / Assess
    expect(await rejection(svc.get(OTHER_PORTAL, evaluation.id))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(await rejection(svc.get(HOUSING, evaluation.id))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(await rejection(svc.answer(HOUSING, evaluation.id, { verification: 'x', kind: 'explained', text: 'y' }))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect(await rejection(svc.appeal(AUDITOR, evaluation.id, { reasons: ['x'] }))).toMatchObject({ code: 'EVALUATION_FORBIDDEN' });
    expect((await svc.list(OTHER_PORTAL, query({}))).evaluations).toEqual([]);
    expect((await svc.list(OTHER_PORTAL, query({ case: 'C-140' }))).evaluations).toEqual([]);
    expect((await svc.list(HOUSING, query({}))).evaluations).toEqual([]);
    expect((await svc.list(HOUSING, query({ case: 'C-140' }))).evaluations).toEqual([]);
    expect(await rejection(svc.list(HOUSING, query({ department: MARKET.departmentId! })))).toMatchObject({ code: 'EVALUATION_FORBIDDEN', field: 'department' });
    expect(await rejection(svc.list(REVIEWER, query({})))).toMatchObject({ code: 'EVALUATION_FILTER_REQUIRED', field: 'department' });
    expect(await rejection(svc.get(REVIEWER, 'f'.repeat(32)))).toMatchObject({ code: 'EVALUATION_NOT_FOUND', kind: 'not-found' });
  });

  it('lists by state and period, a page at a time, newest first', async () => {
    // Arrange
    const { svc, setToday } = service();
    for (const [i, day] of ['2026-12-01', '2026-12-02', '2026-12-03'].entries()) {
      setToday(day);
      ended(`C-15${i}`);
      await svc.rateCase(PORTAL, `C-15${i}`, body(i === 1 ? 'satisfied' : 'dissatisfied'));
    }

    // Act
    const first = await svc.list(MARKET, query({ limit: '1' }));
    const second = await svc.list(MARKET, query({ limit: '1', cursor: first.nextCursor! }));
    const rectifying = await svc.list(REVIEWER, query({ state: 'rectifying', from: '2026-12-02' }));
    const period = await svc.list(PORTAL, query({ from: '2026-12-02', to: '2026-12-02' }));

    // Assess
    expect(first.evaluations.map((e) => e.subject)).toMatchObject([{ caseNo: 'C-152' }]);
    expect(second.evaluations.map((e) => e.subject)).toMatchObject([{ caseNo: 'C-151' }]);
    expect(rectifying.evaluations.map((e) => e.subject)).toMatchObject([{ caseNo: 'C-152' }]);
    expect(period.evaluations.map((e) => e.subject)).toMatchObject([{ caseNo: 'C-151' }]);
  });

  it('answers, rates the answer, appeals and decides through the store, and reports the rectifications late on a day', async () => {
    // Arrange
    const { svc, setToday } = service();
    for (const caseNo of ['C-160', 'C-161', 'C-162', 'C-163']) ended(caseNo);
    const ids = [];
    for (const caseNo of ['C-160', 'C-161', 'C-162', 'C-163']) ids.push((await svc.rateCase(PORTAL, caseNo, body('very-dissatisfied'))).evaluation.id);
    const [answered, appealed, dismissed, untouched] = ids as [string, string, string, string];

    // Act
    setToday('2026-12-08');
    await svc.answer(MARKET, answered, { verification: '核实', kind: 'explained', text: '系政策规定' });
    const rating = await svc.rateAnswer(PORTAL, answered, { level: 'basic' });
    await svc.appeal(MARKET, appealed, { reasons: ['恶意差评'] });
    await svc.appeal(MARKET, dismissed, { reasons: ['恶意差评'] });
    const upheld = await svc.decideAppeal(REVIEWER, appealed, { decision: 'uphold', reasons: ['成立'] });
    const back = await svc.decideAppeal(REVIEWER, dismissed, { decision: 'dismiss', reasons: ['不成立'] });
    setToday('2026-12-10');
    const late = await svc.lateOccurrences('2026-12-10', { limit: 10 });
    const notYet = await svc.lateOccurrences('2026-12-09', { limit: 10 });
    const view = await svc.get(MARKET, answered);

    // Assess
    expect(rating).toMatchObject({ state: 'closed', answerRating: { level: 'basic' } });
    expect(upheld).toMatchObject({ state: 'excluded', excluded: true });
    expect(back).toMatchObject({ state: 'rectifying', dueOn: '2026-12-09' });
    expect(late.occurrences.map((o) => o.facts['id']).sort()).toEqual([dismissed, untouched].sort());
    expect(late.occurrences[0]).toMatchObject({ departmentId: MARKET.departmentId, facts: { dueOn: '2026-12-09' }, subject: { kind: 'case' } });
    expect(notYet.occurrences).toEqual([]);
    expect(view.history.map((e) => e.type)).toEqual(['rate', 'answer', 'rate-answer']);
    expect(view.check).toEqual({ ok: true });
    expect(await rejection(svc.appeal(MARKET, untouched, { reasons: ['x'] }).then(() => svc.appeal(MARKET, untouched, { reasons: ['x'] })))).toMatchObject({
      code: 'EVALUATION_STATE_CONFLICT',
    });
  });

  it('tells the watch each late rectification as an occurrence of its rule: on the case, or on a window’s evaluation; from the day given on', async () => {
    // Arrange: a case's bad review and a window's, both rated on Friday 4 December (due Wednesday 9), and one on Monday 7 (due Thursday 10).
    const { svc, setToday } = service();
    ended('C-180');
    const onCase = (await svc.rateCase(PORTAL, 'C-180', body('dissatisfied'))).evaluation;
    const onWindow = (await svc.rateWindow(HALL, { level: 'very-dissatisfied', named: false, window: { visit: 'B001', departmentId: DEPARTMENTS.housing.id } })).evaluation;
    setToday('2026-12-07');
    ended('C-181');
    const later = (await svc.rateCase(PORTAL, 'C-181', body('dissatisfied'))).evaluation;
    const watched: LateAnswers = svc;

    // Act
    const onTenth = await watched.lateOccurrences('2026-12-10', { limit: 100 });
    const onEleventh = await watched.lateOccurrences('2026-12-11', { limit: 100, dueFrom: '2026-12-10' });

    // Assess
    expect(onTenth.occurrences).toEqual([
      {
        rule: 'evaluation-rectification-late',
        subject: { kind: 'case', caseNo: 'C-180' },
        occurrence: 'late-1',
        departmentId: MARKET.departmentId,
        on: '2026-12-10',
        facts: { id: onCase.id, dueOn: '2026-12-09', kind: 'evaluation' },
      },
      expect.objectContaining({
        subject: { kind: 'evaluation', id: onWindow.id },
        departmentId: DEPARTMENTS.housing.id,
        facts: { id: onWindow.id, dueOn: '2026-12-09', kind: 'evaluation' },
      }),
    ]);
    expect(onEleventh.occurrences.map((o) => o.facts.id)).toEqual([later.id]);
    for (const o of [...onTenth.occurrences, ...onEleventh.occurrences]) expect(JSON.stringify(o)).not.toMatch(/张三|13800138000/);
  });

  it('refuses to act on an evaluation whose history is broken', async () => {
    // Arrange
    ended('C-170');
    const store = new MemoryEvaluationStore();
    const { svc } = service({ store });
    const { evaluation } = await svc.rateCase(PORTAL, 'C-170', body('dissatisfied'));
    const read = store.read.bind(store);
    store.read = async (id) => {
      const r = await read(id);
      return r && { ...r, broken: { n: 1, reason: 'its content does not match its hash' } };
    };

    // Act
    const error = await rejection(svc.answer(MARKET, evaluation.id, { verification: 'x', kind: 'explained', text: 'y' }));
    const view = await svc.get(REVIEWER, evaluation.id);

    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'EVALUATION_STATE_CONFLICT' });
    expect(view.check).toMatchObject({ ok: false, n: 1 });
  });
});
