// The Merkle tree of an anchor journal (anchor-journal.ts), defined over text so that anyone can
// recompute it with `printf` and `sha256sum` alone:
//
//   leaf line  `<caseNo> <version> <entry hash>`: a case number (1-64 of 0-9 A-Z a-z -), its head's
//              version in decimal, the hash of that history entry (64 lower-case hex);
//   leaf hash  SHA-256 of the ASCII bytes `leaf <leaf line>\n`, as 64 lower-case hex;
//   node hash  SHA-256 of `node <left hash> <right hash>\n` (the children's hex);
//   the tree   the leaves sorted by case number (ASCII byte order: one leaf per case), hashed; each
//              level pairs its nodes from the left, and a level's odd last node is carried up to the
//              next level unchanged (never paired with itself: a tree with a leaf repeated is another
//              tree); the root is the one node of the last level. A tree has at least one leaf.
//
// The `leaf `/`node ` prefixes keep a leaf from passing for a node and back. An inclusion proof is the
// siblings met on the way from a leaf to the root, each with its side (`L`: the sibling is on the left),
// none where a node was carried up alone.
import { createHash } from 'node:crypto';
import { CASE_NO_PATTERN } from '../../contracts/case-vocabulary.ts';

/** One anchored head: a case, its version and the hash of its history entry at that version. */
export interface AnchorLeaf {
  caseNo: string;
  version: number;
  hash: string;
}

/** A sibling on the way up: its hash and the side it is on. */
export interface ProofStep {
  side: 'L' | 'R';
  hash: string;
}

const HASH = /^[0-9a-f]{64}$/;
const LINE = /^([0-9A-Za-z-]{1,64}) ([1-9][0-9]{0,9}) ([0-9a-f]{64})$/;

/** `<caseNo> <version> <hash>`, checked. */
export function leafLine(leaf: AnchorLeaf): string {
  if (!CASE_NO_PATTERN.test(leaf.caseNo) || !Number.isSafeInteger(leaf.version) || leaf.version < 1 || leaf.version > 9_999_999_999 || !HASH.test(leaf.hash)) {
    throw new Error(`not an anchor leaf: ${JSON.stringify(leaf)}`);
  }
  return `${leaf.caseNo} ${leaf.version} ${leaf.hash}`;
}

/** The leaf a line holds, or undefined when it is not one. */
export function parseLeafLine(line: string): AnchorLeaf | undefined {
  const m = LINE.exec(line);
  return m ? { caseNo: m[1]!, version: Number(m[2]), hash: m[3]! } : undefined;
}

/** SHA-256(`leaf <line>\n`). */
export function leafHash(leaf: AnchorLeaf): string {
  return sha256Hex(`leaf ${leafLine(leaf)}\n`);
}

/** SHA-256(`node <left> <right>\n`). */
export function nodeHash(left: string, right: string): string {
  return sha256Hex(`node ${left} ${right}\n`);
}

/** Orders leaves by case number, in ASCII byte order (the order `LC_ALL=C sort` gives). */
export function byCaseNo(a: AnchorLeaf, b: AnchorLeaf): number {
  return a.caseNo < b.caseNo ? -1 : a.caseNo > b.caseNo ? 1 : 0;
}

/** The tree over leaves already sorted by case number, one per case: its root, and a proof per leaf. */
export class AnchorTree {
  /** levels[0]: the leaf hashes; the last level: the root alone. */
  private readonly levels: string[][];

  constructor(readonly leaves: readonly AnchorLeaf[]) {
    if (leaves.length === 0) throw new Error('an anchor tree has at least one leaf');
    for (let i = 1; i < leaves.length; i++) {
      if (byCaseNo(leaves[i - 1]!, leaves[i]!) >= 0)
        throw new Error(`anchor leaves must be sorted by case number, one per case: ${leaves[i - 1]!.caseNo} before ${leaves[i]!.caseNo}`);
    }
    let level = leaves.map(leafHash);
    this.levels = [level];
    while (level.length > 1) {
      const up: string[] = [];
      for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
      this.levels.push(up);
      level = up;
    }
  }

  get root(): string {
    return this.levels[this.levels.length - 1]![0]!;
  }

  /** The siblings from leaf `index` up to the root. */
  proof(index: number): ProofStep[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.leaves.length) throw new Error(`no leaf ${index} in a tree of ${this.leaves.length}`);
    const steps: ProofStep[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i % 2 === 0 ? i + 1 : i - 1;
      if (sibling < level.length) steps.push({ side: i % 2 === 0 ? 'R' : 'L', hash: level[sibling]! });
      i = Math.floor(i / 2);
    }
    return steps;
  }
}

/** The root a proof leads to from a leaf: equal to the journal's root if the leaf is in its tree. */
export function foldProof(leaf: AnchorLeaf, steps: readonly ProofStep[]): string {
  return steps.reduce((h, step) => (step.side === 'L' ? nodeHash(step.hash, h) : nodeHash(h, step.hash)), leafHash(leaf));
}

export function isHashHex(value: unknown): value is string {
  return typeof value === 'string' && HASH.test(value);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
