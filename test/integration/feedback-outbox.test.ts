// The outbox of evaluations and tickets on dynalite (over the wire protocol): each history entry item
// the stores write holds its event (the head holds none), and the platform's outbox reads a case's
// entries from the cases table and an evaluation's or a ticket's from the feedback table, by their keys.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey, entryKey } from '../../shared/adapters/case-items.ts';
import { DynamoEvaluationStore } from '../../shared/adapters/dynamo-evaluation-store.ts';
import { DynamoCaseOutbox, DynamoFeedbackOutbox, PlatformOutbox } from '../../shared/adapters/dynamo-event-store.ts';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store.ts';
import { FeedbackEventSchema } from '../../shared/contracts/feedback-events.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { applyEvaluationCommand } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import { evaluationEvent, ticketEvent } from '../../shared/domain/events/feedback-event.ts';
import { TicketService } from '../../shared/domain/tickets/ticket-service.ts';
import { caseEventOf } from '../support/case-event-fixtures.ts';
import { badReview } from '../support/evaluation-fixtures.ts';
import { FOOD, HOUSING, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';
import { LOCAL_TABLES, startLocalTables } from '../support/local-tables.ts';
import { complaint } from '../support/ticket-fixtures.ts';

let db: DynamoDBDocumentClient;
let stop: () => Promise<void>;
let tickets: DynamoTicketStore;
let evaluations: DynamoEvaluationStore;
let clock = new Date('2026-11-06T02:00:00.000Z');

beforeAll(async () => {
  ({ db, stop } = await startLocalTables());
  tickets = new DynamoTicketStore(db, LOCAL_TABLES.feedback);
  evaluations = new DynamoEvaluationStore(db, LOCAL_TABLES.feedback);
});
afterAll(async () => stop());

const partition = async (pk: string) =>
  (await db.send(new QueryCommand({ TableName: LOCAL_TABLES.feedback, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true })))
    .Items ?? [];

/** A complaint filed, transferred and answered through the service on the feedback table: its id. */
async function ticketTransferredAndAnswered(): Promise<string> {
  const service = new TicketService({
    store: tickets,
    subjects: {
      itemDepartment: async (code) => (code === FOOD.implementationCode ? FOOD.departmentId : undefined),
      caseOf: async () => undefined,
      departmentExists: async (id) => Object.values(DEPARTMENTS).some((d) => d.id === id),
      licence: async () => undefined,
    },
    amendments: { amendedBy: async () => ({ ok: false, reason: 'unknown-licence' }) },
    caseCorrections: { correctedBy: async () => ({ ok: false, reason: 'unknown-case' }) },
    calendar: officialCalendar,
    now: () => clock,
  });
  const { id } = await service.file(PORTAL, `outbox-${Math.random()}`, complaint());
  clock = new Date('2026-11-09T02:00:00.000Z');
  await service.transfer(MARKET, id, { departmentId: HOUSING.departmentId!, reasons: '属住建部门职责' });
  clock = new Date('2026-11-10T02:00:00.000Z');
  await service.answer(HOUSING, id, { text: '已核实并处理。', outcome: 'substantiated' });
  return id;
}

/** A bad review of a case rated and answered, written through the store: its id. */
async function reviewAnswered(caseNo: string): Promise<string> {
  const rated = badReview(caseNo, 'dissatisfied');
  await evaluations.create(rated);
  const answered = applyEvaluationCommand(
    rated.evaluation,
    { action: 'answer', verification: '经核实', kind: 'rectified', text: '已整改', followUp: { on: '2026-12-07', by: '王科长', outcome: '已回访' } },
    { actor: MARKET, at: '2026-12-07T02:00:00.000Z', today: '2026-12-07' },
  );
  await evaluations.append(answered, rated.evaluation);
  return rated.evaluation.id;
}

describe('the feedback outbox', () => {
  it("keeps each entry's event in the entry's item, as the entry and the record after it say, and none in the head", async () => {
    // Act
    const ticketId = await ticketTransferredAndAnswered();
    const reviewId = await reviewAnswered('KM20261204OUTBOX0001');

    // Assess
    for (const [pk, eventOf] of [
      [`TICKET#${ticketId}`, (i: Record<string, unknown>) => ticketEvent(i.entry as never, i.record as never)],
      [`EVAL#${reviewId}`, (i: Record<string, unknown>) => evaluationEvent(i.entry as never, i.record as never)],
    ] as const) {
      const items = await partition(pk);
      const entries = items.filter((i) => (i.sk as string).startsWith('H#'));
      expect(entries.length).toBeGreaterThanOrEqual(2);
      for (const item of entries) {
        expect(FeedbackEventSchema.parse(item.event)).toEqual(item.event);
        expect(item.event).toEqual(eventOf(item));
      }
      expect(items.find((i) => i.sk === 'HEAD')).not.toHaveProperty('event');
    }
    const ticketItems = await partition(`TICKET#${ticketId}`);
    expect(ticketItems.filter((i) => i.event).map((i) => (i.event as { type: string }).type)).toEqual([
      'cn.tongban.ticket.file',
      'cn.tongban.ticket.transfer',
      'cn.tongban.ticket.answer',
    ]);
    expect((ticketItems[1]!.event as { data: object }).data).toMatchObject({ departmentId: HOUSING.departmentId, fromDepartmentId: MARKET.departmentId });
  });

  it("reads a case's entries from the cases table and an evaluation's or a ticket's from the feedback table, by their keys", async () => {
    // Arrange
    const ticketId = await ticketTransferredAndAnswered();
    const reviewId = await reviewAnswered('KM20261204OUTBOX0002');
    const caseNo = 'KM20261204OUTBOX0003';
    const e1 = caseEventOf(caseNo, { channelId: PORTAL.channelId!, departmentId: MARKET.departmentId! }, 1);
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.cases, Item: { pk: caseKey(caseNo), sk: entryKey(1), entry: { n: 1 }, event: e1 } }));
    const outbox = new PlatformOutbox(new DynamoCaseOutbox(db, LOCAL_TABLES.cases), new DynamoFeedbackOutbox(db, LOCAL_TABLES.feedback));

    // Act
    const ticket = await outbox.entries(`ticket:${ticketId}`, 2, 3);
    const review = await outbox.entries(`evaluation:${reviewId}`, 1, 5);
    const kase = await outbox.entries(caseNo, 1, 3);

    // Assess
    expect(ticket.map((e) => [e.version, e.event?.type, e.event?.subject])).toEqual([
      [2, 'cn.tongban.ticket.transfer', ticketId],
      [3, 'cn.tongban.ticket.answer', ticketId],
    ]);
    expect(review.map((e) => [e.version, e.event?.type])).toEqual([
      [1, 'cn.tongban.evaluation.rate'],
      [2, 'cn.tongban.evaluation.answer'],
    ]);
    expect(kase).toEqual([{ version: 1, event: e1 }]);
    // An id under the other kind's key is another record: nothing there.
    expect(await outbox.entries(`evaluation:${ticketId}`, 1, 3)).toEqual([]);
    await expect(outbox.entries(`finding:${ticketId}`, 1, 3)).rejects.toThrow(/no evaluation or ticket key/);
  });
});
