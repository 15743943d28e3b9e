// The refusals of a request as such, whatever its route's domain: the edge's own checks of its body
// and declared headers (functions/http, shared/contracts/headers.ts), a list's cursor (the stores,
// shared/adapters/query-cursor.ts), and the answer to a request the platform failed.
import type { ErrorRegistry } from './registry.ts';

export const REQUEST_ERRORS = {
  VALIDATION_FAILED: 'invalid',
  BODY_REQUIRED: 'invalid',
  MALFORMED_JSON: 'invalid',
  UNSUPPORTED_MEDIA_TYPE: 'invalid',
  IDEMPOTENCY_KEY_REQUIRED: 'invalid',
  IDEMPOTENCY_KEY_INVALID: 'invalid',
  IDEMPOTENCY_KEY_UNSIGNED: 'invalid',
  INVALID_CURSOR: 'invalid',
  // A free-form value (a form, licence data) or a record key DynamoDB cannot store (free-form-json.ts).
  JSON_NUMBER_UNSUPPORTED: 'invalid',
  JSON_KEY_RESERVED: 'invalid',
  JSON_TOO_DEEP: 'invalid',
  JSON_TOO_LARGE: 'invalid',
  INTERNAL_ERROR: 'internal',
} as const satisfies ErrorRegistry;
