// The request headers routes read, each with what a valid value is and the refusal when it is
// missing or not: the edge (functions/http/api-handler.ts) checks them once, before any operation.
import type { CodeOfKind } from './error-codes.ts';

/** A request header a route reads: what a valid value is, and the refusal when it is missing or not. */
export interface HeaderSpec {
  /** As documented and sent (HTTP header names are case-insensitive). */
  name: string;
  /** Lower-cased: the name the operation reads it under. */
  key: string;
  required: boolean;
  description: string;
  pattern: RegExp;
  missing: { code: CodeOfKind<'invalid'>; messageZh: string; message: string };
  invalid: { code: CodeOfKind<'invalid'>; messageZh: string; message: string };
  /**
   * The header must be among the signed ones (the SigV4 `SignedHeaders`), so that a captured request
   * replayed with another value fails its signature: refused with this otherwise.
   */
  unsigned?: { code: CodeOfKind<'invalid'>; messageZh: string; message: string };
}

/**
 * The filing's Idempotency-Key: one unique value per application, the same on every retry; printable
 * ASCII without spaces (a UUID, a ULID or any client token of reasonable length).
 */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  key: 'idempotency-key',
  required: true,
  description: 'one unique value per application (1-128 printable ASCII), the same on every retry',
  pattern: /^[\x21-\x7e]{1,128}$/,
  missing: {
    code: 'IDEMPOTENCY_KEY_REQUIRED',
    messageZh: '提交办件须带 Idempotency-Key 请求头（每份申请一个唯一值，重试时不变）',
    message: 'filing needs an Idempotency-Key header: one unique value per application, the same on every retry',
  },
  invalid: {
    code: 'IDEMPOTENCY_KEY_INVALID',
    messageZh: '幂等键应为1-128个可见ASCII字符（不含空格）',
    message: 'the Idempotency-Key is 1 to 128 printable ASCII characters without spaces',
  },
  // A filing replayed within the signature's 15 minutes with a new key would make a new case.
  unsigned: {
    code: 'IDEMPOTENCY_KEY_UNSIGNED',
    messageZh: 'Idempotency-Key 请求头须参与签名（列入 SigV4 的 SignedHeaders）',
    message: 'the Idempotency-Key header must be signed (listed in the SigV4 SignedHeaders)',
  },
} as const satisfies HeaderSpec;

/**
 * A case action's Idempotency-Key: the filing's, optional. Checked alike (its pattern, and among the
 * signed headers when present); per caller and case: the same key with the same request answers the
 * first attempt's result, with another request it is refused (IDEMPOTENCY_KEY_REUSED).
 */
export const ACTION_IDEMPOTENCY_KEY_HEADER = {
  ...IDEMPOTENCY_KEY_HEADER,
  required: false,
  description:
    'optional: one unique value per action (1-128 printable ASCII, signed), the same on every retry. A retry answers what the first attempt did (200, `Idempotent-Replayed: true`, its `Case-Entry`); the same key with another request is refused (409 IDEMPOTENCY_KEY_REUSED)',
} as const satisfies HeaderSpec;

/** A response header a route sets: its name as sent, and what it says. */
export interface ResponseHeaderSpec {
  name: string;
  /** Lower-cased, as the edge sets it. */
  key: string;
  description: string;
}

/** The history entry an action wrote. */
export const CASE_ENTRY_HEADER = {
  name: 'Case-Entry',
  key: 'case-entry',
  description:
    "the number of the history entry the action wrote (on a replay: the first attempt's); the case answered may be at a later version, after what followed it (the seal…)",
} as const satisfies ResponseHeaderSpec;

/** Set on the answer to an action found done under its Idempotency-Key. */
export const IDEMPOTENT_REPLAYED_HEADER = {
  name: 'Idempotent-Replayed',
  key: 'idempotent-replayed',
  description: '`true` when an earlier attempt with this Idempotency-Key did the action (nothing was done again): the body is the case as it now stands',
} as const satisfies ResponseHeaderSpec;

/**
 * Every response header a route may set (a route's `responseHeaders` are among these): what the API
 * functions expose to the console's origin, each function alike, whichever routes it serves.
 */
export const RESPONSE_HEADERS = [CASE_ENTRY_HEADER, IDEMPOTENT_REPLAYED_HEADER] as const;
