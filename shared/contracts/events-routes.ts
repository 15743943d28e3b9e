// The routes the `events` function serves: the webhook subscriptions, their parked deliveries and the
// event feed. Listed in the route table (routes.ts); the function's bundle imports these alone.
import { CreateSubscriptionRequestSchema, CreatedSubscriptionSchema, EventFeedQuerySchema, EventFeedSchema, FailureListSchema, FailuresQuerySchema, RedeliverRequestSchema, RedeliverResultSchema, RemovedSubscriptionSchema, SubscriptionIdParamsSchema, SubscriptionListSchema } from './subscriptions.ts';
import type { RouteSpec } from './route-spec.ts';

/** The routes of the `events` function, in the route table's order. */
export const EVENT_ROUTES = [
  {
    operationId: 'createSubscription',
    method: 'POST',
    path: '/v1/subscriptions',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary:
      "Register a webhook endpoint for the caller's events of cases, evaluations and tickets (a channel: its cases and tickets, the evaluations rated through it; a department: its own cases and joint tasks, the evaluations and tickets addressed to it), all or the types named; at most 10 per owner. The signing secret (Standard Webhooks) is in this answer only",
    body: CreateSubscriptionRequestSchema,
    response: CreatedSubscriptionSchema,
    successStatus: 201,
    errors: ['SUBSCRIPTION_URL_INVALID', 'SUBSCRIPTION_URL_NOT_ALLOWED', 'SUBSCRIPTION_TYPE_UNKNOWN', 'SUBSCRIPTION_LIMIT_REACHED', 'SUBSCRIPTION_CHANGED'],
  },
  {
    operationId: 'listSubscriptions',
    method: 'GET',
    path: '/v1/subscriptions',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary: "The caller's webhook subscriptions (without their secrets)",
    response: SubscriptionListSchema,
    errors: [],
  },
  {
    operationId: 'removeSubscription',
    method: 'DELETE',
    path: '/v1/subscriptions/{id}',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary: "Remove one of the caller's subscriptions; what it had not delivered yet is dropped (another owner's subscription is not found)",
    params: SubscriptionIdParamsSchema,
    response: RemovedSubscriptionSchema,
    errors: ['SUBSCRIPTION_NOT_FOUND', 'SUBSCRIPTION_CHANGED'],
  },
  {
    operationId: 'listFailures',
    method: 'GET',
    path: '/v1/subscriptions/{id}/failures',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary:
      "The deliveries of one of the caller's subscriptions that failed every attempt (8 over about 27.6 hours) and were parked, by record (case, evaluation, ticket) and version",
    params: SubscriptionIdParamsSchema,
    query: FailuresQuerySchema,
    response: FailureListSchema,
    errors: ['SUBSCRIPTION_NOT_FOUND', 'INVALID_CURSOR'],
  },
  {
    operationId: 'redeliver',
    method: 'POST',
    path: '/v1/subscriptions/{id}/redeliver',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary: "Deliver parked events of one of the caller's subscriptions again: those named, or up to 100; each gets the full retry schedule again",
    params: SubscriptionIdParamsSchema,
    body: RedeliverRequestSchema,
    response: RedeliverResultSchema,
    errors: ['SUBSCRIPTION_NOT_FOUND'],
  },
  {
    operationId: 'listEvents',
    method: 'GET',
    path: '/v1/events',
    function: 'events',
    auth: 'iam',
    roles: ['channel', 'department'],
    summary:
      "The caller's events of cases, evaluations and tickets as a feed, in the order they were routed, kept 7 days (a channel: its cases and tickets, the evaluations rated through it; a department: its own cases and joint tasks, the evaluations and tickets addressed to it, a ticket's transfer away from it); poll with the cursor each page gives (tongban events tail)",
    query: EventFeedQuerySchema,
    response: EventFeedSchema,
    errors: ['INVALID_CURSOR'],
  },
] as const satisfies readonly RouteSpec<'events'>[];
