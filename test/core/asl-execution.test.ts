/**
 * The definitions of core/asl.ts executed by a real ASL interpreter (aws-local-stepfunctions,
 * through local/asl-interpreter.ts), with the ECS task and EventBridge replaced by local handlers.
 * Retry, Catch, paths and intrinsics are the interpreter's; the handlers only record and answer.
 */
import { buildRunTaskStateMachine, STATE_NAMES, type RunTaskStateMachineInput } from '../../core/asl';
import { runTaskOverrides, EVENT_ENV } from '../../core/container-contract';
import {
  ecsTaskFailed,
  runStateMachine,
  statesEntered,
  TaskError,
  type JsonValue,
  type TaskHandler,
} from '../../local/asl-interpreter';

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

function run(
  def: ReturnType<typeof definition>,
  handlers: { runTask?: TaskHandler; putEvents?: TaskHandler },
  event = bookingEvent(),
) {
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
    const outcome = await run(
      definition({ capacity: { strategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } }),
      {},
    );
    expect(outcome.calls[0]!.parameters).toMatchObject({
      Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev-services',
      TaskDefinition: 'dev-payment-charge',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a1b2c3d4e5f6a7b8'], AssignPublicIp: 'DISABLED' } },
    });
  });
});

describe('failure path', () => {
  test('a failing task publishes the failure event with the original detail, error and cause, and the execution fails', async () => {
    const task = { ...STOPPED_TASK, StopCode: 'EssentialContainerExited', Containers: [{ Name: 'payment', ExitCode: 1 }] };
    const outcome = await run(definition(), {
      runTask: () => {
        throw ecsTaskFailed(task);
      },
    });

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(JSON.parse(outcome.cause!)).toEqual(task);
    // Not retried: the container ran; a second run would repeat a business failure.
    expect(outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask)).toHaveLength(1);
    expect(statesEntered(outcome)).toEqual([
      STATE_NAMES.runTask,
      STATE_NAMES.describeFailure,
      STATE_NAMES.publishFailure,
      STATE_NAMES.failed,
    ]);

    const published = outcome.calls.filter((call) => call.stateName === STATE_NAMES.publishFailure);
    expect(published).toHaveLength(1);
    expect(published[0]!.parameters).toEqual({
      Entries: [
        {
          EventBusName: PAYMENT_BUS,
          Source: 'booking-saga.payment',
          DetailType: 'PaymentFailed',
          Detail: { ...TRICKY_DETAIL, error: 'States.TaskFailed', cause: JSON.stringify(task) },
        },
      ],
    });
  });

  test('a timed-out task is caught like any failure', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('States.Timeout', 'Task timed out');
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.Timeout');
    const detail = (outcome.calls.at(-1)!.parameters as { Entries: { Detail: Record<string, unknown> }[] }).Entries[0]!.Detail;
    expect(detail).toMatchObject({ bookingId: 'bk-42', error: 'States.Timeout', cause: 'Task timed out' });
  });

  test('without a failure event nothing is published and the execution fails with the task error', async () => {
    const outcome = await run(definition({ failureEvent: undefined }), {
      runTask: () => {
        throw ecsTaskFailed(STOPPED_TASK);
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(outcome.calls.map((call) => call.stateName)).toEqual([STATE_NAMES.runTask]);
  });

  test('a failed publish is retried, then the execution still ends failed with the task error', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw ecsTaskFailed(STOPPED_TASK);
      },
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
});

describe('retries', () => {
  test.each(['ECS.AmazonECSException', 'AmazonECS.Unknown'])(
    'a transient %s on the first attempt succeeds on the second',
    async (errorName) => {
      const outcome = await run(definition(), {
        runTask: (_parameters, call) => {
          if (call.attempt === 1) throw new TaskError(errorName, 'Rate exceeded (Service: AmazonECS; Error Code: ThrottlingException)');
          return STOPPED_TASK;
        },
      });
      expect(outcome.status).toBe('SUCCEEDED');
      const attempts = outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask);
      expect(attempts.map((call) => call.attempt)).toEqual([1, 2]);
      expect(attempts[0]!.error?.error).toBe(errorName);
      // Same overrides on the retry: the same event reaches the task.
      expect(attempts[1]!.parameters).toEqual(attempts[0]!.parameters);
      expect(outcome.events.filter((event) => event.type === 'StateRetried')).toHaveLength(1);
      expect(outcome.calls.some((call) => call.stateName === STATE_NAMES.publishFailure)).toBe(false);
    },
  );

  test('persistent throttling exhausts its 5 retries, then the failure event goes out', async () => {
    const outcome = await run(definition(), {
      runTask: () => {
        throw new TaskError('ECS.AmazonECSException', 'Rate exceeded');
      },
    });
    expect(outcome.calls.filter((call) => call.stateName === STATE_NAMES.runTask)).toHaveLength(1 + 5);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('ECS.AmazonECSException');
    expect(outcome.calls.at(-1)!.stateName).toBe(STATE_NAMES.publishFailure);
  });
});

describe('success path', () => {
  test('the success event carries the original detail; the output is the event', async () => {
    const event = bookingEvent();
    const outcome = await run(
      definition({ successEvent: { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentSucceeded' } }),
      {},
      event,
    );
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.calls.map((call) => call.stateName)).toEqual([STATE_NAMES.runTask, STATE_NAMES.publishSuccess]);
    expect(outcome.calls[1]!.parameters).toEqual({
      Entries: [{ EventBusName: PAYMENT_BUS, Source: 'booking-saga.payment', DetailType: 'PaymentSucceeded', Detail: TRICKY_DETAIL }],
    });
    expect(outcome.output).toEqual(event);
  });
});
