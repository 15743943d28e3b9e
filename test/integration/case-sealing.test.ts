// Sealing decided cases against the real local stand-ins: dynalite (items, directory, cases and the
// licences beside them), s3rver (the materials filed), the embedded KMS signer over the KMS wire
// protocol with one seal key per department (ECC_NIST_P256, and SM2 in a KMS of its own), and the local
// Lambda Invoke API for the sealing function. Cases are filed, accepted and decided through the case
// service; each seal is counted at the signer (one KMS Sign per sealed document) and verified with a
// JWKS built here from the keys' public keys as KMS gives them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { startLocalLambda } from '../../infra/local/lambda-server.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { ensureSealKeys } from '../../infra/local/seal-keys.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import type { CaseFunctionEvent } from '../../shared/adapters/lambda-case-functions.ts';
import { LambdaCaseSealer } from '../../shared/adapters/lambda-case-functions.ts';
import { LambdaInvoker } from '../../shared/adapters/lambda-invoker.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import type { SealKey } from '../../shared/contracts/directory.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Applicant, CaseMaterial, CaseState, LicenceTerms, SealedDocument } from '../../shared/domain/cases/case-record.ts';
import type { ActionRequest, FilingRequest } from '../../shared/domain/cases/case-service.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import type { CaseSealer } from '../../shared/domain/cases/case-sealing.ts';
import { CaseSealing, DECISION_DOCUMENT_TYPE } from '../../shared/domain/cases/case-sealing.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import type { DomainError } from '../../shared/domain/errors.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { isLicenceId, makeLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { LicenceService } from '../../shared/domain/licences/licence-service.ts';
import { LICENCE_DOCUMENT_TYPE, licenceDocument } from '../../shared/domain/licences/licence.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk, verifySealWithJwks } from '../../shared/domain/seals/jwks.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import type { SealAlgorithm, SealHeader, SealSigner } from '../../shared/domain/seals/seal.ts';
import { signingInput } from '../../shared/domain/seals/seal.ts';
import { failure, rejection } from '../support/refusal.ts';
import { testNoticeSealer } from '../support/notice-seals.ts';
import type { Organisation } from '../support/case-fixtures.ts';
import { FOOD, HALL, HOUSING, HUKOU, MARKET, POLICE, PORTAL, REGISTRATION, REVIEWER, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { DEPARTMENTS, fixtureDirectory } from '../support/directory-fixtures.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';
import { uploadThroughSlot } from '../support/slot-upload.ts';

const BUCKET = 'tongban-test-sealing-materials';
const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

// REGISTRATION, 有限责任公司设立登记 (market): approving it issues a 营业执照 (YYZZ) e-licence.
// HUKOU, 户口迁移（市内迁移） (police): issues no e-licence.
const MARKET_ID = DEPARTMENTS.market.id;

const org = (body: string, name: string): Organisation => ({
  kind: 'organisation',
  creditCode: makeCreditCode('91530100', body),
  name,
  contact: { name: '赵六', phone: '0871-6000000' },
});
const SECOND = org('23456789', '昆明第二示例有限公司');
const THIRD = org('34567890', '昆明第三示例有限公司');

/** The one clock of the services, the case store (case numbers), the sealing and the sweep. */
let clock = new Date('2026-09-01T02:00:00Z');
const now = () => clock;
/** Sets the clock to `time` in China (UTC+8) on `date`. */
function at(date: string, time = '10:00'): void {
  clock = new Date(`${date}T${time}:00+08:00`);
}

let dir: string;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let s3: S3Client;
let kms: KMSClient;
let kmsSm2: KMSClient;
let vault: S3MaterialStore;
let items: DynamoItemStore;
let directory: DynamoDirectory;
/** The departments' seal keys (ECC_NIST_P256) and the JWKS publishing them. */
let seals: SealKey[];
let jwks: Jwks;
let stop: () => Promise<void>;

/** The published keys, built here: each key's public key from KMS GetPublicKey, listed with sealJwk. */
async function jwksOf(client: KMSClient, keys: readonly SealKey[]): Promise<Jwks> {
  return {
    keys: await Promise.all(
      keys.map(async (k) => {
        const spki = (await client.send(new GetPublicKeyCommand({ KeyId: k.keyId }))).PublicKey!;
        return sealJwk(spki, { kid: k.keyId, alg: k.alg, department: k.department, seal: k.seal, ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}) });
      }),
    ),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-sealing-'));
  const [dynamo, s3rver, localKms, localKmsSm2] = await Promise.all([
    startDynalite(undefined),
    startS3(join(dir, 's3'), '127.0.0.1', [BUCKET]),
    startLocalKms({ dataDir: join(dir, 'kms') }),
    startLocalKms({ dataDir: join(dir, 'kms-sm2') }),
  ]);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  s3 = new S3Client({ endpoint: s3rver.endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  kms = new KMSClient({ endpoint: localKms.endpoint, region: REGION, credentials: CREDENTIALS });
  kmsSm2 = new KMSClient({ endpoint: localKmsSm2.endpoint, region: REGION, credentials: CREDENTIALS });
  vault = new S3MaterialStore(s3, BUCKET, 900, now);
  items = new DynamoItemStore(db, LOCAL_TABLES.items);
  directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
  // The catalogue is published well before the first filing; every department gets a seal key.
  at('2026-09-01');
  await seedFixtures({ directory, store: items, now });
  expect(await ensureSealKeys(kms, directory, 'ECC_NIST_P256')).toBe(Object.keys(DEPARTMENTS).length);
  seals = (await directory.load()).seals!;
  jwks = await jwksOf(kms, seals);
  stop = async () => {
    raw.destroy();
    s3.destroy();
    kms.destroy();
    kmsSm2.destroy();
    await Promise.all([dynamo.close(), s3rver.close(), localKms.close(), localKmsSm2.close()]);
    await rm(dir, { recursive: true, force: true });
  };
});

afterAll(async () => stop?.());

/** A department's active seal key in `keys`. */
const keyOf = (keys: readonly SealKey[], departmentId: string) => keys.find((k) => k.department === departmentId && k.retiredAt === undefined)!;

/** A signer that records every Sign it is asked for, and fails the `failOn`-th (1-based) as KMS would. */
class CountingSigner implements SealSigner {
  readonly calls: { keyId: string; message: Buffer; messageType: 'RAW' | 'DIGEST'; alg: SealAlgorithm }[] = [];

  constructor(
    private readonly inner: SealSigner,
    private readonly failOn?: number,
  ) {}

  async sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST', alg: SealAlgorithm): Promise<Uint8Array> {
    this.calls.push({ keyId, message: Buffer.from(message), messageType, alg });
    if (this.calls.length === this.failOn) throw new Error('ThrottlingException: rate exceeded for kms:Sign');
    return this.inner.sign(keyId, message, messageType, alg);
  }
}

interface Stand {
  store: DynamoCaseStore;
  licences: DynamoLicenceStore;
  /**
   * With a sealer of notices alone (test seals, no KMS: test/support/notice-seals.ts), so that the
   * results' tests count the results' signatures: a decision answers the decided case, unsealed.
   */
  service: CaseService;
  /** Without any sealer: the notices an action owes stay due. */
  bare: CaseService;
}

/** A case store and a licence store on a cases table of their own (the catalogue and the bucket are shared). */
async function stand(table: string, directoryTable: string = LOCAL_TABLES.directory): Promise<Stand> {
  const name = `tongban-test-sealing-${table}`;
  await ensureTables(raw, { items: LOCAL_TABLES.items, directory: directoryTable, cases: name });
  const store = new DynamoCaseStore(db, name);
  const licences = new DynamoLicenceStore(db, name);
  const sealer = testNoticeSealer({ store, calendar: officialCalendar }, now);
  return {
    store,
    licences,
    service: new CaseService({ store, items, materials: vault, calendar: officialCalendar, now, licences, sealer }),
    bare: new CaseService({ store, items, materials: vault, calendar: officialCalendar, now, licences }),
  };
}

/** The sealing on `s`'s tables with `signer` (a counting KMS signer by default) and the directory's keys. */
function sealingOf(s: Stand, opts: { signer?: SealSigner; sealKeys?: () => Promise<readonly SealKey[]> } = {}): CaseSealing {
  return new CaseSealing({
    store: s.store,
    items,
    licences: s.licences,
    signer: opts.signer ?? new KmsSealSigner(kms),
    calendar: officialCalendar,
    sealKeys: opts.sealKeys ?? (async () => (await directory.load()).seals ?? []),
    now,
  });
}

/** Uploads a small PDF through a presigned slot of the channel, as its client would. */
const upload = (channelId: string, label: string): Promise<CaseMaterial> => uploadThroughSlot(vault, channelId, Buffer.from(`%PDF-1.7\n${label} ${randomUUID()}\n%%EOF\n`));

/** An application for `guide` with every required material uploaded by `by`'s channel, except those `given`. */
async function application(by: Caller, guide: ServiceGuide, applicant: Applicant, given: Record<string, CaseMaterial> = {}): Promise<FilingRequest> {
  const wanted = guide.materials.filter((m) => m.required && !(m.name in given)).map((m) => m.name);
  const uploaded = await Promise.all(wanted.map(async (name) => [name, await upload(by.channelId!, name)] as const));
  return { itemCode: guide.implementationCode, applicant, form: {}, materials: { ...Object.fromEntries(uploaded), ...given } };
}

/** The department's caller for a seeded guide. */
const departmentOf = (guide: ServiceGuide): Caller => (guide.departmentId === DEPARTMENTS.police.id ? POLICE : guide.departmentId === DEPARTMENTS.housing.id ? HOUSING : MARKET);

/** A case filed by the portal and accepted by its department. */
async function accepted(service: CaseService, guide: ServiceGuide, applicant: Applicant): Promise<CaseState> {
  const filed = await service.file(PORTAL, randomUUID(), await application(PORTAL, guide, applicant));
  return service.act(departmentOf(guide), filed.caseNo, { action: 'accept' });
}

/** A case filed, accepted and decided by its department through `service`. */
async function decided(
  service: CaseService,
  guide: ServiceGuide,
  applicant: Applicant,
  decision: Omit<Extract<ActionRequest, { action: 'decide' }>, 'action'>,
): Promise<CaseState> {
  const state = await accepted(service, guide, applicant);
  return service.act(departmentOf(guide), state.caseNo, { action: 'decide', ...decision });
}

const headerOf = (sealed: SealedDocument) => JSON.parse(Buffer.from(sealed.seal.protected, 'base64url').toString('utf8')) as SealHeader;
const verified = (sealed: SealedDocument, keys: Jwks = jwks) => verifySealWithJwks(Buffer.from(sealed.document, 'utf8'), sealed.seal, keys);
/** The licence a case issues: its serial is the case number. */
const licenceIdOf = (caseNo: string, typeCode: string, issuer = MARKET_ID) => makeLicenceId({ typeCode, issuer, serial: caseNo, version: '001' });
const page = { limit: 100 };

const LICENCE_TERMS: LicenceTerms = { validUntil: '2046-11-22', data: { 住所: '昆明市呈贡区示例路1号', 注册资本: '100万元', 法定代表人: '王五' } };

describe("CaseSealing: sealing a decided case with its department's key", () => {
  let s: Stand;
  beforeAll(async () => {
    s = await stand('seal');
  });

  it("seals the decision and the 营业执照 of an approved registration: one KMS signature each, with the market department's active key", async () => {
    // Prepare: a company registration decided on Monday 23 November 2026
    at('2026-11-23');
    const state = await decided(s.service, REGISTRATION, SHOP, { outcome: 'approved', reasons: ['申请材料齐全，符合法定形式'], licence: LICENCE_TERMS });
    const signer = new CountingSigner(new KmsSealSigner(kms));
    at('2026-11-23', '10:05');

    // Act
    const sealed = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess: the case
    const results = sealed.results!;
    const key = keyOf(seals, MARKET_ID);
    expect(state).toMatchObject({ status: 'decided' });
    expect(state.results).toBeUndefined();
    expect(sealed).toMatchObject({ status: 'decided', version: state.version + 1 });
    expect(results.sealedAt).toBe('2026-11-23T02:05:00.000Z');
    expect(results.licenceId).toBe(licenceIdOf(state.caseNo, 'YYZZ'));
    expect(results.licenceId).toSatisfy(isLicenceId);
    expect(await s.store.get(state.caseNo)).toEqual(sealed);
    const history = await s.service.history(MARKET, state.caseNo);
    expect(history.check).toEqual({ ok: true });
    expect(history.entries.map((e) => e.type)).toEqual(['file', 'accept', 'seal-notices', 'decide', 'seal']);
    expect(history.entries.at(-1)).toMatchObject({ type: 'seal', actor: { name: 'system', role: 'platform' }, from: 'decided', to: 'decided', on: '2026-11-23' });

    // Assess: the licence, stored and readable, its document the canonical form of its content
    const stored = (await s.licences.get(results.licenceId!))!;
    expect(stored.licence).toEqual({
      id: results.licenceId,
      typeCode: 'YYZZ',
      name: expect.stringContaining('营业执照'),
      holder: { kind: 'organisation', id: SHOP.creditCode, name: SHOP.name },
      issuer: MARKET_ID,
      caseNo: state.caseNo,
      itemCode: REGISTRATION.implementationCode,
      issuedOn: '2026-11-23',
      validFrom: '2026-11-23',
      validUntil: '2046-11-22',
      data: LICENCE_TERMS.data,
      version: 1,
    });
    expect(stored.sealed.document).toBe(canonicalize(licenceDocument(stored.licence)));
    expect(JSON.parse(stored.sealed.document)).toMatchObject({ type: LICENCE_DOCUMENT_TYPE, id: results.licenceId });
    const view = await new LicenceService({ licences: s.licences, now }).get(MARKET, results.licenceId!);
    expect(view).toEqual({ licence: stored.licence, status: 'valid', document: stored.sealed.document, seal: stored.sealed.seal, newestVersion: 1 });

    // Assess: the decision document names the licence and the decide entry it seals
    const document = JSON.parse(results.decision.document) as Record<string, unknown>;
    expect(results.decision.document).toBe(canonicalize(document));
    expect(document).toEqual({
      type: DECISION_DOCUMENT_TYPE,
      caseNo: state.caseNo,
      itemCode: REGISTRATION.implementationCode,
      itemName: REGISTRATION.name,
      itemVersion: state.itemVersion,
      department: MARKET_ID,
      applicant: { kind: 'organisation', id: SHOP.creditCode, name: SHOP.name },
      outcome: 'approved',
      reasons: ['申请材料齐全，符合法定形式'],
      decidedOn: '2026-11-23',
      licenceId: results.licenceId,
      record: { version: state.version, hash: state.hash },
    });
    expect(history.entries[state.version - 1]).toMatchObject({ type: 'decide', hash: state.hash });

    // Assess: exactly one signature per document, each over that document's signing input, with the key
    expect(signer.calls).toHaveLength(2);
    expect(signer.calls.map((c) => [c.keyId, c.alg, c.messageType])).toEqual([
      [key.keyId, 'ES256', 'RAW'],
      [key.keyId, 'ES256', 'RAW'],
    ]);
    expect(signer.calls[0]!.message.equals(signingInput(stored.sealed.seal.protected, Buffer.from(stored.sealed.document, 'utf8')))).toBe(true);
    expect(signer.calls[1]!.message.equals(signingInput(results.decision.seal.protected, Buffer.from(results.decision.document, 'utf8')))).toBe(true);
    for (const sealedDocument of [results.decision, stored.sealed]) {
      expect(headerOf(sealedDocument)).toMatchObject({
        alg: 'ES256',
        kid: key.keyId,
        'tongban:department': MARKET_ID,
        'tongban:seal': key.seal,
        'tongban:sealedAt': results.sealedAt,
        'tongban:signed': 'raw',
      });
      expect(verified(sealedDocument)).toMatchObject({ valid: true });
    }
    // Another department's key under the same kid does not verify it
    const otherDepartment = { keys: jwks.keys.map((k) => (k.kid === key.keyId ? { ...k, 'tongban:department': DEPARTMENTS.health.id } : k)) };
    expect(verified(results.decision, otherDepartment)).toMatchObject({ valid: false, reason: 'department-mismatch' });
  });

  it('answers a sealed case as it is when asked again: the same results, no signature, nothing written', async () => {
    // Prepare
    at('2026-11-23');
    const state = await decided(s.service, REGISTRATION, SECOND, { outcome: 'approved', licence: LICENCE_TERMS });
    const first = await sealingOf(s).seal(state.caseNo);
    const licence = await s.licences.get(first.results!.licenceId!);
    const signer = new CountingSigner(new KmsSealSigner(kms));
    at('2026-11-24');

    // Act
    const again = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess
    expect(again).toEqual(first);
    expect(signer.calls).toEqual([]);
    expect(await s.licences.get(first.results!.licenceId!)).toEqual(licence);
    expect((await s.service.history(MARKET, state.caseNo)).entries).toHaveLength(first.version);
  });

  it("seals a denial's decision only: one signature, no licence", async () => {
    // Prepare
    at('2026-11-23');
    const state = await decided(s.service, REGISTRATION, THIRD, { outcome: 'denied', reasons: ['名称与已登记企业重复'] });
    const signer = new CountingSigner(new KmsSealSigner(kms));

    // Act
    const sealed = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess
    const results = sealed.results!;
    expect(signer.calls).toHaveLength(1);
    expect(signer.calls[0]!.message.equals(signingInput(results.decision.seal.protected, Buffer.from(results.decision.document, 'utf8')))).toBe(true);
    expect(results.licenceId).toBeUndefined();
    const document = JSON.parse(results.decision.document) as Record<string, unknown>;
    expect(document).toMatchObject({ type: DECISION_DOCUMENT_TYPE, caseNo: state.caseNo, outcome: 'denied', reasons: ['名称与已登记企业重复'] });
    expect(document).not.toHaveProperty('licenceId');
    expect(verified(results.decision)).toMatchObject({ valid: true });
    expect(await s.licences.get(licenceIdOf(state.caseNo, 'YYZZ'))).toBeUndefined();
    expect((await s.licences.byHolder(THIRD.creditCode, undefined, page)).licences).toEqual([]);
  });

  it("seals an approval of an item that issues no licence with its own department's key: the police's, one signature", async () => {
    // Prepare
    at('2026-11-23');
    const state = await decided(s.service, HUKOU, ZHANG, { outcome: 'approved' });
    const signer = new CountingSigner(new KmsSealSigner(kms));

    // Act
    const sealed = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess
    const police = keyOf(seals, DEPARTMENTS.police.id);
    expect(police.keyId).not.toBe(keyOf(seals, MARKET_ID).keyId);
    expect(signer.calls.map((c) => c.keyId)).toEqual([police.keyId]);
    expect(sealed.results!.licenceId).toBeUndefined();
    expect(headerOf(sealed.results!.decision)).toMatchObject({ kid: police.keyId, 'tongban:department': DEPARTMENTS.police.id });
    expect(verified(sealed.results!.decision)).toMatchObject({ valid: true });
  });

  it('takes up the licence an interrupted run issued: the same licence and seal, and signs only the decision', async () => {
    // Prepare: a run that signed the licence, stored it, and failed at the decision's signature
    at('2026-11-23');
    const state = await decided(
      s.service,
      REGISTRATION,
      { ...SHOP, creditCode: makeCreditCode('91530100', '45678901'), name: '中断示例有限公司' },
      { outcome: 'approved', licence: LICENCE_TERMS },
    );
    const failing = new CountingSigner(new KmsSealSigner(kms), 2);
    const interrupted = await failure(sealingOf(s, { signer: failing }).seal(state.caseNo));
    const left = await s.licences.get(licenceIdOf(state.caseNo, 'YYZZ'));
    const unsealed = await s.store.get(state.caseNo);
    const signer = new CountingSigner(new KmsSealSigner(kms));
    at('2026-11-23', '10:30');

    // Act
    const sealed = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess: the interrupted run left the licence and an unsealed case
    expect(String(interrupted)).toContain('ThrottlingException');
    expect(failing.calls).toHaveLength(2);
    expect(left).toBeDefined();
    expect(verified(left!.sealed)).toMatchObject({ valid: true });
    expect(unsealed).toEqual(state);
    // Assess: the re-run named the stored licence and signed the decision only
    expect(sealed.results!.licenceId).toBe(left!.licence.id);
    expect(await s.licences.get(left!.licence.id)).toEqual(left);
    expect(signer.calls).toHaveLength(1);
    expect(signer.calls[0]!.message.equals(signingInput(sealed.results!.decision.seal.protected, Buffer.from(sealed.results!.decision.document, 'utf8')))).toBe(true);
    expect(JSON.parse(sealed.results!.decision.document)).toMatchObject({ licenceId: left!.licence.id });
    expect(verified(sealed.results!.decision)).toMatchObject({ valid: true });
    expect(headerOf(left!.sealed)['tongban:sealedAt']).toBe('2026-11-23T02:00:00.000Z');
    expect(sealed.results!.sealedAt).toBe('2026-11-23T02:30:00.000Z');
  });

  it("takes up a licence stored under the case's identifier as it is, without sealing it again", async () => {
    // Prepare: the licence is in the store already (an earlier run), with its own seal
    at('2026-11-23');
    const state = await decided(
      s.service,
      REGISTRATION,
      { ...SHOP, creditCode: makeCreditCode('91530100', '56789012'), name: '先发证示例有限公司' },
      { outcome: 'approved', licence: LICENCE_TERMS },
    );
    const earlier = new CountingSigner(new KmsSealSigner(kms), 2);
    await failure(sealingOf(s, { signer: earlier }).seal(state.caseNo));
    const stored = (await s.licences.get(licenceIdOf(state.caseNo, 'YYZZ')))!;
    // A second issue of the same identifier keeps the first
    const reissued = await s.licences.issue({ licence: { ...stored.licence, data: { 住所: '别处' } }, sealed: { ...stored.sealed, document: '{}' } });
    const signer = new CountingSigner(new KmsSealSigner(kms));

    // Act
    const sealed = await sealingOf(s, { signer }).seal(state.caseNo);

    // Assess
    expect(reissued).toEqual(stored);
    expect(await s.licences.get(stored.licence.id)).toEqual(stored);
    expect(sealed.results!.licenceId).toBe(stored.licence.id);
    expect(signer.calls).toHaveLength(1);
  });

  it('refuses a case that is not decided yet (CASE_NOT_DECIDED) or does not exist (CASE_NOT_FOUND), signing nothing', async () => {
    // Prepare
    // Prepare: a case filed, owing nothing yet (a notice owed is sealed: the tests above and below)
    at('2026-11-23');
    const state = (await s.service.file(PORTAL, randomUUID(), await application(PORTAL, REGISTRATION, SHOP))).case;
    const signer = new CountingSigner(new KmsSealSigner(kms));
    const sealing = sealingOf(s, { signer });

    // Act
    const notDecided = await rejection(sealing.seal(state.caseNo));
    const unknown = await rejection(sealing.seal('20261123ZZZZZZZZZZ'));

    // Assess
    expect(notDecided).toMatchObject({ code: 'CASE_NOT_DECIDED', kind: 'conflict' });
    expect(unknown).toMatchObject({ code: 'CASE_NOT_FOUND', kind: 'not-found' });
    expect(signer.calls).toEqual([]);
    expect(await s.store.get(state.caseNo)).toEqual(state);
    expect(await s.licences.get(licenceIdOf(state.caseNo, 'YYZZ'))).toBeUndefined();
  });

  it('gives up a case whose department has no active seal key (SEAL_KEY_MISSING): signs nothing, records it on the case once, tells once, and the sweep leaves it until the platform retries', async () => {
    // Prepare: a table of its own (the sweep lists only this case); the registry lists market's key retired
    at('2026-11-23');
    const s = await stand('given-up');
    const state = await decided(
      s.service,
      REGISTRATION,
      { ...SHOP, creditCode: makeCreditCode('91530100', '67890123'), name: '无印章示例有限公司' },
      { outcome: 'approved', licence: LICENCE_TERMS },
    );
    const retired = seals.map((k) => (k.department === MARKET_ID ? { ...k, retiredAt: '2026-11-01T00:00:00.000Z' } : k));
    const signer = new CountingSigner(new KmsSealSigner(kms));
    const givenUp: string[] = [];
    const sealing = (sealKeys: () => Promise<readonly SealKey[]>) =>
      new CaseSealing({
        store: s.store,
        items,
        licences: s.licences,
        signer,
        calendar: officialCalendar,
        sealKeys,
        now,
        onGivenUp: (caseNo, e) => givenUp.push(`${caseNo} ${e.code}`),
      });

    // Act: sealed without a key, twice; a sweep; then the key is back and the platform retries
    const refused = await rejection(sealing(async () => retired).seal(state.caseNo));
    const again = await rejection(sealing(async () => []).seal(state.caseNo));
    const report = await new CaseSweep({ store: s.store, calendar: officialCalendar, now, sealer: sealing(async () => seals) }).run([MARKET_ID]);
    const failed = await s.store.get(state.caseNo);
    const licenceBeforeRetry = await s.licences.get(licenceIdOf(state.caseNo, 'YYZZ'));
    const retried = await s.service.act(REVIEWER, state.caseNo, { action: 'retry-follow-up', reasons: ['已恢复市场监管局的电子印章'] });
    const sealed = await sealing(async () => seals).seal(state.caseNo);

    // Assess
    expect(refused).toMatchObject({ code: 'SEAL_KEY_MISSING', kind: 'conflict' });
    expect(again).toMatchObject({ code: 'CASE_FOLLOW_UP_FAILED' });
    expect(givenUp).toEqual([`${state.caseNo} SEAL_KEY_MISSING`]);
    expect(failed).toMatchObject({ version: state.version + 1, followUpFailure: { step: 'seal', code: 'SEAL_KEY_MISSING', on: '2026-11-23' } });
    expect(failed!.results).toBeUndefined();
    // No longer listed as owing a step: the sweep does not even look at it, let alone fail on it.
    expect(report).toMatchObject({ examined: 0, sealed: 0, failed: [] });
    expect(licenceBeforeRetry).toBeUndefined();
    expect(retried.followUpFailure).toBeUndefined();
    expect(sealed.results).toBeDefined();
    expect(signer.calls).toHaveLength(2);
    expect((await s.service.history(MARKET, state.caseNo)).entries.map((e) => e.type).slice(-4)).toEqual(['decide', 'follow-up-failed', 'retry-follow-up', 'seal']);
  });
});

describe("CaseSealing: the notices a case owes, sealed with its department's key", () => {
  let s: Stand;
  beforeAll(async () => {
    s = await stand('notices');
  });

  /** Each sealed notice checked against the history: its document verifies, is of its kind, and names the entry it notifies. */
  async function checkNotices(state: CaseState, departmentId: string, reader: Caller = MARKET) {
    const history = await s.service.history(reader, state.caseNo);
    expect(history.check).toEqual({ ok: true });
    const key = keyOf(seals, departmentId);
    for (const n of state.notices ?? []) {
      const document = JSON.parse(n.document) as { type: string; kind: string; caseNo: string; department: string; record: { version: number; hash: string } };
      expect(n.document).toBe(canonicalize(document));
      expect(document).toMatchObject({ type: `tongban/notice/${n.kind}`, kind: n.kind, caseNo: state.caseNo, department: departmentId });
      expect(document.record).toEqual({ version: n.entry, hash: history.entries[n.entry - 1]!.hash });
      expect(headerOf(n)).toMatchObject({ kid: key.keyId, 'tongban:department': departmentId, 'tongban:sealedAt': n.sealedAt });
      expect(verified(n)).toMatchObject({ valid: true });
    }
    return history;
  }

  it('seals each notice once, one KMS signature each, in one seal-notices entry; a retry signs nothing and writes nothing', async () => {
    // Prepare: a registration asked for supplements, supplemented, accepted, then paused and extended —
    // the last two before the sealing function ran: three notices due
    at('2026-11-23');
    const filed = await s.bare.file(PORTAL, randomUUID(), await application(PORTAL, REGISTRATION, SHOP));
    await s.bare.act(MARKET, filed.caseNo, { action: 'request-supplement', problems: [{ material: '公司设立登记申请书', problem: '缺少法定代表人签字' }] });
    const signer = new CountingSigner(new KmsSealSigner(kms));
    at('2026-11-23', '10:05');
    const first = await sealingOf(s, { signer }).seal(filed.caseNo);
    at('2026-11-24');
    await s.bare.act(PORTAL, filed.caseNo, { action: 'supplement', materials: { 公司设立登记申请书: await upload(PORTAL.channelId!, '补正') } });
    await s.bare.act(MARKET, filed.caseNo, { action: 'accept' });
    await s.bare.act(MARKET, filed.caseNo, { action: 'pause', procedure: 'site-inspection', reason: '核查住所', expectedDays: 3 });
    const owing = await s.bare.act(MARKET, filed.caseNo, { action: 'extend', days: 5, approvedBy: '王局长', reasons: ['需核实股东信息'] });
    const calls = signer.calls.length;
    at('2026-11-24', '10:30');

    // Act
    const sealed = await sealingOf(s, { signer }).seal(filed.caseNo);
    const again = await sealingOf(s, { signer }).seal(filed.caseNo);

    // Assess: the supplement notice at once; then three due, sealed together: three signatures, one entry
    expect(calls).toBe(1);
    expect(first.notices!.map((n) => [n.kind, n.entry])).toEqual([['supplement', 2]]);
    expect(owing.noticesDue!.map((n) => [n.kind, n.entry])).toEqual([
      ['acceptance', 5],
      ['special-procedure', 6],
      ['extension', 7],
    ]);
    expect(signer.calls).toHaveLength(4);
    expect(signer.calls.every((c) => c.keyId === keyOf(seals, MARKET_ID).keyId)).toBe(true);
    expect(sealed.noticesDue).toBeUndefined();
    expect(sealed.notices!.map((n) => [n.kind, n.entry, n.sealedAt])).toEqual([
      ['supplement', 2, '2026-11-23T02:05:00.000Z'],
      ['acceptance', 5, '2026-11-24T02:30:00.000Z'],
      ['special-procedure', 6, '2026-11-24T02:30:00.000Z'],
      ['extension', 7, '2026-11-24T02:30:00.000Z'],
    ]);
    // Each signature over its own document
    for (const [i, n] of sealed.notices!.slice(1).entries()) {
      expect(signer.calls[i + 1]!.message.equals(signingInput(n.seal.protected, Buffer.from(n.document, 'utf8')))).toBe(true);
    }
    const history = await checkNotices(sealed, MARKET_ID);
    expect(history.entries.map((e) => e.type)).toEqual(['file', 'request-supplement', 'seal-notices', 'supplement', 'accept', 'pause', 'extend', 'seal-notices']);
    expect(history.entries.at(-1)).toMatchObject({ actor: { name: 'system', role: 'platform' }, from: 'accepted', to: 'accepted' });
    // The supplement notice lists the problem; the extension its days and the new statutory deadline
    expect(JSON.parse(sealed.notices![0]!.document)).toMatchObject({ problems: [{ material: '公司设立登记申请书', problem: '缺少法定代表人签字' }] });
    expect(JSON.parse(sealed.notices![3]!.document)).toMatchObject({ days: 5, reasons: ['需核实股东信息'] });
    // A retry: the case as it is, no signature
    expect(again).toEqual(sealed);
    expect(signer.calls).toHaveLength(4);
  });

  it('records nothing when KMS fails at the second notice; the next run seals both, each once', async () => {
    // Prepare: a refused case and one accepted then paused, their notices due
    at('2026-11-25');
    const filed = await s.bare.file(PORTAL, randomUUID(), await application(PORTAL, REGISTRATION, SECOND));
    await s.bare.act(MARKET, filed.caseNo, { action: 'accept' });
    const owing = await s.bare.act(MARKET, filed.caseNo, { action: 'pause', procedure: 'expert-review', reason: '组织专家论证', expectedDays: 10 });
    const failing = new CountingSigner(new KmsSealSigner(kms), 2);
    const signer = new CountingSigner(new KmsSealSigner(kms));

    // Act
    const interrupted = await failure(sealingOf(s, { signer: failing }).seal(filed.caseNo));
    const unsealed = await s.store.get(filed.caseNo);
    const sealed = await sealingOf(s, { signer }).seal(filed.caseNo);

    // Assess
    expect(String(interrupted)).toContain('ThrottlingException');
    expect(unsealed).toEqual(owing);
    expect(signer.calls).toHaveLength(2);
    expect(sealed.notices!.map((n) => [n.kind, n.entry])).toEqual([
      ['acceptance', 2],
      ['special-procedure', 3],
    ]);
    expect(JSON.parse(sealed.notices![1]!.document)).toMatchObject({ procedureName: '专家评审', expectedDays: 10 });
    await checkNotices(sealed, MARKET_ID);
  });

  it('seals the refusal notice with the refusing department key (the police), and the sweep seals what the case service could not, once', async () => {
    // Prepare: a 户口迁移 refused while the sealing function is down
    at('2026-11-25');
    const down: CaseSealer = {
      seal: async () => {
        throw new Error('the sealing function timed out');
      },
    };
    const lags: string[] = [];
    const service = new CaseService({
      store: s.store,
      items,
      materials: vault,
      calendar: officialCalendar,
      now,
      licences: s.licences,
      sealer: down,
      onSealLag: (n) => lags.push(n),
    });
    const filed = await service.file(PORTAL, randomUUID(), await application(PORTAL, HUKOU, ZHANG));
    const refused = await service.act(POLICE, filed.caseNo, { action: 'refuse', reasons: ['迁入地址不在本市'] });
    const signer = new CountingSigner(new KmsSealSigner(kms));
    const sweep = new CaseSweep({ store: s.store, calendar: officialCalendar, now, sealer: sealingOf(s, { signer }) });
    at('2026-11-26');

    // Act
    const first = await sweep.run([DEPARTMENTS.police.id]);
    const second = await sweep.run([DEPARTMENTS.police.id]);

    // Assess
    expect(lags).toEqual([filed.caseNo]);
    expect(refused.noticesDue!.map((n) => n.kind)).toEqual(['refusal']);
    expect(first).toMatchObject({ noticesSealed: 1, sealed: 0, failed: [] });
    expect(second).toMatchObject({ noticesSealed: 0, failed: [] });
    expect(signer.calls.map((c) => c.keyId)).toEqual([keyOf(seals, DEPARTMENTS.police.id).keyId]);
    const state = (await s.store.get(filed.caseNo))!;
    expect(JSON.parse(state.notices![0]!.document)).toMatchObject({
      kind: 'refusal',
      reasons: ['迁入地址不在本市'],
      remedies: { review: { withinDays: 60 }, litigation: { withinMonths: 6 } },
    });
    await checkNotices(state, DEPARTMENTS.police.id, POLICE);
  });

  it('gives the notices up when the department has no active seal key: recorded once (seal-notices), signs nothing, until the platform retries', async () => {
    // Prepare
    at('2026-11-25');
    const filed = await s.bare.file(PORTAL, randomUUID(), await application(PORTAL, REGISTRATION, THIRD));
    await s.bare.act(MARKET, filed.caseNo, { action: 'accept' });
    const signer = new CountingSigner(new KmsSealSigner(kms));
    const none = new CaseSealing({ store: s.store, items, licences: s.licences, signer, calendar: officialCalendar, sealKeys: async () => [], now });

    // Act
    const refused = await rejection(none.seal(filed.caseNo));
    const again = await rejection(none.seal(filed.caseNo));
    const failed = (await s.store.get(filed.caseNo))!;
    await s.bare.act(REVIEWER, filed.caseNo, { action: 'retry-follow-up', reasons: ['已配置市场监管局的电子印章'] });
    const sealed = await sealingOf(s, { signer }).seal(filed.caseNo);

    // Assess
    expect([refused.code, again.code]).toEqual(['SEAL_KEY_MISSING', 'CASE_FOLLOW_UP_FAILED']);
    expect(failed.followUpFailure).toMatchObject({ step: 'seal-notices', code: 'SEAL_KEY_MISSING', on: '2026-11-25' });
    expect(failed.noticesDue!.map((n) => n.kind)).toEqual(['acceptance']);
    expect(signer.calls).toHaveLength(1);
    expect(sealed.notices!.map((n) => n.kind)).toEqual(['acceptance']);
  });
});

describe('CaseSealing with SM2 seal keys (China regions)', () => {
  it("seals with the department's SM2 key (SM2-SM3), a large licence by its header (which names its digest), and both verify with the published SM2 keys", async () => {
    // Prepare: a directory of its own whose departments got SM2 keys in a KMS of their own
    const sm2Directory = new DynamoDirectory(db, 'tongban-test-sealing-directory-sm2');
    const s = await stand('sm2', 'tongban-test-sealing-directory-sm2');
    await sm2Directory.save(fixtureDirectory());
    expect(await ensureSealKeys(kmsSm2, sm2Directory, 'SM2')).toBe(Object.keys(DEPARTMENTS).length);
    const sm2Seals = (await sm2Directory.load()).seals!;
    const sm2Jwks = await jwksOf(kmsSm2, sm2Seals);
    const key = keyOf(sm2Seals, MARKET_ID);
    at('2026-11-23');
    const terms = { ...LICENCE_TERMS, data: { ...LICENCE_TERMS.data, 经营范围: '一般项目：'.padEnd(3000, '软件开发；') } };
    const state = await decided(s.service, REGISTRATION, SHOP, { outcome: 'approved', licence: terms });
    const signer = new CountingSigner(new KmsSealSigner(kmsSm2));

    // Act
    const sealed = await sealingOf(s, { signer, sealKeys: async () => (await sm2Directory.load()).seals ?? [] }).seal(state.caseNo);

    // Assess
    const licence = (await s.licences.get(sealed.results!.licenceId!))!;
    expect(key).toMatchObject({ alg: 'SM2-SM3' });
    expect(sm2Jwks.keys.every((k) => k.crv === 'SM2' && k.alg === 'SM2-SM3')).toBe(true);
    expect(Buffer.byteLength(licence.sealed.document)).toBeGreaterThan(4096);
    // Both RAW: the large licence's signature covers its protected header alone (it names the digest)
    expect(signer.calls.map((c) => [c.keyId, c.alg, c.messageType])).toEqual([
      [key.keyId, 'SM2-SM3', 'RAW'],
      [key.keyId, 'SM2-SM3', 'RAW'],
    ]);
    expect(Buffer.from(signer.calls[0]!.message).toString('ascii')).toBe(licence.sealed.seal.protected);
    expect(headerOf(licence.sealed)).toMatchObject({ alg: 'SM2-SM3', kid: key.keyId, 'tongban:department': MARKET_ID, 'tongban:signed': 'header' });
    expect(headerOf(sealed.results!.decision)).toMatchObject({ alg: 'SM2-SM3', kid: key.keyId, 'tongban:department': MARKET_ID, 'tongban:signed': 'raw' });
    expect(verified(licence.sealed, sm2Jwks)).toMatchObject({ valid: true });
    expect(verified(sealed.results!.decision, sm2Jwks)).toMatchObject({ valid: true });
    // The P-256 keys know nothing of these seals
    expect(verified(sealed.results!.decision)).toMatchObject({ valid: false, reason: 'unknown-key' });
  });
});

describe('CaseService and CaseSweep with a sealer', () => {
  it('answers a decision sealed when the sealer works; when it fails, the decided case unsealed and onSealLag told — and the sweep seals it once', async () => {
    // Prepare
    const s = await stand('sweep');
    const signer = new CountingSigner(new KmsSealSigner(kms));
    const sealing = sealingOf(s, { signer });
    const lags: { caseNo: string; error: unknown }[] = [];
    const withSealer = (sealer: CaseSealer) =>
      new CaseService({
        store: s.store,
        items,
        materials: vault,
        calendar: officialCalendar,
        now,
        licences: s.licences,
        sealer,
        onSealLag: (caseNo, error) => lags.push({ caseNo, error }),
      });
    const down: CaseSealer = {
      seal: async (caseNo) => {
        throw new Error(`the sealing function timed out sealing ${caseNo}`);
      },
    };
    at('2026-11-23');
    const right = await decided(withSealer(sealing), REGISTRATION, SHOP, { outcome: 'approved', licence: LICENCE_TERMS });
    const lagging = await accepted(s.service, REGISTRATION, SECOND);

    // Act: the decision while the sealing function is down
    const answered = await withSealer(down).act(MARKET, lagging.caseNo, { action: 'decide', outcome: 'approved', licence: LICENCE_TERMS });
    at('2026-11-24', '02:00');
    const sweepDown = await new CaseSweep({ store: s.store, calendar: officialCalendar, now, sealer: down }).run([MARKET_ID]);
    at('2026-11-24', '03:00');
    const sweep = new CaseSweep({ store: s.store, calendar: officialCalendar, now, sealer: sealing });
    const first = await sweep.run([MARKET_ID]);
    const second = await sweep.run([MARKET_ID]);

    // Assess: with a working sealer, the decision is answered sealed
    expect(right.results).toBeDefined();
    expect(lags.filter((l) => l.caseNo === right.caseNo)).toEqual([]);
    // Assess: with the sealer down, the decided case is answered unsealed, as stored, and the lag told
    expect(answered).toMatchObject({ status: 'decided', decision: { outcome: 'approved', on: '2026-11-23' } });
    expect(answered.results).toBeUndefined();
    expect(lags).toHaveLength(1);
    expect(lags[0]!.caseNo).toBe(lagging.caseNo);
    expect(String(lags[0]!.error)).toContain('timed out');
    // Assess: the sweep reports a failure while the sealer is down, then seals the one case once
    expect(sweepDown).toMatchObject({ sealed: 0, failed: [{ caseNo: lagging.caseNo, error: expect.stringContaining('timed out') }] });
    expect(first).toMatchObject({ sealed: 1, failed: [] });
    expect(second).toMatchObject({ sealed: 0, failed: [] });
    const sealedLater = (await s.store.get(lagging.caseNo))!;
    expect(sealedLater.results).toMatchObject({ sealedAt: '2026-11-23T19:00:00.000Z', licenceId: licenceIdOf(lagging.caseNo, 'YYZZ') });
    expect(sealedLater.version).toBe(answered.version + 1);
    expect(verified(sealedLater.results!.decision)).toMatchObject({ valid: true });
    // The licence is issued on the day of the decision, not of the seal
    expect((await s.licences.get(sealedLater.results!.licenceId!))!.licence).toMatchObject({ issuedOn: '2026-11-23', validFrom: '2026-11-23' });
    // Three signatures for the first case (its 受理通知书 at its acceptance, licence and decision at its
    // decision), two for the lagging one by the sweep, none more
    expect(signer.calls).toHaveLength(5);
    expect(await s.store.get(right.caseNo)).toEqual(right);
    const history = await s.service.history(MARKET, lagging.caseNo);
    expect(history.check).toEqual({ ok: true });
    expect(history.entries.map((e) => [e.type, e.actor.name, e.on])).toEqual([
      ['file', 'portal', '2026-11-23'],
      ['accept', 'market', '2026-11-23'],
      ['seal-notices', 'system', '2026-11-23'],
      ['decide', 'market', '2026-11-23'],
      ['seal', 'system', '2026-11-24'],
    ]);
  });
});

describe('CaseService: filing with an e-licence instead of a material (免提交)', () => {
  let s: Stand;
  /** SHOP's 营业执照 (YYZZ), SHOP's food licence (SPJYXKZ), SECOND's revoked 营业执照, THIRD's expired one. */
  const ids = { shop: '', shopFood: '', revoked: '', expired: '' };

  beforeAll(async () => {
    s = await stand('reuse');
    const service = new CaseService({ store: s.store, items, materials: vault, calendar: officialCalendar, now, licences: s.licences, sealer: sealingOf(s) });
    const licenceOf = async (guide: ServiceGuide, applicant: Applicant, terms = LICENCE_TERMS) =>
      (await decided(service, guide, applicant, { outcome: 'approved', licence: terms })).results!.licenceId!;
    at('2026-11-23');
    ids.shop = await licenceOf(REGISTRATION, SHOP);
    ids.shopFood = await licenceOf(FOOD, SHOP, { validUntil: '2031-11-22', data: { 经营项目: ['热食类食品制售'] } });
    ids.revoked = await licenceOf(REGISTRATION, SECOND);
    ids.expired = await licenceOf(REGISTRATION, THIRD, { ...LICENCE_TERMS, validUntil: '2026-11-23' });
    await new LicenceService({ licences: s.licences, now }).revoke(MARKET, ids.revoked, '公司已注销');
    // The filings are made the next day: THIRD's licence is past its last valid day
    at('2026-11-24');
  });

  /** The hall's food-licence application for `applicant` naming `licenceId` as its 营业执照. */
  const naming = (applicant: Applicant, licenceId: string) => application(HALL, FOOD, applicant, { 营业执照: { kind: 'licence', licenceId } });

  /** Refused with `code` on the 营业执照's licenceId, again on a retry with the same key, and nothing filed. */
  async function expectRefused(request: FilingRequest, code: string): Promise<DomainError> {
    const key = randomUUID();
    const refused = await rejection(s.service.file(HALL, key, request));
    expect(refused).toMatchObject({ code, field: 'materials.营业执照.licenceId' });
    expect(await rejection(s.service.file(HALL, key, request))).toMatchObject({ code, field: refused.field });
    expect((await s.service.channelCases(HALL, undefined, page)).cases).toEqual([]);
    return refused;
  }

  it("accepts the applicant's own valid 营业执照 in place of the upload, and checks one named in a supplement too; it has no file to read", async () => {
    // Act
    const filed = await s.service.file(PORTAL, randomUUID(), await application(PORTAL, FOOD, SHOP, { 营业执照: { kind: 'licence', licenceId: ids.shop } }));
    const noFile = await rejection(s.service.materialLink(MARKET, filed.caseNo, { name: '营业执照' }));
    await s.service.act(MARKET, filed.caseNo, { action: 'request-supplement', problems: [{ material: '营业执照', problem: '请确认营业执照' }] });
    const notTheirs = await rejection(s.service.act(PORTAL, filed.caseNo, { action: 'supplement', materials: { 营业执照: { kind: 'licence', licenceId: ids.revoked } } }));
    const theirs = await s.service.act(PORTAL, filed.caseNo, { action: 'supplement', materials: { 营业执照: { kind: 'licence', licenceId: ids.shop } } });

    // Assess
    expect(filed.case.status).toBe('received');
    expect(filed.case.materials.营业执照).toEqual({ kind: 'licence', licenceId: ids.shop });
    // The receipt lists it too, as the licence supplied instead of a file.
    expect(filed.receipt.materials.find((m) => m.name === '营业执照')).toEqual({ kind: 'licence', name: '营业执照', licenceId: ids.shop });
    expect(notTheirs).toMatchObject({ code: 'CASE_LICENCE_UNKNOWN', field: 'materials.营业执照.licenceId' });
    expect(theirs).toMatchObject({ status: 'received', materials: { 营业执照: { kind: 'licence', licenceId: ids.shop } } });
    // A link to the file would read nothing: the reader is sent to the licence.
    expect(noFile).toMatchObject({ code: 'CASE_MATERIAL_IS_LICENCE', kind: 'not-found' });
    expect(noFile.messageZh).toContain(ids.shop);
    expect((await s.service.history(MARKET, filed.caseNo)).entries.map((e) => e.type)).toEqual(['file', 'request-supplement', 'seal-notices', 'supplement']);
  });

  it("refuses another holder's licence exactly like one that does not exist (CASE_LICENCE_UNKNOWN), filing nothing", async () => {
    // Act
    const othersLicence = await expectRefused(await naming(SECOND, ids.shop), 'CASE_LICENCE_UNKNOWN');
    const noSuchLicence = await expectRefused(await naming(SHOP, licenceIdOf('20261124AAAAAAAAAA', 'YYZZ')), 'CASE_LICENCE_UNKNOWN');

    // Assess
    expect(othersLicence).toMatchObject({ kind: 'invalid' });
    expect([othersLicence.messageZh, othersLicence.message]).toEqual([noSuchLicence.messageZh, noSuchLicence.message]);
  });

  it('refuses a licence of another type (CASE_LICENCE_TYPE_MISMATCH), a revoked one (CASE_LICENCE_REVOKED) and an expired one (CASE_LICENCE_EXPIRED), filing nothing', async () => {
    expect(await expectRefused(await naming(SHOP, ids.shopFood), 'CASE_LICENCE_TYPE_MISMATCH')).toMatchObject({ kind: 'invalid' });
    expect(await expectRefused(await naming(SECOND, ids.revoked), 'CASE_LICENCE_REVOKED')).toMatchObject({ kind: 'conflict' });
    expect(await expectRefused(await naming(THIRD, ids.expired), 'CASE_LICENCE_EXPIRED')).toMatchObject({ kind: 'conflict' });
  });

  it("lists a holder's valid licences through the holder index, newest first and page by page, without the revoked or expired ones", async () => {
    // Prepare
    const licenceService = new LicenceService({ licences: s.licences, now });
    const pages: string[][] = [];

    // Act
    let cursor: string | undefined;
    do {
      const listed = await licenceService.listValid(PORTAL, SHOP.creditCode, undefined, { limit: 1, ...(cursor ? { cursor } : {}) });
      pages.push(listed.licences.map((l) => l.licence.id));
      cursor = listed.nextCursor;
    } while (cursor && pages.length < 5);
    const food = await licenceService.listValid(PORTAL, SHOP.creditCode, 'SPJYXKZ', page);

    // Assess: both issued on 23 Nov, so in descending identifier order (…YYZZ… after …SPJYXKZ…)
    expect(pages.flat()).toEqual([ids.shop, ids.shopFood]);
    expect(pages[0]).toEqual([ids.shop]);
    expect(food.licences.map((l) => [l.licence.id, l.status])).toEqual([[ids.shopFood, 'valid']]);
    expect((await licenceService.listValid(PORTAL, SECOND.creditCode, undefined, page)).licences).toEqual([]);
    expect((await licenceService.listValid(PORTAL, THIRD.creditCode, undefined, page)).licences).toEqual([]);
    expect((await s.licences.byHolder(THIRD.creditCode, undefined, page)).licences.map((l) => l.licence.id)).toEqual([ids.expired]);
  });

  it('refuses a malformed licence identifier (INVALID_LICENCE_ID), filing nothing', async () => {
    const typo = `${ids.shop.slice(0, -1)}${ids.shop.endsWith('A') ? 'B' : 'A'}`;
    expect(await expectRefused(await naming(SHOP, 'YYZZ-2026-0001'), 'INVALID_LICENCE_ID')).toMatchObject({ kind: 'invalid' });
    expect(await expectRefused(await naming(SHOP, typo), 'INVALID_LICENCE_ID')).toMatchObject({ kind: 'invalid' });
  });
});

describe('LambdaCaseSealer: the sealing function through the Lambda Invoke API', () => {
  let s: Stand;
  let lambda: LambdaInvoker;
  let closeLambda: () => Promise<void>;
  const FUNCTION = 'tongban-test-sealing';

  beforeAll(async () => {
    s = await stand('lambda');
    const sealing = sealingOf(s);
    const local = await startLocalLambda({
      host: '127.0.0.1',
      functions: {
        [FUNCTION]: (event) => sealing.seal((event as CaseFunctionEvent).caseNo),
        'tongban-test-broken': async () => {
          throw new TypeError('fetch failed: connect ECONNREFUSED kms.cn-north-1.amazonaws.com.cn');
        },
      },
    });
    lambda = new LambdaInvoker({ endpoint: local.endpoint, region: REGION, credentials: CREDENTIALS });
    closeLambda = async () => {
      lambda.destroy();
      await local.close();
    };
  });

  afterAll(async () => closeLambda?.());

  it('answers the sealed case the function returns', async () => {
    at('2026-11-23');
    const state = await decided(s.service, REGISTRATION, SHOP, { outcome: 'approved', licence: LICENCE_TERMS });

    const sealed = await new LambdaCaseSealer(lambda, FUNCTION).seal(state.caseNo);

    expect(sealed.results?.licenceId).toBe(licenceIdOf(state.caseNo, 'YYZZ'));
    expect(sealed).toEqual(await s.store.get(state.caseNo));
    // By ARN too, as the cases function names it on AWS
    expect(await new LambdaCaseSealer(lambda, `arn:aws-cn:lambda:${REGION}:000000000000:function:${FUNCTION}`).seal(state.caseNo)).toEqual(sealed);
  });

  it("surfaces the function's error as an Error naming the case and the error: the sealing's own refusal, or any other", async () => {
    at('2026-11-23');
    const state = (await s.service.file(PORTAL, randomUUID(), await application(PORTAL, REGISTRATION, SECOND))).case;

    const notDecided = await failure(new LambdaCaseSealer(lambda, FUNCTION).seal(state.caseNo));
    const broken = await failure(new LambdaCaseSealer(lambda, 'tongban-test-broken').seal(state.caseNo));

    expect(notDecided).toBeInstanceOf(Error);
    expect((notDecided as Error).message).toBe(
      `sealing case ${state.caseNo} failed (Unhandled): DomainError: case ${state.caseNo} is received: only a decided case's results are sealed`,
    );
    expect(broken).toBeInstanceOf(Error);
    expect((broken as Error).message).toBe(`sealing case ${state.caseNo} failed (Unhandled): TypeError: fetch failed: connect ECONNREFUSED kms.cn-north-1.amazonaws.com.cn`);
    expect(await s.store.get(state.caseNo)).toEqual(state);
  });

  it('fails for a function that does not exist', async () => {
    const missing = await failure(new LambdaCaseSealer(lambda, 'tongban-test-no-such-function').seal('20261123AAAAAAAAAA'));

    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    expect(String(missing)).toContain('tongban-test-no-such-function');
  });
});
