// `tongban subscriptions add|list|remove|failures|redeliver` — a channel's or a department's webhook
// endpoints and what could not be delivered to them — and `tongban events tail`, which polls the
// caller's event feed and prints a line per event until interrupted (Ctrl-C, SIGTERM: exit 0).
import type { PlatformEvent } from '../contracts/platform-events.ts';
import type { CreatedSubscription, ParkedDeliveryView, SubscriptionView } from '../contracts/subscriptions.ts';
import type { ApiClient, ApiResponse } from './api-client.ts';
import { ApiRefusal, UsageError } from './api-client.ts';
import { positiveInt } from './args.ts';
import { printTable } from './output.ts';

export interface EventOptions {
  json: boolean;
  url?: string;
  type?: string[];
  event?: string[];
  limit?: string;
  cursor?: string;
  interval?: string;
  since?: string;
}

export interface EventsContext {
  api: Pick<ApiClient, 'request'>;
  o: EventOptions;
  out: (res: ApiResponse, print: (body: never) => void) => number;
}

export async function subscriptionsCommand(ctx: EventsContext, command: string | undefined, id: string | undefined): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!id) throw new UsageError(`subscriptions ${command} needs the subscription id (sub_…, see \`tongban subscriptions list\`)`);
    return `/v1/subscriptions/${encodeURIComponent(id)}${suffix}`;
  };
  switch (command) {
    case 'add': {
      if (!o.url) throw new UsageError('subscriptions add needs --url <https URL of your endpoint>');
      // A bare action is a case's (`accept`); an evaluation's or a ticket's is named by its kind (`ticket.transfer`) or in full.
      const types = (o.type ?? []).map((t) => (t.startsWith('cn.') ? t : /^(?:evaluation|ticket)\./.test(t) ? `cn.tongban.${t}` : `cn.tongban.case.${t}`));
      return out(await api.request('POST', '/v1/subscriptions', { body: { url: o.url, ...(types.length > 0 ? { types } : {}) } }), printCreated);
    }
    case 'list':
      return out(await api.request('GET', '/v1/subscriptions'), printSubscriptions);
    case 'remove':
      return out(await api.request('DELETE', path()), (body: { id: string }) => console.log(`removed ${body.id}; what it had not delivered is dropped`));
    case 'failures': {
      const query = { ...(o.limit !== undefined ? { limit: String(positiveInt(o.limit, '--limit')) } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) };
      return out(await api.request('GET', path('/failures'), { query }), printFailures);
    }
    case 'redeliver': {
      const body = o.event && o.event.length > 0 ? { eventIds: o.event } : {};
      return out(await api.request('POST', path('/redeliver'), { body }), (r: { redelivered: number; notParked: string[] }) => {
        console.log(`${r.redelivered} sent back for delivery (the next delivery run, within a minute, sends them)`);
        if (r.notParked.length > 0) console.log(`not parked (delivered, still pending or unknown): ${r.notParked.join(', ')}`);
      });
    }
    default:
      throw new UsageError(command ? `unknown command "subscriptions ${command}"` : 'subscriptions needs a command: add, list, remove, failures or redeliver');
  }
}

/** `tongban events tail`: polls GET /v1/events every `--interval` seconds (default 2) until `stop` fires (SIGINT, SIGTERM). */
export async function eventsCommand(ctx: EventsContext, command: string | undefined, signal?: AbortSignal): Promise<number> {
  if (command !== 'tail') throw new UsageError(command ? `unknown command "events ${command}"` : 'events needs a command: tail');
  const own = signal === undefined ? signalled() : undefined;
  try {
    return await tail(ctx, signal ?? own!.signal);
  } finally {
    own?.release();
  }
}

async function tail(ctx: EventsContext, stop: AbortSignal): Promise<number> {
  const { api, o } = ctx;
  const interval = o.interval === undefined ? 2 : Number(o.interval);
  if (!Number.isFinite(interval) || interval < 0.5 || interval > 300) throw new UsageError(`--interval must be a number of seconds from 0.5 to 300, got "${o.interval}"`);
  // From five minutes ago unless told otherwise: what just happened, and no gap for a clock a little off the platform's.
  const since = o.since ?? new Date(Date.now() - 5 * 60_000).toISOString();
  if (Number.isNaN(Date.parse(since))) throw new UsageError(`--since must be an instant (2026-11-23T10:00:00+08:00), got "${since}"`);
  let cursor: string | undefined = o.cursor;
  while (!stop.aborted) {
    const res = await api.request('GET', '/v1/events', { query: { limit: '100', ...(cursor ? { cursor } : { since: new Date(since).toISOString() }) } });
    if (res.status >= 400) throw new ApiRefusal(res);
    const page = res.body as { events: PlatformEvent[]; cursor: string; more: boolean };
    for (const e of page.events) console.log(o.json ? JSON.stringify(e) : eventLine(e));
    cursor = page.cursor;
    if (!page.more) await pause(interval * 1000, stop);
  }
  return 0;
}

/**
 * One event on one line: time, the record and version, action, state before → after — a case by its
 * number, an evaluation or a ticket by its kind and id (and where a ticket went: `→ <department>`).
 */
export function eventLine(e: PlatformEvent): string {
  const d = e.data;
  if (!('kind' in d)) return `${e.time}  ${d.caseNo} #${d.version}  ${d.action}  ${d.from ?? '—'} → ${d.status}`;
  const routed = d.kind === 'ticket' && d.fromDepartmentId !== undefined && d.departmentId !== undefined ? `  ${d.fromDepartmentId} → ${d.departmentId}` : '';
  return `${e.time}  ${d.kind} ${d.id} #${d.version}  ${d.action}  ${d.from ?? '—'} → ${d.state}${routed}`;
}

function printCreated(s: CreatedSubscription): void {
  console.log(`subscription ${s.id}`);
  console.log(`  url:    ${s.url}`);
  console.log(`  types:  ${s.types.length > 0 ? s.types.join(', ') : 'every event (cases, evaluations, tickets)'}`);
  console.log(`  secret: ${s.secret}`);
  console.log('');
  console.log('Keep the secret now: it is shown this once. Verify each delivery with it (Standard Webhooks:');
  console.log('webhook-id, webhook-timestamp, webhook-signature; see the README). 请立即妥善保存签名密钥，之后不再显示。');
}

function printSubscriptions(body: { subscriptions: SubscriptionView[] }): void {
  if (body.subscriptions.length === 0) {
    console.log('(no subscriptions)');
    return;
  }
  printTable(
    ['ID', 'URL', 'TYPES', 'CREATED'],
    body.subscriptions.map((s) => [
      s.id,
      s.url,
      s.types.length > 0 ? s.types.map((t) => t.replace('cn.tongban.case.', '').replace('cn.tongban.', '')).join(',') : 'all',
      `${s.createdAt} by ${s.createdBy}`,
    ]),
  );
}

function printFailures(body: { failures: ParkedDeliveryView[]; nextCursor?: string }): void {
  if (body.failures.length === 0) console.log('(no failed deliveries)');
  else
    printTable(
      ['EVENT', 'TYPE', 'ATTEMPTS', 'PARKED', 'LAST ERROR'],
      body.failures.map((f) => [f.event.id, f.event.data.action, String(f.attempts), f.parkedAt, f.lastError]),
    );
  if (body.nextCursor) console.log(`more: --cursor ${body.nextCursor}`);
}

/** A signal aborted by the first SIGINT or SIGTERM; `release` removes the listeners. */
function signalled(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  function stop() {
    release();
    controller.abort();
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { signal: controller.signal, release };
}

function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done);
  });
}
