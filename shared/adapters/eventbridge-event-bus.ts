// The platform's event bus on EventBridge: PutEvents to the platform's own bus (CASE_EVENT_BUS_NAME),
// ten entries a call (EventBridge's most) and in order; an entry the bus refused stops the publishing
// there (the later ones are not sent, so the relay hands them all over again in order). Each entry:
// Source `tongban.cases` for a case event, `tongban.feedback` for an evaluation's or a ticket's,
// DetailType the event's type, Detail the CloudEvent, Time its time.
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CASE_EVENT_BUS_SOURCE } from '../contracts/case-events.ts';
import { FEEDBACK_EVENT_BUS_SOURCE } from '../contracts/feedback-events.ts';
import type { PlatformEvent } from '../contracts/platform-events.ts';
import type { PlatformEventBus } from '../domain/events/event-relay.ts';
import { isCaseEvent } from '../domain/events/platform-event.ts';

/** EventBridge's most entries in one PutEvents call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/** The bus Source of an event: its rules tell case events (the statistics, the watch) from the rest. */
export function busSourceOf(event: PlatformEvent): string {
  return isCaseEvent(event) ? CASE_EVENT_BUS_SOURCE : FEEDBACK_EVENT_BUS_SOURCE;
}

export class EventBridgeEventBus implements PlatformEventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly onRefused: (event: PlatformEvent, code: string, message: string) => void = () => undefined,
  ) {}

  async publish(events: readonly PlatformEvent[]): Promise<number> {
    let taken = 0;
    for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = events.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
      const out = await this.client.send(new PutEventsCommand({ Entries: chunk.map((e) => this.entry(e)) }));
      const results = out.Entries ?? [];
      const firstFailed = (out.FailedEntryCount ?? 0) === 0 ? -1 : results.findIndex((r) => r.ErrorCode !== undefined || r.EventId === undefined);
      if (firstFailed === -1) {
        taken += chunk.length;
        continue;
      }
      const failed = results[firstFailed];
      this.onRefused(chunk[firstFailed]!, failed?.ErrorCode ?? 'Unknown', failed?.ErrorMessage ?? '');
      return taken + firstFailed;
    }
    return taken;
  }

  private entry(event: PlatformEvent): PutEventsRequestEntry {
    return { EventBusName: this.busName, Source: busSourceOf(event), DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.time) };
  }
}
