/**
 * Every name core/naming.ts derives, exactly: these strings are what AWS resources, Terraform state
 * keys and IAM ARNs are called, so a changed separator renames (replaces) resources on the next
 * deploy, and a changed ARN pattern grants nothing or too much.
 */
import {
  alarmName,
  alarmTopicName,
  arns,
  BASE_OUTPUTS,
  BASE_TASK_OUTPUTS,
  baseStackName,
  busName,
  ciRolesStackName,
  ciStateKey,
  clusterName,
  deadLetterQueueName,
  derivedNames,
  ecrRegistry,
  ENDED_EXECUTIONS_ALARMS,
  endedExecutionsEventsRoleName,
  endedExecutionsLogGroupName,
  endedExecutionsName,
  endedExecutionsQueueName,
  endedExecutionsRoleName,
  environmentStackNames,
  eventSource,
  eventsRoleName,
  executionRoleName,
  imageBuildTarget,
  monitoringStackName,
  RULE_ALARMS,
  ruleName,
  SAVED_PLANS_PREFIX,
  savedPlansPrefix,
  serviceStackName,
  stackName,
  stateKey,
  stateMachineLogGroupName,
  stateMachineName,
  stateMachineRoleName,
  taskFamily,
  taskKey,
  taskLogGroupName,
  taskRoleName,
  tfIdentifier,
} from '../../core/naming';

describe('stacks and their state', () => {
  test('stacks are <env>-<name>, so that a glob selects one environment', () => {
    expect(stackName('dev', 'x')).toBe('dev-x');
    expect(baseStackName('dev')).toBe('dev-base');
    expect(monitoringStackName('prod')).toBe('prod-monitoring');
    expect(serviceStackName('staging', 'payment')).toBe('staging-payment');
    expect(ciRolesStackName('123456789012')).toBe('ci-roles-123456789012');
  });

  test('an environment has its monitoring stack, its base when managed, and one stack per service', () => {
    expect(environmentStackNames('dev', ['booking', 'payment'], true)).toEqual(['dev-monitoring', 'dev-base', 'dev-booking', 'dev-payment']);
    expect(environmentStackNames('dev', ['booking'], false)).toEqual(['dev-monitoring', 'dev-booking']);
    expect(environmentStackNames('dev', [], false)).toEqual(['dev-monitoring']);
  });

  test('state keys and the saved plans prefix', () => {
    expect(stateKey('dev', 'dev-base')).toBe('dev/dev-base.tfstate');
    expect(ciStateKey('ci-roles-1')).toBe('ci/ci-roles-1.tfstate');
    expect(SAVED_PLANS_PREFIX).toBe('saved-plans');
    expect(savedPlansPrefix('prod')).toBe('saved-plans/prod/');
  });
});

describe('resources of a service and its rules', () => {
  test('bus, source and rule', () => {
    expect(busName('dev', 'booking')).toBe('dev-booking');
    expect(eventSource('acme.travel', 'booking')).toBe('acme.travel.booking');
    expect(ruleName('dev', 'booking', 'seat-held')).toBe('dev-booking-seat-held');
  });

  test("a rule's state machine, log group, roles and queue", () => {
    expect(stateMachineName('dev', 'booking', 'seat-held')).toBe('dev-booking-seat-held');
    expect(stateMachineLogGroupName('dev', 'booking', 'seat-held')).toBe('/aws/vendedlogs/states/dev-booking-seat-held');
    expect(stateMachineRoleName('dev', 'booking', 'seat-held')).toBe('dev-booking-seat-held-sfn');
    expect(eventsRoleName('dev', 'booking', 'seat-held')).toBe('dev-booking-seat-held-events');
    expect(deadLetterQueueName('dev', 'booking', 'seat-held')).toBe('dev-booking-seat-held-dlq');
  });

  test("a service's ended-executions announcer", () => {
    expect(endedExecutionsName('dev', 'booking')).toBe('dev-booking-ended-executions');
    expect(endedExecutionsLogGroupName('dev', 'booking')).toBe('/aws/vendedlogs/states/dev-booking-ended-executions');
    expect(endedExecutionsRoleName('dev', 'booking')).toBe('dev-booking-ended-executions-sfn');
    expect(endedExecutionsEventsRoleName('dev', 'booking')).toBe('dev-booking-ended-executions-events');
    expect(endedExecutionsQueueName('dev', 'booking')).toBe('dev-booking-ended-executions-dlq');
  });

  test('tasks, their roles and log groups', () => {
    expect(taskFamily('dev', 'payment', 'charge')).toBe('dev-payment-charge');
    expect(taskKey('payment', 'charge')).toBe('payment/charge');
    expect(taskRoleName('dev', 'payment')).toBe('dev-payment-task');
    expect(executionRoleName('dev')).toBe('dev-ecs-task-execution');
    expect(taskLogGroupName('dev-payment-charge')).toBe('/ecs/dev-payment-charge');
  });

  test('Terraform identifiers keep letters, digits and underscores only', () => {
    expect(tfIdentifier('payment/charge')).toBe('payment_charge');
    expect(tfIdentifier('a-b.c d/É_9')).toBe('a_b_c_d___9');
    expect(tfIdentifier('Az_09')).toBe('Az_09');
  });

  test('alarms, the cluster, the alarm topic', () => {
    expect(alarmName('dev-booking-x', 'executions-failed')).toBe('dev-booking-x-executions-failed');
    expect(RULE_ALARMS).toEqual(['executions-failed', 'executions-timed-out', 'dead-letters']);
    expect(ENDED_EXECUTIONS_ALARMS).toEqual(['executions-failed', 'dead-letters']);
    expect(clusterName('dev')).toBe('dev-services');
    expect(alarmTopicName('prod')).toBe('prod-alarms');
  });

  test('image build targets replace every slash', () => {
    expect(imageBuildTarget('booking-saga/payment')).toBe('booking-saga--payment');
    expect(imageBuildTarget('a/b/c')).toBe('a--b--c');
    expect(imageBuildTarget('plain')).toBe('plain');
  });
});

describe('ARNs', () => {
  test('each pattern, as IAM policies and rule targets use it', () => {
    expect(arns.eventBus('eu-west-1', '111122223333', 'dev-booking')).toBe('arn:aws:events:eu-west-1:111122223333:event-bus/dev-booking');
    expect(arns.stateMachine('eu-west-1', '111122223333', 'dev-booking-x')).toBe('arn:aws:states:eu-west-1:111122223333:stateMachine:dev-booking-x');
    // Execution ARNs are execution:<state machine>:<execution name>: the wildcard covers the executions of this one machine only.
    expect(arns.executions('eu-west-1', '111122223333', 'dev-booking-x')).toBe('arn:aws:states:eu-west-1:111122223333:execution:dev-booking-x:*');
    expect(arns.taskDefinitionFamily('eu-west-1', '111122223333', 'dev-payment-charge')).toBe('arn:aws:ecs:eu-west-1:111122223333:task-definition/dev-payment-charge:*');
    expect(arns.snsTopic('eu-west-1', '111122223333', 'dev-alarms')).toBe('arn:aws:sns:eu-west-1:111122223333:dev-alarms');
    expect(arns.ecrRepository('eu-west-1', '111122223333', 'booking-saga/payment')).toBe('arn:aws:ecr:eu-west-1:111122223333:repository/booking-saga/payment');
    expect(ecrRegistry('eu-west-1', '111122223333')).toBe('111122223333.dkr.ecr.eu-west-1.amazonaws.com');
  });
});

describe('outputs of the base stack', () => {
  test('the names service stacks and the local runner read', () => {
    expect(BASE_OUTPUTS).toEqual({
      clusterArn: 'cluster_arn',
      clusterName: 'cluster_name',
      vpcId: 'vpc_id',
      privateSubnetIds: 'private_subnet_ids',
      taskSecurityGroupId: 'task_security_group_id',
      taskDefinitionArns: 'task_definition_arns',
      taskDefinitionFamilies: 'task_definition_families',
      containerNames: 'container_names',
      taskRoleArns: 'task_role_arns',
      taskRoleNames: 'task_role_names',
      executionRoleArn: 'execution_role_arn',
    });
    expect(BASE_TASK_OUTPUTS.taskRoleArn('seat-inventory')).toBe('task_role_arn__seat_inventory');
    expect(BASE_TASK_OUTPUTS.taskRoleName('seat-inventory')).toBe('task_role_name__seat_inventory');
  });
});

describe('derivedNames lists every name an environment gives AWS', () => {
  const region = { kind: 'region' };
  const account = { kind: 'account' };

  test('a service with a rule that publishes failures, one without, and tasks', () => {
    const names = derivedNames('dev', {
      services: [
        {
          name: 'pay',
          tasks: ['charge', 'refund'],
          rules: [
            { name: 'r1', publishesFailure: true },
            { name: 'r2', publishesFailure: false },
          ],
        },
      ],
    });
    const ruleNames = (rule: string) => {
      const owner = `service "pay", rule "${rule}"`;
      return [
        { kind: 'EventBridge rule name', name: `dev-pay-${rule}`, limit: 64, scope: { kind: 'bus', bus: 'dev-pay' }, owner },
        { kind: 'Step Functions state machine name', name: `dev-pay-${rule}`, limit: 80, scope: region, owner },
        { kind: 'SQS queue name', name: `dev-pay-${rule}-dlq`, limit: 80, scope: region, owner },
        { kind: 'IAM role name', name: `dev-pay-${rule}-sfn`, limit: 64, scope: account, owner },
        { kind: 'IAM role name', name: `dev-pay-${rule}-events`, limit: 64, scope: account, owner },
        { kind: 'CloudWatch log group name', name: `/aws/vendedlogs/states/dev-pay-${rule}`, limit: 512, scope: region, owner },
        { kind: 'CloudWatch alarm name', name: `dev-pay-${rule}-executions-failed`, limit: 255, scope: region, owner },
        { kind: 'CloudWatch alarm name', name: `dev-pay-${rule}-executions-timed-out`, limit: 255, scope: region, owner },
        { kind: 'CloudWatch alarm name', name: `dev-pay-${rule}-dead-letters`, limit: 255, scope: region, owner },
      ];
    };
    const announcer = 'service "pay" (its ended-executions announcer)';
    expect(names).toEqual([
      { kind: 'event bus name', name: 'dev-pay', limit: 256, scope: region, owner: 'service "pay"' },
      ...ruleNames('r1'),
      ...ruleNames('r2'),
      { kind: 'EventBridge rule name', name: 'dev-pay-ended-executions', limit: 64, scope: { kind: 'bus', bus: 'default' }, owner: announcer },
      { kind: 'Step Functions state machine name', name: 'dev-pay-ended-executions', limit: 80, scope: region, owner: announcer },
      { kind: 'SQS queue name', name: 'dev-pay-ended-executions-dlq', limit: 80, scope: region, owner: announcer },
      { kind: 'IAM role name', name: 'dev-pay-ended-executions-sfn', limit: 64, scope: account, owner: announcer },
      { kind: 'IAM role name', name: 'dev-pay-ended-executions-events', limit: 64, scope: account, owner: announcer },
      { kind: 'CloudWatch log group name', name: '/aws/vendedlogs/states/dev-pay-ended-executions', limit: 512, scope: region, owner: announcer },
      { kind: 'CloudWatch alarm name', name: 'dev-pay-ended-executions-executions-failed', limit: 255, scope: region, owner: announcer },
      { kind: 'CloudWatch alarm name', name: 'dev-pay-ended-executions-dead-letters', limit: 255, scope: region, owner: announcer },
      { kind: 'IAM role name', name: 'dev-pay-task', limit: 64, scope: account, owner: 'service "pay" (its task role)' },
      { kind: 'ECS task definition family', name: 'dev-pay-charge', limit: 255, scope: region, owner: 'service "pay", task "charge"' },
      { kind: 'CloudWatch log group name', name: '/ecs/dev-pay-charge', limit: 512, scope: region, owner: 'service "pay", task "charge"' },
      { kind: 'ECS task definition family', name: 'dev-pay-refund', limit: 255, scope: region, owner: 'service "pay", task "refund"' },
      { kind: 'CloudWatch log group name', name: '/ecs/dev-pay-refund', limit: 512, scope: region, owner: 'service "pay", task "refund"' },
      { kind: 'ECS cluster name', name: 'dev-services', limit: 255, scope: region, owner: 'environment "dev" (its cluster)' },
      { kind: 'SNS topic name', name: 'dev-alarms', limit: 256, scope: region, owner: 'environment "dev" (its alarm topic)' },
      { kind: 'IAM role name', name: 'dev-ecs-task-execution', limit: 64, scope: account, owner: 'environment "dev" (its task execution role)' },
    ]);
  });

  test('no announcer without a rule that publishes failures, no task role without tasks', () => {
    const names = derivedNames('prod', { services: [{ name: 'quiet', tasks: [], rules: [{ name: 'r', publishesFailure: false }] }] });
    expect(names.map((name) => name.name)).not.toContain('prod-quiet-ended-executions');
    expect(names.map((name) => name.name)).not.toContain('prod-quiet-task');
    expect(names.filter((name) => name.kind === 'IAM role name').map((name) => name.name)).toEqual(['prod-quiet-r-sfn', 'prod-quiet-r-events', 'prod-ecs-task-execution']);
  });

  test('an environment with EC2 capacity names its capacity provider, group, launch template, instance role and profile; one without names none', () => {
    const catalog = { services: [] };
    const owner = 'environment "stg" (its EC2 capacity)';
    const withEc2 = derivedNames('stg', catalog, { ec2Capacity: true });
    expect(withEc2.slice(3)).toEqual([
      { kind: 'ECS capacity provider name', name: 'stg-ec2', limit: 255, scope: region, owner },
      { kind: 'Auto Scaling group name', name: 'stg-ecs-ec2', limit: 255, scope: region, owner },
      { kind: 'EC2 launch template name', name: 'stg-ecs-ec2', limit: 128, scope: region, owner },
      { kind: 'IAM role name', name: 'stg-ecs-instance', limit: 64, scope: account, owner },
      { kind: 'IAM instance profile name', name: 'stg-ecs-instance', limit: 128, scope: account, owner },
    ]);
    expect(derivedNames('stg', catalog, { ec2Capacity: false })).toHaveLength(3);
    expect(derivedNames('stg', catalog)).toHaveLength(3);
  });

  test('owners quote names as JSON, so an odd name stays readable', () => {
    const [bus] = derivedNames('dev', { services: [{ name: 'a"b', tasks: [], rules: [] }] });
    expect(bus!.owner).toBe('service "a\\"b"');
  });
});
