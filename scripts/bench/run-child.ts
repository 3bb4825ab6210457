/**
 * Runs one measured command in a child process, so that its peak memory is its own and not the
 * benchmark's. Peak RSS comes from GNU time (`/usr/bin/time -v`, the largest single process) when
 * the machine has it, or from the child's own report (synth-entry.ts: its peak plus its workers'),
 * whichever is larger.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface ChildRun {
  readonly exitCode: number;
  readonly wallMs: number;
  /** Undefined when neither GNU time nor the child reported it. */
  readonly peakRssMiB: number | undefined;
  /**
   * User plus system CPU time of the process and the children it waited for (GNU time), or
   * undefined without GNU time. On a machine shared with other work, wall time grows with the
   * load; CPU time much less, so it tells what the run itself cost.
   */
  readonly cpuMs: number | undefined;
  readonly rssSource: 'gnu-time' | 'child' | 'none';
  /** What the child wrote to `BENCH_REPORT` (JSON), if anything. */
  readonly report: Record<string, unknown> | undefined;
  /** The end of the child's output, for error messages. */
  readonly outputTail: string;
}

export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `Maximum resident set size (kbytes): 144184` from `time -v` output, in MiB. For a process tree
 * GNU time reports the largest single process (wait4's ru_maxrss), not the sum.
 */
export function parseGnuTimeMaxRssMiB(output: string): number | undefined {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(output);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** `User time (seconds): 1.20` plus `System time (seconds): 0.30` from `time -v` output, in ms. */
export function parseGnuTimeCpuMs(output: string): number | undefined {
  const user = /User time \(seconds\): ([\d.]+)/.exec(output);
  const system = /System time \(seconds\): ([\d.]+)/.exec(output);
  return user && system ? (Number(user[1]) + Number(system[1])) * 1000 : undefined;
}

const tail = (text: string, chars = 4000): string => (text.length > chars ? `…${text.slice(-chars)}` : text);

export async function runChild(child: ChildCommand, useGnuTime = existsSync(GNU_TIME)): Promise<ChildRun> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-run-'));
  const timeFile = path.join(scratch, 'time.txt');
  const reportFile = path.join(scratch, 'report.json');
  const [command, ...args] = useGnuTime ? [GNU_TIME, '-v', '-o', timeFile, child.command, ...child.args] : [child.command, ...child.args];
  try {
    const started = process.hrtime.bigint();
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
      const proc = spawn(command!, args, { cwd: child.cwd, env: { ...(child.env ?? process.env), BENCH_REPORT: reportFile }, stdio: ['ignore', 'pipe', 'pipe'] });
      let collected = '';
      // Keep only the end: a test suite writes megabytes.
      const keep = (chunk: Buffer) => {
        collected = tail(collected + chunk.toString('utf8'), 64_000);
      };
      proc.stdout.on('data', keep);
      proc.stderr.on('data', keep);
      proc.on('error', reject);
      proc.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : -1), output: collected }));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>) : undefined;
    const timeOutput = useGnuTime && existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : undefined;
    const fromTime = timeOutput !== undefined ? parseGnuTimeMaxRssMiB(timeOutput) : undefined;
    const fromChild = typeof report?.maxRssKiB === 'number' ? report.maxRssKiB / 1024 : undefined;
    // GNU time sees the largest single process; a child with worker processes reports their sum,
    // which is larger: the larger of the two is what the command needs.
    const childLarger = fromChild !== undefined && (fromTime === undefined || fromChild > fromTime);
    return {
      exitCode,
      wallMs,
      peakRssMiB: childLarger ? fromChild : fromTime,
      cpuMs: timeOutput !== undefined ? parseGnuTimeCpuMs(timeOutput) : undefined,
      rssSource: childLarger ? 'child' : fromTime !== undefined ? 'gnu-time' : 'none',
      report,
      outputTail: tail(output),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
