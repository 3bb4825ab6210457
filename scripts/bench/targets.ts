/**
 * The performance targets (issues 7 and 15) and their checks against measured medians. Printed
 * beside the figures; never asserted in tests (timings depend on the machine and its load).
 */
import type { Growth } from './growth';
import type { Measurement } from './measure';
import { comparePeers } from './peers';

export const TARGETS = {
  /** Each example environment, synthesized in-process (the whole child process's wall time). */
  exampleWallMs: 1000,
  examplePeakRssMiB: 300,
  /** 500 generated services × 5 rules, one environment. */
  largeCatalogServices: 500,
  largeCatalogWallMs: 6_000,
  /** cost ∝ services^k between the two largest catalogs; 1 is linear. */
  maxGrowthExponent: 1.2,
  /** The README's synth command at least this many times faster than the AWS CDK app of the same saga. */
  peerSpeedup: 4,
  testSuiteWallMs: 20_000,
  typecheckWallMs: 15_000,
} as const;

export interface TargetCheck {
  /** Row the check belongs to (`growth` for the growth check). */
  readonly rowId: string;
  /** For example `wall < 1 s`. */
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))} s`;

function below(rowId: string, what: string, value: number, limit: number, show: (n: number) => string): TargetCheck {
  return { rowId, target: `${what} < ${show(limit)}`, measured: show(value), met: value < limit };
}

/** Every target that applies to the measured rows. */
export function checkTargets(measurements: readonly Measurement[], growth: Growth | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of measurements) {
    if (row.group === 'example') {
      checks.push(below(row.id, 'wall', row.wallMs.median, TARGETS.exampleWallMs, seconds));
      if (row.peakRssMiB) checks.push(below(row.id, 'peak', row.peakRssMiB.median, TARGETS.examplePeakRssMiB, (n) => `${Math.round(n)} MiB`));
    }
    if (row.group === 'generated' && row.services === TARGETS.largeCatalogServices) {
      checks.push(below(row.id, 'wall', row.wallMs.median, TARGETS.largeCatalogWallMs, seconds));
    }
    if (row.group === 'tests') checks.push(below(row.id, 'wall', row.wallMs.median, TARGETS.testSuiteWallMs, seconds));
    if (row.group === 'typecheck') checks.push(below(row.id, 'wall', row.wallMs.median, TARGETS.typecheckWallMs, seconds));
  }
  // Against the CDK app as `cdk synth` runs it (issue 15's figure); the report shows synthesis alone beside it.
  const command = comparePeers(measurements).find((pair) => pair.peer.id === 'peer-cdk-example');
  if (command) {
    checks.push({
      rowId: command.peer.id,
      target: `npm run synth ≥ ${TARGETS.peerSpeedup}× faster`,
      measured: `${command.speedup.toFixed(1)}×`,
      met: command.speedup >= TARGETS.peerSpeedup,
    });
  }
  if (growth) {
    checks.push({
      rowId: 'growth',
      target: `growth exponent ≤ ${TARGETS.maxGrowthExponent} (1 = linear)`,
      measured: growth.exponent.toFixed(2),
      met: growth.exponent <= TARGETS.maxGrowthExponent,
    });
  }
  return checks;
}
