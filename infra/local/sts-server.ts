// The embedded stand-in for AWS STS's AssumeRoleWithWebIdentity (query protocol, version 2011-06-15),
// for the console's federated sign-in: the browser posts the identity provider's ID token and gets
// temporary credentials of a principal's role, named after the officer, which the embedded API
// gateway and S3 then accept until they expire (`admit`).
//
// It refuses what STS refuses, with STS's codes, for the trust each named principal's role has on AWS
// (infra/constructs/principal-roles.ts: federatedTrustStatement): a token of a provider it does not
// know (the IAM OIDC provider: issuer and client ids), a signature that does not verify against the
// issuer's published keys (fetched from its discovery document, as STS does), an expired token, an
// audience not among the client ids, a role that does not trust the provider, and the trust policy's
// conditions — a source identity in the token (`sts:SourceIdentity` not null), the session named after
// it (`sts:RoleSessionName` = `${sts:SourceIdentity}`), and the session tag `tongban-principal`, the only
// one, naming the role's own principal. Session policies (Policy, PolicyArns) are refused rather than
// ignored: the embedded gateway could not narrow a session by them.
//
// Answers carry `Access-Control-Allow-Origin: *` so a browser can read them: the console posts a form
// (a CORS "simple" request, no preflight), as it does to STS on AWS.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { JWTPayload } from 'jose';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { OFFICER_ID_PATTERN } from '../../shared/contracts/directory.ts';
import { PRINCIPAL_TAG, SOURCE_IDENTITY_CLAIM, TAGS_CLAIM } from '../console-config.ts';
import { closeServer, listen } from './listen.ts';
import { escapeMarkup } from './markup.ts';
import { readBody } from './request-body.ts';

/** STS's bounds: a session lasts 15 minutes at least, a web identity token is at most 20,000 characters. */
const MIN_SESSION_SECONDS = 900;
const MAX_TOKEN_CHARS = 20_000;
/** The request body this stand-in reads at most (a token, an ARN and a few parameters). */
const MAX_REQUEST_BYTES = 64 * 1024;
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The IAM OIDC provider: the issuer STS takes tokens from, and the audiences (client ids) it accepts. */
export interface WebIdentityProvider {
  issuer: string;
  clientIds: readonly string[];
}

/** A role that trusts the provider: the principal whose role it is, and its longest session. */
export interface FederatedRole {
  principal: string;
  maxSessionSeconds: number;
}

/** Temporary credentials STS issued: of `principal`'s role, in a session named `sessionName` (the officer). */
export interface IssuedSession {
  principal: string;
  sessionName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since the epoch. */
  expiresAt: number;
}

export interface StsOptions {
  host: string;
  provider: WebIdentityProvider;
  /** The role an ARN names, when it trusts the provider; none otherwise. */
  roleOf: (roleArn: string) => FederatedRole | undefined;
  /** The session ARN STS reports for a session of `principal`'s role (`arn:aws:sts::<account>:assumed-role/<role>/<session>`). */
  sessionArn: (principal: string, sessionName: string) => string;
  /** Makes the issued credentials acceptable where they are used (the API gateway, S3). */
  admit: (session: IssuedSession) => void | Promise<void>;
  now?: () => number;
}

export interface RunningSts {
  endpoint: string;
  close(): Promise<void>;
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export async function startLocalSts(options: StsOptions): Promise<RunningSts> {
  const now = options.now ?? Date.now;
  const keys = issuerKeys(options.provider.issuer);
  const server = createServer((req, res) => {
    answer(req, res, options, keys, now).catch((e: unknown) => {
      if (e instanceof StsError) return sendError(res, e);
      console.error('embedded STS failure', e);
      sendError(res, new StsError(500, 'InternalFailure', 'The request processing has failed because of an unknown error.', 'Receiver'));
    });
  });
  const { port } = await listen(server, options.host);
  return { endpoint: `http://${options.host}:${port}`, close: () => closeServer(server) };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  options: StsOptions,
  keys: () => Promise<ReturnType<typeof createRemoteJWKSet>>,
  now: () => number,
): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    });
    return void res.end();
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw new StsError(405, 'InvalidAction', `${req.method} is not supported`);
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === 'too-large') throw new StsError(413, 'RequestEntityTooLarge', `the request is over ${MAX_REQUEST_BYTES} bytes`);
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://sts').search);
  if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  if (params.get('Action') !== 'AssumeRoleWithWebIdentity')
    throw new StsError(400, 'InvalidAction', `Could not find operation ${params.get('Action') ?? '(none)'} for version 2011-06-15`);
  if (params.get('Version') !== '2011-06-15') throw new StsError(400, 'InvalidAction', 'Version must be 2011-06-15');
  for (const unsupported of ['Policy', 'PolicyArns.member.1', 'ProviderId']) {
    if (params.has(unsupported)) throw new StsError(400, 'InvalidParameterValue', `the embedded STS does not take ${unsupported}: a session has its role's permissions`);
  }

  const roleArn = required(params, 'RoleArn');
  const sessionName = required(params, 'RoleSessionName');
  const token = required(params, 'WebIdentityToken');
  if (!OFFICER_ID_PATTERN.test(sessionName)) throw validation('roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2-64');
  if (token.length < 4 || token.length > MAX_TOKEN_CHARS) throw validation('webIdentityToken', `Member must have length between 4 and ${MAX_TOKEN_CHARS}`);
  const durationText = params.get('DurationSeconds') ?? '3600';
  const duration = /^\d{1,5}$/.test(durationText) ? Number(durationText) : NaN;
  if (!(duration >= MIN_SESSION_SECONDS && duration <= 43_200)) throw validation('durationSeconds', 'Member must have value between 900 and 43200');

  const claims = await verifiedClaims(token, options.provider, keys, now);
  const role = options.roleOf(roleArn);
  const denied = () => new StsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
  if (!role) throw denied();
  // The role's trust policy: a source identity named, the session named after it, the one tag naming this role's principal.
  const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM];
  if (typeof sourceIdentity !== 'string' || sourceIdentity !== sessionName) throw denied();
  if (!OFFICER_ID_PATTERN.test(sourceIdentity)) throw new StsError(400, 'InvalidIdentityToken', 'The source identity in the token is not valid');
  const tags = (claims[TAGS_CLAIM] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags;
  const tagKeys = tags && typeof tags === 'object' ? Object.keys(tags) : [];
  const tagged = tags?.[PRINCIPAL_TAG];
  if (tagKeys.length !== 1 || !Array.isArray(tagged) || tagged.length !== 1 || tagged[0] !== role.principal) throw denied();
  if (duration > role.maxSessionSeconds) throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const session: IssuedSession = {
    principal: role.principal,
    sessionName,
    accessKeyId: `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(96).toString('base64'),
    expiresAt: Math.floor(now() / 1000) * 1000 + duration * 1000,
  };
  await options.admit(session);
  const xml = `<AssumeRoleWithWebIdentityResponse xmlns="${NAMESPACE}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${escapeMarkup(String(claims.sub ?? ''))}</SubjectFromWebIdentityToken>
    <Audience>${escapeMarkup(String(Array.isArray(claims.aud) ? claims.aud[0] : claims.aud))}</Audience>
    <AssumedRoleUser>
      <Arn>${escapeMarkup(options.sessionArn(role.principal, sessionName))}</Arn>
      <AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${escapeMarkup(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${session.sessionToken}</SessionToken>
      <SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>
      <Expiration>${new Date(session.expiresAt).toISOString()}</Expiration>
      <AccessKeyId>${session.accessKeyId}</AccessKeyId>
    </Credentials>
    <SourceIdentity>${escapeMarkup(sourceIdentity)}</SourceIdentity>
    <Provider>${escapeMarkup(new URL(options.provider.issuer).host)}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
  send(res, 200, xml);
}

/** The token's claims once its issuer is the provider's, its signature verifies with the issuer's keys, it has not expired and names a client id. */
async function verifiedClaims(token: string, provider: WebIdentityProvider, keys: () => Promise<ReturnType<typeof createRemoteJWKSet>>, now: () => number): Promise<JWTPayload> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new StsError(400, 'InvalidIdentityToken', "Couldn't retrieve verification key from your identity provider: the token is not a JWT");
  }
  if (unverified.iss !== provider.issuer) throw new StsError(400, 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${String(unverified.iss)}`);
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  try {
    jwks = await keys();
  } catch (e) {
    throw new StsError(400, 'IDPCommunicationError', `Couldn't retrieve the identity provider's discovery document: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const { payload } = await jwtVerify(token, jwks, { issuer: provider.issuer, currentDate: new Date(now()), algorithms: ['RS256', 'ES256', 'ES384', 'RS384', 'RS512'] });
    const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
    if (!audiences.some((a) => provider.clientIds.includes(a))) throw new StsError(400, 'InvalidIdentityToken', 'Incorrect token audience');
    return payload;
  } catch (e) {
    if (e instanceof StsError) throw e;
    if (e instanceof joseErrors.JWTExpired) throw new StsError(400, 'ExpiredTokenException', 'Token expired: current date/time must be before the expiration date/time');
    if (e instanceof joseErrors.JWKSTimeout || !(e instanceof joseErrors.JOSEError))
      throw new StsError(400, 'IDPCommunicationError', "Couldn't retrieve verification key from your identity provider");
    throw new StsError(400, 'InvalidIdentityToken', `The token does not verify: ${e.message}`);
  }
}

/** The issuer's key set, located through its discovery document (read once, the keys cached by jose). */
function issuerKeys(issuer: string): () => Promise<ReturnType<typeof createRemoteJWKSet>> {
  let found: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  return () => {
    found ??= (async () => {
      const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { jwks_uri } = (await res.json()) as { jwks_uri?: string };
      if (typeof jwks_uri !== 'string') throw new Error('the discovery document names no jwks_uri');
      return createRemoteJWKSet(new URL(jwks_uri));
    })().catch((e: unknown) => {
      found = undefined;
      throw e;
    });
    return found;
  };
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw validation(name.charAt(0).toLowerCase() + name.slice(1), 'Member must not be null');
  return value;
}

function validation(member: string, constraint: string): StsError {
  return new StsError(400, 'ValidationError', `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`);
}

function sendError(res: ServerResponse, e: StsError): void {
  if (res.headersSent) return void res.destroy();
  send(
    res,
    e.status,
    `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${e.type}</Type>\n    <Code>${e.code}</Code>\n    <Message>${escapeMarkup(e.message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>`,
  );
}

function send(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
  res.end(xml);
}
