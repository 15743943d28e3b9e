// The directory: who the platform knows. Departments and channels by identity, and the mapping from
// an authenticated principal (an IAM role or user on AWS, a local key pair in the embedded runtime)
// to a role. It is configuration: cdk.json context on AWS, seeded data locally; both end up as the
// same record in the directory table.
import * as z from 'zod';

/**
 * 18 characters of the unified social credit code alphabet; the checksum is checked by the domain.
 * Here rather than with the service guides (service-item.ts, which re-exports it): every API function
 * loads the directory, and a contract module's schemas are all built as it loads.
 */
export const CreditCodeSchema = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, '统一社会信用代码应为18位 (18 characters of 0-9 and A-Y without I O S V Z)')
  .meta({ description: '统一社会信用代码 (GB 32100-2015), 18 characters', example: '11350100MB0000001N' });

export const RoleSchema = z.enum(['platform', 'department', 'channel', 'auditor']);
export type Role = z.infer<typeof RoleSchema>;

/**
 * The roles people act in: a department's officers, the platform's reviewers, the auditors (002 §13:
 * every handling stage has its named handler). Their principals are `named`: each request names the
 * officer acting. Channels are machines (a portal, a hall's window system) acting for applicants.
 */
export const NAMED_ROLES: readonly Role[] = ['department', 'platform', 'auditor'];

/**
 * An officer's id as the government's sign-in sets it: the STS source identity of the session, which
 * the role's trust policy makes its session name too (infra/constructs/principal-roles.ts). STS's own
 * rule for both: 2-64 characters of letters, digits and `_ + = , . @ -` (no `aws:` prefix, which needs a colon).
 */
export const OFFICER_ID_PATTERN = /^[\w+=,.@-]{2,64}$/;
export const OfficerIdSchema = z.string().regex(OFFICER_ID_PATTERN, 'an officer id is 2-64 characters of letters, digits and _ + = , . @ -');

/** Who acted, as every record keeps it: the principal, its role and, for a named principal, the officer. */
export const ActorSchema = z.object({
  name: z.string(),
  role: z.string(),
  officer: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "the officer acting for a named principal (department, reviewer, auditor): the id the government's sign-in gave the session" }),
});

export const DepartmentSchema = z.object({ id: CreditCodeSchema, name: z.string().min(2).max(100), region: z.string().max(100).optional() }).strict();
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
    /**
     * Its requests name the officer acting: accepted only from a session of its role whose name is an
     * officer id (OFFICER_ID_PATTERN), recorded beside the principal in every history entry, answer
     * and notice. An IAM user has no session: a named principal is a role.
     */
    named: z.literal(true).optional(),
  })
  .strict()
  .refine((p) => p.named === undefined || /:role\//.test(p.arn), {
    message: 'a named principal is an IAM role (its sessions name the officer); an IAM user has no session',
    path: ['named'],
  })
  .refine((p) => (p.role === 'department') === (p.departmentId !== undefined), {
    message: 'departmentId is required for department principals and only for them',
    path: ['departmentId'],
  })
  .refine((p) => (p.role === 'channel') === (p.channelId !== undefined), {
    message: 'channelId is required for channel principals and only for them',
    path: ['channelId'],
  });
export type Principal = z.infer<typeof PrincipalSchema>;

/**
 * A department's seal key (电子印章): the asymmetric KMS key that seals the department's results.
 * Rotating a seal means a new key: the old one stays listed, retired from `retiredAt` on, so the
 * seals it made keep verifying (the JWKS publishes every key ever used).
 */
export const SealKeySchema = z
  .object({
    department: CreditCodeSchema,
    /** The seal's name within its department (`seal-1`, `seal-2` after a rotation…). */
    seal: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    /** The KMS key (ARN on AWS; the local signer's ARN embedded). */
    keyId: z.string().min(1).max(2048),
    /** ES256 for an ECC_NIST_P256 key, SM2-SM3 for an SM2 key (China regions). */
    alg: z.enum(['ES256', 'SM2-SM3']),
    /** Set once the key is retired: it seals nothing after this instant. */
    retiredAt: z.iso.datetime().optional(),
  })
  .strict();
export type SealKey = z.infer<typeof SealKeySchema>;

export const DirectorySchema = z
  .object({
    departments: z.array(DepartmentSchema).min(1),
    channels: z.array(ChannelSchema),
    principals: z.array(PrincipalSchema),
    /** Every seal key ever used, by department; at most one active (not retired) per department. */
    seals: z.array(SealKeySchema).optional(),
    /** The platform's archive key: it seals each archive bundle's tag manifest. */
    archiveKey: z
      .object({ keyId: z.string().min(1).max(2048), alg: z.enum(['ES256', 'SM2-SM3']) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const departments = new Set(d.departments.map((x) => x.id));
    const channels = new Set(d.channels.map((x) => x.id));
    const active = new Set<string>();
    const named = new Set<string>();
    (d.seals ?? []).forEach((k, i) => {
      if (!departments.has(k.department)) ctx.addIssue({ code: 'custom', path: ['seals', i, 'department'], message: `unknown department ${k.department}` });
      if (named.has(`${k.department}/${k.seal}`) || named.has(`key:${k.keyId}`))
        ctx.addIssue({ code: 'custom', path: ['seals', i, 'seal'], message: `seal ${k.seal} of ${k.department} (or its key) is listed twice` });
      named.add(`${k.department}/${k.seal}`).add(`key:${k.keyId}`);
      if (k.retiredAt === undefined) {
        if (active.has(k.department))
          ctx.addIssue({ code: 'custom', path: ['seals', i, 'retiredAt'], message: `department ${k.department} has two active seals: retire all but one` });
        active.add(k.department);
      }
    });
    d.principals.forEach((p, i) => {
      if (p.departmentId && !departments.has(p.departmentId))
        ctx.addIssue({ code: 'custom', path: ['principals', i, 'departmentId'], message: `unknown department ${p.departmentId}` });
      if (p.channelId && !channels.has(p.channelId)) ctx.addIssue({ code: 'custom', path: ['principals', i, 'channelId'], message: `unknown channel ${p.channelId}` });
    });
  });
export type Directory = z.infer<typeof DirectorySchema>;

/**
 * Who a signed request comes from, as the platform resolved it (GET /v1/me): the principal, its role,
 * its department or channel with their names, and the officer acting. The console asks it after a
 * federated sign-in, whose credentials name a role and a session but not what the platform knows of them.
 */
export const CallerViewSchema = z
  .object({
    principal: z.string(),
    role: RoleSchema,
    department: DepartmentSchema.pick({ id: true, name: true }).optional(),
    channel: ChannelSchema.pick({ id: true, name: true, kind: true }).optional(),
    officer: z.string().max(64).optional(),
  })
  .strict();
export type CallerView = z.infer<typeof CallerViewSchema>;

/**
 * The departments the platform knows, with their names (GET /v1/departments): what the console offers
 * where a department is chosen (a ticket's transfer, its assignment) and names where an id is shown.
 * A city has a few hundred at most; the directory record itself is bounded by DynamoDB's item size.
 */
export const DepartmentListSchema = z.object({ departments: z.array(DepartmentSchema).max(2000) }).strict();
export type DepartmentList = z.infer<typeof DepartmentListSchema>;
