/**
 * What the base stack passes to each HCL module, computed from an environment and the catalog.
 * Pure: the base stack only wires these into `TerraformHclModule`s, and tests check them against
 * the modules' declared variables.
 */
import type { Catalog, TaskSpec } from '../catalog/types';
import type { CapacityProviderItem, ClusterConfig, EnvironmentConfig, ManagedBaseConfig } from '../environments/types';
import { TASK_IDENTITY_ENV } from '../core/container-contract';
import {
  autoScalingGroupName,
  clusterName,
  containerInstanceProfileName,
  containerInstanceRoleName,
  ec2CapacityProviderName,
  executionRoleName,
  launchTemplateName,
  taskFamily,
  taskKey,
  taskRoleName,
} from '../core/naming';
import type { AcceptedFinding } from '../core/accepted-findings';
import { environmentPermissionsBoundary } from '../core/ci-roles';
import { taskImageTag } from '../environments/image-tags';

export function capacityProviderStrategy(cluster: ClusterConfig): CapacityProviderItem[] {
  const strategy: CapacityProviderItem[] = [];
  if (cluster.fargateWeight > 0 || (cluster.fargateBase ?? 0) > 0) {
    strategy.push({ capacityProvider: 'FARGATE', weight: cluster.fargateWeight, base: cluster.fargateBase ?? 0 });
  }
  if (cluster.fargateSpotWeight > 0) {
    strategy.push({ capacityProvider: 'FARGATE_SPOT', weight: cluster.fargateSpotWeight, base: 0 });
  }
  return strategy;
}

export interface ResolvedTask {
  readonly key: `${string}/${string}`;
  readonly service: string;
  readonly spec: TaskSpec;
  readonly family: string;
  readonly imageTag: string;
  readonly cpu: number;
  readonly memory: number;
}

/** Every catalog task with the environment's overrides applied. */
export function resolveTasks(catalog: Catalog, env: EnvironmentConfig, base: ManagedBaseConfig): ResolvedTask[] {
  return catalog.services.flatMap((service) =>
    service.tasks.map((spec) => {
      const key = taskKey(service.name, spec.name);
      const override = base.taskOverrides?.[key] ?? {};
      return {
        key,
        service: service.name,
        spec,
        family: taskFamily(env.name, service.name, spec.name),
        imageTag: taskImageTag(base, key),
        cpu: override.cpu ?? spec.cpu,
        memory: override.memory ?? spec.memory,
      };
    }),
  );
}

/** The module variable that bounds the roles a module creates, when the environment's roles are bounded. */
const permissionsBoundaryInput = (env: EnvironmentConfig): { permissions_boundary_arn?: string } => {
  const arn = environmentPermissionsBoundary(env);
  return arn === undefined ? {} : { permissions_boundary_arn: arn };
};

export function networkInputs(env: EnvironmentConfig, base: ManagedBaseConfig) {
  return {
    name: env.name,
    cidr_block: base.network.cidr,
    az_count: base.network.azCount,
    nat_mode: base.network.nat,
    // trivy AWS-0178: without flow logs a VPC's traffic leaves no trace to investigate.
    enable_flow_logs: base.network.flowLogs ?? true,
    ...permissionsBoundaryInput(env),
  };
}

/** Where the EC2 capacity's instances go: the network module's private subnets and VPC (references). */
export interface Ec2Network {
  readonly subnetIds: unknown;
  readonly vpcId: unknown;
}

/**
 * The ecs-cluster module's `ec2_capacity`, or nothing without `base.cluster.ec2`: every name from the
 * naming module (validated there), the sizes from the environment.
 */
export function ec2CapacityInputs(env: EnvironmentConfig, base: ManagedBaseConfig, network: Ec2Network) {
  const ec2 = base.cluster.ec2;
  if (!ec2) return undefined;
  return {
    capacity_provider_name: ec2CapacityProviderName(env.name),
    auto_scaling_group_name: autoScalingGroupName(env.name),
    launch_template_name: launchTemplateName(env.name),
    instance_role_name: containerInstanceRoleName(env.name),
    instance_profile_name: containerInstanceProfileName(env.name),
    instance_type: ec2.instanceType,
    min_size: ec2.minSize,
    max_size: ec2.maxSize,
    target_capacity: ec2.targetCapacity ?? 100,
    root_volume_size: ec2.rootVolumeGiB ?? 30,
    subnet_ids: network.subnetIds,
    vpc_id: network.vpcId,
  };
}

export function ecsClusterInputs(env: EnvironmentConfig, base: ManagedBaseConfig, catalog: Catalog, network?: Ec2Network) {
  const repositories = [...new Set(catalog.services.flatMap((s) => s.tasks.map((t) => t.imageRepository)))].sort();
  const ec2 = network ? ec2CapacityInputs(env, base, network) : undefined;
  return {
    name: clusterName(env.name),
    container_insights: base.cluster.containerInsights,
    capacity_provider_strategy: capacityProviderStrategy(base.cluster).map((item) => ({
      capacity_provider: item.capacityProvider,
      weight: item.weight,
      base: item.base ?? 0,
    })),
    ecr_repositories: repositories,
    image_tag_mutability: base.imageTagMutability ?? 'IMMUTABLE',
    // Never expired by the lifecycle policy: the images this environment's task definitions run.
    ecr_protected_tags: [...new Set(resolveTasks(catalog, env, base).map((task) => task.imageTag))].sort(),
    // The instance role is an <env>-* role: bounded like every other (the deploy role creates none without it).
    ...(ec2 ? { ec2_capacity: ec2, ...permissionsBoundaryInput(env) } : {}),
  };
}

/**
 * `imageUri(repository, tag)` turns a repository name into an image reference; the stack passes
 * one that reads the repository URL from the ecs-cluster module's output.
 */
export function taskDefinitionInputs(env: EnvironmentConfig, base: ManagedBaseConfig, catalog: Catalog, imageUri: (repository: string, tag: string) => string) {
  const tasks = Object.fromEntries(
    resolveTasks(catalog, env, base).map((task) => [
      task.key,
      {
        service: task.service,
        family: task.family,
        container_name: task.spec.containerName,
        image: imageUri(task.spec.imageRepository, task.imageTag),
        cpu: task.cpu,
        memory: task.memory,
        command: [...task.spec.command],
        environment: { [TASK_IDENTITY_ENV.environment]: env.name, [TASK_IDENTITY_ENV.service]: task.service },
        // Only where the catalog says: the module's default is FARGATE alone.
        ...(task.spec.compatibilities ? { requires_compatibilities: [...task.spec.compatibilities] } : {}),
      },
    ]),
  );
  // Role names come from the naming module, like every other name, so validation checks them too.
  const services = [...new Set(catalog.services.filter((s) => s.tasks.length > 0).map((s) => s.name))];
  return {
    name_prefix: env.name,
    tasks,
    log_retention_days: base.taskLogRetentionDays,
    execution_role_name: executionRoleName(env.name),
    task_role_names: Object.fromEntries(services.map((service) => [service, taskRoleName(env.name, service)])),
    ...permissionsBoundaryInput(env),
  };
}

/**
 * Scanner findings on the base modules that follow from an environment's own choices, accepted on
 * the module call of that environment only (where it chose otherwise, the finding stays open).
 */
export function baseAcceptedFindings(env: EnvironmentConfig, base: ManagedBaseConfig): { network: AcceptedFinding[]; ecsCluster: AcceptedFinding[] } {
  const network: AcceptedFinding[] = [];
  const ecsCluster: AcceptedFinding[] = [];
  if (base.network.flowLogs === false) {
    network.push({
      trivy: 'AWS-0178',
      reason: `${env.name} records no VPC flow logs (base.network.flowLogs = false): their CloudWatch ingestion costs more than a disposable environment's traffic is worth`,
    });
  }
  if ((base.imageTagMutability ?? 'IMMUTABLE') === 'MUTABLE') {
    ecsCluster.push({
      trivy: 'AWS-0031',
      reason: `${env.name} deploys moving tags (imageTagMutability = MUTABLE, defaultImageTag "${base.defaultImageTag}"); prod's repositories are IMMUTABLE`,
    });
  }
  if (base.cluster.containerInsights === 'disabled') {
    ecsCluster.push({ trivy: 'AWS-0034', reason: `${env.name} runs without Container Insights (cluster.containerInsights = disabled) to save its metrics cost; the tasks' own logs remain` });
  }
  return { network, ecsCluster };
}
