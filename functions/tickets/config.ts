// The tickets function's settings from its environment, checked once when it starts (a bad value stops
// it from starting): the working days a department has to answer, per kind. The manifest imports the
// variables' names from here, never the other way: a bundle that reached its manifest would reach its
// handler through the manifest's dynamic import, and esbuild would then wrap every module for lazy
// start and keep what it otherwise shakes (the tickets bundle carried all of DynamoDB's commands).
import type { TicketKind } from '../../shared/contracts/tickets.ts';
import { MAX_TICKET_ANSWER_DAYS } from '../../shared/contracts/tickets.ts';
import { wholeNumberSetting } from '../http/settings.ts';

/** The variables that give the tickets function its working days to answer, by kind (the manifest sets them). */
export const TICKET_DAYS_VARIABLES: Readonly<Record<TicketKind, string>> = { consultation: 'CONSULTATION_DAYS', complaint: 'COMPLAINT_DAYS', correction: 'CORRECTION_DAYS' };

/** The working days to answer per kind, from CONSULTATION_DAYS, COMPLAINT_DAYS, CORRECTION_DAYS (unset: the defaults). */
export function ticketAnswerDays(env: Record<string, string | undefined>): Partial<Record<TicketKind, number>> {
  return Object.fromEntries(
    Object.entries(TICKET_DAYS_VARIABLES).flatMap(([kind, variable]) => {
      const days = wholeNumberSetting(env, variable, 1, MAX_TICKET_ANSWER_DAYS);
      return days !== undefined ? [[kind, days]] : [];
    }),
  );
}
