// Lambda: the feedback relay — the feedback table's stream (the history entries of evaluations and
// tickets as they are written, each holding its event: the outbox) to the platform's event bus
// (functions/http/stream-relay.ts), as feedback events (source tongban.feedback).
import { CHAINED_ENTRY_EVENT, CHAINED_ENTRY_PREFIX } from '../../shared/adapters/dynamo-chained-records.ts';
import { streamRelay } from '../http/stream-relay.ts';

export function feedbackRelayHandler() {
  return streamRelay({ name: 'feedback-relay', entryPrefix: CHAINED_ENTRY_PREFIX, eventAttribute: CHAINED_ENTRY_EVENT, metric: 'FeedbackEventsPublished' });
}

export const handler = feedbackRelayHandler();
