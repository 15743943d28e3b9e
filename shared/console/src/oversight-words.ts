// The words of the oversight screens (statistics, supervision, findings, the calendar), Chinese and
// English, by the API's own codes: the contracts name them in Chinese beside zod schemas the browser
// should not load, so the console keeps its pairs here, one per code the OpenAPI document lists.
import type { components } from './api/schema.gen.d.ts';

type Schemas = components['schemas'];
export type Finding = Schemas['FindingListEntry'];
export type FindingState = Finding['state'];
export type RuleId = Finding['rule'];
export type EvaluationLevel = keyof Schemas['EvaluationFigures']['byLevel'];
export type Pair = [string, string];

export const FINDING_STATES: readonly FindingState[] = ['open', 'answered', 'returned', 'escalated', 'closed'];

export const FINDING_STATE_WORDS: Record<FindingState, Pair> = {
  open: ['待答复', 'Open'],
  answered: ['已答复', 'Answered'],
  returned: ['已退回', 'Returned'],
  escalated: ['已督办', 'Escalated'],
  closed: ['已办结', 'Closed'],
};

/** A finding's states a department (or the platform, for its reviewers' own) may still answer. */
export const ANSWERABLE: readonly FindingState[] = ['open', 'returned', 'escalated'];

export const FINDING_ACTION_WORDS: Record<string, Pair> = {
  raise: ['发起预警', 'Raised'],
  respond: ['答复', 'Answered'],
  close: ['办结', 'Closed'],
  return: ['退回', 'Returned'],
  escalate: ['督办', 'Escalated'],
};

export const RESPONSE_KIND_WORDS: Record<Finding['responses'][number]['kind'], Pair> = {
  explain: ['情况说明', 'Explanation'],
  rectify: ['整改情况', 'Rectification'],
};

export const RULE_KIND_WORDS: Record<Finding['kind'], Pair> = {
  timeliness: ['时效性', 'Timeliness'],
  process: ['流程合法性', 'Process'],
  content: ['内容规范性', 'Content'],
};

export const SEVERITY_WORDS: Record<Finding['severity'], Pair> = {
  yellow: ['黄色预警', 'Yellow (warning)'],
  red: ['红色违规', 'Red (violation)'],
};

/** Each rule's short name (the catalogue in force gives its full title, in Chinese). */
export const RULE_WORDS: Record<RuleId, Pair> = {
  'answer-period-passed': ['受理期限届满未答复', 'Answer period passed'],
  'pre-review-late': ['预审超时', 'Pre-review late'],
  'promised-deadline-passed': ['超承诺时限', 'Promised deadline passed'],
  'statutory-deadline-passed': ['超法定时限', 'Statutory deadline passed'],
  'procedure-overrun': ['特别程序超期', 'Special procedure overrun'],
  'pending-materials-late': ['容缺材料逾期', 'Pending materials late'],
  'co-department-escalated': ['协办超时催办', 'Co-department escalated'],
  'co-department-missing': ['协办意见缺失', 'Co-department missing'],
  'repeated-supplement': ['多次补正', 'Repeated supplement'],
  'approval-over-disagreement': ['不同意仍准予', 'Approval over disagreement'],
  'reasons-missing': ['未说明理由', 'Reasons missing'],
  'item-review-late': ['事项审核超时', 'Item review late'],
  'guide-elements-missing': ['指南要素不全', 'Guide elements missing'],
  'suspension-announced-late': ['暂停未提前公告', 'Suspension announced late'],
  'evaluation-rectification-late': ['差评整改逾期', 'Bad review answered late'],
  'ticket-answer-late': ['诉求答复逾期', 'Ticket answered late'],
};
export const RULE_IDS = Object.keys(RULE_WORDS) as RuleId[];

export const SUPERVISION_LIST_WORDS: Record<string, Pair> = {
  overdue: ['超承诺时限', 'Past promised deadline'],
  violation: ['超法定时限', 'Past statutory deadline'],
  'procedure-overrun': ['特别程序超期', 'Special procedure overrun'],
  'pre-review-late': ['预审超时', 'Pre-review late'],
  'materials-late': ['容缺材料逾期', 'Pending materials late'],
};
export const SUPERVISION_LISTS = ['overdue', 'violation', 'procedure-overrun', 'pre-review-late', 'materials-late'] as const;
export type SupervisionList = (typeof SUPERVISION_LISTS)[number];

export const EVALUATION_LEVELS: readonly EvaluationLevel[] = ['very-satisfied', 'satisfied', 'basic', 'dissatisfied', 'very-dissatisfied'];
export const EVALUATION_LEVEL_WORDS: Record<EvaluationLevel, Pair> = {
  'very-satisfied': ['非常满意', 'Very satisfied'],
  satisfied: ['满意', 'Satisfied'],
  basic: ['基本满意', 'Basically satisfied'],
  dissatisfied: ['不满意', 'Dissatisfied'],
  'very-dissatisfied': ['非常不满意', 'Very dissatisfied'],
};

/** Who acted, as a history or an answer names them: the officer and the principal. */
export function actorLabel(actor: { name: string; officer?: string }): string {
  return actor.officer ? `${actor.officer}（${actor.name}）` : actor.name;
}

/** A share (0-1) as a percentage with one decimal; a dash for none (nothing to divide). */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** Today in China (the platform's dates are China dates), by the browser's clock. */
export function chinaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** An instant (ISO 8601) as a China time to the minute: 2026-11-02 10:00. */
export function formatInstant(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A hash shortened for a table (the whole one in its title). */
export function shortHash(hash: string | undefined): string {
  return hash ? `${hash.slice(0, 12)}…` : '—';
}
