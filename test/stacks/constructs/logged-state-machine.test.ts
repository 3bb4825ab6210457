import { TerraformStack, Testing } from 'cdktf';
import {
  LoggedStateMachine,
  type LoggedStateMachineProps,
  loggingAcceptedFindings,
  STATE_MACHINE_LOGGING_DEFAULTS,
  stateMachineLogging,
} from '../../../stacks/constructs/logged-state-machine';
import { acceptancesOf } from '../../../verify/findings';
import { onlyResource, reference, resourceCounts, synthScope } from '../../support/constructs';

const policy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: 'arn:aws:states:eu-west-1:123456789012:execution:x:*' }],
} as const;
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

  describe('accepted scanner findings, next to the resources they concern', () => {
    /** The checks accepted on the log group and on the state machine, as cdk.tf.json carries them. */
    const accepted = (props: LoggedStateMachineProps) => {
      const stack = new TerraformStack(Testing.app(), 'stack');
      const machine = new LoggedStateMachine(stack, 'machine', props);
      const acceptances = acceptancesOf(stack.toTerraform());
      const checks = (address: string) => (acceptances.get(address) ?? []).map((finding) => finding.checkov ?? finding.trivy);
      const logGroupChecks = checks(`aws_cloudwatch_log_group.${stack.getLogicalId(machine.logGroup)}`);
      const stateMachineChecks = checks(`aws_sfn_state_machine.${stack.getLogicalId(machine.resource)}`);
      return { logGroup: logGroupChecks, stateMachine: stateMachineChecks };
    };

    test('by default: CloudWatch Logs own encryption, the 30-day retention and execution data left out', () => {
      expect(accepted(minimal)).toMatchObject({ logGroup: ['CKV_AWS_158', 'CKV_AWS_338'], stateMachine: ['CKV_AWS_285'] });
      const [encryption, retention] = loggingAcceptedFindings(STATE_MACHINE_LOGGING_DEFAULTS).logGroup;
      expect(encryption).toMatchObject({ checkov: 'CKV_AWS_158', trivy: 'AWS-0017' });
      expect(retention!.reason).toContain('logRetentionDays = 30 days');
    });

    test('follow the logging chosen: a year kept or execution data logged accepts nothing for it', () => {
      expect(accepted({ ...minimal, logging: { retentionDays: 364 } }).logGroup).toEqual(['CKV_AWS_158', 'CKV_AWS_338']);
      expect(accepted({ ...minimal, logging: { retentionDays: 365 } }).logGroup).toEqual(['CKV_AWS_158']);
      expect(accepted({ ...minimal, logging: { includeExecutionData: true } }).stateMachine).toEqual([]);
    });

    test('given ones replace the defaults', () => {
      const given = { logGroup: [{ trivy: 'AWS-0017', reason: 'a key is on its way, see the platform backlog' }], stateMachine: [] };
      expect(accepted({ ...minimal, acceptedFindings: given })).toMatchObject({ logGroup: ['AWS-0017'], stateMachine: [] });
    });
  });
});
