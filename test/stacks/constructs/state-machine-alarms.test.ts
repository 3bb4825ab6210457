import { ENDED_EXECUTIONS_ALARMS, RULE_ALARMS } from '../../../core/naming';
import { StateMachineAlarms, type StateMachineAlarmsProps } from '../../../stacks/constructs/state-machine-alarms';
import { resourcesOf, synthScope } from '../../support/constructs';

const minimal: StateMachineAlarmsProps = {
  namePrefix: 'dev-orders-ship',
  topicArn: 'arn:aws:sns:eu-west-1:123456789012:dev-alarms',
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-orders-ship',
  deadLetterQueueName: 'dev-orders-ship-dlq',
};

const alarmsByName = (props: StateMachineAlarmsProps) => {
  const json = synthScope((scope) => new StateMachineAlarms(scope, 'alarms', props));
  return Object.fromEntries(Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).map((alarm) => [alarm.alarm_name as string, alarm]));
};

describe('StateMachineAlarms', () => {
  const alarms = alarmsByName(minimal);

  test('by default the three alarms core/naming.ts names (and validation checks the length of)', () => {
    expect(Object.keys(alarms).sort()).toEqual(RULE_ALARMS.map((kind) => `dev-orders-ship-${kind}`).sort());
  });

  test('failed and timed-out executions: any in 5 minutes, by the state machine', () => {
    expect(alarms['dev-orders-ship-executions-failed']).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      dimensions: { StateMachineArn: minimal.stateMachineArn },
      statistic: 'Sum',
      alarm_description: 'dev-orders-ship: an execution failed',
    });
    expect(alarms['dev-orders-ship-executions-timed-out']).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsTimedOut',
      statistic: 'Sum',
      alarm_description: 'dev-orders-ship: an execution timed out',
    });
  });

  test('dead letters: any message visible in the queue (its maximum depth, not a sum of samples)', () => {
    expect(alarms['dev-orders-ship-dead-letters']).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'dev-orders-ship-dlq' },
      statistic: 'Maximum',
      alarm_description: 'dev-orders-ship: events could not be delivered to the state machine',
    });
  });

  test.each(Object.keys(alarms))('%s fires above 0 within one 5-minute period, tells the topic when it fires and clears, and missing data is no alarm', (name) => {
    expect(alarms[name]).toMatchObject({
      period: 300,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
      alarm_actions: [minimal.topicArn],
      ok_actions: [minimal.topicArn],
    });
  });

  test('alarms and descriptions given: only those alarms, each given description replacing its default', () => {
    const given = alarmsByName({ ...minimal, alarms: ENDED_EXECUTIONS_ALARMS, descriptions: { 'dead-letters': 'custom' } });
    expect(Object.keys(given).sort()).toEqual(['dev-orders-ship-dead-letters', 'dev-orders-ship-executions-failed']);
    expect(given['dev-orders-ship-dead-letters']!.alarm_description).toBe('custom');
    expect(given['dev-orders-ship-executions-failed']!.alarm_description).toBe('dev-orders-ship: an execution failed');
  });
});
