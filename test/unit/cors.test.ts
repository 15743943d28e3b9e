// The API's answers to the console served from an origin of its own (CONSOLE_ORIGIN): every answer —
// success, refusal, internal error — carries Access-Control-Allow-Origin for that origin alone, exposes
// the response headers the routes set (Case-Entry, Idempotent-Replayed) and says it varies by Origin;
// without the variable (the embedded platform, a deployment without a console) none of them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { corsHeaders, errorResponse, internalError, jsonResponse } from '../../functions/http/http-errors.ts';
import { CONSOLE_ORIGIN_VARIABLE, corsExposedHeaders, corsRequestHeaders, methodsOfPath } from '../../shared/contracts/cors.ts';
import { CASE_ENTRY_HEADER, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, RESPONSE_HEADERS } from '../../shared/contracts/headers.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { invalid } from '../../shared/domain/errors.ts';

const ORIGIN = 'https://console.example.gov.cn';
const ROUTE_TABLE: readonly RouteSpec[] = ROUTES;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the CORS headers of the API functions', () => {
  it('are none without CONSOLE_ORIGIN (or with it empty)', () => {
    vi.stubEnv(CONSOLE_ORIGIN_VARIABLE, '');
    expect(corsHeaders()).toEqual({});
    expect(corsHeaders({})).toEqual({});
    expect(Object.keys(jsonResponse(200, {}).headers ?? {}).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it("name the console's origin on every answer, success or refusal, expose the routes' own response headers, and vary by Origin", () => {
    vi.stubEnv(CONSOLE_ORIGIN_VARIABLE, ORIGIN);
    const expected = { 'access-control-allow-origin': ORIGIN, 'access-control-expose-headers': 'Case-Entry, Idempotent-Replayed', vary: 'Origin' };
    expect(corsHeaders()).toEqual(expected);
    for (const response of [jsonResponse(201, { ok: true }), errorResponse(invalid('VALIDATION_FAILED', 'body', '请求参数有误', 'invalid body')), internalError('req-1')]) {
      expect(response.headers).toMatchObject({ ...expected, 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' });
    }
  });
});

describe('the headers the console sends and reads', () => {
  it("allow a signed call's headers and every header a route reads; expose every header a route sets", () => {
    expect(corsRequestHeaders()).toEqual(['Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256', 'Content-Type', IDEMPOTENCY_KEY_HEADER.name]);
    for (const route of ROUTE_TABLE) for (const h of route.headers ?? []) expect(corsRequestHeaders(), route.operationId).toContain(h.name);
    expect(corsExposedHeaders()).toEqual([CASE_ENTRY_HEADER.name, IDEMPOTENT_REPLAYED_HEADER.name]);
    // What every API function exposes (the headers' registry: a bundle carries its own routes only) is what the whole table sets.
    expect(RESPONSE_HEADERS.map((h) => h.name)).toEqual(corsExposedHeaders(ROUTE_TABLE));
  });

  it('give each path the methods of its routes', () => {
    for (const route of ROUTE_TABLE) expect(methodsOfPath(route.path), route.path).toContain(route.method);
    const path = ROUTE_TABLE[0]!.path;
    expect(methodsOfPath(path)).toEqual([...new Set(ROUTE_TABLE.filter((r) => r.path === path).map((r) => r.method))]);
  });
});
