// What a batch from an events queue holds (a `queue` trigger, functions/manifest.ts): each SQS record an
// EventBridge event whose `detail` is an event of the queue's feed, grouped by the record it belongs to,
// or `{"tick":true}` from the queue's schedule. A record that is neither is told to `onBad` and listed
// failed (the queue gives it again, then keeps it in its dead-letter queue). One reading for every
// consumer of the events: the statistics and the watch read the case events (`case-events`, by case
// number), the deliveries every event (`platform-events`, by key: the case number, `evaluation:<id>`,
// `ticket:<id>`). The case events' reading is here; the platform events' is in
// platform-events-reading.ts, so the functions that read case events only do not bundle, nor build at
// load, the schemas of the evaluations' and tickets' events.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { CaseEventSchema } from '../../shared/contracts/case-events.ts';
import type { QueueFeed } from '../manifest.ts';
import { queueFeedSources } from '../manifest.ts';

export interface QueueWork<E = CaseEvent> {
  /** The events by the record they belong to (a case number; on a `platform-events` feed also `evaluation:<id>`, `ticket:<id>`), each with its record, in the order received. */
  cases: Map<string, { record: SQSRecord; event: E }[]>;
  ticks: SQSRecord[];
  /** The message ids of the records that are neither (the consumer adds those it fails to handle). */
  failures: string[];
}

/** A feed's reading: the feed (whose sources its rule takes), the schema of its events, the key they are grouped by. */
export interface QueueReading<E> {
  feed: QueueFeed;
  schema: z.ZodType<E>;
  noun: string;
  key: (e: E) => string;
}

/** The `case-events` feed's reading: case events, by case number. */
export const CASE_EVENTS_READING: QueueReading<CaseEvent> = { feed: 'case-events', schema: CaseEventSchema, noun: 'a case event', key: (e) => e.subject };

/** The batch's events by record (read as `reading` says: case events unless told), its ticks and its failures. */
export function queueWork<E = CaseEvent>(
  event: SQSEvent,
  onBad: (messageId: string, reason: string) => void,
  reading: QueueReading<E> = CASE_EVENTS_READING as unknown as QueueReading<E>,
): QueueWork<E> {
  const sources = queueFeedSources(reading.feed);
  const work: QueueWork<E> = { cases: new Map(), ticks: [], failures: [] };
  for (const record of event.Records) {
    const w = workOf(record, sources, reading);
    if (w.kind === 'bad') {
      onBad(record.messageId, w.reason);
      work.failures.push(record.messageId);
    } else if (w.kind === 'tick') work.ticks.push(record);
    else {
      const key = reading.key(w.event);
      work.cases.set(key, [...(work.cases.get(key) ?? []), { record, event: w.event }]);
    }
  }
  return work;
}

/** What a record holds: an event, a tick, or nothing a consumer can handle. */
type Work<E> = { kind: 'event'; event: E } | { kind: 'tick' } | { kind: 'bad'; reason: string };

function workOf<E>(record: SQSRecord, sources: readonly string[], reading: QueueReading<E>): Work<E> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { kind: 'bad', reason: 'the body is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { kind: 'bad', reason: 'the body is not an object' };
  if ((body as { tick?: unknown }).tick === true) return { kind: 'tick' };
  const { source, detail } = body as { source?: unknown; detail?: unknown };
  if (typeof source !== 'string' || !sources.includes(source)) return { kind: 'bad', reason: `source ${JSON.stringify(source)} is not ${sources.join(' or ')}` };
  const parsed = reading.schema.safeParse(detail);
  if (!parsed.success) return { kind: 'bad', reason: `the detail is not ${reading.noun}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { kind: 'event', event: parsed.data };
}
