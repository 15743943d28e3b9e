// Evaluation and ticket events end to end on the embedded platform: channels and departments subscribe
// webhook receivers (real HTTP servers on loopback, signatures checked with the `standardwebhooks`
// library) through the signed API; each step of a ticket and of a review reaches them in order — the
// history entry in the feedback table, its record on the table's stream, the feedback relay, the bus,
// the deliveries function — and the feeds (GET /v1/events) say the same: a complaint filed, transferred
// and answered reaches its channel in order; the department it left learns of the transfer but not of
// the answer; the department it went to gets the transfer and the answer; another channel gets nothing.
// A bad review's rectification answer reaches the department and the channel. Nothing personal in them.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { fileWithRequiredMaterials, signedClients } from '../support/signed-clients.ts';
import type { Delivery, Receiver } from '../support/webhook-receiver.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOOD = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!;
const PERSON = { kind: 'person', residentId: `53010219800101001${residentIdCheckChar('53010219800101001')}`, name: '张三', phone: '13800138000' };
const SAID = ['窗口办理拖延', '拖延不予受理', '属住建部门职责', '已责令窗口限期受理', '窗口人员态度生硬', '已对窗口人员批评教育'];

const env = useClockedPlatform('tongban-feedback-events-', '2026-11-06');
const as = signedClients(() => env.platform);
const receivers: Receiver[] = [];
afterAll(async () => Promise.all(receivers.map((r) => r.close())));

async function subscribe(principal: string, types?: string[]): Promise<Receiver> {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const res = await as(principal).request('POST', '/v1/subscriptions', { body: { url: receiver.url, ...(types ? { types } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  receiver.secret = (res.body as Json).secret as string;
  return receiver;
}

/** The feed of `principal` from the start (the clock moved past the feed's settling time first). */
async function feed(principal: string): Promise<Json[]> {
  const res = await as(principal).request('GET', '/v1/events', { query: { limit: '100', since: '2026-01-01T00:00:00Z' } });
  expect(res.status).toBe(200);
  return (res.body as Json).events as Json[];
}

const ofRecord = (deliveries: Delivery[], id: string) => deliveries.filter((d) => (d.body.subject as string) === id).map((d) => d.body.type as string);
const covers = (ids: string[]) => (acknowledged: Delivery[]) => ids.every((id) => acknowledged.some((d) => d.id === id));

describe('evaluation and ticket events on the embedded platform', () => {
  it('sends a complaint filed, transferred and answered to its channel in order; the first department the transfer but not the answer, the second both; another channel nothing', async () => {
    // Prepare
    const [portal, hall, market, housing] = [await subscribe('portal'), await subscribe('hall-window'), await subscribe('market'), await subscribe('housing')];
    const transfersOnly = await subscribe('market', ['cn.tongban.ticket.transfer']);

    // Act: filed on Friday 6 November (routed to the market by its item), passed to housing on Monday, answered on Tuesday.
    env.day('2026-11-06');
    const filed = await as('portal').request('POST', '/v1/tickets', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { kind: 'complaint', about: { item: FOOD.implementationCode }, person: PERSON, subject: '窗口办理拖延', text: '申请材料齐全，窗口人员拖延不予受理。' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = (filed.body as Json).id as string;
    env.day('2026-11-09');
    const transferred = await as('market').request('POST', `/v1/tickets/${id}/transfer`, {
      body: { departmentId: DEPARTMENTS.housing.id, reasons: '投诉涉及施工许可窗口，属住建部门职责' },
    });
    env.day('2026-11-10');
    const answered = await as('housing').request('POST', `/v1/tickets/${id}/answer`, { body: { text: '已核实，已责令窗口限期受理。', outcome: 'substantiated' } });
    await env.platform.caseEvents.drained();
    const ids = [1, 2, 3].map((n) => `${id}.${n}`);
    await portal.until(covers(ids), "the portal's ticket");
    await housing.until(covers(ids.slice(1)), 'the housing department');
    await market.until(covers(ids.slice(0, 2)), 'the market department');
    await transfersOnly.until(covers([ids[1]!]), "the market's transfers");
    env.day('2026-11-10', '10:00:10');

    // Assess
    expect([transferred.status, answered.status]).toEqual([200, 200]);
    const types = ['cn.tongban.ticket.file', 'cn.tongban.ticket.transfer', 'cn.tongban.ticket.answer'];
    expect(ofRecord(portal.acknowledged, id)).toEqual(types);
    expect(ofRecord(market.acknowledged, id)).toEqual(types.slice(0, 2));
    expect(ofRecord(housing.acknowledged, id)).toEqual(types.slice(1));
    expect(ofRecord(transfersOnly.acknowledged, id)).toEqual([types[1]]);
    expect(ofRecord(hall.acknowledged, id)).toEqual([]);
    for (const d of [...portal.acknowledged, ...market.acknowledged, ...housing.acknowledged]) expect(d.verified, d.id).toBe(true);
    const transfer = portal.acknowledged.find((d) => d.id === ids[1])!.body;
    expect(transfer).toMatchObject({
      source: '/tongban/tickets',
      subject: id,
      data: {
        kind: 'ticket',
        id,
        version: 2,
        action: 'transfer',
        state: 'assigned',
        departmentId: DEPARTMENTS.housing.id,
        fromDepartmentId: DEPARTMENTS.market.id,
        channelId: 'kunming-portal',
      },
    });
    // The feeds say the same, to the same parties.
    const feedOf = async (principal: string) => (await feed(principal)).filter((e) => e.subject === id).map((e) => e.type as string);
    expect(await feedOf('portal')).toEqual(types);
    expect(await feedOf('market')).toEqual(types.slice(0, 2));
    expect(await feedOf('housing')).toEqual(types.slice(1));
    expect(await feedOf('hall-window')).toEqual([]);
    expect(await feedOf('police')).toEqual([]);
    const everything = JSON.stringify([...portal.acknowledged, ...housing.acknowledged]);
    for (const said of [...SAID, PERSON.name, PERSON.residentId, PERSON.phone]) expect(everything).not.toContain(said);
  });

  it("sends a bad review's rating and its rectification answer to the department rated and to the channel", async () => {
    // Prepare: a case the portal filed, refused by the market.
    env.day('2026-11-12');
    const [portal, hall, market, housing] = [await subscribe('portal'), await subscribe('hall-window'), await subscribe('market'), await subscribe('housing')];
    const filed = await fileWithRequiredMaterials(as('portal'), FOOD, PERSON);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = (filed.body as Json).caseNo as string;
    expect((await as('market').request('POST', `/v1/cases/${caseNo}/refuse`, { body: { reasons: ['经营场所与申请材料所述不符'] } })).status).toBe(200);

    // Act
    const rated = await as('portal').request('POST', `/v1/cases/${caseNo}/evaluation`, { body: { level: 'very-dissatisfied', comment: '窗口人员态度生硬' } });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    const id = (rated.body as Json).id as string;
    env.day('2026-11-13');
    const answered = await as('market').request('POST', `/v1/evaluations/${id}/answer`, {
      body: { verification: '经核实属实', kind: 'rectified', text: '已对窗口人员批评教育' },
    });
    await env.platform.caseEvents.drained();
    const ids = [`${id}.1`, `${id}.2`];
    await portal.until(covers(ids), "the portal's review");
    await market.until(covers(ids), "the market's review");
    env.day('2026-11-13', '10:00:10');

    // Assess
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const types = ['cn.tongban.evaluation.rate', 'cn.tongban.evaluation.answer'];
    expect(ofRecord(portal.acknowledged, id)).toEqual(types);
    expect(ofRecord(market.acknowledged, id)).toEqual(types);
    expect(ofRecord(housing.acknowledged, id)).toEqual([]);
    expect(ofRecord(hall.acknowledged, id)).toEqual([]);
    expect(market.acknowledged.find((d) => d.id === ids[1])!.body).toMatchObject({
      source: '/tongban/evaluations',
      data: { kind: 'evaluation', action: 'answer', from: 'rectifying', state: 'answered', caseNo, departmentId: DEPARTMENTS.market.id, channelId: 'kunming-portal' },
    });
    expect((await feed('market')).filter((e) => e.subject === id).map((e) => e.type)).toEqual(types);
    expect((await feed('housing')).filter((e) => e.subject === id)).toEqual([]);
    for (const said of [...SAID, PERSON.name, 'very-dissatisfied']) expect(JSON.stringify(market.acknowledged)).not.toContain(said);
  });
});
