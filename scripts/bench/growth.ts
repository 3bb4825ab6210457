/** How synthesis cost grows with the number of services, from the generated-catalog rows. Pure. */
import type { Measurement } from './measure';
import type { LinearFit } from './stats';
import { growthExponent, linearFit } from './stats';

export interface GrowthPoint {
  readonly services: number;
  readonly wallMs: number;
  /** Time inside `synthesize()`: wall time minus the fixed start-up and module loading. */
  readonly synthMs: number;
  readonly synthMsPerService: number;
}

export interface Growth {
  readonly points: readonly GrowthPoint[];
  /** synthMs ≈ intercept + slope × services. */
  readonly fit: LinearFit;
  readonly smallest: GrowthPoint;
  readonly largest: GrowthPoint;
  /** largest.services / smallest.services: what the time ratio would be if all cost were per service. */
  readonly servicesRatio: number;
  readonly wallRatio: number;
  readonly synthRatio: number;
  /** k in synthMs ∝ services^k between the two largest catalogs. */
  readonly exponent: number;
}

/** Undefined unless at least two generated sizes were measured with synthesis phases. */
export function analyzeGrowth(measurements: readonly Measurement[]): Growth | undefined {
  const points = measurements
    .filter((row) => row.group === 'generated' && row.services !== undefined && row.phasesMs)
    .map((row) => ({
      services: row.services!,
      wallMs: row.wallMs.median,
      synthMs: row.phasesMs!.synth.median,
      synthMsPerService: row.phasesMs!.synth.median / row.services!,
    }))
    .sort((a, b) => a.services - b.services);
  if (points.length < 2 || new Set(points.map((p) => p.services)).size !== points.length) return undefined;
  const smallest = points[0]!;
  const largest = points[points.length - 1]!;
  const secondLargest = points[points.length - 2]!;
  return {
    points,
    fit: linearFit(points.map((p) => ({ x: p.services, y: p.synthMs }))),
    smallest,
    largest,
    servicesRatio: largest.services / smallest.services,
    wallRatio: largest.wallMs / smallest.wallMs,
    synthRatio: largest.synthMs / smallest.synthMs,
    exponent: growthExponent({ size: secondLargest.services, cost: secondLargest.synthMs }, { size: largest.services, cost: largest.synthMs }),
  };
}
