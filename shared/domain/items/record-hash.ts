// Hash chaining of versioned records — item versions, calendar versions: each version's hash covers
// its own content and the previous version's hash, so a changed or removed version breaks every hash
// after it.
import { sha256Hex } from '../sha256.ts';

/** A record kept as numbered versions, each chained to the one before. */
export interface ChainedRecord {
  version: number;
  previousHash?: string | undefined;
  hash: string;
}

export function hashRecord<R extends ChainedRecord>(record: Omit<R, 'hash'>): string {
  return sha256Hex(canonicalJson(record));
}

/** Whether a version still hashes to the hash it was written with (nothing changed it in place). */
export function isIntact(record: ChainedRecord): boolean {
  const { hash, ...rest } = record;
  return hashRecord(rest) === hash;
}

/**
 * Checks a whole history, oldest first: versions numbered 1…n without gaps, each intact and chained
 * to the one before. Returns the first version that breaks the chain, if any.
 */
export function verifyHistory(records: readonly ChainedRecord[]): { ok: true } | { ok: false; version: number; reason: string } {
  let previous: ChainedRecord | undefined;
  for (const [i, record] of records.entries()) {
    if (record.version !== i + 1) return { ok: false, version: i + 1, reason: `version ${i + 1} is missing` };
    if (!isIntact(record)) return { ok: false, version: record.version, reason: 'its content does not match its hash' };
    if (record.previousHash !== previous?.hash) return { ok: false, version: record.version, reason: 'it is not chained to the version before' };
    previous = record;
  }
  return { ok: true };
}

/** JSON with object keys sorted at every depth and `undefined` members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/**
 * Where a document that carries its own version number goes among the stored versions of a chain
 * (oldest first; `what` names them in the integrity error if their chain does not verify): the stored
 * version it repeats — the same content again is a replay —, or the next one, chained to the newest.
 * A version in use with other content, or any number but the next, is refused with `refuse(next)`.
 */
export function placeVersion<V extends ChainedRecord & { data: unknown }>(
  stored: readonly V[],
  data: { version: number },
  refuse: (next: number) => Error,
  what: string,
): { replay: V } | { version: number; previousHash?: string } {
  const chain = verifyHistory(stored);
  if (!chain.ok) throw new Error(`integrity: ${what} do not verify at version ${chain.version}: ${chain.reason}`);
  const newest = stored.at(-1);
  const next = (newest?.version ?? 0) + 1;
  const same = stored.find((v) => v.version === data.version);
  if (same && canonicalJson(same.data) === canonicalJson(data)) return { replay: same };
  if (same || data.version !== next) throw refuse(next);
  return { version: next, ...(newest ? { previousHash: newest.hash } : {}) };
}
