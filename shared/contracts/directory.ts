// The directory: who the platform knows. Departments and channels by identity, and the mapping from
// an authenticated principal (an IAM role or user on AWS, a local key pair in the embedded runtime)
// to a role. It is configuration: cdk.json context on AWS, seeded data locally; both end up as the
// same record in the directory table.
import { z } from 'zod';
import { CreditCodeSchema } from './service-item.ts';

export const RoleSchema = z.enum(['platform', 'department', 'channel', 'auditor']);
export type Role = z.infer<typeof RoleSchema>;

export const DepartmentSchema = z
  .object({ id: CreditCodeSchema, name: z.string().min(2).max(100), region: z.string().max(100).optional() })
  .strict();
export type Department = z.infer<typeof DepartmentSchema>;

export const ChannelSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/),
    name: z.string().min(2).max(100),
    kind: z.enum(['portal', 'mobile-app', 'service-hall-window', 'kiosk']),
  })
  .strict();
export type Channel = z.infer<typeof ChannelSchema>;

export const PrincipalSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,62}$/)
      // `system` is the platform's own actor (sweeps such as deemed acceptance), never a caller's.
      .refine((n) => n !== 'system', { message: 'the principal name "system" is reserved for the platform itself' }),
    /** IAM identity: `arn:aws:iam::<account>:role/<name>` or `...:user/<name>`; assumed-role sessions match their role. */
    arn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/),
    role: RoleSchema,
    departmentId: CreditCodeSchema.optional(),
    channelId: z.string().optional(),
  })
  .strict()
  .refine((p) => (p.role === 'department') === (p.departmentId !== undefined), {
    message: 'departmentId is required for department principals and only for them',
    path: ['departmentId'],
  })
  .refine((p) => (p.role === 'channel') === (p.channelId !== undefined), {
    message: 'channelId is required for channel principals and only for them',
    path: ['channelId'],
  });
export type Principal = z.infer<typeof PrincipalSchema>;

export const DirectorySchema = z
  .object({
    departments: z.array(DepartmentSchema).min(1),
    channels: z.array(ChannelSchema),
    principals: z.array(PrincipalSchema),
  })
  .strict()
  .superRefine((d, ctx) => {
    const departments = new Set(d.departments.map((x) => x.id));
    const channels = new Set(d.channels.map((x) => x.id));
    d.principals.forEach((p, i) => {
      if (p.departmentId && !departments.has(p.departmentId))
        ctx.addIssue({ code: 'custom', path: ['principals', i, 'departmentId'], message: `unknown department ${p.departmentId}` });
      if (p.channelId && !channels.has(p.channelId))
        ctx.addIssue({ code: 'custom', path: ['principals', i, 'channelId'], message: `unknown channel ${p.channelId}` });
    });
  });
export type Directory = z.infer<typeof DirectorySchema>;
