// The supervision rules every function that evaluates them counts on: the newest catalogue stored in
// the items table's SUPERVISION_RULES partition, or the shipped one, read at most once a minute per
// process (shared/domain/supervision/rule-source.ts).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoRuleCatalogueStore } from '../../shared/adapters/dynamo-rule-catalogue-store.ts';
import { StoredRules } from '../../shared/domain/supervision/rule-source.ts';

export function storedRules(db: DynamoDBDocumentClient, logger: Pick<Logger, 'warn'>): StoredRules {
  return new StoredRules({
    store: new DynamoRuleCatalogueStore(db, requiredEnv('ITEMS_TABLE')),
    onReadError: (error) => logger.warn('supervision rule store unreadable: counting on the last rules read', { error }),
  });
}
