/**
 * The rule-complexity score EventBridge limits ("Rule is too complex"), checked against the values
 * event-ruler's own tests pin for its MachineComplexityEvaluator: MachineComplexityEvaluatorTest
 * (raw byte patterns) and MachineComplexityEvaluatorCorpus (rules, whose wildcards are quoted
 * JSON strings), plus the two cases recorded against AWS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_PATTERN_MAX_COMPLEXITY } from '../../core/aws-limits';
import { compilePattern } from '../../core/event-pattern';
import { patternsComplexity } from '../../core/event-pattern-complexity';
import type { ComplexityCase } from '../fixtures/event-pattern-complexity/generate';

const wildcards = (...texts: string[]) => texts.map((text) => ({ type: 'wildcard', text }));

describe("event-ruler's evaluator tests (raw byte patterns)", () => {
  test.each<[number, string[]]>([
    [1, ['*']],
    [3, ['*', 'ab*c']],
    [1, ['abc']],
    [2, ['*ab']],
    [3, ['*aa']],
    [2, ['a*b']],
    [2, ['aa*']],
    [2, ['a*bc']],
    [3, ['a*bb']],
    [3, ['a*bcb']],
    [4, ['a*bbb']],
    [4, ['*ab*ad']],
    [3, ['*ab*d']],
    [4, ['*aba*']],
    [5, ['a*b*bb']],
    [4, ['a*b*cb']],
    [3, ['a*b*cd']],
    [4, ['a*b*b']],
    [4, ['a*bb*']],
    [3, ['ab*b*']],
    [3, ['ab*c', 'x*xx']],
    [4, ['*abc', '*abcde']],
    [4, ['a*bcd', 'ab*cd']],
    [4, ['a*bc', 'a*bcde']],
    [7, ['a*aaa', 'aa*aa']],
    [4, ['a*bc', 'abc*d']],
    [6, ['a*aaa', 'aaa*a']],
    [5, ['a*aax', 'aaa*x']],
    [4, ['a*bc', 'abc*']],
    [5, ['a*aa', 'aaa*']],
    [3, ['abc*', 'abcde*']],
    [6, ['ab*cd', 'ab*wx', 'ab*yz']],
    [7, ['*ab*b*b*']],
    [17, ['*a*a*a*a*a*a*a*a*']],
    [2, ['ab*c', 'ab*c']],
    [10, ['F*eatureFeature', 'Fe*atureFeature', 'Fea*tureFeature']],
  ])('%i for %j', (expected, texts) => {
    expect(patternsComplexity(wildcards(...texts), 1000, false)).toBe(expected);
    expect(patternsComplexity(wildcards(...[...texts].reverse()), 1000, false)).toBe(expected);
  });

  test('45 for the Quamina exploder', () => {
    const exploder = ['aahed*', 'aal*ii', 'aargh*', 'aarti*', 'a*baca', '*abaci', 'a*back', 'ab*acs', 'abaf*t', '*abaka', 'ab*amp', 'a*band', '*abase', 'abash*', 'abas*k', 'ab*ate'];
    const more = ['aba*ya', 'abbas*', 'abbed*', 'ab*bes', 'abbey*', '*abbot', 'ab*cee', 'abea*m', 'abe*ar', 'a*bele', 'a*bers', 'abet*s', '*abhor', 'abi*de', 'a*bies', '*abled'];
    expect(patternsComplexity(wildcards(...exploder, ...more), 1000, false)).toBe(45);
  });

  test('stops at the cap', () => {
    expect(patternsComplexity(wildcards('*a*a*a*a*a*a*a*a*'), 5, false)).toBe(5);
  });
});

describe('rules (quoted strings)', () => {
  const leadingStar = ['*kiwi*', '*BASE_QuxB*', '*Delta*', '*a/example-lake-abc98765432*'];

  test('the AWS-recorded cases: 11 refused, 7 accepted; the limit is 10', () => {
    expect(patternsComplexity(wildcards('*:*:*:*:*:event-bus/*'))).toBe(11);
    expect(patternsComplexity(wildcards('/Users/*/dir/dir/dir/dir/dir/doc.txt'))).toBe(7);
    expect(EVENT_PATTERN_MAX_COMPLEXITY).toBe(10);
  });

  test("event-ruler's corpus pins", () => {
    expect(patternsComplexity(wildcards('a*a*a*a*a*a*'))).toBe(11);
    expect(patternsComplexity(wildcards(`${'*a'.repeat(50)}*`))).toBe(101);
    expect(patternsComplexity(wildcards('*aa*', '*ba*', '*ca*', '*da*'))).toBe(12);
    expect(patternsComplexity(wildcards(...leadingStar))).toBe(12);
    // One anything-but set is one pattern, however many strings it holds.
    expect(patternsComplexity([{ type: 'anything-but-wildcard', texts: leadingStar }])).toBe(7);
  });

  test('an equal wildcard given twice is inserted twice, as event-ruler inserts it, and counts the extra states it makes (event-ruler: 6 once, 11 twice)', () => {
    // event-ruler's ByteMachine adds the second copy with new indeterminate states (it does not find
    // the first), while its match is the same Patterns value; a rule repeating a wildcard, in one
    // list or across $or alternatives, is refused by AWS where the single wildcard is accepted.
    expect(compilePattern({ a: [{ wildcard: '*a*a*a' }] }).complexity).toBe(6);
    expect(() => compilePattern({ a: [{ wildcard: '*a*a*a' }, { wildcard: '*a*a*a' }] })).toThrow(/Rule is too complex/);
    expect(() => compilePattern({ $or: [{ a: [{ wildcard: '*a*a*a' }] }, { a: [{ wildcard: '*a*a*a' }] }] })).toThrow(/Rule is too complex/);
    expect(patternsComplexity(wildcards('*a*a*', '*a*a*'))).toBe(9);
    expect(patternsComplexity(wildcards('a*aa', 'a*aa'))).toBe(5);
    expect(patternsComplexity(wildcards('a*', 'a*'), 1000, false)).toBe(4);
    expect(patternsComplexity(wildcards('ab*c', 'ab*c'))).toBe(3); // 2 once; raw (unquoted) it stays 2, event-ruler's own pin above
  });

  test('other patterns add nothing', () => {
    expect(patternsComplexity([{ type: 'exact' }, { type: 'prefix' }])).toBe(0);
    expect(patternsComplexity([{ type: 'exact' }, ...wildcards('ab*c')])).toBe(patternsComplexity(wildcards('ab*c')));
  });
});

/**
 * Sets whose score depends on how the byte machine is built, each scored by event-ruler 2.0.1 itself
 * (its MachineComplexityEvaluator, through the oracle of test/fixtures/event-pattern-complexity): a
 * machine built with a state reused where event-ruler makes a new one, a composite put elsewhere, or
 * the case and UTF-8 checks of state reuse skipped, scores them differently.
 */
describe('how the byte machine is built: sets that tell the ways apart (scored by event-ruler)', () => {
  test.each<[number, 'raw' | 'wildcard' | 'anything-but', string[]]>([
    // reuse of a state that already ends a pattern ("a" ends where "aa*a" passes)
    [2, 'raw', ['aa*a', 'a']],
    // a lone "*" twice: one start match, and the indeterminate state's wildcard check of reuse
    [2, 'anything-but', ['*', '*']],
    // equal texts whose match is already on the transition: inserted once more, matched once
    [1, 'anything-but', ['"', '\\\\', '"']],
    // the character after a wildcard at the end of a pattern, and where its match goes
    [3, 'anything-but', ['a*aab', 'b*', 'bb', 'ba']],
    // UTF-8: a continuation byte is never checked for case; a 3-byte character is decoded whole
    [3, 'anything-but', ['bébb', 'ⓐ*', 'ⓐb€', '*é']],
    [6, 'anything-but', ['ab*', '*ⓐ€ab', '*ⓐ€€']],
    [2, 'anything-but', ['𐐨A*', 'a𐐨', '𐐨A']],
    [3, 'anything-but', ['a*€aab', 'a*€aaé', 'a*€b', 'ⓐb']],
    // continuation bytes at both ends of their range (0x80 in Ā, 0xbf in ÿ) are never checked for case
    [2, 'anything-but', ['Ā*', 'Ābÿÿ1Ā', 'Ā']],
    [2, 'anything-but', ['ÿ*', 'ÿa', '1ÿ×ÿ1', 'ÿÿ1b']],
    // a 2-byte character without case (×) is decoded as 2 bytes, not with the "a" after it
    [3, 'anything-but', ['*a', '*a', '*×1', '*×a×']],
    // sets of transitions told apart by their ids (1,23 is not 12,3)
    [6, 'anything-but', ['*\\\\*bca*', '𐐨béⓐ\\*', 'éab*\\*', '€€*a🎫aⓐ']],
    // byte 0x01 is a byte, not the wildcard marker
    [3, 'wildcard', ['*a\u0001b*']],
  ])('%i for %s %j', (expected, kind, texts) => {
    const score =
      kind === 'raw'
        ? patternsComplexity(wildcards(...texts), 1000, false)
        : kind === 'wildcard'
          ? patternsComplexity(wildcards(...texts))
          : patternsComplexity([{ type: 'anything-but-wildcard', texts }]);
    expect(score).toBe(expected);
  });
});

describe('against event-ruler itself: random pattern sets scored by its MachineComplexityEvaluator (test/fixtures/event-pattern-complexity)', () => {
  const cases = readFileSync(join(__dirname, '..', 'fixtures', 'event-pattern-complexity', 'cases.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ComplexityCase);
  /**
   * Anything-but sets this module scores higher than event-ruler (the test.failing below): those
   * holding a lone "*", and one with a wildcard before multi-byte characters.
   */
  const loneStarSet = (c: ComplexityCase) => c.kind === 'anything-but' && (c.texts.includes('*') || c.texts.join('\n') === 'a*€é\na');
  const score = (c: ComplexityCase): number | string => {
    if (c.kind === 'raw') return patternsComplexity(wildcards(...c.texts), 1000, false);
    if (c.kind === 'wildcard') return patternsComplexity(wildcards(...c.texts), 1000);
    if (c.kind === 'anything-but') return patternsComplexity([{ type: 'anything-but-wildcard', texts: c.texts }], 1000);
    // A whole rule: every field's machine, through $or and nesting, as compilePattern scores it.
    try {
      return compilePattern(c.rule).complexity;
    } catch (error) {
      return /Rule is too complex/.test((error as Error).message) ? 'too complex' : (error as Error).message;
    }
  };
  const expected = (c: ComplexityCase): number | string => (c.kind === 'rule' && c.complexity > EVENT_PATTERN_MAX_COMPLEXITY ? 'too complex' : c.complexity);

  test.each(['raw', 'wildcard', 'anything-but', 'rule'] as const)('%s: every case scores as event-ruler scores it', (kind) => {
    const ofKind = cases.filter((c) => c.kind === kind && !loneStarSet(c));
    expect(ofKind.length).toBeGreaterThan(100);
    // Both sides of the limit are represented.
    expect(ofKind.some((c) => c.complexity > EVENT_PATTERN_MAX_COMPLEXITY) && ofKind.some((c) => c.complexity <= 3)).toBe(true);
    expect(ofKind.filter((c) => score(c) !== expected(c)).map((c) => ({ ...c, got: score(c) }))).toEqual([]);
  });

  // Known divergence, stricter than AWS (never kinder): an anything-but set is scored here as its
  // texts with an opening quote only, which event-ruler's own pinned example needs, but these score
  // higher than event-ruler scores them.
  test.failing('the anything-but sets scored higher than event-ruler scores them (a lone "*", a wildcard before multi-byte text)', () => {
    const loneStar = cases.filter(loneStarSet);
    expect(loneStar.length).toBeGreaterThan(0);
    expect(loneStar.filter((c) => score(c) !== expected(c))).toEqual([]);
  });
});

// Known divergence, KINDER than AWS (found by scoring random sets with event-ruler 2.0.1): anything-but
// wildcard sets holding a quote, a leading-star text beside its own prefix, or two sets on one field
// score lower here, so a rule near the limit could pass locally and be refused by AWS. Plain wildcards
// (the common case) showed no such case in 30,000 random sets. Fixing it means modelling how
// event-ruler inserts an anything-but set; until then this test documents it and fails when it is fixed.
test.failing('anything-but wildcard sets score at least what event-ruler scores (a quote in the text, "*b*" beside "*b", two sets on one field)', () => {
  const sets = (...texts: string[][]) => patternsComplexity(texts.map((set) => ({ type: 'anything-but-wildcard', texts: set })));
  expect([sets(['*"a']), sets(['*b*', '*b']), sets(['1*'], ['1*', '2'])]).toEqual([3, 4, 4]);
});
