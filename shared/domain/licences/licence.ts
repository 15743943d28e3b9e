// E-licences (电子证照, 000 §14, 004 §22) as pure functions: issuing one from an approved case, its
// status on a given day, revocation by the issuing department, the document that is sealed, and the
// check that lets an applicant name one of their valid licences instead of submitting the paper
// again (免提交, 000 §12, 004 §17).
//
// A sealed version's content never changes — it is what the seal covers. A correction of the
// licence's data (000 §30: the holder's name, a data field) is an amendment by its issuing department:
// the next version (2, 3…), whose content carries the change, the day and the SHA-256 of the document
// it supersedes, sealed anew; the earlier versions stay as they were sealed (licence-store.ts). Its
// status is read from the newest content and the day: `revoked` once revoked (recorded beside it,
// never in a sealed document), `expired` after its last valid day, `valid` otherwise.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { isDeepStrictEqual } from 'node:util';
import { FREE_FORM_LIMITS } from '../../contracts/free-form-json.ts';
import { MAX_LICENCE_VERSION } from '../../contracts/case-vocabulary.ts';
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
  /** 1 as issued; each amendment seals the next. */
  version: number;
  /** Amended versions: the day (China) this version was sealed. */
  amendedOn?: string;
  /** Amended versions: the version this one supersedes and the SHA-256 (hex) of its sealed document's bytes. */
  supersedes?: { version: number; documentSha256: string };
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
    version: 1,
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

/** The most versions a licence has (the first issue and its amendments): its history is listed whole. */
export const MAX_LICENCE_VERSIONS = MAX_LICENCE_VERSION;
/** The most data fields a licence has after an amendment (as when it is issued), and their UTF-8 bytes as JSON. */
export const MAX_LICENCE_DATA_FIELDS = 100;
export const MAX_LICENCE_DATA_BYTES = FREE_FORM_LIMITS.licenceDataBytes;

/** What an amendment asks to change: the holder's name, data fields (each set to the value given). */
export interface LicenceChanges {
  holderName?: string | undefined;
  data?: Record<string, JsonValue> | undefined;
}

export interface AmendRequest {
  changes: LicenceChanges;
  reasons: string;
  /** The correction ticket (000 §30) the amendment answers, when there is one. */
  ticketId?: string | undefined;
}

/** One field an amendment changed: `holder.name` or `data.<field>`, its value before (absent: none) and after. */
export interface LicenceFieldChange {
  field: string;
  from?: JsonValue;
  to: JsonValue;
}

/** An amendment as the licence's history keeps it: what made version `version` from the one before. */
export interface LicenceAmendment {
  version: number;
  /** When it was asked (ISO instant) and the day in China. */
  at: string;
  on: string;
  by: string;
  departmentId: string;
  reasons: string;
  ticketId?: string;
  /** The changes as asked (a retry is told by them). */
  requested: LicenceChanges;
  /** The fields it changed, with the values before: the old value stays in the history. */
  changes: LicenceFieldChange[];
}

/**
 * Checks an amendment of `licence` (its newest version) and answers it as the history keeps it: only the
 * issuing department, of a licence not revoked, with reasons, changing at least one field; the data
 * after it within the bounds of an issued licence's. Sealing makes the version (`amendedLicence`).
 */
export function amendLicence(licence: Licence, actor: Caller, request: AmendRequest, at: string, today: string): LicenceAmendment {
  requireRole(actor, 'department');
  if (actor.departmentId !== licence.issuer) {
    throw forbidden(
      'LICENCE_DEPARTMENT_FORBIDDEN',
      '只有颁发该证照的部门可以更正',
      `only the issuing department ${licence.issuer} may amend licence ${licence.id}; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
    );
  }
  if (licence.revocation) {
    throw conflict('LICENCE_REVOKED', `证照已于${licence.revocation.on}撤销，不能更正`, `licence ${licence.id} was revoked on ${licence.revocation.on}: it cannot be amended`);
  }
  if (typeof request.reasons !== 'string' || request.reasons.trim() === '') {
    throw invalid('LICENCE_REASON_REQUIRED', 'reasons', '更正证照须说明理由', 'amending a licence needs its reasons');
  }
  if (licence.version >= MAX_LICENCE_VERSIONS) {
    throw conflict(
      'LICENCE_VERSIONS_EXHAUSTED',
      `证照已有${MAX_LICENCE_VERSIONS}个版本，不能再更正；请注销后重新颁发`,
      `licence ${licence.id} has ${MAX_LICENCE_VERSIONS} versions, the most a licence has`,
    );
  }
  const changes: LicenceFieldChange[] = [];
  const { holderName, data } = request.changes;
  if (holderName !== undefined) {
    if (holderName.trim() === '' || holderName !== holderName.trim()) {
      throw invalid('LICENCE_AMENDMENT_INVALID', 'changes.holderName', '持证人名称不能为空，也不能以空白开头或结尾', 'the holder name is blank or has surrounding white space');
    }
    if (holderName !== licence.holder.name) changes.push({ field: 'holder.name', from: licence.holder.name, to: holderName });
  }
  for (const [field, value] of Object.entries(data ?? {})) {
    if (!(field in licence.data)) changes.push({ field: `data.${field}`, to: value });
    else if (!isDeepStrictEqual(licence.data[field], value)) changes.push({ field: `data.${field}`, from: licence.data[field]!, to: value });
  }
  if (changes.length === 0) {
    throw invalid('LICENCE_AMENDMENT_EMPTY', 'changes', '更正内容与证照现有内容相同，没有需要更正的字段', `the changes asked leave licence ${licence.id} as it is`);
  }
  const merged = { ...licence.data, ...data };
  if (Object.keys(merged).length > MAX_LICENCE_DATA_FIELDS || Buffer.byteLength(JSON.stringify(merged), 'utf8') > MAX_LICENCE_DATA_BYTES) {
    throw invalid(
      'LICENCE_AMENDMENT_INVALID',
      'changes.data',
      `更正后证照数据超过上限（${MAX_LICENCE_DATA_FIELDS}个字段，${MAX_LICENCE_DATA_BYTES}字节）`,
      `after the changes the licence data would exceed ${MAX_LICENCE_DATA_FIELDS} fields or ${MAX_LICENCE_DATA_BYTES} bytes`,
    );
  }
  return {
    version: licence.version + 1,
    at,
    on: today,
    by: actor.name,
    departmentId: licence.issuer,
    reasons: request.reasons,
    ...(request.ticketId !== undefined ? { ticketId: request.ticketId } : {}),
    // As asked, without absent members: what a retry is compared with.
    requested: JSON.parse(JSON.stringify(request.changes)) as LicenceChanges,
    changes,
  };
}

/** Whether `amendment` is the one `request` by `actor` asks for (a retry of it). */
export function sameAmendment(amendment: LicenceAmendment, actor: Caller, request: AmendRequest): boolean {
  return (
    amendment.departmentId === actor.departmentId &&
    amendment.reasons === request.reasons &&
    amendment.ticketId === request.ticketId &&
    isDeepStrictEqual(amendment.requested, JSON.parse(JSON.stringify(request.changes)))
  );
}

/**
 * The content of the version `amendment` makes from `previous` (the newest sealed version, whose sealed
 * document's SHA-256 is `previousDocumentSha256`): what the seal will cover.
 */
export function amendedLicence(previous: Licence, amendment: LicenceAmendment, previousDocumentSha256: string): Licence {
  if (amendment.version !== previous.version + 1) {
    throw new Error(`amendment to version ${amendment.version} of licence ${previous.id} does not follow version ${previous.version}`);
  }
  const { revocation: _revocation, amendedOn: _amendedOn, supersedes: _supersedes, ...content } = previous;
  return {
    ...content,
    holder: amendment.requested.holderName !== undefined ? { ...previous.holder, name: amendment.requested.holderName } : previous.holder,
    data: { ...previous.data, ...amendment.requested.data },
    version: amendment.version,
    amendedOn: amendment.on,
    supersedes: { version: previous.version, documentSha256: previousDocumentSha256 },
  };
}
