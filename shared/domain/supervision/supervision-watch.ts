// The watch (电子监察): the rules in force evaluated on each case a case event names, and each
// occurrence raised as a finding — once: a replayed event, a second sweep, an event of the same case
// later all find the same occurrences, whose findings exist (finding-service.ts). Daily passes, each at
// most once a day (the day done is kept in the finding store): the escalation of red findings not
// answered in time, the item rules over the items in review and the published catalogue, and the
// answers owed to the public that are late (an evaluation's rectification, a ticket's answer: their
// services say which).
import type { RuleCatalogueDocument, RuleOccurrence } from '../../contracts/supervision-rules.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/china-date.ts';
import type { CaseRead } from '../cases/case-store.ts';
import type { CaseState } from '../cases/case-record.ts';
import type { ItemRecord } from '../items/item-record.ts';
import type { ItemStore } from '../items/item-store.ts';
import { rulesById } from './default-rules.ts';
import type { EscalationReport, FindingService } from './finding-service.ts';
import type { FindingStore, PassPlace } from './finding-store.ts';
import type { LateAnswers } from './late-answers.ts';
import type { WorkingDayCounter } from './rule-evaluation.ts';
import { caseOccurrences, itemOccurrences } from './rule-evaluation.ts';
import type { RuleSource } from './rule-source.ts';

/** The evaluations the watch runs (rule-evaluation.ts; tests may give others). */
export interface Evaluations {
  case: (rules: RuleCatalogueDocument, state: CaseState, today: string) => RuleOccurrence[];
  item: (rules: RuleCatalogueDocument, item: ItemRecord, today: string, calendar: WorkingDayCounter) => RuleOccurrence[];
}

export const RULE_EVALUATIONS: Evaluations = { case: caseOccurrences, item: itemOccurrences };

export interface SupervisionWatchDeps {
  findings: FindingService;
  store: Pick<FindingStore, 'dayDone' | 'markDayDone' | 'passPlace' | 'keepPassPlace'>;
  cases: { read(caseNo: string): Promise<CaseRead | undefined> };
  items: Pick<ItemStore, 'list' | 'latest' | 'version'>;
  rules: RuleSource;
  calendar: CalendarSource;
  evaluations?: Evaluations;
  /** The services whose late answers the daily pass raises (none: the pass finds nothing). */
  lateAnswers?: readonly LateAnswers[];
  now?: () => Date;
}

/** What evaluating one case did. */
export interface CaseWatchReport {
  evaluated: boolean;
  raised: number;
  known: number;
  /** Set when the case's history does not verify: it is evaluated as stored all the same (the platform must see it). */
  broken?: string;
}

export interface TickReport {
  /** Absent when the day's pass was done already. */
  escalation?: EscalationReport;
  items?: { evaluated: number; raised: number; known: number; failed: { code: string; error: string }[] };
  /** The late answers owed to the public: raised, known before, and whether the pass read them all. */
  lateAnswers?: { raised: number; known: number; complete: boolean };
}

/** The daily passes, by the name their day done is kept under. */
const ESCALATION = 'escalation';
const ITEM_RULES = 'item-rules';
const LATE_ANSWERS = 'late-answers';
/** Pages of late answers a tick reads at most: the pass keeps its place, and the next tick that day goes on from there. */
export const LATE_PAGES = 50;
const LATE_PAGE = 100;
const ITEM_PAGE = 100;
/** Items the daily pass evaluates at most (a catalogue larger than this is evaluated in part: logged). */
export const MAX_ITEMS_PER_PASS = 20_000;

export class SupervisionWatch {
  private readonly now: () => Date;
  private readonly evaluations: Evaluations;

  constructor(private readonly deps: SupervisionWatchDeps) {
    this.now = deps.now ?? (() => new Date());
    this.evaluations = deps.evaluations ?? RULE_EVALUATIONS;
  }

  /** The case rules on the case as it stands now (the newest state: an older event of it finds no less). */
  async onCase(caseNo: string): Promise<CaseWatchReport> {
    const read = await this.deps.cases.read(caseNo);
    if (!read) return { evaluated: false, raised: 0, known: 0 };
    const rules = await this.deps.rules.current();
    const found = this.evaluations.case(rules.data, read.state, chinaDate(this.now()));
    const report = await this.raiseAll(found, rules);
    return { evaluated: true, ...report, ...(read.broken ? { broken: `entry ${read.broken.n}: ${read.broken.reason}` } : {}) };
  }

  /** The daily passes not yet done today. */
  async tick(): Promise<TickReport> {
    const today = chinaDate(this.now());
    const report: TickReport = {};
    if ((await this.deps.store.dayDone(ESCALATION)) !== today) {
      report.escalation = await this.deps.findings.escalateDue();
      if (report.escalation.complete && report.escalation.failed.length === 0) await this.deps.store.markDayDone(ESCALATION, today);
    }
    if ((await this.deps.store.dayDone(ITEM_RULES)) !== today) {
      report.items = await this.itemPass(today);
      if (report.items.failed.length === 0) await this.deps.store.markDayDone(ITEM_RULES, today);
    }
    const lateDone = await this.deps.store.dayDone(LATE_ANSWERS);
    if (lateDone !== today) {
      // The last pass (on day L) raised what fell due before L: this one reads what fell due since —
      // from where an earlier tick today stopped, if one did (a place kept on another day is stale).
      const place = await this.deps.store.passPlace(LATE_ANSWERS);
      report.lateAnswers = await this.lateAnswerPass(today, lateDone, place?.on === today ? place : undefined);
      if (report.lateAnswers.complete) await this.deps.store.markDayDone(LATE_ANSWERS, today);
    }
    return report;
  }

  /** Each late answer owed to the public, raised once under its rule (when the rule is enabled); from `place` on, if given. */
  private async lateAnswerPass(today: string, dueFrom: string | undefined, place: PassPlace | undefined): Promise<NonNullable<TickReport['lateAnswers']>> {
    const rules = await this.deps.rules.current();
    const enabled = new Set(rules.data.rules.filter((r) => r.enabled).map((r) => r.id));
    const out = { raised: 0, known: 0, complete: true };
    const sources = this.deps.lateAnswers ?? [];
    let pages = 0;
    for (let source = place?.source ?? 0; source < sources.length; source++) {
      let cursor = source === place?.source ? place.cursor : undefined;
      do {
        if (pages++ === LATE_PAGES) {
          await this.deps.store.keepPassPlace(LATE_ANSWERS, { on: today, source, ...(cursor !== undefined ? { cursor } : {}) });
          out.complete = false;
          return out;
        }
        const page = await sources[source]!.lateOccurrences(today, {
          limit: LATE_PAGE,
          ...(cursor !== undefined ? { cursor } : {}),
          ...(dueFrom !== undefined ? { dueFrom } : {}),
        });
        const raised = await this.raiseAll(
          page.occurrences.filter((o) => enabled.has(o.rule)),
          rules,
        );
        out.raised += raised.raised;
        out.known += raised.known;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return out;
  }

  /** The item rules over the items in review (submitted) and the catalogue (published, suspended): newest and published version each. */
  private async itemPass(today: string): Promise<NonNullable<TickReport['items']>> {
    const rules = await this.deps.rules.current();
    const calendar = await this.deps.calendar.current();
    const out: NonNullable<TickReport['items']> = { evaluated: 0, raised: 0, known: 0, failed: [] };
    const seen = new Set<string>();
    for (const query of [{ kind: 'work', state: 'submitted' }, { kind: 'catalogue' }] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.deps.items.list(query, cursor !== undefined ? { limit: ITEM_PAGE, cursor } : { limit: ITEM_PAGE });
        for (const head of page.heads) {
          if (seen.has(head.code) || seen.size >= MAX_ITEMS_PER_PASS) continue;
          seen.add(head.code);
          try {
            const latest = await this.deps.items.latest(head.code);
            if (!latest) continue;
            const published =
              latest.publishedVersion !== undefined && latest.publishedVersion !== latest.version ? await this.deps.items.version(head.code, latest.publishedVersion) : undefined;
            const found = [latest, ...(published ? [published] : [])].flatMap((record) => this.evaluations.item(rules.data, record, today, calendar));
            const raised = await this.raiseAll(found, rules);
            out.evaluated++;
            out.raised += raised.raised;
            out.known += raised.known;
          } catch (e) {
            out.failed.push({ code: head.code, error: e instanceof Error ? e.message : String(e) });
          }
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined && seen.size < MAX_ITEMS_PER_PASS);
    }
    return out;
  }

  private async raiseAll(found: readonly RuleOccurrence[], rules: { version: number; data: RuleCatalogueDocument }): Promise<{ raised: number; known: number }> {
    const byId = rulesById(rules.data);
    let raised = 0;
    // One occurrence per (rule, subject, occurrence) at most: the same twice in one evaluation is one finding.
    for (const occurrence of found) {
      const rule = byId.get(occurrence.rule);
      if (!rule) throw new Error(`watch: occurrence of rule ${occurrence.rule}, which the catalogue in force does not list`);
      if ((await this.deps.findings.raise(occurrence, rule, rules.version)).raised) raised++;
    }
    return { raised, known: found.length - raised };
  }
}
