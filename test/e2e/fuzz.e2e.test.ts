// Fuzzing every route of the API through the embedded platform (`npm start`'s command as a child
// process): property-based (fast-check, a fixed seed), bounded (RUNS requests a route), bad and odd
// input of every part of a request — bodies (valid ones mutated: numbers DynamoDB cannot store,
// `constructor` / `__proto__` / `prototype` keys, deep nesting, long and Chinese strings, wrong types,
// missing and extra fields; random JSON; text that is not JSON; wrong content types), path parameters
// (`..`, `%00`, unicode), query strings (limit and cursor junk) and headers (Idempotency-Key junk) —
// sent signed as principals of every role, and unsigned or badly signed. Every answer: never a 5xx,
// a success in its route's response schema, every refusal in the error envelope
// (test/support/fuzz-envelope.ts); and a refused write leaves no trace: the case, item, licence or
// calendar year it named reads as before, and the channels hold one more case per filing answered
// 201, no other. The figures are printed at the end. TONGBAN_FUZZ_SEED and TONGBAN_FUZZ_RUNS
// replay a run or change its size.
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { matchRoute } from '../../infra/local/api-gateway.ts';
import { FINDING_STATES } from '../../shared/contracts/supervision-findings.ts';
import { TICKET_KINDS, TICKET_STATES } from '../../shared/contracts/tickets.ts';
import { findingId } from '../../shared/domain/supervision/finding.ts';
import { DEPARTMENTS, PRINCIPALS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { CASE_STATUSES, SUPERVISION_KINDS } from '../../shared/contracts/case-vocabulary.ts';
import type { RouteSpec } from '../../shared/contracts/routes.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import { LI, ZHANG } from '../support/case-fixtures.ts';
import type { AnswerFault } from '../support/fuzz-envelope.ts';
import { answerFaults } from '../support/fuzz-envelope.ts';
import type { RawRequest, RawResponse, Signer } from '../support/fuzz-http.ts';
import { closeFuzzAgent, sendRaw } from '../support/fuzz-http.ts';
import type { IdempotencyPlan, RequestPlan } from '../support/fuzz-inputs.ts';
import { bodyText, jsonText, requestPlan, segment, shapedPath, tamperedCursor } from '../support/fuzz-inputs.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = Number(process.env.TONGBAN_FUZZ_SEED ?? 20261206);
/** A route's own seed, from the run's and the route's name (FNV-1a): another run seed, other requests on every route. */
function routeSeed(operationId: string): number {
  let h = 0x811c9dc5;
  for (const c of `${SEED}:${operationId}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}
const RUNS = Number(process.env.TONGBAN_FUZZ_RUNS ?? 25);
// Tue 1 Sep 2026, 10:00 in China: the cases' deadlines fall within the loaded 2026 calendar.
const CLOCK_START = '2026-09-01T02:00:00Z';

let dataDir: string;
let platform: PlatformProcess;
const as = signedClients(() => platform);

const seedItem = (suffix: string) => SEED_ITEMS.find((g) => g.implementationCode.endsWith(suffix))!;
const FOOD = seedItem('000117001000');
const BUILDING = seedItem('000117003000');
const HUKOU = seedItem('000120014000');
const JOINT = seedItem('000199001000');
const MARKET = DEPARTMENTS.market.id;
const ALL_PRINCIPALS = PRINCIPALS.map((p) => p.name);
/**
 * Who a request is signed as when its signer is the odd part: every role, but not the foreign case's
 * department (police) and channel (hall-window): the foreign case, which every case family may name,
 * is never written to, and is watched throughout.
 */
const ANY_PRINCIPALS = ALL_PRINCIPALS.filter((p) => p !== 'police' && p !== 'hall-window');
const FORM = { 经营项目: ['热食类食品制售'], 经营场所面积: 120, 备注: '临街铺面' };

// ---- the platform's state the requests are made against ----

interface Probe {
  /** A fingerprint of the resource: equal before and after a refused write. */
  read: () => Promise<string>;
  last: string;
}

const ctx = {
  /** Uploaded files, by material name (the portal's), and the co-departments' attachments. */
  files: {} as Record<string, Json>,
  attachments: {} as Record<string, Json>,
  /** Each case family's case, in the state its action starts from. */
  cases: {} as Record<string, string>,
  /** A case of another department and channel (police, the hall window). */
  foreignCase: '',
  item: { code: `${MARKET}000117990000`, version: 1 },
  createdItems: 0,
  licenceId: '',
  /** Amendments of the licence asked for: each example corrects its address to a new value. */
  amendments: 0,
  decision: {} as Json,
  calendar2026: {} as Json,
  /** A real cursor of each list's own query, by route. */
  cursors: {} as Record<string, string>,
  /** The supervision finding a refusal without reasons worth the name raises (its id is drawn from the rule, the case and the occurrence). */
  finding: '',
  /** An evaluation (好差评) of a refused case by the portal, very dissatisfied: the market owes its answer. */
  evaluation: '',
  /** The portal's tickets: a complaint routed to the market department, one waiting to be passed on (转办). */
  tickets: [] as string[],
  /** A webhook subscription of the portal's and of the market's (to a loopback port nothing listens on). */
  subscriptions: [] as string[],
  keys: 0,
  /** The resources whose refused writes must leave no trace: by the path parameter that names them. */
  probes: new Map<string, Probe>(),
};

/** Files a case of `item` with these materials as the portal; answers its number. */
async function file(item: { implementationCode: string }, materials: string[]): Promise<string> {
  const res = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': `setup-${++ctx.keys}` },
    body: { itemCode: item.implementationCode, applicant: ZHANG, form: FORM, materials: Object.fromEntries(materials.map((m) => [m, ctx.files[m]])) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as Json).caseNo as string;
}

async function act(principal: string, caseNo: string, action: string, body: Json): Promise<Json> {
  const res = await as(principal).request('POST', `/v1/cases/${caseNo}/${action}`, { body });
  expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as Json;
}

/** The case once `done(it)` holds, as `reader` reads it (bounded: 300 reads). */
async function caseWhen(caseNo: string, reader: string, done: (c: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const c = (await as(reader).request('GET', `/v1/cases/${caseNo}`)).body as Json;
    if (done(c)) return c;
  }
  throw new Error(`case ${caseNo} never reached the wanted state`);
}

/** How many times a case family starts again on a new case after a success. */
const MAX_RENEWALS = 2;
/** Statuses after which the archive function writes to the case (after the answer). */
const FINAL: ReadonlySet<string> = new Set(['refused', 'decided', 'withdrawn']);

const FOOD_REQUIRED = ['食品经营许可申请书', '营业执照'];
const FOOD_ALL = [...FOOD_REQUIRED, '经营场所平面布局图', '食品安全管理制度文本'];
const PENDING_DUE = '2026-09-15';

/** Makes a case in the state a case family starts from; answers its number and who reads it. */
const START: Record<string, () => Promise<{ caseNo: string; reader: string }>> = {
  received: async () => ({ caseNo: await file(FOOD, FOOD_REQUIRED), reader: 'market' }),
  'pre-review': async () => ({ caseNo: await file(BUILDING, ['建筑工程施工许可证申请表', '建设工程规划许可证', '施工合同']), reader: 'housing' }),
  accepted: async () => {
    const caseNo = await file(FOOD, FOOD_ALL);
    await act('market', caseNo, 'accept', {});
    return { caseNo, reader: 'market' };
  },
  'accepted-pending': async () => {
    const caseNo = await file(FOOD, FOOD_REQUIRED);
    await act('market', caseNo, 'accept', { pendingMaterials: FOOD_ALL.slice(2), pendingDueOn: PENDING_DUE });
    return { caseNo, reader: 'market' };
  },
  'supplement-requested': async () => {
    const caseNo = await file(FOOD, FOOD_REQUIRED);
    await act('market', caseNo, 'supplement-request', { problems: [{ material: FOOD_REQUIRED[0], problem: '申请书未签名' }] });
    return { caseNo, reader: 'market' };
  },
  paused: async () => {
    const caseNo = await file(FOOD, FOOD_ALL);
    await act('market', caseNo, 'accept', {});
    await act('market', caseNo, 'pause', { procedure: 'site-inspection', reason: '现场核查', expectedDays: 3 });
    return { caseNo, reader: 'market' };
  },
  // Refused, and archived (the archive function runs after the answer: waited for, so that nothing
  // writes to the case while it is fuzzed).
  ended: async () => {
    const caseNo = await file(FOOD, FOOD_REQUIRED);
    await act('market', caseNo, 'refuse', { reasons: ['不符合受理条件'] });
    await caseWhen(caseNo, 'market', (c) => c.archive !== undefined);
    return { caseNo, reader: 'market' };
  },
  // A joint case whose workflow has dispatched a task to each co-department.
  dispatched: async () => {
    const caseNo = await file(
      JOINT,
      JOINT.materials.map((m) => m.name),
    );
    await act('market', caseNo, 'accept', {});
    await caseWhen(caseNo, 'market', (c) => Array.isArray(c.jointTasks));
    return { caseNo, reader: 'market' };
  },
};

async function caseFingerprint(caseNo: string, reader: string): Promise<string> {
  const res = await as(reader).request('GET', `/v1/cases/${caseNo}`);
  const c = res.body as Json;
  return `${res.status} ${c.status} v${c.version} ${c.hash}`;
}

/** Puts `family`'s case in its start state (a new one), watched for traces of refused writes. */
async function freshCase(family: string, start: string): Promise<void> {
  const old = ctx.cases[family];
  if (old) ctx.probes.delete(old);
  const { caseNo, reader } = await START[start]!();
  ctx.cases[family] = caseNo;
  const read = () => caseFingerprint(caseNo, reader);
  ctx.probes.set(caseNo, { read, last: await read() });
}

async function watch(key: string, read: () => Promise<string>): Promise<void> {
  ctx.probes.set(key, { read, last: await read() });
}

const itemFingerprint = async () => {
  const res = await as('market').request('GET', `/v1/items/${ctx.item.code}/versions/latest`);
  const v = res.body as Json;
  ctx.item.version = v.version as number;
  return `${res.status} v${v.version} ${v.state}/${v.publicState} ${v.hash}`;
};
const licenceFingerprint = async () => {
  const res = await as('market').request('GET', `/v1/licences/${ctx.licenceId}`);
  const l = res.body as Json;
  return `${res.status} ${l.status} v${l.licence?.version} ${l.seal?.signature} ${JSON.stringify(l.licence?.revocation ?? null)}`;
};
const calendarFingerprint = async () => {
  const res = await as('reviewer').request('GET', '/v1/calendar/2026');
  const y = res.body as Json;
  ctx.calendar2026 = y.current.data as Json;
  return `${res.status} v${y.current.version} ${y.current.hash}`;
};

/** The cases the two channels hold (every page). */
async function channelCaseCount(): Promise<number> {
  let n = 0;
  for (const channel of ['portal', 'hall-window']) {
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res: ApiResponse = await as(channel).request('GET', '/v1/cases', { query: { limit: '100', cursor } });
      expect(res.status).toBe(200);
      n += ((res.body as Json).cases as Json[]).length;
      cursor = (res.body as Json).nextCursor as string | undefined;
      if (!cursor) break;
    }
  }
  return n;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-fuzz-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);

  // Files: the portal's, one for every material of an item (a filing names each by its content); the
  // co-departments' attachments.
  for (const item of [FOOD, BUILDING, JOINT]) {
    const file = await uploadPdf(as('portal'), `${item.name} ${SEED}`);
    for (const m of item.materials) ctx.files[m.name] = file;
  }
  for (const dept of ['health', 'fire']) ctx.attachments[dept] = await uploadPdf(as(dept), `${dept} 检查报告`);

  // The foreign case: the police's, filed by the hall window (which the fuzzing signs as only to file
  // and list): every case family may name it, nothing may write to it.
  const hallFile = await uploadPdf(as('hall-window'), `户口簿 ${SEED}`);
  const hall = await as('hall-window').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': 'setup-foreign' },
    body: {
      itemCode: HUKOU.implementationCode,
      applicant: LI,
      form: { 迁入地址: '昆明市五华区' },
      materials: Object.fromEntries(['居民户口簿', '居民身份证'].map((m) => [m, hallFile])),
    },
  });
  expect(hall.status, JSON.stringify(hall.body)).toBe(201);
  ctx.foreignCase = (hall.body as Json).caseNo as string;
  await watch(ctx.foreignCase, () => caseFingerprint(ctx.foreignCase, 'police'));

  // A licence and a sealed decision: an approved food case.
  const decided = (await START.accepted!()).caseNo;
  const state = await act('market', decided, 'decide', { outcome: 'approved', licence: { validUntil: '2031-08-31', data: { 经营项目: ['热食类食品制售'] } } });
  ctx.licenceId = state.results.licenceId as string;
  ctx.decision = state.results.decision as Json;
  await watch(ctx.licenceId, licenceFingerprint);

  // A supervision finding: the refusal's reasons are short of the rule's minimum (the watch raises it from the event).
  const refused = (await START.received!()).caseNo;
  await act('market', refused, 'refuse', { reasons: reason });
  ctx.finding = findingId({ rule: 'reasons-missing', subject: { kind: 'case', caseNo: refused }, occurrence: 'refusal' });

  // An evaluation: a refused case rated very dissatisfied through the portal (named), the market owing the answer.
  const evaluated = (await START.ended!()).caseNo;
  const evaluation = await as('portal').request('POST', `/v1/cases/${evaluated}/evaluation`, { body: { level: 'very-dissatisfied', named: true, comment: '材料要求前后不一' } });
  expect(evaluation.status, JSON.stringify(evaluation.body)).toBe(201);
  ctx.evaluation = (evaluation.body as Json).id as string;

  // The market's own item to write to (never the seeded ones the cases are filed on): published.
  const guide = { ...FOOD, implementationCode: ctx.item.code, basicCode: '000117990000', name: '食品经营许可证核发（模糊测试）' };
  expect((await as('market').request('POST', '/v1/items', { body: { guide } })).status).toBe(201);
  expect((await as('market').request('POST', `/v1/items/${ctx.item.code}/submit`, { body: { baseVersion: 1 } })).status).toBe(200);
  expect((await as('reviewer').request('POST', `/v1/items/${ctx.item.code}/review`, { body: { baseVersion: 2, decision: 'publish' } })).status).toBe(200);
  await watch(ctx.item.code, itemFingerprint);
  await watch('2026', calendarFingerprint);

  // Real cursors of the lists (a page of one, as their home principal lists): valid values, and what a
  // tampered cursor starts from.
  for (const [op, principal, path] of [
    ['listItems', 'portal', '/v1/items'],
    ['listChannelCases', 'portal', '/v1/cases'],
    ['departmentQueue', 'market', '/v1/queue'],
  ] as const) {
    const cursor = ((await as(principal).request('GET', path, { query: { limit: '1' } })).body as Json).nextCursor as string | undefined;
    if (cursor) ctx.cursors[op] = cursor;
  }
  // The feed answers a cursor on every page.
  ctx.cursors.listEvents = ((await as('portal').request('GET', '/v1/events', { query: { limit: '1' } })).body as Json).cursor as string;
  for (const body of [TICKET, { ...TICKET, about: undefined }]) {
    const res = await as('portal').request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': `setup-${++ctx.keys}` }, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ctx.tickets.push((res.body as Json).id as string);
  }
  ctx.cursors.listTickets = ((await as('portal').request('GET', '/v1/tickets', { query: { limit: '1' } })).body as Json).nextCursor as string;
  for (const principal of ['portal', 'market']) {
    const res = await as(principal).request('POST', '/v1/subscriptions', { body: { url: 'http://127.0.0.1:9/fuzz' } });
    expect(res.status).toBe(201);
    ctx.subscriptions.push((res.body as Json).id as string);
  }
});

afterAll(async () => {
  closeFuzzAgent();
  printFigures();
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// ---- the families: one per route ----

interface Family {
  /** The principals that call the route as it is meant to be called. */
  home: readonly string[];
  /** Valid values of the path parameters, by name. */
  params?: () => Record<string, readonly string[]>;
  /** Valid values of the query keys, by name. */
  query?: () => Record<string, readonly string[]>;
  /** The query the route is called with when its query is not the part made odd. */
  baseQuery?: () => [string, string][];
  /** A valid body of the moment (the mutations start from it). */
  example?: (principal: string) => unknown;
  /** The state the family's own case starts from: a new one after a success (MAX_RENEWALS times). */
  case?: string;
  /** After a success on a resource watched for traces: read its fingerprint again. */
  written?: boolean;
  /** A success is followed by writes of the system's after the answer (the joint workflow going on). */
  followedUp?: boolean;
}

/** Valid limits, and the real cursors (each of its own list's query: of another's, it is refused). */
const LIMITS = {
  limit: ['1', '20', '100'],
  get cursor() {
    return Object.values(ctx.cursors);
  },
};
/**
 * The case parameters of the family `op`: its own case (what an unfocused request names) and the
 * foreign one — not another family's, whose watching is its own family's.
 */
const caseParams = (op: string) => () => ({ caseNo: [ctx.cases[op] ?? ctx.foreignCase, ctx.foreignCase] });
const reason = ['不符合法定条件'];
const DEPT = ['market', 'market-deputy'];

const caseAction = (op: string, start: string, home: readonly string[], example: (principal: string) => unknown): Family => ({
  home,
  params: caseParams(op),
  example,
  case: start,
});

const FAMILIES: Record<string, Family> = {
  health: { home: ANY_PRINCIPALS },
  openapi: { home: ANY_PRINCIPALS },
  sealKeys: { home: ANY_PRINCIPALS },
  listItems: { home: ANY_PRINCIPALS, query: () => ({ ...LIMITS, department: [MARKET], type: ['administrative-licence'], state: ['draft', 'submitted', 'returned'] }) },
  getItem: { home: ANY_PRINCIPALS, params: () => ({ code: [FOOD.implementationCode, ctx.item.code] }) },
  getItemVersion: { home: ANY_PRINCIPALS, params: () => ({ code: [FOOD.implementationCode, ctx.item.code], n: ['1', 'latest', String(ctx.item.version)] }) },
  whoAmI: { home: ANY_PRINCIPALS },
  listDepartments: { home: ANY_PRINCIPALS },
  listCalendar: { home: ANY_PRINCIPALS },
  getCalendarYear: { home: ANY_PRINCIPALS, params: () => ({ year: ['2026', '2027', '2008'] }) },
  createUploadSlot: { home: ['portal', 'market'], example: () => ({ contentType: 'application/pdf', size: 1024, sha256: 'ab'.repeat(32) }) },
  fileCase: {
    home: ['portal', 'hall-window'],
    example: () => ({ itemCode: FOOD.implementationCode, applicant: ZHANG, form: FORM, materials: Object.fromEntries(FOOD_REQUIRED.map((m) => [m, ctx.files[m]])) }),
  },
  listChannelCases: { home: ['portal'], query: () => ({ ...LIMITS, applicant: [ZHANG.residentId, LI.residentId] }) },
  getCase: { home: ['market', 'portal'], params: caseParams('getCase'), case: 'received' },
  getCaseHistory: { home: ['market', 'portal'], params: caseParams('getCaseHistory'), query: () => LIMITS, case: 'received' },
  getCaseMaterial: {
    home: ['market', 'portal'],
    params: caseParams('getCaseMaterial'),
    query: () => ({ name: [...FOOD_REQUIRED, '检查报告'], opinion: [DEPARTMENTS.health.id] }),
    baseQuery: () => [['name', FOOD_REQUIRED[0]!]],
    case: 'received',
  },
  acceptCase: caseAction('acceptCase', 'received', DEPT, () => ({ pendingMaterials: FOOD_ALL.slice(2), pendingDueOn: PENDING_DUE })),
  requestSupplement: caseAction('requestSupplement', 'received', DEPT, () => ({ problems: [{ material: FOOD_REQUIRED[0], problem: '申请书未签名' }] })),
  supplementCase: caseAction('supplementCase', 'supplement-requested', ['portal'], () => ({ form: FORM, materials: { [FOOD_REQUIRED[0]!]: ctx.files[FOOD_REQUIRED[0]!] } })),
  preReviewCase: caseAction('preReviewCase', 'pre-review', ['housing'], () => ({ outcome: 'incomplete', missing: ['施工合同'], nextSteps: '请补正后再提交' })),
  deliverCase: caseAction('deliverCase', 'accepted-pending', ['portal'], () => ({ materials: { [FOOD_ALL[2]!]: ctx.files[FOOD_ALL[2]!] } })),
  refuseCase: caseAction('refuseCase', 'received', DEPT, () => ({ reasons: reason })),
  pauseCase: caseAction('pauseCase', 'accepted', DEPT, () => ({ procedure: 'site-inspection', reason: '现场核查', expectedDays: 5 })),
  extendCase: caseAction('extendCase', 'accepted', DEPT, () => ({ days: 5, approvedBy: '局长', reasons: ['情况复杂'] })),
  acceptArchiveFindings: caseAction('acceptArchiveFindings', 'ended', ['reviewer'], () => ({ reasons: ['原件即如此'] })),
  retryFollowUp: caseAction('retryFollowUp', 'ended', ['reviewer'], () => ({ reasons: ['印章密钥已恢复'] })),
  resumeCase: caseAction('resumeCase', 'paused', DEPT, () => ({})),
  decideCase: caseAction('decideCase', 'accepted', DEPT, () => ({
    outcome: 'approved',
    licence: { validUntil: '2031-08-31', data: { 经营项目: ['热食类食品制售'], 地址: '昆明市呈贡区' } },
  })),
  giveOpinion: {
    ...caseAction('giveOpinion', 'dispatched', ['health', 'fire'], (principal) => ({
      outcome: 'disagree',
      reasons: ['消防通道不足'],
      attachments: { 检查报告: ctx.attachments[principal] ?? ctx.attachments.health },
    })),
    followedUp: true,
  },
  withdrawCase: caseAction('withdrawCase', 'received', ['portal'], () => ({ reason: '申请人撤回' })),
  correctCase: caseAction('correctCase', 'received', DEPT, () => ({
    ticketId: 'a1'.repeat(16),
    corrections: [{ field: 'applicant.name', value: `${ZHANG.name}（更正）` }],
    reasons: ['姓名录入有误'],
  })),
  departmentQueue: { home: ['market', 'health'], query: () => ({ ...LIMITS, status: CASE_STATUSES }) },
  jointTaskQueue: { home: ['health', 'fire'], query: () => LIMITS },
  supervisionList: { home: ['reviewer'], params: () => ({ kind: SUPERVISION_KINDS }), query: () => LIMITS },
  getLicence: {
    home: ['market', 'portal'],
    params: () => ({ licenceId: [ctx.licenceId] }),
    query: () => ({ holder: [ZHANG.residentId, LI.residentId] }),
    baseQuery: () => [['holder', ZHANG.residentId]],
  },
  amendLicence: {
    home: ['market', 'market-deputy'],
    params: () => ({ licenceId: [ctx.licenceId] }),
    example: () => ({ changes: { data: { 地址: `昆明市呈贡区示例路${++ctx.amendments}号` } }, reasons: '住所录入有误，依申请更正', ticketId: `TK-FUZZ-${ctx.amendments}` }),
    written: true,
  },
  listLicences: { home: ['portal'], query: () => ({ ...LIMITS, holder: [ZHANG.residentId], type: ['SPJYXKZ', 'YYZZ'] }), baseQuery: () => [['holder', ZHANG.residentId]] },
  revokeLicence: { home: ['market'], params: () => ({ licenceId: [ctx.licenceId] }), example: () => ({ reason: '以欺骗手段取得' }), written: true },
  verifySeal: { home: ANY_PRINCIPALS, example: () => ctx.decision },
  createItem: { home: ['market'], example: () => ({ guide: { ...FOOD, implementationCode: `${MARKET}0001179${String(++ctx.createdItems).padStart(5, '0')}`, name: '新事项' } }) },
  reviseItem: { home: ['market'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version, guide: itemGuide() }), written: true },
  editItem: { home: ['market'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version, guide: itemGuide() }), written: true },
  submitItem: { home: ['market'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version }), written: true },
  reviewItem: { home: ['reviewer'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version, decision: 'publish' }), written: true },
  suspendItem: {
    home: ['market'],
    params: () => ({ code: [ctx.item.code] }),
    example: () => ({ baseVersion: ctx.item.version, kind: 'emergency', reason: '系统升级', notice: '暂停受理三日' }),
    written: true,
  },
  resumeItem: { home: ['market'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version }), written: true },
  terminateItem: { home: ['market'], params: () => ({ code: [ctx.item.code] }), example: () => ({ baseVersion: ctx.item.version, reason: '事项取消' }), written: true },
  loadCalendarYear: { home: ['reviewer'], params: () => ({ year: ['2026'] }), example: () => ctx.calendar2026, written: true },
  getSupervisionRules: { home: ANY_PRINCIPALS },
  listSupervisionRuleVersions: { home: ANY_PRINCIPALS },
  // The shipped catalogue (version 0): sent as it is, a replay; mutated, refused — or, made a valid version 1, loaded.
  loadSupervisionRules: { home: ['reviewer'], example: () => DEFAULT_RULE_CATALOGUE },
  listFindings: {
    home: ['reviewer', 'market', 'auditor'],
    query: () => ({
      ...LIMITS,
      department: [MARKET, 'platform'],
      rule: ['reasons-missing'],
      state: FINDING_STATES,
      case: [ctx.foreignCase],
      from: ['2026-09-01'],
      to: ['2026-12-31'],
    }),
  },
  getFinding: { home: ['reviewer', 'market', 'auditor'], params: () => ({ id: [ctx.finding] }) },
  respondToFinding: { home: ['market'], params: () => ({ id: [ctx.finding] }), example: () => ({ kind: 'explain', text: '已补充说明理由和依据' }) },
  closeFinding: { home: ['reviewer'], params: () => ({ id: [ctx.finding] }), example: () => ({ note: '整改到位' }) },
  returnFinding: { home: ['reviewer'], params: () => ({ id: [ctx.finding] }), example: () => ({ reasons: ['说明不充分'] }) },
  createSubscription: { home: ['portal', 'market'], example: () => ({ url: 'http://127.0.0.1:9/fuzz', types: ['cn.tongban.case.accept', 'cn.tongban.case.decide'] }) },
  listSubscriptions: { home: ['portal', 'market'] },
  listFailures: { home: ['portal', 'market'], params: () => ({ id: ctx.subscriptions }), query: () => LIMITS },
  redeliver: { home: ['portal', 'market'], params: () => ({ id: ctx.subscriptions }), example: () => ({ eventIds: [`${ctx.foreignCase}.1`] }) },
  listEvents: { home: ['portal', 'market'], query: () => ({ ...LIMITS, since: ['2026-11-23T00:00:00.000Z', '2026-11-23T10:00:00+08:00'] }) },
  removeSubscription: { home: ['portal', 'market'], params: () => ({ id: ctx.subscriptions }) },
  getStatistics: {
    home: ['reviewer', 'auditor', 'market'],
    query: () => ({ period: ['2026-11', '2026', '2026-11-23'], department: [MARKET], item: [FOOD.implementationCode], channel: ['kunming-portal'] }),
    baseQuery: () => [['period', '2026-11']],
  },
  checkStatistics: {
    home: ['reviewer', 'auditor'],
    query: () => ({ period: ['2026-11-23', '2026-11'], department: [MARKET] }),
    baseQuery: () => [
      ['period', '2026-11-23'],
      ['department', MARKET],
    ],
  },
  // 好差评: each rating family rates its own ended case (a new one after a success) or a window visit.
  evaluateCase: caseAction('evaluateCase', 'ended', ['portal'], () => ({ level: 'dissatisfied', named: true, dimensions: { attitude: 2 }, comment: '办事效率低' })),
  evaluateWindow: {
    home: ['hall-window'],
    example: () => ({ level: 'very-dissatisfied', named: true, contact: { name: '王五', phone: '13700137000' }, window: { visit: `V-${++ctx.keys}`, departmentId: MARKET } }),
  },
  listEvaluations: {
    home: ['portal', 'market', 'reviewer', 'auditor'],
    query: () => ({
      ...LIMITS,
      department: [MARKET],
      state: ['recorded', 'rectifying', 'answered', 'closed', 'appealed', 'excluded'],
      case: [ctx.foreignCase],
      from: ['2026-09-01'],
      to: ['2026-12-31'],
    }),
  },
  getEvaluation: { home: ['portal', 'market', 'reviewer', 'auditor'], params: () => ({ id: [ctx.evaluation] }) },
  answerEvaluation: {
    home: DEPT,
    params: () => ({ id: [ctx.evaluation] }),
    example: () => ({ verification: '经核实属实', kind: 'rectified', text: '已整改', followUp: { on: '2026-09-01', by: '王科长', outcome: '申请人认可' } }),
  },
  rateEvaluationAnswer: { home: ['portal'], params: () => ({ id: [ctx.evaluation] }), example: () => ({ level: 'satisfied', comment: '整改及时' }) },
  appealEvaluation: { home: DEPT, params: () => ({ id: [ctx.evaluation] }), example: () => ({ reasons: ['恶意差评'] }) },
  decideEvaluationAppeal: { home: ['reviewer'], params: () => ({ id: [ctx.evaluation] }), example: () => ({ decision: 'dismiss', reasons: ['申诉理由不成立'] }) },
  getPublicStatistics: { home: ANY_PRINCIPALS, query: () => ({ period: ['2026-11', '2026'], format: ['json', 'csv'] }), baseQuery: () => [['period', '2026-11']] },
  getStatisticsDocument: { home: ANY_PRINCIPALS, params: () => ({ month: ['2026-10', '2026-11'] }) },
  fileTicket: { home: ['portal'], example: () => TICKET },
  listTickets: {
    home: ['portal', 'market', 'reviewer', 'auditor'],
    query: () => ({ ...LIMITS, kind: TICKET_KINDS, state: TICKET_STATES, department: [MARKET], from: ['2026-09-01'], to: ['2026-12-31'] }),
    baseQuery: () => [['department', MARKET]],
  },
  getTicket: { home: ['portal', 'market', 'reviewer', 'auditor'], params: () => ({ id: ctx.tickets }) },
  assignTicket: { home: ['reviewer'], params: () => ({ id: ctx.tickets.slice(1) }), example: () => ({ departmentId: MARKET, note: '属市场监管职责' }) },
  answerTicket: { home: ['market'], params: () => ({ id: ctx.tickets }), example: () => ({ text: '已核实并处理。', outcome: 'substantiated' }) },
  rateTicket: { home: ['portal'], params: () => ({ id: ctx.tickets }), example: () => ({ level: 'satisfied', comment: '处理及时' }) },
  // Last: a ticket passed on leaves the market department, which then may answer it no more.
  transferTicket: { home: ['market'], params: () => ({ id: ctx.tickets }), example: () => ({ departmentId: DEPARTMENTS.housing.id, reasons: '属住建部门职责' }) },
};

/** A complaint about the food item (routed to the market department). */
const TICKET = { kind: 'complaint', about: { item: FOOD.implementationCode }, person: ZHANG, subject: '窗口办理拖延', text: '材料齐全，窗口仍不予受理。' };

const itemGuide = () => ({ ...FOOD, implementationCode: ctx.item.code, basicCode: '000117990000', name: '食品经营许可证核发（模糊测试）', visits: 1 });

// ---- figures ----

const FIGURES = {
  requests: 'req',
  ok: '2xx',
  refused: '4xx',
  serverErrors: '5xx',
  envelope: 'envelope',
  responseSchema: 'schema',
  traceChecks: 'checks',
  traces: 'traces',
} as const;
type Figures = Record<keyof typeof FIGURES, number>;
const figures = new Map<string, Figures>();
const noFigures = (): Figures => ({ requests: 0, ok: 0, refused: 0, serverErrors: 0, envelope: 0, responseSchema: 0, traceChecks: 0, traces: 0 });

/** The figures the closing note quotes: a line per route and the totals. */
function printFigures(): void {
  const keys = Object.keys(FIGURES) as (keyof Figures)[];
  const total = noFigures();
  for (const f of figures.values()) for (const k of keys) total[k] += f[k];
  const line = (name: string, cells: (string | number)[]) => `${name.padEnd(22)}${cells.map((c) => String(c).padStart(9)).join('')}`;
  console.log(
    [
      `fuzz (seed ${SEED}, ${RUNS} runs a route): requests, 2xx, refused (4xx), 5xx, envelope violations, response-schema violations, trace checks of refused writes, traces left`,
      line('route', Object.values(FIGURES)),
      ...[...figures].map(([op, f]) =>
        line(
          op,
          keys.map((k) => f[k]),
        ),
      ),
      line(
        'TOTAL',
        keys.map((k) => total[k]),
      ),
    ].join('\n'),
  );
}

// ---- one request ----

const named = (name: string): Signer => ({ kind: 'principal', name });

function signerOf(plan: RequestPlan['signer'], home: readonly string[]): Signer {
  const pick = (list: readonly string[], n: number) => list[n % list.length]!;
  switch (plan.kind) {
    case 'home':
      return named(pick(home, plan.pick));
    case 'any':
      return named(pick(ANY_PRINCIPALS, plan.pick));
    case 'unsigned':
    case 'unknown-key':
      return { kind: plan.kind };
    case 'malformed':
      return plan;
    default:
      return { kind: plan.kind, name: pick(home, plan.pick) };
  }
}

const queryKeys = (route: RouteSpec) => (route.query instanceof z.ZodObject ? Object.keys(route.query.shape) : ['limit', 'cursor']);

/** The request a plan makes of `route` now: its focus odd, the rest as the route is meant to be called; and the path parameters it meant, decoded. */
function resolve(route: RouteSpec, family: Family, plan: RequestPlan): { req: RawRequest; named: string[] } {
  const odd = (part: RequestPlan['focus']) => plan.focus === part || plan.focus === 'all';
  const valid = family.params?.() ?? {};
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const meant: string[] = [];
  let path = route.path;
  names.forEach((name, i) => {
    const p = plan.params[i]!;
    const values = valid[name] ?? [];
    let sent: string;
    if (p.kind === 'junk' && odd('path')) sent = segment(p.value, p.encoding);
    else if (values.length === 0) sent = 'x';
    else {
      const v = values[(p.kind === 'valid' && odd('path') ? p.pick : 0) % values.length]!;
      meant.push(v);
      sent = encodeURIComponent(v);
    }
    path = path.replace(`{${name}}`, sent);
  });
  const keys = queryKeys(route);
  const validQuery = family.query?.() ?? {};
  const real = ctx.cursors[route.operationId];
  const query = odd('query')
    ? plan.query.map(({ key, value }): [string, string] => {
        if (value.kind === 'cursor') return ['cursor', tamperedCursor(real ?? 'e30', value.mutations)];
        const k = key.kind === 'known' ? keys[key.pick % keys.length]! : key.key;
        const values = validQuery[k] ?? [];
        return [k, value.kind === 'odd' ? value.value : values.length > 0 ? values[value.pick % values.length]! : '1'];
      })
    : (family.baseQuery?.() ?? []);
  const home = named(family.home[('pick' in plan.signer ? plan.signer.pick : 0) % family.home.length]!);
  const signer = odd('signer') ? signerOf(plan.signer, family.home) : home;
  const principal = 'name' in signer ? signer.name : family.home[0]!;
  const example = route.body ? family.example?.(principal) : undefined;
  const body = odd('body') ? bodyText(plan.body, example) : route.body ? jsonText(example) : undefined;
  const headers: Record<string, string> = odd('headers') ? Object.fromEntries(plan.extraHeaders) : {};
  const contentType = odd('headers') ? plan.contentType : 'application/json';
  if (body !== undefined && contentType !== null) headers['content-type'] = contentType;
  const idem: IdempotencyPlan = odd('headers') ? plan.idempotency : { kind: 'fresh', signed: true };
  const unsignedHeaders: string[] = [];
  if (idem.kind !== 'none') {
    headers['Idempotency-Key'] = idem.kind === 'fresh' ? `fuzz-${SEED}-${++ctx.keys}` : idem.kind === 'fixed' ? `fuzz-${SEED}-fixed` : idem.value;
    if (!idem.signed) unsignedHeaders.push('Idempotency-Key');
  }
  return {
    req: {
      method: odd('path') && plan.method !== 'route' ? plan.method : route.method,
      path: shapedPath(path, odd('path') ? plan.shape : 'plain'),
      query,
      headers,
      unsignedHeaders,
      ...(body !== undefined ? { body } : {}),
      signer,
    },
    named: meant,
  };
}

/** A request, shortly: what a failure shows. */
function describeRequest(req: RawRequest): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`);
  const body = req.body === undefined ? '(none)' : req.body.length > 300 ? `${req.body.slice(0, 300)}…(${req.body.length} chars)` : req.body;
  return `${req.method} ${req.path}${req.query.length ? `?${new URLSearchParams(req.query).toString().slice(0, 200)}` : ''} as ${JSON.stringify(req.signer)} [${headers.join('; ')}] body ${body}`;
}

interface Finding {
  /** `harness`: this test could not make its plan a request (its own fault, shown all the same). */
  fault: AnswerFault['kind'] | 'trace' | 'harness';
  detail: string;
  request: string;
}

async function fuzzRoute(route: RouteSpec, seed: number): Promise<Finding[]> {
  const family = FAMILIES[route.operationId]!;
  const f = noFigures();
  figures.set(route.operationId, f);
  const findings: Finding[] = [];
  const paramCount = route.path.split('{').length - 1;
  const filedBefore = route.operationId === 'fileCase' ? await channelCaseCount() : 0;
  let filed = 0;
  let renewed = 0;

  await fc.assert(
    fc.asyncProperty(requestPlan(paramCount, route.body !== undefined), async (plan) => {
      let resolved: ReturnType<typeof resolve>;
      try {
        resolved = resolve(route, family, plan);
      } catch (e) {
        findings.push({ fault: 'harness', detail: `the plan made no request: ${String(e)}`, request: `focus ${plan.focus}, body ${plan.body.kind}` });
        return;
      }
      const { req, named: meant } = resolved;
      // A request that gets no answer (the connection dropped) is a finding like any other, shown as
      // the request it was (fast-check's own report of a plan can be too deep to print).
      let res: RawResponse;
      try {
        res = await sendRaw(platform, req);
      } catch (e) {
        findings.push({ fault: 'server-error', detail: `no answer: ${String(e)}`, request: describeRequest(req) });
        f.requests++;
        f.serverErrors++;
        return;
      }
      f.requests++;
      const reached = matchRoute(req.method, new URL(req.path, 'http://localhost').pathname).route;
      for (const fault of answerFaults(reached, res)) {
        findings.push({ fault: fault.kind, detail: fault.detail, request: describeRequest(req) });
        if (fault.kind === 'server-error') f.serverErrors++;
        else if (fault.kind === 'envelope') f.envelope++;
        else f.responseSchema++;
      }
      const ok = res.status >= 200 && res.status < 300;
      if (ok) f.ok++;
      else if (res.status < 500) f.refused++;
      if (ok && route.operationId === 'fileCase' && (JSON.parse(res.text) as Json).replayed === false) filed++;

      // The resources a write named: refused, it leaves them as they were.
      for (const key of route.method === 'GET' ? [] : meant) {
        const probe = ctx.probes.get(key);
        if (!probe) continue;
        if (ok) {
          const own = family.case !== undefined && ctx.cases[route.operationId] === key;
          // The family's own case, acted on: a new one in the start state (a few times: each costs a filing and its actions)…
          if (own && renewed < MAX_RENEWALS) {
            renewed++;
            await freshCase(route.operationId, family.case!);
          }
          // …or the same one, watched on unless something may still write to it after the answer (an
          // ended case's archiving, the joint workflow going on after an opinion).
          else if ((own || family.written) && !family.followedUp && !FINAL.has(String((JSON.parse(res.text) as Json).status))) probe.last = await probe.read();
          // Another family's case, written by a principal who may: it may go on changing (archiving).
          else ctx.probes.delete(key);
          continue;
        }
        f.traceChecks++;
        const now = await probe.read();
        if (now !== probe.last) {
          f.traces++;
          findings.push({ fault: 'trace', detail: `${key}: ${probe.last} → ${now} after ${res.status} ${res.text.slice(0, 200)}`, request: describeRequest(req) });
          probe.last = now;
        }
      }
    }),
    { seed, numRuns: RUNS, endOnFailure: true },
  );

  if (route.operationId === 'fileCase') {
    f.traceChecks++;
    const after = await channelCaseCount();
    if (after !== filedBefore + filed) {
      f.traces++;
      findings.push({ fault: 'trace', detail: `the channels hold ${after} cases: ${filedBefore} before and ${filed} filings answered 201`, request: '(all filings)' });
    }
  }
  return findings;
}

describe('fuzzing every route: no 5xx, the envelope on every refusal, no trace of a refused write', () => {
  it('has a family for every route of the API, and no other', () => {
    expect(Object.keys(FAMILIES).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  // One family after the other, in the table's order — the item's writes in the order of its
  // lifecycle, the calendar (which every case's dates rest on) last. (At once they took longer: the
  // platform's stand-ins share one process.)
  for (const op of Object.keys(FAMILIES)) {
    const route = (ROUTES as readonly RouteSpec[]).find((r) => r.operationId === op)!;
    it(`${route.method} ${route.path} (${op})`, async () => {
      // Prepare: the case the family acts on, in its start state
      const family = FAMILIES[op]!;
      if (family.case) await freshCase(op, family.case);

      // Act
      const findings = await fuzzRoute(route, routeSeed(op));

      // Assess
      expect(findings, `route seed ${routeSeed(op)} (TONGBAN_FUZZ_SEED=${SEED} replays the run)`).toEqual([]);
    });
  }
});
