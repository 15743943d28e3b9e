// The OpenAPI 3.1 document, generated from the route table and the very zod schemas that validate
// requests (OpenAPI 3.1 uses JSON Schema 2020-12, which zod emits natively).
import * as z from 'zod';
import type { ErrorCode } from './error-codes.ts';
import type { RouteSpec } from './routes.ts';
import { API_VERSION } from './platform-routes.ts';
import { ROUTES } from './routes.ts';

export { API_VERSION };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  'x-tongban-common-error-codes': ErrorCode[];
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

export function openApiDocument(): OpenApiDocument {
  const schemas = new NamedSchemas();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tongban (通办) API',
      version: API_VERSION,
      description:
        'Integrated online government-service platform. Every operation but the public ones needs an AWS SigV4 signature (service `execute-api`). Errors: `{ "error": { "code", "message", "messageZh", "field", "requestId", "issues" } }` (`field` where one is at fault, `issues` when the schemas refused the request).',
    },
    paths,
    // Answers any request can get, whatever its route.
    'x-tongban-common-error-codes': [
      'ROUTE_NOT_FOUND',
      'METHOD_NOT_ALLOWED',
      'HOST_UNKNOWN',
      'SIGNATURE_QUERY_UNSUPPORTED',
      'HEADERS_TOO_LARGE',
      'MALFORMED_REQUEST',
      'REQUEST_BLOCKED',
      'REQUEST_REFUSED',
      'GATEWAY_ERROR',
      'INTERNAL_ERROR',
    ],
    components: {
      schemas: {
        ...schemas.used(),
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'messageZh', 'requestId'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', description: 'stable, for programs' },
                message: { type: 'string', description: 'English' },
                messageZh: { type: 'string', description: 'Chinese, for people' },
                field: { type: 'string', description: 'the offending field, dotted' },
                requestId: { type: 'string', description: 'the request, as the logs name it' },
                issues: {
                  type: 'array',
                  description: "a request its route's schemas refuse (VALIDATION_FAILED, JSON_*): every issue found, the first one the code's field",
                  items: {
                    type: 'object',
                    required: ['field', 'message', 'messageZh'],
                    additionalProperties: false,
                    properties: { field: { type: 'string' }, message: { type: 'string' }, messageZh: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      securitySchemes: {
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'AWS Signature Version 4, service execute-api', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
    },
  };
}

/**
 * Schemas with a zod `id` become components, once as they are read (requests: `<id>Input`, where
 * defaults make fields optional) and once as they are written (responses: `<id>`); only the ones
 * some operation reaches are kept.
 */
class NamedSchemas {
  private readonly all: Record<string, Record<string, unknown>> = {};
  private readonly reached = new Set<string>();

  constructor() {
    for (const io of ['input', 'output'] as const) {
      const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io, uri: (id) => `#/components/schemas/${componentName(id, io)}`, unrepresentable: 'any' });
      for (const [id, schema] of Object.entries(schemas)) {
        const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
        this.all[componentName(id, io)] = rest;
      }
    }
  }

  /**
   * JSON Schema for `schema`: a `$ref` to its component when it is named; inline otherwise (parameter
   * objects, written out by `inline`, hold no named schemas: the OpenAPI test checks every `$ref` resolves).
   */
  toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
    const id = z.globalRegistry.get(schema)?.id;
    const json = id
      ? { $ref: `#/components/schemas/${componentName(id, io)}` }
      : (({ $schema: _s, ...rest }) => rest)(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }));
    this.reach(json);
    return json;
  }

  /** JSON Schema for `schema` written out, even when it is named (its members' named schemas stay `$ref`s). */
  inline(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) return this.toSchema(schema, io);
    const json = this.all[componentName(id, io)] ?? {};
    this.reach(json);
    return json;
  }

  used(): Record<string, unknown> {
    return Object.fromEntries([...this.reached].sort().map((name) => [name, this.all[name]]));
  }

  private reach(node: unknown): void {
    if (Array.isArray(node)) return node.forEach((n) => this.reach(n));
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!this.reached.has(name) && this.all[name]) {
          this.reached.add(name);
          this.reach(this.all[name]);
        }
      } else this.reach(v);
    }
  }
}

/**
 * Every code a route can answer with: its domain refusals and the edge's own (functions/http and the
 * gateway), so that a client can rely on the list.
 */
export function errorCodes(route: RouteSpec): ErrorCode[] {
  const edge: ErrorCode[] = [
    ...(route.auth === 'iam' ? SIGNED_ROUTE_ERRORS : []),
    ...(route.params || route.query || route.body ? INPUT_ERRORS : []),
    ...(route.body ? BODY_ERRORS : []),
  ];
  return [...new Set([...route.errors, ...edge])];
}

/** The gateway's and the edge's refusals of a signed request: its signature, the caller's IAM policy, principal and role, the rate. */
const SIGNED_ROUTE_ERRORS: readonly ErrorCode[] = [
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_SCOPE_INVALID',
  'SIGNATURE_EXPIRED',
  'SIGNATURE_UNKNOWN_KEY',
  'SIGNATURE_MISMATCH',
  'ROUTE_FORBIDDEN',
  'PRINCIPAL_UNKNOWN',
  'OFFICER_REQUIRED',
  'ROLE_FORBIDDEN',
  'THROTTLED',
];
/** The edge's refusal of parameters, a query or a body its route's schemas refuse. */
const INPUT_ERRORS: readonly ErrorCode[] = ['VALIDATION_FAILED'];
/** The edge's (and the gateway's) refusals of a body it cannot read. */
const BODY_ERRORS: readonly ErrorCode[] = ['BODY_REQUIRED', 'MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'JSON_KEY_RESERVED'];

function componentName(id: string, io: 'input' | 'output'): string {
  return io === 'input' ? `${id}Input` : id;
}

function operation(route: RouteSpec, schemas: NamedSchemas): Record<string, unknown> {
  const parameters = [
    ...objectParameters(route.params, 'path', schemas),
    ...objectParameters(route.query, 'query', schemas),
    ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } })),
  ];
  const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.roles ? { 'x-tongban-roles': route.roles } : {}),
    ...(errorCodes(route).length > 0 ? { 'x-tongban-error-codes': errorCodes(route) } : {}),
    security: route.auth === 'iam' ? [{ sigv4: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.toSchema(route.body, 'input') } } } } : {}),
    responses: {
      [String(route.successStatus ?? 200)]: {
        description: 'success',
        ...(route.responseHeaders ? { headers: Object.fromEntries(route.responseHeaders.map((h) => [h.name, { description: h.description, schema: { type: 'string' } }])) } : {}),
        content: { 'application/json': { schema: schemas.toSchema(route.response, 'output') } },
      },
      ...(route.auth === 'iam' || route.body || route.params || route.query ? { '400': errorResponse, '403': errorResponse } : {}),
      ...(route.params ? { '404': errorResponse } : {}),
      ...(route.method !== 'GET' ? { '409': errorResponse, '413': errorResponse } : {}),
      ...(route.errors.includes('DEADLINE_CALENDAR_MISSING') ? { '422': errorResponse } : {}),
      ...(route.auth === 'iam' ? { '429': errorResponse } : {}),
    },
  };
}

/**
 * A path's or a query's object as one parameter a member. Its members are read from the object itself,
 * named or not: a named one (StatisticsQuery…) would otherwise be a `$ref`, with no members to list.
 */
function objectParameters(schema: z.ZodType | undefined, location: 'path' | 'query', schemas: NamedSchemas) {
  if (!schema) return [];
  const json = schemas.inline(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
