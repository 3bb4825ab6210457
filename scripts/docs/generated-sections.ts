/**
 * The parts of a Markdown file that `npm run docs` writes, between
 *
 *   <!-- BEGIN GENERATED: <id> … -->
 *   <!-- END GENERATED: <id> -->
 *
 * Everything outside the markers is written by hand and left as it is.
 */

export class GeneratedSectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratedSectionError';
  }
}

const escapeForRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with each section's content replaced; every section must have its markers, once. */
export function withGeneratedSections(text: string, sections: Readonly<Record<string, string>>, file: string): string {
  let out = text;
  for (const [id, content] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- BEGIN GENERATED: ${escapeForRegExp(id)}\\b[^>]*-->\\n)[\\s\\S]*?(<!-- END GENERATED: ${escapeForRegExp(id)} -->)`, 'g');
    const found = out.match(pattern)?.length ?? 0;
    if (found !== 1) {
      throw new GeneratedSectionError(
        `${file}: ${found === 0 ? 'no' : found} "<!-- BEGIN GENERATED: ${id} -->" … "<!-- END GENERATED: ${id} -->" section${found === 0 ? '' : 's'}; there must be exactly one`,
      );
    }
    out = out.replace(pattern, (_match, begin: string, end: string) => `${begin}${content.endsWith('\n') ? content : `${content}\n`}${end}`);
  }
  return out;
}

/** A Markdown table cell: pipes escaped, line breaks joined. */
export const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** Inline code, with a longer fence when the text holds backticks. */
export const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly string[] = header.map(() => '---')): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align), ...rows.map(line)].join('\n');
}
