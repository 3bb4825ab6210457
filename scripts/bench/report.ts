/** The benchmark's printed report: aligned text tables. Pure. */
import type { Growth } from './growth';
import type { Measurement, Unmeasured } from './measure';
import { comparePeers } from './peers';
import type { Summary } from './stats';
import type { TargetCheck } from './targets';

export interface MachineInfo {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryMiB: number;
  /** 1, 5 and 15-minute load averages when the benchmark started and ended. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly commit: string | undefined;
  /** HEAD at the end, when it differs from `commit`: rows may have measured different code. */
  readonly commitAfter?: string | undefined;
  /** Whether peak RSS came from GNU time (else from the child's own report, synthesis rows only). */
  readonly gnuTime: boolean;
}

export interface BenchResult {
  readonly machine: MachineInfo;
  readonly runs: number;
  readonly warmup: boolean;
  readonly measurements: readonly Measurement[];
  /** Rows whose synthesis failed: named, with why, and left out of every table. */
  readonly unmeasured: readonly Unmeasured[];
  readonly growth: Growth | undefined;
  readonly targets: readonly TargetCheck[];
}

/** Columns padded to their widest cell; numbers (cells starting with a digit) right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => /^[\d~]/.test(row[column] ?? '') || (row[column] ?? '') === '–'));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const formatMiB = (mib: number): string => `${Math.round(mib)} MiB`;

/** `0.88–1.19 s`: the unit once. */
const range = (summary: Summary | undefined, format: (n: number) => string): string => {
  if (!summary) return '–';
  const [min] = format(summary.min).split(' ');
  return `${min}–${format(summary.max)}`;
};

function targetCell(row: Measurement, targets: readonly TargetCheck[]): string {
  const checks = targets.filter((check) => check.rowId === row.id).map((check) => `${check.met ? '✓' : '✗'} ${check.target}`);
  return checks.join(', ');
}

function phasesCell(row: Measurement): string {
  if (!row.phasesMs) return '';
  const { boot, load, synth } = row.phasesMs;
  return `${formatSeconds(boot.median)} / ${formatSeconds(load.median)} / ${formatSeconds(synth.median)}`;
}

function label(row: Measurement): string {
  return row.failures.length > 0 ? `${row.label} (FAILED: exit ${[...new Set(row.failures)].join(', ')})` : row.label;
}

export function renderMeasurements(measurements: readonly Measurement[], targets: readonly TargetCheck[]): string {
  return renderTable(
    ['Measurement', 'Wall (median)', 'min – max', 'CPU', 'Peak RSS', 'min – max', 'boot / load / synth', 'Target'],
    measurements.map((row) => [
      label(row),
      formatSeconds(row.wallMs.median),
      range(row.wallMs, formatSeconds),
      row.cpuMs ? formatSeconds(row.cpuMs.median) : '–',
      row.peakRssMiB ? formatMiB(row.peakRssMiB.median) : '–',
      range(row.peakRssMiB, formatMiB),
      phasesCell(row),
      targetCell(row, targets),
    ]),
  );
}

export function renderGrowth(growth: Growth, targets: readonly TargetCheck[]): string {
  const table = renderTable(
    ['Services', 'Wall', 'In synthesize()', 'per service'],
    growth.points.map((point) => [String(point.services), formatSeconds(point.wallMs), formatSeconds(point.synthMs), `${point.synthMsPerService.toFixed(1)} ms`]),
  );
  const { fit, smallest, largest } = growth;
  const check = targets.find((t) => t.rowId === 'growth');
  const secondLargest = growth.points[growth.points.length - 2]!;
  return [
    table,
    `Fit: synthesize() ≈ ${Math.round(fit.intercept)} ms + ${fit.slope.toFixed(1)} ms × services (R² ${fit.r2.toFixed(3)})`,
    `${largest.services} vs ${smallest.services} services (${growth.servicesRatio.toFixed(0)}×): wall ${growth.wallRatio.toFixed(1)}×, synthesize() ${growth.synthRatio.toFixed(1)}×`,
    `Growth exponent between ${secondLargest.services} and ${largest.services} services: ${growth.exponent.toFixed(2)}${check ? ` ${check.met ? '✓' : '✗'} ${check.target}` : ''}`,
  ].join('\n');
}

/** Each pair of ours and a peer's rows, with how many times faster ours is. */
export function renderPeers(measurements: readonly Measurement[]): string | undefined {
  const pairs = comparePeers(measurements);
  if (pairs.length === 0) return undefined;
  return renderTable(
    ['Same work', 'This repository', 'Peer', 'Faster', 'Less CPU', 'Less memory'],
    pairs.map((pair) => [
      pair.stacks && pair.stacks.ours !== pair.stacks.peer ? `${pair.what} (NOT THE SAME: ${pair.stacks.ours} vs ${pair.stacks.peer} stacks)` : pair.what,
      `${formatSeconds(pair.ours.wallMs.median)}${pair.ours.peakRssMiB ? `, ${formatMiB(pair.ours.peakRssMiB.median)}` : ''}`,
      `${formatSeconds(pair.peer.wallMs.median)}${pair.peer.peakRssMiB ? `, ${formatMiB(pair.peer.peakRssMiB.median)}` : ''}`,
      `${pair.speedup.toFixed(1)}×`,
      pair.cpuRatio === undefined ? '–' : `${pair.cpuRatio.toFixed(1)}×`,
      pair.memoryRatio === undefined ? '–' : `${pair.memoryRatio.toFixed(1)}×`,
    ]),
  );
}

export function renderReport(result: BenchResult): string {
  const peers = renderPeers(result.measurements);
  const { machine } = result;
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const met = result.targets.filter((t) => t.met).length;
  const missed = result.targets.filter((t) => !t.met);
  return [
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${formatMiB(machine.memoryMiB)}, Node ${machine.node} (${machine.platform})${
      machine.commit ? `, commit ${machine.commit.slice(0, 7)}` : ''
    }${machine.commitAfter ? ` (HEAD moved to ${machine.commitAfter.slice(0, 7)} during the run: later rows may have measured other code)` : ''}`,
    `Load average (1/5/15 min): ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after`,
    `Each figure: median of ${result.runs} run(s)${result.warmup ? ' after a warm-up run' : ' (no warm-up)'}, each a fresh child process; ` +
      `peak RSS from ${machine.gnuTime ? '/usr/bin/time -v (largest single process)' : "the child's own process.resourceUsage()"}.`,
    '',
    renderMeasurements(result.measurements, result.targets),
    ...result.unmeasured.flatMap((row) => ['', `NOT MEASURED: ${row.label}: ${row.error}`]),
    ...(peers
      ? [
          '',
          'Beside its peers, the AWS CDK app of the same saga (scripts/bench/cdk-peer.ts) and the app set up as cdktf init does (scripts/bench/init-peer.ts), wall and peak RSS (medians):',
          peers,
        ]
      : []),
    ...(result.growth ? ['', 'Growth with the catalog (generated, one environment):', renderGrowth(result.growth, result.targets)] : []),
    '',
    result.targets.length === 0
      ? 'Targets: none apply to these rows'
      : `Targets: ${met} of ${result.targets.length} met${missed.length > 0 ? `; missed: ${missed.map((t) => `${t.rowId} ${t.target} (${t.measured})`).join('; ')}` : ''}`,
  ].join('\n');
}
