// The `platform-events` feed's reading for functions/http/queue-work.ts: every event of the platform
// (case, evaluation, ticket), grouped by its record's key (the case number, `evaluation:<id>`,
// `ticket:<id>`). Apart from queue-work.ts so that only the functions reading this feed (the
// deliveries) bundle the feedback events' schemas.
import type { PlatformEvent } from '../../shared/contracts/platform-events.ts';
import { PlatformEventSchema } from '../../shared/contracts/platform-events.ts';
import { eventKey } from '../../shared/domain/events/platform-event.ts';
import type { QueueReading } from './queue-work.ts';

export const PLATFORM_EVENTS_READING: QueueReading<PlatformEvent> = {
  feed: 'platform-events',
  schema: PlatformEventSchema,
  noun: 'an event of the platform',
  key: (e) => eventKey(e),
};
