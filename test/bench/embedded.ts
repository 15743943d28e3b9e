// The embedded platform's own figures (issue 21, point 5), `npm start`'s command in a process of its
// own on a fresh data directory, driven over signed HTTP from this one:
//   - filings per second at BENCH_EMBEDDED_CONCURRENCY (default 8) for BENCH_EMBEDDED_SECONDS (default 20), each
//     worker naming the two materials it uploaded once (pre-uploaded), with the platform's CPU time per
//     filing (its process tree's, from /proc: the stand-ins' threads and processes included)
//   - a case read (GET /v1/cases/{caseNo}), p50/p95, alone and while those filings run
//   - the platform's RSS (its process tree's) after every BENCH_EMBEDDED_STEP filings up to
//     BENCH_EMBEDDED_FILINGS (default 10,000), and the slope
// BENCH_PLATFORM_NODE_ARGS gives the platform's node options (e.g. --cpu-prof --cpu-prof-dir=/tmp/p: a
// profile per thread). Figures, never assertions. Run alone: node --import tsx test/bench/embedded.ts
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { actingKeys } from '../support/acting-keys.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { application, upload } from './cases.ts';
import { percentiles, table, timeConcurrent, timeEach } from './figures.ts';

const CONCURRENCY = Number(process.env.BENCH_EMBEDDED_CONCURRENCY ?? 8);
const FILING_SECONDS = Number(process.env.BENCH_EMBEDDED_SECONDS ?? 20);
const FILINGS = Number(process.env.BENCH_EMBEDDED_FILINGS ?? 10_000);
const STEP = Number(process.env.BENCH_EMBEDDED_STEP ?? 1_000);
const READS = Number(process.env.BENCH_REQUESTS ?? 300);
/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

type Json = Record<string, unknown>;

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(`embedded platform · node ${process.version} · load average ${load()}`);
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-embedded-'));
  // BENCH_PLATFORM_NODE_ARGS: the platform process's node options (--cpu-prof, --heapsnapshot-signal=… to profile it).
  const nodeArgs = (process.env.BENCH_PLATFORM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const platform = await startPlatformProcess(dir, undefined, 120_000, {}, nodeArgs);
  try {
    const client = (name: string) => {
      const k = actingKeys(platform.credentials, name);
      return new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: k });
    };
    const channels = ['portal', 'hall-window'].map(client);
    const workers = await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        const channel = channels[w % channels.length]!;
        return { channel, materials: { 食品经营许可申请书: await upload(channel, `申请书 ${w}`), 营业执照: await upload(channel, `营业执照 ${w}`) } };
      }),
    );
    let filed = 0;
    let refused = 0;
    let firstRefusal: string | undefined;
    const file = async (w: number, i: number): Promise<string | undefined> => {
      const { channel, materials } = workers[w]!;
      const res = await channel
        .request('POST', '/v1/cases', { body: application(materials as Json, i), headers: { 'Idempotency-Key': randomUUID() } })
        .catch((e: unknown) => ({ status: 0, body: { error: e instanceof Error ? `${e.message} (${String(e.cause)})` : String(e) } }));
      if (res.status === 201) {
        filed++;
        return (res.body as { caseNo: string }).caseNo;
      }
      refused++;
      firstRefusal ??= `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      return undefined;
    };
    // Warm-up (module caches, keep-alive): one filing per worker; the first case is the one read.
    const caseNos = await Promise.all(workers.map((_, w) => file(w, w)));
    const caseNo = caseNos.find((c) => c !== undefined);
    if (caseNo === undefined) throw new Error(`no filing succeeded: ${firstRefusal}`);
    const reader = channels[0]!;
    const read = async () => {
      const res = await reader.request('GET', `/v1/cases/${caseNo}`);
      if (res.status !== 200) throw new Error(`GET /v1/cases/${caseNo} answered ${res.status}`);
    };
    for (let i = 0; i < 20; i++) await read();
    const alone = await timeEach(READS, read);

    // Filings at CONCURRENCY for FILING_SECONDS, one reader reading the case meanwhile.
    const rssBefore = await treeRss(platform.pid);
    const cpu0 = await treeCpuMs(platform.pid);
    const filed0 = filed;
    const deadline = performance.now() + FILING_SECONDS * 1000;
    const during: number[] = [];
    const [rate] = await Promise.all([
      timeConcurrent(
        CONCURRENCY,
        () => performance.now() < deadline,
        (w, i) => file(w, i).then(() => undefined),
      ),
      (async () => {
        while (performance.now() < deadline) during.push(...(await timeEach(1, read)));
      })(),
    ]);
    const cpu1 = await treeCpuMs(platform.pid);
    const n = filed - filed0;
    console.log(`\nfilings at concurrency ${CONCURRENCY} for ${FILING_SECONDS} s, pre-uploaded materials, one case reader beside them (load average ${load()})`);
    table(
      [[(n / (rate.ms / 1000)).toFixed(1), String(n), String(refused), ((cpu1 - cpu0) / Math.max(1, n)).toFixed(1), ...percentiles(rate.times)]],
      ['filings/s', 'filed', 'not 201', 'CPU ms/filing', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    );
    if (firstRefusal) console.log(`  first answer other than 201: ${firstRefusal}`);
    console.log(`\ncase read, GET /v1/cases/{caseNo} (ms)`);
    table(
      [
        [`alone, ${alone.length} sequential`, ...percentiles(alone)],
        [`while the filings ran, ${during.length} sequential`, ...percentiles(during)],
      ],
      ['', 'p50', 'p95', 'p99', 'max'],
    );

    // RSS as the filings go on, to FILINGS in all.
    console.log(`\nplatform RSS (its process tree) as filings go on at concurrency ${CONCURRENCY}`);
    const rows: string[][] = [['0 (after start and warm-up)', (rssBefore / 1024).toFixed(0), '', '']];
    rows.push([String(filed), ((await treeRss(platform.pid)) / 1024).toFixed(0), '', '']);
    let lastCpu = await treeCpuMs(platform.pid);
    while (filed < FILINGS) {
      const target = Math.min(FILINGS, (Math.floor(filed / STEP) + 1) * STEP);
      const before = filed;
      const t0 = performance.now();
      const step = await timeConcurrent(
        CONCURRENCY,
        () => filed < target && refused <= 100,
        (w, i) => file(w, i).then(() => undefined),
      );
      const cpu = await treeCpuMs(platform.pid);
      rows.push([
        String(filed),
        ((await treeRss(platform.pid)) / 1024).toFixed(0),
        ((filed - before) / ((performance.now() - t0) / 1000)).toFixed(1),
        ((cpu - lastCpu) / Math.max(1, filed - before)).toFixed(1),
      ]);
      lastCpu = cpu;
      if (step.times.length === 0) break;
      if (refused > 100) break;
    }
    table(rows, ['filings', 'RSS MB', 'filings/s', 'CPU ms/filing']);
    const first = Number(rows[1]![1]);
    const last = Number(rows[rows.length - 1]![1]);
    const span = Number(rows[rows.length - 1]![0]) - Number(rows[1]![0]);
    console.log(`  slope: ${span > 0 ? (((last - first) / span) * 1000).toFixed(1) : '–'} MB per 1,000 filings; not 201 in all: ${refused} (load average ${load()})`);
  } finally {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The process ids of `pid` and its descendants. */
async function tree(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

/** CPU time (user + system, every thread) of `pid`'s process tree, in ms. */
async function treeCpuMs(pid: number): Promise<number> {
  let ticks = 0;
  for (const p of await tree(pid)) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return (ticks * 1000) / TICKS;
}

/** Resident memory of `pid`'s process tree, in KiB. */
async function treeRss(pid: number): Promise<number> {
  let kib = 0;
  for (const p of await tree(pid)) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return kib;
}

await main();
