// E-licences as pure functions: issued from an approved case with a GB/T 36904 identifier, their
// status on a day, revocation (issuing department only, once, with a reason), the sealed document
// (never the revocation), the reuse check of a filing (holder, type, status, validity), and amendments
// (000 §30): who may, what they change (with the values before), and the next version they make.
import { describe, expect, it } from 'vitest';
import { isLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import type { AmendRequest } from '../../shared/domain/licences/licence.ts';
import {
  MAX_LICENCE_VERSIONS,
  amendLicence,
  amendedLicence,
  checkReusable,
  issueLicence,
  licenceDocument,
  licenceStatus,
  revokeLicence,
  sameAmendment,
} from '../../shared/domain/licences/licence.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import { FOOD, HEALTH, LI, MARKET, MARKET_DEPUTY, PORTAL, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { refusal } from '../support/refusal.ts';

const issued = (overrides: Partial<Parameters<typeof issueLicence>[0]> = {}) =>
  issueLicence({
    caseNo: '20261123ABCDEFGHIJ',
    itemCode: FOOD.implementationCode,
    departmentId: MARKET.departmentId!,
    applicant: SHOP,
    typeCode: 'SPJYXKZ',
    name: '食品经营许可证',
    serial: '2026000001',
    issuedOn: '2026-11-30',
    validUntil: '2031-11-29',
    data: { 经营项目: ['热食类食品制售'], 经营场所: '昆明市五华区示例路1号' },
    ...overrides,
  });

describe('e-licences', () => {
  it('issues a licence to the applicant with a valid identifier of the issuing department', () => {
    const licence = issued();
    expect(isLicenceId(licence.id)).toBe(true);
    expect(licence.id).toContain(`.SPJYXKZ.${MARKET.departmentId}.2026000001.001.`);
    expect(licence.holder).toEqual({ kind: 'organisation', id: SHOP.creditCode, name: SHOP.name });
    expect(issued({ applicant: ZHANG }).holder).toEqual({ kind: 'person', id: ZHANG.residentId, name: ZHANG.name });
    expect(licence).toMatchObject({ validFrom: '2026-11-30', validUntil: '2031-11-29', issuer: MARKET.departmentId });
    expect(refusal(() => issued({ validUntil: '2026-11-29' }))).toMatchObject({ code: 'LICENCE_VALIDITY_INVALID', field: 'validUntil' });
  });

  it('is valid until its last day, expired after it, and revoked once revoked', () => {
    const licence = issued();
    expect(licenceStatus(licence, '2031-11-29')).toBe('valid');
    expect(licenceStatus(licence, '2031-11-30')).toBe('expired');
    expect(licenceStatus(issued({ validUntil: undefined }), '2099-01-01')).toBe('valid');
    expect(licenceStatus(revokeLicence(licence, MARKET, '以欺骗手段取得', '2027-01-05'), '2027-01-05')).toBe('revoked');
  });

  it('lets only the issuing department revoke, once, with a reason; the sealed document never changes', () => {
    const licence = issued();
    const revoked = revokeLicence(licence, MARKET_DEPUTY, '以欺骗手段取得', '2027-01-05');
    expect(revoked.revocation).toEqual({ reason: '以欺骗手段取得', on: '2027-01-05', by: 'market-deputy' });
    expect(canonicalize(licenceDocument(revoked))).toBe(canonicalize(licenceDocument(licence)));
    expect(refusal(() => revokeLicence(licence, HEALTH, '理由', '2027-01-05'))).toMatchObject({ code: 'LICENCE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(refusal(() => revokeLicence(licence, PORTAL, '理由', '2027-01-05'))).toMatchObject({ kind: 'forbidden' });
    expect(refusal(() => revokeLicence(revoked, MARKET, '再次', '2027-01-06'))).toMatchObject({ code: 'LICENCE_REVOKED', kind: 'conflict' });
    expect(refusal(() => revokeLicence(licence, MARKET, ' ', '2027-01-05'))).toMatchObject({ code: 'LICENCE_REASON_REQUIRED', field: 'reason' });
  });

  it("accepts in place of a material only the applicant's own licence of the accepted type, valid today", () => {
    const licence = issued({ typeCode: 'YYZZ', name: '营业执照', validUntil: '2027-06-30' });
    const want = { holderId: SHOP.creditCode, typeCode: 'YYZZ', today: '2026-12-01', field: 'materials.营业执照.licenceId' };
    expect(checkReusable(licence, want)).toBe(licence);
    // Somebody else's licence answers exactly like one that does not exist.
    const other = refusal(() => checkReusable(licence, { ...want, holderId: LI.residentId }));
    const none = refusal(() => checkReusable(undefined, want));
    expect([other.code, other.field, other.messageZh]).toEqual([none.code, none.field, none.messageZh]);
    expect(none).toMatchObject({ code: 'CASE_LICENCE_UNKNOWN', kind: 'invalid', field: 'materials.营业执照.licenceId' });
    expect(refusal(() => checkReusable(licence, { ...want, typeCode: 'SPJYXKZ' }))).toMatchObject({ code: 'CASE_LICENCE_TYPE_MISMATCH' });
    expect(refusal(() => checkReusable(licence, { ...want, today: '2027-07-01' }))).toMatchObject({ code: 'CASE_LICENCE_EXPIRED', kind: 'conflict' });
    expect(refusal(() => checkReusable(revokeLicence(licence, MARKET, '吊销', '2026-12-01'), want))).toMatchObject({ code: 'CASE_LICENCE_REVOKED', kind: 'conflict' });
  });
});

describe('amending a licence', () => {
  const AT = '2026-12-01T02:00:00.000Z';
  const correction: AmendRequest = {
    changes: { holderName: '昆明示例食品有限公司', data: { 经营场所: '昆明市五华区示例路2号', 备注: '更正' } },
    reasons: '经营场所录入有误',
    ticketId: 'TK-1',
  };

  it('records what each field was and becomes, the reasons, who and when, for the next version', () => {
    // Act
    const amendment = amendLicence(issued(), MARKET_DEPUTY, correction, AT, '2026-12-01');

    // Assess
    expect(amendment).toEqual({
      version: 2,
      at: AT,
      on: '2026-12-01',
      by: MARKET_DEPUTY.name,
      departmentId: MARKET.departmentId,
      reasons: '经营场所录入有误',
      ticketId: 'TK-1',
      requested: correction.changes,
      changes: [
        { field: 'holder.name', from: SHOP.name, to: '昆明示例食品有限公司' },
        { field: 'data.经营场所', from: '昆明市五华区示例路1号', to: '昆明市五华区示例路2号' },
        { field: 'data.备注', to: '更正' },
      ],
    });
    expect(sameAmendment(amendment, MARKET, correction)).toBe(true);
    expect(sameAmendment(amendment, MARKET, { ...correction, ticketId: undefined })).toBe(false);
    expect(sameAmendment(amendment, MARKET, { ...correction, changes: { holderName: '昆明示例食品有限公司' } })).toBe(false);
    expect(sameAmendment(amendment, HEALTH, correction)).toBe(false);
  });

  it('makes the next version from the newest: the change, the day, the document it supersedes; never the revocation, and only the version after', () => {
    // Prepare
    const licence = issued();
    const amendment = amendLicence(licence, MARKET, correction, AT, '2026-12-01');

    // Act
    const next = amendedLicence(licence, amendment, 'ab'.repeat(32));
    const third = amendedLicence(next, amendLicence(next, MARKET, { changes: { data: { 备注: '再次更正' } }, reasons: '再次' }, AT, '2026-12-02'), 'cd'.repeat(32));

    // Assess
    expect(next).toEqual({
      ...licence,
      holder: { ...licence.holder, name: '昆明示例食品有限公司' },
      data: { 经营项目: ['热食类食品制售'], 经营场所: '昆明市五华区示例路2号', 备注: '更正' },
      version: 2,
      amendedOn: '2026-12-01',
      supersedes: { version: 1, documentSha256: 'ab'.repeat(32) },
    });
    expect(third).toMatchObject({ version: 3, amendedOn: '2026-12-02', supersedes: { version: 2, documentSha256: 'cd'.repeat(32) }, data: { 备注: '再次更正' } });
    expect(JSON.parse(canonicalize(licenceDocument(next)))).toMatchObject({ type: 'tongban/e-licence', version: 2, supersedes: { version: 1 } });
    expect(() => amendedLicence(next, amendment, 'ab'.repeat(32))).toThrow(/does not follow version 2/);
  });

  it('refuses another department, other roles, a revoked licence, no reasons, nothing to change, a blank name, data out of bounds and the 101st version', () => {
    const licence = issued();
    const amend = (over: Partial<AmendRequest>, actor = MARKET, l = licence) => refusal(() => amendLicence(l, actor, { ...correction, ...over }, AT, '2026-12-01'));

    expect(amend({}, HEALTH)).toMatchObject({ code: 'LICENCE_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(amend({}, PORTAL)).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    expect(amend({}, MARKET, revokeLicence(licence, MARKET, '注销', '2026-12-01'))).toMatchObject({ code: 'LICENCE_REVOKED', kind: 'conflict' });
    expect(amend({ reasons: '\n ' })).toMatchObject({ code: 'LICENCE_REASON_REQUIRED', field: 'reasons' });
    expect(amend({ changes: { holderName: SHOP.name, data: { 经营场所: '昆明市五华区示例路1号' } } })).toMatchObject({ code: 'LICENCE_AMENDMENT_EMPTY', field: 'changes' });
    expect(amend({ changes: {} })).toMatchObject({ code: 'LICENCE_AMENDMENT_EMPTY', field: 'changes' });
    expect(amend({ changes: { holderName: '' } })).toMatchObject({ code: 'LICENCE_AMENDMENT_INVALID', field: 'changes.holderName' });
    expect(amend({ changes: { holderName: '名称 ' } })).toMatchObject({ code: 'LICENCE_AMENDMENT_INVALID', field: 'changes.holderName' });
    expect(amend({ changes: { data: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`f${i}`, i])) } })).toMatchObject({
      code: 'LICENCE_AMENDMENT_INVALID',
      field: 'changes.data',
    });
    expect(amend({ changes: { data: { 长文本: 'x'.repeat(16 * 1024) } } })).toMatchObject({ code: 'LICENCE_AMENDMENT_INVALID', field: 'changes.data' });
    expect(amend({}, MARKET, { ...licence, version: MAX_LICENCE_VERSIONS })).toMatchObject({ code: 'LICENCE_VERSIONS_EXHAUSTED', kind: 'conflict' });
    expect(amendLicence({ ...licence, version: MAX_LICENCE_VERSIONS - 1 }, MARKET, correction, AT, '2026-12-01').version).toBe(MAX_LICENCE_VERSIONS);
  });
});
