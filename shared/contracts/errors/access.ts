// The refusals of the caller's identity and role (shared/domain/access).
import type { ErrorRegistry } from './registry.ts';

export const ACCESS_ERRORS = {
  PRINCIPAL_UNKNOWN: 'forbidden',
  ROLE_FORBIDDEN: 'forbidden',
} as const satisfies ErrorRegistry;
