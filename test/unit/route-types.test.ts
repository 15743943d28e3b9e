// The edge's types (functions/http/api-handler.ts): each operation receives what its route's schemas
// parse, typed — checked by the type check `npm test` runs (expectTypeOf is a compile-time assertion),
// and the values at run time by the API handler's tests.
import { describe, expectTypeOf, it } from 'vitest';
import type { OperationsOf, RequestOf } from '../../functions/http/api-handler.ts';
import type { FunctionName, ROUTES } from '../../shared/contracts/routes.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type * as z from 'zod';
import type { CaseHistoryEntrySchema, CaseStateSchema, JointTaskSchema, ReceiptSchema } from '../../shared/contracts/cases.ts';
import type { CaseHistoryEntry, CaseState, JointTask, SpecialProcedure } from '../../shared/domain/cases/case-record.ts';
import type { Receipt } from '../../shared/domain/cases/case-views.ts';

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

  it("gives a signed route its caller, typed by the route's roles, a public one none, and a route without a body none", () => {
    expectTypeOf<RequestFor<'cases', 'getCase'>['caller']>().toExtend<Caller>();
    expectTypeOf<RequestFor<'cases', 'getCase'>['caller']['role']>().toEqualTypeOf<'department' | 'channel'>();
    expectTypeOf<RequestFor<'cases', 'pauseCase'>['caller']['role']>().toEqualTypeOf<'department'>();
    expectTypeOf<RequestFor<'platform', 'loadCalendarYear'>['caller']['role']>().toEqualTypeOf<'platform'>();
    expectTypeOf<RequestOf<Extract<(typeof ROUTES)[number], { operationId: 'sealKeys' }>>['caller']>().toEqualTypeOf<undefined>();
    expectTypeOf<RequestFor<'cases', 'getCase'>['body']>().toEqualTypeOf<undefined>();
  });

  it("answers with what the route's response schema describes: the domain's views are the schemas' types", () => {
    // The domain's own types (their statuses and kinds narrower than the wire's strings) fit the
    // schemas the OpenAPI document publishes: every field a schema requires is there, and every field
    // it describes has its type.
    expectTypeOf<CaseState>().toExtend<z.output<typeof CaseStateSchema>>();
    expectTypeOf<CaseHistoryEntry>().toExtend<z.output<typeof CaseHistoryEntrySchema>>();
    expectTypeOf<JointTask>().toExtend<z.output<typeof JointTaskSchema>>();
    expectTypeOf<Receipt>().toEqualTypeOf<z.output<typeof ReceiptSchema>>();
  });
});
