import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LocalCredential, SignedRequest } from '../../infra/local/sigv4-verifier.ts';
import { SigV4Verifier } from '../../infra/local/sigv4-verifier.ts';
import { rejection } from '../support/refusal.ts';

const REGION = 'cn-north-1';
const SIGNED_AT = new Date('2026-11-23T02:00:00Z');
const MARKET: LocalCredential = { accessKeyId: 'AKIDLOCALMARKET0001', secretAccessKey: 'market-secret-key/0001+abc', principal: 'market' };
const PORTAL: LocalCredential = { accessKeyId: 'AKIDLOCALPORTAL0002', secretAccessKey: 'portal-secret-key/0002+xyz', principal: 'portal' };
const HOST = 'localhost:3000';
const GUIDE_BODY = JSON.stringify({ guide: { name: '食品经营许可证核发', timeLimits: { statutoryDays: 20, promisedDays: 10 } } });

interface SignInit {
  method?: string;
  /** The path as it travels on the wire (percent-encoded where needed). */
  path?: string;
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  service?: string;
  signingDate?: Date;
  applyChecksum?: boolean;
}

/** Signs a request the way a department's SDK (and the tongban CLI) does, and returns it as the gateway receives it. */
async function signed(init: SignInit = {}): Promise<SignedRequest> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const path = init.path ?? '/v1/items';
  const body = init.body;
  const signer = new SignatureV4({
    service: init.service ?? 'execute-api',
    region: init.region ?? REGION,
    sha256: Sha256,
    credentials: init.credentials ?? MARKET,
    applyChecksum: init.applyChecksum ?? true,
  });
  const request = new HttpRequest({
    method,
    protocol: 'http:',
    hostname: 'localhost',
    port: 3000,
    path,
    query: init.query ?? {},
    headers: { host: HOST, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const out = await signer.sign(request, { signingDate: init.signingDate ?? SIGNED_AT });
  return {
    method,
    path,
    query: new URLSearchParams(init.query ?? {}),
    headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(body ?? ''),
  };
}

function verifier(now = SIGNED_AT.getTime()) {
  return new SigV4Verifier([MARKET, PORTAL], REGION, 'execute-api', () => now);
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('accepted signatures', () => {
  it('verifies a GET with a query string and returns the credential', async () => {
    // Prepare
    const req = await signed({ query: { state: 'submitted', limit: '5', department: '11530100015283010X' } });

    // Act
    const credential = await verifier().verify(req);

    // Assess
    expect(credential).toEqual(MARKET);
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALMARKET0001\/20261123\/cn-north-1\/execute-api\/aws4_request/);
  });

  it('verifies a POST with a JSON body and tells principals apart by key', async () => {
    // Prepare
    const byMarket = await signed({ body: GUIDE_BODY });
    const byPortal = await signed({ method: 'GET', credentials: PORTAL });

    // Act
    const market = await verifier().verify(byMarket);
    const portal = await verifier().verify(byPortal);

    // Assess
    expect(market.principal).toBe('market');
    expect(portal.principal).toBe('portal');
    expect(byMarket.headers['x-amz-content-sha256']).toBe(sha256Hex(GUIDE_BODY));
  });

  it('verifies a POST signed without the x-amz-content-sha256 header', async () => {
    // Prepare
    const req = await signed({ body: GUIDE_BODY, applyChecksum: false });

    // Act / Assess
    expect(req.headers['x-amz-content-sha256']).toBeUndefined();
    await expect(verifier().verify(req)).resolves.toEqual(MARKET);
  });

  it('verifies a path with percent-escapes, signed the way the SDK and the tongban CLI sign it (the URL pathname)', async () => {
    // Prepare: the CLI signs `new URL(...).pathname`, which is already percent-encoded, and sends it so.
    const path = new URL('http://localhost:3000/v1/items/食品 许可').pathname;
    const req = await signed({ path });

    // Act / Assess
    expect(path).toBe('/v1/items/%E9%A3%9F%E5%93%81%20%E8%AE%B8%E5%8F%AF');
    await expect(verifier().verify(req)).resolves.toEqual(MARKET);
  });
});

describe('refused signatures', () => {
  it('refuses an unsigned request (SIGNATURE_MISSING)', async () => {
    // Prepare
    const req = await signed();
    delete req.headers.authorization;

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_MISSING', kind: 'unauthenticated' });
  });

  it.each([
    ['another scheme', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['SigV2', 'AWS AKIDLOCALMARKET0001:frJIUN8DYpKDtOLCwo//yllqDzg='],
    ['a truncated signature', `AWS4-HMAC-SHA256 Credential=${MARKET.accessKeyId}/20261123/${REGION}/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123`],
    ['no SignedHeaders', `AWS4-HMAC-SHA256 Credential=${MARKET.accessKeyId}/20261123/${REGION}/execute-api/aws4_request, Signature=${'a'.repeat(64)}`],
  ])('refuses a malformed Authorization header: %s (SIGNATURE_MALFORMED)', async (_name, authorization) => {
    // Prepare
    const req = await signed();
    req.headers.authorization = authorization;

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_MALFORMED', kind: 'unauthenticated' });
  });

  it('refuses a signature made with the wrong secret key (SIGNATURE_MISMATCH)', async () => {
    // Prepare
    const req = await signed({ credentials: { accessKeyId: MARKET.accessKeyId, secretAccessKey: 'guessed-secret' } });

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_MISMATCH', kind: 'unauthenticated' });
  });

  it('refuses a body changed after signing (SIGNATURE_MISMATCH), with or without the payload hash header', async () => {
    // Prepare
    const tampered = GUIDE_BODY.replace('"promisedDays":10', '"promisedDays":1');
    const withHash = await signed({ body: GUIDE_BODY });
    const withoutHash = await signed({ body: GUIDE_BODY, applyChecksum: false });
    withHash.body = Buffer.from(tampered);
    withoutHash.body = Buffer.from(tampered);

    // Act
    const errors = [await rejection(verifier().verify(withHash)), await rejection(verifier().verify(withoutHash))];

    // Assess
    expect(tampered).not.toBe(GUIDE_BODY);
    for (const error of errors) expect(error).toMatchObject({ code: 'SIGNATURE_MISMATCH', kind: 'unauthenticated' });
  });

  it('refuses a query changed after signing (SIGNATURE_MISMATCH)', async () => {
    // Prepare
    const req = await signed({ query: { state: 'submitted', limit: '5' } });
    req.query.set('limit', '100');

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_MISMATCH', kind: 'unauthenticated' });
  });

  it('refuses a signed x-amz-content-sha256 that does not match the body (SIGNATURE_MISMATCH)', async () => {
    // Prepare: the client signs a hash of other content, then sends this body
    const req = await signed({ body: GUIDE_BODY, headers: { 'x-amz-content-sha256': sha256Hex('{"guide":{}}') } });

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(req.headers.authorization).toContain('x-amz-content-sha256');
    expect(error).toMatchObject({ code: 'SIGNATURE_MISMATCH', kind: 'unauthenticated' });
  });

  it('refuses an access key it does not know (SIGNATURE_UNKNOWN_KEY)', async () => {
    // Prepare
    const req = await signed({ credentials: { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'whatever' } });

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY', kind: 'unauthenticated' });
  });

  describe('temporary credentials (an STS session)', () => {
    const SESSION = {
      accessKeyId: 'ASIALOCALSESSION0001',
      secretAccessKey: 'session-secret/0001',
      principal: 'market',
      officer: 'market.li',
      sessionToken: 'token-of-the-session',
      expiresAt: SIGNED_AT.getTime() + 3600_000,
    };
    const sessionSigned = (token: string | undefined) =>
      // The key pair alone, and the token (or none) as a header: the SDK's signer would add the credentials' own token itself.
      signed({
        credentials: { accessKeyId: SESSION.accessKeyId, secretAccessKey: SESSION.secretAccessKey },
        headers: token === undefined ? {} : { 'x-amz-security-token': token },
      });

    it('accepts a session key pair signed with its token, as its officer, until it expires', async () => {
      // Prepare
      const v = verifier();
      v.admit(SESSION);

      // Act
      const credential = await v.verify(await sessionSigned(SESSION.sessionToken));

      // Assess
      expect(credential).toMatchObject({ principal: 'market', officer: 'market.li' });
    });

    it('refuses it without its token, or with another (SIGNATURE_UNKNOWN_KEY on the token field)', async () => {
      // Prepare
      const v = verifier();
      v.admit(SESSION);

      // Act
      const missing = await rejection(v.verify(await sessionSigned(undefined)));
      const other = await rejection(v.verify(await sessionSigned('token-of-another-session')));

      // Assess
      expect(missing).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY', field: 'x-amz-security-token' });
      expect(other).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY', field: 'x-amz-security-token' });
    });

    it('refuses it once it has expired (SIGNATURE_EXPIRED on the token field), and forgets it when the next session comes', async () => {
      // Prepare
      let now = SIGNED_AT.getTime();
      const v = new SigV4Verifier([MARKET], REGION, 'execute-api', () => now);
      v.admit(SESSION);
      const req = await signed({ credentials: SESSION, signingDate: new Date(SESSION.expiresAt) });
      now = SESSION.expiresAt;

      // Act
      const expired = await rejection(v.verify(req));
      v.admit({ ...SESSION, accessKeyId: 'ASIALOCALSESSION0002', expiresAt: now + 3600_000 });
      const forgotten = await rejection(v.verify(req));

      // Assess
      expect(expired).toMatchObject({ code: 'SIGNATURE_EXPIRED', field: 'x-amz-security-token' });
      expect(forgotten).toMatchObject({ code: 'SIGNATURE_UNKNOWN_KEY' });
    });
  });

  it.each([
    ['another service', { service: 's3' }],
    ['another region', { region: 'cn-northwest-1' }],
  ])('refuses a signature scoped to %s (SIGNATURE_SCOPE_INVALID)', async (_name, scope) => {
    // Prepare
    const req = await signed(scope);

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_SCOPE_INVALID', kind: 'unauthenticated' });
  });
});

describe('clock skew', () => {
  const T = SIGNED_AT.getTime();

  // The limits are written out (15 minutes = 900 000 ms), not taken from the code under test.
  it.each([
    ['exactly 15 minutes old', T + 900_000],
    ['exactly 15 minutes ahead of the server', T - 900_000],
    ['fresh', T],
  ])('accepts a signature %s', async (_name, now) => {
    // Prepare
    const req = await signed({ body: GUIDE_BODY });

    // Act / Assess
    await expect(verifier(now).verify(req)).resolves.toEqual(MARKET);
  });

  it.each([
    ['older than 15 minutes', T + 900_001],
    ['a day old', T + 86_400_000],
    ['more than 15 minutes ahead of the server', T - 900_001],
  ])('refuses a signature %s (SIGNATURE_EXPIRED)', async (_name, now) => {
    // Prepare
    const req = await signed({ body: GUIDE_BODY });

    // Act
    const error = await rejection(verifier(now).verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_EXPIRED', kind: 'unauthenticated' });
  });

  it('refuses an x-amz-date that disagrees with the credential scope date (SIGNATURE_MALFORMED)', async () => {
    // Prepare: the scope says 2026-11-23, the header a time on the 24th
    const req = await signed();
    req.headers['x-amz-date'] = '20261124T020000Z';

    // Act
    const error = await rejection(verifier().verify(req));

    // Assess
    expect(error).toMatchObject({ code: 'SIGNATURE_MALFORMED', kind: 'unauthenticated' });
  });
});
