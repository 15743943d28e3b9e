// When a webhook delivery is tried again: after failed attempt k, the k-th wait below; after the
// eighth it is parked (the failures list) — 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 10 h, about
// 27.6 hours of trying, more than the 24 hours the issue asks for.
export const RETRY_BACKOFF_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
/** Attempts before a delivery is parked. */
export const MAX_ATTEMPTS = RETRY_BACKOFF_SECONDS.length + 1;

/** The whole schedule from the first attempt to the last, in seconds. */
export const RETRY_WINDOW_SECONDS = RETRY_BACKOFF_SECONDS.reduce((a, b) => a + b, 0);

/**
 * After `attempts` failed attempts (1 or more), the last at `at`: when to try next, or park it. A
 * delivery waiting since `queuedAt` (it was held up behind an earlier one of its case, whose own
 * schedule ran) is parked once it has waited the whole schedule: a receiver down for good parks a
 * case's events one after another, not one schedule after another.
 */
export function afterFailure(attempts: number, at: Date, queuedAt: Date = at): { park: true } | { park: false; nextAt: Date } {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`delivery schedule: ${attempts} is not a number of attempts made`);
  if (attempts >= MAX_ATTEMPTS || at.getTime() - queuedAt.getTime() >= RETRY_WINDOW_SECONDS * 1000) return { park: true };
  return { park: false, nextAt: new Date(at.getTime() + RETRY_BACKOFF_SECONDS[attempts - 1]! * 1000) };
}
