/**
 * Markdown for a pull-request comment: a one-line verdict, per-stack counts, the warnings a
 * reviewer must read, and per stack a folded table of changed resources. Stays under GitHub's
 * 65,536-character comment limit by shortening diffs and tables step by step, then truncating.
 */
import { documentAttributeOf, isDestructive, warningsOf, type Warning, type WarningKind } from './classify';
import type { ResourceChange, StackError, StackPlan } from './plan-json';
import { attributeChanges, NO_SENSITIVITY_DATA, SENSITIVE, UNKNOWN } from './values';

const REDACTION_MARKERS = new Set([SENSITIVE, UNKNOWN, NO_SENSITIVITY_DATA]);

/** GitHub rejects comments longer than 65,536 characters; keep room for the workflow's own text. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MAX_CHARS = 65_000;

export interface SummaryInput {
  /** Shown in the heading, e.g. the environment. */
  readonly title?: string;
  /** Hidden HTML comment on the first line, used to find and update the sticky comment. */
  readonly marker?: string;
  readonly plans: readonly StackPlan[];
  readonly errors: readonly StackError[];
}

export interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  import: number;
  move: number;
  read: number;
  forget: number;
}

export interface StackSummary {
  readonly stack: string;
  readonly plan?: StackPlan;
  readonly error?: StackError;
  readonly counts: Counts;
  readonly warnings: readonly Warning[];
}

export interface Summary {
  readonly markdown: string;
  readonly stacks: readonly StackSummary[];
  readonly totals: Counts;
  /** Something would be deleted or replaced. */
  readonly destructive: boolean;
  readonly erroredStacks: readonly string[];
  /** The full rendering did not fit and was shortened. */
  readonly shortened: boolean;
}

const emptyCounts = (): Counts => ({ create: 0, update: 0, replace: 0, delete: 0, import: 0, move: 0, read: 0, forget: 0 });

export const countChanges = (changes: readonly ResourceChange[]): Counts => {
  const counts = emptyCounts();
  for (const change of changes) {
    // no-op entries only count when they move or import
    if (change.action !== 'no-op') counts[change.action]++;
    if (change.previousAddress) counts.move++;
    if (change.importId !== undefined) counts.import++;
  }
  return counts;
};

const addCounts = (a: Counts, b: Counts): Counts =>
  Object.fromEntries(Object.keys(a).map((key) => [key, a[key as keyof Counts] + b[key as keyof Counts]])) as unknown as Counts;

/** Joins plans and error markers by stack name, in order of first appearance. */
export const summarizeStacks = (plans: readonly StackPlan[], errors: readonly StackError[]): StackSummary[] => {
  const names = [...new Set([...plans.map((p) => p.stack), ...errors.map((e) => e.stack)])];
  return names.map((stack) => {
    const plan = plans.find((p) => p.stack === stack);
    const error = errors.find((e) => e.stack === stack);
    return {
      stack,
      ...(plan ? { plan } : {}),
      ...(error ? { error } : {}),
      counts: plan ? countChanges(plan.changes) : emptyCounts(),
      warnings: plan ? warningsOf(plan) : [],
    };
  });
};

const isFailed = (stack: StackSummary): boolean => stack.error !== undefined || stack.plan?.errored === true;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const describeCounts = (counts: Counts): string => {
  const parts = [
    counts.create && `${counts.create} to create`,
    counts.update && `${counts.update} to update`,
    counts.replace && `${counts.replace} to replace`,
    counts.delete && `${counts.delete} to delete`,
    counts.import && `${counts.import} to import`,
    counts.move && `${counts.move} moved`,
    counts.read && `${plural(counts.read, 'data source')} read at apply`,
    counts.forget && `${counts.forget} to forget`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
};

const KIND_LABEL: Readonly<Record<WarningKind, [singular: string, plural: string]>> = {
  destroy: ['delete/replace', 'deletes/replaces'],
  iam: ['IAM change', 'IAM changes'],
  'security-group': ['security group change', 'security group changes'],
  'state-machine': ['state machine definition change', 'state machine definition changes'],
};

/** The one line a reviewer reads first. */
export const verdict = (stacks: readonly StackSummary[]): string => {
  const totals = stacks.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts());
  const failed = stacks.filter(isFailed).map((s) => `\`${s.stack}\``);
  const warnings = stacks.flatMap((s) => s.warnings);
  const security = (['iam', 'security-group', 'state-machine'] as const)
    .map((kind) => [kind, warnings.filter((w) => w.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${KIND_LABEL[kind][n === 1 ? 0 : 1]}`);
  const clauses: string[] = [];
  if (failed.length > 0) clauses.push(`❌ **Plan failed** for ${failed.join(', ')}: this summary is incomplete`);
  if (totals.delete + totals.replace > 0) {
    const where = stacks.filter((s) => s.counts.delete + s.counts.replace > 0).map((s) => `\`${s.stack}\``);
    clauses.push(`⚠️ **Destructive**: ${[totals.delete && `${totals.delete} to delete`, totals.replace && `${totals.replace} to replace`].filter(Boolean).join(', ')} in ${where.join(', ')}`);
  }
  if (security.length > 0) clauses.push(`${clauses.length === 0 ? '⚠️ **Review**: ' : ''}${security.join(', ')}`);
  if (clauses.length === 0) {
    const described = describeCounts(totals);
    return described === 'no changes'
      ? `✅ **No changes** in ${plural(stacks.length, 'stack')}.`
      : `✅ **Safe to apply**: ${described}; nothing deleted or replaced.`;
  }
  return `${clauses.join('; ')}.`;
};

/** Inline code that survives backticks inside the text. */
export const code = (text: string): string => {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return longestRun > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
};

/** Table cells cannot hold pipes or newlines. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

interface Limits {
  readonly diffLines: number;
  readonly rowsPerStack: number;
  readonly attributesPerRow: number;
}

/** Each level is tried in turn until the Markdown fits. */
const LEVELS: readonly Limits[] = [
  { diffLines: Infinity, rowsPerStack: Infinity, attributesPerRow: 6 },
  { diffLines: 80, rowsPerStack: 150, attributesPerRow: 4 },
  { diffLines: 25, rowsPerStack: 40, attributesPerRow: 2 },
  { diffLines: 0, rowsPerStack: 10, attributesPerRow: 0 },
];

const READ_REASONS: Readonly<Record<string, string>> = {
  read_because_config_unknown: 'read at apply: its configuration is known only then',
  read_because_dependency_pending: 'read at apply: it depends on a pending change',
  read_because_check_nested: 'read at apply: used by a check block',
};

const actionLabel = (change: ResourceChange): string => {
  const labels: string[] = [];
  if (change.importId !== undefined) labels.push('import');
  if (change.previousAddress) labels.push('move');
  if (change.action !== 'no-op' || labels.length === 0) {
    labels.push(change.action === 'replace' && change.replaceOrder === 'create-first' ? 'replace (create first)' : change.action);
  }
  return labels.join(' + ');
};

const ACTION_ICON: Readonly<Record<string, string>> = {
  create: '🟢', update: '🟡', replace: '🔴', delete: '🔴', read: '🔵', forget: '⚪', 'no-op': '⚪',
};

/** Values in code spans; the redaction markers as plain text so they read as notes, not values. */
const shownValue = (display: string): string => (REDACTION_MARKERS.has(display) ? display : code(display));

const rowDetails = (change: ResourceChange, limits: Limits): string => {
  const parts: string[] = [];
  if (change.previousAddress) parts.push(`moved from ${code(change.previousAddress)}`);
  if (change.importId !== undefined) parts.push(change.importId ? `import id ${code(change.importId)}` : 'imported');
  if (change.deposed) parts.push(`deposed object ${code(change.deposed)}`);
  if (change.action === 'read' && change.actionReason) parts.push(READ_REASONS[change.actionReason] ?? change.actionReason);
  if (change.action === 'replace') {
    const paths = (change.change.replace_paths ?? []).map((path) => code(path.join('.')));
    if (paths.length > 0) parts.push(`forced by ${paths.join(', ')}`);
  }
  if (change.action === 'delete' && change.actionReason === 'delete_because_no_resource_config') parts.push('removed from configuration');
  if ((change.action === 'update' || change.action === 'replace') && limits.attributesPerRow > 0) {
    const attributes = attributeChanges(change.change);
    const document = documentAttributeOf(change.type);
    const shown = attributes.slice(0, limits.attributesPerRow).map((a) =>
      a.name === document && a.before !== undefined
        ? `${code(a.name)}: changed (diff under Warnings)`
        : a.before === undefined ? `${code(a.name)}: ${shownValue(a.after)}` : `${code(a.name)}: ${shownValue(a.before)} → ${shownValue(a.after)}`,
    );
    if (attributes.length > shown.length) shown.push(`${attributes.length - shown.length} more`);
    parts.push(...shown);
  }
  return cell(parts.join('; '));
};

/** Rows worth showing: everything except plain no-ops. */
const visibleChanges = (plan: StackPlan): ResourceChange[] =>
  plan.changes.filter((change) => change.action !== 'no-op' || change.previousAddress || change.importId !== undefined);

const fence = (lines: readonly string[], language = ''): string[] => {
  const longest = Math.max(2, ...lines.map((line) => (line.match(/^`+/)?.[0].length ?? 0)));
  const marks = '`'.repeat(longest + 1);
  return [`${marks}${language}`, ...lines, marks];
};

const diffBlock = (warning: Warning, limits: Limits, summary: string): string[] => {
  if (warning.diffNote) return [`  - ${warning.diffNote}: no diff shown`];
  if (!warning.diff || warning.diff.length === 0) return [];
  if (limits.diffLines === 0) return [`  - diff of ${warning.diff.length} lines left out to fit the comment size limit`];
  const shown = warning.diff.slice(0, limits.diffLines);
  const cut = warning.diff.length - shown.length;
  return [
    '',
    `  <details><summary>${summary}</summary>`,
    '',
    ...fence(cut > 0 ? [...shown, `… ${cut} more diff lines not shown (comment size limit)`] : shown, 'diff').map((line) => `  ${line}`),
    '',
    '  </details>',
    '',
  ];
};

const SECTIONS: readonly { kind: WarningKind; heading: string; diffSummary: string }[] = [
  { kind: 'destroy', heading: '🔴 Deleted or replaced', diffSummary: '' },
  { kind: 'iam', heading: '🔐 IAM policies and roles', diffSummary: 'Policy diff' },
  { kind: 'security-group', heading: '🛡️ Security group rules', diffSummary: '' },
  { kind: 'state-machine', heading: '🔀 State machine definitions', diffSummary: 'ASL diff' },
];

const warningLines = (stacks: readonly StackSummary[], limits: Limits): string[] => {
  const warnings = stacks.flatMap((s) => s.warnings);
  if (warnings.length === 0) return [];
  const lines = ['### ⚠️ Warnings', ''];
  for (const section of SECTIONS) {
    const ofKind = warnings.filter((w) => w.kind === section.kind);
    if (ofKind.length === 0) continue;
    lines.push(`**${section.heading}** (${ofKind.length})`, '');
    for (const warning of ofKind) {
      const detail = warning.detail && warning.detail !== warning.action ? ` — ${warning.detail}` : '';
      lines.push(`- ${code(warning.stack)}: **${warning.action}** ${code(warning.address)}${detail}`);
      lines.push(...diffBlock(warning, limits, section.diffSummary));
    }
    lines.push('');
  }
  return lines;
};

const errorLines = (stacks: readonly StackSummary[]): string[] => {
  const failed = stacks.filter(isFailed);
  if (failed.length === 0) return [];
  const lines = ['### ❌ Stacks that failed to plan', ''];
  for (const stack of failed) {
    const step = stack.error ? ` (\`terraform ${stack.error.step}\`${stack.error.exitCode === null ? '' : `, exit ${stack.error.exitCode}`})` : '';
    lines.push(`- ${code(stack.stack)}${step}`);
    const messages = [...(stack.plan?.failedChecks ?? []), ...(stack.error ? stack.error.message.split('\n') : [])]
      .map((line) => line.trimEnd())
      .filter((line) => line.length > 0);
    const shown = messages.slice(-30);
    if (shown.length > 0) lines.push('', ...fence(messages.length > shown.length ? [`… ${messages.length - shown.length} earlier lines`, ...shown] : shown).map((l) => `  ${l}`), '');
  }
  lines.push('');
  return lines;
};

const countCell = (n: number): string => (n === 0 ? '·' : String(n));

const statusOf = (stack: StackSummary): string => {
  if (isFailed(stack)) return '❌ failed';
  const other = [
    stack.counts.import && `${stack.counts.import} import`,
    stack.counts.move && `${stack.counts.move} moved`,
    stack.counts.read && `${stack.counts.read} read`,
    stack.counts.forget && `${stack.counts.forget} forget`,
  ].filter(Boolean);
  const status = stack.counts.delete + stack.counts.replace > 0 ? '⚠️ destructive' : describeCounts(stack.counts) === 'no changes' ? '✅ no changes' : '✅';
  return other.length > 0 ? `${status} (${other.join(', ')})` : status;
};

const countTable = (stacks: readonly StackSummary[]): string[] => [
  '| Stack | Create | Update | Replace | Delete | Status |',
  '|---|---:|---:|---:|---:|---|',
  ...stacks.map((s) =>
    `| ${code(s.stack)} | ${countCell(s.counts.create)} | ${countCell(s.counts.update)} | ${countCell(s.counts.replace)} | ${countCell(s.counts.delete)} | ${statusOf(s)} |`,
  ),
  '',
];

const stackLines = (stack: StackSummary, limits: Limits): string[] => {
  if (!stack.plan) return [`<details><summary><code>${stack.stack}</code>: no plan (failed before planning)</summary>`, '', 'See the failure above.', '', '</details>', ''];
  const rows = visibleChanges(stack.plan);
  const header = `<details><summary><code>${stack.stack}</code>: ${describeCounts(stack.counts)}${stack.plan.errored ? ' (errored plan, incomplete)' : ''}</summary>`;
  const lines = [header, ''];
  if (rows.length === 0) lines.push('No resource changes.', '');
  else {
    const shown = rows.slice(0, limits.rowsPerStack);
    lines.push('| Action | Resource | Details |', '|---|---|---|');
    for (const change of shown) {
      lines.push(`| ${ACTION_ICON[change.action] ?? ''} ${actionLabel(change)} | ${cell(code(change.address))} | ${rowDetails(change, limits)} |`);
    }
    lines.push('');
    if (rows.length > shown.length) lines.push(`_… ${rows.length - shown.length} more resources not shown (comment size limit); see the plan artifact._`, '');
  }
  const outputs = stack.plan.outputChanges.filter((o) => o.action !== 'no-op');
  if (outputs.length > 0) {
    lines.push(`Outputs: ${outputs.map((o) => `${code(o.name)} (${o.action}${o.sensitive ? ', sensitive' : ''})`).join(', ')}`, '');
  }
  lines.push('</details>', '');
  return lines;
};

const renderAt = (input: SummaryInput, stacks: readonly StackSummary[], limits: Limits): string => {
  const lines: string[] = [];
  if (input.marker) lines.push(`<!-- ${input.marker} -->`);
  lines.push(`## Terraform plan${input.title ? `: ${input.title}` : ''}`, '', verdict(stacks), '');
  lines.push(...countTable(stacks), ...errorLines(stacks), ...warningLines(stacks, limits));
  if (stacks.length > 0) lines.push('### Stacks', '');
  for (const stack of stacks) lines.push(...stackLines(stack, limits));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
};

/** Cuts at a line boundary and closes an open code fence and `<details>` so the rest still renders. */
export const truncateMarkdown = (markdown: string, maxChars: number): string => {
  const note = '\n\n_… summary truncated to fit GitHub\'s comment size limit; the full plans are in the workflow artifacts._\n';
  const budget = maxChars - note.length - 40; // room for closing tags
  if (markdown.length <= maxChars) return markdown;
  let cut = markdown.slice(0, budget);
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  const fences = cut.split('\n').filter((line) => /^\s*```/.test(line)).length;
  if (fences % 2 === 1) cut += '\n```';
  const open = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  if (open > 0) cut += '\n\n</details>'.repeat(open);
  return `${cut}${note}`;
};

export interface RenderOptions {
  /** Upper bound for the Markdown length (default 65,000, below GitHub's 65,536). */
  readonly maxChars?: number;
}

export const renderSummary = (input: SummaryInput, options: RenderOptions = {}): Summary => {
  const maxChars = Math.min(options.maxChars ?? DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT);
  const stacks = summarizeStacks(input.plans, input.errors);
  let markdown = '';
  let level = 0;
  for (; level < LEVELS.length; level++) {
    markdown = renderAt(input, stacks, LEVELS[level]!);
    if (markdown.length <= maxChars) break;
  }
  const fitted = truncateMarkdown(markdown, maxChars);
  const totals = stacks.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts());
  return {
    markdown: fitted,
    stacks,
    totals,
    destructive: stacks.some((s) => s.plan?.changes.some(isDestructive)),
    erroredStacks: stacks.filter(isFailed).map((s) => s.stack),
    shortened: level > 0,
  };
};
