/**
 * Markdown for a pull-request comment: the planned commit, a one-line verdict, per-stack counts,
 * failures and failing checks, the findings a reviewer must read (riskiest first), and per stack a
 * folded table of changed resources. Every plan-derived string goes through markdown.ts.
 *
 * Size: GitHub rejects comments over 65,536 characters. The summary is built from blocks that are
 * each complete Markdown (a table row, a finding with its diff, a folded stack), rendered at
 * successively smaller levels (shorter diffs, fewer rows, low-risk findings folded, then fewer
 * findings) until it fits, with a note saying what was left out; as a last resort whole blocks are
 * dropped from the end, so a cut never leaves an open code block or `<details>`.
 */
import { documentAttributeOf, findingsOf, isDestructive, REASONS, type Finding, type FindingKind } from './classify';
import { code, cell, fenced, htmlText, plainText } from './markdown';
import type { ResourceChange, StackError, StackPlan } from './plan-json';
import { commitMarker, type Provenance } from './provenance';
import { RISK_ORDER, type RiskLevel, type RiskReason } from './risk';
import { attributeChanges, isWhollySensitive, NO_SENSITIVITY_DATA, SENSITIVE, UNKNOWN } from './values';

const REDACTION_MARKERS = new Set([SENSITIVE, UNKNOWN, NO_SENSITIVITY_DATA]);

/** GitHub rejects comments longer than 65,536 characters; keep room for the workflow's own text. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MAX_CHARS = 65_000;

/** A plan file the summary could not use (not JSON, not a plan, malformed, nested too deep). */
export interface UnusableInput {
  readonly file: string;
  readonly stack: string;
  readonly message: string;
}

export interface SummaryInput {
  /** Shown in the heading, e.g. the environment. */
  readonly title?: string;
  /** Hidden HTML comment on the first line, used to find and update the sticky comment. */
  readonly marker?: string;
  readonly plans: readonly StackPlan[];
  readonly errors: readonly StackError[];
  readonly unusable?: readonly UnusableInput[];
  /** The planned commit and the workflow run, when known. */
  readonly provenance?: Provenance;
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
  readonly unusable?: UnusableInput;
  readonly counts: Counts;
  readonly findings: readonly Finding[];
}

export interface Summary {
  readonly markdown: string;
  readonly stacks: readonly StackSummary[];
  readonly totals: Counts;
  /** Something would be deleted or replaced with data loss (destroy-impact.ts). */
  readonly destructive: boolean;
  /** The deletes and replaces that lose data. */
  readonly destructiveChanges: readonly { readonly stack: string; readonly address: string; readonly action: string }[];
  /** Stacks whose plan failed, could not be made, or could not be read. */
  readonly erroredStacks: readonly string[];
  readonly failedChecks: number;
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

const addCounts = (a: Counts, b: Counts): Counts => Object.fromEntries(Object.keys(a).map((key) => [key, a[key as keyof Counts] + b[key as keyof Counts]])) as unknown as Counts;

/** Joins plans, error markers and unusable files by stack name, in order of first appearance. */
export const summarizeStacks = (plans: readonly StackPlan[], errors: readonly StackError[], unusable: readonly UnusableInput[] = []): StackSummary[] => {
  const names = [...new Set([...plans.map((p) => p.stack), ...errors.map((e) => e.stack), ...unusable.map((u) => u.stack)])];
  return names.map((stack) => {
    const plan = plans.find((p) => p.stack === stack);
    const error = errors.find((e) => e.stack === stack);
    const bad = unusable.find((u) => u.stack === stack);
    return {
      stack,
      ...(plan ? { plan } : {}),
      ...(error ? { error } : {}),
      ...(bad ? { unusable: bad } : {}),
      counts: plan ? countChanges(plan.changes) : emptyCounts(),
      findings: plan ? findingsOf(plan) : [],
    };
  });
};

const isFailed = (stack: StackSummary): boolean => stack.error !== undefined || stack.unusable !== undefined || stack.plan?.errored === true;

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** Stack names for a sentence: at most ten, then how many more. */
const stackList = (names: readonly string[]): string => (names.length > 10 ? `${names.slice(0, 10).map(code).join(', ')} and ${names.length - 10} more` : names.map(code).join(', '));

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

const REVIEW_KINDS: readonly [FindingKind, string, string][] = [
  ['iam', 'IAM change', 'IAM changes'],
  ['security-group', 'security group change', 'security group changes'],
  ['state-machine', 'state machine definition change', 'state machine definition changes'],
];

const failingChecks = (stack: StackSummary) => stack.plan?.failedChecks ?? [];

/** The one line a reviewer reads first: failures, then the riskiest findings, then the rest. */
export const verdict = (stacks: readonly StackSummary[]): string => {
  const totals = stacks.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts());
  const findings = stacks.flatMap((s) => s.findings);
  const clauses: string[] = [];
  const failed = stacks.filter(isFailed).map((s) => s.stack);
  if (failed.length > 0) clauses.push(`❌ **Plan failed** for ${stackList(failed)}: this summary is incomplete`);
  const checks = stacks.filter((s) => failingChecks(s).length > 0);
  if (checks.length > 0) {
    const n = checks.reduce((sum, s) => sum + failingChecks(s).length, 0);
    clauses.push(`❌ **${plural(n, 'check')} failing** in ${stackList(checks.map((s) => s.stack))}`);
  }
  const critical = findings.flatMap((f) => f.reasons.filter((r) => r.level === 'critical'));
  if (critical.length > 0) {
    const categories = [...new Set(critical.map((r) => r.category))].map((category) => `${category} (${critical.filter((r) => r.category === category).length})`);
    clauses.push(`🚨 **Critical**: ${categories.join(', ')}`);
  }
  const lossy = stacks.map((s) => ({ stack: s.stack, changes: (s.plan?.changes ?? []).filter(isDestructive) })).filter((s) => s.changes.length > 0);
  if (lossy.length > 0) {
    const deletes = lossy.reduce((n, s) => n + s.changes.filter((c) => c.action === 'delete').length, 0);
    const replaces = lossy.reduce((n, s) => n + s.changes.filter((c) => c.action === 'replace').length, 0);
    const what = [deletes && `${deletes} to delete`, replaces && `${replaces} to replace`].filter(Boolean).join(', ');
    clauses.push(`⚠️ **Destructive**: ${what} in ${stackList(lossy.map((s) => s.stack))}`);
  }
  const review = REVIEW_KINDS.map(([kind, one, many]) => [findings.filter((f) => f.kinds.includes(kind)).length, one, many] as const)
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => plural(n, one, many));
  const recreated = findings.filter((f) => f.impact?.impact === 'recreated' && f.action === 'replace').length;
  if (recreated > 0) review.push(`${recreated} recreated`);
  if (review.length > 0) clauses.push(`${clauses.length === 0 ? '⚠️ **Review**: ' : ''}${review.join(', ')}`);
  if (clauses.length === 0) {
    const described = describeCounts(totals);
    if (described === 'no changes') return `✅ **No changes** in ${plural(stacks.length, 'stack')}.`;
    const revisions = findings.filter((f) => f.impact?.impact === 'revision' && f.action === 'replace').length;
    if (revisions > 0) return `✅ **Safe to apply**: ${described}; nothing lost (${plural(revisions, 'replace is a new revision', 'replaces are new revisions')}).`;
    return totals.delete + totals.replace > 0
      ? `✅ **Safe to apply**: ${described}; nothing that stores data is deleted or replaced.`
      : `✅ **Safe to apply**: ${described}; nothing deleted or replaced.`;
  }
  return `${clauses.join('; ')}.`;
};

interface Limits {
  readonly diffLines: number;
  readonly rowsPerStack: number;
  readonly attributesPerRow: number;
  readonly findings: number;
  readonly messagesPerStack: number;
  /** Medium findings in a folded section too (low ones always are). */
  readonly foldMedium: boolean;
}

/** Each level is tried in turn until the Markdown fits. */
const LEVELS: readonly Limits[] = [
  { diffLines: Infinity, rowsPerStack: Infinity, attributesPerRow: 6, findings: Infinity, messagesPerStack: 30, foldMedium: false },
  { diffLines: 80, rowsPerStack: 150, attributesPerRow: 4, findings: Infinity, messagesPerStack: 30, foldMedium: false },
  { diffLines: 25, rowsPerStack: 40, attributesPerRow: 2, findings: 300, messagesPerStack: 15, foldMedium: true },
  { diffLines: 0, rowsPerStack: 10, attributesPerRow: 0, findings: 120, messagesPerStack: 10, foldMedium: true },
  { diffLines: 0, rowsPerStack: 0, attributesPerRow: 0, findings: 40, messagesPerStack: 5, foldMedium: true },
];

/** Longest plan-derived text shown inline, and longest line in a code block. */
const MAX_INLINE = 300;
const MAX_BLOCK_LINE = 500;

const clip = (text: string, max = MAX_INLINE): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const inline = (text: string): string => code(clip(text));

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
  create: '🟢',
  update: '🟡',
  replace: '🔴',
  delete: '🔴',
  read: '🔵',
  forget: '⚪',
  'no-op': '⚪',
};

/** Values in code spans; the redaction markers as plain text so they read as notes, not values. */
const shownValue = (display: string): string => (REDACTION_MARKERS.has(display) ? display : inline(display));

/** Terraform's reason for an action, in words, or its code as inline code. */
const reasonText = (reason: string, table: Readonly<Record<string, string>>): string => (Object.hasOwn(table, reason) ? table[reason]! : inline(reason));

const attributeList = (change: ResourceChange, limit: number, only?: ReadonlySet<string>): string[] => {
  if (limit <= 0) return [];
  if (isWhollySensitive(change.change)) return ['all values sensitive'];
  const attributes = attributeChanges(change.change).filter((a) => !only || only.has(a.name));
  const document = documentAttributeOf(change.type);
  const shown = attributes
    .slice(0, limit)
    .map((a) =>
      a.name === document && a.before !== undefined
        ? `${inline(a.name)}: changed (diff under Review)`
        : a.before === undefined
          ? `${inline(a.name)}: ${shownValue(a.after)}`
          : `${inline(a.name)}: ${shownValue(a.before)} → ${shownValue(a.after)}`,
    );
  if (attributes.length > shown.length) shown.push(`${attributes.length - shown.length} more`);
  return shown;
};

const rowDetails = (change: ResourceChange, limits: Limits): string => {
  const parts: string[] = [];
  if (change.previousAddress) parts.push(`moved from ${inline(change.previousAddress)}`);
  if (change.importId !== undefined) parts.push(change.importId ? `import id ${inline(change.importId)}` : 'imported');
  if (change.deposed) parts.push(`deposed object ${inline(change.deposed)}`);
  if (change.action === 'read' && change.actionReason) parts.push(reasonText(change.actionReason, READ_REASONS));
  if (change.action === 'replace') {
    const paths = (change.change.replace_paths ?? []).map((path) => inline(path.join('.')));
    if (paths.length > 0) parts.push(`forced by ${paths.join(', ')}`);
  }
  if (change.action === 'delete' && change.actionReason === 'delete_because_no_resource_config') parts.push('removed from configuration');
  if (change.action === 'update' || change.action === 'replace') parts.push(...attributeList(change, limits.attributesPerRow));
  return cell(parts.join('; '));
};

/** Rows worth showing: everything except plain no-ops. */
const visibleChanges = (plan: StackPlan): ResourceChange[] => plan.changes.filter((change) => change.action !== 'no-op' || change.previousAddress || change.importId !== undefined);

/**
 * A complete piece of Markdown. `tight` joins it to the previous block without a blank line (table
 * rows, one-line list items); `spaceAfter` forces a blank line after it (an HTML block such as
 * `</details>` runs on until a blank line).
 */
interface Block {
  readonly lines: readonly string[];
  readonly tight?: boolean;
  readonly spaceAfter?: boolean;
}

const block = (...lines: string[]): Block => ({ lines });
const tight = (...lines: string[]): Block => ({ lines, tight: true });

const KIND_ICON: Readonly<Record<FindingKind, string>> = {
  destroy: '🗑️',
  iam: '🔐',
  'security-group': '🛡️',
  'state-machine': '🔀',
  'public-access': '🌐',
  kms: '🔑',
};

const LEVEL_HEADING: Readonly<Record<RiskLevel, string>> = {
  critical: '🚨 Critical: opens access to the internet or to everyone, IAM wildcards, KMS key policies',
  high: '🔴 High: data loss, or values that cannot be checked',
  medium: '⚠️ Medium: permission, network and workflow changes, objects recreated',
  low: '⚪ Low: removing or narrowing access, new revisions',
};

const DIFF_SUMMARY: Readonly<Partial<Record<FindingKind, string>>> = { 'state-machine': 'ASL diff', iam: 'Policy diff', kms: 'Key policy diff' };

const reasonLine = (reason: RiskReason): string => (reason.values && reason.values.length > 0 ? `${reason.text}: ${reason.values.map(inline).join(', ')}` : reason.text);

const destroyDetail = (finding: Finding): string[] => {
  const change = finding.change;
  const parts: string[] = [];
  if (change.action === 'replace') {
    parts.push(change.replaceOrder === 'create-first' ? 'create new, then destroy old' : 'destroy old, then create new');
    const paths = (change.change.replace_paths ?? []).map((path) => inline(path.join('.')));
    if (paths.length > 0) parts.push(`forced by ${paths.join(', ')}`);
  }
  if (change.deposed) parts.push(`deposed object ${inline(change.deposed)}`);
  if (change.actionReason) parts.push(reasonText(change.actionReason, REASONS));
  return parts;
};

const RULE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'from_port',
  'to_port',
  'protocol',
  'ip_protocol',
  'cidr_blocks',
  'ipv6_cidr_blocks',
  'cidr_ipv4',
  'cidr_ipv6',
  'source_security_group_id',
  'referenced_security_group_id',
  'prefix_list_id',
  'prefix_list_ids',
  'self',
  'type',
  'ingress',
  'egress',
]);

const findingBlock = (finding: Finding, limits: Limits): Block => {
  const icons = finding.kinds.map((kind) => KIND_ICON[kind]).join('');
  const details = [
    ...finding.reasons.map(reasonLine),
    ...destroyDetail(finding),
    ...(finding.kinds.includes('security-group') && finding.action === 'update' ? attributeList(finding.change, 6, RULE_ATTRIBUTES) : []),
  ];
  const lines = [`- ${icons} ${inline(finding.stack)}: **${finding.action}** ${inline(finding.address)} — ${details.join('; ')}`];
  if (finding.diffNote) lines.push(`  - ${finding.diffNote}: no diff shown`);
  else if (finding.diff && finding.diff.length > 0) {
    if (limits.diffLines === 0) lines.push(`  - diff of ${finding.diff.length} lines left out to fit the comment size limit`);
    else {
      const shown = finding.diff.slice(0, limits.diffLines).map((line) => clip(line, MAX_BLOCK_LINE));
      const cut = finding.diff.length - shown.length;
      const summary = finding.kinds.map((kind) => DIFF_SUMMARY[kind]).find(Boolean) ?? 'Diff';
      lines.push(
        '',
        `  <details><summary>${summary}${cut > 0 ? ` (first ${shown.length} of ${finding.diff.length} lines)` : ''}</summary>`,
        '',
        ...fenced(cut > 0 ? [...shown, `… ${cut} more diff lines not shown (comment size limit)`] : shown, 'diff', '  '),
        '',
        '  </details>',
      );
    }
  }
  return lines.length === 1 ? { lines, tight: true } : { lines, spaceAfter: true };
};

const findingBlocks = (stacks: readonly StackSummary[], limits: Limits): Block[] => {
  const findings = stacks.flatMap((s) => s.findings).sort((a, b) => RISK_ORDER.indexOf(a.level) - RISK_ORDER.indexOf(b.level));
  if (findings.length === 0) return [];
  const shown = findings.slice(0, limits.findings);
  const blocks: Block[] = [block('### ⚠️ Review, riskiest first')];
  for (const level of RISK_ORDER) {
    const ofLevel = shown.filter((f) => f.level === level);
    if (ofLevel.length === 0) continue;
    const fold = level === 'low' || (level === 'medium' && limits.foldMedium);
    const heading = `${LEVEL_HEADING[level]} (${ofLevel.length})`;
    blocks.push(fold ? block(`<details><summary>${htmlText(heading)}</summary>`) : block(`**${heading}**`));
    ofLevel.forEach((finding, index) => {
      const item = findingBlock(finding, limits);
      blocks.push(index === 0 ? { ...item, tight: false } : item);
    });
    if (fold) blocks.push(block('</details>'));
  }
  if (findings.length > shown.length) {
    blocks.push(block(`_… ${plural(findings.length - shown.length, 'lower-risk finding')} not shown (comment size limit)._`));
  }
  return blocks;
};

const messageBlock = (messages: readonly string[], limit: number): string[] => {
  const lines = messages
    .flatMap((m) => m.split(/\r\n|\r|\n/))
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  if (lines.length === 0) return [];
  const shown = lines.slice(-limit).map((line) => clip(line, MAX_BLOCK_LINE));
  return ['', ...fenced(lines.length > shown.length ? [`… ${lines.length - shown.length} earlier lines`, ...shown] : shown, '', '  ')];
};

const failureBlocks = (stacks: readonly StackSummary[], limits: Limits): Block[] => {
  const failed = stacks.filter(isFailed);
  if (failed.length === 0) return [];
  const blocks: Block[] = [block('### ❌ Stacks that failed to plan')];
  for (const stack of failed) {
    if (stack.unusable) {
      blocks.push(block(`- ${inline(stack.stack)}: plan file ${inline(stack.unusable.file)} could not be used`, ...messageBlock([stack.unusable.message], limits.messagesPerStack)));
    } else if (stack.error) {
      const exit = stack.error.exitCode === null ? '' : `, exit ${stack.error.exitCode}`;
      blocks.push(block(`- ${inline(stack.stack)} (${inline(`terraform ${stack.error.step}`)}${exit})`, ...messageBlock([stack.error.message], limits.messagesPerStack)));
    } else {
      blocks.push(block(`- ${inline(stack.stack)}: Terraform saved an errored plan (see the failing checks below or the workflow log)`));
    }
  }
  return blocks;
};

const checkBlocks = (stacks: readonly StackSummary[], limits: Limits): Block[] => {
  const checks = stacks.flatMap((stack) => failingChecks(stack).map((check) => ({ stack: stack.stack, check })));
  if (checks.length === 0) return [];
  const KIND: Readonly<Record<string, string>> = { check: 'check block', resource: 'condition', output_value: 'output condition', var: 'variable validation' };
  return [
    block('### ❌ Failing checks'),
    ...checks.map(({ stack, check }) =>
      block(
        `- ${inline(stack)}: ${inline(check.address)} (${Object.hasOwn(KIND, check.kind) ? KIND[check.kind] : inline(check.kind)}, ${check.status === 'error' ? 'could not be evaluated' : 'failed'})`,
        ...messageBlock(check.messages, limits.messagesPerStack),
      ),
    ),
  ];
};

const countCell = (n: number): string => (n === 0 ? '·' : String(n));

const statusOf = (stack: StackSummary): string => {
  if (isFailed(stack)) return '❌ failed';
  const other = [
    failingChecks(stack).length && `${plural(failingChecks(stack).length, 'check')} failing`,
    stack.counts.import && `${stack.counts.import} import`,
    stack.counts.move && `${stack.counts.move} moved`,
    stack.counts.read && `${stack.counts.read} read`,
    stack.counts.forget && `${stack.counts.forget} forget`,
  ].filter(Boolean);
  const lossy = stack.plan?.changes.some(isDestructive) === true;
  const critical = stack.findings.some((f) => f.level === 'critical');
  const status = critical ? '🚨 critical' : lossy ? '⚠️ destructive' : describeCounts(stack.counts) === 'no changes' ? '✅ no changes' : '✅';
  return other.length > 0 ? `${status} (${other.join(', ')})` : status;
};

const countTable = (stacks: readonly StackSummary[]): Block[] => [
  block('| Stack | Create | Update | Replace | Delete | Status |', '|---|---:|---:|---:|---:|---|'),
  ...stacks.map((s) =>
    tight(`| ${cell(inline(s.stack))} | ${countCell(s.counts.create)} | ${countCell(s.counts.update)} | ${countCell(s.counts.replace)} | ${countCell(s.counts.delete)} | ${statusOf(s)} |`),
  ),
];

const stackSummaryLine = (stack: StackSummary, text: string): string => `<details><summary><code>${htmlText(clip(stack.stack))}</code>: ${text}</summary>`;

const stackBlock = (stack: StackSummary, limits: Limits): Block => {
  if (!stack.plan) return block(stackSummaryLine(stack, 'no plan (failed before planning, or unreadable)'), '', 'See the failure above.', '', '</details>');
  const rows = visibleChanges(stack.plan);
  const lines = [stackSummaryLine(stack, `${describeCounts(stack.counts)}${stack.plan.errored ? ' (errored plan, incomplete)' : ''}`), ''];
  if (rows.length === 0) lines.push('No resource changes.', '');
  else if (limits.rowsPerStack > 0) {
    const shown = rows.slice(0, limits.rowsPerStack);
    lines.push('| Action | Resource | Details |', '|---|---|---|');
    for (const change of shown) {
      lines.push(`| ${ACTION_ICON[change.action] ?? ''} ${actionLabel(change)} | ${cell(inline(change.address))} | ${rowDetails(change, limits)} |`);
    }
    lines.push('');
    if (rows.length > shown.length) lines.push(`_… ${rows.length - shown.length} more resources not shown (comment size limit)._`, '');
  } else lines.push(`_${plural(rows.length, 'changed resource')} not listed (comment size limit)._`, '');
  const outputs = stack.plan.outputChanges.filter((o) => o.action !== 'no-op');
  if (outputs.length > 0) {
    const listed = outputs.slice(0, 20).map((o) => `${inline(o.name)} (${o.action}${o.sensitive ? ', sensitive' : ''})`);
    lines.push(`Outputs: ${listed.join(', ')}${outputs.length > listed.length ? `, ${outputs.length - listed.length} more` : ''}`, '');
  }
  lines.push('</details>');
  return { lines };
};

const provenanceLine = (provenance: Provenance): string => {
  const short = code(provenance.sha.slice(0, 7));
  const commit = provenance.commitUrl ? `[${short}](${provenance.commitUrl})` : short;
  const run = provenance.runUrl ? ` · [workflow run ${provenance.runId}](${provenance.runUrl})` : '';
  return `Planned commit ${commit}${run}`;
};

const shortenedNote = (limits: Limits): string => {
  const cuts = [
    limits.diffLines === 0 ? 'diffs left out' : `diffs cut to ${limits.diffLines} lines`,
    limits.rowsPerStack === 0 ? 'resource tables left out' : `at most ${limits.rowsPerStack} resources listed per stack`,
    Number.isFinite(limits.findings) ? `at most ${limits.findings} findings shown, riskiest first` : '',
    limits.foldMedium ? 'medium-risk findings folded' : '',
  ].filter(Boolean);
  return `> ℹ️ **Shortened** to fit GitHub's comment size limit: ${cuts.join(', ')}.`;
};

const headerBlocks = (input: SummaryInput, stacks: readonly StackSummary[], limits: Limits | undefined): Block[] => {
  const markers = [input.marker && `<!-- ${input.marker} -->`, input.provenance && commitMarker(input.provenance.sha)].filter((m): m is string => Boolean(m));
  return [
    block(...markers, `## Terraform plan${input.title ? `: ${plainText(input.title)}` : ''}`),
    ...(input.provenance ? [block(provenanceLine(input.provenance))] : []),
    block(verdict(stacks)),
    ...(limits ? [block(shortenedNote(limits))] : []),
  ];
};

const bodyBlocks = (stacks: readonly StackSummary[], limits: Limits): Block[] => [
  ...countTable(stacks),
  ...failureBlocks(stacks, limits),
  ...checkBlocks(stacks, limits),
  ...findingBlocks(stacks, limits),
  ...(stacks.length > 0 ? [block('### Stacks')] : []),
  ...stacks.map((stack) => stackBlock(stack, limits)),
];

const join = (blocks: readonly Block[]): string => {
  const lines: string[] = [];
  blocks.forEach((b, index) => {
    if (index > 0 && (!b.tight || blocks[index - 1]!.spaceAfter)) lines.push('');
    for (const line of b.lines) lines.push(line);
  });
  return `${lines.join('\n')}\n`;
};

const TRUNCATED_NOTE = "_… summary truncated to fit GitHub's comment size limit._";

/** Keeps whole blocks from the start while they fit, then says the rest was cut. */
const truncateBlocks = (blocks: readonly Block[], maxChars: number): string => {
  const budget = maxChars - TRUNCATED_NOTE.length - 4;
  const kept: Block[] = [];
  let length = 0;
  for (const b of blocks) {
    const size = b.lines.reduce((n, line) => n + line.length + 1, 1);
    if (length + size > budget) break;
    kept.push(b);
    length += size;
  }
  return join([...kept, block(TRUNCATED_NOTE)]);
};

export interface RenderOptions {
  /** Upper bound for the Markdown length (default 65,000, below GitHub's 65,536). */
  readonly maxChars?: number;
}

export const renderSummary = (input: SummaryInput, options: RenderOptions = {}): Summary => {
  const maxChars = Math.min(options.maxChars ?? DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT);
  const stacks = summarizeStacks(input.plans, input.errors, input.unusable ?? []);
  let markdown: string | undefined;
  let level = 0;
  let blocks: Block[] = [];
  for (; level < LEVELS.length; level++) {
    blocks = [...headerBlocks(input, stacks, level > 0 ? LEVELS[level] : undefined), ...bodyBlocks(stacks, LEVELS[level]!)];
    const rendered = join(blocks);
    if (rendered.length <= maxChars) {
      markdown = rendered;
      break;
    }
  }
  const totals = stacks.reduce((sum, s) => addCounts(sum, s.counts), emptyCounts());
  const destructiveChanges = stacks.flatMap((s) => (s.plan?.changes ?? []).filter(isDestructive).map((c) => ({ stack: s.stack, address: c.address, action: c.action })));
  return {
    markdown: markdown ?? truncateBlocks(blocks, maxChars),
    stacks,
    totals,
    destructive: destructiveChanges.length > 0,
    destructiveChanges,
    erroredStacks: stacks.filter(isFailed).map((s) => s.stack),
    failedChecks: stacks.reduce((n, s) => n + failingChecks(s).length, 0),
    shortened: level > 0,
  };
};
