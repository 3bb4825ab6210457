/**
 * The faults a local run can inject, as written on the command line and in scenario files, so that
 * every retry, rerun and compensation path of the synthesized state machines runs end to end.
 * Pure: parsing and the catalogue of kinds; local/ecs.ts and local/delivery.ts apply them.
 */
import { UsageError } from '../tooling/cli';

/**
 * How a RunTask call fails. Each kind drives one path of docs/state-machines.md:
 * - `capacity`: no Fargate capacity (`failures` in RunTask's answer) → `AmazonECS.Unknown` → Retry.
 * - `server-error`: RunTask's HTTP 500 → `ECS.ServerException` → Retry.
 * - `throttled`: RunTask throttled → `ECS.AmazonECSException` → Retry.
 * - `throttled-lookup`: RunTask's EC2 lookup throttled → `ECS.InvalidParameterException` "Request
 *   limit exceeded" → Catch → rerun.
 * - `inactive`: the task definition is INACTIVE → `ECS.InvalidParameterException` → failure event.
 * - `start-failure`: the task never started (image pull) → `States.TaskFailed`, stop code
 *   `TaskFailedToStart` → rerun.
 * - `spot`: Fargate Spot takes the capacity back while the task runs: SIGTERM to its processes,
 *   SIGKILL after the stop timeout → `States.TaskFailed`, stop code `SpotInterruption` → rerun.
 */
export const RUN_TASK_FAULT_KINDS = ['capacity', 'server-error', 'throttled', 'throttled-lookup', 'inactive', 'start-failure', 'spot'] as const;
export type RunTaskFaultKind = (typeof RUN_TASK_FAULT_KINDS)[number];

export interface RunTaskFault {
  /** `service/task`, as the catalog names it. */
  readonly task: string;
  readonly kind: RunTaskFaultKind;
  /** How many RunTask calls of that task it fails (those after any fault listed before it for the same task). */
  readonly count: number;
}

export interface DeliveryFault {
  /** `service/rule`: the rule on `service`'s bus, as the catalog names it. */
  readonly rule: string;
  /** How many StartExecution attempts of that rule's target fail; `all`: every one (the event is dead-lettered). */
  readonly count: number | 'all';
}

const NAME = '[a-z0-9][a-z0-9-]*';

/** `SERVICE/TASK[:KIND][:N]`: N (default 1) RunTask calls of the task fail as KIND (default `capacity`). */
export function parseRunTaskFault(text: string, flag = '--fail-run-task'): RunTaskFault {
  const match = new RegExp(`^(${NAME}/${NAME})(?::([a-z-]+))?(?::(\\d+))?$`).exec(text);
  const usage = `${flag} ${JSON.stringify(text)}: expected SERVICE/TASK[:KIND][:N], e.g. payment/charge:server-error:2 (kinds: ${RUN_TASK_FAULT_KINDS.join(', ')})`;
  if (!match) throw new UsageError(usage);
  const kind = match[2] ?? 'capacity';
  if (!(RUN_TASK_FAULT_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: unknown fault kind "${kind}" (kinds: ${RUN_TASK_FAULT_KINDS.join(', ')})`);
  const count = match[3] === undefined ? 1 : Number(match[3]);
  if (count < 1) throw new UsageError(`${flag} ${JSON.stringify(text)}: N must be at least 1`);
  return { task: match[1]!, kind: kind as RunTaskFaultKind, count };
}

/** `SERVICE/RULE[:N|:all]`: the first N (default 1) StartExecution attempts of the rule's target fail. */
export function parseDeliveryFault(text: string, flag = '--fail-delivery'): DeliveryFault {
  const match = new RegExp(`^(${NAME}/${NAME})(?::(\\d+|all))?$`).exec(text);
  if (!match) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected SERVICE/RULE[:N|:all], e.g. payment/reserve-seats:all`);
  const count = match[2] === undefined ? 1 : match[2] === 'all' ? 'all' : Number(match[2]);
  if (count === 0) throw new UsageError(`${flag} ${JSON.stringify(text)}: N must be at least 1`);
  return { rule: match[1]!, count };
}

/** A probability from 0 to 1. */
export function parseProbability(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag} must be a probability from 0 to 1, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * A deterministic random number in [0, 1) for the `index`-th draw of `stream` under `seed`
 * (mulberry32 over an FNV-1a hash): each rule's deliveries draw from their own stream, so the
 * outcome of a seeded run does not depend on the order in which concurrent executions publish.
 */
export function seededRandom(seed: number, stream: string, index: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of `${stream}#${index}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  let t = (hash + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
