// The refusals of archiving an ended case (shared/domain/archive, and the archive command of the case
// lifecycle): the archive function's, which no route reaches.
import type { ErrorRegistry } from './registry.ts';

const ARCHIVING = "the archive function's (case-archiving.ts): no route reaches it; what it cannot do yet is left to the sweep, and a failed bundle is recorded on the case";

export const ARCHIVE_ERRORS = {
  CASE_NOT_ENDED: { kind: 'conflict', notAnswered: ARCHIVING },
  CASE_NOT_SEALED: { kind: 'conflict', notAnswered: ARCHIVING },
  // The code of a case's followUpFailure when its bundle failed its check MAX_ARCHIVE_ATTEMPTS times (case-results.ts).
  ARCHIVE_CHECK_FAILED: { kind: 'conflict', notAnswered: 'recorded in the followUpFailure of a case whose archiving was given up; never an answer' },
} as const satisfies ErrorRegistry;
