// Free-form JSON and record keys (shared/contracts/free-form-json.ts): what DynamoDB and its SDK cannot
// keep is refused by the wire's schemas, at its field, with its own code — numbers out of range or
// beyond exact integers, reserved keys at any depth, nesting, and size counted in UTF-8 bytes.
import { describe, expect, it } from 'vitest';
import { FilingRequestSchema, SupplementSchema } from '../../shared/contracts/cases.ts';
import { FREE_FORM_LIMITS, isStorableNumber, refusalOf } from '../../shared/contracts/free-form-json.ts';

/** The code and field of the first refusal of `body` by `schema`, or 'ok'. */
function refusal(schema: typeof SupplementSchema, body: unknown): [string, string] | 'ok' {
  const result = schema.safeParse(body);
  if (result.success) return 'ok';
  const issue = result.error.issues[0]!;
  return [refusalOf(issue)?.code ?? issue.code, issue.path.join('.')];
}

const supplement = (form: unknown) => ({ baseVersion: 1, form });

describe('free-form JSON', () => {
  it('stores numbers DynamoDB keeps exactly, and no other', () => {
    for (const n of [0, -0, 1, -1, 0.5, 120, 1e-130, -1e-130, 123.456, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) expect(isStorableNumber(n), String(n)).toBe(true);
    for (const n of [Number.MAX_SAFE_INTEGER + 2, Number.MAX_SAFE_INTEGER + 1, 1e308, -1e308, 1e-300, 1e-131, Infinity, -Infinity, NaN])
      expect(isStorableNumber(n), String(n)).toBe(false);
  });

  it('refuses a number it cannot keep anywhere in a form, at its field', () => {
    expect(refusal(SupplementSchema, supplement(JSON.parse(`{"面积":9007199254740993}`)))).toEqual(['JSON_NUMBER_UNSUPPORTED', 'form.面积']);
    expect(refusal(SupplementSchema, supplement({ a: [1, { b: 1e308 }] }))).toEqual(['JSON_NUMBER_UNSUPPORTED', 'form.a.1.b']);
    expect(refusal(SupplementSchema, supplement({ a: { b: [1e-300] } }))).toEqual(['JSON_NUMBER_UNSUPPORTED', 'form.a.b.0']);
    expect(refusal(SupplementSchema, supplement({ 面积: 120, 比例: 0.25, 项目: ['热食类'] }))).toBe('ok');
  });

  it('refuses the key the SDK reads to tell an object’s type, at any depth, and as a material name (a body’s __proto__ keys: the edge, api-handler.test.ts)', () => {
    expect(refusal(SupplementSchema, supplement({ constructor: 1 }))).toEqual(['JSON_KEY_RESERVED', 'form.constructor']);
    expect(refusal(SupplementSchema, supplement({ a: [{ b: { constructor: { name: 'Set' } } }] }))).toEqual(['JSON_KEY_RESERVED', 'form.a.0.b.constructor']);
    const material = { kind: 'upload', objectKey: 'uploads/x/y', sha256: 'a'.repeat(64), size: 1, contentType: 'application/pdf' };
    expect(refusal(SupplementSchema, { baseVersion: 1, materials: { constructor: material } })).toEqual(['JSON_KEY_RESERVED', 'materials.constructor']);
  });

  it(`refuses a form nested deeper than ${FREE_FORM_LIMITS.maxDepth} levels`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { x: nest(levels - 1) });
    expect(refusal(SupplementSchema, supplement(nest(FREE_FORM_LIMITS.maxDepth - 1)))).toBe('ok');
    expect(refusal(SupplementSchema, supplement(nest(FREE_FORM_LIMITS.maxDepth + 1)))[0]).toBe('JSON_TOO_DEEP');
  });

  it('counts a form in UTF-8 bytes, as DynamoDB counts an item: Chinese text takes three bytes a character', () => {
    // 22,000 characters: 22,000 UTF-16 units (under the limit if they were counted), 66,000 UTF-8 bytes (over it).
    const chinese = '经'.repeat(22_000);
    expect(chinese.length).toBeLessThan(FREE_FORM_LIMITS.formBytes);
    expect(refusal(SupplementSchema, supplement({ 说明: chinese }))).toEqual(['JSON_TOO_LARGE', 'form']);
    expect(refusal(SupplementSchema, supplement({ 说明: '经'.repeat(21_000) }))).toBe('ok');
    const filing = FilingRequestSchema.safeParse({ itemCode: 'x', applicant: {}, form: { 说明: chinese }, materials: {} });
    expect(filing.success ? [] : filing.error.issues.map((i) => refusalOf(i)?.code).filter(Boolean)).toContain('JSON_TOO_LARGE');
  });
});
