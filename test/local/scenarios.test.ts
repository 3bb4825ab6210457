/**
 * The example saga's scenarios (task-programs/booking-saga/scenarios/*.json), each run end to end
 * against the synthesized dev environment with its expectations checked; the scenario format and
 * checks; and `npm run local -- --scenario` failing on an expectation that does not hold.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { type LocalRunResult, runLocal } from '../../local/runner';
import { checkScenario, parseScenario, readScenarioFile, readServiceStores, type Scenario } from '../../local/scenario';
import { loadSynthesizedEnvironment } from '../../local/synth-loader';
import type { RunSummary } from '../../local/timeline';
import { UsageError } from '../../tooling/cli';
import { synthOutDir } from '../support/synth';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { detailTypes, executionStatus, ofKind, output, taskRuns } from '../support/local-run';

const repoRoot = path.resolve(__dirname, '../..');
const SCENARIOS = path.join(repoRoot, 'task-programs/booking-saga/scenarios');
const files = fs
  .readdirSync(SCENARIOS)
  .filter((file) => file.endsWith('.json'))
  .sort();
const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the saga ships a scenario for each path the local environment must show', () => {
  expect(files).toEqual([
    'capacity-retry.json',
    'crash.json',
    'dead-lettered.json',
    'declined-payment.json',
    'duplicate-delivery.json',
    'happy-path.json',
    'missing-seat.json',
    'orchestrated-compensation-duplicate-delivery.json',
    'orchestrated-compensation.json',
    'orchestrated-declined-on-ec2.json',
    'orchestrated-duplicate-delivery.json',
    'orchestrated-happy-path.json',
    'spot-interruption.json',
  ]);
});

/** Each scenario runs once in this file; its run serves every test that reads it. */
const runs = new Map<string, Promise<{ scenario: Scenario; result: LocalRunResult; workDir: string }>>();
function runScenario(file: string): Promise<{ scenario: Scenario; result: LocalRunResult; workDir: string }> {
  let run = runs.get(file);
  if (!run) {
    const scenario = readScenarioFile(path.join(SCENARIOS, file));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-'));
    workDirs.push(workDir);
    run = runLocal({
      loaded: loadSynthesizedEnvironment(synthOutDir(), scenario.environment),
      catalog: bookingSaga,
      events: scenario.events,
      cwd: repoRoot,
      workDir,
      timeoutSeconds: 60,
      // The pauses of Retry, Wait and delivery retries, shortened as `npm run local` does by default.
      retryIntervalMs: 10,
      runTaskFaults: scenario.runTaskFaults,
      deliveryFaults: scenario.deliveryFaults,
      ...(scenario.duplicateDelivery ? { duplicateDelivery: scenario.duplicateDelivery } : {}),
    }).then((result) => ({ scenario, result, workDir }));
    runs.set(file, run);
  }
  return run;
}

describe.each(files)('scenario %s', (file) => {
  test('runs and shows what it expects', async () => {
    const { scenario, result, workDir } = await runScenario(file);
    expect(checkScenario(scenario, result, readServiceStores(workDir))).toEqual([]);
  });
});

/** What the scenarios' expectations cannot say, checked on the same runs (the events are the scenario's). */
describe('the booking saga, run locally from the synthesized dev environment, in detail', () => {
  const run = async (file: string) => (await runScenario(file)).result;

  test('happy path: payment, seats, confirmation (happy-path.json)', async () => {
    const result = await run('happy-path.json');
    expect(result.summary.outcome).toBe('completed');
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    expect(result.events.map((e) => `${e.bus} ${e.source}`)).toEqual(['dev-booking booking-saga.booking', 'dev-payment booking-saga.payment', 'dev-seat booking-saga.seat']);
    expect(taskRuns(result)).toEqual(['payment/charge#1=0', 'seat/reserve-seats#1=0', 'notification/notify#1=0']);
    expect(executionStatus(result)).toEqual({
      'dev-booking-charge-payment': 'SUCCEEDED',
      'dev-payment-reserve-seats': 'SUCCEEDED',
      'dev-seat-notify-booking-confirmed': 'SUCCEEDED',
    });
    expect(result.events[2]!.detail).toMatchObject({ bookingId: 'b-1', reservedSeats: [1, 2] });
    // The rule's command adds `--template booking-confirmed` to the task's local command.
    expect(output(result, 'notification/notify').join('\n')).toMatch(/^notification: \[booking-confirmed\] booking b-1:/);
    // Each event is attributed to the task process that published it.
    expect(ofKind(result, 'task-finished').map((t) => t.published)).toEqual([[2], [3], []]);
  });

  test('compensation path: a declined payment (business failure, exit 0) cancels the booking (declined-payment.json)', async () => {
    const result = await run('declined-payment.json');
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(taskRuns(result)).toEqual(['payment/charge#1=0', 'compensation/cancel-booking#1=0', 'notification/notify#1=0']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-2', reason: 'amount 5000 is over the card limit of 1000' });
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-2', reason: 'payment-failed', refund: 0 });
    expect(Object.values(executionStatus(result))).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(output(result, 'notification/notify').join('\n')).toMatch(/\[booking-cancelled\] booking b-2/);
  });

  test('a seat that does not exist is compensated with a refund (missing-seat.json)', async () => {
    const result = await run('missing-seat.json');
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdateFailed', 'BookingCancelled']);
    expect(result.events[3]!.detail).toEqual({ bookingId: 'b-4', reason: 'seat-update-failed', refund: 80, paymentId: result.events[1]!.detail.paymentId });
    expect(Object.keys(executionStatus(result))).toContain('dev-seat-compensate-seat-failure');
  });

  test('a task that crashes after charging (exit 1): the Catch publishes the failure event, and compensation refunds that charge (crash.json)', async () => {
    const result = await run('crash.json');
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    // A container that ran and exited non-zero is not run again: the task ran once.
    expect(taskRuns(result)).toEqual(['payment/charge#1=1', 'compensation/cancel-booking#1=0', 'notification/notify#1=0']);
    const failure = result.events[1]!;
    expect(ofKind(result, 'event')[1]!.from).toMatch(/^state machine dev-booking-charge-payment:\w+ \(PublishFailureEvent\)$/);
    expect(failure.source).toBe('booking-saga.payment');
    // The shaped failure, not the task description: what compensation needs, and small.
    expect(failure.detail).toEqual({
      bookingId: 'b-3',
      seats: [1],
      amount: 50,
      simulate: 'crash',
      error: 'States.TaskFailed',
      failedEventId: result.events[0]!.id,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      exitCode: 1,
    });
    expect(output(result, 'payment/charge').join('\n')).toContain('payment: charged 50 for booking b-3');
    // The optimized integration adds the execution and the state machine to Resources.
    expect(failure.resources).toEqual([
      expect.stringMatching(/^arn:aws:states:ap-southeast-1:111111111111:execution:dev-booking-charge-payment:/),
      'arn:aws:states:ap-southeast-1:111111111111:stateMachine:dev-booking-charge-payment',
    ]);
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('FAILED');
    // The charge is named by the event that asked for it, so the crashed charge is refunded.
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-3', reason: 'payment-failed', refund: 50, paymentId: `pay-${result.events[0]!.id.slice(0, 8)}` });
  });
});

describe('checking a scenario', () => {
  const scenario = (expect: Record<string, unknown>) => parseScenario({ description: 'd', events: [{ service: 'booking', detailType: 'BookingCreated', detail: {} }], expect }, 's.json');
  const summary = (overrides: Partial<RunSummary> = {}): RunSummary => ({
    environment: 'dev',
    outcome: 'completed',
    durationSeconds: 1,
    events: [],
    unroutedEvents: [],
    executions: [
      { execution: 'a', rule: 'dev-booking-charge-payment', status: 'SUCCEEDED' },
      { execution: 'b', rule: 'dev-booking-charge-payment', status: 'FAILED' },
    ],
    tasks: [],
    deadLettered: [],
    duplicates: [],
    lingering: [],
    stillRunning: [],
    ...overrides,
  });
  const event = (detailType: string) => ({
    version: '0' as const,
    id: 'i',
    'detail-type': detailType,
    source: 's',
    account: 'a',
    time: 't',
    region: 'r',
    resources: [],
    detail: {},
    bus: 'b',
    seq: 1,
  });
  const result = {
    summary: summary(),
    events: [event('BookingCreated'), event('PaymentSucceeded')],
    deadLetters: [
      {
        queue: 'q',
        rule: 'dev-payment-reserve-seats',
        seq: 2,
        body: JSON.stringify(event('PaymentSucceeded')),
        attributes: { RULE_ARN: 'r', TARGET_ARN: 't', ERROR_CODE: 'THROTTLING', ERROR_MESSAGE: 'm', RETRY_ATTEMPTS: '8' },
      },
    ],
    entries: [
      { at: 0, kind: 'task-started' as const, execution: 'a', state: 'RunTask', task: 'payment/charge', attempt: 1, command: [], pid: 1 },
      { at: 0, kind: 'task-started' as const, execution: 'a', state: 'RunTask', task: 'payment/charge', attempt: 2, command: [], pid: 2 },
    ],
  };
  const stores = { payment: { charges: [{ bookingId: 'b-1', amount: 120, paymentId: 'pay-1' }] } };

  test('everything as expected: no failures', () => {
    const all = scenario({
      events: ['BookingCreated', 'PaymentSucceeded'],
      executions: { 'booking/charge-payment': ['FAILED', 'SUCCEEDED'] },
      taskRuns: { 'payment/charge': 2, 'seat/reserve-seats': 0 },
      deadLetters: [{ rule: 'payment/reserve-seats', detailType: 'PaymentSucceeded', errorCode: 'THROTTLING' }],
      stores: { payment: { charges: [{ bookingId: 'b-1', amount: 120 }] }, seat: { reservations: [] } },
    });
    expect(checkScenario(all, result, stores)).toEqual([]);
  });

  test.each([
    [{ events: ['BookingCreated'] }, 'events: expected BookingCreated, got BookingCreated → PaymentSucceeded'],
    [{ events: ['BookingCreated', 'PaymentFailed'] }, 'events: expected BookingCreated → PaymentFailed, got BookingCreated → PaymentSucceeded'],
    [{ executions: { 'booking/charge-payment': ['SUCCEEDED'] } }, 'executions of booking/charge-payment: expected SUCCEEDED, got FAILED, SUCCEEDED'],
    [{ executions: { 'payment/reserve-seats': ['SUCCEEDED'] } }, 'executions of payment/reserve-seats: expected SUCCEEDED, got none'],
    [{ taskRuns: { 'payment/charge': 1 } }, 'task runs of payment/charge: expected 1, got 2'],
    [{ deadLetters: [] }, 'dead letters: expected [], got'],
    [{ deadLetters: [{ rule: 'payment/reserve-seats', errorCode: 'NO_RESOURCE' }] }, 'dead letters: expected'],
    [{ deadLetters: [{ rule: 'seat/compensate-seat-failure' }] }, 'dead letters: expected'],
    [{ stores: { payment: { charges: [] } } }, 'store payment, table charges: 1 record(s) more than expected'],
    [{ stores: { payment: { charges: [{ bookingId: 'b-1' }, { bookingId: 'b-1' }] } } }, 'store payment, table charges: expected a record {"bookingId":"b-1"}'],
    [{ stores: { payment: { charges: [{ bookingId: 'b-1', amount: 12 }] } } }, 'store payment, table charges: expected a record {"bookingId":"b-1","amount":12}'],
    [{ stores: { payment: { refunds: [{ bookingId: 'b-1' }] } } }, 'store payment, table refunds: expected a record'],
  ])('%j fails', (expectations, message) => {
    const failures = checkScenario(scenario(expectations), result, stores);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(message);
  });

  test('a run that did not complete fails, whatever else it showed', () => {
    const failures = checkScenario(scenario({ taskRuns: { 'payment/charge': 2 } }), { ...result, summary: summary({ outcome: 'timed-out', stillRunning: ['execution x'] }) }, stores);
    expect(failures).toEqual(['the run did not complete (timed-out): execution x']);
  });
});

describe('reading a scenario file', () => {
  const valid = { description: 'd', events: [{ service: 'booking', detailType: 'BookingCreated', detail: { a: 1 } }], expect: { events: ['BookingCreated'] } };

  test('a valid file, with its faults parsed as the command line parses them', () => {
    const scenario: Scenario = parseScenario(
      { ...valid, environment: 'staging', faults: { runTask: ['payment/charge:spot:2'], delivery: ['payment/reserve-seats:all'], duplicateDelivery: 0.5, seed: 3 } },
      'f.json',
    );
    expect(scenario).toMatchObject({
      environment: 'staging',
      runTaskFaults: [{ task: 'payment/charge', kind: 'spot', count: 2 }],
      deliveryFaults: [{ rule: 'payment/reserve-seats', count: 'all' }],
      duplicateDelivery: { probability: 0.5, seed: 3 },
    });
    expect(parseScenario(valid, 'f.json').environment).toBe('dev');
  });

  test.each([
    [{ ...valid, expectations: {} }, /scenario f\.json: \(top level\) has unknown field "expectations"/],
    [{ ...valid, events: [] }, /events must list at least one event/],
    [{ ...valid, events: [{ service: 'booking', detailType: 'X', detail: [1] }] }, /events\[0\]\.detail must be an object/],
    [{ ...valid, faults: { runTask: ['payment/charge:meteor'] } }, /faults\.runTask\[0\] "payment\/charge:meteor": unknown fault kind "meteor"/],
    [{ ...valid, faults: { duplicateDelivery: 1 } }, /faults\.seed must be a whole number when duplicateDelivery is given/],
    [{ ...valid, faults: { seed: 1 } }, /faults\.seed is only used with duplicateDelivery/],
    [{ ...valid, expect: {} }, /expect must expect something/],
    [{ ...valid, expect: { taskRuns: { charge: 1 } } }, /expect\.taskRuns key "charge" must be SERVICE\/NAME/],
    [{ ...valid, expect: { evnets: [] } }, /expect has unknown field "evnets"/],
  ])('%j is refused with a clear error', (json, message) => {
    expect(() => parseScenario(json, 'f.json')).toThrow(UsageError);
    expect(() => parseScenario(json, 'f.json')).toThrow(message);
  });

  test('a missing or broken file names itself', () => {
    expect(() => readScenarioFile('/nonexistent/s.json')).toThrow(/scenario \/nonexistent\/s\.json: cannot be read \(ENOENT\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-file-'));
    workDirs.push(dir);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => readScenarioFile(path.join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('npm run local', () => {
  test('exits 1 and says which expectation failed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-cli-'));
    workDirs.push(dir);
    const declined = JSON.parse(fs.readFileSync(path.join(SCENARIOS, 'declined-payment.json'), 'utf8')) as { expect: { events: string[] } };
    declined.expect.events = ['BookingCreated', 'PaymentSucceeded'];
    const file = path.join(dir, 'wrong.json');
    fs.writeFileSync(file, JSON.stringify(declined));
    const run = spawnSync(
      process.execPath,
      [...TS_NODE_ARGS, 'scripts/local.ts', '--no-synth', '--out', synthOutDir(), '--scenario', file, '--work-dir', path.join(dir, 'work'), '--retry-interval-ms', '10'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: process.env,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Scenario FAILED: A payment over the card limit is declined');
    expect(run.stdout).toContain('  ✗ events: expected BookingCreated → PaymentSucceeded, got BookingCreated → PaymentFailed → BookingCancelled');
    // The stores are the run's own, under its work directory.
    expect(fs.readdirSync(path.join(dir, 'work', 'stores')).sort()).toEqual(['compensation', 'notification', 'payment']);
  }, 60_000);

  test('never synthesizes over a full synth: --out naming an output with other environments is refused (exit 2), the output untouched', () => {
    const manifest = path.join(synthOutDir(), 'manifest.json');
    const before = fs.statSync(manifest).mtimeMs;
    const run = spawnSync(process.execPath, [...TS_NODE_ARGS, 'scripts/local.ts', '--env', 'dev', '--out', synthOutDir()], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`npm run local: ${synthOutDir()} holds a synthesized output with environments `);
    expect(run.stderr).toMatch(
      /environments [a-z, ]*staging[a-z, ]*: synthesizing dev there would replace it\. Read it with --no-synth, or leave out --out \(npm run local synthesizes into \.local\/cdktf\.out\)/,
    );
    expect(run.stdout).not.toContain('Synthesizing');
    expect(fs.statSync(manifest).mtimeMs).toBe(before);
  }, 30_000);

  test('a scenario of another environment than --env is refused before anything runs (exit 2)', () => {
    const run = spawnSync(process.execPath, [...TS_NODE_ARGS, 'scripts/local.ts', '--no-synth', '--env', 'staging', '--scenario', path.join(SCENARIOS, 'happy-path.json')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('npm run local: --env staging: the scenario runs environment dev');
  }, 30_000);
});
