import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { Catalog, ServiceSpec } from '../catalog/types';
import type { EnvironmentConfig } from '../environments/types';
import type { AnnouncedStateMachine } from '../core/asl-ended-executions';
import { taskPublishEventsPolicy } from '../core/iam-policies';
import * as names from '../core/naming';
import { configureBackend } from './backend';
import type { BaseReferences } from './base-references';
import { EndedExecutionsAnnouncer } from './constructs/ended-executions-announcer';
import { RuleToTask } from './constructs/rule-to-task';
import { independent } from './independent-stack';
import { awsProvider } from './provider';
import { GroupedResourcesStack } from './resource-groups';

export interface ServiceStackProps {
  readonly env: EnvironmentConfig;
  readonly catalog: Catalog;
  readonly service: ServiceSpec;
  /** Builds the base references inside this stack (remote state needs a scope). */
  readonly base: (scope: Construct) => BaseReferences;
  readonly alarmTopicArn: string;
}

/**
 * `<env>-<service>`: the service's own bus, its tasks' right to publish on it, a `RuleToTask` per
 * rule (stacks/constructs/) and the announcer of the rules' timed-out and aborted executions.
 */
export class ServiceStack extends independent(GroupedResourcesStack) {
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
        announced.push({ stateMachineArn: ruleToTask.stateMachine.arn, failureEvent: ruleToTask.failureEvent, label: `rule ${rule.name}` });
      }
    }
    if (announced.length > 0) {
      new EndedExecutionsAnnouncer(this, 'ended_executions', { env, serviceName: service.name, announced, alarmTopicArn: props.alarmTopicArn });
    }
  }
}
