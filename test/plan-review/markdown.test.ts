/**
 * plan-review/markdown.ts directly: the only ways a plan-derived string reaches the comment. Each
 * escape is pinned on the input that would break out of it (hostile.test.ts renders whole hostile
 * plans through GitHub's Markdown rules).
 */
import { cell, code, fenced, htmlText, oneLine, plainText } from '../../plan-review';

describe('oneLine', () => {
  test('line breaks of every kind become ⏎, one each', () => {
    expect(oneLine('a\r\nb\rc\nd')).toBe('a⏎b⏎c⏎d');
    expect(oneLine('a\n\nb')).toBe('a⏎⏎b');
  });

  test('controls and bidirectional characters become visible \\uXXXX', () => {
    expect(oneLine('a\u0000b\u001fc\u007fd\u009fe')).toBe('a\\u0000b\\u001fc\\u007fd\\u009fe');
    expect(oneLine('\u061c\u200e\u200f\u2028\u2029')).toBe('\\u061c\\u200e\\u200f\\u2028\\u2029');
    expect(oneLine('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')).toBe('\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069');
    expect(oneLine('\t')).toBe('\\u0009');
  });

  test('printable characters next to those ranges are kept', () => {
    expect(oneLine(' ~\u00a0é\u061b\u200d\u2027\u202f\u2065\u206a')).toBe(' ~\u00a0é\u061b\u200d\u2027\u202f\u2065\u206a');
  });
});

describe('code', () => {
  test.each([
    ['plain', '`plain`'],
    ['', '`""`'],
    ['a`b', '``a`b``'],
    ['a``b`', '``` a``b` ```'],
    ['`start', '`` `start ``'],
    ['end`', '`` end` ``'],
    // CommonMark strips one space from each side of a span that has one on both: both are padded.
    [' lead', '`  lead `'],
    ['trail ', '` trail  `'],
    ['two\nlines', '`two⏎lines`'],
  ])('%j → %s', (text, markdown) => expect(code(text)).toBe(markdown));
});

describe('htmlText', () => {
  test('escapes the five HTML characters, on one line', () => {
    expect(htmlText('<a href="x">&\'</a>\nz')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;⏎z');
    expect(htmlText('&lt;')).toBe('&amp;lt;');
  });
});

describe('fenced', () => {
  test('a block whose fence is longer than any backtick run inside, split at every line break', () => {
    expect(fenced(['a', 'b\r\nc\rd\ne'])).toEqual(['```', 'a', 'b', 'c', 'd', 'e', '```']);
    expect(fenced(['x ```` y'], 'diff')).toEqual(['`````diff', 'x ```` y', '`````']);
    expect(fenced(['```', '`'])).toEqual(['````', '```', '`', '````']);
    expect(fenced(['``'])).toEqual(['```', '``', '```']);
  });

  test('indented as the list item it belongs to; invisible characters visible', () => {
    expect(fenced(['a\u202eb'], 'json', '    ')).toEqual(['    ```json', '    a\\u202eb', '    ```']);
    expect(fenced([])).toEqual(['```', '```']);
  });
});

describe('cell', () => {
  test('pipes escaped, nothing else', () => {
    expect(cell('`a|b` | c')).toBe('`a\\|b` \\| c');
    expect(cell('plain')).toBe('plain');
  });
});

describe('plainText', () => {
  test('Markdown punctuation escaped; no mention, no issue link, one line', () => {
    expect(plainText('# *T* _u_ [l](x) <b> `c` ~s~ | & : " \' = + - . ! { } \\')).toBe(
      '\\#&#8203; \\*T\\* \\_u\\_ \\[l\\]\\(x\\) \\<b\\> \\`c\\` \\~s\\~ \\| \\& \\: \\" \\\' \\= \\+ \\- \\. \\! \\{ \\} \\\\',
    );
    expect(plainText('@team #12\nnext')).toBe('@&#8203;team \\#&#8203;12⏎next');
    expect(plainText('dev plan')).toBe('dev plan');
  });
});
