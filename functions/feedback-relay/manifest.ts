// The feedback relay: each history entry of an evaluation or a ticket written to the feedback table
// holds its event (the outbox); the table's stream hands the new entries to this function, which puts
// their events on the platform's event bus, in order (source tongban.feedback). Nothing else: it reads
// no table and writes none.
import { CHAINED_ENTRY_PREFIX } from '../../shared/adapters/dynamo-chained-records.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const feedbackRelay = {
  name: 'feedback-relay',
  description: "publishes each new evaluation and ticket history entry's event to the platform's event bus (the feedback table's stream)",
  // New entries only: an entry is written once (INSERT); heads moving are no events.
  trigger: { kind: 'stream', table: 'feedback', filter: { eventName: 'INSERT', sortKeyPrefix: CHAINED_ENTRY_PREFIX } },
  // PutEvents on the platform's event bus alone.
  bus: ['events:PutEvents'],
  limits: {
    timeoutSeconds: 30,
    // As the case relay's: retried (split in halves), then recorded in its dead-letter queue (the events stay in their entries).
    retryAttempts: 10,
    maxEventAgeHours: 24,
  },
  alarms: {
    deadLetters: {
      id: 'FeedbackRelayDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'the feedback relay gave up on a batch of the feedback table stream after its retries: its evaluation and ticket events did not reach the bus (they are still in their history entries; the dead letter says which shard and sequence numbers)',
    },
  },
  load: async () => (await import('./handler.ts')).feedbackRelayHandler,
} as const satisfies EventFunctionManifest<'feedback-relay'>;
