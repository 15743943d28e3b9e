// Lambda: the month's sealed statistics document (shared/domain/statistics/statistics-publication.ts),
// run on a schedule (EventBridge, hourly; embedded, a timer). Once the month before has ended a day ago
// and none of its days waits for the tally's roll-up, its public figures are sealed with the archive
// seal key, written once to the archive bucket and kept in the statistics table; every other run finds
// nothing due. A failed publication is logged and counted (PublicationFailures, which an alarm watches),
// not thrown: the next run tries again. A function of its own, apart from the tally, so that the tally's
// bundle carries no S3 or KMS client.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, kmsClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.ts';
import { evaluationsOf, publishedItemCount } from '../../shared/adapters/dynamo-statistics-sources.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoStatisticsStore } from '../../shared/adapters/dynamo-statistics-store.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import { StatisticsPublication } from '../../shared/domain/statistics/statistics-publication.ts';
import { StatisticsService } from '../../shared/domain/statistics/statistics-service.ts';
import { observability, observed } from '../http/observability.ts';

const { logger, metrics } = observability('publication');

/** What a run answers: the month it published (none: nothing was due), or why it failed. */
export type PublicationRun = { published?: string } | { failed: string };

export function publicationHandler(options: { now?: () => Date } = {}) {
  const db = dynamoDocumentClient();
  const store = new DynamoStatisticsStore(db, requiredEnv('STATISTICS_TABLE'), options.now);
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const itemsTable = requiredEnv('ITEMS_TABLE');
  const feedbackTable = requiredEnv('FEEDBACK_TABLE');
  const publication = new StatisticsPublication({
    statistics: new StatisticsService({
      store,
      directory: () => directory.load(),
      publishedItems: (departmentId) => publishedItemCount(db, itemsTable, departmentId),
      findingsByRule: () => Promise.resolve({}),
      // The month's document publishes each department's 好差评 results with its figures.
      evaluations: (departmentId, from, to, today) => evaluationsOf(db, feedbackTable, departmentId, from, to, today),
      ...(options.now ? { now: options.now } : {}),
    }),
    store,
    archive: new S3AnchorArchive(s3Client(), requiredEnv('ARCHIVE_BUCKET')),
    signer: new KmsSealSigner(kmsClient()),
    archiveKey: async () => (await directory.load()).archiveKey,
    now: options.now ?? (() => new Date()),
  });

  return observed('publication', async (): Promise<PublicationRun> => {
    let run: PublicationRun;
    try {
      const month = await publication.publishDue();
      if (month) logger.info("the month's sealed statistics document was published", { month });
      run = month ? { published: month } : {};
    } catch (error) {
      logger.error("the month's sealed statistics document could not be published: the next run tries again", { error });
      run = { failed: error instanceof Error ? error.message : String(error) };
    }
    metrics.addMetric('PublicationFailures', MetricUnit.Count, 'failed' in run ? 1 : 0);
    return run;
  });
}

export const handler = publicationHandler();
