/**
 * When to resend a PutEvents entry, and how long to wait. (A failed call is the SDK's to retry:
 * see publisher.ts.) Pure: the randomness and the clock are injected so tests can pin them.
 */

/**
 * Entry-level `ErrorCode`s the PutEvents API reference lists as retryable. Every other code
 * (AccessDeniedException, InvalidArgument, MalformedDetail, NotAuthorizedForSourceException, ...)
 * fails the same way on every attempt, so it is reported, not retried.
 */
export const RETRYABLE_ENTRY_ERROR_CODES: ReadonlySet<string | undefined> = new Set(['InternalFailure', 'ThrottlingException']);

/** An entry without an ErrorCode is not retryable (the set holds no `undefined`). */
export function isRetryableEntryError(code: string | undefined): boolean {
  return RETRYABLE_ENTRY_ERROR_CODES.has(code);
}

export interface BackoffPolicy {
  /** Delay ceiling before the first retry; doubles with each retry. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniformly random wait in [0, min(max, base·2^retry)).
 * Spreads retries of many publishers apart instead of having them collide again.
 * `retry` is 0 before the first retry.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
