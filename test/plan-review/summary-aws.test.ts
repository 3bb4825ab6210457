/** Hand-written AWS-shaped plans: what terraform_data cannot express (IAM, security groups, ASL). */
import { parsePlan, PlanFormatError, renderSummary } from '../../plan-review';
import { fixtureJson, fixturePlan, render } from './helpers';

describe('summary of AWS-shaped plans', () => {
  const seat = fixturePlan('aws/dev-seat.json', 'dev-seat');
  const base = fixturePlan('aws/dev-base.json', 'dev-base');

  it('verdict names destroys first, then security-relevant counts', () => {
    expect(render([base, seat]).markdown.split('\n')[2]).toBe(
      '⚠️ **Destructive**: 1 to delete, 1 to replace in `dev-base`, `dev-seat`; 2 IAM changes, 3 security group changes, 1 state machine definition change.',
    );
  });

  it('state machine definition change: a readable diff of the pretty-printed ASL', () => {
    const { markdown } = render([seat]);
    expect(markdown).toContain('- `dev-seat`: **update** `aws_sfn_state_machine.reserve_seat` — definition changes');
    expect(markdown).toContain(
      [
        '  -                 "dist/reserve.js"',
        '  +                 "dist/reserve.js",',
        '  +                 "--hold-minutes=15"',
      ].join('\n'),
    );
    expect(markdown).toContain('  +       "Retry": [');
    expect(markdown).toContain('| 🟡 update | `aws_sfn_state_machine.reserve_seat` | `definition`: changed (diff under Warnings); `revision_id`: (known after apply)');
  });

  it('IAM policy change: policy diff; role replace listed under IAM and destroys', () => {
    const { markdown } = render([seat]);
    expect(markdown).toContain('**🔐 IAM policies and roles** (2)');
    expect(markdown).toContain('- `dev-seat`: **replace** `aws_iam_role.sfn`\n');
    expect(markdown).toContain(
      '  -       "Resource": "arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve",\n' +
        '  +       "Resource": "arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve:*",',
    );
    expect(markdown).toContain('- `dev-seat`: **replace** `aws_iam_role.sfn` — create new, then destroy old; forced by `name`');
  });

  it('security group rules: delete, create and the changed CIDR', () => {
    const { markdown } = render([base]);
    expect(markdown).toContain('**🛡️ Security group rules** (3)');
    expect(markdown).toContain('- `dev-base`: **delete** `module.network.aws_security_group_rule.legacy_ssh`\n');
    expect(markdown).toContain('- `dev-base`: **create** `module.network.aws_vpc_security_group_ingress_rule.https`\n');
    expect(markdown).toContain(
      '- `dev-base`: **update** `module.network.aws_vpc_security_group_egress_rule.endpoints` — `cidr_ipv4`: "10.10.0.0/16" → "0.0.0.0/0"',
    );
  });

  it('a sensitive or unknown definition is never diffed', () => {
    const json = fixtureJson('aws/dev-seat.json') as { resource_changes: { type: string; change: Record<string, unknown> }[] };
    const sm = json.resource_changes.find((rc) => rc.type === 'aws_sfn_state_machine')!;
    sm.change.after_sensitive = { ...(sm.change.after_sensitive as object), definition: true };
    const markdown = render([parsePlan(json, 'dev-seat')]).markdown;
    expect(markdown).toContain('  - `definition`: new document is sensitive: no diff shown');
    expect(markdown).not.toContain('--hold-minutes=15');
  });

  it('format 0.1 (no sensitivity masks): no value of any attribute is printed', () => {
    const { markdown } = render([fixturePlan('legacy/format-0.1.json', 'legacy')]);
    expect(markdown).not.toMatch(/plaintext-password|rotated-password|task-definition/);
    expect(markdown).toContain('`password`: (hidden: plan has no sensitivity data) → (hidden: plan has no sensitivity data)');
    expect(markdown).toContain('  - `policy`: the plan has no sensitivity data (format 0.1): no diff shown');
  });

  it('rejects a future format_version and a non-plan', () => {
    expect(() => parsePlan({ format_version: '2.0', resource_changes: [] }, 'dev-base')).toThrow(
      new PlanFormatError('dev-base: unsupported plan format_version "2.0" (supported: 0.1 to 1.x)'),
    );
    expect(() => parsePlan({ resource_changes: [] }, 'dev-base')).toThrow(/missing "format_version"/);
    expect(() => parsePlan({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['explode'] } }] }, 'x')).toThrow(
      'x: resource_changes[0] (a.b): unknown action list [explode]',
    );
  });

  it('stays under the comment limit: shortens diffs and tables, then truncates with a note', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      address: `aws_cloudwatch_event_rule.rule_${i}`,
      mode: 'managed',
      type: 'aws_cloudwatch_event_rule',
      change: { actions: ['update'], before: { description: `old ${i}` }, after: { description: `new ${i}` }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
    }));
    const big = parsePlan({ format_version: '1.2', resource_changes: many }, 'dev-big');
    const summary = renderSummary({ plans: [big, seat], errors: [] });
    expect(summary.markdown.length).toBeLessThanOrEqual(65_000);
    expect(summary.shortened).toBe(true);
    expect(summary.markdown).toContain('_… 2850 more resources not shown (comment size limit); see the plan artifact._');
    expect(summary.markdown).toContain('ASL diff'); // warnings survive shortening

    const tiny = renderSummary({ plans: [big, seat], errors: [] }, { maxChars: 1500 });
    expect(tiny.markdown.length).toBeLessThanOrEqual(1500);
    expect(tiny.markdown).toContain("_… summary truncated to fit GitHub's comment size limit; the full plans are in the workflow artifacts._");
    expect((tiny.markdown.match(/<details>/g) ?? []).length).toBe((tiny.markdown.match(/<\/details>/g) ?? []).length);
  });
});
