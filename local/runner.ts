/**
 * Runs one environment's synthesized event flow on this machine: a local EventBridge endpoint,
 * the rules' real patterns for routing, the state machines' real ASL in aws-local-stepfunctions
 * (through ./asl-interpreter), and each ECS task as a local process (the catalog's
 * `local.command`). The run ends when no event or execution is pending, or at the timeout.
 *
 * Deliberate differences from AWS, all visible in the output:
 * - `retryIntervalMs` shortens the pauses between retries (the definitions are not changed).
 * - `runTaskFaults` makes the first RunTask calls of a task fail the way ECS does when no
 *   capacity is available (`AmazonECS.Unknown`), to exercise the ASL's Retry.
 * - The task process gets the container override's environment plus the endpoint, region, fake
 *   credentials, APP_ENVIRONMENT and APP_SERVICE, and PATH/HOME from this shell; nothing else.
 *
 * As on AWS, an execution that ends TIMED_OUT sends a "Step Functions Execution Status Change"
 * event to the default bus (where the ended-executions rules route it), and stops its task.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Catalog } from '../catalog/types';
import { TASK_IDENTITY_ENV } from '../core/container-contract';
import { busName, eventSource } from '../core/naming';
import { ecsTaskFailed, type JsonValue, runStateMachine, TaskError, type TaskCall } from './asl-interpreter';
import { type EventEnvelope, type LocalEventBusServer, startLocalEventBus } from './event-bus-server';
import { matchesPattern } from '../core/event-pattern';
import { DESCRIBE_EXECUTION_RESOURCE, EXECUTION_STATUS_CHANGE } from '../core/asl-ended-executions';
import { DEFAULT_BUS, type LoadedEnvironment, type LoadedRule, type LoadedStateMachine } from './synth-loader';
import { mapRunTask, TaskMappingError } from './task-mapping';
import { formatEntry, formatSummary, type RunSummary, summarize, type TimelineEntry } from './timeline';

export interface InitialEvent {
  /** The service whose bus receives it (`booking` → bus `<env>-booking`, source `<namespace>.booking`). */
  readonly service: string;
  readonly detailType: string;
  readonly detail: unknown;
}

export interface LocalRunOptions {
  readonly loaded: LoadedEnvironment;
  /** Maps RunTask calls to tasks and their `local.command`. */
  readonly catalog: Catalog;
  readonly events: readonly InitialEvent[];
  /** Working directory of task processes (the repository root: local commands are relative to it). */
  readonly cwd: string;
  readonly timeoutSeconds: number;
  /** Pause before every ASL retry; undefined waits as the definition says (as AWS would). */
  readonly retryIntervalMs?: number;
  /** `service/task` → how many of its first RunTask calls fail with AmazonECS.Unknown (no capacity). */
  readonly runTaskFaults?: Readonly<Record<string, number>>;
  /** Port of the local bus; 0 or absent picks a free one. */
  readonly port?: number;
  /** Receives each timeline line as it happens. Default: nothing printed. */
  readonly print?: (line: string) => void;
  /** Variables from this shell given to task processes. Default PATH, HOME, TMPDIR, LANG, SystemRoot. */
  readonly inheritEnvironment?: readonly string[];
}

export interface LocalRunResult {
  readonly summary: RunSummary;
  readonly entries: readonly TimelineEntry[];
  /** Every event that reached the bus, in order. */
  readonly events: readonly (EventEnvelope & { bus: string; seq: number })[];
}

const DEFAULT_INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot'];
const STDERR_TAIL_LINES = 20;
/** Shown instead of a UUID: the state machine name and the first 8 characters of the execution name. */
const shortExecution = (machine: string, name: string) => `${machine}:${name.slice(0, 8)}`;

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const run = new LocalRun(options);
  return run.execute();
}

interface RunningExecution {
  readonly label: string;
  readonly arn: string;
  readonly name: string;
  readonly machine: LoadedStateMachine;
  readonly input: EventEnvelope;
  readonly startedAt: Date;
  activity: string;
  /** The task process it is waiting for, if any. */
  child?: ChildProcess;
}

class LocalRun {
  private readonly started = performance.now();
  private readonly entries: TimelineEntry[] = [];
  private readonly events: (EventEnvelope & { bus: string; seq: number })[] = [];
  private readonly executions = new Map<string, RunningExecution>();
  /** Executions that ended, for DescribeExecution (the ended-executions announcer reads their input). */
  private readonly ended = new Map<string, RunningExecution & { status: string; stoppedAt: Date }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly children = new Map<ChildProcess, string>();
  /** Publisher token of a task process → the sequence numbers of the events it published. */
  private readonly publishedBy = new Map<string, number[]>();
  private readonly publisherLabels = new Map<string, string>();
  private readonly faultsLeft: Map<string, number>;
  private readonly abort = new AbortController();
  private server!: LocalEventBusServer;
  private taskCounter = 0;
  private idleWaiter: (() => void) | undefined;

  constructor(private readonly options: LocalRunOptions) {
    this.faultsLeft = new Map(Object.entries(options.runTaskFaults ?? {}));
  }

  async execute(): Promise<LocalRunResult> {
    const { loaded } = this.options;
    this.server = await startLocalEventBus({
      buses: loaded.buses.map((bus) => bus.name),
      region: loaded.region,
      account: loaded.account,
      port: this.options.port ?? 0,
      onEvent: (bus, event, publisher) => this.onEvent(bus, event, publisher),
      describeExecution: (arn) => this.describeExecution(arn),
    });
    this.publisherLabels.set('command-line', 'the command line');
    let outcome: RunSummary['outcome'] = 'completed';
    let stillRunning: string[] = [];
    try {
      this.note(`local EventBridge at ${this.server.endpoint}; buses: ${loaded.buses.map((b) => b.name).join(', ')}`);
      await this.publishInitialEvents();
      const finished = await this.waitUntilIdle(this.options.timeoutSeconds * 1000);
      if (!finished) {
        outcome = 'timed-out';
        stillRunning = this.describeRunning();
        this.note(`TIMEOUT after ${this.options.timeoutSeconds}s; still running: ${stillRunning.join('; ')}`);
        this.stopEverything();
        await Promise.race([Promise.allSettled([...this.inFlight]), delay(2000)]);
      }
    } finally {
      this.stopEverything();
      await this.server.close();
    }
    const summary = summarize(loaded.environment, this.entries, outcome, this.elapsed(), stillRunning);
    for (const line of formatSummary(summary)) this.options.print?.(line);
    return { summary, entries: this.entries, events: this.events };
  }

  // ---- events and routing -------------------------------------------------------------------

  private async publishInitialEvents(): Promise<void> {
    const { loaded, catalog } = this.options;
    const client = this.sdkClient('command-line');
    try {
      for (const initial of this.options.events) {
        const response = await client.send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: busName(loaded.environment, initial.service),
                Source: eventSource(catalog.namespace, initial.service),
                DetailType: initial.detailType,
                Detail: typeof initial.detail === 'string' ? initial.detail : JSON.stringify(initial.detail),
              },
            ],
          }),
        );
        const failure = response.Entries?.[0];
        if (failure?.ErrorCode) {
          throw new Error(`the local bus refused ${initial.service}:${initial.detailType}: ${failure.ErrorCode}: ${failure.ErrorMessage}`);
        }
      }
    } finally {
      client.destroy();
    }
  }

  private onEvent(bus: string, event: EventEnvelope, publisher: string): void {
    const seq = this.events.length + 1;
    this.events.push({ ...event, bus, seq });
    this.publishedBy.get(publisher)?.push(seq);
    this.record({
      kind: 'event',
      seq,
      id: event.id,
      bus,
      detailType: event['detail-type'],
      source: event.source,
      detail: event.detail,
      from: this.publisherLabels.get(publisher) ?? publisher,
    });
    const rules = this.options.loaded.rules.filter((rule) => rule.enabled && rule.busName === bus && matchesPattern(rule.pattern, event));
    if (rules.length === 0) {
      this.record({ kind: 'unrouted', seq, bus });
      return;
    }
    for (const rule of rules) {
      for (const machine of rule.stateMachines) this.startExecution(rule, machine, event, seq);
    }
  }

  private startExecution(rule: LoadedRule, machine: LoadedStateMachine, event: EventEnvelope, seq: number): void {
    const name = randomUUID();
    const arn = machine.arn.replace(':stateMachine:', ':execution:') + `:${name}`;
    const label = shortExecution(machine.name, name);
    const execution: RunningExecution = { label, arn, name, machine, input: event, startedAt: new Date(), activity: 'starting' };
    this.executions.set(arn, execution);
    this.record({ kind: 'execution-started', execution: label, executionArn: arn, stateMachine: machine.name, rule: rule.name, seq });
    this.record({ kind: 'routed', seq, rule: rule.name, execution: label });
    const begun = this.elapsed();
    const promise = runStateMachine({
      definition: machine.definition,
      input: event as unknown as JsonValue,
      stateMachineArn: machine.arn,
      executionName: name,
      executionArn: arn,
      handlers: {
        runTask: (parameters, call) => this.runTask(execution, parameters, call),
        putEvents: (parameters, call) => this.putEvents(execution, parameters, call),
        byResource: { [DESCRIBE_EXECUTION_RESOURCE]: (parameters) => this.describeEndedExecution(parameters) },
      },
      signal: this.abort.signal,
      ...(this.options.retryIntervalMs === undefined ? {} : { retryIntervalMs: this.options.retryIntervalMs }),
    })
      .then((outcome) => {
        this.record({
          kind: 'execution-finished',
          execution: label,
          status: outcome.status,
          durationSeconds: this.elapsed() - begun,
          ...(outcome.error ? { error: outcome.error } : {}),
          ...(outcome.cause ? { cause: outcome.cause } : {}),
        });
        this.ended.set(arn, { ...execution, status: outcome.status, stoppedAt: new Date() });
        if (outcome.status === 'TIMED_OUT' && !this.abort.signal.aborted) this.announceEnd(execution, outcome.status);
      })
      .catch((error: unknown) => {
        this.record({ kind: 'execution-finished', execution: label, status: 'ERROR', durationSeconds: this.elapsed() - begun, error: (error as Error).message });
      })
      .finally(() => {
        this.executions.delete(arn);
        this.inFlight.delete(promise);
        if (this.inFlight.size === 0) this.idleWaiter?.();
      });
    this.inFlight.add(promise);
  }

  /**
   * What Step Functions sends to the default bus when an execution ends (Step Functions, "EventBridge
   * (CloudWatch Events) for Step Functions execution status changes"); a task still running is
   * stopped, as `.sync` stops it when the execution times out.
   */
  private announceEnd(execution: RunningExecution, status: string): void {
    execution.child?.kill('SIGTERM');
    const { region, account } = this.options.loaded;
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': EXECUTION_STATUS_CHANGE.detailType,
      source: EXECUTION_STATUS_CHANGE.source,
      account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [execution.arn],
      detail: {
        executionArn: execution.arn,
        stateMachineArn: execution.machine.arn,
        name: execution.name,
        status,
        startDate: execution.startedAt.getTime(),
        stopDate: Date.now(),
        input: JSON.stringify(execution.input),
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
      },
    };
    this.publisherLabels.set(EXECUTION_STATUS_CHANGE.source, 'Step Functions');
    this.onEvent(DEFAULT_BUS, event, EXECUTION_STATUS_CHANGE.source);
  }

  /** `aws-sdk:sfn:describeExecution` of an ended execution, answered in the SDK integration's PascalCase. */
  private describeEndedExecution(parameters: JsonValue): JsonValue {
    const arn = (parameters as { ExecutionArn?: unknown }).ExecutionArn;
    const execution = typeof arn === 'string' ? (this.ended.get(arn) ?? this.executions.get(arn)) : undefined;
    if (!execution) throw new TaskError('Sfn.ExecutionDoesNotExistException', `Execution Does Not Exist: '${String(arn)}'`);
    return {
      ExecutionArn: execution.arn,
      StateMachineArn: execution.machine.arn,
      Name: execution.name,
      Status: 'status' in execution ? String(execution.status) : 'RUNNING',
      StartDate: execution.startedAt.toISOString(),
      Input: JSON.stringify(execution.input),
    };
  }

  private describeExecution(arn: string) {
    const execution = this.executions.get(arn);
    if (!execution) return undefined;
    return {
      executionArn: arn,
      stateMachineArn: execution.machine.arn,
      name: arn.split(':').pop() ?? '',
      status: 'RUNNING',
      startDate: execution.startedAt,
      input: JSON.stringify(execution.input),
    };
  }

  // ---- task integrations --------------------------------------------------------------------

  private async runTask(execution: RunningExecution, parameters: JsonValue, call: TaskCall): Promise<JsonValue> {
    const { loaded, catalog } = this.options;
    let mapped: ReturnType<typeof mapRunTask>;
    try {
      mapped = mapRunTask(catalog, loaded.environment, parameters);
    } catch (error) {
      if (!(error instanceof TaskMappingError)) throw error;
      // The container could not have been started from this definition in a way we can mirror.
      this.record({ kind: 'task-not-started', execution: execution.label, state: call.stateName, task: '?', attempt: call.attempt, error: 'Local.TaskMapping', cause: error.message });
      throw ecsTaskFailed({ LastStatus: 'STOPPED', StoppedReason: `Local runner: ${error.message}` });
    }
    const { request, local } = mapped;

    const faults = this.faultsLeft.get(local.key) ?? 0;
    if (faults > 0) {
      this.faultsLeft.set(local.key, faults - 1);
      const cause = 'RunTask failures: [{"reason":"Capacity is unavailable at this time. Please try again later or in a different availability zone"}] (simulated by --fail-run-task)';
      this.record({ kind: 'task-not-started', execution: execution.label, state: call.stateName, task: local.key, attempt: call.attempt, error: 'AmazonECS.Unknown', cause });
      execution.activity = `after ${call.stateName} failed to start ${local.key} (waiting to retry or catch)`;
      throw new TaskError('AmazonECS.Unknown', cause);
    }

    const token = `task-${++this.taskCounter}`;
    this.publishedBy.set(token, []);
    this.publisherLabels.set(token, `task ${local.key} in ${execution.label}`);
    const environment: Record<string, string> = {};
    for (const name of this.options.inheritEnvironment ?? DEFAULT_INHERITED) {
      const value = process.env[name];
      if (value !== undefined) environment[name] = value;
    }
    Object.assign(environment, request.container.environment, {
      AWS_ENDPOINT_URL_EVENTBRIDGE: `${this.server.endpoint}/${token}`,
      AWS_ENDPOINT_URL_SFN: `${this.server.endpoint}/${token}`,
      AWS_REGION: loaded.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      [TASK_IDENTITY_ENV.environment]: loaded.environment,
      [TASK_IDENTITY_ENV.service]: local.service,
      // Node 20 is supported here; the SDK's notice about its 2027 plans would drown the task's output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });

    const startedAt = this.elapsed();
    const stopped = await this.spawnTask(local.command, environment, execution, local.key, call);
    const published = this.publishedBy.get(token) ?? [];
    const durationSeconds = this.elapsed() - startedAt;
    this.record({
      kind: 'task-finished',
      execution: execution.label,
      state: call.stateName,
      task: local.key,
      attempt: call.attempt,
      exitCode: stopped.exitCode,
      durationSeconds,
      published,
      ...(stopped.error ? { error: stopped.error } : {}),
    });
    const description = {
      TaskArn: `arn:aws:ecs:${loaded.region}:${loaded.account}:task/local/${token}`,
      TaskDefinitionArn: request.taskDefinition,
      LastStatus: 'STOPPED',
      StopCode: 'EssentialContainerExited',
      StoppedReason: 'Essential container in task exited',
      Containers: [{ Name: request.container.name, ExitCode: stopped.exitCode, LastStatus: 'STOPPED' }],
    };
    if (stopped.exitCode === 0) return description;
    execution.activity = `after task ${local.key} failed (waiting to retry or catch)`;
    // As the .sync integration reports it: States.TaskFailed with the task description as Cause.
    // LocalStderrTail is local only: in AWS the container's output is in CloudWatch Logs.
    throw ecsTaskFailed({
      ...description,
      ...(stopped.error ? { StoppedReason: `CannotStartContainerError: ${stopped.error}`, StopCode: 'TaskFailedToStart' } : {}),
      LocalStderrTail: stopped.stderrTail.join('\n'),
    });
  }

  private spawnTask(
    command: readonly string[],
    environment: Record<string, string>,
    execution: RunningExecution,
    task: string,
    call: TaskCall,
  ): Promise<{ exitCode: number | null; stderrTail: string[]; error?: string }> {
    return new Promise((resolve) => {
      const child = spawn(command[0]!, command.slice(1), { cwd: this.options.cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
      this.children.set(child, `task ${task} (pid ${child.pid ?? '?'}, ${command.join(' ')}) in ${execution.label}`);
      execution.child = child;
      execution.activity = `${call.stateName}: task ${task} running (pid ${child.pid ?? '?'})`;
      this.record({ kind: 'task-started', execution: execution.label, state: call.stateName, task, attempt: call.attempt, command, pid: child.pid });
      const stderrTail: string[] = [];
      const lines = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
        const done = new Promise<void>((closed) => {
          const reader = createInterface({ input: stream });
          reader.on('line', (line) => {
            if (name === 'stderr') {
              stderrTail.push(line);
              if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
            }
            this.record({ kind: 'task-output', execution: execution.label, task, stream: name, line });
          });
          reader.on('close', closed);
        });
        return done;
      };
      const streams = Promise.all([lines(child.stdout!, 'stdout'), lines(child.stderr!, 'stderr')]);
      let spawnError: string | undefined;
      child.on('error', (error) => {
        spawnError = error.message;
      });
      child.on('close', (code) => {
        this.children.delete(child);
        if (execution.child === child) delete execution.child;
        void streams.then(() => resolve({ exitCode: spawnError ? null : code, stderrTail, ...(spawnError ? { error: spawnError } : {}) }));
      });
    });
  }

  private putEvents(execution: RunningExecution, parameters: JsonValue, call: TaskCall): JsonValue {
    execution.activity = `${call.stateName}: publishing`;
    const token = `sfn-${++this.taskCounter}`;
    this.publishedBy.set(token, []);
    this.publisherLabels.set(token, `state machine ${execution.label} (${call.stateName})`);
    const entries = ((parameters as { Entries?: unknown[] }).Entries ?? []).map((entry) => {
      const e = entry as { Resources?: unknown };
      // The optimized integration appends the execution and state machine ARNs to Resources.
      const resources = Array.isArray(e.Resources) ? e.Resources : [];
      return { ...(entry as object), Resources: [...resources, execution.arn, execution.machine.arn] };
    });
    const result = this.server.bus.putEvents({ Entries: entries }, token);
    this.record({ kind: 'put-events', execution: execution.label, state: call.stateName, published: this.publishedBy.get(token) ?? [], failed: result.FailedEntryCount });
    if (result.FailedEntryCount > 0) throw new TaskError('EventBridge.FailedEntry', JSON.stringify(result));
    return result as unknown as JsonValue;
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private sdkClient(token: string): EventBridgeClient {
    return new EventBridgeClient({
      endpoint: `${this.server.endpoint}/${token}`,
      region: this.options.loaded.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  private waitUntilIdle(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        resolve(true);
      };
      if (this.inFlight.size === 0) finish();
      else this.idleWaiter = finish;
    });
  }

  private describeRunning(): string[] {
    const running = [...this.executions.values()].map((execution) => `execution ${execution.label}: ${execution.activity}`);
    for (const label of this.children.values()) running.push(label);
    return running;
  }

  private stopEverything(): void {
    this.abort.abort();
    for (const child of this.children.keys()) child.kill('SIGKILL');
  }

  private note(message: string): void {
    this.record({ kind: 'note', message });
  }

  private record(entry: DistributiveOmit<TimelineEntry, 'at'>): void {
    const full = { at: this.elapsed(), ...entry } as TimelineEntry;
    this.entries.push(full);
    const line = formatEntry(full, (seq) => `#${seq} ${this.events[seq - 1]?.['detail-type'] ?? '?'}`);
    if (line !== undefined) this.options.print?.(line);
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
