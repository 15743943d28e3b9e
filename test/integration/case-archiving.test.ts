// Archiving ended cases (case-archiving.ts) against the real local stand-ins: dynalite for the cases,
// items and directory, s3rver for the materials and the archive bucket, the local KMS signer for the
// seal and archive keys. Each bundle is read back from the archive and checked as an auditor would.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { ensureArchiveKey, ensureSealKeys } from '../../infra/local/seal-keys.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { KmsPublishedKeys } from '../../shared/adapters/kms-published-keys.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3ArchiveStore } from '../../shared/adapters/s3-archive-store.ts';
import { S3CaseFiles } from '../../shared/adapters/s3-case-files.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { ArchiveStore, CaseFiles } from '../../shared/domain/archive/archive-store.ts';
import { auditBundle } from '../../shared/domain/archive/bundle-audit.ts';
import { BAG_PATHS, noticePaths } from '../../shared/domain/archive/bag-assessment.ts';
import { readTar } from '../../shared/domain/archive/tar.ts';
import { CaseArchiving, bundleKey } from '../../shared/domain/archive/case-archiving.ts';
import { bundleFilePath } from '../../shared/domain/archive/case-bundle.ts';
import type { CaseMaterial } from '../../shared/domain/cases/case-record.ts';
import { ACCEPTABLE_ARCHIVE_FINDINGS } from '../../shared/domain/cases/case-record.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import type { MaterialVault } from '../../shared/domain/materials/material-vault.ts';
import { encryptedPdf } from '../support/pdf-fixtures.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { CaseSealing } from '../../shared/domain/cases/case-sealing.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { rejection } from '../support/refusal.ts';
import { FOOD, MARKET, PORTAL, REVIEWER, SHOP } from '../support/case-fixtures.ts';
import { CHANNELS } from '../support/directory-fixtures.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';
import { historyUpTo } from '../../shared/domain/cases/case-store.ts';
import { LicenceSealing } from '../../shared/domain/licences/licence-sealing.ts';
import { LicenceService } from '../../shared/domain/licences/licence-service.ts';

const MATERIALS = 'tongban-test-archiving-materials';
const ARCHIVE = 'tongban-test-archiving-archive';
const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

let clock = new Date('2026-09-01T02:00:00Z');
const now = () => clock;

let dir: string;
let raw: DynamoDBClient;
let s3: S3Client;
let kms: KMSClient;
let store: DynamoCaseStore;
let itemStore: DynamoItemStore;
let cases: CaseService;
let archive: S3ArchiveStore;
let published: KmsPublishedKeys;
let archiving: (over?: Partial<ConstructorParameters<typeof CaseArchiving>[0]>) => CaseArchiving;
let licenceStore: DynamoLicenceStore;
let directoryOf: () => DynamoDirectory;
let stop: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-archiving-'));
  const [dynamo, s3rver, localKms] = await Promise.all([
    startDynalite(undefined),
    startS3(join(dir, 's3'), '127.0.0.1', [MATERIALS, ARCHIVE]),
    startLocalKms({ dataDir: join(dir, 'kms') }),
  ]);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  await ensureTables(raw, LOCAL_TABLES);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  s3 = new S3Client({ endpoint: s3rver.endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  kms = new KMSClient({ endpoint: localKms.endpoint, region: REGION, credentials: CREDENTIALS });
  const items = new DynamoItemStore(db, LOCAL_TABLES.items);
  itemStore = items;
  const directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
  await seedFixtures({ directory, store: items, now });
  await ensureSealKeys(kms, directory, 'ECC_NIST_P256');
  await ensureArchiveKey(kms, directory, 'ECC_NIST_P256');
  const registry = await directory.load();
  published = new KmsPublishedKeys(
    kms,
    async () => registry.seals ?? [],
    async () => registry.archiveKey,
  );
  store = new DynamoCaseStore(db, LOCAL_TABLES.cases);
  const licences = new DynamoLicenceStore(db, LOCAL_TABLES.cases);
  licenceStore = licences;
  directoryOf = () => directory;
  const signer = new KmsSealSigner(kms);
  archive = new S3ArchiveStore(s3, ARCHIVE);
  archiving = (over = {}) =>
    new CaseArchiving({
      store,
      items,
      licences,
      files: new S3CaseFiles(s3, MATERIALS),
      archive,
      signer,
      calendar: officialCalendar,
      archiveKey: registry.archiveKey!,
      publishedKeys: () => published.jwks(),
      now,
      ...over,
    });
  cases = new CaseService({
    store,
    items,
    materials: new S3MaterialStore(s3, MATERIALS, 900, now),
    calendar: officialCalendar,
    licences,
    sealer: new CaseSealing({ store, items, licences, signer, calendar: officialCalendar, sealKeys: async () => registry.seals ?? [], now }),
    now,
  });
  stop = async () => {
    raw.destroy();
    s3.destroy();
    kms.destroy();
    await Promise.all([dynamo.close(), s3rver.close(), localKms.close()]);
  };
});

afterAll(async () => {
  await stop?.();
  await rm(dir, { recursive: true, force: true });
});

/** A PDF uploaded as the portal would, and the filing's material naming it: of `text`, or these bytes. */
async function uploaded(text: string | Buffer): Promise<CaseMaterial> {
  const bytes = typeof text === 'string' ? Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`) : text;
  const objectKey = `uploads/${CHANNELS.portal.id}/${randomUUID()}`;
  await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: objectKey, Body: bytes, ContentType: 'application/pdf' }));
  return { kind: 'upload', objectKey, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, contentType: 'application/pdf' };
}

async function filed(): Promise<string> {
  clock = new Date('2026-09-01T02:00:00Z');
  const materials: Record<string, CaseMaterial> = {};
  for (const m of FOOD.materials.filter((x) => x.required)) materials[m.name] = await uploaded(`${m.name} ${randomUUID()}`);
  const result = await cases.file(PORTAL, randomUUID(), { itemCode: FOOD.implementationCode, applicant: SHOP, form: {}, materials });
  return result.caseNo;
}

const refusedCase = async () => {
  const caseNo = await filed();
  await cases.act(MARKET, caseNo, { action: 'refuse', reasons: ['不属于本部门职权范围'] });
  return caseNo;
};

describe('archiving an ended case', () => {
  it('writes its bundle once, checked on the way and read back, and records where it is', async () => {
    const caseNo = await refusedCase();
    clock = new Date('2026-09-02T02:00:00Z');

    const state = await archiving().archive(caseNo);
    const again = await archiving().archive(caseNo);

    expect(state.archive).toMatchObject({ state: 'archived', bundleKey: bundleKey(state), retention: FOOD.retention, legalHold: false, archivedAt: '2026-09-02T02:00:00.000Z' });
    expect(state.archive).toMatchObject({ retainUntil: '2056-09-02T02:00:00.000Z' });
    expect(again).toEqual(state);
    const listed = await archive.list('bundles/', { limit: 100 });
    expect(listed.bundles.filter((b) => b.key === bundleKey(state))).toHaveLength(1);
    const audit = await auditBundle(archive.read(bundleKey(state)), { scan: { ran: false, scanner: 'test', infected: [] }, publishedJwks: await published.jwks() });
    expect(audit.report.passed).toBe(true);
    // The 不予受理通知书, sealed by the case service's sealer as the case was refused, is in the bundle and checked
    expect(audit.report.properties.authenticity.checked).toContain("every notice's seal verifies with the bundled keys, and each is the document the case records");
    const notice = state.notices![0]!;
    expect(state.notices!.map((n) => [n.kind, n.entry])).toEqual([['refusal', 2]]);
    const inBundle = new Map<string, string>();
    for await (const file of readTar(archive.read(bundleKey(state)))) {
      const chunks: Buffer[] = [];
      for await (const c of file.content) chunks.push(Buffer.from(c));
      inBundle.set(file.path.slice(file.path.indexOf('/') + 1), Buffer.concat(chunks).toString('utf8'));
    }
    expect(inBundle.get(noticePaths(notice).document)).toBe(notice.document);
    expect(JSON.parse(inBundle.get(noticePaths(notice).seal)!)).toEqual(notice.seal);
    expect(inBundle.get(BAG_PATHS.manifest)).toContain(`  ${noticePaths(notice).document}\n`);
    expect((await historyUpTo(store, caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'refuse', 'seal-notices', 'archive']);
  });

  it("discards the case's working copies under cases/ once its bundle is read back and checked, not before; a run stopped after discarding part of them finishes on the next", async () => {
    const caseNo = await refusedCase();
    const kept = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: MATERIALS, Prefix: `cases/${caseNo}/` }))).Contents ?? []).map((o) => o.Key!);
    const before = await kept();
    const files = new S3CaseFiles(s3, MATERIALS);
    // A run that stops once the first file is gone (the function timed out, say), before the case records `archive`
    let discards = 0;
    const stopping: CaseFiles = {
      list: (c, types) => files.list(c, types),
      open: (k) => files.open(k),
      discard: async () => {
        discards++;
        await s3.send(new DeleteObjectCommand({ Bucket: MATERIALS, Key: before[0]! }));
        throw new Error('Task timed out');
      },
    };

    await expect(archiving({ files: stopping }).archive(caseNo)).rejects.toThrow(/timed out/);
    const halfway = await kept();
    const done = await archiving().archive(caseNo);

    expect(before.length).toBeGreaterThan(1);
    expect(discards).toBe(1);
    expect(halfway).toEqual(before.slice(1));
    expect(done.archive).toMatchObject({ state: 'archived' });
    expect(await kept()).toEqual([]);
    // The bundle holds every file the case kept, the one discarded first included
    const audit = await auditBundle(archive.read(bundleKey(done)), { scan: { ran: false, scanner: 'test', infected: [] }, publishedJwks: await published.jwks() });
    expect(audit.report.passed).toBe(true);
    expect(await files.discard(caseNo)).toBe(0);
  });

  it("discards a case's files a page at a time, and asks for no listing after a whole one", async () => {
    // Prepare: five files of one case; a store that lists and deletes two at a time, its listings counted
    const caseNo = '20261123DISCARDPG0';
    for (let i = 0; i < 5; i++) await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: `cases/${caseNo}/file-${i}`, Body: `file ${i}` }));
    let listings = 0;
    s3.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ListObjectsV2Command') listings++;
        return next(args);
      },
      { step: 'initialize', name: 'countListings' },
    );

    // Act
    const discarded = await new S3CaseFiles(s3, MATERIALS, 2).discard(caseNo).finally(() => s3.middlewareStack.remove('countListings'));
    const left = (await s3.send(new ListObjectsV2Command({ Bucket: MATERIALS, Prefix: `cases/${caseNo}/` }))).KeyCount;

    // Assess: pages of 2, 2 and 1 — the third whole, so not listed again
    expect([discarded, left, listings]).toEqual([5, 0, 3]);
  });

  it("lists a case's files with the types the case recorded, asking the store only for the others' (the versions a supplement replaced)", async () => {
    // Prepare: two files of one case, stored as PDFs; the case records one of them as a PNG
    const prefix = `cases/20261123LISTTYPES0/`;
    for (const id of ['named', 'replaced']) {
      await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: `${prefix}${id}`, Body: `%PDF-1.7 ${id}`, ContentType: 'application/pdf' }));
    }

    // Act
    const listed = await new S3CaseFiles(s3, MATERIALS).list('20261123LISTTYPES0', new Map([[`${prefix}named`, 'image/png']]));

    // Assess: the recorded type for the one named (no HeadObject made for it), the stored one for the other
    expect(listed).toEqual([
      { key: `${prefix}named`, size: '%PDF-1.7 named'.length, contentType: 'image/png' },
      { key: `${prefix}replaced`, size: '%PDF-1.7 replaced'.length, contentType: 'application/pdf' },
    ]);
  });

  it('keeps the working copies of a case whose bundle fails its check', async () => {
    const caseNo = await refusedCase();
    const before = (await new S3CaseFiles(s3, MATERIALS).list(caseNo)).map((f) => f.key);
    const kept = (await store.get(caseNo))!.materials;
    const first = Object.values(kept)[0] as Extract<CaseMaterial, { kind: 'upload' }>;
    const original = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: MATERIALS, Key: first.objectKey }))).Body!.transformToByteArray());
    await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: first.objectKey, Body: Buffer.concat([original, Buffer.from(' ')]), ContentType: 'application/pdf' }));

    const failed = await archiving().archive(caseNo);

    expect(failed.archive).toMatchObject({ state: 'failed' });
    expect((await new S3CaseFiles(s3, MATERIALS).list(caseNo)).map((f) => f.key)).toEqual(before);
  });

  it('leaves the case not archived when the write fails, and archives it on the next run', async () => {
    const caseNo = await refusedCase();
    let fail = true;
    const flaky: ArchiveStore = {
      find: (k) => archive.find(k),
      read: (k) => archive.read(k),
      list: (p, page) => archive.list(p, page),
      write: async (k, body, options) => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError' });
        }
        return archive.write(k, body, options);
      },
    };

    await expect(archiving({ archive: flaky }).archive(caseNo)).rejects.toThrow(/internal error/);
    expect((await store.get(caseNo))!.archive).toBeUndefined();
    expect(await archive.find(bundleKey((await store.get(caseNo))!))).toBeUndefined();
    expect((await archiving({ archive: flaky }).archive(caseNo)).archive).toMatchObject({ state: 'archived' });
  });

  it('does not store a bundle that fails its check: the case shows why, and a later run archives it once the file is back', async () => {
    const caseNo = await refusedCase();
    const state = (await store.get(caseNo))!;
    const kept = Object.values(state.materials)[0] as Extract<CaseMaterial, { kind: 'upload' }>;
    const original = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: MATERIALS, Key: kept.objectKey }))).Body!.transformToByteArray());
    const damaged = Buffer.from(original);
    damaged[12] = damaged[12]! ^ 0x20;
    await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: kept.objectKey, Body: damaged, ContentType: 'application/pdf' }));

    const failed = await archiving().archive(caseNo);

    expect(failed.archive).toMatchObject({
      state: 'failed',
      attempts: 1,
      findings: expect.arrayContaining([expect.objectContaining({ property: 'authenticity', code: 'MATERIAL_NOT_AS_RECORDED' })]),
    });
    expect(await archive.find(bundleKey(failed))).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket: MATERIALS, Key: kept.objectKey, Body: original, ContentType: 'application/pdf' }));
    expect((await archiving().archive(caseNo)).archive).toMatchObject({ state: 'archived' });
    expect((await historyUpTo(store, caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'refuse', 'seal-notices', 'archive-failed', 'archive']);
  });

  it('archives a case that ended before intake refused encrypted files once the platform role accepts the finding, which its report lists', async () => {
    // Prepare: filed through intake as it was before it read the bytes (every other check made), with
    // an encrypted PDF as the application form; refused; its archiving fails on the file.
    const kept = new S3MaterialStore(s3, MATERIALS, 900, now);
    const earlierIntake: MaterialVault = {
      verify: (key, expected, field) =>
        kept.verify(key, expected, field).catch((e: unknown) => {
          if (!(e instanceof DomainError && ACCEPTABLE_ARCHIVE_FINDINGS.includes(e.code))) throw e;
        }),
      keep: (from, to) => kept.keep(from, to),
      readLink: (key, file) => kept.readLink(key, file),
    };
    const earlier = new CaseService({ store, items: itemStore, materials: earlierIntake, calendar: officialCalendar, now });
    clock = new Date('2026-09-01T02:00:00Z');
    const locked = encryptedPdf(`locked ${randomUUID()}`);
    const name = FOOD.materials.find((x) => x.required)!.name;
    const materials: Record<string, CaseMaterial> = {};
    for (const m of FOOD.materials.filter((x) => x.required)) materials[m.name] = await uploaded(`${m.name} ${randomUUID()}`);
    materials[name] = await uploaded(locked);
    const refusedNow = await rejection(cases.file(PORTAL, randomUUID(), { itemCode: FOOD.implementationCode, applicant: SHOP, form: {}, materials }));
    const caseNo = (await earlier.file(PORTAL, randomUUID(), { itemCode: FOOD.implementationCode, applicant: SHOP, form: {}, materials })).caseNo;
    await cases.act(MARKET, caseNo, { action: 'refuse', reasons: ['不属于本部门职权范围'] });
    const failed = await archiving().archive(caseNo);
    const path = bundleFilePath('materials', name, 'application/pdf');

    // Act
    const byDepartment = await rejection(cases.act(MARKET, caseNo, { action: 'accept-archive-findings', reasons: ['原件加密'] }));
    const withoutReasons = await rejection(cases.act(REVIEWER, caseNo, { action: 'accept-archive-findings', reasons: [] }));
    const accepted = await cases.act(REVIEWER, caseNo, { action: 'accept-archive-findings', reasons: ['2026年12月前收件；申请人无法提供未加密的原件'] });
    const done = await archiving().archive(caseNo);
    const again = await rejection(cases.act(REVIEWER, caseNo, { action: 'accept-archive-findings', reasons: ['再次'] }));

    // Assess
    expect(refusedNow).toMatchObject({ code: 'ENCRYPTED', field: `materials.${name}.objectKey` });
    expect(failed.archive).toMatchObject({ state: 'failed', findings: [{ property: 'security', code: 'ENCRYPTED', path }] });
    expect([byDepartment.code, withoutReasons.code, again.code]).toEqual(['ROLE_FORBIDDEN', 'CASE_REASONS_REQUIRED', 'CASE_ARCHIVED']);
    expect(accepted.archiveExceptions).toEqual([
      { code: 'ENCRYPTED', path, message: expect.any(String), reasons: ['2026年12月前收件；申请人无法提供未加密的原件'], acceptedBy: 'reviewer', on: '2026-09-01' },
    ]);
    expect(done.archive).toMatchObject({ state: 'archived' });
    const audit = await auditBundle(archive.read(bundleKey(done)), { scan: { ran: false, scanner: 'test', infected: [] }, publishedJwks: await published.jwks() });
    expect(audit.report.passed).toBe(true);
    for (const report of [audit.report, audit.ingest!]) {
      expect(report.properties.security).toMatchObject({
        passed: true,
        findings: [],
        accepted: [{ code: 'ENCRYPTED', path, acceptedBy: 'reviewer', reasons: ['2026年12月前收件；申请人无法提供未加密的原件'] }],
      });
    }
    expect((await historyUpTo(store, caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'refuse', 'seal-notices', 'archive-failed', 'accept-archive-findings', 'archive']);
  });

  it('archives a decided case only once it is sealed, and no case that has not ended', async () => {
    const open = await filed();
    await cases.act(MARKET, open, { action: 'accept' });
    expect(await rejection(archiving().archive(open))).toMatchObject({ code: 'CASE_NOT_ENDED' });
    const decided = await cases.act(MARKET, open, { action: 'decide', outcome: 'approved' });
    expect(decided.results).toBeDefined();
    const archived = await archiving().archive(open);
    expect(archived.archive).toMatchObject({ state: 'archived' });
    const audit = await auditBundle(archive.read(bundleKey(archived)), { scan: { ran: false, scanner: 'test', infected: [] }, publishedJwks: await published.jwks() });
    expect(audit.report.passed).toBe(true);
    expect(audit.report.properties.authenticity.checked).toContain('the decision document seal verifies with the bundled keys');
  });

  it('archives the licence as the case issued it (version 1), even when its issuer corrected it before the archiving ran', async () => {
    // Prepare: decided and sealed, then its licence corrected (version 2) before the archive runs
    const caseNo = await filed();
    await cases.act(MARKET, caseNo, { action: 'accept' });
    const decided = await cases.act(MARKET, caseNo, { action: 'decide', outcome: 'approved', licence: { data: { 经营项目: ['热食类食品制售'] } } });
    const licenceId = decided.results!.licenceId!;
    const issued = (await licenceStore.get(licenceId))!;
    const sealer = new LicenceSealing({ licences: licenceStore, signer: new KmsSealSigner(kms), sealKeys: async () => (await directoryOf().load()).seals ?? [], now });
    const amended = await new LicenceService({ licences: licenceStore, sealer, now }).amend(MARKET, licenceId, {
      changes: { data: { 经营项目: ['预包装食品销售'] } },
      reasons: '经营项目录入有误',
    });

    // Act
    const archived = await archiving().archive(caseNo);

    // Assess
    expect(amended.licence.version).toBe(2);
    const inBundle = new Map<string, string>();
    for await (const file of readTar(archive.read(bundleKey(archived)))) {
      const chunks: Buffer[] = [];
      for await (const c of file.content) chunks.push(Buffer.from(c));
      inBundle.set(file.path.slice(file.path.indexOf('/') + 1), Buffer.concat(chunks).toString('utf8'));
    }
    expect(inBundle.get(BAG_PATHS.licence)).toBe(issued.sealed.document);
    expect(JSON.parse(inBundle.get(BAG_PATHS.licenceSeal)!)).toEqual(issued.sealed.seal);
    const audit = await auditBundle(archive.read(bundleKey(archived)), { scan: { ran: false, scanner: 'test', infected: [] }, publishedJwks: await published.jwks() });
    expect(audit.report.passed).toBe(true);
  });

  it('lets the sweep start the archiving of every ended case not archived yet, and of no other', async () => {
    const waiting = await refusedCase();
    const started: string[] = [];
    const sweep = new CaseSweep({ store, calendar: officialCalendar, now, archiver: { start: async (caseNo) => void started.push(caseNo) } });

    const report = await sweep.run([MARKET.departmentId!]);

    expect(started).toContain(waiting);
    expect(report.archivingStarted).toBe(started.length);
    // Every case the earlier tests archived is left alone
    for (const caseNo of started) expect((await store.get(caseNo))!.archive?.state).not.toBe('archived');
  });
});
