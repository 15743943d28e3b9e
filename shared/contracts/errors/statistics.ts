// The refusals of the statistics (shared/domain/statistics): a period, a department or a month asked
// for that the figures do not have.
import type { ErrorRegistry } from './registry.ts';

export const STATISTICS_ERRORS = {
  /** Not a year (2026), a month (2026-11) or a day (2026-11-05), or a period the route does not take. */
  STATISTICS_PERIOD_INVALID: 'invalid',
  /** A department not in the directory, or (for a department) another department's figures. */
  STATISTICS_DEPARTMENT_FORBIDDEN: 'forbidden',
  /** The month's sealed document is not made yet (the month has not ended, or its figures are not current yet). */
  STATISTICS_DOCUMENT_NOT_FOUND: 'not-found',
  /** The check's cursor is not one the check gave for this period and department. */
  STATISTICS_CURSOR_INVALID: 'invalid',
} as const satisfies ErrorRegistry;
