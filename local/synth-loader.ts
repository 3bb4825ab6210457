/**
 * Reads ONE environment's event flow from the synthesized Terraform JSON (`cdktf.out`): buses,
 * rules with their patterns, rule targets, and state machine definitions. This is what would be
 * deployed, so the local run exercises the real patterns and the real ASL, never the TypeScript
 * config that produced them.
 *
 * `${...}` references are resolved generically: an attribute of a resource in the same stack is
 * read from that resource (an ARN is built from its name, region and account), anything else (the
 * base stack's outputs through remote state, for example) becomes a readable placeholder such as
 * `<base:cluster_arn>`. The local runner needs names, not real ARNs.
 */
import { EVENTBRIDGE_DEFAULT_RETRY_POLICY } from '../core/aws-limits';
import { type CompiledPattern, compilePatternText, type EventPattern } from '../core/event-pattern';
import { CdktfOutError, environmentsOf, parseJsonObject, readManifest, readStackJson, recordedEnvironments, stacksOfEnvironment } from '../tooling/cdktf-out';
import { parseResourceReference, placeholderFor, replaceInterpolations, soleExpression } from './terraform-expressions';

/** The account's default event bus: AWS services' events arrive there (no resource creates it). */
export const DEFAULT_BUS = 'default';

export interface LoadedBus {
  readonly name: string;
  readonly stack: string;
  /** Terraform address, e.g. `aws_cloudwatch_event_bus.bus`. */
  readonly address: string;
}

export interface LoadedStateMachine {
  readonly name: string;
  readonly arn: string;
  readonly stack: string;
  readonly address: string;
  /** The ASL, with same-stack references resolved and cross-stack ones replaced by placeholders. */
  readonly definition: Record<string, unknown>;
  /** Every placeholder put into the definition (`<base:cluster_arn>`, ...). */
  readonly placeholders: readonly string[];
}

/** How EventBridge retries delivering to a target (`retry_policy`; EventBridge's defaults when unset). */
export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
}

/** A rule's target that is a state machine of this environment. */
export interface LoadedTarget {
  readonly machine: LoadedStateMachine;
  /** Terraform address of the `aws_cloudwatch_event_target`. */
  readonly address: string;
  readonly retryPolicy: RetryPolicy;
  /** The SQS queue undeliverable events go to (`dead_letter_config`); none: they are dropped. */
  readonly deadLetterQueue?: { readonly name: string; readonly arn: string };
}

export interface LoadedRule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly enabled: boolean;
  /** The pattern, parsed (for display); matching uses `compiled`. */
  readonly pattern: EventPattern;
  /** Compiled from the pattern's JSON text, as EventBridge receives it (number spellings kept). */
  readonly compiled: CompiledPattern;
  readonly stack: string;
  readonly address: string;
  /** Its state machine targets, with their retry policies and dead-letter queues. */
  readonly targets: readonly LoadedTarget[];
  /** The state machines of `targets` (targets of other kinds are listed in `warnings`). */
  readonly stateMachines: readonly LoadedStateMachine[];
}

export interface LoadedEnvironment {
  readonly environment: string;
  readonly outdir: string;
  readonly region: string;
  readonly account: string;
  readonly stacks: readonly string[];
  readonly buses: readonly LoadedBus[];
  readonly rules: readonly LoadedRule[];
  readonly stateMachines: readonly LoadedStateMachine[];
  /** Things loaded but not runnable locally (a target that is not a state machine, ...). */
  readonly warnings: readonly string[];
}

export class SynthOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthOutputError';
  }
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface StackJson {
  readonly provider?: { aws?: { region?: unknown; allowed_account_ids?: unknown }[] };
  readonly resource?: Resources;
}

/** Loads environment `environment` from `outdir` (manifest.json + stacks/<env>-*). */
export function loadSynthesizedEnvironment(outdir: string, environment: string): LoadedEnvironment {
  try {
    return loadFromOutput(outdir, environment);
  } catch (error) {
    if (error instanceof CdktfOutError) throw new SynthOutputError(error.message);
    throw error;
  }
}

function loadFromOutput(outdir: string, environment: string): LoadedEnvironment {
  const manifest = readManifest(outdir);
  const environmentOf = recordedEnvironments(outdir);
  const selected = stacksOfEnvironment(manifest, environment, environmentOf)
    // Code-unit order, as `Array.prototype.sort` gives for plain names.
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (selected.length === 0) {
    const known = environmentsOf(manifest, environmentOf).join(', ') || 'none';
    throw new SynthOutputError(`${outdir}: no stacks for environment "${environment}" (environments with stacks: ${known}). Synthesize it first: npm run local -- --env ${environment}`);
  }
  const stacks = selected.map((stack) => ({ name: stack.name, json: readStackJson(outdir, stack) as StackJson }));
  return loadStacks(environment, outdir, stacks);
}

/** The same, from stacks already parsed (pure; used by `loadSynthesizedEnvironment` and tests). */
export function loadStacks(environment: string, outdir: string, stacks: readonly { name: string; json: StackJson }[]): LoadedEnvironment {
  const { region, account } = regionAndAccount(environment, stacks);
  const warnings: string[] = [];
  const buses: LoadedBus[] = [];
  const stateMachines: LoadedStateMachine[] = [];
  const rules: LoadedRule[] = [];

  for (const { name: stack, json } of stacks) {
    const resources = json.resource ?? {};
    const resolver = new StackResolver(stack, resources, region, account);

    for (const [id, config] of Object.entries(resources.aws_cloudwatch_event_bus ?? {})) {
      buses.push({ name: resolver.requiredString(config, 'name', `aws_cloudwatch_event_bus.${id}`), stack, address: `aws_cloudwatch_event_bus.${id}` });
    }

    const machinesByAddress = new Map<string, LoadedStateMachine>();
    for (const [id, config] of Object.entries(resources.aws_sfn_state_machine ?? {})) {
      const address = `aws_sfn_state_machine.${id}`;
      const name = resolver.requiredString(config, 'name', address);
      const { definition, placeholders } = resolver.definition(config.definition, `${stack}: ${address} (${name}): definition`);
      const machine = { name, arn: stateMachineArn(region, account, name), stack, address, definition, placeholders };
      machinesByAddress.set(address, machine);
      stateMachines.push(machine);
    }

    const targetsByRule = new Map<string, LoadedTarget[]>();
    for (const [id, config] of Object.entries(resources.aws_cloudwatch_event_target ?? {})) {
      const address = `aws_cloudwatch_event_target.${id}`;
      const rule = resolver.requiredString(config, 'rule', address);
      const arnText = typeof config.arn === 'string' ? config.arn : '';
      const reference = soleExpression(arnText);
      const parsed = reference ? parseResourceReference(reference) : undefined;
      const machine = parsed?.type === 'aws_sfn_state_machine' ? machinesByAddress.get(`${parsed.type}.${parsed.name}`) : stateMachines.find((m) => m.arn === arnText);
      if (!machine) {
        warnings.push(
          `${stack}: ${address} of rule ${rule} targets ${arnText ? resolver.resolveString(arnText) : '(no arn)'}, which is not a state machine of this environment; it is not run locally.`,
        );
        continue;
      }
      const reshaping = ['input', 'input_path', 'input_transformer'].filter((field) => config[field] !== undefined);
      if (reshaping.length > 0) {
        // The state machine would get a different input in AWS than the event the runner passes.
        throw new SynthOutputError(`${stack}: ${address} of rule ${rule} sets ${reshaping.join(', ')}, which the local runner does not apply`);
      }
      const target: LoadedTarget = {
        machine,
        address,
        retryPolicy: retryPolicyOf(config.retry_policy, `${stack}: ${address}`),
        ...deadLetterQueueOf(config.dead_letter_config, resolver),
      };
      targetsByRule.set(rule, [...(targetsByRule.get(rule) ?? []), target]);
    }

    for (const [id, config] of Object.entries(resources.aws_cloudwatch_event_rule ?? {})) {
      const address = `aws_cloudwatch_event_rule.${id}`;
      const name = resolver.requiredString(config, 'name', address);
      const busName = typeof config.event_bus_name === 'string' ? resolver.resolveString(config.event_bus_name) : 'default';
      if (typeof config.event_pattern !== 'string') {
        warnings.push(`${stack}: rule ${name} has no event_pattern (a scheduled rule?); it is not run locally.`);
        continue;
      }
      const where = `environment ${environment}, stack ${stack}, rule ${name}: event_pattern`;
      const patternText = resolver.resolveString(config.event_pattern);
      const pattern = parseJsonObject(patternText, where);
      const targets = targetsByRule.get(name) ?? [];
      rules.push({
        name,
        arn: ruleArn(region, account, name, busName),
        busName,
        enabled: config.state === undefined ? config.is_enabled !== false : config.state !== 'DISABLED',
        pattern,
        compiled: compilePatternText(patternText, where),
        stack,
        address,
        targets,
        stateMachines: targets.map((target) => target.machine),
      });
    }
  }

  // The account's default bus exists without any stack; Step Functions sends its status change events there.
  const busNames = new Set([...buses.map((bus) => bus.name), DEFAULT_BUS]);
  for (const rule of rules) {
    if (!busNames.has(rule.busName)) {
      warnings.push(`${rule.stack}: rule ${rule.name} is on bus ${rule.busName}, which no stack of environment ${environment} creates; nothing reaches it locally.`);
    }
    if (rule.stateMachines.length === 0) warnings.push(`${rule.stack}: rule ${rule.name} has no state machine target.`);
  }
  return { environment, outdir, region, account, stacks: stacks.map((s) => s.name), buses, rules, stateMachines, warnings };
}

/** From the stacks' AWS provider blocks; every stack of one environment must agree. */
function regionAndAccount(environment: string, stacks: readonly { name: string; json: StackJson }[]): { region: string; account: string } {
  const regions = new Set<string>();
  const accounts = new Set<string>();
  for (const { json } of stacks) {
    for (const provider of json.provider?.aws ?? []) {
      if (typeof provider.region === 'string') regions.add(provider.region);
      if (Array.isArray(provider.allowed_account_ids) && typeof provider.allowed_account_ids[0] === 'string') accounts.add(provider.allowed_account_ids[0]);
    }
  }
  if (regions.size > 1) throw new SynthOutputError(`environment ${environment}: its stacks use several regions (${[...regions].join(', ')})`);
  return { region: [...regions][0] ?? 'us-east-1', account: [...accounts][0] ?? '000000000000' };
}

const stateMachineArn = (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
const ruleArn = (region: string, account: string, name: string, bus: string) =>
  bus === 'default' ? `arn:aws:events:${region}:${account}:rule/${name}` : `arn:aws:events:${region}:${account}:rule/${bus}/${name}`;

/** `retry_policy` (a block: an object, or a list of one in Terraform JSON), with EventBridge's defaults for what it leaves out. */
function retryPolicyOf(block: unknown, where: string): RetryPolicy {
  const policy = (Array.isArray(block) ? block[0] : block) as { maximum_retry_attempts?: unknown; maximum_event_age_in_seconds?: unknown } | undefined;
  const number = (value: unknown, field: string, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new SynthOutputError(`${where}: retry_policy.${field} must be a whole number, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    maximumRetryAttempts: number(policy?.maximum_retry_attempts, 'maximum_retry_attempts', EVENTBRIDGE_DEFAULT_RETRY_POLICY.maximumRetryAttempts),
    maximumEventAgeSeconds: number(policy?.maximum_event_age_in_seconds, 'maximum_event_age_in_seconds', EVENTBRIDGE_DEFAULT_RETRY_POLICY.maximumEventAgeSeconds),
  };
}

/** `dead_letter_config.arn`, resolved to the queue's ARN and name. */
function deadLetterQueueOf(block: unknown, resolver: StackResolver): { deadLetterQueue?: { name: string; arn: string } } {
  const config = (Array.isArray(block) ? block[0] : block) as { arn?: unknown } | undefined;
  if (typeof config?.arn !== 'string') return {};
  const arn = resolver.resolveString(config.arn);
  return { deadLetterQueue: { arn, name: arn.slice(arn.lastIndexOf(':') + 1) } };
}

/** Resolves `${...}` inside one stack. */
class StackResolver {
  constructor(
    private readonly stack: string,
    private readonly resources: Resources,
    private readonly region: string,
    private readonly account: string,
  ) {}

  requiredString(config: Record<string, unknown>, field: string, address: string): string {
    const value = config[field];
    if (typeof value !== 'string' || value === '') throw new SynthOutputError(`stack ${this.stack}: ${address}: "${field}" must be a non-empty string`);
    return this.resolveString(value);
  }

  resolveString(text: string, depth = 0): string {
    return replaceInterpolations(text, (expression) => this.resolveExpression(expression, depth));
  }

  /**
   * A state machine definition: a template string that Terraform interpolates before AWS parses it
   * as JSON, so interpolations are replaced in the raw text, as Terraform does, then it is parsed.
   * Replacements are JSON-string escaped: a placeholder may quote a map key.
   */
  definition(raw: unknown, where: string): { definition: Record<string, unknown>; placeholders: string[] } {
    if (typeof raw !== 'string') throw new SynthOutputError(`${where}: must be a JSON string`);
    const placeholders = new Set<string>();
    const text = replaceInterpolations(raw, (expression) => {
      const value = this.resolveExpression(expression, 0);
      if (value.startsWith('<')) placeholders.add(value);
      return JSON.stringify(value).slice(1, -1);
    });
    return { definition: parseJsonObject(text, where), placeholders: [...placeholders].sort() };
  }

  private resolveExpression(expression: string, depth: number): string {
    const reference = parseResourceReference(expression);
    if (!reference || depth > 10) return placeholderFor(expression);
    const config = this.resources[reference.type]?.[reference.name];
    if (!config) return placeholderFor(expression);
    const value = config[reference.attribute];
    if (typeof value === 'string') return this.resolveString(value, depth + 1);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const name = typeof config.name === 'string' ? this.resolveString(config.name, depth + 1) : undefined;
    if (name && reference.attribute === 'arn') {
      const arn = arnOf(reference.type, name, config, this.region, this.account, (text) => this.resolveString(text, depth + 1));
      if (arn) return arn;
    }
    if (name && reference.attribute === 'id' && reference.type === 'aws_cloudwatch_event_bus') return name;
    return placeholderFor(expression);
  }
}

function arnOf(type: string, name: string, config: Record<string, unknown>, region: string, account: string, resolve: (text: string) => string): string | undefined {
  switch (type) {
    case 'aws_cloudwatch_event_bus':
      return `arn:aws:events:${region}:${account}:event-bus/${name}`;
    case 'aws_sfn_state_machine':
      return stateMachineArn(region, account, name);
    case 'aws_cloudwatch_event_rule': {
      const bus = typeof config.event_bus_name === 'string' ? resolve(config.event_bus_name) : 'default';
      return bus === 'default' ? `arn:aws:events:${region}:${account}:rule/${name}` : `arn:aws:events:${region}:${account}:rule/${bus}/${name}`;
    }
    case 'aws_sqs_queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    default:
      return undefined;
  }
}
