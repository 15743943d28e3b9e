// The supervision rules the platform ships (version 0 of the catalogue): in force until the platform
// role loads a catalogue of its own (PUT /v1/supervision/rules), and the starting point of one.
import type { RuleCatalogueDocument, RuleId, SupervisionRule } from '../../contracts/supervision-rules.ts';

const rules: SupervisionRule[] = [
  {
    id: 'answer-period-passed',
    kind: 'timeliness',
    title: '受理期限届满未作答复（视为受理）',
    basis: '《中华人民共和国行政许可法》第三十二条',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'pre-review-late',
    kind: 'timeliness',
    title: '网上预审超过2个工作日未出具意见',
    basis: '001 §14, 004 §18',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'promised-deadline-passed',
    kind: 'timeliness',
    title: '超过承诺时限（超期办件）',
    basis: '004 §18',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'statutory-deadline-passed',
    kind: 'timeliness',
    title: '超过法定时限',
    basis: '《中华人民共和国行政许可法》第四十二条、第八十二条',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: {},
  },
  {
    id: 'procedure-overrun',
    kind: 'timeliness',
    title: '特别程序超过告知的期限',
    basis: '《中华人民共和国行政许可法》第四十五条, 004 §19',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'pending-materials-late',
    kind: 'timeliness',
    title: '容缺材料超过承诺期限未补齐',
    basis: '004 §18',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'co-department-escalated',
    kind: 'timeliness',
    title: '协办部门超过时限未反馈意见（已催办）',
    basis: '002 §17',
    severity: 'yellow',
    enabled: true,
    answerDays: 3,
    parameters: {},
  },
  {
    id: 'co-department-missing',
    kind: 'timeliness',
    title: '协办部门至法定期限仍未反馈意见',
    basis: '002 §17',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: {},
  },
  {
    id: 'repeated-supplement',
    kind: 'process',
    title: '多次要求补正（未一次性告知）',
    basis: '《中华人民共和国行政许可法》第三十二条',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: { maxRounds: 1 },
  },
  {
    id: 'approval-over-disagreement',
    kind: 'process',
    title: '协办部门不同意仍作出准予决定',
    basis: '002 §17',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'reasons-missing',
    kind: 'content',
    title: '不予受理、不予许可或延期未说明理由',
    basis: '《中华人民共和国行政许可法》第三十八条、第四十二条',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: { minChars: 8 },
  },
  {
    id: 'item-review-late',
    kind: 'timeliness',
    title: '事项审核超过2个工作日',
    basis: '001 §10',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: {},
  },
  {
    id: 'guide-elements-missing',
    kind: 'content',
    title: '办事指南要素不全',
    basis: '004 §16',
    severity: 'yellow',
    enabled: true,
    answerDays: 10,
    parameters: { elements: ['resultSample', 'contact.address'] },
  },
  {
    id: 'suspension-announced-late',
    kind: 'process',
    title: '计划暂停未按期提前公告',
    basis: '001 §11, 004 §14',
    severity: 'yellow',
    enabled: true,
    answerDays: 5,
    parameters: { noticeDays: 5 },
  },
  {
    id: 'evaluation-rectification-late',
    kind: 'timeliness',
    title: '差评未在规定期限内核实整改并答复',
    basis: '004 §23；国办发〔2019〕51号',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: {},
  },
  {
    id: 'ticket-answer-late',
    kind: 'timeliness',
    title: '咨询投诉或更正申请未在规定期限内答复',
    basis: '002 §6, 003 (六)5, 000 §30',
    severity: 'red',
    enabled: true,
    answerDays: 3,
    parameters: {},
  },
];

/** The shipped catalogue, as a loaded one would say it. */
export const DEFAULT_RULE_CATALOGUE: RuleCatalogueDocument = { version: 0, source: 'Tongban default supervision rules (002 §27)', rules };

/** A catalogue's rules by id (every id is there: the schema insists). */
export function rulesById(catalogue: RuleCatalogueDocument): ReadonlyMap<RuleId, SupervisionRule> {
  return new Map(catalogue.rules.map((r) => [r.id, r]));
}

/** The ids the shipped catalogue lists, in order: the same as RULE_IDS (a unit test says so). */
export const DEFAULT_RULE_IDS: readonly RuleId[] = rules.map((r) => r.id);

/**
 * A stored catalogue with the rules the platform gained after it was loaded (every catalogue lists
 * every rule the platform had then): those are in force as shipped until a catalogue lists them.
 */
export function withRulesAddedSince(catalogue: RuleCatalogueDocument): { data: RuleCatalogueDocument; added: SupervisionRule[] } {
  const listed = new Set(catalogue.rules.map((r) => r.id));
  const added = rules.filter((r) => !listed.has(r.id));
  return added.length === 0 ? { data: catalogue, added } : { data: { ...catalogue, rules: [...catalogue.rules, ...added] }, added };
}
