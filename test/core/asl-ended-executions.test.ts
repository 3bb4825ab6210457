/**
 * The announcer of executions that ended TIMED_OUT or ABORTED (core/asl-ended-executions.ts), built
 * directly and run in the local interpreter with the status change event Step Functions sends: the
 * rule's failure event gets the detail of the execution's input and the error of its end, and a
 * stranger's execution is ignored. test/stacks/ended-executions.test.ts checks the synthesized one.
 */
import {
  ANNOUNCED_STATUSES,
  type AnnouncedStateMachine,
  buildEndedExecutionsAnnouncer,
  DESCRIBE_EXECUTION_RESOURCE,
  ENDED_EXECUTION_ERRORS,
  ENDED_EXECUTIONS_TIMEOUT_SECONDS,
  ENDED_STATE_NAMES,
  endedExecutionsPattern,
  EXECUTION_STATUS_CHANGE,
} from '../../core/asl-ended-executions';
import type { TaskState } from '../../core/asl';
import { type JsonValue, runStateMachine, statesEntered } from '../../local/asl-interpreter';
import { validateAsl } from '../support/asl-validator';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const machineArn = (name: string) => `arn:aws:states:eu-west-1:111122223333:stateMachine:${name}`;
const busArn = (name: string) => `arn:aws:events:eu-west-1:111122223333:event-bus/${name}`;

const machines: AnnouncedStateMachine[] = [
  { stateMachineArn: machineArn('dev-pay-charge'), failureEvent: { eventBusArn: busArn('dev-pay'), source: 'saga.pay', detailType: 'PaymentFailed' }, label: 'rule charge' },
  { stateMachineArn: machineArn('dev-pay-refund'), failureEvent: { eventBusArn: busArn('dev-pay'), source: 'saga.pay', detailType: 'RefundFailed' }, label: 'rule refund' },
];

const startingEvent = { version: '0', id: 'event-7', 'detail-type': 'BookingCreated', source: 'saga.booking', detail: { bookingId: 'b-"7"', seats: [1, 2] } };

/** A "Step Functions Execution Status Change" event, its input left out (as for an input over 248 KB). */
function statusChange(machine: string, status: string): Json {
  const executionArn = `arn:aws:states:eu-west-1:111122223333:execution:${machine}:run-1`;
  return {
    id: 'status-1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { executionArn, stateMachineArn: machineArn(machine), status, input: null, inputDetails: { included: false } },
  };
}

async function announce(event: Json, definition = buildEndedExecutionsAnnouncer(machines)) {
  const described: Json[] = [];
  const published: Json[] = [];
  const outcome = await runStateMachine({
    definition,
    input: event as JsonValue,
    retryIntervalMs: 0,
    handlers: {
      byResource: {
        [DESCRIBE_EXECUTION_RESOURCE]: (parameters) => {
          described.push(parameters as Json);
          return { ExecutionArn: (parameters as Json).ExecutionArn, Status: event.detail.status, Input: JSON.stringify(startingEvent), Name: 'run-1' };
        },
      },
      putEvents: (parameters) => {
        published.push(...((parameters as Json).Entries as Json[]));
        return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
      },
    },
  });
  return { outcome, described, published };
}

describe('the announcer', () => {
  test.each([
    ['TIMED_OUT', 'ExecutionTimedOut', 'DescribeTimeout'],
    ['ABORTED', 'ExecutionAborted', 'DescribeAbort'],
  ])("an execution that ended %s: its rule's failure event, with the detail of its input", async (status, error, describeState) => {
    for (const [index, machine] of ['dev-pay-charge', 'dev-pay-refund'].entries()) {
      const event = statusChange(machine, status);
      const { outcome, described, published } = await announce(event);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(statesEntered(outcome)).toEqual(['FindRule', `Target${index + 1}`, 'ReadExecution', 'ReadEvent', 'DescribeEnd', describeState, 'PublishFailureEvent']);
      expect(described).toEqual([{ ExecutionArn: event.detail.executionArn }]);
      expect(published).toEqual([
        {
          EventBusName: busArn('dev-pay'),
          Source: 'saga.pay',
          DetailType: machines[index]!.failureEvent.detailType,
          Detail: { bookingId: 'b-"7"', seats: [1, 2], error, failedEventId: 'event-7' },
        },
      ]);
    }
  });

  test('the failure fields win over a detail that has fields of the same names', async () => {
    const own = { ...startingEvent, detail: { error: 'spoofed', failedEventId: 'spoofed', keep: true } };
    const published: Json[] = [];
    await runStateMachine({
      definition: buildEndedExecutionsAnnouncer(machines),
      input: statusChange('dev-pay-charge', 'TIMED_OUT') as JsonValue,
      retryIntervalMs: 0,
      handlers: {
        byResource: { [DESCRIBE_EXECUTION_RESOURCE]: () => ({ Input: JSON.stringify(own) }) },
        putEvents: (parameters) => {
          published.push(...((parameters as Json).Entries as Json[]));
          return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
        },
      },
    });
    expect(published.map((entry) => entry.Detail)).toEqual([{ error: 'ExecutionTimedOut', failedEventId: 'event-7', keep: true }]);
  });

  test('a state machine that only shares the name prefix is not ours: nothing read, nothing published', async () => {
    const { outcome, described, published } = await announce(statusChange('dev-pay-charge-2', 'TIMED_OUT'));
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(outcome)).toEqual(['FindRule', 'NotOurs']);
    expect(described).toEqual([]);
    expect(published).toEqual([]);
  });

  test('a DescribeExecution that fails transiently is retried; one that keeps failing fails the announcement', async () => {
    let calls = 0;
    const flaky = await runStateMachine({
      definition: buildEndedExecutionsAnnouncer(machines),
      input: statusChange('dev-pay-charge', 'ABORTED') as JsonValue,
      retryIntervalMs: 0,
      handlers: {
        byResource: {
          [DESCRIBE_EXECUTION_RESOURCE]: () => {
            calls++;
            if (calls < 5) throw Object.assign(new Error('throttled'), { name: calls % 2 ? 'States.TaskFailed' : 'States.Timeout' });
            return { Input: JSON.stringify(startingEvent) };
          },
        },
        putEvents: () => ({ Entries: [{ EventId: 'e' }], FailedEntryCount: 0 }),
      },
    });
    expect(flaky.status).toBe('SUCCEEDED');
    expect(calls).toBe(5);
  });

  test('the definition: valid ASL, plain JSON, bounded in time, each read bounded and retried with jitter', () => {
    const definition = buildEndedExecutionsAnnouncer(machines, 'announces dev-pay');
    const validation = validateAsl(definition);
    expect({ valid: validation.isValid, errors: validation.errorsText() }).toEqual({ valid: true, errors: '' });
    expect(JSON.parse(JSON.stringify(definition))).toStrictEqual(definition);
    expect(definition.Comment).toBe('announces dev-pay');
    expect(definition.StartAt).toBe('FindRule');
    expect(definition.TimeoutSeconds).toBe(ENDED_EXECUTIONS_TIMEOUT_SECONDS);
    expect(ENDED_EXECUTIONS_TIMEOUT_SECONDS).toBe(600);
    expect(Object.keys(definition.States)).toEqual([
      'FindRule',
      'Target1',
      'Target2',
      'ReadExecution',
      'ReadEvent',
      'DescribeEnd',
      'DescribeTimeout',
      'DescribeAbort',
      'PublishFailureEvent',
      'NotOurs',
    ]);
    expect(definition.States.Target2).toMatchObject({ Comment: 'The failure event of rule refund.' });
    const read = definition.States[ENDED_STATE_NAMES.readExecution] as TaskState;
    expect(read).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:sfn:describeExecution',
      Parameters: { 'ExecutionArn.$': '$.detail.executionArn' },
      ResultSelector: { 'input.$': '$.Input' },
      TimeoutSeconds: 10,
      Retry: [{ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' }],
    });
    expect(buildEndedExecutionsAnnouncer(machines).Comment).toBeUndefined();
    expect('Comment' in buildEndedExecutionsAnnouncer(machines)).toBe(false);
  });

  test('it needs a state machine to announce', () => {
    expect(() => buildEndedExecutionsAnnouncer([])).toThrow('the ended-executions announcer needs at least one state machine');
  });

  test('names and errors', () => {
    expect(EXECUTION_STATUS_CHANGE).toEqual({ source: 'aws.states', detailType: 'Step Functions Execution Status Change' });
    expect(ANNOUNCED_STATUSES).toEqual(['TIMED_OUT', 'ABORTED']);
    expect(ENDED_EXECUTION_ERRORS).toEqual({ TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' });
    expect(ENDED_STATE_NAMES.target(0)).toBe('Target1');
  });
});

describe('the default-bus pattern', () => {
  const prefix = machineArn('dev-pay-');

  test('the exact ARNs of the state machines, for their TIMED_OUT and ABORTED executions', () => {
    expect(endedExecutionsPattern([machineArn('a'), machineArn('b')], prefix)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['TIMED_OUT', 'ABORTED'], stateMachineArn: [machineArn('a'), machineArn('b')] },
    });
  });

  test('the name prefix once the exact ARNs would exceed 2048 characters, and not one character before', () => {
    const lengthWith = (arns: string[]) => JSON.stringify(endedExecutionsPattern(arns, prefix)).length;
    // Grow the last ARN until the exact pattern is exactly 2048 characters long.
    const arns = Array.from({ length: 20 }, (_, i) => machineArn(`dev-pay-rule-${i}`));
    const exactLength = lengthWith(arns);
    expect(exactLength).toBeLessThan(2048);
    arns[19] = `${arns[19]}${'x'.repeat(2048 - exactLength)}`;
    const fits = endedExecutionsPattern(arns, prefix) as { detail: { stateMachineArn: unknown[] } };
    expect(JSON.stringify(fits).length).toBe(2048);
    expect(fits.detail.stateMachineArn).toEqual(arns);
    arns[19] = `${arns[19]}x`;
    expect(endedExecutionsPattern(arns, prefix)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['TIMED_OUT', 'ABORTED'], stateMachineArn: [{ prefix }] },
    });
  });

  test("the pattern does not share the caller's array", () => {
    const arns = [machineArn('a')];
    const pattern = endedExecutionsPattern(arns, prefix) as { detail: { stateMachineArn: unknown[] } };
    arns.push(machineArn('b'));
    expect(pattern.detail.stateMachineArn).toEqual([machineArn('a')]);
  });
});
