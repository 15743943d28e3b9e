// Tickets on dynalite over the real DynamoDB wire protocol, through the ticket service: one ticket
// however many concurrent filings under a key, the lifecycle with its hash-chained history and the head's
// index keys following it (the department's list, the due list), a concurrent answer refused, a head left
// behind rolled forward, an edited ticket found, the lists by channel (China days across the UTC date
// line), department and state with filters and cursors, and the late tickets read from the due list.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Ticket } from '../../shared/domain/tickets/ticket.ts';
import { TicketService } from '../../shared/domain/tickets/ticket-service.ts';
import type { TicketSubjects } from '../../shared/domain/tickets/ticket-subjects.ts';
import { complaint, query } from '../support/ticket-fixtures.ts';
import { FOOD, HALL, HOUSING, MARKET, POLICE, PORTAL, REVIEWER } from '../support/case-fixtures.ts';
import { DEPARTMENTS } from '../support/directory-fixtures.ts';
import { LOCAL_TABLES, startLocalTables } from '../support/local-tables.ts';
import { rejection } from '../support/refusal.ts';

let db: DynamoDBDocumentClient;
let store: DynamoTicketStore;
let service: TicketService;
let stop: () => Promise<void>;
/** The service's clock: 10:00 in China on the day set (or the time given). */
let clock = new Date('2026-11-06T02:00:00.000Z');
const day = (date: string, time = '10:00:00') => {
  clock = new Date(`${date}T${time}+08:00`);
};

const subjects: TicketSubjects = {
  itemDepartment: async (code) => (code === FOOD.implementationCode ? FOOD.departmentId : undefined),
  caseOf: async () => undefined,
  departmentExists: async (id) => Object.values(DEPARTMENTS).some((d) => d.id === id),
  licence: async () => undefined,
};

beforeAll(async () => {
  ({ db, stop } = await startLocalTables());
  store = new DynamoTicketStore(db, LOCAL_TABLES.feedback, { onHeadLag: () => undefined });
  service = new TicketService({
    store,
    subjects,
    amendments: { amendedBy: async () => ({ ok: false, reason: 'unknown-licence' }) },
    caseCorrections: { correctedBy: async () => ({ ok: false, reason: 'unknown-case' }) },
    calendar: officialCalendar,
    now: () => clock,
  });
});

afterAll(async () => stop());

let serial = 0;
const key = () => `itest-${++serial}`;

async function items(id: string): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({ TableName: LOCAL_TABLES.feedback, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TICKET#${id}` }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

async function head(id: string): Promise<Record<string, unknown>> {
  return (await db.send(new GetCommand({ TableName: LOCAL_TABLES.feedback, Key: { pk: `TICKET#${id}`, sk: 'HEAD' }, ConsistentRead: true }))).Item!;
}

describe('filing', () => {
  it('keeps one ticket however many filings under one key run at once; each is answered its receipt', async () => {
    // Prepare
    day('2026-11-06');
    const k = key();

    // Act
    const receipts = await Promise.all(Array.from({ length: 12 }, () => service.file(PORTAL, k, complaint())));

    // Assess
    expect(new Set(receipts.map((r) => r.id)).size).toBe(1);
    expect(receipts.filter((r) => !r.replayed).length).toBeLessThanOrEqual(1);
    expect(receipts[0]).toMatchObject({ state: 'assigned', departmentId: MARKET.departmentId, dueOn: '2026-11-20' });
    expect((await items(receipts[0]!.id)).map((i) => i.sk)).toEqual(['H#0000000001', 'HEAD']);
  });
});

describe('the lifecycle', () => {
  it('records transfer, answer and rating in a history that verifies; the head lists it under its department, and owed while owed', async () => {
    // Prepare
    day('2026-11-06');
    const { id } = await service.file(PORTAL, key(), complaint());
    const filedHead = await head(id);

    // Act
    day('2026-11-09');
    await service.transfer(MARKET, id, { departmentId: HOUSING.departmentId!, reasons: '属住建部门职责' });
    const transferredHead = await head(id);
    const oldDepartment = await service.list(MARKET, query());
    day('2026-11-10');
    await service.answer(HOUSING, id, { text: '已核实并处理。', outcome: 'substantiated' });
    const answeredHead = await head(id);
    await service.rate(PORTAL, id, { level: 'very-satisfied' });
    const view = await service.get(REVIEWER, id);

    // Assess
    expect(filedHead).toMatchObject({
      kind: 'ticket',
      ticketKind: 'complaint',
      state: 'assigned',
      channelId: PORTAL.channelId,
      departmentId: MARKET.departmentId,
      chPk: `CH#${PORTAL.channelId}#TICKET`,
      chSk: `2026-11-06T02:00:00.000Z#${id}`,
      dPk: `DEPT#${MARKET.departmentId}#TICKET`,
      dSk: `2026-11-06#${id}`,
      sPk: 'STATE#TICKET#assigned',
      duePk: 'DUE#TICKET',
      dueSk: `2026-11-20#${id}`,
    });
    expect(transferredHead).toMatchObject({ dPk: `DEPT#${HOUSING.departmentId}#TICKET`, dueSk: `2026-11-23#${id}` });
    expect(oldDepartment.tickets.map((t) => t.id)).not.toContain(id);
    expect(answeredHead).toMatchObject({ state: 'answered', sPk: 'STATE#TICKET#answered' });
    expect(answeredHead.duePk).toBeUndefined();
    expect(view.history.map((e) => e.type)).toEqual(['file', 'transfer', 'answer', 'rate']);
    expect(view.check).toEqual({ ok: true });
    expect(view.ticket).toMatchObject({ state: 'closed', rating: { level: 'very-satisfied' }, answer: { onTime: true } });
  });

  it('lets one of two concurrent answers through; the other is refused, nothing half-written', async () => {
    // Prepare
    day('2026-11-06');
    const { id } = await service.file(PORTAL, key(), complaint());

    // Act
    const results = await Promise.allSettled([
      service.answer(MARKET, id, { text: '第一份答复。' }),
      service.answer({ ...MARKET, name: 'market-deputy' }, id, { text: '第二份答复。' }),
    ]);
    const view = await service.get(REVIEWER, id);

    // Assess
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected')!.reason as { code: string };
    expect(['TICKET_VERSION_CONFLICT', 'TICKET_STATE_CONFLICT']).toContain(refused.code);
    expect(view.history.map((e) => e.type)).toEqual(['file', 'answer']);
    expect(view.check).toEqual({ ok: true });
  });

  it('rolls a head left behind forward on the next read, and finds a ticket edited in place', async () => {
    // Prepare
    day('2026-11-06');
    const { id } = await service.file(PORTAL, key(), complaint());
    const behind = await head(id);
    await service.answer(MARKET, id, { text: '已答复。' });
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.feedback, Item: behind }));
    const edited = await service.file(PORTAL, key(), complaint());
    const stored = await head(edited.id);
    const record = stored.record as Ticket;
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.feedback, Item: { ...stored, record: { ...record, departmentId: POLICE.departmentId } } }));

    // Act
    const rolled = await service.get(MARKET, id);
    const rolledHead = await head(id);
    const broken = await service.get(REVIEWER, edited.id);
    const refused = await rejection(service.assign(REVIEWER, edited.id, { departmentId: HOUSING.departmentId! }));

    // Assess
    expect(rolled.ticket.state).toBe('answered');
    expect(rolled.check).toEqual({ ok: true });
    expect(rolledHead).toMatchObject({ version: 2, state: 'answered' });
    expect(broken.check).toMatchObject({ ok: false, n: 1 });
    expect(refused.code).toBe('TICKET_STATE_CONFLICT');
  });
});

describe('the lists', () => {
  it("lists a channel's tickets by the China day filed, across the UTC date line, newest first, a page at a time", async () => {
    // Prepare: filed 00:30 on 1 Dec China time (30 Nov in UTC), 23:30 on 1 Dec, and 00:30 on 2 Dec.
    const filed: string[] = [];
    for (const [date, time] of [
      ['2026-12-01', '00:30:00'],
      ['2026-12-01', '23:30:00'],
      ['2026-12-02', '00:30:00'],
    ] as const) {
      day(date, time);
      filed.push((await service.file(HALL, key(), complaint({ kind: 'consultation' }))).id);
    }

    // Act
    const first = await service.list(HALL, query({ from: '2026-12-01', to: '2026-12-01', limit: 1 }));
    const second = await service.list(HALL, query({ from: '2026-12-01', to: '2026-12-01', limit: 5, cursor: first.nextCursor! }));
    const later = await service.list(HALL, query({ from: '2026-12-02' }));
    const notMine = await service.list(PORTAL, query({ from: '2026-12-01', to: '2026-12-02' }));
    const forged = await rejection(service.list(HALL, query({ from: '2026-12-02', cursor: first.nextCursor! })));

    // Assess
    expect([...first.tickets, ...second.tickets].map((t) => t.id)).toEqual([filed[1], filed[0]]);
    expect(second.nextCursor).toBeUndefined();
    expect(later.tickets.map((t) => t.id)).toEqual([filed[2]]);
    expect(notMine.tickets).toEqual([]);
    expect(forged.code).toBe('INVALID_CURSOR');
  });

  it('lists by department and by state, narrowed by kind and state, and reads the late ones from the due list', async () => {
    // Prepare
    day('2026-12-07');
    const received = await service.file(PORTAL, key(), complaint({ about: undefined }));
    const consultation = await service.file(PORTAL, key(), complaint({ kind: 'consultation', about: { department: POLICE.departmentId! } }));
    const complaintToPolice = await service.file(PORTAL, key(), complaint({ about: { department: POLICE.departmentId! } }));

    // Act
    const police = await service.list(POLICE, query({ from: '2026-12-07' }));
    const policeConsultations = await service.list(REVIEWER, query({ department: POLICE.departmentId!, kind: 'consultation', from: '2026-12-07' }));
    const waiting = await service.list(REVIEWER, query({ state: 'received', from: '2026-12-07' }));
    const late = await service.lateOccurrences('2026-12-15', { limit: 100 });

    // Assess
    expect(police.tickets.map((t) => t.id).sort()).toEqual([consultation.id, complaintToPolice.id].sort());
    expect(policeConsultations.tickets.map((t) => t.id)).toEqual([consultation.id]);
    expect(waiting.tickets.map((t) => t.id)).toEqual([received.id]);
    expect(police.tickets.every((t) => !('person' in t))).toBe(true);
    // Due Mon 14 Dec (5 working days from Mon 7 Dec): late on the 15th; the complaint (10 days) is not.
    const lateIds = late.occurrences.map((o) => o.facts.id);
    expect(lateIds).toContain(consultation.id);
    expect(lateIds).not.toContain(complaintToPolice.id);
    expect(late.occurrences.find((o) => o.facts.id === consultation.id)).toMatchObject({
      occurrence: 'ticket-late#1',
      departmentId: POLICE.departmentId,
      facts: { dueOn: '2026-12-14' },
    });
  });
});
