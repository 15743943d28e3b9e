// Checking a case's history against the anchor journals that name it, offline: for each of the case's
// proofs (anchors/cases/<caseNo>/…), its journal's archive seal verifies with the published keys, the
// proof leads from the leaf (case, version, entry hash) to the journal's Merkle root, and the history
// as the platform now serves it has that hash at that version. With the history's own chain check
// (each entry's content hashes to its hash, chained to the one before), an anchored version fixes every
// entry up to it: a history rewritten after the journal — one entry or all of them, hashes recomputed
// or not — fails here, and the finding names the case, the version and the journal.
import type { HistoryCheck } from '../cases/case-history.ts';
import { verifyCaseHistory } from '../cases/case-history.ts';
import type { CaseHistoryEntry } from '../cases/case-record.ts';
import { ARCHIVE_SEAL } from '../archive/case-bundle.ts';
import type { Jwks } from '../seals/jwks.ts';
import { verifySealWithJwks } from '../seals/jwks.ts';
import type { AnchorJournal, AnchorProof } from './anchor-journal.ts';
import { parseJournal, parseProof, proofKey } from './anchor-journal.ts';
import { foldProof } from './anchor-tree.ts';

/** What the archive holds for one of the case's proofs: the proof, its journal and the journal's seal, as read. */
export interface AnchorEvidence {
  proofKey: string;
  proof: Uint8Array;
  /** Undefined: no journal under the key the proof names. */
  journal?: Uint8Array;
  /** Undefined: the journal is not sealed yet (its run is under way, or stopped and the next completes it). */
  seal?: Uint8Array;
}

export type AnchorFindingCode =
  'HISTORY_CHAIN_BROKEN' | 'PROOF_MALFORMED' | 'JOURNAL_MISSING' | 'JOURNAL_MALFORMED' | 'SEAL_INVALID' | 'PROOF_NOT_IN_JOURNAL' | 'ENTRY_MISSING' | 'ENTRY_MISMATCH';

export interface AnchorFinding {
  code: AnchorFindingCode;
  message: string;
  journal?: string;
  version?: number;
}

/** A verified anchoring: the sealed journal names this version of the case with this hash. */
export interface Anchoring {
  journal: string;
  version: number;
  hash: string;
  /** When the journal was sealed (its seal's header). */
  sealedAt: string;
  window: AnchorJournal['window'];
  /** Whether the history holds the same hash at that version. */
  matches: boolean;
}

export interface CaseAnchorAudit {
  caseNo: string;
  passed: boolean;
  /** Entries in the history read. */
  entries: number;
  chain: HistoryCheck;
  anchorings: Anchoring[];
  /** Journals that name the case but are not sealed yet: not counted either way. */
  pending: string[];
  /** The newest version anchored; entries after it are not anchored yet. */
  newestAnchored?: number;
  findings: AnchorFinding[];
}

export function auditCaseAnchors(caseNo: string, entries: readonly CaseHistoryEntry[], evidence: readonly AnchorEvidence[], jwks: Jwks): CaseAnchorAudit {
  const findings: AnchorFinding[] = [];
  const anchorings: Anchoring[] = [];
  const pending: string[] = [];
  const chain = verifyCaseHistory(entries);
  if (!chain.ok) findings.push({ code: 'HISTORY_CHAIN_BROKEN', version: chain.n, message: `case ${caseNo}: the history's chain breaks at entry ${chain.n}: ${chain.reason}` });
  const byVersion = new Map(entries.map((e) => [e.n, e]));

  for (const item of evidence) {
    let proof: AnchorProof;
    try {
      proof = parseProof(item.proof);
    } catch (e) {
      findings.push({ code: 'PROOF_MALFORMED', message: `${item.proofKey}: ${(e as Error).message}` });
      continue;
    }
    const { leaf } = proof;
    const where = { journal: proof.journal, version: leaf.version };
    if (leaf.caseNo !== caseNo) {
      findings.push({ code: 'PROOF_MALFORMED', ...where, message: `${item.proofKey} is kept under case ${caseNo} but names case ${leaf.caseNo}` });
      continue;
    }
    if (!item.journal) {
      findings.push({ code: 'JOURNAL_MISSING', ...where, message: `case ${caseNo} version ${leaf.version}: the journal ${proof.journal} its proof names is not in the archive` });
      continue;
    }
    let journal: AnchorJournal;
    try {
      journal = parseJournal(item.journal);
    } catch (e) {
      findings.push({ code: 'JOURNAL_MALFORMED', ...where, message: `journal ${proof.journal}: ${(e as Error).message}` });
      continue;
    }
    if (!item.seal) {
      pending.push(proof.journal);
      continue;
    }
    const sealCheck = checkSeal(item.journal, item.seal, jwks);
    if (!sealCheck.ok) {
      findings.push({ code: 'SEAL_INVALID', ...where, message: `journal ${proof.journal}: its archive seal does not verify with the published keys (${sealCheck.reason})` });
      continue;
    }
    if (foldProof(leaf, proof.path) !== journal.root || proofKey(caseNo, journal.window.through) !== item.proofKey) {
      findings.push({
        code: 'PROOF_NOT_IN_JOURNAL',
        ...where,
        message: `case ${caseNo} version ${leaf.version}: ${item.proofKey} does not lead to the root of journal ${proof.journal}`,
      });
      continue;
    }
    const entry = byVersion.get(leaf.version);
    const matches = entry?.hash === leaf.hash;
    anchorings.push({ journal: proof.journal, version: leaf.version, hash: leaf.hash, sealedAt: sealCheck.sealedAt, window: journal.window, matches });
    if (!entry) {
      findings.push({
        code: 'ENTRY_MISSING',
        ...where,
        message: `case ${caseNo} version ${leaf.version}: journal ${proof.journal} anchored it with hash ${leaf.hash}, and the history has no entry ${leaf.version} (it ends at ${entries.length})`,
      });
    } else if (!matches) {
      findings.push({
        code: 'ENTRY_MISMATCH',
        ...where,
        message: `case ${caseNo} version ${leaf.version}: journal ${proof.journal} anchored hash ${leaf.hash}; the history's entry ${leaf.version} has ${entry.hash}: rewritten since`,
      });
    }
  }
  anchorings.sort((a, b) => a.version - b.version || (a.journal < b.journal ? -1 : 1));
  const newest = anchorings.at(-1)?.version;
  return {
    caseNo,
    passed: findings.length === 0,
    entries: entries.length,
    chain,
    anchorings,
    pending,
    ...(newest !== undefined ? { newestAnchored: newest } : {}),
    findings,
  };
}

/** The journal's seal, by the archive key of the published keys (a department's seal is no journal's). */
function checkSeal(journal: Uint8Array, sealBytes: Uint8Array, jwks: Jwks): { ok: true; sealedAt: string } | { ok: false; reason: string } {
  let seal: { protected?: unknown; signature?: unknown };
  try {
    seal = JSON.parse(Buffer.from(sealBytes).toString('utf8')) as typeof seal;
  } catch {
    return { ok: false, reason: 'the seal is not JSON' };
  }
  if (typeof seal.protected !== 'string' || typeof seal.signature !== 'string') return { ok: false, reason: 'the seal needs "protected" and "signature"' };
  const check = verifySealWithJwks(journal, { protected: seal.protected, signature: seal.signature }, jwks);
  if (!check.valid) return { ok: false, reason: `${check.reason}: ${check.detail}` };
  if (check.header['tongban:department'] !== ARCHIVE_SEAL.department) return { ok: false, reason: `sealed by ${check.header['tongban:department']}, not by the archive key` };
  return { ok: true, sealedAt: check.header['tongban:sealedAt'] };
}
