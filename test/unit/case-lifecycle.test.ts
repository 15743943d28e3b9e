// The case state machine on the real 2026 calendar: National Day (1-7 Oct off) and its make-up
// Saturday (10 Oct is a working day). Every expected date is counted by hand in a comment.
import { sealNoticesCommand } from '../support/notice-seals.ts';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { WorkingDayCalendar, officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import cn2026 from '../../shared/domain/calendar/data/cn-2026.json' with { type: 'json' };
import type { CaseCommand, CaseContext, FileCaseInput } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, answerPeriodOver, applyCaseCommand, fileCase, supervisionDue, sweepCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseAction, CaseMaterial, CaseState, CaseStatus } from '../../shared/domain/cases/case-record.ts';
import { canonicalJson } from '../../shared/domain/items/record-hash.ts';
import { refusal } from '../support/refusal.ts';
import { CASE_LIMITS } from '../../shared/domain/cases/case-limits.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import { BUILDING, FIRE, FOOD, HALL, HEALTH, HOUSING, JOINT, MARKET, PORTAL, REVIEWER, archivedRecord } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';
import { deepFreeze } from '../support/deep-freeze.ts';

// The items (test/support/case-fixtures.ts): FOOD, 食品经营许可证核发: promised 10, statutory 20
// working days; single department (market). JOINT, 开办餐饮店“一件事”: joint handling, market leads,
// health and fire co-handle. FOOD's materials:
const APPLICATION = '食品经营许可申请书'; // required
const BUSINESS_LICENCE = '营业执照'; // required, replaceable by e-licence type YYZZ
const LAYOUT = '经营场所平面布局图'; // required, tolerable (容缺)
const RULES = '食品安全管理制度文本'; // required, tolerable (容缺)
const PROXY = '委托代理人身份证明及授权委托书'; // optional

/** 10:00 China time (02:00 UTC) on `date`, plus `minute` minutes. */
function on(date: string, actor: Caller, minute = 0, extra: Partial<CaseContext> = {}): CaseContext {
  return { actor, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar, ...extra };
}

/** What one sweep on `today` does to the case: its commands applied until it answers none. */
function sweepTo(state: CaseState, today: string) {
  let current = state;
  const actions: string[] = [];
  for (let command = sweepCommand(current, today, officialCalendar); command; command = sweepCommand(current, today, officialCalendar)) {
    current = applyCaseCommand(current, command, on(today, SYSTEM_CALLER)).state;
    actions.push(command.action);
  }
  return { state: current, actions };
}

const ALL_MATERIALS: Record<string, CaseMaterial> = {
  [APPLICATION]: upload(APPLICATION),
  [BUSINESS_LICENCE]: { kind: 'licence', licenceId: '1.2.156.3005.2.YYZZ.91350100M000100Y43.001.001.K' },
  [LAYOUT]: upload(LAYOUT),
  [RULES]: upload(RULES),
};
const WITHOUT_TOLERABLE: Record<string, CaseMaterial> = { [APPLICATION]: upload(APPLICATION), [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE) };

function input(overrides: Partial<FileCaseInput> = {}, guide: ServiceGuide = FOOD): FileCaseInput {
  return {
    caseNo: 'KM20260929000001',
    item: { code: guide.implementationCode, version: 3, guide },
    applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
    form: { 经营项目: ['热食类食品制售'], 经营场所面积: 120 },
    materials: ALL_MATERIALS,
    ...overrides,
  };
}

const received = (date = '2026-09-30', materials = ALL_MATERIALS) => fileCase(input({ materials }), on(date, PORTAL)).state;
const supplementRequested = () =>
  applyCaseCommand(received(), { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '图纸不清晰' }] }, on('2026-10-08', MARKET)).state;
const accepted = () => applyCaseCommand(received(), { action: 'accept' }, on('2026-10-08', MARKET)).state;
const paused = () => applyCaseCommand(accepted(), { action: 'pause', procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 10 }, on('2026-10-09', MARKET)).state;
const refused = () => applyCaseCommand(received(), { action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-10-08', MARKET)).state;
const decided = () => applyCaseCommand(accepted(), { action: 'decide', outcome: 'approved' }, on('2026-10-09', MARKET)).state;
const withdrawn = () => applyCaseCommand(received(), { action: 'withdraw', reason: '申请人不再经营' }, on('2026-10-08', PORTAL)).state;

// The joint item (market leads; health 8 and fire 10 working days for their opinions), filed Wed
// 30 Sep, accepted Thu 8 Oct, dispatched the same day.
const JOINT_MATERIALS = {
  '开办餐饮店一件事申请表（一表申请）': upload('一表申请'),
  [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE),
  经营场所平面布局图: upload('布局'),
  卫生管理制度: upload('卫生'),
  消防安全制度及应急预案: upload('消防'),
};
const jointDispatched = () => {
  const filed = fileCase(input({ materials: JOINT_MATERIALS }, JOINT), on('2026-09-30', PORTAL));
  return runCase(filed, [{ action: 'accept' }, on('2026-10-08', MARKET)], [{ action: 'dispatch' }, on('2026-10-08', SYSTEM_CALLER, 1)]);
};
/** Dispatched, then health and fire answer (on 9 and 12 Oct) with the given outcomes. */
const jointRun = (health: 'agree' | 'disagree', fire: 'agree' | 'disagree') => {
  const start = jointDispatched();
  const opinion = (outcome: 'agree' | 'disagree'): CaseCommand => ({ action: 'opinion', outcome, ...(outcome === 'disagree' ? { reasons: ['消防通道宽度不足'] } : {}) });
  let state = start.state;
  for (const [command, ctx] of [
    [opinion(health), on('2026-10-09', HEALTH)],
    [opinion(fire), on('2026-10-12', FIRE)],
  ] as [CaseCommand, CaseContext][]) {
    const next = applyCaseCommand(state, command, ctx);
    start.entries.push(next.entry);
    state = next.state;
  }
  return { state, entries: start.entries };
};

describe('the whole path: file → request-supplement → supplement → accept → pause → resume → decide', () => {
  // Filed Tue 29 Sep 2026.
  //   pre-review due, 2 working days: Wed 30 Sep (1), [1-7 Oct off], Thu 8 Oct (2) → 8 Oct.
  //   answer period, 5 working days: 30 Sep (1), 8 Oct (2), Fri 9 (3), Sat 10 make-up (4), Mon 12 (5) → 12 Oct.
  // Supplement request Wed 30 Sep. Supplement Sat 3 Oct (a holiday: the portal takes it anyway).
  //   pre-review due: Thu 8 Oct (1), Fri 9 (2) → 9 Oct.
  //   answer period: 8 (1), 9 (2), Sat 10 (3), Mon 12 (4), Tue 13 (5) → 13 Oct.
  // Accepted Thu 8 Oct. Paused Fri 9 Oct (site inspection), resumed Tue 13 Oct: 9, 10 and 12 Oct
  //   do not count. Promised 10: 13 (1), 14, 15, 16, 19, 20, 21, 22, 23, Mon 26 Oct (10) → 26 Oct.
  //   Statutory 20: 27 (11), 28, 29, 30, Nov 2, 3, 4, 5, 6, Mon 9 Nov (20) → 9 Nov.
  // Decided Wed 14 Oct.
  const SUPPLEMENT_PROBLEMS = [
    { material: LAYOUT, problem: '未标注食品处理区面积' },
    { material: 'form', problem: '经营项目未勾选“冷食类食品制售”' },
  ];
  const NEW_LAYOUT = upload(`${LAYOUT} v2`);
  const path = () =>
    runCase(
      fileCase(input(), on('2026-09-29', PORTAL)),
      [{ action: 'request-supplement', problems: SUPPLEMENT_PROBLEMS }, on('2026-09-30', MARKET)],
      [{ action: 'supplement', materials: { [LAYOUT]: NEW_LAYOUT }, form: { 经营项目: ['热食类食品制售', '冷食类食品制售'], 经营场所面积: 120 } }, on('2026-10-03', PORTAL)],
      [{ action: 'accept' }, on('2026-10-08', MARKET)],
      [{ action: 'pause', procedure: 'site-inspection', reason: '现场核查经营场所布局', expectedDays: 10 }, on('2026-10-09', MARKET)],
      [{ action: 'resume' }, on('2026-10-13', MARKET)],
      [{ action: 'decide', outcome: 'approved', reasons: ['符合食品经营许可条件'] }, on('2026-10-14', MARKET)],
    );

  it('files the case under the item version with the answer dates counted across National Day', () => {
    // Act
    const { state, entry } = fileCase(input(), on('2026-09-29', PORTAL));

    // Assess
    expect(state).toMatchObject({
      caseNo: 'KM20260929000001',
      itemCode: FOOD.implementationCode,
      itemVersion: 3,
      departmentId: DEPARTMENTS.market.id,
      coDepartmentIds: [],
      channelId: PORTAL.channelId,
      status: 'received',
      receivedAt: '2026-09-29T02:00:00.000Z',
      receivedOn: '2026-09-29',
      materialsReceivedOn: '2026-09-29',
      preReviewDue: '2026-10-08',
      deemedAcceptedOn: '2026-10-12',
      deemedAcceptanceDays: 5,
      limits: { promisedDays: 10, statutoryDays: 20 },
      pauses: [],
      version: 1,
      hash: entry.hash,
    });
    expect(state.materials).toEqual(ALL_MATERIALS);
    expect(state.dueFlag).toBeUndefined();
    expect(entry).toMatchObject({ caseNo: 'KM20260929000001', n: 1, type: 'file', actor: { name: 'portal', role: 'channel' }, from: null, to: 'received', on: '2026-09-29' });
    expect(entry.previousHash).toBeUndefined();
  });

  it('goes through each status with consecutive entries, each by the acting party', () => {
    // Act
    const { entries } = path();

    // Assess
    expect(entries.map((e) => [e.n, e.type, e.actor.name, e.on, e.from, e.to])).toEqual([
      [1, 'file', 'portal', '2026-09-29', null, 'received'],
      [2, 'request-supplement', 'market', '2026-09-30', 'received', 'supplement-requested'],
      [3, 'supplement', 'portal', '2026-10-03', 'supplement-requested', 'received'],
      [4, 'accept', 'market', '2026-10-08', 'received', 'accepted'],
      [5, 'pause', 'market', '2026-10-09', 'accepted', 'accepted'],
      [6, 'resume', 'market', '2026-10-13', 'accepted', 'accepted'],
      [7, 'decide', 'market', '2026-10-14', 'accepted', 'decided'],
    ]);
    expect(entries.slice(1).map((e, i) => e.previousHash === entries[i]!.hash)).toEqual([true, true, true, true, true, true]);
  });

  it("holds every problem while it is the applicant's turn, and restarts the answer period from the supplement", () => {
    // Prepare
    const filed = fileCase(input(), on('2026-09-29', PORTAL));

    // Act
    const requested = applyCaseCommand(filed.state, { action: 'request-supplement', problems: SUPPLEMENT_PROBLEMS }, on('2026-09-30', MARKET)).state;
    const supplemented = applyCaseCommand(requested, { action: 'supplement', materials: { [LAYOUT]: NEW_LAYOUT } }, on('2026-10-03', PORTAL)).state;

    // Assess
    expect(requested).toMatchObject({ status: 'supplement-requested', supplementRequest: SUPPLEMENT_PROBLEMS });
    expect(supplemented).toMatchObject({
      status: 'received',
      receivedOn: '2026-09-29',
      materialsReceivedOn: '2026-10-03',
      preReviewDue: '2026-10-09',
      deemedAcceptedOn: '2026-10-13',
    });
    expect(supplemented.supplementRequest).toBeUndefined();
    expect(supplemented.materials).toEqual({ ...ALL_MATERIALS, [LAYOUT]: NEW_LAYOUT });
    expect(supplemented.form).toEqual(filed.state.form);
  });

  it('replaces the form when the supplement carries one', () => {
    // Act
    const { entries, state } = path();

    // Assess
    expect(entries).toHaveLength(7);
    expect(state.form).toEqual({ 经营项目: ['热食类食品制售', '冷食类食品制售'], 经营场所面积: 120 });
  });

  it('sets the deadlines on acceptance, drops them while paused and moves them by the working days the clock stood still for all of', () => {
    // Prepare: accepted Thu 8 Oct, no pause yet.
    //   Promised 10: Fri 9 (1), Sat 10 make-up (2), Mon 12 (3), 13, 14, 15, 16, 19, 20, Wed 21 Oct (10).
    //   Statutory 20: 22 (11), 23, 26, 27, 28, 29, 30, Nov 2, 3, Wed 4 Nov (20).
    const states = [fileCase(input(), on('2026-09-29', PORTAL)).state];
    const commands: [CaseCommand, CaseContext][] = [
      [{ action: 'accept' }, on('2026-10-08', MARKET)],
      [{ action: 'pause', procedure: 'site-inspection', reason: '现场核查经营场所布局', expectedDays: 10 }, on('2026-10-09', MARKET)],
      [{ action: 'resume' }, on('2026-10-13', MARKET)],
    ];

    // Act
    for (const [command, ctx] of commands) states.push(applyCaseCommand(states.at(-1)!, command, ctx).state);
    const [, acceptedState, pausedState, resumedState] = states;

    // Assess
    expect(acceptedState!.acceptance).toEqual({ on: '2026-10-08', mode: 'normal' });
    expect(acceptedState!.deadlines).toEqual({ promised: '2026-10-21', statutory: '2026-11-04' });
    // Expected to take 10 working days: Sat 10 (make-up), 12-16, 19-22 Oct → Thu 22 Oct.
    const pause = { from: '2026-10-09', procedure: 'site-inspection', reason: '现场核查经营场所布局', expectedDays: 10, expectedUntil: '2026-10-22' };
    expect(pausedState!.pauses).toEqual([pause]);
    expect(pausedState!.deadlines).toBeUndefined();
    expect(resumedState!.pauses).toEqual([{ ...pause, to: '2026-10-13' }]);
    // The clock stood still for all of Sat 10 (make-up) and Mon 12 Oct only: the days it was paused
    // (Fri 9) and resumed (Tue 13) ran in part, and count. Both deadlines move by two working days.
    expect(resumedState!.deadlines).toEqual({ promised: '2026-10-23', statutory: '2026-11-06' });
  });

  it('records the decision with its reasons and keeps the deadlines it was made under', () => {
    // Act
    const { state } = path();

    // Assess
    expect(state.status).toBe('decided');
    expect(state.decision).toEqual({ outcome: 'approved', reasons: ['符合食品经营许可条件'], on: '2026-10-14' });
    expect(state.deadlines).toEqual({ promised: '2026-10-23', statutory: '2026-11-06' });
    expect(state.version).toBe(7);
  });

  it('denies with reasons', () => {
    // Act
    const { state } = applyCaseCommand(accepted(), { action: 'decide', outcome: 'denied', reasons: ['经营场所与有毒有害场所距离不足'] }, on('2026-10-09', MARKET));

    // Assess
    expect(state.decision).toEqual({ outcome: 'denied', reasons: ['经营场所与有毒有害场所距离不足'], on: '2026-10-09' });
  });

  it('is pure: the given state and command are not changed', () => {
    // Prepare
    const before = deepFreeze(paused());
    const copy = structuredClone(before);
    const command = deepFreeze<CaseCommand>({ action: 'resume' });

    // Act
    const after = applyCaseCommand(before, command, on('2026-10-13', MARKET)).state;

    // Assess
    expect(before).toEqual(copy);
    expect(after.pauses[0]!.to).toBe('2026-10-13');
  });
});

describe("the law's clock rules: extension (Art. 42), special procedures (Art. 45), lateness recorded at once", () => {
  // Accepted Thu 8 Oct 2026 (food licence): promised 10 → Wed 21 Oct; statutory 20 → Wed 4 Nov.
  it('extends the statutory limit once, by at most 10 working days, approved by the head, with reasons the channel reads', () => {
    // Act
    const extended = applyCaseCommand(accepted(), { action: 'extend', days: 10, approvedBy: '  王局长 ', reasons: ['需组织专家论证'] }, on('2026-10-20', MARKET)).state;
    const again = refusal(() => applyCaseCommand(extended, { action: 'extend', days: 1, approvedBy: '王局长', reasons: ['再延'] }, on('2026-10-21', MARKET)));
    const tooLong = refusal(() => applyCaseCommand(accepted(), { action: 'extend', days: 11, approvedBy: '王局长', reasons: ['x'] }, on('2026-10-20', MARKET)));
    const unapproved = refusal(() => applyCaseCommand(accepted(), { action: 'extend', days: 5, approvedBy: ' ', reasons: ['x'] }, on('2026-10-20', MARKET)));
    const noReason = refusal(() => applyCaseCommand(accepted(), { action: 'extend', days: 5, approvedBy: '王局长', reasons: [] }, on('2026-10-20', MARKET)));
    const byChannel = refusal(() => applyCaseCommand(accepted(), { action: 'extend', days: 5, approvedBy: '王局长', reasons: ['x'] }, on('2026-10-20', PORTAL)));

    // Assess: statutory 4 Nov + 10 working days → 5, 6, 9-13, 16, 17, Wed 18 Nov; the promised one stays
    expect(extended.extension).toEqual({ days: 10, approvedBy: '王局长', reasons: ['需组织专家论证'], on: '2026-10-20' });
    expect(extended.deadlines).toEqual({ promised: '2026-10-21', statutory: '2026-11-18' });
    expect([again.code, tooLong.code, tooLong.field, unapproved.code, unapproved.field, noReason.code, byChannel.code]).toEqual([
      'CASE_ALREADY_EXTENDED',
      'CASE_EXTENSION_DAYS_INVALID',
      'days',
      'CASE_EXTENSION_APPROVER_REQUIRED',
      'approvedBy',
      'CASE_REASONS_REQUIRED',
      'ROLE_FORBIDDEN',
    ]);
  });

  it('is late only after the extended deadline, and cannot be extended once the statutory one has passed', () => {
    const extended = applyCaseCommand(accepted(), { action: 'extend', days: 3, approvedBy: '王局长', reasons: ['检验报告未出'] }, on('2026-11-04', MARKET)).state;
    const tooLate = refusal(() => applyCaseCommand(accepted(), { action: 'extend', days: 3, approvedBy: '王局长', reasons: ['x'] }, on('2026-11-05', MARKET)));

    // 4 Nov + 3 → Mon 9 Nov: overdue (promised) on 5 Nov, in violation only from 10 Nov.
    expect(extended.deadlines!.statutory).toBe('2026-11-09');
    expect(supervisionDue({ ...extended, supervision: 'overdue' }, '2026-11-09')).toBeUndefined();
    expect(supervisionDue({ ...extended, supervision: 'overdue' }, '2026-11-10')).toBe('violation');
    expect(tooLate.code).toBe('CASE_EXTENSION_TOO_LATE');
  });

  it('lets a joint case be extended by up to 15 working days (Art. 42 ¶2), no more', () => {
    const joint = jointRun('agree', 'agree').state;
    const fifteen = applyCaseCommand(joint, { action: 'extend', days: 15, approvedBy: '王局长', reasons: ['联合审查'] }, on('2026-10-20', MARKET)).state;
    const sixteen = refusal(() => applyCaseCommand(joint, { action: 'extend', days: 16, approvedBy: '王局长', reasons: ['x'] }, on('2026-10-20', MARKET)));

    expect(fifteen.extension?.days).toBe(15);
    expect(sixteen).toMatchObject({ code: 'CASE_EXTENSION_DAYS_INVALID', field: 'days' });
  });

  it('makes a special procedure name its expected length, and tells the day it is expected to end', () => {
    const missing = refusal(() => applyCaseCommand(accepted(), { action: 'pause', procedure: 'testing', reason: '送检', expectedDays: 0 }, on('2026-10-09', MARKET)));

    expect(missing).toMatchObject({ code: 'CASE_PROCEDURE_DAYS_INVALID', field: 'expectedDays' });
    // Paused Fri 9 Oct for 10 working days: Sat 10 (make-up), 12-16, 19-22 Oct.
    expect(paused().pauses.at(-1)).toMatchObject({ from: '2026-10-09', expectedDays: 10, expectedUntil: '2026-10-22' });
  });

  it('records the lateness at once when a pause or a decision comes after a deadline the sweep has not marked yet', () => {
    const pausedLate = applyCaseCommand(accepted(), { action: 'pause', procedure: 'expert-review', reason: '专家评审', expectedDays: 5 }, on('2026-10-22', MARKET)).state;
    const decidedLate = applyCaseCommand(accepted(), { action: 'decide', outcome: 'approved' }, on('2026-11-05', MARKET)).state;
    const inTime = applyCaseCommand(accepted(), { action: 'decide', outcome: 'approved' }, on('2026-10-21', MARKET)).state;

    expect([pausedLate.supervision, pausedLate.supervisionDeadline, pausedLate.deadlines]).toEqual(['overdue', '2026-10-21', undefined]);
    expect([decidedLate.supervision, decidedLate.supervisionDeadline]).toEqual(['violation', '2026-11-04']);
    expect(inTime.supervision).toBeUndefined();
  });
});

describe('one-time notice (一次性告知, Art. 32)', () => {
  it('after a supplement, asks again only about what that supplement delivered', () => {
    // Prepare: asked for the layout and the form on 8 Oct; the channel delivered the layout only
    const asked = applyCaseCommand(received(), { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '图纸不清晰' }] }, on('2026-10-08', MARKET)).state;
    const supplemented = applyCaseCommand(asked, { action: 'supplement', materials: { [LAYOUT]: upload('v2') } }, on('2026-10-09', PORTAL)).state;

    // Act
    const again = applyCaseCommand(supplemented, { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '新图纸缺少比例尺' }] }, on('2026-10-10', MARKET)).state;
    const newProblem = refusal(() =>
      applyCaseCommand(
        supplemented,
        {
          action: 'request-supplement',
          problems: [
            { material: LAYOUT, problem: '缺比例尺' },
            { material: BUSINESS_LICENCE, problem: '已过期' },
          ],
        },
        on('2026-10-10', MARKET),
      ),
    );

    // Assess
    expect(supplemented.lastSupplement).toEqual({ on: '2026-10-09', delivered: [LAYOUT] });
    expect(again.status).toBe('supplement-requested');
    expect(newProblem).toMatchObject({ code: 'CASE_PROBLEM_NOT_IN_SUPPLEMENT', field: 'problems.1.material' });
    expect(newProblem.messageZh).toContain('一次性告知');
  });
});

describe('online pre-review (网上预审, 001 §14, 004 §18)', () => {
  // 建筑工程施工许可证核发 offers online pre-review; filed Wed 30 Sep, the opinion is due Fri 9 Oct.
  const building = () =>
    fileCase(input({ materials: Object.fromEntries(BUILDING.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)])) }, BUILDING), on('2026-09-30', PORTAL)).state;

  it("takes the department's opinion once per receipt of the materials, marks it late after its due day, and tells the next steps", () => {
    // Act
    const inTime = applyCaseCommand(building(), { action: 'pre-review', outcome: 'passes', nextSteps: '请携带原件到窗口办理' }, on('2026-10-09', HOUSING)).state;
    const late = applyCaseCommand(
      building(),
      { action: 'pre-review', outcome: 'incomplete', missing: ['施工图设计文件审查合格书'], nextSteps: '补正后再提交' },
      on('2026-10-12', HOUSING),
    ).state;
    const twice = refusal(() => applyCaseCommand(inTime, { action: 'pre-review', outcome: 'passes', nextSteps: '再次' }, on('2026-10-10', HOUSING)));
    const nothingMissing = refusal(() => applyCaseCommand(building(), { action: 'pre-review', outcome: 'incomplete', missing: [], nextSteps: '补正' }, on('2026-10-09', HOUSING)));
    const noNextSteps = refusal(() => applyCaseCommand(building(), { action: 'pre-review', outcome: 'passes', nextSteps: ' ' }, on('2026-10-09', HOUSING)));
    const notOffered = refusal(() => applyCaseCommand(received(), { action: 'pre-review', outcome: 'passes', nextSteps: '到窗口办理' }, on('2026-10-09', MARKET)));

    // Assess
    expect(building()).toMatchObject({ preReviewOffered: true, preReviewDue: '2026-10-09' });
    expect(inTime.preReview).toEqual({ outcome: 'passes', missing: [], nextSteps: '请携带原件到窗口办理', on: '2026-10-09', late: false });
    expect(inTime.status).toBe('received');
    expect(late.preReview).toMatchObject({ outcome: 'incomplete', missing: ['施工图设计文件审查合格书'], late: true });
    expect([twice.code, nothingMissing.code, nothingMissing.field, noNextSteps.field, notOffered.code]).toEqual([
      'CASE_PRE_REVIEW_GIVEN',
      'CASE_PRE_REVIEW_INVALID',
      'missing',
      'nextSteps',
      'CASE_PRE_REVIEW_NOT_OFFERED',
    ]);
  });
});

describe('supervision findings: a procedure past its length, a late pre-review, 容缺 materials late', () => {
  const building = () =>
    fileCase(input({ materials: Object.fromEntries(BUILDING.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)])) }, BUILDING), on('2026-09-30', PORTAL)).state;
  const pendingUntil20Oct = () =>
    applyCaseCommand(
      received('2026-09-30', WITHOUT_TOLERABLE),
      { action: 'accept-pending', pendingMaterials: [LAYOUT, RULES], pendingDueOn: '2026-10-20' },
      on('2026-10-08', MARKET),
    ).state;

  it('has the sweep record a pre-review not given by its due day (Fri 9 Oct) from the day after, once', () => {
    // Act
    const onDueDay = sweepTo(building(), '2026-10-09');
    const dayAfter = sweepTo(building(), '2026-10-12');
    const again = sweepTo(dayAfter.state, '2026-10-13');

    // Assess
    expect(onDueDay.actions).toEqual([]);
    expect(dayAfter.actions).toEqual(['record-findings']);
    expect(dayAfter.state.findings).toEqual([{ kind: 'pre-review-late', due: '2026-10-09', on: '2026-10-12' }]);
    expect(dayAfter.state.status).toBe('received');
    expect(again.actions).toEqual([]);
    expect(refusal(() => applyCaseCommand(dayAfter.state, { action: 'record-findings' }, on('2026-10-13', SYSTEM_CALLER))).code).toBe('CASE_NO_FINDINGS');
  });

  it('records the lateness with the late step itself: a late pre-review, a late acceptance without one', () => {
    // Act
    const latePreReview = applyCaseCommand(building(), { action: 'pre-review', outcome: 'passes', nextSteps: '到窗口办理' }, on('2026-10-12', HOUSING)).state;
    const inTime = applyCaseCommand(building(), { action: 'pre-review', outcome: 'passes', nextSteps: '到窗口办理' }, on('2026-10-09', HOUSING)).state;
    const acceptedWithout = applyCaseCommand(building(), { action: 'accept' }, on('2026-10-12', HOUSING)).state;
    const acceptedInTime = applyCaseCommand(building(), { action: 'accept' }, on('2026-10-09', HOUSING)).state;

    // Assess
    expect(latePreReview.findings).toEqual([{ kind: 'pre-review-late', due: '2026-10-09', on: '2026-10-12' }]);
    expect(acceptedWithout.findings).toEqual([{ kind: 'pre-review-late', due: '2026-10-09', on: '2026-10-12' }]);
    expect([inTime.findings, acceptedInTime.findings]).toEqual([undefined, undefined]);
  });

  it('records a special procedure still running after its expected end (Thu 22 Oct), by the sweep or by a late resume', () => {
    // Act
    const lastDay = sweepTo(paused(), '2026-10-22');
    const dayAfter = sweepTo(paused(), '2026-10-23');
    const resumedLate = applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-26', MARKET)).state;
    const resumedInTime = applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-22', MARKET)).state;
    const resumedAfterSweep = applyCaseCommand(dayAfter.state, { action: 'resume' }, on('2026-10-26', MARKET)).state;

    // Assess
    expect(lastDay.actions).toEqual([]);
    expect(dayAfter.actions).toEqual(['record-findings']);
    expect(dayAfter.state.findings).toEqual([{ kind: 'procedure-overrun', due: '2026-10-22', on: '2026-10-23' }]);
    expect(resumedLate.findings).toEqual([{ kind: 'procedure-overrun', due: '2026-10-22', on: '2026-10-26' }]);
    expect(resumedInTime.findings).toBeUndefined();
    expect(resumedAfterSweep.findings).toEqual(dayAfter.state.findings);
  });

  it('records a second overrun for a second procedure, each by the day it was due', () => {
    // Prepare: overran the first (ended 22 Oct, resumed 26 Oct); a second pause on 27 Oct for 2 days: Wed 28, Thu 29 Oct
    const resumed = applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-26', MARKET)).state;
    const again = applyCaseCommand(resumed, { action: 'pause', procedure: 'testing', reason: '送检', expectedDays: 2 }, on('2026-10-27', MARKET)).state;

    // Act
    const swept = sweepTo(again, '2026-10-30');

    // Assess
    expect(swept.state.findings!.map((f) => [f.kind, f.due])).toEqual([
      ['procedure-overrun', '2026-10-22'],
      ['procedure-overrun', '2026-10-29'],
    ]);
  });

  it('records 容缺 materials still pending after their due day, and not once they were delivered in time', () => {
    // Act
    const onDueDay = sweepTo(pendingUntil20Oct(), '2026-10-20');
    const dayAfter = sweepTo(pendingUntil20Oct(), '2026-10-21');
    const deliveredLate = applyCaseCommand(pendingUntil20Oct(), { action: 'deliver', materials: { [LAYOUT]: upload('布局图') } }, on('2026-10-21', PORTAL)).state;
    const deliveredInTime = applyCaseCommand(
      pendingUntil20Oct(),
      { action: 'deliver', materials: { [LAYOUT]: upload('布局图'), [RULES]: upload('制度') } },
      on('2026-10-20', PORTAL),
    ).state;

    // Assess
    expect(onDueDay.actions).toEqual([]);
    expect(dayAfter.actions).toEqual(['record-findings']);
    expect(dayAfter.state.findings).toEqual([{ kind: 'materials-late', due: '2026-10-20', on: '2026-10-21' }]);
    expect(deliveredLate.findings).toEqual([{ kind: 'materials-late', due: '2026-10-20', on: '2026-10-21' }]);
    expect(deliveredInTime.findings).toBeUndefined();
    expect(sweepTo(deliveredInTime, '2026-10-21').actions).toEqual([]);
  });

  it('finds nobody late on a provisional date: a procedure expected to end in a year not loaded', () => {
    // Prepare: accepted Mon 7 Dec 2026, paused Mon 21 Dec for 10 working days: Dec 22-25, 28-31 (8),
    // [1 Jan 元旦 by law], Mon 4 Jan (9), Tue 5 Jan 2027 (10) — provisional without the 2027 data.
    const accepted = applyCaseCommand(received('2026-12-07'), { action: 'accept' }, on('2026-12-07', MARKET)).state;
    const pausedOverNewYear = applyCaseCommand(accepted, { action: 'pause', procedure: 'expert-review', reason: '专家评审', expectedDays: 10 }, on('2026-12-21', MARKET)).state;

    // Act
    const swept = sweepTo(pausedOverNewYear, '2027-01-07');

    // Assess
    expect(pausedOverNewYear.pauses.at(-1)!.expectedUntil).toBe('2027-01-05');
    expect(pausedOverNewYear.provisional).toContain('pauses.0.expectedUntil');
    expect(swept.state.findings).toBeUndefined();
  });
});

describe('refusal and withdrawal', () => {
  it('refuses from received or supplement-requested with the reasons', () => {
    // Act
    const fromReceived = applyCaseCommand(received(), { action: 'refuse', reasons: ['申请事项依法不需要取得行政许可'] }, on('2026-10-08', MARKET));
    const fromRequested = applyCaseCommand(supplementRequested(), { action: 'refuse', reasons: ['逾期未补正'] }, on('2026-12-01', MARKET));

    // Assess
    expect(fromReceived.state).toMatchObject({ status: 'refused', refusal: { reasons: ['申请事项依法不需要取得行政许可'], on: '2026-10-08' } });
    expect(fromRequested.entry).toMatchObject({ from: 'supplement-requested', to: 'refused' });
  });

  it.each<[string, () => CaseState]>([
    ['received', () => received()],
    ['supplement-requested', supplementRequested],
    ['accepted', accepted],
    ['accepted with the clock paused', paused],
  ])('lets the filing channel withdraw a case that is %s', (_name, from) => {
    // Act
    const { state, entry } = applyCaseCommand(from(), { action: 'withdraw', reason: '申请人决定暂不经营' }, on('2026-10-12', PORTAL));

    // Assess
    expect(state).toMatchObject({ status: 'withdrawn', withdrawal: { reason: '申请人决定暂不经营', on: '2026-10-12' } });
    expect(entry).toMatchObject({ type: 'withdraw', actor: { name: 'portal', role: 'channel' }, to: 'withdrawn' });
  });
});

describe('accept with pending materials (容缺受理)', () => {
  // Filed Wed 30 Sep without the two tolerable materials; the department answers Thu 8 Oct.
  const incomplete = () => received('2026-09-30', WITHOUT_TOLERABLE);
  const acceptPending = (pendingMaterials: string[], pendingDueOn = '2026-10-20'): CaseCommand => ({ action: 'accept-pending', pendingMaterials, pendingDueOn });

  it('files without the tolerable materials, but accepts normally only a complete case', () => {
    // Prepare
    const state = incomplete();

    // Act
    const error = refusal(() => applyCaseCommand(state, { action: 'accept' }, on('2026-10-08', MARKET)));

    // Assess
    expect(Object.keys(state.materials)).toEqual([APPLICATION, BUSINESS_LICENCE]);
    expect(error).toMatchObject({ code: 'CASE_MATERIAL_MISSING', kind: 'invalid', field: `materials.${LAYOUT}` });
  });

  it('accepts with every missing tolerable material pending and a due date after today', () => {
    // Act
    const { state, entry } = applyCaseCommand(incomplete(), acceptPending([LAYOUT, RULES]), on('2026-10-08', MARKET));

    // Assess
    expect(state.status).toBe('accepted');
    expect(state.acceptance).toEqual({ on: '2026-10-08', mode: 'pending-materials', pendingMaterials: [LAYOUT, RULES], pendingDueOn: '2026-10-20' });
    expect(entry).toMatchObject({ type: 'accept-pending', from: 'received', to: 'accepted' });
  });

  it('takes the pending materials from the filing channel, shows what was delivered when, and approves only once none is pending', () => {
    // Prepare: accepted Thu 8 Oct with the layout and the rules pending until 20 Oct
    const pending = applyCaseCommand(incomplete(), acceptPending([LAYOUT, RULES]), on('2026-10-08', MARKET)).state;

    // Act
    const tooSoon = refusal(() => applyCaseCommand(pending, { action: 'decide', outcome: 'approved' }, on('2026-10-09', MARKET)));
    const first = applyCaseCommand(pending, { action: 'deliver', materials: { [LAYOUT]: upload('布局图') } }, on('2026-10-12', PORTAL)).state;
    const notPending = refusal(() => applyCaseCommand(first, { action: 'deliver', materials: { [APPLICATION]: upload('申请书 v2') } }, on('2026-10-13', PORTAL)));
    const empty = refusal(() => applyCaseCommand(first, { action: 'deliver', materials: {} }, on('2026-10-13', PORTAL)));
    const byDepartment = refusal(() => applyCaseCommand(first, { action: 'deliver', materials: { [RULES]: upload('制度') } }, on('2026-10-13', MARKET)));
    const all = applyCaseCommand(first, { action: 'deliver', materials: { [RULES]: upload('制度') } }, on('2026-10-14', PORTAL)).state;
    const nothingLeft = refusal(() => applyCaseCommand(all, { action: 'deliver', materials: { [RULES]: upload('制度 v2') } }, on('2026-10-15', PORTAL)));
    const approved = applyCaseCommand(all, { action: 'decide', outcome: 'approved' }, on('2026-10-15', MARKET)).state;
    const deniedMeanwhile = applyCaseCommand(pending, { action: 'decide', outcome: 'denied', reasons: ['经营场所不符合要求'] }, on('2026-10-09', MARKET)).state;

    // Assess
    expect(tooSoon.code).toBe('CASE_PENDING_MATERIALS_OUTSTANDING');
    expect(first.acceptance).toMatchObject({ pendingMaterials: [RULES], pendingDueOn: '2026-10-20', delivered: [{ material: LAYOUT, on: '2026-10-12' }] });
    expect(first.materials[LAYOUT]).toBeDefined();
    expect([notPending.code, notPending.field, empty.code, byDepartment.code, nothingLeft.code]).toEqual([
      'CASE_MATERIAL_NOT_PENDING',
      `materials.${APPLICATION}`,
      'CASE_DELIVERY_EMPTY',
      'ROLE_FORBIDDEN',
      'CASE_NOTHING_PENDING',
    ]);
    expect(all.acceptance!.pendingMaterials).toEqual([]);
    expect(approved.status).toBe('decided');
    expect(deniedMeanwhile.decision!.outcome).toBe('denied');
  });

  it('lets a tolerable material that was delivered but is defective be pending too', () => {
    // Act
    const { state } = applyCaseCommand(received(), acceptPending([RULES]), on('2026-10-08', MARKET));

    // Assess
    expect(state.acceptance).toMatchObject({ mode: 'pending-materials', pendingMaterials: [RULES] });
  });

  it.each<[string, CaseCommand, string, string]>([
    ['a material the guide does not mark tolerable', acceptPending([LAYOUT, RULES, APPLICATION]), 'CASE_MATERIAL_NOT_TOLERABLE', 'pendingMaterials.2'],
    ['an optional material (never tolerable)', acceptPending([PROXY, LAYOUT, RULES]), 'CASE_MATERIAL_NOT_TOLERABLE', 'pendingMaterials.0'],
    ['a material the guide does not list', acceptPending([LAYOUT, '房产证']), 'CASE_MATERIAL_UNKNOWN', 'pendingMaterials.1'],
    ['no pending material', acceptPending([]), 'CASE_PENDING_MATERIALS_REQUIRED', 'pendingMaterials'],
    ['the same material twice', acceptPending([LAYOUT, RULES, LAYOUT]), 'CASE_PENDING_MATERIAL_DUPLICATE', 'pendingMaterials.2'],
    ['a missing tolerable material left out', acceptPending([LAYOUT]), 'CASE_MATERIAL_MISSING', `materials.${RULES}`],
    ['a due date of today', acceptPending([LAYOUT, RULES], '2026-10-08'), 'CASE_PENDING_DUE_INVALID', 'pendingDueOn'],
    ['a due date in the past', acceptPending([LAYOUT, RULES], '2026-09-30'), 'CASE_PENDING_DUE_INVALID', 'pendingDueOn'],
    ['no due date', { action: 'accept-pending', pendingMaterials: [LAYOUT, RULES] } as unknown as CaseCommand, 'CASE_PENDING_DUE_INVALID', 'pendingDueOn'],
    ['an impossible due date', acceptPending([LAYOUT, RULES], '2026-10-32'), 'INVALID_DATE', 'pendingDueOn'],
  ])('refuses %s', (_name, command, code, field) => {
    // Act
    const error = refusal(() => applyCaseCommand(incomplete(), command, on('2026-10-08', MARKET)));

    // Assess
    expect(error).toMatchObject({ code, kind: 'invalid', field });
  });
});

describe('deemed acceptance (Art. 32)', () => {
  // Received Wed 30 Sep 2026. 5 working days: Thu 8 Oct (1), Fri 9 (2), Sat 10 make-up (3),
  // Mon 12 (4), Tue 13 (5) → deemedAcceptedOn 13 Oct: the department may answer through 13 Oct,
  // the sweep may deem the case accepted from Wed 14 Oct on.
  // Pre-review due: 8 Oct (1), 9 Oct (2) → 9 Oct.
  const DEEM: CaseCommand = { action: 'deem-accepted' };

  it('dates the answer period and the pre-review on the filing', () => {
    expect(received()).toMatchObject({ deemedAcceptedOn: '2026-10-13', preReviewDue: '2026-10-09' });
  });

  it('is not deemed accepted through the last day of the answer period', () => {
    // Act
    const onTheLastDay = refusal(() => applyCaseCommand(received(), DEEM, on('2026-10-13', SYSTEM_CALLER, 59)));
    const duringTheHoliday = refusal(() => applyCaseCommand(received(), DEEM, on('2026-10-05', SYSTEM_CALLER)));

    // Assess
    expect(onTheLastDay).toMatchObject({ code: 'CASE_NOT_YET_DEEMED', kind: 'conflict' });
    expect(onTheLastDay.messageZh).toContain('2026-10-13');
    expect(duringTheHoliday).toMatchObject({ code: 'CASE_NOT_YET_DEEMED' });
  });

  it('the department may still answer on the last day, and no longer from the day after', () => {
    // Act
    const lastDay = applyCaseCommand(received(), { action: 'accept' }, on('2026-10-13', MARKET));
    const late = [
      { action: 'accept' },
      { action: 'accept-pending', pendingMaterials: [LAYOUT], pendingDueOn: '2026-10-30' },
      { action: 'refuse', reasons: ['材料不全'] },
      { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '不清晰' }] },
    ].map((command) => refusal(() => applyCaseCommand(received(), command as CaseCommand, on('2026-10-14', MARKET))));

    // Assess
    expect(lastDay.state.acceptance).toEqual({ on: '2026-10-13', mode: 'normal' });
    expect(late.map((e) => [e.code, e.kind])).toEqual(late.map(() => ['CASE_ANSWER_PERIOD_OVER', 'conflict']));
    expect(late[0]!.messageZh).toContain('视为受理');
  });

  it('is deemed accepted by the sweep from the day after, as of the day the materials were received', () => {
    // Act
    const { state, entry } = applyCaseCommand(received(), DEEM, on('2026-10-14', SYSTEM_CALLER));

    // Assess
    // Clock from 30 Sep: promised 10: 8 Oct (1), 9, 10 (make-up), 12, 13, 14, 15, 16, 19, Tue 20 Oct (10);
    // statutory 20: 21 (11), 22, 23, 26, 27, 28, 29, 30, Nov 2, Tue 3 Nov (20).
    expect(state).toMatchObject({ status: 'accepted', acceptance: { on: '2026-09-30', mode: 'deemed' }, deadlines: { promised: '2026-10-20', statutory: '2026-11-03' } });
    expect(entry).toMatchObject({ type: 'deem-accepted', actor: { name: 'system', role: 'platform' }, on: '2026-10-14', from: 'received', to: 'accepted' });
  });

  it('counts a day off after the last day as after it: a Friday deadline is deemable on Saturday', () => {
    // Received Fri 16 Oct: Mon 19 (1), 20, 21, 22, Fri 23 Oct (5). Sat 24 Oct is a day off, but after 23 Oct.
    const state = received('2026-10-16');

    // Act
    const friday = refusal(() => applyCaseCommand(state, DEEM, on('2026-10-23', SYSTEM_CALLER)));
    const saturday = applyCaseCommand(state, DEEM, on('2026-10-24', SYSTEM_CALLER)).state;

    // Assess
    expect(state.deemedAcceptedOn).toBe('2026-10-23');
    expect(friday.code).toBe('CASE_NOT_YET_DEEMED');
    expect(saturday.acceptance).toEqual({ on: '2026-10-16', mode: 'deemed' });
  });

  it('agrees with the stored date on either side of it (answerPeriodOver)', () => {
    const state = received();
    expect(['2026-09-30', '2026-10-08', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15'].map((d) => answerPeriodOver(state, d, officialCalendar))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('restarts after a supplement, counting from the supplement day', () => {
    // Supplement Fri 9 Oct: Sat 10 make-up (1), Mon 12 (2), 13 (3), 14 (4), Thu 15 Oct (5).
    const supplemented = applyCaseCommand(supplementRequested(), { action: 'supplement', materials: { [LAYOUT]: upload('new') } }, on('2026-10-09', PORTAL)).state;

    // Act
    const early = refusal(() => applyCaseCommand(supplemented, DEEM, on('2026-10-15', SYSTEM_CALLER)));
    const deemed = applyCaseCommand(supplemented, DEEM, on('2026-10-16', SYSTEM_CALLER)).state;

    // Assess
    expect(supplemented).toMatchObject({ deemedAcceptedOn: '2026-10-15', preReviewDue: '2026-10-12' });
    expect(early.code).toBe('CASE_NOT_YET_DEEMED');
    expect(deemed.acceptance).toEqual({ on: '2026-10-09', mode: 'deemed' });
  });

  it("is not deemed while waiting for the applicant's supplement, however long", () => {
    const error = refusal(() => applyCaseCommand(supplementRequested(), DEEM, on('2026-12-01', SYSTEM_CALLER)));
    expect(error).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION' });
  });

  it('takes a shorter configured period at filing and keeps it for the supplement round', () => {
    // 3 working days from Wed 30 Sep: 8 Oct (1), 9 (2), Sat 10 make-up (3) → 10 Oct.
    // Supplement Mon 12 Oct, still 3 days although the platform now says 5: 13 (1), 14 (2), 15 (3).
    const filed = fileCase(input(), on('2026-09-30', PORTAL, 0, { deemedAcceptanceDays: 3 })).state;
    const requested = applyCaseCommand(filed, { action: 'request-supplement', problems: [{ material: 'form', problem: '缺少经营面积' }] }, on('2026-10-09', MARKET)).state;

    // Act
    const supplemented = applyCaseCommand(requested, { action: 'supplement', form: { 经营场所面积: 120 } }, on('2026-10-12', PORTAL, 0, { deemedAcceptanceDays: 5 })).state;

    // Assess
    expect(filed).toMatchObject({ deemedAcceptanceDays: 3, deemedAcceptedOn: '2026-10-10' });
    expect(supplemented).toMatchObject({ deemedAcceptanceDays: 3, deemedAcceptedOn: '2026-10-15' });
  });

  it.each([0, 6, 2.5])('refuses an answer period of %s working days (CASE_DEEMED_DAYS_INVALID)', (days) => {
    const error = refusal(() => fileCase(input(), on('2026-09-30', PORTAL, 0, { deemedAcceptanceDays: days })));
    expect(error).toMatchObject({ code: 'CASE_DEEMED_DAYS_INVALID', field: 'deemedAcceptanceDays' });
  });

  it('counts dates into a year without data provisionally (its statutory holidays off), marks them, and is not stuck by it', () => {
    // Filed Mon 28 Dec 2026: pre-review Tue 29 (1), Wed 30 (2) → 30 Dec, official. The answer period:
    // 29 (1), 30 (2), 31 (3), [Fri 1 Jan 2027 元旦 by law, the weekend], Mon 4 Jan (4), Tue 5 Jan (5) — provisional.
    const filed = fileCase(input(), on('2026-12-28', PORTAL)).state;

    // Act
    const stillInTime = answerPeriodOver(filed, '2027-01-05', officialCalendar);
    const notYet = refusal(() => applyCaseCommand(filed, { action: 'deem-accepted' }, on('2027-01-05', SYSTEM_CALLER)));
    const deemed = applyCaseCommand(filed, { action: 'deem-accepted' }, on('2027-01-06', SYSTEM_CALLER)).state;

    // Assess
    expect(filed).toMatchObject({ preReviewDue: '2026-12-30', deemedAcceptedOn: '2027-01-05', provisional: ['deemedAcceptedOn'], calendarVersions: { 2026: 1, 2027: 0 } });
    expect(filed.dueFlag).toBeUndefined();
    expect(stillInTime).toBe(false);
    expect(notYet.code).toBe('CASE_NOT_YET_DEEMED');
    expect(deemed.acceptance).toEqual({ on: '2026-12-28', mode: 'deemed' });
  });

  it('counts each time limit on its own: a promised deadline inside 2026 official, the statutory one into 2027 provisional', () => {
    // Accepted Mon 7 Dec 2026 (food licence: promised 10, statutory 20 working days): promised Dec 8-11,
    // 14-18, Mon 21 (10); statutory Dec 22-25, 28-31 (18), Mon 4 Jan (19), Tue 5 Jan 2027 (20).
    const { state } = applyCaseCommand(received('2026-12-07'), { action: 'accept' }, on('2026-12-07', MARKET));

    // Assess: late on the official date, never on the provisional one
    expect(state.deadlines).toEqual({ promised: '2026-12-21', statutory: '2027-01-05' });
    expect(state.provisional).toEqual(['deadlines.statutory']);
    expect(supervisionDue(state, '2026-12-21')).toBeUndefined();
    expect(supervisionDue(state, '2026-12-22')).toBe('overdue');
    const overdue = applyCaseCommand(state, { action: 'mark-overdue' }, on('2026-12-22', SYSTEM_CALLER)).state;
    expect(supervisionDue(overdue, '2027-01-06')).toBeUndefined();
    expect(refusal(() => applyCaseCommand(overdue, { action: 'mark-violation' }, on('2027-01-06', SYSTEM_CALLER))).code).toBe('CASE_NOT_LATE');
  });

  it('has the sweep compute the dates again when a year they were counted across is loaded or corrected, recording the versions', () => {
    const filed = received('2026-12-28');
    const accepted = applyCaseCommand(received('2026-12-07'), { action: 'accept' }, on('2026-12-07', MARKET)).state;
    // Test-only 2027 data: the statutory days off; version 2 also gives Mon 4 Jan off.
    const v1 = new WorkingDayCalendar([cn2026, statutoryArrangement(2027)]);
    const v2 = new WorkingDayCalendar([cn2026, statutoryArrangement(2027, { version: 2, extraDaysOff: ['2027-01-04'] })]);
    const system = (date: string, calendar: WorkingDayCalendar) => ({ ...on(date, SYSTEM_CALLER), calendar });

    // Act
    const unchanged = [sweepCommand(filed, '2026-12-29', officialCalendar), sweepCommand(accepted, '2026-12-21', officialCalendar)];
    const loadedFiling = applyCaseCommand(filed, { action: 'recompute-dates' }, system('2026-12-29', v1)).state;
    const loaded = applyCaseCommand(accepted, { action: 'recompute-dates' }, system('2026-12-30', v1)).state;
    const twice = refusal(() => applyCaseCommand(loaded, { action: 'recompute-dates' }, system('2026-12-30', v1)));
    const corrected = applyCaseCommand(loaded, { action: 'recompute-dates' }, system('2026-12-31', v2)).state;

    // Assess
    expect(unchanged).toEqual([undefined, undefined]);
    expect(sweepCommand(accepted, '2026-12-30', v1)).toEqual({ action: 'recompute-dates' });
    expect(loadedFiling).toMatchObject({ status: 'received', preReviewDue: '2026-12-30', deemedAcceptedOn: '2027-01-05', calendarVersions: { 2026: 1, 2027: 1 } });
    expect(loadedFiling.provisional).toBeUndefined();
    expect(loaded.deadlines).toEqual({ promised: '2026-12-21', statutory: '2027-01-05' });
    expect([loaded.provisional, loaded.calendarVersions]).toEqual([undefined, { 2026: 1, 2027: 1 }]);
    expect(twice.code).toBe('CASE_DEADLINES_UNCHANGED');
    expect([corrected.deadlines, corrected.calendarVersions]).toEqual([
      { promised: '2026-12-21', statutory: '2027-01-06' },
      { 2026: 1, 2027: 2 },
    ]);
  });
});

describe('filing: bad input', () => {
  const person = { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' } as const;
  const organisation = { kind: 'organisation', creditCode: '91350100M000100Y43', name: '昆明某餐饮有限公司', contact: { name: '李四', phone: '0871-65123456' } } as const;
  const without = (name: string) => Object.fromEntries(Object.entries(ALL_MATERIALS).filter(([n]) => n !== name));
  const withMaterial = (name: string, material: CaseMaterial) => ({ ...ALL_MATERIALS, [name]: material });

  it('files for an organisation, with an optional material and a licence in place of a replaceable one', () => {
    // Act
    const { state } = fileCase(input({ applicant: organisation, materials: { ...ALL_MATERIALS, [PROXY]: upload(PROXY) } }), on('2026-09-30', HALL));

    // Assess
    expect(state).toMatchObject({ channelId: HALL.channelId, applicant: organisation });
    expect(state.materials[BUSINESS_LICENCE]).toEqual({ kind: 'licence', licenceId: '1.2.156.3005.2.YYZZ.91350100M000100Y43.001.001.K' });
    expect(state.materials[PROXY]).toEqual(upload(PROXY));
  });

  it.each<[string, Partial<FileCaseInput>, string, string]>([
    ['a resident ID with a wrong check character', { applicant: { ...person, residentId: '110105194912310021' } }, 'INVALID_RESIDENT_ID', 'applicant.residentId'],
    ['a resident ID with an impossible birth date', { applicant: { ...person, residentId: '110105194902300026' } }, 'INVALID_RESIDENT_ID', 'applicant.residentId'],
    ['a resident ID born after the filing day', { applicant: { ...person, residentId: '110105202612010010' } }, 'INVALID_RESIDENT_ID', 'applicant.residentId'],
    ['a credit code with a wrong check character', { applicant: { ...organisation, creditCode: '91350100M000100Y44' } }, 'INVALID_CREDIT_CODE', 'applicant.creditCode'],
    ['a person without a name', { applicant: { ...person, name: '  ' } }, 'CASE_FIELD_REQUIRED', 'applicant.name'],
    ['a person with a malformed phone', { applicant: { ...person, phone: '1380013' } }, 'CASE_PHONE_INVALID', 'applicant.phone'],
    ['an organisation without a contact name', { applicant: { ...organisation, contact: { name: '', phone: '13800138000' } } }, 'CASE_FIELD_REQUIRED', 'applicant.contact.name'],
    ['an organisation without a contact phone', { applicant: { ...organisation, contact: { name: '李四', phone: '' } } }, 'CASE_FIELD_REQUIRED', 'applicant.contact.phone'],
    ['a missing required material', { materials: without(APPLICATION) }, 'CASE_MATERIAL_MISSING', `materials.${APPLICATION}`],
    ['a missing required material replaceable by a licence', { materials: without(BUSINESS_LICENCE) }, 'CASE_MATERIAL_MISSING', `materials.${BUSINESS_LICENCE}`],
    ['a material the guide does not list', { materials: withMaterial('房产证', upload('房产证')) }, 'CASE_MATERIAL_UNKNOWN', 'materials.房产证'],
    [
      'a licence for a material no licence replaces',
      { materials: withMaterial(APPLICATION, { kind: 'licence', licenceId: 'x' }) },
      'CASE_LICENCE_NOT_ACCEPTED',
      `materials.${APPLICATION}`,
    ],
    [
      'an empty licence identifier',
      { materials: withMaterial(BUSINESS_LICENCE, { kind: 'licence', licenceId: ' ' }) },
      'CASE_MATERIAL_INVALID',
      `materials.${BUSINESS_LICENCE}.licenceId`,
    ],
    [
      'a malformed SHA-256',
      { materials: withMaterial(APPLICATION, { ...upload(APPLICATION), sha256: 'ABC' } as CaseMaterial) },
      'CASE_MATERIAL_INVALID',
      `materials.${APPLICATION}.sha256`,
    ],
    ['an empty file', { materials: withMaterial(APPLICATION, { ...upload(APPLICATION), size: 0 } as CaseMaterial) }, 'CASE_MATERIAL_INVALID', `materials.${APPLICATION}.size`],
    [
      'an upload without its object key',
      { materials: withMaterial(APPLICATION, { ...upload(APPLICATION), objectKey: '' } as CaseMaterial) },
      'CASE_MATERIAL_INVALID',
      `materials.${APPLICATION}.objectKey`,
    ],
    [
      'an upload without a content type',
      { materials: withMaterial(APPLICATION, { ...upload(APPLICATION), contentType: '' } as CaseMaterial) },
      'CASE_MATERIAL_INVALID',
      `materials.${APPLICATION}.contentType`,
    ],
    ['a malformed case number', { caseNo: 'KM 2026/1' }, 'CASE_NO_INVALID', 'caseNo'],
  ])('refuses %s', (_name, overrides, code, field) => {
    // Act
    const error = refusal(() => fileCase(input(overrides), on('2026-09-30', PORTAL)));

    // Assess
    expect(error).toMatchObject({ code, kind: 'invalid', field });
  });

  it('is done by a channel only, one that is bound to a channel id', () => {
    expect(refusal(() => fileCase(input(), on('2026-09-30', MARKET)))).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(refusal(() => fileCase(input(), on('2026-09-30', { name: 'odd', role: 'channel' })))).toMatchObject({ code: 'CASE_CHANNEL_FORBIDDEN', kind: 'forbidden' });
  });

  it("keeps a joint item's co-departments", () => {
    // Prepare
    const materials = {
      '开办餐饮店一件事申请表（一表申请）': upload('一表申请'),
      [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE),
      消防安全制度及应急预案: upload('消防'),
    };

    // Act
    const { state } = fileCase(input({ materials }, JOINT), on('2026-09-30', PORTAL));

    // Assess
    expect(state.coDepartmentIds).toEqual([DEPARTMENTS.health.id, DEPARTMENTS.fire.id]);
    expect(state.limits).toEqual({ promisedDays: 15, statutoryDays: 45 });
  });
});

describe('commands: bad input', () => {
  it.each<[string, () => CaseState, CaseCommand, Caller, string, string]>([
    ['a supplement request without problems', received, { action: 'request-supplement', problems: [] }, MARKET, 'CASE_PROBLEMS_REQUIRED', 'problems'],
    [
      'a supplement request naming a material the guide does not list',
      received,
      {
        action: 'request-supplement',
        problems: [
          { material: LAYOUT, problem: '不清晰' },
          { material: '房产证', problem: '缺少' },
        ],
      },
      MARKET,
      'CASE_MATERIAL_UNKNOWN',
      'problems.1.material',
    ],
    [
      'a supplement request with a blank problem',
      received,
      { action: 'request-supplement', problems: [{ material: 'form', problem: ' ' }] },
      MARKET,
      'CASE_PROBLEMS_REQUIRED',
      'problems.0.problem',
    ],
    ['an empty supplement', supplementRequested, { action: 'supplement', materials: {} }, PORTAL, 'CASE_SUPPLEMENT_EMPTY', 'materials'],
    [
      'a supplement of an unlisted material',
      supplementRequested,
      { action: 'supplement', materials: { 房产证: upload('房产证') } },
      PORTAL,
      'CASE_MATERIAL_UNKNOWN',
      'materials.房产证',
    ],
    [
      'a supplement with a licence no guide rule accepts',
      supplementRequested,
      { action: 'supplement', materials: { [LAYOUT]: { kind: 'licence', licenceId: 'x' } } },
      PORTAL,
      'CASE_LICENCE_NOT_ACCEPTED',
      `materials.${LAYOUT}`,
    ],
    ['a refusal without reasons', received, { action: 'refuse', reasons: [] }, MARKET, 'CASE_REASONS_REQUIRED', 'reasons'],
    ['a refusal with a blank reason', received, { action: 'refuse', reasons: ['材料不全', ''] }, MARKET, 'CASE_REASONS_REQUIRED', 'reasons.1'],
    [
      'a pause for no special procedure',
      accepted,
      { action: 'pause', procedure: 'lunch', reason: '午休', expectedDays: 10 } as unknown as CaseCommand,
      MARKET,
      'CASE_PROCEDURE_UNKNOWN',
      'procedure',
    ],
    ['a pause without reason', accepted, { action: 'pause', procedure: 'hearing', reason: '', expectedDays: 10 }, MARKET, 'CASE_REASON_REQUIRED', 'reason'],
    ['a denial without reasons', accepted, { action: 'decide', outcome: 'denied' }, MARKET, 'CASE_REASONS_REQUIRED', 'reasons'],
    ['an approval with a blank reason', accepted, { action: 'decide', outcome: 'approved', reasons: [' '] }, MARKET, 'CASE_REASONS_REQUIRED', 'reasons.0'],
    ['an outcome that is neither', accepted, { action: 'decide', outcome: 'maybe' } as unknown as CaseCommand, MARKET, 'CASE_OUTCOME_INVALID', 'outcome'],
    [
      'licence terms with a denial',
      accepted,
      { action: 'decide', outcome: 'denied', reasons: ['不符合条件'], licence: { validUntil: '2031-10-14' } },
      MARKET,
      'CASE_LICENCE_TERMS_INVALID',
      'licence',
    ],
    [
      'a licence valid until a day that does not exist',
      accepted,
      { action: 'decide', outcome: 'approved', licence: { validUntil: '2027-02-30' } },
      MARKET,
      'CASE_LICENCE_TERMS_INVALID',
      'licence.validUntil',
    ],
    [
      'a licence valid until before the decision',
      accepted,
      { action: 'decide', outcome: 'approved', licence: { validUntil: '2026-10-08' } },
      MARKET,
      'CASE_LICENCE_TERMS_INVALID',
      'licence.validUntil',
    ],
    ['a withdrawal without reason', received, { action: 'withdraw', reason: '  ' }, PORTAL, 'CASE_REASON_REQUIRED', 'reason'],
  ])('refuses %s', (_name, from, command, actor, code, field) => {
    // Act
    const error = refusal(() => applyCaseCommand(from(), command, on('2026-10-09', actor)));

    // Assess
    expect(error).toMatchObject({ code, kind: 'invalid', field });
  });

  it('refuses a second pause while one is open, a decision while paused, and a resume without a pause', () => {
    expect(refusal(() => applyCaseCommand(paused(), { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 }, on('2026-10-12', MARKET)))).toMatchObject({
      code: 'CASE_CLOCK_PAUSED',
      kind: 'conflict',
    });
    expect(refusal(() => applyCaseCommand(paused(), { action: 'decide', outcome: 'approved' }, on('2026-10-12', MARKET)))).toMatchObject({
      code: 'CASE_CLOCK_PAUSED',
      kind: 'conflict',
    });
    expect(refusal(() => applyCaseCommand(accepted(), { action: 'resume' }, on('2026-10-12', MARKET)))).toMatchObject({ code: 'CASE_CLOCK_RUNNING', kind: 'conflict' });
  });

  it('pauses again after a resume, from the day of the resume on', () => {
    // Prepare
    const resumed = applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-12', MARKET)).state;

    // Act
    const again = applyCaseCommand(resumed, { action: 'pause', procedure: 'expert-review', reason: '专家评审', expectedDays: 10 }, on('2026-10-12', MARKET, 30)).state;

    // Assess
    expect(again.pauses.map((p) => [p.procedure, p.from, p.to])).toEqual([
      ['site-inspection', '2026-10-09', '2026-10-12'],
      ['expert-review', '2026-10-12', undefined],
    ]);
  });

  it('refuses dates that run backwards: a resume before the pause, a pause before the acceptance', () => {
    expect(refusal(() => applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-08', MARKET)))).toMatchObject({ code: 'CASE_DATE_OUT_OF_ORDER', kind: 'conflict' });
    expect(refusal(() => applyCaseCommand(accepted(), { action: 'pause', procedure: 'testing', reason: '检验', expectedDays: 10 }, on('2026-09-30', MARKET)))).toMatchObject({
      code: 'CASE_DATE_OUT_OF_ORDER',
    });
  });
});

describe('decisions that issue an e-licence, and their seal', () => {
  it('records the licence terms with an approval, valid from the decision day on', () => {
    // Act
    const decided = applyCaseCommand(
      accepted(),
      { action: 'decide', outcome: 'approved', licence: { validUntil: '2026-10-09', data: { 经营项目: '热食类食品制售' } } },
      on('2026-10-09', MARKET),
    ).state;

    // Assess
    expect(decided.decision).toMatchObject({ outcome: 'approved', on: '2026-10-09', licence: { validUntil: '2026-10-09', data: { 经营项目: '热食类食品制售' } } });
  });

  it('seals a decided case once, as the system, keeping its status', () => {
    // Prepare
    const decided = applyCaseCommand(accepted(), { action: 'decide', outcome: 'approved' }, on('2026-10-09', MARKET)).state;
    const results = { decision: { document: '{"type":"tongban/decision"}', seal: { protected: 'e30', signature: 'AA' } }, sealedAt: '2026-10-09T02:00:00.000Z' };

    // Act
    const sealed = applyCaseCommand(decided, { action: 'seal', results }, on('2026-10-09', SYSTEM_CALLER, 1));

    // Assess
    expect(sealed.state).toMatchObject({ status: 'decided', results, version: decided.version + 1 });
    expect(sealed.entry).toMatchObject({ type: 'seal', from: 'decided', to: 'decided', actor: { name: 'system' } });
    expect(refusal(() => applyCaseCommand(sealed.state, { action: 'seal', results }, on('2026-10-09', SYSTEM_CALLER, 2)))).toMatchObject({ code: 'CASE_SEALED', kind: 'conflict' });
    expect(refusal(() => applyCaseCommand(decided, { action: 'seal', results }, on('2026-10-09', MARKET, 1)))).toMatchObject({ kind: 'forbidden' });
  });
});

const ARCHIVED = archivedRecord('KM20260929000001', '2026-10-14');

describe('archiving an ended case', () => {
  it('records a failed attempt (counted), then the archive; after that nothing more', () => {
    // Prepare: a refused case, its 不予受理通知书 sealed
    const ended = applyCaseCommand(refused(), sealNoticesCommand(refused(), '2026-10-08T02:01:00.000Z'), on('2026-10-08', SYSTEM_CALLER, 1)).state;
    const failed: CaseCommand = { action: 'archive-failed', findings: [{ property: 'integrity', code: 'CHECKSUM_MISMATCH', path: 'data/x.pdf', message: 'x' }] };

    // Act
    const once = applyCaseCommand(ended, failed, on('2026-10-14', SYSTEM_CALLER)).state;
    const twice = applyCaseCommand(once, failed, on('2026-10-14', SYSTEM_CALLER, 1)).state;
    const archived = applyCaseCommand(twice, { action: 'archive', archive: ARCHIVED }, on('2026-10-15', SYSTEM_CALLER));

    // Assess
    expect(once.archive).toMatchObject({ state: 'failed', attempts: 1, on: '2026-10-14' });
    expect(twice.archive).toMatchObject({ state: 'failed', attempts: 2 });
    expect(archived.state).toMatchObject({ status: 'refused', archive: ARCHIVED });
    expect(archived.entry).toMatchObject({ type: 'archive', from: 'refused', to: 'refused' });
    expect(refusal(() => applyCaseCommand(archived.state, failed, on('2026-10-15', SYSTEM_CALLER, 1)))).toMatchObject({ code: 'CASE_ARCHIVED', kind: 'conflict' });
    expect(refusal(() => applyCaseCommand(ended, { action: 'archive', archive: ARCHIVED }, on('2026-10-15', MARKET)))).toMatchObject({ kind: 'forbidden' });
    // Not before its notice is sealed: the bundle holds every notice the case gave
    expect(refusal(() => applyCaseCommand(refused(), { action: 'archive', archive: ARCHIVED }, on('2026-10-15', SYSTEM_CALLER)))).toMatchObject({
      code: 'CASE_NOTICES_NOT_SEALED',
    });
  });

  it("lets the platform role accept, with reasons, only what is about a file's format or encryption, once each", () => {
    // Prepare: an attempt that found an encrypted file, an unreadable one and a checksum mismatch
    const findings = [
      { property: 'security', code: 'ENCRYPTED', path: 'data/materials/a.pdf', message: 'encrypted' },
      { property: 'usability', code: 'UNREADABLE', path: 'data/materials/b.png', message: 'not a PNG' },
      { property: 'integrity', code: 'CHECKSUM_MISMATCH', path: 'data/materials/c.pdf', message: 'x' },
    ];
    const failed = applyCaseCommand(refused(), { action: 'archive-failed', findings }, on('2026-10-14', SYSTEM_CALLER)).state;
    const accept: CaseCommand = { action: 'accept-archive-findings', reasons: ['旧办件的加密原件'] };

    // Act
    const accepted = applyCaseCommand(failed, accept, on('2026-10-15', REVIEWER)).state;
    const twice = refusal(() => applyCaseCommand(accepted, accept, on('2026-10-15', REVIEWER, 1)));
    const beforeAnyAttempt = refusal(() => applyCaseCommand(refused(), accept, on('2026-10-15', REVIEWER)));
    const onlyIntegrity = applyCaseCommand(refused(), { action: 'archive-failed', findings: findings.slice(2) }, on('2026-10-14', SYSTEM_CALLER)).state;

    // Assess
    expect(accepted.archiveExceptions!.map((e) => [e.code, e.path, e.acceptedBy, e.on])).toEqual([
      ['ENCRYPTED', 'data/materials/a.pdf', 'reviewer', '2026-10-15'],
      ['UNREADABLE', 'data/materials/b.png', 'reviewer', '2026-10-15'],
    ]);
    expect([twice.code, beforeAnyAttempt.code]).toEqual(['CASE_ARCHIVE_NOTHING_TO_ACCEPT', 'CASE_ARCHIVE_NOTHING_TO_ACCEPT']);
    expect(refusal(() => applyCaseCommand(onlyIntegrity, accept, on('2026-10-15', REVIEWER))).code).toBe('CASE_ARCHIVE_NOTHING_TO_ACCEPT');
    expect(refusal(() => applyCaseCommand(failed, accept, on('2026-10-15', MARKET))).code).toBe('ROLE_FORBIDDEN');
  });

  it("waits for a decided case's seal", () => {
    expect(refusal(() => applyCaseCommand(decided(), { action: 'archive', archive: ARCHIVED }, on('2026-10-15', SYSTEM_CALLER)))).toMatchObject({
      code: 'CASE_NOT_SEALED',
      kind: 'conflict',
    });
  });
});

describe('illegal transitions', () => {
  const STATES: Record<CaseStatus, () => CaseState> = {
    received: () => received(),
    'supplement-requested': supplementRequested,
    accepted,
    'opinions-complete': () => jointRun('agree', 'agree').state,
    refused,
    decided,
    withdrawn,
  };
  // A valid command of each action, by the party allowed to give it: only the status can be wrong.
  // (The co-department's opinion has its own table: its actor depends on the case's item.)
  const COMMANDS: Record<Exclude<CaseAction, 'opinion'>, [CaseCommand, Caller]> = {
    'request-supplement': [{ action: 'request-supplement', problems: [{ material: LAYOUT, problem: '不清晰' }] }, MARKET],
    supplement: [{ action: 'supplement', materials: { [LAYOUT]: upload('v2') } }, PORTAL],
    accept: [{ action: 'accept' }, MARKET],
    'accept-pending': [{ action: 'accept-pending', pendingMaterials: [LAYOUT], pendingDueOn: '2026-10-30' }, MARKET],
    'deem-accepted': [{ action: 'deem-accepted' }, SYSTEM_CALLER],
    refuse: [{ action: 'refuse', reasons: ['材料不全'] }, MARKET],
    pause: [{ action: 'pause', procedure: 'hearing', reason: '依申请举行听证', expectedDays: 10 }, MARKET],
    resume: [{ action: 'resume' }, MARKET],
    extend: [{ action: 'extend', days: 5, approvedBy: '王局长', reasons: ['需现场复核'] }, MARKET],
    deliver: [{ action: 'deliver', materials: { [LAYOUT]: upload('补交') } }, PORTAL],
    'pre-review': [{ action: 'pre-review', outcome: 'passes', nextSteps: '请携带原件到窗口办理' }, MARKET],
    decide: [{ action: 'decide', outcome: 'approved' }, MARKET],
    withdraw: [{ action: 'withdraw', reason: '不再申请' }, PORTAL],
    'mark-overdue': [{ action: 'mark-overdue' }, SYSTEM_CALLER],
    'mark-violation': [{ action: 'mark-violation' }, SYSTEM_CALLER],
    'record-findings': [{ action: 'record-findings' }, SYSTEM_CALLER],
    'recompute-dates': [{ action: 'recompute-dates' }, SYSTEM_CALLER],
    dispatch: [{ action: 'dispatch' }, SYSTEM_CALLER],
    escalate: [{ action: 'escalate', departmentId: DEPARTMENTS.health.id }, SYSTEM_CALLER],
    'record-missing': [{ action: 'record-missing', departmentId: DEPARTMENTS.health.id }, SYSTEM_CALLER],
    'joint-failed': [{ action: 'joint-failed', error: 'States.TaskFailed', cause: 'the function failed' }, SYSTEM_CALLER],
    seal: [{ action: 'seal', results: { decision: { document: '{}', seal: { protected: 'e30', signature: 'AA' } }, sealedAt: '2026-10-14T02:00:00.000Z' } }, SYSTEM_CALLER],
    'seal-notices': [
      { action: 'seal-notices', notices: [{ kind: 'acceptance', entry: 2, document: '{}', seal: { protected: 'e30', signature: 'AA' }, sealedAt: '2026-10-14T02:00:00.000Z' }] },
      SYSTEM_CALLER,
    ],
    archive: [{ action: 'archive', archive: ARCHIVED }, SYSTEM_CALLER],
    'archive-failed': [{ action: 'archive-failed', findings: [{ property: 'integrity', code: 'CHECKSUM_MISMATCH', message: 'x' }] }, SYSTEM_CALLER],
    'accept-archive-findings': [{ action: 'accept-archive-findings', reasons: ['2026年12月前收件的加密原件'] }, REVIEWER],
    'follow-up-failed': [{ action: 'follow-up-failed', step: 'seal', code: 'SEAL_KEY_MISSING', reason: 'no seal key' }, SYSTEM_CALLER],
    'retry-follow-up': [{ action: 'retry-follow-up', reasons: ['已补充部门印章'] }, REVIEWER],
    correct: [{ action: 'correct', ticketId: 'a'.repeat(32), corrections: [{ field: 'applicant.name', value: '张叁' }] }, MARKET],
  };
  const ZH: Record<CaseStatus, string> = {
    received: '已收件',
    'supplement-requested': '待补正',
    accepted: '已受理',
    'opinions-complete': '协办意见已齐',
    refused: '不予受理',
    decided: '已作出决定',
    withdrawn: '已撤回',
  };
  // Written out, not derived from the code: what each status must refuse.
  const ILLEGAL: [CaseStatus, (keyof typeof COMMANDS)[]][] = [
    [
      'received',
      [
        'supplement',
        'pause',
        'resume',
        'extend',
        'deliver',
        'decide',
        'mark-overdue',
        'mark-violation',
        'dispatch',
        'escalate',
        'record-missing',
        'joint-failed',
        'seal',
        'archive',
        'archive-failed',
        'accept-archive-findings',
      ],
    ],
    [
      'supplement-requested',
      [
        'request-supplement',
        'accept',
        'accept-pending',
        'deem-accepted',
        'pause',
        'resume',
        'extend',
        'deliver',
        'pre-review',
        'decide',
        'mark-overdue',
        'mark-violation',
        'record-findings',
        'recompute-dates',
        'dispatch',
        'escalate',
        'record-missing',
        'joint-failed',
        'seal',
        'archive',
        'archive-failed',
        'accept-archive-findings',
      ],
    ],
    [
      'accepted',
      ['request-supplement', 'supplement', 'accept', 'accept-pending', 'deem-accepted', 'refuse', 'pre-review', 'seal', 'archive', 'archive-failed', 'accept-archive-findings'],
    ],
    [
      'opinions-complete',
      [
        'request-supplement',
        'supplement',
        'accept',
        'accept-pending',
        'deem-accepted',
        'refuse',
        'pre-review',
        'dispatch',
        'escalate',
        'record-missing',
        'seal',
        'archive',
        'archive-failed',
        'accept-archive-findings',
      ],
    ],
  ];
  const ALL_ACTIONS = Object.keys(COMMANDS) as (keyof typeof COMMANDS)[];
  const cases = ILLEGAL.flatMap(([status, actions]) => actions.map((action) => [status, action] as const));
  // A decided case is sealed once (the `seal` action keeps its status); nothing but its archiving acts on a final status.
  // A notice due is sealed (and its sealing given up or retried) whatever the status: seal-notices, follow-up-failed and retry-follow-up apply to every one.
  // A record is corrected (更正) in any status, after its end too.
  const ARCHIVING = ['archive', 'archive-failed', 'accept-archive-findings', 'follow-up-failed', 'retry-follow-up', 'seal-notices', 'correct'];
  const closedCases = (['refused', 'decided', 'withdrawn'] as const).flatMap((status) =>
    ALL_ACTIONS.filter((action) => !(status === 'decided' && action === 'seal') && !ARCHIVING.includes(action)).map((action) => [status, action] as const),
  );

  it.each(cases)('from %s refuses %s (CASE_ILLEGAL_TRANSITION, naming status and action)', (status, action) => {
    // Prepare
    const [command, actor] = COMMANDS[action];

    // Act
    const error = refusal(() => applyCaseCommand(STATES[status](), command, on('2026-10-14', actor)));

    // Assess
    expect(error).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION', kind: 'conflict' });
    expect(error.message).toContain(action);
    expect(error.message).toContain(status);
    expect(error.messageZh).toContain(ZH[status]);
  });

  it.each(closedCases)('from the final status %s refuses %s (CASE_CLOSED)', (status, action) => {
    // Prepare
    const [command, actor] = COMMANDS[action];

    // Act
    const error = refusal(() => applyCaseCommand(STATES[status](), command, on('2026-10-14', actor)));

    // Assess
    expect(error).toMatchObject({ code: 'CASE_CLOSED', kind: 'conflict' });
    expect(error.messageZh).toContain(ZH[status]);
  });

  it.each<[CaseStatus, keyof typeof COMMANDS, CaseStatus, () => CaseState, string]>([
    ['received', 'request-supplement', 'supplement-requested', () => received(), '2026-10-12'],
    ['received', 'accept', 'accepted', () => received(), '2026-10-12'],
    ['received', 'accept-pending', 'accepted', () => received(), '2026-10-12'],
    ['received', 'deem-accepted', 'accepted', () => received(), '2026-10-14'],
    ['received', 'refuse', 'refused', () => received(), '2026-10-12'],
    ['received', 'withdraw', 'withdrawn', () => received(), '2026-10-12'],
    ['supplement-requested', 'supplement', 'received', supplementRequested, '2026-10-12'],
    ['supplement-requested', 'refuse', 'refused', supplementRequested, '2026-10-12'],
    ['supplement-requested', 'withdraw', 'withdrawn', supplementRequested, '2026-10-12'],
    ['accepted', 'pause', 'accepted', accepted, '2026-10-12'],
    ['accepted', 'resume', 'accepted', paused, '2026-10-12'],
    ['accepted', 'decide', 'decided', accepted, '2026-10-12'],
    ['accepted', 'withdraw', 'withdrawn', accepted, '2026-10-12'],
  ])('from %s allows %s, to %s', (status, action, to, from, date) => {
    // Prepare
    const [command, actor] = COMMANDS[action];
    const state = from();

    // Act
    const { entry } = applyCaseCommand(state, command, on(date, actor));

    // Assess
    expect(state.status).toBe(status);
    expect(entry).toMatchObject({ type: action, from: status, to });
  });
});

describe('who may act', () => {
  it("lets only the case's own department take department actions", () => {
    expect(refusal(() => applyCaseCommand(received(), { action: 'accept' }, on('2026-10-08', HOUSING)))).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(refusal(() => applyCaseCommand(paused(), { action: 'resume' }, on('2026-10-12', HOUSING)))).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN' });
  });

  it('does not let a co-department act as the lead', () => {
    // Prepare
    const materials = { '开办餐饮店一件事申请表（一表申请）': upload('一表'), [BUSINESS_LICENCE]: upload(BUSINESS_LICENCE), 消防安全制度及应急预案: upload('消防') };
    const joint = fileCase(input({ materials }, JOINT), on('2026-09-30', PORTAL)).state;

    // Act
    const error = refusal(() => applyCaseCommand(joint, { action: 'refuse', reasons: ['x'] }, on('2026-10-08', HEALTH)));

    // Assess
    expect(joint.coDepartmentIds).toContain(HEALTH.departmentId);
    expect(error).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
  });

  it('lets only the filing channel supplement or withdraw', () => {
    expect(refusal(() => applyCaseCommand(supplementRequested(), { action: 'supplement', materials: { [LAYOUT]: upload('x') } }, on('2026-10-09', HALL)))).toMatchObject({
      code: 'CASE_CHANNEL_FORBIDDEN',
      kind: 'forbidden',
    });
    expect(refusal(() => applyCaseCommand(accepted(), { action: 'withdraw', reason: '不办了' }, on('2026-10-09', HALL)))).toMatchObject({ code: 'CASE_CHANNEL_FORBIDDEN' });
  });

  it('refuses a party of the wrong role outright (ROLE_FORBIDDEN)', () => {
    expect(refusal(() => applyCaseCommand(received(), { action: 'accept' }, on('2026-10-08', PORTAL)))).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(refusal(() => applyCaseCommand(received(), { action: 'withdraw', reason: 'x' }, on('2026-10-08', MARKET)))).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    expect(refusal(() => applyCaseCommand(received(), { action: 'deem-accepted' }, on('2026-10-14', MARKET)))).toMatchObject({ code: 'ROLE_FORBIDDEN' });
  });

  it('lets only the system deem a case accepted, not a platform reviewer', () => {
    const error = refusal(() => applyCaseCommand(received(), { action: 'deem-accepted' }, on('2026-10-14', REVIEWER)));
    expect(error).toMatchObject({ code: 'CASE_SYSTEM_FORBIDDEN', kind: 'forbidden' });
  });

  it('answers an outsider "forbidden" before telling it anything about the case\'s status', () => {
    expect(refusal(() => applyCaseCommand(decided(), { action: 'accept' }, on('2026-10-14', HOUSING)))).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN' });
    expect(refusal(() => applyCaseCommand(withdrawn(), { action: 'withdraw', reason: 'x' }, on('2026-10-14', HALL)))).toMatchObject({ code: 'CASE_CHANNEL_FORBIDDEN' });
  });
});

describe('the history entry', () => {
  it('digests the command it records, and nothing else', () => {
    // Prepare
    const command: CaseCommand = { action: 'refuse', reasons: ['材料不全'] };
    const expected = createHash('sha256').update(canonicalJson(command)).digest('hex');

    // Act
    const { entry } = applyCaseCommand(received(), command, on('2026-10-08', MARKET));
    const other = applyCaseCommand(received(), { action: 'refuse', reasons: ['材料不齐'] }, on('2026-10-08', MARKET)).entry;

    // Assess
    expect(entry.payloadDigest).toBe(expected);
    expect(other.payloadDigest).not.toBe(expected);
  });

  it('digests the filing as the channel sent it: item code and version, applicant, form, materials', () => {
    // Prepare
    const filing = input();
    const expected = createHash('sha256')
      .update(canonicalJson({ caseNo: filing.caseNo, itemCode: filing.item.code, itemVersion: 3, applicant: filing.applicant, form: filing.form, materials: filing.materials }))
      .digest('hex');

    // Act
    const { entry } = fileCase(filing, on('2026-09-30', PORTAL));

    // Assess
    expect(entry.payloadDigest).toBe(expected);
  });

  it('refuses a context whose date is not the China date of its instant', () => {
    // 2026-09-30T20:00Z is 1 Oct 04:00 in China.
    expect(() => fileCase(input(), { ...on('2026-09-30', PORTAL), at: '2026-09-30T20:00:00.000Z' })).toThrow(/not the China date/);
  });
});

describe('the sweep: deemed acceptance, then overdue and violation marks', () => {
  // Accepted Thu 8 Oct 2026 (FOOD: promised 10, statutory 20 working days).
  //   promised: Fri 9 (1), Sat 10 make-up (2), 12 (3), 13 (4), 14 (5), 15 (6), 16 (7), 19 (8), 20 (9), Wed 21 Oct (10).
  //   statutory: 22 (11), 23 (12), 26 (13), 27 (14), 28 (15), 29 (16), 30 (17), Mon 2 Nov (18), 3 (19), Wed 4 Nov (20).
  it('computes the deadlines on acceptance as counted by hand', () => {
    expect(accepted().deadlines).toEqual({ promised: '2026-10-21', statutory: '2026-11-04' });
  });

  it('leaves a case alone up to and including its promised deadline day', () => {
    // Act
    const result = sweepTo(accepted(), '2026-10-21');

    // Assess
    expect(result.actions).toEqual([]);
    expect(supervisionDue(accepted(), '2026-10-21')).toBeUndefined();
  });

  it('marks a case overdue the day after its promised deadline, once, and records the system as actor', () => {
    // Act
    const first = sweepTo(accepted(), '2026-10-22');
    const again = sweepTo(first.state, '2026-10-23');

    // Assess
    expect(first.actions).toEqual(['mark-overdue']);
    expect(first.state).toMatchObject({ status: 'accepted', supervision: 'overdue' });
    expect(again.actions).toEqual([]);
    const error = refusal(() => applyCaseCommand(first.state, { action: 'mark-overdue' }, on('2026-10-23', SYSTEM_CALLER)));
    expect(error).toMatchObject({ code: 'CASE_NOT_LATE', kind: 'conflict' });
  });

  it('moves an overdue case to the violation list the day after the statutory deadline', () => {
    // Prepare
    const overdue = sweepTo(accepted(), '2026-10-22').state;

    // Act
    const onDeadline = sweepTo(overdue, '2026-11-04');
    const after = sweepTo(overdue, '2026-11-05');

    // Assess
    expect(onDeadline.actions).toEqual([]);
    expect(after.actions).toEqual(['mark-violation']);
    expect(after.state.supervision).toBe('violation');
  });

  it('takes a case nobody answered from received to deemed accepted and on to violation in one sweep', () => {
    // Prepare: filed Tue 29 Sep; the department may answer until Mon 12 Oct; deemed accepted from
    // 29 Sep, so promised falls 10 working days after: 30 Sep (1), 8 (2), 9 (3), 10 (4), 12 (5), 13 (6),
    // 14 (7), 15 (8), 16 (9), Mon 19 Oct (10); statutory 20 (11) … 30 (19), Mon 2 Nov (20).
    const filed = fileCase(input(), on('2026-09-29', PORTAL)).state;

    // Act
    const result = sweepTo(filed, '2026-11-03');

    // Assess
    expect(result.actions).toEqual(['deem-accepted', 'mark-violation']);
    expect(result.state).toMatchObject({ status: 'accepted', supervision: 'violation', acceptance: { mode: 'deemed', on: '2026-09-29' } });
    expect(result.state.deadlines).toEqual({ promised: '2026-10-19', statutory: '2026-11-02' });
  });

  it('does not mark a paused case, nor one without computable deadlines', () => {
    // Paused 9 Oct, expected to end 22 Oct: the procedure's overrun is found, no mark is made.
    expect(sweepTo(paused(), '2026-12-01').actions).toEqual(['record-findings']);
    expect(sweepTo(paused(), '2026-12-01').state.supervision).toBeUndefined();
    // Accepted Tue 29 Dec 2026: the deadlines need 2027 data, which is not loaded.
    const flagged = applyCaseCommand(received('2026-12-28'), { action: 'accept' }, on('2026-12-29', MARKET)).state;
    expect(sweepCommand(flagged, '2027-06-01', officialCalendar)).toBeUndefined();
  });

  it('lets no person apply a mark, not even a platform reviewer', () => {
    // Act
    const error = refusal(() => applyCaseCommand(accepted(), { action: 'mark-overdue' }, on('2026-10-22', REVIEWER)));

    // Assess
    expect(error).toMatchObject({ code: 'CASE_SYSTEM_FORBIDDEN', kind: 'forbidden' });
  });
});

describe('joint handling (联合办理): dispatch, opinions, escalation, consolidated decision', () => {
  it('dispatches to every co-department with its own due date in working days', () => {
    // Dispatched Thu 8 Oct. Health, 8 working days: 9 (1), Sat 10 make-up (2), 12 (3), 13 (4), 14 (5),
    // 15 (6), 16 (7), Mon 19 Oct (8). Fire, 10: 20 (9), Wed 21 Oct (10). Each awaited 2 more working
    // days after its due day (health: 20, Wed 21 Oct; fire: 22, Fri 23 Oct), then recorded missing.
    const { state } = jointDispatched();
    expect(state.status).toBe('accepted');
    expect(state.jointTasks).toEqual([
      { departmentId: DEPARTMENTS.health.id, dispatchedOn: '2026-10-08', status: 'pending', dueOn: '2026-10-19', graceDays: 2, graceUntil: '2026-10-21' },
      { departmentId: DEPARTMENTS.fire.id, dispatchedOn: '2026-10-08', status: 'pending', dueOn: '2026-10-21', graceDays: 2, graceUntil: '2026-10-23' },
    ]);
    expect(refusal(() => applyCaseCommand(state, { action: 'dispatch' }, on('2026-10-09', SYSTEM_CALLER)))).toMatchObject({ code: 'CASE_NOT_DISPATCHABLE' });
    expect(refusal(() => applyCaseCommand(accepted(), { action: 'dispatch' }, on('2026-10-09', SYSTEM_CALLER)))).toMatchObject({ code: 'CASE_NOT_DISPATCHABLE' });
  });

  it('completes the opinions when the last co-department answers, and then lets the lead decide', () => {
    // Act
    const { state, entries } = jointRun('agree', 'agree');
    const decided = applyCaseCommand(state, { action: 'decide', outcome: 'approved' }, on('2026-10-13', MARKET)).state;

    // Assess
    expect(entries.map((e) => [e.type, e.to])).toEqual([
      ['file', 'received'],
      ['accept', 'accepted'],
      ['dispatch', 'accepted'],
      ['opinion', 'accepted'],
      ['opinion', 'opinions-complete'],
    ]);
    expect(decided.decision?.opinions?.map((o) => [o.departmentId, o.opinion?.outcome])).toEqual([
      [DEPARTMENTS.health.id, 'agree'],
      [DEPARTMENTS.fire.id, 'agree'],
    ]);
  });

  it('refuses an opinion before dispatch, and after the decision', () => {
    const filed = fileCase(input({ materials: JOINT_MATERIALS }, JOINT), on('2026-09-30', PORTAL)).state;
    const acceptedJoint = applyCaseCommand(filed, { action: 'accept' }, on('2026-10-08', MARKET)).state;
    const decidedJoint = applyCaseCommand(jointRun('agree', 'agree').state, { action: 'decide', outcome: 'approved' }, on('2026-10-13', MARKET)).state;
    expect(refusal(() => applyCaseCommand(filed, { action: 'opinion', outcome: 'agree' }, on('2026-10-01', HEALTH)))).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION' });
    expect(refusal(() => applyCaseCommand(acceptedJoint, { action: 'opinion', outcome: 'agree' }, on('2026-10-09', HEALTH)))).toMatchObject({ code: 'CASE_NOT_DISPATCHED' });
    expect(refusal(() => applyCaseCommand(decidedJoint, { action: 'opinion', outcome: 'agree' }, on('2026-10-14', HEALTH)))).toMatchObject({ code: 'CASE_CLOSED' });
  });

  it('refuses a decision before the opinions are complete', () => {
    const { state } = jointDispatched();
    expect(refusal(() => applyCaseCommand(state, { action: 'decide', outcome: 'approved' }, on('2026-10-09', MARKET)))).toMatchObject({
      code: 'CASE_JOINT_OPINIONS_MISSING',
      kind: 'conflict',
    });
  });

  it('lets only an assigned co-department answer, once, and a disagreement needs reasons', () => {
    // Prepare
    const { state } = jointDispatched();
    const answered = applyCaseCommand(state, { action: 'opinion', outcome: 'agree' }, on('2026-10-09', HEALTH)).state;

    // Act / Assess
    expect(refusal(() => applyCaseCommand(state, { action: 'opinion', outcome: 'agree' }, on('2026-10-09', MARKET)))).toMatchObject({
      code: 'CASE_CO_DEPARTMENT_FORBIDDEN',
      kind: 'forbidden',
    });
    expect(refusal(() => applyCaseCommand(state, { action: 'opinion', outcome: 'agree' }, on('2026-10-09', HOUSING)))).toMatchObject({ code: 'CASE_CO_DEPARTMENT_FORBIDDEN' });
    expect(refusal(() => applyCaseCommand(answered, { action: 'opinion', outcome: 'disagree', reasons: ['改变主意'] }, on('2026-10-10', HEALTH)))).toMatchObject({
      code: 'CASE_OPINION_EXISTS',
      kind: 'conflict',
    });
    expect(refusal(() => applyCaseCommand(state, { action: 'opinion', outcome: 'disagree' }, on('2026-10-09', FIRE)))).toMatchObject({
      code: 'CASE_REASONS_REQUIRED',
      field: 'reasons',
    });
  });

  it("requires the lead's reasons to approve over a disagreeing opinion, and records them", () => {
    // Prepare
    const { state } = jointRun('agree', 'disagree');

    // Act
    const unexplained = refusal(() => applyCaseCommand(state, { action: 'decide', outcome: 'approved' }, on('2026-10-13', MARKET)));
    const explained = applyCaseCommand(state, { action: 'decide', outcome: 'approved', overrideReasons: ['申请人已提交整改承诺并经复核'] }, on('2026-10-13', MARKET)).state;
    const denied = applyCaseCommand(state, { action: 'decide', outcome: 'denied', reasons: ['消防安全条件不符合'] }, on('2026-10-13', MARKET)).state;

    // Assess
    expect(unexplained).toMatchObject({ code: 'CASE_REASONS_REQUIRED', field: 'overrideReasons' });
    expect(explained.decision).toMatchObject({ outcome: 'approved', overrideReasons: ['申请人已提交整改承诺并经复核'] });
    expect(denied.decision?.overrideReasons).toBeUndefined();
  });

  it('escalates a late co-department the day after its due date, awaits it through its grace, then records it missing — well before the statutory deadline', () => {
    // Prepare: health answers; fire (due Wed 21 Oct, grace until Fri 23 Oct) does not.
    const { state } = jointDispatched();
    const healthAnswered = applyCaseCommand(state, { action: 'opinion', outcome: 'agree' }, on('2026-10-09', HEALTH)).state;
    const fire = DEPARTMENTS.fire.id;

    // Act
    const tooEarly = refusal(() => applyCaseCommand(healthAnswered, { action: 'escalate', departmentId: fire }, on('2026-10-21', SYSTEM_CALLER)));
    const escalated = applyCaseCommand(healthAnswered, { action: 'escalate', departmentId: fire }, on('2026-10-22', SYSTEM_CALLER)).state;
    const notYetMissing = refusal(() => applyCaseCommand(escalated, { action: 'record-missing', departmentId: fire }, on('2026-10-23', SYSTEM_CALLER)));
    const lateAnswer = applyCaseCommand(escalated, { action: 'opinion', outcome: 'agree' }, on('2026-10-23', FIRE)).state;
    const missing = applyCaseCommand(escalated, { action: 'record-missing', departmentId: fire }, on('2026-10-24', SYSTEM_CALLER)).state;

    // Assess
    expect(tooEarly.code).toBe('CASE_TASK_NOT_LATE');
    expect(escalated.jointTasks![1]).toMatchObject({ status: 'escalated', escalatedOn: '2026-10-22', graceUntil: '2026-10-23' });
    expect(escalated.status).toBe('accepted');
    expect(notYetMissing.code).toBe('CASE_TASK_NOT_MISSING');
    expect(lateAnswer.status).toBe('opinions-complete');
    expect(missing.jointTasks![1]).toMatchObject({ status: 'missing', missingOn: '2026-10-24' });
    expect(missing.status).toBe('opinions-complete');
    expect(missing.deadlines!.statutory! > '2026-11-30').toBe(true);
  });

  it('takes the grace the joint function is configured with, and refuses one out of range', () => {
    const filed = fileCase(input({ materials: JOINT_MATERIALS }, JOINT), on('2026-09-30', PORTAL));
    const accepted = applyCaseCommand(filed.state, { action: 'accept' }, on('2026-10-08', MARKET)).state;
    const none = applyCaseCommand(accepted, { action: 'dispatch', graceDays: 0 }, on('2026-10-08', SYSTEM_CALLER)).state;
    expect(none.jointTasks!.map((t) => [t.dueOn, t.graceUntil])).toEqual([
      ['2026-10-19', '2026-10-19'],
      ['2026-10-21', '2026-10-21'],
    ]);
    expect(() => applyCaseCommand(accepted, { action: 'dispatch', graceDays: 21 }, on('2026-10-08', SYSTEM_CALLER))).toThrow(RangeError);
  });
});

describe("a case's repeating parts are bounded (case-limits.ts)", () => {
  it(`takes ${CASE_LIMITS.pauses} pauses and refuses the next with CASE_PAUSES_EXHAUSTED, the case unchanged`, () => {
    // Prepare: accepted Thu 8 Oct; each pause and its resume on Fri 9 Oct
    let state = accepted();
    const pause: CaseCommand = { action: 'pause', procedure: 'site-inspection', reason: '现场核查', expectedDays: 5 };
    for (let i = 0; i < CASE_LIMITS.pauses; i++) {
      state = applyCaseCommand(state, pause, on('2026-10-09', MARKET)).state;
      state = applyCaseCommand(state, { action: 'resume' }, on('2026-10-09', MARKET)).state;
    }

    // Act
    const refused = refusal(() => applyCaseCommand(state, pause, on('2026-10-09', MARKET)));

    // Assess
    expect(state.pauses).toHaveLength(CASE_LIMITS.pauses);
    expect(refused).toMatchObject({ code: 'CASE_PAUSES_EXHAUSTED', kind: 'conflict' });
  });

  it(`counts supplement requests and refuses the ${CASE_LIMITS.supplementRounds + 1}th with CASE_SUPPLEMENT_ROUNDS_EXHAUSTED`, () => {
    // Prepare: each round asks about the layout drawing, which the supplement before delivered
    let state = received();
    const ask: CaseCommand = { action: 'request-supplement', problems: [{ material: LAYOUT, problem: '图纸不清晰' }] };
    for (let i = 0; i < CASE_LIMITS.supplementRounds; i++) {
      state = applyCaseCommand(state, ask, on('2026-10-08', MARKET)).state;
      state = applyCaseCommand(state, { action: 'supplement', materials: { [LAYOUT]: upload(`${LAYOUT} ${i}`) } }, on('2026-10-08', PORTAL)).state;
    }

    // Act
    const refused = refusal(() => applyCaseCommand(state, ask, on('2026-10-08', MARKET)));

    // Assess
    expect(state.supplementRounds).toBe(CASE_LIMITS.supplementRounds);
    expect(refused).toMatchObject({ code: 'CASE_SUPPLEMENT_ROUNDS_EXHAUSTED', kind: 'conflict' });
  });
});
