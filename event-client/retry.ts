/**
 * When to retry a PutEvents entry or call, and how long to wait. Pure: the randomness and the
 * clock are injected so tests can pin them.
 */

/**
 * Entry-level `ErrorCode`s the PutEvents API reference lists as retryable. Every other code
 * (AccessDeniedException, InvalidArgument, MalformedDetail, NotAuthorizedForSourceException, ...)
 * fails the same way on every attempt, so it is reported, not retried.
 */
export const RETRYABLE_ENTRY_ERROR_CODES: ReadonlySet<string> = new Set(['InternalFailure', 'ThrottlingException']);

export function isRetryableEntryError(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ENTRY_ERROR_CODES.has(code);
}

/** Call-level error names that mean "try again later" (throttling, transient service or network failures). */
const RETRYABLE_CALL_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalFailure',
  'InternalException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Whether a whole PutEvents call that threw (after the SDK's own retries) is worth another try.
 * Uses what the SDK puts on its errors (`$retryable`, `$metadata.httpStatusCode`, `name`) and
 * Node's network error codes.
 */
export function isRetryableCallError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (candidate.$retryable) return true;
  if (typeof candidate.name === 'string' && RETRYABLE_CALL_ERROR_NAMES.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && RETRYABLE_NETWORK_CODES.has(candidate.code)) return true;
  const status = candidate.$metadata?.httpStatusCode;
  return typeof status === 'number' && RETRYABLE_HTTP_STATUSES.has(status);
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
