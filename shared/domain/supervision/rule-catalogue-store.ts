// The supervision rule catalogue as operated data: each load is a new version, kept for good, with who
// loaded it and when, chained by hash to the version before it (like the calendar's years), so a
// rewritten or removed version is found. Version 0 is the shipped catalogue: never stored. The storage
// port; DynamoDB implements it (shared/adapters/dynamo-rule-catalogue-store.ts).
import type { RuleCatalogueVersion } from '../../contracts/supervision-rules.ts';

export type { RuleCatalogueVersion };

export interface RuleCatalogueStore {
  /** Every stored version, oldest first (at most MAX_RULE_CATALOGUE_VERSION). */
  versions(): Promise<RuleCatalogueVersion[]>;
  /** Stores a new version; refuses with RULES_VERSION_CONFLICT if that version exists. */
  put(version: RuleCatalogueVersion): Promise<void>;
}
