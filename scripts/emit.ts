/**
 * `npm run emit -- ...`: publish test or replay events onto a service's bus in an environment.
 * Everything is validated (names, JSON, sizes, RunTask budgets) before the first event is sent, so a
 * bad line 9,000 does not leave 8,999 events half-emitted. Run with --help for usage.
 *
 * Exit codes: 0 every event sent; 1 at least one event failed at EventBridge; 2 usage
 * or validation error (nothing sent); 3 crash.
 */
import { existsSync, statSync } from 'node:fs';
import { bookingSaga } from '../catalog/booking-saga';
import { environments } from '../environments';
import { findEnvironment } from '../event-client';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { emitEvents, type EmitOptions } from './emit/emit-events';

export const USAGE = `Publish events onto a service's EventBridge bus.

Usage:
  npm run emit -- --env <env> --service <service> --detail-type <type> [--detail <json>] [options]
  npm run emit -- --env <env> --file <events.jsonl> [options]

One event:
  --env <name>            Environment (${environments.map((e) => e.name).join(', ')}).
  --service <name>        Service whose bus receives the event; it is also the event source
                          (<namespace>.<service>). Services: ${bookingSaga.services.map((s) => s.name).join(', ')}.
  --detail-type <type>    The event's detail-type; rules on the bus match on it.
  --detail <json>         The detail, a JSON object. Default {}.

Many events:
  --file <path>           JSON Lines, one event per line: {"service": "...", "detailType": "...", "detail": {...}}
                          ("resources": [...] optional). Blank lines are skipped. The file is read twice,
                          once to validate every line and once to send, so it must be a regular file.

Options:
  --dry-run               Validate everything (names, JSON, 256 KB entry size, RunTask overrides budgets)
                          and send nothing.
  --strict                Refuse a detail-type that no rule on the bus matches (default: warn).
  --concurrency <n>       PutEvents calls in flight per bus. Default 4.
  --max-attempts <n>      Attempts per PutEvents call (the SDK retries HTTP 5xx, throttling and
                          timeouts), and per entry EventBridge fails retryably. Default 3.
  --connect-timeout <ms>  Time to connect to the endpoint. Default 3000.
  --request-timeout <ms>  Time for an answer once a request is sent. Default 10000.
  --failed-out <path>     Write the lines of events that failed, as JSON Lines, to re-emit later.
  --no-progress           No progress output on stderr.
  --verbose               Log retries on stderr.
  -h, --help              This help.

AWS configuration is the SDK's own: credentials from the default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID,
SSO, ...), region from AWS_REGION (else the environment's region), endpoint from
AWS_ENDPOINT_URL_EVENTBRIDGE or AWS_ENDPOINT_URL when set.

Exit codes: 0 all sent (or valid, with --dry-run); 1 some events failed; 2 usage or
validation error, nothing sent; 3 crash.`;

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${flag} must be a positive integer; found '${value}'.`);
  return parsed;
}

export function parseOptions(argv: readonly string[]): EmitOptions | 'help' {
  const { values } = parseCommandLine(argv, {
    env: { type: 'string' },
    service: { type: 'string' },
    'detail-type': { type: 'string' },
    detail: { type: 'string' },
    file: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    'max-attempts': { type: 'string' },
    'connect-timeout': { type: 'string' },
    'request-timeout': { type: 'string' },
    'failed-out': { type: 'string' },
    'no-progress': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  });
  if (values.help) return 'help';
  if (!values.env) throw new UsageError('--env is required.');
  try {
    findEnvironment(environments, values.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.file !== undefined) {
    const single = (['service', 'detail-type', 'detail'] as const).filter((flag) => values[flag] !== undefined);
    if (single.length > 0) throw new UsageError(`--file takes service, detailType and detail from each line; remove --${single.join(', --')}.`);
    if (!existsSync(values.file) || !statSync(values.file).isFile()) throw new UsageError(`--file '${values.file}' is not a readable regular file.`);
  } else {
    if (!values.service) throw new UsageError('--service is required (or use --file).');
    if (!values['detail-type']) throw new UsageError('--detail-type is required (or use --file).');
  }
  return {
    env: values.env,
    service: values.service,
    detailType: values['detail-type'],
    detail: values.detail,
    file: values.file,
    dryRun: values['dry-run'] ?? false,
    unmatched: values.strict ? 'refuse' : 'warn',
    concurrency: positiveInteger(values.concurrency, 4, '--concurrency'),
    maxAttempts: positiveInteger(values['max-attempts'], 3, '--max-attempts'),
    connectTimeoutMs: positiveInteger(values['connect-timeout'], 3000, '--connect-timeout'),
    requestTimeoutMs: positiveInteger(values['request-timeout'], 10_000, '--request-timeout'),
    failedOut: values['failed-out'],
    progress: !values['no-progress'],
    verbose: values.verbose ?? false,
  };
}

/** Parses the arguments and emits; `--help` is answered by runCommand. */
export async function main(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } } = process): Promise<number> {
  const options = parseOptions(argv);
  if (options === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  return emitEvents(options, io);
}

if (require.main === module) void runCommand({ name: 'emit', usage: USAGE, run: (argv) => main(argv) });
