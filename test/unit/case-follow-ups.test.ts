// What a case state still needs the platform to do (case-follow-ups.ts), the one answer the case
// service, the sweep and the store's queue dating share.
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { followUps } from '../../shared/domain/cases/case-follow-ups.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CaseHistoryEntry, CaseState } from '../../shared/domain/cases/case-record.ts';
import { sealNoticesCommand } from '../support/notice-seals.ts';
import { FOOD, JOINT, MARKET, PORTAL, REVIEWER, ZHANG } from '../support/case-fixtures.ts';
import { refusal } from '../support/refusal.ts';
import { MAX_ARCHIVE_ATTEMPTS } from '../../shared/domain/cases/case-results.ts';
import { runCase, upload } from '../support/case-materials.ts';

const on = (date: string, actor: Caller, minute = 0): CaseContext => ({
  actor,
  at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`,
  today: date,
  calendar: officialCalendar,
});
const filed = (guide = FOOD) =>
  fileCase(
    {
      caseNo: `2026090${guide === FOOD ? 1 : 2}ABCDEFGHIJ`,
      item: { code: guide.implementationCode, version: 1, guide },
      applicant: ZHANG,
      form: {},
      materials: Object.fromEntries(guide.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)])),
    },
    on('2026-09-01', PORTAL),
  );
const SEALED = { decision: { document: '{}', seal: { protected: 'e30', signature: 'AA' } }, sealedAt: '2026-09-02T02:00:00.000Z' };
const ARCHIVED = {
  state: 'archived',
  bundleKey: 'bundles/x.tar',
  sha256: 'a'.repeat(64),
  size: 1,
  retention: '10y',
  retainUntil: '2036-09-02T00:00:00.000Z',
  legalHold: false,
  archivedAt: '2026-09-02T02:00:00.000Z',
} as const;

/** The case after `steps`, its notices then sealed by the system (as the sealing function does at once). */
const sealedAfter = (start: { state: CaseState; entry: CaseHistoryEntry }, ...steps: [CaseCommand, CaseContext][]): CaseState => {
  const { state } = runCase(start, ...steps);
  const ctx = steps.at(-1)![1];
  return runCase({ state, entry: start.entry }, [sealNoticesCommand(state, ctx.at), { ...ctx, actor: SYSTEM_CALLER }]).state;
};

describe('what a case still needs', () => {
  it('needs the notice its acceptance owes sealed, then nothing while its department works on it', () => {
    const accepted = runCase(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)]).state;
    const noticeSealed = sealedAfter(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)]);
    const paused = runCase({ state: noticeSealed, entry: filed().entry }, [
      { action: 'pause', procedure: 'hearing', reason: '依申请举行听证', expectedDays: 10 },
      on('2026-09-02', MARKET),
    ]).state;
    const pauseSealed = sealedAfter({ state: noticeSealed, entry: filed().entry }, [
      { action: 'pause', procedure: 'hearing', reason: '依申请举行听证', expectedDays: 10 },
      on('2026-09-02', MARKET),
    ]);
    const resumed = runCase({ state: pauseSealed, entry: filed().entry }, [{ action: 'resume' }, on('2026-09-03', MARKET)]).state;
    expect([followUps(filed().state), followUps(accepted), followUps(noticeSealed), followUps(paused), followUps(resumed)]).toEqual([
      [],
      ['seal-notices'],
      [],
      ['seal-notices'],
      [],
    ]);
    expect(resumed.notices!.map((n) => [n.kind, n.entry])).toEqual([
      ['acceptance', 2],
      ['special-procedure', 4],
    ]);
    expect(noticeSealed.notices!.map((n) => [n.kind, n.entry])).toEqual([['acceptance', 2]]);
    expect(noticeSealed.noticesDue).toBeUndefined();
  });

  it('needs its joint handling started once accepted, and its notice sealed; nothing after dispatch', () => {
    const lead: Caller = { name: 'lead', role: 'department', departmentId: JOINT.departmentId };
    const accepted = runCase(filed(JOINT), [{ action: 'accept' }, on('2026-09-01', lead, 1)]).state;
    const noticeSealed = sealedAfter(filed(JOINT), [{ action: 'accept' }, on('2026-09-01', lead, 1)]);
    const dispatched = runCase({ state: noticeSealed, entry: filed(JOINT).entry }, [{ action: 'dispatch' }, on('2026-09-01', SYSTEM_CALLER, 2)]).state;
    expect([followUps(accepted), followUps(noticeSealed), followUps(dispatched)]).toEqual([['start-joint', 'seal-notices'], ['start-joint'], []]);
  });

  it('needs a decided case sealed, then archived; a refused one its notice sealed, then archived; an archived one nothing', () => {
    const accepted = sealedAfter(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)]);
    const decided = runCase({ state: accepted, entry: filed().entry }, [{ action: 'decide', outcome: 'approved' }, on('2026-09-02', MARKET)]).state;
    const unsealedAcceptance = runCase(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)], [{ action: 'decide', outcome: 'approved' }, on('2026-09-02', MARKET)]).state;
    const sealed = runCase({ state: decided, entry: filed().entry }, [{ action: 'seal', results: SEALED }, on('2026-09-02', SYSTEM_CALLER, 1)]).state;
    const refusing: [CaseCommand, CaseContext] = [{ action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-09-01', MARKET, 1)];
    const refused = runCase(filed(), refusing).state;
    const refusalSealed = sealedAfter(filed(), refusing);
    const archived: CaseState = runCase({ state: refusalSealed, entry: filed().entry }, [{ action: 'archive', archive: ARCHIVED }, on('2026-09-02', SYSTEM_CALLER)]).state;
    expect([followUps(decided), followUps(unsealedAcceptance), followUps(sealed), followUps(refused), followUps(refusalSealed), followUps(archived)]).toEqual([
      ['seal', 'archive'],
      ['seal-notices', 'seal', 'archive'],
      ['archive'],
      ['seal-notices', 'archive'],
      ['archive'],
      [],
    ]);
    // An ended case is archived only once its notices are sealed
    expect(refusal(() => runCase({ state: refused, entry: filed().entry }, [{ action: 'archive', archive: ARCHIVED }, on('2026-09-02', SYSTEM_CALLER)]))).toMatchObject({
      code: 'CASE_NOTICES_NOT_SEALED',
      kind: 'conflict',
    });
  });

  it('gives the sealing of notices up in any status: owes nothing more until the platform role retries it', () => {
    const accepted = runCase(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)]).state;
    const givenUp = runCase({ state: accepted, entry: filed().entry }, [
      { action: 'follow-up-failed', step: 'seal-notices', code: 'SEAL_KEY_MISSING', reason: 'no active seal key' },
      on('2026-09-01', SYSTEM_CALLER, 2),
    ]).state;
    const retried = runCase({ state: givenUp, entry: filed().entry }, [{ action: 'retry-follow-up', reasons: ['已补充部门印章'] }, on('2026-09-02', REVIEWER)]).state;
    expect([followUps(givenUp), followUps(retried)]).toEqual([[], ['seal-notices']]);
    expect(givenUp.followUpFailure).toEqual({ step: 'seal-notices', code: 'SEAL_KEY_MISSING', reason: 'no active seal key', on: '2026-09-01' });
  });

  it(`gives the archiving up after ${MAX_ARCHIVE_ATTEMPTS} failed checks: owes nothing more until the platform role retries it`, () => {
    // Prepare: a refused case (its notice sealed) whose bundle fails its check again and again
    const refused = { state: sealedAfter(filed(), [{ action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-09-01', MARKET, 1)]), entry: filed().entry };
    const failing: [CaseCommand, CaseContext] = [
      { action: 'archive-failed', findings: [{ property: 'usability', code: 'UNREADABLE', message: 'not a PDF', path: 'data/x.pdf' }] },
      on('2026-09-02', SYSTEM_CALLER),
    ];

    // Act
    const attempts = [1, 2, 3].map((n) => runCase(refused, ...Array<[CaseCommand, CaseContext]>(n).fill(failing)).state);
    const retried = runCase({ state: attempts[2]!, entry: refused.entry }, [{ action: 'retry-follow-up', reasons: ['已更换可读的原件'] }, on('2026-09-03', REVIEWER)]).state;
    const again = refusal(() =>
      runCase({ state: attempts[2]!, entry: refused.entry }, [{ action: 'follow-up-failed', step: 'archive', code: 'X', reason: 'x' }, on('2026-09-03', SYSTEM_CALLER)]),
    );

    // Assess
    expect(attempts.map((s) => followUps(s))).toEqual([['archive'], ['archive'], []]);
    expect(attempts[2]!.followUpFailure).toEqual({ step: 'archive', code: 'ARCHIVE_CHECK_FAILED', reason: 'the bundle failed its check 3 times: UNREADABLE', on: '2026-09-02' });
    expect(retried.followUpFailure).toBeUndefined();
    expect(followUps(retried)).toEqual(['archive']);
    expect(again).toMatchObject({ code: 'CASE_FOLLOW_UP_FAILED' });
  });
});
