// What a record of a `queue` trigger's queue (functions/manifest.ts) holds: a case event the bus's rule
// put there (an EventBridge event whose `detail` is the case event), a tick the schedule put there
// (`{"tick":true}`), or nothing a consumer can take (then left to the queue's retries and dead letters).
import type { SQSRecord } from 'aws-lambda';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import { CASE_EVENT_BUS_SOURCE, CaseEventSchema } from '../../shared/contracts/case-events.ts';

export type QueueWork = { kind: 'event'; event: CaseEvent } | { kind: 'tick' } | { kind: 'bad'; reason: string };

export function queueWork(record: SQSRecord): QueueWork {
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
