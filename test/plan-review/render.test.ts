/**
 * plan-review/render.ts directly: the Markdown of small plans, line for line (every plan-derived
 * string escaped where it lands: code spans, table cells, HTML summaries, fenced blocks; sensitive
 * values never shown), the verdict's clauses, the counts, and how the summary shortens to fit.
 */
import { countChanges, DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, renderSummary, summarizeStacks, verdict, type StackSummary } from '../../plan-review/render';
import type { StackError, StackPlan } from '../../plan-review/plan-json';
import { changeOf, planOf } from './render-scenarios';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const doc = (action: string, resource = '*') => JSON.stringify({ Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });
const asl = (type: string) => JSON.stringify({ StartAt: 'A', States: { A: { Type: type, End: true } } });
const markdownOf = (plans: StackPlan[], errors: StackError[] = [], maxChars?: number) => renderSummary({ plans, errors }, maxChars === undefined ? {} : { maxChars }).markdown;

const ROWS_MARKDOWN = [
  '<!-- plan-review:dev -->',
  '<!-- plan-review-commit: 0123456789abcdef0123456789abcdef01234567 -->',
  '## Terraform plan: dev \\*bold\\* @&#8203;team \\#&#8203;1',
  '',
  'Planned commit [`0123456`](https://github.com/a/b/commit/0123456789abcdef0123456789abcdef01234567) · [workflow run 7](https://github.com/a/b/actions/runs/7)',
  '',
  '⚠️ **Destructive**: 2 to delete in `dev-app`.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `dev-app` | 1 | 2 | 1 | 2 | ⚠️ destructive (2 import, 1 moved, 2 read, 1 forget) |',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '**🔴 High: data loss, or values that cannot be checked (2)**',
  '',
  '- 🗑️ `dev-app`: **delete** `aws_cloudwatch_log_group.old` — its log events are deleted with it; removed from the configuration',
  '- 🗑️ `dev-app`: **delete** `aws_sqs_queue.dep` — messages waiting in it are lost; deposed object `abc123`',
  '',
  '<details><summary>⚪ Low: removing or narrowing access, new revisions (1)</summary>',
  '',
  '- 🗑️ `dev-app`: **replace** `aws_ecs_task_definition.td` — a new revision is registered; the old one is deregistered (INACTIVE), not deleted; create new, then destroy old; forced by `cpu`, `container.0`',
  '',
  '</details>',
  '',
  '### Stacks',
  '',
  '<details><summary><code>dev-app</code>: 1 to create, 2 to update, 1 to replace, 2 to delete, 2 to import, 1 moved, 2 data sources read at apply, 1 to forget</summary>',
  '',
  '| Action | Resource | Details |',
  '|---|---|---|',
  '| 🟢 create | `aws_sqs_queue.new` |  |',
  '| 🟡 update | `aws_sqs_queue.upd` | `delay_seconds`: `0` → `5`; `tags`: `{"a":"1"}` → `{"a":"2"}` |',
  '| 🔴 replace (create first) | `aws_ecs_task_definition.td` | forced by `cpu`, `container.0`; `cpu`: `"256"` → `"512"` |',
  '| 🔴 delete | `aws_cloudwatch_log_group.old` | removed from configuration |',
  '| 🔵 read | `data.aws_region.r` | read at apply: its configuration is known only then |',
  '| 🔵 read | `data.aws_caller_identity.c` | `read_because_x\\|y` |',
  '| ⚪ import | `aws_sqs_queue.imported` | import id `https://sqs/q\\|1` |',
  '| 🟡 import + update | `aws_sqs_queue.imp2` | imported; `name`: `"i"` → `"j"` |',
  '| ⚪ move | `aws_sqs_queue.moved` | moved from `aws_sqs_queue.before` |',
  '| ⚪ forget | `aws_sqs_queue.gone` |  |',
  '| 🔴 delete | `aws_sqs_queue.dep` | deposed object `abc123` |',
  '',
  'Outputs: `url` (create), `token` (update, sensitive)',
  '',
  '</details>',
  '',
].join('\n');

const FAILURES_MARKDOWN = [
  '## Terraform plan',
  '',
  '❌ **Plan failed** for `dev-err`, `dev-a`, `dev-b`, `dev-c`: this summary is incomplete; ❌ **5 checks failing** in `dev-err`.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `dev-err` | · | · | · | · | ❌ failed |',
  '| `dev-a` | · | · | · | · | ❌ failed |',
  '| `dev-b` | · | · | · | · | ❌ failed |',
  '| `dev-c` | · | · | · | · | ❌ failed |',
  '',
  '### ❌ Stacks that failed to plan',
  '',
  '- `dev-err`: Terraform saved an errored plan (see the failing checks below or the workflow log)',
  '',
  '- `dev-a` (`terraform init`, exit 1)',
  '',
  '  ```',
  '  Error: one',
  '  two',
  '  ```',
  '',
  '- `dev-b` (`terraform plan`)',
  '',
  '- `dev-c`: plan file `plans/dev-c.json` could not be used',
  '',
  '  ```',
  '  dev-c: bad <b>',
  '  ```',
  '',
  '### ❌ Failing checks',
  '',
  '- `dev-err`: `aws_s3_bucket.b` (condition, failed)',
  '',
  '  ````',
  '  must be',
  '  private',
  '  x```y',
  '  ````',
  '',
  '- `dev-err`: `output.url` (output condition, could not be evaluated)',
  '',
  '- `dev-err`: `check.h` (check block, failed)',
  '',
  '- `dev-err`: `var.v` (variable validation, failed)',
  '',
  '- `dev-err`: `w` (`weird|kind`, failed)',
  '',
  '### Stacks',
  '',
  '<details><summary><code>dev-err</code>: no changes (errored plan, incomplete)</summary>',
  '',
  'No resource changes.',
  '',
  '</details>',
  '',
  '<details><summary><code>dev-a</code>: no plan (failed before planning, or unreadable)</summary>',
  '',
  'See the failure above.',
  '',
  '</details>',
  '',
  '<details><summary><code>dev-b</code>: no plan (failed before planning, or unreadable)</summary>',
  '',
  'See the failure above.',
  '',
  '</details>',
  '',
  '<details><summary><code>dev-c</code>: no plan (failed before planning, or unreadable)</summary>',
  '',
  'See the failure above.',
  '',
  '</details>',
  '',
].join('\n');

const FINDINGS_MARKDOWN = [
  '## Terraform plan',
  '',
  '🚨 **Critical**: IAM wildcard (1); 2 IAM changes, 1 security group change, 1 state machine definition change.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `prod-core` | · | 4 | · | · | 🚨 critical |',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '**🚨 Critical: opens access to the internet or to everyone, IAM wildcards, KMS key policies (1)**',
  '',
  '- 🔐 `prod-core`: **update** `aws_iam_policy.p` — adds a `*` grant: `s3:* on *`',
  '',
  '  <details><summary>Policy diff</summary>',
  '',
  '  ```diff',
  '    {',
  '      "Statement": [',
  '        {',
  '  -       "Action": "s3:GetObject",',
  '  +       "Action": "s3:*",',
  '          "Effect": "Allow",',
  '  -       "Resource": "arn:b"',
  '  +       "Resource": "*"',
  '        }',
  '      ]',
  '    }',
  '  ```',
  '',
  '  </details>',
  '',
  '**⚠️ Medium: permission, network and workflow changes, objects recreated (2)**',
  '',
  '- 🛡️ `prod-core`: **update** `aws_security_group_rule.r` — rule changes',
  '',
  '- 🔀 `prod-core`: **update** `aws_sfn_state_machine.m` — definition changes',
  '',
  '  <details><summary>ASL diff</summary>',
  '',
  '  ```diff',
  '  @@ 2 unchanged lines @@',
  '      "States": {',
  '        "A": {',
  '          "End": true,',
  '  -       "Type": "Pass"',
  '  +       "Type": "Succeed"',
  '        }',
  '      }',
  '    }',
  '  ```',
  '',
  '  </details>',
  '',
  '<details><summary>⚪ Low: removing or narrowing access, new revisions (1)</summary>',
  '',
  '- 🔐 `prod-core`: **update** `aws_iam_role_policy.narrow` — removes or narrows permissions',
  '',
  '  <details><summary>Policy diff</summary>',
  '',
  '  ```diff',
  '    {',
  '  -   "Statement": [',
  '  -     {',
  '  -       "Action": "a:B",',
  '  -       "Effect": "Allow",',
  '  -       "Resource": "r"',
  '  -     }',
  '  -   ]',
  '  +   "Statement": []',
  '    }',
  '  ```',
  '',
  '  </details>',
  '',
  '</details>',
  '',
  '### Stacks',
  '',
  '<details><summary><code>prod-core</code>: 4 to update</summary>',
  '',
  '| Action | Resource | Details |',
  '|---|---|---|',
  '| 🟡 update | `aws_iam_policy.p` | `policy`: changed (diff under Review) |',
  '| 🟡 update | `aws_security_group_rule.r` | `description`: `"a"` → `"b"` |',
  '| 🟡 update | `aws_sfn_state_machine.m` | `definition`: changed (diff under Review) |',
  '| 🟡 update | `aws_iam_role_policy.narrow` | `policy`: changed (diff under Review) |',
  '',
  '</details>',
  '',
].join('\n');

const EMPTY_MARKDOWN = ['## Terraform plan', '', '✅ **No changes** in 0 stacks.', '', '| Stack | Create | Update | Replace | Delete | Status |', '|---|---:|---:|---:|---:|---|', ''].join(
  '\n',
);

const NOCHANGE_MARKDOWN = [
  '## Terraform plan',
  '',
  '✅ **No changes** in 2 stacks.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `a` | · | · | · | · | ✅ no changes |',
  '| `b` | · | · | · | · | ✅ no changes |',
  '',
  '### Stacks',
  '',
  '<details><summary><code>a</code>: no changes</summary>',
  '',
  'No resource changes.',
  '',
  '</details>',
  '',
  '<details><summary><code>b</code>: no changes</summary>',
  '',
  'No resource changes.',
  '',
  '</details>',
  '',
].join('\n');

const SENSITIVE_MARKDOWN = [
  '## Terraform plan',
  '',
  '⚠️ **Review**: 1 IAM change.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `s` | · | 6 | · | · | ✅ |',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '**🔴 High: data loss, or values that cannot be checked (1)**',
  '',
  '- 🔐 `s`: **update** `aws_sqs_queue.nosens` — `policy` is sensitive or the plan has no sensitivity data: cannot be checked',
  '',
  '### Stacks',
  '',
  '<details><summary><code>s</code>: 6 to update</summary>',
  '',
  '| Action | Resource | Details |',
  '|---|---|---|',
  '| 🟡 update | `aws_db_instance.db` | `password`: (sensitive) → (sensitive); `port`: `1` → `2` |',
  '| 🟡 update | `aws_ssm_parameter.p` | all values sensitive |',
  '| 🟡 update | `aws_sqs_queue.q` | `name`: `"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…` → `"y"` |',
  '| 🟡 update | `aws_sqs_queue.u` | `arn`: (known after apply) |',
  '| 🟡 update | `aws_sqs_queue.many` | `a`: `1` → `2`; `b`: `1` → `2`; `c`: `1` → `2`; `d`: `1` → `2`; `e`: `1` → `2`; `f`: `1` → `2`; 1 more |',
  '| 🟡 update | `aws_sqs_queue.nosens` | `name`: (hidden: plan has no sensitivity data) → (hidden: plan has no sensitivity data) |',
  '',
  '</details>',
  '',
].join('\n');

const HOSTILE_MARKDOWN = [
  '## Terraform plan',
  '',
  '✅ **Safe to apply**: 1 to create; nothing deleted or replaced.',
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `x</code><img src=x>` | 1 | · | · | · | ✅ |',
  '',
  '### Stacks',
  '',
  '<details><summary><code>x&lt;/code&gt;&lt;img src=x&gt;</code>: 1 to create</summary>',
  '',
  '| Action | Resource | Details |',
  '|---|---|---|',
  '| 🟢 create | ``aws_sqs_queue.a`b`` |  |',
  '',
  '</details>',
  '',
].join('\n');

const ROWS = planOf(
  'dev-app',
  [
    changeOf('aws_sqs_queue.new', 'aws_sqs_queue', 'create', null, { name: 'q' }),
    changeOf('aws_sqs_queue.upd', 'aws_sqs_queue', 'update', { name: 'a', delay_seconds: 0, tags: { a: '1' } }, { name: 'a', delay_seconds: 5, tags: { a: '2' } }),
    changeOf(
      'aws_ecs_task_definition.td',
      'aws_ecs_task_definition',
      'replace',
      { family: 'f', cpu: '256' },
      { family: 'f', cpu: '512' },
      { replaceOrder: 'create-first' },
      { replace_paths: [['cpu'], ['container', 0]] },
    ),
    changeOf('aws_cloudwatch_log_group.old', 'aws_cloudwatch_log_group', 'delete', { name: 'x' }, null, { actionReason: 'delete_because_no_resource_config' }),
    changeOf('data.aws_region.r', 'aws_region', 'read', null, { name: 'r' }, { mode: 'data', actionReason: 'read_because_config_unknown' }),
    changeOf('data.aws_caller_identity.c', 'aws_caller_identity', 'read', null, {}, { mode: 'data', actionReason: 'read_because_x|y' }),
    changeOf('aws_sqs_queue.imported', 'aws_sqs_queue', 'no-op', { name: 'i' }, { name: 'i' }, { importId: 'https://sqs/q|1' }),
    changeOf('aws_sqs_queue.imp2', 'aws_sqs_queue', 'update', { name: 'i' }, { name: 'j' }, { importId: '' }),
    changeOf('aws_sqs_queue.moved', 'aws_sqs_queue', 'no-op', { name: 'm' }, { name: 'm' }, { previousAddress: 'aws_sqs_queue.before' }),
    changeOf('aws_sqs_queue.still', 'aws_sqs_queue', 'no-op', { name: 's' }, { name: 's' }),
    changeOf('aws_sqs_queue.gone', 'aws_sqs_queue', 'forget', { name: 'g' }, null),
    changeOf('aws_sqs_queue.dep', 'aws_sqs_queue', 'delete', { name: 'd' }, null, { deposed: 'abc123' }),
  ],
  {
    outputChanges: [
      { name: 'url', action: 'create', sensitive: false },
      { name: 'token', action: 'update', sensitive: true },
      { name: 'same', action: 'no-op', sensitive: false },
    ],
  },
);

const ERRORED = planOf('dev-err', [], {
  errored: true,
  failedChecks: [
    { address: 'aws_s3_bucket.b', kind: 'resource', status: 'fail', messages: ['must be\nprivate  ', '', 'x```y'] },
    { address: 'output.url', kind: 'output_value', status: 'error', messages: [] },
    { address: 'check.h', kind: 'check', status: 'fail', messages: [] },
    { address: 'var.v', kind: 'var', status: 'fail', messages: [] },
    { address: 'w', kind: 'weird|kind', status: 'fail', messages: [] },
  ],
});
const STACK_ERRORS: StackError[] = [
  { kind: 'stack-error', stack: 'dev-a', step: 'init', exitCode: 1, message: 'Error: one\r\ntwo' },
  { kind: 'stack-error', stack: 'dev-b', step: 'plan', exitCode: null, message: '' },
];
const UNUSABLE = [{ file: 'plans/dev-c.json', stack: 'dev-c', message: 'dev-c: bad <b>' }];

const FINDINGS = planOf('prod-core', [
  changeOf('aws_iam_policy.p', 'aws_iam_policy', 'update', { policy: doc('s3:GetObject', 'arn:b') }, { policy: doc('s3:*') }),
  changeOf(
    'aws_security_group_rule.r',
    'aws_security_group_rule',
    'update',
    { type: 'ingress', cidr_blocks: ['10.0.0.0/8'], protocol: 'tcp', from_port: 443, to_port: 443, description: 'a' },
    { type: 'ingress', cidr_blocks: ['10.0.0.0/8'], protocol: 'tcp', from_port: 443, to_port: 443, description: 'b' },
  ),
  changeOf('aws_sfn_state_machine.m', 'aws_sfn_state_machine', 'update', { definition: asl('Pass') }, { definition: asl('Succeed') }),
  changeOf('aws_iam_role_policy.narrow', 'aws_iam_role_policy', 'update', { policy: doc('a:B', 'r') }, { policy: '{"Statement":[]}' }),
]);

const SENSITIVE_ROWS = planOf('s', [
  changeOf(
    'aws_db_instance.db',
    'aws_db_instance',
    'update',
    { password: 'old-secret', port: 1 },
    { password: 'new-secret', port: 2 },
    {},
    { before_sensitive: { password: true }, after_sensitive: { password: true } },
  ),
  changeOf('aws_ssm_parameter.p', 'aws_ssm_parameter', 'update', { value: 'a' }, { value: 'b' }, {}, { before_sensitive: true, after_sensitive: true }),
  changeOf('aws_sqs_queue.q', 'aws_sqs_queue', 'update', { name: 'x'.repeat(400) }, { name: 'y' }),
  changeOf('aws_sqs_queue.u', 'aws_sqs_queue', 'update', { name: 'a', arn: 'x' }, { name: 'a', arn: null }, {}, { after_unknown: { arn: true } }),
  changeOf('aws_sqs_queue.many', 'aws_sqs_queue', 'update', { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1 }, { a: 2, b: 2, c: 2, d: 2, e: 2, f: 2, g: 2 }),
  changeOf('aws_sqs_queue.nosens', 'aws_sqs_queue', 'update', { name: 'a' }, { name: 'b' }, {}, { before_sensitive: undefined, after_sensitive: undefined }),
]);

describe('renderSummary: the Markdown of small plans, line for line', () => {
  it('every kind of row, the outputs, the commit and run links, and an escaped title', () => {
    const summary = renderSummary({
      title: 'dev *bold* @team #1',
      marker: 'plan-review:dev',
      provenance: { sha: SHA, commitUrl: `https://github.com/a/b/commit/${SHA}`, runUrl: 'https://github.com/a/b/actions/runs/7', runId: '7' },
      plans: [ROWS],
      errors: [],
    });
    expect(summary.markdown).toBe(ROWS_MARKDOWN);
    expect(summary.totals).toStrictEqual({ create: 1, update: 2, replace: 1, delete: 2, import: 2, move: 1, read: 2, forget: 1 });
    expect(summary.destructive).toBe(true);
    expect(summary.destructiveChanges).toStrictEqual([
      { stack: 'dev-app', address: 'aws_cloudwatch_log_group.old', action: 'delete' },
      { stack: 'dev-app', address: 'aws_sqs_queue.dep', action: 'delete' },
    ]);
    expect(summary.erroredStacks).toStrictEqual([]);
    expect(summary.failedChecks).toBe(0);
    expect(summary.shortened).toBe(false);
  });

  it('the commit alone when there are no links', () => {
    const lines = renderSummary({ provenance: { sha: SHA }, plans: [], errors: [] }).markdown.split('\n');
    expect(lines.slice(0, 4)).toStrictEqual([`<!-- plan-review-commit: ${SHA} -->`, '## Terraform plan', '', 'Planned commit `0123456`']);
    const noRun = renderSummary({ provenance: { sha: SHA, commitUrl: 'https://x/c' }, plans: [], errors: [] }).markdown.split('\n');
    expect(noRun[3]).toBe('Planned commit [`0123456`](https://x/c)');
  });

  it('failed stacks, their messages in fenced blocks, and failing checks of every kind', () => {
    const summary = renderSummary({ plans: [ERRORED], errors: STACK_ERRORS, unusable: UNUSABLE });
    expect(summary.markdown).toBe(FAILURES_MARKDOWN);
    expect(summary.erroredStacks).toStrictEqual(['dev-err', 'dev-a', 'dev-b', 'dev-c']);
    expect(summary.failedChecks).toBe(5);
    expect(summary.destructive).toBe(false);
  });

  it('findings riskiest first, with their diffs, low ones folded', () => {
    expect(markdownOf([FINDINGS])).toBe(FINDINGS_MARKDOWN);
  });

  it('no stacks, and stacks without changes', () => {
    expect(markdownOf([])).toBe(EMPTY_MARKDOWN);
    expect(markdownOf([planOf('a', []), planOf('b', [changeOf('aws_sqs_queue.s', 'aws_sqs_queue', 'no-op', {}, {})])])).toBe(NOCHANGE_MARKDOWN);
  });

  it('sensitive and unknown values as notes, never their values; long values cut; at most six attributes', () => {
    const markdown = markdownOf([SENSITIVE_ROWS]);
    expect(markdown).toBe(SENSITIVE_MARKDOWN);
    expect(markdown).not.toContain('secret');
  });

  it('a hostile stack name or address cannot close its code span or HTML summary', () => {
    expect(markdownOf([planOf('x</code><img src=x>', [changeOf('aws_sqs_queue.a`b', 'aws_sqs_queue', 'create', null, {})])])).toBe(HOSTILE_MARKDOWN);
  });

  it('cuts plan-derived text at 300 characters inline', () => {
    const address = `aws_sqs_queue.${'a'.repeat(400)}`;
    const markdown = markdownOf([planOf('s', [changeOf(address, 'aws_sqs_queue', 'create', null, {})])]);
    expect(markdown).toContain(`| 🟢 create | \`${address.slice(0, 299)}…\` |  |`);
    const exact = `aws_sqs_queue.${'a'.repeat(286)}`;
    expect(exact).toHaveLength(300);
    expect(markdownOf([planOf('s', [changeOf(exact, 'aws_sqs_queue', 'create', null, {})])])).toContain(`| 🟢 create | \`${exact}\` |  |`);
  });
});
const L1413_MARKDOWN = [
  '## Terraform plan',
  '',
  '❌ **1 check failing** in `big`; 1 state machine definition change.',
  '',
  "> ℹ️ **Shortened** to fit GitHub's comment size limit: diffs left out, at most 10 resources listed per stack, at most 120 findings shown, riskiest first, medium-risk findings folded.",
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `big` | · | 161 | · | · | ✅ (1 check failing) |',
  '',
  '### ❌ Failing checks',
  '',
  '- `big`: `c` (check block, failed)',
  '',
  '  ```',
  '  … 30 earlier lines',
  '  m30',
  '  m31',
  '  m32',
  '  m33',
  '  m34',
  '  m35',
  '  m36',
  '  m37',
  '  m38',
  '  m39',
  '  ```',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '<details><summary>⚠️ Medium: permission, network and workflow changes, objects recreated (1)</summary>',
  '',
  '- 🔀 `big`: **update** `aws_sfn_state_machine.m` — definition changes',
  '  - diff of 204 lines left out to fit the comment size limit',
  '',
  '</details>',
  '',
  '### Stacks',
  '',
  '<details><summary><code>big</code>: 161 to update</summary>',
  '',
  '| Action | Resource | Details |',
  '|---|---|---|',
  '| 🟡 update | `aws_sfn_state_machine.m` |  |',
  '| 🟡 update | `aws_sqs_queue.q0` |  |',
  '| 🟡 update | `aws_sqs_queue.q1` |  |',
  '| 🟡 update | `aws_sqs_queue.q2` |  |',
  '| 🟡 update | `aws_sqs_queue.q3` |  |',
  '| 🟡 update | `aws_sqs_queue.q4` |  |',
  '| 🟡 update | `aws_sqs_queue.q5` |  |',
  '| 🟡 update | `aws_sqs_queue.q6` |  |',
  '| 🟡 update | `aws_sqs_queue.q7` |  |',
  '| 🟡 update | `aws_sqs_queue.q8` |  |',
  '',
  '_… 151 more resources not shown (comment size limit)._',
  '',
  '</details>',
  '',
].join('\n');

const L937_MARKDOWN = [
  '## Terraform plan',
  '',
  '❌ **1 check failing** in `big`; 1 state machine definition change.',
  '',
  "> ℹ️ **Shortened** to fit GitHub's comment size limit: diffs left out, resource tables left out, at most 40 findings shown, riskiest first, medium-risk findings folded.",
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `big` | · | 161 | · | · | ✅ (1 check failing) |',
  '',
  '### ❌ Failing checks',
  '',
  '- `big`: `c` (check block, failed)',
  '',
  '  ```',
  '  … 35 earlier lines',
  '  m35',
  '  m36',
  '  m37',
  '  m38',
  '  m39',
  '  ```',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '<details><summary>⚠️ Medium: permission, network and workflow changes, objects recreated (1)</summary>',
  '',
  '- 🔀 `big`: **update** `aws_sfn_state_machine.m` — definition changes',
  '  - diff of 204 lines left out to fit the comment size limit',
  '',
  '</details>',
  '',
  '### Stacks',
  '',
  '<details><summary><code>big</code>: 161 to update</summary>',
  '',
  '_161 changed resources not listed (comment size limit)._',
  '',
  '</details>',
  '',
].join('\n');

const L936_MARKDOWN = [
  '## Terraform plan',
  '',
  '❌ **1 check failing** in `big`; 1 state machine definition change.',
  '',
  "> ℹ️ **Shortened** to fit GitHub's comment size limit: diffs left out, resource tables left out, at most 40 findings shown, riskiest first, medium-risk findings folded.",
  '',
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  '| `big` | · | 161 | · | · | ✅ (1 check failing) |',
  '',
  '### ❌ Failing checks',
  '',
  '- `big`: `c` (check block, failed)',
  '',
  '  ```',
  '  … 35 earlier lines',
  '  m35',
  '  m36',
  '  m37',
  '  m38',
  '  m39',
  '  ```',
  '',
  '### ⚠️ Review, riskiest first',
  '',
  '<details><summary>⚠️ Medium: permission, network and workflow changes, objects recreated (1)</summary>',
  '',
  '- 🔀 `big`: **update** `aws_sfn_state_machine.m` — definition changes',
  '  - diff of 204 lines left out to fit the comment size limit',
  '',
  '</details>',
  '',
  '### Stacks',
  '',
  "_… summary truncated to fit GitHub's comment size limit._",
  '',
].join('\n');

/** A plan whose full summary is 23,943 characters: a 204-line ASL diff, 161 rows, 40 check messages. */
const BIG = (() => {
  const states = (type: string) => JSON.stringify({ StartAt: 'S0', States: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`S${i}`, { Type: type, End: true }])) });
  return planOf(
    'big',
    [
      changeOf('aws_sfn_state_machine.m', 'aws_sfn_state_machine', 'update', { definition: states('Pass') }, { definition: states('Succeed') }),
      ...Array.from({ length: 160 }, (_, i) => changeOf(`aws_sqs_queue.q${i}`, 'aws_sqs_queue', 'update', { a: 1, b: 1, c: 1, d: 1, e: 1 }, { a: 2, b: 2, c: 2, d: 2, e: 2 })),
    ],
    { failedChecks: [{ address: 'c', kind: 'check', status: 'fail', messages: Array.from({ length: 40 }, (_, i) => `m${i}`) }] },
  );
})();
const NOTE = "> ℹ️ **Shortened** to fit GitHub's comment size limit: ";

describe('renderSummary: shortening to fit', () => {
  const at = (maxChars: number) => renderSummary({ plans: [BIG], errors: [] }, { maxChars });

  it('renders everything while it fits, to the character', () => {
    const full = at(23_943);
    expect(full.shortened).toBe(false);
    expect(full.markdown).toHaveLength(23_943);
    expect(full.markdown).not.toContain(NOTE);
    expect(full.markdown).toContain('| 🟡 update | `aws_sqs_queue.q159` | `a`: `1` → `2`; `b`: `1` → `2`; `c`: `1` → `2`; `d`: `1` → `2`; `e`: `1` → `2` |');
    expect(full.markdown).toContain('  <details><summary>ASL diff</summary>');
    expect(full.markdown).toContain('  … 10 earlier lines\n  m10\n');
    expect(renderSummary({ plans: [BIG], errors: [] }).markdown).toBe(full.markdown);
  });

  it('cuts diffs to 80 lines and lists 150 resources with four attributes at the first level', () => {
    const first = at(23_942);
    expect(first.shortened).toBe(true);
    expect(first.markdown).toHaveLength(19_165);
    expect(first.markdown).toContain(`${NOTE}diffs cut to 80 lines, at most 150 resources listed per stack.`);
    expect(first.markdown).toContain('  <details><summary>ASL diff (first 80 of 204 lines)</summary>');
    expect(first.markdown).toContain('  … 124 more diff lines not shown (comment size limit)\n  ```');
    expect(first.markdown).toContain('| 🟡 update | `aws_sqs_queue.q0` | `a`: `1` → `2`; `b`: `1` → `2`; `c`: `1` → `2`; `d`: `1` → `2`; 1 more |');
    expect(first.markdown).toContain('| 🟡 update | `aws_sqs_queue.q148` |');
    expect(first.markdown).not.toContain('`aws_sqs_queue.q149`');
    expect(first.markdown).toContain('_… 11 more resources not shown (comment size limit)._');
    expect(first.markdown).toContain('  … 10 earlier lines\n  m10\n');
    expect(at(19_165).markdown).toBe(first.markdown);
  });

  it('cuts further at the second level: 25 diff lines, 40 resources, two attributes, 15 messages, medium findings folded', () => {
    const second = at(19_164);
    expect(second.markdown).toHaveLength(4_754);
    expect(second.markdown).toContain(`${NOTE}diffs cut to 25 lines, at most 40 resources listed per stack, at most 300 findings shown, riskiest first, medium-risk findings folded.`);
    expect(second.markdown).toContain('  <details><summary>ASL diff (first 25 of 204 lines)</summary>');
    expect(second.markdown).toContain('| 🟡 update | `aws_sqs_queue.q0` | `a`: `1` → `2`; `b`: `1` → `2`; 3 more |');
    expect(second.markdown).toContain('_… 121 more resources not shown (comment size limit)._');
    expect(second.markdown).toContain('  … 25 earlier lines\n  m25\n');
    expect(second.markdown).toContain('<details><summary>⚠️ Medium: permission, network and workflow changes, objects recreated (1)</summary>');
    expect(at(4_754).markdown).toBe(second.markdown);
  });

  it('leaves diffs and attributes out at the third level, resource tables at the fourth', () => {
    expect(at(4_753).markdown).toBe(L1413_MARKDOWN);
    expect(at(1_413).markdown).toBe(L1413_MARKDOWN);
    expect(at(1_412).markdown).toBe(L937_MARKDOWN);
    expect(at(937).markdown).toBe(L937_MARKDOWN);
  });

  it('as a last resort drops whole blocks from the end and says so', () => {
    const truncated = at(936);
    expect(truncated.markdown).toBe(L936_MARKDOWN);
    expect(truncated.shortened).toBe(true);
    expect(truncated.markdown.length).toBeLessThanOrEqual(936);
    const tiny = at(100);
    expect(tiny.markdown).toBe("## Terraform plan\n\n_… summary truncated to fit GitHub's comment size limit._\n");
  });

  it('never exceeds what GitHub accepts, whatever maxChars says', () => {
    expect(GITHUB_COMMENT_LIMIT).toBe(65_536);
    expect(DEFAULT_MAX_CHARS).toBe(65_000);
    const huge = planOf(
      'huge',
      Array.from({ length: 700 }, (_, i) => changeOf(`aws_sqs_queue.q${i}`, 'aws_sqs_queue', 'update', { a: 1, b: 1, c: 1, d: 1, e: 1 }, { a: 2, b: 2, c: 2, d: 2, e: 2 })),
    );
    const summary = renderSummary({ plans: [huge], errors: [] }, { maxChars: 1_000_000 });
    expect(summary.shortened).toBe(true);
    expect(summary.markdown.length).toBeLessThanOrEqual(65_536);
    expect(renderSummary({ plans: [huge], errors: [] }, { maxChars: 65_536 }).markdown).toBe(summary.markdown);
  });

  it('says how many findings it leaves out', () => {
    const rule = (i: number) =>
      changeOf(`aws_security_group_rule.r${i}`, 'aws_security_group_rule', 'create', null, { type: 'ingress', cidr_blocks: ['10.0.0.0/8'], protocol: 'tcp', from_port: i, to_port: i });
    const many = planOf(
      'sg',
      Array.from({ length: 45 }, (_, i) => rule(i)),
    );
    const markdown = renderSummary({ plans: [many], errors: [] }, { maxChars: 5_500 }).markdown;
    expect(markdown).toContain('at most 40 findings shown');
    expect(markdown).toContain('<details><summary>⚠️ Medium: permission, network and workflow changes, objects recreated (40)</summary>');
    expect(markdown).toContain('_… 5 lower-risk findings not shown (comment size limit)._');
    const one = planOf(
      'sg',
      Array.from({ length: 41 }, (_, i) => rule(i)),
    );
    expect(renderSummary({ plans: [one], errors: [] }, { maxChars: 5_500 }).markdown).toContain('_… 1 lower-risk finding not shown (comment size limit)._');
  });
});

const verdictOf = (...plans: StackPlan[]) => verdict(summarizeStacks(plans, []));
const TASK_DEFINITION = (name: string) => changeOf(`aws_ecs_task_definition.${name}`, 'aws_ecs_task_definition', 'replace', { cpu: '1' }, { cpu: '2' });
const SG_RULE = (cidr: string) => ({ type: 'ingress', cidr_blocks: [cidr], protocol: 'tcp', from_port: 22, to_port: 22 });

describe('verdict', () => {
  it('is safe to apply when nothing needs review, saying what is replaced and why nothing is lost', () => {
    expect(verdictOf(planOf('a', [TASK_DEFINITION('t')]))).toBe('✅ **Safe to apply**: 1 to replace; nothing lost (1 replace is a new revision).');
    expect(verdictOf(planOf('a', [TASK_DEFINITION('t'), TASK_DEFINITION('u')]))).toBe('✅ **Safe to apply**: 2 to replace; nothing lost (2 replaces are new revisions).');
    expect(verdictOf(planOf('a', [changeOf('aws_route.r', 'aws_route', 'delete', { x: '1' }, null)]))).toBe(
      '✅ **Safe to apply**: 1 to delete; nothing that stores data is deleted or replaced.',
    );
    expect(verdictOf(planOf('a', [changeOf('aws_route.r', 'aws_route', 'update', { x: '1' }, { x: '2' })]))).toBe('✅ **Safe to apply**: 1 to update; nothing deleted or replaced.');
    expect(verdictOf(planOf('a', []))).toBe('✅ **No changes** in 1 stack.');
  });

  it('names a data source read in the singular and plural', () => {
    const read = (n: string) => changeOf(`data.aws_region.${n}`, 'aws_region', 'read', null, {}, { mode: 'data' });
    expect(verdictOf(planOf('a', [read('r')]))).toBe('✅ **Safe to apply**: 1 data source read at apply; nothing deleted or replaced.');
    expect(verdictOf(planOf('a', [read('r'), read('s')]))).toBe('✅ **Safe to apply**: 2 data sources read at apply; nothing deleted or replaced.');
  });

  it('asks for review of recreated objects and rule changes', () => {
    expect(verdictOf(planOf('a', [changeOf('aws_route.r', 'aws_route', 'replace', { x: '1' }, { x: '2' })]))).toBe('⚠️ **Review**: 1 recreated.');
    expect(
      verdictOf(
        planOf('a', [
          changeOf('aws_route.r', 'aws_route', 'replace', { x: '1' }, { x: '2' }),
          changeOf('aws_security_group_rule.a', 'aws_security_group_rule', 'update', SG_RULE('10.0.0.0/8'), SG_RULE('10.0.0.0/16')),
        ]),
      ),
    ).toBe('⚠️ **Review**: 1 security group change, 1 recreated.');
  });

  it('counts destructive deletes and replaces across stacks', () => {
    const queue = (name: string, action: 'replace' | 'delete') => changeOf(`aws_sqs_queue.${name}`, 'aws_sqs_queue', action, { name: '1' }, { name: '2' });
    expect(verdictOf(planOf('a', [queue('q', 'replace'), queue('r', 'delete')]), planOf('b', [queue('q', 'replace')]))).toBe('⚠️ **Destructive**: 1 to delete, 2 to replace in `a`, `b`.');
    expect(verdictOf(planOf('a', [queue('q', 'replace')]))).toBe('⚠️ **Destructive**: 1 to replace in `a`.');
  });

  it('puts failures first and lists at most ten stacks', () => {
    expect(verdictOf(...Array.from({ length: 12 }, (_, i) => planOf(`s${i}`, [], { errored: true })))).toBe(
      '❌ **Plan failed** for `s0`, `s1`, `s2`, `s3`, `s4`, `s5`, `s6`, `s7`, `s8`, `s9` and 2 more: this summary is incomplete.',
    );
    expect(verdictOf(...Array.from({ length: 10 }, (_, i) => planOf(`s${i}`, [], { errored: true })))).toBe(
      '❌ **Plan failed** for `s0`, `s1`, `s2`, `s3`, `s4`, `s5`, `s6`, `s7`, `s8`, `s9`: this summary is incomplete.',
    );
    expect(verdictOf(planOf('a', [changeOf('aws_sqs_queue.q', 'aws_sqs_queue', 'create', null, { name: 'q' })], { errored: true }))).toBe(
      '❌ **Plan failed** for `a`: this summary is incomplete.',
    );
    expect(verdictOf(planOf('a', [], { failedChecks: [{ address: 'c', kind: 'check', status: 'fail', messages: [] }] }))).toBe('❌ **1 check failing** in `a`.');
  });

  it('counts critical findings by category, then the rest to review without the Review prefix', () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(
      verdictOf(
        planOf('a', [
          changeOf('aws_security_group_rule.a', 'aws_security_group_rule', 'create', null, SG_RULE('0.0.0.0/0')),
          changeOf('aws_security_group_rule.b', 'aws_security_group_rule', 'create', null, SG_RULE('::/0')),
          changeOf('aws_iam_policy.p', 'aws_iam_policy', 'create', null, { policy }),
        ]),
      ),
    ).toBe('🚨 **Critical**: security group opened to the internet (2), IAM wildcard (1); 1 IAM change, 2 security group changes.');
  });
});

describe('countChanges and summarizeStacks', () => {
  it('counts each action, moves and imports, and no-ops only as moves or imports', () => {
    expect(countChanges(ROWS.changes)).toStrictEqual({ create: 1, update: 2, replace: 1, delete: 2, import: 2, move: 1, read: 2, forget: 1 });
    expect(countChanges([changeOf('aws_sqs_queue.s', 'aws_sqs_queue', 'no-op', {}, {})])).toStrictEqual({
      create: 0,
      update: 0,
      replace: 0,
      delete: 0,
      import: 0,
      move: 0,
      read: 0,
      forget: 0,
    });
  });

  it('joins plans, errors and unusable files by stack, in order of first appearance', () => {
    const stacks: StackSummary[] = summarizeStacks([planOf('b', []), planOf('a', [changeOf('aws_sqs_queue.q', 'aws_sqs_queue', 'create', null, {})])], STACK_ERRORS, [
      { file: 'plans/b.json', stack: 'b', message: 'x' },
    ]);
    expect(stacks.map((s) => [s.stack, s.plan?.stack, s.error?.step, s.unusable?.file, s.counts.create, s.findings.length])).toStrictEqual([
      ['b', 'b', undefined, 'plans/b.json', 0, 0],
      ['a', 'a', undefined, undefined, 1, 0],
      ['dev-a', undefined, 'init', undefined, 0, 0],
      ['dev-b', undefined, 'plan', undefined, 0, 0],
    ]);
    expect(Object.keys(stacks[2])).toStrictEqual(['stack', 'error', 'counts', 'findings']);
    expect(summarizeStacks([], [])).toStrictEqual([]);
  });
});

describe('renderSummary: the rest of the row and finding kinds', () => {
  it('security group rule attributes in the finding, the other read reasons, a sensitive document, a delete-first replace, public access and KMS icons, more than 20 outputs', () => {
    const names = [
      'from_port',
      'to_port',
      'protocol',
      'ip_protocol',
      'cidr_blocks',
      'ipv6_cidr_blocks',
      'cidr_ipv4',
      'cidr_ipv6',
      'source_security_group_id',
      'referenced_security_group_id',
      'prefix_list_id',
      'prefix_list_ids',
      'self',
      'type',
      'ingress',
      'egress',
    ];
    // The 16 rule attributes and a description change: the finding lists rule attributes only (6, then "10 more"), the row all of them.
    const before = Object.fromEntries([...names, 'description'].map((name) => [name, 'a']));
    const after = Object.fromEntries([...names, 'description'].map((name) => [name, 'b']));
    const plan = planOf(
      'more',
      [
        changeOf('aws_security_group.g', 'aws_security_group', 'update', before, after),
        changeOf('data.aws_region.a', 'aws_region', 'read', null, {}, { mode: 'data', actionReason: 'read_because_dependency_pending' }),
        changeOf('data.aws_region.b', 'aws_region', 'read', null, {}, { mode: 'data', actionReason: 'read_because_check_nested' }),
        changeOf(
          'aws_sfn_state_machine.m',
          'aws_sfn_state_machine',
          'update',
          { definition: 'x' },
          { definition: 'y' },
          {},
          { before_sensitive: { definition: true }, after_sensitive: { definition: true } },
        ),
        changeOf('aws_sqs_queue.q', 'aws_sqs_queue', 'replace', { name: 'a' }, { name: 'b' }, { replaceOrder: 'delete-first' }),
        changeOf('aws_s3_bucket_public_access_block.b', 'aws_s3_bucket_public_access_block', 'delete', { block_public_acls: true }, null),
        changeOf('aws_kms_key.k', 'aws_kms_key', 'create', null, { description: 'k' }),
      ],
      { outputChanges: Array.from({ length: 22 }, (_, i) => ({ name: `o${i}`, action: 'create' as const, sensitive: false })) },
    );
    expect(markdownOf([plan])).toBe(
      [
        '## Terraform plan',
        '',
        '🚨 **Critical**: public access (1), KMS key policy change (1); ⚠️ **Destructive**: 1 to replace in `more`; 1 security group change, 1 state machine definition change.',
        '',
        '| Stack | Create | Update | Replace | Delete | Status |',
        '|---|---:|---:|---:|---:|---|',
        '| `more` | 1 | 2 | 1 | 1 | 🚨 critical (2 read) |',
        '',
        '### ⚠️ Review, riskiest first',
        '',
        '**🚨 Critical: opens access to the internet or to everyone, IAM wildcards, KMS key policies (2)**',
        '',
        "- 🗑️🌐 `more`: **delete** `aws_s3_bucket_public_access_block.b` — removes the bucket's public access block; removed; nothing stored in it is lost",
        '- 🔑 `more`: **create** `aws_kms_key.k` — a new key and its policy',
        '',
        '**🔴 High: data loss, or values that cannot be checked (1)**',
        '',
        '- 🗑️ `more`: **replace** `aws_sqs_queue.q` — messages waiting in it are lost; destroy old, then create new',
        '',
        '**⚠️ Medium: permission, network and workflow changes, objects recreated (2)**',
        '',
        '- 🛡️ `more`: **update** `aws_security_group.g` — rule changes; `cidr_blocks`: `"a"` → `"b"`; `cidr_ipv4`: `"a"` → `"b"`; `cidr_ipv6`: `"a"` → `"b"`; `egress`: `"a"` → `"b"`; `from_port`: `"a"` → `"b"`; `ingress`: `"a"` → `"b"`; 10 more',
        '',
        '- 🔀 `more`: **update** `aws_sfn_state_machine.m` — definition changes',
        '  - `definition`: the document is sensitive: no diff shown',
        '',
        '### Stacks',
        '',
        '<details><summary><code>more</code>: 1 to create, 2 to update, 1 to replace, 1 to delete, 2 data sources read at apply</summary>',
        '',
        '| Action | Resource | Details |',
        '|---|---|---|',
        '| 🟡 update | `aws_security_group.g` | `cidr_blocks`: `"a"` → `"b"`; `cidr_ipv4`: `"a"` → `"b"`; `cidr_ipv6`: `"a"` → `"b"`; `description`: `"a"` → `"b"`; `egress`: `"a"` → `"b"`; `from_port`: `"a"` → `"b"`; 11 more |',
        '| 🔵 read | `data.aws_region.a` | read at apply: it depends on a pending change |',
        '| 🔵 read | `data.aws_region.b` | read at apply: used by a check block |',
        '| 🟡 update | `aws_sfn_state_machine.m` | `definition`: changed (diff under Review) |',
        '| 🔴 replace | `aws_sqs_queue.q` | `name`: `"a"` → `"b"` |',
        '| 🔴 delete | `aws_s3_bucket_public_access_block.b` |  |',
        '| 🟢 create | `aws_kms_key.k` |  |',
        '',
        'Outputs: `o0` (create), `o1` (create), `o2` (create), `o3` (create), `o4` (create), `o5` (create), `o6` (create), `o7` (create), `o8` (create), `o9` (create), `o10` (create), `o11` (create), `o12` (create), `o13` (create), `o14` (create), `o15` (create), `o16` (create), `o17` (create), `o18` (create), `o19` (create), 2 more',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });
});
