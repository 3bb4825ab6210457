/**
 * The booking saga's tasks as steps of the orchestrated flow: what a task is told (readFlowRun,
 * strict about half-set variables), and what the charge's compensation refunds for each failure.
 */
import { readFlowRun, TaskEventError } from '../../event-client';
import { flowChargeOf } from '../../task-programs/booking-saga/cancel-booking';
import { DECLINED_EXIT_CODE } from '../../task-programs/booking-saga/flow';
import { paymentIdFor } from '../../task-programs/booking-saga/payments';

describe('readFlowRun', () => {
  it('is undefined when a rule started the task on its own (choreography)', () => {
    expect(readFlowRun({ eventId: 'e-1' })).toBeUndefined();
  });

  it('reads a step run', () => {
    expect(readFlowRun({ flowStep: 'book/charge', flowRole: 'run' })).toEqual({ flow: 'book', step: 'charge', role: 'run' });
  });

  it('reads a compensation and what failed, a missing exit code as null', () => {
    const failure = JSON.stringify({ failedStep: 'reserve-seats', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 3 });
    expect(readFlowRun({ flowStep: 'book/charge', flowRole: 'compensate', flowFailure: failure })).toEqual({
      flow: 'book',
      step: 'charge',
      role: 'compensate',
      failure: { failedStep: 'reserve-seats', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 3 },
    });
    const timedOut = JSON.stringify({ failedStep: 'charge', error: 'States.Timeout', stopCode: '', exitCode: null });
    expect(readFlowRun({ flowStep: 'book/charge', flowRole: 'compensate', flowFailure: timedOut })?.failure).toEqual({
      failedStep: 'charge',
      error: 'States.Timeout',
      stopCode: '',
      exitCode: null,
    });
  });

  it.each([
    ['a role without a step', { flowRole: 'run' }, /flowStep must be "<flow>\/<step>", got undefined/],
    ['a step without a flow', { flowStep: 'charge', flowRole: 'run' }, /flowStep must be "<flow>\/<step>", got "charge"/],
    ['a step with an empty name', { flowStep: 'book/', flowRole: 'run' }, /flowStep must be/],
    ['an unknown role', { flowStep: 'book/charge', flowRole: 'undo' }, /flowRole must be one of run, compensate, got "undo"/],
    ['a compensation not told what failed', { flowStep: 'book/charge', flowRole: 'compensate' }, /flowFailure must be the JSON of/],
    ['a compensation told something that is not JSON', { flowStep: 'book/charge', flowRole: 'compensate', flowFailure: '{oops' }, /flowFailure must be the JSON of/],
    ['a failure without its step', { flowStep: 'book/charge', flowRole: 'compensate', flowFailure: '{"error":"States.TaskFailed"}' }, /flowFailure must be/],
  ])('refuses %s', (_name, env, message) => {
    expect(() => readFlowRun(env)).toThrow(TaskEventError);
    expect(() => readFlowRun(env)).toThrow(message);
  });
});

describe("the charge's compensation in the flow", () => {
  const eventId = '0d7e3a3c-5d2a-4c9a-9f0a-1b2c3d4e5f60';
  const compensation = (failure: { failedStep: string; error: string; stopCode: string; exitCode: number | null }) =>
    flowChargeOf({ flow: 'book', step: 'charge', role: 'compensate', failure }, eventId);

  it('refunds the charge when a later step failed: the charge succeeded', () => {
    expect(compensation({ failedStep: 'reserve-seats', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: DECLINED_EXIT_CODE })).toBe(paymentIdFor(eventId));
  });

  it('refunds nothing when the charge itself declined', () => {
    expect(compensation({ failedStep: 'charge', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: DECLINED_EXIT_CODE })).toBeUndefined();
  });

  it('refunds when the charge crashed or timed out: it may have charged', () => {
    expect(compensation({ failedStep: 'charge', error: 'States.TaskFailed', stopCode: 'EssentialContainerExited', exitCode: 1 })).toBe(paymentIdFor(eventId));
    expect(compensation({ failedStep: 'charge', error: 'States.Timeout', stopCode: '', exitCode: null })).toBe(paymentIdFor(eventId));
  });

  it('refunds nothing when the charge never started or ECS refused it', () => {
    expect(compensation({ failedStep: 'charge', error: 'States.TaskFailed', stopCode: 'TaskFailedToStart', exitCode: null })).toBeUndefined();
    expect(compensation({ failedStep: 'charge', error: 'ECS.AccessDeniedException', stopCode: '', exitCode: null })).toBeUndefined();
  });
});
