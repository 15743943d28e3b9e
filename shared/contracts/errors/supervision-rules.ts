// The refusals of the supervision rule catalogue's loads (shared/domain/supervision/rule-catalogue-service.ts,
// and the rule store's conditional write).
import type { ErrorRegistry } from './registry.ts';

export const SUPERVISION_RULE_ERRORS = {
  RULES_VERSION_CONFLICT: 'conflict',
} as const satisfies ErrorRegistry;
