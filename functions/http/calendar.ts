// The working-day calendar every function counts on: the holiday arrangements stored in the items
// table's CALENDAR partition (the newest version of each year), over the years shipped in the
// repository, read at most once a minute per process (shared/domain/calendar/calendar-source.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCalendarStore } from '../../shared/adapters/dynamo-calendar-store.ts';
import { StoredCalendar } from '../../shared/domain/calendar/calendar-source.ts';
import { SHIPPED_CALENDAR_YEARS } from '../../shared/domain/calendar/official-calendar.ts';
import type { Logger } from '@aws-lambda-powertools/logger';

export function storedCalendar(db: DynamoDBDocumentClient, logger: Pick<Logger, 'warn'>): StoredCalendar {
  return new StoredCalendar({
    store: new DynamoCalendarStore(db, requiredEnv('ITEMS_TABLE')),
    shipped: SHIPPED_CALENDAR_YEARS,
    onReadError: (error) => logger.warn('calendar store unreadable: counting on the last calendar read', { error }),
  });
}
