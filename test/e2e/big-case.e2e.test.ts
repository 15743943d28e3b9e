// Issue 15: a case driven as large as a client can make it, against `npm start`'s platform as a
// process of its own. A form of 250,000 characters is refused with a code; the largest form taken
// (64 KiB of Chinese text in UTF-8) with 100 pause/resume cycles: every write is taken or refused with
// a code (never a 5xx), the decision is sealed and archived, and 8 parallel reads of the whole
// history, page after page, cost the platform memory in proportion to a page: its resident memory,
// read from /proc while they run, grows by less than the bound below (it grew by 4.4 GB before).
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { FREE_FORM_LIMITS } from '../../shared/contracts/free-form-json.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { CASE_LIMITS } from '../../shared/domain/cases/case-limits.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { eventually } from '../support/eventually.ts';
import { signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What 8 parallel whole-history reads may add to the platform's resident memory. */
const READ_MEMORY_BOUND_MB = 64;

let dir: string;
let platform: PlatformProcess;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-big-case-'));
  // Monday 23 November 2026, 10:00 in China: every action lands on a working day.
  platform = await startPlatformProcess(dir, '2026-11-23T02:00:00Z');
}, 90_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

const as = signedClients(() => platform);
const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const residentId = `53010219800101001${residentIdCheckChar('53010219800101001')}`;

async function file(form: Record<string, unknown>) {
  return as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: {
      itemCode: FOOD.implementationCode,
      applicant: { kind: 'person', residentId, name: '张三', phone: '13800138000' },
      form,
      materials: Object.fromEntries(await Promise.all(FOOD.materials.filter((m) => m.required).map(async (m) => [m.name, await uploadPdf(as('portal'), m.name)] as const))),
    },
  });
}

/** The platform's resident memory now, in bytes (VmRSS). */
async function rss(): Promise<number> {
  const status = await readFile(`/proc/${platform.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Every entry of the case's history, page after page, and the checks the pages carried. */
async function wholeHistory(caseNo: string): Promise<{ entries: Json[]; checks: Json[] }> {
  const entries: Json[] = [];
  const checks: Json[] = [];
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const res = await as('portal').request('GET', `/v1/cases/${caseNo}/history`, { query: { cursor } });
    expect(res.status).toBe(200);
    const page = res.body as Json;
    entries.push(...(page.entries as Json[]));
    checks.push(page.check as Json);
    cursor = page.nextCursor as string | undefined;
  }
  return { entries, checks };
}

describe('a case as large as a client can make it', () => {
  let caseNo: string;

  it('refuses a form of 250,000 characters with a code, the field and nothing filed', async () => {
    const ascii = await file({ 经营项目说明: 'x'.repeat(250_000) });
    const chinese = await file({ 经营项目说明: '食'.repeat(250_000) });
    const listed = await as('portal').request('GET', '/v1/cases', { query: { applicant: residentId } });

    expect(ascii.status).toBe(400);
    expect(ascii.body).toMatchObject({ error: { code: 'JSON_TOO_LARGE', field: 'form' } });
    // 750,000 bytes in UTF-8: over the request body's limit before the form is looked at.
    expect(chinese.status).toBe(413);
    expect(chinese.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect((listed.body as Json).cases).toEqual([]);
  });

  it(`takes the largest form, then ${CASE_LIMITS.pauses} pauses of 100 asked for: each write taken or refused with a code`, async () => {
    // The most Chinese text the form takes: its JSON within FREE_FORM_LIMITS.formBytes in UTF-8.
    const chars = Math.floor((FREE_FORM_LIMITS.formBytes - 64) / 3);
    const filed = await file({ 经营项目说明: '食'.repeat(chars) });
    expect(filed.status).toBe(201);
    caseNo = (filed.body as Json).caseNo as string;
    const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
    expect(accepted.body).toMatchObject({ status: 'accepted' });

    const answers: string[] = [];
    for (let i = 1; i <= 100; i++) {
      const pause = await as('market').request('POST', `/v1/cases/${caseNo}/pause`, { body: { procedure: 'site-inspection', reason: `第${i}次现场核查`, expectedDays: 5 } });
      answers.push(`${pause.status} ${(pause.body as Json).error?.code ?? ''}`.trim());
      if (pause.status !== 200) continue;
      const resume = await as('market').request('POST', `/v1/cases/${caseNo}/resume`, { body: {} });
      answers.push(`${resume.status} ${(resume.body as Json).error?.code ?? ''}`.trim());
    }

    expect(answers.filter((a) => a === '200')).toHaveLength(2 * CASE_LIMITS.pauses);
    expect(answers.filter((a) => a !== '200')).toEqual(Array(100 - CASE_LIMITS.pauses).fill('409 CASE_PAUSES_EXHAUSTED'));
  });

  it('seals and archives the decision of the big case', async () => {
    const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    expect(decided.status).toBe(200);

    // The archiving is started after the answer (an asynchronous invocation): read until it is done.
    const state = await eventually(
      async () => (await as('market').request('GET', `/v1/cases/${caseNo}`)).body as Json,
      (c) => c.archive !== undefined,
    );
    const { entries, checks } = await wholeHistory(caseNo);
    expect(entries.map((e) => e.type).slice(-3)).toEqual(['decide', 'seal', 'archive']);
    expect(checks.every((c) => c.ok === true)).toBe(true);
    expect(state).toMatchObject({ status: 'decided', results: { licenceId: expect.any(String) }, archive: { state: 'archived' } });
    expect(entries).toHaveLength(state.version as number);
  });

  it(`reads its whole history 8 times in parallel with the platform's memory growing by less than ${READ_MEMORY_BOUND_MB} MB`, async () => {
    const before = await rss();
    let peak = before;
    let reading = true;
    const sampling = (async () => {
      while (reading) {
        peak = Math.max(peak, await rss());
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const reads = await Promise.all(Array.from({ length: 8 }, () => wholeHistory(caseNo)));
    reading = false;
    await sampling;

    const grew = (peak - before) / 1024 / 1024;
    console.log(`8 parallel whole-history reads of ${reads[0]!.entries.length} entries: platform RSS ${(before / 1024 / 1024).toFixed(0)} MB, peak +${grew.toFixed(1)} MB`);
    expect(reads.map((r) => r.entries.length)).toEqual(Array(8).fill(reads[0]!.entries.length));
    // Filed and accepted, each pause and resume, decided, sealed, archived; and a seal-notices entry for
    // the 受理通知书 and for each pause's 特别程序告知书 (sealed at once)
    expect(reads[0]!.entries.length).toBe(2 + 2 * CASE_LIMITS.pauses + 3 + 1 + CASE_LIMITS.pauses);
    expect(grew).toBeLessThan(READ_MEMORY_BOUND_MB);
  });
});
