/**
 * A comment nobody can forge: a plan whose every string tries to break out is rendered, then the
 * summary is rendered again as GitHub-flavoured Markdown by a real renderer (marked), and the HTML is
 * checked for what must not be there: foreign elements, headings, unbalanced <details>, live
 * mentions, forged text outside code.
 */
import { marked } from 'marked';
import { code, fenced, htmlText, oneLine, parsePlan, renderSummary } from '../../plan-review';
import { hostileError, hostilePlan } from './hostile-plan';

const toHtml = (markdown: string): string => marked.parse(markdown, { gfm: true, async: false });

/** HTML with the content of code spans and blocks removed: where GitHub links mentions and reads tags. */
const outsideCode = (html: string): string => html.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '');

const tagsOf = (html: string): Set<string> => new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));

const headingsOf = (html: string): string[] => [...html.matchAll(/<(h\d)[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => `${m[1]} ${m[2]}`);

/** What the summary itself produces; anything else came from the plan. */
const ALLOWED_TAGS = new Set(['h2', 'h3', 'p', 'strong', 'em', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'details', 'summary', 'blockquote']);

describe('hostile plan rendered as GitHub-flavoured Markdown', () => {
  const summary = renderSummary({ title: 'dev', marker: 'plan-review:dev', plans: [parsePlan(hostilePlan, 'dev-hostile')], errors: [hostileError] });
  const html = toHtml(summary.markdown);

  it('renders only the elements the summary makes: no <img>, <h1>, forged <details> or others', () => {
    expect([...tagsOf(html)].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    expect(html).not.toMatch(/<img/i);
  });

  it("has exactly the summary's own headings", () => {
    expect(headingsOf(html)).toEqual(['h2 Terraform plan: dev', 'h3 ❌ Stacks that failed to plan', 'h3 ❌ Failing checks', 'h3 ⚠️ Review, riskiest first', 'h3 Stacks']);
  });

  it('opens and closes <details> only where the summary does: two stacks and one ASL diff', () => {
    expect((html.match(/<details>/g) ?? []).length).toBe(3);
    expect((html.match(/<\/details>/g) ?? []).length).toBe(3);
    expect((html.match(/<summary>/g) ?? []).length).toBe(3);
    expect([...html.matchAll(/<summary>([\s\S]*?)<\/summary>/g)].map((m) => m[1])).toEqual([
      'ASL diff',
      '<code>dev-hostile</code>: 2 to update, 1 to replace, 1 to delete, 1 to import, 1 moved, 1 data source read at apply',
      '<code>dev-broken</code>: no plan (failed before planning, or unreadable)',
    ]);
  });

  it('no forged text, tag or live @mention outside code', () => {
    const text = outsideCode(html);
    expect(text).not.toMatch(/Forged|approved by security|please merge/);
    expect(text).not.toMatch(/@\w/);
    expect(text).not.toMatch(/&lt;img|<img/);
  });

  it('still shows the hostile strings, escaped, inside code', () => {
    expect(html).toContain('<code>aws_s3_bucket.data⏎&lt;/details&gt;⏎⏎# Forged: approved by security⏎&lt;img src=x onerror=alert(1)&gt; @octocat please merge</code>');
    expect(html).toContain('# Forged after a fence');
    expect(summary.markdown).toContain('@octocat'); // shown, but only in code, where GitHub links nothing
  });

  it('every plan-derived line break became ⏎ or a new line inside a code block', () => {
    // No line of the Markdown starts a heading, an HTML tag of the plan's, or a list item of its own.
    const lines = summary.markdown.split(/\r\n|\r|\n/);
    expect(lines.filter((line) => /^#/.test(line))).toEqual([
      '## Terraform plan: dev',
      '### ❌ Stacks that failed to plan',
      '### ❌ Failing checks',
      '### ⚠️ Review, riskiest first',
      '### Stacks',
    ]);
    expect(summary.markdown).not.toContain('\r');
  });
});

describe('the title (from the command line) is plain text too', () => {
  it('cannot add a heading, a tag or a mention', () => {
    const { markdown } = renderSummary({ title: 'dev\n# Forged <img src=t> @octocat #12', plans: [], errors: [] });
    const html = toHtml(markdown);
    expect(headingsOf(html)).toEqual(['h2 Terraform plan: dev⏎#\u200b Forged &lt;img src=t&gt; @\u200boctocat #\u200b12']);
    expect([...tagsOf(html)].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
  });
});

describe('escaping primitives', () => {
  it('code spans: fence longer than any backtick run, padded when the text starts or ends with one', () => {
    expect(code('plain')).toBe('`plain`');
    expect(code('a`b``c')).toBe('```a`b``c```');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('x`')).toBe('`` x` ``');
    expect(code('')).toBe('`""`');
    expect(code('a\r\nb\rc\nd')).toBe('`a⏎b⏎c⏎d`');
    expect(toHtml(code('``` `a` ```'))).toBe('<p><code>``` `a` ```</code></p>\n');
  });

  it('one line: controls and bidi overrides become visible', () => {
    expect(oneLine('a\u202eb\u0007c\td')).toBe('a\\u202eb\\u0007c\\u0009d');
  });

  it('HTML text escapes markup and quotes', () => {
    expect(htmlText(`<img src="x"> & 'y'\n`)).toBe('&lt;img src=&quot;x&quot;&gt; &amp; &#39;y&#39;⏎');
  });

  it('fenced blocks cannot be closed from inside, not even by an indented fence', () => {
    const block = fenced(['```', '   ``````', 'a\rb'], 'diff', '  ');
    expect(block).toEqual(['  ```````diff', '  ```', '     ``````', '  a', '  b', '  ```````']);
    const html = toHtml(['- item', '', ...block, '', '# after'].join('\n'));
    expect(html).toContain('<h1>after</h1>');
    expect(outsideCode(html)).not.toContain('``````');
  });
});
