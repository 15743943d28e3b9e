// E-licences (电子证照, 000 §14, 004 §22) as pure functions: issuing one from an approved case, its
// status on a given day, revocation by the issuing department, the document that is sealed, and the
// check that lets an applicant name one of their valid licences instead of submitting the paper
// again (免提交, 000 §12, 004 §17).
//
// A licence's content never changes once issued — it is what the seal covers. Its status is read
// from that content and the day: `revoked` once revoked (recorded beside it, never in the sealed
// document), `expired` after its last valid day, `valid` otherwise.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { assertIsoDate } from '../calendar/china-date.ts';
import type { Applicant, JsonValue } from '../cases/case-record.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import { makeLicenceId } from '../identifiers/licence-id.ts';

export type LicenceStatus = 'valid' | 'revoked' | 'expired';

export interface LicenceHolder {
  kind: 'person' | 'organisation';
  /** Resident ID or unified social credit code. */
  id: string;
  name: string;
}

/** What is issued and sealed. */
export interface LicenceContent {
  /** GB/T 36904 identifier. */
  id: string;
  typeCode: string;
  /** The licence's name as the item issues it (e.g. 食品经营许可证). */
  name: string;
  holder: LicenceHolder;
  /** The issuing department's unified social credit code. */
  issuer: string;
  caseNo: string;
  itemCode: string;
  issuedOn: string;
  validFrom: string;
  /** The last valid day; absent for a licence without an end. */
  validUntil?: string;
  /** The licence's own data fields (经营项目, 地址…). */
  data: Record<string, JsonValue>;
}

export interface Licence extends LicenceContent {
  revocation?: { reason: string; on: string; by: string };
}

export interface IssueInput {
  /** The approved case: its number, item, department and applicant. */
  caseNo: string;
  itemCode: string;
  departmentId: string;
  applicant: Applicant;
  typeCode: string;
  name: string;
  /** Unique per department and type: the store draws it. */
  serial: string;
  issuedOn: string;
  validUntil?: string | undefined;
  data: Record<string, JsonValue>;
}

export function holderOf(applicant: Applicant): LicenceHolder {
  return applicant.kind === 'person'
    ? { kind: 'person', id: applicant.residentId, name: applicant.name }
    : { kind: 'organisation', id: applicant.creditCode, name: applicant.name };
}

export function issueLicence(input: IssueInput): Licence {
  assertIsoDate(input.issuedOn, 'issuedOn');
  if (input.validUntil !== undefined) {
    assertIsoDate(input.validUntil, 'validUntil');
    if (input.validUntil < input.issuedOn) {
      throw invalid(
        'LICENCE_VALIDITY_INVALID',
        'validUntil',
        `有效期截止日（${input.validUntil}）早于颁发日（${input.issuedOn}）`,
        `a licence valid until ${input.validUntil} cannot be issued on ${input.issuedOn}`,
      );
    }
  }
  return {
    id: makeLicenceId({ typeCode: input.typeCode, issuer: input.departmentId, serial: input.serial, version: '001' }),
    typeCode: input.typeCode,
    name: input.name,
    holder: holderOf(input.applicant),
    issuer: input.departmentId,
    caseNo: input.caseNo,
    itemCode: input.itemCode,
    issuedOn: input.issuedOn,
    validFrom: input.issuedOn,
    ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
    data: input.data,
  };
}

export function licenceStatus(licence: Licence, today: string): LicenceStatus {
  if (licence.revocation) return 'revoked';
  if (licence.validUntil !== undefined && today > licence.validUntil) return 'expired';
  return 'valid';
}

/** The `type` member of a sealed licence document: verifiers tell it from a decision by it. */
export const LICENCE_DOCUMENT_TYPE = 'tongban/e-licence';

/** The sealed document of a licence: its content, never its revocation (status is read beside it). */
export function licenceDocument(licence: Licence): LicenceContent & { type: typeof LICENCE_DOCUMENT_TYPE } {
  const { revocation: _revocation, ...content } = licence;
  return { type: LICENCE_DOCUMENT_TYPE, ...content };
}

/** Revokes a licence: only its issuing department, with a reason, once. */
export function revokeLicence(licence: Licence, actor: Caller, reason: string, today: string): Licence {
  requireRole(actor, 'department');
  if (actor.departmentId !== licence.issuer) {
    throw forbidden(
      'LICENCE_DEPARTMENT_FORBIDDEN',
      '只有颁发该证照的部门可以撤销',
      `only the issuing department ${licence.issuer} may revoke licence ${licence.id}; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
    );
  }
  if (licence.revocation) {
    throw conflict('LICENCE_REVOKED', `证照已于${licence.revocation.on}撤销`, `licence ${licence.id} was revoked on ${licence.revocation.on}`);
  }
  if (typeof reason !== 'string' || reason.trim() === '') throw invalid('LICENCE_REASON_REQUIRED', 'reason', '撤销证照须说明理由', 'revoking a licence needs a reason');
  return { ...licence, revocation: { reason, on: today, by: actor.name } };
}

/**
 * A licence named in place of a material: it must be the applicant's own, of the type the guide
 * accepts, and valid today. A licence of somebody else is answered like one that does not exist, so a
 * channel cannot learn whose licence an identifier is.
 */
export function checkReusable(licence: Licence | undefined, want: { holderId: string; typeCode: string; today: string; field: string }): Licence {
  if (!licence || licence.holder.id !== want.holderId) {
    throw invalid('CASE_LICENCE_UNKNOWN', want.field, '申请人名下没有该电子证照', 'the applicant holds no licence with this identifier');
  }
  if (licence.typeCode !== want.typeCode) {
    throw invalid(
      'CASE_LICENCE_TYPE_MISMATCH',
      want.field,
      `该证照类型为${licence.typeCode}，本材料只接受${want.typeCode}`,
      `licence ${licence.id} is of type ${licence.typeCode}; this material accepts ${want.typeCode}`,
    );
  }
  const status = licenceStatus(licence, want.today);
  if (status === 'revoked')
    throw conflict('CASE_LICENCE_REVOKED', `该证照已于${licence.revocation!.on}撤销，不能代替材料`, `licence ${licence.id} was revoked on ${licence.revocation!.on}`, want.field);
  if (status === 'expired')
    throw conflict('CASE_LICENCE_EXPIRED', `该证照已于${licence.validUntil}到期，不能代替材料`, `licence ${licence.id} expired after ${licence.validUntil}`, want.field);
  return licence;
}
