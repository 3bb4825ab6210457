import type { RuleSpec } from '../../../catalog/types';
import { existingBaseReferences } from '../../../stacks/base-references';
import { RuleToTask } from '../../../stacks/constructs/rule-to-task';
import { onlyResource, reference, resourceCounts, resourcesOf, synthScope } from '../../support/constructs';
import { alarmTopicArn, catalogWith, environment, rule } from './fixture';

function synth(shipOrder: RuleSpec) {
  let construct: RuleToTask | undefined;
  const json = synthScope((scope) => {
    construct = new RuleToTask(scope, 'rule_ship_order', {
      env: environment,
      catalog: catalogWith(shipOrder),
      service: catalogWith(shipOrder).services[0]!,
      rule: shipOrder,
      base: existingBaseReferences(environment),
      bus: { name: 'dev-orders' },
      alarmTopicArn,
    });
  });
  return { json, construct: construct! };
}

const policyOf = (json: ReturnType<typeof synth>['json'], name: string) =>
  JSON.parse(Object.values(resourcesOf(json, 'aws_iam_role_policy')).find((policy) => policy.name === name)!.policy as string);

describe('RuleToTask', () => {
  const { json, construct } = synth(rule);
  const machine = onlyResource(json, 'aws_sfn_state_machine');
  const definition = JSON.parse(machine.body.definition as string);

  test('a state machine with its rule and alarms; no read of executions when the event travels in the environment', () => {
    expect(resourceCounts(json)).toEqual({
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_cloudwatch_log_group: 1,
      aws_cloudwatch_metric_alarm: 3,
      aws_iam_role: 2,
      aws_iam_role_policy: 2,
      aws_sfn_state_machine: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
    });
  });

  test('everything is named from the environment, service and rule', () => {
    expect(machine.body.name).toBe('dev-orders-ship-order');
    expect(onlyResource(json, 'aws_cloudwatch_event_rule').body.name).toBe('dev-orders-ship-order');
    expect(onlyResource(json, 'aws_sqs_queue').body.name).toBe('dev-orders-ship-order-dlq');
    expect(
      Object.values(resourcesOf(json, 'aws_iam_role'))
        .map((role) => role.name)
        .sort(),
    ).toEqual(['dev-orders-ship-order-events', 'dev-orders-ship-order-sfn']);
    expect(onlyResource(json, 'aws_cloudwatch_log_group').body.name).toBe('/aws/vendedlogs/states/dev-orders-ship-order');
  });

  test("the rule listens on the service's bus with the catalog's pattern and starts the state machine", () => {
    const eventRule = onlyResource(json, 'aws_cloudwatch_event_rule').body;
    expect(eventRule.event_bus_name).toBe('dev-orders');
    expect(JSON.parse(eventRule.event_pattern as string)).toEqual(rule.eventPattern);
    expect(eventRule.description).toBe('OrderPlaced → orders/ship');
    expect(onlyResource(json, 'aws_cloudwatch_event_target').body.arn).toBe(reference('aws_sfn_state_machine', machine.address, 'arn'));
  });

  test('the state machine runs the target task of the base with the rule command, and publishes the default failure event', () => {
    const run = Object.values(definition.States as Record<string, Record<string, any>>).find((state) => state.Resource === 'arn:aws:states:::ecs:runTask.sync')!; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(run.Parameters.Cluster).toBe(environment.base.clusterArn);
    expect(run.Parameters.TaskDefinition).toBe('shop-orders-ship');
    expect(JSON.stringify(run.Parameters.Overrides)).toContain('"Command":["node","dist/ship.js"]');
    expect(construct.failureEvent).toEqual({ eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-orders', source: 'shop.orders', detailType: 'OrdersTaskFailed' });
    const publish = policyOf(json, 'run-task').Statement.find((statement: { Action: string }) => statement.Action === 'events:PutEvents');
    expect(publish.Resource).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/dev-orders');
    expect(publish.Condition['ForAllValues:StringEquals']).toEqual({ 'events:source': 'shop.orders', 'events:detail-type': ['OrdersTaskFailed'] });
  });

  test("the environment's observability sets the logging", () => {
    expect(machine.body.logging_configuration).toMatchObject({ level: 'ALL', include_execution_data: true });
    expect(onlyResource(json, 'aws_cloudwatch_log_group').body.retention_in_days).toBe(14);
  });

  test("the rule's retry options reach the target", () => {
    const retried = synth({ ...rule, options: { retryAttempts: 2, maximumEventAgeSeconds: 120 } }).json;
    expect(onlyResource(retried, 'aws_cloudwatch_event_target').body.retry_policy).toEqual({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 120 });
  });

  test('delivery by reference: the task role may read exactly this state machine’s executions', () => {
    const byReference = synth({ ...rule, options: { detailDelivery: 'reference' } }).json;
    const read = Object.values(resourcesOf(byReference, 'aws_iam_role_policy')).find((policy) => policy.name === 'read-executions-dev-orders-ship-order')!;
    expect(read.role).toBe('shop-orders-task');
    expect(JSON.parse(read.policy as string).Statement).toEqual([
      expect.objectContaining({ Action: 'states:DescribeExecution', Resource: 'arn:aws:states:eu-west-1:123456789012:execution:dev-orders-ship-order:*' }),
    ]);
  });

  test('no failure event: nothing published, nothing to announce', () => {
    const quiet = synth({ ...rule, options: { failureDetailType: false } });
    expect(quiet.construct.failureEvent).toBeUndefined();
    expect(JSON.stringify(policyOf(quiet.json, 'run-task'))).not.toContain('events:PutEvents');
  });

  test('a target task the catalog lacks is refused, naming the service and rule', () => {
    const lost: RuleSpec = { ...rule, target: { service: 'orders', task: 'pack' } };
    expect(() =>
      synthScope((scope) => {
        new RuleToTask(scope, 'rule', {
          env: environment,
          catalog: catalogWith(rule),
          service: catalogWith(rule).services[0]!,
          rule: lost,
          base: existingBaseReferences(environment),
          bus: { name: 'dev-orders' },
          alarmTopicArn,
        });
      }),
    ).toThrow('catalog: service "orders", rule "ship-order": target task "orders/pack" is not defined');
  });
});
