// 好差评 on dynalite over the real DynamoDB wire protocol, through the evaluation service: one evaluation
// however many concurrent ratings of a case, the lifecycle with its hash-chained history, a concurrent
// action refused, a head left behind rolled forward, an edited evaluation found, the lists by channel,
// department, state and period with cursors, and the due list the late pass reads (rectifying only).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEvaluationStore, EVALUATIONS_DUE, evaluationHeadItem } from '../../shared/adapters/dynamo-evaluation-store.ts';
import { FEEDBACK_TABLE } from '../../shared/adapters/table-layout.ts';
import type { CaseEvaluationRequest, EvaluationListQuery } from '../../shared/contracts/evaluations.ts';
import { EvaluationListQuerySchema } from '../../shared/contracts/evaluations.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Evaluation } from '../../shared/domain/evaluations/evaluation.ts';
import type { RatedCase } from '../../shared/domain/evaluations/evaluation-service.ts';
import { EvaluationService } from '../../shared/domain/evaluations/evaluation-service.ts';
import { HALL, HOUSING, MARKET, MARKET_DEPUTY, PORTAL, REVIEWER, ZHANG } from '../support/case-fixtures.ts';
import { fixtureDirectory } from '../support/directory-fixtures.ts';
import { LOCAL_TABLES, startLocalTables } from '../support/local-tables.ts';
import { rejection } from '../support/refusal.ts';

const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };
const TABLE = LOCAL_TABLES.feedback;
let db: DynamoDBDocumentClient;
let store: DynamoEvaluationStore;
let service: EvaluationService;
let stop: () => Promise<void>;
/** The service's clock: 10:00 in China on the day set. */
let clock = new Date('2026-12-04T02:00:00.000Z');
const day = (date: string) => {
  clock = new Date(`${date}T10:00:00+08:00`);
};
const cases = new Map<string, RatedCase>();

beforeAll(async () => {
  ({ db, stop } = await startLocalTables());
  store = new DynamoEvaluationStore(db, TABLE, { onHeadLag: () => undefined });
  service = new EvaluationService({
    store,
    cases: { read: (caseNo) => Promise.resolve(cases.get(caseNo)) },
    directory: () => Promise.resolve(fixtureDirectory()),
    calendar: officialCalendar,
    now: () => clock,
  });
});

afterAll(async () => stop());

let serial = 0;
/** A decided case of its own, filed through the portal, of `departmentId` (the market by default). */
function endedCase(departmentId = MARKET.departmentId!): string {
  const caseNo = `KM20261204EVAL${String(++serial).padStart(6, '0')}`;
  cases.set(caseNo, { caseNo, channelId: PORTAL.channelId!, departmentId, itemCode: 'ITEM-1', itemName: '食品经营许可', status: 'decided', applicant: ZHANG });
  return caseNo;
}

const body = (level: CaseEvaluationRequest['level'], named = false): CaseEvaluationRequest => ({ level, named });
const query = (q: Record<string, string>): EvaluationListQuery => EvaluationListQuerySchema.parse(q);

async function sortKeys(id: string): Promise<string[]> {
  const out = await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EVAL#${id}` }, ConsistentRead: true }));
  return (out.Items ?? []).map((i) => i.sk as string);
}

async function head(id: string): Promise<Record<string, unknown>> {
  return (await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `EVAL#${id}`, sk: 'HEAD' }, ConsistentRead: true }))).Item!;
}

describe('rating', () => {
  it('keeps one evaluation however many ratings of a case run at once: the same key and body replay it, the rest are refused', async () => {
    // Prepare
    day('2026-12-04');
    const caseNo = endedCase();

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => service.rateCase(PORTAL, caseNo, body('very-dissatisfied', true), i < 6 ? 'same-key' : `key-${i}`)),
    );

    // Assess
    const done = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string }] : []));
    expect(done.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(done.map((r) => r.evaluation.hash)).size).toBe(1);
    expect(done.length + refused.length).toBe(12);
    for (const e of refused) expect(e.code).toBe('EVALUATION_EXISTS');
    const id = done[0]!.evaluation.id;
    expect(await sortKeys(id)).toEqual(['H#0000000001', 'HEAD']);
    expect(await head(id)).toMatchObject({
      kind: 'evaluation',
      state: 'rectifying',
      departmentId: MARKET.departmentId,
      channelId: PORTAL.channelId,
      dueOn: '2026-12-09',
      [FEEDBACK_TABLE.indexes.byDepartment.partitionKey]: `DEPT#${MARKET.departmentId!}#EVAL`,
      [FEEDBACK_TABLE.indexes.due.partitionKey]: EVALUATIONS_DUE,
      [FEEDBACK_TABLE.indexes.due.sortKey]: `2026-12-09#${id}`,
      record: { level: 'very-dissatisfied', itemCode: 'ITEM-1', ratedOn: '2026-12-04', excluded: false },
    });
  });
});

describe('the lifecycle on the table', () => {
  it('answers, rates the answer, with each step an entry of an intact chain; the due list drops it once answered', async () => {
    // Prepare
    day('2026-12-04');
    const { evaluation } = await service.rateCase(PORTAL, endedCase(), body('dissatisfied', true));

    // Act
    day('2026-12-08');
    const answered = await service.answer(MARKET, evaluation.id, {
      verification: '经核实属实',
      kind: 'rectified',
      text: '已整改',
      followUp: { on: '2026-12-08', by: '王科长', outcome: '申请人认可' },
    });
    const headAnswered = await head(evaluation.id);
    const closed = await service.rateAnswer(PORTAL, evaluation.id, { level: 'satisfied' });
    const view = await service.get(AUDITOR, evaluation.id);

    // Assess
    expect(answered).toMatchObject({ state: 'answered', rectifiedOnTime: true, version: 2 });
    expect(headAnswered[FEEDBACK_TABLE.indexes.due.partitionKey]).toBeUndefined();
    expect(closed).toMatchObject({ state: 'closed', version: 3 });
    expect(view.history.map((e) => e.type)).toEqual(['rate', 'answer', 'rate-answer']);
    expect(view.check).toEqual({ ok: true });
    expect(view.evaluation.contact).toBeUndefined();
    expect(await sortKeys(evaluation.id)).toEqual(['H#0000000001', 'H#0000000002', 'H#0000000003', 'HEAD']);
  });

  it('refuses the second of two actions taken at once on the same version', async () => {
    // Prepare
    day('2026-12-04');
    const { evaluation } = await service.rateCase(PORTAL, endedCase(), body('very-dissatisfied'));

    // Act
    const results = await Promise.allSettled([
      service.appeal(MARKET, evaluation.id, { reasons: ['恶意差评'] }),
      service.appeal(MARKET_DEPUTY, evaluation.id, { reasons: ['与办件无关'] }),
    ]);

    // Assess
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string }] : []));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(refused.map((e) => e.code)).toEqual([expect.stringMatching(/^EVALUATION_(VERSION|STATE)_CONFLICT$|^EVALUATION_APPEALED_BEFORE$/)]);
    expect(await sortKeys(evaluation.id)).toEqual(['H#0000000001', 'H#0000000002', 'HEAD']);
  });

  it('rolls a head left behind forward when read, and finds a stored evaluation edited in place', async () => {
    // Prepare: a head put back at version 1 after the answer, as a writer stopped before moving it leaves it.
    day('2026-12-04');
    const { evaluation } = await service.rateCase(PORTAL, endedCase(), body('dissatisfied'));
    const before = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `EVAL#${evaluation.id}`, sk: 'HEAD' }, ConsistentRead: true }));
    await service.answer(MARKET, evaluation.id, { verification: '核实', kind: 'explained', text: '系政策规定' });
    await db.send(new PutCommand({ TableName: TABLE, Item: before.Item! }));

    // Act
    const lagging = (await head(evaluation.id)).version;
    const read = await store.read(evaluation.id);
    const rolled = (await head(evaluation.id)).version;
    const edited: Evaluation = { ...read!.evaluation, level: 'very-satisfied' };
    await db.send(new PutCommand({ TableName: TABLE, Item: evaluationHeadItem(edited) }));
    const view = await service.get(REVIEWER, evaluation.id);
    const refused = await rejection(service.rateAnswer(PORTAL, evaluation.id, { level: 'basic' }));

    // Assess
    expect([lagging, read!.evaluation.version, rolled]).toEqual([1, 2, 2]);
    expect(read!.broken).toBeUndefined();
    expect(view.check).toMatchObject({ ok: false, n: 2 });
    expect(refused.code).toBe('EVALUATION_STATE_CONFLICT');
  });
});

describe('lists and the due list', () => {
  it('lists by channel, department, state and period, newest first, a page at a time, without contacts', async () => {
    // Prepare: four ratings of the housing department on four days, one of another department.
    const housing = HOUSING.departmentId!;
    const ids: string[] = [];
    for (const [date, level] of [
      ['2026-11-30', 'very-dissatisfied'],
      ['2026-12-01', 'satisfied'],
      ['2026-12-02', 'dissatisfied'],
      ['2026-12-03', 'basic'],
    ] as const) {
      day(date);
      ids.push((await service.rateCase(PORTAL, endedCase(housing), body(level, true))).evaluation.id);
    }
    day('2026-12-03');
    await service.rateCase(PORTAL, endedCase(), body('basic'));

    // Act
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list(HOUSING, query({ limit: '3', ...(cursor ? { cursor } : {}) }));
      pages.push(page.evaluations.map((e) => e.id));
      for (const e of page.evaluations) expect(e.contact).toBeUndefined();
      cursor = page.nextCursor;
    } while (cursor);
    const onDay = await service.list(REVIEWER, query({ department: housing, from: '2026-12-01', to: '2026-12-02' }));
    const rectifying = await service.list(AUDITOR, query({ department: housing, state: 'rectifying' }));
    const byState = await service.list(REVIEWER, query({ state: 'recorded', from: '2026-12-01', to: '2026-12-01' }));
    const channelDay = await service.list(PORTAL, query({ from: '2026-12-01', to: '2026-12-02', department: housing }));
    const otherChannel = await service.list(HALL, query({}));

    // Assess
    expect(pages.flat()).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(pages[0]).toHaveLength(3);
    expect(new Set(onDay.evaluations.map((e) => e.id))).toEqual(new Set([ids[1], ids[2]]));
    expect(rectifying.evaluations.map((e) => e.id)).toEqual([ids[2], ids[0]]);
    expect(byState.evaluations.map((e) => e.id)).toContain(ids[1]);
    expect(byState.evaluations.every((e) => e.state === 'recorded' && e.ratedOn === '2026-12-01')).toBe(true);
    expect(new Set(channelDay.evaluations.map((e) => e.id))).toEqual(new Set([ids[1], ids[2]]));
    expect(otherChannel.evaluations).toEqual([]);
    expect(await rejection(service.list(HOUSING, query({ limit: '3', cursor: 'not-a-cursor' })))).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('reports the rectifications late on a day from the due list: unanswered past due; not answered ones, not an appeal pending', async () => {
    // Prepare: three bad reviews on Monday 7 December (due Thursday 10 December).
    day('2026-12-07');
    const [late, answered, appealed] = await Promise.all([1, 2, 3].map(async () => (await service.rateCase(PORTAL, endedCase(), body('very-dissatisfied'))).evaluation.id));
    day('2026-12-09');
    await service.answer(MARKET, answered!, { verification: '核实', kind: 'explained', text: '说明' });
    await service.appeal(MARKET, appealed!, { reasons: ['恶意'] });

    // Act
    const onDueDay = await service.lateOccurrences('2026-12-10', { limit: 100 });
    const dayAfter = await service.lateOccurrences('2026-12-11', { limit: 100 });

    // Assess
    expect(onDueDay.occurrences.map((o) => o.facts['id'])).not.toContain(late);
    const found = dayAfter.occurrences.filter((o) => [late, answered, appealed].includes(String(o.facts['id'])));
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'evaluation-rectification-late',
        subject: expect.objectContaining({ kind: 'case' }) as unknown,
        departmentId: MARKET.departmentId,
        facts: { id: late, dueOn: '2026-12-10', kind: 'evaluation' },
      }),
    ]);
  });
});
