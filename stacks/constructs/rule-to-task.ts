import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { defaultCompensationFailedDetailType, findFlow, findTask, isFlowRule, resolveRuleOptions, ruleCommand } from '../../catalog/defaults';
import type { Catalog, FlowRuleSpec, FlowStepSpec, RuleSpec, ServiceSpec, TaskRuleSpec } from '../../catalog/types';
import type { EnvironmentConfig } from '../../environments/types';
import { buildRunTaskStateMachine, type PublishedEvent, type RunTaskTarget } from '../../core/asl';
import { buildFlowStateMachine } from '../../core/asl-flow';
import { publishGrants, stateMachinePolicy, taskReadExecutionPolicy } from '../../core/iam-policies';
import * as names from '../../core/naming';
import type { BaseReferences, TaskReference } from '../base-references';
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
 * whose task ran (or whose flow ran), as that service, so that a compensation is just another rule
 * there (choreography saga). None for an undefined detail-type (the rule publishes none).
 */
export function targetServiceEvents(env: EnvironmentConfig, catalog: Catalog, targetService: string): (detailType: string | undefined) => PublishedEvent | undefined {
  const eventBusArn = names.arns.eventBus(env.region, env.accountId, names.busName(env.name, targetService));
  const source = names.eventSource(catalog.namespace, targetService);
  return (detailType) => (detailType === undefined ? undefined : { eventBusArn, source, detailType });
}

/** What a state machine's definition and policy are built from: the ASL, the tasks it runs, what it publishes. */
interface RuleMachine {
  readonly definition: object;
  /** The tasks it runs, each once: its families and roles go into its policy. */
  readonly tasks: readonly TaskReference[];
  readonly published: readonly (PublishedEvent | undefined)[];
  readonly roleDescription: string;
  readonly comment: string;
}

/**
 * One catalog rule: the EventBridge rule on its service's bus, the state machine that runs its
 * target (`core/asl.ts` for a task, `core/asl-flow.ts` for a flow's steps and compensations), the
 * task roles' read of its executions when the event is delivered by reference, and the alarms.
 */
export class RuleToTask extends Construct {
  readonly stateMachine: LoggedStateMachine;
  readonly rule: StateMachineRule;
  /** Published when the target fails for good; undefined when the rule publishes none. */
  readonly failureEvent: PublishedEvent | undefined;

  constructor(scope: Construct, id: string, props: RuleToTaskProps) {
    super(scope, id);
    const { env, catalog, service, rule, base } = props;
    const { region, accountId } = env;
    const options = resolveRuleOptions(rule, catalog);
    const stateMachineName = names.stateMachineName(env.name, service.name, rule.name);
    const detailTypes = rule.eventPattern['detail-type'].join(', ');

    const published = targetServiceEvents(env, catalog, rule.target.service);
    this.failureEvent = published(options.failureDetailType);
    const successEvent = published(options.successDetailType);
    const events = { ...(this.failureEvent ? { failureEvent: this.failureEvent } : {}), ...(successEvent ? { successEvent } : {}) };
    const common = { detailDelivery: options.detailDelivery, timeoutSeconds: options.timeoutSeconds, idempotent: options.idempotent, ...events };
    const { capacity, placement } = base.ruleCapacity(service.name, rule.name);
    /** One RunTask's target: the task's references, the command, the rule's capacity and placement. */
    const runTarget = (serviceName: string, taskName: string, command: readonly string[] | undefined): { task: TaskReference; target: RunTaskTarget } => {
      const spec = findTask(catalog, serviceName, taskName);
      if (!spec)
        throw new Error(`catalog: service "${service.name}", rule "${rule.name}": ${isFlowRule(rule) ? `a step's task` : 'target task'} "${serviceName}/${taskName}" is not defined`);
      const task = base.task(serviceName, taskName);
      return {
        task,
        target: {
          clusterArn: base.clusterArn,
          taskDefinition: task.taskDefinition,
          subnetIds: base.subnetIds,
          securityGroupIds: base.securityGroupIds,
          containerName: task.containerName,
          command: ruleCommand({ command }, spec),
          capacity,
          ...(placement ? { placement } : {}),
        },
      };
    };

    const machine = isFlowRule(rule) ? flowMachine(props, rule, runTarget, common, published) : taskMachine(props, rule, runTarget, common);
    const [first, ...more] = uniqueTasks(machine.tasks);

    this.stateMachine = new LoggedStateMachine(this, 'state_machine', {
      name: stateMachineName,
      accountId,
      region,
      roleName: names.stateMachineRoleName(env.name, service.name, rule.name),
      roleDescription: `${machine.roleDescription} for rule ${rule.name} on bus ${props.bus.name}`,
      policyName: 'run-task',
      policy: stateMachinePolicy({
        region,
        accountId,
        clusterArn: base.clusterArn,
        taskFamily: first!.family,
        taskRoleArn: first!.taskRoleArn,
        executionRoleArn: first!.executionRoleArn,
        ...(more.length > 0 ? { moreTasks: more.map((task) => ({ taskFamily: task.family, taskRoleArn: task.taskRoleArn, executionRoleArn: task.executionRoleArn })) } : {}),
        publishes: publishGrants(machine.published),
      }),
      definition: machine.definition,
      logGroupName: names.stateMachineLogGroupName(env.name, service.name, rule.name),
      logging: stateMachineLogging(env.observability),
    });

    if (options.detailDelivery === 'reference') {
      // Each task reads its event from the execution input: exactly this state machine's executions.
      const roles = [...new Set(machine.tasks.map((task) => task.taskRoleName))];
      roles.forEach((role, index) => {
        new IamRolePolicy(this, index === 0 ? 'task_reads_execution' : `task_reads_execution_${index + 1}`, {
          name: `read-executions-${stateMachineName}`,
          role,
          policy: JSON.stringify(taskReadExecutionPolicy(names.arns.executions(region, accountId, stateMachineName))),
        });
      });
    }

    this.rule = new StateMachineRule(this, 'rule', {
      accountId,
      ruleName: names.ruleName(env.name, service.name, rule.name),
      description: rule.description ?? `${detailTypes} → ${machine.comment}`,
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

type RunTarget = (service: string, task: string, command: readonly string[] | undefined) => { task: TaskReference; target: RunTaskTarget };
type Common = Pick<Parameters<typeof buildRunTaskStateMachine>[0], 'detailDelivery' | 'timeoutSeconds' | 'idempotent' | 'failureEvent' | 'successEvent'>;

/** A rule running one task. */
function taskMachine(props: RuleToTaskProps, rule: TaskRuleSpec, runTarget: RunTarget, common: Common): RuleMachine {
  const { env, service } = props;
  const { target: ruleTarget } = rule;
  const { task, target } = runTarget(ruleTarget.service, ruleTarget.task, ruleTarget.command);
  const comment = `${ruleTarget.service}/${ruleTarget.task}`;
  return {
    definition: buildRunTaskStateMachine({
      comment: `${rule.eventPattern['detail-type'].join(', ')} on ${names.busName(env.name, service.name)} → ${comment}`,
      ...target,
      ...common,
    }),
    tasks: [task],
    published: [common.failureEvent, common.successEvent],
    roleDescription: `Runs ${comment}`,
    comment,
  };
}

/** A rule running a flow: each step's task and its compensation, in one state machine. */
function flowMachine(
  props: RuleToTaskProps,
  rule: FlowRuleSpec,
  runTarget: RunTarget,
  common: Common,
  published: (detailType: string | undefined) => PublishedEvent | undefined,
): RuleMachine {
  const { env, catalog, service } = props;
  const flow = findFlow(catalog, rule.target.service, rule.target.flow);
  if (!flow) throw new Error(`catalog: service "${service.name}", rule "${rule.name}": flow "${rule.target.service}/${rule.target.flow}" is not defined`);
  const tasks: TaskReference[] = [];
  const run = (part: FlowStepSpec['run']): RunTaskTarget => {
    const found = runTarget(part.service, part.task, part.command);
    tasks.push(found.task);
    return found.target;
  };
  const steps = flow.steps.map((step) => ({ name: step.name, run: run(step.run), ...(step.compensate ? { compensation: run(step.compensate) } : {}) }));
  const compensationFailedEvent = published(flow.compensationFailedDetailType ?? defaultCompensationFailedDetailType(flow.name))!;
  // Also the role's description, which IAM takes in Latin-1 only (isIamDescriptionText): no arrows.
  const comment = `flow ${rule.target.service}/${flow.name} (${flow.steps.map((step) => step.name).join(', then ')})`;
  return {
    definition: buildFlowStateMachine({
      comment: `${rule.eventPattern['detail-type'].join(', ')} on ${names.busName(env.name, service.name)} → ${comment}`,
      flow: flow.name,
      steps,
      ...common,
      compensationFailedEvent,
      label: `${env.name}/${service.name}/rule ${rule.name}`,
    }),
    tasks,
    published: [common.failureEvent, common.successEvent, compensationFailedEvent],
    roleDescription: `Runs ${comment}`,
    comment,
  };
}

/** Each task once, by family, in order. */
function uniqueTasks(tasks: readonly TaskReference[]): TaskReference[] {
  const seen = new Set<string>();
  return tasks.filter((task) => !seen.has(task.family) && seen.add(task.family) !== undefined);
}
