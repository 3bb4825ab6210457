import {
  buildRunTaskStateMachine,
  FAILURE_PATH_RESERVE_SECONDS,
  PUT_EVENTS_RESOURCE,
  RUN_TASK_RESOURCE,
  STATE_NAMES,
  type RunTaskStateMachineInput,
  type StateMachineDefinition,
  type TaskState,
} from '../../core/asl';
import { EVENT_ENV } from '../../core/container-contract';

// asl-validator ships no type declarations; this is its documented signature.
const aslValidator: (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string } = require('asl-validator');

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev-services';
const TASK_DEFINITION = 'dev-payment-charge';
const INTERPOLATED_SUBNET = '${data.terraform_remote_state.base.outputs.private_subnet_ids[0]}';
const PAYMENT_BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-payment';

function input(overrides: Partial<RunTaskStateMachineInput> = {}): RunTaskStateMachineInput {
  return {
    clusterArn: CLUSTER,
    taskDefinition: TASK_DEFINITION,
    subnetIds: [INTERPOLATED_SUBNET, 'subnet-0b1c2d3e4f5a6b7c8'],
    securityGroupIds: ['sg-0123456789abcdef0'],
    containerName: 'payment',
    command: ['node', 'dist/charge.js'],
    capacity: { launchType: 'FARGATE' },
    detailDelivery: 'environment',
    timeoutSeconds: 3600,
    ...overrides,
  };
}

const failureEvent = { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentFailed' };
const successEvent = { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentSucceeded' };

function runTaskState(definition: StateMachineDefinition): TaskState {
  return definition.States[STATE_NAMES.runTask] as TaskState;
}

function containerOverride(definition: StateMachineDefinition): Record<string, unknown> {
  const parameters = runTaskState(definition).Parameters as { Overrides: { ContainerOverrides: Record<string, unknown>[] } };
  expect(parameters.Overrides.ContainerOverrides).toHaveLength(1);
  return parameters.Overrides.ContainerOverrides[0]!;
}

describe('asl-validator accepts every shape', () => {
  const shapes: [string, Partial<RunTaskStateMachineInput>][] = [];
  for (const detailDelivery of ['environment', 'reference'] as const) {
    for (const [capacityName, capacity] of [
      ['launch type', { launchType: 'FARGATE' as const }],
      ['strategy', { strategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }] }],
    ] as const) {
      for (const events of [{}, { failureEvent }, { successEvent }, { failureEvent, successEvent }]) {
        const name = `${detailDelivery}, ${capacityName}, ${Object.keys(events).join('+') || 'no events'}`;
        shapes.push([name, { detailDelivery, capacity, ...events }]);
      }
    }
  }

  test.each(shapes)('%s', (_name, overrides) => {
    const definition = buildRunTaskStateMachine(input(overrides));
    // The validator annotates the object it checks: give it a copy.
    const result = aslValidator(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('a broken definition is rejected, so the check above can fail', () => {
    const definition = structuredClone(buildRunTaskStateMachine(input({ failureEvent }))) as { States: Record<string, { Next?: string }> };
    definition.States[STATE_NAMES.describeFailure]!.Next = 'NoSuchState';
    expect(aslValidator(definition).isValid).toBe(false);
  });
});

describe('RunTask state', () => {
  test('runs the task definition family in the cluster on the given network, strings unchanged', () => {
    const definition = buildRunTaskStateMachine(input());
    const state = runTaskState(definition);
    expect(state.Resource).toBe(RUN_TASK_RESOURCE);
    expect(state.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
    expect(state.Parameters).toMatchObject({
      Cluster: CLUSTER,
      TaskDefinition: TASK_DEFINITION,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [INTERPOLATED_SUBNET, 'subnet-0b1c2d3e4f5a6b7c8'],
          SecurityGroups: ['sg-0123456789abcdef0'],
          AssignPublicIp: 'DISABLED',
        },
      },
      PropagateTags: 'TASK_DEFINITION',
      EnableExecuteCommand: false,
    });
    expect(state.Parameters).not.toHaveProperty('CapacityProviderStrategy');
    // And in the JSON the stack writes, the interpolation is byte for byte the same.
    expect(JSON.stringify(definition)).toContain(`"${INTERPOLATED_SUBNET}"`);
  });

  test('token-like values (cdktf tokens) pass through untouched', () => {
    const token = '${TfToken[TOKEN.42]}';
    const definition = buildRunTaskStateMachine(input({ clusterArn: token, taskDefinition: token, securityGroupIds: [token] }));
    const parameters = runTaskState(definition).Parameters as Record<string, unknown>;
    expect(parameters.Cluster).toBe(token);
    expect(parameters.TaskDefinition).toBe(token);
  });

  test('a capacity provider strategy replaces the launch type; Base only where given', () => {
    const definition = buildRunTaskStateMachine(
      input({
        capacity: { strategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 2 }, { capacityProvider: 'FARGATE_SPOT', weight: 4 }] },
      }),
    );
    const parameters = runTaskState(definition).Parameters as Record<string, unknown>;
    expect(parameters.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Weight: 1, Base: 2 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 4 },
    ]);
    expect(parameters).not.toHaveProperty('LaunchType');
  });

  test('environment delivery: exactly the EVENT_ENV variables, from the event and the context object', () => {
    const override = containerOverride(buildRunTaskStateMachine(input()));
    expect(override.Name).toBe('payment');
    expect(override.Command).toEqual(['node', 'dist/charge.js']);
    expect(override.Environment).toEqual([
      { Name: 'eventDetail', 'Value.$': 'States.JsonToString($.detail)' },
      { Name: 'eventId', 'Value.$': '$.id' },
      { Name: 'eventSource', 'Value.$': '$.source' },
      { Name: 'eventDetailType', 'Value.$': "$['detail-type']" },
      { Name: 'executionArn', 'Value.$': '$$.Execution.Id' },
      { Name: 'eventDelivery', Value: 'environment' },
    ]);
    const names = (override.Environment as { Name: string }[]).map((variable) => variable.Name);
    expect(names.sort()).toEqual(Object.values(EVENT_ENV).sort());
  });

  test('reference delivery: no eventDetail, and the reader is told where to look', () => {
    const override = containerOverride(buildRunTaskStateMachine(input({ detailDelivery: 'reference' })));
    const environment = override.Environment as { Name: string; Value?: string }[];
    expect(environment.map((variable) => variable.Name)).toEqual([
      'eventId',
      'eventSource',
      'eventDetailType',
      'executionArn',
      'eventDelivery',
    ]);
    expect(environment.find((variable) => variable.Name === 'eventDelivery')?.Value).toBe('reference');
    expect(JSON.stringify(override)).not.toContain('JsonToString');
  });

  test('an empty command keeps the task definition command', () => {
    expect(containerOverride(buildRunTaskStateMachine(input({ command: [] })))).not.toHaveProperty('Command');
  });

  test('retries only errors where no task started, with backoff and jitter', () => {
    const retry = runTaskState(buildRunTaskStateMachine(input())).Retry!;
    expect(retry.map((retrier) => retrier.ErrorEquals)).toEqual([['ECS.AmazonECSException'], ['AmazonECS.Unknown']]);
    for (const retrier of retry) {
      expect(retrier.BackoffRate).toBeGreaterThan(1);
      expect(retrier.MaxAttempts).toBeGreaterThan(1);
      expect(retrier.MaxDelaySeconds).toBeGreaterThanOrEqual(retrier.IntervalSeconds!);
      expect(retrier.JitterStrategy).toBe('FULL');
    }
    const retried = retry.flatMap((retrier) => retrier.ErrorEquals);
    expect(retried).not.toContain('States.TaskFailed');
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.Timeout');
  });

  test('timeouts: the execution, and the task with a reserve for the failure path', () => {
    const definition = buildRunTaskStateMachine(input({ timeoutSeconds: 1800 }));
    expect(definition.TimeoutSeconds).toBe(1800);
    expect(runTaskState(definition).TimeoutSeconds).toBe(1800 - FAILURE_PATH_RESERVE_SECONDS);
    const explicit = buildRunTaskStateMachine(input({ timeoutSeconds: 1800, taskTimeoutSeconds: 900 }));
    expect(runTaskState(explicit).TimeoutSeconds).toBe(900);
  });

  test('keeps the event as its output instead of the task description', () => {
    expect(runTaskState(buildRunTaskStateMachine(input()))).toHaveProperty('ResultPath', null);
  });
});

describe('failure and success events', () => {
  test('without a failure event there is no Catch, and the execution just fails', () => {
    const definition = buildRunTaskStateMachine(input());
    expect(runTaskState(definition)).not.toHaveProperty('Catch');
    expect(Object.keys(definition.States)).toEqual([STATE_NAMES.runTask, STATE_NAMES.succeeded]);
    expect(runTaskState(definition).Next).toBe(STATE_NAMES.succeeded);
    expect(definition.StartAt).toBe(STATE_NAMES.runTask);
  });

  test('with a failure event: Catch → shape → PutEvents → Fail', () => {
    const definition = buildRunTaskStateMachine(input({ failureEvent }));
    expect(runTaskState(definition).Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: STATE_NAMES.describeFailure },
    ]);
    expect(definition.States[STATE_NAMES.describeFailure]).toMatchObject({
      Type: 'Pass',
      Parameters: { 'error.$': '$.caught.Error', 'cause.$': '$.caught.Cause' },
      ResultPath: '$.failure',
      Next: STATE_NAMES.publishFailure,
    });
    const publish = definition.States[STATE_NAMES.publishFailure] as TaskState;
    expect(publish.Resource).toBe(PUT_EVENTS_RESOURCE);
    expect(publish.Parameters).toEqual({
      Entries: [
        {
          EventBusName: PAYMENT_BUS,
          Source: 'booking-saga.payment',
          DetailType: 'PaymentFailed',
          'Detail.$': 'States.JsonMerge($.detail, $.failure, false)',
        },
      ],
    });
    expect(publish.ResultPath).toBeNull();
    expect(publish.Retry?.[0]?.ErrorEquals).toEqual(['States.TaskFailed']);
    expect(publish.Next).toBe(STATE_NAMES.failed);
    expect(definition.States[STATE_NAMES.failed]).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.failure.error',
      CausePath: '$.failure.cause',
    });
  });

  test('with a success event: RunTask → PutEvents(original detail) → Succeed', () => {
    const definition = buildRunTaskStateMachine(input({ successEvent }));
    expect(runTaskState(definition).Next).toBe(STATE_NAMES.publishSuccess);
    const publish = definition.States[STATE_NAMES.publishSuccess] as TaskState;
    expect(publish.Parameters).toEqual({
      Entries: [{ EventBusName: PAYMENT_BUS, Source: 'booking-saga.payment', DetailType: 'PaymentSucceeded', 'Detail.$': '$.detail' }],
    });
    expect(publish.Next).toBe(STATE_NAMES.succeeded);
    expect(definition.States[STATE_NAMES.succeeded]).toEqual({ Type: 'Succeed' });
  });

  test('the definition is plain JSON (no undefined, no functions) and keeps the comment', () => {
    const definition = buildRunTaskStateMachine(input({ failureEvent, successEvent, comment: 'PaymentRequested → payment/charge' }));
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
    expect(definition.Comment).toBe('PaymentRequested → payment/charge');
  });
});

describe('bad input names the state machine and the field', () => {
  const label = 'dev/booking/rule payment-requested';
  const cases: [string, Partial<RunTaskStateMachineInput>, RegExp][] = [
    ['no subnets', { subnetIds: [] }, /subnetIds must hold 1 to 16 items, got 0/],
    ['six security groups', { securityGroupIds: ['a', 'b', 'c', 'd', 'e', 'f'] }, /securityGroupIds must hold 1 to 5 items/],
    ['an empty cluster', { clusterArn: '' }, /clusterArn must be a non-empty string/],
    ['an empty subnet', { subnetIds: [''] }, /subnetIds\[0\] must be a non-empty string/],
    ['a short timeout without a task timeout', { timeoutSeconds: 60 }, /timeoutSeconds must exceed 60/],
    ['a task timeout not below the execution timeout', { timeoutSeconds: 600, taskTimeoutSeconds: 600 }, /taskTimeoutSeconds must be an integer from 1 to 599/],
    ['a fractional timeout', { timeoutSeconds: 100.5 }, /timeoutSeconds must be an integer/],
    ['an unknown delivery', { detailDelivery: 'inline' as never }, /detailDelivery must be 'environment' or 'reference'/],
    ['an EC2 launch type', { capacity: { launchType: 'EC2' as never } }, /capacity.launchType must be FARGATE/],
    ['two bases', { capacity: { strategy: [{ capacityProvider: 'A', weight: 1, base: 1 }, { capacityProvider: 'B', weight: 1, base: 1 }] } }, /base to one provider only/],
    ['only zero weights', { capacity: { strategy: [{ capacityProvider: 'A', weight: 0 }] } }, /weight above 0/],
    ['an empty failure detail-type', { failureEvent: { ...failureEvent, detailType: '' } }, /failureEvent.detailType must be a non-empty string/],
  ];
  test.each(cases)('%s', (_name, overrides, message) => {
    expect(() => buildRunTaskStateMachine(input({ ...overrides, label }))).toThrow(message);
    expect(() => buildRunTaskStateMachine(input({ ...overrides, label }))).toThrow(`state machine ${label}: `);
  });
});
