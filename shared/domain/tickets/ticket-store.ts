// Port: where tickets live. Like a finding, a ticket is its history: each entry is written once, on
// condition it does not exist yet — the serialisation point of every action on it, and of its filing
// (of two filings under the same channel and Idempotency-Key exactly one writes entry 1; the other
// finds the ticket) — and the newest state is projected onto a head for the lists, rolled forward by
// any reader that finds it behind. No transactions (dynalite has none).
import type { TicketKind, TicketState } from '../../contracts/tickets.ts';
import type { Ticket, TicketHistoryEntry, TicketTransition } from './ticket.ts';

/** A ticket as read: with where its history breaks, if it does (nobody acts on a broken ticket). */
export interface TicketRead {
  ticket: Ticket;
  broken?: { n: number; reason: string };
}

/**
 * Which tickets to list: one index partition — what a channel filed, what is addressed to a department,
 * a state — optionally the China days filed (`from`, `to`, inclusive), and the other criteria as filters.
 */
export interface TicketSelection {
  by: { channel: string } | { department: string } | { state: TicketState };
  from?: string | undefined;
  to?: string | undefined;
  filter: { kind?: TicketKind | undefined; state?: TicketState | undefined; department?: string | undefined };
}

export interface TicketPage {
  tickets: Ticket[];
  nextCursor?: string;
}

export interface TicketStore {
  /**
   * Writes a new ticket (its first entry, then its head). When the id is taken — filed before, or by a
   * concurrent retry — answers the ticket already there, and writes nothing of this one.
   */
  create(first: TicketTransition): Promise<{ created: true } | { created: false; existing: Ticket }>;

  /** Records an action (entry `transition.entry.n`, then the head); TICKET_VERSION_CONFLICT when someone acted first. */
  append(transition: TicketTransition, previous: Ticket): Promise<void>;

  /** The newest state, read consistently (a head behind its history rolled forward); undefined for an unknown id. */
  read(id: string): Promise<TicketRead | undefined>;

  /** Every history entry, oldest first (a ticket's history is bounded: MAX_TICKET_ROUTINGS + 3 entries). */
  history(id: string): Promise<TicketHistoryEntry[]>;

  /** A page of the heads a selection lists, newest first (eventually consistent: read one with `read`). */
  list(selection: TicketSelection, page: { limit: number; cursor?: string | undefined }): Promise<TicketPage>;

  /** A page of the tickets awaiting an answer that fall due on or before `through` (and, with `from`, on or after it), soonest first. */
  due(through: string, page: { limit: number; cursor?: string | undefined }, from?: string): Promise<TicketPage>;
}
