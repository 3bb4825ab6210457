/**
 * The emulator tier's own decisions, without an emulator: how far an execution got from its history
 * (which stacks may run at once: tooling/stack-schedule.ts, and orderStacks' dependsOn).
 */
import { executionProgress, type ExecutionHistoryEvent } from '../../verify/emulator';

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
