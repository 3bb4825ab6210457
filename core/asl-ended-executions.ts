/**
 * The state machine that announces executions no Catch could: a rule's execution that ended
 * TIMED_OUT (the execution's own timeout) or ABORTED (StopExecution) publishes nothing itself, so
 * its booking would stay pending. Step Functions sends "Step Functions Execution Status Change"
 * events for Standard workflows to the account's default bus (EventBridge "AWS Step Functions
 * events"; the Step Functions error-handling guide suggests exactly this: listen for TIMED_OUT
 * events, then act). One EventBridge rule per service matches its state machines' TIMED_OUT and
 * ABORTED events and starts this state machine, which publishes the rule's failure event:
 *
 *   FindRule ─(one of ours)─> Target<n> ─> ReadExecution ─> ReadEvent ─> DescribeEnd ─>
 *     Describe(Timeout|Abort) ─> PublishFailureEvent          FindRule ─(other)─> NotOurs
 *
 * How the failure event gets the detail: the status change event carries the execution input as a
 * JSON string, but leaves it out when input and output together exceed 248 KB (Step Functions,
 * "EventBridge payloads"), so this reads it with DescribeExecution instead, always: the input is
 * the EventBridge event that started the execution, and its `detail` is merged with the failure
 * fields exactly as the rule's own Catch would (States.JsonMerge, failure fields winning).
 *
 * Status change events are delivered best effort, and an execution whose Catch already published
 * its failure event cannot end TIMED_OUT later than a few seconds after it: consumers must be
 * idempotent (they are: EventBridge delivers at least once anyway).
 */
import { FAILURE_FIELDS, FAILURE_PATH, type JsonValue, type PublishedEvent, putEventsState, type State, type StateMachineDefinition, type TaskState } from './asl';
import { EVENT_PATTERN_MAX_LENGTH } from './aws-limits';

/** AWS SDK integration: `DescribeExecution` of Step Functions itself (PascalCase parameters and result). */
export const DESCRIBE_EXECUTION_RESOURCE = 'arn:aws:states:::aws-sdk:sfn:describeExecution';

/** The status change events this announcer handles (EventBridge "AWS Step Functions events"). */
export const EXECUTION_STATUS_CHANGE = { source: 'aws.states', detailType: 'Step Functions Execution Status Change' } as const;
export const ANNOUNCED_STATUSES = ['TIMED_OUT', 'ABORTED'] as const;

/** The `error` of the failure event for each ended status. */
export const ENDED_EXECUTION_ERRORS: Readonly<Record<(typeof ANNOUNCED_STATUSES)[number], string>> = {
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
};

export const ENDED_STATE_NAMES = {
  findRule: 'FindRule',
  readExecution: 'ReadExecution',
  readEvent: 'ReadEvent',
  describeEnd: 'DescribeEnd',
  describeTimeout: 'DescribeTimeout',
  describeAbort: 'DescribeAbort',
  publishFailure: 'PublishFailureEvent',
  notOurs: 'NotOurs',
  /** `Target1`, `Target2`, ...: one per announced state machine. */
  target: (index: number) => `Target${index + 1}`,
} as const;

/** Each DescribeExecution attempt; retried like a publish. */
const DESCRIBE_TIMEOUT_SECONDS = 10;
/** The whole announcement: a describe and a publish, with their retries, fit well within this. */
export const ENDED_EXECUTIONS_TIMEOUT_SECONDS = 600;

export interface AnnouncedStateMachine {
  readonly stateMachineArn: string;
  /** The rule's failure event: bus, source, detail-type. */
  readonly failureEvent: PublishedEvent;
  /** For the Comment of its target state, for example `rule charge-payment`. */
  readonly label: string;
}

export function buildEndedExecutionsAnnouncer(machines: readonly AnnouncedStateMachine[], comment?: string): StateMachineDefinition {
  if (machines.length === 0) throw new Error('the ended-executions announcer needs at least one state machine');
  const states: { [name: string]: State } = {};
  states[ENDED_STATE_NAMES.findRule] = {
    Type: 'Choice',
    Comment: 'Which rule the ended execution belongs to; a prefix-matched stranger is ignored.',
    Choices: machines.map((machine, index) => ({
      Variable: '$.detail.stateMachineArn',
      StringEquals: machine.stateMachineArn,
      Next: ENDED_STATE_NAMES.target(index),
    })),
    Default: ENDED_STATE_NAMES.notOurs,
  };
  machines.forEach((machine, index) => {
    states[ENDED_STATE_NAMES.target(index)] = {
      Type: 'Pass',
      Comment: `The failure event of ${machine.label}.`,
      Result: { EventBusName: machine.failureEvent.eventBusArn, Source: machine.failureEvent.source, DetailType: machine.failureEvent.detailType },
      ResultPath: '$.target',
      Next: ENDED_STATE_NAMES.readExecution,
    };
  });
  const readExecution: TaskState = {
    Type: 'Task',
    Comment: 'The input of the ended execution: the EventBridge event that started it.',
    Resource: DESCRIBE_EXECUTION_RESOURCE,
    Parameters: { 'ExecutionArn.$': '$.detail.executionArn' },
    ResultSelector: { 'input.$': '$.Input' },
    ResultPath: '$.execution',
    TimeoutSeconds: DESCRIBE_TIMEOUT_SECONDS,
    Retry: [{ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' }],
    Next: ENDED_STATE_NAMES.readEvent,
  };
  states[ENDED_STATE_NAMES.readExecution] = readExecution;
  states[ENDED_STATE_NAMES.readEvent] = {
    Type: 'Pass',
    // An execution's input is always JSON (StartExecution refuses anything else).
    Parameters: { 'event.$': 'States.StringToJson($.execution.input)' },
    ResultPath: '$.execution',
    Next: ENDED_STATE_NAMES.describeEnd,
  };
  states[ENDED_STATE_NAMES.describeEnd] = {
    Type: 'Choice',
    Choices: [{ Variable: '$.detail.status', StringEquals: 'TIMED_OUT', Next: ENDED_STATE_NAMES.describeTimeout }],
    Default: ENDED_STATE_NAMES.describeAbort,
  };
  const describe = (error: string): State => ({
    Type: 'Pass',
    Parameters: {
      'detail.$': '$.execution.event.detail',
      'target.$': '$.target',
      failure: { [FAILURE_FIELDS.error]: error, [`${FAILURE_FIELDS.failedEventId}.$`]: '$.execution.event.id' } as { [key: string]: JsonValue },
    },
    Next: ENDED_STATE_NAMES.publishFailure,
  });
  states[ENDED_STATE_NAMES.describeTimeout] = describe(ENDED_EXECUTION_ERRORS.TIMED_OUT);
  states[ENDED_STATE_NAMES.describeAbort] = describe(ENDED_EXECUTION_ERRORS.ABORTED);
  states[ENDED_STATE_NAMES.publishFailure] = putEventsState(
    { eventBusArnPath: '$.target.EventBusName', sourcePath: '$.target.Source', detailTypePath: '$.target.DetailType' },
    `States.JsonMerge($.detail, ${FAILURE_PATH}, false)`,
    undefined,
    "Publishes the rule's failure event, as its Catch would have.",
  );
  states[ENDED_STATE_NAMES.notOurs] = { Type: 'Succeed', Comment: "Another service's state machine whose name shares our prefix." };
  return {
    ...(comment === undefined ? {} : { Comment: comment }),
    StartAt: ENDED_STATE_NAMES.findRule,
    TimeoutSeconds: ENDED_EXECUTIONS_TIMEOUT_SECONDS,
    States: states,
  };
}

/**
 * The default-bus pattern for the TIMED_OUT and ABORTED executions of these state machines: their
 * exact ARNs when the pattern fits EventBridge's 2048 characters, else every state machine whose
 * name starts with `namePrefixArn` (the announcer ignores those that are not its own).
 */
export function endedExecutionsPattern(stateMachineArns: readonly string[], namePrefixArn: string): Record<string, unknown> {
  const pattern = (arns: unknown[]) => ({
    source: [EXECUTION_STATUS_CHANGE.source],
    'detail-type': [EXECUTION_STATUS_CHANGE.detailType],
    detail: { status: [...ANNOUNCED_STATUSES], stateMachineArn: arns },
  });
  const exact = pattern([...stateMachineArns]);
  return JSON.stringify(exact).length <= EVENT_PATTERN_MAX_LENGTH ? exact : pattern([{ prefix: namePrefixArn }]);
}
