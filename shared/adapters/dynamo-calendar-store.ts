// CalendarStore on DynamoDB: every version of every year's holiday arrangement in one partition of the
// items table (`CALENDAR` / `<year>#<version, 6 digits>`), written once with a condition that it does
// not exist yet (dynamo-version-partition.ts). The whole set is a few items a year.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarStore, CalendarVersion } from '../domain/calendar/calendar-store.ts';
import { MAX_CALENDAR_VERSIONS } from '../domain/calendar/calendar-store.ts';
import { conflict } from '../domain/errors.ts';
import { VersionPartition, versionKey } from './dynamo-version-partition.ts';
import { ITEMS_TABLE } from './table-layout.ts';

export class DynamoCalendarStore implements CalendarStore {
  private readonly partition: VersionPartition<CalendarVersion>;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.partition = new VersionPartition(db, tableName, ITEMS_TABLE.calendarPartition, MAX_CALENDAR_VERSIONS);
  }

  versions(): Promise<CalendarVersion[]> {
    return this.partition.query();
  }

  versionsOf(year: number): Promise<CalendarVersion[]> {
    return this.partition.query(`${year}#`);
  }

  put(version: CalendarVersion): Promise<void> {
    return this.partition.putOnce(`${version.year}#${versionKey(version.version)}`, version, () =>
      conflict(
        'CALENDAR_VERSION_CONFLICT',
        `${version.year}年节假日安排的第${version.version}版已由他人载入`,
        `version ${version.version} of the ${version.year} arrangement was stored meanwhile`,
      ),
    );
  }
}
