/**
 * ECS's RunTask as `ecs:runTask.sync` sees it, on this machine: the task's process instead of a
 * container, with ECS's limits, errors and task descriptions.
 *
 * - The request is checked as ECS checks it: overrides over RUN_TASK_OVERRIDES_LIMIT characters
 *   (their JSON in the API's shape) fail with `ECS.InvalidParameterException` "Container Overrides
 *   length must be at most 8192", before anything else.
 * - Injected faults (local/faults.ts) fail the call the way ECS does for that kind.
 * - At most `maxTasks` task processes run at once; the others wait as PROVISIONING, as tasks wait
 *   for capacity (the Task state's timeout keeps running meanwhile).
 * - A task is done when its main process exits (local/task-process.ts); it succeeds with exit 0,
 *   and otherwise fails with `States.TaskFailed` and the stopped task's description as Cause
 *   (local/ecs-task-description.ts): containers with exit codes, StopCode, StoppedReason, the echoed
 *   overrides. The description is the result on success.
 * - A call Step Functions abandons (the state timed out, the execution ended) stops its task as
 *   StopTask does: SIGTERM to every process of the task, SIGKILL after the stop timeout.
 *
 * Nothing here depends on the shape of the state machine: any definition's RunTask state runs the
 * same way (a second kind of state machine only needs its tasks in the catalog).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/types';
import { ECS_DEFAULT_STOP_TIMEOUT_SECONDS, RUN_TASK_OVERRIDES_LIMIT } from '../core/aws-limits';
import { ecsOverridesLength } from '../core/container-contract';
import { describePlacement, isFargateCapacityProvider, isPlacementEmpty, placementFromParameters } from '../core/placement';
import { ABANDONED, ecsTaskFailed, type JsonValue, TaskError, type TaskCall } from './asl-interpreter';
import { STOPS, stoppedTaskDescription, type TaskStopCode } from './ecs-task-description';
import type { RunTaskFault, RunTaskFaultKind } from './faults';
import { type LocalTask, mapRunTask, TaskMappingError } from './task-mapping';
import { type LingeringProcess, type ProcessExit, TaskProcess } from './task-process';
import type { TimelineRecord } from './timeline';

export interface LocalEcsOptions {
  readonly catalog: Catalog;
  readonly environment: string;
  readonly region: string;
  readonly account: string;
  /** Working directory of task processes (local commands are relative to it). */
  readonly cwd: string;
  /** At most this many task processes at once; the rest wait as PROVISIONING. */
  readonly maxTasks: number;
  /** SIGTERM, then SIGKILL after this long (the container's stopTimeout). Default ECS's 30 s. */
  readonly stopTimeoutSeconds?: number;
  readonly faults?: readonly RunTaskFault[];
  /** The whole environment of a task's process, given its publisher token. */
  readonly taskEnvironment: (task: LocalTask, token: string, containerEnvironment: Readonly<Record<string, string>>) => Record<string, string>;
  /** Events published so far by the task process holding `token` (for the timeline). */
  readonly publishedBy: (token: string) => readonly number[];
  /** Called when a task process starts, with its token and a label naming it. */
  readonly onTaskStarted?: (token: string, label: string) => void;
  readonly record: (entry: TimelineRecord) => void;
}

/** What the execution calling RunTask tells ECS about itself (for the timeline and the timeout report). */
export interface RunTaskCaller {
  /** The execution's short label. */
  readonly execution: string;
  /** What it is doing now (shown when the run times out). */
  setActivity(activity: string): void;
}

/** The Cause ECS API errors carry in Step Functions: the AWS SDK for Java's exception message. */
export function ecsApiErrorCause(message: string, status: number, errorCode: string): string {
  return `${message} (Service: AmazonECS; Status Code: ${status}; Error Code: ${errorCode}; Request ID: ${randomUUID()}; Proxy: null)`;
}

/** The RunTask errors the API-level fault kinds raise: [Step Functions error name, Cause]. */
const API_FAULTS: Partial<Record<RunTaskFaultKind, () => [string, string]>> = {
  capacity: () => ['AmazonECS.Unknown', 'RunTask failures: [{"reason":"Capacity is unavailable at this time. Please try again later or in a different availability zone"}]'],
  'server-error': () => ['ECS.ServerException', ecsApiErrorCause('Service Unavailable. Please try again later.', 500, 'ServerException')],
  throttled: () => ['ECS.AmazonECSException', ecsApiErrorCause('Rate exceeded', 400, 'ThrottlingException')],
  'throttled-lookup': () => [
    'ECS.InvalidParameterException',
    ecsApiErrorCause('Error retrieving security group information for [sg-0123456789abcdef0]: Request limit exceeded. (ErrorCode: RequestLimitExceeded)', 400, 'InvalidParameterException'),
  ],
  inactive: () => ['ECS.InvalidParameterException', ecsApiErrorCause('TaskDefinition is inactive', 400, 'InvalidParameterException')],
};

interface RunningTask {
  readonly token: string;
  readonly label: string;
  /** `service/task`. */
  readonly key: string;
  readonly call: { readonly execution: string; readonly state: string; readonly attempt: number };
  readonly process: TaskProcess;
  /** A Spot interruption waiting for its moment (the task's first PutEvents call, or its end). */
  spotPending: boolean;
  /** Set once the task is being stopped: why, and with which stop code. */
  stopping?: { readonly stopCode: TaskStopCode; readonly stoppedReason: string };
}

export class LocalEcs {
  private readonly faultsLeft: { task: string; kind: RunTaskFaultKind; left: number }[];
  private readonly slots: Slots;
  private readonly running = new Map<string, RunningTask>();
  private taskCounter = 0;

  constructor(private readonly options: LocalEcsOptions) {
    this.faultsLeft = (options.faults ?? []).map((fault) => ({ task: fault.task, kind: fault.kind, left: fault.count }));
    this.slots = new Slots(options.maxTasks);
  }

  private get stopTimeoutMs(): number {
    return (this.options.stopTimeoutSeconds ?? ECS_DEFAULT_STOP_TIMEOUT_SECONDS) * 1000;
  }

  /** `arn:aws:states:::ecs:runTask.sync` for one call of a RunTask state. */
  async runTask(parameters: JsonValue, call: TaskCall, caller: RunTaskCaller): Promise<JsonValue> {
    const { catalog, environment } = this.options;
    const base = { execution: caller.execution, state: call.stateName, attempt: call.attempt };
    let local: LocalTask;
    try {
      local = mapRunTask(catalog, environment, parameters).local;
    } catch (error) {
      if (!(error instanceof TaskMappingError)) throw error;
      // The container could not have been started from this definition in a way we can mirror.
      this.options.record({ kind: 'task-not-started', ...base, task: '?', error: 'Local.TaskMapping', cause: error.message });
      throw ecsTaskFailed(this.describe(parameters, { stopCode: 'TaskFailedToStart', stoppedReason: `Local runner: ${error.message}` }));
    }
    const fail = (error: string, cause: string, fault?: RunTaskFaultKind): never => {
      this.options.record({ kind: 'task-not-started', ...base, task: local.key, error, cause, ...(fault ? { fault } : {}) });
      caller.setActivity(`after ${call.stateName} failed to start ${local.key} (waiting to retry or catch)`);
      throw new TaskError(error, cause);
    };

    // ECS validates the request first: such a call fails the same way every time.
    const overrides = apiShape((parameters as { Overrides?: JsonValue }).Overrides ?? {});
    const length = ecsOverridesLength(overrides);
    if (length > RUN_TASK_OVERRIDES_LIMIT) {
      fail('ECS.InvalidParameterException', ecsApiErrorCause(`Container Overrides length must be at most ${RUN_TASK_OVERRIDES_LIMIT}`, 400, 'InvalidParameterException'));
    }

    // Placement is for EC2 capacity: ECS refuses it with Fargate (core/placement.ts), and so do we.
    const placement = placementFromParameters(parameters);
    if (!isPlacementEmpty(placement) && runsOnFargate(parameters)) {
      fail(
        'ECS.InvalidParameterException',
        ecsApiErrorCause('Task placement constraints and strategies are not supported with the Fargate launch type or Fargate capacity providers', 400, 'InvalidParameterException'),
      );
    }

    const fault = this.takeFault(local.key);
    const apiFault = fault ? API_FAULTS[fault] : undefined;
    if (fault && apiFault) {
      const [error, cause] = apiFault();
      fail(error, cause, fault);
    }
    if (fault === 'start-failure') {
      const stop = STOPS.failedToStart();
      this.options.record({ kind: 'task-not-started', ...base, task: local.key, error: 'States.TaskFailed', cause: `${stop.stopCode}: ${stop.stoppedReason}`, fault });
      caller.setActivity(`after ${call.stateName}: task ${local.key} failed to start (waiting to rerun or catch)`);
      throw ecsTaskFailed(this.describe(parameters, stop));
    }

    const createdAt = Date.now();
    const taskId = randomBytes(16).toString('hex');
    if (!this.slots.free()) {
      this.options.record({ kind: 'task-provisioning', ...base, task: local.key, running: this.slots.used, maxTasks: this.slots.max });
      caller.setActivity(`${call.stateName}: task ${local.key} PROVISIONING (${this.slots.used} of ${this.slots.max} task slots busy)`);
    }
    if (!(await this.slots.acquire(call.signal))) {
      this.options.record({ kind: 'task-stopping', ...base, task: local.key, reason: `abandoned while PROVISIONING (${String(call.signal.reason)})` });
      return {};
    }
    try {
      return await this.runProcess(local, parameters, call, caller, { spot: fault === 'spot', taskId, createdAt });
    } finally {
      this.slots.release();
    }
  }

  private async runProcess(local: LocalTask, parameters: JsonValue, call: TaskCall, caller: RunTaskCaller, run: { spot: boolean; taskId: string; createdAt: number }): Promise<JsonValue> {
    const { record } = this.options;
    const base = { execution: caller.execution, state: call.stateName, attempt: call.attempt };
    const token = `task-${++this.taskCounter}`;
    const label = `task ${local.key} in ${caller.execution}`;
    this.options.onTaskStarted?.(token, label);
    const container = parseContainerEnvironment(parameters);
    const stderrTail: string[] = [];
    const started = performance.now();
    const taskProcess = TaskProcess.start({
      command: local.command,
      cwd: this.options.cwd,
      env: this.options.taskEnvironment(local, token, container),
      onLine: (stream, line) => {
        if (stream === 'stderr') {
          stderrTail.push(line);
          if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        }
        record({ kind: 'task-output', execution: caller.execution, task: local.key, stream, line });
      },
    });
    const task: RunningTask = {
      token,
      label: `${label} (pid ${taskProcess.pid ?? '?'}, ${local.command.join(' ')})`,
      key: local.key,
      call: base,
      process: taskProcess,
      spotPending: run.spot,
    };
    this.running.set(token, task);
    const placement = placementFromParameters(parameters);
    record({
      kind: 'task-started',
      ...base,
      task: local.key,
      command: local.command,
      pid: taskProcess.pid,
      capacity: capacityOf(parameters),
      ...(isPlacementEmpty(placement) ? {} : { placement: describePlacement(placement) }),
    });
    caller.setActivity(`${call.stateName}: task ${local.key} running (pid ${taskProcess.pid ?? '?'})`);

    const onAbandoned = () => {
      const why = call.signal.reason === ABANDONED.stateTimedOut ? 'the state timed out' : 'the execution ended';
      this.stop(task, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by Step Functions' }, `${why}: Step Functions stops the task (StopTask)`);
    };
    if (call.signal.aborted) onAbandoned();
    else call.signal.addEventListener('abort', onAbandoned, { once: true });

    let exit: ProcessExit;
    try {
      exit = await taskProcess.exited;
    } finally {
      call.signal.removeEventListener('abort', onAbandoned);
      this.running.delete(token);
    }
    // A Spot interruption that found no PutEvents call to take the task at came as it ended: ECS
    // reports the interruption all the same, and the state machine reruns the task.
    if (task.spotPending && !task.stopping) {
      task.spotPending = false;
      record({
        kind: 'task-stopping',
        ...base,
        task: local.key,
        reason: 'Fargate Spot takes the capacity back as the task ends (injected: spot; it published nothing to be interrupted at)',
      });
      task.stopping = STOPS_AT_SPOT;
    }
    const stop = this.stopOf(task, exit);
    record({
      kind: 'task-finished',
      ...base,
      task: local.key,
      exitCode: exit.exitCode,
      durationSeconds: (performance.now() - started) / 1000,
      published: [...this.options.publishedBy(token)],
      stopCode: stop.stopCode,
      stoppedReason: stop.stoppedReason,
      ...(exit.spawnError ? { error: exit.spawnError } : {}),
      ...(exit.lingering.length > 0 ? { lingering: exit.lingering } : {}),
      ...(exit.exitCode !== 0 && stderrTail.length > 0 ? { stderrTail: [...stderrTail] } : {}),
    });
    const description = this.describe(parameters, { ...stop, ...(exit.exitCode === null ? {} : { exitCode: exit.exitCode }) }, run);
    // The task succeeded only when it stopped on its own with exit 0; a stop by ECS or Spot is a failure
    // even if the process then exited 0 (its work may be incomplete): the state machine reruns or compensates.
    if (exit.exitCode === 0 && stop.stopCode === 'EssentialContainerExited') return description;
    caller.setActivity(`after task ${local.key} failed (waiting to rerun, retry or catch)`);
    throw ecsTaskFailed(description);
  }

  /**
   * Called before the bus answers a PutEvents call of a task process. True when the call must be
   * held (never answered): a Spot interruption takes the task at that moment, after its side effect
   * and before it could announce it, which is when an interruption costs the most.
   */
  holdPublish(token: string): boolean {
    const task = this.running.get(token);
    if (!task?.spotPending) return false;
    task.spotPending = false;
    this.stop(task, STOPS_AT_SPOT, 'Fargate Spot takes the capacity back (injected: spot)');
    return true;
  }

  /** One line per task process still running (for the timeout report). */
  describeRunning(): string[] {
    return [...this.running.values()].map((task) => task.label);
  }

  /** Kills every task process now (the run is over). */
  stopAll(): void {
    for (const task of this.running.values()) task.process.signal('SIGKILL');
  }

  private stop(task: RunningTask, stop: { stopCode: TaskStopCode; stoppedReason: string }, reason: string): void {
    if (task.stopping) return;
    task.stopping = stop;
    this.options.record({
      kind: 'task-stopping',
      ...task.call,
      task: task.key,
      reason: `${reason}: SIGTERM to its processes, SIGKILL after ${this.stopTimeoutMs / 1000}s`,
    });
    void task.process.stop(this.stopTimeoutMs);
  }

  private stopOf(task: RunningTask, exit: ProcessExit): { stopCode: TaskStopCode; stoppedReason: string } {
    if (task.stopping) return task.stopping;
    if (exit.spawnError) return { stopCode: 'TaskFailedToStart', stoppedReason: `CannotStartContainerError: ${exit.spawnError}` };
    return { stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' };
  }

  private takeFault(task: string): RunTaskFaultKind | undefined {
    const fault = this.faultsLeft.find((f) => f.task === task && f.left > 0);
    if (!fault) return undefined;
    fault.left -= 1;
    return fault.kind;
  }

  private describe(
    parameters: JsonValue,
    stop: { stopCode: TaskStopCode; stoppedReason: string; exitCode?: number; containerReason?: string },
    run?: { taskId: string; createdAt: number },
  ): { [key: string]: JsonValue } {
    return stoppedTaskDescription({
      parameters,
      region: this.options.region,
      account: this.options.account,
      ...stop,
      taskId: run?.taskId ?? randomBytes(16).toString('hex'),
      createdAt: run?.createdAt ?? Date.now(),
    });
  }
}

const STDERR_TAIL_LINES = 20;

/** What ECS reports for a Fargate Spot interruption (STOPS.spotInterruption, without its assumed exit code). */
const STOPS_AT_SPOT = { stopCode: 'SpotInterruption' as const, stoppedReason: STOPS.spotInterruption().stoppedReason };

/** The container override's environment, as the process receives it. */
function parseContainerEnvironment(parameters: JsonValue): Record<string, string> {
  const overrides = (parameters as { Overrides?: { ContainerOverrides?: { Environment?: { Name?: unknown; Value?: unknown }[] }[] } }).Overrides;
  const environment: Record<string, string> = {};
  for (const variable of overrides?.ContainerOverrides?.[0]?.Environment ?? []) {
    if (typeof variable.Name === 'string' && typeof variable.Value === 'string') environment[variable.Name] = variable.Value;
  }
  return environment;
}

/**
 * A value in the ECS API's own member names: Step Functions' PascalCase parameters (`ContainerOverrides`,
 * `Environment`, `Name`) become the API's camelCase (`containerOverrides`, `environment`, `name`).
 */
export function apiShape(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(apiShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, member]) => [key.charAt(0).toLowerCase() + key.slice(1), apiShape(member)]));
}

/** A FIFO of task slots: PROVISIONING tasks wait here for one of `max` running places. */
class Slots {
  used = 0;
  private readonly waiting: { grant: (granted: boolean) => void }[] = [];
  constructor(readonly max: number) {}

  free(): boolean {
    return this.used < this.max;
  }

  /** Resolves true with a slot, or false if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.used < this.max) {
      this.used += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: (granted: boolean) => {
          signal.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.grant(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant(true);
    else this.used -= 1;
  }
}

export type { LingeringProcess };

/** Where a RunTask asks to run: its launch type, or its capacity providers (`FARGATE_SPOT`, `staging-ec2`). */
export function capacityOf(parameters: JsonValue): string {
  const p = (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? parameters : {}) as { LaunchType?: unknown; CapacityProviderStrategy?: unknown };
  if (typeof p.LaunchType === 'string') return p.LaunchType;
  const strategy = Array.isArray(p.CapacityProviderStrategy) ? p.CapacityProviderStrategy : [];
  const providers = strategy
    .map((item) => (typeof item === 'object' && item !== null ? (item as { CapacityProvider?: unknown }).CapacityProvider : undefined))
    .filter((name): name is string => typeof name === 'string');
  return providers.length > 0 ? providers.join(', ') : 'FARGATE';
}

/** Whether a RunTask would run on Fargate: its launch type, or any of its capacity providers, says so. */
export function runsOnFargate(parameters: JsonValue): boolean {
  const p = (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? parameters : {}) as { LaunchType?: unknown; CapacityProviderStrategy?: unknown };
  if (typeof p.LaunchType === 'string') return p.LaunchType === 'FARGATE';
  const providers = capacityOf(parameters).split(', ');
  return providers.some(isFargateCapacityProvider);
}
