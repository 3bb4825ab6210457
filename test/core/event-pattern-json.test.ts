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
        [
          'b',
          {
            kind: 'array',
            items: [
              { kind: 'number', text: '1e400' },
              { kind: 'number', text: '-0' },
              { kind: 'number', text: '0.5E-2' },
            ],
          },
        ],
      ],
    });
  });

  test('reads strings, escapes and literals', () => {
    expect(parseJsonText('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d"')).toEqual({ kind: 'string', value: 'a"b\\c/d\b\f\n\r\té\ud83d' });
    expect(parseJsonText(' [true, false, null] ')).toEqual({
      kind: 'array',
      items: [
        { kind: 'literal', text: 'true' },
        { kind: 'literal', text: 'false' },
        { kind: 'literal', text: 'null' },
      ],
    });
    expect(parseJsonText('{}')).toEqual({ kind: 'object', entries: [] });
    expect(parseJsonText('[]')).toEqual({ kind: 'array', items: [] });
  });

  // Each refusal with its message and where it is found: a check that stopped refusing would let a
  // later, different error (or none) through.
  test.each([
    ['a leading zero', '01', 0, 'malformed number'],
    ['a leading zero after a minus', '-01', 0, 'malformed number'],
    ['a bare minus', '-', 0, 'malformed number'],
    ['a minus before a letter', '-a', 0, 'malformed number'],
    ['a minus before a letter and a digit', '-x5', 0, 'malformed number'],
    ['a trailing decimal point', '1.', 0, 'malformed number'],
    ['an exponent without digits', '1e', 0, 'malformed number'],
    ['an exponent sign without digits', '1.5e+', 0, 'malformed number'],
    ['a fractional exponent', '1e5.2', 0, 'malformed number'],
    ['a leading decimal point', '.5', 0, 'unexpected character "."'],
    ['a leading plus', '+5', 0, 'unexpected character "+"'],
    ['NaN', 'NaN', 0, 'unexpected character "N"'],
    ['a trailing comma in an object', '{"a": 1,}', 8, 'expected a member name'],
    ['an unquoted key', '{a: 1}', 1, 'expected a member name'],
    ['a comma for a member', '{,}', 1, 'expected a member name'],
    ['an unclosed object', '{', 1, 'expected a member name'],
    ['a missing colon', '{"a" 1}', 5, 'expected ":"'],
    ['a key and nothing else', '{"a"', 4, 'expected ":"'],
    ['a missing comma between members', '{"a":1 "b":2}', 8, 'expected "," or "}"'],
    ['an object that never ends', '{"a":1', 7, 'expected "," or "}"'],
    ['a trailing comma in an array', '[1,]', 3, 'unexpected character "]"'],
    ['a leading comma in an array', '[,1]', 1, 'unexpected character ","'],
    ['a missing comma between items', '[1 2]', 4, 'expected "," or "]"'],
    ['an array that never ends', '[1', 3, 'expected "," or "]"'],
    ['an open bracket', '[', 1, 'unexpected end of text'],
    ['an unterminated string', '"abc', 4, 'unterminated string'],
    ['a raw line feed in a string', '"a\nb"', 2, 'control character in a string'],
    ['a raw unit separator in a string', '"a\u001fb"', 2, 'control character in a string'],
    ['a bad escape', '"\\x41"', 3, 'bad escape'],
    ['a backslash at the end', '"\\', 3, 'bad escape'],
    ['a short \\u escape', '"\\u12"', 3, 'bad \\u escape'],
    ['a \\u escape with a non-hex digit', '"\\u12g4"', 3, 'bad \\u escape'],
    // An invalid string is read again to name its fault: the valid escapes and characters before it are stepped over as the token would read them.
    ['a bad escape after valid ones', '"\\u0041\\n\\q"', 11, 'bad escape'],
    ['a short \\u escape after a valid one', '"\\u0041\\u12"', 9, 'bad \\u escape'],
    ['a raw control character after a valid escape', '"\\n\u0001"', 3, 'control character in a string'],
    ['a raw control character after a space', '"a b\u0001"', 4, 'control character in a string'],
    ['a misspelt true', 'tru', 0, 'unknown literal'],
    ['a misspelt false', 'fals', 0, 'unknown literal'],
    ['a misspelt null', 'nul', 0, 'unknown literal'],
    ['content after the value', '{} {}', 3, 'unexpected content after the JSON value'],
    ['a letter after a number', '1x', 1, 'unexpected content after the JSON value'],
    ['nothing', '', 0, 'unexpected end of text'],
  ])('refuses %s', (_name, text, position, message) => {
    expect(() => parseJsonText(text)).toThrow(new JsonTextError(`invalid JSON at character ${position}: ${message}`));
  });

  test('its errors are JsonTextErrors by name', () => {
    const error = (() => {
      try {
        parseJsonText('[');
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(JsonTextError);
    expect(error!.name).toBe('JsonTextError');
  });

  test("JSON's four whitespace characters, anywhere between tokens; no other", () => {
    expect(parseJsonText(' \t\n\r[\t1 ,\n2\r]\r\n ')).toEqual({
      kind: 'array',
      items: [
        { kind: 'number', text: '1' },
        { kind: 'number', text: '2' },
      ],
    });
    for (const space of [' ', '\t', '\n', '\r'])
      expect(parseJsonText(`${space}{${space}"a"${space}:${space}1${space}}${space}`)).toEqual({ kind: 'object', entries: [['a', { kind: 'number', text: '1' }]] });
    expect(() => parseJsonText('\u00a0[]')).toThrow('invalid JSON at character 0: unexpected character "\u00a0"');
    expect(() => parseJsonText('[]\f')).toThrow('invalid JSON at character 2: unexpected content after the JSON value');
  });

  test('numbers alone, at the end of the text, in every JSON form', () => {
    for (const text of ['5', '-0', '0', '10', '1.25', '-1.5e10', '2E+3', '1E-0', '0.5e-2', '3', '4.5', '6e1', '7', '8', '9.75'])
      expect(parseJsonText(text)).toEqual({ kind: 'number', text });
    expect(parseJsonText('[5]')).toEqual({ kind: 'array', items: [{ kind: 'number', text: '5' }] });
  });

  test('strings: escapes, \\u escapes in either case, every character from space up as it is', () => {
    expect(parseJsonText('"\\u0041\\u00E9\\u00e9"')).toEqual({ kind: 'string', value: 'Aéé' });
    expect(parseJsonText('" ~\u007f\u00e9"')).toEqual({ kind: 'string', value: ' ~\u007fé' });
    expect(parseJsonText('""')).toEqual({ kind: 'string', value: '' });
  });

  test('refuses nesting deep enough to exhaust the stack, in arrays and objects alike', () => {
    const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(() => parseJsonText(arrays(1002))).toThrow(/nested too deeply/);
    expect(() => parseJsonText(arrays(1001))).not.toThrow();
    expect(() => parseJsonText(objects(1001))).toThrow('invalid JSON at character 5005: nested too deeply');
    expect(() => parseJsonText(objects(1000))).not.toThrow();
    expect(() => parseJsonText(`[${objects(1000)}]`)).toThrow(/nested too deeply/);
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
    expect(() => toJsonNode(undefined)).toThrow(new JsonTextError('the value has no JSON form'));
    expect(() => toJsonNode(() => 1)).toThrow(new JsonTextError('the value has no JSON form'));
    expect(toJsonNode('a')).toEqual({ kind: 'string', value: 'a' });
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

  test('at every boundary: one, two, three and four bytes; surrogates paired, lone or misplaced', () => {
    const bytes = (text: string) => [...javaUtf8(text)].map((char) => char.charCodeAt(0));
    expect(bytes('\u007f\u0080')).toEqual([0x7f, 0xc2, 0x80]);
    expect(bytes('\ud7ff\ue000\uffff')).toEqual([0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80, 0xef, 0xbf, 0xbf]);
    expect(bytes('\ud800\udc00')).toEqual([0xf0, 0x90, 0x80, 0x80]); // U+10000
    expect(bytes('\udbff\udfff')).toEqual([0xf4, 0x8f, 0xbf, 0xbf]); // U+10FFFF
    expect(javaUtf8('\ud800')).toBe('?'); // a high surrogate at the end
    expect(javaUtf8('\udbffa')).toBe('?a'); // not followed by a low one
    expect(javaUtf8('\ud800\ud800\udc00')).toBe('?\xf0\x90\x80\x80');
    expect(javaUtf8('\udc00\udfff')).toBe('??'); // low surrogates alone
    expect(javaUtf8('\udc00\ud800')).toBe('??'); // in the wrong order
    expect(javaUtf8('\ud800\ue000')).toBe('?\xee\x80\x80'); // a high surrogate before a character above the low ones
    expect(javaUtf8('\ud7ff\udc00')).toBe('\xed\x9f\xbf?'); // a low surrogate after a character below the high ones
    expect(javaUtf8('')).toBe('');
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
