/**
 * A script's command run in the test's own process, as its program runs it (`runCommand`: --help,
 * usage errors, crashes, exit codes), with stdout and stderr captured. For tests about what a
 * command prints and returns; a test about the process itself (exit status, `require.main`,
 * signals, a closed pipe) starts it instead.
 */
import { type Command, type CommandIo, runCommand } from '../../tooling/cli';

export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A write-only stream collecting what is written, for code that takes a `NodeJS.WritableStream`. */
export interface CapturedIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/**
 * Runs `command(io)` with `argv`. runCommand sets `process.exitCode` for a program; here that is
 * the test runner's own process (a passing run would exit 2), so it is restored afterwards.
 */
export async function runInProcess(command: (io: CapturedIo) => Command, argv: readonly string[]): Promise<CommandRun> {
  const out = { stdout: '', stderr: '' };
  const stream = (name: keyof typeof out) => ({ write: (text: string | Uint8Array) => ((out[name] += String(text)), true) }) as unknown as NodeJS.WritableStream;
  const io = { stdout: stream('stdout'), stderr: stream('stderr') };
  const exitCode = process.exitCode;
  try {
    const code = await runCommand(command(io), argv, io satisfies CommandIo);
    return { code, ...out };
  } finally {
    process.exitCode = exitCode;
  }
}
