import { Fn, TerraformHclModule, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { Catalog } from '../catalog/types';
import type { EnvironmentConfig, ManagedBaseConfig } from '../environments/types';
import { IndependentStack } from './independent-stack';
import { configureBackend } from './backend';
import { acceptFindings } from './accepted-findings';
import { baseAcceptedFindings, ecsClusterInputs, networkInputs, taskDefinitionInputs } from './base-inputs';
import { moduleSource } from '../tooling/hcl-modules';
import { BASE_OUTPUTS, BASE_TASK_OUTPUTS, baseStackName } from '../core/naming';
import { awsProvider } from './provider';

/**
 * `<env>-base`: the environment's network, ECS cluster (with ECR repositories) and task
 * definitions, all from the plain HCL modules under `modules/`. Only environments whose base is
 * `managed` get one; service stacks read its outputs through remote state.
 */
export class BaseStack extends IndependentStack {
  readonly network: TerraformHclModule;
  readonly ecsCluster: TerraformHclModule;
  readonly taskDefinitions: TerraformHclModule;

  constructor(scope: Construct, env: EnvironmentConfig & { base: ManagedBaseConfig }, catalog: Catalog) {
    const name = baseStackName(env.name);
    super(scope, name);
    configureBackend(this, env, name);
    awsProvider(this, env);

    this.network = new TerraformHclModule(this, 'network', {
      source: moduleSource('network'),
      variables: networkInputs(env, env.base),
    });
    this.ecsCluster = new TerraformHclModule(this, 'ecs_cluster', {
      source: moduleSource('ecs-cluster'),
      // EC2 capacity (base.cluster.ec2) puts its instances in the network's private subnets.
      variables: ecsClusterInputs(env, env.base, catalog, { subnetIds: this.network.get('private_subnet_ids'), vpcId: this.network.get('vpc_id') }),
    });
    const accepted = baseAcceptedFindings(env, env.base);
    acceptFindings(this.network, accepted.network);
    acceptFindings(this.ecsCluster, accepted.ecsCluster);
    const repositoryUrls: unknown = this.ecsCluster.get('ecr_repository_urls');
    this.taskDefinitions = new TerraformHclModule(this, 'task_definitions', {
      source: moduleSource('task-definitions'),
      variables: taskDefinitionInputs(env, env.base, catalog, (repository, tag) => `${Fn.lookup(repositoryUrls, repository)}:${tag}`),
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      [BASE_OUTPUTS.clusterArn]: { value: this.ecsCluster.get('cluster_arn'), description: 'ECS cluster ARN' },
      [BASE_OUTPUTS.clusterName]: { value: this.ecsCluster.get('cluster_name'), description: 'ECS cluster name' },
      [BASE_OUTPUTS.vpcId]: { value: this.network.get('vpc_id'), description: 'VPC id' },
      [BASE_OUTPUTS.privateSubnetIds]: { value: this.network.get('private_subnet_ids'), description: 'Private subnets tasks run in, one per AZ' },
      [BASE_OUTPUTS.taskSecurityGroupId]: { value: this.network.get('task_security_group_id'), description: 'Security group of the tasks (egress only)' },
      [BASE_OUTPUTS.taskDefinitionArns]: { value: this.taskDefinitions.get('task_definition_arns'), description: 'Task definition ARNs with revision, by service/task' },
      [BASE_OUTPUTS.taskDefinitionFamilies]: { value: this.taskDefinitions.get('task_definition_families'), description: 'Task definition families, by service/task' },
      [BASE_OUTPUTS.containerNames]: { value: this.taskDefinitions.get('container_names'), description: 'Container names, by service/task' },
      [BASE_OUTPUTS.taskRoleArns]: { value: this.taskDefinitions.get('task_role_arns'), description: 'Task role ARNs, by service' },
      [BASE_OUTPUTS.taskRoleNames]: { value: this.taskDefinitions.get('task_role_names'), description: 'Task role names, by service' },
      [BASE_OUTPUTS.executionRoleArn]: { value: this.taskDefinitions.get('execution_role_arn'), description: 'Shared task execution role ARN' },
    };
    for (const service of catalog.services.filter((s) => s.tasks.length > 0)) {
      outputs[BASE_TASK_OUTPUTS.taskRoleArn(service.name)] = {
        value: Fn.lookup(this.taskDefinitions.get('task_role_arns'), service.name),
        description: `Task role ARN of ${service.name}`,
      };
      outputs[BASE_TASK_OUTPUTS.taskRoleName(service.name)] = {
        value: Fn.lookup(this.taskDefinitions.get('task_role_names'), service.name),
        description: `Task role name of ${service.name}`,
      };
    }
    for (const [id, output] of Object.entries(outputs)) {
      new TerraformOutput(this, id, output);
    }
  }
}
