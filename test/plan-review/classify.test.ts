/**
 * plan-review/classify.ts directly: which changes a reviewer must look at, of what kind, at what
 * level, and which document is diffed, each on the smallest change that shows it (the summary tests
 * render whole plans through it).
 */
import {
  destroyImpactOf,
  documentAttributeOf,
  documentDiff,
  findingOf,
  findingsOf,
  isDestructive,
  isDestructiveAction,
  isIamChange,
  isSecurityGroupChange,
  isStateMachineDefinitionChange,
  jsonDiff,
  REASONS,
  type Action,
  type ChangeJson,
  type ResourceChange,
} from '../../plan-review';

const ASL_BEFORE = '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}';
const ASL_AFTER = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}';

const TERRAFORM_ACTIONS: Record<Action, string[]> = {
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  read: ['read'],
  'no-op': ['no-op'],
  forget: ['forget'],
};

/** A change of `type` with sensitivity data (format 0.2 and later), nothing sensitive or unknown. */
const changeOf = (type: string, action: Action, fields: Partial<ChangeJson> = {}, mode: 'managed' | 'data' = 'managed'): ResourceChange => ({
  address: `${type}.this`,
  type,
  mode,
  action,
  change: {
    actions: TERRAFORM_ACTIONS[action],
    before: action === 'create' ? null : { name: 'a' },
    after: action === 'delete' ? null : { name: 'a' },
    after_unknown: {},
    before_sensitive: {},
    after_sensitive: {},
    ...fields,
  } as ChangeJson,
});

describe('what is destructive', () => {
  test('only deletes and replaces are destructive actions', () => {
    const actions: Action[] = ['create', 'update', 'delete', 'replace', 'read', 'no-op', 'forget'];
    expect(actions.filter((action) => isDestructiveAction(changeOf('aws_s3_bucket', action)))).toEqual(['delete', 'replace']);
  });

  test('a delete or replace loses data when the type is destructive, or unreviewed; never for a data source', () => {
    expect(isDestructive(changeOf('aws_s3_bucket', 'delete'))).toBe(true);
    expect(isDestructive(changeOf('aws_s3_bucket', 'replace'))).toBe(true);
    expect(isDestructive(changeOf('aws_dynamodb_table', 'delete'))).toBe(true);
    expect(isDestructive(changeOf('aws_s3_bucket', 'update'))).toBe(false);
    expect(isDestructive(changeOf('aws_iam_role', 'replace'))).toBe(false);
    expect(isDestructive(changeOf('aws_ecs_task_definition', 'replace'))).toBe(false);
    expect(isDestructive(changeOf('aws_s3_bucket', 'delete', {}, 'data'))).toBe(false);
  });
});

describe('IAM and security group changes', () => {
  test.each([
    'aws_iam_role',
    'aws_iam_policy',
    'aws_iam_role_policy',
    'aws_iam_role_policy_attachment',
    'aws_iam_policy_attachment',
    'aws_iam_user_policy',
    'aws_iam_user_policy_attachment',
    'aws_iam_group_policy',
    'aws_iam_group_policy_attachment',
    'aws_iam_role_policies_exclusive',
    'aws_iam_role_policy_attachments_exclusive',
    'aws_s3_bucket_policy',
    'aws_sqs_queue_policy',
    'aws_sns_topic_policy',
    'aws_cloudwatch_event_bus_policy',
    'aws_cloudwatch_event_permission',
    'aws_cloudwatch_log_resource_policy',
    'aws_ecr_repository_policy',
    'aws_secretsmanager_secret_policy',
    'aws_lambda_permission',
  ])('%s is an IAM change when created, updated, deleted or replaced', (type) => {
    const actions: Action[] = ['create', 'update', 'delete', 'replace', 'read', 'no-op', 'forget'];
    expect(actions.filter((action) => isIamChange(changeOf(type, action)))).toEqual(['create', 'update', 'delete', 'replace']);
    expect(isIamChange(changeOf(type, 'update', {}, 'data'))).toBe(false);
  });

  test('the IAM type pattern is anchored at both ends', () => {
    expect(['aws_iam_user', 'aws_iam_role_x', 'xaws_iam_role', 'aws_iam_openid_connect_provider', 'aws_s3_bucket'].filter((type) => isIamChange(changeOf(type, 'update')))).toEqual([]);
  });

  test('security group types, when something changes', () => {
    for (const type of ['aws_security_group', 'aws_default_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule']) {
      expect([isSecurityGroupChange(changeOf(type, 'update')), isSecurityGroupChange(changeOf(type, 'no-op')), isSecurityGroupChange(changeOf(type, 'update', {}, 'data'))]).toEqual([
        true,
        false,
        false,
      ]);
    }
    expect(isSecurityGroupChange(changeOf('aws_vpc', 'update'))).toBe(false);
  });
});

describe('the document diffed', () => {
  test.each<[string, string | undefined]>([
    ['aws_sfn_state_machine', 'definition'],
    ['aws_iam_role', 'assume_role_policy'],
    ['aws_iam_policy', 'policy'],
    ['aws_s3_bucket_policy', 'policy'],
    ['aws_cloudwatch_log_resource_policy', 'policy_document'],
    ['aws_kms_key', 'policy'],
    ['aws_kms_key_policy', 'policy'],
    // A queue's or topic's inline policy is ranked, not diffed; permissions have no document.
    ['aws_sqs_queue', undefined],
    ['aws_sns_topic', undefined],
    ['aws_lambda_permission', undefined],
    ['aws_s3_bucket', undefined],
    ['constructor', undefined],
  ])('%s: %s', (type, attribute) => {
    expect(documentAttributeOf(type)).toBe(attribute);
  });

  const machine = (action: Action, fields: Partial<ChangeJson> = {}) =>
    changeOf('aws_sfn_state_machine', action, { before: { definition: ASL_BEFORE }, after: { definition: ASL_AFTER }, ...fields });

  test('old against new, as a JSON diff', () => {
    expect(documentDiff(machine('update'))).toStrictEqual({ diff: jsonDiff(ASL_BEFORE, ASL_AFTER) });
    expect(jsonDiff(ASL_BEFORE, ASL_AFTER).length).toBeGreaterThan(0);
  });

  test('a create has no old document and a delete no new one', () => {
    expect(documentDiff(machine('create'))).toStrictEqual({ diff: jsonDiff(undefined, ASL_AFTER) });
    expect(documentDiff(machine('delete'))).toStrictEqual({ diff: jsonDiff(ASL_BEFORE, undefined) });
  });

  test('the same document, or a type without one: nothing', () => {
    expect(documentDiff(machine('update', { after: { definition: ASL_BEFORE } }))).toStrictEqual({});
    expect(documentDiff(changeOf('aws_s3_bucket', 'update'))).toStrictEqual({});
  });

  test('why a document cannot be shown', () => {
    expect(documentDiff(machine('update', { after_sensitive: { definition: true } }))).toStrictEqual({ diffNote: '`definition`: the document is sensitive' });
    expect(documentDiff(machine('update', { before_sensitive: { definition: true } }))).toStrictEqual({ diffNote: '`definition`: the document is sensitive' });
    expect(documentDiff(machine('update', { after: {}, after_unknown: { definition: true } }))).toStrictEqual({ diffNote: '`definition`: new document is known after apply' });
    expect(documentDiff(machine('update', { before_sensitive: undefined, after_sensitive: undefined }))).toStrictEqual({
      diffNote: '`definition`: the plan has no sensitivity data (format 0.1)',
    });
  });

  test('a definition change is an update or replace of a state machine whose definition differs', () => {
    expect(isStateMachineDefinitionChange(machine('update'))).toBe(true);
    expect(isStateMachineDefinitionChange(machine('replace'))).toBe(true);
    expect(isStateMachineDefinitionChange(machine('create'))).toBe(false);
    expect(isStateMachineDefinitionChange(machine('update', { after: { definition: ASL_BEFORE, name: 'b' } }))).toBe(false);
    expect(isStateMachineDefinitionChange({ ...machine('update'), type: 'aws_sfn_activity' })).toBe(false);
  });
});

describe('findingOf', () => {
  test('nothing to review: reads, no-ops, data sources, and changes of no reviewed kind', () => {
    expect(findingOf('dev-a', changeOf('aws_s3_bucket', 'read'))).toBeUndefined();
    expect(findingOf('dev-a', changeOf('aws_iam_role', 'no-op'))).toBeUndefined();
    expect(findingOf('dev-a', changeOf('aws_iam_role', 'update', {}, 'data'))).toBeUndefined();
    expect(findingOf('dev-a', changeOf('aws_cloudwatch_log_group', 'update'))).toBeUndefined();
    // A public-access type whose change opens nothing.
    expect(findingOf('dev-a', changeOf('aws_subnet', 'update', { before: { map_public_ip_on_launch: false }, after: { map_public_ip_on_launch: false } }))).toBeUndefined();
  });

  test('a delete that loses data: high, with what it costs', () => {
    const change = changeOf('aws_s3_bucket', 'delete');
    const impact = destroyImpactOf('aws_s3_bucket');
    expect(findingOf('dev-a', change)).toStrictEqual({
      stack: 'dev-a',
      address: 'aws_s3_bucket.this',
      action: 'delete',
      kinds: ['destroy'],
      level: 'high',
      reasons: [{ level: 'high', category: 'data loss', text: impact.why }],
      impact,
      change,
    });
  });

  test('a replace that keeps the old revision is low; one that recreates is medium; a delete of what stores nothing is low', () => {
    expect(findingOf('dev-a', changeOf('aws_ecs_task_definition', 'replace'))?.reasons).toStrictEqual([
      { level: 'low', category: 'new revision', text: destroyImpactOf('aws_ecs_task_definition').why },
    ]);
    // Any replace is reviewed, even of a type no other kind covers.
    expect(findingOf('dev-a', changeOf('aws_cloudwatch_metric_alarm', 'replace'))).toMatchObject({
      kinds: ['destroy'],
      level: 'medium',
      reasons: [{ level: 'medium', category: 'recreated', text: destroyImpactOf('aws_cloudwatch_metric_alarm').why }],
    });
    const rule = findingOf(
      'dev-a',
      changeOf('aws_vpc_security_group_ingress_rule', 'replace', {
        before: { cidr_ipv4: '10.0.0.0/8', from_port: 443, to_port: 443, ip_protocol: 'tcp' },
        after: { cidr_ipv4: '10.0.0.0/8', from_port: 443, to_port: 443, ip_protocol: 'tcp' },
      }),
    );
    expect(rule?.kinds).toEqual(['destroy', 'security-group']);
    expect(rule?.reasons).toContainEqual({ level: 'medium', category: 'recreated', text: destroyImpactOf('aws_vpc_security_group_ingress_rule').why });
    expect(findingOf('dev-a', changeOf('aws_iam_role_policy_attachment', 'delete'))?.reasons).toStrictEqual([
      { level: 'low', category: 'permissions narrowed', text: 'detaches a policy' },
      { level: 'low', category: 'removed', text: 'removed; nothing stored in it is lost' },
    ]);
  });

  test('a state machine definition change: medium, with its diff', () => {
    const change = changeOf('aws_sfn_state_machine', 'update', { before: { definition: ASL_BEFORE }, after: { definition: ASL_AFTER } });
    expect(findingOf('dev-a', change)).toStrictEqual({
      stack: 'dev-a',
      address: 'aws_sfn_state_machine.this',
      action: 'update',
      kinds: ['state-machine'],
      level: 'medium',
      reasons: [{ level: 'medium', category: 'state machine definition change', text: 'definition changes' }],
      change,
      diff: jsonDiff(ASL_BEFORE, ASL_AFTER),
    });
  });

  test('an IAM change without a risk of its own: low when its policy document does not change, medium when it has none', () => {
    expect(findingOf('dev-a', changeOf('aws_iam_role', 'update', { before: { name: 'a', tags: {} }, after: { name: 'a', tags: { team: 'x' } } }))?.reasons).toStrictEqual([
      { level: 'low', category: 'IAM change', text: 'its policy document does not change' },
    ]);
    expect(findingOf('dev-a', changeOf('aws_iam_role_policies_exclusive', 'update'))?.reasons).toStrictEqual([{ level: 'medium', category: 'IAM change', text: 'update' }]);
  });

  test('a created role is reviewed without a diff (only updates and replaces are diffed)', () => {
    const finding = findingOf('dev-a', changeOf('aws_iam_role', 'create', { after: { assume_role_policy: '{"Statement":[]}' } }))!;
    expect(finding.kinds).toEqual(['iam']);
    expect(Object.keys(finding)).not.toContain('diff');
    expect(Object.keys(finding)).not.toContain('diffNote');
    expect(Object.keys(finding)).not.toContain('impact');
  });

  test('a policy inside another resource is reviewed as IAM', () => {
    const open = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}';
    const finding = findingOf('dev-a', changeOf('aws_sqs_queue', 'update', { before: { policy: '{"Statement":[]}' }, after: { policy: open } }))!;
    expect(finding.kinds).toEqual(['iam']);
    expect(finding.level).toBe('critical');
  });

  test('kinds together, reasons riskiest first, the level the riskiest', () => {
    const finding = findingOf('dev-a', changeOf('aws_kms_key', 'replace', { before: { policy: '{}' }, after: { policy: '{"Statement":[]}' } }))!;
    expect(finding.kinds).toEqual(['destroy', 'kms']);
    expect(finding.reasons.map((reason) => [reason.level, reason.category])).toEqual([
      ['critical', 'KMS key policy change'],
      ['high', 'data loss'],
    ]);
    expect(finding.level).toBe('critical');
    expect(findingOf('dev-a', changeOf('aws_subnet', 'update', { before: { map_public_ip_on_launch: false }, after: { map_public_ip_on_launch: true } }))?.kinds).toEqual(['public-access']);
  });
});

test('findingsOf: every finding of a stack, riskiest first, plan order within a level', () => {
  const changes = [
    changeOf('aws_iam_role', 'update', { before: { tags: {} }, after: { tags: { a: 'b' } } }),
    changeOf('aws_cloudwatch_log_group', 'update'),
    changeOf('aws_s3_bucket', 'delete'),
    changeOf('aws_iam_role_policies_exclusive', 'update'),
    { ...changeOf('aws_sqs_queue', 'delete'), address: 'aws_sqs_queue.second' },
  ];
  const findings = findingsOf({ stack: 'dev-a', formatVersion: '1.2', changes, outputChanges: [], errored: false, failedChecks: [] });
  expect(findings.map((finding) => [finding.address, finding.level])).toEqual([
    ['aws_s3_bucket.this', 'high'],
    ['aws_sqs_queue.second', 'high'],
    ['aws_iam_role_policies_exclusive.this', 'medium'],
    ['aws_iam_role.this', 'low'],
  ]);
});

test('every public-access and KMS type is reviewed as such, whatever else it is', () => {
  const publicAccess = [
    'aws_s3_bucket_public_access_block',
    'aws_s3_account_public_access_block',
    'aws_s3_bucket_acl',
    'aws_db_instance',
    'aws_rds_cluster_instance',
    'aws_subnet',
    'aws_ecs_service',
    'aws_lambda_function_url',
  ];
  for (const type of publicAccess) expect({ type, kinds: findingOf('dev-a', changeOf(type, 'replace'))?.kinds }).toEqual({ type, kinds: ['destroy', 'public-access'] });
  for (const type of ['aws_kms_key_policy', 'aws_kms_grant']) expect({ type, kinds: findingOf('dev-a', changeOf(type, 'create'))?.kinds }).toEqual({ type, kinds: ['kms'] });
});

test("Terraform's action reasons, as a reviewer reads them", () => {
  expect(REASONS).toEqual({
    replace_because_cannot_update: 'an argument that forces replacement changed',
    replace_because_tainted: 'the object is tainted',
    replace_by_request: 'replacement was requested (-replace)',
    replace_by_triggers: 'replace_triggered_by fired',
    delete_because_no_resource_config: 'removed from the configuration',
    delete_because_no_module: 'its module was removed',
    delete_because_wrong_repetition: 'count/for_each changed shape',
    delete_because_count_index: 'count shrank',
    delete_because_each_key: 'its for_each key is gone',
    delete_because_no_move_target: 'the moved target does not exist',
  });
});
