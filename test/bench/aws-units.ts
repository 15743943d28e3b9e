// The billing arithmetic of the cost meter (test/bench/cost.ts), kept apart so a unit test checks it:
// DynamoDB write and read request units as AWS counts them from item sizes (the base table and each
// global secondary index the write touches), storage over a horizon in GB-months and dollars, and
// where each S3 object lives and for how long, as the data stack's lifecycle rules keep it.
//
// DynamoDB (Developer Guide, "Read and write operations" and "Global secondary indexes: provisioned
// throughput considerations"): a write costs one unit per started KB of the larger of the item before
// and after it (a delete: the item deleted; nothing there: one unit); a conditional write that fails
// costs the same on the table and nothing on the indexes. On each GSI, by the item's index keys before
// and after: present only after, one put; only before, one delete; in both with the same keys, one
// write if a projected attribute changed and none if nothing did; with other keys, a delete and a put.
// Each index write costs one unit per started KB of the index entry (the projected attributes). Reads:
// one unit per started 4 KB (a Query or Scan: of the items read together; a GetItem or each item of a
// BatchGetItem: of the item, a missing one still a unit), half of it when eventually consistent.
import type { AttributeValueLike } from '../../shared/adapters/dynamo-item-size.ts';
import { attributeItemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { BUNDLES_PREFIX } from '../../shared/domain/archive/case-archiving.ts';
import { ARCHIVE_COLD_AFTER_DAYS } from '../../infra/stacks/data-stack.ts';
import type { S3StorageClass } from './aws-prices.ts';
import { DAYS_PER_MONTH, DYNAMODB, GB, S3 } from './aws-prices.ts';

export type Item = Record<string, AttributeValueLike>;

/** A table's keys and global secondary indexes, as DescribeTable tells them. */
export interface TableShape {
  keys: readonly string[];
  indexes: readonly IndexShape[];
}

export interface IndexShape {
  name: string;
  keys: readonly string[];
  /** ALL, KEYS_ONLY or INCLUDE (with `nonKeyAttributes`). */
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes?: readonly string[];
}

/** Write request units of one item write: the table's, and the indexes' together. */
export interface WriteUnits {
  table: number;
  indexes: number;
  /** Index entries written (puts and deletes), whatever their size. */
  indexWrites: number;
}

const KB = 1024;
const units = (bytes: number, per: number) => Math.max(1, Math.ceil(bytes / per));

/** The units of a successful write that turned `before` into `after` (undefined: no item). */
export function writeUnits(table: TableShape, before: Item | undefined, after: Item | undefined): WriteUnits {
  const size = Math.max(before ? attributeItemBytes(before) : 0, after ? attributeItemBytes(after) : 0);
  let indexes = 0;
  let indexWrites = 0;
  const write = (entry: Item) => {
    indexes += units(attributeItemBytes(entry), KB);
    indexWrites++;
  };
  for (const index of table.indexes) {
    const old = before && hasKeys(before, index.keys) ? indexEntry(table, index, before) : undefined;
    const now = after && hasKeys(after, index.keys) ? indexEntry(table, index, after) : undefined;
    if (old && now) {
      const sameKeys = index.keys.every((k) => same(old[k], now[k]));
      if (!sameKeys) {
        write(old);
        write(now);
      } else if (!same({ M: old }, { M: now })) {
        indexes += units(Math.max(attributeItemBytes(old), attributeItemBytes(now)), KB);
        indexWrites++;
      }
    } else if (old) write(old);
    else if (now) write(now);
  }
  return { table: units(size, KB), indexes, indexWrites };
}

/** The units of a conditional write refused: the item there (or one unit), on the table alone. */
export function refusedWriteUnits(existing: Item | undefined): number {
  return units(existing ? attributeItemBytes(existing) : 0, KB);
}

/** Read request units of items read together (a Query page, a Scan page, one GetItem). */
export function readUnits(items: readonly Item[], consistent: boolean): number {
  const bytes = items.reduce((n, item) => n + attributeItemBytes(item), 0);
  return units(bytes, 4 * KB) * (consistent ? 1 : 0.5);
}

/** The bytes an item stores: itself and each index entry it has, each with DynamoDB's 100 bytes. */
export function storedItemBytes(table: TableShape, item: Item): number {
  let bytes = attributeItemBytes(item) + DYNAMODB.itemOverheadBytes;
  for (const index of table.indexes) if (hasKeys(item, index.keys)) bytes += attributeItemBytes(indexEntry(table, index, item)) + DYNAMODB.itemOverheadBytes;
  return bytes;
}

/** Dollars to keep `bytes` for `days` at `gbMonth` a GB-month. */
export function storageDollars(bytes: number, days: number, gbMonth: number): number {
  return (bytes / GB) * (days / DAYS_PER_MONTH) * gbMonth;
}

/** One stay of an object: in `storageClass` for `days`. */
export interface Stay {
  storageClass: S3StorageClass;
  days: number;
}

/**
 * Dollars to keep an object of `bytes` through its stays, with each class's minimum size, minimum
 * duration and per-object overhead (Deep Archive: 32 KB at its rate and 8 KB at Standard's).
 */
export function objectStorageDollars(bytes: number, stays: readonly Stay[]): number {
  let dollars = 0;
  for (const { storageClass, days } of stays) {
    const price = S3[storageClass];
    const billedDays = Math.max(days, price.minimumDays);
    dollars += storageDollars(Math.max(bytes, price.minimumBytes) + price.overheadBytes, billedDays, price.gbMonth);
    dollars += storageDollars(price.standardOverheadBytes, billedDays, S3.STANDARD.gbMonth);
  }
  return dollars;
}

/** The buckets whose objects a case leaves (the data stack's materials and archive buckets). */
export type BucketRole = 'materials' | 'archive';

/**
 * Where an object written as `storageClass` lives and for how long within `horizonDays`, as the data
 * stack's lifecycle rules keep it (infra/stacks/data-stack.ts, from shared/adapters/bucket-layout.ts):
 * an upload no longer current after `unreferencedUploadExpiryDays` and its noncurrent version gone
 * `unreferencedNoncurrentVersionExpiryDays` later; a case's working copy under `cases/` is deleted when
 * the case is archived, so it is not among the objects a batch leaves (the 7 days its hidden version is
 * kept are not counted); everything in the archive (Object Lock for its retention, which the horizon
 * does not outlast) for the whole horizon, a bundle in Deep Archive from ARCHIVE_COLD_AFTER_DAYS after
 * it is written.
 * A rule the layout gains (a transition, an expiry of kept copies) belongs here.
 */
export function objectStays(bucket: BucketRole, key: string, storageClass: S3StorageClass, horizonDays: number): Stay[] {
  if (bucket === 'materials' && key.startsWith(MATERIALS_BUCKET.uploadsPrefix)) {
    return [{ storageClass, days: Math.min(horizonDays, MATERIALS_BUCKET.unreferencedUploadExpiryDays + MATERIALS_BUCKET.unreferencedNoncurrentVersionExpiryDays) }];
  }
  // A bundle: in its written class until the archive bucket's lifecycle rule moves it to Deep Archive
  // (ARCHIVE_LIFECYCLE_RULES), there for the rest of the horizon.
  if (bucket === 'archive' && key.startsWith(BUNDLES_PREFIX) && storageClass === 'STANDARD' && horizonDays > ARCHIVE_COLD_AFTER_DAYS) {
    return [
      { storageClass, days: ARCHIVE_COLD_AFTER_DAYS },
      { storageClass: 'DEEP_ARCHIVE', days: horizonDays - ARCHIVE_COLD_AFTER_DAYS },
    ];
  }
  return [{ storageClass, days: horizonDays }];
}

function hasKeys(item: Item, keys: readonly string[]): boolean {
  return keys.every((k) => item[k] !== undefined);
}

/** The entry an item has in an index: its index and table keys, and what the index projects. */
function indexEntry(table: TableShape, index: IndexShape, item: Item): Item {
  if (index.projection === 'ALL') return item;
  const names = new Set([...table.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? (index.nonKeyAttributes ?? []) : [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

function same(a: AttributeValueLike | undefined, b: AttributeValueLike | undefined): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}
