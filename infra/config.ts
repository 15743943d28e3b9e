// The platform configuration of one deployment: the `tongban` context key (cdk.json, or
// `cdk synth -c tongban='{...}'`). It names the stage, the log retention and the directory —
// departments, channels and the principals that may call the API — and is validated here, at synth
// time, so a typo fails `cdk synth` with a message instead of a broken deployment.
//
// A principal gives exactly one of:
// - `trustedAccount` (12 digits): the API stack creates the IAM role `tongban-<stage>-<name>` that
//   this account may assume, allowed to invoke exactly the routes whose `roles` include the
//   principal's role (see shared/contracts/routes.ts);
// - `arn`: an existing IAM role or user. The stack creates nothing for it: its owner must grant it
//   `execute-api:Invoke` on `<ExecuteApiArnPrefix output>/<METHOD>/<path>` (path parameters as `*`)
//   for each route whose `roles` include the principal's role. An IAM-authorised API Gateway route
//   only accepts a caller of another account if the API's resource policy also allows it, which
//   this stack does not add: give principals of other accounts a `trustedAccount` instead.
//
// The directory the platform reads is written from this configuration on every deployment (see
// ApiStack); the role names are fixed (`tongban-<stage>-<name>`) so callers can assume them by name.
import type { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { Directory } from '../shared/contracts/directory.ts';
import { ChannelSchema, DepartmentSchema, DirectorySchema, PrincipalSchema, RoleSchema } from '../shared/contracts/directory.ts';
import { CreditCodeSchema } from '../shared/contracts/service-item.ts';
import { isCreditCode } from '../shared/domain/identifiers/credit-code.ts';

/** The context key holding the configuration. */
export const CONFIG_CONTEXT_KEY = 'tongban';

/**
 * 《网络安全法》第二十一条: network operators keep network logs for at least six months. CloudWatch
 * only accepts certain retention periods; these are the ones from 180 days up (never-expire is
 * refused: retention is a decision, not a default).
 */
export const MIN_LOG_RETENTION_DAYS = 180;
export const LOG_RETENTION_CHOICES: readonly number[] = Object.values(RetentionDays)
  .filter((v): v is number => typeof v === 'number' && v >= MIN_LOG_RETENTION_DAYS && v !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

const IAM_ROLE_NAME_MAX = 64;

/** The name of the IAM role the API stack creates for a `trustedAccount` principal. */
export function principalRoleName(stage: string, principalName: string): string {
  return `tongban-${stage}-${principalName}`;
}

const ConfigPrincipalSchema = z
  .object({
    name: PrincipalSchema.shape.name,
    role: RoleSchema,
    departmentId: CreditCodeSchema.optional(),
    channelId: z.string().optional(),
    trustedAccount: z
      .string()
      .regex(/^\d{12}$/, 'trustedAccount must be a 12-digit AWS account id')
      .optional(),
    arn: PrincipalSchema.shape.arn.optional(),
    /** For people reading the configuration; not deployed anywhere. */
    description: z.string().max(200).optional(),
  })
  .strict()
  .refine((p) => (p.trustedAccount === undefined) !== (p.arn === undefined), {
    message: 'give exactly one of trustedAccount (the stack creates a role that account may assume) or arn (an existing IAM role or user)',
    path: ['trustedAccount'],
  });
export type ConfigPrincipal = z.infer<typeof ConfigPrincipalSchema>;

export const TongbanConfigSchema = z
  .object({
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,15}$/, 'stage must be 2-16 characters of a-z, 0-9 and "-", starting with a letter'),
    logRetentionDays: z
      .number()
      .int()
      .min(MIN_LOG_RETENTION_DAYS, `logRetentionDays must be at least ${MIN_LOG_RETENTION_DAYS} (network logs are kept for six months or more)`)
      .refine((d) => LOG_RETENTION_CHOICES.includes(d), {
        message: `logRetentionDays must be one of the CloudWatch Logs retention periods ${LOG_RETENTION_CHOICES.join(', ')}`,
      }),
    departments: z.array(DepartmentSchema).min(1, 'configure at least one department'),
    channels: z.array(ChannelSchema),
    principals: z.array(ConfigPrincipalSchema),
  })
  .strict()
  .superRefine((c, ctx) => {
    c.departments.forEach((d, i) => {
      if (!isCreditCode(d.id)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: `${d.id} is not a valid unified social credit code (check characters)` });
    });
    duplicates(c.departments.map((d) => d.id)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: 'duplicate department id' }));
    duplicates(c.channels.map((ch) => ch.id)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: 'duplicate channel id' }));
    duplicates(c.principals.map((p) => p.name)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['principals', i, 'name'], message: 'duplicate principal name' }));
    // Construct ids and output names drop the hyphens (hall-window → HallWindow).
    duplicates(c.principals.map((p) => p.name.replace(/-/g, '')))
      .filter((i) => c.principals.findIndex((p) => p.name === c.principals[i]!.name) === i)
      .forEach((i) => ctx.addIssue({ code: 'custom', path: ['principals', i, 'name'], message: 'principal names must differ in more than their hyphens' }));
    duplicates(c.principals.map((p) => p.arn ?? `role:${p.name}`)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['principals', i, 'arn'], message: 'two principals share one arn: the platform could not tell them apart' }),
    );
    c.principals.forEach((p, i) => {
      const roleName = principalRoleName(c.stage, p.name);
      if (p.trustedAccount !== undefined && roleName.length > IAM_ROLE_NAME_MAX)
        ctx.addIssue({ code: 'custom', path: ['principals', i, 'name'], message: `the role name ${roleName} would exceed ${IAM_ROLE_NAME_MAX} characters: shorten the principal name or the stage` });
    });
    // The same rules the platform applies when it reads the directory (department/channel
    // principals, known ids), checked now with stand-in ARNs for the roles the stack will create.
    const directory = DirectorySchema.safeParse(directoryFromConfig(c, (p) => `arn:aws:iam::${p.trustedAccount ?? '000000000000'}:role/${principalRoleName(c.stage, p.name)}`));
    if (!directory.success) for (const issue of directory.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type TongbanConfig = z.infer<typeof TongbanConfigSchema>;

/** Reads and validates the `tongban` context of `app`; throws an error naming every problem. */
export function loadConfig(app: App | Construct): TongbanConfig {
  let raw: unknown = app.node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (raw === undefined) {
    throw new Error(
      `missing the "${CONFIG_CONTEXT_KEY}" context: set it in cdk.json ("context": { "${CONFIG_CONTEXT_KEY}": { "stage": …, "logRetentionDays": …, "departments": […], "channels": […], "principals": […] } }) or pass -c ${CONFIG_CONTEXT_KEY}='{…}'`,
    );
  }
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      throw new Error(`the "${CONFIG_CONTEXT_KEY}" context is a string but not JSON: ${(e as Error).message}`);
    }
  }
  const parsed = TongbanConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid "${CONFIG_CONTEXT_KEY}" configuration (cdk.json context):\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The directory as the platform stores it: `arnOf` gives the ARN of the role the stack creates for a
 * `trustedAccount` principal (a token at synth time); `arn` principals keep theirs.
 */
export function directoryFromConfig(config: Pick<TongbanConfig, 'departments' | 'channels' | 'principals'>, arnOf: (p: ConfigPrincipal) => string): Directory {
  return {
    departments: config.departments,
    channels: config.channels,
    principals: config.principals.map((p) => ({
      name: p.name,
      arn: p.arn ?? arnOf(p),
      role: p.role,
      ...(p.departmentId !== undefined ? { departmentId: p.departmentId } : {}),
      ...(p.channelId !== undefined ? { channelId: p.channelId } : {}),
    })),
  };
}

/** Indexes of the second and later occurrences of each repeated value. */
function duplicates(values: string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => {
    if (seen.has(v)) return [i];
    seen.add(v);
    return [];
  });
}
