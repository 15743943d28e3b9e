// Free-form JSON on the wire (an application form, a corrected form, an e-licence's data fields) and
// the keys of the records a request names (materials, attachments): checked for what DynamoDB and its
// SDK can store, so a value nobody can keep is refused at the edge with a 400, its field and its code,
// instead of failing the write (a 500) after the checks that came before it.
// - Numbers: DynamoDB keeps 38 digits between 1E-130 and 9.99E+125, and the SDK refuses to write a
//   number beyond ±(2^53 − 1) (it could not read it back exactly). JSON gives JavaScript doubles: a
//   number is storable when it is finite, at most 2^53 − 1 in magnitude, and 0 or at least 1E-130.
//   9007199254740993 (read as 2^53), 1e308 and 1e-300 are not.
// - Keys: the SDK decides what to write by an object's `constructor` (an own key of that name makes a
//   plain object unwritable, or a Set); `__proto__` is refused as well.
// - Depth: an item nests its attributes at most 32 levels deep, and a form sits a few levels down in
//   the items that keep it; a free-form value nests at most 16.
// - Size: counted in UTF-8 bytes, as DynamoDB counts an item: a form at most 64 KiB.
import * as z from 'zod';
import type { CodeOfKind } from './error-codes.ts';

export const FREE_FORM_LIMITS = {
  /** The deepest a free-form value may nest (its own arrays and objects). */
  maxDepth: 16,
  /** An application form, or a corrected one, in UTF-8 bytes of its JSON. */
  formBytes: 64 * 1024,
  /** An e-licence's data fields, in UTF-8 bytes of their JSON. */
  licenceDataBytes: 16 * 1024,
  /** The smallest magnitude DynamoDB stores (besides 0). */
  minMagnitude: 1e-130,
} as const;

/** Object keys no stored object may have: the SDK reads `constructor` to tell an object's type. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['constructor', '__proto__']);

/** Whether DynamoDB (through the SDK) stores `n` as it is. */
export function isStorableNumber(n: number): boolean {
  if (!Number.isFinite(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER) return false;
  return n === 0 || Math.abs(n) >= FREE_FORM_LIMITS.minMagnitude;
}

/** The refusal a free-form check raises: its code, and its message in English and Chinese. */
interface Refusal {
  code: CodeOfKind<'invalid'> & `JSON_${string}`;
  message: string;
  messageZh: string;
}

type Issues = { addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[]; params: { code: Refusal['code']; messageZh: string } }): void };

function refuse(ctx: Issues, path: PropertyKey[], refusal: Refusal): void {
  ctx.addIssue({ code: 'custom', message: refusal.message, path, params: { code: refusal.code, messageZh: refusal.messageZh } });
}

/**
 * The refusal a free-form check put on a zod issue (its `params`), for the edge to answer with its own
 * code instead of VALIDATION_FAILED.
 */
export function refusalOf(issue: { code: string; params?: unknown }): { code: CodeOfKind<'invalid'>; messageZh: string } | undefined {
  if (issue.code !== 'custom' || typeof issue.params !== 'object' || issue.params === null) return undefined;
  const code: unknown = Reflect.get(issue.params, 'code');
  const messageZh: unknown = Reflect.get(issue.params, 'messageZh');
  return typeof code === 'string' && isFreeFormCode(code) && typeof messageZh === 'string' ? { code, messageZh } : undefined;
}

const FREE_FORM_CODES: ReadonlySet<string> = new Set<Refusal['code']>(['JSON_NUMBER_UNSUPPORTED', 'JSON_KEY_RESERVED', 'JSON_TOO_DEEP', 'JSON_TOO_LARGE']);
const isFreeFormCode = (code: string): code is Refusal['code'] => FREE_FORM_CODES.has(code);

function reservedKey(key: string): Refusal {
  return { code: 'JSON_KEY_RESERVED', message: `the key "${key}" cannot be stored`, messageZh: `键名“${key}”为保留字，不能使用` };
}

/** A record key that no stored object may have is refused (JSON_KEY_RESERVED). */
export function checkKeys(value: Record<string, unknown>, ctx: Issues): void {
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key)) {
      refuse(ctx, [key], reservedKey(key));
    }
  }
}

/**
 * Checks a free-form value: its size in UTF-8 bytes, then each number, key and level of nesting,
 * walked without recursion; the first refusal of each kind is enough to answer.
 */
export function checkFreeForm(maxBytes: number): (value: unknown, ctx: Issues) => void {
  return (value, ctx) => {
    const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
    if (bytes > maxBytes) {
      refuse(ctx, [], {
        code: 'JSON_TOO_LARGE',
        message: `${bytes} bytes (UTF-8) where at most ${maxBytes} are kept`,
        messageZh: `内容为 ${bytes} 字节（UTF-8），超过上限 ${maxBytes} 字节`,
      });
      return;
    }
    const stack: [unknown, PropertyKey[]][] = [[value, []]];
    while (stack.length > 0) {
      const [node, path] = stack.pop()!;
      if (typeof node === 'number' && !isStorableNumber(node)) {
        refuse(ctx, path, {
          code: 'JSON_NUMBER_UNSUPPORTED',
          message: `the number ${node} cannot be stored exactly (finite, at most 2^53 - 1 in magnitude, and 0 or at least 1E-130)`,
          messageZh: `数值 ${node} 无法精确保存（须为有限数，绝对值不超过 2^53-1，且为 0 或不小于 1E-130）`,
        });
        return;
      }
      if (typeof node !== 'object' || node === null) continue;
      if (path.length >= FREE_FORM_LIMITS.maxDepth) {
        refuse(ctx, path, { code: 'JSON_TOO_DEEP', message: `nested deeper than ${FREE_FORM_LIMITS.maxDepth} levels`, messageZh: `嵌套层级超过 ${FREE_FORM_LIMITS.maxDepth} 层` });
        return;
      }
      if (Array.isArray(node)) {
        node.forEach((item, i) => stack.push([item, [...path, i]]));
        continue;
      }
      for (const [key, item] of Object.entries(node)) {
        if (RESERVED_KEYS.has(key)) {
          refuse(ctx, [...path, key], reservedKey(key));
          return;
        }
        stack.push([item, [...path, key]]);
      }
    }
  };
}

/** A free-form record (a form, licence data) whose keys are at most `maxKey` characters and whose JSON is at most `maxBytes` UTF-8 bytes. */
export function freeFormRecord<V extends z.ZodType>(value: V, maxKey: number, maxBytes: number) {
  return z.record(z.string().max(maxKey), value).superRefine(checkFreeForm(maxBytes));
}
