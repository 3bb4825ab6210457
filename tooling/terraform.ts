/**
 * The one way this repository runs Terraform (or OpenTofu through `TERRAFORM_BINARY_NAME`): which
 * binary, with which environment, and how a failure is reported. The plan and bootstrap commands,
 * the plan-fixture generator and the tests all spawn Terraform through here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { PrerequisiteError } from './cli';
import { findExecutable, missingBinaryMessage, preflight, terraformBinaryName } from './preflight';

/**
 * `automation`: a program drives Terraform: no prompts (`TF_INPUT=0`) and no "run terraform X next"
 * hints (`TF_IN_AUTOMATION`). `interactive`: a person answers Terraform's questions (apply's "yes").
 * Both skip the update check (`CHECKPOINT_DISABLE`), which would reach out to the network.
 */
export type TerraformMode = 'automation' | 'interactive';

export function terraformEnvironment(base: NodeJS.ProcessEnv = process.env, mode: TerraformMode = 'automation'): NodeJS.ProcessEnv {
  const env = { ...base, CHECKPOINT_DISABLE: '1' };
  return mode === 'automation' ? { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' } : env;
}

export interface TerraformRunOptions {
  readonly cwd: string;
  /** Default: `terraformEnvironment()` of this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * `capture` (default): stdin closed, stdout and stderr returned. `inherit`: Terraform talks to
   * this process's terminal (a person may answer its prompts); nothing is returned.
   */
  readonly stdio?: 'capture' | 'inherit';
  /** With `capture`: Terraform's stdout goes to this process's stderr as it comes instead of being returned. */
  readonly stdoutToStderr?: boolean;
  /** Largest output kept, per stream (a plan of hundreds of resources is tens of MB as JSON). */
  readonly maxBufferBytes?: number;
}

export interface TerraformRun {
  readonly command: string;
  /** Exit status; null when Terraform did not start or was killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why Terraform did not start (ENOENT, ...) or was stopped. */
  readonly error?: string;
}

/** A Terraform command that did not succeed; the message names the command and the end of its output. */
export class TerraformError extends Error {
  constructor(
    readonly run: TerraformRun,
    what: string,
  ) {
    super(`${what}: ${run.command} ${run.error ? `could not run (${run.error})` : `failed (exit ${run.status})`}:\n${tailLines(run.stderr || run.stdout)}`);
    this.name = 'TerraformError';
  }
}

const DEFAULT_MAX_BUFFER = 512 * 1024 * 1024;

/** Runs `binary args` in `options.cwd` and waits for it. Never throws for a failed command: see `status`. */
export function runTerraform(binary: string, args: readonly string[], options: TerraformRunOptions): TerraformRun {
  const command = [binary, ...args].join(' ');
  const inherit = options.stdio === 'inherit';
  const result = spawnSync(binary, [...args], {
    cwd: options.cwd,
    env: options.env ?? terraformEnvironment(process.env, inherit ? 'interactive' : 'automation'),
    encoding: 'utf8',
    maxBuffer: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER,
    stdio: inherit ? 'inherit' : ['ignore', options.stdoutToStderr ? 2 : 'pipe', 'pipe'],
  });
  return {
    command,
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    ...(result.error ? { error: result.error.message } : result.signal ? { error: `killed by ${result.signal}` } : {}),
  };
}

/** The same without blocking, output captured: for tests that run many short Terraform commands at once. */
export function runTerraformAsync(binary: string, args: readonly string[], options: Pick<TerraformRunOptions, 'cwd' | 'env'>): Promise<TerraformRun> {
  const command = [binary, ...args].join(' ');
  return new Promise((resolve) => {
    const child = spawn(binary, [...args], { cwd: options.cwd, env: options.env ?? terraformEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ command, status: null, stdout, stderr, error: error.message }));
    child.on('close', (status, signal) => resolve({ command, status, stdout, stderr, ...(signal ? { error: `killed by ${signal}` } : {}) }));
  });
}

/** `run` when it succeeded; otherwise a `TerraformError` naming `what` failed. */
export function mustSucceed(run: TerraformRun, what: string): TerraformRun {
  if (run.status !== 0 || run.error) throw new TerraformError(run, what);
  return run;
}

/** Last lines of a failed command's output: enough to diagnose, short enough for a comment. */
export const tailLines = (text: string, count = 40): string => text.trim().split('\n').slice(-count).join('\n');

/** A regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary to run (`TERRAFORM_BINARY_NAME`, default `terraform`), found on PATH, or a `PrerequisiteError`. */
export function requireTerraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const name = terraformBinaryName(env);
  const binary = findExecutable(name, env, isExecutableFile);
  if (!binary) throw new PrerequisiteError(missingBinaryMessage(name, env));
  return binary;
}

/** The preflight of tooling/preflight.ts on this machine: the binary, then AWS credentials for `environment`. */
export function requireTerraformAndCredentials(environment: string, env: NodeJS.ProcessEnv = process.env): { binary: string; credentials: string } {
  const check = preflight(environment, { env, isExecutableFile, fileExists: existsSync, homeDirectory: homedir() });
  if (!check.ok) throw new PrerequisiteError(check.message);
  return { binary: check.binary, credentials: check.credentials };
}

/** The Terraform on PATH and its version, or undefined without one: tests that need it skip and say so. */
export function installedTerraform(env: NodeJS.ProcessEnv = process.env): { readonly binary: string; readonly version: string } | undefined {
  const binary = terraformBinaryName(env);
  const run = runTerraform(binary, ['version', '-json'], { cwd: process.cwd(), env: terraformEnvironment(env) });
  if (run.status !== 0 || run.error) return undefined;
  try {
    return { binary, version: (JSON.parse(run.stdout) as { terraform_version: string }).terraform_version };
  } catch {
    return undefined;
  }
}
