/**
 * The AWS roles GitHub Actions assumes, as policy documents: who may assume each (the trust policy)
 * and what each may do. One set per AWS account, for the environments of that account that the
 * workflows plan and deploy. stacks/ci-roles-stack.ts wires them; docs/plan-and-deploy.md explains them.
 *
 * Trust, grounded in GitHub's OIDC reference (docs.github.com/en/actions/reference/security/oidc,
 * "Example subject claims"): the token's `sub` is `repo:ORG/REPO:pull_request` for a job of a
 * pull_request run without an environment, `repo:ORG/REPO:ref:refs/heads/BRANCH` for a job without an
 * environment on a push (or dispatch) of that branch, and `repo:ORG/REPO:environment:NAME` for a job
 * that references environment NAME, whatever the event. Repositories created after 2026-07-15 (or
 * opted in) use `repo:OWNER@OWNER-ID/REPO@REPO-ID:…` ("Immutable subject claims"): give the ids and
 * they are used. AWS evaluates only `aud` and `sub` of GitHub's token (GitHub's "OIDC in AWS": custom
 * claims are unavailable in AWS), so every trust policy pins both with `StringEquals`: no wildcard, so
 * no other repository, branch, event or environment matches.
 */
import { autoScalingGroupName, containerInstanceProfileName, containerInstanceRoleName, ec2CapacityProviderName, endedExecutionsName } from './naming';
import { IAM_MANAGED_POLICIES_PER_ROLE, IAM_MANAGED_POLICY_MAX_CHARACTERS } from './aws-limits';
import { packStatements, policyCharacters, policyDocument, type PolicyDocument, type PolicyStatement } from './policy-document';

export interface GitHubRepository {
  /** Organization or user that owns the repository. */
  readonly owner: string;
  readonly name: string;
  /** Numeric ids, for the immutable subject format (`repo:owner@id/name@id:…`). Both or neither. */
  readonly ownerId?: number;
  readonly repositoryId?: number;
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** The audience aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** The only branch whose pushes plan releases. */
export const RELEASE_BRANCH = 'main';

export const CI_ROLE_NAMES = {
  /** Pull requests: read-only plans for the review comment. */
  plan: 'event-driven-ecs-infra-plan',
  /** Pushes to main: the plans a deploy will apply, saved for the deploy role. */
  releasePlan: 'event-driven-ecs-infra-release-plan',
  /** Jobs of a protected GitHub environment: apply the saved plans. */
  deploy: 'event-driven-ecs-infra-deploy',
} as const;

export const roleArn = (accountId: string, name: string): string => `arn:aws:iam::${accountId}:role/${name}`;

/**
 * The permissions boundary of every role the environments' stacks and modules create (`<env>-*`),
 * a managed policy of the `ci-roles-<account>` stack. The deploy role may create, and put policies
 * on, `<env>-*` roles only with this boundary (`iam:PermissionsBoundary`, a condition key of
 * iam:CreateRole, PutRolePolicy, AttachRolePolicy and PutRolePermissionsBoundary in AWS's Service
 * Authorization Reference), and may never remove it: whoever runs an approved deploy can give a role
 * no more than the boundary allows, so a role cannot be made an administrator of the account.
 */
export const PERMISSIONS_BOUNDARY_NAME = 'event-driven-ecs-infra-workload-boundary';
export const permissionsBoundaryArn = (accountId: string): string => `arn:aws:iam::${accountId}:policy/${PERMISSIONS_BOUNDARY_NAME}`;

/**
 * The boundary an environment's roles carry: the account's, when the workflows deploy the environment
 * (it keeps its state in S3, so its account has a `ci-roles-<account>` stack holding the boundary
 * policy); none for an environment only ever deployed by hand with local state, whose account may
 * have no such stack (a boundary naming a policy that does not exist fails CreateRole).
 */
export const environmentPermissionsBoundary = (env: { readonly accountId: string; readonly stateBackend?: unknown }): string | undefined =>
  env.stateBackend === undefined ? undefined : permissionsBoundaryArn(env.accountId);
export const oidcProviderArn = (accountId: string): string => `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;

/** `repo:owner/name`, or `repo:owner@id/name@id` when the ids are given. */
export function subjectPrefix(repository: GitHubRepository): string {
  const { owner, name, ownerId, repositoryId } = repository;
  if ((ownerId === undefined) !== (repositoryId === undefined)) throw new Error(`GitHub repository ${owner}/${name}: give both ownerId and repositoryId, or neither`);
  return ownerId === undefined ? `repo:${owner}/${name}` : `repo:${owner}@${ownerId}/${name}@${repositoryId}`;
}

export const subjects = {
  pullRequest: (repository: GitHubRepository) => `${subjectPrefix(repository)}:pull_request`,
  branch: (repository: GitHubRepository, branch: string) => `${subjectPrefix(repository)}:ref:refs/heads/${branch}`,
  environment: (repository: GitHubRepository, environment: string) => `${subjectPrefix(repository)}:environment:${environment}`,
};

/** Only GitHub's tokens for this audience and exactly these subjects may assume the role. */
export const githubTrustPolicy = (accountId: string, allowedSubjects: readonly string[]): PolicyDocument =>
  policyDocument({
    Sid: 'GitHubActionsOidc',
    Effect: 'Allow',
    Principal: { Federated: oidcProviderArn(accountId) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
        [`${GITHUB_OIDC_HOST}:sub`]: [...allowedSubjects],
      },
    },
  });

/** An environment of the account, as the roles see it. */
export interface CiEnvironment {
  readonly name: string;
  readonly region: string;
  readonly stateBucket: string;
  /** The state key's KMS key or alias ARN (SSE-KMS); absent for SSE-S3. */
  readonly stateKmsKeyId?: string;
  /** Its managed base has an EC2 capacity provider (modules/ecs-cluster `ec2_capacity`). */
  readonly ec2Capacity?: boolean;
}

export interface AccountCi {
  readonly accountId: string;
  readonly repository: GitHubRepository;
  readonly environments: readonly CiEnvironment[];
}

/** What the CI roles' permission documents depend on: the account and its environments (not the repository, which only the trust policies name). */
export type AccountScope = Pick<AccountCi, 'accountId' | 'environments'>;

/**
 * Statements whose `Resource` is `*` although some of their actions accept a resource ARN, each with
 * why. Every other `*` is for actions AWS authorizes only on `*` (the Service Authorization Reference
 * lists no resource type for them); test/stacks/ci-roles.test.ts checks both against AWS's data.
 */
export const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  ManageNetwork:
    "EC2 create calls name several resource types at once (a VPC endpoint names the VPC, subnets, security groups, route tables and an AWS-owned endpoint service), and the ids are not known before they exist; bounded instead to the environments' regions by aws:RequestedRegion",
  LaunchTemplateChecks:
    'CreateAutoScalingGroup with a launch template checks that the caller may ec2:RunInstances (Amazon EC2 Auto Scaling user guide, "Amazon EC2 Auto Scaling API permissions"), over the image, subnets, security groups, volumes and interfaces of instances that do not exist yet; and launch templates are named by id; bounded to the environments\' regions by aws:RequestedRegion',
};

const allow = (Sid: string, Action: readonly string[], Resource: string | readonly string[], Condition?: PolicyStatement['Condition']): PolicyStatement => ({
  Sid,
  Effect: 'Allow',
  Action: [...Action].sort(),
  Resource: typeof Resource === 'string' ? Resource : [...new Set(Resource)].sort(),
  ...(Condition ? { Condition } : {}),
});

// Stryker disable next-line MethodExpression: equivalent while every deny's actions are written sorted (the "every action of every role" test holds each statement's actions sorted, so an unsorted new deny fails there)
const deny = (Sid: string, Action: readonly string[], Resource: string): PolicyStatement => ({ Sid, Effect: 'Deny', Action: [...Action].sort(), Resource });

const regions = (account: AccountScope) => [...new Set(account.environments.map((env) => env.region))].sort();
const each = (account: AccountScope, arn: (env: CiEnvironment) => string | readonly string[]) => account.environments.flatMap((env) => arn(env));
const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
/** The state key's ARN: an alias ARN is what the backend names, but kms: actions are authorized on the key it points to. */
// Stryker disable next-line ArrayDeclaration: equivalent, a stray key for an environment without one is neither a key ARN nor an alias ARN, so both filters below drop it
const kmsKeysOf = (account: AccountScope) => account.environments.flatMap((env) => (env.stateKmsKeyId ? [env.stateKmsKeyId] : []));
const stateKeyStatement = (account: AccountScope, sid: string, actions: readonly string[]): PolicyStatement[] => {
  const keys = kmsKeysOf(account);
  const keyArns = keys.filter((key) => key.includes(':key/'));
  const aliasArns = keys.filter((key) => key.includes(':alias/'));
  // A key named by its alias: allowed on keys whose alias is that one (kms:ResourceAliases).
  return [
    ...(keyArns.length > 0 ? [allow(sid, actions, keyArns)] : []),
    ...(aliasArns.length > 0
      ? [
          allow(
            `${sid}ByAlias`,
            actions,
            account.environments.filter((env) => env.stateKmsKeyId?.includes(':alias/')).map((env) => `arn:aws:kms:${env.region}:${account.accountId}:key/*`),
            {
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': aliasArns.map((arn) => arn.slice(arn.indexOf(':alias/') + 1)) },
            },
          ),
        ]
      : []),
  ];
};

/**
 * What `terraform plan` reads to refresh the resources the stacks manage: read-only actions
 * (Describe, Get, List), scoped to the environments' names where the names are ours, to the account
 * and region otherwise. The `*` statement holds only actions AWS authorizes on `*` alone.
 */
export function readResourcesStatements(account: AccountScope): PolicyStatement[] {
  const a = account.accountId;
  const inRegion = (service: string, resource: string) => regions(account).map((region) => `arn:aws:${service}:${region}:${a}:${resource}`);
  return [
    allow(
      'ReadWildcardOnly',
      [
        'ec2:DescribeAddresses',
        'ec2:DescribeAddressesAttribute',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeFlowLogs',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeNatGateways',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribePrefixLists',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSubnets',
        'ec2:DescribeTags',
        'ec2:DescribeVpcEndpointServices',
        'ec2:DescribeVpcEndpoints',
        'ec2:DescribeVpcs',
        'ecs:DescribeTaskDefinition',
        'kms:ListAliases',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:ListLogDeliveries',
      ],
      '*',
    ),
    allow(
      'ReadEnvironmentRoles',
      ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListRolePolicies'],
      each(account, (env) => `arn:aws:iam::${a}:role/${env.name}-*`),
    ),
    allow(
      'ReadEnvironmentResources',
      [
        'cloudwatch:DescribeAlarms',
        'cloudwatch:ListTagsForResource',
        'ecs:DescribeClusters',
        'ecs:ListTagsForResource',
        'events:DescribeEventBus',
        'events:DescribeRule',
        'events:ListTagsForResource',
        'events:ListTargetsByRule',
        'logs:ListTagsForResource',
        'logs:ListTagsLogGroup',
        'sns:GetSubscriptionAttributes',
        'sns:GetTopicAttributes',
        'sns:ListTagsForResource',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListQueueTags',
        'states:DescribeStateMachine',
        'states:ListTagsForResource',
      ],
      environmentResources(account),
    ),
    ...readEc2CapacityStatements(account),
    allow(
      'ReadAccountResources',
      [
        'ec2:DescribeVpcAttribute',
        'ecr:DescribeImages',
        'ecr:DescribeRepositories',
        'ecr:GetLifecyclePolicy',
        'ecr:GetRepositoryPolicy',
        'ecr:ListTagsForResource',
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
      ],
      // VPC ids are not known before the VPC exists, repository names come from the catalog and keys have no names: bounded to the account and regions.
      [...inRegion('ec2', 'vpc/*'), ...inRegion('ecr', 'repository/*'), ...inRegion('kms', 'key/*')],
    ),
  ];
}

/** ARNs of the resources the environments' stacks name after the environment (core/naming.ts). */
function environmentResources(account: AccountScope): string[] {
  const a = account.accountId;
  return each(account, ({ name, region }) => [
    `arn:aws:cloudwatch:${region}:${a}:alarm:${name}-*`,
    `arn:aws:ecs:${region}:${a}:cluster/${name}-services`,
    `arn:aws:ecs:${region}:${a}:task-definition/${name}-*:*`,
    `arn:aws:events:${region}:${a}:event-bus/${name}-*`,
    `arn:aws:events:${region}:${a}:rule/${name}-*/${name}-*`,
    // The ended-executions announcers' rules are on the default bus, whose rules' ARNs have no bus
    // segment (`rule/<name>`; `rule/<bus>/<name>` on a custom bus: EventBridge user guide, "Managing
    // access permissions to your EventBridge resources").
    `arn:aws:events:${region}:${a}:rule/${endedExecutionsName(name, '*')}`,
    `arn:aws:logs:${region}:${a}:log-group:/aws/vendedlogs/states/${name}-*`,
    `arn:aws:logs:${region}:${a}:log-group:/ecs/${name}-*`,
    `arn:aws:logs:${region}:${a}:log-group:/vpc/${name}/*`,
    `arn:aws:sns:${region}:${a}:${name}-alarms`,
    `arn:aws:sns:${region}:${a}:${name}-alarms:*`,
    `arn:aws:sqs:${region}:${a}:${name}-*`,
    `arn:aws:states:${region}:${a}:stateMachine:${name}-*`,
  ]);
}

/**
 * Terraform's S3 backend with `use_lockfile`: list the bucket, read the state, and (to take the
 * lock, which planning does) write and delete `<key>.tflock`. `write` adds writing the state itself.
 */
function stateStatements(account: AccountScope, write: boolean): PolicyStatement[] {
  const buckets = [...new Set(account.environments.map((env) => env.stateBucket))];
  const keys = (suffix: string) => each(account, (env) => `${bucketArn(env.stateBucket)}/${env.name}/${suffix}`);
  return [
    allow('ListStateBucket', ['s3:ListBucket'], buckets.map(bucketArn), {
      StringLike: { 's3:prefix': account.environments.flatMap((env) => [`${env.name}/*`, `${env.name}/`]) },
    }),
    allow('ReadState', ['s3:GetObject'], keys('*')),
    allow(write ? 'WriteStateAndLock' : 'WriteLock', ['s3:PutObject'], write ? keys('*') : keys('*.tflock')),
    allow('ReleaseLock', ['s3:DeleteObject'], keys('*.tflock')),
    // SSE-KMS state: reading needs Decrypt, writing the lock file (and the state) GenerateDataKey.
    ...stateKeyStatement(account, 'UseStateKey', ['kms:Decrypt', 'kms:GenerateDataKey', ...(write ? ['kms:Encrypt'] : [])]),
  ];
}

const savedPlans = (account: AccountScope) => each(account, (env) => `${bucketArn(env.stateBucket)}/saved-plans/${env.name}/*`);

/** Pull requests: plan, read-only but for the state lock. */
export const planRolePolicy = (account: AccountScope): PolicyDocument => policyDocument(...readResourcesStatements(account), ...stateStatements(account, false));

/** Pushes to main: the same, and writing the saved plans a deploy will apply (nothing else can write there). */
export const releasePlanRolePolicy = (account: AccountScope): PolicyDocument =>
  policyDocument(...readResourcesStatements(account), ...stateStatements(account, false), allow('SaveReviewedPlans', ['s3:PutObject'], savedPlans(account)));

/** Protected environments: read the saved plans, change what the stacks manage, write the state. */
export function deployRolePolicy(account: AccountScope): PolicyDocument {
  const a = account.accountId;
  const inRegion = (service: string, resource: string) => regions(account).map((region) => `arn:aws:${service}:${region}:${a}:${resource}`);
  const environmentRoles = each(account, (env) => `arn:aws:iam::${a}:role/${env.name}-*`);
  const boundary = permissionsBoundaryArn(a);
  return policyDocument(
    ...readResourcesStatements(account),
    ...stateStatements(account, true),
    allow('ReadReviewedPlans', ['s3:GetObject'], savedPlans(account)),
    allow('ListReviewedPlans', ['s3:ListBucket'], [...new Set(account.environments.map((env) => bucketArn(env.stateBucket)))], {
      StringLike: { 's3:prefix': account.environments.map((env) => `saved-plans/${env.name}/*`) },
    }),
    allow(
      'ManageNetwork',
      [
        'ec2:AllocateAddress',
        'ec2:AssociateRouteTable',
        'ec2:AttachInternetGateway',
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:CreateFlowLogs',
        'ec2:CreateInternetGateway',
        'ec2:CreateNatGateway',
        'ec2:CreateRoute',
        'ec2:CreateRouteTable',
        'ec2:CreateSecurityGroup',
        'ec2:CreateSubnet',
        'ec2:CreateTags',
        'ec2:CreateVpc',
        'ec2:CreateVpcEndpoint',
        'ec2:DeleteFlowLogs',
        'ec2:DeleteInternetGateway',
        'ec2:DeleteNatGateway',
        'ec2:DeleteRoute',
        'ec2:DeleteRouteTable',
        'ec2:DeleteSecurityGroup',
        'ec2:DeleteSubnet',
        'ec2:DeleteTags',
        'ec2:DeleteVpc',
        'ec2:DeleteVpcEndpoints',
        'ec2:DetachInternetGateway',
        'ec2:DisassociateAddress',
        'ec2:DisassociateRouteTable',
        'ec2:ModifySecurityGroupRules',
        'ec2:ModifySubnetAttribute',
        'ec2:ModifyVpcAttribute',
        'ec2:ModifyVpcEndpoint',
        'ec2:ReleaseAddress',
        'ec2:ReplaceRoute',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
        'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
      ],
      '*',
      { StringEquals: { 'aws:RequestedRegion': regions(account) } },
    ),
    allow(
      'ChangeWildcardOnly',
      ['ecs:DeregisterTaskDefinition', 'kms:CreateKey', 'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:GetLogDelivery', 'logs:PutResourcePolicy', 'logs:UpdateLogDelivery'],
      '*',
    ),
    allow(
      'ManageEnvironmentResources',
      [
        'cloudwatch:DeleteAlarms',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
        'ecs:CreateCluster',
        'ecs:DeleteCluster',
        'ecs:PutClusterCapacityProviders',
        'ecs:RegisterTaskDefinition',
        'ecs:TagResource',
        'ecs:UntagResource',
        'ecs:UpdateCluster',
        'ecs:UpdateClusterSettings',
        'events:CreateEventBus',
        'events:DeleteEventBus',
        'events:DeleteRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
        'events:UntagResource',
        'events:UpdateEventBus',
        'logs:AssociateKmsKey',
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:DeleteRetentionPolicy',
        'logs:DisassociateKmsKey',
        'logs:PutRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:SetSubscriptionAttributes',
        'sns:SetTopicAttributes',
        'sns:Subscribe',
        'sns:TagResource',
        'sns:Unsubscribe',
        'sns:UntagResource',
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
        'sqs:UntagQueue',
        'states:CreateStateMachine',
        'states:DeleteStateMachine',
        'states:TagResource',
        'states:UntagResource',
        'states:UpdateStateMachine',
      ],
      environmentResources(account),
    ),
    allow(
      'ManageAccountResources',
      [
        'ecr:CreateRepository',
        'ecr:DeleteLifecyclePolicy',
        'ecr:DeleteRepository',
        'ecr:PutImageScanningConfiguration',
        'ecr:PutImageTagMutability',
        'ecr:PutLifecyclePolicy',
        'ecr:TagResource',
        'ecr:UntagResource',
        'kms:CreateAlias',
        'kms:DeleteAlias',
        'kms:EnableKeyRotation',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateAlias',
      ],
      [...inRegion('ecr', 'repository/*'), ...inRegion('kms', 'key/*'), ...each(account, (env) => `arn:aws:kms:${env.region}:${a}:alias/${env.name}-*`)],
    ),
    allow(
      'ManageEnvironmentRoles',
      ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole'],
      environmentRoles,
    ),
    // Creating a role, giving it permissions or a boundary: only with the workload boundary in place.
    allow('CreateBoundedEnvironmentRoles', ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'], environmentRoles, {
      StringEquals: { 'iam:PermissionsBoundary': boundary },
    }),
    // The one managed policy the stacks attach (modules/task-definitions), and no other; bounded too.
    allow('AttachTaskExecutionPolicy', ['iam:AttachRolePolicy'], environmentRoles, {
      ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' },
      StringEquals: { 'iam:PermissionsBoundary': boundary },
    }),
    // Explicit denies, whatever else is ever allowed: no role loses its boundary, and the boundary
    // policy itself cannot be changed or deleted.
    deny('KeepPermissionsBoundaries', ['iam:DeleteRolePermissionsBoundary'], `arn:aws:iam::${a}:role/*`),
    deny('KeepTheBoundaryPolicy', ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], boundary),
    // Roles are handed only to the services that run as them.
    allow('PassEnvironmentRoles', ['iam:PassRole'], environmentRoles, {
      StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'events.amazonaws.com', 'states.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] },
    }),
    serviceLinkedRoleStatement('CreateEcsServiceLinkedRole', a, ECS_SERVICE_LINKED_ROLE),
  );
}

/** A service-linked role: the service that uses it, and its path and name (one per account, created once). */
export interface ServiceLinkedRole {
  readonly service: string;
  readonly name: string;
}

/**
 * ECS's service-linked role, which it uses to attach task ENIs (awsvpc) and manage capacity. CreateCluster
 * creates it only when the caller may (ECS API reference, CreateCluster: "if the user that makes the
 * call doesn't have permissions to create the service-linked role, it isn't created"): without this
 * grant the first deploy to a fresh account succeeds, and then every RunTask fails for want of it.
 */
export const ECS_SERVICE_LINKED_ROLE: ServiceLinkedRole = { service: 'ecs.amazonaws.com', name: 'AWSServiceRoleForECS' };
/** EC2 Auto Scaling's, which CreateAutoScalingGroup needs and creates when the caller may, or fails. */
export const AUTO_SCALING_SERVICE_LINKED_ROLE: ServiceLinkedRole = { service: 'autoscaling.amazonaws.com', name: 'AWSServiceRoleForAutoScaling' };

/** May create exactly this service-linked role, for exactly its service (`iam:AWSServiceName`). */
const serviceLinkedRoleStatement = (sid: string, accountId: string, role: ServiceLinkedRole): PolicyStatement =>
  allow(sid, ['iam:CreateServiceLinkedRole'], `arn:aws:iam::${accountId}:role/aws-service-role/${role.service}/${role.name}`, {
    StringEquals: { 'iam:AWSServiceName': role.service },
  });

/**
 * Actions a workload role may ever be granted, AWS authorizing them only on `*` (no resource type in
 * the Service Authorization Reference; test/stacks/ci-roles.test.ts checks): image-pull tokens,
 * Step Functions' vended log delivery, X-Ray.
 */
const WORKLOAD_WILDCARD_ONLY_ACTIONS = [
  'ecr:GetAuthorizationToken',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/**
 * What the roles of the stacks and modules do: run and watch ECS tasks (ecs:runTask.sync also
 * manages the rule `StepFunctionsGetEventsForECSTaskRule`), publish events, start executions, pull
 * images and write logs (the task execution role's managed policy, the flow logs role).
 */
const WORKLOAD_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecs:DescribeTasks',
  'ecs:RunTask',
  'ecs:StopTask',
  'ecs:TagResource',
  'events:DescribeRule',
  'events:PutEvents',
  'events:PutRule',
  'events:PutTargets',
  'logs:CreateLogStream',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'states:DescribeExecution',
  'states:StartExecution',
];

/**
 * The permissions boundary policy (`PERMISSIONS_BOUNDARY_NAME`): the most any `<env>-*` role may do,
 * whatever its own policies say. It grants nothing by itself. Resources are bounded to the account
 * and the environments' regions rather than to `<env>-*` names: ECS task ARNs, ECR repositories (named
 * by the catalog) and Step Functions' managed rule carry no environment name, and each role's own
 * policy is scoped to its resources already. No IAM action but passing the environments' roles to ECS
 * tasks, so no bounded role can create, change or pass a role to anything else.
 */
export function workloadBoundaryPolicy(account: AccountScope): PolicyDocument {
  const a = account.accountId;
  const inRegions = (service: string) => regions(account).map((region) => `arn:aws:${service}:${region}:${a}:*`);
  return policyDocument(
    allow('WorkloadWildcardOnly', WORKLOAD_WILDCARD_ONLY_ACTIONS, '*'),
    allow('WorkloadInAccount', WORKLOAD_ACTIONS, ['ecr', 'ecs', 'events', 'logs', 'states'].flatMap(inRegions)),
    allow(
      'PassEnvironmentRolesToTasks',
      ['iam:PassRole'],
      each(account, (env) => `arn:aws:iam::${a}:role/${env.name}-*`),
      {
        StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      },
    ),
    // EC2 capacity: what AmazonEC2ContainerServiceforEC2Role lets the ECS agent do on its instance
    // (register, poll, report state), or the bounded instance role could not join the cluster.
    ...(withEc2(account).length === 0
      ? []
      : [
          allow('ContainerInstanceWildcardOnly', ['ec2:DescribeTags', 'ecs:DiscoverPollEndpoint'], '*'),
          allow(
            'ContainerInstanceInAccount',
            [
              'ecs:CreateCluster',
              'ecs:DeregisterContainerInstance',
              'ecs:Poll',
              'ecs:RegisterContainerInstance',
              'ecs:StartTelemetrySession',
              'ecs:SubmitAttachmentStateChanges',
              'ecs:SubmitContainerStateChange',
              'ecs:SubmitTaskStateChange',
              'ecs:UpdateContainerInstancesState',
            ],
            inRegions('ecs'),
          ),
        ]),
  );
}

/**
 * The deploy role's EC2-capacity permissions, as a managed policy of their own: inline, they would
 * take the role's inline policies past IAM's 10,240 characters. Undefined without EC2 capacity in
 * the account (nothing is attached then).
 */
export function deployEc2CapacityPolicy(account: AccountScope): PolicyDocument | undefined {
  const statements = manageEc2CapacityStatements(account);
  return statements.length === 0 ? undefined : policyDocument(...statements);
}

/** The environments of the account with EC2 capacity. */
const withEc2 = (account: AccountScope): readonly CiEnvironment[] => account.environments.filter((env) => env.ec2Capacity === true);

/**
 * Reading an environment's EC2 capacity (modules/ecs-cluster): the Auto Scaling group and launch
 * template (Describe calls AWS authorizes on `*` alone), the capacity provider and instance profile
 * by their names (core/naming.ts), and the public ECS-optimized AMI parameter, which has no account
 * in its ARN. None without EC2 capacity in the account.
 */
function readEc2CapacityStatements(account: AccountScope): PolicyStatement[] {
  const envs = withEc2(account);
  if (envs.length === 0) return [];
  const a = account.accountId;
  return [
    allow(
      'ReadEc2CapacityWildcardOnly',
      [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeLifecycleHooks',
        'autoscaling:DescribeLoadBalancerTargetGroups',
        'autoscaling:DescribeLoadBalancers',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTrafficSources',
        'autoscaling:DescribeWarmPool',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:DescribeLaunchTemplates',
      ],
      '*',
    ),
    allow(
      'ReadEc2Capacity',
      ['ecs:DescribeCapacityProviders', 'iam:GetInstanceProfile', 'ssm:GetParameter', 'ssm:GetParameters'],
      envs.flatMap((env) => [
        `arn:aws:ecs:${env.region}:${a}:capacity-provider/${ec2CapacityProviderName(env.name)}`,
        `arn:aws:iam::${a}:instance-profile/${containerInstanceProfileName(env.name)}`,
        `arn:aws:ssm:${env.region}::parameter/aws/service/ecs/optimized-ami/*`,
      ]),
    ),
  ];
}

/**
 * Changing an environment's EC2 capacity: its capacity provider, Auto Scaling group, launch
 * templates and instance profile, each by its name where AWS authorizes by name; the instances'
 * role handed to EC2 only, and AWS's managed container-instance policy attached to it and to no other
 * role. None without EC2 capacity in the account.
 */
function manageEc2CapacityStatements(account: AccountScope): PolicyStatement[] {
  const envs = withEc2(account);
  if (envs.length === 0) return [];
  const a = account.accountId;
  const instanceRoles = envs.map((env) => `arn:aws:iam::${a}:role/${containerInstanceRoleName(env.name)}`);
  return [
    allow(
      'ManageEc2Capacity',
      [
        'autoscaling:CreateAutoScalingGroup',
        'autoscaling:CreateOrUpdateTags',
        'autoscaling:DeleteAutoScalingGroup',
        'autoscaling:DeleteTags',
        'autoscaling:SetInstanceProtection',
        'autoscaling:UpdateAutoScalingGroup',
        'ecs:CreateCapacityProvider',
        'ecs:DeleteCapacityProvider',
        'ecs:UpdateCapacityProvider',
        'iam:AddRoleToInstanceProfile',
        'iam:CreateInstanceProfile',
        'iam:DeleteInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:TagInstanceProfile',
        'iam:UntagInstanceProfile',
      ],
      envs.flatMap((env) => [
        `arn:aws:autoscaling:${env.region}:${a}:autoScalingGroup:*:autoScalingGroupName/${autoScalingGroupName(env.name)}`,
        `arn:aws:ecs:${env.region}:${a}:capacity-provider/${ec2CapacityProviderName(env.name)}`,
        `arn:aws:iam::${a}:instance-profile/${containerInstanceProfileName(env.name)}`,
      ]),
    ),
    // Launch templates are named by id in their ARNs, which do not exist before the template does.
    allow('LaunchTemplateChecks', ['ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:DeleteLaunchTemplate', 'ec2:ModifyLaunchTemplate', 'ec2:RunInstances'], '*', {
      StringEquals: { 'aws:RequestedRegion': [...new Set(envs.map((env) => env.region))].sort() },
    }),
    allow('AttachContainerInstancePolicy', ['iam:AttachRolePolicy'], instanceRoles, {
      ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' },
    }),
    // The Auto Scaling group hands the instance profile's role to the instances it launches.
    allow('PassContainerInstanceRole', ['iam:PassRole'], instanceRoles, { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }),
    serviceLinkedRoleStatement('CreateAutoScalingServiceLinkedRole', a, AUTO_SCALING_SERVICE_LINKED_ROLE),
  ];
}

/** A CI role's permissions as the managed policies attached to it (stacks/ci-roles-stack.ts). */
export interface CiRolePolicies {
  readonly role: string;
  /** Its policy packed into documents of at most IAM_MANAGED_POLICY_MAX_CHARACTERS each, in order. */
  readonly documents: readonly PolicyDocument[];
  /** Managed policies attached besides those (the deploy role's EC2-capacity policy). */
  readonly alsoAttached: number;
}

/**
 * Each CI role's policy as managed policies. Every environment of an account adds its own resources
 * to these policies (about 2,000 characters per environment for the deploy role); one inline policy
 * per role, capped at IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS, held a single environment (the
 * staging account's deploy policy was 10,187 characters of 10,240) and failed with LimitExceeded
 * once a second environment shared the account. Packed into managed policies, a role holds up to
 * IAM_MANAGED_POLICIES_PER_ROLE × IAM_MANAGED_POLICY_MAX_CHARACTERS.
 */
export function ciRoleManagedPolicies(account: AccountScope): CiRolePolicies[] {
  const pack = (document: PolicyDocument) => packStatements(document, IAM_MANAGED_POLICY_MAX_CHARACTERS);
  return [
    { role: CI_ROLE_NAMES.plan, documents: pack(planRolePolicy(account)), alsoAttached: 0 },
    { role: CI_ROLE_NAMES.releasePlan, documents: pack(releasePlanRolePolicy(account)), alsoAttached: 0 },
    { role: CI_ROLE_NAMES.deploy, documents: pack(deployRolePolicy(account)), alsoAttached: deployEc2CapacityPolicy(account) ? 1 : 0 },
  ];
}

/**
 * What IAM would refuse of one account's CI policies, each as a clause ("the CI role … would need …"):
 * a role with more managed policies than IAM attaches, a statement too large for any policy, and the
 * permissions boundary or the EC2-capacity policy over the size of one managed policy. Empty when
 * everything fits.
 */
export function ciPolicyQuotaProblems(account: AccountScope): string[] {
  const max = IAM_MANAGED_POLICY_MAX_CHARACTERS.toLocaleString('en-US');
  const single = [
    { what: 'the permissions boundary', document: workloadBoundaryPolicy(account) },
    { what: "the deploy role's EC2-capacity policy", document: deployEc2CapacityPolicy(account) },
  ];
  const tooLarge = single.flatMap(({ what, document }) => {
    const characters = document ? policyCharacters(document) : 0;
    return characters > IAM_MANAGED_POLICY_MAX_CHARACTERS ? [`${what} would need ${characters.toLocaleString('en-US')} characters, over IAM's ${max} per managed policy`] : [];
  });
  return [...tooManyPolicies(account, max), ...tooLarge];
}

/** The roles that would need more managed policies than IAM attaches, or the statement no policy can hold. */
function tooManyPolicies(account: AccountScope, max: string): string[] {
  let roles: CiRolePolicies[];
  try {
    roles = ciRoleManagedPolicies(account);
  } catch (error) {
    return [`a CI role's ${(error as Error).message}`];
  }
  return roles
    .filter(({ documents, alsoAttached }) => documents.length + alsoAttached > IAM_MANAGED_POLICIES_PER_ROLE)
    .map(
      ({ role, documents, alsoAttached }) =>
        `the CI role ${role} would need ${documents.length + alsoAttached} managed policies of at most ${max} characters, over IAM's ${IAM_MANAGED_POLICIES_PER_ROLE} per role`,
    );
}
