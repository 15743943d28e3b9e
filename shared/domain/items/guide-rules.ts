// Rules a service guide must satisfy beyond its shape (004 §16): identifiers with valid
// checksums, an implementation code that embeds the department's own credit code, a promised
// time limit within the statutory one, and co-departments the platform knows.
import type { ServiceGuide } from '../../contracts/service-item.ts';
import { invalid } from '../errors.ts';
import { assertCreditCode } from '../identifiers/credit-code.ts';
import { assertImplementationCode } from '../identifiers/implementation-code.ts';

export function checkGuide(guide: ServiceGuide, knownDepartments: ReadonlySet<string>, field = 'guide'): void {
  assertCreditCode(guide.departmentId, `${field}.departmentId`);
  assertImplementationCode(guide.implementationCode, guide.departmentId, `${field}.implementationCode`);

  const { statutoryDays, promisedDays } = guide.timeLimits;
  if (promisedDays > statutoryDays) {
    throw invalid(
      'ITEM_PROMISED_EXCEEDS_STATUTORY',
      `${field}.timeLimits.promisedDays`,
      `承诺时限（${promisedDays}个工作日）不得超过法定时限（${statutoryDays}个工作日）`,
      `the promised time limit (${promisedDays} working days) exceeds the statutory one (${statutoryDays})`,
    );
  }

  guide.materials.forEach((m, i) => {
    if (m.tolerable && !m.required) {
      throw invalid(
        'ITEM_MATERIAL_TOLERABLE_NOT_REQUIRED',
        `${field}.materials.${i}.tolerable`,
        `材料“${m.name}”不是必需材料，不能设为容缺`,
        `material "${m.name}" is optional, so it cannot be marked tolerable (容缺 applies to required materials)`,
      );
    }
  });
  const names = new Set<string>();
  guide.materials.forEach((m, i) => {
    if (names.has(m.name)) {
      throw invalid('ITEM_MATERIAL_DUPLICATE', `${field}.materials.${i}.name`, `材料“${m.name}”重复`, `material "${m.name}" is listed twice`);
    }
    names.add(m.name);
  });

  if (guide.fees.charged && !guide.fees.basis) {
    throw invalid('ITEM_FEE_BASIS_MISSING', `${field}.fees.basis`, '收费事项必须载明收费依据', 'a charged item must state the legal basis of its fees');
  }
  if (!guide.fees.charged && guide.fees.items.length > 0) {
    throw invalid('ITEM_FEE_ITEMS_UNCHARGED', `${field}.fees.items`, '不收费事项不应列出收费项目', 'an item that charges no fees lists fee items');
  }

  const seen = new Set<string>();
  guide.jointHandling?.coDepartments.forEach((co, i) => {
    const at = `${field}.jointHandling.coDepartments.${i}`;
    assertCreditCode(co.departmentId, `${at}.departmentId`);
    if (co.departmentId === guide.departmentId) {
      throw invalid('ITEM_CO_DEPARTMENT_IS_LEAD', `${at}.departmentId`, '协办部门不能是牵头（实施）部门本身', 'the lead department cannot also be a co-department');
    }
    if (seen.has(co.departmentId)) {
      throw invalid('ITEM_CO_DEPARTMENT_DUPLICATE', `${at}.departmentId`, '协办部门重复', `co-department ${co.departmentId} is listed twice`);
    }
    seen.add(co.departmentId);
    if (!knownDepartments.has(co.departmentId)) {
      throw invalid(
        'ITEM_UNKNOWN_CO_DEPARTMENT',
        `${at}.departmentId`,
        `协办部门 ${co.departmentId} 未在平台登记`,
        `co-department ${co.departmentId} is not a department known to the platform`,
      );
    }
    if (co.timeLimitDays > promisedDays) {
      throw invalid(
        'ITEM_CO_DEPARTMENT_LIMIT_EXCEEDS_PROMISED',
        `${at}.timeLimitDays`,
        `协办时限（${co.timeLimitDays}个工作日）不得超过承诺时限（${promisedDays}个工作日）`,
        `the co-department's time limit (${co.timeLimitDays}) exceeds the item's promised limit (${promisedDays})`,
      );
    }
  });
}
