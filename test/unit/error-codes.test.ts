// The error-code registries (shared/contracts/errors/): each code once, and — what the types cannot see
// — none raised outside them, none registered that nothing raises. That every code is documented (or
// declared never answered) is the OpenAPI test's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CodeOfKind, ErrorCode, ErrorKind } from '../../shared/contracts/error-codes.ts';
import { ERROR_REGISTRIES } from '../../shared/contracts/error-codes.ts';
import { GATEWAY_ERRORS } from '../../shared/contracts/gateway-errors.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { DomainError, conflict, invalid, notFound } from '../../shared/domain/errors.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

const modules = Object.entries(ERROR_REGISTRIES).map(([module, registry]) => ({ module, codes: Object.keys(registry) }));
const gatewayCodes = Object.keys(GATEWAY_ERRORS);
const registered = new Set([...modules.flatMap((m) => m.codes), ...gatewayCodes]);

/**
 * Codes the sources raise, by file: a raiser's literal code, or a literal `code:` (a DomainError, a
 * declared header's refusals, the edge's 500) — in every module of the served code, the edge and the
 * embedded gateway.
 */
function raisedCodes(): Map<string, string[]> {
  const files = ['shared', 'functions', 'infra'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join(dir, f)),
  );
  const pattern = /(?:\b(?:invalid|forbidden|conflict|notFound|unavailable|tooLarge|refused|gatewayError)\(\s*|\bcode: )'([A-Z][A-Z0-9_]{3,})'/g;
  const codes = new Map<string, string[]>();
  for (const file of files) {
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(pattern)) codes.set(m[1]!, [...(codes.get(m[1]!) ?? []), file]);
  }
  return codes;
}

/** What the scan finds under `code:` that is no error: the archive's four-property report and the anchor audit speak their own codes. */
const ANCHOR_FINDING = 'a finding of the anchor audit (anchor-audit.ts: tongban audit anchors verify)';
const NOT_ERRORS: Readonly<Record<string, string>> = {
  BAG_ROOT_INVALID: 'a finding of the four-property report (bundle-audit.ts)',
  CHECKSUM_MISMATCH: 'a finding of the four-property report (case-archiving.ts: the stored bundle read back)',
  HISTORY_CHAIN_BROKEN: ANCHOR_FINDING,
  PROOF_MALFORMED: ANCHOR_FINDING,
  JOURNAL_MISSING: ANCHOR_FINDING,
  JOURNAL_MALFORMED: ANCHOR_FINDING,
  SEAL_INVALID: ANCHOR_FINDING,
  PROOF_NOT_IN_JOURNAL: ANCHOR_FINDING,
  ENTRY_MISSING: ANCHOR_FINDING,
  ENTRY_MISMATCH: ANCHOR_FINDING,
};

describe('error-code registries', () => {
  it('registers each code once, in one module (or the gateway), as UPPER_SNAKE_CASE', () => {
    // Act
    const all = [...modules.flatMap((m) => m.codes.map((code) => `${m.module} ${code}`)), ...gatewayCodes.map((code) => `gateway ${code}`)];
    const twice = [...registered].filter((code) => all.filter((entry) => entry.endsWith(` ${code}`)).length > 1);

    // Assess
    expect(twice).toEqual([]);
    expect([...registered].filter((code) => !/^[A-Z][A-Z0-9_]{3,}$/.test(code))).toEqual([]);
    expect(modules.map((m) => m.module).sort()).toEqual([
      'access',
      'archive',
      'calendar',
      'cases',
      'evaluations',
      'events',
      'findings',
      'identifiers',
      'items',
      'licences',
      'materials',
      'request',
      'statistics',
      'supervisionRules',
      'tickets',
    ]);
  });

  it('holds every code the sources raise, and no code nothing raises (a scan besides the types)', () => {
    // Act
    const raised = raisedCodes();
    const unregistered = [...raised].filter(([code]) => !registered.has(code) && !(code in NOT_ERRORS)).map(([code, files]) => `${code} (${files.join(', ')})`);
    // The gateway's codes API Gateway answers on AWS (gateway responses, infra/stacks/api-stack.ts): not raised in process.
    const neverRaised = modules.flatMap((m) => m.codes).filter((code) => !raised.has(code));

    // Assess
    expect(raised.size).toBeGreaterThan(100); // the scan itself works: it reads every module
    expect(raised.get('ITEM_PROMISED_EXCEEDS_STATUTORY')).toEqual(['shared/domain/items/guide-rules.ts']);
    for (const code of Object.keys(NOT_ERRORS)) expect(raised.has(code), `${code} is no longer found: drop it from NOT_ERRORS`).toBe(true);
    expect(unregistered).toEqual([]);
    expect(neverRaised).toEqual([]);
  });

  it('refuses at compile time an unknown code, and a code raised as another kind', () => {
    // Prepare: none of these runs; tsc checks them (npm run typecheck), each line must fail to compile
    const typos = () => [
      // @ts-expect-error: no module registers CASE_NOT_FOUD
      notFound('CASE_NOT_FOUD', '办件不存在', 'no such case'),
      // @ts-expect-error: CASE_CLOSED is a conflict, not bad input
      invalid('CASE_CLOSED', undefined, '办件已办结', 'the case is closed'),
      // @ts-expect-error: VALIDATION_FAILED is bad input, not a conflict
      conflict('VALIDATION_FAILED', '请求参数有误', 'invalid body'),
      // @ts-expect-error: not a code at all
      new DomainError({ code: 'SOME_RULE', kind: 'invalid', message: 'english text', messageZh: '中文说明' }),
    ];
    // @ts-expect-error: a route lists registered codes only
    const route: Pick<RouteSpec, 'errors'> = { errors: ['CASE_NOT_FOUND', 'CASE_MATERIAL_MISING'] };

    // Assess
    expectTypeOf(typos).toBeFunction();
    expect(route.errors).toHaveLength(2);
    expectTypeOf<'CASE_MATERIAL_MISING'>().not.toExtend<ErrorCode>();
    expectTypeOf<'CASE_MATERIAL_MISSING'>().toExtend<CodeOfKind<'invalid'>>();
    expectTypeOf<'CASE_CLOSED'>().toExtend<CodeOfKind<'conflict'>>();
    expectTypeOf<'CASE_CLOSED'>().not.toExtend<CodeOfKind<'invalid'>>();
    expectTypeOf<'SIGNATURE_MISMATCH'>().toExtend<ErrorCode>(); // the gateway's
    expectTypeOf<'SIGNATURE_MISMATCH'>().not.toExtend<CodeOfKind<ErrorKind>>(); // raised by gatewayError only
  });
});
