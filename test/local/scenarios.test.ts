/**
 * The example saga's scenarios (task-programs/booking-saga/scenarios/*.json), each run end to end
 * against the synthesized dev environment with its expectations checked (the orchestrated ones in
 * scenarios-orchestrated.test.ts); the saga's paths in detail, on those runs; the scenario format
 * and checks. `npm run local -- --scenario` as a process: local-command.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkScenario, parseScenario, readScenarioFile, readServiceStores, type Scenario } from '../../local/scenario';
import type { RunSummary } from '../../local/timeline';
import { UsageError } from '../../tooling/cli';
import { detailTypes, executionStatus, isOrchestrated, ofKind, output, runScenario, scenarioFiles, taskRuns, workDir } from '../support/local-run';

const files = scenarioFiles();

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

// The orchestrated-* scenarios run in scenarios-orchestrated.test.ts: two files balance Jest's workers.
describe.each(files.filter((file) => !isOrchestrated(file)))('scenario %s', (file) => {
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

  test('tasks that fail to start (no ECS capacity twice, HTTP 500 once) start on the RunTask Retry and the booking completes (capacity-retry.json)', async () => {
    const result = await run('capacity-retry.json');
    expect(ofKind(result, 'task-not-started').map((n) => `${n.task}#${n.attempt} ${n.error}`)).toEqual([
      'payment/charge#1 AmazonECS.Unknown',
      'payment/charge#2 AmazonECS.Unknown',
      'seat/reserve-seats#1 ECS.ServerException',
    ]);
    expect(ofKind(result, 'task-started').map((t) => `${t.task}#${t.attempt}`)).toEqual(['payment/charge#3', 'seat/reserve-seats#2', 'notification/notify#1']);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('SUCCEEDED');
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
    const dir = workDir('scenario-file-');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => readScenarioFile(path.join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
});
