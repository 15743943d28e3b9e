// The publication of the month's sealed statistics document (001 §28): hourly, the month before is
// published once it is due (from the second day of the month, its days rolled up by the tally); every
// other run reads one item and finds nothing to do.
//
// Hourly, not at the sweep's interval: the document is due once a month and waits for the tally's
// roll-up of the month's last days anyway, so an hour more is nothing to its readers, while a failed
// run (the archive or the key unavailable) is tried again within the hour, not a day later.
import { FEEDBACK_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

/** How often the publication runs (its schedule's rate). */
export const PUBLICATION_INTERVAL_MINUTES = 60;

export const publication = {
  name: 'publication',
  description: "publication of the month's sealed statistics document",
  trigger: { kind: 'schedule', everyMinutes: PUBLICATION_INTERVAL_MINUTES },
  tables: {
    // shared/adapters/dynamo-statistics-store.ts: the sealed documents (GetItem, conditional PutItem),
    // the changed marks still waiting for a roll-up and the day summaries (Query). Nothing deleted.
    statistics: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    // The departments; the archive seal key.
    directory: { actions: ['dynamodb:GetItem'] },
    // Items listed per department (the catalogueByDepartment index, counted).
    items: { actions: [], indexes: [ITEMS_TABLE.indexes.catalogueByDepartment.name] },
    // 好差评 per department and day rated (the byDepartment index, the counted attributes alone).
    feedback: { actions: [], indexes: [FEEDBACK_TABLE.indexes.byDepartment.name] },
  },
  // The month's sealed statistics document (shared/domain/statistics/statistics-publication.ts) under
  // `statistics/` of the archive bucket: s3:PutObject (once, If-None-Match) with s3:PutObjectRetention
  // (its COMPLIANCE retention, given with the write), s3:GetObject (what a run before wrote); on the
  // bucket s3:ListBucket, so that a document not there yet is S3's 404, not a refusal; the archive key
  // through S3 only. No delete.
  archive: {
    bucket: ['s3:ListBucket'],
    areas: {
      statistics: {
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
        wildcardReason:
          "The publication function writes each month's sealed statistics document once, under statistics/<yyyy-mm>.json with its seal beside it (statistics/<yyyy-mm>.seal.json), after the month has ended; the months to come are not known when the policy is made, so the statistics/ prefix is the only stable part of the keys. The grant is s3:PutObject (with If-None-Match: written once), s3:PutObjectRetention (each object's COMPLIANCE retention) and s3:GetObject (a document a run before wrote): no delete, on the archive bucket alone, whose own policy denies every delete.",
      },
    },
    key: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Seals each month's document with the archive seal key (its algorithm only); the key's policy names
  // this function's role (infra/config.ts: ARCHIVE_SEAL_SIGNERS).
  archiveSealKey: ['kms:Sign'],
  // One run at a time (a second would find the document being written and take what the archive
  // holds, but need not run); retried twice, then kept in the dead-letter queue.
  limits: { timeoutSeconds: 120, reservedConcurrency: 1, retryAttempts: 2 },
  // Its errors and dead letters: the platform's standard alarms (infra/constructs/case-functions.ts).
  alarms: {
    failures: {
      id: 'StatisticsPublicationFailedAlarm',
      watch: { metric: 'PublicationFailures', statistic: 'Maximum' },
      description: 'the month\'s sealed statistics document could not be made (see the publication function\'s log: "could not be published"); every run (hourly) tries again',
    },
  },
  load: async () => (await import('./handler.ts')).publicationHandler,
} as const satisfies EventFunctionManifest<'publication'>;
