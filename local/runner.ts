/**
 * Runs one environment's synthesized event flow on this machine, as strict as AWS:
 *
 *   local bus (event-bus-server.ts)  PutEvents over the real protocol, EventBridge's request limits
 *     └─ rules (synth-loader.ts)     EventBridge's own matching, on the event's JSON text
 *         └─ delivery.ts             StartExecution with the target's retry policy, dead-letter
 *                                    queue, at-least-once duplicates
 *             └─ asl-interpreter.ts  the state machine's real ASL
 *                 ├─ ecs.ts          RunTask: ECS's limits, errors, faults, PROVISIONING, stops
 *                 │   └─ task-process.ts   the task's process group
 *                 ├─ events:putEvents      back onto the local bus
 *                 └─ sfn:describeExecution the ended-executions announcer's read
 *
 * The runner wires these together and keeps the timeline; any state machine definition runs the
 * same way (the integrations are chosen by resource, not by the definition's shape). The run ends
 * when no event, delivery or execution is pending, or at the timeout.
 *
 * Deliberate differences from AWS, all visible in the output: `retryIntervalMs` shortens the pauses
 * of Retry, Wait and delivery retries (the definitions and the numbers of attempts are unchanged);
 * faults are injected only where asked. As on AWS, an execution that ends TIMED_OUT sends a
 * "Step Functions Execution Status Change" event to the default bus.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Catalog } from '../catalog/types';
import { DESCRIBE_EXECUTION_RESOURCE, EXECUTION_STATUS_CHANGE } from '../core/asl-ended-executions';
import { EXECUTION_INPUT_MAX_BYTES } from '../core/aws-limits';
import { SERVICE_STORE_ENV, TASK_IDENTITY_ENV } from '../core/container-contract';
import { matchesEventText } from '../core/event-pattern';
import { busName, eventSource, ruleName, taskKey } from '../core/naming';
import { UsageError } from '../tooling/cli';
import { type JsonValue, runStateMachine, TaskError, type TaskCall } from './asl-interpreter';
import { type DeadLetter, EventDelivery, StartExecutionError } from './delivery';
import { LocalEcs } from './ecs';
import { type EventEnvelope, type LocalEventBusServer, PutEventsValidationError, startLocalEventBus } from './event-bus-server';
import type { DeliveryFault, RunTaskFault } from './faults';
import { DEFAULT_BUS, type LoadedEnvironment, type LoadedRule, type LoadedStateMachine, type LoadedTarget } from './synth-loader';
import { formatEntry, formatSummary, type RunSummary, summarize, type TimelineEntry, type TimelineRecord } from './timeline';

export interface InitialEvent {
  /** The service whose bus receives it (`booking` → bus `<env>-booking`, source `<namespace>.booking`). */
  readonly service: string;
  readonly detailType: string;
  /** An object, or its JSON text (kept as written: numbers a double cannot hold stay exact). */
  readonly detail: unknown;
}

/**
 * At most this many task processes at once by default. Each is a Node process of roughly 80–100 MB;
 * four keep a run under half a gigabyte, and 50 events no longer start 52 processes at once.
 */
export const DEFAULT_MAX_TASKS = 4;

export interface LocalRunOptions {
  readonly loaded: LoadedEnvironment;
  /** Maps RunTask calls to tasks and their `local.command`. */
  readonly catalog: Catalog;
  readonly events: readonly InitialEvent[];
  /** Working directory of task processes (the repository root: local commands are relative to it). */
  readonly cwd: string;
  /** The run's own directory: each service's store (`stores/<service>`) lives below it. */
  readonly workDir: string;
  /** The run ends here, naming what is still running (`timed-out`). Any positive number: the CLI gives whole seconds. */
  readonly timeoutSeconds: number;
  /**
   * Aborting it ends the run as its timeout does, naming and stopping what is still running
   * (`stopped`): for a caller that knows better than a clock when to end it, such as a test that
   * waits for something to happen.
   */
  readonly signal?: AbortSignal;
  /** Pause before every ASL retry, Wait state and delivery retry; undefined waits as the definitions say (as AWS would). */
  readonly retryIntervalMs?: number;
  /** RunTask faults, applied in order per task (local/faults.ts). */
  readonly runTaskFaults?: readonly RunTaskFault[];
  /** StartExecution faults per rule. */
  readonly deliveryFaults?: readonly DeliveryFault[];
  /** At-least-once delivery: each delivered event is delivered again with this probability (seeded). */
  readonly duplicateDelivery?: { readonly probability: number; readonly seed: number };
  /** At most this many task processes at once (default DEFAULT_MAX_TASKS); the rest wait PROVISIONING. */
  readonly maxTasks?: number;
  /** SIGTERM, then SIGKILL after this long (default ECS's 30 s). */
  readonly stopTimeoutSeconds?: number;
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
  /** Messages the rules' dead-letter queues received. */
  readonly deadLetters: readonly DeadLetter[];
  readonly workDir: string;
}

const DEFAULT_INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot'];
/** Delivery retries without --retry-interval-ms or the fast default (EventBridge's schedule is not documented). */
const DEFAULT_DELIVERY_RETRY_MS = 1000;
/** Shown instead of a UUID: the state machine name and the first 8 characters of the execution name. */
const shortExecution = (machine: string, name: string) => `${machine}:${name.slice(0, 8)}`;

export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  checkFaults(options);
  const run = new LocalRun(options);
  return run.execute();
}

/** Faults must name a task of the catalog and a rule of the environment: a typo would inject nothing. */
function checkFaults(options: LocalRunOptions): void {
  const tasks: string[] = options.catalog.services.flatMap((service) => service.tasks.map((task) => taskKey(service.name, task.name)));
  for (const fault of options.runTaskFaults ?? []) {
    if (!tasks.includes(fault.task)) throw new UsageError(`fault ${fault.task}:${fault.kind}: no task ${fault.task} in the catalog (tasks: ${tasks.join(', ')})`);
  }
  const rules = options.loaded.rules.map((rule) => rule.name);
  for (const fault of options.deliveryFaults ?? []) {
    if (!rules.includes(deliveryFaultRule(options.loaded.environment, fault))) {
      throw new UsageError(`fault ${fault.rule}: environment ${options.loaded.environment} has no rule ${fault.rule} (SERVICE/RULE, e.g. payment/reserve-seats)`);
    }
  }
}

const deliveryFaultRule = (environment: string, fault: DeliveryFault): string => {
  const [service, rule] = fault.rule.split('/') as [string, string];
  return ruleName(environment, service, rule);
};

interface RunningExecution {
  readonly label: string;
  readonly arn: string;
  readonly name: string;
  readonly machine: LoadedStateMachine;
  readonly input: EventEnvelope;
  readonly startedAt: Date;
  activity: string;
}

type PublishedEvent = EventEnvelope & { bus: string; seq: number };

class LocalRun {
  private readonly started = performance.now();
  private readonly entries: TimelineEntry[] = [];
  private readonly events: PublishedEvent[] = [];
  /** The JSON text of each event, by `seq` − 1: what rules match and StartExecution receives. */
  private readonly eventTexts: string[] = [];
  private readonly executions = new Map<string, RunningExecution>();
  /** Executions that ended, for DescribeExecution (the ended-executions announcer reads their input). */
  private readonly ended = new Map<string, RunningExecution & { status: string; stoppedAt: Date }>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Publisher token of a task process → the sequence numbers of the events it published. */
  private readonly publishedBy = new Map<string, number[]>();
  private readonly publisherLabels = new Map<string, string>();
  private readonly abort = new AbortController();
  private readonly ecs: LocalEcs;
  private readonly delivery: EventDelivery;
  private server!: LocalEventBusServer;
  private publisherCounter = 0;
  private idleWaiter: (() => void) | undefined;

  constructor(private readonly options: LocalRunOptions) {
    const { loaded } = options;
    this.ecs = new LocalEcs({
      catalog: options.catalog,
      environment: loaded.environment,
      region: loaded.region,
      account: loaded.account,
      cwd: options.cwd,
      maxTasks: options.maxTasks ?? DEFAULT_MAX_TASKS,
      ...(options.stopTimeoutSeconds === undefined ? {} : { stopTimeoutSeconds: options.stopTimeoutSeconds }),
      faults: options.runTaskFaults ?? [],
      taskEnvironment: (task, token, container) => this.taskEnvironment(task.service, token, container),
      publishedBy: (token) => this.publishedBy.get(token) ?? [],
      onTaskStarted: (token, label) => {
        this.publishedBy.set(token, []);
        this.publisherLabels.set(token, label);
      },
      record: (entry) => this.record(entry),
    });
    this.delivery = new EventDelivery({
      retryIntervalMs: options.retryIntervalMs ?? DEFAULT_DELIVERY_RETRY_MS,
      faults: new Map((options.deliveryFaults ?? []).map((fault) => [deliveryFaultRule(loaded.environment, fault), fault.count])),
      duplicateProbability: options.duplicateDelivery?.probability ?? 0,
      seed: options.duplicateDelivery?.seed ?? 0,
      startExecution: (rule, target, event, seq, how) => this.startExecution(rule, target, event, seq, how),
      record: (entry) => this.record(entry),
      track: (pending) => this.track(pending),
      signal: this.abort.signal,
    });
  }

  async execute(): Promise<LocalRunResult> {
    const { loaded } = this.options;
    fs.mkdirSync(this.options.workDir, { recursive: true });
    this.server = await startLocalEventBus({
      buses: loaded.buses.map((bus) => bus.name),
      region: loaded.region,
      account: loaded.account,
      port: this.options.port ?? 0,
      onEvent: (bus, event, publisher, text) => this.onEvent(bus, event, publisher, text),
      holdRequest: (publisher) => this.ecs.holdPublish(publisher),
      describeExecution: (arn) => this.describeExecution(arn),
    });
    this.publisherLabels.set('command-line', 'the command line');
    let outcome: RunSummary['outcome'] = 'completed';
    let stillRunning: string[] = [];
    try {
      this.note(`local EventBridge at ${this.server.endpoint}; buses: ${loaded.buses.map((b) => b.name).join(', ')}; work directory ${this.options.workDir}`);
      await this.publishInitialEvents();
      const ended = await this.waitUntilIdle(this.options.timeoutSeconds * 1000, this.options.signal);
      if (ended !== 'idle') {
        outcome = ended;
        stillRunning = this.describeRunning();
        const why = ended === 'timed-out' ? `TIMEOUT after ${this.options.timeoutSeconds}s` : `STOPPED by its caller after ${this.elapsed().toFixed(1)}s`;
        this.note(`${why}; still running: ${stillRunning.join('; ')}`);
        this.abort.abort();
        await Promise.race([Promise.allSettled([...this.inFlight]), delay(2000)]);
      }
    } finally {
      this.abort.abort();
      this.ecs.stopAll();
      await this.server.close();
    }
    const summary = summarize(loaded.environment, this.entries, outcome, this.elapsed(), stillRunning);
    for (const line of formatSummary(summary)) this.options.print?.(line);
    return { summary, entries: this.entries, events: this.events, deadLetters: this.delivery.deadLetters, workDir: this.options.workDir };
  }

  // ---- events and routing -------------------------------------------------------------------

  private async publishInitialEvents(): Promise<void> {
    const { loaded, catalog } = this.options;
    const client = new EventBridgeClient({
      endpoint: `${this.server.endpoint}/command-line`,
      region: loaded.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
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

  private onEvent(bus: string, event: EventEnvelope, publisher: string, text: string): void {
    const seq = this.events.length + 1;
    this.events.push({ ...event, bus, seq });
    this.eventTexts.push(text);
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
    // EventBridge matches the event as it received it: its JSON text.
    const rules = this.options.loaded.rules.filter((rule) => rule.enabled && rule.busName === bus && matchesEventText(rule.compiled, text));
    if (rules.length === 0) {
      this.record({ kind: 'unrouted', seq, bus });
      return;
    }
    const receivedAt = Date.now();
    for (const rule of rules) {
      for (const target of rule.targets) this.delivery.deliver(rule, target, event, seq, receivedAt);
    }
  }

  /** StartExecution, as the rule's target calls it; throws StartExecutionError as Step Functions would refuse it. */
  private startExecution(rule: LoadedRule, target: LoadedTarget, event: EventEnvelope, seq: number, how: { duplicate?: boolean; retries?: number }): void {
    const inputBytes = Buffer.byteLength(this.eventTexts[seq - 1] ?? JSON.stringify(event), 'utf8');
    if (inputBytes > EXECUTION_INPUT_MAX_BYTES) {
      // StartExecution's `input` is at most 262,144 characters: a request that can never succeed.
      throw new StartExecutionError(
        'INVALID_PARAMETER',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${EXECUTION_INPUT_MAX_BYTES} (the event is ${inputBytes} bytes)`,
        false,
      );
    }
    const machine = target.machine;
    const name = randomUUID();
    const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const label = shortExecution(machine.name, name);
    const execution: RunningExecution = { label, arn, name, machine, input: event, startedAt: new Date(), activity: 'starting' };
    this.executions.set(arn, execution);
    this.record({ kind: 'execution-started', execution: label, executionArn: arn, stateMachine: machine.name, rule: rule.name, seq });
    this.record({ kind: 'routed', seq, rule: rule.name, execution: label, ...how });
    const begun = this.elapsed();
    this.track(
      runStateMachine({
        definition: machine.definition,
        input: event as unknown as JsonValue,
        stateMachineArn: machine.arn,
        executionName: name,
        executionArn: arn,
        handlers: {
          runTask: (parameters, call) => this.ecs.runTask(parameters, call, { execution: label, setActivity: (activity) => (execution.activity = activity) }),
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
        .finally(() => this.executions.delete(arn)),
    );
  }

  /**
   * What Step Functions sends to the default bus when an execution ends (Step Functions, "EventBridge
   * (CloudWatch Events) for Step Functions execution status changes"). Its task was stopped by the
   * interpreter's abandonment of the call, as `.sync` stops it.
   */
  private announceEnd(execution: RunningExecution, status: string): void {
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
    this.onEvent(DEFAULT_BUS, event, EXECUTION_STATUS_CHANGE.source, JSON.stringify(event));
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

  /** What a task's process gets: the container override's environment, the endpoints, its identity and its service's store. */
  private taskEnvironment(service: string, token: string, container: Readonly<Record<string, string>>): Record<string, string> {
    const { loaded } = this.options;
    const environment: Record<string, string> = {};
    for (const name of this.options.inheritEnvironment ?? DEFAULT_INHERITED) {
      const value = process.env[name];
      if (value !== undefined) environment[name] = value;
    }
    const store = path.join(this.options.workDir, 'stores', service);
    fs.mkdirSync(store, { recursive: true });
    return Object.assign(environment, container, {
      AWS_ENDPOINT_URL_EVENTBRIDGE: `${this.server.endpoint}/${token}`,
      AWS_ENDPOINT_URL_SFN: `${this.server.endpoint}/${token}`,
      AWS_REGION: loaded.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      [TASK_IDENTITY_ENV.environment]: loaded.environment,
      [TASK_IDENTITY_ENV.service]: service,
      [SERVICE_STORE_ENV]: store,
    });
  }

  private putEvents(execution: RunningExecution, parameters: JsonValue, call: TaskCall): JsonValue {
    execution.activity = `${call.stateName}: publishing`;
    const token = `sfn-${++this.publisherCounter}`;
    this.publishedBy.set(token, []);
    this.publisherLabels.set(token, `state machine ${execution.label} (${call.stateName})`);
    const entries = ((parameters as { Entries?: unknown[] }).Entries ?? []).map((entry) => {
      const e = entry as { Resources?: unknown };
      // The optimized integration appends the execution and state machine ARNs to Resources.
      const resources: unknown[] = Array.isArray(e.Resources) ? e.Resources : [];
      return { ...(entry as object), Resources: [...resources, execution.arn, execution.machine.arn] };
    });
    let result;
    try {
      result = this.server.bus.putEvents({ Entries: entries }, token);
    } catch (error) {
      // The whole call refused (too many entries, over 256 KB together), as the SDK integration reports it.
      if (error instanceof PutEventsValidationError) throw new TaskError('EventBridge.ValidationException', error.message);
      throw error;
    }
    this.record({ kind: 'put-events', execution: execution.label, state: call.stateName, published: this.publishedBy.get(token) ?? [], failed: result.FailedEntryCount });
    if (result.FailedEntryCount > 0) throw new TaskError('EventBridge.FailedEntry', JSON.stringify(result));
    return result as unknown as JsonValue;
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private track(pending: Promise<void>): void {
    const tracked = pending.finally(() => {
      this.inFlight.delete(tracked);
      if (this.inFlight.size === 0) this.idleWaiter?.();
    });
    this.inFlight.add(tracked);
  }

  /** Resolves once nothing is in flight (`idle`), at the timeout, or when `signal` aborts, whichever comes first. */
  private waitUntilIdle(timeoutMs: number, signal: AbortSignal | undefined): Promise<'idle' | 'timed-out' | 'stopped'> {
    return new Promise((resolve) => {
      const finish = (how: 'idle' | 'timed-out' | 'stopped') => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stopped);
        this.idleWaiter = undefined;
        resolve(how);
      };
      const stopped = () => finish('stopped');
      const timer = setTimeout(() => finish('timed-out'), timeoutMs);
      if (this.inFlight.size === 0) return finish('idle');
      this.idleWaiter = () => finish('idle');
      if (signal?.aborted) return finish('stopped');
      signal?.addEventListener('abort', stopped, { once: true });
    });
  }

  private describeRunning(): string[] {
    const running = [...this.executions.values()].map((execution) => `execution ${execution.label}: ${execution.activity}`);
    return [...running, ...this.ecs.describeRunning()];
  }

  private note(message: string): void {
    this.record({ kind: 'note', message });
  }

  private record(entry: TimelineRecord): void {
    const full = { at: this.elapsed(), ...entry } as TimelineEntry;
    this.entries.push(full);
    const line = formatEntry(full, (seq) => `#${seq} ${this.events[seq - 1]?.['detail-type'] ?? '?'}`);
    if (line !== undefined) this.options.print?.(line);
  }

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
