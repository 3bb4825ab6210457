/**
 * `npm run plan -- --env NAME`: checks for a Terraform binary and AWS credentials (exit 2 at once
 * when either is missing), synthesizes, then plans each stack of the environment in dependency
 * order (delivery/plan.ts). Exit codes: docs/cli.md.
 */
import { join, resolve } from 'node:path';
import { planEnvironment } from '../delivery/plan';
import { CdktfOutError } from '../tooling/cdktf-out';
import { EXIT, PrerequisiteError, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { synthesize } from '../tooling/synth';
import { requireTerraformAndCredentials } from '../tooling/terraform';

export const USAGE = `Usage: npm run plan -- --env NAME [--out DIR] [--no-synth] [--cdktf-out DIR]

Plans every stack of one environment, in dependency order: terraform init, plan -out=tfplan and
show -json > DIR/<stack>.json. A stack that fails gets DIR/<stack>.error.json and the next stack is
still planned. Then: npm run plan:summary -- DIR/*.json

  --env NAME          environment to plan (required)
  --out DIR           where the JSON plans go (default plans)
  --no-synth          plan the existing synthesized output instead of synthesizing first
  --cdktf-out DIR     the synthesized output (default cdktf.out)
  -h, --help          this text

Needs a Terraform binary (TERRAFORM_BINARY_NAME=tofu for OpenTofu) and AWS credentials.
Exit codes: 0 every stack planned; 1 a stack failed to plan or synthesis failed;
2 usage, or a missing binary, credentials or synthesized output; 3 crash.`;

export interface PlanArgs {
  readonly env: string;
  readonly outDir: string;
  readonly synth: boolean;
  readonly cdktfOut: string;
}

export const parsePlanArgs = (argv: readonly string[]): PlanArgs => {
  const { values } = parseCommandLine(argv, {
    env: { type: 'string' },
    out: { type: 'string', default: 'plans' },
    'no-synth': { type: 'boolean', default: false },
    'cdktf-out': { type: 'string', default: 'cdktf.out' },
  });
  if (!values.env) throw new UsageError('--env is required');
  if (!/^[a-z][a-z0-9-]*$/.test(values.env)) throw new UsageError(`--env "${values.env}": lower-case letters, digits and dashes only`);
  return { env: values.env, outDir: values.out, synth: !values['no-synth'], cdktfOut: values['cdktf-out'] };
};

export const runPlan = (argv: readonly string[]): number => {
  const args = parsePlanArgs(argv);
  const { binary, credentials } = requireTerraformAndCredentials(args.env);
  console.error(`plan: using ${binary}; AWS credentials from ${credentials}`);

  if (args.synth) {
    console.error(`synthesizing into ${args.cdktfOut}: node --import tsx main.ts`);
    const status = synthesize({ outdir: resolve(args.cdktfOut) });
    if (status !== 0) {
      console.error(`plan: synthesis failed (exit ${status}); nothing was planned`);
      return EXIT.finding;
    }
  }
  let results;
  try {
    results = planEnvironment({ env: args.env, binary, cdktfOut: args.cdktfOut, outDir: args.outDir });
  } catch (error) {
    if (error instanceof CdktfOutError) throw new PrerequisiteError(error.message);
    throw error;
  }

  console.log(`\nPlans for ${args.env} in ${resolve(args.outDir)}:`);
  for (const result of results) {
    console.log(`  ${result.error ? 'FAILED' : 'ok    '} ${result.stack}${result.error ? ` (terraform ${result.error.step})` : ''}`);
  }
  console.log(`\nSummarize: npm run plan:summary -- ${join(args.outDir, '*.json')}`);
  return results.some((result) => result.error) ? EXIT.finding : EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'plan', usage: USAGE, run: runPlan });
