// Correcting a case record (更正, 000 §30): the case's department sets wrong values right on a
// person's correction request (a ticket of kind correction) — the applicant's data, checked as the
// filing checks it, and the form's fields, the form within the filing's bounds. Whatever the status,
// after the archiving too: the bundle stays as it was archived (write-once), and the correction's
// entry after the archive entry is the addendum. The original is never lost: the filing's entry holds
// the record as filed, each correction — in the state's bounded `corrections` and in the entry that
// makes it — each field's value before and after, and the ticket it answers (the ticket's answer names
// the entry, checked by the tickets function: ticket-subjects.ts).
import { CORRECTABLE_APPLICANT_FIELDS, FORM_FIELD_PREFIX, MAX_CORRECTION_FIELDS, TICKET_ID_PATTERN } from '../../contracts/case-vocabulary.ts';
import { FREE_FORM_LIMITS } from '../../contracts/free-form-json.ts';
import { invalid } from '../errors.ts';
import { officerOf } from '../access/actor.ts';
import { assertCreditCode } from '../identifiers/credit-code.ts';
import { assertResidentId } from '../identifiers/resident-id.ts';
import { canonicalJson } from '../items/record-hash.ts';
import type { Applicant, CaseCorrection, CaseState, JsonValue } from './case-record.ts';
import type { Step, Steps } from './case-commands.ts';
import { checkPhone, requireField, requireTexts } from './case-checks.ts';
import { requireCorrectionLeft } from './case-limits.ts';

type ApplicantField = (typeof CORRECTABLE_APPLICANT_FIELDS)[keyof typeof CORRECTABLE_APPLICANT_FIELDS][number];

/** Each applicant field a correction may set: its longest value (the filing's schema) and the filing's check of it. */
const APPLICANT_CHECKS: Readonly<Record<ApplicantField, (kind: Applicant['kind']) => { max: number; check: (value: string, field: string, today: string) => void }>> = {
  'applicant.name': (kind) =>
    kind === 'person' ? { max: 100, check: (v, f) => requireField(v, f, '申请人姓名') } : { max: 200, check: (v, f) => requireField(v, f, '申请单位名称') },
  'applicant.residentId': () => ({ max: 18, check: (v, f, today) => assertResidentId(v, f, today) }),
  'applicant.creditCode': () => ({ max: 18, check: (v, f) => assertCreditCode(v, f) }),
  'applicant.phone': () => ({ max: 20, check: (v, f) => checkPhone(v, f) }),
  'applicant.contact.name': () => ({ max: 100, check: (v, f) => requireField(v, f, '联系人姓名') }),
  'applicant.contact.phone': () => ({ max: 20, check: (v, f) => checkPhone(v, f) }),
};

const correctStep: Step<'correct'> = (state, command, { next, today, ctx }) => {
  if (typeof command.ticketId !== 'string' || !TICKET_ID_PATTERN.test(command.ticketId)) {
    throw invalid(
      'CASE_CORRECTION_TICKET_INVALID',
      'ticketId',
      '请写明所答复的更正申请编号（32位十六进制）',
      'ticketId names the correction ticket answered: 32 lower-case hex digits',
    );
  }
  const corrections = command.corrections;
  if (!Array.isArray(corrections) || corrections.length === 0 || corrections.length > MAX_CORRECTION_FIELDS) {
    throw invalid(
      'CASE_CORRECTION_FIELD_UNKNOWN',
      'corrections',
      `请列明更正的字段及正确的值（1至${MAX_CORRECTION_FIELDS}项）`,
      `a correction sets 1 to ${MAX_CORRECTION_FIELDS} fields`,
    );
  }
  if (command.reasons !== undefined) requireTexts(command.reasons, 'reasons', '更正办件记录');
  requireCorrectionLeft(state);

  let applicant: Applicant = state.applicant;
  let form = state.form;
  const fields: CaseCorrection['fields'] = [];
  corrections.forEach(({ field, value }, i) => {
    const at = `corrections.${i}`;
    if (corrections.findIndex((c) => c.field === field) !== i) {
      throw invalid('CASE_CORRECTION_FIELD_DUPLICATE', `${at}.field`, `字段“${field}”重复更正`, `${field} is corrected twice in one correction`);
    }
    const before = field.startsWith(FORM_FIELD_PREFIX) ? formValue(form, field, at) : applicantValue(applicant, field, at);
    if (canonicalJson(before) === canonicalJson(value)) {
      throw invalid('CASE_CORRECTION_UNCHANGED', `${at}.value`, `字段“${field}”的值与现有记录相同，无需更正`, `${field} already holds that value: nothing to correct`);
    }
    if (field.startsWith(FORM_FIELD_PREFIX)) form = { ...form, [field.slice(FORM_FIELD_PREFIX.length)]: value };
    else applicant = withApplicantValue(applicant, field as ApplicantField, checkedApplicantValue(applicant.kind, field as ApplicantField, value, `${at}.value`, today));
    fields.push({ field, before, after: value });
  });
  checkFormSize(
    form,
    corrections.findLastIndex((c) => c.field.startsWith(FORM_FIELD_PREFIX)),
  );

  const correction: CaseCorrection = {
    ticketId: command.ticketId,
    entry: state.version + 1,
    fields,
    ...(command.reasons !== undefined ? { reasons: command.reasons } : {}),
    by: ctx.actor.name,
    ...officerOf(ctx.actor),
    on: today,
    ...(state.archive?.state === 'archived' ? { afterArchive: true as const } : {}),
  };
  return next({ applicant, form, corrections: [...(state.corrections ?? []), correction] });
};

/** The value of form field `form.<key>`: the key must be one the form has. */
function formValue(form: CaseState['form'], field: string, at: string): JsonValue {
  const key = field.slice(FORM_FIELD_PREFIX.length);
  if (!Object.hasOwn(form, key)) {
    throw invalid(
      'CASE_CORRECTION_FIELD_UNKNOWN',
      `${at}.field`,
      `申请表中没有字段“${key}”，只能更正已填写的字段`,
      `the form has no field "${key}": only a field it has can be corrected`,
    );
  }
  return form[key]!;
}

/** The value of an applicant's field a correction may set, for the applicant's kind. */
function applicantValue(applicant: Applicant, field: string, at: string): string {
  const allowed: readonly string[] = CORRECTABLE_APPLICANT_FIELDS[applicant.kind];
  if (!allowed.includes(field)) {
    throw invalid(
      'CASE_CORRECTION_FIELD_UNKNOWN',
      `${at}.field`,
      `“${field}”不是可更正的字段（可更正：${allowed.join('、')}，或 form.<字段名>）`,
      `"${field}" cannot be corrected for ${applicant.kind === 'person' ? 'a person' : 'an organisation'}: one of ${allowed.join(', ')}, or form.<key>`,
    );
  }
  const path = field.split('.').slice(1);
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], applicant) as string;
}

/** The right value of an applicant's field, checked as the filing checks it. */
function checkedApplicantValue(kind: Applicant['kind'], field: ApplicantField, value: JsonValue, at: string, today: string): string {
  const { max, check } = APPLICANT_CHECKS[field](kind);
  if (typeof value !== 'string' || value.length > max) {
    throw invalid('CASE_CORRECTION_VALUE_INVALID', at, `“${field}”的值应为不超过${max}个字符的文本`, `${field} is a string of at most ${max} characters`);
  }
  check(value, at, today);
  return value;
}

function withApplicantValue(applicant: Applicant, field: ApplicantField, value: string): Applicant {
  if (field === 'applicant.contact.name' || field === 'applicant.contact.phone') {
    if (applicant.kind !== 'organisation') throw new Error(`case correction: ${field} of a person`);
    return { ...applicant, contact: { ...applicant.contact, [field === 'applicant.contact.name' ? 'name' : 'phone']: value } };
  }
  return { ...applicant, [field.slice('applicant.'.length)]: value };
}

/** The corrected form within the filing's bounds (FREE_FORM_LIMITS.formBytes, counted in UTF-8 as DynamoDB counts it). */
function checkFormSize(form: CaseState['form'], last: number): void {
  if (last < 0) return;
  const bytes = new TextEncoder().encode(JSON.stringify(form)).length;
  if (bytes > FREE_FORM_LIMITS.formBytes) {
    throw invalid(
      'JSON_TOO_LARGE',
      `corrections.${last}.value`,
      `更正后的申请表为 ${bytes} 字节（UTF-8），超过上限 ${FREE_FORM_LIMITS.formBytes} 字节`,
      `the corrected form is ${bytes} bytes (UTF-8) where at most ${FREE_FORM_LIMITS.formBytes} are kept`,
    );
  }
}

export const CORRECTION_STEPS = {
  correct: correctStep,
} satisfies Partial<Steps>;
