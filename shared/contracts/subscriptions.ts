// Webhook subscriptions and the event feed on the wire (shared/domain/events/subscriptions.ts does
// the work): a channel or a department registers endpoints that receive its events — of cases,
// evaluations and tickets — signed as
// the Standard Webhooks specification says; lists and redelivers what could not be delivered; reads
// its events as a feed (`tongban events tail`). One schema per payload.
import * as z from 'zod';
import { PlatformEventSchema } from './platform-events.ts';
import { CASE_NO_PATTERN } from './case-vocabulary.ts';

/** Subscriptions an owner (a channel, a department) may have. */
export const MAX_SUBSCRIPTIONS = 10;
/** The longest endpoint URL. */
export const MAX_SUBSCRIPTION_URL_LENGTH = 2048;
/** Event types a subscription may name (there are about 30 case event types, 11 of evaluations and tickets). */
export const MAX_SUBSCRIPTION_TYPES = 50;
/** Parked deliveries listed, events read, or deliveries redelivered at a time. */
export const MAX_EVENTS_PAGE = 100;

/** `sub_` and 24 lower-case hex digits. */
export const SUBSCRIPTION_ID_PATTERN = /^sub_[0-9a-f]{24}$/;
/** An event's id: `<caseNo>.<version>`, or an evaluation's or a ticket's `<id>.<version>` (32 hex digits: the form of a case number too). */
export const EVENT_ID_PATTERN = new RegExp(`^${CASE_NO_PATTERN.source.slice(1, -1)}\\.[1-9][0-9]{0,9}$`);

const SubscriptionId = z.string().regex(SUBSCRIPTION_ID_PATTERN).meta({ description: 'the subscription, `sub_` and 24 hex digits' });
const EventType = z
  .string()
  .regex(/^cn\.tongban\.(?:case|evaluation|ticket)\.[a-z][a-z-]{1,40}$/)
  .meta({
    description:
      "an event type: a case's `cn.tongban.case.<action>` (`cn.tongban.case.accept`, `cn.tongban.case.decide`…), an evaluation's `cn.tongban.evaluation.<action>` or a ticket's `cn.tongban.ticket.<action>`",
  });
const cursor = z.string().max(2048).optional();

export const CreateSubscriptionRequestSchema = z
  .object({
    url: z.string().min(1).max(MAX_SUBSCRIPTION_URL_LENGTH).meta({ description: 'the endpoint: https (embedded platform: also http://127.0.0.1 or localhost)' }),
    types: z.array(EventType).max(MAX_SUBSCRIPTION_TYPES).optional().meta({ description: 'the event types it receives; absent or empty: every event' }),
  })
  .strict()
  .meta({ id: 'CreateSubscriptionRequest' });

export const SubscriptionSchema = z
  .object({
    id: SubscriptionId,
    url: z.string(),
    types: z.array(z.string()).meta({ description: 'empty: every event' }),
    owner: z
      .object({ kind: z.enum(['channel', 'department']), id: z.string() })
      .strict()
      .meta({
        description: "whose events it receives: a channel's cases, tickets and evaluations; a department's cases and joint tasks, and the tickets and evaluations addressed to it",
      }),
    createdAt: z.iso.datetime(),
    createdBy: z.string().meta({ description: 'the principal that registered it' }),
  })
  .strict()
  .meta({ id: 'Subscription' });

export const CreatedSubscriptionSchema = SubscriptionSchema.extend({
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32}$/)
    .meta({ description: 'the signing secret (Standard Webhooks: `whsec_` and the base64 of 24 bytes): shown this once, keep it' }),
})
  .strict()
  .meta({ id: 'CreatedSubscription' });

export const SubscriptionListSchema = z
  .object({ subscriptions: z.array(SubscriptionSchema).max(MAX_SUBSCRIPTIONS) })
  .strict()
  .meta({ id: 'SubscriptionList' });

export const SubscriptionIdParamsSchema = z.object({ id: SubscriptionId }).strict();

export const RemovedSubscriptionSchema = z
  .object({ id: SubscriptionId, removed: z.literal(true) })
  .strict()
  .meta({ id: 'RemovedSubscription' });

export const FailuresQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(20), cursor }).strict();

export const ParkedDeliverySchema = z
  .object({
    event: PlatformEventSchema,
    attempts: z.int().meta({ description: 'attempts made before it was parked' }),
    firstAttemptAt: z.iso.datetime().optional(),
    lastError: z.string().meta({ description: 'what the last attempt got: `HTTP 500`, a timeout, a refused connection…' }),
    parkedAt: z.iso.datetime(),
  })
  .strict()
  .meta({ id: 'ParkedDelivery' });

export const FailureListSchema = z
  .object({ failures: z.array(ParkedDeliverySchema), nextCursor: z.string().optional() })
  .strict()
  .meta({ id: 'FailureList', description: 'parked deliveries by record (case, evaluation, ticket), then version' });

export const RedeliverRequestSchema = z
  .object({
    eventIds: z
      .array(z.string().regex(EVENT_ID_PATTERN))
      .min(1)
      .max(MAX_EVENTS_PAGE)
      .optional()
      .meta({ description: 'the parked events to deliver again (`<caseNo>.<version>`, `<id>.<version>`); absent: up to 100 parked, by record and version' }),
  })
  .strict()
  .meta({ id: 'RedeliverRequest' });

export const RedeliverResultSchema = z
  .object({
    redelivered: z.int().meta({ description: 'deliveries moved back to pending, due now (the next delivery run, within a minute, sends them)' }),
    notParked: z.array(z.string()).meta({ description: 'ids asked for that were not parked for this subscription (delivered, still pending, or unknown)' }),
  })
  .strict()
  .meta({ id: 'RedeliverResult' });

export const EventFeedQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(50),
    cursor,
    since: z.iso.datetime({ offset: true }).optional().meta({ description: 'without a cursor: events routed from this instant on (default: the oldest kept, 7 days)' }),
  })
  .strict();

export const EventFeedSchema = z
  .object({
    events: z.array(PlatformEventSchema),
    cursor: z.string().meta({ description: 'where to read on from: always given, also on an empty page (poll with it)' }),
    more: z.boolean().meta({ description: 'more events are there to read now' }),
  })
  .strict()
  .meta({
    id: 'EventFeed',
    description:
      "the caller's events in the order they were routed (a channel: its cases and tickets, the evaluations rated through it; a department: its own cases and its joint tasks, the evaluations and tickets addressed to it, and a ticket's transfer away from it)",
  });

export type CreateSubscriptionRequest = z.infer<typeof CreateSubscriptionRequestSchema>;
export type SubscriptionView = z.infer<typeof SubscriptionSchema>;
export type CreatedSubscription = z.infer<typeof CreatedSubscriptionSchema>;
export type ParkedDeliveryView = z.infer<typeof ParkedDeliverySchema>;
export type EventFeed = z.infer<typeof EventFeedSchema>;
