// Tickets the unit and integration tests file: a complaint about the food item for 张三, and a list
// query; for the lifecycle's tests, its draft and its filing on Friday 6 November 2026.
import type { FileTicketRequest, TicketListQuery } from '../../shared/contracts/tickets.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { Ticket, TicketTransition } from '../../shared/domain/tickets/ticket.ts';
import { ticketId } from '../../shared/domain/tickets/ticket.ts';
import type { TicketDraft } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { fileTicket } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { FOOD, MARKET, PORTAL, ZHANG } from './case-fixtures.ts';

export const complaint = (over: Partial<FileTicketRequest> = {}): FileTicketRequest => ({
  kind: 'complaint',
  about: { item: FOOD.implementationCode },
  person: ZHANG,
  subject: '窗口办理拖延',
  text: '申请材料齐全，窗口人员拖延不予受理。',
  ...over,
});

export const query = (q: Partial<TicketListQuery> = {}): TicketListQuery => ({ limit: 20, ...q });

/** The context of a step by `actor` on `date` (at 10:00 in China). */
export const stepAt = (date: string, actor: Caller) => ({ actor, at: `${date}T02:00:00.000Z`, today: date });

/** A ticket of `kind` as the portal files it for 张三 about the food item on Friday 6 November (a correction: of a licence's holder name). */
export function ticketDraft(kind: Ticket['kind'] = 'complaint', over: Partial<TicketDraft> = {}): TicketDraft {
  return {
    id: ticketId(PORTAL.channelId!, `k-${kind}`),
    kind,
    channelId: PORTAL.channelId!,
    about: { kind: 'item', code: FOOD.implementationCode },
    itemCode: FOOD.implementationCode,
    person: ZHANG,
    subject: '窗口办理拖延',
    text: '申请材料齐全，窗口人员拖延不予受理。',
    receivedAt: '2026-11-06T02:00:00.000Z',
    receivedOn: '2026-11-06',
    answerDays: 10,
    requestDigest: 'd'.repeat(64),
    ...(kind === 'correction' ? { correction: { target: 'licence' as const, licenceId: 'L-1', field: 'holderName', wrongValue: '张叁', rightValue: '张三' } } : {}),
    ...over,
  };
}

/** That ticket filed: routed to the market department (due Friday 20 November), or received for the platform to pass on. */
export function filedTicket(kind: Ticket['kind'] = 'complaint', routed = true, over: Partial<TicketDraft> = {}): TicketTransition {
  return fileTicket(ticketDraft(kind, over), routed ? { departmentId: MARKET.departmentId!, due: { date: '2026-11-20' } } : undefined, { kind }, stepAt('2026-11-06', PORTAL));
}
