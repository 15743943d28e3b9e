// The platform configuration of one deployment: the `tongban` context key (cdk.json, or
// `cdk synth -c tongban='{...}'`). It names the stage, the log retention and the directory —
// departments, channels and the principals that may call the API — and is validated here, at synth
// time, so a typo fails `cdk synth` with a message instead of a broken deployment.
//
// A principal gives exactly one of:
// - `trustedAccount`: the API stack creates the IAM role `tongban-<stage>-<name>`, allowed to invoke
//   exactly the routes whose `roles` include the principal's role (see shared/contracts/routes.ts),
//   that identities of the trusted account may assume. The value is a 12-digit account id, or
//   `"self"`: the account the stack is deployed to (`Stack.of(stack).account`, resolved by
//   CloudFormation), so a configuration can trust its own account without naming it. The AWS
//   documentation's example accounts (123456789012, 111122223333, …: DOCUMENTATION_ACCOUNT_IDS) are
//   refused: a sample configuration copied unchanged must not trust a stranger's account.
//   Trusting an account lets every identity of it that holds sts:AssumeRole on the role (or on `*`)
//   assume it; two optional fields narrow that down:
//   - `trustedPrincipalArns`: only these IAM roles or users may assume the role (trust policy
//     condition `ArnLike aws:PrincipalArn`; an assumed-role session counts as its role). Each entry
//     is, in the trusted account:
//       `role/<path/>name` or `user/<path/>name`  → arn:<partition>:iam::<account>:role/… (user/…)
//       `name` (no slash)                          → the role `role/name`
//       `arn:aws…:iam::<account>:role/…` or `…:user/…`, only with a 12-digit `trustedAccount`, and
//         that account must be the trusted one;
//     the short forms are expanded at synth with the deployment's partition and the trusted account
//     (for `"self"` the deploying account, which JSON cannot name); a full ARN keeps the partition
//     it names, so the short forms suit a configuration deployed to both aws and aws-cn. `*` and
//     `?` are allowed in the path and name (`role/integration/*`), not in the partition, account or
//     `role`/`user`. A role with a path is matched with its path (`role/team/name`, `role/*/name`).
//   - `externalId` (2-1224 characters of letters, digits and `+=,.@:/_-`): the caller must pass it
//     to sts:AssumeRole (trust policy condition `StringEquals sts:ExternalId`), as AWS recommends
//     for a role a third party assumes.
//   Example: { "name": "reviewer", "role": "platform", "trustedAccount": "self",
//              "trustedPrincipalArns": ["role/tongban-reviewers"] }
//            { "name": "portal", "role": "channel", "channelId": "kunming-portal",
//              "trustedAccount": "210987654321", "externalId": "kunming-portal-2026",
//              "trustedPrincipalArns": ["arn:aws:iam::210987654321:role/portal/gateway-*"] }
// - `arn`: an existing IAM role or user. The stack creates nothing for it: its owner must grant it
//   `execute-api:Invoke` on `<ExecuteApiArnPrefix output>/<METHOD>/<path>` (path parameters as `*`)
//   for each route whose `roles` include the principal's role. An IAM-authorised API Gateway route
//   only accepts a caller of another account if the API's resource policy also allows it, which
//   this stack does not add: give principals of other accounts a `trustedAccount` instead.
//   `trustedPrincipalArns` and `externalId` do not apply (there is no trust policy to narrow).
//
// Cases (both optional):
// - `deemedAcceptanceDays` (1-5): working days a department has to answer a filing before the case is
//   deemed accepted (行政许可法 Art. 32: at most 5). Unset, the cases function uses its default, 5.
// - `sweepIntervalMinutes` (1-1440, default 15): how often the case sweep runs (deemed acceptance,
//   overdue and violation marks). One run at a time; a failed run goes to the sweep's dead-letter queue.
//
// The directory the platform reads is written from this configuration on every deployment that
// changes it (see ApiStack); the role names are fixed (`tongban-<stage>-<name>`) so callers can
// assume them by name.
import type { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { z } from 'zod';
import type { Directory } from '../shared/contracts/directory.ts';
import { ChannelSchema, DepartmentSchema, DirectorySchema, PrincipalSchema, RoleSchema } from '../shared/contracts/directory.ts';
import { CreditCodeSchema } from '../shared/contracts/service-item.ts';
import { DEFAULT_DEEMED_ACCEPTANCE_DAYS } from '../shared/domain/cases/case-lifecycle.ts';
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

/** Minutes between two runs of the case sweep when the configuration names none. */
export const DEFAULT_SWEEP_INTERVAL_MINUTES = 15;
/** The longest sweep interval: a day (CloudWatch alarms look at most one day back). */
export const MAX_SWEEP_INTERVAL_MINUTES = 1440;

/** The name of the IAM role the API stack creates for a `trustedAccount` principal. */
export function principalRoleName(stage: string, principalName: string): string {
  return `tongban-${stage}-${principalName}`;
}

/**
 * Account ids the AWS documentation uses in its examples (and the all-zero placeholder). They belong
 * to nobody you mean to trust, so no configuration may name them.
 */
export const DOCUMENTATION_ACCOUNT_IDS: ReadonlySet<string> = new Set(['123456789012', '111122223333', '444455556666', '777788889999', '000000000000']);

/** `trustedAccount` value meaning the account the stack is deployed to. */
export const SELF_ACCOUNT = 'self';

/**
 * The account of the ARNs the config check gives the roles the stack will create (their real
 * account is only known at deploy time).
 */
const STAND_IN_ACCOUNT = '000000000000';

/** The ARN the config check uses for the role the stack creates for principal `name`. */
export function standInRoleArn(stage: string, name: string): string {
  return `arn:aws:iam::${STAND_IN_ACCOUNT}:role/${principalRoleName(stage, name)}`;
}

const IAM_PATH_AND_NAME = String.raw`(?:[\w+=,.@*?-]+/)*[\w+=,.@*?-]+`;
/** `role/<path/>name`, `user/<path/>name` (wildcards allowed in path and name). */
const SHORT_PRINCIPAL_RE = new RegExp(String.raw`^(?:role|user)/${IAM_PATH_AND_NAME}$`);
/** A bare name: shorthand for `role/<name>`. */
const BARE_NAME_RE = /^[\w+=,.@*?-]+$/;
/** A full role or user ARN; group 1 is the account. */
const FULL_PRINCIPAL_RE = new RegExp(String.raw`^arn:aws[a-z-]*:iam::(\d{12}):(?:role|user)/${IAM_PATH_AND_NAME}$`);
const PRINCIPAL_ARN_MAX = 600;

const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * A `trustedPrincipalArns` entry as the ARN pattern of the trust policy's `aws:PrincipalArn`
 * condition: full ARNs as they are, `role/…`/`user/…` and bare role names in `account` (the trusted
 * account; for `"self"` the stack's account token) of `partition` (the stack's partition token).
 */
export function expandTrustedPrincipalArn(entry: string, partition: string, account: string): string {
  if (entry.startsWith('arn:')) return entry;
  const resource = entry.includes('/') ? entry : `role/${entry}`;
  return `arn:${partition}:iam::${account}:${resource}`;
}

/** Why `account` (a trustedAccount or the account of an ARN) is refused, if it is. */
function documentationAccountProblem(field: string, account: string): string | undefined {
  return DOCUMENTATION_ACCOUNT_IDS.has(account)
    ? `${field}: ${account} is an example account id of the AWS documentation, not an account to trust; use "self" (the deploying account) or the real 12-digit account id`
    : undefined;
}

const ConfigPrincipalSchema = z
  .object({
    name: PrincipalSchema.shape.name,
    role: RoleSchema,
    departmentId: CreditCodeSchema.optional(),
    channelId: z.string().optional(),
    trustedAccount: z
      .string()
      .refine((a) => a === SELF_ACCOUNT || /^\d{12}$/.test(a), 'trustedAccount must be "self" (the deploying account) or a 12-digit AWS account id')
      .optional(),
    /** Only these roles/users of the trusted account may assume the role (see the header). */
    trustedPrincipalArns: z
      .array(z.string().min(1).max(PRINCIPAL_ARN_MAX))
      .min(1, 'trustedPrincipalArns, when given, names at least one role or user')
      .max(50)
      .optional(),
    /** The sts:ExternalId the caller must pass when assuming the role. */
    externalId: z
      .string()
      .regex(EXTERNAL_ID_RE, 'externalId must be 2-1224 characters of letters, digits and + = , . @ : / _ -')
      .optional(),
    arn: PrincipalSchema.shape.arn.optional(),
    /** For people reading the configuration; not deployed anywhere. */
    description: z.string().max(200).optional(),
  })
  .strict()
  .refine((p) => (p.trustedAccount === undefined) !== (p.arn === undefined), {
    message: 'give exactly one of trustedAccount (the stack creates a role that account may assume) or arn (an existing IAM role or user)',
    path: ['trustedAccount'],
  })
  .superRefine((p, ctx) => {
    const refuse = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (p.trustedAccount !== undefined) {
      const problem = documentationAccountProblem('trustedAccount', p.trustedAccount);
      if (problem) refuse(['trustedAccount'], problem);
    }
    if (p.arn !== undefined) {
      const problem = documentationAccountProblem('arn', p.arn.split(':')[4] ?? '');
      if (problem) refuse(['arn'], problem);
    }
    if (p.trustedAccount === undefined) {
      if (p.trustedPrincipalArns !== undefined) refuse(['trustedPrincipalArns'], 'trustedPrincipalArns only applies with trustedAccount (it narrows who may assume the role the stack creates)');
      if (p.externalId !== undefined) refuse(['externalId'], 'externalId only applies with trustedAccount (it is a condition of the role the stack creates)');
      return;
    }
    const trusted = p.trustedAccount;
    (p.trustedPrincipalArns ?? []).forEach((entry, j) => {
      const path = ['trustedPrincipalArns', j];
      const full = FULL_PRINCIPAL_RE.exec(entry);
      if (full) {
        if (trusted === SELF_ACCOUNT) {
          refuse(path, `trustedPrincipalArns: ${entry} is a full ARN, but trustedAccount is "self": write "role/<name>" or "user/<name>" (expanded to the deploying account), or set trustedAccount to that account id`);
        } else if (full[1] !== trusted) {
          refuse(path, `trustedPrincipalArns: ${entry} is not in the trusted account ${trusted}`);
        }
        const problem = documentationAccountProblem('trustedPrincipalArns', full[1]!);
        if (problem) refuse(path, problem);
      } else if (!SHORT_PRINCIPAL_RE.test(entry) && !BARE_NAME_RE.test(entry)) {
        refuse(
          path,
          `trustedPrincipalArns: ${entry} is neither "role/<path/>name", "user/<path/>name", a role name, nor an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); * and ? are allowed in path and name only`,
        );
      }
    });
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
    /** DEEMED_ACCEPTANCE_DAYS of the cases function; unset, its default (5). */
    deemedAcceptanceDays: z
      .number()
      .int()
      .min(1, 'deemedAcceptanceDays must be 1 to 5 working days (行政许可法 Art. 32: at most 5)')
      .max(DEFAULT_DEEMED_ACCEPTANCE_DAYS, 'deemedAcceptanceDays must be 1 to 5 working days (行政许可法 Art. 32: at most 5)')
      .optional(),
    /** Minutes between two runs of the case sweep. */
    sweepIntervalMinutes: z
      .number()
      .int()
      .min(1, 'sweepIntervalMinutes must be a whole number of minutes from 1 to 1440 (one day)')
      .max(MAX_SWEEP_INTERVAL_MINUTES, 'sweepIntervalMinutes must be a whole number of minutes from 1 to 1440 (one day)')
      .default(DEFAULT_SWEEP_INTERVAL_MINUTES),
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
    const directory = DirectorySchema.safeParse(directoryFromConfig(c, (p) => standInRoleArn(c.stage, p.name)));
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
