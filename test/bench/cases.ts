// The case figures of issue 3, through a running embedded platform over signed HTTP:
//   - filings per second sustained for BENCH_FILING_SECONDS at BENCH_CONCURRENCY, and their latency
//   - with BENCH_CASES cases filed: a department's queue query (first and a later page) and a filing
// Every filing carries a fresh Idempotency-Key. Each worker uploads its two materials once, through a
// presigned slot, and names the same uploads in all its filings (a channel may: the platform copies
// an upload into each case's keeping). The cases table is filled by filings only, never written directly.
import { createHash, randomUUID } from 'node:crypto';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiClient } from '../../shared/cli/api-client.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { percentiles, table, timeConcurrent, timeEach } from './figures.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const FILING_SECONDS = Number(process.env.BENCH_FILING_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
/** The later page the queue is also timed at: after this many pages of 20. */
const LATER_PAGE = 50;

// 食品经营许可证核发 (market): 食品经营许可申请书 and 营业执照 are required and not tolerable.
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const CHANNELS = ['portal', 'hall-window'] as const;

type Json = Record<string, unknown>;

export async function benchCases(as: (principal: string) => ApiClient): Promise<void> {
  const market = as('market');
  // Worker w files as channel w mod 2, with the two uploads it made beforehand.
  const workers = await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      const channel = as(CHANNELS[w % CHANNELS.length]!);
      const materials = {
        食品经营许可申请书: await upload(channel, `申请书 ${w}`),
        营业执照: await upload(channel, `营业执照 ${w}`),
      };
      return { channel, materials };
    }),
  );
  let filed = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  const fileAs = async (worker: { channel: ApiClient; materials: Json }, i: number): Promise<void> => {
    const res = await worker.channel.request('POST', '/v1/cases', { body: application(worker.materials, i), headers: { 'Idempotency-Key': randomUUID() } });
    if (res.status === 201) filed++;
    else {
      refused++;
      firstRefusal ??= `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
    }
  };
  // Warm-up: one filing per worker (module caches, keep-alive connections); these cases count.
  await Promise.all(workers.map((w, i) => fileAs(w, i)));

  // 1. filing rate, sustained
  const deadline = performance.now() + FILING_SECONDS * 1000;
  const before = { filed, refused };
  const rate = await timeConcurrent(
    CONCURRENCY,
    () => performance.now() < deadline,
    (w, i) => fileAs(workers[w]!, i),
  );
  const rateFiled = filed - before.filed;
  const rateRefused = refused - before.refused;
  console.log(
    `\nfilings, POST /v1/cases at concurrency ${CONCURRENCY} for ${FILING_SECONDS} s (signed, fresh Idempotency-Key each; ` +
      `each worker reuses the two PDFs it uploaded once, ${workers.length * 2} uploads in all)`,
  );
  table(
    [[`${(rateFiled / (rate.ms / 1000)).toFixed(1)}`, String(rateFiled), String(rateRefused), ...percentiles(rate.times)]],
    ['filings/s', 'filed (201)', 'not 201', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
  );
  if (firstRefusal) console.log(`  first answer other than 201: ${firstRefusal}`);

  // 2. fill the table to CASES cases with more filings, at the same concurrency
  const need = Math.max(0, CASES - filed);
  const fill = await timeConcurrent(
    CONCURRENCY,
    (i) => i < need,
    (w, i) => fileAs(workers[w]!, i),
  );
  console.log(
    `\ncases table filled to ${filed} cases (${need} more filings at concurrency ${CONCURRENCY} in ${(fill.ms / 1000).toFixed(1)} s, ` +
      `${(need / (fill.ms / 1000 || 1)).toFixed(1)}/s; not 201 in all: ${refused})`,
  );
  if (firstRefusal && rateRefused === 0) console.log(`  first answer other than 201: ${firstRefusal}`);
  const inTable = filed;

  // 3. with the table full: the department's queue (first page, a later page) and a filing, sequential
  const queue = (cursor?: string) =>
    market.request('GET', '/v1/queue', { query: { status: 'received', limit: '20', ...(cursor ? { cursor } : {}) } }).then((res) => {
      if (res.status !== 200) throw new Error(`GET /v1/queue answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as { cases: Json[]; nextCursor?: string };
    });
  for (let i = 0; i < 20; i++) await queue(); // warm-up
  const first = await timeEach(REQUESTS, async () => void (await queue()));
  let cursor: string | undefined;
  for (let page = 0; page < LATER_PAGE; page++) cursor = (await queue(cursor)).nextCursor;
  const later = cursor ? await timeEach(REQUESTS, async () => void (await queue(cursor))) : [];
  const sequentialBefore = refused;
  const filing = await timeEach(REQUESTS, (i) => fileAs(workers[0]!, i));
  console.log(`\nlatency (ms) with ${inTable} cases filed, ${REQUESTS} sequential signed requests each`);
  table(
    [
      ['GET /v1/queue?status=received&limit=20 (market)', ...percentiles(first)],
      ...(cursor ? [[`  same, page ${LATER_PAGE + 1} (cursor from page ${LATER_PAGE})`, ...percentiles(later)]] : []),
      [`POST /v1/cases (filing; not 201: ${refused - sequentialBefore})`, ...percentiles(filing)],
    ],
    ['', 'p50', 'p95', 'p99', 'max'],
  );
}

/** Uploads a PDF through a presigned slot — a small one around `content`, or `content`'s bytes as they are; answers the material as a filing names it. */
export async function upload(channel: ApiClient, content: string | Buffer): Promise<Json> {
  const bytes = typeof content === 'string' ? Buffer.from(`%PDF-1.7\n${content}\n%%EOF\n`) : content;
  const announced = { contentType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  const slot = await channel.request('POST', '/v1/materials/uploads', { body: announced });
  if (slot.status !== 201) throw new Error(`POST /v1/materials/uploads answered ${slot.status}: ${JSON.stringify(slot.body)}`);
  const { url, headers, objectKey } = slot.body as { url: string; headers: Record<string, string>; objectKey: string };
  const { 'content-length': _length, ...send } = headers;
  const put = await fetch(url, { method: 'PUT', headers: send, body: bytes });
  if (put.status !== 200) throw new Error(`upload PUT answered ${put.status}: ${await put.text()}`);
  return { kind: 'upload', objectKey, ...announced };
}

/** A filing of 食品经营许可证核发; the applicant varies with i (999 resident IDs). */
export function application(materials: Json, i: number): Json {
  const first17 = `53010219800101${String((i % 999) + 1).padStart(3, '0')}`;
  return {
    itemCode: FOOD.implementationCode,
    applicant: { kind: 'person', residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' },
    form: { 经营项目: ['热食类食品制售'], 经营场所面积: 120 },
    materials,
  };
}
