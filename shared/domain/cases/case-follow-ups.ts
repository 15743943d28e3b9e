// What a case state still needs the platform itself to do, in one place: start the joint handling of
// an accepted joint case not dispatched yet, seal a decided case's results, archive an ended case.
// The case service does it as the action that leads there is answered; the sweep does what did not
// get done; the store lists a case that still needs any of it undated, so that every sweep sees it.
// Later capabilities that must follow a state (notices, events) add their step here.
import { awaitsJointStart } from './joint-handling.ts';
import type { CaseState } from './case-record.ts';
import { FINAL_STATUSES } from './case-record.ts';

export type FollowUp = 'start-joint' | 'seal' | 'archive';

/** The steps the state still needs, in the order they are taken. */
export function followUps(state: CaseState): FollowUp[] {
  if (awaitsJointStart(state)) return ['start-joint'];
  // Given up (a refusal retrying cannot mend): nothing until the platform role retries it.
  if (!FINAL_STATUSES.includes(state.status) || state.archive?.state === 'archived' || state.followUpFailure) return [];
  return state.status === 'decided' && !state.results ? ['seal', 'archive'] : ['archive'];
}

export function needs(state: CaseState, step: FollowUp): boolean {
  return followUps(state).includes(step);
}
