/** Hand-written AWS-shaped plans: what terraform_data cannot express (IAM, security groups, ASL). */
import { parsePlan, PlanFormatError, renderSummary } from '../../plan-review';
import { fixtureJson, fixturePlan, render } from './helpers';

describe('summary of AWS-shaped plans', () => {
  const seat = fixturePlan('aws/dev-seat.json', 'dev-seat');
  const base = fixturePlan('aws/dev-base.json', 'dev-base');

  it('verdict names what opens access first, then security-relevant counts; no data is lost here', () => {
    const summary = render([base, seat]);
    expect(summary.markdown.split('\n')[2]).toBe(
      '🚨 **Critical**: security group opened to the internet (1); 2 IAM changes, 3 security group changes, 1 state machine definition change, 1 recreated.',
    );
    expect(summary.destructive).toBe(false);
  });

  it('state machine definition change: a readable diff of the pretty-printed ASL', () => {
    const { markdown } = render([seat]);
    expect(markdown).toContain('- 🔀 `dev-seat`: **update** `aws_sfn_state_machine.reserve_seat` — definition changes\n\n  <details><summary>ASL diff</summary>');
    expect(markdown).toContain(['  -                 "dist/reserve.js"', '  +                 "dist/reserve.js",', '  +                 "--hold-minutes=15"'].join('\n'));
    expect(markdown).toContain('  +       "Retry": [');
    expect(markdown).toContain('| 🟡 update | `aws_sfn_state_machine.reserve_seat` | `definition`: changed (diff under Review); `revision_id`: (known after apply)');
  });

  it('IAM policy change: policy diff; role replace ranked as recreated, with what that costs', () => {
    const { markdown } = render([seat]);
    expect(markdown).toContain('**⚠️ Medium: permission, network and workflow changes, objects recreated (3)**');
    expect(markdown).toContain(
      '- 🔐 `dev-seat`: **update** `aws_iam_role_policy.sfn_run_task` — grants more: `ecs:RunTask on arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve:*`',
    );
    expect(markdown).toContain(
      '  -       "Resource": "arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve",\n' +
        '  +       "Resource": "arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve:*",',
    );
    expect(markdown).toContain(
      "- 🗑️🔐 `dev-seat`: **replace** `aws_iam_role.sfn` — gone until recreated; resource policies naming it keep the old role's unique id and stop matching until re-saved (IAM identifiers); create new, then destroy old; forced by `name`; an argument that forces replacement changed\n",
    );
  });

  it('security group rules: the egress opened to 0.0.0.0/0 first and critical, the removed rule low', () => {
    const { markdown } = render([base]);
    const critical = markdown.indexOf('**🚨 Critical');
    const egress = markdown.indexOf(
      '- 🛡️ `dev-base`: **update** `module.network.aws_vpc_security_group_egress_rule.endpoints` — egress opened to the internet: `0.0.0.0/0 tcp 443`; `cidr_ipv4`: `"10.10.0.0/16"` → `"0.0.0.0/0"`',
    );
    const ingress = markdown.indexOf(
      '- 🛡️ `dev-base`: **create** `module.network.aws_vpc_security_group_ingress_rule.https` — allows more addresses or ports: `ingress 10.10.0.0/16 tcp 443`',
    );
    const removed = markdown.indexOf(
      '- 🗑️🛡️ `dev-base`: **delete** `module.network.aws_security_group_rule.legacy_ssh` — closes access from or to the internet; removed; nothing stored in it is lost; removed from the configuration',
    );
    expect(critical).toBeGreaterThan(0);
    expect([critical < egress, egress < ingress, ingress < removed]).toEqual([true, true, true]);
    expect(markdown.lastIndexOf('<details><summary>⚪ Low', removed)).toBeGreaterThan(ingress);
  });

  it('a sensitive or unknown definition is never diffed', () => {
    const json = fixtureJson('aws/dev-seat.json') as { resource_changes: { type: string; change: Record<string, unknown> }[] };
    const sm = json.resource_changes.find((rc) => rc.type === 'aws_sfn_state_machine')!;
    sm.change.after_sensitive = { ...(sm.change.after_sensitive as object), definition: true };
    const markdown = render([parsePlan(json, 'dev-seat')]).markdown;
    expect(markdown).toContain('  - `definition`: the document is sensitive: no diff shown');
    expect(markdown).not.toContain('--hold-minutes=15');

    // Unknown: the new definition is only known after apply (it reads another stack's output).
    const unknownJson = fixtureJson('aws/dev-seat.json') as typeof json;
    const unknownSm = unknownJson.resource_changes.find((rc) => rc.type === 'aws_sfn_state_machine')!;
    unknownSm.change.after_unknown = { ...(unknownSm.change.after_unknown as object), definition: true };
    const unknown = render([parsePlan(unknownJson, 'dev-seat')]).markdown;
    expect(unknown).toContain('  - `definition`: new document is known after apply: no diff shown');
    expect(unknown).not.toContain('--hold-minutes=15');
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
    expect(summary.markdown).toContain('_… 2850 more resources not shown (comment size limit)._');
    expect(summary.markdown).toContain("> ℹ️ **Shortened** to fit GitHub's comment size limit: diffs cut to 80 lines, at most 150 resources listed per stack.");
    expect(summary.markdown).toContain('ASL diff'); // findings survive shortening

    const tiny = renderSummary({ plans: [big, seat], errors: [] }, { maxChars: 1500 });
    expect(tiny.markdown.length).toBeLessThanOrEqual(1500);
    expect(tiny.markdown.endsWith("\n\n_… summary truncated to fit GitHub's comment size limit._\n")).toBe(true);
    expect(tiny.markdown).toContain('  - diff of 28 lines left out to fit the comment size limit');
    // Whole blocks are dropped, never half of one: every <details> and code fence is closed.
    expect((tiny.markdown.match(/<details>/g) ?? []).length).toBe((tiny.markdown.match(/<\/details>/g) ?? []).length);
    expect((tiny.markdown.match(/^\s*```/gm) ?? []).length % 2).toBe(0);
  });
});
