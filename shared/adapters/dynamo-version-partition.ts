// Operated reference data kept as versions in one partition of the items table (the official
// calendar's `CALENDAR`, the supervision rules' `SUPERVISION_RULES`): each version an item written
// once, with a condition that it does not exist yet — that write decides which of two loads of the
// same version wins —, the whole partition read by one paged, bounded Query. Functions that only read
// such data may be granted its partition alone (dynamodb:LeadingKeys).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

export class VersionPartition<V extends object> {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly partition: string,
    /** At most this many versions are read: far above any real use. */
    private readonly maxVersions: number,
  ) {}

  /** The versions whose sort key starts with `prefix` (all of them without), in sort key order. */
  async query(prefix?: string): Promise<V[]> {
    const versions: V[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'pk', ...(prefix === undefined ? {} : { '#sk': 'sk' }) },
          ExpressionAttributeValues: { ':pk': this.partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, ...version } = item;
        versions.push(version as V);
      }
      if (versions.length > this.maxVersions) throw new Error(`the ${this.partition} partition holds more than ${this.maxVersions} versions`);
      start = out.LastEvaluatedKey;
    } while (start);
    return versions;
  }

  /** Writes a version under `sortKey` unless one is there: then `taken()` is thrown. */
  async putOnce(sortKey: string, version: V, taken: () => Error): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: this.partition, sk: sortKey, ...version }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw taken();
      throw e;
    }
  }
}

/** A version number as a sort key part that sorts as a number (6 digits). */
export function versionKey(version: number): string {
  return String(version).padStart(6, '0');
}
