// The statistics (001 §28, 004 §33, 000 §31) as facts: each case event contributes, once and for good,
// a fact — what it counts, in its bucket (the China day it happened, the case's department, item and
// channel). Every figure of a period is a sum of facts; the working days from acceptance to a decision
// are kept as a histogram, so the mean and the 90th percentile of any period are exact. Pure: the
// event, the case as read after it, the channel's kind and the calendar in, the fact out — the keeper
// (the tally function) and the check (a recomputation from the case records) derive alike.
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import type { CaseState } from '../cases/case-record.ts';
import { LegalClock } from '../cases/legal-clock.ts';
import { DomainError } from '../errors.ts';

/** What a fact counts. `receivedOnline` is the part of `received` filed through a portal or mobile app (网办). */
export const MEASURES = [
  'received',
  'receivedOnline',
  'accepted',
  'refused',
  'approved',
  'denied',
  'withdrawn',
  'pauses',
  'extensions',
  'supplementRounds',
  'escalations',
  'promisedOnTime',
  'statutoryOnTime',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Counts = Partial<Record<Measure, number>>;

/** The kinds of channel whose filings count as online (网上办理); the others are a hall's window. */
export const ONLINE_CHANNEL_KINDS: readonly string[] = ['portal', 'mobile-app'];

/** What the fact of one case event says. */
export interface StatisticsFact {
  /** The case event's id (`<caseNo>.<version>`): one fact per event, however often it is given. */
  eventId: string;
  /** China day of the event. */
  on: string;
  departmentId: string;
  itemCode: string;
  channelId: string;
  counts: Counts;
  /** A decision's working days from acceptance (legal clock: paused days do not count); absent when uncountable. */
  workingDays?: number;
}

/** The part of a case event a fact needs (the event on the wire has it, and so has a history entry). */
export interface FactSource {
  id: string;
  action: string;
  on: string;
}

const ACCEPTANCES = new Set(['accept', 'accept-pending', 'deem-accepted']);
const SIMPLE: Readonly<Record<string, Measure>> = {
  refuse: 'refused',
  withdraw: 'withdrawn',
  pause: 'pauses',
  extend: 'extensions',
  'request-supplement': 'supplementRounds',
  escalate: 'escalations',
};

/**
 * The fact of `event`, for the case as read after it (its department, item, channel and decision do
 * not change once made), or undefined when the event counts nothing (a seal, a mark, an archive…).
 * A decision is on time against the promised limit unless the case was marked overdue (or in
 * violation), against the statutory one unless marked in violation: the platform's own lateness
 * record, which a provisional deadline never sets.
 */
export function statisticsFact(event: FactSource, state: CaseState, channelKind: string | undefined, calendar: WorkingDayCalendar): StatisticsFact | undefined {
  const counts: Counts = {};
  let workingDays: number | undefined;
  if (event.action === 'file') {
    counts.received = 1;
    if (channelKind !== undefined && ONLINE_CHANNEL_KINDS.includes(channelKind)) counts.receivedOnline = 1;
  } else if (ACCEPTANCES.has(event.action)) {
    counts.accepted = 1;
  } else if (event.action === 'decide') {
    const decision = state.decision;
    if (!decision) throw new Error(`statistics: case ${state.caseNo} has a decide event (${event.id}) but no decision`);
    counts[decision.outcome] = 1;
    if (state.supervision === undefined) counts.promisedOnTime = 1;
    if (state.supervision !== 'violation') counts.statutoryOnTime = 1;
    workingDays = decisionWorkingDays(state, calendar);
  } else if (SIMPLE[event.action]) {
    counts[SIMPLE[event.action]!] = 1;
  } else {
    return undefined;
  }
  return {
    eventId: event.id,
    on: event.on,
    departmentId: state.departmentId,
    itemCode: state.itemCode,
    channelId: state.channelId,
    counts,
    ...(workingDays !== undefined ? { workingDays } : {}),
  };
}

/** Working days counted from acceptance to the decision day; undefined when a year it spans has no calendar at all. */
function decisionWorkingDays(state: CaseState, calendar: WorkingDayCalendar): number | undefined {
  if (!state.acceptance || !state.decision) return undefined;
  try {
    return new LegalClock(calendar).elapsed({ acceptedOn: state.acceptance.on, pauses: state.pauses }, state.decision.on);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'DEADLINE_CALENDAR_MISSING') return undefined;
    throw e;
  }
}
