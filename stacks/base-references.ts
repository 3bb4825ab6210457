/**
 * How a service stack sees its environment's base: plain strings. For a managed base they are
 * Terraform references into the `<env>-base` stack's outputs (remote state); for an existing base
 * they are the literal ARNs and ids from the environment's config, used as they are.
 */
import { Fn, Token, type TerraformRemoteState } from 'cdktf';
import { findTask } from '../catalog/defaults';
import type { Catalog } from '../catalog/types';
import type { CapacityProviderItem, EnvironmentConfig, ExistingBaseConfig, ManagedBaseConfig } from '../environments/types';
import { capacityProviderStrategy } from './base-inputs';
import { BASE_OUTPUTS, BASE_TASK_OUTPUTS, taskFamily, taskKey } from '../core/naming';

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
  readonly capacity: { readonly launchType: 'FARGATE' } | { readonly strategy: readonly CapacityProviderItem[] };
  task(service: string, task: string): TaskReference;
  /** The task roles this base gives the tasks of a service (each role once). */
  serviceTaskRoles(service: string): readonly { readonly name: string; readonly arn: string }[];
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
  return {
    clusterArn: base.clusterArn,
    subnetIds: base.subnetIds,
    securityGroupIds: base.securityGroupIds,
    // Validation leaves exactly one of the two (environments/validate.ts).
    capacity: base.capacity.strategy ? { strategy: base.capacity.strategy } : { launchType: base.capacity.launchType ?? 'FARGATE' },
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

export function managedBaseReferences(
  env: EnvironmentConfig & { base: ManagedBaseConfig },
  catalog: Catalog,
  baseState: TerraformRemoteState,
): BaseReferences {
  const subnets = baseState.getList(BASE_OUTPUTS.privateSubnetIds);
  return {
    clusterArn: baseState.getString(BASE_OUTPUTS.clusterArn),
    // One element per AZ, known at synth time, so the ASL stays a readable JSON array of strings.
    subnetIds: Array.from({ length: env.base.network.azCount }, (_, i) => Token.asString(Fn.element(subnets, i))),
    securityGroupIds: [baseState.getString(BASE_OUTPUTS.taskSecurityGroupId)],
    capacity: { strategy: capacityProviderStrategy(env.base.cluster) },
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
        taskRoleArn: baseState.getString(BASE_TASK_OUTPUTS.taskRoleArn(service)),
        taskRoleName: baseState.getString(BASE_TASK_OUTPUTS.taskRoleName(service)),
        executionRoleArn: baseState.getString(BASE_OUTPUTS.executionRoleArn),
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
