// The supervision rules (电子监察规则, 002 §27), operated like the official calendar: the platform role
// loads a catalogue (every rule, each switched on or off, its severity, answer days and parameters) as
// the next version, through the API or `tongban supervision rules load`; everyone signed may read the
// catalogue in force — departments must know the rules they are watched by. Each load is kept for good
// with who loaded it and when, hash-chained to the version before; the shipped catalogue is version 0
// (never stored) and in force until the first load. Every function counts on the newest version within
// a minute (rule-source.ts).
import type { RuleCatalogueDocument, RuleCatalogueVersion, SupervisionRule } from '../../contracts/supervision-rules.ts';
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import { DomainError, conflict } from '../errors.ts';
import { canonicalJson, hashRecord, placeVersion, verifyHistory } from '../items/record-hash.ts';
import { DEFAULT_RULE_CATALOGUE, withRulesAddedSince } from './default-rules.ts';
import type { RuleCatalogueStore } from './rule-catalogue-store.ts';

/**
 * The catalogue in force: the newest stored version, or the shipped one (`shipped`); with the rules the
 * platform gained after that version was loaded, in force as shipped (`shippedRules`).
 */
export type RulesInForceView = RuleCatalogueVersion & { shipped?: true; shippedRules?: SupervisionRule[] };

export interface RuleCatalogueVersions {
  /** Every stored version, oldest first (the shipped version 0 is not stored). */
  versions: RuleCatalogueVersion[];
  check: { ok: true } | { ok: false; version: number; reason: string };
}

export interface RuleCatalogueServiceDeps {
  store: RuleCatalogueStore;
  /** The rules the functions of this process count on: told to read again after a load. */
  source?: { invalidate?: () => void };
  now?: () => Date;
}

const READERS = ['platform', 'department', 'channel', 'auditor'] as const;

export class RuleCatalogueService {
  private readonly now: () => Date;

  constructor(private readonly deps: RuleCatalogueServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The catalogue in force, whole. */
  async current(caller: Caller): Promise<RulesInForceView> {
    requireRole(caller, ...READERS);
    const newest = (await this.deps.store.versions()).at(-1);
    if (!newest) return { ...SHIPPED_RULE_VERSION, shipped: true };
    // The version as stored (its hash covers it), and beside it what it could not list.
    const { added } = withRulesAddedSince(newest.data);
    return added.length > 0 ? { ...newest, shippedRules: added } : newest;
  }

  /** Every stored version and the hash chain's check. */
  async versions(caller: Caller): Promise<RuleCatalogueVersions> {
    requireRole(caller, ...READERS);
    const versions = await this.deps.store.versions();
    return { versions, check: verifyHistory(versions) };
  }

  /**
   * Loads a catalogue as the next version (platform role). Its `version` must be that next version
   * (1 for the first load); the same document sent again is answered as stored (`replayed`) — the
   * shipped catalogue as version 0 too —, another one under a used version is refused
   * (RULES_VERSION_CONFLICT). The document's shape (every rule once, parameters) is the edge's check.
   */
  async load(caller: Caller, data: RuleCatalogueDocument): Promise<{ version: RuleCatalogueVersion; replayed: boolean }> {
    requireRole(caller, 'platform');
    const stored = await this.deps.store.versions();
    if (data.version === 0) {
      if (canonicalJson(data) === canonicalJson(DEFAULT_RULE_CATALOGUE)) return { version: SHIPPED_RULE_VERSION, replayed: true };
      throw versionConflict(0, (stored.at(-1)?.version ?? 0) + 1);
    }
    const place = placeVersion(stored, data, (next) => versionConflict(data.version, next), 'the stored supervision rule catalogues');
    if ('replay' in place) return { version: place.replay, replayed: true };
    const record: Omit<RuleCatalogueVersion, 'hash'> = { ...place, data, loadedAt: this.now().toISOString(), loadedBy: caller.name };
    const version = { ...record, hash: hashRecord<RuleCatalogueVersion>(record) };
    try {
      await this.deps.store.put(version);
    } catch (e) {
      // Another load stored that version meanwhile: the same document is a replay of it.
      if (!(e instanceof DomainError && e.code === 'RULES_VERSION_CONFLICT')) throw e;
      const again = placeVersion(await this.deps.store.versions(), data, (next) => versionConflict(data.version, next), 'the stored supervision rule catalogues');
      if ('replay' in again) return { version: again.replay, replayed: true };
      throw e;
    }
    this.deps.source?.invalidate?.();
    return { version, replayed: false };
  }
}

/** The shipped catalogue as version 0: loaded by `system`, when the platform first shipped rules. */
export const SHIPPED_RULE_VERSION: RuleCatalogueVersion = (() => {
  const record: Omit<RuleCatalogueVersion, 'hash'> = { version: 0, data: DEFAULT_RULE_CATALOGUE, loadedAt: '2026-12-06T00:00:00.000Z', loadedBy: 'system' };
  return { ...record, hash: hashRecord<RuleCatalogueVersion>(record) };
})();

export function versionConflict(given: number, next: number): DomainError {
  return conflict(
    'RULES_VERSION_CONFLICT',
    `监察规则第${given}版已载入且内容不同，或不是下一版；下一版应为第${next}版`,
    `version ${given} of the supervision rules is not the next one (${next}), or is loaded with other content`,
  );
}
