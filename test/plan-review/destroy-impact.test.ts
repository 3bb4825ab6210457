/**
 * The prod gate tells data loss from revisions: one reviewed table (plan-review/destroy-impact.ts),
 * a test per row, and `--fail-on-destroy` using it. That every type this repository creates has a row
 * is checked on the synthesized stacks (destroy-impact-coverage.test.ts), so that this file needs no synth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DESTROY_IMPACT, destroyImpactOf, parsePlan, renderSummary, type DestroyImpact } from '../../plan-review';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = join(__dirname, '..', '..');

/** The reviewed rows, written out again here: changing the table means changing this list. */
const EXPECTED: readonly (readonly [type: string, impact: DestroyImpact])[] = [
  ['aws_ecs_task_definition', 'revision'],
  ['aws_autoscaling_group', 'destructive'],
  ['aws_ecs_capacity_provider', 'destructive'],
  ['aws_iam_instance_profile', 'recreated'],
  ['aws_launch_template', 'recreated'],
  ['aws_s3_bucket', 'destructive'],
  ['aws_cloudwatch_log_group', 'destructive'],
  ['aws_sqs_queue', 'destructive'],
  ['aws_kms_key', 'destructive'],
  ['aws_ecr_repository', 'destructive'],
  ['aws_vpc', 'destructive'],
  ['aws_subnet', 'destructive'],
  ['aws_cloudwatch_event_bus', 'destructive'],
  ['aws_sfn_state_machine', 'destructive'],
  ['aws_cloudwatch_event_rule', 'destructive'],
  ['aws_cloudwatch_event_target', 'destructive'],
  ['aws_sns_topic', 'destructive'],
  ['aws_sns_topic_subscription', 'destructive'],
  ['aws_eip', 'destructive'],
  ['aws_nat_gateway', 'destructive'],
  ['aws_ecs_cluster', 'destructive'],
  ['aws_iam_role', 'recreated'],
  ['aws_iam_role_policy', 'recreated'],
  ['aws_iam_policy', 'recreated'],
  ['aws_iam_role_policy_attachment', 'recreated'],
  ['aws_iam_openid_connect_provider', 'recreated'],
  ['aws_security_group', 'recreated'],
  ['aws_default_security_group', 'recreated'],
  ['aws_vpc_security_group_ingress_rule', 'recreated'],
  ['aws_vpc_security_group_egress_rule', 'recreated'],
  ['aws_security_group_rule', 'recreated'],
  ['aws_vpc_endpoint', 'recreated'],
  ['aws_route', 'recreated'],
  ['aws_route_table', 'recreated'],
  ['aws_route_table_association', 'recreated'],
  ['aws_internet_gateway', 'recreated'],
  ['aws_flow_log', 'recreated'],
  ['aws_ecs_cluster_capacity_providers', 'recreated'],
  ['aws_ecr_lifecycle_policy', 'recreated'],
  ['aws_s3_bucket_policy', 'recreated'],
  ['aws_s3_bucket_public_access_block', 'recreated'],
  ['aws_s3_bucket_versioning', 'recreated'],
  ['aws_s3_bucket_server_side_encryption_configuration', 'recreated'],
  ['aws_s3_bucket_lifecycle_configuration', 'recreated'],
  ['aws_s3_bucket_ownership_controls', 'recreated'],
  ['aws_kms_alias', 'recreated'],
  ['aws_cloudwatch_metric_alarm', 'recreated'],
  ['aws_sqs_queue_policy', 'recreated'],
  ['aws_sns_topic_policy', 'recreated'],
  ['terraform_data', 'recreated'],
];

const planOf = (type: string, actions: string[]) =>
  parsePlan(
    {
      format_version: '1.2',
      resource_changes: [
        {
          address: `${type}.this`,
          mode: 'managed',
          type,
          name: 'this',
          change: { actions, before: { name: 'a' }, after: actions.includes('create') ? { name: 'b' } : null, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
        },
      ],
    },
    'prod-x',
  );

describe('destroy impact table', () => {
  it('holds exactly the reviewed rows', () => {
    expect(Object.keys(DESTROY_IMPACT).sort()).toEqual(EXPECTED.map(([type]) => type).sort());
  });

  describe.each(EXPECTED)('%s', (type, impact) => {
    it(`is ${impact}: the gate ${impact === 'destructive' ? 'refuses' : 'lets through'} its replace and delete`, () => {
      const row = destroyImpactOf(type);
      expect(row).toMatchObject({ impact, reviewed: true });
      expect(row.why.length).toBeGreaterThan(20);
      for (const actions of [['delete', 'create'], ['create', 'delete'], ['delete']]) {
        const summary = renderSummary({ plans: [planOf(type, actions)], errors: [] });
        expect(summary.destructive).toBe(impact === 'destructive');
        // A delete of something that stores nothing only removes it; a replace says what it costs.
        expect(summary.markdown).toContain(impact !== 'destructive' && actions.length === 1 ? 'removed; nothing stored in it is lost' : row.why);
      }
    });
  });

  it('an unclassified type is destructive until someone reviews it', () => {
    expect(destroyImpactOf('aws_dynamodb_table')).toEqual({
      impact: 'destructive',
      why: 'no reviewed classification for this type yet: treated as data loss',
      reviewed: false,
    });
    expect(destroyImpactOf('constructor').reviewed).toBe(false);
    expect(renderSummary({ plans: [planOf('aws_dynamodb_table', ['delete', 'create'])], errors: [] }).destructive).toBe(true);
  });

  it('a data source or a create is never destructive', () => {
    const read = parsePlan({ format_version: '1.2', resource_changes: [{ address: 'data.aws_s3_bucket.b', mode: 'data', type: 'aws_s3_bucket', change: { actions: ['read'] } }] }, 'x');
    expect(renderSummary({ plans: [read, planOf('aws_s3_bucket', ['create'])], errors: [] }).destructive).toBe(false);
  });
});

describe('plan:summary --fail-on-destroy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fail-on-destroy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (plans: Record<string, unknown>) => {
    const files = Object.entries(plans).map(([name, json]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(json));
      return file;
    });
    return spawnSync(process.execPath, [...TS_NODE_ARGS, join(ROOT, 'scripts', 'plan-summary.ts'), ...files, '--fail-on-destroy'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: dir },
      encoding: 'utf8',
    });
  };

  /** What an image tag bump in prod plans: the task definition is replaced, the state machine updated. */
  const imageBump = {
    format_version: '1.2',
    resource_changes: [
      {
        address: 'module.tasks.aws_ecs_task_definition.this["seat/reserve"]',
        mode: 'managed',
        type: 'aws_ecs_task_definition',
        change: {
          actions: ['create', 'delete'],
          before: { container_definitions: '[{"image":"seat:1.0.0"}]', revision: 7 },
          after: { container_definitions: '[{"image":"seat:1.1.0"}]' },
          after_unknown: { revision: true, arn: true },
          before_sensitive: {},
          after_sensitive: {},
          replace_paths: [['container_definitions']],
        },
        action_reason: 'replace_because_cannot_update',
      },
    ],
  };

  it('a task definition replace (a new revision) passes the gate', () => {
    const result = run({ 'prod-base': imageBump });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('✅ **Safe to apply**: 1 to replace; nothing lost (1 replace is a new revision).');
    expect(result.stdout).toContain('a new revision is registered; the old one is deregistered (INACTIVE), not deleted');
  });

  it('deleting a bucket or replacing a state machine is refused, naming each', () => {
    const lossy = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_s3_bucket.archive',
          mode: 'managed',
          type: 'aws_s3_bucket',
          change: { actions: ['delete'], before: { bucket: 'x' }, after: null, before_sensitive: {}, after_sensitive: false },
        },
        {
          address: 'aws_sfn_state_machine.reserve',
          mode: 'managed',
          type: 'aws_sfn_state_machine',
          change: { actions: ['delete', 'create'], before: { name: 'a' }, after: { name: 'b' }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
        },
      ],
    };
    const result = run({ 'prod-base': imageBump, 'prod-seat': lossy });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('--fail-on-destroy: 2 delete(s)/replace(s) lose data:\n  prod-seat: delete aws_s3_bucket.archive\n  prod-seat: replace aws_sfn_state_machine.reserve\n');
    expect(result.stdout).toContain('⚠️ **Destructive**: 1 to delete, 1 to replace in `prod-seat`');
    expect(result.stdout).toContain('running executions are terminated and its execution history is deleted');
  });
});
