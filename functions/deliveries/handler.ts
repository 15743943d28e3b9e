// Lambda: deliveries — the events the bus hands over through a queue (cases', evaluations', tickets'),
// routed to their audience (feeds, subscriptions) in order per record, and the webhook attempts
// (shared/domain/events/event-router.ts). Each queue record is an EventBridge event whose `detail` is a
// platform event, or `{"tick":true}` (a scheduled rule's, every minute) for the retries that are due. A
// record that could not be routed (the store or the outbox failed, or it is no event) is reported as failed and
// given again by the queue, then kept in its dead-letter queue; a failed webhook attempt is no failure
// of the record: it is retried on the schedule, then parked (DeliveriesParked, which an alarm watches).
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseOutbox, DynamoEventStore, DynamoFeedbackOutbox, PlatformOutbox } from '../../shared/adapters/dynamo-event-store.ts';
import { HttpWebhookSender } from '../../shared/adapters/http-webhook-sender.ts';
import type { RunReport } from '../../shared/domain/events/event-router.ts';
import { EventRouter } from '../../shared/domain/events/event-router.ts';
import type { WebhookSender } from '../../shared/domain/events/ports.ts';
import { tracedWebhooks } from '../http/traced-webhooks.ts';
import { observability, observed } from '../http/observability.ts';
import { endpointPolicy } from '../http/webhook-settings.ts';
import { queueWork } from '../http/queue-work.ts';
import { PLATFORM_EVENTS_READING } from '../http/platform-events-reading.ts';

const { logger, metrics, tracer } = observability('deliveries');

export interface DeliveriesHandlerOptions {
  now?: () => Date;
  /** Tests: the sender (default: HTTP(S) with the endpoint rules of WEBHOOK_ALLOW_HTTP_LOOPBACK). */
  sender?: WebhookSender;
}

export function deliveriesHandler(options: DeliveriesHandlerOptions = {}) {
  const db = dynamoDocumentClient();
  const store = new DynamoEventStore(db, requiredEnv('EVENTS_TABLE'));
  const sender = options.sender ?? new HttpWebhookSender(endpointPolicy(process.env));
  const router = new EventRouter({
    store,
    outbox: new PlatformOutbox(new DynamoCaseOutbox(db, requiredEnv('CASES_TABLE')), new DynamoFeedbackOutbox(db, requiredEnv('FEEDBACK_TABLE'))),
    // Traced, each attempt a subsegment of its own (the SDK's calls are traced by their clients).
    sender: tracer ? tracedWebhooks(tracer, sender) : sender,
    ...(options.now ? { now: options.now } : {}),
    onParked: (p) =>
      logger.error('a webhook delivery failed every attempt and was parked: the owner sees it in its failures (GET /v1/subscriptions/{id}/failures)', {
        ownerKind: p.owner.kind,
        ownerId: p.owner.id,
        subscriptionId: p.subscriptionId,
        eventId: p.eventId,
        attempts: p.attempts,
        lastError: p.lastError,
      }),
    onSkipped: (key, versions) =>
      logger.warn('history entries written before events existed carry no event: not routed', { key, from: versions[0], to: versions.at(-1), count: versions.length }),
  });

  return observed('deliveries', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const total: RunReport = { routed: 0, duplicates: 0, delivered: 0, failedAttempts: 0, parked: 0 };
    const add = (r: RunReport) => {
      for (const k of Object.keys(total) as (keyof RunReport)[]) total[k] += r[k];
    };
    const {
      cases: byRecord,
      ticks,
      failures,
    } = queueWork(
      event,
      (messageId, reason) => logger.error('a queue record is neither an event nor a tick: left to the dead-letter queue', { messageId, reason }),
      PLATFORM_EVENTS_READING,
    );
    // Per record, in version order (a later version routes the earlier ones anyway); records side by side.
    await Promise.all(
      [...byRecord.values()].map(async (list) => {
        list.sort((a, b) => a.event.data.version - b.event.data.version);
        for (const { record, event: e } of list) {
          try {
            add(await router.route(e));
          } catch (error) {
            logger.error('an event could not be routed: the queue gives it again', { messageId: record.messageId, eventId: e.id, error });
            failures.push(record.messageId);
          }
        }
      }),
    );
    for (const record of ticks) {
      try {
        add(await router.tick());
      } catch (error) {
        logger.error('the due deliveries could not be made: the next tick tries again', { messageId: record.messageId, error });
        failures.push(record.messageId);
      }
    }
    metrics.addMetric('EventsRouted', MetricUnit.Count, total.routed);
    metrics.addMetric('DeliveriesSucceeded', MetricUnit.Count, total.delivered);
    metrics.addMetric('DeliveryAttemptsFailed', MetricUnit.Count, total.failedAttempts);
    metrics.addMetric('DeliveriesParked', MetricUnit.Count, total.parked);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

export const handler = deliveriesHandler();
