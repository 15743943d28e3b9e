// The embedded platform's schedules: every scheduled function (functions/manifests.ts, trigger
// `schedule`) is run by a timer of its own, as EventBridge runs each on AWS — the sweep, the anchoring
// of the case heads and the month's statistics publication — with nobody calling `scheduled.<name>()`.
// Each is seen by what it leaves: the case deemed accepted, the anchor journal of its head in the
// archive bucket, the month's sealed document answering the public route.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestsTriggeredBy } from '../../functions/manifests.ts';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import { JOURNALS_PREFIX, caseProofsPrefix } from '../../shared/domain/anchors/anchor-journal.ts';
import { SHOP } from '../support/case-fixtures.ts';
import { platformArchive } from '../support/platform-archive.ts';
import { eventually } from '../support/eventually.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;

let dataDir: string;
let platform: RunningPlatform;
let archive: S3AnchorArchive;
/** The platform clock: Wednesday 2 December 2026, 10:00 in China (November ended a day ago). */
let clock = new Date('2026-12-02T02:00:00Z');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.ANCHOR_LAG_SECONDS = '0';
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-schedules-e2e-'));
  // Every schedule's timer at a short interval: the timers alone run the functions.
  platform = await startPlatform({ dataDir, port: 0, now: () => clock, scheduleIntervalMs: 200 });
  archive = platformArchive(platform);
});

afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);

describe('the timers of the embedded platform run every scheduled function', () => {
  it('has a run hook for each scheduled function, and no other', () => {
    expect(Object.keys(platform.scheduled).sort()).toEqual(
      manifestsTriggeredBy('schedule')
        .map((m) => m.name)
        .sort(),
    );
    expect(Object.keys(platform.scheduled).sort()).toEqual(['anchoring', 'publication', 'sweep']);
  });

  it('publishes the month that ended a day ago by the publication timer: its sealed document answers the public route', async () => {
    const res = await eventually(
      () => fetch(`${platform.endpoint}/v1/public/statistics/documents/2026-11`),
      (r) => r.status === 200,
    );

    expect(res.status).toBe(200);
    expect(JSON.parse(((await res.json()) as Json).document as string)).toMatchObject({ type: 'tongban.statistics.month', month: '2026-11' });
    expect(await archive.get('statistics/2026-11.json')).toBeDefined();
  });

  it("anchors a changed case head by the anchoring timer, and deems an unanswered filing accepted by the sweep's", async () => {
    // Prepare: a filing nobody answers.
    const materials: Json = {};
    for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: REGISTRATION.implementationCode, applicant: SHOP, form: { 注册资本: '100万元' }, materials },
    });
    expect(filed.status).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;

    // Act: real time passes for the anchoring (its window ends now); the platform clock moves past the answer period for the sweep.
    const proofs = await eventually(
      async () => (await archive.list(caseProofsPrefix(caseNo), { limit: 10 })).keys,
      (keys) => keys.length > 0,
    );
    clock = new Date('2026-12-31T02:00:00Z');
    const state = await eventually(
      async () => (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json,
      (c) => c.status === 'accepted',
    );

    // Assess
    expect(proofs).toHaveLength(1);
    expect((await archive.list(JOURNALS_PREFIX, { limit: 100 })).keys.length).toBeGreaterThan(0);
    expect(state).toMatchObject({ status: 'accepted', acceptance: { mode: 'deemed' } });
  });
});
