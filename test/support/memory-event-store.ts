// The event store in memory, with the DynamoDB store's semantics (conditional writes by revision,
// put-if-absent pending deliveries, moves as a put and a delete), for the router's unit tests. Items
// are kept by the same keys as the DynamoDB store's, so order is the same.
import type { PlatformEvent } from '../../shared/contracts/platform-events.ts';
import { eventKey } from '../../shared/domain/events/platform-event.ts';
import type {
  EventOutbox,
  EventStore,
  OutboxEntry,
  Owner,
  PageRequest,
  PairMarker,
  ParkedDelivery,
  PendingDelivery,
  Subscription,
  SubscriptionSet,
} from '../../shared/domain/events/ports.ts';
import { badCursor, encodeCursor, openCursor } from '../../shared/adapters/page-cursor.ts';

const v10 = (n: number) => String(n).padStart(10, '0');
const ownerKey = (o: Owner) => `${o.kind}#${o.id}`;
const clone = <T>(v: T): T => structuredClone(v);

export class MemoryEventStore implements EventStore {
  readonly subs = new Map<string, SubscriptionSet>();
  readonly routed = new Map<string, number>();
  readonly feeds = new Map<string, Map<string, PlatformEvent>>();
  /** `<sub>` → `<Q|D|F>#<key>#<n>` (the record's key, as the DynamoDB store's) → item. */
  readonly deliveries = new Map<string, Map<string, unknown>>();
  readonly markers = new Map<string, PairMarker>();
  /** Calls that fail once, by method name (a store that fails part-way). */
  failOnce = new Set<string>();

  private fail(method: string): void {
    if (this.failOnce.delete(method)) throw new Error(`memory event store: ${method} failed (injected)`);
  }

  private dlv(sub: string): Map<string, unknown> {
    let m = this.deliveries.get(sub);
    if (!m) this.deliveries.set(sub, (m = new Map()));
    return m;
  }

  async subscriptions(owner: Owner): Promise<SubscriptionSet> {
    return clone(this.subs.get(ownerKey(owner)) ?? { subscriptions: [], revision: 0 });
  }

  async saveSubscriptions(owner: Owner, subscriptions: Subscription[], revision: number): Promise<boolean> {
    const current = this.subs.get(ownerKey(owner))?.revision ?? 0;
    if (current !== revision) return false;
    this.subs.set(ownerKey(owner), { subscriptions: clone(subscriptions), revision: revision + 1 });
    return true;
  }

  async routedVersion(key: string): Promise<number> {
    return this.routed.get(key) ?? 0;
  }

  async moveRouted(key: string, from: number, to: number): Promise<boolean> {
    this.fail('moveRouted');
    if ((this.routed.get(key) ?? 0) !== from) return false;
    this.routed.set(key, to);
    return true;
  }

  async addToFeed(owner: Owner, event: PlatformEvent, routedAt: string): Promise<void> {
    const feed = this.feeds.get(ownerKey(owner)) ?? new Map<string, PlatformEvent>();
    feed.set(`${routedAt}#${eventKey(event)}#${v10(event.data.version)}`, clone(event));
    this.feeds.set(ownerKey(owner), feed);
  }

  async feed(owner: Owner, query: { cursor?: string; since?: string; until: string; limit: number }): Promise<{ events: PlatformEvent[]; cursor: string; more: boolean }> {
    const fingerprint = `feed#${ownerKey(owner)}`;
    let position = query.since ?? '0';
    if (query.cursor !== undefined) {
      const p = openCursor(query.cursor, fingerprint);
      if (typeof p !== 'string') throw badCursor();
      position = p;
    }
    const keys = [...(this.feeds.get(ownerKey(owner)) ?? new Map<string, PlatformEvent>()).keys()].filter((k) => k > position && k <= query.until).sort();
    const page = keys.slice(0, query.limit);
    const feed = this.feeds.get(ownerKey(owner));
    return { events: page.map((k) => clone(feed!.get(k)!)), cursor: encodeCursor(page.at(-1) ?? position, fingerprint), more: keys.length > query.limit };
  }

  async addPending(d: PendingDelivery): Promise<void> {
    this.fail('addPending');
    const key = `Q#${eventKey(d.event)}#${v10(d.event.data.version)}`;
    if (!this.dlv(d.subscriptionId).has(key)) this.dlv(d.subscriptionId).set(key, clone(d));
  }

  async putPending(d: PendingDelivery): Promise<void> {
    this.dlv(d.subscriptionId).set(`Q#${eventKey(d.event)}#${v10(d.event.data.version)}`, clone(d));
  }

  async pendingOfPair(sub: string, key: string, limit: number): Promise<PendingDelivery[]> {
    const m = this.dlv(sub);
    return [...m.keys()]
      .filter((k) => k.startsWith(`Q#${key}#`))
      .sort()
      .slice(0, limit)
      .map((k) => clone(m.get(k) as PendingDelivery));
  }

  async deliveryState(sub: string, key: string, version: number): Promise<{ delivered: boolean; parked?: ParkedDelivery }> {
    const m = this.dlv(sub);
    const parked = m.get(`F#${key}#${v10(version)}`) as ParkedDelivery | undefined;
    return { delivered: m.has(`D#${key}#${v10(version)}`), ...(parked ? { parked: clone(parked) } : {}) };
  }

  async markDelivered(d: PendingDelivery, at: string): Promise<void> {
    this.dlv(d.subscriptionId).set(`D#${eventKey(d.event)}#${v10(d.event.data.version)}`, { deliveredAt: at });
    this.fail('markDelivered.delete');
    await this.dropPending(d.subscriptionId, eventKey(d.event), d.event.data.version);
  }

  async park(p: ParkedDelivery): Promise<void> {
    this.dlv(p.subscriptionId).set(`F#${eventKey(p.event)}#${v10(p.event.data.version)}`, clone(p));
    await this.dropPending(p.subscriptionId, eventKey(p.event), p.event.data.version);
  }

  async redeliver(p: ParkedDelivery, at: string): Promise<void> {
    await this.putPending({ subscriptionId: p.subscriptionId, owner: p.owner, event: p.event, attempts: 0, nextAt: at, queuedAt: at, redeliveredAt: at });
    await this.dropParked(p.subscriptionId, eventKey(p.event), p.event.data.version);
  }

  async dropPending(sub: string, key: string, version: number): Promise<void> {
    this.dlv(sub).delete(`Q#${key}#${v10(version)}`);
  }

  async dropParked(sub: string, key: string, version: number): Promise<void> {
    this.dlv(sub).delete(`F#${key}#${v10(version)}`);
  }

  async parked(sub: string, page: PageRequest): Promise<{ items: ParkedDelivery[]; nextCursor?: string }> {
    const m = this.dlv(sub);
    const after = page.cursor !== undefined ? (openCursor(page.cursor, `parked#${sub}`) as string) : '';
    const keys = [...m.keys()].filter((k) => k.startsWith('F#') && k > after).sort();
    const items = keys.slice(0, page.limit);
    return {
      items: items.map((k) => clone(m.get(k) as ParkedDelivery)),
      ...(keys.length > page.limit ? { nextCursor: encodeCursor(items.at(-1), `parked#${sub}`) } : {}),
    };
  }

  async parkedOne(sub: string, key: string, version: number): Promise<ParkedDelivery | undefined> {
    const p = this.dlv(sub).get(`F#${key}#${v10(version)}`) as ParkedDelivery | undefined;
    return p && clone(p);
  }

  async pairMarker(sub: string, key: string): Promise<PairMarker | undefined> {
    const m = this.markers.get(`${sub}#${key}`);
    return m && clone(m);
  }

  async putPairMarker(marker: PairMarker, expected: number | 'absent'): Promise<boolean> {
    const key = `${marker.subscriptionId}#${marker.key}`;
    const current = this.markers.get(key);
    if (expected === 'absent' ? current !== undefined : current?.rev !== expected) return false;
    this.markers.set(key, clone(marker));
    return true;
  }

  async deletePairMarker(sub: string, key: string, expected: number): Promise<boolean> {
    const marker = `${sub}#${key}`;
    if (this.markers.get(marker)?.rev !== expected) return false;
    this.markers.delete(marker);
    return true;
  }

  async duePairs(now: string, limit: number): Promise<{ subscriptionId: string; key: string }[]> {
    return [...this.markers.values()]
      .map((m) => ({ m, due: m.lease ? m.lease.until : m.nextAt }))
      .filter(({ due }) => due <= now)
      .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0))
      .slice(0, limit)
      .map(({ m }) => ({ subscriptionId: m.subscriptionId, key: m.key }));
  }

  async dropSubscriptionDeliveries(sub: string, limit: number): Promise<number> {
    let n = 0;
    const m = this.dlv(sub);
    for (const k of [...m.keys()]) if (!k.startsWith('D#') && n < limit && m.delete(k)) n++;
    for (const k of [...this.markers.keys()]) if (k.startsWith(`${sub}#`) && n < limit && this.markers.delete(k)) n++;
    return n;
  }
}

/** An outbox over a list of events (and entries without one). */
export class MemoryOutbox implements EventOutbox {
  readonly entriesByKey = new Map<string, OutboxEntry[]>();
  reads = 0;

  add(key: string, entry: OutboxEntry): void {
    this.entriesByKey.set(key, [...(this.entriesByKey.get(key) ?? []), entry]);
  }

  async entries(key: string, from: number, to: number): Promise<OutboxEntry[]> {
    this.reads++;
    return (this.entriesByKey.get(key) ?? []).filter((e) => e.version >= from && e.version <= to).sort((a, b) => a.version - b.version);
  }
}
