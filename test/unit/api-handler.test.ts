import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandler, ApiRequest, OperationsOf } from '../../functions/http/api-handler.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { resolveCaller } from '../../shared/domain/access/caller.ts';
import type { CalendarYearData } from '../../shared/domain/calendar/official-calendar.ts';
import { calendarYearSchema, officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CalendarYearDocumentSchema } from '../../shared/contracts/calendar.ts';
import type { Directory } from '../../shared/contracts/directory.ts';
import { routesOf } from '../../shared/contracts/routes.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { TEST_ACCOUNT, apiEvent, lambdaContext } from '../support/api-event.ts';
import type { ApiEventInit } from '../support/api-event.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { GUIDES } from '../support/guide-fixtures.ts';

// Powertools reads its configuration when observability.ts builds the logger, metrics and tracer, so
// the variables are set before the handler modules are imported (dynamically, below). POWERTOOLS_DEV
// makes Metrics write its "no application metrics" warning through the global console, which the
// tests silence, instead of a private Console on stderr.
let apiHandler: typeof import('../../functions/http/api-handler.ts').apiHandler;
let Answer: typeof import('../../functions/http/api-handler.ts').Answer;
let platformHandler: ApiHandler;
let MAX_BODY_BYTES: number;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  // The platform function's tables: named, never reached (its calendar is the shipped one here).
  vi.stubEnv('DIRECTORY_TABLE', 'tongban-unit-directory');
  vi.stubEnv('ITEMS_TABLE', 'tongban-unit-items');
  ({ apiHandler, Answer, MAX_BODY_BYTES } = await import('../../functions/http/api-handler.ts'));
  const { platformHandler: platform } = await import('../../functions/platform/handler.ts');
  platformHandler = platform({ calendar: officialCalendar, now: () => new Date('2026-12-06T02:00:00Z') });
});

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const arn = (kind: 'role' | 'user', name: string) => `arn:aws:iam::${TEST_ACCOUNT}:${kind}/${name}`;
const ARNS = {
  market: arn('role', 'tongban-market'),
  housing: arn('role', 'departments/tongban-housing'), // a role with a path
  reviewer: arn('role', 'tongban-reviewer'),
  portal: arn('user', 'tongban-portal'),
};
const directory: Directory = {
  departments: Object.values(DEPARTMENTS),
  channels: [CHANNELS.portal],
  principals: [
    { name: 'market', arn: ARNS.market, role: 'department', departmentId: DEPARTMENTS.market.id },
    { name: 'housing', arn: ARNS.housing, role: 'department', departmentId: DEPARTMENTS.housing.id },
    { name: 'reviewer', arn: ARNS.reviewer, role: 'platform' },
    { name: 'portal', arn: ARNS.portal, role: 'channel', channelId: CHANNELS.portal.id },
  ],
};
/** The same directory with the department and the reviewer named: their requests must name the officer (a session named after it). */
const namedDirectory: Directory = {
  ...directory,
  principals: directory.principals.map((p) => (p.role === 'channel' ? p : { ...p, named: true as const })),
};

const GUIDE = GUIDES.food;
const CODE = GUIDE.implementationCode;

/** A fake operation, untyped: the tests build the operation tables from the route table at run time. */
type Operation = (req: ApiRequest & { caller: Caller }) => Promise<unknown>;

/** The catalogue edge with fake operations that record what they were called with. */
function catalogue(overrides: Record<string, Operation> = {}, within: Directory = directory) {
  const calls: { operationId: string; req: ApiRequest }[] = [];
  const operations: Record<string, Operation> = {};
  for (const route of routesOf('catalogue')) {
    operations[route.operationId] = async (req) => {
      calls.push({ operationId: route.operationId, req });
      return { answeredBy: route.operationId };
    };
  }
  // Built at run time from the route table: typed as the function's operations.
  const handler = apiHandler('catalogue', routesOf('catalogue'), { ...operations, ...overrides } as unknown as OperationsOf<'catalogue'>, { directory: async () => within });
  const call = (init: ApiEventInit) => handler(apiEvent(init), lambdaContext('tongban-catalogue'));
  return { calls, call };
}

interface ErrorBody {
  error: { code: string; message: string; messageZh: string; field?: string; requestId?: string; issues?: { field: string; message: string }[] };
}
const errorOf = (res: APIGatewayProxyResult) => (JSON.parse(res.body) as ErrorBody).error;

const createItem = (init: Partial<ApiEventInit> = {}): ApiEventInit => ({
  method: 'POST',
  resource: '/v1/items',
  userArn: ARNS.market,
  body: { guide: GUIDE },
  ...init,
});

describe("declared headers: the filing's Idempotency-Key, checked at the edge once", () => {
  const filingOps = () => {
    const keys: string[] = [];
    const ops = Object.fromEntries(
      routesOf('cases').map((r) => [r.operationId, async (req: ApiRequest) => (r.operationId === 'fileCase' ? keys.push(req.headers['idempotency-key']!) : undefined)]),
    );
    // Built at run time from the route table: typed as the function's operations.
    const handler = apiHandler('cases', routesOf('cases'), ops as unknown as OperationsOf<'cases'>, { directory: async () => directory });
    const file = (headers: Record<string, string>, signed = SIGNED_WITH_KEY) =>
      handler(
        apiEvent({ method: 'POST', resource: '/v1/cases', userArn: ARNS.portal, headers: { authorization: signed, ...headers }, body: FILING }),
        lambdaContext('tongban-cases'),
      );
    return { keys, file };
  };
  /** What API Gateway hands over of a SigV4 signature that covers the Idempotency-Key, and of one that does not. */
  const SIGNED_WITH_KEY =
    'AWS4-HMAC-SHA256 Credential=AKLTEXAMPLE/20261206/cn-north-1/execute-api/aws4_request, SignedHeaders=content-type;host;idempotency-key;x-amz-date, Signature=0f';
  const SIGNED_WITHOUT_KEY = 'AWS4-HMAC-SHA256 Credential=AKLTEXAMPLE/20261206/cn-north-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f';
  const FILING = { itemCode: CODE, applicant: { kind: 'person', residentId: '110101199003070000', name: '张三', phone: '13800138000' }, form: {}, materials: {} };

  it('refuses a filing without one, or with an empty one (IDEMPOTENCY_KEY_REQUIRED), and files nothing', async () => {
    // Prepare
    const { keys, file } = filingOps();

    // Act
    const missing = await file({});
    const empty = await file({ 'Idempotency-Key': '' });

    // Assess
    for (const res of [missing, empty]) {
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED', field: 'Idempotency-Key' });
      expect(errorOf(res).messageZh).toContain('Idempotency-Key');
    }
    expect(keys).toEqual([]);
  });

  it('refuses one that cannot be a key (IDEMPOTENCY_KEY_INVALID), and hands a good one over under its lower-cased name, whatever its case', async () => {
    // Prepare
    const { keys, file } = filingOps();

    // Act
    const bad = await Promise.all(['with space', 'x'.repeat(129), '键'].map((key) => file({ 'Idempotency-Key': key })));
    const good = await file({ 'idempotency-KEY': 'f7a1c0de-2026-12-06' });

    // Assess
    for (const res of bad) expect(errorOf(res)).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID', field: 'Idempotency-Key' });
    expect(good.statusCode).toBe(201);
    expect(keys).toEqual(['f7a1c0de-2026-12-06']);
  });

  it('refuses one the signature does not cover (IDEMPOTENCY_KEY_UNSIGNED): a captured filing replayed with a new key files nothing', async () => {
    // Prepare
    const { keys, file } = filingOps();

    // Act
    const unsigned = await file({ 'Idempotency-Key': 'replayed-with-a-new-key' }, SIGNED_WITHOUT_KEY);
    const unsignedAtAll = await file({ 'Idempotency-Key': 'no-signature-header' }, '');

    // Assess
    for (const res of [unsigned, unsignedAtAll]) {
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'IDEMPOTENCY_KEY_UNSIGNED', field: 'Idempotency-Key' });
    }
    expect(keys).toEqual([]);
  });
});

describe("a case action's optional Idempotency-Key, and the headers of its answer", () => {
  const SIGNED_WITH_KEY =
    'AWS4-HMAC-SHA256 Credential=AKLTEXAMPLE/20261206/cn-north-1/execute-api/aws4_request, SignedHeaders=content-type;host;idempotency-key;x-amz-date, Signature=0f';
  const SIGNED_WITHOUT_KEY = 'AWS4-HMAC-SHA256 Credential=AKLTEXAMPLE/20261206/cn-north-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f';

  /** The cases edge whose pause answers the case with the headers `answer` gives (by the key it was handed), recording the keys. */
  const pauseOps = (answer: (key: string | undefined) => Record<string, string>) => {
    const keys: (string | undefined)[] = [];
    const ops = Object.fromEntries(
      routesOf('cases').map((r) => [
        r.operationId,
        async (req: ApiRequest) => {
          if (r.operationId !== 'pauseCase') return undefined;
          const key = req.headers['idempotency-key'];
          keys.push(key);
          return new Answer({ caseNo: req.params.caseNo, version: 3 }, answer(key));
        },
      ]),
    );
    // Built at run time from the route table: typed as the function's operations.
    const handler = apiHandler('cases', routesOf('cases'), ops as unknown as OperationsOf<'cases'>, { directory: async () => directory });
    const pause = (headers: Record<string, string>) =>
      handler(
        apiEvent({
          method: 'POST',
          resource: '/v1/cases/{caseNo}/pause',
          pathParameters: { caseNo: '20261123ABCDEFGHIJ' },
          userArn: ARNS.market,
          headers,
          body: { procedure: 'hearing', reason: '听证', expectedDays: 10 },
        }),
        lambdaContext('tongban-cases'),
      );
    return { keys, pause };
  };

  it('acts without one (or an empty one); refuses one that cannot be a key or that the signature does not cover, and acts on nothing then', async () => {
    // Prepare
    const { keys, pause } = pauseOps(() => ({}));

    // Act
    const without = await pause({ authorization: SIGNED_WITHOUT_KEY });
    const empty = await pause({ authorization: SIGNED_WITH_KEY, 'Idempotency-Key': '' });
    const invalid = await pause({ authorization: SIGNED_WITH_KEY, 'Idempotency-Key': 'with space' });
    const unsigned = await pause({ authorization: SIGNED_WITHOUT_KEY, 'Idempotency-Key': 'pause-1' });
    const signed = await pause({ authorization: SIGNED_WITH_KEY, 'IDEMPOTENCY-key': 'pause-1' });

    // Assess
    expect([without.statusCode, empty.statusCode]).toEqual([200, 200]);
    expect([invalid.statusCode, errorOf(invalid).code, errorOf(invalid).field]).toEqual([400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key']);
    expect([unsigned.statusCode, errorOf(unsigned).code, errorOf(unsigned).field]).toEqual([400, 'IDEMPOTENCY_KEY_UNSIGNED', 'Idempotency-Key']);
    expect(signed.statusCode).toBe(200);
    expect(keys).toEqual([undefined, undefined, 'pause-1']);
  });

  it("sets the headers an operation answers with, beside the edge's own, and only those its route declares", async () => {
    // Prepare
    const { pause } = pauseOps((key) => (key === 'undeclared' ? { 'x-secret': '1' } : { 'case-entry': '3', 'idempotent-replayed': 'true' }));

    // Act
    const answered = await pause({ authorization: SIGNED_WITH_KEY, 'Idempotency-Key': 'pause-2' });
    const undeclared = await pause({ authorization: SIGNED_WITH_KEY, 'Idempotency-Key': 'undeclared' });

    // Assess
    expect(answered.statusCode).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ caseNo: '20261123ABCDEFGHIJ', version: 3 });
    expect(answered.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'case-entry': '3', 'idempotent-replayed': 'true' });
    expect([undeclared.statusCode, errorOf(undeclared).code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(undeclared.headers).not.toHaveProperty('x-secret');
  });
});

describe('construction', () => {
  it('refuses to build a handler that lacks an operation for one of its routes', () => {
    // Act / Assess
    // What the types refuse at compile time is refused at run time too (a handler built from JavaScript).
    expect(() => apiHandler('catalogue', routesOf('catalogue'), {} as OperationsOf<'catalogue'>, { directory: async () => directory })).toThrow(/no operation for route listItems/);
  });

  it("refuses another function's route, and an operation whose route it is not given: a function serves its own routes, all of them", () => {
    const answer = async () => ({});
    const catalogueOps = Object.fromEntries(routesOf('catalogue').map((r) => [r.operationId, answer])) as unknown as OperationsOf<'catalogue'>;
    const [health] = routesOf('platform');
    // Act / Assess: a platform route handed to the catalogue (JavaScript, or a cast)
    expect(() =>
      apiHandler(
        'catalogue',
        [...routesOf('catalogue'), health] as unknown as ReturnType<typeof routesOf<'catalogue'>>,
        { ...catalogueOps, health: answer } as unknown as OperationsOf<'catalogue'>,
      ),
    ).toThrow(/function catalogue is given route health, which the route table gives the platform function/);
    // Act / Assess: the catalogue's operations with one of its routes left out of its list
    expect(() => apiHandler('catalogue', routesOf('catalogue').slice(1), catalogueOps)).toThrow(/function catalogue has operations without their routes: listItems/);
  });
});

describe('platform handler', () => {
  it('answers /health without a signature, with how far the official holiday data reaches', async () => {
    // Act
    const res = await platformHandler(apiEvent({ method: 'GET', resource: '/health', userArn: null }), lambdaContext('tongban-platform'));

    // Assess: on 6 Dec 2026, the loaded 2026 data ends in 25 days
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', version: '0.1.0', calendar: { loadedUntil: '2026-12-31', daysLeft: 25, years: [2026] } });
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  it('serves the OpenAPI document', async () => {
    // Act
    const res = await platformHandler(apiEvent({ method: 'GET', resource: '/v1/openapi.json' }), lambdaContext('tongban-platform'));

    // Assess
    expect(res.statusCode).toBe(200);
    const document = JSON.parse(res.body) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/v1/items/{code}/versions/{n}');
  });

  it.each([
    ['GET', '/v1/items'], // another function's route
    ['POST', '/health'], // a known path with another method
    ['GET', '/admin'],
  ])('answers 404 ROUTE_NOT_FOUND to %s %s', async (method, resource) => {
    // Act
    const res = await platformHandler(apiEvent({ method, resource }), lambdaContext('tongban-platform'));

    // Assess
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'ROUTE_NOT_FOUND', messageZh: '接口不存在', requestId: 'req-0001' });
  });
});

describe('routing', () => {
  const code = { code: CODE };
  it.each<[string, string, Record<string, string>, string, number, string, unknown]>([
    ['GET', '/v1/items', {}, 'listItems', 200, ARNS.portal, undefined],
    ['POST', '/v1/items', {}, 'createItem', 201, ARNS.market, { guide: GUIDE }],
    ['GET', '/v1/items/{code}', code, 'getItem', 200, ARNS.portal, undefined],
    ['PUT', '/v1/items/{code}', code, 'editItem', 200, ARNS.market, { baseVersion: 1, guide: GUIDE }],
    ['GET', '/v1/items/{code}/versions/{n}', { ...code, n: '2' }, 'getItemVersion', 200, ARNS.portal, undefined],
    ['POST', '/v1/items/{code}/revisions', code, 'reviseItem', 201, ARNS.market, { baseVersion: 3, guide: GUIDE }],
    ['POST', '/v1/items/{code}/submit', code, 'submitItem', 200, ARNS.market, { baseVersion: 1 }],
    ['POST', '/v1/items/{code}/review', code, 'reviewItem', 200, ARNS.reviewer, { baseVersion: 2, decision: 'publish' }],
    ['POST', '/v1/items/{code}/suspend', code, 'suspendItem', 200, ARNS.market, { baseVersion: 3, kind: 'planned', effectiveFrom: '2026-11-30', reason: '升级' }],
    ['POST', '/v1/items/{code}/resume', code, 'resumeItem', 200, ARNS.market, { baseVersion: 4 }],
    ['POST', '/v1/items/{code}/terminate', code, 'terminateItem', 200, ARNS.market, { baseVersion: 5, reason: '取消' }],
  ])('routes %s %s to its operation', async (method, resource, pathParameters, operationId, status, userArn, body) => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call({ method, resource, pathParameters, userArn, body });

    // Assess
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ answeredBy: operationId });
    expect(calls.map((c) => c.operationId)).toEqual([operationId]);
  });

  it('covers every route of the catalogue function in the table above', () => {
    // Assess
    expect(
      routesOf('catalogue')
        .map((r) => r.operationId)
        .sort(),
    ).toEqual(['listItems', 'createItem', 'getItem', 'editItem', 'getItemVersion', 'reviseItem', 'submitItem', 'reviewItem', 'suspendItem', 'resumeItem', 'terminateItem'].sort());
  });

  it('answers 404 ROUTE_NOT_FOUND for a method the resource does not have, and calls nothing', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call({ method: 'DELETE', resource: '/v1/items/{code}', pathParameters: { code: CODE }, userArn: ARNS.market });

    // Assess
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('ROUTE_NOT_FOUND');
    expect(calls).toEqual([]);
  });

  it('hands the operation its route, the request id and the validated, coerced parameters', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    await call({ method: 'GET', resource: '/v1/items/{code}/versions/{n}', pathParameters: { code: CODE, n: '7' }, userArn: ARNS.reviewer, requestId: 'abc-123' });
    await call({ method: 'GET', resource: '/v1/items/{code}/versions/{n}', pathParameters: { code: CODE, n: 'latest' }, userArn: ARNS.reviewer });
    await call({ method: 'GET', resource: '/v1/items', query: { limit: '5', state: 'submitted' }, userArn: ARNS.reviewer });
    await call({ method: 'GET', resource: '/v1/items', userArn: ARNS.reviewer });

    // Assess
    expect(calls[0]!.req).toMatchObject({ requestId: 'abc-123', params: { code: CODE, n: 7 }, body: undefined });
    expect(calls[0]!.req.route).toMatchObject({ operationId: 'getItemVersion', method: 'GET' });
    expect(calls[1]!.req.params).toEqual({ code: CODE, n: 'latest' });
    expect(calls[2]!.req.query).toEqual({ limit: 5, state: 'submitted' });
    expect(calls[3]!.req.query).toEqual({ limit: 20 });
  });

  it('hands the operation the parsed body with schema defaults, decoding a base64 body', async () => {
    // Prepare
    const { calls, call } = catalogue();
    const raw = JSON.stringify({ guide: { ...GUIDE, fees: { charged: false } } });

    // Act
    const res = await call(createItem({ body: Buffer.from(raw).toString('base64'), isBase64Encoded: true }));

    // Assess
    expect(res.statusCode).toBe(201);
    const body = calls[0]!.req.body as { guide: { fees: unknown; name: string } };
    expect(body.guide.name).toBe(GUIDE.name);
    expect(body.guide.fees).toEqual({ charged: false, items: [] });
  });
});

describe('caller resolution', () => {
  it('maps the IAM identity to its principal and hands it to the operation', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    await call(createItem());

    // Assess
    expect(calls[0]!.req.caller).toEqual({ name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id });
  });

  it.each([
    ['market', `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/tongban-market/cli-session`, DEPARTMENTS.market.id],
    ['housing', `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/tongban-housing/1700000000000`, DEPARTMENTS.housing.id],
  ])('maps an STS assumed-role session to its role (%s)', async (name, sessionArn, departmentId) => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call({ method: 'GET', resource: '/v1/items', userArn: sessionArn });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(calls[0]!.req.caller).toEqual({ name, role: 'department', departmentId });
  });

  it.each([
    ['an unregistered role', arn('role', 'someone-else')],
    ['a session of the same role name in another account', 'arn:aws:sts::999988887777:assumed-role/tongban-market/s'],
    ['a session of a user, not a role', `arn:aws:sts::${TEST_ACCOUNT}:federated-user/tongban-market`],
    ['no identity at all', null],
  ])('refuses %s with 403 PRINCIPAL_UNKNOWN', async (_name, userArn) => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call({ method: 'GET', resource: '/v1/items', userArn });

    // Assess
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toMatchObject({ code: 'PRINCIPAL_UNKNOWN', messageZh: '调用身份未在平台登记' });
    expect(calls).toEqual([]);
  });
});

describe('named officers', () => {
  const session = (role: string, name: string) => `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/${role}/${name}`;

  it.each([
    [
      'a department officer',
      session('tongban-market', 'zhang.wei@market'),
      { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id, officer: 'zhang.wei@market' },
    ],
    ['a reviewer', session('tongban-reviewer', 'li_na'), { name: 'reviewer', role: 'platform', officer: 'li_na' }],
    ['a channel, whose session name is no officer', ARNS.portal, { name: 'portal', role: 'channel', channelId: CHANNELS.portal.id }],
  ])('takes the officer of %s from the session name', (_name, userArn, caller) => {
    expect(resolveCaller(userArn, namedDirectory)).toEqual(caller);
    // Unnamed (a directory written before officers, a test fixture): the session name is no officer.
    if (userArn.includes(':assumed-role/')) expect(resolveCaller(userArn, directory).officer).toBeUndefined();
  });

  it.each([
    ['the role itself, with no session', ARNS.market],
    ['a session name that is no officer id (one character)', session('tongban-market', 'x')],
    ['a session name that is no officer id (a colon)', session('tongban-market', 'aws:officer')],
  ])('refuses a named principal called as %s with 403 OFFICER_REQUIRED', async (_name, userArn) => {
    // Prepare
    const { calls, call } = catalogue({}, namedDirectory);

    // Act
    const res = await call({ method: 'GET', resource: '/v1/items', userArn });

    // Assess
    expect(res.statusCode).toBe(403);
    expect(errorOf(res)).toMatchObject({ code: 'OFFICER_REQUIRED', messageZh: expect.stringContaining('具名经办人') });
    expect(calls).toEqual([]);
  });
});

describe('role check', () => {
  it.each([
    ['a channel creating an item', createItem({ userArn: ARNS.portal })],
    [
      'the reviewer editing an item',
      { method: 'PUT', resource: '/v1/items/{code}', pathParameters: { code: CODE }, userArn: ARNS.reviewer, body: { baseVersion: 1, guide: GUIDE } },
    ],
    [
      'a department reviewing',
      { method: 'POST', resource: '/v1/items/{code}/review', pathParameters: { code: CODE }, userArn: ARNS.market, body: { baseVersion: 2, decision: 'publish' } },
    ],
  ])('refuses %s with 403 ROLE_FORBIDDEN before reading the body', async (_name, init) => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(init);
    const malformed = await call({ ...init, body: '{not json' });

    // Assess
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('ROLE_FORBIDDEN');
    expect(errorOf(malformed).code).toBe('ROLE_FORBIDDEN');
    expect(calls).toEqual([]);
  });

  it('lets a channel read the catalogue', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call({ method: 'GET', resource: '/v1/items', userArn: ARNS.portal });

    // Assess
    expect(res.statusCode).toBe(200);
    expect(calls[0]!.req.caller).toEqual({ name: 'portal', role: 'channel', channelId: CHANNELS.portal.id });
  });
});

describe('values the stores cannot keep', () => {
  const filing = () => {
    const filed: unknown[] = [];
    const ops = Object.fromEntries(routesOf('cases').map((r) => [r.operationId, async (req: ApiRequest) => (r.operationId === 'fileCase' ? filed.push(req.body) : undefined)]));
    // Built at run time from the route table: typed as the function's operations.
    const handler = apiHandler('cases', routesOf('cases'), ops as unknown as OperationsOf<'cases'>, { directory: async () => directory });
    const file = (body: string) =>
      handler(
        apiEvent({
          method: 'POST',
          resource: '/v1/cases',
          userArn: ARNS.portal,
          headers: {
            'Idempotency-Key': 'k-1',
            authorization: 'AWS4-HMAC-SHA256 Credential=AKLTEXAMPLE/20261206/cn-north-1/execute-api/aws4_request, SignedHeaders=host;idempotency-key, Signature=0f',
          },
          body,
        }),
        lambdaContext('tongban-cases'),
      );
    return { filed, file };
  };
  const body = (form: string) =>
    `{"itemCode":"${CODE}","applicant":{"kind":"person","residentId":"110101199003070000","name":"张三","phone":"13800138000"},"form":${form},"materials":{}}`;

  it("refuses with 400, its own code and the field, and calls nothing: a number beyond exact integers or DynamoDB's range, a reserved key at any depth", async () => {
    // Prepare
    const { filed, file } = filing();

    // Act
    const answers = await Promise.all(
      ['{"面积":9007199254740993}', '{"a":[1e308]}', '{"a":{"b":1e-300}}', '{"a":[{"constructor":{"name":"Set"}}]}', '{"a":{"__proto__":{"x":1}}}'].map((form) => file(body(form))),
    );
    const fine = await file(body('{"面积":120.5,"项目":["热食类"]}'));

    // Assess
    expect(answers.map((res) => [res.statusCode, errorOf(res).code, errorOf(res).field])).toEqual([
      [400, 'JSON_NUMBER_UNSUPPORTED', 'form.面积'],
      [400, 'JSON_NUMBER_UNSUPPORTED', 'form.a.0'],
      [400, 'JSON_NUMBER_UNSUPPORTED', 'form.a.b'],
      [400, 'JSON_KEY_RESERVED', 'form.a.0.constructor'],
      [400, 'JSON_KEY_RESERVED', 'form.a.__proto__'],
    ]);
    for (const res of answers) expect(errorOf(res).messageZh).toMatch(/form/);
    expect(fine.statusCode).toBe(201);
    expect(filed).toHaveLength(1);
  });
});

describe('request body', () => {
  it('refuses malformed JSON with 400 MALFORMED_JSON on field body', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(createItem({ body: '{"guide": {"name": "x",}' }));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'MALFORMED_JSON', field: 'body', messageZh: '请求体不是合法的 JSON' });
    expect(calls).toEqual([]);
  });

  it('refuses a body nested deeper than 32 levels with 400 before any schema walks it, and takes 32', async () => {
    // Prepare: 60,000 nested arrays (120 KB) would exhaust the stack of a recursive validator
    const { calls, call } = catalogue();
    const deep = `{"guide": {"name": ${'['.repeat(60_000)}${']'.repeat(60_000)}}}`;
    const nested = (levels: number) => `{"guide": ${'{"a": '.repeat(levels - 1)}1${'}'.repeat(levels - 1)}}`; // the outer object is level 1

    // Act
    const res = await call(createItem({ body: deep }));
    const limit = await call(createItem({ body: nested(32) }));
    const over = await call(createItem({ body: nested(33) }));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
    expect(errorOf(limit).message).not.toMatch(/nested deeper/); // refused by the guide schema instead
    expect(errorOf(over)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body', message: 'the body is nested deeper than 32 levels' });
    expect(calls).toEqual([]);
  });

  it('refuses a body over 256 KiB with 413 PAYLOAD_TOO_LARGE, counting bytes, not characters', async () => {
    // Prepare: 90,000 Chinese characters are 270,000 bytes of UTF-8 (over 262,144) but 90,000 UTF-16 units
    const { calls, call } = catalogue();
    const body = JSON.stringify({ guide: { ...GUIDE, name: '食'.repeat(90_000) } });
    expect(body.length).toBeLessThan(256 * 1024);

    // Act
    const res = await call(createItem({ body }));

    // Assess
    expect(MAX_BODY_BYTES).toBe(256 * 1024);
    expect(res.statusCode).toBe(413);
    expect(errorOf(res)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' });
    expect(calls).toEqual([]);
  });

  it('reads a body of exactly 256 KiB (then refuses it on its content, not its size)', async () => {
    // Prepare: {"guide":"xxx…"} padded to 262,144 bytes, and the same plus one byte
    const { call } = catalogue();
    const wrapper = JSON.stringify({ guide: '' });
    const atLimit = JSON.stringify({ guide: 'x'.repeat(256 * 1024 - wrapper.length) });
    const overLimit = JSON.stringify({ guide: 'x'.repeat(256 * 1024 - wrapper.length + 1) });

    // Act
    const at = await call(createItem({ body: atLimit }));
    const over = await call(createItem({ body: overLimit }));

    // Assess
    expect(Buffer.byteLength(atLimit)).toBe(262_144);
    expect([at.statusCode, errorOf(at).code]).toEqual([400, 'VALIDATION_FAILED']);
    expect([over.statusCode, errorOf(over).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('refuses content type %s with 400', async (contentType) => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(createItem({ headers: { 'Content-Type': contentType } }));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' });
    expect(calls).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(createItem({ headers: { 'content-type': 'application/json; charset=utf-8' } }));

    // Assess
    expect(res.statusCode).toBe(201);
    expect(calls).toHaveLength(1);
  });

  it('refuses a missing body with 400 BODY_REQUIRED', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(createItem({ body: undefined }));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'BODY_REQUIRED', field: 'body' });
    expect(calls).toEqual([]);
  });
});

describe('schema validation', () => {
  it('refuses a schema violation with 400 VALIDATION_FAILED, the offending field and every issue', async () => {
    // Prepare
    const { calls, call } = catalogue();
    const guide = { ...GUIDE, timeLimits: { statutoryDays: 20, promisedDays: 400 }, visits: -1 };

    // Act
    const res = await call(createItem({ body: { guide } }));

    // Assess
    expect(res.statusCode).toBe(400);
    const error = errorOf(res);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'guide.timeLimits.promisedDays' });
    expect(error.message).toContain('guide.timeLimits.promisedDays');
    expect(error.messageZh).toContain('guide.timeLimits.promisedDays');
    expect(error.issues?.map((i) => i.field).sort()).toEqual(['guide.timeLimits.promisedDays', 'guide.visits']);
    expect(error.issues?.every((i) => i.message.length > 0)).toBe(true);
    // people read Chinese: zod's own wording, translated, not the English one
    expect(error.messageZh).toMatch(/[\u4e00-\u9fff].*guide\.timeLimits\.promisedDays.*[\u4e00-\u9fff]/);
    expect(error.messageZh).not.toMatch(/Too big|expected/);
    expect(error.issues?.every((i) => /[\u4e00-\u9fff]/.test((i as { messageZh?: string }).messageZh ?? ''))).toBe(true);
    expect(calls).toEqual([]);
  });

  it('refuses unknown body fields (strict schemas)', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const res = await call(createItem({ body: { guide: GUIDE, publishNow: true } }));

    // Assess
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION_FAILED');
    expect(errorOf(res).issues?.[0]?.message).toContain('publishNow');
    expect(calls).toEqual([]);
  });

  it("checks a body with the function's own rules where the route's schema has its shape only: a year's arrangement that works on a statutory holiday", async () => {
    // Prepare: the platform function's edge, as platformHandler builds it, with fake operations
    const loads: unknown[] = [];
    const ops = Object.fromEntries(
      routesOf('platform').map((r) => [r.operationId, async (req: ApiRequest) => (r.operationId === 'loadCalendarYear' ? loads.push(req.body) : undefined)]),
    );
    // Built at run time from the route table: typed as the function's operations.
    const handler = apiHandler('platform', routesOf('platform'), ops as unknown as OperationsOf<'platform'>, {
      directory: async () => directory,
      bodyRules: { loadCalendarYear: calendarYearSchema },
    });
    const load = (body: CalendarYearData) =>
      handler(apiEvent({ method: 'PUT', resource: '/v1/calendar/{year}', pathParameters: { year: '2027' }, userArn: ARNS.reviewer, body }), lambdaContext());
    const noQingming = statutoryArrangement(2027);
    noQingming.holidays = noQingming.holidays.filter((h) => h.name !== '清明节');

    // Act
    const refused = await load(noQingming);
    const accepted = await load(statutoryArrangement(2027));

    // Assess: the shape alone takes it; the rules refuse it as the schema would, and nothing is loaded
    expect(CalendarYearDocumentSchema.safeParse(noQingming).success).toBe(true);
    expect(refused.statusCode).toBe(400);
    expect(errorOf(refused)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'holidays' });
    expect(errorOf(refused).message).toContain('2027-04-05 is a statutory holiday');
    expect(accepted.statusCode).toBe(200);
    expect(loads).toEqual([statutoryArrangement(2027)]);
  });

  it('validates path parameters and query strings', async () => {
    // Prepare
    const { calls, call } = catalogue();

    // Act
    const badCode = await call({ method: 'GET', resource: '/v1/items/{code}', pathParameters: { code: 'abc' }, userArn: ARNS.portal });
    const badVersion = await call({ method: 'GET', resource: '/v1/items/{code}/versions/{n}', pathParameters: { code: CODE, n: '0' }, userArn: ARNS.portal });
    const badLimit = await call({ method: 'GET', resource: '/v1/items', query: { limit: '1000' }, userArn: ARNS.portal });
    const unknownQuery = await call({ method: 'GET', resource: '/v1/items', query: { sort: 'name' }, userArn: ARNS.portal });

    // Assess
    expect([badCode.statusCode, errorOf(badCode).field]).toEqual([400, 'code']);
    expect([badVersion.statusCode, errorOf(badVersion).field]).toEqual([400, 'n']);
    expect([badLimit.statusCode, errorOf(badLimit).field]).toEqual([400, 'limit']);
    expect([unknownQuery.statusCode, errorOf(unknownQuery).code, errorOf(unknownQuery).field]).toEqual([400, 'VALIDATION_FAILED', 'query']);
    expect(calls).toEqual([]);
  });

  it('takes a query key a plain object inherits (constructor, __proto__, toString) as a key like any other: refused where the query is checked, ignored where none is read (was a 500 embedded: the fuzzing test found it)', async () => {
    // Prepare: the keys as API Gateway's JSON event has them, own keys (JSON.parse, not an object literal)
    const { calls, call } = catalogue();
    const inherited = JSON.parse('{"constructor":"1","__proto__":"2","toString":"3"}') as Record<string, string>;

    // Act
    const listed = await call({ method: 'GET', resource: '/v1/items', query: inherited, userArn: ARNS.portal });
    const health = await platformHandler(apiEvent({ method: 'GET', resource: '/health', query: inherited, userArn: null }), lambdaContext('tongban-platform'));

    // Assess
    expect([listed.statusCode, errorOf(listed).code, errorOf(listed).field]).toEqual([400, 'VALIDATION_FAILED', 'query']);
    expect(errorOf(listed).message).toContain('"constructor", "__proto__", "toString"');
    expect(health.statusCode).toBe(200);
    expect(calls).toEqual([]);
  });
});

describe('outcomes of the operation', () => {
  // A registered code of each kind (the raisers take no other); the edge reads the kind, never the code.
  it.each([
    ['conflict', 409, 'ITEM_ILLEGAL_TRANSITION'],
    ['not-found', 404, 'ITEM_NOT_FOUND'],
    ['forbidden', 403, 'ITEM_DEPARTMENT_FORBIDDEN'],
    ['invalid', 400, 'ITEM_FEE_BASIS_MISSING'],
    ['unavailable', 422, 'DEADLINE_CALENDAR_MISSING'],
  ] as const)('maps a DomainError of kind %s to %i with code, message, messageZh and field', async (kind, status, code) => {
    // Prepare
    const { call } = catalogue({
      createItem: async () => {
        throw new DomainError({ code, kind, message: 'english text', messageZh: '中文说明', field: 'guide.name' });
      },
    });

    // Act
    const res = await call(createItem({ requestId: 'r-42' }));

    // Assess
    expect(res.statusCode).toBe(status);
    expect(errorOf(res)).toEqual({ code, message: 'english text', messageZh: '中文说明', field: 'guide.name', requestId: 'r-42' });
  });

  it('answers 500 INTERNAL_ERROR when the directory cannot be read, and calls nothing', async () => {
    // Prepare
    const calls: string[] = [];
    const operations = Object.fromEntries(routesOf('catalogue').map((r) => [r.operationId, async () => calls.push(r.operationId)]));
    const handler = apiHandler('catalogue', routesOf('catalogue'), operations as unknown as OperationsOf<'catalogue'>, {
      directory: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.12:443');
      },
    });

    // Act
    const res = await handler(apiEvent(createItem()), lambdaContext());

    // Assess
    expect(res.statusCode).toBe(500);
    expect(errorOf(res).code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(calls).toEqual([]);
  });

  it('answers 500 INTERNAL_ERROR to an unexpected exception without leaking its message', async () => {
    // Prepare
    const secret = 'ResourceNotFoundException: table tongban-items-prod in account 123456789012';
    const { call } = catalogue({
      createItem: async () => {
        throw new Error(secret);
      },
    });

    // Act
    const res = await call(createItem());

    // Assess
    expect(res.statusCode).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error; retry later', messageZh: '系统内部错误，请稍后重试', requestId: 'req-0001' });
    expect(res.body).not.toContain('tongban-items-prod');
    expect(res.body).not.toContain('123456789012');
  });
});
