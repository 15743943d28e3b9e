// What a case state still needs the platform itself to do, in one place: start the joint handling of
// an accepted joint case not dispatched yet, seal the written notices its actions owe the applicant
// (case-notices.ts), seal a decided case's results, archive an ended case — in that order: an ended
// case is archived only once its notices and results are sealed, so that its bundle holds them.
// The case service does it as the action that leads there is answered; the sweep does what did not
// get done; the store lists a case that still needs any of it undated, so that every sweep sees it.
// Later capabilities that must follow a state (events) add their step here.
import { awaitsJointStart } from './joint-handling.ts';
import type { CaseState } from './case-record.ts';
import { FINAL_STATUSES } from './case-record.ts';

export type FollowUp = 'start-joint' | 'seal-notices' | 'seal' | 'archive';

/** The steps the state still needs, in the order they are taken. */
export function followUps(state: CaseState): FollowUp[] {
  const steps: FollowUp[] = awaitsJointStart(state) ? ['start-joint'] : [];
  // Given up (a refusal retrying cannot mend): nothing the sealing or archiving owes until the platform role retries it.
  if (state.followUpFailure) return steps;
  if ((state.noticesDue?.length ?? 0) > 0) steps.push('seal-notices');
  if (!FINAL_STATUSES.includes(state.status) || state.archive?.state === 'archived') return steps;
  if (state.status === 'decided' && !state.results) steps.push('seal');
  steps.push('archive');
  return steps;
}

export function needs(state: CaseState, step: FollowUp): boolean {
  return followUps(state).includes(step);
}

/** Whether the sealing function owes the case anything: its notices, or its results. */
export function needsSealing(state: CaseState): boolean {
  return needs(state, 'seal-notices') || needs(state, 'seal');
}
