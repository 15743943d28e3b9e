// A ticket's own history, hash-chained like a case's and a finding's (shared/domain/cases/case-history.ts,
// whose record history it is): each entry's hash covers its content and the previous entry's hash, and
// records the digest of the ticket after it, so an entry changed, removed or moved — or a stored ticket
// edited — no longer verifies.
import { recordEntry, verifyRecordHistory } from '../cases/case-history.ts';
import type { HistoryCheck, RecordHistoryKind } from '../cases/case-history.ts';
import type { Ticket, TicketAction, TicketContext, TicketHistoryEntry, TicketTransition } from './ticket.ts';

const TICKET_HISTORY: RecordHistoryKind<'ticketId'> = { key: 'ticketId', noun: 'ticket', first: { type: 'file', name: 'filing' } };

/** The one place a ticket's next state becomes a history entry. */
export function recordTicket(ticket: Omit<Ticket, 'hash'>, type: TicketAction, from: Ticket | null, payload: unknown, ctx: TicketContext): TicketTransition {
  const { record, entry } = recordEntry<'ticketId', Ticket, TicketHistoryEntry>(TICKET_HISTORY, ticket, type, from, payload, ctx);
  return { ticket: record, entry };
}

/** Checks a ticket's whole history, oldest first (the first its filing); with `head`, also that it ends at that ticket, unaltered. */
export function verifyTicketHistory(entries: readonly TicketHistoryEntry[], head?: Ticket): HistoryCheck {
  return verifyRecordHistory(TICKET_HISTORY, entries, head);
}
