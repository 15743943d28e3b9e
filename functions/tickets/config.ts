// The tickets function's settings from its environment, checked once when it starts (a bad value stops
// it from starting): the working days a department has to answer, per kind.
import type { TicketKind } from '../../shared/contracts/tickets.ts';
import { MAX_TICKET_ANSWER_DAYS } from '../../shared/contracts/tickets.ts';
import { wholeNumberSetting } from '../http/settings.ts';
import { TICKET_DAYS_VARIABLES } from './manifest.ts';

/** The working days to answer per kind, from CONSULTATION_DAYS, COMPLAINT_DAYS, CORRECTION_DAYS (unset: the defaults). */
export function ticketAnswerDays(env: Record<string, string | undefined>): Partial<Record<TicketKind, number>> {
  return Object.fromEntries(
    Object.entries(TICKET_DAYS_VARIABLES).flatMap(([kind, variable]) => {
      const days = wholeNumberSetting(env, variable, 1, MAX_TICKET_ANSWER_DAYS);
      return days !== undefined ? [[kind, days]] : [];
    }),
  );
}
