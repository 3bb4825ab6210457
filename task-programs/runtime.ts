/**
 * What every task program shares at run time. A task ends in one of three ways:
 * - `main` resolves: the process exits 0 once nothing is left to do;
 * - `main` throws: the error is printed and the process exits 1 (the state machine's Catch decides);
 * - SIGTERM arrives (StopTask, the state machine stopping the task at its timeout, or a Fargate Spot
 *   interruption, which sends SIGTERM and stops the task two minutes later): the program says so and
 *   exits at once with 143 (128 + SIGTERM), as a process without a handler would. Without this, node
 *   as the container's PID 1 ignores SIGTERM (the kernel gives PID 1 no default signal actions) and
 *   dies only at the stop timeout's SIGKILL, 30 s later, holding the execution. The task definitions
 *   also run an init process (`initProcessEnabled`, modules/task-definitions) that forwards the
 *   signal. Work cut short is safe to repeat: every program handles an event once
 *   (booking-saga/handle-once.ts) and the state machine reruns a task Spot took back.
 */

/** 128 + SIGTERM's number (15): what ECS reports for a container ended by SIGTERM. */
export const SIGTERM_EXIT_CODE = 143;

export interface TaskRuntime {
  readonly onSignal: (signal: 'SIGTERM' | 'SIGINT', handler: () => void) => void;
  readonly exit: (code: number) => void;
  readonly error: (line: string) => void;
}

const processRuntime: TaskRuntime = {
  onSignal: (signal, handler) => process.once(signal, handler),
  exit: (code) => process.exit(code),
  error: (line) => console.error(line),
};

/** Runs a task program's `main` with the shared handling of errors and of SIGTERM; `name` prefixes its messages. */
export function runTaskProgram(name: string, main: () => Promise<void>, runtime: TaskRuntime = processRuntime): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    runtime.onSignal(signal, () => {
      runtime.error(`${name}: ${signal} received (the task is being stopped); exiting with ${SIGTERM_EXIT_CODE}, a rerun resumes the work`);
      runtime.exit(SIGTERM_EXIT_CODE);
    });
  }
  return main().catch((error: unknown) => {
    runtime.error(`${name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    runtime.exit(1);
  });
}
