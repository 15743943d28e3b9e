// Electronic supervision's rules (电子监察规则, 002 §27) as the API carries them: a catalogue the platform
// role loads and versions like the official calendar (PUT /v1/supervision/rules), each rule with its
// kind — timeliness (时效性), legality of the process (流程合法性), correctness of content (内容规范性) —,
// its legal basis, its severity (yellow: a warning; red: a violation), the working days the responsible
// department has to answer a finding it raises, and its parameters. The platform ships a default
// catalogue (shared/domain/supervision/default-rules.ts): it is in force until a catalogue is loaded.
// Every rule id is in every catalogue; a rule is switched off with `enabled: false`, never dropped.
import * as z from 'zod';
import type { ErrorCode } from './error-codes.ts';

/** Every rule the platform knows how to evaluate (shared/domain/supervision/rule-evaluation.ts). */
export const RULE_IDS = [
  // Cases: timeliness.
  'answer-period-passed',
  'pre-review-late',
  'promised-deadline-passed',
  'statutory-deadline-passed',
  'procedure-overrun',
  'pending-materials-late',
  'co-department-escalated',
  'co-department-missing',
  // Cases: the process.
  'repeated-supplement',
  'approval-over-disagreement',
  // Cases: content.
  'reasons-missing',
  // Service items.
  'item-review-late',
  'guide-elements-missing',
  'suspension-announced-late',
  // The public's voice: answers owed to the people (their evaluation and ticket services report them late).
  'evaluation-rectification-late',
  'ticket-answer-late',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const RULE_KINDS = ['timeliness', 'process', 'content'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const SEVERITIES = ['yellow', 'red'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule watches: a case, a service item of the catalogue, or an answer owed to the public (an evaluation's rectification, a ticket's answer). */
export type RuleSubject = 'case' | 'item' | 'voice';

/** The guide elements `guide-elements-missing` can require beyond what the guide's own schema does (004 §16). */
export const GUIDE_ELEMENTS = ['basicCode', 'resultSample', 'contact.address', 'materials'] as const;
export type GuideElement = (typeof GUIDE_ELEMENTS)[number];

/** Each rule's parameters: strict, so a misspelt one is refused rather than ignored. */
export const RULE_PARAMETER_SCHEMAS = {
  'answer-period-passed': z.strictObject({}),
  'pre-review-late': z.strictObject({}),
  'promised-deadline-passed': z.strictObject({}),
  'statutory-deadline-passed': z.strictObject({}),
  'procedure-overrun': z.strictObject({}),
  'pending-materials-late': z.strictObject({}),
  'co-department-escalated': z.strictObject({}),
  'co-department-missing': z.strictObject({}),
  'repeated-supplement': z.strictObject({
    maxRounds: z.int().min(1).max(5).meta({ description: 'supplement requests a case may have before a finding (一次性告知, 行政许可法 第三十二条): 1' }),
  }),
  'approval-over-disagreement': z.strictObject({}),
  'reasons-missing': z.strictObject({
    minChars: z.int().min(1).max(200).meta({ description: 'a refusal, denial or extension whose reasons together have fewer characters than this has no reasons worth the name' }),
  }),
  'item-review-late': z.strictObject({}),
  'guide-elements-missing': z.strictObject({
    elements: z.array(z.enum(GUIDE_ELEMENTS)).min(1).max(GUIDE_ELEMENTS.length).meta({ description: 'guide elements a published item must give (004 §16)' }),
  }),
  'suspension-announced-late': z.strictObject({
    noticeDays: z.int().min(1).max(60).meta({ description: 'working days a planned suspension must be announced ahead (001 §11, 004 §14: 5; a region may ask more)' }),
  }),
  'evaluation-rectification-late': z.strictObject({}),
  'ticket-answer-late': z.strictObject({}),
} as const satisfies Record<RuleId, z.ZodType>;

export type RuleParameters<R extends RuleId = RuleId> = z.output<(typeof RULE_PARAMETER_SCHEMAS)[R]>;

const ruleShape = {
  id: z.enum(RULE_IDS),
  kind: z.enum(RULE_KINDS),
  title: z.string().trim().min(2).max(100).meta({ description: 'the rule as people read it (Chinese)' }),
  basis: z.string().trim().min(2).max(200).meta({ description: 'its legal basis, e.g. 《中华人民共和国行政许可法》第三十二条, 004 §18' }),
  severity: z.enum(SEVERITIES).meta({ description: 'yellow: a warning (预警); red: a violation, escalated when not answered in time' }),
  enabled: z.boolean(),
  answerDays: z.int().min(1).max(30).meta({ description: 'working days the responsible department has to answer a finding' }),
  parameters: z.record(z.string(), z.unknown()).default({}),
};

/** One rule as loaded: its parameters are checked against its id's schema. */
export const SupervisionRuleSchema = z
  .strictObject(ruleShape)
  .superRefine((rule, ctx) => {
    const parsed = RULE_PARAMETER_SCHEMAS[rule.id].safeParse(rule.parameters);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['parameters', ...issue.path] });
  })
  .meta({ id: 'SupervisionRule' });
export type SupervisionRule = z.output<typeof SupervisionRuleSchema>;

/** The highest version a catalogue may carry (and so the most versions stored): far above any real use. */
export const MAX_RULE_CATALOGUE_VERSION = 999;

/** A catalogue as loaded: every rule id exactly once (switched off with `enabled: false`). */
export const RuleCatalogueDocumentSchema = z
  .strictObject({
    version: z
      .int()
      .min(0)
      .max(MAX_RULE_CATALOGUE_VERSION)
      .meta({ description: 'one more than the newest version stored (1 for the first load; 0 is the catalogue shipped with the platform)' }),
    source: z.string().trim().min(1).max(300).meta({ description: 'what the catalogue rests on (a notice, a decision of the 政务服务管理机构)' }),
    rules: z.array(SupervisionRuleSchema).min(1).max(RULE_IDS.length),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule ${r.id} appears twice` });
      seen.add(r.id);
    });
    const missing = RULE_IDS.filter((id) => !seen.has(id));
    if (missing.length > 0)
      ctx.addIssue({ code: 'custom', path: ['rules'], message: `every rule must be listed (switch one off with enabled: false); missing: ${missing.join(', ')}` });
  })
  .meta({ id: 'RuleCatalogueDocument', description: 'the supervision rules (电子监察规则): every rule the platform knows, each once' });
export type RuleCatalogueDocument = z.output<typeof RuleCatalogueDocumentSchema>;

/** A stored version of the catalogue; version 0 is the one shipped with the platform (never stored). */
export const RuleCatalogueVersionSchema = z
  .object({
    version: z.int().min(0),
    data: RuleCatalogueDocumentSchema,
    loadedAt: z.iso.datetime(),
    loadedBy: z.string().meta({ description: 'the principal that loaded it; `system` for the shipped catalogue' }),
    previousHash: z.string().optional(),
    hash: z.string(),
  })
  .meta({ id: 'RuleCatalogueVersion' });
export type RuleCatalogueVersion = z.output<typeof RuleCatalogueVersionSchema>;

/** GET /v1/supervision/rules: the catalogue in force, whole. */
export const RulesInForceViewSchema = RuleCatalogueVersionSchema.extend({
  shipped: z.literal(true).optional().meta({ description: 'the catalogue shipped with the platform (version 0): no catalogue is loaded yet' }),
  shippedRules: z
    .array(SupervisionRuleSchema)
    .max(RULE_IDS.length)
    .optional()
    .meta({ description: 'rules the platform gained after this version was loaded: in force as shipped until a loaded catalogue lists them' }),
}).meta({ id: 'RulesInForceView' });

/** GET /v1/supervision/rules/versions: every stored version, oldest first, and the hash chain's check. */
export const RuleCatalogueVersionsSchema = z
  .object({
    versions: z.array(RuleCatalogueVersionSchema).max(MAX_RULE_CATALOGUE_VERSION),
    check: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), version: z.int(), reason: z.string() })]),
  })
  .meta({ id: 'RuleCatalogueVersions' });

export const RuleCatalogueLoadResultSchema = z
  .object({ version: RuleCatalogueVersionSchema, replayed: z.boolean().meta({ description: 'the same document was loaded before (or is the shipped one): answered as stored' }) })
  .meta({ id: 'RuleCatalogueLoadResult' });

/** A document that breaks the format (a rule missing or twice, a bad parameter) is refused at the edge: VALIDATION_FAILED with the field. */
export const RULE_CATALOGUE_LOAD_ERRORS = ['RULES_VERSION_CONFLICT'] as const satisfies readonly ErrorCode[];

/**
 * What a rule found on one case or item: the rule, its subject, and the occurrence — what makes two
 * findings of the same rule on the same subject different (the deadline passed, the supplement round,
 * the co-department). A finding is identified by (rule, subject, occurrence): evaluating again finds
 * the same occurrence and raises nothing new.
 */
export interface RuleOccurrence {
  rule: RuleId;
  /**
   * The case, or the item (its versions are one subject: the occurrence names the version where it
   * matters), or the evaluation or ticket whose answer is late (a case's evaluation is the case's).
   */
  subject: { kind: 'case'; caseNo: string } | { kind: 'item'; code: string } | { kind: 'evaluation'; id: string } | { kind: 'ticket'; id: string };
  /** Letters, digits, `-`, `.` and `_`, at most 64: a date, a round, a department id. */
  occurrence: string;
  /**
   * The department that must answer it: the case's lead (or the co-department at fault), the item's
   * implementing department; absent for what the platform's own reviewers owe (item-review-late).
   */
  departmentId?: string;
  /** The China date the finding is raised on (the day the rule saw it). */
  on: string;
  /** Facts for the department and the supervisor, no personal data (a deadline, a round, a co-department). */
  facts: Record<string, string | number | boolean>;
}
