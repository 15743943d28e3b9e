// The refusals of the case lifecycle (shared/domain/cases, and the case store's conditional writes):
// filing, the departments' and channels' actions, joint handling, sealing — and the
// system's own actions, which no request applies.
import type { ErrorRegistry } from './registry.ts';

const SWEEP = "the sweep's actions (system actor only): no route applies them";
const JOINT = "joint handling's system actions, applied by the workflow's steps only when due (joint-handling.ts)";
const SEALING =
  "the sealing function's (case-sealing.ts): no route reaches it; a decision it could not seal is answered without results and sealed by the sweep, and the failure logged";
const CLOCK_GUARD =
  "the legal clock's own checks of a pause list: the lifecycle never builds a list that fails them (it answers CASE_DATE_OUT_OF_ORDER / CASE_CLOCK_* first); they guard stored data";

export const CASE_ERRORS = {
  CASE_NOT_FOUND: 'not-found',
  // An action whose record would not fit DynamoDB's item limit, with room kept for what must follow it (case-items.ts).
  CASE_TOO_LARGE: 'too-large',
  // A case whose stored state and history disagree (case-items.ts stateOfItems): refused for every action.
  CASE_HISTORY_BROKEN: 'conflict',
  CASE_READ_FORBIDDEN: 'forbidden',
  // Reading a file the case keeps (case-files.ts): none of that name, or a material given as an e-licence (免提交), which has no file.
  CASE_MATERIAL_NOT_FOUND: 'not-found',
  CASE_MATERIAL_IS_LICENCE: 'not-found',
  // Reading a file of an archived case: the working copies are gone once the bundle is checked (case-archiving.ts); the bundle is the record.
  CASE_MATERIAL_ARCHIVED: 'conflict',
  CASE_DEPARTMENT_FORBIDDEN: 'forbidden',
  CASE_CHANNEL_FORBIDDEN: 'forbidden',
  CASE_CO_DEPARTMENT_FORBIDDEN: 'forbidden',
  CASE_VERSION_CONFLICT: 'conflict',
  CASE_ILLEGAL_TRANSITION: 'conflict',
  CASE_CLOSED: 'conflict',
  // Filing.
  IDEMPOTENCY_KEY_REUSED: 'conflict',
  CASE_ITEM_NOT_PUBLISHED: 'conflict',
  CASE_ITEM_SUSPENDED: 'conflict',
  CASE_ITEM_TERMINATED: 'conflict',
  CASE_APPLICANT_KIND_INVALID: 'invalid',
  CASE_FIELD_REQUIRED: 'invalid',
  CASE_PHONE_INVALID: 'invalid',
  CASE_MATERIAL_MISSING: 'invalid',
  CASE_MATERIAL_UNKNOWN: 'invalid',
  CASE_MATERIAL_INVALID: 'invalid',
  CASE_LICENCE_NOT_ACCEPTED: 'invalid',
  CASE_NO_INVALID: { kind: 'invalid', notAnswered: 'case numbers are drawn by the store, never taken from a request' },
  CASE_DEEMED_DAYS_INVALID: { kind: 'invalid', notAnswered: 'configuration, checked when the function starts (functions/cases/config.ts)' },
  // The department's answer, supplements and 容缺.
  CASE_ANSWER_PERIOD_OVER: 'conflict',
  CASE_MATERIAL_NOT_TOLERABLE: 'invalid',
  CASE_PENDING_MATERIAL_DUPLICATE: 'invalid',
  CASE_PENDING_MATERIALS_REQUIRED: 'invalid',
  CASE_PENDING_DUE_INVALID: 'invalid',
  CASE_PROBLEMS_REQUIRED: 'invalid',
  CASE_PROBLEM_NOT_IN_SUPPLEMENT: 'invalid',
  CASE_SUPPLEMENT_EMPTY: 'invalid',
  CASE_NOTHING_PENDING: 'conflict',
  CASE_DELIVERY_EMPTY: 'invalid',
  CASE_MATERIAL_NOT_PENDING: 'invalid',
  CASE_PRE_REVIEW_NOT_OFFERED: 'conflict',
  CASE_PRE_REVIEW_GIVEN: 'conflict',
  CASE_PRE_REVIEW_INVALID: 'invalid',
  CASE_REASON_REQUIRED: 'invalid',
  CASE_REASONS_REQUIRED: 'invalid',
  // The clock: pauses, extensions.
  CASE_CLOCK_PAUSED: 'conflict',
  CASE_CLOCK_RUNNING: 'conflict',
  // A follow-up given up (case-results.ts): recorded once; the platform role's retry-follow-up takes it up again.
  CASE_FOLLOW_UP_FAILED: { kind: 'conflict', notAnswered: "the system's follow-up-failed action, applied once by the sealing and archive functions: no route applies it" },
  CASE_NO_FOLLOW_UP_FAILURE: 'conflict',
  // The bounds of a case's repeating parts (case-limits.ts).
  CASE_PAUSES_EXHAUSTED: 'conflict',
  CASE_SUPPLEMENT_ROUNDS_EXHAUSTED: 'conflict',
  CASE_DATE_OUT_OF_ORDER: 'conflict',
  CASE_PROCEDURE_UNKNOWN: 'invalid',
  CASE_PROCEDURE_DAYS_INVALID: 'invalid',
  CASE_ALREADY_EXTENDED: 'conflict',
  CASE_EXTENSION_DAYS_INVALID: 'invalid',
  CASE_EXTENSION_APPROVER_REQUIRED: 'invalid',
  CASE_EXTENSION_TOO_LATE: 'conflict',
  CLOCK_PAUSE_OVERLAP: { kind: 'invalid', notAnswered: CLOCK_GUARD },
  CLOCK_PAUSE_ORDER: { kind: 'invalid', notAnswered: CLOCK_GUARD },
  CLOCK_PAUSE_OPEN: { kind: 'invalid', notAnswered: CLOCK_GUARD },
  // The decision, and joint handling.
  CASE_OUTCOME_INVALID: 'invalid',
  CASE_LICENCE_TERMS_INVALID: 'invalid',
  CASE_PENDING_MATERIALS_OUTSTANDING: 'conflict',
  CASE_JOINT_OPINIONS_MISSING: 'conflict',
  CASE_NOT_DISPATCHED: 'conflict',
  CASE_OPINION_EXISTS: 'conflict',
  CASE_OPINION_INVALID: 'invalid',
  // Archive findings the platform accepts.
  CASE_ARCHIVED: 'conflict',
  // An ended case archived before its notices are sealed (case-results.ts, case-archiving.ts): the archive function's, which the sealing precedes.
  CASE_NOTICES_NOT_SEALED: {
    kind: 'conflict',
    notAnswered: "the archive function's and the system's archive action: an ended case is archived once its notices are sealed (case-follow-ups.ts)",
  },
  CASE_ARCHIVE_NOTHING_TO_ACCEPT: 'conflict',
  // Corrections of the case record (更正, 000 §30: case-corrections.ts).
  CASE_CORRECTION_FIELD_UNKNOWN: 'invalid',
  CASE_CORRECTION_FIELD_DUPLICATE: 'invalid',
  CASE_CORRECTION_VALUE_INVALID: 'invalid',
  CASE_CORRECTION_UNCHANGED: 'invalid',
  CASE_CORRECTION_TICKET_INVALID: {
    kind: 'invalid',
    notAnswered: "the correct route's schema refuses a ticket id that is not 32 hex digits first (VALIDATION_FAILED); the step checks it again for callers of the domain",
  },
  CASE_CORRECTIONS_EXHAUSTED: 'conflict',
  // The sweep's actions.
  CASE_SYSTEM_FORBIDDEN: { kind: 'forbidden', notAnswered: SWEEP },
  CASE_NOT_YET_DEEMED: { kind: 'conflict', notAnswered: SWEEP },
  CASE_NOT_LATE: { kind: 'conflict', notAnswered: SWEEP },
  CASE_DEADLINES_UNCHANGED: { kind: 'conflict', notAnswered: SWEEP },
  CASE_NO_FINDINGS: { kind: 'conflict', notAnswered: SWEEP },
  // Joint handling's system actions.
  CASE_NOT_DISPATCHABLE: { kind: 'conflict', notAnswered: JOINT },
  CASE_TASK_NOT_LATE: { kind: 'conflict', notAnswered: JOINT },
  CASE_TASK_NOT_MISSING: { kind: 'conflict', notAnswered: JOINT },
  // Sealing, the function no route reaches (archiving's: archive.ts).
  CASE_NOT_DECIDED: { kind: 'conflict', notAnswered: SEALING },
  CASE_SEALED: { kind: 'conflict', notAnswered: SEALING },
  SEAL_KEY_MISSING: { kind: 'conflict', notAnswered: SEALING },
  // The sealing function's seal-notices entry for a notice not (or no longer) due (case-notices.ts).
  CASE_NOTICE_NOT_DUE: { kind: 'conflict', notAnswered: SEALING },
} as const satisfies ErrorRegistry;
