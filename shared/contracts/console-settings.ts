// What the web console reads at start from `./config.json`, beside its index.html: where the API and
// the buckets are, and how its officer signs in. On AWS the console stack writes it
// (infra/stacks/console-stack.ts) from the deployment's configuration and the stacks' resources, with a
// sign-in of kind `oidc` or `saml`; the embedded platform answers it itself, with the sign-in `local`
// (its key pairs, from `credentialsUrl`).
//
// The sign-in gives the browser temporary credentials of a principal's role, as a named officer
// (source identity = session name = the officer's id, set by the identity provider):
// - OpenID Connect (`kind: "oidc"`): authorisation code with PKCE at `authorizationEndpoint` (else the
//   issuer's discovery document's), `redirectUri` the console's root, `clientId`, `scope`; the code
//   exchanged at `tokenEndpoint` for the ID token (the provider must answer the console's origin with
//   CORS). The token names the officer in the claim `sourceIdentityClaim` and the principal in the
//   session tag `principalTag` of the claim `tagsClaim` (`{ "principal_tags": { "tongban-principal":
//   ["<name>"] } }`). Then STS AssumeRoleWithWebIdentity at `stsEndpoint` (unsigned; STS answers
//   browsers with CORS): RoleArn = `roleArnPattern` with `principalPlaceholder` replaced by that name,
//   RoleSessionName = the officer's id, WebIdentityToken = the ID token, DurationSeconds =
//   `sessionSeconds`.
// - SAML 2.0 (`kind: "saml"`): the officer goes to `signInUrl`; the provider posts its response to
//   `audience`; its assertion's Role attribute (`attributes.role`: `<role ARN>,<provider ARN>` pairs)
//   lists the roles the officer may take, its SourceIdentity and RoleSessionName attributes the
//   officer's id. Then STS AssumeRoleWithSAML at `stsEndpoint`: RoleArn (one of those roles, matching
//   `roleArnPattern`), PrincipalArn = `providerArn`, SAMLAssertion = the response, base64.
// The credentials then sign every API call (aws4fetch, service execute-api, `region`) and, for an
// auditor, the reads of the archive bucket at `archive.endpoint`; they last `sessionSeconds` at most.
import * as z from 'zod';

/**
 * An endpoint the sign-in talks to: https, or http on this machine's loopback (the embedded
 * platform's stand-ins; a browser treats loopback as a secure context too).
 */
const secureUrl = () =>
  z.url({ protocol: /^https?$/ }).refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'must be an https URL (http only on the loopback interface)');

/** What stands for the principal's name in `signIn.roleArnPattern`. */
export const CONSOLE_PRINCIPAL_PLACEHOLDER = '<name>';

const CommonSignIn = {
  /** The ARN of the role of principal `<name>`: `arn:<partition>:iam::<account>:role/tongban-<stage>-<name>`. */
  roleArnPattern: z.string().includes(CONSOLE_PRINCIPAL_PLACEHOLDER),
  principalPlaceholder: z.literal(CONSOLE_PRINCIPAL_PLACEHOLDER),
  /** The ARN of the IAM identity provider the roles trust. */
  providerArn: z.string().startsWith('arn:'),
  /** STS of the console's region: https://sts.<region>.amazonaws.com (.com.cn in the China regions). */
  stsEndpoint: secureUrl(),
  /** The longest session the roles allow (DurationSeconds). */
  sessionSeconds: z.number().int().min(900).max(43200),
};

export const OidcConsoleSignInSchema = z
  .object({
    kind: z.literal('oidc'),
    issuer: secureUrl(),
    clientId: z.string().min(1),
    redirectUri: secureUrl(),
    scope: z.string().min(1),
    authorizationEndpoint: secureUrl().optional(),
    tokenEndpoint: secureUrl().optional(),
    /** `https://aws.amazon.com/source_identity`: the officer's id. */
    sourceIdentityClaim: z.string(),
    /** `https://aws.amazon.com/tags`: the session tags. */
    tagsClaim: z.string(),
    /** `tongban-principal`: the session tag naming the principal. */
    principalTag: z.string(),
    ...CommonSignIn,
  })
  .strict();

export const SamlConsoleSignInSchema = z
  .object({
    kind: z.literal('saml'),
    signInUrl: secureUrl(),
    /** The Recipient of the assertions, where the provider posts its response. */
    audience: secureUrl(),
    /** The names of the assertion's attributes: the roles, the source identity, the session name. */
    attributes: z.object({ role: z.string(), sourceIdentity: z.string(), roleSessionName: z.string() }).strict(),
    ...CommonSignIn,
  })
  .strict();

/** The embedded platform's sign-in: its local key pairs. */
export const LocalConsoleSignInSchema = z.object({ kind: z.literal('local'), credentialsUrl: z.string().min(1) }).strict();

export const ConsoleSettingsSchema = z
  .object({
    /** The API's base URL, its stage included, ending in `/`. */
    apiEndpoint: z.url({ protocol: /^https?$/ }),
    /** The region the API, STS and the buckets are in (SigV4's). */
    region: z.string().min(1),
    /** The materials bucket (the console reads and writes it through presigned URLs only). */
    materialsBucket: z.string().min(3).optional(),
    /** The archive bucket, which auditors read and list with their own signature, at `endpoint` (its regional S3 endpoint on AWS). */
    archive: z
      .object({ bucket: z.string().min(3), endpoint: z.url({ protocol: /^https?$/ }) })
      .strict()
      .optional(),
    signIn: z.discriminatedUnion('kind', [OidcConsoleSignInSchema, SamlConsoleSignInSchema, LocalConsoleSignInSchema]),
  })
  .strict();
export type ConsoleSettings = z.infer<typeof ConsoleSettingsSchema>;
export type OidcConsoleSignIn = z.infer<typeof OidcConsoleSignInSchema>;
export type SamlConsoleSignIn = z.infer<typeof SamlConsoleSignInSchema>;
