// The 好差评 figures of issue 18 (a process of its own: `node --import tsx test/bench/evaluations.ts`),
// on an embedded platform in this process: the latency of each evaluations route through the signed
// client, BENCH_REQUESTS calls each (default 50), one after another, after one warm-up call of the
// function. Each write is made on a record of its own, in the state it follows: 2 × BENCH_REQUESTS
// refused cases are filed first (the portal files, the market refuses); half are rated (timed) and
// answered (timed) and their answers rated (timed); the other half rated, appealed (timed) and the
// appeals decided (timed); BENCH_REQUESTS window visits are rated (timed); the lists and views are read
// as the department rated. Figures, never assertions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPlatform } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import { routeTable, timeEach } from './figures.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

function ok(res: ApiResponse, what: string): ApiResponse {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export async function benchEvaluations(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-evaluations-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, scheduleIntervalMs: 0 });
  try {
    const as = signedClients(() => platform);
    const cases: string[] = [];
    for (let i = 0; i < 2 * REQUESTS; i++) {
      const caseNo = (ok(await fileWithRequiredMaterials(as('portal'), FOOD, APPLICANT), 'file').body as { caseNo: string }).caseNo;
      ok(await as('market').request('POST', `/v1/cases/${caseNo}/refuse`, { body: { reasons: ['经营场所与申请材料所述不符，不符合受理条件'] } }), 'refuse');
      cases.push(caseNo);
    }
    const answered = cases.slice(0, REQUESTS);
    const appealed = cases.slice(REQUESTS);
    ok(await as('market').request('GET', '/v1/evaluations'), 'warm-up');

    const ids: Record<string, string> = {};
    const rate = async (caseNo: string) => {
      const res = ok(
        await as('portal').request('POST', `/v1/cases/${caseNo}/evaluation`, { body: { level: 'very-dissatisfied', named: true, comment: '一次性告知不到位' } }),
        'rate',
      );
      ids[caseNo] = (res.body as { id: string }).id;
    };
    const rows: [string, number[]][] = [];
    rows.push(['POST /v1/cases/{caseNo}/evaluation', await timeEach(REQUESTS, (i) => rate(answered[i]!))]);
    for (const caseNo of appealed) await rate(caseNo);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    rows.push([
      'POST /v1/evaluations/{id}/answer',
      await timeEach(REQUESTS, async (i) => {
        const body = { verification: '经核实属实', kind: 'rectified', text: '已组织培训', followUp: { on: today, by: '王科长', outcome: '申请人认可' } };
        ok(await as('market').request('POST', `/v1/evaluations/${ids[answered[i]!]}/answer`, { body }), 'answer');
      }),
    ]);
    rows.push([
      'POST /v1/evaluations/{id}/rating',
      await timeEach(REQUESTS, async (i) => void ok(await as('portal').request('POST', `/v1/evaluations/${ids[answered[i]!]}/rating`, { body: { level: 'satisfied' } }), 'rating')),
    ]);
    rows.push([
      'POST /v1/evaluations/{id}/appeal',
      await timeEach(
        REQUESTS,
        async (i) => void ok(await as('market').request('POST', `/v1/evaluations/${ids[appealed[i]!]}/appeal`, { body: { reasons: ['恶意差评'] } }), 'appeal'),
      ),
    ]);
    rows.push([
      'POST /v1/evaluations/{id}/verdict',
      await timeEach(REQUESTS, async (i) => {
        const body = { decision: i % 2 === 0 ? 'uphold' : 'dismiss', reasons: ['经复核'] };
        ok(await as('reviewer').request('POST', `/v1/evaluations/${ids[appealed[i]!]}/verdict`, { body }), 'verdict');
      }),
    ]);
    rows.push([
      'POST /v1/evaluations (window)',
      await timeEach(REQUESTS, async (i) => {
        const body = { level: 'dissatisfied', named: true, contact: { name: '王五', phone: '13700137000' }, window: { visit: `BENCH-${i}`, departmentId: DEPARTMENTS.market.id } };
        ok(await as('hall-window').request('POST', '/v1/evaluations', { body }), 'window');
      }),
    ]);
    rows.push(['GET /v1/evaluations (department, 20)', await timeEach(REQUESTS, async () => void ok(await as('market').request('GET', '/v1/evaluations'), 'list'))]);
    rows.push(['GET /v1/evaluations/{id}', await timeEach(REQUESTS, async (i) => void ok(await as('market').request('GET', `/v1/evaluations/${ids[cases[i]!]}`), 'get'))]);

    routeTable(`好差评 routes on the embedded platform: ${REQUESTS} signed calls each, one after another (ms)`, rows);
  } finally {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  await benchEvaluations();
}
