// Key layout of the materials bucket: shared by the CDK data stack (its lifecycle rules) and the
// material adapter (the keys it writes), so a renamed prefix cannot break one side silently.
//
// A channel uploads a material with a presigned PUT under `uploads/<channelId>/<uuid>`, a department an
// opinion's attachment under `uploads/<its credit code>/<uuid>`. When a case is filed (supplemented,
// given an opinion), the platform copies the objects it references under `cases/<caseNo>/…`
// (server-side copy), so an object still under `uploads/` after a few days is one no case took up:
// the lifecycle rules expire it. What a case keeps under `cases/<caseNo>/` is its working copy: once
// the case's bundle is written, read back and checked (the archive function), the bundle is the
// record, and the archive function deletes the case's objects (DeleteObjects: a delete marker over
// each, free of charge); the lifecycle rules remove the versions so hidden after
// archivedCaseFileVersionDays (a mistaken delete can be undone until then) and the markers left
// alone. Nothing else deletes under `cases/`. A browser (the console) PUTs
// uploads and GETs a case's files through presigned URLs: the CORS the bucket needs for it is here too.
import { CASES_PREFIX, UPLOADS_PREFIX } from '../domain/materials/material-vault.ts';
import { SIGV4_REQUEST_HEADERS } from '../contracts/cors.ts';

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
  /**
   * Days S3 keeps a version under `cases/` once it is noncurrent — the archive function deleted it
   * after the case's bundle was written and checked (nothing else deletes there): the bundle is the
   * record, and this long the working copy can still be restored (a delete marker removed) if ever a
   * case was archived by mistake.
   */
  archivedCaseFileVersionDays: 7,
  /** Days after which S3 aborts an incomplete multipart upload, anywhere in the bucket. */
  incompleteMultipartUploadAbortDays: 1,
} as const;

/**
 * The headers an upload slot's presigned PUT signs (s3-material-store.ts): the uploader sends exactly
 * these, and S3 refuses another size, type or content.
 */
export const UPLOAD_SIGNED_HEADERS = ['content-type', 'content-length', 'x-amz-checksum-sha256'] as const;

/**
 * What a browser on the console's origin does with the bucket — PUT an upload through its slot, GET a
 * case's file through its read link — and so what the bucket's CORS rule for that origin allows: those
 * two methods, the slot's signed headers a page may set (the browser sets Content-Length itself: no
 * page may), and the ETag exposed to the page (the upload's answer). The embedded platform's bucket has
 * it for its gateway's origin (infra/local/platform.ts).
 */
export interface BrowserCors {
  methods: readonly string[];
  headers: readonly string[];
  exposedHeaders: readonly string[];
  maxAgeSeconds: number;
}

export const MATERIALS_BROWSER_CORS: BrowserCors = {
  methods: ['GET', 'PUT'],
  // The slot's signed headers (the browser sets Content-Length itself), and a range for reading part of a file.
  headers: [...UPLOAD_SIGNED_HEADERS.filter((h) => h !== 'content-length'), 'range'],
  exposedHeaders: ['ETag', 'x-amz-version-id', 'x-amz-checksum-sha256', 'Content-Disposition', 'Content-Range'],
  maxAgeSeconds: 3600,
};

/**
 * What an auditor's browser does in the archive bucket from the console: list and read bundles, anchor
 * journals and statistics documents (GET, HEAD), each request signed (SigV4 headers) with the auditor's
 * own credentials; the object-lock headers exposed, so the console can show them.
 */
export const ARCHIVE_BROWSER_CORS: BrowserCors = {
  methods: ['GET', 'HEAD'],
  headers: [...SIGV4_REQUEST_HEADERS.map((h) => h.toLowerCase()), 'range', 'x-amz-checksum-mode', 'x-amz-object-attributes'],
  exposedHeaders: [
    'ETag',
    'x-amz-version-id',
    'x-amz-checksum-sha256',
    'x-amz-object-lock-mode',
    'x-amz-object-lock-retain-until-date',
    'x-amz-object-lock-legal-hold',
    'Content-Disposition',
    'Content-Range',
  ],
  maxAgeSeconds: 3600,
};
