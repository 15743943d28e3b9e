// Every code the platform can answer with, once: the union of the modules' registries (errors/), each
// code with its kind, and of the gateway's (gateway-errors.ts). The domain's raisers
// (shared/domain/errors.ts) take only a registered code of their kind, and the route table lists only
// registered codes, so a code nobody registered is a compile error wherever it is written.
import { ACCESS_ERRORS } from './errors/access.ts';
import { ARCHIVE_ERRORS } from './errors/archive.ts';
import { CALENDAR_ERRORS } from './errors/calendar.ts';
import { CASE_ERRORS } from './errors/cases.ts';
import { EVALUATION_ERRORS } from './errors/evaluations.ts';
import { EVENT_ERRORS } from './errors/events.ts';
import { FINDING_ERRORS } from './errors/findings.ts';
import { IDENTIFIER_ERRORS } from './errors/identifiers.ts';
import { ITEM_ERRORS } from './errors/items.ts';
import { LICENCE_ERRORS } from './errors/licences.ts';
import { MATERIAL_ERRORS } from './errors/materials.ts';
import type { ErrorKind } from './errors/registry.ts';
import { REQUEST_ERRORS } from './errors/request.ts';
import { SUPERVISION_RULE_ERRORS } from './errors/supervision-rules.ts';
import { STATISTICS_ERRORS } from './errors/statistics.ts';
import { TICKET_ERRORS } from './errors/tickets.ts';
import type { GatewayErrorCode } from './gateway-errors.ts';

export type { ErrorEntry, ErrorKind, ErrorRegistry } from './errors/registry.ts';

/** The registries, by the module whose codes each holds. */
export const ERROR_REGISTRIES = {
  access: ACCESS_ERRORS,
  archive: ARCHIVE_ERRORS,
  calendar: CALENDAR_ERRORS,
  cases: CASE_ERRORS,
  evaluations: EVALUATION_ERRORS,
  events: EVENT_ERRORS,
  findings: FINDING_ERRORS,
  identifiers: IDENTIFIER_ERRORS,
  items: ITEM_ERRORS,
  licences: LICENCE_ERRORS,
  materials: MATERIAL_ERRORS,
  request: REQUEST_ERRORS,
  supervisionRules: SUPERVISION_RULE_ERRORS,
  statistics: STATISTICS_ERRORS,
  tickets: TICKET_ERRORS,
} as const;

type Registry = (typeof ERROR_REGISTRIES)[keyof typeof ERROR_REGISTRIES];
type EntryKind<E> = E extends { readonly kind: infer K } ? K : E;
/** The kind `C` is registered with (distributing over the registries: a code is in one). */
type KindOf<C extends string, R = Registry> = R extends unknown ? (C extends keyof R ? EntryKind<R[C]> : never) : never;

/** A code of the modules' registries. */
export type RegisteredCode = Registry extends infer R ? (R extends unknown ? keyof R & string : never) : never;

/** Every code the platform answers with: the modules' and the gateway's. */
export type ErrorCode = RegisteredCode | GatewayErrorCode;

/** The registered codes of kind `K`: what the raiser of that kind takes. */
export type CodeOfKind<K extends ErrorKind> = { [C in RegisteredCode]: KindOf<C> extends K ? C : never }[RegisteredCode];
