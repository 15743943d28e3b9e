// Verifies AWS Signature Version 4 on requests to the embedded stand-ins, as AWS does: API Gateway's
// IAM authorisation (service execute-api, the Authorization header) and S3 (service s3, the
// Authorization header or a presigned URL's query string). The signature is recomputed with
// @smithy/signature-v4's own canonicalisation (the SDK's signer) over exactly the headers the client
// said it signed, and compared in constant time.
import { HttpRequest } from '@smithy/protocol-http';
import { ALGORITHM_IDENTIFIER, SignatureV4, createScope, getCanonicalHeaders } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import { gatewayError } from '../../functions/http/http-errors.ts';
import { NodeSha256 } from '../../shared/adapters/node-sha256.ts';
import type { DomainError } from '../../shared/domain/errors.ts';

/** API Gateway and S3 refuse signatures more than 15 minutes off the server clock (either way). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most a week (X-Amz-Expires, seconds), as on S3. */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;
/** The payload hash of a presigned S3 request, and of any S3 request whose body is not signed. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
  principal: string;
  /** The officer whose key pair this is, for a named principal's officers; none for the principal's own. */
  officer?: string;
  /**
   * A temporary credential's (an STS session's, infra/local/sts-server.ts) token: a request signed
   * with it must carry it as X-Amz-Security-Token (header, or query of a presigned URL).
   */
  sessionToken?: string;
  /** When a temporary credential stops being accepted (ms since the epoch). */
  expiresAt?: number;
}

/** Where a request carries a temporary credential's session token, as the field a refusal names. */
export const SESSION_TOKEN_FIELD = 'x-amz-security-token';

export interface SignedRequest {
  method: string;
  /**
   * Path exactly as received (still percent-encoded), without the query string: for execute-api the
   * canonical URI encodes the sent path once more, as the signer does with it; for s3 it is the path
   * as sent.
   */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /**
   * The body. Required for execute-api (its hash is checked). For s3 it may be left out: the
   * signature is then checked over the payload hash the request claims (x-amz-content-sha256), and
   * the caller checks the body against it as it reads it (S3's XAmzContentSHA256Mismatch).
   */
  body?: Buffer;
}

/** What a request claims about its signature, from its Authorization header or its query string. */
interface Claim {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string | undefined;
  /** A presigned URL's lifetime in seconds; none for a signed header. */
  expiresSeconds?: number;
}

const QUERY_AUTH = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;

export class SigV4Verifier {
  private readonly byKey: Map<string, LocalCredential>;
  /** S3's rules: presigned URLs, the path signed as sent, the payload hash as the request claims it. */
  private readonly s3: boolean;

  constructor(
    credentials: LocalCredential[],
    private readonly region: string,
    private readonly service = 'execute-api',
    private readonly now: () => number = Date.now,
  ) {
    this.byKey = new Map(credentials.map((c) => [c.accessKeyId, c]));
    this.s3 = service === 's3';
  }

  /** Accepts a temporary credential from now until it expires (an STS session); expired ones are dropped as new ones come. */
  admit(credential: LocalCredential & { sessionToken: string; expiresAt: number }): void {
    const now = this.now();
    for (const [key, c] of this.byKey) if (c.expiresAt !== undefined && c.expiresAt <= now) this.byKey.delete(key);
    this.byKey.set(credential.accessKeyId, credential);
  }

  /** The verified credential, or a DomainError of kind `unauthenticated` with a stable code. */
  async verify(req: SignedRequest): Promise<LocalCredential> {
    const presigned = !req.headers['authorization'] && req.query.has('X-Amz-Signature');
    if (presigned && !this.s3) throw refused('SIGNATURE_QUERY_UNSUPPORTED', 'presigned URLs are not accepted; sign the Authorization header');
    if (!presigned && !req.headers['authorization']) throw refused('SIGNATURE_MISSING', `the request is not signed (AWS SigV4, service ${this.service})`);
    const claim = presigned ? queryClaim(req.query) : headerClaim(req.headers);

    if (claim.service !== this.service) throw refused('SIGNATURE_SCOPE_INVALID', `the credential scope names service ${claim.service}, expected ${this.service}`);
    if (claim.region !== this.region) throw refused('SIGNATURE_SCOPE_INVALID', `the credential scope names region ${claim.region}, expected ${this.region}`);
    if (!claim.signedHeaders.includes('host')) throw refused('SIGNATURE_MALFORMED', 'the host header must be signed');
    const signingDate = claim.amzDate === undefined ? undefined : parseAmzDate(claim.amzDate);
    if (!signingDate || claim.amzDate!.slice(0, 8) !== claim.scopeDate) throw refused('SIGNATURE_MALFORMED', 'x-amz-date is malformed or disagrees with the credential scope');
    const now = this.now();
    if (claim.expiresSeconds === undefined) {
      if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
        throw refused('SIGNATURE_EXPIRED', 'the signature is more than 15 minutes old (or ahead of the server clock)');
      }
    } else if (now > signingDate.getTime() + claim.expiresSeconds * 1000 || signingDate.getTime() - now > MAX_CLOCK_SKEW_MS) {
      throw refused('SIGNATURE_EXPIRED', 'the presigned URL has expired (or is dated ahead of the server clock)');
    }

    const credential = this.byKey.get(claim.accessKeyId);
    if (!credential) throw refused('SIGNATURE_UNKNOWN_KEY', 'the access key is not known to this platform');
    if (credential.sessionToken !== undefined) {
      // A session's key pair is nothing without its token, and nothing once it has expired (AWS: InvalidToken, ExpiredToken).
      const token = presigned ? req.query.get('X-Amz-Security-Token') : req.headers[SESSION_TOKEN_FIELD];
      if (token == null || !constantTimeEqual(token, credential.sessionToken)) {
        throw refused('SIGNATURE_UNKNOWN_KEY', 'the security token is missing, or is not the one issued with this access key', SESSION_TOKEN_FIELD);
      }
      if (credential.expiresAt !== undefined && now >= credential.expiresAt) {
        throw refused('SIGNATURE_EXPIRED', 'the session has expired: sign in again for new credentials', SESSION_TOKEN_FIELD);
      }
    }

    const headers: Record<string, string> = {};
    for (const name of claim.signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) throw refused('SIGNATURE_MALFORMED', `signed header ${name} is missing from the request`);
      headers[name] = value;
    }

    const signature = await this.signatureOf(req, headers, this.payloadHash(req, presigned), signingDate, credential);
    if (!constantTimeEqual(signature, claim.signature)) {
      throw refused('SIGNATURE_MISMATCH', 'the signature does not match: wrong secret key, or the request changed after signing');
    }
    return credential;
  }

  /**
   * The payload hash the signature covers. execute-api: the body's, which a claimed
   * x-amz-content-sha256 must equal. S3: UNSIGNED-PAYLOAD for a presigned URL, else the claimed one
   * (required; checked against the body here only when the body is given).
   */
  private payloadHash(req: SignedRequest, presigned: boolean): string {
    if (presigned) return UNSIGNED_PAYLOAD;
    const claimed = req.headers['x-amz-content-sha256'];
    if (this.s3) {
      if (claimed === undefined) throw refused('SIGNATURE_MALFORMED', 'the x-amz-content-sha256 header is required');
      if (req.body !== undefined && /^[0-9a-f]{64}$/.test(claimed) && claimed !== sha256Hex(req.body)) {
        throw refused('SIGNATURE_MISMATCH', 'x-amz-content-sha256 does not match the body');
      }
      return claimed;
    }
    const actual = sha256Hex(req.body ?? Buffer.alloc(0));
    if (claimed !== undefined && claimed !== actual) throw refused('SIGNATURE_MISMATCH', 'x-amz-content-sha256 does not match the body');
    return actual;
  }

  private async signatureOf(req: SignedRequest, signed: Record<string, string>, payloadHash: string, signingDate: Date, credential: LocalCredential): Promise<string> {
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of req.query) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: signed['host']!.split(':')[0]!, path: req.path, query, headers: signed, body: req.body });
    const signer = new CanonicalSigner({
      service: this.service,
      region: this.region,
      sha256: NodeSha256,
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      applyChecksum: false,
      // S3 signs the path as sent; every other service its normalised, once more encoded form.
      uriEscapePath: !this.s3,
    });
    return signer.signatureOf(request, getCanonicalHeaders(request, undefined, new Set(Object.keys(signed))), payloadHash, signingDate, this.region, this.service);
  }
}

/** The SDK's signer, asked for the signature of a canonical request it builds itself (its own rules). */
class CanonicalSigner extends SignatureV4 {
  async signatureOf(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string, signingDate: Date, region: string, service: string): Promise<string> {
    const { longDate, shortDate } = this.formatDate(signingDate);
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(longDate, createScope(shortDate, region, service), canonicalRequest, ALGORITHM_IDENTIFIER);
    return this.sign(stringToSign, { signingDate, signingRegion: region, signingService: service });
  }
}

function headerClaim(headers: SignedRequest['headers']): Claim {
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
    headers['authorization']!.trim(),
  );
  if (!parsed) throw refused('SIGNATURE_MALFORMED', 'the Authorization header is not a well-formed AWS4-HMAC-SHA256 signature');
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = parsed as unknown as string[];
  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('x-amz-date')) throw refused('SIGNATURE_MALFORMED', 'the x-amz-date header must be present and signed');
  return { accessKeyId: accessKeyId!, scopeDate: scopeDate!, region: region!, service: service!, signedHeaders, signature: signature!, amzDate: headers['x-amz-date'] };
}

function queryClaim(query: URLSearchParams): Claim {
  for (const name of QUERY_AUTH) {
    if (query.getAll(name).length !== 1) throw refused('SIGNATURE_MALFORMED', `a presigned URL needs exactly one ${name}`);
  }
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw refused('SIGNATURE_MALFORMED', 'X-Amz-Algorithm must be AWS4-HMAC-SHA256');
  const credential = /^([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request$/.exec(query.get('X-Amz-Credential')!);
  const signedHeaders = query.get('X-Amz-SignedHeaders')!;
  const signature = query.get('X-Amz-Signature')!;
  const expires = query.get('X-Amz-Expires')!;
  if (!credential || !/^[a-z0-9;-]+$/.test(signedHeaders) || !/^[0-9a-f]{64}$/.test(signature) || !/^\d{1,6}$/.test(expires)) {
    throw refused('SIGNATURE_MALFORMED', 'the presigned URL is not a well-formed AWS4-HMAC-SHA256 signature');
  }
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1 || expiresSeconds > MAX_PRESIGNED_SECONDS) throw refused('SIGNATURE_MALFORMED', `X-Amz-Expires must be 1 to ${MAX_PRESIGNED_SECONDS} seconds`);
  const [, accessKeyId, scopeDate, region, service] = credential as unknown as string[];
  return {
    accessKeyId: accessKeyId!,
    scopeDate: scopeDate!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate: query.get('X-Amz-Date')!,
    expiresSeconds,
  };
}

function refused(code: GatewayErrorCode, message: string, field?: string): DomainError {
  return gatewayError(code, message, field);
}

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
