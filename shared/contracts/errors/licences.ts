// The refusals of the e-licences (shared/domain/licences): reading, amending and revoking one, and one named
// in an application instead of a material (免提交: the applicant's own, of the type, valid).
import type { ErrorRegistry } from './registry.ts';

export const LICENCE_ERRORS = {
  LICENCE_NOT_FOUND: 'not-found',
  LICENCE_DEPARTMENT_FORBIDDEN: 'forbidden',
  LICENCE_REVOKED: 'conflict',
  LICENCE_REASON_REQUIRED: 'invalid',
  LICENCE_HOLDER_INVALID: 'invalid',
  // Amendments (000 §30): a version not there, nothing to change, a change out of bounds, another
  // amendment first, the most versions reached, a version recorded and waiting for its seal.
  LICENCE_VERSION_NOT_FOUND: 'not-found',
  LICENCE_AMENDMENT_EMPTY: 'invalid',
  LICENCE_AMENDMENT_INVALID: 'invalid',
  LICENCE_VERSION_CONFLICT: 'conflict',
  LICENCE_VERSIONS_EXHAUSTED: 'conflict',
  LICENCE_SEALING_PENDING: 'unavailable',
  LICENCE_VALIDITY_INVALID: { kind: 'invalid', notAnswered: "issueLicence's guard: the decision's licence terms are checked first (CASE_LICENCE_TERMS_INVALID)" },
  CASE_LICENCE_UNKNOWN: 'invalid',
  CASE_LICENCE_TYPE_MISMATCH: 'invalid',
  CASE_LICENCE_REVOKED: 'conflict',
  CASE_LICENCE_EXPIRED: 'conflict',
} as const satisfies ErrorRegistry;
