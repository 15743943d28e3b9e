// Case events end to end on the embedded platform: channels and a department subscribe webhook
// receivers (real HTTP servers on loopback, signatures checked with the `standardwebhooks` library)
// through the signed API; every step of their cases reaches them in order — the history entry, its
// record on the cases table's stream, the relay, the bus, the deliveries function — and nothing of
// another channel's. A receiver answering 500 gets the event again once it answers; one down for good
// ends in the failures list and is redelivered on request. And a `kill -9` of the platform between an
// action and its delivery: the event arrives after the restart, once by its id.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiClient } from '../../shared/cli/api-client.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import type { Delivery, Receiver } from '../support/webhook-receiver.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const APPLICANT = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };

async function file(client: ApiClient): Promise<string> {
  const res = await fileWithRequiredMaterials(client, FOOD, APPLICANT);
  expect(res.status).toBe(201);
  return (res.body as Json).caseNo as string;
}

async function subscribe(client: ApiClient, receiver: Receiver, url = receiver.url): Promise<string> {
  const res = await client.request('POST', '/v1/subscriptions', { body: { url } });
  expect(res.status).toBe(201);
  receiver.secret = (res.body as Json).secret as string;
  return (res.body as Json).id as string;
}

/** The ids of a case's events: one per history entry, `<caseNo>.<n>`, in order. */
async function eventIds(client: ApiClient, caseNo: string): Promise<string[]> {
  const res = await client.request('GET', `/v1/cases/${caseNo}/history`);
  expect(res.status).toBe(200);
  return ((res.body as Json).entries as { n: number }[]).map((e) => `${caseNo}.${e.n}`);
}

const ofCase = (deliveries: Delivery[], caseNo: string) => deliveries.filter((d) => d.id.startsWith(`${caseNo}.`)).map((d) => d.id);
const covers = (expected: string[]) => (acknowledged: Delivery[]) => expected.every((id) => acknowledged.some((d) => d.id === id));

describe('case events on the embedded platform (in process)', () => {
  let dataDir: string;
  let platform: RunningPlatform;
  /** The platform clock: the tests move it to make retries due. */
  let clock = new Date('2026-11-23T02:00:00Z');
  const as = signedClients(() => platform);
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    dataDir = await mkdtemp(join(tmpdir(), 'tongban-events-e2e-'));
    platform = await startPlatform({ dataDir, port: 0, now: () => clock, scheduleIntervalMs: 0, deliveryIntervalMs: 0 });
  });
  afterAll(async () => {
    await platform?.close();
    await Promise.all(receivers.map((r) => r.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  let portal: Receiver;
  let hall: Receiver;
  let market: Receiver;
  let ofPortal: string;
  let ofHall: string;

  it("gives each channel every event of its own cases, in order and signed, and none of another's; the department both", async () => {
    [portal, hall, market] = [await receiver(), await receiver(), await receiver()];
    await subscribe(as('portal'), portal);
    await subscribe(as('hall-window'), hall);
    await subscribe(as('market'), market);

    ofPortal = await file(as('portal'));
    ofHall = await file(as('hall-window'));
    expect((await as('market').request('POST', `/v1/cases/${ofPortal}/accept`, { body: {} })).status).toBe(200);
    expect((await as('market').request('POST', `/v1/cases/${ofHall}/refuse`, { body: { reasons: ['不属于本部门职权范围'] } })).status).toBe(200);
    await platform.caseEvents.drained();

    const portalIds = await eventIds(as('portal'), ofPortal);
    const hallIds = await eventIds(as('hall-window'), ofHall);
    expect(portalIds.length).toBeGreaterThanOrEqual(2);
    await portal.until(covers(portalIds), 'the portal case');
    await hall.until(covers(hallIds), 'the hall case');
    await market.until(covers([...portalIds, ...hallIds]), "the market's cases");

    expect(ofCase(portal.acknowledged, ofPortal)).toEqual(portalIds);
    expect(ofCase(portal.acknowledged, ofHall)).toEqual([]);
    expect(ofCase(hall.acknowledged, ofHall)).toEqual(hallIds);
    expect(ofCase(hall.acknowledged, ofPortal)).toEqual([]);
    expect(ofCase(market.acknowledged, ofPortal)).toEqual(portalIds);
    expect(ofCase(market.acknowledged, ofHall)).toEqual(hallIds);
    for (const d of [...portal.acknowledged, ...hall.acknowledged, ...market.acknowledged]) expect(d.verified, d.id).toBe(true);
    // The event says what happened, and nothing of the applicant.
    const accepted = portal.acknowledged.find((d) => d.body.type === 'cn.tongban.case.accept')!;
    expect(accepted.body).toMatchObject({ specversion: '1.0', subject: ofPortal, data: { caseNo: ofPortal, status: 'accepted', from: 'received', channelId: 'kunming-portal' } });
    expect(JSON.stringify(portal.acknowledged)).not.toContain(APPLICANT.residentId);
  });

  it('gives a receiver that answered 500 the event again once it answers, once by id', async () => {
    portal.answer = 500;
    const before = portal.requests;
    expect((await as('market').request('POST', `/v1/cases/${ofPortal}/pause`, { body: { procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 5 } })).status).toBe(
      200,
    );
    await platform.caseEvents.drained();
    const ids = await eventIds(as('portal'), ofPortal);
    const paused = ids.at(-1)!;
    expect(portal.requests).toBeGreaterThan(before);
    expect(portal.acknowledged.map((d) => d.id)).not.toContain(paused);

    portal.answer = 200;
    clock = new Date(clock.getTime() + 10_000);
    await platform.caseEvents.deliver();
    await portal.until(covers([paused]), 'the pause after the 500s');
    const all = portal.acknowledged.map((d) => d.id);
    expect(new Set(all).size).toBe(all.length);
    expect(ofCase(portal.acknowledged, ofPortal)).toEqual(ids);
  });

  it('parks the events of a receiver down for good after the schedule (27.6 h), lists them as failures and redelivers them on request', async () => {
    const down = await receiver();
    down.answer = 503;
    const id = await subscribe(as('portal'), down);
    expect((await as('market').request('POST', `/v1/cases/${ofPortal}/resume`, { body: {} })).status).toBe(200);
    await platform.caseEvents.drained();
    const resumed = (await eventIds(as('portal'), ofPortal)).at(-1)!;

    for (let i = 0; i < 10; i++) {
      clock = new Date(clock.getTime() + 11 * 3600_000);
      await platform.caseEvents.deliver();
    }
    const failures = await as('portal').request('GET', `/v1/subscriptions/${id}/failures`);
    expect(failures.status).toBe(200);
    const parked = (failures.body as Json).failures as { event: { id: string }; attempts: number; firstAttemptAt: string; parkedAt: string; lastError: string }[];
    expect(parked.map((f) => f.event.id)).toEqual([resumed]);
    // Retried for at least 24 hours (the clock moved 11 h a tick), then parked.
    expect(Date.parse(parked[0]!.parkedAt) - Date.parse(parked[0]!.firstAttemptAt)).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(parked[0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(parked[0]!.lastError).toBe('HTTP 503');
    // Another owner sees no such subscription.
    expect((await as('hall-window').request('GET', `/v1/subscriptions/${id}/failures`)).status).toBe(404);

    down.answer = 200;
    const redelivered = await as('portal').request('POST', `/v1/subscriptions/${id}/redeliver`, { body: {} });
    expect(redelivered.status).toBe(200);
    expect((redelivered.body as Json).redelivered).toBe(1);
    await platform.caseEvents.deliver();
    await down.until(covers([resumed]), 'the redelivered event');
    expect(down.acknowledged.map((d) => d.id)).toEqual([resumed]);
    expect(((await as('portal').request('GET', `/v1/subscriptions/${id}/failures`)).body as Json).failures).toEqual([]);
  });
});

describe('case events across a kill -9 of the embedded platform', () => {
  it('delivers the events of an action after the restart, once each by id', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tongban-events-kill-'));
    const portal = await startReceiver();
    let proc = await startPlatformProcess(dataDir);
    try {
      const as = signedClients(() => proc);
      await subscribe(as('portal'), portal);
      const caseNo = await file(as('portal'));
      const accept = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
      expect(accept.status).toBe(200);
      // Killed as soon as the action is answered: its event is somewhere between the entry and the receiver.
      process.kill(proc.pid, 'SIGKILL');
      await proc.stop();

      proc = await startPlatformProcess(dataDir);
      const expected = await eventIds(as('portal'), caseNo);
      await portal.until(covers(expected), 'the events after the restart', 240_000);
      const ids = ofCase(portal.acknowledged, caseNo);
      expect([...new Set(ids)]).toEqual(expected);
      for (const d of portal.acknowledged) expect(d.verified).toBe(true);
    } finally {
      await proc.stop();
      await portal.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
