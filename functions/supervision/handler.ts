// Lambda: the supervision findings (shared/domain/supervision/finding-service.ts) — every
// /v1/supervision/findings route. The findings are raised and escalated by the watch function.
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoFindingStore } from '../../shared/adapters/dynamo-finding-store.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { FindingService } from '../../shared/domain/supervision/finding-service.ts';
import { SUPERVISION_ROUTES } from '../../shared/contracts/supervision-routes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { storedCalendar } from '../http/calendar.ts';
import { observability } from '../http/observability.ts';

const { logger } = observability('supervision');

export function supervisionHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const findings = new FindingService({
    store: new DynamoFindingStore(db, requiredEnv('SUPERVISION_TABLE')),
    calendar: options.calendar ?? storedCalendar(db, logger),
    ...(options.now ? { now: options.now } : {}),
  });

  return apiHandler(
    'supervision',
    SUPERVISION_ROUTES,
    {
      listFindings: ({ caller, query }) => findings.list(caller, query),
      getFinding: ({ caller, params }) => findings.get(caller, params.id),
      respondToFinding: ({ caller, params, body }) => findings.respond(caller, params.id, body),
      closeFinding: ({ caller, params, body }) => findings.close(caller, params.id, body),
      returnFinding: ({ caller, params, body }) => findings.returnAnswer(caller, params.id, body),
    },
    { directory: () => directory.load() },
  );
}

export const handler = supervisionHandler();
