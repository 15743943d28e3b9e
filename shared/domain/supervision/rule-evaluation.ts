// Electronic supervision's rules evaluated (电子监察, 002 §27): what each rule of the catalogue in force
// finds on a case or on a service item, as occurrences. Pure: the same record and day give the same
// occurrences with the same keys, so evaluating again — a replayed event, a second sweep — finds what
// was found before and raises nothing new (a finding is identified by rule, subject and occurrence).
//
// The time-based conditions of a case are the ones the legal clock has already recorded on it — the
// sweep's marks (overdue, violation), its findings (a late pre-review, a special procedure past its
// stated length, 容缺 materials late), a deemed acceptance, a co-department's task escalated or
// missing — so a provisional date (a year whose official arrangement is not loaded) never makes anyone
// late here either: the clock does not record it. The rules read those records; they never count days
// of their own on a case. The items' rules count the few days they need on the official calendar, and
// a provisional or uncountable count finds nothing.
import type { RuleCatalogueDocument, RuleId, RuleOccurrence, RuleParameters, RuleSubject, SupervisionRule } from '../../contracts/supervision-rules.ts';
import type { WorkingDayCalendar } from '../calendar/official-calendar.ts';
import { chinaDate } from '../calendar/china-date.ts';
import type { CaseFinding, CaseState, FindingKind } from '../cases/case-record.ts';
import type { ItemRecord } from '../items/item-record.ts';

/** The calendar an item rule counts on: its working days, nothing else. */
export type WorkingDayCounter = Pick<WorkingDayCalendar, 'addWorkingDays'>;

type CaseOccurrence = Omit<RuleOccurrence, 'rule' | 'subject' | 'on'>;
type CaseRule = (state: CaseState, parameters: never) => CaseOccurrence[];

/** The case's findings of one kind recorded by the legal clock, each its own occurrence (keyed by the day it fell due). */
function clockFindings(kind: FindingKind) {
  return (state: CaseState): CaseOccurrence[] =>
    (state.findings ?? [])
      .filter((f: CaseFinding) => f.kind === kind)
      .map((f) => ({ occurrence: f.due, departmentId: state.departmentId, facts: { due: f.due, recordedOn: f.on } }));
}

/** Characters (code points) of reasons, trimmed and taken together. */
function reasonLength(reasons: readonly string[] | undefined): number {
  return [...(reasons ?? []).map((r) => r.trim()).join('')].length;
}

const CASE_RULES: { [R in RuleId]?: (state: CaseState, parameters: RuleParameters<R>) => CaseOccurrence[] } = {
  // Art. 32: the department did not answer within the answer period, and the case counts as accepted.
  'answer-period-passed': (state) =>
    state.acceptance?.mode === 'deemed'
      ? [
          {
            occurrence: 'deemed',
            departmentId: state.departmentId,
            facts: { acceptedOn: state.acceptance.on, ...(state.deemedAcceptedOn ? { lastDay: state.deemedAcceptedOn } : {}) },
          },
        ]
      : [],
  'pre-review-late': clockFindings('pre-review-late'),
  // 004 §18: past the promised deadline (a case past the statutory one is past the promised one too).
  'promised-deadline-passed': (state) =>
    state.supervision ? [{ occurrence: 'promised', departmentId: state.departmentId, facts: { mark: state.supervision, ...deadlineFacts(state) } }] : [],
  // Art. 42 and 82: past the statutory deadline (with its extension, if one was granted).
  'statutory-deadline-passed': (state) =>
    state.supervision === 'violation' ? [{ occurrence: 'statutory', departmentId: state.departmentId, facts: { mark: state.supervision, ...deadlineFacts(state) } }] : [],
  'procedure-overrun': clockFindings('procedure-overrun'),
  'pending-materials-late': clockFindings('materials-late'),
  // 002 §17: the co-department at fault answers for its own task.
  'co-department-escalated': (state) =>
    (state.jointTasks ?? [])
      .filter((t) => t.escalatedOn !== undefined)
      .map((t) => ({
        occurrence: t.departmentId,
        departmentId: t.departmentId,
        facts: { leadDepartmentId: state.departmentId, escalatedOn: t.escalatedOn ?? '', ...(t.dueOn ? { dueOn: t.dueOn } : {}) },
      })),
  'co-department-missing': (state) =>
    (state.jointTasks ?? [])
      .filter((t) => t.status === 'missing')
      .map((t) => ({
        occurrence: t.departmentId,
        departmentId: t.departmentId,
        facts: { leadDepartmentId: state.departmentId, missingOn: t.missingOn ?? '', ...(t.dueOn ? { dueOn: t.dueOn } : {}) },
      })),
  // Art. 32 (一次性告知): every round beyond the ones allowed is its own occurrence.
  'repeated-supplement': (state, { maxRounds }) => {
    const rounds = state.supplementRounds ?? 0;
    const found: CaseOccurrence[] = [];
    for (let round = maxRounds + 1; round <= rounds; round++) {
      found.push({ occurrence: `round-${round}`, departmentId: state.departmentId, facts: { round, allowed: maxRounds } });
    }
    return found;
  },
  // 002 §17: an approval over a co-department's disagreement (the lead's override reasons are on record).
  'approval-over-disagreement': (state) => {
    const decision = state.decision;
    const disagreeing = (decision?.opinions ?? []).filter((t) => t.opinion?.outcome === 'disagree').map((t) => t.departmentId);
    if (decision?.outcome !== 'approved' || disagreeing.length === 0) return [];
    return [
      {
        occurrence: 'decision',
        departmentId: state.departmentId,
        facts: { decidedOn: decision.on, disagreeing: disagreeing.join(','), overrideReasonChars: reasonLength(decision.overrideReasons) },
      },
    ];
  },
  // Art. 38 and 42: a refusal, a denial, an extension or an override whose reasons say next to nothing.
  'reasons-missing': (state, { minChars }) => {
    const found: CaseOccurrence[] = [];
    const check = (occurrence: string, reasons: readonly string[] | undefined, on: string) => {
      const chars = reasonLength(reasons);
      if (chars < minChars) found.push({ occurrence, departmentId: state.departmentId, facts: { on, chars, minChars } });
    };
    if (state.refusal) check('refusal', state.refusal.reasons, state.refusal.on);
    if (state.decision?.outcome === 'denied') check('denial', state.decision.reasons, state.decision.on);
    if (state.decision?.overrideReasons) check('override', state.decision.overrideReasons, state.decision.on);
    if (state.extension) check('extension', state.extension.reasons, state.extension.on);
    return found;
  },
};

function deadlineFacts(state: CaseState): Record<string, string> {
  return {
    ...(state.supervisionDeadline ? { deadline: state.supervisionDeadline } : {}),
    ...(state.deadlines?.promised ? { promised: state.deadlines.promised } : {}),
    ...(state.deadlines?.statutory ? { statutory: state.deadlines.statutory } : {}),
  };
}

function enabled(rules: RuleCatalogueDocument): SupervisionRule[] {
  return rules.rules.filter((r) => r.enabled);
}

/** What the enabled case rules find on the case, raised `today`. */
export function caseOccurrences(rules: RuleCatalogueDocument, state: CaseState, today: string): RuleOccurrence[] {
  const found: RuleOccurrence[] = [];
  for (const rule of enabled(rules)) {
    const evaluate = CASE_RULES[rule.id] as CaseRule | undefined;
    if (!evaluate) continue;
    for (const o of evaluate(state, rule.parameters as never)) found.push({ rule: rule.id, subject: { kind: 'case', caseNo: state.caseNo }, on: today, ...o });
  }
  return found;
}

type ItemOccurrence = Omit<RuleOccurrence, 'rule' | 'subject' | 'on'>;

/** A count on the calendar, or nothing when it is provisional or cannot be made: a provisional count makes nobody late. */
function firmlyCounted(calendar: WorkingDayCounter, from: string, days: number): string | undefined {
  try {
    const counted = calendar.addWorkingDays(from, days);
    return counted.provisional ? undefined : counted.date;
  } catch {
    return undefined;
  }
}

const GUIDE_ELEMENT_PRESENT: Record<RuleParameters<'guide-elements-missing'>['elements'][number], (guide: ItemRecord['guide']) => boolean> = {
  basicCode: (g) => g.basicCode !== undefined,
  resultSample: (g) => g.resultSample !== undefined,
  'contact.address': (g) => g.contact.address !== undefined,
  materials: (g) => g.materials.length > 0,
};

const ITEM_RULES: { [R in RuleId]?: (item: ItemRecord, parameters: RuleParameters<R>, today: string, calendar: WorkingDayCounter) => ItemOccurrence[] } = {
  // 001 §10: a submitted version still unreviewed the day after its review was due (its reviewers are the platform's).
  'item-review-late': (item, _p, today) =>
    item.state === 'submitted' && item.reviewDueDate !== undefined && item.reviewDueProvisional !== true && today > item.reviewDueDate
      ? [{ occurrence: `v${item.version}`, facts: { version: item.version, reviewDueDate: item.reviewDueDate, departmentOfItem: item.guide.departmentId } }]
      : [],
  // 004 §16: a published version whose guide lacks an element the catalogue requires.
  'guide-elements-missing': (item, { elements }) => {
    if (item.publicState !== 'published' && item.publicState !== 'suspended') return [];
    const missing = elements.filter((e) => !GUIDE_ELEMENT_PRESENT[e](item.guide));
    if (missing.length === 0) return [];
    const version = item.publishedVersion ?? item.version;
    return [{ occurrence: `v${version}`, departmentId: item.guide.departmentId, facts: { version, missing: missing.join(',') } }];
  },
  // 001 §11, 004 §14: a planned suspension announced fewer working days ahead than the rule asks.
  'suspension-announced-late': (item, { noticeDays }, _today, calendar) => {
    const s = item.suspension;
    if (s?.kind !== 'planned') return [];
    const announcedOn = chinaDate(new Date(s.announcedAt));
    const earliest = firmlyCounted(calendar, announcedOn, noticeDays);
    if (earliest === undefined || s.effectiveFrom >= earliest) return [];
    return [{ occurrence: s.effectiveFrom, departmentId: item.guide.departmentId, facts: { announcedOn, effectiveFrom: s.effectiveFrom, earliest, noticeDays } }];
  },
};

/**
 * What the enabled item rules find on an item's version, raised `today`: pass the newest version (a
 * submission awaiting review, a suspension) and the published one (its guide) — each rule looks at
 * what concerns it.
 */
export function itemOccurrences(rules: RuleCatalogueDocument, item: ItemRecord, today: string, calendar: WorkingDayCounter): RuleOccurrence[] {
  const found: RuleOccurrence[] = [];
  for (const rule of enabled(rules)) {
    const evaluate = ITEM_RULES[rule.id] as ((item: ItemRecord, parameters: never, today: string, calendar: WorkingDayCounter) => ItemOccurrence[]) | undefined;
    if (!evaluate) continue;
    for (const o of evaluate(item, rule.parameters as never, today, calendar)) {
      found.push({ rule: rule.id, subject: { kind: 'item', code: item.code }, on: today, ...o });
    }
  }
  return found;
}

/**
 * The rules on answers owed to the public: which evaluations and tickets are late is said by their
 * own services (`lateOccurrences`), each occurrence raised by the watch function's daily pass when its
 * rule is enabled.
 */
export const VOICE_RULES: readonly RuleId[] = ['evaluation-rectification-late', 'ticket-answer-late'];

/** Whether a rule watches cases (evaluated on the case events), items or answers owed to the public (the watch function's daily passes). */
export function ruleSubject(id: RuleId): RuleSubject {
  return id in ITEM_RULES ? 'item' : VOICE_RULES.includes(id) ? 'voice' : 'case';
}

/** The rules that have an evaluation, by subject: every rule id has exactly one (a unit test says so). */
export const EVALUATED_RULES: Readonly<Record<RuleSubject, readonly RuleId[]>> = {
  case: Object.keys(CASE_RULES) as RuleId[],
  item: Object.keys(ITEM_RULES) as RuleId[],
  voice: VOICE_RULES,
};
