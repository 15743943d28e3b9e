// A small signed HTTP client for the Tongban API: SigV4 (service execute-api) with the SDK's own
// signer, credentials from the AWS chain (profiles, environment, SSO…) or from the embedded
// platform's credentials file.
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { readFile } from 'node:fs/promises';
import type { LocalCredentials } from '../contracts/local-credentials.ts';
import { LocalCredentialsSchema } from '../contracts/local-credentials.ts';

export interface ClientTarget {
  endpoint: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  /** The response headers, names lower-cased (an action's Case-Entry, Idempotent-Replayed). */
  headers?: Record<string, string>;
}

export class ApiClient {
  private readonly signer: SignatureV4;
  private readonly base: URL;

  constructor(target: ClientTarget) {
    this.base = new URL(target.endpoint.endsWith('/') ? target.endpoint : `${target.endpoint}/`);
    this.signer = new SignatureV4({ service: 'execute-api', region: target.region, credentials: target.credentials, sha256: Sha256 });
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: { query?: Record<string, string | undefined>; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) query[k] = v;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    // Extra headers (Idempotency-Key) are signed along with the rest.
    const headers: Record<string, string> = { ...opts.headers, host: url.host, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const signed = await this.signer.sign(
      new HttpRequest({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers,
        ...(body !== undefined ? { body } : {}),
      }),
    );
    const search = new URLSearchParams(query).toString();
    const res = await fetch(`${url.origin}${url.pathname}${search ? `?${search}` : ''}`, {
      method,
      headers: signed.headers as Record<string, string>,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text (e.g. an HTML error page from a proxy)
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()) };
  }
}

/**
 * Target for `--as <principal>` (and `--officer <id>`): the embedded platform's credentials file. A
 * named principal (department, reviewer, auditor) acts through its officers, each with its own key
 * pair: `officer` names one (without it the CLI refuses, naming them); an unnamed one (a channel) has none.
 */
export async function localTarget(
  credentialsPath: string,
  principal: string,
  endpointOverride?: string,
  officer?: { id: string; fromEnvironment?: boolean },
): Promise<ClientTarget> {
  const { file, p } = await localPrincipal(credentialsPath, principal);
  const keys = officerKeys(credentialsPath, principal, p, officer);
  return { endpoint: endpointOverride ?? file.endpoint, region: file.region, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } };
}

/** The key pair `--as principal --officer officer` signs with. */
function officerKeys(credentialsPath: string, principal: string, p: LocalCredentials['principals'][string], officer: { id: string; fromEnvironment?: boolean } | undefined) {
  const officers = p.officers ?? {};
  const known = Object.keys(officers);
  if (known.length === 0) {
    // TONGBAN_OFFICER names the officer of the principals that have officers; a channel has none.
    if (officer !== undefined && !officer.fromEnvironment) throw new UsageError(`${principal} (${p.role}) has no named officers: leave out --officer`);
    return p;
  }
  if (officer === undefined) {
    throw new UsageError(
      `${principal} acts through named officers: pass --officer <id> (or set TONGBAN_OFFICER); ${principal}'s officers in ${credentialsPath}: ${known.join(', ')}`,
    );
  }
  const keys = officers[officer.id];
  if (!keys) throw new UsageError(`no officer "${officer.id}" of ${principal} in ${credentialsPath}; known: ${known.join(', ')}`);
  return keys;
}

/** The department a local principal acts for, if it is a department. */
export async function departmentOf(credentialsPath: string, principal: string): Promise<string | undefined> {
  return (await localPrincipal(credentialsPath, principal)).p.departmentId;
}

async function localPrincipal(credentialsPath: string, principal: string) {
  let file: LocalCredentials;
  try {
    file = LocalCredentialsSchema.parse(JSON.parse(await readFile(credentialsPath, 'utf8')));
  } catch (e) {
    throw new UsageError(`cannot read ${credentialsPath} (${(e as Error).message}); start the platform with \`npm start\` or pass --credentials`);
  }
  const p = file.principals[principal];
  if (!p) throw new UsageError(`no principal "${principal}" in ${credentialsPath}; known: ${Object.keys(file.principals).join(', ')}`);
  return { file, p };
}

/** Target for a deployed API: the standard AWS credential chain, optionally a named profile. */
export function awsTarget(endpoint: string | undefined, region: string | undefined, profile: string | undefined): ClientTarget {
  if (!endpoint) {
    throw new UsageError(
      'who are you? Against the embedded platform pass --as <principal> (see .tongban/credentials.json); against a deployment pass --endpoint (the API URL printed by `cdk deploy`, or TONGBAN_ENDPOINT) and --profile',
    );
  }
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  return { endpoint, region, credentials: fromNodeProviderChain(profile ? { profile } : {}) };
}

export class UsageError extends Error {}

/** The platform (or the storage it sent us to) refused: printed as its error, exit 1. */
export class ApiRefusal extends Error {
  constructor(readonly response: ApiResponse) {
    super(`HTTP ${response.status}`);
  }
}
