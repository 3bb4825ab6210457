/**
 * The definitions of core/asl.ts executed by a real ASL interpreter (aws-local-stepfunctions,
 * through local/asl-interpreter.ts), with the ECS task and EventBridge replaced by local handlers.
 * Retry, Catch, paths and intrinsics are the interpreter's; the handlers only record and answer.
 */
import { buildRunTaskStateMachine, MAX_TASK_RUNS, STATE_NAMES, type RunTaskStateMachineInput } from '../../core/asl';
import { STOPS, stoppedTaskDescription } from '../../local/ecs-task-description';
import { ALREADY_HANDLED_EXIT_CODE, runTaskOverrides, EVENT_ENV } from '../../core/container-contract';
import { ecsTaskFailed, runStateMachine, statesEntered, TaskError, type JsonValue, type TaskHandler } from '../../local/asl-interpreter';

const PAYMENT_BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-payment';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-booking-payment-requested';
const EXECUTION_NAME = '4f8c2a1e-9b7d-4e3f-a2c1-0d9e8f7a6b5c';
const EXECUTION_ARN = `arn:aws:states:eu-west-1:123456789012:execution:dev-booking-payment-requested:${EXECUTION_NAME}`;

/** Everything that breaks naive escaping: quotes, backslashes, control characters, non-ASCII. */
const TRICKY_DETAIL = {
  bookingId: 'bk-42',
  customer: { name: 'Nguyễn Văn "Tí" O\'Brien', note: 'line one\nline two\ttabbed\r\nend' },
  path: 'C:\\Users\\tí\\booking.json',
  escapedLooking: '\\n is not a newline, \\" is not a quote, \\u00e9 is not é',
  emoji: '🎟️ seat 12A ✈',
  amounts: [12.5, 0, -3, 1e21],
  flags: { paid: false, refunded: null },
  nested: [{ deep: ['x', { deeper: '\u0001control\u001f' }] }],
};

function bookingEvent(detail: JsonValue = TRICKY_DETAIL): { [key: string]: JsonValue } {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'PaymentRequested',
    source: 'booking-saga.booking',
    account: '123456789012',
    time: '2025-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function definition(overrides: Partial<RunTaskStateMachineInput> = {}) {
  return buildRunTaskStateMachine({
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev-services',
    taskDefinition: 'dev-payment-charge',
    subnetIds: ['subnet-0a1b2c3d4e5f6a7b8'],
    securityGroupIds: ['sg-0123456789abcdef0'],
    containerName: 'payment',
    command: ['node', 'dist/charge.js'],
    capacity: { launchType: 'FARGATE' },
    detailDelivery: 'environment',
    timeoutSeconds: 3600,
    failureEvent: { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentFailed' },
    ...overrides,
  });
}

interface RunTaskParameters {
  Overrides: { ContainerOverrides: { Name: string; Command?: string[]; Environment: { Name: string; Value: string }[] }[] };
}

function environmentOf(parameters: JsonValue): Record<string, string> {
  const override = (parameters as unknown as RunTaskParameters).Overrides.ContainerOverrides[0]!;
  return Object.fromEntries(override.Environment.map((variable) => [variable.Name, variable.Value]));
}

/** A stopped task as `.sync` returns it (abridged). */
const STOPPED_TASK = { TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/dev-services/0123abcd', LastStatus: 'STOPPED' };

const succeedingTask: TaskHandler = () => STOPPED_TASK;
const publishing: TaskHandler = () => ({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 });

function run(def: ReturnType<typeof definition>, handlers: { runTask?: TaskHandler; putEvents?: TaskHandler }, event = bookingEvent()) {
  return runStateMachine({
    definition: def,
    input: event,
    handlers: { runTask: succeedingTask, putEvents: publishing, ...handlers },
    stateMachineArn: STATE_MACHINE_ARN,
    executionName: EXECUTION_NAME,
    retryIntervalMs: 0,
  });
}

describe('what the container receives', () => {
  test('eventDetail is exactly the detail as JSON, whatever characters it holds', async () => {
    const outcome = await run(definition(), {});
    expect(outcome.status).toBe('SUCCEEDED');
    const runTaskCalls = outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask);
    expect(runTaskCalls).toHaveLength(1);
    const environment = environmentOf(runTaskCalls[0]!.parameters);
    expect(JSON.parse(environment[EVENT_ENV.detail]!)).toEqual(TRICKY_DETAIL);
    // Compact JSON, character for character what JSON.stringify (and States.JsonToString on AWS) gives.
    expect(environment[EVENT_ENV.detail]).toBe(JSON.stringify(TRICKY_DETAIL));
  });

  test('ids, source, detail-type, execution ARN and delivery mode', async () => {
    const outcome = await run(definition(), {});
    const environment = environmentOf(outcome.calls[0]!.parameters);
    expect(environment).toMatchObject({
      eventId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      eventSource: 'booking-saga.booking',
      eventDetailType: 'PaymentRequested',
      executionArn: EXECUTION_ARN,
      eventDelivery: 'environment',
    });
    expect(outcome.executionArn).toBe(EXECUTION_ARN);
  });

  test('the evaluated overrides are exactly the task-overrides.ts contract', async () => {
    const outcome = await run(definition(), {});
    const override = (outcome.calls[0]!.parameters as unknown as RunTaskParameters).Overrides.ContainerOverrides[0]!;
    const contract = runTaskOverrides({
      containerName: 'payment',
      command: ['node', 'dist/charge.js'],
      delivery: 'environment',
      event: { id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', source: 'booking-saga.booking', detailType: 'PaymentRequested', detail: TRICKY_DETAIL },
      executionArn: EXECUTION_ARN,
    }).containerOverrides[0]!;
    expect({
      name: override.Name,
      command: override.Command,
      environment: override.Environment.map((variable) => ({ name: variable.Name, value: variable.Value })),
    }).toEqual(contract);
  });

  test('reference delivery hands over no detail, only where to read it', async () => {
    const outcome = await run(definition({ detailDelivery: 'reference' }), {});
    const environment = environmentOf(outcome.calls[0]!.parameters);
    expect(environment).not.toHaveProperty(EVENT_ENV.detail);
    expect(environment[EVENT_ENV.delivery]).toBe('reference');
    expect(environment[EVENT_ENV.executionArn]).toBe(EXECUTION_ARN);
    expect(JSON.stringify(outcome.calls[0]!.parameters)).not.toContain('bk-42');
  });

  test('the RunTask call carries cluster, task definition, network and capacity strategy', async () => {
    const outcome = await run(definition({ capacity: { strategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } }), {});
    expect(outcome.calls[0]!.parameters).toMatchObject({
      Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev-services',
      TaskDefinition: 'dev-payment-charge',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d4e5f6a7b8'], AssignPublicIp: 'DISABLED' } },
    });
  });
});

/** The `.sync` failure of a task that stopped: its realistic description (echoing the overrides) as Cause. */
function stopped(stop: Parameters<typeof stoppedTaskDescription>[0] extends infer I ? Omit<I, 'parameters' | 'region' | 'account'> : never): TaskHandler {
  return (parameters) => {
    throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: 'eu-west-1', account: '123456789012', ...stop }));
  };
}

const publishedDetails = (outcome: { calls: readonly { stateName: string; parameters: JsonValue }[] }) =>
  outcome.calls.filter((call) => call.stateName === STATE_NAMES.publishFailure).map((call) => (call.parameters as { Entries: { Detail: Record<string, JsonValue> }[] }).Entries[0]!.Detail);

const runTaskCalls = <C extends { stateName: string }>(outcome: { calls: readonly C[] }): C[] => outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask);

describe('failure path', () => {
  test('a container that exited non-zero: the detail, plus the error, stop code, stopped reason and exit code, and never the raw Cause', async () => {
    const outcome = await run(definition(), { runTask: stopped(STOPS.exited(1)) });

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    // Not rerun: the container ran; a second run would repeat a business failure.
    expect(runTaskCalls(outcome)).toHaveLength(1);
    expect(publishedDetails(outcome)).toEqual([
      {
        ...TRICKY_DETAIL,
        error: 'States.TaskFailed',
        failedEventId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        exitCode: 1,
      },
    ]);
    // The Cause echoed the overrides, so the detail was in it twice; none of it travels on.
    const call = outcome.calls.find((c) => c.stateName === STATE_NAMES.runTask)!;
    expect(call.error!.cause).toContain('"ContainerOverrides"');
    expect(JSON.stringify(outcome.calls.filter((c) => c.stateName === STATE_NAMES.publishFailure))).not.toContain('ContainerOverrides');
    expect(outcome.cause).not.toContain('ContainerOverrides');
  });

  test('a task that never started has no exit code (null), and is run again', async () => {
    const outcome = await run(definition(), { runTask: stopped(STOPS.failedToStart()) });
    expect(runTaskCalls(outcome)).toHaveLength(MAX_TASK_RUNS);
    const [detail] = publishedDetails(outcome);
    expect(detail).toMatchObject({ error: 'States.TaskFailed', stopCode: 'TaskFailedToStart', exitCode: null });
    expect(detail!.stoppedReason).toMatch(/^CannotPullContainerError/);
  });

  test('a task description without StopCode or StoppedReason still shapes a failure (empty strings)', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw ecsTaskFailed({ LastStatus: 'STOPPED', Containers: [{ Name: 'payment', ExitCode: 2 }] });
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(publishedDetails(outcome)[0]).toMatchObject({ stopCode: '', stoppedReason: '', exitCode: 2 });
  });

  test('a States.TaskFailed whose Cause is not JSON is announced by its error name, not a States.Runtime no Catch could take', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('States.TaskFailed', 'The task was stopped: not a task description');
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(publishedDetails(outcome)).toEqual([{ ...TRICKY_DETAIL, error: 'States.TaskFailed', failedEventId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718' }]);
  });

  test('a timed-out task is caught like any failure, and not run again', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('States.Timeout', 'Task timed out');
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.Timeout');
    expect(runTaskCalls(outcome)).toHaveLength(1);
    expect(publishedDetails(outcome)[0]).toMatchObject({ bookingId: 'bk-42', error: 'States.Timeout' });
  });

  test('without a failure event nothing is published and the execution fails with the task error', async () => {
    const outcome = await run(definition({ failureEvent: undefined }), { runTask: stopped(STOPS.exited(1)) });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(outcome.calls.map((call) => call.stateName)).toEqual([STATE_NAMES.runTask]);
  });

  test('a failed publish is retried, then the execution still ends failed with the task error', async () => {
    const outcome = await run(definition(), {
      runTask: stopped(STOPS.exited(1)),
      putEvents: (_parameters, call) => {
        if (call.attempt === 1) throw new TaskError('EventBridge.FailedEntry', 'ThrottlingException');
        return { Entries: [{ EventId: 'e-2' }], FailedEntryCount: 0 };
      },
    });
    const publishes = outcome.calls.filter((call) => call.stateName === STATE_NAMES.publishFailure);
    expect(publishes.map((call) => call.error?.error ?? 'ok')).toEqual(['EventBridge.FailedEntry', 'ok']);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
  });

  test('a publish attempt that times out is retried too', async () => {
    const outcome = await run(definition(), {
      runTask: stopped(STOPS.exited(1)),
      putEvents: (_parameters, call) => {
        if (call.attempt === 1) throw new TaskError('States.Timeout', 'PutEvents did not answer');
        return { Entries: [{ EventId: 'e-2' }], FailedEntryCount: 0 };
      },
    });
    expect(outcome.calls.filter((call) => call.stateName === STATE_NAMES.publishFailure)).toHaveLength(2);
  });
});

describe('retries and reruns', () => {
  test.each([
    ['ECS.ServerException', 'Service Unavailable (Service: AmazonECS; Status Code: 500; Error Code: ServerException)'],
    ['ECS.AmazonECSException', 'Rate exceeded (Service: AmazonECS; Status Code: 400; Error Code: ThrottlingException)'],
    ['AmazonECS.Unknown', 'RunTask failures: [{"reason":"Capacity is unavailable at this time."}]'],
  ])('a transient %s on the first attempt succeeds on the second', async (errorName, cause) => {
    const outcome = await run(definition(), {
      runTask: (_parameters, call) => {
        if (call.attempt === 1) throw new TaskError(errorName, cause);
        return STOPPED_TASK;
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    const attempts = runTaskCalls(outcome);
    expect(attempts.map((call) => call.attempt)).toEqual([1, 2]);
    expect(attempts[0]!.error?.error).toBe(errorName);
    // Same overrides on the retry: the same event reaches the task.
    expect(attempts[1]!.parameters).toEqual(attempts[0]!.parameters);
    expect(outcome.events.filter((event) => event.type === 'StateRetried')).toHaveLength(1);
    expect(outcome.calls.some((call) => call.stateName === STATE_NAMES.publishFailure)).toBe(false);
  });

  test('persistent throttling exhausts its 5 retries, then the failure event goes out', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('ECS.AmazonECSException', 'Rate exceeded');
      },
    });
    expect(runTaskCalls(outcome)).toHaveLength(1 + 5);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('ECS.AmazonECSException');
    expect(outcome.calls.at(-1)!.stateName).toBe(STATE_NAMES.publishFailure);
  });

  test('a throttled EC2 lookup (ECS.InvalidParameterException "Request limit exceeded") is run again, and succeeds', async () => {
    const outcome = await run(definition(), {
      runTask: (_parameters, call) => {
        if (call.attempt === 1) {
          throw new TaskError(
            'ECS.InvalidParameterException',
            'Error retrieving security group information for [sg-0123456789abcdef0]: Request limit exceeded. (ErrorCode: RequestLimitExceeded)',
          );
        }
        return STOPPED_TASK;
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(runTaskCalls(outcome)).toHaveLength(2);
    expect(statesEntered(outcome)).toContain(STATE_NAMES.waitBeforeRerun);
  });

  test.each(['TaskDefinition is inactive', 'Container Overrides length must be at most 8192'])('an InvalidParameterException that can never succeed ("%s") is not retried', async (cause) => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('ECS.InvalidParameterException', cause);
      },
    });
    expect(runTaskCalls(outcome)).toHaveLength(1);
    expect(outcome.error).toBe('ECS.InvalidParameterException');
    expect(publishedDetails(outcome)[0]).toMatchObject({ error: 'ECS.InvalidParameterException' });
  });

  test.each([
    ['never started (image pull)', STOPS.failedToStart()],
    ['reclaimed by Fargate Spot', STOPS.spotInterruption()],
  ])('a task %s runs again, and a second run that succeeds ends the execution well', async (_name, stop) => {
    const outcome = await run(definition(), {
      runTask: (parameters, call) => {
        if (call.attempt === 1) return stopped(stop)(parameters, call);
        return STOPPED_TASK;
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    const runs = runTaskCalls(outcome);
    expect(runs).toHaveLength(2);
    // The same event, ids and execution: the task's idempotency key (eventId) holds.
    expect(runs[1]!.parameters).toEqual(runs[0]!.parameters);
    expect(publishedDetails(outcome)).toEqual([]);
    // A rerun leaves no trace of the failure in the execution's output.
    expect(outcome.output).not.toHaveProperty('caught');
    expect(outcome.output).not.toHaveProperty('failure');
  });

  test(`reruns are bounded: ${MAX_TASK_RUNS} runs in all, then the failure event, with waits doubling`, async () => {
    const outcome = await run(definition(), { runTask: stopped(STOPS.spotInterruption()) });
    expect(runTaskCalls(outcome)).toHaveLength(MAX_TASK_RUNS);
    expect(statesEntered(outcome).filter((name) => name === STATE_NAMES.waitBeforeRerun)).toHaveLength(MAX_TASK_RUNS - 1);
    const waits = outcome.events
      .filter((event) => event.type === 'StateEntered' && event.state?.name === STATE_NAMES.waitBeforeRerun)
      .map((event) => (event.state!.input as { taskRuns: { waitSeconds: number } }).taskRuns.waitSeconds);
    expect(waits).toEqual([20, 40]);
    expect(publishedDetails(outcome)).toHaveLength(1);
    expect(outcome.status).toBe('FAILED');
  });

  test('a container that exited non-zero runs again only when the rule says its task is idempotent', async () => {
    const plain = await run(definition(), { runTask: stopped(STOPS.exited(3)) });
    expect(runTaskCalls(plain)).toHaveLength(1);
    const idempotent = await run(definition({ idempotent: true }), {
      runTask: (parameters, call) => {
        if (call.attempt < 3) return stopped(STOPS.exited(3))(parameters, call);
        return STOPPED_TASK;
      },
    });
    expect(idempotent.status).toBe('SUCCEEDED');
    expect(runTaskCalls(idempotent)).toHaveLength(3);
  });

  test('reruns and retries share nothing: after a rerun the task still gets its full Retry', async () => {
    let calls = 0;
    const outcome = await run(definition(), {
      runTask: (parameters, call) => {
        calls += 1;
        if (calls === 1) return stopped(STOPS.failedToStart())(parameters, call);
        if (calls === 2) throw new TaskError('AmazonECS.Unknown', 'no capacity');
        return STOPPED_TASK;
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(calls).toBe(3);
  });
});

describe('a duplicate delivery (the task exits ALREADY_HANDLED_EXIT_CODE)', () => {
  const announcing = { successEvent: { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentSucceeded' } };

  test('the execution succeeds and announces neither success nor failure: the execution that handles the event announces', async () => {
    const outcome = await run(definition(announcing), { runTask: stopped(STOPS.exited(ALREADY_HANDLED_EXIT_CODE)) });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.calls.map((call) => call.stateName)).toEqual([STATE_NAMES.runTask]);
    expect(statesEntered(outcome).slice(-2)).toEqual([STATE_NAMES.decideRerun, STATE_NAMES.alreadyHandled]);
  });

  test('not even an idempotent task is run again: the work is done, elsewhere', async () => {
    const outcome = await run(definition({ ...announcing, idempotent: true }), { runTask: stopped(STOPS.exited(ALREADY_HANDLED_EXIT_CODE)) });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(runTaskCalls(outcome)).toHaveLength(1);
  });

  test.each([ALREADY_HANDLED_EXIT_CODE - 1, ALREADY_HANDLED_EXIT_CODE + 1, 0 - ALREADY_HANDLED_EXIT_CODE])('any other exit code (%i) is a failure, announced', async (exitCode) => {
    const outcome = await run(definition(announcing), { runTask: stopped(STOPS.exited(exitCode)) });
    expect(outcome.status).toBe('FAILED');
    expect(publishedDetails(outcome)).toEqual([expect.objectContaining({ stopCode: 'EssentialContainerExited', exitCode })]);
  });

  test('only a container that ran says so: the same code with another stop code is a failure', async () => {
    const outcome = await run(definition(announcing), {
      runTask: () => {
        throw ecsTaskFailed({ LastStatus: 'STOPPED', StopCode: 'UserInitiated', Containers: [{ Name: 'payment', ExitCode: ALREADY_HANDLED_EXIT_CODE }] });
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(publishedDetails(outcome)).toEqual([expect.objectContaining({ stopCode: 'UserInitiated', exitCode: ALREADY_HANDLED_EXIT_CODE })]);
  });
});

describe('success path', () => {
  test('the success event carries the original detail; the output is the event and its run count', async () => {
    const event = bookingEvent();
    const outcome = await run(definition({ successEvent: { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentSucceeded' } }), {}, event);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.calls.map((call) => call.stateName)).toEqual([STATE_NAMES.runTask, STATE_NAMES.publishSuccess]);
    expect(outcome.calls[1]!.parameters).toEqual({
      Entries: [{ EventBusName: PAYMENT_BUS, Source: 'booking-saga.payment', DetailType: 'PaymentSucceeded', Detail: TRICKY_DETAIL }],
    });
    // The event, and the run count the state machine keeps beside it.
    expect(outcome.output).toEqual({ ...event, taskRuns: { count: 1, waitSeconds: 10 } });
  });
});
