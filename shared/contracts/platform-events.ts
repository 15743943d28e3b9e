// Every event the platform publishes, routes to feeds and sends to webhooks: a case event
// (case-events.ts) or a feedback event of an evaluation or a ticket (feedback-events.ts). One schema
// for the bus, the queues, the feed and the webhooks.
import * as z from 'zod';
import { CaseEventSchema } from './case-events.ts';
import { FeedbackEventSchema } from './feedback-events.ts';

export const PlatformEventSchema = z.union([CaseEventSchema, FeedbackEventSchema]);
export type PlatformEvent = z.infer<typeof PlatformEventSchema>;

export { PLATFORM_EVENT_BUS_SOURCES } from './event-bus-sources.ts';
