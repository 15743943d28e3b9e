// Cross-origin access to the API from the web console, when the console is served from an origin of
// its own (on AWS: https://<console.domainName>, infra/console-config.ts): which request headers its
// signed calls carry (the CORS preflight must allow them), which response headers it may read, and the
// variable that gives the API functions the console's origin. The embedded platform serves the console
// from the API's own origin: no CORS there, and the variable is unset.
import type { RouteSpec } from './routes.ts';
import { ROUTES } from './routes.ts';

/** The environment variable of the API functions naming the console's origin; unset, they answer no CORS header. */
export const CONSOLE_ORIGIN_VARIABLE = 'CONSOLE_ORIGIN';

/** The headers a SigV4-signed request from the browser carries (aws4fetch signs them; the browser sets Host). */
export const SIGV4_REQUEST_HEADERS = ['Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256'] as const;

/** Every request header the browser may send the API: the signature's, Content-Type, and each header a route reads (Idempotency-Key). */
export function corsRequestHeaders(routes: readonly RouteSpec[] = ROUTES): string[] {
  return unique([...SIGV4_REQUEST_HEADERS, 'Content-Type', ...routes.flatMap((r) => (r.headers ?? []).map((h) => h.name))]);
}

/** Every response header a route sets beyond the CORS-safelisted ones (Case-Entry, Idempotent-Replayed): the browser reads only those exposed. */
export function corsExposedHeaders(routes: readonly RouteSpec[] = ROUTES): string[] {
  return unique(routes.flatMap((r) => (r.responseHeaders ?? []).map((h) => h.name)));
}

/** The methods of the routes of `path`, in the route table's order. */
export function methodsOfPath(path: string, routes: readonly RouteSpec[] = ROUTES): string[] {
  return unique(routes.filter((r) => r.path === path).map((r) => r.method));
}

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
}
