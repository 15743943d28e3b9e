// The hash chain of a case's history: a whole path verifies; an edited, removed, reordered,
// repeated, foreign or forged entry does not, nor a history cut short or a current state altered.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { caseStateDigest, hashCaseEntry, isEntryIntact, verifyCaseHistory } from '../../shared/domain/cases/case-history.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseHistoryEntry, CaseState } from '../../shared/domain/cases/case-record.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { canonicalJson } from '../../shared/domain/items/record-hash.ts';

const on = (date: string, actor: Caller): CaseContext => ({ actor, at: `${date}T02:00:00.000Z`, today: date, calendar: officialCalendar });
/** One case's history from filing to decision, and its current state. */
function history(caseNo = 'KM20260929000001'): { entries: CaseHistoryEntry[]; state: CaseState } {
  const filed = fileCase(
    {
      caseNo,
      item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: { 经营项目: ['热食类食品制售'] },
      materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局图'), 食品安全管理制度文本: upload('制度') },
    },
    on('2026-09-29', PORTAL),
  );
  const steps: [CaseCommand, CaseContext][] = [
    [{ action: 'request-supplement', problems: [{ material: '经营场所平面布局图', problem: '未标注面积' }] }, on('2026-09-30', MARKET)],
    [{ action: 'supplement', materials: { 经营场所平面布局图: upload('布局图v2') } }, on('2026-10-03', PORTAL)],
    [{ action: 'accept' }, on('2026-10-08', MARKET)],
    [{ action: 'pause', procedure: 'site-inspection', reason: '现场核查', expectedDays: 10 }, on('2026-10-09', MARKET)],
    [{ action: 'resume' }, on('2026-10-13', MARKET)],
    [{ action: 'decide', outcome: 'approved', reasons: ['符合条件'] }, on('2026-10-14', MARKET)],
  ];
  return runCase(filed, ...steps);
}

/** Re-seals an entry after a change, as a forger who knows the hashing would. */
function resealed(entry: CaseHistoryEntry, change: Partial<CaseHistoryEntry>): CaseHistoryEntry {
  const { hash: _hash, ...rest } = { ...entry, ...change };
  return { ...rest, hash: hashCaseEntry(rest) };
}

describe('verifyCaseHistory', () => {
  it('accepts the untouched history of a whole path, also against the current state', () => {
    // Prepare
    const { entries, state } = history();

    // Act
    const alone = verifyCaseHistory(entries);
    const withHead = verifyCaseHistory(entries, state);

    // Assess
    expect(entries).toHaveLength(7);
    expect(alone).toEqual({ ok: true });
    expect(withHead).toEqual({ ok: true });
  });

  it('detects an entry edited in place (its hash no longer matches)', () => {
    // Prepare
    const { entries } = history();
    const edited = entries.map((e) => (e.n === 4 ? { ...e, actor: { name: 'housing', role: 'department' as const } } : e));

    // Act
    const result = verifyCaseHistory(edited);

    // Assess
    expect(result).toEqual({ ok: false, n: 4, reason: 'its content does not match its hash' });
  });

  it('detects an edited payload digest', () => {
    const { entries } = history();
    const edited = entries.map((e) => (e.n === 2 ? { ...e, payloadDigest: '0'.repeat(64) } : e));
    expect(verifyCaseHistory(edited)).toMatchObject({ ok: false, n: 2 });
  });

  it('detects an edited entry that was re-hashed: the next entry no longer links to it', () => {
    // Prepare
    const { entries } = history();
    const forged = entries.map((e) => (e.n === 3 ? resealed(e, { on: '2026-10-02' }) : e));

    // Act
    const result = verifyCaseHistory(forged);

    // Assess
    expect(isEntryIntact(forged[2]!)).toBe(true);
    expect(result).toEqual({ ok: false, n: 4, reason: 'it is not chained to the entry before' });
  });

  it('detects a removed entry (a gap in the numbers)', () => {
    // Prepare
    const { entries } = history();
    const removed = entries.filter((e) => e.n !== 5);

    // Act
    const result = verifyCaseHistory(removed);

    // Assess
    expect(result).toEqual({ ok: false, n: 5, reason: 'entry 5 is missing' });
  });

  it('detects a removed entry whose successors were renumbered and re-hashed, through the broken link', () => {
    // Prepare: entry 5 dropped, 6 and 7 renumbered and each re-sealed (links left as they were).
    const { entries } = history();
    const renumbered = [...entries.slice(0, 4), resealed(entries[5]!, { n: 5 }), resealed(entries[6]!, { n: 6 })];

    // Act
    const result = verifyCaseHistory(renumbered);

    // Assess
    expect(result).toEqual({ ok: false, n: 5, reason: 'it is not chained to the entry before' });
  });

  it('detects reordered entries', () => {
    // Prepare
    const { entries } = history();
    const swapped = [...entries.slice(0, 3), entries[4]!, entries[3]!, ...entries.slice(5)];

    // Act
    const result = verifyCaseHistory(swapped);

    // Assess
    expect(result).toMatchObject({ ok: false, n: 4 });
  });

  it('detects a repeated entry', () => {
    const { entries } = history();
    const repeated = [...entries.slice(0, 4), entries[3]!, ...entries.slice(4)];
    expect(verifyCaseHistory(repeated)).toEqual({ ok: false, n: 5, reason: 'entry 4 appears again at position 5: repeated or out of order' });
  });

  it('detects an entry of another case', () => {
    // Prepare
    const { entries } = history();
    const foreign = history('KM20260929000002').entries;
    const mixed = [...entries.slice(0, 2), foreign[2]!, ...entries.slice(3)];

    // Act
    const result = verifyCaseHistory(mixed);

    // Assess
    expect(result).toMatchObject({ ok: false, n: 3 });
    expect(!result.ok && result.reason).toContain('KM20260929000002');
  });

  it('detects an intact, chained entry whose transition does not start where the previous one ended', () => {
    // Prepare: entry 2 rewritten to start from "accepted", and the chain after it rebuilt.
    const { entries } = history();
    const forged: CaseHistoryEntry[] = [entries[0]!];
    for (const entry of entries.slice(1)) {
      const change = entry.n === 2 ? { from: 'accepted' as const } : {};
      forged.push(resealed(entry, { ...change, previousHash: forged.at(-1)!.hash }));
    }

    // Act
    const result = verifyCaseHistory(forged);

    // Assess
    expect(result).toEqual({ ok: false, n: 2, reason: 'it starts from accepted, not from received' });
  });

  it('detects a history that does not begin with the filing', () => {
    const { entries } = history();
    const first = resealed(entries[0]!, { type: 'accept' });
    expect(verifyCaseHistory([first])).toEqual({ ok: false, n: 1, reason: 'the first entry is not the filing' });
  });

  it('refuses an empty history', () => {
    expect(verifyCaseHistory([])).toMatchObject({ ok: false, n: 1 });
  });

  it('detects a history cut short only against the current state', () => {
    // Prepare
    const { entries, state } = history();
    const truncated = entries.slice(0, 5);

    // Act
    const alone = verifyCaseHistory(truncated);
    const withHead = verifyCaseHistory(truncated, state);

    // Assess
    expect(alone).toEqual({ ok: true });
    expect(withHead).toEqual({ ok: false, n: 6, reason: 'the state is at version 7; entries from 6 on are missing' });
  });

  it('detects a current state altered after it was recorded', () => {
    // Prepare
    const { entries, state } = history();
    const altered: CaseState = { ...state, decision: { outcome: 'denied', reasons: ['改'], on: '2026-10-14' } };

    // Act
    const result = verifyCaseHistory(entries, altered);

    // Assess
    expect(result).toEqual({ ok: false, n: 7, reason: 'the current state does not match the state this entry recorded' });
  });

  it('detects a current state that claims a different newest entry', () => {
    const { entries, state } = history();
    expect(verifyCaseHistory(entries, { ...state, hash: entries[5]!.hash })).toMatchObject({ ok: false, n: 7 });
  });
});

describe('entry hashing', () => {
  it('covers every member but the hash, over canonical JSON', () => {
    // Prepare
    const { entries } = history();
    const { hash, ...rest } = entries[3]!;

    // Act
    const recomputed = createHash('sha256').update(canonicalJson(rest)).digest('hex');

    // Assess
    expect(recomputed).toBe(hash);
  });

  it('records the digest of the state after the event, as caseStateDigest computes it', () => {
    // Prepare
    const { entries, state } = history();
    const { hash: _hash, ...rest } = state;

    // Act
    const digest = caseStateDigest(state);

    // Assess
    expect(digest).toBe(entries.at(-1)!.stateDigest);
    expect(digest).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
  });
});
