// The department's answer to a filing (行政许可法 Art. 32, 004 §18, 001 §14): ask for supplements
// listing every problem at once, accept (with 容缺 materials pending or not), refuse, the online
// pre-review opinion, and the acceptance the law deems once the answer period is over.
import { assertIsoDate, dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { conflict, invalid } from '../errors.ts';
import type { Acceptance, CaseAction, CaseState } from './case-record.ts';
import { isProvisional, withComputedDates } from './case-dates.ts';
import type { CaseContext, Step, Steps } from './case-commands.ts';
import { ACTION_ZH } from './case-commands.ts';
import { requireSupplementRoundLeft } from './case-limits.ts';
import { FORM, absentRequired, requireTexts, isBlank, unknownMaterial } from './case-checks.ts';

const requestSupplementStep: Step<'request-supplement'> = (state, command, { next, ctx }) => {
  requireAnswerInTime(state, command.action, ctx);
  requireSupplementRoundLeft(state);
  if (!Array.isArray(command.problems) || command.problems.length === 0) {
    throw invalid('CASE_PROBLEMS_REQUIRED', 'problems', '一次性告知应列明全部需要补正的问题', 'a supplement request lists every problem; none was given');
  }
  command.problems.forEach((p, i) => {
    if (p.material !== FORM && !state.materialRules.some((r) => r.name === p.material)) {
      throw unknownMaterial(p.material, `problems.${i}.material`);
    }
    // 一次性告知 (Art. 32): every problem was to be named the first time; after a supplement, only
    // what that supplement delivered can still be found wanting.
    if (state.lastSupplement && !state.lastSupplement.delivered.includes(p.material)) {
      throw invalid(
        'CASE_PROBLEM_NOT_IN_SUPPLEMENT',
        `problems.${i}.material`,
        `应一次性告知全部问题：“${p.material}”不在${state.lastSupplement.on}补正的内容之列，不能再次要求补正（本次补正：${state.lastSupplement.delivered.join('、')}）`,
        `all problems are named at once (Art. 32): "${p.material}" was not part of the supplement of ${state.lastSupplement.on} (${state.lastSupplement.delivered.join(', ')}), so it cannot be asked for again`,
      );
    }
    if (isBlank(p.problem)) {
      throw invalid('CASE_PROBLEMS_REQUIRED', `problems.${i}.problem`, `请说明“${p.material}”存在的问题`, `problem ${i} does not say what is wrong with "${p.material}"`);
    }
  });
  return next({ status: 'supplement-requested', supplementRequest: command.problems, supplementRounds: (state.supplementRounds ?? 0) + 1 });
};

const acceptStep: Step<'accept'> = (state, command, { base, today, ctx }) => {
  requireAnswerInTime(state, command.action, ctx);
  const absent = absentRequired(state);
  if (absent) {
    throw invalid(
      'CASE_MATERIAL_MISSING',
      `materials.${absent}`,
      `缺少必需材料“${absent}”，不能正常受理；该材料允许容缺的，请办理容缺受理`,
      `the required material "${absent}" has not been delivered; accept with pending materials instead`,
    );
  }
  return accepted(base, { on: today, mode: 'normal' }, ctx);
};

const acceptPendingStep: Step<'accept-pending'> = (state, command, { base, today, ctx }) => {
  requireAnswerInTime(state, command.action, ctx);
  const pending = command.pendingMaterials;
  if (!Array.isArray(pending) || pending.length === 0) {
    throw invalid('CASE_PENDING_MATERIALS_REQUIRED', 'pendingMaterials', '容缺受理应列明容缺的材料', 'accepting with pending materials names at least one pending material');
  }
  pending.forEach((name, i) => {
    const materialRule = state.materialRules.find((r) => r.name === name);
    if (!materialRule) throw unknownMaterial(name, `pendingMaterials.${i}`);
    if (!materialRule.tolerable) {
      throw invalid(
        'CASE_MATERIAL_NOT_TOLERABLE',
        `pendingMaterials.${i}`,
        `材料“${name}”不在本事项的容缺材料清单内，不能容缺受理`,
        `the guide does not mark "${name}" as tolerable, so it cannot be pending`,
      );
    }
    if (pending.indexOf(name) !== i) {
      throw invalid('CASE_PENDING_MATERIAL_DUPLICATE', `pendingMaterials.${i}`, `容缺材料“${name}”重复`, `pending material "${name}" is listed twice`);
    }
  });
  const absent = absentRequired(state, pending);
  if (absent) {
    throw invalid(
      'CASE_MATERIAL_MISSING',
      `materials.${absent}`,
      `必需材料“${absent}”尚未提交，也未列为容缺材料`,
      `the required material "${absent}" has not been delivered and is not listed as pending`,
    );
  }
  if (typeof command.pendingDueOn !== 'string') {
    throw invalid('CASE_PENDING_DUE_INVALID', 'pendingDueOn', '容缺受理应载明补交期限', 'accepting with pending materials needs the date they are due');
  }
  assertIsoDate(command.pendingDueOn, 'pendingDueOn');
  if (command.pendingDueOn <= today) {
    throw invalid(
      'CASE_PENDING_DUE_INVALID',
      'pendingDueOn',
      `补交期限（${command.pendingDueOn}）应晚于今天（${today}）`,
      `pending materials are due after today (${today}), not on ${command.pendingDueOn}`,
    );
  }
  const acceptance: Acceptance = { on: today, mode: 'pending-materials', pendingMaterials: pending, pendingDueOn: command.pendingDueOn };
  return accepted(base, acceptance, ctx);
};

const deemAcceptedStep: Step<'deem-accepted'> = (state, _command, { base, today, ctx }) => {
  if (!answerPeriodOver(state, today, ctx.calendar)) {
    const until = state.deemedAcceptedOn ? `（${state.deemedAcceptedOn}）` : '';
    throw conflict(
      'CASE_NOT_YET_DEEMED',
      `部门答复期限${until}尚未届满，办件不能视为受理`,
      `the department may still answer case ${state.caseNo}${state.deemedAcceptedOn ? ` until ${state.deemedAcceptedOn}` : ''}; it cannot be deemed accepted on ${today}`,
    );
  }
  // Art. 32: not answered in time, the application counts as accepted from the day the
  // materials were received — so the time limits run from then, not from the sweep.
  return accepted(base, { on: state.materialsReceivedOn, mode: 'deemed' }, ctx);
};

const refuseStep: Step<'refuse'> = (state, command, { next, today, ctx }) => {
  if (state.status === 'received') requireAnswerInTime(state, command.action, ctx);
  requireTexts(command.reasons, 'reasons', '不予受理');
  return next({ status: 'refused', refusal: { reasons: command.reasons, on: today } });
};

const preReviewStep: Step<'pre-review'> = (state, command, { next, today }) => {
  // 001 §14, 004 §18: where the item offers online pre-review, the department's opinion on the
  // materials as received — they pass, or what is missing and what to do next — within 2 working days.
  if (!state.preReviewOffered) {
    throw conflict('CASE_PRE_REVIEW_NOT_OFFERED', '该事项不提供网上预审', `the item of case ${state.caseNo} offers no online pre-review`);
  }
  if (state.preReview && state.preReview.on >= state.materialsReceivedOn) {
    throw conflict(
      'CASE_PRE_REVIEW_GIVEN',
      `已于${state.preReview.on}出具预审意见`,
      `the pre-review opinion on case ${state.caseNo}'s materials was given on ${state.preReview.on}`,
    );
  }
  if (command.outcome !== 'passes' && command.outcome !== 'incomplete') {
    throw invalid(
      'CASE_PRE_REVIEW_INVALID',
      'outcome',
      '预审意见应为通过（passes）或材料不全（incomplete）',
      `a pre-review opinion is passes or incomplete, not "${String(command.outcome)}"`,
    );
  }
  const missing = command.missing ?? [];
  if (command.outcome === 'incomplete' && (!Array.isArray(missing) || missing.length === 0 || missing.some(isBlank))) {
    throw invalid('CASE_PRE_REVIEW_INVALID', 'missing', '预审未通过须列明缺少或不符合要求的材料', 'an incomplete pre-review names what is missing');
  }
  if (isBlank(command.nextSteps)) {
    throw invalid('CASE_PRE_REVIEW_INVALID', 'nextSteps', '预审意见须告知申请人下一步如何办理', 'a pre-review opinion tells the applicant the next steps');
  }
  const due = state.preReviewDue;
  const late = due !== undefined && today > due && !isProvisional(state, 'preReviewDue');
  const preReview = { outcome: command.outcome, missing, nextSteps: command.nextSteps, on: today, late };
  return next({ preReview });
};

/**
 * Whether the department's time to answer (Art. 32) is over on `today`: `deemedAcceptanceDays`
 * working days after `materialsReceivedOn` have passed in full, i.e. `today` is after
 * `deemedAcceptedOn`. The department may answer up to and including `deemedAcceptedOn`; from the
 * next calendar day (a day off included) only the sweep may act, by deeming the case accepted.
 * Counted up to yesterday rather than compared with the stored date, so that it needs calendar data
 * only for days already past and works for cases whose `deemedAcceptedOn` was flagged.
 */
export function answerPeriodOver(state: Pick<CaseState, 'materialsReceivedOn' | 'deemedAcceptanceDays'>, today: string, calendar: WorkingDayCalendar): boolean {
  assertIsoDate(today, 'today');
  if (today <= state.materialsReceivedOn) return false;
  const yesterday = fromDayNumber(dayNumber(today) - 1);
  // Provisionally, across a year not loaded yet: the answer period is not left open for want of data.
  return calendar.countWorkingDays(state.materialsReceivedOn, yesterday).days >= state.deemedAcceptanceDays;
}

/** Refuses a department's answer once the answer period is over: by then the law has answered. */
export function requireAnswerInTime(state: CaseState, action: CaseAction, ctx: CaseContext): void {
  if (!answerPeriodOver(state, ctx.today, ctx.calendar)) return;
  const until = state.deemedAcceptedOn ?? `${state.deemedAcceptanceDays} working days after ${state.materialsReceivedOn}`;
  throw conflict(
    'CASE_ANSWER_PERIOD_OVER',
    `受理答复期限（${until}）已届满，依照行政许可法第三十二条该办件视为受理，不能再“${ACTION_ZH[action]}”，由系统登记视为受理`,
    `the answer period of case ${state.caseNo} ended ${until}; it counts as accepted (Art. 32), so the department can no longer ${action} it`,
  );
}

export function accepted(base: Omit<CaseState, 'hash'>, acceptance: Acceptance, ctx: CaseContext): Omit<CaseState, 'hash'> {
  return withComputedDates({ ...base, status: 'accepted', acceptance }, ctx.calendar);
}

export const ANSWER_STEPS = {
  'request-supplement': requestSupplementStep,
  accept: acceptStep,
  'accept-pending': acceptPendingStep,
  'deem-accepted': deemAcceptedStep,
  refuse: refuseStep,
  'pre-review': preReviewStep,
} satisfies Partial<Steps>;
