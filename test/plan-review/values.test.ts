/**
 * plan-review/values.ts directly: how masks merge, what is hidden and how values print. Every value a
 * reviewer sees goes through here, so each rule is pinned on the smallest value that shows it, nested
 * masks inside lists and objects first (where a leak was found).
 */
import {
  attributeChanges,
  attributeView,
  changeMask,
  displayValue,
  hasSensitivityData,
  isWhollySensitive,
  maskHasTrue,
  NO_SENSITIVITY_DATA,
  redact,
  redactedObject,
  SENSITIVE,
  UNKNOWN,
  unionMask,
} from '../../plan-review';
import type { ChangeJson } from '../../plan-review';

const change = (fields: Partial<ChangeJson>): ChangeJson => ({ actions: ['update'], ...fields }) as ChangeJson;

describe('markers', () => {
  test('what a hidden value reads as', () => {
    expect([SENSITIVE, UNKNOWN, NO_SENSITIVITY_DATA]).toEqual(['(sensitive)', '(known after apply)', '(hidden: plan has no sensitivity data)']);
  });
});

describe('maskHasTrue: whether a mask marks anything, at any depth', () => {
  test.each([
    [true, true],
    [false, false],
    [undefined, false],
    [null, false],
    [{}, false],
    [[], false],
    [[false, false], false],
    [[false, true], true],
    [[true, false], true],
    [{ a: false, b: true }, true],
    [{ a: false, b: false }, false],
    [{ a: [false, { b: [false, true] }] }, true],
    [{ a: [false, { b: [false, false] }] }, false],
    // Terraform writes only booleans, objects and lists: anything else is taken as true.
    [1, true],
    ['yes', true],
    [0, true],
    ['', true],
  ])('%j: %s', (mask, marked) => expect(maskHasTrue(mask)).toBe(marked));
});

describe('unionMask: sensitive wherever either side is', () => {
  test.each([
    ['neither', undefined, undefined, undefined],
    ['false and null are empty', false, null, undefined],
    ['one side only', undefined, { a: true }, { a: true }],
    ['the other side only', { a: true }, false, { a: true }],
    ['a whole side wins', true, { a: false }, true],
    ['either whole side wins', { a: false }, true, true],
    ['a non-boolean scalar counts as whole', { a: false }, 1, true],
    ['objects: key by key', { a: true, b: false }, { b: { c: true }, d: false }, { a: true, b: { c: true }, d: undefined }],
    ['lists: item by item, the longer length', [false, true], [true, false, { x: true }], [true, true, { x: true }]],
    ['a list and an object that mark something: whole', [true], { a: false }, true],
    ['an object and a list that mark something: whole', { a: false }, [false, true], true],
    ['a list and an object that mark nothing: nothing', [false], { a: false }, undefined],
  ])('%s', (_name, a, b, merged) => expect(unionMask(a, b)).toEqual(merged));

  test('a list against an object is whole when only one marks', () => {
    expect(unionMask([false], { a: true })).toBe(true);
    expect(unionMask([true], {})).toBe(true);
  });
});

describe('redact: sensitive parts hidden, unknown parts marked, the rest kept', () => {
  test('scalars', () => {
    expect(redact('secret', true)).toBe(SENSITIVE);
    expect(redact('secret', 'yes')).toBe(SENSITIVE);
    expect(redact('plain', false)).toBe('plain');
    expect(redact('plain', undefined)).toBe('plain');
    expect(redact('later', undefined, true)).toBe(UNKNOWN);
    // An unknown secret is still a secret.
    expect(redact('x', true, true)).toBe(SENSITIVE);
  });

  test('nested masks inside lists and objects hide exactly what they mark', () => {
    const value = { tags: { team: 'core', token: 'T0K3N' }, list: ['a', 'SECRET', { k: 'v', pw: 'PW' }], n: 1 };
    const mask = { tags: { token: true }, list: [false, true, { pw: true }] };
    expect(redact(value, mask)).toEqual({ tags: { team: 'core', token: SENSITIVE }, list: ['a', SENSITIVE, { k: 'v', pw: SENSITIVE }], n: 1 });
  });

  test('a mask that does not fit its value hides the whole value, if it marks anything', () => {
    expect(redact(['a', 'b'], { 0: true })).toBe(SENSITIVE); // an object mask on a list
    expect(redact({ a: 'x' }, [true])).toBe(SENSITIVE); // a list mask on an object
    expect(redact('scalar', { a: true })).toBe(SENSITIVE); // a nested mask on a scalar
    expect(redact('scalar', [false, true])).toBe(SENSITIVE);
    expect(redact(['a'], { 0: false })).toEqual(['a']);
    expect(redact({ a: 'x' }, [false])).toEqual({ a: 'x' });
    expect(redact('scalar', { a: false })).toBe('scalar');
  });

  test('unknown parts of lists and objects, also where the value has none yet', () => {
    expect(redact(['a', 'b'], undefined, [false, true])).toEqual(['a', UNKNOWN]);
    expect(redact(['a'], undefined, [false, true, true])).toEqual(['a', UNKNOWN, UNKNOWN]);
    expect(redact(undefined, undefined, [true])).toEqual([UNKNOWN]);
    expect(redact({ a: 1 }, undefined, { b: true })).toEqual({ a: 1, b: UNKNOWN });
    expect(redact(null, undefined, { id: true })).toEqual({ id: UNKNOWN });
    expect(redact(['a', 'b', 'c'], [false, true], [false, false, true])).toEqual(['a', SENSITIVE, UNKNOWN]);
  });

  test('own keys only: a mask never reads inherited properties', () => {
    expect(redact({ constructor: 'c', toString: 's' }, {})).toEqual({ constructor: 'c', toString: 's' });
  });
});

describe('displayValue: one line of at most 60 characters', () => {
  test('markers as they are, missing as null, values as JSON', () => {
    expect(displayValue(SENSITIVE)).toBe('(sensitive)');
    expect(displayValue(UNKNOWN)).toBe('(known after apply)');
    expect(displayValue(NO_SENSITIVITY_DATA)).toBe(NO_SENSITIVITY_DATA);
    expect(displayValue(undefined)).toBe('null');
    expect(displayValue(null)).toBe('null');
    expect(displayValue('a')).toBe('"a"');
    expect(displayValue({ a: [1, true] })).toBe('{"a":[1,true]}');
  });

  test('60 characters fit; 61 are cut to 59 and an ellipsis', () => {
    const fits = 'x'.repeat(58); // 60 with its quotes
    expect(displayValue(fits)).toBe(`"${fits}"`);
    const cut = displayValue(`${fits}y`);
    expect(cut).toBe(`"${'x'.repeat(58)}…`);
    expect(cut).toHaveLength(60);
    expect(displayValue('abcdef', 4)).toBe('"ab…');
    expect(displayValue('ab', 4)).toBe('"ab"');
  });
});

describe("a change's sensitivity", () => {
  test('format 0.2 and later carry masks; older plans do not', () => {
    expect(hasSensitivityData(change({}))).toBe(false);
    expect(hasSensitivityData(change({ before_sensitive: false }))).toBe(true);
    expect(hasSensitivityData(change({ after_sensitive: {} }))).toBe(true);
  });

  test('changeMask merges both sides; a whole or misshapen mask is the whole object', () => {
    expect(changeMask(change({ before_sensitive: { a: true }, after_sensitive: { b: true } }))).toEqual({ a: true, b: true });
    expect(changeMask(change({ before_sensitive: true, after_sensitive: {} }))).toBe(true);
    expect(changeMask(change({ before_sensitive: [true], after_sensitive: false }))).toBe(true);
    expect(changeMask(change({ before_sensitive: [false], after_sensitive: false }))).toEqual([false]);
    expect(changeMask(change({ before_sensitive: {}, after_sensitive: {} }))).toEqual({});
  });

  test('wholly sensitive: only with masks, and only when the object as a whole is marked', () => {
    expect(isWhollySensitive(change({ before_sensitive: true }))).toBe(true);
    expect(isWhollySensitive(change({ after_sensitive: { a: true } }))).toBe(false);
    expect(isWhollySensitive(change({}))).toBe(false);
  });

  test('redactedObject: the side asked for, unknowns on the new side only, nothing without masks', () => {
    const c = change({ before: { a: 'old', s: 'S1' }, after: { a: 'new', s: 'S2' }, after_unknown: { id: true }, before_sensitive: {}, after_sensitive: { s: true } });
    expect(redactedObject(c, 'before')).toEqual({ a: 'old', s: SENSITIVE });
    expect(redactedObject(c, 'after')).toEqual({ a: 'new', s: SENSITIVE, id: UNKNOWN });
    expect(redactedObject(change({ before: { a: 1 }, after: { a: 2 } }), 'after')).toBeUndefined();
    expect(redactedObject(change({ before: null, after: { a: 1 }, after_sensitive: true }), 'after')).toBeUndefined();
  });
});

describe('attributeChanges: what changed, safely', () => {
  test('known changes by name first, then those known only after apply; unchanged ones left out', () => {
    const c = change({
      before: { b: 1, a: 'x', same: [1], gone: 'g' },
      after: { b: 2, a: 'y', same: [1], added: 'n' },
      after_unknown: { id: true, arn: true },
      before_sensitive: {},
      after_sensitive: {},
    });
    expect(attributeChanges(c)).toEqual([
      { name: 'a', before: '"x"', after: '"y"' },
      { name: 'added', before: 'null', after: '"n"' },
      { name: 'b', before: '1', after: '2' },
      { name: 'gone', before: '"g"', after: 'null' },
      { name: 'arn', after: UNKNOWN },
      { name: 'id', after: UNKNOWN },
    ]);
  });

  test('a value partly unknown is shown with its unknown parts, even when the known parts did not change', () => {
    const c = change({ before: { tags: { a: '1' } }, after: { tags: { a: '1' } }, after_unknown: { tags: { b: true } }, before_sensitive: {}, after_sensitive: {} });
    expect(attributeChanges(c)).toEqual([{ name: 'tags', before: '{"a":"1"}', after: `{"a":"1","b":"${UNKNOWN}"}` }]);
  });

  test('an unknown mask of false is no change', () => {
    const c = change({ before: { a: 1 }, after: { a: 1 }, after_unknown: { a: false }, before_sensitive: {}, after_sensitive: {} });
    expect(attributeChanges(c)).toEqual([]);
  });

  test('sensitive attributes hidden on both sides; a wholly sensitive object shows nothing', () => {
    const c = change({ before: { pw: 'old', n: 1 }, after: { pw: 'new', n: 1 }, before_sensitive: { pw: true }, after_sensitive: {} });
    expect(attributeChanges(c)).toEqual([{ name: 'pw', before: SENSITIVE, after: SENSITIVE }]);
    expect(attributeChanges(change({ before: { pw: 'old' }, after: { pw: 'new' }, before_sensitive: true, after_sensitive: {} }))).toEqual([]);
  });

  test('without masks (format 0.1) every changed value is hidden', () => {
    const c = change({ before: { pw: 'old' }, after: { pw: 'new' } });
    expect(attributeChanges(c)).toEqual([{ name: 'pw', before: NO_SENSITIVITY_DATA, after: NO_SENSITIVITY_DATA }]);
  });

  test('objects that are not objects count as empty', () => {
    expect(attributeChanges(change({ before: null, after: ['x'], after_unknown: 'x', before_sensitive: {}, after_sensitive: {} }))).toEqual([]);
    expect(attributeChanges(change({ before: 'a', after: { k: 1 }, before_sensitive: {}, after_sensitive: {} }))).toEqual([{ name: 'k', before: 'null', after: '1' }]);
  });
});

describe('attributeView: one attribute of one side, or why it cannot be shown', () => {
  const c = change({
    before: { a: 'old', s: 'S', n: null },
    after: { a: 'new', s: 'S2', id: 'x' },
    after_unknown: { id: true, t: { k: true } },
    before_sensitive: { s: true },
    after_sensitive: {},
  });
  test.each([
    ['before', 'a', { kind: 'value', value: 'old' }],
    ['after', 'a', { kind: 'value', value: 'new' }],
    ['before', 's', { kind: 'sensitive' }],
    ['after', 's', { kind: 'sensitive' }],
    ['after', 'id', { kind: 'unknown' }],
    ['after', 't', { kind: 'unknown' }],
    ['before', 'id', { kind: 'absent' }],
    ['before', 'n', { kind: 'absent' }],
    ['after', 'missing', { kind: 'absent' }],
  ] as const)('%s %s', (side, name, view) => expect(attributeView(c, side, name)).toEqual(view));

  test('without masks nothing is shown; a wholly sensitive object shows no attribute', () => {
    expect(attributeView(change({ before: { a: 1 } }), 'before', 'a')).toEqual({ kind: 'no-sensitivity-data' });
    expect(attributeView(change({ before: { a: 1 }, before_sensitive: true }), 'before', 'a')).toEqual({ kind: 'sensitive' });
    expect(attributeView(change({ before: { a: 1 }, before_sensitive: [true] }), 'before', 'a')).toEqual({ kind: 'sensitive' });
  });
});
