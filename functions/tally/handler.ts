// Lambda: tally — keeps the statistics from the case events the bus hands over through its queue
// (shared/domain/statistics): each event's fact kept once (a replayed event is a no-op) and its bucket
// (day, department) marked changed; on the tick (`{"tick":true}`, every minute) the changed buckets'
// summaries made again from their facts. A record whose fact could not be kept is reported failed and
// given again by the queue, then kept in its dead-letter queue. (The month's sealed statistics
// document, made from these summaries: functions/publication.)
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoStatisticsStore } from '../../shared/adapters/dynamo-statistics-store.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { StatisticsKeeper } from '../../shared/domain/statistics/statistics-keeper.ts';
import { storedCalendar } from '../http/calendar.ts';
import { queueWork } from '../http/queue-work.ts';
import { observability, observed } from '../http/observability.ts';

const { logger, metrics } = observability('tally');

/** Roll-up batches one tick makes at most (ROLL_UP_BATCH buckets each); the next tick takes the rest. */
const ROLL_UPS_PER_TICK = 20;

export function tallyHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const store = new DynamoStatisticsStore(db, requiredEnv('STATISTICS_TABLE'), options.now);
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const keeper = new StatisticsKeeper({
    store,
    // Reads only: a head that lags its entries is read through them (moving it is the writers' job).
    cases: new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), { readOnly: true }),
    directory: () => directory.load(),
    calendar: options.calendar ?? storedCalendar(db, logger),
  });

  return observed('tally', async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { cases, ticks, failures } = queueWork(event, (messageId, reason) =>
      logger.error('a queue record is neither a case event nor a tick: left to the dead-letter queue', { messageId, reason }),
    );
    const counted = { stored: 0, duplicate: 0, nothing: 0 };
    let buckets = 0;
    await Promise.all(
      [...cases.values()].flat().map(async ({ record, event: caseEvent }) => {
        try {
          counted[await keeper.record(caseEvent)]++;
        } catch (error) {
          logger.error('the fact of a case event could not be kept: the queue gives it again', { messageId: record.messageId, eventId: caseEvent.id, error });
          failures.push(record.messageId);
        }
      }),
    );
    for (const record of ticks) {
      try {
        for (let round = 0; round < ROLL_UPS_PER_TICK; round++) {
          const run = await keeper.rollUp();
          buckets += run.buckets;
          if (!run.more) break;
        }
      } catch (error) {
        logger.error('the changed statistics could not be rolled up: the next tick tries again', { messageId: record.messageId, error });
        failures.push(record.messageId);
      }
    }
    metrics.addMetric('FactsKept', MetricUnit.Count, counted.stored);
    metrics.addMetric('FactsReplayed', MetricUnit.Count, counted.duplicate);
    metrics.addMetric('BucketsRolledUp', MetricUnit.Count, buckets);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}

export const handler = tallyHandler();
