// The refusals of the working-day calendar and of its loads (shared/domain/calendar, and the calendar
// store's conditional write).
import type { ErrorRegistry } from './registry.ts';

export const CALENDAR_ERRORS = {
  INVALID_DATE: 'invalid',
  DEADLINE_CALENDAR_MISSING: 'unavailable',
  CALENDAR_YEAR_NOT_LOADED: 'not-found',
  CALENDAR_YEAR_MISMATCH: 'invalid',
  CALENDAR_VERSION_CONFLICT: 'conflict',
  INVALID_CALENDAR_DATA: {
    kind: 'invalid',
    notAnswered:
      'calendar data checked when a calendar is built (the shipped years, the stored versions); a load that breaks the format or its rules is refused at the edge first (VALIDATION_FAILED)',
  },
  INVALID_WORKING_DAYS: { kind: 'invalid', notAnswered: 'a guard for programming errors: the platform counts whole, non-negative numbers of working days' },
  CALENDAR_YEAR_UNSUPPORTED: {
    kind: 'invalid',
    notAnswered: "the calendar asks for the law's holidays only in the years they are known for; outside them it answers DEADLINE_CALENDAR_MISSING (official-calendar.ts)",
  },
} as const satisfies ErrorRegistry;
