// The supervision rule catalogue's document as the platform function's edge checks it on a load
// (PUT /v1/supervision/rules): every rule once, each rule's parameters by its own schema, the version —
// refused with 400 VALIDATION_FAILED and the field, the operation never reached; a department may not
// load (403). The shipped catalogue is a valid document (version 0) of every rule, and the embedded
// router sends /v1/supervision/rules to the rules, not to the supervision lists' `{kind}`.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiRequest, OperationsOf } from '../../functions/http/api-handler.ts';
import { matchRoute } from '../../infra/local/api-gateway.ts';
import type { Directory } from '../../shared/contracts/directory.ts';
import { routesOf } from '../../shared/contracts/routes.ts';
import type { RuleCatalogueDocument } from '../../shared/contracts/supervision-rules.ts';
import { RULE_IDS, RuleCatalogueDocumentSchema } from '../../shared/contracts/supervision-rules.ts';
import { DEFAULT_RULE_CATALOGUE, DEFAULT_RULE_IDS } from '../../shared/domain/supervision/default-rules.ts';
import { TEST_ACCOUNT, apiEvent, lambdaContext } from '../support/api-event.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';

let apiHandler: typeof import('../../functions/http/api-handler.ts').apiHandler;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  ({ apiHandler } = await import('../../functions/http/api-handler.ts'));
});

// Powertools' "no application metrics" notice (POWERTOOLS_DEV writes it through the console).
beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const REVIEWER = `arn:aws:iam::${TEST_ACCOUNT}:role/tongban-reviewer`;
const MARKET = `arn:aws:iam::${TEST_ACCOUNT}:role/tongban-market`;
const directory: Directory = {
  departments: Object.values(DEPARTMENTS),
  channels: [],
  principals: [
    { name: 'reviewer', arn: REVIEWER, role: 'platform' },
    { name: 'market', arn: MARKET, role: 'department', departmentId: DEPARTMENTS.market.id },
  ],
};

/** The platform function's edge with fake operations: what reaches the load is recorded. */
function platformEdge() {
  const loads: unknown[] = [];
  const ops = Object.fromEntries(
    routesOf('platform').map((r) => [r.operationId, async (req: ApiRequest) => (r.operationId === 'loadSupervisionRules' ? loads.push(req.body) : undefined)]),
  );
  // Built at run time from the route table: typed as the function's operations.
  const handler = apiHandler('platform', routesOf('platform'), ops as unknown as OperationsOf<'platform'>, { directory: async () => directory });
  const load = (body: unknown, userArn = REVIEWER) => handler(apiEvent({ method: 'PUT', resource: '/v1/supervision/rules', userArn, body }), lambdaContext());
  return { loads, load };
}

interface ErrorBody {
  error: { code: string; field?: string; message: string; messageZh?: string };
}
const errorOf = (res: APIGatewayProxyResult) => (JSON.parse(res.body) as ErrorBody).error;

/** The shipped catalogue as a first load, changed by `change`. */
function catalogue(change: (doc: RuleCatalogueDocument) => void = () => undefined): RuleCatalogueDocument {
  const doc = structuredClone({ ...DEFAULT_RULE_CATALOGUE, version: 1, source: '某省政务服务管理局关于电子监察规则的通知' });
  change(doc);
  return doc;
}
const indexOf = (id: string) => DEFAULT_RULE_CATALOGUE.rules.findIndex((r) => r.id === id);

describe('the shipped catalogue', () => {
  it('is a valid document of version 0 listing every rule once, in the order of RULE_IDS', () => {
    expect(RuleCatalogueDocumentSchema.safeParse(DEFAULT_RULE_CATALOGUE).success).toBe(true);
    expect(DEFAULT_RULE_CATALOGUE.version).toBe(0);
    expect(DEFAULT_RULE_IDS).toEqual(RULE_IDS);
  });
});

describe('a load of the supervision rules, at the edge', () => {
  it.each([
    ['a rule missing', catalogue((d) => d.rules.splice(indexOf('reasons-missing'), 1)), 'rules', 'missing: reasons-missing'],
    ['a rule twice', catalogue((d) => d.rules.push({ ...d.rules[0]! })), 'rules', ''],
    [
      'a parameter out of range',
      catalogue((d) => (d.rules[indexOf('repeated-supplement')]!.parameters = { maxRounds: 0 })),
      `rules.${indexOf('repeated-supplement')}.parameters.maxRounds`,
      '',
    ],
    [
      'a misspelt parameter',
      catalogue((d) => (d.rules[indexOf('reasons-missing')]!.parameters = { minChars: 8, minimum: 8 })),
      `rules.${indexOf('reasons-missing')}.parameters`,
      'minimum',
    ],
    [
      'a parameter missing',
      catalogue((d) => (d.rules[indexOf('suspension-announced-late')]!.parameters = {})),
      `rules.${indexOf('suspension-announced-late')}.parameters.noticeDays`,
      '',
    ],
    [
      'an unknown guide element',
      catalogue((d) => (d.rules[indexOf('guide-elements-missing')]!.parameters = { elements: ['photo'] })),
      `rules.${indexOf('guide-elements-missing')}.parameters.elements.0`,
      '',
    ],
    ['an unknown severity', catalogue((d) => Object.assign(d.rules[0]!, { severity: 'orange' })), 'rules.0.severity', ''],
    ['answer days out of range', catalogue((d) => (d.rules[0]!.answerDays = 0)), 'rules.0.answerDays', ''],
    ['no version', catalogue((d) => delete (d as Partial<RuleCatalogueDocument>).version), 'version', ''],
    ['a negative version', catalogue((d) => (d.version = -1)), 'version', ''],
    ['a field the document has not', { ...catalogue(), effectiveFrom: '2027-01-01' }, '', 'effectiveFrom'],
  ])('refuses %s: 400 VALIDATION_FAILED with the field, and loads nothing', async (_what, body, field, message) => {
    const { loads, load } = platformEdge();

    const res = await load(body);

    expect(res.statusCode).toBe(400);
    const error = errorOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    if (field) expect(error.field).toBe(field);
    if (message) expect(`${error.message} ${JSON.stringify(res.body)}`).toContain(message);
    expect(error.messageZh).toMatch(/[\u4e00-\u9fff]/);
    expect(loads).toEqual([]);
  });

  it('takes a whole catalogue, a rule switched off included, and refuses a department (403 ROLE_FORBIDDEN)', async () => {
    const { loads, load } = platformEdge();
    const off = catalogue((d) => (d.rules[indexOf('approval-over-disagreement')]!.enabled = false));

    const byDepartment = await load(off, MARKET);
    const accepted = await load(off);

    expect([byDepartment.statusCode, errorOf(byDepartment).code]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect(accepted.statusCode).toBe(200);
    expect(loads).toEqual([off]);
  });
});

describe('the embedded router', () => {
  it('sends the rules paths to the rules and other segments to the supervision lists, as API Gateway does', () => {
    expect(matchRoute('GET', '/v1/supervision/rules').route?.operationId).toBe('getSupervisionRules');
    expect(matchRoute('PUT', '/v1/supervision/rules').route?.operationId).toBe('loadSupervisionRules');
    expect(matchRoute('GET', '/v1/supervision/rules/versions').route?.operationId).toBe('listSupervisionRuleVersions');
    expect(matchRoute('GET', '/v1/supervision/overdue')).toMatchObject({ route: { operationId: 'supervisionList' }, params: { kind: 'overdue' } });
    expect(matchRoute('DELETE', '/v1/supervision/rules')).toEqual({ params: {}, pathKnown: true });
  });
});
