// Port: where item versions live. One conditional write per action (no transactions needed):
// appending version n fails if version n already exists, so of two concurrent actions one wins.
import type { ItemType } from '../../contracts/service-item.ts';
import type { ItemHead, ItemRecord, WorkingState } from './item-record.ts';

export type ItemQuery = { kind: 'catalogue'; departmentId?: string; type?: ItemType } | { kind: 'work'; state: Exclude<WorkingState, 'published'>; departmentId?: string };

export interface ItemStore {
  /** Appends `record` as the next version. Rejects with ITEM_VERSION_CONFLICT if that version exists. */
  append(record: ItemRecord, published: ItemRecord | undefined): Promise<void>;
  /** The newest version, read consistently. */
  latest(code: string): Promise<ItemRecord | undefined>;
  version(code: string, n: number): Promise<ItemRecord | undefined>;
  /** Heads of the items matching the query: the catalogue ordered by type then code, work by department then code. */
  list(query: ItemQuery, page: { limit: number; cursor?: string }): Promise<{ heads: ItemHead[]; nextCursor?: string }>;
}
