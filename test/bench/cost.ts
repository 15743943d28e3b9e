// The AWS cost of a case (issue 21's budgets), measured, not assumed (run in a process of its own:
// `node --import tsx test/bench/cost.ts`; run.ts does). An embedded platform in this process, every
// stand-in behind the operation counter (aws-meter.ts: every request every function sends, and every
// presigned PUT, counted at the wire by service and operation; every function's runs timed), and this
// bench as the load generator: a channel and the departments through the signed API, BENCH_COST_CASES
// cases (default 20) of each kind, one after another —
//   - single department (食品经营许可证核发, market): materials uploaded, filed, accepted, approved; the
//     decision, the licence and the seals made and the case archived by the functions it starts;
//   - joint (the seeded joint item: market leads, health and fire give opinions — 3 departments):
//     likewise, with each co-department's opinion once its branch of the execution waits for it;
// each with the bench's small files and with 2 MB of materials a case (split over its required ones).
// A warm-up case of each kind runs first, uncounted (module loads).
//
// Priced at us-east-1 list prices (aws-prices.ts), per 1,000 cases: API Gateway REST and WAF requests
// (counted at this client); Lambda requests and GB-seconds (each function's memory from its manifest,
// arm64; duration = its handler's time measured here, on this machine, with the stand-ins' latency in
// place of AWS's: indicative); DynamoDB write units (each item write sized before and after, each index
// written, aws-units.ts), read units, and storage for 10 years (each item and index entry the cases
// left, with 100 bytes each; items with a TTL until it) plus point-in-time recovery; S3 requests by
// storage class, and storage for 10 years of every object the cases left, each as the lifecycle keeps
// it (aws-units.ts objectStays, from the bucket layout); Step Functions state transitions (the
// executions' own count); KMS requests (Sign and GetPublicKey asymmetric) and key-months spread over
// BENCH_COST_MONTHLY_CASES cases a month (default 100,000); EventBridge events and their archive; SQS
// requests of the queue functions (send, receive, delete per event); CloudWatch Logs: what the functions
// log at the deployed level (INFO), counted here, and estimates for what AWS logs itself (below).
// Not counted: data transfer, AWS Backup copies, CloudTrail, alarms, the scheduled functions' runs (the
// sweep, the anchoring, the publication: fixed per interval, not per case), free tiers, Lambda init time.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListKeysCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTION_MANIFESTS, manifestsTriggeredBy } from '../../functions/manifests.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { LOCAL_TABLES } from '../../infra/local/local-dynamodb.ts';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { LOCAL_ARCHIVE_BUCKET, LOCAL_MATERIALS_BUCKET, startPlatform } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { CASE_EVENT_ARCHIVE_DAYS } from '../../infra/stacks/data-stack.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { CASES_TABLE, DIRECTORY_TABLE, EVENTS_TABLE, FEEDBACK_TABLE, ITEMS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { jointExecutionName } from '../../shared/contracts/joint-workflow.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { actingKeys } from '../support/acting-keys.ts';
import { API_GATEWAY, CLOUDWATCH_LOGS, DYNAMODB, EVENTBRIDGE, GB, KMS, LAMBDA, S3, SQS, STEP_FUNCTIONS } from './aws-prices.ts';
import type { S3StorageClass } from './aws-prices.ts';
import type { Metered } from './aws-meter.ts';
import { AwsMeter } from './aws-meter.ts';
import type { BucketRole, Item, TableShape } from './aws-units.ts';
import { objectStays, objectStorageDollars, storageDollars, storedItemBytes } from './aws-units.ts';
import { upload } from './cases.ts';
import { table } from './figures.ts';

const CASES = Number(process.env.BENCH_COST_CASES ?? 20);
const MONTHLY_CASES = Number(process.env.BENCH_COST_MONTHLY_CASES ?? 100_000);
/** Storage is counted for ten years. */
const HORIZON_DAYS = 10 * 365.25;
const MATERIALS_BYTES = 2 * 1024 * 1024;
/** The online keeping of a case's items after archiving that the report's "what if" line assumes (not a setting of the platform: nothing is decided). */
const ONLINE_DAYS_AFTER_ARCHIVE = 365;

/**
 * What AWS logs itself, estimated (bytes of one log event each, typical sizes): Lambda's START, END and
 * REPORT lines per run; API Gateway's access log line (infra/constructs/tongban-api.ts's format) and its
 * execution log at INFO (about a dozen lines a request); Step Functions' log at ALL without execution
 * data (infra/constructs/joint-handling.ts: about two events per state transition).
 */
const LOGGED = {
  lambdaRunEvents: 3,
  lambdaRunBytes: 330,
  apiAccessBytes: 450,
  apiExecutionEvents: 12,
  apiExecutionBytes: 2000,
  stepFunctionsEventsPerTransition: 2,
  stepFunctionsEventBytes: 350,
};

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const JOINT = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000199001000'))!;
const PRINCIPAL_OF: Record<string, string> = {
  [DEPARTMENTS.health.id]: 'health',
  [DEPARTMENTS.fire.id]: 'fire',
  [DEPARTMENTS.housing.id]: 'housing',
  [DEPARTMENTS.police.id]: 'police',
};
const first17 = '53010219800101001';
const APPLICANT = { kind: 'person', residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' };

/** The AWS tables (the stand-ins' own, for Step Functions' executions and the bus's log, are not AWS's). */
const TABLE_LAYOUTS: Record<string, { partitionKey: string; ttlAttribute?: string }> = {
  [LOCAL_TABLES.items]: ITEMS_TABLE,
  [LOCAL_TABLES.directory]: DIRECTORY_TABLE,
  [LOCAL_TABLES.cases]: CASES_TABLE,
  [LOCAL_TABLES.events]: EVENTS_TABLE,
  [LOCAL_TABLES.supervision]: SUPERVISION_TABLE,
  [LOCAL_TABLES.statistics]: STATISTICS_TABLE,
  [LOCAL_TABLES.feedback]: FEEDBACK_TABLE,
};

interface Kind {
  label: string;
  joint: boolean;
  materialsBytes: number | 'small';
  budget: number;
}

const KINDS: Kind[] = [
  { label: 'single department, small files', joint: false, materialsBytes: 'small', budget: 0.15 },
  { label: 'joint (3 departments), small files', joint: true, materialsBytes: 'small', budget: 0.4 },
  { label: 'single department, 2 MB of materials', joint: false, materialsBytes: MATERIALS_BYTES, budget: 0.6 },
  { label: 'joint (3 departments), 2 MB of materials', joint: true, materialsBytes: MATERIALS_BYTES, budget: 1.2 },
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function benchCost(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tongban-bench-cost-'));
  const meter = new AwsMeter();
  const offset = new Date('2026-09-01T02:00:00Z').getTime() - Date.now();
  const now = () => new Date(Date.now() + offset);
  // The functions log as deployed (infra/constructs/tongban-function.ts): what they write is counted.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const platform = await startPlatform({ dataDir, port: 0, scheduleIntervalMs: 0, deliveryIntervalMs: 0, now, observe: meter.observer });
  const region = platform.region;
  const dynamo = new DynamoDBClient({ endpoint: meter.direct.get('dynamodb')!, region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const s3 = new S3Client({ endpoint: meter.direct.get('s3')!, region, forcePathStyle: true, credentials: platform.runtimeCredentials });
  const cases = new DynamoCaseStore(DynamoDBDocumentClient.from(dynamo), LOCAL_TABLES.cases);
  let apiRequests = 0;
  const as = (name: string) => {
    const client = new ApiClient({ endpoint: platform.endpoint, region, credentials: actingKeys(platform.credentials, name) });
    const request = client.request.bind(client);
    client.request = (...args: Parameters<typeof request>) => {
      if (meter.counting) apiRequests++;
      return request(...args);
    };
    return client;
  };
  const logs = captureLogs();
  logs.install();
  try {
    const shapes = new Map(await Promise.all(Object.keys(TABLE_LAYOUTS).map(async (name) => [name, await meter.tableShape(name)] as const)));
    const keys =
      (await new KMSClient({ endpoint: meter.direct.get('kms')!, region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }).send(new ListKeysCommand({}))).Keys
        ?.length ?? 0;
    const results: Result[] = [];
    for (const kind of KINDS) {
      await runCase(platform, as, cases, kind); // warm-up, uncounted
      await platform.caseEvents.drained();
      const before = await snapshot(dynamo, s3, shapes, now);
      meter.take();
      apiRequests = 0;
      logs.start();
      meter.counting = true;
      let transitions = 0;
      let entries = 0;
      for (let i = 0; i < CASES; i++) {
        const run = await runCase(platform, as, cases, kind);
        transitions += run.transitions;
        entries += run.entries;
      }
      await platform.caseEvents.drained();
      meter.counting = false;
      const logged = logs.stop();
      const m = meter.take();
      const after = await snapshot(dynamo, s3, shapes, now);
      const perCase: PerCase = { api: apiRequests / CASES, transitions: transitions / CASES, entries: entries / CASES, m, logged };
      const rows = price(perCase, before, after, meter.objectClasses, keys);
      const storage = [...after.dynamoByKind].map(([k, v]) => {
        const was = before.dynamoByKind.get(k);
        return [k, ((v.dollars - (was?.dollars ?? 0)) * 1000) / CASES, (v.bytes - (was?.bytes ?? 0)) / CASES] as [string, number, number];
      });
      const stored = rows.filter(([label]) => (STORAGE_LINES as readonly string[]).includes(label)).reduce((n, [, v]) => n + v, 0);
      const onlineCapped = ((after.dynamoOnlineCapped - before.dynamoOnlineCapped) * 1000) / CASES;
      results.push({ kind, rows, total: rows.reduce((n, [, v]) => n + v, 0), perCase, storage, stored, onlineCapped });
    }
    report(results, keys);
  } finally {
    logs.uninstall();
    dynamo.destroy();
    s3.destroy();
    await platform.close();
    await meter.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface Result {
  kind: Kind;
  rows: [string, number][];
  total: number;
  perCase: PerCase;
  /** DynamoDB storage and PITR for the horizon by item kind: dollars per 1,000 cases, and bytes stored a case (items and index entries). */
  storage: [string, number, number][];
  /** Dollars per 1,000 cases of the storage lines alone (DynamoDB, PITR, S3), and of DynamoDB storage and PITR with a case's items kept online ONLINE_DAYS_AFTER_ARCHIVE. */
  stored: number;
  onlineCapped: number;
}

interface PerCase {
  api: number;
  /** Step Functions state transitions a case. */
  transitions: number;
  /** History entries (the case's transitions) a case. */
  entries: number;
  m: Metered;
  logged: { bytes: number; events: number };
}

/** One case of `kind`, from upload to archive; answers its execution's state transitions and its history entries. */
async function runCase(platform: RunningPlatform, as: (name: string) => ApiClient, store: DynamoCaseStore, kind: Kind): Promise<{ transitions: number; entries: number }> {
  const item = kind.joint ? JOINT : FOOD;
  const required = item.materials.filter((m) => m.required);
  const portal = as('portal');
  const materials: Json = {};
  for (const m of required) {
    const content =
      kind.materialsBytes === 'small'
        ? `${m.name} ${randomUUID()}`
        : Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(Math.floor(kind.materialsBytes / required.length) - 16), Buffer.from('\n%%EOF\n')]);
    materials[m.name] = await upload(portal, content);
  }
  const filed = await portal.request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: item.implementationCode, applicant: APPLICANT, form: {}, materials },
  });
  if (filed.status !== 201) throw new Error(`filing: ${filed.status} ${JSON.stringify(filed.body)}`);
  // Each action's events handled before the next is sent: the functions' times overlap less.
  await platform.caseEvents.drained();
  const ok = async (answer: Promise<{ status: number; body: unknown }>, what: string) => {
    const res = await answer;
    if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    await platform.caseEvents.drained();
  };
  const caseNo = (filed.body as Json).caseNo as string;
  const lead = as('market');
  let execution: Promise<{ stateTransitions: number }> | undefined;
  if (kind.joint) {
    const executionArn = `${platform.jointStateMachineArn.replace(':stateMachine:', ':execution:')}:${jointExecutionName(caseNo)}`;
    const coDepartments = item.jointHandling!.coDepartments.map((c) => c.departmentId);
    const waiting = branchesWaiting(platform, executionArn, coDepartments.length);
    await ok(lead.request('POST', `/v1/cases/${caseNo}/accept`, { body: {} }), 'accepting');
    await waiting;
    for (const dept of coDepartments) await ok(as(PRINCIPAL_OF[dept]!).request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } }), 'an opinion');
    execution = platform.stepFunctions.waitForExecution(executionArn);
  } else await ok(lead.request('POST', `/v1/cases/${caseNo}/accept`, { body: {} }), 'accepting');
  await ok(lead.request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved', reasons: ['符合条件'] } }), 'deciding');
  // Sealed and archived by the functions the decision starts: read from the table directly (uncounted).
  for (let i = 0; (await store.get(caseNo))?.archive?.state !== 'archived'; i++) {
    if (i > 3000) throw new Error(`case ${caseNo} was not archived`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const transitions = execution ? (await execution).stateTransitions : 0;
  let entries = 0;
  for await (const _ of store.entries(caseNo)) entries++;
  return { transitions, entries };
}

/** Resolves once every co-department's branch of the execution waits for its opinion (its task token announced). */
function branchesWaiting(platform: RunningPlatform, executionArn: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const listener = ({ executionArn: arn }: { executionArn: string }) => {
      if (arn === executionArn && ++seen === n) {
        platform.stepFunctions.events.off('task-token', listener);
        resolve();
      }
    };
    platform.stepFunctions.events.on('task-token', listener);
  });
}

interface Snapshot {
  /** GB-month-weighted dollars of the items kept (storage, PITR), for the horizon from now. */
  dynamoStorage: number;
  dynamoPitr: number;
  /**
   * The same storage and PITR dollars if a case's own items in the cases table (`CASE#…`: its head, its
   * history pages, its task and finding items) were kept online ONLINE_DAYS_AFTER_ARCHIVE at most, the
   * archive bundle keeping the case after that: a records decision not taken (see report()).
   */
  dynamoOnlineCapped: number;
  /** Storage and PITR dollars, and bytes stored (items and index entries), by item kind (`<table> <key prefixes>`, tables without `tongban-local-`). */
  dynamoByKind: Map<string, { dollars: number; bytes: number }>;
  /** Objects by `<bucket role>/<key>` and their sizes. */
  objects: Map<string, { bucket: BucketRole; key: string; size: number }>;
}

/** What the AWS tables and the buckets hold now, read from the stand-ins directly (uncounted). */
async function snapshot(dynamo: DynamoDBClient, s3: S3Client, shapes: Map<string, TableShape>, now: () => Date): Promise<Snapshot> {
  let dynamoStorage = 0;
  let dynamoPitr = 0;
  let dynamoOnlineCapped = 0;
  const dynamoByKind = new Map<string, { dollars: number; bytes: number }>();
  const nowSeconds = now().getTime() / 1000;
  for (const [tableName, shape] of shapes) {
    const ttl = TABLE_LAYOUTS[tableName]?.ttlAttribute;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start as never }));
      for (const item of (page.Items ?? []) as Item[]) {
        const expires = ttl && item[ttl]?.N !== undefined ? Number(item[ttl].N) : undefined;
        const days = expires === undefined ? HORIZON_DAYS : Math.min(HORIZON_DAYS, Math.max(0, (expires - nowSeconds) / 86400));
        const bytes = storedItemBytes(shape, item);
        const stored = storageDollars(bytes, days, DYNAMODB.storageGbMonth);
        const pitr = storageDollars(storedItemBytes({ keys: shape.keys, indexes: [] }, item), days, DYNAMODB.pitrGbMonth);
        dynamoStorage += stored;
        dynamoPitr += pitr;
        const caseOwn = tableName === LOCAL_TABLES.cases && String(item.pk?.S).startsWith('CASE#');
        const onlineDays = caseOwn ? Math.min(days, ONLINE_DAYS_AFTER_ARCHIVE) : days;
        dynamoOnlineCapped += caseOwn ? ((stored + pitr) * onlineDays) / Math.max(days, 1e-9) : stored + pitr;
        const kind = `${tableName.replace('tongban-local-', '')} ${itemKind(item)}`;
        const sofar = dynamoByKind.get(kind) ?? { dollars: 0, bytes: 0 };
        dynamoByKind.set(kind, { dollars: sofar.dollars + stored + pitr, bytes: sofar.bytes + bytes });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  const objects = new Map<string, { bucket: BucketRole; key: string; size: number }>();
  for (const [bucket, name] of [
    ['materials', LOCAL_MATERIALS_BUCKET],
    ['archive', LOCAL_ARCHIVE_BUCKET],
  ] as const) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token }));
      for (const o of page.Contents ?? []) objects.set(`${name}/${o.Key}`, { bucket, key: o.Key!, size: o.Size ?? 0 });
      token = page.NextContinuationToken;
    } while (token);
  }
  return { dynamoStorage, dynamoPitr, dynamoOnlineCapped, dynamoByKind, objects };
}

/** The lines of price() that are storage kept for the horizon (the rest is paid per request or per month). */
const STORAGE_LINES = ['DynamoDB storage, 10 years', 'DynamoDB point-in-time recovery, 10 years', 'S3 storage, 10 years'] as const;

/** An item's kind: the leading word of its partition and sort keys (`CASE#…`, `EVT#…` → `CASE EVT`). */
function itemKind(item: Item): string {
  const word = (v: Item[string] | undefined) => (v?.S ?? v?.N ?? '').split('#')[0]!.replace(/[0-9].*$/, '');
  return `${word(item.pk)} ${word(item.sk)}`.trim();
}

/** Dollars per 1,000 cases by line. */
function price(c: PerCase, before: Snapshot, after: Snapshot, classes: ReadonlyMap<string, S3StorageClass>, keys: number): [string, number][] {
  const k = 1000 / CASES; // from this run's CASES cases to 1,000
  const { m } = c;
  const sum = <T>(xs: Iterable<T>, f: (x: T) => number) => [...xs].reduce((n, x) => n + f(x), 0);
  const runs = sum(m.invocations.values(), (i) => i.runs);
  const gbSeconds = sum(m.invocations, ([name, i]) => ((FUNCTION_MANIFESTS[name].limits.memoryMb ?? LAMBDA.defaultMemoryMb) / 1024) * (i.ms / 1000));
  const queueRuns = sum(
    manifestsTriggeredBy('queue').map((q) => q.name),
    (name: LambdaName) => m.invocations.get(name)?.runs ?? 0,
  );
  const s3Requests = sum(m.s3.requests, ([key, n]) => {
    const [cls, tier] = key.split(' ') as [S3StorageClass, 'write' | 'read'];
    return n * S3[cls][tier];
  });
  const s3Retrieval = sum(m.s3.readBytes, ([cls, bytes]) => (bytes / GB) * S3[cls].retrievalGb);
  let s3Storage = 0;
  for (const [id, o] of after.objects) {
    if (before.objects.has(id)) continue;
    const stays = objectStays(o.bucket, o.key, classes.get(id) ?? 'STANDARD', HORIZON_DAYS);
    s3Storage += objectStorageDollars(o.size, stays);
    // A lifecycle transition into each later class is a request of that class.
    s3Storage += sum(stays.slice(1), (s) => S3[s.storageClass].write);
  }
  const kmsRequests = sum(m.kms, ([op, n]) => n * (['Sign', 'Verify', 'GetPublicKey'].includes(op) ? KMS.asymmetricRequest : KMS.symmetricRequest));
  const apiLogBytes = c.api * (LOGGED.apiAccessBytes + LOGGED.apiExecutionBytes) * CASES;
  const apiLogEvents = c.api * (1 + LOGGED.apiExecutionEvents) * CASES;
  const sfnLogEvents = c.transitions * LOGGED.stepFunctionsEventsPerTransition * CASES;
  const logBytes =
    c.logged.bytes +
    runs * LOGGED.lambdaRunBytes +
    apiLogBytes +
    sfnLogEvents * LOGGED.stepFunctionsEventBytes +
    (c.logged.events + runs * LOGGED.lambdaRunEvents + apiLogEvents + sfnLogEvents) * CLOUDWATCH_LOGS.eventOverheadBytes;
  const logDays = logRetentionDays();
  return [
    ['API Gateway REST + WAF requests', c.api * CASES * (API_GATEWAY.restRequest + API_GATEWAY.wafRequest) * k],
    ['Lambda requests', runs * LAMBDA.request * k],
    ['Lambda duration (GB-s, measured here)', gbSeconds * LAMBDA.gbSecond * k],
    ['DynamoDB write units (with indexes)', (m.dynamo.tableWriteUnits + m.dynamo.indexWriteUnits) * DYNAMODB.writeUnit * k],
    ['DynamoDB read units', m.dynamo.readUnits * DYNAMODB.readUnit * k],
    [STORAGE_LINES[0], (after.dynamoStorage - before.dynamoStorage) * k],
    [STORAGE_LINES[1], (after.dynamoPitr - before.dynamoPitr) * k],
    ['S3 requests', (s3Requests + s3Retrieval) * k],
    [STORAGE_LINES[2], s3Storage * k],
    ['Step Functions transitions', c.transitions * CASES * STEP_FUNCTIONS.transition * k],
    ['KMS requests', kmsRequests * k],
    [`KMS keys (${keys} seal and archive keys, ${MONTHLY_CASES.toLocaleString('en')} cases a month)`, ((keys * KMS.keyMonth) / MONTHLY_CASES) * 1000],
    [
      'EventBridge events + archive',
      (m.events.entries * EVENTBRIDGE.event + (m.events.bytes / GB) * (EVENTBRIDGE.archiveGb + (CASE_EVENT_ARCHIVE_DAYS / (365.25 / 12)) * EVENTBRIDGE.archiveGbMonth)) * k,
    ],
    ['SQS (queue functions: send, receive, delete)', queueRuns * 3 * SQS.request * k],
    [`CloudWatch Logs (ingest, ${logDays} days kept)`, ((logBytes / GB) * CLOUDWATCH_LOGS.ingestGb + storageDollars(logBytes, logDays, CLOUDWATCH_LOGS.storeGbMonth)) * k],
  ];
}

function report(results: Result[], keys: number): void {
  console.log(
    `\nAWS cost per 1,000 cases (us-east-1 list prices, test/bench/aws-prices.ts; ${CASES} cases of each kind measured, every request at the wire; Lambda time measured on this machine; ${keys} KMS keys)`,
  );
  const usd = (x: number) => `$${x.toFixed(4)}`;
  const lines = results[0]!.rows.map(([label], i) => [label, ...results.map((r) => usd(r.rows[i]![1]))]);
  lines.push(['total', ...results.map((r) => usd(r.total))]);
  lines.push(['budget', ...results.map((r) => `$${r.kind.budget.toFixed(2)}`)]);
  lines.push(['within budget', ...results.map((r) => (r.total <= r.kind.budget ? 'yes' : 'NO'))]);
  // What the budgets would take, from this run's figures: decisions the platform has not taken, printed, not made.
  lines.push(['per request and month alone (every line but storage)', ...results.map((r) => usd(r.total - r.stored))]);
  lines.push([
    `total if a case's items left DynamoDB ${ONLINE_DAYS_AFTER_ARCHIVE} days after archiving (not decided)`,
    ...results.map((r) => {
      const dynamoStored = r.rows.filter(([label]) => label === STORAGE_LINES[0] || label === STORAGE_LINES[1]).reduce((n, [, v]) => n + v, 0);
      return usd(r.total - dynamoStored + r.onlineCapped);
    }),
  ]);
  table(lines, ['', ...results.map((r) => r.kind.label.replace('departments', 'depts').replace(' of materials', ''))]);

  console.log('\nper case, as counted');
  const per = (f: (c: PerCase) => number, digits = 1) => results.map((r) => f(r.perCase).toFixed(digits));
  const d = (c: PerCase) => c.m.dynamo;
  table(
    [
      ['transitions (history entries)', ...per((c) => c.entries)],
      ['DynamoDB item writes (all tables)', ...per((c) => d(c).itemWrites / CASES)],
      ['  per transition (budget ≤ 1.3)', ...per((c) => d(c).itemWrites / CASES / c.entries, 2)],
      ['  of the cases table, per transition', ...per((c) => (c.m.tables.get(LOCAL_TABLES.cases)?.writes ?? 0) / CASES / c.entries, 2)],
      ['  write units with indexes', ...per((c) => (d(c).tableWriteUnits + d(c).indexWriteUnits) / CASES)],
      ['  write units per transition', ...per((c) => (d(c).tableWriteUnits + d(c).indexWriteUnits) / CASES / c.entries, 2)],
      ['  index entries written', ...per((c) => d(c).indexWrites / CASES)],
      ['  refused conditional writes', ...per((c) => d(c).refusedWrites / CASES)],
      ['DynamoDB read units', ...per((c) => d(c).readUnits / CASES)],
      ['Step Functions state transitions (budget ≤ 6 joint)', ...per((c) => c.transitions)],
      ['API requests', ...per((c) => c.api)],
      ['Lambda runs', ...per((c) => sumRuns(c.m) / CASES)],
      ['KMS requests', ...per((c) => [...c.m.kms.values()].reduce((a, b) => a + b, 0) / CASES)],
      ['EventBridge events', ...per((c) => c.m.events.entries / CASES)],
      ['bytes the functions logged (INFO)', ...per((c) => c.logged.bytes / CASES, 0)],
    ],
    ['', ...results.map((_, i) => `kind ${i + 1}`)],
  );
  for (const [i, r] of results.entries()) {
    const tables = [...r.perCase.m.tables]
      .map(([t, v]) => `${t.replace('tongban-local-', '')} ${(v.writes / CASES).toFixed(1)} (${(v.units / CASES).toFixed(1)} units)`)
      .join(', ');
    const requests = [...r.perCase.m.requests]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op} ${(n / CASES).toFixed(1)}`)
      .join(', ');
    const functions = [...r.perCase.m.invocations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, v]) => `${name} ${(v.runs / CASES).toFixed(1)}×${(v.ms / v.runs).toFixed(0)} ms`)
      .join(', ');
    const storage = r.storage
      .filter(([, v]) => v >= 0.005)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v, bytes]) => `${k} $${v.toFixed(2)} (${(bytes / 1000).toFixed(1)} KB)`)
      .join(', ');
    console.log(
      `  kind ${i + 1} (${r.kind.label}), per case:\n    item writes by table: ${tables}\n    requests: ${requests}\n    function runs: ${functions}\n    DynamoDB storage + PITR per 1,000 cases by item kind (bytes stored a case, index entries included): ${storage}`,
    );
  }
}

function sumRuns(m: Metered): number {
  return [...m.invocations.values()].reduce((n, i) => n + i.runs, 0);
}

/** The log groups' retention as cdk.json configures it (config logRetentionDays). */
function logRetentionDays(): number {
  const cdk = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: { tongban?: { logRetentionDays?: number } } };
  return cdk.context?.tongban?.logRetentionDays ?? 365;
}

/**
 * The functions' log lines: from `install` on, the JSON lines (the functions' structured logs) and
 * Powertools' notes that metrics are off are kept from the terminal; between `start` and `stop`, what
 * this process writes to stdout and stderr is counted (the notes aside: on AWS the metrics are on).
 */
function captureLogs(): { install(): void; start(): void; stop(): { bytes: number; events: number }; uninstall(): void } {
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let counted = { bytes: 0, events: 0 };
  let counting = false;
  const counter =
    (write: typeof writes.out) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('No application metrics to publish')) return true;
      if (counting) {
        counted.bytes += Buffer.byteLength(text);
        counted.events += text.split('\n').filter((l) => l.trim() !== '').length;
      }
      if (text.trimStart().startsWith('{')) return true;
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    };
  return {
    install: () => {
      process.stdout.write = counter(writes.out);
      process.stderr.write = counter(writes.err);
    },
    start: () => {
      counted = { bytes: 0, events: 0 };
      counting = true;
    },
    stop: () => {
      counting = false;
      return counted;
    },
    uninstall: () => {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchCost();
}
