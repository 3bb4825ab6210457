/**
 * The local RunTask: ECS's overrides limit and errors, every injected fault driving its path of the
 * synthesized state machine, task descriptions as Cause, PROVISIONING, stops and Spot interruptions.
 * The task is a small Node script (test/fixtures/task-processes/exit-with.js) put in place of the
 * payment task's local command, so each run takes milliseconds.
 */
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog } from '../../catalog/types';
import { FAILURE_FIELDS, STATE_NAMES } from '../../core/asl';
import { RUN_TASK_OVERRIDES_LIMIT } from '../../core/aws-limits';
import { ABANDONED, type ExecutionOutcome, type JsonValue, runStateMachine, statesEntered, type TaskCall } from '../../local/asl-interpreter';
import { apiShape, LocalEcs } from '../../local/ecs';
import type { RunTaskFault, RunTaskFaultKind } from '../../local/faults';
import { loadSynthesizedEnvironment, type LoadedStateMachine } from '../../local/synth-loader';
import type { TimelineEntry } from '../../local/timeline';
import { synthOutDir } from '../support/synth';

const fixture = (name: string) => path.join(__dirname, '../fixtures/task-processes', name);

/** The saga with the payment task run by a fixture script. */
const catalog: Catalog = {
  ...bookingSaga,
  services: bookingSaga.services.map((service) =>
    service.name !== 'payment' ? service : { ...service, tasks: service.tasks.map((task) => ({ ...task, local: { command: [process.execPath, fixture('exit-with.js')] } })) },
  ),
};

let chargePayment: LoadedStateMachine;
beforeAll(() => {
  chargePayment = loadSynthesizedEnvironment(synthOutDir(), 'dev').stateMachines.find((machine) => machine.name === 'dev-booking-charge-payment')!;
});

type Entry = Omit<TimelineEntry, 'at'>;

function newEcs(options: { faults?: RunTaskFault[]; maxTasks?: number; entries?: Entry[] } = {}) {
  const entries = options.entries ?? [];
  const ecs = new LocalEcs({
    catalog,
    environment: 'dev',
    region: 'ap-southeast-1',
    account: '111111111111',
    cwd: __dirname,
    maxTasks: options.maxTasks ?? 4,
    stopTimeoutSeconds: 1,
    faults: options.faults ?? [],
    taskEnvironment: (_task, _token, container) => ({ PATH: process.env.PATH ?? '', ...container }),
    publishedBy: () => [],
    record: (entry) => entries.push(entry as Entry),
  });
  return { ecs, entries };
}

const event = (detail: Record<string, JsonValue>) => ({ version: '0', id: '5f1c8a52-0000-4000-8000-000000000001', source: 'booking-saga.booking', 'detail-type': 'BookingCreated', detail });

/** Runs the synthesized charge-payment definition with this ECS; failure events are captured. */
async function execute(ecs: LocalEcs, detail: Record<string, JsonValue> = {}): Promise<{ outcome: ExecutionOutcome; published: JsonValue[] }> {
  const published: JsonValue[] = [];
  const outcome = await runStateMachine({
    definition: chargePayment.definition,
    input: event(detail),
    stateMachineArn: chargePayment.arn,
    retryIntervalMs: 0,
    handlers: {
      runTask: (parameters, call) => ecs.runTask(parameters, call, { execution: 'test', setActivity: () => undefined }),
      putEvents: (parameters) => {
        const entry = (parameters as { Entries: { Detail: JsonValue }[] }).Entries[0]!;
        published.push(entry.Detail);
        return { FailedEntryCount: 0, Entries: [{ EventId: 'e' }] };
      },
    },
  });
  return { outcome, published };
}

const runTaskErrors = (outcome: ExecutionOutcome) => outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask).map((call) => call.error?.error ?? 'ok');
const fault = (kind: RunTaskFaultKind, count = 1): RunTaskFault => ({ task: 'payment/charge', kind, count });

describe('every fault kind drives its path of the synthesized state machine', () => {
  test.each([
    ['capacity', 'AmazonECS.Unknown'],
    ['server-error', 'ECS.ServerException'],
    ['throttled', 'ECS.AmazonECSException'],
  ] as const)('%s: the RunTask Retry starts the task', async (kind, error) => {
    const { outcome } = await execute(newEcs({ faults: [fault(kind)] }).ecs);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(runTaskErrors(outcome)).toEqual([error, 'ok']);
    expect(statesEntered(outcome)).not.toContain(STATE_NAMES.classifyFailure);
  });

  test.each(['throttled-lookup', 'start-failure', 'spot'] as const)('%s: caught, classified and rerun with the same event', async (kind) => {
    const { outcome } = await execute(newEcs({ faults: [fault(kind)] }).ecs);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(outcome)).toEqual(expect.arrayContaining([STATE_NAMES.classifyFailure, STATE_NAMES.countRerun, STATE_NAMES.waitBeforeRerun]));
    expect(runTaskErrors(outcome)).toEqual([kind === 'throttled-lookup' ? 'ECS.InvalidParameterException' : 'States.TaskFailed', 'ok']);
  });

  test('inactive task definition: not retried, the failure event names the ECS error', async () => {
    const { outcome, published } = await execute(newEcs({ faults: [fault('inactive')] }).ecs, { bookingId: 'b' });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ECS.InvalidParameterException' });
    expect(runTaskErrors(outcome)).toEqual(['ECS.InvalidParameterException']);
    expect(published).toEqual([{ bookingId: 'b', [FAILURE_FIELDS.error]: 'ECS.InvalidParameterException', [FAILURE_FIELDS.failedEventId]: event({}).id }]);
  });

  test('a task that never starts three times: reruns used up, the failure event carries the stop code and no exit code', async () => {
    const { outcome, published } = await execute(newEcs({ faults: [fault('start-failure', 3)] }).ecs);
    expect(outcome.status).toBe('FAILED');
    expect(runTaskErrors(outcome)).toEqual(['States.TaskFailed', 'States.TaskFailed', 'States.TaskFailed']);
    expect(published[0]).toMatchObject({ error: 'States.TaskFailed', stopCode: 'TaskFailedToStart', exitCode: null, stoppedReason: expect.stringMatching(/^CannotPullContainerError/) });
  });

  test('a container that exits non-zero is not rerun: its exit code and stop code reach the failure event', async () => {
    const { outcome, published } = await execute(newEcs().ecs, { exitCode: 3 });
    expect(runTaskErrors(outcome)).toEqual(['States.TaskFailed']);
    expect(published[0]).toMatchObject({ error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', exitCode: 3 });
  });

  test('faults are used in the order given, each for its count', async () => {
    const { outcome } = await execute(newEcs({ faults: [fault('capacity', 2), fault('server-error')] }).ecs);
    expect(runTaskErrors(outcome)).toEqual(['AmazonECS.Unknown', 'AmazonECS.Unknown', 'ECS.ServerException', 'ok']);
  });
});

describe('RunTask refuses overrides over 8,192 characters, counted as ECS counts them', () => {
  /** RunTask Parameters whose overrides, in the API's shape, are exactly `length` characters of JSON. */
  function parametersOfLength(length: number): JsonValue {
    const overrides = (value: string) => ({ ContainerOverrides: [{ Name: 'payment', Environment: [{ Name: 'padding', Value: value }] }] });
    const empty = JSON.stringify(apiShape(overrides(''))).length;
    return { TaskDefinition: 'dev-payment-charge', Overrides: overrides('x'.repeat(length - empty)) };
  }
  const call = (): TaskCall => ({ stateName: 'RunTask', resource: 'arn:aws:states:::ecs:runTask.sync', attempt: 1, executionArn: 'arn:x', signal: new AbortController().signal });

  test('the API shape: camelCase members, as Step Functions sends them', () => {
    expect(apiShape({ ContainerOverrides: [{ Name: 'a', Environment: [{ Name: 'B', Value: 'C' }] }] })).toEqual({
      containerOverrides: [{ name: 'a', environment: [{ name: 'B', value: 'C' }] }],
    });
  });

  test('8,192 characters start the task; 8,193 fail with ECS.InvalidParameterException before anything runs', async () => {
    const { ecs, entries } = newEcs();
    const atLimit = parametersOfLength(RUN_TASK_OVERRIDES_LIMIT);
    expect(JSON.stringify(apiShape((atLimit as { Overrides: JsonValue }).Overrides))).toHaveLength(RUN_TASK_OVERRIDES_LIMIT);
    await expect(ecs.runTask(atLimit, call(), { execution: 'e', setActivity: () => undefined })).resolves.toMatchObject({ StopCode: 'EssentialContainerExited' });

    const over = ecs.runTask(parametersOfLength(RUN_TASK_OVERRIDES_LIMIT + 1), call(), { execution: 'e', setActivity: () => undefined });
    await expect(over).rejects.toMatchObject({
      name: 'ECS.InvalidParameterException',
      message: expect.stringMatching(
        /^Container Overrides length must be at most 8192 \(Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      ),
    });
    expect(entries.filter((entry) => entry.kind === 'task-started')).toHaveLength(1);
  });

  test('a detail that does not fit reaches the failure path of the real definition, not retried', async () => {
    const { outcome } = await execute(newEcs().ecs, { note: 'x'.repeat(RUN_TASK_OVERRIDES_LIMIT) });
    expect(runTaskErrors(outcome)).toEqual(['ECS.InvalidParameterException']);
    expect(statesEntered(outcome)).toEqual(expect.arrayContaining([STATE_NAMES.describeFailure, STATE_NAMES.publishFailure]));
  });
});

describe('the Cause of a failed task is the stopped task as DescribeTasks describes it', () => {
  test('with its containers, exit code, stop code, reason and the overrides it was started with', async () => {
    const { outcome } = await execute(newEcs().ecs, { exitCode: 2, bookingId: 'b-9' });
    const cause = JSON.parse(outcome.calls.find((call) => call.error)!.error!.cause) as Record<string, unknown>;
    expect(cause).toMatchObject({
      LastStatus: 'STOPPED',
      StopCode: 'EssentialContainerExited',
      StoppedReason: 'Essential container in task exited',
      TaskDefinitionArn: 'arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-payment-charge:1',
      Containers: [expect.objectContaining({ Name: 'payment', ExitCode: 2, LastStatus: 'STOPPED' })],
    });
    expect(cause.TaskArn).toMatch(/^arn:aws:ecs:ap-southeast-1:111111111111:task\/[^/]+\/[0-9a-f]{32}$/);
    const overrides = cause.Overrides as { ContainerOverrides: { Environment: { Name: string; Value: string }[] }[] };
    expect(overrides.ContainerOverrides[0]!.Environment.find((v) => v.Name === 'eventDetail')!.Value).toBe('{"exitCode":2,"bookingId":"b-9"}');
    expect(cause).not.toHaveProperty('LocalStderrTail');
  });
});

describe('bounded resources and stops', () => {
  const call = (signal = new AbortController().signal, attempt = 1): TaskCall => ({
    stateName: 'RunTask',
    resource: 'arn:aws:states:::ecs:runTask.sync',
    attempt,
    executionArn: 'arn:x',
    signal,
  });
  const parameters = (detail: Record<string, unknown>): JsonValue => ({
    TaskDefinition: 'dev-payment-charge',
    Overrides: { ContainerOverrides: [{ Name: 'payment', Environment: [{ Name: 'eventDetail', Value: JSON.stringify(detail) }] }] },
  });
  const caller = { execution: 'e', setActivity: () => undefined };

  test('at most --max-tasks processes run at once; the others wait PROVISIONING and start in turn', async () => {
    const { ecs, entries } = newEcs({ maxTasks: 1 });
    const runs = [1, 2, 3].map((attempt) => ecs.runTask(parameters({}), call(undefined, attempt), caller));
    await Promise.all(runs);
    expect(entries.filter((e) => e.kind === 'task-provisioning').map((e) => (e as unknown as { attempt: number }).attempt)).toEqual([2, 3]);
    // Never two at once: each start comes after the previous task finished.
    const order = entries.filter((e) => e.kind === 'task-started' || e.kind === 'task-finished').map((e) => e.kind);
    expect(order).toEqual(['task-started', 'task-finished', 'task-started', 'task-finished', 'task-started', 'task-finished']);
  });

  test('a call abandoned while PROVISIONING never starts its task', async () => {
    const { ecs, entries } = newEcs({ maxTasks: 1 });
    const first = new AbortController();
    const running = ecs.runTask(parameters({ waitForStop: true }), call(first.signal), caller);
    const waiting = new AbortController();
    const queued = ecs.runTask(parameters({}), call(waiting.signal, 2), caller);
    waiting.abort(ABANDONED.stateTimedOut);
    await queued;
    first.abort(ABANDONED.executionEnded);
    await running.catch(() => undefined);
    expect(entries.filter((e) => e.kind === 'task-started')).toHaveLength(1);
    expect(entries.find((e) => e.kind === 'task-stopping' && (e as unknown as { attempt: number }).attempt === 2)).toMatchObject({
      reason: expect.stringMatching(/abandoned while PROVISIONING/),
    });
  });

  test('a state that times out stops its task as StopTask does (SIGTERM, exit 143, UserInitiated)', async () => {
    const { ecs, entries } = newEcs();
    const controller = new AbortController();
    const running = ecs.runTask(parameters({ waitForStop: true }), call(controller.signal), caller);
    await waitFor(() => entries.some((e) => e.kind === 'task-output'));
    controller.abort(ABANDONED.stateTimedOut);
    await expect(running).rejects.toMatchObject({ name: 'States.TaskFailed' });
    expect(entries.find((e) => e.kind === 'task-finished')).toMatchObject({ exitCode: 143, stopCode: 'UserInitiated', stoppedReason: 'Task stopped by Step Functions' });
    expect(entries.find((e) => e.kind === 'task-stopping')).toMatchObject({
      reason: expect.stringMatching(/^the state timed out: Step Functions stops the task \(StopTask\): SIGTERM to its processes, SIGKILL after 1s$/),
    });
  });

  test("Spot: at the task's first PutEvents call the call is held and the task interrupted (SIGTERM), reported as SpotInterruption", async () => {
    let token = '';
    const entries: Entry[] = [];
    const ecs = new LocalEcs({
      catalog,
      environment: 'dev',
      region: 'eu-west-1',
      account: '111111111111',
      cwd: __dirname,
      maxTasks: 4,
      stopTimeoutSeconds: 1,
      faults: [fault('spot')],
      taskEnvironment: (_task, _token, container) => ({ PATH: process.env.PATH ?? '', ...container }),
      publishedBy: () => [],
      onTaskStarted: (started) => (token = started),
      record: (entry) => entries.push(entry as Entry),
    });
    const running = ecs.runTask(parameters({ waitForStop: true }), call(), caller);
    await waitFor(() => entries.some((e) => e.kind === 'task-output'));
    expect(ecs.holdPublish('task-unknown')).toBe(false);
    expect(ecs.holdPublish(token)).toBe(true);
    expect(ecs.holdPublish(token)).toBe(false); // one interruption
    const failure = await running.catch((error: Error) => error);
    expect(JSON.parse((failure as Error).message)).toMatchObject({
      StopCode: 'SpotInterruption',
      StoppedReason: 'Your Spot Task was interrupted.',
      Containers: [expect.objectContaining({ ExitCode: 143 })],
    });
  });

  test('a task that leaves a background process behind is done when its main process exits; the process is reported', async () => {
    const leaving: Catalog = {
      ...catalog,
      services: catalog.services.map((service) =>
        service.name !== 'payment' ? service : { ...service, tasks: service.tasks.map((task) => ({ ...task, local: { command: [process.execPath, fixture('leaves-a-child.js')] } })) },
      ),
    };
    const entries: Entry[] = [];
    const ecs = new LocalEcs({
      catalog: leaving,
      environment: 'dev',
      region: 'eu-west-1',
      account: '111111111111',
      cwd: __dirname,
      maxTasks: 4,
      taskEnvironment: () => ({ PATH: process.env.PATH ?? '' }),
      publishedBy: () => [],
      record: (entry) => entries.push(entry as Entry),
    });
    await expect(ecs.runTask(parameters({}), call(), caller)).resolves.toMatchObject({ StopCode: 'EssentialContainerExited' });
    const finished = entries.find((e) => e.kind === 'task-finished') as unknown as { exitCode: number; lingering: { pid: number; command: string }[] };
    expect(finished.exitCode).toBe(0);
    expect(finished.lingering).toEqual([{ pid: expect.any(Number), command: expect.stringContaining('setInterval') }]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 10) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 5 s');
}

describe('placement: what EC2 capacity takes, Fargate refuses', () => {
  const call = (): TaskCall => ({ stateName: 'RunTask', resource: 'arn:aws:states:::ecs:runTask.sync', attempt: 1, executionArn: 'arn:x', signal: new AbortController().signal });
  const caller = { execution: 'e', setActivity: () => undefined };
  const task = { TaskDefinition: 'dev-payment-charge', Overrides: { ContainerOverrides: [{ Name: 'payment', Environment: [] }] } };
  const placement = {
    PlacementStrategy: [
      { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
      { Type: 'binpack', Field: 'memory' },
    ],
    PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:ecs.os-type == linux' }],
  };

  test('a task on an Auto Scaling group capacity provider starts, shows the placement it asked for, and its description says EC2', async () => {
    const { ecs, entries } = newEcs();
    const parameters = { ...task, CapacityProviderStrategy: [{ CapacityProvider: 'dev-ec2', Weight: 1 }], ...placement };
    await expect(ecs.runTask(parameters, call(), caller)).resolves.toMatchObject({ LaunchType: 'EC2', CapacityProviderName: 'dev-ec2' });
    expect(entries.find((entry) => entry.kind === 'task-started')).toMatchObject({
      capacity: 'dev-ec2',
      placement: 'strategy spread(attribute:ecs.availability-zone) → binpack(memory); constraints memberOf(attribute:ecs.os-type == linux)',
    });
  });

  test('a task on Fargate shows no placement and its description says FARGATE', async () => {
    const { ecs, entries } = newEcs();
    await expect(ecs.runTask({ ...task, CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] }, call(), caller)).resolves.toMatchObject({
      LaunchType: 'FARGATE',
    });
    const started = entries.find((entry) => entry.kind === 'task-started')!;
    expect(started).toMatchObject({ capacity: 'FARGATE_SPOT' });
    expect(started).not.toHaveProperty('placement');
  });

  test.each([
    ['the FARGATE launch type', { LaunchType: 'FARGATE' }],
    ['a Fargate capacity provider', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }] }],
    [
      'a strategy that mixes in Fargate Spot',
      {
        CapacityProviderStrategy: [
          { CapacityProvider: 'dev-ec2', Weight: 1 },
          { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
        ],
      },
    ],
  ])('placement with %s fails as ECS fails it, before anything runs', async (_name, capacity) => {
    const { ecs, entries } = newEcs();
    await expect(ecs.runTask({ ...task, ...capacity, PlacementConstraints: [{ Type: 'distinctInstance' }] }, call(), caller)).rejects.toMatchObject({
      name: 'ECS.InvalidParameterException',
      message: expect.stringMatching(/^Task placement constraints and strategies are not supported with the Fargate launch type/),
    });
    expect(entries.filter((entry) => entry.kind === 'task-started')).toHaveLength(0);
  });
});
