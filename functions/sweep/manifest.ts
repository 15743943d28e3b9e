// The case sweep: what the clock makes due (deemed acceptance, overdue and violation marks, findings,
// dates computed again for a new calendar) and what an interrupted step left undone (joint starts,
// sealing, archiving). Run by an EventBridge schedule, one run at a time. (The anchor journal of the
// case heads that changed: functions/anchoring.)
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

/** The calendar alarm fires this many days before the loaded holiday data ends. */
export const CALENDAR_WARNING_DAYS = 60;

export const sweep = {
  name: 'sweep',
  description: 'case sweep (deemed acceptance, overdue and violation marks)',
  trigger: { kind: 'schedule' },
  tables: {
    // Walks each department's queue (the departmentQueue index), reads each candidate and records the
    // system's action on it.
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: [CASES_TABLE.indexes.departmentQueue.name] },
    // Lists the departments.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  calendar: ['dynamodb:Query'],
  // Starts the execution of an accepted joint case that has none (a deemed acceptance, a start that failed).
  joint: ['states:StartExecution'],
  // Seals a decided case whose sealing failed; archives an ended case not archived yet.
  invokes: ['sealing', 'archive'],
  // At most 5 minutes, and never longer than the interval: a run never outlasts its slot. Retried
  // twice (EventBridge delivering, Lambda a run that threw), then kept in the dead-letter queue.
  limits: { timeoutSeconds: 300, reservedConcurrency: 1, retryAttempts: 2 },
  alarms: {
    errors: { id: 'SweepErrorsAlarm', watch: 'errors', description: 'a case sweep run failed (the function threw or timed out)' },
    failures: {
      id: 'SweepFailuresAlarm',
      watch: { metric: 'SweepFailures', statistic: 'Maximum' },
      description: 'the case sweep could not move some case (see its log: "case sweep could not move a case")',
    },
    deadLetters: {
      id: 'SweepDeadLettersAlarm',
      watch: 'dead-letters',
      description: 'a case sweep event is in the dead-letter queue (the run failed after its retries, or could not be delivered)',
    },
    // Each run publishes the days left until the loaded holiday data ends (0: today's year is not loaded).
    calendarEnding: {
      id: 'CalendarEndingAlarm',
      watch: { metric: 'CalendarDaysLeft', statistic: 'Minimum', below: CALENDAR_WARNING_DAYS },
      description: `the official holiday data loaded ends within ${CALENDAR_WARNING_DAYS} days: load the next year's arrangement (PUT /v1/calendar/{year}, tongban calendar load); until then dates beyond it are provisional`,
    },
  },
  load: async () => (await import('./handler.ts')).sweepHandler,
} as const satisfies EventFunctionManifest<'sweep'>;
