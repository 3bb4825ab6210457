/**
 * plan-review/diff.ts directly: the work budget of the line diff, the grouping of changed runs, the
 * unified text with its context and skipped stretches, and the normalization of JSON documents.
 */
import { changedLinesAtLeast, DIFF_WORK_BUDGET, jsonDiff, jsonLines, lineDiff, MAX_EDIT_LINES, maxEditLength, unifiedDiff, worthCounting, type DiffLine } from '../../plan-review/diff';

const same = (text: string): DiffLine => ({ kind: 'same', text });
const removed = (text: string): DiffLine => ({ kind: 'removed', text });
const added = (text: string): DiffLine => ({ kind: 'added', text });
const lines = (count: number, prefix = 'line'): string[] => Array.from({ length: count }, (_, index) => `${prefix} ${index}`);

describe('maxEditLength', () => {
  it('searches up to MAX_EDIT_LINES changed lines, fewer as the documents grow, at least one', () => {
    expect(DIFF_WORK_BUDGET).toBe(1_000_000);
    expect(MAX_EDIT_LINES).toBe(5_000);
    expect(maxEditLength(0, 0)).toBe(5_000);
    expect(maxEditLength(1, 0)).toBe(5_000);
    expect(maxEditLength(150, 50)).toBe(5_000);
    expect(maxEditLength(199, 2)).toBe(4_975);
    expect(maxEditLength(300, 100)).toBe(2_500);
    expect(maxEditLength(1_000, 0)).toBe(1_000);
    expect(maxEditLength(0, 1_000)).toBe(1_000);
    expect(maxEditLength(333_334, 1)).toBe(2);
    expect(maxEditLength(1_000_000, 1)).toBe(1);
    expect(maxEditLength(2_000_000, 2_000_000)).toBe(1);
  });
});

describe('lineDiff', () => {
  it('keeps unchanged lines and marks removed and added ones', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'c', 'd'])).toStrictEqual([same('a'), removed('b'), same('c'), added('d')]);
    expect(lineDiff([], [])).toStrictEqual([]);
    expect(lineDiff([], ['a'])).toStrictEqual([added('a')]);
    expect(lineDiff(['a'], [])).toStrictEqual([removed('a')]);
  });

  it('puts the removed lines of a changed run before its added ones', () => {
    expect(lineDiff(['s', 'a', 'b', 't', 'c', 'u'], ['s', 'x', 'y', 't', 'z', 'u'])).toStrictEqual([
      same('s'),
      removed('a'),
      removed('b'),
      added('x'),
      added('y'),
      same('t'),
      removed('c'),
      added('z'),
      same('u'),
    ]);
    expect(lineDiff(['a', 'b'], ['x', 'y'])).toStrictEqual([removed('a'), removed('b'), added('x'), added('y')]);
  });

  it('shows the documents as replaced once the changes exceed the budget, and diffs them within it', () => {
    const before = lines(600_000);
    const twoChanges = [...before.slice(0, -2), 'changed 1', 'changed 2'];
    const diff = lineDiff(before, twoChanges);
    expect(diff.length).toBe(1_200_000);
    expect(diff.slice(0, 2)).toStrictEqual([removed('line 0'), removed('line 1')]);
    expect(diff[599_999]).toStrictEqual(removed('line 599999'));
    expect(diff.slice(600_000, 600_001)).toStrictEqual([added('line 0')]);
    expect(diff.at(-1)).toStrictEqual(added('changed 2'));
    // One added line is within a budget of one changed line.
    const oneChange = lineDiff(before, [...before, 'appended']);
    expect(oneChange.length).toBe(600_001);
    expect(oneChange.at(-1)).toStrictEqual(added('appended'));
    expect(oneChange.filter((line) => line.kind !== 'same')).toStrictEqual([added('appended')]);
  });
});

describe('changedLinesAtLeast', () => {
  it('counts the copies of each line one side holds more often than the other', () => {
    expect(changedLinesAtLeast([], [])).toBe(0);
    expect(changedLinesAtLeast(['a'], [])).toBe(1);
    expect(changedLinesAtLeast([], ['a', 'a'])).toBe(2);
    expect(changedLinesAtLeast(['a', 'b', 'a'], ['a', 'c'])).toBe(3);
    expect(changedLinesAtLeast(['a', 'a', 'a'], ['a'])).toBe(2);
    expect(changedLinesAtLeast(['x', 'y', 'z'], ['x', 'y', 'z'])).toBe(0);
  });

  it('is a lower bound only: reordered lines count nothing, yet need changes', () => {
    expect(changedLinesAtLeast(['a', 'b'], ['b', 'a'])).toBe(0);
    expect(lineDiff(['a', 'b'], ['b', 'a']).filter((line) => line.kind !== 'same')).toHaveLength(2);
  });
});

describe('worthCounting', () => {
  it('counts when the budget squared is at least the lines', () => {
    expect(worthCounting(0, 1)).toBe(true);
    expect(worthCounting(1, 1)).toBe(true);
    expect(worthCounting(2, 1)).toBe(false);
    expect(worthCounting(10_000, 100)).toBe(true);
    expect(worthCounting(10_001, 100)).toBe(false);
    expect(worthCounting(10_000, maxEditLength(5_000, 5_000))).toBe(true);
    expect(worthCounting(10_002, maxEditLength(5_001, 5_001))).toBe(false);
  });
});

describe('lineDiff without hopeless searches', () => {
  // A copy of the module whose jsdiff is watched: whether lineDiff starts a search at all.
  const searches = jest.fn(jest.requireActual<typeof import('diff')>('diff').diffArrays);
  let lineDiff: typeof import('../../plan-review/diff').lineDiff;
  beforeAll(() => {
    jest.isolateModules(() => {
      jest.doMock('diff', () => ({ ...jest.requireActual<typeof import('diff')>('diff'), diffArrays: searches }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ({ lineDiff } = require('../../plan-review/diff') as typeof import('../../plan-review/diff'));
    });
  });
  afterAll(() => jest.dontMock('diff'));
  beforeEach(() => searches.mockClear());

  // 2,000 lines: a budget of 500 changed lines, and counting is worth it (500² ≥ 2,000).
  const before = lines(750);
  // One string per diff: Jest's deep equality of 2,000 objects would cost more than the diff.
  const text = (diff: readonly DiffLine[]) => diff.map((line) => `${line.kind} ${line.text}`).join('\n');
  const replaced = (after: string[]) => text([...before.map(removed), ...after.map(added)]);

  it('diffs documents whose certain changes are exactly the budget', () => {
    const after = [...before, ...lines(500, 'new')];
    expect(maxEditLength(before.length, after.length)).toBe(500);
    const diff = lineDiff(before, after);
    expect(searches).toHaveBeenCalledTimes(1);
    expect(text(diff)).toBe(text([...before.map(same), ...lines(500, 'new').map(added)]));
  });

  it('shows documents whose certain changes exceed the budget as replaced, without searching', () => {
    const after = [...before, ...lines(501, 'new')];
    expect(maxEditLength(before.length, after.length)).toBe(499);
    expect(text(lineDiff(before, after))).toBe(replaced(after));
    expect(searches).not.toHaveBeenCalled();
  });

  it('still searches when the count cannot tell, and shows the documents as replaced if the search gives up', () => {
    // 10,000 lines: a budget of 100 changed lines, 100² = 10,000, so they are counted (nothing).
    const forward = lines(5_000);
    const reversed = [...forward].reverse();
    const diff = lineDiff(forward, reversed);
    expect(searches).toHaveBeenCalledTimes(1);
    expect(diff).toHaveLength(10_000);
    expect([diff[0], diff[4_999], diff[5_000], diff[9_999]]).toStrictEqual([removed('line 0'), removed('line 4999'), added('line 4999'), added('line 0')]);
  });

  it('does not count when the budget is small: the search gives up sooner than a count would finish', () => {
    // 20,000 lines: a budget of 50 changed lines, 50² < 20,000.
    const big = lines(10_000);
    const other = lines(10_000, 'other');
    const diff = lineDiff(big, other);
    expect(searches).toHaveBeenCalledTimes(1);
    expect(diff).toHaveLength(20_000);
    expect([diff[0], diff[9_999], diff[10_000], diff[19_999]]).toStrictEqual([removed('line 0'), removed('line 9999'), added('other 0'), added('other 9999')]);
  });
});

describe('unifiedDiff', () => {
  it('is empty when nothing differs', () => {
    expect(unifiedDiff([])).toStrictEqual([]);
    expect(unifiedDiff([same('a'), same('b')])).toStrictEqual([]);
  });

  it('prefixes lines by kind and keeps three lines of context by default', () => {
    const diff = [...lines(5, 'before').map(same), removed('old'), added('new'), ...lines(5, 'after').map(same)];
    expect(unifiedDiff(diff)).toStrictEqual([
      '@@ 2 unchanged lines @@',
      '  before 2',
      '  before 3',
      '  before 4',
      '- old',
      '+ new',
      '  after 0',
      '  after 1',
      '  after 2',
      '@@ 2 unchanged lines @@',
    ]);
  });

  it('names one skipped line in the singular, and keeps exactly `context` lines each side', () => {
    const diff = [same('a'), same('b'), added('x'), same('c'), same('d')];
    expect(unifiedDiff(diff, 1)).toStrictEqual(['@@ 1 unchanged line @@', '  b', '+ x', '  c', '@@ 1 unchanged line @@']);
    expect(unifiedDiff(diff, 0)).toStrictEqual(['@@ 2 unchanged lines @@', '+ x', '@@ 2 unchanged lines @@']);
    expect(unifiedDiff(diff, 2)).toStrictEqual(['  a', '  b', '+ x', '  c', '  d']);
  });

  it('joins two changes whose contexts meet and splits those whose contexts do not', () => {
    const near = [removed('x'), same('a'), same('b'), added('y')];
    expect(unifiedDiff(near, 1)).toStrictEqual(['- x', '  a', '  b', '+ y']);
    const far = [removed('x'), same('a'), same('b'), same('c'), added('y')];
    expect(unifiedDiff(far, 1)).toStrictEqual(['- x', '  a', '@@ 1 unchanged line @@', '  c', '+ y']);
  });
});

describe('jsonLines', () => {
  it('pretty-prints with sorted keys, in nested objects and inside lists, keeping null', () => {
    expect(jsonLines('{"b":1,"a":{"d":null,"c":[{"f":2,"e":3}]}}')).toStrictEqual([
      '{',
      '  "a": {',
      '    "c": [',
      '      {',
      '        "e": 3,',
      '        "f": 2',
      '      }',
      '    ],',
      '    "d": null',
      '  },',
      '  "b": 1',
      '}',
    ]);
    expect(jsonLines({ z: true, y: 'x' })).toStrictEqual(['{', '  "y": "x",', '  "z": true', '}']);
    expect(jsonLines(null)).toStrictEqual(['null']);
    expect(jsonLines('7')).toStrictEqual(['7']);
  });

  it('splits a document that is not JSON by line, whatever its line ends', () => {
    expect(jsonLines('a: 1\r\nb: 2\rc: 3\nd: 4')).toStrictEqual(['a: 1', 'b: 2', 'c: 3', 'd: 4']);
    expect(jsonLines('${aws_iam_policy.x.json}')).toStrictEqual(['${aws_iam_policy.x.json}']);
  });
});

describe('jsonDiff', () => {
  it('is empty for documents equal once normalized', () => {
    expect(jsonDiff('{"b":1,"a":[1,2]}', '{ "a": [1, 2], "b": 1 }')).toStrictEqual([]);
  });

  it('diffs the normalized lines', () => {
    expect(jsonDiff('{"a":1}', '{"a":2}')).toStrictEqual(['  {', '-   "a": 1', '+   "a": 2', '  }']);
  });

  it('treats a missing or null side as an empty document', () => {
    expect(jsonDiff(undefined, '{"a":1}')).toStrictEqual(['+ {', '+   "a": 1', '+ }']);
    expect(jsonDiff(null, '{"a":1}')).toStrictEqual(['+ {', '+   "a": 1', '+ }']);
    expect(jsonDiff('{"a":1}', undefined)).toStrictEqual(['- {', '-   "a": 1', '- }']);
    expect(jsonDiff('{"a":1}', null)).toStrictEqual(['- {', '-   "a": 1', '- }']);
  });

  it('passes its context on', () => {
    const before = JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5 });
    const after = JSON.stringify({ a: 1, b: 2, c: 9, d: 4, e: 5 });
    expect(jsonDiff(before, after, 0)).toStrictEqual(['@@ 3 unchanged lines @@', '-   "c": 3,', '+   "c": 9,', '@@ 3 unchanged lines @@']);
    expect(jsonDiff(before, after)).toStrictEqual(['  {', '    "a": 1,', '    "b": 2,', '-   "c": 3,', '+   "c": 9,', '    "d": 4,', '    "e": 5', '  }']);
  });
});
