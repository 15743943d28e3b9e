// A case's head and history pages as the cases table keeps them: what they hold of the case (the head's
// `state` and `pending` entries, a page's `entries`: case-items.ts) in one binary attribute, `packed`,
// Brotli-compressed JSON — the rest (keys, version, index keys, TTL) as they are, for conditions and
// indexes. They are a case's largest items, kept ten years with point-in-time recovery on top, and the
// head is written whole at every transition: packed, the cost bench's single-department head goes from
// about 16 KB to under 3 KB, and its storage and write units with it. Items are packed at the store's
// writes and unpacked at its reads (and the relay's stream images); the size checks (case-items.ts)
// still count them unpacked, so what a case may hold, and the memory an unpacked item takes, stay as
// they were. An item written before packing (no `packed`) is read as it is.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { Item } from './case-items.ts';
import { HEAD, PAGE_PREFIX, PENDING } from './case-items.ts';
import { ITEM_LIMIT_BYTES } from './dynamo-item-size.ts';

/** The attribute holding what a head or page holds of the case, packed. */
export const PACKED = 'packed';
/** Brotli's quality: 5 compresses a head to about a sixth in well under a millisecond (11, the default, takes many). */
const QUALITY = 5;
/** What an unpacked item may take at most: what the size checks let a head or page hold. */
const MAX_UNPACKED_BYTES = ITEM_LIMIT_BYTES;

/** The attributes packed: a head's state and entries, a page's entries. */
function packedFields(item: Item): readonly string[] | undefined {
  if (item.sk === HEAD) return ['state', PENDING];
  return typeof item.sk === 'string' && item.sk.startsWith(PAGE_PREFIX) ? ['entries'] : undefined;
}

/** A head or page as written: what it holds of the case packed (any other item, or one packed already, as it is). */
export function packCaseItem(item: Item): Item {
  const fields = packedFields(item);
  if (!fields || item[PACKED] !== undefined) return item;
  const rest: Item = { ...item };
  const held: Item = {};
  for (const f of fields) {
    if (item[f] !== undefined) held[f] = item[f];
    delete rest[f];
  }
  const json = JSON.stringify(held);
  return { ...rest, [PACKED]: brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } }) };
}

/** A head or page as read: what it holds of the case unpacked (an item written unpacked, or any other, as it is). */
export function unpackCaseItem<T extends Item | undefined>(item: T): T {
  const packed = item?.[PACKED];
  if (!item || packed === undefined) return item;
  // Binary as the SDK reads it; base64 as a stream record's image comes to a Lambda function in its event's JSON.
  const bytes = packed instanceof Uint8Array ? packed : typeof packed === 'string' ? Buffer.from(packed, 'base64') : undefined;
  if (!bytes) throw new Error(`case store: the item ${String(item.pk)} / ${String(item.sk)} holds a packed attribute that is not binary`);
  const { [PACKED]: _packed, ...rest } = item;
  const held = JSON.parse(brotliDecompressSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }).toString('utf8')) as Item;
  return { ...rest, ...held } as unknown as T;
}
