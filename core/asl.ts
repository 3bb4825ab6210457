/**
 * The Amazon States Language of a rule's state machine, built as a plain object from plain strings.
 *
 * Pure and cdktf-free: every ARN, subnet and security group arrives as a string that may be a
 * literal (an existing base) or a cdktf token / Terraform interpolation (`${...}`, a cross-stack
 * output). Values are copied into the definition untouched and never parsed, so the stack can
 * `JSON.stringify` the result and a reviewer reads the same JSON in the synthesized output.
 *
 * Shape (see docs/state-machines.md):
 *
 *   RunTask ──(ok)──> [PublishSuccessEvent] ──> Succeeded
 *      │
 *      └─(Catch States.ALL, only with a failure event)──> DescribeFailure ──> PublishFailureEvent ──> Failed
 *
 * The execution input is the EventBridge event (`id`, `source`, `detail-type`, `detail`, ...).
 */
import {
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  MAX_CAPACITY_PROVIDERS,
  MAX_EXECUTION_SECONDS,
  MAX_SECURITY_GROUPS,
  MAX_SUBNETS,
} from './aws-limits';
import { type DetailDelivery, EVENT_ENV } from './container-contract';

/** Optimized ECS integration, "run a job" pattern: waits until the task stops. */
export const RUN_TASK_RESOURCE = 'arn:aws:states:::ecs:runTask.sync';
/** Optimized EventBridge integration (fails with `EventBridge.FailedEntry` on a failed entry). */
export const PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';

/** State names, for tests, the local runner and log queries. */
export const STATE_NAMES = {
  runTask: 'RunTask',
  publishSuccess: 'PublishSuccessEvent',
  succeeded: 'Succeeded',
  describeFailure: 'DescribeFailure',
  publishFailure: 'PublishFailureEvent',
  failed: 'Failed',
} as const;

/** Where the Catch puts the caught `{ Error, Cause }` and where the Pass state puts `{ error, cause }`. */
export const CAUGHT_PATH = '$.caught';
export const FAILURE_PATH = '$.failure';

/**
 * Seconds the execution keeps after the task's own timeout, so a task that times out is still
 * caught and its failure event published before the execution-level timeout (which no Catch sees).
 */
export const FAILURE_PATH_RESERVE_SECONDS = 60;

/**
 * Retry policy of the RunTask state. Both retried errors mean that no task was started, so a
 * retry cannot run the use case twice (and tasks are idempotent by `eventId` anyway):
 * - `ECS.AmazonECSException`: the ECS API refused the call; throttling ("Rate exceeded ...
 *   ThrottlingException") and server errors arrive under this one name, the ECS error code only in
 *   the Cause. Short backoff.
 * - `AmazonECS.Unknown`: RunTask answered with a non-empty `failures` list (for example
 *   "Capacity is unavailable at this time", `RESOURCE:*`); with `.sync` Step Functions fails the
 *   state with this name. Capacity comes back in minutes, so a longer backoff.
 * Not retried: `States.TaskFailed` (the container ran and stopped with a non-zero exit code, or
 * could not start): the use case may have had side effects, and a business failure does not go
 * away by repetition; it becomes the failure event. `States.Timeout`: the task already had its time.
 */
export const RUN_TASK_RETRY: readonly Retrier[] = [
  {
    ErrorEquals: ['ECS.AmazonECSException'],
    IntervalSeconds: 5,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
  {
    ErrorEquals: ['AmazonECS.Unknown'],
    IntervalSeconds: 30,
    MaxAttempts: 4,
    BackoffRate: 2,
    MaxDelaySeconds: 300,
    JitterStrategy: 'FULL',
  },
];

/**
 * Retry policy of the PutEvents states: every task error (`States.TaskFailed` matches all but
 * `States.Timeout`), since publishing has no side effect besides the event itself and a lost
 * failure event means the compensation never runs. `EventBridge.FailedEntry` (a throttled or
 * rejected entry) is among them.
 */
export const PUT_EVENTS_RETRY: readonly Retrier[] = [
  {
    ErrorEquals: ['States.TaskFailed'],
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

export interface PublishedEvent {
  /** ARN of the bus the event goes to. */
  readonly eventBusArn: string;
  readonly source: string;
  readonly detailType: string;
}

export type CapacitySpec =
  | { readonly launchType: 'FARGATE' }
  | { readonly strategy: readonly { readonly capacityProvider: string; readonly weight: number; readonly base?: number }[] };

export interface RunTaskStateMachineInput {
  readonly clusterArn: string;
  /** The family (RunTask takes its latest ACTIVE revision) or a pinned `family:revision`/ARN. */
  readonly taskDefinition: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly containerName: string;
  /** Replaces the container's command; an empty list keeps the task definition's command. */
  readonly command: readonly string[];
  readonly capacity: CapacitySpec;
  readonly detailDelivery: DetailDelivery;
  /** `TimeoutSeconds` of the whole execution. */
  readonly timeoutSeconds: number;
  /** `TimeoutSeconds` of the RunTask state; default `timeoutSeconds - FAILURE_PATH_RESERVE_SECONDS`. */
  readonly taskTimeoutSeconds?: number;
  readonly comment?: string;
  /** Published (through a Catch) when the task fails for good; absent: the execution just fails. */
  readonly failureEvent?: PublishedEvent;
  /** Published after the task succeeded. */
  readonly successEvent?: PublishedEvent;
  /** Names the state machine in error messages, for example `dev/booking/rule booking-created`. */
  readonly label?: string;
}

// Minimal ASL types: only what these definitions use (no dependency on a dev-only package).
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath?: string | null;
  readonly Next: string;
}

interface Transition {
  readonly Next?: string;
  readonly End?: true;
}

export interface TaskState extends Transition {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters?: { [key: string]: JsonValue };
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends Transition {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters?: { [key: string]: JsonValue };
  readonly ResultPath?: string | null;
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

export type State = TaskState | PassState | SucceedState | FailState;

export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: { readonly [name: string]: State };
}

/** The RunTask state's environment: exactly the variables of `EVENT_ENV`, in its order. */
export function containerEnvironment(delivery: DetailDelivery): { [key: string]: JsonValue }[] {
  const environment: { [key: string]: JsonValue }[] = [];
  if (delivery === 'environment') {
    // Compact JSON of the detail; ECS escapes its quotes again when it serialises the overrides.
    environment.push({ Name: EVENT_ENV.detail, 'Value.$': 'States.JsonToString($.detail)' });
  }
  environment.push(
    { Name: EVENT_ENV.id, 'Value.$': '$.id' },
    { Name: EVENT_ENV.source, 'Value.$': '$.source' },
    // `detail-type` holds a dash: dot notation would read it as a subtraction.
    { Name: EVENT_ENV.detailType, 'Value.$': "$['detail-type']" },
    { Name: EVENT_ENV.executionArn, 'Value.$': '$$.Execution.Id' },
    { Name: EVENT_ENV.delivery, Value: delivery },
  );
  return environment;
}

function capacityParameters(capacity: CapacitySpec): { [key: string]: JsonValue } {
  if ('launchType' in capacity) return { LaunchType: capacity.launchType };
  return {
    CapacityProviderStrategy: capacity.strategy.map((item) => ({
      CapacityProvider: item.capacityProvider,
      Weight: item.weight,
      ...(item.base === undefined ? {} : { Base: item.base }),
    })),
  };
}

function putEventsState(event: PublishedEvent, detailExpression: string, next: string, comment: string): TaskState {
  return {
    Type: 'Task',
    Comment: comment,
    Resource: PUT_EVENTS_RESOURCE,
    Parameters: {
      Entries: [
        {
          EventBusName: event.eventBusArn,
          Source: event.source,
          DetailType: event.detailType,
          'Detail.$': detailExpression,
        },
      ],
    },
    // Keep the state's input (the original event, plus the failure) for the next state.
    ResultPath: null,
    Retry: PUT_EVENTS_RETRY,
    Next: next,
  };
}

/** Builds the definition; throws a clear error (naming `label` and the field) on bad input. */
export function buildRunTaskStateMachine(input: RunTaskStateMachineInput): StateMachineDefinition {
  validateInput(input);
  const taskTimeoutSeconds = input.taskTimeoutSeconds ?? input.timeoutSeconds - FAILURE_PATH_RESERVE_SECONDS;
  const afterTask = input.successEvent ? STATE_NAMES.publishSuccess : STATE_NAMES.succeeded;

  const containerOverride: { [key: string]: JsonValue } = { Name: input.containerName };
  if (input.command.length > 0) containerOverride.Command = [...input.command];
  containerOverride.Environment = containerEnvironment(input.detailDelivery);

  const runTask: TaskState = {
    Type: 'Task',
    Comment: 'Runs the target task with the event and waits until it stops.',
    Resource: RUN_TASK_RESOURCE,
    Parameters: {
      Cluster: input.clusterArn,
      TaskDefinition: input.taskDefinition,
      ...capacityParameters(input.capacity),
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [...input.subnetIds],
          SecurityGroups: [...input.securityGroupIds],
          AssignPublicIp: 'DISABLED',
        },
      },
      // The task carries the task definition's tags (service, environment) for cost and search.
      PropagateTags: 'TASK_DEFINITION',
      EnableExecuteCommand: false,
      Overrides: { ContainerOverrides: [containerOverride] },
    },
    // The .sync result is the whole task description; keeping the event instead keeps the payload
    // small and lets the success event reuse `$.detail`.
    ResultPath: null,
    TimeoutSeconds: taskTimeoutSeconds,
    Retry: RUN_TASK_RETRY,
    ...(input.failureEvent
      ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: CAUGHT_PATH, Next: STATE_NAMES.describeFailure }] }
      : {}),
    Next: afterTask,
  };

  const states: { [name: string]: State } = { [STATE_NAMES.runTask]: runTask };
  if (input.successEvent) {
    states[STATE_NAMES.publishSuccess] = putEventsState(
      input.successEvent,
      '$.detail',
      STATE_NAMES.succeeded,
      'Announces the success with the original detail.',
    );
  }
  states[STATE_NAMES.succeeded] = { Type: 'Succeed' };
  if (input.failureEvent) {
    states[STATE_NAMES.describeFailure] = {
      Type: 'Pass',
      Comment: 'Shapes the caught { Error, Cause } into the failure fields of the event detail.',
      Parameters: { 'error.$': `${CAUGHT_PATH}.Error`, 'cause.$': `${CAUGHT_PATH}.Cause` },
      ResultPath: FAILURE_PATH,
      Next: STATE_NAMES.publishFailure,
    };
    states[STATE_NAMES.publishFailure] = putEventsState(
      input.failureEvent,
      // Shallow merge: the original detail's fields, plus `error` and `cause` (which win).
      `States.JsonMerge($.detail, ${FAILURE_PATH}, false)`,
      STATE_NAMES.failed,
      'Publishes the failure event, so compensation is just another rule.',
    );
    states[STATE_NAMES.failed] = {
      Type: 'Fail',
      Comment: 'The execution still fails, with the task error, so failed-execution alarms fire.',
      ErrorPath: `${FAILURE_PATH}.error`,
      CausePath: `${FAILURE_PATH}.cause`,
    };
  }

  return {
    ...(input.comment === undefined ? {} : { Comment: input.comment }),
    StartAt: STATE_NAMES.runTask,
    TimeoutSeconds: input.timeoutSeconds,
    States: states,
  };
}

function validateInput(input: RunTaskStateMachineInput): void {
  const where = input.label ? `state machine ${input.label}` : 'state machine';
  const fail = (field: string, problem: string): never => {
    throw new Error(`${where}: ${field} ${problem}`);
  };
  const requireString = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string');
  };
  const requireStrings = (field: string, values: readonly unknown[], min: number, max: number): void => {
    if (values.length < min || values.length > max) fail(field, `must hold ${min} to ${max} items, got ${values.length}`);
    values.forEach((value, index) => requireString(`${field}[${index}]`, value));
  };
  const requireInteger = (field: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer from ${min} to ${max}, got ${value}`);
  };

  requireString('clusterArn', input.clusterArn);
  requireString('taskDefinition', input.taskDefinition);
  requireString('containerName', input.containerName);
  // ECS limits: awsvpc takes up to 16 subnets and 5 security groups.
  requireStrings('subnetIds', input.subnetIds, 1, MAX_SUBNETS);
  requireStrings('securityGroupIds', input.securityGroupIds, 1, MAX_SECURITY_GROUPS);
  input.command.forEach((part, index) => {
    if (typeof part !== 'string') fail(`command[${index}]`, 'must be a string');
  });
  if (input.detailDelivery !== 'environment' && input.detailDelivery !== 'reference') {
    fail('detailDelivery', `must be 'environment' or 'reference', got ${String(input.detailDelivery)}`);
  }

  if ('launchType' in input.capacity) {
    if (input.capacity.launchType !== 'FARGATE') fail('capacity.launchType', `must be FARGATE, got ${String(input.capacity.launchType)}`);
  } else {
    const strategy = input.capacity.strategy;
    // ECS rules: up to 20 providers, weight 0-1000 with at least one above 0, base 0-100000 on one provider at most.
    if (strategy.length < 1 || strategy.length > MAX_CAPACITY_PROVIDERS) {
      fail('capacity.strategy', `must hold 1 to ${MAX_CAPACITY_PROVIDERS} providers, got ${strategy.length}`);
    }
    strategy.forEach((item, index) => {
      requireString(`capacity.strategy[${index}].capacityProvider`, item.capacityProvider);
      requireInteger(`capacity.strategy[${index}].weight`, item.weight, CAPACITY_WEIGHT_RANGE.min, CAPACITY_WEIGHT_RANGE.max);
      if (item.base !== undefined) requireInteger(`capacity.strategy[${index}].base`, item.base, CAPACITY_BASE_RANGE.min, CAPACITY_BASE_RANGE.max);
    });
    if (!strategy.some((item) => item.weight > 0)) fail('capacity.strategy', 'needs a provider with a weight above 0');
    if (strategy.filter((item) => (item.base ?? 0) > 0).length > 1) fail('capacity.strategy', 'may give a base to one provider only');
  }

  requireInteger('timeoutSeconds', input.timeoutSeconds, 1, MAX_EXECUTION_SECONDS);
  if (input.taskTimeoutSeconds === undefined) {
    if (input.timeoutSeconds <= FAILURE_PATH_RESERVE_SECONDS) {
      fail(
        'timeoutSeconds',
        `must exceed ${FAILURE_PATH_RESERVE_SECONDS} (the reserve for the failure path) unless taskTimeoutSeconds is given, got ${input.timeoutSeconds}`,
      );
    }
  } else {
    requireInteger('taskTimeoutSeconds', input.taskTimeoutSeconds, 1, input.timeoutSeconds - 1);
  }

  for (const [field, event] of [
    ['failureEvent', input.failureEvent],
    ['successEvent', input.successEvent],
  ] as const) {
    if (event === undefined) continue;
    requireString(`${field}.eventBusArn`, event.eventBusArn);
    requireString(`${field}.source`, event.source);
    requireString(`${field}.detailType`, event.detailType);
  }
}
