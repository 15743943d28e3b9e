// The routes the `supervision` function serves: the supervision findings (监察预警) and their answers.
// Listed in the route table (routes.ts); the function's bundle imports these alone.
import {
  FindingCloseRequestSchema,
  FindingIdParamsSchema,
  FindingListEntrySchema,
  FindingListQuerySchema,
  FindingListSchema,
  FindingResponseRequestSchema,
  FindingReturnRequestSchema,
  FindingViewSchema,
} from './supervision-findings.ts';
import type { RouteSpec } from './route-spec.ts';

/** The routes of the `supervision` function, in the route table's order. */
export const SUPERVISION_ROUTES = [
  {
    operationId: 'listFindings',
    method: 'GET',
    path: '/v1/supervision/findings',
    function: 'supervision',
    auth: 'iam',
    roles: ['platform', 'department', 'auditor'],
    summary:
      "Supervision findings (监察预警), newest first, by department (`platform`: what the platform reviewers owe), rule, state, case and period raised (from, to). A department sees the findings it must answer; the platform role and auditors everyone's, by department, rule, state or case",
    query: FindingListQuerySchema,
    response: FindingListSchema,
    errors: ['INVALID_CURSOR', 'FINDING_FORBIDDEN', 'FINDING_FILTER_REQUIRED'],
  },
  {
    operationId: 'getFinding',
    method: 'GET',
    path: '/v1/supervision/findings/{id}',
    function: 'supervision',
    auth: 'iam',
    roles: ['platform', 'department', 'auditor'],
    summary: "A finding with its whole history and the history's chain check (a department: the findings it must answer)",
    params: FindingIdParamsSchema,
    response: FindingViewSchema,
    errors: ['FINDING_NOT_FOUND', 'FINDING_FORBIDDEN'],
  },
  {
    operationId: 'respondToFinding',
    method: 'POST',
    path: '/v1/supervision/findings/{id}/response',
    function: 'supervision',
    auth: 'iam',
    roles: ['department', 'platform'],
    summary:
      "The department responsible answers a finding (open, returned or escalated): it explains, or says how it rectified; the platform role answers what the platform's reviewers owe",
    params: FindingIdParamsSchema,
    body: FindingResponseRequestSchema,
    response: FindingListEntrySchema,
    errors: ['FINDING_NOT_FOUND', 'FINDING_FORBIDDEN', 'FINDING_STATE_CONFLICT', 'FINDING_VERSION_CONFLICT'],
  },
  {
    operationId: 'closeFinding',
    method: 'POST',
    path: '/v1/supervision/findings/{id}/close',
    function: 'supervision',
    auth: 'iam',
    roles: ['platform'],
    summary: 'The platform role accepts the answer to a finding and closes it (办结)',
    params: FindingIdParamsSchema,
    body: FindingCloseRequestSchema,
    response: FindingListEntrySchema,
    errors: ['FINDING_NOT_FOUND', 'FINDING_FORBIDDEN', 'FINDING_STATE_CONFLICT', 'FINDING_VERSION_CONFLICT'],
  },
  {
    operationId: 'returnFinding',
    method: 'POST',
    path: '/v1/supervision/findings/{id}/return',
    function: 'supervision',
    auth: 'iam',
    roles: ['platform'],
    summary: "The platform role sends an answer back with its reasons: the finding is due again, the rule's answer days from today",
    params: FindingIdParamsSchema,
    body: FindingReturnRequestSchema,
    response: FindingListEntrySchema,
    errors: ['FINDING_NOT_FOUND', 'FINDING_FORBIDDEN', 'FINDING_STATE_CONFLICT', 'FINDING_VERSION_CONFLICT', 'FINDING_ROUNDS_EXHAUSTED'],
  },
] as const satisfies readonly RouteSpec<'supervision'>[];
