// What a batch from a case-events queue holds (a `queue` trigger, functions/manifest.ts): each SQS
// record an EventBridge event whose `detail` is a case event, grouped by case, or `{"tick":true}` from
// the queue's schedule. A record that is neither is told to `onBad` and listed failed (the queue gives
// it again, then keeps it in its dead-letter queue). One reading for every consumer of the case events.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { CASE_EVENT_BUS_SOURCE, CaseEventSchema } from '../../shared/contracts/case-events.ts';

export interface QueueWork {
  /** The case events by case (its number), each with its record, in the order received. */
  cases: Map<string, { record: SQSRecord; event: CaseEvent }[]>;
  ticks: SQSRecord[];
  /** The message ids of the records that are neither (the consumer adds those it fails to handle). */
  failures: string[];
}

export function queueWork(event: SQSEvent, onBad: (messageId: string, reason: string) => void): QueueWork {
  const work: QueueWork = { cases: new Map(), ticks: [], failures: [] };
  for (const record of event.Records) {
    const w = workOf(record);
    if (w.kind === 'bad') {
      onBad(record.messageId, w.reason);
      work.failures.push(record.messageId);
    } else if (w.kind === 'tick') work.ticks.push(record);
    else work.cases.set(w.event.subject, [...(work.cases.get(w.event.subject) ?? []), { record, event: w.event }]);
  }
  return work;
}

/** What a record holds: a case event, a tick, or nothing a consumer can handle. */
type Work = { kind: 'event'; event: CaseEvent } | { kind: 'tick' } | { kind: 'bad'; reason: string };

function workOf(record: SQSRecord): Work {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { kind: 'bad', reason: 'the body is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { kind: 'bad', reason: 'the body is not an object' };
  if ((body as { tick?: unknown }).tick === true) return { kind: 'tick' };
  const { source, detail } = body as { source?: unknown; detail?: unknown };
  if (source !== CASE_EVENT_BUS_SOURCE) return { kind: 'bad', reason: `source ${JSON.stringify(source)} is not ${CASE_EVENT_BUS_SOURCE}` };
  const parsed = CaseEventSchema.safeParse(detail);
  if (!parsed.success) return { kind: 'bad', reason: `the detail is not a case event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { kind: 'event', event: parsed.data };
}
