// The statistics' facts and figures on the real 2026 calendar (National Day 1-7 Oct off, Sat 10 Oct
// a make-up working day): each case event's fact, summaries, periods, the exact mean and 90th
// percentile. Working days counted by hand in the comments.
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CaseCommand, CaseContext, FileCaseInput } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { statisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import type { StatisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import { addUp, figures, parsePeriod, percentile, summarise } from '../../shared/domain/statistics/statistics-figures.ts';
import { EvaluationTally } from '../../shared/domain/statistics/evaluation-figures.ts';
import { FOOD, HALL, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { refusal } from '../support/refusal.ts';

const on = (date: string, actor: Caller): CaseContext => ({ actor, at: `${date}T02:00:00.000Z`, today: date, calendar: officialCalendar });

const input = (caseNo: string): FileCaseInput => ({
  caseNo,
  item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
  applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
  form: { 经营项目: ['热食类食品制售'] },
  materials: {
    食品经营许可申请书: upload('申请书'),
    营业执照: upload('营业执照'),
    经营场所平面布局图: upload('布局'),
    食品安全管理制度文本: upload('制度'),
  },
});

/** A case taken through `steps` ([date, actor, command]); the fact of each step's event, kind of the filing channel as given. */
function run(filedOn: string, channel: Caller, channelKind: string, steps: [string, Caller, CaseCommand][]) {
  let state = fileCase(input('KM20260930000001'), on(filedOn, channel)).state;
  const events: { id: string; action: string; on: string; state: CaseState }[] = [{ id: `${state.caseNo}.1`, action: 'file', on: filedOn, state }];
  for (const [date, actor, command] of steps) {
    state = applyCaseCommand(state, command, on(date, actor)).state;
    events.push({ id: `${state.caseNo}.${state.version}`, action: command.action, on: date, state });
  }
  // Each event's fact from the case as read after all of them (as the tally reads it later).
  return { state, facts: events.map((e) => statisticsFact(e, state, channelKind, officialCalendar)) };
}

describe('statisticsFact', () => {
  it('counts a filing through the portal as received online, at a hall window as received', () => {
    const portal = run('2026-09-30', PORTAL, 'portal', []).facts[0]!;
    expect(portal).toEqual({
      eventId: 'KM20260930000001.1',
      on: '2026-09-30',
      departmentId: MARKET.departmentId,
      itemCode: FOOD.implementationCode,
      channelId: PORTAL.channelId,
      counts: { received: 1, receivedOnline: 1 },
    });
    const hall = run('2026-09-30', HALL, 'service-hall-window', []).facts[0]!;
    expect(hall.counts).toEqual({ received: 1 });
    expect(hall.channelId).toBe(HALL.channelId);
  });

  it('counts acceptance, a pause (not its resume), an extension and the decision with its working days, the pause days left out', () => {
    // Accepted Thu 8 Oct; paused Fri 9 Oct, resumed Wed 14 Oct; decided Fri 16 Oct. Counted: Fri 9 (the
    // pause began), Wed 14 (it ended), Thu 15, Fri 16 = 4; Sat 10 (make-up), Mon 12, Tue 13 stood still.
    const { facts } = run('2026-09-30', PORTAL, 'portal', [
      ['2026-10-08', MARKET, { action: 'accept' }],
      ['2026-10-09', MARKET, { action: 'pause', procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 3 }],
      ['2026-10-14', MARKET, { action: 'resume' }],
      ['2026-10-15', MARKET, { action: 'extend', days: 5, approvedBy: '局长', reasons: ['情况复杂'] }],
      ['2026-10-16', MARKET, { action: 'decide', outcome: 'approved' }],
    ]);
    expect(facts.map((f) => f?.counts)).toEqual([
      { received: 1, receivedOnline: 1 },
      { accepted: 1 },
      { pauses: 1 },
      undefined,
      { extensions: 1 },
      { approved: 1, promisedOnTime: 1, statutoryOnTime: 1 },
    ]);
    expect(facts.at(-1)!.workingDays).toBe(4);
    expect(facts.at(-1)!.on).toBe('2026-10-16');
  });

  it('counts a decision after the promised deadline (marked overdue by the sweep) as late against it, on time against the statutory one', () => {
    // FOOD: promised 10, statutory 20 working days. Accepted Thu 8 Oct: the 10th counted day is Wed
    // 21 Oct (9, 10, 12-16, 19-21). The sweep on Fri 23 Oct marks it overdue; denied Mon 26 Oct:
    // 13 working days (… 21, 22, 23, 26).
    const { facts } = run('2026-09-30', PORTAL, 'portal', [
      ['2026-10-08', MARKET, { action: 'accept' }],
      ['2026-10-23', SYSTEM_CALLER, { action: 'mark-overdue' }],
      ['2026-10-26', MARKET, { action: 'decide', outcome: 'denied', reasons: ['场所不符合要求'] }],
    ]);
    expect(facts[2]).toBeUndefined();
    expect(facts[3]!.counts).toEqual({ denied: 1, statutoryOnTime: 1 });
    expect(facts[3]!.workingDays).toBe(13);
  });

  it('counts refusals, withdrawals, supplement rounds; a seal counts nothing', () => {
    const refused = run('2026-09-30', HALL, 'service-hall-window', [
      ['2026-10-08', MARKET, { action: 'request-supplement', problems: [{ material: '经营场所平面布局图', problem: '图纸不清晰' }] }],
      ['2026-10-09', MARKET, { action: 'refuse', reasons: ['不属于本部门职权范围'] }],
    ]).facts;
    expect(refused.map((f) => f?.counts)).toEqual([{ received: 1 }, { supplementRounds: 1 }, { refused: 1 }]);
    const withdrawn = run('2026-09-30', PORTAL, 'portal', [['2026-10-08', PORTAL, { action: 'withdraw', reason: '不再经营' }]]).facts;
    expect(withdrawn[1]!.counts).toEqual({ withdrawn: 1 });
    expect(statisticsFact({ id: 'x.9', action: 'seal', on: '2026-10-09' }, run('2026-09-30', PORTAL, 'portal', []).state, 'portal', officialCalendar)).toBeUndefined();
  });

  it('refuses a decide event of a case that has no decision (the case read is not the one the event is of)', () => {
    const { state } = run('2026-09-30', PORTAL, 'portal', []);
    expect(() => statisticsFact({ id: 'x.2', action: 'decide', on: '2026-10-09' }, state, 'portal', officialCalendar)).toThrow(/no decision/);
  });
});

const fact = (eventId: string, on: string, itemCode: string, channelId: string, counts: StatisticsFact['counts'], workingDays?: number): StatisticsFact => ({
  eventId,
  on,
  departmentId: 'D',
  itemCode,
  channelId,
  counts,
  ...(workingDays !== undefined ? { workingDays } : {}),
});

describe('figures', () => {
  it('sums facts per item and channel, adds days up and gives exact means, percentiles and rates', () => {
    const day1 = summarise([
      fact('a.1', '2026-11-02', 'I1', 'portal', { received: 1, receivedOnline: 1 }),
      fact('b.1', '2026-11-02', 'I1', 'hall', { received: 1 }),
      fact('c.5', '2026-11-02', 'I1', 'portal', { approved: 1, promisedOnTime: 1, statutoryOnTime: 1 }, 3),
    ]);
    expect(day1).toEqual([
      { itemCode: 'I1', channelId: 'hall', counts: { received: 1 }, workingDays: {} },
      { itemCode: 'I1', channelId: 'portal', counts: { received: 1, receivedOnline: 1, approved: 1, promisedOnTime: 1, statutoryOnTime: 1 }, workingDays: { '3': 1 } },
    ]);
    // Ten decisions of 1..10 working days over two days: mean 5.5, p90 the 9th smallest = 9.
    const decisions = Array.from({ length: 10 }, (_, i) =>
      fact(
        `d${i}.5`,
        i < 5 ? '2026-11-03' : '2026-11-04',
        'I2',
        'portal',
        i < 8 ? { approved: 1, promisedOnTime: 1, statutoryOnTime: 1 } : { denied: 1, statutoryOnTime: 1 },
        i + 1,
      ),
    );
    const rows = addUp([day1, summarise(decisions.slice(0, 5)), summarise(decisions.slice(5))]);
    const f = figures(rows);
    expect(f).toMatchObject({ received: 2, receivedOnline: 1, decided: 11, approved: 9, denied: 2, onlineShare: 0.5 });
    expect(f.promisedOnTimeRate).toBe(Math.round((9 / 11) * 10_000) / 10_000);
    expect(f.statutoryOnTimeRate).toBe(1);
    // 11 decisions: 3 once, 1..10 once each. Sum 58 → mean 5.27; p90 rank ⌈9.9⌉ = 10: values 1,2,3,3,4,…,9 → 9.
    expect(f.meanWorkingDays).toBe(5.27);
    expect(f.p90WorkingDays).toBe(9);
    expect(figures(addUp([day1], { channelId: 'hall' }))).toMatchObject({
      received: 1,
      onlineShare: 0,
      decided: 0,
      promisedOnTimeRate: null,
      meanWorkingDays: null,
      p90WorkingDays: null,
    });
    expect(addUp([rows], { itemCode: 'I2' }).map((r) => r.itemCode)).toEqual(['I2']);
  });

  it('takes the nearest rank', () => {
    expect(percentile([[5, 1]], 1, 0.9)).toBe(5);
    expect(
      percentile(
        [
          [1, 9],
          [100, 1],
        ],
        10,
        0.9,
      ),
    ).toBe(1);
    expect(
      percentile(
        [
          [1, 8],
          [100, 2],
        ],
        10,
        0.9,
      ),
    ).toBe(100);
  });

  it('parses years, months and days, and refuses others with the field', () => {
    expect(parsePeriod('2026')).toEqual({ period: '2026', kind: 'year', from: '2026-01-01', to: '2026-12-31' });
    expect(parsePeriod('2026-02')).toEqual({ period: '2026-02', kind: 'month', from: '2026-02-01', to: '2026-02-28' });
    expect(parsePeriod('2026-12')).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(parsePeriod('2026-11-05')).toEqual({ period: '2026-11-05', kind: 'day', from: '2026-11-05', to: '2026-11-05' });
    for (const bad of ['2026-02-30', '2026-13', '26-11', '2026-11-5', '']) {
      expect(refusal(() => parsePeriod(bad))).toMatchObject({ code: 'STATISTICS_PERIOD_INVALID', field: 'period' });
    }
  });
});

describe('好差评 figures', () => {
  it('count the reviews by level overall and per item, the good share, and the bad ones answered on time, late or awaited past due; upheld appeals apart', () => {
    // Prepare: 6 reviews of two items and one window visit without an item, as of Wed 18 Nov 2026.
    const tally = new EvaluationTally('2026-11-18');
    const food = 'FOOD';
    const hukou = 'HUKOU';
    for (const row of [
      { level: 'very-satisfied', itemCode: food, excluded: false, answered: false },
      { level: 'basic', itemCode: food, excluded: false, answered: false },
      { level: 'very-dissatisfied', itemCode: food, excluded: false, answered: true, rectifiedOnTime: true },
      { level: 'dissatisfied', itemCode: hukou, excluded: false, answered: true, rectifiedOnTime: false },
      // Unanswered: due yesterday (late now), due today (not yet), provisional (nobody late).
      { level: 'dissatisfied', itemCode: hukou, excluded: false, answered: false, dueOn: '2026-11-17' },
      { level: 'very-dissatisfied', excluded: false, answered: false, dueOn: '2026-11-18' },
      { level: 'very-dissatisfied', excluded: false, answered: false, dueOn: '2026-11-02', dueProvisional: true },
      // The department's appeal upheld: not counted.
      { level: 'very-dissatisfied', itemCode: food, excluded: true, answered: false },
    ] as const)
      tally.add(row);

    // Act
    const f = tally.figures();

    // Assess
    expect(f).toMatchObject({
      rated: 7,
      byLevel: { 'very-satisfied': 1, satisfied: 0, basic: 1, dissatisfied: 2, 'very-dissatisfied': 3 },
      goodReviewRate: 0.2857,
      bad: 5,
      rectifiedOnTime: 1,
      rectifiedLate: 1,
      awaitedPastDue: 1,
      rectificationOnTimeRate: 0.3333,
      appealsUpheld: 1,
    });
    expect(f.byItem.map((i) => [i.itemCode, i.figures.rated, i.figures.goodReviewRate, i.figures.appealsUpheld])).toEqual([
      ['-', 2, 0, 0],
      ['FOOD', 3, 0.6667, 1],
      ['HUKOU', 2, 0, 0],
    ]);
    expect(new EvaluationTally('2026-11-18').figures()).toMatchObject({ rated: 0, goodReviewRate: null, rectificationOnTimeRate: null, byItem: [] });
  });
});
