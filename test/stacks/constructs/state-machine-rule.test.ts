import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { Construct } from 'constructs';
import { RULE_DEFAULTS } from '../../../catalog/defaults';
import { DEAD_LETTER_RETENTION_SECONDS, StateMachineRule, type StateMachineRuleProps } from '../../../stacks/constructs/state-machine-rule';
import { onlyResource, reference, resourceCounts, synthScope } from '../../support/constructs';

const machineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-orders-ship';
const pattern = { 'detail-type': ['OrderPlaced'], source: ['shop.orders'] };

function synth(props: Partial<Omit<StateMachineRuleProps, 'stateMachine'>> = {}) {
  return synthScope((scope: Construct) => {
    const machine = new SfnStateMachine(scope, 'machine', { name: 'dev-orders-ship', roleArn: 'arn:aws:iam::123456789012:role/r', definition: '{}' });
    new StateMachineRule(scope, 'delivery', {
      accountId: '123456789012',
      ruleName: 'dev-orders-ship',
      description: 'OrderPlaced → orders/ship',
      eventBusName: 'dev-orders',
      eventPattern: pattern,
      stateMachine: { arn: machineArn, resource: machine },
      roleName: 'dev-orders-ship-events',
      roleDescription: 'Lets rule ship start dev-orders-ship',
      deadLetterQueueName: 'dev-orders-ship-dlq',
      ...props,
    });
  });
}

describe('StateMachineRule', () => {
  const json = synth();
  const rule = onlyResource(json, 'aws_cloudwatch_event_rule');
  const queue = onlyResource(json, 'aws_sqs_queue');
  const queuePolicy = onlyResource(json, 'aws_sqs_queue_policy');
  const role = onlyResource(json, 'aws_iam_role');
  const rolePolicy = onlyResource(json, 'aws_iam_role_policy');
  const target = onlyResource(json, 'aws_cloudwatch_event_target');
  const machine = onlyResource(json, 'aws_sfn_state_machine');

  test('is a rule, its target, the target role and its policy, a dead-letter queue and its policy', () => {
    expect(resourceCounts(json)).toEqual({
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_iam_role: 1,
      aws_iam_role_policy: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
      aws_sfn_state_machine: 1, // the fixture's
    });
  });

  test('an enabled rule on the bus, with the pattern as JSON', () => {
    expect(rule.body).toMatchObject({ name: 'dev-orders-ship', description: 'OrderPlaced → orders/ship', event_bus_name: 'dev-orders', state: 'ENABLED' });
    expect(JSON.parse(rule.body.event_pattern)).toEqual(pattern);
  });

  test('the target starts the state machine through the role, on the same bus', () => {
    expect(target.body).toMatchObject({
      rule: reference('aws_cloudwatch_event_rule', rule.address, 'name'),
      event_bus_name: 'dev-orders',
      target_id: 'state-machine',
      arn: reference('aws_sfn_state_machine', machine.address, 'arn'),
      role_arn: reference('aws_iam_role', role.address, 'arn'),
      dead_letter_config: { arn: reference('aws_sqs_queue', queue.address, 'arn') },
    });
  });

  test("retries delivery as the catalog's rules do by default", () => {
    expect(target.body.retry_policy).toEqual({ maximum_retry_attempts: RULE_DEFAULTS.retryAttempts, maximum_event_age_in_seconds: RULE_DEFAULTS.maximumEventAgeSeconds });
    expect(target.body.retry_policy).toEqual({ maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 });
  });

  test('a given retry policy replaces the default', () => {
    const given = onlyResource(synth({ retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 } }), 'aws_cloudwatch_event_target');
    expect(given.body.retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 });
  });

  test('only this rule may assume the role, and the role may start only this state machine (its literal ARN)', () => {
    expect(role.body).toMatchObject({ name: 'dev-orders-ship-events', description: 'Lets rule ship start dev-orders-ship' });
    const trust = JSON.parse(role.body.assume_role_policy);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnEquals: { 'aws:SourceArn': reference('aws_cloudwatch_event_rule', rule.address, 'arn') },
    });
    expect(rolePolicy.body.role).toBe(reference('aws_iam_role', role.address, 'name'));
    expect(JSON.parse(rolePolicy.body.policy).Statement).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: machineArn })]);
  });

  test('the dead-letter queue is encrypted, keeps messages 14 days, and lets this rule (only) send to it', () => {
    expect(queue.body).toMatchObject({ name: 'dev-orders-ship-dlq', sqs_managed_sse_enabled: true, message_retention_seconds: DEAD_LETTER_RETENTION_SECONDS });
    expect(DEAD_LETTER_RETENTION_SECONDS).toBe(14 * 24 * 3600);
    expect(queuePolicy.body.queue_url).toBe(reference('aws_sqs_queue', queue.address, 'url'));
    const statement = JSON.parse(queuePolicy.body.policy).Statement[0];
    expect(statement).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: reference('aws_sqs_queue', queue.address, 'arn') });
    expect(JSON.stringify(statement.Condition)).toContain(reference('aws_cloudwatch_event_rule', rule.address, 'arn'));
  });
});
