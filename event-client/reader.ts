/**
 * The task side: what event started this ECS task. The state machine (or `npm run local`) sets the
 * EVENT_ENV variables on the container; with delivery `reference` the detail is not among them and
 * is read from the execution's input (the EventBridge event) with DescribeExecution.
 */
import type * as StepFunctionsSdk from '@aws-sdk/client-sfn';
import type { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type DetailDelivery, EVENT_ENV, FLOW_ENV, FLOW_ROLES, type FlowFailure, type FlowRole } from '../core/container-contract';
import { preview } from './prepare';

export interface TaskEvent<Detail = Record<string, unknown>> {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Detail;
  readonly delivery: DetailDelivery;
  /** The Step Functions execution that started the task (a local one under `npm run local`). */
  readonly executionArn: string | undefined;
}

/** A plain object carrying DescribeExecution, so tests and callers can pass their own. */
export interface DescribeExecutionClient {
  send(command: DescribeExecutionCommand): Promise<{ input?: string }>;
}

export interface ReadTaskEventOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** For delivery `reference`. Default: an SFNClient in the execution ARN's region. */
  readonly sfnClient?: DescribeExecutionClient;
}

/** Raised for missing or malformed event input; names the variable (or the execution) and what was found. */
export class TaskEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskEventError';
  }
}

/**
 * The Step Functions SDK, loaded on first use: only delivery `reference` calls DescribeExecution.
 * Loaded with the module, it cost every task ~0.05 s of CPU at start (Node 24, measured), spent
 * for nothing by a task given its detail in the environment (the default). esbuild still bundles
 * it into every task (delivery/build-tasks.ts), where it is initialized on this first call too.
 */
function stepFunctionsSdk(): typeof StepFunctionsSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('@aws-sdk/client-sfn') as typeof StepFunctionsSdk;
}

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:execution:[^:]+:[^:]+$/;

function requiredVariable(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined) {
    throw new TaskEventError(`Environment variable ${name} is not set; this task expects to be started by its state machine (or \`npm run local\`), which sets it.`);
  }
  if (value.trim() === '') throw new TaskEventError(`Environment variable ${name} is empty.`);
  return value;
}

function parseDetailObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TaskEventError(`${where} is not valid JSON (${(error as Error).message}); found: ${preview(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TaskEventError(`${where} must be a JSON object; found: ${preview(text)}`);
  }
  return value as Record<string, unknown>;
}

/** The region an execution lives in, from its ARN: DescribeExecution must be sent there. */
export function executionRegion(executionArn: string): string {
  const match = EXECUTION_ARN.exec(executionArn);
  if (!match) {
    throw new TaskEventError(`Environment variable ${EVENT_ENV.executionArn} is not a Step Functions execution ARN; found: ${preview(executionArn)}`);
  }
  return match[1];
}

async function detailFromExecution(executionArn: string, client: DescribeExecutionClient | undefined): Promise<Record<string, unknown>> {
  const region = executionRegion(executionArn);
  const sdk = stepFunctionsSdk();
  const sfn = client ?? new sdk.SFNClient({ region });
  let input: string | undefined;
  try {
    ({ input } = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn, includedData: 'ALL_DATA' })));
  } catch (error) {
    const { name, message } = error as Error;
    throw new TaskEventError(`DescribeExecution of ${executionArn} (from ${EVENT_ENV.executionArn}) failed: ${name}: ${message}`);
  } finally {
    if (!client) (sfn as SFNClient).destroy();
  }
  if (input === undefined) {
    throw new TaskEventError(`DescribeExecution of ${executionArn} returned no input; the task role needs states:DescribeExecution on it.`);
  }
  const event = parseDetailObject(input, `The input of execution ${executionArn}`);
  const detail = event.detail;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    throw new TaskEventError(`The input of execution ${executionArn} has no 'detail' object (expected the EventBridge event); found: ${preview(input)}`);
  }
  return detail as Record<string, unknown>;
}

/**
 * The event that started this task. Throws TaskEventError naming the variable when the input is
 * missing or malformed, so a task misconfiguration fails loudly at start-up.
 */
export async function readTaskEvent<Detail = Record<string, unknown>>(options: ReadTaskEventOptions = {}): Promise<TaskEvent<Detail>> {
  const env = options.env ?? process.env;
  const delivery = requiredVariable(env, EVENT_ENV.delivery);
  if (delivery !== 'environment' && delivery !== 'reference') {
    throw new TaskEventError(`Environment variable ${EVENT_ENV.delivery} must be 'environment' or 'reference'; found: ${preview(delivery)}`);
  }
  const id = requiredVariable(env, EVENT_ENV.id);
  const source = requiredVariable(env, EVENT_ENV.source);
  const detailType = requiredVariable(env, EVENT_ENV.detailType);

  if (delivery === 'environment') {
    const detail = parseDetailObject(requiredVariable(env, EVENT_ENV.detail), `Environment variable ${EVENT_ENV.detail}`);
    const executionArn = env[EVENT_ENV.executionArn] || undefined;
    return { id, source, detailType, detail: detail as Detail, delivery, executionArn };
  }
  const executionArn = requiredVariable(env, EVENT_ENV.executionArn);
  const detail = await detailFromExecution(executionArn, options.sfnClient);
  return { id, source, detailType, detail: detail as Detail, delivery, executionArn };
}

/** What a task run as a step of a flow (an orchestrated saga) is told: FLOW_ENV of core/container-contract.ts. */
export interface TaskFlowRun {
  readonly flow: string;
  /** The step this run belongs to. */
  readonly step: string;
  /** `run`: the step's task. `compensate`: its compensating task. */
  readonly role: FlowRole;
  /** Compensations only: the step whose failure started the compensations, and how it failed. */
  readonly failure?: FlowFailure;
}

/**
 * The flow step this task runs, or undefined when a rule started it on its own (choreography). A
 * task run as a step reports by its exit code (0 done, anything else failed) and publishes no
 * outcome event of its own; the flow's state machine announces the outcome. Throws TaskEventError
 * when the variables are half set or malformed: a task must not guess which style started it.
 */
export function readFlowRun(env: Readonly<Record<string, string | undefined>> = process.env): TaskFlowRun | undefined {
  const step = env[FLOW_ENV.step];
  const role = env[FLOW_ENV.role];
  if (step === undefined && role === undefined) return undefined;
  const at = step?.indexOf('/') ?? -1;
  if (step === undefined || at <= 0 || at === step.length - 1) throw new TaskEventError(`${FLOW_ENV.step} must be "<flow>/<step>", got ${JSON.stringify(step)}`);
  if (!(FLOW_ROLES as readonly (string | undefined)[]).includes(role)) throw new TaskEventError(`${FLOW_ENV.role} must be one of ${FLOW_ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  const run = { flow: step.slice(0, at), step: step.slice(at + 1), role: role as FlowRole };
  if (run.role === 'run') return run;
  const text = env[FLOW_ENV.failure];
  let failure: unknown;
  try {
    failure = text === undefined ? undefined : JSON.parse(text);
  } catch {
    failure = undefined;
  }
  const f = failure as Partial<FlowFailure> | undefined;
  if (typeof f !== 'object' || f === null || typeof f.failedStep !== 'string' || typeof f.error !== 'string') {
    throw new TaskEventError(`${FLOW_ENV.failure} must be the JSON of { failedStep, error, stopCode, exitCode } for a compensation, got ${JSON.stringify(text)}`);
  }
  return {
    ...run,
    failure: { failedStep: f.failedStep, error: f.error, stopCode: typeof f.stopCode === 'string' ? f.stopCode : '', exitCode: typeof f.exitCode === 'number' ? f.exitCode : null },
  };
}
