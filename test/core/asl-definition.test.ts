import {
  buildRunTaskStateMachine,
  type ChoiceState,
  executionTimeBudget,
  MAX_TASK_RUNS,
  MIN_TASK_TIMEOUT_SECONDS,
  minimumExecutionTimeoutSeconds,
  PUT_EVENTS_RESOURCE,
  PUT_EVENTS_RETRY,
  PUT_EVENTS_TIMEOUT_SECONDS,
  prefixedStateNames,
  putEventsState,
  runFailureStates,
  runTaskStates,
  retrierWorstCaseWaitSeconds,
  RUN_TASK_RETRY,
  RUN_TASK_RESOURCE,
  STATE_NAMES,
  type RunTaskStateMachineInput,
  type StateMachineDefinition,
  type TaskState,
} from '../../core/asl';
import { ALREADY_HANDLED_EXIT_CODE, EVENT_ENV } from '../../core/container-contract';
import { type Placement, placementParameters } from '../../core/placement';
import { validateAsl } from '../support/asl-validator';

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
      [
        'strategy',
        {
          strategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          ],
        },
      ],
    ] as const) {
      for (const events of [{}, { failureEvent }, { successEvent }, { failureEvent, successEvent }]) {
        const name = `${detailDelivery}, ${capacityName}, ${Object.keys(events).join('+') || 'no events'}`;
        shapes.push([name, { detailDelivery, capacity, ...events }]);
      }
    }
  }

  test.each(shapes)('%s', (_name, overrides) => {
    const definition = buildRunTaskStateMachine(input(overrides));
    const result = validateAsl(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('a broken definition is rejected, so the check above can fail', () => {
    const definition = structuredClone(buildRunTaskStateMachine(input({ failureEvent }))) as { States: Record<string, { Next?: string }> };
    definition.States[STATE_NAMES.describeFailure]!.Next = 'NoSuchState';
    expect(validateAsl(definition).isValid).toBe(false);
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
        capacity: {
          strategy: [
            { capacityProvider: 'FARGATE', weight: 1, base: 2 },
            { capacityProvider: 'FARGATE_SPOT', weight: 4 },
          ],
        },
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
    expect(environment.map((variable) => variable.Name)).toEqual(['eventId', 'eventSource', 'eventDetailType', 'executionArn', 'eventDelivery']);
    expect(environment.find((variable) => variable.Name === 'eventDelivery')?.Value).toBe('reference');
    expect(JSON.stringify(override)).not.toContain('JsonToString');
  });

  test('an empty command keeps the task definition command', () => {
    expect(containerOverride(buildRunTaskStateMachine(input({ command: [] })))).not.toHaveProperty('Command');
  });

  test('retries only errors where no task started, with backoff and jitter', () => {
    const retry = runTaskState(buildRunTaskStateMachine(input())).Retry!;
    // HTTP 500 (ECS.ServerException) and throttling (ECS.AmazonECSException) quickly; no capacity slowly.
    expect(retry.map((retrier) => retrier.ErrorEquals)).toEqual([['ECS.ServerException', 'ECS.AmazonECSException'], ['AmazonECS.Unknown']]);
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
    // An InvalidParameterException is mostly a request that can never succeed (overrides over 8192
    // characters, an INACTIVE revision): only the throttled ones run again, after the Catch.
    expect(retried).not.toContain('ECS.InvalidParameterException');
  });

  test('timeouts: the execution, and the task with what the worst case of every retry and the publish leaves', () => {
    const definition = buildRunTaskStateMachine(input({ timeoutSeconds: 3600 }));
    expect(definition.TimeoutSeconds).toBe(3600);
    expect(runTaskState(definition).TimeoutSeconds).toBe(executionTimeBudget(3600).taskTimeoutSeconds);
    expect(runTaskState(definition).TimeoutSeconds).toBe(500);
  });

  test('keeps the event as its output instead of the task description', () => {
    expect(runTaskState(buildRunTaskStateMachine(input()))).toHaveProperty('ResultPath', null);
  });
});

describe('failure and success events', () => {
  test('without a failure event the Catch still reruns what never started, and otherwise just fails', () => {
    const definition = buildRunTaskStateMachine(input());
    expect(runTaskState(definition).Catch?.[0]?.Next).toBe(STATE_NAMES.classifyFailure);
    expect(Object.keys(definition.States)).not.toContain(STATE_NAMES.publishFailure);
    expect((definition.States[STATE_NAMES.decideRerun] as ChoiceState).Default).toBe(STATE_NAMES.failed);
    expect(definition.States[STATE_NAMES.describeFailure]).toMatchObject({ Next: STATE_NAMES.failed });
    expect(runTaskState(definition).Next).toBe(STATE_NAMES.succeeded);
    expect(definition.StartAt).toBe(STATE_NAMES.countFirstRun);
  });

  test('with a failure event: Catch → classify → shape → PutEvents → Fail', () => {
    const definition = buildRunTaskStateMachine(input({ failureEvent }));
    expect((definition.States[STATE_NAMES.decideRerun] as ChoiceState).Default).toBe(STATE_NAMES.publishFailure);
    expect(definition.States[STATE_NAMES.describeFailure]).toMatchObject({
      Type: 'Pass',
      Parameters: { failure: { 'error.$': '$.caught.Error', 'failedEventId.$': '$.id' } },
      Next: STATE_NAMES.publishFailure,
    });
    const publish = definition.States[STATE_NAMES.publishFailure] as TaskState;
    expect(publish.Resource).toBe(PUT_EVENTS_RESOURCE);
    expect(publish.ResultPath).toBeNull();
    expect(publish.Next).toBe(STATE_NAMES.failed);
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
    // toStrictEqual: a property holding undefined (dropped by JSON) fails it; toEqual would not see it.
    expect(JSON.parse(JSON.stringify(definition))).toStrictEqual(definition);
    for (const shape of [
      input(),
      input({ detailDelivery: 'reference', idempotent: true }),
      input({ failureEvent, capacity: { strategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } }),
    ]) {
      const built = buildRunTaskStateMachine(shape);
      expect(JSON.parse(JSON.stringify(built))).toStrictEqual(built);
    }
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
    ['a timeout that leaves the task no time', { timeoutSeconds: 900 }, /timeoutSeconds 900 leaves -400 s per run of the task .* give at least 2280/],
    ['a timeout one second short', { timeoutSeconds: 2279 }, /timeoutSeconds 2279 leaves 59 s per run/],
    ['a fractional timeout', { timeoutSeconds: 100.5 }, /timeoutSeconds must be an integer/],
    ['an unknown delivery', { detailDelivery: 'inline' as never }, /detailDelivery must be 'environment' or 'reference'/],
    ['an EC2 launch type', { capacity: { launchType: 'EC2' as never } }, /capacity.launchType must be FARGATE/],
    [
      'two bases',
      {
        capacity: {
          strategy: [
            { capacityProvider: 'A', weight: 1, base: 1 },
            { capacityProvider: 'B', weight: 1, base: 1 },
          ],
        },
      },
      /base to one provider only/,
    ],
    ['only zero weights', { capacity: { strategy: [{ capacityProvider: 'A', weight: 0 }] } }, /weight above 0/],
    ['an empty failure detail-type', { failureEvent: { ...failureEvent, detailType: '' } }, /failureEvent.detailType must be a non-empty string/],
    // Every bound, on both sides of it.
    ['seventeen subnets', { subnetIds: Array.from({ length: 17 }, (_, i) => `subnet-${i}`) }, /subnetIds must hold 1 to 16 items, got 17/],
    ['no security group', { securityGroupIds: [] }, /securityGroupIds must hold 1 to 5 items, got 0/],
    ['an empty security group', { securityGroupIds: ['sg-1', ''] }, /securityGroupIds\[1\] must be a non-empty string/],
    ['an empty task definition', { taskDefinition: '' }, /taskDefinition must be a non-empty string/],
    ['an empty container name', { containerName: '' }, /containerName must be a non-empty string/],
    ['a command element that is not a string', { command: ['node', 5 as never] }, /command\[1\] must be a string/],
    ['no capacity provider', { capacity: { strategy: [] } }, /capacity.strategy must hold 1 to 20 providers, got 0/],
    [
      '21 capacity providers',
      { capacity: { strategy: Array.from({ length: 21 }, (_, i) => ({ capacityProvider: `P${i}`, weight: 1 })) } },
      /capacity.strategy must hold 1 to 20 providers, got 21/,
    ],
    ['an unnamed capacity provider', { capacity: { strategy: [{ capacityProvider: '', weight: 1 }] } }, /capacity.strategy\[0\].capacityProvider must be a non-empty string/],
    ['a negative weight', { capacity: { strategy: [{ capacityProvider: 'A', weight: -1 }] } }, /capacity.strategy\[0\].weight must be an integer from 0 to 1000, got -1/],
    ['a weight over 1000', { capacity: { strategy: [{ capacityProvider: 'A', weight: 1001 }] } }, /capacity.strategy\[0\].weight must be an integer from 0 to 1000, got 1001/],
    ['a fractional weight', { capacity: { strategy: [{ capacityProvider: 'A', weight: 1.5 }] } }, /weight must be an integer from 0 to 1000, got 1.5/],
    ['a negative base', { capacity: { strategy: [{ capacityProvider: 'A', weight: 1, base: -1 }] } }, /capacity.strategy\[0\].base must be an integer from 0 to 100000, got -1/],
    ['a base over 100000', { capacity: { strategy: [{ capacityProvider: 'A', weight: 1, base: 100001 }] } }, /base must be an integer from 0 to 100000, got 100001/],
    ['a timeout of 0', { timeoutSeconds: 0 }, /timeoutSeconds must be an integer from 1 to 31536000, got 0/],
    ['a timeout over a year', { timeoutSeconds: 31_536_001 }, /timeoutSeconds must be an integer from 1 to 31536000, got 31536001/],
    ['an empty success source', { successEvent: { ...successEvent, source: '' } }, /successEvent.source must be a non-empty string/],
    ['an empty success bus', { successEvent: { ...successEvent, eventBusArn: '' } }, /successEvent.eventBusArn must be a non-empty string/],
  ];

  test.each<[string, Partial<RunTaskStateMachineInput>]>([
    ['16 subnets and 5 security groups', { subnetIds: Array.from({ length: 16 }, (_, i) => `subnet-${i}`), securityGroupIds: ['a', 'b', 'c', 'd', 'e'] }],
    [
      '20 providers, a weight-0 one among them',
      { capacity: { strategy: [{ capacityProvider: 'P0', weight: 0 }, ...Array.from({ length: 19 }, (_, i) => ({ capacityProvider: `P${i + 1}`, weight: 1 }))] } },
    ],
    [
      'the largest weight and base',
      {
        capacity: {
          strategy: [
            { capacityProvider: 'A', weight: 1000, base: 100_000 },
            { capacityProvider: 'B', weight: 0, base: 0 },
          ],
        },
      },
    ],
    ['the longest timeout', { timeoutSeconds: 31_536_000 }],
    ['an empty command', { command: [] }],
  ])('accepts %s', (_name, overrides) => {
    expect(() => buildRunTaskStateMachine(input(overrides))).not.toThrow();
  });

  test('without a label the message names the state machine alone', () => {
    expect(() => buildRunTaskStateMachine(input({ clusterArn: '' }))).toThrow(/^state machine: clusterArn must be a non-empty string$/);
  });
  test.each(cases)('%s', (_name, overrides, message) => {
    expect(() => buildRunTaskStateMachine(input({ ...overrides, label }))).toThrow(message);
    expect(() => buildRunTaskStateMachine(input({ ...overrides, label }))).toThrow(`state machine ${label}: `);
  });
});

describe('the execution time budget (pure)', () => {
  test('a retrier waits at most interval × rate^n per retry, each capped', () => {
    expect(retrierWorstCaseWaitSeconds({ ErrorEquals: ['x'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 60 })).toBe(5 + 10 + 20 + 40 + 60);
    expect(retrierWorstCaseWaitSeconds({ ErrorEquals: ['x'], IntervalSeconds: 30, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 300 })).toBe(30 + 60 + 120 + 240);
    // The States Language defaults: 1 s, 3 attempts, rate 2.
    expect(retrierWorstCaseWaitSeconds({ ErrorEquals: ['x'] })).toBe(1 + 2 + 4);
    expect(retrierWorstCaseWaitSeconds({ ErrorEquals: ['x'], MaxAttempts: 0 })).toBe(0);
  });

  test('every part of the worst case, and what is left for the task', () => {
    const budget = executionTimeBudget(3600);
    // RunTask: 135 s (5 fast retries) + 450 s (4 capacity retries) of waits, 5 s for each of the 9 refused attempts.
    expect(budget.retrySecondsPerRun).toBe(135 + 450 + 9 * 5);
    // Reruns wait 20 s, then 40 s.
    expect(budget.rerunWaitSeconds).toBe(20 + 40);
    // The publish: 6 attempts of at most 10 s, and 2 + 4 + 8 + 16 + 30 s of waits.
    expect(budget.publishSeconds).toBe(6 * PUT_EVENTS_TIMEOUT_SECONDS + 60);
    expect(budget.runs).toBe(MAX_TASK_RUNS);
    expect(budget.taskTimeoutSeconds).toBe(Math.floor((3600 - 120 - 60 - 30) / 3 - 630));
    // The identity it rests on: every run at its worst, the waits, the publish, within the execution.
    const used = budget.runs * (budget.taskTimeoutSeconds + budget.retrySecondsPerRun) + budget.rerunWaitSeconds + budget.publishSeconds + budget.allowanceSeconds;
    expect(used).toBeLessThanOrEqual(3600);
    expect(used + budget.runs).toBeGreaterThan(3600);
  });

  test('one run means no rerun waits, and the whole remainder for the one run', () => {
    const budget = executionTimeBudget(3600, 1);
    expect(budget.rerunWaitSeconds).toBe(0);
    expect(budget.taskTimeoutSeconds).toBe(3600 - 120 - 30 - 630);
  });

  test('the minimum execution timeout leaves exactly the minimum task timeout, and one second less does not', () => {
    const minimum = minimumExecutionTimeoutSeconds();
    expect(minimum).toBe(2280);
    expect(executionTimeBudget(minimum).taskTimeoutSeconds).toBe(MIN_TASK_TIMEOUT_SECONDS);
    expect(executionTimeBudget(minimum - 1).taskTimeoutSeconds).toBeLessThan(MIN_TASK_TIMEOUT_SECONDS);
    expect(() => buildRunTaskStateMachine(input({ timeoutSeconds: minimum }))).not.toThrow();
  });

  test("several RunTask states one after another (a flow's steps and compensations): each has its runs, rerun waits and allowance; the outcome is published once", () => {
    // 5 entries of 3 runs: rerun waits (20 + 40) × 5, allowance 30 × 5, one publish of 120; (20,000 − 570) / 15 − 630 = 665.3.
    expect(executionTimeBudget(20_000, 3, 5)).toStrictEqual({
      executionTimeoutSeconds: 20_000,
      taskTimeoutSeconds: 665,
      runs: 3,
      entries: 5,
      retrySecondsPerRun: 630,
      rerunWaitSeconds: 300,
      publishSeconds: 120,
      allowanceSeconds: 150,
    });
    // (60 + 630) × 15 + 120 + 300 + 150, and exactly the minimum task timeout there, one second less below it.
    expect(minimumExecutionTimeoutSeconds(3, 5)).toBe(10_920);
    expect(executionTimeBudget(10_920, 3, 5).taskTimeoutSeconds).toBe(60);
    expect(executionTimeBudget(10_919, 3, 5).taskTimeoutSeconds).toBe(59);
    // 2 runs of 3 entries, 100 s each: (100 + 630) × 6 + 120 + 20 × 3 + 30 × 3.
    expect(minimumExecutionTimeoutSeconds(2, 3, 100)).toBe(4650);
    expect(minimumExecutionTimeoutSeconds(1, 1)).toBe(690 + 120 + 30);
  });

  test('the budget follows the retry policies it is built from', () => {
    const waits = [...RUN_TASK_RETRY].reduce((sum, retrier) => sum + retrierWorstCaseWaitSeconds(retrier), 0);
    expect(executionTimeBudget(3600).retrySecondsPerRun).toBeGreaterThan(waits);
    expect(executionTimeBudget(3600).publishSeconds).toBeGreaterThan(retrierWorstCaseWaitSeconds(PUT_EVENTS_RETRY[0]!));
  });
});

describe('failure handling shape', () => {
  const definition = buildRunTaskStateMachine(input({ failureEvent }));
  const choice = (name: string) => definition.States[name] as ChoiceState;

  test('the Catch hands every error to the classification, and nothing reads the raw Cause but a parse guarded by it', () => {
    expect(runTaskState(definition).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: STATE_NAMES.classifyFailure }]);
    const [parse] = choice(STATE_NAMES.classifyFailure).Choices;
    // States.StringToJson only after the error name says the Cause is a task description, and it looks like JSON.
    expect(parse).toEqual({
      And: [
        { Variable: '$.caught.Error', StringEquals: 'States.TaskFailed' },
        { Variable: '$.caught.Cause', StringMatches: '{*}' },
      ],
      Next: STATE_NAMES.readStoppedTask,
    });
    const mentions = Object.entries(definition.States)
      .filter(([, state]) => JSON.stringify(state).includes('$.caught.Cause'))
      .map(([name]) => name);
    expect(mentions.sort()).toEqual([STATE_NAMES.classifyFailure, STATE_NAMES.readStoppedTask].sort());
  });

  test('the failure event publishes the shaped failure, and the Fail state names the error', () => {
    const publish = definition.States[STATE_NAMES.publishFailure] as TaskState;
    expect(publish.Parameters).toEqual({
      Entries: [{ EventBusName: PAYMENT_BUS, Source: 'booking-saga.payment', DetailType: 'PaymentFailed', 'Detail.$': 'States.JsonMerge($.detail, $.failure, false)' }],
    });
    expect(definition.States[STATE_NAMES.failed]).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.error' });
    expect(definition.States[STATE_NAMES.failed]).not.toHaveProperty('CausePath');
  });

  test('every publish has a timeout per attempt and retries a timed-out attempt', () => {
    const publishes = Object.values(buildRunTaskStateMachine(input({ failureEvent, successEvent })).States).filter(
      (state): state is TaskState => state.Type === 'Task' && state.Resource === PUT_EVENTS_RESOURCE,
    );
    expect(publishes).toHaveLength(2);
    for (const publish of publishes) {
      expect(publish.TimeoutSeconds).toBe(PUT_EVENTS_TIMEOUT_SECONDS);
      expect(publish.Retry?.[0]?.ErrorEquals).toEqual(['States.TaskFailed', 'States.Timeout']);
    }
  });

  test('reruns: never started, Spot, termination notice; a non-zero exit only when the task is idempotent', () => {
    const rerunRules = (def: ReturnType<typeof buildRunTaskStateMachine>) =>
      (def.States[STATE_NAMES.decideRerun] as ChoiceState).Choices.filter((rule) => rule.Next === STATE_NAMES.countRerun);
    const codes = (def: ReturnType<typeof buildRunTaskStateMachine>) =>
      JSON.stringify(rerunRules(def))
        .match(/"StringEquals":"[A-Za-z]+"/g)!
        .map((match) => match.slice(16, -1));
    expect(codes(definition)).toEqual(['TaskFailedToStart', 'SpotInterruption', 'TerminationNotice']);
    expect(codes(buildRunTaskStateMachine(input({ failureEvent, idempotent: true })))).toEqual(['TaskFailedToStart', 'SpotInterruption', 'TerminationNotice', 'EssentialContainerExited']);
    for (const rule of rerunRules(definition)) {
      expect(rule.And).toContainEqual({ Variable: '$.taskRuns.count', NumericLessThan: MAX_TASK_RUNS });
    }
  });

  test('before any rerun: a container that exited ALREADY_HANDLED_EXIT_CODE ends the execution at AlreadyHandled, a Succeed state', () => {
    for (const def of [definition, buildRunTaskStateMachine(input({ failureEvent, idempotent: true }))]) {
      const [first, ...rest] = (def.States[STATE_NAMES.decideRerun] as ChoiceState).Choices;
      expect(first).toEqual({
        And: [
          { Variable: '$.failure.stopCode', StringEquals: 'EssentialContainerExited' },
          { Variable: '$.failure.exitCode', IsNumeric: true },
          { Variable: '$.failure.exitCode', NumericEquals: ALREADY_HANDLED_EXIT_CODE },
        ],
        Next: STATE_NAMES.alreadyHandled,
      });
      expect(rest.map((rule) => rule.Next)).not.toContain(STATE_NAMES.alreadyHandled);
      expect(def.States[STATE_NAMES.alreadyHandled]).toMatchObject({ Type: 'Succeed' });
    }
  });
});

describe("putEventsState (also the announcer's)", () => {
  test('a fixed event: its bus, source and detail-type as given, the detail from the expression, retried, then the next state', () => {
    expect(putEventsState({ eventBusArn: PAYMENT_BUS, source: 'saga.payment', detailType: 'PaymentDone' }, '$.detail', 'Done', 'Announces it.')).toStrictEqual({
      Type: 'Task',
      Comment: 'Announces it.',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: { Entries: [{ EventBusName: PAYMENT_BUS, Source: 'saga.payment', DetailType: 'PaymentDone', 'Detail.$': '$.detail' }] },
      ResultPath: null,
      TimeoutSeconds: 10,
      Retry: PUT_EVENTS_RETRY,
      Next: 'Done',
    });
  });

  test('an event read from the state: each field by its path; without a next state it ends the execution', () => {
    expect(putEventsState({ eventBusArnPath: '$.target.Bus', sourcePath: '$.target.Source', detailTypePath: '$.target.Type' }, '$.event', undefined, 'c')).toStrictEqual({
      Type: 'Task',
      Comment: 'c',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: { Entries: [{ 'EventBusName.$': '$.target.Bus', 'Source.$': '$.target.Source', 'DetailType.$': '$.target.Type', 'Detail.$': '$.event' }] },
      ResultPath: null,
      TimeoutSeconds: 10,
      Retry: PUT_EVENTS_RETRY,
      End: true,
    });
  });
});

describe('a run fragment as a flow uses it (prefixed names, kept fields, uniform failures)', () => {
  const names = prefixedStateNames('undo charge:');
  const fragment = {
    names,
    onSuccess: 'Next',
    onFailure: 'Gave up',
    onAlreadyHandled: 'Handled elsewhere',
    failureField: 'compensationFailure',
    keep: ['failure', 'flow'],
    uniformFailure: true,
    idempotent: true,
    taskTimeoutSeconds: 120,
    environment: [{ Name: 'a', Value: 'b' }],
    runTaskComment: 'Compensates.',
  };
  const states = runFailureStates(fragment) as unknown as Record<string, Record<string, unknown>>;
  const kept = {
    'id.$': '$.id',
    'source.$': '$.source',
    'detail-type.$': "$['detail-type']",
    'detail.$': '$.detail',
    'taskRuns.$': '$.taskRuns',
    'failure.$': '$.failure',
    'flow.$': '$.flow',
  };

  test('every state name behind the prefix', () => {
    expect(Object.values(names)).toEqual(Object.values(STATE_NAMES).map((name) => `undo charge:${name}`));
    expect(names.runTask).toBe('undo charge:RunTask');
    expect(Object.keys(runTaskStates(input(), fragment))).toEqual(['undo charge:CountFirstRun', 'undo charge:RunTask']);
  });

  test("the count of runs starts at 1 with the base wait, and RunTask goes on to the fragment's success", () => {
    const run = runTaskStates(input({ command: [] }), fragment) as unknown as Record<string, Record<string, unknown>>;
    expect(run['undo charge:CountFirstRun']).toStrictEqual({
      Type: 'Pass',
      Comment: 'Counts the runs of the task: reruns are bounded by MAX_TASK_RUNS.',
      Result: { count: 1, waitSeconds: 10 },
      ResultPath: '$.taskRuns',
      Next: 'undo charge:RunTask',
    });
    expect(run['undo charge:RunTask']).toMatchObject({ Comment: 'Compensates.', TimeoutSeconds: 120, Next: 'Next' });
    // No command: the container's own runs; the environment is the fragment's.
    expect((run['undo charge:RunTask']!.Parameters as { Overrides: unknown }).Overrides).toStrictEqual({
      ContainerOverrides: [{ Name: 'payment', Environment: [{ Name: 'a', Value: 'b' }] }],
    });
  });

  test("any other error: every failure field, empty, in the fragment's own field, the kept fields carried", () => {
    expect(states[names.describeFailure]).toStrictEqual({
      Type: 'Pass',
      Comment: 'Any other error (ECS API refusal after its retries, States.Timeout): its name only; its Cause stays in the history.',
      Parameters: {
        ...kept,
        compensationFailure: { 'error.$': '$.caught.Error', 'failedEventId.$': '$.id', stopCode: '', stoppedReason: '', exitCode: null },
      },
      Next: 'Gave up',
    });
  });

  test('a stopped task shaped into the same field, kept fields carried; the rerun decided on that field', () => {
    expect(states[names.describeStoppedTask]!.Parameters).toStrictEqual({
      ...kept,
      compensationFailure: {
        'error.$': '$.caught.Error',
        'failedEventId.$': '$.id',
        'stopCode.$': '$.stoppedTask.description.StopCode',
        'stoppedReason.$': '$.stoppedTask.description.StoppedReason',
        exitCode: null,
      },
    });
    expect(states[names.describeExitedTask]!.Parameters).toMatchObject({ compensationFailure: { 'exitCode.$': '$.stoppedTask.description.Containers[0].ExitCode' } });
    const decide = states[names.decideRerun] as unknown as ChoiceState;
    expect(decide.Comment).toBe('Runs the task again when it never started, AWS took it back, or (idempotent task) it exited non-zero.');
    // First a duplicate delivery (the task exited ALREADY_HANDLED_EXIT_CODE), read from the same field.
    expect(decide.Choices[0]).toEqual({
      And: [
        { Variable: '$.compensationFailure.stopCode', StringEquals: 'EssentialContainerExited' },
        { Variable: '$.compensationFailure.exitCode', IsNumeric: true },
        { Variable: '$.compensationFailure.exitCode', NumericEquals: ALREADY_HANDLED_EXIT_CODE },
      ],
      Next: 'Handled elsewhere',
    });
    expect(decide.Choices[2]).toEqual({
      And: [
        { Variable: '$.compensationFailure.stopCode', StringEquals: 'EssentialContainerExited' },
        { Variable: '$.taskRuns.count', NumericLessThan: 3 },
      ],
      Next: names.countRerun,
    });
    expect(decide.Default).toBe('Gave up');
  });

  test('a rerun counts up and doubles the wait, keeping the kept fields, then waits and runs again', () => {
    expect(states[names.countRerun]).toStrictEqual({
      Type: 'Pass',
      Comment: 'One more run; each rerun waits twice as long as the one before.',
      Parameters: {
        'id.$': '$.id',
        'source.$': '$.source',
        'detail-type.$': "$['detail-type']",
        'detail.$': '$.detail',
        'failure.$': '$.failure',
        'flow.$': '$.flow',
        taskRuns: { 'count.$': 'States.MathAdd($.taskRuns.count, 1)', 'waitSeconds.$': 'States.MathAdd($.taskRuns.waitSeconds, $.taskRuns.waitSeconds)' },
      },
      Next: names.waitBeforeRerun,
    });
    expect(states[names.waitBeforeRerun]).toStrictEqual({ Type: 'Wait', SecondsPath: '$.taskRuns.waitSeconds', Next: names.runTask });
  });
});

describe('placement on EC2 capacity: rendered into RunTask, refused on Fargate (the RunTask state)', () => {
  const ARTICLE: Placement = {
    strategy: [{ type: 'spread', field: 'instanceId' }, { type: 'binpack', field: 'cpu' }, { type: 'random' }],
    constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }, { type: 'distinctInstance' }],
  };

  const ec2Input = (overrides: Partial<RunTaskStateMachineInput>): RunTaskStateMachineInput => ({
    clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging-services',
    taskDefinition: 'staging-notification-notify',
    subnetIds: ['subnet-0a1b2c3d'],
    securityGroupIds: ['sg-01234567'],
    containerName: 'notification',
    command: [],
    capacity: { strategy: [{ capacityProvider: 'staging-ec2', weight: 1 }] },
    detailDelivery: 'environment',
    timeoutSeconds: 3600,
    label: 'staging/seat/rule notify',
    ...overrides,
  });
  const runTask = (overrides: Partial<RunTaskStateMachineInput>) =>
    (buildRunTaskStateMachine(ec2Input(overrides)).States[STATE_NAMES.runTask] as { Parameters: Record<string, unknown> }).Parameters;

  test('on EC2 capacity, the placement goes into RunTask after the capacity provider strategy', () => {
    const parameters = runTask({ placement: ARTICLE });
    expect(parameters.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'staging-ec2', Weight: 1 }]);
    expect(parameters.PlacementStrategy).toEqual(placementParameters(ARTICLE).PlacementStrategy);
    expect(parameters.PlacementConstraints).toEqual(placementParameters(ARTICLE).PlacementConstraints);
    expect(Object.keys(parameters).slice(0, 5)).toEqual(['Cluster', 'TaskDefinition', 'CapacityProviderStrategy', 'PlacementStrategy', 'PlacementConstraints']);
  });

  test('without placement, or an empty one, RunTask names none', () => {
    for (const placement of [undefined, { strategy: [], constraints: [] }]) {
      const parameters = runTask(placement ? { placement } : {});
      expect(parameters).not.toHaveProperty('PlacementStrategy');
      expect(parameters).not.toHaveProperty('PlacementConstraints');
    }
  });

  test.each([
    ['the Fargate launch type', { launchType: 'FARGATE' as const }],
    ['the FARGATE provider', { strategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }],
    ['the FARGATE_SPOT provider', { strategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }],
  ])('placement on %s is refused, naming the state machine', (_, capacity) => {
    expect(() => runTask({ capacity, placement: ARTICLE })).toThrow(
      'state machine staging/seat/rule notify: placement is for EC2 capacity; Fargate supports no task placement strategies or constraints',
    );
    expect(() => runTask({ capacity, placement: { strategy: [], constraints: [] } })).not.toThrow();
  });

  test('a strategy mixing Fargate and an Auto Scaling group provider is refused, with or without placement', () => {
    const capacity = {
      strategy: [
        { capacityProvider: 'FARGATE', weight: 1 },
        { capacityProvider: 'staging-ec2', weight: 1 },
      ],
    };
    expect(() => runTask({ capacity })).toThrow('capacity.strategy mixes Fargate and Auto Scaling group capacity providers; ECS takes one kind per strategy');
  });

  test('a placement ECS would refuse names its field', () => {
    expect(() => runTask({ placement: { strategy: [{ type: 'binpack', field: 'disk' }], constraints: [] } })).toThrow(
      'state machine staging/seat/rule notify: placement.strategy[0].field binpack packs by cpu or memory, not "disk"',
    );
  });
});
