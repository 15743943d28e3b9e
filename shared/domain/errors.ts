// Errors are values with a stable code a client can act on. The HTTP status is chosen once, at the
// edge (functions/http), from the error's kind; the domain never speaks HTTP.

export type ErrorKind =
  | 'invalid' // the request is malformed or breaks a rule about its own content → 400
  | 'unauthenticated' // no valid signature → 403 (API Gateway IAM answers 403 too)
  | 'forbidden' // authenticated, but not allowed to do this to that → 403
  | 'not-found' // → 404
  | 'conflict' // the resource's state does not allow it now → 409
  | 'too-large' // → 413
  | 'unavailable'; // a dependency is missing (e.g. calendar data) → 422 by default, see edge

export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Path of the offending field, dotted (`guide.timeLimits.promisedDays`), when there is one. */
  readonly field: string | undefined;
  /** Message for people, in Chinese. `message` (inherited) stays English for logs and programs. */
  readonly messageZh: string;

  constructor(opts: { code: string; kind: ErrorKind; message: string; messageZh: string; field?: string }) {
    super(opts.message);
    this.name = 'DomainError';
    this.code = opts.code;
    this.kind = opts.kind;
    this.field = opts.field;
    this.messageZh = opts.messageZh;
  }
}

export const invalid = (code: string, field: string | undefined, messageZh: string, message: string): DomainError =>
  new DomainError({ code, kind: 'invalid', field, messageZh, message });

export const forbidden = (code: string, messageZh: string, message: string, field?: string): DomainError => new DomainError({ code, kind: 'forbidden', field, messageZh, message });

export const conflict = (code: string, messageZh: string, message: string, field?: string): DomainError => new DomainError({ code, kind: 'conflict', field, messageZh, message });

export const notFound = (code: string, messageZh: string, message: string): DomainError => new DomainError({ code, kind: 'not-found', messageZh, message });
