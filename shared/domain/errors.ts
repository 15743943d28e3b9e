// Errors are values with a stable code a client can act on. The HTTP status is chosen once, at the
// edge (functions/http), from the error's kind; the domain never speaks HTTP. Every code is registered,
// with its kind, by the module that raises it (shared/contracts/errors/): each raiser below takes only
// the registered codes of its kind, so an unknown code, or a code raised as another kind, does not
// compile.
import type { CodeOfKind, ErrorCode, ErrorKind } from '../contracts/error-codes.ts';

export type { ErrorCode, ErrorKind };

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** Path of the offending field, dotted (`guide.timeLimits.promisedDays`), when there is one. */
  readonly field: string | undefined;
  /** Message for people, in Chinese. `message` (inherited) stays English for logs and programs. */
  readonly messageZh: string;

  /** Raise through the raisers below, which check the code's kind; the edge builds the gateway's own (gatewayError). */
  constructor(opts: { code: ErrorCode; kind: ErrorKind; message: string; messageZh: string; field?: string | undefined }) {
    super(opts.message);
    this.name = 'DomainError';
    this.code = opts.code;
    this.kind = opts.kind;
    this.field = opts.field;
    this.messageZh = opts.messageZh;
  }
}

export const invalid = (code: CodeOfKind<'invalid'>, field: string | undefined, messageZh: string, message: string): DomainError =>
  new DomainError({ code, kind: 'invalid', field, messageZh, message });

export const forbidden = (code: CodeOfKind<'forbidden'>, messageZh: string, message: string, field?: string): DomainError =>
  new DomainError({ code, kind: 'forbidden', field, messageZh, message });

export const conflict = (code: CodeOfKind<'conflict'>, messageZh: string, message: string, field?: string): DomainError =>
  new DomainError({ code, kind: 'conflict', field, messageZh, message });

export const notFound = (code: CodeOfKind<'not-found'>, messageZh: string, message: string): DomainError => new DomainError({ code, kind: 'not-found', messageZh, message });

export const tooLarge = (code: CodeOfKind<'too-large'>, messageZh: string, message: string): DomainError => new DomainError({ code, kind: 'too-large', messageZh, message });

export const unavailable = (code: CodeOfKind<'unavailable'>, messageZh: string, message: string): DomainError => new DomainError({ code, kind: 'unavailable', messageZh, message });
