// An evaluation (好差评): one applicant's review of one ended case (一事一评) or of one visit to a hall
// window (一次一评), kept as a record with a state and its own hash-chained history
// (evaluation-history.ts), moved only as evaluation-lifecycle.ts says. Its id is drawn from what it
// reviews, so the case (the visit) is rated once however often the rating is sent: the store's
// conditional write decides.
import { createHash } from 'node:crypto';
import type { Evaluation, EvaluationHistoryEntry, EvaluationLevel } from '../../contracts/evaluations.ts';
import { BAD_LEVELS } from '../../contracts/evaluations.ts';
import type { Caller } from '../access/caller.ts';
import { canonicalJson } from '../items/record-hash.ts';

export type { Evaluation, EvaluationHistoryEntry, EvaluationLevel };
export type { AnswerKind, EvaluationAction, EvaluationContact, EvaluationState } from '../../contracts/evaluations.ts';

/** An evaluation's next state and the history entry that records it. */
export interface EvaluationTransition {
  evaluation: Evaluation;
  entry: EvaluationHistoryEntry;
}

/** Who acted, when (the instant and its China date): what every entry records. */
export interface EvaluationContext {
  actor: Pick<Caller, 'name' | 'role' | 'officer'>;
  at: string;
  today: string;
}

/** What an evaluation reviews: a case (by its number) or a window visit (by the window's channel and the visit). */
export type Reviewed = { kind: 'case'; caseNo: string } | { kind: 'window'; channelId: string; visit: string };

/** The evaluation id of what it reviews: 32 hex digits of SHA-256 over its canonical JSON — URL-safe, bounded, the same however often computed. */
export function evaluationId(reviewed: Reviewed): string {
  return createHash('sha256')
    .update(canonicalJson({ evaluation: reviewed }))
    .digest('hex')
    .slice(0, 32);
}

/** A bad review (不满意, 非常不满意): owed a rectification. */
export function isBad(level: EvaluationLevel): boolean {
  return BAD_LEVELS.includes(level);
}

/** Whether the department owes its answer: a bad review not yet answered (an appeal pending suspends it). */
export function awaitingAnswer(evaluation: Pick<Evaluation, 'state'>): boolean {
  return evaluation.state === 'rectifying';
}

/** Late: past its due day without an answer (a provisional due day makes nobody late). */
export function isLate(evaluation: Pick<Evaluation, 'state' | 'dueOn' | 'dueProvisional'>, today: string): boolean {
  return awaitingAnswer(evaluation) && evaluation.dueOn !== undefined && evaluation.dueProvisional !== true && evaluation.dueOn < today;
}
