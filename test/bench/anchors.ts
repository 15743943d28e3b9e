// The anchoring figures of issue 15 (run in a process of its own: `node --import tsx test/bench/anchors.ts`;
// run.ts does): BENCH_ANCHOR_CASES (default 10,000) case heads written as the case store writes them
// (case-items.ts: listingItems, each with its anchor queue keys) to dynalite, then one anchoring run
// (what each run of the anchoring function does) over them on the real local stand-ins — dynalite, s3rver, the local KMS
// signer — every request counted at its client:
//   - DynamoDB requests of the run, and the read units AWS would bill for them (the index's items as
//     DynamoDB sizes them, names and values, 0.5 unit per 4 KB a page: a GSI query reads eventually
//     consistent); the index writes each head write costs (computed: AWS bills a put in the index, and a
//     delete where the head's index key changes, one unit each under 1 KB);
//   - KMS Sign requests, S3 PUTs, GETs and LISTs, and the bytes written (journal, parts, proofs, seal);
//   - the run's time on the stand-ins;
//   - an auditor's check of one case (`tongban audit anchors verify`'s reads, the API's history aside).
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { listingItems } from '../../shared/adapters/case-items.ts';
import { DynamoAnchorQueue } from '../../shared/adapters/dynamo-anchor-queue.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import { caseProofsPrefix, journalSealKey, parseProof } from '../../shared/domain/anchors/anchor-journal.ts';
import { CaseAnchoring } from '../../shared/domain/anchors/case-anchoring.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { FOOD, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { table } from './figures.ts';

const CASES = Number(process.env.BENCH_ANCHOR_CASES ?? 10_000);
const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

/** Counts each command a client sends, and hands each answer to `seen`. */
function counted(client: { middlewareStack: { add: (mw: never, options: { step: 'initialize'; name: string }) => void } }, seen?: (command: string, output: unknown) => void) {
  const calls = new Map<string, number>();
  const middleware = (next: (args: unknown) => Promise<{ output: unknown }>, context: { commandName?: string }) => async (args: unknown) => {
    const name = context.commandName ?? '?';
    calls.set(name, (calls.get(name) ?? 0) + 1);
    const result = await next(args);
    seen?.(name, result.output);
    return result;
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: `benchCount${randomUUID().slice(0, 8)}` });
  return calls;
}

/** An item's size as DynamoDB bills it: the UTF-8 bytes of each attribute's name and string value. */
function billedBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
}

export async function benchAnchors(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-anchors-'));
  const [dynamo, s3rver, kmsServer] = await Promise.all([
    startDynalite(undefined),
    startS3(join(dir, 's3'), '127.0.0.1', ['bench-anchors']),
    startLocalKms({ dataDir: join(dir, 'kms') }),
  ]);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  const s3 = new S3Client({ endpoint: s3rver.endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const kms = new KMSClient({ endpoint: kmsServer.endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    await ensureTables(raw, LOCAL_TABLES);
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const key = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));

    // 1. The heads: one filed case's state, numbered and hashed apart, written as the store writes heads.
    const { state } = fileCase(
      {
        caseNo: '20261123BENCH00000',
        item: { code: FOOD.implementationCode, version: 1, guide: FOOD },
        applicant: ZHANG,
        form: {},
        materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局图'), 食品安全管理制度文本: upload('制度') },
      },
      { actor: PORTAL, at: '2026-11-23T02:00:00.000Z', today: '2026-11-23', calendar: officialCalendar },
    );
    const start = Date.now() - CASES - 10_000;
    let headBytes = 0;
    let anchorKeyBytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < CASES; i += 64) {
      await Promise.all(
        Array.from({ length: Math.min(64, CASES - i) }, async (_, j) => {
          const caseNo = `20261123${String(i + j).padStart(10, '0')}`;
          const head = listingItems({ ...state, caseNo, hash: createHash('sha256').update(caseNo).digest('hex') }, new Date(start + i + j).toISOString()).head;
          headBytes += billedBytes({ pk: head.pk, sk: head.sk });
          anchorKeyBytes += billedBytes({ anchorPk: head.anchorPk, anchorSk: head.anchorSk });
          await db.send(new PutCommand({ TableName: LOCAL_TABLES.cases, Item: head }));
        }),
      );
    }
    const writeSeconds = (performance.now() - t0) / 1000;

    // 2. One anchoring run over them, every request counted.
    let readUnits = 0;
    const dynamoCalls = counted(raw, (command, output) => {
      if (command !== 'QueryCommand') return;
      // Marshalled ({ S: … }) or not, whichever this middleware sees.
      const items = ((output as { Items?: Record<string, unknown>[] }).Items ?? []).map((i) =>
        Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'string' ? v : ((v as { S?: string }).S ?? '')])),
      );
      readUnits += 0.5 * Math.max(1, Math.ceil(items.reduce((n, i) => n + billedBytes(i), 0) / 4096));
    });
    const s3Calls = counted(s3);
    const kmsCalls = counted(kms);
    const queue = new DynamoAnchorQueue(db, LOCAL_TABLES.cases);
    const archive = new S3AnchorArchive(s3, 'bench-anchors');
    const anchoring = new CaseAnchoring({
      queue,
      progress: queue,
      archive,
      signer: new KmsSealSigner(kms),
      archiveKey: { keyId: key.KeyMetadata!.Arn!, alg: 'ES256' },
      lagSeconds: 0,
    });
    const t1 = performance.now();
    const report = await anchoring.run();
    const runSeconds = (performance.now() - t1) / 1000;
    const journal = report.journal!;
    const runCalls = { dynamo: new Map(dynamoCalls), s3: new Map(s3Calls), kms: new Map(kmsCalls) };

    // 3. An auditor's reads for one case: its proofs listed, each proof, its journal and seal.
    s3Calls.clear();
    const caseNo = `20261123${String(Math.floor(CASES / 2)).padStart(10, '0')}`;
    const { keys } = await archive.list(caseProofsPrefix(caseNo), { limit: 1000 });
    for (const proofKey of keys) {
      const named = parseProof((await archive.get(proofKey))!).journal;
      await Promise.all([archive.get(named), archive.get(journalSealKey(named))]);
    }

    const count = (calls: Map<string, number>, ...names: string[]) => names.reduce((n, name) => n + (calls.get(name) ?? 0), 0);
    const per10k = (n: number) => ((n * 10_000) / journal.count).toFixed(0);
    console.log(`\nanchor journals (issue 15): ${journal.count} case heads changed, one anchoring run (dynalite, s3rver, the local KMS signer)`);
    table(
      [
        [
          'DynamoDB requests of the run (Query, GetItem, PutItem)',
          `${count(runCalls.dynamo, 'QueryCommand')}, ${count(runCalls.dynamo, 'GetItemCommand')}, ${count(runCalls.dynamo, 'PutItemCommand')}`,
          '—',
        ],
        ['DynamoDB read units of the run (anchorQueue, eventually consistent)', readUnits.toFixed(1), per10k(readUnits)],
        ['index writes the heads cost (1 put + 1 delete each, a first head: 1)', `≤ ${2 * journal.count}`, `≤ ${per10k(2 * journal.count)}`],
        ['KMS Sign', String(count(runCalls.kms, 'SignCommand')), per10k(count(runCalls.kms, 'SignCommand'))],
        [
          'S3 PUT (parts + journal + proofs + seal)',
          `${count(runCalls.s3, 'PutObjectCommand')} (${journal.parts} + 1 + ${journal.count} + 1)`,
          per10k(count(runCalls.s3, 'PutObjectCommand')),
        ],
        ['S3 GET, LIST of the run', `${count(runCalls.s3, 'GetObjectCommand')}, ${count(runCalls.s3, 'ListObjectsV2Command')}`, '—'],
        ['journal bytes', String(journal.bytes), '—'],
        ['part bytes (all parts)', String(journal.partBytes), per10k(journal.partBytes)],
        ['proof bytes (all proofs; each)', `${journal.proofBytes}; ${(journal.proofBytes / journal.count).toFixed(0)}`, per10k(journal.proofBytes)],
        ['seal bytes', String(journal.sealBytes), '—'],
        [
          'bytes written in all',
          String(journal.bytes + journal.partBytes + journal.proofBytes + journal.sealBytes),
          per10k(journal.bytes + journal.partBytes + journal.proofBytes + journal.sealBytes),
        ],
        ['anchor keys on each head (bytes, as DynamoDB counts)', (anchorKeyBytes / CASES).toFixed(0), '—'],
        ['the run on the stand-ins (s)', runSeconds.toFixed(1), '—'],
        ["an auditor's check of one case: S3 LIST + GETs", `${count(s3Calls, 'ListObjectsV2Command')} + ${count(s3Calls, 'GetObjectCommand')}`, '—'],
      ],
      ['', 'measured', 'per 10,000 heads'],
    );
    console.log(`  (${CASES} heads written to dynalite in ${writeSeconds.toFixed(1)} s beforehand; head keys ${(headBytes / CASES).toFixed(0)} bytes each)`);
  } finally {
    raw.destroy();
    s3.destroy();
    kms.destroy();
    await Promise.all([dynamo.close(), s3rver.close(), kmsServer.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchAnchors();
}
