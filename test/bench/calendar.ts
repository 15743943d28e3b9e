// The official holiday arrangements as operated data (issue 13): on the embedded platform in process,
// with the clock on Mon 7 Dec 2026, BENCH_CALENDAR_CASES cases (default 300) are filed and accepted —
// each with a statutory deadline in 2027, counted provisionally — then the platform role loads 2027
// (PUT /v1/calendar/2027) and the next sweep computes every open case's dates again. Figures: the
// load's round trip, the sweep's pass, and the cases it recomputes per second. Run in a process of its
// own (run.ts does), like the seals figures.
import { actingKeys } from '../support/acting-keys.ts';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import { upload } from './cases.ts';
import { table, timeConcurrent } from './figures.ts';

const CASES = Number(process.env.BENCH_CALENDAR_CASES ?? 300);
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;

export async function benchCalendar(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tongban-bench-calendar-'));
  const clock = new Date('2026-12-07T02:00:00Z');
  const platform = await startPlatform({ dataDir, port: 0, scheduleIntervalMs: 0, now: () => clock });
  try {
    const as = (name: string) => {
      const p = actingKeys(platform.credentials, name);
      return new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey } });
    };
    // Prepare: open cases whose statutory deadline lies in 2027 (provisional), filed and accepted 8 at a time.
    const { ms: prepareMs } = await timeConcurrent(
      8,
      (i) => i < CASES,
      async (_w, i) => {
        const materials: Record<string, unknown> = {};
        for (const m of FOOD.materials.filter((x) => x.required)) materials[m.name] = await upload(as('portal'), `${m.name} ${randomUUID()}`);
        const first17 = `53010219800101${String((i % 999) + 1).padStart(3, '0')}`;
        const applicant = { kind: 'person', residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' };
        const filed = await as('portal').request('POST', '/v1/cases', {
          headers: { 'Idempotency-Key': randomUUID() },
          body: { itemCode: FOOD.implementationCode, applicant, form: {}, materials },
        });
        if (filed.status !== 201) throw new Error(`filing answered ${filed.status}`);
        const accepted = await as('market').request('POST', `/v1/cases/${(filed.body as { caseNo: string }).caseNo}/accept`, { body: {} });
        if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}`);
      },
    );
    await platform.scheduled.sweep(); // the calendar as it stands noted: the next run is after a change only

    // Act
    const t0 = performance.now();
    const loaded = await as('reviewer').request('PUT', '/v1/calendar/2027', { body: statutoryArrangement(2027) });
    const loadMs = performance.now() - t0;
    if (loaded.status !== 200) throw new Error(`PUT /v1/calendar/2027 answered ${loaded.status}: ${JSON.stringify(loaded.body)}`);
    const t1 = performance.now();
    const report = await platform.scheduled.sweep();
    const sweepMs = performance.now() - t1;
    const versions = (await as('portal').request('GET', '/v1/calendar')).body as { years: { year: number; version: number; loadedBy: string }[] };

    console.log(`\nCalendar: loading 2027 with ${CASES} open cases resting on it (filed and accepted in ${(prepareMs / 1000).toFixed(1)} s), embedded, one process`);
    table(
      [
        ['years loaded (version, by)', versions.years.map((y) => `${y.year} v${y.version} (${y.loadedBy})`).join(', ')],
        ['PUT /v1/calendar/2027 round trip', `${loadMs.toFixed(0)} ms`],
        ['sweep after the load: cases examined / recomputed', `${report.examined} / ${report.deadlinesCompleted}`],
        ['sweep after the load: wall time', `${(sweepMs / 1000).toFixed(2)} s`],
        ['cases recomputed per second', (report.deadlinesCompleted / (sweepMs / 1000)).toFixed(0)],
      ],
      ['', ''],
    );
  } finally {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await benchCalendar();
