// What a module's registry of error codes is: every code it raises, with its kind — what the code
// means to a client, and the HTTP status the edge answers it with (functions/http/http-errors.ts) —
// and, for a code no request can get (start-up checks, the system's own actions, guards), why not.
// shared/contracts/error-codes.ts joins the registries into the one ErrorCode type.

export type ErrorKind =
  | 'invalid' // the request is malformed or breaks a rule about its own content → 400
  | 'unauthenticated' // no valid signature → 403 (API Gateway IAM answers 403 too)
  | 'forbidden' // authenticated, but not allowed to do this to that → 403
  | 'not-found' // → 404
  | 'conflict' // the resource's state does not allow it now → 409
  | 'too-large' // → 413
  | 'unavailable' // a dependency is missing (e.g. calendar data) → 422 by default, see edge
  | 'internal'; // the platform failed; the client may retry → 500

/** A code's entry: its kind; or its kind and why no request is ever answered with it (then no route documents it). */
export type ErrorEntry = ErrorKind | { readonly kind: ErrorKind; readonly notAnswered: string };

/** One module's codes, by code. */
export type ErrorRegistry = Readonly<Record<string, ErrorEntry>>;
