import { ENDED_EXECUTIONS_ALARMS } from '../../../core/naming';
import { EndedExecutionsAnnouncer } from '../../../stacks/constructs/ended-executions-announcer';
import { onlyResource, resourceCounts, resourcesOf, synthScope } from '../../support/constructs';
import { alarmTopicArn, environment } from './fixture';

const announced = [
  {
    stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-orders-ship-order',
    failureEvent: { eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-orders', source: 'shop.orders', detailType: 'OrdersTaskFailed' },
    label: 'rule ship-order',
  },
];

describe('EndedExecutionsAnnouncer', () => {
  const json = synthScope((scope) => new EndedExecutionsAnnouncer(scope, 'ended_executions', { env: environment, serviceName: 'orders', announced, alarmTopicArn }));
  const rule = onlyResource(json, 'aws_cloudwatch_event_rule').body;

  test('a logged state machine started by a rule, and two alarms', () => {
    expect(resourceCounts(json)).toEqual({
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_cloudwatch_log_group: 1,
      aws_cloudwatch_metric_alarm: ENDED_EXECUTIONS_ALARMS.length,
      aws_iam_role: 2,
      aws_iam_role_policy: 2,
      aws_sfn_state_machine: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
    });
    expect(onlyResource(json, 'aws_sfn_state_machine').body.name).toBe('dev-orders-ended-executions');
  });

  test("listens on the default bus, where Step Functions sends status changes, for its state machines' TIMED_OUT and ABORTED executions", () => {
    expect(rule.event_bus_name).toBe('default');
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['TIMED_OUT', 'ABORTED'], stateMachineArn: [announced[0]!.stateMachineArn] },
    });
  });

  test('retries the delivery of a status change as long as EventBridge allows (it is sent once)', () => {
    expect(onlyResource(json, 'aws_cloudwatch_event_target').body.retry_policy).toEqual({ maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86_400 });
  });

  test('may read those executions and publish their failure events, nothing more', () => {
    const policy = JSON.parse(Object.values(resourcesOf(json, 'aws_iam_role_policy')).find((p) => p.name === 'announce-ended-executions')!.policy as string);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'ReadEndedExecutions').Resource).toEqual(['arn:aws:states:eu-west-1:123456789012:execution:dev-orders-ship-order:*']);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'PublishFailureEvents').Condition['ForAllValues:StringEquals']).toEqual({
      'events:source': 'shop.orders',
      'events:detail-type': ['OrdersTaskFailed'],
    });
  });

  test('its alarms say what a failure means for the saga', () => {
    const descriptions = Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm'))
      .map((alarm) => alarm.alarm_description)
      .sort();
    expect(descriptions).toEqual([
      'dev-orders-ended-executions: an ended execution could not be announced; its booking may stay pending',
      'dev-orders-ended-executions: status change events could not be delivered to the announcer',
    ]);
  });
});
