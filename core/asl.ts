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
 *   CountFirstRun ─> RunTask ──(ok)──> [PublishSuccessEvent] ──> Succeeded
 *                      │  ▲
 *                      │  └── WaitBeforeRerun <── CountRerun <──(never started, Spot, throttled; runs left)──┐
 *                      └─(Catch States.ALL)─> ClassifyFailure ─> [ReadStoppedTask ─> CheckExitCode ─>       │
 *                                               Describe(Exited|Stopped)Task ─> DecideRerun] ────────────────┘
 *                                               | DescribeFailure ─> [PublishFailureEvent] ─> Failed
 *                          DecideRerun ──(exit code ALREADY_HANDLED_EXIT_CODE: a duplicate delivery)──> AlreadyHandled
 *
 * The execution input is the EventBridge event (`id`, `source`, `detail-type`, `detail`, ...).
 */
import {
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  ECS_STOPPED_REASON_MAX_BYTES,
  MAX_CAPACITY_PROVIDERS,
  MAX_EXECUTION_SECONDS,
  MAX_SECURITY_GROUPS,
  MAX_SUBNETS,
  STATES_ERROR_MAX_LENGTH,
} from './aws-limits';
import { ALREADY_HANDLED_EXIT_CODE, type DetailDelivery, EVENT_ENV } from './container-contract';
import { isFargateCapacityProvider, isPlacementEmpty, type Placement, placementParameters, placementProblems } from './placement';

/** Optimized ECS integration, "run a job" pattern: waits until the task stops. */
export const RUN_TASK_RESOURCE = 'arn:aws:states:::ecs:runTask.sync';
/** Optimized EventBridge integration (fails with `EventBridge.FailedEntry` on a failed entry). */
export const PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';

/** State names, for tests, the local runner and log queries. */
export const STATE_NAMES = {
  countFirstRun: 'CountFirstRun',
  runTask: 'RunTask',
  publishSuccess: 'PublishSuccessEvent',
  succeeded: 'Succeeded',
  classifyFailure: 'ClassifyFailure',
  readStoppedTask: 'ReadStoppedTask',
  fillStopDefaults: 'FillStopDefaults',
  checkExitCode: 'CheckExitCode',
  describeExitedTask: 'DescribeExitedTask',
  describeStoppedTask: 'DescribeStoppedTask',
  decideRerun: 'DecideRerun',
  describeFailure: 'DescribeFailure',
  countRerun: 'CountRerun',
  waitBeforeRerun: 'WaitBeforeRerun',
  publishFailure: 'PublishFailureEvent',
  failed: 'Failed',
  alreadyHandled: 'AlreadyHandled',
} as const;

/** Where the Catch puts the caught `{ Error, Cause }`; dropped once the failure is shaped. */
export const CAUGHT_PATH = '$.caught';
/** The parsed task description of a `States.TaskFailed` (defaults merged in); dropped with `$.caught`. */
export const STOPPED_TASK_PATH = '$.stoppedTask';
/** The shaped failure: the fields merged into the failure event's detail (FAILURE_FIELDS). */
export const FAILURE_PATH = '$.failure';
/** `{ count, waitSeconds }`: runs of the task so far, and the next pause before running it again. */
export const TASK_RUNS_PATH = '$.taskRuns';

/**
 * The fields a failure event adds to the original detail. Small and bounded on purpose: the raw
 * Cause of a `States.TaskFailed` is the whole task description, which echoes the container
 * overrides (the detail again, escaped); forwarded, it made the compensation's own RunTask overrides
 * exceed ECS's 8192 characters, so the booking was never cancelled.
 */
export const FAILURE_FIELDS = {
  /** The Step Functions error name (`States.TaskFailed`, `ECS.ServerException`, `States.Timeout`, ...). */
  error: 'error',
  /** `id` of the event whose task failed: the idempotency key the task used. */
  failedEventId: 'failedEventId',
  /** Task failures only: ECS `StopCode` (`EssentialContainerExited`, `TaskFailedToStart`, ...), or "" if absent. */
  stopCode: 'stopCode',
  /** Task failures only: ECS `StoppedReason`, or "" if absent. */
  stoppedReason: 'stoppedReason',
  /** Task failures only: the container's exit code, or null when it never ran. */
  exitCode: 'exitCode',
} as const;

/**
 * The largest failure fields a failure event can carry, for budgeting every hop the event makes.
 * - error: Step Functions error names are at most 256 characters (the API's limit on `error`).
 * - failedEventId: EventBridge event ids are UUIDs (36 characters).
 * - stopCode: the longest TaskStopCode value, `ServiceSchedulerInitiated`.
 * - stoppedReason: the ECS agent trims task stop reasons to 1024 bytes (amazon-ecs-agent,
 *   ecs-agent/api/ecs/client: ecsMaxTaskReasonLength = 1024); the worst bytes for our budgets are
 *   control characters, which JSON escapes to six characters and the overrides to seven.
 * - exitCode: a 32-bit integer.
 */
export const WORST_CASE_FAILURE_FIELDS: { readonly [field: string]: string | number } = {
  [FAILURE_FIELDS.error]: 'E'.repeat(STATES_ERROR_MAX_LENGTH),
  [FAILURE_FIELDS.failedEventId]: '00000000-0000-0000-0000-000000000000',
  [FAILURE_FIELDS.stopCode]: 'ServiceSchedulerInitiated',
  [FAILURE_FIELDS.stoppedReason]: '\u0001'.repeat(ECS_STOPPED_REASON_MAX_BYTES),
  [FAILURE_FIELDS.exitCode]: -2_147_483_648,
};

/**
 * How many times one execution may start the task: the first run, plus reruns when ECS never
 * started it, took it back (Spot) or throttled RunTask's own lookups, and, for a rule whose task
 * is idempotent, when it exited non-zero.
 */
export const MAX_TASK_RUNS = 3;
/** The first rerun waits twice this, each further one twice as long again (`States.MathAdd(x, x)`). */
export const RERUN_BASE_WAIT_SECONDS = 10;

/**
 * ECS stop codes after which the task is run again: it never started (image pull, ENI provisioning;
 * no side effect happened), or AWS took the capacity back (Fargate Spot, or a termination notice for
 * task retirement) while it ran. Tasks are idempotent on `eventId` (EventBridge delivers at least
 * once), so a rerun of an interrupted task is safe. A container that ran and exited non-zero
 * (`EssentialContainerExited`) is rerun only when the rule says its task is idempotent.
 */
export const RERUN_STOP_CODES: readonly string[] = ['TaskFailedToStart', 'SpotInterruption', 'TerminationNotice'];

/**
 * Causes of `ECS.InvalidParameterException` that are throttling, not a bad request: RunTask looks
 * up the security groups and subnets in EC2, and a throttled lookup comes back as "Error retrieving
 * security group information for [sg-…]: Request limit exceeded. (ErrorCode: RequestLimitExceeded)"
 * (dask/dask-cloudprovider#56; cdklabs/construct-hub#415 retries it for this reason). Every other
 * InvalidParameterException (overrides over 8192 characters, "TaskDefinition is inactive", a bad
 * subnet) fails the same way every time and is not retried.
 */
export const THROTTLED_INVALID_PARAMETER_CAUSES: readonly string[] = ['*Request limit exceeded*', '*RequestLimitExceeded*', '*Rate exceeded*'];

/**
 * Retry policy of the RunTask state: errors after which no task was started, so a retry cannot run
 * the use case twice (and tasks are idempotent by `eventId` anyway):
 * - `ECS.ServerException`: RunTask's HTTP 500 ("Service: AmazonECS; Status Code: 500"), seen in real
 *   execution histories (wellcomecollection/catalogue-pipeline#3554). `ECS.AmazonECSException`:
 *   what throttling ("Rate exceeded … ThrottlingException") arrives as. Short backoff.
 * - `AmazonECS.Unknown`: with `.sync`, a non-empty `failures` list in RunTask's HTTP 200 answer
 *   (Step Functions "Run Amazon ECS or Fargate tasks": "the task is failed with an
 *   AmazonECS.Unknown error"), typically "Capacity is unavailable at this time". Longer backoff.
 * `ECS.InvalidParameterException` is not retried here (Retry matches names, not causes); the
 * throttled ones are run again after the Catch (THROTTLED_INVALID_PARAMETER_CAUSES).
 */
export const RUN_TASK_RETRY: readonly Retrier[] = [
  {
    ErrorEquals: ['ECS.ServerException', 'ECS.AmazonECSException'],
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

/** Each PutEvents attempt may take this long; without it a Task state waits up to a year. */
export const PUT_EVENTS_TIMEOUT_SECONDS = 10;

/**
 * Retry policy of the PutEvents states: every task error (`States.TaskFailed` matches all but
 * `States.Timeout`), and a timed-out attempt, since publishing has no side effect besides the
 * event itself (consumers are idempotent) and a lost failure event means compensation never runs.
 * `EventBridge.FailedEntry` (a throttled or rejected entry) is among them.
 */
export const PUT_EVENTS_RETRY: readonly Retrier[] = [
  {
    ErrorEquals: ['States.TaskFailed', 'States.Timeout'],
    IntervalSeconds: 2,
    MaxAttempts: 5,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

/** Time a failing API call (RunTask refused, PutEvents answered) may take before its error arrives. */
export const API_ATTEMPT_ALLOWANCE_SECONDS = 5;
/** Pass, Choice and Wait bookkeeping of one execution, and Step Functions' own latency. */
export const STATE_TRANSITIONS_ALLOWANCE_SECONDS = 30;
/** Below this a Fargate task cannot even be provisioned and pull its image: a config is refused. */
export const MIN_TASK_TIMEOUT_SECONDS = 60;

/**
 * The longest a retrier can make a state wait in all, with `FULL` jitter at its worst (the whole
 * computed interval): interval × rate^n for each retry, each capped at MaxDelaySeconds. Defaults as
 * the States Language sets them (interval 1 s, 3 attempts, rate 2).
 */
export function retrierWorstCaseWaitSeconds(retrier: Retrier): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let retry = 0; retry < (retrier.MaxAttempts ?? 3); retry++) total += Math.min(interval * rate ** retry, cap);
  return total;
}

/** Retries a list of retriers allows in all (each retrier counts its own). */
const retryCount = (retriers: readonly Retrier[]): number => retriers.reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0);

/** Where an execution's time goes in the worst case; `taskTimeoutSeconds` is what is left per run. */
export interface ExecutionTimeBudget {
  readonly executionTimeoutSeconds: number;
  /** RunTask's TimeoutSeconds: applies to each attempt of each run. */
  readonly taskTimeoutSeconds: number;
  readonly runs: number;
  /** RunTask states entered one after another on the longest path: 1 for a rule; a flow's steps and compensations. */
  readonly entries: number;
  /** Per run: the waits of every RunTask retrier plus an allowance for each refused attempt. */
  readonly retrySecondsPerRun: number;
  /** Waits between runs, of every entry. */
  readonly rerunWaitSeconds: number;
  /** The publish of the outcome (failure or success event): every attempt timing out, every wait. */
  readonly publishSeconds: number;
  readonly allowanceSeconds: number;
}

/**
 * The RunTask timeout an execution timeout leaves. A Task state's TimeoutSeconds applies to each
 * attempt and retry waits come on top, and the execution's own timeout cannot be caught (no
 * failure event, the booking stays pending; Step Functions "Handling errors": catchers do not apply
 * to top-level execution failures). So the execution must hold, at worst, every run of the task
 * with all its retries, the waits between runs, and the publish of the outcome with all its
 * retries: T = (E − publish − reruns' waits − allowance) / runs − retries per run. Retriers are
 * assumed to start over each time RunTask is entered again (as aws-local-stepfunctions does; the
 * States Language does not say), which is the worst case. `taskTimeoutSeconds` is an integer; a
 * result below MIN_TASK_TIMEOUT_SECONDS means the configuration leaves nothing (see
 * `minimumExecutionTimeoutSeconds`).
 *
 * A flow (core/asl-flow.ts) enters several RunTask states one after another: on its longest path,
 * every step and every compensation (`entries`), each with its own runs, retries and waits and a
 * bookkeeping allowance; the outcome is published once. The same T then holds for every one of them.
 */
export function executionTimeBudget(executionTimeoutSeconds: number, runs: number = MAX_TASK_RUNS, entries = 1): ExecutionTimeBudget {
  const retrySecondsPerRun = RUN_TASK_RETRY.reduce((sum, retrier) => sum + retrierWorstCaseWaitSeconds(retrier), 0) + retryCount(RUN_TASK_RETRY) * API_ATTEMPT_ALLOWANCE_SECONDS;
  let rerunWaitSeconds = 0;
  for (let rerun = 1; rerun < runs; rerun++) rerunWaitSeconds += RERUN_BASE_WAIT_SECONDS * 2 ** rerun;
  rerunWaitSeconds *= entries;
  const publishAttempts = 1 + retryCount(PUT_EVENTS_RETRY);
  const publishSeconds = publishAttempts * PUT_EVENTS_TIMEOUT_SECONDS + PUT_EVENTS_RETRY.reduce((sum, retrier) => sum + retrierWorstCaseWaitSeconds(retrier), 0);
  const allowanceSeconds = STATE_TRANSITIONS_ALLOWANCE_SECONDS * entries;
  const perRun = (executionTimeoutSeconds - publishSeconds - rerunWaitSeconds - allowanceSeconds) / (runs * entries);
  return {
    executionTimeoutSeconds,
    taskTimeoutSeconds: Math.floor(perRun - retrySecondsPerRun),
    runs,
    entries,
    retrySecondsPerRun,
    rerunWaitSeconds,
    publishSeconds,
    allowanceSeconds,
  };
}

/**
 * The shortest execution timeout that leaves `taskTimeoutSeconds` (default MIN_TASK_TIMEOUT_SECONDS)
 * for each run of each of `entries` RunTask states.
 */
export function minimumExecutionTimeoutSeconds(runs: number = MAX_TASK_RUNS, entries = 1, taskTimeoutSeconds = MIN_TASK_TIMEOUT_SECONDS): number {
  const overhead = executionTimeBudget(0, runs, entries);
  // T = (E − fixed) / (runs · entries) − retries  ⇔  E = (T + retries) · runs · entries + fixed
  return (taskTimeoutSeconds + overhead.retrySecondsPerRun) * runs * entries + overhead.publishSeconds + overhead.rerunWaitSeconds + overhead.allowanceSeconds;
}

export interface PublishedEvent {
  /** ARN of the bus the event goes to. */
  readonly eventBusArn: string;
  readonly source: string;
  readonly detailType: string;
}

export type CapacitySpec = { readonly launchType: 'FARGATE' } | { readonly strategy: readonly { readonly capacityProvider: string; readonly weight: number; readonly base?: number }[] };

/** Where one RunTask runs and with what: everything but the event and the timeout. */
export interface RunTaskTarget {
  readonly clusterArn: string;
  /** The family (RunTask takes its latest ACTIVE revision) or a pinned `family:revision`/ARN. */
  readonly taskDefinition: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly containerName: string;
  /** Replaces the container's command; an empty list keeps the task definition's command. */
  readonly command: readonly string[];
  readonly capacity: CapacitySpec;
  /** Task placement on EC2 capacity (core/placement.ts); refused with Fargate capacity. */
  readonly placement?: Placement;
}

export interface RunTaskStateMachineInput extends RunTaskTarget {
  readonly detailDelivery: DetailDelivery;
  /**
   * `TimeoutSeconds` of the whole execution; RunTask's own timeout is derived from it
   * (`executionTimeBudget`), so that a failure is always caught and announced before it.
   */
  readonly timeoutSeconds: number;
  /** The task may run again after it ran and exited non-zero (`options.idempotent`). Default false. */
  readonly idempotent?: boolean;
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
  readonly ResultSelector?: { [key: string]: JsonValue };
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends Transition {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters?: { [key: string]: JsonValue };
  readonly Result?: JsonValue;
  readonly ResultPath?: string | null;
}

/** A Choice rule: a comparison on `Variable`, or `And`/`Or`/`Not` of rules; `Next` only at the top. */
export interface ChoiceRule {
  readonly Variable?: string;
  readonly StringEquals?: string;
  readonly StringMatches?: string;
  readonly NumericLessThan?: number;
  readonly NumericEquals?: number;
  readonly IsPresent?: boolean;
  readonly IsNumeric?: boolean;
  readonly BooleanEquals?: boolean;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  readonly Next?: string;
}

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export interface WaitState extends Transition {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly Seconds?: number;
  readonly SecondsPath?: string;
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

export type State = TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState;

export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: { readonly [name: string]: State };
}

/** A container environment variable of the RunTask override: a literal `Value` or a path `Value.$`. */
export type ContainerVariable = { readonly Name: string; readonly Value: string } | { readonly Name: string; readonly 'Value.$': string };

/** The RunTask state's environment: exactly the variables of `EVENT_ENV`, in its order (a flow's after them). */
export function containerEnvironment(delivery: DetailDelivery, more: readonly ContainerVariable[] = []): { [key: string]: JsonValue }[] {
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
    ...more.map((variable) => ({ ...variable })),
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

/** A PutEvents state publishing one entry; `Detail.$` is `detailExpression`. Exported for the announcer. */
export function putEventsState(event: PublishedEvent | PublishedEventPaths, detailExpression: string, next: string | undefined, comment: string): TaskState {
  const entry: { [key: string]: JsonValue } =
    'eventBusArnPath' in event
      ? { 'EventBusName.$': event.eventBusArnPath, 'Source.$': event.sourcePath, 'DetailType.$': event.detailTypePath }
      : { EventBusName: event.eventBusArn, Source: event.source, DetailType: event.detailType };
  entry['Detail.$'] = detailExpression;
  return {
    Type: 'Task',
    Comment: comment,
    Resource: PUT_EVENTS_RESOURCE,
    Parameters: { Entries: [entry] },
    // Keep the state's input (the original event, plus the failure) for the next state.
    ResultPath: null,
    TimeoutSeconds: PUT_EVENTS_TIMEOUT_SECONDS,
    Retry: PUT_EVENTS_RETRY,
    ...(next === undefined ? { End: true as const } : { Next: next }),
  };
}

/** A PutEvents entry whose bus, source and detail-type are read from the state (the announcer's). */
export interface PublishedEventPaths {
  readonly eventBusArnPath: string;
  readonly sourcePath: string;
  readonly detailTypePath: string;
}

/**
 * What a rebuilt state keeps of the event: what RunTask reads (`id`, `source`, `detail-type`,
 * `detail`), the run count, and `keep` (a flow's bookkeeping). Rebuilding drops `$.caught` and the
 * parsed task description, so a rerun, the failure event and the execution's output never carry
 * the raw Cause.
 */
function keptEvent(taskRuns: string | { [key: string]: JsonValue }, keep: readonly string[] = []): { [key: string]: JsonValue } {
  return {
    'id.$': '$.id',
    'source.$': '$.source',
    'detail-type.$': "$['detail-type']",
    'detail.$': '$.detail',
    ...(typeof taskRuns === 'string' ? { 'taskRuns.$': taskRuns } : { taskRuns }),
    ...Object.fromEntries(keep.map((field) => [`${field}.$`, `$.${field}`])),
  };
}

/** The names of one run's states: STATE_NAMES, each behind `prefix` (`undo charge:RunTask` in a flow). */
export type RunStateNames = { readonly [K in keyof typeof STATE_NAMES]: string };
export const prefixedStateNames = (prefix: string): RunStateNames =>
  Object.fromEntries(Object.entries(STATE_NAMES).map(([key, name]) => [key, `${prefix}${name}`])) as unknown as RunStateNames;

/** How one run of a task (RunTask with its retries, classification and reruns) fits into a definition. */
export interface RunFragment {
  readonly names: RunStateNames;
  /** Where RunTask goes when the task succeeded. */
  readonly onSuccess: string;
  /** Where a failure goes once it is shaped and no rerun is left. */
  readonly onFailure: string;
  /** Where the run goes when its task exited with ALREADY_HANDLED_EXIT_CODE: another execution handles the event. */
  readonly onAlreadyHandled: string;
  /** The top-level field the shaped failure is written to (`failure`: FAILURE_PATH). */
  readonly failureField: string;
  /** Top-level fields a rebuilt state keeps besides the event and the run count. */
  readonly keep: readonly string[];
  /** DescribeFailure writes an empty stop code and reason and a null exit code too, so every failure has every field. */
  readonly uniformFailure: boolean;
  /** Rerun after the container ran and exited non-zero. */
  readonly idempotent: boolean;
  /** RunTask's TimeoutSeconds (per attempt). */
  readonly taskTimeoutSeconds: number;
  /** The container override's environment. */
  readonly environment: { [key: string]: JsonValue }[];
  readonly runTaskComment: string;
}

/** The first two states of a run: counting it, and RunTask itself (success goes to `onSuccess`). */
export function runTaskStates(target: RunTaskTarget, fragment: RunFragment): { [name: string]: State } {
  const { names } = fragment;
  const containerOverride: { [key: string]: JsonValue } = { Name: target.containerName };
  if (target.command.length > 0) containerOverride.Command = [...target.command];
  containerOverride.Environment = fragment.environment;
  return {
    [names.countFirstRun]: {
      Type: 'Pass',
      Comment: 'Counts the runs of the task: reruns are bounded by MAX_TASK_RUNS.',
      Result: { count: 1, waitSeconds: RERUN_BASE_WAIT_SECONDS },
      ResultPath: TASK_RUNS_PATH,
      Next: names.runTask,
    },
    [names.runTask]: {
      Type: 'Task',
      Comment: fragment.runTaskComment,
      Resource: RUN_TASK_RESOURCE,
      Parameters: {
        Cluster: target.clusterArn,
        TaskDefinition: target.taskDefinition,
        ...capacityParameters(target.capacity),
        ...(isPlacementEmpty(target.placement) ? {} : placementParameters(target.placement!)),
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: [...target.subnetIds],
            SecurityGroups: [...target.securityGroupIds],
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
      // Per attempt; derived so that every run, retry and the publish still fit the execution.
      TimeoutSeconds: fragment.taskTimeoutSeconds,
      Retry: RUN_TASK_RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: CAUGHT_PATH, Next: names.classifyFailure }],
      Next: fragment.onSuccess,
    },
  };
}

/** Builds the definition; throws a clear error (naming `label` and the field) on bad input. */
export function buildRunTaskStateMachine(input: RunTaskStateMachineInput): StateMachineDefinition {
  validateInput(input);
  const afterFailure = input.failureEvent ? STATE_NAMES.publishFailure : STATE_NAMES.failed;
  const fragment: RunFragment = {
    names: STATE_NAMES,
    onSuccess: input.successEvent ? STATE_NAMES.publishSuccess : STATE_NAMES.succeeded,
    onFailure: afterFailure,
    onAlreadyHandled: STATE_NAMES.alreadyHandled,
    failureField: FAILURE_PATH.slice(2),
    keep: [],
    uniformFailure: false,
    idempotent: input.idempotent ?? false,
    taskTimeoutSeconds: executionTimeBudget(input.timeoutSeconds).taskTimeoutSeconds,
    environment: containerEnvironment(input.detailDelivery),
    runTaskComment: 'Runs the target task with the event and waits until it stops.',
  };
  return {
    ...(input.comment === undefined ? {} : { Comment: input.comment }),
    StartAt: STATE_NAMES.countFirstRun,
    TimeoutSeconds: input.timeoutSeconds,
    // In this order: the run, then what a failure goes through, then how the execution fails.
    States: { ...runTaskStates(input, fragment), ...successStates(input), ...runFailureStates(fragment), ...failedStates(input) },
  };
}

/** Success, announced when the rule says so. */
function successStates(input: RunTaskStateMachineInput): { [name: string]: State } {
  const states: { [name: string]: State } = {};
  if (input.successEvent) {
    states[STATE_NAMES.publishSuccess] = putEventsState(input.successEvent, '$.detail', STATE_NAMES.succeeded, 'Announces the success with the original detail.');
  }
  states[STATE_NAMES.succeeded] = { Type: 'Succeed' };
  states[STATE_NAMES.alreadyHandled] = alreadyHandledState;
  return states;
}

/**
 * The end of an execution whose task found its event handled by another execution (a duplicate
 * delivery): it succeeds, announcing nothing, since the execution that handles the event announces.
 */
export const alreadyHandledState: State = {
  Type: 'Succeed',
  Comment: `The task exited ${ALREADY_HANDLED_EXIT_CODE}: another execution handles this event (EventBridge delivers at least once), and announces its outcome; this one announces nothing.`,
};

/** What a caught failure goes through: classified, shaped into the failure fields, run again or given up on. */
export function runFailureStates(fragment: RunFragment): { [name: string]: State } {
  const { names, keep } = fragment;
  const failurePath = `$.${fragment.failureField}`;
  const states: { [name: string]: State } = {};
  const runsLeft: ChoiceRule = { Variable: `${TASK_RUNS_PATH}.count`, NumericLessThan: MAX_TASK_RUNS };
  states[names.classifyFailure] = {
    Type: 'Choice',
    Comment: 'A stopped task has its description (JSON) as Cause; anything else is shaped from its error name alone.',
    Choices: [
      {
        // Branch on the error before parsing: States.StringToJson of a Cause that is not JSON raises
        // States.Runtime, which no Catch can take. A Cause truncated by Step Functions fails `{*}`.
        And: [
          { Variable: `${CAUGHT_PATH}.Error`, StringEquals: 'States.TaskFailed' },
          { Variable: `${CAUGHT_PATH}.Cause`, StringMatches: '{*}' },
        ],
        Next: names.readStoppedTask,
      },
      {
        And: [
          { Variable: `${CAUGHT_PATH}.Error`, StringEquals: 'ECS.InvalidParameterException' },
          { Or: THROTTLED_INVALID_PARAMETER_CAUSES.map((pattern) => ({ Variable: `${CAUGHT_PATH}.Cause`, StringMatches: pattern })) },
          runsLeft,
        ],
        Next: names.countRerun,
      },
    ],
    Default: names.describeFailure,
  };
  states[names.readStoppedTask] = {
    Type: 'Pass',
    Comment: 'Parses the task description (the Cause of States.TaskFailed from ecs:runTask.sync).',
    Parameters: {
      'description.$': `States.StringToJson(${CAUGHT_PATH}.Cause)`,
      // ECS may leave these out; a path to a missing field would fail the execution.
      defaults: { StopCode: '', StoppedReason: '' },
    },
    ResultPath: STOPPED_TASK_PATH,
    Next: names.fillStopDefaults,
  };
  states[names.fillStopDefaults] = {
    Type: 'Pass',
    Parameters: { 'description.$': `States.JsonMerge(${STOPPED_TASK_PATH}.defaults, ${STOPPED_TASK_PATH}.description, false)` },
    ResultPath: STOPPED_TASK_PATH,
    Next: names.checkExitCode,
  };
  states[names.checkExitCode] = {
    Type: 'Choice',
    Comment: 'A container that never ran has no exit code (the task definitions here have one container).',
    Choices: [{ Variable: `${STOPPED_TASK_PATH}.description.Containers[0].ExitCode`, IsPresent: true, Next: names.describeExitedTask }],
    Default: names.describeStoppedTask,
  };
  const taskFailure = (exitCode: { [key: string]: JsonValue }): PassState => ({
    Type: 'Pass',
    Comment: 'Shapes the failure from the task description and drops the raw Cause.',
    Parameters: {
      ...keptEvent(`${TASK_RUNS_PATH}`, keep),
      [fragment.failureField]: {
        [`${FAILURE_FIELDS.error}.$`]: `${CAUGHT_PATH}.Error`,
        [`${FAILURE_FIELDS.failedEventId}.$`]: '$.id',
        [`${FAILURE_FIELDS.stopCode}.$`]: `${STOPPED_TASK_PATH}.description.StopCode`,
        [`${FAILURE_FIELDS.stoppedReason}.$`]: `${STOPPED_TASK_PATH}.description.StoppedReason`,
        ...exitCode,
      },
    },
    Next: names.decideRerun,
  });
  states[names.describeExitedTask] = taskFailure({ [`${FAILURE_FIELDS.exitCode}.$`]: `${STOPPED_TASK_PATH}.description.Containers[0].ExitCode` });
  states[names.describeStoppedTask] = taskFailure({ [FAILURE_FIELDS.exitCode]: null });
  const stopCodeIs = (code: string): ChoiceRule => ({ Variable: `${failurePath}.${FAILURE_FIELDS.stopCode}`, StringEquals: code });
  const exitCode = `${failurePath}.${FAILURE_FIELDS.exitCode}`;
  // Checked first: the task ran and refused a duplicate, so neither a rerun nor a failure may follow.
  // IsNumeric guards the comparison: the exit code is null when the container never ran.
  const alreadyHandled: ChoiceRule = {
    And: [stopCodeIs('EssentialContainerExited'), { Variable: exitCode, IsNumeric: true }, { Variable: exitCode, NumericEquals: ALREADY_HANDLED_EXIT_CODE }],
    Next: fragment.onAlreadyHandled,
  };
  states[names.decideRerun] = {
    Type: 'Choice',
    Comment: fragment.idempotent
      ? 'Runs the task again when it never started, AWS took it back, or (idempotent task) it exited non-zero.'
      : 'Runs the task again when it never started or AWS took it back; a container that ran and failed is not repeated.',
    Choices: [
      alreadyHandled,
      { And: [{ Or: RERUN_STOP_CODES.map(stopCodeIs) }, runsLeft], Next: names.countRerun },
      ...(fragment.idempotent ? [{ And: [stopCodeIs('EssentialContainerExited'), runsLeft], Next: names.countRerun }] : []),
    ],
    Default: fragment.onFailure,
  };
  states[names.describeFailure] = {
    Type: 'Pass',
    Comment: 'Any other error (ECS API refusal after its retries, States.Timeout): its name only; its Cause stays in the history.',
    Parameters: {
      ...keptEvent(TASK_RUNS_PATH, keep),
      [fragment.failureField]: {
        [`${FAILURE_FIELDS.error}.$`]: `${CAUGHT_PATH}.Error`,
        [`${FAILURE_FIELDS.failedEventId}.$`]: '$.id',
        // In a flow every failure has every field: a compensation reads them without a missing path.
        ...(fragment.uniformFailure ? { [FAILURE_FIELDS.stopCode]: '', [FAILURE_FIELDS.stoppedReason]: '', [FAILURE_FIELDS.exitCode]: null } : {}),
      },
    },
    Next: fragment.onFailure,
  };
  states[names.countRerun] = {
    Type: 'Pass',
    Comment: 'One more run; each rerun waits twice as long as the one before.',
    Parameters: keptEvent(
      {
        'count.$': `States.MathAdd(${TASK_RUNS_PATH}.count, 1)`,
        'waitSeconds.$': `States.MathAdd(${TASK_RUNS_PATH}.waitSeconds, ${TASK_RUNS_PATH}.waitSeconds)`,
      },
      keep,
    ),
    Next: names.waitBeforeRerun,
  };
  states[names.waitBeforeRerun] = {
    Type: 'Wait',
    SecondsPath: `${TASK_RUNS_PATH}.waitSeconds`,
    Next: names.runTask,
  };
  return states;
}

/** How the execution fails: the failure event (when the rule publishes one), then the Fail state. */
function failedStates(input: RunTaskStateMachineInput): { [name: string]: State } {
  const states: { [name: string]: State } = {};
  if (input.failureEvent) {
    states[STATE_NAMES.publishFailure] = putEventsState(
      input.failureEvent,
      // Shallow merge: the original detail's fields, plus the failure fields (which win).
      `States.JsonMerge($.detail, ${FAILURE_PATH}, false)`,
      STATE_NAMES.failed,
      'Publishes the failure event, so compensation is just another rule.',
    );
  }
  states[STATE_NAMES.failed] = {
    Type: 'Fail',
    Comment: 'The execution still fails, with the task error, so failed-execution alarms fire.',
    ErrorPath: `${FAILURE_PATH}.${FAILURE_FIELDS.error}`,
    Cause: "The task failed for good (after its retries and reruns). The RunTask failure in this execution's history has the full cause.",
  };

  return states;
}

/** Throws `<where>: <field> <problem>`. */
export type FieldFailure = (field: string, problem: string) => never;

export const fieldFailure =
  (where: string): FieldFailure =>
  (field, problem) => {
    throw new Error(`${where}: ${field} ${problem}`);
  };

/** The task a RunTask state runs, its capacity and its placement, as ECS would check them. */
export function validateRunTaskTarget(target: RunTaskTarget, fail: FieldFailure, prefix = ''): void {
  const requireString = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || value.length === 0) fail(`${prefix}${field}`, 'must be a non-empty string');
  };
  const requireStrings = (field: string, values: readonly unknown[], min: number, max: number): void => {
    if (values.length < min || values.length > max) fail(`${prefix}${field}`, `must hold ${min} to ${max} items, got ${values.length}`);
    values.forEach((value, index) => requireString(`${field}[${index}]`, value));
  };
  const requireInteger = (field: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) fail(`${prefix}${field}`, `must be an integer from ${min} to ${max}, got ${value}`);
  };

  requireString('clusterArn', target.clusterArn);
  requireString('taskDefinition', target.taskDefinition);
  requireString('containerName', target.containerName);
  // ECS limits: awsvpc takes up to 16 subnets and 5 security groups.
  requireStrings('subnetIds', target.subnetIds, 1, MAX_SUBNETS);
  requireStrings('securityGroupIds', target.securityGroupIds, 1, MAX_SECURITY_GROUPS);
  target.command.forEach((part, index) => {
    if (typeof part !== 'string') fail(`${prefix}command[${index}]`, 'must be a string');
  });

  let onFargate: boolean;
  if ('launchType' in target.capacity) {
    if (target.capacity.launchType !== 'FARGATE') fail(`${prefix}capacity.launchType`, `must be FARGATE, got ${String(target.capacity.launchType)}`);
    onFargate = true;
  } else {
    const strategy = target.capacity.strategy;
    // ECS rules: up to 20 providers, weight 0-1000 with at least one above 0, base 0-100000 on one provider at most.
    if (strategy.length < 1 || strategy.length > MAX_CAPACITY_PROVIDERS) {
      fail(`${prefix}capacity.strategy`, `must hold 1 to ${MAX_CAPACITY_PROVIDERS} providers, got ${strategy.length}`);
    }
    strategy.forEach((item, index) => {
      requireString(`capacity.strategy[${index}].capacityProvider`, item.capacityProvider);
      requireInteger(`capacity.strategy[${index}].weight`, item.weight, CAPACITY_WEIGHT_RANGE.min, CAPACITY_WEIGHT_RANGE.max);
      if (item.base !== undefined) requireInteger(`capacity.strategy[${index}].base`, item.base, CAPACITY_BASE_RANGE.min, CAPACITY_BASE_RANGE.max);
    });
    if (!strategy.some((item) => item.weight > 0)) fail(`${prefix}capacity.strategy`, 'needs a provider with a weight above 0');
    if (strategy.filter((item) => (item.base ?? 0) > 0).length > 1) fail(`${prefix}capacity.strategy`, 'may give a base to one provider only');
    const fargate = strategy.filter((item) => isFargateCapacityProvider(item.capacityProvider)).length;
    if (fargate > 0 && fargate < strategy.length) {
      fail(`${prefix}capacity.strategy`, 'mixes Fargate and Auto Scaling group capacity providers; ECS takes one kind per strategy');
    }
    onFargate = fargate > 0;
  }

  if (!isPlacementEmpty(target.placement)) {
    if (onFargate) fail(`${prefix}placement`, 'is for EC2 capacity; Fargate supports no task placement strategies or constraints');
    const [problem] = placementProblems(target.placement!);
    if (problem) fail(`${prefix}placement.${problem.field}`, problem.message);
  }
}

function validateInput(input: RunTaskStateMachineInput): void {
  const fail = fieldFailure(input.label ? `state machine ${input.label}` : 'state machine');
  validateRunTaskTarget(input, fail);
  if (input.detailDelivery !== 'environment' && input.detailDelivery !== 'reference') {
    fail('detailDelivery', `must be 'environment' or 'reference', got ${String(input.detailDelivery)}`);
  }

  if (!Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds < 1 || input.timeoutSeconds > MAX_EXECUTION_SECONDS) {
    fail('timeoutSeconds', `must be an integer from 1 to ${MAX_EXECUTION_SECONDS}, got ${input.timeoutSeconds}`);
  }
  const budget = executionTimeBudget(input.timeoutSeconds);
  if (budget.taskTimeoutSeconds < MIN_TASK_TIMEOUT_SECONDS) {
    fail(
      'timeoutSeconds',
      `${input.timeoutSeconds} leaves ${budget.taskTimeoutSeconds} s per run of the task after ${budget.runs} runs' retries, the waits between runs and the outcome's publish; ` +
        `give at least ${minimumExecutionTimeoutSeconds()} (a run needs ${MIN_TASK_TIMEOUT_SECONDS} s)`,
    );
  }

  validatePublishedEvents(input, fail);
}

export function validatePublishedEvents(
  events: { readonly failureEvent?: PublishedEvent; readonly successEvent?: PublishedEvent; readonly compensationFailedEvent?: PublishedEvent },
  fail: FieldFailure,
): void {
  for (const field of ['failureEvent', 'successEvent', 'compensationFailedEvent'] as const) {
    const event = events[field];
    if (event === undefined) continue;
    for (const key of ['eventBusArn', 'source', 'detailType'] as const) {
      if (typeof event[key] !== 'string' || event[key].length === 0) fail(`${field}.${key}`, 'must be a non-empty string');
    }
  }
}
