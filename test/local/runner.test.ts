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
import { type LoadedEnvironment, type LoadedStateMachine, loadStacks, loadSynthesizedEnvironment } from '../../local/synth-loader';
import type { TimelineEntry } from '../../local/timeline';
import { isRunning } from '../../local/task-process';
import { synthesize } from '../../stacks/app';
import { largestFittingDetail } from '../../environments/detail-budget';
import { synthOutDir } from '../support/synth';

const repoRoot = path.resolve(__dirname, '../..');
const booking = (detail: Record<string, unknown>): InitialEvent => ({ service: 'booking', detailType: 'BookingCreated', detail });

let dev: LoadedEnvironment;
const workDirs: string[] = [];
beforeAll(() => {
  dev = loadSynthesizedEnvironment(synthOutDir(), 'dev');
});
afterAll(() => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh work directory for one run (its services' stores). */
function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-run-'));
  workDirs.push(dir);
  return dir;
}

function run(events: InitialEvent[], extra: Partial<Parameters<typeof runLocal>[0]> = {}): Promise<LocalRunResult> {
  return runLocal({ loaded: dev, catalog: bookingSaga, events, cwd: repoRoot, workDir: workDir(), timeoutSeconds: 60, retryIntervalMs: 10, ...extra });
}

const detailTypes = (result: LocalRunResult) => result.events.map((event) => event['detail-type']);
const ofKind = <K extends TimelineEntry['kind']>(result: LocalRunResult, kind: K) => result.entries.filter((entry): entry is Extract<TimelineEntry, { kind: K }> => entry.kind === kind);
const taskRuns = (result: LocalRunResult) => ofKind(result, 'task-finished').map((t) => `${t.task}#${t.attempt}=${t.exitCode}`);
const executionStatus = (result: LocalRunResult) => Object.fromEntries(result.summary.executions.map((e) => [e.rule, e.status]));
const output = (result: LocalRunResult, task: string) =>
  ofKind(result, 'task-output')
    .filter((o) => o.task === task && o.stream === 'stdout')
    .map((o) => o.line);

describe('the booking saga, run locally from the synthesized dev environment', () => {
  test('happy path: payment, seats, confirmation', async () => {
    const result = await run([booking({ bookingId: 'b-1', seats: [1, 2], amount: 120 })]);
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
    const result = await run([booking({ bookingId: 'b-5', seats: [1], amount: 10 })], { runTaskFaults: [{ task: 'payment/charge', kind: 'capacity', count: 1 }] });
    const notStarted = ofKind(result, 'task-not-started');
    expect(notStarted.map((n) => `${n.task}#${n.attempt} ${n.error}`)).toEqual(['payment/charge#1 AmazonECS.Unknown']);
    expect(
      ofKind(result, 'task-started')
        .filter((t) => t.task === 'payment/charge')
        .map((t) => t.attempt),
    ).toEqual([2]);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentSucceeded', 'SeatUpdated']);
    expect(executionStatus(result)['dev-booking-charge-payment']).toBe('SUCCEEDED');
  });

  test('a task that never gets capacity exhausts the Retry and ends in the failure event and compensation', async () => {
    // RunTask retries AmazonECS.Unknown 4 times: 5 calls in all.
    const result = await run([booking({ bookingId: 'b-6', seats: [1], amount: 10 })], { runTaskFaults: [{ task: 'payment/charge', kind: 'capacity', count: 5 }] });
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
    // The charge hangs (charge-payment's `simulate: "hang"`), so what is still running does not depend
    // on how fast this machine starts a task.
    const result = await run([booking({ bookingId: 'b-8', seats: [1], amount: 10, simulate: 'hang' })], { timeoutSeconds: 2 });
    expect(result.summary.outcome).toBe('timed-out');
    expect(result.summary.stillRunning.join('\n')).toMatch(/execution dev-booking-charge-payment:\w{8}: /);
  });
});

describe('the runner reads the synthesized output, not the TypeScript catalog', () => {
  let outdir: string;
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('a rule edited in the catalog changes local routing after the next synth', async () => {
    const edited = editRule(bookingSaga, 'booking', 'charge-payment', ['BookingPlaced']);
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-edited-'));
    synthesize({ catalog: edited, environments, outdir, selection: 'dev' });
    const loaded = loadSynthesizedEnvironment(outdir, 'dev');

    const result = await runLocal({
      loaded,
      catalog: edited,
      cwd: repoRoot,
      workDir: workDir(),
      timeoutSeconds: 60,
      retryIntervalMs: 10,
      events: [
        { service: 'booking', detailType: 'BookingCreated', detail: { bookingId: 'b-9', seats: [1], amount: 10 } },
        { service: 'booking', detailType: 'BookingPlaced', detail: { bookingId: 'b-10', seats: [1], amount: 10 } },
      ],
    });
    expect(result.summary.unroutedEvents).toEqual([1]); // BookingCreated no longer starts the payment
    expect(
      ofKind(result, 'routed')
        .filter((r) => r.seq === 2)
        .map((r) => r.rule),
    ).toEqual(['dev-booking-charge-payment']);
    expect(detailTypes(result)).toEqual(['BookingCreated', 'BookingPlaced', 'PaymentSucceeded', 'SeatUpdated']);
  });
});

function editRule(catalog: Catalog, service: string, rule: string, detailTypes: string[]): Catalog {
  return {
    ...catalog,
    services: catalog.services.map((s) =>
      s.name !== service ? s : { ...s, rules: s.rules.map((r) => (r.name !== rule ? r : { ...r, eventPattern: { ...r.eventPattern, 'detail-type': detailTypes } })) },
    ),
  };
}

describe('what a task publishes is checked before its side effect', () => {
  test('a booking whose PaymentSucceeded would be refused further down is declined, not charged, and compensation refunds nothing', async () => {
    // The largest BookingCreated the publisher accepts: its PaymentSucceeded adds a paymentId, and no longer fits reserve-seats' RunTask.
    const largest = largestFittingDetail(
      bookingSaga,
      environments.find((e) => e.name === 'dev')!,
      { service: 'booking', detailType: 'BookingCreated' },
      (n) => ({
        bookingId: 'b-11',
        seats: [1],
        amount: 10,
        note: 'x'.repeat(n),
      }),
    )!;
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
    const hurried = withDefinition(dev, 'dev-booking-charge-payment', (definition) => ({ ...definition, TimeoutSeconds: 3 }));
    const result = await runLocal({
      loaded: hurried,
      catalog: bookingSaga,
      events: [booking({ bookingId: 'b-12', seats: [1], amount: 20, simulate: 'hang' })],
      cwd: repoRoot,
      workDir: workDir(),
      timeoutSeconds: 60,
      retryIntervalMs: 10,
    });
    expect(detailTypes(result)).toEqual(['BookingCreated', 'Step Functions Execution Status Change', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]).toMatchObject({ bus: 'default', source: 'aws.states', detail: { status: 'TIMED_OUT' } });
    expect(ofKind(result, 'event')[2]!.from).toMatch(/^state machine dev-booking-ended-executions:\w+ \(PublishFailureEvent\)$/);
    expect(result.events[2]!.detail).toEqual({ bookingId: 'b-12', seats: [1], amount: 20, simulate: 'hang', error: 'ExecutionTimedOut', failedEventId: result.events[0]!.id });
    expect(executionStatus(result)).toMatchObject({ 'dev-booking-charge-payment': 'TIMED_OUT', 'dev-booking-ended-executions': 'SUCCEEDED' });
    // The task may have charged before the timeout: its charge is refunded.
    expect(result.events[3]!.detail).toMatchObject({ bookingId: 'b-12', refund: 20 });
    // The hung task was stopped with its execution, as .sync stops it (StopTask: SIGTERM, exit 143).
    expect(taskRuns(result)[0]).toBe('payment/charge#1=143');
    expect(ofKind(result, 'task-finished')[0]).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by Step Functions' });
    expect(ofKind(result, 'task-stopping')[0]!.reason).toMatch(/^the execution ended: Step Functions stops the task \(StopTask\)/);
  });
});

/** The environment with one state machine's definition changed (everything else shared). */
function withDefinition(loaded: LoadedEnvironment, machineName: string, change: (definition: Record<string, unknown>) => Record<string, unknown>): LoadedEnvironment {
  const machine = (m: LoadedStateMachine): LoadedStateMachine => (m.name === machineName ? { ...m, definition: change(structuredClone(m.definition)) } : m);
  return {
    ...loaded,
    stateMachines: loaded.stateMachines.map(machine),
    rules: loaded.rules.map((rule) => ({
      ...rule,
      targets: rule.targets.map((target) => ({ ...target, machine: machine(target.machine) })),
      stateMachines: rule.stateMachines.map(machine),
    })),
  };
}

describe('EventBridge as AWS runs it: matching on the event text, StartExecution limits, faults named right', () => {
  /** An environment of one bus and one rule whose target is a state machine that just succeeds. */
  function oneRule(patternText: string): LoadedEnvironment {
    const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    return loadStacks('dev', '/out', [
      {
        name: 'dev-booking',
        json: {
          provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['123456789012'] }] },
          resource: {
            aws_cloudwatch_event_bus: { bus: { name: 'dev-booking' } },
            aws_cloudwatch_event_rule: { rule: { name: 'dev-booking-r', event_bus_name: '${aws_cloudwatch_event_bus.bus.name}', event_pattern: patternText } },
            aws_cloudwatch_event_target: {
              target: {
                rule: '${aws_cloudwatch_event_rule.rule.name}',
                arn: '${aws_sfn_state_machine.machine.arn}',
                retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 60 },
                dead_letter_config: { arn: '${aws_sqs_queue.dlq.arn}' },
              },
            },
            aws_sfn_state_machine: { machine: { name: 'dev-booking-r', definition } },
            aws_sqs_queue: { dlq: { name: 'dev-booking-r-dlq' } },
          },
        },
      },
    ]);
  }

  test('a number a double cannot hold matches as in EventBridge (on the text), not as the double it rounds to', async () => {
    const result = await run(
      [
        { service: 'booking', detailType: 'Big', detail: '{"n":9007199254740993}' },
        { service: 'booking', detailType: 'Big', detail: '{"n":9007199254740992}' },
      ],
      { loaded: oneRule('{"detail":{"n":[9007199254740992]}}') },
    );
    expect(result.summary.unroutedEvents).toEqual([1]);
    expect(ofKind(result, 'routed').map((r) => r.seq)).toEqual([2]);
  });

  test("an event too large for StartExecution's input (256 KiB) is not retried: it goes to the dead-letter queue at once", async () => {
    // The entry is exactly at PutEvents' 256 KB; the event EventBridge builds around it is larger.
    const detail = `{"x":"${'y'.repeat(256 * 1024 - 'booking-saga.booking'.length - 'Big'.length - 8)}"}`;
    const result = await run([{ service: 'booking', detailType: 'Big', detail }], { loaded: oneRule('{"detail-type":["Big"]}') });
    expect(ofKind(result, 'delivery-failed')).toEqual([expect.objectContaining({ attempt: 1, errorCode: 'INVALID_PARAMETER' })]);
    expect(result.deadLetters.map((letter) => [letter.queue, letter.attributes.ERROR_CODE, letter.attributes.RETRY_ATTEMPTS])).toEqual([['dev-booking-r-dlq', 'INVALID_PARAMETER', '0']]);
    expect(result.summary.executions).toEqual([]);
  });

  test('a delivery fault: retried within the policy (2 retries), then dead-lettered; shown in the summary', async () => {
    const result = await run([{ service: 'booking', detailType: 'Small', detail: {} }], {
      loaded: oneRule('{"detail-type":["Small"]}'),
      deliveryFaults: [{ rule: 'booking/r', count: 'all' }],
    });
    expect(ofKind(result, 'delivery-failed').map((f) => f.attempt)).toEqual([1, 2, 3]);
    expect(result.summary.deadLettered).toEqual([{ seq: 1, rule: 'dev-booking-r', queue: 'dev-booking-r-dlq', errorCode: 'THROTTLING' }]);
    expect(result.deadLetters[0]!.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '2' });
  });

  test('faults naming a task or rule that does not exist are refused before anything runs', async () => {
    const base = { loaded: dev, catalog: bookingSaga, cwd: repoRoot, workDir: workDir(), timeoutSeconds: 5, events: [] };
    await expect(runLocal({ ...base, runTaskFaults: [{ task: 'payment/charges', kind: 'spot', count: 1 }] })).rejects.toThrow(
      /fault payment\/charges:spot: no task payment\/charges in the catalog \(tasks: payment\/charge, /,
    );
    await expect(runLocal({ ...base, deliveryFaults: [{ rule: 'payment/reserve-seat', count: 1 }] })).rejects.toThrow(/environment dev has no rule payment\/reserve-seat/);
  });
});

describe('a Task state that times out', () => {
  test('stops its ECS task (SIGTERM to the group, UserInitiated) and takes the failure path with States.Timeout', async () => {
    const hurried = withDefinition(dev, 'dev-booking-charge-payment', (definition) => {
      const states = definition.States as Record<string, Record<string, unknown>>;
      return { ...definition, States: { ...states, RunTask: { ...states.RunTask, TimeoutSeconds: 1 } } };
    });
    const result = await run([booking({ bookingId: 'b-14', seats: [1], amount: 20, simulate: 'hang' })], { loaded: hurried });
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-14', error: 'States.Timeout' });
    expect(ofKind(result, 'task-stopping')[0]!.reason).toMatch(/^the state timed out: Step Functions stops the task \(StopTask\)/);
    expect(ofKind(result, 'task-finished')[0]).toMatchObject({ task: 'payment/charge', exitCode: 143, stopCode: 'UserInitiated' });
    // It may have charged before it timed out: compensation refunds that charge.
    expect(result.events[2]!.detail).toMatchObject({ bookingId: 'b-14', refund: 20 });
  });
});

describe("bounded resources at the run's timeout", () => {
  test('the whole process group of a task still running is ended, grandchildren included', async () => {
    const fixture = path.join(__dirname, '../fixtures/task-processes/ignores-sigterm.js');
    const stubborn: Catalog = {
      ...bookingSaga,
      services: bookingSaga.services.map((s) => (s.name !== 'payment' ? s : { ...s, tasks: s.tasks.map((t) => ({ ...t, local: { command: [process.execPath, fixture] } })) })),
    };
    const result = await run([booking({ bookingId: 'b-13', seats: [1], amount: 10 })], { catalog: stubborn, timeoutSeconds: 3 });
    expect(result.summary.outcome).toBe('timed-out');
    expect(result.summary.stillRunning.join('\n')).toMatch(/task payment\/charge in dev-booking-charge-payment:\w{8} \(pid \d+, /);
    const line = ofKind(result, 'task-output').find((o) => o.line.startsWith('child '))!;
    const child = Number(line.line.slice('child '.length));
    // The task ignores SIGTERM: it and its child end only because the group is killed.
    for (let waited = 0; isRunning(child) && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isRunning(child)).toBe(false);
  });
});
