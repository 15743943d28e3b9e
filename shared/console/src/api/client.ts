// The API as the console calls it: openapi-fetch typed by the paths of the OpenAPI document
// (schema.gen.d.ts, generated from it by infra/console-types.ts), every request signed with SigV4 by
// aws4fetch. A refusal comes back as an ApiError carrying the platform's own code, field and
// Chinese message, which the screens show as they are.
import createClient from 'openapi-fetch';
import type { paths } from './schema.gen.d.ts';
import type { SigningKeys } from '../session.ts';
import { signer } from '../session.ts';

export type Api = ReturnType<typeof createClient<paths>>;

export interface ErrorBody {
  error: { code: string; message: string; messageZh: string; field?: string; requestId: string; issues?: { field: string; message: string; messageZh: string }[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageZh: string,
    readonly field: string | undefined,
    message: string,
    readonly issues: ErrorBody['error']['issues'] = [],
  ) {
    super(message);
  }
}

/** The signed client for a session; without one (public screens), unsigned. */
export function apiClient(baseUrl: string, session: SigningKeys | undefined): Api {
  const aws = session ? signer(session, 'execute-api') : undefined;
  return createClient<paths>({ baseUrl, fetch: (request: Request) => (aws ? aws.fetch(request) : fetch(request)) });
}

/** The answer's data, or the refusal thrown as an ApiError. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const body = error as Partial<ErrorBody> | undefined;
  const e = body?.error;
  if (e?.code) throw new ApiError(response.status, e.code, e.messageZh, e.field, e.message, e.issues ?? []);
  throw new ApiError(response.status, `HTTP_${response.status}`, `请求失败（HTTP ${response.status}）`, undefined, `request failed with HTTP ${response.status}`);
}
