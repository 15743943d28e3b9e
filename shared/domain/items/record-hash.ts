// Hash chaining of item versions: each version's hash covers its own content and the previous
// version's hash, so a changed or removed version breaks every hash after it.
import { createHash } from 'node:crypto';
import type { ItemRecord } from './item-record.ts';

export function hashRecord(record: Omit<ItemRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
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
