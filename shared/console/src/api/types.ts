// Named shapes of the answers the screens use, as the client types them from the OpenAPI document:
// each is what its call answers.
import type { Api } from './client.ts';
import { must } from './client.ts';
import type { paths } from './schema.gen.d.ts';

export const getCase = (api: Api, caseNo: string) => must(api.GET('/v1/cases/{caseNo}', { params: { path: { caseNo } } }));
export type CaseView = Awaited<ReturnType<typeof getCase>>;

export const getItem = (api: Api, code: string) => must(api.GET('/v1/items/{code}', { params: { path: { code } } }));
export type PublishedItem = Awaited<ReturnType<typeof getItem>>;

type FilingBody = paths['/v1/cases']['post']['requestBody']['content']['application/json'];
export const fileCase = (api: Api, idempotencyKey: string, body: FilingBody) => must(api.POST('/v1/cases', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body }));
export type FilingResult = Awaited<ReturnType<typeof fileCase>>;
