// What a co-department's branch of the joint workflow does next, read from the case alone, on the real
// 2026 calendar. The joint item (开办餐饮店“一件事”): market leads; health has 8 and fire 10 working
// days for their opinions; statutory limit 45 working days. Filed Wed 30 Sep, accepted and dispatched
// Thu 8 Oct.
//   health due, 8 working days from 8 Oct: 9 (1), Sat 10 make-up (2), 12, 13, 14, 15, 16 (7), Mon 19 (8) → 19 Oct.
//   statutory, 45 working days from 8 Oct: 17 in October (9 … 30), 20 in November (2 … 27, 30 is the 38th),
//   Dec 1, 2, 3, 4 (42), 7, 8, 9 (45) → 9 Dec.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { WorkingDayCalendar, officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import cn2026 from '../../shared/domain/calendar/data/cn-2026.json' with { type: 'json' };
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase, sweepCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { DEFAULT_JOINT_MAX_WAIT_SECONDS } from '../../shared/contracts/joint-workflow.ts';
import { branchStep, endOfChinaDay } from '../../shared/domain/cases/joint-handling.ts';
import { FIRE, HEALTH, JOINT, MARKET, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';

const HEALTH_ID = DEPARTMENTS.health.id;
const FIRE_ID = DEPARTMENTS.fire.id;

/** 10:00 China time on `date`. */
function on(date: string, actor: Caller, minute = 0): CaseContext {
  return { actor, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar };
}
/** An instant in China time. */
const china = (date: string, time: string) => new Date(`${date}T${time}+08:00`);

const MATERIALS = Object.fromEntries(JOINT.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)]));

function dispatched(filedOn = '2026-09-30', acceptedOn = '2026-10-08', calendar = officialCalendar): CaseState {
  const filed = fileCase(
    { caseNo: 'KM20260930JOINT01', item: { code: JOINT.implementationCode, version: 1, guide: JOINT }, applicant: ZHANG, form: {}, materials: MATERIALS },
    { ...on(filedOn, PORTAL), calendar },
  );
  return runCase(filed, [{ action: 'accept' }, { ...on(acceptedOn, MARKET), calendar }], [{ action: 'dispatch' }, { ...on(acceptedOn, SYSTEM_CALLER, 1), calendar }]).state;
}
const then = (state: CaseState, command: CaseCommand, ctx: CaseContext) => applyCaseCommand(state, command, ctx).state;

describe("branchStep: what a co-department's branch does next", () => {
  it('the dispatched case has the due dates and the statutory deadline counted above', () => {
    const state = dispatched();
    expect(state.jointTasks?.map((t) => [t.departmentId, t.dispatchedOn, t.dueOn, t.status])).toEqual([
      [HEALTH_ID, '2026-10-08', '2026-10-19', 'pending'],
      [FIRE_ID, '2026-10-08', '2026-10-21', 'pending'],
    ]);
    expect(state.deadlines).toMatchObject({ statutory: '2026-12-09' });
  });

  it('waits until the end of the due day (China time), the due day itself included', () => {
    // 15:00 on 19 Oct → midnight is 9 hours away.
    expect(branchStep(dispatched(), HEALTH_ID, china('2026-10-19', '15:00:00'))).toEqual({ next: 'wait', waitSeconds: 9 * 3600 });
    // A fraction of a second is a whole second: the wait never ends before the day does.
    expect(branchStep(dispatched(), HEALTH_ID, china('2026-10-19', '23:59:59.400'))).toEqual({ next: 'wait', waitSeconds: 1 });
  });

  it('never waits longer than the longest wait, so a moved deadline or an ended case is seen in time', () => {
    expect(branchStep(dispatched(), FIRE_ID, china('2026-10-08', '10:05:00'))).toEqual({ next: 'wait', waitSeconds: DEFAULT_JOINT_MAX_WAIT_SECONDS });
    expect(branchStep(dispatched(), FIRE_ID, china('2026-10-08', '10:05:00'), 60)).toEqual({ next: 'wait', waitSeconds: 60 });
  });

  it('escalates from the day after the due day', () => {
    expect(branchStep(dispatched(), HEALTH_ID, china('2026-10-20', '00:00:00')).next).toBe('escalate');
    // Fire's own limit is longer: on the same day it still waits.
    expect(branchStep(dispatched(), FIRE_ID, china('2026-10-20', '00:00:00')).next).toBe('wait');
  });

  it('once escalated, waits until the end of its grace (2 working days after its due day), then records the opinion missing', () => {
    const escalated = then(dispatched(), { action: 'escalate', departmentId: HEALTH_ID }, on('2026-10-20', SYSTEM_CALLER));
    // Due Mon 19 Oct; awaited through Tue 20 and Wed 21 Oct.
    expect(escalated.jointTasks?.[0]).toMatchObject({ status: 'escalated', escalatedOn: '2026-10-20', graceUntil: '2026-10-21' });
    expect(branchStep(escalated, HEALTH_ID, china('2026-10-21', '22:00:00'))).toEqual({ next: 'wait', waitSeconds: 2 * 3600 });
    expect(branchStep(escalated, HEALTH_ID, china('2026-10-22', '00:00:00')).next).toBe('record-missing');
  });

  it("an escalated task on a paused case is awaited through its own grace: the lead's pause does not move the co-department's days", () => {
    const escalated = then(dispatched(), { action: 'escalate', departmentId: HEALTH_ID }, on('2026-10-20', SYSTEM_CALLER));
    const paused = then(escalated, { action: 'pause', procedure: 'site-inspection', reason: '现场核查', expectedDays: 10 }, on('2026-10-21', MARKET));
    expect(paused.deadlines).toBeUndefined();
    expect(branchStep(paused, HEALTH_ID, china('2026-10-21', '23:00:00'), 3600)).toEqual({ next: 'wait', waitSeconds: 3600 });
    expect(branchStep(paused, HEALTH_ID, china('2026-10-22', '10:00:00')).next).toBe('record-missing');
  });

  it('is done once the opinion is in, once recorded missing, and once the case has moved on', () => {
    const answered = then(dispatched(), { action: 'opinion', outcome: 'agree' }, on('2026-10-12', HEALTH));
    expect(branchStep(answered, HEALTH_ID, china('2026-10-12', '10:05:00')).next).toBe('done');
    expect(branchStep(answered, FIRE_ID, china('2026-10-12', '10:05:00')).next).toBe('wait');
    const complete = then(answered, { action: 'opinion', outcome: 'disagree', reasons: ['疏散通道不足'] }, on('2026-10-13', FIRE));
    expect(complete.status).toBe('opinions-complete');
    expect(branchStep(complete, FIRE_ID, china('2026-10-13', '10:05:00')).next).toBe('done');
    const withdrawn = then(dispatched(), { action: 'withdraw', reason: '不再开办' }, on('2026-10-09', PORTAL));
    // Health's task is still pending on the record, but nothing is awaited from a withdrawn case.
    expect(branchStep(withdrawn, HEALTH_ID, china('2026-10-30', '10:00:00')).next).toBe('done');
  });

  it('records a task missing after the statutory deadline even if it was never escalated', () => {
    // Fire's due day (21 Oct) has passed too, but the statutory deadline (9 Dec) decides.
    expect(branchStep(dispatched(), FIRE_ID, china('2026-12-10', '08:00:00')).next).toBe('record-missing');
    const missing = then(dispatched(), { action: 'record-missing', departmentId: FIRE_ID }, on('2026-12-10', SYSTEM_CALLER));
    expect(missing.jointTasks![1]).toMatchObject({ status: 'missing', missingOn: '2026-12-10' });
  });

  it('a task due in a year without calendar data is due provisionally: never escalated on it; the sweep makes it official once the year is loaded', () => {
    // Filed Mon 21 Dec, accepted and dispatched Tue 22 Dec 2026: health's 8 working days are 23, 24, 25,
    // 28-31 Dec (7), [Fri 1 Jan 元旦 by law, the weekend], Mon 4 Jan 2027 (8) — provisional.
    const provisional = dispatched('2026-12-21', '2026-12-22');
    expect(provisional.jointTasks![0]).toMatchObject({ status: 'pending', dispatchedOn: '2026-12-22', dueOn: '2027-01-04' });
    // fire, 10 working days: Tue 5 (9), Wed 6 Jan (10).
    expect(provisional.jointTasks![1]).toMatchObject({ dueOn: '2027-01-06' });
    expect(provisional.provisional).toEqual(expect.arrayContaining([`jointTasks.${HEALTH_ID}.dueOn`, 'deadlines.statutory']));
    expect(branchStep(provisional, HEALTH_ID, china('2027-01-05', '10:00:00'), 3600)).toEqual({ next: 'wait', waitSeconds: 3600 });
    // Test-only 2027 data: the statutory days off, nothing else.
    const with2027 = new WorkingDayCalendar([cn2026, statutoryArrangement(2027)]);
    expect(sweepCommand(provisional, '2026-12-23', with2027)).toEqual({ action: 'recompute-dates' });
    const official = applyCaseCommand(provisional, { action: 'recompute-dates' }, { ...on('2026-12-23', SYSTEM_CALLER), calendar: with2027 }).state;
    expect(official.jointTasks!.map((t) => [t.dueOn, t.dueFlag])).toEqual([
      ['2027-01-04', undefined],
      ['2027-01-06', undefined],
    ]);
    expect(official.provisional).toBeUndefined();
    expect(branchStep(official, HEALTH_ID, china('2027-01-05', '10:00:00')).next).toBe('escalate');
  });

  it('refuses a department that has no task on the case (a wrong branch is a bug, not a wait)', () => {
    expect(() => branchStep(dispatched(), DEPARTMENTS.police.id, china('2026-10-12', '10:00:00'))).toThrow(/no joint task/);
  });

  it("endOfChinaDay is the next day's midnight at UTC+8", () => {
    expect(endOfChinaDay('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});
