/**
 * What the event client knows from the catalog and the environment config: which bus a service
 * publishes to, which rules on that bus an event's `detail-type` reaches, and, for the rules that
 * hand the detail to their task in an environment variable, how many characters of the RunTask
 * overrides budget an event uses. Pure functions over plain data.
 */
import { findTask, resolveRuleOptions, ruleCommand } from '../catalog/defaults';
import type { Catalog, RuleSpec, ServiceSpec } from '../catalog/types';
import type { EnvironmentConfig } from '../environments/types';
import { busName, eventSource, stateMachineName, taskKey } from '../core/naming';
import { RUN_TASK_OVERRIDES_LIMIT } from '../core/aws-limits';
import { EVENT_ENV, runTaskOverridesLength, worstCaseExecutionArn } from '../core/container-contract';

/** EventBridge event ids are UUIDs: 36 characters. The id's value does not matter, its length does. */
export const BUDGET_EVENT_ID = '00000000-0000-0000-0000-000000000000';

/** A rule that passes the detail in the `eventDetail` variable, with what its RunTask call will carry. */
export interface EnvironmentDeliveryTarget {
  readonly rule: RuleSpec;
  readonly containerName: string;
  readonly command: readonly string[];
  /** The longest execution ARN the rule's state machine can produce. */
  readonly executionArn: string;
}

/** One service's bus in one environment, as the publisher sees it. */
export interface BusDescription {
  readonly environment: EnvironmentConfig;
  readonly service: ServiceSpec;
  readonly busName: string;
  readonly source: string;
  /** Rules on this bus whose pattern lists the detail-type. */
  matchingRules(detailType: string): readonly RuleSpec[];
  /** Of those, the ones with `detailDelivery: 'environment'`. */
  environmentDeliveryTargets(detailType: string): readonly EnvironmentDeliveryTarget[];
}

export function findEnvironment(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig {
  const found = environments.find((environment) => environment.name === name);
  if (!found) {
    const known = environments.map((environment) => environment.name).join(', ');
    throw new Error(`Unknown environment '${name}'. Known environments: ${known}.`);
  }
  return found;
}

export function findService(catalog: Catalog, name: string, environmentName: string): ServiceSpec {
  const found = catalog.services.find((service) => service.name === name);
  if (!found) {
    const known = catalog.services.map((service) => service.name).join(', ');
    throw new Error(`Unknown service '${name}' (environment '${environmentName}'). Known services: ${known}.`);
  }
  return found;
}

/** Rules whose `detail-type` list contains the detail-type. Other pattern fields are not evaluated. */
export function rulesMatchingDetailType(service: ServiceSpec, detailType: string): RuleSpec[] {
  return service.rules.filter((rule) => rule.eventPattern['detail-type'].includes(detailType));
}

/**
 * The container a rule's RunTask overrides name: from the environment's `existing` base when it
 * lists the task (its task definition was made elsewhere), else the catalog's.
 */
function targetContainerName(catalog: Catalog, environment: EnvironmentConfig, bus: ServiceSpec, rule: RuleSpec): { containerName: string; command: readonly string[] } {
  const { service: targetServiceName, task: taskName } = rule.target;
  const task = findTask(catalog, targetServiceName, taskName);
  if (!task) {
    throw new Error(
      `Rule '${rule.name}' on the ${environment.name}-${bus.name} bus targets task '${taskKey(targetServiceName, taskName)}', which the catalog does not define.`,
    );
  }
  const existing = environment.base.kind === 'existing' ? environment.base.tasks[taskKey(targetServiceName, taskName)] : undefined;
  return { containerName: existing?.containerName ?? task.containerName, command: ruleCommand(rule, task) };
}

export function environmentDeliveryTarget(catalog: Catalog, environment: EnvironmentConfig, bus: ServiceSpec, rule: RuleSpec): EnvironmentDeliveryTarget {
  const { containerName, command } = targetContainerName(catalog, environment, bus, rule);
  return {
    rule,
    containerName,
    command,
    executionArn: worstCaseExecutionArn(environment.region, environment.accountId, stateMachineName(environment.name, bus.name, rule.name)),
  };
}

/** Characters the RunTask `overrides` of this event take when `target`'s state machine starts the task. */
export function overridesLengthFor(target: EnvironmentDeliveryTarget, event: { source: string; detailType: string; detail: unknown }): number {
  return runTaskOverridesLength({
    containerName: target.containerName,
    command: target.command,
    delivery: 'environment',
    event: { id: BUDGET_EVENT_ID, source: event.source, detailType: event.detailType, detail: event.detail },
    executionArn: target.executionArn,
  });
}

/** A clear refusal for an event over a rule's budget, or undefined when it fits. */
export function overridesBudgetProblem(
  target: EnvironmentDeliveryTarget,
  event: { source: string; detailType: string; detail: unknown },
  bus: string,
): string | undefined {
  const length = overridesLengthFor(target, event);
  if (length <= RUN_TASK_OVERRIDES_LIMIT) return undefined;
  return (
    `detail too large for rule '${target.rule.name}' on bus '${bus}': the RunTask overrides for its task would be ` +
    `${length} characters (limit ${RUN_TASK_OVERRIDES_LIMIT}, JSON escaping included) because the rule passes the detail ` +
    `in the '${EVENT_ENV.detail}' environment variable. Make the detail smaller, or set options.detailDelivery: 'reference' on rule '${target.rule.name}'.`
  );
}

export function describeBus(catalog: Catalog, environments: readonly EnvironmentConfig[], environmentName: string, serviceName: string): BusDescription {
  const environment = findEnvironment(environments, environmentName);
  const service = findService(catalog, serviceName, environmentName);
  const targetsByDetailType = new Map<string, readonly EnvironmentDeliveryTarget[]>();
  return {
    environment,
    service,
    busName: busName(environment.name, service.name),
    source: eventSource(catalog.namespace, service.name),
    matchingRules: (detailType) => rulesMatchingDetailType(service, detailType),
    environmentDeliveryTargets(detailType) {
      let targets = targetsByDetailType.get(detailType);
      if (!targets) {
        targets = rulesMatchingDetailType(service, detailType)
          .filter((rule) => resolveRuleOptions(rule).detailDelivery === 'environment')
          .map((rule) => environmentDeliveryTarget(catalog, environment, service, rule));
        targetsByDetailType.set(detailType, targets);
      }
      return targets;
    },
  };
}
