// A relay function's handler: a table's stream (its history entries as they are written: the outbox)
// to the platform's event bus. Given the stream's records in order (DynamoDB Streams on AWS, the
// embedded stream locally); answers the first record it could not publish (ReportBatchItemFailures),
// so the stream hands it and the ones after it over again, in order. The cases table's relay and the
// feedback table's differ only in where their entries are and which attribute holds the event.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { EventBridgeEventBus } from '../../shared/adapters/eventbridge-event-bus.ts';
import type { OutboxRecord } from '../../shared/domain/events/event-relay.ts';
import { relayEvents } from '../../shared/domain/events/event-relay.ts';
import { CASE_EVENT_BUS_VARIABLE } from '../manifest.ts';
import { observability, observed } from './observability.ts';

export interface StreamRelayOptions {
  /** The function's name (its logs and traces). */
  name: string;
  /** The sort key prefix of the table's history entries (the event source mapping filters on it too). */
  entryPrefix: string;
  /** The entry item's attribute holding its event. */
  eventAttribute: string;
  /** The metric counting the events published. */
  metric: string;
  /**
   * Items with this sort key whose writes (INSERT or MODIFY) carry an entry: `entry` gives its event
   * from the item written, or undefined where the write carries none (not an outbox record).
   */
  head?: { sortKey: string; entry: (image: Record<string, unknown>) => unknown };
}

export function streamRelay(o: StreamRelayOptions) {
  const { logger, metrics } = observability(o.name);
  const bus = new EventBridgeEventBus(eventBridgeClient(), requiredEnv(CASE_EVENT_BUS_VARIABLE), (event, code, message) =>
    logger.warn('the bus refused an event: it is handed over again', { id: event.id, code, message }),
  );
  /** A history entry written (the event source mapping filters the same way; checked again here). */
  const isEntryInsert = (record: DynamoDBRecord) => record.eventName === 'INSERT' && (record.dynamodb?.Keys?.sk?.S ?? '').startsWith(o.entryPrefix);
  const outboxRecord = (record: DynamoDBRecord): OutboxRecord | undefined => {
    const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    const position = record.dynamodb?.SequenceNumber ?? '';
    if (o.head && (record.eventName === 'INSERT' || record.eventName === 'MODIFY') && record.dynamodb?.Keys?.sk?.S === o.head.sortKey) {
      const event = image && o.head.entry(unmarshall(image));
      return event === undefined ? undefined : { position, event };
    }
    if (!isEntryInsert(record)) return undefined;
    const held = image?.[o.eventAttribute];
    return { position, event: held === undefined ? undefined : unmarshall({ e: held }).e };
  };
  return observed(o.name, async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = (event.Records ?? []).map(outboxRecord).filter((r): r is OutboxRecord => r !== undefined);
    const result = await relayEvents(records, bus);
    for (const skipped of result.passedOver) logger.warn('stream record passed over', skipped);
    if (result.error !== undefined) logger.error('publishing to the event bus failed: handed over again', { error: result.error as Error, from: result.stoppedAt });
    if (result.published > 0) metrics.addMetric(o.metric, MetricUnit.Count, result.published);
    return { batchItemFailures: result.stoppedAt !== undefined ? [{ itemIdentifier: result.stoppedAt }] : [] };
  });
}
