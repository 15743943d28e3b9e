import { describe, expect, it } from 'vitest';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import { CREDIT_CODE_ALPHABET } from '../../shared/domain/identifiers/credit-code.ts';
import { checkGuide } from '../../shared/domain/items/guide-rules.ts';
import { DEPARTMENTS, UNLISTED_DEPARTMENT_ID } from '../support/directory-fixtures.ts';
import { GUIDES } from '../support/guide-fixtures.ts';
import { refusal } from '../support/refusal.ts';

const KNOWN = new Set(Object.values(DEPARTMENTS).map((d) => d.id));
const { market, housing, health, fire } = DEPARTMENTS;

type GuideKey = keyof typeof GUIDES;

/** A fixture guide, as the schema outputs it (defaults filled in). */
function fixtureGuide(key: GuideKey): ServiceGuide {
  return ServiceGuideSchema.parse(GUIDES[key]);
}

const FOOD = 'food'; // 食品经营许可证核发: market, 20/10 days, 5 materials (the 5th optional), no fees
const RESTAURANT = 'restaurant'; // 开办餐饮店“一件事”: market leads, health (8 days) and fire (10 days) co-handle, promised 15

/** A copy of a fixture guide with `change` applied. */
function guideWith(key: GuideKey, change: (g: ServiceGuide) => void): ServiceGuide {
  const guide = structuredClone(fixtureGuide(key));
  change(guide);
  return guide;
}

/** `code` with its 18th (check) character replaced by another character of the alphabet. */
function withWrongCheckChar(code: string): string {
  const last = code.charAt(17);
  const other = CREDIT_CODE_ALPHABET.charAt((CREDIT_CODE_ALPHABET.indexOf(last) + 1) % CREDIT_CODE_ALPHABET.length);
  return code.slice(0, 17) + other;
}

describe('checkGuide: valid guides', () => {
  it.each(Object.entries(GUIDES).map(([key, g]) => [g.name, key as GuideKey] as const))('accepts the fixture guide %s', (_name, key) => {
    // Prepare
    const guide = fixtureGuide(key);

    // Act / Assess
    expect(() => checkGuide(guide, KNOWN)).not.toThrow();
  });

  it('accepts a promised time limit equal to the statutory one', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.timeLimits = { statutoryDays: 20, promisedDays: 20 };
    });

    // Act / Assess
    expect(() => checkGuide(guide, KNOWN)).not.toThrow();
  });

  it('accepts a charged item that states its fee basis', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.fees = { charged: true, basis: '《行政事业性收费标准》', items: [{ name: '工本费', amountFen: 1000 }] };
    });

    // Act / Assess
    expect(() => checkGuide(guide, KNOWN)).not.toThrow();
  });

  it('accepts a co-department whose time limit equals the promised one', () => {
    // Prepare: promised 15 working days; the fire brigade gets all 15
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[1]!.timeLimitDays = 15;
    });

    // Act / Assess
    expect(() => checkGuide(guide, KNOWN)).not.toThrow();
  });
});

describe('checkGuide: identifiers', () => {
  it('refuses a department credit code with a wrong check character (INVALID_CREDIT_CODE on guide.departmentId)', () => {
    // Prepare
    const bad = withWrongCheckChar(market.id);
    const guide = guideWith(FOOD, (g) => {
      g.departmentId = bad;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_CREDIT_CODE', kind: 'invalid', field: 'guide.departmentId' });
  });

  it('refuses an implementation code whose first 18 characters are not a valid credit code (INVALID_IMPLEMENTATION_CODE)', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.implementationCode = `${withWrongCheckChar(market.id)}000117001000`;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_IMPLEMENTATION_CODE', kind: 'invalid', field: 'guide.implementationCode' });
  });

  it('refuses a bare credit code as implementation code: it names a department, not an item', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.implementationCode = market.id;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_IMPLEMENTATION_CODE', field: 'guide.implementationCode' });
  });

  it("refuses an implementation code that embeds another department's credit code (IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH)", () => {
    // Prepare: a valid code, but housing's, on a market guide
    const guide = guideWith(FOOD, (g) => {
      g.implementationCode = `${housing.id}000117001000`;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'IMPLEMENTATION_CODE_DEPARTMENT_MISMATCH', kind: 'invalid', field: 'guide.implementationCode' });
  });
});

describe('checkGuide: time limits, materials, fees', () => {
  it('refuses a promised time limit over the statutory one (ITEM_PROMISED_EXCEEDS_STATUTORY)', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.timeLimits = { statutoryDays: 20, promisedDays: 21 };
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_PROMISED_EXCEEDS_STATUTORY', kind: 'invalid', field: 'guide.timeLimits.promisedDays' });
    expect(error.messageZh).toContain('21');
    expect(error.messageZh).toContain('20');
  });

  it('prefixes field paths with the given field name', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.timeLimits = { statutoryDays: 5, promisedDays: 6 };
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN, 'items.0'));

    // Assess
    expect(error.field).toBe('items.0.timeLimits.promisedDays');
  });

  it('refuses an optional material marked tolerable (容缺 only for required materials)', () => {
    // Prepare: material 4 (委托代理人身份证明及授权委托书) is optional
    const guide = guideWith(FOOD, (g) => {
      g.materials[4]!.tolerable = true;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_MATERIAL_TOLERABLE_NOT_REQUIRED', kind: 'invalid', field: 'guide.materials.4.tolerable' });
  });

  it('refuses a material listed twice, pointing at the second occurrence', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.materials.push({ ...g.materials[1]!, form: 'copy' });
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_MATERIAL_DUPLICATE', kind: 'invalid', field: 'guide.materials.5.name' });
  });

  it('refuses a charged item without a fee basis (ITEM_FEE_BASIS_MISSING)', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.fees = { charged: true, items: [{ name: '工本费', amountFen: 1000 }] };
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_FEE_BASIS_MISSING', kind: 'invalid', field: 'guide.fees.basis' });
  });

  it('refuses fee items on an item that charges nothing', () => {
    // Prepare
    const guide = guideWith(FOOD, (g) => {
      g.fees = { charged: false, items: [{ name: '工本费', amountFen: 1000 }] };
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_FEE_ITEMS_UNCHARGED', field: 'guide.fees.items' });
  });
});

describe('checkGuide: joint handling', () => {
  it('refuses a co-department the platform does not know (ITEM_UNKNOWN_CO_DEPARTMENT)', () => {
    // Prepare: a well-formed credit code that is not in the directory
    const stranger = UNLISTED_DEPARTMENT_ID;
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[0]!.departmentId = stranger;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_UNKNOWN_CO_DEPARTMENT', kind: 'invalid', field: 'guide.jointHandling.coDepartments.0.departmentId' });
    expect(error.message).toContain(stranger);
  });

  it('refuses a co-department with an invalid credit code before looking it up', () => {
    // Prepare
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[1]!.departmentId = withWrongCheckChar(fire.id);
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'guide.jointHandling.coDepartments.1.departmentId' });
  });

  it('refuses the lead department as its own co-department', () => {
    // Prepare
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[1]!.departmentId = market.id;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_CO_DEPARTMENT_IS_LEAD', kind: 'invalid', field: 'guide.jointHandling.coDepartments.1.departmentId' });
  });

  it('refuses a co-department listed twice', () => {
    // Prepare
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[1]!.departmentId = health.id;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_CO_DEPARTMENT_DUPLICATE', kind: 'invalid', field: 'guide.jointHandling.coDepartments.1.departmentId' });
  });

  it("refuses a co-department time limit over the item's promised one", () => {
    // Prepare: promised 15 working days, fire brigade 16
    const guide = guideWith(RESTAURANT, (g) => {
      g.jointHandling!.coDepartments[1]!.timeLimitDays = 16;
    });

    // Act
    const error = refusal(() => checkGuide(guide, KNOWN));

    // Assess
    expect(error).toMatchObject({
      code: 'ITEM_CO_DEPARTMENT_LIMIT_EXCEEDS_PROMISED',
      kind: 'invalid',
      field: 'guide.jointHandling.coDepartments.1.timeLimitDays',
    });
  });
});

describe('ServiceGuideSchema', () => {
  const input = () => structuredClone(GUIDES[FOOD]) as Record<string, unknown>;
  const issuePaths = (value: unknown) => {
    const result = ServiceGuideSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  };

  it('fills in the documented defaults', () => {
    // Prepare
    const raw = input();
    raw.materials = [{ name: '申请书', required: true }];
    raw.fees = { charged: false };

    // Act
    const guide = ServiceGuideSchema.parse(raw);

    // Assess
    expect(guide.materials[0]).toEqual({ name: '申请书', required: true, tolerable: false, form: 'electronic', copies: 1 });
    expect(guide.fees.items).toEqual([]);
  });

  it('refuses unknown fields at the top level and inside nested objects (strict)', () => {
    // Prepare
    const top = { ...input(), fee: { charged: false } };
    const nested = input();
    nested.timeLimits = { statutoryDays: 20, promisedDays: 10, extensionDays: 10 };
    const inMaterial = input();
    (inMaterial.materials as Record<string, unknown>[])[0]!.optional = true;

    // Act / Assess
    expect(ServiceGuideSchema.safeParse(top).error?.issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['fee'] }]);
    expect(issuePaths(nested)).toEqual(['timeLimits']);
    expect(issuePaths(inMaterial)).toEqual(['materials.0']);
  });

  it('refuses wrong types with the path of the offending field', () => {
    // Prepare
    const cases: [string, (g: Record<string, unknown>) => void][] = [
      ['timeLimits.statutoryDays', (g) => (g.timeLimits = { statutoryDays: '20', promisedDays: 10 })],
      ['timeLimits.promisedDays', (g) => (g.timeLimits = { statutoryDays: 20, promisedDays: 2.5 })],
      ['visits', (g) => (g.visits = -1)],
      ['materials', (g) => (g.materials = '营业执照')],
      ['type', (g) => (g.type = 'licence')],
      ['legalBasis', (g) => (g.legalBasis = [])],
    ];

    for (const [path, change] of cases) {
      const raw = input();
      change(raw);

      // Act / Assess
      expect(issuePaths(raw), path).toEqual([path]);
    }
  });

  it('refuses a promised time limit over 365 working days', () => {
    // Prepare
    const raw = input();
    raw.timeLimits = { statutoryDays: 365, promisedDays: 366 };

    // Act / Assess
    expect(issuePaths(raw)).toEqual(['timeLimits.promisedDays']);
  });

  it('takes implementation codes of 19 to 36 characters and refuses 37', () => {
    // Prepare
    const withCode = (code: string) => ({ ...input(), implementationCode: code });
    const code36 = `${market.id}${'0'.repeat(18)}`;
    const code37 = `${code36}1`;
    const code19 = `${market.id}1`;

    // Act / Assess
    expect(code37).toHaveLength(37);
    expect(issuePaths(withCode(code37))).toEqual(['implementationCode']);
    expect(issuePaths(withCode(code36))).toEqual([]);
    expect(issuePaths(withCode(code19))).toEqual([]);
    expect(issuePaths(withCode(market.id))).toEqual(['implementationCode']);
    expect(issuePaths(withCode(`${market.id}abc`))).toEqual(['implementationCode']);
  });

  it('trims text and refuses text that is only white space', () => {
    // Prepare
    const padded = { ...input(), name: '  食品经营许可证核发 ' };
    const blank = { ...input(), name: '   ' };

    // Act / Assess
    expect(ServiceGuideSchema.parse(padded).name).toBe('食品经营许可证核发');
    expect(issuePaths(blank)).toEqual(['name']);
  });
});
