// The platform configuration of one deployment: the `tongban` context key (cdk.json, or
// `cdk synth -c tongban='{...}'`). It names the stage, the log retention and the directory —
// departments, channels and the principals that may call the API — and is validated here, at synth
// time, so a typo fails `cdk synth` with a message instead of a broken deployment.
//
// A principal gives exactly one of:
// - `trustedAccount`: the principals stack creates the IAM role `tongban-<stage>-<name>`, allowed to invoke
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
//   Named officers (002 §13: every handling stage has its named handler): the role of a principal
//   people act through — `department`, `platform` (reviewers), `auditor` (NAMED_ROLES) — may only be
//   assumed with a source identity naming the officer (`sts:SourceIdentity`, 2-64 characters of
//   letters, digits and `_+=,.@-`, which the government's sign-in sets when it has authenticated the
//   officer), and with a role session name equal to it (`sts:RoleSessionName` = `${sts:SourceIdentity}`):
//   API Gateway tells the platform the session's ARN, never its source identity, so the session name
//   is how the officer reaches the platform, and the trust policy makes it the source identity that
//   CloudTrail records for every action of the session (infra/constructs/principal-roles.ts,
//   NAMED_TRUST_CONDITIONS). The trust policy allows `sts:SetSourceIdentity` beside `sts:AssumeRole`;
//   the assuming identity needs both too. The platform refuses such a principal's requests from any
//   other identity (OFFICER_REQUIRED) and records the officer beside the principal in every history
//   entry, finding response, notice and answer. Name the sign-in in `trustedPrincipalArns`: it is the
//   one identity that may say who the officer is (any identity allowed to assume the role could set
//   any source identity). Channels are machines acting for applicants: their roles need none.
//   Example: { "name": "reviewer", "role": "platform", "trustedAccount": "self",
//              "trustedPrincipalArns": ["role/tongban-sign-in"] }
//            { "name": "portal", "role": "channel", "channelId": "kunming-portal",
//              "trustedAccount": "210987654321", "externalId": "kunming-portal-2026",
//              "trustedPrincipalArns": ["arn:aws:iam::210987654321:role/portal/gateway-*"] }
// - `arn`: an existing IAM role or user. The stack creates nothing for it: its owner must grant it
//   `execute-api:Invoke` on `<ExecuteApiArnPrefix output>/<METHOD>/<path>` (path parameters as `*`)
//   for each route whose `roles` include the principal's role. An IAM-authorised API Gateway route
//   only accepts a caller of another account if the API's resource policy also allows it, which
//   this stack does not add: give principals of other accounts a `trustedAccount` instead.
//   `trustedPrincipalArns` and `externalId` do not apply (there is no trust policy to narrow). The
//   principal of a named role (department, platform, auditor) given by `arn` must be a role, and its
//   owner must give its trust policy the same source-identity conditions: the platform takes the
//   session name for the officer (an IAM user has no session, so it is refused).
//
// Cases (both optional):
// - `deemedAcceptanceDays` (1-5): working days a department has to answer a filing before the case is
//   deemed accepted (行政许可法 Art. 32: at most 5). Unset, the cases function uses its default, 5.
// - `sweepIntervalMinutes` (1-1440, default 15): how often the case sweep runs (deemed acceptance,
//   overdue and violation marks). One run at a time; a failed run goes to the sweep's dead-letter queue.
//
// 好差评 (optional):
// - `rectificationDays` (1-30): working days a department has to answer a bad review (004 §23: 3).
//   Unset, the evaluations function uses its default, 3.
// Tickets (consultations, complaints, corrections), optional:
// - `ticketAnswerDays`: `{ "consultation"?, "complaint"?, "correction"? }`, each 1-60: working days a
//   department has to answer a ticket of that kind (CONSULTATION_DAYS, COMPLAINT_DAYS, CORRECTION_DAYS of
//   the tickets function). Unset, its defaults: 5, 10, 15.
//
// Seals (电子印章; the keys: infra/constructs/seal-keys.ts), both optional:
// - `sealKeySpec`: the KMS key spec of the seal keys and of the archive seal key, `"ECC_NIST_P256"`
//   (the default: ES256 seals, KMS signing algorithm ECDSA_SHA_256) or `"SM2"` (SM2-SM3 seals,
//   SM2DSA), which KMS offers in the China regions only: with a region known at synth (the stacks
//   are environment-agnostic unless given one) other than `cn-…`, synth fails. Choose it before the
//   first deployment: a key's spec cannot change, CloudFormation would replace every key that takes
//   the new spec — see `keySpec` (the archive seal key has no such pin: it always follows
//   `sealKeySpec`, so changing it replaces the archive seal key; the old one is retained).
// - `seals`: the departments' seals, `{ "department": <credit code of a configured department>,
//   "seal": <1-40 characters of a-z, 0-9 and "-", not starting with "-">, "keySpec"?: <as
//   sealKeySpec, which it overrides>, "retiredAt"?: <ISO 8601 date-time in UTC> }`. Each seal is an
//   asymmetric SIGN_VERIFY KMS key, alias `alias/tongban-<stage>-seal-<credit code, lower
//   case>-<seal>`, retained on delete. A department no entry names has one active seal, `seal-1`
//   (of `sealKeySpec`). A department has at most one active (not retired) seal, a (department, seal)
//   pair is listed once, the department must be configured.
//   Rotation: give the old seal's entry `retiredAt` — listing it, with its `keySpec` if it had
//   another, if it was the default `seal-1` — and add the new seal, in one deployment. From that
//   deployment on nobody may sign with the retired key (its key policy denies kms:Sign to all) and
//   the sealing function signs with the new one; the old public key stays published. Seals made
//   before `retiredAt` keep verifying, later ones would not: set it to the time of the deployment,
//   never earlier (the key may have sealed until then). Never remove an entry
//   nor change a deployed seal's key spec: the key would stay in KMS, but leave the directory and
//   the published keys, and its seals would no longer verify. To move to SM2, list every deployed
//   seal with `"keySpec": "ECC_NIST_P256"` first.
//   Example: "seals": [{ "department": "115301000152830159", "seal": "seal-1", "retiredAt": "2027-01-01T00:00:00Z" },
//                      { "department": "115301000152830159", "seal": "seal-2" }]
//
// Operations (required):
// - `alarmEmails`: 1-10 e-mail addresses, each subscribed to the alarm topic `tongban-<stage>-alarms`
//   (DataStack.alarmTopic, infra/constructs/alarm-topic.ts): every alarm of every stack notifies it
//   when it goes into ALARM and back to OK, and so does the rule watching for a KMS key being
//   disabled or scheduled for deletion (infra/constructs/key-guard.ts). Each address gets a
//   confirmation mail from SNS on the first deployment and receives nothing until it confirms.
//   Listed once each. Example: "alarmEmails": ["tongban-oncall@example.gov.cn"]
//
// The e-archive (电子档案; infra/constructs/archive-keys.ts, DataStack; the archive function, ApiStack):
// no settings of its own. The archive seal key has the spec `sealKeySpec` gives, the directory names
// it (`archiveKey`: its ARN and algorithm), and `auditor` principals with a `trustedAccount` may read
// the archived bundles (ApiStack: ARCHIVE_AUDITOR_ACCESS).
//
// Backup and a second region (infra/constructs/table-backup.ts, infra/stacks/replica-stack.ts):
// - `replicaRegion` (required): the region of the stack `Tongban-<stage>-Replica`, which holds the
//   replicas of the archive and materials buckets and the copies of the tables' backups, e.g.
//   `cn-northwest-1` for a deployment in `cn-north-1` (the China pair), `eu-central-1` for
//   `eu-west-1`. A city's records must survive the loss of a region, so there is no default. The
//   data stack stays environment-agnostic and names the replica buckets, keys and vault
//   deterministically from the stage, the deploying account and this region; choose it before the
//   first deployment and never change it (the replicas would start over, empty, elsewhere). It
//   must differ from the region the data stack deploys to (synth refuses the same region when the
//   data stack's region is known).
// - `backupRetentionDays` (35-3650, default 90): days AWS Backup keeps each daily backup of every
//   table, in the data stack's vault and its copy in the replica region. It is also the vault
//   lock's minimum retention (compliance mode: immutable 3 days after the first deployment), so it
//   can be raised later but never lowered below the deployed value: a shorter rule would fail every
//   backup. At least 35: point-in-time recovery already covers any second of the last 35 days in
//   the region. 90 by default: a quarter, the cycle of the supervision and audit reviews that find
//   a quietly corrupted record (the records themselves are kept for ever by the e-archive, not by
//   the backups).
// - `breakGlassRoleName` (default `tongban-break-glass`): the IAM role (name, optionally with its
//   path: `security/tongban-break-glass`) of the deploying account that alone may schedule a key's
//   deletion, disable a key or its rotation (infra/constructs/key-policy.ts: KEY_GUARDED_ACTIONS).
//   The stack does not create it: the account's security team owns it and who may assume it (MFA,
//   two-person rule). Until it exists nobody can do those things, which is the safe default.
//
// The console (the web workbench; infra/stacks/console-stack.ts, infra/console-config.ts), optional:
// - `console`: `{ "domainName", "certificateArn" | "iamCertificateId", "signIn" }`. With it, the stack
//   `Tongban-<stage>-Console` serves the console from a private S3 bucket through CloudFront at
//   https://<domainName>/, the API answers the browser's CORS preflight for that origin alone, the
//   materials and archive buckets take its presigned and signed requests (CORS), and every department,
//   reviewer and auditor role (NAMED_ROLES) with a `trustedAccount` also trusts the government's
//   identity provider, created by the principals stack from `signIn`, under the same named-officer
//   conditions (the officer's id is the session's source identity and its name).
//   - `domainName` (required): the console's host name, lower case (`console.example.gov.cn`); the
//     origin the CORS rules allow and the IdP's redirect URI name, so it must be known before the
//     first deployment. Point it (CNAME) at the distribution (output `DistributionDomainName`).
//   - exactly one certificate for it: `certificateArn`, an ACM certificate in us-east-1 (CloudFront
//     takes no other region's), or `iamCertificateId`, the id (`ASCA…`) of a certificate uploaded to
//     IAM under the path `/cloudfront/`. In the China regions (a `replicaRegion` of `cn-…`: S3
//     replication stays within a partition) CloudFront takes no ACM certificate and serves no default
//     domain: `iamCertificateId` is required there, and the domain needs its ICP filing (ICP备案).
//   - `signIn`: `{ "kind": "oidc", "issuer", "clientIds", "thumbprints"?, "scope"?, "authorizationEndpoint"?,
//     "tokenEndpoint"? }` — OpenID Connect: IAM's OIDC provider for `issuer` (https, no trailing slash),
//     the roles accepting ID tokens whose audience is one of `clientIds` (the console's first), whose
//     claim `https://aws.amazon.com/source_identity` names the officer and whose session tag
//     `tongban-principal` (claim `https://aws.amazon.com/tags`) names the principal the provider lets
//     the officer act for; `thumbprints` (SHA-1, hex) only for a provider whose certificate IAM does not
//     already trust. Or `{ "kind": "saml", "metadataFile", "signInUrl", "audience"? }` — SAML 2.0: IAM's
//     SAML provider `tongban-<stage>-sign-in` from the metadata document at `metadataFile` (relative to
//     the directory cdk runs in), the roles accepting assertions for the audience `audience` (default
//     https://<domainName>/saml/acs) whose Role attribute lists the role, with the SourceIdentity and
//     RoleSessionName attributes set to the officer's id; `signInUrl` is where the console sends the
//     officer. Example: "console": { "domainName": "console.example.gov.cn", "iamCertificateId":
//     "ASCACKCEVSQ6C2EXAMPLE", "signIn": { "kind": "oidc", "issuer": "https://sso.example.gov.cn",
//     "clientIds": ["tongban-console"] } }
//
// The directory the platform reads is written from this configuration on every deployment that
// changes it (see ApiStack); the role names are fixed (`tongban-<stage>-<name>`) so callers can
// assume them by name. So are the roles of the functions the key policies name
// (`tongban-<stage>-sealing-function`, `tongban-<stage>-seals-function`, and the archive
// function's `tongban-<stage>-archive-function`): no principal may take those names.
import { createHash } from 'node:crypto';
import type { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import * as z from 'zod';
import type { Directory, SealKey } from '../shared/contracts/directory.ts';
import { ChannelSchema, DepartmentSchema, DirectorySchema, NAMED_ROLES, PrincipalSchema, RoleSchema } from '../shared/contracts/directory.ts';
import { CreditCodeSchema } from '../shared/contracts/service-item.ts';
import type { TicketKind } from '../shared/contracts/tickets.ts';
import { MAX_TICKET_ANSWER_DAYS, TICKET_KINDS } from '../shared/contracts/tickets.ts';
import { DEFAULT_DEEMED_ACCEPTANCE_DAYS } from '../shared/domain/cases/case-lifecycle.ts';
import { MAX_RECTIFICATION_DAYS } from '../shared/contracts/evaluations.ts';
import { isCreditCode } from '../shared/domain/identifiers/credit-code.ts';
import { DIRECTORY_TABLE } from '../shared/adapters/table-layout.ts';
import { ConsoleConfigSchema, chinaConsoleProblem, chinaDeployment } from './console-config.ts';

/** The context key holding the configuration. */
export const CONFIG_CONTEXT_KEY = 'tongban';

/**
 * 《网络安全法》第二十一条: network operators keep network logs for at least six months — 181 to 184
 * days, whichever months they are. CloudWatch only accepts certain retention periods: its 180 falls
 * short, and the next one is 365; these are the ones from 365 days up (never-expire is refused:
 * retention is a decision, not a default).
 */
export const MIN_LOG_RETENTION_DAYS = 365;
export const LOG_RETENTION_CHOICES: readonly number[] = Object.values(RetentionDays)
  .filter((v): v is number => typeof v === 'number')
  .filter((days) => days >= MIN_LOG_RETENTION_DAYS && days !== Number(RetentionDays.INFINITE))
  .sort((a, b) => a - b);

const IAM_ROLE_NAME_MAX = 64;

/**
 * The most principals with a role the principals stack creates (`trustedAccount`): a role each, beside
 * a policy per role kind, under CloudFormation's 500 resources a stack, with margin. A city has a
 * principal per department and channel and a few reviewers and auditors (its officers are named
 * within their department's role: sts:SourceIdentity); more is a configuration to split first.
 */
export const MAX_ROLE_PRINCIPALS = 400;

/** Minutes between two runs of the case sweep when the configuration names none. */
export const DEFAULT_SWEEP_INTERVAL_MINUTES = 15;
/** The longest sweep interval: a day (CloudWatch alarms look at most one day back). */
export const MAX_SWEEP_INTERVAL_MINUTES = 1440;

/** At most this many addresses receive the alarms (`alarmEmails`): an on-call list, not a mailing list. */
export const MAX_ALARM_EMAILS = 10;
/** Days AWS Backup keeps each daily backup of the tables when the configuration names none (a quarter). */
export const DEFAULT_BACKUP_RETENTION_DAYS = 90;
/** The shortest backup retention: point-in-time recovery already covers 35 days. */
export const MIN_BACKUP_RETENTION_DAYS = 35;
/** The longest backup retention: ten years. */
export const MAX_BACKUP_RETENTION_DAYS = 3650;

/** The break-glass role when the configuration names none (one per account, for every stage). */
export const DEFAULT_BREAK_GLASS_ROLE_NAME = 'tongban-break-glass';
/** An IAM role name with an optional path (`path/name`), no wildcards: the role is named exactly. */
const ROLE_NAME_WITH_PATH_RE = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** An AWS region code: `cn-northwest-1`, `eu-central-1`, `us-gov-west-1`. */
const REGION_RE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** S3's longest bucket name. */
const BUCKET_NAME_MAX = 63;

/** The buckets of the replica stack: the archive's and the materials' replicas, and their access logs. */
export const REPLICA_BUCKETS = ['archive', 'materials', 'logs'] as const;
export type ReplicaBucket = (typeof REPLICA_BUCKETS)[number];

/**
 * The name of a bucket of the replica stack, deterministic so that the data stack (another region,
 * environment-agnostic) can name it as its replication destination: `tongban-<stage>-<bucket>-<account>-<region>`.
 */
export function replicaBucketName(stage: string, bucket: ReplicaBucket, account: string, replicaRegion: string): string {
  return `tongban-${stage}-${bucket}-${account}-${replicaRegion}`;
}

/** The alias of the KMS key of a bucket (or the backup vault) of the replica stack, in the replica region. */
export function replicaKeyAliasName(stage: string, what: 'archive' | 'materials' | 'backup'): string {
  return `alias/tongban-${stage}-${what}-replica`;
}

/** The name of the backup vault of the data stack (`replica`: of the replica stack, which receives the copies). */
export function backupVaultName(stage: string, replica = false): string {
  return `tongban-${stage}-${replica ? 'backup-replica' : 'backup'}`;
}

/** The fixed name of the role AWS Backup assumes to back up and restore the tables (the runbook names it). */
export function backupRoleName(stage: string): string {
  return `tongban-${stage}-backup`;
}

/** Every role name the data stack takes for itself, besides the functions': no principal may take one. */
export function platformRoleNames(stage: string): string[] {
  return [backupRoleName(stage)];
}

/** The KMS key specs a seal key may have (`sealKeySpec`). */
export const SEAL_KEY_SPECS = ['ECC_NIST_P256', 'SM2'] as const;
export type SealKeySpecName = (typeof SEAL_KEY_SPECS)[number];
export const DEFAULT_SEAL_KEY_SPEC: SealKeySpecName = 'ECC_NIST_P256';
/** The seal algorithm (as the directory and the seal header name it) of each key spec. */
export const SEAL_ALGORITHM_OF_SPEC: Record<SealKeySpecName, SealKey['alg']> = { ECC_NIST_P256: 'ES256', SM2: 'SM2-SM3' };
/** The KMS signing algorithm of each key spec (the sealing role may sign with this one alone). */
export const KMS_SIGNING_ALGORITHM_OF_SPEC: Record<SealKeySpecName, string> = { ECC_NIST_P256: 'ECDSA_SHA_256', SM2: 'SM2DSA' };
/** The seal a department gets when `seals` names none of its own. */
export const DEFAULT_SEAL_NAME = 'seal-1';
const SEAL_NAME_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * The functions whose roles the seal keys' policies name (infra/constructs/seal-keys.ts): the only
 * one that may sign, the only one that may read the public keys. Their roles have fixed names, since
 * the keys (data stack) cannot refer to the roles (API stack) but by name.
 */
export const SEAL_FUNCTIONS = { signer: 'sealing', publisher: 'seals' } as const;

/**
 * The function that packs each ended case into its archive bundle and seal the bundle's tag
 * manifest with the archive seal key (infra/constructs/archive-keys.ts): the only role that may sign
 * with that key. Its role has a fixed name for the same reason as the seal functions'.
 */
export const ARCHIVE_FUNCTION = 'archive';

/**
 * The function that seals each anchor journal of the case heads (shared/domain/anchors) with the same
 * archive seal key: the anchoring function. The key's policy names its role beside the archive function's.
 */
export const ANCHOR_FUNCTION = 'anchoring';

/** The function that seals each month's statistics document with the archive seal key: the publication function. */
export const STATISTICS_FUNCTION = 'publication';

/**
 * The functions whose roles may read the public keys of the seal keys and the archive seal key, and no
 * other: the seals function publishes them (JWKS), the archive function puts them into each bundle.
 */
export const SEAL_KEY_PUBLISHERS: readonly string[] = [SEAL_FUNCTIONS.publisher, ARCHIVE_FUNCTION];

/** The functions whose roles may sign with the archive seal key, and no other. */
export const ARCHIVE_SEAL_SIGNERS: readonly string[] = [ARCHIVE_FUNCTION, ANCHOR_FUNCTION, STATISTICS_FUNCTION];

/** Every function whose role has a fixed name, because a key policy of the data stack names it. */
export const FIXED_ROLE_FUNCTIONS: readonly string[] = [...Object.values(SEAL_FUNCTIONS), ...ARCHIVE_SEAL_SIGNERS];

/** The fixed name of the role of the function `name` (one of FIXED_ROLE_FUNCTIONS). */
export function functionRoleName(stage: string, name: string): string {
  return `tongban-${stage}-${name}-function`;
}

/** The name of the IAM role the principals stack creates for a `trustedAccount` principal. */
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

/** The alias of the KMS key of a department's seal. */
export function sealAliasName(stage: string, department: string, seal: string): string {
  return `alias/tongban-${stage}-seal-${department.toLowerCase()}-${seal}`;
}

/**
 * The seal-key stacks (infra/stacks/seals-stack.ts), `Tongban-<stage>-Seals-1` to `-<SEAL_STACKS>`,
 * one per part of the seal registry: the departments' seal keys accumulate with every rotation, so
 * they are not in one stack, which would grow without bound. A department's seals are all in the
 * stack its credit code hashes to (sealStackOf), wherever it stands in the configuration: adding or
 * removing a department moves no other department's keys (a key cannot move between stacks: its
 * alias would be taken).
 */
export const SEAL_STACKS = DIRECTORY_TABLE.sealRegistryKeys.length;
/**
 * The most seals one seal-key stack holds: each is a key and its alias, and CloudFormation allows 500
 * resources a stack (the stack adds the record of its part of the registry and its writer). So
 * SEAL_STACKS × 240 seals at most in all, a department's seals and rotations included.
 */
export const MAX_SEALS_PER_STACK = DIRECTORY_TABLE.maxSealsPerPart;

/** The seal-key stack (1 to SEAL_STACKS) holding a department's seals: from the SHA-256 of its credit code. */
export function sealStackOf(department: string): number {
  return (createHash('sha256').update(department).digest().readUInt32BE(0) % SEAL_STACKS) + 1;
}

/** The name of seal-key stack `n` (1 to SEAL_STACKS). */
export function sealStackName(stage: string, n: number): string {
  return `Tongban-${stage}-Seals-${n}`;
}

/** Matches the alias of every seal key of the stage (and not the archive seal key's). */
export function sealAliasPattern(stage: string): string {
  return `alias/tongban-${stage}-seal-*`;
}

/** The alias of the archive seal key, which seals each archive bundle's tag manifest. */
export function archiveSealAliasName(stage: string): string {
  return `alias/tongban-${stage}-archive-seal`;
}

/** The key ARN the config check uses for a seal's key (its real ARN is only known at deploy time). */
export function standInSealKeyArn(stage: string, seal: ConfiguredSeal): string {
  return `arn:aws:kms:cn-north-1:${STAND_IN_ACCOUNT}:${sealAliasName(stage, seal.department, seal.seal)}`;
}

/** The key ARN the config check uses for the archive seal key. */
export function standInArchiveSealKeyArn(stage: string): string {
  return `arn:aws:kms:cn-north-1:${STAND_IN_ACCOUNT}:${archiveSealAliasName(stage)}`;
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
    trustedPrincipalArns: z.array(z.string().min(1).max(PRINCIPAL_ARN_MAX)).min(1, 'trustedPrincipalArns, when given, names at least one role or user').max(50).optional(),
    /** The sts:ExternalId the caller must pass when assuming the role. */
    externalId: z.string().regex(EXTERNAL_ID_RE, 'externalId must be 2-1224 characters of letters, digits and + = , . @ : / _ -').optional(),
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
      if (NAMED_ROLES.includes(p.role) && !/:role\//.test(p.arn))
        refuse(
          ['arn'],
          `a ${p.role} principal acts through named officers, each a session of its role named after the officer: give an IAM role (its trust policy requiring the officer's source identity as the session name), not ${p.arn}`,
        );
    }
    if (p.trustedAccount === undefined) {
      if (p.trustedPrincipalArns !== undefined)
        refuse(['trustedPrincipalArns'], 'trustedPrincipalArns only applies with trustedAccount (it narrows who may assume the role the stack creates)');
      if (p.externalId !== undefined) refuse(['externalId'], 'externalId only applies with trustedAccount (it is a condition of the role the stack creates)');
      return;
    }
    const trusted = p.trustedAccount;
    (p.trustedPrincipalArns ?? []).forEach((entry, j) => {
      const path = ['trustedPrincipalArns', j];
      const full = FULL_PRINCIPAL_RE.exec(entry);
      if (full) {
        if (trusted === SELF_ACCOUNT) {
          refuse(
            path,
            `trustedPrincipalArns: ${entry} is a full ARN, but trustedAccount is "self": write "role/<name>" or "user/<name>" (expanded to the deploying account), or set trustedAccount to that account id`,
          );
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

const SealKeySpecSchema = z.enum(SEAL_KEY_SPECS, { message: `the seal key spec must be one of ${SEAL_KEY_SPECS.join(', ')} (SM2 in the China regions only)` });

const ConfigSealSchema = z
  .object({
    department: CreditCodeSchema,
    seal: z.string().regex(SEAL_NAME_RE, 'seal must be 1-40 characters of a-z, 0-9 and "-", not starting with "-" (seal-1, seal-2…)'),
    /** This seal's key spec; unset, `sealKeySpec`'s. */
    keySpec: SealKeySpecSchema.optional(),
    /** Retired: its key signs nothing any more, its public key stays published. */
    retiredAt: z.iso.datetime('retiredAt must be an ISO 8601 date-time in UTC (2027-01-01T00:00:00Z)').optional(),
  })
  .strict();

/** A seal of the deployment: configured, or the default `seal-1` of a department; its key spec resolved. */
export interface ConfiguredSeal {
  department: string;
  seal: string;
  keySpec: SealKeySpecName;
  retiredAt?: string;
}

/** A ticket kind's working days to answer, when set. */
function ticketAnswerDays(kind: TicketKind) {
  const message = `ticketAnswerDays.${kind} must be a whole number of working days from 1 to ${MAX_TICKET_ANSWER_DAYS}`;
  return z.number().int(message).min(1, message).max(MAX_TICKET_ANSWER_DAYS, message).optional();
}

export const TongbanConfigSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'stage must be 2-16 characters of a-z, 0-9 and "-", starting with a letter'),
    logRetentionDays: z
      .number()
      .int()
      .min(
        MIN_LOG_RETENTION_DAYS,
        `logRetentionDays must be at least ${MIN_LOG_RETENTION_DAYS} (network logs are kept for six months or more, and CloudWatch's 180 days fall short of six months)`,
      )
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
    /** RECTIFICATION_DAYS of the evaluations function; unset, its default (3, 004 §23). */
    rectificationDays: z
      .number()
      .int()
      .min(1, `rectificationDays must be 1 to ${MAX_RECTIFICATION_DAYS} working days`)
      .max(MAX_RECTIFICATION_DAYS, `rectificationDays must be 1 to ${MAX_RECTIFICATION_DAYS} working days`)
      .optional(),
    /** CONSULTATION_DAYS, COMPLAINT_DAYS, CORRECTION_DAYS of the tickets function; unset, its defaults (5, 10, 15). */
    ticketAnswerDays: z
      .object(Object.fromEntries(TICKET_KINDS.map((kind) => [kind, ticketAnswerDays(kind)])) as Record<TicketKind, ReturnType<typeof ticketAnswerDays>>)
      .strict()
      .optional(),
    /** Minutes between two runs of the case sweep. */
    sweepIntervalMinutes: z
      .number()
      .int()
      .min(1, 'sweepIntervalMinutes must be a whole number of minutes from 1 to 1440 (one day)')
      .max(MAX_SWEEP_INTERVAL_MINUTES, 'sweepIntervalMinutes must be a whole number of minutes from 1 to 1440 (one day)')
      .default(DEFAULT_SWEEP_INTERVAL_MINUTES),
    /** The KMS key spec of the seal keys and the archive seal key: ECC_NIST_P256 (ES256) or, in the China regions, SM2 (SM2-SM3). */
    sealKeySpec: SealKeySpecSchema.default(DEFAULT_SEAL_KEY_SPEC),
    /** The departments' seals (a department named by none gets `seal-1`); see the header. */
    seals: z.array(ConfigSealSchema).optional(),
    /** The addresses subscribed to the alarm topic (see the header). */
    alarmEmails: z
      .array(z.email('alarmEmails: each entry must be an e-mail address (tongban-oncall@example.gov.cn)'), {
        message: 'alarmEmails must list the 1-10 e-mail addresses that receive the alarms: "alarmEmails": ["tongban-oncall@example.gov.cn"]',
      })
      .min(1, 'alarmEmails must list at least one e-mail address: an alarm nobody receives is no alarm')
      .max(MAX_ALARM_EMAILS, `alarmEmails lists at most ${MAX_ALARM_EMAILS} addresses (subscribe a mailing list for more)`),
    /** The region of the replica stack (see the header). */
    replicaRegion: z
      .string({
        message:
          'replicaRegion is required: the region that keeps the replicas of the archive and materials buckets and the copies of the table backups (e.g. cn-northwest-1 for cn-north-1)',
      })
      .regex(REGION_RE, 'replicaRegion must be an AWS region code, e.g. cn-northwest-1'),
    /** Days each daily backup of the tables is kept, and the vault lock's minimum retention. */
    backupRetentionDays: z
      .number()
      .int(`backupRetentionDays must be a whole number of days from ${MIN_BACKUP_RETENTION_DAYS} to ${MAX_BACKUP_RETENTION_DAYS}`)
      .min(
        MIN_BACKUP_RETENTION_DAYS,
        `backupRetentionDays must be at least ${MIN_BACKUP_RETENTION_DAYS} (point-in-time recovery already covers 35 days) and at most ${MAX_BACKUP_RETENTION_DAYS}`,
      )
      .max(MAX_BACKUP_RETENTION_DAYS, `backupRetentionDays must be at least ${MIN_BACKUP_RETENTION_DAYS} and at most ${MAX_BACKUP_RETENTION_DAYS} (ten years)`)
      .default(DEFAULT_BACKUP_RETENTION_DAYS),
    /** The IAM role (of the deploying account) that alone may delete or disable a key. */
    breakGlassRoleName: z
      .string()
      .regex(ROLE_NAME_WITH_PATH_RE, 'breakGlassRoleName must be an IAM role name, optionally with its path (security/tongban-break-glass), without wildcards')
      .default(DEFAULT_BREAK_GLASS_ROLE_NAME),
    /** The web console and its sign-in (see the header); unset, no console stack. */
    console: ConsoleConfigSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.console !== undefined) {
      const china = chinaDeployment(c) ? chinaConsoleProblem(c.console) : undefined;
      if (china !== undefined) ctx.addIssue({ code: 'custom', path: ['console', 'iamCertificateId'], message: china });
    }
    c.departments.forEach((d, i) => {
      if (!isCreditCode(d.id)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: `${d.id} is not a valid unified social credit code (check characters)` });
    });
    duplicates(c.departments.map((d) => d.id)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: 'duplicate department id' }));
    duplicates(c.alarmEmails.map((e) => e.toLowerCase())).forEach((i) => ctx.addIssue({ code: 'custom', path: ['alarmEmails', i], message: 'duplicate alarm e-mail address' }));
    duplicates(c.channels.map((ch) => ch.id)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: 'duplicate channel id' }));
    duplicates(c.principals.map((p) => p.name)).forEach((i) => ctx.addIssue({ code: 'custom', path: ['principals', i, 'name'], message: 'duplicate principal name' }));
    // Construct ids and output names drop the hyphens (hall-window → HallWindow).
    duplicates(c.principals.map((p) => p.name.replace(/-/g, '')))
      .filter((i) => c.principals.findIndex((p) => p.name === c.principals[i]!.name) === i)
      .forEach((i) => ctx.addIssue({ code: 'custom', path: ['principals', i, 'name'], message: 'principal names must differ in more than their hyphens' }));
    duplicates(c.principals.map((p) => p.arn ?? `role:${p.name}`)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['principals', i, 'arn'], message: 'two principals share one arn: the platform could not tell them apart' }),
    );
    const withRoles = c.principals.filter((p) => p.trustedAccount !== undefined).length;
    if (withRoles > MAX_ROLE_PRINCIPALS)
      ctx.addIssue({
        code: 'custom',
        path: ['principals'],
        message: `${withRoles} principals with a trustedAccount: the principals stack creates ${MAX_ROLE_PRINCIPALS} roles at most (CloudFormation allows 500 resources a stack)`,
      });
    // The longest replica bucket name (12-digit account) must fit S3's 63 characters.
    const longest = replicaBucketName(c.stage, 'materials', '0'.repeat(12), c.replicaRegion);
    if (longest.length > BUCKET_NAME_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['replicaRegion'],
        message: `the replica bucket name ${longest} would exceed ${BUCKET_NAME_MAX} characters: shorten the stage`,
      });
    const dataRoles = new Set(platformRoleNames(c.stage));
    const functionRoles = new Set(FIXED_ROLE_FUNCTIONS.map((fn) => functionRoleName(c.stage, fn)));
    c.principals.forEach((p, i) => {
      const roleName = principalRoleName(c.stage, p.name);
      if (p.trustedAccount !== undefined && roleName.length > IAM_ROLE_NAME_MAX)
        ctx.addIssue({
          code: 'custom',
          path: ['principals', i, 'name'],
          message: `the role name ${roleName} would exceed ${IAM_ROLE_NAME_MAX} characters: shorten the principal name or the stage`,
        });
      if (p.trustedAccount !== undefined && functionRoles.has(roleName))
        ctx.addIssue({
          code: 'custom',
          path: ['principals', i, 'name'],
          message: `the role name ${roleName} is the one of a platform function (the seal or archive keys' policies name it): choose another principal name`,
        });
      if (p.trustedAccount !== undefined && dataRoles.has(roleName))
        ctx.addIssue({
          code: 'custom',
          path: ['principals', i, 'name'],
          message: `the role name ${roleName} is the one AWS Backup assumes for the tables' backups: choose another principal name`,
        });
    });
    // The same rules the platform applies when it reads the directory (department/channel
    // principals, known ids; seals of known departments, listed once, one active per department),
    // checked now with stand-in ARNs for the roles and keys the stack will create. The directory
    // lists the configured seals first, in their order, so an issue's path names the entry of `seals`.
    const directory = DirectorySchema.safeParse(
      directoryFromConfig(
        c,
        (p) => standInRoleArn(c.stage, p.name),
        (seal) => standInSealKeyArn(c.stage, seal),
        // A key spec the shape check refused gives no archive key algorithm: reported once, by that check.
        SEAL_KEY_SPECS.includes(c.sealKeySpec) ? standInArchiveSealKeyArn(c.stage) : undefined,
      ),
    );
    // A seal entry or key spec the shape check refused is reported once, by that check.
    const sealsShaped = SEAL_KEY_SPECS.includes(c.sealKeySpec) && (c.seals ?? []).every((seal) => ConfigSealSchema.safeParse(seal).success);
    if (!directory.success) {
      for (const issue of directory.error.issues) if (sealsShaped || issue.path[0] !== 'seals') ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    if (sealsShaped) {
      const perStack = new Map<number, number>();
      for (const seal of configuredSeals(c)) {
        const n = sealStackOf(seal.department);
        perStack.set(n, (perStack.get(n) ?? 0) + 1);
      }
      for (const [n, count] of perStack) {
        if (count > MAX_SEALS_PER_STACK)
          ctx.addIssue({
            code: 'custom',
            path: ['seals'],
            message: `the seal-key stack ${sealStackName(c.stage, n)} would hold ${count} seals, more than the ${MAX_SEALS_PER_STACK} a stack can (CloudFormation allows 500 resources): the platform holds ${SEAL_STACKS * MAX_SEALS_PER_STACK} seals at most, spread by department`,
          });
      }
    }
  });
export type TongbanConfig = z.infer<typeof TongbanConfigSchema>;

/** Reads and validates the `tongban` context of `app`; throws an error naming every problem. */
export function loadConfig(app: App | Construct): TongbanConfig {
  let raw: unknown = app.node.tryGetContext(CONFIG_CONTEXT_KEY);
  if (raw === undefined) {
    throw new Error(
      `missing the "${CONFIG_CONTEXT_KEY}" context: set it in cdk.json ("context": { "${CONFIG_CONTEXT_KEY}": { "stage": …, "logRetentionDays": …, "alarmEmails": […], "departments": […], "channels": […], "principals": […] } }) or pass -c ${CONFIG_CONTEXT_KEY}='{…}'`,
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
 * Every seal of the configuration: the configured ones in their order, then `seal-1` for each
 * department none of them names.
 */
export function configuredSeals(config: Pick<TongbanConfig, 'departments' | 'sealKeySpec' | 'seals'>): ConfiguredSeal[] {
  const configured = config.seals ?? [];
  const named = new Set(configured.map((s) => s.department));
  return [
    ...configured.map((s) => ({ ...s, keySpec: s.keySpec ?? config.sealKeySpec })),
    ...config.departments.filter((d) => !named.has(d.id)).map((d) => ({ department: d.id, seal: DEFAULT_SEAL_NAME, keySpec: config.sealKeySpec })),
  ];
}

/**
 * The directory as the platform stores it: `arnOf` gives the ARN of the role the stack creates for a
 * `trustedAccount` principal (a token at synth time); `arn` principals keep theirs. `keyArnOf` gives
 * the ARN of a seal's key (a token at synth time); the seals are listed as configuredSeals orders them.
 * Without `keyArnOf`, no seals: the directory record the data stack writes (the seal-key stacks write theirs).
 * `archiveKeyArn`, the archive seal key's ARN, makes the directory's `archiveKey` (of `sealKeySpec`).
 */
export function directoryFromConfig(
  config: Pick<TongbanConfig, 'departments' | 'channels' | 'principals' | 'sealKeySpec' | 'seals'>,
  arnOf: (p: ConfigPrincipal) => string,
  keyArnOf: ((seal: ConfiguredSeal) => string) | undefined,
  archiveKeyArn?: string,
): Directory {
  return {
    departments: config.departments,
    channels: config.channels,
    principals: config.principals.map((p) => ({
      name: p.name,
      arn: p.arn ?? arnOf(p),
      role: p.role,
      ...(p.departmentId !== undefined ? { departmentId: p.departmentId } : {}),
      ...(p.channelId !== undefined ? { channelId: p.channelId } : {}),
      ...(NAMED_ROLES.includes(p.role) ? { named: true as const } : {}),
    })),
    ...(keyArnOf !== undefined
      ? {
          seals: configuredSeals(config).map((s) => ({
            department: s.department,
            seal: s.seal,
            keyId: keyArnOf(s),
            alg: SEAL_ALGORITHM_OF_SPEC[s.keySpec],
            ...(s.retiredAt !== undefined ? { retiredAt: s.retiredAt } : {}),
          })),
        }
      : {}),
    ...(archiveKeyArn !== undefined ? { archiveKey: { keyId: archiveKeyArn, alg: SEAL_ALGORITHM_OF_SPEC[config.sealKeySpec] } } : {}),
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
