// What the router, the relay and the feeds need to know of any platform event (a case's, an
// evaluation's, a ticket's), said once: the key its record's events are ordered under, its version,
// and who it is for.
//
// Keys: a case's events are keyed by the bare case number (as they always were: the watermarks, pair
// markers and deliveries of cases keep their keys); an evaluation's and a ticket's by `<kind>:<id>` —
// both ids are 32 lower-case hex digits, and a case number holds no `:`, so no two records share a key.
import type { PlatformEvent } from '../../contracts/platform-events.ts';
import type { FeedbackKind } from '../../contracts/feedback-events.ts';
import { FEEDBACK_KINDS } from '../../contracts/feedback-events.ts';
import { CASE_NO_PATTERN } from '../../contracts/case-vocabulary.ts';
import type { CaseEvent } from './case-event.ts';
import { caseEventAudience } from './case-event.ts';

export type { PlatformEvent } from '../../contracts/platform-events.ts';

/** Whether the event is a case's. */
export function isCaseEvent(event: PlatformEvent): event is CaseEvent {
  return !('kind' in event.data);
}

/** The key of the record the event belongs to: the case number, or `evaluation:<id>` / `ticket:<id>`. */
export function eventKey(event: PlatformEvent): string {
  return isCaseEvent(event) ? event.subject : recordKey(event.data.kind, event.subject);
}

/** The key of an evaluation's or a ticket's events. */
export function recordKey(kind: FeedbackKind, id: string): string {
  return `${kind}:${id}`;
}

/** The event's version: the number of its entry in its record's history. */
export function eventVersion(event: PlatformEvent): number {
  return event.data.version;
}

/**
 * Who an event is for: the channel (that filed the case or the ticket, or the applicant rated through)
 * and the departments — a case's department and co-departments; an evaluation's department; the
 * department a ticket is addressed to after the step, and the one it left on a transfer.
 */
export function eventAudience(event: PlatformEvent): { channelId: string; departmentIds: string[] } {
  if (isCaseEvent(event)) return caseEventAudience(event);
  const { data } = event;
  if (data.kind === 'evaluation') return { channelId: data.channelId, departmentIds: [data.departmentId] };
  const departmentIds = [data.departmentId, data.fromDepartmentId].filter((d): d is string => d !== undefined);
  return { channelId: data.channelId, departmentIds: [...new Set(departmentIds)] };
}

/**
 * The keys an event id (`<caseNo>.<version>`, `<id>.<version>`) may belong to, and its version: a
 * 32-hex id may be an evaluation's or a ticket's (or, in form, a case number).
 */
export function keysOfEventId(id: string): { keys: string[]; version: number } | undefined {
  const dot = id.lastIndexOf('.');
  if (dot < 1) return undefined;
  const subject = id.slice(0, dot);
  const version = Number(id.slice(dot + 1));
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  const keys = CASE_NO_PATTERN.test(subject) ? [subject] : [];
  if (/^[0-9a-f]{32}$/.test(subject)) keys.push(...FEEDBACK_KINDS.map((k) => recordKey(k, subject)));
  return keys.length > 0 ? { keys, version } : undefined;
}
