import { describe, expect, it } from 'vitest';
import type { ErrorEntry } from '../../shared/contracts/error-codes.ts';
import { ERROR_REGISTRIES } from '../../shared/contracts/error-codes.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import { API_VERSION, openApiDocument } from '../../shared/contracts/openapi.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { ImplementationCodeSchema, ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import { errorResponse } from '../../functions/http/http-errors.ts';
import { DomainError } from '../../shared/domain/errors.ts';

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  security: Json[];
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
  'x-tongban-roles'?: string[];
}

const routes = ROUTES as readonly RouteSpec[];
const doc = openApiDocument();
const operationOf = (route: RouteSpec) => doc.paths[route.path]?.[route.method.toLowerCase()] as Operation | undefined;
const routeById = (id: string) => routes.find((r) => r.operationId === id)!;

/** The value a JSON Pointer (`#/a/b`) designates in `root`, or undefined. */
function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const tokens = ref
    .slice(1)
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object' || !(token in node)) return undefined;
    node = (node as Json)[token];
  }
  return node;
}

/** Every `$ref` in `node`, with the JSON path where it occurs. */
function refs(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Json).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refs(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

/**
 * Follows `$ref`s from `schema` for reading its constraints: from the document root first, then from
 * the schema resource it sits in. (Whether every reference resolves from the root, as OpenAPI 3.1
 * requires, is a test of its own below.)
 */
function follow(schema: Json, resource: Json): Json {
  let node = schema;
  for (let hops = 0; typeof node.$ref === 'string' && hops < 10; hops++) {
    const ref = node.$ref;
    node = (pointer(doc, ref) ?? pointer(resource, ref)) as Json;
    if (!node) throw new Error(`cannot resolve ${ref}`);
  }
  return node;
}
const prop = (schema: Json, resource: Json, name: string) => follow((follow(schema, resource).properties as Record<string, Json>)[name]!, resource);

function bodySchema(operationId: string): Json {
  const body = operationOf(routeById(operationId))?.requestBody;
  expect(body?.required).toBe(true);
  return body!.content['application/json']!.schema;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1.0 with the API version', () => {
    // Assess
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(API_VERSION);
    expect(doc.info.title).toContain('Tongban');
  });

  it('has every route of the route table, and nothing else', () => {
    // Act
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${(op as Operation).operationId}`),
    );

    // Assess
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
  });

  it('asks no signature on public routes and SigV4 on all others', () => {
    // Assess
    expect(doc.components.securitySchemes).toHaveProperty('sigv4');
    for (const route of routes) {
      expect(operationOf(route)?.security, route.operationId).toEqual(route.auth === 'public' ? [] : [{ sigv4: [] }]);
    }
    expect(
      routes
        .filter((r) => r.auth === 'public')
        .map((r) => r.operationId)
        .sort(),
    ).toEqual(['getPublicStatistics', 'getStatisticsDocument', 'health', 'openapi', 'sealKeys']);
  });

  it('lists the roles that may call each signed route', () => {
    // Assess
    for (const route of routes.filter((r) => r.roles)) {
      expect(operationOf(route)?.['x-tongban-roles'], route.operationId).toEqual(route.roles);
    }
  });

  it('declares every {param} of a path as a required path parameter, and no other', () => {
    // Assess
    for (const route of routes) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operationOf(route)?.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), `${route.method} ${route.path}`).toEqual(inPath.sort());
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('documents the list query: all optional, limit 1-100 with default 20', () => {
    // Act
    const params = operationOf(routeById('listItems'))?.parameters ?? [];
    const limit = params.find((p) => p.name === 'limit');

    // Assess
    expect(params.map((p) => [p.name, p.in, p.required])).toEqual([
      ['department', 'query', false],
      ['type', 'query', false],
      ['state', 'query', false],
      ['limit', 'query', false],
      ['cursor', 'query', false],
    ]);
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
  });

  it('gives every route with a body a required JSON request body, and the others none', () => {
    // Assess
    for (const route of routes) {
      const body = operationOf(route)?.requestBody;
      if (route.body) expect(Object.keys(body?.content ?? {}), route.operationId).toEqual(['application/json']);
      else expect(body, route.operationId).toBeUndefined();
    }
  });

  it('carries the zod constraints of the service guide into the request bodies', () => {
    // Prepare
    const create = bodySchema('createItem');
    const guide = prop(create, create, 'guide');
    const timeLimits = prop(guide, create, 'timeLimits');
    const zodTimeLimits = ServiceGuideSchema.shape.timeLimits.shape;

    // Assess
    expect(prop(timeLimits, create, 'promisedDays')).toMatchObject({ type: 'integer', minimum: 0, maximum: 365 });
    expect(prop(timeLimits, create, 'statutoryDays')).toMatchObject({ type: 'integer', minimum: 1, maximum: 365 });
    expect([zodTimeLimits.promisedDays.minValue, zodTimeLimits.promisedDays.maxValue]).toEqual([0, 365]);
    expect(prop(guide, create, 'implementationCode')).toMatchObject({ type: 'string', pattern: '^[0-9A-Z]{19,36}$' });
    expect(prop(guide, create, 'departmentId')).toMatchObject({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' });
    expect(follow(guide, create).additionalProperties).toBe(false);
    expect((follow(guide, create).required as string[]).sort()).toEqual(
      Object.entries(ServiceGuideSchema.shape)
        .filter(([, s]) => !s.safeParse(undefined).success)
        .map(([k]) => k)
        .sort(),
    );
  });

  it('documents an implementation-code pattern that accepts and refuses what the zod schema does', () => {
    // Prepare
    const create = bodySchema('createItem');
    const pattern = new RegExp(prop(prop(create, create, 'guide'), create, 'implementationCode').pattern as string);
    const samples = ['11530100015283010X000117001000', '1'.repeat(18), '1'.repeat(19), 'A'.repeat(36), 'A'.repeat(37), 'abc0000000000000000000', '1153010001528301 X00011', ''];

    // Assess
    for (const sample of samples) expect(pattern.test(sample), sample).toBe(ImplementationCodeSchema.safeParse(sample).success);
  });

  it('documents the review decision and the edit base version as the schemas define them', () => {
    // Prepare
    const review = bodySchema('reviewItem');
    const edit = bodySchema('editItem');

    // Assess
    expect(prop(review, review, 'decision')).toMatchObject({ enum: ['publish', 'return'] });
    expect(prop(edit, edit, 'baseVersion')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(follow(review, review).required).toEqual(['baseVersion', 'decision']);
  });

  it('answers errors with the shared Error schema', () => {
    // Assess
    for (const route of routes.filter((r) => r.auth === 'iam')) {
      const forbidden = operationOf(route)?.responses['403']?.content?.['application/json']?.schema;
      expect(forbidden, route.operationId).toEqual({ $ref: '#/components/schemas/Error' });
    }
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error'] });
  });

  it('states the envelope the edge answers, every key of it: a refusal of the schemas carries its issues, every refusal its request id (the fuzzing test found issues undocumented)', () => {
    // Prepare: the error schema, and the answer to a body its route's schema refuses
    const error = (doc.components.schemas.Error as { properties: { error: { properties: Json; required: string[]; additionalProperties: boolean } } }).properties.error;
    const issue = { field: 'guide.name', message: 'Too small', messageZh: '太短' };
    const answer = errorResponse(
      new DomainError({ code: 'VALIDATION_FAILED', kind: 'invalid', field: 'guide.name', message: 'invalid body', messageZh: '请求参数有误' }),
      'req-1',
      [issue],
    );

    // Act
    const { error: body } = JSON.parse(answer.body) as { error: Json };

    // Assess
    expect(error.additionalProperties).toBe(false);
    expect(Object.keys(body).filter((k) => !(k in error.properties))).toEqual([]);
    expect(error.required.filter((k) => !(k in body))).toEqual([]);
    expect(error.required).toContain('requestId');
    expect(error.properties.issues).toMatchObject({ type: 'array', items: { required: ['field', 'message', 'messageZh'] } });
  });

  it('survives a JSON round trip unchanged', () => {
    // Act
    const text = JSON.stringify(doc);

    // Assess
    expect(JSON.parse(text)).toEqual(doc);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
  });

  it('resolves every $ref from the document root, as OpenAPI 3.1 resolves them', () => {
    // Prepare: in OpenAPI 3.1 a Schema Object without `$id` has the document's base URI (JSON Schema
    // 2020-12 resolves `$ref` against the base URI), so "#/…" points into the OpenAPI document itself,
    // not into whichever embedded schema happens to carry a `$defs`.
    const all = refs(doc);

    // Act
    const dangling = [...new Set(all.filter(({ ref }) => pointer(doc, ref) === undefined).map(({ ref }) => ref))].sort();

    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(dangling).toEqual([]);
  });
});

describe('error codes', () => {
  const documented = new Set<string>([
    ...doc['x-tongban-common-error-codes'],
    ...routes.flatMap((r) => (operationOf(r)?.['x-tongban-error-codes' as keyof Operation] as string[]) ?? []),
  ]);
  /** Every registered code with its entry: the modules' registries, then the gateway's (all of which API Gateway or the embedded gateway answers). */
  const registered = [
    ...Object.values(ERROR_REGISTRIES).flatMap((registry) =>
      Object.entries(registry).map(([code, entry]: [string, ErrorEntry]) => ({ code, notAnswered: typeof entry === 'string' ? undefined : entry.notAnswered })),
    ),
    ...Object.keys(GATEWAY_ERRORS).map((code) => ({ code, notAnswered: undefined })),
  ];

  it('documents every code the platform can answer with, on its routes or as common to all', () => {
    // Act: codes raised outside any request (calendar data checked when a calendar is built, the
    // system's own actions, guards…) are declared so in their registry, each with the reason.
    const undocumented = registered.filter((c) => c.notAnswered === undefined && !documented.has(c.code)).map((c) => c.code);

    // Assess
    expect(registered.length).toBeGreaterThan(100); // the registries are read: every module's codes
    expect(registered.map((c) => c.code)).toContain('ITEM_PROMISED_EXCEEDS_STATUTORY');
    expect(undocumented).toEqual([]);
  });

  it('documents no code declared never answered, and says of each why no request gets it', () => {
    // Act
    const notAnswered = registered.filter((c) => c.notAnswered !== undefined);

    // Assess
    expect(notAnswered.map((c) => c.code)).toEqual(
      expect.arrayContaining(['INVALID_CALENDAR_DATA', 'CLOCK_PAUSE_OVERLAP', 'CASE_NOT_YET_DEEMED', 'SEAL_KEY_MISSING', 'CASE_NOT_ENDED']),
    );
    expect(notAnswered.filter((c) => documented.has(c.code)).map((c) => c.code)).toEqual([]);
    for (const c of notAnswered) expect(c.notAnswered!.length, c.code).toBeGreaterThan(20);
  });

  it('documents registered codes only', () => {
    // Assess: the route table's types refuse any other; the document is checked as what it is, data
    const codes = new Set(registered.map((c) => c.code));
    expect([...documented].filter((c) => !codes.has(c))).toEqual([]);
  });
});
