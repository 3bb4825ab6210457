/**
 * The Amazon States Language of a flow: an orchestrated saga. One state machine runs the steps'
 * tasks in order; when a step fails for good, it runs the compensations of that step and of every
 * step before it, in reverse order, and then announces the outcome.
 *
 *   charge:CountFirstRun ─▶ charge:RunTask ─ok─▶ reserve-seats:… ─ok─▶ [PublishSuccessEvent] ─▶ Succeeded
 *          (retries, reruns: the run fragment of core/asl.ts, per step)
 *   any step fails for good ─▶ <step>:StepFailed ─▶ undo <step>:… ─▶ undo <earlier step>:… ─▶ Compensated
 *   Compensated ─(every compensation succeeded)─▶ [PublishFailureEvent] ─▶ Failed
 *               └(a compensation failed for good)─▶ PublishCompensationFailedEvent ─▶ CompensationFailed
 *   a step's task exits ALREADY_HANDLED_EXIT_CODE (another execution handles the event) ─▶ AlreadyHandled
 *
 * Each run (a step's task or a compensation) is the same fragment a rule's state machine is made of
 * (`runTaskStates`, `runFailureStates`): the same retries of ECS's API errors, the same reruns of a
 * task that never started or that Spot took back, the same classification of the failure without
 * ever parsing a Cause that is not JSON. What a flow adds:
 *
 * - The failing step's own compensation runs too: a step that failed may have done part of its work
 *   (a charge, then a crash), as AWS's saga example (aws-samples/step-functions-workflows-collection,
 *   saga-pattern) compensates it. Compensations therefore run after any failure and must be
 *   idempotent and tolerate nothing to undo; each is told what failed (FLOW_ENV.failure).
 * - A compensation is rerun after a non-zero exit (compensations are idempotent by contract), and
 *   when it still fails, the others run all the same (one undo must not hold another back); the flow
 *   then publishes its compensation-failed event and fails with `Flow.CompensationFailed`, so neither
 *   the event nor the failed-executions alarm lets it pass silently.
 * - The execution timeout holds every step and every compensation at their worst (executionTimeBudget
 *   with `entries`), so no timeout can cut the compensations short.
 */
import {
  containerEnvironment,
  type ContainerVariable,
  executionTimeBudget,
  FAILURE_FIELDS,
  FAILURE_PATH,
  fieldFailure,
  MAX_TASK_RUNS,
  MIN_TASK_TIMEOUT_SECONDS,
  minimumExecutionTimeoutSeconds,
  prefixedStateNames,
  type PublishedEvent,
  putEventsState,
  type RunFragment,
  runFailureStates,
  runTaskStates,
  type RunTaskTarget,
  alreadyHandledState,
  type State,
  type StateMachineDefinition,
  TASK_RUNS_PATH,
  validatePublishedEvents,
  validateRunTaskTarget,
  WORST_CASE_FAILURE_FIELDS,
} from './asl';
import { MAX_EXECUTION_SECONDS } from './aws-limits';
import { type DetailDelivery, FLOW_ENV, type FlowFailure } from './container-contract';

/** Steps a flow may have: each adds two runs (its task and its compensation) to the state machine and its time budget. */
export const MAX_FLOW_STEPS = 10;
/** A step's name prefixes its state names (`undo <step>:DescribeStoppedTask`), which Step Functions caps at 80 characters. */
export const FLOW_STEP_NAME_MAX_LENGTH = 40;

/** State names of a flow besides each run's fragment. */
export const FLOW_STATE_NAMES = {
  stepFailed: (step: string) => `${step}:StepFailed`,
  compensationFailed: (step: string) => `undo ${step}:CompensationFailed`,
  compensated: 'Compensated',
  publishSuccess: 'PublishSuccessEvent',
  succeeded: 'Succeeded',
  publishFailure: 'PublishFailureEvent',
  failed: 'Failed',
  publishCompensationFailed: 'PublishCompensationFailedEvent',
  flowCompensationFailed: 'CompensationFailed',
  alreadyHandled: 'AlreadyHandled',
} as const;
/** The prefix of a step's run states and of its compensation's. */
export const stepPrefix = (step: string): string => `${step}:`;
export const compensationPrefix = (step: string): string => `undo ${step}:`;

/** The error a flow fails with when a compensation failed for good. */
export const COMPENSATION_FAILED_ERROR = 'Flow.CompensationFailed';

/** `$.flow`: which step failed, and the compensations that failed (by step, `-` as `_`). */
export const FLOW_PATH = '$.flow';
/** `$.flowFailure`: what a compensation is told (FlowFailure). */
export const FLOW_FAILURE_PATH = '$.flowFailure';
/** Where a compensation's own failure is shaped (the step's stays in `$.failure`). */
export const COMPENSATION_FAILURE_FIELD = 'compensationFailure';

/** A key of `failedCompensations`: step names may hold `-`, which a reference path cannot. */
export const compensationKey = (step: string): string => step.replaceAll('-', '_');

/**
 * The fields a flow's failure events add to the detail besides FAILURE_FIELDS: the step that failed,
 * and the compensations that failed, `{ <step>: { error, stopCode, exitCode } }` (empty unless the
 * compensation-failed event).
 */
export const FLOW_FAILURE_FIELDS = { failedStep: 'failedStep', failedCompensations: 'failedCompensations' } as const;

export interface FlowStepInput {
  readonly name: string;
  /** The step's task. */
  readonly run: RunTaskTarget;
  /** Its compensating task; none when the step has nothing to undo. */
  readonly compensation?: RunTaskTarget;
}

export interface FlowStateMachineInput {
  /** The flow's name: `FLOW_ENV.step` is `<flow>/<step>`. */
  readonly flow: string;
  readonly steps: readonly FlowStepInput[];
  readonly detailDelivery: DetailDelivery;
  /** The whole execution; every run's RunTask timeout is derived from it (flowTimeBudget). */
  readonly timeoutSeconds: number;
  /** A step's task may run again after it exited non-zero. Compensations always may (they are idempotent by contract). */
  readonly idempotent?: boolean;
  readonly comment?: string;
  /** Published when a step failed and every compensation succeeded. */
  readonly failureEvent?: PublishedEvent;
  /** Published when every step succeeded. */
  readonly successEvent?: PublishedEvent;
  /** Published when a compensation failed for good: never optional, a failed undo must not pass silently. */
  readonly compensationFailedEvent: PublishedEvent;
  readonly label?: string;
}

/** RunTask states one after another on a flow's longest path: every step (the last fails), then every compensation. */
export const flowEntries = (steps: readonly { readonly compensation?: unknown }[]): number => steps.length + steps.filter((step) => step.compensation !== undefined).length;

/** The time budget of a flow: executionTimeBudget over every step and compensation. */
export const flowTimeBudget = (timeoutSeconds: number, steps: readonly { readonly compensation?: unknown }[]) => executionTimeBudget(timeoutSeconds, MAX_TASK_RUNS, flowEntries(steps));

/** The shortest execution timeout of a flow that leaves `taskTimeoutSeconds` for each run of each step and compensation. */
export const minimumFlowTimeoutSeconds = (steps: readonly { readonly compensation?: unknown }[], taskTimeoutSeconds = MIN_TASK_TIMEOUT_SECONDS): number =>
  minimumExecutionTimeoutSeconds(MAX_TASK_RUNS, flowEntries(steps), taskTimeoutSeconds);

/** The largest FlowFailure a compensation can be told, for budgets: the longest error, step name, stop code and exit code. */
export const WORST_CASE_FLOW_FAILURE: FlowFailure = {
  failedStep: 's'.repeat(FLOW_STEP_NAME_MAX_LENGTH),
  error: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.error] as string,
  stopCode: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.stopCode] as string,
  exitCode: WORST_CASE_FAILURE_FIELDS[FAILURE_FIELDS.exitCode] as number,
};

/** The variables a flow adds to a run's container environment (FLOW_ENV). */
function flowVariables(flow: string, step: string, role: 'run' | 'compensate'): ContainerVariable[] {
  return [
    { Name: FLOW_ENV.step, Value: `${flow}/${step}` },
    { Name: FLOW_ENV.role, Value: role },
    ...(role === 'compensate' ? [{ Name: FLOW_ENV.failure, 'Value.$': `States.JsonToString(${FLOW_FAILURE_PATH})` }] : []),
  ];
}

/** Builds the definition; throws a clear error (naming `label`, the step and the field) on bad input. */
export function buildFlowStateMachine(input: FlowStateMachineInput): StateMachineDefinition {
  validateFlowInput(input);
  const { steps } = input;
  const { taskTimeoutSeconds } = flowTimeBudget(input.timeoutSeconds, steps);
  const compensated = steps.some((step) => step.compensation) ? FLOW_STATE_NAMES.compensated : afterCompensations(input);
  /** The first compensation at or before step `index`, else the end of the compensations. */
  const undoFrom = (index: number): string => {
    for (let i = index; i >= 0; i--) if (steps[i]!.compensation) return prefixedStateNames(compensationPrefix(steps[i]!.name)).countFirstRun;
    return compensated;
  };

  const states: { [name: string]: State } = {};
  steps.forEach((step, index) => {
    const names = prefixedStateNames(stepPrefix(step.name));
    const next = steps[index + 1];
    const fragment: RunFragment = {
      names,
      onSuccess: next ? prefixedStateNames(stepPrefix(next.name)).countFirstRun : input.successEvent ? FLOW_STATE_NAMES.publishSuccess : FLOW_STATE_NAMES.succeeded,
      onFailure: FLOW_STATE_NAMES.stepFailed(step.name),
      // Another execution of this flow handles the event: it runs the later steps and announces.
      onAlreadyHandled: FLOW_STATE_NAMES.alreadyHandled,
      failureField: FAILURE_PATH.slice(2),
      keep: [],
      uniformFailure: true,
      idempotent: input.idempotent ?? false,
      taskTimeoutSeconds,
      environment: containerEnvironment(input.detailDelivery, flowVariables(input.flow, step.name, 'run')),
      runTaskComment: `Step ${index + 1} of ${steps.length}, ${step.name}: runs its task with the event and waits until it stops.`,
    };
    Object.assign(states, runTaskStates(step.run, fragment), runFailureStates(fragment));
    states[FLOW_STATE_NAMES.stepFailed(step.name)] = {
      Type: 'Pass',
      Comment: `Step ${step.name} failed for good: records it, and what its compensations are told, then undoes it and every step before it.`,
      Parameters: {
        'id.$': '$.id',
        'source.$': '$.source',
        'detail-type.$': "$['detail-type']",
        'detail.$': '$.detail',
        'taskRuns.$': TASK_RUNS_PATH,
        'failure.$': FAILURE_PATH,
        flow: { [FLOW_FAILURE_FIELDS.failedStep]: step.name, [FLOW_FAILURE_FIELDS.failedCompensations]: {} },
        flowFailure: {
          failedStep: step.name,
          'error.$': `${FAILURE_PATH}.${FAILURE_FIELDS.error}`,
          'stopCode.$': `${FAILURE_PATH}.${FAILURE_FIELDS.stopCode}`,
          'exitCode.$': `${FAILURE_PATH}.${FAILURE_FIELDS.exitCode}`,
        },
      },
      Next: undoFrom(index),
    };
  });

  steps.forEach((step, index) => {
    if (!step.compensation) return;
    const names = prefixedStateNames(compensationPrefix(step.name));
    const next = undoFrom(index - 1);
    const fragment: RunFragment = {
      names,
      onSuccess: next,
      onFailure: FLOW_STATE_NAMES.compensationFailed(step.name),
      // Another execution undoes it: for this one, as done as if it had undone it itself.
      onAlreadyHandled: next,
      failureField: COMPENSATION_FAILURE_FIELD,
      keep: ['failure', 'flow', 'flowFailure'],
      uniformFailure: true,
      idempotent: true,
      taskTimeoutSeconds,
      environment: containerEnvironment(input.detailDelivery, flowVariables(input.flow, step.name, 'compensate')),
      runTaskComment: `Compensates step ${step.name}: runs its compensating task with the event and what failed, and waits until it stops.`,
    };
    Object.assign(states, runTaskStates(step.compensation, fragment), runFailureStates(fragment));
    states[FLOW_STATE_NAMES.compensationFailed(step.name)] = {
      Type: 'Pass',
      Comment: `The compensation of ${step.name} failed for good: recorded, and the remaining compensations still run.`,
      Parameters: {
        [`${FAILURE_FIELDS.error}.$`]: `$.${COMPENSATION_FAILURE_FIELD}.${FAILURE_FIELDS.error}`,
        [`${FAILURE_FIELDS.stopCode}.$`]: `$.${COMPENSATION_FAILURE_FIELD}.${FAILURE_FIELDS.stopCode}`,
        [`${FAILURE_FIELDS.exitCode}.$`]: `$.${COMPENSATION_FAILURE_FIELD}.${FAILURE_FIELDS.exitCode}`,
      },
      ResultPath: `${FLOW_PATH}.${FLOW_FAILURE_FIELDS.failedCompensations}.${compensationKey(step.name)}`,
      Next: next,
    };
  });

  const compensations = steps.filter((step) => step.compensation);
  if (compensations.length > 0) {
    states[FLOW_STATE_NAMES.compensated] = {
      Type: 'Choice',
      Comment: 'Every compensation ran: did one of them fail for good?',
      Choices: [
        {
          Or: compensations.map((step) => ({ Variable: `${FLOW_PATH}.${FLOW_FAILURE_FIELDS.failedCompensations}.${compensationKey(step.name)}`, IsPresent: true })),
          Next: FLOW_STATE_NAMES.publishCompensationFailed,
        },
      ],
      Default: afterCompensations(input),
    };
    states[FLOW_STATE_NAMES.publishCompensationFailed] = putEventsState(
      input.compensationFailedEvent,
      outcomeDetail,
      FLOW_STATE_NAMES.flowCompensationFailed,
      'A compensation failed for good: announced, so that someone (or something) finishes the undo.',
    );
    states[FLOW_STATE_NAMES.flowCompensationFailed] = {
      Type: 'Fail',
      Comment: 'The flow fails with its own error, so the failed-executions alarm fires and the history says the undo is incomplete.',
      Error: COMPENSATION_FAILED_ERROR,
      Cause: 'A step failed and at least one compensation failed for good (after its retries and reruns); the compensation-failed event lists them.',
    };
  }
  if (input.failureEvent) {
    states[FLOW_STATE_NAMES.publishFailure] = putEventsState(input.failureEvent, outcomeDetail, FLOW_STATE_NAMES.failed, 'Announces that the flow failed and was compensated.');
  }
  states[FLOW_STATE_NAMES.failed] = {
    Type: 'Fail',
    Comment: "A step failed and every compensation succeeded: the execution fails with the step's error.",
    ErrorPath: `${FAILURE_PATH}.${FAILURE_FIELDS.error}`,
    Cause: "A step failed for good and was compensated. The failing RunTask in this execution's history has the full cause.",
  };
  if (input.successEvent) {
    states[FLOW_STATE_NAMES.publishSuccess] = putEventsState(input.successEvent, '$.detail', FLOW_STATE_NAMES.succeeded, 'Announces the success with the original detail.');
  }
  states[FLOW_STATE_NAMES.succeeded] = { Type: 'Succeed' };
  states[FLOW_STATE_NAMES.alreadyHandled] = alreadyHandledState;

  return {
    ...(input.comment === undefined ? {} : { Comment: input.comment }),
    StartAt: prefixedStateNames(stepPrefix(steps[0]!.name)).countFirstRun,
    TimeoutSeconds: input.timeoutSeconds,
    States: states,
  };
}

/** The detail of a flow's failure events: the original's fields, the step's failure fields, and `$.flow` (which win). */
const outcomeDetail = `States.JsonMerge(States.JsonMerge($.detail, ${FAILURE_PATH}, false), ${FLOW_PATH}, false)`;

const afterCompensations = (input: FlowStateMachineInput): string => (input.failureEvent ? FLOW_STATE_NAMES.publishFailure : FLOW_STATE_NAMES.failed);

function validateFlowInput(input: FlowStateMachineInput): void {
  const fail = fieldFailure(input.label ? `state machine ${input.label}` : `flow ${input.flow}`);
  if (input.steps.length < 1 || input.steps.length > MAX_FLOW_STEPS) fail('steps', `must hold 1 to ${MAX_FLOW_STEPS} steps, got ${input.steps.length}`);
  const seen = new Set<string>();
  input.steps.forEach((step, index) => {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(step.name) || step.name.length > FLOW_STEP_NAME_MAX_LENGTH) {
      fail(`steps[${index}].name`, `must be 1 to ${FLOW_STEP_NAME_MAX_LENGTH} lower-case letters, digits and single dashes, starting with a letter, got ${JSON.stringify(step.name)}`);
    }
    if (seen.has(step.name)) fail(`steps[${index}].name`, `${JSON.stringify(step.name)} is used by two steps`);
    seen.add(step.name);
    validateRunTaskTarget(step.run, fail, `step ${step.name}: `);
    if (step.compensation) validateRunTaskTarget(step.compensation, fail, `step ${step.name}: compensation `);
  });
  if (input.detailDelivery !== 'environment' && input.detailDelivery !== 'reference') {
    fail('detailDelivery', `must be 'environment' or 'reference', got ${String(input.detailDelivery)}`);
  }
  if (!Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds < 1 || input.timeoutSeconds > MAX_EXECUTION_SECONDS) {
    fail('timeoutSeconds', `must be an integer from 1 to ${MAX_EXECUTION_SECONDS}, got ${input.timeoutSeconds}`);
  }
  const budget = flowTimeBudget(input.timeoutSeconds, input.steps);
  if (budget.taskTimeoutSeconds < MIN_TASK_TIMEOUT_SECONDS) {
    fail(
      'timeoutSeconds',
      `${input.timeoutSeconds} leaves ${budget.taskTimeoutSeconds} s per run after ${budget.entries} steps and compensations with ${budget.runs} runs each, their retries and waits, and the outcome's publish; ` +
        `give at least ${minimumFlowTimeoutSeconds(input.steps)} (a run needs ${MIN_TASK_TIMEOUT_SECONDS} s)`,
    );
  }
  validatePublishedEvents(input, fail);
  if (!input.compensationFailedEvent) fail('compensationFailedEvent', 'is required: a compensation that fails must be announced');
}
