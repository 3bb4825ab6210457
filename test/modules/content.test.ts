/**
 * What the base modules promise, read from their HCL: the security and wiring properties the
 * environment base depends on. Where a value is computed (container definitions, ECR lifecycle
 * policy), Terraform itself renders it from the module's own expression and variables.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustSucceed, runTerraformAsync } from '../../tooling/terraform';
import { unwrapExpression, type HclBody, type ParsedModule } from '../../tooling/hcl-reader';
import { parseModule } from '../support/hcl';
import { findTerraform, shortLivedTerraformProcesses } from '../support/terraform';
import { SAVED_PLANS_PREFIX } from '../../core/naming';
import { SAVED_PLAN_MAX_AGE_DAYS } from '../../delivery/saved-plans';

const REPO_ROOT = join(__dirname, '..', '..');
const MODULES = join(REPO_ROOT, 'modules');
const terraform = findTerraform();
shortLivedTerraformProcesses();

let network: ParsedModule;
let cluster: ParsedModule;
let taskDefinitions: ParsedModule;
beforeAll(async () => {
  [network, cluster, taskDefinitions] = await Promise.all(['network', 'ecs-cluster', 'task-definitions'].map((name) => parseModule(join(MODULES, name))));
});

const resource = (module: ParsedModule, type: string, name: string): HclBody => {
  const block = module.resources[type]?.[name];
  if (!block) throw new Error(`${module.dir}: no resource ${type}.${name}`);
  return block.body;
};
const data = (module: ParsedModule, type: string, name: string): HclBody => {
  const block = module.dataSources[type]?.[name];
  if (!block) throw new Error(`${module.dir}: no data ${type}.${name}`);
  return block.body;
};
/** The single nested block `name` of a body. */
const nested = (body: HclBody, name: string): HclBody => (body[name] as HclBody[])[0]!;
/** Every resource body of a module with the type it has. */
const allResources = (module: ParsedModule) => Object.entries(module.resources).flatMap(([type, byName]) => Object.entries(byName).map(([name, { body }]) => ({ type, name, body })));

/**
 * Renders `expression` (HCL, possibly multi-line) with Terraform, given the module's variables.tf
 * and `inputs`; `locals` are extra HCL local definitions standing in for resource attributes.
 */
async function render(module: string, expression: string, inputs: Record<string, unknown>, locals: Record<string, unknown> = {}): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), `render-${module}-`));
  try {
    copyFileSync(join(MODULES, module, 'variables.tf'), join(dir, 'variables.tf'));
    const localLines = Object.entries(locals).map(([name, value]) => `  ${name} = jsondecode(${JSON.stringify(JSON.stringify(value))})`);
    writeFileSync(join(dir, 'render.tf'), `locals {\n${localLines.join('\n')}\n}\n\noutput "rendered" {\n  value = ${expression}\n}\n`);
    writeFileSync(join(dir, 'inputs.tfvars.json'), JSON.stringify(inputs));
    const apply = ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', `-state=${join(dir, 'render.tfstate')}`, '-var-file=inputs.tfvars.json', '-json'];
    const { stdout } = mustSucceed(await runTerraformAsync(terraform!.binary, apply, { cwd: dir }), `render ${module}`);
    // The applied outputs, as apply's machine-readable UI reports them (its last "outputs" message:
    // https://developer.hashicorp.com/terraform/internals/machine-readable-ui#outputs), rather than a
    // second process reading them back from the state.
    const messages = stdout.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as { type: string; outputs?: Record<string, { value?: unknown }> }] : []));
    const rendered = messages.findLast((message) => message.type === 'outputs')?.outputs?.['rendered'];
    if (!rendered || !('value' in rendered)) throw new Error(`render ${module}: no applied value of output "rendered" in:\n${stdout}`);
    return rendered.value;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const withTerraform = terraform ? test : test.skip;
if (!terraform) console.warn('module rendering checks SKIPPED: no `terraform` binary on the PATH');

describe('every module', () => {
  test('uses the provider 6 attribute data.aws_region.*.region, never the deprecated name', () => {
    for (const dir of ['network', 'ecs-cluster', 'task-definitions']) {
      const text = ['main.tf', 'outputs.tf'].map((file) => readFileSync(join(MODULES, dir, file), 'utf8')).join('\n');
      expect(text).not.toMatch(/data\.aws_region\.\w+\.name\b/);
    }
    expect(readFileSync(join(MODULES, 'network', 'main.tf'), 'utf8')).toContain('data.aws_region.current.region');
  });

  test('tags every taggable resource with var.tags', () => {
    const untagged = [network, cluster, taskDefinitions].flatMap((module) =>
      allResources(module)
        .filter(
          ({ type }) =>
            ![
              'aws_route',
              'aws_route_table_association',
              'aws_iam_role_policy',
              'aws_iam_role_policy_attachment',
              'aws_ecs_cluster_capacity_providers',
              'aws_ecr_lifecycle_policy',
              'aws_autoscaling_group',
            ].includes(type),
        )
        .filter(({ body }) => !String(body['tags']).includes('var.tags'))
        .map(({ type, name }) => `${module.dir}: ${type}.${name}`),
    );
    expect(untagged).toEqual([]);
    // An Auto Scaling group has no `tags` map: each tag is a block, propagated to its instances.
    const tags = resource(cluster, 'aws_autoscaling_group', 'instances')['dynamic'];
    expect(tags).toMatchObject({ tag: [{ for_each: '${var.tags}', content: [{ key: '${tag.key}', value: '${tag.value}', propagate_at_launch: true }] }] });
  });
});

describe('network', () => {
  test('the VPC resolves DNS names (needed by private DNS of interface endpoints)', () => {
    const vpc = resource(network, 'aws_vpc', 'this');
    expect([vpc['enable_dns_support'], vpc['enable_dns_hostnames']]).toEqual([true, true]);
  });

  test('the default security group has no rule', () => {
    const defaultGroup = resource(network, 'aws_default_security_group', 'this');
    expect(Object.keys(defaultGroup).sort()).toEqual(['tags', 'vpc_id']);
  });

  test('the task security group has egress only', () => {
    expect(resource(network, 'aws_security_group', 'tasks')['ingress']).toBeUndefined();
    const ingressOnTasks = Object.values(network.resources['aws_vpc_security_group_ingress_rule'] ?? {}).filter(({ body }) =>
      String(body['security_group_id']).includes('aws_security_group.tasks'),
    );
    expect(ingressOnTasks).toEqual([]);
    const egress = resource(network, 'aws_vpc_security_group_egress_rule', 'tasks_all');
    expect(egress).toMatchObject({ security_group_id: '${aws_security_group.tasks.id}', ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' });
  });

  test('interface endpoints: private DNS, HTTPS from the VPC only, in every private subnet', () => {
    expect(resource(network, 'aws_vpc_endpoint', 'interface')).toMatchObject({
      for_each: '${local.interface_endpoint_services}',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      subnet_ids: '${aws_subnet.private[*].id}',
      service_name: 'com.amazonaws.${data.aws_region.current.region}.${each.value}',
    });
    expect(resource(network, 'aws_vpc_security_group_ingress_rule', 'endpoints_https')).toMatchObject({
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '${aws_vpc.this.cidr_block}',
    });
    expect(resource(network, 'aws_vpc_endpoint', 's3')).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: '${aws_route_table.private[*].id}' });
    expect(network.variables['interface_endpoint_services']!.body['default']).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'events', 'states', 'sts']);
  });

  test('one private route table per zone; NAT EIPs use the provider 6 domain argument', () => {
    expect(resource(network, 'aws_route_table', 'private')['count']).toBe('${var.az_count}');
    expect(resource(network, 'aws_eip', 'nat')['domain']).toBe('vpc');
    expect(resource(network, 'aws_route', 'private_nat')['nat_gateway_id']).toBe('${aws_nat_gateway.this[var.nat_mode == "single" ? 0 : count.index].id}');
  });

  test('zones come from the available, non-opt-in zones and are checked against az_count', () => {
    const zones = data(network, 'aws_availability_zones', 'available');
    expect(zones['state']).toBe('available');
    expect(nested(zones, 'filter')).toEqual({ name: 'opt-in-status', values: ['opt-in-not-required'] });
    expect(nested(nested(zones, 'lifecycle'), 'postcondition')['condition']).toBe('${length(self.names) >= var.az_count}');
  });
});

describe('ecs-cluster', () => {
  test('Container Insights follows the input and both Fargate providers are associated', () => {
    expect(nested(resource(cluster, 'aws_ecs_cluster', 'this'), 'setting')).toEqual({ name: 'containerInsights', value: '${var.container_insights}' });
    expect(resource(cluster, 'aws_ecs_cluster_capacity_providers', 'this')['capacity_providers']).toBe(
      '${concat(["FARGATE", "FARGATE_SPOT"], [for provider in aws_ecs_capacity_provider.ec2 : provider.name])}',
    );
  });

  describe('EC2 capacity (ec2_capacity)', () => {
    test('is optional: every EC2 resource exists once per ec2_capacity, none without it', () => {
      expect(readFileSync(join(MODULES, 'ecs-cluster', 'main.tf'), 'utf8')).toMatch(/ec2 = var\.ec2_capacity == null \? \{\} : \{ this = var\.ec2_capacity \}/);
      for (const [type, name] of [
        ['aws_iam_role', 'instance'],
        ['aws_iam_role_policy_attachment', 'instance'],
        ['aws_iam_instance_profile', 'instance'],
        ['aws_security_group', 'instances'],
        ['aws_launch_template', 'instances'],
        ['aws_autoscaling_group', 'instances'],
        ['aws_ecs_capacity_provider', 'ec2'],
      ] as const) {
        expect(resource(cluster, type, name)['for_each']).toBe('${local.ec2}');
      }
      expect(cluster.variables['ec2_capacity']?.body['default']).toBeNull();
    });

    test('the AMI is the ECS-optimized Amazon Linux 2023 AMI from the public SSM parameter', () => {
      expect(data(cluster, 'aws_ssm_parameter', 'ecs_ami')).toMatchObject({ for_each: '${local.ec2}', name: '${each.value.ami_ssm_parameter}' });
      expect(String(cluster.variables['ec2_capacity']?.body['type'])).toContain('"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"');
      expect(resource(cluster, 'aws_launch_template', 'instances')['image_id']).toBe('${data.aws_ssm_parameter.ecs_ami[each.key].insecure_value}');
    });

    test('the launch template requires IMDSv2, encrypts the root volume, gives no public address and joins the cluster', () => {
      const template = resource(cluster, 'aws_launch_template', 'instances');
      expect(nested(template, 'metadata_options')).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(nested(nested(template, 'block_device_mappings'), 'ebs')).toMatchObject({ encrypted: true, volume_type: 'gp3', volume_size: '${each.value.root_volume_size}' });
      expect(nested(template, 'network_interfaces')).toMatchObject({ associate_public_ip_address: false });
      expect(nested(template, 'iam_instance_profile')).toEqual({ arn: '${aws_iam_instance_profile.instance[each.key].arn}' });
      expect(String(template['user_data'])).toContain('ECS_CLUSTER=${var.name}');
      expect(String(template['user_data'])).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
    });

    test("the instance role is assumed by EC2 only and holds only AWS's managed policy for container instances", () => {
      const assume = data(cluster, 'aws_iam_policy_document', 'ec2_assume');
      const statement = nested(assume, 'statement');
      expect(statement['actions']).toEqual(['sts:AssumeRole']);
      expect(nested(statement, 'principals')).toEqual({ type: 'Service', identifiers: ['ec2.amazonaws.com'] });
      expect(resource(cluster, 'aws_iam_role_policy_attachment', 'instance')['policy_arn']).toBe(
        'arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
      );
      const attachments = allResources(cluster).filter(({ type }) => type.startsWith('aws_iam_') && type.includes('polic'));
      expect(attachments.map(({ type, name }) => `${type}.${name}`)).toEqual(['aws_iam_role_policy_attachment.instance']);
    });

    test('the group protects its instances from scale-in, which managed termination protection needs, and managed scaling sets its size', () => {
      const group = resource(cluster, 'aws_autoscaling_group', 'instances');
      expect(group).toMatchObject({ protect_from_scale_in: true, min_size: '${each.value.min_size}', max_size: '${each.value.max_size}', vpc_zone_identifier: '${each.value.subnet_ids}' });
      expect(nested(group, 'lifecycle')['ignore_changes']).toEqual(['${desired_capacity}']);
      expect(group['tag']).toEqual([{ key: 'AmazonECSManaged', value: 'true', propagate_at_launch: true }]);
      const provider = nested(resource(cluster, 'aws_ecs_capacity_provider', 'ec2'), 'auto_scaling_group_provider');
      expect(provider).toMatchObject({ auto_scaling_group_arn: '${aws_autoscaling_group.instances[each.key].arn}', managed_termination_protection: 'ENABLED', managed_draining: 'ENABLED' });
      expect(nested(provider, 'managed_scaling')).toMatchObject({ status: 'ENABLED', target_capacity: '${each.value.target_capacity}' });
    });

    test('outputs the provider, group and role, null without EC2 capacity', () => {
      expect(cluster.outputs['ec2_capacity_provider_name']?.body['value']).toBe('${try(aws_ecs_capacity_provider.ec2["this"].name, null)}');
      expect(cluster.outputs['ec2_auto_scaling_group_name']?.body['value']).toBe('${try(aws_autoscaling_group.instances["this"].name, null)}');
      expect(cluster.outputs['ec2_instance_role_arn']?.body['value']).toBe('${try(aws_iam_role.instance["this"].arn, null)}');
    });
  });

  test('repositories scan on push, are AES256-encrypted and are not force-deleted', () => {
    const repository = resource(cluster, 'aws_ecr_repository', 'this');
    expect(repository).toMatchObject({ for_each: '${var.ecr_repositories}', force_delete: false, image_tag_mutability: '${var.image_tag_mutability}' });
    expect(nested(repository, 'image_scanning_configuration')).toEqual({ scan_on_push: true });
    expect(nested(repository, 'encryption_configuration')).toEqual({ encryption_type: 'AES256' });
  });

  withTerraform('deployed tags are never expired: one rule per protected tag, ahead of the count rule', async () => {
    const expression = unwrapExpression(resource(cluster, 'aws_ecr_lifecycle_policy', 'this')['policy']) as string;
    const policy = JSON.parse(
      (await render('ecs-cluster', expression, { name: 'c', ecr_keep_last_images: 12, ecr_untagged_expiry_days: 3, ecr_protected_tags: ['1.0.0', 'abc123'] })) as string,
    ) as { rules: Record<string, unknown>[] };
    expect(policy.rules.map((rule) => [rule.rulePriority, (rule.selection as Record<string, unknown>).tagStatus, (rule.selection as Record<string, unknown>).tagPatternList])).toEqual([
      [1, 'untagged', undefined],
      [2, 'tagged', ['1.0.0']],
      [3, 'tagged', ['abc123']],
      [4, 'any', undefined],
    ]);
    expect(policy.rules[1]).toEqual({
      rulePriority: 2,
      description: 'Keep the image tagged 1.0.0 (deployed)',
      selection: { tagStatus: 'tagged', tagPatternList: ['1.0.0'], countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    });
  });

  withTerraform('the lifecycle policy expires untagged images after N days and keeps the last N', async () => {
    const expression = unwrapExpression(resource(cluster, 'aws_ecr_lifecycle_policy', 'this')['policy']) as string;
    const policy = JSON.parse((await render('ecs-cluster', expression, { name: 'c', ecr_keep_last_images: 12, ecr_untagged_expiry_days: 3 })) as string);
    expect(policy).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire untagged images after 3 days',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'Keep the last 12 images',
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 12 },
          action: { type: 'expire' },
        },
      ],
    });
  });
});

describe('task-definitions', () => {
  test('ECS may assume the roles only for this account', () => {
    const statement = nested(data(taskDefinitions, 'aws_iam_policy_document', 'ecs_tasks_assume'), 'statement');
    expect(statement).toEqual({
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['ecs-tasks.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['${data.aws_caller_identity.current.account_id}'] }],
    });
  });

  test('one shared execution role with the managed execution policy; one policy-less task role per service', () => {
    expect(resource(taskDefinitions, 'aws_iam_role', 'execution')['name']).toBe('${local.execution_role_name}');
    expect(resource(taskDefinitions, 'aws_iam_role_policy_attachment', 'execution')).toMatchObject({
      role: '${aws_iam_role.execution.name}',
      policy_arn: 'arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
    expect(resource(taskDefinitions, 'aws_iam_role', 'task')).toMatchObject({ for_each: '${local.services}', name: '${local.task_role_names[each.value]}' });
    const policiesOnTaskRoles = allResources(taskDefinitions).filter(
      ({ type, body }) => type.startsWith('aws_iam_') && type !== 'aws_iam_role' && String(body['role']).includes('aws_iam_role.task'),
    );
    expect(policiesOnTaskRoles).toEqual([]);
  });

  withTerraform("role names: the caller's (the base stack passes core/naming.ts's), else <name_prefix>-ecs-task-execution and <name_prefix>-<service>-task", async () => {
    const locals = (taskDefinitions.files['main.tf']!.locals as Record<string, unknown>[])[0]!;
    const expression = `{ execution = ${unwrapExpression(locals.execution_role_name)}, tasks = ${String(unwrapExpression(locals.task_role_names)).replace(/\n/g, ' ')} }`;
    const tasks = { 'payment/charge': { service: 'payment', family: 'dev-payment-charge', container_name: 'payment', image: 'i:1', cpu: 256, memory: 512, command: ['x'] } };
    const services = ['payment', 'seat'];
    await expect(render('task-definitions', expression, { name_prefix: 'dev', tasks }, { services })).resolves.toEqual({
      execution: 'dev-ecs-task-execution',
      tasks: { payment: 'dev-payment-task', seat: 'dev-seat-task' },
    });
    await expect(render('task-definitions', expression, { name_prefix: 'dev', tasks, execution_role_name: 'exec', task_role_names: { seat: 'seat-role' } }, { services })).resolves.toEqual({
      execution: 'exec',
      tasks: { payment: 'dev-payment-task', seat: 'seat-role' },
    });
  });

  test('Fargate, awsvpc, the chosen architecture, a log group per task', () => {
    expect(resource(taskDefinitions, 'aws_ecs_task_definition', 'this')).toMatchObject({
      for_each: '${var.tasks}',
      requires_compatibilities: '${each.value.requires_compatibilities}',
      network_mode: 'awsvpc',
      execution_role_arn: '${aws_iam_role.execution.arn}',
      task_role_arn: '${aws_iam_role.task[each.value.service].arn}',
      runtime_platform: [{ operating_system_family: 'LINUX', cpu_architecture: '${var.cpu_architecture}' }],
    });
    expect(resource(taskDefinitions, 'aws_cloudwatch_log_group', 'this')).toMatchObject({
      for_each: '${var.tasks}',
      name: '/ecs/${each.value.family}',
      retention_in_days: '${var.log_retention_days}',
    });
  });

  it('gives every task definition a /tmp scratch volume for its read-only root filesystem', () => {
    expect(nested(resource(taskDefinitions, 'aws_ecs_task_definition', 'this'), 'volume')).toEqual({ name: 'tmp' });
  });

  withTerraform('container definitions: one essential container behind an init process, awslogs in the current region, environment sorted', async () => {
    const expression = (unwrapExpression(resource(taskDefinitions, 'aws_ecs_task_definition', 'this')['container_definitions']) as string)
      // Stand-ins for what only exists with the provider: the log group name and the region.
      .replaceAll('aws_cloudwatch_log_group.this[each.key].name', 'local.log_group_name')
      .replaceAll('data.aws_region.current.region', 'local.region')
      .replaceAll('each.value', 'local.each_value');
    const task = {
      service: 'payment',
      family: 'dev-payment-charge',
      container_name: 'payment',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/booking-saga/payment:1.0.0',
      cpu: 256,
      memory: 512,
      command: ['node', 'charge.js'],
      environment: { ZONE: 'z', ALPHA: 'a', MIDDLE: 'm' },
      readonly_root_filesystem: true,
    };
    const rendered = await render(
      'task-definitions',
      expression,
      { name_prefix: 'dev', tasks: { 'payment/charge': task } },
      {
        each_value: task,
        log_group_name: '/ecs/dev-payment-charge',
        region: 'eu-west-1',
      },
    );
    expect(JSON.parse(rendered as string)).toEqual([
      {
        name: 'payment',
        image: task.image,
        essential: true,
        command: ['node', 'charge.js'],
        environment: [
          { name: 'ALPHA', value: 'a' },
          { name: 'MIDDLE', value: 'm' },
          { name: 'ZONE', value: 'z' },
        ],
        readonlyRootFilesystem: true,
        mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
        // An init process as PID 1 forwards StopTask's SIGTERM to node (which PID 1 would ignore).
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/dev-payment-charge', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' },
        },
      },
    ]);
    const writable = { ...task, readonly_root_filesystem: false };
    const renderedWritable = await render(
      'task-definitions',
      expression,
      { name_prefix: 'dev', tasks: { 'payment/charge': writable } },
      {
        each_value: writable,
        log_group_name: '/ecs/dev-payment-charge',
        region: 'eu-west-1',
      },
    );
    expect(JSON.parse(renderedWritable as string)[0].readonlyRootFilesystem).toBe(false);
  });
});

describe('state-bucket', () => {
  let stateBucket: ParsedModule;
  beforeAll(async () => {
    stateBucket = await parseModule(join(MODULES, 'state-bucket'));
  });

  test('saved plans expire (current and noncurrent versions) after the age npm run apply refuses', () => {
    const rules = resource(stateBucket, 'aws_s3_bucket_lifecycle_configuration', 'this')['rule'] as HclBody[];
    const savedPlans = rules.find((rule) => rule['id'] === 'expire-saved-plans')!;
    expect(savedPlans).toEqual({
      id: 'expire-saved-plans',
      status: 'Enabled',
      filter: [{ prefix: '${var.saved_plans_prefix}' }],
      expiration: [{ days: '${var.saved_plan_expiration_days}' }],
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
    });
    // The module's defaults and what npm run bootstrap:state passes come from the same constants.
    expect(stateBucket.variables['saved_plan_expiration_days']!.body['default']).toBe(SAVED_PLAN_MAX_AGE_DAYS);
    expect(stateBucket.variables['saved_plans_prefix']!.body['default']).toBe(`${SAVED_PLANS_PREFIX}/`);
  });
});
