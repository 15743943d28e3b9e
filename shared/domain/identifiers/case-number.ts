// Case numbers (办件编号). The platform draws `<yyyymmdd><10 of 0-9A-Z>` at filing: the China date of
// filing, then 10 characters of 36 (51 random bits and a bit more), so numbers sort by filing day and
// cannot be guessed. What it reads — a route's path, an invocation, a stored key — is any case number
// of 1-64 letters, digits and hyphens (room for numbers other systems hand over), checked here once.
import { randomInt } from 'node:crypto';
import { CASE_NO_PATTERN } from '../../contracts/case-vocabulary.ts';
import { chinaDate } from '../calendar/china-date.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function isCaseNo(value: unknown): value is string {
  return typeof value === 'string' && CASE_NO_PATTERN.test(value);
}

/** A new case number filed at `now`: its China date, then ten random characters of 0-9A-Z. */
export function newCaseNo(now: Date): string {
  let tail = '';
  for (let i = 0; i < 10; i++) tail += ALPHABET.charAt(randomInt(ALPHABET.length));
  return `${chinaDate(now).replaceAll('-', '')}${tail}`;
}
