// What the event routing and the webhook deliveries need from outside the domain: the store of
// subscriptions, routed events and deliveries (shared/adapters/dynamo-event-store.ts), the outbox —
// the history entries of cases, evaluations and tickets that carry their events — and an HTTP sender.
// No AWS here. A record's events are kept under its key (platform-event.ts eventKey: the case number,
// `evaluation:<id>`, `ticket:<id>`).
import type { PlatformEvent } from '../../contracts/platform-events.ts';

export type OwnerKind = 'channel' | 'department';
/** Who receives events: a channel (its cases, tickets and evaluations) or a department (its own cases, its joint tasks, and the tickets and evaluations addressed to it). */
export interface Owner {
  kind: OwnerKind;
  id: string;
}

export interface Subscription {
  id: string;
  owner: Owner;
  url: string;
  /** CloudEvents types it receives; empty: every event. */
  types: string[];
  /** `whsec_…`: never shown again after it is created. */
  secret: string;
  createdAt: string;
  createdBy: string;
}

/** An owner's subscriptions, and the revision they were read at (0: none ever saved). */
export interface SubscriptionSet {
  subscriptions: Subscription[];
  revision: number;
}

/** A delivery waiting to be made: one event to one subscription. */
export interface PendingDelivery {
  subscriptionId: string;
  owner: Owner;
  event: PlatformEvent;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ISO). */
  nextAt: string;
  /** When it was added (routed, or sent back): how long it has waited counts towards parking it. */
  queuedAt: string;
  firstAttemptAt?: string;
  lastError?: string;
  /** Set when a parked delivery was sent back to pending (POST …/redeliver). */
  redeliveredAt?: string;
}

/** A delivery that failed every attempt: kept until it is redelivered. */
export interface ParkedDelivery {
  subscriptionId: string;
  owner: Owner;
  event: PlatformEvent;
  attempts: number;
  firstAttemptAt?: string;
  lastError: string;
  parkedAt: string;
}

/**
 * The one item per (subscription, record) pair with deliveries waiting: when its first pending delivery
 * is due, and who works on the pair now (a lease, so one run at a time sends a pair's events, in order).
 */
export interface PairMarker {
  subscriptionId: string;
  owner: Owner;
  /** The record's key (a case number, `evaluation:<id>`, `ticket:<id>`). */
  key: string;
  nextAt: string;
  lease?: { id: string; until: string };
  /** Moves by one with each write: writes are conditional on the revision read. */
  rev: number;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface EventStore {
  subscriptions(owner: Owner): Promise<SubscriptionSet>;
  /** Saves the owner's subscriptions if they are still at `revision`; false when they moved on. */
  saveSubscriptions(owner: Owner, subscriptions: Subscription[], revision: number): Promise<boolean>;

  /** The newest version of the record routed (0: none). */
  routedVersion(key: string): Promise<number>;
  /** Moves the record's watermark from `from` to `to`; false when it is no longer at `from`. */
  moveRouted(key: string, from: number, to: number): Promise<boolean>;
  /** Puts the event in the owner's feed, ordered by `routedAt`. */
  addToFeed(owner: Owner, event: PlatformEvent, routedAt: string): Promise<void>;
  /** The owner's feed from the cursor (or `since`), up to `until` (exclusive), and where to read on. */
  feed(owner: Owner, query: { cursor?: string; since?: string; until: string; limit: number }): Promise<{ events: PlatformEvent[]; cursor: string; more: boolean }>;

  /** Adds a pending delivery unless one for the same event is pending already. */
  addPending(delivery: PendingDelivery): Promise<void>;
  /** Writes a pending delivery as given (after a failed attempt). */
  putPending(delivery: PendingDelivery): Promise<void>;
  /** The pair's pending deliveries, by version. */
  pendingOfPair(subscriptionId: string, key: string, limit: number): Promise<PendingDelivery[]>;
  /** Whether the event was delivered to the subscription, or is parked for it. */
  deliveryState(subscriptionId: string, key: string, version: number): Promise<{ delivered: boolean; parked?: ParkedDelivery }>;
  /** Delivered: the delivered marker is written, then the pending delivery deleted. */
  markDelivered(delivery: PendingDelivery, at: string): Promise<void>;
  /** Parked: the parked delivery is written, then the pending one deleted. */
  park(parked: ParkedDelivery): Promise<void>;
  /** Sent back: a pending delivery (due `at`, no attempts) is written, then the parked one deleted. */
  redeliver(parked: ParkedDelivery, at: string): Promise<void>;
  dropPending(subscriptionId: string, key: string, version: number): Promise<void>;
  dropParked(subscriptionId: string, key: string, version: number): Promise<void>;
  parked(subscriptionId: string, page: PageRequest): Promise<{ items: ParkedDelivery[]; nextCursor?: string }>;
  parkedOne(subscriptionId: string, key: string, version: number): Promise<ParkedDelivery | undefined>;

  pairMarker(subscriptionId: string, key: string): Promise<PairMarker | undefined>;
  /** Writes the marker if it is still at `expected` (a revision, or `absent`); false when it is not. */
  putPairMarker(marker: PairMarker, expected: number | 'absent'): Promise<boolean>;
  deletePairMarker(subscriptionId: string, key: string, expected: number): Promise<boolean>;
  /** Pairs whose marker is due by `now` (leased ones: once their lease has run out), soonest first. */
  duePairs(now: string, limit: number): Promise<{ subscriptionId: string; key: string }[]>;

  /** Deletes up to `limit` pending deliveries and pair markers of a removed subscription; answers how many. */
  dropSubscriptionDeliveries(subscriptionId: string, limit: number): Promise<number>;
}

/** One history entry as the outbox holds it: its event, or none (written before events existed). */
export interface OutboxEntry {
  version: number;
  event?: PlatformEvent;
}

/** The history entries of cases, evaluations and tickets, as the outbox of their events. */
export interface EventOutbox {
  /** The entries `from`..`to` of the record under `key` that exist, by version. */
  entries(key: string, from: number, to: number): Promise<OutboxEntry[]>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What an attempt got: a 2xx answer, or why not (`HTTP 500`, `timeout after 10 s`, `ECONNREFUSED`…), with the status where the receiver answered. */
export type SendOutcome = { ok: true; status: number } | { ok: false; error: string; status?: number };

export interface WebhookSender {
  send(request: WebhookRequest): Promise<SendOutcome>;
}
