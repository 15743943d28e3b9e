// The edge's types (functions/http/api-handler.ts): each operation receives what its route's schemas
// parse, typed — checked by the type check `npm test` runs (expectTypeOf is a compile-time assertion),
// and the values at run time by the API handler's tests.
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationsOf, RequestOf } from '../../functions/http/api-handler.ts';
import type { FunctionName, ROUTES } from '../../shared/contracts/routes.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { SpecialProcedure } from '../../shared/domain/cases/case-record.ts';

/** What operation `O` of function `F` is handed. */
type RequestFor<F extends FunctionName, O extends keyof OperationsOf<F>> = OperationsOf<F>[O] extends (req: infer Q) => unknown ? Q : never;

describe('typed edges', () => {
  it("gives each operation its route's params, query and body as their schemas parse them", () => {
    expectTypeOf<RequestFor<'cases', 'getCase'>['params']>().toEqualTypeOf<{ caseNo: string }>();
    expectTypeOf<RequestFor<'cases', 'pauseCase'>['body']['procedure']>().toEqualTypeOf<SpecialProcedure>();
    expectTypeOf<RequestFor<'cases', 'pauseCase'>['body']['expectedDays']>().toEqualTypeOf<number>();
    expectTypeOf<RequestFor<'platform', 'getCalendarYear'>['params']['year']>().toEqualTypeOf<number>();
    expectTypeOf<RequestFor<'cases', 'departmentQueue'>['query']['limit']>().toEqualTypeOf<number>();
  });

  it('gives a signed route its caller, a public one none, and a route without a body none', () => {
    expectTypeOf<RequestFor<'cases', 'getCase'>['caller']>().toEqualTypeOf<Caller>();
    expectTypeOf<RequestOf<Extract<(typeof ROUTES)[number], { operationId: 'sealKeys' }>>['caller']>().toEqualTypeOf<undefined>();
    expectTypeOf<RequestFor<'cases', 'getCase'>['body']>().toEqualTypeOf<undefined>();
  });
});
