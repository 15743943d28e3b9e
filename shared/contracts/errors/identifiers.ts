// The refusals of the identifiers' checks (shared/domain/identifiers): check characters, the
// implementation code's department, the e-licence identifier.
import type { ErrorRegistry } from './registry.ts';

export const IDENTIFIER_ERRORS = {
  INVALID_CREDIT_CODE: 'invalid',
  INVALID_RESIDENT_ID: 'invalid',
  INVALID_IMPLEMENTATION_CODE: 'invalid',
  IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH: 'invalid',
  INVALID_LICENCE_ID: 'invalid',
} as const satisfies ErrorRegistry;
