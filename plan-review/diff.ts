/**
 * Line diffs of JSON documents in plans: state machine definitions (ASL) and IAM policies. Both sides
 * are pretty-printed with sorted keys first, so a reordering or re-indentation by the provider does
 * not show up as a change. The diff itself is jsdiff's Myers diff (`diff` package), whose cost grows
 * with the number of changed lines, not with the size of the documents.
 */
import { diffArrays } from 'diff';

export interface DiffLine {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
}

/**
 * Myers' diff costs about (lines of both documents) × (changed lines). Past this budget the documents
 * are shown as replaced (all removed, all added) rather than searched further: bounded time on the
 * largest plans (40 rewritten state machines), and such a diff is unreadable anyway.
 */
export const DIFF_WORK_BUDGET = 1_000_000;
export const MAX_EDIT_LINES = 5_000;

/** How many changed lines are searched for documents of these sizes. */
export const maxEditLength = (beforeLines: number, afterLines: number): number => Math.max(1, Math.min(MAX_EDIT_LINES, Math.floor(DIFF_WORK_BUDGET / Math.max(1, beforeLines + afterLines))));

/**
 * The fewest changed lines any diff of these documents has: every copy of a line that one side holds
 * more often than the other must be removed or added. A lower bound of Myers' edit length (its
 * insertions plus deletions), so a search whose budget is below it is certain to fail.
 */
export const changedLinesAtLeast = (before: readonly string[], after: readonly string[]): number => {
  const surplus = new Map<string, number>();
  for (const line of before) surplus.set(line, (surplus.get(line) ?? 0) + 1);
  for (const line of after) surplus.set(line, (surplus.get(line) ?? 0) - 1);
  let total = 0;
  for (const count of surplus.values()) total += Math.abs(count);
  return total;
};

/**
 * Whether to count changedLinesAtLeast before searching. The count costs one map update per line; a
 * search that gives up at `budget` changed lines has first tried about budget² / 2 paths. So count only
 * when budget² is at least the lines counted (documents up to 10,000 lines at the default budget):
 * there it saves whole hopeless searches (40 rewritten state machines: a third of plan:summary's CPU),
 * while on 600,000-line documents, whose budget is one line, counting would cost far more than the
 * search it could skip.
 */
export const worthCounting = (lines: number, budget: number): boolean => budget * budget >= lines;

export const lineDiff = (before: readonly string[], after: readonly string[]): DiffLine[] => {
  const budget = maxEditLength(before.length, after.length);
  const hopeless = worthCounting(before.length + after.length, budget) && changedLinesAtLeast(before, after) > budget;
  const changes = hopeless ? undefined : diffArrays([...before], [...after], { maxEditLength: budget });
  if (changes === undefined) {
    return [...before.map((text): DiffLine => ({ kind: 'removed', text })), ...after.map((text): DiffLine => ({ kind: 'added', text }))];
  }
  const lines = changes.flatMap((change) => change.value.map((text): DiffLine => ({ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text })));
  // Removed lines before added ones inside each changed run read better.
  return groupRuns(lines);
};

const groupRuns = (lines: DiffLine[]): DiffLine[] => {
  const result: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    result.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.kind === 'same') {
      flush();
      result.push(line);
    } else (line.kind === 'removed' ? removed : added).push(line);
  }
  flush();
  return result;
};

/**
 * Unified-diff text (`-`, `+`, ` ` prefixes) keeping `context` unchanged lines around each change;
 * skipped stretches become one `@@ … @@` line. Empty when nothing differs.
 */
export const unifiedDiff = (lines: readonly DiffLine[], context = 3): string[] => {
  const changed = lines.map((line) => line.kind !== 'same');
  if (!changed.includes(true)) return [];
  const keep = lines.map((_, index) => {
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) if (changed[k]) return true;
    return false;
  });
  const out: string[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      skipped++;
      return;
    }
    if (skipped > 0) out.push(`@@ ${skipped} unchanged line${skipped === 1 ? '' : 's'} @@`);
    skipped = 0;
    out.push(`${line.kind === 'removed' ? '-' : line.kind === 'added' ? '+' : ' '} ${line.text}`);
  });
  if (skipped > 0) out.push(`@@ ${skipped} unchanged line${skipped === 1 ? '' : 's'} @@`);
  return out;
};

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/** Pretty-printed lines of a JSON document (a string holding JSON, or an already parsed value). */
export const jsonLines = (document: unknown): string[] => {
  let value = document;
  if (typeof document === 'string') {
    try {
      value = JSON.parse(document);
    } catch {
      return document.split(/\r\n|\r|\n/); // not JSON (e.g. YAML or an interpolation): diff it as text, by line
    }
  }
  return JSON.stringify(sortKeys(value), null, 2).split('\n');
};

/** Readable diff of two JSON documents; empty when they are equal once normalized. */
export const jsonDiff = (before: unknown, after: unknown, context = 3): string[] =>
  unifiedDiff(lineDiff(before === undefined || before === null ? [] : jsonLines(before), after === undefined || after === null ? [] : jsonLines(after)), context);
