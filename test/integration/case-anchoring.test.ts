// The anchor journals against the real local stand-ins: the anchor queue on dynalite (the cases
// table's anchorQueue index, holding its keys alone, read by Query per shard), the journals on s3rver,
// sealed by the local KMS signer with the archive key and checked with the published keys. Heads are
// the ones the case store writes (case-items.ts: listingItems), each with the time it was written.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { ensureArchiveKey } from '../../infra/local/seal-keys.ts';
import { listingItems } from '../../shared/adapters/case-items.ts';
import { DynamoAnchorQueue } from '../../shared/adapters/dynamo-anchor-queue.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { KmsPublishedKeys } from '../../shared/adapters/kms-published-keys.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import { auditCaseAnchors } from '../../shared/domain/anchors/anchor-audit.ts';
import type { AnchorEvidence } from '../../shared/domain/anchors/anchor-audit.ts';
import { caseProofsPrefix, journalSealKey, parseJournal, parseProof } from '../../shared/domain/anchors/anchor-journal.ts';
import { CaseAnchoring } from '../../shared/domain/anchors/case-anchoring.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { hashCaseEntry } from '../../shared/domain/cases/case-history.ts';
import type { CaseHistoryEntry, CaseState } from '../../shared/domain/cases/case-record.ts';
import { FOOD, MARKET, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';

const ARCHIVE = 'tongban-test-anchors';
const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

let dir: string;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let s3: S3Client;
let kms: KMSClient;
let queue: DynamoAnchorQueue;
let archive: S3AnchorArchive;
let anchoring: (now: string, lagSeconds?: number, maxLeaves?: number) => CaseAnchoring;
let published: KmsPublishedKeys;
let stop: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-anchoring-'));
  const [dynamo, s3rver, localKms] = await Promise.all([startDynalite(undefined), startS3(join(dir, 's3'), '127.0.0.1', [ARCHIVE]), startLocalKms({ dataDir: join(dir, 'kms') })]);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  s3 = new S3Client({ endpoint: s3rver.endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  kms = new KMSClient({ endpoint: localKms.endpoint, region: REGION, credentials: CREDENTIALS });
  const directory = new DynamoDirectory(db, LOCAL_TABLES.directory);
  await seedFixtures({ directory, store: new DynamoItemStore(db, LOCAL_TABLES.items), now: () => new Date('2026-09-01T02:00:00Z') });
  await ensureArchiveKey(kms, directory, 'ECC_NIST_P256');
  const registry = await directory.load();
  published = new KmsPublishedKeys(
    kms,
    async () => [],
    async () => registry.archiveKey,
  );
  queue = new DynamoAnchorQueue(db, LOCAL_TABLES.cases);
  archive = new S3AnchorArchive(s3, ARCHIVE);
  const signer = new KmsSealSigner(kms);
  anchoring = (now, lagSeconds = 60, maxLeaves) =>
    new CaseAnchoring({
      queue,
      progress: queue,
      archive,
      signer,
      archiveKey: registry.archiveKey!,
      now: () => new Date(now),
      lagSeconds,
      ...(maxLeaves !== undefined ? { maxLeaves } : {}),
    });
  stop = async () => {
    raw.destroy();
    s3.destroy();
    kms.destroy();
    await Promise.all([dynamo.close(), s3rver.close(), localKms.close()]);
  };
});

afterAll(async () => {
  await stop?.();
  await rm(dir, { recursive: true, force: true });
});

const on = (date: string, minute = 0): CaseContext => ({ actor: MARKET, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar });
/** A case's history (filed, then accepted) and its states, numbered `caseNo`. */
function aCase(caseNo: string): { states: CaseState[]; entries: CaseHistoryEntry[] } {
  const filed = fileCase(
    {
      caseNo,
      item: { code: FOOD.implementationCode, version: 1, guide: FOOD },
      applicant: ZHANG,
      form: {},
      materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局图'), 食品安全管理制度文本: upload('制度') },
    },
    { ...on('2026-09-29'), actor: PORTAL },
  );
  const accepted = runCase(filed, [{ action: 'accept' }, on('2026-09-30')]);
  return { states: [filed.state, accepted.state], entries: accepted.entries };
}
/** The head of `state` written at `changedAt`, as the case store writes it (only over an older version). */
async function writeHead(state: CaseState, changedAt: string): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: LOCAL_TABLES.cases,
      Item: listingItems(state, changedAt).head,
      ConditionExpression: 'attribute_not_exists(pk) OR #v < :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': state.version },
    }),
  );
}
const ms = (base: string, plus: number) => new Date(Date.parse(base) + plus).toISOString();

describe('the anchor queue (anchorQueue index, keys only)', () => {
  it('lists each head once by the time it was written at its version, in (after, through] exactly; a newer version moves it', async () => {
    const a = aCase('20260929QUEUEAAAAA');
    const b = aCase('20260929QUEUEBBBBB');
    await writeHead(a.states[0]!, '2026-09-29T02:00:00.000Z');
    await writeHead(b.states[0]!, '2026-09-29T02:00:00.001Z');
    const window = await queue.changedHeads('2026-09-29T02:00:00.000Z', '2026-09-29T02:00:00.001Z', 100);
    expect(window.heads.map((h) => [h.caseNo, h.version])).toEqual([[b.states[0]!.caseNo, 1]]);
    expect((await queue.changedHeads(null, '2026-09-29T02:00:00.001Z', 100)).heads.map((h) => h.caseNo)).toEqual([a.states[0]!.caseNo, b.states[0]!.caseNo]);
    // Accepted later: the head moves to its new time, with its new version and entry hash.
    await writeHead(a.states[1]!, '2026-09-29T03:00:00.000Z');
    expect((await queue.changedHeads(null, '2026-09-29T02:30:00.000Z', 100)).heads.map((h) => h.caseNo)).toEqual([b.states[0]!.caseNo]);
    expect((await queue.changedHeads('2026-09-29T02:30:00.000Z', '2026-09-29T03:00:00.000Z', 100)).heads).toEqual([
      { caseNo: a.states[1]!.caseNo, version: 2, hash: a.entries[1]!.hash, changedAt: '2026-09-29T03:00:00.000Z' },
    ]);
    // The index holds the keys alone, not the state.
    const listed = await db.send(
      new QueryCommand({
        TableName: LOCAL_TABLES.cases,
        IndexName: CASES_TABLE.indexes.anchorQueue.name,
        KeyConditionExpression: 'anchorPk = :pk',
        ExpressionAttributeValues: { ':pk': String(listingItems(a.states[1]!).head.anchorPk) },
      }),
    );
    for (const item of listed.Items ?? []) expect(Object.keys(item).sort()).toEqual(['anchorPk', 'anchorSk', 'pk', 'sk']);
  });

  it('bounds a window: past `limit` heads it answers an earlier end holding every head up to it, and the next window the rest, none twice', async () => {
    const base = '2026-10-01T00:00:00.000Z';
    const cases = Array.from({ length: 60 }, (_, i) => aCase(`20261001LIMIT${String(i).padStart(5, '0')}`));
    // Two heads a millisecond for the first 40 (ties at the cut), one after.
    for (const [i, c] of cases.entries()) await writeHead(c.states[0]!, ms(base, i < 40 ? Math.floor(i / 2) : i));
    const after = ms(base, -1);
    const through = ms(base, 1000);
    // 25: more than that in all, no shard stopped; 5: shards stop at the limit (8 shards, 60 heads).
    for (const limit of [25, 5]) {
      const seen: string[] = [];
      let from = after;
      for (let round = 0; round < 40 && from < through; round++) {
        const page = await queue.changedHeads(from, through, limit);
        expect(page.heads.length).toBeLessThanOrEqual(limit);
        expect(page.heads.every((h) => h.changedAt > from && h.changedAt <= page.through)).toBe(true);
        seen.push(...page.heads.map((h) => h.caseNo));
        from = page.through;
      }
      expect(from).toBe(through);
      expect(seen.sort()).toEqual(cases.map((c) => c.states[0]!.caseNo).sort());
    }
  });

  it('is created with the cases table; a table made before it is named at start (dynalite adds no index to a table)', async () => {
    expect(await ensureTables(raw, LOCAL_TABLES)).toEqual([]);
    const old = { items: 'old-items', directory: 'old-directory', cases: 'old-cases' };
    await raw.send(
      new CreateTableCommand({
        TableName: old.cases,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: ['pk', 'sk', 'deptPk', 'deptSk'].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'departmentQueue',
            KeySchema: [
              { AttributeName: 'deptPk', KeyType: 'HASH' },
              { AttributeName: 'deptSk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    expect(await ensureTables(raw, old)).toEqual(['old-cases/channelCases', 'old-cases/supervision', 'old-cases/licenceHolder', 'old-cases/anchorQueue']);
  });

  it('keeps the hint of the newest journal', async () => {
    await queue.recordHint({ key: 'anchors/journals/2026/10/01/20261001T000000000Z.json', sha256: 'a'.repeat(64) });
    expect(await queue.hint()).toEqual({ key: 'anchors/journals/2026/10/01/20261001T000000000Z.json', sha256: 'a'.repeat(64) });
  });
});

describe('anchoring on dynalite, s3rver and the local KMS signer', () => {
  it('writes a sealed journal of the heads that changed, which verifies with the published keys, and finds a history rewritten after it', async () => {
    // Prepare: three cases changed in November, one of them twice.
    const cases = ['20261102ANCHORAAAA', '20261102ANCHORBBBB', '20261102ANCHORCCCC'].map(aCase);
    await writeHead(cases[0]!.states[0]!, '2026-11-02T01:00:00.000Z');
    await writeHead(cases[1]!.states[1]!, '2026-11-02T01:00:01.000Z');
    await writeHead(cases[0]!.states[1]!, '2026-11-02T01:00:02.000Z');
    await writeHead(cases[2]!.states[0]!, '2026-11-02T01:00:03.000Z');

    // Act: the first journal, up to 01:05 (with the heads the tests above wrote).
    const report = await anchoring('2026-11-02T01:10:00.000Z', 300).run();
    const key = report.journal!.key;
    const journal = parseJournal((await archive.get(key))!);

    // Assess
    expect(journal.window.through).toBe('2026-11-02T01:05:00.000Z');
    expect(await archive.get(journalSealKey(key))).toBeDefined();
    const jwks = await published.jwks();
    const evidenceOf = async (caseNo: string): Promise<AnchorEvidence[]> => {
      const { keys } = await archive.list(caseProofsPrefix(caseNo), { limit: 100 });
      return Promise.all(
        keys.map(async (proofKey) => {
          const proof = (await archive.get(proofKey))!;
          const named = parseProof(proof).journal;
          const [j, seal] = await Promise.all([archive.get(named), archive.get(journalSealKey(named))]);
          return { proofKey, proof, ...(j ? { journal: j } : {}), ...(seal ? { seal } : {}) };
        }),
      );
    };
    const a = cases[0]!;
    const evidence = await evidenceOf(a.states[0]!.caseNo);
    expect(evidence).toHaveLength(1);
    expect(auditCaseAnchors(a.states[0]!.caseNo, a.entries, evidence, jwks)).toMatchObject({ passed: true, newestAnchored: 2 });
    // Rewritten after the journal: the second entry forged, its hash recomputed (the chain still holds).
    const { hash: _h, ...second } = { ...a.entries[1]!, at: '2026-09-30T09:00:00.000Z' };
    const forged = [a.entries[0]!, { ...second, hash: hashCaseEntry(second) }];
    const audit = auditCaseAnchors(a.states[0]!.caseNo, forged, evidence, jwks);
    expect(audit.chain.ok).toBe(true);
    expect(audit.findings).toEqual([expect.objectContaining({ code: 'ENTRY_MISMATCH', version: 2, journal: key })]);
    // Nothing changed since: the next run writes nothing.
    expect((await anchoring('2026-11-02T01:20:00.000Z', 300).run()).journal).toBeUndefined();
  });
});
