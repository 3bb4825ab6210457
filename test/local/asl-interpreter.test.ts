/** The wrapper around aws-local-stepfunctions: what it adds, and the library bug it works around. */
import { StateMachine } from 'aws-local-stepfunctions';
import { ABANDONED, MAX_TIMER_SECONDS, runStateMachine, prepareDefinition, TaskError, type JsonValue } from '../../local/asl-interpreter';

const TASK = 'arn:aws:states:::ecs:runTask.sync';
const DETAIL = { text: 'say "hi"\\ now\nthen\ttab', name: 'Nguyễn 🎉' };

function singleTask(parameters: Record<string, JsonValue>, extra: Record<string, JsonValue> = {}) {
  return {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: TASK, Parameters: parameters, End: true, ...extra } },
  };
}

describe('the States.JsonToString backslash bug', () => {
  test('canary: the library itself still drops backslashes (drop the workaround when this fails)', async () => {
    let received: JsonValue = null;
    // Not validated: the bug is in running States.JsonToString, and asl-validator compiling its schemas costs 0.4 s here.
    const machine = new StateMachine(singleTask({ 'Json.$': 'States.JsonToString($.detail)' }) as never, { validationOptions: { noValidate: true } });
    await machine.run(
      { detail: DETAIL },
      {
        overrides: {
          taskResourceLocalHandlers: {
            Work: (input: JsonValue) => {
              received = input;
              return {};
            },
          },
        },
      },
    ).result;
    const json = (received as unknown as { Json: string }).Json;
    expect(json).not.toContain('\\');
    expect(() => JSON.parse(json)).toThrow();
  });

  test('the wrapper hands the handler valid JSON, wherever the field sits', async () => {
    const outcome = await runStateMachine({
      definition: singleTask({
        'Top.$': 'States.JsonToString($.detail)',
        List: [{ Inner: { 'Value.$': 'States.JsonToString($.detail.text)' } }],
        'Plain.$': '$.detail.name',
      }),
      input: { detail: DETAIL },
      handlers: { runTask: () => ({}) },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.calls[0]!.parameters).toEqual({
      Top: JSON.stringify(DETAIL),
      List: [{ Inner: { Value: JSON.stringify(DETAIL.text) } }],
      Plain: DETAIL.name,
    });
  });

  test('other intrinsics that lose backslashes are refused, not run wrongly', async () => {
    const formatInPass = {
      StartAt: 'Shape',
      States: { Shape: { Type: 'Pass', Parameters: { 'm.$': "States.Format('{}', $.detail.text)" }, End: true } },
    };
    await expect(runStateMachine({ definition: formatInPass, input: { detail: DETAIL }, handlers: {} })).rejects.toThrow(/Shape\.Parameters\.m\.\$ uses States\.Format/);
    const nested = singleTask({ 'm.$': "States.Format('{}', States.JsonToString($.detail))" });
    await expect(runStateMachine({ definition: nested, input: { detail: DETAIL }, handlers: { runTask: () => ({}) } })).rejects.toThrow(/Work\.Parameters\.m\.\$ uses States\.Format/);
  });

  test('safe intrinsics are left to the library (States.JsonMerge)', () => {
    const prepared = prepareDefinition(singleTask({ 'd.$': 'States.JsonMerge($.a, $.b, false)' }));
    expect((prepared.definition.States as Record<string, { Parameters: unknown }>).Work.Parameters).toEqual({
      'd.$': 'States.JsonMerge($.a, $.b, false)',
    });
    expect(prepared.tasks.get('Work')).toEqual({ resource: TASK, deferredJsonToString: [], timeoutSeconds: MAX_TIMER_SECONDS });
  });
});

describe('context object and execution ARN', () => {
  test('derived from the state machine ARN and execution name', async () => {
    const outcome = await runStateMachine({
      definition: singleTask({ 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Id' }),
      input: {},
      handlers: { runTask: () => ({}) },
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-a-b',
      executionName: 'run-1',
    });
    expect(outcome.calls[0]!.parameters).toEqual({
      id: 'arn:aws:states:eu-west-1:123456789012:execution:dev-a-b:run-1',
      name: 'run-1',
      machine: 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-a-b',
    });
  });

  test('an explicit execution ARN wins; the definition may be a JSON string', async () => {
    const outcome = await runStateMachine({
      definition: JSON.stringify(singleTask({ 'id.$': '$$.Execution.Id' })),
      input: {},
      handlers: { runTask: (_parameters, call) => ({ seen: call.executionArn }) },
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:m:given',
    });
    expect(outcome.output).toEqual({ seen: 'arn:aws:states:eu-west-1:123456789012:execution:m:given' });
    expect(outcome.calls[0]!.parameters).toEqual({ id: 'arn:aws:states:eu-west-1:123456789012:execution:m:given' });
  });
});

describe('handlers', () => {
  test('a Task state without a handler is refused instead of calling AWS', async () => {
    await expect(runStateMachine({ definition: singleTask({}), input: {}, handlers: { putEvents: () => ({}) } })).rejects.toThrow(
      /Task state "Work" \(resource arn:aws:states:::ecs:runTask.sync\) has no local handler/,
    );
  });

  test('byResource handles any resource and wins over the named handlers', async () => {
    const outcome = await runStateMachine({
      definition: singleTask({}),
      input: {},
      handlers: { runTask: () => ({ by: 'name' }), byResource: { [TASK]: () => ({ by: 'resource' }) } },
    });
    expect(outcome.output).toEqual({ by: 'resource' });
  });

  test('a thrown error name is what Retry matches; retryIntervalMs skips the real backoff', async () => {
    const definition = singleTask({}, { Retry: [{ ErrorEquals: ['Custom.Flaky'], IntervalSeconds: 3600, MaxAttempts: 2 }] });
    const outcome = await runStateMachine({
      definition,
      input: {},
      retryIntervalMs: 0,
      handlers: {
        runTask: (_parameters, call) => {
          if (call.attempt < 3) {
            const error = new Error('flaky');
            error.name = 'Custom.Flaky';
            throw error;
          }
          return { attempt: call.attempt };
        },
      },
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toEqual({ attempt: 3 });
    expect(outcome.calls.map((call) => call.error?.error ?? 'ok')).toEqual(['Custom.Flaky', 'Custom.Flaky', 'ok']);
    // Without the override the hour-long IntervalSeconds would outlast Jest's timeout.
  });

  test('a failed execution reports error and cause instead of throwing', async () => {
    const outcome = await runStateMachine({
      definition: singleTask({}),
      input: {},
      handlers: {
        runTask: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a handler that throws a string does
          throw 'not an Error object';
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Error', cause: 'not an Error object' });
    expect(outcome.events.map((event) => event.type)).toEqual(['ExecutionStarted', 'StateEntered', 'StateFailed', 'ExecutionFailed']);
  });

  test('aborting the signal stops the execution', async () => {
    const controller = new AbortController();
    const outcome = await runStateMachine({
      definition: singleTask({}, { TimeoutSeconds: 5 }),
      input: {},
      signal: controller.signal,
      handlers: {
        runTask: () =>
          new Promise((resolve) => {
            controller.signal.addEventListener('abort', () => resolve({}));
            setImmediate(() => controller.abort());
          }),
      },
    });
    expect(outcome.status).toBe('ABORTED');
  });
});

describe('definition checks', () => {
  test('state names must be unique across nested machines', () => {
    const branch = { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } };
    const definition = {
      StartAt: 'Work',
      States: { Work: { Type: 'Parallel', Branches: [branch], End: true } },
    };
    expect(() => prepareDefinition(definition)).toThrow(/state name "Work" is used twice/);
  });

  test('a definition the library refuses is refused every time (only acceptances are remembered)', async () => {
    const unknownType = { StartAt: 'Work', States: { Work: { Type: 'Bogus', End: true } } };
    for (let attempt = 0; attempt < 2; attempt++)
      await expect(runStateMachine({ definition: unknownType, input: {}, handlers: {} })).rejects.toThrow(/definition is invalid[\s\S]*\/States\/Work\/Type is invalid/);
    // The same shape, valid, runs (and again, now remembered).
    const valid = { StartAt: 'Work', States: { Work: { Type: 'Succeed' } } };
    for (let attempt = 0; attempt < 2; attempt++) expect((await runStateMachine({ definition: valid, input: { n: attempt }, handlers: {} })).status).toBe('SUCCEEDED');
  });

  test('invalid JSON is reported as such', async () => {
    await expect(runStateMachine({ definition: '{"StartAt":', input: {}, handlers: {} })).rejects.toThrow(/state machine definition is not valid JSON/);
  });
});

describe('where aws-local-stepfunctions differs from AWS, the wrapper behaves as AWS', () => {
  /**
   * Runs `body` on Jest's fake clock, which `advance` moves: the timeouts stay the whole seconds AWS
   * requires, and a test waits no real second for them.
   */
  async function onFakeClock<T>(body: (advance: (ms: number) => Promise<void>) => Promise<T>): Promise<T> {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      return await body(async (ms) => {
        await jest.advanceTimersByTimeAsync(ms);
      });
    } finally {
      jest.useRealTimers();
    }
  }
  const waitForAbort = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

  test('a Task state that times out abandons the call (its signal aborts) and fails with States.Timeout, which States.TaskFailed does not catch', async () => {
    const seen: unknown[] = [];
    const definition = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: TASK,
          TimeoutSeconds: 1,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.caught', Next: 'TimedOut' },
          ],
          End: true,
        },
        Wrong: { Type: 'Fail', Error: 'Wrong' },
        TimedOut: { Type: 'Pass', End: true },
      },
    };
    const outcome = await onFakeClock(async (advance) => {
      const running = runStateMachine({
        definition,
        input: {},
        handlers: {
          runTask: async (_parameters, call) => {
            seen.push(await waitForAbort(call.signal));
            return { lateResult: true };
          },
        },
      });
      // TimeoutSeconds 1: still waiting a millisecond before, abandoned at the second.
      await advance(999);
      expect(seen).toEqual([]);
      await advance(1);
      return running;
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toEqual({ caught: { Error: 'States.Timeout', Cause: expect.any(String) } });
    expect(seen).toEqual([ABANDONED.stateTimedOut]);
  });

  test('when the execution ends, a call still running is abandoned', async () => {
    let reason: unknown;
    const outcome = await onFakeClock(async (advance) => {
      const running = runStateMachine({
        definition: { StartAt: 'Work', TimeoutSeconds: 1, States: { Work: { Type: 'Task', Resource: TASK, TimeoutSeconds: 30, End: true } } },
        input: {},
        handlers: {
          runTask: async (_parameters, call) => {
            reason = await waitForAbort(call.signal);
          },
        },
      });
      // The execution's TimeoutSeconds 1: still running a millisecond before, ended at the second.
      await advance(999);
      expect(reason).toBeUndefined();
      await advance(1);
      return running;
    });
    expect(outcome.status).toBe('TIMED_OUT');
    expect(reason).toBe(ABANDONED.executionEnded);
  });

  test('a Task state without TimeoutSeconds waits as AWS does, not 60 s', async () => {
    const prepared = prepareDefinition(singleTask({}));
    expect(prepared.tasks.get('Work')!.timeoutSeconds).toBe(MAX_TIMER_SECONDS);
    const outcome = await onFakeClock(async (advance) => {
      let finish!: () => void;
      const running = runStateMachine({
        definition: singleTask({}),
        input: {},
        handlers: { runTask: () => new Promise<JsonValue>((resolve) => (finish = () => resolve({ done: true }))) },
      });
      await advance(61_000);
      finish();
      await advance(10);
      return running;
    });
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { done: true } });
  });

  test('timeouts longer than a Node timer holds do not fire at once', async () => {
    const definition = {
      StartAt: 'Pause',
      TimeoutSeconds: 31_536_000,
      States: {
        Pause: { Type: 'Wait', Seconds: 0, Next: 'Work' },
        Work: { Type: 'Task', Resource: TASK, TimeoutSeconds: 3_000_000, End: true },
      },
    };
    const outcome = await runStateMachine({
      definition,
      input: {},
      handlers: { runTask: () => new Promise((resolve) => setTimeout(() => resolve({ ok: 1 }), 30)) },
    });
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { ok: 1 } });
    const prepared = prepareDefinition({ ...definition, States: { ...definition.States, Pause: { Type: 'Wait', Seconds: 40_000_000, Next: 'Work' } } });
    expect(prepared.definition.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    expect((prepared.definition.States as Record<string, { Seconds?: number; TimeoutSeconds?: number }>).Pause.Seconds).toBe(MAX_TIMER_SECONDS);
  });

  test('ResultPath "$" replaces the input with the result, in a state and in a Catch', async () => {
    const definition = {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: TASK, ResultPath: '$', Next: 'Fails' },
        Fails: { Type: 'Task', Resource: 'arn:aws:states:::fails', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Done' }], End: true },
        Done: { Type: 'Pass', End: true },
      },
    };
    const inputs: JsonValue[] = [];
    const outcome = await runStateMachine({
      definition,
      input: { original: true },
      handlers: {
        runTask: () => ({ result: 1 }),
        byResource: {
          'arn:aws:states:::fails': (parameters) => {
            inputs.push(parameters);
            throw new TaskError('Custom.Error', 'it broke');
          },
        },
      },
    });
    expect(inputs).toEqual([{ result: 1 }]);
    expect(outcome.output).toEqual({ Error: 'Custom.Error', Cause: 'it broke' });
  });

  test('States.Runtime is neither retried nor caught by States.ALL', async () => {
    const outcome = await runStateMachine({
      definition: {
        StartAt: 'Work',
        States: {
          Work: { Type: 'Task', Resource: TASK, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
      input: {},
      retryIntervalMs: 0,
      handlers: {
        runTask: () => {
          throw new TaskError('States.Runtime', 'bad path');
        },
      },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(outcome.calls).toHaveLength(1);
  });

  test('TimeoutSecondsPath is refused, not run with a wrong timeout', () => {
    expect(() => prepareDefinition(singleTask({}, { TimeoutSecondsPath: '$.t' }))).toThrow(/Task state "Work" uses TimeoutSecondsPath/);
  });
});
