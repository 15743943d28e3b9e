// The embedded platform's case sweep, in process so that the test can move the platform clock:
// a case nobody answers is deemed accepted by the timer once the answer period is over (Art. 32),
// then marked overdue and listed for supervision — each step seen through signed HTTP calls.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { eventually } from '../support/eventually.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dataDir: string;
let platform: RunningPlatform;
/** The platform clock: moved by the tests. Monday 23 November 2026, 10:00 in China. */
let clock = new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-sweep-e2e-'));
  // A short interval so the timer itself is what moves the cases; tests wait for what it does. The
  // other scheduled functions' timers off: the anchoring and the publication are tested on their own.
  platform = await startPlatform({ dataDir, port: 0, now: () => clock, scheduleIntervalMs: { sweep: 100, anchoring: 0, publication: 0 } });
});

afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);

const upload = (content: string) => uploadPdf(as('portal'), content);

describe('the sweep timer of the embedded platform', () => {
  const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
  let caseNo: string;
  const getCase = async () => (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json;

  it('leaves a filed case alone on the last day the department may answer', async () => {
    // Prepare: filed Mon 23 Nov; the department may answer until Mon 30 Nov (24, 25, 26, 27, 30).
    const res = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: {
        itemCode: FOOD.implementationCode,
        applicant: { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' },
        form: {},
        materials: { 食品经营许可申请书: await upload('申请书'), 营业执照: await upload('营业执照') },
      },
    });
    expect(res.status).toBe(201);
    caseNo = (res.body as Json).caseNo;
    expect((res.body as Json).receipt.answerDueOn).toBe('2026-11-30');

    // Act
    clock = new Date('2026-11-30T15:00:00Z'); // 23:00 on Mon 30 Nov in China
    const report = await platform.scheduled.sweep();

    // Assess
    expect(report.deemedAccepted).toBe(0);
    expect((await getCase()).status).toBe('received');
  });

  it('deems it accepted from the next day on, dated back to the receipt, and says so in the history', async () => {
    // Act
    clock = new Date('2026-11-30T16:00:00Z'); // 00:00 on Tue 1 Dec in China
    const state = await eventually(getCase, (c) => c.status === 'accepted', 15_000);

    // Assess: accepted as of 23 Nov, so promised 10 working days → Mon 7 Dec, statutory 20 → Mon 21 Dec
    expect(state.acceptance).toEqual({ on: '2026-11-23', mode: 'deemed' });
    expect(state.deadlines).toEqual({ promised: '2026-12-07', statutory: '2026-12-21' });
    const history = (await as('portal').request('GET', `/v1/cases/${caseNo}/history`)).body as Json;
    expect(history.check).toEqual({ ok: true });
    expect((history.entries as Json[]).at(-1)).toMatchObject({ type: 'deem-accepted', actor: { name: 'system', role: 'platform' }, from: 'received', to: 'accepted' });
  });

  it('marks it overdue after the promised deadline and lists it for the platform, once', async () => {
    // Act
    clock = new Date('2026-12-08T02:00:00Z'); // Tue 8 Dec: the promised deadline (7 Dec) has passed
    const listed = await eventually(
      async () => (await as('reviewer').request('GET', '/v1/supervision/overdue')).body as Json,
      (l) => (l.cases as Json[] | undefined)?.some((c) => c.caseNo === caseNo) ?? false,
      15_000,
    );
    await platform.scheduled.sweep(); // joins the run that marked it, if it is still finishing
    const again = await platform.scheduled.sweep();

    // Assess
    expect((listed.cases as Json[]).find((c) => c.caseNo === caseNo)).toMatchObject({ supervision: 'overdue', status: 'accepted', deadlines: { promised: '2026-12-07' } });
    expect((listed.cases as Json[])[0]).not.toHaveProperty('applicant');
    expect([again.deemedAccepted, again.markedOverdue, again.markedViolation, again.deadlinesCompleted, again.failed]).toEqual([0, 0, 0, 0, []]);
    const types = ((await as('market').request('GET', `/v1/cases/${caseNo}/history`)).body as Json).entries.map((e: Json) => e.type);
    expect(types.filter((t: string) => t === 'mark-overdue')).toHaveLength(1);
    const departmentAsks = await as('market').request('GET', '/v1/supervision/overdue');
    expect(departmentAsks.status).toBe(403);
  });
});
