/**
 * Applying exactly what was reviewed: the saved plans `npm run plan -- --save DIR` kept, stack by
 * stack in dependency order, with `terraform apply <saved plan>`, never a new plan. Every check runs
 * before anything is applied (delivery/saved-plans.ts says what a record promises); then a stack
 * whose apply fails stops the run, so nothing that depends on it is applied. `npm run apply` is the
 * command line.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PrerequisiteError } from '../tooling/cli';
import { type ManifestStack, readEnvironmentStacks, readStackJson, stackJsonPath } from '../tooling/cdktf-out';
import { runTerraform, tailLines } from '../tooling/terraform';
import {
  changedOutputs,
  type Deferral,
  deferrals,
  type DependencyOutcome,
  type PlanRecord,
  planFilePath,
  readPlanRecord,
  recordProblems,
  remoteOutputsRead,
  sha256OfFile,
} from './saved-plans';

/** The saved plan's name inside a stack's working directory while it is applied. */
export const APPLIED_PLAN_FILE = 'reviewed.tfplan';

export interface ApplyEnvironmentOptions {
  readonly env: string;
  readonly binary: string;
  /** The synthesized output the plans were made from (synthesized again from the same commit). */
  readonly cdktfOut: string;
  /** Where `npm run plan -- --save` kept the plans and their records. */
  readonly plansDir: string;
  /** The commit this checkout is at; every record must name it. */
  readonly commit: string;
  /** True on a CI runner (GitHub Actions): a local backend there is state lost when the job ends. */
  readonly onCiRunner: boolean;
  /** The clock a saved plan's age is measured with (tests). */
  readonly now?: () => Date;
}

export interface CheckedStack {
  readonly stack: ManifestStack;
  readonly record: PlanRecord;
}

/** The saved plans cannot be applied: nothing was. Exit 2, like every missing or unusable input. */
export class SavedPlanError extends PrerequisiteError {
  constructor(readonly problems: readonly string[]) {
    super(`refusing to apply, nothing was applied:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SavedPlanError';
  }
}

/** Every check of every stack, before anything is applied; throws `SavedPlanError` listing all problems. */
export function checkSavedPlans(options: Omit<ApplyEnvironmentOptions, 'binary'>): CheckedStack[] {
  const stacks = readEnvironmentStacks(options.cdktfOut, options.env);
  const plansDir = resolve(options.plansDir);
  const problems: string[] = [];
  const checked: CheckedStack[] = [];
  for (const stack of stacks) {
    const json = readStackJson(options.cdktfOut, stack);
    if (options.onCiRunner && json.terraform.backend?.local) {
      problems.push(
        `stack ${stack.name}: keeps its state in a local backend, which a CI runner loses when the job ends; give environment ${options.env} a stateBackend (docs/plan-and-deploy.md)`,
      );
      continue;
    }
    const record = readPlanRecord(plansDir, stack.name);
    if (record === undefined) {
      problems.push(`stack ${stack.name}: no saved plan in ${plansDir} (make one with npm run plan -- --env ${options.env} --save ${options.plansDir})`);
      continue;
    }
    const applicable = typeof record === 'object' && record !== null && (record as PlanRecord).applicable === true;
    const planFile = planFilePath(plansDir, stack.name);
    if (applicable && !existsSync(planFile)) {
      problems.push(`stack ${stack.name}: its record says a plan was saved, but ${planFile} does not exist`);
      continue;
    }
    const found = recordProblems(
      record,
      {
        stack: stack.name,
        environment: options.env,
        commit: options.commit,
        configSha256: sha256OfFile(stackJsonPath(options.cdktfOut, stack)),
        ...(applicable ? { planSha256: sha256OfFile(planFile) } : {}),
      },
      (options.now ?? (() => new Date()))(),
    );
    problems.push(...found);
    if (found.length === 0) checked.push({ stack, record: record as PlanRecord });
  }
  if (problems.length > 0) throw new SavedPlanError(problems);
  return checked;
}

export interface ApplyResult {
  readonly applied: readonly string[];
  /** Stacks to plan again: their plans read outputs this apply changed. */
  readonly deferred: readonly { readonly stack: string; readonly deferredBy: readonly Deferral[] }[];
  /** The stack whose apply failed; the stacks after it were not applied. */
  readonly failed?: { readonly stack: string; readonly step: 'init' | 'show' | 'apply'; readonly message: string };
  readonly notApplied: readonly string[];
}

/** Checks everything, then applies each applicable saved plan in dependency order. */
export function applyEnvironment(options: ApplyEnvironmentOptions, log: (line: string) => void = (line) => console.error(line)): ApplyResult {
  const checked = checkSavedPlans(options);
  const plansDir = resolve(options.plansDir);
  const outcomes = new Map<string, DependencyOutcome>();
  const applied: string[] = [];
  const deferred: { stack: string; deferredBy: readonly Deferral[] }[] = [];
  for (const [index, { stack, record }] of checked.entries()) {
    const reads = remoteOutputsRead(readStackJson(options.cdktfOut, stack));
    // Checked again here, from the plans being applied, whatever the record says.
    const deferredBy = record.applicable ? deferrals(reads, outcomes) : record.deferredBy;
    if (!record.applicable || deferredBy.length > 0) {
      log(`[${stack.name}] not applied: planned again after this apply (${deferredBy.map((d) => `${d.stack} ${d.reason}`).join('; ')})`);
      deferred.push({ stack: stack.name, deferredBy });
      outcomes.set(stack.name, { kind: 'deferred' });
      continue;
    }
    const workDir = resolve(options.cdktfOut, stack.workingDirectory);
    const planInWorkDir = join(workDir, APPLIED_PLAN_FILE);
    copyFileSync(planFilePath(plansDir, stack.name), planInWorkDir);
    const steps: { step: 'init' | 'show' | 'apply'; args: string[] }[] = [
      { step: 'init', args: ['init', '-input=false', '-no-color'] },
      { step: 'show', args: ['show', '-json', '-no-color', APPLIED_PLAN_FILE] },
      // The lock timeout lets the apply wait for a plan that holds the state lock instead of failing.
      { step: 'apply', args: ['apply', '-input=false', '-no-color', '-lock-timeout=5m', APPLIED_PLAN_FILE] },
    ];
    let changed: string[] = [];
    for (const { step, args } of steps) {
      log(`[${stack.name}] ${options.binary} ${args.join(' ')}`);
      const run = runTerraform(options.binary, args, { cwd: workDir, stdoutToStderr: step !== 'show' });
      if (run.stderr) process.stderr.write(run.stderr);
      if (run.error || run.status !== 0) {
        rmSync(planInWorkDir, { force: true });
        return {
          applied,
          deferred,
          failed: { stack: stack.name, step, message: run.error ?? tailLines(run.stderr || `exit code ${run.status}`) },
          notApplied: checked.slice(index).map((c) => c.stack.name),
        };
      }
      if (step === 'show') changed = changedOutputs(JSON.parse(run.stdout) as unknown);
    }
    rmSync(planInWorkDir, { force: true });
    applied.push(stack.name);
    outcomes.set(stack.name, { kind: 'planned', changedOutputs: changed });
  }
  return { applied, deferred, notApplied: deferred.map((d) => d.stack) };
}
