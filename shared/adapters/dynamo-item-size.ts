// The size of a DynamoDB item as DynamoDB counts it against its 400 KB item limit — one function for
// the stores, which measure every item before they write it, and for the embedded DynamoDB (dynalite),
// which refuses an item over the limit with it (infra/local/local-dynamodb.ts), so that what the tests
// see refused is what AWS refuses. The rules (Amazon DynamoDB Developer Guide, "DynamoDB item sizes and
// formats"): the item is the sum of its attributes' names and values, each name and string in UTF-8
// bytes (dynalite counts UTF-16 units: a Chinese character is 1 there, 3 here); a binary value its raw
// bytes; a number 1 byte plus 1 per two significant digits (as dynalite places them: a byte more when
// the digits' pairs fall across the decimal point, and one for the sign); null and Boolean 1 byte;
// sets the sum of their members; a list or map 3 bytes, plus 1 byte per element and, in a map, each
// key's UTF-8 bytes.

/** DynamoDB's largest item, in bytes (400 KB). */
export const ITEM_LIMIT_BYTES = 400 * 1024;

/** An attribute value as the SDK writes it (binary as bytes) or as it travels (binary base64-encoded). */
export interface AttributeValueLike {
  S?: string;
  N?: string;
  B?: Uint8Array | string;
  SS?: string[];
  NS?: string[];
  BS?: (Uint8Array | string)[];
  M?: Record<string, AttributeValueLike>;
  L?: AttributeValueLike[];
  NULL?: boolean;
  BOOL?: boolean;
}

/** An item in DynamoDB's own form (attribute name → typed value), sized as DynamoDB sizes it. */
export function attributeItemBytes(item: Record<string, AttributeValueLike>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += utf8(name) + attributeBytes(value);
  return bytes;
}

/**
 * A plain item, sized as DynamoDB sizes what the document client makes of it (removeUndefinedValues:
 * undefined members and list elements left out; strings S, numbers N, booleans BOOL, null NULL, bytes
 * B, arrays L, objects M, Sets SS/NS/BS). What the stores check every item with before writing it.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) if (kept(value)) bytes += utf8(name) + plainBytes(value);
  return bytes;
}

function attributeBytes(value: AttributeValueLike): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + binaryBytes(b), 0);
  if (value.L !== undefined) return value.L.reduce((sum, element) => sum + 1 + attributeBytes(element), CONTAINER_BYTES);
  if (value.M !== undefined) return Object.entries(value.M).reduce((sum, [key, element]) => sum + 1 + utf8(key) + attributeBytes(element), CONTAINER_BYTES);
  // NULL, BOOL
  return 1;
}

function plainBytes(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(String(value));
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Set) return [...(value as Set<unknown>)].reduce<number>((sum, member) => sum + plainBytes(member), 0);
  if (Array.isArray(value)) return value.reduce<number>((sum, element) => (kept(element) ? sum + 1 + plainBytes(element) : sum), CONTAINER_BYTES);
  return Object.entries(value as Record<string, unknown>).reduce((sum, [key, element]) => (kept(element) ? sum + 1 + utf8(key) + plainBytes(element) : sum), CONTAINER_BYTES);
}

/** A list's or map's own bytes, whatever it holds. */
const CONTAINER_BYTES = 3;

function kept(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function';
}

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function binaryBytes(b: Uint8Array | string): number {
  return typeof b === 'string' ? Buffer.from(b, 'base64').length : b.length;
}

/**
 * A number's bytes: its significant digits in pairs (base 100), aligned on the decimal point, plus one
 * byte, and one more for a negative number. Zero is 1 byte.
 */
export function numberBytes(n: string): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return 1 + Math.ceil(n.length / 2);
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  let digits = whole + fraction;
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading).replace(/0+$/, '');
  if (digits === '') return 1;
  // The power of ten of the first significant digit.
  const power = whole.length - leading - 1 + Number(exponent);
  const count = digits.length;
  return 1 + Math.ceil(count / 2) + (count % 2 === 1 || power % 2 !== 0 ? 0 : 1) + (sign === '-' ? 1 : 0);
}
