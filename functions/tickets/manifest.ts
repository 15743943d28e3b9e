// The tickets function: consultations, complaints and data-correction requests (咨询投诉, 更正申请) —
// filed by the channels, passed on by the platform role, passed on and answered by the departments,
// rated by the channels; listed and read with their history.
import { FEEDBACK_TABLE } from '../../shared/adapters/table-layout.ts';
import type { TicketKind } from '../../shared/contracts/tickets.ts';
import type { ApiFunctionManifest } from '../manifest.ts';
import { TICKET_DAYS_VARIABLES } from './config.ts';

export const tickets = {
  name: 'tickets',
  description: 'consultations, complaints and correction requests',
  trigger: { kind: 'api' },
  tables: {
    // shared/adapters/dynamo-ticket-store.ts (on dynamo-chained-records.ts): reads a ticket (GetItem of
    // its head, Query of its entries), files it and records an action (conditional PutItem of the entry,
    // PutItem of the head), lists by the indexes (every one but the due list, which the watch function reads).
    feedback: {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      indexes: [FEEDBACK_TABLE.indexes.byChannel.name, FEEDBACK_TABLE.indexes.byDepartment.name, FEEDBACK_TABLE.indexes.byState.name],
    },
    // A ticket about an item is routed to its department: the item's newest version (Query) and head (GetItem).
    items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // A ticket about a case, and a case correction an answer names: the case read (its head, GetItem;
    // its newest entries, Query), read only; a correction of a licence: the licence (GetItem).
    cases: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    // Resolves callers; the departments a ticket is passed to.
    directory: { actions: ['dynamodb:GetItem'] },
  },
  // Due days are counted in working days.
  calendar: ['dynamodb:Query'],
  // The working days to answer, per kind, when configured (infra/config.ts `ticketAnswerDays`; unset: the defaults).
  environment: (config): Record<string, string> =>
    Object.fromEntries(
      Object.entries(TICKET_DAYS_VARIABLES).flatMap(([kind, variable]) => {
        const days = config.ticketAnswerDays?.[kind as TicketKind];
        return days !== undefined ? [[variable, String(days)]] : [];
      }),
    ),
  limits: { timeoutSeconds: 10 },
  load: async () => (await import('./handler.ts')).ticketsHandler,
} as const satisfies ApiFunctionManifest<'tickets'>;
