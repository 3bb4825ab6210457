/**
 * `npm run local` end to end: the synthesized dev environment, the real ASL in the interpreter,
 * and the example tasks as real processes publishing through the event client.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog } from '../../catalog/types';
import { environments } from '../../environments';
import { type InitialEvent, type LocalRunResult, runLocal } from '../../local/runner';
import { type LoadedEnvironment, loadSynthesizedEnvironment } from '../../local/synth-loader';
import type { TimelineEntry } from '../../local/timeline';
import { synthesize } from '../../stacks/app';
import { largestFittingDetail } from '../../environments/detail-budget';
import { synthOutDir } from '../support/synth';

const repoRoot = path.resolve(__dirname, '../..');
const booking = (detail: Record<string, unknown>): InitialEvent => ({ service: 'booking', detailType: 'BookingCreated', detail });

let dev: LoadedEnvironment;
beforeAll(() => {
  dev = loadSynthesizedEnvironment(synthOutDir(), 'dev');
});

function run(events: InitialEvent[], extra: Partial<Parameters<typeof runLocal>[0]> = {}): Promise<LocalRunResult> {
  return runLocal({ loaded: dev, catalog: bookingSaga, events, cwd: repoRoot, timeoutSeconds: 60, retryIntervalMs: 10, ...extra });
}

const detailTypes = (result: LocalRunResult) => result.events.map((event) => event['detail-type']);
const ofKind = <K extends TimelineEntry['kind']>(result: LocalRunResult, kind: K) =>
  result.entries.filter((entry): entry is Extract<TimelineEntry, { kind: K }> => entry.kind === kind);
const taskRuns = (result: LocalRunResult) => ofKind(result, 'task-finished').map((t) => `${t.task}#${t.attempt}=${t.exitCode}`);
const executionStatus = (result: LocalRunResult) =>
  Object.fromEntries(result.summary.executions.map((e) => [e.rule, e.status]));
const output = (result: LocalRunResult, task: string) =>
  ofKind(result, 'task-output')
    .filter((o) => o.task === task && o.stream === 'stdout')
    .map((o) => o.line);

describe('the booking saga, run locally from the synthesized dev environment', () => {
  test('happy path: payment, seats, confirmation', async () => {
    const result = await run([booking({ bookingId: 'b-1', seats: [1, 2], amount: 120 })]);
    expect(result.summary.outcome).toBe('completed');
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    expect(result.events.map((e) => `${e.bus} ${e.source}`)).toEqual([
      'dev-booking booking-saga.booking',
      'dev-payment booking-saga.payment',
      'dev-seat booking-saga.seat',
    ]);
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

  test('compensation path: a declined payment (business failure, exit 0) cancels the booking', async () => {
    const result = await run([booking({ bookingId: 'b-2', seats: [3], amount: 5000 })]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(taskRuns(result)).toEqual(['payment/charge#1=0', 'compensation/cancel-booking#1=0', 'notification/notify#1=0']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-2', reason: 'amount 5000 is over the card limit of 1000' });
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-2', reason: 'payment-failed', refund: 0 });
    expect(Object.values(executionStatus(result))).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(output(result, 'notification/notify').join('\n')).toMatch(/\[booking-cancelled\] booking b-2/);
  });

  test('a seat that does not exist is compensated with a refund', async () => {
    const result = await run([booking({ bookingId: 'b-4', seats: [7, 101], amount: 80 })]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdateFailed', 'BookingCancelled']);
    expect(result.events[3]!.detail).toEqual({ bookingId: 'b-4', reason: 'seat-update-failed', refund: 80, paymentId: result.events[1]!.detail.paymentId });
    expect(Object.keys(executionStatus(result))).toContain('dev-seat-compensate-seat-failure');
  });

  test('a task that crashes after charging (exit 1): the Catch publishes the failure event, and compensation refunds that charge', async () => {
    const result = await run([booking({ bookingId: 'b-3', seats: [1], amount: 50, simulate: 'crash' })]);
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

  test('a task that fails once to start (no ECS capacity) succeeds on the Retry', async () => {
    const result = await run([booking({ bookingId: 'b-5', seats: [1], amount: 10 })], { runTaskFaults: { 'payment/charge': 1 } });
    const notStarted = ofKind(result, 'task-not-started');
    expect(notStarted.map((n) => `${n.task}#${n.attempt} ${n.error}`)).toEqual(['payment/charge#1 AmazonECS.Unknown']);
    expect(ofKind(result, 'task-started').filter((t) => t.task === 'payment/charge').map((t) => t.attempt)).toEqual([2]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('SUCCEEDED');
  });

  test('a task that never gets capacity exhausts the Retry and ends in the failure event and compensation', async () => {
    // RunTask retries AmazonECS.Unknown 4 times: 5 calls in all.
    const result = await run([booking({ bookingId: 'b-6', seats: [1], amount: 10 })], { runTaskFaults: { 'payment/charge': 5 } });
    expect(ofKind(result, 'task-not-started').map((n) => n.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(ofKind(result, 'task-started').filter((t) => t.task === 'payment/charge')).toEqual([]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-6', error: 'AmazonECS.Unknown' });
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('FAILED');
  });

  test('a detail with quotes, backslashes, newlines and non-ASCII reaches the task intact', async () => {
    const detail = {
      bookingId: 'b-"7"\\x',
      seats: [5],
      amount: 99.5,
      note: 'line 1\nline 2\ttab "quoted" back\\slash \\" \\\\n é ✓ 😀',
      nested: { path: 'C:\\Users\\a', empty: '', list: ['\\', '"', '\n'] },
    };
    const result = await run([booking(detail)]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    // charge-payment republishes the detail it read from `eventDetail`: any lost or added character shows here.
    const { paymentId, ...republished } = result.events[1]!.detail;
    expect(paymentId).toMatch(/^pay-/);
    expect(republished).toEqual(detail);
  });

  test('an event no rule matches ends the run at once', async () => {
    const result = await run([{ service: 'booking', detailType: 'BookingViewed', detail: {} }]);
    expect(result.summary.outcome).toBe('completed');
    expect(result.summary.unroutedEvents).toEqual([1]);
    expect(result.summary.executions).toEqual([]);
  });

  test('the timeout stops the run and names what was still running', async () => {
    const result = await run([booking({ bookingId: 'b-8', seats: [1], amount: 10 })], { timeoutSeconds: 0.2 });
    expect(result.summary.outcome).toBe('timed-out');
    expect(result.summary.stillRunning.join('\n')).toMatch(/execution dev-booking-charge-payment:\w{8}: /);
  });
});

describe('the runner reads the synthesized output, not the TypeScript catalog', () => {
  let outdir: string;
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('a rule edited in the catalog changes local routing after the next synth', async () => {
    const edited = editRule(bookingSaga, 'booking', 'charge-payment', ['BookingRequested']);
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-edited-'));
    synthesize({ catalog: edited, environments, outdir, selection: 'dev' });
    const loaded = loadSynthesizedEnvironment(outdir, 'dev');

    const result = await runLocal({
      loaded,
      catalog: edited,
      cwd: repoRoot,
      timeoutSeconds: 60,
      retryIntervalMs: 10,
      events: [
        { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-9', seats: [1], amount: 10 } },
        { service: 'booking', detailType: 'BookingRequested', detail: { bookingId: 'b-10', seats: [1], amount: 10 } },
      ],
    });
    expect(result.summary.unroutedEvents).toEqual([1]); // BookingCreated no longer starts the payment
    expect(ofKind(result, 'routed').filter((r) => r.seq === 2).map((r) => r.rule)).toEqual(['dev-booking-charge-payment']);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'BookingRequested', 'PaymentSucceeded', 'SeatUpdated']);
  });
});

function editRule(catalog: Catalog, service: string, rule: string, detailTypes: string[]): Catalog {
  return {
    ...catalog,
    services: catalog.services.map((s) =>
      s.name !== service
        ? s
        : { ...s, rules: s.rules.map((r) => (r.name !== rule ? r : { ...r, eventPattern: { ...r.eventPattern, 'detail-type': detailTypes } })) },
    ),
  };
}

describe('what a task publishes is checked before its side effect', () => {
  test('a booking whose PaymentSucceeded would be refused further down is declined, not charged, and compensation refunds nothing', async () => {
    // The largest BookingCreated the publisher accepts: its PaymentSucceeded adds a paymentId, and no longer fits reserve-seats' RunTask.
    const largest = largestFittingDetail(bookingSaga, environments.find((e) => e.name === 'dev')!, { service: 'booking', detailType: 'BookingCreated' }, (n) => ({
      bookingId: 'b-11',
      seats: [1],
      amount: 10,
      note: 'x'.repeat(n),
    }))!;
    const result = await run([booking(largest.detail as Record<string, unknown>)]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    const payment = output(result, 'payment/charge').join('\n');
    expect(payment).not.toMatch(/payment: charged/);
    expect(payment).toContain('payment: declined booking b-11: not charged: its PaymentSucceeded event would be refused');
    // Published by the task itself, as a business failure: exit 0, nothing for the Catch.
    expect(taskRuns(result)[0]).toBe('payment/charge#1=0');
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-11', reason: expect.stringMatching(/reserve-seats/) });
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-11', reason: 'payment-failed', refund: 0 });
  });
});

describe('an execution that times out', () => {
  test('is announced from the default bus, as on AWS, and its booking is compensated', async () => {
    // The example's timeout is an hour; the same definition with three seconds.
    const hurried = structuredClone(dev) as { -readonly [K in keyof LoadedEnvironment]: LoadedEnvironment[K] };
    for (const rule of hurried.rules) {
      for (const machine of rule.stateMachines) if (machine.name === 'dev-booking-charge-payment') (machine.definition as { TimeoutSeconds: number }).TimeoutSeconds = 3;
    }
    const result = await runLocal({ loaded: hurried, catalog: bookingSaga, events: [booking({ bookingId: 'b-12', seats: [1], amount: 20, simulate: 'hang' })], cwd: repoRoot, timeoutSeconds: 60, retryIntervalMs: 10 });
    expect(detailTypes(result)).toEqual(['BookingCreated', 'Step Functions Execution Status Change', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]).toMatchObject({ bus: 'default', source: 'aws.states', detail: { status: 'TIMED_OUT' } });
    expect(ofKind(result, 'event')[2]!.from).toMatch(/^state machine dev-booking-ended-executions:\w+ \(PublishFailureEvent\)$/);
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-12', seats: [1], amount: 20, simulate: 'hang', error: 'ExecutionTimedOut', failedEventId: result.events[0]!.id });
    expect(executionStatus(result)).toMatchObject({ 'dev-booking-charge-payment': 'TIMED_OUT', 'dev-booking-ended-executions': 'SUCCEEDED' });
    // The task may have charged before the timeout: its charge is refunded.
    expect(result.events[3]!.detail).toMatchObject({ bookingId: 'b-12', refund: 20 });
    // The hung task was stopped with its execution, as .sync stops it.
    expect(taskRuns(result)[0]).toBe('payment/charge#1=null');
  });
});
