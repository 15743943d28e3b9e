// The relay: hands the events of newly written history entries (the outbox, in the order they were
// written: a case's entries in the cases table, an evaluation's or a ticket's in the feedback table) to
// the platform's event bus, in order, and says where it stopped when the bus did not take them all — so
// the stream hands the rest over again, from there, and no event is skipped or reordered. A record that
// holds no valid event (an entry written before events existed, a damaged item) is passed over:
// retrying cannot mend it. Consumers get each event at least once and deduplicate by `id`.
import type { PlatformEvent } from '../../contracts/platform-events.ts';
import { PlatformEventSchema } from '../../contracts/platform-events.ts';

/** Port: the platform's event bus (EventBridge on AWS, the embedded bus locally). */
export interface PlatformEventBus {
  /** Publishes `events` in order; answers how many, from the first, it took (all of them, or fewer). */
  publish(events: readonly PlatformEvent[]): Promise<number>;
}

/** One record of the stream the relay reads: its position, and the event its entry holds (if any). */
export interface OutboxRecord {
  /** The record's position in the stream (what the stream is told to hand over again from). */
  position: string;
  event: unknown;
}

export interface RelayResult {
  published: number;
  /** Records whose item held no valid event, with why. */
  passedOver: { position: string; reason: string }[];
  /** The first record not published, when the bus stopped taking them: the stream hands it over again. */
  stoppedAt?: string;
  /** Why the bus took none of them, when it failed outright. */
  error?: unknown;
}

export async function relayEvents(records: readonly OutboxRecord[], bus: PlatformEventBus): Promise<RelayResult> {
  const passedOver: RelayResult['passedOver'] = [];
  const valid: { position: string; event: PlatformEvent }[] = [];
  for (const record of records) {
    if (record.event === undefined) {
      passedOver.push({ position: record.position, reason: 'the entry holds no event (written before events existed)' });
      continue;
    }
    const parsed = PlatformEventSchema.safeParse(record.event);
    if (parsed.success) valid.push({ position: record.position, event: parsed.data });
    else passedOver.push({ position: record.position, reason: `not a platform event: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  }
  if (valid.length === 0) return { published: 0, passedOver };
  let published: number;
  try {
    published = await bus.publish(valid.map((v) => v.event));
  } catch (error) {
    // Nothing is known to have been taken: all of them again (consumers deduplicate by id).
    return { published: 0, passedOver, stoppedAt: valid[0]!.position, error };
  }
  const stopped = valid[published];
  return { published, passedOver, ...(stopped ? { stoppedAt: stopped.position } : {}) };
}
