/**
 * Just enough of Terraform's string templates to read synthesized JSON locally: find each
 * `${...}` interpolation in a string and replace it with what a resolver returns. Pure.
 *
 * Rules followed (Terraform "Strings and Templates"): `$${` is a literal `${` and `%%{` a literal
 * `%{`; an interpolation ends at the `}` that balances its `{`, and braces inside quoted strings of
 * the expression do not count. (Directives, `%{...}`, are never written here: stacks/terraform-literals.ts
 * escapes every configuration string.)
 */

export interface Interpolation {
  /** Index of `$`. */
  readonly start: number;
  /** Index just after the closing `}`. */
  readonly end: number;
  /** The expression between `${` and `}`, trimmed. */
  readonly expression: string;
}

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export function findInterpolations(text: string): Interpolation[] {
  const found: Interpolation[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open === -1) break;
    if (open > 0 && text[open - 1] === '$') {
      i = open + 2; // `$${` escapes a literal `${`
      continue;
    }
    const close = closingBrace(text, open + 2);
    if (close === -1) throw new TemplateSyntaxError(`unterminated interpolation at character ${open}: ${text.slice(open, open + 60)}`);
    found.push({ start: open, end: close + 1, expression: text.slice(open + 2, close).trim() });
    i = close + 1;
  }
  return found;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '\\') i++;
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Replaces every interpolation with `resolve(expression)`; `$${` becomes a literal `${`, `%%{` a literal `%{`. */
export function replaceInterpolations(text: string, resolve: (expression: string) => string): string {
  let result = '';
  let last = 0;
  for (const interpolation of findInterpolations(text)) {
    result += unescape(text.slice(last, interpolation.start)) + resolve(interpolation.expression);
    last = interpolation.end;
  }
  return result + unescape(text.slice(last));
}

/** Terraform's template escapes, in literal text: `$${` → `${`, `%%{` → `%{`. */
function unescape(literal: string): string {
  return literal.replaceAll('$${', () => '${').replaceAll('%%{', () => '%{');
}

/** `${x}` and nothing else: the whole string is one expression. */
export function soleExpression(text: string): string | undefined {
  const found = findInterpolations(text);
  return found.length === 1 && found[0]!.start === 0 && found[0]!.end === text.length ? found[0]!.expression : undefined;
}

/** A resource attribute reference `TYPE.NAME.ATTRIBUTE` (managed resources only, not `data.`, `var.`, ...). */
export function parseResourceReference(expression: string): { type: string; name: string; attribute: string } | undefined {
  const match = /^([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.([a-z_][a-z0-9_]*)$/.exec(expression);
  if (!match || ['data', 'var', 'local', 'module', 'each', 'count', 'path', 'terraform'].includes(match[1]!)) return undefined;
  return { type: match[1]!, name: match[2]!, attribute: match[3]! };
}

/**
 * A short, readable stand-in for a value only known when the plan runs in AWS:
 * `data.terraform_remote_state.base.outputs.cluster_arn` → `<base:cluster_arn>`,
 * `lookup(<that>.task_definition_arns, "payment/charge")` → `<base:task_definition_arns["payment/charge"]>`,
 * `element(<that>.private_subnet_ids, 0)` → `<base:private_subnet_ids[0]>`; anything else `<expression>`.
 */
export function placeholderFor(expression: string): string {
  return `<${describeExpression(expression.trim())}>`;
}

function describeExpression(expression: string): string {
  const remote = /^data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_]+)(.*)$/.exec(expression);
  if (remote) return `${remote[1]}:${remote[2]}${remote[3]}`;
  const call = /^(lookup|element)\((.*)\)$/s.exec(expression);
  if (call) {
    const args = splitArguments(call[2]!);
    if (args.length >= 2) {
      const [collection, key] = args;
      const index = call[1] === 'lookup' ? key! : key!.replace(/^"|"$/g, '');
      return `${describeExpression(collection!)}[${index}]`;
    }
  }
  return expression;
}

/** Top-level comma-separated arguments of a call, respecting quotes and brackets. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      current += char;
      if (char === '\\') current += text[++i] ?? '';
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args;
}
