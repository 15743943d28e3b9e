// Amending e-licences (000 §30) against the real local stand-ins: dynalite (the licences in a cases
// table), the embedded KMS signer over the KMS wire protocol with one seal key per department, and the
// licence service with the licence sealing in process (the sealing function's own code; the e2e test
// reaches it through Lambda). A 营业执照 is issued and sealed as the sealing function issues it; its
// issuer corrects the holder's name and a data field: version 2, sealed anew, supersedes version 1,
// which stays readable as sealed and whose seal still verifies but no longer holds; the history keeps
// the old values, the reasons and the ticket. Then retries, races, a sealing that fails, revocation,
// a head left behind an interrupted run and a licence stored before versions were recorded.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { ensureSealKeys } from '../../infra/local/seal-keys.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import type { SealKey } from '../../shared/contracts/directory.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { LicenceSealing } from '../../shared/domain/licences/licence-sealing.ts';
import { LicenceService, amendmentForTicket } from '../../shared/domain/licences/licence-service.ts';
import type { LicenceView } from '../../shared/domain/licences/licence-service.ts';
import type { Licence } from '../../shared/domain/licences/licence.ts';
import { amendLicence, amendedLicence, issueLicence, licenceDocument } from '../../shared/domain/licences/licence.ts';
import { makeLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import { checkSealedDocument } from '../../shared/domain/seals/document-check.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk, verifySealWithJwks } from '../../shared/domain/seals/jwks.ts';
import type { SealAlgorithm, SealSigner } from '../../shared/domain/seals/seal.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { HEALTH, MARKET, MARKET_DEPUTY, PORTAL, REVIEWER, SHOP } from '../support/case-fixtures.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';
import { rejection } from '../support/refusal.ts';

const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };
const TABLE = LOCAL_TABLES.cases;
const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };

let clock = new Date('2026-11-23T02:00:00Z');
const now = () => clock;

let dir: string;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let kms: KMSClient;
let seals: SealKey[];
let jwks: Jwks;
let licences: DynamoLicenceStore;
let stop: () => Promise<void>;

/** A signer that records every Sign, and fails while `failing` is set, as KMS would. */
class CountingSigner implements SealSigner {
  signs = 0;
  failing = false;
  constructor(private readonly inner: SealSigner) {}
  async sign(keyId: string, message: Uint8Array, messageType: 'RAW' | 'DIGEST', alg: SealAlgorithm): Promise<Uint8Array> {
    if (this.failing) throw new Error('ThrottlingException: rate exceeded for kms:Sign');
    this.signs++;
    return this.inner.sign(keyId, message, messageType, alg);
  }
}
let signer: CountingSigner;
let service: LicenceService;
/** The sealing failures the service told of. */
const lags: { licenceId: string; version: number; error: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-licence-amendment-'));
  const [dynamo, localKms] = await Promise.all([startDynalite(undefined), startLocalKms({ dataDir: join(dir, 'kms') })]);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  kms = new KMSClient({ endpoint: localKms.endpoint, region: REGION, credentials: CREDENTIALS });
  const directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
  await seedFixtures({ directory, store: new DynamoItemStore(db, LOCAL_TABLES.items), now });
  await ensureSealKeys(kms, directory, 'ECC_NIST_P256');
  seals = (await directory.load()).seals!;
  jwks = {
    keys: await Promise.all(
      seals.map(async (k) =>
        sealJwk((await kms.send(new GetPublicKeyCommand({ KeyId: k.keyId }))).PublicKey!, { kid: k.keyId, alg: k.alg, department: k.department, seal: k.seal }),
      ),
    ),
  };
  licences = new DynamoLicenceStore(db, TABLE);
  signer = new CountingSigner(new KmsSealSigner(kms));
  const sealer = new LicenceSealing({ licences, signer, sealKeys: async () => seals, now });
  service = new LicenceService({ licences, sealer, now, onSealLag: (licenceId, version, error) => lags.push({ licenceId, version, error: String(error) }) });
  stop = async () => {
    raw.destroy();
    kms.destroy();
    await Promise.all([dynamo.close(), localKms.close()]);
    await rm(dir, { recursive: true, force: true });
  };
});

afterAll(async () => stop?.());

let serial = 0;
/** A 营业执照 issued by the market department to SHOP and sealed with its key, as the sealing function issues one. */
async function issued(overrides: { data?: Licence['data'] } = {}): Promise<Licence> {
  serial++;
  const licence = issueLicence({
    caseNo: `20261123MKT${String(serial).padStart(7, '0')}`,
    itemCode: '11530100MB0000000X4000117001000',
    departmentId: DEPARTMENTS.market.id,
    applicant: SHOP,
    typeCode: 'YYZZ',
    name: '营业执照',
    serial: `2026${String(serial).padStart(8, '0')}`,
    issuedOn: '2026-11-23',
    data: overrides.data ?? { 住所: '昆明市呈贡区示例路1号', 注册资本: '100万元' },
  });
  const key = seals.find((k) => k.department === DEPARTMENTS.market.id)!;
  const document = canonicalize(licenceDocument(licence));
  const seal = await sealDocument(
    Buffer.from(document, 'utf8'),
    { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt: now().toISOString() },
    new KmsSealSigner(kms),
  );
  await licences.issue({ licence, sealed: { document, seal } });
  return licence;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const verified = (v: { document: string; seal: LicenceView['seal'] }) => verifySealWithJwks(Buffer.from(v.document, 'utf8'), v.seal, jwks).valid;
const checked = (v: { document: string; seal: LicenceView['seal'] }) =>
  checkSealedDocument(v.document, v.seal, jwks, { licenceOf: async (id) => (await licences.get(id))?.licence, today: '2026-11-24' });

describe('amending a licence: a new version sealed anew, the old one kept', () => {
  it("corrects the holder's name and a data field: version 2 sealed with the issuer's key, version 1 as sealed, the old values, the reasons and the ticket in the history", async () => {
    // Prepare
    const licence = await issued();
    const first = await service.get(MARKET, licence.id);
    clock = new Date('2026-11-24T03:00:00Z');
    const signsBefore = signer.signs;

    // Act
    const amended = await service.amend(MARKET_DEPUTY, licence.id, {
      changes: { holderName: '昆明示例餐饮有限责任公司', data: { 住所: '昆明市呈贡区示例路2号', 经营范围: '餐饮服务' } },
      reasons: '登记名称与住所录入有误，依申请更正',
      ticketId: 'TK-2026-000001',
    });
    const old = await service.get(AUDITOR, licence.id, undefined, 1);
    const newest = await service.get(PORTAL, licence.id, SHOP.creditCode);

    // Assess: one Sign; version 2 carries the change and names the document it supersedes
    expect(signer.signs - signsBefore).toBe(1);
    expect(amended.replayed).toBeUndefined();
    expect(amended).toMatchObject({ status: 'valid', newestVersion: 2 });
    expect(amended.licence).toEqual({
      ...licence,
      holder: { ...licence.holder, name: '昆明示例餐饮有限责任公司' },
      data: { 住所: '昆明市呈贡区示例路2号', 注册资本: '100万元', 经营范围: '餐饮服务' },
      version: 2,
      amendedOn: '2026-11-24',
      supersedes: { version: 1, documentSha256: sha256(first.document) },
    });
    expect(JSON.parse(amended.document)).toEqual({ type: 'tongban/e-licence', ...amended.licence });
    expect(amended.amendments).toEqual([
      {
        version: 2,
        at: '2026-11-24T03:00:00.000Z',
        on: '2026-11-24',
        by: 'market-deputy',
        departmentId: DEPARTMENTS.market.id,
        reasons: '登记名称与住所录入有误，依申请更正',
        ticketId: 'TK-2026-000001',
        changes: [
          { field: 'holder.name', from: SHOP.name, to: '昆明示例餐饮有限责任公司' },
          { field: 'data.住所', from: '昆明市呈贡区示例路1号', to: '昆明市呈贡区示例路2号' },
          { field: 'data.经营范围', to: '餐饮服务' },
        ],
      },
    ]);
    // Version 1 as it was sealed, readable after; the newest for everyone who may read it
    expect(old).toMatchObject({ document: first.document, seal: first.seal, newestVersion: 2, licence: { version: 1, holder: { name: SHOP.name } } });
    expect(old.amendments).toEqual(amended.amendments);
    expect(newest).toEqual({ ...amended, replayed: undefined });
    expect(JSON.stringify(newest)).not.toContain('replayed');
    // Both seals are genuine; only the newest version holds
    expect(verified(first)).toBe(true);
    expect(verified(amended)).toBe(true);
    expect(await checked(first)).toMatchObject({ valid: false, reason: 'licence-superseded', licenceVersion: 1, newestVersion: 2, licenceStatus: 'valid' });
    expect(await checked(amended)).toMatchObject({ valid: true, licenceVersion: 2, newestVersion: 2, department: DEPARTMENTS.market.id });
    // What the tickets read: the store's amendments, with the ticket, and the check of a ticket's answer
    expect((await licences.amendments(licence.id)).map((a) => [a.version, a.ticketId])).toEqual([[2, 'TK-2026-000001']]);
    expect(await amendmentForTicket(licences, licence.id, 'TK-2026-000001', 2)).toMatchObject({
      version: 2,
      ticketId: 'TK-2026-000001',
      reasons: '登记名称与住所录入有误，依申请更正',
    });
    for (const [ticket, version] of [
      ['TK-2026-000002', 2],
      ['TK-2026-000001', 3],
      ['TK-2026-000001', 1],
    ] as const)
      expect(await amendmentForTicket(licences, licence.id, ticket, version)).toBeUndefined();
    // The holder's list shows the newest version
    const listed = await service.listValid(PORTAL, SHOP.creditCode, 'YYZZ', { limit: 50 });
    expect(listed.licences.find((v) => v.licence.id === licence.id)).toMatchObject({
      licence: { version: 2, holder: { name: '昆明示例餐饮有限责任公司' } },
      document: amended.document,
    });
  });

  it('answers the same amendment sent again with the version it made (with or without baseVersion), and refuses another one on a version that is not the newest', async () => {
    // Prepare
    const licence = await issued();
    const request = { changes: { data: { 注册资本: '200万元' } }, reasons: '注册资本录入有误' };
    const made = await service.amend(MARKET, licence.id, { ...request, baseVersion: 1 });
    const signs = signer.signs;

    // Act
    const again = await service.amend(MARKET, licence.id, { ...request, baseVersion: 1 });
    const againWithout = await service.amend(MARKET_DEPUTY, licence.id, request);
    const other = await rejection(service.amend(MARKET, licence.id, { changes: { data: { 注册资本: '300万元' } }, reasons: '另一更正', baseVersion: 1 }));
    const ahead = await rejection(service.amend(MARKET, licence.id, { ...request, baseVersion: 5 }));
    const third = await service.amend(MARKET, licence.id, { changes: { data: { 注册资本: '300万元' } }, reasons: '再次更正', baseVersion: 2 });

    // Assess
    expect(made.licence.version).toBe(2);
    expect(again).toEqual({ ...made, replayed: true });
    expect(againWithout).toEqual({ ...made, replayed: true });
    expect(signer.signs).toBe(signs + 1);
    expect(other).toMatchObject({ code: 'LICENCE_VERSION_CONFLICT', kind: 'conflict', field: 'baseVersion' });
    expect(ahead).toMatchObject({ code: 'LICENCE_VERSION_CONFLICT', field: 'baseVersion' });
    expect(third.licence).toMatchObject({ version: 3, data: { 注册资本: '300万元' }, supersedes: { version: 2, documentSha256: sha256(made.document) } });
    expect(third.amendments!.map((a) => [a.version, a.changes])).toEqual([
      [2, [{ field: 'data.注册资本', from: '100万元', to: '200万元' }]],
      [3, [{ field: 'data.注册资本', from: '200万元', to: '300万元' }]],
    ]);
    expect((await service.get(MARKET, licence.id, undefined, 2)).document).toBe(made.document);
  });

  it('lets one of two amendments of the same version at once win; the other is refused, and the winner is the version sealed', async () => {
    // Prepare
    const licence = await issued();

    // Act
    const outcomes = await Promise.allSettled([
      service.amend(MARKET, licence.id, { changes: { data: { 住所: '甲' } }, reasons: '更正甲', baseVersion: 1 }),
      service.amend(MARKET_DEPUTY, licence.id, { changes: { data: { 住所: '乙' } }, reasons: '更正乙', baseVersion: 1 }),
    ]);

    // Assess
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => (o.reason as { code: string }).code)).toEqual(['LICENCE_VERSION_CONFLICT']);
    const newest = await service.get(MARKET, licence.id);
    const winner = (won[0] as PromiseFulfilledResult<LicenceView>).value;
    expect(newest.licence.version).toBe(2);
    expect(newest.document).toBe(winner.document);
    expect(newest.amendments!.map((a) => a.reasons)).toEqual([winner.amendments![0]!.reasons]);
  });
});

describe('refusals', () => {
  it('refuses another department (403, from the identifier alone), other roles, an unknown licence, nothing to change, no reasons and changes out of bounds', async () => {
    // Prepare
    const licence = await issued();
    const fine = { changes: { data: { 住所: '新址' } }, reasons: '更正' };

    // Act
    const health = await rejection(service.amend(HEALTH, licence.id, fine));
    const channel = await rejection(service.amend(PORTAL, licence.id, fine));
    const platform = await rejection(service.amend(REVIEWER, licence.id, fine));
    // The market department's identifier with a serial nobody drew
    const unknown = await rejection(service.amend(MARKET, makeLicenceId({ typeCode: 'YYZZ', issuer: DEPARTMENTS.market.id, serial: '99999999', version: '001' }), fine));
    const empty = await rejection(service.amend(MARKET, licence.id, { changes: { holderName: SHOP.name, data: { 住所: '昆明市呈贡区示例路1号' } }, reasons: '无变化' }));
    const nothing = await rejection(service.amend(MARKET, licence.id, { changes: {}, reasons: '无变化' }));
    const noReasons = await rejection(service.amend(MARKET, licence.id, { ...fine, reasons: '  ' }));
    const blankName = await rejection(service.amend(MARKET, licence.id, { changes: { holderName: ' 名称' }, reasons: '更正' }));
    const tooMany = await rejection(
      service.amend(MARKET, licence.id, { changes: { data: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`字段${i}`, i])) }, reasons: '字段过多' }),
    );
    const noVersion = await rejection(service.get(MARKET, licence.id, undefined, 2));

    // Assess
    expect(health).toMatchObject({ code: 'LICENCE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(channel).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    expect(platform).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    expect(unknown).toMatchObject({ code: 'LICENCE_NOT_FOUND', kind: 'not-found' });
    expect(empty).toMatchObject({ code: 'LICENCE_AMENDMENT_EMPTY', kind: 'invalid', field: 'changes' });
    expect(nothing).toMatchObject({ code: 'LICENCE_AMENDMENT_EMPTY', field: 'changes' });
    expect(noReasons).toMatchObject({ code: 'LICENCE_REASON_REQUIRED', field: 'reasons' });
    expect(blankName).toMatchObject({ code: 'LICENCE_AMENDMENT_INVALID', field: 'changes.holderName' });
    expect(tooMany).toMatchObject({ code: 'LICENCE_AMENDMENT_INVALID', field: 'changes.data' });
    expect(noVersion).toMatchObject({ code: 'LICENCE_VERSION_NOT_FOUND', kind: 'not-found' });
    // Nothing was recorded
    expect(await licences.version(licence.id, 2)).toBeUndefined();
    expect((await service.get(MARKET, licence.id)).licence.version).toBe(1);
  });
});

describe('a sealing that fails, a revocation, an interrupted run, a licence stored before versions', () => {
  it('keeps an amendment whose sealing failed as the version waiting: the same request seals it, another one seals it and is refused', async () => {
    // Prepare
    const licence = await issued();
    const request = { changes: { data: { 住所: '新址一号' } }, reasons: '住所更正' };

    // Act
    signer.failing = true;
    const failed = await rejection(service.amend(MARKET, licence.id, request));
    const failedAgain = await rejection(service.amend(MARKET, licence.id, request));
    const whileFailing = await service.get(MARKET, licence.id);
    signer.failing = false;
    const sealed = await service.amend(MARKET, licence.id, request);
    // And another one recorded while KMS fails, then taken up by a different request
    signer.failing = true;
    await rejection(service.amend(MARKET, licence.id, { changes: { data: { 住所: '新址二号' } }, reasons: '二次更正' }));
    signer.failing = false;
    const different = await rejection(service.amend(MARKET, licence.id, { changes: { data: { 住所: '新址三号' } }, reasons: '三次更正' }));

    // Assess
    expect(failed).toMatchObject({ code: 'LICENCE_SEALING_PENDING', kind: 'unavailable' });
    expect(failed.message).not.toContain('Throttling');
    expect(lags.filter((l) => l.licenceId === licence.id).map((l) => [l.version, l.error.includes('ThrottlingException')])).toEqual([
      [2, true],
      [2, true],
      [3, true],
    ]);
    expect(failedAgain).toMatchObject({ code: 'LICENCE_SEALING_PENDING' });
    expect(whileFailing.licence.version).toBe(1);
    expect((await licences.version(licence.id, 2))?.amendment.reasons).toBe('住所更正');
    expect(sealed).toMatchObject({ licence: { version: 2, data: { 住所: '新址一号' } }, newestVersion: 2 });
    expect(sealed.replayed).toBeUndefined();
    expect(verified(sealed)).toBe(true);
    expect(different).toMatchObject({ code: 'LICENCE_VERSION_CONFLICT' });
    const newest = await service.get(MARKET, licence.id);
    expect(newest.licence).toMatchObject({ version: 3, data: { 住所: '新址二号' } });
    expect(newest.amendments!.map((a) => a.reasons)).toEqual(['住所更正', '二次更正']);
  });

  it('revokes an amended licence as a whole, refuses amending a revoked one, and does not seal a version waiting when its licence was revoked meanwhile', async () => {
    // Prepare
    const licence = await issued();
    await service.amend(MARKET, licence.id, { changes: { data: { 住所: '新址' } }, reasons: '更正' });
    const other = await issued();

    // Act
    const revoked = await service.revoke(MARKET, licence.id, '公司已注销');
    const amendRevoked = await rejection(service.amend(MARKET, licence.id, { changes: { data: { 住所: '又一新址' } }, reasons: '更正' }));
    const oldVersion = await service.get(MARKET, licence.id, undefined, 1);
    // A version waiting (KMS failing), the licence revoked, then the sealing taken up
    signer.failing = true;
    await rejection(service.amend(MARKET, other.id, { changes: { data: { 住所: '新址' } }, reasons: '更正' }));
    signer.failing = false;
    await service.revoke(MARKET, other.id, '吊销');
    const sealing = new LicenceSealing({ licences, signer, sealKeys: async () => seals, now });
    const refusedSeal = await rejection(sealing.sealLicence(other.id));

    // Assess
    expect(revoked).toMatchObject({ status: 'revoked', newestVersion: 2, licence: { version: 2, data: { 住所: '新址' }, revocation: { reason: '公司已注销' } } });
    expect(amendRevoked).toMatchObject({ code: 'LICENCE_REVOKED', kind: 'conflict' });
    expect(oldVersion).toMatchObject({ status: 'revoked', licence: { version: 1, revocation: { reason: '公司已注销' } } });
    expect(refusedSeal).toMatchObject({ code: 'LICENCE_REVOKED' });
    expect((await licences.get(other.id))?.licence).toMatchObject({ version: 1, revocation: { reason: '吊销' } });
    expect(await checked(revoked)).toMatchObject({ valid: false, reason: 'licence-revoked' });
  });

  it('moves a head left behind its newest sealed version (a run interrupted between its two puts) when the licence is next amended or sealed', async () => {
    // Prepare: version 2 requested and sealed, the head not moved (as if the run stopped there)
    const licence = await issued();
    const head = (await licences.get(licence.id))!;
    const at = now();
    const amendment = amendLicence(head.licence, MARKET, { changes: { data: { 住所: '中断后的新址' } }, reasons: '更正' }, at.toISOString(), '2026-11-24');
    expect(await licences.requestAmendment(head, amendment)).toBe(true);
    const next = amendedLicence(head.licence, amendment, sha256(head.sealed.document));
    const document = canonicalize(licenceDocument(next));
    const key = seals.find((k) => k.department === DEPARTMENTS.market.id)!;
    const seal = await sealDocument(
      Buffer.from(document, 'utf8'),
      { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt: at.toISOString() },
      signer,
    );
    const versionKey = { [CASES_TABLE.partitionKey]: `LICENCE#${licence.id}`, [CASES_TABLE.sortKey]: 'V#0000000002' };
    const stored = (await db.send(new GetCommand({ TableName: TABLE, Key: versionKey }))).Item!;
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...stored, licence: next, sealed: { document, seal } } }));
    const behind = await licences.get(licence.id);

    // Act
    const retried = await service.amend(MARKET, licence.id, { changes: { data: { 住所: '中断后的新址' } }, reasons: '更正' });

    // Assess
    expect(behind?.licence.version).toBe(1);
    expect(retried).toMatchObject({ replayed: true, licence: { version: 2, data: { 住所: '中断后的新址' } }, document });
    expect((await licences.get(licence.id))?.licence.version).toBe(2);
  });

  it('reads a licence stored before versions were recorded (no version) as version 1, and amends it', async () => {
    // Prepare: the head as the store wrote it before, without `version` in the licence or its document
    const licence = await issued();
    const key = { [CASES_TABLE.partitionKey]: `LICENCE#${licence.id}`, [CASES_TABLE.sortKey]: 'LICENCE' };
    const head = (await db.send(new GetCommand({ TableName: TABLE, Key: key }))).Item!;
    const { version: _version, ...legacy } = head.licence as Licence;
    const { version: _documentVersion, ...legacyContent } = JSON.parse((head.sealed as { document: string }).document) as Record<string, unknown>;
    const legacyDocument = canonicalize(legacyContent);
    const market = seals.find((k) => k.department === DEPARTMENTS.market.id)!;
    const legacySeal = await sealDocument(
      Buffer.from(legacyDocument, 'utf8'),
      { keyId: market.keyId, alg: market.alg, department: market.department, seal: market.seal, sealedAt: now().toISOString() },
      signer,
    );
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...head, licence: legacy, sealed: { document: legacyDocument, seal: legacySeal } } }));

    // Act
    const read = await service.get(MARKET, licence.id);
    const checkedBefore = await checked(read);
    const amended = await service.amend(MARKET, licence.id, { changes: { holderName: '新名称有限公司' }, reasons: '名称更正' });
    const old = await service.get(MARKET, licence.id, undefined, 1);

    // Assess
    expect(JSON.parse(legacyDocument)).not.toHaveProperty('version');
    expect(read.licence.version).toBe(1);
    expect(checkedBefore).toMatchObject({ valid: true, licenceVersion: 1, newestVersion: 1 });
    expect(amended.licence).toMatchObject({ version: 2, holder: { name: '新名称有限公司' }, supersedes: { version: 1, documentSha256: sha256(legacyDocument) } });
    expect(old.document).toBe(legacyDocument);
    expect(await checked(old)).toMatchObject({ valid: false, reason: 'licence-superseded' });
  });
});
