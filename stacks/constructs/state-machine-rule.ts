import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { Construct } from 'constructs';
import { RULE_DEFAULTS } from '../../catalog/defaults';
import { SQS_MESSAGE_RETENTION_SECONDS_RANGE } from '../../core/aws-limits';
import { deadLetterQueuePolicy, eventsAssumeRolePolicy, eventsStartExecutionPolicy } from '../../core/iam-policies';
import { ResourceGroup } from '../resource-groups';

/** How long EventBridge keeps trying to deliver one event to the target. */
export interface DeliveryRetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeInSeconds: number;
}

export const DELIVERY_RETRY_DEFAULTS: DeliveryRetryPolicy = {
  maximumRetryAttempts: RULE_DEFAULTS.retryAttempts,
  maximumEventAgeInSeconds: RULE_DEFAULTS.maximumEventAgeSeconds,
};

/** 14 days, the SQS maximum: time to inspect and redrive. */
export const DEAD_LETTER_RETENTION_SECONDS = SQS_MESSAGE_RETENTION_SECONDS_RANGE.max;

export interface StateMachineRuleProps {
  readonly accountId: string;
  readonly ruleName: string;
  readonly description: string;
  /** The bus the rule listens on (`default` for AWS service events). */
  readonly eventBusName: string;
  readonly eventPattern: object;
  /** What the rule starts: the literal ARN (the role may start only it) and the resource (the target). */
  readonly stateMachine: { readonly arn: string; readonly resource: { readonly arn: string } };
  /** The role EventBridge assumes to start it; only this rule may assume it. */
  readonly roleName: string;
  readonly roleDescription: string;
  readonly deadLetterQueueName: string;
  /** Default: the catalog's rule defaults (8 retries, one hour). */
  readonly retryPolicy?: DeliveryRetryPolicy;
}

/**
 * An EventBridge rule whose one target starts a state machine: the rule, the target with its retry
 * policy and dead-letter queue, the queue's policy and the role the target uses.
 */
export class StateMachineRule extends ResourceGroup {
  readonly rule: CloudwatchEventRule;
  readonly deadLetterQueue: SqsQueue;
  readonly role: IamRole;
  readonly target: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: StateMachineRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: props.description,
      eventBusName: props.eventBusName,
      eventPattern: JSON.stringify(props.eventPattern),
      state: 'ENABLED',
    });
    this.deadLetterQueue = new SqsQueue(this, 'dead_letter_queue', {
      name: props.deadLetterQueueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    // Without it EventBridge cannot deliver to the queue, and says so nowhere but a metric.
    new SqsQueuePolicy(this, 'dead_letter_queue_policy', {
      queueUrl: this.deadLetterQueue.url,
      policy: JSON.stringify(deadLetterQueuePolicy(this.deadLetterQueue.arn, this.rule.arn)),
    });
    this.role = new IamRole(this, 'events_role', {
      name: props.roleName,
      description: props.roleDescription,
      assumeRolePolicy: JSON.stringify(eventsAssumeRolePolicy(props.accountId, this.rule.arn)),
    });
    new IamRolePolicy(this, 'events_policy', {
      name: 'start-execution',
      role: this.role.name,
      policy: JSON.stringify(eventsStartExecutionPolicy(props.stateMachine.arn)),
    });
    this.target = new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      eventBusName: props.eventBusName,
      targetId: 'state-machine',
      arn: props.stateMachine.resource.arn,
      roleArn: this.role.arn,
      retryPolicy: { ...(props.retryPolicy ?? DELIVERY_RETRY_DEFAULTS) },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
  }
}
