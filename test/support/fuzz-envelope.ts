// What the fuzzing test demands of every answer: never a 5xx; a success in the route's own response
// schema; every refusal in the platform's error envelope — `{ "error": { code, message, messageZh,
// field?, requestId?, issues? } }`, a registered code that some request can get, answered with its
// kind's status, documented for the route it reached (or common to all), an English message, a Chinese
// one, and the field wherever the input is at fault (400).
import { STATUS } from '../../functions/http/http-errors.ts';
import type { ErrorEntry } from '../../shared/contracts/error-codes.ts';
import { ERROR_REGISTRIES } from '../../shared/contracts/error-codes.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import { errorCodes, openApiDocument } from '../../shared/contracts/openapi.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import type { RawResponse } from './fuzz-http.ts';

/** What is wrong with an answer, by kind: the figures count them apart. */
export interface AnswerFault {
  kind: 'server-error' | 'envelope' | 'response-schema';
  detail: string;
}

const ENTRIES: ReadonlyMap<string, ErrorEntry> = new Map(Object.values(ERROR_REGISTRIES).flatMap((r) => Object.entries(r)));
const COMMON: ReadonlySet<string> = new Set(openApiDocument()['x-tongban-common-error-codes']);
/** The envelope as the OpenAPI document states it: the error's properties, and the ones it requires. */
const ERROR_SCHEMA = (openApiDocument().components.schemas.Error as { properties: { error: { properties: object; required: string[] } } }).properties.error;
const ERROR_KEYS: ReadonlySet<string> = new Set(Object.keys(ERROR_SCHEMA.properties));
const CJK = /[\u3400-\u9fff]/;

/** The status a registered code is answered with (undefined: no such code). */
function statusOf(code: string): number | undefined {
  const gateway: unknown = Reflect.get(GATEWAY_ERRORS, code);
  if (typeof gateway === 'object' && gateway !== null) return Reflect.get(gateway, 'status') as number;
  const entry = ENTRIES.get(code);
  if (entry === undefined) return undefined;
  return STATUS[typeof entry === 'string' ? entry : entry.kind];
}

/**
 * The faults of one answer to a request that reached `route` (undefined: the path matched no route,
 * so only the common codes apply).
 */
export function answerFaults(route: RouteSpec | undefined, res: RawResponse): AnswerFault[] {
  if (res.status >= 500 || res.status < 200) return [{ kind: 'server-error', detail: `status ${res.status}: ${res.text.slice(0, 300)}` }];
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [{ kind: res.status < 300 ? 'response-schema' : 'envelope', detail: `status ${res.status}, a body that is not JSON: ${JSON.stringify(res.text.slice(0, 200))}` }];
  }
  if (!/^application\/json\b/.test(res.contentType)) return [{ kind: 'envelope', detail: `content-type ${res.contentType}` }];
  if (res.status < 300) {
    if (!route) return [{ kind: 'response-schema', detail: `status ${res.status} from no route` }];
    const parsed = route.response.safeParse(body);
    return parsed.success
      ? []
      : [
          {
            kind: 'response-schema',
            detail: `${route.operationId}: ${parsed.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; ')}`,
          },
        ];
  }
  return envelopeFaults(route, res.status, body).map((detail) => ({ kind: 'envelope', detail }));
}

function envelopeFaults(route: RouteSpec | undefined, status: number, body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [`status ${status}: the body is not an object`];
  const keys = Object.keys(body);
  const error: unknown = Reflect.get(body, 'error');
  if (keys.length !== 1 || typeof error !== 'object' || error === null || Array.isArray(error))
    return [`status ${status}: the body is not { error: {…} } (keys ${keys.join(', ')})`];
  const faults: string[] = [];
  const e = error as Record<string, unknown>;
  const code = e.code;
  const extra = Object.keys(e).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length > 0) faults.push(`keys the OpenAPI Error schema does not have: ${extra.join(', ')}`);
  const missing = ERROR_SCHEMA.required.filter((k) => e[k] === undefined);
  if (missing.length > 0) faults.push(`keys the OpenAPI Error schema requires missing: ${missing.join(', ')}`);
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) return [...faults, `code ${JSON.stringify(code)} is not a stable English code`];
  const expected = statusOf(code);
  if (expected === undefined) faults.push(`${code} is not a registered code`);
  else if (expected !== status) faults.push(`${code} answered with ${status}, its kind's status is ${expected}`);
  const entry = ENTRIES.get(code);
  if (typeof entry === 'object') faults.push(`${code} is registered as never answered (${entry.notAnswered})`);
  const documented: readonly string[] = route ? errorCodes(route) : [];
  if (!COMMON.has(code) && !documented.includes(code)) faults.push(`${code} is not documented for ${route?.operationId ?? '(no route)'}`);
  if (typeof e.message !== 'string' || e.message.trim() === '') faults.push(`${code}: no English message`);
  if (typeof e.messageZh !== 'string' || !CJK.test(e.messageZh)) faults.push(`${code}: no Chinese message (${JSON.stringify(e.messageZh)})`);
  if (e.field !== undefined && (typeof e.field !== 'string' || e.field === '')) faults.push(`${code}: field ${JSON.stringify(e.field)}`);
  if (status === 400 && code !== 'MALFORMED_REQUEST' && e.field === undefined) faults.push(`${code}: a refusal of the input (400) without its field`);
  if (e.requestId !== undefined && (typeof e.requestId !== 'string' || e.requestId === '')) faults.push(`${code}: requestId ${JSON.stringify(e.requestId)}`);
  if (e.issues !== undefined) {
    const ok =
      Array.isArray(e.issues) &&
      e.issues.every((i) => typeof i === 'object' && i !== null && ['field', 'message', 'messageZh'].every((k) => typeof Reflect.get(i, k) === 'string'));
    if (!ok) faults.push(`${code}: malformed issues`);
  }
  return faults.map((f) => `status ${status}: ${f}`);
}
