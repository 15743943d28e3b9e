// Lambda: the service-item catalogue (every /v1/items route).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import type { SuspendInput } from '../../shared/domain/items/catalogue-service.ts';
import { apiHandler } from '../http/api-handler.ts';
import { observability } from '../http/observability.ts';
import { storedCalendar } from '../http/calendar.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';

const { logger } = observability('catalogue');

type Versioned = { baseVersion: number };
const code = (p: Record<string, unknown>) => p.code as string;

/**
 * The handler, built from the environment. `now` is the platform clock: the system clock on AWS;
 * the embedded runtime may pass a shifted one (TONGBAN_CLOCK_START) for demonstrations and tests.
 */
export function catalogueHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const catalogue = new CatalogueService({
    store: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE'), (code, version, error) =>
      logger.warn('item head lags its newest version; the next read rolls it forward', { code, version, error: error as Error }),
    ),
    directory: () => directory.load(),
    calendar: options.calendar ?? storedCalendar(db, logger),
    ...(options.now ? { now: options.now } : {}),
  });

  return apiHandler(
    'catalogue',
    {
      listItems: ({ caller, query }) => {
        const { department, type, state, limit, cursor } = query as {
          department?: string;
          type?: ServiceGuide['type'];
          state?: 'draft' | 'submitted' | 'returned';
          limit: number;
          cursor?: string;
        };
        return catalogue.list(
          caller,
          { ...(department ? { departmentId: department } : {}), ...(type ? { type } : {}), ...(state ? { state } : {}) },
          { limit, ...(cursor ? { cursor } : {}) },
        );
      },
      createItem: ({ caller, body }) => catalogue.create(caller, (body as { guide: ServiceGuide }).guide),
      getItem: ({ caller, params }) => catalogue.published(caller, code(params)),
      getItemVersion: ({ caller, params }) => catalogue.version(caller, code(params), params.n as number | 'latest'),
      editItem: ({ caller, params, body }) => {
        const b = body as Versioned & { guide: ServiceGuide };
        return catalogue.edit(caller, code(params), b.baseVersion, b.guide);
      },
      reviseItem: ({ caller, params, body }) => {
        const b = body as Versioned & { guide: ServiceGuide };
        return catalogue.revise(caller, code(params), b.baseVersion, b.guide);
      },
      submitItem: ({ caller, params, body }) => catalogue.submit(caller, code(params), (body as Versioned).baseVersion),
      reviewItem: ({ caller, params, body }) => {
        const b = body as Versioned & { decision: 'publish' | 'return'; reasons: string[] };
        return catalogue.review(caller, code(params), b.baseVersion, b.decision, b.reasons);
      },
      suspendItem: ({ caller, params, body }) => {
        const { baseVersion, ...input } = body as Versioned & SuspendInput;
        return catalogue.suspend(caller, code(params), baseVersion, input);
      },
      resumeItem: ({ caller, params, body }) => catalogue.resume(caller, code(params), (body as Versioned).baseVersion),
      terminateItem: ({ caller, params, body }) => {
        const b = body as Versioned & { reason: string };
        return catalogue.terminate(caller, code(params), b.baseVersion, b.reason);
      },
    },
    { directory: () => directory.load() },
  );
}

export const handler = catalogueHandler();
