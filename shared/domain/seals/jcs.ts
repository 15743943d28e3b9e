// The JSON Canonicalization Scheme (RFC 8785): one byte sequence per JSON value, so that a sealed
// document can be reproduced and verified byte for byte by anyone, in any language. Object members
// are sorted by their names' UTF-16 code units, recursively; numbers are written as ECMAScript writes
// them (Number::toString: 4.50 → 4.5, 1E30 → 1e+30, -0 → 0); strings with the minimal JSON escapes
// (\" \\ \b \f \n \r \t, other controls as \u00xx); no whitespace. Only JSON data is accepted:
// undefined, NaN, Infinity, bigint, functions, class instances and lone surrogates are refused, never
// dropped or coerced (a seal over a silently changed document would verify the wrong thing).
//
// Not `canonicalJson` (items/record-hash.ts), which builds objects again with Object.fromEntries: a
// JavaScript object lists integer-like names ("9", "10") first and in numeric order, not in code-unit
// order ("10" < "9"), which RFC 8785 requires.

export class NotJsonError extends TypeError {}

/** The RFC 8785 canonical form of `value`, a JSON value. */
export function canonicalize(value: unknown): string {
  return write(value, '$');
}

/** The canonical form as UTF-8 bytes: what is signed and hashed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(`${path}: ${value} is not a JSON number`);
      // ECMAScript's Number::toString, which RFC 8785 adopts; JSON.stringify writes -0 as 0.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new NotJsonError(`${path}: a ${value.constructor?.name ?? 'class instance'} is not a JSON object`);
      const names = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${names.map((n) => `${writeString(n, path)}:${write((value as Record<string, unknown>)[n], `${path}.${n}`)}`).join(',')}}`;
    }
    default:
      throw new NotJsonError(`${path}: ${typeof value} is not a JSON value`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function writeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new NotJsonError(`${path}: a string with a lone surrogate cannot be written as UTF-8`);
  // JSON.stringify's escapes are exactly RFC 8785's (ECMAScript's QuoteJSONString).
  return JSON.stringify(s);
}
