/**
 * Runs a state machine definition locally with aws-local-stepfunctions 3.0.0, every Task state
 * answered by a local handler instead of AWS.
 *
 *   const outcome = await runStateMachine({
 *     definition,                       // the object from core/asl.ts, or its JSON string
 *     input: event,                     // the EventBridge event
 *     handlers: {
 *       runTask: async (parameters, call) => ({ ... }),   // arn:aws:states:::ecs:runTask.sync
 *       putEvents: async (parameters, call) => ({ ... }), // arn:aws:states:::events:putEvents
 *       byResource: { 'arn:...': handler },                // any other resource
 *     },
 *     executionArn: 'arn:aws:states:...:execution:<machine>:<name>',  // optional
 *     retryIntervalMs: 0,               // optional: pause before retries (tests); default real backoff
 *   });
 *   outcome.status  // 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'
 *
 * A handler receives the state's Parameters as AWS would evaluate them (paths, context object,
 * intrinsic functions) and a `TaskCall` (state name, resource, 1-based attempt, execution ARN). It
 * returns the task's result, or throws: the thrown error's `name` is the ASL error name, its
 * `message` the Cause (use `TaskError`), so Retry and Catch (run by the library, not by this file)
 * treat it as AWS would: `new TaskError('ECS.AmazonECSException', 'Rate exceeded')` is retried,
 * `ecsTaskFailed(task)` is the `.sync` failure of a task that stopped with a non-zero exit code.
 *
 * What this wrapper adds to the library, and why:
 * - `$$.Execution.Id`, `$$.Execution.Name` and `$$.StateMachine.Id` in the context object (the
 *   library only fills `Input` and `StartTime`).
 * - A workaround for a verified library bug: `BaseIntrinsicFunction.call` removes every backslash
 *   from string results (`result.replaceAll("\\", "")`), so `States.JsonToString` of a detail
 *   with a quote, backslash or newline comes out as invalid JSON. The class is not exported, so it
 *   cannot be patched at runtime; instead each `"<key>.$": "States.JsonToString(<path>)"` in a
 *   Task state's Parameters is handed to the library as `"<key>.$": "<path>"` and this wrapper
 *   stringifies the value (compact JSON, as AWS) before calling the handler. Likewise a Pass
 *   state's `"<key>.$": "States.StringToJson(<path>)"` (a JSON string value would lose its
 *   backslashes): the Pass state runs as a handler-less Task whose parameters this wrapper parses,
 *   a string that is not JSON failing the execution with `States.Runtime` as on AWS. Any other
 *   intrinsic whose string result could hold a backslash is refused with an error rather than run
 *   wrongly.
 * - Refusal to run a Task state without a local handler (the library would call AWS Lambda).
 * - The event log of the execution (`events`) and a record of every handler call (`calls`).
 * - Where the library differs from AWS, AWS's behaviour (each with a test in
 *   test/local/asl-interpreter.test.ts):
 *   - A Task state without `TimeoutSeconds` times out after 60 s in the library; on AWS it waits
 *     99,999,999 s (STATES_TASK_DEFAULT_TIMEOUT_SECONDS). The wrapper sets AWS's default.
 *   - Node's timers fire at once for delays above 2^31−1 ms (about 24.8 days), so an execution,
 *     Task or Wait of more seconds timed out at once in the library. Such values are capped at
 *     that delay: a local run ends at its `--timeout`, which is refused above it, so the cap
 *     cannot change what a run does.
 *   - `ResultPath: "$"` (the result replaces the input, the same as no ResultPath) was taken as a
 *     key named `$`; in a Catch, likewise (the output is then the error object).
 *   - When a Task state times out (`States.Timeout`) or the execution ends, the handler's work is
 *     abandoned: its `call.signal` aborts, so the local runner stops the ECS task as `.sync`
 *     stops it (StopTask), instead of leaving the process running.
 *   - `States.Runtime` thrown by a handler is neither retried nor caught, not even by
 *     `States.ALL` ("Handling errors in Step Functions workflows": a retry or catch on
 *     States.ALL won't catch States.Runtime errors).
 *   `TimeoutSecondsPath` is refused (the wrapper could not stop the abandoned work in time);
 *   `HeartbeatSeconds` is not modelled (the library ignores it).
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { PUT_EVENTS_RESOURCE, RUN_TASK_RESOURCE } from '../core/asl';
import { STATES_TASK_DEFAULT_TIMEOUT_SECONDS } from '../core/aws-limits';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

export interface TaskCall {
  readonly stateName: string;
  readonly resource: string;
  /** 1 on the first call of this state in this execution, 2 on its first retry, ... */
  readonly attempt: number;
  readonly executionArn: string;
  /**
   * Aborts when Step Functions abandons this call: the state timed out (reason
   * `ABANDONED.stateTimedOut`) or the execution ended (`ABANDONED.executionEnded`). Whatever the
   * handler returns afterwards is ignored; it should stop its work (the runner stops the task).
   */
  readonly signal: AbortSignal;
}

/** Why a call's `signal` aborted. */
export const ABANDONED = {
  stateTimedOut: 'States.Timeout',
  executionEnded: 'execution ended',
} as const;

export type TaskHandler = (parameters: JsonValue, call: TaskCall) => Promise<JsonValue | void> | JsonValue | void;

export interface TaskHandlers {
  /** `arn:aws:states:::ecs:runTask.sync`. */
  readonly runTask?: TaskHandler;
  /** `arn:aws:states:::events:putEvents`. */
  readonly putEvents?: TaskHandler;
  /** Any resource by its exact `Resource` string; wins over the two above. */
  readonly byResource?: Readonly<Record<string, TaskHandler>>;
}

/**
 * Definitions the library has already validated (see `runStateMachine`): in this process, and
 * across processes under node_modules/.cache (as tooling/register-ts.cjs keeps its output), keyed
 * by the definition and the versions of the library and of asl-validator, which it validates with.
 * asl-validator builds and compiles its JSON schemas anew on every call: 0.1–0.2 CPU-seconds per
 * definition, the larger part of the CPU of a test that runs state machines. Only acceptances are
 * remembered: an invalid definition is validated, and refused, every time.
 */
const validatedDefinitions = new Set<string>();
const validatedCacheDir = (() => {
  try {
    const modules = path.join(__dirname, '..', 'node_modules');
    const version = (name: string) => (JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')) as { version: string }).version;
    return path.join(modules, '.cache', 'asl-validated', `aws-local-stepfunctions-${version('aws-local-stepfunctions')}-asl-validator-${version('asl-validator')}`);
  } catch {
    return undefined; // not in this repository's layout: remember within the process only
  }
})();

function validatedMarker(definitionKey: string): string | undefined {
  return validatedCacheDir && path.join(validatedCacheDir, createHash('sha256').update(definitionKey).digest('hex'));
}

function alreadyValidated(definitionKey: string): boolean {
  if (validatedDefinitions.has(definitionKey)) return true;
  const marker = validatedMarker(definitionKey);
  return marker !== undefined && fs.existsSync(marker);
}

function rememberValidated(definitionKey: string): void {
  if (validatedDefinitions.has(definitionKey)) return;
  validatedDefinitions.add(definitionKey);
  const marker = validatedMarker(definitionKey);
  if (!marker) return;
  try {
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, '');
  } catch {
    // A read-only checkout: validate again in the next process.
  }
}

export interface RunStateMachineOptions {
  /** The definition object, or its JSON string. */
  readonly definition: object | string;
  readonly input: JsonValue;
  readonly handlers: TaskHandlers;
  /** Default: derived from `stateMachineArn` and `executionName`. */
  readonly executionArn?: string;
  /** Default `arn:aws:states:local:000000000000:stateMachine:local`. */
  readonly stateMachineArn?: string;
  /** Default: a random UUID, like the names EventBridge gives. */
  readonly executionName?: string;
  /**
   * Pause before every retry and in every Wait state, in milliseconds, instead of the definition's
   * IntervalSeconds, BackoffRate, jitter and Wait seconds (the library's `retryIntervalOverrides` and
   * `waitTimeOverrides`). Leave unset to wait as AWS would.
   */
  readonly retryIntervalMs?: number;
  /** Aborting it stops the execution (status `ABORTED`). */
  readonly signal?: AbortSignal;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface TaskCallRecord extends Omit<TaskCall, 'signal'> {
  readonly parameters: JsonValue;
  readonly result?: JsonValue;
  readonly error?: { readonly error: string; readonly cause: string };
}

/** The library's event log entries (StateEntered, StateRetried, StateCaught, ExecutionFailed, ...). */
export interface ExecutionEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input: unknown; readonly output?: unknown };
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly [field: string]: unknown;
}

export interface ExecutionOutcome {
  readonly status: ExecutionStatus;
  readonly executionArn: string;
  /** When `SUCCEEDED`. */
  readonly output?: JsonValue;
  /** When `FAILED` (or `States.Timeout` when `TIMED_OUT`). */
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly ExecutionEvent[];
  readonly calls: readonly TaskCallRecord[];
}

/** An error a handler throws: `error` is the ASL error name that Retry/Catch match, `cause` the Cause. */
export class TaskError extends Error {
  /** Read by the library: `States.Runtime` is neither retried nor caught, as on AWS. */
  readonly isRetryable?: boolean;
  readonly isCatchable?: boolean;
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
    if (error === 'States.Runtime') {
      this.isRetryable = false;
      this.isCatchable = false;
    }
  }
}

/**
 * What `ecs:runTask.sync` reports when the task stopped with a non-zero exit code (or never
 * started): `States.TaskFailed`, with the task description as the JSON Cause.
 */
export function ecsTaskFailed(task: JsonObject): TaskError {
  return new TaskError('States.TaskFailed', JSON.stringify(task));
}

/** The names of the states a run entered, in order (retries enter a state once). */
export function statesEntered(outcome: Pick<ExecutionOutcome, 'events'>): string[] {
  return outcome.events.filter((event) => event.type === 'StateEntered').map((event) => event.state?.name ?? '');
}

const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:local';

/** Runs one execution to its end; never throws for a failed execution (see `status`). */
export async function runStateMachine(options: RunStateMachineOptions): Promise<ExecutionOutcome> {
  const original = parseDefinition(options.definition);
  const prepared = prepareDefinition(original);

  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const executionName = options.executionName ?? randomUUID();
  const executionArn = options.executionArn ?? executionArnOf(stateMachineArn, executionName);

  const calls: TaskCallRecord[] = [];
  const attempts = new Map<string, number>();
  /** Calls still running; aborted when the execution ends. */
  const inFlight = new Set<AbortController>();
  const taskResourceLocalHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
  for (const [stateName, pass] of prepared.passes) {
    // A Pass state with States.StringToJson, run as a Task (see the module comment): no handler call.
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that a parse error rejects, as the library expects
    taskResourceLocalHandlers[stateName] = async (evaluated) => parseDeferred(evaluated, pass.deferredStringToJson, stateName);
  }
  for (const [stateName, task] of prepared.tasks) {
    const handler = handlerFor(task.resource, options.handlers);
    if (!handler) {
      throw new Error(`Task state "${stateName}" (resource ${task.resource}) has no local handler; refusing to run it against AWS`);
    }
    taskResourceLocalHandlers[stateName] = (evaluated) => {
      const attempt = (attempts.get(stateName) ?? 0) + 1;
      attempts.set(stateName, attempt);
      // Set before the library sets its own timer of the same length (it calls this handler first),
      // so this one fires first: the call is abandoned and its signal aborted, then the library's
      // timer fails the state with its own States.Timeout (which `States.TaskFailed` does not match).
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(ABANDONED.stateTimedOut), task.timeoutSeconds * 1000);
      inFlight.add(controller);
      const call: TaskCall = { stateName, resource: task.resource, attempt, executionArn, signal: controller.signal };
      const work = (async () => {
        const parameters = stringifyDeferred(evaluated, task.deferredJsonToString);
        try {
          const result = (await handler(parameters, call)) ?? {};
          calls.push({ stateName, resource: task.resource, attempt, executionArn, parameters, result });
          return result;
        } catch (thrown) {
          const error = thrown instanceof Error ? thrown : new TaskError('Error', String(thrown));
          calls.push({ stateName, resource: task.resource, attempt, executionArn, parameters, error: { error: error.name, cause: error.message } });
          throw error;
        }
      })();
      // A call abandoned by its state's timeout never settles: its late result must not reach the
      // library, which has moved on. One abandoned because the execution ended settles at once, so
      // the library clears the state's own timer (the execution's outcome is already decided).
      return new Promise<JsonValue>((resolve, reject) => {
        controller.signal.addEventListener('abort', () => {
          if (controller.signal.reason === ABANDONED.executionEnded) reject(new TaskError('States.Runtime', 'the execution ended'));
        });
        work.then(
          (value) => controller.signal.aborted || resolve(value as JsonValue),
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the handler's own failure, passed on as it is
          (error: unknown) => controller.signal.aborted || reject(error),
        );
        void work
          .catch(() => undefined)
          .finally(() => {
            clearTimeout(timer);
            inFlight.delete(controller);
          });
      });
    };
  }

  const retryIntervalOverrides: Record<string, number> = {};
  const waitTimeOverrides: Record<string, number> = {};
  if (options.retryIntervalMs !== undefined) {
    for (const stateName of prepared.retryingStates) retryIntervalOverrides[stateName] = options.retryIntervalMs;
    for (const stateName of prepared.waitStates) waitTimeOverrides[stateName] = options.retryIntervalMs;
  }

  // The library types its definition strictly; `prepared.definition` is the caller's, rewritten.
  // It validates the definition on every construction (0.4–1.2 s of blocked event loop here), so
  // each distinct definition is validated once and trusted after that (`validatedDefinitions`).
  const definitionKey = JSON.stringify(prepared.definition);
  const machine = new StateMachine(prepared.definition as unknown as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { noValidate: alreadyValidated(definitionKey) },
  });
  rememberValidated(definitionKey);
  const execution = machine.run(options.input, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides, waitTimeOverrides },
    context: {
      Execution: { Id: executionArn, Name: executionName },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() ?? '' },
    },
  });

  const onAbort = (): void => execution.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const events: ExecutionEvent[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as unknown as ExecutionEvent);
  })();

  let outcome: Omit<ExecutionOutcome, 'events' | 'calls'>;
  try {
    const output = (await execution.result) as JsonValue;
    outcome = { status: 'SUCCEEDED', executionArn, output };
  } catch (thrown) {
    outcome = failedOutcome(thrown, executionArn);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const controller of inFlight) controller.abort(ABANDONED.executionEnded);
  }
  await collecting;
  return { ...outcome, events, calls };
}

function failedOutcome(thrown: unknown, executionArn: string): Omit<ExecutionOutcome, 'events' | 'calls'> {
  if (thrown instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', executionArn, error: 'States.Timeout', cause: 'The execution timed out' };
  }
  if (thrown instanceof ExecutionAbortedError) return { status: 'ABORTED', executionArn };
  if (thrown instanceof ExecutionError && thrown.cause instanceof Error) {
    return { status: 'FAILED', executionArn, error: thrown.cause.name, cause: thrown.cause.message };
  }
  throw thrown;
}

function executionArnOf(stateMachineArn: string, executionName: string): string {
  const marker = ':stateMachine:';
  const at = stateMachineArn.indexOf(marker);
  if (at < 0) throw new Error(`stateMachineArn must contain "${marker}": ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + marker.length)}:${executionName}`;
}

function handlerFor(resource: string, handlers: TaskHandlers): TaskHandler | undefined {
  const exact = handlers.byResource?.[resource];
  if (exact) return exact;
  if (resource === RUN_TASK_RESOURCE) return handlers.runTask;
  if (resource === PUT_EVENTS_RESOURCE) return handlers.putEvents;
  return undefined;
}

function parseDefinition(definition: object | string): JsonObject {
  // A JSON round trip, not structuredClone: under Jest's VM contexts structuredClone makes objects of
  // another realm, whose nested templates the library's plain-object check would skip unevaluated.
  if (typeof definition !== 'string') return JSON.parse(JSON.stringify(definition)) as JsonObject;
  try {
    return JSON.parse(definition) as JsonObject;
  } catch (error) {
    throw new Error(`state machine definition is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// The intrinsic-function workaround.

/** Intrinsics whose string result (or a nested one) may hold a backslash the library would drop. */
const BACKSLASH_LOSING_INTRINSICS = ['States.Format', 'States.JsonToString', 'States.StringToJson', 'States.ArrayGetItem', 'States.Base64Decode'];

/** `States.JsonToString(<one path>)`: evaluated by this wrapper. */
const JSON_TO_STRING_OF_PATH = /^States\.JsonToString\(\s*(\$[^,()]*?)\s*\)$/;
/** `States.StringToJson(<one path>)` in a Pass state: evaluated by this wrapper. */
const STRING_TO_JSON_OF_PATH = /^States\.StringToJson\(\s*(\$[^,()]*?)\s*\)$/;
/** The resource a Pass state with States.StringToJson runs as; never a real one. */
const LOCAL_PASS_RESOURCE = 'arn:aws:states:local:000000000000:activity:local-pass-state';

/** Where, in a Task's evaluated Parameters, a value must become its JSON string. */
type Location = readonly (string | number)[];

interface PreparedTask {
  readonly resource: string;
  readonly deferredJsonToString: readonly Location[];
  /** The state's timeout as AWS applies it (its TimeoutSeconds, else the default), capped at MAX_TIMER_SECONDS. */
  readonly timeoutSeconds: number;
}

/**
 * The longest delay a Node timer holds: 2^31−1 ms. A longer one fires at once (with a
 * TimeoutOverflowWarning), so the library timed out a Task, a Wait or an execution of more seconds
 * immediately. Capping is exact for local runs, which end at `--timeout` (at most this long).
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const capTimer = (seconds: number): number => Math.min(seconds, MAX_TIMER_SECONDS);

interface PreparedPass {
  readonly deferredStringToJson: readonly Location[];
}

interface PreparedDefinition {
  readonly definition: JsonObject;
  readonly tasks: ReadonlyMap<string, PreparedTask>;
  /** Pass states run as handler-less Tasks (States.StringToJson). */
  readonly passes: ReadonlyMap<string, PreparedPass>;
  readonly retryingStates: readonly string[];
  readonly waitStates: readonly string[];
}

/** Rewrites the definition for the library and lists its Task states (nested machines included). */
export function prepareDefinition(definition: JsonObject): PreparedDefinition {
  const tasks = new Map<string, PreparedTask>();
  const passes = new Map<string, PreparedPass>();
  const retryingStates: string[] = [];
  const waitStates: string[] = [];
  const seen = new Set<string>();

  const prepareMachine = (machine: JsonObject): JsonObject => {
    const states = machine.States;
    if (!isObject(states)) throw new Error('state machine definition has no States object');
    const rewritten: JsonObject = {};
    for (const [name, rawState] of Object.entries(states)) {
      if (!isObject(rawState)) throw new Error(`state "${name}" is not an object`);
      // Local handlers and retry overrides are keyed by state name across nested machines.
      if (seen.has(name)) throw new Error(`state name "${name}" is used twice; the local runner needs unique names`);
      seen.add(name);
      let state: JsonObject = withAwsResultPaths({ ...rawState });
      if (Array.isArray(state.Retry) && state.Retry.length > 0) retryingStates.push(name);
      if (state.Type === 'Wait') waitStates.push(name);
      if (state.Type === 'Pass' && state.Parameters !== undefined) {
        const deferred: Location[] = [];
        const parameters = deferIntrinsic(state.Parameters, STRING_TO_JSON_OF_PATH, [], deferred, `${name}.Parameters`);
        if (deferred.length > 0) {
          const { Type: _pass, Parameters: _parameters, ...rest } = state;
          state = { ...rest, Type: 'Task', Resource: LOCAL_PASS_RESOURCE, Parameters: parameters };
          passes.set(name, { deferredStringToJson: deferred });
          rewritten[name] = state;
          continue;
        }
      }

      if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds = capTimer(state.Seconds);
      if (state.Type === 'Task') {
        if (typeof state.Resource !== 'string') throw new Error(`Task state "${name}" has no Resource string`);
        if (state.TimeoutSecondsPath !== undefined) {
          throw new Error(`Task state "${name}" uses TimeoutSecondsPath, which the local runner does not support; give TimeoutSeconds`);
        }
        const deferred: Location[] = [];
        if (state.Parameters !== undefined) {
          state.Parameters = deferIntrinsic(state.Parameters, JSON_TO_STRING_OF_PATH, [], deferred, `${name}.Parameters`);
        }
        // The library's default is 60 s; AWS's is STATES_TASK_DEFAULT_TIMEOUT_SECONDS.
        const timeoutSeconds = capTimer(typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : STATES_TASK_DEFAULT_TIMEOUT_SECONDS);
        state.TimeoutSeconds = timeoutSeconds;
        tasks.set(name, { resource: state.Resource, deferredJsonToString: deferred, timeoutSeconds });
      }
      for (const field of ['Parameters', 'ResultSelector', 'ItemSelector'] as const) {
        if (state[field] !== undefined && !(state.Type === 'Task' && field === 'Parameters')) {
          refuseBackslashLosingIntrinsics(state[field], `${name}.${field}`);
        }
      }
      if (Array.isArray(state.Branches)) {
        state.Branches = state.Branches.map((branch) => prepareMachine(asObject(branch, `${name}.Branches`)));
      }
      for (const field of ['ItemProcessor', 'Iterator'] as const) {
        if (state[field] !== undefined) state[field] = prepareMachine(asObject(state[field], `${name}.${field}`));
      }
      rewritten[name] = state;
    }
    return { ...machine, States: rewritten };
  };

  const prepared = prepareMachine(definition);
  if (typeof prepared.TimeoutSeconds === 'number') prepared.TimeoutSeconds = capTimer(prepared.TimeoutSeconds);
  return { definition: prepared, tasks, passes, retryingStates, waitStates };
}

/**
 * `ResultPath: "$"` means the result (or, in a Catch, the error object) replaces the state's input,
 * exactly as leaving ResultPath out does (States Language, "ResultPath"); the library takes it as a
 * key named `$`, so the field is dropped.
 */
function withAwsResultPaths(state: JsonObject): JsonObject {
  const { ResultPath, ...rest } = state;
  const result: JsonObject = ResultPath === '$' ? rest : state;
  if (Array.isArray(state.Catch)) {
    result.Catch = state.Catch.map((catcher) => {
      if (!isObject(catcher) || catcher.ResultPath !== '$') return catcher;
      const { ResultPath: _dropped, ...kept } = catcher;
      return kept;
    });
  }
  return result;
}

/** Replaces each `"<key>.$": "<intrinsic>(<path>)"` matching `pattern` by its path, listing where. */
function deferIntrinsic(template: JsonValue, pattern: RegExp, location: Location, deferred: Location[], where: string): JsonValue {
  if (Array.isArray(template)) {
    return template.map((item, index) => deferIntrinsic(item, pattern, [...location, index], deferred, `${where}[${index}]`));
  }
  if (!isObject(template)) return template;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const match = pattern.exec(value);
      if (match) {
        result[key] = match[1]!;
        deferred.push([...location, key.slice(0, -2)]);
        continue;
      }
      refuseBackslashLosingIntrinsics(value, `${where}.${key}`);
      result[key] = value;
      continue;
    }
    result[key] = deferIntrinsic(value, pattern, [...location, key], deferred, `${where}.${key}`);
  }
  return result;
}

function refuseBackslashLosingIntrinsics(template: JsonValue, where: string): void {
  if (typeof template === 'string') {
    const used = BACKSLASH_LOSING_INTRINSICS.find((name) => template.includes(`${name}(`));
    if (template.startsWith('States.') && used) {
      throw new Error(
        `${where} uses ${used} in "${template}": aws-local-stepfunctions 3.0.0 drops backslashes from its result, ` +
          'and this runner only evaluates States.JsonToString(<path>) in Task Parameters itself',
      );
    }
    return;
  }
  if (Array.isArray(template)) {
    template.forEach((item, index) => refuseBackslashLosingIntrinsics(item, `${where}[${index}]`));
    return;
  }
  if (isObject(template)) {
    for (const [key, value] of Object.entries(template)) refuseBackslashLosingIntrinsics(value, `${where}.${key}`);
  }
}

/** Replaces the value at each location by `transform(value)`. */
function transformDeferred(evaluated: JsonValue, locations: readonly Location[], transform: (value: JsonValue) => JsonValue): JsonValue {
  // A JSON round trip, not structuredClone: under Jest's VM contexts structuredClone makes objects of
  // another realm, which the library's plain-object checks (States.JsonMerge) then refuse.
  const parameters = JSON.parse(JSON.stringify(evaluated)) as JsonValue;
  for (const location of locations) {
    let parent: JsonValue = parameters;
    for (const step of location.slice(0, -1)) parent = (parent as Record<string | number, JsonValue>)[step]!;
    const last = location[location.length - 1]!;
    const holder = parent as Record<string | number, JsonValue>;
    holder[last] = transform(holder[last]!);
  }
  return parameters;
}

/** Replaces the value at each location by its compact JSON, as `States.JsonToString` does on AWS. */
function stringifyDeferred(evaluated: JsonValue, locations: readonly Location[]): JsonValue {
  return transformDeferred(evaluated, locations, (value) => JSON.stringify(value));
}

/**
 * Parses the string at each location, as `States.StringToJson` does on AWS; a value that is not a
 * string of JSON fails the execution with `States.Runtime` (no Catch takes it), as there.
 */
function parseDeferred(evaluated: JsonValue, locations: readonly Location[], stateName: string): JsonValue {
  return transformDeferred(evaluated, locations, (value) => {
    if (typeof value !== 'string') throw new TaskError('States.Runtime', `${stateName}: States.StringToJson needs a string, got ${JSON.stringify(value)}`);
    try {
      return JSON.parse(value) as JsonValue;
    } catch (error) {
      throw new TaskError('States.Runtime', `${stateName}: States.StringToJson: ${(error as Error).message}`);
    }
  });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: JsonValue | undefined, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where} is not an object`);
  return value;
}
