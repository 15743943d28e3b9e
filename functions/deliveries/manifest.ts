// The deliveries function: routes the events the bus puts on its queue — the cases', evaluations' and
// tickets' (feeds, pending webhook deliveries, in order per record) — and makes the webhook attempts,
// and every minute (a tick on the same queue) the retries that are due.
import { EVENTS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const deliveries = {
  name: 'deliveries',
  description: 'routes case, evaluation and ticket events and delivers webhooks',
  // Every event of the platform (the bus's rule: case and feedback events) and a tick every minute (a schedule) for the retries due.
  trigger: { kind: 'queue', feed: 'platform-events', tickMinutes: 1, maxReceives: 5 },
  tables: {
    // shared/adapters/dynamo-event-store.ts: reads subscriptions and the watermarks (GetItem), writes
    // feed items, pending, delivered and parked deliveries and the pair markers (PutItem, conditional
    // where it must be), deletes what a move leaves behind (DeleteItem: a delivery moves by a put and a
    // delete), reads a pair's pending deliveries (Query) and the due pairs (the `due` index).
    events: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], indexes: [EVENTS_TABLE.indexes.due.name] },
    // The outbox: the history entries of a case between the watermark and the event (Query on the case's partition).
    cases: { actions: ['dynamodb:Query'] },
    // The outbox of evaluations and tickets: their history entries between the watermark and the event
    // (Query on the record's partition, shared/adapters/dynamo-event-store.ts DynamoFeedbackOutbox). No index, no item read.
    feedback: { actions: ['dynamodb:Query'] },
  },
  // A run routes a batch and makes its attempts (10 s each at most), a pair at most 20 at a time.
  limits: { timeoutSeconds: 120 },
  alarms: {
    parked: {
      id: 'DeliveriesParkedAlarm',
      watch: { metric: 'DeliveriesParked', statistic: 'Maximum' },
      description:
        'a webhook delivery failed every attempt (8 over about 27.6 hours) and was parked: its owner and subscription are in the log ("was parked"); the owner lists it with GET /v1/subscriptions/{id}/failures and redelivers it',
    },
    errors: { id: 'DeliveriesErrorsAlarm', watch: 'errors', description: 'a deliveries run failed (the function threw or timed out)' },
    deadLetters: {
      id: 'DeliveriesDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'an event could not be routed after 5 receives, or the bus could not put it on the queue: it is in the deliveries dead-letter queue (the event is also in its history entry and the bus archive: a later event of the record routes it, or replay it)',
    },
  },
  load: async () => (await import('./handler.ts')).deliveriesHandler,
} as const satisfies EventFunctionManifest<'deliveries'>;
