// Resident identity card number (居民身份证号码, GB 11643-1999): 6-digit region code, 8-digit birth
// date, 3-digit sequence, and an ISO 7064 MOD 11-2 check character (a digit or X).
//
// Only the 18-character form is accepted: 15-character numbers were replaced by 2013 and carry no
// check character. The region code is not checked against GB/T 2260: old codes stay valid on cards
// issued before a region was renamed, so a list would wrongly refuse real people. A lower-case x is
// refused rather than silently upper-cased, because the value is stored and compared as given.

import { assertIsoDate, chinaDate, isIsoDate } from '../calendar/china-date.ts';
import { invalid } from '../errors.ts';

/** The 18th character of a resident ID whose first 17 characters are `first17` (all digits). */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw invalid('INVALID_RESIDENT_ID', undefined, '计算身份证校验码需要17位数字', `computing a resident ID check character needs 17 digits, got "${first17}"`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * WEIGHTS[i]!;
  return CHECK_CHARS.charAt(sum % 11);
}

/** `today` is the China calendar date birth dates may not pass; tests inject it. */
export function isResidentId(s: string, today: string = chinaDate(new Date())): boolean {
  return residentIdProblem(s, today) === undefined;
}

/** Throws `INVALID_RESIDENT_ID` on `field`, saying which rule `value` breaks. */
export function assertResidentId(value: string, field: string, today: string = chinaDate(new Date())): void {
  const problem = residentIdProblem(value, today);
  if (problem) throw invalid('INVALID_RESIDENT_ID', field, problem.zh, problem.en);
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH_DATE = '1900-01-01';

interface Problem {
  zh: string;
  en: string;
}

// As for credit codes, a check mismatch does not reveal the expected character: the typo is
// usually elsewhere.
function residentIdProblem(s: string, today: string): Problem | undefined {
  assertIsoDate(today, 'today');
  if (s.length !== 18) {
    return {
      zh: `身份证号码应为18位，实际为${s.length}位`,
      en: `a resident ID number has 18 characters, got ${s.length}`,
    };
  }
  const bad = /[^0-9]/.exec(s.slice(0, 17));
  if (bad) {
    return {
      zh: `身份证号码前17位只能是数字，第${bad.index + 1}位为“${bad[0]}”`,
      en: `the first 17 characters of a resident ID number are digits; position ${bad.index + 1} is "${bad[0]}"`,
    };
  }
  const last = s.charAt(17);
  if (!/^[0-9X]$/.test(last)) {
    return {
      zh: `身份证号码第18位只能是数字或大写字母X，实际为“${last}”`,
      en: `the 18th character of a resident ID number is a digit or upper-case X, got "${last}"`,
    };
  }
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (!isIsoDate(birth)) {
    return {
      zh: `身份证号码第7-14位的出生日期${s.slice(6, 14)}不是真实日期`,
      en: `the birth date in positions 7-14 (${s.slice(6, 14)}) is not a real calendar date`,
    };
  }
  if (birth < EARLIEST_BIRTH_DATE) {
    return {
      zh: `身份证号码中的出生日期${birth}早于1900年`,
      en: `the birth date ${birth} in the resident ID number is before 1900`,
    };
  }
  if (birth > today) {
    return {
      zh: `身份证号码中的出生日期${birth}晚于今天（${today}）`,
      en: `the birth date ${birth} in the resident ID number is after today (${today})`,
    };
  }
  if (residentIdCheckChar(s.slice(0, 17)) !== last) {
    return {
      zh: '身份证号码第18位校验码不正确，请核对整个号码',
      en: 'the check character (position 18) of the resident ID number does not match; verify the whole number',
    };
  }
  return undefined;
}
