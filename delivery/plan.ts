/**
 * Planning an environment: for each of its stacks, in dependency order, `init`, `plan -out` and
 * `show -json` > <out>/<stack>.json. A stack that fails gets <out>/<stack>.error.json (the marker the
 * plan review reads) and the next stack is still planned. With a save directory, each plan that may
 * be applied is kept there with its record for `npm run apply` (delivery/saved-plans.ts).
 * `npm run plan` is the command line.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK_ERROR_SUFFIX, type StackError } from '../plan-review';
import { readEnvironmentStacks, readStackJson, stackJsonPath } from '../tooling/cdktf-out';
import { runTerraform, tailLines } from '../tooling/terraform';
import {
  changedOutputs,
  DEFERRED_NOTE_FILE,
  type Deferral,
  deferrals,
  deferredNote,
  type DependencyOutcome,
  planFilePath,
  planRecordPath,
  remoteOutputsRead,
  sha256OfFile,
  writePlanRecord,
  writePlanSet,
} from './saved-plans';

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
  /**
   * Non-empty when the stack reads outputs that a dependency's plan in this run changes (or a
   * dependency failed): its plan is a preview for review, never applied (delivery/saved-plans.ts).
   */
  readonly deferredBy: readonly Deferral[];
}

export interface PlanStackOptions {
  /** Write `<stack>.error.json` when Terraform fails (not for a deferred stack's preview: its failure is expected). */
  readonly errorMarker?: boolean;
}

/** Runs the three Terraform steps in one stack directory. */
export const planStack = (binary: string, stack: string, workDir: string, outDir: string, options: PlanStackOptions = {}): Omit<StackResult, 'deferredBy'> => {
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
  if (failure && options.errorMarker !== false) writeFileSync(join(outDir, `${stack}${STACK_ERROR_SUFFIX}`), `${JSON.stringify(failure, null, 2)}\n`);
  return { stack, ...(existsSync(planJson) ? { planFile: planJson } : {}), ...(failure ? { error: failure } : {}) };
};

export interface PlanEnvironmentOptions {
  readonly env: string;
  readonly binary: string;
  /** The synthesized output to plan. */
  readonly cdktfOut: string;
  /** Where the plans (and error markers) are written. */
  readonly outDir: string;
  /** Where the saved plans and their records go for `npm run apply` (delivery/saved-plans.ts); none when absent. */
  readonly saveDir?: string;
  /** The commit the records name; required with `saveDir`. */
  readonly commit?: string;
  /** The clock the records' `createdAt` is read from (tests). */
  readonly now?: () => Date;
}

/**
 * Plans every stack of the environment in dependency order; throws `CdktfOutError` before planning
 * anything when the output is unusable. A stack that reads outputs a dependency's plan changes is
 * deferred: planned as a preview (its failure is no error: the dependency may not exist yet) and
 * recorded as not applicable.
 */
export const planEnvironment = (options: PlanEnvironmentOptions): StackResult[] => {
  const stacks = readEnvironmentStacks(options.cdktfOut, options.env);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const saveDir = options.saveDir === undefined ? undefined : resolve(options.saveDir);
  if (saveDir) mkdirSync(saveDir, { recursive: true });
  for (const stack of stacks) {
    // Stale results of an earlier run must not reach the summary, nor the apply.
    rmSync(join(outDir, `${stack.name}.json`), { force: true });
    rmSync(join(outDir, `${stack.name}${STACK_ERROR_SUFFIX}`), { force: true });
    if (saveDir) rmSync(planFilePath(saveDir, stack.name), { force: true });
    if (saveDir) rmSync(planRecordPath(saveDir, stack.name), { force: true });
  }
  rmSync(join(outDir, DEFERRED_NOTE_FILE), { force: true });

  const outcomes = new Map<string, DependencyOutcome>();
  const results: StackResult[] = [];
  for (const stack of stacks) {
    const deferredBy = deferrals(remoteOutputsRead(readStackJson(options.cdktfOut, stack)), outcomes);
    const workDir = resolve(options.cdktfOut, stack.workingDirectory);
    const result = { ...planStack(options.binary, stack.name, workDir, outDir, { errorMarker: deferredBy.length === 0 }), deferredBy };
    results.push(result);
    outcomes.set(
      stack.name,
      deferredBy.length > 0 ? { kind: 'deferred' } : result.error || !result.planFile ? { kind: 'failed' } : { kind: 'planned', changedOutputs: changedOutputs(readJson(result.planFile)) },
    );
    if (saveDir && (deferredBy.length > 0 || !result.error)) {
      saveStackPlan(saveDir, {
        stack: stack.name,
        environment: options.env,
        commit: requireCommit(options.commit),
        createdAt: (options.now ?? (() => new Date()))().toISOString(),
        workDir,
        config: stackJsonPath(options.cdktfOut, stack),
        deferredBy,
      });
    }
  }

  const deferred = results.filter((result) => result.deferredBy.length > 0);
  if (deferred.length > 0) writeFileSync(join(outDir, DEFERRED_NOTE_FILE), deferredNote(options.env, deferred));
  if (saveDir) {
    writePlanSet(saveDir, {
      format: 1,
      environment: options.env,
      commit: requireCommit(options.commit),
      stacks: results.filter((result) => result.deferredBy.length > 0 || !result.error).map((result) => ({ stack: result.stack, applicable: result.deferredBy.length === 0 })),
      deferred: deferred.map((result) => result.stack),
    });
  }
  return results;
};

const requireCommit = (commit: string | undefined): string => {
  if (!commit) throw new Error('planEnvironment: saveDir needs the commit the plans are made from');
  return commit;
};

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

/** Copies an applicable stack's plan into `saveDir` and writes its record (a deferred stack: the record only). */
function saveStackPlan(
  saveDir: string,
  stack: { stack: string; environment: string; commit: string; createdAt: string; workDir: string; config: string; deferredBy: readonly Deferral[] },
): void {
  const applicable = stack.deferredBy.length === 0;
  let planSha256: string | undefined;
  if (applicable) {
    copyFileSync(join(stack.workDir, PLAN_FILE), planFilePath(saveDir, stack.stack));
    planSha256 = sha256OfFile(planFilePath(saveDir, stack.stack));
  }
  writePlanRecord(saveDir, {
    format: 1,
    stack: stack.stack,
    environment: stack.environment,
    commit: stack.commit,
    createdAt: stack.createdAt,
    configSha256: sha256OfFile(stack.config),
    ...(planSha256 ? { planSha256 } : {}),
    applicable,
    deferredBy: stack.deferredBy,
  });
}
