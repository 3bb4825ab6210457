/**
 * A task handles each event once, whatever EventBridge and the state machine do: EventBridge
 * delivers at least once (the same event, same `id`, may start two executions), and a state
 * machine reruns a task that never started or that Fargate Spot took back.
 *
 * The first execution to claim an event id handles it; a task of another execution that finds the
 * claim does nothing and exits with ALREADY_HANDLED_EXIT_CODE, so that its state machine ends
 * without announcing anything: the claiming execution is responsible (it succeeds, or its failure
 * event compensates), and a second announcement would be a second truth (a flow's duplicate
 * execution announced BookingConfirmed for a booking the first had cancelled). A rerun in the
 * claiming execution resumes: the task's side effects are keyed by themselves (a charge by the
 * event id, a refund by the charge), so repeating the handling repeats none of them, and the
 * follow-up event it could not publish before is published now.
 */
import { ALREADY_HANDLED_EXIT_CODE, readFlowRun, type TaskEvent, type TaskFlowRun } from '../../event-client';
import type { ServiceStore } from './store';

const CLAIMS = 'handled-events';

interface Claim {
  readonly eventId: string;
  readonly executionArn: string;
  readonly state: 'handling' | 'done';
}

/** Sets the exit code the task program ends with (process.exitCode in a task). */
export type SetExitCode = (code: number) => void;
const setProcessExitCode: SetExitCode = (code) => {
  process.exitCode = code;
};

export interface HandleOnceOptions {
  readonly log?: (line: string) => void;
  readonly setExitCode?: SetExitCode;
  /** The flow step this run belongs to (default: read from the container's environment), undefined under a rule. */
  readonly flow?: TaskFlowRun | undefined;
}

/**
 * What a claim is for: the event as one state machine handles it (the rule's, named in the
 * execution ARN `arn:aws:states:<region>:<account>:execution:<state machine>:<name>`), and in a flow
 * one step's run or compensation. A duplicate delivery starts another execution of the same state
 * machine, so it finds the claim; another rule on the same event, or another step of the same flow
 * whose task lives in the same service, is other work and claims its own. Keyed by the event id
 * alone, the second of two steps in one service found the first step's claim and did nothing.
 */
export function claimKey(event: Pick<TaskEvent<unknown>, 'id' | 'executionArn'>, flow: TaskFlowRun | undefined): string {
  const stateMachine = event.executionArn?.split(':')[6] ?? 'unknown state machine';
  return [event.id, stateMachine, ...(flow ? [`${flow.flow}/${flow.step}`, flow.role] : [])].join(' ');
}

/**
 * Runs `handle` unless this event was handled, or is being handled, by another execution; then the
 * task is to exit with ALREADY_HANDLED_EXIT_CODE (set through `setExitCode`) and false is returned.
 */
export async function handleOnce(store: ServiceStore, event: TaskEvent<unknown>, handle: () => void | Promise<void>, options: HandleOnceOptions = {}): Promise<boolean> {
  const { log = console.log, setExitCode = setProcessExitCode } = options;
  const flow = 'flow' in options ? options.flow : readFlowRun();
  const executionArn = event.executionArn ?? 'unknown execution';
  const key = claimKey(event, flow);
  const claim: Claim = { eventId: event.id, executionArn, state: 'handling' };
  if (!store.insert(CLAIMS, key, claim)) {
    const existing = store.get<Claim>(CLAIMS, key);
    if (existing?.executionArn !== executionArn) {
      log(`event ${event.id} was delivered again: execution ${existing?.executionArn ?? '?'} handles it; exiting ${ALREADY_HANDLED_EXIT_CODE} so that this execution announces nothing`);
      setExitCode(ALREADY_HANDLED_EXIT_CODE);
      return false;
    }
    if (existing.state === 'done') {
      log(`event ${event.id} is already handled by this execution`);
      return true;
    }
    log(`event ${event.id}: resuming what an earlier run of this execution did not finish`);
  }
  await handle();
  store.put(CLAIMS, key, { ...claim, state: 'done' });
  return true;
}
