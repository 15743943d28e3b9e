// Port: where findings live. Like a case, a finding is its history: each entry is written once, on
// condition it does not exist yet — the serialisation point of every action on it, and of its raising
// (of two raisings of the same occurrence exactly one writes entry 1; the other finds the finding) —
// and the newest state is projected onto a head for the lists, rolled forward by any reader that finds
// it behind. No transactions (dynalite has none).
import type { FindingState } from '../../contracts/supervision-findings.ts';
import type { RuleId } from '../../contracts/supervision-rules.ts';
import type { Finding, FindingHistoryEntry, FindingTransition } from './finding.ts';

export type { FindingState };

/** A finding as read: with where its history breaks, if it does (nobody acts on a broken finding). */
export interface FindingRead {
  finding: Finding;
  broken?: { n: number; reason: string };
}

/**
 * Which findings to list: one index partition — a subject, a department (or `platform`), a rule or a
 * state — optionally a raisedOn range, and the other criteria as filters.
 */
export interface FindingSelection {
  by: { subject: string } | { department: string } | { rule: RuleId } | { state: FindingState };
  from?: string | undefined;
  to?: string | undefined;
  filter: { department?: string | undefined; rule?: RuleId | undefined; state?: FindingState | undefined };
  /** Newest first (the default) or oldest first. */
  oldestFirst?: boolean;
}

export interface FindingPage {
  findings: Finding[];
  nextCursor?: string;
}

export interface FindingStore {
  /**
   * Writes a new finding (its first entry, then its head). When the id is taken — raised before, or by
   * a concurrent raising — answers the finding already there, and writes nothing of this one.
   */
  create(first: FindingTransition): Promise<{ created: true } | { created: false; existing: Finding }>;

  /** Records an action (entry `transition.entry.n`, then the head); FINDING_VERSION_CONFLICT when someone acted first. */
  append(transition: FindingTransition, previous: Finding): Promise<void>;

  /** The newest state, read consistently (a head behind its history rolled forward); undefined for an unknown id. */
  read(id: string): Promise<FindingRead | undefined>;

  /** Every history entry, oldest first (a finding's history is bounded: MAX_FINDING_ROUNDS). */
  history(id: string): Promise<FindingHistoryEntry[]>;

  /** A page of the heads a selection lists (eventually consistent: read one with `read`). */
  list(selection: FindingSelection, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage>;

  /** A page of the findings awaiting an answer that fall due on or before `through`, soonest first. */
  due(through: string, page: { limit: number; cursor?: string | undefined }): Promise<FindingPage>;

  /** The day the daily pass `task` last finished (the watch function's). */
  dayDone(task: string): Promise<string | undefined>;
  markDayDone(task: string, day: string): Promise<void>;
  /** Where the daily pass `task` stopped unfinished, if it did (the next tick on the same day goes on from there). */
  passPlace(task: string): Promise<PassPlace | undefined>;
  keepPassPlace(task: string, place: PassPlace): Promise<void>;
}

/** Where an unfinished daily pass stopped: on which day, at which of its sources and where in it. */
export interface PassPlace {
  on: string;
  source: number;
  cursor?: string;
}
