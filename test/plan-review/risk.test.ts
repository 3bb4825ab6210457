/**
 * plan-review/risk.ts directly: each rule on the smallest change that shows it, with the exact level,
 * category, text and values (values are plan-derived and rendered as code), and what a rule says when
 * it cannot see a value because it is sensitive.
 */
import type { Action, ChangeJson, ResourceChange } from '../../plan-review/plan-json';
import { INTERNET_CIDRS, POLICY_ATTRIBUTES, RISK_ORDER, riskReasons, SECURITY_GROUP_TYPES, securityGroupPermissions, type RiskReason } from '../../plan-review/risk';

const TERRAFORM_ACTIONS: Record<Action, string[]> = {
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  read: ['read'],
  'no-op': ['no-op'],
  forget: ['forget'],
};

/** A change with sensitivity data (nothing sensitive unless given) of `type`. */
const change = (type: string, action: Action, before: unknown, after: unknown, fields: Partial<ChangeJson> = {}): ResourceChange => ({
  address: `${type}.this`,
  type,
  mode: 'managed',
  action,
  change: {
    actions: TERRAFORM_ACTIONS[action],
    before: action === 'create' ? null : before,
    after: action === 'delete' ? null : after,
    after_unknown: {},
    before_sensitive: action === 'create' ? false : {},
    after_sensitive: action === 'delete' ? false : {},
    ...fields,
  },
});
const noSensitivity = (c: ResourceChange): ResourceChange => ({ ...c, change: { actions: c.change.actions, before: c.change.before, after: c.change.after } });
const reason = (level: RiskReason['level'], category: string, text: string, values?: string[]): RiskReason => ({ level, category, text, ...(values ? { values } : {}) });

describe('constants', () => {
  it('orders the levels riskiest first and names the internet CIDRs and the rule types', () => {
    expect(RISK_ORDER).toStrictEqual(['critical', 'high', 'medium', 'low']);
    expect([...INTERNET_CIDRS]).toStrictEqual(['0.0.0.0/0', '::/0']);
    expect([...SECURITY_GROUP_TYPES]).toStrictEqual([
      'aws_security_group',
      'aws_default_security_group',
      'aws_security_group_rule',
      'aws_vpc_security_group_ingress_rule',
      'aws_vpc_security_group_egress_rule',
    ]);
    expect(POLICY_ATTRIBUTES.aws_iam_role).toStrictEqual(['assume_role_policy']);
    expect(POLICY_ATTRIBUTES.aws_cloudwatch_log_resource_policy).toStrictEqual(['policy_document']);
  });
});

describe('securityGroupPermissions', () => {
  it('reads the rule resources with their direction, CIDR fields and ports', () => {
    const rule = { cidr_ipv4: '10.0.0.0/8', from_port: 443, to_port: 443, ip_protocol: 'tcp' };
    expect(securityGroupPermissions('aws_vpc_security_group_ingress_rule', rule)).toStrictEqual([{ direction: 'ingress', cidr: '10.0.0.0/8', ports: 'tcp 443' }]);
    expect(securityGroupPermissions('aws_vpc_security_group_egress_rule', { cidr_ipv6: '::/0', ip_protocol: '-1' })).toStrictEqual([
      { direction: 'egress', cidr: '::/0', ports: 'all ports' },
    ]);
    expect(
      securityGroupPermissions('aws_security_group_rule', {
        type: 'egress',
        cidr_blocks: ['10.0.0.0/16', 7, '(sensitive)', '(known after apply)'],
        ipv6_cidr_blocks: ['::/0'],
        protocol: 'udp',
        from_port: 53,
        to_port: 54,
      }),
    ).toStrictEqual([
      { direction: 'egress', cidr: '10.0.0.0/16', ports: 'udp 53-54' },
      { direction: 'egress', cidr: '::/0', ports: 'udp 53-54' },
    ]);
    expect(securityGroupPermissions('aws_security_group_rule', { type: 'ingress', cidr_blocks: '1.2.3.4/32', protocol: 'all' })).toStrictEqual([
      { direction: 'ingress', cidr: '1.2.3.4/32', ports: 'all ports' },
    ]);
    expect(securityGroupPermissions('aws_security_group_rule', { cidr_blocks: null, protocol: 6, from_port: 1, to_port: 1 })).toStrictEqual([]);
    expect(securityGroupPermissions('aws_security_group_rule', { cidr_blocks: ['1.0.0.0/8'], protocol: 6, from_port: 1, to_port: 1 })).toStrictEqual([
      { direction: 'ingress', cidr: '1.0.0.0/8', ports: '6 1' },
    ]);
    expect(securityGroupPermissions('aws_vpc_security_group_ingress_rule', { cidr_ipv4: '1.0.0.0/8', ip_protocol: true, from_port: 1, to_port: 2 })).toStrictEqual([
      { direction: 'ingress', cidr: '1.0.0.0/8', ports: 'true 1-2' },
    ]);
    expect(securityGroupPermissions('aws_vpc_security_group_ingress_rule', { cidr_ipv4: '1.0.0.0/8', ip_protocol: { p: 1 }, from_port: 1, to_port: 1 })).toStrictEqual([
      { direction: 'ingress', cidr: '1.0.0.0/8', ports: '{"p":1} 1' },
    ]);
    expect(securityGroupPermissions('aws_vpc_security_group_ingress_rule', { cidr_ipv4: '1.0.0.0/8', from_port: 1, to_port: 1 })).toStrictEqual([
      { direction: 'ingress', cidr: '1.0.0.0/8', ports: ' 1' },
    ]);
    expect(securityGroupPermissions('aws_vpc_security_group_ingress_rule', { cidr_ipv4: '1.0.0.0/8', ip_protocol: 'tcp', protocol: 'udp', from_port: 1, to_port: 1 })).toStrictEqual([
      { direction: 'ingress', cidr: '1.0.0.0/8', ports: 'tcp 1' },
    ]);
  });

  it('reads the inline ingress and egress blocks of a security group, skipping what is not a rule', () => {
    const group = {
      ingress: [{ cidr_blocks: ['0.0.0.0/0'], protocol: 'tcp', from_port: 22, to_port: 22 }, 'x'],
      egress: { cidr_blocks: ['10.0.0.0/8'], protocol: '-1', from_port: 0, to_port: 0 },
    };
    const expected = [
      { direction: 'ingress', cidr: '0.0.0.0/0', ports: 'tcp 22' },
      { direction: 'egress', cidr: '10.0.0.0/8', ports: 'all ports' },
    ];
    expect(securityGroupPermissions('aws_security_group', group)).toStrictEqual(expected);
    expect(securityGroupPermissions('aws_default_security_group', group)).toStrictEqual(expected);
    expect(securityGroupPermissions('aws_s3_bucket', group)).toStrictEqual([]);
    expect(securityGroupPermissions('aws_security_group', undefined)).toStrictEqual([]);
  });
});

describe('riskReasons: security groups', () => {
  const ingress = (cidr: string, from = 443, to = from, protocol = 'tcp') => ({ cidr_ipv4: cidr, ip_protocol: protocol, from_port: from, to_port: to });
  const RULE = 'aws_vpc_security_group_ingress_rule';

  it('is critical when a rule opens to the internet, one reason per direction with examples', () => {
    expect(riskReasons(change(RULE, 'create', null, ingress('0.0.0.0/0')))).toStrictEqual([
      reason('critical', 'security group opened to the internet', 'ingress opened to the internet', ['0.0.0.0/0 tcp 443']),
    ]);
    const group = {
      ingress: [1, 2, 3, 4, 5, 6].map((port) => ({ cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [], protocol: 'tcp', from_port: port, to_port: port })),
      egress: [{ cidr_blocks: [], ipv6_cidr_blocks: ['::/0'], protocol: '-1', from_port: 0, to_port: 0 }],
    };
    expect(riskReasons(change('aws_security_group', 'create', null, group))).toStrictEqual([
      reason('critical', 'security group opened to the internet', 'ingress opened to the internet', [
        '0.0.0.0/0 tcp 1',
        '0.0.0.0/0 tcp 2',
        '0.0.0.0/0 tcp 3',
        '0.0.0.0/0 tcp 4',
        '0.0.0.0/0 tcp 5',
        '1 more',
      ]),
      reason('critical', 'security group opened to the internet', 'egress opened to the internet', ['::/0 all ports']),
    ]);
  });

  it('is not critical when the internet rule was already there', () => {
    const open = ingress('0.0.0.0/0');
    expect(riskReasons(change(RULE, 'update', { ...open, description: 'a' }, { ...open, description: 'b' }))).toStrictEqual([reason('medium', 'security group change', 'rule changes')]);
  });

  it('is medium for a new rule that opens no more than the internet, and names what it adds when it widens', () => {
    expect(riskReasons(change(RULE, 'create', null, ingress('10.0.0.0/8')))).toStrictEqual([
      reason('medium', 'security group change', 'allows more addresses or ports', ['ingress 10.0.0.0/8 tcp 443']),
    ]);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/16'), ingress('10.0.0.0/8')))).toStrictEqual([
      reason('medium', 'security group change', 'allows more addresses or ports', ['ingress 10.0.0.0/8 tcp 443']),
    ]);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8', 443), ingress('10.0.0.0/8', 80)))).toStrictEqual([
      reason('medium', 'security group change', 'allows more addresses or ports', ['ingress 10.0.0.0/8 tcp 80']),
    ]);
    expect(riskReasons(change(RULE, 'create', null, { ip_protocol: 'tcp', from_port: 1, to_port: 1, referenced_security_group_id: 'sg-1' }))).toStrictEqual([
      reason('medium', 'security group change', 'new rule'),
    ]);
  });

  it('is low when an update only narrows, and says when it closes internet access', () => {
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8'), ingress('10.1.0.0/16')))).toStrictEqual([reason('low', 'security group narrowed', 'narrows access')]);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8'), ingress('10.0.0.0/8')))).toStrictEqual([reason('medium', 'security group change', 'rule changes')]);
    expect(riskReasons(change(RULE, 'update', ingress('0.0.0.0/0'), ingress('10.1.2.3/32')))).toStrictEqual([
      reason('low', 'security group narrowed', 'closes access from or to the internet'),
    ]);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8', 0, 0, '-1'), ingress('10.2.0.0/16', 22)))).toStrictEqual([reason('low', 'security group narrowed', 'narrows access')]);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8', 22), ingress('10.2.0.0/16', 0, 0, '-1')))[0].level).toBe('medium');
    expect(riskReasons(change(RULE, 'update', ingress('::/0'), ingress('2001:db8::/32')))).toStrictEqual([reason('low', 'security group narrowed', 'closes access from or to the internet')]);
    const egress = { protocol: 'tcp', from_port: 443, to_port: 443 };
    expect(
      riskReasons(
        change('aws_security_group', 'update', { ingress: [], egress: [{ ...egress, cidr_blocks: ['10.0.0.0/8'] }] }, { ingress: [{ ...egress, cidr_blocks: ['10.1.0.0/16'] }], egress: [] }),
      )[0],
    ).toStrictEqual(reason('medium', 'security group change', 'allows more addresses or ports', ['ingress 10.1.0.0/16 tcp 443']));
  });

  it.each([
    ['10.0.0.0/8', '10.255.255.255/32', 'low'],
    ['10.0.0.0/8', '11.0.0.0/32', 'medium'],
    ['10.0.0.0/8', '9.255.255.255/32', 'medium'],
    ['10.0.0.0/24', '10.0.0.0/23', 'medium'],
    ['10.0.0.0/24', '10.0.0.128/25', 'low'],
    ['10.0.0.0/32', '10.0.0.0/32', 'medium'],
    ['10.0.0.0/31', '10.0.0.1/32', 'low'],
    ['10.0.0.0/31', '10.0.0.2/32', 'medium'],
    ['0.0.0.0/1', '127.255.255.255/32', 'low'],
    ['0.0.0.0/1', '128.0.0.0/32', 'medium'],
    ['10.0.0.0/33', '10.0.0.0/32', 'medium'],
    ['256.0.0.0/8', '256.0.0.0/16', 'medium'],
    ['10.0.0.0/8', '10.0.0.256/32', 'medium'],
    ['10.0.0.0/8', '10.0.0.0/33', 'medium'],
    ['10.0.0.0/8', '10.0.0.0/100', 'medium'],
    ['10.0.0.0/8', '10.0.0.0', 'medium'],
    ['10.0.0.0/8', 'x10.0.0.0/16', 'medium'],
    ['10.0.0.0/8', '10.0.0.0/16x', 'medium'],
    ['10.0.0.0/8', '10.0.0.1000/16', 'medium'],
    ['10.0.0.0/8', '2001:db8::/32', 'medium'],
    ['2001:db8::/32', '2001:db8::/48', 'medium'],
    ['::/0', '10.0.0.0/8', 'medium'],
  ])('a rule from %s narrowed to %s is %s', (from, to, level) => {
    expect(riskReasons(change(RULE, 'update', ingress(from), ingress(to)))[0].level).toBe(level);
  });

  it('is low for a deleted rule, and says when it closed internet access', () => {
    expect(riskReasons(change(RULE, 'delete', ingress('10.0.0.0/8'), null))).toStrictEqual([reason('low', 'security group rule removed', 'removes access')]);
    expect(riskReasons(change(RULE, 'delete', ingress('0.0.0.0/0'), null))).toStrictEqual([reason('low', 'security group rule removed', 'closes access from or to the internet')]);
  });

  it('is high when addresses or ports are sensitive, or the plan has no sensitivity data', () => {
    const cannot = [reason('high', 'security group rule that cannot be checked', 'its addresses or ports are sensitive or the plan has no sensitivity data: cannot be checked')];
    expect(riskReasons(change(RULE, 'create', null, ingress('10.0.0.0/8'), { after_sensitive: { cidr_ipv4: true } }))).toStrictEqual(cannot);
    expect(riskReasons(change(RULE, 'update', ingress('10.0.0.0/8'), ingress('10.0.0.0/8'), { before_sensitive: { from_port: true } }))).toStrictEqual(cannot);
    expect(
      riskReasons(change('aws_security_group', 'update', { ingress: [] }, { ingress: [{ cidr_blocks: ['10.0.0.0/8'] }] }, { after_sensitive: { ingress: [{ cidr_blocks: [true] }] } })),
    ).toStrictEqual(cannot);
    expect(riskReasons(change(RULE, 'delete', ingress('10.0.0.0/8'), null, { before_sensitive: { ip_protocol: true } }))).toStrictEqual(cannot);
    for (const field of ['egress', 'cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv6', 'to_port', 'protocol'])
      expect(riskReasons(change('aws_security_group_rule', 'create', null, { [field]: 'x' }, { after_sensitive: { [field]: true } }))).toStrictEqual(cannot);
    expect(riskReasons(noSensitivity(change(RULE, 'create', null, ingress('10.0.0.0/8'))))).toStrictEqual(cannot);
    // A sensitive description does not hide the addresses.
    expect(riskReasons(change(RULE, 'create', null, { ...ingress('10.0.0.0/8'), description: 'x' }, { after_sensitive: { description: true } }))[0].level).toBe('medium');
    // Deleting with no sensitivity data: nothing after the delete to judge.
    expect(riskReasons(noSensitivity(change(RULE, 'delete', ingress('10.0.0.0/8'), null)))).toStrictEqual([reason('low', 'security group rule removed', 'removes access')]);
  });
});

describe('riskReasons: IAM and resource policies', () => {
  const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const allow = (Action: unknown, Resource: unknown = 'arn:aws:s3:::b/*', extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
  const policy = (action: Action, before: unknown, after: unknown, type = 'aws_iam_policy') => change(type, action, { policy: before }, { policy: after });

  it('is critical for a new `*` action, service wildcard or resource, with the grant as its value', () => {
    expect(riskReasons(policy('create', undefined, doc(allow('*'))))).toStrictEqual([reason('critical', 'IAM wildcard', 'adds a `*` grant', ['* on arn:aws:s3:::b/*'])]);
    expect(riskReasons(policy('create', undefined, doc(allow('s3:*'))))).toStrictEqual([reason('critical', 'IAM wildcard', 'adds a `*` grant', ['s3:* on arn:aws:s3:::b/*'])]);
    expect(riskReasons(policy('create', undefined, doc(allow('states:StartExecution', '*'))))).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['states:StartExecution on *']),
    ]);
    expect(riskReasons(policy('create', undefined, doc(allow('s3:Get*'))))).toStrictEqual([reason('medium', 'IAM change', 'grants more', ['s3:Get* on arn:aws:s3:::b/*'])]);
    expect(riskReasons(policy('create', undefined, doc(allow('aws-marketplace:*'))))[0].category).toBe('IAM wildcard');
    expect(riskReasons(policy('create', undefined, doc(allow('x s3:*'))))[0].category).toBe('IAM change');
    expect(riskReasons(policy('create', undefined, doc(allow('s3:*x'))))[0].category).toBe('IAM change');
  });

  it('is critical for NotAction, NotResource and NotPrincipal, and marks conditional wildcards', () => {
    expect(riskReasons(policy('create', undefined, doc({ Effect: 'Allow', NotAction: ['iam:*', 'kms:*'], Resource: 'r' })))).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['NotAction iam:*,kms:* on r']),
    ]);
    expect(riskReasons(policy('create', undefined, doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'r' })))).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['s3:GetObject on NotResource r']),
    ]);
    expect(riskReasons(policy('create', undefined, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'r', NotPrincipal: { AWS: 'a' } }), 'aws_s3_bucket_policy'))).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['s3:GetObject on r for NotPrincipal']),
    ]);
    expect(riskReasons(policy('create', undefined, doc(allow('*', 'r', { Condition: { Bool: { x: 'true' } } }))))).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['* on r (with a condition)']),
    ]);
  });

  it('ignores Deny statements and statements that are not objects', () => {
    expect(riskReasons(policy('create', undefined, doc({ Effect: 'Deny', Action: '*', Resource: '*' }, 'x')))).toStrictEqual([]);
  });

  it('is critical for any principal without a condition, high with one', () => {
    const bucket = (statement: unknown) => riskReasons(policy('create', undefined, doc(statement), 'aws_s3_bucket_policy'));
    expect(bucket(allow('s3:GetObject', 'r', { Principal: '*' }))).toStrictEqual([
      reason('critical', 'public access', 'allows any principal without a condition', ['s3:GetObject on r for *']),
    ]);
    expect(bucket(allow('s3:GetObject', 'r', { Principal: { AWS: '*' } }))).toStrictEqual([
      reason('critical', 'public access', 'allows any principal without a condition', ['s3:GetObject on r for *']),
    ]);
    expect(bucket(allow('s3:GetObject', 'r', { Principal: '*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }))).toStrictEqual([
      reason('high', 'any principal, with a condition', 'allows any principal that meets a condition: check the condition', ['s3:GetObject on r for *']),
    ]);
    expect(bucket(allow('s3:GetObject', 'r', { Principal: { AWS: ['arn:aws:iam::1:root', 'arn:aws:iam::2:root'], Service: 'x.amazonaws.com' } }))).toStrictEqual([
      reason('medium', 'IAM change', 'grants more', [
        's3:GetObject on r for AWS:arn:aws:iam::1:root',
        's3:GetObject on r for AWS:arn:aws:iam::2:root',
        's3:GetObject on r for Service:x.amazonaws.com',
      ]),
    ]);
    expect(bucket(allow('s3:GetObject', 'r', { Principal: ['p1'] }))).toStrictEqual([reason('medium', 'IAM change', 'grants more', ['s3:GetObject on r for p1'])]);
    expect(bucket(allow('s3:*', 'r', { Principal: '*' }))).toStrictEqual([reason('critical', 'public access', 'allows any principal without a condition', ['s3:* on r for *'])]);
    expect(bucket({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Principal: '*' })).toStrictEqual([
      reason('critical', 'public access', 'allows any principal without a condition', ['s3:GetObject for *', 's3:PutObject for *']),
    ]);
  });

  it('lists both public and wildcard reasons, and at most five examples', () => {
    const actions = ['a:1', 'a:2', 'a:3', 'a:4', 'a:5', 'a:6', 'a:7'];
    expect(riskReasons(policy('create', undefined, doc(allow(actions, 'r'))))).toStrictEqual([
      reason('medium', 'IAM change', 'grants more', ['a:1 on r', 'a:2 on r', 'a:3 on r', 'a:4 on r', 'a:5 on r', '2 more']),
    ]);
    expect(riskReasons(policy('create', undefined, doc(allow(actions.slice(0, 5), 'r'))))[0].values).toStrictEqual(['a:1 on r', 'a:2 on r', 'a:3 on r', 'a:4 on r', 'a:5 on r']);
    expect(
      riskReasons(
        policy('create', undefined, doc(allow('s3:GetObject', 'r', { Principal: '*' }), allow('x:Y', '*'), allow('q:Q', 'r', { Principal: '*', Condition: {} })), 'aws_s3_bucket_policy'),
      ),
    ).toStrictEqual([
      reason('critical', 'public access', 'allows any principal without a condition', ['s3:GetObject on r for *']),
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['x:Y on *']),
      reason('high', 'any principal, with a condition', 'allows any principal that meets a condition: check the condition', ['q:Q on r for *']),
    ]);
  });

  it('counts a wildcard new for one action even when another action had it before', () => {
    expect(riskReasons(policy('update', doc(allow('a:1', '*')), doc(allow(['a:1', 'a:2'], '*'))))).toStrictEqual([reason('critical', 'IAM wildcard', 'adds a `*` grant', ['a:2 on *'])]);
    expect(riskReasons(policy('update', doc(allow('a:1', '*')), doc(allow('a:1', '*'), allow('a:1', 'r'))))).toStrictEqual([reason('medium', 'IAM change', 'grants more', ['a:1 on r'])]);
    // A condition added to an existing grant is a different grant, and removing it grants more.
    expect(riskReasons(policy('update', doc(allow('a:1', 'r', { Condition: {} })), doc(allow('a:1', 'r'))))).toStrictEqual([reason('medium', 'IAM change', 'grants more', ['a:1 on r'])]);
  });

  it('is low when permissions only go, and nothing when the document is the same', () => {
    expect(riskReasons(policy('update', doc(allow(['a:1', 'a:2'])), doc(allow('a:1'))))).toStrictEqual([reason('low', 'permissions narrowed', 'removes or narrows permissions')]);
    expect(riskReasons(policy('delete', doc(allow('a:1')), undefined))).toStrictEqual([reason('low', 'permissions narrowed', 'removes permissions')]);
    expect(riskReasons(policy('update', doc(allow('a:1')), JSON.stringify({ Statement: [allow('a:1')], Version: '2012-10-17' })))).toStrictEqual([]);
    expect(riskReasons(policy('update', '', ''))).toStrictEqual([]);
    expect(riskReasons(policy('update', null, null))).toStrictEqual([]);
    expect(riskReasons(policy('update', { Statement: [allow('a:1')] }, { Statement: [allow('a:1'), allow('a:2')] }))).toStrictEqual([
      reason('medium', 'IAM change', 'grants more', ['a:2 on arn:aws:s3:::b/*']),
    ]);
  });

  it('reads a statement without a resource, and a single statement not in a list', () => {
    expect(
      riskReasons(
        policy('create', undefined, JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } } }), 'aws_iam_role'),
      ),
    ).toStrictEqual([]);
    expect(
      riskReasons(
        change('aws_iam_role', 'create', null, {
          assume_role_policy: JSON.stringify({ Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } } }),
        }),
      ),
    ).toStrictEqual([reason('medium', 'IAM change', 'grants more', ['sts:AssumeRole for Service:ecs-tasks.amazonaws.com'])]);
  });

  it('is high when the policy is sensitive, not JSON, or the plan has no sensitivity data; medium when known only at apply', () => {
    const cannot = reason('high', 'policy that cannot be checked', '`policy` is sensitive or the plan has no sensitivity data: cannot be checked');
    expect(riskReasons(change('aws_iam_policy', 'update', { policy: 'a' }, { policy: 'b' }, { after_sensitive: { policy: true } }))).toStrictEqual([cannot]);
    expect(riskReasons(change('aws_iam_policy', 'update', { policy: 'a' }, { policy: 'b' }, { before_sensitive: { policy: true } }))).toStrictEqual([cannot]);
    expect(riskReasons(noSensitivity(policy('update', doc(allow('a:1')), doc(allow('a:2')))))).toStrictEqual([cannot]);
    expect(riskReasons(change('aws_iam_policy', 'create', null, { policy: null }, { after_unknown: { policy: true } }))).toStrictEqual([
      reason('medium', 'policy known only at apply', '`policy` is known only at apply: check the configuration'),
    ]);
    expect(riskReasons(policy('update', doc(allow('a:1')), 'not json'))).toStrictEqual([
      reason('high', 'policy that cannot be checked', '`policy` is not a JSON policy document: cannot be checked'),
    ]);
    expect(riskReasons(policy('update', 'not json', doc(allow('a:1'))))).toStrictEqual([
      reason('high', 'policy that cannot be checked', '`policy` is not a JSON policy document: cannot be checked'),
    ]);
    expect(riskReasons(policy('update', doc(allow('a:1')), '[1]'))).toStrictEqual([
      reason('high', 'policy that cannot be checked', '`policy` is not a JSON policy document: cannot be checked'),
    ]);
    expect(
      riskReasons(change('aws_cloudwatch_log_resource_policy', 'update', { policy_document: 'a' }, { policy_document: 'b' }, { after_sensitive: { policy_document: true } })),
    ).toStrictEqual([reason('high', 'policy that cannot be checked', '`policy_document` is sensitive or the plan has no sensitivity data: cannot be checked')]);
  });

  it('reads `"Resource": "*"` of a KMS key policy as the key itself', () => {
    const keyPolicy = doc(allow('kms:Decrypt', '*', { Principal: { AWS: 'arn:aws:iam::1:role/r' } }));
    expect(riskReasons(change('aws_kms_key_policy', 'update', { policy: doc() }, { policy: keyPolicy }))).toStrictEqual([
      reason('critical', 'KMS key policy change', 'changes who may use or manage the key'),
      reason('medium', 'IAM change', 'grants more', ['kms:Decrypt on * for AWS:arn:aws:iam::1:role/r']),
    ]);
    expect(riskReasons(change('aws_kms_key', 'update', { policy: doc() }, { policy: keyPolicy }))).toStrictEqual([
      reason('critical', 'KMS key policy change', 'changes who may use or manage the key'),
      reason('medium', 'IAM change', 'grants more', ['kms:Decrypt on * for AWS:arn:aws:iam::1:role/r']),
    ]);
  });

  it('is critical when a Lambda or bus permission newly allows any principal', () => {
    expect(riskReasons(change('aws_lambda_permission', 'create', null, { principal: '*' }))).toStrictEqual([
      reason('critical', 'public access', 'lets any principal invoke the function', ['principal = *']),
    ]);
    expect(riskReasons(change('aws_cloudwatch_event_permission', 'update', { principal: '123456789012' }, { principal: '*' }))).toStrictEqual([
      reason('critical', 'public access', 'lets any account put events on the bus', ['principal = *']),
    ]);
    expect(riskReasons(change('aws_lambda_permission', 'update', { principal: '*' }, { principal: '*', qualifier: 'x' }))).toStrictEqual([]);
    expect(riskReasons(change('aws_lambda_permission', 'create', null, { principal: 'events.amazonaws.com' }))).toStrictEqual([]);
    expect(riskReasons(change('aws_lambda_permission', 'delete', { principal: '*' }, null))).toStrictEqual([]);
  });

  // Listed here, not read from POLICY_ATTRIBUTES: a test generated from the module's own table cannot fail when the table changes.
  it.each([
    ['aws_iam_role', 'assume_role_policy'],
    ['aws_iam_policy', 'policy'],
    ['aws_iam_role_policy', 'policy'],
    ['aws_iam_user_policy', 'policy'],
    ['aws_iam_group_policy', 'policy'],
    ['aws_s3_bucket_policy', 'policy'],
    ['aws_sqs_queue_policy', 'policy'],
    ['aws_sns_topic_policy', 'policy'],
    ['aws_sns_topic', 'policy'],
    ['aws_sqs_queue', 'policy'],
    ['aws_cloudwatch_event_bus_policy', 'policy'],
    ['aws_cloudwatch_log_resource_policy', 'policy_document'],
    ['aws_kms_key', 'policy'],
    ['aws_kms_key_policy', 'policy'],
    ['aws_ecr_repository_policy', 'policy'],
    ['aws_secretsmanager_secret_policy', 'policy'],
  ])('reads the %s attribute %s', (type, attribute) => {
    const wildcard = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: 'x:Y', Resource: 'arn:aws:s3:::*' },
        { Effect: 'Allow', Action: 's3:*', Resource: 'r' },
      ],
    });
    expect(riskReasons(change(type, 'create', null, { [attribute]: wildcard })).filter((r) => r.category === 'IAM wildcard')).toStrictEqual([
      reason('critical', 'IAM wildcard', 'adds a `*` grant', ['s3:* on r']),
    ]);
  });

  it('says nothing about a type without policies', () => {
    expect(riskReasons(change('aws_s3_bucket', 'create', null, { bucket: 'b', policy: doc(allow('*', '*')) }))).toStrictEqual([]);
  });
});

describe('riskReasons: policy attachments', () => {
  it('is critical for a managed policy that allows `*`, medium for another, low when detached', () => {
    for (const type of ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment']) {
      expect(riskReasons(change(type, 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))).toStrictEqual([
        reason('critical', 'IAM wildcard', 'attaches a managed policy that allows `*`', ['arn:aws:iam::aws:policy/AdministratorAccess']),
      ]);
    }
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }))[0].level).toBe('critical');
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/IAMFullAccess' }))[0].level).toBe('critical');
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccessX' }))).toStrictEqual([
      reason('medium', 'IAM change', 'attaches a policy'),
    ]);
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }))[0].level).toBe('medium');
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:xpolicy/AdministratorAccess' }))[0].level).toBe('medium');
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'create', null, { policy_arn: null }, { after_unknown: { policy_arn: true } }))).toStrictEqual([
      reason('medium', 'IAM change', 'attaches a policy'),
    ]);
    expect(riskReasons(change('aws_iam_role_policy_attachment', 'delete', { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, null))).toStrictEqual([
      reason('low', 'permissions narrowed', 'detaches a policy'),
    ]);
    expect(riskReasons(change('aws_iam_role_policy_attachments_exclusive', 'create', null, { policy_arns: [] }))).toStrictEqual([]);
    expect(riskReasons(change('xaws_iam_role_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))).toStrictEqual([]);
    expect(riskReasons(change('xaws_iam_policy_attachment', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))).toStrictEqual([]);
    expect(riskReasons(change('aws_iam_policy_attachmentx', 'create', null, { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }))).toStrictEqual([]);
  });
});

describe('riskReasons: public access', () => {
  const FLAGS = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };

  it('is critical when a bucket public access block is removed or a flag turned off', () => {
    expect(riskReasons(change('aws_s3_bucket_public_access_block', 'delete', FLAGS, null))).toStrictEqual([reason('critical', 'public access', "removes the bucket's public access block")]);
    expect(riskReasons(change('aws_s3_bucket_public_access_block', 'update', FLAGS, { ...FLAGS, block_public_policy: false, ignore_public_acls: null }))).toStrictEqual([
      reason('critical', 'public access', 'turns off public access blocking', ['block_public_policy = false', 'ignore_public_acls = false']),
    ]);
    expect(riskReasons(change('aws_s3_bucket_public_access_block', 'create', null, { ...FLAGS, restrict_public_buckets: false }))).toStrictEqual([
      reason('critical', 'public access', 'turns off public access blocking', ['restrict_public_buckets = false']),
    ]);
    expect(riskReasons(change('aws_s3_bucket_public_access_block', 'create', null, FLAGS))).toStrictEqual([]);
    // A flag that was already off is not turned off again.
    expect(riskReasons(change('aws_s3_bucket_public_access_block', 'update', { ...FLAGS, block_public_acls: false }, { ...FLAGS, block_public_acls: false, bucket: 'b' }))).toStrictEqual([]);
  });

  it('is critical when the account block is removed', () => {
    expect(riskReasons(change('aws_s3_account_public_access_block', 'delete', FLAGS, null))).toStrictEqual([
      reason('critical', 'public access', "removes the account's public access block"),
    ]);
    expect(riskReasons(change('aws_s3_account_public_access_block', 'update', FLAGS, { ...FLAGS, block_public_acls: false }))).toStrictEqual([]);
  });

  it.each(['public-read', 'public-read-write', 'authenticated-read'])('is critical when a bucket ACL becomes %s', (acl) => {
    expect(riskReasons(change('aws_s3_bucket_acl', 'update', { acl: 'private' }, { acl }))).toStrictEqual([reason('critical', 'public access', 'makes the bucket public', [`acl = ${acl}`])]);
    expect(riskReasons(change('aws_s3_bucket_acl', 'update', { acl }, { acl, bucket: 'b' }))).toStrictEqual([]);
  });

  it('is quiet for private and look-alike ACLs', () => {
    for (const acl of ['private', 'xpublic-read', 'public-readx', 'log-delivery-write']) expect(riskReasons(change('aws_s3_bucket_acl', 'create', null, { acl }))).toStrictEqual([]);
    expect(riskReasons(change('aws_s3_bucket_acl', 'create', null, { acl: null }, { after_unknown: { acl: true } }))).toStrictEqual([]);
  });

  it.each([
    ['aws_db_instance', 'publicly_accessible', 'makes the database reachable from the internet'],
    ['aws_rds_cluster_instance', 'publicly_accessible', 'makes the database reachable from the internet'],
    ['aws_subnet', 'map_public_ip_on_launch', 'gives everything launched in the subnet a public IP address'],
  ])('is critical when %s turns on %s', (type, field, text) => {
    expect(riskReasons(change(type, 'update', { [field]: false }, { [field]: true }))).toStrictEqual([reason('critical', 'public access', text, [`${field} = true`])]);
    expect(riskReasons(change(type, 'create', null, { [field]: true }))).toStrictEqual([reason('critical', 'public access', text, [`${field} = true`])]);
    expect(riskReasons(change(type, 'update', { [field]: true }, { [field]: true, x: 1 }))).toStrictEqual([]);
    expect(riskReasons(change(type, 'update', { [field]: true }, { [field]: false }))).toStrictEqual([]);
    expect(riskReasons(change(type, 'create', null, { [field]: 'true' }))).toStrictEqual([]);
  });

  it('is critical when ECS tasks get public IP addresses', () => {
    const service = (assign: unknown) => ({ network_configuration: [{ assign_public_ip: assign, subnets: ['s'] }] });
    const critical = [reason('critical', 'public access', 'gives its tasks public IP addresses', ['assign_public_ip = true'])];
    expect(riskReasons(change('aws_ecs_service', 'update', service(false), service(true)))).toStrictEqual(critical);
    expect(riskReasons(change('aws_ecs_service', 'create', null, { network_configuration: { assign_public_ip: true } }))).toStrictEqual(critical);
    expect(riskReasons(change('aws_ecs_service', 'update', service(true), service(true)))).toStrictEqual([]);
    expect(riskReasons(change('aws_ecs_service', 'create', null, service(false)))).toStrictEqual([]);
    expect(riskReasons(change('aws_ecs_service', 'create', null, { network_configuration: ['x'] }))).toStrictEqual([]);
  });

  it('is critical when a function URL needs no authorization', () => {
    expect(riskReasons(change('aws_lambda_function_url', 'create', null, { authorization_type: 'NONE' }))).toStrictEqual([
      reason('critical', 'public access', 'opens the function to anyone with the URL', ['authorization_type = NONE']),
    ]);
    expect(riskReasons(change('aws_lambda_function_url', 'update', { authorization_type: 'NONE' }, { authorization_type: 'NONE', cors: [] }))).toStrictEqual([]);
    expect(riskReasons(change('aws_lambda_function_url', 'create', null, { authorization_type: 'AWS_IAM' }))).toStrictEqual([]);
  });

  it('says nothing of public access for a type it does not know', () => {
    expect(riskReasons(change('aws_instance', 'create', null, { associate_public_ip_address: true }))).toStrictEqual([]);
  });
});

describe('riskReasons: KMS', () => {
  const loud = (text: string) => [reason('critical', 'KMS key policy change', text)];

  it('is critical for key policies and grants, whatever the action', () => {
    expect(riskReasons(change('aws_kms_key_policy', 'delete', { policy: '' }, null))).toStrictEqual(loud('removes a key policy'));
    expect(riskReasons(change('aws_kms_grant', 'create', null, { operations: ['Decrypt'] }))).toStrictEqual(loud('grants use of the key'));
    expect(riskReasons(change('aws_kms_grant', 'delete', { operations: ['Decrypt'] }, null))).toStrictEqual(loud('revokes a grant'));
  });

  it('is critical for a new key and for a key whose policy changes, not for other key changes', () => {
    expect(riskReasons(change('aws_kms_key', 'create', null, { description: 'k' }))).toStrictEqual(loud('a new key and its policy'));
    expect(riskReasons(change('aws_kms_key', 'update', { policy: '', description: 'a' }, { policy: '', description: 'b' }))).toStrictEqual([]);
    expect(riskReasons(change('aws_kms_key', 'update', { policy: '' }, { policy: null }, { after_unknown: { policy: true } }))).toStrictEqual([
      ...loud('changes who may use or manage the key'),
      reason('medium', 'policy known only at apply', '`policy` is known only at apply: check the configuration'),
    ]);
    expect(riskReasons(change('aws_kms_key', 'delete', { policy: '' }, null))).toStrictEqual([]);
  });
});

describe('riskReasons: ordering', () => {
  it('sorts the reasons of one change riskiest first', () => {
    // The KMS key policy rule (critical) and the policy rule (low) both speak; low comes last whatever the rule order.
    const doc = (...actions: string[]) => JSON.stringify({ Statement: [{ Effect: 'Allow', Action: actions, Resource: '*', Principal: { AWS: 'arn:aws:iam::1:root' } }] });
    expect(riskReasons(change('aws_kms_key_policy', 'update', { policy: doc('kms:A', 'kms:B') }, { policy: doc('kms:A') })).map((r) => r.level)).toStrictEqual(['critical', 'low']);
    expect(
      riskReasons(
        change(
          'aws_security_group',
          'create',
          null,
          { ingress: [{ cidr_blocks: ['10.0.0.0/8'], protocol: 'tcp', from_port: 1, to_port: 1 }], egress: [] },
          { after_sensitive: { egress: true } },
        ),
      ).map((r) => r.level),
    ).toStrictEqual(['high']);
  });
});
