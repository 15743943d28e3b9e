// An anchor journal: what the platform states, under its archive seal and written once to the archive
// bucket, about the case heads that changed in a window of time — so that a history rewritten later,
// even by someone who may write the cases table, no longer matches it. Its objects, all written once:
//
//   anchors/journals/<yyyy>/<mm>/<dd>/<through>.json        the journal (RFC 8785 canonical JSON):
//       its window (after, through] of head-change times, the previous journal (key and SHA-256: a
//       chain), the number of leaves, the Merkle root over them (anchor-tree.ts), and its parts;
//   anchors/journals/<yyyy>/<mm>/<dd>/<through>/part-0001.txt …   the leaves, one line each, sorted by
//       case number, at most PART_LEAVES a part (each part's SHA-256 is in the journal);
//   anchors/cases/<caseNo>/<through>.txt                    the case's proof of inclusion in that journal;
//   anchors/journals/<yyyy>/<mm>/<dd>/<through>.seal.json  the archive seal over the journal's bytes
//       (seal.ts: the same detached JWS as a bundle's tag manifest), written last: a journal whose seal
//       is there is complete, its proofs all written.
//
// `<through>` is the window's end as `20261123T081500123Z` (UTC), so keys sort by it. A case's proofs
// are listed under its number alone: an auditor finds every journal that names a case without trusting
// anything the cases table says.
import { canonicalize } from '../seals/jcs.ts';
import type { AnchorLeaf, ProofStep } from './anchor-tree.ts';
import { AnchorTree, isHashHex, leafLine, parseLeafLine, sha256Hex } from './anchor-tree.ts';
import { CASE_NO_PATTERN } from '../../contracts/case-vocabulary.ts';

export const ANCHORS_PREFIX = 'anchors/';
export const JOURNALS_PREFIX = 'anchors/journals/';
export const CASE_PROOFS_PREFIX = 'anchors/cases/';
export const JOURNAL_FORMAT = 'tongban-anchor-journal/1';
export const PROOF_FORMAT = 'tongban-anchor-proof/1';
/** Leaves per part object: a part stays under about 600 KB whatever the case numbers. */
export const PART_LEAVES = 4096;
/** How the root is computed, said in the journal itself for whoever reads it in decades. */
export const TREE_RULE =
  'SHA-256 over text, in lower-case hex: leaf = SHA-256(leaf SP caseNo SP version SP entryHash LF), node = SHA-256(node SP left SP right LF); leaves sorted by case number in ASCII order; each level pairs nodes from the left, an odd last node goes up unchanged';

export interface JournalWindow {
  /** The previous journal's `through` (exclusive); null for the first journal. */
  after: string | null;
  /** The last head-change time the journal covers (inclusive). */
  through: string;
}

export interface JournalPart {
  key: string;
  count: number;
  /** The first and last case numbers in it. */
  first: string;
  last: string;
  sha256: string;
}

export interface AnchorJournal {
  format: typeof JOURNAL_FORMAT;
  window: JournalWindow;
  previous: { key: string; sha256: string } | null;
  count: number;
  root: string;
  tree: typeof TREE_RULE;
  parts: JournalPart[];
}

/** What an anchor proof file states: the journal, the leaf, the way up. */
export interface AnchorProof {
  journal: string;
  leaf: AnchorLeaf;
  path: ProofStep[];
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const JOURNAL_KEY = /^anchors\/journals\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{8}T\d{9}Z)\.json$/;

/** `2026-11-23T08:15:00.123Z` → `20261123T081500123Z`. */
export function instantStamp(instant: string): string {
  if (!INSTANT.test(instant)) throw new Error(`not an instant as toISOString writes it: ${instant}`);
  return instant.replace(/[-:.]/g, '');
}

/** The key of the journal whose window ends at `through`. */
export function journalKey(through: string): string {
  const stamp = instantStamp(through);
  return `${JOURNALS_PREFIX}${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}/${stamp}.json`;
}

export function isJournalKey(key: string): boolean {
  return JOURNAL_KEY.test(key);
}

/** `….json` → `….seal.json`. */
export function journalSealKey(key: string): string {
  if (!isJournalKey(key)) throw new Error(`not a journal key: ${key}`);
  return key.replace(/\.json$/, '.seal.json');
}

/** Part n (from 1) of a journal. */
export function partKey(key: string, n: number): string {
  if (!isJournalKey(key)) throw new Error(`not a journal key: ${key}`);
  return `${key.replace(/\.json$/, '')}/part-${String(n).padStart(4, '0')}.txt`;
}

/** Where the case's proof of inclusion in the journal ending at `through` is kept. */
export function proofKey(caseNo: string, through: string): string {
  if (!CASE_NO_PATTERN.test(caseNo)) throw new Error(`not a case number: ${caseNo}`);
  return `${caseProofsPrefix(caseNo)}${instantStamp(through)}.txt`;
}

export function caseProofsPrefix(caseNo: string): string {
  return `${CASE_PROOFS_PREFIX}${caseNo}/`;
}

/** A journal built from its leaves: the document, its bytes, its parts, and the tree its proofs come from. */
export interface BuiltJournal {
  key: string;
  journal: AnchorJournal;
  bytes: Buffer;
  parts: { key: string; bytes: Buffer }[];
  tree: AnchorTree;
}

/** The journal of `leaves` (sorted by case number, one per case) over `window`, chained to `previous`. */
export function buildJournal(window: JournalWindow, previous: AnchorJournal['previous'], leaves: readonly AnchorLeaf[]): BuiltJournal {
  const key = journalKey(window.through);
  if (window.after !== null && !(window.after < window.through)) throw new Error(`an empty window (${window.after}, ${window.through}]`);
  const tree = new AnchorTree(leaves);
  const parts: { key: string; bytes: Buffer }[] = [];
  const described: JournalPart[] = [];
  for (let i = 0; i < leaves.length; i += PART_LEAVES) {
    const slice = leaves.slice(i, i + PART_LEAVES);
    const bytes = partBytes(slice);
    const part = { key: partKey(key, parts.length + 1), bytes };
    parts.push(part);
    described.push({ key: part.key, count: slice.length, first: slice[0]!.caseNo, last: slice[slice.length - 1]!.caseNo, sha256: sha256Hex(bytes) });
  }
  const journal: AnchorJournal = { format: JOURNAL_FORMAT, window, previous, count: leaves.length, root: tree.root, tree: TREE_RULE, parts: described };
  return { key, journal, bytes: Buffer.from(canonicalize(journal), 'utf8'), parts, tree };
}

/** A part file: one leaf line each, LF-terminated. */
export function partBytes(leaves: readonly AnchorLeaf[]): Buffer {
  return Buffer.from(leaves.map((l) => `${leafLine(l)}\n`).join(''), 'ascii');
}

/** The leaves of a part file; throws when a line is not a leaf. */
export function parsePart(bytes: Uint8Array): AnchorLeaf[] {
  const text = Buffer.from(bytes).toString('ascii');
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('an anchor part ends with a line feed');
  return text
    .split('\n')
    .slice(0, -1)
    .map((line, i) => {
      const leaf = parseLeafLine(line);
      if (!leaf) throw new Error(`line ${i + 1} of an anchor part is not a leaf`);
      return leaf;
    });
}

/** The proof file of leaf `index` of a built journal. */
export function proofBytes(journalKeyOf: string, leaf: AnchorLeaf, path: readonly ProofStep[]): Buffer {
  const lines = [PROOF_FORMAT, `journal ${journalKeyOf}`, `leaf ${leafLine(leaf)}`, ...path.map((s) => `path ${s.side} ${s.hash}`)];
  return Buffer.from(lines.map((l) => `${l}\n`).join(''), 'ascii');
}

/** A proof file read back; throws when it is not one. */
export function parseProof(bytes: Uint8Array): AnchorProof {
  const lines = Buffer.from(bytes).toString('ascii').split('\n');
  if (lines.pop() !== '' || lines[0] !== PROOF_FORMAT) throw new Error(`not an anchor proof (${PROOF_FORMAT}, LF-terminated lines)`);
  const journal = /^journal (\S+)$/.exec(lines[1] ?? '')?.[1];
  const leaf = parseLeafLine(/^leaf (.*)$/.exec(lines[2] ?? '')?.[1] ?? '');
  if (!journal || !isJournalKey(journal) || !leaf) throw new Error('an anchor proof names its journal, then its leaf');
  const path = lines.slice(3).map((line, i): ProofStep => {
    const m = /^path ([LR]) ([0-9a-f]{64})$/.exec(line);
    if (!m) throw new Error(`line ${i + 4} of an anchor proof is not a step (path L|R <hash>)`);
    return { side: m[1] as 'L' | 'R', hash: m[2]! };
  });
  if (path.length > 64) throw new Error('an anchor proof of more than 64 steps');
  return { journal, leaf, path };
}

/** A journal read back: its bytes must be the canonical form of a well-formed journal. */
export function parseJournal(bytes: Uint8Array): AnchorJournal {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error('an anchor journal is JSON');
  }
  const j = value as Partial<AnchorJournal>;
  const window = j.window as Partial<JournalWindow> | undefined;
  const previous = j.previous;
  const wellFormed =
    j.format === JOURNAL_FORMAT &&
    typeof window === 'object' &&
    window !== null &&
    typeof window.through === 'string' &&
    INSTANT.test(window.through) &&
    (window.after === null || (typeof window.after === 'string' && INSTANT.test(window.after) && window.after < window.through)) &&
    (previous === null ||
      (typeof previous === 'object' && previous !== undefined && typeof previous.key === 'string' && isJournalKey(previous.key) && isHashHex(previous.sha256))) &&
    Number.isSafeInteger(j.count) &&
    j.count! > 0 &&
    isHashHex(j.root) &&
    j.tree === TREE_RULE &&
    Array.isArray(j.parts) &&
    j.parts.length === Math.ceil(j.count! / PART_LEAVES) &&
    j.parts.every(
      (p: Partial<JournalPart>) => typeof p.key === 'string' && Number.isSafeInteger(p.count) && typeof p.first === 'string' && typeof p.last === 'string' && isHashHex(p.sha256),
    ) &&
    j.parts.reduce((n, p) => n + p.count, 0) === j.count;
  if (!wellFormed) throw new Error('not a well-formed anchor journal');
  if (canonicalize(value) !== Buffer.from(bytes).toString('utf8')) throw new Error('an anchor journal is stored in its canonical form (RFC 8785)');
  return value as AnchorJournal;
}
