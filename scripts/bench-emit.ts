/**
 * Measures `npm run emit -- --file` end to end: N events (default 10,000) through the real CLI
 * process and the real SDK to a local PutEvents server. Reports events per second and the CLI
 * process's peak memory (maximum resident set size from /usr/bin/time -v when available).
 *
 *   node --require ./tooling/register-ts.cjs scripts/bench-emit.ts [--events 10000] [--concurrency 4] [--json]
 *
 * Not a test: timings depend on the machine. The server accepts every entry and records nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fakeAwsEnv, startFakeAws } from '../test/support/fake-eventbridge';
import { EXIT, parseCommandLine, runCommand, wholeNumberArgument } from '../tooling/cli';
import { TS_NODE_ARGS } from '../tooling/synth';

export interface EmitBenchResult {
  readonly events: number;
  readonly concurrency: number;
  readonly exitCode: number;
  readonly wallSeconds: number;
  /** Including process start-up, tsx compilation and the validation pass. */
  readonly eventsPerSecond: number;
  /** As the CLI reports it: the sending pass only. */
  readonly sendEventsPerSecond: number | undefined;
  readonly peakRssMiB: number | undefined;
  readonly putEventsCalls: number;
}

/** JSON Lines of `count` events alternating between the booking and payment buses, ~150-byte details. */
export function benchEvents(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const event =
      i % 2 === 0
        ? { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: `b-${i}`, customerId: `c-${i % 977}`, seats: ['12A', '12B'], amount: 129.5, currency: 'EUR' } }
        : { service: 'payment', detailType: 'PaymentSucceeded', detail: { bookingId: `b-${i}`, paymentId: `p-${i}`, amount: 129.5, currency: 'EUR' } };
    lines.push(JSON.stringify(event));
  }
  return `${lines.join('\n')}\n`;
}

export async function benchEmit(events = 10000, concurrency = 4): Promise<EmitBenchResult> {
  const server = await startFakeAws({ record: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-emit-'));
  try {
    const file = path.join(dir, 'events.jsonl');
    writeFileSync(file, benchEvents(events));
    const timeBinary = '/usr/bin/time';
    const useTime = existsSync(timeBinary);
    const node = [process.execPath, ...TS_NODE_ARGS, 'scripts/emit.ts', '--env', 'dev', '--file', file, '--no-progress', '--concurrency', String(concurrency)];
    const [command, ...args] = useTime ? [timeBinary, '-v', ...node] : node;
    const env = { PATH: process.env.PATH, HOME: dir, ...fakeAwsEnv(server) };
    const started = process.hrtime.bigint();
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(command, args, { cwd: path.resolve(__dirname, '..'), env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.code !== 0) throw new Error(`emit exited ${run.code}:\n${run.stdout}${run.stderr}`);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
    const sendRate = /\((\d+) events\/s\)/.exec(run.stdout);
    return {
      events,
      concurrency,
      exitCode: run.code,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      eventsPerSecond: Math.round(events / wallSeconds),
      sendEventsPerSecond: sendRate ? Number(sendRate[1]) : undefined,
      peakRssMiB: rss ? Number((Number(rss[1]) / 1024).toFixed(1)) : undefined,
      putEventsCalls: server.counts.calls,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}

const USAGE = `Usage: node --require ./tooling/register-ts.cjs scripts/bench-emit.ts [--events 10000] [--concurrency 4] [--json]

Measures npm run emit -- --file end to end against a local PutEvents server: events per second and
the CLI's peak memory. Exit codes: docs/cli.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { events: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean', default: false } });
  const events = values.events === undefined ? 10_000 : wholeNumberArgument('--events', values.events, 1);
  const concurrency = values.concurrency === undefined ? 4 : wholeNumberArgument('--concurrency', values.concurrency, 1);
  const result = await benchEmit(events, concurrency);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(
      `emit: ${result.events} events in ${result.wallSeconds} s wall (${result.eventsPerSecond} events/s end to end, ` +
        `${result.sendEventsPerSecond ?? '?'} events/s sending), ${result.putEventsCalls} PutEvents calls, ` +
        `peak RSS ${result.peakRssMiB ?? 'unknown (no /usr/bin/time)'} MiB, concurrency ${result.concurrency}\n`,
    );
  }
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'bench-emit', usage: USAGE, run: main });
