import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { Construct } from 'constructs';
import type { ObservabilityConfig, StateMachineLogLevel } from '../../environments/types';
import { stateMachineAssumeRolePolicy } from '../../core/iam-policies';
import { arns } from '../../core/naming';
import type { PolicyDocument } from '../../core/policy-document';
import type { AcceptedFinding } from '../../core/accepted-findings';
import { acceptFindings } from '../accepted-findings';
import { ResourceGroup } from '../resource-groups';

export interface StateMachineLogging {
  /** Retention of the log group, a CloudWatch Logs value. Default 30 days. */
  readonly retentionDays?: number;
  /** Default `ERROR`: failures only. */
  readonly level?: StateMachineLogLevel;
  /** Log execution data (event details, which may hold personal data). Default false. */
  readonly includeExecutionData?: boolean;
}

export const STATE_MACHINE_LOGGING_DEFAULTS: Required<StateMachineLogging> = { retentionDays: 30, level: 'ERROR', includeExecutionData: false };

/** An environment's logging of its state machines. */
export const stateMachineLogging = (observability: ObservabilityConfig): Required<StateMachineLogging> => ({
  retentionDays: observability.logRetentionDays,
  level: observability.stateMachineLogLevel,
  includeExecutionData: observability.includeExecutionData,
});

/** checkov CKV_AWS_338 passes a log group kept at least this long (or forever). */
const SCANNERS_MINIMUM_RETENTION_DAYS = 365;

/** Scanner findings accepted on the construct's resources, each with its reason (`npm run verify`). */
export interface LoggedStateMachineFindings {
  readonly logGroup: readonly AcceptedFinding[];
  readonly stateMachine: readonly AcceptedFinding[];
}

/**
 * The findings that follow from the logging chosen, accepted with the choice as the reason; where
 * the choice is the scanners' own (execution data logged, a year kept), nothing is accepted.
 */
export function loggingAcceptedFindings(logging: Required<StateMachineLogging>): LoggedStateMachineFindings {
  const logGroup: AcceptedFinding[] = [
    {
      checkov: 'CKV_AWS_158',
      trivy: 'AWS-0017',
      reason:
        'CloudWatch Logs always encrypts log data at rest (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html); ' +
        'a customer key would add key policy and cost, not a reader: access is by IAM on logs',
    },
  ];
  if (logging.retentionDays < SCANNERS_MINIMUM_RETENTION_DAYS) {
    logGroup.push({
      checkov: 'CKV_AWS_338',
      reason: `retention is the environment's choice (logRetentionDays = ${logging.retentionDays} days); execution history and CloudTrail are the audit trail, not these logs`,
    });
  }
  const stateMachine: AcceptedFinding[] = [];
  if (!logging.includeExecutionData) {
    stateMachine.push({
      checkov: 'CKV_AWS_285',
      reason:
        'event payloads (which may hold personal data) are kept out of CloudWatch Logs on purpose (includeExecutionData = false); ' +
        "Step Functions keeps each execution's input and history for 90 days",
    });
  }
  return { logGroup, stateMachine };
}

export interface LoggedStateMachineProps {
  /** The state machine's name. */
  readonly name: string;
  /** The ASL, written to `cdk.tf.json` as indented JSON. */
  readonly definition: object;
  readonly accountId: string;
  readonly region: string;
  /** The role Step Functions assumes to run it (trusted for this account's state machines in the region only). */
  readonly roleName: string;
  readonly roleDescription: string;
  /** The role's one inline policy: what the definition calls. */
  readonly policy: PolicyDocument;
  readonly policyName: string;
  readonly logGroupName: string;
  readonly logging?: StateMachineLogging;
  /** Default: `loggingAcceptedFindings(logging)`, what the logging chosen implies. */
  readonly acceptedFindings?: LoggedStateMachineFindings;
}

/**
 * A Standard state machine with its role, the role's policy, a log group and X-Ray tracing. Its
 * `arn` is the literal ARN, known before it exists, for policies that name it; `resource.arn` is the
 * Terraform reference, for what must be created after it.
 */
export class LoggedStateMachine extends ResourceGroup {
  readonly arn: string;
  readonly resource: SfnStateMachine;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LoggedStateMachineProps) {
    super(scope, id);
    const logging = { ...STATE_MACHINE_LOGGING_DEFAULTS, ...props.logging };
    this.arn = arns.stateMachine(props.region, props.accountId, props.name);
    this.role = new IamRole(this, 'state_machine_role', {
      name: props.roleName,
      description: props.roleDescription,
      assumeRolePolicy: JSON.stringify(stateMachineAssumeRolePolicy(props.accountId, props.region)),
    });
    const rolePolicy = new IamRolePolicy(this, 'state_machine_policy', {
      name: props.policyName,
      role: this.role.name,
      policy: JSON.stringify(props.policy),
    });
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', { name: props.logGroupName, retentionInDays: logging.retentionDays });
    this.resource = new SfnStateMachine(this, 'state_machine', {
      name: props.name,
      type: 'STANDARD',
      roleArn: this.role.arn,
      // A JSON string, not jsonencode(): reviewers read it as it is in cdk.tf.json and in plans.
      definition: JSON.stringify(props.definition, null, 2),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        includeExecutionData: logging.includeExecutionData,
        level: logging.level,
      },
      tracingConfiguration: { enabled: true },
      // Created before its policy exists, the state machine fails validation of its role (a known race).
      dependsOn: [rolePolicy],
    });
    const accepted = props.acceptedFindings ?? loggingAcceptedFindings(logging);
    acceptFindings(this.logGroup, accepted.logGroup);
    acceptFindings(this.resource, accepted.stateMachine);
  }
}
