// The written notices a case owes its applicant (case-notices.ts), on the real 2026 calendar: which
// action owes which notice (recorded with that action's own entry), what each document says, and the
// sealing function's entry that moves them from due to sealed. The item: FOOD, 食品经营许可证核发
// (market), promised 10, statutory 20 working days. Accepted Thu 8 Oct 2026: promised Wed 21 Oct,
// statutory Wed 4 Nov (counted in case-lifecycle.test.ts).
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { caseStateDigest } from '../../shared/domain/cases/case-history.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { NOTICE_OWED_BY, noticeDocument, noticeOwed } from '../../shared/domain/cases/case-notices.ts';
import type { CaseMaterial, CaseState } from '../../shared/domain/cases/case-record.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { TEST_SEAL, sealNoticesCommand } from '../support/notice-seals.ts';
import { refusal } from '../support/refusal.ts';

const APPLICATION = '食品经营许可申请书';
const BUSINESS_LICENCE = '营业执照';
const LAYOUT = '经营场所平面布局图'; // tolerable (容缺)
const RULES = '食品安全管理制度文本'; // tolerable (容缺)
const MATERIALS: Record<string, CaseMaterial> = {
  [APPLICATION]: upload(APPLICATION),
  [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE),
  [LAYOUT]: upload(LAYOUT),
  [RULES]: upload(RULES),
};

/** 10:00 China time on `date`, plus `minute` minutes. */
const on = (date: string, actor: Caller, minute = 0): CaseContext => ({
  actor,
  at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`,
  today: date,
  calendar: officialCalendar,
});
const received = (materials = MATERIALS) =>
  fileCase(
    {
      caseNo: 'KM20260930000007',
      item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: { 经营场所面积: 120 },
      materials,
    },
    on('2026-09-30', PORTAL),
  ).state;
const apply = (state: CaseState, command: CaseCommand, ctx: CaseContext) => applyCaseCommand(state, command, ctx).state;
/** The state with every due notice sealed (a test seal), as the sealing function's entry records them. */
const sealAll = (state: CaseState, date: string) => apply(state, sealNoticesCommand(state, `${date}T02:59:00.000Z`), on(date, SYSTEM_CALLER, 59));
const accepted = () => sealAll(apply(received(), { action: 'accept' }, on('2026-10-08', MARKET)), '2026-10-08');

/** The head every notice carries: the case, the applicant as the decision names them, the date. */
const head = (kind: string, title: string, issuedOn: string) => ({
  type: `tongban/notice/${kind}`,
  kind,
  title,
  caseNo: 'KM20260930000007',
  itemCode: FOOD.implementationCode,
  itemName: FOOD.name,
  itemVersion: 3,
  department: FOOD.departmentId,
  applicant: { kind: 'person', id: '11010519491231002X', name: '张三' },
  issuedOn,
});

describe('which action owes which notice', () => {
  it('names the six notices by action; a pause owes one for its special procedure; no other action owes any', () => {
    expect(NOTICE_OWED_BY).toEqual({
      accept: 'acceptance',
      'deem-accepted': 'acceptance',
      'accept-pending': 'pending-acceptance',
      refuse: 'refusal',
      'request-supplement': 'supplement',
      extend: 'extension',
      pause: 'special-procedure',
    });
    expect(noticeOwed({ action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 })).toBe('special-procedure');
    expect(noticeOwed({ action: 'pause', procedure: 'a meeting' as never, reason: 'x', expectedDays: 1 })).toBeUndefined();
    expect(noticeOwed({ action: 'resume' })).toBeUndefined();
    expect(noticeOwed({ action: 'decide', outcome: 'approved' })).toBeUndefined();
  });

  it("records each owed notice as due with the action's own entry, once, and the entry's state digest covers it", () => {
    // Act: every action that owes one, and some that do not, each on the state its status allows
    const steps: [string, CaseState, CaseCommand, CaseContext][] = [
      ['accept', received(), { action: 'accept' }, on('2026-10-08', MARKET)],
      ['accept-pending', received(), { action: 'accept-pending', pendingMaterials: [LAYOUT], pendingDueOn: '2026-10-20' }, on('2026-10-08', MARKET)],
      ['deem-accepted', received(), { action: 'deem-accepted' }, on('2026-10-14', SYSTEM_CALLER)],
      ['refuse', received(), { action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-10-08', MARKET)],
      ['request-supplement', received(), { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '图纸不清晰' }] }, on('2026-10-08', MARKET)],
      ['extend', accepted(), { action: 'extend', days: 10, approvedBy: '王局长', reasons: ['需组织专家论证'] }, on('2026-10-20', MARKET)],
      ['pause', accepted(), { action: 'pause', procedure: 'hearing', reason: '依申请举行听证', expectedDays: 10 }, on('2026-10-09', MARKET)],
      ['decide', accepted(), { action: 'decide', outcome: 'approved' }, on('2026-10-09', MARKET)],
      ['withdraw', accepted(), { action: 'withdraw', reason: '不再开办' }, on('2026-10-09', PORTAL)],
    ];
    const results = steps.map(([name, state, command, ctx]) => [name, applyCaseCommand(state, command, ctx)] as const);

    // Assess
    expect(results.map(([name, { state }]) => [name, (state.noticesDue ?? []).map((d) => [d.kind, d.entry])])).toEqual([
      ['accept', [['acceptance', 2]]],
      ['accept-pending', [['pending-acceptance', 2]]],
      ['deem-accepted', [['acceptance', 2]]],
      ['refuse', [['refusal', 2]]],
      ['request-supplement', [['supplement', 2]]],
      ['extend', [['extension', 4]]],
      ['pause', [['special-procedure', 4]]],
      ['decide', []],
      ['withdraw', []],
    ]);
    for (const [, { state, entry }] of results) expect(entry.stateDigest).toBe(caseStateDigest(state));
  });

  it('keeps a notice due until it is sealed, whatever is done meanwhile; the next one owed joins it', () => {
    // Act: accepted, then paused before the acceptance notice is sealed; both sealed in one entry
    const acceptedUnsealed = apply(received(), { action: 'accept' }, on('2026-10-08', MARKET));
    const paused = applyCaseCommand(acceptedUnsealed, { action: 'pause', procedure: 'testing', reason: '送检', expectedDays: 5 }, on('2026-10-09', MARKET));
    const sealed = applyCaseCommand(paused.state, sealNoticesCommand(paused.state, '2026-10-09T02:30:00.000Z', { 2: acceptedUnsealed.hash }), on('2026-10-09', SYSTEM_CALLER, 30));

    // Assess
    expect(paused.state.noticesDue!.map((d) => [d.kind, d.entry])).toEqual([
      ['acceptance', 2],
      ['special-procedure', 3],
    ]);
    // The acceptance notice says what was so when it was owed: deadlines before the pause took them away
    expect(paused.state.noticesDue![0]!.content).toMatchObject({ deadlines: { promised: '2026-10-21', statutory: '2026-11-04' } });
    expect(paused.state.deadlines).toBeUndefined();
    expect(sealed.entry).toMatchObject({ type: 'seal-notices', actor: { name: 'system', role: 'platform' }, from: 'accepted', to: 'accepted' });
    expect(sealed.state.noticesDue).toBeUndefined();
    expect(sealed.state.notices!.map((n) => [n.kind, n.entry, JSON.parse(n.document).record])).toEqual([
      ['acceptance', 2, { version: 2, hash: acceptedUnsealed.hash }],
      ['special-procedure', 3, { version: 3, hash: paused.state.hash }],
    ]);
  });
});

describe('what each notice says', () => {
  it('受理通知书: the acceptance, the promised and statutory deadlines, what comes next', () => {
    const state = apply(received(), { action: 'accept' }, on('2026-10-08', MARKET));
    expect(state.noticesDue![0]!.content).toEqual({
      ...head('acceptance', '受理通知书', '2026-10-08'),
      acceptedOn: '2026-10-08',
      mode: 'normal',
      deadlines: { promisedDays: 10, statutoryDays: 20, promised: '2026-10-21', statutory: '2026-11-04', provisional: [] },
      nextSteps: expect.stringContaining('决定书'),
      statement: expect.stringContaining('本机关决定予以受理（受理日期：2026-10-08）'),
      basis: ['《中华人民共和国行政许可法》第三十二条'],
    });
    expect(state.noticesDue![0]!.content.statement).toContain('承诺时限10个工作日');
    expect(state.noticesDue![0]!.content.statement).toContain('法定时限20个工作日');
  });

  it('受理通知书 of a deemed acceptance: accepted by law from the receipt of the materials (Art. 32)', () => {
    const state = apply(received(), { action: 'deem-accepted' }, on('2026-10-14', SYSTEM_CALLER));
    expect(state.noticesDue![0]!.content).toMatchObject({
      ...head('acceptance', '受理通知书', '2026-10-14'),
      acceptedOn: '2026-09-30',
      mode: 'deemed',
      deadlines: { promised: '2026-10-20', statutory: '2026-11-03', provisional: [] },
    });
    expect(state.noticesDue![0]!.content.statement).toContain('自收到申请材料之日起即为受理');
  });

  it('容缺受理告知书: what to deliver by when, and what follows if it is not', () => {
    const state = apply(
      received({ [APPLICATION]: MATERIALS[APPLICATION]!, [BUSINESS_LICENCE]: MATERIALS[BUSINESS_LICENCE]! }),
      {
        action: 'accept-pending',
        pendingMaterials: [LAYOUT, RULES],
        pendingDueOn: '2026-10-20',
      },
      on('2026-10-08', MARKET),
    );
    const content = state.noticesDue![0]!.content;
    expect(content).toMatchObject({
      ...head('pending-acceptance', '容缺受理告知书', '2026-10-08'),
      acceptedOn: '2026-10-08',
      mode: 'pending-materials',
      pending: { materials: [LAYOUT, RULES], dueOn: '2026-10-20' },
      deadlines: { promised: '2026-10-21', statutory: '2026-11-04' },
    });
    expect(content.statement).toContain(`请于2026-10-20（含当日）前补交：${LAYOUT}、${RULES}`);
    expect(content.consequence).toContain('不作出准予许可的决定');
  });

  it('不予受理通知书: the reasons, and the right to administrative review within 60 days or to sue within 6 months (Art. 38)', () => {
    const state = apply(received(), { action: 'refuse', reasons: ['不属于本部门职权范围', '申请事项依法不需要取得行政许可'] }, on('2026-10-08', MARKET));
    expect(state.noticesDue![0]!.content).toEqual({
      ...head('refusal', '不予受理通知书', '2026-10-08'),
      refusedOn: '2026-10-08',
      reasons: ['不属于本部门职权范围', '申请事项依法不需要取得行政许可'],
      statement: expect.stringContaining('本机关决定不予受理'),
      remedies: {
        review: { name: '行政复议', withinDays: 60, from: '收到本通知书之日' },
        litigation: { name: '行政诉讼', withinMonths: 6, from: '收到本通知书之日' },
        statement: '如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。',
      },
      basis: ['《中华人民共和国行政许可法》第三十二条', '《中华人民共和国行政许可法》第三十八条'],
    });
  });

  it('补齐补正通知书: every problem at once (一次性告知), each with its material; the form by its name', () => {
    const problems = [
      { material: LAYOUT, problem: '图纸不清晰，未标明功能分区' },
      { material: RULES, problem: '缺少进货查验制度' },
      { material: 'form', problem: '经营场所面积与图纸不符' },
    ];
    const state = apply(received(), { action: 'request-supplement', problems }, on('2026-10-08', MARKET));
    expect(state.noticesDue![0]!.content).toEqual({
      ...head('supplement', '补齐补正通知书', '2026-10-08'),
      round: 1,
      problems: [problems[0], problems[1], { material: '申请表', problem: '经营场所面积与图纸不符' }],
      statement: expect.stringContaining('一次性告知需要补正的全部内容（共3项）'),
      basis: ['《中华人民共和国行政许可法》第三十二条'],
    });
  });

  it('延期通知书: the days extended, the new statutory limit and deadline, the reasons (Art. 42)', () => {
    const state = apply(accepted(), { action: 'extend', days: 10, approvedBy: '王局长', reasons: ['需组织专家论证'] }, on('2026-10-20', MARKET));
    expect(state.noticesDue![0]!.content).toEqual({
      ...head('extension', '延期通知书', '2026-10-20'),
      extendedOn: '2026-10-20',
      days: 10,
      approvedBy: '王局长',
      reasons: ['需组织专家论证'],
      // 4 Nov + 10 working days → Wed 18 Nov
      deadlines: { promisedDays: 10, statutoryDays: 30, promised: '2026-10-21', statutory: '2026-11-18', provisional: [] },
      statement: expect.stringContaining('延长10个工作日，法定时限由20个工作日延长至30个工作日，至2026-11-18届满。'),
      basis: ['《中华人民共和国行政许可法》第四十二条'],
    });
  });

  it('特别程序告知书: the procedure, its expected length in working days, and that its time does not count (Art. 45)', () => {
    const state = apply(accepted(), { action: 'pause', procedure: 'site-inspection', reason: '现场核查经营场所布局', expectedDays: 10 }, on('2026-10-09', MARKET));
    expect(state.noticesDue![0]!.content).toEqual({
      ...head('special-procedure', '特别程序告知书', '2026-10-09'),
      procedure: 'site-inspection',
      procedureName: '现场勘验',
      reason: '现场核查经营场所布局',
      from: '2026-10-09',
      expectedDays: 10,
      // Sat 10 (make-up), 12-16, 19-22 Oct → Thu 22 Oct
      expectedUntil: '2026-10-22',
      statement: expect.stringContaining('现场勘验所需时间不计算在行政许可期限内'),
      basis: ['《中华人民共和国行政许可法》第四十五条'],
    });
    expect(state.noticesDue![0]!.content.statement).toContain('现场勘验预计需要10个工作日（预计至2026-10-22）');
  });

  it('is sealed as its content with the record of its entry, in canonical JSON', () => {
    const state = apply(received(), { action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-10-08', MARKET));
    const document = noticeDocument(state.noticesDue![0]!, state.hash);
    expect(document).toBe(canonicalize(JSON.parse(document)));
    expect(JSON.parse(document)).toEqual({ ...state.noticesDue![0]!.content, record: { version: 2, hash: state.hash } });
  });
});

describe('the seal-notices entry', () => {
  it('refuses a notice not due (sealed already, or never owed), a document not its due content, and anyone but the system', () => {
    // Prepare
    const refused = apply(received(), { action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-10-08', MARKET));
    const command = sealNoticesCommand(refused, '2026-10-08T02:30:00.000Z');
    const sealed = apply(refused, command, on('2026-10-08', SYSTEM_CALLER, 30));
    const changed = { ...command, notices: [{ ...command.notices[0]!, document: command.notices[0]!.document.replace('不属于', '属于') }] };
    const neverOwed = { ...command, notices: [{ ...command.notices[0]!, kind: 'acceptance' as const }] };

    // Act
    const again = refusal(() => apply(sealed, command, on('2026-10-08', SYSTEM_CALLER, 31)));
    const notOwed = refusal(() => apply(refused, neverOwed, on('2026-10-08', SYSTEM_CALLER, 31)));
    const none = refusal(() => apply(refused, { action: 'seal-notices', notices: [] }, on('2026-10-08', SYSTEM_CALLER, 31)));
    const byDepartment = refusal(() => apply(refused, command, on('2026-10-08', MARKET, 31)));

    // Assess
    expect(sealed.notices).toEqual([{ kind: 'refusal', entry: 2, document: command.notices[0]!.document, seal: TEST_SEAL, sealedAt: '2026-10-08T02:30:00.000Z' }]);
    expect([again.code, notOwed.code, none.code]).toEqual(['CASE_NOTICE_NOT_DUE', 'CASE_NOTICE_NOT_DUE', 'CASE_NOTICE_NOT_DUE']);
    expect(byDepartment.code).toBe('ROLE_FORBIDDEN');
    expect(() => apply(refused, changed, on('2026-10-08', SYSTEM_CALLER, 31))).toThrow(/not the document its due content makes/);
  });
});
