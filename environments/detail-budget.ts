/**
 * Every hop an event's detail can travel, and whether it fits each one. An event published on a
 * service's bus starts the state machines of the rules it matches; each of those hands the detail to
 * its task (in the RunTask overrides, or as the execution input for delivery by reference), and may
 * publish it again: unchanged as a success event, or as a failure event with the failure fields
 * merged in, which starts the rules on the next bus, and so on. A detail the publisher accepts must
 * fit all of them, or a compensation can never start.
 *
 * Limits (core/aws-limits.ts, each with the AWS reference that sets it):
 * - RunTask `overrides`: 8192 characters of JSON (RUN_TASK_OVERRIDES_LIMIT; core/container-contract.ts
 *   computes what the state machine sends).
 * - Step Functions: an execution input is at most 256 KiB as UTF-8 (EXECUTION_INPUT_MAX_BYTES).
 * - EventBridge PutEvents: an entry is at most 256 KiB by its size rule (MAX_ENTRY_SIZE_BYTES,
 *   core/entry-size.ts).
 *
 * Failure events are budgeted with the largest failure fields they can carry
 * (WORST_CASE_FAILURE_FIELDS), success events with the detail as it is. Pure.
 */
import { defaultCompensationFailedDetailType, findFlow, findTask, isFlowRule, resolveRuleOptions, ruleCommand, type RuleRun, ruleRuns } from '../catalog/defaults';
import type { Catalog, RuleSpec, ServiceSpec } from '../catalog/types';
import { FAILURE_FIELDS, WORST_CASE_FAILURE_FIELDS } from '../core/asl';
import { FLOW_FAILURE_FIELDS, WORST_CASE_FLOW_FAILURE } from '../core/asl-flow';
import { EXECUTION_INPUT_MAX_BYTES, MAX_ENTRY_SIZE_BYTES, RUN_TASK_OVERRIDES_LIMIT } from '../core/aws-limits';
import { EVENT_ENV, type FlowRun, runTaskOverridesLength, worstCaseExecutionArn } from '../core/container-contract';
import { putEventsEntrySize } from '../core/entry-size';
import { matchesReadEvent, readEvent } from '../core/event-pattern';
import type { JsonNode } from '../core/event-pattern-json';
import { arns, busName, eventSource, stateMachineName, taskKey } from '../core/naming';
import type { EnvironmentConfig } from './types';

/** EventBridge event ids are UUIDs: 36 characters. The id's value does not matter, its length does. */
export const BUDGET_EVENT_ID = '00000000-0000-0000-0000-000000000000';
/** `time` of an EventBridge event: an RFC 3339 timestamp of 20 characters. */
const BUDGET_EVENT_TIME = '2000-01-01T00:00:00Z';

/** An event as it is published on a service's bus. */
export interface Publication {
  readonly service: string;
  readonly detailType: string;
  readonly detail: unknown;
  /** Resources of the entry (the publisher's own). */
  readonly resources?: readonly string[];
}

export type HopKind = 'run-task-overrides' | 'execution-input' | 'put-events-entry';

/** One place the detail must fit. */
export interface DetailHop {
  readonly kind: HopKind;
  /** The rule whose state machine makes the hop. */
  readonly service: string;
  readonly rule: string;
  /** The bus the rule is on. */
  readonly bus: string;
  /** For `put-events-entry`: the detail-type the state machine publishes. */
  readonly publishes?: string;
  /** How the detail got here, empty for the event as published: `PaymentFailed (failure event of rule 'charge-payment' on bus 'dev-booking')`. */
  readonly via: readonly string[];
  readonly size: number;
  readonly limit: number;
  readonly unit: 'characters' | 'bytes';
}

interface Visit {
  readonly service: ServiceSpec;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly resources: readonly string[];
  readonly via: readonly string[];
  /** `service/rule|failure?` already on this route: a cycle ends the walk. */
  readonly seen: ReadonlySet<string>;
}

/**
 * How rules are matched: by their whole pattern against the event (a real detail), or by its
 * `detail-type` alone (any detail: what configuration checks use, so a rule that filters on detail
 * fields is still counted).
 */
export type RuleMatching = 'pattern' | 'detail-type';

/** Every hop the published detail makes, in the order of a depth-first walk of the rules. */
export function detailHops(catalog: Catalog, env: EnvironmentConfig, publication: Publication, matching: RuleMatching = 'pattern'): DetailHop[] {
  const hops: DetailHop[] = [];
  const service = catalog.services.find((s) => s.name === publication.service);
  if (!service) return hops;
  walk(catalog, env, hops, matching, {
    service,
    source: eventSource(catalog.namespace, service.name),
    detailType: publication.detailType,
    detail: publication.detail,
    resources: publication.resources ?? [],
    via: [],
    seen: new Set(),
  });
  return hops;
}

function walk(catalog: Catalog, env: EnvironmentConfig, hops: DetailHop[], matching: RuleMatching, visit: Visit): void {
  const bus = busName(env.name, visit.service.name);
  const envelope = {
    version: '0',
    id: BUDGET_EVENT_ID,
    'detail-type': visit.detailType,
    source: visit.source,
    account: env.accountId,
    time: BUDGET_EVENT_TIME,
    region: env.region,
    resources: [...visit.resources],
    detail: visit.detail,
  };
  // Read once for all the bus's rules.
  const event = matching === 'pattern' ? readEvent(envelope) : undefined;
  for (const rule of visit.service.rules) {
    const matches = matching === 'pattern' ? safeMatches(rule, event) : rule.eventPattern['detail-type'].includes(visit.detailType);
    if (!matches) continue;
    const options = resolveRuleOptions(rule, catalog);
    const machine = stateMachineName(env.name, visit.service.name, rule.name);
    const executionArn = worstCaseExecutionArn(env.region, env.accountId, machine);
    const at = { service: visit.service.name, rule: rule.name, bus, via: visit.via };

    if (options.detailDelivery === 'environment') {
      // Every RunTask of the rule: its task, or each step and compensation of its flow (with what a flow adds).
      for (const run of ruleRuns(catalog, rule)) {
        const container = runContainer(catalog, env, run);
        if (!container) continue;
        const size = runTaskOverridesLength({
          containerName: container.containerName,
          command: container.command,
          delivery: 'environment',
          event: { id: BUDGET_EVENT_ID, source: visit.source, detailType: visit.detailType, detail: visit.detail },
          executionArn,
          ...(isFlowRule(rule) ? { flow: worstCaseFlowRun(rule.target.flow, run) } : {}),
        });
        hops.push({ ...at, kind: 'run-task-overrides', size, limit: RUN_TASK_OVERRIDES_LIMIT, unit: 'characters' });
      }
    } else {
      // Stryker disable next-line StringLiteral: equivalent, UTF-8 is Buffer.byteLength's default; named because the limit is in UTF-8 bytes
      const size = Buffer.byteLength(JSON.stringify(envelope), 'utf8');
      hops.push({ ...at, kind: 'execution-input', size, limit: EXECUTION_INPUT_MAX_BYTES, unit: 'bytes' });
    }

    const target = catalog.services.find((s) => s.name === rule.target.service);
    if (!target) continue;
    // The optimized PutEvents integration appends the execution and state machine ARNs to Resources.
    const resources = [executionArn, arns.stateMachine(env.region, env.accountId, machine)];
    const source = eventSource(catalog.namespace, target.name);
    const published: [string | undefined, unknown, string][] = [
      [options.successDetailType, visit.detail, 'success'],
      [options.failureDetailType, mergeFailure(visit.detail, flowFailureFields(catalog, rule, false)), 'failure'],
    ];
    // Stryker disable next-line ConditionalExpression: equivalent, a task rule names no flow, so findFlow finds none
    if (isFlowRule(rule)) {
      const flow = findFlow(catalog, rule.target.service, rule.target.flow);
      // Stryker disable next-line ConditionalExpression: equivalent here, resolveRuleOptions above throws for a flow the catalog lacks (validation reports it first)
      if (flow)
        published.push([
          flow.compensationFailedDetailType ?? defaultCompensationFailedDetailType(flow.name),
          mergeFailure(visit.detail, flowFailureFields(catalog, rule, true)),
          'compensation-failed',
        ]);
    }
    for (const [detailType, detail, outcome] of published) {
      if (detailType === undefined) continue;
      const key = `${visit.service.name}/${rule.name}|${outcome}`;
      if (visit.seen.has(key)) continue;
      const entry = putEventsEntrySize({ Source: source, DetailType: detailType, Detail: JSON.stringify(detail), Resources: resources });
      hops.push({ ...at, kind: 'put-events-entry', publishes: detailType, size: entry, limit: MAX_ENTRY_SIZE_BYTES, unit: 'bytes' });
      walk(catalog, env, hops, matching, {
        service: target,
        source,
        detailType,
        detail,
        resources,
        via: [...visit.via, `${detailType} (${outcome} event of rule '${rule.name}' on bus '${bus}')`],
        seen: new Set([...visit.seen, key]),
      });
    }
  }
}

/** What a flow's run is told, at its largest: a compensation hears of the longest failure. */
function worstCaseFlowRun(flow: string, run: RuleRun): FlowRun {
  return {
    // Stryker disable next-line StringLiteral: equivalent, every run of a flow names its step (ruleRuns)
    step: `${flow}/${run.step ?? ''}`,
    role: run.role === 'compensation' ? 'compensate' : 'run',
    ...(run.role === 'compensation' ? { failure: WORST_CASE_FLOW_FAILURE } : {}),
  };
}

/**
 * What a flow's failure events add besides FAILURE_FIELDS, at their largest: the longest step name,
 * and for the compensation-failed event every compensation failed with the longest error.
 */
function flowFailureFields(catalog: Catalog, rule: RuleSpec, everyCompensationFailed: boolean): Record<string, unknown> {
  if (!isFlowRule(rule)) return {};
  const flow = findFlow(catalog, rule.target.service, rule.target.flow);
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: equivalent here, resolveRuleOptions throws before this for a flow the catalog lacks
  const steps = flow?.steps ?? [];
  const failed = everyCompensationFailed ? steps.filter((step) => step.compensate) : [];
  return {
    [FLOW_FAILURE_FIELDS.failedStep]: WORST_CASE_FLOW_FAILURE.failedStep,
    [FLOW_FAILURE_FIELDS.failedCompensations]: Object.fromEntries(
      failed.map((step) => [
        step.name.replaceAll('-', '_'),
        {
          [FAILURE_FIELDS.error]: WORST_CASE_FLOW_FAILURE.error,
          [FAILURE_FIELDS.stopCode]: WORST_CASE_FLOW_FAILURE.stopCode,
          [FAILURE_FIELDS.exitCode]: WORST_CASE_FLOW_FAILURE.exitCode,
        },
      ]),
    ),
  };
}

/** The detail of a failure event at its largest: the detail's fields, the failure fields winning (States.JsonMerge), then a flow's. */
function mergeFailure(detail: unknown, flowFields: Record<string, unknown> = {}): unknown {
  // null needs no case of its own: spreading it adds nothing, as spreading {} does.
  const base = typeof detail === 'object' && !Array.isArray(detail) ? detail : {};
  return { ...base, ...WORST_CASE_FAILURE_FIELDS, ...flowFields };
}

function safeMatches(rule: RuleSpec, event: JsonNode | undefined): boolean {
  try {
    return matchesReadEvent(rule.eventPattern, event);
  } catch {
    // An invalid pattern is the validator's to report; here it matches nothing.
    return false;
  }
}

/** The container a rule's RunTask overrides name (an existing base's own, else the catalog's) and its command. */
export function targetContainer(catalog: Catalog, env: EnvironmentConfig, rule: RuleSpec): { containerName: string; command: readonly string[] } | undefined {
  const [run] = ruleRuns(catalog, rule);
  return run && run.role === 'task' ? runContainer(catalog, env, run) : undefined;
}

/** The container one RunTask of a rule names, and the command it runs. */
export function runContainer(catalog: Catalog, env: EnvironmentConfig, run: RuleRun): { containerName: string; command: readonly string[] } | undefined {
  const task = findTask(catalog, run.service, run.task);
  if (!task) return undefined;
  const existing = env.base.kind === 'existing' ? env.base.tasks[taskKey(run.service, run.task)] : undefined;
  return { containerName: existing?.containerName ?? task.containerName, command: ruleCommand(run, task) };
}

/** Hops the detail does not fit. */
export const overBudget = (hops: readonly DetailHop[]): DetailHop[] => hops.filter((hop) => hop.size > hop.limit);

/** One line saying which hop a detail does not fit, and what to do. */
export function describeHop(hop: DetailHop): string {
  const where = `rule '${hop.rule}' on bus '${hop.bus}'`;
  const via = hop.via.length === 0 ? '' : `, which it reaches as ${hop.via.join(' → ')}`;
  switch (hop.kind) {
    case 'run-task-overrides':
      return (
        `detail too large for ${where}${via}: the RunTask overrides for its task would be ${hop.size} characters ` +
        `(limit ${hop.limit}, JSON escaping included) because the rule passes the detail in the '${EVENT_ENV.detail}' environment variable. ` +
        `Make the detail smaller, or set options.detailDelivery: 'reference' on rule '${hop.rule}'.`
      );
    case 'execution-input':
      return `detail too large for ${where}${via}: the state machine's input (the whole event) would be ${hop.size} bytes; Step Functions accepts at most ${hop.limit}.`;
    case 'put-events-entry':
      return `detail too large for ${where}${via}: its ${hop.publishes} event would be a PutEvents entry of ${hop.size} bytes (limit ${hop.limit}).`;
  }
}

/** Problems of one publication, one per hop it does not fit; empty when it fits everywhere. */
export function publicationProblems(catalog: Catalog, env: EnvironmentConfig, publication: Publication): string[] {
  return overBudget(detailHops(catalog, env, publication)).map(describeHop);
}

/**
 * The largest `n` for which `detailOfSize(n)` fits every hop of the publication (binary search; the
 * hops grow with `n`), with that detail and its hops; undefined when even `detailOfSize(0)` does not.
 */
export function largestFittingDetail(
  catalog: Catalog,
  env: EnvironmentConfig,
  publication: Omit<Publication, 'detail'>,
  detailOfSize: (n: number) => unknown,
  upTo = EXECUTION_INPUT_MAX_BYTES,
): { size: number; detail: unknown; hops: DetailHop[] } | undefined {
  const fits = (n: number) => overBudget(detailHops(catalog, env, { ...publication, detail: detailOfSize(n) })).length === 0;
  if (!fits(0)) return undefined;
  let low = 0;
  let high = upTo;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const detail = detailOfSize(low);
  return { size: low, detail, hops: detailHops(catalog, env, { ...publication, detail }) };
}
