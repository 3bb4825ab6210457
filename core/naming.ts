/**
 * Every name this repository gives to a stack or an AWS resource, in one place. Pure functions:
 * the stacks, the HCL modules' inputs, the event client and the local runner all derive names from
 * here, and `derivedNames` lists every one of them for validation (unique per kind, within AWS's
 * length limits).
 */
import { NAME_MAX_LENGTH } from './aws-limits';

/** Stack names are `<env>-<name>` so that `cdktf deploy 'dev-*'` deploys one environment. */
export const stackName = (env: string, name: string): string => `${env}-${name}`;
export const baseStackName = (env: string): string => stackName(env, 'base');
export const monitoringStackName = (env: string): string => stackName(env, 'monitoring');
export const serviceStackName = (env: string, service: string): string => stackName(env, service);

/**
 * Every stack the app creates for an environment: its monitoring stack, its base (managed bases
 * only) and one stack per catalog service. Validation checks these names against each other.
 */
export const environmentStackNames = (env: string, services: readonly string[], managedBase: boolean): string[] => [
  monitoringStackName(env),
  ...(managedBase ? [baseStackName(env)] : []),
  ...services.map((service) => serviceStackName(env, service)),
];

/**
 * The account-level stack with GitHub's OIDC provider and the CI roles of one AWS account. It
 * belongs to no environment: neither `--env` nor the `'<env>-*'` glob selects it (validation
 * refuses an environment named so that it would).
 */
export const ciRolesStackName = (accountId: string): string => `ci-roles-${accountId}`;

/** S3 state key of a stack: `<env>/<stack>.tfstate`; the CI roles stack's own state: `ci/<stack>.tfstate`. */
export const stateKey = (env: string, stack: string): string => `${env}/${stack}.tfstate`;
export const ciStateKey = (stack: string): string => `ci/${stack}.tfstate`;

/**
 * Where the deploy workflow keeps the saved plans between its plan and apply jobs: in the
 * environment's state bucket, under a prefix only the release-plan role may write and only the
 * deploy role may read (core/ci-roles.ts).
 */
export const SAVED_PLANS_PREFIX = 'saved-plans';
export const savedPlansPrefix = (env: string): string => `${SAVED_PLANS_PREFIX}/${env}/`;

/** Each service owns one bus. */
export const busName = (env: string, service: string): string => `${env}-${service}`;

/** Event `source` of every event a service (its tasks or its state machines' Catch) publishes. */
export const eventSource = (namespace: string, service: string): string => `${namespace}.${service}`;

/** EventBridge rule name (≤ 64 characters). */
export const ruleName = (env: string, service: string, rule: string): string => `${env}-${service}-${rule}`;

/** State machine of a rule (≤ 80 characters). Named after the rule, not the task: one per rule. */
export const stateMachineName = (env: string, service: string, rule: string): string => `${env}-${service}-${rule}`;

/** The `/aws/vendedlogs/` prefix keeps the CloudWatch Logs resource policy under its size limit. */
export const stateMachineLogGroupName = (env: string, service: string, rule: string): string => `/aws/vendedlogs/states/${env}-${service}-${rule}`;

/** IAM role the state machine of a rule runs as (≤ 64 characters). */
export const stateMachineRoleName = (env: string, service: string, rule: string): string => `${env}-${service}-${rule}-sfn`;

/** IAM role EventBridge assumes to start a rule's state machine (≤ 64 characters). */
export const eventsRoleName = (env: string, service: string, rule: string): string => `${env}-${service}-${rule}-events`;

/** Dead-letter queue of a rule's target (≤ 80 characters). */
export const deadLetterQueueName = (env: string, service: string, rule: string): string => `${env}-${service}-${rule}-dlq`;

/**
 * The per-service announcer of executions that ended TIMED_OUT or ABORTED (core/asl-ended-executions.ts):
 * its state machine, the default-bus rule that starts it, and their log group, roles and queue.
 */
export const endedExecutionsName = (env: string, service: string): string => `${env}-${service}-ended-executions`;
export const endedExecutionsLogGroupName = (env: string, service: string): string => `/aws/vendedlogs/states/${endedExecutionsName(env, service)}`;
export const endedExecutionsRoleName = (env: string, service: string): string => `${endedExecutionsName(env, service)}-sfn`;
export const endedExecutionsEventsRoleName = (env: string, service: string): string => `${endedExecutionsName(env, service)}-events`;
export const endedExecutionsQueueName = (env: string, service: string): string => `${endedExecutionsName(env, service)}-dlq`;

/** ECS task definition family: `<env>-<service>-<task>`. */
export const taskFamily = (env: string, service: string, task: string): string => `${env}-${service}-${task}`;

/** Key of a task in maps: `service/task`. */
export const taskKey = (service: string, task: string): `${string}/${string}` => `${service}/${task}`;

/** Terraform-identifier-safe form of a name: `payment/charge` → `payment_charge`. */
export const tfIdentifier = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** Task role of a service's ECS tasks (the task-definitions module creates it with this name). */
export const taskRoleName = (env: string, service: string): string => `${env}-${service}-task`;

/** The environment's shared ECS task execution role. */
export const executionRoleName = (env: string): string => `${env}-ecs-task-execution`;

/** CloudWatch log group of a task definition family's containers (the task-definitions module's). */
export const taskLogGroupName = (family: string): string => `/ecs/${family}`;

/** CloudWatch alarms are named `<resource>-<what>`, for example `dev-booking-charge-payment-executions-failed`. */
export const alarmName = (resource: string, what: string): string => `${resource}-${what}`;

/** The alarms each rule's state machine, and each ended-executions announcer, gets. */
export const RULE_ALARMS = ['executions-failed', 'executions-timed-out', 'dead-letters'] as const;
export const ENDED_EXECUTIONS_ALARMS = ['executions-failed', 'dead-letters'] as const;

/** ECS cluster of an environment. */
export const clusterName = (env: string): string => `${env}-services`;

/**
 * An environment's EC2 capacity (modules/ecs-cluster): its ECS capacity provider, Auto Scaling
 * group, launch template, and the container instances' role and instance profile. Named after the
 * environment, like everything the CI roles may manage (`<env>-*`).
 */
export const ec2CapacityProviderName = (env: string): string => `${env}-ec2`;
export const autoScalingGroupName = (env: string): string => `${env}-ecs-ec2`;
export const launchTemplateName = (env: string): string => `${env}-ecs-ec2`;
export const containerInstanceRoleName = (env: string): string => `${env}-ecs-instance`;
export const containerInstanceProfileName = (env: string): string => `${env}-ecs-instance`;

/**
 * The Dockerfile stage that builds an ECR repository's image: `booking-saga/payment` →
 * `booking-saga--payment`. ECR names never hold `--` (single separators only), so no two
 * repositories share a stage; stage names may not hold `/`.
 */
export const imageBuildTarget = (repository: string): string => repository.replaceAll('/', '--');

/** SNS topic receiving every alarm of an environment. */
export const alarmTopicName = (env: string): string => `${env}-alarms`;

/** ARN helpers for resources whose names are known at synth time. */
export const arns = {
  eventBus: (region: string, account: string, bus: string) => `arn:aws:events:${region}:${account}:event-bus/${bus}`,
  stateMachine: (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`,
  /** Executions of one state machine (for `states:DescribeExecution`). */
  executions: (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:execution:${name}:*`,
  /** Every revision of a family: AWS denies `ecs:RunTask` on a family ARN without revision since 2024. */
  taskDefinitionFamily: (region: string, account: string, family: string) => `arn:aws:ecs:${region}:${account}:task-definition/${family}:*`,
  snsTopic: (region: string, account: string, topic: string) => `arn:aws:sns:${region}:${account}:${topic}`,
  ecrRepository: (region: string, account: string, repository: string) => `arn:aws:ecr:${region}:${account}:repository/${repository}`,
};

/** The registry host of an account's private ECR in a region (ECR's repository URLs start with it). */
export const ecrRegistry = (region: string, account: string): string => `${account}.dkr.ecr.${region}.amazonaws.com`;

/** Outputs of the base stack that service stacks (through remote state) and the local runner read. */
export const BASE_OUTPUTS = {
  clusterArn: 'cluster_arn',
  clusterName: 'cluster_name',
  vpcId: 'vpc_id',
  privateSubnetIds: 'private_subnet_ids',
  taskSecurityGroupId: 'task_security_group_id',
  taskDefinitionArns: 'task_definition_arns',
  taskDefinitionFamilies: 'task_definition_families',
  containerNames: 'container_names',
  taskRoleArns: 'task_role_arns',
  taskRoleNames: 'task_role_names',
  executionRoleArn: 'execution_role_arn',
} as const;

/**
 * Per-service outputs, flattened from the module's maps. Service stacks read these rather than
 * `outputs.task_role_arns["payment"]`, whose inner quotes would make IAM policies unreadable as
 * JSON before Terraform evaluates them. No task definition ARN is read: state machines run the
 * family (see stacks/base-references.ts).
 */
export const BASE_TASK_OUTPUTS = {
  taskRoleArn: (service: string) => `task_role_arn__${tfIdentifier(service)}`,
  taskRoleName: (service: string) => `task_role_name__${tfIdentifier(service)}`,
};

// ---------------------------------------------------------------------------------------------
// Every derived name, for validation
// ---------------------------------------------------------------------------------------------

/**
 * Where a name must be unique: IAM role names in the whole account (IAM is global), an EventBridge
 * rule's name on its bus, everything else in its account and region.
 */
export type NameScope = { readonly kind: 'account' } | { readonly kind: 'region' } | { readonly kind: 'bus'; readonly bus: string };

export interface DerivedName {
  /** `IAM role name`, `Step Functions state machine name`, ... */
  readonly kind: string;
  readonly name: string;
  readonly limit: number;
  readonly scope: NameScope;
  /** What derives it, for messages: `service "seat", rule "x-y"`, `service "payment" (task role)`. */
  readonly owner: string;
}

/** The catalog as naming sees it: names only, read defensively by the validator. */
export interface NamingCatalog {
  readonly services: readonly {
    readonly name: string;
    readonly tasks: readonly string[];
    readonly rules: readonly { readonly name: string; readonly publishesFailure: boolean }[];
  }[];
}

/** What of the base's resources exist in an environment besides what every one has. */
export interface NamingBase {
  /** The managed base has EC2 capacity (`base.cluster.ec2`). */
  readonly ec2Capacity?: boolean;
}

/** Every name an environment's stacks and modules give to AWS resources. */
export function derivedNames(env: string, catalog: NamingCatalog, base: NamingBase = {}): DerivedName[] {
  const quoted = (value: string) => JSON.stringify(value);
  const region = { kind: 'region' } as const;
  const account = { kind: 'account' } as const;
  const names: DerivedName[] = [];
  const add = (kind: string, name: string, limit: number, scope: NameScope, owner: string) => names.push({ kind, name, limit, scope, owner });
  for (const service of catalog.services) {
    const bus = busName(env, service.name);
    const ofService = `service ${quoted(service.name)}`;
    add('event bus name', bus, NAME_MAX_LENGTH.eventBus, region, ofService);
    for (const rule of service.rules) {
      const owner = `${ofService}, rule ${quoted(rule.name)}`;
      const machine = stateMachineName(env, service.name, rule.name);
      add('EventBridge rule name', ruleName(env, service.name, rule.name), NAME_MAX_LENGTH.eventRule, { kind: 'bus', bus }, owner);
      add('Step Functions state machine name', machine, NAME_MAX_LENGTH.stateMachine, region, owner);
      add('SQS queue name', deadLetterQueueName(env, service.name, rule.name), NAME_MAX_LENGTH.sqsQueue, region, owner);
      add('IAM role name', stateMachineRoleName(env, service.name, rule.name), NAME_MAX_LENGTH.iamRole, account, owner);
      add('IAM role name', eventsRoleName(env, service.name, rule.name), NAME_MAX_LENGTH.iamRole, account, owner);
      add('CloudWatch log group name', stateMachineLogGroupName(env, service.name, rule.name), NAME_MAX_LENGTH.logGroup, region, owner);
      for (const what of RULE_ALARMS) add('CloudWatch alarm name', alarmName(machine, what), NAME_MAX_LENGTH.alarm, region, owner);
    }
    if (service.rules.some((rule) => rule.publishesFailure)) {
      const owner = `${ofService} (its ended-executions announcer)`;
      const announcer = endedExecutionsName(env, service.name);
      add('EventBridge rule name', announcer, NAME_MAX_LENGTH.eventRule, { kind: 'bus', bus: 'default' }, owner);
      add('Step Functions state machine name', announcer, NAME_MAX_LENGTH.stateMachine, region, owner);
      add('SQS queue name', endedExecutionsQueueName(env, service.name), NAME_MAX_LENGTH.sqsQueue, region, owner);
      add('IAM role name', endedExecutionsRoleName(env, service.name), NAME_MAX_LENGTH.iamRole, account, owner);
      add('IAM role name', endedExecutionsEventsRoleName(env, service.name), NAME_MAX_LENGTH.iamRole, account, owner);
      add('CloudWatch log group name', endedExecutionsLogGroupName(env, service.name), NAME_MAX_LENGTH.logGroup, region, owner);
      for (const what of ENDED_EXECUTIONS_ALARMS) add('CloudWatch alarm name', alarmName(announcer, what), NAME_MAX_LENGTH.alarm, region, owner);
    }
    if (service.tasks.length > 0) add('IAM role name', taskRoleName(env, service.name), NAME_MAX_LENGTH.iamRole, account, `${ofService} (its task role)`);
    for (const task of service.tasks) {
      const owner = `${ofService}, task ${quoted(task)}`;
      const family = taskFamily(env, service.name, task);
      add('ECS task definition family', family, NAME_MAX_LENGTH.ecsTaskFamily, region, owner);
      add('CloudWatch log group name', taskLogGroupName(family), NAME_MAX_LENGTH.logGroup, region, owner);
    }
  }
  const ofEnvironment = `environment ${quoted(env)}`;
  add('ECS cluster name', clusterName(env), NAME_MAX_LENGTH.ecsCluster, region, `${ofEnvironment} (its cluster)`);
  add('SNS topic name', alarmTopicName(env), NAME_MAX_LENGTH.snsTopic, region, `${ofEnvironment} (its alarm topic)`);
  add('IAM role name', executionRoleName(env), NAME_MAX_LENGTH.iamRole, account, `${ofEnvironment} (its task execution role)`);
  if (base.ec2Capacity) {
    const owner = `${ofEnvironment} (its EC2 capacity)`;
    add('ECS capacity provider name', ec2CapacityProviderName(env), NAME_MAX_LENGTH.ecsCapacityProvider, region, owner);
    add('Auto Scaling group name', autoScalingGroupName(env), NAME_MAX_LENGTH.autoScalingGroup, region, owner);
    add('EC2 launch template name', launchTemplateName(env), NAME_MAX_LENGTH.launchTemplate, region, owner);
    add('IAM role name', containerInstanceRoleName(env), NAME_MAX_LENGTH.iamRole, account, owner);
    add('IAM instance profile name', containerInstanceProfileName(env), NAME_MAX_LENGTH.instanceProfile, account, owner);
  }
  return names;
}
