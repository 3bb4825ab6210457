/**
 * `npm run local` ending what runs, as AWS ends it: a run at its timeout (or its caller's stop), an
 * execution at its TimeoutSeconds, a Task state at its TimeoutSeconds. Each waits on an event it
 * can observe, or on the shortest whole second ASL allows, never on a guess of how fast this
 * machine starts a process.
 */
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog } from '../../catalog/types';
import { isRunning } from '../../local/task-process';
import { booking, detailTypes, devEnvironment, executionStatus, ofKind, runSaga, taskRuns, withDefinition } from '../support/local-run';

describe("a run's end", () => {
  test('the timeout stops the run and names what was still running', async () => {
    // The charge hangs (charge-payment's `simulate: "hang"`), and its execution starts before the
    // initial PutEvents call returns (the bus routes before it answers), so it is running at any
    // timeout: a fifth of a second proves what 2 s did, however loaded the machine.
    const printed: string[] = [];
    const result = await runSaga([booking({ bookingId: 'b-8', seats: [1], amount: 10, simulate: 'hang' })], { timeoutSeconds: 0.2, print: (line) => printed.push(line) });
    expect(result.summary.outcome).toBe('timed-out');
    expect(result.summary.stillRunning.join('\n')).toMatch(/execution dev-booking-charge-payment:\w{8}: /);
    expect(ofKind(result, 'note').at(-1)!.message).toMatch(/^TIMEOUT after 0\.2s; still running: execution dev-booking-charge-payment:/);
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}STILL RUNNING at the timeout: execution dev-booking-charge-payment:/));
    expect(printed).toContainEqual(expect.stringMatching(/^Summary \(environment dev, timed-out, /));
  });

  test("the caller's signal stops the run as the timeout does, and the whole process group of a task still running is ended, grandchildren included", async () => {
    const fixture = path.join(__dirname, '../fixtures/task-processes/ignores-sigterm.js');
    const stubborn: Catalog = {
      ...bookingSaga,
      services: bookingSaga.services.map((s) => (s.name !== 'payment' ? s : { ...s, tasks: s.tasks.map((t) => ({ ...t, local: { command: [process.execPath, fixture] } })) })),
    };
    // Stopped once the task has started its child (it prints its pid), not after a guessed delay.
    const stop = new AbortController();
    let child = 0;
    const printed: string[] = [];
    const result = await runSaga([booking({ bookingId: 'b-13', seats: [1], amount: 10 })], {
      catalog: stubborn,
      signal: stop.signal,
      print: (line) => {
        printed.push(line);
        const pid = /\bchild (\d+)$/.exec(line)?.[1];
        if (pid !== undefined && child === 0) {
          child = Number(pid);
          stop.abort();
        }
      },
    });
    expect(child).toBeGreaterThan(0);
    expect(result.summary.outcome).toBe('stopped');
    expect(result.summary.stillRunning.join('\n')).toMatch(/task payment\/charge in dev-booking-charge-payment:\w{8} \(pid \d+, /);
    expect(ofKind(result, 'note').at(-1)!.message).toMatch(/^STOPPED by its caller after \d+\.\ds; still running: /);
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}STILL RUNNING at the stop: task payment\/charge in /));
    expect(printed).toContainEqual(expect.stringMatching(/^Summary \(environment dev, stopped, /));
    // The task ignores SIGTERM: it and its child end only because the group is killed.
    for (let waited = 0; isRunning(child) && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isRunning(child)).toBe(false);
  });

  test('a signal already aborted ends the run as soon as its initial events are routed', async () => {
    const result = await runSaga([booking({ bookingId: 'b-15', seats: [1], amount: 10, simulate: 'hang' })], { signal: AbortSignal.abort() });
    expect(result.summary.outcome).toBe('stopped');
    expect(result.summary.stillRunning.join('\n')).toMatch(/execution dev-booking-charge-payment:\w{8}: /);
  });
});

// The two ASL timeouts below each wait their whole second: they run side by side (separate runs,
// buses and work directories), so the file waits one second, not two.
describe('an execution that times out', () => {
  test.concurrent('is announced from the default bus, as on AWS, and its booking is compensated', async () => {
    // The example's timeout is an hour; the same definition with the shortest ASL allows. The charge
    // hangs, so the execution is still running at that second however slowly its task starts.
    const hurried = withDefinition(devEnvironment(), 'dev-booking-charge-payment', (definition) => ({ ...definition, TimeoutSeconds: 1 }));
    const result = await runSaga([booking({ bookingId: 'b-12', seats: [1], amount: 20, simulate: 'hang' })], { loaded: hurried });
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

describe('a Task state that times out', () => {
  test.concurrent('stops its ECS task (SIGTERM to the group, UserInitiated) and takes the failure path with States.Timeout', async () => {
    const hurried = withDefinition(devEnvironment(), 'dev-booking-charge-payment', (definition) => {
      const states = definition.States as Record<string, Record<string, unknown>>;
      return { ...definition, States: { ...states, RunTask: { ...states.RunTask, TimeoutSeconds: 1 } } };
    });
    const result = await runSaga([booking({ bookingId: 'b-14', seats: [1], amount: 20, simulate: 'hang' })], { loaded: hurried });
    expect(detailTypes(result)).toEqual(['BookingCreated', 'PaymentFailed', 'BookingCancelled']);
    expect(result.events[1]!.detail).toMatchObject({ bookingId: 'b-14', error: 'States.Timeout' });
    expect(ofKind(result, 'task-stopping')[0]!.reason).toMatch(/^the state timed out: Step Functions stops the task \(StopTask\)/);
    expect(ofKind(result, 'task-finished')[0]).toMatchObject({ task: 'payment/charge', exitCode: 143, stopCode: 'UserInitiated' });
    // It may have charged before it timed out: compensation refunds that charge.
    expect(result.events[2]!.detail).toMatchObject({ bookingId: 'b-14', refund: 20 });
  });
});
