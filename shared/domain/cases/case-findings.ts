// Supervision findings besides the time limits' marks (overdue, violation): what a case shows late
// on its own dates — a special procedure past the length it stated (行政许可法 Art. 45, 004 §19), the
// pre-review opinion not given within its 2 working days (001 §14, 004 §18), 容缺 materials not
// delivered by their due day (004 §18). A finding falls due the day after its date (the date itself
// is still in time) and is recorded by the first action taken after that — the department's own
// (resuming late, a late pre-review, a late delivery), or else the sweep's `record-findings` — so a
// late step never hides its lateness. A provisional date makes nobody late. Each finding is recorded
// once per date it passed and never taken back; the supervision lists hold one entry per finding.
import { isProvisional } from './case-dates.ts';
import type { CaseFinding, CaseState, FindingKind } from './case-record.ts';

/** The findings the case has earned by `today` and not had recorded yet. */
export function findingsDue(state: CaseState, today: string): CaseFinding[] {
  return findingsAwaited(state)
    .filter((f) => today > f.due)
    .map((f) => ({ ...f, on: today }));
}

/**
 * The dates on which the case will earn a finding unless someone acts before, not recorded yet: the
 * department queue lists a case by the soonest of these and its time limit, so that the sweep sees
 * the case the day after.
 */
export function findingsAwaited(state: CaseState): { kind: FindingKind; due: string }[] {
  const due: { kind: FindingKind; due: string }[] = [];
  const open = state.status === 'accepted' || state.status === 'opinions-complete';

  // 001 §14: the pre-review opinion on the materials as last received, within 2 working days.
  const preReviewGiven = state.preReview !== undefined && state.preReview.on >= state.materialsReceivedOn;
  if (state.status === 'received' && state.preReviewOffered && !preReviewGiven && state.preReviewDue && !isProvisional(state, 'preReviewDue')) {
    due.push({ kind: 'pre-review-late', due: state.preReviewDue });
  }

  // Art. 45: the open special procedure past the working days it said it would take.
  const i = state.pauses.length - 1;
  const pause = state.pauses[i];
  if (open && pause && pause.to === undefined && pause.expectedUntil && !isProvisional(state, `pauses.${i}.expectedUntil`)) {
    due.push({ kind: 'procedure-overrun', due: pause.expectedUntil });
  }

  // 004 §18: 容缺 materials still pending after the day they were due.
  const acceptance = state.acceptance;
  if (open && acceptance?.pendingDueOn && (acceptance.pendingMaterials?.length ?? 0) > 0) {
    due.push({ kind: 'materials-late', due: acceptance.pendingDueOn });
  }

  const recorded = state.findings ?? [];
  return due.filter((f) => !recorded.some((r) => r.kind === f.kind && r.due === f.due));
}

/** The state's findings with those due by `today` added: what every action records. */
export function withFindings(state: CaseState, today: string): Pick<CaseState, 'findings'> {
  const found = findingsDue(state, today);
  if (found.length === 0) return state.findings ? { findings: state.findings } : {};
  return { findings: [...(state.findings ?? []), ...found] };
}
