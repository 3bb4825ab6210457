/**
 * Configuration strings reach Terraform as literals. In a `.tf.json` file every string is a
 * template: `${…}` is an interpolation and `%{…}` a directive, so a description holding
 * `${path.cwd}` rendered the working directory and a command `sh -c 'echo ${HOME}'` broke the plan.
 * Terraform's escapes are `$${` for a literal `${` and `%%{` for a literal `%{` ("Strings and
 * Templates", JSON syntax: string values are templates). This is the one place that escapes them:
 * the app hands the stacks a catalog and environments whose every string, key or value, is escaped,
 * while validation, the event client and the local runner read the configuration as written (the
 * runner reads the synthesized strings back through local/terraform-expressions.ts, which undoes it).
 */

/** `${` → `$${`, `%{` → `%%{`; everything else unchanged. */
export function escapeTemplateSequences(text: string): string {
  // Functions, not replacement strings: in those `$$` means one `$`.
  return text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

/** A deep copy of a configuration value with every string (object keys too) escaped for Terraform. */
export function terraformLiterals<T>(value: T): T {
  return escapeDeep(value) as T;
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeTemplateSequences(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [escapeTemplateSequences(key), escapeDeep(item)]));
  }
  return value;
}
