/**
 * A small line diff (longest common subsequence) for JSON documents in plans: state machine
 * definitions (ASL) and IAM policies. Both sides are pretty-printed with sorted keys first, so a
 * reordering or re-indentation by the provider does not show up as a change.
 */

export interface DiffLine {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
}

/** Above this many LCS cells the diff degrades to "all removed, all added" to bound time and memory. */
const MAX_LCS_CELLS = 4_000_000;

export const lineDiff = (before: readonly string[], after: readonly string[]): DiffLine[] => {
  // Common head and tail are cheap to strip and usually most of a document.
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const same = (lines: readonly string[]): DiffLine[] => lines.map((text) => ({ kind: 'same', text }));

  let middle: DiffLine[];
  if (a.length * b.length > MAX_LCS_CELLS) {
    middle = [...a.map((text): DiffLine => ({ kind: 'removed', text })), ...b.map((text): DiffLine => ({ kind: 'added', text }))];
  } else {
    // lengths[i][j] = LCS length of a[i..] and b[j..]
    const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
      }
    }
    middle = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        middle.push({ kind: 'same', text: a[i]! });
        i++;
        j++;
      } else if (j < b.length && (i === a.length || lengths[i]![j + 1]! >= lengths[i + 1]![j]!)) {
        middle.push({ kind: 'added', text: b[j]! });
        j++;
      } else {
        middle.push({ kind: 'removed', text: a[i]! });
        i++;
      }
    }
    // Removed lines before added ones inside each changed run read better.
    middle = groupRuns(middle);
  }
  return [...same(before.slice(0, head)), ...middle, ...same(before.slice(before.length - tail))];
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
      return document.split('\n'); // not JSON (e.g. YAML or an interpolation): diff it as text
    }
  }
  return JSON.stringify(sortKeys(value), null, 2).split('\n');
};

/** Readable diff of two JSON documents; empty when they are equal once normalized. */
export const jsonDiff = (before: unknown, after: unknown, context = 3): string[] =>
  unifiedDiff(lineDiff(before === undefined || before === null ? [] : jsonLines(before), after === undefined || after === null ? [] : jsonLines(after)), context);
