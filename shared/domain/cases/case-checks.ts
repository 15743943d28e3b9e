// The checks and refusals the case steps share: applicants and phone numbers, materials against the
// item's rules, required texts, the open pause, and the errors for an action in the wrong status.
import { DomainError, conflict, invalid } from '../errors.ts';
import { assertCreditCode } from '../identifiers/credit-code.ts';
import { assertResidentId } from '../identifiers/resident-id.ts';
import type { Applicant, CaseAction, CaseMaterial, CaseState, CasePause, MaterialRule } from './case-record.ts';
import { CASE_STATUS_ZH as STATUS_ZH } from './case-record.ts';
import { ACTION_ZH } from './case-commands.ts';

export const FORM = 'form';
// Mainland mobile, mainland landline with area code, or an international number.
export const PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\+\d{6,15})$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function checkApplicant(applicant: Applicant, today: string): void {
  if (applicant.kind === 'person') {
    assertResidentId(applicant.residentId, 'applicant.residentId', today);
    requireField(applicant.name, 'applicant.name', '申请人姓名');
    checkPhone(applicant.phone, 'applicant.phone');
  } else if (applicant.kind === 'organisation') {
    assertCreditCode(applicant.creditCode, 'applicant.creditCode');
    requireField(applicant.name, 'applicant.name', '申请单位名称');
    requireField(applicant.contact?.name, 'applicant.contact.name', '联系人姓名');
    checkPhone(applicant.contact.phone, 'applicant.contact.phone');
  } else {
    throw invalid('CASE_APPLICANT_KIND_INVALID', 'applicant.kind', '申请人类型应为自然人或法人', 'the applicant is a person or an organisation');
  }
}

export function checkPhone(value: string, field: string): void {
  requireField(value, field, '联系电话');
  if (!PHONE.test(value)) {
    throw invalid('CASE_PHONE_INVALID', field, `联系电话“${value}”格式不正确`, `"${value}" is not a mobile, landline (with area code) or +international number`);
  }
}

export function requireField(value: string | undefined, field: string, what: string): void {
  if (isBlank(value)) throw invalid('CASE_FIELD_REQUIRED', field, `${what}不能为空`, `${field} is required`);
}

export function checkMaterials(materials: Record<string, CaseMaterial>, rules: readonly MaterialRule[]): void {
  for (const [name, material] of Object.entries(materials)) {
    const field = `materials.${name}`;
    const rule = rules.find((r) => r.name === name);
    if (!rule) throw unknownMaterial(name, field);
    if (material.kind === 'licence') {
      if (!rule.licenceType) {
        throw invalid(
          'CASE_LICENCE_NOT_ACCEPTED',
          field,
          `材料“${name}”不能以电子证照代替，请上传材料`,
          `the guide accepts no e-licence in place of "${name}"; upload the material`,
        );
      }
      if (isBlank(material.licenceId)) throw materialInvalid(`${field}.licenceId`, '电子证照标识不能为空', 'the licence identifier is empty');
    } else if (material.kind === 'upload') {
      if (isBlank(material.objectKey)) throw materialInvalid(`${field}.objectKey`, '材料文件标识不能为空', 'the object key is empty');
      if (!SHA256_HEX.test(material.sha256)) throw materialInvalid(`${field}.sha256`, 'SHA-256 摘要应为64位小写十六进制', 'sha256 is 64 lower-case hex characters');
      if (!Number.isSafeInteger(material.size) || material.size < 1) throw materialInvalid(`${field}.size`, '材料大小应为正整数字节', 'size is a positive whole number of bytes');
      if (isBlank(material.contentType)) throw materialInvalid(`${field}.contentType`, '材料格式不能为空', 'the content type is empty');
    } else {
      throw materialInvalid(`${field}.kind`, '材料应为上传文件或电子证照引用', 'a material is an upload or a licence reference');
    }
  }
}

/** The first required material not delivered and not in `pending`, in guide order. */
export function absentRequired(state: CaseState, pending: readonly string[] = []): string | undefined {
  return state.materialRules.find((r) => r.required && !Object.hasOwn(state.materials, r.name) && !pending.includes(r.name))?.name;
}

export function openPause(state: CaseState): CasePause | undefined {
  const last = state.pauses.at(-1);
  return last && last.to === undefined ? last : undefined;
}

export function requireText(value: string | undefined, field: string, what: string): void {
  if (isBlank(value)) throw invalid('CASE_REASON_REQUIRED', field, `${what}须说明理由`, `${field} is required`);
}

export function requireTexts(values: readonly string[] | undefined, field: string, what: string): void {
  if (!Array.isArray(values) || values.length === 0) throw invalid('CASE_REASONS_REQUIRED', field, `${what}须说明理由`, `${field} needs at least one reason`);
  values.forEach((v, i) => {
    if (isBlank(v)) throw invalid('CASE_REASONS_REQUIRED', `${field}.${i}`, `${what}的理由不能为空`, `${field}.${i} is empty`);
  });
}

export function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

export function unknownMaterial(name: string, field: string): DomainError {
  return invalid('CASE_MATERIAL_UNKNOWN', field, `“${name}”不是本事项办事指南列明的材料`, `"${name}" is not a material of the item's guide`);
}

export function materialInvalid(field: string, zh: string, en: string): DomainError {
  return invalid('CASE_MATERIAL_INVALID', field, zh, en);
}

export function illegal(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_ILLEGAL_TRANSITION',
    `办件当前状态为“${STATUS_ZH[state.status]}”，不能“${ACTION_ZH[action]}”`,
    `cannot ${action} case ${state.caseNo} in status ${state.status}`,
  );
}

export function closed(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_CLOSED',
    `办件状态为“${STATUS_ZH[state.status]}”，已经终结，不能再“${ACTION_ZH[action]}”`,
    `case ${state.caseNo} is ${state.status}, a final status; cannot ${action} it`,
  );
}

export function clockPaused(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_CLOCK_PAUSED',
    `办件正处于特别程序（计时暂停），不能“${ACTION_ZH[action]}”；请先恢复计时`,
    `case ${state.caseNo} is paused for a special procedure; resume it before you ${action}`,
  );
}

export function outOfOrder(state: CaseState, zh: string, en: string): DomainError {
  return conflict('CASE_DATE_OUT_OF_ORDER', zh, `case ${state.caseNo}: ${en}`);
}

export function checkAttachments(attachments: Record<string, CaseMaterial>): void {
  for (const [name, m] of Object.entries(attachments)) {
    const field = `attachments.${name}`;
    if (m?.kind !== 'upload') throw materialInvalid(`${field}.kind`, '意见附件应为上传文件', 'an attachment is an uploaded file');
    if (!SHA256_HEX.test(m.sha256)) throw materialInvalid(`${field}.sha256`, 'SHA-256 摘要应为64位小写十六进制', 'sha256 is 64 lower-case hex characters');
    if (!Number.isSafeInteger(m.size) || m.size < 1) throw materialInvalid(`${field}.size`, '附件大小应为正整数字节', 'size is a positive whole number of bytes');
  }
}
