// The routes the `platform` function serves: health (with how far the official holiday data reaches), the
// OpenAPI document, who calls, the departments, and the operated reference data — the official holiday
// arrangements and the supervision rules. Listed in the route table (routes.ts); the function's bundle
// imports these alone.
import * as z from 'zod';
import {
  CALENDAR_LOAD_ERRORS,
  CalendarLoadResultSchema,
  CalendarOverviewSchema,
  CalendarYearDocumentSchema,
  CalendarYearParamsSchema,
  CalendarYearViewSchema,
} from './calendar.ts';
import { CallerViewSchema, DepartmentListSchema } from './directory.ts';
import {
  RULE_CATALOGUE_LOAD_ERRORS,
  RuleCatalogueDocumentSchema,
  RuleCatalogueLoadResultSchema,
  RuleCatalogueVersionsSchema,
  RulesInForceViewSchema,
} from './supervision-rules.ts';
import type { RouteSpec } from './route-spec.ts';
import { ANY_ROLE } from './route-spec.ts';

/** The API's version: the OpenAPI document's and the health answer's. */
export const API_VERSION = '0.1.0';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '`degraded`: the stored calendar could not be read (the last one read, or the shipped one, is counted on)' }),
    version: z.string(),
    calendar: z
      .object({
        loadedUntil: z.iso.date().optional().meta({ description: "the last day of the official holiday data that holds today; absent: today's year is not loaded" }),
        daysLeft: z.int().meta({ description: "days until then (0: today's year is counted provisionally)" }),
        years: z.array(z.int()),
      })
      .optional(),
  })
  .meta({ id: 'Health' });

/** The routes of the `platform` function, in the route table's order. */
export const PLATFORM_ROUTES = [
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    function: 'platform',
    auth: 'public',
    summary: 'Liveness, and how far the official holiday data reaches: answers without a signature and reveals no personal data',
    response: HealthSchema,
    errors: [],
  },
  {
    operationId: 'openapi',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'platform',
    auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    response: z.object({ openapi: z.string() }).loose(),
    errors: [],
  },
  {
    operationId: 'whoAmI',
    method: 'GET',
    path: '/v1/me',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary:
      "Who the signed request comes from, as the platform knows it: the principal, its role, its department or channel, and the officer acting (a federated sign-in's credentials name only a role and a session)",
    response: CallerViewSchema,
    errors: [],
  },
  {
    operationId: 'listDepartments',
    method: 'GET',
    path: '/v1/departments',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary: "The departments the platform knows: each one's unified social credit code, name and region, in the directory's order",
    response: DepartmentListSchema,
    errors: [],
  },
  {
    operationId: 'listCalendar',
    method: 'GET',
    path: '/v1/calendar',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary: "The official holiday arrangements loaded: each year's newest version, its source and who loaded it, and the last day the loaded data reaches",
    response: CalendarOverviewSchema,
    errors: [],
  },
  {
    operationId: 'getCalendarYear',
    method: 'GET',
    path: '/v1/calendar/{year}',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary: "One year's arrangement: its newest version, every version (hash-chained, with the chain check) and the statutory holidays it must give off",
    params: CalendarYearParamsSchema,
    response: CalendarYearViewSchema,
    errors: ['CALENDAR_YEAR_NOT_LOADED'],
  },
  {
    operationId: 'loadCalendarYear',
    method: 'PUT',
    path: '/v1/calendar/{year}',
    function: 'platform',
    auth: 'iam',
    roles: ['platform'],
    summary: "Loads a year's arrangement (or a correction) as its next version; open cases whose dates rest on that year are computed again by the sweep",
    params: CalendarYearParamsSchema,
    body: CalendarYearDocumentSchema,
    response: CalendarLoadResultSchema,
    errors: [...CALENDAR_LOAD_ERRORS],
  },
  {
    operationId: 'getSupervisionRules',
    method: 'GET',
    path: '/v1/supervision/rules',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary:
      'The supervision rules in force (电子监察规则): every rule with its kind, legal basis, severity, answer days and parameters; version 0 is the shipped catalogue, in force until one is loaded',
    response: RulesInForceViewSchema,
    errors: [],
  },
  {
    operationId: 'listSupervisionRuleVersions',
    method: 'GET',
    path: '/v1/supervision/rules/versions',
    function: 'platform',
    auth: 'iam',
    roles: ANY_ROLE,
    summary: 'Every loaded version of the supervision rules, oldest first, with who loaded it and when, hash-chained, and the chain check',
    response: RuleCatalogueVersionsSchema,
    errors: [],
  },
  {
    operationId: 'loadSupervisionRules',
    method: 'PUT',
    path: '/v1/supervision/rules',
    function: 'platform',
    auth: 'iam',
    roles: ['platform'],
    summary: 'Loads the supervision rules (every rule, each once) as their next version ("version": one more than the newest); the functions evaluate them within a minute',
    body: RuleCatalogueDocumentSchema,
    response: RuleCatalogueLoadResultSchema,
    errors: [...RULE_CATALOGUE_LOAD_ERRORS],
  },
] as const satisfies readonly RouteSpec<'platform'>[];
