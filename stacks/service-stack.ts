import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { findTask, resolveRuleOptions, ruleCommand } from '../catalog/defaults';
import type { Catalog, RuleSpec, ServiceSpec } from '../catalog/types';
import type { EnvironmentConfig } from '../environments/types';
import { buildRunTaskStateMachine, type PublishedEvent } from '../core/asl';
import { type AnnouncedStateMachine, buildEndedExecutionsAnnouncer, endedExecutionsPattern } from '../core/asl-ended-executions';
import { configureBackend } from './backend';
import type { BaseReferences } from './base-references';
import {
  deadLetterQueuePolicy,
  endedExecutionsPolicy,
  eventsAssumeRolePolicy,
  eventsStartExecutionPolicy,
  stateMachineAssumeRolePolicy,
  type PublishGrant,
  stateMachinePolicy,
  taskPublishEventsPolicy,
  taskReadExecutionPolicy,
} from '../core/iam-policies';
import * as names from '../core/naming';
import { awsProvider } from './provider';

export interface ServiceStackProps {
  readonly env: EnvironmentConfig;
  readonly catalog: Catalog;
  readonly service: ServiceSpec;
  /** Builds the base references inside this stack (remote state needs a scope). */
  readonly base: (scope: Construct) => BaseReferences;
  readonly alarmTopicArn: string;
}

/**
 * `<env>-<service>`: the service's own bus, and for each of its rules the EventBridge rule, its
 * target (with retry policy and dead-letter queue), the state machine that runs the target task,
 * their IAM roles, the state machine's log group and the alarms.
 */
export class ServiceStack extends TerraformStack {
  readonly bus: CloudwatchEventBus;

  constructor(scope: Construct, props: ServiceStackProps) {
    const { env, service } = props;
    const name = names.serviceStackName(env.name, service.name);
    super(scope, name);
    configureBackend(this, env, name);
    awsProvider(this, env);

    this.bus = new CloudwatchEventBus(this, 'bus', { name: names.busName(env.name, service.name) });
    new TerraformOutput(this, 'event_bus_arn', { value: this.bus.arn, description: `ARN of the ${service.name} service's event bus` });
    new TerraformOutput(this, 'event_bus_name', { value: this.bus.name, description: `Name of the ${service.name} service's event bus` });

    if (service.rules.length === 0 && service.tasks.length === 0) return;
    const base = props.base(this);
    base.serviceTaskRoles(service.name).forEach((role, index) => {
      // The service's tasks publish their events (PaymentSucceeded, ...) on this bus.
      new IamRolePolicy(this, `task_role_publishes_${index}`, {
        name: `publish-to-${names.busName(env.name, service.name)}`,
        role: role.name,
        policy: JSON.stringify(taskPublishEventsPolicy(this.bus.arn, names.eventSource(props.catalog.namespace, service.name))),
      });
    });
    const announced: AnnouncedStateMachine[] = [];
    for (const rule of service.rules) {
      const ruleToTask = new RuleToTask(this, `rule_${names.tfIdentifier(rule.name)}`, { ...props, base, bus: this.bus, rule });
      if (ruleToTask.failureEvent) {
        announced.push({ stateMachineArn: ruleToTask.stateMachineArn, failureEvent: ruleToTask.failureEvent, label: `rule ${rule.name}` });
      }
    }
    if (announced.length > 0) new EndedExecutionsAnnouncer(this, 'ended_executions', { ...props, announced });
  }
}

/** What a state machine publishes, as IAM grants: one per bus and source, with its detail-types. */
function publishGrants(events: readonly (PublishedEvent | undefined)[]): PublishGrant[] {
  const grants = new Map<string, { eventBusArn: string; source: string; detailTypes: string[] }>();
  for (const event of events) {
    if (!event) continue;
    const key = `${event.eventBusArn} ${event.source}`;
    const grant = grants.get(key) ?? { eventBusArn: event.eventBusArn, source: event.source, detailTypes: [] };
    if (!grant.detailTypes.includes(event.detailType)) grant.detailTypes.push(event.detailType);
    grants.set(key, grant);
  }
  return [...grants.values()];
}

interface RuleToTaskProps extends Omit<ServiceStackProps, 'base'> {
  readonly base: BaseReferences;
  readonly bus: CloudwatchEventBus;
  readonly rule: RuleSpec;
}

/** One rule on a bus, wired to a state machine that runs the rule's target task. */
class RuleToTask extends Construct {
  readonly stateMachineArn: string;
  /** Published when the task fails for good; undefined when the rule publishes none. */
  readonly failureEvent: PublishedEvent | undefined;

  constructor(scope: Construct, id: string, props: RuleToTaskProps) {
    super(scope, id);
    const { env, catalog, service, rule, base, bus } = props;
    const options = resolveRuleOptions(rule);
    const { region, accountId } = env;
    const target = rule.target;
    const task = base.task(target.service, target.task);
    const taskSpec = findTask(catalog, target.service, target.task);
    if (!taskSpec) throw new Error(`catalog: service "${service.name}", rule "${rule.name}": target task "${target.service}/${target.task}" is not defined`);

    const stateMachineName = names.stateMachineName(env.name, service.name, rule.name);
    const stateMachineArn = names.arns.stateMachine(region, accountId, stateMachineName);
    // Failure and success events go to the bus of the service whose task ran, so that compensation
    // is just another rule there (choreography saga).
    const targetBusArn = names.arns.eventBus(region, accountId, names.busName(env.name, target.service));
    const targetSource = names.eventSource(catalog.namespace, target.service);
    const failureEvent = options.failureDetailType ? { eventBusArn: targetBusArn, source: targetSource, detailType: options.failureDetailType } : undefined;
    const successEvent = options.successDetailType ? { eventBusArn: targetBusArn, source: targetSource, detailType: options.successDetailType } : undefined;
    this.stateMachineArn = stateMachineArn;
    this.failureEvent = failureEvent;

    const eventRule = new CloudwatchEventRule(this, 'rule', {
      name: names.ruleName(env.name, service.name, rule.name),
      description: rule.description ?? `${rule.eventPattern['detail-type'].join(', ')} → ${target.service}/${target.task}`,
      eventBusName: bus.name,
      eventPattern: JSON.stringify(rule.eventPattern),
      state: 'ENABLED',
    });

    const deadLetterQueue = ruleDeadLetterQueue(this, names.deadLetterQueueName(env.name, service.name, rule.name), eventRule.arn);

    const stateMachineRole = new IamRole(this, 'state_machine_role', {
      name: names.stateMachineRoleName(env.name, service.name, rule.name),
      description: `Runs ${target.service}/${target.task} for rule ${rule.name} on bus ${bus.name}`,
      assumeRolePolicy: JSON.stringify(stateMachineAssumeRolePolicy(accountId, region)),
    });
    const stateMachineRolePolicy = new IamRolePolicy(this, 'state_machine_policy', {
      name: 'run-task',
      role: stateMachineRole.name,
      policy: JSON.stringify(
        stateMachinePolicy({
          region,
          accountId,
          clusterArn: base.clusterArn,
          taskFamily: task.family,
          taskRoleArn: task.taskRoleArn,
          executionRoleArn: task.executionRoleArn,
          publishes: publishGrants([failureEvent, successEvent]),
        }),
      ),
    });

    const definition = buildRunTaskStateMachine({
      comment: `${rule.eventPattern['detail-type'].join(', ')} on ${names.busName(env.name, service.name)} → ${target.service}/${target.task}`,
      clusterArn: base.clusterArn,
      taskDefinition: task.taskDefinition,
      subnetIds: base.subnetIds,
      securityGroupIds: base.securityGroupIds,
      containerName: task.containerName,
      command: ruleCommand(rule, taskSpec),
      capacity: base.capacity,
      detailDelivery: options.detailDelivery,
      timeoutSeconds: options.timeoutSeconds,
      idempotent: options.idempotent,
      ...(failureEvent ? { failureEvent } : {}),
      ...(successEvent ? { successEvent } : {}),
    });

    const stateMachine = loggedStateMachine(this, {
      env,
      name: stateMachineName,
      logGroupName: names.stateMachineLogGroupName(env.name, service.name, rule.name),
      roleArn: stateMachineRole.arn,
      rolePolicy: stateMachineRolePolicy,
      definition,
    });

    if (options.detailDelivery === 'reference') {
      // The task reads its event from the execution input: exactly this state machine's executions.
      new IamRolePolicy(this, 'task_reads_execution', {
        name: `read-executions-${stateMachineName}`,
        role: task.taskRoleName,
        policy: JSON.stringify(taskReadExecutionPolicy(names.arns.executions(region, accountId, stateMachineName))),
      });
    }

    startsStateMachine(this, {
      accountId,
      rule: eventRule,
      busName: bus.name,
      roleName: names.eventsRoleName(env.name, service.name, rule.name),
      description: `Lets rule ${rule.name} start ${stateMachineName}`,
      stateMachine,
      stateMachineArn,
      retryPolicy: { maximumRetryAttempts: options.retryAttempts, maximumEventAgeInSeconds: options.maximumEventAgeSeconds },
      deadLetterQueueArn: deadLetterQueue.arn,
    });

    const alarm = (id: string, metric: string, namespace: string, dimensions: Record<string, string>, description: string) =>
      anyOccurrenceAlarm(this, id, { prefix: stateMachineName, metric, namespace, dimensions, description, topicArn: props.alarmTopicArn });
    alarm('executions_failed', 'ExecutionsFailed', 'AWS/States', { StateMachineArn: stateMachine.arn }, `${stateMachineName}: an execution failed`);
    alarm('executions_timed_out', 'ExecutionsTimedOut', 'AWS/States', { StateMachineArn: stateMachine.arn }, `${stateMachineName}: an execution timed out`);
    alarm('dead_letters', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS', { QueueName: deadLetterQueue.name }, `${eventRule.name}: events could not be delivered to the state machine`);
  }
}

interface EndedExecutionsAnnouncerProps extends Omit<ServiceStackProps, 'base'> {
  readonly announced: readonly AnnouncedStateMachine[];
}

/**
 * Publishes a rule's failure event when its execution ends TIMED_OUT or ABORTED, which no Catch
 * sees (core/asl-ended-executions.ts): a rule on the account's default bus, where Step Functions
 * sends its status change events, starts one state machine per service that announces them.
 */
class EndedExecutionsAnnouncer extends Construct {
  constructor(scope: Construct, id: string, props: EndedExecutionsAnnouncerProps) {
    super(scope, id);
    const { env, service, announced } = props;
    const { region, accountId } = env;
    const name = names.endedExecutionsName(env.name, service.name);
    const stateMachineArn = names.arns.stateMachine(region, accountId, name);

    const eventRule = new CloudwatchEventRule(this, 'rule', {
      name,
      description: `TIMED_OUT and ABORTED executions of ${service.name}'s state machines → their failure events`,
      // Step Functions sends execution status changes to the default bus only.
      eventBusName: 'default',
      eventPattern: JSON.stringify(
        endedExecutionsPattern(
          announced.map((machine) => machine.stateMachineArn),
          names.arns.stateMachine(region, accountId, `${names.stateMachineName(env.name, service.name, '')}`),
        ),
      ),
      state: 'ENABLED',
    });
    const deadLetterQueue = ruleDeadLetterQueue(this, names.endedExecutionsQueueName(env.name, service.name), eventRule.arn);
    const role = new IamRole(this, 'state_machine_role', {
      name: names.endedExecutionsRoleName(env.name, service.name),
      description: `Announces TIMED_OUT and ABORTED executions of ${service.name}'s state machines`,
      assumeRolePolicy: JSON.stringify(stateMachineAssumeRolePolicy(accountId, region)),
    });
    const rolePolicy = new IamRolePolicy(this, 'state_machine_policy', {
      name: 'announce-ended-executions',
      role: role.name,
      policy: JSON.stringify(
        endedExecutionsPolicy({
          executionArns: announced.map((machine) => machine.stateMachineArn.replace(':stateMachine:', ':execution:') + ':*'),
          publishes: publishGrants(announced.map((machine) => machine.failureEvent)),
        }),
      ),
    });
    const stateMachine = loggedStateMachine(this, {
      env,
      name,
      logGroupName: names.endedExecutionsLogGroupName(env.name, service.name),
      roleArn: role.arn,
      rolePolicy,
      definition: buildEndedExecutionsAnnouncer(announced, `TIMED_OUT and ABORTED executions of ${service.name}'s rules → their failure events`),
    });
    startsStateMachine(this, {
      accountId,
      rule: eventRule,
      busName: 'default',
      roleName: names.endedExecutionsEventsRoleName(env.name, service.name),
      description: `Lets rule ${name} start ${name}`,
      stateMachine,
      stateMachineArn,
      // A status change event is delivered once, best effort: retry its delivery as long as EventBridge allows.
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
      deadLetterQueueArn: deadLetterQueue.arn,
    });
    const alarm = (id: string, metric: string, namespace: string, dimensions: Record<string, string>, description: string) =>
      anyOccurrenceAlarm(this, id, { prefix: name, metric, namespace, dimensions, description, topicArn: props.alarmTopicArn });
    alarm('executions_failed', 'ExecutionsFailed', 'AWS/States', { StateMachineArn: stateMachine.arn }, `${name}: an ended execution could not be announced; its booking may stay pending`);
    alarm('dead_letters', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS', { QueueName: deadLetterQueue.name }, `${name}: status change events could not be delivered to the announcer`);
  }
}

/** An alarm on any occurrence within 5 minutes (a sum, or a queue's maximum depth, above 0), named `<prefix>-<id>`. */
function anyOccurrenceAlarm(
  scope: Construct,
  id: string,
  props: { prefix: string; metric: string; namespace: string; dimensions: Record<string, string>; description: string; topicArn: string },
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: names.alarmName(props.prefix, id.replace(/_/g, '-')),
    alarmDescription: props.description,
    namespace: props.namespace,
    metricName: props.metric,
    dimensions: props.dimensions,
    statistic: props.namespace === 'AWS/SQS' ? 'Maximum' : 'Sum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [props.topicArn],
    okActions: [props.topicArn],
  });
}

/**
 * The dead-letter queue of a rule's target, with the resource policy without which EventBridge
 * cannot deliver to it (and says so nowhere but a metric).
 */
function ruleDeadLetterQueue(scope: Construct, name: string, ruleArn: string): SqsQueue {
  const queue = new SqsQueue(scope, 'dead_letter_queue', {
    name,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 1_209_600, // 14 days, the SQS maximum: time to inspect and redrive.
  });
  new SqsQueuePolicy(scope, 'dead_letter_queue_policy', {
    queueUrl: queue.url,
    policy: JSON.stringify(deadLetterQueuePolicy(queue.arn, ruleArn)),
  });
  return queue;
}

/** A Standard state machine with its log group, X-Ray tracing, and the definition as readable JSON. */
function loggedStateMachine(
  scope: Construct,
  props: { env: EnvironmentConfig; name: string; logGroupName: string; roleArn: string; rolePolicy: IamRolePolicy; definition: object },
): SfnStateMachine {
  const logGroup = new CloudwatchLogGroup(scope, 'log_group', { name: props.logGroupName, retentionInDays: props.env.observability.logRetentionDays });
  return new SfnStateMachine(scope, 'state_machine', {
    name: props.name,
    type: 'STANDARD',
    roleArn: props.roleArn,
    // A JSON string, not jsonencode(): reviewers read it as it is in cdk.tf.json and in plans.
    definition: JSON.stringify(props.definition, null, 2),
    loggingConfiguration: {
      logDestination: `${logGroup.arn}:*`,
      includeExecutionData: props.env.observability.includeExecutionData,
      level: props.env.observability.stateMachineLogLevel,
    },
    tracingConfiguration: { enabled: true },
    // Created before its policy exists, the state machine fails validation of its role (a known race).
    dependsOn: [props.rolePolicy],
  });
}

/** A rule's target: the state machine, started through a role only that rule may assume, with retries and a DLQ. */
function startsStateMachine(
  scope: Construct,
  props: {
    accountId: string;
    rule: CloudwatchEventRule;
    busName: string;
    roleName: string;
    description: string;
    stateMachine: SfnStateMachine;
    stateMachineArn: string;
    retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
    deadLetterQueueArn: string;
  },
): void {
  const role = new IamRole(scope, 'events_role', {
    name: props.roleName,
    description: props.description,
    assumeRolePolicy: JSON.stringify(eventsAssumeRolePolicy(props.accountId, props.rule.arn)),
  });
  new IamRolePolicy(scope, 'events_policy', {
    name: 'start-execution',
    role: role.name,
    policy: JSON.stringify(eventsStartExecutionPolicy(props.stateMachineArn)),
  });
  new CloudwatchEventTarget(scope, 'target', {
    rule: props.rule.name,
    eventBusName: props.busName,
    targetId: 'state-machine',
    arn: props.stateMachine.arn,
    roleArn: role.arn,
    retryPolicy: props.retryPolicy,
    deadLetterConfig: { arn: props.deadLetterQueueArn },
  });
}
