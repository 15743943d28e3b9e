// The web console's settings: the `console` block of the `tongban` context (infra/config.ts, whose
// header says what each field means), and the names the stacks derive from it — the console's origin,
// the sign-in's identity provider, the claims and the tag a sign-in carries. Read by the console stack
// (infra/stacks/console-stack.ts), the principals stack (the roles' federated trust:
// infra/constructs/sign-in-provider.ts), the API (its CORS preflight and its functions' CONSOLE_ORIGIN)
// and the data stack (the buckets' CORS rules).
//
// The console's origin must be known before anything is deployed: the API, the buckets' CORS rules
// and the identity provider's redirect URI all name it, and a `*.cloudfront.net` name only exists once
// the distribution does (and the China regions serve none). So `domainName` is required, with its
// certificate: from ACM (us-east-1, as CloudFront requires) or, in the China regions, where CloudFront
// takes no ACM certificate, from IAM (`aws iam upload-server-certificate --path /cloudfront/…`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';

/** The kinds of sign-in the console offers: OpenID Connect or SAML 2.0 federation into the principals' roles. */
export const SIGN_IN_KINDS = ['oidc', 'saml'] as const;
export type SignInKind = (typeof SIGN_IN_KINDS)[number];

/**
 * The session tag an OIDC sign-in's token names the principal with: the identity provider puts
 * `"https://aws.amazon.com/tags": { "principal_tags": { "tongban-principal": ["<principal name>"] } }`
 * into the ID token, and a named principal's role trusts the provider only for a request tagged with
 * its own name (`aws:RequestTag/tongban-principal`): the provider, not the browser, decides which
 * principal's role an officer may take.
 */
export const PRINCIPAL_TAG = 'tongban-principal';
/** The longest session of a principal's role, in seconds (its maxSessionDuration): an officer signs in again after it. */
export const PRINCIPAL_SESSION_SECONDS = 3600;
/** The ID token claim holding the session tags (AWS's documented namespace). */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
/** The ID token claim holding the source identity, the officer's id (AWS's documented namespace). */
export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';
/** The SAML attributes holding the roles an officer may take, the source identity and the session name (AWS's documented names). */
export const SAML_ATTRIBUTES = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
} as const;
/** Where, on the console's origin, a SAML response is received (the SAML audience unless `audience` says otherwise). */
export const SAML_ACS_PATH = '/saml/acs';

/** An IAM SAML provider's metadata document: IAM takes 1,000 to 10,000,000 characters. */
const SAML_METADATA_MIN = 1000;
const SAML_METADATA_MAX = 10_000_000;

/** A host name of letters, digits and hyphens in dot-separated labels, lower case, no wildcard. */
const DOMAIN_NAME_RE = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** CloudFront takes ACM certificates from us-east-1 alone. Group 1: the account. */
const ACM_CERTIFICATE_ARN_RE = /^arn:aws:acm:us-east-1:(\d{12}):certificate\/[0-9a-f-]{36}$/;
/** The id IAM gives a server certificate (`ServerCertificateId`, `ASCA…`), not its name. */
const IAM_CERTIFICATE_ID_RE = /^ASCA[A-Z0-9]{12,124}$/;
/** A certificate's SHA-1 thumbprint, hex. */
const THUMBPRINT_RE = /^[0-9a-fA-F]{40}$/;
/** An OAuth 2.0 scope: space-separated tokens of printable ASCII without `"` and `\`. */
const SCOPE_RE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** An https URL with a host, no credentials, port, query or fragment (`trailingSlash`: may end in `/`). */
function httpsUrl(field: string, example: string, trailingSlash = true) {
  return z
    .string({ message: `${field} must be an https URL (${example})` })
    .max(255, `${field} is at most 255 characters`)
    .refine(
      (value) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          return false;
        }
        return (
          url.protocol === 'https:' &&
          url.hostname !== '' &&
          url.username === '' &&
          url.password === '' &&
          url.port === '' &&
          !value.includes('?') &&
          !value.includes('#') &&
          (trailingSlash || !value.endsWith('/'))
        );
      },
      `${field} must be an https URL without port, query or fragment${trailingSlash ? '' : ' and without a trailing slash'} (${example})`,
    );
}

const OidcSignInSchema = z
  .object({
    kind: z.literal('oidc'),
    /** The provider's issuer: the `iss` of its ID tokens, and the URL of IAM's OIDC provider. */
    issuer: httpsUrl('console.signIn.issuer', 'https://sso.example.gov.cn', false),
    /** The audiences the roles accept: the console's client id first (the console signs in with it), then any other. */
    clientIds: z
      .array(z.string().min(1).max(255), { message: 'console.signIn.clientIds must list the client id the console is registered with at the provider' })
      .min(1, 'console.signIn.clientIds must list at least the console\'s client id ("clientIds": ["tongban-console"])')
      .max(100, 'console.signIn.clientIds lists at most 100 client ids (IAM keeps 100 per provider)'),
    /** SHA-1 thumbprints of the provider's certificate chain: for a provider whose certificate IAM does not already trust. */
    thumbprints: z
      .array(z.string().regex(THUMBPRINT_RE, 'console.signIn.thumbprints: each is a certificate thumbprint, 40 hex characters'))
      .min(1)
      .max(5, 'console.signIn.thumbprints lists at most 5 thumbprints')
      .optional(),
    /** The scopes the console asks for; `openid` among them. */
    scope: z
      .string()
      .regex(SCOPE_RE, 'console.signIn.scope is space-separated OAuth scopes ("openid profile")')
      .refine((s) => s.split(' ').includes('openid'), 'console.signIn.scope must include openid: the console needs an ID token')
      .default('openid'),
    /** Where the console sends the officer to sign in; unset, the console reads it from the issuer's discovery document. */
    authorizationEndpoint: httpsUrl('console.signIn.authorizationEndpoint', 'https://sso.example.gov.cn/oauth2/authorize').optional(),
    /** Where the console exchanges the code for the ID token; unset, from the discovery document. */
    tokenEndpoint: httpsUrl('console.signIn.tokenEndpoint', 'https://sso.example.gov.cn/oauth2/token').optional(),
  })
  .strict();

const SamlSignInSchema = z
  .object({
    kind: z.literal('saml'),
    /** The identity provider's SAML metadata document (XML), a path relative to the directory `cdk` runs in. */
    metadataFile: z.string({ message: 'console.signIn.metadataFile must name the identity provider\'s SAML metadata document ("infra/saml/idp-metadata.xml")' }).min(1),
    /** Where the console sends the officer to sign in (the provider's IdP-initiated sign-in URL for this application). */
    signInUrl: httpsUrl('console.signIn.signInUrl', 'https://sso.example.gov.cn/saml/sso/tongban'),
    /** The assertions' audience (SAML:aud, the Recipient the provider posts to); unset, https://<domainName>/saml/acs. */
    audience: httpsUrl('console.signIn.audience', 'https://console.example.gov.cn/saml/acs').optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = samlMetadataProblem(s.metadataFile);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['metadataFile'], message: problem });
  });

export const SignInSchema = z.discriminatedUnion('kind', [OidcSignInSchema, SamlSignInSchema], {
  message: `console.signIn.kind must be one of ${SIGN_IN_KINDS.join(', ')}: { "kind": "oidc", "issuer": …, "clientIds": […] } or { "kind": "saml", "metadataFile": …, "signInUrl": … }`,
});
export type SignInConfig = z.infer<typeof SignInSchema>;
export type OidcSignIn = Extract<SignInConfig, { kind: 'oidc' }>;
export type SamlSignIn = Extract<SignInConfig, { kind: 'saml' }>;

export const ConsoleConfigSchema = z
  .object({
    /** The console's host name (its origin is https://<domainName>). */
    domainName: z
      .string({
        message:
          'console.domainName is required: the API, the buckets and the sign-in name the console\'s origin before anything is deployed ("domainName": "console.example.gov.cn")',
      })
      .regex(DOMAIN_NAME_RE, 'console.domainName must be a lower-case host name without wildcard or scheme ("console.example.gov.cn")'),
    /** An ACM certificate of us-east-1 for domainName (not in the China regions). */
    certificateArn: z
      .string()
      .regex(
        ACM_CERTIFICATE_ARN_RE,
        "console.certificateArn must be the ARN of an ACM certificate in us-east-1 (CloudFront takes no other region's): arn:aws:acm:us-east-1:<account>:certificate/<id>",
      )
      .optional(),
    /** The id (ASCA…) of an IAM server certificate for domainName, uploaded under the path /cloudfront/. */
    iamCertificateId: z
      .string()
      .regex(IAM_CERTIFICATE_ID_RE, 'console.iamCertificateId must be the id IAM gave the server certificate (ServerCertificateId, ASCA…), not its name')
      .optional(),
    signIn: SignInSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.certificateArn === undefined) === (c.iamCertificateId === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['certificateArn'],
        message: 'give exactly one certificate for console.domainName: certificateArn (ACM, us-east-1) or iamCertificateId (IAM; the China regions take no other)',
      });
  });
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

/**
 * Why a deployment in the China regions (chinaDeployment) refuses a console configuration, if it does:
 * CloudFront there serves no default domain (so a domain with an ICP filing is needed, which
 * `domainName` already is) and takes no ACM certificate.
 */
export function chinaConsoleProblem(settings: Pick<ConsoleConfig, 'certificateArn' | 'iamCertificateId'>): string | undefined {
  if (settings.certificateArn !== undefined || settings.iamCertificateId === undefined)
    return 'CloudFront in the China regions (cn-north-1, cn-northwest-1) takes no ACM certificate and serves no default *.cloudfront.cn domain: give console.domainName (with its ICP filing, ICP备案) and console.iamCertificateId, the id of its certificate uploaded to IAM (aws iam upload-server-certificate --path /cloudfront/ …)';
  return undefined;
}

/** Whether a configuration deploys to the China regions: its replica region is one (S3 replication and backup copies stay within a partition). */
export function chinaDeployment(config: { replicaRegion: string }): boolean {
  return config.replicaRegion.startsWith('cn-');
}

/** The console's origin, `https://<domainName>`: what the API's and the buckets' CORS rules allow. */
export function consoleOrigin(settings: Pick<ConsoleConfig, 'domainName'>): string {
  return `https://${settings.domainName}`;
}

/** The URL the identity provider sends the officer back to (OIDC redirect URI): the console's root. */
export function consoleUrl(settings: Pick<ConsoleConfig, 'domainName'>): string {
  return `${consoleOrigin(settings)}/`;
}

/** The SAML audience (SAML:aud) the roles require: `audience`, or the console's SAML_ACS_PATH. */
export function samlAudience(settings: Pick<ConsoleConfig, 'domainName'>, signIn: SamlSignIn): string {
  return signIn.audience ?? `${consoleOrigin(settings)}${SAML_ACS_PATH}`;
}

/** The name of the IAM SAML provider of stage `stage`. */
export function samlProviderName(stage: string): string {
  return `tongban-${stage}-sign-in`;
}

/** The IAM OIDC provider's name in its ARN and its condition keys: the issuer without `https://`. */
export function oidcProviderPath(signIn: OidcSignIn): string {
  return signIn.issuer.replace(/^https:\/\//, '');
}

/** The SAML metadata document of `path` (relative to the working directory). */
export function readSamlMetadata(path: string): string {
  return readFileSync(resolve(path), 'utf8');
}

/** Why the SAML metadata document at `path` cannot be given to IAM, if it cannot. */
function samlMetadataProblem(path: string): string | undefined {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile())
    return `console.signIn.metadataFile: ${path} is not a file (${file}): save the identity provider's SAML metadata document there`;
  const text = readFileSync(file, 'utf8');
  if (text.length < SAML_METADATA_MIN || text.length > SAML_METADATA_MAX)
    return `console.signIn.metadataFile: ${path} has ${text.length} characters; IAM takes a metadata document of ${SAML_METADATA_MIN} to ${SAML_METADATA_MAX}`;
  if (!/<(?:[\w-]+:)?EntityDescriptor[\s>]/.test(text)) return `console.signIn.metadataFile: ${path} is not SAML metadata (no EntityDescriptor element)`;
  return undefined;
}
