// Lambda: events — the webhook subscriptions of channels and departments (register, list, remove),
// their parked deliveries (list, redeliver) and the feed of their events — of cases, evaluations and tickets (every /v1/subscriptions
// and /v1/events route).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoEventStore } from '../../shared/adapters/dynamo-event-store.ts';
import { SubscriptionService } from '../../shared/domain/events/subscriptions.ts';
import { EVENT_ROUTES } from '../../shared/contracts/events-routes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';
import { endpointPolicy } from '../http/webhook-settings.ts';

// Before the clients are built: they are traced by this function's tracer.
observability('events');

export function eventsHandler(options: { now?: () => Date } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const subscriptions = new SubscriptionService({
    store: new DynamoEventStore(db, requiredEnv('EVENTS_TABLE')),
    endpoints: endpointPolicy(process.env),
    ...(options.now ? { now: options.now } : {}),
  });
  return apiHandler(
    'events',
    EVENT_ROUTES,
    {
      createSubscription: ({ caller, body }) => subscriptions.create(caller, body),
      listSubscriptions: ({ caller }) => subscriptions.list(caller),
      removeSubscription: ({ caller, params }) => subscriptions.remove(caller, params.id),
      listFailures: ({ caller, params, query }) => subscriptions.failures(caller, params.id, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
      redeliver: ({ caller, params, body }) => subscriptions.redeliver(caller, params.id, body.eventIds),
      listEvents: ({ caller, query }) => subscriptions.feed(caller, query),
    },
    { directory: () => directory.load() },
  );
}

export const handler = eventsHandler();
