/**
 * What a local run did, as data (the `--trace` JSON) and as lines a person can follow: each event,
 * the rules it matched, the executions they started, the tasks those ran (exit code, duration)
 * and the events each task published. Pure: the runner appends entries, this file formats them.
 */
import { ALREADY_HANDLED_EXIT_CODE } from '../core/container-contract';

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
    | {
        readonly kind: 'routed';
        readonly seq: number;
        readonly rule: string;
        readonly execution: string;
        /** Set for the extra delivery of an at-least-once duplicate. */
        readonly duplicate?: boolean;
        /** Delivery attempts before this one that failed (retries of the target's policy). */
        readonly retries?: number;
      }
    | { readonly kind: 'unrouted'; readonly seq: number; readonly bus: string }
    | { readonly kind: 'execution-started'; readonly execution: string; readonly executionArn: string; readonly stateMachine: string; readonly rule: string; readonly seq: number }
    | {
        /** StartExecution failed for one delivery attempt of an event to a rule's target. */
        readonly kind: 'delivery-failed';
        readonly seq: number;
        readonly rule: string;
        /** 1 for the first delivery, 2 for the first retry, ... */
        readonly attempt: number;
        /** The dead-letter ERROR_CODE (THROTTLING, INVALID_PARAMETER, ...). */
        readonly errorCode: string;
        readonly message: string;
        /** When the next attempt is made, or undefined when the event goes to the DLQ (or is dropped). */
        readonly retryInMs?: number;
        readonly injected?: boolean;
      }
    | {
        /** The event went to the rule target's dead-letter queue (`queue`), or was dropped when it has none. */
        readonly kind: 'dead-lettered';
        readonly seq: number;
        readonly rule: string;
        readonly queue: string | undefined;
        readonly errorCode: string;
        readonly retryAttempts: number;
        readonly exhaustedRetryCondition?: string;
      }
    | {
        /** No task slot free: the task waits, as ECS leaves it PROVISIONING. */
        readonly kind: 'task-provisioning';
        readonly execution: string;
        readonly state: string;
        readonly task: string;
        readonly attempt: number;
        readonly running: number;
        readonly maxTasks: number;
      }
    | {
        readonly kind: 'task-started';
        readonly execution: string;
        readonly state: string;
        readonly task: string;
        readonly attempt: number;
        readonly command: readonly string[];
        readonly pid: number | undefined;
        /** The launch type or capacity providers RunTask asked for. */
        readonly capacity?: string;
        /** The placement RunTask asked for (EC2 capacity), described (core/placement.ts). */
        readonly placement?: string;
      }
    | { readonly kind: 'task-stopping'; readonly execution: string; readonly state: string; readonly task: string; readonly attempt: number; readonly reason: string }
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
        /** As ECS reports the stopped task. */
        readonly stopCode?: string;
        readonly stoppedReason?: string;
        /** Processes the task left running when its main process exited (ended with it). */
        readonly lingering?: readonly { readonly pid: number; readonly command: string }[];
        /** The last lines of its stderr, for a task that failed (in AWS: CloudWatch Logs). */
        readonly stderrTail?: readonly string[];
      }
    | {
        readonly kind: 'task-not-started';
        readonly execution: string;
        readonly state: string;
        readonly task: string;
        readonly attempt: number;
        readonly error: string;
        readonly cause: string;
        /** The injected fault, when it was one. */
        readonly fault?: string;
      }
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

/** A timeline entry as a part of the runner records it: the time is added when it is recorded. */
export type TimelineRecord = WithoutTime<TimelineEntry>;
type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

export interface RunSummary {
  readonly environment: string;
  /** `completed`: nothing left to run. `timed-out`: ended at --timeout with `stillRunning`; `stopped`: ended by its caller's signal. */
  readonly outcome: 'completed' | 'timed-out' | 'stopped';
  readonly durationSeconds: number;
  readonly events: readonly { seq: number; detailType: string; bus: string; from: string }[];
  readonly unroutedEvents: readonly number[];
  readonly executions: readonly { execution: string; rule: string; status: string; error?: string }[];
  readonly tasks: readonly { task: string; execution: string; attempt: number; exitCode: number | null; durationSeconds: number; stopCode?: string }[];
  /** Events that went to a dead-letter queue (`queue`), or were dropped (no queue). */
  readonly deadLettered: readonly { seq: number; rule: string; queue: string | undefined; errorCode: string }[];
  /** Extra deliveries of at-least-once duplicates, by event. */
  readonly duplicates: readonly { seq: number; rule: string }[];
  /** Task processes that left a background process behind. */
  readonly lingering: readonly { task: string; execution: string; pids: readonly number[] }[];
  readonly stillRunning: readonly string[];
}

export function summarize(environment: string, entries: readonly TimelineEntry[], outcome: RunSummary['outcome'], durationSeconds: number, stillRunning: readonly string[]): RunSummary {
  const events: RunSummary['events'][number][] = [];
  const unrouted: number[] = [];
  const started = new Map<string, { rule: string }>();
  const finished = new Map<string, { status: string; error?: string }>();
  const tasks: RunSummary['tasks'][number][] = [];
  const deadLettered: RunSummary['deadLettered'][number][] = [];
  const duplicates: RunSummary['duplicates'][number][] = [];
  const lingering: RunSummary['lingering'][number][] = [];
  for (const entry of entries) {
    if (entry.kind === 'event') events.push({ seq: entry.seq, detailType: entry.detailType, bus: entry.bus, from: entry.from });
    else if (entry.kind === 'unrouted') unrouted.push(entry.seq);
    else if (entry.kind === 'execution-started') started.set(entry.execution, { rule: entry.rule });
    else if (entry.kind === 'execution-finished') finished.set(entry.execution, { status: entry.status, ...(entry.error ? { error: entry.error } : {}) });
    else if (entry.kind === 'dead-lettered') deadLettered.push({ seq: entry.seq, rule: entry.rule, queue: entry.queue, errorCode: entry.errorCode });
    else if (entry.kind === 'routed' && entry.duplicate) duplicates.push({ seq: entry.seq, rule: entry.rule });
    else if (entry.kind === 'task-finished') {
      tasks.push({
        task: entry.task,
        execution: entry.execution,
        attempt: entry.attempt,
        exitCode: entry.exitCode,
        durationSeconds: entry.durationSeconds,
        ...(entry.stopCode ? { stopCode: entry.stopCode } : {}),
      });
      if (entry.lingering) lingering.push({ task: entry.task, execution: entry.execution, pids: entry.lingering.map((p) => p.pid) });
    }
  }
  const executions = [...started].map(([execution, { rule }]) => ({ execution, rule, ...(finished.get(execution) ?? { status: 'RUNNING' }) }));
  return { environment, outcome, durationSeconds, events, unroutedEvents: unrouted, executions, tasks, deadLettered, duplicates, lingering, stillRunning };
}

const seconds = (value: number) => `${value.toFixed(2)}s`;
const stamp = (at: number) => `[${at.toFixed(2).padStart(6)}s]`;

/** A detail shown on one line, cut to a readable length. */
export function preview(value: unknown, max = 100): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One timeline line (or undefined for entries that only belong in the trace). */
/**
 * What an exit code means by the platform's container contract, for a reader of the timeline: a
 * task that exits `ALREADY_HANDLED_EXIT_CODE` found its event claimed by another execution (a
 * duplicate delivery) and its state machine ends without announcing anything.
 */
export function exitNote(exitCode: number | null): string {
  return exitCode === ALREADY_HANDLED_EXIT_CODE ? ' (already handled: another execution claimed this event)' : '';
}

export function formatEntry(entry: TimelineEntry, eventName: (seq: number) => string): string | undefined {
  const t = stamp(entry.at);
  switch (entry.kind) {
    case 'event':
      return `${t} ● event #${entry.seq} ${entry.detailType} on bus ${entry.bus} (source ${entry.source}), from ${entry.from}: ${preview(entry.detail)}`;
    case 'routed': {
      const how = entry.duplicate ? ' (delivered again: at least once)' : entry.retries ? ` (after ${entry.retries} failed ${entry.retries === 1 ? 'attempt' : 'attempts'})` : '';
      return `${t}   #${entry.seq} matches rule ${entry.rule} → starts execution ${entry.execution}${how}`;
    }
    case 'delivery-failed': {
      const then = entry.retryInMs === undefined ? 'no retry' : `retry in ${entry.retryInMs} ms`;
      return `${t}   ✗ #${entry.seq} to rule ${entry.rule}: StartExecution failed (attempt ${entry.attempt}${entry.injected ? ', injected' : ''}): ${entry.errorCode}: ${entry.message}; ${then}`;
    }
    case 'dead-lettered':
      return entry.queue
        ? `${t}   ☠ #${entry.seq} to rule ${entry.rule} sent to dead-letter queue ${entry.queue} (${entry.errorCode}, ${entry.retryAttempts} retries${entry.exhaustedRetryCondition ? `, ${entry.exhaustedRetryCondition} reached` : ''})`
        : `${t}   ☠ #${entry.seq} to rule ${entry.rule} DROPPED: the target has no dead-letter queue (${entry.errorCode})`;
    case 'task-provisioning':
      return `${t}     … ${entry.execution} ${entry.state}: task ${entry.task} PROVISIONING: ${entry.running} of ${entry.maxTasks} task slots busy (--max-tasks)`;
    case 'task-stopping':
      return `${t}     ◼ ${entry.execution} ${entry.state}: task ${entry.task} stopping: ${entry.reason}`;
    case 'unrouted':
      return `${t}   #${entry.seq} matches no rule on bus ${entry.bus}`;
    case 'execution-started':
      return undefined; // said by 'routed'
    case 'task-started':
      return `${t}     ▶ ${entry.execution} ${entry.state}: task ${entry.task}${entry.attempt > 1 ? ` (attempt ${entry.attempt})` : ''} starts${placementNote(entry)}: ${entry.command.join(' ')}`;
    case 'task-output':
      return `${t}       │ ${entry.task}${entry.stream === 'stderr' ? ' (stderr)' : ''}: ${entry.line}`;
    case 'task-finished': {
      const published = entry.published.length > 0 ? `, published ${entry.published.map(eventName).join(', ')}` : ', published nothing';
      const how = entry.exitCode === null ? `did not start${entry.error ? ` (${entry.error})` : ''}` : `exited ${entry.exitCode}${exitNote(entry.exitCode)}`;
      const stop = entry.stopCode && entry.stopCode !== 'EssentialContainerExited' ? ` [${entry.stopCode}]` : '';
      const left = entry.lingering ? `; it left ${entry.lingering.map((p) => `pid ${p.pid} (${cut(p.command, 60)})`).join(', ')} running, ended with the task` : '';
      const stderr = entry.stderrTail?.length ? `; stderr: ${cut(entry.stderrTail[entry.stderrTail.length - 1]!, 120)}` : '';
      return `${t}     ■ task ${entry.task} ${how}${stop} after ${seconds(entry.durationSeconds)}${published}${left}${stderr}`;
    }
    case 'task-not-started':
      return `${t}     ✗ ${entry.execution} ${entry.state}: task ${entry.task} not started: ${entry.error}${entry.fault ? ` (injected: ${entry.fault})` : ''}: ${entry.cause}`;
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
    const task = JSON.parse(cause) as { Containers?: { Name?: string; ExitCode?: number | null }[]; StopCode?: string; StoppedReason?: string };
    const container = task.Containers?.[0];
    if (container) return `${task.StopCode ?? 'stopped'}: container ${container.Name} exit ${container.ExitCode ?? 'none'}${task.StoppedReason ? ` (${cut(task.StoppedReason, 100)})` : ''}`;
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
    const stop = task.stopCode && task.stopCode !== 'EssentialContainerExited' ? ` [${task.stopCode}]` : '';
    lines.push(
      `  task:       ${task.task}${task.attempt > 1 ? ` attempt ${task.attempt}` : ''} exit ${task.exitCode ?? 'none'}${exitNote(task.exitCode)}${stop} in ${seconds(task.durationSeconds)}`,
    );
  }
  for (const dead of summary.deadLettered) {
    lines.push(`  dead letter: #${dead.seq} to ${dead.rule} ${dead.queue ? `in ${dead.queue}` : 'DROPPED (no queue)'} (${dead.errorCode})`);
  }
  if (summary.duplicates.length > 0) lines.push(`  delivered twice: ${summary.duplicates.map((d) => `#${d.seq} to ${d.rule}`).join(', ')}`);
  for (const left of summary.lingering) lines.push(`  left running: ${left.task} in ${left.execution} left pid ${left.pids.join(', ')} (ended with the task)`);
  const end = summary.outcome === 'stopped' ? 'the stop' : 'the timeout';
  for (const running of summary.stillRunning) lines.push(`  STILL RUNNING at ${end}: ${running}`);
  return lines;
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(', ');
}

/** ` on staging-ec2 (placement strategy spread(…) → binpack(memory))`, shown only for a placement: Fargate runs show nothing new. */
function placementNote(entry: { readonly capacity?: string; readonly placement?: string }): string {
  return entry.placement === undefined ? '' : ` on ${entry.capacity ?? '?'} (placement ${entry.placement})`;
}
