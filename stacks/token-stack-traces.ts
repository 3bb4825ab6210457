/**
 * cdktf records a complete stack trace (with `Error.stackTraceLimit` raised to the maximum) for
 * every token it creates: each attribute reference and each nested block of each resource. The
 * traces are only ever quoted in "cannot resolve token" errors, yet they cost about half of
 * synthesis time and most of its memory as the catalog grows (docs/performance.md), and
 * `App({ stackTraces: false })` does not cover them. So building and synthesizing run with them
 * off; `CDKTF_TOKEN_STACKS=1` keeps them for debugging a token error.
 *
 * How, on either library (docs/cdk-terrain.md):
 * - CDK Terrain (`cdktn` 0.24) has a switch: `CDKTN_DISABLE_CREATION_STACK=1`, set while `build`
 *   runs. cdktf ignores it.
 * - cdktf 0.21 (final) has none. Its tokens call `captureStackTrace` through the exports of its
 *   private module `lib/tokens/private/stack-trace`, so replacing that export is enough and
 *   changes nothing global; it is done only when the module is there with that export.
 * - Otherwise (the private module moved), the public V8 stack trace API: `Error.prepareStackTrace`
 *   returns an empty trace while `build` runs. Frames are still collected, never formatted or
 *   source-mapped: measured ~25 % slower than replacing the export, still ~2.5 times faster than
 *   the traces. Errors thrown by `build` get their real trace: V8 formats it when it is first
 *   read, after the hook is restored.
 */
import { Token } from 'cdktf';
import { replaceableExport } from './private-module';

export const TOKEN_STACKS_ENV = 'CDKTF_TOKEN_STACKS';
/** CDK Terrain's own switch for the same traces. */
export const CDKTN_CREATION_STACK_ENV = 'CDKTN_DISABLE_CREATION_STACK';

type StackTraceModule = { captureStackTrace: (this: void, below?: unknown) => string[] };

/** The ways to turn the traces off, in the order tried. */
export type TraceSwitch = 'private-module' | 'prepare-stack-trace';

/** cdktf's private module, if it is there with the export its callers read at every call. */
const privateStackTraceModule = (): StackTraceModule | undefined =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library's own name, renamed by the migration to cdktn
  replaceableExport<StackTraceModule>(() => require('cdktf/lib/tokens/private/stack-trace'), 'captureStackTrace');

/** How `withoutTokenStackTraces` turns cdktf's traces off here. */
export const traceSwitch = (): TraceSwitch => (privateStackTraceModule() ? 'private-module' : 'prepare-stack-trace');

/** Runs `build` with token creation traces off (unless `CDKTF_TOKEN_STACKS=1`), restoring everything after. */
export function withoutTokenStackTraces<T>(build: () => T, via: TraceSwitch = traceSwitch()): T {
  if (process.env[TOKEN_STACKS_ENV] === '1') return build();
  const previousSwitch = process.env[CDKTN_CREATION_STACK_ENV];
  process.env[CDKTN_CREATION_STACK_ENV] = '1';
  const module = via === 'private-module' ? privateStackTraceModule() : undefined;
  const originalCapture = module?.captureStackTrace;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back, never called
  const originalPrepare = Error.prepareStackTrace;
  if (module) module.captureStackTrace = () => [];
  else Error.prepareStackTrace = () => '';
  try {
    return build();
  } finally {
    if (module) module.captureStackTrace = originalCapture!;
    else Error.prepareStackTrace = originalPrepare;
    if (previousSwitch === undefined) delete process.env[CDKTN_CREATION_STACK_ENV];
    else process.env[CDKTN_CREATION_STACK_ENV] = previousSwitch;
  }
}

/** Whether a token created now records its creation trace: a public property of every token. */
export function tokenStackTracesEnabled(): boolean {
  return Token.asAny({ probe: true }).creationStack.length > 0;
}
