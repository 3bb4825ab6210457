/**
 * How a service stack sees its environment's base: plain strings. For a managed base they are
 * Terraform references into the `<env>-base` stack's outputs (remote state); for an existing base
 * they are the literal ARNs and ids from the environment's config, used as they are.
 */
import { Fn, Token, type TerraformRemoteState } from 'cdktf';
import { findTask } from '../catalog/defaults';
import type { Catalog } from '../catalog/types';
import type { EnvironmentConfig, ExistingBaseConfig, ManagedBaseConfig, RuleCapacityConfig } from '../environments/types';
import type { CapacitySpec } from '../core/asl';
import type { Placement } from '../core/placement';
import { capacityProviderStrategy } from './base-inputs';
import { BASE_OUTPUTS, BASE_TASK_OUTPUTS, ec2CapacityProviderName, taskFamily, taskKey } from '../core/naming';

export interface TaskReference {
  /** RunTask's `taskDefinition`: the family (latest ACTIVE revision) or a pinned `…:<revision>` ARN. */
  readonly taskDefinition: string;
  /** Literal family name (IAM resources are written per family). */
  readonly family: string;
  readonly containerName: string;
  readonly taskRoleArn: string;
  readonly taskRoleName: string;
  readonly executionRoleArn: string;
}

export interface BaseReferences {
  readonly clusterArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly capacity: CapacitySpec;
  /** Where one rule's RunTasks run (`base.ruleCapacity`): the base's capacity, or its EC2 capacity provider with the placement asked for. */
  ruleCapacity(service: string, rule: string): RunCapacity;
  task(service: string, task: string): TaskReference;
  /** The task roles this base gives the tasks of a service (each role once). */
  serviceTaskRoles(service: string): readonly { readonly name: string; readonly arn: string }[];
}

/** What a RunTask state gets for its capacity and placement. */
export interface RunCapacity {
  readonly capacity: CapacitySpec;
  readonly placement?: Placement;
}

/**
 * A rule's capacity from its `base.ruleCapacity` entry: on EC2, the one EC2 capacity provider (a
 * strategy of Auto Scaling group providers only, as ECS requires) and the placement; otherwise the
 * base's own capacity. Validation has refused EC2 without an EC2 provider and placement on Fargate.
 */
export function runCapacity(entry: RuleCapacityConfig | undefined, fallback: CapacitySpec, ec2Provider: string | undefined): RunCapacity {
  if (entry?.runOn !== 'EC2') return { capacity: fallback };
  if (!ec2Provider) throw new Error('a rule runs on EC2, but the environment has no EC2 capacity provider');
  return {
    capacity: { strategy: [{ capacityProvider: ec2Provider, weight: 1 }] },
    placement: {
      strategy: (entry.placementStrategy ?? []).map((item) => ({ type: item.type, ...(item.field === undefined ? {} : { field: item.field }) })),
      constraints: (entry.placementConstraints ?? []).map((item) => ({ type: item.type, ...(item.expression === undefined ? {} : { expression: item.expression }) })),
    },
  };
}

/** `arn:aws:iam::123456789012:role/path/name` → `name`. */
export const roleNameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

export interface TaskDefinitionReference {
  readonly family: string;
  /** Set when the reference pins one revision. */
  readonly revision?: number;
  /** What the state machine passes to RunTask. */
  readonly runTaskValue: string;
}

const TASK_DEFINITION_REFERENCE = /^(?:arn:aws:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?([A-Za-z0-9_-]{1,255})(?::([1-9]\d*))?$/;

/**
 * `family`, `family:12`, `arn:…:task-definition/family` or `arn:…:task-definition/family:12`.
 * RunTask takes "the family and revision (family:revision) or full ARN … If a revision isn't
 * specified, the latest ACTIVE revision is used" (ECS API reference, RunTask): a family ARN without
 * revision is passed as the bare family, the documented form; a pinned reference as written.
 */
export function parseTaskDefinitionReference(reference: string): TaskDefinitionReference {
  const match = TASK_DEFINITION_REFERENCE.exec(reference);
  if (!match?.[1]) throw new Error(`not a task definition family or ARN: ${reference}`);
  if (match[2] === undefined) return { family: match[1], runTaskValue: match[1] };
  return { family: match[1], revision: Number(match[2]), runTaskValue: reference };
}

export function existingBaseReferences(env: EnvironmentConfig & { base: ExistingBaseConfig }): BaseReferences {
  const base = env.base;
  // Validation leaves exactly one of the two (environments/validate.ts).
  const capacity: CapacitySpec = base.capacity.strategy ? { strategy: base.capacity.strategy } : { launchType: base.capacity.launchType ?? 'FARGATE' };
  return {
    clusterArn: base.clusterArn,
    subnetIds: base.subnetIds,
    securityGroupIds: base.securityGroupIds,
    capacity,
    ruleCapacity: (service, rule) => runCapacity(base.ruleCapacity?.[taskKey(service, rule)], capacity, base.ec2CapacityProvider),
    task(service, task) {
      const key = taskKey(service, task);
      const config = base.tasks[key];
      // Validation guarantees every targeted task is configured; this guards direct callers.
      if (!config) throw new Error(`environment "${env.name}": base.tasks: no entry for "${key}"`);
      const definition = parseTaskDefinitionReference(config.taskDefinition);
      return {
        taskDefinition: definition.runTaskValue,
        family: definition.family,
        containerName: config.containerName,
        taskRoleArn: config.taskRoleArn,
        taskRoleName: roleNameFromArn(config.taskRoleArn),
        executionRoleArn: config.executionRoleArn,
      };
    },
    serviceTaskRoles(service) {
      const arns = Object.entries(base.tasks)
        .filter(([key]) => key.startsWith(`${service}/`))
        .map(([, config]) => config.taskRoleArn);
      return [...new Set(arns)].sort().map((arn) => ({ name: roleNameFromArn(arn), arn }));
    },
  };
}

export function managedBaseReferences(env: EnvironmentConfig & { base: ManagedBaseConfig }, catalog: Catalog, baseState: TerraformRemoteState): BaseReferences {
  const subnets = baseState.getList(BASE_OUTPUTS.privateSubnetIds);
  // One token per output: a flow's policy lists each role once, and equal tokens are equal strings.
  const outputs = new Map<string, string>();
  const output = (name: string): string => outputs.get(name) ?? outputs.set(name, baseState.getString(name)).get(name)!;
  const capacity: CapacitySpec = { strategy: capacityProviderStrategy(env.base.cluster) };
  // The capacity provider's name comes from the naming module, as the base stack gives it to modules/ecs-cluster.
  const ec2Provider = env.base.cluster.ec2 ? ec2CapacityProviderName(env.name) : undefined;
  return {
    clusterArn: baseState.getString(BASE_OUTPUTS.clusterArn),
    // One element per AZ, known at synth time, so the ASL stays a readable JSON array of strings.
    subnetIds: Array.from({ length: env.base.network.azCount }, (_, i) => Token.asString(Fn.element(subnets, i))),
    securityGroupIds: [baseState.getString(BASE_OUTPUTS.taskSecurityGroupId)],
    capacity,
    ruleCapacity: (service, rule) => runCapacity(env.base.ruleCapacity?.[taskKey(service, rule)], capacity, ec2Provider),
    task(service, task) {
      const key = taskKey(service, task);
      const spec = findTask(catalog, service, task);
      if (!spec) throw new Error(`catalog: task "${key}" is not defined`);
      const family = taskFamily(env.name, service, task);
      return {
        // The family, not the ARN of the revision the base registered last: a later base deploy
        // registers a new revision (and keeps the old ones ACTIVE, skip_destroy), and RunTask then
        // takes the latest ACTIVE one. An ARN with revision read from remote state would name a
        // revision that the next base-only deploy replaces, until the service stacks are applied too.
        taskDefinition: family,
        family,
        containerName: spec.containerName,
        taskRoleArn: output(BASE_TASK_OUTPUTS.taskRoleArn(service)),
        taskRoleName: output(BASE_TASK_OUTPUTS.taskRoleName(service)),
        executionRoleArn: output(BASE_OUTPUTS.executionRoleArn),
      };
    },
    serviceTaskRoles(service) {
      // The task-definitions module gives each service with tasks one task role.
      const hasTasks = (catalog.services.find((s) => s.name === service)?.tasks.length ?? 0) > 0;
      if (!hasTasks) return [];
      return [{ name: baseState.getString(BASE_TASK_OUTPUTS.taskRoleName(service)), arn: baseState.getString(BASE_TASK_OUTPUTS.taskRoleArn(service)) }];
    },
  };
}
