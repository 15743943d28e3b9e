// Lambda: the service-item catalogue (every /v1/items route).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { CATALOGUE_ROUTES } from '../../shared/contracts/catalogue-routes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';

const { logger } = observability('catalogue');

/**
 * The handler, built from the environment. `now` is the platform clock: the system clock on AWS;
 * the embedded runtime may pass a shifted one (TONGBAN_CLOCK_START) for demonstrations and tests.
 */
export function catalogueHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const catalogue = new CatalogueService({
    store: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE'), (code, version, error) =>
      logger.warn('item head lags its newest version; the next read rolls it forward', { code, version, error }),
    ),
    directory: () => directory.load(),
    calendar: options.calendar ?? storedCalendar(db, logger),
    ...(options.now ? { now: options.now } : {}),
  });

  return apiHandler(
    'catalogue',
    CATALOGUE_ROUTES,
    {
      listItems: ({ caller, query }) => {
        const { department, type, state, limit, cursor } = query;
        return catalogue.list(
          caller,
          { ...(department ? { departmentId: department } : {}), ...(type ? { type } : {}), ...(state ? { state } : {}) },
          { limit, ...(cursor ? { cursor } : {}) },
        );
      },
      createItem: ({ caller, body }) => catalogue.create(caller, body.guide),
      getItem: ({ caller, params }) => catalogue.published(caller, params.code),
      getItemVersion: ({ caller, params }) => catalogue.version(caller, params.code, params.n),
      editItem: ({ caller, params, body }) => catalogue.edit(caller, params.code, body.baseVersion, body.guide),
      reviseItem: ({ caller, params, body }) => catalogue.revise(caller, params.code, body.baseVersion, body.guide),
      submitItem: ({ caller, params, body }) => catalogue.submit(caller, params.code, body.baseVersion),
      reviewItem: ({ caller, params, body }) => catalogue.review(caller, params.code, body.baseVersion, body.decision, body.reasons),
      suspendItem: ({ caller, params, body }) => {
        const { baseVersion, ...input } = body;
        return catalogue.suspend(caller, params.code, baseVersion, input);
      },
      resumeItem: ({ caller, params, body }) => catalogue.resume(caller, params.code, body.baseVersion),
      terminateItem: ({ caller, params, body }) => catalogue.terminate(caller, params.code, body.baseVersion, body.reason),
    },
    { directory: () => directory.load() },
  );
}

export const handler = catalogueHandler();
