/**
 * A flow's definition (core/asl-flow.ts) executed by the real ASL interpreter: steps in order,
 * compensations of the failed step and of every step before it in reverse, a failing compensation
 * that neither stops the others nor passes silently, what each run's container is told, and the
 * time budget worked out from the definition.
 */
import { FAILURE_FIELDS, MAX_TASK_RUNS, MIN_TASK_TIMEOUT_SECONDS, type RunTaskTarget, WORST_CASE_FAILURE_FIELDS } from '../../core/asl';
import {
  buildFlowStateMachine,
  COMPENSATION_FAILED_ERROR,
  compensationPrefix,
  FLOW_STATE_NAMES,
  FLOW_STEP_NAME_MAX_LENGTH,
  flowEntries,
  flowTimeBudget,
  type FlowStateMachineInput,
  MAX_FLOW_STEPS,
  minimumFlowTimeoutSeconds,
  stepPrefix,
  WORST_CASE_FLOW_FAILURE,
} from '../../core/asl-flow';
import { MAX_EXECUTION_SECONDS } from '../../core/aws-limits';
import { ALREADY_HANDLED_EXIT_CODE, EVENT_ENV, FLOW_ENV, runTaskOverrides } from '../../core/container-contract';
import { ecsTaskFailed, type JsonValue, runStateMachine, TaskError, type TaskHandler } from '../../local/asl-interpreter';
import { STOPS, stoppedTaskDescription } from '../../local/ecs-task-description';
import { validateAsl } from '../support/asl-validator';

const BOOKING_BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-booking';
const EVENT_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-orchestrate:4f8c2a1e-9b7d-4e3f-a2c1-0d9e8f7a6b5c';

const task = (container: string, family: string, command: string[] = []): RunTaskTarget => ({
  clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/dev-services',
  taskDefinition: family,
  subnetIds: ['subnet-0a1b2c3d4e5f6a7b8'],
  securityGroupIds: ['sg-0123456789abcdef0'],
  containerName: container,
  command,
  capacity: { launchType: 'FARGATE' },
});

const CHARGE = task('payment', 'dev-payment-charge');
const REFUND = task('compensation', 'dev-compensation-cancel-booking', ['node', 'dist/cancel-booking.js']);
const RESERVE = task('seat', 'dev-seat-reserve-seats');
const RELEASE = task('seat', 'dev-seat-release-seats');
const NOTIFY = task('notification', 'dev-notification-notify');

function flow(overrides: Partial<FlowStateMachineInput> = {}): FlowStateMachineInput {
  return {
    flow: 'book',
    steps: [
      { name: 'charge', run: CHARGE, compensation: REFUND },
      { name: 'reserve-seats', run: RESERVE, compensation: RELEASE },
      { name: 'notify', run: NOTIFY },
    ],
    detailDelivery: 'environment',
    timeoutSeconds: minimumFlowTimeoutSeconds([{ compensation: 1 }, { compensation: 1 }, {}], 300),
    failureEvent: { eventBusArn: BOOKING_BUS, source: 'booking-saga.booking', detailType: 'BookingFailed' },
    successEvent: { eventBusArn: BOOKING_BUS, source: 'booking-saga.booking', detailType: 'BookingConfirmed' },
    compensationFailedEvent: { eventBusArn: BOOKING_BUS, source: 'booking-saga.booking', detailType: 'BookCompensationFailed' },
    ...overrides,
  };
}

const EVENT = {
  version: '0',
  id: EVENT_ID,
  'detail-type': 'BookingRequested',
  source: 'booking-saga.booking',
  account: '123456789012',
  time: '2025-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { bookingId: 'b-1', seats: [1, 2], amount: 120 },
};

type Env = Record<string, string>;
function environmentOf(parameters: JsonValue): Env {
  const override = (parameters as { Overrides: { ContainerOverrides: { Environment: { Name: string; Value: string }[] }[] } }).Overrides.ContainerOverrides[0]!;
  return Object.fromEntries(override.Environment.map((variable) => [variable.Name, variable.Value]));
}
const familyOf = (parameters: JsonValue) => (parameters as { TaskDefinition: string }).TaskDefinition;

/** A task that ran and exited `exitCode` (non-zero: `.sync` fails the state with the stopped task). */
const exited = (parameters: JsonValue, exitCode: number): never => {
  throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: 'eu-west-1', account: '123456789012', ...STOPS.exited(exitCode), taskId: 't', createdAt: 0 }));
};

/** Runs the flow; `outcomes[family]` says how each run of that family ends (in order; the last repeats). */
async function execute(input: FlowStateMachineInput, outcomes: Record<string, readonly ('ok' | number | 'refused')[]> = {}) {
  const runs: { family: string; env: Env }[] = [];
  const published: { detailType: string; detail: Record<string, unknown> }[] = [];
  const seen = new Map<string, number>();
  const runTask: TaskHandler = (parameters) => {
    const family = familyOf(parameters);
    const count = seen.get(family) ?? 0;
    seen.set(family, count + 1);
    runs.push({ family, env: environmentOf(parameters) });
    const plan = outcomes[family] ?? ['ok'];
    const outcome = plan[Math.min(count, plan.length - 1)]!;
    if (outcome === 'refused') throw new TaskError('ECS.InvalidParameterException', 'TaskDefinition is inactive');
    if (outcome !== 'ok' && outcome !== 0) exited(parameters, outcome);
    return { LastStatus: 'STOPPED' };
  };
  const putEvents: TaskHandler = (parameters) => {
    // The optimized integration takes Detail as JSON (an object here) and serialises it.
    const entry = (parameters as { Entries: { DetailType: string; Detail: Record<string, unknown> }[] }).Entries[0]!;
    published.push({ detailType: entry.DetailType, detail: entry.Detail });
    return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
  };
  const outcome = await runStateMachine({
    definition: buildFlowStateMachine(input),
    input: EVENT,
    handlers: { runTask, putEvents },
    executionArn: EXECUTION_ARN,
    retryIntervalMs: 0,
  });
  return { outcome, runs, published, families: runs.map((run) => run.family) };
}

describe('a flow runs its steps in order', () => {
  test('every step succeeds: each task once, in order, then the success event with the original detail', async () => {
    const { outcome, families, published } = await execute(flow());
    expect(outcome.status).toBe('SUCCEEDED');
    expect(families).toEqual(['dev-payment-charge', 'dev-seat-reserve-seats', 'dev-notification-notify']);
    expect(published).toEqual([{ detailType: 'BookingConfirmed', detail: EVENT.detail }]);
  });

  test('each run is told its flow and step, and nothing of a failure', async () => {
    const { runs } = await execute(flow());
    expect(runs.map((run) => [run.env[FLOW_ENV.step], run.env[FLOW_ENV.role], run.env[FLOW_ENV.failure]])).toEqual([
      ['book/charge', 'run', undefined],
      ['book/reserve-seats', 'run', undefined],
      ['book/notify', 'run', undefined],
    ]);
    expect(runs[0]!.env[EVENT_ENV.id]).toBe(EVENT_ID);
    expect(JSON.parse(runs[1]!.env[EVENT_ENV.detail]!)).toEqual(EVENT.detail);
  });

  test("a step's overrides are exactly the container contract's, flow variables included", async () => {
    const { runs } = await execute(flow());
    const contract = runTaskOverrides({
      containerName: 'seat',
      command: [],
      delivery: 'environment',
      event: { id: EVENT_ID, source: EVENT.source, detailType: EVENT['detail-type'], detail: EVENT.detail },
      executionArn: EXECUTION_ARN,
      flow: { step: 'book/reserve-seats', role: 'run' },
    }).containerOverrides[0]!;
    // Strictly: a variable without a name (or a stray element) would show as an `undefined` key.
    expect(runs[1]!.env).toStrictEqual(Object.fromEntries(contract.environment.map((variable) => [variable.name, variable.value])));
  });

  test('without a success event the flow just succeeds', async () => {
    const { outcome, published } = await execute(flow({ successEvent: undefined }));
    expect(outcome.status).toBe('SUCCEEDED');
    expect(published).toEqual([]);
  });
});

describe('a failing step is compensated, with every step before it, in reverse', () => {
  test('the second step exits 1: its compensation, then the first step’s, then the failure event; the third step never runs', async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-seat-reserve-seats': [1] });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(families).toEqual(['dev-payment-charge', 'dev-seat-reserve-seats', 'dev-seat-release-seats', 'dev-compensation-cancel-booking']);
    expect(published).toHaveLength(1);
    expect(published[0]!.detailType).toBe('BookingFailed');
    expect(published[0]!.detail).toMatchObject({
      ...EVENT.detail,
      [FAILURE_FIELDS.error]: 'States.TaskFailed',
      [FAILURE_FIELDS.failedEventId]: EVENT_ID,
      [FAILURE_FIELDS.stopCode]: 'EssentialContainerExited',
      [FAILURE_FIELDS.exitCode]: 1,
      failedStep: 'reserve-seats',
      failedCompensations: {},
    });
  });

  test('each compensation is told the step that failed and how, as JSON', async () => {
    const { runs } = await execute(flow(), { 'dev-seat-reserve-seats': [3] });
    const compensations = runs.filter((run) => run.env[FLOW_ENV.role] === 'compensate');
    expect(compensations.map((run) => run.env[FLOW_ENV.step])).toEqual(['book/reserve-seats', 'book/charge']);
    for (const run of compensations) {
      expect(JSON.parse(run.env[FLOW_ENV.failure]!)).toEqual({ failedStep: 'reserve-seats', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 3 });
    }
  });

  test('the first step fails: only its own compensation runs', async () => {
    const { outcome, families } = await execute(flow(), { 'dev-payment-charge': [1] });
    expect(outcome.status).toBe('FAILED');
    expect(families).toEqual(['dev-payment-charge', 'dev-compensation-cancel-booking']);
  });

  test('the last step (no compensation of its own) fails: the steps before it are compensated in reverse', async () => {
    const { families, published } = await execute(flow(), { 'dev-notification-notify': [1] });
    expect(families.slice(3)).toEqual(['dev-seat-release-seats', 'dev-compensation-cancel-booking']);
    expect(published[0]!.detail).toMatchObject({ failedStep: 'notify' });
  });

  test('an ECS refusal (no stopped task): every failure field is there for the compensation, empty', async () => {
    const { runs, published } = await execute(flow(), { 'dev-seat-reserve-seats': ['refused'] });
    const release = runs.find((run) => run.env[FLOW_ENV.role] === 'compensate')!;
    expect(JSON.parse(release.env[FLOW_ENV.failure]!)).toEqual({ failedStep: 'reserve-seats', error: 'ECS.InvalidParameterException', stopCode: '', exitCode: null });
    expect(published[0]!.detail).toMatchObject({ error: 'ECS.InvalidParameterException', stopCode: '', stoppedReason: '', exitCode: null });
  });

  test('a step that exits non-zero is not rerun unless the flow says its steps are idempotent', async () => {
    const once = await execute(flow(), { 'dev-seat-reserve-seats': [1] });
    expect(once.families.filter((family) => family === 'dev-seat-reserve-seats')).toHaveLength(1);
    const idempotent = await execute(flow({ idempotent: true }), { 'dev-seat-reserve-seats': [1, 1, 0] });
    expect(idempotent.outcome.status).toBe('SUCCEEDED');
    expect(idempotent.families.filter((family) => family === 'dev-seat-reserve-seats')).toHaveLength(3);
  });

  test('without a failure event the compensated flow just fails with the step’s error', async () => {
    const { outcome, published } = await execute(flow({ failureEvent: undefined }), { 'dev-seat-reserve-seats': [1] });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(published).toEqual([]);
  });
});

describe('a duplicate delivery: a task exits ALREADY_HANDLED_EXIT_CODE (another execution handles the event)', () => {
  test('the first step: the flow ends there, succeeding, announcing nothing and compensating nothing', async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-payment-charge': [ALREADY_HANDLED_EXIT_CODE] });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(families).toEqual(['dev-payment-charge']);
    expect(published).toEqual([]);
  });

  test('a later step: no further step, no compensation of the steps before it, no announcement', async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-seat-reserve-seats': [ALREADY_HANDLED_EXIT_CODE] });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(families).toEqual(['dev-payment-charge', 'dev-seat-reserve-seats']);
    expect(published).toEqual([]);
  });

  test('even when the flow says its steps are idempotent, the step is not run again', async () => {
    const { families } = await execute(flow({ idempotent: true }), { 'dev-payment-charge': [ALREADY_HANDLED_EXIT_CODE] });
    expect(families).toEqual(['dev-payment-charge']);
  });

  test('a compensation: counts as done (not rerun, not failed); the others run and the flow fails as compensated', async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-seat-reserve-seats': [1], 'dev-seat-release-seats': [ALREADY_HANDLED_EXIT_CODE] });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(families).toEqual(['dev-payment-charge', 'dev-seat-reserve-seats', 'dev-seat-release-seats', 'dev-compensation-cancel-booking']);
    expect(published.map((event) => event.detailType)).toEqual(['BookingFailed']);
    expect(published[0]!.detail).toMatchObject({ failedStep: 'reserve-seats', failedCompensations: {} });
  });
});

describe('a compensation that fails', () => {
  test('is rerun (compensations are idempotent) and, succeeding on its second run, changes nothing else', async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-seat-reserve-seats': [1], 'dev-seat-release-seats': [1, 0] });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('States.TaskFailed');
    expect(families.filter((family) => family === 'dev-seat-release-seats')).toHaveLength(2);
    expect(published.map((event) => event.detailType)).toEqual(['BookingFailed']);
  });

  test(`failing for good, the others still run, then the compensation-failed event and ${COMPENSATION_FAILED_ERROR}`, async () => {
    const { outcome, families, published } = await execute(flow(), { 'dev-seat-reserve-seats': [1], 'dev-seat-release-seats': [1] });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe(COMPENSATION_FAILED_ERROR);
    expect(families.filter((family) => family === 'dev-seat-release-seats')).toHaveLength(MAX_TASK_RUNS);
    // The refund still ran after the seats could not be released.
    expect(families[families.length - 1]).toBe('dev-compensation-cancel-booking');
    expect(published.map((event) => event.detailType)).toEqual(['BookCompensationFailed']);
    expect(published[0]!.detail).toMatchObject({
      failedStep: 'reserve-seats',
      error: 'States.TaskFailed',
      failedCompensations: { reserve_seats: { error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 1 } },
    });
  });

  test('a later compensation failing still names every failed one', async () => {
    const { published } = await execute(flow(), {
      'dev-notification-notify': [1],
      'dev-seat-release-seats': [2],
      'dev-compensation-cancel-booking': ['refused'],
    });
    expect(published[0]!.detailType).toBe('BookCompensationFailed');
    expect(Object.keys(published[0]!.detail.failedCompensations as object).sort()).toEqual(['charge', 'reserve_seats']);
  });
});

describe('the definition', () => {
  const definition = buildFlowStateMachine(flow());
  const states = definition.States as unknown as Record<string, Record<string, unknown>>;

  test('is valid ASL (asl-validator), with and without compensations and outcome events', () => {
    for (const input of [flow(), flow({ failureEvent: undefined, successEvent: undefined }), flow({ steps: [{ name: 'only', run: CHARGE }], timeoutSeconds: 7200 })]) {
      const result = validateAsl(buildFlowStateMachine(input));
      expect(result.errorsText()).toBe('');
      expect(result.isValid).toBe(true);
    }
  });

  test('starts at the first step, and names each run’s states after its step', () => {
    expect(definition.StartAt).toBe(`${stepPrefix('charge')}CountFirstRun`);
    expect(Object.keys(states)).toEqual(expect.arrayContaining([`${stepPrefix('reserve-seats')}RunTask`, `${compensationPrefix('charge')}RunTask`, FLOW_STATE_NAMES.compensated]));
    expect(states[`${stepPrefix('notify')}RunTask`]).toBeDefined();
    expect(states[`${compensationPrefix('notify')}RunTask`]).toBeUndefined();
  });

  test('every RunTask state times out at what the budget leaves each run', () => {
    const runTasks = Object.entries(states).filter(([, state]) => state.Resource === 'arn:aws:states:::ecs:runTask.sync');
    expect(runTasks).toHaveLength(flowEntries(flow().steps));
    for (const [, state] of runTasks) expect(state.TimeoutSeconds).toBe(300);
  });

  test('a flow without any compensation has no compensation states', () => {
    const plain = buildFlowStateMachine(
      flow({
        steps: [
          { name: 'a', run: CHARGE },
          { name: 'b', run: RESERVE },
        ],
        timeoutSeconds: 7200,
      }),
    );
    expect(Object.keys(plain.States)).not.toContain(FLOW_STATE_NAMES.compensated);
    expect(Object.keys(plain.States)).not.toContain(FLOW_STATE_NAMES.publishCompensationFailed);
    expect((plain.States[FLOW_STATE_NAMES.stepFailed('b')] as { Next: string }).Next).toBe(FLOW_STATE_NAMES.publishFailure);
  });
});

describe("the flow's own states, as an operator reads them in the execution's history", () => {
  const states = buildFlowStateMachine(flow()).States as unknown as Record<string, Record<string, unknown>>;

  test('each RunTask says which step it runs, or which step it compensates', () => {
    expect(states[`${stepPrefix('charge')}RunTask`]!.Comment).toBe('Step 1 of 3, charge: runs its task with the event and waits until it stops.');
    expect(states[`${stepPrefix('reserve-seats')}RunTask`]!.Comment).toBe('Step 2 of 3, reserve-seats: runs its task with the event and waits until it stops.');
    expect(states[`${compensationPrefix('reserve-seats')}RunTask`]!.Comment).toBe(
      'Compensates step reserve-seats: runs its compensating task with the event and what failed, and waits until it stops.',
    );
  });

  test('a failed step records what failed and goes to its own compensation, or the nearest before it', () => {
    expect(states[FLOW_STATE_NAMES.stepFailed('reserve-seats')]).toEqual({
      Type: 'Pass',
      Comment: 'Step reserve-seats failed for good: records it, and what its compensations are told, then undoes it and every step before it.',
      Parameters: {
        'id.$': '$.id',
        'source.$': '$.source',
        'detail-type.$': "$['detail-type']",
        'detail.$': '$.detail',
        'taskRuns.$': '$.taskRuns',
        'failure.$': '$.failure',
        flow: { failedStep: 'reserve-seats', failedCompensations: {} },
        flowFailure: { failedStep: 'reserve-seats', 'error.$': '$.failure.error', 'stopCode.$': '$.failure.stopCode', 'exitCode.$': '$.failure.exitCode' },
      },
      Next: 'undo reserve-seats:CountFirstRun',
    });
    expect(states[FLOW_STATE_NAMES.stepFailed('notify')]!.Next).toBe('undo reserve-seats:CountFirstRun');
  });

  test('a failed compensation is recorded under its step (`-` as `_`) and the next compensation runs', () => {
    expect(states[FLOW_STATE_NAMES.compensationFailed('reserve-seats')]).toEqual({
      Type: 'Pass',
      Comment: 'The compensation of reserve-seats failed for good: recorded, and the remaining compensations still run.',
      Parameters: { 'error.$': '$.compensationFailure.error', 'stopCode.$': '$.compensationFailure.stopCode', 'exitCode.$': '$.compensationFailure.exitCode' },
      ResultPath: '$.flow.failedCompensations.reserve_seats',
      Next: 'undo charge:CountFirstRun',
    });
    expect(states[FLOW_STATE_NAMES.compensationFailed('charge')]!.Next).toBe(FLOW_STATE_NAMES.compensated);
  });

  test('after the compensations: did one fail; the outcome events; the two ways to fail, and success', () => {
    expect(states[FLOW_STATE_NAMES.compensated]).toEqual({
      Type: 'Choice',
      Comment: 'Every compensation ran: did one of them fail for good?',
      Choices: [
        {
          Or: [
            { Variable: '$.flow.failedCompensations.charge', IsPresent: true },
            { Variable: '$.flow.failedCompensations.reserve_seats', IsPresent: true },
          ],
          Next: FLOW_STATE_NAMES.publishCompensationFailed,
        },
      ],
      Default: FLOW_STATE_NAMES.publishFailure,
    });
    expect(states[FLOW_STATE_NAMES.publishCompensationFailed]).toMatchObject({
      Comment: 'A compensation failed for good: announced, so that someone (or something) finishes the undo.',
      Next: FLOW_STATE_NAMES.flowCompensationFailed,
    });
    expect(states[FLOW_STATE_NAMES.flowCompensationFailed]).toEqual({
      Type: 'Fail',
      Comment: 'The flow fails with its own error, so the failed-executions alarm fires and the history says the undo is incomplete.',
      Error: 'Flow.CompensationFailed',
      Cause: 'A step failed and at least one compensation failed for good (after its retries and reruns); the compensation-failed event lists them.',
    });
    expect(COMPENSATION_FAILED_ERROR).toBe('Flow.CompensationFailed');
    expect(states[FLOW_STATE_NAMES.publishFailure]).toMatchObject({ Comment: 'Announces that the flow failed and was compensated.', Next: FLOW_STATE_NAMES.failed });
    expect(states[FLOW_STATE_NAMES.failed]).toEqual({
      Type: 'Fail',
      Comment: "A step failed and every compensation succeeded: the execution fails with the step's error.",
      ErrorPath: '$.failure.error',
      Cause: "A step failed for good and was compensated. The failing RunTask in this execution's history has the full cause.",
    });
    expect(states[FLOW_STATE_NAMES.publishSuccess]).toMatchObject({ Comment: 'Announces the success with the original detail.', Next: FLOW_STATE_NAMES.succeeded });
    expect(states[FLOW_STATE_NAMES.succeeded]).toEqual({ Type: 'Succeed' });
  });

  test("the definition's comment only when given", () => {
    expect(buildFlowStateMachine(flow({ comment: 'Books a trip.' })).Comment).toBe('Books a trip.');
    expect(buildFlowStateMachine(flow())).not.toHaveProperty('Comment');
  });

  test('by reference, each run is handed the execution to read the event from, and the flow variables', () => {
    const definition = buildFlowStateMachine(flow({ detailDelivery: 'reference' }));
    const result = validateAsl(definition);
    expect(result.errorsText()).toBe('');
    const runTask = (definition.States as unknown as Record<string, { Parameters: JsonValue }>)[`${compensationPrefix('charge')}RunTask`]!;
    const names = (runTask.Parameters as { Overrides: { ContainerOverrides: { Environment: { Name: string }[] }[] } }).Overrides.ContainerOverrides[0]!.Environment.map((v) => v.Name);
    expect(names).toEqual(expect.arrayContaining([FLOW_ENV.step, FLOW_ENV.role, FLOW_ENV.failure]));
    expect(names).not.toContain(EVENT_ENV.detail);
  });

  test('the largest failure a compensation can be told: the longest step name, error, stop code and exit code', () => {
    expect(WORST_CASE_FLOW_FAILURE).toEqual({
      failedStep: 's'.repeat(FLOW_STEP_NAME_MAX_LENGTH),
      error: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.error],
      stopCode: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.stopCode],
      exitCode: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.exitCode],
    });
    expect(FLOW_STEP_NAME_MAX_LENGTH).toBe(40);
  });
});

describe('the time budget', () => {
  test('counts every step and every compensation', () => {
    expect(flowEntries(flow().steps)).toBe(5);
    expect(flowTimeBudget(10_000, flow().steps).entries).toBe(5);
  });

  test('the minimum timeout leaves exactly the asked time per run, one second less leaves less', () => {
    const steps = flow().steps;
    const minimum = minimumFlowTimeoutSeconds(steps);
    expect(flowTimeBudget(minimum, steps).taskTimeoutSeconds).toBe(MIN_TASK_TIMEOUT_SECONDS);
    expect(flowTimeBudget(minimum - 1, steps).taskTimeoutSeconds).toBeLessThan(MIN_TASK_TIMEOUT_SECONDS);
  });

  test('worked out from the definition: every run of every step and compensation, and the publish, fit the execution', () => {
    const input = flow();
    const definition = buildFlowStateMachine(input);
    type RunTaskJson = { Resource: string; TimeoutSeconds: number; Retry: Parameters<typeof waits>[0][] };
    const states = Object.values(definition.States) as unknown as RunTaskJson[];
    const runTasks = states.filter((state) => state.Resource === 'arn:aws:states:::ecs:runTask.sync');
    function waits(retrier: { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds: number }): number {
      return Array.from({ length: retrier.MaxAttempts }, (_, n) => Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** n, retrier.MaxDelaySeconds)).reduce((a, b) => a + b, 0);
    }
    const perRun = (state: { TimeoutSeconds: number; Retry: Parameters<typeof waits>[0][] }) =>
      state.TimeoutSeconds + state.Retry.reduce((sum, retrier) => sum + waits(retrier) + retrier.MaxAttempts * 5, 0);
    const reruns = 20 + 40;
    const publish = 6 * 10 + (2 + 4 + 8 + 16 + 30);
    const worst = runTasks.reduce((sum, state) => sum + MAX_TASK_RUNS * perRun(state) + reruns + 30, 0) + publish;
    expect(worst).toBeLessThanOrEqual(definition.TimeoutSeconds!);
    expect(definition.TimeoutSeconds! - worst).toBeLessThan(MAX_TASK_RUNS * runTasks.length);
  });
});

describe('bad input', () => {
  test.each([
    [{ steps: [] }, /flow book: steps must hold 1 to 10 steps, got 0/],
    [{ steps: Array.from({ length: MAX_FLOW_STEPS + 1 }, (_, i) => ({ name: `s${i}`, run: CHARGE })) }, /steps must hold 1 to 10 steps, got 11/],
    [
      {
        steps: [
          { name: 'a', run: CHARGE },
          { name: 'a', run: RESERVE },
        ],
      },
      /steps\[1\]\.name "a" is used by two steps/,
    ],
    [{ steps: [{ name: 'Charge', run: CHARGE }] }, /steps\[0\]\.name must be 1 to 40 lower-case/],
    [{ steps: [{ name: 'a'.repeat(41), run: CHARGE }] }, /steps\[0\]\.name must be 1 to 40/],
    [{ steps: [{ name: 'a', run: { ...CHARGE, subnetIds: [] } }] }, /step a: subnetIds must hold 1 to 16 items, got 0/],
    [{ steps: [{ name: 'a', run: CHARGE, compensation: { ...REFUND, containerName: '' } }] }, /step a: compensation containerName must be a non-empty string/],
    [{ timeoutSeconds: 3600 }, /timeoutSeconds 3600 leaves -?\d+ s per run after 5 steps and compensations .* give at least \d+/],
    [{ compensationFailedEvent: { eventBusArn: '', source: 's', detailType: 'd' } }, /compensationFailedEvent\.eventBusArn must be a non-empty string/],
    [{ label: 'dev/booking/rule x', detailDelivery: 'mail' as never }, /state machine dev\/booking\/rule x: detailDelivery must be 'environment' or 'reference', got mail/],
    [{ steps: [{ name: 'charge-', run: CHARGE }] }, /steps\[0\]\.name must be 1 to 40 lower-case letters, digits and single dashes, starting with a letter, got "charge-"/],
    [{ timeoutSeconds: 7200.5 }, /flow book: timeoutSeconds must be an integer from 1 to 31536000, got 7200.5/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be an integer from 1 to 31536000, got 0/],
    [{ timeoutSeconds: MAX_EXECUTION_SECONDS + 1 }, /timeoutSeconds must be an integer from 1 to 31536000, got 31536001/],
    // One second is a whole number in range: refused for its budget, not its form.
    [{ timeoutSeconds: 1 }, /flow book: timeoutSeconds 1 leaves -?\d+ s per run/],
    [{ compensationFailedEvent: undefined as never }, /flow book: compensationFailedEvent is required: a compensation that fails must be announced/],
  ])('%j is refused', (overrides, message) => {
    expect(() => buildFlowStateMachine(flow(overrides as Partial<FlowStateMachineInput>))).toThrow(message);
  });

  test('the limits themselves are taken: 10 steps, a 40-character name, the longest execution, the minimum timeout', () => {
    const ten = Array.from({ length: MAX_FLOW_STEPS }, (_, i) => ({ name: `s${i}`, run: CHARGE }));
    expect(() => buildFlowStateMachine(flow({ steps: ten, timeoutSeconds: minimumFlowTimeoutSeconds(ten.map(() => ({}))) }))).not.toThrow();
    const long = [{ name: 'a'.repeat(FLOW_STEP_NAME_MAX_LENGTH), run: CHARGE }];
    expect(() => buildFlowStateMachine(flow({ steps: long, timeoutSeconds: 7200 }))).not.toThrow();
    expect(buildFlowStateMachine(flow({ timeoutSeconds: MAX_EXECUTION_SECONDS })).TimeoutSeconds).toBe(MAX_EXECUTION_SECONDS);
    const minimum = minimumFlowTimeoutSeconds(flow().steps);
    expect(buildFlowStateMachine(flow({ timeoutSeconds: minimum })).TimeoutSeconds).toBe(minimum);
    expect(() => buildFlowStateMachine(flow({ timeoutSeconds: minimum - 1 }))).toThrow(`timeoutSeconds ${minimum - 1} leaves ${MIN_TASK_TIMEOUT_SECONDS - 1} s per run`);
  });
});
