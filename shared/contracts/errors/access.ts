// The refusals of the caller's identity and role (shared/domain/access).
import type { ErrorRegistry } from './registry.ts';

export const ACCESS_ERRORS = {
  PRINCIPAL_UNKNOWN: 'forbidden',
  ROLE_FORBIDDEN: 'forbidden',
  /** A principal whose requests must name the officer acting (a department, a reviewer, an auditor) called without one. */
  OFFICER_REQUIRED: 'forbidden',
} as const satisfies ErrorRegistry;
