// Every route of the API, once. The CDK API stack builds its resources and methods from this table,
// the embedded server routes with it, the handlers validate with its schemas and the OpenAPI
// document is generated from it: one list, so the four cannot drift apart.
import { z } from 'zod';
import {
  CreateItemRequestSchema,
  EditItemRequestSchema,
  ItemCodeParamsSchema,
  ItemListSchema,
  ItemVersionParamsSchema,
  ItemVersionSchema,
  ListItemsQuerySchema,
  PublicStateSchema,
  ReviewRequestSchema,
  ServiceGuideSchema,
  SuspendRequestSchema,
  SuspensionSchema,
  TerminateRequestSchema,
  VersionedActionRequestSchema,
} from './service-item.ts';

/** The Lambda functions behind the API; each is a folder under functions/. */
export type FunctionName = 'catalogue' | 'platform' | 'cases';

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT';
  /** API Gateway resource path, `{name}` for path parameters. */
  path: string;
  function: FunctionName;
  /** `public` routes answer unsigned requests; everything else needs SigV4 (IAM). */
  auth: 'iam' | 'public';
  summary: string;
  /** Roles that may call the route at all; finer rules (own department…) are the domain's. */
  roles?: readonly ('platform' | 'department' | 'channel' | 'auditor')[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  successStatus?: 200 | 201;
  /**
   * The domain's refusals this route can answer with. The edge's own (validation, JSON, signature,
   * role) are added to the OpenAPI document for every route they apply to.
   */
  errors: readonly string[];
}

export const PublishedItemSchema = z
  .object({
    code: z.string(),
    publishedVersion: z.int(),
    publishedAt: z.iso.datetime(),
    latestVersion: z.int().optional().meta({ description: 'newest version: for the item\'s department and reviewers only' }),
    departmentName: z.string().optional().meta({ description: 'the implementing department\'s name from the directory' }),
    publicState: PublicStateSchema,
    effectivePublicState: PublicStateSchema,
    suspension: SuspensionSchema.optional(),
    guide: ServiceGuideSchema,
  })
  .meta({ id: 'PublishedItem' });

export const UploadSlotRequestSchema = z
  .object({
    contentType: z.string().min(1).max(100).meta({ description: 'application/pdf, application/ofd, image/jpeg or image/png' }),
    size: z.int().min(1).meta({ description: 'bytes; at most the platform limit (default 50 MB)' }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'SHA-256 of the file, lower-case hex' }),
  })
  .strict()
  .meta({ id: 'UploadSlotRequest' });

export const UploadSlotSchema = z
  .object({
    objectKey: z.string().meta({ description: 'what the filing names as the material' }),
    method: z.literal('PUT'),
    url: z.string().meta({ description: 'presigned S3 URL' }),
    headers: z.record(z.string(), z.string()).meta({ description: 'send exactly these headers: they are signed' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'UploadSlot' });

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

const anyone = ['platform', 'department', 'channel', 'auditor'] as const;
const ITEM_WRITE_ERRORS = ['ITEM_NOT_FOUND', 'ITEM_DEPARTMENT_FORBIDDEN', 'ITEM_VERSION_CONFLICT', 'ITEM_ILLEGAL_TRANSITION', 'ITEM_TERMINATED'];
/** What shared/domain/items/guide-rules.ts refuses in a service guide. */
const GUIDE_ERRORS = [
  'INVALID_CREDIT_CODE',
  'INVALID_IMPLEMENTATION_CODE',
  'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH',
  'ITEM_PROMISED_EXCEEDS_STATUTORY',
  'ITEM_MATERIAL_TOLERABLE_NOT_REQUIRED',
  'ITEM_MATERIAL_DUPLICATE',
  'ITEM_FEE_BASIS_MISSING',
  'ITEM_FEE_ITEMS_UNCHARGED',
  'ITEM_UNKNOWN_CO_DEPARTMENT',
  'ITEM_CO_DEPARTMENT_IS_LEAD',
  'ITEM_CO_DEPARTMENT_DUPLICATE',
  'ITEM_CO_DEPARTMENT_LIMIT_EXCEEDS_PROMISED',
];
const GUIDE_CHANGE_ERRORS = [...ITEM_WRITE_ERRORS, ...GUIDE_ERRORS, 'ITEM_CODE_MISMATCH', 'ITEM_DEPARTMENT_CHANGE'];

export const ROUTES = [
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    function: 'platform',
    auth: 'public',
    summary: 'Liveness: answers without a signature and reveals no data',
    response: HealthSchema,
    errors: [],
  },
  {
    operationId: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'platform',
    auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    response: z.object({ openapi: z.string() }).loose(),
    errors: [],
  },
  {
    operationId: 'listItems',
    method: 'GET',
    path: '/v1/items',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: 'Published items (the catalogue), or with `state` the items in progress',
    query: ListItemsQuerySchema,
    response: ItemListSchema,
    errors: ['INVALID_CURSOR', 'ITEM_DEPARTMENT_FORBIDDEN', 'LIST_FILTER_UNSUPPORTED'],
  },
  {
    operationId: 'createItem',
    method: 'POST',
    path: '/v1/items',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Draft a new item of the caller\'s own department (version 1, draft)',
    body: CreateItemRequestSchema,
    response: ItemVersionSchema,
    successStatus: 201,
    errors: [...GUIDE_ERRORS, 'ITEM_DEPARTMENT_FORBIDDEN', 'ITEM_EXISTS'],
  },
  {
    operationId: 'getItem',
    method: 'GET',
    path: '/v1/items/{code}',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: 'The current published version, with today\'s public state',
    params: ItemCodeParamsSchema,
    response: PublishedItemSchema,
    errors: ['ITEM_NOT_PUBLISHED'],
  },
  {
    operationId: 'editItem',
    method: 'PUT',
    path: '/v1/items/{code}',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Change a draft or returned item: appends a new draft version',
    params: ItemCodeParamsSchema,
    body: EditItemRequestSchema,
    response: ItemVersionSchema,
    errors: [...GUIDE_CHANGE_ERRORS, 'ITEM_VERSION_PUBLISHED'],
  },
  {
    operationId: 'getItemVersion',
    method: 'GET',
    path: '/v1/items/{code}/versions/{n}',
    function: 'catalogue',
    auth: 'iam',
    roles: anyone,
    summary: 'One version as it was written; drafts only for their department and reviewers',
    params: ItemVersionParamsSchema,
    response: ItemVersionSchema,
    errors: ['ITEM_NOT_FOUND'],
  },
  {
    operationId: 'reviseItem',
    method: 'POST',
    path: '/v1/items/{code}/revisions',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Start a new draft version of a published item; the published version stays in force',
    params: ItemCodeParamsSchema,
    body: EditItemRequestSchema,
    response: ItemVersionSchema,
    successStatus: 201,
    errors: GUIDE_CHANGE_ERRORS,
  },
  {
    operationId: 'submitItem',
    method: 'POST',
    path: '/v1/items/{code}/submit',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Submit the draft for review; the reviewer answers within 2 working days (001 §10)',
    params: ItemCodeParamsSchema,
    body: VersionedActionRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'reviewItem',
    method: 'POST',
    path: '/v1/items/{code}/review',
    function: 'catalogue',
    auth: 'iam',
    roles: ['platform'],
    summary: 'Platform reviewer: publish the submitted version, or return it with reasons',
    params: ItemCodeParamsSchema,
    body: ReviewRequestSchema,
    response: ItemVersionSchema,
    errors: [...ITEM_WRITE_ERRORS, 'REVIEW_REASONS_REQUIRED'],
  },
  {
    operationId: 'suspendItem',
    method: 'POST',
    path: '/v1/items/{code}/suspend',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Suspend: planned (≥ 5 working days ahead) or emergency (at once, with a public notice)',
    params: ItemCodeParamsSchema,
    body: SuspendRequestSchema,
    response: ItemVersionSchema,
    errors: [
      ...ITEM_WRITE_ERRORS,
      'SUSPENSION_NOTICE_TOO_SHORT',
      'SUSPENSION_NOTICE_REQUIRED',
      'SUSPENSION_DATE_REQUIRED',
      'SUSPENSION_EMERGENCY_DATE',
      'INVALID_DATE',
      'DEADLINE_CALENDAR_MISSING',
    ],
  },
  {
    operationId: 'resumeItem',
    method: 'POST',
    path: '/v1/items/{code}/resume',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Resume a suspended item, or cancel a planned suspension',
    params: ItemCodeParamsSchema,
    body: VersionedActionRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'terminateItem',
    method: 'POST',
    path: '/v1/items/{code}/terminate',
    function: 'catalogue',
    auth: 'iam',
    roles: ['department'],
    summary: 'Terminate a published or suspended item for good',
    params: ItemCodeParamsSchema,
    body: TerminateRequestSchema,
    response: ItemVersionSchema,
    errors: ITEM_WRITE_ERRORS,
  },
  {
    operationId: 'createUploadSlot',
    method: 'POST',
    path: '/v1/materials/uploads',
    function: 'cases',
    auth: 'iam',
    roles: ['channel'],
    summary: 'A presigned S3 PUT for one application material, bound to its type, size and SHA-256',
    body: UploadSlotRequestSchema,
    response: UploadSlotSchema,
    successStatus: 201,
    errors: ['MATERIAL_TYPE_NOT_ALLOWED', 'MATERIAL_EMPTY', 'MATERIAL_TOO_LARGE', 'INVALID_SHA256'],
  },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

export function routesOf(fn: FunctionName): RouteSpec[] {
  return ROUTES.filter((r) => r.function === fn);
}
