// S3 for the embedded runtime and the integration tests: s3rver (the S3 wire protocol on disk).
// Gaps: no versioning, no Object Lock, no stored checksums, no bucket policies — the adapters are
// written so that what matters is also checked without them (e.g. checksums by hashing).
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';

/**
 * s3rver's fixed credentials. It wants this access key id but does not verify SigV4 signatures (3.7.1:
 * "Signature version 4 calculation is unimplemented"); its maintained fork, @20minutes/s3rver, does,
 * but canonicalises bucket-level paths without their trailing slash (ListObjectsV2, HeadBucket and
 * DeleteObjects fail every signature), and 5.x needs Node 24: so 3.7.1 stays.
 */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** s3rver on a free port, persisted under `directory`, with `buckets` created if missing. */
export async function startS3(directory: string, host = '127.0.0.1', buckets: string[] = []): Promise<{ endpoint: string; close: () => Promise<void> }> {
  await mkdir(directory, { recursive: true });
  const s3 = new S3rver({ port: 0, address: host, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await s3.run();
  return { endpoint: `http://${host}:${port}`, close: async () => void (await s3.close()) };
}
