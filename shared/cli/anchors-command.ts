// `tongban audit anchors verify|fetch <caseNo>`: a case's history against the anchor journals.
// - verify <caseNo> --jwks <published jwks.json>: reads the case's history from the API (as the
//   auditor) and every proof of the case from the archive bucket (anchors/cases/<caseNo>/), with the
//   journals and seals they name; checks each seal with the published keys, offline, each proof up to
//   its journal's root, and that the history holds the anchored hash at the anchored version (and its
//   own chain). Prints each anchoring and each finding (--json: the whole audit); exit 0 when all hold,
//   1 on any finding (it names the case, the version and the journal), 2 on a usage error, 3 when the
//   API cannot be reached.
// - fetch <caseNo> --out <folder>: the files the README's walk-through checks with sha256sum and
//   openssl alone: the newest sealed anchoring's proof.txt, journal.json and journal.seal.json, and
//   history.txt (the history's entries as leaf lines, `<caseNo> <n> <hash>`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCaseNo } from '../domain/identifiers/case-number.ts';
import type { AnchorEvidence, CaseAnchorAudit } from '../domain/anchors/anchor-audit.ts';
import { auditCaseAnchors } from '../domain/anchors/anchor-audit.ts';
import { caseProofsPrefix, journalSealKey, parseProof } from '../domain/anchors/anchor-journal.ts';
import type { AnchorArchive } from '../domain/anchors/anchor-ports.ts';
import type { CaseHistoryEntry } from '../domain/cases/case-record.ts';
import type { Jwks } from '../domain/seals/jwks.ts';
import type { ApiClient } from './api-client.ts';
import { ApiRefusal, UsageError } from './api-client.ts';
import { readJsonFile } from './args.ts';

export interface AnchorsDeps {
  /** The API, as the auditor (--as auditor, or --profile with --endpoint). */
  api: () => Promise<ApiClient>;
  /** The archive bucket, as the auditor reads it. */
  archive: () => Promise<AnchorArchive>;
}

/** History pages read at most (a case's history is bounded; this bounds a platform that pages forever). */
const MAX_HISTORY_PAGES = 1000;
/** Proofs of one case read at most: a proof anchors at least one entry more than the one before. */
const MAX_PROOFS = 10_000;

export async function anchorsCommand(
  command: string | undefined,
  caseNo: string | undefined,
  o: { jwks?: string; out?: string; json: boolean },
  deps: AnchorsDeps,
): Promise<number> {
  if (command !== 'verify' && command !== 'fetch') throw new UsageError(command ? `unknown command "audit anchors ${command}"` : 'audit anchors needs a command: verify or fetch');
  if (!isCaseNo(caseNo)) throw new UsageError(`audit anchors ${command} needs a case number`);
  if (command === 'verify') {
    if (!o.jwks) throw new UsageError('audit anchors verify needs --jwks <file>: the published keys (GET /v1/.well-known/jwks.json)');
    const jwks = (await readJsonFile(o.jwks, 'the published keys')) as Partial<Jwks>;
    if (!Array.isArray(jwks?.keys)) throw new UsageError(`${o.jwks} is not a JWKS: it needs "keys"`);
    const [entries, evidence] = await Promise.all([history(await deps.api(), caseNo), proofs(await deps.archive(), caseNo)]);
    const audit = auditCaseAnchors(caseNo, entries, evidence, jwks as Jwks);
    if (o.json) console.log(JSON.stringify(audit, null, 2));
    else printAudit(audit);
    return audit.passed ? 0 : 1;
  }
  if (!o.out) throw new UsageError('audit anchors fetch needs --out <folder>');
  const [entries, evidence] = await Promise.all([history(await deps.api(), caseNo), proofs(await deps.archive(), caseNo)]);
  const newest = evidence.filter((e) => e.journal && e.seal).at(-1);
  await mkdir(o.out, { recursive: true });
  const write = async (name: string, body: string | Uint8Array) => {
    try {
      await writeFile(join(o.out!, name), body, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${join(o.out!, name)} exists: fetch into an empty folder`);
      throw e;
    }
  };
  await write('history.txt', entries.map((e) => `${e.caseNo} ${e.n} ${e.hash}\n`).join(''));
  if (!newest) {
    console.error(`tongban: case ${caseNo} is named by no sealed anchor journal yet (history.txt written to ${o.out})`);
    return 1;
  }
  await write('proof.txt', newest.proof);
  await write('journal.json', newest.journal!);
  await write('journal.seal.json', newest.seal!);
  console.log(`${newest.proofKey} and its journal → ${o.out}: proof.txt, journal.json, journal.seal.json, history.txt (${entries.length} entries)`);
  return 0;
}

/** Every entry of the case's history, page after page, as the API serves it to the auditor. */
async function history(api: ApiClient, caseNo: string): Promise<CaseHistoryEntry[]> {
  const path = `/v1/cases/${encodeURIComponent(caseNo)}/history`;
  const entries: CaseHistoryEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const res = await api.request('GET', path, cursor ? { query: { cursor } } : {});
    if (res.status !== 200) throw new ApiRefusal(res);
    const body = res.body as { entries: CaseHistoryEntry[]; nextCursor?: string };
    entries.push(...body.entries);
    cursor = body.nextCursor;
    if (!cursor) return entries;
  }
  throw new Error(`the history of case ${caseNo} is longer than ${MAX_HISTORY_PAGES} pages`);
}

/** Every proof kept under the case, oldest journal first, each with the journal and seal it names. */
async function proofs(archive: AnchorArchive, caseNo: string): Promise<AnchorEvidence[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await archive.list(caseProofsPrefix(caseNo), { limit: 1000, ...(cursor ? { cursor } : {}) });
    keys.push(...page.keys);
    cursor = page.nextCursor;
    if (keys.length > MAX_PROOFS) throw new Error(`more than ${MAX_PROOFS} proofs are kept under case ${caseNo}`);
  } while (cursor);
  const journals = new Map<string, Promise<{ journal?: Buffer; seal?: Buffer }>>();
  const named = (key: string) => {
    let read = journals.get(key);
    if (!read) {
      read = Promise.all([archive.get(key), archive.get(journalSealKey(key))]).then(([journal, seal]) => ({ ...(journal ? { journal } : {}), ...(seal ? { seal } : {}) }));
      journals.set(key, read);
    }
    return read;
  };
  const evidence: AnchorEvidence[] = [];
  for (const proofKey of keys) {
    const proof = await archive.get(proofKey);
    if (!proof) continue;
    let journalKey: string | undefined;
    try {
      journalKey = parseProof(proof).journal;
    } catch {
      // The audit says what is wrong with it.
    }
    evidence.push({ proofKey, proof, ...(journalKey ? await named(journalKey) : {}) });
  }
  return evidence;
}

function printAudit(audit: CaseAnchorAudit): void {
  const chain = audit.chain.ok ? 'its chain verifies' : `its chain breaks at entry ${audit.chain.n}`;
  console.log(`办件 case ${audit.caseNo}: 锚定核验 anchor check ${audit.passed ? '通过 passed' : '未通过 FAILED'} — history of ${audit.entries} entries, ${chain}`);
  for (const a of audit.anchorings.filter((x) => x.matches)) {
    console.log(`  ✓ version ${a.version} anchored by ${a.journal} (window to ${a.window.through}, sealed ${a.sealedAt}): ${a.hash}`);
  }
  for (const f of audit.findings) console.log(`  ✗ ${f.code}${f.journal ? ` ${f.journal}` : ''}: ${f.message}`);
  for (const p of audit.pending) console.log(`  … ${p}: not sealed yet (its run is under way, or stopped and the next sweep completes it)`);
  if (audit.newestAnchored === undefined) console.log('  · no sealed journal names this case yet: its heads are anchored by the next sweep after they change');
  else if (audit.entries > audit.newestAnchored)
    console.log(`  · entries ${audit.newestAnchored + 1}-${audit.entries}: written after the newest journal naming the case, not anchored yet`);
}
