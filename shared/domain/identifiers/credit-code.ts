// Unified social credit code (统一社会信用代码, GB 32100-2015), the identifier of every legal person
// and implementing department. Layout: position 1 registration authority, 2 organisation category,
// 3-8 administrative region, 9-17 organisation code (GB 11714-1997: 8-character body + its own check
// character), 18 overall check character.
//
// Both checks are enforced: a typo in positions 9-16 is usually caught by either, but the organisation
// check also catches codes whose 18th character was "repaired" by someone who recomputed only that.
// We checked the organisation rule on the reference example 91350100M000100Y43: its organisation code
// is M000100Y4, and with letters valued A=10 … Z=35 (GB 11714's mapping) Σ = M(22)·3 + 1·5 + Y(34)·2 =
// 139, 139 mod 11 = 7, 11 − 7 = 4 = position 17. Surprise: valuing letters by the credit-code alphabet
// instead (M=21, Y=30) gives Σ = 128, also ≡ 7 mod 11, so the example cannot tell the two readings
// apart. Real codes of registered companies whose organisation codes hold letters after H (e.g.
// 91440300MA5H8REU3K, 91440300MA5DLQQW0F, 91110108MA01G0FB09, all with a correct 18th character) pass
// only with A=10 … Z=35, so that is the mapping used here.
// Positions 1-8 (authority, category and region codes) are not checked against their code lists: the
// lists change over time and a wrong region would still produce a valid check character.

import { invalid } from '../errors.ts';

/** The 31 characters a credit code may contain, in value order (I, O, S, V, Z never appear). */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The 18th character of a credit code whose first 17 characters are `first17`. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17 || illegalCharIndex(first17) !== -1) {
    throw invalid(
      'INVALID_CREDIT_CODE',
      undefined,
      '计算统一社会信用代码校验位需要17位合法字符',
      `computing a credit code check character needs 17 legal characters, got "${first17}"`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += charValue(first17, i) * CREDIT_CODE_WEIGHTS[i]!;
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * The check character (position 17 of a credit code) of an organisation code whose 8-character body is
 * `body8` (GB 11714: characters 0-9A-Z, letters A=10 … Z=35; 10 → X, 11 → 0).
 */
export function organizationCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) {
    throw invalid(
      'INVALID_CREDIT_CODE',
      undefined,
      '计算组织机构代码校验位需要8位数字或大写字母',
      `computing an organisation code check character needs 8 digits or upper-case letters, got "${body8}"`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8.charAt(i), 36) * ORGANIZATION_CODE_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function isCreditCode(s: string): boolean {
  return creditCodeProblem(s) === undefined;
}

/** Throws `INVALID_CREDIT_CODE` on `field`, saying which rule `value` breaks. */
export function assertCreditCode(value: string, field: string): void {
  const problem = creditCodeProblem(value);
  if (problem) throw invalid('INVALID_CREDIT_CODE', field, problem.zh, problem.en);
}

/**
 * Completes a credit code from its first 8 characters (authority, category, region) and the 8-character
 * organisation code body, adding the organisation check character and the final check character.
 * For sample data and tests; real codes are issued by registration authorities.
 */
export function makeCreditCode(prefix8: string, orgBody8: string): string {
  for (const [name, part] of [
    ['prefix8', prefix8],
    ['orgBody8', orgBody8],
  ] as const) {
    if (part.length !== 8 || illegalCharIndex(part) !== -1) {
      throw invalid(
        'INVALID_CREDIT_CODE',
        name,
        `${name} 须为8位数字或大写字母（不含I、O、S、V、Z）`,
        `${name} must be 8 digits or upper-case letters other than I, O, S, V, Z; got "${part}"`,
      );
    }
  }
  const first17 = prefix8 + orgBody8 + organizationCodeCheckChar(orgBody8);
  return first17 + creditCodeCheckChar(first17);
}

// 3^(i-1) mod 31 for positions 1-17.
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORGANIZATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

interface Problem {
  zh: string;
  en: string;
}

// The messages do not reveal the expected check character: a mismatch usually means a typo elsewhere,
// and "fixing" the check character would turn a mistyped code into a valid-looking wrong one.
function creditCodeProblem(s: string): Problem | undefined {
  if (s.length !== 18) {
    return {
      zh: `统一社会信用代码应为18位，实际为${s.length}位`,
      en: `a unified social credit code has 18 characters, got ${s.length}`,
    };
  }
  const bad = illegalCharIndex(s);
  if (bad !== -1) {
    const ch = s.charAt(bad);
    return {
      zh: `统一社会信用代码第${bad + 1}位的字符“${ch}”不合法：只能是数字或大写字母，且不含I、O、S、V、Z`,
      en: `character "${ch}" at position ${bad + 1} is not allowed in a unified social credit code ` + '(digits and upper-case letters except I, O, S, V, Z)',
    };
  }
  if (organizationCodeCheckChar(s.slice(8, 16)) !== s.charAt(16)) {
    return {
      zh: '统一社会信用代码第9-17位（组织机构代码）校验不通过，请核对第9-17位',
      en: 'the organisation code (positions 9-17) of the unified social credit code fails its check; verify them',
    };
  }
  if (creditCodeCheckChar(s.slice(0, 17)) !== s.charAt(17)) {
    return {
      zh: '统一社会信用代码第18位校验码不正确，请核对整个代码',
      en: 'the check character (position 18) of the unified social credit code does not match; verify the whole code',
    };
  }
  return undefined;
}

function illegalCharIndex(s: string): number {
  for (let i = 0; i < s.length; i++) if (!CREDIT_CODE_ALPHABET.includes(s.charAt(i))) return i;
  return -1;
}

function charValue(s: string, i: number): number {
  return CREDIT_CODE_ALPHABET.indexOf(s.charAt(i));
}
