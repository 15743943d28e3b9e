// The IAM role of every configured principal with a `trustedAccount`: it may invoke exactly the routes
// of its platform role, and is assumable only from its trusted account (the deploying one for "self"),
// narrowed to the configured principal ARNs and external id. The role of a principal people act through
// (department, platform, auditor: NAMED_ROLES) is assumable only with a source identity naming the
// officer, which must also be the session's name (NAMED_TRUST_CONDITIONS), so that the officer reaches
// the API in the session ARN API Gateway reports (the platform records it) and is the source identity
// CloudTrail records. With the console configured (config `console.signIn`), every named principal's
// role also trusts the government's identity provider (infra/constructs/sign-in-provider.ts), under the
// same named-officer conditions and for that principal alone (federatedTrustStatement) — and so does
// the role of a service-hall-window channel (signsInAtConsole), whose clerks file cases for people at
// the counter through the console: a channel's calls name no officer, but its federated sessions are
// named after the clerk all the same (CloudTrail's source identity). The role of every `auditor` principal
// also holds `tongban-<stage>-archive-read` (ARCHIVE_AUDITOR_ACCESS): list the archive bucket, read
// the bundles under `bundles/` and the anchor journals under `anchors/` with their retention and legal
// hold, decrypt them through S3; nothing else. A principal given by `arn` brings its own identity: nothing is created for it.
//
// The grants are made once per platform role, not once per principal, so the template grows by a
// role's trust policy alone with each principal (a city has hundreds): one customer-managed policy
// per platform role that has principals, `tongban-<stage>-invoke-<role>` (execute-api:Invoke on that
// role's routes, with its cdk-nag acknowledgements), attached to every role of that kind, and the one
// archive-reading policy on every auditor's role. A role itself holds only its trust policy.
//
// Its resources go into the stack's own scope, with the ids they have always had (the roles have
// fixed names: a replaced one would clash with the old).
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AccountPrincipal, Effect, FederatedPrincipal, ManagedPolicy, PolicyStatement, PrincipalWithConditions, Role } from 'aws-cdk-lib/aws-iam';
import type { PolicyDocument } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Role as PlatformRole } from '../../shared/contracts/directory.ts';
import { NAMED_ROLES, RoleSchema } from '../../shared/contracts/directory.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import type { ConfigPrincipal, TongbanConfig } from '../config.ts';
import { SELF_ACCOUNT, expandTrustedPrincipalArn, principalRoleName } from '../config.ts';
import { ARCHIVE_ANCHORS_PREFIX, ARCHIVE_AUDITOR_ACCESS, ARCHIVE_BUNDLES_PREFIX, ARCHIVE_STATISTICS_PREFIX, ARCHIVE_STATISTICS_WILDCARD_REASON } from '../archive-access.ts';
import type { ConsoleConfig } from '../console-config.ts';
import { PRINCIPAL_SESSION_SECONDS, PRINCIPAL_TAG, oidcProviderPath, samlAudience } from '../console-config.ts';
import { acknowledgeResolvedWildcards, pascal } from './nag.ts';
import { signInProvider } from './sign-in-provider.ts';
import { s3ViaService } from './tongban-function.ts';

/** What an auditor may do in the e-archive (infra/archive-access.ts: the embedded platform grants the same). */
export { ARCHIVE_AUDITOR_ACCESS };

/** Why the auditors' grant under bundles/ ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_BUNDLES_WILDCARD_REASON =
  'Auditors read the archived case bundles: the archive function writes one bundle per ended case under bundles/, named after the case, when the case ends, so no key is known beforehand and the bundles/ prefix is the only stable part of it. The grant is read only (s3:GetObject, s3:GetObjectVersion, s3:GetObjectRetention, s3:GetObjectLegalHold, s3:GetObjectAttributes): no put, no delete, on the archive bucket alone, whose own policy denies every delete and whose bundles are held under Object Lock (COMPLIANCE).';

/** Why the auditors' grant under anchors/ ends in a wildcard: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const ARCHIVE_ANCHORS_WILDCARD_REASON =
  "Auditors check case histories against the anchor journals: the anchoring function writes each journal under anchors/journals/<day>/<window end>.json (its parts and seal beside it) and each anchored case's proof under anchors/cases/<case number>/<window end>.txt as heads change, so no key is known beforehand and the anchors/ prefix is the only stable part of it. The grant is read only (s3:GetObject, s3:GetObjectVersion, s3:GetObjectRetention, s3:GetObjectLegalHold, s3:GetObjectAttributes): no put, no delete, on the archive bucket alone, whose own policy denies every delete and whose objects are held under Object Lock (COMPLIANCE).";

const ROUTE_TABLE: readonly RouteSpec[] = ROUTES;

/** The routes a principal of `role` may invoke: the IAM routes whose `roles` include it. */
export function routesInvokableBy(role: PlatformRole): RouteSpec[] {
  return ROUTE_TABLE.filter((r) => r.auth === 'iam' && (r.roles ?? []).includes(role));
}

/** The execute-api resource path of a route (`METHOD/path`), each `{parameter}` becoming `*`. */
export function invokeResourcePath(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

/**
 * IAM's `*` also matches `/`, so `GET/v1/items/*` would allow `GET/v1/items/{code}/versions/{n}` too.
 * Fails synth if some role's patterns reach a route that role is not given, so a new route can never
 * be opened to a role by accident.
 */
export function assertNoWildcardOverreach(): void {
  for (const role of ['platform', 'department', 'channel', 'auditor'] as const) {
    const allowed = routesInvokableBy(role).map((r) => globRegExp(invokeResourcePath(r)));
    for (const other of ROUTE_TABLE.filter((r) => r.auth === 'iam' && !(r.roles ?? []).includes(role))) {
      const sample = `${other.method}${other.path.replace(/\{[^}]+\}/g, 'x')}`;
      if (allowed.some((re) => re.test(sample))) {
        throw new Error(
          `the execute-api permissions of role ${role} would also match ${other.method} ${other.path}, which that role may not call: rename the route or narrow the policy`,
        );
      }
    }
  }
}

export class PrincipalRoles {
  /** The roles created for `trustedAccount` principals, by principal name. */
  readonly roles: Record<string, Role> = {};
  /** The policy `tongban-<stage>-invoke-<role>` of each platform role with principal roles (and routes), on those roles. */
  readonly invokePolicies: Partial<Record<PlatformRole, ManagedPolicy>> = {};
  /** The auditors' archive-reading policy, on the auditor principals' roles; none without such a role. */
  readonly archiveRead: ManagedPolicy | undefined;

  /** The ARN of the console's identity provider (a reference), which every named principal's role trusts; none without a console. */
  readonly signInProviderArn: string | undefined;

  constructor(scope: Construct, props: { config: TongbanConfig; api: RestApi; archiveBucket: IBucket; archiveKey: IKey }) {
    const { config } = props;
    this.signInProviderArn = config.console !== undefined ? signInProvider(scope, config.stage, config.console.signIn) : undefined;
    for (const principal of config.principals) {
      if (principal.trustedAccount === undefined) continue;
      const role = principalRole(scope, principal, principal.trustedAccount, config.stage);
      if (config.console !== undefined && this.signInProviderArn !== undefined && signsInAtConsole(principal, config))
        role.assumeRolePolicy!.addStatements(federatedTrustStatement(this.signInProviderArn, config.console, principal.name));
      this.roles[principal.name] = role;
    }
    for (const kind of RoleSchema.options) {
      const roles = config.principals.filter((p) => p.role === kind && this.roles[p.name] !== undefined).map((p) => this.roles[p.name]!);
      const policy = roles.length > 0 ? invokePolicy(scope, props.api, kind, config.stage, roles) : undefined;
      if (policy !== undefined) this.invokePolicies[kind] = policy;
    }
    this.archiveRead = this.archiveReadPolicy(scope, props);
  }

  private archiveReadPolicy(scope: Construct, props: { config: TongbanConfig; archiveBucket: IBucket; archiveKey: IKey }): ManagedPolicy | undefined {
    const { config, archiveBucket, archiveKey } = props;
    const auditors = config.principals.filter((p) => p.role === 'auditor' && this.roles[p.name] !== undefined).map((p) => this.roles[p.name]!);
    if (auditors.length === 0) return undefined;
    if (archiveBucket.encryptionKey !== archiveKey) throw new Error('the archive bucket must be encrypted with the archive key (ApiStackProps.archiveKey)');
    const bundles = archiveBucket.arnForObjects(`${ARCHIVE_BUNDLES_PREFIX}*`);
    const anchors = archiveBucket.arnForObjects(`${ARCHIVE_ANCHORS_PREFIX}*`);
    const statistics = archiveBucket.arnForObjects(`${ARCHIVE_STATISTICS_PREFIX}*`);
    // A managed policy, like the invoke policies: one policy every auditor's role shares.
    const policy = new ManagedPolicy(scope, 'ArchiveRead', {
      managedPolicyName: `tongban-${config.stage}-archive-read`,
      roles: auditors,
      statements: [
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.bucket], resources: [archiveBucket.bucketArn] }),
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.bundles], resources: [bundles] }),
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.anchors], resources: [anchors] }),
        new PolicyStatement({ actions: [...ARCHIVE_AUDITOR_ACCESS.statistics], resources: [statistics] }),
        new PolicyStatement({
          actions: [...ARCHIVE_AUDITOR_ACCESS.key],
          resources: [archiveKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': s3ViaService(scope) } },
        }),
      ],
    });
    acknowledgeResolvedWildcards(policy, [
      { objects: bundles, reason: ARCHIVE_BUNDLES_WILDCARD_REASON },
      { objects: anchors, reason: ARCHIVE_ANCHORS_WILDCARD_REASON },
      { objects: statistics, reason: ARCHIVE_STATISTICS_WILDCARD_REASON },
    ]);
    return policy;
  }
}

/**
 * The trust conditions of a named principal's role (a department's, a reviewer's, an auditor's): the
 * assuming identity must set a source identity (the officer's id, which the government's sign-in sets;
 * STS itself holds it to 2-64 characters of letters, digits and `_+=,.@-`, OFFICER_ID_PATTERN), and
 * name the session after it. The variable `${sts:SourceIdentity}` is the AssumeRole request's own
 * source identity (a service's condition keys serve as policy variables in requests to that service,
 * in string conditions); a request without one resolves nothing and is refused, as the `Null` check
 * says outright. A session's name and source identity cannot change afterwards.
 */
export const NAMED_TRUST_CONDITIONS = {
  Null: { 'sts:SourceIdentity': 'false' },
  StringEquals: { 'sts:RoleSessionName': '${sts:SourceIdentity}' },
} as const;

/** The longest session of a principal's role (its maxSessionDuration): an officer signs in again after it. */
export const PRINCIPAL_SESSION = Duration.seconds(PRINCIPAL_SESSION_SECONDS);

/** The trust policy actions of a named principal's role: assuming it, and setting the source identity (which STS checks separately). */
export const NAMED_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity'] as const;

/**
 * Whether people sign in to the console as `principal`: the officers of a named principal, the clerks
 * of a service-hall-window channel. The other channels (portals, apps, kiosks) are machines.
 */
export function signsInAtConsole(principal: Pick<ConfigPrincipal, 'role' | 'channelId'>, config: Pick<TongbanConfig, 'channels'>): boolean {
  if (NAMED_ROLES.includes(principal.role)) return true;
  return principal.role === 'channel' && config.channels.find((c) => c.id === principal.channelId)?.kind === 'service-hall-window';
}

/**
 * The trust policy actions a named principal's role allows the console's identity provider: assuming
 * it with the provider's token or assertion, the source identity that carries (the officer's id), and,
 * for OpenID Connect, the session tag naming the principal.
 */
export const FEDERATED_TRUST_ACTIONS = {
  oidc: ['sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity', 'sts:TagSession'],
  saml: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'],
} as const;

/**
 * The statement by which the role of named principal `principalName` trusts the console's identity
 * provider (`providerArn`): only for the configured audience — the console's client ids (OIDC
 * `<issuer host/path>:aud`, which IAM takes from the token's `azp`, else its `aud`) or the SAML
 * audience (`SAML:aud`, the Recipient of the assertion) — and only as a named officer
 * (NAMED_TRUST_CONDITIONS: the provider sets the source identity, from the token's
 * `https://aws.amazon.com/source_identity` claim or the assertion's SourceIdentity attribute, and the
 * session is named after it). Which principal an officer may act for is the provider's decision, not
 * the browser's: a SAML assertion lists the roles its officer may take (its Role attribute: STS takes
 * no other role), and an OIDC token, which IAM cannot condition on a claim of the provider's choosing,
 * carries the session tag `tongban-principal` (PRINCIPAL_TAG) naming the principal, which this role
 * requires to be its own, no other tag allowed.
 */
export function federatedTrustStatement(providerArn: string, settings: ConsoleConfig, principalName: string): PolicyStatement {
  const { signIn } = settings;
  const named = { Null: { ...NAMED_TRUST_CONDITIONS.Null }, StringEquals: { ...NAMED_TRUST_CONDITIONS.StringEquals } };
  const conditions =
    signIn.kind === 'oidc'
      ? {
          ...named,
          StringEquals: { ...named.StringEquals, [`${oidcProviderPath(signIn)}:aud`]: signIn.clientIds, [`aws:RequestTag/${PRINCIPAL_TAG}`]: principalName },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [PRINCIPAL_TAG] },
        }
      : { ...named, StringEquals: { ...named.StringEquals, 'SAML:aud': samlAudience(settings, signIn) } };
  return new PolicyStatement({ actions: [...FEDERATED_TRUST_ACTIONS[signIn.kind]], principals: [new FederatedPrincipal(providerArn)], conditions });
}

/**
 * The role of a `trustedAccount` principal: assumable from that account ("self": this stack's own),
 * only by the `trustedPrincipalArns` (ArnLike aws:PrincipalArn) and only with the `externalId`
 * (StringEquals sts:ExternalId) when they are configured, and for a named role (NAMED_ROLES) only as a
 * named officer (NAMED_TRUST_CONDITIONS, with sts:SetSourceIdentity allowed under the same
 * conditions). Its permissions come from the policies of its kind (invokePolicy, and the auditors'
 * archive reading).
 */
function principalRole(scope: Construct, principal: ConfigPrincipal, trustedAccount: string, stage: string): Role {
  const stack = Stack.of(scope);
  const self = trustedAccount === SELF_ACCOUNT;
  const account = self ? stack.account : trustedAccount;
  const named = NAMED_ROLES.includes(principal.role);
  const conditions: Record<string, Record<string, unknown>> = {};
  if (principal.trustedPrincipalArns !== undefined) {
    conditions.ArnLike = { 'aws:PrincipalArn': principal.trustedPrincipalArns.map((entry) => expandTrustedPrincipalArn(entry, stack.partition, account)) };
  }
  if (principal.externalId !== undefined) conditions.StringEquals = { 'sts:ExternalId': principal.externalId };
  if (named) {
    conditions.Null = { ...NAMED_TRUST_CONDITIONS.Null };
    conditions.StringEquals = { ...conditions.StringEquals, ...NAMED_TRUST_CONDITIONS.StringEquals };
  }
  const trustee = new AccountPrincipal(account);
  const trusted = named ? new NamedOfficerPrincipal(trustee, conditions) : Object.keys(conditions).length > 0 ? trustee.withConditions(conditions) : trustee;
  if (named && principal.trustedPrincipalArns === undefined) {
    // Whoever may assume the role names the officer: without trustedPrincipalArns, any identity of the
    // account allowed sts:AssumeRole on it could act as any officer of the department.
    Annotations.of(scope).addWarningV2(
      `tongban:named-role-trusts-account:${principal.name}`,
      `principal ${principal.name} (${principal.role}) acts through named officers but trusts every identity of ${self ? 'the deploying account' : `account ${trustedAccount}`}: name the government's sign-in with trustedPrincipalArns (e.g. "role/tongban-sign-in"), or any identity that may assume the role may name any officer`,
    );
  }
  return new Role(scope, `Principal${pascal(principal.name)}`, {
    roleName: principalRoleName(stage, principal.name),
    description: `Tongban ${stage}: principal ${principal.name} (${principal.role}), assumed from ${self ? 'the deploying account' : `account ${trustedAccount}`}${principal.trustedPrincipalArns ? ' by the configured principals' : ''}${principal.externalId ? ' with its external id' : ''}${named ? ' as a named officer (source identity = session name)' : ''}`,
    assumedBy: trusted,
    maxSessionDuration: PRINCIPAL_SESSION,
  });
}

/** The trustee of a named principal's role: one trust statement allowing both NAMED_TRUST_ACTIONS under its conditions. */
class NamedOfficerPrincipal extends PrincipalWithConditions {
  override addToAssumeRolePolicy(document: PolicyDocument): void {
    document.addStatements(new PolicyStatement({ actions: [...NAMED_TRUST_ACTIONS], principals: [this] }));
  }
}

/** The name of the policy that lets the principals of platform role `kind` invoke its routes. */
export function invokePolicyName(stage: string, kind: PlatformRole): string {
  return `tongban-${stage}-invoke-${kind}`;
}

/**
 * `tongban-<stage>-invoke-<kind>`: execute-api:Invoke on the routes of platform role `kind` (this API
 * and stage), attached to `roles`, with the acknowledgement of each path parameter's wildcard once.
 * None for a kind without routes: its roles get no permission at all.
 */
function invokePolicy(scope: Construct, api: RestApi, kind: PlatformRole, stage: string, roles: Role[]): ManagedPolicy | undefined {
  const routes = routesInvokableBy(kind);
  if (routes.length === 0) return undefined;
  const resources = routes.map((r) => api.arnForExecuteApi(r.method, r.path.replace(/\{[^}]+\}/g, '*'), stage));
  const policy = new ManagedPolicy(scope, `Invoke${pascal(kind)}Routes`, {
    managedPolicyName: invokePolicyName(stage, kind),
    description: `Tongban ${stage}: invoke the routes of the ${kind} role`,
    roles,
    statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['execute-api:Invoke'], resources })],
  });
  // The API is another stack's: the resources name it by a cross-stack reference, resolved after construction.
  acknowledgeResolvedWildcards(
    policy,
    routes.flatMap((route, i) =>
      route.path.includes('{')
        ? [
            {
              objects: resources[i]!,
              reason: `The * stands for the path parameter of ${route.method} ${route.path} (${[...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => `any ${m[1]!}`).join(', ')}), on this one API and stage; synth checks (assertNoWildcardOverreach) that it matches no route the ${kind} role may not call.`,
            },
          ]
        : [],
    ),
  );
  return policy;
}

/** An IAM resource pattern as a regular expression (`*` any run of characters, `?` one). */
function globRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}
