/** Command line of `npm run local`. Pure: parses arguments, nothing else. */
import { randomInt } from 'node:crypto';
import { ECS_DEFAULT_STOP_TIMEOUT_SECONDS } from '../core/aws-limits';
import { parseCommandLine, UsageError, wholeNumberArgument } from '../tooling/cli';
import { MAX_TIMER_SECONDS } from './asl-interpreter';
import { type DeliveryFault, parseDeliveryFault, parseProbability, parseRunTaskFault, RUN_TASK_FAULT_KINDS, type RunTaskFault } from './faults';
import { DEFAULT_MAX_TASKS, type InitialEvent } from './runner';

export interface LocalCliOptions {
  readonly environment: string;
  /** True when --env was given (a scenario names its own environment). */
  readonly environmentGiven: boolean;
  readonly synth: boolean;
  readonly outdir: string;
  readonly events: readonly InitialEvent[];
  /** True when no --event was given and the default booking was used. */
  readonly defaultEvent: boolean;
  readonly timeoutSeconds: number;
  readonly tracePath: string | undefined;
  /** undefined: wait between retries as the definitions say. */
  readonly retryIntervalMs: number | undefined;
  readonly runTaskFaults: readonly RunTaskFault[];
  readonly deliveryFaults: readonly DeliveryFault[];
  readonly duplicateDelivery: { readonly probability: number; readonly seed: number } | undefined;
  readonly maxTasks: number;
  readonly stopTimeoutSeconds: number;
  readonly scenarioPath: string | undefined;
  /** The run's work directory; undefined: a new one below LOCAL_RUNS_DIR. */
  readonly workDir: string | undefined;
  readonly port: number;
  readonly help: boolean;
}

/** The happy path of the booking saga, run when no --event is given. */
export const DEFAULT_EVENT: InitialEvent = { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-1', seats: [1, 2], amount: 120 } };

/** Pause before each ASL retry unless --real-retries: the definitions wait 2 s to 5 min. */
export const FAST_RETRY_INTERVAL_MS = 200;

/** Where `npm run local` synthesizes (git-ignored): never `cdktf.out`, which `npm run synth` fills with every environment. */
export const LOCAL_OUTDIR = '.local/cdktf.out';
/** Each run's work directory (its services' stores) is created below this. */
export const LOCAL_RUNS_DIR = '.local/runs';

/** ECS accepts a container stopTimeout of 0 to 120 seconds. */
const STOP_TIMEOUT_MAX_SECONDS = 120;

export const USAGE = `Usage: npm run local -- [options]

Runs one environment's synthesized event flow on this machine, as strict as AWS: a local
EventBridge, the rules' patterns, delivery with retries and dead letters, the state machines' ASL,
and each ECS task as a local process. See docs/local.md.

  --env NAME                 environment to run (default dev)
  --no-synth                 read an existing synthesized output instead of synthesizing
  --out DIR                  synthesized output directory (default ${LOCAL_OUTDIR}; npm run synth's
                             cdktf.out is only ever read, with --no-synth)
  --event SERVICE:TYPE [JSON]
                             publish an event to SERVICE's bus with detail-type TYPE and detail JSON
                             (default {}); repeatable. Without any --event the booking saga's happy
                             path runs: booking:BookingCreated '${JSON.stringify(DEFAULT_EVENT.detail)}'
  --scenario FILE            run a scenario (events, faults, expectations; docs/local.md) and exit 1
                             when an expectation fails
  --timeout SECONDS          stop and report what is still running after this long (default 120,
                             at most ${MAX_TIMER_SECONDS})
  --trace FILE               also write the timeline, the summary and the dead letters as JSON
  --work-dir DIR             the run's directory (services' stores); default a new one in ${LOCAL_RUNS_DIR}
  --real-retries             wait between ASL retries as the definitions say (default: ${FAST_RETRY_INTERVAL_MS} ms)
  --retry-interval-ms N      wait N ms between retries (ASL Retry and Wait, delivery retries)
  --fail-run-task SERVICE/TASK[:KIND][:N]
                             the next N (default 1) RunTask calls of that task fail as KIND (default
                             capacity); repeatable, applied in order. Kinds: ${RUN_TASK_FAULT_KINDS.join(', ')}
  --fail-delivery SERVICE/RULE[:N|:all]
                             the first N (default 1) StartExecution attempts of that rule's target
                             fail (throttled); all: every one, so the event is dead-lettered
  --duplicate-delivery P     deliver each event a second time with probability P (0 to 1)
  --seed N                   seed of --duplicate-delivery (default: a random one, printed)
  --max-tasks N              at most N task processes at once; the rest wait PROVISIONING (default ${DEFAULT_MAX_TASKS})
  --stop-timeout SECONDS     SIGTERM, then SIGKILL after this long when a task is stopped (default
                             ${ECS_DEFAULT_STOP_TIMEOUT_SECONDS}, ECS's; 0 to ${STOP_TIMEOUT_MAX_SECONDS})
  --port N                   port of the local EventBridge (default: a free one)
  -h, --help                 this text

Exit codes: 0 the run completed (and the scenario's expectations held); 1 it did not (a timeout,
a failed expectation, or synthesis failed); 2 usage, an unknown environment or a missing
synthesized output; 3 crash.`;

export function parseLocalArgs(argv: readonly string[], random: () => number = () => randomInt(1, 2 ** 31)): LocalCliOptions {
  const { values, tokens } = parseCommandLine(
    argv,
    {
      env: { type: 'string' },
      'no-synth': { type: 'boolean', default: false },
      out: { type: 'string' },
      event: { type: 'string', multiple: true },
      scenario: { type: 'string' },
      timeout: { type: 'string' },
      trace: { type: 'string' },
      'work-dir': { type: 'string' },
      'real-retries': { type: 'boolean', default: false },
      'retry-interval-ms': { type: 'string' },
      'fail-run-task': { type: 'string', multiple: true },
      'fail-delivery': { type: 'string', multiple: true },
      'duplicate-delivery': { type: 'string' },
      seed: { type: 'string' },
      'max-tasks': { type: 'string' },
      'stop-timeout': { type: 'string' },
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
  if (values['retry-interval-ms'] !== undefined) retryIntervalMs = wholeNumberArgument('--retry-interval-ms', values['retry-interval-ms'], 0);

  const runTaskFaults = (values['fail-run-task'] ?? []).map((text) => parseRunTaskFault(text));
  const deliveryFaults = (values['fail-delivery'] ?? []).map((text) => parseDeliveryFault(text));
  if (values.seed !== undefined && values['duplicate-delivery'] === undefined) throw new UsageError('--seed is only used with --duplicate-delivery');
  const duplicateDelivery =
    values['duplicate-delivery'] === undefined
      ? undefined
      : {
          probability: parseProbability(values['duplicate-delivery'], '--duplicate-delivery'),
          seed: values.seed === undefined ? random() : wholeNumberArgument('--seed', values.seed, 0),
        };

  if (values.scenario !== undefined) {
    const clash = [
      events.length > 0 && '--event',
      runTaskFaults.length > 0 && '--fail-run-task',
      deliveryFaults.length > 0 && '--fail-delivery',
      duplicateDelivery && '--duplicate-delivery',
    ].filter(Boolean);
    if (clash.length > 0) throw new UsageError(`--scenario gives the events and faults itself; leave out ${clash.join(', ')}`);
  }
  return {
    environment: values.env ?? 'dev',
    environmentGiven: values.env !== undefined,
    synth: !values['no-synth'],
    outdir: values.out ?? LOCAL_OUTDIR,
    events: events.length > 0 ? events : [DEFAULT_EVENT],
    defaultEvent: events.length === 0,
    timeoutSeconds: values.timeout === undefined ? 120 : timeoutSeconds(values.timeout),
    tracePath: values.trace,
    retryIntervalMs,
    runTaskFaults,
    deliveryFaults,
    duplicateDelivery,
    maxTasks: values['max-tasks'] === undefined ? DEFAULT_MAX_TASKS : wholeNumberArgument('--max-tasks', values['max-tasks'], 1),
    stopTimeoutSeconds: values['stop-timeout'] === undefined ? ECS_DEFAULT_STOP_TIMEOUT_SECONDS : stopTimeout(values['stop-timeout']),
    scenarioPath: values.scenario,
    workDir: values['work-dir'],
    port: values.port === undefined ? 0 : wholeNumberArgument('--port', values.port, 0),
    help: values.help === true,
  };
}

/** The detail is kept as written (its number spellings reach the rules exactly); it must be a JSON object. */
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
  return { service: match[1]!, detailType: match[2]!, detail: detailText };
}

/** Seconds, more than 0 and at most what a Node timer holds (a longer one would fire at once). */
function timeoutSeconds(text: string): number {
  const number = Number(text);
  if (text.trim() === '' || !Number.isFinite(number) || number <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(text)}`);
  if (number > MAX_TIMER_SECONDS) throw new UsageError(`--timeout must be at most ${MAX_TIMER_SECONDS} seconds (2^31−1 ms, the longest timer Node holds), got ${text}`);
  return number;
}

function stopTimeout(text: string): number {
  const number = Number(text);
  if (text.trim() === '' || !Number.isFinite(number) || number < 0 || number > STOP_TIMEOUT_MAX_SECONDS) {
    throw new UsageError(`--stop-timeout must be 0 to ${STOP_TIMEOUT_MAX_SECONDS} seconds (ECS's range for stopTimeout), got ${JSON.stringify(text)}`);
  }
  return number;
}
