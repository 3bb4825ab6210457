/**
 * EventBridge event patterns as EventBridge's matcher (aws/event-ruler) validates and matches them.
 * The documented examples come first (Amazon EventBridge user guide: "Event patterns", "Content
 * filtering", "Comparison operators", "Arrays", "Null values"); then event-ruler's behaviour where
 * it goes beyond or departs from the prose, each with both sides of its boundary. The full corpus of
 * EventBridge's own verdicts runs in event-pattern-corpus.test.ts.
 */
import { comparableNumberKey } from '../../core/event-pattern-numbers';
import {
  type CompiledPattern,
  type EventPattern,
  EventPatternError,
  compilePattern,
  compilePatternText,
  matchesEventText,
  matchesPattern,
  usesWildcards,
  validatePattern,
} from '../../core/event-pattern';

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

/** The verdict on one `detail` value: true, false, or 'invalid' when EventBridge refuses the pattern. */
function verdict(pattern: unknown, detail: unknown): boolean | 'invalid' {
  let compiled: CompiledPattern;
  try {
    compiled = compilePattern(pattern);
  } catch (error) {
    if (error instanceof EventPatternError) return 'invalid';
    throw error;
  }
  return matchesPattern(compiled, withDetail(detail));
}

/** The problems EventBridge's validator reports for a pattern (empty when it is accepted). */
function problemsOf(pattern: unknown): readonly string[] {
  try {
    compilePattern(pattern);
    return [];
  } catch (error) {
    if (error instanceof EventPatternError) return error.problems;
    throw error;
  }
}

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
      resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'],
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
  [
    'numeric: all three conditions hold',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }),
    true,
  ],
  ['numeric: c-count 0 is not > 0', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 0 }), false],
  ['numeric: 5.5 is not <= 5', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 5.5 }), false],
  ['numeric: >= lower bound inclusive', { detail: { amount: [{ numeric: ['>=', 1000] }] } }, withDetail({ amount: 1000 }), true],
  ['numeric: a numeric string is not a number', { detail: { amount: [{ numeric: ['>', 0] }] } }, withDetail({ amount: '5' }), false],

  // exists
  ['exists true: detail.state present', { detail: { state: [{ exists: true }] } }, ec2Event, true],
  ['exists true: array value counts', { detail: { state: [{ exists: true }] } }, withDetail({ state: ['initializing', 'running'] }), true],
  ['exists true: absent', { detail: { state: [{ exists: true }] } }, withDetail({ 'c-count': { c1: 100 } }), false],
  ['exists true: null is a value', { detail: { state: [{ exists: true }] } }, withDetail({ state: null }), true],
  ['exists false: absent', { detail: { state: [{ exists: false }] } }, withDetail({ 'instance-id': 'i-1' }), true],
  ['exists false: present', { detail: { state: [{ exists: false }] } }, ec2Event, false],
  ['exists false: whole parent absent', { detail: { state: [{ exists: false }] } }, { source: 'x' }, true],
  ['exists false: empty array holds no value', { detail: { tags: [{ exists: false }] } }, withDetail({ tags: [] }), true],

  // equals-ignore-case
  ['equals-ignore-case: ALICE', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, withDetail({ Name: 'ALICE' }), true],
  ['equals-ignore-case: Alicia', { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } }, withDetail({ Name: 'Alicia' }), false],

  // wildcard
  [
    'wildcard: bus ARN in any account',
    { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    withDetail({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }),
    true,
  ],
  [
    'wildcard: other region',
    { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
    withDetail({ EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/orders' }),
    false,
  ],
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
  ['$or: combined with a sibling key (AND)', { source: ['aws.ec2'], $or: [{ 'detail-type': ['X'] }, { detail: { state: ['terminated'] } }] }, ec2Event, true],
  ['$or: sibling key fails', { source: ['aws.s3'], $or: [{ 'detail-type': ['X'] }, { detail: { state: ['terminated'] } }] }, ec2Event, false],

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

describe('EventBridge documented examples', () => {
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

// Each row: [what, pattern on `detail`, detail value, verdict].
type Row = [name: string, pattern: unknown, detail: unknown, expected: boolean | 'invalid'];
const on = (field: unknown) => ({ detail: { v: field } });

describe('exists', () => {
  const rows: Row[] = [
    ['true: a leaf holding a value', on([{ exists: true }]), { v: 5 }, true],
    ['true: null is a value', on([{ exists: true }]), { v: null }, true],
    ['true: an intermediate node (an object) is not a leaf', on([{ exists: true }]), { v: { c1: 100 } }, false],
    ['true: the leaf below that node does exist', { detail: { v: { c1: [{ exists: true }] } } }, { v: { c1: 100 } }, true],
    ['true: an empty array holds no leaf', on([{ exists: true }]), { v: [] }, false],
    ['true: an empty object holds no leaf', on([{ exists: true }]), { v: {} }, false],
    ['true: absent', on([{ exists: true }]), { w: 1 }, false],
    ['false: absent', on([{ exists: false }]), { w: 1 }, true],
    ['false: present', on([{ exists: false }]), { v: 'x' }, false],
    ['false: null is present', on([{ exists: false }]), { v: null }, false],
    ['false: a field holding an object has no leaf (AWS documents that it matches)', on([{ exists: false }]), { v: { c1: 100 } }, true],
    ['false: an empty array holds no leaf', on([{ exists: false }]), { v: [] }, true],
    ['false or a value: the value', on([{ exists: false }, 'x']), { v: 'x' }, true],
    ['false or a value: absent', on([{ exists: false }, 'x']), {}, true],
    ['false or a value: another value', on([{ exists: false }, 'x']), { v: 'y' }, false],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));

  test('exists: false inside an array of objects is judged against the element the earlier fields chose', () => {
    // Fields are taken in sorted order: items.a first chooses an element, items.b must be absent from it.
    const pattern = { detail: { items: { a: ['1'], b: [{ exists: false }] } } };
    expect(verdict(pattern, { items: [{ a: '1' }, { b: 'x' }] })).toBe(true);
    expect(verdict(pattern, { items: [{ a: '1', b: 'x' }] })).toBe(false);
  });
});

describe('numeric', () => {
  const rows: Row[] = [
    ['> : the bound itself is outside', on([{ numeric: ['>', 0] }]), { v: 0 }, false],
    ['> : just above', on([{ numeric: ['>', 0] }]), { v: 0.1 }, true],
    ['>= : the bound itself is inside', on([{ numeric: ['>=', 0] }]), { v: 0 }, true],
    ['>= : just below', on([{ numeric: ['>=', 0] }]), { v: -0.1 }, false],
    ['< : the bound itself is outside', on([{ numeric: ['<', 5] }]), { v: 5 }, false],
    ['< : just below', on([{ numeric: ['<', 5] }]), { v: 4.9 }, true],
    ['<= : the bound itself is inside', on([{ numeric: ['<=', 5] }]), { v: 5 }, true],
    ['<= : just above', on([{ numeric: ['<=', 5] }]), { v: 5.0001 }, false],
    ['= : equal', on([{ numeric: ['=', 5] }]), { v: 5 }, true],
    ['= : not equal', on([{ numeric: ['=', 5] }]), { v: 5.1 }, false],
    ['range: the open lower bound', on([{ numeric: ['>', 0, '<=', 5] }]), { v: 0 }, false],
    ['range: the closed upper bound', on([{ numeric: ['>', 0, '<=', 5] }]), { v: 5 }, true],
    ['range: above', on([{ numeric: ['>', 0, '<=', 5] }]), { v: 5.5 }, false],
    ['range: the closed lower bound', on([{ numeric: ['>=', 0, '<', 5] }]), { v: 0 }, true],
    ['range: the open upper bound', on([{ numeric: ['>=', 0, '<', 5] }]), { v: 5 }, false],
    ['a numeric string is not a number', on([{ numeric: ['>', 0] }]), { v: '5' }, false],
    ['a boolean is not a number', on([{ numeric: ['>', 0] }]), { v: true }, false],
    ['any double is comparable, far beyond the old ±5e9', on([{ numeric: ['>', 1e300] }]), { v: 1e301 }, true],
    ['an exact number also matches its other spellings', on([5]), { v: 5.0 }, true],
    ['an exact number does not match the string', on([5]), { v: '5' }, false],
    ['two conditions on one field are alternatives', on([{ numeric: ['<', 0] }, { numeric: ['>', 10] }]), { v: 11 }, true],
    ['two conditions: neither holds', on([{ numeric: ['<', 0] }, { numeric: ['>', 10] }]), { v: 5 }, false],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));

  test('numbers compare as JSON text spells them: exactly when a double holds them', () => {
    const numeric = (bound: string) => `{"detail": {"v": [{"numeric": ["=", ${bound}]}]}}`;
    const event = (value: string) => `{"detail": {"v": ${value}}}`;
    const equals = compilePatternText(numeric('3.0'));
    expect(matchesEventText(equals, event('3'))).toBe(true);
    expect(matchesEventText(equals, event('3e0'))).toBe(true);
    expect(matchesEventText(equals, event('3.0000000000000001'))).toBe(false); // not comparable, so not numeric
    // -0 is 0: Java reads the text as a BigDecimal, which has no negative zero.
    expect(matchesEventText(compilePatternText(numeric('0')), event('-0'))).toBe(true);
    // Java writes the least precise subnormal 4.9E-324, so "5e-324" is not the double it reads.
    expect(matchesEventText(compilePatternText('{"detail": {"v": [{"numeric": ["<", 1]}]}}'), event('5e-324'))).toBe(false);
    expect(matchesEventText(compilePatternText('{"detail": {"v": [{"numeric": ["<", 1]}]}}'), event('4.9e-324'))).toBe(true);
    for (const bound of ['0.30000000000000000001', '9007199254740993', '1e400']) {
      expect(() => compilePatternText(numeric(bound))).toThrow(/cannot be compared exactly/);
    }
    expect(() => compilePatternText(numeric('9007199254740992'))).not.toThrow();
  });

  test('an exact number a double cannot hold still matches its own text, and only that', () => {
    const pattern = compilePatternText('{"detail": {"v": [12345678901234567890]}}');
    expect(matchesEventText(pattern, '{"detail": {"v": 12345678901234567890}}')).toBe(true);
    expect(matchesEventText(pattern, '{"detail": {"v": 12345678901234567891}}')).toBe(false);
  });
});

describe('anything-but', () => {
  const rows: Row[] = [
    ['a string: another string', on([{ 'anything-but': 'x' }]), { v: 'y' }, true],
    ['a string: that string', on([{ 'anything-but': 'x' }]), { v: 'x' }, false],
    ['a string: a number is not that string', on([{ 'anything-but': '5' }]), { v: 5 }, true],
    ['a string: null is anything but it', on([{ 'anything-but': 'x' }]), { v: null }, true],
    ['a string: absent matches nothing', on([{ 'anything-but': 'x' }]), {}, false],
    ['a number: that number in another spelling', on([{ 'anything-but': 5 }]), { v: 5.0 }, false],
    ['a number: the same digits as a string', on([{ 'anything-but': 5 }]), { v: '5' }, true],
    ['a list: a listed value', on([{ 'anything-but': ['a', 'b'] }]), { v: 'b' }, false],
    ['a list: an unlisted value', on([{ 'anything-but': ['a', 'b'] }]), { v: 'c' }, true],
    ['a number list: a listed number', on([{ 'anything-but': [100, 200] }]), { v: 200 }, false],
    ['a number list: a boolean', on([{ 'anything-but': [100, 200] }]), { v: false }, true],
    // A list excludes a value when ANY entry excludes it (not only when every entry does).
    ['prefix list: one prefix excludes', on([{ 'anything-but': { prefix: ['a', 'b'] } }]), { v: 'bx' }, false],
    ['prefix list: none excludes', on([{ 'anything-but': { prefix: ['a', 'b'] } }]), { v: 'cx' }, true],
    ['prefix: a number does not start with the quoted prefix (AWS)', on([{ 'anything-but': { prefix: 'init' } }]), { v: 12 }, true],
    ['prefix: null (AWS)', on([{ 'anything-but': { prefix: 'init' } }]), { v: null }, true],
    ['suffix list: one suffix excludes', on([{ 'anything-but': { suffix: ['.txt', '.png'] } }]), { v: 'a.png' }, false],
    ['suffix list: none excludes', on([{ 'anything-but': { suffix: ['.txt', '.png'] } }]), { v: 'a.jpg' }, true],
    ['equals-ignore-case list: one excludes', on([{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Failed'] } }]), { v: 'FAILED' }, false],
    ['equals-ignore-case list: none excludes', on([{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Failed'] } }]), { v: 'running' }, true],
    ['equals-ignore-case: null (AWS)', on([{ 'anything-but': { 'equals-ignore-case': 'x' } }]), { v: null }, true],
    ['wildcard list: one excludes', on([{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }]), { v: 'a.tmp' }, false],
    ['wildcard list: none excludes', on([{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }]), { v: '/bin/a' }, true],
    ['wildcard: a number (AWS)', on([{ 'anything-but': { wildcard: '*/dir/*' } }]), { v: 123 }, true],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));

  const refusedRows: [string, unknown][] = [
    ['a mixed list (AWS)', ['a', 1]],
    ['an empty list', []],
    ['null', null],
    ['a list holding null', ['a', null]],
    ['an empty prefix (AWS)', { prefix: '' }],
    ['an empty suffix in a list', { suffix: ['a', ''] }],
    ['a numeric prefix', { prefix: 5 }],
    ['equals-ignore-case with a number', { 'equals-ignore-case': [1] }],
    ['an unknown form', { numeric: ['>', 1] }],
    ['two forms', { prefix: 'a', suffix: 'b' }],
    ['a malformed wildcard', { wildcard: 'a**b' }],
    ['an empty prefix list', { prefix: [] }],
  ];
  test.each(refusedRows)('refuses %s', (_name, argument) => expect(verdict(on([{ 'anything-but': argument }]), { v: 'x' })).toBe('invalid'));

  test('refuses a number a double cannot hold, alone or in a list', () => {
    expect(() => compilePatternText('{"v": [{"anything-but": 9007199254740993}]}')).toThrow(/cannot be compared exactly/);
    expect(() => compilePatternText('{"v": [{"anything-but": [1, 9007199254740993]}]}')).toThrow(/a double holds exactly/);
    expect(() => compilePatternText('{"v": [{"anything-but": [1, 9007199254740992]}]}')).not.toThrow();
  });
});

describe('string operators', () => {
  const rows: Row[] = [
    ['prefix: starts with', on([{ prefix: 'ab' }]), { v: 'abc' }, true],
    ['prefix: does not', on([{ prefix: 'ab' }]), { v: 'xabc' }, false],
    ['prefix: not on a number', on([{ prefix: '1' }]), { v: 12 }, false],
    ['prefix "": every string', on([{ prefix: '' }]), { v: '' }, true],
    ['prefix "": not null', on([{ prefix: '' }]), { v: null }, false],
    ['suffix: ends with', on([{ suffix: 'bc' }]), { v: 'abc' }, true],
    ['suffix: does not', on([{ suffix: 'bc' }]), { v: 'abcx' }, false],
    ['prefix ignoring case', on([{ prefix: { 'equals-ignore-case': 'AB' } }]), { v: 'abc' }, true],
    ['prefix ignoring case: does not', on([{ prefix: { 'equals-ignore-case': 'AB' } }]), { v: 'cab' }, false],
    ['suffix ignoring case', on([{ suffix: { 'equals-ignore-case': '.PNG' } }]), { v: 'a.png' }, true],
    ['suffix ignoring case: does not', on([{ suffix: { 'equals-ignore-case': '.PNG' } }]), { v: 'a.png.x' }, false],
    ['equals-ignore-case: ß in the pattern also matches SS', on([{ 'equals-ignore-case': 'straße' }]), { v: 'STRASSE' }, true],
    ['equals-ignore-case: but the event is not folded', on([{ 'equals-ignore-case': 'STRASSE' }]), { v: 'straße' }, false],
    ['equals-ignore-case: a prefix of the value is not equal', on([{ 'equals-ignore-case': 'ab' }]), { v: 'ABC' }, false],
    // event-ruler folds the pattern one UTF-16 unit at a time; half an emoji encodes as "?" in Java.
    ['equals-ignore-case: an emoji in the pattern never matches the emoji (event-ruler)', on([{ 'equals-ignore-case': '😀 a' }]), { v: '😀 A' }, false],
    ['equals-ignore-case: it matches "??" instead (event-ruler)', on([{ 'equals-ignore-case': '😀 a' }]), { v: '?? A' }, true],
    ['prefix: an emoji is matched byte for byte', on([{ prefix: '😀' }]), { v: '😀 a' }, true],
    ['wildcard: * matches any run', on([{ wildcard: 'a*c' }]), { v: 'abbbc' }, true],
    ['wildcard: * matches nothing', on([{ wildcard: 'a*c' }]), { v: 'ac' }, true],
    ['wildcard: anchored at both ends', on([{ wildcard: 'a*c' }]), { v: 'abcd' }, false],
    ['wildcard: \\* is a literal asterisk', on([{ wildcard: 'a\\*c' }]), { v: 'a*c' }, true],
    ['wildcard: \\* does not glob', on([{ wildcard: 'a\\*c' }]), { v: 'abc' }, false],
    ['wildcard: \\\\ is a literal backslash', on([{ wildcard: 'a\\\\*' }]), { v: 'a\\bc' }, true],
    ['wildcard: \\** is an asterisk then a wildcard', on([{ wildcard: 'a\\**' }]), { v: 'a*bc' }, true],
    ['wildcard: not on a number', on([{ wildcard: '*' }]), { v: 1 }, false],
    ['a string is never equal to a number', on(['5']), { v: 5 }, false],
    ['null and "" differ', on(['']), { v: null }, false],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));

  test.each([
    ['consecutive wildcards', 'a**b', /consecutive wildcard/],
    ['an escape of another character', '\\n*', /invalid escape/],
    ['a trailing backslash', 'a\\', /invalid escape/],
  ])('wildcard refuses %s', (_name, wildcard, message) => {
    expect(problemsOf(on([{ wildcard }]))).toEqual([expect.stringMatching(message)]);
  });
});

describe('cidr and IP addresses', () => {
  const rows: Row[] = [
    ['inside a /24', on([{ cidr: '10.0.0.0/24' }]), { v: '10.0.0.255' }, true],
    ['outside a /24', on([{ cidr: '10.0.0.0/24' }]), { v: '10.0.1.0' }, false],
    ['host bits are cleared: 10.0.0.5/24 is 10.0.0.0/24', on([{ cidr: '10.0.0.5/24' }]), { v: '10.0.0.1' }, true],
    ['/31 holds two addresses', on([{ cidr: '10.0.0.0/31' }]), { v: '10.0.0.1' }, true],
    ['/31 excludes the third', on([{ cidr: '10.0.0.0/31' }]), { v: '10.0.0.2' }, false],
    ['/127 holds two addresses', on([{ cidr: '2001:db8::/127' }]), { v: '2001:db8::1' }, true],
    ['/127 excludes the third', on([{ cidr: '2001:db8::/127' }]), { v: '2001:db8::2' }, false],
    ['IPv6 in any spelling', on([{ cidr: '2001:db8::/64' }]), { v: '2001:0DB8:0000:0000:0000:0000:0000:0009' }, true],
    ['not an address', on([{ cidr: '10.0.0.0/24' }]), { v: 'example.com' }, false],
    ['an address with a leading zero is ambiguous (Java refuses it)', on([{ cidr: '10.0.0.0/24' }]), { v: '10.0.0.010' }, false],
    ['an IPv4-mapped IPv6 address is the IPv4 address (as Java reads it)', on([{ cidr: '10.0.0.0/24' }]), { v: '::ffff:a00:1' }, true],
    ['a string pattern that is an address matches its other spellings', on(['2001:db8::1']), { v: '2001:0db8:0:0:0:0:0:1' }, true],
    ['a string pattern that is an address: another address', on(['2001:db8::1']), { v: '2001:db8::2' }, false],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));

  test.each([
    ['/32: event-ruler requires fewer than 32 mask bits', '10.0.0.1/32'],
    ['/33', '10.0.0.0/33'],
    ['/128: fewer than 128 for IPv6', '2001:db8::1/128'],
    ['/129', '2001:db8::/129'],
    ['no mask', '10.0.0.0'],
    ['a negative mask', '10.0.0.0/-1'],
    ['a host name', 'example.com/24'],
    ['an address with a leading zero', '10.0.0.010/24'],
  ])('refuses %s', (_name, cidr) => expect(verdict(on([{ cidr }]), { v: '10.0.0.1' })).toBe('invalid'));

  test.each([
    ['/31', '10.0.0.0/31'],
    ['/0', '0.0.0.0/0'],
    ['/127', '::/127'],
  ])('accepts %s', (_name, cidr) => expect(problemsOf(on([{ cidr }]))).toEqual([]));
});

describe('field paths and arrays', () => {
  test('a dotted key in the pattern is the nested path, and a dotted key in the event too (AWS)', () => {
    expect(verdict({ detail: { 'state.status': ['up'] } }, { state: { status: 'up' } })).toBe(true);
    expect(verdict({ detail: { state: { status: ['up'] } } }, { 'state.status': 'up' })).toBe(true);
    expect(verdict({ detail: { state: { status: ['up'] } } }, { state: { other: 'up' } })).toBe(false);
  });

  test('an array field matches when any element matches', () => {
    expect(verdict(on(['b']), { v: ['a', 'b'] })).toBe(true);
    expect(verdict(on(['c']), { v: ['a', 'b'] })).toBe(false);
    expect(verdict(on(['b']), { v: [['a'], ['b']] })).toBe(true);
  });

  test('a search over independent arrays that fails is not multiplied out (300 elements in each of four arrays)', () => {
    const elements = (key: string) => Array.from({ length: 300 }, () => ({ [key]: '1' }));
    const pattern = { detail: { a: { x: ['1'] }, b: { y: ['1'] }, c: { z: ['1'] }, d: { w: ['2'] } } };
    expect(verdict(pattern, { a: elements('x'), b: elements('y'), c: elements('z'), d: elements('w') })).toBe(false);
    expect(verdict(pattern, { a: elements('x'), b: elements('y'), c: elements('z'), d: [...elements('w'), { w: '2' }] })).toBe(true);
  });

  test('two fields must come from the same element of an array of objects', () => {
    const pattern = { detail: { items: { sku: ['a'], qty: [1] } } };
    expect(
      verdict(pattern, {
        items: [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2 },
        ],
      }),
    ).toBe(true);
    expect(
      verdict(pattern, {
        items: [
          { sku: 'a', qty: 2 },
          { sku: 'b', qty: 1 },
        ],
      }),
    ).toBe(false);
  });

  test('fields under different arrays are independent', () => {
    const pattern = { detail: { a: { x: ['1'] }, b: { y: ['2'] } } };
    expect(verdict(pattern, { a: [{ x: '0' }, { x: '1' }], b: [{ y: '2' }, { y: '3' }] })).toBe(true);
  });

  test('a nested pattern against a scalar finds no field', () => {
    expect(verdict({ detail: { state: { name: ['x'] } } }, { state: 'x' })).toBe(false);
  });
});

describe('$or', () => {
  test('alternatives at any level, each carrying the sibling fields', () => {
    const pattern = { source: ['s'], detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } };
    expect(matchesPattern(pattern, withDetail({ b: '2' }, { source: 's' }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ b: '2' }, { source: 't' }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ c: '3' }, { source: 's' }))).toBe(false);
  });

  test('nested $or multiplies out', () => {
    const pattern = { detail: { $or: [{ a: ['1'], $or: [{ b: ['2'] }, { c: ['3'] }] }, { d: ['4'] }] } };
    expect(verdict(pattern, { a: '1', c: '3' })).toBe(true);
    expect(verdict(pattern, { a: '1' })).toBe(false);
    expect(verdict(pattern, { d: '4' })).toBe(true);
  });

  test('every alternative is validated', () => {
    expect(problemsOf({ detail: { $or: [{ a: ['1'] }, { b: [{ numeric: ['>', 'x'] }] }] } })).toEqual(['detail.$or[1].b[0].numeric: the value after ">" must be a number, got "x"']);
  });

  test.each([
    ['one alternative', { $or: [{ source: ['a'] }] }],
    ['an operator name as a field inside it', { $or: [{ prefix: ['x'] }, { source: ['a'] }] }],
    ['a non-object alternative', { $or: [{ source: ['a'] }, 'b'] }],
    ['an empty alternative', { $or: [{ source: ['a'] }, {}] }],
  ])('refuses %s', (_name, pattern) => expect(problemsOf(pattern)).not.toEqual([]));

  test('sibling $or multiply; past 10,000 alternatives the pattern is refused rather than built', () => {
    const pair = (key: string) => ({ $or: [{ [key]: ['1'] }, { [`${key}-other`]: ['2'] }] });
    const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { leaf: ['x'] } : { ...pair(`k${depth}`), [`n${depth}`]: nested(depth - 1) });
    // A few first: a broken compiler fails here, before 1,024 and 16,384 alternatives are built.
    expect(compilePattern(nested(2)).subRules).toHaveLength(4);
    expect(compilePattern(nested(10)).subRules).toHaveLength(2 ** 10);
    expect(problemsOf(nested(14))).toEqual([expect.stringMatching(/multiplies the pattern into 16384 alternatives; more than 10000 are refused/)]);
  });

  test('a $or EventBridge cannot read as "or" is a field literally named "$or", as in event-ruler', () => {
    const compiled = compilePattern({ $or: ['a', { prefix: 'b' }] });
    expect(compiled.literalOr).toBe(true);
    expect(matchesPattern(compiled, { $or: 'bc' })).toBe(true);
    expect(matchesPattern(compiled, { source: 'a' })).toBe(false);
    expect(compilePattern({ $or: [{ source: ['a'] }, { source: ['b'] }] }).literalOr).toBe(false);
  });
});

describe('pattern structure', () => {
  test.each([
    ['the empty pattern {} (it would match everything)', {}, '(root): empty objects are not allowed'],
    ['an empty nested object', { detail: {} }, 'detail: empty objects are not allowed'],
    ['an empty list of values', { source: [] }, 'source: empty arrays are not allowed'],
    ['a value that is not a list', { source: 'aws.ec2' }, 'source: must be an array of match values or an object, got "aws.ec2"'],
    ['a list inside the list', { source: [['a']] }, 'source[0]: a match value must be a string, number, true, false, null or an operator object'],
    ['an operator object with two operators', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]: an operator object takes exactly one operator, got ["prefix","suffix"]'],
    ['an empty operator object', { source: [{}] }, 'source[0]: an operator object needs an operator'],
    ['an unknown operator', { source: [{ contains: 'a' }] }, expect.stringMatching(/^source\[0\]: unknown operator "contains"/)],
    ['an operator in upper case (AWS)', { source: [{ EXISTS: true }] }, expect.stringMatching(/^source\[0\]: unknown operator "EXISTS"/)],
    ['exists with a string', { source: [{ exists: 'yes' }] }, 'source[0].exists: "exists" takes true or false'],
    ['prefix with a number', { source: [{ prefix: 1 }] }, 'source[0].prefix: "prefix" takes a string or {"equals-ignore-case": string}'],
    ['a numeric range upside down', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }, 'detail.n[0].numeric: the lower bound 5 must be less than the upper bound 1'],
    ['an empty numeric range', { detail: { n: [{ numeric: ['>=', 5, '<=', 5] }] } }, 'detail.n[0].numeric: the lower bound 5 must be less than the upper bound 5'],
    ['a numeric range in the wrong order', { detail: { n: [{ numeric: ['<', 5, '>', 1] }] } }, expect.stringMatching(/a range starts with ">" or ">="/)],
    ['an unknown numeric operator', { detail: { n: [{ numeric: ['!=', 1] }] } }, 'detail.n[0].numeric: unknown numeric operator "!="'],
  ])('refuses %s', (_name, pattern, problem) => expect(problemsOf(pattern)).toEqual([problem]));

  test('the pattern must be a JSON object', () => {
    expect(problemsOf(['a'])).toEqual(['(root): the pattern must be a JSON object']);
    expect(() => compilePatternText('{"source": ["a"]')).toThrow(/\(root\): invalid JSON/);
  });

  test('names the rule and lists every problem', () => {
    try {
      validatePattern({ source: [], detail: { x: [{ regex: '.*' }] } }, 'dev-booking-charge-payment');
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(EventPatternError);
      expect((error as EventPatternError).message).toMatch(/^dev-booking-charge-payment: invalid event pattern/);
      expect((error as EventPatternError).problems).toEqual([
        'source: empty arrays are not allowed',
        'detail.x[0]: unknown operator "regex" (operators: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)',
      ]);
    }
  });

  test('a later occurrence of a key replaces an earlier list, while nested objects merge (as JSON text)', () => {
    const replaced = compilePatternText('{"source": ["a"], "source": ["b"]}');
    expect(matchesEventText(replaced, '{"source": "b"}')).toBe(true);
    expect(matchesEventText(replaced, '{"source": "a"}')).toBe(false);
    const merged = compilePatternText('{"detail": {"a": ["1"]}, "detail": {"b": ["2"]}}');
    expect(matchesEventText(merged, '{"detail": {"a": "1", "b": "2"}}')).toBe(true);
    expect(matchesEventText(merged, '{"detail": {"b": "2"}}')).toBe(false);
  });

  test('an event that is not a JSON object matches nothing', () => {
    const pattern = compilePattern({ source: [{ exists: false }] });
    expect(matchesPattern(pattern, {})).toBe(true);
    expect(matchesPattern(pattern, ['a'])).toBe(false);
    expect(matchesEventText(pattern, '"source"')).toBe(false);
    expect(matchesEventText(pattern, '{not json')).toBe(false);
    expect(matchesPattern(pattern, undefined)).toBe(false);
    let deep: unknown = {};
    for (let depth = 0; depth < 1001; depth++) deep = { source: deep };
    expect(matchesPattern(pattern, deep)).toBe(false);
  });
});

describe('rule complexity ("Rule is too complex")', () => {
  test('refuses the wildcard AWS refused and accepts the one AWS accepted', () => {
    expect(problemsOf({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toEqual([
      expect.stringMatching(/^\(root\): Rule is too complex .*complexity over 10, the most EventBridge allows/),
    ]);
    expect(compilePattern({ FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] }).complexity).toBe(7);
  });

  test('10 is allowed, 11 is not', () => {
    expect(compilePattern({ v: [{ wildcard: '*:*:*:*:*:event-bus/' }] }).complexity).toBe(10);
    expect(compilePattern({ v: [{ wildcard: '*a*a*a*a*a' }] }).complexity).toBe(10);
    expect(problemsOf({ v: [{ wildcard: '*a*a*a*a*a*' }] })).toHaveLength(1);
  });

  test('wildcards on one field at one state add up, across $or alternatives too', () => {
    expect(compilePattern({ a: [{ wildcard: '*x*x*' }] }).complexity).toBe(5);
    expect(compilePattern({ $or: [{ a: [{ wildcard: '*x*x*' }] }, { a: [{ wildcard: '*y*y*' }] }] }).complexity).toBe(8);
    expect(compilePattern({ a: [{ wildcard: '*x*x*' }], b: [{ wildcard: '*y*y*' }] }).complexity).toBe(5);
  });

  test('patterns without wildcards score 0', () => {
    expect(compilePattern({ a: ['x', { prefix: 'y' }, { numeric: ['>', 1] }] }).complexity).toBe(0);
  });

  test('usesWildcards tells the rules EventBridge counts against its 30 wildcard rules per bus', () => {
    expect(usesWildcards(compilePattern({ a: [{ wildcard: 'x*' }] }))).toBe(true);
    expect(usesWildcards(compilePattern({ a: [{ 'anything-but': { wildcard: 'x*' } }] }))).toBe(true);
    expect(usesWildcards(compilePattern({ a: ['x*', { prefix: 'x' }] }))).toBe(false);
  });
});

describe('compiled patterns', () => {
  test('a pattern value is compiled once and reused; a pattern with fields named like a compiled one is still a pattern', () => {
    const lookalike = { subRules: ['x'], complexity: ['y'] };
    expect(matchesPattern(lookalike, { subRules: 'x', complexity: 'y' })).toBe(true);
    expect(matchesPattern(lookalike, { subRules: 'x', complexity: 'z' })).toBe(false);
    expect(() => matchesPattern({ source: [] }, ec2Event)).toThrow(EventPatternError);
  });
});

/** The names event-ruler reserves inside `$or` (`Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP`). */
const RESERVED_IN_OR = [
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
];

// Every refusal below is one event-ruler 2.0.1 refuses too (Machine.addRule throws); the messages are
// what an operator reads in a failed synth, so each is asserted whole, with the field it names.
describe('refusals: the field and the reason, exactly', () => {
  const fields = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, ['x']]));

  test.each<[string, unknown, string[]]>([
    // what the compiler refuses
    ['a value that is a number', { source: 5 }, ['source: must be an array of match values or an object, got 5']],
    ['a value that is true', { source: true }, ['source: must be an array of match values or an object, got true']],
    ['a value that is null', { source: null }, ['source: must be an array of match values or an object, got null']],
    ['"$or" that is a string', { $or: 'x' }, ['$or: "$or" must be an array of at least two pattern objects']],
    ['"$or" with one alternative', { $or: [{ source: ['a'] }] }, ['$or: "$or" must be an array of at least two pattern objects']],
    ['"$or" with an alternative that is a string', { $or: [{ source: ['a'] }, 'b'] }, ['$or[1]: each "$or" alternative must be a pattern object']],
    ['"exactly" with a number', on([{ exactly: 5 }]), ['detail.v[0].exactly: "exactly" takes a string']],
    ['"equals-ignore-case" with a number', on([{ 'equals-ignore-case': 5 }]), ['detail.v[0].equals-ignore-case: "equals-ignore-case" takes a string']],
    ['"wildcard" with a number', on([{ wildcard: 5 }]), ['detail.v[0].wildcard: "wildcard" takes a string']],
    ['"numeric" with a string', on([{ numeric: '>' }]), ['detail.v[0].numeric: "numeric" takes an array such as [">", 0, "<=", 5]']],
    ['"cidr" with a number', on([{ cidr: 5 }]), ['detail.v[0].cidr: "cidr" takes a string such as "10.0.0.0/24"']],
    ['"cidr" with /32', on([{ cidr: '10.0.0.1/32' }]), ['detail.v[0].cidr: "10.0.0.1/32": IPv4 mask bits must be < 32']],
    ['"prefix" with {"equals-ignore-case": number}', on([{ prefix: { 'equals-ignore-case': 5 } }]), ['detail.v[0].prefix: "prefix" takes a string or {"equals-ignore-case": string}']],
    ['"prefix" with another operator', on([{ prefix: { other: 'a' } }]), ['detail.v[0].prefix: "prefix" takes a string or {"equals-ignore-case": string}']],
    ['"suffix" with a second key', on([{ suffix: { 'equals-ignore-case': 'a', x: 'b' } }]), ['detail.v[0].suffix: "suffix" object takes only "equals-ignore-case"']],
    ['"numeric" empty', on([{ numeric: [] }]), ['detail.v[0].numeric: the first element must be an operator (=, <, <=, > or >=), got nothing']],
    ['"numeric" without an operator', on([{ numeric: [5] }]), ['detail.v[0].numeric: the first element must be an operator (=, <, <=, > or >=), got 5']],
    ['"numeric" without a value', on([{ numeric: ['>'] }]), ['detail.v[0].numeric: the value after ">" must be a number, got nothing']],
    ['"numeric" with true', on([{ numeric: ['>', true] }]), ['detail.v[0].numeric: the value after ">" must be a number, got true']],
    ['"numeric" with null', on([{ numeric: ['>', null] }]), ['detail.v[0].numeric: the value after ">" must be a number, got null']],
    ['"numeric" with a list', on([{ numeric: ['>', []] }]), ['detail.v[0].numeric: the value after ">" must be a number, got array']],
    ['a range of five elements', on([{ numeric: ['>', 0, '<', 5, 6] }]), ['detail.v[0].numeric: too many elements in a numeric range']],
    ['a range continued by a number', on([{ numeric: ['>', 0, 5, 6] }]), ['detail.v[0].numeric: a range continues with "<" or "<=", got 5']],
    ['a range continued by "="', on([{ numeric: ['>', 0, '=', 6] }]), ['detail.v[0].numeric: a range continues with "<" or "<=", got "="']],
    ['a range without its upper value', on([{ numeric: ['>', 0, '<'] }]), ['detail.v[0].numeric: the value after "<" must be a number, got nothing']],
    ['a range with a string upper value', on([{ numeric: ['>', 0, '<', 'x'] }]), ['detail.v[0].numeric: the value after "<" must be a number, got "x"']],
    ['"anything-but" {}', on([{ 'anything-but': {} }]), ['detail.v[0].anything-but: "anything-but" object needs one of prefix, suffix, equals-ignore-case, wildcard']],
    [
      '"anything-but" with an unsupported form',
      on([{ 'anything-but': { numeric: ['>', 1] } }]),
      ['detail.v[0].anything-but: unsupported "anything-but" form "numeric" (supported: prefix, suffix, equals-ignore-case, wildcard)'],
    ],
    ['"anything-but" with two forms', on([{ 'anything-but': { prefix: 'a', suffix: 'b' } }]), ['detail.v[0].anything-but: "anything-but" object takes exactly one key']],
    ['"anything-but" with strings and numbers', on([{ 'anything-but': ['a', 1] }]), ['detail.v[0].anything-but: "anything-but" list must hold only strings or only numbers, not both']],
    [
      '"anything-but" with null in its list',
      on([{ 'anything-but': ['a', null] }]),
      ['detail.v[0].anything-but: "anything-but" list holds only strings or only numbers (no null, booleans, objects or arrays)'],
    ],
    ['"anything-but" with an empty list', on([{ 'anything-but': [] }]), ['detail.v[0].anything-but: "anything-but" list must not be empty']],
    [
      '"anything-but" with true',
      on([{ 'anything-but': true }]),
      ['detail.v[0].anything-but: "anything-but" takes a string, a number, a list of either, or {prefix|suffix|equals-ignore-case|wildcard: ...}'],
    ],
    ['"anything-but" prefix with a number', on([{ 'anything-but': { prefix: 5 } }]), ['detail.v[0].anything-but.prefix: "anything-but"/"prefix" takes a string or a list of strings']],
    ['"anything-but" prefix list with a number', on([{ 'anything-but': { prefix: ['a', 5] } }]), ['detail.v[0].anything-but.prefix: "anything-but"/"prefix" list takes only strings']],
    ['"anything-but" prefix ""', on([{ 'anything-but': { prefix: '' } }]), ['detail.v[0].anything-but.prefix: "anything-but"/"prefix" must not be empty']],
    ['"anything-but" suffix list holding ""', on([{ 'anything-but': { suffix: ['a', ''] } }]), ['detail.v[0].anything-but.suffix: "anything-but"/"suffix" must not be empty']],
    [
      '"anything-but" wildcard list with a bad one',
      on([{ 'anything-but': { wildcard: ['a', 'b**'] } }]),
      ['detail.v[0].anything-but.wildcard: consecutive wildcard characters at position 1 of "b**"'],
    ],
    // what the machine refuses once the rule compiled (GenericMachine.addPatternRule)
    ['"anything-but" prefix []', on([{ 'anything-but': { prefix: [] } }]), ['detail.v: "anything-but" needs at least one value']],
    ['"anything-but" suffix []', on([{ 'anything-but': { suffix: [] } }]), ['detail.v: "anything-but" needs at least one value']],
    ['"anything-but" equals-ignore-case []', on([{ 'anything-but': { 'equals-ignore-case': [] } }]), ['detail.v: "anything-but" needs at least one value']],
    ['"anything-but" wildcard []', on([{ 'anything-but': { wildcard: [] } }]), ['detail.v: "anything-but" needs at least one value']],
    ['two empty sets on one field: one problem', on([{ 'anything-but': { prefix: [] } }, { 'anything-but': { wildcard: [] } }]), ['detail.v: "anything-but" needs at least one value']],
    ['257 fields in one alternative (event-ruler: "Size of rule exceeds max value of 256")', fields(257), ['(root): an alternative has 257 fields; event-ruler allows at most 256']],
    ['257 fields in one $or alternative', { $or: [fields(257), { z: ['1'] }] }, ['(root): an alternative has 257 fields; event-ruler allows at most 256']],
  ])('%s', (_name, pattern, problems) => expect(problemsOf(pattern)).toEqual(problems));

  test('256 fields in one alternative are allowed', () => {
    expect(compilePattern(fields(256)).subRules[0]!.size).toBe(256);
  });

  test('exactly 10,000 alternatives are allowed (the local limit refuses more)', () => {
    const tenWays = (key: string) => ({ $or: Array.from({ length: 10 }, (_, i) => ({ [`${key}${i}`]: ['x'] })) });
    // A hundred first: a broken compiler fails here, before 10,000 alternatives are built.
    expect(compilePattern({ a: tenWays('a'), b: tenWays('b') }).subRules).toHaveLength(100);
    expect(compilePattern({ a: tenWays('a'), b: tenWays('b'), c: tenWays('c'), d: tenWays('d') }).subRules).toHaveLength(10_000);
  });

  test('the error: its name, the default place, every problem on its own line', () => {
    const error = (() => {
      try {
        compilePattern({ source: [], region: 5 });
      } catch (caught) {
        return caught as EventPatternError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.name).toBe('EventPatternError');
    expect(error.message).toBe(
      'event pattern: invalid event pattern (EventBridge would refuse it):\n  - source: empty arrays are not allowed\n  - region: must be an array of match values or an object, got 5',
    );
    expect(() => compilePatternText('{"source": []}')).toThrow(/^event pattern: invalid event pattern/);
    expect(() => validatePattern({ source: [] })).toThrow(/^event pattern: invalid event pattern/);
  });

  test('a value with no JSON form (a BigInt) is a caller bug: it throws as JSON.stringify does, never "invalid" or "no match"', () => {
    expect(() => compilePattern({ source: [1n] })).toThrow(TypeError);
    expect(() => matchesPattern({ source: ['a'] }, { source: 1n })).toThrow(TypeError);
  });
});

describe('$or: names event-ruler reserves', () => {
  test.each(RESERVED_IN_OR)('"%s" is refused as a field inside $or, and allowed as a field elsewhere', (name) => {
    expect(problemsOf({ $or: [{ [name]: ['x'] }, { source: ['a'] }] })).toEqual([`$or[0].${name}: "${name}" is an operator name and cannot be a field inside "$or"`]);
    expect(verdict({ detail: { [name]: ['x'] } }, { [name]: 'x' })).toBe(true);
  });
});

describe('$or that is not "or": the legacy rule (a field named "$or")', () => {
  test.each<[string, EventPattern, unknown]>([
    ['a list of strings', { $or: ['a', 'b'] }, { $or: 'b' }],
    ['one string', { $or: ['a'] }, { $or: 'a' }],
    ['after another field', { a: ['x'], $or: ['b', 'c'] }, { a: 'x', $or: 'c' }],
    ['nested', { detail: { $or: ['a', 'b'] } }, { detail: { $or: 'a' } }],
    ['an object (a nested field)', { $or: { x: ['1'] } }, { $or: { x: '1' } }],
  ])('%s', (_name, pattern, event) => {
    const compiled = compilePattern(pattern);
    expect(compiled.literalOr).toBe(true);
    expect(matchesPattern(compiled, event)).toBe(true);
    expect(matchesPattern(compiled, { $or: 'z', a: 'x', detail: { $or: 'z' } })).toBe(false);
  });

  // The legacy compiler knows anything-but prefix, suffix and equals-ignore-case, and prefix and
  // suffix only as one string (event-ruler's RuleCompiler), so these rules are refused altogether.
  test.each<[string, unknown, boolean]>([
    ['prefix', { prefix: 'x' }, true],
    ['suffix', { suffix: 'x' }, true],
    ['equals-ignore-case', { 'equals-ignore-case': 'x' }, true],
    ['equals-ignore-case list', { 'equals-ignore-case': ['x', 'y'] }, true],
    ['wildcard', { wildcard: 'x*' }, false],
    ['prefix list', { prefix: ['x', 'y'] }, false],
    ['suffix list', { suffix: ['x'] }, false],
  ])('anything-but %s beside a literal $or: accepted %s', (_name, argument, accepted) => {
    const problems = problemsOf({ $or: ['a', 'b'], v: [{ 'anything-but': argument }] });
    // Refused, it reports the or-aware compiler's problems (the $or), as event-ruler reports the first compiler's.
    expect(problems).toEqual(accepted ? [] : ['$or[0]: each "$or" alternative must be a pattern object', '$or[1]: each "$or" alternative must be a pattern object']);
  });
});

describe('usesWildcards looks at every alternative, field and value', () => {
  test('one wildcard among other values, fields and alternatives is enough', () => {
    expect(usesWildcards(compilePattern({ $or: [{ a: ['x', { wildcard: 'x*' }], b: ['y'] }, { c: ['z'] }] }))).toBe(true);
    expect(
      usesWildcards(
        compilePattern({
          $or: [
            { a: ['x'], b: ['y'] },
            { c: [{ 'anything-but': { wildcard: 'z*' } }], d: ['w'] },
          ],
        }),
      ),
    ).toBe(true);
    expect(usesWildcards(compilePattern({ $or: [{ a: ['x'], b: ['y'] }, { c: ['z*'] }] }))).toBe(false);
  });
});

// A field's values share one byte machine; a machine holding a `cidr` also reads IP-like strings as
// addresses, one holding a numeric pattern reads numbers as numbers. Verdicts from event-ruler 2.0.1.
describe('values read as addresses or numbers, beside other patterns', () => {
  const rows: Row[] = [
    ['anything-but a string beside a cidr: the excluded address', on([{ 'anything-but': '192.168.0.1' }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.1' }, false],
    ['anything-but a string beside a cidr: another address', on([{ 'anything-but': '192.168.0.1' }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.2' }, true],
    ['anything-but prefix beside a cidr: an excluded address', on([{ 'anything-but': { prefix: '192.' } }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.1' }, false],
    ['anything-but suffix beside a cidr: an excluded address', on([{ 'anything-but': { suffix: '.1' } }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.1' }, false],
    ['anything-but equals-ignore-case beside a cidr', on([{ 'anything-but': { 'equals-ignore-case': '192.168.0.1' } }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.1' }, false],
    ['anything-but wildcard beside a cidr', on([{ 'anything-but': { wildcard: '192.*' } }, { cidr: '10.0.0.0/24' }]), { v: '192.168.0.1' }, false],
    ['anything-but prefix beside a numeric: a number', on([{ 'anything-but': { prefix: 'x' } }, { numeric: ['>', 100] }]), { v: 5 }, true],
    ['anything-but suffix beside a numeric: a number', on([{ 'anything-but': { suffix: 'x' } }, { numeric: ['>', 100] }]), { v: 5 }, true],
    ['anything-but equals-ignore-case beside a numeric: a number', on([{ 'anything-but': { 'equals-ignore-case': 'x' } }, { numeric: ['>', 100] }]), { v: 5 }, true],
    ['anything-but wildcard beside a numeric: a number', on([{ 'anything-but': { wildcard: 'x*' } }, { numeric: ['>', 100] }]), { v: 5 }, true],
    ['a cidr beside a numeric: a number is never an address', on([{ cidr: '0.0.0.0/1' }, { numeric: ['>', 100] }]), { v: -1 }, false],
    ['a cidr beside a numeric: an address', on([{ cidr: '0.0.0.0/1' }, { numeric: ['>', 100] }]), { v: '10.0.0.1' }, true],
    // 0 read as a number is the key 9223372036854775808; the exact text "9223372036854775808" is another number
    ['an exact number is not the key of another', on([9223372036854775808]), { v: 0 }, false],
    ['an exact number: itself', on([9223372036854775808]), { v: 9223372036854775808 }, true],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));
});

describe('text operators on bytes', () => {
  const rows: Row[] = [
    // the quotes of the value anchor nothing: a value holding a quote is still compared whole
    ['equals-ignore-case: a value ending in the text after a quote', on([{ 'equals-ignore-case': 'alice' }]), { v: 'x"ALICE' }, false],
    ['anything-but equals-ignore-case: a value ending in the text after a quote', on([{ 'anything-but': { 'equals-ignore-case': 'stopped' } }]), { v: 'x"STOPPED' }, true],
    ['equals-ignore-case: a control character (one hex digit)', on([{ 'equals-ignore-case': 'a\tb' }]), { v: 'A\tB' }, true],
    ['wildcard: a control character', on([{ wildcard: 'a\t*' }]), { v: 'a\tb' }, true],
  ];
  test.each(rows)('%s', (_name, pattern, detail, expected) => expect(verdict(pattern, detail)).toBe(expected));
});

describe('the state machine alternatives share', () => {
  test('exists: false shared by two alternatives keeps both continuations', () => {
    const pattern = {
      detail: {
        $or: [
          { a: [{ exists: false }], b: ['1'] },
          { a: [{ exists: false }], c: ['2'] },
        ],
      },
    };
    expect(verdict(pattern, { b: '1' })).toBe(true);
    expect(verdict(pattern, { c: '2' })).toBe(true);
    expect(verdict(pattern, { a: 'x', b: '1' })).toBe(false);
  });

  test('an equal value in two alternatives leads to one state, whose wildcards add up (event-ruler: 8 shared, 5 apart)', () => {
    expect(
      compilePattern({
        $or: [
          { a: ['x'], b: [{ wildcard: '*a*a*' }] },
          { a: ['x'], b: [{ wildcard: '*b*b*' }] },
        ],
      }).complexity,
    ).toBe(8);
    expect(
      compilePattern({
        $or: [
          { a: ['x'], b: [{ wildcard: '*a*a*' }] },
          { a: ['y'], b: [{ wildcard: '*b*b*' }] },
        ],
      }).complexity,
    ).toBe(5);
  });

  test('patterns share a state only when equal: numeric bounds and anything-but sets are told apart by value', () => {
    const numeric = {
      detail: {
        $or: [
          { a: [{ numeric: ['>', 5] }], b: ['x'] },
          { a: [{ numeric: ['>', 6] }], c: ['y'] },
        ],
      },
    };
    expect(verdict(numeric, { a: 5.5, c: 'y' })).toBe(false);
    expect(verdict(numeric, { a: 6.5, c: 'y' })).toBe(true);
    const excluded = {
      detail: {
        $or: [
          { a: [{ 'anything-but': 'p' }], b: ['x'] },
          { a: [{ 'anything-but': 'q' }], c: ['y'] },
        ],
      },
    };
    expect(verdict(excluded, { a: 'q', c: 'y' })).toBe(false);
    expect(verdict(excluded, { a: 'p', c: 'y' })).toBe(true);
    // Equal sets in another order are one pattern (event-ruler: 8 shared, 5 apart)
    const sets = (second: string[]) => ({
      $or: [
        { a: [{ 'anything-but': ['p', 'q'] }], b: [{ wildcard: '*a*a*' }] },
        { a: [{ 'anything-but': second }], b: [{ wildcard: '*b*b*' }] },
      ],
    });
    expect(compilePattern(sets(['q', 'p'])).complexity).toBe(8);
    expect(compilePattern(sets(['q', 'r'])).complexity).toBe(5);
    // Numeric bounds 5 and 6 are two patterns: their states stay apart (event-ruler: 5)
    expect(
      compilePattern({
        $or: [
          { a: [{ numeric: ['>', 5] }], b: [{ wildcard: '*a*a*' }] },
          { a: [{ numeric: ['>', 6] }], b: [{ wildcard: '*b*b*' }] },
        ],
      }).complexity,
    ).toBe(5);
  });

  test('a number read as a number is never compared as text with an exact value (event-ruler)', () => {
    // 0 read as a number has the key 9223372036854775808; that exact value (no double holds it) is text only
    const pattern = compilePatternText('{"v": [9223372036854775808, {"numeric": [">", 100]}]}');
    expect(matchesEventText(pattern, '{"v": 0}')).toBe(false);
    expect(matchesEventText(pattern, '{"v": 9223372036854775808}')).toBe(true);
  });

  test('a range whose upper bound no double holds is refused (event-ruler: "Cannot compare number")', () => {
    expect(() => compilePatternText('{"v": [{"numeric": [">", 0, "<", 9007199254740993]}]}')).toThrow(
      'v[0].numeric: 9007199254740993 cannot be compared exactly: EventBridge compares numbers as doubles and refuses one a double does not hold exactly',
    );
  });

  test('a failed element of an array of objects does not fail the next element', () => {
    const pattern = { detail: { items: { a: ['1'], b: ['2'] } } };
    expect(
      verdict(pattern, {
        items: [
          { a: '1', b: '3' },
          { a: '1', b: '2' },
        ],
      }),
    ).toBe(true);
  });
});

describe('the compiled form', () => {
  test('each value of a field becomes the patterns event-ruler builds for it', () => {
    // A number a double holds is matched numerically and as written; one it does not hold, only as written.
    const compiled = compilePatternText('{"detail": {"v": ["x", 5, 12345678901234567890, true, null, {"exactly": "y"}]}}');
    expect(compiled.subRules).toEqual([
      new Map([
        [
          'detail.v',
          [
            { type: 'exact', bytes: '"x"' },
            { type: 'numeric-equals', key: comparableNumberKey('5') },
            { type: 'exact', bytes: '5' },
            { type: 'exact', bytes: '12345678901234567890' },
            { type: 'exact', bytes: 'true' },
            { type: 'exact', bytes: 'null' },
            { type: 'exact', bytes: '"y"' },
          ],
        ],
      ]),
    ]);
  });

  test('"exactly" matches the string itself, not its IP spellings or another case', () => {
    expect(verdict(on([{ exactly: 'a' }]), { v: 'a' })).toBe(true);
    expect(verdict(on([{ exactly: 'a' }]), { v: 'A' })).toBe(false);
    expect(verdict(on([{ exactly: '2001:db8::1' }]), { v: '2001:db8::1' })).toBe(true);
    expect(verdict(on([{ exactly: '2001:db8::1' }]), { v: '2001:0db8::1' })).toBe(false);
    expect(verdict(on(['2001:db8::1']), { v: '2001:0db8::1' })).toBe(true);
  });
});
