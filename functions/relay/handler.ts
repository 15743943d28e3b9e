// Lambda: the relay — the cases table's stream (the history entries as they are written: the outbox)
// to the platform's event bus (functions/http/stream-relay.ts), as case events (source tongban.cases):
// the entry a head write carries (its pending entry n = its version), and the entry items of the
// layout before issue 21.
import type { EntryRecord } from '../../shared/adapters/case-items.ts';
import { ENTRY_EVENT, ENTRY_PREFIX, HEAD, PENDING } from '../../shared/adapters/case-items.ts';
import { unpackCaseItem } from '../../shared/adapters/case-item-packing.ts';
import { streamRelay } from '../http/stream-relay.ts';

export function relayHandler() {
  return streamRelay({
    name: 'relay',
    entryPrefix: ENTRY_PREFIX,
    eventAttribute: ENTRY_EVENT,
    metric: 'CaseEventsPublished',
    head: { sortKey: HEAD, entry: (image) => recordOfHead(image)?.[ENTRY_EVENT] },
  });
}

/**
 * The entry a head write carries: its pending entry n = the head's version. None for a head that
 * carries none (rolled forward in the layout before issue 21: its entries are items of their own).
 */
function recordOfHead(image: Record<string, unknown>): EntryRecord | undefined {
  const head = unpackCaseItem(image);
  return ((head[PENDING] as EntryRecord[] | undefined) ?? []).find((r) => r.entry.n === head.version);
}

export const handler = relayHandler();
