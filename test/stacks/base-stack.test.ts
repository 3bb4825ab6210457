import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { environments } from '../../environments';
import { configureBackend } from '../../stacks/backend';
import type { ManagedBaseConfig } from '../../environments/types';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { existingBaseEnvironment } from '../fixtures/environments';
import { moduleCallViolations, parseModule } from '../support/hcl';
import { filesBelow, manifest, stackJson, synthOutDir } from '../support/synth';

const managed = environments.map((env) => ({ env, base: env.base as ManagedBaseConfig }));
const moduleOf = (stack: string, name: string) => {
  const module = stackJson(stack).module?.[name];
  if (!module) throw new Error(`${stack} has no module ${name}`);
  return module;
};

describe('base stacks', () => {
  it('exist for every managed environment and not for the existing-base one', () => {
    const stacks = Object.keys(manifest().stacks);
    expect(stacks).toEqual(expect.arrayContaining(['dev-base', 'staging-base', 'prod-base']));
    expect(stacks).not.toContain(`${existingBaseEnvironment.name}-base`);
  });

  describe.each(managed)('$env.name-base', ({ env, base }) => {
    const stack = `${env.name}-base`;

    it('passes the environment network to the network module', () => {
      const network = moduleOf(stack, 'network');
      expect(network).toMatchObject({
        name: env.name,
        cidr_block: base.network.cidr,
        az_count: base.network.azCount,
        nat_mode: base.network.nat,
      });
    });

    it('passes the cluster settings and one ECR repository per catalog image', () => {
      const cluster = moduleOf(stack, 'ecs_cluster');
      expect(cluster.name).toBe(`${env.name}-services`);
      expect(cluster.container_insights).toBe(base.cluster.containerInsights);
      expect(cluster.ecr_repositories).toEqual([
        'booking-saga/compensation',
        'booking-saga/notification',
        'booking-saga/payment',
        'booking-saga/seat',
      ]);
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
      expect(Object.keys(tasks).sort()).toEqual(['compensation/cancel-booking', 'notification/notify', 'payment/charge', 'seat/reserve-seats']);
      const payment = tasks['payment/charge']!;
      expect(payment.family).toBe(`${env.name}-payment-charge`);
      expect(payment.container_name).toBe('payment');
      expect(payment.command).toEqual(['node', 'dist/charge-payment.js']);
      expect(payment.environment).toEqual({ APP_ENVIRONMENT: env.name, APP_SERVICE: 'payment' });
      const override = base.taskOverrides?.['payment/charge'];
      expect(payment.cpu).toBe(override?.cpu ?? 256);
      expect(payment.memory).toBe(override?.memory ?? 512);
      expect(payment.image).toBe(
        `\${module.ecs_cluster.ecr_repository_urls["booking-saga/payment"]}:${override?.imageTag ?? base.defaultImageTag}`,
      );
      expect(moduleOf(stack, 'task_definitions').log_retention_days).toBe(base.taskLogRetentionDays);
    });

    it('names the roles the module creates from the naming module, where validation checks them', () => {
      expect(moduleOf(stack, 'task_definitions').execution_role_name).toBe(`${env.name}-ecs-task-execution`);
      expect(moduleOf(stack, 'task_definitions').task_role_names).toEqual(
        Object.fromEntries(['compensation', 'notification', 'payment', 'seat'].map((service) => [service, `${env.name}-${service}-task`])),
      );
    });

    it('exposes the outputs service stacks read', () => {
      const outputs = stackJson(stack).output ?? {};
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
          ...['compensation', 'notification', 'payment', 'seat'].flatMap((s) => [`task_role_arn__${s}`, `task_role_name__${s}`]),
        ].sort(),
      );
      expect(outputs.task_role_name__payment?.value).toBe('${module.task_definitions.task_role_names.payment}');
      expect(outputs.cluster_arn?.value).toBe('${module.ecs_cluster.cluster_arn}');
      expect(outputs.private_subnet_ids?.value).toBe('${module.network.private_subnet_ids}');
      expect(outputs.task_definition_arns?.value).toBe('${module.task_definitions.task_definition_arns}');
    });

    it('configures the AWS provider for the environment account, region and tags', () => {
      const [provider] = stackJson(stack).provider?.aws as Record<string, unknown>[];
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
        const moduleDir = path.join(synthOutDir(), 'stacks', stack, source);
        expect(fs.existsSync(path.join(moduleDir, 'main.tf'))).toBe(true);
        expect(fs.existsSync(path.join(moduleDir, 'variables.tf'))).toBe(true);
      }
    });
  });

  it('has a local backend with a relative path when the environment names no bucket (an environment no workflow deploys)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'backend-')) });
    const stack = new TerraformStack(app, 'sandbox-base');
    const { stateBackend: _bucket, ...sandbox } = { ...environments[0]!, name: 'sandbox' };
    configureBackend(stack, sandbox, 'sandbox-base');
    expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({ local: { path: '../../../.terraform-state/sandbox-base.tfstate' } });
  });

  it('dev keeps its state in S3 like staging and prod: the deploy workflow runs on a fresh runner every time', () => {
    expect(stackJson('dev-base').terraform.backend).toEqual({
      s3: { bucket: 'booking-saga-tfstate-111111111111', key: 'dev/dev-base.tfstate', region: 'ap-southeast-1', encrypt: true, use_lockfile: true },
    });
  });

  it('has an encrypted S3 backend with native locking when the environment names a bucket', () => {
    expect(stackJson('staging-base').terraform.backend).toEqual({
      s3: { bucket: 'booking-saga-tfstate-222222222222', key: 'staging/staging-base.tfstate', region: 'ap-southeast-1', encrypt: true, use_lockfile: true },
    });
    expect(stackJson('prod-payment').terraform.backend?.s3).toMatchObject({
      key: 'prod/prod-payment.tfstate',
      kms_key_id: 'arn:aws:kms:ap-southeast-1:333333333333:alias/terraform-state',
      use_lockfile: true,
    });
  });
});

describe('stack ↔ module contract', () => {
  const modules = { network: 'network', ecs_cluster: 'ecs-cluster', task_definitions: 'task-definitions' } as const;

  it.each(managed.map(({ env }) => env.name))('%s-base passes exactly what each module declares and reads only declared outputs', async (env) => {
    const stack = stackJson(`${env}-base`);
    const text = JSON.stringify(stack);
    for (const [id, dir] of Object.entries(modules)) {
      const module = await parseModule(path.join(REPO_ROOT, 'modules', dir));
      const passed = Object.keys(stack.module?.[id] ?? {}).filter((key) => !['source', '//', 'providers', 'depends_on'].includes(key));
      const read = [...text.matchAll(new RegExp(`module\\.${id}\\.([a-z0-9_]+)`, 'g'))].map((m) => m[1]!);
      expect(read.length).toBeGreaterThan(0);
      expect(moduleCallViolations(module, passed, read)).toEqual([]);
    }
  });
});

describe('portability', () => {
  it('writes no absolute path of this machine into any synthesized file', () => {
    const forbidden = [REPO_ROOT, synthOutDir(), process.cwd(), os.homedir()].filter((p) => p.length > 1);
    const offenders: string[] = [];
    for (const file of filesBelow(synthOutDir())) {
      const text = fs.readFileSync(file, 'utf8');
      for (const needle of forbidden) if (text.includes(needle)) offenders.push(`${path.relative(synthOutDir(), file)} contains ${needle}`);
    }
    expect(offenders).toEqual([]);
  });
});
