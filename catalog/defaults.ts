import type { Catalog, ResolvedRuleOptions, RuleSpec, TaskSpec } from './types';

export const RULE_DEFAULTS = {
  retryAttempts: 8,
  maximumEventAgeSeconds: 3600,
  timeoutSeconds: 3600,
  detailDelivery: 'environment',
} as const;

/** `payment` → `PaymentTaskFailed`; `seat-update` → `SeatUpdateTaskFailed`. */
export function defaultFailureDetailType(targetService: string): string {
  const pascal = targetService
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}TaskFailed`;
}

export function resolveRuleOptions(rule: RuleSpec): ResolvedRuleOptions {
  const options = rule.options ?? {};
  const failure = options.failureDetailType;
  return {
    retryAttempts: options.retryAttempts ?? RULE_DEFAULTS.retryAttempts,
    maximumEventAgeSeconds: options.maximumEventAgeSeconds ?? RULE_DEFAULTS.maximumEventAgeSeconds,
    timeoutSeconds: options.timeoutSeconds ?? RULE_DEFAULTS.timeoutSeconds,
    detailDelivery: options.detailDelivery ?? RULE_DEFAULTS.detailDelivery,
    failureDetailType: failure === false ? undefined : (failure ?? defaultFailureDetailType(rule.target.service)),
    successDetailType: options.successDetailType,
    idempotent: options.idempotent ?? false,
  };
}

/** The container command a rule runs: its own, else its target task's default. */
export function ruleCommand(rule: RuleSpec, task: TaskSpec): readonly string[] {
  return rule.target.command ?? task.command;
}

/** A task of the catalog by service and name; undefined when the catalog has none such. */
export function findTask(catalog: Catalog, service: string, task: string): TaskSpec | undefined {
  return catalog.services.find((s) => s.name === service)?.tasks.find((t) => t.name === task);
}
