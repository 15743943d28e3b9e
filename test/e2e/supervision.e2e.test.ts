// Electronic supervision end to end (002 §27), on the embedded platform in this process with a clock the
// test moves: every rule of the catalogue triggered by what departments, channels and the clock do —
// through signed HTTP calls alone — and found by the watch function from the case events (and, for
// the items, its daily pass); the findings answered, closed, sent back, escalated as the rule says; and
// evaluating again (the sweep twice, the bus's archive replayed) raises nothing new.
//
// The timeline (the loaded 2026 calendar; Mid-Autumn Fri 25 Sep, make-up working day Sun 20 Sep):
//   Tue 1 Sep  every case is filed; FOOD (promised 10, statutory 20 working days) accepted: promised
//              Tue 15 Sep, statutory Tue 29 Sep; a site inspection expected to take 3 days (to Fri 4 Sep);
//              容缺 materials due Fri 4 Sep; a second supplement request; a refusal "不符合"; the joint
//              restaurant case accepted (health due Fri 11 Sep, grace to Tue 15 Sep; fire due Tue 15,
//              grace to Thu 17 Sep) and another approved over health's disagreement; an item submitted
//              (review due Thu 3 Sep), another published without its result sample, a planned suspension
//              announced 5 working days ahead while the loaded rules ask 7.
//   Fri 4 Sep  the pre-review (due Thu 3 Sep) is late; the item review is late.
//   Mon 7 Sep  the special procedure and the 容缺 materials are late.
//   Wed 9 Sep  the unanswered case is deemed accepted (its 5 working days ended Tue 8 Sep).
//   Wed 16 Sep overdue; health missing (grace over), fire escalated.
//   Wed 30 Sep a violation.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { RULE_IDS } from '../../shared/contracts/supervision-rules.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import { EVALUATED_RULES } from '../../shared/domain/supervision/rule-evaluation.ts';
import { LI, SHOP, ZHANG } from '../support/case-fixtures.ts';
import { LOCAL_CASE_EVENT_BUS } from '../../infra/local/case-event-plumbing.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The joint workflow's branches wake every second, so that a moved clock escalates within one.
process.env.JOINT_MAX_WAIT_SECONDS = '1';
const env = useClockedPlatform('tongban-supervision-e2e-', '2026-09-01');
const as = signedClients(() => env.platform);

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const BUILDING = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117003000'))!; // housing, online pre-review
const HUKOU = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000120014000'))!; // police
const JOINT = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000199001000'))!;
const MARKET = DEPARTMENTS.market.id;
const HEALTH = DEPARTMENTS.health.id;
const FIRE = DEPARTMENTS.fire.id;

const ok = (res: ApiResponse, status = 200) => {
  expect([res.status, (res.body as Json)?.error]).toEqual([status, undefined]);
  return res.body as Json;
};

/** The case events written so far have reached the watch function. */
const settled = () => env.platform.caseEvents.drained();
/** The sweep, then what its entries start. */
async function sweep(): Promise<void> {
  await env.platform.scheduled.sweep();
  await settled();
}
/** The watch function's tick (the escalations and the items' daily pass), as its schedule would put it on its queue. */
const watchTick = () => env.platform.caseEvents.deliver();

const file = async (guide: typeof FOOD, applicant: unknown = ZHANG) => ok(await fileWithRequiredMaterials(as('portal'), guide, applicant), 201).caseNo as string;
const act = async (who: string, caseNo: string, action: string, body: Json = {}) => ok(await as(who).request('POST', `/v1/cases/${caseNo}/${action}`, { body }));
/** The case as its lead department reads it. */
const caseOf = async (caseNo: string, lead = 'market') => ok(await as(lead).request('GET', `/v1/cases/${caseNo}`));

/** Every finding the platform role lists with `query`, page by page. */
async function listFindings(query: Record<string, string> = {}): Promise<Json[]> {
  const all: Json[] = [];
  let cursor: string | undefined;
  do {
    const page = ok(await as('reviewer').request('GET', '/v1/supervision/findings', { query: { ...query, limit: '100', ...(cursor ? { cursor } : {}) } }));
    all.push(...(page.findings as Json[]));
    cursor = page.nextCursor as string | undefined;
  } while (cursor);
  return all;
}
/** The findings on a case, or on an item (listed by the item rules: the list filters by case, not by item). */
async function findingsOn(subject: { case: string } | { item: string }): Promise<Json[]> {
  if ('case' in subject) return listFindings({ case: subject.case });
  const byRule = await Promise.all(EVALUATED_RULES.item.map((rule) => listFindings({ rule })));
  return byRule.flat().filter((f) => f.subject.kind === 'item' && f.subject.code === subject.item);
}
const summary = (findings: Json[]) => findings.map((f) => `${f.rule}:${f.occurrence} ${f.state}`).sort();

/** Polls the case (each read a signed call) until `done` holds; bounded. */
async function caseWhen(caseNo: string, done: (c: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const c = await caseOf(caseNo);
    if (done(c)) return c;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`case ${caseNo} never reached the wanted state`);
}

/** A new item of the market department, drafted from FOOD's guide under its own code (and `change`d). */
async function draftItem(itemPart: string, change: Json = {}): Promise<{ code: string; version: number }> {
  const guide = { ...FOOD, implementationCode: `${MARKET}${itemPart}`, basicCode: itemPart, name: `监察测试事项${itemPart}`, ...change };
  const created = ok(await as('market').request('POST', '/v1/items', { body: { guide } }), 201);
  return { code: created.code as string, version: created.version as number };
}

const cases: Record<string, string> = {};
const items: Record<string, string> = {};
const startedAt = new Date();

describe('every supervision rule, triggered end to end', () => {
  it('Tue 1 Sep: loads a catalogue asking 7 working days of notice for a planned suspension, and files, answers and decides the cases', async () => {
    // The catalogue in force is the shipped one until the platform role loads its own.
    expect(ok(await as('market').request('GET', '/v1/supervision/rules')).version).toBe(0);
    const rules = DEFAULT_RULE_CATALOGUE.rules.map((r) => (r.id === 'suspension-announced-late' ? { ...r, parameters: { noticeDays: 7 } } : r));
    const loaded = ok(await as('reviewer').request('PUT', '/v1/supervision/rules', { body: { version: 1, source: '市政务服务管理局 电子监察规则（2026）', rules } }));
    expect(loaded.version.version).toBe(1);

    cases.deemed = await file(FOOD);
    cases.preReview = await file(BUILDING);
    cases.late = await file(FOOD, LI);
    await act('market', cases.late, 'accept');
    cases.procedure = await file(FOOD);
    await act('market', cases.procedure, 'accept');
    await act('market', cases.procedure, 'pause', { procedure: 'site-inspection', reason: '现场核查经营场所布局', expectedDays: 3 });
    cases.pending = await file(FOOD);
    await act('market', cases.pending, 'accept', { pendingMaterials: ['经营场所平面布局图'], pendingDueOn: '2026-09-04' });
    cases.supplements = await file(FOOD);
    await act('market', cases.supplements, 'supplement-request', { problems: [{ material: '食品经营许可申请书', problem: '申请人签名缺失' }] });
    await act('portal', cases.supplements, 'supplement', { materials: { 食品经营许可申请书: await uploadPdf(as('portal'), `补正申请书 ${randomUUID()}`) } });
    await act('market', cases.supplements, 'supplement-request', { problems: [{ material: '食品经营许可申请书', problem: '经营项目填写不完整' }] });
    cases.refused = await file(FOOD);
    await act('market', cases.refused, 'refuse', { reasons: ['不符合'] });
    cases.joint = await file(JOINT, SHOP);
    await act('market', cases.joint, 'accept');
    cases.override = await file(JOINT, SHOP);
    await act('market', cases.override, 'accept');
    await caseWhen(cases.override, (c) => Array.isArray(c.jointTasks));
    await act('health', cases.override, 'opinions', { outcome: 'disagree', reasons: ['卫生间设置不符合公共场所卫生要求'] });
    await act('fire', cases.override, 'opinions', { outcome: 'agree', reasons: [] });
    await caseWhen(cases.override, (c) => c.status === 'opinions-complete');
    await act('market', cases.override, 'decide', {
      outcome: 'approved',
      overrideReasons: ['申请人已按卫生部门意见整改并经复查合格'],
      licence: { validUntil: '2031-08-31', data: { 经营项目: '热食类食品制售' } },
    });

    // Items: one submitted for review; one published without its result sample; a planned suspension 5 working days ahead (Tue 8 Sep).
    const review = await draftItem('000117901000');
    items.review = review.code;
    ok(await as('market').request('POST', `/v1/items/${review.code}/submit`, { body: { baseVersion: review.version } }));
    const bare = await draftItem('000117902000', { resultSample: undefined });
    items.bare = bare.code;
    const submitted = ok(await as('market').request('POST', `/v1/items/${bare.code}/submit`, { body: { baseVersion: bare.version } }));
    ok(await as('reviewer').request('POST', `/v1/items/${bare.code}/review`, { body: { baseVersion: submitted.version, decision: 'publish' } }));
    items.suspended = HUKOU.implementationCode;
    const hukou = ok(await as('police').request('GET', `/v1/items/${HUKOU.implementationCode}`));
    ok(
      await as('police').request('POST', `/v1/items/${HUKOU.implementationCode}/suspend`, {
        body: { baseVersion: hukou.latestVersion ?? hukou.publishedVersion, kind: 'planned', effectiveFrom: '2026-09-08', reason: '系统升级改造' },
      }),
    );
    await settled();

    // Assess: what the events found at once — the process and content rules.
    expect(summary(await findingsOn({ case: cases.supplements }))).toEqual(['repeated-supplement:round-2 open']);
    expect(summary(await findingsOn({ case: cases.refused }))).toEqual(['reasons-missing:refusal open']);
    expect(summary(await findingsOn({ case: cases.override }))).toEqual(['approval-over-disagreement:decision open']);
    for (const c of [cases.deemed, cases.preReview, cases.late, cases.procedure, cases.pending, cases.joint]) expect(await findingsOn({ case: c })).toEqual([]);
  });

  it('Fri 4 Sep: the late pre-review; the watch’s daily pass (once a day: the items of Tue 1 Sep are looked at on the next pass) finds the item review late, the suspension announced late and the guide without its result sample', async () => {
    env.day('2026-09-04');
    await sweep();
    await watchTick();
    expect(summary(await findingsOn({ case: cases.preReview! }))).toEqual(['pre-review-late:2026-09-03 open']);
    expect(summary(await findingsOn({ item: items.suspended! }))).toEqual(['suspension-announced-late:2026-09-08 open']);
    expect(summary(await findingsOn({ item: items.bare! }))).toEqual([expect.stringMatching(/^guide-elements-missing:v\d+ open$/)]);
    const [review] = await findingsOn({ item: items.review! });
    expect(review).toMatchObject({ rule: 'item-review-late', state: 'open' });
    // The platform's own reviewers owe the answer: no department does.
    expect(review!.departmentId).toBeUndefined();
  });

  it('Mon 7 Sep: the special procedure past its 3 days and the 容缺 materials past their day; the red refusal finding unanswered by its due day is escalated', async () => {
    env.day('2026-09-07');
    await sweep();
    await watchTick();
    expect(summary(await findingsOn({ case: cases.procedure! }))).toEqual(['procedure-overrun:2026-09-04 open']);
    expect(summary(await findingsOn({ case: cases.pending! }))).toEqual(['pending-materials-late:2026-09-04 open']);
    expect(summary(await findingsOn({ case: cases.refused! }))).toEqual(['reasons-missing:refusal escalated']);
  });

  it('Wed 9 Sep: the case nobody answered is deemed accepted, and that is a finding', async () => {
    env.day('2026-09-09');
    await sweep();
    expect((await caseOf(cases.deemed!)).acceptance.mode).toBe('deemed');
    expect(summary(await findingsOn({ case: cases.deemed! }))).toEqual(['answer-period-passed:deemed open']);
  });

  it('Wed 16 Sep: overdue; health recorded missing (past its grace: never escalated first) and fire escalated, each its own department’s finding', async () => {
    env.day('2026-09-16');
    await sweep();
    await caseWhen(cases.joint!, (c) => c.jointTasks?.[0]?.status === 'missing' && c.jointTasks?.[1]?.status === 'escalated');
    await settled();
    expect(summary(await findingsOn({ case: cases.late! }))).toEqual(['promised-deadline-passed:promised open']);
    const joint = await findingsOn({ case: cases.joint! });
    expect(joint.map((f) => [f.rule, f.occurrence, f.departmentId]).sort()).toEqual([
      ['co-department-escalated', FIRE, FIRE],
      ['co-department-missing', HEALTH, HEALTH],
    ]);
  });

  it('Wed 30 Sep: the statutory deadline passed', async () => {
    env.day('2026-09-30');
    await sweep();
    expect(summary(await findingsOn({ case: cases.late! }))).toEqual(['promised-deadline-passed:promised open', 'statutory-deadline-passed:statutory open']);
  });

  it('has found every case and item rule of the catalogue, each listed under its rule', async () => {
    const rules = [...EVALUATED_RULES.case, ...EVALUATED_RULES.item];
    expect(rules.length + EVALUATED_RULES.voice.length).toBe(RULE_IDS.length);
    const counts = await Promise.all(rules.map(async (rule) => [rule, (await listFindings({ rule })).length] as const));
    expect(counts.filter(([, n]) => n === 0)).toEqual([]);
  });
});

describe('findings answered as their rule says', () => {
  it('a department answers its own finding, not another’s; the platform closes it; its history verifies', async () => {
    const [finding] = await findingsOn({ case: cases.supplements! });
    const id = finding!.id as string;
    const foreign = await as('police').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'rectify', text: '已整改' } });
    expect([foreign.status, (foreign.body as Json).error.code]).toEqual([403, 'FINDING_FORBIDDEN']);
    ok(await as('market').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'rectify', text: '已对经办人开展一次性告知培训，今后补正一次告知' } }));
    const closed = ok(await as('reviewer').request('POST', `/v1/supervision/findings/${id}/close`, { body: { note: '整改到位' } }));
    expect(closed.state).toBe('closed');
    const read = ok(await as('auditor').request('GET', `/v1/supervision/findings/${id}`));
    expect(read.check).toEqual({ ok: true });
    // Red, its 3 working days over on Fri 4 Sep: escalated by the tick of Mon 7 Sep, answered after.
    expect((read.history as Json[]).map((e) => e.type)).toEqual(['raise', 'escalate', 'respond', 'close']);
  });

  it('the platform sends back an escalated finding’s explanation; answered again, it is closed', async () => {
    const [finding] = await findingsOn({ case: cases.refused! });
    const id = finding!.id as string;
    ok(await as('market').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'explain', text: '理由已口头告知' } }));
    const returned = ok(await as('reviewer').request('POST', `/v1/supervision/findings/${id}/return`, { body: { reasons: ['不予受理须书面说明理由（行政许可法第三十八条）'] } }));
    expect(returned.state).toBe('returned');
    ok(await as('market').request('POST', `/v1/supervision/findings/${id}/response`, { body: { kind: 'rectify', text: '已重新出具载明理由的不予受理通知书' } }));
    expect(ok(await as('reviewer').request('POST', `/v1/supervision/findings/${id}/close`, { body: { note: '已纠正' } })).state).toBe('closed');
  });
});

describe('evaluating again raises nothing new', () => {
  it('the sweep twice and every case event replayed from the bus archive leave the findings as they were', async () => {
    // Today's escalations done first: what follows may not change a finding's state either.
    await watchTick();
    const before = await Promise.all(Object.values(cases).map(async (c) => summary(await findingsOn({ case: c }))));
    await sweep();
    await sweep();
    await watchTick();
    const { replayed } = await env.platform.caseEvents.bus.replay({ bus: LOCAL_CASE_EVENT_BUS, from: startedAt, to: new Date(), name: 'supervision-e2e' });
    expect(replayed).toBeGreaterThan(20);
    await settled();
    const after = await Promise.all(Object.values(cases).map(async (c) => summary(await findingsOn({ case: c }))));
    expect(after).toEqual(before);
  });
});
