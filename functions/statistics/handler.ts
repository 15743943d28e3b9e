// Lambda: statistics — a period's figures (GET /v1/statistics: a department its own, the platform role
// and auditors everyone's), their check against the case records (GET /v1/statistics/check), and the
// published figures with the months' sealed documents (GET /v1/public/statistics…, unsigned). It
// reads the day summaries the tally function keeps, never the facts or the cases (but for the check).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoAnchorQueue } from '../../shared/adapters/dynamo-anchor-queue.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { evaluationsOf, findingsByRule, publishedItemCount } from '../../shared/adapters/dynamo-statistics-sources.ts';
import { DynamoStatisticsStore } from '../../shared/adapters/dynamo-statistics-store.ts';
import { CSV_CONTENT_TYPE, STATISTICS_ROUTES } from '../../shared/contracts/statistics.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { StatisticsCheck } from '../../shared/domain/statistics/statistics-check.ts';
import { publicCsv } from '../../shared/domain/statistics/statistics-csv.ts';
import { StatisticsKeeper } from '../../shared/domain/statistics/statistics-keeper.ts';
import { StatisticsService } from '../../shared/domain/statistics/statistics-service.ts';
import { Answer, apiHandler } from '../http/api-handler.ts';
import { storedCalendar } from '../http/calendar.ts';
import { observability } from '../http/observability.ts';

// Before the clients are built: they are traced by this function's tracer.
const { logger } = observability('statistics');

export function statisticsHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const store = new DynamoStatisticsStore(db, requiredEnv('STATISTICS_TABLE'));
  const itemsTable = requiredEnv('ITEMS_TABLE');
  const supervisionTable = requiredEnv('SUPERVISION_TABLE');
  const casesTable = requiredEnv('CASES_TABLE');
  const feedbackTable = requiredEnv('FEEDBACK_TABLE');
  const cases = new DynamoCaseStore(db, casesTable, { readOnly: true });
  const service = new StatisticsService({
    store,
    directory: () => directory.load(),
    publishedItems: (departmentId) => publishedItemCount(db, itemsTable, departmentId),
    findingsByRule: (departmentId, from, to) => findingsByRule(db, supervisionTable, departmentId, from, to),
    evaluations: (departmentId, from, to, today) => evaluationsOf(db, feedbackTable, departmentId, from, to, today),
    ...(options.now ? { now: options.now } : {}),
  });
  const keeper = new StatisticsKeeper({ store, cases, directory: () => directory.load(), calendar: options.calendar ?? storedCalendar(db, logger) });
  const check = new StatisticsCheck({
    store,
    heads: new DynamoAnchorQueue(db, casesTable),
    cases,
    factOf: (source, read) => keeper.factOf(source, read),
    // The anchor queue lists heads by the time their writer wrote them, on the wall clock (not a test's moved one).
    now: () => new Date(),
  });
  return apiHandler(
    'statistics',
    STATISTICS_ROUTES,
    {
      getStatistics: ({ caller, query }) => service.figures(caller, query),
      checkStatistics: ({ query }) => check.page(query),
      getPublicStatistics: async ({ query }) => {
        const figures = await service.publicFigures(query.period);
        return query.format === 'csv' ? Answer.text(publicCsv(figures), CSV_CONTENT_TYPE) : figures;
      },
      getStatisticsDocument: ({ params }) => service.document(params.month),
    },
    { directory: () => directory.load() },
  );
}

export const handler = statisticsHandler();
