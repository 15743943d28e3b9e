// The embedded materials bucket's CORS: the console is served by the embedded API gateway, on another
// port than the S3 endpoint, and from its page a browser PUTs uploads through their slots and GETs a
// case's files through their read links — cross-origin requests S3 answers only as the bucket's CORS
// rules allow (MATERIALS_BROWSER_CORS: those two methods, the slots' signed headers, the ETag exposed).
// Set at every start through the S3 API, as an operator would, for the gateway's origins of that start
// (its port may change): the loopback address and `localhost`, and the host it listens on.
import { PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { MATERIALS_BROWSER_CORS } from '../../shared/adapters/bucket-layout.ts';

/** The origins a browser reaches the gateway on `host`:`port` from. */
export function gatewayOrigins(host: string, port: number): string[] {
  const named = host === '0.0.0.0' || host === '::' ? [] : [host.includes(':') ? `[${host}]` : host];
  return [...new Set([...named, '127.0.0.1', 'localhost'])].map((h) => `http://${h}:${port}`);
}

/** Replaces `bucket`'s CORS configuration with one rule: `origins` may do what the console does. */
export async function allowConsoleOrigins(
  target: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
  bucket: string,
  origins: string[],
): Promise<void> {
  const s3 = new S3Client({ ...target, forcePathStyle: true });
  try {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: origins,
              AllowedMethods: [...MATERIALS_BROWSER_CORS.methods],
              AllowedHeaders: [...MATERIALS_BROWSER_CORS.headers],
              ExposeHeaders: [...MATERIALS_BROWSER_CORS.exposedHeaders],
              MaxAgeSeconds: MATERIALS_BROWSER_CORS.maxAgeSeconds,
            },
          ],
        },
      }),
    );
  } finally {
    s3.destroy();
  }
}
