// What an auditor may read of the e-archive: the grant the CDK app gives every auditor principal's
// role (infra/constructs/principal-roles.ts, policy tongban-<stage>-archive-read) and the embedded
// platform gives the auditor's key pair on its S3 endpoint (infra/local/local-s3.ts). Plain data, so
// the embedded platform reads it without loading the CDK.

/** Where the archive bucket keeps the bundles (`bundles/…`): the prefix the auditors may read. */
export const ARCHIVE_BUNDLES_PREFIX = 'bundles/';
/** Where it keeps the anchor journals of the case heads and the cases' proofs (`anchors/…`): the other prefix the auditors may read. */
export { ANCHORS_PREFIX as ARCHIVE_ANCHORS_PREFIX } from '../shared/domain/anchors/anchor-journal.ts';
/** Where it keeps the sealed monthly statistics documents (`statistics/<yyyy-mm>.json` and its seal): read by the auditors too. */
export { STATISTICS_PREFIX as ARCHIVE_STATISTICS_PREFIX } from '../shared/domain/statistics/statistics-publication.ts';

/**
 * What an auditor may do in the e-archive, and nothing more: the policy `tongban-<stage>-archive-read`
 * of the role of every `auditor` principal with a `trustedAccount`. List the bucket, its versions
 * included; read the bundles under `bundles/` and restore one the archive moved to Deep Archive
 * (s3:RestoreObject: a temporary readable copy, the bundle itself unchanged), the anchor journals and proofs under `anchors/` and the sealed statistics under `statistics/`, any
 * version of them, their retention, legal hold and attributes; decrypt them, with the archive key alone and only through S3 (kms:ViaService). No put,
 * no delete, no other bucket or key; no kms:GetPublicKey (each bundle carries the public keys that
 * verify it). Its API routes stay those of the auditor role.
 */
export const ARCHIVE_AUDITOR_ACCESS = {
  bucket: ['s3:ListBucket', 's3:ListBucketVersions'],
  bundles: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes', 's3:RestoreObject'],
  anchors: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes'],
  statistics: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold', 's3:GetObjectAttributes'],
  key: ['kms:Decrypt'],
} as const;

/** Why the auditors' grant under statistics/ ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_STATISTICS_WILDCARD_REASON =
  "Auditors check the published statistics against the sealed monthly documents: the tally function writes each month's document under statistics/<yyyy-mm>.json (its seal beside it) once the month has ended, so the statistics/ prefix is the only stable part of the keys. The grant is read only (s3:GetObject, s3:GetObjectVersion, s3:GetObjectRetention, s3:GetObjectLegalHold, s3:GetObjectAttributes): no put, no delete, on the archive bucket alone, whose own policy denies every delete and whose objects are held under Object Lock (COMPLIANCE).";
