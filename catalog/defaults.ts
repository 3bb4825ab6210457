import { executionTimeBudget } from '../core/asl';
import { minimumFlowTimeoutSeconds } from '../core/asl-flow';
import type { Catalog, FlowRuleSpec, FlowSpec, ResolvedRuleOptions, RuleSpec, TaskSpec, TaskTarget } from './types';

/** ECS launch types a task definition may be run on (its `requiresCompatibilities`). */
export const TASK_COMPATIBILITIES = ['FARGATE', 'EC2'] as const;
/** What a task's definition requires when the catalog says nothing. */
export const DEFAULT_COMPATIBILITIES: readonly (typeof TASK_COMPATIBILITIES)[number][] = ['FARGATE'];

export const RULE_DEFAULTS = {
  retryAttempts: 8,
  maximumEventAgeSeconds: 3600,
  timeoutSeconds: 3600,
  detailDelivery: 'environment',
} as const;

/** `payment` → `Payment`; `seat-update` → `SeatUpdate`. */
const pascal = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** `payment` → `PaymentTaskFailed`; `seat-update` → `SeatUpdateTaskFailed`. */
export function defaultFailureDetailType(targetService: string): string {
  return `${pascal(targetService)}TaskFailed`;
}

/** A flow's failure event when its rule names none: `book` → `BookFlowFailed`. */
export const defaultFlowFailureDetailType = (flow: string): string => `${pascal(flow)}FlowFailed`;
/** A flow's compensation-failed event when it names none: `book` → `BookCompensationFailed`. */
export const defaultCompensationFailedDetailType = (flow: string): string => `${pascal(flow)}CompensationFailed`;

/** Whether a rule runs a flow (else one task). */
export const isFlowRule = (rule: RuleSpec): rule is FlowRuleSpec => 'flow' in rule.target;

/** A flow of the catalog by service and name; undefined when the catalog has none such. */
export function findFlow(catalog: Catalog, service: string, flow: string): FlowSpec | undefined {
  return catalog.services.find((s) => s.name === service)?.flows?.find((f) => f.name === flow);
}

/**
 * The execution timeout a flow's rule gets when it gives none: what leaves each run of each step and
 * compensation the RunTask timeout a rule gets by default (executionTimeBudget of RULE_DEFAULTS).
 */
export const defaultFlowTimeoutSeconds = (flow: FlowSpec): number =>
  minimumFlowTimeoutSeconds(
    flow.steps.map((step) => (step.compensate ? { compensation: step.compensate } : {})),
    executionTimeBudget(RULE_DEFAULTS.timeoutSeconds).taskTimeoutSeconds,
  );

/** A rule with every option resolved. The catalog is needed for a flow's rule: its defaults depend on the flow. */
export function resolveRuleOptions(rule: RuleSpec, catalog: Catalog): ResolvedRuleOptions {
  const options = rule.options ?? {};
  const failure = options.failureDetailType;
  let defaultFailure: string;
  let defaultTimeout: number = RULE_DEFAULTS.timeoutSeconds;
  if (isFlowRule(rule)) {
    const flow = findFlow(catalog, rule.target.service, rule.target.flow);
    if (!flow) throw new Error(`rule ${rule.name}: flow "${rule.target.service}/${rule.target.flow}" is not defined`);
    defaultFailure = defaultFlowFailureDetailType(flow.name);
    defaultTimeout = defaultFlowTimeoutSeconds(flow);
  } else {
    defaultFailure = defaultFailureDetailType(rule.target.service);
  }
  return {
    retryAttempts: options.retryAttempts ?? RULE_DEFAULTS.retryAttempts,
    maximumEventAgeSeconds: options.maximumEventAgeSeconds ?? RULE_DEFAULTS.maximumEventAgeSeconds,
    timeoutSeconds: options.timeoutSeconds ?? defaultTimeout,
    detailDelivery: options.detailDelivery ?? RULE_DEFAULTS.detailDelivery,
    failureDetailType: failure === false ? undefined : (failure ?? defaultFailure),
    successDetailType: options.successDetailType,
    idempotent: options.idempotent ?? false,
  };
}

/** The container command a rule (or a flow's step) runs: its own, else its target task's default. */
export function ruleCommand(rule: { readonly target: Pick<TaskTarget, 'command'> } | Pick<TaskTarget, 'command'>, task: TaskSpec): readonly string[] {
  const target = 'target' in rule ? rule.target : rule;
  return target.command ?? task.command;
}

/** A task of the catalog by service and name; undefined when the catalog has none such. */
export function findTask(catalog: Catalog, service: string, task: string): TaskSpec | undefined {
  return catalog.services.find((s) => s.name === service)?.tasks.find((t) => t.name === task);
}

/** The launch types a task's definition allows (`requiresCompatibilities`). */
export const taskCompatibilities = (task: TaskSpec): readonly ('FARGATE' | 'EC2')[] => task.compatibilities ?? DEFAULT_COMPATIBILITIES;

/** One RunTask a rule's state machine makes: its task, command and part (`task`, `step`, `compensation`). */
export interface RuleRun {
  readonly service: string;
  readonly task: string;
  /** The rule's or step's command, if it replaces the task's. */
  readonly command?: readonly string[];
  readonly role: 'task' | 'step' | 'compensation';
  /** The step's name, for a flow. */
  readonly step?: string;
}

/**
 * Every RunTask a rule's state machine can make, in order: its task, or each step of its flow and
 * its compensation. A flow that does not exist runs nothing (validation says so).
 */
export function ruleRuns(catalog: Catalog, rule: RuleSpec): RuleRun[] {
  if (!isFlowRule(rule)) return [{ service: rule.target.service, task: rule.target.task, ...(rule.target.command ? { command: rule.target.command } : {}), role: 'task' }];
  const flow = findFlow(catalog, rule.target.service, rule.target.flow);
  return (flow?.steps ?? []).flatMap((step): RuleRun[] => [
    { service: step.run.service, task: step.run.task, ...(step.run.command ? { command: step.run.command } : {}), role: 'step', step: step.name },
    ...(step.compensate
      ? [
          {
            service: step.compensate.service,
            task: step.compensate.task,
            ...(step.compensate.command ? { command: step.compensate.command } : {}),
            role: 'compensation' as const,
            step: step.name,
          },
        ]
      : []),
  ]);
}
