// The words of the 好差评 and ticket screens, Chinese and English, by the API's own codes: the
// contracts (shared/contracts/evaluations.ts, tickets.ts) name them in Chinese beside zod schemas the
// browser should not load, so the console keeps its pairs here, one per code the OpenAPI document lists.
import type { components } from './api/schema.gen.d.ts';
import type { Pair } from './oversight-words.ts';

type Schemas = components['schemas'];
export type Evaluation = Schemas['EvaluationEntry'];
export type EvaluationState = Evaluation['state'];
export type EvaluationAction = Schemas['EvaluationHistoryEntry']['type'];
export type Dimension = keyof NonNullable<Evaluation['dimensions']>;
export type Ticket = Schemas['TicketAsRead'];
export type TicketSummary = Schemas['TicketSummary'];
export type TicketKind = Ticket['kind'];
export type TicketState = Ticket['state'];
export type TicketAction = Schemas['TicketHistoryEntry']['type'];
export type TicketOutcome = NonNullable<TicketSummary['outcome']>;

/** A code's pair as a filter's or a choice's option: the code, then its words. */
export const optionsOf = <C extends string>(codes: readonly C[], words: Record<C, Pair>): [C, string, string][] => codes.map((c) => [c, ...words[c]]);

export const EVALUATION_STATES: readonly EvaluationState[] = ['rectifying', 'answered', 'appealed', 'closed', 'excluded', 'recorded'];
export const EVALUATION_STATE_WORDS: Record<EvaluationState, Pair> = {
  recorded: ['已评价', 'Recorded'],
  rectifying: ['整改中', 'To rectify'],
  answered: ['已答复', 'Answered'],
  closed: ['已办结', 'Closed'],
  appealed: ['申诉中', 'Appealed'],
  excluded: ['申诉成立（不计入）', 'Appeal upheld (not counted)'],
};

export const EVALUATION_ACTION_WORDS: Record<EvaluationAction, Pair> = {
  rate: ['评价', 'Rated'],
  answer: ['整改答复', 'Answered'],
  'rate-answer': ['评价答复', 'Answer rated'],
  appeal: ['申诉', 'Appealed'],
  uphold: ['申诉成立', 'Appeal upheld'],
  dismiss: ['申诉驳回', 'Appeal dismissed'],
};

export const DIMENSION_WORDS: Record<Dimension, Pair> = {
  efficiency: ['办事效率', 'Efficiency'],
  attitude: ['服务态度', 'Attitude'],
  guidance: ['办事指引', 'Guidance'],
  result: ['办理结果', 'Result'],
};

export const ANSWER_KIND_WORDS: Record<NonNullable<Evaluation['answer']>['kind'], Pair> = {
  rectified: ['已整改', 'Rectified'],
  explained: ['情况说明（无须整改）', 'Explained (nothing to rectify)'],
};

export const TICKET_KINDS: readonly TicketKind[] = ['consultation', 'complaint', 'correction'];
export const TICKET_KIND_WORDS: Record<TicketKind, Pair> = {
  consultation: ['咨询', 'Consultation'],
  complaint: ['投诉', 'Complaint'],
  correction: ['更正申请', 'Correction request'],
};

export const TICKET_STATES: readonly TicketState[] = ['received', 'assigned', 'answered', 'closed'];
export const TICKET_STATE_WORDS: Record<TicketState, Pair> = {
  received: ['待转办', 'To assign'],
  assigned: ['办理中', 'To answer'],
  answered: ['已答复', 'Answered'],
  closed: ['已办结', 'Closed'],
};

export const TICKET_ACTION_WORDS: Record<TicketAction, Pair> = {
  file: ['受理登记', 'Filed'],
  assign: ['转办', 'Assigned'],
  transfer: ['转交', 'Transferred'],
  answer: ['答复', 'Answered'],
  rate: ['评价答复', 'Answer rated'],
};

export const TICKET_OUTCOME_WORDS: Record<TicketOutcome, Pair> = {
  substantiated: ['属实', 'Substantiated'],
  'partly-substantiated': ['部分属实', 'Partly substantiated'],
  unsubstantiated: ['不属实', 'Unsubstantiated'],
  corrected: ['已更正', 'Corrected'],
  refused: ['不予更正', 'Correction refused'],
};

export const ROUTING_WORDS: Record<Ticket['routing'][number]['how'], Pair> = {
  rule: ['按事项自动分派', 'Routed by rule'],
  assign: ['平台转办', 'Assigned by the platform'],
  transfer: ['部门转交', 'Transferred by a department'],
};

export const CORRECTION_TARGET_WORDS: Record<NonNullable<Ticket['correction']>['target'], Pair> = {
  licence: ['电子证照', 'E-licence'],
  case: ['办件记录', 'Case record'],
  other: ['其他数据', 'Other data'],
};
