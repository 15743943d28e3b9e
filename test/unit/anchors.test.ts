// Anchor journals in memory: the Merkle tree as its text definition says (recomputed here from the
// strings alone), journals and their parts, proofs and seals; a run of the anchoring over in-memory
// ports — a journal per window with changes, chained, nothing without; a run that stops half-way
// completed by the next, with no window twice and none skipped; a lost or false hint; and the audit of
// a case against the journals: an untouched history passes, an entry rewritten (hashes recomputed),
// a history cut short, a false seal, a proof of another root, an unsealed journal each said so.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { auditCaseAnchors } from '../../shared/domain/anchors/anchor-audit.ts';
import type { AnchorEvidence } from '../../shared/domain/anchors/anchor-audit.ts';
import {
  JOURNALS_PREFIX,
  PART_LEAVES,
  buildJournal,
  journalKey,
  journalSealKey,
  parseJournal,
  parsePart,
  parseProof,
  proofBytes,
  proofKey,
} from '../../shared/domain/anchors/anchor-journal.ts';
import type { AnchorLeaf } from '../../shared/domain/anchors/anchor-tree.ts';
import { AnchorTree, foldProof, leafHash, leafLine, nodeHash } from '../../shared/domain/anchors/anchor-tree.ts';
import { CaseAnchoring } from '../../shared/domain/anchors/case-anchoring.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { hashCaseEntry } from '../../shared/domain/cases/case-history.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseHistoryEntry } from '../../shared/domain/cases/case-record.ts';
import { canonicalBytes } from '../../shared/domain/seals/jcs.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { MemoryAnchorArchive, MemoryAnchorQueue, archiveSealKey } from '../support/memory-anchors.ts';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hex = (n: number) => sha(`entry ${n}`);
const leaf = (i: number, version = 1): AnchorLeaf => ({ caseNo: `20261123${String(i).padStart(10, '0')}`, version, hash: hex(i * 1000 + version) });
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));

describe('the anchor tree', () => {
  it('is the tree its text definition gives: leaf and node hashes of ASCII lines, an odd last node carried up', () => {
    const [a, b, c] = leaves(3) as [AnchorLeaf, AnchorLeaf, AnchorLeaf];
    const la = sha(`leaf ${a.caseNo} 1 ${a.hash}\n`);
    const lb = sha(`leaf ${b.caseNo} 1 ${b.hash}\n`);
    const lc = sha(`leaf ${c.caseNo} 1 ${c.hash}\n`);
    expect(leafHash(a)).toBe(la);
    expect(nodeHash(la, lb)).toBe(sha(`node ${la} ${lb}\n`));
    expect(new AnchorTree([a]).root).toBe(la);
    expect(new AnchorTree([a, b]).root).toBe(sha(`node ${la} ${lb}\n`));
    // Three: (a b) paired, c carried up alone, then paired with it.
    expect(new AnchorTree([a, b, c]).root).toBe(sha(`node ${sha(`node ${la} ${lb}\n`)} ${lc}\n`));
    expect(new AnchorTree([a, b, c]).proof(2)).toEqual([{ side: 'L', hash: sha(`node ${la} ${lb}\n`) }]);
  });

  it('proves every leaf of trees of 1 to 40 leaves, and nothing else: another leaf, version or hash folds to another root', () => {
    for (let n = 1; n <= 40; n++) {
      const all = leaves(n);
      const tree = new AnchorTree(all);
      for (const [i, l] of all.entries()) {
        expect(foldProof(l, tree.proof(i)), `${n} leaves, leaf ${i}`).toBe(tree.root);
        expect(foldProof({ ...l, version: 2 }, tree.proof(i))).not.toBe(tree.root);
        expect(foldProof({ ...l, hash: hex(-1) }, tree.proof(i))).not.toBe(tree.root);
      }
      if (n > 1) expect(foldProof(all[1]!, tree.proof(0))).not.toBe(tree.root);
    }
  });

  it('takes leaves sorted by case number, one per case, and refuses anything that is not a leaf', () => {
    expect(() => new AnchorTree([leaf(2), leaf(1)])).toThrow(/sorted/);
    expect(() => new AnchorTree([leaf(1), leaf(1, 2)])).toThrow(/one per case/);
    expect(() => new AnchorTree([])).toThrow(/at least one leaf/);
    expect(() => leafLine({ caseNo: 'a b', version: 1, hash: hex(1) })).toThrow();
    expect(() => leafLine({ caseNo: 'X', version: 0, hash: hex(1) })).toThrow();
    expect(() => leafLine({ caseNo: 'X', version: 1, hash: 'F'.repeat(64) })).toThrow();
  });
});

describe('journals, parts and proofs', () => {
  const window = { after: '2026-11-23T01:00:00.000Z', through: '2026-11-23T01:15:00.000Z' };

  it('keep 10,000 leaves in parts of at most 4096, each named in the journal with its SHA-256, under one root', () => {
    const all = leaves(10_000);
    const built = buildJournal(window, { key: journalKey('2026-11-23T01:00:00.000Z'), sha256: hex(0) }, all);
    expect(built.key).toBe('anchors/journals/2026/11/23/20261123T011500000Z.json');
    expect(built.parts.map((p) => p.key)).toEqual([1, 2, 3].map((n) => `anchors/journals/2026/11/23/20261123T011500000Z/part-000${n}.txt`));
    expect(built.journal.parts.map((p) => p.count)).toEqual([PART_LEAVES, PART_LEAVES, 10_000 - 2 * PART_LEAVES]);
    expect(built.journal.parts.map((p) => p.sha256)).toEqual(built.parts.map((p) => createHash('sha256').update(p.bytes).digest('hex')));
    expect(built.parts.flatMap((p) => parsePart(p.bytes))).toEqual(all);
    expect(parseJournal(built.bytes)).toEqual(built.journal);
    expect(built.journal).toMatchObject({ count: 10_000, root: new AnchorTree(all).root, window });
    // The bytes are the journal's canonical form: anything else is refused.
    expect(() => parseJournal(Buffer.from(JSON.stringify(built.journal, null, 1)))).toThrow(/canonical/);
    expect(() => parseJournal(Buffer.from(built.bytes.toString().replace(/"count":10000/, '"count":9999')))).toThrow(/well-formed/);
    expect(built.bytes.length).toBeLessThan(4096);
  });

  it('write a proof as lines a shell reads, and read it back', () => {
    const all = leaves(5);
    const built = buildJournal(window, null, all);
    const text = proofBytes(built.key, all[3]!, built.tree.proof(3));
    expect(text.toString()).toBe(
      ['tongban-anchor-proof/1', `journal ${built.key}`, `leaf ${all[3]!.caseNo} 1 ${all[3]!.hash}`, ...built.tree.proof(3).map((s) => `path ${s.side} ${s.hash}`), ''].join('\n'),
    );
    expect(parseProof(text)).toEqual({ journal: built.key, leaf: all[3], path: built.tree.proof(3) });
    expect(proofKey(all[3]!.caseNo, window.through)).toBe(`anchors/cases/${all[3]!.caseNo}/20261123T011500000Z.txt`);
    expect(() => parseProof(Buffer.from(text.toString().replace('path L', 'path X')))).toThrow();
  });
});

describe('the anchoring run', () => {
  const setup = (start = '2026-11-23T02:00:00.000Z') => {
    let now = new Date(start);
    const key = archiveSealKey();
    const archive = new MemoryAnchorArchive();
    const queue = new MemoryAnchorQueue();
    const anchoring = new CaseAnchoring({
      queue,
      progress: queue,
      archive,
      signer: key.signer,
      archiveKey: { keyId: key.kid, alg: 'ES256' },
      now: () => now,
      lagSeconds: 60,
    });
    const at = (iso: string) => {
      now = new Date(iso);
    };
    const journals = () => [...archive.objects.keys()].filter((k) => k.startsWith(JOURNALS_PREFIX) && /Z\.json$/.test(k));
    return { key, archive, queue, anchoring, at, journals };
  };

  it('journals the heads changed in (previous through, now − lag], chained, with a proof per case and the seal last; nothing when nothing changed', async () => {
    const { archive, queue, anchoring, at, journals, key } = setup();
    queue.write({ ...leaf(1), changedAt: '2026-11-23T01:58:00.000Z' });
    queue.write({ ...leaf(2), changedAt: '2026-11-23T01:58:30.000Z' });
    // Changed less than the lag ago: the next journal's.
    queue.write({ ...leaf(3), changedAt: '2026-11-23T01:59:30.000Z' });

    const first = await anchoring.run();
    expect(first.journal).toMatchObject({ key: journalKey('2026-11-23T01:59:00.000Z'), window: { after: null, through: '2026-11-23T01:59:00.000Z' }, count: 2, parts: 1 });
    const firstBytes = archive.objects.get(first.journal!.key)!;
    expect(archive.objects.has(journalSealKey(first.journal!.key))).toBe(true);
    expect([...archive.objects.keys()].filter((k) => k.startsWith('anchors/cases/'))).toEqual([
      proofKey(leaf(1).caseNo, '2026-11-23T01:59:00.000Z'),
      proofKey(leaf(2).caseNo, '2026-11-23T01:59:00.000Z'),
    ]);
    expect(queue.stored).toEqual({ key: first.journal!.key, sha256: createHash('sha256').update(firstBytes).digest('hex') });

    // Nothing changed since: no journal.
    at('2026-11-23T02:00:10.000Z');
    queue.heads.splice(2, 1);
    expect(await anchoring.run()).toEqual({});
    // Case 3 at version 2, case 1 at version 2.
    queue.write({ ...leaf(3, 2), changedAt: '2026-11-23T01:59:40.000Z' });
    queue.write({ ...leaf(1, 2), changedAt: '2026-11-23T02:00:30.000Z' });
    at('2026-11-23T02:02:00.000Z');
    const second = await anchoring.run();
    expect(second.journal).toMatchObject({ window: { after: '2026-11-23T01:59:00.000Z', through: '2026-11-23T02:01:00.000Z' }, count: 2 });
    const journal = parseJournal(archive.objects.get(second.journal!.key)!);
    expect(journal.previous).toEqual({ key: first.journal!.key, sha256: createHash('sha256').update(firstBytes).digest('hex') });
    expect(parsePart(archive.objects.get(journal.parts[0]!.key)!)).toEqual([leaf(1, 2), leaf(3, 2)]);
    expect(journals()).toEqual([first.journal!.key, second.journal!.key]);

    // Every proof of case 1 checks against its journal and seal.
    const proofs = [...archive.objects.keys()].filter((k) => k.startsWith(`anchors/cases/${leaf(1).caseNo}/`));
    expect(proofs).toHaveLength(2);
    for (const p of proofs) {
      const proof = parseProof(archive.objects.get(p)!);
      expect(foldProof(proof.leaf, proof.path)).toBe(parseJournal(archive.objects.get(proof.journal)!).root);
    }
    expect(key.jwks.keys).toHaveLength(1);
  });

  it('completes a journal a run left unsealed, then journals the next window from its end: none twice, none skipped', async () => {
    const { archive, queue, anchoring, at, journals } = setup();
    for (let i = 0; i < 30; i++) queue.write({ ...leaf(i), changedAt: `2026-11-23T01:5${i % 10}:00.000Z` });
    // The run stops after its journal and some proofs, before its seal.
    archive.failWrites = /anchors\/cases\/2026112300000000(1[5-9]|2\d)\//;
    await expect(anchoring.run()).rejects.toThrow(/the archive is gone/);
    const [stopped] = journals();
    expect(stopped).toBeDefined();
    expect(archive.objects.has(journalSealKey(stopped!))).toBe(false);
    expect(queue.stored).toBeUndefined();

    archive.failWrites = undefined;
    queue.write({ ...leaf(40), changedAt: '2026-11-23T02:00:30.000Z' });
    at('2026-11-23T02:02:00.000Z');
    const next = await anchoring.run();
    expect(next.completed).toBe(stopped);
    expect(archive.objects.has(journalSealKey(stopped!))).toBe(true);
    expect([...archive.objects.keys()].filter((k) => k.startsWith('anchors/cases/') && k.endsWith(`${stopped!.slice(-24, -5)}.txt`))).toHaveLength(30);
    expect(next.journal).toMatchObject({ window: { after: '2026-11-23T01:59:00.000Z', through: '2026-11-23T02:01:00.000Z' }, count: 1 });
    expect(parseJournal(archive.objects.get(next.journal!.key)!).previous?.key).toBe(stopped);
    expect(journals()).toEqual([stopped, next.journal!.key]);
  });

  it('leaves a run that stopped before its journal unreferenced: the next run journals the whole window from the last journal on', async () => {
    const { archive, queue, anchoring, at, journals } = setup();
    queue.write({ ...leaf(1), changedAt: '2026-11-23T01:58:00.000Z' });
    const first = await anchoring.run();
    queue.write({ ...leaf(2), changedAt: '2026-11-23T02:00:30.000Z' });
    at('2026-11-23T02:02:00.000Z');
    archive.failWrites = /\/\d{8}T\d{9}Z\.json$/;
    await expect(anchoring.run()).rejects.toThrow(/the archive is gone/);
    expect(journals()).toEqual([first.journal!.key]);
    expect([...archive.objects.keys()].filter((k) => k.includes('/20261123T020100000Z/part-'))).toHaveLength(1);

    archive.failWrites = undefined;
    queue.write({ ...leaf(3), changedAt: '2026-11-23T02:02:30.000Z' });
    at('2026-11-23T02:04:00.000Z');
    const next = await anchoring.run();
    expect(next.journal).toMatchObject({ window: { after: first.journal!.window.through, through: '2026-11-23T02:03:00.000Z' }, count: 2 });
    expect(journals()).toEqual([first.journal!.key, next.journal!.key]);
  });

  it('finds the newest journal by listing when the hint is lost or false, and chains to it', async () => {
    const { queue, anchoring, at } = setup();
    queue.write({ ...leaf(1), changedAt: '2026-11-23T01:58:00.000Z' });
    const first = await anchoring.run();
    queue.stored = { key: first.journal!.key, sha256: hex(9) };
    queue.write({ ...leaf(2), changedAt: '2026-11-23T02:00:00.000Z' });
    at('2026-11-23T02:05:00.000Z');
    const second = await anchoring.run();
    expect(second.journal?.window.after).toBe(first.journal!.window.through);
    queue.stored = undefined;
    queue.write({ ...leaf(3), changedAt: '2026-11-23T02:05:00.000Z' });
    at('2026-11-23T02:10:00.000Z');
    const third = await anchoring.run();
    expect(third.journal?.window.after).toBe(second.journal!.window.through);
  });
});

describe('auditing a case against the journals', () => {
  const on = (date: string, actor: Caller, minute = 0): CaseContext => ({
    actor,
    at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`,
    today: date,
    calendar: officialCalendar,
  });
  const CASE = '20260929ABCDEFGHIJ';
  const history = (): CaseHistoryEntry[] => {
    const filed = fileCase(
      {
        caseNo: CASE,
        item: { code: FOOD.implementationCode, version: 3, guide: FOOD },
        applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
        form: {},
        materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局图'), 食品安全管理制度文本: upload('制度') },
      },
      on('2026-09-29', PORTAL),
    );
    const steps: [CaseCommand, CaseContext][] = [
      [{ action: 'accept' }, on('2026-09-30', MARKET)],
      [{ action: 'pause', procedure: 'site-inspection', reason: '现场核查', expectedDays: 10 }, on('2026-10-09', MARKET)],
      [{ action: 'resume' }, on('2026-10-13', MARKET)],
    ];
    return runCase(filed, ...steps).entries;
  };
  /** The case anchored at `versions` (one journal each, among other cases), as the archive keeps it. */
  const anchored = async (entries: readonly CaseHistoryEntry[], versions: number[]) => {
    const key = archiveSealKey();
    const evidence: AnchorEvidence[] = [];
    for (const [i, version] of versions.entries()) {
      const through = `2026-10-1${i}T02:00:00.000Z`;
      const all = [...leaves(6), { caseNo: CASE, version, hash: entries[version - 1]!.hash }].sort((a, b) => (a.caseNo < b.caseNo ? -1 : 1));
      const built = buildJournal({ after: i === 0 ? null : `2026-10-1${i - 1}T02:00:00.000Z`, through }, null, all);
      const index = all.findIndex((l) => l.caseNo === CASE);
      const seal = await sealDocument(built.bytes, { keyId: key.kid, department: 'tongban-archive', seal: 'archive', sealedAt: through }, key.signer);
      evidence.push({ proofKey: proofKey(CASE, through), proof: proofBytes(built.key, all[index]!, built.tree.proof(index)), journal: built.bytes, seal: canonicalBytes(seal) });
    }
    return { evidence, jwks: key.jwks, key };
  };
  /** A history rewritten from entry `from` on with every hash recomputed, as someone who may write the table could. */
  const rewritten = (entries: readonly CaseHistoryEntry[], from: number): CaseHistoryEntry[] => {
    const out: CaseHistoryEntry[] = [];
    for (const e of entries) {
      if (e.n < from) {
        out.push(e);
        continue;
      }
      const { hash: _h, previousHash: _p, ...rest } = e;
      const previous = out.at(-1)?.hash;
      const content = { ...rest, at: e.n === from ? '2026-09-29T03:00:00.000Z' : e.at, ...(previous !== undefined ? { previousHash: previous } : {}) };
      out.push({ ...content, hash: hashCaseEntry(content) });
    }
    return out;
  };

  it('passes an untouched history, naming each anchored version and the journal', async () => {
    const entries = history();
    const { evidence, jwks } = await anchored(entries, [2, 4]);
    const audit = auditCaseAnchors(CASE, entries, evidence, jwks);
    expect(audit).toMatchObject({ passed: true, entries: 4, newestAnchored: 4, findings: [], pending: [] });
    expect(audit.anchorings.map((a) => [a.version, a.matches])).toEqual([
      [2, true],
      [4, true],
    ]);
  });

  it('finds a middle entry rewritten with every hash after it recomputed: the chain holds, the journal does not', async () => {
    const entries = history();
    const { evidence, jwks } = await anchored(entries, [2, 4]);
    const forged = rewritten(entries, 3);
    const audit = auditCaseAnchors(CASE, forged, evidence, jwks);
    expect(audit.chain).toEqual({ ok: true });
    expect(audit.passed).toBe(false);
    expect(audit.findings).toEqual([
      expect.objectContaining({ code: 'ENTRY_MISMATCH', version: 4, journal: journalKey('2026-10-11T02:00:00.000Z'), message: expect.stringContaining(`case ${CASE} version 4`) }),
    ]);
  });

  it('finds a whole history rewritten, a history cut short, a false seal, a proof of another root, and leaves an unsealed journal pending', async () => {
    const entries = history();
    const { evidence, jwks } = await anchored(entries, [2, 4]);
    expect(auditCaseAnchors(CASE, rewritten(entries, 1), evidence, jwks).findings.map((f) => [f.code, f.version])).toEqual([
      ['ENTRY_MISMATCH', 2],
      ['ENTRY_MISMATCH', 4],
    ]);
    expect(auditCaseAnchors(CASE, entries.slice(0, 3), evidence, jwks).findings.map((f) => [f.code, f.version])).toEqual([['ENTRY_MISSING', 4]]);
    // Sealed with another key than the published archive key.
    const other = await anchored(entries, [2]);
    expect(auditCaseAnchors(CASE, entries, other.evidence, jwks).findings.map((f) => f.code)).toEqual(['SEAL_INVALID']);
    // A proof whose path is not the journal's.
    const bent = {
      ...evidence[1]!,
      proof: Buffer.from(
        Buffer.from(evidence[1]!.proof)
          .toString()
          .replace(/path (L|R) ([0-9a-f])/, (_m, s: string, c: string) => `path ${s} ${c === '0' ? '1' : '0'}`),
      ),
    };
    expect(auditCaseAnchors(CASE, entries, [bent], jwks).findings.map((f) => f.code)).toEqual(['PROOF_NOT_IN_JOURNAL']);
    const { seal: _seal, ...unsealed } = evidence[1]!;
    expect(auditCaseAnchors(CASE, entries, [evidence[0]!, unsealed], jwks)).toMatchObject({ passed: true, newestAnchored: 2, pending: [journalKey('2026-10-11T02:00:00.000Z')] });
    // A broken chain is a finding of its own.
    const edited = entries.map((e) => (e.n === 2 ? { ...e, at: '2026-09-30T05:00:00.000Z' } : e));
    expect(auditCaseAnchors(CASE, edited, evidence, jwks).findings.map((f) => f.code)).toContain('HISTORY_CHAIN_BROKEN');
  });
});
