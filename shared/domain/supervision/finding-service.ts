// Electronic supervision's findings, operated: raised by the watch function from what the rules find
// (idempotently: one finding per rule, subject and occurrence), answered by the department responsible,
// closed or returned by the platform role, escalated by the system when a red one is not answered in
// time; listed by department, rule, state, subject and period, each read with its history checked.
import type { FindingListEntry, FindingListQuery, FindingView } from '../../contracts/supervision-findings.ts';
import { MAX_CASE_FINDINGS_SHOWN } from '../../contracts/supervision-findings.ts';
import type { RuleOccurrence, SupervisionRule } from '../../contracts/supervision-rules.ts';
import type { Caller } from '../access/caller.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate, dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import { SYSTEM_CALLER } from '../cases/case-commands.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../errors.ts';
import type { Finding, FindingContext } from './finding.ts';
import { PLATFORM_OWNER, findingId, isLate, newFinding, subjectKey } from './finding.ts';
import type { FindingCommand } from './finding-lifecycle.ts';
import { applyFindingCommand, isResponsible, raiseFinding } from './finding-lifecycle.ts';
import { verifyFindingHistory } from './finding-history.ts';
import type { FindingRead, FindingSelection, FindingStore } from './finding-store.ts';

export interface FindingServiceDeps {
  store: FindingStore;
  /** Due days are counted in working days on the official calendar. */
  calendar: CalendarSource;
  now?: () => Date;
}

/** What the escalation pass did: escalated, and the findings it could not move (tried again next pass). */
export interface EscalationReport {
  escalated: number;
  failed: { id: string; error: string }[];
  /** False when the pass stopped at its bound with more due: the next pass goes on. */
  complete: boolean;
}

/** Findings the escalation pass reads at most (then the next pass goes on). */
const ESCALATION_PAGES = 50;
const ESCALATION_PAGE = 100;

export class FindingService {
  private readonly now: () => Date;

  constructor(private readonly deps: FindingServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Raises the finding of a rule's occurrence, once: a finding raised before (by an earlier evaluation,
   * a replayed event, a concurrent raising) is answered as it is, `raised: false`.
   */
  async raise(occurrence: RuleOccurrence, rule: SupervisionRule, rulesVersion: number): Promise<{ finding: Finding; raised: boolean }> {
    if (rule.id !== occurrence.rule) throw new Error(`finding service: rule ${rule.id} given for an occurrence of ${occurrence.rule}`);
    const known = await this.deps.store.read(findingId(occurrence));
    if (known) return { finding: known.finding, raised: false };
    const due = (await this.deps.calendar.current()).addWorkingDays(occurrence.on, rule.answerDays);
    const first = raiseFinding(newFinding(occurrence, rule, rulesVersion, due), this.context(SYSTEM_CALLER));
    const written = await this.deps.store.create(first);
    return written.created ? { finding: first.finding, raised: true } : { finding: written.existing, raised: false };
  }

  /** The department responsible explains or rectifies (again, after a return; or once escalated). */
  async respond(caller: Caller, id: string, body: { kind: 'explain' | 'rectify'; text: string }): Promise<FindingListEntry> {
    return this.act(caller, id, { action: 'respond', kind: body.kind, text: body.text });
  }

  /** The platform role accepts the answer. */
  async close(caller: Caller, id: string, body: { note?: string | undefined }): Promise<FindingListEntry> {
    return this.act(caller, id, { action: 'close', note: body.note });
  }

  /** The platform role sends the answer back, with its reasons: due again, answerDays from today. */
  async returnAnswer(caller: Caller, id: string, body: { reasons: string[] }): Promise<FindingListEntry> {
    const read = await this.existing(caller, id);
    const today = chinaDate(this.now());
    const due = (await this.deps.calendar.current()).addWorkingDays(today, read.finding.answerDays);
    return this.act(caller, id, { action: 'return', reasons: body.reasons, due }, read);
  }

  /**
   * The escalation pass: every red finding awaiting an answer past its due day (not provisional) is
   * escalated by the system. One finding that cannot be moved does not stop the others.
   */
  async escalateDue(): Promise<EscalationReport> {
    const today = chinaDate(this.now());
    const yesterday = fromDayNumber(dayNumber(today) - 1);
    const report: EscalationReport = { escalated: 0, failed: [], complete: true };
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      if (pages === ESCALATION_PAGES) return { ...report, complete: false };
      const page = await this.deps.store.due(yesterday, cursor !== undefined ? { limit: ESCALATION_PAGE, cursor } : { limit: ESCALATION_PAGE });
      for (const listed of page.findings) {
        if (listed.severity !== 'red' || !isLate(listed, today)) continue;
        try {
          await this.act(SYSTEM_CALLER, listed.id, { action: 'escalate' });
          report.escalated++;
        } catch (e) {
          // Answered or escalated since it was listed (the list lags): nothing to do.
          if (e instanceof DomainError && (e.code === 'FINDING_STATE_CONFLICT' || e.code === 'FINDING_VERSION_CONFLICT')) continue;
          report.failed.push({ id: listed.id, error: e instanceof Error ? e.message : String(e) });
        }
      }
      if (!page.nextCursor) return report;
      cursor = page.nextCursor;
    }
  }

  /** A page of findings: a department sees those it must answer; the platform and auditors everyone's, by one criterion at least. */
  async list(caller: Caller, query: FindingListQuery): Promise<{ findings: FindingListEntry[]; nextCursor?: string }> {
    const selection = selectionFor(caller, query);
    const page = await this.deps.store.list(selection, query.cursor !== undefined ? { limit: query.limit, cursor: query.cursor } : { limit: query.limit });
    const today = chinaDate(this.now());
    const findings = page.findings.map((f) => listed(f, today));
    return page.nextCursor ? { findings, nextCursor: page.nextCursor } : { findings };
  }

  /** A finding with its whole history and the chain check (the history is bounded: MAX_FINDING_ROUNDS). */
  async get(caller: Caller, id: string): Promise<FindingView> {
    const read = await this.existing(caller, id);
    const history = await this.deps.store.history(id);
    const chain = verifyFindingHistory(history, read.finding);
    const check = read.broken ? { ok: false as const, ...read.broken } : chain;
    return { finding: listed(read.finding, chinaDate(this.now())), history, check };
  }

  /** The newest findings of a case, for its view (bounded: the list route pages through them all). */
  async ofCase(caseNo: string): Promise<{ id: string; rule: Finding['rule']; severity: Finding['severity']; state: Finding['state']; raisedOn: string; dueOn: string }[]> {
    const page = await this.deps.store.list({ by: { subject: subjectKey({ kind: 'case', caseNo }) }, filter: {} }, { limit: MAX_CASE_FINDINGS_SHOWN });
    return page.findings.map(({ id, rule, severity, state, raisedOn, dueOn }) => ({ id, rule, severity, state, raisedOn, dueOn }));
  }

  private async act(caller: Caller, id: string, command: FindingCommand, read?: FindingRead): Promise<FindingListEntry> {
    const current = read ?? (await this.existing(caller, id));
    if (current.broken) {
      throw conflict(
        'FINDING_STATE_CONFLICT',
        '该监察预警的历史记录校验未通过，不能办理',
        `finding ${id}: its history breaks at entry ${current.broken.n} (${current.broken.reason}); nobody acts on it`,
      );
    }
    const ctx = this.context(caller);
    const next = applyFindingCommand(current.finding, command, { ...ctx, actor: caller });
    await this.deps.store.append(next, current.finding);
    return listed(next.finding, ctx.today);
  }

  /** The finding, if the caller may see it: the department responsible, the platform role, auditors. */
  private async existing(caller: Caller, id: string): Promise<FindingRead> {
    const read = await this.deps.store.read(id);
    if (!read) throw notFound('FINDING_NOT_FOUND', `监察预警 ${id} 不存在`, `no finding ${id}`);
    if (caller.role === 'department' && !isResponsible(read.finding, caller)) {
      throw forbidden('FINDING_FORBIDDEN', '只能查看本部门负责答复的监察预警', `finding ${id} is not for ${caller.name}'s department to answer`);
    }
    return read;
  }

  private context(actor: Pick<Caller, 'name' | 'role' | 'officer'>): FindingContext {
    const now = this.now();
    return { actor, at: now.toISOString(), today: chinaDate(now) };
  }
}

/** A finding as lists show it: whether it is late today. */
function listed(finding: Finding, today: string): FindingListEntry {
  return { ...finding, late: isLate(finding, today) };
}

/**
 * The index a list reads and what it filters: a department its own findings alone; the platform and
 * auditors by case, department, rule or state (the first given; the others filter).
 */
function selectionFor(caller: Caller, q: FindingListQuery): FindingSelection {
  const range = { from: q.from, to: q.to };
  if (caller.role === 'department') {
    const own = caller.departmentId ?? '';
    if (q.department !== undefined && q.department !== own) {
      throw forbidden('FINDING_FORBIDDEN', '只能查看本部门负责答复的监察预警', `${caller.name} may list the findings of its own department (${own}) only`, 'department');
    }
    return q.case !== undefined
      ? { by: { subject: subjectKey({ kind: 'case', caseNo: q.case }) }, ...range, filter: { department: own, rule: q.rule, state: q.state } }
      : { by: { department: own }, ...range, filter: { rule: q.rule, state: q.state } };
  }
  const department = q.department;
  if (q.case !== undefined) return { by: { subject: subjectKey({ kind: 'case', caseNo: q.case }) }, ...range, filter: { department, rule: q.rule, state: q.state } };
  if (department !== undefined) return { by: { department }, ...range, filter: { rule: q.rule, state: q.state } };
  if (q.rule !== undefined) return { by: { rule: q.rule }, ...range, filter: { state: q.state } };
  if (q.state !== undefined) return { by: { state: q.state }, ...range, filter: {} };
  throw invalid(
    'FINDING_FILTER_REQUIRED',
    'department',
    '请至少指定部门、规则、状态或办件之一',
    `list findings by department (or ${PLATFORM_OWNER}), rule, state or case: give one of them`,
  );
}
