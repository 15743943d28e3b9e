// Supervision findings in the domain: their ids (one per rule, subject and occurrence), their
// lifecycle (who may do what after which state; escalation of red findings past due only) and their
// own hash-chained history (edited, removed, reordered or foreign entries and an edited state found).
import { describe, expect, it } from 'vitest';
import type { RuleOccurrence } from '../../shared/contracts/supervision-rules.ts';
import { FINDING_ID_PATTERN, MAX_FINDING_ROUNDS } from '../../shared/contracts/supervision-findings.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { hashEntry } from '../../shared/domain/cases/case-history.ts';
import { SYSTEM_CALLER } from '../../shared/domain/cases/case-commands.ts';
import { DEFAULT_RULE_CATALOGUE, rulesById } from '../../shared/domain/supervision/default-rules.ts';
import type { Finding, FindingHistoryEntry, FindingTransition } from '../../shared/domain/supervision/finding.ts';
import { findingId, isLate, newFinding } from '../../shared/domain/supervision/finding.ts';
import { verifyFindingHistory } from '../../shared/domain/supervision/finding-history.ts';
import type { FindingCommand } from '../../shared/domain/supervision/finding-lifecycle.ts';
import { applyFindingCommand, raiseFinding } from '../../shared/domain/supervision/finding-lifecycle.ts';
import { HOUSING, MARKET, REVIEWER } from '../support/case-fixtures.ts';
import { refusal } from '../support/refusal.ts';

const rules = rulesById(DEFAULT_RULE_CATALOGUE);
const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };

function occurrence(rule: RuleOccurrence['rule'], over: Partial<RuleOccurrence> = {}): RuleOccurrence {
  return {
    rule,
    subject: { kind: 'case', caseNo: 'KM20261102ABCDEFGHIJ' },
    occurrence: '2026-11-20',
    departmentId: MARKET.departmentId!,
    on: '2026-11-23',
    facts: { deadline: '2026-11-20' },
    ...over,
  };
}

const at = (date: string, actor: Caller) => ({ actor, at: `${date}T02:00:00.000Z`, today: date });

/** A raised finding of `rule` (red: statutory-deadline-passed; yellow: promised-deadline-passed), due 2026-11-26. */
function raised(rule: RuleOccurrence['rule'] = 'statutory-deadline-passed', provisional = false): FindingTransition {
  const occ = occurrence(rule);
  return raiseFinding(newFinding(occ, rules.get(rule)!, 0, { date: '2026-11-26', ...(provisional ? { provisional: true as const } : {}) }), at('2026-11-23', SYSTEM_CALLER));
}

/** Runs commands in order, each by its actor on its day; answers every transition. */
function run(first: FindingTransition, ...steps: [FindingCommand, string, Caller][]): FindingTransition[] {
  const out = [first];
  for (const [command, date, actor] of steps) out.push(applyFindingCommand(out.at(-1)!.finding, command, at(date, actor)));
  return out;
}

const respond: FindingCommand = { action: 'respond', kind: 'rectify', text: '已责令承办人限期办结并通报' };
const close: FindingCommand = { action: 'close', note: '整改到位' };
const back: FindingCommand = { action: 'return', reasons: ['整改措施不具体'], due: { date: '2026-12-01' } };
const escalate: FindingCommand = { action: 'escalate' };

describe('finding ids', () => {
  it('are the same for the same rule, subject and occurrence, whenever and however often computed, and URL-safe', () => {
    // Act
    const a = findingId(occurrence('statutory-deadline-passed'));
    const b = findingId({ ...occurrence('statutory-deadline-passed', { on: '2026-12-01', facts: {} }) });

    // Assess
    expect(a).toBe(b);
    expect(a).toMatch(FINDING_ID_PATTERN);
  });

  it('differ when the rule, the subject or the occurrence differs', () => {
    // Act
    const ids = new Set([
      findingId(occurrence('statutory-deadline-passed')),
      findingId(occurrence('promised-deadline-passed')),
      findingId(occurrence('statutory-deadline-passed', { subject: { kind: 'case', caseNo: 'KM20261102ABCDEFGHIK' } })),
      findingId(occurrence('statutory-deadline-passed', { occurrence: '2026-11-21' })),
      findingId(occurrence('guide-elements-missing', { subject: { kind: 'item', code: 'X' }, occurrence: 'v1' })),
      findingId(occurrence('guide-elements-missing', { subject: { kind: 'item', code: 'X' }, occurrence: 'v2' })),
    ]);

    // Assess
    expect(ids.size).toBe(6);
  });
});

describe('finding lifecycle', () => {
  it('raises a finding open, with the rule as it was, due as counted, owed by the occurrence department', () => {
    // Act
    const { finding, entry } = raised();

    // Assess
    expect(finding).toMatchObject({ state: 'open', severity: 'red', answerDays: 3, raisedOn: '2026-11-23', dueOn: '2026-11-26', departmentId: MARKET.departmentId, version: 1 });
    expect(entry).toMatchObject({ n: 1, type: 'raise', from: null, to: 'open', actor: { name: 'system' } });
    expect(finding.hash).toBe(entry.hash);
  });

  it('runs answer → return (due again) → answer → close, each by its actor', () => {
    // Act
    const steps = run(raised(), [respond, '2026-11-24', MARKET], [back, '2026-11-25', REVIEWER], [respond, '2026-11-26', MARKET], [close, '2026-11-27', REVIEWER]);

    // Assess
    expect(steps.map((s) => s.finding.state)).toEqual(['open', 'answered', 'returned', 'answered', 'closed']);
    const last = steps.at(-1)!.finding;
    expect(last.responses).toHaveLength(2);
    expect(last.returns[0]).toMatchObject({ reasons: ['整改措施不具体'], by: { name: 'reviewer' }, on: '2026-11-25' });
    expect(steps[2]!.finding.dueOn).toBe('2026-12-01');
    expect(last.closure).toMatchObject({ note: '整改到位', on: '2026-11-27' });
    expect(
      verifyFindingHistory(
        steps.map((s) => s.entry),
        last,
      ),
    ).toEqual({ ok: true });
  });

  it('lets only the department responsible answer, and only the platform role close or return', () => {
    // Prepare
    const [open] = run(raised());
    const [, answered] = run(raised(), [respond, '2026-11-24', MARKET]);

    // Act
    const codes = [
      refusal(() => applyFindingCommand(open!.finding, respond, at('2026-11-24', HOUSING))).code,
      refusal(() => applyFindingCommand(open!.finding, respond, at('2026-11-24', AUDITOR))).code,
      refusal(() => applyFindingCommand(answered!.finding, close, at('2026-11-24', MARKET))).code,
      refusal(() => applyFindingCommand(answered!.finding, back, at('2026-11-24', AUDITOR))).code,
    ];

    // Assess
    expect(codes).toEqual(['FINDING_FORBIDDEN', 'FINDING_FORBIDDEN', 'FINDING_FORBIDDEN', 'FINDING_FORBIDDEN']);
  });

  it("has the platform's reviewers answer what the platform owes", () => {
    // Prepare
    const { departmentId: _none, ...occ } = occurrence('item-review-late', { subject: { kind: 'item', code: 'X' }, occurrence: 'v2' });
    const first = raiseFinding(newFinding(occ, rules.get('item-review-late')!, 0, { date: '2026-11-30' }), at('2026-11-23', SYSTEM_CALLER));

    // Act
    const answered = applyFindingCommand(first.finding, respond, at('2026-11-24', REVIEWER));

    // Assess
    expect(answered.finding.state).toBe('answered');
    expect(refusal(() => applyFindingCommand(first.finding, respond, at('2026-11-24', MARKET))).code).toBe('FINDING_FORBIDDEN');
  });

  it('refuses what does not follow the state: closing an open finding, answering a closed one, returning twice', () => {
    // Prepare
    const steps = run(raised(), [respond, '2026-11-24', MARKET], [close, '2026-11-25', REVIEWER]);
    const returned = run(raised(), [respond, '2026-11-24', MARKET], [back, '2026-11-25', REVIEWER]).at(-1)!;

    // Act
    const codes = [
      refusal(() => applyFindingCommand(steps[0]!.finding, close, at('2026-11-24', REVIEWER))).code,
      refusal(() => applyFindingCommand(steps[2]!.finding, respond, at('2026-11-26', MARKET))).code,
      refusal(() => applyFindingCommand(returned.finding, back, at('2026-11-26', REVIEWER))).code,
    ];

    // Assess
    expect(codes).toEqual(['FINDING_STATE_CONFLICT', 'FINDING_STATE_CONFLICT', 'FINDING_STATE_CONFLICT']);
  });

  it('escalates a red finding unanswered past its due day, by the system only; it stays answerable', () => {
    // Prepare
    const first = raised();

    // Act
    const onDueDay = refusal(() => applyFindingCommand(first.finding, escalate, at('2026-11-26', SYSTEM_CALLER)));
    const byReviewer = refusal(() => applyFindingCommand(first.finding, escalate, at('2026-11-27', REVIEWER)));
    const steps = run(first, [escalate, '2026-11-27', SYSTEM_CALLER], [respond, '2026-11-30', MARKET]);

    // Assess
    expect(onDueDay.code).toBe('FINDING_STATE_CONFLICT');
    expect(byReviewer.code).toBe('FINDING_FORBIDDEN');
    expect(steps[1]!.finding).toMatchObject({ state: 'escalated', escalatedOn: '2026-11-27' });
    expect(steps[2]!.finding.state).toBe('answered');
  });

  it('never escalates a yellow finding, nor one whose due day is provisional; a yellow one past due is late', () => {
    // Prepare
    const yellow = raised('promised-deadline-passed');
    const provisional = raised('statutory-deadline-passed', true);

    // Act
    const codes = [
      refusal(() => applyFindingCommand(yellow.finding, escalate, at('2026-12-10', SYSTEM_CALLER))).code,
      refusal(() => applyFindingCommand(provisional.finding, escalate, at('2026-12-10', SYSTEM_CALLER))).code,
    ];

    // Assess
    expect(codes).toEqual(['FINDING_STATE_CONFLICT', 'FINDING_STATE_CONFLICT']);
    expect(isLate(yellow.finding, '2026-11-27')).toBe(true);
    expect(isLate(yellow.finding, '2026-11-26')).toBe(false);
    expect(isLate(provisional.finding, '2026-12-10')).toBe(false);
  });

  it(`refuses to return an answer after ${MAX_FINDING_ROUNDS} rounds: the platform closes it`, () => {
    // Prepare
    const rounds: [FindingCommand, string, Caller][] = [[respond, '2026-11-24', MARKET]];
    for (let i = 1; i < MAX_FINDING_ROUNDS; i++) rounds.push([back, '2026-11-24', REVIEWER], [respond, '2026-11-24', MARKET]);
    const last = run(raised(), ...rounds).at(-1)!;

    // Act
    const refused = refusal(() => applyFindingCommand(last.finding, back, at('2026-11-25', REVIEWER)));
    const closed = applyFindingCommand(last.finding, close, at('2026-11-25', REVIEWER));

    // Assess
    expect(last.finding.responses).toHaveLength(MAX_FINDING_ROUNDS);
    expect(refused.code).toBe('FINDING_ROUNDS_EXHAUSTED');
    expect(closed.finding.state).toBe('closed');
  });
});

describe('finding history', () => {
  const steps = run(raised(), [respond, '2026-11-24', MARKET], [back, '2026-11-25', REVIEWER], [respond, '2026-11-26', MARKET], [close, '2026-11-27', REVIEWER]);
  const entries = steps.map((s) => s.entry);
  const head = steps.at(-1)!.finding;
  const resealed = (entry: FindingHistoryEntry, change: Partial<FindingHistoryEntry>): FindingHistoryEntry => {
    const { hash: _hash, ...rest } = { ...entry, ...change };
    return { ...rest, hash: hashEntry<FindingHistoryEntry>(rest) };
  };

  it('finds an entry edited in place, a removed entry, a reordered history and a foreign entry', () => {
    // Act
    const edited = verifyFindingHistory(entries.map((e, i) => (i === 2 ? { ...e, on: '2026-11-20' } : e)));
    const removed = verifyFindingHistory(entries.filter((_, i) => i !== 1));
    const reordered = verifyFindingHistory([entries[0]!, entries[2]!, entries[1]!, ...entries.slice(3)]);
    const foreign = verifyFindingHistory([entries[0]!, resealed(entries[1]!, { findingId: 'f'.repeat(32) })]);

    // Assess
    expect(edited).toMatchObject({ ok: false, n: 3, reason: 'its content does not match its hash' });
    expect(removed).toMatchObject({ ok: false, n: 2 });
    expect(reordered).toMatchObject({ ok: false, n: 2 });
    expect(foreign).toMatchObject({ ok: false, n: 2, reason: expect.stringContaining('belongs to finding') as string });
  });

  it('finds a history cut short and a stored finding edited, against the head', () => {
    // Act
    const cut = verifyFindingHistory(entries.slice(0, 3), head);
    const edited: Finding = { ...head, severity: 'yellow' };

    // Assess
    expect(cut).toMatchObject({ ok: false, n: 4 });
    expect(verifyFindingHistory(entries, edited)).toMatchObject({ ok: false, reason: 'the current state does not match the state this entry recorded' });
    expect(verifyFindingHistory([resealed(entries[0]!, { type: 'respond' })])).toMatchObject({ ok: false, n: 1, reason: 'the first entry is not the raising' });
  });
});
