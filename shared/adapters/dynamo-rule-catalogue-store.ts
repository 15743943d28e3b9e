// RuleCatalogueStore on DynamoDB: every loaded version of the supervision rule catalogue in one
// partition of the items table (`SUPERVISION_RULES` / `<version, 6 digits>`), written once with a
// condition that it does not exist yet (dynamo-version-partition.ts): a version a load stored is never
// overwritten. Functions that only read the rules are granted this partition alone.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MAX_RULE_CATALOGUE_VERSION } from '../contracts/supervision-rules.ts';
import { conflict } from '../domain/errors.ts';
import type { RuleCatalogueStore, RuleCatalogueVersion } from '../domain/supervision/rule-catalogue-store.ts';
import { VersionPartition, versionKey } from './dynamo-version-partition.ts';
import { ITEMS_TABLE } from './table-layout.ts';

export class DynamoRuleCatalogueStore implements RuleCatalogueStore {
  private readonly partition: VersionPartition<RuleCatalogueVersion>;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.partition = new VersionPartition(db, tableName, ITEMS_TABLE.supervisionRulesPartition, MAX_RULE_CATALOGUE_VERSION);
  }

  versions(): Promise<RuleCatalogueVersion[]> {
    return this.partition.query();
  }

  put(version: RuleCatalogueVersion): Promise<void> {
    return this.partition.putOnce(versionKey(version.version), version, () =>
      conflict('RULES_VERSION_CONFLICT', `监察规则第${version.version}版已由他人载入`, `version ${version.version} of the supervision rules was stored meanwhile`),
    );
  }
}
