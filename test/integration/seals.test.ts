// Seals made through the KMS wire protocol by the embedded KMS signer (ECC_NIST_P256, ECDSA_SHA_256),
// verified three independent ways — the platform's own verifier, `jose` (a JOSE library that knows
// nothing of Tongban) and OpenSSL run as a process — for a small document (signed RAW) and a large
// one (signed as its digest); and every kind of tampering reported with its reason.
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenedVerify, importSPKI } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { canonicalBytes } from '../../shared/domain/seals/jcs.ts';
import type { Seal, SealHeader } from '../../shared/domain/seals/seal.ts';
import { KMS_RAW_MESSAGE_LIMIT, joseToDer, sealDocument, sealSigningInput, verifySeal } from '../../shared/domain/seals/seal.ts';
import { createPublicKey } from 'node:crypto';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';
import { main } from '../../shared/cli/main.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk, verifySealWithJwks } from '../../shared/domain/seals/jwks.ts';
import { readFileSync } from 'node:fs';
import { vi } from 'vitest';

let dir: string;
let kms: KMSClient;
let close: () => Promise<void>;
const keys = new Map<string, { key: KeyObject; pem: string; spki: Uint8Array }>();
let market: string;
let health: string;

async function newSealKey(): Promise<string> {
  const created = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  const id = created.KeyMetadata!.KeyId!;
  const pub = await kms.send(new GetPublicKeyCommand({ KeyId: id }));
  const key = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' });
  keys.set(id, { key, pem: key.export({ type: 'spki', format: 'pem' }) as string, spki: pub.PublicKey! });
  return id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-seals-'));
  const local = await startLocalKms({ dataDir: join(dir, 'kms') });
  kms = new KMSClient({ endpoint: local.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  close = async () => {
    kms.destroy();
    await local.close();
  };
  market = await newSealKey();
  health = await newSealKey();
});

afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

const keyOf = (kid: string) => (keys.has(kid) ? { alg: 'ES256' as const, spki: keys.get(kid)!.spki } : undefined);
const decision = (extra: Record<string, unknown> = {}) =>
  canonicalBytes({ caseNo: '20261123ABCDEFGHIJ', outcome: 'approved', department: DEPARTMENTS.market.id, decidedOn: '2026-11-30', reasons: ['符合条件'], ...extra });
const seal = (document: Uint8Array, keyId = market) =>
  sealDocument(document, { keyId, department: DEPARTMENTS.market.id, seal: 'market-seal-1', sealedAt: '2026-11-30T02:00:00.000Z' }, new KmsSealSigner(kms));
const headerOf = (s: Seal) => JSON.parse(Buffer.from(s.protected, 'base64url').toString('utf8')) as SealHeader;

/**
 * Verifies with OpenSSL alone: the public key as PEM, the signature as DER, the JWS signing input as a
 * file; ES256 with SHA-256, SM2 with SM3 and the distinguishing ID KMS uses.
 */
async function openssl(document: Uint8Array, s: Seal, pem: string, alg: 'ES256' | 'SM2-SM3' = 'ES256'): Promise<boolean> {
  const base = join(dir, `openssl-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${base}.pem`, pem);
  await writeFile(`${base}.sig`, joseToDer(Buffer.from(s.signature, 'base64url')));
  await writeFile(`${base}.input`, sealSigningInput(s, JSON.parse(Buffer.from(s.protected, 'base64url').toString('utf8')) as SealHeader, document));
  const digest = alg === 'ES256' ? ['-sha256'] : ['-sm3', '-sigopt', 'distid:1234567812345678'];
  try {
    return execFileSync('openssl', ['dgst', ...digest, '-verify', `${base}.pem`, '-signature', `${base}.sig`, `${base}.input`], { encoding: 'utf8' }).includes('Verified OK');
  } catch {
    return false;
  }
}

async function withJose(document: Uint8Array, s: Seal, pem: string): Promise<boolean> {
  try {
    await flattenedVerify({ ...s, payload: document }, await importSPKI(pem, 'ES256'), { crit: { b64: true }, algorithms: ['ES256'] });
    return true;
  } catch {
    return false;
  }
}

describe('seals made by the embedded KMS signer', () => {
  it('verify three ways, for a document signed as it is and one signed as its digest', async () => {
    const small = decision();
    const large = decision({ scans: 'x'.repeat(10_000) });
    for (const [document, signed] of [
      [small, 'raw'],
      [large, 'digest'],
    ] as const) {
      const s = await seal(document);
      expect(headerOf(s)).toMatchObject({ alg: 'ES256', kid: market, b64: false, crit: ['b64'], 'tongban:department': DEPARTMENTS.market.id, 'tongban:signed': signed });
      expect(verifySeal(document, s, keyOf)).toMatchObject({ valid: true });
      expect(await withJose(document, s, keys.get(market)!.pem), `jose, ${signed}`).toBe(true);
      expect(await openssl(document, s, keys.get(market)!.pem), `openssl, ${signed}`).toBe(true);
    }
    expect(small.length + 400).toBeLessThan(KMS_RAW_MESSAGE_LIMIT);
  });

  it('reports each kind of tampering with its reason, and the other verifiers agree', async () => {
    const document = decision();
    const s = await seal(document);
    const changed = Buffer.from(document);
    changed[changed.indexOf('approved')] = 'A'.charCodeAt(0); // one byte
    const other = decision({ caseNo: '20261123ZZZZZZZZZZ' });
    // A header rewritten to claim the other document's digest: the signature no longer matches.
    const forgedHeader = Buffer.from(JSON.stringify({ ...headerOf(s), 'tongban:digest': headerOf(await seal(other))['tongban:digest'] })).toString('base64url');
    // The same document sealed with health's key but claiming market's kid.
    const healthSeal = await seal(document, health);
    const wrongKey = { protected: s.protected, signature: healthSeal.signature };

    expect(verifySeal(changed, s, keyOf)).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(verifySeal(other, s, keyOf)).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(verifySeal(other, { ...s, protected: forgedHeader }, keyOf)).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(verifySeal(document, wrongKey, keyOf)).toMatchObject({ valid: false, reason: 'bad-signature' });
    expect(verifySeal(document, s, () => undefined)).toMatchObject({ valid: false, reason: 'unknown-key' });
    expect(verifySeal(document, { protected: 'not json', signature: s.signature }, keyOf)).toMatchObject({ valid: false, reason: 'malformed' });
    const pem = keys.get(market)!.pem;
    for (const [doc, seal_] of [
      [changed, s],
      [other, { ...s, protected: forgedHeader }],
      [document, wrongKey],
    ] as const) {
      expect(await withJose(doc, seal_, pem)).toBe(false);
      expect(await openssl(doc, seal_, pem)).toBe(false);
    }
  });
});

/** The published keys: market's (active) and health's (retired at the end of 30 Nov 2026). */
function jwks(): Jwks {
  return {
    keys: [
      sealJwk(keys.get(market)!.spki, { kid: market, department: DEPARTMENTS.market.id, seal: 'market-seal-1' }),
      sealJwk(keys.get(health)!.spki, { kid: health, department: DEPARTMENTS.health.id, seal: 'health-seal-1', retiredAt: '2026-11-30T16:00:00.000Z' }),
    ],
  };
}

/** Runs `tongban …` in process; answers the exit code and what it printed. */
async function tongban(...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    return { code: await main(args), out: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('published keys (JWKS) and verifying offline', () => {
  it("checks that the key is the department's the seal names, and that it was not retired when the seal was made", async () => {
    const document = decision();
    const byMarket = await seal(document);
    // Health's key, but the seal claims market's department.
    const claimed = await seal(document, health);
    const healthSeal = (sealedAt: string) => sealDocument(document, { keyId: health, department: DEPARTMENTS.health.id, seal: 'health-seal-1', sealedAt }, new KmsSealSigner(kms));

    expect(verifySealWithJwks(document, byMarket, jwks())).toMatchObject({ valid: true });
    expect(verifySealWithJwks(document, claimed, jwks())).toMatchObject({ valid: false, reason: 'department-mismatch' });
    // A seal made before the key was retired keeps verifying; one made after does not.
    expect(verifySealWithJwks(document, await healthSeal('2026-11-30T15:59:59.000Z'), jwks())).toMatchObject({ valid: true });
    expect(verifySealWithJwks(document, await healthSeal('2026-12-01T09:00:00.000Z'), jwks())).toMatchObject({ valid: false, reason: 'retired-key' });
    expect(verifySealWithJwks(document, byMarket, { keys: jwks().keys.slice(1) })).toMatchObject({ valid: false, reason: 'unknown-key' });
    expect(jwks().keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', 'tongban:status': 'active' });
    expect(jwks().keys[1]).toMatchObject({ 'tongban:status': 'retired', 'tongban:retiredAt': '2026-11-30T16:00:00.000Z' });
  });

  it('tongban verify: with files only, valid (exit 0) or invalid with the reason (exit 1); bad arguments exit 2', async () => {
    const document = decision();
    const s = await seal(document);
    const files = join(dir, 'cli');
    await writeFile(`${files}-decision.json`, document);
    await writeFile(`${files}-seal.json`, JSON.stringify(s));
    await writeFile(`${files}-jwks.json`, JSON.stringify(jwks()));
    const changed = Buffer.from(document.toString('utf8').replace('符合条件', '不符合条件'));
    await writeFile(`${files}-changed.json`, changed);

    const valid = await tongban('verify', `${files}-decision.json`, `${files}-seal.json`, '--jwks', `${files}-jwks.json`);
    const invalid = await tongban('verify', `${files}-changed.json`, `${files}-seal.json`, '--jwks', `${files}-jwks.json`);
    const asJson = await tongban('verify', `${files}-changed.json`, `${files}-seal.json`, '--jwks', `${files}-jwks.json`, '--json');
    const noJwks = await tongban('verify', `${files}-decision.json`, `${files}-seal.json`);
    const notSeal = await tongban('verify', `${files}-decision.json`, `${files}-jwks.json`, '--jwks', `${files}-jwks.json`);

    expect(valid.code).toBe(0);
    expect(valid.out).toContain(`印章有效 / seal valid: department ${DEPARTMENTS.market.id}, seal market-seal-1, key ${market}`);
    expect(invalid).toMatchObject({ code: 1 });
    expect(invalid.out).toContain('digest-mismatch');
    expect(JSON.parse(asJson.out)).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(noJwks.code).toBe(2);
    expect(notSeal.code).toBe(2);
  });

  it("the README's OpenSSL commands verify a seal, and refuse a changed document", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const script = /<!-- openssl-verify[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    const run = async (document: Uint8Array, s: Seal) => {
      const work = await mkdtemp(join(dir, 'openssl-'));
      await writeFile(join(work, 'decision.json'), document);
      await writeFile(join(work, 'decision.seal.json'), JSON.stringify(s));
      await writeFile(join(work, 'key.der'), Buffer.from(jwks().keys[0]!['tongban:spki'], 'base64'));
      try {
        return execFileSync('bash', ['-e', '-c', script!], { cwd: work, encoding: 'utf8' });
      } catch (e) {
        return `failed: ${String((e as { stdout?: string }).stdout ?? e)}`;
      }
    };
    // Seals whose R has its top bit set (DER needs a leading zero byte) and whose S starts with a zero
    // byte (DER drops it): the conversion in the script must get both right.
    const document = decision({ scans: 'y'.repeat(6000) });
    const found: { highR?: Seal; zeroS?: Seal } = {};
    for (let i = 0; i < 4000 && !(found.highR && found.zeroS); i++) {
      const candidate = await seal(document);
      const raw = Buffer.from(candidate.signature, 'base64url');
      if (raw[0]! >= 0x80) found.highR ??= candidate;
      if (raw[32] === 0) found.zeroS ??= candidate;
    }
    expect(found.highR && found.zeroS).toBeTruthy();

    expect(await run(document, found.highR!)).toContain('Verified OK');
    expect(await run(document, found.zeroS!)).toContain('Verified OK');
    expect(await run(decision(), found.highR!)).toMatch(/^failed: Verification failure/);
  });
});

describe('SM2 seals (China regions): SM2DSA keys, the same code path', () => {
  it('seal RAW and DIGEST, verify here and with OpenSSL (SM3, distinguishing ID 1234567812345678), and refuse tampering', async () => {
    const created = await kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' }));
    const kid = created.KeyMetadata!.KeyId!;
    const spki = (await kms.send(new GetPublicKeyCommand({ KeyId: kid }))).PublicKey!;
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki)
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
    const sm2KeyOf = (k: string) => (k === kid ? { alg: 'SM2-SM3' as const, spki } : undefined);
    const sealSm2 = (document: Uint8Array) =>
      sealDocument(document, { keyId: kid, alg: 'SM2-SM3', department: DEPARTMENTS.market.id, seal: 'market-sm2', sealedAt: '2026-11-30T02:00:00.000Z' }, new KmsSealSigner(kms));
    const opensslSm2 = (document: Uint8Array, s: Seal) => openssl(document, s, pem, 'SM2-SM3');

    for (const [document, signed] of [
      [decision(), 'raw'],
      // Over 4096 bytes: the signature covers the header alone, which names the document's SHA-256.
      [decision({ scans: 'z'.repeat(8000) }), 'header'],
    ] as const) {
      const s = await sealSm2(document);
      expect(headerOf(s)).toMatchObject({ alg: 'SM2-SM3', kid, 'tongban:signed': signed });
      expect(verifySeal(document, s, sm2KeyOf), signed).toMatchObject({ valid: true });
      expect(await opensslSm2(document, s), `openssl, ${signed}`).toBe(true);
      expect(verifySealWithJwks(document, s, { keys: [sealJwk(spki, { kid, alg: 'SM2-SM3', department: DEPARTMENTS.market.id, seal: 'market-sm2' })] })).toMatchObject({
        valid: true,
      });
    }
    const document = decision();
    const s = await sealSm2(document);
    const changed = decision({ reasons: ['不符合条件'] });
    expect(verifySeal(changed, s, sm2KeyOf)).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(await opensslSm2(changed, s)).toBe(false);
    // An SM2 seal checked against a P-256 key of the same kid, and an ES256 seal against the SM2 key.
    expect(verifySeal(document, s, (k) => (k === kid ? { alg: 'ES256', spki: keys.get(market)!.spki } : undefined))).toMatchObject({ valid: false, reason: 'bad-signature' });
    const es = await seal(document);
    expect(verifySeal(document, es, () => ({ alg: 'SM2-SM3', spki }))).toMatchObject({ valid: false, reason: 'bad-signature' });
    // A large SM2 seal binds its document through the header's digest: another document fails there,
    // and an ES256 seal claiming to have signed its header alone is refused as malformed.
    const large = decision({ scans: 'z'.repeat(8000) });
    const sealedLarge = await sealSm2(large);
    expect(verifySeal(decision({ scans: 'y'.repeat(8000) }), sealedLarge, sm2KeyOf)).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    const esHeader = { ...headerOf(es), 'tongban:signed': 'header' };
    expect(verifySeal(document, { ...es, protected: Buffer.from(JSON.stringify(esHeader)).toString('base64url') }, keyOf)).toMatchObject({ valid: false, reason: 'malformed' });
  });
});
