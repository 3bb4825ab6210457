/**
 * `npm run verify [-- --tier validate,tflint,checkov,trivy,actionlint,hadolint,emulator] [--no-synth]`
 *
 * Proves the Terraform with the real tools: the AWS provider's own validation, tflint with the AWS
 * rules, checkov, trivy, actionlint, hadolint, and a deploy of dev into an AWS emulator that re-plans clean.
 * Tools come from ~/.cache/event-driven-ecs-infra (filled by `bash verify/bootstrap-tools.sh`) or PATH.
 * Each tier prints what it proved; the last line is `verify: N passed, N failed`. docs/verify.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { environments } from '../environments';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { APP_COMMAND, APP_NODE_ARGS } from '../tooling/synth';
import { runActionlintTier } from '../verify/actionlint';
import { runCheckovTier } from '../verify/checkov';
import type { VerifyContext } from '../verify/context';
import { runEmulatorTier } from '../verify/emulator';
import { runHadolintTier } from '../verify/hadolint';
import { formatTier, summaryLine, TIER_ORDER, tierPassed, timingLine, type TierName, type TierReport } from '../verify/report';
import { runTflintTier } from '../verify/tflint';
import { loadToolVersions, locateTools } from '../verify/tools';
import { runTrivyTier } from '../verify/trivy';
import { runValidateTier } from '../verify/validate';

export const USAGE = `Usage: npm run verify -- [--tier ${TIER_ORDER.join(',')}] [--no-synth]

Proves the synthesized stacks and the HCL modules with the real tools, tier by tier, and ends with
"verify: N passed, N failed". Tools: bash verify/bootstrap-tools.sh (docs/verify.md).

  --tier LIST   the tiers to run, comma-separated (default: all, in this order)
  --no-synth    verify the cdktf.out already there instead of synthesizing first
  -h, --help    this text

Exit codes: 0 every tier passed; 1 a tier failed; 2 usage, or the synth failed; 3 crash.`;

/** The environment the emulator deploys. */
export const EMULATED_ENVIRONMENT = 'dev';

export interface VerifyArgs {
  readonly tiers: readonly TierName[];
  readonly synth: boolean;
}

export const parseVerifyArgs = (argv: readonly string[]): VerifyArgs => {
  const { values } = parseCommandLine(argv, { tier: { type: 'string' }, 'no-synth': { type: 'boolean', default: false } });
  let tiers: TierName[] = [...TIER_ORDER];
  if (values.tier !== undefined) {
    const names = values.tier
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !TIER_ORDER.includes(name as TierName));
    if (unknown.length > 0 || names.length === 0) throw new UsageError(`unknown tier ${unknown.join(', ') || '""'} (tiers: ${TIER_ORDER.join(', ')})`);
    tiers = TIER_ORDER.filter((name) => names.includes(name));
  }
  return { tiers, synth: !values['no-synth'] };
};

type TierRunner = (context: VerifyContext) => Omit<TierReport, 'seconds'> | Promise<Omit<TierReport, 'seconds'>>;

const RUNNERS: Record<TierName, TierRunner> = {
  validate: runValidateTier,
  tflint: runTflintTier,
  checkov: runCheckovTier,
  trivy: runTrivyTier,
  actionlint: runActionlintTier,
  hadolint: runHadolintTier,
  emulator: runEmulatorTier,
};

const runTier = async (tier: TierName, context: VerifyContext): Promise<TierReport> => {
  const started = process.hrtime.bigint();
  let report: Omit<TierReport, 'seconds'>;
  try {
    report = await RUNNERS[tier](context);
  } catch (error) {
    report = { tier, proved: [], errors: [`crashed: ${(error as Error).stack ?? String(error)}`], findings: [], notes: [] };
  }
  return { ...report, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};

export const runVerify = async (argv: readonly string[]): Promise<number> => {
  const args = parseVerifyArgs(argv);
  const repoRoot = resolve(__dirname, '..');
  if (args.synth) {
    // Exactly what npm run synth runs, so verify never checks a differently synthesized output.
    console.log(`verify: synthesizing every environment (${APP_COMMAND})`);
    const synth = spawnSync(process.execPath, [...APP_NODE_ARGS], { cwd: repoRoot, stdio: 'inherit' });
    if (synth.status !== 0) {
      console.error(`verify: synth failed (exit ${synth.status ?? synth.error?.message}); nothing was verified`);
      return EXIT.usage;
    }
  }
  const workDir = join(repoRoot, '.verify');
  mkdirSync(workDir, { recursive: true });
  const context: VerifyContext = {
    repoRoot,
    synthDir: join(repoRoot, 'cdktf.out'),
    workDir,
    tools: locateTools(process.env),
    versions: loadToolVersions(),
    env: process.env,
    emulatedEnvironment: environments.find((env) => env.name === EMULATED_ENVIRONMENT)!,
    log: (line) => console.log(`   … ${line}`),
  };
  const reports: TierReport[] = [];
  for (const tier of args.tiers) {
    console.log(`verify: ${tier} …`);
    const report = await runTier(tier, context);
    reports.push(report);
    for (const line of formatTier(report)) console.log(line);
  }
  console.log(timingLine(reports));
  console.log(summaryLine(reports));
  return reports.every(tierPassed) ? EXIT.ok : EXIT.finding;
};

if (require.main === module) void runCommand({ name: 'verify', usage: USAGE, run: runVerify });
