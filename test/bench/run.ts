// `npm run bench`: prints the figures the issues set budgets for. Figures, never assertions.
//   - time from `npm start` to ready: first start (empty data directory, seeds) and restart
//   - p50/p95/p99 latency of a signed GET /v1/items and of an item draft (POST /v1/items)
//   - the calendar (issue 13): a year loaded through the API with open cases resting on it, and the
//     cases the next sweep recomputes per second (test/bench/calendar.ts, a process of its own)
//   - the artifacts (issue 12): each Lambda bundle as the CDK synthesis builds it, its size and its
//     handler's load time in a fresh process from an empty folder; the packed CLI (test/bench/bundles.ts)
//   - cases (issue 3): filings per second sustained, and their latency, at a fixed concurrency; with
//     BENCH_CASES cases filed, the latency of a department's queue query and of a filing; the
//     DynamoDB writes of a filing, of each action and of a replayed filing, counted (test/bench/case-writes.ts)
//   - a big case (issue 15): bytes per history entry and per case after 100 actions, and the peak memory
//     of 8 parallel whole-history reads (test/bench/case-size.ts)
//   - joint handling (issue 4): state transitions per case with 1-4 co-departments and their cost; the
//     time from the last opinion to "opinions complete" and to the execution's end (test/bench/joint.ts)
//   - e-seals (issue 5): KMS requests per decided case, the size of a sealed licence, seals per second
//     (test/bench/seals.ts, in a process of its own)
//   - e-archive (issue 6): bundle build throughput and peak memory for a case of 1 GB of files, S3
//     requests and stored bytes per archived case, overhead (test/bench/archive.ts, a process of its own)
//   - anchor journals (issue 15): one anchoring run over BENCH_ANCHOR_CASES changed case heads — DynamoDB
//     requests and read units, KMS signs, S3 PUTs, bytes — and an auditor's reads for one case
//     (test/bench/anchors.ts, a process of its own)
//   - case events: the delay from an action to its webhook at 20 actions/s (p50/p95), events per case,
//     events-table requests per delivery and the AWS cost per 1,000 cases (test/bench/events.ts)
//   - electronic supervision (issue 17): the catalogue's case rules evaluated per second (test/bench/supervision.ts)
//   - statistics (issue 17): DynamoDB requests per case event kept, and the time to answer the public
//     statistics of a month of BENCH_STATISTICS_CASES (default 100,000) cases (test/bench/statistics.ts)
//   - 好差评 (issue 18): p50/p95 of each evaluations route on the embedded platform (test/bench/evaluations.ts)
//   - 咨询投诉 (issue 18): p50/p95 of each tickets route on the embedded platform (test/bench/tickets.ts)
//   - the web console (issue 20): its download (gzip), build time and time to interactive (test/bench/console.ts)
//   - the AWS cost of a case (issue 21): per 1,000 single-department and joint cases, small files and 2 MB of
//     materials, by service at public prices, 10 years' storage included, against the budgets; DynamoDB writes
//     per transition, Step Functions transitions per joint case — every request counted at the wire (test/bench/cost.ts)
//   - hot keys (issue 21): a day of filings (1,000/s peak, 80 % to one department, one channel) replayed
//     through the cases table's key functions, each key family's busiest partition before and after
//     issue 21's shards against 1,000 WU/s and 3,000 RU/s (test/bench/key-load.ts, a process of its own)
//   - the embedded platform (issue 21): filings/s at concurrency 8 with pre-uploaded materials, the platform's
//     CPU ms per filing, a case read's p50 alone and while filings run, its RSS as BENCH_EMBEDDED_FILINGS
//     (default 10000) filings go on (test/bench/embedded.ts)
// Environment: BENCH_REQUESTS (default 300) requests per latency figure, BENCH_STARTS (default 3),
// BENCH_FILING_SECONDS (default 30) and BENCH_CONCURRENCY (default 16) for the filing rate,
// BENCH_CASES (default 10000) cases in the table for the queue figures, BENCH_JOINT_RUNS (default 30)
// joint cases for the last-opinion figures, BENCH_SEAL_RUNS (default 30) decided cases per kind and
// BENCH_SEALS (default 300) seals per seal-rate figure, BENCH_ARCHIVE_MB (default 1024) MB of files
// in the archived case, BENCH_ANCHOR_CASES (default 10000) changed case heads anchored in one run,
// BENCH_COST_CASES (default 20) cases of each kind priced. BENCH_ONLY=<name> runs test/bench/<name>.ts alone
// (one of the parts run in a process of their own: seals, archive, calendar, anchors, events, supervision,
// statistics, evaluations, tickets, console, cost, key-load, embedded).
// BENCH_EMBEDDED_CONCURRENCY (8), BENCH_EMBEDDED_SECONDS (20), BENCH_EMBEDDED_FILINGS (10000) for the embedded platform's figures.
import { actingKeys } from '../support/acting-keys.ts';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialsFile } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { benchBundles } from './bundles.ts';
import { benchCases } from './cases.ts';
import { benchJoint } from './joint.ts';
import { countCaseWrites } from './case-writes.ts';
import { benchCaseSize } from './case-size.ts';
import { percentiles, table, timeEach } from './figures.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
/** The parts run in a process of their own, each of which BENCH_ONLY may name. */
const OWN_PROCESS = [
  'seals',
  'archive',
  'calendar',
  'anchors',
  'events',
  'supervision',
  'statistics',
  'evaluations',
  'tickets',
  'console',
  'cost',
  'key-load',
  'embedded',
] as const;
const ONLY = process.env.BENCH_ONLY;

interface Started {
  endpoint: string;
  ms: number;
  stop: () => Promise<void>;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(`Tongban benchmark · node ${process.version} · ${availableParallelism()} CPUs, load average ${load()} · ${new Date().toISOString()}\n`);
  if (ONLY !== undefined) {
    if (!(OWN_PROCESS as readonly string[]).includes(ONLY)) throw new Error(`BENCH_ONLY=${ONLY}: one of ${OWN_PROCESS.join(', ')}`);
    await runScript(join(ROOT, `test/bench/${ONLY}.ts`));
    console.log(`\nload average now ${load()}`);
    return;
  }

  // 1. npm start → ready
  const first: number[] = [];
  const restart: number[] = [];
  let kept: { dir: string; started: Started } | undefined;
  for (let i = 0; i < STARTS; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-'));
    const a = await npmStart(dir);
    first.push(a.ms);
    await a.stop();
    const b = await npmStart(dir);
    restart.push(b.ms);
    if (i === STARTS - 1) kept = { dir, started: b };
    else {
      await b.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log('npm start → ready (ms)');
  table(
    [
      ['first start (seeds sample data)', ...summary(first)],
      ['restart (existing data)', ...summary(restart)],
    ],
    ['', 'min', 'median', 'max'],
  );

  // 2. latency, through the real HTTP gateway, signing included
  const { dir, started } = kept!;
  const credentials = JSON.parse(await readFile(join(dir, 'credentials.json'), 'utf8')) as CredentialsFile;
  const client = (name: string) => {
    const p = actingKeys(credentials, name);
    return new ApiClient({ endpoint: started.endpoint, region: credentials.region, credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey } });
  };
  const portal = client('portal');
  const market = client('market');
  for (let i = 0; i < 20; i++) await portal.request('GET', '/v1/items'); // warm-up: module caches, keep-alive

  const list = await timeEach(REQUESTS, async () => {
    const res = await portal.request('GET', '/v1/items', { query: { limit: '20' } });
    if (res.status !== 200) throw new Error(`GET /v1/items answered ${res.status}`);
  });
  const draft = await timeEach(REQUESTS, async (i) => {
    const guide = { ...SEED_ITEMS[0]!, implementationCode: `${DEPARTMENTS.market.id}7${String(i).padStart(11, '0')}`, name: `基准测试事项${i}` };
    const res = await market.request('POST', '/v1/items', { body: { guide } });
    if (res.status !== 201) throw new Error(`POST /v1/items answered ${res.status}: ${JSON.stringify(res.body)}`);
  });
  console.log(`\nlatency (ms), ${REQUESTS} sequential signed requests each`);
  table(
    [
      ['GET /v1/items (limit 20)', ...percentiles(list)],
      ['POST /v1/items (draft)', ...percentiles(draft)],
    ],
    ['', 'p50', 'p95', 'p99', 'max'],
  );

  // 3. cases, on the same platform: filing rate, then the queue with BENCH_CASES cases filed
  await benchCases(client);
  await started.stop();
  await rm(dir, { recursive: true, force: true });

  // 4. DynamoDB writes per transition, counted on an in-process case store
  await countCaseWrites();
  await benchCaseSize();

  // 5. joint handling, on an embedded platform in this process
  await benchJoint();

  // 6. e-seals, on an embedded platform in a process of its own
  await runScript(join(ROOT, 'test/bench/seals.ts'));

  // 7. e-archive, in a process of its own (its peak memory is the figure)
  await runScript(join(ROOT, 'test/bench/archive.ts'));

  // 8. the calendar as operated data: a load of 2027 and the sweep's pass over the open cases
  await runScript(join(ROOT, 'test/bench/calendar.ts'));

  // 8b. the anchor journals: one anchoring run over 10,000 changed case heads, in a process of its own
  await runScript(join(ROOT, 'test/bench/anchors.ts'));

  // 8c. the case events: delay to the webhook at 20 actions/s, events per case, AWS cost, in a process of its own
  await runScript(join(ROOT, 'test/bench/events.ts'));

  // 8d. electronic supervision: the rules evaluated per second, in a process of its own
  await runScript(join(ROOT, 'test/bench/supervision.ts'));
  // 8e. statistics: requests per case event kept, the public statistics of a month of 100,000 cases answered, in a process of its own
  await runScript(join(ROOT, 'test/bench/statistics.ts'));
  // 8f. 好差评 (issue 18): each evaluations route's latency through the signed client, in a process of its own
  await runScript(join(ROOT, 'test/bench/evaluations.ts'));
  // 8g. consultations and complaints (issue 18): each tickets route's latency through the signed client, in a process of its own
  await runScript(join(ROOT, 'test/bench/tickets.ts'));
  // 8h. the web console (issue 20): its download, its build, its time to interactive in Chromium, in a process of its own
  await runScript(join(ROOT, 'test/bench/console.ts'));
  // 8i. the AWS cost of a case (issue 21): every request of single-department and joint cases counted at the wire, priced, in a process of its own
  await runScript(join(ROOT, 'test/bench/cost.ts'));

  // 8j. hot keys (issue 21): a day of filings through the key functions, each key's peak, in a process of its own
  await runScript(join(ROOT, 'test/bench/key-load.ts'));

  // 8k. the embedded platform (issue 21): filings/s, CPU per filing, reads while filing, RSS as filings go on, in a process of its own
  await runScript(join(ROOT, 'test/bench/embedded.ts'));

  // 9. the artifacts: each Lambda bundle as synthesised (size, load in a fresh process), the packed CLI
  await benchBundles();
  console.log(`\nwhole bench: ${((performance.now() - t0) / 1000).toFixed(0)} s (load average now ${load()})`);
}

async function npmStart(dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', TONGBAN_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
  });
  const ms = performance.now() - t0;
  return {
    endpoint,
    ms,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(-child.pid!, 'SIGTERM'); // the whole group: npm and the node it started
      }),
  };
}

function summary(xs: number[]): string[] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!].map((x) => x.toFixed(0));
}

/** The 1, 5 and 15 minute load averages: other work on the machine skews every figure above. */
function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

await main();

/** Runs a benchmark script in a node process of its own, its output passed through; fails if it does. */
async function runScript(script: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
}
