/** Summary statistics of benchmark samples, and how a cost grows with size. Pure. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** The middle sample; the mean of the two middle ones for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summary of no samples');
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length };
}

export interface LinearFit {
  /** Cost per unit of size (for example ms per service). */
  readonly slope: number;
  /** Fixed cost at size 0. */
  readonly intercept: number;
  /** Share of the variance the line explains (1 = a perfect line). */
  readonly r2: number;
}

/** Least-squares line through `(x, y)` points; needs at least two distinct x. */
export function linearFit(points: readonly { readonly x: number; readonly y: number }[]): LinearFit {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  if (n < 2 || sxx === 0) throw new Error('a line needs at least two points with different x');
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const ssTotal = points.reduce((sum, p) => sum + (p.y - meanY) ** 2, 0);
  const ssResidual = points.reduce((sum, p) => sum + (p.y - (intercept + slope * p.x)) ** 2, 0);
  return { slope, intercept, r2: ssTotal === 0 ? 1 : 1 - ssResidual / ssTotal };
}

/**
 * The exponent k in cost ∝ size^k between two sizes: 1 is linear, 2 quadratic. Fixed costs pull
 * it below 1 at small sizes, so it is most telling between the two largest sizes.
 */
export function growthExponent(small: { readonly size: number; readonly cost: number }, large: { readonly size: number; readonly cost: number }): number {
  if (small.size <= 0 || large.size <= small.size || small.cost <= 0 || large.cost <= 0) {
    throw new Error('growth needs two positive costs at increasing positive sizes');
  }
  return Math.log(large.cost / small.cost) / Math.log(large.size / small.size);
}
