/** Command line of `npm run local`. Pure: parses arguments, nothing else. */
import { parseCommandLine, UsageError } from '../tooling/cli';
import type { InitialEvent } from './runner';

export interface LocalCliOptions {
  readonly environment: string;
  readonly synth: boolean;
  readonly outdir: string;
  readonly events: readonly InitialEvent[];
  /** True when no --event was given and the default booking was used. */
  readonly defaultEvent: boolean;
  readonly timeoutSeconds: number;
  readonly tracePath: string | undefined;
  /** undefined: wait between retries as the definitions say. */
  readonly retryIntervalMs: number | undefined;
  readonly runTaskFaults: Readonly<Record<string, number>>;
  readonly port: number;
  readonly help: boolean;
}

/** The happy path of the booking saga, run when no --event is given. */
export const DEFAULT_EVENT: InitialEvent = { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-1', seats: [1, 2], amount: 120 } };

/** Pause before each ASL retry unless --real-retries: the definitions wait 2 s to 5 min. */
export const FAST_RETRY_INTERVAL_MS = 200;

export const USAGE = `Usage: npm run local -- [options]

Runs one environment's synthesized event flow on this machine: a local EventBridge, the rules'
patterns, the state machines' ASL, and each ECS task as a local process.

  --env NAME                 environment to run (default dev)
  --no-synth                 read an existing synthesized output instead of synthesizing
  --out DIR                  synthesized output directory (default $CDKTF_OUTDIR or cdktf.out)
  --event SERVICE:TYPE [JSON]
                             publish an event to SERVICE's bus with detail-type TYPE and detail JSON
                             (default {}); repeatable. Without any --event the booking saga's happy
                             path runs: booking:BookingCreated '${JSON.stringify(DEFAULT_EVENT.detail)}'
  --timeout SECONDS          stop and report what is still running after this long (default 120)
  --trace FILE               also write the timeline and summary as JSON
  --real-retries             wait between ASL retries as the definitions say (default: ${FAST_RETRY_INTERVAL_MS} ms)
  --retry-interval-ms N      wait N ms between ASL retries
  --fail-run-task SERVICE/TASK[:N]
                             the first N (default 1) RunTask calls of that task fail like ECS without
                             capacity (AmazonECS.Unknown), to see the state machine's Retry
  --port N                   port of the local EventBridge (default: a free one)
  -h, --help                 this text

Exit codes: 0 the run completed; 1 it did not (a timeout, or synthesis failed);
2 usage, an unknown environment or a missing synthesized output; 3 crash.`;

export function parseLocalArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): LocalCliOptions {
  const { values, tokens } = parseCommandLine(
    argv,
    {
      env: { type: 'string', default: 'dev' },
      'no-synth': { type: 'boolean', default: false },
      out: { type: 'string' },
      event: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      trace: { type: 'string' },
      'real-retries': { type: 'boolean', default: false },
      'retry-interval-ms': { type: 'string' },
      'fail-run-task': { type: 'string', multiple: true },
      port: { type: 'string' },
    },
    // The JSON detail after `--event SERVICE:TYPE` is a positional; any other positional is an error.
    { allowPositionals: true },
  );

  const events: InitialEvent[] = [];
  let pendingEvent: string | undefined;
  const flushEvent = (detail = '{}') => {
    if (pendingEvent !== undefined) events.push(parseEvent(pendingEvent, detail));
    pendingEvent = undefined;
  };
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (pendingEvent === undefined) throw new UsageError(`unexpected argument ${JSON.stringify(token.value)} (see --help)`);
      flushEvent(token.value);
    } else {
      flushEvent();
      if (token.kind === 'option' && token.name === 'event') pendingEvent = token.value;
    }
  }
  flushEvent();

  let retryIntervalMs: number | undefined = FAST_RETRY_INTERVAL_MS;
  if (values['real-retries']) retryIntervalMs = undefined;
  if (values['retry-interval-ms'] !== undefined) retryIntervalMs = nonNegativeInteger('--retry-interval-ms', values['retry-interval-ms']);
  const runTaskFaults: Record<string, number> = {};
  for (const fault of values['fail-run-task'] ?? []) {
    const [key, count] = parseFault(fault);
    runTaskFaults[key] = count;
  }
  return {
    environment: values.env,
    synth: !values['no-synth'],
    outdir: values.out ?? (env.CDKTF_OUTDIR || 'cdktf.out'),
    events: events.length > 0 ? events : [DEFAULT_EVENT],
    defaultEvent: events.length === 0,
    timeoutSeconds: values.timeout === undefined ? 120 : positiveNumber('--timeout', values.timeout),
    tracePath: values.trace,
    retryIntervalMs,
    runTaskFaults,
    port: values.port === undefined ? 0 : nonNegativeInteger('--port', values.port),
    help: values.help === true,
  };
}

function parseEvent(spec: string, detailText: string): InitialEvent {
  const match = /^([a-z0-9-]+):([^:\s]+)$/.exec(spec);
  if (!match) throw new UsageError(`--event ${JSON.stringify(spec)}: expected SERVICE:DETAIL_TYPE, e.g. booking:BookingCreated`);
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch (error) {
    throw new UsageError(`--event ${spec}: the detail is not valid JSON (${(error as Error).message}): ${detailText}`);
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new UsageError(`--event ${spec}: the detail must be a JSON object`);
  return { service: match[1]!, detailType: match[2]!, detail };
}

function parseFault(text: string): [string, number] {
  const match = /^([a-z0-9-]+\/[a-z0-9-]+)(?::(\d+))?$/.exec(text);
  if (!match) throw new UsageError(`--fail-run-task ${JSON.stringify(text)}: expected SERVICE/TASK or SERVICE/TASK:N, e.g. payment/charge:1`);
  return [match[1]!, match[2] === undefined ? 1 : Number(match[2])];
}

function positiveNumber(flag: string, text: string): number {
  const number = Number(text);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flag} must be a positive number, got ${text}`);
  return number;
}

function nonNegativeInteger(flag: string, text: string): number {
  const number = Number(text);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`${flag} must be a whole number ≥ 0, got ${text}`);
  return number;
}
