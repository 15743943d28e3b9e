// The case service's and the sweep's contract, run on each platform the service is wired to — the
// real local stand-ins (test/integration/case-service.test.ts: dynalite for the items and cases,
// s3rver for the materials, uploaded through the presigned slots and kept by server-side copy) and
// memory (test/unit/case-service.test.ts) — with the catalogue seeded through the real catalogue
// service and the official 2026 calendar. One clock drives the service, its case numbers and the
// sweep, so deadlines crossing the National Day holiday (1-7 Oct off, Saturday 10 Oct worked) can be
// reached by moving it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { verifyCaseHistory } from '../../shared/domain/cases/case-history.ts';
import type { Applicant, CaseMaterial, CaseState } from '../../shared/domain/cases/case-record.ts';
import type { FilingRequest } from '../../shared/domain/cases/case-service.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import type { CaseStore } from '../../shared/domain/cases/case-store.ts';
import type { SweepReport } from '../../shared/domain/cases/case-sweep.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { applySystemCommands } from '../../shared/domain/cases/system-actions.ts';
import type { DomainError } from '../../shared/domain/errors.ts';
import { newCaseNo } from '../../shared/domain/identifiers/case-number.ts';
import type { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import type { ItemStore } from '../../shared/domain/items/item-store.ts';
import type { MaterialVault } from '../../shared/domain/materials/material-vault.ts';
import type { UploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import { BUILDING, FIRE, FOOD, HALL, HEALTH, HOUSING, HUKOU, JOINT, LI, MARKET, MARKET_DEPUTY, POLICE, PORTAL, REVIEWER, SHOP, ZHANG, residentId } from './case-fixtures.ts';
import { CHANNELS, DEPARTMENTS } from './directory-fixtures.ts';
import { sha256 } from './case-materials.ts';
import { rejection } from './refusal.ts';
import { historyUpTo } from '../../shared/domain/cases/case-store.ts';

export type Upload = Extract<CaseMaterial, { kind: 'upload' }>;

/** What the service is wired to: the seeded catalogue, the vault, and case stores. */
export interface ServicePlatform {
  items: ItemStore;
  catalogue: CatalogueService;
  vault: MaterialVault;
  /** An empty case store of its own, and ways to damage what it keeps (as a bad write or someone with access to the table could). */
  caseStore(name: string): Promise<{ store: CaseStore } & Tampering>;
  /** Uploads `body` (a PDF) through a new upload slot of `owner`, as its client would: the material naming it. */
  upload(owner: string, body: Buffer): Promise<Upload>;
  /** The key of a new upload slot of `owner` for the file announced, nothing uploaded through it. */
  emptySlot(owner: string, announced: UploadRequest): Promise<string>;
  /** The object under `key` as the vault holds it. */
  stored(key: string): Promise<{ size?: number | undefined; contentType?: string | undefined; sha256: string }>;
  /** What the vault's read link `url` answers: its status, the type it answers as, the name it gives, the bytes. */
  read(url: string): Promise<{ status: number; contentType?: string | undefined; filename?: string | undefined; body: Buffer }>;
  stop(): Promise<void>;
}

// 户口迁移（市内迁移） (HUKOU, police) is terminated by one test; 建筑工程施工许可证核发 (BUILDING) is suspended by one.
const PORTAL_ID = CHANNELS.portal.id;
const HALL_ID = CHANNELS.hall.id;

const ALL_DEPARTMENTS = Object.values(DEPARTMENTS).map((d) => d.id);

/** The identifier with another last (check) character. */
const wrongCheckChar = (id: string) => `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;

/** A small PDF whose bytes no other call makes. */
const pdf = (label: string) => Buffer.from(`%PDF-1.7\n${label} ${randomUUID()}\n%%EOF\n`);

/** `uploads/<channel>/<id>` → `cases/<caseNo>/<id>`. */
const keptKey = (caseNo: string, upload: CaseMaterial) => `cases/${caseNo}/${(upload as Upload).objectKey.split('/').at(-1)}`;

const page = { limit: 100 };

export interface Tampering {
  /** Sets a field of a case's newest state where the store keeps it (its head). */
  damage: (caseNo: string, field: keyof CaseState, value: string) => Promise<void>;
  /** Deletes history entry `n` of a case. */
  deleteEntry: (caseNo: string, n: number) => Promise<void>;
}

interface Stand extends Tampering {
  service: CaseService;
  sweep: CaseSweep;
  store: CaseStore;
}

/**
 * The contract's tests, on the platform `start` wires (given the one clock; the catalogue is seeded
 * at its time, 1 September 2026, well before the first filing on 30 September).
 */
export function caseServiceContract(name: string, start: (now: () => Date) => Promise<ServicePlatform>): void {
  let clock = new Date('2026-11-23T02:00:00Z');
  const now = () => clock;
  /** Sets the clock to `time` in China (UTC+8) on `date`. */
  function at(date: string, time = '10:00'): void {
    clock = new Date(`${date}T${time}:00+08:00`);
  }

  let platform: ServicePlatform;
  let catalogue: CatalogueService;
  beforeAll(async () => {
    at('2026-09-01');
    platform = await start(now);
    catalogue = platform.catalogue;
  });
  afterAll(async () => platform.stop());

  /** A case service and a sweep on a case store of their own (the catalogue and the vault are shared). */
  async function stand(table: string): Promise<Stand> {
    const { store, ...tampering } = await platform.caseStore(table);
    return {
      service: new CaseService({ store, items: platform.items, materials: platform.vault, calendar: officialCalendar, now }),
      sweep: new CaseSweep({ store, calendar: officialCalendar, now }),
      store,
      ...tampering,
    };
  }

  const upload = (owner: string, body: Buffer) => platform.upload(owner, body);
  const stored = (key: string) => platform.stored(key);

  /** An application for `guide` with the named materials (default: the required ones) uploaded by `by`'s channel. */
  async function application(by: Caller, guide: ServiceGuide, applicant: Applicant, names?: string[]): Promise<FilingRequest> {
    const wanted = names ?? guide.materials.filter((m) => m.required).map((m) => m.name);
    const materials = await Promise.all(wanted.map(async (name) => [name, await upload(by.channelId!, pdf(name))] as const));
    return { itemCode: guide.implementationCode, applicant, form: { 经营场所面积: 120 }, materials: Object.fromEntries(materials) };
  }

  describe(`${name}: CaseService: filing`, () => {
    let s: Stand;
    beforeAll(async () => {
      s = await stand('filing');
    });

    it('files a case with a receipt whose dates are counted on the 2026 calendar, and keeps its files under cases/<caseNo>/', async () => {
      // Prepare: Wednesday 30 September 2026, 10:00 in Kunming, the eve of the National Day holiday
      at('2026-09-30');
      const published = await catalogue.published(PORTAL, FOOD.implementationCode);
      const request = await application(
        PORTAL,
        FOOD,
        SHOP,
        FOOD.materials.map((m) => m.name),
      ); // the optional one too

      // Act
      const filed = await s.service.file(PORTAL, 'receipt-1', request);

      // Assess: working days after Wed 30 Sep (1-7 Oct off, Sat 10 Oct worked, Sun 11 Oct off):
      //   Thu 8 Oct (1), Fri 9 Oct (2)                      → pre-review due 2026-10-09
      //   Sat 10 Oct (3), Mon 12 Oct (4), Tue 13 Oct (5)    → answer due 2026-10-13
      const history = await s.service.history(PORTAL, filed.caseNo);
      expect(filed.replayed).toBe(false);
      expect(filed.caseNo).toMatch(/^20260930[0-9A-Z]{10}$/);
      expect(filed.receipt).toEqual({
        caseNo: filed.caseNo,
        itemCode: FOOD.implementationCode,
        itemName: FOOD.name,
        itemVersion: published.publishedVersion,
        departmentId: DEPARTMENTS.market.id,
        channelId: PORTAL_ID,
        receivedAt: '2026-09-30T02:00:00.000Z',
        materials: FOOD.materials.map((m) => {
          const u = request.materials[m.name] as Upload;
          return { kind: 'upload', name: m.name, sha256: u.sha256, size: u.size, contentType: 'application/pdf' };
        }),
        preReviewDue: '2026-10-09',
        answerDueOn: '2026-10-13',
        entryHash: history.entries[0]!.hash,
      });
      expect(filed.case).toMatchObject({ status: 'received', version: 1, itemVersion: published.publishedVersion, materialsReceivedOn: '2026-09-30' });
      expect(history.entries).toHaveLength(1);
      expect(history.check).toEqual({ ok: true });
      for (const [name, material] of Object.entries(request.materials)) {
        const key = keptKey(filed.caseNo, material);
        const u = material as Upload;
        expect(filed.case.materials[name]).toEqual({ ...u, objectKey: key });
        expect(await stored(key)).toEqual({ size: u.size, contentType: 'application/pdf', sha256: u.sha256 });
      }
    });

    it('keeps the item version a case was filed under after the item is revised and republished', async () => {
      // Prepare: a case filed under the published version
      at('2026-10-12');
      const before = await catalogue.published(MARKET, FOOD.implementationCode);
      const filed = await s.service.file(PORTAL, 'revision-1', await application(PORTAL, FOOD, ZHANG));

      // Act: the department revises the guide (a new optional material), the reviewer publishes it
      const latest = await catalogue.version(MARKET, FOOD.implementationCode, 'latest');
      const extra = { name: '法定代表人身份证明', required: false, tolerable: false, form: 'electronic' as const, copies: 1 };
      const draft = await catalogue.revise(MARKET, FOOD.implementationCode, latest.version, { ...latest.guide, materials: [...latest.guide.materials, extra] });
      const submitted = await catalogue.submit(MARKET, FOOD.implementationCode, draft.version);
      const republished = await catalogue.review(REVIEWER, FOOD.implementationCode, submitted.version, 'publish', []);
      const later = await s.service.file(PORTAL, 'revision-2', await application(PORTAL, FOOD, LI));

      // Assess
      const kept = await s.service.get(PORTAL, filed.caseNo);
      expect(republished.publishedVersion).toBeGreaterThan(before.publishedVersion);
      expect(kept.itemVersion).toBe(before.publishedVersion);
      expect(kept.materialRules.map((r) => r.name)).toEqual(FOOD.materials.map((m) => m.name));
      expect(kept).toEqual(filed.case);
      expect(later.receipt.itemVersion).toBe(republished.publishedVersion);
      expect(later.case.materialRules.map((r) => r.name)).toContain('法定代表人身份证明');
    });
  });

  describe(`${name}: CaseService: refusing a filing, with no case made`, () => {
    let s: Stand;
    beforeAll(async () => {
      s = await stand('refusals');
      at('2026-11-23');
    });

    /**
     * Nothing was filed: the channel has no case, and the key was not taken (the same request is refused
     * again instead of being answered from a filing).
     */
    async function expectNothingFiled(key: string | undefined, request: FilingRequest, refused: DomainError): Promise<void> {
      if (key !== undefined) expect(await rejection(s.service.file(HALL, key, request))).toMatchObject({ code: refused.code, field: refused.field });
      expect((await s.service.channelCases(HALL, undefined, page)).cases).toEqual([]);
    }

    /** The hall's application for the food licence with `name` replaced by `material`. */
    async function withMaterial(name: string, material: Upload): Promise<FilingRequest> {
      const request = await application(HALL, FOOD, SHOP);
      return { ...request, materials: { ...request.materials, [name]: material } };
    }

    it('refuses a resident ID whose check character is wrong', async () => {
      // Prepare
      const request = await application(HALL, FOOD, { ...ZHANG, residentId: wrongCheckChar(ZHANG.residentId) });

      // Act
      const refused = await rejection(s.service.file(HALL, 'id-checksum', request));

      // Assess
      expect(refused).toMatchObject({ code: 'INVALID_RESIDENT_ID', kind: 'invalid', field: 'applicant.residentId' });
      await expectNothingFiled('id-checksum', request, refused);
    });

    it('refuses a resident ID with an impossible birth date (30 February), even with a valid check character', async () => {
      // Prepare
      const request = await application(HALL, FOOD, { ...ZHANG, residentId: residentId('53010219800230003') });

      // Act
      const refused = await rejection(s.service.file(HALL, 'id-birth', request));

      // Assess
      expect(refused).toMatchObject({ code: 'INVALID_RESIDENT_ID', field: 'applicant.residentId' });
      expect(refused.message).toMatch(/birth date/);
      await expectNothingFiled('id-birth', request, refused);
    });

    it('refuses an invalid unified social credit code', async () => {
      // Prepare
      const request = await application(HALL, FOOD, { ...SHOP, creditCode: wrongCheckChar(SHOP.creditCode) });

      // Act
      const refused = await rejection(s.service.file(HALL, 'credit-code', request));

      // Assess
      expect(refused).toMatchObject({ code: 'INVALID_CREDIT_CODE', kind: 'invalid', field: 'applicant.creditCode' });
      await expectNothingFiled('credit-code', request, refused);
    });

    it('refuses an item that does not exist', async () => {
      // Prepare
      const request = { ...(await application(HALL, FOOD, SHOP)), itemCode: `${DEPARTMENTS.market.id}000117999000` };

      // Act
      const refused = await rejection(s.service.file(HALL, 'unknown-item', request));

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_ITEM_NOT_PUBLISHED', kind: 'conflict', field: 'itemCode' });
      await expectNothingFiled('unknown-item', request, refused);
    });

    it('refuses an item that exists only as a draft, never published', async () => {
      // Prepare: the market department drafts a new item (version 1, draft) from the food licence's guide
      const code = `${DEPARTMENTS.market.id}000117990000`;
      await catalogue.create(MARKET, { ...FOOD, implementationCode: code, name: '尚未发布的测试事项' });
      const request = { ...(await application(HALL, FOOD, SHOP)), itemCode: code };

      // Act
      const refused = await rejection(s.service.file(HALL, 'draft-item', request));

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_ITEM_NOT_PUBLISHED', kind: 'conflict', field: 'itemCode' });
      await expectNothingFiled('draft-item', request, refused);
    });

    it('refuses an item under emergency suspension', async () => {
      // Prepare: the housing department suspends its item today
      const latest = await catalogue.version(HOUSING, BUILDING.implementationCode, 'latest');
      await catalogue.suspend(HOUSING, BUILDING.implementationCode, latest.version, { kind: 'emergency', reason: '审批系统升级', notice: '11月23日起暂停受理' });
      const request = await application(HALL, BUILDING, SHOP);

      // Act
      const refused = await rejection(s.service.file(HALL, 'suspended-item', request));

      // Assess
      expect((await catalogue.published(HALL, BUILDING.implementationCode)).effectivePublicState).toBe('suspended');
      expect(refused).toMatchObject({ code: 'CASE_ITEM_SUSPENDED', kind: 'conflict', field: 'itemCode' });
      await expectNothingFiled('suspended-item', request, refused);
    });

    it('refuses a terminated item', async () => {
      // Prepare: the police department terminates its item
      const latest = await catalogue.version(POLICE, HUKOU.implementationCode, 'latest');
      await catalogue.terminate(POLICE, HUKOU.implementationCode, latest.version, '事项调整至区级实施');
      const request = await application(HALL, HUKOU, ZHANG);

      // Act
      const refused = await rejection(s.service.file(HALL, 'terminated-item', request));

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_ITEM_TERMINATED', kind: 'conflict', field: 'itemCode' });
      await expectNothingFiled('terminated-item', request, refused);
    });

    it('refuses a material whose slot was taken but nothing uploaded', async () => {
      // Prepare
      const body = pdf('营业执照');
      const announced = { contentType: 'application/pdf', size: body.length, sha256: sha256(body) };
      const objectKey = await platform.emptySlot(HALL_ID, announced);
      const request = await withMaterial('营业执照', { kind: 'upload', objectKey, ...announced });

      // Act
      const refused = await rejection(s.service.file(HALL, 'not-uploaded', request));

      // Assess
      expect(refused).toMatchObject({ code: 'MATERIAL_NOT_UPLOADED', field: 'materials.营业执照.objectKey' });
      await expectNothingFiled('not-uploaded', request, refused);
    });

    it('refuses a material named with another file’s checksum than the bytes uploaded', async () => {
      // Prepare: file A uploaded under its own slot, named with file B's SHA-256 and size (same length)
      const a = await upload(HALL_ID, Buffer.from('%PDF-1.7\nAAAAAAAA\n%%EOF\n'));
      const b = Buffer.from('%PDF-1.7\nBBBBBBBB\n%%EOF\n');
      const request = await withMaterial('营业执照', { ...a, sha256: sha256(b), size: b.length });

      // Act
      const refused = await rejection(s.service.file(HALL, 'checksum', request));

      // Assess
      expect(b.length).toBe(a.size);
      expect(refused).toMatchObject({ code: 'MATERIAL_CHECKSUM_MISMATCH', field: 'materials.营业执照.objectKey' });
      await expectNothingFiled('checksum', request, refused);
    });

    it('refuses a material type the platform does not take, and a type other than the one uploaded', async () => {
      // Prepare: a PDF uploaded, announced as a ZIP, then as a PNG
      const uploaded = await upload(HALL_ID, pdf('营业执照'));
      const asZip = await withMaterial('营业执照', { ...uploaded, contentType: 'application/zip' });
      const asPng = await withMaterial('营业执照', { ...uploaded, contentType: 'image/png' });

      // Act
      const zip = await rejection(s.service.file(HALL, 'type-zip', asZip));
      const png = await rejection(s.service.file(HALL, 'type-png', asPng));

      // Assess
      expect(zip).toMatchObject({ code: 'MATERIAL_TYPE_NOT_ALLOWED', field: 'materials.营业执照.contentType' });
      expect(png).toMatchObject({ code: 'MATERIAL_TYPE_MISMATCH', field: 'materials.营业执照.objectKey' });
      await expectNothingFiled('type-zip', asZip, zip);
      await expectNothingFiled('type-png', asPng, png);
    });

    it('refuses a material over the 50 MB limit', async () => {
      // Prepare
      const uploaded = await upload(HALL_ID, pdf('营业执照'));
      const request = await withMaterial('营业执照', { ...uploaded, size: 50 * 1024 * 1024 + 1 });

      // Act
      const refused = await rejection(s.service.file(HALL, 'too-large', request));

      // Assess
      expect(refused).toMatchObject({ code: 'MATERIAL_TOO_LARGE', field: 'materials.营业执照.size' });
      await expectNothingFiled('too-large', request, refused);
    });

    it('refuses another channel’s upload', async () => {
      // Prepare: the portal's upload, named by the hall
      const portals = await upload(PORTAL_ID, pdf('营业执照'));
      const request = await withMaterial('营业执照', portals);

      // Act
      const refused = await rejection(s.service.file(HALL, 'other-channel', request));

      // Assess
      expect(refused).toMatchObject({ code: 'MATERIAL_UPLOAD_FORBIDDEN', kind: 'forbidden', field: 'materials.营业执照.objectKey' });
      await expectNothingFiled('other-channel', request, refused);
    });

    // A filing without an Idempotency-Key, or with one that cannot be a key, is refused by the edge
    // (IDEMPOTENCY_KEY_HEADER): test/unit/api-handler.test.ts.

    it('refuses a missing required material; the same key then files the application without the tolerable ones', async () => {
      // Prepare: runs last here, as it files the hall's first case
      const complete = await application(HALL, FOOD, SHOP, ['食品经营许可申请书', '营业执照']);
      const { 营业执照: _licence, ...withoutLicence } = complete.materials;
      const incomplete = { ...complete, materials: withoutLicence };

      // Act
      const refused = await rejection(s.service.file(HALL, 'missing-material', incomplete));
      const nothingBefore = (await s.service.channelCases(HALL, undefined, page)).cases;
      const filed = await s.service.file(HALL, 'missing-material', complete);

      // Assess: 经营场所平面布局图 and 食品安全管理制度文本 are required but tolerable: they may follow
      expect(refused).toMatchObject({ code: 'CASE_MATERIAL_MISSING', kind: 'invalid', field: 'materials.营业执照' });
      expect(nothingBefore).toEqual([]);
      expect(filed.replayed).toBe(false);
      expect(Object.keys(filed.case.materials)).toEqual(['食品经营许可申请书', '营业执照']);
      expect((await s.service.channelCases(HALL, undefined, page)).cases.map((c) => c.caseNo)).toEqual([filed.caseNo]);
    });
  });

  describe(`${name}: CaseService: idempotent filing`, () => {
    it('files 50 concurrent identical requests with one key as exactly one case', async () => {
      // Prepare
      const s = await stand('idempotency-fifty');
      at('2026-11-23');
      const request = await application(PORTAL, FOOD, SHOP);

      // Act
      const answers = await Promise.all(Array.from({ length: 50 }, () => s.service.file(PORTAL, 'fifty', request)));

      // Assess
      const caseNo = answers[0]!.caseNo;
      expect(new Set(answers.map((a) => a.caseNo))).toEqual(new Set([caseNo]));
      for (const a of answers) expect(a.receipt).toEqual(answers[0]!.receipt);
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect((await s.service.channelCases(PORTAL, undefined, page)).cases.map((c) => c.caseNo)).toEqual([caseNo]);
      const history = await s.service.history(PORTAL, caseNo);
      expect(history.entries).toHaveLength(1);
      expect(history.check).toEqual({ ok: true });
      for (const material of Object.values(request.materials)) expect((await stored(keptKey(caseNo, material))).sha256).toBe((material as Upload).sha256);
    });

    it('refuses the same key with a different request, files nothing for it, and leaves the first case as it was', async () => {
      // Prepare
      const s = await stand('idempotency-reused');
      at('2026-11-23');
      const request = await application(PORTAL, FOOD, ZHANG);
      const first = await s.service.file(PORTAL, 'reused', request);
      const other = await application(PORTAL, FOOD, LI);

      // Act: another applicant, then the same application with another form
      const refused = await rejection(s.service.file(PORTAL, 'reused', other));
      at('2026-11-23', '10:05');
      const otherForm = await rejection(s.service.file(PORTAL, 'reused', { ...request, form: { 经营场所面积: 80 } }));

      // Assess
      for (const error of [refused, otherForm]) {
        expect(error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', kind: 'conflict', field: 'Idempotency-Key' });
        expect(error.message).toContain(first.caseNo);
      }
      expect((await s.service.channelCases(PORTAL, undefined, page)).cases.map((c) => c.caseNo)).toEqual([first.caseNo]);
      expect(await s.service.get(PORTAL, first.caseNo)).toEqual(first.case);
      expect(await historyUpTo(s.store, first.caseNo, Infinity)).toHaveLength(1);
    });

    it('numbers a case with its China filing day and ten random characters', async () => {
      // Prepare / Act
      const s = await stand('idempotency-number');
      at('2026-11-24');
      const filed = await s.service.file(PORTAL, 'number-1', await application(PORTAL, FOOD, ZHANG));
      const late = newCaseNo(new Date('2026-11-23T18:30:00.000Z')); // 02:30 on 24 November in China, still the 23rd in UTC
      const many = Array.from({ length: 500 }, () => newCaseNo(clock));

      // Assess
      expect(filed.caseNo).toMatch(/^20261124[0-9A-Z]{10}$/);
      expect(late).toMatch(/^20261124[0-9A-Z]{10}$/);
      expect(new Set(many).size).toBe(many.length);
    });

    it('answers a retry with the same case and receipt, without running the filing again', async () => {
      // Prepare
      const s = await stand('idempotency-retry');
      at('2026-11-23');
      const request = await application(PORTAL, FOOD, ZHANG);
      const first = await s.service.file(PORTAL, 'retry-1', request);
      const catalogueRead = vi.spyOn(platform.items, 'latest');
      const filesChecked = vi.spyOn(platform.vault, 'verify');

      // Act: the same request again, the next day
      at('2026-11-24');
      const again = await s.service.file(PORTAL, 'retry-1', request);

      // Assess: neither the catalogue nor the files were looked at again
      expect(first.replayed).toBe(false);
      expect(again).toEqual({ ...first, replayed: true });
      expect(catalogueRead).not.toHaveBeenCalled();
      expect(filesChecked).not.toHaveBeenCalled();
      expect(await s.store.get(first.caseNo)).toEqual(first.case);
      const history = await historyUpTo(s.store, first.caseNo, Infinity);
      expect(history.map((e) => e.hash)).toEqual([first.receipt.entryHash]);
      expect(verifyCaseHistory(history, first.case)).toEqual({ ok: true });
    });

    it('keeps keys per channel: the same key from another channel files another case', async () => {
      const s = await stand('idempotency-channels');
      at('2026-11-23');
      const portal = await s.service.file(PORTAL, 'shared-key-1', await application(PORTAL, FOOD, ZHANG));
      const hall = await s.service.file(HALL, 'shared-key-1', await application(HALL, FOOD, ZHANG));

      expect(portal.replayed).toBe(false);
      expect(hall.replayed).toBe(false);
      expect(hall.caseNo).not.toBe(portal.caseNo);
      expect(hall.case.channelId).toBe(HALL_ID);
      expect((await s.store.get(portal.caseNo))?.channelId).toBe(PORTAL_ID);
    });

    it('lets a channel name one upload in two filings: each case keeps its own copy', async () => {
      // Prepare
      const s = await stand('idempotency-one-upload-two-cases');
      at('2026-11-23');
      const request = await application(PORTAL, FOOD, SHOP);

      // Act
      const first = await s.service.file(PORTAL, 'one-upload-1', request);
      const second = await s.service.file(PORTAL, 'one-upload-2', { ...request, applicant: ZHANG });

      // Assess
      expect(second.caseNo).not.toBe(first.caseNo);
      for (const material of Object.values(request.materials)) {
        for (const caseNo of [first.caseNo, second.caseNo]) expect((await stored(keptKey(caseNo, material))).sha256).toBe((material as Upload).sha256);
      }
    });

    it('makes no case readable while its files are not kept, and lets a retry finish the same case', async () => {
      // Prepare: the first copy into the case's keeping fails (the key is taken by then)
      const s = await stand('idempotency-keep-fails');
      at('2026-11-23');
      const request = await application(PORTAL, FOOD, SHOP);
      vi.spyOn(platform.vault, 'keep').mockRejectedValueOnce(new Error('copy failed'));

      // Act
      const failed = await s.service.file(PORTAL, 'keep-1', request).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const claimed = await s.store.filing(PORTAL_ID, 'keep-1');
      const before = { state: await s.store.get(claimed!.caseNo), listed: (await s.service.channelCases(PORTAL, undefined, page)).cases };
      at('2026-11-23', '10:01');
      const retry = await s.service.file(PORTAL, 'keep-1', request);

      // Assess: nothing readable before the retry; then the claimed case, its every file in place
      expect(failed?.message).toBe('copy failed');
      expect(before).toEqual({ state: undefined, listed: [] });
      expect(retry).toMatchObject({ caseNo: claimed!.caseNo, replayed: true, case: claimed!.state });
      expect(await s.service.get(PORTAL, retry.caseNo)).toEqual(claimed!.state);
      for (const material of Object.values(request.materials)) expect((await stored(keptKey(retry.caseNo, material))).sha256).toBe((material as Upload).sha256);
    });

    it('refuses an idempotency key that cannot be a key (the edge refuses it first, with its code: test/unit/api-handler.test.ts)', async () => {
      const s = await stand('idempotency-bad-keys');
      at('2026-11-23');
      for (const key of ['', 'with space', 'x'.repeat(129), '键']) {
        await expect(s.service.file(PORTAL, key, await application(PORTAL, FOOD, ZHANG))).rejects.toThrow(/is not an idempotency key/);
      }
    });
  });

  describe(`${name}: CaseService: actions under an Idempotency-Key`, () => {
    const PAUSE = { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 } as const;

    /** A case of `applicant` filed on Mon 23 Nov and accepted on the 24th (version 2). */
    async function acceptedCase(s: Stand, key: string, applicant: Applicant = ZHANG): Promise<string> {
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, key, await application(PORTAL, FOOD, applicant));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      return filed.caseNo;
    }

    it("answers a retry with the same key with the first attempt's entry and the case as it now stands, doing nothing again", async () => {
      // Prepare
      const s = await stand('keyed-retry');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'keyed-retry', await application(PORTAL, FOOD, ZHANG));
      at('2026-11-24');
      const first = await s.service.perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1');
      const appends = vi.spyOn(s.store, 'append');

      // Act: the same request again, as a client whose answer was lost; then again after the case moved on
      at('2026-11-24', '10:05');
      const again = await s.service.perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1');
      const retriedWithout = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'accept' }));
      at('2026-11-25');
      const paused = await s.service.act(MARKET_DEPUTY, filed.caseNo, PAUSE);
      const later = await s.service.perform(MARKET, filed.caseNo, { action: 'accept' }, 'accept-1');

      // Assess: the first attempt's entry, nothing written by the retries; without the key the retry is refused
      expect(first).toMatchObject({ entry: 2, replayed: false, case: { status: 'accepted', version: 2 } });
      expect(again).toEqual({ ...first, replayed: true });
      expect(retriedWithout).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION' });
      expect(later).toEqual({ case: paused, entry: 2, replayed: true });
      expect(appends).toHaveBeenCalledTimes(1); // the deputy's pause
      const history = await s.service.history(MARKET, filed.caseNo);
      expect(history.entries.map((e) => `${e.type}:${e.actor.name}`)).toEqual(['file:portal', 'accept:market', 'pause:market-deputy']);
      expect(history.check).toEqual({ ok: true });
      expect(await s.store.entryActionKey(filed.caseNo, 2)).toEqual({ caseNo: filed.caseNo, caller: MARKET.name, idempotencyKey: 'accept-1' });
    });

    it('refuses the same key with another request (IDEMPOTENCY_KEY_REUSED), writing nothing; keys are per caller and case', async () => {
      // Prepare
      const s = await stand('keyed-reused');
      const caseNo = await acceptedCase(s, 'keyed-reused-1');
      const other = await acceptedCase(s, 'keyed-reused-2', LI);
      at('2026-11-25');
      await s.service.perform(MARKET, caseNo, PAUSE, 'k-1');

      // Act: another length, another action under the market's key; the deputy's own key of that name; the key on another case
      const longer = await rejection(s.service.perform(MARKET, caseNo, { ...PAUSE, expectedDays: 20 }, 'k-1'));
      const resume = await rejection(s.service.perform(MARKET, caseNo, { action: 'resume' }, 'k-1'));
      const byDeputy = await s.service.perform(MARKET_DEPUTY, caseNo, { action: 'resume' }, 'k-1');
      const onOther = await s.service.perform(MARKET, other, PAUSE, 'k-1');

      // Assess
      for (const refused of [longer, resume]) {
        expect(refused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', kind: 'conflict', field: 'Idempotency-Key' });
        expect(refused.message).toContain(caseNo);
      }
      expect(byDeputy).toMatchObject({ entry: 4, replayed: false, case: { version: 4 } });
      expect(onOther).toMatchObject({ entry: 3, replayed: false });
      expect((await s.service.history(MARKET, caseNo)).entries.map((e) => e.type)).toEqual(['file', 'accept', 'pause', 'resume']);
    });

    it('writes one entry for 20 concurrent attempts with one key, and answers every one with it', async () => {
      // Prepare
      const s = await stand('keyed-burst');
      const caseNo = await acceptedCase(s, 'keyed-burst');
      at('2026-11-25');

      // Act
      const answers = await Promise.all(Array.from({ length: 20 }, () => s.service.perform(MARKET, caseNo, PAUSE, 'burst-1')));

      // Assess
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect(new Set(answers.map((a) => a.entry))).toEqual(new Set([3]));
      for (const a of answers) expect(a.case).toMatchObject({ version: 3, pauses: [{ from: '2026-11-25', procedure: 'hearing' }] });
      const history = await s.service.history(MARKET, caseNo);
      expect(history.entries.map((e) => e.type)).toEqual(['file', 'accept', 'pause']);
      expect(await s.store.actionKey({ caseNo, caller: MARKET.name, idempotencyKey: 'burst-1' })).toMatchObject({ base: 2, entry: 3 });
    });

    it('binds a key only to an action that was written: an attempt that lost its race leaves it free, and the retry acts on the case as it now is', async () => {
      // Prepare: the deputy extends the time limit just before the market's pause under a key is written
      const s = await stand('keyed-lost');
      const caseNo = await acceptedCase(s, 'keyed-lost');
      at('2026-11-25');
      const append = s.store.append.bind(s.store);
      vi.spyOn(s.store, 'append').mockImplementationOnce(async (state, entry, key) => {
        await s.service.act(MARKET_DEPUTY, caseNo, { action: 'extend', days: 5, approvedBy: '王局长', reasons: ['需现场核查'] });
        return append(state, entry, key);
      });

      // Act
      const lost = await rejection(s.service.perform(MARKET, caseNo, PAUSE, 'lost-1'));
      const free = await s.store.actionKey({ caseNo, caller: MARKET.name, idempotencyKey: 'lost-1' });
      const retry = await s.service.perform(MARKET, caseNo, PAUSE, 'lost-1');
      const again = await s.service.perform(MARKET, caseNo, PAUSE, 'lost-1');

      // Assess
      expect(lost).toMatchObject({ code: 'CASE_VERSION_CONFLICT' });
      expect(free).toBeUndefined();
      expect(retry).toMatchObject({ entry: 4, replayed: false });
      expect(again).toMatchObject({ entry: 4, replayed: true });
      expect((await s.service.history(MARKET, caseNo)).entries.map((e) => e.type)).toEqual(['file', 'accept', 'extend', 'pause']);
    });

    it('takes a supplement whose files were uploaded again (the same bytes, another slot) as the same request', async () => {
      // Prepare
      const s = await stand('keyed-supplement');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'keyed-supplement', await application(PORTAL, FOOD, SHOP));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'request-supplement', problems: [{ material: '经营场所平面布局图', problem: '未标注食品处理区面积' }] });
      const bytes = pdf('经营场所平面布局图（修订）');
      const plan = await upload(PORTAL_ID, bytes);
      const planAgain = await upload(PORTAL_ID, bytes);
      const otherPlan = await upload(PORTAL_ID, pdf('经营场所平面布局图（另一版）'));

      // Act
      at('2026-11-26');
      const first = await s.service.perform(PORTAL, filed.caseNo, { action: 'supplement', materials: { 经营场所平面布局图: plan } }, 'supplement-1');
      const retry = await s.service.perform(PORTAL, filed.caseNo, { action: 'supplement', materials: { 经营场所平面布局图: planAgain } }, 'supplement-1');
      const other = await rejection(s.service.perform(PORTAL, filed.caseNo, { action: 'supplement', materials: { 经营场所平面布局图: otherPlan } }, 'supplement-1'));

      // Assess
      expect(planAgain.objectKey).not.toBe(plan.objectKey);
      expect(first).toMatchObject({ entry: 3, replayed: false });
      expect(retry).toEqual({ ...first, replayed: true });
      expect(other).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await s.service.history(PORTAL, filed.caseNo)).entries.map((e) => e.type)).toEqual(['file', 'request-supplement', 'supplement']);
    });

    it("records both co-departments' opinions under their keys when they race for one entry, and answers each retry with its own", async () => {
      // Prepare: a joint case accepted and dispatched (version 3); each opinion's write waits until the other's is ready
      const s = await stand('keyed-opinions');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'keyed-opinions', await application(PORTAL, JOINT, SHOP));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      await applySystemCommands({ store: s.store, calendar: officialCalendar }, filed.caseNo, clock, (c) => (c.jointTasks ? undefined : { action: 'dispatch' }));
      const append = s.store.append.bind(s.store);
      const ready: (() => void)[] = [];
      vi.spyOn(s.store, 'append').mockImplementation(async (state, entry, previous, key) => {
        if (ready.length < 2) await new Promise<void>((go) => (ready.push(go) === 2 ? ready.forEach((r) => r()) : undefined));
        return append(state, entry, previous, key);
      });

      // Act
      at('2026-11-25');
      const [health, fire] = await Promise.all([
        s.service.perform(HEALTH, filed.caseNo, { action: 'opinion', outcome: 'agree' }, 'opinion-1'),
        s.service.perform(FIRE, filed.caseNo, { action: 'opinion', outcome: 'agree' }, 'opinion-1'),
      ]);
      const retries = await Promise.all([
        s.service.perform(HEALTH, filed.caseNo, { action: 'opinion', outcome: 'agree' }, 'opinion-1'),
        s.service.perform(FIRE, filed.caseNo, { action: 'opinion', outcome: 'agree' }, 'opinion-1'),
      ]);

      // Assess
      expect(ready).toHaveLength(2);
      expect([health.entry, fire.entry].sort()).toEqual([4, 5]);
      expect(retries.map((r) => [r.entry, r.replayed])).toEqual([
        [health.entry, true],
        [fire.entry, true],
      ]);
      const history = await s.service.history(MARKET, filed.caseNo);
      expect(
        history.entries
          .slice(3)
          .map((e) => `${e.n}:${e.actor.name}`)
          .sort(),
      ).toEqual([`${health.entry}:health`, `${fire.entry}:fire`].sort());
      expect((await s.service.get(MARKET, filed.caseNo)).status).toBe('opinions-complete');
    });
  });

  describe(`${name}: CaseService: who may read and act`, () => {
    let s: Stand;
    beforeAll(async () => {
      s = await stand('access');
    });

    it('refuses a channel reading another channel’s case', async () => {
      // Prepare
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'read-1', await application(PORTAL, FOOD, ZHANG));

      // Act
      const byHall = await rejection(s.service.get(HALL, filed.caseNo));
      const historyByHall = await rejection(s.service.history(HALL, filed.caseNo));
      const byPortal = await s.service.get(PORTAL, filed.caseNo);

      // Assess
      expect(byHall).toMatchObject({ code: 'CASE_READ_FORBIDDEN', kind: 'forbidden' });
      expect(historyByHall).toMatchObject({ code: 'CASE_READ_FORBIDDEN', kind: 'forbidden' });
      expect(byPortal).toEqual(filed.case);
    });

    it('refuses a department acting on another department’s case', async () => {
      // Prepare
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'department-1', await application(PORTAL, FOOD, ZHANG));

      // Act
      const accept = await rejection(s.service.act(HOUSING, filed.caseNo, { action: 'accept' }));
      const read = await rejection(s.service.get(HOUSING, filed.caseNo));

      // Assess
      expect(accept).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
      expect(read).toMatchObject({ code: 'CASE_READ_FORBIDDEN' });
      expect(await s.service.get(MARKET, filed.caseNo)).toEqual(filed.case);
    });

    it('lets a co-department of a joint item read the case but not accept it', async () => {
      // Prepare
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'joint-1', await application(PORTAL, JOINT, SHOP));

      // Act
      const byHealth = await s.service.get(HEALTH, filed.caseNo);
      const historyByFire = await s.service.history(FIRE, filed.caseNo);
      const acceptByHealth = await rejection(s.service.act(HEALTH, filed.caseNo, { action: 'accept' }));
      const acceptByMarket = await s.service.act(MARKET, filed.caseNo, { action: 'accept' });

      // Assess
      expect(filed.case.coDepartmentIds).toEqual([DEPARTMENTS.health.id, DEPARTMENTS.fire.id]);
      expect(byHealth.caseNo).toBe(filed.caseNo);
      expect(historyByFire.entries.map((e) => e.type)).toEqual(['file']);
      expect(acceptByHealth).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
      expect(acceptByMarket).toMatchObject({ status: 'accepted', version: 2 });
    });

    it("links those who may read a case to each file it keeps — a material, a co-department's attachment — and refuses the others as reading the case is refused", async () => {
      // Prepare: a joint case, accepted and dispatched; health gives its opinion with an attachment it uploaded
      at('2026-11-23');
      const request = await application(PORTAL, JOINT, SHOP);
      const filed = await s.service.file(PORTAL, 'files-1', request);
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      await applySystemCommands({ store: s.store, calendar: officialCalendar }, filed.caseNo, clock, (c) => (c.jointTasks ? undefined : { action: 'dispatch' }));
      const report = pdf('卫生审查意见');
      await s.service.act(HEALTH, filed.caseNo, { action: 'opinion', outcome: 'agree', attachments: { 卫生审查意见: await upload(DEPARTMENTS.health.id, report) } });
      const [name, sent] = Object.entries(request.materials)[0]! as [string, Upload];
      const auditor: Caller = { name: 'auditor', role: 'auditor' };

      // Act
      const links = await Promise.all([PORTAL, MARKET, HEALTH, FIRE].map((reader) => s.service.materialLink(reader, filed.caseNo, { name })));
      const attachment = await s.service.materialLink(FIRE, filed.caseNo, { name: '卫生审查意见', opinion: DEPARTMENTS.health.id });
      const refused = await Promise.all([HALL, HOUSING, REVIEWER, auditor].map((c) => rejection(s.service.materialLink(c, filed.caseNo, { name }))));
      const unknown = await Promise.all(
        [
          { name: '不存在的材料' },
          { name: 'constructor' },
          { name, opinion: DEPARTMENTS.health.id },
          { name: '卫生审查意见', opinion: DEPARTMENTS.fire.id },
          { name: '卫生审查意见', opinion: DEPARTMENTS.police.id },
        ].map((ref) => rejection(s.service.materialLink(PORTAL, filed.caseNo, ref))),
      );
      const noCase = await rejection(s.service.materialLink(PORTAL, newCaseNo(clock), { name }));

      // Assess: every reader's link reads the bytes filed, as the type recorded, under the material's name
      for (const link of links) {
        expect(link).toMatchObject({ caseNo: filed.caseNo, name, contentType: 'application/pdf', size: sent.size, sha256: sent.sha256, filename: `${name}.pdf`, method: 'GET' });
        expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
        const read = await platform.read(link.url);
        expect(read).toMatchObject({ status: 200, contentType: 'application/pdf', filename: `${name}.pdf` });
        expect(sha256(read.body)).toBe(sent.sha256);
      }
      expect(attachment).toMatchObject({ name: '卫生审查意见', opinion: DEPARTMENTS.health.id, sha256: sha256(report), size: report.length, filename: '卫生审查意见.pdf' });
      expect((await platform.read(attachment.url)).body.equals(report)).toBe(true);
      for (const r of refused) expect(r).toMatchObject({ code: 'CASE_READ_FORBIDDEN', kind: 'forbidden' });
      for (const r of unknown) expect(r).toMatchObject({ code: 'CASE_MATERIAL_NOT_FOUND', kind: 'not-found' });
      expect(noCase).toMatchObject({ code: 'CASE_NOT_FOUND' });
    });

    it('lets exactly one of two users of the department decide an accepted case at once', async () => {
      // Prepare
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'decide-1', await application(PORTAL, FOOD, SHOP));
      at('2026-11-24');
      const accepted = await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      at('2026-11-25');

      // Act
      const outcomes = await Promise.allSettled([
        s.service.act(MARKET, filed.caseNo, { action: 'decide', outcome: 'approved', baseVersion: accepted.version }),
        s.service.act(MARKET_DEPUTY, filed.caseNo, { action: 'decide', outcome: 'denied', reasons: ['经营场所与平面布局图不符'], baseVersion: accepted.version }),
      ]);

      // Assess
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({ kind: 'conflict', code: expect.stringMatching(/^(CASE_VERSION_CONFLICT|CASE_CLOSED)$/) });
      const history = await s.service.history(MARKET, filed.caseNo);
      expect(history.check).toEqual({ ok: true });
      expect(history.entries.filter((e) => e.type === 'decide')).toHaveLength(1);
      expect(await s.service.get(MARKET, filed.caseNo)).toEqual(won[0]!.value);
    });
  });

  describe(`${name}: CaseService: supplement and the order of actions`, () => {
    let s: Stand;
    beforeAll(async () => {
      s = await stand('supplement');
    });

    it('takes a supplement with a newly uploaded file into the case, then accepts it', async () => {
      // Prepare: filed Monday 23 November; the department asks on the 24th for a better floor plan
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'supplement-1', await application(PORTAL, FOOD, SHOP));
      at('2026-11-24');
      const problems = [{ material: '经营场所平面布局图', problem: '未标注食品处理区面积' }];
      const asked = await s.service.act(MARKET, filed.caseNo, { action: 'request-supplement', problems, baseVersion: filed.case.version });
      const plan = await upload(PORTAL_ID, pdf('经营场所平面布局图（修订）'));

      // Act: the applicant supplements on Thursday 26th; the department accepts on Friday 27th
      at('2026-11-26');
      const supplemented = await s.service.act(PORTAL, filed.caseNo, { action: 'supplement', materials: { 经营场所平面布局图: plan } });
      at('2026-11-27');
      const accepted = await s.service.act(MARKET, filed.caseNo, { action: 'accept', baseVersion: supplemented.version });

      // Assess: the answer period runs again from Thu 26 Nov: Fri 27 (1), Mon 30 (2) → pre-review 11-30;
      // Tue 1 Dec (3), Wed 2 (4), Thu 3 (5) → answer due 12-03. Accepted Fri 27 Nov: Mon 30 Nov (1) …
      // Fri 11 Dec (10) → promised 12-11; Mon 14 Dec (11) … Fri 25 Dec (20) → statutory 12-25.
      const planKey = keptKey(filed.caseNo, plan);
      expect(asked).toMatchObject({ status: 'supplement-requested', supplementRequest: problems });
      expect(supplemented).toMatchObject({ status: 'received', materialsReceivedOn: '2026-11-26', preReviewDue: '2026-11-30', deemedAcceptedOn: '2026-12-03' });
      expect(supplemented.supplementRequest).toBeUndefined();
      expect(supplemented.materials).toEqual({ ...filed.case.materials, 经营场所平面布局图: { ...plan, objectKey: planKey } });
      expect(await stored(planKey)).toEqual({ size: plan.size, contentType: 'application/pdf', sha256: plan.sha256 });
      const original = filed.case.materials['经营场所平面布局图'] as Upload;
      expect((await stored(original.objectKey)).sha256).toBe(original.sha256); // the first plan stays kept
      expect(accepted).toMatchObject({ status: 'accepted', acceptance: { on: '2026-11-27', mode: 'normal' }, deadlines: { promised: '2026-12-11', statutory: '2026-12-25' } });
      const history = await s.service.history(PORTAL, filed.caseNo);
      expect(history.entries.map((e) => e.type)).toEqual(['file', 'request-supplement', 'supplement', 'accept']);
      expect(history.check).toEqual({ ok: true });
    });

    it('refuses a decision before acceptance', async () => {
      // Prepare
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'early-decision', await application(PORTAL, FOOD, ZHANG));

      // Act
      const onReceived = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'decide', outcome: 'approved' }));
      await s.service.act(MARKET, filed.caseNo, { action: 'request-supplement', problems: [{ material: 'form', problem: '经营场所面积与平面布局图不一致' }] });
      const onSupplementRequested = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'decide', outcome: 'approved' }));

      // Assess
      expect(onReceived).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION', kind: 'conflict' });
      expect(onSupplementRequested).toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION', kind: 'conflict' });
      expect((await s.service.history(MARKET, filed.caseNo)).entries.map((e) => e.type)).toEqual(['file', 'request-supplement']);
    });
  });

  describe(`${name}: CaseService: correcting a case record (更正)`, () => {
    const TICKET = 'feed'.padEnd(32, '0');

    it("corrects a stored case: the head carries the new values and the correction, the chain stays intact, the channel's list finds it under the corrected ID", async () => {
      // Prepare
      const s = await stand('corrections');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'correct-1', await application(PORTAL, FOOD, ZHANG));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      const newId = residentId('53010219800101003');

      // Act
      at('2026-11-25');
      const refused = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'correct', ticketId: TICKET, corrections: [{ field: 'form.注册资本', value: 1 }] }));
      const foreign = await rejection(s.service.act(HOUSING, filed.caseNo, { action: 'correct', ticketId: TICKET, corrections: [{ field: 'applicant.name', value: '张叁' }] }));
      const done = await s.service.perform(MARKET, filed.caseNo, {
        action: 'correct',
        ticketId: TICKET,
        corrections: [
          { field: 'applicant.residentId', value: newId },
          { field: 'form.经营场所面积', value: 125 },
        ],
        reasons: ['身份证号码录入有误'],
      });
      const read = await s.service.get(PORTAL, filed.caseNo);
      const history = await s.service.history(MARKET, filed.caseNo);
      const underNew = await s.service.channelCases(PORTAL, newId, page);
      const underOld = await s.service.channelCases(PORTAL, ZHANG.residentId, page);

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_CORRECTION_FIELD_UNKNOWN', field: 'corrections.0.field' });
      expect(foreign).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
      expect(done.entry).toBe(3);
      expect(read).toEqual(done.case);
      expect(read).toMatchObject({ status: 'accepted', version: 3, applicant: { ...ZHANG, residentId: newId }, form: { 经营场所面积: 125 } });
      expect(read.corrections).toEqual([
        {
          ticketId: TICKET,
          entry: 3,
          fields: [
            { field: 'applicant.residentId', before: ZHANG.residentId, after: newId },
            { field: 'form.经营场所面积', before: 120, after: 125 },
          ],
          reasons: ['身份证号码录入有误'],
          by: MARKET.name,
          on: '2026-11-25',
        },
      ]);
      expect(history.entries.map((e) => [e.n, e.type, e.from, e.to])).toEqual([
        [1, 'file', null, 'received'],
        [2, 'accept', 'received', 'accepted'],
        [3, 'correct', 'accepted', 'accepted'],
      ]);
      expect(history.check).toEqual({ ok: true });
      expect(verifyCaseHistory(await historyUpTo(s.store, filed.caseNo, Infinity), read)).toEqual({ ok: true });
      // The filing's answer still holds the record as filed.
      expect(filed.case.applicant).toEqual(ZHANG);
      expect(underNew.cases.map((c) => c.caseNo)).toEqual([filed.caseNo]);
      expect(underOld.cases.map((c) => c.caseNo)).toEqual([]);
    });
  });

  describe(`${name}: CaseService.history`, () => {
    // When an action lands between reading the case and reading its entries, the answer is the
    // history up to the state it read, and its chain check passes: a race must not look like
    // tampering to whoever checks the chain.
    it('answers the history up to the state it read, intact, when an entry was appended in between', async () => {
      // Prepare: filed, accepted, decided; the store's newest state is read at "accepted" (version 2),
      // and by the time the entries are read the decision (entry 3) has been appended
      const s = await stand('history-race');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'race-1', await application(PORTAL, FOOD, ZHANG));
      at('2026-11-24');
      const accepted = await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      at('2026-11-25');
      await s.service.act(MARKET, filed.caseNo, { action: 'decide', outcome: 'approved' });
      vi.spyOn(s.store, 'read').mockResolvedValueOnce({ state: accepted });

      // Act
      const view = await s.service.history(PORTAL, filed.caseNo);

      // Assess
      expect((await historyUpTo(s.store, filed.caseNo, Infinity)).map((e) => e.type)).toEqual(['file', 'accept', 'decide']);
      expect(view.entries.map((e) => e.type)).toEqual(['file', 'accept']);
      expect(view.check).toEqual({ ok: true });
    });

    it('answers the history a page at a time, each page with the check of the whole chain, and refuses a cursor of another case', async () => {
      // Prepare: a case with 6 entries (file, accept, 2 pauses and resumes) and another case
      const s = await stand('history-pages');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'pages-1', await application(PORTAL, FOOD, ZHANG));
      const other = await s.service.file(PORTAL, 'pages-2', await application(PORTAL, FOOD, LI));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      for (const reason of ['第一次现场核查', '第二次现场核查']) {
        await s.service.act(MARKET, filed.caseNo, { action: 'pause', procedure: 'site-inspection', reason, expectedDays: 3 });
        await s.service.act(MARKET, filed.caseNo, { action: 'resume' });
      }

      // Act: pages of 4
      const first = await s.service.history(PORTAL, filed.caseNo, { limit: 4 });
      const second = await s.service.history(PORTAL, filed.caseNo, { limit: 4, cursor: first.nextCursor! });
      const foreign = await rejection(s.service.history(PORTAL, other.caseNo, { limit: 4, cursor: first.nextCursor! }));

      // Assess
      expect(first.entries.map((e) => e.n)).toEqual([1, 2, 3, 4]);
      expect(second.entries.map((e) => e.n)).toEqual([5, 6]);
      expect(second.nextCursor).toBeUndefined();
      expect([first.check, second.check]).toEqual([{ ok: true }, { ok: true }]);
      expect(foreign).toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
    });

    it('finds a deleted newest entry: the case is refused to every action, and the check names the missing entry', async () => {
      // Prepare: filed, then refused; someone with access to the table deletes the refusal (entry 2)
      const s = await stand('history-deleted');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'deleted-1', await application(PORTAL, FOOD, ZHANG));
      at('2026-11-24');
      await s.service.act(MARKET, filed.caseNo, { action: 'refuse', reasons: ['不属于本机关职权范围'] });
      await s.deleteEntry(filed.caseNo, 2);

      // Act: the department would accept the case it refused; the channel reads it and its history
      const accepting = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'accept' }));
      const reading = await rejection(s.service.get(PORTAL, filed.caseNo));
      const view = await s.service.history(PORTAL, filed.caseNo);

      // Assess
      expect(accepting).toMatchObject({ code: 'CASE_HISTORY_BROKEN', kind: 'conflict' });
      expect(reading).toMatchObject({ code: 'CASE_HISTORY_BROKEN' });
      expect(view.entries.map((e) => e.type)).toEqual(['file']);
      expect(view.check).toEqual({ ok: false, n: 2, reason: expect.stringMatching(/version 2.*missing/) });
      expect(await historyUpTo(s.store, filed.caseNo, Infinity)).toHaveLength(1);
    });

    it('finds a state edited where it is kept: refused to every action, and the check says the state does not match', async () => {
      const s = await stand('history-edited');
      at('2026-11-23');
      const filed = await s.service.file(PORTAL, 'edited-1', await application(PORTAL, FOOD, ZHANG));
      await s.damage(filed.caseNo, 'status', 'accepted');

      const deciding = await rejection(s.service.act(MARKET, filed.caseNo, { action: 'decide', outcome: 'approved' }));
      const view = await s.service.history(PORTAL, filed.caseNo);

      expect(deciding).toMatchObject({ code: 'CASE_HISTORY_BROKEN' });
      expect(view.check).toEqual({ ok: false, n: 1, reason: 'the current state does not match the state this entry recorded' });
    });
  });

  describe(`${name}: CaseSweep`, () => {
    const sum = (reports: SweepReport[], count: 'deemedAccepted' | 'markedOverdue' | 'markedViolation') => reports.reduce((n, r) => n + r[count], 0);

    it('deems a case nobody answered accepted once its fifth working day is over, and not on that day', async () => {
      // Prepare: filed Wednesday 30 September; answer due Tue 13 Oct (8, 9, Sat 10, 12, 13 Oct)
      const s = await stand('sweep-deemed');
      at('2026-09-30');
      const filed = await s.service.file(PORTAL, 'deemed', await application(PORTAL, FOOD, ZHANG));

      // Act: the sweep late on the fifth working day, then just after midnight
      at('2026-10-13', '23:30');
      const onTheDay = await s.sweep.run(ALL_DEPARTMENTS);
      const stillReceived = await s.service.get(MARKET, filed.caseNo);
      at('2026-10-14', '00:30');
      const dayAfter = await s.sweep.run(ALL_DEPARTMENTS);

      // Assess: deemed accepted as of the receipt (30 Sep): promised 10 working days → 8, 9, 10, 12, 13,
      // 14, 15, 16, 19, 20 Oct = 2026-10-20; statutory 20 → 21, 22, 23, 26, 27, 28, 29, 30 Oct, 2, 3 Nov = 2026-11-03
      expect(filed.receipt.answerDueOn).toBe('2026-10-13');
      expect(onTheDay).toMatchObject({ today: '2026-10-13', deemedAccepted: 0, failed: [] });
      expect(stillReceived).toMatchObject({ status: 'received', version: 1 });
      expect(dayAfter).toMatchObject({ today: '2026-10-14', deemedAccepted: 1, markedOverdue: 0, markedViolation: 0, failed: [] });
      expect(await s.service.get(MARKET, filed.caseNo)).toMatchObject({
        status: 'accepted',
        acceptance: { on: '2026-09-30', mode: 'deemed' },
        deadlines: { promised: '2026-10-20', statutory: '2026-11-03' },
      });
      const history = await s.service.history(MARKET, filed.caseNo);
      expect(history.check).toEqual({ ok: true });
      expect(history.entries).toHaveLength(2);
      expect(history.entries.at(-1)).toMatchObject({ type: 'deem-accepted', actor: { name: 'system', role: 'platform' }, on: '2026-10-14', from: 'received', to: 'accepted' });
    });

    it('marks an accepted case overdue the day after its promised deadline, and a violation the day after its statutory one', async () => {
      // Prepare: filed Mon 28 Sep, accepted Tue 29 Sep. Promised 10 working days: 30 Sep, 8, 9, Sat 10,
      // 12, 13, 14, 15, 16, 19 Oct → 2026-10-19; statutory 20: 20-23, 26-30 Oct, 2 Nov → 2026-11-02.
      const s = await stand('sweep-late');
      at('2026-09-28');
      const filed = await s.service.file(PORTAL, 'late', await application(PORTAL, FOOD, SHOP));
      at('2026-09-29');
      const accepted = await s.service.act(MARKET, filed.caseNo, { action: 'accept' });
      const list = async (kind: 'overdue' | 'violation') => (await s.service.supervision(REVIEWER, kind, page)).cases;

      // Act
      at('2026-10-19', '23:30');
      const onPromised = await s.sweep.run(ALL_DEPARTMENTS);
      const overdueOnPromised = await list('overdue');
      at('2026-10-20');
      const afterPromised = await s.sweep.run(ALL_DEPARTMENTS);
      const overdueAfterPromised = await list('overdue');
      at('2026-11-02', '23:30');
      const onStatutory = await s.sweep.run(ALL_DEPARTMENTS);
      at('2026-11-03');
      const afterStatutory = await s.sweep.run(ALL_DEPARTMENTS);
      const [overdueAtLast, violationAtLast] = [await list('overdue'), await list('violation')];

      // Assess
      const deadlines = { promised: '2026-10-19', statutory: '2026-11-02' };
      expect(accepted.deadlines).toEqual(deadlines);
      expect(onPromised).toMatchObject({ markedOverdue: 0, markedViolation: 0, failed: [] });
      expect(overdueOnPromised).toEqual([]);
      expect(afterPromised).toMatchObject({ markedOverdue: 1, markedViolation: 0, failed: [] });
      expect(overdueAfterPromised).toEqual([
        {
          caseNo: filed.caseNo,
          itemCode: FOOD.implementationCode,
          itemName: FOOD.name,
          departmentId: DEPARTMENTS.market.id,
          status: 'accepted',
          supervision: 'overdue',
          passedDeadline: '2026-10-19',
          acceptedOn: '2026-09-29',
          deadlines,
        },
      ]);
      expect(onStatutory).toMatchObject({ markedOverdue: 0, markedViolation: 0, failed: [] });
      expect(afterStatutory).toMatchObject({ markedOverdue: 0, markedViolation: 1, failed: [] });
      expect(violationAtLast.map((c) => [c.caseNo, c.supervision, c.passedDeadline])).toEqual([[filed.caseNo, 'violation', '2026-11-02']]);
      expect(overdueAtLast).toEqual([]);
      expect(await rejection(s.service.supervision(MARKET, 'overdue', page))).toMatchObject({ code: 'ROLE_FORBIDDEN' });
      const history = await s.service.history(MARKET, filed.caseNo);
      expect(history.check).toEqual({ ok: true });
      expect(history.entries.map((e) => [e.type, e.actor.name, e.on])).toEqual([
        ['file', 'portal', '2026-09-28'],
        ['accept', 'market', '2026-09-29'],
        ['mark-overdue', 'system', '2026-10-20'],
        ['mark-violation', 'system', '2026-11-03'],
      ]);
    });

    it('changes nothing when run again', async () => {
      // Prepare: filed Wed 30 Sep, never answered; on Wed 21 Oct it is past the answer period (13 Oct)
      // and, accepted as of 30 Sep, past the promised deadline (20 Oct) too
      const s = await stand('sweep-again');
      at('2026-09-30');
      const filed = await s.service.file(PORTAL, 'again', await application(PORTAL, FOOD, ZHANG));
      at('2026-10-21');
      const first = await s.sweep.run(ALL_DEPARTMENTS);
      const afterFirst = await s.service.history(MARKET, filed.caseNo);

      // Act
      const second = await s.sweep.run(ALL_DEPARTMENTS);

      // Assess
      expect(first).toMatchObject({ deemedAccepted: 1, markedOverdue: 1, markedViolation: 0, failed: [] });
      expect(second).toMatchObject({ today: '2026-10-21', examined: 1, failed: [] });
      const { today: _today, examined: _examined, failed: _failed, calendar: _calendar, ...moved } = second;
      expect(Object.keys(moved)).toEqual(expect.arrayContaining(['deemedAccepted', 'markedOverdue', 'markedViolation']));
      expect(Object.values(moved).filter((n) => n !== 0)).toEqual([]); // every step counter, present and future
      expect(afterFirst.entries.map((e) => e.type)).toEqual(['file', 'deem-accepted', 'mark-overdue']);
      expect(await s.service.history(MARKET, filed.caseNo)).toEqual(afterFirst);
    });

    it('goes on past a case it cannot move: reports it, and moves every other case of the run', async () => {
      // Prepare: A filed Tue 29 Sep and B Wed 30 Sep, never answered (A listed first: due 12 Oct, B 13 Oct).
      // A's stored record is then damaged — a receipt date that is no date, which no rule can count
      // from — as a bad write could leave it.
      const s = await stand('sweep-broken');
      at('2026-09-29');
      const a = await s.service.file(PORTAL, 'broken-a', await application(PORTAL, FOOD, ZHANG));
      at('2026-09-30');
      const b = await s.service.file(PORTAL, 'broken-b', await application(PORTAL, FOOD, LI));
      // The newest entry's state (what a consistent read gives) and the head (what the queue lists).
      await s.damage(a.caseNo, 'materialsReceivedOn', '2026-09-31');

      // Act
      at('2026-10-14');
      const report = await s.sweep.run(ALL_DEPARTMENTS);

      // Assess: A reported with why, B deemed accepted all the same
      expect(report.failed).toEqual([{ caseNo: a.caseNo, error: expect.stringMatching(/2026-09-31/) }]);
      expect(report.deemedAccepted).toBe(1);
      expect(await s.service.get(MARKET, b.caseNo)).toMatchObject({ status: 'accepted', acceptance: { on: '2026-09-30', mode: 'deemed' } });
    });

    it('records each step once when two sweeps run at the same time', async () => {
      // Prepare: A filed Wed 30 Sep and never answered (deemed accepted as of 30 Sep: statutory deadline
      // 3 Nov). B filed Tue 20 Oct, accepted Wed 21 Oct: promised 22, 23, 26-30 Oct, 2, 3, 4 Nov → 11-04.
      const s = await stand('sweep-concurrent');
      at('2026-09-30');
      const a = await s.service.file(PORTAL, 'concurrent-a', await application(PORTAL, FOOD, ZHANG));
      at('2026-10-20');
      const b = await s.service.file(PORTAL, 'concurrent-b', await application(PORTAL, FOOD, LI));
      at('2026-10-21');
      await s.service.act(MARKET, b.caseNo, { action: 'accept' });
      at('2026-11-05');

      // Act
      const reports = await Promise.all([s.sweep.run(ALL_DEPARTMENTS), s.sweep.run(ALL_DEPARTMENTS)]);

      // Assess: A is deemed accepted and goes straight to violation; B is overdue
      expect(reports.flatMap((r) => r.failed)).toEqual([]);
      expect([sum(reports, 'deemedAccepted'), sum(reports, 'markedOverdue'), sum(reports, 'markedViolation')]).toEqual([1, 1, 1]);
      const [historyA, historyB] = [await s.service.history(MARKET, a.caseNo), await s.service.history(MARKET, b.caseNo)];
      expect(historyA.entries.map((e) => e.type)).toEqual(['file', 'deem-accepted', 'mark-violation']);
      expect(historyB.entries.map((e) => e.type)).toEqual(['file', 'accept', 'mark-overdue']);
      expect(historyA.check).toEqual({ ok: true });
      expect(historyB.check).toEqual({ ok: true });
      expect((await s.service.supervision(REVIEWER, 'violation', page)).cases.map((c) => c.caseNo)).toEqual([a.caseNo]);
      expect((await s.service.supervision(REVIEWER, 'overdue', page)).cases.map((c) => c.caseNo)).toEqual([b.caseNo]);
    });
  });
}
