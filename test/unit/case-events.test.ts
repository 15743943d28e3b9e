// Case events (shared/contracts/case-events.ts): each history entry as one CloudEvent built from the
// entry and the state after it, kept in the entry's item (the outbox), and the relay that hands the
// outbox to the bus in order — stopping where the bus stopped taking them, passing over what holds no
// event. What only AWS shows (PutEvents taking part of a batch) is asserted on the requests sent.
import { PACKED, packCaseItem } from '../../shared/adapters/case-item-packing.ts';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionEntryItem, actionWrites, filingHeadItem, firstEntryItem, pendingOf } from '../../shared/adapters/case-items.ts';
import { EventBridgeEventBus } from '../../shared/adapters/eventbridge-event-bus.ts';
import { CASE_EVENT_BUS_SOURCE, CaseEventSchema, MAX_CASE_EVENT_BYTES } from '../../shared/contracts/case-events.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseEvent } from '../../shared/domain/events/case-event.ts';
import { caseEvent, caseEventAudience } from '../../shared/domain/events/case-event.ts';
import type { PlatformEventBus } from '../../shared/domain/events/event-relay.ts';
import { relayEvents } from '../../shared/domain/events/event-relay.ts';
import { FOOD, JOINT, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';

const on = (date: string, actor: Caller, minute = 0): CaseContext => ({
  actor,
  at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`,
  today: date,
  calendar: officialCalendar,
});
const MATERIALS = Object.fromEntries(FOOD.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)]));
const filed = (guide = FOOD) =>
  fileCase(
    {
      caseNo: 'KM20260929000001',
      item: { code: guide.implementationCode, version: 3, guide },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: { 经营项目: ['热食类食品制售'] },
      materials: guide === FOOD ? MATERIALS : Object.fromEntries(guide.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)])),
    },
    on('2026-09-30', PORTAL),
  );

describe('a case event', () => {
  it('is the entry as a CloudEvent: its id per case and version, its type the action, the case as subject, and no personal data', () => {
    const first = filed();
    const accepted = applyCaseCommand(first.state, { action: 'accept' }, on('2026-10-08', MARKET));
    const event = caseEvent(accepted.state, accepted.entry);

    expect(CaseEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'KM20260929000001.2',
      type: 'cn.tongban.case.accept',
      source: '/tongban/cases',
      subject: 'KM20260929000001',
      time: '2026-10-08T02:00:00.000Z',
      datacontenttype: 'application/json',
    });
    expect(event.data).toEqual({
      caseNo: 'KM20260929000001',
      version: 2,
      action: 'accept',
      from: 'received',
      status: 'accepted',
      actorRole: 'department',
      on: '2026-10-08',
      itemCode: FOOD.implementationCode,
      itemVersion: 3,
      departmentId: accepted.state.departmentId,
      coDepartmentIds: [],
      channelId: accepted.state.channelId,
      entryHash: accepted.entry.hash,
    });
    // Nothing of the applicant, the form or the materials, and nobody's name.
    const text = JSON.stringify(event);
    for (const personal of ['张三', '11010519491231002X', '13800138000', '热食类', MARKET.name]) expect(text).not.toContain(personal);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_CASE_EVENT_BYTES);
    expect(caseEvent(first.state, first.entry)).toMatchObject({ id: 'KM20260929000001.1', type: 'cn.tongban.case.file', data: { from: null, status: 'received' } });
  });

  it('goes to the case channel, its department and its co-departments', () => {
    const joint = filed(JOINT);
    expect(caseEventAudience(caseEvent(joint.state, joint.entry))).toEqual({
      channelId: joint.state.channelId,
      departmentIds: [joint.state.departmentId, ...joint.state.coDepartmentIds],
    });
    expect(joint.state.coDepartmentIds.length).toBeGreaterThan(0);
  });

  it('is refused for a state the entry did not lead to', () => {
    const first = filed();
    const accepted = applyCaseCommand(first.state, { action: 'accept' }, on('2026-10-08', MARKET));
    expect(() => caseEvent(first.state, accepted.entry)).toThrow(/not the one entry 2/);
  });

  it("is kept with its entry (the outbox), for the filing and for every action: in the head's pending entries, as in an entry item of the old layout", () => {
    const first = filed();
    const accepted = applyCaseCommand(first.state, { action: 'accept' }, on('2026-10-08', MARKET));
    const filingHead = filingHeadItem(first);
    const { head } = actionWrites(filingHead, first.state, accepted.state, accepted.entry);
    expect(pendingOf(filingHead).map((r) => r.event)).toEqual([caseEvent(first.state, first.entry)]);
    expect(pendingOf(head).map((r) => r.event)).toEqual([caseEvent(first.state, first.entry), caseEvent(accepted.state, accepted.entry)]);
    expect(firstEntryItem(first).event).toEqual(caseEvent(first.state, first.entry));
    expect(actionEntryItem(first.state, accepted.state, accepted.entry).event).toEqual(caseEvent(accepted.state, accepted.entry));
  });
});

/** A bus that takes the first `takes` events of each call (all by default), recording what it took. */
function recordingBus(takes = Infinity): PlatformEventBus & { taken: string[] } {
  const taken: string[] = [];
  return {
    taken,
    publish: async (events) => {
      const n = Math.min(takes, events.length);
      taken.push(...events.slice(0, n).map((e) => e.id));
      return n;
    },
  };
}

function events(count: number): CaseEvent[] {
  let { state, entry } = filed();
  const out = [caseEvent(state, entry)];
  // Accepted, then paused and resumed in turn.
  for (let i = 1; i < count; i++) {
    const command =
      i === 1
        ? { action: 'accept' as const }
        : i % 2
          ? { action: 'resume' as const }
          : { action: 'pause' as const, procedure: 'site-inspection' as const, reason: '核查经营场所', expectedDays: 5 };
    ({ state, entry } = applyCaseCommand(state, command, on('2026-10-08', MARKET, i)));
    out.push(caseEvent(state, entry));
  }
  return out;
}

describe('the relay', () => {
  it('publishes the events in the order of the stream, passing over records that hold none', async () => {
    const [a, b, c] = events(3);
    const bus = recordingBus();
    const result = await relayEvents(
      [
        { position: '1', event: a },
        { position: '2', event: undefined },
        { position: '3', event: b },
        { position: '4', event: { ...c, type: 'not.ours' } },
        { position: '5', event: c },
      ],
      bus,
    );
    expect(bus.taken).toEqual([a!.id, b!.id, c!.id]);
    expect(result).toEqual({
      published: 3,
      passedOver: [
        { position: '2', reason: expect.stringMatching(/no event/) },
        { position: '4', reason: expect.stringMatching(/not a platform event/) },
      ],
    });
  });

  it('stops where the bus stopped taking them, and names that record to be handed over again', async () => {
    const [a, b, c] = events(3);
    const result = await relayEvents(
      [
        { position: '1', event: a },
        { position: '2', event: b },
        { position: '3', event: c },
      ],
      recordingBus(1),
    );
    expect(result).toMatchObject({ published: 1, stoppedAt: '2' });
    const failing: PlatformEventBus = { publish: () => Promise.reject(new Error('bus down')) };
    expect(await relayEvents([{ position: '7', event: a }], failing)).toMatchObject({ published: 0, stoppedAt: '7', error: new Error('bus down') });
  });
});

// Every EventBridge client of this file (the relay function builds its own) answers through this mock.
const mock = mockClient(EventBridgeClient);
afterEach(() => {
  mock.reset();
  vi.unstubAllEnvs();
});

describe('EventBridgeEventBus on AWS', () => {
  const client = new EventBridgeClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

  it('puts ten entries a call, in order, each with the event as its detail', async () => {
    const all = events(12);
    mock.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));
    expect(await new EventBridgeEventBus(client, 'tongban-test-cases').publish(all)).toBe(12);
    const calls = mock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((entries) => entries.length)).toEqual([10, 2]);
    expect(calls[0]![0]).toEqual({
      EventBusName: 'tongban-test-cases',
      Source: CASE_EVENT_BUS_SOURCE,
      DetailType: all[0]!.type,
      Detail: JSON.stringify(all[0]),
      Time: new Date(all[0]!.time),
    });
    expect(calls.flat().map((e) => (JSON.parse(e.Detail!) as CaseEvent).id)).toEqual(all.map((e) => e.id));
  });

  it('answers how many it published before the first entry EventBridge refused, and sends no later call', async () => {
    const all = events(12);
    const refused = vi.fn();
    mock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'a' },
        { EventId: 'b' },
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        ...Array.from({ length: 7 }, (_, i) => ({ EventId: `c${i}` })),
      ],
    });
    expect(await new EventBridgeEventBus(client, 'tongban-test-cases', refused).publish(all)).toBe(2);
    expect(mock.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(refused).toHaveBeenCalledWith(all[2], 'ThrottlingException', 'Rate exceeded');
  });
});

describe('the relay function', () => {
  const client = mock;

  it("publishes the new entries of the stream — each head write's own entry, and the entry items of the old layout — and answers the first it could not publish (ReportBatchItemFailures)", async () => {
    vi.stubEnv('CASE_EVENT_BUS_NAME', 'tongban-test-cases');
    vi.stubEnv('AWS_REGION', 'cn-north-1');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const { relayHandler } = await import('../../functions/relay/handler.ts');
    const handler = relayHandler();
    const all = events(3);
    const record = (seq: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => ({
      eventName,
      dynamodb: { SequenceNumber: seq, Keys: marshall({ pk: item.pk, sk: item.sk }), NewImage: marshall(item, { removeUndefinedValues: true }) as never },
    });
    const pending = all.map((event, i) => ({ entry: { n: i + 1 }, event }));
    const packedRecord = (seq: string, item: Record<string, unknown>) => {
      const image = marshall(packCaseItem(item), { removeUndefinedValues: true });
      image[PACKED] = { B: Buffer.from(image[PACKED]!.B!).toString('base64') } as never;
      return { eventName: 'MODIFY', dynamodb: { SequenceNumber: seq, Keys: marshall({ pk: item.pk, sk: item.sk }), NewImage: image as never } };
    };
    const stream = {
      Records: [
        // An entry item of the layout before issue 21
        record('100', { pk: 'CASE#X', sk: 'EVT#0000000001', event: all[0] }),
        // A head of that layout rolled forward carries no entry: no event.
        record('101', { pk: 'CASE#X', sk: 'HEAD', version: 1, state: {} }, 'MODIFY'),
        // Heads carrying their entries: the one of the head's version is the write's (the others were published before).
        record('102', { pk: 'CASE#X', sk: 'HEAD', version: 2, state: {}, pending: pending.slice(0, 2) }, 'MODIFY'),
        // A page repeats committed entries: no event.
        record('103', { pk: 'CASE#X', sk: 'PAGE#0000000002', entries: pending.slice(0, 2) }),
        // A head as the store writes it, packed (case-item-packing.ts), its binary attribute base64 as Lambda's event JSON carries it.
        packedRecord('104', { pk: 'CASE#X', sk: 'HEAD', version: 3, state: {}, pending: pending.slice(2) }),
      ],
    } as unknown as DynamoDBStreamEvent;
    client.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }, { EventId: 'c' }] });
    expect(await handler(stream)).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    client.reset();
    client.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }, { EventId: 'c' }] });
    expect(await handler(stream)).toEqual({ batchItemFailures: [] });
    expect(client.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!.map((e) => (JSON.parse(e.Detail!) as CaseEvent).id)).toEqual(all.map((e) => e.id));
  });
});
