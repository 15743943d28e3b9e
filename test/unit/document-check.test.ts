// Verifying a sealed document as POST /v1/seals/verify does (checkSealedDocument): the seal against
// the published keys — digest, key, the key's department, a retired key's date — and then, for an
// e-licence, its status on the day. Keys are P-256 keys made here; the signer answers DER signatures
// over the signing input, as KMS does for MessageType RAW.
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Licence } from '../../shared/domain/licences/licence.ts';
import { issueLicence, licenceDocument, revokeLicence } from '../../shared/domain/licences/licence.ts';
import { checkSealedDocument } from '../../shared/domain/seals/document-check.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk } from '../../shared/domain/seals/jwks.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import type { Seal, SealAlgorithm, SealSigner } from '../../shared/domain/seals/seal.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { MARKET, REGISTRATION, SHOP } from '../support/case-fixtures.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';

const MARKET_ID = DEPARTMENTS.market.id;
const HEALTH_ID = DEPARTMENTS.health.id;
const MARKET_KEY = 'arn:aws-cn:kms:cn-north-1:111122223333:key/00000000-0000-4000-8000-00000000000a';
const HEALTH_KEY = 'arn:aws-cn:kms:cn-north-1:111122223333:key/00000000-0000-4000-8000-00000000000b';

const keys = new Map<string, { privateKey: KeyObject; spki: Buffer }>(
  [MARKET_KEY, HEALTH_KEY].map((kid) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return [kid, { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) }];
  }),
);

/** Signs as KMS ECDSA_SHA_256 with MessageType RAW: a DER signature over the message. */
const signer: SealSigner = {
  async sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST', alg: SealAlgorithm): Promise<Uint8Array> {
    if (messageType !== 'RAW' || alg !== 'ES256') throw new Error(`this signer signs RAW ES256 messages only, not ${messageType} ${alg}`);
    return sign('sha256', message, keys.get(keyId)!.privateKey);
  },
};

/** Market's key active, health's retired at the end of 30 November 2026 in China. */
const RETIRED_AT = '2026-11-30T16:00:00.000Z';
const jwks = (): Jwks => ({
  keys: [
    sealJwk(keys.get(MARKET_KEY)!.spki, { kid: MARKET_KEY, department: MARKET_ID, seal: 'seal-1' }),
    sealJwk(keys.get(HEALTH_KEY)!.spki, { kid: HEALTH_KEY, department: HEALTH_ID, seal: 'seal-1', retiredAt: RETIRED_AT }),
  ],
});

const sealAs = (document: string, opts: { keyId?: string; department?: string; sealedAt?: string } = {}): Promise<Seal> =>
  sealDocument(
    Buffer.from(document, 'utf8'),
    { keyId: opts.keyId ?? MARKET_KEY, department: opts.department ?? MARKET_ID, seal: 'seal-1', sealedAt: opts.sealedAt ?? '2026-11-23T02:00:00.000Z' },
    signer,
  );

const decision = (extra: Record<string, unknown> = {}) =>
  canonicalize({ type: 'tongban/decision', caseNo: '20261123ABCDEFGHIJ', department: MARKET_ID, outcome: 'approved', reasons: ['符合条件'], decidedOn: '2026-11-23', ...extra });

const licence: Licence = issueLicence({
  caseNo: '20261123ABCDEFGHIJ',
  itemCode: REGISTRATION.implementationCode,
  departmentId: MARKET_ID,
  applicant: SHOP,
  typeCode: 'YYZZ',
  name: '营业执照',
  serial: '20261123ABCDEFGHIJ',
  issuedOn: '2026-11-23',
  validUntil: '2031-11-22',
  data: { 住所: '昆明市呈贡区示例路1号' },
});
const licenceText = canonicalize(licenceDocument(licence));

/** The deps of a check on `today` whose licence register holds `known`. */
function register(known: Licence | undefined, today = '2026-12-01') {
  const licenceOf = vi.fn(async (id: string) => (known && known.id === id ? known : undefined));
  return { licenceOf, today };
}

describe('checkSealedDocument: the seal', () => {
  it('finds a decision document valid, naming the department, seal, key, algorithm, time and document type, without asking for a licence', async () => {
    // Prepare
    const document = decision();
    const seal = await sealAs(document);
    const deps = register(licence);

    // Act
    const check = await checkSealedDocument(document, seal, jwks(), deps);

    // Assess
    expect(check).toEqual({
      valid: true,
      department: MARKET_ID,
      seal: 'seal-1',
      kid: MARKET_KEY,
      alg: 'ES256',
      sealedAt: '2026-11-23T02:00:00.000Z',
      documentType: 'tongban/decision',
    });
    expect(deps.licenceOf).not.toHaveBeenCalled();
  });

  it('reports digest-mismatch for one changed byte, and for a seal moved to another document', async () => {
    // Prepare
    const document = decision();
    const seal = await sealAs(document);
    const bytes = Buffer.from(document, 'utf8');
    bytes[bytes.indexOf('approved')] = 'A'.charCodeAt(0);
    const changed = bytes.toString('utf8');
    const other = decision({ caseNo: '20261123ZZZZZZZZZZ' });

    // Act
    const [onChanged, onOther] = await Promise.all([checkSealedDocument(changed, seal, jwks(), register(licence)), checkSealedDocument(other, seal, jwks(), register(licence))]);
    const onLicence = await checkSealedDocument(licenceText, seal, jwks(), register(licence));

    // Assess
    expect(changed).not.toBe(document);
    for (const check of [onChanged, onOther, onLicence]) expect(check).toMatchObject({ valid: false, reason: 'digest-mismatch', department: MARKET_ID, kid: MARKET_KEY });
    expect(onLicence.licenceStatus).toBeUndefined();
  });

  it('reports department-mismatch for a seal naming a department the key is not listed under', async () => {
    // Prepare: market's key, a seal claiming health; and the JWKS listing market's key under health
    const document = decision();
    const claimsHealth = await sealAs(document, { department: HEALTH_ID });
    const byMarket = await sealAs(document);
    const relisted: Jwks = { keys: jwks().keys.map((k) => (k.kid === MARKET_KEY ? { ...k, 'tongban:department': HEALTH_ID } : k)) };

    // Act
    const claimed = await checkSealedDocument(document, claimsHealth, jwks(), register(licence));
    const listedElsewhere = await checkSealedDocument(document, byMarket, relisted, register(licence));

    // Assess
    expect(claimed).toMatchObject({ valid: false, reason: 'department-mismatch', department: HEALTH_ID, kid: MARKET_KEY });
    expect(listedElsewhere).toMatchObject({ valid: false, reason: 'department-mismatch', department: MARKET_ID });
  });

  it('reports unknown-key for a kid the published keys do not list', async () => {
    // Prepare
    const document = decision();
    const seal = await sealAs(document);

    // Act
    const check = await checkSealedDocument(document, seal, { keys: jwks().keys.filter((k) => k.kid !== MARKET_KEY) }, register(licence));

    // Assess
    expect(check).toMatchObject({ valid: false, reason: 'unknown-key', kid: MARKET_KEY, detail: expect.stringContaining(MARKET_KEY) });
  });

  it('accepts a retired key for seals made up to its retirement, and reports retired-key for one made after', async () => {
    // Prepare
    const document = decision({ department: HEALTH_ID });
    const byHealth = (sealedAt: string) => sealAs(document, { keyId: HEALTH_KEY, department: HEALTH_ID, sealedAt });

    // Act
    const before = await checkSealedDocument(document, await byHealth('2026-11-30T15:59:59.000Z'), jwks(), register(licence));
    const atRetirement = await checkSealedDocument(document, await byHealth(RETIRED_AT), jwks(), register(licence));
    const after = await checkSealedDocument(document, await byHealth('2026-12-01T01:00:00.000Z'), jwks(), register(licence));

    // Assess
    expect(before).toMatchObject({ valid: true, department: HEALTH_ID, kid: HEALTH_KEY });
    expect(atRetirement).toMatchObject({ valid: true });
    expect(after).toMatchObject({ valid: false, reason: 'retired-key', sealedAt: '2026-12-01T01:00:00.000Z', detail: expect.stringContaining(RETIRED_AT) });
  });

  it('reports bad-signature for a signature by another key, and malformed for a header that is not JSON', async () => {
    // Prepare
    const document = decision();
    const seal = await sealAs(document);
    const byHealth = await sealAs(document, { keyId: HEALTH_KEY });

    // Act
    const forged = await checkSealedDocument(document, { protected: seal.protected, signature: byHealth.signature }, jwks(), register(licence));
    const malformed = await checkSealedDocument(document, { protected: 'not-a-header', signature: seal.signature }, jwks(), register(licence));

    // Assess
    expect(forged).toMatchObject({ valid: false, reason: 'bad-signature', kid: MARKET_KEY });
    expect(malformed).toEqual({ valid: false, reason: 'malformed', detail: expect.any(String) });
  });
});

describe('checkSealedDocument: an e-licence and its status', () => {
  it('finds a valid licence valid, with its status, after looking it up by the identifier in the document', async () => {
    // Prepare
    const seal = await sealAs(licenceText);
    const deps = register(licence);

    // Act
    const check = await checkSealedDocument(licenceText, seal, jwks(), deps);

    // Assess
    expect(check).toMatchObject({ valid: true, documentType: 'tongban/e-licence', licenceStatus: 'valid', department: MARKET_ID });
    expect(check.reason).toBeUndefined();
    expect(deps.licenceOf).toHaveBeenCalledWith(licence.id);
  });

  it('reports licence-revoked for a revoked licence: the seal is genuine, the licence no longer holds', async () => {
    // Prepare: the sealed document is the same after revocation
    const revoked = revokeLicence(licence, MARKET, '公司已注销', '2026-11-28');
    const seal = await sealAs(licenceText);

    // Act
    const check = await checkSealedDocument(licenceText, seal, jwks(), register(revoked));

    // Assess
    expect(canonicalize(licenceDocument(revoked))).toBe(licenceText);
    expect(check).toMatchObject({ valid: false, reason: 'licence-revoked', licenceStatus: 'revoked', documentType: 'tongban/e-licence', department: MARKET_ID });
    expect(check.detail).toContain('2026-11-28');
    expect(check.detail).toContain('公司已注销');
  });

  it('reports licence-expired from the day after its last valid day, and valid on that day', async () => {
    // Prepare
    const seal = await sealAs(licenceText);

    // Act
    const lastDay = await checkSealedDocument(licenceText, seal, jwks(), register(licence, '2031-11-22'));
    const dayAfter = await checkSealedDocument(licenceText, seal, jwks(), register(licence, '2031-11-23'));

    // Assess
    expect(lastDay).toMatchObject({ valid: true, licenceStatus: 'valid' });
    expect(dayAfter).toMatchObject({ valid: false, reason: 'licence-expired', licenceStatus: 'expired', detail: expect.stringContaining('2031-11-22') });
  });

  it('reports licence-unknown for a sealed licence the platform has no record of, or one without an identifier', async () => {
    // Prepare
    const seal = await sealAs(licenceText);
    const { id: _id, ...withoutId } = licenceDocument(licence);
    const anonymous = canonicalize(withoutId);
    const anonymousSeal = await sealAs(anonymous);
    const deps = register(undefined);

    // Act
    const unknown = await checkSealedDocument(licenceText, seal, jwks(), deps);
    const noId = await checkSealedDocument(anonymous, anonymousSeal, jwks(), register(licence));

    // Assess
    expect(unknown).toMatchObject({ valid: false, reason: 'licence-unknown', documentType: 'tongban/e-licence', detail: expect.stringContaining(licence.id) });
    expect(unknown.licenceStatus).toBeUndefined();
    expect(deps.licenceOf).toHaveBeenCalledWith(licence.id);
    expect(noId).toMatchObject({ valid: false, reason: 'licence-unknown' });
  });

  it('checks the seal before the licence: a changed licence document is digest-mismatch, and its status is not looked up', async () => {
    // Prepare
    const seal = await sealAs(licenceText);
    const changed = licenceText.replace('2031-11-22', '2041-11-22');
    const deps = register(licence);

    // Act
    const check = await checkSealedDocument(changed, seal, jwks(), deps);

    // Assess
    expect(changed).not.toBe(licenceText);
    expect(check).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(deps.licenceOf).not.toHaveBeenCalled();
  });
});
