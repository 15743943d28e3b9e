// The web console on the embedded platform, at `/console/` of the API gateway's own origin (so its
// signed API calls are same-origin): the built files (infra/console-build.ts, built on the first
// request), its `config.json` (this platform's endpoints), and — to a caller on this machine only —
// the principals' key pairs of credentials.json, which the embedded sign-in offers. On AWS the same
// files are a static site and the sign-in is the government's identity provider (infra/stacks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ConsoleSettings, OidcConsoleSignIn } from '../../shared/contracts/console-settings.ts';
import type { LocalCredentials } from '../../shared/contracts/local-credentials.ts';

export const CONSOLE_PATH = '/console';

export interface ConsoleSiteOptions {
  /** The built console's folder (built on first use). */
  dist: () => Promise<string>;
  /** The credentials file as written, once the platform has started. */
  credentials: () => LocalCredentials | undefined;
  /**
   * The federated sign-in for a console at the given root URL, when the platform runs one
   * (federated-sign-in.ts): `config.json` then names it and the key pairs are not offered.
   */
  federated?: () => { settings: (consoleUrl: string) => OidcConsoleSignIn; origins: readonly string[] } | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A built asset's name: what Vite writes under assets/, nothing that climbs out of it. */
const ASSET = /^\/console\/assets\/[A-Za-z0-9._-]+$/;

export type ConsoleSite = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export function consoleSite(opts: ConsoleSiteOptions): ConsoleSite {
  let dist: Promise<string> | undefined;
  const built = () => {
    dist ??= opts.dist().catch((e: unknown) => {
      dist = undefined;
      throw e;
    });
    return dist;
  };
  return async (req, res, url) => {
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'GET only', { allow: 'GET, HEAD' });
    if (path === CONSOLE_PATH) return send(res, 308, 'text/plain; charset=utf-8', '', { location: `${CONSOLE_PATH}/` });
    const credentials = opts.credentials();
    const federated = opts.federated?.();
    if (path === `${CONSOLE_PATH}/config.json`) {
      if (!credentials) return send(res, 503, 'text/plain; charset=utf-8', 'the platform is starting', { 'retry-after': '1' });
      const config: ConsoleSettings = {
        apiEndpoint: credentials.endpoint,
        region: credentials.region,
        ...(credentials.archive ? { archive: credentials.archive } : {}),
        signIn: federated ? federated.settings(`http://${req.headers.host ?? ''}${CONSOLE_PATH}/`) : { kind: 'local', credentialsUrl: './local-credentials.json' },
      };
      return send(res, 200, TYPES['.json']!, JSON.stringify(config), { 'cache-control': 'no-store' });
    }
    if (path === `${CONSOLE_PATH}/local-credentials.json`) {
      // The key pairs of a platform for trying things: offered to this machine only, never cached.
      if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, 'text/plain; charset=utf-8', 'the embedded sign-in is for this machine only');
      if (federated) return send(res, 404, 'text/plain; charset=utf-8', 'this platform signs in through its identity provider');
      if (!credentials) return send(res, 503, 'text/plain; charset=utf-8', 'the platform is starting', { 'retry-after': '1' });
      return send(res, 200, TYPES['.json']!, JSON.stringify(credentials), { 'cache-control': 'no-store' });
    }
    const folder = await built();
    if (path === `${CONSOLE_PATH}/` || path === `${CONSOLE_PATH}/index.html`) {
      return send(res, 200, TYPES['.html']!, await readFile(join(folder, 'index.html')), {
        'cache-control': 'no-cache',
        'content-security-policy': contentSecurityPolicy(credentials, federated?.origins),
      });
    }
    if (ASSET.test(path)) {
      const body = await readFile(join(folder, 'assets', path.slice(`${CONSOLE_PATH}/assets/`.length))).catch(() => undefined);
      // Named by their content's hash: a name never changes its content.
      if (body) return send(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', body, { 'cache-control': 'public, max-age=31536000, immutable' });
    }
    return send(res, 404, 'text/plain; charset=utf-8', `no console file ${path}`);
  };
}

/**
 * What the page may load and call: its own origin (the API), the embedded S3 endpoint for uploads,
 * materials shown inline and the archive, and a federated sign-in's token endpoint and STS. Nothing
 * inline but styles (set by React and the charts through the CSS object model), no plug-ins, never framed.
 */
export function contentSecurityPolicy(credentials: LocalCredentials | undefined, signInOrigins: readonly string[] = []): string {
  const s3 = credentials?.archive ? new URL(credentials.archive.endpoint).origin : '';
  return [
    "default-src 'self'",
    ['connect-src', "'self'", s3, ...signInOrigins].filter(Boolean).join(' '),
    `img-src 'self' blob: data: ${s3}`.trim(),
    `frame-src blob: ${s3}`.trim(),
    "object-src 'none'",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
