// The refusals of electronic supervision's findings (shared/domain/supervision/finding-service.ts and
// the finding store's conditional writes).
import type { ErrorRegistry } from './registry.ts';

export const FINDING_ERRORS = {
  FINDING_NOT_FOUND: 'not-found',
  /** A department reading or answering a finding that is not its to answer. */
  FINDING_FORBIDDEN: 'forbidden',
  /** The action does not follow the finding's state (finding-lifecycle.ts). */
  FINDING_STATE_CONFLICT: 'conflict',
  /** Someone acted on the finding first: read it again. */
  FINDING_VERSION_CONFLICT: 'conflict',
  FINDING_ROUNDS_EXHAUSTED: 'conflict',
  /** The platform's and the auditors' list names what to list by (department, rule, state or case). */
  FINDING_FILTER_REQUIRED: 'invalid',
  FINDING_TOO_LARGE: {
    kind: 'too-large',
    notAnswered: 'a guard: a finding holds at most MAX_FINDING_ROUNDS answers and returns of bounded text, far under the item limit',
  },
} as const satisfies ErrorRegistry;
