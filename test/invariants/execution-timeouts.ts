/**
 * An execution's own timeout cannot be caught: no failure event, and the booking stays pending. So
 * the worst case of everything a synthesized definition can do before it publishes its outcome must
 * fit its `TimeoutSeconds`. Worked out here from the synthesized JSON itself (the states' own
 * TimeoutSeconds, Retry and Wait fields, AWS's defaults where a field is absent), not from the
 * budget function that derived them.
 */
import { API_ATTEMPT_ALLOWANCE_SECONDS, STATE_TRANSITIONS_ALLOWANCE_SECONDS } from '../../core/asl';
import { resources } from '../support/synth';
import { stackOf, type Subject } from './subject';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Task state without TimeoutSeconds may run 99999999 seconds (Step Functions' default). */
const DEFAULT_TASK_TIMEOUT = 99_999_999;

/** Retrier defaults of the States Language: 1 s, 3 attempts, rate 2, no cap. */
function waits(retrier: Json): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let n = 0; n < (retrier.MaxAttempts ?? 3); n++) total += Math.min(interval * rate ** n, cap);
  return total;
}

/**
 * One entry of a Task state at its worst: every retry refused after a short API call, with all its
 * waits, and then an attempt that runs to its timeout. For a publish every attempt may time out.
 */
function worstEntry(state: Json, everyAttemptTimesOut: boolean): number {
  const timeout = state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT;
  const retriers: Json[] = state.Retry ?? [];
  const retries = retriers.reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0);
  const waited = retriers.reduce((sum, retrier) => sum + waits(retrier), 0);
  return everyAttemptTimesOut ? (1 + retries) * timeout + waited : timeout + waited + retries * API_ATTEMPT_ALLOWANCE_SECONDS;
}

/** How often RunTask can be entered, and the waits between: from the run counter the definition keeps. */
function reruns(definition: Json): { runs: number; waitSeconds: number } {
  const first = Object.values(definition.States as Record<string, Json>).find((state) => state.ResultPath === '$.taskRuns');
  if (!first) return { runs: 1, waitSeconds: 0 };
  const bounds = JSON.stringify(definition.States).match(/"Variable":"\$\.taskRuns\.count","NumericLessThan":(\d+)/g) ?? [];
  const runs = Math.max(1, ...bounds.map((bound) => Number(/(\d+)$/.exec(bound)![1])));
  // Each rerun doubles the wait (States.MathAdd(w, w)) before it waits.
  let wait = first.Result.waitSeconds as number;
  let waitSeconds = 0;
  for (let rerun = 1; rerun < runs; rerun++) {
    wait *= 2;
    waitSeconds += wait;
  }
  return { runs, waitSeconds };
}

/** The RunTask states of a definition: one for a rule's task, one per step and compensation for a flow. */
const runTaskStates = (definition: Json): Json[] =>
  Object.values(definition.States as Record<string, Json>).filter((state) => state.Type === 'Task' && String(state.Resource).startsWith('arn:aws:states:::ecs:runTask'));

function worstCaseSeconds(definition: Json): number {
  const states = definition.States as Record<string, Json>;
  const { runs, waitSeconds } = reruns(definition);
  // Success and failure publishes are on different paths: the longer one counts.
  const publishes = Object.values(states).filter((state) => state.Type === 'Task' && state.Resource === 'arn:aws:states:::events:putEvents');
  const publish = Math.max(0, ...publishes.map((state) => worstEntry(state, true)));
  // A flow's longest path enters every RunTask: each step (the last one fails), then each compensation,
  // each with the Pass and Choice states around it.
  const entries = runTaskStates(definition);
  const tasks = entries.reduce((sum, runTask) => sum + runs * worstEntry(runTask, false) + waitSeconds, 0);
  return tasks + publish + STATE_TRANSITIONS_ALLOWANCE_SECONDS * entries.length;
}

export function executionTimeoutInvariants(subject: Subject): void {
  const machines = subject.environments.flatMap((env) =>
    subject.catalog.services.flatMap((service) =>
      Object.values(resources(stackOf(subject, `${env.name}-${service.name}`), 'aws_sfn_state_machine'))
        .filter((machine) => runTaskStates(JSON.parse(machine.definition as string) as Json).length > 0)
        .map((machine) => ({ name: machine.name as string, definition: JSON.parse(machine.definition as string) as Json })),
    ),
  );

  test('every rule has a state machine to check', () => {
    expect(machines.length).toBe(subject.environments.length * subject.catalog.services.reduce((sum, service) => sum + service.rules.length, 0));
  });

  describe.each(machines)('$name', ({ definition }) => {
    test('the worst case of every run, retry, wait and publish ends before the execution times out', () => {
      const worst = worstCaseSeconds(definition);
      expect({ worst, timeout: definition.TimeoutSeconds, fits: worst <= definition.TimeoutSeconds }).toMatchObject({ fits: true });
      // And the task is not starved: when a publish is part of the worst case, less than a second per run is left unused.
      if (JSON.stringify(definition).includes('events:putEvents')) expect(definition.TimeoutSeconds - worst).toBeLessThan(reruns(definition).runs * runTaskStates(definition).length);
    });
  });
}
