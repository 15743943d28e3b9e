// A ticket's own history, hash-chained like a case's and a finding's (shared/domain/cases/case-history.ts,
// whose entry body, hashing and chain check it uses): each entry's hash covers its content and the
// previous entry's hash, and records the digest of the ticket after it, so an entry changed, removed or
// moved — or a stored ticket edited — no longer verifies.
import { EntryChainCheck, entryBody, hashEntry, stateDigest } from '../cases/case-history.ts';
import type { HistoryCheck } from '../cases/case-history.ts';
import type { Ticket, TicketAction, TicketContext, TicketHistoryEntry, TicketTransition } from './ticket.ts';

/** The one place a ticket's next state becomes a history entry: digests and hash, chained to the one before, the state stamped with it. */
export function recordTicket(ticket: Omit<Ticket, 'hash'>, type: TicketAction, from: Ticket | null, payload: unknown, ctx: TicketContext): TicketTransition {
  const body = { ticketId: ticket.id, ...entryBody(ticket.version, type, ctx, from?.state ?? null, ticket.state, payload, ticket, from?.hash) };
  const entry: TicketHistoryEntry = { ...body, hash: hashEntry<TicketHistoryEntry>(body) };
  return { ticket: { ...ticket, hash: entry.hash }, entry };
}

/**
 * Checks a ticket's whole history, oldest first (entries 1…n of one ticket, each intact and chained, the
 * first its filing); with `head`, also that it ends at that ticket, unaltered.
 */
export function verifyTicketHistory(entries: readonly TicketHistoryEntry[], head?: Ticket): HistoryCheck {
  const chain = new EntryChainCheck<TicketHistoryEntry>({ subjectOf: (e) => e.ticketId, noun: 'ticket', first: { type: 'file', name: 'filing' } });
  for (const entry of entries) if (!chain.push(entry)) break;
  return chain.result(head && { subject: head.id, version: head.version, hash: head.hash, digest: stateDigest(head) });
}
