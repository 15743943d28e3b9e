// The refusals of 好差评 (shared/domain/evaluations/evaluation-service.ts, its lifecycle and the
// evaluation store's conditional writes).
import type { ErrorRegistry } from './registry.ts';

export const EVALUATION_ERRORS = {
  EVALUATION_NOT_FOUND: 'not-found',
  /** Reading or acting on an evaluation not the caller's: another channel's, another department's. */
  EVALUATION_FORBIDDEN: 'forbidden',
  /** 一事一评, 一次一评: the case (the visit) is rated already. */
  EVALUATION_EXISTS: 'conflict',
  /** Only an ended case (refused, decided, withdrawn) is rated. */
  EVALUATION_CASE_NOT_ENDED: 'conflict',
  /** A window's review comes from a channel of kind service-hall-window. */
  EVALUATION_NOT_WINDOW: 'forbidden',
  /** The window's department is not in the directory. */
  EVALUATION_DEPARTMENT_UNKNOWN: 'invalid',
  /** A named window review carries the contact to follow up with. */
  EVALUATION_CONTACT_REQUIRED: 'invalid',
  /** A named bad review's answer records its follow-up (回访). */
  EVALUATION_FOLLOW_UP_REQUIRED: 'invalid',
  /** The follow-up is dated from the rating to today. */
  EVALUATION_FOLLOW_UP_DATE: 'invalid',
  /** The action does not follow the evaluation's state (evaluation-lifecycle.ts). */
  EVALUATION_STATE_CONFLICT: 'conflict',
  /** Someone acted on the evaluation first: read it again. */
  EVALUATION_VERSION_CONFLICT: 'conflict',
  /** A review is appealed once. */
  EVALUATION_APPEALED_BEFORE: 'conflict',
  /** The platform's and the auditors' list names what to list by (department, state or case). */
  EVALUATION_FILTER_REQUIRED: 'invalid',
  EVALUATION_TOO_LARGE: {
    kind: 'too-large',
    notAnswered: 'a guard: an evaluation holds one rating, one answer, one answer rating, one appeal and one verdict of bounded text, far under the item limit',
  },
} as const satisfies ErrorRegistry;
