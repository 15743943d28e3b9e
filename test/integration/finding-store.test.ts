// Supervision findings on dynalite over the real DynamoDB wire protocol, through the finding service:
// one finding however many concurrent raisings of an occurrence, the lifecycle with its hash-chained
// history, a concurrent action refused, a head left behind rolled forward, an edited finding found, the
// lists by department, rule, state, case and period with cursors — over the lists' shards and their
// keys of before them, a cursor of before the shards going on over them all —, and the escalation pass.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFindingStore, headItem } from '../../shared/adapters/dynamo-finding-store.ts';
import { queryIndexPage } from '../../shared/adapters/query-cursor.ts';
import { hashShard, parseShardedKey } from '../../shared/adapters/shard-keys.ts';
import { SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import type { FindingListQuery } from '../../shared/contracts/supervision-findings.ts';
import type { RuleOccurrence } from '../../shared/contracts/supervision-rules.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { dayNumber, fromDayNumber } from '../../shared/domain/calendar/china-date.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { DEFAULT_RULE_CATALOGUE, rulesById } from '../../shared/domain/supervision/default-rules.ts';
import type { Finding } from '../../shared/domain/supervision/finding.ts';
import { subjectKey } from '../../shared/domain/supervision/finding.ts';
import { FindingService } from '../../shared/domain/supervision/finding-service.ts';
import { HOUSING, MARKET, REVIEWER } from '../support/case-fixtures.ts';
import { rejection } from '../support/refusal.ts';
import { LOCAL_TABLES, startLocalTables } from '../support/local-tables.ts';

const rules = rulesById(DEFAULT_RULE_CATALOGUE);
const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };
let db: DynamoDBDocumentClient;
let store: DynamoFindingStore;
let service: FindingService;
let stop: () => Promise<void>;
/** The service's clock: 10:00 in China on the day set. */
let clock = new Date('2026-11-23T02:00:00.000Z');
const day = (date: string) => {
  clock = new Date(`${date}T10:00:00+08:00`);
};

beforeAll(async () => {
  ({ db, stop } = await startLocalTables());
  store = new DynamoFindingStore(db, LOCAL_TABLES.supervision, { onHeadLag: () => undefined });
  service = new FindingService({ store, calendar: officialCalendar, now: () => clock });
});

afterAll(async () => stop());

let serial = 0;
/** An occurrence on a case of its own (so the lists of one test hold only its findings). */
function occurrence(rule: RuleOccurrence['rule'], over: Partial<RuleOccurrence> = {}): RuleOccurrence {
  serial++;
  return {
    rule,
    subject: { kind: 'case', caseNo: `KM20261123TEST${String(serial).padStart(6, '0')}` },
    occurrence: '2026-11-20',
    departmentId: MARKET.departmentId!,
    on: '2026-11-23',
    facts: { deadline: '2026-11-20' },
    ...over,
  };
}

async function raise(occ: RuleOccurrence) {
  return service.raise(occ, rules.get(occ.rule)!, 0);
}

/** The head of a finding as written before issue 21: each sharded list's key without its shard. */
function legacyHead(finding: Finding): Record<string, unknown> {
  const item = headItem(finding);
  for (const ix of [
    SUPERVISION_TABLE.indexes.findingsByDepartment,
    SUPERVISION_TABLE.indexes.findingsByRule,
    SUPERVISION_TABLE.indexes.findingsByState,
    SUPERVISION_TABLE.indexes.findingsDue,
  ]) {
    const key = item[ix.partitionKey] as string | undefined;
    if (key !== undefined) item[ix.partitionKey] = parseShardedKey(key)!.base;
  }
  return item;
}

async function items(id: string): Promise<string[]> {
  const out = await db.send(
    new QueryCommand({ TableName: LOCAL_TABLES.supervision, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `FINDING#${id}` }, ConsistentRead: true }),
  );
  return (out.Items ?? []).map((i) => i.sk as string);
}

describe('raising', () => {
  it('keeps one finding however many raisings of the same occurrence run at once', async () => {
    // Prepare
    day('2026-11-23');
    const occ = occurrence('statutory-deadline-passed');

    // Act
    const results = await Promise.all(Array.from({ length: 12 }, () => raise(occ)));
    const again = await raise({ ...occ, on: '2026-11-25' });

    // Assess
    expect(results.filter((r) => r.raised)).toHaveLength(1);
    expect(new Set(results.map((r) => r.finding.hash)).size).toBe(1);
    expect(again).toMatchObject({ raised: false, finding: { raisedOn: '2026-11-23' } });
    expect(await items(again.finding.id)).toEqual(['H#0000000001', 'HEAD']);
    // Three working days after 2026-11-23 (a Monday), the rule's answerDays.
    expect(again.finding).toMatchObject({ state: 'open', dueOn: '2026-11-26', severity: 'red', departmentId: MARKET.departmentId });
  });

  it('completes a raising whose head was never written: the next raising (or any read) writes it', async () => {
    // Prepare: the entry alone, as a raiser stopped before its head leaves it.
    day('2026-11-23');
    const occ = occurrence('promised-deadline-passed');
    const { finding } = await raise(occ);
    await db.send(new DeleteCommand({ TableName: LOCAL_TABLES.supervision, Key: { pk: `FINDING#${finding.id}`, sk: 'HEAD' } }));

    // Act
    const again = await raise(occ);

    // Assess
    expect(again.raised).toBe(false);
    const rolled = await db.send(new GetCommand({ TableName: LOCAL_TABLES.supervision, Key: { pk: `FINDING#${finding.id}`, sk: 'HEAD' }, ConsistentRead: true }));
    expect((rolled.Item?.finding as Finding).hash).toBe(finding.hash);
  });
});

describe('answering', () => {
  it('runs answer → return → answer → close, with a history that verifies against the finding', async () => {
    // Prepare
    day('2026-11-23');
    const { finding } = await raise(occurrence('statutory-deadline-passed'));

    // Act
    day('2026-11-24');
    await service.respond(MARKET, finding.id, { kind: 'explain', text: '申请人补正材料延误' });
    day('2026-11-25');
    const returned = await service.returnAnswer(REVIEWER, finding.id, { reasons: ['说明不充分'] });
    day('2026-11-26');
    await service.respond(MARKET, finding.id, { kind: 'rectify', text: '已办结并约谈承办人' });
    const closed = await service.close(REVIEWER, finding.id, { note: '整改到位' });
    const view = await service.get(AUDITOR, finding.id);

    // Assess
    expect(returned).toMatchObject({ state: 'returned', dueOn: '2026-11-30' });
    expect(closed.state).toBe('closed');
    expect(view.history.map((e) => e.type)).toEqual(['raise', 'respond', 'return', 'respond', 'close']);
    expect(view.check).toEqual({ ok: true });
    expect(view.finding).toMatchObject({ state: 'closed', late: false, version: 5 });
  });

  it('refuses the second of two actions on the same version, and a department that is not responsible', async () => {
    // Prepare
    const { finding } = await raise(occurrence('statutory-deadline-passed'));
    await service.respond(MARKET, finding.id, { kind: 'explain', text: '说明' });
    const answered = (await store.read(finding.id))!;

    // Act
    await service.close(REVIEWER, finding.id, {});
    const stale = await rejection(service.returnAnswer(REVIEWER, finding.id, { reasons: ['不充分'] }));
    const { applyFindingCommand } = await import('../../shared/domain/supervision/finding-lifecycle.ts');
    const second = applyFindingCommand(
      answered.finding,
      { action: 'return', reasons: ['x'], due: { date: '2026-12-01' } },
      { actor: REVIEWER, at: clock.toISOString(), today: '2026-11-26' },
    );
    const conflict = await rejection(store.append(second, answered.finding));
    const foreign = await rejection(service.get(HOUSING, finding.id));

    // Assess
    expect(stale.code).toBe('FINDING_STATE_CONFLICT');
    expect(conflict.code).toBe('FINDING_VERSION_CONFLICT');
    expect(foreign.code).toBe('FINDING_FORBIDDEN');
    expect((await rejection(service.get(REVIEWER, '0'.repeat(32)))).code).toBe('FINDING_NOT_FOUND');
  });

  it('rolls a head left behind forward when read, and finds a stored finding edited in place', async () => {
    // Prepare
    const { finding } = await raise(occurrence('statutory-deadline-passed'));
    const before = await db.send(new GetCommand({ TableName: LOCAL_TABLES.supervision, Key: { pk: `FINDING#${finding.id}`, sk: 'HEAD' } }));
    await service.respond(MARKET, finding.id, { kind: 'explain', text: '说明' });
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.supervision, Item: before.Item! }));

    // Act
    const rolled = await store.read(finding.id);
    const edited = { ...rolled!.finding, severity: 'yellow' as const };
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.supervision, Item: headItem(edited) }));
    const view = await service.get(REVIEWER, finding.id);
    const refused = await rejection(service.close(REVIEWER, finding.id, {}));

    // Assess
    expect(rolled).toEqual({ finding: expect.objectContaining({ state: 'answered', version: 2 }) as Finding });
    expect(view.check).toMatchObject({ ok: false, n: 2 });
    expect(refused.code).toBe('FINDING_STATE_CONFLICT');
  });
});

describe('lists', () => {
  it('lists by department, rule, state, case and period, page by page, newest first', async () => {
    // Prepare: five findings of a department of their own over five days, one answered.
    const departmentId = 'dept-list-test';
    const raisedIds: string[] = [];
    for (const [i, date] of ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].entries()) {
      day(date);
      const rule = i % 2 === 0 ? 'statutory-deadline-passed' : 'repeated-supplement';
      raisedIds.push((await raise(occurrence(rule, { departmentId, on: date, occurrence: `r${i}` }))).finding.id);
    }
    const dept: Caller = { name: 'dept-list', role: 'department', departmentId };
    await service.respond(dept, raisedIds[4]!, { kind: 'explain', text: '说明' });
    const all = async (caller: Caller, q: Partial<FindingListQuery>) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await service.list(caller, { limit: 2, ...q, ...(cursor ? { cursor } : {}) });
        ids.push(...page.findings.map((f) => f.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      return { ids, pages };
    };

    // Act
    const byDepartment = await all(REVIEWER, { department: departmentId });
    const own = await all(dept, {});
    const period = await all(AUDITOR, { department: departmentId, from: '2026-11-03', to: '2026-11-05' });
    const byRule = await all(dept, { rule: 'repeated-supplement' });
    const answered = await all(REVIEWER, { department: departmentId, state: 'answered' });
    const late = await service.list(dept, { limit: 10, state: 'open' });

    // Assess
    expect(byDepartment.ids).toEqual([...raisedIds].reverse());
    expect(byDepartment.pages).toBe(3);
    expect(own.ids).toEqual(byDepartment.ids);
    expect(period.ids).toEqual([raisedIds[3], raisedIds[2], raisedIds[1]]);
    expect(byRule.ids).toEqual([raisedIds[3], raisedIds[1]]);
    expect(answered.ids).toEqual([raisedIds[4]]);
    // On 2026-11-06 the first (due 2026-11-05) is late; the yellow and red alike.
    expect(late.findings.filter((f) => f.late).map((f) => f.id)).toEqual([raisedIds[0]]);
  });

  it('lists over the shards and the keys of before them, each finding once and in order, and goes on from a cursor of before the shards', async () => {
    // Prepare: 23 findings of a department of their own over 23 days; 7 of them answered; 8 left under the
    // lists' keys of before issue 21 (DEPT#<owner>, RULE#<rule>, STATE#<state>, DUE), as heads written then.
    const departmentId = 'dept-shard-test';
    const found: { id: string; raisedOn: string; legacy: boolean }[] = [];
    for (let i = 0; i < 23; i++) {
      const date = fromDayNumber(dayNumber('2026-09-01') + i);
      day(date);
      const { finding } = await raise(occurrence('statutory-deadline-passed', { departmentId, on: date, occurrence: `s${i}` }));
      if (i % 3 === 0) await service.respond({ name: 'dept-shard', role: 'department', departmentId }, finding.id, { kind: 'explain', text: '说明' });
      found.push({ id: finding.id, raisedOn: date, legacy: i % 3 === 1 });
    }
    for (const f of found.filter((f) => f.legacy)) await db.send(new PutCommand({ TableName: LOCAL_TABLES.supervision, Item: legacyHead((await store.read(f.id))!.finding) }));
    const newestFirst = [...found].reverse().map((f) => f.id);
    const open = new Set(found.filter((_, i) => i % 3 !== 0).map((f) => f.id));
    const all = async (q: Partial<FindingListQuery>, limit: number, cursor?: string) => {
      const ids: string[] = [];
      do {
        const page = await service.list(REVIEWER, { limit, ...q, ...(cursor ? { cursor } : {}) });
        ids.push(...page.findings.map((f) => f.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    // A client's cursor from before the shards: a page of the department's key alone, as the store read it then.
    const ix = SUPERVISION_TABLE.indexes.findingsByDepartment;
    const legacyPage = await queryIndexPage(db, {
      tableName: LOCAL_TABLES.supervision,
      table: { partitionKey: 'pk', sortKey: 'sk' },
      index: ix,
      partition: `DEPT#${departmentId}`,
      itemPrefix: 'FINDING#',
      listedSortKey: 'HEAD',
      newestFirst: true,
      page: { limit: 2 },
    });
    const held = legacyPage.items.at(-1)![ix.sortKey] as string;

    // Act
    const pages = await Promise.all([1, 2, 5, 50].map((limit) => all({ department: departmentId }, limit)));
    const openOnes = await all({ department: departmentId, state: 'open' }, 2);
    const oldestFirstOpen: string[] = [];
    let next: string | undefined;
    do {
      const page = await store.list({ by: { state: 'open' }, from: '2026-09-01', to: '2026-09-23', filter: {}, oldestFirst: true }, { limit: 3, cursor: next });
      oldestFirstOpen.push(...page.findings.map((f) => f.id));
      next = page.nextCursor;
    } while (next);
    const afterOldCursor = await all({ department: departmentId }, 4, legacyPage.nextCursor);

    // Assess
    for (const ids of pages) expect(ids).toEqual(newestFirst);
    expect(openOnes).toEqual(newestFirst.filter((id) => open.has(id)));
    expect(oldestFirstOpen).toEqual(found.map((f) => f.id).filter((id) => open.has(id)));
    expect(legacyPage.items.map((i) => (i.finding as Finding).id)).toEqual(newestFirst.filter((id) => found.find((f) => f.id === id)!.legacy).slice(0, 2));
    expect(afterOldCursor).toEqual(
      found
        .filter((f) => `${f.raisedOn}#${f.id}` < held)
        .reverse()
        .map((f) => f.id),
    );
    expect((await rejection(service.list(REVIEWER, { limit: 2, department: MARKET.departmentId!, cursor: legacyPage.nextCursor! }))).code).toBe('INVALID_CURSOR');
  });

  it("keeps a finding's heads in its id's shard of each list, and moves a head of before the shards into them at its next write", async () => {
    // Prepare
    day('2026-11-23');
    const { finding } = await raise(occurrence('statutory-deadline-passed'));
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.supervision, Item: legacyHead(finding) }));
    const head = async () => (await db.send(new GetCommand({ TableName: LOCAL_TABLES.supervision, Key: { pk: `FINDING#${finding.id}`, sk: 'HEAD' }, ConsistentRead: true }))).Item!;
    const before = await head();

    // Act
    await service.respond(MARKET, finding.id, { kind: 'explain', text: '说明' });
    const after = await head();

    // Assess
    expect([before.fdPk, before.frPk, before.fstPk, before.duePk]).toEqual([`DEPT#${MARKET.departmentId!}`, 'RULE#statutory-deadline-passed', 'STATE#open', 'DUE']);
    const shard = hashShard(finding.id, SUPERVISION_TABLE.findingShards);
    expect([after.fdPk, after.frPk, after.fstPk, after.duePk, after.fsPk]).toEqual([
      `DEPT#${MARKET.departmentId!}#${shard}`,
      `RULE#statutory-deadline-passed#${shard}`,
      `STATE#answered#${shard}`,
      undefined,
      subjectKey(finding.subject),
    ]);
  });

  it('refuses a cursor of another query, another department for a department, and an unfiltered list for the platform', async () => {
    // Prepare
    const departmentId = 'dept-cursor-test';
    for (let i = 0; i < 3; i++) await raise(occurrence('statutory-deadline-passed', { departmentId, occurrence: `c${i}` }));
    const page = await service.list(REVIEWER, { limit: 1, department: departmentId });

    // Act
    const codes = [
      (await rejection(service.list(REVIEWER, { limit: 1, department: MARKET.departmentId!, cursor: page.nextCursor! }))).code,
      (await rejection(service.list(REVIEWER, { limit: 1, department: departmentId, from: '2026-11-24', cursor: page.nextCursor! }))).code,
      (await rejection(service.list(MARKET, { limit: 1, department: departmentId }))).code,
      (await rejection(service.list(REVIEWER, { limit: 1 }))).code,
    ];

    // Assess
    expect(page.nextCursor).toBeDefined();
    expect(codes).toEqual(['INVALID_CURSOR', 'INVALID_CURSOR', 'FINDING_FORBIDDEN', 'FINDING_FILTER_REQUIRED']);
  });

  it("lists a case's findings for its view", async () => {
    // Prepare
    const occ = occurrence('statutory-deadline-passed');
    await raise(occ);
    await raise({ ...occ, rule: 'reasons-missing', occurrence: 'refuse' });
    const caseNo = occ.subject.kind === 'case' ? occ.subject.caseNo : '';

    // Act
    const shown = await service.ofCase(caseNo);

    // Assess
    expect(shown.map((f) => f.rule).sort()).toEqual(['reasons-missing', 'statutory-deadline-passed']);
    expect(shown[0]).toEqual({ id: expect.any(String) as string, rule: expect.any(String) as string, severity: 'red', state: 'open', raisedOn: '2026-11-23', dueOn: '2026-11-26' });
  });
});

describe('escalation', () => {
  it('escalates the red findings unanswered past their due day, once; not the yellow, the answered or the not yet due', async () => {
    // Prepare: all raised on 2026-11-23, due 2026-11-26 (red: 3 working days) or 2026-11-30 (yellow: 5).
    day('2026-11-23');
    const red = (await raise(occurrence('statutory-deadline-passed'))).finding;
    const yellow = (await raise(occurrence('promised-deadline-passed'))).finding;
    const answered = (await raise(occurrence('statutory-deadline-passed'))).finding;
    await service.respond(MARKET, answered.id, { kind: 'explain', text: '说明' });
    day('2026-11-26');
    const onDueDay = await service.escalateDue();

    // Act
    day('2026-11-27');
    const first = await service.escalateDue();
    const second = await service.escalateDue();

    // Assess
    expect(onDueDay.failed).toEqual([]);
    expect((await store.read(red.id))!.finding).toMatchObject({ state: 'escalated', escalatedOn: '2026-11-27' });
    expect((await store.read(yellow.id))!.finding.state).toBe('open');
    expect((await store.read(answered.id))!.finding.state).toBe('answered');
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect(second.escalated).toBe(0);
    const escalated = await service.list(REVIEWER, { limit: 100, state: 'escalated' });
    expect(escalated.findings.map((f) => f.id)).toContain(red.id);
  });
});
