/**
 * Every name this repository gives to a stack or an AWS resource, in one place. Pure functions:
 * the stacks, the event client and the local runner all derive names from here.
 */

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
export const stateMachineLogGroupName = (env: string, service: string, rule: string): string =>
  `/aws/vendedlogs/states/${env}-${service}-${rule}`;

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

/** ECS cluster of an environment. */
export const clusterName = (env: string): string => `${env}-services`;

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
  taskDefinitionFamily: (region: string, account: string, family: string) =>
    `arn:aws:ecs:${region}:${account}:task-definition/${family}:*`,
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
