/**
 * One benchmark row: a warm-up run (discarded: it fills compile caches and the page cache), then
 * N measured runs, each a fresh child process.
 */
import type { ChildCommand, ChildRun } from './run-child';
import { runChild } from './run-child';
import type { Summary } from './stats';
import { summarize } from './stats';

export type Group = 'example' | 'cli' | 'generated' | 'peer' | 'tests' | 'typecheck' | 'emit';
export const GROUPS: readonly Group[] = ['example', 'cli', 'generated', 'peer', 'tests', 'typecheck', 'emit'];

export interface Measurement {
  readonly id: string;
  readonly group: Group;
  readonly label: string;
  /** Services in the synthesized catalog (generated rows). */
  readonly services?: number;
  /** Stacks synthesized per run (synthesis rows). */
  readonly stacks?: number;
  readonly wallMs: Summary;
  readonly peakRssMiB: Summary | undefined;
  /** CPU time (user + system, the process and its children), when GNU time measured it. */
  readonly cpuMs?: Summary | undefined;
  /** Where the child's time went, as it measured itself (synthesis rows). */
  readonly phasesMs?: { readonly boot: Summary; readonly load: Summary; readonly synth: Summary };
  /** Non-zero exit codes of measured runs (a failing test suite is still timed, and flagged). */
  readonly failures: readonly number[];
  readonly samples: { readonly wallMs: readonly number[]; readonly peakRssMiB: readonly number[] };
}

/** What one run needs: a command, and what to remove afterwards (its output directory). */
export interface PreparedRun {
  readonly child: ChildCommand;
  readonly cleanup?: () => void;
}

export interface RowSpec {
  readonly id: string;
  readonly group: Group;
  readonly label: string;
  readonly services?: number;
  readonly prepare: () => PreparedRun;
  /** Synthesis must succeed to mean anything; a test suite or type check may fail and still be timed. */
  readonly mustSucceed: boolean;
}

export interface MeasureOptions {
  readonly runs: number;
  readonly warmup: boolean;
  readonly onProgress?: (message: string) => void;
}

async function runOnce(spec: RowSpec): Promise<ChildRun> {
  const prepared = spec.prepare();
  try {
    const run = await runChild(prepared.child);
    if (spec.mustSucceed && run.exitCode !== 0) {
      throw new Error(`${spec.label}: exited ${run.exitCode}:\n${run.outputTail}`);
    }
    return run;
  } finally {
    prepared.cleanup?.();
  }
}

const numberIn = (report: Record<string, unknown> | undefined, key: string): number | undefined => (typeof report?.[key] === 'number' ? (report[key] as number) : undefined);

/** Summary of the values every run reported, or undefined if any run did not. */
function summarizeReported(runs: readonly ChildRun[], key: string): Summary | undefined {
  const values = runs.map((run) => numberIn(run.report, key));
  return values.every((value): value is number => value !== undefined) ? summarize(values) : undefined;
}

/** A row that could not be measured: a run of synthesis failed, so its figures would mean nothing. */
export interface Unmeasured {
  readonly id: string;
  readonly label: string;
  /** Why: the exit code and the tail of the child's output. */
  readonly error: string;
}

/**
 * Every row in turn. A row whose synthesis fails is recorded as unmeasured and the next row still
 * runs: one broken peer (a missing devDependency, say) must not throw away the figures of a
 * 15-minute run.
 */
export async function measureAll(
  specs: readonly RowSpec[],
  options: MeasureOptions,
  measureRow: (spec: RowSpec, options: MeasureOptions) => Promise<Measurement> = measure,
): Promise<{ readonly measurements: readonly Measurement[]; readonly unmeasured: readonly Unmeasured[] }> {
  const measurements: Measurement[] = [];
  const unmeasured: Unmeasured[] = [];
  for (const spec of specs) {
    try {
      measurements.push(await measureRow(spec, options));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.onProgress?.(`${spec.label}: NOT MEASURED`);
      unmeasured.push({ id: spec.id, label: spec.label, error: message });
    }
  }
  return { measurements, unmeasured };
}

export async function measure(spec: RowSpec, options: MeasureOptions): Promise<Measurement> {
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`runs must be a whole number of at least 1, not ${options.runs}`);
  if (options.warmup) {
    options.onProgress?.(`${spec.label}: warm-up`);
    await runOnce(spec);
  }
  const runs: ChildRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    options.onProgress?.(`${spec.label}: run ${i}/${options.runs}`);
    runs.push(await runOnce(spec));
  }
  const wallMs = runs.map((run) => run.wallMs);
  const cpu = runs.map((run) => run.cpuMs);
  const cpuMs = cpu.every((value): value is number => value !== undefined) ? summarize(cpu) : undefined;
  const rss = runs.map((run) => run.peakRssMiB);
  const peakRssMiB = rss.every((value): value is number => value !== undefined) ? rss : [];
  const boot = summarizeReported(runs, 'bootMs');
  const load = summarizeReported(runs, 'loadMs');
  const synth = summarizeReported(runs, 'synthMs');
  const stacks = numberIn(runs[0]?.report, 'stacks');
  return {
    id: spec.id,
    group: spec.group,
    label: spec.label,
    ...(spec.services !== undefined ? { services: spec.services } : {}),
    ...(stacks !== undefined ? { stacks } : {}),
    wallMs: summarize(wallMs),
    peakRssMiB: peakRssMiB.length > 0 ? summarize(peakRssMiB) : undefined,
    ...(cpuMs ? { cpuMs } : {}),
    ...(boot && load && synth ? { phasesMs: { boot, load, synth } } : {}),
    failures: runs.map((run) => run.exitCode).filter((code) => code !== 0),
    samples: { wallMs, peakRssMiB },
  };
}
