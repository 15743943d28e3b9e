// 好差评, operated: the applicant rates an ended case through the channel that filed it (一事一评), or a
// hall window rates a visit (一次一评), once; a bad review is owed the department's answer within the
// rectification days (004 §23), which the applicant may rate once; the department may appeal a review
// once, the platform role decides; lists by channel, department, state and period, each read with its
// history checked; and, for the watch's daily pass, the rectifications that are late.
import type { Directory } from '../../contracts/directory.ts';
import type {
  CaseEvaluationRequest,
  EvaluationAnswerRequest,
  EvaluationContact,
  EvaluationEntry,
  EvaluationLevel,
  EvaluationListQuery,
  EvaluationView,
  WindowEvaluationRequest,
} from '../../contracts/evaluations.ts';
import { DEFAULT_RECTIFICATION_DAYS, MAX_RECTIFICATION_DAYS } from '../../contracts/evaluations.ts';
import type { RuleOccurrence } from '../../contracts/supervision-rules.ts';
import type { Caller } from '../access/caller.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/china-date.ts';
import { payloadDigest } from '../cases/case-history.ts';
import type { CaseState } from '../cases/case-record.ts';
import { CASE_STATUS_ZH, FINAL_STATUSES } from '../cases/case-record.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import type { Evaluation, EvaluationContext, Reviewed } from './evaluation.ts';
import { evaluationId, isBad, isLate } from './evaluation.ts';
import type { EvaluationCommand } from './evaluation-lifecycle.ts';
import { applyEvaluationCommand, isChannelOf, isDepartmentOf, rateEvaluation } from './evaluation-lifecycle.ts';
import { verifyEvaluationHistory } from './evaluation-history.ts';
import type { LateAnswers, LatePage } from '../supervision/late-answers.ts';
import { lateAnswersOf } from '../supervision/late-answers.ts';
import type { EvaluationRead, EvaluationSelection, EvaluationStore } from './evaluation-store.ts';

/** What the evaluations read of a case: who filed it, whose it is, whether it ended, whom to follow up with. */
export type RatedCase = Pick<CaseState, 'caseNo' | 'channelId' | 'departmentId' | 'itemCode' | 'itemName' | 'status' | 'applicant'>;

export interface CaseSource {
  /** The case as it stands, or undefined for an unknown number. */
  read(caseNo: string): Promise<RatedCase | undefined>;
}

export interface EvaluationServiceDeps {
  store: EvaluationStore;
  /** The cases rated (absent for a reader that rates nothing: the watch's late pass). */
  cases?: CaseSource;
  /** The channels (their kind: a window's review comes from a hall window) and the departments (absent likewise). */
  directory?: () => Promise<Pick<Directory, 'channels' | 'departments'>>;
  /** Due days are counted in working days on the official calendar. */
  calendar: CalendarSource;
  /** Working days a department has to answer a bad review (004 §23: 3, the default). */
  rectificationDays?: number | undefined;
  now?: () => Date;
}

/** What a rating answers: the evaluation, and whether it was found done under the same Idempotency-Key and request. */
export interface Rated {
  evaluation: EvaluationEntry;
  replayed: boolean;
}

type RatingBody = Pick<CaseEvaluationRequest, 'level' | 'dimensions' | 'comment' | 'named'>;

export class EvaluationService {
  private readonly now: () => Date;
  private readonly days: number;

  constructor(private readonly deps: EvaluationServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    const days = deps.rectificationDays ?? DEFAULT_RECTIFICATION_DAYS;
    if (!Number.isSafeInteger(days) || days < 1 || days > MAX_RECTIFICATION_DAYS) {
      throw new Error(`evaluation service: rectification days ${days}: expected a whole number from 1 to ${MAX_RECTIFICATION_DAYS}`);
    }
    this.days = days;
  }

  /** The applicant rates an ended case, once, through the channel that filed it. */
  async rateCase(caller: Caller, caseNo: string, body: CaseEvaluationRequest, idempotencyKey?: string): Promise<Rated> {
    const rated = await required(this.deps.cases, 'cases').read(caseNo);
    if (!rated) throw notFound('CASE_NOT_FOUND', `办件 ${caseNo} 不存在`, `no case ${caseNo}`);
    if (caller.role !== 'channel' || caller.channelId !== rated.channelId) {
      throw forbidden('EVALUATION_FORBIDDEN', '只能通过提交办件的渠道评价该办件', `case ${caseNo} was not filed through ${caller.name}'s channel`);
    }
    if (!FINAL_STATUSES.includes(rated.status)) {
      throw conflict(
        'EVALUATION_CASE_NOT_ENDED',
        `办件${CASE_STATUS_ZH[rated.status]}，办结（不予受理、作出决定或撤回）后方可评价`,
        `case ${caseNo} is ${rated.status}: a case is rated once it has ended (${FINAL_STATUSES.join(', ')})`,
      );
    }
    const contact = rated.applicant.kind === 'person' ? { name: rated.applicant.name, phone: rated.applicant.phone } : { ...rated.applicant.contact };
    return this.rate(
      caller,
      { kind: 'case', caseNo },
      { kind: 'case', caseNo, itemName: rated.itemName },
      { channelId: rated.channelId, departmentId: rated.departmentId, itemCode: rated.itemCode },
      body,
      contact,
      idempotencyKey,
    );
  }

  /** A hall window rates the service given at it, once per visit. */
  async rateWindow(caller: Caller, body: WindowEvaluationRequest, idempotencyKey?: string): Promise<Rated> {
    const directory = await required(this.deps.directory, 'directory')();
    const channel = caller.role === 'channel' ? directory.channels.find((c) => c.id === caller.channelId) : undefined;
    if (!channel || channel.kind !== 'service-hall-window') {
      throw forbidden(
        'EVALUATION_NOT_WINDOW',
        '只有政务服务大厅窗口渠道可以提交窗口服务评价',
        `${caller.name} is not a service-hall-window channel: a window's service is rated at the window`,
      );
    }
    const { window } = body;
    if (!directory.departments.some((d) => d.id === window.departmentId)) {
      throw invalid('EVALUATION_DEPARTMENT_UNKNOWN', 'window.departmentId', `部门 ${window.departmentId} 不存在`, `no department ${window.departmentId}`);
    }
    if (body.named && isBad(body.level) && body.contact === undefined) {
      throw invalid(
        'EVALUATION_CONTACT_REQUIRED',
        'contact',
        '实名差评须留下评价人姓名和联系电话，以便回访',
        'a named bad review at a window gives the contact (name, phone) to follow up with',
      );
    }
    return this.rate(
      caller,
      { kind: 'window', channelId: channel.id, visit: window.visit },
      { kind: 'window', visit: window.visit },
      { channelId: channel.id, departmentId: window.departmentId, ...(window.itemCode !== undefined ? { itemCode: window.itemCode } : {}) },
      body,
      body.contact,
      idempotencyKey,
    );
  }

  /** The department rated answers a bad review. */
  async answer(caller: Caller, id: string, body: EvaluationAnswerRequest): Promise<EvaluationEntry> {
    return this.act(caller, id, { action: 'answer', ...body });
  }

  /** The channel rated through rates the answer, once. */
  async rateAnswer(caller: Caller, id: string, body: { level: EvaluationLevel; comment?: string | undefined }): Promise<EvaluationEntry> {
    return this.act(caller, id, { action: 'rate-answer', level: body.level, comment: body.comment });
  }

  /** The department rated appeals the review, once. */
  async appeal(caller: Caller, id: string, body: { reasons: string[] }): Promise<EvaluationEntry> {
    return this.act(caller, id, { action: 'appeal', reasons: body.reasons });
  }

  /** The platform role upholds or dismisses an appeal. */
  async decideAppeal(caller: Caller, id: string, body: { decision: 'uphold' | 'dismiss'; reasons: string[] }): Promise<EvaluationEntry> {
    return this.act(caller, id, { action: body.decision, reasons: body.reasons });
  }

  /** A page of evaluations, newest first, without contacts: see selectionFor for who sees what. */
  async list(caller: Caller, query: EvaluationListQuery): Promise<{ evaluations: EvaluationEntry[]; nextCursor?: string }> {
    const today = chinaDate(this.now());
    if (query.case !== undefined) return { evaluations: await this.ofCase(caller, query, today) };
    const page = await this.deps.store.list(selectionFor(caller, query), query.cursor !== undefined ? { limit: query.limit, cursor: query.cursor } : { limit: query.limit });
    const evaluations = page.evaluations.map((e) => listed(e, today));
    return page.nextCursor ? { evaluations, nextCursor: page.nextCursor } : { evaluations };
  }

  /** An evaluation with its whole history and the chain check (bounded: at most six entries). */
  async get(caller: Caller, id: string): Promise<EvaluationView> {
    const read = await this.existing(caller, id);
    const history = await this.deps.store.history(id);
    const chain = verifyEvaluationHistory(history, read.evaluation);
    const check = read.broken ? { ok: false as const, ...read.broken } : chain;
    return { evaluation: this.shown(caller, read.evaluation), history, check };
  }

  /** For the supervision's daily pass (the rule `evaluation-rectification-late`): see evaluationLateAnswers. */
  async lateOccurrences(today: string, page: LatePage): Promise<{ occurrences: RuleOccurrence[]; nextCursor?: string }> {
    return evaluationLateAnswers(this.deps.store).lateOccurrences(today, page);
  }

  private async rate(
    caller: Caller,
    reviewed: Reviewed,
    subject: Evaluation['subject'],
    about: Pick<Evaluation, 'channelId' | 'departmentId' | 'itemCode'>,
    body: RatingBody,
    contact: EvaluationContact | undefined,
    idempotencyKey: string | undefined,
  ): Promise<Rated> {
    const id = evaluationId(reviewed);
    const digest = idempotencyKey !== undefined ? payloadDigest({ idempotencyKey, subject, body }) : undefined;
    const ctx = this.context(caller);
    const known = await this.deps.store.read(id);
    if (known) return this.again(known.evaluation, digest, ctx.today);
    const rectification = { days: this.days, due: isBad(body.level) ? (await this.deps.calendar.current()).addWorkingDays(ctx.today, this.days) : { date: ctx.today } };
    const first = rateEvaluation(
      {
        id,
        subject,
        ...about,
        level: body.level,
        ...(body.dimensions !== undefined && Object.keys(body.dimensions).length > 0 ? { dimensions: body.dimensions } : {}),
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
        named: body.named,
        ...(body.named && contact !== undefined ? { contact } : {}),
        ratedAt: ctx.at,
        ratedOn: ctx.today,
        ...(digest !== undefined ? { requestDigest: digest } : {}),
      },
      rectification,
      ctx,
    );
    const written = await this.deps.store.create(first);
    if (!written.created) return this.again(written.existing, digest, ctx.today);
    return { evaluation: listed(first.evaluation, ctx.today, true), replayed: false };
  }

  /** A rating of what is rated already: the same request under the same key answers it; anything else is refused. */
  private again(existing: Evaluation, digest: string | undefined, today: string): Rated {
    if (digest !== undefined && existing.requestDigest === digest) return { evaluation: listed(existing, today, true), replayed: true };
    throw conflict(
      'EVALUATION_EXISTS',
      existing.subject.kind === 'case' ? `办件 ${existing.subject.caseNo} 已评价（一事一评）` : `该次窗口服务已评价（一次一评）`,
      `evaluation ${existing.id} exists (rated on ${existing.ratedOn}): a case or a visit is rated once`,
    );
  }

  private async act(caller: Caller, id: string, command: EvaluationCommand): Promise<EvaluationEntry> {
    const current = await this.existing(caller, id);
    if (current.broken) {
      throw conflict(
        'EVALUATION_STATE_CONFLICT',
        '该评价的历史记录校验未通过，不能办理',
        `evaluation ${id}: its history breaks at entry ${current.broken.n} (${current.broken.reason}); nobody acts on it`,
      );
    }
    const ctx = this.context(caller);
    const next = applyEvaluationCommand(current.evaluation, command, { ...ctx, actor: caller });
    await this.deps.store.append(next, current.evaluation);
    return this.shown(caller, next.evaluation, ctx.today);
  }

  /** The evaluation, if the caller may see it: the channel rated through, the department rated, the platform role, auditors. */
  private async existing(caller: Caller, id: string): Promise<EvaluationRead> {
    const read = await this.deps.store.read(id);
    if (!read) throw notFound('EVALUATION_NOT_FOUND', `评价 ${id} 不存在`, `no evaluation ${id}`);
    if (!mayRead(caller, read.evaluation)) {
      throw forbidden('EVALUATION_FORBIDDEN', '只能查看本渠道提交或本部门被评价的评价', `evaluation ${id} is neither rated through ${caller.name}'s channel nor of its department`);
    }
    return read;
  }

  /** The case's evaluation as a list of at most one, if the caller may see it (else none: a list reveals nothing). */
  private async ofCase(caller: Caller, query: EvaluationListQuery, today: string): Promise<EvaluationEntry[]> {
    const read = await this.deps.store.read(evaluationId({ kind: 'case', caseNo: query.case ?? '' }));
    const e = read?.evaluation;
    if (!e || !mayRead(caller, e)) return [];
    if (caller.role === 'department' && query.department !== undefined && query.department !== caller.departmentId) throw departmentOnly(caller, query.department);
    const fits =
      (query.department === undefined || e.departmentId === query.department) &&
      (query.state === undefined || e.state === query.state) &&
      (query.from === undefined || e.ratedOn >= query.from) &&
      (query.to === undefined || e.ratedOn <= query.to);
    return fits ? [listed(e, today)] : [];
  }

  /** The evaluation as `caller` is shown it: with the contact for the department owing the answer, the channel and the platform role only. */
  private shown(caller: Caller, evaluation: Evaluation, today = chinaDate(this.now())): EvaluationEntry {
    return listed(evaluation, today, caller.role === 'platform' || isChannelOf(evaluation, caller) || isDepartmentOf(evaluation, caller));
  }

  private context(actor: Pick<Caller, 'name' | 'role' | 'officer'>): EvaluationContext {
    const now = this.now();
    return { actor, at: now.toISOString(), today: chinaDate(now) };
  }
}

function required<T>(dep: T | undefined, name: string): T {
  if (dep === undefined) throw new Error(`evaluation service: built without ${name}, it cannot rate`);
  return dep;
}

function mayRead(caller: Caller, evaluation: Evaluation): boolean {
  if (caller.role === 'channel') return isChannelOf(evaluation, caller);
  if (caller.role === 'department') return isDepartmentOf(evaluation, caller);
  return true;
}

/** An evaluation as answered: whether it is late today; its contact only where `withContact`. */
function listed(evaluation: Evaluation, today: string, withContact = false): EvaluationEntry {
  const { contact, ...rest } = evaluation;
  return { ...(withContact && contact !== undefined ? { ...rest, contact } : rest), late: isLate(evaluation, today) };
}

function departmentOnly(caller: Caller, asked: string) {
  return forbidden(
    'EVALUATION_FORBIDDEN',
    '只能查看本部门被评价的评价',
    `${caller.name} may list its own department's evaluations (${caller.departmentId ?? ''}) only, not ${asked}'s`,
    'department',
  );
}

/**
 * The index a list reads and what it filters: a channel what was rated through it, a department what
 * rated it; the platform role and auditors by department or state (the first given; the other filters).
 */
function selectionFor(caller: Caller, q: EvaluationListQuery): EvaluationSelection {
  const range = { from: q.from, to: q.to };
  if (caller.role === 'channel') return { by: { channel: caller.channelId ?? '' }, ...range, filter: { department: q.department, state: q.state } };
  if (caller.role === 'department') {
    const own = caller.departmentId ?? '';
    if (q.department !== undefined && q.department !== own) throw departmentOnly(caller, q.department);
    return { by: { department: own }, ...range, filter: { state: q.state } };
  }
  if (q.department !== undefined) return { by: { department: q.department }, ...range, filter: { state: q.state } };
  if (q.state !== undefined) return { by: { state: q.state }, ...range, filter: {} };
  throw invalid('EVALUATION_FILTER_REQUIRED', 'department', '请至少指定部门、状态或办件之一', 'list evaluations by department, state or case: give one of them');
}

/**
 * The rectifications late on a day, for the supervision's daily pass (the rule
 * `evaluation-rectification-late`): awaiting the department's answer, due before the day (the due day
 * not provisional), each an occurrence — on the case for a case's evaluation, on the evaluation for a
 * window's — owed by the department rated; no personal data. An evaluation falls due once (a dismissed
 * appeal keeps its due day): round 1. It reads the store alone: the watch function builds it without
 * the rest of the service.
 */
export function evaluationLateAnswers(store: Pick<EvaluationStore, 'due'>): LateAnswers {
  return lateAnswersOf(
    async (through, page, from) => {
      const due = await store.due(through, page, from);
      return due.nextCursor !== undefined ? { records: due.evaluations, nextCursor: due.nextCursor } : { records: due.evaluations };
    },
    (e: Evaluation, today): RuleOccurrence | undefined =>
      isLate(e, today)
        ? {
            rule: 'evaluation-rectification-late',
            subject: e.subject.kind === 'case' ? { kind: 'case', caseNo: e.subject.caseNo } : { kind: 'evaluation', id: e.id },
            occurrence: 'late-1',
            departmentId: e.departmentId,
            on: today,
            facts: { id: e.id, dueOn: e.dueOn ?? today, kind: 'evaluation' },
          }
        : undefined,
  );
}
