/**
 * What every managed environment's base stack holds, for any catalog: the network as configured,
 * the cluster with one ECR repository per image repository, one task definition per catalog task
 * (overrides applied), the role names and the outputs the service stacks read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig, ManagedBaseConfig } from '../../environments/types';
import { taskKey } from '../../core/naming';
import { stackOf, type Subject } from './subject';

export function baseStackInvariants(subject: Subject): void {
  const managed = subject.environments.filter((env): env is EnvironmentConfig & { base: ManagedBaseConfig } => env.base.kind === 'managed').map((env) => ({ env, base: env.base }));
  const catalogTasks = subject.catalog.services.flatMap((service) => service.tasks.map((task) => ({ service: service.name, task, key: taskKey(service.name, task.name) })));
  const servicesWithTasks = subject.catalog.services
    .filter((service) => service.tasks.length > 0)
    .map((service) => service.name)
    .sort();
  const moduleOf = (stack: string, name: string) => {
    const module = stackOf(subject, stack).module?.[name];
    if (!module) throw new Error(`${stack} has no module ${name}`);
    return module;
  };

  describe.each(managed)('$env.name-base', ({ env, base }) => {
    const stack = `${env.name}-base`;

    it('passes the environment network to the network module', () => {
      const network = moduleOf(stack, 'network');
      expect(network).toMatchObject({
        name: env.name,
        cidr_block: base.network.cidr,
        az_count: base.network.azCount,
        nat_mode: base.network.nat,
        // On unless the environment turns them off.
        enable_flow_logs: base.network.flowLogs ?? true,
      });
    });

    it('passes the cluster settings and one ECR repository per catalog image', () => {
      const cluster = moduleOf(stack, 'ecs_cluster');
      expect(cluster.name).toBe(`${env.name}-services`);
      expect(cluster.container_insights).toBe(base.cluster.containerInsights);
      expect(cluster.ecr_repositories).toEqual([...new Set(catalogTasks.map(({ task }) => task.imageRepository))].sort());
      const strategy = cluster.capacity_provider_strategy as { capacity_provider: string; weight: number; base: number }[];
      expect(strategy.find((s) => s.capacity_provider === 'FARGATE')).toEqual({
        capacity_provider: 'FARGATE',
        weight: base.cluster.fargateWeight,
        base: base.cluster.fargateBase ?? 0,
      });
      const spot = strategy.find((s) => s.capacity_provider === 'FARGATE_SPOT');
      if (base.cluster.fargateSpotWeight > 0) expect(spot).toEqual({ capacity_provider: 'FARGATE_SPOT', weight: base.cluster.fargateSpotWeight, base: 0 });
      else expect(spot).toBeUndefined();
    });

    it('passes one task definition per catalog task, with the environment overrides applied', () => {
      const tasks = moduleOf(stack, 'task_definitions').tasks as Record<string, Record<string, unknown>>;
      expect(Object.keys(tasks).sort()).toEqual(catalogTasks.map(({ key }) => key).sort());
      for (const { service, task, key } of catalogTasks) {
        const passed = tasks[key]!;
        expect(passed.family).toBe(`${env.name}-${service}-${task.name}`);
        expect(passed.container_name).toBe(task.containerName);
        expect(passed.command).toEqual(task.command);
        expect(passed.environment).toEqual({ APP_ENVIRONMENT: env.name, APP_SERVICE: service });
        const override = base.taskOverrides?.[key];
        expect(passed.cpu).toBe(override?.cpu ?? task.cpu);
        expect(passed.memory).toBe(override?.memory ?? task.memory);
        expect(passed.image).toBe(`\${module.ecs_cluster.ecr_repository_urls["${task.imageRepository}"]}:${override?.imageTag ?? base.defaultImageTag}`);
      }
      expect(moduleOf(stack, 'task_definitions').log_retention_days).toBe(base.taskLogRetentionDays);
    });

    it('names the roles the module creates from the naming module, where validation checks them', () => {
      expect(moduleOf(stack, 'task_definitions').execution_role_name).toBe(`${env.name}-ecs-task-execution`);
      expect(moduleOf(stack, 'task_definitions').task_role_names).toEqual(Object.fromEntries(servicesWithTasks.map((service) => [service, `${env.name}-${service}-task`])));
    });

    it('exposes the outputs service stacks read', () => {
      const outputs = stackOf(subject, stack).output ?? {};
      expect(Object.keys(outputs).sort()).toEqual(
        [
          'cluster_arn',
          'cluster_name',
          'container_names',
          'execution_role_arn',
          'private_subnet_ids',
          'task_definition_arns',
          'task_definition_families',
          'task_role_arns',
          'task_role_names',
          'task_security_group_id',
          'vpc_id',
          ...servicesWithTasks.flatMap((s) => [`task_role_arn__${s}`, `task_role_name__${s}`]),
        ].sort(),
      );
      for (const service of servicesWithTasks) {
        expect(outputs[`task_role_name__${service}`]?.value).toBe(`\${module.task_definitions.task_role_names.${service}}`);
        expect(outputs[`task_role_arn__${service}`]?.value).toBe(`\${module.task_definitions.task_role_arns.${service}}`);
      }
      expect(outputs.cluster_arn?.value).toBe('${module.ecs_cluster.cluster_arn}');
      expect(outputs.private_subnet_ids?.value).toBe('${module.network.private_subnet_ids}');
      expect(outputs.task_definition_arns?.value).toBe('${module.task_definitions.task_definition_arns}');
    });

    it('configures the AWS provider for the environment account, region and tags', () => {
      const [provider] = stackOf(subject, stack).provider?.aws as Record<string, unknown>[];
      expect(provider).toMatchObject({
        region: env.region,
        allowed_account_ids: [env.accountId],
        default_tags: [{ tags: env.defaultTags }],
      });
    });

    it('uses relative module sources copied into the stack assets', () => {
      for (const name of ['network', 'ecs_cluster', 'task_definitions']) {
        const source = moduleOf(stack, name).source as string;
        expect(source).toMatch(/^\.\/assets\//);
        const moduleDir = path.join(subject.outdir(), 'stacks', stack, source);
        expect(fs.existsSync(path.join(moduleDir, 'main.tf'))).toBe(true);
        expect(fs.existsSync(path.join(moduleDir, 'variables.tf'))).toBe(true);
      }
    });
  });
}
