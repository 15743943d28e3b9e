// Port: where evaluations live. Like a finding, an evaluation is its history: each entry is written
// once, on condition it does not exist yet — the serialisation point of every action on it, and of its
// rating (of two ratings of the same case exactly one writes entry 1; the other finds the evaluation)
// — and the newest state is projected onto a head for the lists, rolled forward by a reader that finds
// it behind. No transactions (dynalite has none).
import type { EvaluationState } from '../../contracts/evaluations.ts';
import type { Evaluation, EvaluationHistoryEntry, EvaluationTransition } from './evaluation.ts';

/** An evaluation as read: with where its history breaks, if it does (nobody acts on a broken one). */
export interface EvaluationRead {
  evaluation: Evaluation;
  broken?: { n: number; reason: string };
}

/**
 * Which evaluations to list: one index partition — the channel rated through, the department rated,
 * or a state — optionally a range of days rated (China dates), and the other criteria as filters.
 */
export interface EvaluationSelection {
  by: { channel: string } | { department: string } | { state: EvaluationState };
  from?: string | undefined;
  to?: string | undefined;
  filter: { department?: string | undefined; state?: EvaluationState | undefined };
}

export interface EvaluationPage {
  evaluations: Evaluation[];
  nextCursor?: string;
}

export interface EvaluationStore {
  /** Writes a new evaluation (its first entry, then its head); when the id is taken, answers the one there and writes nothing. */
  create(first: EvaluationTransition): Promise<{ created: true } | { created: false; existing: Evaluation }>;

  /** Records an action (entry `transition.entry.n`, then the head); EVALUATION_VERSION_CONFLICT when someone acted first. */
  append(transition: EvaluationTransition, previous: Evaluation): Promise<void>;

  /** The newest state, read consistently; undefined for an unknown (or malformed) id. */
  read(id: string): Promise<EvaluationRead | undefined>;

  /** Every history entry, oldest first (bounded: an evaluation has at most six). */
  history(id: string): Promise<EvaluationHistoryEntry[]>;

  /** A page of the heads a selection lists, newest first (eventually consistent: read one with `read`). */
  list(selection: EvaluationSelection, page: { limit: number; cursor?: string | undefined }): Promise<EvaluationPage>;

  /** A page of the evaluations awaiting their department's answer that fall due on or before `through` (and on or after `from`, if given), soonest first. */
  due(through: string, page: { limit: number; cursor?: string | undefined }, from?: string): Promise<EvaluationPage>;
}
