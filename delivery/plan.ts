/**
 * Planning an environment: for each of its stacks, in dependency order, `init`, `plan -out` and
 * `show -json` > <out>/<stack>.json. A stack that fails gets <out>/<stack>.error.json (the marker the
 * plan review reads) and the next stack is still planned. `npm run plan` is the command line.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK_ERROR_SUFFIX, type StackError } from '../plan-review';
import { readEnvironmentStacks } from '../tooling/cdktf-out';
import { runTerraform, tailLines } from '../tooling/terraform';

export interface TerraformStep {
  readonly step: 'init' | 'plan' | 'show';
  readonly args: readonly string[];
  /** The step's stdout is the product (the JSON plan). */
  readonly captureStdout: boolean;
}

/** Saved plan file name inside each stack's working directory. */
export const PLAN_FILE = 'tfplan';

/**
 * Commands per stack. `init` configures the backend already written into `cdk.tf.json`; the lock
 * timeout lets a plan wait for a concurrent one instead of failing on the state lock.
 */
export const terraformSteps = (lockTimeout = '5m'): TerraformStep[] => [
  { step: 'init', args: ['init', '-input=false', '-no-color'], captureStdout: false },
  { step: 'plan', args: ['plan', '-input=false', '-no-color', `-lock-timeout=${lockTimeout}`, `-out=${PLAN_FILE}`], captureStdout: false },
  { step: 'show', args: ['show', '-json', '-no-color', PLAN_FILE], captureStdout: true },
];

export interface StackResult {
  readonly stack: string;
  readonly planFile?: string;
  readonly error?: StackError;
}

/** Runs the three Terraform steps in one stack directory. */
export const planStack = (binary: string, stack: string, workDir: string, outDir: string): StackResult => {
  const planJson = join(outDir, `${stack}.json`);
  let failure: StackError | undefined;
  rmSync(join(workDir, PLAN_FILE), { force: true }); // a stale plan must not be shown for a failed one
  for (const step of terraformSteps()) {
    if (step.step === 'show' && !existsSync(join(workDir, PLAN_FILE))) break;
    console.error(`[${stack}] ${binary} ${step.args.join(' ')}`);
    // Terraform's own output goes to stderr so stdout carries only this command's result list.
    const run = runTerraform(binary, step.args, { cwd: workDir, stdoutToStderr: !step.captureStdout });
    if (run.stderr) process.stderr.write(run.stderr);
    if (run.error || run.status !== 0) {
      const message = run.error ?? tailLines(run.stderr || `exit code ${run.status}`);
      failure ??= { kind: 'stack-error', stack, step: step.step, exitCode: run.status, message };
      // A failed plan may still have been saved as an errored plan (Terraform ≥ 1.4): show it too.
      if (step.step !== 'plan') break;
      continue;
    }
    if (step.captureStdout) writeFileSync(planJson, run.stdout);
  }
  if (failure) writeFileSync(join(outDir, `${stack}${STACK_ERROR_SUFFIX}`), `${JSON.stringify(failure, null, 2)}\n`);
  return { stack, ...(existsSync(planJson) ? { planFile: planJson } : {}), ...(failure ? { error: failure } : {}) };
};

export interface PlanEnvironmentOptions {
  readonly env: string;
  readonly binary: string;
  /** The synthesized output to plan. */
  readonly cdktfOut: string;
  /** Where the plans (and error markers) are written. */
  readonly outDir: string;
}

/** Plans every stack of the environment in dependency order; throws `CdktfOutError` before planning anything when the output is unusable. */
export const planEnvironment = (options: PlanEnvironmentOptions): StackResult[] => {
  const stacks = readEnvironmentStacks(options.cdktfOut, options.env);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  for (const stack of stacks) {
    // Stale results of an earlier run must not reach the summary.
    rmSync(join(outDir, `${stack.name}.json`), { force: true });
    rmSync(join(outDir, `${stack.name}${STACK_ERROR_SUFFIX}`), { force: true });
  }
  return stacks.map((stack) => planStack(options.binary, stack.name, resolve(options.cdktfOut, stack.workingDirectory), outDir));
};
