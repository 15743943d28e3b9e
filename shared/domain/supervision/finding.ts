// A supervision finding (监察预警): what a rule found on one case or service item, kept as a record
// the department responsible must answer — a state and its own hash-chained history
// (finding-history.ts), moved only as finding-lifecycle.ts says. One finding per rule, subject and
// occurrence however often the rule is evaluated: its id is drawn from the three, so raising the same
// occurrence again finds the finding already there (the store's conditional write decides).
import { createHash } from 'node:crypto';
import type { Finding, FindingHistoryEntry } from '../../contracts/supervision-findings.ts';
import type { RuleOccurrence, SupervisionRule } from '../../contracts/supervision-rules.ts';
import type { Caller } from '../access/caller.ts';
import { canonicalJson } from '../items/record-hash.ts';

export type { Finding, FindingHistoryEntry };
export type { FindingAction, FindingResponseKind, FindingState } from '../../contracts/supervision-findings.ts';

/** A finding's next state and the history entry that records it. */
export interface FindingTransition {
  finding: Finding;
  entry: FindingHistoryEntry;
}

/** Who acted, when (the instant and its China date): what every entry records. */
export interface FindingContext {
  actor: Pick<Caller, 'name' | 'role' | 'officer'>;
  at: string;
  today: string;
}

/** The department a finding is owed by, as the indexes key it: its id, or `platform` for the platform's reviewers. */
export const PLATFORM_OWNER = 'platform';

/**
 * The finding id of (rule, subject, occurrence): 32 hex digits of SHA-256 over their canonical JSON —
 * URL-safe, bounded whatever the subject's code, and the same however often it is computed.
 */
export function findingId(occurrence: Pick<RuleOccurrence, 'rule' | 'subject' | 'occurrence'>): string {
  const { rule, subject, occurrence: key } = occurrence;
  return createHash('sha256')
    .update(canonicalJson({ rule, subject, occurrence: key }))
    .digest('hex')
    .slice(0, 32);
}

/** The key of a finding's subject in the subject index (`CASE#<caseNo>`, `ITEM#<code>`, `EVAL#<id>`, `TICKET#<id>`). */
export function subjectKey(subject: Finding['subject']): string {
  switch (subject.kind) {
    case 'case':
      return `CASE#${subject.caseNo}`;
    case 'item':
      return `ITEM#${subject.code}`;
    case 'evaluation':
      return `EVAL#${subject.id}`;
    case 'ticket':
      return `TICKET#${subject.id}`;
  }
}

/** The owner a finding is listed under: its department, or the platform's reviewers. */
export function ownerOf(finding: Pick<Finding, 'departmentId'>): string {
  return finding.departmentId ?? PLATFORM_OWNER;
}

/** The finding a rule's occurrence raises, before its hash (the lifecycle stamps it: finding-lifecycle.ts). */
export function newFinding(
  occurrence: RuleOccurrence,
  rule: SupervisionRule,
  rulesVersion: number,
  due: { date: string; provisional?: true },
): Omit<Finding, 'version' | 'updatedAt' | 'hash' | 'state'> {
  return {
    id: findingId(occurrence),
    rule: rule.id,
    kind: rule.kind,
    severity: rule.severity,
    title: rule.title,
    basis: rule.basis,
    answerDays: rule.answerDays,
    rulesVersion,
    subject: occurrence.subject,
    occurrence: occurrence.occurrence,
    ...(occurrence.departmentId !== undefined ? { departmentId: occurrence.departmentId } : {}),
    facts: occurrence.facts,
    raisedOn: occurrence.on,
    dueOn: due.date,
    ...(due.provisional ? { dueProvisional: true as const } : {}),
    responses: [],
    returns: [],
  };
}

/** Whether the finding is waiting for its department's answer. */
export function awaitingAnswer(finding: Pick<Finding, 'state'>): boolean {
  return finding.state === 'open' || finding.state === 'returned' || finding.state === 'escalated';
}

/** Late: past its due day without an answer (a provisional due day makes nobody late). */
export function isLate(finding: Pick<Finding, 'state' | 'dueOn' | 'dueProvisional'>, today: string): boolean {
  return awaitingAnswer(finding) && finding.dueProvisional !== true && finding.dueOn < today;
}
