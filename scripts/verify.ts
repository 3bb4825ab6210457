/**
 * npm run verify [-- --tier validate,tflint,checkov,trivy,actionlint,emulator] [--no-synth]
 *
 * Proves the Terraform with the real tools: the AWS provider's own validation, tflint with the AWS
 * rules, checkov, trivy, actionlint, and a deploy of dev into an AWS emulator that re-plans clean.
 * Tools come from ~/.cache/event-driven-ecs-infra (filled by `bash verify/bootstrap-tools.sh`) or PATH.
 * Each tier prints what it proved; the last line is `verify: N passed, N failed`.
 * Exit codes: 0 every tier passed; 1 a tier failed; 2 usage error or synth failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runActionlintTier } from '../verify/actionlint';
import { runCheckovTier } from '../verify/checkov';
import type { VerifyContext } from '../verify/context';
import { runEmulatorTier } from '../verify/emulator';
import { formatTier, summaryLine, TIER_ORDER, tierPassed, timingLine, type TierName, type TierReport } from '../verify/report';
import { runTflintTier } from '../verify/tflint';
import { loadToolVersions, locateTools } from '../verify/tools';
import { runTrivyTier } from '../verify/trivy';
import { runValidateTier } from '../verify/validate';

export interface VerifyArgs {
  readonly tiers: readonly TierName[];
  readonly synth: boolean;
}

export class VerifyUsageError extends Error {}

const USAGE = `usage: npm run verify -- [--tier ${TIER_ORDER.join(',')}] [--no-synth]`;

export const parseVerifyArgs = (argv: readonly string[]): VerifyArgs => {
  let tiers: TierName[] = [...TIER_ORDER];
  let synth = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-synth') synth = false;
    else if (arg === '--tier' || arg.startsWith('--tier=')) {
      const value = arg === '--tier' ? argv[++i] : arg.slice('--tier='.length);
      if (!value || value.startsWith('--')) throw new VerifyUsageError(`--tier needs a value\n${USAGE}`);
      const names = value.split(',').map((name) => name.trim()).filter(Boolean);
      const unknown = names.filter((name) => !TIER_ORDER.includes(name as TierName));
      if (unknown.length > 0) throw new VerifyUsageError(`unknown tier ${unknown.join(', ')} (tiers: ${TIER_ORDER.join(', ')})\n${USAGE}`);
      tiers = TIER_ORDER.filter((name) => names.includes(name));
    } else throw new VerifyUsageError(`unknown argument ${arg}\n${USAGE}`);
  }
  return { tiers, synth };
};

type TierRunner = (context: VerifyContext) => Omit<TierReport, 'seconds'> | Promise<Omit<TierReport, 'seconds'>>;

const RUNNERS: Record<TierName, TierRunner> = {
  validate: runValidateTier,
  tflint: runTflintTier,
  checkov: runCheckovTier,
  trivy: runTrivyTier,
  actionlint: runActionlintTier,
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
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(argv);
  } catch (error) {
    console.error(`verify: ${(error as Error).message}`);
    return 2;
  }
  const repoRoot = resolve(__dirname, '..');
  if (args.synth) {
    console.log('verify: synthesizing every environment (node --import tsx main.ts)');
    const synth = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: repoRoot, stdio: 'inherit' });
    if (synth.status !== 0) {
      console.error(`verify: synth failed (exit ${synth.status ?? synth.error?.message}); nothing was verified`);
      return 2;
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
  return reports.every(tierPassed) ? 0 : 1;
};

if (require.main === module) {
  runVerify(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
