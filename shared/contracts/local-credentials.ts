// `.tongban/credentials.json`: the embedded platform writes it, the CLI and the tests read it.
import { z } from 'zod';
import { RoleSchema } from './directory.ts';

export const LocalCredentialsSchema = z.object({
  endpoint: z.url(),
  region: z.string().min(1),
  service: z.literal('execute-api'),
  principals: z.record(
    z.string(),
    z.object({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      role: RoleSchema,
      departmentId: z.string().optional(),
      channelId: z.string().optional(),
      /** The IAM identity the embedded API Gateway reports for this principal. */
      arn: z.string(),
    }),
  ),
  /**
   * The archive bucket of the embedded platform and its S3 endpoint: what `tongban audit list|fetch
   * --as auditor` reads bundles from, signing with the auditor's own key pair (the endpoint lets an
   * auditor's keys list and read the bundles, nothing else). On AWS auditors read the archive bucket
   * with their own role (--profile, --bucket).
   */
  archive: z.object({ endpoint: z.url(), bucket: z.string().min(3) }).optional(),
});

export type LocalCredentials = z.infer<typeof LocalCredentialsSchema>;
