// Every route of the API, once: the table of every function's routes, each list written beside its
// schemas (<function>-routes.ts, statistics.ts, evaluations.ts, tickets.ts). The CDK API stack builds its
// resources and methods from this table, the embedded server routes with it and the OpenAPI document is
// generated from it: one list, so they cannot drift apart. A function's handler validates with its own
// list alone (apiHandler), so its bundle carries its own routes' schemas, not every route's.
import { CASE_ROUTES } from './cases-routes.ts';
import { CATALOGUE_ROUTES } from './catalogue-routes.ts';
import { EVALUATION_ROUTES } from './evaluations.ts';
import { EVENT_ROUTES } from './events-routes.ts';
import { PLATFORM_ROUTES } from './platform-routes.ts';
import type { FunctionName, RouteSpec } from './route-spec.ts';
import { SEAL_ROUTES } from './seals-routes.ts';
import { STATISTICS_ROUTES } from './statistics.ts';
import { SUPERVISION_ROUTES } from './supervision-routes.ts';
import { TICKET_ROUTES } from './tickets.ts';

export type { FunctionName, RouteSpec } from './route-spec.ts';

export const ROUTES = [
  ...PLATFORM_ROUTES,
  ...CATALOGUE_ROUTES,
  ...CASE_ROUTES,
  ...SUPERVISION_ROUTES,
  ...SEAL_ROUTES,
  ...EVENT_ROUTES,
  ...STATISTICS_ROUTES,
  ...EVALUATION_ROUTES,
  ...TICKET_ROUTES,
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

/** The routes of function `F`, each with its own schemas' types. */
export type RouteOf<F extends FunctionName> = Extract<(typeof ROUTES)[number], { function: F }>;

/** The routes function `fn` serves, in the table's order. */
export function routesOf<F extends FunctionName>(fn: F): RouteOf<F>[] {
  return ROUTES.filter((r): r is RouteOf<F> => r.function === fn);
}
