import {
  deadLetterQueuePolicy,
  ECS_SYNC_MANAGED_RULE,
  endedExecutionsPolicy,
  eventsAssumeRolePolicy,
  eventsStartExecutionPolicy,
  publishGrants,
  imagePushPolicy,
  stateMachineAssumeRolePolicy,
  stateMachinePolicy,
  taskPublishEventsPolicy,
  taskReadExecutionPolicy,
  WILDCARD_RESOURCE_ALLOWED,
  wildcardResourceStatements,
  type StateMachinePolicyInput,
} from '../../core/iam-policies';
import type { PolicyDocument, PolicyStatement } from '../../core/policy-document';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const CLUSTER = '${data.terraform_remote_state.base.outputs.cluster_arn}';
const TASK_ROLE = 'arn:aws:iam::123456789012:role/dev-payment-charge-task';
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/dev-payment-charge-execution';
const PAYMENT_BUS = 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-payment';
const RULE = 'arn:aws:events:eu-west-1:123456789012:rule/dev-booking/dev-booking-charge-payment';
const PAYMENT_OUTCOMES = { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailTypes: ['PaymentFailed', 'PaymentSucceeded'] };

function policyInput(overrides: Partial<StateMachinePolicyInput> = {}): StateMachinePolicyInput {
  return {
    region: REGION,
    accountId: ACCOUNT,
    clusterArn: CLUSTER,
    taskFamily: 'dev-payment-charge',
    taskRoleArn: TASK_ROLE,
    executionRoleArn: EXECUTION_ROLE,
    publishes: [PAYMENT_OUTCOMES],
    ...overrides,
  };
}

function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const found = doc.Statement.find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(doc)}`);
  return found;
}

const allDocuments = (): [string, PolicyDocument][] => [
  ['eventsAssumeRolePolicy', eventsAssumeRolePolicy(ACCOUNT, RULE)],
  ['eventsStartExecutionPolicy', eventsStartExecutionPolicy('arn:aws:states:eu-west-1:123456789012:stateMachine:dev-booking-x')],
  ['stateMachineAssumeRolePolicy', stateMachineAssumeRolePolicy(ACCOUNT, REGION)],
  ['stateMachinePolicy', stateMachinePolicy(policyInput())],
  ['stateMachinePolicy without publishing', stateMachinePolicy(policyInput({ publishes: [] }))],
  ['taskPublishEventsPolicy', taskPublishEventsPolicy(PAYMENT_BUS, 'booking-saga.payment')],
  ['endedExecutionsPolicy', endedExecutionsPolicy({ executionArns: ['arn:aws:states:eu-west-1:123456789012:execution:dev-booking-x:*'], publishes: [PAYMENT_OUTCOMES] })],
  ['taskReadExecutionPolicy', taskReadExecutionPolicy('arn:aws:states:eu-west-1:123456789012:execution:dev-booking-x:*')],
  ['deadLetterQueuePolicy', deadLetterQueuePolicy('arn:aws:sqs:eu-west-1:123456789012:dev-booking-x-dlq', 'arn:aws:events:eu-west-1:123456789012:rule/dev-booking/dev-booking-x')],
  ['imagePushPolicy', imagePushPolicy(REGION, ACCOUNT, ['booking-saga/payment'])],
];

describe.each(allDocuments())('%s', (_name, doc) => {
  test('is a 2012-10-17 document whose statements have unique Sids and allow only', () => {
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement.length).toBeGreaterThan(0);
    const sids = doc.Statement.map((item) => item.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const item of doc.Statement) {
      expect(item.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(item.Effect).toBe('Allow');
    }
  });

  test('has no "*" resource except where AWS requires it', () => {
    for (const item of wildcardResourceStatements(doc)) {
      expect(Object.keys(WILDCARD_RESOURCE_ALLOWED)).toContain(item.Sid);
    }
    // No action wildcards either.
    for (const item of doc.Statement) {
      for (const action of ([] as string[]).concat(item.Action)) expect(action).not.toContain('*');
    }
  });
});

test('wildcardResourceStatements finds "*" alone or in a list, not in a longer ARN', () => {
  const doc: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'A', Effect: 'Allow', Action: 'x:Y', Resource: '*' },
      { Sid: 'B', Effect: 'Allow', Action: 'x:Y', Resource: ['arn:aws:x:::a', '*'] },
      { Sid: 'C', Effect: 'Allow', Action: 'x:Y', Resource: 'arn:aws:ecs:eu-west-1:1:task/*' },
      // A trust policy's statement names a principal and no resource.
      { Sid: 'D', Effect: 'Allow', Principal: { Service: 'x' }, Action: 'sts:AssumeRole' },
    ],
  };
  expect(wildcardResourceStatements(doc).map((item) => item.Sid)).toEqual(['A', 'B']);
});

describe('publishGrants', () => {
  const failed = { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailType: 'PaymentFailed' };
  test('one grant per bus and source, each detail-type once, in the order first published; no event, no grant', () => {
    const seatBus = 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-seat';
    expect(
      publishGrants([
        failed,
        undefined,
        { ...failed, detailType: 'PaymentSucceeded' },
        failed,
        { eventBusArn: seatBus, source: 'booking-saga.seat', detailType: 'SeatFailed' },
        { ...failed, source: 'other' },
      ]),
    ).toEqual([
      { eventBusArn: PAYMENT_BUS, source: 'booking-saga.payment', detailTypes: ['PaymentFailed', 'PaymentSucceeded'] },
      { eventBusArn: seatBus, source: 'booking-saga.seat', detailTypes: ['SeatFailed'] },
      { eventBusArn: PAYMENT_BUS, source: 'other', detailTypes: ['PaymentFailed'] },
    ]);
    expect(publishGrants([undefined, undefined])).toEqual([]);
  });
});

test("the images workflow: a registry login, and push and read on exactly the catalog's repositories, each once, in order", () => {
  expect(imagePushPolicy(REGION, ACCOUNT, ['saga/seat', 'saga/payment', 'saga/seat'])).toEqual({
    Version: '2012-10-17',
    Statement: [
      // GetAuthorizationToken has no resource type: AWS requires "*".
      { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'PushTaskImages',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
        Resource: ['arn:aws:ecr:eu-west-1:123456789012:repository/saga/payment', 'arn:aws:ecr:eu-west-1:123456789012:repository/saga/seat'],
      },
    ],
  });
  expect(WILDCARD_RESOURCE_ALLOWED).toHaveProperty('EcrAuthorizationToken');
});

test('several publish grants: one statement each, numbered from the second', () => {
  const SEAT = { eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-seat', source: 'booking-saga.seat', detailTypes: ['SeatFailed'] };
  const NOTE = { eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/dev-note', source: 'booking-saga.note', detailTypes: ['NoteFailed'] };
  const machine = stateMachinePolicy(policyInput({ publishes: [PAYMENT_OUTCOMES, SEAT, NOTE] }));
  expect(machine.Statement.map((item) => item.Sid).filter((sid) => sid.startsWith('Publish'))).toEqual(['PublishOutcomeEvents', 'PublishOutcomeEvents2', 'PublishOutcomeEvents3']);
  expect(statement(machine, 'PublishOutcomeEvents3').Resource).toBe(NOTE.eventBusArn);
  const announcer = endedExecutionsPolicy({ executionArns: ['arn:aws:states:eu-west-1:123456789012:execution:dev-booking-a:*'], publishes: [SEAT, NOTE] });
  expect(announcer.Statement.map((item) => item.Sid).filter((sid) => sid.startsWith('Publish'))).toEqual(['PublishFailureEvents', 'PublishFailureEvents2']);
  expect(statement(announcer, 'PublishFailureEvents2').Resource).toBe(NOTE.eventBusArn);
});

describe('EventBridge role', () => {
  test('trusted by events.amazonaws.com for this account, and for its own rule only', () => {
    expect(eventsAssumeRolePolicy(ACCOUNT, RULE).Statement).toEqual([
      {
        Sid: 'EventBridgeAssumesRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnEquals: { 'aws:SourceArn': RULE } },
      },
    ]);
  });

  test('may start exactly one state machine', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:dev-booking-payment-requested';
    expect(eventsStartExecutionPolicy(arn).Statement).toEqual([{ Sid: 'StartRuleStateMachine', Effect: 'Allow', Action: 'states:StartExecution', Resource: arn }]);
  });
});

describe('state machine role', () => {
  test('trusted by states.amazonaws.com for the account and its state machines in the region', () => {
    expect(stateMachineAssumeRolePolicy(ACCOUNT, REGION).Statement).toEqual([
      {
        Sid: 'StepFunctionsAssumesRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': 'arn:aws:states:eu-west-1:123456789012:stateMachine:*' },
        },
      },
    ]);
  });

  const doc = stateMachinePolicy(policyInput());

  test('RunTask on every revision of one family, in one cluster', () => {
    expect(statement(doc, 'RunTaskFamilyInCluster')).toEqual({
      Sid: 'RunTaskFamilyInCluster',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/dev-payment-charge:*',
      Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
    });
  });

  test('tagging only as part of RunTask (PropagateTags)', () => {
    expect(statement(doc, 'TagTasksOnRunTask')).toMatchObject({
      Action: 'ecs:TagResource',
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:task/*',
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    });
  });

  test('DescribeTasks and StopTask on tasks of the cluster', () => {
    expect(statement(doc, 'WatchAndStopTasksInCluster')).toMatchObject({
      Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
      Resource: 'arn:aws:ecs:eu-west-1:123456789012:task/*',
      Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
    });
  });

  test('the .sync managed rule, and only it', () => {
    expect(ECS_SYNC_MANAGED_RULE).toBe('StepFunctionsGetEventsForECSTaskRule');
    expect(statement(doc, 'ManageEcsSyncRule')).toMatchObject({
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: 'arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule',
    });
  });

  test('PassRole on exactly the task and execution roles, to ECS tasks only', () => {
    expect(statement(doc, 'PassTaskRoles')).toMatchObject({
      Action: 'iam:PassRole',
      Resource: [TASK_ROLE, EXECUTION_ROLE],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    const sameRole = stateMachinePolicy(policyInput({ executionRoleArn: TASK_ROLE }));
    expect(statement(sameRole, 'PassTaskRoles').Resource).toEqual([TASK_ROLE]);
  });

  test('PutEvents on the publish bus, as its source, with its detail-types only; no statement when nothing is published', () => {
    expect(statement(doc, 'PublishOutcomeEvents')).toEqual({
      Sid: 'PublishOutcomeEvents',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: PAYMENT_BUS,
      // Every entry of the call must match (ForAllValues), and the keys must be there at all (Null).
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': 'booking-saga.payment', 'events:detail-type': ['PaymentFailed', 'PaymentSucceeded'] },
        Null: { 'events:source': 'false', 'events:detail-type': 'false' },
      },
    });
    const twice = stateMachinePolicy(policyInput({ publishes: [{ ...PAYMENT_OUTCOMES, detailTypes: ['PaymentFailed', 'PaymentFailed'] }] }));
    expect(statement(twice, 'PublishOutcomeEvents').Condition!['ForAllValues:StringEquals']!['events:detail-type']).toEqual(['PaymentFailed']);
    const silent = stateMachinePolicy(policyInput({ publishes: [] }));
    expect(silent.Statement.map((item) => item.Sid)).not.toContain('PublishOutcomeEvents');
    expect(JSON.stringify(silent)).not.toContain('events:PutEvents');
  });

  test('log delivery and X-Ray are the only "*" statements, with exactly the documented actions', () => {
    expect(
      wildcardResourceStatements(doc)
        .map((item) => item.Sid)
        .sort(),
    ).toEqual(['DeliverExecutionLogs', 'SendXRayTraces']);
    expect(statement(doc, 'DeliverExecutionLogs').Action).toEqual([
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);
    expect(statement(doc, 'SendXRayTraces').Action).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets']);
    for (const sid of Object.keys(WILDCARD_RESOURCE_ALLOWED)) expect(WILDCARD_RESOURCE_ALLOWED[sid]).toMatch(/AWS requires "\*"/);
  });

  test('grants nothing else', () => {
    expect(doc.Statement.map((item) => item.Sid)).toEqual([
      'RunTaskFamilyInCluster',
      'TagTasksOnRunTask',
      'WatchAndStopTasksInCluster',
      'ManageEcsSyncRule',
      'PassTaskRoles',
      'PublishOutcomeEvents',
      'DeliverExecutionLogs',
      'SendXRayTraces',
    ]);
  });
});

test('the task reads the input of its own state machine executions only', () => {
  const executions = 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-payment-requested:*';
  expect(taskReadExecutionPolicy(executions).Statement).toEqual([{ Sid: 'ReadOwnExecutionInput', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: executions }]);
});

test('the dead-letter queue accepts messages from its rule only', () => {
  const queue = 'arn:aws:sqs:eu-west-1:123456789012:dev-booking-payment-requested-dlq';
  const rule = 'arn:aws:events:eu-west-1:123456789012:rule/dev-booking/dev-booking-payment-requested';
  expect(deadLetterQueuePolicy(queue, rule).Statement).toEqual([
    {
      Sid: 'RuleSendsDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queue,
      Condition: { ArnEquals: { 'aws:SourceArn': rule } },
    },
  ]);
});

test('a task role publishes on its own bus, as its own service, whatever the detail-type', () => {
  expect(taskPublishEventsPolicy(PAYMENT_BUS, 'booking-saga.payment').Statement).toEqual([
    {
      Sid: 'PublishToOwnBus',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: PAYMENT_BUS,
      Condition: { 'ForAllValues:StringEquals': { 'events:source': 'booking-saga.payment' }, Null: { 'events:source': 'false' } },
    },
  ]);
});

test("the ended-executions announcer reads its rules' executions and publishes their failure events only", () => {
  const executions = ['arn:aws:states:eu-west-1:123456789012:execution:dev-booking-a:*', 'arn:aws:states:eu-west-1:123456789012:execution:dev-booking-b:*'];
  const doc = endedExecutionsPolicy({ executionArns: executions, publishes: [{ ...PAYMENT_OUTCOMES, detailTypes: ['PaymentFailed'] }] });
  expect(statement(doc, 'ReadEndedExecutions')).toEqual({ Sid: 'ReadEndedExecutions', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: executions });
  expect(statement(doc, 'PublishFailureEvents').Condition).toEqual({
    'ForAllValues:StringEquals': { 'events:source': 'booking-saga.payment', 'events:detail-type': ['PaymentFailed'] },
    Null: { 'events:source': 'false', 'events:detail-type': 'false' },
  });
  expect(doc.Statement.map((item) => item.Sid)).toEqual(['ReadEndedExecutions', 'PublishFailureEvents', 'DeliverExecutionLogs', 'SendXRayTraces']);
});
