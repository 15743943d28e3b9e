// The OpenAPI 3.1 document, generated from the route table and the very zod schemas that validate
// requests (OpenAPI 3.1 uses JSON Schema 2020-12, which zod emits natively).
import { z } from 'zod';
import type { RouteSpec } from './routes.ts';
import { ROUTES } from './routes.ts';

export const API_VERSION = '0.1.0';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

export function openApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of ROUTES as readonly RouteSpec[]) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tongban (通办) API',
      version: API_VERSION,
      description:
        'Integrated online government-service platform. Every operation but the public ones needs an AWS SigV4 signature (service `execute-api`). Errors: `{ "error": { "code", "message", "messageZh", "field" } }`.',
    },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'messageZh'],
              properties: {
                code: { type: 'string', description: 'stable, for programs' },
                message: { type: 'string', description: 'English' },
                messageZh: { type: 'string', description: 'Chinese, for people' },
                field: { type: 'string', description: 'the offending field, dotted' },
                requestId: { type: 'string' },
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

function operation(route: RouteSpec): Record<string, unknown> {
  const parameters = [
    ...objectParameters(route.params, 'path'),
    ...objectParameters(route.query, 'query'),
  ];
  const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.roles ? { 'x-tongban-roles': route.roles } : {}),
    ...(route.errors.length > 0 ? { 'x-tongban-error-codes': route.errors } : {}),
    security: route.auth === 'iam' ? [{ sigv4: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } }
      : {}),
    responses: {
      [String(route.successStatus ?? 200)]: { description: 'success', content: { 'application/json': { schema: toSchema(route.response, 'output') } } },
      ...(route.auth === 'iam' || route.body || route.params || route.query ? { '400': errorResponse, '403': errorResponse } : {}),
      ...(route.params ? { '404': errorResponse } : {}),
      ...(route.method !== 'GET' ? { '409': errorResponse, '413': errorResponse } : {}),
    },
  };
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function objectParameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
