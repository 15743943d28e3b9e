// The feedback relay: each history entry of an evaluation or a ticket written to the feedback table
// holds its event (the outbox); the table's stream hands the new entries to this function, which puts
// their events on the platform's event bus, in order (source tongban.feedback). Nothing else: it reads
// no table and writes none.
import { CHAINED_ENTRY_PREFIX } from '../../shared/adapters/dynamo-chained-records.ts';
import type { EventFunctionManifest } from '../manifest.ts';
import { relay } from '../relay/manifest.ts';

export const feedbackRelay = {
  name: 'feedback-relay',
  description: "publishes each new evaluation and ticket history entry's event to the platform's event bus (the feedback table's stream)",
  // New entries only: an entry is written once (INSERT); heads moving are no events.
  trigger: { kind: 'stream', table: 'feedback', filter: { eventName: 'INSERT', sortKeyPrefix: CHAINED_ENTRY_PREFIX } },
  // As the case relay: PutEvents on the platform's event bus alone; a batch that keeps failing retried (split in
  // halves), then recorded in its dead-letter queue (the events stay in their entries).
  bus: relay.bus,
  limits: relay.limits,
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
