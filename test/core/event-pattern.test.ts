/**
 * EventBridge pattern matching, drawn from the examples of the Amazon EventBridge user guide
 * ("Event patterns", "Content filtering", "Comparison operators", "Arrays", "Null values").
 */
import { EventPatternError, matchCidr, matchesPattern, matchWildcard, validatePattern, type EventPattern } from '../../core/event-pattern';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** An event with the given detail (and optional top-level fields). */
const withDetail = (detail: unknown, top: Record<string, unknown> = {}) => ({ ...ec2Event, ...top, detail });

type Case = [name: string, pattern: EventPattern, event: unknown, expected: boolean];

const cases: Case[] = [
  // Exact values, AND across keys, OR inside arrays, nesting.
  ['exact: EC2 terminated', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2Event, true],
  ['exact: one key differs fails the AND', { source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event, false],
  ['exact: array is OR', { detail: { state: ['pending', 'terminated'] } }, ec2Event, true],
  ['exact: case-sensitive', { source: ['AWS.EC2'] }, ec2Event, false],
  ['exact: number', { detail: { count: [5] } }, withDetail({ count: 5 }), true],
  ['exact: number 5 does not match string "5"', { detail: { count: [5] } }, withDetail({ count: '5' }), false],
  ['exact: boolean', { detail: { ok: [true] } }, withDetail({ ok: true }), true],
  ['exact: boolean false vs true', { detail: { ok: [false] } }, withDetail({ ok: true }), false],
  ['null: matches null', { detail: { responseElements: [null] } }, withDetail({ eventVersion: '', responseElements: null }), true],
  ['empty string: matches ""', { detail: { eventVersion: [''] } }, withDetail({ eventVersion: '', responseElements: null }), true],
  ['null and "" are not interchangeable', { detail: { responseElements: [''] } }, withDetail({ eventVersion: '', responseElements: null }), false],
  ['missing field fails exact match', { detail: { color: ['red'] } }, ec2Event, false],
  ['nested object pattern against scalar fails', { detail: { state: { name: ['x'] } } }, ec2Event, false],

  // Arrays in the event: the intersection must be non-empty.
  [
    'arrays: pattern item matches second resource',
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] },
    {
      ...ec2Event,
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  ['arrays: no common element', { resources: ['arn:a'] }, { ...ec2Event, resources: ['arn:b', 'arn:c'] }, false],
  ['arrays of objects: nested pattern matches any element', { detail: { items: { sku: ['b'] } } }, withDetail({ items: [{ sku: 'a' }, { sku: 'b' }] }), true],
  ['arrays of objects: no element matches', { detail: { items: { sku: ['z'] } } }, withDetail({ items: [{ sku: 'a' }, { sku: 'b' }] }), false],

  // prefix
  ['prefix: time starts with 2017-10-02', { time: [{ prefix: '2017-10-02' }] }, { ...ec2Event, time: '2017-10-02T18:43:48Z' }, true],
  ['prefix: other date', { time: [{ prefix: '2017-10-02' }] }, ec2Event, false],
  ['prefix: not on numbers', { detail: { n: [{ prefix: '1' }] } }, withDetail({ n: 12 }), false],
  ['prefix equals-ignore-case: EVENTBRIDGE', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, withDetail({ service: 'EVENTBRIDGE' }), true],
  ['prefix equals-ignore-case: no', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, withDetail({ service: 'lambda' }), false],

  // suffix
  ['suffix: .png', { detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.png' }), true],
  ['suffix: case-sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, withDetail({ FileName: 'image.PNG' }), false],
  ['suffix equals-ignore-case: .PNG', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, withDetail({ FileName: 'IMAGE.PNG' }), true],
  ['suffix equals-ignore-case: .jpg', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, withDetail({ FileName: 'photo.jpg' }), false],

  // anything-but
  ['anything-but string: running', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'running' }), true],
  ['anything-but string: initializing', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'initializing' }), false],
  ['anything-but number: 456', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 456 }), true],
  ['anything-but number: 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }), false],
  ['anything-but list: pending', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, withDetail({ state: 'pending' }), true],
  ['anything-but list: overloaded', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, withDetail({ state: 'overloaded' }), false],
  ['anything-but numbers: 200', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 200 }), false],
  ['anything-but: missing field does not match', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}), false],
  ['anything-but prefix: running', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 'running' }), true],
  ['anything-but prefix: initializing', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 'initializing' }), false],
  ['anything-but suffix: file.txt', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, withDetail({ FileName: 'file.txt' }), false],
  ['anything-but suffix: file.png', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, withDetail({ FileName: 'file.png' }), true],
  ['anything-but equals-ignore-case: STOPPED', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } }, withDetail({ state: 'STOPPED' }), false],
  ['anything-but equals-ignore-case: running', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } }, withDetail({ state: 'running' }), true],
  ['anything-but wildcard: /lib/ path', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/lib/libc.so' }), false],
  ['anything-but wildcard: /bin/ path', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/bin/env' }), true],

  // numeric
  ['numeric: all three conditions hold', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }), true],
  ['numeric: c-count 0 is not > 0', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 0 }), false],
  ['numeric: 5.5 is not <= 5', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 5.5 }), false],
  ['numeric: >= lower bound inclusive', { detail: { amount: [{ numeric: ['>=', 1000] }] } }, withDetail({ amount: 1000 }), true],
  ['numeric: a numeric string is not a number', { detail: { amount: [{ numeric: ['>', 0] }] } }, withDetail({ amount: '5' }), false],

  // exists
  ['exists true: detail.state present', { detail: { state: [{ exists: true }] } }, ec2Event, true],
  ['exists true: array value counts', { detail: { state: [{ exists: true }] } }, withDetail({ state: ['initializing', 'running'] }), true],
  ['exists true: absent', { detail: { state: [{ exists: true }] } }, withDetail({ 'c-count': { c1: 100 } }), false],
  ['exists true: intermediate node does not count', { detail: { 'c-count': [{ exists: true }] } }, withDetail({ 'c-count': { c1: 100 } }), false],
  ['exists true: null is a value', { detail: { state: [{ exists: true }] } }, withDetail({ state: null }), true],
  ['exists false: absent', { detail: { state: [{ exists: false }] } }, withDetail({ 'instance-id': 'i-1' }), true],
  ['exists false: present', { detail: { state: [{ exists: false }] } }, ec2Event, false],
  ['exists false: whole parent absent', { detail: { state: [{ exists: false }] } }, { source: 'x' }, true],
  ['exists false: empty array holds no value', { detail: { tags: [{ exists: false }] } }, withDetail({ tags: [] }), true],

  // equals-ignore-case
  ['equals-ignore-case: ALICE', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, withDetail({ Name: 'ALICE' }), true],
  ['equals-ignore-case: Alicia', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, withDetail({ Name: 'Alicia' }), false],

  // wildcard
  ['wildcard: bus ARN in any account', { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } }, withDetail({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }), true],
  ['wildcard: other region', { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } }, withDetail({ EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' }), false],
  ['wildcard: dir/*.png', { detail: { Key: [{ wildcard: 'dir/*.png' }] } }, withDetail({ Key: 'dir/sub/dir/dir/dir/image.png' }), true],
  ['wildcard: dir/*.png vs .jpg', { detail: { Key: [{ wildcard: 'dir/*.png' }] } }, withDetail({ Key: 'dir/image.jpg' }), false],
  ['wildcard: escaped star is literal', { detail: { Key: [{ wildcard: 'a\\*b' }] } }, withDetail({ Key: 'a*b' }), true],
  ['wildcard: escaped star does not glob', { detail: { Key: [{ wildcard: 'a\\*b' }] } }, withDetail({ Key: 'axxb' }), false],

  // cidr
  ['cidr: 10.0.0.0/24 contains 10.0.0.255', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.0.255' }), true],
  ['cidr: 10.0.0.0/24 excludes 10.0.1.1', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.1.1' }), false],
  ['cidr: IPv6 /64 contains', { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, withDetail({ sourceIPAddress: '2001:db8:1234:1a00::9' }), true],
  ['cidr: IPv6 /64 excludes', { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, withDetail({ sourceIPAddress: '2001:db8:1234:1a01::9' }), false],
  ['cidr: not an IP', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: 'example.com' }), false],

  // $or
  [
    '$or: second alternative holds',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    withDetail({ 'c-count': 100, 'd-count': 3 }),
    true,
  ],
  [
    '$or: no alternative holds',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } },
    withDetail({ 'c-count': 100, 'd-count': 30 }),
    false,
  ],
  [
    '$or: combined with a sibling key (AND)',
    { source: ['aws.ec2'], $or: [{ 'detail-type': ['X'] }, { detail: { state: ['terminated'] } }] },
    ec2Event,
    true,
  ],
  [
    '$or: sibling key fails',
    { source: ['aws.s3'], $or: [{ 'detail-type': ['X'] }, { detail: { state: ['terminated'] } }] },
    ec2Event,
    false,
  ],

  // A mix, like the guide's complex example.
  [
    'complex: several operators together',
    {
      source: [{ prefix: 'aws.' }],
      region: [{ 'anything-but': 'us-east-1' }],
      detail: { 'instance-id': [{ wildcard: 'i-*' }], state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] },
    },
    ec2Event,
    true,
  ],
];

describe('matchesPattern (EventBridge documented examples)', () => {
  test('the table covers at least 40 cases, with matches and non-matches', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c[3]).length).toBeGreaterThan(15);
    expect(cases.filter((c) => !c[3]).length).toBeGreaterThan(15);
  });

  test.each(cases)('%s', (_name, pattern, event, expected) => {
    validatePattern(pattern);
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  test('the booking saga rule matches its event and not its neighbour', () => {
    const pattern = { 'detail-type': ['SeatUpdated'], source: ['booking-saga.seat'], detail: { bookingId: [{ exists: true }] } };
    const event = { ...ec2Event, source: 'booking-saga.seat', 'detail-type': 'SeatUpdated', detail: { bookingId: 'b-1' } };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { ...event, 'detail-type': 'SeatUpdateFailed' })).toBe(false);
    expect(matchesPattern(pattern, { ...event, detail: {} })).toBe(false);
  });
});

describe('matchWildcard and matchCidr', () => {
  test('backslash escapes a literal backslash', () => {
    expect(matchWildcard('a\\\\b', 'a\\b')).toBe(true);
    expect(matchWildcard('a\\\\*', 'a\\anything')).toBe(true);
    expect(matchWildcard('a\\\\*', 'ab')).toBe(false);
  });
  test('regular expression characters are literal', () => {
    expect(matchWildcard('a.b(c)*', 'a.b(c)d')).toBe(true);
    expect(matchWildcard('a.b', 'axb')).toBe(false);
  });
  test('an IPv4 address never matches an IPv6 block and vice versa', () => {
    expect(matchCidr('::/0', '10.0.0.1')).toBe(false);
    expect(matchCidr('0.0.0.0/0', '::1')).toBe(false);
    expect(matchCidr('0.0.0.0/0', '192.168.1.1')).toBe(true);
  });
});

describe('validatePattern', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['unknown operator', { detail: { x: [{ contains: 'a' }] } }, /detail\.x\[0\]: operator "contains" is not supported/],
    ['not an object', ['a'], /must be a JSON object/],
    ['leaf that is not an array', { source: 'aws.ec2' }, /source: must be an array of values or a nested object/],
    ['empty array', { source: [] }, /source: empty arrays are not allowed/],
    ['two keys in one operator object', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one key/],
    ['numeric with an unknown operator', { detail: { n: [{ numeric: ['!=', 1] }] } }, /unknown operator "!="/],
    ['numeric range upside down', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }, /lower bound must be less than the upper bound/],
    ['numeric range with bounds in the wrong order', { detail: { n: [{ numeric: ['<', 5, '>', 1] }] } }, /lower bound/],
    ['consecutive wildcards', { detail: { k: [{ wildcard: 'a**b' }] } }, /consecutive "\*"/],
    ['malformed cidr', { detail: { ip: [{ cidr: '10.0.0.0' }] } }, /"cidr" takes an IPv4 or IPv6 CIDR/],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }, /"\$or" must be an array of at least two pattern objects/],
    ['anything-but mixed list', { detail: { s: [{ 'anything-but': ['a', 1] }] } }, /only strings or only numbers/],
    ['anything-but unknown variant', { detail: { s: [{ 'anything-but': { numeric: ['>', 1] } }] } }, /"anything-but" object takes exactly one of/],
    ['exists with a string', { detail: { s: [{ exists: 'yes' }] } }, /"exists" takes true or false/],
    ['prefix with a number', { detail: { s: [{ prefix: 1 }] } }, /"prefix" takes a string/],
  ];

  test.each(invalid)('rejects %s', (_name, pattern, message) => {
    expect(() => validatePattern(pattern, 'dev-payment-reserve-seats')).toThrow(EventPatternError);
    expect(() => validatePattern(pattern, 'dev-payment-reserve-seats')).toThrow(message);
  });

  test('names the rule and lists every problem', () => {
    try {
      validatePattern({ source: [], detail: { x: [{ regex: '.*' }] } }, 'dev-booking-charge-payment');
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(EventPatternError);
      expect((error as EventPatternError).message).toMatch(/^dev-booking-charge-payment: /);
      expect((error as EventPatternError).problems).toHaveLength(2);
    }
  });
});
