// The tally function: keeps the statistics from the case events the bus puts on its queue (each
// event's fact, once), and every minute (a tick on the same queue) rolls the changed days up.
import type { EventFunctionManifest } from '../manifest.ts';

export const tally = {
  name: 'tally',
  description: 'keeps the statistics from the case events',
  // Every case event (the bus's rule) and a tick every minute (a schedule) for the roll-up.
  trigger: { kind: 'queue', feed: 'case-events', tickMinutes: 1, maxReceives: 5 },
  tables: {
    // shared/adapters/dynamo-statistics-store.ts: facts (conditional PutItem, GetItem), the changed marks
    // (PutItem, Query, DeleteItem conditioned on their token), the summaries (PutItem, DeleteItem of the
    // parts a shorter summary leaves); facts by bucket (Query).
    statistics: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] },
    // The case as read after its event (DynamoCaseStore.read: the head, and the entries after it).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // The channel's kind (online or at a window).
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // Working days from acceptance to a decision.
  calendar: ['dynamodb:Query'],
  limits: { timeoutSeconds: 120 },
  alarms: {
    errors: { id: 'TallyErrorsAlarm', watch: 'errors', description: 'a tally run failed (the function threw or timed out)' },
    deadLetters: {
      id: 'TallyDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'the fact of a case event could not be kept after 5 receives: it is in the tally dead-letter queue (the event is also in its history entry and the bus archive: replay it; the statistics check shows what is missing)',
    },
  },
  load: async () => (await import('./handler.ts')).tallyHandler,
} as const satisfies EventFunctionManifest<'tally'>;
