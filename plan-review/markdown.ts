/**
 * The only ways a string taken from a plan (addresses, reasons, paths, messages, values) reaches the
 * comment. GitHub renders comments as GitHub-flavoured Markdown with raw HTML allowed, then links
 * `@mentions` and `#references` in text outside `<code>`, `<pre>` and `<a>`. So every plan-derived
 * string goes into a code span, a fenced block or escaped HTML text, and never carries a line break:
 * a raw CR or LF would end the table row, list item or HTML block it sits in and let the rest of the
 * string start a heading, a `</details>` or an `<img>` of its own.
 */

/**
 * Characters that change how the text around them reads without being visible: C0/C1 controls
 * (CR and LF included) and the bidirectional overrides and isolates ("Trojan Source" reordering).
 * Each is shown as a visible `\uXXXX` (CR and LF as `⏎`).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of text: line breaks become `⏎`, other control and bidi characters `\uXXXX`. */
export const oneLine = (text: string): string => text.replace(/\r\n|\r|\n/g, '⏎').replace(INVISIBLE, visible);

/**
 * The longest run of backticks in `text`. One Math.max per run, not per character: on 24 MB of text
 * the per-character loop took 0.29 s in Node and 4.8 s inside a vm context (as Jest runs code, where
 * each global lookup is slow); this takes 0.07 s and 0.22 s.
 */
const longestRun = (text: string): number => (text.match(/`+/g) ?? []).reduce((longest, run) => Math.max(longest, run.length), 0);

/**
 * Inline code that shows `text` literally on one line: the fence is one backtick longer than the
 * longest run inside, and padded with spaces where the text starts or ends with a backtick or a space
 * (CommonMark strips one space from each side of a padded span).
 */
export const code = (text: string): string => {
  const content = oneLine(text);
  if (content.length === 0) return '`""`';
  const fence = '`'.repeat(longestRun(content) + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
};

/** Text inside an HTML element (e.g. `<summary><code>…</code></summary>`), on one line. */
export const htmlText = (text: string): string => oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * A fenced code block whose content cannot close it: each input line is split at every line break
 * CommonMark knows (CR, LF, CRLF), the fence is longer than the longest backtick run anywhere in the
 * content (a closing fence may be indented up to three spaces, so leading runs are not enough), and
 * every line gets `indent`, so the block stays inside the list item it belongs to.
 */
export const fenced = (lines: readonly string[], language = '', indent = ''): string[] => {
  const content = lines.flatMap((line) => line.split(/\r\n|\r|\n/)).map((line) => line.replace(INVISIBLE, visible));
  const fence = '`'.repeat(Math.max(3, content.reduce((longest, line) => Math.max(longest, longestRun(line)), 0) + 1));
  return [`${fence}${language}`, ...content, fence].map((line) => `${indent}${line}`);
};

/** A table cell: the cell's pipes escaped (GFM unescapes `\|` inside code spans in tables too). */
export const cell = (markdown: string): string => markdown.replace(/\|/g, '\\|');

/**
 * Plain text outside code (the title given on the command line): Markdown punctuation backslash-
 * escaped, and a zero-width space after `@` and `#` so GitHub links no mention or issue.
 */
export const plainText = (text: string): string =>
  oneLine(text)
    .replace(/[\\`*_{}[\]()<>#+\-.!|~&:"'=]/g, (c) => `\\${c}`)
    .replace(/@/g, '@&#8203;')
    .replace(/\\#/g, '\\#&#8203;');
