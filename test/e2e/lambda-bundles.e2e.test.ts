// The Lambda bundles as they deploy: the CDK app is synthesised with bundling (the assets `cdk deploy`
// uploads, built with the deployed esbuild options), and every function's bundle is run as Lambda
// runs it — in a Node process of its own, from an empty folder holding nothing but the bundle (no
// node_modules anywhere above it), with only the environment its template gives it (references
// resolved to the embedded platform's counterparts) plus Lambda's own variables. The embedded
// platform then serves the API, runs the joint-handling state machine, the Lambda Invoke API and the
// scheduled functions with these processes instead of its own handlers, and a case goes from filing through
// sealing to the archive (and its licence corrected: sealed anew), a joint case through both opinions, and
// the sweep, the anchoring and the publication run: every function answers from its bundle. A package that escapes a bundle fails here, not on AWS.
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubsegmentDocument } from '../../functions/http/xray-tracer.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { proxyEvent } from '../../infra/local/proxy-event.ts';
import { jointExecutionName } from '../../shared/contracts/joint-workflow.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { SHOP, ZHANG } from '../support/case-fixtures.ts';
import { JOINT } from '../support/sample-guides.ts';
import type { DeployedFunction, FunctionRuntime } from '../support/deployed-functions.ts';
import { LAMBDA_NAMES, deployedFunctions, embeddedCounterparts, localServiceEnvironment, resolvedEnvironment, startFunction } from '../support/deployed-functions.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';
import { CDK_JSON, removeSynthOutputs, synthApp } from '../support/synth-app.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;

let dataDir: string;
let platform: RunningPlatform;
let xray: Socket;
/** What the bundles sent the X-Ray daemon: one subsegment a datagram (functions/http/xray-tracer.ts). */
const segments: SubsegmentDocument[] = [];
let deployed: DeployedFunction[];
/** The async hooks each bundle enabled as it loaded with tracing off. */
const untracedHooks = new Map<LambdaName, number>();
const runtimes = new Map<LambdaName, FunctionRuntime>();
const runtime = (name: LambdaName) =>
  runtimes.get(name) ??
  (() => {
    throw new Error(`the ${name} function is not running`);
  })();

beforeAll(async () => {
  // The assets `cdk deploy` would upload: bundled by the synthesis itself.
  const synth = synthApp(CDK_JSON.context.tongban, { bundle: true });
  deployed = deployedFunctions(synth);

  // The platform, with every function replaced by its bundle's process (started below, once the
  // endpoints their environment names are known).
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-bundles-'));
  const functions = Object.fromEntries(LAMBDA_NAMES.map((name) => [name, (event: unknown) => runtime(name).invoke(event)]));
  platform = await startPlatform({ dataDir, port: 0, scheduleIntervalMs: 0, functions });

  // Active tracing: each function sends its subsegments to the daemon's UDP address — here a socket on loopback.
  xray = createSocket('udp4');
  xray.on('message', (message) => segments.push(JSON.parse(message.toString().split('\n')[1]!)));
  await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));

  const counterparts = embeddedCounterparts(synth, platform);
  const extra = localServiceEnvironment(platform, `127.0.0.1:${xray.address().port}`);
  // Started together; if one fails to load, the others are still stopped in afterAll.
  const started = await Promise.allSettled(deployed.map(async (fn) => runtimes.set(fn.name, await startFunction(fn, resolvedEnvironment(fn, synth, counterparts), extra))));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  // And each bundle loaded once more with tracing off, as the embedded platform runs the handlers: the
  // async hooks it enables as it loads (none: the X-Ray SDK, which enabled one, is not bundled), then stopped.
  for (const fn of deployed) {
    const untraced = await startFunction(fn, { ...resolvedEnvironment(fn, synth, counterparts), POWERTOOLS_TRACE_ENABLED: 'false' }, extra);
    untracedHooks.set(fn.name, untraced.asyncHooks);
    await untraced.stop();
  }
  removeSynthOutputs();
}, 240_000);

afterAll(async () => {
  await platform?.close();
  await Promise.all([...runtimes.values()].map((r) => r.stop()));
  await new Promise<void>((resolve) => (xray ? xray.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  removeSynthOutputs();
});

const as = signedClients(() => platform);
/** The case the cases bundle decides (rated through the evaluations bundle). */
let decidedCase = '';

describe('every Lambda bundle, as deployed, in an empty folder', () => {
  it('is the asset of each function of the template, and each loads alone and exports its handler', () => {
    // Assess: the eight functions, each an ESM bundle and its source map, nothing else
    expect(deployed.map((f) => f.name).sort()).toEqual([...LAMBDA_NAMES].sort());
    for (const fn of deployed) {
      const r = runtime(fn.name);
      expect([fn.name, fn.runtime, fn.handler]).toEqual([fn.name, 'nodejs22.x', 'index.handler']);
      expect([fn.name, r.files]).toEqual([fn.name, ['index.mjs', 'index.mjs.map']]);
      expect([fn.name, r.handlerType, r.exports]).toEqual([fn.name, 'function', expect.arrayContaining(['handler'])]);
      // The folder reaches no package: whatever the bundle needs, it carries.
      expect([fn.name, r.resolvable]).toEqual([fn.name, []]);
    }
  });

  it('enables no async hook as it loads, tracing on or off (the X-Ray SDK is not bundled)', () => {
    // Assess: traced as on AWS, and with POWERTOOLS_TRACE_ENABLED=false: no hook for the process to pay for.
    expect(Object.fromEntries(deployed.map((fn) => [fn.name, runtime(fn.name).asyncHooks]))).toEqual(Object.fromEntries(deployed.map((fn) => [fn.name, 0])));
    expect(Object.fromEntries(deployed.map((fn) => [fn.name, untracedHooks.get(fn.name)]))).toEqual(Object.fromEntries(deployed.map((fn) => [fn.name, 0])));
  });

  it('gets the environment its template gives: tables, buckets, functions and the state machine by their embedded counterparts', () => {
    const env = (name: LambdaName) => Object.keys(deployed.find((f) => f.name === name)!.environment).sort();
    expect(env('seals')).toEqual(expect.arrayContaining(['CASES_TABLE', 'DIRECTORY_TABLE']));
    // Node parses no source map as a bundle loads: the bundle maps a stack trace itself once one is printed (stack-traces.ts).
    expect(env('seals')).not.toContain('NODE_OPTIONS');
    expect(env('archive')).toEqual(expect.arrayContaining(['ARCHIVE_BUCKET', 'DIRECTORY_TABLE', 'MATERIALS_BUCKET']));
    expect(env('archive')).not.toContain('PUBLISHED_KEYS_URL');
    expect(env('cases')).toEqual(expect.arrayContaining(['ARCHIVE_FUNCTION_NAME', 'JOINT_STATE_MACHINE_ARN', 'SEALING_FUNCTION_NAME']));
  });

  it('seals: publishes the JWKS from the embedded KMS', async () => {
    // Act: the public route, unsigned
    const res = await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`);

    // Assess: a key per department seal, and the archive key
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as Json;
    const departments = new Set(jwks.keys.map((k: Json) => k['tongban:department']));
    for (const d of Object.values(DEPARTMENTS)) expect(departments.has(d.id)).toBe(true);
    expect(jwks.keys.every((k: Json) => typeof k['tongban:spki'] === 'string')).toBe(true);
  });

  it('platform and catalogue: health, the OpenAPI document, who calls, the departments and the published items', async () => {
    const health = await fetch(`${platform.endpoint}/health`);
    const openapi = await fetch(`${platform.endpoint}/v1/openapi.json`);
    const items = await as('portal').request('GET', '/v1/items?limit=50');
    const me = await as('market', 'market.li').request('GET', '/v1/me');
    const departments = await as('portal').request('GET', '/v1/departments');

    expect(me.body).toMatchObject({ principal: 'market', role: 'department', officer: 'market.li', department: { id: DEPARTMENTS.market.id, name: DEPARTMENTS.market.name } });
    expect((departments.body as Json).departments).toEqual(Object.values(DEPARTMENTS));

    expect(health.status).toBe(200);
    expect(((await health.json()) as Json).status).toBe('ok');
    expect(openapi.status).toBe(200);
    expect(Object.keys(((await openapi.json()) as Json).paths)).toEqual(expect.arrayContaining(['/v1/cases/{caseNo}/decide', '/v1/.well-known/jwks.json']));
    expect(items.status).toBe(200);
    expect((items.body as Json).items.map((i: Json) => i.code)).toEqual(expect.arrayContaining([REGISTRATION.implementationCode, JOINT.implementationCode]));
  });

  it('cases, sealing and archive: a case filed, decided, sealed with KMS and archived by the bundles', async () => {
    // Prepare: the materials through presigned slots the cases bundle signs
    const materials: Json = {};
    for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: REGISTRATION.implementationCode, applicant: SHOP, form: { 注册资本: '100万元' }, materials },
    });
    expect(filed.status).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;
    decidedCase = caseNo;
    const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    expect(accepted.status).toBe(200);
    const archivingBefore = runtime('archive').endedCount();

    // Act: the decision, sealed at once by the sealing bundle, then archived by the archive bundle
    const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    await runtime('archive').ended(archivingBefore + 1);
    const shown = await as('market').request('GET', `/v1/cases/${caseNo}`);

    // Assess
    expect(decided.status).toBe(200);
    expect((decided.body as Json).results).toMatchObject({ licenceId: expect.stringMatching(/^1\.2\.156\.3005\.2\.YYZZ\./) });
    expect(shown.status).toBe(200);
    expect((shown.body as Json).archive).toMatchObject({ state: 'archived', bundleKey: expect.stringMatching(new RegExp(`/${caseNo}\\.tar$`)) });
    const verified = await as('portal').request('POST', '/v1/seals/verify', { body: (shown.body as Json).results.decision });
    expect((verified.body as Json).valid).toBe(true);
    // The licence corrected by its issuer: the cases bundle records it, the sealing bundle seals version 2
    const licenceId = (decided.body as Json).results.licenceId as string;
    const amended = await as('market').request('POST', `/v1/licences/${licenceId}/amend`, { body: { changes: { data: { 住所: '昆明市呈贡区示例路3号' } }, reasons: '住所更正' } });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect((amended.body as Json).licence).toMatchObject({ version: 2, data: { 住所: '昆明市呈贡区示例路3号' } });
    const amendedSeal = await as('portal').request('POST', '/v1/seals/verify', { body: { document: (amended.body as Json).document, seal: (amended.body as Json).seal } });
    expect(amendedSeal.body).toMatchObject({ valid: true, licenceVersion: 2 });
  });

  it('joint: the state machine runs its steps in the joint bundle, and both opinions complete the case', async () => {
    // Prepare
    const materials: Json = {};
    for (const m of JOINT.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: JOINT.implementationCode, applicant: ZHANG, form: { 经营场所面积: 150 }, materials },
    });
    expect(filed.status).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;
    const executionArn = platform.jointStateMachineArn.replace(':stateMachine:', ':execution:') + `:${jointExecutionName(caseNo)}`;

    // Act: acceptance starts the execution; each co-department answers once its task waits
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} })).status).toBe(200);
    await platform.stepFunctions.waitForTaskToken(executionArn, 'AwaitOpinion');
    for (const department of ['health', 'fire']) {
      const answered = await as(department).request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } });
      expect([department, answered.status]).toEqual([department, 200]);
    }
    const execution = await platform.stepFunctions.waitForExecution(executionArn);
    const shown = await as('market').request('GET', `/v1/cases/${caseNo}`);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect((shown.body as Json).status).toBe('opinions-complete');
    expect((shown.body as Json).jointTasks.map((t: Json) => t.status)).toEqual(['answered', 'answered']);
  });

  it('sweep: a scheduled run through the sweep bundle answers its report and publishes its metrics', async () => {
    const report = (await platform.scheduled.sweep()) as unknown as Json;

    expect(report).toMatchObject({ deemedAccepted: expect.any(Number), markedOverdue: expect.any(Number), failed: [] });
    // EMF, as CloudWatch reads it from the function's output
    expect(runtime('sweep').output()).toMatch(/"SweepFailures":0/);
  });

  it('anchoring: a scheduled run through the anchoring bundle reads the anchor queue and the archive bucket, and publishes its metrics', async () => {
    const report = (await platform.scheduled.anchoring()) as unknown as Json;

    // Without failing (with the deployed lag of 16 minutes no head is old enough for a journal yet).
    expect(report).toEqual({});
    expect(runtime('anchoring').output()).toMatch(/"AnchoringFailures":0/);
    expect(runtime('anchoring').output()).toMatch(/"AnchoredHeads":0/);
  });

  it("relay, deliveries and events: every step of the portal's cases reaches its feed and a subscription is kept, through the bundles", async () => {
    // The cases above: their entries relayed from the stream to the bus, routed to the feeds.
    await platform.caseEvents.drained();
    // As deployed: https only (nothing is sent to it: no case event comes after it, and it is removed at once).
    expect((await as('portal').request('POST', '/v1/subscriptions', { body: { url: 'http://127.0.0.1:9/hooks' } })).status).toBe(400);
    const created = await as('portal').request('POST', '/v1/subscriptions', { body: { url: 'https://hooks.example.com/tongban', types: ['cn.tongban.case.withdraw'] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((created.body as Json).secret).toMatch(/^whsec_/);
    expect(((await as('portal').request('GET', '/v1/subscriptions')).body as Json).subscriptions).toHaveLength(1);
    expect((await as('portal').request('DELETE', `/v1/subscriptions/${(created.body as Json).id as string}`)).status).toBe(200);
    // The feed shows what was routed 2 s ago and before: read until the accepted case is there.
    const until = Date.now() + 30_000;
    let types: string[] = [];
    while (Date.now() < until && !types.includes('cn.tongban.case.accept')) {
      const feed = await as('portal').request('GET', '/v1/events', { query: { limit: '100' } });
      expect(feed.status).toBe(200);
      types = ((feed.body as Json).events as { type: string }[]).map((e) => e.type);
      if (!types.includes('cn.tongban.case.accept')) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(types).toEqual(expect.arrayContaining(['cn.tongban.case.file', 'cn.tongban.case.accept', 'cn.tongban.case.decide']));
  });

  it('watch and supervision: the case events evaluated in the watch bundle, the findings listed through the supervision bundle', async () => {
    await platform.caseEvents.drained();
    await platform.caseEvents.deliver();

    const listed = await as('reviewer').request('GET', '/v1/supervision/findings', { query: { state: 'open' } });
    const unfiltered = await as('reviewer').request('GET', '/v1/supervision/findings');

    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((listed.body as Json).findings).toEqual(expect.any(Array));
    expect([unfiltered.status, (unfiltered.body as Json).error.code]).toEqual([400, 'FINDING_FILTER_REQUIRED']);
    expect(runtime('watch').endedCount()).toBeGreaterThan(0);
  });

  it("tally and statistics: the cases' steps counted and rolled up, the month's figures and the public CSV answered, through the bundles", async () => {
    await platform.caseEvents.drained();
    await platform.caseEvents.deliver();
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const figures = await as('reviewer').request('GET', '/v1/statistics', { query: { period: month } });
    expect(figures.status, JSON.stringify(figures.body)).toBe(200);
    expect(((figures.body as Json).departments as Json[]).reduce((n, d) => n + (d.figures.received as number), 0)).toBeGreaterThan(0);
    const csv = await fetch(`${platform.endpoint}/v1/public/statistics?period=${month}&format=csv`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^period,departmentId,/);
  });

  it('publication: a scheduled run through the publication bundle seals the month before, once due, into the archive bucket', async () => {
    const run = (await platform.scheduled.publication()) as unknown as Json;

    // From a month's second day (China time) the month before is due: sealed with the archive seal key
    // (KMS) and written to the archive bucket (S3) by the bundle's own clients; on the first, nothing is.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const before = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
    expect(run).toEqual(today.endsWith('-01') ? {} : { published: before });
    expect(runtime('publication').output()).toMatch(/"PublicationFailures":0/);
    expect((await fetch(`${platform.endpoint}/v1/public/statistics/documents/${before}`)).status).toBe(today.endsWith('-01') ? 404 : 200);
  });

  it('evaluations: the decided case rated through the evaluations bundle (its due day on the calendar), listed by its department', async () => {
    const rated = await as('portal').request('POST', `/v1/cases/${decidedCase}/evaluation`, { body: { level: 'dissatisfied', comment: '等候时间长' } });
    const listed = await as('market').request('GET', '/v1/evaluations', { query: { case: decidedCase } });

    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    expect(rated.body).toMatchObject({ state: 'rectifying', dueOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown });
    expect(((listed.body as Json).evaluations as Json[]).map((e) => e.id)).toEqual([(rated.body as Json).id]);
  });

  it("tickets: a complaint filed, answered and rated through the tickets bundle, its history chained, its events in the portal's feed", async () => {
    const filed = await as('portal').request('POST', '/v1/tickets', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { kind: 'complaint', about: { item: REGISTRATION.implementationCode }, person: ZHANG, subject: '窗口办理拖延', text: '材料齐全，窗口仍不予受理。' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = (filed.body as Json).id as string;
    expect((await as('market').request('POST', `/v1/tickets/${id}/answer`, { body: { text: '已核实并整改。', outcome: 'substantiated' } })).status).toBe(200);
    expect((await as('portal').request('POST', `/v1/tickets/${id}/rating`, { body: { level: 'satisfied' } })).status).toBe(200);
    const view = await as('reviewer').request('GET', `/v1/tickets/${id}`);
    expect((view.body as Json).ticket).toMatchObject({ state: 'closed', departmentId: DEPARTMENTS.market.id });
    expect((view.body as Json).check).toEqual({ ok: true });
    // Its entries relayed from the feedback table's stream by the feedback-relay bundle, routed by the deliveries bundle to the portal's feed (routed 2 s ago and before).
    await platform.caseEvents.drained();
    const until = Date.now() + 30_000;
    let types: string[] = [];
    while (Date.now() < until && !types.includes('cn.tongban.ticket.rate')) {
      const feed = await as('portal').request('GET', '/v1/events', { query: { limit: '100' } });
      expect(feed.status).toBe(200);
      types = ((feed.body as Json).events as { type: string; subject: string }[]).filter((e) => e.subject === id).map((e) => e.type);
      if (!types.includes('cn.tongban.ticket.rate')) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(types).toEqual(['cn.tongban.ticket.file', 'cn.tongban.ticket.answer', 'cn.tongban.ticket.rate']);
  });

  it("each API function finds every route of its own in its bundle, and answers another function's route 404 ROUTE_NOT_FOUND", async () => {
    // A bundle carries its own routes' schemas alone (<function>-routes.ts): each route of the table,
    // unsigned and without a body, invoked directly on every API function's process.
    const table = ROUTES as readonly RouteSpec[];
    const answers: Record<string, Record<string, string>> = {};
    for (const fn of [...new Set(table.map((r) => r.function))]) {
      for (const route of table) {
        const event = proxyEvent({
          method: route.method,
          resource: route.path,
          path: route.path,
          pathParameters: {},
          query: [],
          headers: {},
          body: null,
          requestId: randomUUID(),
          accountId: '000000000000',
          stage: 'e2e',
          sourceIp: '127.0.0.1',
          identity: { accessKey: null, userArn: null, caller: null },
        });
        const answer = (await runtime(fn).invoke(event)) as { statusCode: number; body: string };
        const code = (JSON.parse(answer.body) as Json).error?.code as string | undefined;
        // Its own: found (then refused for the missing signature or parameters, or answered); another's: not found.
        const found = code !== 'ROUTE_NOT_FOUND' && answer.statusCode < 500 ? 'found' : `${answer.statusCode} ${code}`;
        (answers[fn] ??= {})[route.operationId] = route.function === fn ? found : `${answer.statusCode} ${code}`;
      }
    }
    const expected = Object.fromEntries(
      Object.keys(answers).map((fn) => [fn, Object.fromEntries(table.map((r) => [r.operationId, r.function === fn ? 'found' : '404 ROUTE_NOT_FOUND']))]),
    );
    expect(answers).toEqual(expected);
  });

  it('ran every function from its bundle, traced to the daemon address Lambda gives it: each invocation, and each AWS call under it', () => {
    // Nothing above was answered by the platform's own handlers: each bundle's process ran invocations.
    expect(LAMBDA_NAMES.filter((name) => runtime(name).endedCount() === 0)).toEqual([]);
    // Each function sent its invocations' subsegments, under its service name, the first one a cold start.
    const invocations = segments.filter((s) => s.name === '## index.handler');
    const services = new Set(invocations.map((s) => s.annotations?.Service));
    expect(LAMBDA_NAMES.filter((name) => !services.has(`tongban-${name}`))).toEqual([]);
    expect(LAMBDA_NAMES.filter((name) => !invocations.some((s) => s.annotations?.Service === `tongban-${name}` && s.annotations.ColdStart === true))).toEqual([]);
    // The AWS calls, each under the invocation that made it (same trace), by service and operation.
    const byId = new Map(invocations.map((s) => [s.id, s]));
    const calls = segments.filter((s) => s.namespace === 'aws');
    expect(calls.filter((s) => byId.get(s.parent_id)?.trace_id !== s.trace_id)).toEqual([]);
    const operations = new Set(calls.map((s) => `${s.name}.${s.aws?.operation}`));
    for (const op of ['DynamoDB.PutItem', 'DynamoDB.Query', 'S3.PutObject', 'S3.GetObject', 'Lambda.Invoke', 'SFN.StartExecution', 'KMS.Sign'])
      expect([op, operations.has(op)]).toEqual([op, true]);
    expect(calls.every((s) => s.end_time! >= s.start_time && typeof s.aws?.region === 'string')).toBe(true);
  });
});
