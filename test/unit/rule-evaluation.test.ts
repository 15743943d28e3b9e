// What each supervision rule finds (shared/domain/supervision/rule-evaluation.ts), on case states made by
// the real lifecycle on the real 2026 calendar. The item: FOOD, 食品经营许可证核发 (market), promised 10,
// statutory 20 working days; filed Wed 30 Sep 2026, accepted Thu 8 Oct: promised Wed 21 Oct, statutory
// Wed 4 Nov (counted in case-lifecycle.test.ts).
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../shared/contracts/supervision-rules.ts';
import type { RuleCatalogueDocument, RuleId } from '../../shared/contracts/supervision-rules.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseMaterial, CaseState } from '../../shared/domain/cases/case-record.ts';
import type { ItemRecord } from '../../shared/domain/items/item-record.ts';
import { DEFAULT_RULE_CATALOGUE, DEFAULT_RULE_IDS } from '../../shared/domain/supervision/default-rules.ts';
import { EVALUATED_RULES, caseOccurrences, itemOccurrences, ruleSubject } from '../../shared/domain/supervision/rule-evaluation.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';

const APPLICATION = '食品经营许可申请书';
const BUSINESS_LICENCE = '营业执照';
const LAYOUT = '经营场所平面布局图'; // tolerable (容缺)
const RULES_TEXT = '食品安全管理制度文本'; // tolerable (容缺)
const MATERIALS: Record<string, CaseMaterial> = {
  [APPLICATION]: upload(APPLICATION),
  [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE),
  [LAYOUT]: upload(LAYOUT),
  [RULES_TEXT]: upload(RULES_TEXT),
};
const CASE_NO = 'KM20260930000007';

const on = (date: string, actor: Caller): CaseContext => ({ actor, at: `${date}T02:00:00.000Z`, today: date, calendar: officialCalendar });
const received = () =>
  fileCase(
    {
      caseNo: CASE_NO,
      item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: { 经营场所面积: 120 },
      materials: MATERIALS,
    },
    on('2026-09-30', PORTAL),
  ).state;
const apply = (state: CaseState, command: CaseCommand, ctx: CaseContext) => applyCaseCommand(state, command, ctx).state;
const base = (state: CaseState) => ({ baseVersion: state.version });
const accepted = () => {
  const s = received();
  return apply(s, { action: 'accept' }, on('2026-10-08', MARKET));
};

/** The shipped catalogue with some rules' settings changed. */
function catalogue(change: Partial<Record<RuleId, { enabled?: boolean; parameters?: Record<string, unknown> }>> = {}): RuleCatalogueDocument {
  return { ...DEFAULT_RULE_CATALOGUE, rules: DEFAULT_RULE_CATALOGUE.rules.map((r) => ({ ...r, ...change[r.id] })) };
}
const found = (state: CaseState, rules = catalogue(), today = '2026-12-01') => caseOccurrences(rules, state, today).map((o) => `${o.rule}:${o.occurrence}`);

describe('the rule catalogue and its evaluations', () => {
  it('ships every rule once, in RULE_IDS order, and evaluates each for exactly one subject', () => {
    expect(DEFAULT_RULE_IDS).toEqual(RULE_IDS);
    expect([...EVALUATED_RULES.case, ...EVALUATED_RULES.item, ...EVALUATED_RULES.voice].sort()).toEqual([...RULE_IDS].sort());
    expect(ruleSubject('ticket-answer-late')).toBe('voice');
    expect(ruleSubject('item-review-late')).toBe('item');
    expect(ruleSubject('repeated-supplement')).toBe('case');
  });
});

describe('case rules', () => {
  it('finds nothing on a case handled in time', () => {
    const decided = apply(accepted(), { action: 'decide', ...base(accepted()), outcome: 'approved' }, on('2026-10-15', MARKET));
    expect(found(decided)).toEqual([]);
  });

  it('finds a deemed acceptance (Art. 32), once, whatever day it is evaluated', () => {
    const deemed = apply(received(), { action: 'deem-accepted' }, on('2026-10-14', SYSTEM_CALLER));
    const first = caseOccurrences(catalogue(), deemed, '2026-10-14');
    expect(first).toEqual([
      {
        rule: 'answer-period-passed',
        subject: { kind: 'case', caseNo: CASE_NO },
        occurrence: 'deemed',
        departmentId: FOOD.departmentId,
        on: '2026-10-14',
        facts: expect.objectContaining({ acceptedOn: deemed.acceptance?.on }) as unknown,
      },
    ]);
    // Evaluated again later: the same finding (rule, subject, occurrence), raised nothing new.
    expect(caseOccurrences(catalogue(), deemed, '2026-10-20').map((o) => [o.rule, o.occurrence])).toEqual([['answer-period-passed', 'deemed']]);
  });

  it('finds the promised deadline passed when the sweep marks the case overdue, and the statutory one too when it marks a violation', () => {
    const overdue = apply(accepted(), { action: 'mark-overdue' }, on('2026-10-22', SYSTEM_CALLER));
    expect(overdue.supervision).toBe('overdue');
    expect(found(overdue)).toEqual(['promised-deadline-passed:promised']);
    const violation = apply(overdue, { action: 'mark-violation' }, on('2026-11-05', SYSTEM_CALLER));
    expect(found(violation)).toEqual(['promised-deadline-passed:promised', 'statutory-deadline-passed:statutory']);
  });

  it('finds every supplement round beyond the ones allowed, each once', () => {
    let s = received();
    const ask = (state: CaseState, date: string) =>
      apply(state, { action: 'request-supplement', ...base(state), problems: [{ material: APPLICATION, problem: '签名缺失' }] }, on(date, MARKET));
    const deliver = (state: CaseState, date: string) =>
      apply(state, { action: 'supplement', ...base(state), materials: { [APPLICATION]: upload(`${APPLICATION}-${date}`) } }, on(date, PORTAL));
    s = ask(s, '2026-10-08');
    expect(found(s)).toEqual([]);
    s = ask(deliver(s, '2026-10-09'), '2026-10-12');
    expect(found(s)).toEqual(['repeated-supplement:round-2']);
    s = ask(deliver(s, '2026-10-13'), '2026-10-14');
    expect(found(s)).toEqual(['repeated-supplement:round-2', 'repeated-supplement:round-3']);
    // A region that allows two rounds: only the third is found.
    expect(found(s, catalogue({ 'repeated-supplement': { parameters: { maxRounds: 2 } } }))).toEqual(['repeated-supplement:round-3']);
  });

  it('finds a refusal, a denial and an extension whose reasons say next to nothing, and not those that give them', () => {
    const refused = apply(received(), { action: 'refuse', ...base(received()), reasons: ['不符合'] }, on('2026-10-08', MARKET));
    expect(found(refused)).toEqual(['reasons-missing:refusal']);
    const refusedWithReasons = apply(received(), { action: 'refuse', ...base(received()), reasons: ['经营场所不符合食品安全要求'] }, on('2026-10-08', MARKET));
    expect(found(refusedWithReasons)).toEqual([]);

    const a = accepted();
    const extended = apply(a, { action: 'extend', ...base(a), days: 5, approvedBy: '王局长', reasons: ['需要'] }, on('2026-10-15', MARKET));
    expect(found(extended)).toEqual(['reasons-missing:extension']);
    const denied = apply(extended, { action: 'decide', ...base(extended), outcome: 'denied', reasons: ['不行'] }, on('2026-10-16', MARKET));
    expect(found(denied)).toEqual(['reasons-missing:denial', 'reasons-missing:extension']);
    // The threshold is the catalogue's: at 2 characters, "不行" and "需要" are reasons enough.
    expect(found(denied, catalogue({ 'reasons-missing': { parameters: { minChars: 2 } } }))).toEqual([]);
  });

  it('finds the clock findings the sweep recorded, each by the day it fell due', () => {
    const a = accepted();
    const paused = apply(a, { action: 'pause', ...base(a), procedure: 'site-inspection', reason: '现场核查经营场所', expectedDays: 3 }, on('2026-10-09', MARKET));
    expect(found(paused)).toEqual([]);
    const recorded = apply(paused, { action: 'record-findings' }, on('2026-10-20', SYSTEM_CALLER));
    const due = recorded.findings?.find((f) => f.kind === 'procedure-overrun')?.due;
    expect(due).toBeDefined();
    expect(found(recorded)).toEqual([`procedure-overrun:${due}`]);
  });

  it('finds co-departments escalated or missing, each answered by the co-department at fault', () => {
    const a = accepted();
    const withTasks: CaseState = {
      ...a,
      coDepartmentIds: ['D1', 'D2', 'D3'],
      jointTasks: [
        {
          departmentId: 'D1',
          dispatchedOn: '2026-10-08',
          dueOn: '2026-10-15',
          status: 'answered',
          opinion: { outcome: 'agree', reasons: [], attachments: {}, on: '2026-10-12', by: 'd1' },
        },
        { departmentId: 'D2', dispatchedOn: '2026-10-08', dueOn: '2026-10-15', status: 'escalated', escalatedOn: '2026-10-16' },
        { departmentId: 'D3', dispatchedOn: '2026-10-08', dueOn: '2026-10-15', status: 'missing', escalatedOn: '2026-10-16', missingOn: '2026-11-05' },
      ],
    };
    const occurrences = caseOccurrences(catalogue(), withTasks, '2026-11-05');
    expect(occurrences.map((o) => [o.rule, o.occurrence, o.departmentId])).toEqual([
      ['co-department-escalated', 'D2', 'D2'],
      ['co-department-escalated', 'D3', 'D3'],
      ['co-department-missing', 'D3', 'D3'],
    ]);
  });

  it('finds an approval over a disagreeing co-department, and not a denial', () => {
    const a = accepted();
    const disagree = {
      departmentId: 'D1',
      dispatchedOn: '2026-10-08',
      status: 'answered' as const,
      opinion: { outcome: 'disagree' as const, reasons: ['消防不合格'], attachments: {}, on: '2026-10-12', by: 'd1' },
    };
    const approved: CaseState = { ...a, decision: { outcome: 'approved', reasons: [], on: '2026-10-20', opinions: [disagree], overrideReasons: ['已整改并复查合格，符合条件'] } };
    expect(found(approved)).toEqual(['approval-over-disagreement:decision']);
    const denied: CaseState = { ...a, decision: { outcome: 'denied', reasons: ['消防验收不合格，不予许可'], on: '2026-10-20', opinions: [disagree] } };
    expect(found(denied)).toEqual([]);
  });

  it('finds nothing for a rule the catalogue switched off', () => {
    const refused = apply(received(), { action: 'refuse', ...base(received()), reasons: ['不符合'] }, on('2026-10-08', MARKET));
    expect(found(refused, catalogue({ 'reasons-missing': { enabled: false } }))).toEqual([]);
  });
});

describe('item rules', () => {
  const item = (over: Partial<ItemRecord>): ItemRecord => ({
    code: FOOD.implementationCode,
    version: 4,
    action: 'publish',
    actor: 'reviewer',
    at: '2026-10-08T02:00:00.000Z',
    state: 'published',
    publicState: 'published',
    publishedVersion: 4,
    guide: FOOD,
    hash: 'h',
    ...over,
  });
  const items = (record: ItemRecord, rules = catalogue(), today = '2026-10-20') => itemOccurrences(rules, record, today, officialCalendar).map((o) => `${o.rule}:${o.occurrence}`);

  it('finds a submission still unreviewed after its 2 working days, for the platform to answer, and not a provisional due date', () => {
    const submitted = item({ action: 'submit', state: 'submitted', reviewDueDate: '2026-10-12' });
    expect(items(submitted, catalogue(), '2026-10-12')).toEqual([]);
    const late = itemOccurrences(catalogue(), submitted, '2026-10-13', officialCalendar).filter((o) => o.rule === 'item-review-late');
    expect(late).toHaveLength(1);
    expect(late[0]?.departmentId).toBeUndefined();
    expect(items({ ...submitted, reviewDueProvisional: true }, catalogue(), '2026-10-13')).toEqual([]);
  });

  it('finds a published guide without the elements the catalogue requires, per published version', () => {
    const bare = item({ guide: { ...FOOD, resultSample: undefined, contact: { ...FOOD.contact, address: undefined } } });
    const [finding] = itemOccurrences(catalogue(), bare, '2026-10-20', officialCalendar);
    expect(finding).toMatchObject({ rule: 'guide-elements-missing', occurrence: 'v4', departmentId: FOOD.departmentId, facts: { missing: 'resultSample,contact.address' } });
    // FOOD's guide gives both (and no basic code): complete for the shipped rule, incomplete for one asking the basic code.
    expect(items(item({}))).toEqual([]);
    expect(items(item({}), catalogue({ 'guide-elements-missing': { parameters: { elements: ['resultSample', 'basicCode'] } } }))).toEqual(['guide-elements-missing:v4']);
    // A draft never published is nobody's finding yet.
    expect(items({ ...bare, state: 'draft', publicState: 'unpublished', publishedVersion: undefined })).toEqual([]);
  });

  it('finds a planned suspension announced fewer working days ahead than the catalogue asks, not an emergency one', () => {
    // Announced Mon 12 Oct 2026 for Mon 19 Oct: 5 working days ahead (13-16, 19): in time for 5, late for 7.
    const suspended = item({ action: 'suspend', suspension: { kind: 'planned', effectiveFrom: '2026-10-19', reason: '系统升级', announcedAt: '2026-10-12T02:00:00.000Z' } });
    expect(items(suspended)).toEqual([]);
    expect(items(suspended, catalogue({ 'suspension-announced-late': { parameters: { noticeDays: 7 } } }))).toEqual(['suspension-announced-late:2026-10-19']);
    const emergency = item({
      action: 'suspend',
      suspension: { kind: 'emergency', effectiveFrom: '2026-10-12', reason: '系统故障', notice: '暂停受理', announcedAt: '2026-10-12T02:00:00.000Z' },
    });
    expect(items(emergency, catalogue({ 'suspension-announced-late': { parameters: { noticeDays: 7 } } }))).toEqual([]);
  });
});
