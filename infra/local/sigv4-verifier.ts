// Verifies AWS Signature Version 4 on requests to the embedded API, as API Gateway's IAM
// authorisation does on AWS: the signature is recomputed with @smithy/signature-v4 (the SDK's own
// signer) over exactly the headers the client said it signed, and compared in constant time.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayErrorCode } from '../../shared/contracts/gateway-errors.ts';
import { gatewayError } from '../../functions/http/http-errors.ts';
import type { DomainError } from '../../shared/domain/errors.ts';

/** API Gateway refuses signatures more than 15 minutes off the server clock (either way). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
  principal: string;
}

export interface SignedRequest {
  method: string;
  /**
   * Path exactly as received (still percent-encoded), without the query string: for execute-api the
   * canonical URI encodes the sent path once more, as the signer does with it.
   */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export class SigV4Verifier {
  private readonly byKey: Map<string, LocalCredential>;

  constructor(
    credentials: LocalCredential[],
    private readonly region: string,
    private readonly service = 'execute-api',
    private readonly now: () => number = Date.now,
  ) {
    this.byKey = new Map(credentials.map((c) => [c.accessKeyId, c]));
  }

  /** The verified credential, or a DomainError of kind `unauthenticated` with a stable code. */
  async verify(req: SignedRequest): Promise<LocalCredential> {
    const auth = req.headers['authorization'];
    if (!auth) {
      if (req.query.has('X-Amz-Signature')) throw refused('SIGNATURE_QUERY_UNSUPPORTED', 'presigned URLs are not accepted; sign the Authorization header');
      throw refused('SIGNATURE_MISSING', 'the request is not signed (AWS SigV4, service execute-api)');
    }
    const parsed = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      auth.trim(),
    );
    if (!parsed) throw refused('SIGNATURE_MALFORMED', 'the Authorization header is not a well-formed AWS4-HMAC-SHA256 signature');
    const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = parsed as unknown as string[];
    const signedHeaders = signedHeaderList!.split(';');
    if (service !== this.service) throw refused('SIGNATURE_SCOPE_INVALID', `the credential scope names service ${service}, expected ${this.service}`);
    if (region !== this.region) throw refused('SIGNATURE_SCOPE_INVALID', `the credential scope names region ${region}, expected ${this.region}`);
    if (!signedHeaders.includes('host')) throw refused('SIGNATURE_MALFORMED', 'the host header must be signed');

    const amzDate = req.headers['x-amz-date'];
    if (!amzDate || !signedHeaders.includes('x-amz-date')) throw refused('SIGNATURE_MALFORMED', 'the x-amz-date header must be present and signed');
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate || amzDate.slice(0, 8) !== scopeDate) throw refused('SIGNATURE_MALFORMED', 'x-amz-date is malformed or disagrees with the credential scope');
    if (Math.abs(this.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
      throw refused('SIGNATURE_EXPIRED', 'the signature is more than 15 minutes old (or ahead of the server clock)');
    }

    const credential = this.byKey.get(accessKeyId!);
    if (!credential) throw refused('SIGNATURE_UNKNOWN_KEY', 'the access key is not known to this platform');

    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) throw refused('SIGNATURE_MALFORMED', `signed header ${name} is missing from the request`);
      headers[name] = value;
    }
    const claimedPayloadHash = req.headers['x-amz-content-sha256'];
    if (claimedPayloadHash !== undefined && claimedPayloadHash !== sha256Hex(req.body)) {
      throw refused('SIGNATURE_MISMATCH', 'x-amz-content-sha256 does not match the body');
    }

    const signer = new SignatureV4({
      service: this.service,
      region: this.region,
      sha256: Sha256,
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      applyChecksum: false,
    });
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of req.query) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const signed = await signer.sign(
      new HttpRequest({ method: req.method, protocol: 'http:', hostname: headers['host']!.split(':')[0]!, path: req.path, query, headers, body: req.body }),
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers['authorization']))?.[1] ?? '';
    if (!constantTimeEqual(expected, signature!)) {
      throw refused('SIGNATURE_MISMATCH', 'the signature does not match: wrong secret key, or the request changed after signing');
    }
    return credential;
  }
}

function refused(code: GatewayErrorCode, message: string): DomainError {
  return gatewayError(code, message);
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
