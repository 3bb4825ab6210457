/**
 * EventBridge's own verdicts (test/fixtures/event-pattern-corpus/README.md): 1,724 pattern/event
 * pairs judged by aws/event-ruler 2.0.1, the library EventBridge matches with, and 176 recorded
 * against the live service, whose verdicts take precedence. The local matcher must agree on all.
 *
 * Patterns and events reach the matcher as JSON text, as they reach EventBridge, so number
 * spellings (`3.0`, `9007199254740993`) and duplicate keys are judged as written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventPatternError, compilePatternText, matchesEventText } from '../../core/event-pattern';
import { type JsonNode, jsonNodeText, parseJsonText } from '../../core/event-pattern-json';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'event-pattern-corpus');

type Verdict = boolean | 'invalid';

interface CorpusCase {
  readonly id: string;
  /** The first of its tags (the operator or shape it is about), or the id's prefix when it has none. */
  readonly tag: string;
  readonly expected: Verdict;
  readonly pattern: string;
  readonly event: string;
}

/** Each line is parsed with the matcher's own JSON reader: `JSON.parse` would respell numbers. */
function readCorpus(file: string): CorpusCase[] {
  const lines = fs
    .readFileSync(path.join(CORPUS, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const root = parseJsonText(line);
    if (root.kind !== 'object') throw new Error(`${file}: a line is not an object`);
    const member = (name: string): JsonNode => {
      const found = root.entries.find(([key]) => key === name);
      if (!found) throw new Error(`${file}: a case has no "${name}"`);
      return found[1];
    };
    const id = member('id');
    const expected = member('expected');
    const tags = root.entries.find(([key]) => key === 'tags')?.[1];
    const firstTag = tags?.kind === 'array' && tags.items[0]?.kind === 'string' ? tags.items[0].value : undefined;
    const identifier = id.kind === 'string' ? id.value : '?';
    return {
      id: identifier,
      tag: firstTag ?? identifier.split('-')[0]!,
      expected: expected.kind === 'string' ? (expected.value as 'invalid') : expected.kind === 'literal' && expected.text === 'true',
      pattern: jsonNodeText(member('pattern')),
      event: jsonNodeText(member('event')),
    };
  });
}

function verdict(corpusCase: CorpusCase): Verdict {
  let compiled;
  try {
    compiled = compilePatternText(corpusCase.pattern);
  } catch (error) {
    if (error instanceof EventPatternError) return 'invalid';
    throw error;
  }
  return matchesEventText(compiled, corpusCase.event);
}

const corpora: [file: string, counts: Record<string, number>][] = [
  // The READMEs' figures: a truncated or edited fixture must not pass for a smaller agreement.
  ['cases.jsonl', { total: 1724, true: 838, false: 758, invalid: 128 }],
  ['aws-validated.jsonl', { total: 176, true: 79, false: 58, invalid: 39 }],
];

describe.each(corpora)('EventBridge corpus %s', (file, counts) => {
  const cases = readCorpus(file);

  test('holds the cases its README describes', () => {
    const tally = (value: Verdict) => cases.filter((c) => c.expected === value).length;
    expect({ total: cases.length, true: tally(true), false: tally(false), invalid: tally('invalid') }).toEqual(counts);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  // One test per tag (the case's first): a failure lists the first five cases of it that disagree, by
  // id, and mutation testing runs ~40 tests per mutant rather than 1,900 (one per case took hours
  // there). Stopping at the fifth, not after judging every case, lets a broken matcher fail within
  // its first mismatches: these tests run for nearly every mutant of the matcher.
  const byTag = new Map<string, CorpusCase[]>();
  for (const c of cases) byTag.set(c.tag, [...(byTag.get(c.tag) ?? []), c]);
  test.each([...byTag].map(([tag, group]) => [tag, group.length, group] as const))("%s (%i cases): the matcher gives EventBridge's verdict on each", (_tag, _count, group) => {
    const got = (c: CorpusCase): boolean | string => {
      try {
        return verdict(c);
      } catch (error) {
        return `threw ${(error as Error).message}`;
      }
    };
    const firstMismatches: { id: string; pattern: string; expected: Verdict; got: boolean | string }[] = [];
    for (const c of group) {
      const verdictGot = got(c);
      if (verdictGot !== c.expected) firstMismatches.push({ id: c.id, pattern: c.pattern, expected: c.expected, got: verdictGot });
      if (firstMismatches.length === 5) break;
    }
    expect(firstMismatches).toEqual([]);
  });
});
