// The statistics figures of issue 17 (run in a process of its own: `node --import tsx test/bench/statistics.ts`;
// run.ts does), on an embedded platform in this process:
//   - the DynamoDB requests keeping the statistics costs per case event: cases filed, accepted and decided
//     through the API, then every one of their events given to a keeper (the tally's code) on a table of
//     its own, its requests counted at the client (by command and table), and the roll-up's per changed day;
//   - the time to answer the public statistics of a month with BENCH_STATISTICS_CASES cases (default
//     100,000): their facts generated in memory (filed, accepted, decided with working days, some refused
//     or withdrawn, over 5 departments × 3 channels × 4 items and the current month's first 28 days), summed per day and
//     department by the domain's summarise() and written through the real store (DynamoStatisticsStore.
//     putSummary) into the platform's statistics table — what the tally's roll-up writes — then
//     GET /v1/public/statistics?period=<this month> (unsigned) and GET /v1/statistics (signed,
//     the platform role) timed over BENCH_REQUESTS requests each (default 50).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startPlatform } from '../../infra/local/platform.ts';
import { LOCAL_TABLES, ensureTables } from '../../infra/local/local-dynamodb.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoStatisticsStore } from '../../shared/adapters/dynamo-statistics-store.ts';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { entryEvent } from '../../shared/domain/events/case-event.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import type { StatisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import { summarise } from '../../shared/domain/statistics/statistics-figures.ts';
import { StatisticsKeeper } from '../../shared/domain/statistics/statistics-keeper.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import { percentiles, table, timeEach } from './figures.ts';

const CASES = Number(process.env.BENCH_STATISTICS_CASES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const SAMPLE_CASES = 10;
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

export async function benchStatistics(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-statistics-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, scheduleIntervalMs: 0 });
  try {
    const as = signedClients(() => platform);
    const raw = new DynamoDBClient({ endpoint: platform.services.dynamodb, region: platform.region, credentials: platform.runtimeCredentials });
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

    // 1. Requests per case event.
    const caseNos: string[] = [];
    for (let i = 0; i < SAMPLE_CASES; i++) {
      const res = await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT);
      const caseNo = (res.body as { caseNo: string }).caseNo;
      caseNos.push(caseNo);
      await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {}, headers: { 'Idempotency-Key': randomUUID() } });
      await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    }
    await platform.caseEvents.drained();
    const benchTable = 'tongban-bench-statistics';
    await ensureTables(raw, { items: LOCAL_TABLES.items, directory: LOCAL_TABLES.directory, statistics: benchTable });
    const counts = new Map<string, number>();
    const counted = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.services.dynamodb, region: platform.region, credentials: platform.runtimeCredentials }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string };
        const key = `${context.commandName ?? '?'} ${input.TableName === benchTable ? 'statistics' : (input.TableName ?? '?').replace('tongban-local-', '')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const cases = new DynamoCaseStore(counted, LOCAL_TABLES.cases, { onHeadLag: () => undefined });
    const directory = new DynamoDirectory(counted, LOCAL_TABLES.directory);
    const keeper = new StatisticsKeeper({
      store: new DynamoStatisticsStore(counted, benchTable),
      cases,
      directory: () => directory.load(),
      calendar: { current: () => Promise.resolve(officialCalendar) },
    });
    const events: CaseEvent[] = [];
    for (const caseNo of caseNos) {
      const state = (await cases.get(caseNo))!;
      for await (const entry of cases.entries(caseNo)) events.push(entryEvent(entry, state));
    }
    await directory.load(); // the directory, read once a minute per process: not a per-event cost
    counts.clear();
    let kept = 0;
    for (const e of events) if ((await keeper.record(e)) === 'stored') kept++;
    const recordCounts = new Map(counts);
    counts.clear();
    const rolled = await keeper.rollUp();
    const rollCounts = new Map(counts);
    const per = (m: Map<string, number>, n: number) =>
      [...m.entries()]
        .sort()
        .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`)
        .join(', ');
    const sum = (m: Map<string, number>, reads: boolean) => [...m.entries()].filter(([k]) => (reads ? /^(Get|Query)/ : /^(Put|Delete)/).test(k)).reduce((s, [, v]) => s + v, 0);
    table(
      [
        ['case events given (history entries of the cases)', String(events.length)],
        ['of which count something (facts kept)', String(kept)],
        ['requests per event: reads', (sum(recordCounts, true) / events.length).toFixed(2)],
        ['requests per event: writes', (sum(recordCounts, false) / events.length).toFixed(2)],
        ['per event, by command and table', per(recordCounts, events.length)],
        ['roll-up: changed days', String(rolled.buckets)],
        ['roll-up per changed day, by command and table', per(rollCounts, Math.max(1, rolled.buckets))],
      ],
      [`Keeping the statistics (${SAMPLE_CASES} cases filed, accepted, approved through the API)`, ''],
    );

    // 2. A month of CASES cases, summarised and written through the store, answered by the API.
    // The current month (China time): a month that has ended is sealed by the tally's tick, and its
    // sealed document is what the public route answers.
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const t0 = performance.now();
    const store = new DynamoStatisticsStore(db, LOCAL_TABLES.statistics);
    const departments = Object.values(DEPARTMENTS);
    const channels = ['kunming-portal', 'city-hall-window', 'kunming-mobile'];
    const buckets = new Map<string, StatisticsFact[]>();
    const add = (f: StatisticsFact) => {
      const k = `${f.on} ${f.departmentId}`;
      const list = buckets.get(k) ?? [];
      list.push(f);
      buckets.set(k, list);
    };
    let facts = 0;
    for (let i = 0; i < CASES; i++) {
      const departmentId = departments[i % departments.length]!.id;
      const base = { departmentId, itemCode: `${departmentId}00011700${i % 4}000`, channelId: channels[i % 3]! };
      // Spread over the month's first 28 days, every department every day.
      const day = (d: number) => `${month}-${String(1 + ((Math.floor(i / departments.length) + d - i) % 28)).padStart(2, '0')}`;
      const fact = (n: number, on: string, counts: StatisticsFact['counts'], workingDays?: number): StatisticsFact => ({
        eventId: `C${i}.${n}`,
        on,
        ...base,
        counts,
        ...(workingDays !== undefined ? { workingDays } : {}),
      });
      add(fact(1, day(i), i % 3 === 1 ? { received: 1 } : { received: 1, receivedOnline: 1 }));
      if (i % 10 === 0) add(fact(2, day(i + 1), { refused: 1 }));
      else if (i % 10 === 1) add(fact(2, day(i + 1), { withdrawn: 1 }));
      else {
        add(fact(2, day(i + 1), { accepted: 1 }));
        const late = i % 7 === 0;
        add(fact(3, day(i + 5), { [i % 9 === 0 ? 'denied' : 'approved']: 1, ...(late ? {} : { promisedOnTime: 1 }), statutoryOnTime: 1 }, 1 + (i % 17)));
      }
      facts += i % 10 < 2 ? 2 : 3;
    }
    for (const [k, list] of buckets) {
      const [day, departmentId] = k.split(' ') as [string, string];
      await store.putSummary({ day, departmentId }, { rows: summarise(list), facts: list.length });
    }
    const generated = performance.now() - t0;
    const publicTimes = await timeEach(REQUESTS, async () => {
      const res = await fetch(`${platform.endpoint}/v1/public/statistics?period=${month}`);
      if (res.status !== 200) throw new Error(`public statistics answered ${res.status}`);
      await res.arrayBuffer();
    });
    const signedTimes = await timeEach(REQUESTS, async () => {
      const res = await as('reviewer').request('GET', '/v1/statistics', { query: { period: month } });
      if (res.status !== 200) throw new Error(`statistics answered ${res.status}`);
    });
    const check = (await (await fetch(`${platform.endpoint}/v1/public/statistics?period=${month}`)).json()) as { departments: { received: number }[] };
    const received = check.departments.reduce((s, d) => s + d.received, 0);
    const p = (xs: number[]) => {
      const [p50, p95, p99] = percentiles(xs);
      return `p50 ${p50!} ms, p95 ${p95!} ms, p99 ${p99!} ms`;
    };
    table(
      [
        ['cases in the month / facts', `${CASES} / ${facts} (received answered: ${received})`],
        [
          'day summaries written through the store (days × departments)',
          `${buckets.size} in ${(generated / 1000).toFixed(1)} s (facts generated in memory, summed by summarise())`,
        ],
        [`GET /v1/public/statistics?period=${month} (unsigned, ${REQUESTS}×)`, p(publicTimes)],
        [`GET /v1/statistics?period=${month} (platform role, signed, per item and channel, ${REQUESTS}×)`, p(signedTimes)],
      ],
      [`Answering a month's statistics (${CASES} cases, embedded platform)`, ''],
    );
  } finally {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  await benchStatistics();
}
