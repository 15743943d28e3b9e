// Where the supervision rules in force come from: the newest catalogue the platform role loaded, or
// the shipped one (version 0) until one is. Functions read it through a source that caches it briefly
// (like the official calendar), so a load takes effect within a minute without a redeploy.
import type { RuleCatalogueDocument } from '../../contracts/supervision-rules.ts';
import { DEFAULT_RULE_CATALOGUE } from './default-rules.ts';

/** The catalogue in force and its version (0: the shipped one). */
export interface RulesInForce {
  version: number;
  data: RuleCatalogueDocument;
}

export interface RuleSource {
  current(): Promise<RulesInForce>;
}

/** The shipped catalogue alone: for tests and for a platform where none was loaded. */
export const SHIPPED_RULES: RulesInForce = { version: 0, data: DEFAULT_RULE_CATALOGUE };

export function shippedRuleSource(): RuleSource {
  return { current: async () => SHIPPED_RULES };
}
