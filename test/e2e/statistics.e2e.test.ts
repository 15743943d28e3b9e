// The statistics end to end on the embedded platform with its clock moved day by day through
// November 2026: cases of three departments filed through the portal and at the hall window, accepted,
// refused, withdrawn, sent back for supplements, paused, extended, approved, denied, some decided after
// their promised deadline (the sweep marks them). The tally function keeps each event's fact as the
// bus hands it over and rolls the days up on its tick (the publication function seals the month once
// it is over); the month's figures then equal a recomputation
// written here from the case records (each case and its history read through the API), the check
// route agrees, the public figures (JSON and CSV) hold none of the applicants' names, IDs or case
// numbers, and replaying every event on the bus changes no figure.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOCAL_CASE_EVENT_BUS } from '../../infra/local/case-event-plumbing.ts';
import { CHANNELS, DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { LegalClock } from '../../shared/domain/cases/legal-clock.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { platformArchive } from '../support/platform-archive.ts';
import { runCli, signedClients, uploadPdf } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const README_SCRIPT = /<!-- statistics-verify[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8'))?.[1];

const env = useClockedPlatform('tongban-statistics-e2e-', '2026-11-02');
const as = signedClients(() => env.platform);
const item = (suffix: string) => SEED_ITEMS.find((g) => g.implementationCode.endsWith(suffix))!;
// FOOD (market, promised 10 / statutory 20), BUILDING (housing, 3 / 7), MARKET2 (market, 3 / 15), HUKOU (police, 5 / 20).
const ITEMS = [item('000117001000'), item('000117003000'), item('000117002000'), item('000120014000')];
const DEPARTMENT_PRINCIPAL: Record<string, string> = { [DEPARTMENTS.market.id]: 'market', [DEPARTMENTS.housing.id]: 'housing', [DEPARTMENTS.police.id]: 'police' };
const SURNAMES = ['赵', '钱', '孙', '李', '周', '吴', '郑', '王', '冯', '陈', '褚', '卫'];
const GIVEN = ['建国', '秀英', '志强', '丽娟', '海燕', '国华'];

interface Fixture {
  n: number;
  guide: (typeof ITEMS)[number];
  channel: 'portal' | 'hall-window';
  applicant: { kind: 'person'; residentId: string; name: string; phone: string };
  scenario: number;
  filedOn: string;
  caseNo?: string;
}

/** November's working days (the shipped 2026 calendar). */
const WORKING: string[] = [];
for (let d = 2; d <= 30; d++) {
  const date = `2026-11-${String(d).padStart(2, '0')}`;
  if (officialCalendar.isWorkingDay(date)) WORKING.push(date);
}
const after = (date: string, days: number) => WORKING[WORKING.indexOf(date) + days]!;

// 30 cases: each scenario (i % 6) over each item and both channels, filed over the first 12 working days.
const FIXTURES: Fixture[] = Array.from({ length: 30 }, (_, n) => {
  const first17 = `5301021985${String(1 + (n % 12)).padStart(2, '0')}${String(10 + (n % 18)).padStart(2, '0')}${String(100 + n).padStart(3, '0')}`;
  return {
    n,
    guide: ITEMS[n % ITEMS.length]!,
    channel: n % 3 === 0 ? 'hall-window' : 'portal',
    applicant: { kind: 'person', residentId: `${first17}${residentIdCheckChar(first17)}`, name: `${SURNAMES[n % 12]!}${GIVEN[n % 6]!}${n}`, phone: `1380013${String(8000 + n)}` },
    scenario: n % 6,
    filedOn: WORKING[n % 12]!,
  };
});

/** What each scenario does, in working days after the filing. */
const STEPS: Record<number, [number, string, Json][]> = {
  0: [
    [1, 'accept', {}],
    [3, 'decide', { outcome: 'approved' }],
  ],
  1: [
    [1, 'accept', {}],
    [2, 'pause', { procedure: 'hearing', reason: '听证', expectedDays: 3 }],
    [5, 'resume', {}],
    [6, 'decide', { outcome: 'denied', reasons: ['不符合法定条件'] }],
  ],
  2: [[1, 'refuse', { reasons: ['不属于本部门职权范围'] }]],
  3: [[1, 'withdraw', { reason: '申请人不再办理' }]],
  4: [[1, 'request-supplement', { problems: [{ material: 'form', problem: '申请表填写不完整' }] }]],
  // Decided 9 working days after acceptance: after a promised limit of 3 or 5 (the sweep marks it
  // overdue), within FOOD's 10; extended on the way.
  5: [
    [1, 'accept', {}],
    [2, 'extend', { days: 5, approvedBy: '局长', reasons: ['情况复杂'] }],
    [10, 'decide', { outcome: 'approved' }],
  ],
};

async function file(f: Fixture): Promise<string> {
  const client = as(f.channel);
  const materials = Object.fromEntries(await Promise.all(f.guide.materials.filter((m) => m.required).map(async (m) => [m.name, await uploadPdf(client, m.name)] as const)));
  const res = await client.request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: f.guide.implementationCode, applicant: f.applicant, form: {}, materials },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as Json).caseNo as string;
}

async function act(f: Fixture, action: string, body: Json): Promise<void> {
  const principal = action === 'withdraw' ? f.channel : DEPARTMENT_PRINCIPAL[f.guide.departmentId]!;
  const path = action === 'request-supplement' ? 'supplement-request' : action;
  const res = await as(principal).request('POST', `/v1/cases/${f.caseNo!}/${path}`, { body });
  expect(res.status, `${action} ${f.caseNo!}: ${JSON.stringify(res.body)}`).toBe(200);
}

const MEASURES = ['received', 'receivedOnline', 'accepted', 'refused', 'approved', 'denied', 'withdrawn', 'pauses', 'extensions', 'supplementRounds', 'escalations'] as const;

/** The month's figures per department, recomputed here from the case records read through the API. */
async function recompute(): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  const online = new Set(CHANNELS.filter((c) => c.kind === 'portal' || c.kind === 'mobile-app').map((c) => c.id));
  for (const f of FIXTURES) {
    const department = as(DEPARTMENT_PRINCIPAL[f.guide.departmentId]!);
    const state = (await department.request('GET', `/v1/cases/${f.caseNo!}`)).body as Json;
    const history = (await department.request('GET', `/v1/cases/${f.caseNo!}/history`)).body as Json;
    expect(history.nextCursor).toBeUndefined();
    const d = out.get(state.departmentId) ?? { ...Object.fromEntries(MEASURES.map((m) => [m, 0])), promisedOnTime: 0, statutoryOnTime: 0, days: [] as number[] };
    for (const e of history.entries as Json[]) {
      if (e.on < '2026-11-01' || e.on > '2026-11-30') continue;
      if (e.type === 'file') {
        d.received++;
        if (online.has(state.channelId)) d.receivedOnline++;
      } else if (['accept', 'accept-pending', 'deem-accepted'].includes(e.type)) d.accepted++;
      else if (e.type === 'refuse') d.refused++;
      else if (e.type === 'withdraw') d.withdrawn++;
      else if (e.type === 'pause') d.pauses++;
      else if (e.type === 'extend') d.extensions++;
      else if (e.type === 'request-supplement') d.supplementRounds++;
      else if (e.type === 'escalate') d.escalations++;
      else if (e.type === 'decide') {
        d[state.decision.outcome]++;
        if (state.supervision === undefined) d.promisedOnTime++;
        if (state.supervision !== 'violation') d.statutoryOnTime++;
        d.days.push(new LegalClock(officialCalendar).elapsed({ acceptedOn: state.acceptance.on, pauses: state.pauses }, state.decision.on));
      }
    }
    out.set(state.departmentId, d);
  }
  for (const d of out.values()) {
    const decided = d.approved + d.denied;
    const days = (d.days as number[]).sort((a, b) => a - b);
    d.decided = decided;
    d.onlineShare = d.received === 0 ? null : Math.round((d.receivedOnline / d.received) * 10_000) / 10_000;
    d.promisedOnTimeRate = decided === 0 ? null : Math.round((d.promisedOnTime / decided) * 10_000) / 10_000;
    d.statutoryOnTimeRate = decided === 0 ? null : Math.round((d.statutoryOnTime / decided) * 10_000) / 10_000;
    d.meanWorkingDays = days.length === 0 ? null : Math.round((days.reduce((s, x) => s + x, 0) / days.length) * 100) / 100;
    d.p90WorkingDays = days.length === 0 ? null : days[Math.ceil(0.9 * days.length) - 1];
    delete d.promisedOnTime;
    delete d.statutoryOnTime;
    delete d.days;
  }
  return out;
}

const monthFigures = async () => {
  const res = await as('reviewer').request('GET', '/v1/statistics', { query: { period: '2026-11' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Json;
};
const publicGet = async (query: string) => {
  const res = await fetch(`${env.platform.endpoint}/v1/public/statistics?${query}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('statistics of a month on the embedded platform', () => {
  it('keeps the figures of a month of cases equal to a recomputation from the case records', { timeout: 240_000 }, async () => {
    // Act: November, day by day: the sweep (it marks the late cases), the filings, the steps.
    for (const day of WORKING) {
      env.day(day);
      await env.platform.scheduled.sweep();
      for (const f of FIXTURES.filter((x) => x.filedOn === day)) f.caseNo = await file(f);
      for (const f of FIXTURES) {
        for (const [offset, action, body] of STEPS[f.scenario]!) if (f.caseNo && after(f.filedOn, offset) === day) await act(f, action, body);
      }
    }
    env.day('2026-12-01');
    await env.platform.caseEvents.drained();
    await env.platform.caseEvents.deliver();

    // Assess: every department's figures as recomputed; the late ones are there.
    const expected = await recompute();
    const figures = await monthFigures();
    for (const [departmentId, want] of expected) {
      const got = (figures.departments as Json[]).find((d) => d.departmentId === departmentId)!;
      expect(got.figures, departmentId).toEqual(want);
    }
    const all = [...expected.values()];
    expect(all.reduce((s, d) => s + d.received, 0)).toBe(30);
    expect(all.some((d) => d.promisedOnTimeRate !== null && d.promisedOnTimeRate < 1)).toBe(true);
    expect(all.some((d) => d.onlineShare !== null && d.onlineShare > 0 && d.onlineShare < 1)).toBe(true);
    // Per item and channel, the rows add up to the department's figures.
    for (const d of figures.departments as Json[]) {
      expect((d.byItemAndChannel as Json[]).reduce((s, r) => s + (r.figures.received as number), 0)).toBe(d.figures.received);
    }

    // The check recomputes each department's month from the case records, page by page, and agrees.
    for (const departmentId of expected.keys()) {
      let cursor: string | undefined;
      let page: Json;
      do {
        const res = await as('auditor').request('GET', '/v1/statistics/check', { query: { period: '2026-11', department: departmentId, cursor } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        page = res.body as Json;
        expect(page.differences).toEqual([]);
        cursor = page.cursor as string | undefined;
      } while (cursor);
      expect(page.consistent).toBe(true);
      expect(page.factsRecomputed).toBeGreaterThan(0);
    }
  });

  it('publishes the figures without personal data or case numbers, as JSON and CSV', async () => {
    const json = await publicGet('period=2026-11');
    const csv = await publicGet('period=2026-11&format=csv');
    expect(json.status).toBe(200);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const published = JSON.parse(json.text) as Json;
    const market = (published.departments as Json[]).find((d) => d.departmentId === DEPARTMENTS.market.id)!;
    const internal = ((await monthFigures()).departments as Json[]).find((d) => d.departmentId === DEPARTMENTS.market.id)!;
    expect(market).toMatchObject({ received: internal.figures.received, approved: internal.figures.approved, p90WorkingDays: internal.figures.p90WorkingDays });
    // No case of this month was rated: no review counted, no rate to give.
    expect(market).toMatchObject({ evaluationsRated: 0, goodReviewRate: null, rectificationOnTimeRate: null });
    expect(csv.text.split('\r\n')[0]).toBe(
      'period,departmentId,departmentName,itemsPublished,received,accepted,refused,approved,denied,withdrawn,onlineShare,promisedOnTimeRate,statutoryOnTimeRate,meanWorkingDays,p90WorkingDays,evaluationsRated,goodReviewRate,rectificationOnTimeRate',
    );
    expect(csv.text).toContain(`2026-11,${DEPARTMENTS.market.id},${DEPARTMENTS.market.name},`);
    for (const f of FIXTURES) {
      for (const secret of [f.applicant.name, f.applicant.residentId, f.applicant.phone, f.caseNo!]) {
        expect(json.text).not.toContain(secret);
        expect(csv.text).not.toContain(secret);
      }
    }
    expect((await publicGet('period=2026-13')).status).toBe(400);
  });

  it('lets a department read its own figures only', async () => {
    const own = await as('housing').request('GET', '/v1/statistics', { query: { period: '2026-11' } });
    expect(own.status).toBe(200);
    expect(((own.body as Json).departments as Json[]).map((d) => d.departmentId)).toEqual([DEPARTMENTS.housing.id]);
    const other = await as('housing').request('GET', '/v1/statistics', { query: { period: '2026-11', department: DEPARTMENTS.market.id } });
    expect(other.status).toBe(403);
    expect((other.body as Json).error.code).toBe('STATISTICS_DEPARTMENT_FORBIDDEN');
    expect((await as('portal').request('GET', '/v1/statistics', { query: { period: '2026-11' } })).status).toBe(403);
  });

  it('shows the figures, the published CSV and the check with tongban supervision stats', async () => {
    const cli = (...args: string[]) => runCli(env.platform.credentialsPath, 'supervision', 'stats', '--period', '2026-11', ...args);
    const table = await cli('--as', 'reviewer');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toContain(DEPARTMENTS.market.name);
    expect(table.out).toContain(`${FIXTURES[0]!.guide.implementationCode} · ${CHANNELS.find((c) => c.kind === 'service-hall-window')!.id}`);
    const csv = await cli('--public', '--csv', '--as', 'auditor');
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/^period,departmentId,departmentName,itemsPublished,received,/);
    const check = await cli('--department', DEPARTMENTS.housing.id, '--check', '--as', 'auditor');
    expect(check.code, check.err).toBe(0);
    expect(check.out).toMatch(/核对一致 consistent: \d+ 项由办件记录重算/);
    const refused = await cli('--department', DEPARTMENTS.market.id, '--as', 'housing');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('STATISTICS_DEPARTMENT_FORBIDDEN');
  });

  it('changes no figure when the bus replays every event', async () => {
    const before = await monthFigures();
    const { replayed } = await env.platform.caseEvents.bus.replay({ bus: LOCAL_CASE_EVENT_BUS, from: new Date(0), to: new Date('2100-01-01T00:00:00Z') });
    expect(replayed).toBeGreaterThan(100);
    await env.platform.caseEvents.drained();
    await env.platform.caseEvents.deliver();
    expect(await monthFigures()).toEqual(before);
  });

  it("seals the month's public figures once the month is over: the document is in the archive, answers the public route, and verifies with OpenSSL by the README's recipe", async () => {
    expect((await fetch(`${env.platform.endpoint}/v1/public/statistics/documents/2026-11`)).status).toBe(404);
    const unsealed = JSON.parse((await publicGet('period=2026-11')).text) as Json;
    expect(unsealed.sealed).toBe(false);
    // Act: on 2 December (the month ended a day ago) the tally's tick rolls the days up, which publishes
    // nothing itself; the publication run then publishes it; a second run changes nothing.
    env.day('2026-12-02');
    await env.platform.caseEvents.deliver();
    expect((await fetch(`${env.platform.endpoint}/v1/public/statistics/documents/2026-11`)).status).toBe(404);
    expect(await env.platform.scheduled.publication()).toEqual({ published: '2026-11' });
    const res = await fetch(`${env.platform.endpoint}/v1/public/statistics/documents/2026-11`);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Json;
    expect(await env.platform.scheduled.publication()).toEqual({});
    expect(await (await fetch(`${env.platform.endpoint}/v1/public/statistics/documents/2026-11`)).json()).toEqual(answer);

    // Assess: the document is the month's public figures; the public route now answers them, sealed.
    const document = JSON.parse(answer.document as string) as Json;
    expect(document).toMatchObject({ type: 'tongban.statistics.month', month: '2026-11' });
    const sealed = JSON.parse((await publicGet('period=2026-11')).text) as Json;
    expect(sealed).toEqual({ ...unsealed, sealed: true });
    expect(document.statistics).toEqual({ period: '2026-11', from: '2026-11-01', to: '2026-11-30', departments: unsealed.departments });
    // The archive holds the same bytes and seal.
    const archive = platformArchive(env.platform);
    expect((await archive.get('statistics/2026-11.json'))?.toString('utf8')).toBe(answer.document);
    expect(JSON.parse((await archive.get('statistics/2026-11.seal.json'))!.toString('utf8'))).toEqual(answer.seal);

    // The README's commands, as they are, on the document, its seal and the published keys.
    const dir = await mkdtemp(join(tmpdir(), 'tongban-statistics-verify-'));
    try {
      await writeFile(join(dir, 'statistics.json'), answer.document as string);
      await writeFile(join(dir, 'statistics.seal.json'), JSON.stringify(answer.seal));
      await writeFile(join(dir, 'jwks.json'), await (await fetch(`${env.platform.endpoint}/v1/.well-known/jwks.json`)).text());
      expect(README_SCRIPT).toBeDefined();
      const { stdout } = await promisify(execFile)('sh', ['-euc', README_SCRIPT!], { cwd: dir });
      expect(stdout).toContain('Verified OK');
      // A figure changed in the document no longer verifies.
      await writeFile(join(dir, 'statistics.json'), (answer.document as string).replace('"received":', '"received":1'));
      await expect(promisify(execFile)('sh', ['-euc', README_SCRIPT!], { cwd: dir })).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
