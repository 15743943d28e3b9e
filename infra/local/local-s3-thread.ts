// The thread side of startS3Thread (local-s3.ts): s3rver and its SigV4 front in a worker thread of
// their own (stand-in-thread.ts). The platform admits STS sessions here (`admit`).
import type { S3Identity, S3Options } from './local-s3.ts';
import { startS3 } from './local-s3.ts';
import { serveStandIn } from './stand-in-thread.ts';

/** What the platform gives the thread: startS3's arguments, its options without functions (a clock cannot cross). */
export interface S3ThreadInput {
  directory: string;
  host: string;
  buckets: string[];
  options: S3ThreadOptions;
}

export type S3ThreadOptions = Omit<S3Options, 'now'>;

serveStandIn<{ endpoint: string }>(async (input: S3ThreadInput) => {
  const s3 = await startS3(input.directory, input.host, input.buckets, input.options);
  return {
    value: { endpoint: s3.endpoint },
    methods: {
      admit: (session: S3Identity & { sessionToken: string; expiresAt: number }) => s3.admit(session),
      close: () => s3.close(),
    },
  };
});
