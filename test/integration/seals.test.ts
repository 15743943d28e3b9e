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
import { KMS_RAW_MESSAGE_LIMIT, joseToDer, publicKeyFromSpki, sealDocument, signingInput, verifySeal } from '../../shared/domain/seals/seal.ts';
import { DEPARTMENTS } from '../../infra/local/seed-data.ts';

let dir: string;
let kms: KMSClient;
let close: () => Promise<void>;
const keys = new Map<string, { key: KeyObject; pem: string }>();
let market: string;
let health: string;

async function newSealKey(): Promise<string> {
  const created = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  const id = created.KeyMetadata!.KeyId!;
  const pub = await kms.send(new GetPublicKeyCommand({ KeyId: id }));
  const key = publicKeyFromSpki(pub.PublicKey!);
  keys.set(id, { key, pem: key.export({ type: 'spki', format: 'pem' }) as string });
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

const keyOf = (kid: string) => keys.get(kid)?.key;
const decision = (extra: Record<string, unknown> = {}) =>
  canonicalBytes({ caseNo: '20261123ABCDEFGHIJ', outcome: 'approved', department: DEPARTMENTS.market.id, decidedOn: '2026-11-30', reasons: ['符合条件'], ...extra });
const seal = (document: Uint8Array, keyId = market) =>
  sealDocument(document, { keyId, department: DEPARTMENTS.market.id, seal: 'market-seal-1', sealedAt: '2026-11-30T02:00:00.000Z' }, new KmsSealSigner(kms));
const headerOf = (s: Seal) => JSON.parse(Buffer.from(s.protected, 'base64url').toString('utf8')) as SealHeader;

/** Verifies with OpenSSL alone: the public key as PEM, the signature as DER, the JWS signing input as a file. */
async function openssl(document: Uint8Array, s: Seal, pem: string): Promise<boolean> {
  const base = join(dir, `openssl-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${base}.pem`, pem);
  await writeFile(`${base}.sig`, joseToDer(Buffer.from(s.signature, 'base64url')));
  await writeFile(`${base}.input`, signingInput(s.protected, document));
  try {
    return execFileSync('openssl', ['dgst', '-sha256', '-verify', `${base}.pem`, '-signature', `${base}.sig`, `${base}.input`], { encoding: 'utf8' }).includes('Verified OK');
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
