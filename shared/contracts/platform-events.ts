// Every event the platform publishes, routes to feeds and sends to webhooks: a case event
// (case-events.ts) or a feedback event of an evaluation or a ticket (feedback-events.ts). One schema
// for the bus, the queues, the feed and the webhooks.
import * as z from 'zod';
import { CASE_EVENT_BUS_SOURCE, CaseEventSchema } from './case-events.ts';
import { FEEDBACK_EVENT_BUS_SOURCE, FeedbackEventSchema } from './feedback-events.ts';

export const PlatformEventSchema = z.union([CaseEventSchema, FeedbackEventSchema]);
export type PlatformEvent = z.infer<typeof PlatformEventSchema>;

/** The EventBridge sources of the platform's events on its bus: the case relay's and the feedback relay's. */
export const PLATFORM_EVENT_BUS_SOURCES = [CASE_EVENT_BUS_SOURCE, FEEDBACK_EVENT_BUS_SOURCE] as const;
