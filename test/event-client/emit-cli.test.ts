/**
 * `npm run emit` end to end against a fake EventBridge: one run as the process operators start
 * (exit code, nothing on stderr), the rest through the same entry point in this process
 * (`runCommand` with the script's `main` and `USAGE`, the AWS configuration from the environment
 * as the SDK reads it), which proves the same output and exit codes without starting Node and the
 * AWS SDK a dozen times.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { acceptAll, callError, failWhere, type FakeAwsServer, fakeAwsEnv, sequence, startFakeAws, useFakeAwsEnv } from '../support/fake-eventbridge';
import { bookingSaga } from '../../catalog/booking-saga';
import { main, USAGE } from '../../scripts/emit';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { type CommandRun, runInProcess } from '../support/cli';

const root = path.resolve(__dirname, '../..');
let server: FakeAwsServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeAws();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emit-cli-'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.onPutEvents(acceptAll);
  server.reset();
});

type Run = CommandRun;

/** Runs the CLI as a process, as operators do, against the fake server; never throws on a non-zero exit. */
function emitProcess(...args: string[]): Promise<Run> {
  const env = { PATH: process.env.PATH, HOME: dir, ...fakeAwsEnv(server) };
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_NODE_ARGS, 'scripts/emit.ts', ...args], { cwd: root, env, timeout: 30000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The script's entry point in this process, against the fake server (or `endpoint`), its output captured. */
async function emitWith(endpoint: string | undefined, ...args: string[]): Promise<Run> {
  // Restores every variable it sets, the endpoint included.
  const restore = useFakeAwsEnv(server);
  if (endpoint) process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = endpoint;
  try {
    return await runInProcess((io) => ({ name: 'emit', usage: USAGE, run: (argv) => main(argv, io) }), args);
  } finally {
    restore();
  }
}

const emit = (...args: string[]): Promise<Run> => emitWith(undefined, ...args);

function jsonl(name: string, lines: readonly (object | string)[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`);
  return file;
}

const booking = (i: number) => ({ service: 'booking', detailType: 'BookingCreated', detail: { bookingId: `b-${i}` } });
const payment = (i: number) => ({ service: 'payment', detailType: 'PaymentSucceeded', detail: { bookingId: `b-${i}` } });

it('emits one event from the command line', async () => {
  const run = await emitProcess('--env', 'dev', '--service', 'booking', '--detail-type', 'BookingCreated', '--detail', '{"bookingId":"b-1"}');

  expect(run.code).toBe(0);
  // Nothing on stderr: on Node 20 the AWS SDK printed its NodeVersionSupportWarning here, 9 lines.
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^Environment 'dev' \(dev-booking: 1\): 1 sent, 0 failed in \d+\.\d\d s \(\d+ events\/s\)\.\n$/);
  expect(server.putEventsCalls.map((call) => call.entries)).toEqual([
    [{ EventBusName: 'dev-booking', Source: 'booking-saga.booking', DetailType: 'BookingCreated', Detail: '{"bookingId":"b-1"}' }],
  ]);
});

it('emits a JSON Lines file to each line’s service bus, in batches of 10', async () => {
  const lines = [...Array.from({ length: 15 }, (_, i) => booking(i)), '', ...Array.from({ length: 10 }, (_, i) => payment(i))];
  const run = await emit('--env', 'staging', '--file', jsonl('mixed.jsonl', lines));

  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Environment 'staging' (staging-booking: 15, staging-payment: 10): 25 sent, 0 failed");
  const callsPerBus = server.putEventsCalls.map((call) => `${call.entries[0].EventBusName}:${call.entries.length}`).sort();
  expect(callsPerBus).toEqual(['staging-booking:10', 'staging-booking:5', 'staging-payment:10']);
  const bookingDetails = server.putEventsCalls.filter((c) => c.entries[0].EventBusName === 'staging-booking').flatMap((c) => c.entries.map((e) => e.Detail));
  // Batches of one bus are in flight together (--concurrency 4), so arrival order is not fixed.
  expect(bookingDetails.sort()).toEqual(Array.from({ length: 15 }, (_, i) => `{"bookingId":"b-${i}"}`).sort());
  expect(server.putEventsCalls.find((c) => c.entries[0].EventBusName === 'staging-payment')!.entries[0].Source).toBe('booking-saga.payment');
});

it('exits 1 and reports failures by code and line, retrying the throttled ones, and writes the failed lines out', async () => {
  const failedOut = path.join(dir, 'failed.jsonl');
  const lines = Array.from({ length: 25 }, (_, i) => booking(i));
  server.onPutEvents(
    sequence(
      failWhere((entry) => /"b-(3|4)"/.test(entry.Detail!), 'ThrottlingException'),
      failWhere((entry) => /"b-(3|17)"/.test(entry.Detail!), 'NotAuthorizedForSourceException', 'Not authorized.'),
    ),
  );
  const run = await emit('--env', 'dev', '--file', jsonl('failing.jsonl', lines), '--failed-out', failedOut, '--concurrency', '1');

  expect(run.code).toBe(1);
  expect(run.stdout).toContain('23 sent, 2 failed (NotAuthorizedForSourceException: 2)');
  expect(run.stderr).toContain('emit: failed: line 4 (dev-booking BookingCreated): NotAuthorizedForSourceException: Not authorized.');
  expect(run.stderr).toContain('emit: failed: line 18 (dev-booking BookingCreated): NotAuthorizedForSourceException: Not authorized.');
  expect(fs.readFileSync(failedOut, 'utf8')).toBe(`${JSON.stringify(booking(3))}\n${JSON.stringify(booking(17))}\n`);
  // b-3 and b-4 were throttled on the first call and resent alone; b-3 then failed for good.
  expect(server.putEventsCalls[1].entries.map((e) => e.Detail)).toEqual(['{"bookingId":"b-3"}', '{"bookingId":"b-4"}']);
});

it('exits 1 with a clear report when the endpoint refuses every call', async () => {
  server.onPutEvents(() => callError(400, 'AccessDeniedException', 'not allowed'));
  const run = await emit('--env', 'dev', '--service', 'booking', '--detail-type', 'BookingCreated', '--detail', '{}');
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('0 sent, 1 failed (AccessDeniedException: 1)');
  expect(run.stderr).toContain('emit: failed: (dev-booking BookingCreated): AccessDeniedException: not allowed');
});

it('refuses a file with bad lines before sending anything, naming each line', async () => {
  const tooBigForRunTask = { ...booking(9), detail: { note: 'x'.repeat(9000) } };
  const lines: (object | string)[] = [
    booking(1),
    booking(2),
    '{"service": "booking", "detailType": ',
    booking(4),
    { ...booking(5), service: 'bookings' },
    { ...booking(6), detail_type: 'x' },
    tooBigForRunTask,
  ];
  const run = await emit('--env', 'dev', '--file', jsonl('bad.jsonl', lines));

  expect(run.code).toBe(2);
  expect(run.stderr).toContain('emit: line 3: not valid JSON');
  expect(run.stderr).toContain(`emit: line 5: Unknown service 'bookings' (environment 'dev'). Known services: ${bookingSaga.services.map((s) => s.name).join(', ')}.`);
  expect(run.stderr).toContain("emit: line 6: unknown field(s) 'detail_type'");
  expect(run.stderr).toMatch(/emit: line 7: dev-booking BookingCreated: detail too large for rule 'charge-payment' .*set options.detailDelivery: 'reference' on rule 'charge-payment'/);
  expect(run.stderr).toContain("emit: refused: 4 problem(s) in environment 'dev'; nothing was sent.");
  expect(server.counts.calls).toBe(0);
});

it('--dry-run validates a file and sends nothing', async () => {
  const run = await emit(
    '--env',
    'dev',
    '--file',
    jsonl(
      'dry.jsonl',
      Array.from({ length: 12 }, (_, i) => (i % 2 ? booking(i) : payment(i))),
    ),
    '--dry-run',
  );
  expect(run.code).toBe(0);
  expect(run.stdout).toBe("Dry run: 12 event(s) valid for environment 'dev' (dev-payment: 6, dev-booking: 6); nothing sent.\n");
  expect(server.counts.calls).toBe(0);
});

it('warns about an unmatched detail-type once with its lines, and refuses it with --strict', async () => {
  const file = jsonl('typo.jsonl', [booking(1), { ...booking(2), detailType: 'BookingCreatd' }, { ...booking(3), detailType: 'BookingCreatd' }]);
  const lenient = await emit('--env', 'dev', '--file', file, '--dry-run');
  expect(lenient.code).toBe(0);
  expect(lenient.stderr).toContain("emit: warning: line 2 and 1 more: detail-type 'BookingCreatd' matches no rule on bus 'dev-booking'");

  const strict = await emit('--env', 'dev', '--file', file, '--strict');
  expect(strict.code).toBe(2);
  expect(strict.stderr).toContain("emit: line 2: dev-booking BookingCreatd: detail-type 'BookingCreatd' matches no rule");
  expect(server.counts.calls).toBe(0);
});

it('explains usage errors and prints --help', async () => {
  const noEnv = await emit('--service', 'booking', '--detail-type', 'BookingCreated');
  expect(noEnv).toMatchObject({ code: 2, stderr: 'emit: --env is required.\nRun with --help for usage.\n' });
  const unknownEnv = await emit('--env', 'qa', '--service', 'booking', '--detail-type', 'BookingCreated');
  expect(unknownEnv.code).toBe(2);
  expect(unknownEnv.stderr).toContain("Unknown environment 'qa'. Known environments: dev, staging, prod.");
  const mixed = await emit('--env', 'dev', '--file', 'x.jsonl', '--service', 'booking');
  expect(mixed.stderr).toContain('--file takes service, detailType and detail from each line; remove --service.');
  const help = await emit('--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--dry-run');
  expect(help.stdout).toContain('Exit codes: 0 all sent');
});

describe('what would go wrong only halfway is refused before anything is sent', () => {
  it('a line that is not valid UTF-8 is named, not silently replaced', async () => {
    const file = path.join(dir, 'latin1.jsonl');
    const good = Buffer.from(`${JSON.stringify(booking(1))}\n`, 'utf8');
    // "café" in Latin-1: the é is the single byte 0xE9, which UTF-8 does not allow there.
    const prefix = '{"service":"booking","detailType":"BookingCreated","detail":{"note":"caf';
    const bad = Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from([0xe9]), Buffer.from('"}}\n', 'utf8')]);
    fs.writeFileSync(file, Buffer.concat([good, good, bad, good]));
    const run = await emit('--env', 'dev', '--file', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`emit: line 3: not valid UTF-8 (byte ${prefix.length + 1} of the line)`);
    expect(server.counts.calls).toBe(0);
  });

  it('a --failed-out that cannot be written is refused before the first event is sent', async () => {
    const run = await emit('--env', 'dev', '--file', jsonl('two.jsonl', [booking(1), booking(2)]), '--failed-out', path.join(dir, 'no-such-dir', 'failed.jsonl'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/emit: --failed-out '.*no-such-dir\/failed\.jsonl' cannot be written \(ENOENT/);
    expect(server.counts.calls).toBe(0);
  });
});

describe('an endpoint that never answers', () => {
  it('fails after --request-timeout, naming the endpoint, after --max-attempts calls', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const run = await emitWith(
        endpoint,
        '--env',
        'dev',
        '--service',
        'booking',
        '--detail-type',
        'BookingCreated',
        '--detail',
        '{"bookingId":"b-1"}',
        '--request-timeout',
        '100',
        '--max-attempts',
        '2',
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`TimeoutError`);
      expect(run.stderr).toContain(`PutEvents to ${endpoint}/ failed after 2 attempts; request timeout of 100 ms`);
    } finally {
      silent.close();
    }
  });

  it('timeouts must be positive whole milliseconds', async () => {
    const run = await emit('--env', 'dev', '--service', 'booking', '--detail-type', 'BookingCreated', '--connect-timeout', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--connect-timeout must be a positive integer; found '0'.");
  });
});
