// Key layout of the materials bucket: shared by the CDK data stack (its lifecycle rules) and the
// material adapter (the keys it writes), so a renamed prefix cannot break one side silently.
//
// A channel uploads a material with a presigned PUT under `uploads/<channelId>/<uuid>`, a department an
// opinion's attachment under `uploads/<its credit code>/<uuid>`. When a case is filed (supplemented,
// given an opinion), the platform copies the objects it references under `cases/<caseNo>/…`
// (server-side copy), so an object still under `uploads/` after a few days is one no case took up:
// the lifecycle rules expire it. Nothing under `cases/` ever expires.
import { CASES_PREFIX, UPLOADS_PREFIX } from '../domain/materials/material-vault.ts';

export const MATERIALS_BUCKET = {
  /** Where presigned uploads land: `uploads/<channelId or department credit code>/<uuid>`. */
  uploadsPrefix: UPLOADS_PREFIX,
  /** Where a filed case keeps the materials it references: `cases/<caseNo>/…`. */
  casesPrefix: CASES_PREFIX,
  /**
   * Days after which an upload no case has taken up (still under `uploads/`) expires. An applicant
   * has this long between uploading a material and filing the case that references it.
   */
  unreferencedUploadExpiryDays: 3,
  /** Days S3 keeps a noncurrent (overwritten or expired) version under `uploads/`. */
  unreferencedNoncurrentVersionExpiryDays: 1,
  /** Days after which S3 aborts an incomplete multipart upload, anywhere in the bucket. */
  incompleteMultipartUploadAbortDays: 1,
} as const;
