// Tickets the unit and integration tests file: a complaint about the food item for 张三, and a list query.
import type { FileTicketRequest, TicketListQuery } from '../../shared/contracts/tickets.ts';
import { FOOD, ZHANG } from './case-fixtures.ts';

export const complaint = (over: Partial<FileTicketRequest> = {}): FileTicketRequest => ({
  kind: 'complaint',
  about: { item: FOOD.implementationCode },
  person: ZHANG,
  subject: '窗口办理拖延',
  text: '申请材料齐全，窗口人员拖延不予受理。',
  ...over,
});

export const query = (q: Partial<TicketListQuery> = {}): TicketListQuery => ({ limit: 20, ...q });
