// The consultations and complaints figures of issue 18 (a process of its own: `node --import tsx
// test/bench/tickets.ts`), on an embedded platform in this process: the latency of each tickets route
// through the signed client, BENCH_REQUESTS calls each (default 50), one after another, after one
// warm-up call of the function. Each write is made on a ticket of its own, in the state it follows:
// BENCH_REQUESTS complaints about an item are filed (timed: routed to its department at once) and
// passed on to another department (timed), answered there (timed) and rated (timed); BENCH_REQUESTS
// complaints about nothing named are filed and passed to a department by the platform role (timed).
// The lists and views are read as the department holding them. Last, BENCH_REQUESTS cases filed by the
// portal have their applicant's name corrected by their department (timed: 000 §30). Figures, never assertions.
import { randomUUID } from 'node:crypto';
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
const PERSON = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };
const COMPLAINT = { kind: 'complaint', about: { item: FOOD.implementationCode }, person: PERSON, subject: '窗口办理拖延', text: '申请材料齐全，窗口人员以各种理由拖延不予受理。' };

function ok(res: ApiResponse, what: string): ApiResponse {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export async function benchTickets(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-tickets-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, scheduleIntervalMs: 0 });
  try {
    const as = signedClients(() => platform);
    const file = async (body: object) =>
      (ok(await as('portal').request('POST', '/v1/tickets', { headers: { 'Idempotency-Key': randomUUID() }, body }), 'file').body as { id: string }).id;
    ok(await as('market').request('GET', '/v1/tickets', { query: { state: 'assigned' } }), 'warm-up');

    const routed: string[] = [];
    const unrouted: string[] = [];
    const rows: [string, number[]][] = [];
    rows.push(['POST /v1/tickets (routed by item)', await timeEach(REQUESTS, async () => void routed.push(await file(COMPLAINT)))]);
    for (let i = 0; i < REQUESTS; i++) unrouted.push(await file({ ...COMPLAINT, about: undefined, subject: '网站无法登录' }));
    rows.push([
      'POST /v1/tickets/{id}/assign',
      await timeEach(
        REQUESTS,
        async (i) => void ok(await as('reviewer').request('POST', `/v1/tickets/${unrouted[i]!}/assign`, { body: { departmentId: DEPARTMENTS.market.id } }), 'assign'),
      ),
    ]);
    rows.push([
      'POST /v1/tickets/{id}/transfer',
      await timeEach(REQUESTS, async (i) => {
        const body = { departmentId: DEPARTMENTS.housing.id, reasons: '投诉涉及施工许可窗口，属住建部门职责' };
        ok(await as('market').request('POST', `/v1/tickets/${routed[i]!}/transfer`, { body }), 'transfer');
      }),
    ]);
    rows.push([
      'POST /v1/tickets/{id}/answer',
      await timeEach(REQUESTS, async (i) => {
        const body = { text: '经核实，窗口人员未一次性告知，已责令整改并通报批评。', outcome: 'substantiated' };
        ok(await as('housing').request('POST', `/v1/tickets/${routed[i]!}/answer`, { body }), 'answer');
      }),
    ]);
    rows.push([
      'POST /v1/tickets/{id}/rating',
      await timeEach(REQUESTS, async (i) => void ok(await as('portal').request('POST', `/v1/tickets/${routed[i]!}/rating`, { body: { level: 'satisfied' } }), 'rating')),
    ]);
    rows.push([
      'GET /v1/tickets (department, 20)',
      await timeEach(REQUESTS, async () => void ok(await as('market').request('GET', '/v1/tickets', { query: { state: 'assigned' } }), 'list')),
    ]);
    const cases: string[] = [];
    for (let i = 0; i < REQUESTS; i++) cases.push((ok(await fileWithRequiredMaterials(as('portal'), FOOD, PERSON), 'file case').body as { caseNo: string }).caseNo);
    rows.push([
      'POST /v1/cases/{caseNo}/correct',
      await timeEach(REQUESTS, async (i) => {
        const body = { ticketId: routed[i]!, corrections: [{ field: 'applicant.name', value: '张叁' }], reasons: ['申请人姓名录入有误'] };
        ok(await as('market').request('POST', `/v1/cases/${cases[i]!}/correct`, { body }), 'correct');
      }),
    ]);
    rows.push(['GET /v1/tickets/{id}', await timeEach(REQUESTS, async (i) => void ok(await as('housing').request('GET', `/v1/tickets/${routed[i]!}`), 'get'))]);

    routeTable(`咨询投诉 routes on the embedded platform: ${REQUESTS} signed calls each, one after another (ms)`, rows);
  } finally {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  await benchTickets();
}
