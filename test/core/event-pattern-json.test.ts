/**
 * The JSON reader the matcher uses in place of JSON.parse: EventBridge's parser (Jackson) sees
 * numbers as written and every member of an object, duplicates included.
 */
import { JsonTextError, javaSplit, javaUtf8, jsonNodeText, parseJsonText, toJsonNode } from '../../core/event-pattern-json';

describe('parseJsonText', () => {
  test('keeps number spellings and duplicate keys in document order', () => {
    const node = parseJsonText('{"a": 3.0, "a": 9007199254740993, "b": [1e400, -0, 0.5E-2]}');
    expect(node).toEqual({
      kind: 'object',
      entries: [
        ['a', { kind: 'number', text: '3.0' }],
        ['a', { kind: 'number', text: '9007199254740993' }],
        ['b', { kind: 'array', items: [{ kind: 'number', text: '1e400' }, { kind: 'number', text: '-0' }, { kind: 'number', text: '0.5E-2' }] }],
      ],
    });
  });

  test('reads strings, escapes and literals', () => {
    expect(parseJsonText('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d"')).toEqual({ kind: 'string', value: 'a"b\\c/d\b\f\n\r\té\ud83d' });
    expect(parseJsonText(' [true, false, null] ')).toEqual({
      kind: 'array',
      items: [{ kind: 'literal', text: 'true' }, { kind: 'literal', text: 'false' }, { kind: 'literal', text: 'null' }],
    });
    expect(parseJsonText('{}')).toEqual({ kind: 'object', entries: [] });
    expect(parseJsonText('[]')).toEqual({ kind: 'array', items: [] });
  });

  test.each([
    ['a leading zero', '01'],
    ['a bare minus', '-'],
    ['a trailing decimal point', '1.'],
    ['a leading decimal point', '.5'],
    ['an exponent without digits', '1e'],
    ['NaN', 'NaN'],
    ['a trailing comma in an object', '{"a": 1,}'],
    ['a trailing comma in an array', '[1,]'],
    ['a missing colon', '{"a" 1}'],
    ['an unquoted key', '{a: 1}'],
    ['an unterminated string', '"abc'],
    ['a raw control character in a string', '"a\nb"'],
    ['a bad escape', '"\\x41"'],
    ['a short \\u escape', '"\\u12"'],
    ['a misspelt literal', 'tru'],
    ['content after the value', '{} {}'],
    ['nothing', ''],
  ])('refuses %s', (_name, text) => expect(() => parseJsonText(text)).toThrow(JsonTextError));

  test('refuses nesting deep enough to exhaust the stack', () => {
    expect(() => parseJsonText('['.repeat(1002) + ']'.repeat(1002))).toThrow(/nested too deeply/);
    expect(() => parseJsonText('['.repeat(1000) + ']'.repeat(1000))).not.toThrow();
  });
});

describe('jsonNodeText and toJsonNode', () => {
  test('write a node back as text, spellings and duplicates kept', () => {
    const text = '{"a":3.0,"a":[true,null,"x\\"y"],"b":{}}';
    expect(jsonNodeText(parseJsonText(text))).toBe(text);
  });

  test('read a JavaScript value as JSON text would carry it', () => {
    expect(toJsonNode({ a: 1.5, b: undefined, c: NaN })).toEqual({
      kind: 'object',
      entries: [
        ['a', { kind: 'number', text: '1.5' }],
        ['c', { kind: 'literal', text: 'null' }],
      ],
    });
    expect(() => toJsonNode(undefined)).toThrow(JsonTextError);
  });
});

describe('javaUtf8', () => {
  test('encodes as Java does: UTF-8 bytes, a lone surrogate as "?"', () => {
    const bytes = (text: string) => [...javaUtf8(text)].map((char) => char.charCodeAt(0));
    expect(bytes('aé€😀')).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    expect(javaUtf8('a\ud83db')).toBe('a?b');
    expect(javaUtf8('\ude00')).toBe('?');
    expect(javaUtf8('\u07ff\u0800')).toBe('\xdf\xbf\xe0\xa0\x80');
  });
});

describe('javaSplit', () => {
  test("drops trailing empty parts, as Java's String.split does", () => {
    expect(javaSplit('a.b..', '.')).toEqual(['a', 'b']);
    expect(javaSplit('.a', '.')).toEqual(['', 'a']);
    expect(javaSplit('a..b', '.')).toEqual(['a', '', 'b']);
    expect(javaSplit('', '.')).toEqual([]);
  });
});
