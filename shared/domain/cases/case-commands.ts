// The commands of the case lifecycle and who may give them: each action's payload, the context an
// action is taken in, the rule table (by whom, from which statuses) and the limits the law sets —
// what every step module (case-intake, case-answers, case-clock, case-joint-steps, case-results)
// and applyCaseCommand (case-lifecycle.ts) share.
import type * as z from 'zod';
import type {
  AcceptRequestSchema,
  CorrectRequestSchema,
  DecideRequestSchema,
  DeliverRequestSchema,
  ExtendRequestSchema,
  OpinionRequestSchema,
  PauseRequestSchema,
  PreReviewRequestSchema,
  ReasonsRequestSchema,
  ResumeRequestSchema,
  SupplementRequestRequestSchema,
  SupplementSchema,
  WithdrawRequestSchema,
} from '../../contracts/cases.ts';
import type { ServiceGuide } from '../../contracts/service-item.ts';
import type { Caller } from '../access/caller.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import type { Applicant, CaseAction, CaseMaterial, CaseArchive, CaseNotice, CaseResults, CaseState, CaseStatus, FollowUpFailure, JsonValue } from './case-record.ts';
import { CASE_STATUSES } from './case-record.ts';
import { PRE_REVIEW_DAYS } from './case-dates.ts';

/** What an action's route gives its command: the body as its schema parses it, less the version the service checks (baseVersion). */
type Payload<S extends z.ZodType> = Omit<z.output<S>, 'baseVersion'>;
/** Every field given: what the edge defaults before it hands an optional one over. */
type Given<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/**
 * The actions: those a route applies carry its body (shared/contracts/cases.ts; a 容缺 acceptance is
 * the accept route's with its pending materials, defaulted by the edge), the others — the system's —
 * what the sweep, the workflow and the sealing and archive functions give.
 */
export type CaseCommand =
  | ({ action: 'request-supplement' } & Payload<typeof SupplementRequestRequestSchema>)
  | ({ action: 'supplement' } & Payload<typeof SupplementSchema>)
  | { action: 'accept' }
  | ({ action: 'accept-pending' } & Given<Payload<typeof AcceptRequestSchema>>)
  | { action: 'deem-accepted' }
  | ({ action: 'refuse' } & Payload<typeof ReasonsRequestSchema>)
  | ({ action: 'pause' } & Payload<typeof PauseRequestSchema>)
  | ({ action: 'extend' } & Payload<typeof ExtendRequestSchema>)
  | ({ action: 'deliver' } & Payload<typeof DeliverRequestSchema>)
  | ({ action: 'pre-review' } & Payload<typeof PreReviewRequestSchema>)
  | ({ action: 'resume' } & Payload<typeof ResumeRequestSchema>)
  | ({ action: 'decide' } & Payload<typeof DecideRequestSchema>)
  | ({ action: 'withdraw' } & Payload<typeof WithdrawRequestSchema>)
  | { action: 'mark-overdue' }
  | { action: 'mark-violation' }
  | { action: 'record-findings' }
  | ({ action: 'accept-archive-findings' } & Payload<typeof ReasonsRequestSchema>)
  | { action: 'recompute-dates' }
  | { action: 'dispatch'; graceDays?: number }
  // The attachments as the case keeps them (uploads moved under the case's key: CaseMaterial).
  | ({ action: 'opinion' } & Omit<Payload<typeof OpinionRequestSchema>, 'attachments'> & { attachments?: Record<string, CaseMaterial> | undefined })
  | { action: 'escalate'; departmentId: string }
  | { action: 'record-missing'; departmentId: string }
  | { action: 'joint-failed'; error: string; cause: string }
  | { action: 'follow-up-failed'; step: FollowUpFailure['step']; code: string; reason: string }
  | ({ action: 'retry-follow-up' } & Payload<typeof ReasonsRequestSchema>)
  // 更正 (000 §30): the case's department sets wrong values of the record right (case-corrections.ts).
  | ({ action: 'correct' } & Payload<typeof CorrectRequestSchema>)
  | { action: 'seal'; results: CaseResults }
  // The notices due the sealing function sealed (case-notices.ts).
  | { action: 'seal-notices'; notices: CaseNotice[] }
  | { action: 'archive'; archive: Extract<CaseArchive, { state: 'archived' }> }
  | { action: 'archive-failed'; findings: Extract<CaseArchive, { state: 'failed' }>['findings'] };

export interface CaseContext {
  actor: Caller;
  /** Instant of the action, ISO 8601. */
  at: string;
  /** China calendar date of `at`. */
  today: string;
  calendar: WorkingDayCalendar;
  /**
   * Working days a department has to answer a filing or a supplement before the case counts as
   * accepted (Art. 32); read at filing and kept with the case. Default 5, at most 5: Art. 32 sets
   * five days as the limit, so a region may shorten it, never lengthen it.
   */
  deemedAcceptanceDays?: number;
}

export interface FileCaseInput {
  /** Assigned by the caller (the service), unique per platform. */
  caseNo: string;
  /** The published item version the case is filed under; checking that it accepts cases is the service's. */
  item: { code: string; version: number; guide: ServiceGuide };
  applicant: Applicant;
  form: Record<string, JsonValue>;
  materials: Record<string, CaseMaterial>;
}

/**
 * The only caller that may apply `deem-accepted`. A deemed acceptance is a consequence of time passing
 * (Art. 32), not anyone's decision, so no person — not even a platform reviewer — may apply it; the
 * sweep acts as this caller. The edge must build it itself and never map a request's identity to the
 * name `system`.
 */
export const SYSTEM_CALLER: Caller = { name: 'system', role: 'platform' };

export const DEFAULT_DEEMED_ACCEPTANCE_DAYS = 5;
/** A silent co-department is awaited this many working days after its due day, then recorded missing. */
export const DEFAULT_JOINT_GRACE_DAYS = 2;
export const MAX_JOINT_GRACE_DAYS = 20;
/** Art. 42: the statutory limit may be extended by up to 10 working days, 15 for joint handling. */
export const MAX_EXTENSION_DAYS = 10;
export const MAX_JOINT_EXTENSION_DAYS = 15;
/** The longest expected length a special procedure may name. */
export const MAX_PROCEDURE_DAYS = 120;
export { PRE_REVIEW_DAYS };

/** Who may apply each action, and from which statuses. */
export const CASE_RULES: Readonly<Record<CaseAction, { by: 'department' | 'co-department' | 'channel' | 'platform' | 'system'; from: readonly CaseStatus[] }>> = {
  'request-supplement': { by: 'department', from: ['received'] },
  supplement: { by: 'channel', from: ['supplement-requested'] },
  accept: { by: 'department', from: ['received'] },
  'accept-pending': { by: 'department', from: ['received'] },
  'deem-accepted': { by: 'system', from: ['received'] },
  refuse: { by: 'department', from: ['received', 'supplement-requested'] },
  pause: { by: 'department', from: ['accepted', 'opinions-complete'] },
  resume: { by: 'department', from: ['accepted', 'opinions-complete'] },
  decide: { by: 'department', from: ['accepted', 'opinions-complete'] },
  withdraw: { by: 'channel', from: ['received', 'supplement-requested', 'accepted', 'opinions-complete'] },
  'mark-overdue': { by: 'system', from: ['accepted', 'opinions-complete'] },
  'mark-violation': { by: 'system', from: ['accepted', 'opinions-complete'] },
  'record-findings': { by: 'system', from: ['received', 'accepted', 'opinions-complete'] },
  'recompute-dates': { by: 'system', from: ['received', 'accepted', 'opinions-complete'] },
  extend: { by: 'department', from: ['accepted', 'opinions-complete'] },
  deliver: { by: 'channel', from: ['accepted', 'opinions-complete'] },
  'pre-review': { by: 'department', from: ['received'] },
  dispatch: { by: 'system', from: ['accepted'] },
  opinion: { by: 'co-department', from: ['accepted'] },
  escalate: { by: 'system', from: ['accepted'] },
  'record-missing': { by: 'system', from: ['accepted'] },
  'joint-failed': { by: 'system', from: ['accepted', 'opinions-complete'] },
  seal: { by: 'system', from: ['decided'] },
  // A notice is owed from whichever status its action led to, and may still be due after later ones.
  'seal-notices': { by: 'system', from: CASE_STATUSES },
  archive: { by: 'system', from: ['decided', 'refused', 'withdrawn'] },
  'archive-failed': { by: 'system', from: ['decided', 'refused', 'withdrawn'] },
  'accept-archive-findings': { by: 'platform', from: ['decided', 'refused', 'withdrawn'] },
  // Sealing a notice can be given up in any status (an open case's notices too).
  'follow-up-failed': { by: 'system', from: CASE_STATUSES },
  'retry-follow-up': { by: 'platform', from: CASE_STATUSES },
  // A record is corrected whatever its status, after the archiving too: the bundle stays as archived, the
  // correction entry after the archive entry is the addendum (case-corrections.ts).
  correct: { by: 'department', from: CASE_STATUSES },
};

export const ACTION_ZH: Record<CaseAction, string> = {
  'request-supplement': '一次性告知补正',
  supplement: '补正材料',
  accept: '受理',
  'accept-pending': '容缺受理',
  'deem-accepted': '视为受理',
  refuse: '不予受理',
  pause: '暂停计时',
  resume: '恢复计时',
  decide: '作出决定',
  withdraw: '撤回',
  'mark-overdue': '超期',
  'mark-violation': '超过法定时限',
  'record-findings': '登记督查发现',
  'recompute-dates': '按工作日历重算期限',
  extend: '延长办理期限',
  deliver: '补交容缺材料',
  'pre-review': '出具预审意见',
  dispatch: '分送协办部门',
  opinion: '提出协办意见',
  escalate: '协办超期督办',
  'record-missing': '登记协办意见缺失',
  'joint-failed': '登记联合办理流程故障',
  seal: '加盖电子印章',
  'seal-notices': '告知书加盖电子印章',
  archive: '归档',
  'archive-failed': '归档失败',
  'accept-archive-findings': '接受归档检测发现',
  'follow-up-failed': '登记后续步骤失败',
  'retry-follow-up': '重试后续步骤',
  correct: '更正办件记录',
};

/** What a step is given besides the state and its command: the next state's starting point and the action's context. */
export interface StepContext {
  /** The state with the version and time moved on, and what supervision found late before the action. */
  base: Omit<CaseState, 'hash'>;
  /** `base` with `changes`. */
  next: (changes: Partial<Omit<CaseState, 'hash'>>) => Omit<CaseState, 'hash'>;
  today: string;
  ctx: CaseContext;
}

/** One action's step: the next state (the entry recording it is made once, by applyCaseCommand), or a DomainError. */
export type Step<A extends CaseAction> = (state: CaseState, command: Extract<CaseCommand, { action: A }>, step: StepContext) => Omit<CaseState, 'hash'>;

/** A step for every action: the transition table. */
export type Steps = { [A in CaseAction]: Step<A> };
