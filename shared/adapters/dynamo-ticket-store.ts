// TicketStore on DynamoDB (FEEDBACK_TABLE), without transactions (dynalite has none):
//
//   TICKET#<id> / H#<n, 10 digits>  history entry n and the ticket after it (dynamo-chained-records.ts
//   TICKET#<id> / HEAD              writes, reads and checks them, as for every chained record)
//
// Index keys of the head (FEEDBACK_TABLE.indexes; ASCII, so DynamoDB's byte order is JavaScript's):
//   byChannel     CH#<channelId>#TICKET          <receivedAt ISO>#<id>
//   byDepartment  DEPT#<departmentId>#TICKET     <receivedOn>#<id>     (once routed: the department it is addressed to)
//   byState       STATE#TICKET#<state>           <receivedOn>#<id>
//   due           DUE#TICKET                     <dueOn>#<id>          (assigned only: a department owes the answer)
// The head also carries `kind` (`ticket`), `ticketKind`, `state`, `channelId`, `departmentId` (once
// routed), `receivedOn`, `dueOn` and `dueProvisional` as attributes of their own: the lists filter by them.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TICKET_ID_PATTERN } from '../contracts/tickets.ts';
import { conflict, tooLarge } from '../domain/errors.ts';
import { ticketEvent } from '../domain/events/feedback-event.ts';
import type { Ticket, TicketHistoryEntry } from '../domain/tickets/ticket.ts';
import { awaitingAnswer } from '../domain/tickets/ticket.ts';
import type { TicketPage, TicketSelection, TicketStore } from '../domain/tickets/ticket-store.ts';
import type { ChainedKind, DynamoChainedRecordsOptions } from './dynamo-chained-records.ts';
import { DynamoChainedStore } from './dynamo-chained-records.ts';
import { daySpan, dueSpan, equalityFilter } from './head-list-query.ts';
import { FEEDBACK_TABLE } from './table-layout.ts';

const { indexes } = FEEDBACK_TABLE;

/** Tickets as chained records: their partitions, and what their heads carry for the lists and the late pass. */
/** The partitions' prefix (the events' outbox reads the entries there: dynamo-event-store.ts). */
export const TICKET_PARTITION_PREFIX = 'TICKET#';

const TICKETS: ChainedKind<Ticket, TicketHistoryEntry> = {
  prefix: TICKET_PARTITION_PREFIX,
  attribute: 'record',
  idPattern: TICKET_ID_PATTERN,
  subjectOf: (entry) => entry.ticketId,
  headAttributes: (t) => {
    const listed = `${t.receivedOn}#${t.id}`;
    return {
      kind: 'ticket',
      ticketKind: t.kind,
      state: t.state,
      channelId: t.channelId,
      receivedOn: t.receivedOn,
      ...(t.departmentId !== undefined ? { departmentId: t.departmentId } : {}),
      ...(t.dueOn !== undefined ? { dueOn: t.dueOn } : {}),
      ...(t.dueProvisional ? { dueProvisional: true } : {}),
      [indexes.byChannel.partitionKey]: `CH#${t.channelId}#TICKET`,
      [indexes.byChannel.sortKey]: `${t.receivedAt}#${t.id}`,
      ...(t.departmentId !== undefined ? { [indexes.byDepartment.partitionKey]: `DEPT#${t.departmentId}#TICKET`, [indexes.byDepartment.sortKey]: listed } : {}),
      [indexes.byState.partitionKey]: `STATE#TICKET#${t.state}`,
      [indexes.byState.sortKey]: listed,
      ...(awaitingAnswer(t) && t.dueOn !== undefined ? { [indexes.due.partitionKey]: 'DUE#TICKET', [indexes.due.sortKey]: `${t.dueOn}#${t.id}` } : {}),
    };
  },
  versionConflict: (id, n) => conflict('TICKET_VERSION_CONFLICT', '该事项已被他人处理，请刷新后重试', `ticket ${id}: entry ${n} was written first by someone else`),
  tooLarge: (bytes, key) => tooLarge('TICKET_TOO_LARGE', `咨询投诉记录超过容量上限（${bytes} 字节）`, `ticket item ${key} would be ${bytes} bytes, over DynamoDB's limit`),
  noun: 'ticket',
  // Each entry carries its event (shared/contracts/feedback-events.ts): the feedback relay publishes it.
  eventOf: (entry, record) => ticketEvent(entry, record),
};

export class DynamoTicketStore extends DynamoChainedStore<'ticket', Ticket, TicketHistoryEntry> implements TicketStore {
  constructor(db: DynamoDBDocumentClient, tableName: string, options: DynamoChainedRecordsOptions = {}) {
    super(db, tableName, TICKETS, { key: 'ticket', first: 'file' }, options);
  }

  async list(selection: TicketSelection, page: { limit: number; cursor?: string | undefined }): Promise<TicketPage> {
    const { by } = selection;
    // The criteria the index does not key, as a filter on the heads' own attributes.
    const filter = equalityFilter({ ticketKind: selection.filter.kind, state: selection.filter.state, departmentId: selection.filter.department });
    // A channel's heads sort by the instant filed, the others by the day.
    const [index, partition, sortedBy] =
      'channel' in by
        ? ([indexes.byChannel, `CH#${by.channel}#TICKET`, 'instant'] as const)
        : 'department' in by
          ? ([indexes.byDepartment, `DEPT#${by.department}#TICKET`, 'day'] as const)
          : ([indexes.byState, `STATE#TICKET#${by.state}`, 'day'] as const);
    const sortBetween = daySpan(selection, sortedBy);
    const out = await this.records.page({
      index,
      partition,
      ...(sortBetween ? { sortBetween } : {}),
      ...(filter ? { filter } : {}),
      newestFirst: true,
      page,
    });
    return out.nextCursor ? { tickets: out.records, nextCursor: out.nextCursor } : { tickets: out.records };
  }

  async due(through: string, page: { limit: number; cursor?: string | undefined }, from?: string): Promise<TicketPage> {
    const out = await this.records.page({ index: indexes.due, partition: 'DUE#TICKET', sortBetween: dueSpan(through, from), page });
    return out.nextCursor ? { tickets: out.records, nextCursor: out.nextCursor } : { tickets: out.records };
  }
}
