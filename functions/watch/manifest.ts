// The watch function (电子监察): evaluates the supervision rules on each case a case event names and
// raises the findings (once each), and every minute (a tick on the same queue) runs the daily passes
// not yet done today: the escalation of red findings not answered in time, and the item rules.
import { FEEDBACK_TABLE, ITEMS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const watch = {
  name: 'watch',
  description: 'electronic supervision: rules evaluated on case events, findings raised and escalated',
  // Every case event (the bus's rule) and a tick every minute (a schedule) for the daily passes.
  trigger: { kind: 'queue', feed: 'case-events', tickMinutes: 1, maxReceives: 5 },
  tables: {
    // shared/adapters/dynamo-finding-store.ts: reads a finding (GetItem of its head, Query of its
    // entries), writes entries and heads (conditional PutItem), the days done (GetItem, PutItem), and
    // reads the findings due (the findingsDue index) for the escalation pass.
    supervision: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], indexes: [SUPERVISION_TABLE.indexes.findingsDue.name] },
    // Reads the case an event names (its head by GetItem, its newest entries by Query).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // The item rules: the items in review (the work index) and the catalogue (the catalogue index), each
    // item's newest and published version (Query of its versions, GetItem of one).
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'], indexes: [ITEMS_TABLE.indexes.work.name, ITEMS_TABLE.indexes.catalogue.name] },
    // The late-answers pass: the evaluations and tickets awaiting a department's answer (the feedback table's due index).
    feedback: { actions: ['dynamodb:Query'], indexes: [FEEDBACK_TABLE.indexes.due.name] },
  },
  // Due days are counted in working days.
  calendar: ['dynamodb:Query'],
  // The supervision rules in force (the items table's SUPERVISION_RULES partition: Query of its versions).
  supervisionRules: ['dynamodb:Query'],
  // A run evaluates a batch of cases, or a daily pass (the catalogue's items one by one).
  limits: { timeoutSeconds: 300 },
  alarms: {
    escalated: {
      id: 'FindingsEscalatedAlarm',
      watch: { metric: 'FindingsEscalated', statistic: 'Maximum' },
      description:
        'a red supervision finding was not answered in time and was escalated (督办): list them with GET /v1/supervision/findings?state=escalated (tongban supervision findings --state escalated)',
    },
    errors: { id: 'WatchErrorsAlarm', watch: 'errors', description: 'a watch run failed (the function threw or timed out)' },
    deadLetters: {
      id: 'WatchDeadLettersAlarm',
      watch: 'dead-letters',
      description:
        'a case event could not be evaluated after 5 receives, or the bus could not put it on the queue: it is in the watch dead-letter queue (a later event of the case evaluates it again, or replay it)',
    },
  },
  load: async () => (await import('./handler.ts')).watchHandler,
} as const satisfies EventFunctionManifest<'watch'>;
