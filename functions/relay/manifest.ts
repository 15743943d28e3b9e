// The relay: each history entry written to the cases table holds its case event (the outbox); the
// table's stream hands the new entries to this function — each action's head write, carrying its
// entry, and the entry items of the layout before issue 21 — which puts their events on the
// platform's case event bus, in order. Nothing else: it reads no table and writes none.
import { ENTRY_PREFIX, HEAD } from '../../shared/adapters/case-items.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const relay = {
  name: 'relay',
  description: "publishes each new case history entry's event to the case event bus (the cases table's stream)",
  // New entries only: a head written by a transition carries its entry (n = the head's version); an
  // entry item of the old layout is written once (INSERT). Nothing else of the table is an event.
  trigger: { kind: 'stream', table: 'cases', filter: { eventName: 'INSERT', sortKeyPrefix: ENTRY_PREFIX, head: HEAD } },
  // PutEvents on the platform's case event bus alone.
  bus: ['events:PutEvents'],
  limits: {
    timeoutSeconds: 30,
    // A batch that keeps failing is retried this often (split in halves), then recorded in the relay's
    // dead-letter queue (where in the stream it was: the events are still in their entries).
    retryAttempts: 10,
    maxEventAgeHours: 24,
  },
  alarms: {
    deadLetters: {
      id: 'RelayDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'the relay gave up on a batch of the cases table stream after its retries: its events did not reach the bus (they are still in their history entries; the dead letter says which shard and sequence numbers)',
    },
  },
  load: async () => (await import('./handler.ts')).relayHandler,
} as const satisfies EventFunctionManifest<'relay'>;
