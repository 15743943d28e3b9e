// A case event on the wire: one history entry of a case as a CloudEvents 1.0 event (structured
// JSON), as the platform's bus carries it, as a channel's or a department's webhook receives it and as
// `tongban events tail` prints it. Built from the entry and the state after it, once, by
// shared/domain/events/case-event.ts, and kept in the entry's item: the entry is the outbox.
//
// What it says is what every party the event goes to may read of the case anyway — its number,
// item, departments, channel, status and which step it took — and no personal data: no applicant,
// no form, no materials, no reasons. A receiver reads the case itself (GET /v1/cases/{no}) for more.
import * as z from 'zod';
import type { CaseStatus } from './case-vocabulary.ts';
import { CASE_NO_PATTERN, CASE_STATUSES } from './case-vocabulary.ts';

/** The CloudEvents `type` of an entry's event: this prefix and the entry's type (`cn.tongban.case.accept`). */
export const CASE_EVENT_TYPE_PREFIX = 'cn.tongban.case.';
/** The CloudEvents `source` of every case event (a URI-reference). */
export const CASE_EVENT_SOURCE = '/tongban/cases';
export { CASE_EVENT_BUS_SOURCE } from './event-bus-sources.ts';
/** A case event's JSON is at most this many UTF-8 bytes (EventBridge takes 256 KB an entry; ours are small). */
export const MAX_CASE_EVENT_BYTES = 8 * 1024;

const Status = z.enum(CASE_STATUSES as [CaseStatus, ...CaseStatus[]]);
const CaseNo = z.string().regex(CASE_NO_PATTERN);
const Id = z.string().min(1).max(64);

export const CaseEventDataSchema = z
  .object({
    caseNo: CaseNo,
    /** The entry's number: the case's version after it (1 for the filing). Order a case's events by it. */
    version: z.number().int().min(1),
    /** The entry's type: `file` or the action (`accept`, `seal`, …). */
    action: z.string().regex(/^[a-z][a-z-]{1,40}$/),
    /** The status before (null for the filing) and after. */
    from: Status.nullable(),
    status: Status,
    /** The role that acted (a person's name is not sent). */
    actorRole: z.enum(['platform', 'department', 'channel', 'auditor']),
    /** China date of the step. */
    on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    itemCode: z.string().min(1).max(64),
    itemVersion: z.number().int().min(1),
    departmentId: Id,
    coDepartmentIds: z.array(Id).max(20),
    channelId: Id,
    /** The entry's hash: ties the event to the case's history (GET /v1/cases/{no}/history). */
    entryHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type CaseEventData = z.infer<typeof CaseEventDataSchema>;

export const CaseEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    /** `<caseNo>.<version>`: unique per case and version, the same however often it is delivered. */
    id: z.string().min(3).max(80),
    source: z.literal(CASE_EVENT_SOURCE),
    type: z.string().startsWith(CASE_EVENT_TYPE_PREFIX).max(80),
    /** The case number. */
    subject: CaseNo,
    /** Instant of the entry (RFC 3339). */
    time: z.string().datetime({ offset: true }),
    datacontenttype: z.literal('application/json'),
    data: CaseEventDataSchema,
  })
  .strict();
export type CaseEvent = z.infer<typeof CaseEventSchema>;

/** The id of entry `version`'s event of a case. */
export function caseEventId(caseNo: string, version: number): string {
  return `${caseNo}.${version}`;
}
