// An item's size as DynamoDB counts it: by AWS's rules (names and strings in UTF-8 bytes, binary raw,
// numbers by significant digits, lists and maps with their overheads), which is dynalite's count for
// ASCII text and more than it for anything else (dynalite counts UTF-16 units).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { AttributeValueLike } from '../../shared/adapters/dynamo-item-size.ts';
import { ITEM_LIMIT_BYTES, attributeItemBytes, itemBytes, numberBytes } from '../../shared/adapters/dynamo-item-size.ts';

/** dynalite's own count (with a second argument, its own function even once startDynalite has hooked the module). */
const dynaliteItemSize = (item: Record<string, AttributeValueLike>): number =>
  (createRequire(import.meta.url)('dynalite/db') as { itemSize: (item: unknown, compress: boolean) => number }).itemSize(item, false);

describe("DynamoDB's item size", () => {
  it('counts by the documented rules, worked out by hand', () => {
    // names + values: "pk" 2 + "CASE#1" 6; "说明" 6 + "经营" 6; "n" 1 + 12345 (3 digit pairs: 3, +1) 4;
    // "ok" 2 + BOOL 1; "none" 4 + NULL 1; "b" 1 + 3 raw bytes; "l" 1 + list 3 + (1 + "a" 1) + (1 + 7: 1 pair + 1);
    // "m" 1 + map 3 + (1 + "键" 3 + "值" 3)
    const item: Record<string, AttributeValueLike> = {
      pk: { S: 'CASE#1' },
      说明: { S: '经营' },
      n: { N: '12345' },
      ok: { BOOL: true },
      none: { NULL: true },
      b: { B: Buffer.from('abc').toString('base64') },
      l: { L: [{ S: 'a' }, { N: '7' }] },
      m: { M: { 键: { S: '值' } } },
    };
    expect(attributeItemBytes(item)).toBe(8 + 12 + 5 + 3 + 5 + 4 + (1 + 3 + 2 + 3) + (1 + 3 + 7));
  });

  it("agrees with dynalite's count wherever text is ASCII: numbers, binary, sets, nested lists and maps", () => {
    const numbers = [
      '0',
      '-0',
      '7',
      '-7',
      '10',
      '12',
      '1.2',
      '0.05',
      '123',
      '12.3',
      '1.23',
      '-98765.4321',
      '1e21',
      '1.5E-7',
      '100000000000000000000000000000000000000',
      '0.000001',
    ];
    for (const n of numbers) {
      const item = { v: { N: n } };
      expect([n, attributeItemBytes(item)]).toEqual([n, dynaliteItemSize(item)]);
    }
    const nested: Record<string, AttributeValueLike> = {
      pk: { S: 'CASE#20261123ABCDEFGHIJ' },
      sk: { S: 'EVT#0000000001' },
      tags: { SS: ['a', 'bb', 'ccc'] },
      scores: { NS: ['1', '22', '-3.5'] },
      blobs: { BS: [Buffer.from([1, 2, 3]).toString('base64'), Buffer.from([4]).toString('base64')] },
      entry: { M: { type: { S: 'file' }, n: { N: '1' }, actor: { M: { name: { S: 'portal' }, roles: { L: [{ S: 'channel' }, { NULL: true }, { BOOL: false }] } } } } },
      empty: { M: {} },
      none: { L: [] },
    };
    expect(attributeItemBytes(nested)).toBe(dynaliteItemSize(nested));
  });

  it('counts Chinese text three bytes a character and a character beyond the BMP four, where dynalite counts one and two', () => {
    const chinese = { 说明: { S: '经营'.repeat(500) } };
    const emoji = { e: { S: '😀' } };
    expect(attributeItemBytes(chinese)).toBe(6 + 3000);
    expect(dynaliteItemSize(chinese)).toBe(2 + 1000);
    expect(attributeItemBytes(emoji)).toBe(1 + 4);
    expect(dynaliteItemSize(emoji)).toBe(1 + 2);
  });

  it('sizes a plain item as the document client writes it: undefined left out, bytes raw, numbers by their digits', () => {
    const plain = { pk: 'CASE#1', form: { 经营项目: ['餐饮', undefined, 3], 面积: 120.5, 备注: undefined, 照片: new Uint8Array(10) }, ok: false, gone: undefined };
    const marshalled: Record<string, AttributeValueLike> = {
      pk: { S: 'CASE#1' },
      form: { M: { 经营项目: { L: [{ S: '餐饮' }, { N: '3' }] }, 面积: { N: '120.5' }, 照片: { B: new Uint8Array(10) } } },
      ok: { BOOL: false },
    };
    expect(itemBytes(plain)).toBe(attributeItemBytes(marshalled));
    expect(itemBytes(plain)).toBe(8 + 4 + 3 + (1 + 12 + 3 + (1 + 6) + (1 + 2)) + (1 + 6 + 4) + (1 + 6 + 10) + 3);
  });

  it('gives a number 1 byte and 1 per pair of significant digits, a byte more for a sign or a pair across the point', () => {
    expect([numberBytes('0'), numberBytes('5'), numberBytes('55'), numberBytes('5.5'), numberBytes('-55'), numberBytes('0012300')]).toEqual([1, 2, 2, 3, 3, 3]);
    expect(ITEM_LIMIT_BYTES).toBe(409_600);
  });
});
