// `tongban subscriptions …` and `tongban events tail` against a stand-in for the API client: the
// requests each command makes, what it prints, and a tail that polls with the feed's cursor and ends
// cleanly (exit 0) on SIGINT or SIGTERM.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import type { EventOptions, EventsContext } from '../../shared/cli/events-commands.ts';
import { eventLine, eventsCommand, subscriptionsCommand } from '../../shared/cli/events-commands.ts';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { caseEvents } from '../support/case-event-fixtures.ts';
import { evaluationEvents, ticketEvents } from '../support/feedback-event-fixtures.ts';

type Request = { method: string; path: string; query?: Record<string, string | undefined>; body?: unknown };

/** An API that answers each request with the next of `answers` (then calls `after`). */
function fakeApi(answers: ApiResponse[], after?: (n: number) => void) {
  const requests: Request[] = [];
  const api: EventsContext['api'] = {
    request: async (method, path, opts = {}) => {
      requests.push({ method, path, ...(opts.query ? { query: opts.query } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}) });
      const answer = answers[requests.length - 1] ?? { status: 200, body: { events: [], cursor: 'end', more: false } };
      after?.(requests.length);
      return answer;
    },
  };
  return { api, requests };
}

let printed: string[];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

const out = (res: ApiResponse, print: (body: never) => void) => {
  if (res.status >= 400) return 1;
  print(res.body as never);
  return 0;
};
const ctx = (api: EventsContext['api'], o: Partial<EventOptions> = {}): EventsContext => ({ api, o: { json: false, ...o }, out });

const [e1, e2, e3] = caseEvents('2026112300000TAIL1', { channelId: 'portal', departmentId: 'dept-a' }, 3) as [CaseEvent, CaseEvent, CaseEvent];

describe('tongban events tail', () => {
  it('prints a line per event as the feed gives them, polls on with its cursor, and ends with 0 when stopped', async () => {
    const stop = new AbortController();
    const { api, requests } = fakeApi(
      [
        { status: 200, body: { events: [e1, e2], cursor: 'c1', more: true } },
        { status: 200, body: { events: [], cursor: 'c1', more: false } },
        { status: 200, body: { events: [e3], cursor: 'c2', more: false } },
      ],
      (n) => n === 3 && stop.abort(),
    );
    expect(await eventsCommand(ctx(api, { interval: '0.5', since: '2026-11-23T10:00:00+08:00' }), 'tail', stop.signal)).toBe(0);
    expect(requests.map((r) => r.query)).toEqual([
      { limit: '100', since: '2026-11-23T02:00:00.000Z' },
      { limit: '100', cursor: 'c1' },
      { limit: '100', cursor: 'c1' },
    ]);
    expect(printed).toEqual([eventLine(e1), eventLine(e2), eventLine(e3)]);
    expect(eventLine(e2)).toBe(`${e2.time}  2026112300000TAIL1 #2  accept  received → accepted`);
    // An evaluation's and a ticket's: their kind and id, and where a transferred ticket went.
    const [, transferred] = ticketEvents('ab'.repeat(16), 'portal', 'dept-a', 'dept-b');
    const [rated] = evaluationEvents('cd'.repeat(16), 'portal', 'dept-a');
    expect(eventLine(transferred!)).toBe(`${transferred!.time}  ticket ${'ab'.repeat(16)} #2  transfer  assigned → assigned  dept-a → dept-b`);
    expect(eventLine(rated!)).toBe(`${rated!.time}  evaluation ${'cd'.repeat(16)} #1  rate  — → rectifying`);
  });

  it('ends cleanly on SIGTERM, and on SIGINT, and leaves no listener behind', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const listeners = process.listenerCount(signal);
      const { api, requests } = fakeApi([{ status: 200, body: { events: [e1], cursor: 'c1', more: false } }], (n) => n === 2 && process.emit(signal));
      expect(await eventsCommand(ctx(api, { interval: '0.5', json: true }), 'tail')).toBe(0);
      expect(requests).toHaveLength(2);
      expect(process.listenerCount(signal)).toBe(listeners);
      expect(printed.at(-1)).toBe(JSON.stringify(e1));
      printed = [];
    }
  });

  it('refuses a bad interval or instant before asking anything', async () => {
    const { api, requests } = fakeApi([]);
    await expect(eventsCommand(ctx(api, { interval: '0' }), 'tail', AbortSignal.abort())).rejects.toThrow(/--interval/);
    await expect(eventsCommand(ctx(api, { since: 'yesterday' }), 'tail', AbortSignal.abort())).rejects.toThrow(/--since/);
    await expect(eventsCommand(ctx(api), 'follow', AbortSignal.abort())).rejects.toThrow(/unknown command/);
    expect(requests).toEqual([]);
  });
});

describe('tongban subscriptions', () => {
  it('add: registers the URL and the types (short names made whole), prints the secret once with the warning to keep it', async () => {
    const created = {
      id: 'sub_0123456789abcdef01234567',
      url: 'https://hooks.example.cn/in',
      types: ['cn.tongban.case.accept', 'cn.tongban.case.decide', 'cn.tongban.ticket.transfer'],
      owner: { kind: 'channel', id: 'portal' },
      createdAt: '2026-11-23T02:00:00.000Z',
      createdBy: 'portal',
      secret: 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3',
    };
    const { api, requests } = fakeApi([{ status: 201, body: created }]);
    expect(await subscriptionsCommand(ctx(api, { url: 'https://hooks.example.cn/in', type: ['accept', 'cn.tongban.case.decide', 'ticket.transfer'] }), 'add', undefined)).toBe(0);
    expect(requests).toEqual([{ method: 'POST', path: '/v1/subscriptions', body: { url: 'https://hooks.example.cn/in', types: created.types } }]);
    expect(printed.filter((l) => l.includes(created.secret))).toHaveLength(1);
    expect(printed.join('\n')).toMatch(/shown this once/);
  });

  it('remove, failures and redeliver: the subscription by id, paged, and the events named', async () => {
    const id = 'sub_0123456789abcdef01234567';
    const { api, requests } = fakeApi([
      { status: 200, body: { id, removed: true } },
      { status: 200, body: { failures: [{ event: e1, attempts: 8, lastError: 'HTTP 500', parkedAt: '2026-11-24T05:35:05.000Z' }], nextCursor: 'n1' } },
      { status: 200, body: { redelivered: 1, notParked: [e2.id] } },
      { status: 404, body: { error: { code: 'SUBSCRIPTION_NOT_FOUND' } } },
    ]);
    expect(await subscriptionsCommand(ctx(api), 'remove', id)).toBe(0);
    expect(await subscriptionsCommand(ctx(api, { limit: '5', cursor: 'c' }), 'failures', id)).toBe(0);
    expect(await subscriptionsCommand(ctx(api, { event: [e1.id, e2.id] }), 'redeliver', id)).toBe(0);
    expect(await subscriptionsCommand(ctx(api), 'redeliver', 'sub_nope')).toBe(1);
    expect(requests).toEqual([
      { method: 'DELETE', path: `/v1/subscriptions/${id}` },
      { method: 'GET', path: `/v1/subscriptions/${id}/failures`, query: { limit: '5', cursor: 'c' } },
      { method: 'POST', path: `/v1/subscriptions/${id}/redeliver`, body: { eventIds: [e1.id, e2.id] } },
      { method: 'POST', path: '/v1/subscriptions/sub_nope/redeliver', body: {} },
    ]);
    expect(printed.join('\n')).toContain(e1.id);
    expect(printed.join('\n')).toContain('more: --cursor n1');
    expect(printed.join('\n')).toContain(`not parked (delivered, still pending or unknown): ${e2.id}`);
    await expect(subscriptionsCommand(ctx(api), 'remove', undefined)).rejects.toThrow(/needs the subscription id/);
  });
});
