/**
 * npm run plan -- --env dev [--out plans] [--no-synth] [--cdktf-out cdktf.out]
 *
 * Checks for a Terraform binary and AWS credentials (exit 2 at once when either is missing), then
 * synthesizes and, for each stack of the environment in dependency order, runs `init`,
 * `plan -out=tfplan` and `show -json tfplan` > <out>/<stack>.json. A stack that fails gets
 * <out>/<stack>.error.json (read by `npm run plan:summary`) and the next stack is still planned.
 * Exit codes: 0 all planned; 1 some stack failed; 2 preflight or usage error.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ManifestError,
  orderStacks,
  parseManifest,
  PLAN_FILE,
  preflight,
  PREFLIGHT_EXIT_CODE,
  STACK_ERROR_SUFFIX,
  tailLines,
  terraformSteps,
  type StackError,
} from '../plan-review';

export interface PlanArgs {
  readonly env: string;
  readonly outDir: string;
  readonly synth: boolean;
  readonly cdktfOut: string;
}

export class PlanUsageError extends Error {}

const USAGE = 'usage: npm run plan -- --env <dev|staging|prod> [--out plans] [--no-synth] [--cdktf-out cdktf.out]';

export const parsePlanArgs = (argv: readonly string[]): PlanArgs => {
  let env: string | undefined;
  let outDir = 'plans';
  let synth = true;
  let cdktfOut = 'cdktf.out';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new PlanUsageError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--env') env = value();
    else if (arg.startsWith('--env=')) env = arg.slice('--env='.length);
    else if (arg === '--out') outDir = value();
    else if (arg === '--cdktf-out') cdktfOut = value();
    else if (arg === '--no-synth') synth = false;
    else throw new PlanUsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!env) throw new PlanUsageError(`--env is required\n${USAGE}`);
  if (!/^[a-z][a-z0-9-]*$/.test(env)) throw new PlanUsageError(`--env "${env}": lower-case letters, digits and dashes only`);
  return { env, outDir, synth, cdktfOut };
};

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

interface StackResult {
  readonly stack: string;
  readonly planFile?: string;
  readonly error?: StackError;
}

/** Runs the three Terraform steps in one stack directory; the only place that spawns Terraform. */
const planStack = (binary: string, stack: string, workDir: string, outDir: string): StackResult => {
  const env = { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const planJson = join(outDir, `${stack}.json`);
  let failure: StackError | undefined;
  rmSync(join(workDir, PLAN_FILE), { force: true }); // a stale plan must not be shown for a failed one
  for (const step of terraformSteps()) {
    if (step.step === 'show' && !existsSync(join(workDir, PLAN_FILE))) break;
    console.error(`[${stack}] ${binary} ${step.args.join(' ')}`);
    const run = spawnSync(binary, [...step.args], {
      cwd: workDir,
      env,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      // Terraform's own output goes to stderr so stdout carries only this command's result list.
      stdio: ['ignore', step.captureStdout ? 'pipe' : 2, 'pipe'],
    });
    if (run.stderr) process.stderr.write(run.stderr);
    if (run.error || run.status !== 0) {
      const message = run.error ? run.error.message : tailLines(run.stderr || `exit code ${run.status}`);
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

const synthesize = (): void => {
  console.error('synthesizing: node --import tsx main.ts');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`synth failed (exit ${run.status ?? run.error?.message})`);
};

export const runPlan = (argv: readonly string[]): number => {
  let args: PlanArgs;
  try {
    args = parsePlanArgs(argv);
  } catch (error) {
    console.error(`plan: ${(error as Error).message}`);
    return PREFLIGHT_EXIT_CODE;
  }
  const check = preflight(args.env, { env: process.env, isExecutableFile, fileExists: existsSync, homeDirectory: homedir() });
  if (!check.ok) {
    console.error(`plan: ${check.message}`);
    return PREFLIGHT_EXIT_CODE;
  }
  console.error(`plan: using ${check.binary}; AWS credentials from ${check.credentials}`);

  if (args.synth) synthesize();
  const manifestPath = join(args.cdktfOut, 'manifest.json');
  let stacks;
  try {
    if (!existsSync(manifestPath)) throw new ManifestError(`${manifestPath} not found: run "npm run synth" first or drop --no-synth`);
    stacks = orderStacks(parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8'))), args.env);
  } catch (error) {
    console.error(`plan: ${(error as Error).message}`);
    return PREFLIGHT_EXIT_CODE;
  }

  const outDir = resolve(args.outDir);
  mkdirSync(outDir, { recursive: true });
  for (const stack of stacks) {
    // Stale results of an earlier run must not reach the summary.
    rmSync(join(outDir, `${stack.name}.json`), { force: true });
    rmSync(join(outDir, `${stack.name}${STACK_ERROR_SUFFIX}`), { force: true });
  }
  const results = stacks.map((stack) => planStack(check.binary, stack.name, resolve(args.cdktfOut, stack.workingDirectory), outDir));

  const failed = results.filter((r) => r.error);
  console.log(`\nPlans for ${args.env} in ${outDir}:`);
  for (const result of results) {
    console.log(`  ${result.error ? 'FAILED' : 'ok    '} ${result.stack}${result.error ? ` (terraform ${result.error.step})` : ''}`);
  }
  console.log(`\nSummarize: npm run plan:summary -- ${join(args.outDir, '*.json')}`);
  return failed.length > 0 ? 1 : 0;
};

if (require.main === module) process.exitCode = runPlan(process.argv.slice(2));
