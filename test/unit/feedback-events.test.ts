// Feedback events (shared/contracts/feedback-events.ts): each history entry of an evaluation and of a
// ticket as one CloudEvent built from the entry and the record after it — its id per record and
// version, its type the entry's, the department it is addressed to after the step (a transfer also
// naming the one it left), and nothing personal: no person, contact, subject, text, comment or answer;
// the feedback relay function, which puts the events its table's stream hands it on the bus as
// tongban.feedback (PutEvents asserted on the requests sent: only AWS shows it).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FEEDBACK_EVENT_TYPES, FeedbackEventSchema } from '../../shared/contracts/feedback-events.ts';
import { PlatformEventSchema } from '../../shared/contracts/platform-events.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { EvaluationCommand } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import { applyEvaluationCommand } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import { evaluationEvent, ticketEvent } from '../../shared/domain/events/feedback-event.ts';
import { eventAudience, eventKey, keysOfEventId } from '../../shared/domain/events/platform-event.ts';
import { EVENT_TYPES } from '../../shared/domain/events/subscriptions.ts';
import { ticketId } from '../../shared/domain/tickets/ticket.ts';
import type { TicketCommand } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { applyTicketCommand } from '../../shared/domain/tickets/ticket-lifecycle.ts';
import { badReview } from '../support/evaluation-fixtures.ts';
import { filedTicket, stepAt } from '../support/ticket-fixtures.ts';
import { FOOD, HOUSING, MARKET, POLICE, PORTAL, REVIEWER, ZHANG } from '../support/case-fixtures.ts';

const at = stepAt;
const CASE_NO = 'KM20261102ABCDEFGHIJ';
/** What the person said and who they are: none of it may be in an event. */
const PERSONAL = [
  ZHANG.name,
  ZHANG.phone,
  ZHANG.kind === 'person' ? ZHANG.residentId : '',
  '窗口办理拖延',
  '拖延不予受理',
  '窗口让我跑了三趟',
  '培训并通报',
  '一次性告知',
  '王科长',
  '恶意差评',
  '属住建部门职责',
  '限期受理',
  '处理及时',
];

function filedComplaint(routed: boolean) {
  return filedTicket('complaint', routed, { id: ticketId(PORTAL.channelId!, `events-${String(routed)}`), about: { kind: 'case', caseNo: CASE_NO } });
}

function ticketSteps(first: ReturnType<typeof filedComplaint>, ...steps: [TicketCommand, string, Caller][]) {
  const out = [first];
  for (const [command, date, actor] of steps) out.push(applyTicketCommand(out.at(-1)!.ticket, command, at(date, actor)));
  return out.map((t) => ticketEvent(t.entry, t.ticket));
}

function evaluationSteps(...steps: [EvaluationCommand, string, Caller][]) {
  const out = [badReview(CASE_NO)];
  for (const [command, date, actor] of steps) out.push(applyEvaluationCommand(out.at(-1)!.evaluation, command, at(date, actor)));
  return out.map((t) => evaluationEvent(t.entry, t.evaluation));
}

const transfer: TicketCommand = { action: 'transfer', departmentId: HOUSING.departmentId!, reasons: '涉及施工许可，属住建部门职责', due: { date: '2026-11-23' } };
const ticketAnswer: TicketCommand = { action: 'answer', text: '已核实，责令窗口限期受理。', outcome: 'substantiated' };
const ticketRating: TicketCommand = { action: 'rate', level: 'satisfied', comment: '处理及时' };
const answer: EvaluationCommand = {
  action: 'answer',
  verification: '经核实，窗口一次性告知不到位',
  kind: 'rectified',
  text: '已对窗口人员培训并通报',
  followUp: { on: '2026-12-07', by: '王科长', outcome: '已电话回访' },
};

describe('a ticket event', () => {
  it('is each entry as a CloudEvent — id per ticket and version, type the entry, the department after the step — and carries nothing personal', () => {
    // Arrange
    const events = ticketSteps(filedComplaint(true), [transfer, '2026-11-09', MARKET], [ticketAnswer, '2026-11-20', HOUSING], [ticketRating, '2026-11-23', PORTAL]);
    const id = events[0]!.subject;

    // Assess
    for (const e of events) expect(FeedbackEventSchema.parse(e)).toEqual(e);
    expect(events.map((e) => [e.id, e.type, e.data.from, e.data.state, e.data.actorRole])).toEqual([
      [`${id}.1`, 'cn.tongban.ticket.file', null, 'assigned', 'channel'],
      [`${id}.2`, 'cn.tongban.ticket.transfer', 'assigned', 'assigned', 'department'],
      [`${id}.3`, 'cn.tongban.ticket.answer', 'assigned', 'answered', 'department'],
      [`${id}.4`, 'cn.tongban.ticket.rate', 'answered', 'closed', 'channel'],
    ]);
    expect(events[1]).toMatchObject({
      source: '/tongban/tickets',
      time: '2026-11-09T02:00:00.000Z',
      data: {
        kind: 'ticket',
        id,
        ticketKind: 'complaint',
        version: 2,
        on: '2026-11-09',
        channelId: PORTAL.channelId,
        departmentId: HOUSING.departmentId,
        fromDepartmentId: MARKET.departmentId,
        caseNo: CASE_NO,
        itemCode: FOOD.implementationCode,
        dueOn: '2026-11-23',
      },
    });
    // Owed only while it is owed; a step that passes it nowhere names no department it left.
    expect(events[2]!.data).not.toHaveProperty('dueOn');
    expect(events[2]!.data).not.toHaveProperty('fromDepartmentId');
    const json = JSON.stringify(events);
    for (const said of PERSONAL) expect(json).not.toContain(said);
  });

  it('goes to the channel and the department it is addressed to after the step: a transfer to both departments, the answer to the new one alone', () => {
    // Act
    const [filing, transferred, answered] = ticketSteps(filedComplaint(true), [transfer, '2026-11-09', MARKET], [ticketAnswer, '2026-11-20', HOUSING]);

    // Assess
    expect(eventAudience(filing!)).toEqual({ channelId: PORTAL.channelId, departmentIds: [MARKET.departmentId] });
    expect(eventAudience(transferred!)).toEqual({ channelId: PORTAL.channelId, departmentIds: [HOUSING.departmentId, MARKET.departmentId] });
    expect(eventAudience(answered!)).toEqual({ channelId: PORTAL.channelId, departmentIds: [HOUSING.departmentId] });
  });

  it('of a ticket nobody holds yet goes to its channel alone; a reassignment names the department it left, the first assignment none', () => {
    // Act
    const [received, assigned, reassigned] = ticketSteps(
      filedComplaint(false),
      [{ action: 'assign', departmentId: MARKET.departmentId!, due: { date: '2026-11-20' } }, '2026-11-09', REVIEWER],
      [{ action: 'assign', departmentId: POLICE.departmentId!, note: '改派', due: { date: '2026-11-24' } }, '2026-11-10', REVIEWER],
    );

    // Assess
    expect(received!.data).not.toHaveProperty('departmentId');
    expect(eventAudience(received!)).toEqual({ channelId: PORTAL.channelId, departmentIds: [] });
    expect(assigned!.data).not.toHaveProperty('fromDepartmentId');
    expect(eventAudience(assigned!).departmentIds).toEqual([MARKET.departmentId]);
    expect(reassigned!.data).toMatchObject({ actorRole: 'platform', departmentId: POLICE.departmentId, fromDepartmentId: MARKET.departmentId });
    expect(eventAudience(reassigned!).departmentIds).toEqual([POLICE.departmentId, MARKET.departmentId]);
  });

  it('is refused for an entry the ticket did not come from', () => {
    const [first, second] = [filedComplaint(true), filedComplaint(false)];
    expect(() => ticketEvent(first.entry, second.ticket)).toThrow(/is not the one entry 1/);
  });
});

describe('an evaluation event', () => {
  it('is made for every entry type — the rating, the answer, its rating, the appeal and both verdicts — with nothing personal in it', () => {
    // Act
    const answered = evaluationSteps([answer, '2026-12-07', MARKET], [{ action: 'rate-answer', level: 'satisfied', comment: '整改及时' }, '2026-12-08', PORTAL]);
    const upheld = evaluationSteps([{ action: 'appeal', reasons: ['系恶意差评'] }, '2026-12-07', MARKET], [{ action: 'uphold', reasons: ['经复核成立'] }, '2026-12-08', REVIEWER]);
    const dismissed = evaluationSteps(
      [{ action: 'appeal', reasons: ['系恶意差评'] }, '2026-12-07', MARKET],
      [{ action: 'dismiss', reasons: ['理由不成立'] }, '2026-12-08', REVIEWER],
    );
    const all = [...answered, ...upheld.slice(1), dismissed.at(-1)!];

    // Assess
    for (const e of all) expect(PlatformEventSchema.parse(e)).toEqual(e);
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(FEEDBACK_EVENT_TYPES.filter((t) => t.startsWith('cn.tongban.evaluation.'))));
    expect(answered.map((e) => [e.data.version, e.data.action, e.data.state, e.data.dueOn])).toEqual([
      [1, 'rate', 'rectifying', '2026-12-09'],
      [2, 'answer', 'answered', undefined],
      [3, 'rate-answer', 'closed', undefined],
    ]);
    expect(answered[1]).toMatchObject({
      id: `${answered[0]!.subject}.2`,
      source: '/tongban/evaluations',
      type: 'cn.tongban.evaluation.answer',
      data: { kind: 'evaluation', channelId: PORTAL.channelId, departmentId: MARKET.departmentId, caseNo: CASE_NO, itemCode: FOOD.implementationCode, actorRole: 'department' },
    });
    expect(dismissed.at(-1)!.data).toMatchObject({ action: 'dismiss', from: 'appealed', state: 'rectifying', actorRole: 'platform' });
    const json = JSON.stringify(all);
    for (const said of [...PERSONAL, '整改及时', 'very-dissatisfied', '经复核成立', '理由不成立']) expect(json).not.toContain(said);
    for (const e of all) expect(eventAudience(e)).toEqual({ channelId: PORTAL.channelId, departmentIds: [MARKET.departmentId] });
  });
});

describe('the keys of the platform events', () => {
  it('keep a case by its number and namespace an evaluation and a ticket by kind, though both ids are 32 hex digits', () => {
    // Arrange
    const [ticket] = ticketSteps(filedComplaint(true));
    const [evaluation] = evaluationSteps();

    // Act / Assess
    expect(eventKey(ticket!)).toBe(`ticket:${ticket!.subject}`);
    expect(eventKey(evaluation!)).toBe(`evaluation:${evaluation!.subject}`);
    expect(keysOfEventId(ticket!.id)).toEqual({ keys: [ticket!.subject, `evaluation:${ticket!.subject}`, `ticket:${ticket!.subject}`], version: 1 });
    expect(keysOfEventId('KM20260929000001.12')).toEqual({ keys: ['KM20260929000001'], version: 12 });
    expect(keysOfEventId('no-version')).toBeUndefined();
    expect(keysOfEventId('KM1.0')).toBeUndefined();
  });

  it('list every case, evaluation and ticket type once as what a subscription may name', () => {
    expect(EVENT_TYPES).toContain('cn.tongban.case.accept');
    expect(EVENT_TYPES).toContain('cn.tongban.ticket.transfer');
    expect(EVENT_TYPES).toContain('cn.tongban.evaluation.rate-answer');
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });
});

// The feedback relay function's EventBridge client answers through this mock.
const bus = mockClient(EventBridgeClient);
afterEach(() => {
  bus.reset();
  vi.unstubAllEnvs();
});

describe('the feedback relay function', () => {
  it("publishes the events of the feedback table's new entries in order as tongban.feedback, passing over heads, and answers the first it could not publish", async () => {
    // Arrange
    vi.stubEnv('CASE_EVENT_BUS_NAME', 'tongban-test-cases');
    vi.stubEnv('AWS_REGION', 'cn-north-1');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const { feedbackRelayHandler } = await import('../../functions/feedback-relay/handler.ts');
    const handler = feedbackRelayHandler();
    const [filing, transferred] = ticketSteps(filedComplaint(true), [transfer, '2026-11-09', MARKET]);
    const [rating] = evaluationSteps();
    const record = (seq: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => ({
      eventName,
      dynamodb: { SequenceNumber: seq, Keys: marshall({ pk: item.pk, sk: item.sk }), NewImage: marshall(item, { removeUndefinedValues: true }) as never },
    });
    const stream = {
      Records: [
        record('200', { pk: `TICKET#${filing!.subject}`, sk: 'H#0000000001', event: filing }),
        // A head is written as a new item too: it holds no event and is no entry.
        record('201', { pk: `TICKET#${filing!.subject}`, sk: 'HEAD', record: {} }),
        record('202', { pk: `EVAL#${rating!.subject}`, sk: 'H#0000000001', event: rating }),
        record('203', { pk: `TICKET#${filing!.subject}`, sk: 'H#0000000002', event: transferred }),
      ],
    } as unknown as DynamoDBStreamEvent;
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }, { EventId: 'c' }] });

    // Act / Assess
    expect(await handler(stream)).toEqual({ batchItemFailures: [{ itemIdentifier: '202' }] });
    bus.reset();
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }, { EventId: 'c' }] });
    expect(await handler(stream)).toEqual({ batchItemFailures: [] });
    const entries = bus.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entries.map((e) => [e.Source, e.DetailType, (JSON.parse(e.Detail!) as { id: string }).id])).toEqual([
      ['tongban.feedback', 'cn.tongban.ticket.file', filing!.id],
      ['tongban.feedback', 'cn.tongban.evaluation.rate', rating!.id],
      ['tongban.feedback', 'cn.tongban.ticket.transfer', transferred!.id],
    ]);
  });
});
