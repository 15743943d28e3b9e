// The case lifecycle (002 §14, 004 §18, 行政许可法 Art. 32, 42, 45) as pure functions: a filing
// gives a case's first state, and the newest state plus a command gives the next one, each with
// the history entry that records it — or a DomainError saying why not. Storage, HTTP and the sweep
// that drives deemed acceptance build on these.
//
//   file ─▶ received ──request-supplement──▶ supplement-requested
//              ▲  │                                   │
//              └──┼────────── supplement ─────────────┘
//                 │ accept | accept-pending (department), deem-accepted (system, Art. 32)
//                 ▼
//             accepted ──pause / resume (clock only)──▶ accepted ──decide──▶ decided
//                 │ joint items: dispatch (system, when the workflow starts) gives each
//                 │ co-department a task; opinion (that co-department), escalate and
//                 │ record-missing (system) end or mark them; the last one ended moves the case to
//                 ▼
//           opinions-complete ──decide (every opinion listed; approving over a disagreement
//                                       needs overrideReasons)──▶ decided
//   refuse: received | supplement-requested ─▶ refused
//   withdraw (channel): received | supplement-requested | accepted | opinions-complete ─▶ withdrawn
//   refused, decided, withdrawn are final: they fix the outcome.
//   The sweep (system): deem-accepted, mark-overdue / mark-violation, recompute-dates (case-dates.ts),
//   record-findings (case-findings.ts: every action records the findings due before it; this one
//   records them when nobody acted).
//   The joint workflow (system): dispatch, escalate, record-missing, and joint-failed when it fails
//   for good (the status stays; the case shows jointFailure).
//
// Where the later issues slot in:
// - Joint handling's workflow (Step Functions) applies dispatch, escalate and record-missing as
//   the system actor, and the opinions route applies opinion; the rules are all here.
// - 容缺 delivery: a channel action `deliver-pending` inside `accepted`; `decide` approving only when
//   nothing is pending.
// - Seals and licences: final statuses fix the outcome, not the record. `seal` and `issue-licence`
//   are actions whose `from` lists final statuses (`decided`; `refused` for the sealed refusal
//   notice) and that keep the status (from = to). CASE_CLOSED is answered exactly when a final status
//   is not in an action's `from`, so adding them to the rule table is all it takes.
// - Archiving: `archive`, the last such action on a final status, recording the bundle's id and
//   digest; after it the rule table allows nothing.
import type { ServiceGuide } from '../../contracts/service-item.ts';
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { assertIsoDate, chinaDate, dayNumber, fromDayNumber, isIsoDate } from '../calendar/china-date.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { DomainError, conflict, forbidden, invalid } from '../errors.ts';
import { isCaseNo } from '../identifiers/case-number.ts';
import { assertCreditCode } from '../identifiers/credit-code.ts';
import { assertResidentId } from '../identifiers/resident-id.ts';
import { findingsDue, withFindings } from './case-findings.ts';
import { caseStateDigest, hashCaseEntry, payloadDigest } from './case-history.ts';
import type {
  Acceptance,
  Applicant,
  CaseAction,
  CaseEventType,
  CaseMaterial,
  CaseArchive,
  CaseResults,
  CaseState,
  LicenceTerms,
  CaseStatus,
  CaseTransition,
  CasePause,
  JsonValue,
  MaterialRule,
  SpecialProcedure,
  JointTask,
  SupervisionMark,
  SupplementProblem,
} from './case-record.ts';
import { ACCEPTABLE_ARCHIVE_FINDINGS, CASE_STATUS_ZH as STATUS_ZH, FINAL_STATUSES, SPECIAL_PROCEDURES } from './case-record.ts';
import { PRE_REVIEW_DAYS, datesToRecompute, isProvisional, withComputedDates } from './case-dates.ts';

export type CaseCommand =
  | { action: 'request-supplement'; problems: SupplementProblem[] }
  | { action: 'supplement'; materials?: Record<string, CaseMaterial>; form?: Record<string, JsonValue> }
  | { action: 'accept' }
  | { action: 'accept-pending'; pendingMaterials: string[]; pendingDueOn: string }
  | { action: 'deem-accepted' }
  | { action: 'refuse'; reasons: string[] }
  | { action: 'pause'; procedure: SpecialProcedure; reason: string; expectedDays: number }
  | { action: 'extend'; days: number; approvedBy: string; reasons: string[] }
  | { action: 'deliver'; materials?: Record<string, CaseMaterial> }
  | { action: 'pre-review'; outcome: 'passes' | 'incomplete'; missing?: string[]; nextSteps: string }
  | { action: 'resume' }
  | { action: 'decide'; outcome: 'approved' | 'denied'; reasons?: string[]; overrideReasons?: string[]; licence?: LicenceTerms }
  | { action: 'withdraw'; reason: string }
  | { action: 'mark-overdue' }
  | { action: 'mark-violation' }
  | { action: 'record-findings' }
  | { action: 'accept-archive-findings'; reasons: string[] }
  | { action: 'recompute-dates' }
  | { action: 'dispatch'; graceDays?: number }
  | { action: 'opinion'; outcome: 'agree' | 'disagree'; reasons?: string[]; attachments?: Record<string, CaseMaterial> }
  | { action: 'escalate'; departmentId: string }
  | { action: 'record-missing'; departmentId: string }
  | { action: 'joint-failed'; error: string; cause: string }
  | { action: 'seal'; results: CaseResults }
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
  archive: { by: 'system', from: ['decided', 'refused', 'withdrawn'] },
  'archive-failed': { by: 'system', from: ['decided', 'refused', 'withdrawn'] },
  'accept-archive-findings': { by: 'platform', from: ['decided', 'refused', 'withdrawn'] },
};

/** Files a case for an applicant: validates the application against the item's guide. */
export function fileCase(input: FileCaseInput, ctx: CaseContext): CaseTransition {
  checkContext(ctx);
  requireRole(ctx.actor, 'channel');
  const channelId = ctx.actor.channelId;
  if (!channelId) {
    throw forbidden('CASE_CHANNEL_FORBIDDEN', '调用身份未关联渠道，不能提交办件', `caller ${ctx.actor.name} is not bound to a channel`);
  }
  const { guide } = input.item;
  if (guide.implementationCode !== input.item.code) {
    // The service loaded the wrong guide: filing against it would check the wrong materials.
    throw new Error(`fileCase: the guide is of item ${guide.implementationCode}, not ${input.item.code}`);
  }
  if (!isCaseNo(input.caseNo)) {
    throw invalid('CASE_NO_INVALID', 'caseNo', '办件编号应为1-64位字母、数字或连字符', `case number "${input.caseNo}" is not 1-64 letters, digits or hyphens`);
  }
  checkApplicant(input.applicant, ctx.today);

  const materialRules = guide.materials.map(
    (m): MaterialRule => ({ name: m.name, required: m.required, tolerable: m.tolerable, ...(m.replaceableByLicenceType ? { licenceType: m.replaceableByLicenceType } : {}) }),
  );
  checkMaterials(input.materials, materialRules);
  for (const rule of materialRules) {
    if (rule.required && !rule.tolerable && !Object.hasOwn(input.materials, rule.name)) {
      throw invalid(
        'CASE_MATERIAL_MISSING',
        `materials.${rule.name}`,
        `缺少必需材料“${rule.name}”`,
        `the required material "${rule.name}" is missing (it is not tolerable, so it cannot follow later)`,
      );
    }
  }

  const days = deemedAcceptanceDays(ctx);
  const state: Omit<CaseState, 'hash'> = {
    caseNo: input.caseNo,
    itemCode: input.item.code,
    itemName: guide.name,
    itemVersion: input.item.version,
    departmentId: guide.departmentId,
    coDepartmentIds: guide.jointHandling?.coDepartments.map((c) => c.departmentId) ?? [],
    ...(guide.jointHandling ? { coDepartmentDays: Object.fromEntries(guide.jointHandling.coDepartments.map((c) => [c.departmentId, c.timeLimitDays])) } : {}),
    channelId,
    applicant: input.applicant,
    form: input.form,
    materials: input.materials,
    materialRules,
    status: 'received',
    receivedAt: ctx.at,
    receivedOn: ctx.today,
    materialsReceivedOn: ctx.today,
    deemedAcceptanceDays: days,
    preReviewOffered: guide.handlingMode === 'online-prereview-window',
    limits: { promisedDays: guide.timeLimits.promisedDays, statutoryDays: guide.timeLimits.statutoryDays },
    pauses: [],
    version: 1,
    updatedAt: ctx.at,
  };
  // The guide is identified by item code and version; its text is not part of what the channel sent.
  const payload = { caseNo: input.caseNo, itemCode: input.item.code, itemVersion: input.item.version, applicant: input.applicant, form: input.form, materials: input.materials };
  return record(withComputedDates(state, ctx.calendar), 'file', null, payload, undefined, ctx);
}

/** The next state of a case after `command`, with the history entry recording it. */
export function applyCaseCommand(state: CaseState, command: CaseCommand, ctx: CaseContext): CaseTransition {
  checkContext(ctx);
  const rule = CASE_RULES[command.action];
  // Who may act comes first: an outsider learns nothing about the case's status from the answer.
  authorize(state, command.action, rule.by, ctx.actor);
  if (!rule.from.includes(state.status)) {
    throw FINAL_STATUSES.includes(state.status) ? closed(state, command.action) : illegal(state, command.action);
  }
  const { today } = ctx;
  const { hash: _hash, ...current } = state;
  // Whatever the action, it records what supervision found late before it (case-findings.ts): a late
  // step never hides its own lateness.
  const base = { ...current, ...withFindings(state, today), version: state.version + 1, updatedAt: ctx.at };
  const next = (changes: Partial<Omit<CaseState, 'hash'>>): Omit<CaseState, 'hash'> => ({ ...base, ...changes });

  switch (command.action) {
    case 'request-supplement': {
      requireAnswerInTime(state, command.action, ctx);
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
      return record(next({ status: 'supplement-requested', supplementRequest: command.problems }), command.action, state, command, state.hash, ctx);
    }

    case 'supplement': {
      const materials = command.materials ?? {};
      if (Object.keys(materials).length === 0 && command.form === undefined) {
        throw invalid('CASE_SUPPLEMENT_EMPTY', 'materials', '补正内容为空：请提交补正材料或更正后的申请表', 'a supplement carries materials, a corrected form, or both; it has neither');
      }
      checkMaterials(materials, state.materialRules);
      const { supplementRequest: _answered, ...rest } = base;
      // The answer period starts again from the supplement (Art. 32 counts from receipt of the
      // materials), with the number of days fixed when the case was filed; its dates all computed anew.
      return record(
        withComputedDates(
          {
            ...rest,
            status: 'received',
            materials: { ...state.materials, ...materials },
            ...(command.form !== undefined ? { form: command.form } : {}),
            materialsReceivedOn: today,
            lastSupplement: { on: today, delivered: [...Object.keys(materials), ...(command.form !== undefined ? [FORM] : [])] },
          },
          ctx.calendar,
        ),
        command.action,
        state,
        command,
        state.hash,
        ctx,
      );
    }

    case 'accept': {
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
      return record(accepted(base, { on: today, mode: 'normal' }, ctx), command.action, state, command, state.hash, ctx);
    }

    case 'accept-pending': {
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
      return record(accepted(base, acceptance, ctx), command.action, state, command, state.hash, ctx);
    }

    case 'deem-accepted': {
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
      return record(accepted(base, { on: state.materialsReceivedOn, mode: 'deemed' }, ctx), command.action, state, command, state.hash, ctx);
    }

    case 'refuse': {
      if (state.status === 'received') requireAnswerInTime(state, command.action, ctx);
      requireTexts(command.reasons, 'reasons', '不予受理');
      return record(next({ status: 'refused', refusal: { reasons: command.reasons, on: today } }), command.action, state, command, state.hash, ctx);
    }

    case 'pause': {
      if (openPause(state)) throw clockPaused(state, command.action);
      if (!SPECIAL_PROCEDURES.includes(command.procedure)) {
        throw invalid(
          'CASE_PROCEDURE_UNKNOWN',
          'procedure',
          `“${String(command.procedure)}”不是可暂停计时的特别程序`,
          `"${String(command.procedure)}" is not a special procedure; one of ${SPECIAL_PROCEDURES.join(', ')}`,
        );
      }
      requireText(command.reason, 'reason', '暂停计时');
      if (!Number.isSafeInteger(command.expectedDays) || command.expectedDays < 1 || command.expectedDays > MAX_PROCEDURE_DAYS) {
        throw invalid(
          'CASE_PROCEDURE_DAYS_INVALID',
          'expectedDays',
          `特别程序应载明所需时间（1至${MAX_PROCEDURE_DAYS}个工作日）`,
          `a special procedure names the working days it is expected to take, 1 to ${MAX_PROCEDURE_DAYS}`,
        );
      }
      // A pause starts the day it is recorded: a backdated pause would take days off a clock that
      // has already run, and hide an overdue case from supervision.
      const lastEnd = state.pauses.at(-1)?.to ?? state.acceptance!.on;
      if (today < lastEnd) throw outOfOrder(state, `暂停日期（${today}）早于受理日或上次恢复日（${lastEnd}）`, `a pause from ${today} would start before ${lastEnd}`);
      const pause: CasePause = { from: today, procedure: command.procedure, reason: command.reason, expectedDays: command.expectedDays };
      // A deadline passed already is recorded now: the pause takes the deadlines away, not the lateness.
      // The deadlines go while the clock stands still: they move with the pause.
      return record(withComputedDates({ ...base, ...lateness(state, today), pauses: [...state.pauses, pause] }, ctx.calendar), command.action, state, command, state.hash, ctx);
    }

    case 'resume': {
      const open = openPause(state);
      if (!open) {
        throw conflict('CASE_CLOCK_RUNNING', '办件未暂停计时，无需恢复', `case ${state.caseNo} has no open pause to resume`);
      }
      if (today < open.from) throw outOfOrder(state, `恢复日期（${today}）早于暂停日期（${open.from}）`, `resuming on ${today} would end the pause before it began on ${open.from}`);
      const pauses = [...state.pauses.slice(0, -1), { ...open, to: today }];
      return record(withComputedDates({ ...base, pauses }, ctx.calendar), command.action, state, command, state.hash, ctx);
    }

    case 'decide': {
      if (openPause(state)) throw clockPaused(state, command.action);
      const joint = state.coDepartmentIds.length > 0;
      if (joint && state.status !== 'opinions-complete') {
        throw conflict(
          'CASE_JOINT_OPINIONS_MISSING',
          '联合办理事项须收齐协办部门意见（或法定期限届满后登记缺失）后方可作出决定',
          `case ${state.caseNo} is handled jointly; it is decided once every co-department's opinion is in or recorded missing`,
        );
      }
      if (command.outcome !== 'approved' && command.outcome !== 'denied') {
        throw invalid('CASE_OUTCOME_INVALID', 'outcome', '决定结果应为准予（approved）或不予（denied）', `the outcome is approved or denied, not "${String(command.outcome)}"`);
      }
      const reasons = command.reasons ?? [];
      if (command.outcome === 'denied' || reasons.length > 0) requireTexts(reasons, 'reasons', '不予许可');
      const opinions = state.jointTasks ?? [];
      // 容缺 (004 §18): an approval waits until the pending materials are delivered; a denial need not.
      const pendingNow = state.acceptance?.pendingMaterials ?? [];
      if (command.outcome === 'approved' && pendingNow.length > 0) {
        throw conflict(
          'CASE_PENDING_MATERIALS_OUTSTANDING',
          `容缺材料尚未补交（${pendingNow.join('、')}，期限${state.acceptance?.pendingDueOn ?? ''}），暂不能作出准予决定`,
          `case ${state.caseNo} still waits for its pending materials (${pendingNow.join(', ')}, due ${state.acceptance?.pendingDueOn ?? '?'}): it cannot be approved before they are delivered`,
        );
      }
      const overridden = command.outcome === 'approved' && opinions.some((t) => t.opinion?.outcome === 'disagree');
      if (overridden) requireTexts(command.overrideReasons, 'overrideReasons', '不采纳协办部门的不同意见');
      if (command.licence !== undefined) checkLicenceTerms(command.licence, command.outcome, today);
      const decision = {
        outcome: command.outcome,
        reasons,
        on: today,
        ...(joint ? { opinions } : {}),
        ...(overridden ? { overrideReasons: command.overrideReasons! } : {}),
        ...(command.licence !== undefined ? { licence: command.licence } : {}),
      };
      // Decided after a deadline the sweep has not marked yet: the lateness is recorded with the decision.
      return record(next({ status: 'decided', decision, ...lateness(state, today) }), command.action, state, command, state.hash, ctx);
    }

    case 'dispatch': {
      if (state.coDepartmentIds.length === 0 || state.jointTasks) {
        throw conflict(
          'CASE_NOT_DISPATCHABLE',
          state.jointTasks ? '办件已分送协办部门' : '该办件不是联合办理事项',
          state.jointTasks ? `case ${state.caseNo} is dispatched already` : `case ${state.caseNo} has no co-departments`,
        );
      }
      const graceDays = command.graceDays ?? DEFAULT_JOINT_GRACE_DAYS;
      if (!Number.isSafeInteger(graceDays) || graceDays < 0 || graceDays > MAX_JOINT_GRACE_DAYS) throw new RangeError(`dispatch: a grace of ${graceDays} working days is not 0-${MAX_JOINT_GRACE_DAYS}`);
      const jointTasks = state.coDepartmentIds.map((departmentId): JointTask => ({ departmentId, dispatchedOn: today, status: 'pending', graceDays }));
      return record(withComputedDates(next({ jointTasks }), ctx.calendar), command.action, state, command, state.hash, ctx);
    }

    case 'opinion': {
      const task = jointTask(state, ctx.actor.departmentId!);
      if (task.status === 'answered' || task.status === 'missing') {
        throw conflict(
          'CASE_OPINION_EXISTS',
          task.status === 'answered' ? '本部门已就该办件提出意见，不能重复提出' : '本部门的意见已因逾期登记为缺失',
          `department ${task.departmentId} has ${task.status === 'answered' ? 'given its opinion on' : 'been recorded missing for'} case ${state.caseNo}`,
        );
      }
      if (command.outcome !== 'agree' && command.outcome !== 'disagree') {
        throw invalid('CASE_OPINION_INVALID', 'outcome', '意见应为同意（agree）或不同意（disagree）', `an opinion is agree or disagree, not "${String(command.outcome)}"`);
      }
      const reasons = command.reasons ?? [];
      if (command.outcome === 'disagree' || reasons.length > 0) requireTexts(reasons, 'reasons', '不同意');
      const attachments = command.attachments ?? {};
      checkAttachments(attachments);
      const answered: JointTask = { ...task, status: 'answered', opinion: { outcome: command.outcome, reasons, attachments, on: today, by: ctx.actor.name } };
      return record(withTask(base, state, answered), command.action, state, command, state.hash, ctx);
    }

    case 'escalate': {
      const task = jointTask(state, command.departmentId);
      // A provisional due date makes nobody late: the co-department is escalated once it is official.
      if (task.status !== 'pending' || task.dueOn === undefined || today <= task.dueOn || isProvisional(state, `jointTasks.${task.departmentId}.dueOn`)) {
        throw conflict('CASE_TASK_NOT_LATE', '协办部门的意见期限尚未届满或已处理', `the opinion of ${command.departmentId} on case ${state.caseNo} is not late on ${today}, or not pending`);
      }
      return record(withTask(base, state, { ...task, status: 'escalated', escalatedOn: today }), command.action, state, command, state.hash, ctx);
    }

    case 'record-missing': {
      const task = jointTask(state, command.departmentId);
      // Missing once its grace after the due day (or the case's statutory deadline) has passed, officially.
      const statutory = isProvisional(state, 'deadlines.statutory') ? undefined : state.deadlines?.statutory;
      const grace = isProvisional(state, `jointTasks.${task.departmentId}.graceUntil`) ? undefined : task.graceUntil;
      const passed = (date: string | undefined) => date !== undefined && today > date;
      if ((task.status !== 'pending' && task.status !== 'escalated') || !(passed(statutory) || passed(grace))) {
        throw conflict(
          'CASE_TASK_NOT_MISSING',
          '办件法定期限尚未届满，协办部门意见不能登记为缺失',
          `the opinion of ${command.departmentId} on case ${state.caseNo} is still awaited (statutory deadline ${statutory ?? 'unknown'}) or in`,
        );
      }
      return record(withTask(base, state, { ...task, status: 'missing', missingOn: today }), command.action, state, command, state.hash, ctx);
    }

    case 'joint-failed': {
      if (state.coDepartmentIds.length === 0) {
        throw conflict('CASE_NOT_DISPATCHABLE', '该办件不是联合办理事项', `case ${state.caseNo} has no co-departments`);
      }
      const jointFailure = { error: String(command.error ?? '').slice(0, 256) || 'unknown', cause: String(command.cause ?? '').slice(0, 2000), on: today };
      return record(next({ jointFailure }), command.action, state, command, state.hash, ctx);
    }

    case 'seal': {
      // Once: a case's results are sealed a single time, and never replaced.
      if (state.results) {
        throw conflict('CASE_SEALED', `办件结果已于${state.results.sealedAt}加盖电子印章`, `the results of case ${state.caseNo} were sealed at ${state.results.sealedAt}`);
      }
      return record(next({ results: command.results }), command.action, state, command, state.hash, ctx);
    }

    case 'archive':
    case 'archive-failed': {
      // Once archived, for good; a failed attempt is recorded (and counted) until one succeeds.
      if (state.archive?.state === 'archived') {
        throw conflict('CASE_ARCHIVED', `办件已于${state.archive.archivedAt}归档`, `case ${state.caseNo} was archived at ${state.archive.archivedAt} as ${state.archive.bundleKey}`);
      }
      if (state.status === 'decided' && !state.results) {
        throw conflict('CASE_NOT_SEALED', '办件结果尚未加盖电子印章，暂不能归档', `case ${state.caseNo} is decided but its results are not sealed yet`);
      }
      const archive: CaseArchive =
        command.action === 'archive'
          ? command.archive
          : { state: 'failed', on: today, findings: command.findings, attempts: (state.archive?.state === 'failed' ? state.archive.attempts : 0) + 1 };
      return record(next({ archive }), command.action, state, command, state.hash, ctx);
    }

    case 'accept-archive-findings': {
      // A case that ended before intake refused such files: the platform role accepts what the
      // archive's check found of a file (not of its format, encrypted), with reasons; the next
      // archiving lists those findings as accepted in the bundle's report instead of failing on them.
      if (state.archive?.state === 'archived') {
        throw conflict('CASE_ARCHIVED', `办件已于${state.archive.archivedAt}归档`, `case ${state.caseNo} was archived at ${state.archive.archivedAt} as ${state.archive.bundleKey}`);
      }
      const accepted = state.archiveExceptions ?? [];
      const open = (state.archive?.state === 'failed' ? state.archive.findings : []).filter(
        (f): f is typeof f & { path: string } =>
          ACCEPTABLE_ARCHIVE_FINDINGS.includes(f.code) && f.path !== undefined && !accepted.some((a) => a.code === f.code && a.path === f.path),
      );
      if (open.length === 0) {
        throw conflict(
          'CASE_ARCHIVE_NOTHING_TO_ACCEPT',
          '该办件最近一次归档检测没有可接受的发现（只有文件格式不符、文件加密两类可以接受）',
          `the last archiving attempt of case ${state.caseNo} found nothing that may be accepted (only ${ACCEPTABLE_ARCHIVE_FINDINGS.join(' and ')} of a file)`,
        );
      }
      requireTexts(command.reasons, 'reasons', '接受归档检测发现');
      const exceptions = open.map((f) => ({ code: f.code, path: f.path, message: f.message, reasons: command.reasons, acceptedBy: ctx.actor.name, on: today }));
      return record(next({ archiveExceptions: [...accepted, ...exceptions] }), command.action, state, command, state.hash, ctx);
    }

    case 'withdraw': {
      requireText(command.reason, 'reason', '撤回');
      return record(next({ status: 'withdrawn', withdrawal: { reason: command.reason, on: today } }), command.action, state, command, state.hash, ctx);
    }

    case 'mark-overdue':
    case 'mark-violation': {
      const mark: SupervisionMark = command.action === 'mark-overdue' ? 'overdue' : 'violation';
      const due = supervisionDue(state, today);
      // Exactly the mark due: a case past its statutory deadline goes straight to the violation list.
      if (due !== mark) {
        throw conflict(
          'CASE_NOT_LATE',
          `办件${mark === 'overdue' ? '未超过承诺时限' : '未超过法定时限'}或已登记，不能登记为“${ACTION_ZH[command.action]}”`,
          `case ${state.caseNo} is not ${mark} on ${today} (or is marked already)`,
        );
      }
      // The deadline it passed is kept with the mark: a later pause takes the deadlines away, not the lateness.
      return record(next(lateness(state, today)), command.action, state, command, state.hash, ctx);
    }

    case 'record-findings': {
      // The sweep's: findings nobody's action has recorded yet (base records them).
      if (findingsDue(state, today).length === 0) {
        throw conflict('CASE_NO_FINDINGS', '办件没有待登记的督查发现', `case ${state.caseNo} has nothing late to record on ${today} (or it is recorded already)`);
      }
      return record(base, command.action, state, command, state.hash, ctx);
    }

    case 'pre-review': {
      // 001 §14, 004 §18: where the item offers online pre-review, the department's opinion on the
      // materials as received — they pass, or what is missing and what to do next — within 2 working days.
      if (!state.preReviewOffered) {
        throw conflict('CASE_PRE_REVIEW_NOT_OFFERED', '该事项不提供网上预审', `the item of case ${state.caseNo} offers no online pre-review`);
      }
      if (state.preReview && state.preReview.on >= state.materialsReceivedOn) {
        throw conflict('CASE_PRE_REVIEW_GIVEN', `已于${state.preReview.on}出具预审意见`, `the pre-review opinion on case ${state.caseNo}'s materials was given on ${state.preReview.on}`);
      }
      if (command.outcome !== 'passes' && command.outcome !== 'incomplete') {
        throw invalid('CASE_PRE_REVIEW_INVALID', 'outcome', '预审意见应为通过（passes）或材料不全（incomplete）', `a pre-review opinion is passes or incomplete, not "${String(command.outcome)}"`);
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
      return record(next({ preReview }), command.action, state, command, state.hash, ctx);
    }

    case 'deliver': {
      // 容缺 (004 §18): the channel delivers the materials the case was accepted without.
      const pending = state.acceptance?.pendingMaterials ?? [];
      const materials = command.materials ?? {};
      if (pending.length === 0) {
        throw conflict('CASE_NOTHING_PENDING', '该办件没有待补交的容缺材料', `case ${state.caseNo} waits for no pending material`);
      }
      if (Object.keys(materials).length === 0) {
        throw invalid('CASE_DELIVERY_EMPTY', 'materials', `请补交容缺材料：${pending.join('、')}`, `a delivery carries at least one of the pending materials: ${pending.join(', ')}`);
      }
      checkMaterials(materials, state.materialRules);
      for (const name of Object.keys(materials)) {
        if (!pending.includes(name)) {
          throw invalid('CASE_MATERIAL_NOT_PENDING', `materials.${name}`, `“${name}”不是待补交的容缺材料（待补交：${pending.join('、')}）`, `"${name}" is not a pending material of case ${state.caseNo} (${pending.join(', ')})`);
        }
      }
      const acceptance: Acceptance = {
        ...state.acceptance!,
        pendingMaterials: pending.filter((name) => !Object.hasOwn(materials, name)),
        delivered: [...(state.acceptance!.delivered ?? []), ...Object.keys(materials).map((material) => ({ material, on: today }))],
      };
      return record(next({ materials: { ...state.materials, ...materials }, acceptance }), command.action, state, command, state.hash, ctx);
    }

    case 'extend': {
      // Art. 42: once, approved by the head of the department, before the statutory limit has run out.
      if (state.extension) {
        throw conflict('CASE_ALREADY_EXTENDED', `办理期限已于${state.extension.on}延长，只能延长一次`, `the time limit of case ${state.caseNo} was extended on ${state.extension.on}; it is extended once`);
      }
      const most = state.coDepartmentIds.length > 0 ? MAX_JOINT_EXTENSION_DAYS : MAX_EXTENSION_DAYS;
      if (!Number.isSafeInteger(command.days) || command.days < 1 || command.days > most) {
        throw invalid(
          'CASE_EXTENSION_DAYS_INVALID',
          'days',
          `延长期限为1至${most}个工作日（行政许可法第四十二条）`,
          `an extension is 1 to ${most} working days (Art. 42${most === MAX_JOINT_EXTENSION_DAYS ? ', joint handling' : ''})`,
        );
      }
      if (isBlank(command.approvedBy)) throw invalid('CASE_EXTENSION_APPROVER_REQUIRED', 'approvedBy', '延长期限须经本行政机关负责人批准，请载明批准人', 'an extension names the head of the department who approved it');
      requireTexts(command.reasons, 'reasons', '延长办理期限');
      const statutory = state.deadlines?.statutory;
      if (statutory !== undefined && today > statutory && !isProvisional(state, 'deadlines.statutory')) {
        throw conflict('CASE_EXTENSION_TOO_LATE', `法定办理期限已于${statutory}届满，不能再延长`, `the statutory time limit of case ${state.caseNo} ended on ${statutory}: it can no longer be extended`);
      }
      const extension = { days: command.days, approvedBy: command.approvedBy.trim(), reasons: command.reasons, on: today };
      return record(withComputedDates(next({ extension }), ctx.calendar), command.action, state, command, state.hash, ctx);
    }

    case 'recompute-dates': {
      // The calendar data changed for a year the case's dates were counted across (loaded, or a new
      // version): every live date computed again, with the versions it now rests on.
      if (!datesToRecompute(state, ctx.calendar)) {
        throw conflict('CASE_DEADLINES_UNCHANGED', '办件的期限与现行工作日历一致，无需重算', `case ${state.caseNo}'s dates are those the current calendar data gives`);
      }
      return record(withComputedDates(base, ctx.calendar), command.action, state, command, state.hash, ctx);
    }
  }
}

/** The co-department's task on a dispatched joint case. */
function jointTask(state: CaseState, departmentId: string): JointTask {
  if (!state.jointTasks) {
    throw conflict('CASE_NOT_DISPATCHED', '办件尚未分送协办部门', `case ${state.caseNo} has not been dispatched to its co-departments`);
  }
  const task = state.jointTasks.find((t) => t.departmentId === departmentId);
  if (!task) throw new Error(`case ${state.caseNo}: ${departmentId} is no co-department`);
  return task;
}

/** The state with one task replaced; once no task is awaited any more, the opinions are complete. */
function withTask(base: Omit<CaseState, 'hash'>, state: CaseState, task: JointTask): Omit<CaseState, 'hash'> {
  const jointTasks = state.jointTasks!.map((t) => (t.departmentId === task.departmentId ? task : t));
  const complete = jointTasks.every((t) => t.status === 'answered' || t.status === 'missing');
  return { ...base, jointTasks, ...(complete ? { status: 'opinions-complete' as const } : {}) };
}

function checkAttachments(attachments: Record<string, CaseMaterial>): void {
  for (const [name, m] of Object.entries(attachments)) {
    const field = `attachments.${name}`;
    if (m?.kind !== 'upload') throw materialInvalid(`${field}.kind`, '意见附件应为上传文件', 'an attachment is an uploaded file');
    if (!SHA256_HEX.test(m.sha256)) throw materialInvalid(`${field}.sha256`, 'SHA-256 摘要应为64位小写十六进制', 'sha256 is 64 lower-case hex characters');
    if (!Number.isSafeInteger(m.size) || m.size < 1) throw materialInvalid(`${field}.size`, '附件大小应为正整数字节', 'size is a positive whole number of bytes');
  }
}

/**
 * The supervision mark a case has earned by `today` and not yet received: `violation` once the day
 * after the statutory deadline has come, else `overdue` once the day after the promised one has
 * (a department may act up to and including a deadline day). Undefined while nothing is due: not
 * accepted, clock paused, the deadline flagged or only provisional, or the mark already made.
 */
export function supervisionDue(state: CaseState, today: string): SupervisionMark | undefined {
  if ((state.status !== 'accepted' && state.status !== 'opinions-complete') || !state.deadlines) return undefined;
  const passed = (which: 'promised' | 'statutory') => {
    const deadline = state.deadlines?.[which];
    return deadline !== undefined && today > deadline && !isProvisional(state, `deadlines.${which}`);
  };
  if (passed('statutory') && state.supervision !== 'violation') return 'violation';
  if (passed('promised') && state.supervision === undefined) return 'overdue';
  return undefined;
}

/** The supervision mark a case has earned by `today` and not received yet, as the state records it. */
function lateness(state: CaseState, today: string): Pick<CaseState, 'supervision' | 'supervisionDeadline'> {
  const mark = supervisionDue(state, today);
  if (!mark) return {};
  return { supervision: mark, supervisionDeadline: state.deadlines![mark === 'overdue' ? 'promised' : 'statutory']! };
}

/**
 * What the periodic sweep does to a case today, if anything: deem it accepted once the department's
 * answer period is over (Art. 32), compute its dates again when the calendar data they were counted
 * with has changed (a year loaded or corrected), then mark it late, or record what else it found late
 * (case-findings.ts). Applied repeatedly until it answers undefined,
 * so one sweep takes a case as far as the calendar says it has come (a deemed acceptance dated back
 * to the receipt of the materials may already be overdue).
 */
export function sweepCommand(state: CaseState, today: string, calendar: WorkingDayCalendar): CaseCommand | undefined {
  if (state.status === 'received' && answerPeriodOver(state, today, calendar)) return { action: 'deem-accepted' };
  if (datesToRecompute(state, calendar)) return { action: 'recompute-dates' };
  const due = supervisionDue(state, today);
  if (due) return due === 'violation' ? { action: 'mark-violation' } : { action: 'mark-overdue' };
  return findingsDue(state, today).length > 0 ? { action: 'record-findings' } : undefined;
}

/**
 * Whether the department's time to answer (Art. 32) is over on `today`: `deemedAcceptanceDays`
 * working days after `materialsReceivedOn` have passed in full, i.e. `today` is after
 * `deemedAcceptedOn`. The department may answer up to and including `deemedAcceptedOn`; from the
 * next calendar day (a day off included) only the sweep may act, by deeming the case accepted.
 * Counted up to yesterday rather than compared with the stored date, so that it needs calendar data
 * only for days already past and works for cases whose `deemedAcceptedOn` was flagged.
 */
export function answerPeriodOver(
  state: Pick<CaseState, 'materialsReceivedOn' | 'deemedAcceptanceDays'>,
  today: string,
  calendar: WorkingDayCalendar,
): boolean {
  assertIsoDate(today, 'today');
  if (today <= state.materialsReceivedOn) return false;
  const yesterday = fromDayNumber(dayNumber(today) - 1);
  // Provisionally, across a year not loaded yet: the answer period is not left open for want of data.
  return calendar.countWorkingDays(state.materialsReceivedOn, yesterday).days >= state.deemedAcceptanceDays;
}

const FORM = 'form';
// Mainland mobile, mainland landline with area code, or an international number.
const PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\+\d{6,15})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function record(
  state: Omit<CaseState, 'hash'>,
  type: CaseEventType,
  from: CaseState | null,
  payload: unknown,
  previousHash: string | undefined,
  ctx: CaseContext,
): CaseTransition {
  const entryBody = {
    caseNo: state.caseNo,
    n: state.version,
    type,
    actor: { name: ctx.actor.name, role: ctx.actor.role },
    at: ctx.at,
    on: ctx.today,
    from: from?.status ?? null,
    to: state.status,
    payloadDigest: payloadDigest(payload),
    stateDigest: caseStateDigest(state),
    ...(previousHash !== undefined ? { previousHash } : {}),
  };
  const entry = { ...entryBody, hash: hashCaseEntry(entryBody) };
  return { state: { ...state, hash: entry.hash }, entry };
}

function checkContext(ctx: CaseContext): void {
  assertIsoDate(ctx.today, 'today');
  const at = new Date(ctx.at);
  // One clock reading makes both: a mismatch is a bug in the caller, and would put the receipt
  // date and the counted deadlines on different days.
  if (Number.isNaN(at.getTime()) || chinaDate(at) !== ctx.today) {
    throw new Error(`case context: ${ctx.today} is not the China date of ${ctx.at}`);
  }
}

function deemedAcceptanceDays(ctx: CaseContext): number {
  const n = ctx.deemedAcceptanceDays ?? DEFAULT_DEEMED_ACCEPTANCE_DAYS;
  if (!Number.isSafeInteger(n) || n < 1 || n > DEFAULT_DEEMED_ACCEPTANCE_DAYS) {
    throw invalid(
      'CASE_DEEMED_DAYS_INVALID',
      'deemedAcceptanceDays',
      `受理答复期限应为1至5个工作日（行政许可法第三十二条），配置为${n}`,
      `the answer period is 1 to 5 working days (Art. 32); configured: ${n}`,
    );
  }
  return n;
}

function accepted(base: Omit<CaseState, 'hash'>, acceptance: Acceptance, ctx: CaseContext): Omit<CaseState, 'hash'> {
  return withComputedDates({ ...base, status: 'accepted', acceptance }, ctx.calendar);
}

function authorize(state: CaseState, action: CaseAction, by: 'department' | 'co-department' | 'channel' | 'platform' | 'system', actor: Caller): void {
  switch (by) {
    case 'platform':
      requireRole(actor, 'platform');
      return;
    case 'co-department':
      requireRole(actor, 'department');
      if (!actor.departmentId || !state.coDepartmentIds.includes(actor.departmentId)) {
        throw forbidden(
          'CASE_CO_DEPARTMENT_FORBIDDEN',
          '只有该办件的协办部门可以提出协办意见，牵头部门和其他部门不能代为提出',
          `only a co-department of case ${state.caseNo} (${state.coDepartmentIds.join(', ') || 'none'}) may ${action} it; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
        );
      }
      return;
    case 'department':
      requireRole(actor, 'department');
      if (actor.departmentId !== state.departmentId) {
        throw forbidden(
          'CASE_DEPARTMENT_FORBIDDEN',
          '只有该办件的受理部门可以办理此操作',
          `only the case's department ${state.departmentId} may ${action} case ${state.caseNo}; caller ${actor.name} acts for ${actor.departmentId ?? 'no department'}`,
        );
      }
      return;
    case 'channel':
      requireRole(actor, 'channel');
      if (actor.channelId !== state.channelId) {
        throw forbidden(
          'CASE_CHANNEL_FORBIDDEN',
          '只有提交该办件的渠道可以办理此操作',
          `only the filing channel ${state.channelId} may ${action} case ${state.caseNo}; caller ${actor.name} is channel ${actor.channelId ?? '(none)'}`,
        );
      }
      return;
    case 'system':
      requireRole(actor, 'platform');
      if (actor.name !== SYSTEM_CALLER.name) {
        throw forbidden('CASE_SYSTEM_FORBIDDEN', `“${ACTION_ZH[action]}”只能由系统按期限自动登记`, `${action} is applied by the platform's sweep only, not by ${actor.name}`);
      }
      return;
  }
}

/** Refuses a department's answer once the answer period is over: by then the law has answered. */
function requireAnswerInTime(state: CaseState, action: CaseAction, ctx: CaseContext): void {
  if (!answerPeriodOver(state, ctx.today, ctx.calendar)) return;
  const until = state.deemedAcceptedOn ?? `${state.deemedAcceptanceDays} working days after ${state.materialsReceivedOn}`;
  throw conflict(
    'CASE_ANSWER_PERIOD_OVER',
    `受理答复期限（${until}）已届满，依照行政许可法第三十二条该办件视为受理，不能再“${ACTION_ZH[action]}”，由系统登记视为受理`,
    `the answer period of case ${state.caseNo} ended ${until}; it counts as accepted (Art. 32), so the department can no longer ${action} it`,
  );
}

function checkApplicant(applicant: Applicant, today: string): void {
  if (applicant.kind === 'person') {
    assertResidentId(applicant.residentId, 'applicant.residentId', today);
    requireField(applicant.name, 'applicant.name', '申请人姓名');
    checkPhone(applicant.phone, 'applicant.phone');
  } else if (applicant.kind === 'organisation') {
    assertCreditCode(applicant.creditCode, 'applicant.creditCode');
    requireField(applicant.name, 'applicant.name', '申请单位名称');
    requireField(applicant.contact?.name, 'applicant.contact.name', '联系人姓名');
    checkPhone(applicant.contact.phone, 'applicant.contact.phone');
  } else {
    throw invalid('CASE_APPLICANT_KIND_INVALID', 'applicant.kind', '申请人类型应为自然人或法人', 'the applicant is a person or an organisation');
  }
}

function checkPhone(value: string, field: string): void {
  requireField(value, field, '联系电话');
  if (!PHONE.test(value)) {
    throw invalid('CASE_PHONE_INVALID', field, `联系电话“${value}”格式不正确`, `"${value}" is not a mobile, landline (with area code) or +international number`);
  }
}

function requireField(value: string | undefined, field: string, what: string): void {
  if (isBlank(value)) throw invalid('CASE_FIELD_REQUIRED', field, `${what}不能为空`, `${field} is required`);
}

/** The e-licence terms of a decision: only with an approval, and valid from the day of the decision. */
function checkLicenceTerms(terms: LicenceTerms, outcome: 'approved' | 'denied', today: string): void {
  const refuse = (field: string, zh: string, en: string) => invalid('CASE_LICENCE_TERMS_INVALID', `licence${field}`, zh, en);
  if (outcome !== 'approved') throw refuse('', '只有准予许可的决定才颁发电子证照', 'only an approval issues an e-licence: a denial takes no licence terms');
  if (terms.validUntil !== undefined) {
    if (typeof terms.validUntil !== 'string' || !isIsoDate(terms.validUntil)) {
      throw refuse('.validUntil', '有效期截止日应为 YYYY-MM-DD 格式的日期', `validUntil "${String(terms.validUntil)}" is not a date (YYYY-MM-DD)`);
    }
    if (terms.validUntil < today) throw refuse('.validUntil', `有效期截止日（${terms.validUntil}）早于决定日（${today}）`, `a licence valid until ${terms.validUntil} cannot be issued on ${today}`);
  }
}

function checkMaterials(materials: Record<string, CaseMaterial>, rules: readonly MaterialRule[]): void {
  for (const [name, material] of Object.entries(materials)) {
    const field = `materials.${name}`;
    const rule = rules.find((r) => r.name === name);
    if (!rule) throw unknownMaterial(name, field);
    if (material.kind === 'licence') {
      if (!rule.licenceType) {
        throw invalid(
          'CASE_LICENCE_NOT_ACCEPTED',
          field,
          `材料“${name}”不能以电子证照代替，请上传材料`,
          `the guide accepts no e-licence in place of "${name}"; upload the material`,
        );
      }
      if (isBlank(material.licenceId)) throw materialInvalid(`${field}.licenceId`, '电子证照标识不能为空', 'the licence identifier is empty');
    } else if (material.kind === 'upload') {
      if (isBlank(material.objectKey)) throw materialInvalid(`${field}.objectKey`, '材料文件标识不能为空', 'the object key is empty');
      if (!SHA256_HEX.test(material.sha256)) throw materialInvalid(`${field}.sha256`, 'SHA-256 摘要应为64位小写十六进制', 'sha256 is 64 lower-case hex characters');
      if (!Number.isSafeInteger(material.size) || material.size < 1) throw materialInvalid(`${field}.size`, '材料大小应为正整数字节', 'size is a positive whole number of bytes');
      if (isBlank(material.contentType)) throw materialInvalid(`${field}.contentType`, '材料格式不能为空', 'the content type is empty');
    } else {
      throw materialInvalid(`${field}.kind`, '材料应为上传文件或电子证照引用', 'a material is an upload or a licence reference');
    }
  }
}

/** The first required material not delivered and not in `pending`, in guide order. */
function absentRequired(state: CaseState, pending: readonly string[] = []): string | undefined {
  return state.materialRules.find((r) => r.required && !Object.hasOwn(state.materials, r.name) && !pending.includes(r.name))?.name;
}

function openPause(state: CaseState): CasePause | undefined {
  const last = state.pauses.at(-1);
  return last && last.to === undefined ? last : undefined;
}

function requireText(value: string | undefined, field: string, what: string): void {
  if (isBlank(value)) throw invalid('CASE_REASON_REQUIRED', field, `${what}须说明理由`, `${field} is required`);
}

function requireTexts(values: readonly string[] | undefined, field: string, what: string): void {
  if (!Array.isArray(values) || values.length === 0) throw invalid('CASE_REASONS_REQUIRED', field, `${what}须说明理由`, `${field} needs at least one reason`);
  values.forEach((v, i) => {
    if (isBlank(v)) throw invalid('CASE_REASONS_REQUIRED', `${field}.${i}`, `${what}的理由不能为空`, `${field}.${i} is empty`);
  });
}

function isBlank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

function unknownMaterial(name: string, field: string): DomainError {
  return invalid('CASE_MATERIAL_UNKNOWN', field, `“${name}”不是本事项办事指南列明的材料`, `"${name}" is not a material of the item's guide`);
}

function materialInvalid(field: string, zh: string, en: string): DomainError {
  return invalid('CASE_MATERIAL_INVALID', field, zh, en);
}

function illegal(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_ILLEGAL_TRANSITION',
    `办件当前状态为“${STATUS_ZH[state.status]}”，不能“${ACTION_ZH[action]}”`,
    `cannot ${action} case ${state.caseNo} in status ${state.status}`,
  );
}

function closed(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_CLOSED',
    `办件状态为“${STATUS_ZH[state.status]}”，已经终结，不能再“${ACTION_ZH[action]}”`,
    `case ${state.caseNo} is ${state.status}, a final status; cannot ${action} it`,
  );
}

function clockPaused(state: CaseState, action: CaseAction): DomainError {
  return conflict(
    'CASE_CLOCK_PAUSED',
    `办件正处于特别程序（计时暂停），不能“${ACTION_ZH[action]}”；请先恢复计时`,
    `case ${state.caseNo} is paused for a special procedure; resume it before you ${action}`,
  );
}

function outOfOrder(state: CaseState, zh: string, en: string): DomainError {
  return conflict('CASE_DATE_OUT_OF_ORDER', zh, `case ${state.caseNo}: ${en}`);
}


const ACTION_ZH: Record<CaseAction, string> = {
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
  archive: '归档',
  'archive-failed': '归档失败',
  'accept-archive-findings': '接受归档检测发现',
};
