// Lambda: the platform's own routes — health (with how far the official holiday data reaches), the
// OpenAPI document, and the operated reference data read by everyone, loaded by the platform role: the
// official holiday arrangements (shared/domain/calendar/calendar-service.ts) and the supervision rules
// (shared/domain/supervision/rule-catalogue-service.ts).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCalendarStore } from '../../shared/adapters/dynamo-calendar-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoRuleCatalogueStore } from '../../shared/adapters/dynamo-rule-catalogue-store.ts';
import type { OpenApiDocument } from '../../shared/contracts/openapi.ts';
import { chinaDate } from '../../shared/domain/calendar/china-date.ts';
import { CalendarService } from '../../shared/domain/calendar/calendar-service.ts';
import { SHIPPED_CALENDAR_YEARS, calendarYearSchema } from '../../shared/domain/calendar/official-calendar.ts';
import { callerView } from '../../shared/domain/access/caller.ts';
import { RuleCatalogueService } from '../../shared/domain/supervision/rule-catalogue-service.ts';
import type { HandlerOptions } from '../manifest.ts';
import { API_VERSION, PLATFORM_ROUTES } from '../../shared/contracts/platform-routes.ts';
import { apiHandler } from '../http/api-handler.ts';
import { storedCalendar } from '../http/calendar.ts';
import { observability } from '../http/observability.ts';

const { logger } = observability('platform');

// The OpenAPI document, built when it is first asked for: building it (every route's schemas as JSON
// Schema) takes over 100 ms, which a cold start would otherwise pay before any request. The module is
// imported then too: it brings the whole route table, every function's schemas, which esbuild keeps in
// the bundle unevaluated until that import (the platform's own routes are all a cold start evaluates).
let document: Promise<OpenApiDocument> | undefined;
const openApi = (): Promise<OpenApiDocument> => (document ??= import('../../shared/contracts/openapi.ts').then(({ openApiDocument }) => openApiDocument()));

export function platformHandler(options: Partial<HandlerOptions> = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const source = options.calendar ?? storedCalendar(db, logger);
  const now = options.now ?? (() => new Date());
  const calendars = new CalendarService({
    store: new DynamoCalendarStore(db, requiredEnv('ITEMS_TABLE')),
    shipped: SHIPPED_CALENDAR_YEARS,
    source,
    now,
  });
  const rules = new RuleCatalogueService({
    store: new DynamoRuleCatalogueStore(db, requiredEnv('ITEMS_TABLE')),
    // The embedded platform's one source of the rules, read again at once after a load (on AWS each function reads within a minute).
    ...(options.rules ? { source: options.rules } : {}),
    now,
  });

  return apiHandler(
    'platform',
    PLATFORM_ROUTES,
    {
      health: async () => {
        const today = chinaDate(now());
        try {
          const calendar = await source.current();
          return {
            status: source.healthy?.() === false ? 'degraded' : 'ok',
            version: API_VERSION,
            calendar: { ...calendar.coverage(today), years: calendar.years() },
          };
        } catch (e) {
          logger.error('health: the calendar cannot be read', { error: e });
          return { status: 'degraded', version: API_VERSION };
        }
      },
      openapi: () => openApi(),
      whoAmI: async ({ caller }) => callerView(caller, await directory.load()),
      listDepartments: async () => ({ departments: (await directory.load()).departments }),
      listCalendar: ({ caller }) => calendars.overview(caller),
      getCalendarYear: ({ caller, params }) => calendars.year(caller, params.year),
      loadCalendarYear: async ({ caller, params, body }) => {
        const loaded = await calendars.load(caller, params.year, body);
        if (!loaded.replayed)
          logger.info('official holiday arrangement loaded', {
            year: loaded.version.year,
            version: loaded.version.version,
            loadedBy: loaded.version.loadedBy,
            source: loaded.version.data.source,
          });
        return loaded;
      },
      getSupervisionRules: ({ caller }) => rules.current(caller),
      listSupervisionRuleVersions: ({ caller }) => rules.versions(caller),
      loadSupervisionRules: async ({ caller, body }) => {
        const loaded = await rules.load(caller, body);
        if (!loaded.replayed) logger.info('supervision rules loaded', { version: loaded.version.version, loadedBy: loaded.version.loadedBy, source: loaded.version.data.source });
        return loaded;
      },
    },
    // A year's document is checked at the edge with the calendar's rules, not its shape alone: a statutory holiday worked is VALIDATION_FAILED.
    { directory: () => directory.load(), bodyRules: { loadCalendarYear: calendarYearSchema } },
  );
}

export const handler = platformHandler();
