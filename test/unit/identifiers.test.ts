import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors.ts';
import {
  CREDIT_CODE_ALPHABET,
  assertCreditCode,
  creditCodeCheckChar,
  isCreditCode,
  makeCreditCode,
  organizationCodeCheckChar,
} from '../../shared/domain/identifiers/credit-code.ts';
import { assertImplementationCode, isImplementationCodeFormat } from '../../shared/domain/identifiers/implementation-code.ts';
import { assertResidentId, isResidentId, residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';

describe('unified social credit code', () => {
  const example = '91350100M000100Y43';

  it('accepts the reference example and computes both of its check characters', () => {
    expect(isCreditCode(example)).toBe(true);
    expect(() => assertCreditCode(example, 'applicant.creditCode')).not.toThrow();
    expect(organizationCodeCheckChar('M000100Y')).toBe('4');
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('values organisation-code letters A=10 … Z=35, not by the credit-code alphabet', () => {
    // A registered company's code: with the credit-code alphabet's values (M=21, H=17, R=25, E=14,
    // U=27) the organisation check would be 6, not the 3 it carries.
    expect(organizationCodeCheckChar('MA5H8REU')).toBe('3');
    expect(isCreditCode('91440300MA5H8REU3K')).toBe(true);
  });

  it('maps organisation check values 10 to X and 11 to 0', () => {
    expect(organizationCodeCheckChar('00000006')).toBe('X');
    expect(organizationCodeCheckChar('00000000')).toBe('0');
    expect(isCreditCode(makeCreditCode('91110000', '00000006'))).toBe(true);
    expect(makeCreditCode('91110000', '00000006').charAt(16)).toBe('X');
  });

  it.each([
    ['', 0],
    ['91350100M000100Y4', 17],
    ['91350100M000100Y433', 19],
  ])('refuses %j for its length (%i)', (value, length) => {
    const error = caught(() => assertCreditCode(value, 'creditCode'));
    expect(error).toMatchObject({ code: 'INVALID_CREDIT_CODE', kind: 'invalid', field: 'creditCode' });
    expect(error.message).toContain(`got ${length}`);
    expect(error.messageZh).toContain(`实际为${length}位`);
    expect(isCreditCode(value)).toBe(false);
  });

  it.each(['I', 'O', 'S', 'V', 'Z', 'm', '-', '０'])('refuses the character %j and says where it is', (ch) => {
    const value = `91350100${ch}000100Y43`;
    const error = caught(() => assertCreditCode(value, 'creditCode'));
    expect(error).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'creditCode' });
    expect(error.message).toContain(`"${ch}" at position 9`);
    expect(error.messageZh).toContain('第9位');
  });

  it('refuses a code whose organisation check fails even when its 18th character was recomputed', () => {
    const first17 = '91350100M000100Y5';
    const value = first17 + creditCodeCheckChar(first17);
    const error = caught(() => assertCreditCode(value, 'creditCode'));
    expect(error.code).toBe('INVALID_CREDIT_CODE');
    expect(error.message).toContain('organisation code (positions 9-17)');
    expect(error.messageZh).toContain('组织机构代码');
  });

  it('refuses a code whose 18th character is wrong without revealing the expected one', () => {
    const error = caught(() => assertCreditCode('91350100M000100Y44', 'creditCode'));
    expect(error.code).toBe('INVALID_CREDIT_CODE');
    expect(error.message).toContain('position 18');
    expect(error.messageZh).toContain('第18位');
    expect(error.message).not.toContain('"3"');
  });

  it('generates codes that validate and catches any single-character change', () => {
    const random = seeded(20260101);
    for (let i = 0; i < 200; i++) {
      const region = String(110000 + Math.floor(random() * 540000));
      const code = makeCreditCode(pick(random, 2) + region, pick(random, 8));
      expect(code).toHaveLength(18);
      expect(isCreditCode(code)).toBe(true);
      const position = Math.floor(random() * 18);
      const original = code.charAt(position);
      const replacement = CREDIT_CODE_ALPHABET.replace(original, '').charAt(Math.floor(random() * 30));
      expect(isCreditCode(code.slice(0, position) + replacement + code.slice(position + 1))).toBe(false);
    }
  });

  it('refuses to make a code from parts that could not appear in one', () => {
    expect(caught(() => makeCreditCode('9135010', 'M000100Y'))).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'prefix8' });
    expect(caught(() => makeCreditCode('91350100', 'M000I00Y'))).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'orgBody8' });
    expect(caught(() => creditCodeCheckChar('91350100M000100Y'))).toMatchObject({ code: 'INVALID_CREDIT_CODE' });
    expect(caught(() => organizationCodeCheckChar('m000100y'))).toMatchObject({ code: 'INVALID_CREDIT_CODE' });
  });
});

describe('resident ID number', () => {
  const today = '2026-03-01';
  const withCheck = (first17: string): string => first17 + residentIdCheckChar(first17);

  it('accepts the reference example, with the default and an injected today', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(isResidentId('11010519491231002X')).toBe(true);
    expect(isResidentId('11010519491231002X', today)).toBe(true);
    expect(() => assertResidentId('11010519491231002X', 'applicant.idNumber', today)).not.toThrow();
  });

  it('accepts a person born today and on a leap day', () => {
    expect(isResidentId(withCheck('11010520260301001'), today)).toBe(true);
    expect(isResidentId(withCheck('11010520000229001'), today)).toBe(true);
    expect(isResidentId(withCheck('11010519000101001'), today)).toBe(true);
  });

  it.each([
    ['its length', '11010519491231002', 'has 18 characters, got 17'],
    ['the old 15-digit form', '110105491231002', 'got 15'],
    ['a letter among the first 17', '1101051949123100AX', 'position 17 is "A"'],
    ['a lower-case x', '11010519491231002x', 'digit or upper-case X, got "x"'],
    ['a birth date that does not exist', withCheck('11010519490230002'), '(19490230) is not a real calendar date'],
    ['the 29th of February 1900', withCheck('11010519000229002'), 'not a real calendar date'],
    ['month 13', withCheck('11010519491331002'), 'not a real calendar date'],
    ['a birth date before 1900', withCheck('11010518991231001'), '1899-12-31 in the resident ID number is before 1900'],
    ['a birth date after today', withCheck('11010520260302001'), '2026-03-02 in the resident ID number is after today (2026-03-01)'],
    ['a wrong check character', '110105194912310021', 'check character (position 18)'],
  ])('refuses %s', (_reason, value, message) => {
    const error = caught(() => assertResidentId(value, 'applicant.idNumber', today));
    expect(error).toMatchObject({ code: 'INVALID_RESIDENT_ID', kind: 'invalid', field: 'applicant.idNumber' });
    expect(error.message).toContain(message);
    expect(error.messageZh).toMatch(/身份证号码/);
    expect(isResidentId(value, today)).toBe(false);
  });

  it('refuses an injected today that is not a date', () => {
    expect(caught(() => isResidentId('11010519491231002X', '2026-02-30'))).toMatchObject({ code: 'INVALID_DATE', field: 'today' });
  });

  it('refuses to compute a check character from anything but 17 digits', () => {
    expect(caught(() => residentIdCheckChar('1101051949123100'))).toMatchObject({ code: 'INVALID_RESIDENT_ID' });
  });
});

describe('service-item implementation code', () => {
  const department = makeCreditCode('11350100', 'MB0001AB');
  const otherDepartment = makeCreditCode('11350100', 'MB0002AB');

  it('accepts the department credit code plus an item suffix, up to 36 characters', () => {
    for (const code of [`${department}1`, `${department}000001ABC`, department + 'Z'.repeat(18)]) {
      expect(isImplementationCodeFormat(code)).toBe(true);
      expect(() => assertImplementationCode(code, department, 'item.implementationCode')).not.toThrow();
    }
  });

  it.each([
    ['a bare credit code', () => department, 'got 18'],
    ['37 characters', () => department + '1'.repeat(19), 'got 37'],
    ['a lower-case letter', () => `${department}00a1`, 'position 21 is "a"'],
    ['a space', () => `${department} 001`, 'position 19 is " "'],
    ['an embedded credit code that fails its check', () => `${department.slice(0, 17)}${department.endsWith('1') ? '2' : '1'}0001`, 'check character (position 18)'],
    ['an embedded credit code with a letter credit codes never use', () => `I${department.slice(1)}0001`, '"I" at position 1'],
  ])('refuses %s', (_reason, make, message) => {
    const code = make();
    const error = caught(() => assertImplementationCode(code, department, 'item.implementationCode'));
    expect(error).toMatchObject({ code: 'INVALID_IMPLEMENTATION_CODE', kind: 'invalid', field: 'item.implementationCode' });
    expect(error.message).toContain(message);
    expect(error.messageZh).toContain('实施编码');
    expect(isImplementationCodeFormat(code)).toBe(false);
  });

  it('refuses a well-formed code of another department', () => {
    const code = `${otherDepartment}000001`;
    expect(isImplementationCodeFormat(code)).toBe(true);
    const error = caught(() => assertImplementationCode(code, department, 'item.implementationCode'));
    expect(error).toMatchObject({ code: 'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH', field: 'item.implementationCode' });
    expect(error.message).toContain(otherDepartment);
    expect(error.messageZh).toContain(department);
  });
});

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

// Deterministic, so a failure reproduces.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CREDIT_CODE_ALPHABET.charAt(Math.floor(random() * CREDIT_CODE_ALPHABET.length));
  return out;
}
