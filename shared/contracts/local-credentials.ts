// `.tongban/credentials.json`: the embedded platform writes it, the CLI and the tests read it.
import * as z from 'zod';
import { OfficerIdSchema, RoleSchema } from './directory.ts';

/** An officer's own key pair, and the session ARN the embedded API Gateway reports for it. */
export const LocalOfficerSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** `arn:aws:sts::<account>:assumed-role/<principal's role>/<officer id>`: the session the sign-in would have made. */
  arn: z.string(),
});

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
      /**
       * The IAM identity the embedded API Gateway reports for this principal's own key pair. For a
       * named principal (department, reviewer, auditor) that is its role itself, which names no
       * officer: the platform refuses it (OFFICER_REQUIRED), as AWS has no session of such a role
       * without one. Its officers' keys act for it.
       */
      arn: z.string(),
      /** A named principal's officers, by officer id: each signs with its own key pair (`tongban --as <principal> --officer <id>`). */
      officers: z.record(OfficerIdSchema, LocalOfficerSchema).optional(),
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
