/**
 * A task's process, run as ECS runs a container:
 * - in a process group of its own, so that everything it starts belongs to the task and ends with
 *   it (a container's processes die with the container);
 * - done when its main process exits, as a task stops when its essential container's main process
 *   exits, even if that process left a background child: the child is reported and killed, as the
 *   end of the container kills it;
 * - stopped as StopTask (and a Spot interruption) stop a container: SIGTERM to every process of the
 *   group, then SIGKILL after the container's stop timeout if the main process has not exited.
 *
 * A process that leaves its group (`setsid`) escapes this; containers would hold it, a process
 * group cannot. POSIX only (Linux, macOS): Windows has no process groups to signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';

export interface TaskProcessOptions {
  readonly command: readonly string[];
  readonly cwd: string;
  /** The whole environment of the process (nothing is inherited besides it). */
  readonly env: Readonly<Record<string, string>>;
  /** Each line the process writes, as it writes it. */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface LingeringProcess {
  readonly pid: number;
  /** Its command line, when the system tells it (Linux /proc). */
  readonly command: string;
}

export interface ProcessExit {
  /**
   * The main process's exit code as a container reports it: its status, or 128 + the signal's
   * number when a signal ended it (143 for SIGTERM, 137 for SIGKILL); null when it never started.
   */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the process could not be started (ENOENT, EACCES, ...). */
  readonly spawnError?: string;
  /** Processes of its group still running when the main process exited; they were killed. */
  readonly lingering: readonly LingeringProcess[];
}

/** After the main process exits, how long its output may take to arrive (a lingering child may hold the pipes open). */
const OUTPUT_DRAIN_MS = 200;

/** Process groups of tasks still running, so that an interrupted runner can end them (`killAllTaskProcesses`). */
const liveGroups = new Set<number>();

/** SIGKILLs every task process group still running (for a runner that is itself being stopped). */
export function killAllTaskProcesses(): void {
  for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  liveGroups.clear();
}

export class TaskProcess {
  /** The main process's pid, which is also its process group's id; undefined if it never started. */
  readonly pid: number | undefined;
  /** Resolves once the main process exited, its output was read and its group was ended. */
  readonly exited: Promise<ProcessExit>;
  private mainExited = false;

  private constructor(
    private readonly child: ChildProcess,
    options: TaskProcessOptions,
  ) {
    this.pid = child.pid;
    if (this.pid !== undefined) liveGroups.add(this.pid);
    this.exited = this.watch(options);
  }

  /** Starts the process in a new process group. Never throws: a process that cannot start resolves `exited` with `spawnError`. */
  static start(options: TaskProcessOptions): TaskProcess {
    const [file, ...args] = options.command;
    if (file === undefined) throw new Error('a task process needs a command');
    // `detached` makes the child the leader of a new process group (and session): its group id is its pid.
    const child = spawn(file, args, { cwd: options.cwd, env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new TaskProcess(child, options);
  }

  /** Sends `signal` to every process of the task's group. */
  signal(signal: NodeJS.Signals): void {
    if (this.pid !== undefined && liveGroups.has(this.pid)) signalGroup(this.pid, signal);
  }

  /**
   * Stops the task as ECS stops a container: SIGTERM to the group, then SIGKILL once `graceMs` have
   * passed if the main process is still running. Resolves with its exit.
   */
  stop(graceMs: number): Promise<ProcessExit> {
    if (!this.mainExited) {
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      void this.exited.finally(() => clearTimeout(timer));
    }
    return this.exited;
  }

  private watch(options: TaskProcessOptions): Promise<ProcessExit> {
    const { child } = this;
    const streamsClosed = Promise.all(
      (['stdout', 'stderr'] as const).map(
        (name) =>
          new Promise<void>((closed) => {
            const stream = child[name];
            if (!stream) return closed();
            const reader = createInterface({ input: stream });
            reader.on('line', (line) => options.onLine?.(name, line));
            reader.on('close', () => closed());
          }),
      ),
    );
    return new Promise<ProcessExit>((resolve) => {
      let spawnError: string | undefined;
      child.on('error', (error) => {
        spawnError = error.message;
        // A process that never started emits no 'exit'.
        if (child.pid === undefined) void finish(null, null);
      });
      child.on('exit', (code, signal) => void finish(code, signal));

      let finished = false;
      const finish = async (code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
        if (finished) return;
        finished = true;
        this.mainExited = true;
        // The main process is gone: the task is done. Give its output a moment to arrive, then end
        // whatever it left behind in its group, as the container's end would.
        await Promise.race([streamsClosed, delay(OUTPUT_DRAIN_MS)]);
        const lingering = this.pid === undefined ? [] : groupMembers(this.pid);
        if (this.pid !== undefined) {
          signalGroup(this.pid, 'SIGKILL');
          liveGroups.delete(this.pid);
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
        await streamsClosed;
        resolve({
          exitCode: spawnError !== undefined && code === null ? null : exitCodeOf(code, signal),
          signal,
          ...(spawnError === undefined ? {} : { spawnError }),
          lingering,
        });
      };
    });
  }
}

/** A container's exit code: the process's, or 128 + the number of the signal that ended it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  if (signal === null) return null;
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return number === undefined ? null : 128 + number;
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch (error) {
    // ESRCH: nobody left in the group.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * The live processes of a process group. Linux: read from /proc (zombies, already dead, are left
 * out). Elsewhere: only whether any is left (`kill(-group, 0)`), reported with pid -1.
 */
export function groupMembers(group: number): LingeringProcess[] {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(-group, 0);
      return [{ pid: -1, command: `a process of group ${group}` }];
    } catch {
      return [];
    }
  }
  const members: LingeringProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(`/proc/${entry}/stat`);
    if (stat === undefined) continue;
    // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== group || fields[0] === 'Z') continue;
    const command = (readProc(`/proc/${entry}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
    members.push({ pid: Number(entry), command });
  }
  return members;
}

/** True while `pid` runs (a zombie counts as ended). */
export function isRunning(pid: number): boolean {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat !== undefined) return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
