/**
 * `npm run plan -- --env NAME`: checks for a Terraform binary and AWS credentials (exit 2 at once
 * when either is missing), synthesizes, then plans each stack of the environment in dependency
 * order (delivery/plan.ts). Exit codes: docs/cli.md.
 */
import { join, resolve } from 'node:path';
import { planEnvironment } from '../delivery/plan';
import { CdktfOutError } from '../tooling/cdktf-out';
import { EXIT, PrerequisiteError, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { currentCommit } from '../tooling/commit';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { APP_COMMAND, synthesize } from '../tooling/synth';
import { requireTerraformAndCredentials } from '../tooling/terraform';

export const USAGE = `Usage: npm run plan -- --env NAME [--out DIR] [--save DIR] [--no-synth] [--cdktf-out DIR]

Plans every stack of one environment, in dependency order: terraform init, plan -out=tfplan and
show -json > DIR/<stack>.json. A stack that fails gets DIR/<stack>.error.json and the next stack is
still planned. Then: npm run plan:summary -- DIR/*.json

A stack that reads outputs (terraform_remote_state) which the plan of a stack it depends on changes
is deferred: its plan is a preview, listed in DIR/deferred.md, never applied; plan it again after
the dependency is applied.

  --env NAME          environment to plan (required)
  --out DIR           where the JSON plans go (default plans); they hold sensitive values: keep them private
  --save DIR          also keep each applicable saved plan and its record (commit, stack, digests) in DIR
                      for npm run apply -- --plans DIR
  --no-synth          plan the existing synthesized output instead of synthesizing first
  --cdktf-out DIR     the synthesized output (default cdktf.out)
  -h, --help          this text

Needs a Terraform binary (TERRAFORM_BINARY_NAME=tofu for OpenTofu) and AWS credentials.
Exit codes: 0 every stack planned (deferred previews may have failed); 1 a stack failed to plan or
synthesis failed; 2 usage, or a missing binary, credentials or synthesized output; 3 crash.`;

export interface PlanArgs {
  readonly env: string;
  readonly outDir: string;
  readonly saveDir?: string;
  readonly synth: boolean;
  readonly cdktfOut: string;
}

export const parsePlanArgs = (argv: readonly string[]): PlanArgs => {
  const { values } = parseCommandLine(argv, {
    env: { type: 'string' },
    out: { type: 'string', default: 'plans' },
    save: { type: 'string' },
    'no-synth': { type: 'boolean', default: false },
    'cdktf-out': { type: 'string', default: 'cdktf.out' },
  });
  if (!values.env) throw new UsageError('--env is required');
  if (!/^[a-z][a-z0-9-]*$/.test(values.env)) throw new UsageError(`--env "${values.env}": lower-case letters, digits and dashes only`);
  return { env: values.env, outDir: values.out, ...(values.save ? { saveDir: values.save } : {}), synth: !values['no-synth'], cdktfOut: values['cdktf-out'] };
};

export const runPlan = (argv: readonly string[]): number => {
  const args = parsePlanArgs(argv);
  const { binary, credentials } = requireTerraformAndCredentials(args.env);
  console.error(`plan: using ${binary}; AWS credentials from ${credentials}`);

  if (args.synth) {
    console.error(`synthesizing into ${args.cdktfOut}: ${APP_COMMAND}`);
    const status = synthesize({ outdir: resolve(args.cdktfOut) });
    if (status !== 0) {
      console.error(`plan: synthesis failed (exit ${status}); nothing was planned`);
      return EXIT.finding;
    }
  }
  let results;
  try {
    const commit = args.saveDir ? currentCommit(process.env, REPO_ROOT) : undefined;
    results = planEnvironment({ env: args.env, binary, cdktfOut: args.cdktfOut, outDir: args.outDir, ...(args.saveDir ? { saveDir: args.saveDir, commit } : {}) });
  } catch (error) {
    if (error instanceof CdktfOutError) throw new PrerequisiteError(error.message);
    throw error;
  }

  console.log(`\nPlans for ${args.env} in ${resolve(args.outDir)}:`);
  for (const result of results) {
    const status = result.deferredBy.length > 0 ? 'later ' : result.error ? 'FAILED' : 'ok    ';
    const detail =
      result.deferredBy.length > 0 ? ` (preview only: ${result.deferredBy.map((d) => `${d.stack} ${d.reason}`).join('; ')})` : result.error ? ` (terraform ${result.error.step})` : '';
    console.log(`  ${status} ${result.stack}${detail}`);
  }
  if (args.saveDir) console.log(`\nSaved plans for npm run apply in ${resolve(args.saveDir)}`);
  console.log(`\nSummarize: npm run plan:summary -- ${join(args.outDir, '*.json')}`);
  return results.some((result) => result.error && result.deferredBy.length === 0) ? EXIT.finding : EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'plan', usage: USAGE, run: runPlan });
