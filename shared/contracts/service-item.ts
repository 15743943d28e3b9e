// The service item (政务服务事项) and its service guide (办事指南, 004 §16) as one set of zod schemas:
// they validate requests, give the TypeScript types and generate the OpenAPI document.
// Structural checks live here; rules that need context (the caller's department, the list of
// known departments) live in shared/domain/items.
import * as z from 'zod';
import { CreditCodeSchema } from './directory.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

// The credit code is the directory's (every API function reads the directory; few need the guides).
export { CreditCodeSchema };

export const ImplementationCodeSchema = z
  .string()
  .regex(/^[0-9A-Z]{19,36}$/, '实施编码为19至36位数字或大写字母 (19-36 characters of 0-9 A-Z)')
  .meta({ description: "实施编码: the implementing department's credit code followed by the item's own part (GB/T 39554.1-2020)" });

export const ItemTypeSchema = z
  .enum([
    'administrative-licence', // 行政许可
    'administrative-confirmation', // 行政确认
    'administrative-payment', // 行政给付
    'administrative-ruling', // 行政裁决
    'administrative-reward', // 行政奖励
    'other-administrative-power', // 其他行政权力
    'public-service', // 公共服务
  ])
  .meta({ description: '办件类型 / item type' });

export const RetentionSchema = z.enum(['permanent', '30y', '10y']).meta({ description: '保管期限 of the case files: permanent, 30 years or 10 years' });

export const HandlingModeSchema = z
  .enum(['fully-online', 'online-prereview-window', 'window'])
  .meta({ description: '办理形式: fully online (全程网办), online pre-review then window (网上预审+窗口), window only' });

export const MaterialSchema = z
  .object({
    name: text(200).meta({ description: '材料名称' }),
    required: z.boolean().meta({ description: '是否必需' }),
    tolerable: z.boolean().default(false).meta({ description: '容缺: may be delivered after acceptance (required materials only)' }),
    replaceableByLicenceType: z
      .string()
      .regex(/^[0-9A-Z]{1,32}$/)
      .optional()
      .meta({ description: 'e-licence type code whose valid licence of the applicant replaces this material (免提交)' }),
    form: z.enum(['original', 'copy', 'electronic']).default('electronic').meta({ description: '材料形式' }),
    copies: z.int().min(0).max(20).default(1),
    notes: text(500).optional(),
  })
  .strict();

export const CoDepartmentSchema = z
  .object({
    departmentId: CreditCodeSchema,
    responsibility: text(200).meta({ description: '协办职责' }),
    timeLimitDays: z.int().min(1).max(365).meta({ description: 'working days the co-department has for its opinion' }),
  })
  .strict();

export const ServiceGuideSchema = z
  .object({
    implementationCode: ImplementationCodeSchema,
    basicCode: z
      .string()
      .regex(/^[0-9A-Z]{1,12}$/)
      .optional()
      .meta({ description: '基本编码, up to 12 characters' }),
    name: text(200).meta({ description: '事项名称' }),
    type: ItemTypeSchema,
    departmentId: CreditCodeSchema.meta({ description: '实施机构 (implementing department)' }),
    legalBasis: z.array(text(1000)).min(1).max(50).meta({ description: '设定依据' }),
    acceptanceConditions: z.array(text(1000)).min(1).max(50).meta({ description: '受理条件' }),
    materials: z.array(MaterialSchema).max(200).meta({ description: '申请材料' }),
    process: z.array(text(500)).min(1).max(30).meta({ description: '办事流程' }),
    timeLimits: z
      .object({
        statutoryDays: z.int().min(1).max(365).meta({ description: '法定时限, working days' }),
        promisedDays: z.int().min(0).max(365).meta({ description: '承诺时限, working days; ≤ statutory' }),
      })
      .strict(),
    fees: z
      .object({
        charged: z.boolean(),
        basis: text(1000).optional().meta({ description: '收费依据; required when charged' }),
        items: z
          .array(z.object({ name: text(200), amountFen: z.int().min(0).max(1_000_000_00) }).strict())
          .max(50)
          .default([]),
      })
      .strict(),
    handlingMode: HandlingModeSchema,
    visits: z.int().min(0).max(10).meta({ description: '到场次数' }),
    resultSample: text(1000).optional().meta({ description: '结果样本: what the applicant receives' }),
    resultLicenceType: z
      .string()
      .regex(/^[0-9A-Z]{1,32}$/)
      .optional()
      .meta({ description: 'e-licence type issued on approval' }),
    resultLicenceName: text(100).optional().meta({ description: "the e-licence's name (e.g. 食品经营许可证); default: the result sample" }),
    contact: z
      .object({
        consultationPhone: text(50),
        complaintPhone: text(50),
        address: text(300).optional(),
      })
      .strict()
      .meta({ description: '咨询投诉方式' }),
    retention: RetentionSchema,
    jointHandling: z
      .object({ coDepartments: z.array(CoDepartmentSchema).min(1).max(20) })
      .strict()
      .optional()
      .meta({ description: '联合办理: co-departments and their time limits (the implementing department leads)' }),
  })
  .strict()
  .meta({ id: 'ServiceGuide', description: '办事指南 (004 §16)' });

export type ServiceGuideInput = z.input<typeof ServiceGuideSchema>;
export type ServiceGuide = z.output<typeof ServiceGuideSchema>;
export type ItemType = z.infer<typeof ItemTypeSchema>;

/** Working state of the newest version. */
export const WorkingStateSchema = z.enum(['draft', 'submitted', 'returned', 'published']);
/** What the public sees of the item. */
export const PublicStateSchema = z.enum(['unpublished', 'published', 'suspended', 'terminated']);

export const SuspensionSchema = z
  .object({
    kind: z.enum(['planned', 'emergency']),
    effectiveFrom: z.iso.date(),
    reason: text(1000),
    notice: text(2000).optional(),
    announcedAt: z.iso.datetime(),
  })
  .meta({ id: 'Suspension' });

export const ItemActionSchema = z.enum(['create', 'edit', 'revise', 'submit', 'publish', 'return', 'suspend', 'resume', 'terminate']);

/** One immutable version: the guide as it stood plus the lifecycle state that action produced. */
export const ItemVersionSchema = z
  .object({
    code: ImplementationCodeSchema,
    version: z.int().min(1),
    action: ItemActionSchema,
    actor: z.string(),
    at: z.iso.datetime(),
    state: WorkingStateSchema,
    publicState: PublicStateSchema,
    /** Effective public state today: a planned suspension shows as `suspended` from its date on. */
    effectivePublicState: PublicStateSchema.optional(),
    publishedVersion: z.int().min(1).optional(),
    guide: ServiceGuideSchema,
    reasons: z.array(z.string()).optional(),
    reviewDueDate: z.iso.date().optional().meta({ description: 'submitted versions: the reviewer answers by this date (001 §10)' }),
    reviewDueProvisional: z
      .literal(true)
      .optional()
      .meta({ description: 'the review deadline was counted across a year whose official arrangement is not loaded, on its statutory holidays alone' }),
    reviewDueFlag: z
      .literal('DEADLINE_CALENDAR_MISSING')
      .optional()
      .meta({ description: 'submitted versions whose review deadline falls in a year whose statutory holidays are not known: flagged, not guessed' }),
    suspension: SuspensionSchema.optional(),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'ItemVersion' });
export type ItemVersionDto = z.infer<typeof ItemVersionSchema>;

export const ItemSummarySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    type: ItemTypeSchema,
    departmentId: z.string(),
    departmentName: z.string().optional().meta({ description: "the department's name from the directory" }),
    version: z.int().optional().meta({ description: "newest version: for the item's department and reviewers only" }),
    state: WorkingStateSchema.optional().meta({ description: "working state of the newest version: for the item's department and reviewers only" }),
    updatedAt: z.iso.datetime().optional().meta({ description: "for the item's department and reviewers only" }),
    publicState: PublicStateSchema,
    effectivePublicState: PublicStateSchema,
    publishedVersion: z.int().optional(),
    publishedAt: z.iso.datetime().optional(),
    jointHandling: z.boolean(),
  })
  .meta({ id: 'ItemSummary', description: 'what everyone sees is the published item; work in progress only its department and the reviewers see' });

export const ItemListSchema = z.object({ items: z.array(ItemSummarySchema), nextCursor: z.string().optional() }).meta({ id: 'ItemList' });

// ---- request payloads ----

export const CreateItemRequestSchema = z.object({ guide: ServiceGuideSchema }).strict().meta({ id: 'CreateItemRequest' });

export const EditItemRequestSchema = z
  .object({
    baseVersion: z.int().min(1).meta({ description: 'the version this edit starts from; must be the newest (optimistic concurrency)' }),
    guide: ServiceGuideSchema,
  })
  .strict()
  .meta({ id: 'EditItemRequest' });

export const VersionedActionRequestSchema = z
  .object({ baseVersion: z.int().min(1) })
  .strict()
  .meta({ id: 'VersionedActionRequest' });

export const ReviewRequestSchema = z
  .object({
    baseVersion: z.int().min(1),
    decision: z.enum(['publish', 'return']),
    reasons: z.array(text(1000)).max(50).default([]).meta({ description: 'required (non-empty) when returning' }),
  })
  .strict()
  .meta({ id: 'ReviewRequest' });

export const SuspendRequestSchema = z
  .object({
    baseVersion: z.int().min(1),
    kind: z.enum(['planned', 'emergency']),
    effectiveFrom: z.iso.date().optional().meta({ description: 'planned only: ≥ 5 working days after today (001 §11, 004 §14)' }),
    reason: text(1000),
    notice: text(2000).optional().meta({ description: 'public notice; required for an emergency suspension' }),
  })
  .strict()
  .meta({ id: 'SuspendRequest' });

export const TerminateRequestSchema = z
  .object({ baseVersion: z.int().min(1), reason: text(1000) })
  .strict()
  .meta({ id: 'TerminateRequest' });

export const ListItemsQuerySchema = z
  .object({
    department: CreditCodeSchema.optional(),
    type: ItemTypeSchema.optional(),
    state: z.enum(['draft', 'submitted', 'returned']).optional().meta({
      description: 'work in progress instead of the public catalogue: reviewers see every department, a department its own',
    }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

export const ItemCodeParamsSchema = z.object({ code: ImplementationCodeSchema }).strict();
export const ItemVersionParamsSchema = z
  .object({
    code: ImplementationCodeSchema,
    n: z.union([z.literal('latest'), z.coerce.number().int().min(1)]).meta({ description: 'version number, or `latest` for the newest version the caller may see' }),
  })
  .strict();
