// A case's history entry as the event the platform publishes for it (shared/contracts/case-events.ts):
// built from the entry and the state after it, when the entry is written, and kept in the entry's item
// (the outbox) — so an event exists exactly for each step that happened, and says what the entry says.
import type { CaseEvent } from '../../contracts/case-events.ts';
import { CASE_EVENT_SOURCE, CASE_EVENT_TYPE_PREFIX, caseEventId } from '../../contracts/case-events.ts';
import type { CaseHistoryEntry, CaseState } from '../cases/case-record.ts';

export type { CaseEvent, CaseEventData } from '../../contracts/case-events.ts';

/** The event of `entry`, which led to `state`. */
export function caseEvent(state: CaseState, entry: CaseHistoryEntry): CaseEvent {
  if (state.caseNo !== entry.caseNo || state.version !== entry.n || state.hash !== entry.hash) {
    throw new Error(`case event: the state (case ${state.caseNo}, version ${state.version}) is not the one entry ${entry.n} of case ${entry.caseNo} led to`);
  }
  return entryEvent(entry, state);
}

/**
 * The event of `entry` of a case with these parties (which never change over a case's life: any state
 * of the case gives them), for a reader that holds the entry and a later state (a recomputation).
 */
export function entryEvent(entry: CaseHistoryEntry, parties: Pick<CaseState, 'itemCode' | 'itemVersion' | 'departmentId' | 'coDepartmentIds' | 'channelId'>): CaseEvent {
  const state = parties;
  return {
    specversion: '1.0',
    id: caseEventId(entry.caseNo, entry.n),
    source: CASE_EVENT_SOURCE,
    type: `${CASE_EVENT_TYPE_PREFIX}${entry.type}`,
    subject: entry.caseNo,
    time: entry.at,
    datacontenttype: 'application/json',
    data: {
      caseNo: entry.caseNo,
      version: entry.n,
      action: entry.type,
      from: entry.from,
      status: entry.to,
      actorRole: entry.actor.role,
      on: entry.on,
      itemCode: state.itemCode,
      itemVersion: state.itemVersion,
      departmentId: state.departmentId,
      coDepartmentIds: [...state.coDepartmentIds],
      channelId: state.channelId,
      entryHash: entry.hash,
    },
  };
}

/** Who a case event is for: its channel, its department and its co-departments (each may read the case). */
export function caseEventAudience(event: CaseEvent): { channelId: string; departmentIds: string[] } {
  return { channelId: event.data.channelId, departmentIds: [event.data.departmentId, ...event.data.coDepartmentIds] };
}
