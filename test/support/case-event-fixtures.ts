// Case events as the outbox holds them, for the routing and delivery tests: a case's events 1..n,
// valid CloudEvents of the contract (shared/contracts/case-events.ts), without a case behind them.
import { createHash } from 'node:crypto';
import { busSourceOf } from '../../shared/adapters/eventbridge-event-bus.ts';
import type { CaseEvent } from '../../shared/contracts/case-events.ts';
import type { PlatformEvent } from '../../shared/contracts/platform-events.ts';
import { CASE_EVENT_SOURCE, CASE_EVENT_TYPE_PREFIX, CaseEventSchema, caseEventId } from '../../shared/contracts/case-events.ts';

export interface CaseParties {
  channelId: string;
  departmentId: string;
  coDepartmentIds?: string[];
}

const ACTIONS = ['file', 'accept', 'pause', 'resume', 'extend', 'decide', 'seal', 'archive'] as const;
const STATUS = { file: 'received', accept: 'accepted', pause: 'accepted', resume: 'accepted', extend: 'accepted', decide: 'decided', seal: 'decided', archive: 'decided' } as const;

/** Event `version` of the case (its action by position: file, accept, pause, resume, extend, decide, seal, archive, then accept again). */
export function caseEventOf(caseNo: string, parties: CaseParties, version: number, at = new Date(Date.UTC(2026, 10, 23, 2, 0, version))): CaseEvent {
  const action = ACTIONS[(version - 1) % ACTIONS.length]!;
  const before = version === 1 ? null : STATUS[ACTIONS[(version - 2) % ACTIONS.length]!];
  return CaseEventSchema.parse({
    specversion: '1.0',
    id: caseEventId(caseNo, version),
    source: CASE_EVENT_SOURCE,
    type: `${CASE_EVENT_TYPE_PREFIX}${action}`,
    subject: caseNo,
    time: at.toISOString(),
    datacontenttype: 'application/json',
    data: {
      caseNo,
      version,
      action,
      from: before,
      status: STATUS[action],
      actorRole: version === 1 ? 'channel' : 'department',
      on: at.toISOString().slice(0, 10),
      itemCode: '11110000000000000X4442115001',
      itemVersion: 1,
      departmentId: parties.departmentId,
      coDepartmentIds: parties.coDepartmentIds ?? [],
      channelId: parties.channelId,
      entryHash: createHash('sha256').update(`${caseNo}.${version}`).digest('hex'),
    },
  });
}

/** Events 1..n of a case. */
export function caseEvents(caseNo: string, parties: CaseParties, n: number): CaseEvent[] {
  return Array.from({ length: n }, (_, i) => caseEventOf(caseNo, parties, i + 1));
}

/** The SQS record body the bus's rule delivers: the EventBridge event around a case event (or an evaluation's, a ticket's). */
export function busRecordBody(event: PlatformEvent): string {
  return JSON.stringify({
    version: '0',
    id: `bus-${event.id}`,
    'detail-type': event.type,
    source: busSourceOf(event),
    account: '111122223333',
    time: event.time,
    region: 'cn-north-1',
    resources: [],
    detail: event,
  });
}
