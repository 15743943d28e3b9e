// Where the supervision rules in force come from: the newest catalogue the platform role loaded, or
// the shipped one (version 0) until one is. Functions read it through a source that caches it briefly
// (like the official calendar), so a load takes effect within a minute without a redeploy; a read that
// fails keeps the last catalogue read, or the shipped one.
import type { RuleCatalogueDocument } from '../../contracts/supervision-rules.ts';
import { CachedReading, warnUnreadable } from '../cached-reading.ts';
import { DEFAULT_RULE_CATALOGUE, withRulesAddedSince } from './default-rules.ts';
import type { RuleCatalogueStore } from './rule-catalogue-store.ts';

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

/** How long a process counts on the catalogue it read before reading it again. */
export const RULES_CACHE_MS = 60_000;

/** The newest stored catalogue (or the shipped one), read at most once a minute per process. */
export class StoredRules extends CachedReading<RulesInForce> implements RuleSource {
  constructor(deps: {
    store: RuleCatalogueStore;
    now?: () => number;
    /** Told when the store cannot be read (the last catalogue, or the shipped one, is used meanwhile). */
    onReadError?: (error: unknown) => void;
  }) {
    super({
      read: async () => {
        const newest = (await deps.store.versions()).at(-1);
        // A catalogue loaded before the platform gained a rule: that rule is in force as shipped.
        return newest ? { version: newest.version, data: withRulesAddedSince(newest.data).data } : SHIPPED_RULES;
      },
      fallback: () => SHIPPED_RULES,
      maxAgeMs: RULES_CACHE_MS,
      ...(deps.now ? { now: deps.now } : {}),
      onReadError: deps.onReadError ?? warnUnreadable('supervision rule store unreadable: counting on the last rules read'),
    });
  }
}
