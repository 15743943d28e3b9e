// The anchoring of the case heads: the anchor journal of the heads that changed, sealed with the
// archive seal key and written once to the archive bucket. Run by an EventBridge schedule at the
// sweep's interval, one run at a time (one journal writer at a time).
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const anchoring = {
  name: 'anchoring',
  description: 'anchoring of the case heads that changed (anchor journals)',
  // Every sweepIntervalMinutes, as the sweep.
  trigger: { kind: 'schedule' },
  tables: {
    // Reads the heads that changed (the anchorQueue index) and reads and writes the hint of the newest
    // anchor journal (GetItem, PutItem of SWEEP/ANCHOR: shared/adapters/dynamo-anchor-queue.ts).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], indexes: [CASES_TABLE.indexes.anchorQueue.name] },
    // The archive seal key's id and algorithm.
    directory: { actions: ['dynamodb:GetItem'] },
  },
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
          "The anchoring function writes each anchor journal once, under anchors/journals/<day>/<window end>.json with its parts and seal beside it, and each anchored case's proof under anchors/cases/<case number>/<window end>.txt; keys are known only as heads change, so the anchors/ prefix is the only stable part of them. The grant is s3:PutObject (with If-None-Match: written once), s3:PutObjectRetention (each object's COMPLIANCE retention) and s3:GetObject (the newest journal and its parts): no delete, on the archive bucket alone, whose own policy denies every delete.",
      },
    },
    key: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Seals each anchor journal with the archive seal key (its algorithm only); the key's policy names
  // this function's role beside the archive function's (infra/config.ts: ARCHIVE_SEAL_SIGNERS).
  archiveSealKey: ['kms:Sign'],
  // At most 5 minutes, and never longer than the interval: a run never outlasts its slot. One run at a
  // time: one journal writer. Retried twice (EventBridge delivering, Lambda a run that threw), then
  // kept in the dead-letter queue.
  limits: { timeoutSeconds: 300, reservedConcurrency: 1, retryAttempts: 2 },
  // Its errors and dead letters: the platform's standard alarms (infra/constructs/case-functions.ts).
  alarms: {
    failures: {
      id: 'AnchoringFailedAlarm',
      watch: { metric: 'AnchoringFailures', statistic: 'Maximum' },
      description:
        'the anchor journal of the case heads that changed could not be written (see the anchoring function\'s log: "anchoring the case heads failed"); the next run takes up where the last journal ends',
    },
  },
  load: async () => (await import('./handler.ts')).anchoringHandler,
} as const satisfies EventFunctionManifest<'anchoring'>;
