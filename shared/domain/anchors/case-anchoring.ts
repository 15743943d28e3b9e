// Anchoring the case heads (the sweep's last step): every run writes one journal of the heads that
// changed since the previous journal — window (previous through, through], `through` a little behind
// now — sealed with the archive key and written once to the archive bucket (anchor-journal.ts). A
// history rewritten after its journal, hashes recomputed or not, by anyone who may write the table, no
// longer holds the anchored hash at that version; and since each entry's hash covers the one before,
// an anchored head fixes every entry up to it.
//
// Order of writes: the parts, the journal, each case's proof, the seal (last), then the hint. A run
// that stops on the way leaves at worst a journal without its seal, which the next run finds (the
// newest journal key), completes — the proofs again (each written once), then the seal — and goes on
// from its window's end: no window is journaled twice or skipped. Parts an interrupted run wrote
// before its journal stay unreferenced. One run at a time (the sweep's reserved concurrency is 1);
// nothing changed since the last journal, nothing is written.
//
// Times are real time, never the platform clock (TONGBAN_CLOCK_START): a head's change time is its
// writer's clock as it wrote it (case-items.ts), and `through` must be behind every write still under
// way: ANCHOR_LAG_SECONDS, by default the longest a function runs (15 minutes) and a minute for the
// index to catch up.
import { sealDocument } from '../seals/seal.ts';
import type { SealAlgorithm, SealSigner } from '../seals/seal.ts';
import { canonicalBytes } from '../seals/jcs.ts';
import { ARCHIVE_SEAL } from '../archive/case-bundle.ts';
import type { AnchorJournal, JournalWindow } from './anchor-journal.ts';
import { JOURNALS_PREFIX, buildJournal, isJournalKey, journalSealKey, parseJournal, parsePart, proofBytes, proofKey } from './anchor-journal.ts';
import type { AnchorArchive, AnchorProgress, AnchorQueue } from './anchor-ports.ts';
import type { AnchorLeaf } from './anchor-tree.ts';
import { AnchorTree, byCaseNo, sha256Hex } from './anchor-tree.ts';

/** How far behind now a journal's window ends, by default (seconds): a Lambda run's longest, and a minute. */
export const DEFAULT_ANCHOR_LAG_SECONDS = 960;
/** Leaves one run journals at most (a longer backlog is journaled over the next runs). */
export const MAX_JOURNAL_LEAVES = 20_000;
/** Proof objects written at a time. */
const PROOF_WRITES = 16;

export interface CaseAnchoringDeps {
  queue: AnchorQueue;
  archive: AnchorArchive;
  progress: AnchorProgress;
  signer: SealSigner;
  archiveKey: { keyId: string; alg: SealAlgorithm };
  /** Real time (the default): the head-change times are the writers' real clocks. */
  now?: () => Date;
  lagSeconds?: number;
  maxLeaves?: number;
}

export interface AnchorReport {
  /** The journal this run wrote (none when no head changed in its window). */
  journal?: { key: string; window: JournalWindow; count: number; parts: number; bytes: number; partBytes: number; proofBytes: number; sealBytes: number };
  /** A journal an earlier run left unsealed, completed by this one. */
  completed?: string;
  /** The window looked at, when it was not empty. */
  window?: JournalWindow;
}

interface Found {
  key: string;
  bytes: Buffer;
  journal: AnchorJournal;
  sealed: boolean;
}

export class CaseAnchoring {
  private readonly now: () => Date;

  constructor(private readonly deps: CaseAnchoringDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(): Promise<AnchorReport> {
    const report: AnchorReport = {};
    const newest = await this.newestJournal();
    if (newest && !newest.sealed) {
      await this.complete(newest);
      report.completed = newest.key;
    }
    const after = newest?.journal.window.through ?? null;
    const through = new Date(this.now().getTime() - (this.deps.lagSeconds ?? DEFAULT_ANCHOR_LAG_SECONDS) * 1000).toISOString();
    if (after !== null && through <= after) return report;
    const changed = await this.deps.queue.changedHeads(after, through, this.deps.maxLeaves ?? MAX_JOURNAL_LEAVES);
    if (changed.heads.length === 0) return report;
    const window = { after, through: changed.through };
    report.window = window;

    // One leaf per case: its newest version the index listed (it lists each head once; never trust that).
    const byCase = new Map<string, AnchorLeaf>();
    for (const { caseNo, version, hash } of changed.heads) {
      if ((byCase.get(caseNo)?.version ?? 0) < version) byCase.set(caseNo, { caseNo, version, hash });
    }
    const built = buildJournal(window, newest ? { key: newest.key, sha256: sha256Hex(newest.bytes) } : null, [...byCase.values()].sort(byCaseNo));
    for (const part of built.parts) await this.writeOnce(part.key, part.bytes, 'text/plain');
    await this.writeOnce(built.key, built.bytes, 'application/json');
    const proofBytes = await this.writeProofs(built.key, built.journal, built.tree);
    const sealBytes = await this.seal(built.key, built.bytes);
    await this.deps.progress.recordHint({ key: built.key, sha256: sha256Hex(built.bytes) });
    report.journal = {
      key: built.key,
      window,
      count: built.journal.count,
      parts: built.parts.length,
      bytes: built.bytes.length,
      partBytes: built.parts.reduce((n, p) => n + p.bytes.length, 0),
      proofBytes,
      sealBytes,
    };
    return report;
  }

  /**
   * The newest journal: the hinted one if it is there as hinted, or a later one the listing after it
   * finds (a run that stopped before recording its hint); without a usable hint, the last of all.
   */
  private async newestJournal(): Promise<Found | undefined> {
    const { archive } = this.deps;
    let newest: { key: string; bytes: Buffer } | undefined;
    const hint = await this.deps.progress.hint();
    if (hint && isJournalKey(hint.key)) {
      const bytes = await archive.get(hint.key);
      if (bytes && sha256Hex(bytes) === hint.sha256) newest = { key: hint.key, bytes };
    }
    const listed = new Set<string>();
    let last: string | undefined;
    let cursor: string | undefined;
    do {
      const page = await archive.list(JOURNALS_PREFIX, { limit: 1000, ...(newest && !cursor ? { startAfter: newest.key } : {}), ...(cursor ? { cursor } : {}) });
      for (const key of page.keys) {
        listed.add(key);
        if (isJournalKey(key)) last = key;
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (last !== undefined) {
      const bytes = await archive.get(last);
      if (!bytes) throw new Error(`anchor journal ${last} is listed but cannot be read`);
      newest = { key: last, bytes };
    }
    if (!newest) return undefined;
    let journal: AnchorJournal;
    try {
      journal = parseJournal(newest.bytes);
    } catch (e) {
      throw new Error(`the newest anchor journal ${newest.key} cannot be read (${(e as Error).message}): anchoring stops until it is looked at`);
    }
    return { ...newest, journal, sealed: listed.has(journalSealKey(newest.key)) };
  }

  /** Writes the proofs of a journal an earlier run left unsealed (again: each once), then seals it. */
  private async complete(found: Found): Promise<void> {
    const leaves: AnchorLeaf[] = [];
    for (const part of found.journal.parts) {
      const bytes = await this.deps.archive.get(part.key);
      if (!bytes || sha256Hex(bytes) !== part.sha256) throw new Error(`part ${part.key} of anchor journal ${found.key} is missing or not the one it names`);
      leaves.push(...parsePart(bytes));
    }
    const tree = new AnchorTree(leaves);
    if (tree.root !== found.journal.root) throw new Error(`the parts of anchor journal ${found.key} do not make its root`);
    await this.writeProofs(found.key, found.journal, tree);
    await this.seal(found.key, found.bytes);
  }

  /** Each case's proof of inclusion, a few at a time; the bytes written. */
  private async writeProofs(key: string, journal: AnchorJournal, tree: AnchorTree): Promise<number> {
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      for (let i = next++; i < tree.leaves.length; i = next++) {
        const leaf = tree.leaves[i]!;
        const body = proofBytes(key, leaf, tree.proof(i));
        bytes += body.length;
        await this.deps.archive.putOnce(proofKey(leaf.caseNo, journal.window.through), body, 'text/plain');
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROOF_WRITES, tree.leaves.length) }, worker));
    return bytes;
  }

  /** The archive seal over the journal's bytes, written beside it (once: a seal already there stands). */
  private async seal(key: string, bytes: Buffer): Promise<number> {
    const { keyId, alg } = this.deps.archiveKey;
    const seal = await sealDocument(bytes, { keyId, alg, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal, sealedAt: this.now().toISOString() }, this.deps.signer);
    const body = canonicalBytes(seal);
    await this.deps.archive.putOnce(journalSealKey(key), body, 'application/json');
    return body.length;
  }

  /** Written once; what is there already must be the same bytes (a retry), never another object. */
  private async writeOnce(key: string, bytes: Buffer, contentType: string): Promise<void> {
    if ((await this.deps.archive.putOnce(key, bytes, contentType)) === 'written') return;
    const there = await this.deps.archive.get(key);
    if (!there?.equals(bytes)) throw new Error(`${key} is already in the archive with other content: one anchoring run at a time`);
  }
}
