// The refusals of the e-licences (shared/domain/licences): reading and revoking one, and one named
// in an application instead of a material (免提交: the applicant's own, of the type, valid).
import type { ErrorRegistry } from './registry.ts';

export const LICENCE_ERRORS = {
  LICENCE_NOT_FOUND: 'not-found',
  LICENCE_DEPARTMENT_FORBIDDEN: 'forbidden',
  LICENCE_REVOKED: 'conflict',
  LICENCE_REASON_REQUIRED: 'invalid',
  LICENCE_HOLDER_INVALID: 'invalid',
  LICENCE_VALIDITY_INVALID: { kind: 'invalid', notAnswered: "issueLicence's guard: the decision's licence terms are checked first (CASE_LICENCE_TERMS_INVALID)" },
  CASE_LICENCE_UNKNOWN: 'invalid',
  CASE_LICENCE_TYPE_MISMATCH: 'invalid',
  CASE_LICENCE_REVOKED: 'conflict',
  CASE_LICENCE_EXPIRED: 'conflict',
} as const satisfies ErrorRegistry;
