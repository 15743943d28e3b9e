// Lambda: consultations, complaints and correction requests (shared/domain/tickets/ticket-service.ts) —
// every /v1/tickets route. Late tickets are found by the watch function's daily pass (lateOccurrences).
import { dynamoDocumentClient, requiredEnv } from '../../shared/adapters/aws-clients.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { DynamoLicenceStore } from '../../shared/adapters/dynamo-licence-store.ts';
import { DynamoTicketStore } from '../../shared/adapters/dynamo-ticket-store.ts';
import type { CalendarSource } from '../../shared/domain/calendar/calendar-source.ts';
import { TicketService } from '../../shared/domain/tickets/ticket-service.ts';
import { StoredCaseCorrections, StoredLicenceAmendments, StoredTicketSubjects } from '../../shared/domain/tickets/ticket-subjects.ts';
import { TICKET_ROUTES } from '../../shared/contracts/tickets.ts';
import { apiHandler } from '../http/api-handler.ts';
import { storedCalendar } from '../http/calendar.ts';
import { observability } from '../http/observability.ts';
import { ticketAnswerDays } from './config.ts';

const { logger } = observability('tickets');

export function ticketsHandler(options: { now?: () => Date; calendar?: CalendarSource } = {}) {
  const db = dynamoDocumentClient();
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const licences = new DynamoLicenceStore(db, requiredEnv('CASES_TABLE'));
  // Read only: the tickets function may not move a case's head.
  const cases = new DynamoCaseStore(db, requiredEnv('CASES_TABLE'), { readOnly: true });
  const tickets = new TicketService({
    store: new DynamoTicketStore(db, requiredEnv('FEEDBACK_TABLE')),
    subjects: new StoredTicketSubjects({
      items: new DynamoItemStore(db, requiredEnv('ITEMS_TABLE')),
      cases,
      directory: () => directory.load(),
      licences,
    }),
    amendments: new StoredLicenceAmendments(licences),
    caseCorrections: new StoredCaseCorrections(cases),
    calendar: options.calendar ?? storedCalendar(db, logger),
    answerDays: ticketAnswerDays(process.env),
    ...(options.now ? { now: options.now } : {}),
  });

  return apiHandler(
    'tickets',
    TICKET_ROUTES,
    {
      fileTicket: ({ caller, headers, body }) => tickets.file(caller, headers['idempotency-key'], body),
      listTickets: ({ caller, query }) => tickets.list(caller, query),
      getTicket: ({ caller, params }) => tickets.get(caller, params.id),
      assignTicket: ({ caller, params, body }) => tickets.assign(caller, params.id, body),
      transferTicket: ({ caller, params, body }) => tickets.transfer(caller, params.id, body),
      answerTicket: ({ caller, params, body }) => tickets.answer(caller, params.id, body),
      rateTicket: ({ caller, params, body }) => tickets.rate(caller, params.id, body),
    },
    { directory: () => directory.load() },
  );
}

export const handler = ticketsHandler();
