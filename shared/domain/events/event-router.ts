// The router of the platform's events (a case's, an evaluation's, a ticket's) and the sender of
// webhooks. The bus may deliver an event late, twice or before an earlier one of its record: per record
// (its key: platform-event.ts) a watermark says the newest version routed, and an event beyond it has
// the versions in between routed first (read from the outbox: the record's history entries), so each
// version is routed once, in order. Routing an event puts it in the feed of each of its audience (the
// channel; a case's department and co-departments, the department an evaluation or a ticket is
// addressed to, and the one a ticket left) and adds a pending delivery for each of their subscriptions
// that takes its type.
//
// Deliveries are made per (subscription, record) pair, in version order: a pair's delivery is tried
// only when no earlier one of the pair is pending (a parked one no longer holds the pair up). One run
// at a time works on a pair (a lease on the pair's marker). A failed attempt is tried again on the
// schedule of delivery-schedule.ts, then parked. Every move is a put then a delete (no transactions):
// whoever finds the leftover of an interrupted move finishes it.
import { randomUUID } from 'node:crypto';
import type { PlatformEvent } from '../../contracts/platform-events.ts';
import { afterFailure } from './delivery-schedule.ts';
import { eventAudience, eventKey } from './platform-event.ts';
import type { EventOutbox, EventStore, Owner, PairMarker, PendingDelivery, Subscription, WebhookSender } from './ports.ts';
import { ensurePairMarker } from './subscriptions.ts';
import { webhookHeaders } from './webhook-signature.ts';

/** Versions read from the outbox and routed between two moves of the watermark. */
const CATCH_UP_CHUNK = 100;
/** How long a run may work on a pair before another may take it over. */
export const PAIR_LEASE_MS = 120_000;
/** Deliveries a run makes to one pair before it lets the pair wait for the next run. */
const SENDS_PER_PAIR_RUN = 20;
/** Pairs a run works on at a time. */
const PAIR_CONCURRENCY = 8;
/** Pairs a tick takes up. */
export const PAIRS_PER_TICK = 100;

export interface EventRouterDeps {
  store: EventStore;
  outbox: EventOutbox;
  sender: WebhookSender;
  /** The schedule's clock (the embedded platform's may be shifted). */
  now?: () => Date;
  /**
   * The clock of `webhook-timestamp`: real time, whatever the schedule's clock says, because receivers
   * compare it with theirs (Standard Webhooks libraries refuse one 5 minutes off).
   */
  wallClock?: () => Date;
  /** Told of what was parked (the handler logs it and counts it for the alarm), and of old entries skipped. */
  onParked?: (parked: { owner: Owner; subscriptionId: string; eventId: string; attempts: number; lastError: string }) => void;
  onSkipped?: (key: string, versions: number[]) => void;
}

/** What a routing or a tick did. */
export interface RunReport {
  routed: number;
  duplicates: number;
  delivered: number;
  failedAttempts: number;
  parked: number;
}

const emptyReport = (): RunReport => ({ routed: 0, duplicates: 0, delivered: 0, failedAttempts: 0, parked: 0 });

export class EventRouter {
  private readonly store: EventStore;
  private readonly now: () => Date;
  private readonly wallClock: () => Date;

  constructor(private readonly deps: EventRouterDeps) {
    this.store = deps.store;
    this.now = deps.now ?? (() => new Date());
    this.wallClock = deps.wallClock ?? (() => new Date());
  }

  /**
   * Routes the event (and the versions of its record before it not routed yet), then tries the pending
   * deliveries of the pairs it touched. Throws when the store or the outbox fails: the event is then
   * given again (the queue's retry), and routing it again adds nothing twice.
   */
  async route(event: PlatformEvent): Promise<RunReport> {
    const report = emptyReport();
    const key = eventKey(event);
    const n = event.data.version;
    const touched = new Map<string, { subscriptionId: string; key: string }>();
    for (;;) {
      const m = await this.store.routedVersion(key);
      if (m >= n) {
        if (report.routed === 0) report.duplicates++;
        break;
      }
      const to = Math.min(n, m + CATCH_UP_CHUNK);
      const events = await this.versions(event, m + 1, to);
      for (const e of events) {
        for (const pair of await this.routeOne(e)) touched.set(`${pair.subscriptionId}#${pair.key}`, pair);
        report.routed++;
      }
      // Another run moved it meanwhile: it routed the same versions (feed and pending adds are idempotent per key); read again.
      await this.store.moveRouted(key, m, to);
    }
    await this.runPairs([...touched.values()], report);
    return report;
  }

  /** Tries the pairs whose deliveries are due (the queue's `{"tick":true}`, every minute). */
  async tick(): Promise<RunReport> {
    const report = emptyReport();
    const pairs = await this.store.duePairs(this.now().toISOString(), PAIRS_PER_TICK);
    await this.runPairs(pairs, report);
    return report;
  }

  /** Versions from..to of the event's record: the event itself for its own version, the outbox for the others. */
  private async versions(event: PlatformEvent, from: number, to: number): Promise<PlatformEvent[]> {
    const n = event.data.version;
    const key = eventKey(event);
    const wanted = to >= n ? to - 1 : to;
    const entries = wanted >= from ? await this.deps.outbox.entries(key, from, wanted) : [];
    const byVersion = new Map(entries.map((e) => [e.version, e]));
    const out: PlatformEvent[] = [];
    const skipped: number[] = [];
    for (let v = from; v <= wanted; v++) {
      const entry = byVersion.get(v);
      if (!entry) throw new Error(`${key}: history entry ${v} is missing from the outbox; version ${n} cannot be routed before it`);
      if (entry.event) out.push(entry.event);
      else skipped.push(v);
    }
    if (skipped.length > 0) this.deps.onSkipped?.(key, skipped);
    if (to >= n) out.push(event);
    return out;
  }

  /** Feed items and pending deliveries of one event; the pairs it added deliveries to. */
  private async routeOne(event: PlatformEvent): Promise<{ subscriptionId: string; key: string }[]> {
    const at = this.now().toISOString();
    const key = eventKey(event);
    const { channelId, departmentIds } = eventAudience(event);
    const owners: Owner[] = [{ kind: 'channel', id: channelId }, ...[...new Set(departmentIds)].map((id) => ({ kind: 'department' as const, id }))];
    const pairs: { subscriptionId: string; key: string }[] = [];
    for (const owner of owners) {
      await this.store.addToFeed(owner, event, at);
      const { subscriptions } = await this.store.subscriptions(owner);
      for (const s of subscriptions) {
        if (s.types.length > 0 && !s.types.includes(event.type)) continue;
        await this.store.addPending({ subscriptionId: s.id, owner, event, attempts: 0, nextAt: at, queuedAt: at });
        await ensurePairMarker(this.store, s.id, owner, key, at);
        pairs.push({ subscriptionId: s.id, key });
      }
    }
    return pairs;
  }

  private async runPairs(pairs: { subscriptionId: string; key: string }[], report: RunReport): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const pair = pairs[next++]!;
        await this.runPair(pair.subscriptionId, pair.key, report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PAIR_CONCURRENCY, pairs.length) }, worker));
  }

  /** Takes the pair's lease if its marker is due and free, sends what is due in order, and leaves the marker at the next due time (or removes it). */
  private async runPair(subscriptionId: string, key: string, report: RunReport): Promise<void> {
    const now = this.now();
    const marker = await this.store.pairMarker(subscriptionId, key);
    if (!marker || Date.parse(marker.nextAt) > now.getTime()) return;
    if (marker.lease && Date.parse(marker.lease.until) > now.getTime()) return;
    const leased: PairMarker = { ...marker, lease: { id: randomUUID(), until: new Date(now.getTime() + PAIR_LEASE_MS).toISOString() }, rev: marker.rev + 1 };
    if (!(await this.store.putPairMarker(leased, marker.rev))) return;

    const subscription = (await this.store.subscriptions(marker.owner)).subscriptions.find((s) => s.id === subscriptionId);
    let nextAt: string | undefined;
    let sent = 0;
    for (;;) {
      const [head] = await this.store.pendingOfPair(subscriptionId, key, 1);
      if (!head) break;
      const version = head.event.data.version;
      if (!subscription) {
        // Removed: what it had not delivered is dropped.
        await this.store.dropPending(subscriptionId, key, version);
        continue;
      }
      const state = await this.store.deliveryState(subscriptionId, key, version);
      // The leftovers of an interrupted move: delivered (or parked) wins over pending, unless the parked one was sent back after it was parked.
      if (state.delivered) {
        await this.store.dropPending(subscriptionId, key, version);
        continue;
      }
      if (state.parked) {
        if (head.redeliveredAt !== undefined && head.redeliveredAt >= state.parked.parkedAt) await this.store.dropParked(subscriptionId, key, version);
        else {
          await this.store.dropPending(subscriptionId, key, version);
          continue;
        }
      }
      const current = this.now();
      if (Date.parse(head.nextAt) > current.getTime()) {
        nextAt = head.nextAt;
        break;
      }
      if (sent >= SENDS_PER_PAIR_RUN) {
        nextAt = current.toISOString();
        break;
      }
      sent++;
      const outcome = await this.attempt(subscription, head);
      const attemptedAt = this.now();
      if (outcome.ok) {
        await this.store.markDelivered(head, attemptedAt.toISOString());
        report.delivered++;
        continue;
      }
      report.failedAttempts++;
      const attempts = head.attempts + 1;
      const firstAttemptAt = head.firstAttemptAt ?? attemptedAt.toISOString();
      const next = afterFailure(attempts, attemptedAt, new Date(head.queuedAt));
      if (next.park) {
        await this.store.park({
          subscriptionId,
          owner: head.owner,
          event: head.event,
          attempts,
          firstAttemptAt,
          lastError: outcome.error,
          parkedAt: attemptedAt.toISOString(),
        });
        report.parked++;
        this.deps.onParked?.({ owner: head.owner, subscriptionId, eventId: head.event.id, attempts, lastError: outcome.error });
        continue;
      }
      const retry: PendingDelivery = { ...head, attempts, firstAttemptAt, lastError: outcome.error, nextAt: next.nextAt.toISOString() };
      await this.store.putPending(retry);
      nextAt = retry.nextAt;
      break;
    }
    await this.release(leased, nextAt);
  }

  /** Leaves the pair's marker at its next due time, or removes it when nothing is pending (and puts it back if a delivery was added meanwhile). */
  private async release(leased: PairMarker, nextAt: string | undefined): Promise<void> {
    const { lease: _lease, ...free } = leased;
    if (nextAt !== undefined) {
      await this.store.putPairMarker({ ...free, nextAt, rev: leased.rev + 1 }, leased.rev);
      return;
    }
    if (!(await this.store.deletePairMarker(leased.subscriptionId, leased.key, leased.rev))) return;
    const [head] = await this.store.pendingOfPair(leased.subscriptionId, leased.key, 1);
    if (head) await ensurePairMarker(this.store, leased.subscriptionId, leased.owner, leased.key, head.nextAt);
  }

  private async attempt(subscription: Subscription, delivery: PendingDelivery) {
    const body = JSON.stringify(delivery.event);
    const headers = {
      'content-type': 'application/cloudevents+json',
      'user-agent': 'Tongban-Webhooks/1',
      ...webhookHeaders(subscription.secret, delivery.event.id, this.wallClock(), body),
    };
    try {
      return await this.deps.sender.send({ url: subscription.url, headers, body });
    } catch (e) {
      return { ok: false as const, error: e instanceof Error ? e.message : String(e) };
    }
  }
}
