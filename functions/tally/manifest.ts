// The tally function: keeps the statistics from the case events the bus puts on its queue (each
// event's fact, once), and every minute (a tick on the same queue) rolls the changed days up.
import { FEEDBACK_TABLE, ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const tally = {
  name: 'tally',
  description: 'keeps the statistics from the case events',
  // Every case event (the bus's rule) and a tick every minute (a schedule) for the roll-up.
  trigger: { kind: 'queue', feed: 'case-events', tickMinutes: 1, maxReceives: 5 },
  tables: {
    // shared/adapters/dynamo-statistics-store.ts: facts (conditional PutItem), the changed marks (PutItem,
    // Query, DeleteItem conditioned on their token), the summaries (PutItem, DeleteItem of the parts a
    // shorter summary leaves), the sealed documents (GetItem, conditional PutItem); facts by bucket (Query).
    statistics: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] },
    // The case as read after its event (DynamoCaseStore.read: the head, and the entries after it).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // The channel's kind (online or at a window); the archive seal key.
    directory: { actions: ['dynamodb:GetItem'] },
    // Items listed per department, for the month's document (the catalogueByDepartment index, counted).
    items: { actions: [], indexes: [ITEMS_TABLE.indexes.catalogueByDepartment.name] },
    // 好差评 per department and day rated, for the month's document (the byDepartment index, the counted attributes alone).
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
          "The tally writes each month's sealed statistics document once, under statistics/<yyyy-mm>.json with its seal beside it (statistics/<yyyy-mm>.seal.json), after the month has ended; the months to come are not known when the policy is made, so the statistics/ prefix is the only stable part of the keys. The grant is s3:PutObject (with If-None-Match: written once), s3:PutObjectRetention (each object's COMPLIANCE retention) and s3:GetObject (a document a run before wrote): no delete, on the archive bucket alone, whose own policy denies every delete.",
      },
    },
    key: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Seals each month's document with the archive seal key (its algorithm only); the key's policy names the tally's role.
  archiveSealKey: ['kms:Sign'],
  // Working days from acceptance to a decision.
  calendar: ['dynamodb:Query'],
  limits: { timeoutSeconds: 120 },
  alarms: {
    publication: {
      id: 'StatisticsPublicationFailedAlarm',
      watch: { metric: 'PublicationFailures', statistic: 'Maximum' },
      description: 'the month\'s sealed statistics document could not be made (see the tally\'s log: "could not be published"); every tick tries again',
    },
    errors: { id: 'TallyErrorsAlarm', watch: 'errors', description: 'a tally run failed (the function threw or timed out)' },
    deadLetters: {
      id: 'TallyDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'the fact of a case event could not be kept after 5 receives: it is in the tally dead-letter queue (the event is also in its history entry and the bus archive: replay it; the statistics check shows what is missing)',
    },
  },
  load: async () => (await import('./handler.ts')).tallyHandler,
} as const satisfies EventFunctionManifest<'tally'>;
