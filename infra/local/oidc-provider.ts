// The embedded stand-in for the government's identity provider (统一身份认证), for trying and testing
// the console's federated sign-in without one: an OpenID Connect provider with the authorisation code
// flow and PKCE (S256) for one public client, the console. Its sign-in page lists the officers the
// embedded platform knows (no passwords: whoever reaches it on this machine may be anyone, as with the
// embedded sign-in); its ID tokens carry what the principals' roles trust on AWS — the officer's id as
// `https://aws.amazon.com/source_identity` and the principal as the session tag `tongban-principal`
// under `https://aws.amazon.com/tags` (infra/console-config.ts) — signed RS256 with a key made at
// start and published at its jwks_uri. Tokens last five minutes; codes one minute, once.
//
// It refuses what a provider must (RFC 6749, RFC 7636, OpenID Connect Core): an unknown client or a
// redirect URI not registered for it (an error page, never a redirect), a request without an S256
// code challenge (an error sent back to the client), and at the token endpoint a code unknown, used,
// expired, of another redirect URI, or whose verifier does not match its challenge. The token
// endpoint answers the console's origin with CORS, as the real provider must (console-settings.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { PRINCIPAL_TAG, SOURCE_IDENTITY_CLAIM, TAGS_CLAIM } from '../console-config.ts';
import { closeServer, listen } from './listen.ts';
import { escapeMarkup } from './markup.ts';
import { readBody } from './request-body.ts';

const TOKEN_SECONDS = 300;
const CODE_MS = 60_000;
const MAX_FORM_BYTES = 16 * 1024;
/** The discovery document and the keys are public: any page may read them (as providers publish them). */
const PUBLIC = { 'access-control-allow-origin': '*' };
/** Codes outstanding at once: an abandoned sign-in's code is dropped when it expires, and none beyond this many is made. */
const MAX_CODES = 1000;

/** A person who may sign in: an officer (the source identity) of a principal. */
export interface Officer {
  id: string;
  principal: string;
  /** Shown on the sign-in page, e.g. the principal's department. */
  label: string;
}

export interface OidcProviderOptions {
  host: string;
  clientId: string;
  /** The redirect URIs registered for the client (the console's root). */
  redirectUris: readonly string[];
  officers: () => readonly Officer[];
  now?: () => number;
}

export interface RunningOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

interface PendingCode {
  officer: Officer;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  expiresAt: number;
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomBytes(8).toString('hex');
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const codes = new Map<string, PendingCode>();
  let issuer = '';
  const origins = new Set(options.redirectUris.map((u) => new URL(u).origin));

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      console.error('embedded identity provider failure', e);
      if (!res.headersSent) json(res, 500, { error: 'server_error' });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(
        res,
        200,
        {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          scopes_supported: ['openid', 'profile'],
          claims_supported: ['sub', 'name', 'nonce', SOURCE_IDENTITY_CLAIM, TAGS_CLAIM],
        },
        PUBLIC,
      );
    }
    if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] }, PUBLIC);
    if (url.pathname === '/authorize' && (req.method === 'GET' || req.method === 'POST')) {
      const params = req.method === 'GET' ? url.searchParams : await form(req);
      if (!params) return page(res, 413, '请求过大', '<p>请求过大。</p>');
      return authorize(req.method, params, res);
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const params = await form(req);
      return token(req, params, res);
    }
    return json(res, 404, { error: 'not_found' });
  }

  function authorize(method: string, params: URLSearchParams, res: ServerResponse): void {
    const redirectUri = params.get('redirect_uri') ?? '';
    // An unknown client or redirect URI is told to the person, never sent anywhere (RFC 6749 §4.1.2.1).
    if (params.get('client_id') !== options.clientId || !options.redirectUris.includes(redirectUri)) {
      return page(res, 400, '登录请求无效', '<p>登录请求无效：客户端或回调地址未登记。</p>');
    }
    const state = params.get('state') ?? '';
    const back = (query: Record<string, string>) => {
      const to = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...query, ...(state ? { state } : {}) })) to.searchParams.set(k, v);
      res.writeHead(303, { location: to.toString(), 'cache-control': 'no-store' });
      res.end();
    };
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (!(params.get('scope') ?? '').split(' ').includes('openid')) return back({ error: 'invalid_scope', error_description: 'scope must include openid' });
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return back({ error: 'invalid_request', error_description: 'a code_challenge with code_challenge_method S256 is required' });
    }
    const officers = options.officers();
    if (method === 'POST') {
      const officer = officers.find((o) => o.id === params.get('officer'));
      if (!officer) return back({ error: 'access_denied', error_description: 'no such officer' });
      for (const [key, pending] of codes) if (pending.expiresAt <= now()) codes.delete(key);
      if (codes.size >= MAX_CODES) return back({ error: 'temporarily_unavailable' });
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { officer, redirectUri, challenge, nonce: params.get('nonce') ?? undefined, expiresAt: now() + CODE_MS });
      return back({ code });
    }
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']
      .filter((k) => params.has(k))
      .map((k) => `<input type="hidden" name="${k}" value="${escapeMarkup(params.get(k)!)}">`)
      .join('');
    const choices = officers
      .map(
        (o, i) => `<label><input type="radio" name="officer" value="${escapeMarkup(o.id)}"${i === 0 ? ' required' : ''}> ${escapeMarkup(o.id)} — ${escapeMarkup(o.label)}</label>`,
      )
      .join('<br>');
    page(
      res,
      200,
      '统一身份认证',
      `<p>本地替身：选择登录的经办人（无需密码，仅供本机试用）。</p><form method="post" action="/authorize">${hidden}<fieldset><legend>经办人</legend>${choices}</fieldset><button type="submit">登录</button></form>`,
      [...origins],
    );
  }

  async function token(req: IncomingMessage, params: URLSearchParams | undefined, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin !== undefined && origins.has(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
    const refuse = (error: string, description: string) => json(res, 400, { error, error_description: description }, cors);
    if (!params) return refuse('invalid_request', 'the request is too large');
    if (params.get('grant_type') !== 'authorization_code') return refuse('unsupported_grant_type', 'grant_type must be authorization_code');
    if (params.get('client_id') !== options.clientId) return refuse('invalid_client', 'unknown client');
    const code = params.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code); // once, whatever follows
    if (!pending || pending.expiresAt <= now()) return refuse('invalid_grant', 'the code is unknown, used or expired');
    if (params.get('redirect_uri') !== pending.redirectUri) return refuse('invalid_grant', 'redirect_uri differs from the authorisation request');
    const verifier = params.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
      return refuse('invalid_grant', 'code_verifier does not match the code challenge');
    }
    const seconds = Math.floor(now() / 1000);
    const { officer } = pending;
    const idToken = await new SignJWT({
      name: officer.id,
      ...(pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
      [SOURCE_IDENTITY_CLAIM]: officer.id,
      [TAGS_CLAIM]: { principal_tags: { [PRINCIPAL_TAG]: [officer.principal] } },
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(officer.id)
      .setAudience(options.clientId)
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + TOKEN_SECONDS)
      .sign(privateKey);
    json(res, 200, { access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: TOKEN_SECONDS, id_token: idToken }, cors);
  }

  issuer = `http://${options.host}:${(await listen(server, options.host)).port}`;
  return { issuer, close: () => closeServer(server) };
}

async function form(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req, MAX_FORM_BYTES);
  return body === 'too-large' ? undefined : new URLSearchParams(body.toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** A page of the provider's own: no script, styles inline only, forms posted to itself (and its redirect after one to the client). */
function page(res: ServerResponse, status: number, title: string, body: string, formTargets: string[] = []): void {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeMarkup(title)}</title><style>body{font:16px sans-serif;max-width:40em;margin:2em auto}label{line-height:2}</style></head><body><main><h1>${escapeMarkup(title)}</h1>${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTargets.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
  });
  res.end(html);
}
