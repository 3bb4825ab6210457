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
    expect(result.events[3]!.detail).toEqual({ bookingId: 'b-4', reason: 'seat-update-failed', refund: 80 });
    expect(Object.keys(executionStatus(result))).toContain('dev-seat-compensate-seat-failure');
  });

  test('a task that keeps failing (exit 1): the Catch publishes the failure event, then compensation runs', async () => {
    const result = await run([booking({ bookingId: 'b-3', seats: [1], amount: 50, simulate: 'crash' })]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    // States.TaskFailed is not retried by the RunTask state: the task ran once.
    expect(taskRuns(result)).toEqual(['payment/charge#1=1', 'compensation/cancel-booking#1=0', 'notification/notify#1=0']);
    const failure = result.events[1]!;
    expect(ofKind(result, 'event')[1]!.from).toMatch(/^state machine dev-booking-charge-payment:\w+ \(PublishFailureEvent\)$/);
    expect(failure.source).toBe('booking-saga.payment');
    expect(failure.detail).toMatchObject({ bookingId: 'b-3', amount: 50, error: 'States.TaskFailed' });
    const cause = JSON.parse(failure.detail.cause as string) as { Containers: { ExitCode: number }[]; LocalStderrTail: string };
    expect(cause.Containers[0]!.ExitCode).toBe(1);
    expect(cause.LocalStderrTail).toContain('payment: simulated crash while charging booking b-3');
    // The optimized integration adds the execution and the state machine to Resources.
    expect(failure.resources).toEqual([
      expect.stringMatching(/^arn:aws:states:ap-southeast-1:111111111111:execution:dev-booking-charge-payment:/),
      'arn:aws:states:ap-southeast-1:111111111111:stateMachine:dev-booking-charge-payment',
    ]);
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('FAILED');
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-3', reason: 'payment-failed', refund: 0 });
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
