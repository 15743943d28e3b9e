// Webhooks in the domain: Standard Webhooks signatures (checked with the `standardwebhooks` library,
// not with our own code), the retry schedule, the endpoint rules, and the router over an in-memory
// store — each version routed once and in order per case whatever order and how often the bus gives
// them, the outbox read for the versions in between (evaluations and tickets apart from each other
// under their own keys), deliveries in order per (subscription, record),
// retried on the schedule, parked, and the leftovers of interrupted moves finished.
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { MAX_ATTEMPTS, RETRY_BACKOFF_SECONDS, RETRY_WINDOW_SECONDS, afterFailure } from '../../shared/domain/events/delivery-schedule.ts';
import { checkEndpointUrl, isAllowedAddress } from '../../shared/domain/events/endpoint-rules.ts';
import { EventRouter } from '../../shared/domain/events/event-router.ts';
import type { Owner, SendOutcome, WebhookRequest, WebhookSender } from '../../shared/domain/events/ports.ts';
import { SubscriptionService } from '../../shared/domain/events/subscriptions.ts';
import { newWebhookSecret, webhookHeaders } from '../../shared/domain/events/webhook-signature.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { caseEventOf, caseEvents } from '../support/case-event-fixtures.ts';
import { evaluationEvents, ticketEvents } from '../support/feedback-event-fixtures.ts';
import { MemoryEventStore, MemoryOutbox } from '../support/memory-event-store.ts';
import { refusal, rejection } from '../support/refusal.ts';

describe('Standard Webhooks signatures', () => {
  const body = JSON.stringify(caseEventOf('2026112300000AB12C', { channelId: 'portal', departmentId: 'dept-a' }, 1));

  it('verify with the standardwebhooks library: the secret, the id, the timestamp and the body as sent', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const headers = webhookHeaders(secret, '2026112300000AB12C.1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('do not verify with another secret, another body, another id or another timestamp', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, '2026112300000AB12C.1', new Date(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body.replace('"version":1', '"version":2'), headers)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': '2026112300000AB12C.2' })).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) })).toThrow(/signature/i);
  });

  it('carry the attempt time: the library refuses one signed an hour ago', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, '2026112300000AB12C.1', new Date(Date.now() - 3600_000), body);
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/timestamp/i);
  });
});

describe('the retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after failures 1 to 7 and parks after the 8th: more than 24 hours of trying', () => {
    const at = new Date('2026-11-23T00:00:00.000Z');
    const waits = Array.from({ length: 7 }, (_, i) => {
      const next = afterFailure(i + 1, at);
      if (next.park) throw new Error(`parked after ${i + 1}`);
      return (next.nextAt.getTime() - at.getTime()) / 1000;
    });
    expect(waits).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(waits).toEqual([...RETRY_BACKOFF_SECONDS]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(afterFailure(8, at)).toEqual({ park: true });
    expect(RETRY_WINDOW_SECONDS).toBe(99_305);
    expect(RETRY_WINDOW_SECONDS).toBeGreaterThan(24 * 3600);
    expect(() => afterFailure(0, at)).toThrow();
  });

  it('parks at its first failure a delivery that has waited the whole schedule already (held up behind an earlier one of its case)', () => {
    const at = new Date('2026-11-24T06:00:00.000Z');
    const queued = (seconds: number) => new Date(at.getTime() - seconds * 1000);
    expect(afterFailure(1, at, queued(RETRY_WINDOW_SECONDS))).toEqual({ park: true });
    expect(afterFailure(1, at, queued(RETRY_WINDOW_SECONDS - 1))).toEqual({ park: false, nextAt: new Date(at.getTime() + 5000) });
  });
});

describe('endpoint rules', () => {
  const aws = { allowLoopback: false };
  const embedded = { allowLoopback: true };
  const code = (url: string, policy = aws) => refusal(() => checkEndpointUrl(url, policy)).code;

  it('take public https URLs as they are', () => {
    expect(checkEndpointUrl('https://hooks.example.cn/tongban?channel=1', aws)).toBe('https://hooks.example.cn/tongban?channel=1');
    expect(checkEndpointUrl('https://203.0.114.7:8443/in', aws)).toBe('https://203.0.114.7:8443/in');
  });

  it('refuse what is not an https URL, carries credentials or a fragment, or is too long', () => {
    expect(code('http://hooks.example.cn/')).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code('ftp://hooks.example.cn/')).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code('hooks.example.cn/in')).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code('https://user:pass@hooks.example.cn/')).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code('https://hooks.example.cn/#x')).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code(`https://hooks.example.cn/${'a'.repeat(2040)}`)).toBe('SUBSCRIPTION_URL_INVALID');
  });

  it('refuse internal addresses and this machine on AWS, in any spelling', () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://localhost/',
      'https://api.localhost/',
      'https://10.1.2.3/',
      'https://172.20.0.1/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://2130706433/', // 127.0.0.1 as one number: the URL parser makes it 127.0.0.1
      'https://intranet/',
    ])
      expect(code(url), url).toBe('SUBSCRIPTION_URL_NOT_ALLOWED');
  });

  it('embedded, also take http and https to this machine, and nothing else over http', () => {
    expect(checkEndpointUrl('http://127.0.0.1:4010/hook', embedded)).toBe('http://127.0.0.1:4010/hook');
    expect(checkEndpointUrl('http://localhost:4010/hook', embedded)).toBe('http://localhost:4010/hook');
    expect(checkEndpointUrl('http://[::1]:4010/hook', embedded)).toBe('http://[::1]:4010/hook');
    expect(code('http://hooks.example.cn/', embedded)).toBe('SUBSCRIPTION_URL_INVALID');
    expect(code('https://10.0.0.1/', embedded)).toBe('SUBSCRIPTION_URL_NOT_ALLOWED');
    expect(isAllowedAddress('127.0.0.1', embedded)).toBe(true);
    expect(isAllowedAddress('127.0.0.1', aws)).toBe(false);
    expect(isAllowedAddress('8.8.8.8', aws)).toBe(true);
  });
});

/** A receiver that answers as told, recording every request. */
class ScriptedSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];
  answer: (req: WebhookRequest) => SendOutcome = () => ({ ok: true, status: 204 });

  async send(req: WebhookRequest): Promise<SendOutcome> {
    this.requests.push(req);
    return this.answer(req);
  }

  ids(url?: string): string[] {
    return this.requests.filter((r) => url === undefined || r.url === url).map((r) => r.headers['webhook-id']!);
  }
}

const PORTAL: Caller = { name: 'portal', role: 'channel', channelId: 'portal' };
const APP: Caller = { name: 'app', role: 'channel', channelId: 'app' };
const DEPT_A: Caller = { name: 'dept-a', role: 'department', departmentId: 'dept-a' };
const DEPT_B: Caller = { name: 'dept-b', role: 'department', departmentId: 'dept-b' };
const CASE_1 = '2026112300000AAAA1';
const CASE_2 = '2026112300000BBBB2';
const JOINT = '2026112300000CCCC3';

describe('routing and delivering', () => {
  let store: MemoryEventStore;
  let outbox: MemoryOutbox;
  let sender: ScriptedSender;
  let clock: Date;
  let router: EventRouter;
  let service: SubscriptionService;
  let parked: { owner: Owner; subscriptionId: string; eventId: string }[];
  let skipped: [string, number[]][];
  const now = () => clock;
  const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

  beforeEach(() => {
    store = new MemoryEventStore();
    outbox = new MemoryOutbox();
    sender = new ScriptedSender();
    clock = new Date('2026-11-23T02:00:00.000Z');
    parked = [];
    skipped = [];
    router = new EventRouter({ store, outbox, sender, now, onParked: (p) => parked.push(p), onSkipped: (c, v) => skipped.push([c, v]) });
    service = new SubscriptionService({ store, endpoints: { allowLoopback: true }, now });
  });

  /** Events 1..n of a case, in the outbox. */
  const history = (caseNo: string, parties: Parameters<typeof caseEvents>[1], n: number): CaseEvent[] => {
    const events = caseEvents(caseNo, parties, n);
    for (const e of events) outbox.add(caseNo, { version: e.data.version, event: e });
    return events;
  };

  it('routes each version once and in order, however the bus orders and repeats them; reads the outbox for the ones in between', async () => {
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const events = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 5);
    const [e1, e2, e3, e4, e5] = events as [CaseEvent, CaseEvent, CaseEvent, CaseEvent, CaseEvent];
    expect((await router.route(e3)).routed).toBe(3);
    expect(outbox.reads).toBe(1);
    const again = await router.route(e1);
    expect(again).toMatchObject({ routed: 0, duplicates: 1 });
    await router.route(e2);
    await router.route(e3);
    await router.route(e5);
    await router.route(e4);
    expect(sender.ids()).toEqual(events.map((e) => e.id));
    expect(await store.routedVersion(CASE_1)).toBe(5);
    // Each request is the CloudEvent, signed with the subscription's secret.
    const wh = new Webhook(sub.secret);
    for (const [i, r] of sender.requests.entries()) {
      expect(r.headers['content-type']).toBe('application/cloudevents+json');
      expect(wh.verify(r.body, r.headers)).toEqual(events[i]);
    }
    // Nothing is left: no pending delivery, no pair marker.
    expect(await store.pendingOfPair(sub.id, CASE_1, 10)).toEqual([]);
    expect(store.markers.size).toBe(0);
  });

  it('sends each owner its own: a channel its cases, a department its own and its joint tasks, a co-department nothing of the others; types filter', async () => {
    const portal = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const app = await service.create(APP, { url: 'http://127.0.0.1:9/app' });
    const a = await service.create(DEPT_A, { url: 'http://127.0.0.1:9/a' });
    const b = await service.create(DEPT_B, { url: 'http://127.0.0.1:9/b' });
    const bDecisions = await service.create(DEPT_B, { url: 'http://127.0.0.1:9/b-decide', types: ['cn.tongban.case.decide'] });
    const one = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 2);
    const two = history(CASE_2, { channelId: 'app', departmentId: 'dept-a' }, 2);
    const joint = history(JOINT, { channelId: 'portal', departmentId: 'dept-a', coDepartmentIds: ['dept-b'] }, 6);
    for (const e of [...one, ...two, ...joint]) await router.route(e);
    const ids = (events: CaseEvent[]) => events.map((e) => e.id);
    expect(sender.ids(portal.url)).toEqual([...ids(one), ...ids(joint)]);
    expect(sender.ids(app.url)).toEqual(ids(two));
    expect(sender.ids(a.url)).toEqual([...ids(one), ...ids(two), ...ids(joint)]);
    expect(sender.ids(b.url)).toEqual(ids(joint));
    expect(sender.ids(bDecisions.url)).toEqual([`${JOINT}.6`]);
    // The feeds say the same.
    advance(3);
    const feed = async (caller: Caller) => (await service.feed(caller, { limit: 100 })).events.map((e) => e.id);
    expect(await feed(APP)).toEqual(ids(two));
    expect(await feed(DEPT_B)).toEqual(ids(joint));
  });

  it("routes an evaluation's and a ticket's events apart though their ids are alike, each in order from its own outbox, to its channel and the departments addressed", async () => {
    // Arrange: a ticket and an evaluation with the same 32-hex id; the ticket's first two steps only in the outbox.
    const id = 'ab'.repeat(16);
    const ticket = ticketEvents(id, 'portal', 'dept-a', 'dept-b');
    const review = evaluationEvents(id, 'app', 'dept-a');
    for (const e of ticket.slice(0, 2)) outbox.add(`ticket:${id}`, { version: e.data.version, event: e });
    for (const e of review) outbox.add(`evaluation:${id}`, { version: e.data.version, event: e });
    const portal = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const app = await service.create(APP, { url: 'http://127.0.0.1:9/app' });
    const a = await service.create(DEPT_A, { url: 'http://127.0.0.1:9/a' });
    const b = await service.create(DEPT_B, { url: 'http://127.0.0.1:9/b' });
    const aAnswers = await service.create(DEPT_A, { url: 'http://127.0.0.1:9/a-answers', types: ['cn.tongban.evaluation.answer', 'cn.tongban.ticket.answer'] });

    // Act: the ticket's answer arrives first (its earlier steps read from the outbox), then the review's steps.
    await router.route(ticket[2]!);
    for (const e of review) await router.route(e);
    await router.route(ticket[0]!);

    // Assess
    expect(await store.routedVersion(`ticket:${id}`)).toBe(3);
    expect(await store.routedVersion(`evaluation:${id}`)).toBe(2);
    expect(await store.routedVersion(id)).toBe(0);
    const tag = (events: { source: string; id: string }[]) => events.map((e) => `${e.source} ${e.id}`);
    const sent = (url: string) => sender.requests.filter((r) => r.url === url).map((r) => JSON.parse(r.body) as { source: string; id: string });
    expect(tag(sent(portal.url))).toEqual(tag(ticket));
    expect(tag(sent(app.url))).toEqual(tag(review));
    // The first department: the filing and the transfer away from it, and its review; not the answer given by the second.
    expect(tag(sent(a.url))).toEqual(tag([ticket[0]!, ticket[1]!, ...review]));
    expect(tag(sent(b.url))).toEqual(tag([ticket[1]!, ticket[2]!]));
    expect(tag(sent(aAnswers.url))).toEqual(tag([review[1]!]));
    advance(3);
    expect((await service.feed(DEPT_B, { limit: 100 })).events).toEqual([ticket[1], ticket[2]]);
  });

  it("parks a ticket's delivery under the ticket's key and redelivers it by its event id", async () => {
    const id = 'cd'.repeat(16);
    const [filed] = ticketEvents(id, 'portal', 'dept-a', 'dept-b');
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    sender.answer = () => ({ ok: false, error: 'HTTP 503' });
    await router.route(filed!);
    for (const wait of RETRY_BACKOFF_SECONDS) {
      advance(wait);
      await router.tick();
    }
    expect((await service.failures(PORTAL, sub.id, { limit: 10 })).failures.map((f) => f.event.id)).toEqual([`${id}.1`]);
    expect(await store.parkedOne(sub.id, `ticket:${id}`, 1)).toBeDefined();
    sender.answer = () => ({ ok: true, status: 200 });
    expect(await service.redeliver(PORTAL, sub.id, [`${id}.1`, `${id}.2`])).toEqual({ redelivered: 1, notParked: [`${id}.2`] });
    await router.tick();
    expect(sender.ids().at(-1)).toBe(`${id}.1`);
    expect((await service.failures(PORTAL, sub.id, { limit: 10 })).failures).toEqual([]);
  });

  it('holds a pair up behind its failing delivery, retries it on the schedule, and lets other cases through meanwhile', async () => {
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const one = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 3);
    const two = history(CASE_2, { channelId: 'portal', departmentId: 'dept-a' }, 1);
    let down = true;
    sender.answer = (r) => (down && r.headers['webhook-id']!.startsWith(CASE_1) ? { ok: false, error: 'HTTP 500' } : { ok: true, status: 200 });
    await router.route(one[2]!);
    await router.route(two[0]!);
    // Case 1's first delivery failed once: its later ones are not tried; case 2's went through.
    expect(sender.ids()).toEqual([`${CASE_1}.1`, `${CASE_2}.1`]);
    const [head] = await store.pendingOfPair(sub.id, CASE_1, 1);
    expect(head).toMatchObject({ attempts: 1, lastError: 'HTTP 500', nextAt: '2026-11-23T02:00:05.000Z' });
    // Not due yet: a tick sends nothing.
    advance(4);
    await router.tick();
    expect(sender.requests).toHaveLength(2);
    advance(1);
    await router.tick();
    expect(sender.ids().slice(2)).toEqual([`${CASE_1}.1`]);
    down = false;
    advance(300);
    await router.tick();
    expect(sender.ids().slice(3)).toEqual([`${CASE_1}.1`, `${CASE_1}.2`, `${CASE_1}.3`]);
    expect(store.markers.size).toBe(0);
  });

  it('parks a delivery after 8 attempts over the schedule, tells of it, lets the pair go on; redelivery sends it again', async () => {
    const sub = await service.create(DEPT_A, { url: 'http://127.0.0.1:9/a' });
    const events = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 2);
    sender.answer = (r) => (r.headers['webhook-id'] === `${CASE_1}.1` ? { ok: false, error: 'ECONNREFUSED' } : { ok: true, status: 200 });
    await router.route(events[0]!);
    await router.route(events[1]!);
    for (const wait of RETRY_BACKOFF_SECONDS) {
      advance(wait);
      await router.tick();
    }
    expect(sender.ids()).toEqual([...Array(8).fill(`${CASE_1}.1`), `${CASE_1}.2`]);
    expect(parked).toEqual([{ owner: { kind: 'department', id: 'dept-a' }, subscriptionId: sub.id, eventId: `${CASE_1}.1`, attempts: 8, lastError: 'ECONNREFUSED' }]);
    const failures = await service.failures(DEPT_A, sub.id, { limit: 10 });
    expect(failures.failures.map((f) => [f.event.id, f.attempts, f.lastError, f.firstAttemptAt, f.parkedAt])).toEqual([
      [`${CASE_1}.1`, 8, 'ECONNREFUSED', '2026-11-23T02:00:00.000Z', clock.toISOString()],
    ]);
    sender.answer = () => ({ ok: true, status: 200 });
    expect(await service.redeliver(DEPT_A, sub.id, [`${CASE_1}.1`, `${CASE_1}.2`])).toEqual({ redelivered: 1, notParked: [`${CASE_1}.2`] });
    await router.tick();
    expect(sender.ids().at(-1)).toBe(`${CASE_1}.1`);
    expect((await service.failures(DEPT_A, sub.id, { limit: 10 })).failures).toEqual([]);
  });

  it('finishes an interrupted move: a delivery whose delivered marker was written is not sent again', async () => {
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const [e1] = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 1);
    store.failOnce.add('markDelivered.delete');
    await expect(router.route(e1!)).rejects.toThrow(/injected/);
    expect(sender.requests).toHaveLength(1);
    // The bus gives it again: routed already. The pair's lease runs out; the next tick finds the leftover.
    expect(await router.route(e1!)).toMatchObject({ duplicates: 1 });
    advance(121);
    await router.tick();
    expect(sender.requests).toHaveLength(1);
    expect(await store.pendingOfPair(sub.id, CASE_1, 10)).toEqual([]);
    expect(store.markers.size).toBe(0);
  });

  it('routes again after a failure before the watermark moved, without adding a delivery twice', async () => {
    await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const [e1, e2] = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 2);
    store.failOnce.add('moveRouted');
    await expect(router.route(e2!)).rejects.toThrow(/injected/);
    expect(sender.requests).toHaveLength(0);
    await router.route(e2!);
    await router.route(e1!);
    expect(sender.ids()).toEqual([`${CASE_1}.1`, `${CASE_1}.2`]);
  });

  it('skips the entries written before events existed, and says so', async () => {
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const events = caseEvents(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 4);
    outbox.add(CASE_1, { version: 1 });
    outbox.add(CASE_1, { version: 2 });
    outbox.add(CASE_1, { version: 3, event: events[2]! });
    await router.route(events[3]!);
    expect(sender.ids(sub.url)).toEqual([`${CASE_1}.3`, `${CASE_1}.4`]);
    expect(skipped).toEqual([[CASE_1, [1, 2]]]);
  });

  it('does not route past an entry missing from the outbox: the event is given again later', async () => {
    await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const events = caseEvents(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 3);
    outbox.add(CASE_1, { version: 1, event: events[0]! });
    await expect(router.route(events[2]!)).rejects.toThrow(/entry 2 is missing/);
    expect(await store.routedVersion(CASE_1)).toBe(0);
  });

  it('drops what a removed subscription had not delivered', async () => {
    const sub = await service.create(PORTAL, { url: 'http://127.0.0.1:9/portal' });
    const events = history(CASE_1, { channelId: 'portal', departmentId: 'dept-a' }, 2);
    sender.answer = () => ({ ok: false, error: 'HTTP 503' });
    await router.route(events[1]!);
    expect(await store.pendingOfPair(sub.id, CASE_1, 10)).toHaveLength(2);
    expect(await service.remove(PORTAL, sub.id)).toEqual({ id: sub.id, removed: true });
    expect(await store.pendingOfPair(sub.id, CASE_1, 10)).toEqual([]);
    advance(10);
    await router.tick();
    expect(sender.requests).toHaveLength(1);
  });
});

describe('subscriptions', () => {
  let store: MemoryEventStore;
  let service: SubscriptionService;
  beforeEach(() => {
    store = new MemoryEventStore();
    service = new SubscriptionService({ store, endpoints: { allowLoopback: false } });
  });

  it("are each owner's own: another's id is not found, its list is not shown", async () => {
    const sub = await service.create(PORTAL, { url: 'https://hooks.example.cn/portal', types: ['cn.tongban.case.accept', 'cn.tongban.case.accept'] });
    expect(sub).toMatchObject({ url: 'https://hooks.example.cn/portal', types: ['cn.tongban.case.accept'], owner: { kind: 'channel', id: 'portal' }, createdBy: 'portal' });
    expect((await service.list(PORTAL)).subscriptions).toEqual([{ id: sub.id, url: sub.url, types: sub.types, owner: sub.owner, createdAt: sub.createdAt, createdBy: 'portal' }]);
    expect(JSON.stringify(await service.list(PORTAL))).not.toContain(sub.secret);
    expect((await service.list(APP)).subscriptions).toEqual([]);
    for (const attempt of [service.remove(APP, sub.id), service.failures(DEPT_A, sub.id, { limit: 5 }), service.redeliver(APP, sub.id, undefined)]) {
      expect((await rejection(attempt)).code).toBe('SUBSCRIPTION_NOT_FOUND');
    }
    expect((await service.list(PORTAL)).subscriptions).toHaveLength(1);
  });

  it('are at most 10 an owner; unknown types and the auditor and platform roles are refused', async () => {
    for (let i = 0; i < 10; i++) await service.create(DEPT_A, { url: `https://hooks.example.cn/${i}` });
    expect((await rejection(service.create(DEPT_A, { url: 'https://hooks.example.cn/11' }))).code).toBe('SUBSCRIPTION_LIMIT_REACHED');
    expect((await rejection(service.create(DEPT_B, { url: 'https://hooks.example.cn/', types: ['cn.tongban.case.approve'] }))).code).toBe('SUBSCRIPTION_TYPE_UNKNOWN');
    expect((await rejection(service.list({ name: 'auditor', role: 'auditor' }))).code).toBe('ROLE_FORBIDDEN');
    expect((await rejection(service.create({ name: 'reviewer', role: 'platform' }, { url: 'https://hooks.example.cn/' }))).code).toBe('ROLE_FORBIDDEN');
  });

  it('are saved on condition nobody changed them meanwhile: concurrent adds all land', async () => {
    const created = await Promise.all(Array.from({ length: 4 }, (_, i) => service.create(DEPT_A, { url: `https://hooks.example.cn/${i}` })));
    expect((await service.list(DEPT_A)).subscriptions.map((s) => s.id).sort()).toEqual(created.map((s) => s.id).sort());
  });
});
