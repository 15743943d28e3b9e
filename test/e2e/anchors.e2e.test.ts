// End to end: the anchor journals of the embedded platform (in this process, the sweep run by the
// test, ANCHOR_LAG_SECONDS=0: each journal ends at the sweep's start). Cases are filed and moved
// through signed HTTP calls; a sweep journals their heads into the archive bucket (s3rver), sealed by
// the local KMS signer. Then, as someone who may write the cases table (dynalite, straight through its
// wire protocol): a middle entry edited in place, a history rewritten from its second entry and one
// rewritten whole, every hash recomputed and the head made to agree — so that the API's own chain
// check passes. `tongban audit anchors verify`, run as a process, finds each one and names the case,
// the version and the journal; the README's sha256sum-and-openssl commands, run as they are by `sh`,
// pass on the untouched case and fail on the rewritten ones.
import { packCaseItem, unpackCaseItem } from '../../shared/adapters/case-item-packing.ts';
import { withDefaultOfficer } from '../support/acting-keys.ts';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES } from '../../infra/local/local-dynamodb.ts';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import { JOURNALS_PREFIX, caseProofsPrefix, journalSealKey, parseJournal } from '../../shared/domain/anchors/anchor-journal.ts';
import { hashCaseEntry } from '../../shared/domain/cases/case-history.ts';
import type { CaseHistoryEntry } from '../../shared/domain/cases/case-record.ts';
import { SHOP } from '../support/case-fixtures.ts';
import { platformArchive } from '../support/platform-archive.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = new URL('../..', import.meta.url).pathname;
const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;
const README_SCRIPT = /<!-- anchor-verify[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1];
const run = promisify(execFile);

let dataDir: string;
let platform: RunningPlatform;
let db: DynamoDBDocumentClient;
let archive: S3AnchorArchive;
let jwksPath: string;
/** The platform clock (the anchoring runs on real time whatever it says): Monday 23 November 2026, 10:00 in China. */
const clock = new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.ANCHOR_LAG_SECONDS = '0';
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-anchors-e2e-'));
  platform = await startPlatform({ dataDir, port: 0, now: () => clock, scheduleIntervalMs: 0 });
  const raw = new DynamoDBClient({ endpoint: platform.services.dynamodb, region: platform.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  db = DynamoDBDocumentClient.from(raw);
  archive = platformArchive(platform);
  jwksPath = join(dataDir, 'jwks.json');
  await writeFile(jwksPath, await (await fetch(`${platform.endpoint}/v1/.well-known/jwks.json`)).text());
});

afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);

/** `tongban …` as a process (the repository's bin, as `npx tongban` runs it): its exit code and output. */
async function tongban(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(ROOT, 'shared/cli/bin.mjs'), ...withDefaultOfficer(platform.credentialsPath, args), '--credentials', platform.credentialsPath],
      {
        cwd: ROOT,
      },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
}

/** The README's commands, as they are, by `sh -e` in a folder `audit anchors fetch` filled: their exit code and output. */
async function readmeCheck(caseNo: string): Promise<{ code: number; out: string }> {
  const folder = join(await mkdtemp(join(dataDir, 'anchor-check-')), 'files');
  const fetched = await tongban('audit', 'anchors', 'fetch', caseNo, '--as', 'auditor', '--out', folder);
  expect(fetched.code, fetched.err).toBe(0);
  await writeFile(join(folder, 'jwks.json'), readFileSync(jwksPath));
  try {
    const { stdout, stderr } = await run('sh', ['-e', '-c', README_SCRIPT!], { cwd: folder });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** A company registration filed by the portal and accepted; paused and resumed with `steps`: version 2, or 4. */
async function aCase(steps = false): Promise<string> {
  const materials: Json = {};
  for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
  const filed = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: REGISTRATION.implementationCode, applicant: SHOP, form: { 注册资本: '100万元' }, materials },
  });
  expect(filed.status).toBe(201);
  const caseNo = (filed.body as Json).caseNo as string;
  const act = async (action: string, body: Json = {}) => expect((await as('market').request('POST', `/v1/cases/${caseNo}/${action}`, { body })).status, action).toBe(200);
  await act('accept');
  if (steps) {
    await act('pause', { procedure: 'site-inspection', reason: '现场核查', expectedDays: 5 });
    await act('resume');
  }
  return caseNo;
}

const historyOf = async (caseNo: string) => (await as('auditor').request('GET', `/v1/cases/${caseNo}/history`)).body as { entries: CaseHistoryEntry[]; check: Json };

/** The case's items in the cases table, as someone with write access reads them. */
async function itemsOf(caseNo: string): Promise<Json[]> {
  const out = await db.send(
    new QueryCommand({ TableName: LOCAL_TABLES.cases, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseNo}` }, ConsistentRead: true }),
  );
  // The head unpacked, as the store reads it (it is written back packed).
  return (out.Items ?? []).map(unpackCaseItem);
}

const later = (at: string) => new Date(Date.parse(at) + 3_600_000).toISOString();

/**
 * Rewrites the case's history from entry `from` on as someone who may write the table and knows the
 * hashing: entry `from` claims another time, every hash from it on is computed again, and every item
 * of the case (entries, head, tasks) is made to agree — the head's state, its hash, the entries' links.
 */
async function rewrite(caseNo: string, from: number): Promise<void> {
  const items = await itemsOf(caseNo);
  const entries = [...new Map(items.flatMap(recordsIn).map((r) => [(r.entry as CaseHistoryEntry).n, r.entry as CaseHistoryEntry])).values()].sort((a, b) => a.n - b.n);
  const renamed = new Map<string, string>();
  let previous: string | undefined;
  let changedAt = '';
  for (const e of entries) {
    if (e.n < from) {
      previous = e.hash;
      continue;
    }
    const { hash: _hash, previousHash: _previous, ...rest } = e;
    const content = { ...rest, at: e.n === from ? later(e.at) : e.at, ...(previous !== undefined ? { previousHash: previous } : {}) };
    if (e.n === from) changedAt = content.at;
    previous = hashCaseEntry(content);
    renamed.set(e.hash, previous);
  }
  for (const item of items) {
    let text = JSON.stringify(item);
    for (const [old, next] of renamed) text = text.replaceAll(old, next);
    const forged = JSON.parse(text) as Json;
    // A sealed notice names its entry's hash under the department's seal: a forger cannot seal it again,
    // so leaves it as it was (its own check would then show it names a hash the history no longer holds).
    if (item.state?.notices) forged.state.notices = item.state.notices;
    const records = recordsIn(item);
    for (const [i, record] of recordsIn(forged).entries()) {
      if (records[i]!.changes?.set?.notices) record.changes.set.notices = records[i]!.changes.set.notices;
      if (records[i]!.changes?.append?.notices) record.changes.append.notices = records[i]!.changes.append.notices;
      if (record.entry.n === from) record.entry.at = changedAt;
    }
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.cases, Item: packCaseItem(forged) }));
  }
}

/** The history entries an item of the case holds (each its entry, what it changed, its event): the head's pending ones, a page's, an entry item's (the layout before issue 21). */
function recordsIn(item: Json): Json[] {
  const sk = String(item.sk);
  if (sk === 'HEAD') return item.pending ?? [];
  if (sk.startsWith('PAGE#')) return item.entries;
  return sk.startsWith('EVT#') ? [item] : [];
}

/** Changes entry `n` of the case in place, in every item that holds it. */
async function editEntry(caseNo: string, n: number, change: (entry: Json) => Json): Promise<void> {
  for (const item of await itemsOf(caseNo)) {
    const records = recordsIn(item).filter((r) => r.entry.n === n);
    if (records.length === 0) continue;
    for (const record of records) record.entry = change(record.entry);
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.cases, Item: packCaseItem(item) }));
  }
}

describe('anchor journals: a rewrite of any history after its journal is found and named', () => {
  let untouched: string;
  let edited: string;
  let fromSecond: string;
  let whole: string;
  let journal: string;

  it('journals the heads an anchoring run finds changed: sealed, in the archive bucket, a proof per case', async () => {
    untouched = await aCase();
    edited = await aCase(true);
    fromSecond = await aCase(true);
    whole = await aCase();

    const report = await platform.scheduled.anchoring();

    expect('failed' in report ? report.failed : undefined).toBeUndefined();
    const written = 'journal' in report ? report.journal : undefined;
    expect(written?.count).toBeGreaterThanOrEqual(4);
    journal = written!.key;
    expect((await archive.list(JOURNALS_PREFIX, { limit: 100 })).keys).toEqual(expect.arrayContaining([journal, journalSealKey(journal)]));
    const parsed = parseJournal((await archive.get(journal))!);
    expect(parsed.count).toBe(written!.count);
    for (const caseNo of [untouched, edited, fromSecond, whole]) expect((await archive.list(caseProofsPrefix(caseNo), { limit: 10 })).keys).toHaveLength(1);
    // Nothing changed since: the next anchoring run writes no journal.
    const again = await platform.scheduled.anchoring();
    expect(again).not.toHaveProperty('failed');
    expect(again).not.toHaveProperty('journal');
  });

  it('verifies an untouched case with `tongban audit anchors verify` and with the README commands', async () => {
    const verified = await tongban('audit', 'anchors', 'verify', untouched, '--as', 'auditor', '--jwks', jwksPath);
    expect(verified.code, verified.out + verified.err).toBe(0);
    // Filed, accepted, its 受理通知书 sealed
    expect(verified.out).toContain(`办件 case ${untouched}: 锚定核验 anchor check 通过 passed — history of 3 entries, its chain verifies`);
    expect(verified.out).toContain(`✓ version 3 anchored by ${journal}`);
    const asJson = JSON.parse((await tongban('audit', 'anchors', 'verify', untouched, '--as', 'auditor', '--jwks', jwksPath, '--json')).out) as Json;
    expect(asJson).toMatchObject({ passed: true, newestAnchored: 3, findings: [] });

    const readme = await readmeCheck(untouched);
    expect(readme.code, readme.out).toBe(0);
    const { entries } = await historyOf(untouched);
    expect(readme.out).toContain('Verified OK');
    expect(readme.out).toContain(`anchored: ${untouched} 3 ${entries[2]!.hash}`);
    expect(readme.out).toContain('the history holds it');
  });

  it('finds a middle entry edited in place: the chain breaks there', async () => {
    await editEntry(edited, 2, (entry) => ({ ...entry, at: later(entry.at as string) }));

    expect((await historyOf(edited)).check).toMatchObject({ ok: false, n: 2 });
    const verified = await tongban('audit', 'anchors', 'verify', edited, '--as', 'auditor', '--jwks', jwksPath);
    expect(verified.code).toBe(1);
    expect(verified.out).toContain(`✗ HISTORY_CHAIN_BROKEN: case ${edited}: the history's chain breaks at entry 2`);
  });

  it('finds a history rewritten from its second entry, every hash recomputed and the head agreeing: the API sees nothing, the journal does', async () => {
    const before = await historyOf(fromSecond);
    await rewrite(fromSecond, 2);
    const after = await historyOf(fromSecond);
    expect(after.check).toEqual({ ok: true });
    expect(after.entries.map((e) => e.hash)).not.toEqual(before.entries.map((e) => e.hash));

    const verified = await tongban('audit', 'anchors', 'verify', fromSecond, '--as', 'auditor', '--jwks', jwksPath);
    expect(verified.code).toBe(1);
    expect(verified.out).toContain(`未通过 FAILED`);
    // Filed, accepted, notice sealed, paused, notice sealed, resumed: version 6 anchored
    expect(verified.out).toContain(`✗ ENTRY_MISMATCH ${journal}: case ${fromSecond} version 6: journal ${journal} anchored hash ${before.entries[5]!.hash}`);
    const readme = await readmeCheck(fromSecond);
    expect(readme.code).not.toBe(0);
    expect(readme.out).toContain('Verified OK');
    expect(readme.out).toContain('the history does not hold the anchored entry: rewritten since');
  });

  it('finds a whole history rewritten with recomputed hashes after its journal, by the CLI and the README commands', async () => {
    const before = await historyOf(whole);
    await rewrite(whole, 1);
    const after = await historyOf(whole);
    expect(after.check).toEqual({ ok: true });
    expect(after.entries[0]!.hash).not.toBe(before.entries[0]!.hash);

    const verified = await tongban('audit', 'anchors', 'verify', whole, '--as', 'auditor', '--jwks', jwksPath, '--json');
    expect(verified.code).toBe(1);
    expect((JSON.parse(verified.out) as Json).findings).toEqual([
      expect.objectContaining({ code: 'ENTRY_MISMATCH', version: 3, journal, message: expect.stringContaining(`case ${whole} version 3`) }),
    ]);
    const readme = await readmeCheck(whole);
    expect(readme.code).not.toBe(0);
    expect(readme.out).toContain('the history does not hold the anchored entry: rewritten since');
    // The untouched case still passes: what failed is the rewritten one alone.
    expect((await tongban('audit', 'anchors', 'verify', untouched, '--as', 'auditor', '--jwks', jwksPath)).code).toBe(0);
  });
});
