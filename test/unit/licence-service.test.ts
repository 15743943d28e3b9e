// Who may see, revoke and list which e-licence (no 越权), on an in-memory licence store: the issuing
// department its own, a channel only naming the holder, platform reviewers and auditors every one; a
// licence the caller may not see answers exactly like one that does not exist. Revocation is the
// issuer's, once; a channel's list holds a holder's valid licences only; every status is the one on
// the service clock's day in China.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { makeLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { LicenceService } from '../../shared/domain/licences/licence-service.ts';
import type { IssuedLicence, LicencePage, LicenceStore, LicenceVersion } from '../../shared/domain/licences/licence-store.ts';
import type { Licence, LicenceAmendment } from '../../shared/domain/licences/licence.ts';
import { issueLicence, licenceDocument } from '../../shared/domain/licences/licence.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import { conflict } from '../../shared/domain/errors.ts';
import { FOOD, HALL, HEALTH, LI, MARKET, MARKET_DEPUTY, PORTAL, REVIEWER, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { rejection } from '../support/refusal.ts';

const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };

/**
 * The LicenceStore contract in memory: first issue stands, one revocation, newest issue first by holder;
 * an amendment's version recorded once, sealed once, and then the newest (its amendments are the
 * Dynamo store's, tested on dynalite: test/integration/licence-amendment.test.ts).
 */
class MemoryLicenceStore implements LicenceStore {
  readonly byId = new Map<string, IssuedLicence>();
  readonly versions = new Map<string, { amendment?: LicenceAmendment; issued?: IssuedLicence }>();

  async issue(issued: IssuedLicence): Promise<IssuedLicence> {
    const stored = this.byId.get(issued.licence.id);
    if (stored) return stored;
    this.byId.set(issued.licence.id, structuredClone(issued));
    return issued;
  }

  async get(id: string): Promise<IssuedLicence | undefined> {
    const stored = this.byId.get(id);
    return stored ? structuredClone(stored) : undefined;
  }

  async version(id: string, n: number): Promise<LicenceVersion | undefined> {
    const v = this.versions.get(`${id}#${n}`);
    return v?.amendment ? structuredClone({ version: n, amendment: v.amendment, ...(v.issued ? { issued: v.issued } : {}) }) : undefined;
  }

  async sealedVersion(id: string, n: number): Promise<IssuedLicence | undefined> {
    const v = this.versions.get(`${id}#${n}`)?.issued;
    if (v) return structuredClone(v);
    const head = this.byId.get(id);
    if (n !== 1 || head?.licence.version !== 1) return undefined;
    const { revocation: _revocation, ...licence } = head.licence;
    return structuredClone({ licence, sealed: head.sealed });
  }

  async amendments(id: string): Promise<LicenceAmendment[]> {
    const head = this.byId.get(id);
    const out: LicenceAmendment[] = [];
    for (let n = 2; head && n <= head.licence.version; n++) out.push(structuredClone(this.versions.get(`${id}#${n}`)!.amendment!));
    return out;
  }

  async requestAmendment(newest: IssuedLicence, amendment: LicenceAmendment): Promise<boolean> {
    const k = `${newest.licence.id}#${amendment.version}`;
    if (this.versions.has(k)) return false;
    if (newest.licence.version === 1) this.versions.set(`${newest.licence.id}#1`, { issued: structuredClone(newest) });
    this.versions.set(k, { amendment: structuredClone(amendment) });
    return true;
  }

  async recordSealedVersion(issued: IssuedLicence, amendment: LicenceAmendment): Promise<IssuedLicence> {
    const k = `${issued.licence.id}#${amendment.version}`;
    if (!this.versions.get(k)?.issued) this.versions.set(k, { amendment, issued: structuredClone(issued) });
    return (await this.settle(issued.licence.id))!;
  }

  async settle(id: string): Promise<IssuedLicence | undefined> {
    const head = this.byId.get(id);
    if (!head) return undefined;
    const next = this.versions.get(`${id}#${head.licence.version + 1}`)?.issued;
    if (next)
      this.byId.set(id, { licence: { ...structuredClone(next.licence), ...(head.licence.revocation ? { revocation: head.licence.revocation } : {}) }, sealed: next.sealed });
    return structuredClone(this.byId.get(id));
  }

  async recordRevocation(revoked: Licence): Promise<IssuedLicence> {
    const stored = this.byId.get(revoked.id);
    if (!stored) throw new Error(`licence ${revoked.id} is not stored`);
    if (stored.licence.revocation) throw conflict('LICENCE_REVOKED', '证照已被撤销', `licence ${revoked.id} was revoked meanwhile`);
    const next = { ...stored, licence: { ...stored.licence, revocation: revoked.revocation! } };
    this.byId.set(revoked.id, next);
    return structuredClone(next);
  }

  async byHolder(holderId: string, typeCode: string | undefined, page: LicencePage): Promise<{ licences: IssuedLicence[]; nextCursor?: string }> {
    const all = [...this.byId.values()]
      .filter((l) => l.licence.holder.id === holderId && (typeCode === undefined || l.licence.typeCode === typeCode))
      .sort((a, b) => (`${b.licence.issuedOn}#${b.licence.id}` < `${a.licence.issuedOn}#${a.licence.id}` ? -1 : 1));
    const start = page.cursor ? Number(page.cursor) : 0;
    const licences = all.slice(start, start + page.limit).map((l) => structuredClone(l));
    return start + page.limit < all.length ? { licences, nextCursor: String(start + page.limit) } : { licences };
  }
}

let serial = 0;
/** A licence issued by `issuer` to `holder` (SHOP by default) and stored with a sealed document. */
async function stored(store: MemoryLicenceStore, overrides: Partial<Parameters<typeof issueLicence>[0]> = {}): Promise<Licence> {
  const licence = issueLicence({
    caseNo: `20261123AAAAAAAA${String(++serial).padStart(2, '0')}`,
    itemCode: FOOD.implementationCode,
    departmentId: MARKET.departmentId!,
    applicant: SHOP,
    typeCode: 'SPJYXKZ',
    name: '食品经营许可证',
    serial: `2026${String(serial).padStart(6, '0')}`,
    issuedOn: '2026-11-23',
    validUntil: '2031-11-22',
    data: { 经营项目: ['热食类食品制售'] },
    ...overrides,
  });
  await store.issue({ licence, sealed: { document: canonicalize(licenceDocument(licence)), seal: { protected: `header-${licence.id}`, signature: `signature-${licence.id}` } } });
  return licence;
}

/** A service on `store` whose clock reads `instant`. */
const serviceAt = (store: LicenceStore, instant: string) => new LicenceService({ licences: store, now: () => new Date(instant) });
/** 10:00 in China on 1 December 2026. */
const DEC_1 = '2026-12-01T02:00:00Z';
const page = { limit: 50 };

describe('LicenceService.get: who may read a licence', () => {
  it('answers the issuing department (any of its principals), platform reviewers and auditors, with the sealed document, the seal and the status', async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const licence = await stored(store);
    const service = serviceAt(store, DEC_1);

    // Act
    const views = await Promise.all([MARKET, MARKET_DEPUTY, REVIEWER, AUDITOR].map((caller) => service.get(caller, licence.id)));

    // Assess
    const expected = {
      licence,
      status: 'valid',
      document: canonicalize(licenceDocument(licence)),
      seal: { protected: `header-${licence.id}`, signature: `signature-${licence.id}` },
      newestVersion: 1,
    };
    for (const view of views) expect(view).toEqual(expected);
  });

  it("answers another department's read as LICENCE_NOT_FOUND, exactly as for an identifier nobody issued", async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const licence = await stored(store);
    const service = serviceAt(store, DEC_1);
    const nobodys = makeLicenceId({ typeCode: 'SPJYXKZ', issuer: MARKET.departmentId!, serial: 'NOSUCH1', version: '001' });

    // Act
    const otherDepartment = await rejection(service.get(HEALTH, licence.id));
    const unknown = await rejection(service.get(MARKET, nobodys));

    // Assess
    expect(otherDepartment).toMatchObject({ code: 'LICENCE_NOT_FOUND', kind: 'not-found' });
    expect([unknown.code, unknown.kind, unknown.messageZh]).toEqual([otherDepartment.code, otherDepartment.kind, otherDepartment.messageZh]);
  });

  it('answers a channel only when it names the licence holder; another holder or none is LICENCE_NOT_FOUND', async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const company = await stored(store);
    const person = await stored(store, { applicant: ZHANG });
    const service = serviceAt(store, DEC_1);

    // Act
    const [byCompany, byPerson, byHall] = await Promise.all([
      service.get(PORTAL, company.id, SHOP.creditCode),
      service.get(PORTAL, person.id, ZHANG.residentId),
      service.get(HALL, person.id, ZHANG.residentId),
    ]);
    const refusals = await Promise.all([
      rejection(service.get(PORTAL, company.id)),
      rejection(service.get(PORTAL, company.id, ZHANG.residentId)),
      rejection(service.get(PORTAL, person.id, LI.residentId)),
      rejection(service.get(PORTAL, person.id, '')),
    ]);

    // Assess
    expect([byCompany.licence.id, byPerson.licence.id, byHall.licence.id]).toEqual([company.id, person.id, person.id]);
    for (const refused of refusals) expect(refused).toMatchObject({ code: 'LICENCE_NOT_FOUND', kind: 'not-found' });
  });

  it('refuses a malformed identifier (INVALID_LICENCE_ID) before looking anything up', async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const licence = await stored(store);
    const typo = `${licence.id.slice(0, -1)}${licence.id.endsWith('A') ? 'B' : 'A'}`;
    const service = serviceAt(store, DEC_1);

    // Act
    const refusals = await Promise.all([service.get(MARKET, typo), service.get(REVIEWER, 'SPJYXKZ-0001'), service.get(MARKET, '')].map((p) => rejection(p)));

    // Assess
    for (const refused of refusals) expect(refused).toMatchObject({ code: 'INVALID_LICENCE_ID', kind: 'invalid', field: 'licenceId' });
  });
});

describe('LicenceService.revoke', () => {
  it('lets the issuing department revoke, with a reason, on the day of the service clock in China; the sealed document stays', async () => {
    // Prepare: 17:30 UTC on 30 November is 01:30 on 1 December in China
    const store = new MemoryLicenceStore();
    const licence = await stored(store);
    const service = serviceAt(store, '2026-11-30T17:30:00Z');

    // Act
    const revoked = await service.revoke(MARKET_DEPUTY, licence.id, '以欺骗手段取得许可');

    // Assess
    expect(revoked).toMatchObject({ status: 'revoked', licence: { ...licence, revocation: { reason: '以欺骗手段取得许可', on: '2026-12-01', by: 'market-deputy' } } });
    expect(revoked.document).toBe(canonicalize(licenceDocument(licence)));
    expect((await store.get(licence.id))!.licence.revocation).toEqual({ reason: '以欺骗手段取得许可', on: '2026-12-01', by: 'market-deputy' });
    expect(await service.get(REVIEWER, licence.id)).toMatchObject({ status: 'revoked' });
  });

  it('answers a revocation by anyone else as LICENCE_NOT_FOUND or ROLE_FORBIDDEN, and a second one as LICENCE_REVOKED, changing nothing', async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const licence = await stored(store);
    const service = serviceAt(store, DEC_1);
    const nobodys = makeLicenceId({ typeCode: 'SPJYXKZ', issuer: MARKET.departmentId!, serial: 'NOSUCH2', version: '001' });

    // Act
    const otherDepartment = await rejection(service.revoke(HEALTH, licence.id, '越权'));
    const notADepartment = await Promise.all([PORTAL, REVIEWER, AUDITOR].map((caller) => rejection(service.revoke(caller, licence.id, '越权'))));
    const unknown = await rejection(service.revoke(MARKET, nobodys, '理由'));
    const malformed = await rejection(service.revoke(MARKET, 'SPJYXKZ-0001', '理由'));
    const noReason = await rejection(service.revoke(MARKET, licence.id, '  '));
    const untouched = await store.get(licence.id);
    await service.revoke(MARKET, licence.id, '公司已注销');
    const again = await rejection(service.revoke(MARKET, licence.id, '再次撤销'));

    // Assess
    expect(otherDepartment).toMatchObject({ code: 'LICENCE_NOT_FOUND', kind: 'not-found' });
    for (const refused of notADepartment) expect(refused).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(unknown).toMatchObject({ code: 'LICENCE_NOT_FOUND' });
    expect(malformed).toMatchObject({ code: 'INVALID_LICENCE_ID' });
    expect(noReason).toMatchObject({ code: 'LICENCE_REASON_REQUIRED', field: 'reason' });
    expect(untouched!.licence).toEqual(licence);
    expect(again).toMatchObject({ code: 'LICENCE_REVOKED', kind: 'conflict' });
    expect((await store.get(licence.id))!.licence.revocation).toMatchObject({ reason: '公司已注销', on: '2026-12-01' });
  });
});

describe('LicenceService.listValid: a channel lists the valid licences of the holder it acts for', () => {
  it("lists the holder's valid licences only, newest first and of one type when asked: revoked and expired ones are left out", async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const older = await stored(store, { issuedOn: '2026-10-09', validUntil: undefined });
    const newer = await stored(store, { issuedOn: '2026-11-23' });
    const registration = await stored(store, { typeCode: 'YYZZ', name: '营业执照', issuedOn: '2026-11-02', validUntil: undefined });
    const expired = await stored(store, { issuedOn: '2026-11-01', validUntil: '2026-11-30' });
    const revoked = await stored(store, { issuedOn: '2026-11-03' });
    await stored(store, { applicant: ZHANG });
    const service = serviceAt(store, DEC_1);
    await service.revoke(MARKET, revoked.id, '吊销');

    // Act
    const all = await service.listValid(PORTAL, SHOP.creditCode, undefined, page);
    const food = await service.listValid(HALL, SHOP.creditCode, 'SPJYXKZ', page);
    const none = await service.listValid(PORTAL, LI.residentId, undefined, page);

    // Assess
    expect(all).toEqual({ licences: [newer, registration, older].map((l) => expect.objectContaining({ licence: l, status: 'valid' })) });
    expect(food.licences.map((v) => v.licence.id)).toEqual([newer.id, older.id]);
    expect(none).toEqual({ licences: [] });
    expect(all.licences.map((v) => v.licence.id)).not.toContain(expired.id);
  });

  it("passes the store's cursor on, so the next page can be asked for", async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    const first = await stored(store, { issuedOn: '2026-11-23' });
    const second = await stored(store, { issuedOn: '2026-11-22' });
    const service = serviceAt(store, DEC_1);

    // Act
    const one = await service.listValid(PORTAL, SHOP.creditCode, undefined, { limit: 1 });
    const two = await service.listValid(PORTAL, SHOP.creditCode, undefined, { limit: 1, cursor: one.nextCursor! });

    // Assess
    expect(one.licences.map((v) => v.licence.id)).toEqual([first.id]);
    expect(one.nextCursor).toBeDefined();
    expect(two).toEqual({ licences: [expect.objectContaining({ licence: second })] });
  });

  it('is for channels only (ROLE_FORBIDDEN), and for a resident ID or credit code only (LICENCE_HOLDER_INVALID)', async () => {
    // Prepare
    const store = new MemoryLicenceStore();
    await stored(store);
    const service = serviceAt(store, DEC_1);
    const wrongCheck = `${SHOP.creditCode.slice(0, -1)}${SHOP.creditCode.endsWith('0') ? '1' : '0'}`;

    // Act
    const byRole = await Promise.all([MARKET, REVIEWER, AUDITOR].map((caller) => rejection(service.listValid(caller, SHOP.creditCode, undefined, page))));
    const byHolder = await Promise.all(['', 'shop', wrongCheck, `${ZHANG.residentId}0`].map((holder) => rejection(service.listValid(PORTAL, holder, undefined, page))));

    // Assess
    for (const refused of byRole) expect(refused).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    for (const refused of byHolder) expect(refused).toMatchObject({ code: 'LICENCE_HOLDER_INVALID', kind: 'invalid', field: 'holder' });
  });
});

describe('LicenceService: status on the service clock', () => {
  it('answers a licence valid through its last day in China, and expired from the next day on', async () => {
    // Prepare: valid until 31 December 2026
    const store = new MemoryLicenceStore();
    const licence = await stored(store, { validUntil: '2026-12-31' });
    // 23:59:59 on 31 December and 00:00 on 1 January, China time (UTC+8)
    const lastMoment = serviceAt(store, '2026-12-31T15:59:59Z');
    const nextDay = serviceAt(store, '2026-12-31T16:00:00Z');

    // Act
    const [onLastDay, afterIt] = await Promise.all([lastMoment.get(MARKET, licence.id), nextDay.get(MARKET, licence.id)]);
    const [listedOnLastDay, listedAfter] = await Promise.all([
      lastMoment.listValid(PORTAL, SHOP.creditCode, undefined, page),
      nextDay.listValid(PORTAL, SHOP.creditCode, undefined, page),
    ]);

    // Assess
    expect(onLastDay.status).toBe('valid');
    expect(afterIt.status).toBe('expired');
    expect(listedOnLastDay.licences.map((v) => v.licence.id)).toEqual([licence.id]);
    expect(listedAfter.licences).toEqual([]);
  });
});
