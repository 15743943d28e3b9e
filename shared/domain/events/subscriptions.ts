// Webhook subscriptions, their failures and the event feed, for their owners: a channel (the events
// of the cases and tickets it filed and of the evaluations rated through it) or a department (of its
// own cases and of the joint cases it is a co-department of, and of the evaluations and tickets
// addressed to it). Each owner sees and changes its own subscriptions only: another owner's is "not
// found", never "forbidden", so ids reveal nothing. An owner has at most 10; the list is one record,
// written on condition it did not change since it was read.
import { randomBytes } from 'node:crypto';
import { CASE_EVENT_TYPE_PREFIX } from '../../contracts/case-events.ts';
import { FEEDBACK_EVENT_TYPES } from '../../contracts/feedback-events.ts';
import type { PlatformEvent } from '../../contracts/platform-events.ts';
import type { CreatedSubscription, ParkedDeliveryView, SubscriptionView } from '../../contracts/subscriptions.ts';
import { MAX_EVENTS_PAGE, MAX_SUBSCRIPTIONS } from '../../contracts/subscriptions.ts';
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import type { CaseEventType } from '../cases/case-record.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import type { EndpointPolicy } from './endpoint-rules.ts';
import { checkEndpointUrl } from './endpoint-rules.ts';
import { eventKey, keysOfEventId } from './platform-event.ts';
import type { EventStore, Owner, ParkedDelivery, PairMarker, Subscription } from './ports.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** Every type of case history entry, hence of case event (the compiler checks the list is whole). */
const ENTRY_TYPES: Record<CaseEventType, true> = {
  file: true,
  'request-supplement': true,
  supplement: true,
  accept: true,
  'accept-pending': true,
  'deem-accepted': true,
  refuse: true,
  pause: true,
  resume: true,
  decide: true,
  withdraw: true,
  'mark-overdue': true,
  'mark-violation': true,
  'record-findings': true,
  'recompute-dates': true,
  'complete-deadlines': true,
  extend: true,
  deliver: true,
  'pre-review': true,
  dispatch: true,
  opinion: true,
  escalate: true,
  'record-missing': true,
  'joint-failed': true,
  seal: true,
  archive: true,
  'archive-failed': true,
  'accept-archive-findings': true,
  'follow-up-failed': true,
  'retry-follow-up': true,
  'seal-notices': true,
  correct: true,
};
/** The CloudEvents types of case events: `cn.tongban.case.<entry type>`. */
export const CASE_EVENT_TYPES: readonly string[] = Object.keys(ENTRY_TYPES).map((t) => `${CASE_EVENT_TYPE_PREFIX}${t}`);
/** Every type a subscription may name: the case events', and the evaluations' and tickets' (`cn.tongban.ticket.<entry type>`…). */
export const EVENT_TYPES: readonly string[] = [...CASE_EVENT_TYPES, ...FEEDBACK_EVENT_TYPES];

/** The feed is read up to this long before now: an event routed a moment ago may still be committing, and a cursor must never pass it by. */
export const FEED_SETTLE_MS = 2000;
/** Tries of a change to an owner's subscriptions that another change keeps overtaking. */
const SAVE_TRIES = 4;
/** Pending deliveries of a removed subscription dropped at once (the rest are dropped by the delivery runs that find it gone). */
const DROP_AT_ONCE = 1000;

export interface SubscriptionServiceDeps {
  store: EventStore;
  endpoints: EndpointPolicy;
  now?: () => Date;
}

/** The owner a caller subscribes and reads as: a channel principal its channel, a department principal its department. */
export function ownerOf(caller: Caller): Owner {
  requireRole(caller, 'channel', 'department');
  if (caller.role === 'channel' && caller.channelId) return { kind: 'channel', id: caller.channelId };
  if (caller.role === 'department' && caller.departmentId) return { kind: 'department', id: caller.departmentId };
  throw new Error(`principal ${caller.name} (${caller.role}) names no ${caller.role === 'channel' ? 'channel' : 'department'}`);
}

export function subscriptionView(s: Subscription): SubscriptionView {
  return { id: s.id, url: s.url, types: [...s.types], owner: { ...s.owner }, createdAt: s.createdAt, createdBy: s.createdBy };
}

function parkedView(p: ParkedDelivery): ParkedDeliveryView {
  return {
    event: p.event,
    attempts: p.attempts,
    ...(p.firstAttemptAt ? { firstAttemptAt: p.firstAttemptAt } : {}),
    lastError: p.lastError,
    parkedAt: p.parkedAt,
  };
}

/** The marker that makes a pair's deliveries due now, unless the pair has one already (then its own time stands). */
export async function ensurePairMarker(store: EventStore, subscriptionId: string, owner: Owner, key: string, at: string): Promise<void> {
  const marker: PairMarker = { subscriptionId, owner, key, nextAt: at, rev: 1 };
  await store.putPairMarker(marker, 'absent');
}

export class SubscriptionService {
  private readonly store: EventStore;
  private readonly now: () => Date;

  constructor(private readonly deps: SubscriptionServiceDeps) {
    this.store = deps.store;
    this.now = deps.now ?? (() => new Date());
  }

  async create(caller: Caller, request: { url: string; types?: string[] | undefined }): Promise<CreatedSubscription> {
    const owner = ownerOf(caller);
    const url = checkEndpointUrl(request.url, this.deps.endpoints);
    const types = [...new Set(request.types ?? [])];
    const unknown = types.filter((t) => !EVENT_TYPES.includes(t));
    if (unknown.length > 0) {
      throw invalid(
        'SUBSCRIPTION_TYPE_UNKNOWN',
        'types',
        `不是平台事件类型：${unknown.join('、')}`,
        `not event types: ${unknown.join(', ')} (types are ${CASE_EVENT_TYPE_PREFIX}<action>, such as ${CASE_EVENT_TYPE_PREFIX}accept, or cn.tongban.evaluation.<action>, cn.tongban.ticket.<action>)`,
      );
    }
    const subscription: Subscription = {
      id: `sub_${randomBytes(12).toString('hex')}`,
      owner,
      url,
      types,
      secret: newWebhookSecret(),
      createdAt: this.now().toISOString(),
      createdBy: caller.name,
    };
    await this.change(owner, (current) => {
      if (current.length >= MAX_SUBSCRIPTIONS) {
        throw conflict(
          'SUBSCRIPTION_LIMIT_REACHED',
          `订阅已达上限（${MAX_SUBSCRIPTIONS} 个），请先删除不用的订阅`,
          `${owner.kind} ${owner.id} has ${MAX_SUBSCRIPTIONS} subscriptions, the most it may have: remove one first`,
        );
      }
      return [...current, subscription];
    });
    return { ...subscriptionView(subscription), secret: subscription.secret };
  }

  async list(caller: Caller): Promise<{ subscriptions: SubscriptionView[] }> {
    const { subscriptions } = await this.store.subscriptions(ownerOf(caller));
    return { subscriptions: subscriptions.map(subscriptionView) };
  }

  async remove(caller: Caller, id: string): Promise<{ id: string; removed: true }> {
    const owner = ownerOf(caller);
    await this.change(owner, (current) => {
      if (!current.some((s) => s.id === id)) throw subscriptionNotFound(id);
      return current.filter((s) => s.id !== id);
    });
    await this.store.dropSubscriptionDeliveries(id, DROP_AT_ONCE);
    return { id, removed: true };
  }

  async failures(caller: Caller, id: string, page: { limit: number; cursor?: string }): Promise<{ failures: ParkedDeliveryView[]; nextCursor?: string }> {
    await this.own(caller, id);
    const { items, nextCursor } = await this.store.parked(id, { limit: Math.min(page.limit, MAX_EVENTS_PAGE), ...(page.cursor ? { cursor: page.cursor } : {}) });
    return { failures: items.map(parkedView), ...(nextCursor ? { nextCursor } : {}) };
  }

  /** Sends parked deliveries back to pending, due now: those named, or the first 100 by record and version. */
  async redeliver(caller: Caller, id: string, eventIds: string[] | undefined): Promise<{ redelivered: number; notParked: string[] }> {
    const subscription = await this.own(caller, id);
    const at = this.now().toISOString();
    let parked: ParkedDelivery[];
    const notParked: string[] = [];
    if (eventIds !== undefined) {
      parked = [];
      for (const eventId of [...new Set(eventIds)].slice(0, MAX_EVENTS_PAGE)) {
        // A 32-hex id may be an evaluation's or a ticket's: the one parked under either key (an event id names one record).
        const { keys, version } = keysOfEventId(eventId) ?? { keys: [], version: 0 };
        let one: ParkedDelivery | undefined;
        for (const key of keys) {
          one = await this.store.parkedOne(id, key, version);
          if (one?.event.id === eventId) break;
          one = undefined;
        }
        if (one) parked.push(one);
        else notParked.push(eventId);
      }
    } else {
      parked = (await this.store.parked(id, { limit: MAX_EVENTS_PAGE })).items;
    }
    for (const p of parked) await this.store.redeliver(p, at);
    for (const key of new Set(parked.map((p) => eventKey(p.event)))) await ensurePairMarker(this.store, id, subscription.owner, key, at);
    return { redelivered: parked.length, notParked };
  }

  /** The caller's feed: its events routed up to two seconds ago, from the cursor (or `since`). */
  async feed(
    caller: Caller,
    query: { limit: number; cursor?: string | undefined; since?: string | undefined },
  ): Promise<{ events: PlatformEvent[]; cursor: string; more: boolean }> {
    const owner = ownerOf(caller);
    const until = new Date(this.now().getTime() - FEED_SETTLE_MS).toISOString();
    const since = query.since !== undefined ? new Date(query.since).toISOString() : undefined;
    return this.store.feed(owner, {
      limit: Math.min(query.limit, MAX_EVENTS_PAGE),
      until,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(since !== undefined ? { since } : {}),
    });
  }

  /** The caller's own subscription `id`; another owner's, or none, is not found. */
  private async own(caller: Caller, id: string): Promise<Subscription> {
    const { subscriptions } = await this.store.subscriptions(ownerOf(caller));
    const found = subscriptions.find((s) => s.id === id);
    if (!found) throw subscriptionNotFound(id);
    return found;
  }

  /** Reads the owner's subscriptions, changes them, saves them on condition nobody else did meanwhile; tries again if so. */
  private async change(owner: Owner, edit: (current: Subscription[]) => Subscription[]): Promise<void> {
    for (let i = 0; i < SAVE_TRIES; i++) {
      const { subscriptions, revision } = await this.store.subscriptions(owner);
      if (await this.store.saveSubscriptions(owner, edit(subscriptions), revision)) return;
    }
    throw conflict('SUBSCRIPTION_CHANGED', '订阅正被同时修改，请稍后重试', `the subscriptions of ${owner.kind} ${owner.id} kept changing under this request: retry it`);
  }
}

function subscriptionNotFound(id: string) {
  return notFound('SUBSCRIPTION_NOT_FOUND', `未找到订阅 ${id}`, `no subscription ${id} of the caller's`);
}
