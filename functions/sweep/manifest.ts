// The case sweep: what the clock makes due (deemed acceptance, overdue and violation marks, findings,
// dates computed again for a new calendar) and what an interrupted step left undone (joint starts,
// sealing, archiving); then the anchor journal of the case heads that changed. Run by an EventBridge
// schedule, one run at a time (one journal writer at a time).
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
    // system's action on it; reads the heads that changed (the anchorQueue index) and reads and writes
    // the hint of the newest anchor journal (GetItem, PutItem of SWEEP/ANCHOR).
    cases: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      indexes: [CASES_TABLE.indexes.departmentQueue.name, CASES_TABLE.indexes.anchorQueue.name],
    },
    // Lists the departments.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  calendar: ['dynamodb:Query'],
  // Starts the execution of an accepted joint case that has none (a deemed acceptance, a start that failed).
  joint: ['states:StartExecution'],
  // Seals a decided case whose sealing failed; archives an ended case not archived yet.
  invokes: ['sealing', 'archive'],
  // The anchor journals (shared/adapters/s3-anchor-archive.ts) under `anchors/` of the archive bucket:
  // - the bucket: s3:ListBucket, unconditioned: it lists anchors/journals/ for the newest journal and
  //   reads the hinted one, which may not be there (a 404, not a refusal);
  // - under `anchors/`: s3:PutObject (each object once, If-None-Match) with s3:PutObjectRetention (its
  //   COMPLIANCE retention, given with the write), s3:GetObject (the newest journal, the parts of one a
  //   stopped run left unsealed). No delete, no legal hold, no multipart upload (objects under 1 MB);
  // - the archive key, through S3 only: kms:GenerateDataKey (writing), kms:Decrypt (reading).
  archive: {
    bucket: ['s3:ListBucket'],
    areas: {
      anchors: {
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
        wildcardReason:
          "The sweep writes each anchor journal once, under anchors/journals/<day>/<window end>.json with its parts and seal beside it, and each anchored case's proof under anchors/cases/<case number>/<window end>.txt; keys are known only as heads change, so the anchors/ prefix is the only stable part of them. The grant is s3:PutObject (with If-None-Match: written once), s3:PutObjectRetention (each object's COMPLIANCE retention) and s3:GetObject (the newest journal and its parts): no delete, on the archive bucket alone, whose own policy denies every delete.",
      },
    },
    key: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Seals each anchor journal with the archive seal key (its algorithm only); the key's policy names the
  // sweep's role beside the archive function's.
  archiveSealKey: ['kms:Sign'],
  // At most 5 minutes, and never longer than the interval: a run never outlasts its slot. Retried
  // twice (EventBridge delivering, Lambda a run that threw), then kept in the dead-letter queue.
  limits: { timeoutSeconds: 300, reservedConcurrency: 1, retryAttempts: 2 },
  alarms: {
    errors: { id: 'SweepErrorsAlarm', watch: 'errors', description: 'a case sweep run failed (the function threw or timed out)' },
    anchoring: {
      id: 'AnchoringFailedAlarm',
      watch: { metric: 'AnchoringFailures', statistic: 'Maximum' },
      description:
        'the sweep could not write the anchor journal of the case heads that changed (see its log: "anchoring the case heads failed"); the next run takes up where the last journal ends',
    },
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
