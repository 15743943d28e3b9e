// The refusals of the service-item catalogue (shared/domain/items): its lifecycle, the guide's rules,
// the suspensions and the lists.
import type { ErrorRegistry } from './registry.ts';

export const ITEM_ERRORS = {
  ITEM_NOT_FOUND: 'not-found',
  ITEM_NOT_PUBLISHED: 'not-found',
  ITEM_DEPARTMENT_FORBIDDEN: 'forbidden',
  ITEM_EXISTS: 'conflict',
  ITEM_VERSION_CONFLICT: 'conflict',
  ITEM_ILLEGAL_TRANSITION: 'conflict',
  ITEM_TERMINATED: 'conflict',
  ITEM_VERSION_PUBLISHED: 'conflict',
  ITEM_CODE_MISMATCH: 'invalid',
  ITEM_DEPARTMENT_CHANGE: 'invalid',
  REVIEW_REASONS_REQUIRED: 'invalid',
  LIST_FILTER_UNSUPPORTED: 'invalid',
  SUSPENSION_NOTICE_TOO_SHORT: 'invalid',
  SUSPENSION_NOTICE_REQUIRED: 'invalid',
  SUSPENSION_DATE_REQUIRED: 'invalid',
  SUSPENSION_EMERGENCY_DATE: 'invalid',
  // The service guide's rules (guide-rules.ts).
  ITEM_PROMISED_EXCEEDS_STATUTORY: 'invalid',
  ITEM_MATERIAL_TOLERABLE_NOT_REQUIRED: 'invalid',
  ITEM_MATERIAL_DUPLICATE: 'invalid',
  ITEM_FEE_BASIS_MISSING: 'invalid',
  ITEM_FEE_ITEMS_UNCHARGED: 'invalid',
  ITEM_UNKNOWN_CO_DEPARTMENT: 'invalid',
  ITEM_CO_DEPARTMENT_IS_LEAD: 'invalid',
  ITEM_CO_DEPARTMENT_DUPLICATE: 'invalid',
  ITEM_CO_DEPARTMENT_LIMIT_EXCEEDS_PROMISED: 'invalid',
} as const satisfies ErrorRegistry;
