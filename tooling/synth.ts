/**
 * Synthesizing as a command does it: the app (main.ts) in a child process, exactly what
 * `npm run synth` runs, so a command never synthesizes differently from the one a reviewer ran.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './hcl-modules';

/**
 * How every TypeScript program here starts, after `node` and from the repository root: the npm
 * scripts, the example tasks' local commands, and the tests that start a script as a process.
 * tooling/register-ts.cjs says why not tsx (about a third of the CPU per process start).
 */
export const TS_NODE_ARGS: readonly string[] = ['--require', './tooling/register-ts.cjs'];

/**
 * The app's command line after `node`: what `npm run synth` and cdktf.json's `app` run (a test
 * checks all three agree).
 */
export const APP_NODE_ARGS: readonly string[] = [...TS_NODE_ARGS, 'main.ts'];

/** `node --require ./tooling/register-ts.cjs main.ts`, for messages. */
export const APP_COMMAND = ['node', ...APP_NODE_ARGS].join(' ');

export interface SynthesizeOptions {
  /** Output directory (absolute, or relative to the repository root). */
  readonly outdir: string;
  /** Environments to synthesize (`SYNTH_ENVIRONMENTS`); all when absent. Every environment is validated either way. */
  readonly environments?: string;
}

/**
 * Runs the app; its own output (and any configuration problems) goes to this terminal. Returns
 * the app's exit status: 0, or 1 for an invalid configuration or an unknown environment.
 */
export function synthesize(options: SynthesizeOptions): number {
  const outdir = path.resolve(REPO_ROOT, options.outdir);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (options.environments === undefined) delete env.SYNTH_ENVIRONMENTS;
  else env.SYNTH_ENVIRONMENTS = options.environments;
  const result = spawnSync(process.execPath, [...APP_NODE_ARGS], { cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`synthesis could not start: ${result.error.message}`);
  return result.status ?? 1;
}
