// The archive function: packs an ended case into its bundle (materials, history, sealed results, the
// public keys that verify them), seals the bundle's tag manifest with the archive seal key and writes
// it once under `bundles/` with its own Object Lock retention. Invoked asynchronously by the cases
// function (a case that ends) and the sweep (an ended case not archived yet).
import type { EventFunctionManifest } from '../manifest.ts';

export const archive = {
  name: 'archive',
  description: 'archives an ended case (its sealed BagIt bundle, under Object Lock) into the archive bucket; invoked asynchronously by the cases function and the sweep alone',
  trigger: { kind: 'invoked', invokers: ['cases', 'sweep'], variable: 'ARCHIVE_FUNCTION_NAME', invocation: 'Event' },
  tables: {
    // One ended case: its head (GetItem), entries (Query on its partition) and licence (GetItem);
    // records its archiving (the `archive` or `archive-failed` entry and the head). No index.
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    // The item version it was filed under (its retention period).
    items: { actions: ['dynamodb:GetItem'] },
    // The directory's archive key.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  calendar: ['dynamodb:Query'],
  // shared/adapters/s3-case-files.ts lists what an ended case keeps under `cases/<caseNo>/`
  // (ListObjectsV2 with that prefix), heads each object it listed whose type the case does not record
  // (a version a supplement replaced) and reads it; once the bundle is
  // written and checked it deletes them (DeleteObjects: a delete marker over each current version —
  // s3:DeleteObject, not s3:DeleteObjectVersion: no version is destroyed; the bucket's lifecycle rules
  // expire the hidden ones days later). Nothing else, nothing under `uploads/`. It heads only objects it
  // has just listed, so it needs no 404: its listing is conditioned on the area's prefix.
  materials: {
    areas: {
      cases: {
        actions: ['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'],
        wildcardReason:
          "The archive function packs into an ended case's bundle every object the case keeps under cases/<case number>/ (materials, superseded versions, opinion attachments) and, once the bundle is written and read back checked, deletes those working copies (the bundle is the record); the case is only known when it ends, so the cases/ prefix is the only stable part of the key. The grant is s3:GetObject and s3:DeleteObject (a delete marker in this versioned bucket: no s3:DeleteObjectVersion, so no version is destroyed; the lifecycle rules expire hidden versions after days), on this bucket only, and its listing of the bucket is conditioned on the same prefix (s3:prefix cases/*): no put, nothing under uploads/.",
      },
    },
  },
  // The e-archive (shared/adapters/s3-archive-store.ts):
  // - the bucket: s3:ListBucket, unconditioned, so that the HeadObject of a bundle not written yet is
  //   a 404 (the store tells "not archived yet" only from it);
  // - the bundles under `bundles/`: s3:PutObject (a single PutObject, or CreateMultipartUpload,
  //   UploadPart and CompleteMultipartUpload, all with If-None-Match on the final request: written
  //   once), s3:PutObjectRetention and s3:PutObjectLegalHold (the bundle's own COMPLIANCE retention and
  //   legal hold, given with the write), s3:GetObject (HeadObject: is it there; reading it back for its
  //   check), s3:AbortMultipartUpload (discarding the parts of a failed upload: no object is deleted,
  //   an unfinished upload is none). Not s3:ListMultipartUploadParts: the store never lists parts;
  // - the archive key, through S3 only (kms:ViaService): kms:GenerateDataKey (writing) and kms:Decrypt
  //   (completing a multipart upload, reading back).
  // No delete of any kind, no version or ACL action, no lifecycle; the bucket's policy denies deletes
  // to everyone anyway.
  archive: {
    bucket: ['s3:ListBucket'],
    areas: {
      bundles: {
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:GetObject', 's3:AbortMultipartUpload'],
        wildcardReason:
          "The archive function writes each ended case's bundle once, under bundles/<department>/<item>/<day the case ended>/<case number>.tar, when the case ends, so no key is known beforehand and the bundles/ prefix is the only stable part of it. The grant is s3:PutObject (single or multipart upload, with If-None-Match: written once), s3:PutObjectRetention and s3:PutObjectLegalHold (the bundle's own COMPLIANCE retention and legal hold), s3:GetObject (is it there, reading it back for its check) and s3:AbortMultipartUpload (a failed upload leaves nothing): no delete, on the archive bucket alone, whose own policy denies every delete and whose bundles are held under Object Lock (COMPLIANCE).",
      },
    },
    key: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Signs each bundle's tag manifest with the archive seal key, with the key's own algorithm only. It
  // puts into each bundle the public keys that verify it — every seal key's and the archive seal key's,
  // as the JWKS publishes them — read from KMS as the seals function reads them
  // (shared/adapters/kms-published-keys.ts): kms:GetPublicKey, which the keys' policies allow these two
  // functions alone. Not over the public JWKS route: a bundle does not depend on the API, its WAF and
  // its throttling being reachable from inside the platform, and a public key is no secret.
  sealKeys: ['kms:GetPublicKey'],
  archiveSealKey: ['kms:Sign', 'kms:GetPublicKey'],
  // Up to Lambda's longest run (a bundle streams every material of a case up in 8 MiB parts, then is
  // read back and checked), with memory for one part at a time, the tar stream and the hashes (and the
  // CPU share that comes with it). Lambda retries a failed run twice and keeps an event 6 hours, then
  // it goes to the dead-letter queue; the sweep also starts any ended case not archived yet. At most
  // ten run at a time, and ten are always available: a burst of ended cases
  // (a year's end, the sweep catching up) neither takes the account's concurrency from the API nor
  // floods S3 and KMS; Lambda keeps a throttled event and retries it (within maxEventAgeHours). Ten
  // runs of about half a minute archive some 28,000 cases a day, ten times the average day of a
  // million cases a year.
  limits: { timeoutSeconds: 900, memoryMb: 1024, reservedConcurrency: 10, retryAttempts: 2, maxEventAgeHours: 6 },
  alarms: {
    errors: {
      id: 'ArchiveErrorsAlarm',
      watch: 'errors',
      description: 'an archive run failed (the function threw or timed out); Lambda retries it twice, then keeps the event in the dead-letter queue',
    },
    // Published by the handler: a bundle that failed its four-property check, recorded on the case as `archive-failed`.
    failed: {
      id: 'ArchiveFailedAlarm',
      watch: { metric: 'ArchiveFailed', statistic: 'Maximum' },
      description:
        'a case bundle failed its four-property check and was not archived (the case records archive-failed; see the archive function\'s log: "case bundle failed its four-property check")',
    },
    deadLetters: {
      id: 'ArchiveDeadLettersAlarm',
      watch: 'dead-letters',
      description: 'an archive event is in the dead-letter queue (the run failed after its retries, or the event expired): the case is not archived',
    },
  },
  load: async () => (await import('./handler.ts')).archiveHandler,
} as const satisfies EventFunctionManifest<'archive'>;
