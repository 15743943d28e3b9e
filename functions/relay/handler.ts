// Lambda: the relay — the cases table's stream (the history entries as they are written: the outbox)
// to the platform's event bus (functions/http/stream-relay.ts), as case events (source tongban.cases).
import { ENTRY_EVENT, ENTRY_PREFIX } from '../../shared/adapters/case-items.ts';
import { streamRelay } from '../http/stream-relay.ts';

export function relayHandler() {
  return streamRelay({ name: 'relay', entryPrefix: ENTRY_PREFIX, eventAttribute: ENTRY_EVENT, metric: 'CaseEventsPublished' });
}

export const handler = relayHandler();
