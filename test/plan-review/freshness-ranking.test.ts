/**
 * Fresh and ranked comments: the summary names its commit and workflow run, a comment of an older
 * commit is marked outdated by the plan-comment workflow, findings come riskiest first (internet-open
 * security groups, IAM `*`, public access, KMS policies), and diffs come from a real diff library.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { commitOfSummary, lineDiff, parsePlan, provenanceFromEnv, renderSummary, unifiedDiff } from '../../plan-review';
import { fixturePlan } from './helpers';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = join(__dirname, '..', '..');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const NEWER = 'fedcba9876543210fedcba9876543210fedcba98';
const GITHUB = { GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' };

describe('the summary names its commit and workflow run', () => {
  it("from GitHub's variables", () => {
    expect(provenanceFromEnv(GITHUB)).toEqual({
      sha: SHA,
      commitUrl: `https://github.com/acme/infra/commit/${SHA}`,
      runUrl: 'https://github.com/acme/infra/actions/runs/4242',
      runId: '4242',
    });
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ATTEMPT: '2' })?.runUrl).toBe('https://github.com/acme/infra/actions/runs/4242/attempts/2');
    expect(provenanceFromEnv({ GITHUB_SHA: SHA })).toEqual({ sha: SHA });
    expect(provenanceFromEnv({})).toBeUndefined();
  });

  it("ignores values that are not GitHub's rather than printing them", () => {
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SHA: 'main' })).toBeUndefined();
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_SERVER_URL: 'javascript:alert(1)//' })).toEqual({ sha: SHA, runId: '4242' });
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_REPOSITORY: 'acme/infra) [x](https://evil' })).toEqual({ sha: SHA, runId: '4242' });
    expect(provenanceFromEnv({ ...GITHUB, GITHUB_RUN_ID: '42 -->' })).toEqual({ sha: SHA, commitUrl: `https://github.com/acme/infra/commit/${SHA}` });
  });

  it('plan:summary prints the commit line and the hidden commit marker', () => {
    const result = spawnSync(
      process.execPath,
      [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan-summary.ts'), join(ROOT, 'test/fixtures/plans/terraform/create.json'), '--title', 'dev', '--marker', 'plan-review:dev'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: ROOT, ...GITHUB },
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      '<!-- plan-review:dev -->',
      `<!-- plan-review-commit: ${SHA} -->`,
      '## Terraform plan: dev',
      '',
      `Planned commit [\`0123456\`](https://github.com/acme/infra/commit/${SHA}) · [workflow run 4242](https://github.com/acme/infra/actions/runs/4242)`,
    ]);
    expect(commitOfSummary(result.stdout)).toBe(SHA);
  });

  it('refuses a marker that could end its HTML comment', () => {
    const result = spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan-summary.ts'), 'x.json', '--marker', 'a --> <img src=x>'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--marker: letters, digits and : . _ / - only, without "--"');
  });
});

interface Comment {
  id: number;
  user: { type: string };
  body: string;
}

/** Runs a github-script step of plan-comment.yml (which follows each plan run) against an in-memory pull request. */
const runScript = async (step: string, options: { comments: Comment[]; sha: string; headSha?: string; prHead?: string; files?: Record<string, string> }) => {
  const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'plan-comment.yml'), 'utf8')) as {
    jobs: Record<string, { steps: { name?: string; with?: { script?: string }; env?: Record<string, string> }[] }>;
  };
  const found = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .find((s) => s.name === step);
  if (!found?.with?.script) throw new Error(`no github-script step named "${step}"`);
  const updated: { comment_id: number; body: string }[] = [];
  const created: string[] = [];
  const notices: string[] = [];
  const github = {
    paginate: async (_fn: unknown) => options.comments,
    rest: {
      issues: {
        listComments: {},
        updateComment: async (args: { comment_id: number; body: string }) => void updated.push({ comment_id: args.comment_id, body: args.body }),
        createComment: async (args: { body: string }) => void created.push(args.body),
      },
      pulls: { get: async () => ({ data: { head: { sha: options.prHead ?? options.headSha ?? 'head' } } }) },
    },
  };
  // workflow_run: the planned commit is the run's head_sha, the pull request its pull_requests entry.
  const context = { repo: { owner: 'acme', repo: 'infra' }, payload: { workflow_run: { head_sha: options.sha, pull_requests: [{ number: 7 }] } } };
  const env = Object.fromEntries(Object.entries(found.env ?? {}).map(([k, v]) => [k, v.replace('${{ matrix.environment }}', 'dev')]));
  const fakeRequire = (name: string) => {
    if (name !== 'fs') throw new Error(`unexpected require(${name})`);
    return { readFileSync: (file: string) => options.files?.[file] ?? '' };
  };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('github', 'context', 'core', 'require', 'process', found.with.script)(github, context, { notice: (m: string) => notices.push(m) }, fakeRequire, { env });
  return { updated, created, notices };
};

describe('a comment of an older commit is marked outdated (plan-comment.yml)', () => {
  const summaryOf = (sha: string) =>
    renderSummary({ title: 'dev', marker: 'plan-review:dev', provenance: { sha }, plans: [fixturePlan('terraform/create.json', 'dev-create')], errors: [] }).markdown;

  it('marks the previous plan as soon as a new commit is pushed, keeping the sticky marker first', async () => {
    const old = summaryOf(SHA);
    const { updated } = await runScript('Mark plan comments of earlier commits outdated', {
      sha: NEWER,
      comments: [
        { id: 1, user: { type: 'Bot' }, body: old },
        { id: 2, user: { type: 'User' }, body: '<!-- plan-review:dev --> forged by a user' },
        { id: 3, user: { type: 'Bot' }, body: 'other bot' },
      ],
    });
    expect(updated.map((u) => u.comment_id)).toEqual([1]);
    const body = updated[0]!.body;
    expect(body.startsWith('<!-- plan-review:dev -->\n')).toBe(true);
    expect(body.split('\n').slice(0, 7)).toEqual([
      '<!-- plan-review:dev -->',
      `<!-- plan-review-commit: ${SHA} -->`,
      '<!-- plan-review-outdated -->',
      '> [!WARNING]',
      '> **Outdated**: this plan is of commit 0123456; commit fedcba9 is being planned. Do not review or approve from this comment.',
      '',
      '## Terraform plan: dev',
    ]);
    expect(body).toContain(old.split('\n').slice(2).join('\n'));
  });

  it('leaves the comment of the same commit, and an already marked one, alone', async () => {
    expect((await runScript('Mark plan comments of earlier commits outdated', { sha: SHA, comments: [{ id: 1, user: { type: 'Bot' }, body: summaryOf(SHA) }] })).updated).toEqual([]);
    const first = await runScript('Mark plan comments of earlier commits outdated', { sha: NEWER, comments: [{ id: 1, user: { type: 'Bot' }, body: summaryOf(SHA) }] });
    const again = await runScript('Mark plan comments of earlier commits outdated', { sha: 'a'.repeat(40), comments: [{ id: 1, user: { type: 'Bot' }, body: first.updated[0]!.body }] });
    expect(again.updated).toEqual([]);
  });

  it('a comment without a commit marker (made before this change) is outdated too', async () => {
    const { updated } = await runScript('Mark plan comments of earlier commits outdated', {
      sha: NEWER,
      comments: [{ id: 5, user: { type: 'Bot' }, body: '<!-- plan-review:prod -->\n## Terraform plan: prod\n' }],
    });
    expect(updated[0]!.body).toBe(
      '<!-- plan-review:prod -->\n<!-- plan-review-outdated -->\n> [!WARNING]\n> **Outdated**: this plan is of an earlier commit; commit fedcba9 is being planned. Do not review or approve from this comment.\n\n## Terraform plan: prod\n',
    );
  });
  // Posting the sticky comment (and never over a newer plan): test/plan-review/comment-workflow.test.ts.
});

// ---------------------------------------------------------------------------------------------

const change = (address: string, type: string, actions: string[], before: object | null, after: object | null) => ({
  address,
  mode: 'managed',
  type,
  change: { actions, before, after, after_unknown: {}, before_sensitive: before ? {} : false, after_sensitive: after ? {} : false },
});

const policyDoc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const ranked = parsePlan(
  {
    format_version: '1.2',
    resource_changes: [
      change('aws_cloudwatch_log_group.app', 'aws_cloudwatch_log_group', ['update'], { retention_in_days: 7 }, { retention_in_days: 14 }),
      change(
        'aws_iam_role_policy.narrowed',
        'aws_iam_role_policy',
        ['update'],
        { policy: policyDoc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/*' }]) },
        { policy: policyDoc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]) },
      ),
      change(
        'aws_vpc_security_group_ingress_rule.narrowed',
        'aws_vpc_security_group_ingress_rule',
        ['update'],
        { cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
        { cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      ),
      change('aws_security_group_rule.old', 'aws_security_group_rule', ['delete'], { type: 'ingress', cidr_blocks: ['10.0.0.0/8'], protocol: 'tcp', from_port: 22, to_port: 22 }, null),
      change(
        'aws_iam_role_policy.scoped',
        'aws_iam_role_policy',
        ['update'],
        { policy: policyDoc([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:ap-southeast-1:1:a' }]) },
        { policy: policyDoc([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: ['arn:aws:sqs:ap-southeast-1:1:a', 'arn:aws:sqs:ap-southeast-1:1:b'] }]) },
      ),
      change(
        'aws_vpc_security_group_egress_rule.endpoints',
        'aws_vpc_security_group_egress_rule',
        ['update'],
        { cidr_ipv4: '10.10.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
        { cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      ),
      change(
        'aws_iam_role_policy.admin',
        'aws_iam_role_policy',
        ['update'],
        { policy: policyDoc([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:ap-southeast-1:1:a' }]) },
        { policy: policyDoc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) },
      ),
      change('aws_s3_bucket_policy.public', 'aws_s3_bucket_policy', ['create'], null, {
        policy: policyDoc([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]),
      }),
      change(
        'aws_s3_bucket_public_access_block.b',
        'aws_s3_bucket_public_access_block',
        ['update'],
        { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
        { block_public_acls: true, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true },
      ),
      change(
        'aws_kms_key.state',
        'aws_kms_key',
        ['update'],
        { policy: policyDoc([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*', Resource: '*' }]) },
        {
          policy: policyDoc([
            { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*', Resource: '*' },
            { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::2:role/x' }, Action: 'kms:Decrypt', Resource: '*' },
          ]),
        },
      ),
      change('aws_ingress_wide.ipv6', 'aws_vpc_security_group_ingress_rule', ['create'], null, { cidr_ipv6: '::/0', ip_protocol: '-1' }),
    ],
  },
  'prod-base',
);

describe('ranked by risk', () => {
  const { markdown } = renderSummary({ title: 'prod', plans: [ranked], errors: [] });
  const position = (address: string) => {
    const index = markdown.indexOf(`\`${address}\` —`);
    expect(index).toBeGreaterThan(0);
    return index;
  };

  it('the verdict leads with what opens access', () => {
    expect(markdown.split('\n')[2]).toBe(
      '🚨 **Critical**: security group opened to the internet (2), IAM wildcard (1), public access (2), KMS key policy change (1); 4 IAM changes, 4 security group changes.',
    );
  });

  it('critical findings, with what makes them critical, come before everything else', () => {
    const criticalSection = markdown.slice(markdown.indexOf('**🚨 Critical'), markdown.indexOf('**⚠️ Medium'));
    expect(criticalSection).toContain('- 🛡️ `prod-base`: **update** `aws_vpc_security_group_egress_rule.endpoints` — egress opened to the internet: `0.0.0.0/0 tcp 443`');
    expect(criticalSection).toContain('- 🛡️ `prod-base`: **create** `aws_ingress_wide.ipv6` — ingress opened to the internet: `::/0 all ports`');
    expect(criticalSection).toContain('- 🔐 `prod-base`: **update** `aws_iam_role_policy.admin` — adds a `*` grant: `* on *`');
    expect(criticalSection).toContain('- 🔐 `prod-base`: **create** `aws_s3_bucket_policy.public` — allows any principal without a condition: `s3:GetObject on arn:aws:s3:::b/* for *`');
    expect(criticalSection).toContain('- 🌐 `prod-base`: **update** `aws_s3_bucket_public_access_block.b` — turns off public access blocking: `block_public_policy = false`');
    expect(criticalSection).toContain('- 🔑 `prod-base`: **update** `aws_kms_key.state` — changes who may use or manage the key');
    expect(criticalSection).not.toMatch(/narrowed|aws_security_group_rule\.old|scoped|log_group/);
  });

  it('widening without opening is medium; removing and narrowing are low, folded last', () => {
    expect(markdown).toContain('- 🔐 `prod-base`: **update** `aws_iam_role_policy.scoped` — grants more: `sqs:SendMessage on arn:aws:sqs:ap-southeast-1:1:b`');
    const low = markdown.slice(markdown.indexOf('<details><summary>⚪ Low'));
    expect(low.split('\n')[0]).toBe('<details><summary>⚪ Low: removing or narrowing access, new revisions (3)</summary>');
    expect(
      low
        .split('\n')
        .filter((line) => line.startsWith('- '))
        .slice(0, 3),
    ).toEqual([
      '- 🔐 `prod-base`: **update** `aws_iam_role_policy.narrowed` — removes or narrows permissions',
      '- 🛡️ `prod-base`: **update** `aws_vpc_security_group_ingress_rule.narrowed` — closes access from or to the internet; `cidr_ipv4`: `"0.0.0.0/0"` → `"10.0.0.0/16"`',
      '- 🗑️🛡️ `prod-base`: **delete** `aws_security_group_rule.old` — removes access; removed; nothing stored in it is lost',
    ]);
    expect(low.indexOf('aws_security_group_rule.old')).toBeLessThan(low.indexOf('</details>\n\n### Stacks'));
    expect(position('aws_vpc_security_group_egress_rule.endpoints')).toBeLessThan(position('aws_iam_role_policy.scoped'));
    expect(position('aws_iam_role_policy.scoped')).toBeLessThan(position('aws_iam_role_policy.narrowed'));
    expect(markdown).not.toContain('`aws_cloudwatch_log_group.app` —');
  });

  it('the stack is marked critical in the table', () => {
    expect(markdown).toContain('| `prod-base` | 2 | 8 | · | 1 | 🚨 critical |');
  });
});

describe('other ways of opening access', () => {
  const plan = parsePlan(
    {
      format_version: '1.2',
      resource_changes: [
        change(
          'aws_sqs_queue.inbox',
          'aws_sqs_queue',
          ['update'],
          { policy: '' },
          { policy: policyDoc([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:ap-southeast-1:1:inbox' }]) },
        ),
        change('aws_cloudwatch_event_permission.any', 'aws_cloudwatch_event_permission', ['create'], null, { principal: '*', action: 'events:PutEvents' }),
        change('aws_iam_role_policy_attachment.admin', 'aws_iam_role_policy_attachment', ['create'], null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess', role: 'r' }),
        change('aws_sns_topic_policy.org', 'aws_sns_topic_policy', ['create'], null, {
          policy: policyDoc([
            { Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: 'arn:aws:sns:ap-southeast-1:1:t', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } },
          ]),
        }),
        change(
          'aws_kms_key_policy.k',
          'aws_kms_key_policy',
          ['update'],
          { policy: '{}' },
          { policy: policyDoc([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:Decrypt', Resource: '*' }]) },
        ),
        change('aws_sqs_queue.quiet', 'aws_sqs_queue', ['update'], { visibility_timeout_seconds: 30 }, { visibility_timeout_seconds: 60 }),
      ],
    },
    'prod-x',
  );
  const { markdown } = renderSummary({ plans: [plan], errors: [] });

  it('a queue policy for anyone, a bus open to every account, AdministratorAccess: critical', () => {
    const critical = markdown.slice(markdown.indexOf('**🚨 Critical'), markdown.indexOf('**🔴 High'));
    expect(critical).toContain('- 🔐 `prod-x`: **update** `aws_sqs_queue.inbox` — allows any principal without a condition: `sqs:SendMessage on arn:aws:sqs:ap-southeast-1:1:inbox for *`');
    expect(critical).toContain('- 🔐 `prod-x`: **create** `aws_cloudwatch_event_permission.any` — lets any account put events on the bus: `principal = *`');
    expect(critical).toContain('- 🔐 `prod-x`: **create** `aws_iam_role_policy_attachment.admin` — attaches a managed policy that allows `*`: `arn:aws:iam::aws:policy/AdministratorAccess`');
    expect(critical).toContain('- 🔑 `prod-x`: **update** `aws_kms_key_policy.k` — changes who may use or manage the key');
    expect(critical).not.toContain('adds a `*` grant'); // "Resource": "*" in a key policy is the key itself
  });

  it('any principal limited by a condition: high, with the condition to check', () => {
    expect(markdown).toContain(
      '**🔴 High: data loss, or values that cannot be checked (1)**\n\n- 🔐 `prod-x`: **create** `aws_sns_topic_policy.org` — allows any principal that meets a condition: check the condition: `sns:Publish on arn:aws:sns:ap-southeast-1:1:t for *`',
    );
  });

  it('a queue change that leaves its policy alone is no finding', () => {
    expect(markdown).not.toContain('`aws_sqs_queue.quiet` —');
  });
});

describe('each public-access and wildcard rule', () => {
  const single = (type: string, actions: string[], before: object | null, after: object | null) => {
    const { stacks } = renderSummary({ plans: [parsePlan({ format_version: '1.2', resource_changes: [change(`${type}.x`, type, actions, before, after)] }, 'x')], errors: [] });
    return stacks[0]!.findings.flatMap((f) => f.reasons.map((r) => `${r.level}: ${r.text}${r.values ? ` [${r.values.join(', ')}]` : ''}`));
  };

  it.each([
    ['aws_s3_bucket_acl', ['update'], { acl: 'private' }, { acl: 'public-read' }, 'critical: makes the bucket public [acl = public-read]'],
    ['aws_db_instance', ['update'], { publicly_accessible: false }, { publicly_accessible: true }, 'critical: makes the database reachable from the internet [publicly_accessible = true]'],
    [
      'aws_subnet',
      ['update'],
      { map_public_ip_on_launch: false },
      { map_public_ip_on_launch: true },
      'critical: gives everything launched in the subnet a public IP address [map_public_ip_on_launch = true]',
    ],
    [
      'aws_ecs_service',
      ['update'],
      { network_configuration: [{ assign_public_ip: false }] },
      { network_configuration: [{ assign_public_ip: true }] },
      'critical: gives its tasks public IP addresses [assign_public_ip = true]',
    ],
    ['aws_lambda_function_url', ['create'], null, { authorization_type: 'NONE' }, 'critical: opens the function to anyone with the URL [authorization_type = NONE]'],
    ['aws_s3_bucket_public_access_block', ['delete'], { block_public_acls: true }, null, "critical: removes the bucket's public access block"],
    [
      'aws_iam_policy',
      ['create'],
      null,
      { policy: policyDoc([{ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' }]) },
      'critical: adds a `*` grant [NotAction iam:* on arn:aws:s3:::b]',
    ],
    [
      'aws_iam_policy',
      ['update'],
      { policy: policyDoc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]) },
      { policy: policyDoc([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }]) },
      'critical: adds a `*` grant [s3:* on arn:aws:s3:::b/*]',
    ],
    ['aws_iam_policy', ['update'], { policy: '{}' }, { policy: 'not json' }, 'high: `policy` is not a JSON policy document: cannot be checked'],
    ['aws_iam_policy', ['update'], { policy: '{}' }, { policy: '(unknown)' }, 'high: `policy` is not a JSON policy document: cannot be checked'],
    [
      'aws_vpc_security_group_ingress_rule',
      ['update'],
      { cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 },
      { cidr_ipv4: '10.0.0.0/8', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 },
      'medium: allows more addresses or ports [ingress 10.0.0.0/8 tcp 5432]',
    ],
    [
      'aws_vpc_security_group_ingress_rule',
      ['update'],
      { cidr_ipv4: '10.0.0.0/8', ip_protocol: '-1' },
      { cidr_ipv4: '10.1.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
      'low: narrows access',
    ],
    [
      'aws_security_group',
      ['create'],
      null,
      { ingress: [{ cidr_blocks: ['0.0.0.0/0'], protocol: 'tcp', from_port: 22, to_port: 22 }], egress: [] },
      'critical: ingress opened to the internet [0.0.0.0/0 tcp 22]',
    ],
    [
      'aws_security_group_rule',
      ['create'],
      null,
      { type: 'egress', ipv6_cidr_blocks: ['::/0'], protocol: '-1', from_port: 0, to_port: 0 },
      'critical: egress opened to the internet [::/0 all ports]',
    ],
  ])('%s %j', (type, actions, before, after, expected) => {
    expect(single(type, actions as string[], before, after)[0]).toBe(expected);
  });

  it('turning a public access block back on, or keeping an ACL private, is no public-access finding', () => {
    expect(
      single(
        'aws_s3_bucket_public_access_block',
        ['update'],
        { block_public_policy: false, block_public_acls: true, ignore_public_acls: true, restrict_public_buckets: true },
        { block_public_policy: true, block_public_acls: true, ignore_public_acls: true, restrict_public_buckets: true },
      ),
    ).toEqual([]);
    expect(single('aws_s3_bucket_acl', ['update'], { acl: 'public-read' }, { acl: 'public-read' })).toEqual([]);
    expect(single('aws_db_instance', ['update'], { publicly_accessible: true, port: 1 }, { publicly_accessible: true, port: 2 })).toEqual([]);
  });
});

describe('diffs from a real diff library', () => {
  it('a long document changed on its first and last lines shows two changes, not everything', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const after = before.map((line, i) => (i === 0 || i === 2999 ? `${line} changed` : line));
    const diff = lineDiff(before, after);
    expect(diff.filter((l) => l.kind === 'removed').map((l) => l.text)).toEqual(['line 0', 'line 2999']);
    expect(diff.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['line 0 changed', 'line 2999 changed']);
    expect(unifiedDiff(diff, 1)).toEqual(['- line 0', '+ line 0 changed', '  line 1', '@@ 2996 unchanged lines @@', '  line 2998', '- line 2999', '+ line 2999 changed']);
  });

  it('documents too different to search within the work budget are shown as replaced', () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `a ${i}`);
    const after = Array.from({ length: 20_000 }, (_, i) => `b ${i}`);
    expect(lineDiff(before, after).map((l) => l.kind)).toEqual([...before.map(() => 'removed'), ...after.map(() => 'added')]);
  });
});

describe('plan:summary exit codes with GitHub variables unset', () => {
  it('no commit line without GITHUB_SHA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fresh-'));
    try {
      const file = join(dir, 'dev.json');
      writeFileSync(file, readFileSync(join(ROOT, 'test/fixtures/plans/terraform/create.json')));
      const result = spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan-summary.ts'), file], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: dir },
        encoding: 'utf8',
      });
      expect(result.stdout).not.toContain('Planned commit');
      expect(result.stdout).not.toContain('plan-review-commit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
