// The watch (shared/domain/supervision/supervision-watch.ts) over the finding store on dynalite: a case
// evaluated raises each occurrence once however often it is evaluated again; the daily passes run once
// a day — the escalation, and the item rules over the seeded catalogue (real evaluations, the memory
// item store) raising each finding once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../shared/adapters/dynamo-finding-store.ts';
import type { RuleOccurrence } from '../../shared/contracts/supervision-rules.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import type { CaseRead } from '../../shared/domain/cases/case-store.ts';
import { FindingService } from '../../shared/domain/supervision/finding-service.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import type { RuleSource } from '../../shared/domain/supervision/rule-source.ts';
import type { LateAnswers } from '../../shared/domain/supervision/late-answers.ts';
import { LATE_PAGES, RULE_EVALUATIONS, SupervisionWatch } from '../../shared/domain/supervision/supervision-watch.ts';
import { MARKET } from '../support/case-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { LOCAL_TABLES, startLocalTables } from '../support/local-tables.ts';

let store: DynamoFindingStore;
let stop: () => Promise<void>;
let clock = new Date('2026-11-23T02:00:00.000Z');
const day = (date: string) => {
  clock = new Date(`${date}T10:00:00+08:00`);
};

beforeAll(async () => {
  const tables = await startLocalTables();
  store = new DynamoFindingStore(tables.db, LOCAL_TABLES.supervision);
  stop = tables.stop;
});

afterAll(async () => stop());

const CASE_NO = 'KM20261123WATCH00001';
/** What the case evaluation finds: two occurrences on a case that is read as it is. */
const found = (today: string): RuleOccurrence[] => [
  { rule: 'reasons-missing', subject: { kind: 'case', caseNo: CASE_NO }, occurrence: 'refusal', departmentId: MARKET.departmentId!, on: today, facts: { chars: 3 } },
  { rule: 'repeated-supplement', subject: { kind: 'case', caseNo: CASE_NO }, occurrence: 'round-2', departmentId: MARKET.departmentId!, on: today, facts: { round: 2 } },
];

/** The shipped rules, with every guide element required of a published item (so the seeded catalogue falls short). */
const strictGuides: RuleSource = {
  current: async () => ({
    version: 1,
    data: {
      ...DEFAULT_RULE_CATALOGUE,
      rules: DEFAULT_RULE_CATALOGUE.rules.map((r) =>
        r.id === 'guide-elements-missing' ? { ...r, parameters: { elements: ['basicCode', 'resultSample', 'contact.address', 'materials'] } } : r,
      ),
    },
  }),
};

async function watch(read: CaseRead | undefined, lateAnswers?: LateAnswers[], rules: RuleSource = strictGuides) {
  const { items } = await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'));
  const now = () => clock;
  return new SupervisionWatch({
    findings: new FindingService({ store, calendar: officialCalendar, now }),
    store,
    cases: { read: async () => read },
    items,
    rules,
    calendar: officialCalendar,
    evaluations: { case: (_rules, _state, today) => found(today), item: RULE_EVALUATIONS.item },
    ...(lateAnswers ? { lateAnswers } : {}),
    now,
  });
}

describe('the watch', () => {
  it('raises what a case evaluation finds once, however often the case is evaluated; an unknown case raises nothing', async () => {
    // Prepare
    day('2026-11-23');
    const w = await watch({ state: { caseNo: CASE_NO } as CaseState, broken: { n: 3, reason: 'entry 3 is missing' } });

    // Act
    const first = await w.onCase(CASE_NO);
    day('2026-11-24');
    const again = await w.onCase(CASE_NO);
    const unknown = await (await watch(undefined)).onCase('KM20261123WATCH00002');

    // Assess
    expect(first).toEqual({ evaluated: true, raised: 2, known: 0, broken: 'entry 3: entry 3 is missing' });
    expect(again).toMatchObject({ raised: 0, known: 2 });
    expect(unknown).toEqual({ evaluated: false, raised: 0, known: 0 });
  });

  it('runs the daily passes once a day: the item rules raise the catalogue findings once', async () => {
    // Prepare
    day('2026-11-25');
    const w = await watch(undefined);

    // Act
    const first = await w.tick();
    const sameDay = await w.tick();
    day('2026-11-26');
    const nextDay = await w.tick();
    const listed = await new FindingService({ store, calendar: officialCalendar, now: () => clock }).list(
      { name: 'reviewer', role: 'platform' },
      { limit: 100, rule: 'guide-elements-missing' },
    );

    // Assess
    expect(first.escalation).toMatchObject({ failed: [], complete: true });
    expect(first.items).toMatchObject({ failed: [] });
    expect(first.items!.evaluated).toBeGreaterThan(0);
    expect(first.items!.raised).toBeGreaterThan(0);
    expect(sameDay).toEqual({});
    expect(nextDay.items).toMatchObject({ raised: 0, known: first.items!.raised, failed: [] });
    expect(listed.findings).toHaveLength(first.items!.raised);
    expect(listed.findings.every((f) => f.subject.kind === 'item' && f.departmentId !== undefined)).toBe(true);
  });

  it('raises each late answer owed to the public once, under an enabled rule; the next day reads only what fell due since the last pass', async () => {
    // Prepare: a service with three late answers over two pages (one a disabled rule's), asked what it was given.
    const asked: { today: string; dueFrom?: string | undefined; cursor?: string | undefined }[] = [];
    const late = (id: string, rule: RuleOccurrence['rule'], today: string): RuleOccurrence => ({
      rule,
      subject: rule === 'ticket-answer-late' ? { kind: 'ticket', id } : { kind: 'evaluation', id },
      occurrence: 'late-1',
      departmentId: MARKET.departmentId!,
      on: today,
      facts: { id, dueOn: '2026-11-24' },
    });
    const service: LateAnswers = {
      lateOccurrences: async (today, page) => {
        asked.push({ today, dueFrom: page.dueFrom, cursor: page.cursor });
        return page.cursor === undefined
          ? { occurrences: [late('t1', 'ticket-answer-late', today), late('e1', 'evaluation-rectification-late', today)], nextCursor: 'page-2' }
          : { occurrences: [late('t2', 'ticket-answer-late', today)] };
      },
    };
    const noEvaluationRule: RuleSource = {
      current: async () => ({
        version: 2,
        data: { ...DEFAULT_RULE_CATALOGUE, rules: DEFAULT_RULE_CATALOGUE.rules.map((r) => (r.id === 'evaluation-rectification-late' ? { ...r, enabled: false } : r)) },
      }),
    };

    // Act
    day('2026-11-27');
    const first = await (await watch(undefined, [service], noEvaluationRule)).tick();
    day('2026-11-30');
    const next = await (await watch(undefined, [service], noEvaluationRule)).tick();
    const listed = await new FindingService({ store, calendar: officialCalendar, now: () => clock }).list(
      { name: 'reviewer', role: 'platform' },
      { limit: 100, rule: 'ticket-answer-late' },
    );

    // Assess: the disabled rule's answer raised nothing; both pages read; the ticket findings are due on the rule's answer days.
    expect(first.lateAnswers).toEqual({ raised: 2, known: 0, complete: true });
    expect(next.lateAnswers).toEqual({ raised: 0, known: 2, complete: true });
    expect(asked).toEqual([
      { today: '2026-11-27', dueFrom: '2026-11-26', cursor: undefined },
      { today: '2026-11-27', dueFrom: '2026-11-26', cursor: 'page-2' },
      { today: '2026-11-30', dueFrom: '2026-11-27', cursor: undefined },
      { today: '2026-11-30', dueFrom: '2026-11-27', cursor: 'page-2' },
    ]);
    // Same day raised: listed in id order, which is a hash's.
    expect(listed.findings.map((f) => [f.subject, f.severity, f.raisedOn, f.dueOn]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      [{ kind: 'ticket', id: 't1' }, 'red', '2026-11-27', '2026-12-02'],
      [{ kind: 'ticket', id: 't2' }, 'red', '2026-11-27', '2026-12-02'],
    ]);
    expect((await store.list({ by: { rule: 'evaluation-rectification-late' }, filter: {} }, { limit: 10 })).findings).toEqual([]);
  });

  it('keeps its place when a tick reaches its bound: the next tick that day goes on from there, across the services, and the day is done once all are read', async () => {
    // Prepare: two services whose late answers fill more pages than a tick reads (one answer a page), each asked what it was given.
    const asked: string[] = [];
    const paged = (name: string, pages: number): LateAnswers => ({
      lateOccurrences: async (today, page) => {
        const n = page.cursor === undefined ? 1 : Number(page.cursor);
        asked.push(`${name}:${n}`);
        const id = `${name}-${n}`;
        return {
          occurrences: [
            {
              rule: 'ticket-answer-late',
              subject: { kind: 'ticket', id },
              occurrence: 'late-1',
              departmentId: MARKET.departmentId!,
              on: today,
              facts: { id, dueOn: '2026-12-01' },
            },
          ],
          ...(n < pages ? { nextCursor: String(n + 1) } : {}),
        };
      },
    });
    const sources = [paged('a', LATE_PAGES - 10), paged('b', 20)];
    day('2026-12-03');

    // Act
    const first = await (await watch(undefined, sources)).tick();
    const second = await (await watch(undefined, sources)).tick();
    const third = await (await watch(undefined, sources)).tick();

    // Assess: the first tick read its bound (all of a, b's first 10), the second the rest of b; the third had nothing left that day.
    expect(first.lateAnswers).toEqual({ raised: LATE_PAGES, known: 0, complete: false });
    expect(second.lateAnswers).toEqual({ raised: 10, known: 0, complete: true });
    expect(third.lateAnswers).toBeUndefined();
    expect(asked.filter((a) => a.startsWith('a:'))).toHaveLength(LATE_PAGES - 10);
    expect(asked.filter((a) => a.startsWith('b:'))).toEqual(Array.from({ length: 20 }, (_, i) => `b:${i + 1}`));
  });
});
