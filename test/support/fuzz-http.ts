// The fuzzing test's wire: a request exactly as generated — a raw path (`..`, `%00`, unicode), any
// query pairs, any headers, any body text — signed with SigV4 as one of the platform's principals
// would sign it, or signed badly, or not at all, and sent with node:http (fetch would normalise the
// path and refuse odd header values before the platform ever saw them).
import { actingKeys } from './acting-keys.ts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent, request } from 'node:http';
import type { CredentialsFile } from '../../infra/local/platform.ts';
import { NodeSha256 } from '../../shared/adapters/node-sha256.ts';

/** Who a request is sent as: a principal of the credentials file, or a way of getting the signature wrong. */
export type Signer =
  | { kind: 'principal'; name: string }
  | { kind: 'unsigned' }
  /** An access key id nobody has. */
  | { kind: 'unknown-key' }
  /** A known key id, the wrong secret. */
  | { kind: 'wrong-secret'; name: string }
  /** An Authorization header that is not a SigV4 signature at all. */
  | { kind: 'malformed'; authorization: string }
  /** Signed 20 minutes ago. */
  | { kind: 'expired'; name: string }
  /** Signed for another region. */
  | { kind: 'wrong-region'; name: string }
  /** Signed, then the body changed on the way. */
  | { kind: 'tampered'; name: string }
  /** Signed for, and sent to, a host name that is not the platform's. */
  | { kind: 'foreign-host'; name: string };

export interface RawRequest {
  method: string;
  /** The path as sent on the wire (percent-encoded as generated, never normalised here). */
  path: string;
  query: [string, string][];
  /** Extra headers (Content-Type, Idempotency-Key…), names as sent. */
  headers: Record<string, string>;
  /** Headers sent but left out of the signature (a replayed request's new Idempotency-Key). */
  unsignedHeaders?: readonly string[];
  body?: string;
  signer: Signer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface FuzzTarget {
  endpoint: string;
  credentials: CredentialsFile;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Sends `req` to the platform as generated; answers its status, content type and body text. */
export async function sendRaw(target: FuzzTarget, req: RawRequest): Promise<RawResponse> {
  const base = new URL(target.endpoint);
  const host = req.signer.kind === 'foreign-host' ? 'tongban.example.invalid' : base.host;
  const search = new URLSearchParams(req.query).toString();
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { ...req.headers, host, accept: 'application/json' };
  const signed = await sign(target, req, headers, body);
  const sentBody = req.signer.kind === 'tampered' ? Buffer.concat([body ?? Buffer.alloc(0), Buffer.from(' ')]) : body;
  return new Promise<RawResponse>((resolve, reject) => {
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: `${req.path}${search ? `?${search}` : ''}`,
        headers: { ...signed, ...(sentBody !== undefined ? { 'content-length': String(sentBody.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(sentBody);
  });
}

/** Closes the kept-alive connections (the test's end). */
export function closeFuzzAgent(): void {
  agent.destroy();
}

async function sign(target: FuzzTarget, req: RawRequest, headers: Record<string, string>, body: Buffer | undefined): Promise<Record<string, string>> {
  const s = req.signer;
  if (s.kind === 'unsigned') return headers;
  if (s.kind === 'malformed') return { ...headers, authorization: s.authorization };
  const principal = s.kind === 'unknown-key' ? undefined : actingKeys(target.credentials, s.name);
  const accessKeyId = principal?.accessKeyId ?? 'AKIDFUZZUNKNOWN00000';
  const secretAccessKey = s.kind === 'wrong-secret' || !principal ? 'not-the-secret' : principal.secretAccessKey;
  const region = s.kind === 'wrong-region' ? 'us-east-1' : target.credentials.region;
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: { accessKeyId, secretAccessKey }, sha256: NodeSha256 });
  // The platform verifies against the path as it reads it (the WHATWG URL's pathname): signed alike,
  // so that a request with an odd path reaches the route it names rather than a signature mismatch.
  const url = new URL(req.path, 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const unsigned = Object.fromEntries(Object.entries(headers).filter(([k]) => req.unsignedHeaders?.some((u) => u.toLowerCase() === k.toLowerCase())));
  const toSign = Object.fromEntries(Object.entries(headers).filter(([k]) => !(k in unsigned)));
  const signed = await signer.sign(
    new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers.host!.split(':')[0]!, path: url.pathname, query, headers: toSign, ...(body ? { body } : {}) }),
    s.kind === 'expired' ? { signingDate: new Date(Date.now() - 20 * 60 * 1000) } : {},
  );
  return { ...(signed.headers as Record<string, string>), ...unsigned };
}
