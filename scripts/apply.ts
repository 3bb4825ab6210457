/**
 * `npm run apply -- --env NAME --plans DIR`: applies the plans `npm run plan -- --save DIR` kept,
 * stack by stack in dependency order, after checking that each was made from this commit, for this
 * stack and from the same synthesized configuration (delivery/apply.ts). Exit codes: docs/cli.md.
 */
import { resolve } from 'node:path';
import { applyEnvironment } from '../delivery/apply';
import { SAVED_PLAN_MAX_AGE_DAYS } from '../delivery/saved-plans';
import { CdktfOutError } from '../tooling/cdktf-out';
import { EXIT, PrerequisiteError, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { currentCommit } from '../tooling/commit';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { APP_COMMAND, synthesize } from '../tooling/synth';
import { requireTerraformAndCredentials } from '../tooling/terraform';

export const USAGE = `Usage: npm run apply -- --env NAME --plans DIR [--no-synth] [--cdktf-out DIR]

Applies exactly what was reviewed: the saved plans of npm run plan -- --env NAME --save DIR, each
with terraform apply <saved plan>, in dependency order. Before anything is applied, every stack of
the environment must have its record in DIR, made from this commit, for that stack, from the same
synthesized configuration, with the plan file it names, at most ${SAVED_PLAN_MAX_AGE_DAYS} days ago. A stack whose plan was deferred (it reads
outputs another plan changes) is not applied: plan it again afterwards. A failed apply stops the
run: nothing that depends on that stack is applied.

  --env NAME          environment to apply (required)
  --plans DIR         the directory npm run plan --save wrote (required)
  --no-synth          use the existing synthesized output instead of synthesizing first
  --cdktf-out DIR     the synthesized output (default cdktf.out)
  -h, --help          this text

For a manual deploy without a reviewed plan, npx cdktf deploy still works (docs/plan-and-deploy.md).
Needs a Terraform binary (TERRAFORM_BINARY_NAME=tofu for OpenTofu) and AWS credentials.
Exit codes: 0 every applicable plan applied; 1 an apply failed (or synthesis failed); 2 usage, a
missing binary, credentials or synthesized output, or saved plans that may not be applied (nothing
was applied); 3 crash.`;

export interface ApplyArgs {
  readonly env: string;
  readonly plansDir: string;
  readonly synth: boolean;
  readonly cdktfOut: string;
}

export const parseApplyArgs = (argv: readonly string[]): ApplyArgs => {
  const { values } = parseCommandLine(argv, {
    env: { type: 'string' },
    plans: { type: 'string' },
    'no-synth': { type: 'boolean', default: false },
    'cdktf-out': { type: 'string', default: 'cdktf.out' },
  });
  if (!values.env) throw new UsageError('--env is required');
  if (!/^[a-z][a-z0-9-]*$/.test(values.env)) throw new UsageError(`--env "${values.env}": lower-case letters, digits and dashes only`);
  if (!values.plans) throw new UsageError('--plans is required: the directory npm run plan -- --save wrote');
  return { env: values.env, plansDir: values.plans, synth: !values['no-synth'], cdktfOut: values['cdktf-out'] };
};

export const runApply = (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number => {
  const args = parseApplyArgs(argv);
  const { binary, credentials } = requireTerraformAndCredentials(args.env, env);
  console.error(`apply: using ${binary}; AWS credentials from ${credentials}`);
  const commit = currentCommit(env, REPO_ROOT);

  if (args.synth) {
    console.error(`synthesizing into ${args.cdktfOut}: ${APP_COMMAND}`);
    const status = synthesize({ outdir: resolve(args.cdktfOut) });
    if (status !== 0) {
      console.error(`apply: synthesis failed (exit ${status}); nothing was applied`);
      return EXIT.finding;
    }
  }
  let result;
  try {
    result = applyEnvironment({ env: args.env, binary, cdktfOut: args.cdktfOut, plansDir: args.plansDir, commit, onCiRunner: env.GITHUB_ACTIONS === 'true' });
  } catch (error) {
    if (error instanceof CdktfOutError) throw new PrerequisiteError(error.message);
    throw error;
  }

  console.log(`\nApply of ${args.env} at ${commit}:`);
  for (const stack of result.applied) console.log(`  applied  ${stack}`);
  if (result.failed) console.log(`  FAILED   ${result.failed.stack} (terraform ${result.failed.step}):\n${result.failed.message.replace(/^/gm, '           ')}`);
  for (const { stack, deferredBy } of result.deferred) console.log(`  later    ${stack} (${deferredBy.map((d) => `${d.stack} ${d.reason}`).join('; ')})`);
  const untouched = result.notApplied.filter((stack) => stack !== result.failed?.stack && !result.deferred.some((d) => d.stack === stack));
  for (const stack of untouched) console.log(`  skipped  ${stack} (after the failure)`);
  if (result.deferred.length > 0 && !result.failed) {
    console.log(`\nPlan again for the deferred stacks: npm run plan -- --env ${args.env} --save ${args.plansDir}, review, then apply.`);
  }
  return result.failed ? EXIT.finding : EXIT.ok;
};

if (require.main === module) void runCommand({ name: 'apply', usage: USAGE, run: (argv) => runApply(argv) });
