// Consultations, complaints and correction requests, operated: filed by a channel for a person
// (idempotently: one ticket per channel and Idempotency-Key), routed by rule from what they are about
// or passed on by the platform role (转办), passed on by a department (complaints, corrections), answered
// by the department that holds them, rated by the channel; listed by channel, department and state, each
// read with its history checked; and, for the supervision's daily pass, the tickets answered late.
import type {
  AnswerTicketRequest,
  FileTicketRequest,
  TicketAsRead,
  TicketKind,
  TicketRatingLevel,
  TicketListQuery,
  TicketReceipt,
  TicketSummary,
  TicketView,
} from '../../contracts/tickets.ts';
import { DEFAULT_TICKET_ANSWER_DAYS, MAX_TICKET_ANSWER_DAYS } from '../../contracts/tickets.ts';
import type { RuleOccurrence } from '../../contracts/supervision-rules.ts';
import type { Caller } from '../access/caller.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/china-date.ts';
import { checkPhone, requireField } from '../cases/case-checks.ts';
import { payloadDigest } from '../cases/case-history.ts';
import type { Applicant } from '../cases/case-record.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { assertCreditCode } from '../identifiers/credit-code.ts';
import { assertResidentId } from '../identifiers/resident-id.ts';
import type { Due, Ticket, TicketContext } from './ticket.ts';
import { asRead, isLate, summaryOf, ticketId } from './ticket.ts';
import type { TicketCommand, TicketDraft } from './ticket-lifecycle.ts';
import { applyTicketCommand, fileTicket, isFiler, isResponsible } from './ticket-lifecycle.ts';
import { verifyTicketHistory } from './ticket-history.ts';
import type { TicketRead, TicketSelection, TicketStore } from './ticket-store.ts';
import type { CaseCorrections, LicenceAmendments, TicketSubjects } from './ticket-subjects.ts';
import type { LateAnswers, LatePage } from '../supervision/late-answers.ts';
import { lateAnswersOf } from '../supervision/late-answers.ts';

export interface TicketServiceDeps {
  store: TicketStore;
  subjects: TicketSubjects;
  amendments: LicenceAmendments;
  /** The case-record corrections an answer names (read only). */
  caseCorrections: CaseCorrections;
  /** Due days are counted in working days on the official calendar. */
  calendar: CalendarSource;
  /** Working days to answer, by kind (the deployment's settings; DEFAULT_TICKET_ANSWER_DAYS otherwise). */
  answerDays?: Partial<Record<TicketKind, number>> | undefined;
  now?: () => Date;
}

export class TicketService {
  private readonly now: () => Date;
  private readonly answerDays: Readonly<Record<TicketKind, number>>;

  constructor(private readonly deps: TicketServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.answerDays = { ...DEFAULT_TICKET_ANSWER_DAYS, ...deps.answerDays };
    for (const [kind, days] of Object.entries(this.answerDays)) {
      if (!Number.isSafeInteger(days) || days < 1 || days > MAX_TICKET_ANSWER_DAYS)
        throw new Error(`ticket service: ${kind} answer days ${days}: expected 1 to ${MAX_TICKET_ANSWER_DAYS}`);
    }
  }

  /**
   * Files a ticket for a person: once per channel and Idempotency-Key. The same key with the same request
   * answers the ticket filed (`replayed`); with another request it is refused (IDEMPOTENCY_KEY_REUSED).
   * Routed at once when what it is about names a department (an item, a case, a department; for a
   * correction about nothing named, the department that holds the data), otherwise received for the
   * platform role to pass on.
   */
  async file(caller: Caller, idempotencyKey: string, request: FileTicketRequest): Promise<TicketReceipt> {
    const channelId = caller.role === 'channel' ? caller.channelId : undefined;
    if (channelId === undefined) throw forbidden('TICKET_FORBIDDEN', '只有渠道可以提交咨询、投诉和更正申请', `${caller.name} (${caller.role}) is not a channel`);
    const id = ticketId(channelId, idempotencyKey);
    const digest = payloadDigest(request);
    const earlier = await this.deps.store.read(id);
    if (earlier) return replayed(earlier.ticket, digest);
    const ctx = this.context(caller);
    const { draft, departmentId } = await this.draft(id, channelId, request, digest, ctx);
    const route = departmentId !== undefined ? { departmentId, due: await this.due(ctx.today, request.kind) } : undefined;
    const first = fileTicket(draft, route, request, ctx);
    const written = await this.deps.store.create(first);
    return written.created ? receipt(first.ticket, false) : replayed(written.existing, digest);
  }

  /** The platform role passes a ticket to a department (转办), or to another one while unanswered: due again from today. */
  async assign(caller: Caller, id: string, body: { departmentId: string; note?: string | undefined }): Promise<TicketAsRead> {
    const read = await this.existing(caller, id);
    await this.knownDepartment(body.departmentId, 'departmentId');
    const due = await this.due(chinaDate(this.now()), read.ticket.kind);
    return this.act(caller, read, { action: 'assign', departmentId: body.departmentId, note: body.note, due });
  }

  /** The department holding a complaint or correction passes it on, with its reasons: due again from today. */
  async transfer(caller: Caller, id: string, body: { departmentId: string; reasons: string }): Promise<TicketAsRead> {
    const read = await this.existing(caller, id);
    await this.knownDepartment(body.departmentId, 'departmentId');
    const due = await this.due(chinaDate(this.now()), read.ticket.kind);
    return this.act(caller, read, { action: 'transfer', departmentId: body.departmentId, reasons: body.reasons, due });
  }

  /**
   * The department holding the ticket answers it. A correction's answer names what was corrected for
   * it — the licence versions an amendment made, the case versions a `correct` action made: each must
   * be there, made for this ticket.
   */
  async answer(caller: Caller, id: string, body: AnswerTicketRequest): Promise<TicketAsRead> {
    const read = await this.existing(caller, id);
    return this.act(caller, read, { action: 'answer', ...body }, async () => {
      for (const [i, c] of (body.corrections ?? []).entries()) {
        const unverified = (zh: string, en: string) => invalid('TICKET_CORRECTION_UNVERIFIED', `corrections.${i}`, zh, `${en} (ticket ${id})`);
        if ('licenceId' in c) {
          const found = await this.deps.amendments.amendedBy(c.licenceId, c.version, id);
          if (found.ok) continue;
          const why = { 'unknown-licence': '证照不存在', 'no-such-version': '证照没有该版本', 'not-for-this-ticket': '该版本不是为本更正申请作出的' }[found.reason];
          throw unverified(`电子证照 ${c.licenceId} 第 ${c.version} 版无法核实：${why}`, `licence ${c.licenceId} version ${c.version}: ${found.reason}`);
        }
        const found = await this.deps.caseCorrections.correctedBy(c.caseNo, c.version, id);
        if (found.ok) continue;
        const why = { 'unknown-case': '办件不存在', 'no-such-version': '该版本不是办件记录的更正', 'not-for-this-ticket': '该更正不是为本更正申请作出的' }[found.reason];
        throw unverified(`办件 ${c.caseNo} 第 ${c.version} 版无法核实：${why}`, `case ${c.caseNo} version ${c.version}: ${found.reason}`);
      }
    });
  }

  /** The channel that filed the ticket rates the answer, once. */
  async rate(caller: Caller, id: string, body: { level: TicketRatingLevel; comment?: string | undefined }): Promise<TicketAsRead> {
    const read = await this.existing(caller, id);
    return this.act(caller, read, { action: 'rate', level: body.level, comment: body.comment });
  }

  /** A page of tickets: a channel's own, a department's addressed to it; the platform role and auditors everyone's, by department or state. */
  async list(caller: Caller, query: TicketListQuery): Promise<{ tickets: TicketSummary[]; nextCursor?: string }> {
    const selection = selectionFor(caller, query);
    const page = await this.deps.store.list(selection, query.cursor !== undefined ? { limit: query.limit, cursor: query.cursor } : { limit: query.limit });
    const today = chinaDate(this.now());
    const tickets = page.tickets.map((t) => summaryOf(t, today));
    return page.nextCursor ? { tickets, nextCursor: page.nextCursor } : { tickets };
  }

  /** A ticket with its whole history and the chain check (the history is bounded). */
  async get(caller: Caller, id: string): Promise<TicketView> {
    const read = await this.existing(caller, id);
    const history = await this.deps.store.history(id);
    const chain = verifyTicketHistory(history, read.ticket);
    const check = read.broken ? { ok: false as const, ...read.broken } : chain;
    return { ticket: asRead(read.ticket, caller, chinaDate(this.now())), history, check };
  }

  /** For the supervision's daily pass (the rule `ticket-answer-late`): see ticketLateAnswers. */
  async lateOccurrences(today: string, page: LatePage): Promise<{ occurrences: RuleOccurrence[]; nextCursor?: string }> {
    return ticketLateAnswers(this.deps.store).lateOccurrences(today, page);
  }

  private async act(caller: Caller, current: TicketRead, command: TicketCommand, verify?: () => Promise<void>): Promise<TicketAsRead> {
    const { id } = current.ticket;
    if (current.broken) {
      throw conflict(
        'TICKET_STATE_CONFLICT',
        '该事项的历史记录校验未通过，不能办理',
        `ticket ${id}: its history breaks at entry ${current.broken.n} (${current.broken.reason}); nobody acts on it`,
      );
    }
    const ctx = this.context(caller);
    // The lifecycle's checks (who, which state, what the answer says) come before any look elsewhere.
    const next = applyTicketCommand(current.ticket, command, { ...ctx, actor: caller });
    await verify?.();
    await this.deps.store.append(next, current.ticket);
    return asRead(next.ticket, caller, ctx.today);
  }

  /** The ticket, if the caller may see it: the channel that filed it, the department it is addressed to, the platform role, auditors. */
  private async existing(caller: Caller, id: string): Promise<TicketRead> {
    const read = await this.deps.store.read(id);
    if (!read) throw notFound('TICKET_NOT_FOUND', `咨询投诉事项 ${id} 不存在`, `no ticket ${id}`);
    const { ticket } = read;
    if (caller.role === 'channel' && !isFiler(ticket, caller)) {
      throw forbidden('TICKET_FORBIDDEN', '只能查看本渠道提交的咨询投诉', `ticket ${id} was not filed by ${caller.name}'s channel`);
    }
    if (caller.role === 'department' && !isResponsible(ticket, caller)) {
      throw forbidden('TICKET_FORBIDDEN', '只能查看转至本部门的咨询投诉', `ticket ${id} is not addressed to ${caller.name}'s department`);
    }
    return read;
  }

  /** The ticket a request makes, before routing, and the department it is routed to by rule (if any); every check that may refuse the filing. */
  private async draft(id: string, channelId: string, request: FileTicketRequest, digest: string, ctx: TicketContext): Promise<{ draft: TicketDraft; departmentId?: string }> {
    checkPerson(request.person, ctx.today);
    const { correction } = request;
    if (request.kind === 'correction' && !correction) {
      throw invalid('TICKET_CORRECTION_INVALID', 'correction', '更正申请须写明更正的内容（correction）', 'a correction request says what to correct: correction is required');
    }
    if (request.kind !== 'correction' && correction) {
      throw invalid('TICKET_CORRECTION_INVALID', 'correction', '只有更正申请写明更正内容', `a ${request.kind} has no correction: file a correction request`);
    }
    let holder: string | undefined;
    if (correction) holder = await this.checkCorrection(correction, request.person, channelId);
    const about = request.about;
    let departmentId: string | undefined;
    let itemCode: string | undefined;
    let aboutRecord: Ticket['about'];
    if (about && 'item' in about) {
      departmentId = await this.deps.subjects.itemDepartment(about.item);
      if (departmentId === undefined) throw invalid('TICKET_ITEM_UNKNOWN', 'about.item', `事项 ${about.item} 不存在`, `no item ${about.item} in the catalogue`);
      itemCode = about.item;
      aboutRecord = { kind: 'item', code: about.item };
    } else if (about && 'case' in about) {
      const found = await this.ownCase(about.case, channelId, 'about.case');
      departmentId = found.departmentId;
      itemCode = found.itemCode;
      aboutRecord = { kind: 'case', caseNo: about.case };
    } else if (about && 'department' in about) {
      await this.knownDepartment(about.department, 'about.department');
      departmentId = about.department;
      aboutRecord = { kind: 'department', departmentId: about.department };
    } else {
      // About nothing named: a correction goes to the department that holds the data; anything else waits for the platform role.
      departmentId = holder;
    }
    const draft: TicketDraft = {
      id,
      kind: request.kind,
      channelId,
      ...(aboutRecord ? { about: aboutRecord } : {}),
      ...(itemCode !== undefined ? { itemCode } : {}),
      person: request.person,
      subject: request.subject,
      text: request.text,
      ...(correction ? { correction } : {}),
      receivedAt: ctx.at,
      receivedOn: ctx.today,
      answerDays: this.answerDays[request.kind],
      requestDigest: digest,
    };
    return departmentId !== undefined ? { draft, departmentId } : { draft };
  }

  /** A correction's target checked: the person's own licence, a case the channel filed; answers the department that holds the data, if known. */
  private async checkCorrection(c: NonNullable<FileTicketRequest['correction']>, person: Applicant, channelId: string): Promise<string | undefined> {
    const bad = (field: string, zh: string, en: string) => invalid('TICKET_CORRECTION_INVALID', field, zh, en);
    if (c.rightValue === undefined && c.privacyBreach !== true)
      throw bad('correction.rightValue', '请写明正确的内容', 'say what the data should be (rightValue), unless reporting a privacy breach');
    if (c.target === 'licence') {
      if (c.licenceId === undefined) throw bad('correction.licenceId', '更正电子证照须写明证照标识', 'a licence correction names the licence (licenceId)');
      const licence = await this.deps.subjects.licence(c.licenceId);
      const personId = person.kind === 'person' ? person.residentId : person.creditCode;
      // Unknown and another's licence are answered alike: nobody learns of another person's licence.
      if (!licence || licence.holderId !== personId) {
        throw invalid('TICKET_LICENCE_UNKNOWN', 'correction.licenceId', `申请人名下没有电子证照 ${c.licenceId}`, `licence ${c.licenceId} is not one of the person's own`);
      }
      return licence.issuer;
    }
    if (c.target === 'case') {
      if (c.caseNo === undefined) throw bad('correction.caseNo', '更正办件信息须写明办件编号', 'a case correction names the case (caseNo)');
      return (await this.ownCase(c.caseNo, channelId, 'correction.caseNo')).departmentId;
    }
    return undefined;
  }

  /** A case the channel filed; unknown and another channel's are answered alike. */
  private async ownCase(caseNo: string, channelId: string, field: string): Promise<{ departmentId: string; itemCode: string }> {
    const found = await this.deps.subjects.caseOf(caseNo);
    if (!found || found.channelId !== channelId)
      throw invalid('TICKET_CASE_UNKNOWN', field, `本渠道没有提交过办件 ${caseNo}`, `case ${caseNo} was not filed by channel ${channelId}`);
    return found;
  }

  private async knownDepartment(id: string, field: string): Promise<void> {
    if (!(await this.deps.subjects.departmentExists(id))) throw invalid('TICKET_DEPARTMENT_UNKNOWN', field, `部门 ${id} 未在平台登记`, `no department ${id} in the directory`);
  }

  private async due(today: string, kind: TicketKind): Promise<Due> {
    return (await this.deps.calendar.current()).addWorkingDays(today, this.answerDays[kind]);
  }

  private context(actor: Pick<Caller, 'name' | 'role' | 'officer'>): TicketContext {
    const now = this.now();
    return { actor, at: now.toISOString(), today: chinaDate(now) };
  }
}

/** The filing's receipt (回执). */
function receipt(t: Ticket, again: boolean): TicketReceipt {
  return {
    id: t.id,
    kind: t.kind,
    receivedAt: t.receivedAt,
    state: t.state,
    ...(t.departmentId !== undefined ? { departmentId: t.departmentId } : {}),
    ...(t.dueOn !== undefined ? { dueOn: t.dueOn } : {}),
    ...(t.dueProvisional ? { dueProvisional: true as const } : {}),
    replayed: again,
  };
}

/** A filing answered again under its key: the receipt as the ticket now stands, or the refusal of another request. */
function replayed(t: Ticket, digest: string): TicketReceipt {
  if (t.requestDigest !== digest) {
    throw conflict(
      'IDEMPOTENCY_KEY_REUSED',
      '该幂等键已用于另一项不同的咨询投诉，请为新的事项使用新的幂等键',
      `channel ${t.channelId} already filed ticket ${t.id} with this Idempotency-Key and a different request; use a new key for a new request`,
      'Idempotency-Key',
    );
  }
  return receipt(t, true);
}

/** The person's identifiers and phone, as a case's applicant's are checked. */
function checkPerson(person: Applicant, today: string): void {
  if (person.kind === 'person') {
    assertResidentId(person.residentId, 'person.residentId', today);
    requireField(person.name, 'person.name', '姓名');
    checkPhone(person.phone, 'person.phone');
  } else {
    assertCreditCode(person.creditCode, 'person.creditCode');
    requireField(person.name, 'person.name', '单位名称');
    requireField(person.contact.name, 'person.contact.name', '联系人姓名');
    checkPhone(person.contact.phone, 'person.contact.phone');
  }
}

/**
 * The index a list reads and what it filters: a channel what it filed, a department what is addressed
 * to it; the platform and auditors by department or state (the first given; the others filter).
 */
function selectionFor(caller: Caller, q: TicketListQuery): TicketSelection {
  const range = { from: q.from, to: q.to };
  if (caller.role === 'channel') {
    return { by: { channel: caller.channelId ?? '' }, ...range, filter: { kind: q.kind, state: q.state, department: q.department } };
  }
  if (caller.role === 'department') {
    const own = caller.departmentId ?? '';
    if (q.department !== undefined && q.department !== own) {
      throw forbidden('TICKET_FORBIDDEN', '只能查看转至本部门的咨询投诉', `${caller.name} may list the tickets of its own department (${own}) only`, 'department');
    }
    return { by: { department: own }, ...range, filter: { kind: q.kind, state: q.state } };
  }
  if (q.department !== undefined) return { by: { department: q.department }, ...range, filter: { kind: q.kind, state: q.state } };
  if (q.state !== undefined) return { by: { state: q.state }, ...range, filter: { kind: q.kind } };
  throw invalid('TICKET_FILTER_REQUIRED', 'department', '请至少指定部门或状态之一', 'list tickets by department or state: give one of them');
}

/**
 * The tickets answered late, for the supervision's daily pass (the rule `ticket-answer-late`): the
 * tickets still owed whose due day (not provisional) is before the day, one occurrence per ticket and
 * round (a ticket passed on is due again: a new round), owed by the department holding it; no personal
 * data. It reads the store alone: the watch function builds it without the rest of the service.
 */
export function ticketLateAnswers(store: Pick<TicketStore, 'due'>): LateAnswers {
  return lateAnswersOf(
    async (through, page, from) => {
      const due = await store.due(through, page, from);
      return due.nextCursor !== undefined ? { records: due.tickets, nextCursor: due.nextCursor } : { records: due.tickets };
    },
    (t: Ticket, today): RuleOccurrence | undefined =>
      isLate(t, today) && t.departmentId !== undefined && t.dueOn !== undefined
        ? {
            rule: 'ticket-answer-late',
            subject: { kind: 'ticket', id: t.id },
            occurrence: `ticket-late#${t.round}`,
            departmentId: t.departmentId,
            on: today,
            facts: { id: t.id, dueOn: t.dueOn, kind: t.kind },
          }
        : undefined,
  );
}
