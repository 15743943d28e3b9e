// What the applicant's channel brings: the filing (checked against the item's guide), a supplement,
// the 容缺 materials delivered later, and a withdrawal.
import { requireRole } from '../access/caller.ts';
import { conflict, forbidden, invalid } from '../errors.ts';
import { isCaseNo } from '../identifiers/case-number.ts';
import type { Acceptance, CaseState, CaseTransition, MaterialRule } from './case-record.ts';
import { withComputedDates } from './case-dates.ts';
import type { CaseContext, FileCaseInput, Step, Steps } from './case-commands.ts';
import { DEFAULT_DEEMED_ACCEPTANCE_DAYS } from './case-commands.ts';
import { FORM, checkApplicant, checkMaterials, requireText } from './case-checks.ts';
import { record, checkContext } from './case-recording.ts';

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
    throw invalid('CASE_NO_INVALID', 'caseNo', '办件编号应为1-64位字母、数字或连字符', `case number ${JSON.stringify(input.caseNo)} is not 1-64 letters, digits or hyphens`);
  }
  checkApplicant(input.applicant, ctx.today);

  const materialRules = guide.materials.map((m): MaterialRule => ({
    name: m.name,
    required: m.required,
    tolerable: m.tolerable,
    ...(m.replaceableByLicenceType ? { licenceType: m.replaceableByLicenceType } : {}),
  }));
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

export function deemedAcceptanceDays(ctx: CaseContext): number {
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

const supplementStep: Step<'supplement'> = (state, command, { base, today, ctx }) => {
  const materials = command.materials ?? {};
  if (Object.keys(materials).length === 0 && command.form === undefined) {
    throw invalid(
      'CASE_SUPPLEMENT_EMPTY',
      'materials',
      '补正内容为空：请提交补正材料或更正后的申请表',
      'a supplement carries materials, a corrected form, or both; it has neither',
    );
  }
  checkMaterials(materials, state.materialRules);
  const { supplementRequest: _answered, ...rest } = base;
  // The answer period starts again from the supplement (Art. 32 counts from receipt of the
  // materials), with the number of days fixed when the case was filed; its dates all computed anew.
  return withComputedDates(
    {
      ...rest,
      status: 'received',
      materials: { ...state.materials, ...materials },
      ...(command.form !== undefined ? { form: command.form } : {}),
      materialsReceivedOn: today,
      lastSupplement: { on: today, delivered: [...Object.keys(materials), ...(command.form !== undefined ? [FORM] : [])] },
    },
    ctx.calendar,
  );
};

const withdrawStep: Step<'withdraw'> = (_state, command, { next, today }) => {
  requireText(command.reason, 'reason', '撤回');
  return next({ status: 'withdrawn', withdrawal: { reason: command.reason, on: today } });
};

const deliverStep: Step<'deliver'> = (state, command, { next, today }) => {
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
      throw invalid(
        'CASE_MATERIAL_NOT_PENDING',
        `materials.${name}`,
        `“${name}”不是待补交的容缺材料（待补交：${pending.join('、')}）`,
        `"${name}" is not a pending material of case ${state.caseNo} (${pending.join(', ')})`,
      );
    }
  }
  const acceptance: Acceptance = {
    ...state.acceptance!,
    pendingMaterials: pending.filter((name) => !Object.hasOwn(materials, name)),
    delivered: [...(state.acceptance!.delivered ?? []), ...Object.keys(materials).map((material) => ({ material, on: today }))],
  };
  return next({ materials: { ...state.materials, ...materials }, acceptance });
};

export const INTAKE_STEPS = {
  supplement: supplementStep,
  withdraw: withdrawStep,
  deliver: deliverStep,
} satisfies Partial<Steps>;
