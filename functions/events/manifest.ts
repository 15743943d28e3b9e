// The events function: webhook subscriptions, their failures and redelivery, the event feed (the
// events of cases, evaluations and tickets).
import { EVENTS_TABLE } from '../../shared/adapters/table-layout.ts';
import type { ApiFunctionManifest } from '../manifest.ts';

export const events = {
  name: 'events',
  description: 'webhook subscriptions and the event feed',
  trigger: { kind: 'api' },
  tables: {
    // shared/adapters/dynamo-event-store.ts: an owner's subscriptions (GetItem, conditional PutItem),
    // its parked deliveries (Query, GetItem) and feed (Query); a redelivery writes the pending delivery
    // and the pair's marker, then deletes the parked one; a removal deletes the subscription's pending
    // and parked deliveries and markers (DeleteItem). A redelivery's new marker first looks whether pairs
    // remain under a subscription's key of before issue 21 (Query on the `due` index, until it is empty).
    events: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], indexes: [EVENTS_TABLE.indexes.due.name] },
    // Resolves callers.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).eventsHandler,
} as const satisfies ApiFunctionManifest<'events'>;
