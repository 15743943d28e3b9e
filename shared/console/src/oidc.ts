// The sign-in through the government's identity provider (OpenID Connect), as config.json describes it
// (shared/contracts/console-settings.ts): the authorisation code flow with PKCE (S256) — the page goes
// to the provider with a fresh verifier's challenge, a state and a nonce kept in sessionStorage, and
// comes back to the redirect URI with `?code=&state=` — then the code exchanged at the token endpoint
// for the ID token, and the ID token at STS (AssumeRoleWithWebIdentity) for temporary credentials of the
// role of the principal the token's session tag names, in a session named after the officer (the
// token's source identity). STS checks the token's signature and the role's trust; the page checks
// what is its own to check: the state, the nonce, the issuer, the audience and the expiry.
//
// Both posts are forms (application/x-www-form-urlencoded, no custom header): CORS "simple" requests,
// which need no preflight, only the answer's Access-Control-Allow-Origin.
import type { OidcConsoleSignIn } from '../../contracts/console-settings.ts';
import { base64UrlOf, fromBase64, utf8Text } from '../../domain/bytes.ts';
import { ApiError } from './api/client.ts';

const PENDING_KEY = 'tongban.oidc.pending';
/** A sign-in not finished within this long is abandoned (its state no longer accepted). */
const PENDING_MS = 10 * 60 * 1000;

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  /** The hash route the person was on, to return to. */
  returnTo: string;
  startedAt: number;
}

/** Temporary credentials of a principal's role, in the officer's session. */
export interface FederatedCredentials {
  principal: string;
  officer: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/** Goes to the identity provider's sign-in page. */
export async function beginOidcSignIn(signIn: OidcConsoleSignIn): Promise<void> {
  const { authorizationEndpoint } = await endpoints(signIn);
  const verifier = randomToken(32);
  const pending: Pending = { state: randomToken(16), nonce: randomToken(16), verifier, returnTo: location.hash, startedAt: Date.now() };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(authorizationEndpoint);
  const query = {
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: signIn.redirectUri,
    scope: signIn.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: base64UrlOf(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  location.assign(url.toString());
}

/** The provider's answer on this page's address (`?code=&state=` or `?error=&state=`), when this load is a return from it. */
export function oidcReturn(): URLSearchParams | undefined {
  const params = new URLSearchParams(location.search);
  return params.has('state') && (params.has('code') || params.has('error')) ? params : undefined;
}

let completing: { state: string | null; result: Promise<FederatedCredentials> } | undefined;

/** Finishes the sign-in the provider's answer returns to: the ID token, then the role's credentials from STS (once per answer, however often asked). */
export function completeOidcSignIn(signIn: OidcConsoleSignIn, params: URLSearchParams): Promise<FederatedCredentials> {
  if (completing?.state !== params.get('state')) completing = { state: params.get('state'), result: complete(signIn, params) };
  return completing.result;
}

async function complete(signIn: OidcConsoleSignIn, params: URLSearchParams): Promise<FederatedCredentials> {
  const pending = takePending();
  // The code is good once: it leaves the address bar (and the history) before anything else.
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? ''}`);
  if (!pending || pending.state !== params.get('state') || Date.now() - pending.startedAt > PENDING_MS) {
    throw refusal(
      'SIGN_IN_STATE_MISMATCH',
      '登录请求已失效或不是本页发起的，请重新登录',
      'the sign-in answer does not match a sign-in this page started (or it took too long): sign in again',
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? error;
    throw refusal('SIGN_IN_DENIED', `统一身份认证未完成登录：${description}`, `the identity provider did not sign you in: ${description}`);
  }
  const idToken = await exchangeCode(signIn, params.get('code') ?? '', pending.verifier);
  const claims = checkedClaims(signIn, idToken, pending.nonce);
  const officer = claims[signIn.sourceIdentityClaim];
  const tagged = (claims[signIn.tagsClaim] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags?.[signIn.principalTag];
  const principal = Array.isArray(tagged) && typeof tagged[0] === 'string' ? tagged[0] : undefined;
  if (typeof officer !== 'string' || principal === undefined) {
    throw refusal(
      'SIGN_IN_NOT_ASSIGNED',
      '统一身份认证未给出经办人标识或其所属主体，请联系身份管理员',
      `the ID token names no officer (${signIn.sourceIdentityClaim}) or no principal (${signIn.tagsClaim} → ${signIn.principalTag})`,
    );
  }
  return { principal, officer, ...(await assumeRole(signIn, principal, officer, idToken)) };
}

async function endpoints(signIn: OidcConsoleSignIn): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
  if (signIn.authorizationEndpoint !== undefined && signIn.tokenEndpoint !== undefined)
    return { authorizationEndpoint: signIn.authorizationEndpoint, tokenEndpoint: signIn.tokenEndpoint };
  const res = await fetch(`${signIn.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).catch(() => undefined);
  const doc = res?.ok ? ((await res.json()) as { authorization_endpoint?: unknown; token_endpoint?: unknown }) : undefined;
  const authorizationEndpoint = signIn.authorizationEndpoint ?? doc?.authorization_endpoint;
  const tokenEndpoint = signIn.tokenEndpoint ?? doc?.token_endpoint;
  if (typeof authorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') {
    throw refusal('SIGN_IN_PROVIDER_UNREACHABLE', '无法连接统一身份认证，请稍后重试', `the identity provider's discovery document (${signIn.issuer}) cannot be read`);
  }
  return { authorizationEndpoint, tokenEndpoint };
}

async function exchangeCode(signIn: OidcConsoleSignIn, code: string, verifier: string): Promise<string> {
  const { tokenEndpoint } = await endpoints(signIn);
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: signIn.redirectUri, client_id: signIn.clientId, code_verifier: verifier });
  const res = await fetch(tokenEndpoint, { method: 'POST', body, cache: 'no-store' }).catch(() => undefined);
  if (!res) throw refusal('SIGN_IN_PROVIDER_UNREACHABLE', '无法连接统一身份认证，请稍后重试', `the token endpoint ${tokenEndpoint} cannot be reached`);
  const answer = (await res.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown; error_description?: unknown };
  if (!res.ok || typeof answer.id_token !== 'string') {
    const why = [answer.error_description, answer.error].find((x): x is string => typeof x === 'string') ?? `HTTP ${res.status}`;
    throw refusal('SIGN_IN_TOKEN_REFUSED', `统一身份认证未签发身份令牌：${why}`, `the identity provider refused the code: ${why}`);
  }
  return answer.id_token;
}

/** The ID token's claims, once its issuer, audience, nonce and expiry are this sign-in's (its signature is STS's to check). */
function checkedClaims(signIn: OidcConsoleSignIn, idToken: string, nonce: string): Record<string, unknown> {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(utf8Text(fromBase64(idToken.split('.')[1] ?? ''))) as Record<string, unknown>;
  } catch {
    throw refusal('SIGN_IN_TOKEN_INVALID', '身份令牌格式错误', 'the ID token is not a JWT');
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const ok = claims.iss === signIn.issuer && audiences.includes(signIn.clientId) && claims.nonce === nonce && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  if (!ok) throw refusal('SIGN_IN_TOKEN_INVALID', '身份令牌不是为本站签发的或已过期，请重新登录', 'the ID token is of another issuer, client or sign-in, or has expired');
  return claims;
}

async function assumeRole(signIn: OidcConsoleSignIn, principal: string, officer: string, idToken: string): Promise<Omit<FederatedCredentials, 'principal' | 'officer'>> {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: signIn.roleArnPattern.replace(signIn.principalPlaceholder, principal),
    RoleSessionName: officer,
    WebIdentityToken: idToken,
    DurationSeconds: String(signIn.sessionSeconds),
  });
  const res = await fetch(signIn.stsEndpoint, { method: 'POST', body, cache: 'no-store' }).catch(() => undefined);
  if (!res) throw refusal('SIGN_IN_STS_UNREACHABLE', '无法连接 AWS STS，请稍后重试', `STS (${signIn.stsEndpoint}) cannot be reached`);
  const xml = new DOMParser().parseFromString(await res.text(), 'application/xml');
  const text = (name: string) => xml.getElementsByTagName(name)[0]?.textContent ?? undefined;
  if (!res.ok) {
    const code = text('Code') ?? `HTTP_${res.status}`;
    throw refusal(
      `STS_${code}`,
      `无法取得“${principal}”的角色凭证（${code}）：请确认统一身份认证为您分配的主体`,
      `STS refused the role of ${principal}: ${code}: ${text('Message') ?? ''}`,
    );
  }
  const accessKeyId = text('AccessKeyId');
  const secretAccessKey = text('SecretAccessKey');
  const sessionToken = text('SessionToken');
  const expiresAt = Date.parse(text('Expiration') ?? '');
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiresAt)) {
    throw refusal('SIGN_IN_STS_MALFORMED', 'AWS STS 的应答无法识别', 'the answer of STS holds no credentials');
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiresAt };
}

function takePending(): Pending | undefined {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  try {
    return raw ? (JSON.parse(raw) as Pending) : undefined;
  } catch {
    return undefined;
  }
}

function refusal(code: string, messageZh: string, message: string): ApiError {
  return new ApiError(401, code, messageZh, undefined, message);
}

function randomToken(bytes: number): string {
  return base64UrlOf(crypto.getRandomValues(new Uint8Array(bytes)));
}
