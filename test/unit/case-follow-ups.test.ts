// What a case state still needs the platform to do (case-follow-ups.ts), the one answer the case
// service, the sweep and the store's queue dating share.
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { followUps } from '../../shared/domain/cases/case-follow-ups.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
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

describe('what a case still needs', () => {
  it('needs nothing while its department works on it', () => {
    const accepted = runCase(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)]).state;
    expect([followUps(filed().state), followUps(accepted)]).toEqual([[], []]);
  });

  it('needs its joint handling started once accepted, and not after dispatch', () => {
    const lead: Caller = { name: 'lead', role: 'department', departmentId: JOINT.departmentId };
    const accepted = runCase(filed(JOINT), [{ action: 'accept' }, on('2026-09-01', lead, 1)]).state;
    const dispatched = runCase({ state: accepted, entry: filed(JOINT).entry }, [{ action: 'dispatch' }, on('2026-09-01', SYSTEM_CALLER, 2)]).state;
    expect([followUps(accepted), followUps(dispatched)]).toEqual([['start-joint'], []]);
  });

  it('needs a decided case sealed, then archived; a refused one archived; an archived one nothing', () => {
    const decided = runCase(filed(), [{ action: 'accept' }, on('2026-09-01', MARKET, 1)], [{ action: 'decide', outcome: 'approved' }, on('2026-09-02', MARKET)]).state;
    const sealed = runCase({ state: decided, entry: filed().entry }, [{ action: 'seal', results: SEALED }, on('2026-09-02', SYSTEM_CALLER, 1)]).state;
    const refused = runCase(filed(), [{ action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-09-01', MARKET, 1)]).state;
    const archived: CaseState = runCase({ state: refused, entry: filed().entry }, [{ action: 'archive', archive: ARCHIVED }, on('2026-09-02', SYSTEM_CALLER)]).state;
    expect([followUps(decided), followUps(sealed), followUps(refused), followUps(archived)]).toEqual([['seal', 'archive'], ['archive'], ['archive'], []]);
  });

  it(`gives the archiving up after ${MAX_ARCHIVE_ATTEMPTS} failed checks: owes nothing more until the platform role retries it`, () => {
    // Prepare: a refused case whose bundle fails its check again and again
    const refused = { state: runCase(filed(), [{ action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-09-01', MARKET, 1)]).state, entry: filed().entry };
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
