// Lambda: the relay — the cases table's stream (the history entries as they are written: the outbox)
// to the platform's case event bus. Given the stream's records in order (DynamoDB Streams on AWS, the
// embedded stream locally); answers the first record it could not publish (ReportBatchItemFailures),
// so the stream hands it and the ones after it over again, in order.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { ENTRY_EVENT, ENTRY_PREFIX } from '../../shared/adapters/case-items.ts';
import { EventBridgeCaseBus } from '../../shared/adapters/eventbridge-case-bus.ts';
import type { OutboxRecord } from '../../shared/domain/events/case-event-relay.ts';
import { relayCaseEvents } from '../../shared/domain/events/case-event-relay.ts';
import { observability, observed } from '../http/observability.ts';
import { CASE_EVENT_BUS_VARIABLE } from '../manifest.ts';

const { logger, metrics } = observability('relay');

export function relayHandler() {
  const bus = new EventBridgeCaseBus(eventBridgeClient(), requiredEnv(CASE_EVENT_BUS_VARIABLE), (event, code, message) =>
    logger.warn('the bus refused a case event: it is handed over again', { id: event.id, code, message }),
  );
  return observed('relay', async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = (event.Records ?? []).filter(isEntryInsert).map(outboxRecord);
    const result = await relayCaseEvents(records, bus);
    for (const skipped of result.passedOver) logger.warn('stream record passed over', skipped);
    if (result.error !== undefined) logger.error('publishing to the case event bus failed: handed over again', { error: result.error as Error, from: result.stoppedAt });
    if (result.published > 0) metrics.addMetric('CaseEventsPublished', MetricUnit.Count, result.published);
    return { batchItemFailures: result.stoppedAt !== undefined ? [{ itemIdentifier: result.stoppedAt }] : [] };
  });
}

/** A history entry written (the event source mapping filters the same way; checked again here). */
function isEntryInsert(record: DynamoDBRecord): boolean {
  return record.eventName === 'INSERT' && (record.dynamodb?.Keys?.sk?.S ?? '').startsWith(ENTRY_PREFIX);
}

function outboxRecord(record: DynamoDBRecord): OutboxRecord {
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  const held = image?.[ENTRY_EVENT];
  return { position: record.dynamodb?.SequenceNumber ?? '', event: held === undefined ? undefined : unmarshall({ e: held }).e };
}

export const handler = relayHandler();
