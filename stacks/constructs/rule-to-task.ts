import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { findTask, resolveRuleOptions, ruleCommand } from '../../catalog/defaults';
import type { Catalog, RuleSpec, ServiceSpec } from '../../catalog/types';
import type { EnvironmentConfig } from '../../environments/types';
import { buildRunTaskStateMachine, type PublishedEvent } from '../../core/asl';
import { publishGrants, stateMachinePolicy, taskReadExecutionPolicy } from '../../core/iam-policies';
import * as names from '../../core/naming';
import type { BaseReferences } from '../base-references';
import { LoggedStateMachine, stateMachineLogging } from './logged-state-machine';
import { StateMachineAlarms } from './state-machine-alarms';
import { StateMachineRule } from './state-machine-rule';

export interface RuleToTaskProps {
  readonly env: EnvironmentConfig;
  readonly catalog: Catalog;
  /** The service whose bus the rule is on. */
  readonly service: ServiceSpec;
  readonly rule: RuleSpec;
  readonly base: BaseReferences;
  /** The service's bus: its name (a reference) is where the rule listens. */
  readonly bus: { readonly name: string };
  readonly alarmTopicArn: string;
}

/**
 * The events a rule's state machine publishes, as `detailType` → event: on the bus of the service
 * whose task ran, as that service, so that a compensation is just another rule there
 * (choreography saga). None for an undefined detail-type (the rule publishes none).
 */
export function targetServiceEvents(env: EnvironmentConfig, catalog: Catalog, targetService: string): (detailType: string | undefined) => PublishedEvent | undefined {
  const eventBusArn = names.arns.eventBus(env.region, env.accountId, names.busName(env.name, targetService));
  const source = names.eventSource(catalog.namespace, targetService);
  return (detailType) => (detailType === undefined ? undefined : { eventBusArn, source, detailType });
}

/**
 * One catalog rule: the EventBridge rule on its service's bus, the state machine that runs the
 * target task (`core/asl.ts`), the task role's read of its executions when the event is delivered
 * by reference, and the alarms.
 */
export class RuleToTask extends Construct {
  readonly stateMachine: LoggedStateMachine;
  readonly rule: StateMachineRule;
  /** Published when the task fails for good; undefined when the rule publishes none. */
  readonly failureEvent: PublishedEvent | undefined;

  constructor(scope: Construct, id: string, props: RuleToTaskProps) {
    super(scope, id);
    const { env, catalog, service, rule, base } = props;
    const { region, accountId } = env;
    const options = resolveRuleOptions(rule);
    const target = rule.target;
    const taskSpec = findTask(catalog, target.service, target.task);
    if (!taskSpec) throw new Error(`catalog: service "${service.name}", rule "${rule.name}": target task "${target.service}/${target.task}" is not defined`);
    const task = base.task(target.service, target.task);
    const stateMachineName = names.stateMachineName(env.name, service.name, rule.name);
    const detailTypes = rule.eventPattern['detail-type'].join(', ');

    const published = targetServiceEvents(env, catalog, target.service);
    this.failureEvent = published(options.failureDetailType);
    const successEvent = published(options.successDetailType);

    this.stateMachine = new LoggedStateMachine(this, 'state_machine', {
      name: stateMachineName,
      accountId,
      region,
      roleName: names.stateMachineRoleName(env.name, service.name, rule.name),
      roleDescription: `Runs ${target.service}/${target.task} for rule ${rule.name} on bus ${props.bus.name}`,
      policyName: 'run-task',
      policy: stateMachinePolicy({
        region,
        accountId,
        clusterArn: base.clusterArn,
        taskFamily: task.family,
        taskRoleArn: task.taskRoleArn,
        executionRoleArn: task.executionRoleArn,
        publishes: publishGrants([this.failureEvent, successEvent]),
      }),
      definition: buildRunTaskStateMachine({
        comment: `${detailTypes} on ${names.busName(env.name, service.name)} → ${target.service}/${target.task}`,
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
        ...(this.failureEvent ? { failureEvent: this.failureEvent } : {}),
        ...(successEvent ? { successEvent } : {}),
      }),
      logGroupName: names.stateMachineLogGroupName(env.name, service.name, rule.name),
      logging: stateMachineLogging(env.observability),
    });

    if (options.detailDelivery === 'reference') {
      // The task reads its event from the execution input: exactly this state machine's executions.
      new IamRolePolicy(this, 'task_reads_execution', {
        name: `read-executions-${stateMachineName}`,
        role: task.taskRoleName,
        policy: JSON.stringify(taskReadExecutionPolicy(names.arns.executions(region, accountId, stateMachineName))),
      });
    }

    this.rule = new StateMachineRule(this, 'rule', {
      accountId,
      ruleName: names.ruleName(env.name, service.name, rule.name),
      description: rule.description ?? `${detailTypes} → ${target.service}/${target.task}`,
      eventBusName: props.bus.name,
      eventPattern: rule.eventPattern,
      stateMachine: this.stateMachine,
      roleName: names.eventsRoleName(env.name, service.name, rule.name),
      roleDescription: `Lets rule ${rule.name} start ${stateMachineName}`,
      deadLetterQueueName: names.deadLetterQueueName(env.name, service.name, rule.name),
      retryPolicy: { maximumRetryAttempts: options.retryAttempts, maximumEventAgeInSeconds: options.maximumEventAgeSeconds },
    });

    new StateMachineAlarms(this, 'alarms', {
      namePrefix: stateMachineName,
      topicArn: props.alarmTopicArn,
      stateMachineArn: this.stateMachine.resource.arn,
      deadLetterQueueName: this.rule.deadLetterQueue.name,
      descriptions: { 'dead-letters': `${this.rule.rule.name}: events could not be delivered to the state machine` },
    });
  }
}
