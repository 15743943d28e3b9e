// The routes the `seals` function serves: verifying a sealed document and the published seal keys.
// Listed in the route table (routes.ts); the function's bundle imports these alone.
import { JwksSchema, SealVerificationSchema, VerifySealRequestSchema } from './licences.ts';
import type { RouteSpec } from './route-spec.ts';
import { ANY_ROLE } from './route-spec.ts';

/** The routes of the `seals` function, in the route table's order. */
export const SEAL_ROUTES = [
  {
    operationId: 'verifySeal',
    method: 'POST',
    path: '/v1/seals/verify',
    function: 'seals',
    auth: 'iam',
    roles: ANY_ROLE,
    summary:
      'Verify a sealed document: valid, or invalid with the reason (malformed, unknown key, digest mismatch, bad signature, department mismatch, retired key, revoked / expired / unknown licence). Answers 200 either way',
    body: VerifySealRequestSchema,
    response: SealVerificationSchema,
    errors: [],
  },
  {
    operationId: 'sealKeys',
    method: 'GET',
    path: '/v1/.well-known/jwks.json',
    function: 'seals',
    auth: 'public',
    summary: 'The published seal keys (JWKS): every key any department ever sealed with, active or retired, with its department, seal and status — for verifying seals offline',
    response: JwksSchema,
    errors: [],
  },
] as const satisfies readonly RouteSpec<'seals'>[];
