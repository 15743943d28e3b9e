// The refusals of case events and webhook subscriptions (shared/domain/events): registering an
// endpoint, reading or changing a subscription the caller does not own, the feed.
import type { ErrorRegistry } from './registry.ts';

export const EVENT_ERRORS = {
  /** No subscription of the caller's own by that id (another owner's is not found either, never forbidden). */
  SUBSCRIPTION_NOT_FOUND: 'not-found',
  /** Not an absolute https URL (http only to a loopback receiver embedded), with credentials or a fragment, or over 2,048 characters. */
  SUBSCRIPTION_URL_INVALID: 'invalid',
  /** A host the platform does not send to: an IP literal in a private, loopback, link-local or otherwise internal range, or `localhost`. */
  SUBSCRIPTION_URL_NOT_ALLOWED: 'invalid',
  /** An event type that is not a case event's (`cn.tongban.case.<action>`). */
  SUBSCRIPTION_TYPE_UNKNOWN: 'invalid',
  /** The owner has its 10 subscriptions already. */
  SUBSCRIPTION_LIMIT_REACHED: 'conflict',
  /** The owner's subscriptions changed under the request several times over: retry it. */
  SUBSCRIPTION_CHANGED: 'conflict',
} as const satisfies ErrorRegistry;
