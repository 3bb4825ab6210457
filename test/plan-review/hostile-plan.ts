/**
 * A plan (and a stack error marker) in which every string a summary takes from the plan tries to
 * break out of its context: close `<details>`, start a heading, insert an `<img>`, mention a user,
 * end a code span or a fenced block, or smuggle a line break in with CR. Used by hostile.test.ts.
 */
import type { StackError } from '../../plan-review';

const BREAKOUT = '\n</details>\n\n# Forged: approved by security\n<img src=x onerror=alert(1)> @octocat please merge';
const CR_BREAKOUT = '\r# Forged heading after CR\r<img src=cr>';
const FENCE_BREAKOUT = ['Error: boom', '   ```', '</details>', '', '# Forged after a fence', '<img src=fence>', '@octocat', '````````'].join('\n');

const noMasks = { before_sensitive: {}, after_sensitive: {} };

export const hostilePlan = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  errored: false,
  resource_changes: [
    {
      address: `aws_s3_bucket.data${BREAKOUT}`,
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'data',
      action_reason: `delete_because_forged</details><h1>Forged reason</h1>${CR_BREAKOUT}`,
      deposed: '0f`` ``` `x`\n<details><summary>Forged</summary>',
      change: { actions: ['delete'], before: { bucket: 'b' }, after: null, after_unknown: {}, ...noMasks },
    },
    {
      address: 'aws_iam_role.r',
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'r',
      change: {
        actions: ['delete', 'create'],
        before: { name: 'a', assume_role_policy: '{}' },
        after: { name: `b${BREAKOUT}`, assume_role_policy: '{}' },
        after_unknown: {},
        replace_paths: [['name'], ['tags', `a\`\`b${CR_BREAKOUT}`], [`x${BREAKOUT}`]],
        ...noMasks,
      },
    },
    {
      address: 'aws_vpc_security_group_egress_rule.out',
      mode: 'managed',
      type: 'aws_vpc_security_group_egress_rule',
      name: 'out',
      change: {
        actions: ['update'],
        before: { cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'x' },
        after: { cidr_ipv4: `0.0.0.0/0${BREAKOUT}`, ip_protocol: `tcp\`\`\`|${CR_BREAKOUT}`, from_port: 443, to_port: 443, description: `a\`b\`\`c\`\`\`d|e${BREAKOUT}` },
        after_unknown: {},
        ...noMasks,
      },
    },
    {
      address: 'aws_sfn_state_machine.m',
      mode: 'managed',
      type: 'aws_sfn_state_machine',
      name: 'm',
      change: {
        actions: ['update'],
        before: { definition: 'not json\nline two' },
        after: { definition: `not json\n${FENCE_BREAKOUT}\r# Forged after CR in a diff` },
        after_unknown: {},
        ...noMasks,
      },
    },
    {
      address: `terraform_data.imported${CR_BREAKOUT}`,
      previous_address: `terraform_data.old${BREAKOUT}`,
      mode: 'managed',
      type: 'terraform_data',
      name: 'imported',
      change: { actions: ['no-op'], before: {}, after: {}, after_unknown: {}, importing: { id: `id${BREAKOUT}` }, ...noMasks },
    },
    {
      address: 'data.aws_caller_identity.me',
      mode: 'data',
      type: 'aws_caller_identity',
      name: 'me',
      action_reason: `read_because_forged<img src=read>${BREAKOUT}`,
      change: { actions: ['read'], before: null, after: {}, after_unknown: {}, ...noMasks },
    },
  ],
  output_changes: {
    [`endpoint${BREAKOUT}`]: { actions: ['update'], before: 'a', after: 'b', after_unknown: false, before_sensitive: false, after_sensitive: false },
  },
  checks: [
    {
      address: { kind: `check${BREAKOUT}`, to_display: `check.tls${CR_BREAKOUT}` },
      status: 'fail',
      instances: [{ address: { to_display: `check.tls${BREAKOUT}` }, status: 'fail', problems: [{ message: FENCE_BREAKOUT }, { message: `one line${CR_BREAKOUT}` }] }],
    },
  ],
};

export const hostileError: StackError = {
  kind: 'stack-error',
  stack: 'dev-broken',
  step: `plan\`${BREAKOUT}`,
  exitCode: 1,
  message: `${FENCE_BREAKOUT}\n${CR_BREAKOUT}`,
};
