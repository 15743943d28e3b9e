// Consultations, complaints and correction requests in the domain: their ids (one per channel and
// Idempotency-Key), their lifecycle (who may do what after which state; transfers of complaints and
// corrections only, bounded; answers that fit the kind), their own hash-chained history (an edited or
// removed entry and an edited state found), and the service over an in-memory store: routing by rule
// with due days on the real calendar, idempotent filing, the checks of what a ticket is about, access
// (a channel its own, a department what is addressed to it, auditors without the person), the lists, the
// answer's corrections checked against the licence amendments, and the late tickets for supervision.
import { describe, expect, it } from 'vitest';
import type { FileTicketRequest } from '../../shared/contracts/tickets.ts';
import { MAX_TICKET_ROUTINGS, TICKET_ID_PATTERN } from '../../shared/contracts/tickets.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import cn2026 from '../../shared/domain/calendar/data/cn-2026.json' with { type: 'json' };
import { WorkingDayCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { hashEntry } from '../../shared/domain/cases/case-history.ts';
import { conflict } from '../../shared/domain/errors.ts';
import type { Ticket, TicketHistoryEntry, TicketTransition } from '../../shared/domain/tickets/ticket.ts';
import { isLate, ticketId } from '../../shared/domain/tickets/ticket.ts';
import { verifyTicketHistory } from '../../shared/domain/tickets/ticket-history.ts';
import type { TicketCommand } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { applyTicketCommand, fileTicket } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { TicketService } from '../../shared/domain/tickets/ticket-service.ts';
import type { TicketPage, TicketRead, TicketSelection, TicketStore } from '../../shared/domain/tickets/ticket-store.ts';
import type { AmendmentCheck, LicenceAmendments, TicketSubjects } from '../../shared/domain/tickets/ticket-subjects.ts';
import { StoredCaseCorrections } from '../../shared/domain/tickets/ticket-subjects.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { upload } from '../support/case-materials.ts';
import { ticketAnswerDays } from '../../functions/tickets/config.ts';
import { tickets as ticketsManifest } from '../../functions/tickets/manifest.ts';
import { complaint, filedTicket as filed, query, stepAt, ticketDraft as draft } from '../support/ticket-fixtures.ts';
import { FOOD, HALL, HOUSING, LI, MARKET, POLICE, PORTAL, REVIEWER, ZHANG } from '../support/case-fixtures.ts';
import { DEPARTMENTS, UNLISTED_DEPARTMENT_ID } from '../support/directory-fixtures.ts';
import { refusal, rejection } from '../support/refusal.ts';

const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };
const at = stepAt;

/** A ticket draft of `kind` filed by the portal on 2026-11-06 (a Friday). */
function run(first: TicketTransition, ...steps: [TicketCommand, string, Caller][]): TicketTransition[] {
  const out = [first];
  for (const [command, date, actor] of steps) out.push(applyTicketCommand(out.at(-1)!.ticket, command, at(date, actor)));
  return out;
}

const toHousing: TicketCommand = { action: 'transfer', departmentId: HOUSING.departmentId!, reasons: '涉及施工许可，属住建部门职责', due: { date: '2026-11-23' } };
const answer: TicketCommand = { action: 'answer', text: '已核实，责令窗口限期受理并通报批评。', outcome: 'substantiated' };
const rate: TicketCommand = { action: 'rate', level: 'satisfied', comment: '处理及时' };

describe('ticket ids', () => {
  it('are the same for the same channel and key, differ by either, and are URL-safe', () => {
    // Act
    const ids = [ticketId('qinglan-portal', 'k1'), ticketId('qinglan-portal', 'k1'), ticketId('qinglan-portal', 'k2'), ticketId('qinglan-hall-window', 'k1')];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(TICKET_ID_PATTERN);
  });
});

describe('ticket lifecycle', () => {
  it('files a routed ticket assigned, due as counted, in its first round; an unrouted one received, owed by nobody', () => {
    // Act
    const routed = filed();
    const received = filed('consultation', false);

    // Assess
    expect(routed.ticket).toMatchObject({ state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-20', round: 1, version: 1 });
    expect(routed.ticket.routing).toEqual([
      { departmentId: MARKET.departmentId, how: 'rule', by: { name: 'portal', role: 'channel' }, on: '2026-11-06', at: '2026-11-06T02:00:00.000Z' },
    ]);
    expect(routed.entry).toMatchObject({ n: 1, type: 'file', from: null, to: 'assigned' });
    expect(routed.ticket.hash).toBe(routed.entry.hash);
    expect(received.ticket).toMatchObject({ state: 'received', round: 0, routing: [] });
    expect(received.ticket.departmentId).toBeUndefined();
    expect(received.ticket.dueOn).toBeUndefined();
  });

  it('runs a complaint through transfer → answer → rating, each by its actor, due again after the transfer', () => {
    // Act
    const steps = run(filed(), [toHousing, '2026-11-09', MARKET], [answer, '2026-11-24', HOUSING], [rate, '2026-11-25', PORTAL]);

    // Assess
    expect(steps.map((s) => s.ticket.state)).toEqual(['assigned', 'assigned', 'answered', 'closed']);
    expect(steps[1]!.ticket).toMatchObject({ departmentId: HOUSING.departmentId, dueOn: '2026-11-23', round: 2 });
    const last = steps.at(-1)!.ticket;
    expect(last.routing.map((r) => [r.how, r.note])).toEqual([
      ['rule', undefined],
      ['transfer', '涉及施工许可，属住建部门职责'],
    ]);
    // Answered the day after its due day: late.
    expect(last.answer).toMatchObject({ outcome: 'substantiated', departmentId: HOUSING.departmentId, on: '2026-11-24', onTime: false, by: { name: 'housing' } });
    expect(last.rating).toMatchObject({ level: 'satisfied', comment: '处理及时', on: '2026-11-25' });
    expect(
      verifyTicketHistory(
        steps.map((s) => s.entry),
        last,
      ),
    ).toEqual({ ok: true });
  });

  it('lets the platform pass on a received ticket and reassign an unanswered one, and nobody else', () => {
    // Prepare
    const received = filed('consultation', false);
    const assign = (departmentId: string): TicketCommand => ({ action: 'assign', departmentId, note: '属市场监管职责', due: { date: '2026-11-13' } });

    // Act
    const [, assigned, reassigned] = run(received, [assign(MARKET.departmentId!), '2026-11-06', REVIEWER], [assign(POLICE.departmentId!), '2026-11-09', REVIEWER]);
    const codes = [
      refusal(() => applyTicketCommand(received.ticket, assign(MARKET.departmentId!), at('2026-11-06', MARKET))).code,
      refusal(() => applyTicketCommand(received.ticket, assign(MARKET.departmentId!), at('2026-11-06', AUDITOR))).code,
      refusal(() => applyTicketCommand(received.ticket, assign(MARKET.departmentId!), at('2026-11-06', PORTAL))).code,
      refusal(() => applyTicketCommand(received.ticket, answer, at('2026-11-06', MARKET))).code,
    ];

    // Assess
    expect(assigned!.ticket).toMatchObject({ state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-13', round: 1 });
    expect(reassigned!.ticket).toMatchObject({ departmentId: POLICE.departmentId, round: 2 });
    expect(codes).toEqual(['TICKET_FORBIDDEN', 'TICKET_FORBIDDEN', 'TICKET_FORBIDDEN', 'TICKET_FORBIDDEN']);
  });

  it('refuses a consultation passed on by a department, a transfer to the department holding it, a transfer by another department', () => {
    // Prepare
    const consultation = filed('consultation');
    const complaint = filed();

    // Act
    const refusals = [
      refusal(() => applyTicketCommand(consultation.ticket, toHousing, at('2026-11-09', MARKET))),
      refusal(() => applyTicketCommand(complaint.ticket, { ...toHousing, departmentId: MARKET.departmentId! }, at('2026-11-09', MARKET))),
      refusal(() => applyTicketCommand(complaint.ticket, toHousing, at('2026-11-09', HOUSING))),
    ];

    // Assess
    expect(refusals.map((r) => [r.code, r.field])).toEqual([
      ['TICKET_TRANSFER_NOT_ALLOWED', undefined],
      ['TICKET_TRANSFER_NOT_ALLOWED', 'departmentId'],
      ['TICKET_FORBIDDEN', undefined],
    ]);
  });

  it(`stops passing a ticket on after ${MAX_TICKET_ROUTINGS} routings: then it must be answered`, () => {
    // Prepare
    const holderOf = (t: Ticket) => (t.departmentId === MARKET.departmentId ? MARKET : HOUSING);
    let t = filed().ticket;
    for (let i = 1; i < MAX_TICKET_ROUTINGS; i++) {
      const next = holderOf(t) === MARKET ? HOUSING : MARKET;
      t = applyTicketCommand(t, { ...toHousing, departmentId: next.departmentId! }, at('2026-11-09', holderOf(t))).ticket;
    }
    const holder = holderOf(t);

    // Act
    const tooMany = refusal(() => applyTicketCommand(t, { ...toHousing, departmentId: POLICE.departmentId! }, at('2026-11-10', holder)));
    const answered = applyTicketCommand(t, answer, at('2026-11-10', holder));

    // Assess
    expect(t.routing).toHaveLength(MAX_TICKET_ROUTINGS);
    expect(tooMany.code).toBe('TICKET_ROUTINGS_EXHAUSTED');
    expect(answered.ticket.state).toBe('answered');
  });

  it('lets only the channel that filed rate the answer, once, and only once answered', () => {
    // Prepare
    const [first, answered] = run(filed(), [answer, '2026-11-10', MARKET]);
    const closed = applyTicketCommand(answered!.ticket, rate, at('2026-11-11', PORTAL));

    // Act
    const codes = [
      refusal(() => applyTicketCommand(first!.ticket, rate, at('2026-11-10', PORTAL))).code,
      refusal(() => applyTicketCommand(answered!.ticket, rate, at('2026-11-11', HALL))).code,
      refusal(() => applyTicketCommand(answered!.ticket, rate, at('2026-11-11', MARKET))).code,
      refusal(() => applyTicketCommand(closed.ticket, rate, at('2026-11-12', PORTAL))).code,
      refusal(() => applyTicketCommand(answered!.ticket, answer, at('2026-11-11', MARKET))).code,
    ];

    // Assess
    expect(codes).toEqual(['TICKET_STATE_CONFLICT', 'TICKET_FORBIDDEN', 'TICKET_FORBIDDEN', 'TICKET_STATE_CONFLICT', 'TICKET_STATE_CONFLICT']);
  });

  it('checks that the answer fits the kind: none for a consultation, a complaint finding, a correction corrected (licence versions named) or refused with reasons', () => {
    // Prepare
    const consultation = filed('consultation').ticket;
    const complaint = filed().ticket;
    const correction = filed('correction').ticket;
    const ofCase = { ...correction, correction: { target: 'case' as const, caseNo: 'KM20261102ABCDEFGHIJ', field: 'applicant.name', rightValue: '张三' } };
    const ofOther = { ...correction, correction: { target: 'other' as const, field: '联系地址', rightValue: '昆明市五华区' } };
    const a = (ticket: Ticket, body: Omit<Extract<TicketCommand, { action: 'answer' }>, 'action'>) => () =>
      applyTicketCommand(ticket, { action: 'answer', ...body }, at('2026-11-10', MARKET));

    // Act
    const refused = [
      refusal(a(consultation, { text: '答复', outcome: 'substantiated' })),
      refusal(a(complaint, { text: '答复', outcome: 'corrected' })),
      refusal(a(correction, { text: '答复' })),
      refusal(a(correction, { text: '答复', outcome: 'refused' })),
      refusal(a(correction, { text: '答复', outcome: 'corrected' })),
      refusal(a(correction, { text: '答复', outcome: 'corrected', reasons: ['无'], corrections: [{ licenceId: 'L-1', version: 2 }] })),
      refusal(a(complaint, { text: '答复', corrections: [{ licenceId: 'L-1', version: 2 }] })),
      refusal(a(ofCase, { text: '答复', outcome: 'corrected' })),
      refusal(a(ofCase, { text: '答复', outcome: 'corrected', corrections: [{ licenceId: 'L-1', version: 2 }] })),
      refusal(
        a(correction, {
          text: '答复',
          outcome: 'corrected',
          corrections: [
            { licenceId: 'L-1', version: 2 },
            { caseNo: 'KM20261102ABCDEFGHIJ', version: 3 },
          ],
        }),
      ),
    ].map((e) => [e.code, e.field]);
    const accepted = [
      a(consultation, { text: '可通过一网通办门户在线申请。' })(),
      a(complaint, { text: '经核实不属实。', outcome: 'unsubstantiated' })(),
      a(complaint, { text: '已处理。' })(),
      a(correction, { text: '已更正。', outcome: 'corrected', corrections: [{ licenceId: 'L-1', version: 2 }] })(),
      a(correction, { text: '不予更正。', outcome: 'refused', reasons: ['原登记信息与身份证件一致'] })(),
      a(ofCase, { text: '已更正。', outcome: 'corrected', corrections: [{ caseNo: 'KM20261102ABCDEFGHIJ', version: 3 }] })(),
      a(ofOther, { text: '已更正。', outcome: 'corrected' })(),
    ].map((t) => t.ticket.state);

    // Assess
    expect(refused).toEqual([
      ['TICKET_OUTCOME_INVALID', 'outcome'],
      ['TICKET_OUTCOME_INVALID', 'outcome'],
      ['TICKET_OUTCOME_INVALID', 'outcome'],
      ['TICKET_OUTCOME_INVALID', 'reasons'],
      ['TICKET_OUTCOME_INVALID', 'corrections'],
      ['TICKET_OUTCOME_INVALID', 'reasons'],
      ['TICKET_OUTCOME_INVALID', 'corrections'],
      ['TICKET_OUTCOME_INVALID', 'corrections'],
      ['TICKET_OUTCOME_INVALID', 'corrections.0'],
      ['TICKET_OUTCOME_INVALID', 'corrections.1'],
    ]);
    expect(accepted).toEqual(['answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'answered']);
  });

  it('is late once past its due day while owed, never with a provisional due day, never once answered', () => {
    // Prepare
    const t = filed().ticket;

    // Act
    const late = [
      isLate(t, '2026-11-20'),
      isLate(t, '2026-11-21'),
      isLate({ ...t, dueProvisional: true }, '2026-11-21'),
      isLate(applyTicketCommand(t, answer, at('2026-11-23', MARKET)).ticket, '2026-11-23'),
    ];

    // Assess
    expect(late).toEqual([false, true, false, false]);
  });
});

describe('ticket history', () => {
  const steps = () => run(filed(), [toHousing, '2026-11-09', MARKET], [answer, '2026-11-10', HOUSING], [rate, '2026-11-11', PORTAL]);
  const entries = () => steps().map((s) => s.entry);

  it('finds an edited entry, a removed one, one of another ticket, and a stored state that does not match', () => {
    // Prepare
    const all = steps();
    const history = all.map((s) => s.entry);
    const head = all.at(-1)!.ticket;
    const edited = history.map((e, i) => (i === 1 ? { ...e, actor: { name: 'police', role: 'department' as const } } : e));
    // Rehashed after the edit: intact in itself, no longer chained to by the next entry.
    const rehashed = history.map((e, i) => {
      if (i !== 1) return e;
      const { hash: _h, ...body } = { ...e, on: '2026-11-08' };
      return { ...body, hash: hashEntry<TicketHistoryEntry>(body) };
    });
    const foreign = fileTicket(draft('complaint', { id: ticketId('other', 'k') }), undefined, {}, at('2026-11-06', PORTAL)).entry;

    // Act
    const checks = [
      verifyTicketHistory(edited, head),
      verifyTicketHistory(rehashed, head),
      verifyTicketHistory([history[0]!, history[2]!, history[3]!], head),
      verifyTicketHistory([history[0]!, { ...foreign, n: 2 }]),
      verifyTicketHistory(history.slice(0, 3), head),
      verifyTicketHistory(history, { ...head, subject: '改过的标题' }),
      verifyTicketHistory(entries(), head),
    ];

    // Assess
    expect(checks.map((c) => (c.ok ? 'ok' : c.n))).toEqual([2, 3, 2, 2, 4, 4, 'ok']);
  });
});

// ---------------------------------------------------------------------------------------------------
// The service over an in-memory store.

/** A TicketStore in memory, with the DynamoDB store's contract: entries written once, heads listed. */
class MemoryTicketStore implements TicketStore {
  readonly entries = new Map<string, TicketTransition[]>();

  async create(first: TicketTransition): Promise<{ created: true } | { created: false; existing: Ticket }> {
    const known = this.entries.get(first.ticket.id);
    if (known) return { created: false, existing: known.at(-1)!.ticket };
    this.entries.set(first.ticket.id, [first]);
    return { created: true };
  }

  async append(next: TicketTransition, previous: Ticket): Promise<void> {
    const known = this.entries.get(previous.id)!;
    if (known.length !== previous.version) throw conflict('TICKET_VERSION_CONFLICT', '已被他人处理', `ticket ${previous.id}: entry ${next.entry.n} exists`);
    known.push(next);
  }

  async read(id: string): Promise<TicketRead | undefined> {
    const known = this.entries.get(id);
    return known && { ticket: known.at(-1)!.ticket };
  }

  async history(id: string): Promise<TicketHistoryEntry[]> {
    return (this.entries.get(id) ?? []).map((t) => t.entry);
  }

  async list(selection: TicketSelection, page: { limit: number; cursor?: string | undefined }): Promise<TicketPage> {
    const { by, filter } = selection;
    const all = [...this.entries.values()]
      .map((e) => e.at(-1)!.ticket)
      .filter((t) => ('channel' in by ? t.channelId === by.channel : 'department' in by ? t.departmentId === by.department : t.state === by.state))
      .filter((t) => (selection.from === undefined || t.receivedOn >= selection.from) && (selection.to === undefined || t.receivedOn <= selection.to))
      .filter((t) => (filter.kind === undefined || t.kind === filter.kind) && (filter.state === undefined || t.state === filter.state))
      .filter((t) => filter.department === undefined || t.departmentId === filter.department)
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.id.localeCompare(a.id));
    const start = Number(page.cursor ?? 0);
    const tickets = all.slice(start, start + page.limit);
    return start + page.limit < all.length ? { tickets, nextCursor: String(start + page.limit) } : { tickets };
  }

  async due(through: string, page: { limit: number; cursor?: string | undefined }, from?: string): Promise<TicketPage> {
    const all = [...this.entries.values()]
      .map((e) => e.at(-1)!.ticket)
      .filter((t) => t.state === 'assigned' && t.dueOn !== undefined && t.dueOn <= through && (from === undefined || t.dueOn >= from))
      .sort((a, b) => a.dueOn!.localeCompare(b.dueOn!));
    const start = Number(page.cursor ?? 0);
    const tickets = all.slice(start, start + page.limit);
    return start + page.limit < all.length ? { tickets, nextCursor: String(start + page.limit) } : { tickets };
  }
}

const CASE_NO = 'KM20261102ABCDEFGHIJ';
const OTHER_CASE = 'KM20261102ABCDEFGHIK';
const LICENCE = 'licence-of-zhang';
const OTHERS_LICENCE = 'licence-of-li';

const subjects: TicketSubjects = {
  itemDepartment: async (code) => (code === FOOD.implementationCode ? FOOD.departmentId : undefined),
  caseOf: async (caseNo) =>
    caseNo === CASE_NO
      ? { departmentId: MARKET.departmentId!, channelId: PORTAL.channelId!, itemCode: FOOD.implementationCode }
      : caseNo === OTHER_CASE
        ? { departmentId: MARKET.departmentId!, channelId: HALL.channelId!, itemCode: FOOD.implementationCode }
        : undefined,
  departmentExists: async (id) => Object.values(DEPARTMENTS).some((d) => d.id === id),
  licence: async (id) =>
    id === LICENCE ? { holderId: ZHANG.residentId, issuer: MARKET.departmentId! } : id === OTHERS_LICENCE ? { holderId: LI.residentId, issuer: MARKET.departmentId! } : undefined,
};

/** Licence amendments: `LICENCE` version 2 made for `ticket` (set by the test). */
class Amendments implements LicenceAmendments {
  ticket = '';
  async amendedBy(licenceId: string, version: number, ticketId: string): Promise<AmendmentCheck> {
    if (licenceId !== LICENCE) return { ok: false, reason: 'unknown-licence' };
    if (version !== 2) return { ok: false, reason: 'no-such-version' };
    return ticketId === this.ticket ? { ok: true } : { ok: false, reason: 'not-for-this-ticket' };
  }
}

/** The cases the case corrections are read from (set by the test), as the case store would answer them. */
const casesRead = new Map<string, CaseState>();
const caseCorrections = new StoredCaseCorrections({ get: async (caseNo) => casesRead.get(caseNo) });

function service(day = '2026-11-06') {
  const store = new MemoryTicketStore();
  const amendments = new Amendments();
  const clock = { now: new Date(`${day}T10:00:00+08:00`) };
  const tickets = new TicketService({
    store,
    subjects,
    amendments,
    caseCorrections,
    calendar: { current: async () => new WorkingDayCalendar([cn2026]) },
    answerDays: { consultation: 5 },
    now: () => clock.now,
  });
  return { tickets, store, amendments, day: (d: string) => (clock.now = new Date(`${d}T10:00:00+08:00`)) };
}

describe('ticket service', () => {
  it('routes by rule from an item, a case the channel filed, a department; due in working days across the weekend; unrouted waits for the platform', async () => {
    // Prepare
    const { tickets } = service('2026-11-06');

    // Act
    const byItem = await tickets.file(PORTAL, 'k1', complaint());
    const byCase = await tickets.file(PORTAL, 'k2', complaint({ kind: 'consultation', about: { case: CASE_NO } }));
    const byDepartment = await tickets.file(PORTAL, 'k3', complaint({ about: { department: POLICE.departmentId! } }));
    const unrouted = await tickets.file(PORTAL, 'k4', complaint({ about: undefined }));
    const view = await tickets.get(MARKET, byCase.id);

    // Assess
    expect(byItem).toMatchObject({ kind: 'complaint', state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-20', replayed: false });
    // Friday + 5 working days: the next Friday.
    expect(byCase).toMatchObject({ kind: 'consultation', state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-13' });
    expect(byDepartment).toMatchObject({ departmentId: POLICE.departmentId, dueOn: '2026-11-20' });
    expect(unrouted.state).toBe('received');
    expect(unrouted.departmentId).toBeUndefined();
    expect(view.ticket).toMatchObject({ itemCode: FOOD.implementationCode, about: { kind: 'case', caseNo: CASE_NO }, person: ZHANG, answerDays: 5, late: false });
    expect(view.check).toEqual({ ok: true });
  });

  it('files once per channel and key: the same request again answers the receipt replayed, another is refused', async () => {
    // Prepare
    const { tickets, store } = service();
    const first = await tickets.file(PORTAL, 'same-key', complaint());

    // Act
    const again = await tickets.file(PORTAL, 'same-key', complaint());
    const other = await rejection(tickets.file(PORTAL, 'same-key', complaint({ text: '另一件事。' })));
    const otherChannel = await tickets.file(HALL, 'same-key', complaint());

    // Assess
    expect(again).toEqual({ ...first, replayed: true });
    expect([other.code, other.kind, other.field]).toEqual(['IDEMPOTENCY_KEY_REUSED', 'conflict', 'Idempotency-Key']);
    expect(otherChannel.id).not.toBe(first.id);
    expect(store.entries.size).toBe(2);
  });

  it('refuses what a ticket cannot be about, with the field: an unknown item, another channel’s case, an unknown department, a person with a bad ID', async () => {
    // Prepare
    const { tickets, store } = service();

    // Act
    const refusals = await Promise.all([
      rejection(tickets.file(PORTAL, 'a', complaint({ about: { item: `${FOOD.implementationCode}9` } }))),
      rejection(tickets.file(PORTAL, 'b', complaint({ about: { case: OTHER_CASE } }))),
      rejection(tickets.file(PORTAL, 'c', complaint({ about: { case: 'KM20261102ZZZZZZZZZZ' } }))),
      rejection(tickets.file(PORTAL, 'd', complaint({ about: { department: UNLISTED_DEPARTMENT_ID } }))),
      rejection(tickets.file(PORTAL, 'e', complaint({ person: { ...ZHANG, residentId: `${ZHANG.residentId.slice(0, 17)}0` } }))),
      rejection(tickets.file(PORTAL, 'f', complaint({ person: { ...ZHANG, phone: '12345' } }))),
      rejection(tickets.file(MARKET, 'g', complaint())),
    ]);

    // Assess
    expect(refusals.map((e) => [e.code, e.field])).toEqual([
      ['TICKET_ITEM_UNKNOWN', 'about.item'],
      ['TICKET_CASE_UNKNOWN', 'about.case'],
      ['TICKET_CASE_UNKNOWN', 'about.case'],
      ['TICKET_DEPARTMENT_UNKNOWN', 'about.department'],
      ['INVALID_RESIDENT_ID', 'person.residentId'],
      ['CASE_PHONE_INVALID', 'person.phone'],
      ['TICKET_FORBIDDEN', undefined],
    ]);
    // Another channel's case and an unknown one are answered alike.
    expect(refusals[1].messageZh.replace(OTHER_CASE, 'X')).toBe(refusals[2].messageZh.replace('KM20261102ZZZZZZZZZZ', 'X'));
    expect(store.entries.size).toBe(0);
  });

  it('checks a correction: its part present for a correction alone, the person’s own licence, routed to the department holding the data', async () => {
    // Prepare
    const { tickets } = service();
    const correction = (c: Partial<NonNullable<FileTicketRequest['correction']>>, over: Partial<FileTicketRequest> = {}) =>
      complaint({
        kind: 'correction',
        about: undefined,
        correction: { target: 'licence', licenceId: LICENCE, field: 'holderName', wrongValue: '张叁', rightValue: '张三', ...c },
        ...over,
      });

    // Act
    const routed = await tickets.file(PORTAL, 'c1', correction({}));
    const breach = await tickets.file(
      PORTAL,
      'c2',
      correction({ target: 'other', licenceId: undefined, rightValue: undefined, privacyBreach: true }, { about: { department: POLICE.departmentId! } }),
    );
    const ofCase = await tickets.file(PORTAL, 'c3', correction({ target: 'case', licenceId: undefined, caseNo: CASE_NO, field: 'applicant.name' }));
    const refusals = await Promise.all([
      rejection(tickets.file(PORTAL, 'r1', complaint({ kind: 'correction' }))),
      rejection(tickets.file(PORTAL, 'r2', correction({}, { kind: 'complaint' }))),
      rejection(tickets.file(PORTAL, 'r3', correction({ licenceId: undefined }))),
      rejection(tickets.file(PORTAL, 'r4', correction({ rightValue: undefined }))),
      rejection(tickets.file(PORTAL, 'r5', correction({ licenceId: OTHERS_LICENCE }))),
      rejection(tickets.file(PORTAL, 'r6', correction({ licenceId: 'no-such-licence' }))),
      rejection(tickets.file(PORTAL, 'r7', correction({ target: 'case', licenceId: undefined, caseNo: OTHER_CASE }))),
    ]);

    // Assess
    expect(routed).toMatchObject({ kind: 'correction', state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-27' });
    expect(breach).toMatchObject({ state: 'assigned', departmentId: POLICE.departmentId });
    expect(ofCase).toMatchObject({ state: 'assigned', departmentId: MARKET.departmentId });
    expect(refusals.map((e) => [e.code, e.field])).toEqual([
      ['TICKET_CORRECTION_INVALID', 'correction'],
      ['TICKET_CORRECTION_INVALID', 'correction'],
      ['TICKET_CORRECTION_INVALID', 'correction.licenceId'],
      ['TICKET_CORRECTION_INVALID', 'correction.rightValue'],
      ['TICKET_LICENCE_UNKNOWN', 'correction.licenceId'],
      ['TICKET_LICENCE_UNKNOWN', 'correction.licenceId'],
      ['TICKET_CASE_UNKNOWN', 'correction.caseNo'],
    ]);
  });

  it('answers a correction only with licence versions amended for this very ticket', async () => {
    // Prepare
    const { tickets, amendments } = service();
    const { id } = await tickets.file(
      PORTAL,
      'c1',
      complaint({ kind: 'correction', about: undefined, correction: { target: 'licence', licenceId: LICENCE, field: 'holderName', rightValue: '张三' } }),
    );
    const body = (licenceId: string, version: number) => ({ text: '已更正持证人姓名。', outcome: 'corrected' as const, corrections: [{ licenceId, version }] });

    // Act
    amendments.ticket = 'another-ticket';
    const refusals = await Promise.all([
      rejection(tickets.answer(MARKET, id, body(LICENCE, 2))),
      rejection(tickets.answer(MARKET, id, body(LICENCE, 3))),
      rejection(tickets.answer(MARKET, id, body('no-such-licence', 2))),
    ]);
    // The lifecycle's checks come first: another department learns nothing of the licences.
    const foreign = await rejection(tickets.answer(HOUSING, id, body(LICENCE, 2)));
    amendments.ticket = id;
    const answered = await tickets.answer(MARKET, id, body(LICENCE, 2));

    // Assess
    expect(refusals.map((e) => [e.code, e.field])).toEqual([
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0'],
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0'],
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0'],
    ]);
    expect(foreign.code).toBe('TICKET_FORBIDDEN');
    expect(answered).toMatchObject({ state: 'answered', answer: { outcome: 'corrected', corrections: [{ licenceId: LICENCE, version: 2 }], onTime: true } });
  });

  it("answers a case record's correction only with case versions its `correct` action made for this very ticket, read from the case", async () => {
    // Prepare: the portal's case (CASE_NO) filed on 2 Nov; a correction ticket about it; entry 2 corrects
    // the name for another ticket, entry 3 for this one.
    const { tickets } = service();
    const { id } = await tickets.file(
      PORTAL,
      'cc1',
      complaint({ kind: 'correction', about: undefined, correction: { target: 'case', caseNo: CASE_NO, field: 'applicant.name', wrongValue: '张叁', rightValue: '张三' } }),
    );
    const ctx = (minute: number, actor: Caller) => ({ actor, at: `2026-11-02T02:${String(minute).padStart(2, '0')}:00.000Z`, today: '2026-11-02', calendar: officialCalendar });
    const filedCase = fileCase(
      {
        caseNo: CASE_NO,
        item: { code: FOOD.implementationCode, version: 1, guide: FOOD },
        applicant: { ...ZHANG, name: '张叁' },
        form: { 经营场所面积: 120 },
        materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照') },
      },
      ctx(0, PORTAL),
    ).state;
    const forOther = applyCaseCommand(filedCase, { action: 'correct', ticketId: 'e'.repeat(32), corrections: [{ field: 'form.经营场所面积', value: 125 }] }, ctx(1, MARKET)).state;
    const forThis = applyCaseCommand(forOther, { action: 'correct', ticketId: id, corrections: [{ field: 'applicant.name', value: '张三' }] }, ctx(2, MARKET)).state;
    casesRead.set(CASE_NO, forThis);
    const body = (caseNo: string, version: number) => ({ text: '已更正申请人姓名。', outcome: 'corrected' as const, corrections: [{ caseNo, version }] });

    // Act
    const refusals = await Promise.all([
      rejection(tickets.answer(MARKET, id, body(CASE_NO, 2))),
      rejection(tickets.answer(MARKET, id, body(CASE_NO, 4))),
      rejection(tickets.answer(MARKET, id, body('KM20261102NOSUCHCASE', 3))),
      rejection(tickets.answer(MARKET, id, { ...body(CASE_NO, 3), corrections: [{ licenceId: LICENCE, version: 2 }] })),
    ]);
    const foreign = await rejection(tickets.answer(HOUSING, id, body(CASE_NO, 3)));
    const answered = await tickets.answer(MARKET, id, body(CASE_NO, 3));

    // Assess
    expect(refusals.map((e) => [e.code, e.field, e.message.split(': ')[1]])).toEqual([
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0', `not-for-this-ticket (ticket ${id})`],
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0', `no-such-version (ticket ${id})`],
      ['TICKET_CORRECTION_UNVERIFIED', 'corrections.0', `unknown-case (ticket ${id})`],
      ['TICKET_OUTCOME_INVALID', 'corrections.0', undefined],
    ]);
    expect(foreign.code).toBe('TICKET_FORBIDDEN');
    expect(answered).toMatchObject({ state: 'answered', answer: { outcome: 'corrected', corrections: [{ caseNo: CASE_NO, version: 3 }], onTime: true } });
  });

  it('shows a channel what it filed, a department what is addressed to it, the platform and auditors everything; auditors without the person', async () => {
    // Prepare
    const { tickets } = service();
    const mine = await tickets.file(PORTAL, 'k1', complaint({ correction: undefined }));
    const hall = await tickets.file(HALL, 'k1', complaint({ about: { department: POLICE.departmentId! } }));
    const correction = await tickets.file(
      PORTAL,
      'k2',
      complaint({ kind: 'correction', about: undefined, correction: { target: 'licence', licenceId: LICENCE, field: 'holderName', wrongValue: '张叁', rightValue: '张三' } }),
    );

    // Act
    const reads = await Promise.all([
      rejection(tickets.get(HALL, mine.id)),
      rejection(tickets.get(POLICE, mine.id)),
      rejection(tickets.list(POLICE, query({ department: MARKET.departmentId! }))),
      rejection(tickets.list(REVIEWER, query())),
    ]);
    const byAuditor = await tickets.get(AUDITOR, correction.id);
    const byPlatform = await tickets.get(REVIEWER, correction.id);
    const lists = {
      portal: await tickets.list(PORTAL, query()),
      hall: await tickets.list(HALL, query()),
      market: await tickets.list(MARKET, query()),
      police: await tickets.list(POLICE, query()),
      platform: await tickets.list(REVIEWER, query({ state: 'assigned' })),
      byKind: await tickets.list(AUDITOR, query({ department: MARKET.departmentId!, kind: 'correction' })),
    };

    // Assess
    expect(reads.map((e) => e.code)).toEqual(['TICKET_FORBIDDEN', 'TICKET_FORBIDDEN', 'TICKET_FORBIDDEN', 'TICKET_FILTER_REQUIRED']);
    expect(byAuditor.ticket.person).toBeUndefined();
    expect(byAuditor.ticket.correction).toEqual({ target: 'licence', licenceId: LICENCE, field: 'holderName' });
    expect(byPlatform.ticket.person).toEqual(ZHANG);
    expect(byPlatform.ticket).not.toHaveProperty('requestDigest');
    const ids = (l: { tickets: { id: string }[] }) => l.tickets.map((t) => t.id).sort();
    expect(ids(lists.portal)).toEqual([mine.id, correction.id].sort());
    expect(ids(lists.hall)).toEqual([hall.id]);
    expect(ids(lists.market)).toEqual([mine.id, correction.id].sort());
    expect(ids(lists.police)).toEqual([hall.id]);
    expect(ids(lists.platform)).toEqual([mine.id, hall.id, correction.id].sort());
    expect(ids(lists.byKind)).toEqual([correction.id]);
    // Lists carry no person and no text.
    for (const t of lists.platform.tickets) {
      expect(t).not.toHaveProperty('person');
      expect(t).not.toHaveProperty('text');
      expect(JSON.stringify(t)).not.toContain(ZHANG.residentId);
    }
  });

  it('reports each ticket still owed past its due day once per round for the supervision, and lists it late', async () => {
    // Prepare: a complaint due Fri 20 Nov, passed on the day before; a consultation due Fri 13 Nov, answered on time; one received.
    const { tickets, day } = service('2026-11-06');
    const passedOn = await tickets.file(PORTAL, 'k1', complaint());
    const answered = await tickets.file(PORTAL, 'k2', complaint({ kind: 'consultation' }));
    const stillOwed = await tickets.file(PORTAL, 'k3', complaint({ about: { department: POLICE.departmentId! } }));
    await tickets.file(PORTAL, 'k4', complaint({ about: undefined }));
    day('2026-11-12');
    await tickets.answer(MARKET, answered.id, { text: '可在线办理。' });
    day('2026-11-19');
    await tickets.transfer(MARKET, passedOn.id, { departmentId: HOUSING.departmentId!, reasons: '属住建部门职责' });

    // Act
    const onDueDay = await tickets.lateOccurrences('2026-11-20', { limit: 10 });
    day('2026-11-23');
    const after = await tickets.lateOccurrences('2026-11-23', { limit: 10 });
    const listed = await tickets.list(REVIEWER, query({ department: POLICE.departmentId! }));
    const paged = await tickets.lateOccurrences('2026-12-31', { limit: 1 });

    // Assess
    expect(onDueDay.occurrences).toEqual([]);
    expect(after.occurrences).toEqual([
      {
        rule: 'ticket-answer-late',
        subject: { kind: 'ticket', id: stillOwed.id },
        occurrence: 'ticket-late#1',
        departmentId: POLICE.departmentId,
        on: '2026-11-23',
        facts: { id: stillOwed.id, dueOn: '2026-11-20', kind: 'complaint' },
      },
    ]);
    expect(listed.tickets[0]).toMatchObject({ id: stillOwed.id, late: true });
    // The transferred complaint is due again (10 working days from Thu 19 Nov: Thu 3 Dec), late in its second round after that.
    expect(paged.occurrences.map((o) => o.occurrence)).toEqual(['ticket-late#1']);
    expect(paged.nextCursor).toBeDefined();
    const rest = await tickets.lateOccurrences('2026-12-31', { limit: 1, cursor: paged.nextCursor! });
    expect(rest.occurrences).toEqual([
      expect.objectContaining({ occurrence: 'ticket-late#2', departmentId: HOUSING.departmentId, facts: { id: passedOn.id, dueOn: '2026-12-03', kind: 'complaint' } }),
    ]);
    // What an earlier pass read is not read again: due from 1 December on, the transferred complaint alone.
    const since = await tickets.lateOccurrences('2026-12-31', { limit: 10, dueFrom: '2026-12-01' });
    expect(since.occurrences.map((o) => [o.facts.id, o.occurrence])).toEqual([[passedOn.id, 'ticket-late#2']]);
  });

  it('refuses an assignment to an unknown department, and acts on nothing whose history is broken', async () => {
    // Prepare
    const { tickets, store } = service();
    const { id } = await tickets.file(PORTAL, 'k1', complaint({ about: undefined }));
    const unknown = await rejection(tickets.assign(REVIEWER, id, { departmentId: UNLISTED_DEPARTMENT_ID }));
    const read = store.read.bind(store);
    store.read = async (i) => ({ ...(await read(i))!, broken: { n: 1, reason: 'edited' } });

    // Act
    const broken = await rejection(tickets.assign(REVIEWER, id, { departmentId: MARKET.departmentId! }));
    const view = await tickets.get(REVIEWER, id);

    // Assess
    expect([unknown.code, unknown.field]).toEqual(['TICKET_DEPARTMENT_UNKNOWN', 'departmentId']);
    expect(broken.code).toBe('TICKET_STATE_CONFLICT');
    expect(view.check).toEqual({ ok: false, n: 1, reason: 'edited' });
  });
});

describe('ticket settings', () => {
  it('reads the working days per kind from the environment the manifest gives from the configuration, and refuses a bad value at start', async () => {
    // Prepare
    const environment = ticketsManifest.environment({ ticketAnswerDays: { consultation: 3, correction: 20 } });

    // Act
    const days = ticketAnswerDays(environment);
    const { tickets } = (() => {
      const store = new MemoryTicketStore();
      const clock = new Date('2026-11-06T10:00:00+08:00');
      return {
        tickets: new TicketService({
          store,
          subjects,
          amendments: new Amendments(),
          caseCorrections,
          calendar: { current: async () => new WorkingDayCalendar([cn2026]) },
          answerDays: days,
          now: () => clock,
        }),
      };
    })();
    const consultation = await tickets.file(PORTAL, 's1', complaint({ kind: 'consultation' }));
    const complaintDue = await tickets.file(PORTAL, 's2', complaint());

    // Assess
    expect(environment).toEqual({ CONSULTATION_DAYS: '3', CORRECTION_DAYS: '20' });
    expect(ticketsManifest.environment({})).toEqual({});
    expect(days).toEqual({ consultation: 3, correction: 20 });
    // Fri 6 Nov + 3 working days: Wed 11 Nov; a complaint keeps its default 10: Fri 20 Nov.
    expect([consultation.dueOn, complaintDue.dueOn]).toEqual(['2026-11-11', '2026-11-20']);
    for (const bad of ['0', '61', '2.5', 'five']) expect(() => ticketAnswerDays({ COMPLAINT_DAYS: bad }), bad).toThrow(/COMPLAINT_DAYS/);
  });
});
