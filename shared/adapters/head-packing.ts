// A case's head as the cases table keeps it: its state and the history entries it carries (`state`,
// `pending`: case-items.ts) in one binary attribute, `packed`, Brotli-compressed JSON — the rest (keys,
// version, index keys, TTL) as they are, for conditions and indexes. A head is the largest item of a
// case and is kept ten years, with point-in-time recovery on top, and written whole at every transition:
// packed, the cost bench's single-department head goes from about 16 KB to under 3 KB, and its storage
// and write units with it. Items are packed at the store's writes and unpacked at its reads (and the
// relay's stream images); the size checks (case-items.ts) still count the unpacked head, so what a case
// may hold, and the memory an unpacked head takes, stay as they were. A head written before it was
// packed (no `packed`) is read as it is.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { Item } from './case-items.ts';
import { HEAD, PENDING } from './case-items.ts';
import { ITEM_LIMIT_BYTES } from './dynamo-item-size.ts';

/** The head's attribute holding its packed state and entries. */
export const PACKED = 'packed';
/** Brotli's quality: 5 compresses a head to about a sixth in well under a millisecond (11, the default, takes many). */
const QUALITY = 5;
/** What an unpacked head may take at most: what the size checks let a head hold. */
const MAX_UNPACKED_BYTES = ITEM_LIMIT_BYTES;

/** The head as written: `state` and `pending` packed (any other item as it is). */
export function packHead(item: Item): Item {
  if (item.sk !== HEAD || item.state === undefined) return item;
  const { state, [PENDING]: pending, ...rest } = item;
  const json = JSON.stringify(pending === undefined ? { state } : { state, pending });
  return { ...rest, [PACKED]: brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } }) };
}

/** The head as read: `state` and `pending` unpacked (a head written unpacked, or any other item, as it is). */
export function unpackHead<T extends Item | undefined>(item: T): T {
  const packed = item?.[PACKED];
  if (!item || packed === undefined) return item;
  // Binary as the SDK reads it; base64 as a stream record's image comes to a Lambda function in its event's JSON.
  const bytes = packed instanceof Uint8Array ? packed : typeof packed === 'string' ? Buffer.from(packed, 'base64') : undefined;
  if (!bytes) throw new Error(`case store: the head of ${String(item.pk)} holds a packed state that is not binary`);
  const { [PACKED]: _packed, ...rest } = item;
  const { state, pending } = JSON.parse(brotliDecompressSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }).toString('utf8')) as { state: unknown; pending?: unknown };
  return { ...rest, state, ...(pending === undefined ? {} : { [PENDING]: pending }) } as unknown as T;
}
