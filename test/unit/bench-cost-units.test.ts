// The cost meter's billing arithmetic (test/bench/aws-units.ts): DynamoDB write units with indexes,
// read units, storage over months in dollars, S3 classes' minimums and the lifecycle's stays.
import { describe, expect, it } from 'vitest';
import { MATERIALS_BUCKET } from '../../shared/adapters/bucket-layout.ts';
import { DAYS_PER_MONTH, S3 } from '../../test/bench/aws-prices.ts';
import type { Item, TableShape } from '../../test/bench/aws-units.ts';
import { ARCHIVE_COLD_AFTER_DAYS } from '../../infra/stacks/data-stack.ts';
import { objectStays, objectStorageDollars, readUnits, refusedWriteUnits, storageDollars, storedItemBytes, writeUnits } from '../../test/bench/aws-units.ts';

// Keys pk, sk; index `all` (ALL) on aPk/aSk, `keys` (KEYS_ONLY) on kPk/kSk, `sparse` (ALL) on sPk/sSk.
const TABLE: TableShape = {
  keys: ['pk', 'sk'],
  indexes: [
    { name: 'all', keys: ['aPk', 'aSk'], projection: 'ALL' },
    { name: 'keys', keys: ['kPk', 'kSk'], projection: 'KEYS_ONLY' },
    { name: 'sparse', keys: ['sPk', 'sSk'], projection: 'ALL' },
  ],
};

/** An item of the table, in both indexes `all` and `keys`, with `data` as its payload. */
function item(data: string, aPk = 'A'): Item {
  return { pk: { S: 'p' }, sk: { S: 's' }, aPk: { S: aPk }, aSk: { S: '1' }, kPk: { S: 'K' }, kSk: { S: '1' }, data: { S: data } };
}
// Fixed bytes of item(): names and values of the keys (pk p, sk s, aPk A, aSk 1, kPk K, kSk 1 = 3+3+4+4+4+4) and the name `data`.
const FIXED = 22 + 4;

describe('DynamoDB write units', () => {
  it('counts a new item by its KB on the table and once on each index it has keys for, sized by what the index projects', () => {
    const put = writeUnits(TABLE, undefined, item('x'.repeat(1500 - FIXED)));

    // 1,500 bytes: 2 units on the table and on `all`; `keys` holds the table's and its own keys (14 bytes): 1 unit; `sparse` nothing
    expect(put).toEqual({ table: 2, indexes: 3, indexWrites: 2 });
  });

  it('counts names and strings in UTF-8: 400 Chinese characters are 1,200 bytes', () => {
    expect(writeUnits({ keys: ['pk'], indexes: [] }, undefined, { pk: { S: '案'.repeat(400) } }).table).toBe(2);
  });

  it('charges the larger of the item before and after, and writes an index only where its entry changed', () => {
    const before = item('x'.repeat(3000));
    const after = item('y');

    const update = writeUnits(TABLE, before, after);

    // The table: 3 units (before); `all`: one write of the larger entry (3 units); `keys`: its entry did not change
    expect(update).toEqual({ table: 3, indexes: 3, indexWrites: 1 });
  });

  it('deletes and puts an index entry whose keys changed', () => {
    const update = writeUnits(TABLE, item('x', 'A'), item('x', 'B'));

    expect(update).toEqual({ table: 1, indexes: 2, indexWrites: 2 });
  });

  it('counts nothing on an index for a write that changes nothing, and a delete by the item deleted', () => {
    expect(writeUnits(TABLE, item('x'), item('x'))).toEqual({ table: 1, indexes: 0, indexWrites: 0 });
    expect(writeUnits(TABLE, item('x'.repeat(2100)), undefined)).toEqual({ table: 3, indexes: 4, indexWrites: 2 });
  });

  it('charges a refused conditional write the item it found, or one unit', () => {
    expect(refusedWriteUnits(undefined)).toBe(1);
    expect(refusedWriteUnits(item('x'.repeat(5000)))).toBe(5);
  });
});

describe('DynamoDB read units and storage', () => {
  it('counts 4 KB a unit over the items read together, half of it eventually consistent, and a miss as a read', () => {
    const five = [item('x'.repeat(2500 - FIXED)), item('y'.repeat(2500 - FIXED))];

    expect(readUnits(five, true)).toBe(2);
    expect(readUnits(five, false)).toBe(1);
    expect(readUnits([], false)).toBe(0.5);
  });

  it('stores each item and index entry with 100 bytes more', () => {
    const it = item('x'.repeat(1000 - FIXED));

    // the item (1,000) and its `all` entry (1,000), its `keys` entry (pk, sk, kPk, kSk: 14), each +100
    expect(storedItemBytes(TABLE, it)).toBe(1000 + 1000 + 14 + 300);
  });

  it('prices a GB kept for ten years as 120 GB-months', () => {
    expect(storageDollars(1024 ** 3, 10 * 365.25, 0.25)).toBeCloseTo(30, 10);
    expect(storageDollars(1024 ** 3, DAYS_PER_MONTH, 0.023)).toBeCloseTo(0.023, 10);
  });
});

describe('S3 storage by class and lifecycle', () => {
  it("bills a cold class's minimum duration, minimum size and per-object overhead", () => {
    const month = (gb: number, days: number, price: number) => gb * (days / DAYS_PER_MONTH) * price;
    const kb = 1024 / 1024 ** 3;

    // Deep Archive, 1 KB for 30 days: 180 days of 1 KB + 32 KB at its rate and 8 KB at Standard's
    expect(objectStorageDollars(1024, [{ storageClass: 'DEEP_ARCHIVE', days: 30 }])).toBeCloseTo(
      month(33 * kb, 180, S3.DEEP_ARCHIVE.gbMonth) + month(8 * kb, 180, S3.STANDARD.gbMonth),
      15,
    );
    // Glacier Instant Retrieval, 1 KB for a year: billed as 128 KB
    expect(objectStorageDollars(1024, [{ storageClass: 'GLACIER_IR', days: 365 }])).toBeCloseTo(month(128 * kb, 365, S3.GLACIER_IR.gbMonth), 15);
    // Standard: as it is
    expect(objectStorageDollars(1024, [{ storageClass: 'STANDARD', days: 1 }])).toBeCloseTo(month(kb, 1, S3.STANDARD.gbMonth), 15);
  });

  it('keeps an upload until the lifecycle expires it and its noncurrent version, a copy still listed for the whole horizon, and a bundle in Standard until the lifecycle moves it to Deep Archive', () => {
    const horizon = 3652.5;

    expect(objectStays('materials', `${MATERIALS_BUCKET.uploadsPrefix}portal/1`, 'STANDARD', horizon)).toEqual([
      { storageClass: 'STANDARD', days: MATERIALS_BUCKET.unreferencedUploadExpiryDays + MATERIALS_BUCKET.unreferencedNoncurrentVersionExpiryDays },
    ]);
    expect(objectStays('materials', `${MATERIALS_BUCKET.casesPrefix}2026/1`, 'STANDARD', horizon)).toEqual([{ storageClass: 'STANDARD', days: horizon }]);
    expect(objectStays('archive', 'bundles/x.tar', 'DEEP_ARCHIVE', horizon)).toEqual([{ storageClass: 'DEEP_ARCHIVE', days: horizon }]);
    expect(objectStays('archive', 'bundles/x.tar', 'STANDARD', horizon)).toEqual([
      { storageClass: 'STANDARD', days: ARCHIVE_COLD_AFTER_DAYS },
      { storageClass: 'DEEP_ARCHIVE', days: horizon - ARCHIVE_COLD_AFTER_DAYS },
    ]);
    // Anchor journals and statistics documents stay where they were written.
    expect(objectStays('archive', 'anchors/x.json', 'STANDARD', horizon)).toEqual([{ storageClass: 'STANDARD', days: horizon }]);
  });
});
