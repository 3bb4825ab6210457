import { LoggedStateMachine, type LoggedStateMachineProps, STATE_MACHINE_LOGGING_DEFAULTS, stateMachineLogging } from '../../../stacks/constructs/logged-state-machine';
import { onlyResource, reference, resourceCounts, synthScope } from '../../support/constructs';

const policy = { Version: '2012-10-17', Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: 'arn:aws:states:eu-west-1:123456789012:execution:x:*' }] } as const;
const definition = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
const minimal: LoggedStateMachineProps = {
  name: 'dev-orders-ship',
  definition,
  accountId: '123456789012',
  region: 'eu-west-1',
  roleName: 'dev-orders-ship-sfn',
  roleDescription: 'Runs the shipping task',
  policy,
  policyName: 'run-task',
  logGroupName: '/aws/vendedlogs/states/dev-orders-ship',
};

const synth = (props: LoggedStateMachineProps) => {
  let construct: LoggedStateMachine | undefined;
  const json = synthScope((scope) => {
    construct = new LoggedStateMachine(scope, 'machine', props);
  });
  return { json, construct: construct! };
};

describe('LoggedStateMachine', () => {
  const { json, construct } = synth(minimal);
  const role = onlyResource(json, 'aws_iam_role');
  const rolePolicy = onlyResource(json, 'aws_iam_role_policy');
  const logGroup = onlyResource(json, 'aws_cloudwatch_log_group');
  const machine = onlyResource(json, 'aws_sfn_state_machine');

  test('is a role, its policy, a log group and the state machine: nothing else', () => {
    expect(resourceCounts(json)).toEqual({ aws_iam_role: 1, aws_iam_role_policy: 1, aws_cloudwatch_log_group: 1, aws_sfn_state_machine: 1 });
  });

  test('the role trusts Step Functions for state machines of its own account and region only', () => {
    expect(role.body.name).toBe('dev-orders-ship-sfn');
    expect(role.body.description).toBe('Runs the shipping task');
    const trust = JSON.parse(role.body.assume_role_policy);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:states:eu-west-1:123456789012:stateMachine:*' } },
      }),
    ]);
  });

  test('the role holds exactly the given policy, under the given name', () => {
    expect(rolePolicy.body.name).toBe('run-task');
    expect(rolePolicy.body.role).toBe(reference('aws_iam_role', role.address, 'name'));
    expect(JSON.parse(rolePolicy.body.policy)).toEqual(policy);
  });

  test('a Standard state machine with the definition as indented JSON, traced, run by the role', () => {
    expect(machine.body).toMatchObject({ name: 'dev-orders-ship', type: 'STANDARD', tracing_configuration: { enabled: true } });
    expect(machine.body.role_arn).toBe(reference('aws_iam_role', role.address, 'arn'));
    expect(machine.body.definition).toBe(JSON.stringify(definition, null, 2));
  });

  test('is created after its policy: Step Functions validates the role when it creates the machine', () => {
    expect(machine.body.depends_on).toEqual([`aws_iam_role_policy.${rolePolicy.address}`]);
  });

  test('logs to its log group; by default errors only, without execution data, kept 30 days', () => {
    expect(logGroup.body).toMatchObject({ name: '/aws/vendedlogs/states/dev-orders-ship', retention_in_days: 30 });
    expect(machine.body.logging_configuration).toEqual({
      log_destination: `${reference('aws_cloudwatch_log_group', logGroup.address, 'arn')}:*`,
      level: 'ERROR',
      include_execution_data: false,
    });
  });

  test('arn is the literal ARN, for policies; resource.arn the reference, for what must follow it', () => {
    expect(construct.arn).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:dev-orders-ship');
  });

  test('logging given replaces each default', () => {
    const given = synth({ ...minimal, logging: { retentionDays: 7, level: 'ALL', includeExecutionData: true } }).json;
    expect(onlyResource(given, 'aws_cloudwatch_log_group').body.retention_in_days).toBe(7);
    expect(onlyResource(given, 'aws_sfn_state_machine').body.logging_configuration).toMatchObject({ level: 'ALL', include_execution_data: true });
    const partly = synth({ ...minimal, logging: { level: 'FATAL' } }).json;
    expect(onlyResource(partly, 'aws_cloudwatch_log_group').body.retention_in_days).toBe(STATE_MACHINE_LOGGING_DEFAULTS.retentionDays);
    expect(onlyResource(partly, 'aws_sfn_state_machine').body.logging_configuration).toMatchObject({ level: 'FATAL', include_execution_data: false });
  });

  test("an environment's observability becomes the logging", () => {
    expect(stateMachineLogging({ logRetentionDays: 90, stateMachineLogLevel: 'OFF', includeExecutionData: true })).toEqual({
      retentionDays: 90,
      level: 'OFF',
      includeExecutionData: true,
    });
  });
});
