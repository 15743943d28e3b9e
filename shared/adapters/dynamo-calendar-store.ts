// CalendarStore on DynamoDB: every version of every year's holiday arrangement in one partition of the
// items table (`CALENDAR` / `<year>#<version, 6 digits>`), written once with a condition that it does
// not exist yet — that write decides which of two loads of the same version wins. The whole set is a
// few items a year, read by one Query (paged, bounded); functions that only count days may be granted
// this partition alone (dynamodb:LeadingKeys).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CalendarStore, CalendarVersion } from '../domain/calendar/calendar-store.ts';
import { MAX_CALENDAR_VERSIONS } from '../domain/calendar/calendar-store.ts';
import { conflict } from '../domain/errors.ts';
import { ITEMS_TABLE } from './table-layout.ts';

/** The items table's partition that holds the calendar (the IAM LeadingKeys of calendar readers). */
const CALENDAR_PARTITION = ITEMS_TABLE.calendarPartition;

export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  versions(): Promise<CalendarVersion[]> {
    return this.query('#pk = :pk', { ':pk': CALENDAR_PARTITION });
  }

  versionsOf(year: number): Promise<CalendarVersion[]> {
    return this.query('#pk = :pk AND begins_with(#sk, :year)', { ':pk': CALENDAR_PARTITION, ':year': `${year}#` });
  }

  async put(version: CalendarVersion): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CALENDAR_PARTITION, sk: versionKey(version.year, version.version), ...version },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) {
        throw conflict(
          'CALENDAR_VERSION_CONFLICT',
          `${version.year}年节假日安排的第${version.version}版已由他人载入`,
          `version ${version.version} of the ${version.year} arrangement was stored meanwhile`,
        );
      }
      throw e;
    }
  }

  private async query(condition: string, values: Record<string, unknown>): Promise<CalendarVersion[]> {
    const versions: CalendarVersion[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: condition,
          ExpressionAttributeNames: { '#pk': 'pk', ...(condition.includes('#sk') ? { '#sk': 'sk' } : {}) },
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, ...version } = item;
        versions.push(version as CalendarVersion);
      }
      if (versions.length > MAX_CALENDAR_VERSIONS) throw new Error(`the calendar partition holds more than ${MAX_CALENDAR_VERSIONS} versions`);
      start = out.LastEvaluatedKey;
    } while (start);
    return versions;
  }
}

function versionKey(year: number, version: number): string {
  return `${year}#${String(version).padStart(6, '0')}`;
}
