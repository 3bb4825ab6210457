/**
 * Runs the verify tools. Output is captured (the tiers print what it proved, not the tools' chatter)
 * and the tail of it is kept for the report when a command fails.
 */
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  readonly command: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Spawn failure or time-out, when the process did not run to its end. */
  readonly error?: string;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutSeconds?: number;
  /** Lower priority than the shell: the machine is shared. */
  readonly nice?: boolean;
}

export const runCommand = (binary: string, args: readonly string[], options: CommandOptions): CommandResult => {
  const started = process.hrtime.bigint();
  const [file, argv] = options.nice ? ['nice', ['-n', '10', binary, ...args]] : [binary, [...args]];
  const run = spawnSync(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: (options.timeoutSeconds ?? 900) * 1000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const error = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : undefined;
  return {
    command: [binary, ...args].join(' '),
    status: run.status,
    stdout: run.stdout ?? '',
    stderr: run.stderr ?? '',
    seconds,
    ...(error ? { error } : {}),
  };
};

/** Last lines of a failed command, for the report. */
export const failureText = (result: Pick<CommandResult, 'command' | 'status' | 'stdout' | 'stderr' | 'error'>, lines = 15): string => {
  const text = `${result.stderr}\n${result.stdout}`
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const status = result.error ?? `exit ${result.status}`;
  return `\`${result.command}\` failed (${status}):\n      ${text.slice(-lines).join('\n      ')}`;
};
