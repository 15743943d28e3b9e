// The refusals of consultations, complaints and correction requests (shared/domain/tickets/ and the
// ticket store's conditional writes). A filing's Idempotency-Key used for another request is refused
// with the cases' IDEMPOTENCY_KEY_REUSED, as a case filing's is.
import type { ErrorRegistry } from './registry.ts';

export const TICKET_ERRORS = {
  TICKET_NOT_FOUND: 'not-found',
  /** A channel reading a ticket it did not file, a department one not addressed to it, anyone acting out of their part. */
  TICKET_FORBIDDEN: 'forbidden',
  /** The action does not follow the ticket's state (ticket-lifecycle.ts). */
  TICKET_STATE_CONFLICT: 'conflict',
  /** Someone acted on the ticket first: read it again. */
  TICKET_VERSION_CONFLICT: 'conflict',
  /** Passed on MAX_TICKET_ROUTINGS times: it must be answered now. */
  TICKET_ROUTINGS_EXHAUSTED: 'conflict',
  /** A consultation passed on by a department (the platform role reassigns it), or a ticket passed to the department that holds it. */
  TICKET_TRANSFER_NOT_ALLOWED: 'conflict',
  /** The platform's and the auditors' list names what to list by (department or state). */
  TICKET_FILTER_REQUIRED: 'invalid',
  /** The item named is not in the catalogue (never published). */
  TICKET_ITEM_UNKNOWN: 'invalid',
  /** The case named does not exist or was not filed by the calling channel (answered alike: nobody learns of another's case). */
  TICKET_CASE_UNKNOWN: 'invalid',
  TICKET_DEPARTMENT_UNKNOWN: 'invalid',
  /** The licence named does not exist or is not the person's own (answered alike). */
  TICKET_LICENCE_UNKNOWN: 'invalid',
  /** A correction without its `correction`, another kind with one, or a correction missing what its target needs. */
  TICKET_CORRECTION_INVALID: 'invalid',
  /** An answer's outcome, reasons or corrections that do not fit the ticket's kind or each other. */
  TICKET_OUTCOME_INVALID: 'invalid',
  /** A licence version named in an answer that is not there, or was not amended for this ticket. */
  TICKET_CORRECTION_UNVERIFIED: 'invalid',
  TICKET_TOO_LARGE: {
    kind: 'too-large',
    notAnswered: 'a guard: a ticket holds bounded text and at most MAX_TICKET_ROUTINGS routings, far under the item limit',
  },
} as const satisfies ErrorRegistry;
