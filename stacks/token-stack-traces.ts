/**
 * cdktf records a complete stack trace (with `Error.stackTraceLimit` raised to the maximum) for
 * every token it creates: each attribute reference and each nested block of each resource. The
 * traces are only ever quoted in "cannot resolve token" errors, yet they cost about half of
 * synthesis time and most of its memory as the catalog grows (docs/performance.md), and
 * `App({ stackTraces: false })` does not cover them. So synthesis runs with them off;
 * `CDKTF_TOKEN_STACKS=1` keeps them for debugging a token error.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import stackTraceModule = require('cdktf/lib/tokens/private/stack-trace');

type StackTraceModule = { captureStackTrace: (below?: unknown) => string[] };

export const TOKEN_STACKS_ENV = 'CDKTF_TOKEN_STACKS';

/** Runs `build` with cdktf's token creation traces off (unless `CDKTF_TOKEN_STACKS=1`), restoring them after. */
export function withoutTokenStackTraces<T>(build: () => T): T {
  if (process.env[TOKEN_STACKS_ENV] === '1') return build();
  // cdktf's callers read `captureStackTrace` from this module's exports at every call, so
  // replacing the export is enough; nothing global (such as Error.captureStackTrace) changes.
  const module = stackTraceModule as unknown as StackTraceModule;
  const original = module.captureStackTrace;
  module.captureStackTrace = () => [];
  try {
    return build();
  } finally {
    module.captureStackTrace = original;
  }
}

/** Whether token traces are currently being recorded (for tests). */
export function tokenStackTracesEnabled(): boolean {
  return (stackTraceModule as unknown as StackTraceModule).captureStackTrace().length > 0;
}
