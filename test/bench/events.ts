// The case event figures of issue 16 (run in a process of its own: `node --import tsx test/bench/events.ts`;
// run.ts does): on an embedded platform in this process, with the real stand-ins (the cases table's
// stream, the relay, the local EventBridge, the deliveries function) and a webhook receiver on loopback
// subscribed as the portal channel:
//   - the delay from an action sent to its event acknowledged by the receiver, p50/p95/max, with actions
//     sent at BENCH_EVENT_RATE a second (default 20) for BENCH_EVENT_SECONDS (default 15), over cases
//     filed beforehand (a pause and a resume in turn on each);
//   - the events of one case from filing to archive (accepted, decided, sealed, notices, archived);
//   - the requests each event costs (DynamoDB requests on the events table, counted at the client;
//     PutEvents; queue messages) and the AWS cost of events and deliveries per 1,000 cases at public
//     prices (us-east-1 list prices: test/bench/aws-prices.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPlatform } from '../../infra/local/platform.ts';
import { LOCAL_TABLES } from '../../infra/local/local-dynamodb.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { dynamoDocumentClient } from '../../shared/adapters/aws-clients.ts';
import type { ApiClient } from '../../shared/cli/api-client.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { DYNAMODB, EVENTBRIDGE, LAMBDA, SQS } from './aws-prices.ts';
import { table } from './figures.ts';

const RATE = Number(process.env.BENCH_EVENT_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_EVENT_SECONDS ?? 15);
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

// DynamoDB Streams reads by Lambda are free.
const PRICE = {
  putEvent: EVENTBRIDGE.event,
  archiveGb: EVENTBRIDGE.archiveGb,
  sqsRequest: SQS.request,
  lambdaGbSecond: LAMBDA.gbSecond,
  lambdaRequest: LAMBDA.request,
  write: DYNAMODB.writeUnit,
  read: DYNAMODB.readUnit,
};

async function file(client: ApiClient): Promise<string> {
  const res = await fileWithRequiredMaterials(client, FOOD, APPLICANT);
  if (res.status !== 201) throw new Error(`filing answered ${res.status}`);
  return (res.body as { caseNo: string }).caseNo;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchEvents(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-events-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, scheduleIntervalMs: 0 });
  const receiver = await startReceiver();
  const as = signedClients(() => platform);
  // Requests the functions of this process send to the events table, by command.
  const events = new Map<string, number>();
  dynamoDocumentClient().middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input?: { TableName?: string } }) => {
      if (args.input?.TableName === LOCAL_TABLES.events) events.set(context.commandName ?? '?', (events.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    }) as never,
    { step: 'initialize', name: 'benchEventsCount' },
  );
  try {
    const sub = await as('portal').request('POST', '/v1/subscriptions', { body: { url: receiver.url } });
    receiver.secret = (sub.body as { secret: string }).secret;

    // Cases filed and accepted beforehand; then a pause and a resume in turn on each, at RATE a second.
    // Enough cases that one case's actions are 3 s apart (an action on a case still being answered would conflict).
    const cases = await Promise.all(Array.from({ length: Math.max(20, RATE * 3) }, () => file(as('portal'))));
    for (const c of cases) await as('market').request('POST', `/v1/cases/${c}/accept`, { body: {} });
    await platform.caseEvents.drained();
    const paused = new Set<string>();
    const sent: { id: Promise<string>; at: Promise<number> }[] = [];
    // Each case's previous action: the next one on it is sent once that one is answered.
    const previous = new Map<string, Promise<unknown>>();
    const total = RATE * SECONDS;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const caseNo = cases[i % cases.length]!;
      const pause = !paused.has(caseNo);
      if (pause) paused.add(caseNo);
      else paused.delete(caseNo);
      let sentAt = 0;
      const request = (previous.get(caseNo) ?? Promise.resolve())
        .then(() => {
          sentAt = performance.now();
          return as('market').request('POST', `/v1/cases/${caseNo}/${pause ? 'pause' : 'resume'}`, {
            body: pause ? { procedure: 'site-inspection', reason: '核查', expectedDays: 5 } : {},
          });
        })
        .then((res) => {
          if (res.status !== 200) throw new Error(`${pause ? 'pause' : 'resume'} answered ${res.status}: ${JSON.stringify(res.body)}`);
          return `${caseNo}.${(res.body as { version: number }).version}`;
        });
      previous.set(caseNo, request);
      sent.push({ id: request, at: request.then(() => sentAt) });
    }
    const ids = await Promise.all(sent.map((s) => s.id));
    const sentAts = await Promise.all(sent.map((s) => s.at));
    const sendSeconds = (Math.max(...sentAts) - t0) / 1000;
    const answeredSeconds = (performance.now() - t0) / 1000;
    await receiver.until((a) => ids.every((id) => a.some((d) => d.id === id)), 'every action event', 120_000);
    // When each event was first acknowledged.
    const arrived = new Map<string, number>();
    for (const d of receiver.acknowledged) if (!arrived.has(d.id)) arrived.set(d.id, d.receivedAt);
    const delays = sentAts.map((at, i) => (arrived.get(ids[i]!) ?? NaN) - at).sort((a, b) => a - b);

    // One case from filing to its archive: its events.
    const one = await file(as('portal'));
    await as('market').request('POST', `/v1/cases/${one}/accept`, { body: {} });
    await as('market').request('POST', `/v1/cases/${one}/decide`, { body: { outcome: 'approved', reasons: ['符合条件'] } });
    // Archived by the function the decision starts (a sweep now would archive it a second time, side by side).
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      const shown = (await as('portal').request('GET', `/v1/cases/${one}`)).body as { archive?: { state: string } };
      if (shown.archive?.state === 'archived') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await platform.caseEvents.drained();
    const history = (await as('portal').request('GET', `/v1/cases/${one}/history`)).body as { entries: { type: string }[] };

    const count = (pattern: RegExp) => [...events].filter(([name]) => pattern.test(name)).reduce((n, [, c]) => n + c, 0);
    const writes = count(/^(Put|Delete|Update)/);
    const reads = count(/^(Get|Query)/);
    const routed = receiver.acknowledged.length;

    console.log(
      `\ncase events: ${total} actions sent at ${RATE}/s (${(total / sendSeconds).toFixed(1)}/s sent, ${(total / answeredSeconds).toFixed(1)}/s answered) on ${cases.length} cases, one receiver`,
    );
    table([['delay, action sent → webhook acknowledged (ms)', pct(delays, 50).toFixed(0), pct(delays, 95).toFixed(0), delays.at(-1)!.toFixed(0)]], ['', 'p50', 'p95', 'max']);
    const perCase = history.entries.length;
    console.log(`  events of one case filed, accepted, decided, sealed and archived: ${perCase} (${history.entries.map((e) => e.type).join(', ')})`);
    const perEventWrites = writes / routed;
    const perEventReads = reads / routed;
    console.log(
      `  events table per delivered event (one subscription): ${perEventWrites.toFixed(1)} writes, ${perEventReads.toFixed(1)} reads (${[...events].map(([k, v]) => `${k} ${v}`).join(', ')} for ${routed} deliveries)`,
    );
    // Per 1,000 cases, each with `perCase` events, one subscription per case (its channel's) and the feeds.
    const n = 1000 * perCase;
    const lambdaGbS = 0.512 * 0.1; // a run: 512 MB, ~100 ms (one event, one attempt)
    const cost = {
      'PutEvents (1 per event)': n * PRICE.putEvent,
      'archive (1 KB per event)': ((n * 1024) / 1024 ** 3) * PRICE.archiveGb,
      'SQS (send, receive, delete)': n * 3 * PRICE.sqsRequest,
      'Lambda relay + deliveries (2 runs per event, 512 MB, 100 ms)': n * 2 * (PRICE.lambdaRequest + lambdaGbS * PRICE.lambdaGbSecond),
      'DynamoDB events table (measured writes, reads)': n * (perEventWrites * PRICE.write + perEventReads * PRICE.read),
    };
    const sum = Object.values(cost).reduce((a, b) => a + b, 0);
    table(
      [...Object.entries(cost).map(([k, v]) => [k, `$${v.toFixed(4)}`]), ['total per 1,000 cases', `$${sum.toFixed(4)}`]],
      [`AWS cost per 1,000 cases (${perCase} events each)`, 'USD'],
    );
  } finally {
    await receiver.close();
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  await benchEvents();
}
