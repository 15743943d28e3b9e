// The embedded platform's archive bucket as the functions read it: the anchor archive adapter over its
// S3 stand-in, signed with the functions' own credentials.
import { S3Client } from '@aws-sdk/client-s3';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { LOCAL_ARCHIVE_BUCKET } from '../../infra/local/platform.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';

export function platformArchive(platform: RunningPlatform): S3AnchorArchive {
  return new S3AnchorArchive(
    new S3Client({ endpoint: platform.services.s3, region: platform.region, forcePathStyle: true, credentials: platform.runtimeCredentials }),
    LOCAL_ARCHIVE_BUCKET,
  );
}
