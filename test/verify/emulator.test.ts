/**
 * The emulator tier's own decisions, without an emulator: which stacks may run at once, and how far
 * an execution got from its history.
 */
import { executionProgress, stackSchedule, type ExecutionHistoryEvent } from '../../verify/emulator';

const RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';
const entered = (name: string) => ({ type: 'TaskStateEntered', stateEnteredEventDetails: { name } });
const scheduled = (resource: string): ExecutionHistoryEvent => ({ type: 'TaskScheduled', taskScheduledEventDetails: { resource } });

describe('executionProgress: how far an execution got', () => {
  test("MiniStack's RunTask: scheduled and not ended, so its task runs", () => {
    expect(executionProgress([{ type: 'ExecutionStarted' }, entered('Run task'), scheduled(RUN_TASK_SYNC)])).toEqual({ state: 'running-task' });
    expect(executionProgress([{ type: 'ExecutionStarted' }, scheduled('arn:aws:states:::ecs:runTask')])).toEqual({ state: 'running-task' });
  });

  test("AWS's: started and submitted after scheduled (the .sync task is awaited)", () => {
    expect(executionProgress([{ type: 'ExecutionStarted' }, scheduled(RUN_TASK_SYNC), { type: 'TaskStarted' }])).toEqual({ state: 'running-task' });
    expect(executionProgress([{ type: 'ExecutionStarted' }, scheduled(RUN_TASK_SYNC), { type: 'TaskStarted' }, { type: 'TaskSubmitted' }, { type: 'TaskStateExited' }])).toEqual({
      state: 'running-task',
    });
  });

  test('a refused RunTask, waiting for its retry, is still starting; so is one not yet scheduled', () => {
    expect(executionProgress([{ type: 'ExecutionStarted' }, scheduled(RUN_TASK_SYNC), { type: 'TaskFailed' }])).toEqual({ state: 'starting' });
    expect(executionProgress([{ type: 'ExecutionStarted' }, entered('Run task')])).toEqual({ state: 'starting' });
    expect(executionProgress([])).toEqual({ state: 'starting' });
    // Retried after a failure: running again.
    expect(executionProgress([scheduled(RUN_TASK_SYNC), { type: 'TaskFailed' }, scheduled(RUN_TASK_SYNC)])).toEqual({ state: 'running-task' });
  });

  test('another task (the publish of a failure event) is not the ECS task', () => {
    expect(executionProgress([scheduled(RUN_TASK_SYNC), { type: 'TaskSucceeded' }, scheduled('arn:aws:states:::events:putEvents')])).toEqual({ state: 'starting' });
    expect(executionProgress([scheduled('arn:aws:states:::ecs:runTask.syncx')])).toEqual({ state: 'starting' });
    expect(executionProgress([scheduled('xarn:aws:states:::ecs:runTask')])).toEqual({ state: 'starting' });
    expect(executionProgress([{ type: 'TaskScheduled' }])).toEqual({ state: 'starting' });
  });

  test.each([
    ['ExecutionSucceeded', 'SUCCEEDED'],
    ['ExecutionFailed', 'FAILED'],
    ['ExecutionAborted', 'ABORTED'],
    ['ExecutionTimedOut', 'TIMED_OUT'],
  ])('%s: ended %s, whatever came before', (type, status) => {
    expect(executionProgress([scheduled(RUN_TASK_SYNC), { type }])).toEqual({ state: 'ended', status });
  });
});

describe('stackSchedule: the stacks each stack depends on, by name', () => {
  test("the manifest's dependencies (construct paths) become stack names", () => {
    const stacks = [
      { name: 'dev-base', workingDirectory: 'stacks/dev-base', dependencies: [] },
      { name: 'dev-monitoring', constructPath: 'app/dev-monitoring', workingDirectory: 'stacks/dev-monitoring', dependencies: [] },
      { name: 'dev-booking', workingDirectory: 'stacks/dev-booking', dependencies: ['app/dev-monitoring', 'dev-base'] },
    ];
    expect(stackSchedule(stacks)).toEqual([
      { name: 'dev-base', dependsOn: [] },
      { name: 'dev-monitoring', dependsOn: [] },
      { name: 'dev-booking', dependsOn: ['dev-monitoring', 'dev-base'] },
    ]);
  });

  test('a dependency outside the environment is refused, named', () => {
    expect(() => stackSchedule([{ name: 'dev-booking', workingDirectory: 'stacks/dev-booking', dependencies: ['prod-base'] }])).toThrow(
      'stack dev-booking depends on "prod-base", which is not a stack of its environment',
    );
  });
});
