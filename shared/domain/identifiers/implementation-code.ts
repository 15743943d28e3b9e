// Implementation code of a service item (实施编码, GB/T 39554.1-2020): at most 36 characters, beginning
// with the implementing department's unified social credit code. The structure after the credit code
// is not confirmed (see STANDARDS.md), so only length, alphabet and the embedded credit code are
// checked; we require a non-empty suffix because a bare credit code names a department, not an item.

import { DomainError, invalid } from '../errors.ts';
import { assertCreditCode } from './credit-code.ts';

export const IMPLEMENTATION_CODE_MIN_LENGTH = 19;
export const IMPLEMENTATION_CODE_MAX_LENGTH = 36;

/** Length, alphabet and embedded credit code are right; says nothing about which department. */
export function isImplementationCodeFormat(code: string): boolean {
  return formatProblem(code) === undefined;
}

/**
 * Throws `INVALID_IMPLEMENTATION_CODE` on `field` if `code` is malformed, and
 * `IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH` if it does not begin with `departmentId`, the implementing
 * department's unified social credit code.
 */
export function assertImplementationCode(code: string, departmentId: string, field: string): void {
  const problem = formatProblem(code);
  if (problem) throw invalid('INVALID_IMPLEMENTATION_CODE', field, problem.zh, problem.en);
  const embedded = code.slice(0, 18);
  if (embedded !== departmentId) {
    throw invalid(
      'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH',
      field,
      `实施编码中的统一社会信用代码${embedded}不是实施部门（${departmentId}）的代码`,
      `the implementation code embeds credit code ${embedded}, not that of the implementing department (${departmentId})`,
    );
  }
}

interface Problem {
  zh: string;
  en: string;
}

function formatProblem(code: string): Problem | undefined {
  const [min, max] = [IMPLEMENTATION_CODE_MIN_LENGTH, IMPLEMENTATION_CODE_MAX_LENGTH];
  if (code.length < min || code.length > max) {
    return {
      zh: `实施编码应为${min}-${max}位（统一社会信用代码加事项编号），实际为${code.length}位`,
      en: `an implementation code has ${min}-${max} characters (credit code plus item suffix), got ${code.length}`,
    };
  }
  const bad = /[^0-9A-Z]/.exec(code);
  if (bad) {
    return {
      zh: `实施编码只能由数字和大写字母组成，第${bad.index + 1}位为“${bad[0]}”`,
      en: `an implementation code holds only digits and upper-case letters; position ${bad.index + 1} is "${bad[0]}"`,
    };
  }
  try {
    assertCreditCode(code.slice(0, 18), 'code');
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    // Reuse the credit-code diagnosis so the message says exactly what is wrong with the first 18.
    return {
      zh: `实施编码前18位应为实施部门的统一社会信用代码：${e.messageZh}`,
      en: `the first 18 characters of an implementation code must be the department's credit code: ${e.message}`,
    };
  }
  return undefined;
}
