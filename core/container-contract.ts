/**
 * The contract between a state machine and the ECS task it starts: the environment variables the
 * container receives, and the RunTask overrides budget they must fit in. Pure: used by the ASL
 * builder (what is sent), the event client (what fits) and the task-side reader (what is read).
 */
import { MAX_EXECUTION_NAME_LENGTH } from './aws-limits';

/**
 * How the event detail reaches the container. `environment`: in the `eventDetail` environment
 * variable (default), bounded by RunTask's 8192-character overrides budget. `reference`: only the
 * execution ARN; the task reads the event with `states:DescribeExecution`, any size.
 */
export const DETAIL_DELIVERIES = ['environment', 'reference'] as const;
export type DetailDelivery = (typeof DETAIL_DELIVERIES)[number];

/**
 * Environment variables every task container gets from its task definition (not from the state
 * machine), so its code knows where it runs: the event client's publisher reads them.
 */
export const TASK_IDENTITY_ENV = { environment: 'APP_ENVIRONMENT', service: 'APP_SERVICE' } as const;

/** Names of the environment variables the state machine sets on the task's container. */
export const EVENT_ENV = {
  /** The event's `detail` as a JSON string (delivery `environment` only). */
  detail: 'eventDetail',
  id: 'eventId',
  source: 'eventSource',
  detailType: 'eventDetailType',
  /** The Step Functions execution ARN; with delivery `reference` the task reads its input from it. */
  executionArn: 'executionArn',
  /** `environment` or `reference`, so the reader knows where to look. */
  delivery: 'eventDelivery',
} as const;

/**
 * Variables a flow's state machine (core/asl-flow.ts) sets besides EVENT_ENV, so that a task knows
 * it runs as a step of an orchestrated saga: it then reports its outcome by its exit code instead of
 * publishing events, and a compensation learns what failed.
 */
export const FLOW_ENV = {
  /** `<flow>/<step>`: the step this run belongs to. */
  step: 'flowStep',
  /** `run` (the step's task) or `compensate` (its compensating task). */
  role: 'flowRole',
  /** Compensations only: `{ failedStep, error, stopCode, exitCode }` as compact JSON (FlowFailure). */
  failure: 'flowFailure',
} as const;

/**
 * The exit code with which a task says "another execution handles this event": EventBridge delivers
 * at least once, so one event may start two executions, and the task of the second finds the event
 * claimed by the first (task-programs/booking-saga/handle-once.ts). Exiting 0 would let the second
 * execution carry on as if it had done the work: announce the rule's success event again, or, in a
 * flow, run the next steps and announce the flow's success although the first execution failed
 * and compensated (the customer told "confirmed" for a cancelled booking). With this code the state
 * machine ends successfully without announcing anything (`AlreadyHandled`), and a compensation in a
 * flow counts as done. ECS reports it as an essential container exit (`EssentialContainerExited`,
 * exit code 99), which no rerun or failure event follows. 99 is taken by no convention the task
 * programs follow (1 an error, 3 a declined step, 128 + n a signal, sysexits 64–78).
 */
export const ALREADY_HANDLED_EXIT_CODE = 99;

export const FLOW_ROLES = ['run', 'compensate'] as const;
export type FlowRole = (typeof FLOW_ROLES)[number];

/** What a compensation is told about the step whose failure started the compensations. */
export interface FlowFailure {
  readonly failedStep: string;
  /** The Step Functions error of the step's run (`States.TaskFailed`, `States.Timeout`, `ECS.…`). */
  readonly error: string;
  /** ECS's stop code, "" when the error was not a stopped task. */
  readonly stopCode: string;
  /** The container's exit code; null when it never ran or the error was not a stopped task. */
  readonly exitCode: number | null;
}

/** A run of a flow's step or compensation, as its container's environment says. */
export interface FlowRun {
  /** `<flow>/<step>`. */
  readonly step: string;
  readonly role: FlowRole;
  readonly failure?: FlowFailure;
}

export interface EventIdentity {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
}

export interface OverridesInput {
  readonly containerName: string;
  readonly command: readonly string[];
  readonly delivery: DetailDelivery;
  readonly event: EventIdentity & { readonly detail: unknown };
  readonly executionArn: string;
  /** Set for a run of a flow's step or compensation. */
  readonly flow?: FlowRun;
}

/**
 * The RunTask `overrides` object as ECS receives it for one concrete event: what the state
 * machine's `ContainerOverrides` evaluates to. `States.JsonToString($.detail)` yields compact JSON,
 * like `JSON.stringify`; serialising the overrides escapes that string's quotes a second time.
 */
export function runTaskOverrides(input: OverridesInput): {
  containerOverrides: { name: string; command: string[]; environment: { name: string; value: string }[] }[];
} {
  const environment: { name: string; value: string }[] = [];
  if (input.delivery === 'environment') {
    environment.push({ name: EVENT_ENV.detail, value: JSON.stringify(input.event.detail) });
  }
  environment.push(
    { name: EVENT_ENV.id, value: input.event.id },
    { name: EVENT_ENV.source, value: input.event.source },
    { name: EVENT_ENV.detailType, value: input.event.detailType },
    { name: EVENT_ENV.executionArn, value: input.executionArn },
    { name: EVENT_ENV.delivery, value: input.delivery },
  );
  if (input.flow) {
    environment.push({ name: FLOW_ENV.step, value: input.flow.step }, { name: FLOW_ENV.role, value: input.flow.role });
    if (input.flow.failure) environment.push({ name: FLOW_ENV.failure, value: JSON.stringify(input.flow.failure) });
  }
  return { containerOverrides: [{ name: input.containerName, command: [...input.command], environment }] };
}

/** Characters ECS counts for the overrides of this event. */
export function runTaskOverridesLength(input: OverridesInput): number {
  return ecsOverridesLength(runTaskOverrides(input));
}

/**
 * Characters ECS counts for a RunTask `overrides` object in the API's own shape (camelCase members,
 * as Step Functions sends the state's PascalCase Parameters): its compact JSON, punctuation
 * included, in UTF-16 code units as Java's `String.length()` counts them (RUN_TASK_OVERRIDES_LIMIT).
 */
export function ecsOverridesLength(overrides: unknown): number {
  return JSON.stringify(overrides ?? {}).length;
}

/**
 * Where the example services keep their own data, one directory per service (`npm run local` gives
 * each service one below the run's work directory). Inside it, each table is a folder and each
 * record a JSON file named by its key, written with an exclusive create (`put if absent`, as a
 * DynamoDB conditional put does). Deployed, a service keeps its data in its own table instead;
 * this is the local stand-in the scenarios inspect.
 */
export const SERVICE_STORE_ENV = 'SERVICE_STORE_DIR';

/** The longest execution ARN a state machine can produce, for budgeting before an execution exists. */
export function worstCaseExecutionArn(region: string, accountId: string, stateMachineName: string): string {
  return `arn:aws:states:${region}:${accountId}:execution:${stateMachineName}:${'x'.repeat(MAX_EXECUTION_NAME_LENGTH)}`;
}
