import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { acceptFindings } from './accepted-findings';
import {
  type AccountCi,
  CI_ROLE_NAMES,
  ciRoleManagedPolicies,
  deployEc2CapacityPolicy,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_URL,
  githubTrustPolicy,
  PERMISSIONS_BOUNDARY_NAME,
  type GitHubRepository,
  RELEASE_BRANCH,
  subjects,
  workloadBoundaryPolicy,
} from '../core/ci-roles';
import { ciRolesStackName, ciStateKey } from '../core/naming';
import { ciEnvironment, type DeployedEnvironment } from '../environments/ci-accounts';
import { TERRAFORM_REQUIRED_VERSION } from './backend';

export interface CiRolesStackProps {
  readonly accountId: string;
  readonly repository: GitHubRepository;
  /** The environments of this account that the workflows plan and deploy: each has a stateBackend. */
  readonly environments: readonly DeployedEnvironment[];
}

/**
 * `ci-roles-<account>`: GitHub's OIDC provider and the three roles of one AWS account (core/ci-roles.ts).
 * Applied by an administrator (docs/plan-and-deploy.md, "A new account"), never by the workflows: the
 * deploy role cannot change these roles (its IAM rights stop at `<env>-*`) nor this stack's state.
 * The state lives in the first environment's bucket under `ci/`, outside every environment's prefix.
 */
export class CiRolesStack extends TerraformStack {
  constructor(scope: Construct, props: CiRolesStackProps) {
    const name = ciRolesStackName(props.accountId);
    super(scope, name);
    const first = props.environments[0];
    if (!first) throw new Error(`${name}: an account with no environment deployed by CI needs no CI roles`);
    new S3Backend(this, {
      bucket: first.stateBackend.bucket,
      key: ciStateKey(name),
      region: first.stateBackend.region ?? first.region,
      encrypt: true,
      ...(first.stateBackend.kmsKeyId ? { kmsKeyId: first.stateBackend.kmsKeyId } : {}),
    });
    this.addOverride('terraform.backend.s3.use_lockfile', true);
    // use_lockfile needs Terraform >= 1.10; an older one would run unlocked (stacks/backend.ts).
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
    new AwsProvider(this, 'aws', {
      region: first.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { ManagedBy: 'cdktf', Repository: `${props.repository.owner}/${props.repository.name}`, Purpose: 'ci-roles' } }],
    });

    // AWS validates GitHub's certificate through its trusted CAs, so no thumbprint is pinned.
    const provider = new IamOpenidConnectProvider(this, 'github', { url: GITHUB_OIDC_URL, clientIdList: [GITHUB_OIDC_AUDIENCE] });

    const account: AccountCi = {
      accountId: props.accountId,
      repository: props.repository,
      environments: props.environments.map(ciEnvironment),
    };
    // The boundary every `<env>-*` role must carry (the deploy role can create no role without it).
    // The CI roles themselves carry none: an administrator applies this stack, and what each may do is
    // its own reviewed policy below.
    const boundary = new IamPolicy(this, 'workload_boundary', {
      name: PERMISSIONS_BOUNDARY_NAME,
      description: 'Permissions boundary of every role the environments create: the most any of them may do',
      policy: JSON.stringify(workloadBoundaryPolicy(account)),
    });
    acceptFindings(boundary, [
      {
        trivy: 'AWS-0342',
        reason:
          'a boundary caps, it grants nothing: its iam:PassRole names only <env>-* roles and only for ecs-tasks.amazonaws.com (iam:PassedToService), the most the task-running roles need',
      },
    ]);
    new TerraformOutput(this, 'workload_boundary_arn', { value: boundary.arn });
    // Managed policies, not one inline policy: IAM caps a role's inline policies at 10,240 characters
    // together, which one deployed environment's deploy policy nearly fills (core/ci-roles.ts).
    const policies = new Map(ciRoleManagedPolicies(account).map(({ role, documents }) => [role, documents]));
    const roles = [
      { id: 'plan', name: CI_ROLE_NAMES.plan, subjects: [subjects.pullRequest(props.repository)], what: 'plans pull requests (read-only, state lock)' },
      {
        id: 'release_plan',
        name: CI_ROLE_NAMES.releasePlan,
        subjects: [subjects.branch(props.repository, RELEASE_BRANCH)],
        what: `plans pushes to ${RELEASE_BRANCH} and saves the plans a deploy applies`,
      },
      {
        id: 'deploy',
        name: CI_ROLE_NAMES.deploy,
        subjects: props.environments.map((env) => subjects.environment(props.repository, env.name)),
        what: 'applies reviewed plans in the protected GitHub environments',
      },
    ];
    for (const role of roles) {
      const created = new IamRole(this, `${role.id}_role`, {
        name: role.name,
        description: `GitHub Actions of ${props.repository.owner}/${props.repository.name}: ${role.what}`,
        assumeRolePolicy: JSON.stringify(githubTrustPolicy(props.accountId, role.subjects)),
        maxSessionDuration: 3600,
        dependsOn: [provider],
      });
      policies.get(role.name)!.forEach((document, index) => {
        const part = index + 1;
        // The description names no count of parts: IAM cannot change a description, so a new part would replace every policy.
        const policy = new IamPolicy(this, `${role.id}_policy_${part}`, {
          name: `${role.name}-${part}`,
          description: `What ${role.name} may do, part ${part} (core/ci-roles.ts)`,
          policy: JSON.stringify(document),
        });
        if (document.Statement.some((statement) => [statement.Action].flat().includes('iam:PassRole'))) {
          acceptFindings(policy, [
            {
              trivy: 'AWS-0342',
              reason:
                "the deploy role creates the environments' roles and must hand them to the services that run as them: its iam:PassRole names only <env>-* roles and only for ECS tasks, EventBridge, Step Functions and VPC flow logs (iam:PassedToService)",
            },
          ]);
        }
        new IamRolePolicyAttachment(this, `${role.id}_policy_${part}_attachment`, { role: created.name, policyArn: policy.arn });
      });
      new TerraformOutput(this, `${role.id}_role_arn`, { value: created.arn });
      const ec2Capacity = role.id === 'deploy' ? deployEc2CapacityPolicy(account) : undefined;
      if (ec2Capacity) {
        const policy = new IamPolicy(this, 'deploy_ec2_capacity_policy', {
          name: `${CI_ROLE_NAMES.deploy}-ec2-capacity`,
          description: 'Applies the EC2 capacity of the environments that have it (modules/ecs-cluster ec2_capacity)',
          policy: JSON.stringify(ec2Capacity),
        });
        acceptFindings(policy, [
          {
            trivy: 'AWS-0342',
            reason:
              "iam:PassRole is needed by CreateAutoScalingGroup for the launch template's instance profile; it names only <env>-ecs-instance and only for ec2.amazonaws.com (iam:PassedToService)",
          },
        ]);
        new IamRolePolicyAttachment(this, 'deploy_ec2_capacity', { role: created.name, policyArn: policy.arn });
      }
    }
  }
}
