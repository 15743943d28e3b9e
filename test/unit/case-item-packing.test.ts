// The head's packing (shared/adapters/case-item-packing.ts): what a head keeps survives it whole, an item
// that is not a packed head passes through, and what cannot be a packed head is refused.
import { describe, expect, it } from 'vitest';
import { HEAD, PENDING } from '../../shared/adapters/case-items.ts';
import { itemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import { PACKED, packCaseItem, unpackCaseItem } from '../../shared/adapters/case-item-packing.ts';

const head = {
  pk: 'CASE#20261123ABCDEFGHIJ',
  sk: HEAD,
  version: 3,
  deptPk: 'DEPT#x#7',
  deptSk: 'accepted#2026-12-01#20261123ABCDEFGHIJ',
  state: {
    caseNo: '20261123ABCDEFGHIJ',
    version: 3,
    status: 'accepted',
    form: { 经营场所面积: 120, 说明: '食品经营'.repeat(200) },
    materials: [{ name: '营业执照', sha256: 'ab'.repeat(32) }],
  },
  [PENDING]: [1, 2, 3].map((n) => ({ entry: { n, caseNo: '20261123ABCDEFGHIJ', action: n === 1 ? 'file' : 'accept' }, changes: { set: { version: n } } })),
};

describe('case item packing', () => {
  it('packs the state and pending entries into one binary attribute, keeps keys, version and index keys, and unpacks them equal', () => {
    const packed = packCaseItem(head);

    expect(Object.keys(packed).sort()).toEqual(['deptPk', 'deptSk', PACKED, 'pk', 'sk', 'version'].sort());
    expect(packed[PACKED]).toBeInstanceOf(Uint8Array);
    expect(itemBytes(packed)).toBeLessThan(itemBytes(head) / 4);
    expect(unpackCaseItem(packed)).toEqual(head);
  });

  it('unpacks a packed head as a stream record brings it to a function (base64 in the event JSON)', () => {
    const packed = packCaseItem(head);
    const asEvent = { ...packed, [PACKED]: Buffer.from(packed[PACKED] as Uint8Array).toString('base64') };
    expect(unpackCaseItem(asEvent)).toEqual(head);
  });

  it("packs a history page's entries, and unpacks them equal", () => {
    const page = { pk: head.pk, sk: 'PAGE#0000000008', entries: head[PENDING] };
    const packed = packCaseItem(page);
    expect(Object.keys(packed).sort()).toEqual([PACKED, 'pk', 'sk'].sort());
    expect(unpackCaseItem(packed)).toEqual(page);
    expect(packCaseItem(packed)).toBe(packed);
  });

  it('keeps a head without pending entries without them, and leaves other items and unpacked heads as they are', () => {
    const { [PENDING]: _pending, ...rolled } = head;
    expect(unpackCaseItem(packCaseItem(rolled))).toEqual(rolled);
    expect(unpackCaseItem(rolled)).toBe(rolled);
    const task = { pk: head.pk, sk: 'TASK#x', version: 3, deptPk: 'DEPT#y#1', deptSk: 'open#2026-12-01#x' };
    expect(packCaseItem(task)).toBe(task);
    expect(unpackCaseItem(task)).toBe(task);
    expect(unpackCaseItem(undefined)).toBeUndefined();
  });

  it('refuses a packed attribute that is not binary, and bytes that are not a packed head', () => {
    expect(() => unpackCaseItem({ pk: head.pk, sk: HEAD, [PACKED]: 42 })).toThrow(/not binary/);
    expect(() => unpackCaseItem({ pk: head.pk, sk: HEAD, [PACKED]: new Uint8Array([1, 2, 3]) })).toThrow();
  });
});
