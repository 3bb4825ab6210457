/**
 * What a local run did, as data (the `--trace` JSON) and as lines a person can follow: each event,
 * the rules it matched, the executions they started, the tasks those ran (exit code, duration)
 * and the events each task published. Pure: the runner appends entries, this file formats them.
 */

/** Seconds since the run started, on every entry. */
interface At {
  readonly at: number;
}

export type TimelineEntry = At &
  (
    | {
        readonly kind: 'event';
        /** 1, 2, ... in arrival order. */
        readonly seq: number;
        readonly id: string;
        readonly bus: string;
        readonly detailType: string;
        readonly source: string;
        readonly detail: unknown;
        /** `command line`, `task payment/charge in <execution>`, `state machine <execution> (<state>)`. */
        readonly from: string;
      }
    | { readonly kind: 'routed'; readonly seq: number; readonly rule: string; readonly execution: string }
    | { readonly kind: 'unrouted'; readonly seq: number; readonly bus: string }
    | { readonly kind: 'execution-started'; readonly execution: string; readonly executionArn: string; readonly stateMachine: string; readonly rule: string; readonly seq: number }
    | { readonly kind: 'task-started'; readonly execution: string; readonly state: string; readonly task: string; readonly attempt: number; readonly command: readonly string[]; readonly pid: number | undefined }
    | { readonly kind: 'task-output'; readonly execution: string; readonly task: string; readonly stream: 'stdout' | 'stderr'; readonly line: string }
    | {
        readonly kind: 'task-finished';
        readonly execution: string;
        readonly state: string;
        readonly task: string;
        readonly attempt: number;
        /** null when the process was killed by a signal or never started. */
        readonly exitCode: number | null;
        readonly durationSeconds: number;
        /** Events this task process published, by `seq`. */
        readonly published: readonly number[];
        readonly error?: string;
      }
    | { readonly kind: 'task-not-started'; readonly execution: string; readonly state: string; readonly task: string; readonly attempt: number; readonly error: string; readonly cause: string }
    | { readonly kind: 'put-events'; readonly execution: string; readonly state: string; readonly published: readonly number[]; readonly failed: number }
    | {
        readonly kind: 'execution-finished';
        readonly execution: string;
        readonly status: string;
        readonly durationSeconds: number;
        readonly error?: string;
        readonly cause?: string;
      }
    | { readonly kind: 'note'; readonly message: string }
  );

export interface RunSummary {
  readonly environment: string;
  /** `completed`: nothing left to run. `timed-out`: stopped at --timeout with `stillRunning`. */
  readonly outcome: 'completed' | 'timed-out';
  readonly durationSeconds: number;
  readonly events: readonly { seq: number; detailType: string; bus: string; from: string }[];
  readonly unroutedEvents: readonly number[];
  readonly executions: readonly { execution: string; rule: string; status: string; error?: string }[];
  readonly tasks: readonly { task: string; execution: string; attempt: number; exitCode: number | null; durationSeconds: number }[];
  readonly stillRunning: readonly string[];
}

export function summarize(environment: string, entries: readonly TimelineEntry[], outcome: RunSummary['outcome'], durationSeconds: number, stillRunning: readonly string[]): RunSummary {
  const events: RunSummary['events'][number][] = [];
  const unrouted: number[] = [];
  const started = new Map<string, { rule: string }>();
  const finished = new Map<string, { status: string; error?: string }>();
  const tasks: RunSummary['tasks'][number][] = [];
  for (const entry of entries) {
    if (entry.kind === 'event') events.push({ seq: entry.seq, detailType: entry.detailType, bus: entry.bus, from: entry.from });
    else if (entry.kind === 'unrouted') unrouted.push(entry.seq);
    else if (entry.kind === 'execution-started') started.set(entry.execution, { rule: entry.rule });
    else if (entry.kind === 'execution-finished') finished.set(entry.execution, { status: entry.status, ...(entry.error ? { error: entry.error } : {}) });
    else if (entry.kind === 'task-finished') {
      tasks.push({ task: entry.task, execution: entry.execution, attempt: entry.attempt, exitCode: entry.exitCode, durationSeconds: entry.durationSeconds });
    }
  }
  const executions = [...started].map(([execution, { rule }]) => ({ execution, rule, ...(finished.get(execution) ?? { status: 'RUNNING' }) }));
  return { environment, outcome, durationSeconds, events, unroutedEvents: unrouted, executions, tasks, stillRunning };
}

const seconds = (value: number) => `${value.toFixed(2)}s`;
const stamp = (at: number) => `[${at.toFixed(2).padStart(6)}s]`;

/** A detail shown on one line, cut to a readable length. */
export function preview(value: unknown, max = 100): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One timeline line (or undefined for entries that only belong in the trace). */
export function formatEntry(entry: TimelineEntry, eventName: (seq: number) => string): string | undefined {
  const t = stamp(entry.at);
  switch (entry.kind) {
    case 'event':
      return `${t} ● event #${entry.seq} ${entry.detailType} on bus ${entry.bus} (source ${entry.source}), from ${entry.from}: ${preview(entry.detail)}`;
    case 'routed':
      return `${t}   #${entry.seq} matches rule ${entry.rule} → starts execution ${entry.execution}`;
    case 'unrouted':
      return `${t}   #${entry.seq} matches no rule on bus ${entry.bus}`;
    case 'execution-started':
      return undefined; // said by 'routed'
    case 'task-started':
      return `${t}     ▶ ${entry.execution} ${entry.state}: task ${entry.task}${entry.attempt > 1 ? ` (attempt ${entry.attempt})` : ''} starts: ${entry.command.join(' ')}`;
    case 'task-output':
      return `${t}       │ ${entry.task}${entry.stream === 'stderr' ? ' (stderr)' : ''}: ${entry.line}`;
    case 'task-finished': {
      const published = entry.published.length > 0 ? `, published ${entry.published.map(eventName).join(', ')}` : ', published nothing';
      const how = entry.exitCode === null ? `did not exit normally${entry.error ? ` (${entry.error})` : ''}` : `exited ${entry.exitCode}`;
      return `${t}     ■ task ${entry.task} ${how} after ${seconds(entry.durationSeconds)}${published}`;
    }
    case 'task-not-started':
      return `${t}     ✗ ${entry.execution} ${entry.state}: task ${entry.task} not started: ${entry.error}: ${entry.cause}`;
    case 'put-events':
      return `${t}     ✉ ${entry.execution} ${entry.state}: published ${entry.published.map(eventName).join(', ') || 'nothing'}${entry.failed ? ` (${entry.failed} entries failed)` : ''}`;
    case 'execution-finished': {
      const why = entry.error ? `: ${entry.error}${entry.cause ? ` (${describeCause(entry.cause)})` : ''}` : '';
      return `${t}   ${entry.status === 'SUCCEEDED' ? '✓' : '✗'} execution ${entry.execution} ${entry.status} after ${seconds(entry.durationSeconds)}${why}`;
    }
    case 'note':
      return `${t} ${entry.message}`;
  }
}

/**
 * A failure's Cause in a few words: for a `.sync` task failure (a task description), the
 * container's exit code and the last line of its stderr; otherwise the start of the text.
 */
export function describeCause(cause: string): string {
  try {
    const task = JSON.parse(cause) as { Containers?: { Name?: string; ExitCode?: number | null }[]; StoppedReason?: string; LocalStderrTail?: string };
    const container = task.Containers?.[0];
    if (container) {
      const lastLine = (task.LocalStderrTail ?? '').trim().split('\n').pop();
      return `container ${container.Name} exit ${container.ExitCode ?? 'none'}${lastLine ? `; stderr: ${cut(lastLine, 120)}` : ''}`;
    }
    if (task.StoppedReason) return task.StoppedReason;
  } catch {
    // not JSON: shown as text
  }
  return cut(cause, 160);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatSummary(summary: RunSummary): string[] {
  const lines: string[] = [];
  const statuses = countBy(summary.executions.map((e) => e.status));
  const exits = countBy(summary.tasks.map((task) => `exit ${task.exitCode ?? 'none'}`));
  lines.push(
    `Summary (environment ${summary.environment}, ${summary.outcome}, ${seconds(summary.durationSeconds)}): ` +
      `${summary.events.length} events, ${summary.executions.length} executions (${statuses || 'none'}), ${summary.tasks.length} task runs (${exits || 'none'})`,
  );
  lines.push(`  events:     ${summary.events.map((e) => `#${e.seq} ${e.detailType}`).join(' → ') || 'none'}`);
  if (summary.unroutedEvents.length > 0) lines.push(`  no rule:    ${summary.unroutedEvents.map((seq) => `#${seq}`).join(', ')}`);
  for (const execution of summary.executions) {
    lines.push(`  execution:  ${execution.execution} ${execution.status}${execution.error ? ` (${execution.error})` : ''}`);
  }
  for (const task of summary.tasks) {
    lines.push(`  task:       ${task.task}${task.attempt > 1 ? ` attempt ${task.attempt}` : ''} exit ${task.exitCode ?? 'none'} in ${seconds(task.durationSeconds)}`);
  }
  for (const running of summary.stillRunning) lines.push(`  STILL RUNNING at the timeout: ${running}`);
  return lines;
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ');
}
