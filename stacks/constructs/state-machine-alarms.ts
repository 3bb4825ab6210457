import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { alarmName, RULE_ALARMS } from '../../core/naming';
import { ResourceGroup } from '../resource-groups';

export type StateMachineAlarmKind = (typeof RULE_ALARMS)[number];

interface AlarmMetric {
  readonly namespace: 'AWS/States' | 'AWS/SQS';
  readonly metric: string;
  readonly dimensions: Record<string, string>;
}

export interface StateMachineAlarmsProps {
  /** Alarms are named `<namePrefix>-<kind>`: the state machine's name. */
  readonly namePrefix: string;
  /** The SNS topic told when an alarm fires and when it clears. */
  readonly topicArn: string;
  /** The state machine (`resource.arn`): its failed and timed-out executions. */
  readonly stateMachineArn: string;
  /** The queue of events that could not be delivered to it. */
  readonly deadLetterQueueName: string;
  /** Which alarms; default all three (core/naming.ts names them, and validation checks those names). */
  readonly alarms?: readonly StateMachineAlarmKind[];
  /** What each alarm says; default `<namePrefix>: an execution failed`, and so on. */
  readonly descriptions?: Partial<Record<StateMachineAlarmKind, string>>;
}

/**
 * Alarms on any occurrence within 5 minutes of a state machine's failed or timed-out executions (a
 * sum above 0) and of events in its rule's dead-letter queue (the queue's maximum depth above 0).
 */
export class StateMachineAlarms extends ResourceGroup {
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: StateMachineAlarmsProps) {
    super(scope, id);
    const metrics: Record<StateMachineAlarmKind, AlarmMetric> = {
      'executions-failed': { namespace: 'AWS/States', metric: 'ExecutionsFailed', dimensions: { StateMachineArn: props.stateMachineArn } },
      'executions-timed-out': { namespace: 'AWS/States', metric: 'ExecutionsTimedOut', dimensions: { StateMachineArn: props.stateMachineArn } },
      'dead-letters': { namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: props.deadLetterQueueName } },
    };
    const descriptions: Record<StateMachineAlarmKind, string> = {
      'executions-failed': `${props.namePrefix}: an execution failed`,
      'executions-timed-out': `${props.namePrefix}: an execution timed out`,
      'dead-letters': `${props.namePrefix}: events could not be delivered to the state machine`,
      ...props.descriptions,
    };
    this.alarms = (props.alarms ?? RULE_ALARMS).map((kind) => {
      const { namespace, metric, dimensions } = metrics[kind];
      return new CloudwatchMetricAlarm(this, kind.replace(/-/g, '_'), {
        alarmName: alarmName(props.namePrefix, kind),
        alarmDescription: descriptions[kind],
        namespace,
        metricName: metric,
        dimensions,
        statistic: namespace === 'AWS/SQS' ? 'Maximum' : 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
    });
  }
}
